"""On-disk cache of validated datasets (start-up speed of ``gep account``; issue 9 item 4).

Loading a dataset folder parses ``dataset.yaml`` and two CSV files and validates every row
(units, codes, years, extents): ~0.1 s for Ankang's 8,095 rows, in every process. Once a folder
has loaded **without any problem**, the validated tables (regions and the canonical long
inventory table, with their file row numbers), the parsed ``dataset.yaml`` and the dataset's
content hash are written to ``<cache>/datasets/<key>.json`` (:mod:`gep.cache`); the xarray view
is rebuilt from the table on a hit (:func:`gep.inventory.to_xarray`). ``key`` is a sha256 over

* the code that reads and validates (:func:`gep.coefcache.code_fingerprint`: every
  ``gep/*.py`` and ``gep/*.yaml`` file, the item catalog included, and the pint version) and
  the numpy, pandas, xarray and pyarrow versions;
* each file read — ``dataset.yaml`` (or its absence), ``regions.csv`` and the inventory file —
  by its name in the folder and the sha256 of its bytes: any edit (even one keeping the size
  and modification time), a renamed inventory (``.csv`` ↔ ``.xlsx``) or a removed
  ``dataset.yaml`` is a new key.

Safety: an entry is one JSON header line (format, key, payload size and sha256) followed by the
JSON payload, decoded through a whitelist (numbers, strings, lists, the tagged mappings of
:mod:`gep.coefcache` and column records rebuilt as numpy/pandas arrays of a small set of
dtypes) — nothing is executed or unpickled. An entry that is unreadable, truncated, altered
without its digest, for another key or of another format is ignored (and rewritten), never an
error. A dataset with a problem is never cached: the full validation runs and raises exactly
as before. An entry is written only when decoding it gives back tables identical to the
validated ones (values, dtypes, categories, index). Bounded: at most :data:`MAX_ENTRIES`
entries (oldest removed), :data:`MAX_ENTRY_BYTES` per entry and :data:`MAX_ROWS` inventory
rows (larger inventories are read by pyarrow anyway). ``GEP_CACHE_DIR=off`` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any

import numpy as np
import pandas as pd

from .cache import cache_dir, read_entry, write_entry
from .coefcache import _dec, _enc, code_fingerprint

FORMAT = 1
MAX_ENTRIES = 16
MAX_ENTRY_BYTES = 64_000_000
MAX_ROWS = 500_000
_SUB = "datasets"

#: dtypes a cached column may have (anything else: the dataset is not cached)
_NUMERIC = {"int64", "float64", "bool"}


class _Uncacheable(Exception):
    pass


# --------------------------------------------------------------------------------------------
# key


def dataset_key(files: list[tuple[str, bytes | None]]) -> str:
    """Cache key for ``(name in the folder, content or None when absent)`` rows, in order."""
    versions = [np.__version__, pd.__version__]
    for mod in ("xarray", "pyarrow"):
        m = sys.modules.get(mod)
        versions.append(getattr(m, "__version__", "-") if m is not None else "-")
    h = hashlib.sha256(f"{FORMAT}|{code_fingerprint()}|{'|'.join(versions)}".encode())
    for name, data in files:
        h.update(json.dumps([name, data is not None], ensure_ascii=False).encode() + b"\0")
        if data is not None:
            h.update(hashlib.sha256(data).digest())
    return h.hexdigest()


# --------------------------------------------------------------------------------------------
# frames ↔ JSON (whitelisted)


def _enc_values(values: pd.Series | pd.Index) -> dict:
    dtype = values.dtype
    name = str(dtype)
    if isinstance(dtype, pd.CategoricalDtype):
        cats = dtype.categories
        if str(cats.dtype) != "str":
            raise _Uncacheable(f"categories of {cats.dtype}")
        codes = np.asarray(values.cat.codes if isinstance(values, pd.Series) else values.codes)
        return {
            "kind": "category",
            "codes": codes.tolist(),
            "categories": [str(c) for c in cats],
            "ordered": bool(dtype.ordered),
        }
    if name == "str":
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        return {"kind": "str", "codes": codes.tolist(), "uniques": [str(u) for u in uniques]}
    if name in _NUMERIC:
        return {"kind": name, "values": np.asarray(values).tolist()}
    if name == "object":
        out = []
        for v in values:
            if v is None or type(v) in (str, float, int, bool):
                out.append(v)
            elif type(v) is np.ndarray and v.shape == () and v.dtype == np.float64:
                # pint magnitudes (force_ndarray_like): 0-d float arrays, kept as they are
                out.append({"f0": float(v)})
            else:
                raise _Uncacheable(type(v).__name__)
        return {"kind": "object", "values": out}
    raise _Uncacheable(name)


def _dec_values(col: dict) -> Any:
    kind = col["kind"]
    if kind == "category":
        codes = np.asarray(col["codes"], dtype=np.int64)
        cats = pd.Index(np.asarray(col["categories"], dtype=object), dtype="str")
        if codes.size and (codes.min() < -1 or codes.max() >= len(cats)):
            raise ValueError("category code out of range")
        return pd.Categorical.from_codes(
            codes, dtype=pd.CategoricalDtype(cats, ordered=bool(col["ordered"]))
        )
    if kind == "str":
        codes = np.asarray(col["codes"], dtype=np.int64)
        uniques = np.asarray([*col["uniques"], None], dtype=object)
        if codes.size and (codes.min() < -1 or codes.max() >= len(uniques) - 1):
            raise ValueError("string code out of range")
        return pd.array(uniques[codes], dtype="str")  # code -1 → the last entry, None
    if kind in _NUMERIC:
        return np.asarray(col["values"], dtype=kind)
    if kind == "object":
        arr = np.empty(len(col["values"]), dtype=object)
        for i, v in enumerate(col["values"]):
            if type(v) is dict and v.keys() == {"f0"} and type(v["f0"]) in (float, int):
                arr[i] = np.array(float(v["f0"]))
            elif v is None or type(v) in (str, float, int, bool):
                arr[i] = v
            else:
                raise ValueError("unexpected object value")
        return arr
    raise ValueError(f"unknown column kind {kind!r}")


def _enc_frame(df: pd.DataFrame) -> dict:
    if df.attrs:
        raise _Uncacheable("frame attrs")
    if not all(isinstance(c, str) for c in df.columns) or df.columns.duplicated().any():
        raise _Uncacheable("column names")
    idx = df.index
    if type(idx) is pd.RangeIndex:
        index: dict = {"kind": "range", "range": [idx.start, idx.stop, idx.step]}
    elif type(idx) is pd.Index:
        index = {"kind": "values", "values": _enc_values(idx)}
    else:
        raise _Uncacheable(type(idx).__name__)
    if idx.name is not None and not isinstance(idx.name, str):
        raise _Uncacheable("index name")
    index["name"] = idx.name
    return {
        "index": index,
        "columns": [[c, _enc_values(df[c])] for c in df.columns],
    }


def _dec_frame(raw: dict) -> pd.DataFrame:
    ix = raw["index"]
    if ix["kind"] == "range":
        start, stop, step = (int(v) for v in ix["range"])
        index = pd.RangeIndex(start, stop, step, name=ix["name"])
    elif ix["kind"] == "values":
        index = pd.Index(_dec_values(ix["values"]), name=ix["name"])
    else:
        raise ValueError("unknown index")
    cols = {}
    for name, col in raw["columns"]:
        if not isinstance(name, str) or name in cols:
            raise ValueError("column names")
        values = _dec_values(col)
        if len(values) != len(index):
            raise ValueError("column length")
        cols[name] = values
    return pd.DataFrame(cols, index=index, copy=False)


def _identical(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    try:
        pd.testing.assert_frame_equal(
            a, b, check_exact=True, check_index_type=True, check_column_type=True
        )
    except AssertionError:
        return False
    for c in a.columns:  # object cells: the same Python types too (0-d array ≠ float)
        if a[c].dtype == object and [type(v) for v in a[c]] != [type(v) for v in b[c]]:
            return False
    return list(a.columns) == list(b.columns) and a.index.name == b.index.name


# --------------------------------------------------------------------------------------------
# read / write


def get(key: str) -> dict | None:
    """``{"meta", "regions", "table", "hash"}`` cached under ``key``, or None (missing,
    corrupt, altered, for another key, of another format)."""
    body = read_entry(_SUB, key, FORMAT, MAX_ENTRY_BYTES)
    if body is None:
        return None
    try:
        payload = json.loads(body)
        meta = _dec(payload["meta"], {})
        if not isinstance(meta, dict) or not isinstance(payload["hash"], str):
            return None
        return {
            "meta": meta,
            "regions": _dec_frame(payload["regions"]),
            "table": _dec_frame(payload["table"]),
            "hash": payload["hash"],
        }
    except Exception:  # noqa: BLE001 - any undecodable entry is a cache miss, never an error
        return None


def put(key: str, meta: dict, regions: pd.DataFrame, table: pd.DataFrame, digest: str) -> bool:
    """Store a validated dataset's parts under ``key`` (atomically); False when caching is off,
    the dataset is too large or holds something the whitelist cannot give back exactly."""
    if cache_dir() is None or len(table) > MAX_ROWS:
        return False
    try:
        payload = {
            "meta": _enc(meta),
            "regions": _enc_frame(regions),
            "table": _enc_frame(table),
            "hash": digest,
        }
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        if len(body) > MAX_ENTRY_BYTES - 1000:
            return False
        # exact round trip or nothing
        back = json.loads(body)
        if _dec(back["meta"], {}) != meta:
            return False
        if not _identical(_dec_frame(back["regions"]), regions):
            return False
        if not _identical(_dec_frame(back["table"]), table):
            return False
    except Exception:  # noqa: BLE001 - e.g. an unencodable value: just not cached
        return False
    return write_entry(_SUB, key, FORMAT, body, MAX_ENTRIES)
