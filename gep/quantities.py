"""Physical quantities supplied from outside the account (``quantities.csv``).

GEP practitioners compute many physical quantities outside the accounting table — water
retention, soil retention, CO₂ fixed, transpiration energy from InVEST/RUSLE rasters, NPP
products, departments' statistics — and then price them. A dataset may therefore hold a
``quantities.csv`` (UTF-8 or GB18030) or ``quantities.xlsx`` (sheet ``quantities``) in long
form::

    region, year, indicator, component, value, unit, source

* ``indicator`` is an indicator id of the profile (``gep indicators``);
* ``component`` empty means the indicator's whole physical quantity; otherwise one of the
  indicator's components (see :func:`indicator_components`);
* ``unit`` is any unit of the right dimension (``万立方米``, ``亿千瓦时``, ``万吨`` …); values
  are converted to the component's canonical unit;
* ``source`` is required (who computed the number, with which model/data).

:func:`load_quantities` reads and validates the file against the dataset and the indicator
registry and returns a tidy frame in canonical units. Every problem (unknown region, year,
indicator or component, unparsable or wrong-dimension unit, negative or non-numeric value,
empty source, duplicate key, whole and component rows for the same region-year-indicator, a
quantity the inventory contradicts) is collected into **one** :class:`~gep.errors.InputError`
naming file, row and field, as the inventory loader does.

:func:`supplied_quantities` puts the rows in place of an indicator's computed quantities;
``gep.accounting.account`` reads the dataset folder's file itself (``quantities=None``) or
takes a frame from :func:`load_quantities` (``quantities=frame``; an empty frame switches the
file off), values the supplied quantities with the indicator's own prices and records the
route (``supplied``) and each row's source.

Component ids
-------------
The indicators' declarations (``Indicator.components``) are the one list: family placeholders
(``<use>``, ``<pollutant>``, ``<ecosystem>``) expand to the catalogs' members
(:func:`gep.catalog.family_members`), products are any ``output.<group>.<product>`` item.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from .catalog import OUTPUT_GROUPS, ecosystem_catalog, item_spec
from .errors import InputError, MissingCoefficientError, Problem
from .indicators import indicators_for
from .indicators.base import NotAssessed, Quantities, concrete_components, stack
from .inventory import Dataset, read_table
from .units import conversion_factor, parse_unit

QUANTITY_COLUMNS = ["region", "year", "indicator", "component", "value", "unit", "source"]
#: column order of the frame returned by :func:`load_quantities`
FRAME_COLUMNS = [
    "region",
    "year",
    "indicator",
    "component",
    "value",
    "unit",
    "value_input",
    "unit_input",
    "source",
    "file",
    "row",
]
QUANTITY_FILES = ("quantities.csv", "quantities.xlsx")
SHEET = "quantities"


@dataclass(frozen=True)
class Component:
    """One part of an indicator's physical quantity that can be supplied on its own."""

    id: str
    zh: str
    en: str
    unit: str  # canonical unit of the supplied value
    #: level-1 ecosystem classes (or full codes) this part is counted over; a positive
    #: quantity for a region-year where all of them have zero area contradicts the inventory
    ecosystems: tuple[str, ...] = ()


# ------------------------------------------------------------------------------------------
# Component ids come from the indicators' declarations (``Indicator.components``), with the
# families (``<use>``, ``<pollutant>``, ``<ecosystem>``) expanded to their members by the
# catalogs (``gep.indicators.base.concrete_components``): one source of truth, also what
# ``gep indicators --format json`` lists. Value parts in CNY (soil conservation's sediment and
# nutrients, reported output value) are not physical: such indicators take whole rows.
# ------------------------------------------------------------------------------------------
_VEGETATION = ("forest", "shrub", "grassland", "wetland", "farmland", "garden")

#: ecosystems a *whole* quantity is counted over (for the inventory-contradiction check);
#: absent = not ecosystem-based
WHOLE_BASIS: dict[str, tuple[str, ...]] = {
    "regulating.carbon_sequestration": _VEGETATION,
    "regulating.oxygen_release": _VEGETATION,
}
#: indicators whose whole quantity is counted over ecosystem sets of the coefficient set
#: (0–1 tables by ecosystem): checked by :func:`set_contradictions` in the account, where the
#: set is known — a set that counts farmland for water conservation must not be refused, one
#: that drops wetland must not let a wetland-only quantity through
WHOLE_SETS: dict[str, tuple[str, ...]] = {
    "regulating.water_conservation": ("regulating.water_conservation.ecosystems",),
    "regulating.soil_conservation": ("regulating.soil_conservation.ecosystems",),
    "regulating.climate_regulation": (
        "regulating.climate_regulation.transpiration_ecosystems",
        "regulating.climate_regulation.evaporation_ecosystems",
    ),
}
#: indicators valued per component at different prices: a whole row cannot be valued
PRICED_PER_COMPONENT = {
    *(f"material.{g}" for g in OUTPUT_GROUPS),
    "material.water_supply",
    "regulating.air_purification",
    "regulating.water_purification",
    "regulating.pest_control",
}
#: indicators without a physical quantity to replace (equivalent-factor values)
_NO_QUANTITY_UNITS = ("CNY",)


def _level1_classes(over: tuple[str, ...]) -> tuple[str, ...]:
    classes = {e.level1 for e in ecosystem_catalog().values()}
    return tuple(o for o in over if o in classes or o in ecosystem_catalog())


def indicator_components(indicator) -> dict[str, Component]:
    """Concrete physical components of an indicator, from its declaration."""
    return {
        cid: Component(c.id, c.zh, c.en, c.unit, _level1_classes(c.over))
        for cid, c in concrete_components(indicator).items()
    }


def component_for(indicator, component: str, unit: str | None = None) -> Component | None:
    """The component ``component`` of ``indicator`` (None if it has no such component).

    Products (``material.<group>``, the open ``<product>`` family) are any product name the
    item catalog accepts as ``output.<group>.<product>``; the canonical unit is the one of
    ``output.*`` matching ``unit``'s dimension (t, m³ or head; a count such as bamboo culms
    stays dimensionless).
    """
    known = indicator_components(indicator)
    if component in known:
        return known[component]
    group = indicator.id.split(".", 1)[1] if indicator.id.startswith("material.") else ""
    declares_products = any(c.id == "<product>" for c in indicator.components)
    if declares_products and group in OUTPUT_GROUPS and component.replace("_", "").isalnum():
        spec = item_spec(f"output.{group}.{component}")
        if spec is None:
            return None
        canonical = None
        if unit:
            try:
                canonical = spec.canonical_unit_for(unit)
                if canonical is None and parse_unit(unit).dimensionless:
                    canonical = "dimensionless"
            except ValueError:
                canonical = None
        return Component(component, component, component, canonical or spec.units[0])
    return None


def whole_unit(indicator) -> str | None:
    """Canonical unit of a whole supplied quantity (None: nothing to replace)."""
    unit = indicator.physical_unit
    return None if unit in _NO_QUANTITY_UNITS else unit


# ------------------------------------------------------------------------------------------
# loading


def find_quantities_file(folder: str | Path) -> Path | None:
    """``quantities.csv`` or ``quantities.xlsx`` in a dataset folder (None if neither)."""
    folder = Path(folder)
    found = [folder / f for f in QUANTITY_FILES if (folder / f).exists()]
    if len(found) > 1:
        raise InputError(
            Problem(
                str(folder),
                "both quantities.csv and quantities.xlsx exist; keep one (nothing is merged)",
            )
        )
    return found[0] if found else None


def load_quantities(
    dataset_dir: str | Path,
    dataset: Dataset,
    profile: str | None = None,
) -> pd.DataFrame:
    """Read and validate a dataset's supplied physical quantities.

    Parameters
    ----------
    dataset_dir : the dataset folder (holding ``quantities.csv`` or ``quantities.xlsx``), or
        the quantities file itself.
    dataset : the loaded inventory (regions, years and ecosystem areas are checked against it).
    profile : indicator profile (default: the dataset's ``profile`` or ``ndrc-2022``).

    Returns
    -------
    A tidy frame with columns :data:`FRAME_COLUMNS` — ``value`` in the component's canonical
    ``unit``, the input value and unit kept, ``component`` ``""`` for a whole quantity — or an
    empty frame when the dataset has no quantities file.

    Raises
    ------
    InputError
        Listing every problem with file, row and field.
    """
    path = Path(dataset_dir)
    if path.is_dir():
        found = find_quantities_file(path)
        if found is None:
            return pd.DataFrame(columns=FRAME_COLUMNS)
        path = found
    elif not path.exists():
        raise InputError(Problem(str(path), "file not found"))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        _require_sheet(path)
        df, first = read_table(path, sheet=SHEET)
    else:
        df, first = _read_csv_strict(path)
    return parse_quantities(
        df, dataset, str(path), first, profile or dataset.meta.get("profile") or "ndrc-2022"
    )


def _read_csv_strict(path: Path) -> tuple[pd.DataFrame, int]:
    """CSV (UTF-8 or GB18030) as strings; a row with more or fewer fields is an error.

    (pandas would silently turn a surplus leading field into the index, shifting every
    column of such a row — e.g. an unquoted comma in ``source``.)
    """
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(Problem(str(path), "cannot decode the file as UTF-8 or GB18030 text"))
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InputError(Problem(str(path), f"cannot parse CSV: {exc}")) from None
    if not lines:
        raise InputError(Problem(str(path), "empty file"))
    header = [h.strip() for h in lines[0]]
    problems, body = [], []
    for n, fields in enumerate(lines[1:], start=2):
        if not fields:
            continue  # blank line
        if len(fields) != len(header):
            problems.append(
                Problem(
                    str(path),
                    f"{len(fields)} fields, expected {len(header)} "
                    f"(quote a field that contains a comma)",
                    n,
                )
            )
            continue
        body.append((n, [f.strip() for f in fields]))
    if problems:
        raise InputError(problems)
    df = pd.DataFrame([f for _, f in body], columns=header, dtype=str)
    # keep the file's line numbers (blank lines are skipped)
    df.attrs["rows"] = [n for n, _ in body]
    return df, 2


def _require_sheet(path: Path) -> None:
    try:
        names = pd.ExcelFile(path, engine="openpyxl").sheet_names
    except Exception as exc:
        raise InputError(Problem(str(path), f"cannot read Excel file: {exc}")) from None
    if SHEET not in names and len(names) != 1:
        raise InputError(
            Problem(str(path), f"no sheet named '{SHEET}' (sheets: {', '.join(names)})")
        )


def parse_quantities(
    df: pd.DataFrame,
    dataset: Dataset,
    file: str = "quantities.csv",
    first_row: int = 2,
    profile: str = "ndrc-2022",
) -> pd.DataFrame:
    """Validate a raw (string) quantities table; see :func:`load_quantities`."""
    missing = [c for c in QUANTITY_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(
            Problem(
                file,
                f"missing column(s): {', '.join(missing)}; expected {', '.join(QUANTITY_COLUMNS)}",
            )
        )
    extra = [c for c in df.columns if c not in QUANTITY_COLUMNS]
    problems: list[Problem] = [
        Problem(file, f"unknown column '{c}' (expected {', '.join(QUANTITY_COLUMNS)})", field=c)
        for c in extra
    ]
    indicators = {i.id: i for i in indicators_for(profile)}
    regions = set(dataset.counties)
    years = set(dataset.years)
    records = []
    line_numbers = df.attrs.get("rows")
    for i, rec in enumerate(df[QUANTITY_COLUMNS].to_dict("records")):
        row = line_numbers[i] if line_numbers else first_row + i
        if not any(str(v).strip() for v in rec.values()):
            problems.append(Problem(file, "empty row", row))
            continue
        row_problems, out = _check_row(rec, row, file, indicators, regions, years, dataset)
        problems += row_problems
        if out is not None:
            records.append(out)
    frame = pd.DataFrame(records, columns=FRAME_COLUMNS)
    problems += _check_keys(frame, file)
    problems += _check_inventory(frame, dataset, indicators, file)
    if problems:
        raise InputError(problems)
    return frame.sort_values(
        ["region", "year", "indicator", "component"], kind="stable"
    ).reset_index(drop=True)


def _check_row(rec, row, file, indicators, regions, years, dataset):
    problems: list[Problem] = []
    region = rec["region"]
    if region not in regions:
        hint = ""
        if region in dataset.regions.index:
            hint = " (an aggregate region: supply quantities per county; the account sums them)"
        problems.append(
            Problem(file, f"region {region!r} is not a county of the dataset{hint}", row, "region")
        )
    year = None
    try:
        year = int(rec["year"])
        if str(year) != rec["year"].strip():
            raise ValueError
    except ValueError:
        problems.append(Problem(file, f"year {rec['year']!r} is not a whole number", row, "year"))
        year = None
    if year is not None and year not in years:
        span = f"{min(years)}–{max(years)}" if years else "none"
        problems.append(
            Problem(file, f"year {year} is not a year of the dataset ({span})", row, "year")
        )
    ind_id = rec["indicator"]
    ind = indicators.get(ind_id)
    comp_id = rec["component"]
    comp = None
    if ind is None:
        problems.append(
            Problem(file, f"unknown indicator {ind_id!r} (see `gep indicators`)", row, "indicator")
        )
    elif comp_id:
        comp = component_for(ind, comp_id, rec["unit"])
        if comp is None:
            known = sorted(indicator_components(ind))
            if ind_id.startswith("material.") and ind_id.split(".", 1)[1] in OUTPUT_GROUPS:
                listing = "a product name of output." + ind_id.split(".", 1)[1] + ".<product>"
            elif known:
                listing = "one of " + ", ".join(known)
            else:
                listing = "empty: this indicator has no components, supply its whole quantity"
            problems.append(
                Problem(
                    file,
                    f"unknown component {comp_id!r} of {ind_id}; expected {listing}",
                    row,
                    "component",
                )
            )
    elif ind_id in PRICED_PER_COMPONENT:
        problems.append(
            Problem(
                file,
                f"{ind_id} is valued per component at different prices; give one row per "
                f"component instead of the whole quantity",
                row,
                "component",
            )
        )
    elif whole_unit(ind) is None:
        problems.append(
            Problem(
                file,
                f"{ind_id} cannot take a supplied quantity (no physical quantity to replace)",
                row,
                "indicator",
            )
        )
    value = None
    try:
        value = float(rec["value"])
        if not math.isfinite(value):
            raise ValueError
    except ValueError:
        problems.append(Problem(file, f"value {rec['value']!r} is not a number", row, "value"))
        value = None
    lowest = ind.quantity_min if ind is not None else 0.0
    if value is not None and value < lowest:
        problems.append(
            Problem(
                file,
                f"negative value {rec['value']}: a service is never negative"
                + (f" ({ind_id} allows values from {lowest:g})" if lowest != 0 else ""),
                row,
                "value",
            )
        )
    target = None
    if comp is not None:
        target = comp.unit
    elif ind is not None and not comp_id:
        target = whole_unit(ind)
    factor = None
    if not rec["unit"]:
        problems.append(Problem(file, "unit is required", row, "unit"))
    else:
        try:
            parse_unit(rec["unit"])
        except ValueError as exc:
            problems.append(Problem(file, str(exc), row, "unit"))
        else:
            if target is not None:
                try:
                    factor = conversion_factor(rec["unit"], target)
                except Exception:
                    what = f"{ind_id}" + (f" component {comp_id}" if comp_id else "")
                    problems.append(
                        Problem(
                            file,
                            f"unit {rec['unit']!r} does not measure the same thing as {target!r} "
                            f"({what})",
                            row,
                            "unit",
                        )
                    )
    if not rec["source"]:
        problems.append(
            Problem(
                file,
                "source is required (who computed it, with which model or data)",
                row,
                "source",
            )
        )
    if problems or factor is None or value is None or year is None:
        return problems, None
    return problems, {
        "region": region,
        "year": year,
        "indicator": ind_id,
        "component": comp_id,
        "value": value * factor,
        "unit": target,
        "value_input": value,
        "unit_input": rec["unit"],
        "source": rec["source"],
        "file": file,
        "row": row,
    }


def _check_keys(frame: pd.DataFrame, file: str) -> list[Problem]:
    """Duplicate keys, and whole and component rows for one region-year-indicator."""
    problems = []
    if frame.empty:
        return problems
    key = ["region", "year", "indicator", "component"]
    first_row: dict[tuple, int] = {}
    for rec in frame[[*key, "row"]].itertuples(index=False):
        k = tuple(rec[:4])
        if k in first_row:
            what = k[2] + (f" component {k[3]}" if k[3] else "")
            problems.append(
                Problem(
                    file,
                    f"duplicate quantity for region {k[0]}, year {k[1]}, {what} "
                    f"(first given in row {first_row[k]})",
                    rec.row,
                    "component" if k[3] else "indicator",
                )
            )
        else:
            first_row[k] = rec.row
    for (region, year, ind), g in frame.groupby(["region", "year", "indicator"], sort=False):
        whole = g[g["component"] == ""]
        parts = g[g["component"] != ""]
        if len(whole) and len(parts):
            rows = ", ".join(str(r) for r in parts["row"])
            for r in whole["row"]:
                problems.append(
                    Problem(
                        file,
                        f"both the whole quantity and component rows (rows {rows}) are given for "
                        f"region {region}, year {year}, {ind}; give one or the other",
                        int(r),
                        "component",
                    )
                )
    return problems


def _level1_of(code: str) -> str:
    eco = ecosystem_catalog().get(code)
    return eco.level1 if eco else code


def _check_inventory(frame, dataset: Dataset, indicators, file: str) -> list[Problem]:
    """A positive quantity where the inventory says the ecosystems it comes from are absent."""
    problems = []
    if frame.empty or "area" not in dataset.data.data_vars:
        return problems
    area = dataset.data["area"]
    if "ecosystem" not in area.dims:
        return problems
    codes = [str(e) for e in area["ecosystem"].values]
    for rec in frame.itertuples(index=False):
        if rec.value <= 0:
            continue
        if rec.component:
            comp = component_for(indicators[rec.indicator], rec.component, rec.unit)
            basis = comp.ecosystems if comp is not None else ()
        else:
            basis = WHOLE_BASIS.get(rec.indicator, ())
        if not basis:
            continue
        counted = [c for c in codes if c in basis or _level1_of(c) in basis]
        cell = area.sel(region=rec.region, year=rec.year)
        if cell.isnull().all():
            continue  # the inventory says nothing about land cover here: nothing contradicts
        total = float(cell.sel(ecosystem=counted).sum()) if counted else 0.0
        if total <= 0:
            what = rec.indicator + (f" component {rec.component}" if rec.component else "")
            problems.append(
                Problem(
                    file,
                    f"{what} = {rec.value_input:g} {rec.unit_input} for region {rec.region}, year "
                    f"{rec.year}, but the inventory has no area of {', '.join(basis)} there; "
                    f"fix the quantity or the inventory's area rows",
                    rec.row,
                    "value",
                )
            )
    return problems


def set_contradictions(rows: pd.DataFrame, dataset: Dataset, coefficients) -> list[Problem]:
    """Whole quantities of :data:`WHOLE_SETS` indicators where no ecosystem the coefficient
    set counts (weight > 0 in that year) has area in the inventory — one problem per row,
    with the quantities file, row and field ``value``."""
    problems: list[Problem] = []
    if rows is None or rows.empty or "area" not in dataset.data.data_vars:
        return problems
    area = dataset.data["area"]
    if "ecosystem" not in area.dims:
        return problems
    codes = [str(e) for e in area["ecosystem"].values]
    whole = rows[(rows["component"] == "") & rows["indicator"].isin(list(WHOLE_SETS))]
    for rec in whole.itertuples(index=False):
        if rec.value <= 0:
            continue
        cell = area.sel(region=rec.region, year=rec.year)
        if cell.isnull().all():
            continue  # the inventory says nothing about land cover here
        counted: set[str] = set()
        for cid in WHOLE_SETS[rec.indicator]:
            if cid not in coefficients:
                continue  # the account reports the missing coefficient itself
            w = coefficients.array(cid, [int(rec.year)], keys=codes, unit="dimensionless")
            weights = np.asarray(w.transpose(..., "ecosystem").values).reshape(-1, len(codes))
            counted |= {c for c, k in zip(codes, weights[0] > 0, strict=True) if k}
        total = float(cell.sel(ecosystem=sorted(counted)).sum()) if counted else 0.0
        if total <= 0:
            sets = ", ".join(WHOLE_SETS[rec.indicator])
            problems.append(
                Problem(
                    str(rec.file),
                    f"{rec.indicator} = {rec.value_input:g} {rec.unit_input} for region "
                    f"{rec.region}, year {rec.year}, but no ecosystem the coefficient set counts "
                    f"for it ({sets}) has area in the inventory there; fix the quantity, the "
                    f"inventory's area rows or the ecosystem set",
                    int(rec.row),
                    "value",
                )
            )
    return problems


# ------------------------------------------------------------------------------------------
# the engine side: supplied rows in place of the formula's quantities


def _grid(rows: pd.DataFrame, regions: dict, years: dict, to_unit: str) -> np.ndarray:
    """Supplied values on the region × year grid, converted to ``to_unit`` (NaN elsewhere)."""
    out = np.full((len(regions), len(years)), np.nan)
    for rec in rows.itertuples(index=False):
        factor = conversion_factor(rec.unit, to_unit) if rec.unit != to_unit else 1.0
        out[regions[rec.region], years[int(rec.year)]] = rec.value * factor
    return out


def _convertible(unit: str, to_unit: str) -> float | None:
    try:
        return conversion_factor(unit, to_unit) if unit != to_unit else 1.0
    except Exception:
        return None


def supplied_quantities(indicator, ctx, rows: pd.DataFrame) -> Quantities:
    """The indicator's quantities with supplied rows in place of the formula's.

    Parameters
    ----------
    indicator : the :class:`~gep.indicators.Indicator`.
    ctx : the evaluation :class:`~gep.indicators.Context` (regions and years of the run).
    rows : the indicator's rows of a frame from :func:`load_quantities` (canonical units).

    Returns
    -------
    :class:`~gep.indicators.Quantities` with ``route="supplied"``, to be valued by the
    indicator's own ``valuate`` (same prices as a computed quantity).

    Notes
    -----
    * A whole row replaces the total of its region and year (the computed components there
      are dropped: they would not add up to it).
    * A component row replaces that component; the total of that region and year is then
      the sum of the components, a component neither supplied nor computable counting as
      absent (a supplied quantity makes the region assessed). A level-1 ecosystem class
      (``forest``) replaces all its codes' computed parts there.
    * The formula runs only where it is still needed (some region-year without a whole row);
      if it cannot (missing inventory items), the supplied cells stand alone and the other
      cells are "not assessed". A missing coefficient is still an error when some region-year
      has no supplied row at all.
    """
    regions = {str(r): i for i, r in enumerate(ctx.labels["region"])}
    years = {int(y): i for i, y in enumerate(ctx.years)}
    rows = rows[rows["region"].isin(list(regions)) & rows["year"].isin(list(years))]
    shape = (len(regions), len(years))
    whole = rows[rows["component"] == ""]
    parts_rows = rows[rows["component"] != ""]
    whole_mask = np.zeros(shape, bool)
    any_mask = np.zeros(shape, bool)
    for rec in rows.itertuples(index=False):
        any_mask[regions[rec.region], years[int(rec.year)]] = True
        if rec.component == "":
            whole_mask[regions[rec.region], years[int(rec.year)]] = True
    computed = None
    notes: list[str] = []
    if not whole_mask.all():
        ctx.current = indicator.id
        try:
            computed = indicator.quantify(ctx)
        except NotAssessed as exc:
            notes.append(f"formula not run where quantities are not supplied: {exc}")
        except MissingCoefficientError:
            if not any_mask.all():
                raise
            notes.append("formula not run (its coefficients are missing; every cell supplied)")
        finally:
            ctx.current = None
    unit = computed.unit if computed is not None else indicator.physical_unit
    dims = ("region", "year")
    nan = xr.Variable(dims, np.full(shape, np.nan))
    parts: dict[str, xr.Variable] = dict(computed.parts) if computed is not None else {}
    part_mask = np.zeros(shape, bool)
    classes = {e.level1 for e in ecosystem_catalog().values()} - set(ecosystem_catalog())
    for comp, g in parts_rows.groupby("component", sort=False):
        comp = str(comp)
        prior = parts.get(comp)
        comp_unit = prior.attrs.get("units") if prior is not None else None
        comp_unit = comp_unit or (computed.parts_unit if computed is not None else None)
        comp_unit = comp_unit or str(g["unit"].iloc[0])
        grid = _grid(g, regions, years, comp_unit)
        given = ~np.isnan(grid)
        part_mask |= given
        mask_var = xr.Variable(dims, given)
        if comp in classes:  # a level-1 class stands for all its codes
            for code in [p for p in parts if p != comp and _level1_of(p) == comp]:
                parts[code] = parts[code].where(~mask_var)
        sup = xr.Variable(dims, grid, attrs={"units": comp_unit})
        merged = sup if prior is None else sup.fillna(prior)
        merged.attrs = {"units": comp_unit}
        parts[comp] = merged
    total = computed.total if computed is not None else nan
    if part_mask.any():
        terms = []
        for p in parts.values():
            f = _convertible(p.attrs.get("units") or unit, unit)
            if f is not None:
                terms.append(p * f)
        if terms:
            by_parts = stack(terms, range(len(terms))).sum("component", min_count=1)
            total = by_parts.where(xr.Variable(dims, part_mask), total)
    if whole_mask.any():
        grid = _grid(whole, regions, years, unit)
        total = xr.Variable(dims, grid).fillna(total)
        keep = xr.Variable(dims, ~whole_mask)
        parts = {k: v.where(keep) for k, v in parts.items()}
    total = xr.Variable(total.dims, total.data, attrs={"units": unit})
    parts_unit = computed.parts_unit if computed is not None else None
    if parts_unit is None and parts:
        units = {p.attrs.get("units") for p in parts.values()}
        parts_unit = units.pop() if len(units) == 1 else None
    if computed is not None:
        notes = [*computed.notes, *notes]
    where = f"{int(any_mask.sum())} of {any_mask.size} region-years"
    notes.append(f"physical quantity supplied from outside (quantities.csv) for {where}")
    return Quantities(
        total, unit, parts=parts, parts_unit=parts_unit, notes=notes, route="supplied"
    )
