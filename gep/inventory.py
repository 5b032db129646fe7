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

import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from .catalog import ecosystem_catalog, item_catalog, item_spec
from .errors import InputError, Problem
from .unitparse import UnitError
from .units import parse_unit, ureg
from .yamlio import load_yaml

INVENTORY_COLUMNS = ["region", "year", "item", "ecosystem", "species", "value", "unit", "source"]
REGION_COLUMNS = ["code", "name_zh", "name_en", "parent", "land_area", "land_area_unit"]
EXTENT_TOLERANCE = 0.01  # extent may exceed land area by at most 1 %
_REGION_CODE_RE = re.compile(r"[0-9]{6}")
_DATASET_KEYS = {
    "name",
    "description",
    "coefficients",
    "base_year",
    "years",
    "source_note",
    "note",
    "profile",
    "encoding",
}


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
        cols = ["region", "year", "item", "ecosystem", "species", "value", "unit"]
        t = self.table[cols].sort_values(cols[:5]).to_csv(index=False)
        r = self.regions.to_csv()
        return hashlib.sha256((t + r).encode("utf-8")).hexdigest()[:16]

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
    raw = path.read_bytes()
    return read_csv_bytes(raw, str(path), encoding), 2


def read_csv_bytes(raw: bytes, name: str, encoding: str | None = None) -> pd.DataFrame:
    """Decode CSV bytes strictly (:func:`gep.tables.decode_text`) and parse them as strings."""
    from .tables import decode_text

    text = decode_text(raw, name, encoding)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except Exception as exc:
        raise InputError(Problem(name, f"cannot parse CSV: {exc}")) from None
    return _clean(df)


def _clean(df: pd.DataFrame) -> pd.DataFrame:
    df.columns = [str(c).strip() for c in df.columns]
    return df.apply(lambda s: s.astype(str).str.strip())


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
        if not _REGION_CODE_RE.fullmatch(code):  # ASCII digits only: "６１０９０２" is refused
            problems.append(
                Problem(
                    file, f"region code {code!r} is not a 6-digit administrative code", row, "code"
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


def parse_inventory(
    df: pd.DataFrame,
    regions: pd.DataFrame,
    file: str,
    first_row: int = 2,
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Validate the long inventory table and convert values to canonical units.

    Returns the canonical long table (value in canonical units, ``row`` = file row). Raises
    :class:`InputError` listing every problem.
    """
    problems: list[Problem] = []
    missing = [c for c in INVENTORY_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(
            Problem(
                file,
                f"missing column(s): {', '.join(missing)}; expected {', '.join(INVENTORY_COLUMNS)}",
            )
        )
    extra = [c for c in df.columns if c not in INVENTORY_COLUMNS]
    if extra:
        problems.append(Problem(file, f"unknown column(s): {', '.join(extra)}", None, extra[0]))
    if df.empty:
        raise InputError(Problem(file, "the inventory has no rows"))
    df = df[INVENTORY_COLUMNS].copy()
    df["row"] = np.arange(len(df)) + first_row
    parents = set(regions["parent"]) - {""}
    aggregate = {c for c in regions.index if c in parents}
    known_regions = set(regions.index)
    ecosystems = ecosystem_catalog()
    catalog_cache: dict[str, object] = {}
    unit_cache: dict[tuple[str, str], tuple[str | None, float | None, str | None]] = {}

    values = pd.to_numeric(df["value"], errors="coerce")
    year_num = pd.to_numeric(df["year"], errors="coerce")
    canonical_units: list[str | None] = []
    factors = np.full(len(df), np.nan)
    for i, rec in enumerate(df.itertuples(index=False)):
        row = first_row + i
        if rec.region not in known_regions:
            problems.append(
                Problem(file, f"unknown region {rec.region!r} (not in regions.csv)", row, "region")
            )
        elif rec.region in aggregate:
            problems.append(
                Problem(
                    file,
                    f"region {rec.region} is an aggregate of other regions; give county-level rows only (totals are computed)",
                    row,
                    "region",
                )
            )
        y = year_num.iat[i]
        if not np.isfinite(y) or y != int(y) or not (1900 <= y <= 2200):
            problems.append(Problem(file, f"year {rec.year!r} is not a year", row, "year"))
        elif years is not None and int(y) not in years:
            problems.append(
                Problem(
                    file,
                    f"year {int(y)} is not one of the dataset years {list(years)}",
                    row,
                    "year",
                )
            )
        spec = catalog_cache.get(rec.item)
        if spec is None and rec.item not in catalog_cache:
            spec = item_spec(rec.item)
            catalog_cache[rec.item] = spec
        if spec is None:
            problems.append(
                Problem(
                    file,
                    f"unknown item {rec.item!r} (see `gep items` / gep/items.yaml)",
                    row,
                    "item",
                )
            )
            canonical_units.append(None)
            continue
        if "ecosystem" in spec.dims:
            if not rec.ecosystem:
                problems.append(
                    Problem(file, f"item {rec.item} needs an ecosystem", row, "ecosystem")
                )
            elif rec.ecosystem not in ecosystems:
                problems.append(
                    Problem(file, f"unknown ecosystem {rec.ecosystem!r}", row, "ecosystem")
                )
        elif rec.ecosystem:
            problems.append(
                Problem(
                    file,
                    f"item {rec.item} has no ecosystem dimension; leave it empty",
                    row,
                    "ecosystem",
                )
            )
        if "species" in spec.dims:
            if not rec.species:
                problems.append(
                    Problem(file, f"item {rec.item} needs a species group", row, "species")
                )
            elif not rec.species.replace("_", "").isalnum() or rec.species != rec.species.lower():
                problems.append(
                    Problem(
                        file,
                        f"species code {rec.species!r} must be lower_snake_case",
                        row,
                        "species",
                    )
                )
        elif rec.species:
            problems.append(
                Problem(
                    file,
                    f"item {rec.item} has no species dimension; leave it empty",
                    row,
                    "species",
                )
            )
        v = values.iat[i]
        if not rec.value or not np.isfinite(v):
            problems.append(Problem(file, f"value {rec.value!r} is not a number", row, "value"))
        elif v < 0:
            problems.append(Problem(file, f"value {v:g} is negative", row, "value"))
        key = (rec.item, rec.unit)
        if key not in unit_cache:
            unit_cache[key] = _unit_conversion(spec, rec.unit)
        canon, factor, err = unit_cache[key]
        if err:
            problems.append(Problem(file, err, row, "unit"))
        else:
            factors[i] = factor
        canonical_units.append(canon)
        if not rec.source:
            problems.append(
                Problem(
                    file,
                    "every row needs a source (or 'illustrative: how it was made')",
                    row,
                    "source",
                )
            )

    with np.errstate(over="ignore", invalid="ignore"):
        df["value"] = values * factors
    overflow = np.isfinite(values.to_numpy(dtype=float)) & np.isfinite(factors)
    overflow &= ~np.isfinite(df["value"].to_numpy(dtype=float))
    for i in np.flatnonzero(overflow)[:100]:  # e.g. 1e306 亿立方米 → inf m³
        problems.append(
            Problem(
                file,
                f"value {values.iat[i]:g} {df['unit'].iat[i]} "
                "overflows after conversion to the canonical unit",
                first_row + int(i),
                "value",
            )
        )
    df["unit"] = canonical_units
    df["year"] = year_num
    key_cols = ["region", "year", "item", "ecosystem", "species"]
    # one pass: each row's key group and the file row where that key first appears
    first_row = df.groupby(key_cols, dropna=False, sort=False)["row"].transform("first")
    for row, first in zip(
        df["row"][df["row"] != first_row], first_row[df["row"] != first_row], strict=True
    ):
        problems.append(
            Problem(
                file,
                f"duplicate of row {first} (same region, year, item, ecosystem, species)",
                int(row),
                "item",
            )
        )
    if problems:
        raise InputError(problems)
    df["year"] = df["year"].astype(int)
    problems += _check_extent(df, regions, file)
    problems += _check_years(df, file, years)
    if problems:
        raise InputError(problems)
    return df


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
    sums = area.groupby(["region", "year"])["value"].sum()
    problems = []
    for (region, year), total in sums.items():
        land = regions.at[region, "land_area_ha"]
        if total > land * (1 + EXTENT_TOLERANCE):
            rows = area[(area["region"] == region) & (area["year"] == year)]["row"]
            problems.append(
                Problem(
                    file,
                    f"ecosystem extent of {region} in {year} sums to {total:,.1f} ha, "
                    f"{100 * (total / land - 1):.1f} % more than its land area {land:,.1f} ha (rows {rows.min()}–{rows.max()})",
                    int(rows.min()),
                    "value",
                )
            )
    return problems


def _check_years(df: pd.DataFrame, file: str, years: Sequence[int] | None) -> list[Problem]:
    all_years = sorted(years) if years is not None else sorted(df["year"].unique())
    problems = []
    # every region must appear in every year
    seen = df.groupby("region")["year"].apply(lambda s: set(s))
    for region, ys in seen.items():
        gap = [y for y in all_years if y not in ys]
        if gap:
            problems.append(
                Problem(
                    file,
                    f"region {region} has no rows for year(s) {', '.join(map(str, gap))}",
                    None,
                    "year",
                )
            )
    catalog = item_catalog()
    periodic_items = {
        name for name in df["item"].unique() if (s := item_spec(name)) is not None and s.periodic
    }
    del catalog
    sub = df[~df["item"].isin(periodic_items)]
    per_item = sub.groupby(["region", "item"])["year"].apply(lambda s: set(s))
    for (region, item), ys in per_item.items():
        gap = [y for y in all_years if y not in ys]
        if gap:
            rows = sub[(sub["region"] == region) & (sub["item"] == item)]["row"]
            problems.append(
                Problem(
                    file,
                    f"item {item} of region {region} is missing year(s) {', '.join(map(str, gap))}",
                    int(rows.min()),
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
    eco_codes = [c for c in ecosystem_catalog() if c in set(table["ecosystem"])]
    species = sorted(s for s in table["species"].unique() if s)
    ds = xr.Dataset(coords={"region": regions, "year": years})
    if eco_codes:
        ds = ds.assign_coords(ecosystem=eco_codes)
    if species:
        ds = ds.assign_coords(species=species)
    r_index = {r: i for i, r in enumerate(regions)}
    y_index = {y: i for i, y in enumerate(years)}
    e_index = {e: i for i, e in enumerate(eco_codes)}
    s_index = {s: i for i, s in enumerate(species)}
    for item, group in table.groupby("item", sort=True):
        spec = item_spec(item)
        ri = group["region"].map(r_index).to_numpy()
        yi = group["year"].map(y_index).to_numpy()
        vals = group["value"].to_numpy(dtype=float)
        if "ecosystem" in spec.dims:
            dims, shape, third = (
                ("region", "year", "ecosystem"),
                (len(regions), len(years), len(eco_codes)),
                group["ecosystem"].map(e_index).to_numpy(),
            )
        elif "species" in spec.dims:
            dims, shape, third = (
                ("region", "year", "species"),
                (len(regions), len(years), len(species)),
                group["species"].map(s_index).to_numpy(),
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
        ds[item] = xr.DataArray(
            arr,
            dims=dims,
            attrs={"units": group["unit"].iloc[0], "long_name": spec.en, "long_name_zh": spec.zh},
        )
    return ds


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
) -> Dataset:
    """Build a validated :class:`Dataset` from raw string frames (files, uploads, tests)."""
    meta = dict(meta or {})
    regions = parse_regions(_clean(regions_df.copy()), regions_file)
    years = meta.get("years")
    table = parse_inventory(
        _clean(inventory_df.copy()), regions, inventory_file, first_row, years=years
    )
    present = set(table["region"])
    counties = [c for c in regions.index if c in present]
    all_years = sorted(set(years) if years else set(table["year"]))
    data = to_xarray(table, counties, all_years)
    data.attrs["dataset"] = name
    ds = Dataset(name=name, regions=regions, table=table, data=data, meta=meta, path=path)
    return ds


def load_dataset(path: str | Path) -> Dataset:
    """Load and validate a dataset folder (or a bare inventory file beside regions.csv)."""
    path = Path(path)
    if not path.exists():
        raise InputError(Problem(str(path), "dataset folder not found"))
    folder = path if path.is_dir() else path.parent
    meta: dict = {}
    meta_file = folder / "dataset.yaml"
    if meta_file.exists():
        meta = load_yaml(meta_file) or {}
        unknown = sorted(set(meta) - _DATASET_KEYS)
        if unknown:
            raise InputError(
                [Problem(str(meta_file), f"unknown key '{k}'", field=k) for k in unknown]
            )
        if "years" in meta and (
            not isinstance(meta["years"], list)
            or not all(isinstance(y, int) for y in meta["years"])
        ):
            raise InputError(
                Problem(str(meta_file), "'years' must be a list of years", field="years")
            )
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
