"""On-disk cache of validated coefficient files (start-up speed of ``gep account``; issue 9).

Reading a set means a strict YAML parse and a schema validation of ~100 files (~0.15 s, pure
Python). Once a set has loaded **without any problem**, its parsed coefficients are written to
``<cache>/coefsets/<key>.json`` (:mod:`gep.cache`), where ``key`` is a sha256 over

* the code that parses and validates (every ``gep/*.py`` and ``gep/*.yaml`` file's content,
  plus the pint version), so a change of the rules never reuses an old verdict, and
* every coefficient file of the set and of the sets it extends: its path, its set name, its
  id and the sha256 of its bytes — any edit, rename, added or deleted file is a new key.

Safety: the entry is plain JSON decoded through a whitelist (two dataclasses, dates, tuples,
mappings, numbers and strings) — nothing in it is executed or unpickled. It carries a sha256 of
its own payload and its key; an entry that is unreadable, truncated, altered without updating
that digest, or of another format is ignored (and rewritten), never an error. A set with
problems is never cached, so every error message comes from the full validation exactly as
before. The folder is private to the user (0700); it keeps at most :data:`MAX_ENTRIES` entries
(oldest removed). ``GEP_CACHE_DIR=off`` turns it off.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .cache import ensure_dir, prune

FORMAT = 1
MAX_ENTRIES = 64
MAX_ENTRY_BYTES = 50_000_000


class _Unencodable(Exception):
    pass


# --------------------------------------------------------------------------------------------
# keys


@functools.cache
def code_fingerprint() -> str:
    """sha256 of the package's own source and data files (computed once per process)."""
    import pint

    h = hashlib.sha256(f"format={FORMAT}|pint={pint.__version__}".encode())
    pkg = Path(__file__).resolve().parent
    for path in sorted([*pkg.glob("*.py"), *pkg.glob("*.yaml")]):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def set_key(files: list[tuple[str, str, str, bytes]]) -> str:
    """Cache key for ``(file path, set name, id, content)`` rows in load order."""
    h = hashlib.sha256(code_fingerprint().encode())
    for path, set_name, cid, data in files:
        h.update(json.dumps([path, set_name, cid], ensure_ascii=False).encode() + b"\0")
        h.update(hashlib.sha256(data).digest())
    return h.hexdigest()


# --------------------------------------------------------------------------------------------
# encoding (whitelisted, no code)


def _classes() -> dict[str, type]:
    from .coefficients import Coefficient, ValueEntry

    return {"Coefficient": Coefficient, "ValueEntry": ValueEntry}


def _enc(x: Any) -> Any:
    if x is None or isinstance(x, bool | str):
        return x
    if type(x) is int or type(x) is float:
        return x
    if type(x) is dt.datetime:
        return {"$dt": x.isoformat()}
    if type(x) is dt.date:
        return {"$d": x.isoformat()}
    if type(x) is list:
        return [_enc(v) for v in x]
    if type(x) is tuple:
        return {"$t": [_enc(v) for v in x]}
    if type(x) is dict:
        return {"$m": [[_enc(k), _enc(v)] for k, v in x.items()]}
    name = type(x).__name__
    if dataclasses.is_dataclass(x) and _classes().get(name) is type(x):
        return {
            "$c": name,
            "f": [[f.name, _enc(getattr(x, f.name))] for f in dataclasses.fields(x)],
        }
    raise _Unencodable(name)


def _dec(x: Any, classes: dict[str, type]) -> Any:
    if x is None or isinstance(x, bool | str | int | float):
        return x
    if isinstance(x, list):
        return [_dec(v, classes) for v in x]
    if isinstance(x, dict) and len(x) == 1:
        ((tag, v),) = x.items()
        if tag == "$d":
            return dt.date.fromisoformat(v)
        if tag == "$dt":
            return dt.datetime.fromisoformat(v)
        if tag == "$t":
            return tuple(_dec(e, classes) for e in v)
        if tag == "$m":
            return {_dec(k, classes): _dec(e, classes) for k, e in v}
    if isinstance(x, dict) and set(x) == {"$c", "f"}:
        cls = classes[x["$c"]]  # KeyError: not whitelisted → entry ignored
        kwargs = {name: _dec(v, classes) for name, v in x["f"]}
        if set(kwargs) != {f.name for f in dataclasses.fields(cls)}:
            raise ValueError("fields changed")
        return cls(**kwargs)
    raise ValueError("unknown cache element")


# --------------------------------------------------------------------------------------------
# read / write


def _folder() -> Path | None:
    return ensure_dir("coefsets")


def get(key: str) -> dict | None:
    """The cached ``{id: Coefficient}`` for ``key``, or None (missing, corrupt, altered)."""
    folder = _folder()
    if folder is None:
        return None
    path = folder / f"{key}.json"
    try:
        if path.stat().st_size > MAX_ENTRY_BYTES:
            return None
        entry = json.loads(path.read_bytes())
        payload = entry["payload"]
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        if (
            entry.get("format") != FORMAT
            or entry.get("key") != key
            or entry.get("digest") != hashlib.sha256(text.encode()).hexdigest()
        ):
            return None
        classes = _classes()
        out = {}
        for cid, raw in payload:
            coef = _dec(raw, classes)
            if type(coef) is not classes["Coefficient"] or coef.id != cid:
                return None
            out[cid] = coef
        return out
    except Exception:  # noqa: BLE001 - any unreadable entry is a cache miss, never an error
        return None


def put(key: str, coefficients: dict) -> bool:
    """Store ``coefficients`` under ``key`` (atomically); False if not cacheable or no folder."""
    folder = _folder()
    if folder is None:
        return False
    try:
        payload = [[cid, _enc(c)] for cid, c in coefficients.items()]
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        # exact round trip or nothing (NaN, an unexpected type, …)
        back = json.loads(text)
        classes = _classes()
        if [[cid, _dec(raw, classes)] for cid, raw in back] != [
            [cid, c] for cid, c in coefficients.items()
        ]:
            return False
        entry = {
            "format": FORMAT,
            "key": key,
            "digest": hashlib.sha256(text.encode()).hexdigest(),
            "payload": back,
        }
        data = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
        if len(data) > MAX_ENTRY_BYTES:
            return False
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, folder / f"{key}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        prune(folder, MAX_ENTRIES)
        return True
    except (_Unencodable, OSError, ValueError, TypeError, RecursionError):
        return False
