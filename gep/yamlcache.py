"""On-disk cache of parsed YAML files (start-up speed; issue 9 item 4).

:func:`gep.yamlio.load_yaml` parses with PyYAML's pure-Python strict loader: the item catalog
(``gep/items.yaml``) and a profile file take ~20 ms each, in every process that reads them.
Once a file's text has parsed **without an error**, the data are kept as
``<cache>/yaml/<key>.json`` (:mod:`gep.cache`), where ``key`` is a sha256 over the text itself,
the code (:func:`gep.coefcache.code_fingerprint`, which covers ``gep/yamlio.py``), the PyYAML
version and the loader's limits — so any edit of the file or of the parsing rules is a new key.

Only the parse is skipped: the file is still read and checked (size, UTF-8, control
characters) before the cache is consulted, and every consumer validates the data as before. A
text that does not parse is never cached, so its error message is always PyYAML's. Entries are
JSON decoded through :mod:`gep.coefcache`'s whitelist (mappings with any scalar keys, lists,
tuples, dates, numbers, strings; no code, no pickle), written only when that round trip gives
back equal data of the same types, checked against their own sha256, and at most
:data:`MAX_ENTRIES` are kept. ``GEP_CACHE_DIR=off`` turns it off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from .cache import cache_dir, read_entry, write_entry

FORMAT = 1
MAX_ENTRIES = 128
_SUB = "yaml"


def key(text: str) -> str:
    """Cache key of a YAML text (with the code, PyYAML version and loader limits)."""
    import yaml

    from .coefcache import code_fingerprint
    from .yamlio import MAX_DEPTH, MAX_YAML_BYTES

    h = hashlib.sha256(
        f"{FORMAT}|{code_fingerprint()}|{yaml.__version__}|{MAX_DEPTH}|{MAX_YAML_BYTES}|".encode()
    )
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def get(text: str) -> tuple[Any] | None:
    """``(data,)`` parsed earlier from ``text``, or None (not cached, damaged, caching off)."""
    if cache_dir() is None:
        return None
    k = key(text)
    body = read_entry(_SUB, k, FORMAT, 8 * len(text.encode()) + 4096)
    if body is None:
        return None
    try:
        from .coefcache import _dec

        return (_dec(json.loads(body), {}),)
    except Exception:  # noqa: BLE001 - an undecodable entry is a miss, never an error
        return None


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (``1 == 1.0 == True`` is not enough)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(
            _same(k1, k2) and _same(a[k1], b[k2]) for k1, k2 in zip(a, b, strict=True)
        )
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if a is None or isinstance(a, bool | int | float | str | dt.date):
        return a == b
    return False


def put(text: str, data: Any) -> bool:
    """Keep ``data`` parsed from ``text``; False when off or not exactly representable."""
    if cache_dir() is None:
        return False
    try:
        from .coefcache import _dec, _enc

        body = json.dumps(_enc(data), ensure_ascii=False, separators=(",", ":")).encode()
        if not _same(_dec(json.loads(body), {}), data):
            return False
    except Exception:  # noqa: BLE001 - e.g. a value the whitelist refuses: just not cached
        return False
    return write_entry(_SUB, key(text), FORMAT, body, MAX_ENTRIES)
