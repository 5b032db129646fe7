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


# --------------------------------------------------------------------------------------------
# entries: one JSON header line (format, key, size and sha256 of the body), then the body


def read_entry(sub: str, key: str, fmt: int, max_bytes: int) -> bytes | None:
    """The body stored under ``sub/key.json`` if its header matches ``key`` and ``fmt`` and
    the body its size and sha256; None otherwise (missing, damaged, another key or format,
    larger than ``max_bytes``, caching off)."""
    import hashlib
    import json

    folder = ensure_dir(sub)
    if folder is None:
        return None
    try:
        path = folder / f"{key}.json"
        if path.stat().st_size > max_bytes:
            return None
        head, sep, body = path.read_bytes().partition(b"\n")
        if not sep:
            return None
        header = json.loads(head)
        if (
            isinstance(header, dict)
            and header.get("format") == fmt
            and header.get("key") == key
            and header.get("size") == len(body)
            and header.get("digest") == hashlib.sha256(body).hexdigest()
        ):
            return body
    except (OSError, ValueError):
        pass
    return None


def write_entry(sub: str, key: str, fmt: int, body: bytes, max_entries: int) -> bool:
    """Store ``body`` under ``sub/key.json`` atomically (temporary file, then rename) and keep
    the ``max_entries`` most recent entries of ``sub``; False when caching is off or the
    folder cannot be written."""
    import hashlib
    import json
    import tempfile

    folder = ensure_dir(sub)
    if folder is None:
        return False
    header = {
        "format": fmt,
        "key": key,
        "size": len(body),
        "digest": hashlib.sha256(body).hexdigest(),
    }
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(json.dumps(header).encode() + b"\n" + body)
            os.replace(tmp, folder / f"{key}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    prune(folder, max_entries)
    return True


def prune(folder: Path, keep: int) -> None:
    """Keep the ``keep`` most recently written entries of ``folder`` (and no stale temporary
    files)."""
    try:
        entries = []
        for p in folder.iterdir():
            if p.name.startswith(".tmp-") or p.suffix == ".json":
                try:
                    entries.append((p.stat().st_mtime, p))
                except OSError:
                    continue
        entries.sort(reverse=True)
        for _, p in entries[keep:]:
            p.unlink(missing_ok=True)
    except OSError:
        pass
