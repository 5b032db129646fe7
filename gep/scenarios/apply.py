"""Applying a scenario to copies of a dataset and a coefficient set (files never change)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from ..catalog import ecosystem_catalog
from ..coefficients import CoefficientSet, Override, load_set
from ..errors import InputError, Problem
from ..inventory import EXTENT_TOLERANCE, Dataset
from ..units import parse_unit, ureg
from .load import load_scenario
from .model import InventoryEdit, LandConversion, Scenario


def _base_set(dataset: Dataset, coefficients: CoefficientSet, scenario: Scenario) -> CoefficientSet:
    if not scenario.coefficient_set or scenario.coefficient_set == coefficients.name:
        return coefficients
    root = Path(dataset.path).parent / "coefficients" if dataset.path else None
    try:
        return load_set(scenario.coefficient_set, root=root)
    except InputError as exc:
        raise InputError(
            [
                Problem(
                    scenario.file,
                    f"coefficient set {scenario.coefficient_set!r}: {p}",
                    field="coefficients",
                )
                for p in exc.problems
            ]
        ) from None


def _check_override(cs: CoefficientSet, o: Override, file: str, where: str) -> list[Problem]:
    if o.id not in cs.coefficients:
        close = [c for c in cs.coefficients if c.split(".")[-1] == o.id.split(".")[-1]][:3]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        return [
            Problem(
                file, f"unknown coefficient '{o.id}' in set '{cs.name}'{hint}", field=f"{where}.id"
            )
        ]
    c = cs.coefficients[o.id]
    if o.key is not None:
        if c.by is None:
            return [
                Problem(
                    file, f"'{o.id}' is not a table; remove the key {o.key!r}", field=f"{where}.key"
                )
            ]
        if c.by == "ecosystem":
            catalog = ecosystem_catalog()
            if o.key not in catalog and o.key not in {e.level1 for e in catalog.values()}:
                return [Problem(file, f"unknown ecosystem {o.key!r}", field=f"{where}.key")]
    if o.unit is not None and o.op != "scale":
        try:
            ureg.Quantity(1.0, parse_unit(o.unit)).to(parse_unit(c.unit))
        except Exception:
            return [
                Problem(
                    file,
                    f"unit '{o.unit}' does not fit '{o.id}' (unit {c.unit})",
                    field=f"{where}.unit",
                )
            ]
    if o.price_year is not None and not (c.is_money and c.price_index):
        return [
            Problem(
                file, f"'{o.id}' is not a price; remove price_year", field=f"{where}.price_year"
            )
        ]
    return []


def scenario_overrides(
    scenario: Scenario, coefficients: CoefficientSet, years: Sequence[int]
) -> list[Override]:
    """The scenario's coefficient changes as :class:`Override` objects, checked against the set."""
    problems: list[Problem] = []
    out: list[Override] = []
    for spec in scenario.overrides:
        found = _check_override(coefficients, spec.override, scenario.file, spec.field)
        problems += found
        if not found:
            out.append(spec.override)
    for p in scenario.paths:
        origin = f"{scenario.file}, field '{p.field}'"
        probe = Override(
            id=p.id, op="set", value=0.0, unit=p.unit, price_year=p.price_year, origin=origin
        )
        found = _check_override(coefficients, probe, scenario.file, p.field)
        if not found and coefficients.coefficients[p.id].by is not None:
            found = [
                Problem(
                    scenario.file,
                    f"'{p.id}' is a table; a path sets scalar coefficients only",
                    field=f"{p.field}.id",
                )
            ]
        problems += found
        if found:
            continue
        for year, value in p.values_for(years):
            out.append(
                Override(
                    id=p.id,
                    op="set",
                    value=value,
                    unit=p.unit,
                    price_year=p.price_year,
                    from_year=year,
                    origin=origin,
                )
            )
    if problems:
        raise InputError(problems)
    return out


def _year_mask(
    years: np.ndarray, chosen: tuple[int, ...] | None, from_year: int | None
) -> np.ndarray:
    mask = np.ones(len(years), dtype=bool)
    if chosen is not None:
        mask &= np.isin(years, chosen)
    if from_year is not None:
        mask &= years >= from_year
    return mask


def _add_ecosystem(data: xr.Dataset, code: str) -> xr.Dataset:
    """Add an ecosystem to the coordinate: zero area where the region-year reports area."""
    order = list(ecosystem_catalog())
    codes = sorted([*map(str, data["ecosystem"].values), code], key=order.index)
    reported = data["area"].notnull().any("ecosystem")
    out = data.reindex(ecosystem=codes)
    area = out["area"]
    out["area"] = xr.where((area["ecosystem"] == code) & reported, 0.0, area).assign_attrs(
        area.attrs
    )
    out["area"] = out["area"].transpose(*data["area"].dims)
    return out


def _apply_edit(data: xr.Dataset, e: InventoryEdit, file: str, dataset: Dataset) -> list[Problem]:
    where = e.field
    if e.item not in data.data_vars:
        return [Problem(file, f"the dataset has no item '{e.item}'", field=f"{where}.item")]
    var = data[e.item]
    problems = []
    regions = np.array([str(r) for r in var["region"].values])
    years = np.array([int(y) for y in var["year"].values])
    if e.regions:
        unknown = [r for r in e.regions if r not in regions]
        if unknown:
            problems.append(
                Problem(
                    file,
                    f"unknown region(s) {', '.join(unknown)} (dataset regions: "
                    f"{', '.join(regions)})",
                    field=f"{where}.region",
                )
            )
    if e.years:
        unknown_y = [y for y in e.years if y not in years]
        if unknown_y:
            problems.append(
                Problem(
                    file,
                    f"year(s) {', '.join(map(str, unknown_y))} not in the dataset "
                    f"({years.min()}–{years.max()})",
                    field=f"{where}.year",
                )
            )
    eco_mask = None
    if e.ecosystem is not None:
        ecos = [str(x) for x in var["ecosystem"].values]
        eco_mask = np.array([x == e.ecosystem or x.startswith(e.ecosystem + ".") for x in ecos])
        if not eco_mask.any():
            problems.append(
                Problem(
                    file,
                    f"the dataset has no ecosystem {e.ecosystem!r} for {e.item}",
                    field=f"{where}.ecosystem",
                )
            )
    sp_mask = None
    if e.species is not None:
        sps = [str(x) for x in var["species"].values]
        sp_mask = np.array([x == e.species for x in sps])
        if not sp_mask.any():
            problems.append(
                Problem(
                    file,
                    f"the dataset has no species {e.species!r} for {e.item}",
                    field=f"{where}.species",
                )
            )
    if problems:
        return problems
    r_mask = np.isin(regions, e.regions) if e.regions else np.ones(len(regions), dtype=bool)
    y_mask = _year_mask(years, e.years, e.from_year)
    arr = var.transpose("region", "year", ...).values.copy()
    sel = r_mask[:, None] & y_mask[None, :]
    extra = [d for d in var.transpose("region", "year", ...).dims[2:]]
    if extra:
        third = eco_mask if extra[0] == "ecosystem" else sp_mask
        if third is None:
            third = np.ones(arr.shape[2], dtype=bool)
        sel = sel[:, :, None] & third[None, None, :]
    with np.errstate(over="ignore", invalid="ignore"):
        if e.op == "set":
            arr[sel] = e.value
        elif e.op == "scale":
            arr[sel] = arr[sel] * e.value
        else:
            arr[sel] = arr[sel] + e.value
    if np.any(np.isinf(arr[sel])):  # overflow: never a silent inf/null result (issue 16)
        problems.append(
            Problem(file, f"the edit makes {e.item} overflow (not finite)", field=f"{where}.{e.op}")
        )
        return problems
    if np.any(arr[sel] < 0):
        problems.append(Problem(file, f"the edit makes {e.item} negative", field=f"{where}.{e.op}"))
        return problems
    new = xr.DataArray(
        arr, dims=var.transpose("region", "year", ...).dims, coords=var.coords, attrs=var.attrs
    )
    data[e.item] = new.transpose(*var.dims)
    return []


def _apply_conversion(
    data: xr.Dataset, c: LandConversion, file: str
) -> tuple[xr.Dataset, list[Problem]]:
    where = c.field
    if "area" not in data.data_vars:
        return data, [Problem(file, "the dataset has no item 'area'", field=where)]
    regions = [str(r) for r in data["region"].values]
    if c.regions:
        unknown = [r for r in c.regions if r not in regions]
        if unknown:
            return data, [
                Problem(
                    file,
                    f"unknown region(s) {', '.join(unknown)} (dataset regions: "
                    f"{', '.join(regions)})",
                    field=f"{where}.region",
                )
            ]
    ecos = [str(e) for e in data["ecosystem"].values]
    if c.source not in ecos:
        return data, [
            Problem(file, f"the dataset has no area of {c.source}", field=f"{where}.from")
        ]
    if c.target not in ecos:
        data = _add_ecosystem(data, c.target)
    area = data["area"].transpose("region", "year", "ecosystem")
    arr = area.values.copy()
    years = np.array([int(y) for y in area["year"].values])
    ecos = [str(e) for e in area["ecosystem"].values]
    si, ti = ecos.index(c.source), ecos.index(c.target)
    y_mask = _year_mask(years, None, c.from_year)
    problems = []
    for ri, region in enumerate(regions):
        if c.regions and region not in c.regions:
            continue
        for yi in np.flatnonzero(y_mask):
            have = arr[ri, yi, si]
            tol = 1e-9 * max(1.0, abs(c.area_ha))
            if not np.isfinite(have) or have < c.area_ha - tol:
                have_txt = "no" if not np.isfinite(have) else f"only {have:,.2f} ha of"
                problems.append(
                    Problem(
                        file,
                        f"region {region} has {have_txt} {c.source} in {years[yi]}, less than the "
                        f"{c.area_ha:,.2f} ha ({c.area_text}) to move",
                        field=f"{where}.area",
                    )
                )
                continue
            moved = min(c.area_ha, have)
            arr[ri, yi, si] = have - moved
            arr[ri, yi, ti] = (arr[ri, yi, ti] if np.isfinite(arr[ri, yi, ti]) else 0.0) + moved
    if problems:
        return data, problems
    data["area"] = xr.DataArray(
        arr, dims=area.dims, coords=area.coords, attrs=area.attrs
    ).transpose(*data["area"].dims)
    return data, []


def _check_extent(data: xr.Dataset, dataset: Dataset, file: str, field_name: str) -> list[Problem]:
    if "area" not in data.data_vars:
        return []
    total = data["area"].sum("ecosystem", min_count=1)
    land = xr.DataArray(
        dataset.regions.loc[[str(r) for r in data["region"].values], "land_area_ha"].to_numpy(
            float
        ),
        dims="region",
        coords={"region": data["region"].values},
    )
    over = total > land * (1 + EXTENT_TOLERANCE)
    problems = []
    for region in over["region"].values[over.any("year").values]:
        years = [int(y) for y in over["year"].values[over.sel(region=region).values]]
        problems.append(
            Problem(
                file,
                f"after the scenario the ecosystem extent of {region} exceeds its land area "
                f"in {', '.join(map(str, years))}",
                field=field_name,
            )
        )
    return problems


def _table_with(
    dataset: Dataset, data: xr.Dataset, items: set[str], scenario: Scenario
) -> pd.DataFrame:
    """The canonical long table with the rows of edited items rebuilt from ``data``."""
    table = dataset.table
    if not items:
        return table
    keep = table[~table["item"].isin(items)]
    rows = []
    for item in sorted(items):
        var = data[item]
        df = var.to_dataframe(name="value").reset_index()
        df = df[df["value"].notna()]
        df["item"] = item
        for col in ("ecosystem", "species"):
            if col not in df.columns:
                df[col] = ""
        df["unit"] = var.attrs.get("units", "")
        df["source"] = f"scenario {scenario.id} ({scenario.file})"
        df["row"] = 0
        rows.append(df[[c for c in table.columns if c in df.columns]])
    out = pd.concat([keep, *rows], ignore_index=True)
    out["region"] = out["region"].astype(str)
    out["year"] = out["year"].astype(int)
    return out


def apply_scenario(
    dataset: Dataset, coefficients: CoefficientSet, scenario: Scenario | str | Path
) -> tuple[Dataset, CoefficientSet]:
    """Apply a scenario to copies of the dataset and the coefficient set.

    Returns ``(dataset', coefficients')``; the inputs and the files are unchanged. Every
    problem (unknown coefficient id, region, item or ecosystem; a unit that does not fit; less
    area than a land conversion moves; extent beyond land area) is collected and raised as one
    :class:`InputError` naming the scenario file and key.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    try:
        return _apply(dataset, coefficients, scenario)
    except InputError as exc:
        raise InputError([_with_line(p, scenario) for p in exc.problems]) from None


def _with_line(p: Problem, scenario: Scenario) -> Problem:
    """``p`` with the YAML line of its key when it is about the scenario file and has none."""
    if p.file != scenario.file or p.row is not None or not p.field:
        return p
    return replace(p, row=scenario.line(p.field))


def _apply(
    dataset: Dataset, coefficients: CoefficientSet, scenario: Scenario
) -> tuple[Dataset, CoefficientSet]:
    base = _base_set(dataset, coefficients, scenario)
    problems: list[Problem] = []
    try:
        overrides = scenario_overrides(scenario, base, dataset.years)
    except InputError as exc:
        problems += exc.problems
        overrides = []
    new_set = base.with_overrides(overrides) if overrides else base

    data = dataset.data.copy()  # shallow: unchanged variables share memory with the baseline
    edited: set[str] = set()
    for e in scenario.inventory_edits:
        found = _apply_edit(data, e, scenario.file, dataset)
        problems += found
        if not found:
            edited.add(e.item)
    for c in scenario.land_conversions:
        data, found = _apply_conversion(data, c, scenario.file)
        problems += found
        if not found:
            edited.add("area")
    if "area" in edited:
        problems += _check_extent(
            data,
            dataset,
            scenario.file,
            "land_conversions" if scenario.land_conversions else "inventory_edits",
        )
    if problems:
        raise InputError(problems)
    if not edited:
        new_data = dataset
    else:
        meta = {**dataset.meta, "scenario": scenario.id}
        new_data = Dataset(
            name=dataset.name,
            regions=dataset.regions,
            table=_table_with(dataset, data, edited, scenario),
            data=data,
            meta=meta,
            path=dataset.path,
        )
    return new_data, new_set
