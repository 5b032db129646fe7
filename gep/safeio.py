"""Writing files that users open: atomic, whole, and safe to open in a spreadsheet.

One place for what every exporter (CLI, report writers, dashboard downloads, workspace) needs:

* :func:`atomic_write_bytes` / :func:`atomic_write_text` — write to a temporary file in the
  target folder, then ``os.replace``: a failure never leaves half a file;
* :func:`check_output_path` — refuse a directory or an unwritable place before any work;
* :func:`escape_formula` / :func:`escape_frame` — a text cell starting with ``=``, ``+``, ``-``,
  ``@``, tab or carriage return is written as text (a leading apostrophe), so a region or source
  named ``=HYPERLINK(...)`` never becomes a live formula in the analyst's Excel (OWASP "CSV
  injection"); numbers are left alone;
* :func:`safe_sheet_title` — Excel sheet titles without ``: / ? * [ ] \\`` and at most 31
  characters, unique within a workbook;
* :func:`dumps_json` — strict JSON: NaN/±inf become ``null`` (never ``NaN``/``Infinity``).

Nothing here imports Streamlit or the science layer.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import InputError, Problem

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in ":/?*[]\\"})
SHEET_TITLE_MAX = 31


def atomic_write_bytes(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``.

    A crash or a full disk leaves the previous file intact, never a half-written one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: Path | str, text: str) -> Path:
    """UTF-8 text version of :func:`atomic_write_bytes`."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def check_output_path(path: Path | str, field: str = "--out") -> Path:
    """The output path, or an :class:`InputError` naming ``field`` when it cannot be written.

    Refused: an existing directory, a parent that is not a directory, a folder without write
    permission. The parent folder is created when missing (as the writers do).
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(
            Problem(field, f"'{path}' is a directory; give a file name / 是文件夹，请给出文件名")
        )
    parent = path.parent
    existing = parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(Problem(field, f"'{existing}' is not a directory / 不是文件夹"))
    if not os.access(existing, os.W_OK):
        raise InputError(Problem(field, f"no permission to write in '{existing}' / 无写入权限"))
    if path.exists() and not os.access(path, os.W_OK):
        raise InputError(Problem(field, f"'{path}' is not writable / 文件不可写"))
    return path


def escape_formula(value: Any) -> Any:
    """``value`` with a formula-leading text prefixed by an apostrophe; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def escape_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (and text column names) are formula-escaped."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(escape_formula)
    out.columns = [escape_formula(c) if isinstance(c, str) else c for c in out.columns]
    if out.index.dtype == object:
        out.index = out.index.map(escape_formula)
    return out


def safe_sheet_title(name: str, taken: Iterable[str] = ()) -> str:
    """A valid, unique Excel sheet title for ``name`` (forbidden characters → ``_``, ≤ 31 chars)."""
    base = str(name).translate(_SHEET_FORBIDDEN).strip("'").strip() or "Sheet"
    base = base[:SHEET_TITLE_MAX]
    taken_lower = {t.lower() for t in taken}
    title, n = base, 1
    while title.lower() in taken_lower:
        n += 1
        suffix = f" ({n})"
        title = base[: SHEET_TITLE_MAX - len(suffix)] + suffix
    return title


def _finite_or_none(obj: Any) -> Any:
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite_or_none(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite_or_none(v) for v in obj]
    return obj


def dumps_json(obj: Any, **kwargs: Any) -> str:
    """``json.dumps`` that writes NaN/±inf as ``null`` and refuses anything else non-standard."""
    kwargs.setdefault("ensure_ascii", False)
    return json.dumps(_finite_or_none(obj), allow_nan=False, **kwargs)
