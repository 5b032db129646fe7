"""Version content: coefficient sets, datasets and scenarios as canonical JSON.

Files stay the exchange format; the store keeps what they say. A coefficient-set version is
``{"meta": {name, description}, "coefficients": {id: <YAML-shaped dict>},
"overrides": ["ID=VALUE", ...]}`` — the whole flattened set (its ``extends`` chain resolved),
so a version never changes when files on disk do. To compute with a version it is written
back as a coefficient-set folder (cached by content hash) and read with :func:`gep.load_set`,
the same strict loader the files go through; its overrides are applied on load exactly as
``--set`` does. A dataset version holds the dataset folder's files; a scenario version holds
the scenario's YAML mapping.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import shutil
import tempfile
from collections import OrderedDict
from pathlib import Path
from typing import Any

from .. import ranges as _ranges
from ..coefficients import CoefficientSet, Override, load_set
from ..errors import InputError, Problem
from ..yamlio import dump_yaml

#: a dataset folder larger than this is refused (bytes)
MAX_DATASET_BYTES = 200 * 1024 * 1024
_DATASET_SUFFIXES = {".csv", ".xlsx", ".yaml", ".yml", ".md", ".txt", ".json", ".geojson"}


def canonical(content: Any) -> str:
    """Canonical JSON text (sorted keys, no spaces): what is stored and hashed."""
    return json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )


def content_hash(content: Any) -> str:
    return hashlib.sha256(canonical(content).encode("utf-8")).hexdigest()


def _dump_yaml(data: Any) -> str:
    return dump_yaml(data)  # never anchors/aliases: the loader refuses them


# --------------------------------------------------------------------------------------------
# coefficient sets


def set_content(cs: CoefficientSet, overrides: list[str] | None = None) -> dict:
    """The content of a loaded set (flattened), with ``overrides`` as ``--set`` strings."""
    return json.loads(
        canonical(
            {
                "meta": {"name": cs.name, "description": cs.description or {}},
                "coefficients": {cid: c.to_raw() for cid, c in cs.coefficients.items()},
                "overrides": list(overrides or []),
            }
        )
    )


def set_files(content: dict) -> dict[str, str]:
    """The files of a coefficient-set folder holding ``content`` (relative path → text).

    Overrides cannot be written into coefficient files without changing their meaning, so
    they go to ``overrides.txt`` (one ``--set`` override per line), which
    :func:`import_set_folder` reads back.
    """
    meta = content.get("meta", {})
    files = {
        "set.yaml": _dump_yaml(
            {"name": meta.get("name", "set"), "description": meta.get("description") or {}}
        )
    }
    for cid, raw in sorted(content.get("coefficients", {}).items()):
        files["/".join(cid.split(".")) + ".yaml"] = _dump_yaml(raw)
    if content.get("overrides"):
        files["overrides.txt"] = "\n".join(content["overrides"]) + "\n"
    return files


def write_folder(target: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` into a new folder ``target`` (built beside it, then renamed into place).

    Content-addressed folders never change, so if another process got there first its
    (identical) folder is kept and ours is dropped.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for rel, data in files.items():
            p = tmp / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                p.write_bytes(data)
            else:
                p.write_text(data, encoding="utf-8")
        try:
            os.rename(tmp, target)
        except OSError:
            if not target.exists():
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def materialize(content: dict, cache: Path, kind: str = "sets") -> Path:
    """A folder holding ``content`` under ``cache/<kind>/<hash>`` (written once)."""
    folder = Path(cache) / kind / content_hash(content)[:24]
    if not folder.exists():
        files = set_files(content) if kind == "sets" else dataset_files(content)
        write_folder(folder, files)
    return folder


_SET_CACHE: OrderedDict[tuple, CoefficientSet] = OrderedDict()
_SET_CACHE_SIZE = 16


def set_from_content(
    content: dict, cache: Path, extra_overrides: list[str | Override] = ()
) -> CoefficientSet:
    """Load a coefficient-set version through the strict file loader.

    Sets are immutable, so the last few loaded are kept in memory by content hash.
    """
    key = (content_hash(content), str(Path(cache).resolve()), tuple(map(str, extra_overrides)))
    if key in _SET_CACHE:
        _SET_CACHE.move_to_end(key)
        return _SET_CACHE[key]
    folder = materialize(content, cache, "sets")
    overrides = [Override.parse(o, origin="override") for o in content.get("overrides", [])]
    cs = load_set(folder, overrides=[*overrides, *extra_overrides])
    _SET_CACHE[key] = cs
    while len(_SET_CACHE) > _SET_CACHE_SIZE:
        _SET_CACHE.popitem(last=False)
    return cs


def changed_ids(a: dict, b: dict) -> set[str]:
    """Coefficients whose file content or overrides differ between two set contents."""
    ca, cb = a.get("coefficients", {}), b.get("coefficients", {})
    out = {cid for cid in set(ca) | set(cb) if ca.get(cid) != cb.get(cid)}
    for text in [*a.get("overrides", []), *b.get("overrides", [])]:
        out.add(Override.parse(text, origin="override").id)
    return out


def import_set_folder(folder: str | Path, root: Path | None = None) -> dict:
    """The content of a coefficient-set folder (or set name), with its ``overrides.txt``."""
    cs = load_set(folder, root=root)
    overrides: list[str] = []
    path = Path(cs.path or folder) / "overrides.txt"
    if path.exists():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = line.strip()
            if line and not line.startswith("#"):
                Override.parse(line, origin=f"{path}:{n}")
                overrides.append(line)
    if overrides:
        cs = load_set(folder, overrides=overrides, root=root)  # checks they name real coefficients
    return set_content(cs, overrides)


def apply_draft(base: dict, draft: dict) -> dict:
    """A new set content: ``base`` with a draft's replaced coefficients and overrides."""
    out = json.loads(canonical(base))
    out["coefficients"].update(draft.get("coefficients") or {})
    out["overrides"] = [*out.get("overrides", []), *(draft.get("overrides") or [])]
    return out


def add_override(draft: dict, text: str) -> dict:
    """The draft with override ``text`` added (replacing one on the same id and table key)."""
    new = Override.parse(text, origin="override")
    kept = []
    for old in draft.get("overrides") or []:
        o = Override.parse(old, origin="draft")
        if (o.id, o.key) != (new.id, new.key):
            kept.append(old)
    out = dict(draft)
    out["overrides"] = [*kept, text.strip()]
    return out


# --------------------------------------------------------------------------------------------
# comparing two sets


def _values(
    cs: CoefficientSet, year: int, ids: set[str] | None = None
) -> dict[tuple[str, str | None], float]:
    """Values resolved for ``year`` (at that year's prices where re-priced), by (id, key)."""
    out: dict[tuple[str, str | None], float] = {}
    for cid in cs.coefficients if ids is None else [i for i in ids if i in cs]:
        c = cs.coefficients[cid]
        try:
            entry = c.entry_for(year)
        except InputError:
            continue
        keys = sorted(entry.value) if isinstance(entry.value, dict) else None
        try:
            arr = cs.array(cid, [year], keys=keys).values
            vals = [float(x) for x in arr.ravel()]
        except _ranges.RangeError:  # an override out of range: a problem, not a fallback
            raise
        except InputError:  # e.g. an index not reaching the year: the value as written
            vals = [float(entry.value[k]) for k in keys] if keys else [float(entry.value)]
        if keys is None:
            out[(cid, None)] = vals[0]
        else:
            out.update({(cid, str(k)): v for k, v in zip(keys, vals, strict=True)})
    return out


def diff_sets(
    old: CoefficientSet, new: CoefficientSet, year: int, ids: set[str] | None = None
) -> list[dict]:
    """Coefficient values that differ between two sets, resolved for ``year``.

    One row per coefficient (and table key): ``id``, ``key``, ``old``, ``new`` (``None`` when
    absent on that side), ``unit`` and ``ratio`` (new/old). ``ids`` limits the comparison
    (e.g. to :func:`changed_ids`).
    """
    a, b = _values(old, year, ids), _values(new, year, ids)
    rows = []
    for cid, key in sorted(set(a) | set(b), key=lambda t: (t[0], t[1] or "")):
        x, y = a.get((cid, key)), b.get((cid, key))
        same = x is not None and y is not None and (x == y or (math.isnan(x) and math.isnan(y)))
        if same:
            continue
        unit = (new.coefficients.get(cid) or old.coefficients.get(cid)).unit
        ratio = y / x if (x not in (None, 0) and y is not None) else None
        rows.append({"id": cid, "key": key, "old": x, "new": y, "unit": unit, "ratio": ratio})
    return rows


def _range(c, file_value: float) -> tuple[float, float] | None:
    """The plausible range of a coefficient as factors on its file value (from ``uncertainty``)."""
    u = c.uncertainty or {}
    if not u or not file_value:
        return None
    rel = bool(u.get("relative"))
    dist = u.get("distribution")
    if dist in ("triangular", "uniform") and "low" in u and "high" in u:
        lo, hi = float(u["low"]), float(u["high"])
        return (lo, hi) if rel else (lo / file_value, hi / file_value)
    if dist == "normal" and "sd" in u:
        sd = float(u["sd"]) if rel else float(u["sd"]) / file_value
        return (1 - 3 * sd, 1 + 3 * sd)
    if dist == "lognormal" and "sd" in u:
        return (math.exp(-3 * float(u["sd"])), math.exp(3 * float(u["sd"])))
    return None


def check_changes(
    old: CoefficientSet, new: CoefficientSet, year: int, ids: set[str] | None = None
) -> tuple[list[Problem], list[str]]:
    """Problems (block publication) and warnings for the changes from ``old`` to ``new``.

    Problems: a value that is not finite, out of the coefficient's allowed range
    (:mod:`gep.ranges`), or negative where the old one was not. Warnings: a
    change by more than a factor 10 either way, or a value outside the coefficient's
    uncertainty range (``triangular``/``uniform`` low–high, ``normal`` ±3 sd).
    """
    problems: list[Problem] = []
    warnings: list[str] = []
    try:
        rows = diff_sets(old, new, year, ids)
    except _ranges.RangeError as exc:  # e.g. an override making a price negative
        return list(exc.problems), warnings
    for row in rows:
        cid, key, x, y = row["id"], row["key"], row["old"], row["new"]
        label = f"{cid}[{key}]" if key else cid
        if y is None:
            continue
        if not math.isfinite(y):
            problems.append(Problem(label, f"value {y} is not a finite number", field="value"))
            continue
        if y < 0 and (x is None or x >= 0):
            problems.append(Problem(label, f"value {y:g} is negative", field="value"))
            continue
        if x is None or x == 0:
            continue
        ratio = y / x
        if ratio > 10 or ratio < 0.1:
            warnings.append(
                f"{label}: {x:.6g} → {y:.6g} changes it by a factor {ratio:.3g} "
                "(more than an order of magnitude) / 变化超过一个数量级"
            )
        c = new.coefficients.get(cid)
        if c is None:
            continue
        try:
            entry = c.entry_for(year)
        except InputError:
            continue
        file_value = entry.value.get(key) if isinstance(entry.value, dict) else entry.value
        base_c = old.coefficients.get(cid, c)
        try:
            base_entry = base_c.entry_for(year)
            base_file = (
                base_entry.value.get(key)
                if isinstance(base_entry.value, dict)
                else base_entry.value
            )
        except InputError:
            base_file = file_value
        rng = _range(base_c, float(base_file or 0)) if base_file is not None else None
        if rng is not None:
            lo, hi = rng
            if not (lo * x - 1e-12 * abs(x) <= y <= hi * x + 1e-12 * abs(x)):
                warnings.append(
                    f"{label}: {y:.6g} is outside its uncertainty range "
                    f"{lo * x:.6g} – {hi * x:.6g} / 超出不确定性范围"
                )
    return problems, warnings


# --------------------------------------------------------------------------------------------
# datasets


def dataset_content(folder: str | Path) -> dict:
    """The files of a dataset folder (text as text, XLSX as base64), bounded in size."""
    folder = Path(folder)
    if not (folder / "regions.csv").exists():
        raise InputError(Problem(str(folder), "not a dataset folder (no regions.csv)"))
    files: dict[str, dict] = {}
    total = 0
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if not p.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        if rel.parts[0] == "coefficients" or p.suffix.lower() not in _DATASET_SUFFIXES:
            continue
        raw = p.read_bytes()
        total += len(raw)
        if total > MAX_DATASET_BYTES:
            raise InputError(
                Problem(str(folder), f"dataset larger than {MAX_DATASET_BYTES // 2**20} MiB")
            )
        try:
            files[rel.as_posix()] = {"text": raw.decode("utf-8")}
        except UnicodeDecodeError:
            files[rel.as_posix()] = {"b64": base64.b64encode(raw).decode("ascii")}
    return {"files": files}


def dataset_content_from_files(files: dict[str, str | bytes]) -> dict:
    out: dict[str, dict] = {}
    for rel, data in sorted(files.items()):
        if isinstance(data, bytes):
            try:
                out[rel] = {"text": data.decode("utf-8")}
            except UnicodeDecodeError:
                out[rel] = {"b64": base64.b64encode(data).decode("ascii")}
        else:
            out[rel] = {"text": data}
    return {"files": out}


def dataset_files(content: dict) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {}
    for rel, item in content.get("files", {}).items():
        if ".." in Path(rel).parts or Path(rel).is_absolute():
            raise InputError(Problem(rel, "file names in a stored dataset must stay inside it"))
        files[rel] = item["text"] if "text" in item else base64.b64decode(item["b64"])
    return files
