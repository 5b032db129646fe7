"""The user's on-disk cache folder (start-up speed only; never a source of truth).

``$GEP_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/gep``, else ``~/.cache/gep``. Everything in
it can be deleted at any time: it is rebuilt on the next run. ``GEP_CACHE_DIR=off`` (or ``0``)
turns every cache off.
"""

from __future__ import annotations

import os
from pathlib import Path

_OFF = ("0", "off", "none", "false")


def cache_dir() -> Path | None:
    """The cache folder (not created here), or None when caching is turned off."""
    env = os.environ.get("GEP_CACHE_DIR")
    if env is not None:
        if env.strip().lower() in _OFF or not env.strip():
            return None
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "gep"


def ensure_dir(sub: str) -> Path | None:
    """``cache_dir()/sub``, created private to the user (mode 0700); None if caching is off
    or the folder cannot be made (read-only home, …)."""
    root = cache_dir()
    if root is None:
        return None
    path = root / sub
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return path
