"""``gep carbon`` commands: county forest carbon sink and afforestation project appraisal.

Mounted by :mod:`gep.cli` as ``gep carbon``::

    gep carbon sink DATASET [--year Y] [--method stock-difference|gain-loss] [--biomass fang|bef|bcef]
    gep carbon project --area 500ha --species pinus_massoniana --start 2025 --period 40 --price ccer_central

Bad input (unknown species, an area without an area unit, missing coefficients, …) prints a
message on stderr and exits with code 2.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from ..carbon._units import as_hectares
from ..carbon.appraisal import DEFAULT_DISCOUNT_PCT, DEFAULT_PRICE_SD, appraise_project
from ..carbon.finance import ProjectCosts
from ..carbon.integration import dataset_sink
from ..carbon.params import (
    BIOMASS_METHODS,
    NO_VOLUME_MODEL,
    SINK_METHODS,
    SPECIES,
    lookup_from_set,
    project_parameters,
    required_parameters,
    species_parameters,
)
from ..carbon.prices import PRICE_SCENARIOS
from ..carbon.project import make_strata
from ..errors import InputError, MissingCoefficientError
from ..ranges import check_area_ha, check_carbon_project
from ..safeio import dumps_json

app = typer.Typer(
    help="Forestry carbon sinks (林业碳汇): county sink from a forest inventory; afforestation project "
    "credits, cash flow, NPV, IRR and break-even carbon price.",
    no_args_is_help=True,
)

FORMATS = ("table", "json")


def make_lookup(set_name: str, year: int):
    """Coefficient lookup for ``set_name`` resolved for ``year`` (replaceable in tests)."""
    from ..coefficients import load_set

    return lookup_from_set(load_set(set_name), year)


def make_set(ds, set_name: str | None):
    """The coefficient set for a dataset (looked up beside the dataset first)."""
    from .common import dataset_coefficients

    return dataset_coefficients(ds, set_name)


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def _check_choice(name: str, value: str, allowed) -> None:
    if value not in allowed:
        _fail(f"--{name} must be one of {', '.join(allowed)}, not {value!r}")


def _num(x):
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


def _route_hint(lookup, species, method, dead_wood, litter, disturbance) -> str:
    """Which biomass routes the coefficient set covers for every species in the inventory."""
    ok = []
    for route in BIOMASS_METHODS:
        names = required_parameters(
            method, route, dead_wood=dead_wood, litter=litter, disturbance=disturbance
        )
        try:
            species_parameters(lookup, species, names)
        except InputError:
            continue
        ok.append(route)
    if not ok:
        return ""
    return "\nhint: --biomass " + " or ".join(ok) + " covers every species group in this inventory"


def _fmt(x, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:,.{digits}f}"


@app.command()
def sink(
    dataset: Annotated[Path, typer.Argument(help="Dataset folder (inventory.csv + regions.csv).")],
    year: Annotated[int | None, typer.Option(help="Show one accounting year only.")] = None,
    method: Annotated[str, typer.Option(help="stock-difference | gain-loss")] = "stock-difference",
    biomass: Annotated[
        str,
        typer.Option(
            help="Volume → biomass route: fang (default: verified parameters for every species group "
            "with a volume model) | bef | bcef"
        ),
    ] = "fang",
    coefficients: Annotated[
        str | None,
        typer.Option("--coefficients", "-c", help="Coefficient set (default: the dataset's)."),
    ] = None,
    dead_wood: Annotated[
        bool, typer.Option("--dead-wood", help="Add the dead-wood pool (stock-difference).")
    ] = False,
    litter: Annotated[
        bool, typer.Option("--litter", help="Add the litter pool (stock-difference).")
    ] = False,
    by_species: Annotated[
        bool, typer.Option("--by-species", help="One row per species group.")
    ] = False,
    exclude_species: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude-species",
            help="Leave a species group out (repeatable). Default: the groups "
            "without a volume-based biomass model (bamboo).",
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """County forest carbon sink [t CO2e / yr] from a forest inventory (region × year × species).

    Species groups without a volume-based biomass model (bamboo) are left out by default and
    reported as excluded; account them separately.
    """
    _check_choice("method", method, SINK_METHODS)
    _check_choice("biomass", biomass, BIOMASS_METHODS)
    _check_choice("format", fmt, FORMATS)
    try:
        from ..inventory import load_dataset
    except ImportError as exc:  # pragma: no cover - depends on the rest of the package
        _fail(f"the inventory loader is not available: {exc}")
    try:
        ds = load_dataset(dataset)
        data = ds.data
        missing = [n for n in ("forest.area", "forest.stock") if n not in data]
        if missing:
            _fail(
                f"{dataset}: the inventory has no {', '.join(missing)} rows (forest inventory items)"
            )
        years = [int(y) for y in data["year"].values]
        if year is not None and year not in years:
            _fail(f"year {year} is not in the inventory (years: {', '.join(map(str, years))})")
        set_name = coefficients or getattr(ds, "default_coefficients", "national")
        present = [str(s) for s in data["species"].values]
        try:
            result, notes = dataset_sink(
                data,
                make_set(ds, coefficients),
                year or years[-1],
                method,
                biomass,
                dead_wood=dead_wood,
                litter=litter,
                by_species=by_species,
                exclude_species=exclude_species,
            )
        except MissingCoefficientError as exc:
            species = [s for s in present if s not in (exclude_species or NO_VOLUME_MODEL)]
            _fail(
                str(exc)
                + _route_hint(
                    make_lookup(set_name, year or years[-1]),
                    species,
                    method,
                    dead_wood,
                    litter,
                    "forest.disturbance_area" in data,
                )
            )
    except InputError as exc:
        _fail(str(exc))
    if year is not None:
        result = result.sel(year=[year])
    rows = []
    frame = result.to_dataframe(name="removals").reset_index()
    for rec in frame.to_dict("records"):
        row = {
            "region": str(rec["region"]),
            "name": ds.region_name(str(rec["region"]))
            if hasattr(ds, "region_name")
            else str(rec["region"]),
            "year": int(rec["year"]),
        }
        if by_species:
            row["species"] = str(rec["species"])
        row["removals_tCO2e_per_year"] = _num(rec["removals"])
        rows.append(row)
    meta = {k: (v if isinstance(v, str | int | float) else str(v)) for k, v in result.attrs.items()}
    if fmt == "json":
        meta.pop("excluded_species", None)
        typer.echo(
            dumps_json(
                {
                    "dataset": str(dataset),
                    "coefficient_set": set_name,
                    **meta,
                    "excluded_species": notes,
                    "rows": rows,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for s, why in notes.items():
        typer.echo(f"note: species group '{s}' excluded — {why}", err=True)
    typer.echo(
        f"Forest carbon sink — method {method}, biomass {biomass}, pools: {meta.get('pools', '')}"
    )
    typer.echo(f"Coefficient set {set_name}; units t CO2e / yr (positive = removal)")
    head = ["region", "name", "year"] + (["species"] if by_species else []) + ["removals"]
    typer.echo("  ".join(f"{h:>16}" for h in head))
    for row in rows:
        cells = [row["region"], row["name"], str(row["year"])] + (
            [row["species"]] if by_species else []
        )
        value = row["removals_tCO2e_per_year"]
        cells.append(_fmt(value) if value is not None else "— (" + meta.get("reason", "n/a") + ")")
        typer.echo("  ".join(f"{c:>16}" for c in cells))


@app.command()
def project(
    area: Annotated[
        str, typer.Option(help="Planted area with a unit: 500ha, 7500mu, '7500 亩', 5km**2.")
    ],
    species: Annotated[str, typer.Option(help=f"Species group: {', '.join(SPECIES)}.")],
    start: Annotated[int, typer.Option(help="Planting and first crediting year.")],
    period: Annotated[
        int, typer.Option(help="Crediting period [years] (CCER-14-001-V01 practice: 40).")
    ],
    price: Annotated[
        str,
        typer.Option(help="Carbon price [CNY/tCO2e] or scenario: " + ", ".join(PRICE_SCENARIOS)),
    ],
    price_growth: Annotated[float, typer.Option(help="Annual price growth [%].")] = 0.0,
    discount: Annotated[
        float, typer.Option(help="Discount rate [%] (default 8 %, 社会折现率).")
    ] = DEFAULT_DISCOUNT_PCT,
    cost_establishment: Annotated[
        float, typer.Option(help="Establishment cost [CNY/ha], once.")
    ] = 0.0,
    cost_management: Annotated[float, typer.Option(help="Management cost [CNY/ha/yr].")] = 0.0,
    cost_validation: Annotated[
        float, typer.Option(help="Validation/registration cost [CNY], once.")
    ] = 0.0,
    cost_verification: Annotated[
        float, typer.Option(help="Cost per monitoring/verification event [CNY].")
    ] = 0.0,
    verification_interval: Annotated[int, typer.Option(help="Years between verifications.")] = 5,
    fee_share: Annotated[
        float, typer.Option(help="Transaction fees as a share of revenue [0–1).")
    ] = 0.0,
    baseline: Annotated[float, typer.Option(help="Baseline removals [tCO2e/ha/yr].")] = 0.0,
    leakage: Annotated[float, typer.Option(help="Leakage [tCO2e/yr] (0 in AR-CM-001-V01).")] = 0.0,
    uncertainty_deduction: Annotated[
        float, typer.Option(help="Share of net removals withheld [0–1).")
    ] = 0.0,
    dead_wood: Annotated[
        bool, typer.Option("--dead-wood", help="Include the dead-wood pool.")
    ] = False,
    litter: Annotated[bool, typer.Option("--litter", help="Include the litter pool.")] = False,
    calibration: Annotated[
        float, typer.Option(help="Local calibration factor on the growth asymptote.")
    ] = 1.0,
    extrapolate: Annotated[
        bool,
        typer.Option(
            "--extrapolate", help="Allow ages beyond the growth data (flagged in the output)."
        ),
    ] = False,
    draws: Annotated[int, typer.Option(help="Monte Carlo draws (0 = none).")] = 0,
    seed: Annotated[int | None, typer.Option(help="Random seed for the Monte Carlo.")] = None,
    price_sd: Annotated[
        float, typer.Option(help="Log-sd of the price level in the Monte Carlo.")
    ] = DEFAULT_PRICE_SD,
    growth_sd: Annotated[
        float | None,
        typer.Option(
            help="Relative sd of the growth asymptote (default: the curve's standard error)."
        ),
    ] = None,
    coefficients: Annotated[
        str, typer.Option("--coefficients", "-c", help="Coefficient set.")
    ] = "national",
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """Afforestation carbon project: credited tCO2e, cash flow, NPV, IRR, break-even price."""
    options = dict(locals())  # every option in range before any work (issue 16)
    _check_choice("format", fmt, FORMATS)
    if species not in SPECIES:
        _fail(f"unknown species '{species}' (known: {', '.join(SPECIES)})")
    try:
        check_carbon_project(options)
        area_ha = as_hectares(area, "--area", require_unit=True)
        check_area_ha(area_ha, "--area")
        try:
            price_value: object = float(price)
        except ValueError:
            price_value = price
        strata = make_strata(area_ha, species, start)
        names = project_parameters(
            dead_wood=dead_wood, litter=litter, growth_uncertainty=bool(draws) and growth_sd is None
        )
        params = species_parameters(make_lookup(coefficients, start), [species], names)
        costs = ProjectCosts(
            establishment=cost_establishment,
            management=cost_management,
            validation=cost_validation,
            verification=cost_verification,
            verification_interval=verification_interval,
            fee_share=fee_share,
        )
        result = appraise_project(
            strata,
            start,
            period,
            params,
            price_value,
            price_growth_pct=price_growth,
            discount_pct=discount,
            costs=costs,
            baseline=baseline * float(np.sum(area_ha)),
            leakage=leakage,
            uncertainty_deduction=uncertainty_deduction,
            dead_wood=dead_wood,
            litter=litter,
            calibration=calibration,
            beyond_data="flag" if extrapolate else "raise",
            draws=draws,
            seed=seed,
            price_sd=price_sd,
            growth_sd=growth_sd,
        )
    except InputError as exc:
        _fail(str(exc))
    out = result.to_dict()
    out["inputs"]["coefficient_set"] = coefficients
    if fmt == "json":
        typer.echo(dumps_json(out, ensure_ascii=False, indent=2))
        return
    inp = out["inputs"]
    typer.echo(
        f"Afforestation project: {inp['area_ha']:,.1f} ha {species}, planted {start}, "
        f"crediting {start}–{start + period - 1}; pools: {inp['pools']}"
    )
    typer.echo(
        f"Price: {inp.get('price_scenario', 'supplied')} — {inp['price_basis']}; "
        f"growth {price_growth:g} %/yr; discount {discount:g} %"
    )
    typer.echo(f"Credited total: {_fmt(out['cumulative_tCO2e'][-1])} tCO2e")
    irr_text = "—" if out["irr"] is None else f"{100 * out['irr']:.2f} %"
    typer.echo(
        f"NPV: {_fmt(out['npv_CNY'], 0)} CNY   IRR: {irr_text}   "
        f"break-even price: {_fmt(out['breakeven_price_CNY_per_tCO2e'], 2)} CNY/tCO2e   "
        f"discounted payback: {_fmt(out['discounted_payback_years'], 0)} yr"
    )
    if "npv_p50" in out:
        typer.echo(
            f"Monte Carlo ({draws} draws, seed {seed}): NPV P5 {_fmt(out['npv_p5'], 0)}  "
            f"P50 {_fmt(out['npv_p50'], 0)}  P95 {_fmt(out['npv_p95'], 0)} CNY"
        )
    if out.get("years_beyond_growth_data"):
        typer.echo(
            "Warning: ages beyond the growth curve's data in "
            + ", ".join(map(str, out["years_beyond_growth_data"])),
            err=True,
        )
    head = [
        "year",
        "credited tCO2e",
        "cumulative",
        "price CNY/t",
        "revenue CNY",
        "cost CNY",
        "cash flow CNY",
    ]
    typer.echo("  ".join(f"{h:>14}" for h in head))
    for i, y in enumerate(out["years"]):
        cells = [
            str(y),
            _fmt(out["credited_tCO2e"][i]),
            _fmt(out["cumulative_tCO2e"][i]),
            _fmt(out["price_CNY_per_tCO2e"][i], 2),
            _fmt(out["revenue_CNY"][i], 0),
            _fmt(out["cost_CNY"][i], 0),
            _fmt(out["cash_flow_CNY"][i], 0),
        ]
        typer.echo("  ".join(f"{c:>14}" for c in cells))
