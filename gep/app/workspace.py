"""The user's workspace: what the app saves so that nothing is lost — backed by the store.

Since issue 13 the record of what was saved, by whom, is the versioned store
(:mod:`gep.store`: ``$GEP_WORKSPACE/gep.sqlite`` or ``GEP_DATABASE_URL``):

* coefficient edits in progress are the acting user's **private draft** of the set in the
  store (one per user and set; nobody else sees it), saved on every applied change;
* saving a named set, a scenario or an uploaded dataset stores an immutable **version**:
  published at once for an approver/admin (reason: the save), kept as the user's draft for an
  analyst; a viewer's attempt is refused and logged;
* the set the app opens by default is the store's **published version** when there is one.

Files stay the exchange format, so the folders below are still written (other tools and
``gep account --coefficients <folder>`` read them). ``$GEP_WORKSPACE`` (default
``~/.gep_workspace``) holds

* ``gep.sqlite`` — the store (unless ``GEP_DATABASE_URL`` points elsewhere);
* ``cache/`` — store versions written out as folders (by content hash) for the loaders;
* ``drafts/<set>.yaml`` — legacy per-machine drafts (read once if the store has none);
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

import contextlib
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
from ..store import LOCAL_USER, Store, StoreError
from ..store import content as store_content
from ..store.db import default_url
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
# the store and the acting user

_local = threading.local()
_stores: dict[tuple[str, str], Store] = {}
_stores_lock = threading.Lock()
_published_paths: dict[str, dict] = {}


def get_store() -> Store:
    """The store of this workspace (one engine per URL and process)."""
    key = (default_url(), str(workspace_root()))
    with _stores_lock:
        if key not in _stores:
            st = Store(key[0], cache=workspace_root() / "cache")
            st.ensure_local_user()  # the local admin (the app without an identity provider)
            _stores[key] = st
        return _stores[key]


def set_current_user(name: str) -> None:
    """Who acts in this thread (the app sets it per browser-session run)."""
    _local.user = name


def current_user() -> str:
    return getattr(_local, "user", LOCAL_USER)


def role() -> str:
    """The acting user's role (``viewer`` for an unknown user)."""
    try:
        return get_store().user(current_user())["role"]
    except StoreError:
        return "viewer"


def _store_version_or_draft(kind: str, name: str, content: dict, reason: str) -> None:
    """Publish ``content`` (approver/admin) or keep it as the user's draft (analyst).

    A viewer (or an unknown user) is refused here, and the refusal is logged.
    """
    st = get_store()
    user = current_user()
    me = st.require(user, "analyst", "save", f"{kind}:{name}")
    if me["role"] in ("approver", "admin"):
        st.publish_content(kind, name, user, content, reason)
    else:  # an analyst: the save is the user's private draft
        st.save_draft(kind, name, user, content, message=reason)


def published_set(name: str) -> tuple[Path, dict] | None:
    """The folder holding the store's published version of set ``name`` (and its record)."""
    try:
        st = get_store()
        got = st.published("coefset", name)
    except StoreError:
        return None
    if got is None:
        return None
    info, content = got
    folder = store_content.materialize(content, st.cache, "sets").resolve()
    pubs = [
        e for e in st.audit(action="publish", obj=f"coefset:{name}") if e["to"] == str(info.number)
    ]
    record = {
        "kind": "published",
        "set": name,
        "version": info.number,
        "hash": info.hash,
        "by": pubs[-1]["user"] if pubs else info.author,
        "time": (pubs[-1]["time"] if pubs else info.time or "")[:16].replace("T", " "),
        "reason": pubs[-1]["reason"] if pubs else info.message,
    }
    _published_paths[str(folder)] = record
    return folder, record


def set_source(path: Path | str | None) -> dict:
    """Where the set at ``path`` came from: a published store version or files."""
    if path is None:
        return {}
    return _published_paths.get(str(Path(path).resolve()), {"kind": "files"})


# --------------------------------------------------------------------------------------------
# coefficient drafts (private, in the store) and named sets


def draft_path(base_key: str) -> Path:
    return workspace_root() / "drafts" / f"{safe_name(base_key)}.yaml"


def save_draft(
    base_key: str,
    base_path: str,
    edits: dict[str, float],
    name: str | None = None,
    raw: dict[str, dict] | None = None,
) -> str | None:
    """Save the edits in progress as the acting user's private draft of set ``name``.

    ``raw``: the edited coefficients as YAML-shaped dicts, so that the draft is also what
    ``gep account --draft USER`` computes and what ``gep publish`` makes official. No edits:
    the draft is discarded. A viewer's save is refused and logged by the store (returns None).
    """
    obj = name or base_key
    st = get_store()
    user = current_user()
    draft_path(base_key).unlink(missing_ok=True)  # legacy per-machine draft: superseded
    try:
        if not edits:
            if st.draft("coefset", obj, user) is not None:
                st.discard_draft("coefset", obj, user, "all edits reset in the app")
            return None
        content = {
            "edits": {k: float(v) for k, v in sorted(edits.items())},
            "coefficients": raw or {},
            "overrides": [],
            "base_path": str(base_path),
        }
        st.save_draft("coefset", obj, user, content, message=f"{len(edits)} edit(s) in the app")
    except StoreError:
        return None
    return obj


def load_draft(base_key: str, name: str | None = None) -> dict[str, float]:
    """The acting user's draft edits of set ``name`` (else a legacy draft file, if any)."""
    obj = name or base_key
    try:
        d = get_store().draft("coefset", obj, current_user())
    except StoreError:
        d = None
    if d is not None:
        return {str(k): float(v) for k, v in (d["content"].get("edits") or {}).items()}
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
    """Save edited coefficients as a named set extending ``base_path`` (a real set folder),
    and as a version in the store (published for an approver, a draft for an analyst; a
    viewer is refused)."""
    get_store().require(current_user(), "analyst", "save", f"coefset:{name}")
    folder = sets_root() / safe_name(name)
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
    folder.parent.mkdir(parents=True, exist_ok=True)
    # one lock for the whole save: the folder is read back into the store, and a concurrent
    # save of the same name must not swap it out in between
    with lock_for(folder):
        check_name(name, folder, _stored_name(folder / "set.yaml"))
        path = _replace_dir_locked(folder, files)
        content = store_content.import_set_folder(path)
    _store_version_or_draft(
        "coefset",
        safe_name(name),
        content,
        description or f"saved in the app from {base_name or base_path}",
    )
    return path


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
    get_store().require(current_user(), "analyst", "save", f"scenario:{name}")
    path = scenarios_root() / f"{safe_name(name)}.yaml"
    check_name(spec.get("name", name) if isinstance(spec, dict) else name, path, _stored_name(path))
    write_yaml(path, spec)
    _store_version_or_draft("scenario", safe_name(name), spec, "scenario saved in the app")
    return path


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
    """Save a validated upload (folder + store version; the upload is in the audit log)."""
    get_store().require(current_user(), "analyst", "upload", f"dataset:{name}")
    folder = datasets_root() / safe_name(name)
    check_name(name, folder, _stored_name(folder / "dataset.yaml"))
    path = atomic_replace_dir(folder, files)
    _store_version_or_draft(
        "dataset",
        safe_name(name),
        store_content.dataset_content_from_files(files),
        "upload accepted (validated) in the app",
    )
    return path


def log_event(action: str, obj: str = "", ok: bool = True, reason: str = "", **detail) -> None:
    """Append an event (e.g. ``upload.rejected``, ``export``) to the audit log."""
    with contextlib.suppress(StoreError):
        get_store().log(current_user(), action, obj, reason, ok, **detail)


def boundary_path() -> Path:
    return workspace_root() / "boundaries" / "boundary.geojson"
