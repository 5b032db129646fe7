"""The user's workspace folder: what the app saves so that nothing is lost.

``$GEP_WORKSPACE`` (default ``~/.gep_workspace``) holds

* ``drafts/<set>.yaml`` — the coefficient edits in progress, saved on every change, so a page
  reload or a server restart brings them back;
* ``sets/<name>/`` — edited coefficient sets saved under a user-given name; each is a real
  coefficient set folder (``set.yaml`` extending the base set + one YAML per edited
  coefficient) that ``gep account --coefficients <folder>`` also reads;
* ``scenarios/<name>.yaml`` — scenarios built in the app;
* ``datasets/<name>/`` — inventories uploaded in the app (only after they validated);
* ``boundaries/<name>.geojson`` — boundary files uploaded for the choropleth map.

Every write goes to a temporary file in the same folder, then ``os.replace`` — a crash never
leaves half a file. Nothing here imports Streamlit.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import time
import unicodedata
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..safeio import atomic_write_bytes, atomic_write_text  # noqa: F401  (re-exported for pages)
from ..yamlio import dump_yaml as _dump_yaml
from ..yamlio import load_yaml

_NAME_RE = re.compile(r"[^\w\-. ]+", re.UNICODE)


def workspace_root() -> Path:
    """The workspace folder (created on first use)."""
    env = os.environ.get("GEP_WORKSPACE")
    root = Path(env).expanduser() if env else Path.home() / ".gep_workspace"
    root.mkdir(parents=True, exist_ok=True)
    return root


def safe_name(name: str) -> str:
    """A file-system-safe version of a user-given name (Chinese characters are kept).

    Raises :class:`InputError` for an empty name.
    """
    text = unicodedata.normalize("NFC", str(name)).strip()
    text = _NAME_RE.sub("_", text)
    text = re.sub(r"\s+", "_", text).strip("_.")
    if not text:
        raise InputError(
            Problem("<name>", "a name is needed (letters, digits, Chinese characters, - or _)")
        )
    return _limit_bytes(text)


#: file names are limited by the file system in *bytes* (255 on ext4); 80 × 𠀀 is 320 bytes
MAX_NAME_BYTES = 120


def _limit_bytes(text: str) -> str:
    data = text.encode("utf-8")
    if len(data) <= MAX_NAME_BYTES:
        return text
    return data[:MAX_NAME_BYTES].decode("utf-8", errors="ignore").rstrip("_.") or "_"


def check_name(name: str, path: Path, stored_name: str | None) -> None:
    """Refuse a name whose file already holds a *different* name ("foo?" and "foo" both clean
    to ``foo``): saving would silently overwrite the other one."""
    given = unicodedata.normalize("NFC", str(name)).strip()
    if stored_name is not None and path.exists() and str(stored_name).strip() != given:
        raise InputError(
            Problem(
                "<name>",
                f"名称“{given}”与已保存的“{stored_name}”对应同一个文件，请换一个名称 / "
                f"'{given}' would overwrite the saved '{stored_name}' (same file name); "
                "choose another name",
            )
        )


_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def lock_for(path: Path) -> threading.Lock:
    """One lock per target file/folder: saves of one name are serialised across sessions."""
    key = str(Path(path).resolve())
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def quarantine_root() -> Path:
    return workspace_root() / "quarantine"


def quarantine(path: Path, reason: str) -> Path:
    """Move a saved file (or folder) that fails to load aside, so it is never re-read on every
    view; returns its new place. A note beside it says why."""
    path = Path(path)
    dest_dir = quarantine_root()
    dest_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    dest = dest_dir / f"{stamp}-{path.parent.name}-{path.name}"
    n = 1
    while dest.exists():
        n += 1
        dest = dest_dir / f"{stamp}-{n}-{path.parent.name}-{path.name}"
    os.replace(path, dest)
    atomic_write_text(dest.with_name(dest.name + ".reason.txt"), reason + "\n")
    return dest


def dump_yaml(data: Any) -> str:
    return _dump_yaml(data)  # no anchors/aliases: the loader refuses them (issue 16)


def write_yaml(path: Path, data: Any) -> Path:
    with lock_for(path):
        return atomic_write_text(path, dump_yaml(data))


def atomic_replace_dir(target: Path, files: dict[str, str | bytes]) -> Path:
    """Write a whole folder: build it beside ``target``, then swap it in.

    The old folder (if any) is renamed away first and removed only after the new one is in
    place, so at every moment either the old or the new complete folder exists.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with lock_for(target):
        return _replace_dir_locked(target, files)


def _replace_dir_locked(target: Path, files: dict[str, str | bytes]) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for rel, content in files.items():
            p = tmp / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                p.write_bytes(content)
            else:
                p.write_text(content, encoding="utf-8")
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
            old.rmdir()
            os.replace(target, old)
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


# --------------------------------------------------------------------------------------------
# coefficient drafts and named sets


def draft_path(base_key: str) -> Path:
    return workspace_root() / "drafts" / f"{safe_name(base_key)}.yaml"


def save_draft(base_key: str, base_path: str, edits: dict[str, float]) -> Path | None:
    """Save the edits in progress for one base set (deleted when there are none)."""
    path = draft_path(base_key)
    if not edits:
        path.unlink(missing_ok=True)
        return None
    return write_yaml(
        path, {"base": base_path, "edits": {k: float(v) for k, v in sorted(edits.items())}}
    )


def load_draft(base_key: str) -> dict[str, float]:
    path = draft_path(base_key)
    if not path.exists():
        return {}
    try:
        raw = load_yaml(path) or {}
        return {str(k): float(v) for k, v in (raw.get("edits") or {}).items()}
    except (InputError, AttributeError, TypeError, ValueError) as exc:
        quarantine(path, f"draft could not be read: {exc}")  # never re-read on every view
        return {}


def sets_root() -> Path:
    return workspace_root() / "sets"


def list_sets() -> list[Path]:
    root = sets_root()
    if not root.exists():
        return []
    return sorted(
        p
        for p in root.iterdir()
        if p.is_dir() and not p.name.startswith(".") and (p / "set.yaml").exists()
    )


def save_set(
    name: str,
    base_path: str,
    coefficients_raw: dict[str, dict],
    description: str = "",
    base_name: str = "",
) -> Path:
    """Save edited coefficients as a named set extending ``base_path`` (a real set folder)."""
    folder = sets_root() / safe_name(name)
    check_name(name, folder, _stored_name(folder / "set.yaml"))
    meta = {
        "name": str(name).strip(),
        "description": {
            "zh": description or f"在 {base_name or base_path} 基础上编辑",
            "en": description or f"edited from {base_name or base_path}",
        },
        "extends": str(Path(base_path).resolve()),
    }
    files: dict[str, str | bytes] = {"set.yaml": dump_yaml(meta)}
    for cid, raw in coefficients_raw.items():
        rel = Path(*cid.split(".")).with_suffix(".yaml")
        files[str(rel)] = dump_yaml(raw)
    return atomic_replace_dir(folder, files)


# --------------------------------------------------------------------------------------------
# scenarios


def scenarios_root() -> Path:
    return workspace_root() / "scenarios"


def list_scenarios() -> list[Path]:
    root = scenarios_root()
    if not root.exists():
        return []
    return sorted(p for p in root.glob("*.yaml") if not p.name.startswith("."))


def save_scenario(name: str, spec: dict) -> Path:
    path = scenarios_root() / f"{safe_name(name)}.yaml"
    check_name(spec.get("name", name) if isinstance(spec, dict) else name, path, _stored_name(path))
    return write_yaml(path, spec)


def _stored_name(path: Path) -> str | None:
    """The display name recorded in a saved file (``None`` when absent or unreadable)."""
    if not path.exists():
        return None
    try:
        raw = load_yaml(path)
    except InputError:
        return None
    return str(raw.get("name")) if isinstance(raw, dict) and raw.get("name") is not None else None


def delete_scenario(name: str) -> None:
    (scenarios_root() / f"{safe_name(name)}.yaml").unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------
# uploaded datasets and boundaries


def datasets_root() -> Path:
    return workspace_root() / "datasets"


def list_datasets() -> list[Path]:
    root = datasets_root()
    if not root.exists():
        return []
    return sorted(
        p
        for p in root.iterdir()
        if p.is_dir() and not p.name.startswith(".") and (p / "regions.csv").exists()
    )


def save_dataset(name: str, files: dict[str, str | bytes]) -> Path:
    folder = datasets_root() / safe_name(name)
    check_name(name, folder, _stored_name(folder / "dataset.yaml"))
    return atomic_replace_dir(folder, files)


def boundary_path() -> Path:
    return workspace_root() / "boundaries" / "boundary.geojson"
