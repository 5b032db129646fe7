"""Uploaded inventories: validate first, save to the workspace only when valid.

A bad upload raises :class:`~gep.errors.InputError` (every problem with its row and field)
before anything is written, so the active data is never replaced by bad data.
"""

from __future__ import annotations

import io
import tomllib
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..errors import InputError, Problem
from ..inventory import Dataset, dataset_from_frames, read_csv_bytes
from ..tables import MAX_TABLE_BYTES, check_xlsx
from . import workspace

REPO = Path(__file__).resolve().parents[2]


def upload_limit_mb(config: Path = REPO / ".streamlit" / "config.toml") -> int:
    """The dashboard's upload limit [MB] (``server.maxUploadSize`` in .streamlit/config.toml;
    Streamlit's default of 200 when the file or the key is missing)."""
    try:
        return int(tomllib.loads(config.read_text(encoding="utf-8"))["server"]["maxUploadSize"])
    except (OSError, KeyError, ValueError, TypeError):
        return 200


#: the largest inventory the Data page accepts [bytes]: the server's upload limit, which the
#: file readers' own limit (gep.tables.MAX_TABLE_BYTES) must not be below
MAX_UPLOAD_BYTES = min(upload_limit_mb() * 1024 * 1024, MAX_TABLE_BYTES)

#: stages reported by :func:`validate_upload` (``progress(fraction, stage, done, total)``):
#: "read" [bytes], then "validate", "arrays", "rows" and "done" [rows]
Progress = Callable[[float, str, int, int], None]
_READ_SHARE = 0.4  # share of the bar for reading the file; the rest is checking the rows
#: step of gep.inventory.dataset_from_frames → (fraction, stage)
_STEPS = {"regions": (0.45, "validate"), "rows": (0.8, "arrays"), "arrays": (0.9, "rows")}


def read_upload(
    filename: str, raw: bytes, progress: Callable[[int, int], None] | None = None
) -> pd.DataFrame:
    """CSV (UTF-8 or GB18030) or XLSX (sheet ``inventory`` if present, else the first) as
    strings; ``progress(done, total)`` [bytes] as a CSV is parsed."""
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        check_xlsx(raw, filename)  # size and zip-bomb ratio before openpyxl reads it
        try:
            xls = pd.ExcelFile(io.BytesIO(raw), engine="openpyxl")
            sheet = "inventory" if "inventory" in xls.sheet_names else xls.sheet_names[0]
            df = pd.read_excel(xls, sheet_name=sheet, dtype=str, keep_default_na=False)
        except Exception as exc:  # openpyxl raises many types for broken files
            raise InputError(Problem(filename, f"cannot read Excel file: {exc}")) from None
        df.columns = [str(c).strip() for c in df.columns]
        if progress is not None:
            progress(len(raw), len(raw))
        return df.apply(lambda s: s.astype(str).str.strip())
    if suffix in (".csv", ".txt", ""):
        return read_csv_bytes(raw, filename, progress=progress)
    raise InputError(Problem(filename, f"unsupported file type '{suffix}' (use .csv or .xlsx)"))


def validate_upload(
    filename: str,
    raw: bytes,
    active: Dataset | None,
    regions_raw: bytes | None = None,
    name: str = "",
    coefficients: str | None = None,
    progress: Progress | None = None,
) -> tuple[Dataset, dict[str, str | bytes]]:
    """Build and validate a dataset from an uploaded inventory.

    Regions come from ``regions_raw`` (an uploaded regions.csv) or the active dataset's
    ``regions.csv``. Returns the validated dataset and the files to save; raises InputError.
    ``progress(fraction, stage, done, total)`` is called from this thread as the work goes
    on, ``fraction`` rising from 0 to 1 (see :data:`Progress`).
    """

    def report(fraction: float, stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(min(max(fraction, 0.0), 1.0), stage, done, total)

    if not raw:
        raise InputError(Problem(filename or "<upload>", "the file is empty"))
    if len(raw) > MAX_UPLOAD_BYTES:
        raise InputError(
            Problem(
                filename,
                f"file is {len(raw) / 2**20:,.1f} MB, larger than the upload limit "
                f"{MAX_UPLOAD_BYTES / 2**20:,.0f} MB / 文件超过上传上限",
            )
        )
    report(0.0, "read", 0, len(raw))
    if regions_raw is None:
        if active is None or not active.path or not (Path(active.path) / "regions.csv").exists():
            raise InputError(
                Problem(
                    "regions.csv",
                    "upload a regions.csv too (no active dataset to take regions from)",
                )
            )
        regions_raw = (Path(active.path) / "regions.csv").read_bytes()
    regions_df = read_csv_bytes(regions_raw, "regions.csv")
    inventory_df = read_upload(
        filename, raw, lambda done, total: report(_READ_SHARE * (done / total), "read", done, total)
    )
    n_rows = len(inventory_df)
    report(_READ_SHARE, "validate", 0, n_rows)
    meta = {
        k: v
        for k, v in (active.meta if active is not None else {}).items()
        if k not in ("years", "name")
    }
    name = (name or Path(filename).stem).strip()
    meta["name"] = name
    if coefficients:
        meta["coefficients"] = coefficients
    meta.setdefault(
        "description", {"zh": f"上传的清单 {filename}", "en": f"uploaded inventory {filename}"}
    )
    ds = dataset_from_frames(
        regions_df,
        inventory_df,
        name=name,
        meta=meta,
        inventory_file=filename,
        regions_file="regions.csv",
        progress=lambda step: report(_STEPS[step][0], _STEPS[step][1], n_rows, n_rows),
    )
    report(0.95, "done", n_rows, n_rows)
    inv_name = (
        "inventory.xlsx" if Path(filename).suffix.lower() in (".xlsx", ".xlsm") else "inventory.csv"
    )
    files: dict[str, str | bytes] = {
        inv_name: raw,
        "regions.csv": regions_raw,
        "dataset.yaml": workspace.dump_yaml(meta),
    }
    return ds, files


def save_upload(name: str, files: dict[str, str | bytes]) -> Path:
    """Write a validated upload to ``<workspace>/datasets/<name>/`` (atomically, whole folder)."""
    return workspace.save_dataset(name, files)


def template_csv() -> bytes:
    """A CSV template: the inventory columns and two example rows."""
    from ..inventory import INVENTORY_COLUMNS

    rows = [
        {
            "region": "610902",
            "year": "2020",
            "item": "area",
            "ecosystem": "forest.broadleaf",
            "species": "",
            "value": "12000",
            "unit": "hectare",
            "source": "e.g. 第三次全国国土调查 / illustrative: how it was made",
        },
        {
            "region": "610902",
            "year": "2020",
            "item": "precipitation",
            "ecosystem": "",
            "species": "",
            "value": "850",
            "unit": "mm",
            "source": "e.g. county meteorological bureau",
        },
    ]
    return pd.DataFrame(rows, columns=INVENTORY_COLUMNS).to_csv(index=False).encode("utf-8-sig")
