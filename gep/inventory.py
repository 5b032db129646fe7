"""Resource inventories: long tables → ``xarray.Dataset`` in canonical units (DESIGN §6).

A dataset folder holds ``regions.csv``, ``inventory.csv`` (or ``inventory.xlsx``),
``dataset.yaml`` and optional ``scenarios/``. Loading validates everything and raises a single
:class:`~gep.errors.InputError` listing every problem with file, row and column; nothing is
dropped or guessed.

The resulting ``Dataset.data`` has one variable per inventory item (named exactly like the
item, e.g. ``data["area"]``, ``data["emission.so2"]``), dims ``region, year`` plus
``ecosystem`` or ``species`` where the item has them, magnitudes in the item's canonical unit
(``attrs["units"]``). Absent inputs are NaN ("not assessed"), never zero — except members of an
extensive item (e.g. the area of an ecosystem type) inside a region-year that reports that
item, which are genuinely zero.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from ._lazydask import defer_dask_array_import
from .catalog import ecosystem_catalog, item_spec
from .errors import InputError, Problem
from .schemas import validate as validate_schema
from .unitparse import UnitError
from .units import parse_unit, ureg
from .yamlio import load_yaml_lines

defer_dask_array_import()  # xarray: no dask.array import until dask is used

INVENTORY_COLUMNS = ["region", "year", "item", "ecosystem", "species", "value", "unit", "source"]
REGION_COLUMNS = ["code", "name_zh", "name_en", "parent", "land_area", "land_area_unit"]
EXTENT_TOLERANCE = 0.01  # extent may exceed land area by at most 1 %
# 6-digit county-level codes; 9-digit 乡镇/街道 codes (GB/T 10114: county code + 3 digits)
REGION_CODE_RE = re.compile(r"[0-9]{6}(?:[0-9]{3})?")


@dataclass
class Dataset:
    """A validated inventory: regions, the canonical long table and the xarray view."""

    name: str
    regions: pd.DataFrame  # index: code; columns name_zh, name_en, parent, land_area_ha, source
    table: pd.DataFrame  # canonical long table (+ file row numbers)
    data: xr.Dataset
    meta: dict = field(default_factory=dict)
    path: str | None = None

    @property
    def hash(self) -> str:
        """Content hash of the inventory (computed once: a Dataset is not edited in place)."""
        cached = self.__dict__.get("_hash")
        if cached is None:
            cols = ["region", "year", "item", "ecosystem", "species", "value", "unit"]
            t = self.table[cols].sort_values(cols[:5])
            # sha256 over pandas' per-row content hashes (vectorized): millions of rows in about
            # a second, where writing the table out as CSV text took 15 s (issue 16 item 6)
            h = hashlib.sha256(",".join(cols).encode("utf-8"))
            t = t.astype({"year": "int64", "value": "float64"})
            h.update(pd.util.hash_pandas_object(t, index=False).to_numpy().tobytes())
            h.update(self.regions.to_csv().encode("utf-8"))
            cached = h.hexdigest()[:16]
            self.__dict__["_hash"] = cached
        return cached

    @property
    def counties(self) -> list[str]:
        """County-level (leaf) regions, in regions.csv order."""
        return list(self.data["region"].values)

    @property
    def years(self) -> list[int]:
        return [int(y) for y in self.data["year"].values]

    @property
    def default_coefficients(self) -> str:
        return str(self.meta.get("coefficients", "national"))

    @property
    def base_year(self) -> int:
        return int(self.meta.get("base_year", self.years[0]))

    def region_name(self, code: str, lang: str = "zh") -> str:
        col = "name_zh" if lang == "zh" else "name_en"
        if code in self.regions.index:
            return str(self.regions.at[code, col])
        return code

    @property
    def top_region(self) -> str | None:
        """The aggregate region (e.g. the city) whose children are the counties, if listed."""
        parents = {str(p) for p in self.regions.loc[self.counties, "parent"] if str(p)}
        tops = [p for p in parents if p in self.regions.index]
        return tops[0] if len(tops) == 1 else None


# --------------------------------------------------------------------------------------------
# reading files


def read_table(
    path: str | Path, sheet: str | None = None, encoding: str | None = None
) -> tuple[pd.DataFrame, int]:
    """Read CSV (UTF-8 or GB18030) or XLSX as strings; return (frame, first data row number).

    ``encoding`` is the one declared in ``dataset.yaml`` (``utf-8`` or ``gb18030``); without a
    declaration UTF-8 is tried, then GB18030 only when the decoded text looks like simplified
    Chinese (see :func:`read_csv_bytes`).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(Problem(str(path), "file not found"))
    if path.is_dir():
        raise InputError(Problem(str(path), "is a folder, not a table file"))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from .tables import check_xlsx

        check_xlsx(path.read_bytes(), str(path))  # size / zip-bomb limits before openpyxl
        try:
            xls = pd.ExcelFile(path, engine="openpyxl")
            name = sheet if sheet in xls.sheet_names else xls.sheet_names[0]
            df = pd.read_excel(xls, sheet_name=name, dtype=str, keep_default_na=False)
        except Exception as exc:  # openpyxl raises many types for broken files
            raise InputError(Problem(str(path), f"cannot read Excel file: {exc}")) from None
        return _clean(df), 2
    if path.stat().st_size >= FAST_CSV_BYTES and _utf8_or_undeclared(encoding):
        df = _read_csv_arrow(path)  # streamed from the file: no second copy of its bytes
        if df is not None:
            return _clean(df), 2
    raw = path.read_bytes()
    return read_csv_bytes(raw, str(path), encoding), 2


def _utf8_or_undeclared(encoding: str | None) -> bool:
    return (encoding or "utf-8").lower().replace("_", "-") in ("utf-8", "utf8")


def read_csv_bytes(
    raw: bytes,
    name: str,
    encoding: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Decode CSV bytes strictly (:func:`gep.tables.decode_text`) and parse them as strings.

    ``progress(done, total)`` [bytes], if given, is called as the file is parsed (block by
    block for large UTF-8 files, once at the end otherwise), with ``done`` never decreasing.
    """
    from .tables import decode_text

    if len(raw) >= FAST_CSV_BYTES and _utf8_or_undeclared(encoding):
        df = _read_csv_arrow(raw, progress)
        if df is not None:
            if progress is not None:
                progress(len(raw), len(raw))
            return _clean(df)
    text = decode_text(raw, name, encoding)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except Exception as exc:
        raise InputError(Problem(name, f"cannot parse CSV: {exc}")) from None
    if progress is not None:
        progress(len(raw), len(raw))
    return _clean(df)


FAST_CSV_BYTES = 8 * 1024 * 1024  # larger UTF-8 files are parsed by pyarrow (issue 16 item 6)
_CATEGORY_COLUMNS = {*INVENTORY_COLUMNS} - {"value"}


#: bytes per block when parsing with progress reports [bytes]
PROGRESS_BLOCK_BYTES = 8 * 1024 * 1024


def _read_csv_arrow(
    source: bytes | Path, progress: Callable[[int, int], None] | None = None
) -> pd.DataFrame | None:
    """Parse large UTF-8 CSV bytes with pyarrow: every cell as text, repeated columns
    (region, year, item, …) as categoricals. ``None`` when pyarrow refuses (invalid UTF-8,
    ragged rows, quoting it does not accept): the caller then takes the strict pandas path,
    which reports the problem. With ``progress`` the file is parsed block by block
    (:data:`PROGRESS_BLOCK_BYTES`) and ``progress(bytes parsed, total bytes)`` called after
    each block, in the calling thread."""
    try:
        import pyarrow as pa
        import pyarrow.compute  # noqa: F401  (pa.compute)
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    if isinstance(source, Path):
        with source.open("rb") as fh:
            head = fh.read(65536)
        stream = str(source)  # pyarrow streams the file (and skips a UTF-8 BOM)
    else:
        head = source[:65536]
        view = memoryview(source)
        stream = pa.py_buffer(view[3:] if head[:3] == b"\xef\xbb\xbf" else view)
    if b"\x00" in head:
        return None
    try:
        header = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8").strip()
        names = [c.strip().strip('"') for c in header.split(",")]
        parse_options = pacsv.ParseOptions(newlines_in_values=True)
        convert_options = pacsv.ConvertOptions(
            column_types={c: pa.string() for c in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        )
        if progress is None:
            table = pacsv.read_csv(
                stream, parse_options=parse_options, convert_options=convert_options
            )
        else:
            total = source.stat().st_size if isinstance(source, Path) else len(source)
            reader = pacsv.open_csv(
                stream if isinstance(source, Path) else pa.BufferReader(stream),
                read_options=pacsv.ReadOptions(block_size=PROGRESS_BLOCK_BYTES),
                parse_options=parse_options,
                convert_options=convert_options,
            )
            batches = []
            for i, batch in enumerate(reader, 1):  # one batch per block of the file
                batches.append(batch)
                progress(min(i * PROGRESS_BLOCK_BYTES, total), total)
            table = pa.Table.from_batches(batches, schema=reader.schema)
            del batches
    except (pa.ArrowInvalid, UnicodeDecodeError, ValueError):
        return None
    cols = {}
    for name in list(table.column_names):
        col = table.column(0)
        table = table.remove_column(0)  # free each Arrow column once converted
        if name.strip() == "value":
            # all plain numbers: parse once in C; otherwise keep the text for messages
            with contextlib.suppress(pa.ArrowInvalid, pa.ArrowNotImplementedError):
                col = pa.compute.cast(col, pa.float64())
        if name.strip() in _CATEGORY_COLUMNS:
            cols[name] = col.dictionary_encode().to_pandas()
        else:
            cols[name] = col.to_pandas()
        del col
    del table
    pa.default_memory_pool().release_unused()  # give the parse buffers back to the OS
    return pd.DataFrame(cols)


def _clean(df: pd.DataFrame) -> pd.DataFrame:
    """Column names and text cells stripped; categorical columns stripped per category."""
    df.columns = [str(c).strip() for c in df.columns]
    out = {}
    for c in df.columns:
        col = df[c]
        if isinstance(col.dtype, pd.CategoricalDtype):
            cats = col.cat.categories.astype(str)
            stripped = cats.str.strip()
            if stripped.equals(cats):
                out[c] = col
            elif stripped.is_unique:
                out[c] = col.cat.rename_categories(stripped)
            else:
                out[c] = col.astype(str).str.strip().astype("category")
        elif pd.api.types.is_float_dtype(col):  # values pyarrow already parsed as numbers
            out[c] = col
        else:
            out[c] = col.astype(str).str.strip()
    return pd.DataFrame(out, index=df.index)


def read_regions(path: str | Path) -> pd.DataFrame:
    df, first = read_table(path)
    return parse_regions(df, str(path), first)


def parse_regions(df: pd.DataFrame, file: str, first_row: int = 2) -> pd.DataFrame:
    problems: list[Problem] = []
    missing = [c for c in REGION_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(
            Problem(
                file,
                f"missing column(s): {', '.join(missing)}; expected {', '.join(REGION_COLUMNS)}",
            )
        )
    out = []
    seen: set[str] = set()
    for i, rec in enumerate(df.to_dict("records")):
        row = first_row + i
        code = rec["code"]
        if not REGION_CODE_RE.fullmatch(code):  # ASCII digits only: "６１０９０２" is refused
            problems.append(
                Problem(
                    file,
                    f"region code {code!r} is not a 6-digit (county) or 9-digit (township) "
                    "administrative code",
                    row,
                    "code",
                )
            )
        if code in seen:
            problems.append(Problem(file, f"duplicate region code {code}", row, "code"))
        seen.add(code)
        area_ha = np.nan
        try:
            area = float(rec["land_area"])
            if not np.isfinite(area) or area <= 0:
                raise ValueError
        except ValueError:
            area = None
            problems.append(
                Problem(
                    file,
                    f"land area {rec['land_area']!r} is not a positive number",
                    row,
                    "land_area",
                )
            )
        try:
            unit = parse_unit(rec["land_area_unit"] or "km**2", "land_area_unit", file)
            if area is not None:
                with np.errstate(over="ignore", invalid="ignore"):  # reported just below
                    area_ha = ureg.Quantity(area, unit).to("hectare").magnitude
                if not np.isfinite(area_ha):
                    problems.append(
                        Problem(file, "land area overflows after conversion", row, "land_area")
                    )
        except UnitError as exc:
            problems.append(Problem(file, exc.reason, row, "land_area_unit"))
        except Exception:
            problems.append(
                Problem(
                    file,
                    f"land area unit {rec['land_area_unit']!r} is not an area unit",
                    row,
                    "land_area_unit",
                )
            )
        if not rec["name_zh"] or not rec["name_en"]:
            problems.append(
                Problem(
                    file,
                    "names in Chinese and English are required",
                    row,
                    "name_zh" if not rec["name_zh"] else "name_en",
                )
            )
        out.append(
            {
                "code": code,
                "name_zh": rec["name_zh"],
                "name_en": rec["name_en"],
                "parent": rec["parent"],
                "land_area_ha": area_ha,
                "source": rec.get("source", ""),
                "row": row,
            }
        )
    for rec in out:
        if rec["parent"] and rec["parent"] not in seen:
            # a parent outside the file is fine (e.g. the province) — only record it
            pass
    if problems:
        raise InputError(problems)
    return pd.DataFrame(out).set_index("code")


# --------------------------------------------------------------------------------------------
# validation of the long table


MAX_PROBLEMS = 1000  # per file: a broken 2-million-row file reports the first 1000 (+ a count)
_KEY_COLUMNS = ("region", "year", "item", "ecosystem", "species", "unit")


def _per_category(col: pd.Series, check) -> tuple[np.ndarray, list]:
    """Apply ``check(value) -> result`` once per distinct value; (codes, results by code)."""
    cat = col if isinstance(col.dtype, pd.CategoricalDtype) else col.astype("category")
    results = [check(v) for v in cat.cat.categories]
    return cat.cat.codes.to_numpy(), results


def _pair_codes(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (a, b) code pairs and, for each row, the index of its pair (hash-based, O(n))."""
    a64 = a.astype(np.int64) + 1
    b64 = b.astype(np.int64) + 1
    width = int(b64.max(initial=0)) + 1
    inverse, uniques = pd.factorize(a64 * width + b64)
    uniques = np.asarray(uniques, dtype=np.int64)
    pairs = np.stack([uniques // width - 1, uniques % width - 1], axis=1)
    return pairs, inverse


def _units_column(canon_by_pair: list[str | None], inverse: np.ndarray) -> pd.Categorical:
    """The canonical unit of each row as a categorical (one category per distinct unit)."""
    names = [c or "" for c in canon_by_pair]
    cats = sorted(set(names))
    pos = np.array([cats.index(n) for n in names], dtype=np.int64)
    return pd.Categorical.from_codes(pos[inverse], categories=cats)


def _decat(col: pd.Series) -> pd.Series:
    """A categorical column as plain text (the dtype the small-file path produces), by take."""
    if not isinstance(col.dtype, pd.CategoricalDtype):
        return col
    cats = col.cat.categories.astype(str)
    codes = col.cat.codes.to_numpy()
    if (codes < 0).any():
        return col.astype(str)
    return pd.Series(cats.take(codes), index=col.index)


def parse_inventory(
    df: pd.DataFrame,
    regions: pd.DataFrame,
    file: str,
    first_row: int = 2,
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Validate the long inventory table and convert values to canonical units.

    Returns the canonical long table (value in canonical units, ``row`` = file row). Raises
    :class:`InputError` listing every problem (the first :data:`MAX_PROBLEMS` rows' problems
    and a count of the rest).

    Checks run once per distinct region, item, (item, ecosystem), (item, species) and
    (item, unit), then are mapped to rows with numpy, so millions of rows validate in seconds.
    """
    missing = [c for c in INVENTORY_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(
            Problem(
                file,
                f"missing column(s): {', '.join(missing)}; expected {', '.join(INVENTORY_COLUMNS)}",
            )
        )
    problems: list[Problem] = []
    extra = [c for c in df.columns if c not in INVENTORY_COLUMNS]
    if extra:
        problems.append(Problem(file, f"unknown column(s): {', '.join(extra)}", None, extra[0]))
    if df.empty:
        raise InputError(Problem(file, "the inventory has no rows"))
    df = df[INVENTORY_COLUMNS].copy()
    for c in _KEY_COLUMNS:
        if not isinstance(df[c].dtype, pd.CategoricalDtype):
            df[c] = df[c].astype(str).astype("category")
    n = len(df)
    rows = np.arange(n) + first_row
    df["row"] = rows
    found: list[tuple[np.ndarray, int, object]] = []  # (row mask, field order, message(s))

    def flag(mask: np.ndarray, order: int, message) -> None:
        if mask.any():
            found.append((mask, order, message))

    # region
    parents = set(regions["parent"]) - {""}
    aggregate = {c for c in regions.index if c in parents}
    known_regions = set(regions.index)

    def region_msg(code: str) -> str | None:
        if code not in known_regions:
            return f"unknown region {code!r} (not in regions.csv)"
        if code in aggregate:
            return (
                f"region {code} is an aggregate of other regions; give county-level rows only "
                "(totals are computed)"
            )
        return None

    codes, msgs = _per_category(df["region"], region_msg)
    for k, m in enumerate(msgs):
        if m:
            flag(codes == k, 0, ("region", m))

    # year: distinct texts → numbers
    ycodes, ynums = _per_category(df["year"], lambda t: pd.to_numeric(t, errors="coerce"))
    ylookup = np.array([np.nan if v is None else float(v) for v in ynums] + [np.nan])
    year_num = ylookup[ycodes]
    yvalid = np.isfinite(year_num) & (year_num == np.round(year_num))
    yvalid &= (year_num >= 1900) & (year_num <= 2200)
    for k, t in enumerate(df["year"].cat.categories):
        bad = (ycodes == k) & ~yvalid
        if bad.any():
            flag(bad, 1, ("year", f"year {t!r} is not a year"))
        elif years is not None and np.isfinite(ylookup[k]) and int(ylookup[k]) not in years:
            flag(
                ycodes == k,
                1,
                ("year", f"year {int(ylookup[k])} is not one of the dataset years {list(years)}"),
            )

    # item
    icodes, specs = _per_category(df["item"], item_spec)
    items = list(df["item"].cat.categories)
    known_item = np.array([sp is not None for sp in specs] + [False])[icodes]
    for k, sp in enumerate(specs):
        if sp is None:
            flag(
                icodes == k,
                2,
                ("item", f"unknown item {items[k]!r} (see `gep items` / gep/items.yaml)"),
            )

    # ecosystem / species per (item, value) pair
    ecosystems = ecosystem_catalog()
    for col, order in (("ecosystem", 3), ("species", 4)):
        vcodes = df[col].cat.codes.to_numpy()
        cats = list(df[col].cat.categories)
        pairs, inverse = _pair_codes(icodes, vcodes)
        for p, (ik, vk) in enumerate(pairs):
            sp = specs[ik] if ik >= 0 else None
            if sp is None:
                continue
            v = cats[vk] if vk >= 0 else ""
            m = None
            if col in sp.dims:
                if not v:
                    m = (
                        f"item {items[ik]} needs "
                        f"{'an ecosystem' if col == 'ecosystem' else 'a species group'}"
                    )
                elif col == "ecosystem" and v not in ecosystems:
                    m = f"unknown ecosystem {v!r}"
                elif col == "species" and (not v.replace("_", "").isalnum() or v != v.lower()):
                    m = f"species code {v!r} must be lower_snake_case"
            elif v:
                m = f"item {items[ik]} has no {col} dimension; leave it empty"
            if m:
                flag(inverse == p, order, (col, m))

    # value
    raw_values = df["value"]
    values = pd.to_numeric(raw_values, errors="coerce").to_numpy(dtype=float)
    bad_value = ~np.isfinite(values) & known_item
    for i in np.flatnonzero(bad_value)[:MAX_PROBLEMS]:
        found.append((np.array([i]), 5, ("value", f"value {raw_values.iat[i]!r} is not a number")))
    if bad_value.sum() > MAX_PROBLEMS:
        found.append(
            (np.flatnonzero(bad_value)[MAX_PROBLEMS:], 5, ("value", "value is not a number"))
        )
    negative = (values < 0) & known_item
    for i in np.flatnonzero(negative)[:MAX_PROBLEMS]:
        found.append((np.array([i]), 5, ("value", f"value {values[i]:g} is negative")))

    # unit per (item, unit) pair
    ucodes = df["unit"].cat.codes.to_numpy()
    ucats = list(df["unit"].cat.categories)
    pairs, inverse = _pair_codes(icodes, ucodes)
    factors_by_pair = np.full(len(pairs), np.nan)
    canon_by_pair: list[str | None] = [None] * len(pairs)
    for p, (ik, uk) in enumerate(pairs):
        sp = specs[ik] if ik >= 0 else None
        if sp is None:
            continue
        canon, factor, err = _unit_conversion(sp, ucats[uk] if uk >= 0 else "")
        if err:
            flag(inverse == p, 6, ("unit", err))
        else:
            factors_by_pair[p] = factor
            canon_by_pair[p] = canon
    factors = factors_by_pair[inverse]

    # source
    src = df["source"]
    if isinstance(src.dtype, pd.CategoricalDtype):
        scodes, sempty = _per_category(src, lambda v: not str(v))
        empty_source = (np.array([*sempty, True])[scodes]) & known_item
    else:
        empty_source = (src.isna() | (src.astype(str).str.len() == 0)).to_numpy() & known_item
    flag(
        empty_source, 7, ("source", "every row needs a source (or 'illustrative: how it was made')")
    )

    with np.errstate(over="ignore", invalid="ignore"):
        converted = values * factors
    overflow = np.isfinite(values) & np.isfinite(factors) & ~np.isfinite(converted)
    for i in np.flatnonzero(overflow)[:MAX_PROBLEMS]:  # e.g. 1e306 亿立方米 → inf m³
        found.append(
            (
                np.array([i]),
                5,
                (
                    "value",
                    f"value {values[i]:g} {ucats[ucodes[i]]} overflows after conversion to the "
                    "canonical unit",
                ),
            )
        )

    # duplicates (only meaningful when the keys themselves are fine)
    key_cols = ["region", "year", "item", "ecosystem", "species"]
    dup = df.duplicated(subset=key_cols, keep="first").to_numpy()
    if dup.any():
        first_of = df.groupby(key_cols, observed=True, sort=False)["row"].transform("first")
        firsts = first_of.to_numpy()
        for i in np.flatnonzero(dup)[:MAX_PROBLEMS]:
            found.append(
                (
                    np.array([i]),
                    2,
                    (
                        "item",
                        f"duplicate of row {int(firsts[i])} (same region, year, item, ecosystem, "
                        "species)",
                    ),
                )
            )
        if dup.sum() > MAX_PROBLEMS:
            found.append((np.flatnonzero(dup)[MAX_PROBLEMS:], 2, ("item", "duplicate row")))

    if found:
        problems += _row_problems(found, rows, file, n)
        raise InputError(problems)
    if problems:
        raise InputError(problems)
    out = pd.DataFrame(
        {
            "region": _decat(df["region"]),
            "year": year_num.astype(int),
            "item": _decat(df["item"]),
            "ecosystem": _decat(df["ecosystem"]),
            "species": _decat(df["species"]),
            "value": converted,
            # repeated text kept as categoricals (a 2-million-row source column is ~100 MB as str)
            # repeated text kept as categoricals (a 2-million-row source column is ~100 MB as str)
            "unit": _units_column(canon_by_pair, inverse),
            "source": src if isinstance(src.dtype, pd.CategoricalDtype) else src.astype("category"),
            "row": rows,
        },
        index=df.index,
    )
    problems += _check_extent(out, regions, file)
    problems += _check_years(out, file, years)
    if problems:
        raise InputError(problems)
    return out


def _row_problems(found, rows: np.ndarray, file: str, n: int) -> list[Problem]:
    """Problems sorted by row then column, the first :data:`MAX_PROBLEMS` rows and a count."""
    entries: list[tuple[int, int, str, str]] = []
    total = 0
    for mask, order, (field_name, message) in found:
        idx = np.flatnonzero(mask) if mask.dtype == bool else mask
        total += len(idx)
        for i in idx[:MAX_PROBLEMS]:
            entries.append((int(i), order, field_name, message))
    entries.sort(key=lambda e: (e[0], e[1]))
    out = [Problem(file, m, int(rows[i]), f) for i, _, f, m in entries[:MAX_PROBLEMS]]
    if total > len(out):
        out.append(
            Problem(
                file,
                f"… and {total - len(out):,} more problems of the kinds above (first {len(out)} "
                "shown)",
            )
        )
    return out


def _unit_conversion(spec, unit: str) -> tuple[str | None, float | None, str | None]:
    if not unit:
        return None, None, "missing unit"
    try:
        parse_unit(unit)
    except ValueError as exc:
        return None, None, str(exc)
    canon = spec.canonical_unit_for(unit)
    if canon is None:
        return (
            None,
            None,
            (
                f"unit {unit!r} does not measure {spec.en.lower()} "
                f"(expected something convertible to {' or '.join(spec.units)})"
            ),
        )
    factor = ureg.Quantity(1.0, parse_unit(unit)).to(parse_unit(canon)).magnitude
    return canon, float(factor), None


def _check_extent(df: pd.DataFrame, regions: pd.DataFrame, file: str) -> list[Problem]:
    area = df[df["item"] == "area"]
    if area.empty:
        return []
    grouped = area.groupby(["region", "year"])
    sums = grouped["value"].sum()
    land = regions["land_area_ha"].reindex(sums.index.get_level_values(0)).to_numpy()
    over = sums.to_numpy() > land * (1 + EXTENT_TOLERANCE)
    if not over.any():
        return []
    first = grouped["row"].min()
    last = grouped["row"].max()
    problems = []
    for (region, year), total, land_ha, r0, r1 in zip(
        sums.index[over], sums[over], land[over], first[over], last[over], strict=True
    ):
        problems.append(
            Problem(
                file,
                f"ecosystem extent of {region} in {year} sums to {total:,.1f} ha, "
                f"{100 * (total / land_ha - 1):.1f} % more than its land area {land_ha:,.1f} ha "
                f"(rows {r0}–{r1})",
                int(r0),
                "value",
            )
        )
    return problems


def _check_years(df: pd.DataFrame, file: str, years: Sequence[int] | None) -> list[Problem]:
    all_years = sorted(years) if years is not None else sorted(int(y) for y in df["year"].unique())
    problems = []
    y_index = {y: i for i, y in enumerate(all_years)}
    yi = df["year"].map(y_index).to_numpy()
    known = ~pd.isna(yi)
    yi = np.where(known, yi, 0).astype(np.int64)
    rcodes, region_names = pd.factorize(df["region"])
    # every region must appear in every year (a presence matrix, no per-group Python)
    present = np.zeros((len(region_names), len(all_years)), dtype=bool)
    present[rcodes[known], yi[known]] = True
    for r in np.flatnonzero(~present.all(axis=1)):
        gap = [all_years[j] for j in np.flatnonzero(~present[r])]
        problems.append(
            Problem(
                file,
                f"region {region_names[r]} has no rows for year(s) {', '.join(map(str, gap))}",
                None,
                "year",
            )
        )
    periodic_items = {
        name for name in df["item"].unique() if (s := item_spec(name)) is not None and s.periodic
    }
    sub = ~df["item"].isin(periodic_items).to_numpy() & known
    if not sub.any():
        return problems
    icodes, item_names = pd.factorize(df["item"])
    pair_inv, pair_keys = pd.factorize(rcodes[sub].astype(np.int64) * len(item_names) + icodes[sub])
    have = np.zeros((len(pair_keys), len(all_years)), dtype=bool)
    have[pair_inv, yi[sub]] = True
    rows = df["row"].to_numpy()[sub]
    first_row = np.full(len(pair_keys), np.iinfo(np.int64).max)
    np.minimum.at(first_row, pair_inv, rows)
    for p in np.flatnonzero(~have.all(axis=1)):
        key = int(pair_keys[p])
        region, item = region_names[key // len(item_names)], item_names[key % len(item_names)]
        gap = [all_years[j] for j in np.flatnonzero(~have[p])]
        problems.append(
            Problem(
                file,
                f"item {item} of region {region} is missing year(s) {', '.join(map(str, gap))}",
                int(first_row[p]),
                "year",
            )
        )
    return problems


# --------------------------------------------------------------------------------------------
# long table → xarray


def to_xarray(table: pd.DataFrame, regions: Sequence[str], years: Sequence[int]) -> xr.Dataset:
    """Pivot the canonical long table into one variable per item (vectorized per item)."""
    regions = list(regions)
    years = [int(y) for y in years]
    present_eco = set(table["ecosystem"].unique())
    eco_codes = [c for c in ecosystem_catalog() if c in present_eco]
    species = sorted(s for s in table["species"].unique() if s)
    coords: dict = {"region": regions, "year": years}
    if eco_codes:
        coords["ecosystem"] = eco_codes
    if species:
        coords["species"] = species
    variables: dict[str, xr.Variable] = {}
    # positions by hash lookups on whole columns, then one numpy selection per item
    ri_all = pd.Index(regions).get_indexer(table["region"])
    yi_all = pd.Index(years).get_indexer(table["year"])
    ei_all = pd.Index(eco_codes).get_indexer(table["ecosystem"]) if eco_codes else None
    si_all = pd.Index(species).get_indexer(table["species"]) if species else None
    vals_all = table["value"].to_numpy(dtype=float)
    item_codes, item_names = pd.factorize(table["item"])
    unit_col = table["unit"]
    for k in np.argsort(np.asarray(item_names, dtype=object)):
        item = item_names[k]
        idx = np.flatnonzero(item_codes == k)
        spec = item_spec(item)
        ri = ri_all[idx]
        yi = yi_all[idx]
        vals = vals_all[idx]
        if "ecosystem" in spec.dims:
            dims, shape, third = (
                ("region", "year", "ecosystem"),
                (len(regions), len(years), len(eco_codes)),
                ei_all[idx],
            )
        elif "species" in spec.dims:
            dims, shape, third = (
                ("region", "year", "species"),
                (len(regions), len(years), len(species)),
                si_all[idx],
            )
        else:
            dims, shape, third = ("region", "year"), (len(regions), len(years)), None
        arr = np.full(shape, np.nan)
        if third is None:
            arr[ri, yi] = vals
        else:
            if spec.kind == "extensive":
                # members not reported inside a reported region-year are genuinely zero
                present = np.zeros(shape[:2], dtype=bool)
                present[ri, yi] = True
                arr[present] = 0.0
            arr[ri, yi, third] = vals
        unit = unit_col.iat[int(idx[0])]
        variables[str(item)] = xr.Variable(
            dims,
            arr,
            attrs={"units": unit, "long_name": spec.en, "long_name_zh": spec.zh},
        )
    # one construction (assigning item by item re-aligns the whole Dataset each time)
    return xr.Dataset(variables, coords=coords)


# --------------------------------------------------------------------------------------------
# public entry points


def dataset_from_frames(
    regions_df: pd.DataFrame,
    inventory_df: pd.DataFrame,
    *,
    name: str = "uploaded",
    meta: dict | None = None,
    regions_file: str = "regions.csv",
    inventory_file: str = "inventory.csv",
    first_row: int = 2,
    path: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Dataset:
    """Build a validated :class:`Dataset` from raw string frames (files, uploads, tests).

    ``progress(step)``, if given, is called after each step: ``"regions"``, ``"rows"`` (the
    inventory validated and converted), ``"arrays"`` (the xarray dataset built)."""
    meta = dict(meta or {})
    regions = parse_regions(_clean(regions_df.copy()), regions_file)
    if progress is not None:
        progress("regions")
    years = meta.get("years")
    table = parse_inventory(
        _clean(inventory_df.copy()), regions, inventory_file, first_row, years=years
    )
    if progress is not None:
        progress("rows")
    ds = _assemble(name, regions, table, meta, path)
    if progress is not None:
        progress("arrays")
    return ds


def _assemble(
    name: str, regions: pd.DataFrame, table: pd.DataFrame, meta: dict, path: str | None
) -> Dataset:
    """The :class:`Dataset` of validated regions and canonical table (xarray view built)."""
    years = meta.get("years")
    present = set(table["region"].unique())
    counties = [c for c in regions.index if c in present]
    all_years = sorted(set(years) if years else set(table["year"]))
    data = to_xarray(table, counties, all_years)
    data.attrs["dataset"] = name
    return Dataset(name=name, regions=regions, table=table, data=data, meta=meta, path=path)


def load_dataset(path: str | Path) -> Dataset:
    """Load and validate a dataset folder (or a bare inventory file beside regions.csv).

    A folder that loaded without any problem before, with the same file contents and the same
    code, is read back from the validated-dataset cache (:mod:`gep.datacache`; the same
    Dataset, without parsing and validating its rows again). Anything else — a first load, an
    edited file, a dataset with a problem — takes the full validation below.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(Problem(str(path), "dataset folder not found"))
    folder = path if path.is_dir() else path.parent
    key = _cache_key(path, folder)
    if key is not None:
        from . import datacache

        hit = datacache.get(key)
        if hit is not None:
            meta = hit["meta"]
            ds = _assemble(
                str(meta.get("name", folder.name)), hit["regions"], hit["table"], meta, str(folder)
            )
            ds.__dict__["_hash"] = hit["hash"]
            return ds
    ds = _load_dataset_files(path, folder)
    if key is not None:
        from . import datacache

        datacache.put(key, ds.meta, ds.regions, ds.table, ds.hash)
    return ds


#: files larger than this are never hashed for the dataset cache (read as usual) [bytes]
CACHE_MAX_FILE_BYTES = 64 * 1024 * 1024


def _cache_key(path: Path, folder: Path) -> str | None:
    """The :mod:`gep.datacache` key of the files :func:`load_dataset` would read, or None
    (caching off, a file missing, unreadable or too large: the full path reports it)."""
    from .cache import cache_dir

    if cache_dir() is None:
        return None
    try:
        if path.is_dir():
            # the same choice as the full path (a folder named inventory.csv included)
            inv = next(
                (c for c in (folder / "inventory.csv", folder / "inventory.xlsx") if c.exists()),
                None,
            )
            if inv is None:
                return None
            inv_name = f"folder:{inv.name}"
        else:
            inv, inv_name = path, f"file:{path.name}"
        meta_file = folder / "dataset.yaml"
        if meta_file.exists() and not meta_file.is_file():
            return None
        files: list[tuple[str, bytes | None]] = [
            ("dataset.yaml", meta_file.read_bytes() if meta_file.exists() else None)
        ]
        for name, p in (("regions.csv", folder / "regions.csv"), (inv_name, inv)):
            if not p.is_file() or p.stat().st_size > CACHE_MAX_FILE_BYTES:
                return None
            files.append((name, p.read_bytes()))
    except OSError:
        return None
    from .datacache import dataset_key

    return dataset_key(files)


def _load_dataset_files(path: Path, folder: Path) -> Dataset:
    """:func:`load_dataset` without the cache: parse and validate every file."""
    meta: dict = {}
    meta_file = folder / "dataset.yaml"
    if meta_file.exists():
        meta, lines = load_yaml_lines(meta_file)
        meta = meta or {}
        if not isinstance(meta, dict):
            raise InputError(Problem(str(meta_file), "dataset.yaml must be a mapping"))
        problems = validate_schema("dataset", meta, str(meta_file), lines)
        if problems:
            raise InputError(problems)
        from .tables import check_dataset_meta

        check_dataset_meta(meta, str(meta_file))
    if path.is_dir():
        candidates = [folder / "inventory.csv", folder / "inventory.xlsx"]
        inv_path = next((c for c in candidates if c.exists()), None)
        if inv_path is None:
            raise InputError(
                Problem(str(folder), "no inventory.csv or inventory.xlsx in the dataset folder")
            )
    else:
        inv_path = path
    regions_path = folder / "regions.csv"
    encoding = meta.get("encoding")
    regions_df, _ = read_table(regions_path, encoding=encoding)
    inv_df, first = read_table(inv_path, sheet="inventory", encoding=encoding)
    return dataset_from_frames(
        regions_df,
        inv_df,
        name=str(meta.get("name", folder.name)),
        meta=meta,
        regions_file=str(regions_path),
        inventory_file=str(inv_path),
        first_row=first,
        path=str(folder),
    )


def validate_dataset(path: str | Path) -> list[Problem]:
    """Every problem with a dataset folder (empty list when it loads cleanly)."""
    try:
        load_dataset(path)
    except InputError as exc:
        return exc.problems
    return []
