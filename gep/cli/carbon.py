"""``gep carbon`` commands: county forest carbon sink and afforestation project appraisal.

Mounted by :mod:`gep.cli` as ``gep carbon``::

    gep carbon sink DATASET [--year Y] [--method stock-difference|gain-loss]
                            [--biomass fang|bef|bcef]
    gep carbon project --area 500ha --species pinus_massoniana --start 2025 --period 40
                       --price ccer_central

Bad input (unknown species, an area without an area unit, missing coefficients, …) prints a
message on stderr and exits with code 2.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from ..carbon._units import as_hectares, magnitude
from ..carbon.appraisal import appraise_project
from ..carbon.costs import project_defaults
from ..carbon.curves import project_growth_parameters
from ..carbon.eligibility import CREDITING_PERIOD_BOUNDS, ProjectFacts, overall, screen
from ..carbon.finance import ProjectCosts
from ..carbon.inputs import input_help
from ..carbon.integration import dataset_sink
from ..carbon.issuance import VerificationSchedule
from ..carbon.params import (
    BIOMASS_METHODS,
    NO_VOLUME_MODEL,
    SINK_METHODS,
    lookup_from_set,
    required_parameters,
    species_parameters,
)
from ..carbon.prices import PRICE_SCENARIOS
from ..carbon.project import make_strata
from ..errors import InputError, MissingCoefficientError, Problem
from ..ranges import check_area_ha, check_carbon_project
from ..safeio import atomic_write_bytes, check_output_path, dumps_json

app = typer.Typer(
    help=(
        "Forestry carbon sinks (林业碳汇): county sink from a forest inventory; afforestation "
        "project credits, cash flow, NPV, IRR and break-even carbon price."
    ),
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
            help=(
                "Volume → biomass route: fang (default: verified parameters for every species "
                "group with a volume model) | bef | bcef"
            )
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
                f"{dataset}: the inventory has no {', '.join(missing)} rows (forest inventory "
                "items)"
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


ELIG_HELP = {
    name: input_help(name, "en")
    for name in (
        "nonforest_since",
        "min_parcel",
        "key_zone",
        "rainfall",
        "tenure",
        "wetland",
        "economic_forest",
        "public_welfare_forest",
    )
}
ELIG_HELP["min_parcel"] += " Give a unit, e.g. '500 m**2' or '1 mu'."

# eligibility facts (CCER afforestation screen), shared by `eligibility` and `project`
NonforestSince = Annotated[int | None, typer.Option(help=ELIG_HELP["nonforest_since"])]
MinParcel = Annotated[str | None, typer.Option(help=ELIG_HELP["min_parcel"])]
KeyZone = Annotated[
    bool | None, typer.Option("--key-zone/--no-key-zone", help=ELIG_HELP["key_zone"])
]
Rainfall = Annotated[float | None, typer.Option(help=ELIG_HELP["rainfall"])]
Tenure = Annotated[bool | None, typer.Option("--tenure/--no-tenure", help=ELIG_HELP["tenure"])]
Wetland = Annotated[bool | None, typer.Option("--wetland/--no-wetland", help=ELIG_HELP["wetland"])]
EconomicForest = Annotated[
    bool | None,
    typer.Option("--economic-forest/--no-economic-forest", help=ELIG_HELP["economic_forest"]),
]
PublicWelfareForest = Annotated[
    bool | None,
    typer.Option(
        "--public-welfare-forest/--no-public-welfare-forest",
        help=ELIG_HELP["public_welfare_forest"],
    ),
]


def _facts(
    area_ha,
    start,
    period,
    nonforest_since,
    min_parcel,
    key_zone,
    rainfall,
    tenure,
    wetland,
    economic_forest,
    public_welfare_forest,
) -> ProjectFacts:
    parcel = None
    if min_parcel is not None:
        parcel = magnitude(min_parcel, "m ** 2", "min_parcel", require_unit=True)
        if not parcel > 0:
            raise InputError(Problem("--min-parcel", "parcel size must be > 0", field="min_parcel"))
    if rainfall is not None and not 0 <= rainfall < 20000:
        raise InputError(Problem("--rainfall", "rainfall must be 0–20000 mm", field="rainfall"))
    return ProjectFacts(
        area_ha=area_ha,
        start=start,
        period=period,
        nonforest_since=nonforest_since,
        min_parcel_m2=parcel,
        key_ecological_zone=key_zone,
        rainfall_mm=rainfall,
        tenure_documented=tenure,
        wetland=wetland,
        economic_forest=economic_forest,
        public_welfare_forest=public_welfare_forest,
    )


def _print_screen(rows: list[dict]) -> None:
    typer.echo(f"Eligibility screen (CCER-14-001-V01) — overall: {overall(rows)}")
    for r in rows:
        mark = {"pass": "PASS", "fail": "FAIL", "needs_evidence": "EVIDENCE"}[r["status"]]
        note = "" if r["verified"] else " [clause unverified]"
        info = " (reference only)" if r["informative"] else ""
        typer.echo(f"  {mark:>8}  {r['zh']} — {r['detail_zh']} | {r['clause']}{note}{info}")


@app.command()
def eligibility(
    area: Annotated[str, typer.Option(help=input_help("area", "en"))],
    start: Annotated[int, typer.Option(help=input_help("start", "en"))],
    period: Annotated[int, typer.Option(help=input_help("period", "en"))] = 40,
    nonforest_since: NonforestSince = None,
    min_parcel: MinParcel = None,
    key_zone: KeyZone = None,
    rainfall: Rainfall = None,
    tenure: Tenure = None,
    wetland: Wetland = None,
    economic_forest: EconomicForest = None,
    public_welfare_forest: PublicWelfareForest = None,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """Eligibility screen of an afforestation project against CCER-14-001-V01: each condition
    pass / fail / needs evidence, with its clause (options as for `gep carbon project`)."""
    _check_choice("format", fmt, FORMATS)
    try:
        area_ha = float(np.sum(as_hectares(area, "--area", require_unit=True)))
        if not area_ha > 0:
            raise InputError(Problem("--area", f"area must be > 0, not {area!r}", field="area"))
        facts = _facts(
            area_ha,
            start,
            period,
            nonforest_since,
            min_parcel,
            key_zone,
            rainfall,
            tenure,
            wetland,
            economic_forest,
            public_welfare_forest,
        )
    except InputError as exc:
        _fail(str(exc))
    rows = screen(facts)
    if fmt == "json":
        typer.echo(
            dumps_json({"overall": overall(rows), "conditions": rows}, ensure_ascii=False, indent=2)
        )
        return
    _print_screen(rows)


@app.command()
def county(
    dataset: Annotated[Path, typer.Argument(help="Dataset folder with a forest inventory.")],
    year: Annotated[int | None, typer.Option(help="Year priced (default: the last).")] = None,
    biomass: Annotated[str, typer.Option(help="fang (default) | bef | bcef")] = "fang",
    coefficients: Annotated[
        str | None,
        typer.Option("--coefficients", "-c", help="Coefficient set (default: the dataset's)."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """County carbon-sink pricing: sink [tCO2e/yr] from the forest inventory, the share
    creditable under CCER-14-001-V01 (new afforestation vs existing forest), and its value at
    each price scenario [CNY/yr]."""
    _check_choice("biomass", biomass, BIOMASS_METHODS)
    _check_choice("format", fmt, FORMATS)
    from ..carbon.county import county_pricing
    from ..inventory import load_dataset

    try:
        ds = load_dataset(dataset)
        data = ds.data
        missing = [n for n in ("forest.area", "forest.stock") if n not in data]
        if missing:
            _fail(
                f"{dataset}: the inventory has no {', '.join(missing)} rows (forest inventory "
                "items)"
            )
        years = [int(y) for y in data["year"].values]
        y = years[-1] if year is None else year
        if y not in years:
            _fail(f"year {y} is not in the inventory (years: {', '.join(map(str, years))})")
        if y == years[0]:
            _fail(f"year {y} is the first inventory year: no stock change, no sink to price")
        sink_sp, excluded = dataset_sink(
            data, make_set(ds, coefficients), y, "stock-difference", biomass, by_species=True
        )
        sink_sp = sink_sp.sel(
            species=[s for s in sink_sp["species"].values if str(s) not in excluded]
        )
        prices = {k: v.price for k, v in PRICE_SCENARIOS.items()}
        out = county_pricing(sink_sp, data["forest.area"], y, prices)
    except InputError as exc:
        _fail(str(exc))
    rows = []
    for r in out["region"].values:
        one = out.sel(region=r)
        rows.append(
            {
                "region": str(r),
                "name": ds.region_name(str(r)),
                "sink_tCO2e_per_year": _num(one["sink"]),
                "forest_area_ha": _num(one["forest_area"]),
                "new_area_ha": _num(one["new_area"]),
                "sink_afforestation_tCO2e_per_year": _num(one["sink_afforestation"]),
                "sink_existing_tCO2e_per_year": _num(one["sink_existing"]),
                "creditable_share": _num(one["creditable_share"]),
                "value_creditable_CNY_per_year": {
                    str(k): _num(v)
                    for k, v in zip(
                        out["scenario"].values, one["value_creditable"].values, strict=True
                    )
                },
                "value_total_CNY_per_year": {
                    str(k): _num(v)
                    for k, v in zip(out["scenario"].values, one["value_total"].values, strict=True)
                },
            }
        )
    meta = {
        "dataset": str(dataset),
        "year": y,
        "biomass": biomass,
        "method": "stock-difference",
        "excluded_species": excluded,
        "methodology": out.attrs["methodology"],
        "creditable_rule": "new forest area since the first inventory year "
        f"({out.attrs['first_inventory_year']}) counts as afforestation; its area share of each "
        "species' sink is creditable (a screening ceiling); existing forest: no CCER methodology",
        "price_scenarios": {k: v.as_dict() for k, v in PRICE_SCENARIOS.items()},
    }
    if fmt == "json":
        typer.echo(dumps_json({**meta, "rows": rows}, ensure_ascii=False, indent=2))
        return
    typer.echo(
        f"County carbon-sink pricing {y} ({biomass}); creditable = afforestation share under "
        "CCER-14-001-V01; values in 10⁴ CNY/yr"
    )
    head = ["region", "name", "sink t/yr", "new ha", "creditable %", "afforest t/yr"] + list(prices)
    typer.echo("  ".join(f"{h:>14}" for h in head))
    for row in rows:
        share = row["creditable_share"]
        cells = [
            row["region"],
            row["name"],
            _fmt(row["sink_tCO2e_per_year"], 0),
            _fmt(row["new_area_ha"], 0),
            "—" if share is None else f"{100 * share:.2f}",
            _fmt(row["sink_afforestation_tCO2e_per_year"], 0),
        ] + [_fmt((row["value_creditable_CNY_per_year"][k] or 0) / 1e4, 2) for k in prices]
        typer.echo("  ".join(f"{c:>14}" for c in cells))


def _h(name: str) -> str:
    """English help of a project input, from gep/carbon/project_inputs.yaml."""
    return input_help(name, "en")


def _cost(value: str | None, default, name: str):
    """A cost option: a bare number is in the default's unit; text may carry its own unit."""
    if value is None:
        return default.value
    try:
        return float(value)
    except ValueError:
        return magnitude(value, default.unit, name)


def _price_path(text: str) -> dict[int, float]:
    """``2025:70,2026:72`` → {2025: 70.0, 2026: 72.0} (no expression is evaluated)."""
    out: dict[int, float] = {}
    for item in text.split(","):
        year, sep, value = item.strip().partition(":")
        try:
            if not sep:
                raise ValueError
            out[int(year)] = float(value)
        except ValueError:
            raise InputError(
                Problem(
                    "--price-path",
                    f"{item.strip()!r} is not YEAR:PRICE (e.g. 2025:70,2026:72)",
                    field="price_path",
                )
            ) from None
    return out


@app.command()
def project(
    area: Annotated[str, typer.Option(help=_h("area"))],
    species: Annotated[str, typer.Option(help=_h("species"))],
    start: Annotated[int, typer.Option(help=_h("start"))],
    period: Annotated[int, typer.Option(help=_h("period"))] = 40,
    price: Annotated[
        str,
        typer.Option(help=_h("price") + " Scenarios: " + ", ".join(PRICE_SCENARIOS)),
    ] = "ccer_central",
    price_path: Annotated[
        str | None,
        typer.Option(
            help="Yearly price path YEAR:PRICE,… [CNY/tCO2e] covering every crediting year."
        ),
    ] = None,
    price_growth: Annotated[float, typer.Option(help=_h("price_growth"))] = 0.0,
    discount: Annotated[float | None, typer.Option(help=_h("discount"))] = None,
    cost_establishment: Annotated[str | None, typer.Option(help=_h("establishment"))] = None,
    cost_management: Annotated[str | None, typer.Option(help=_h("management"))] = None,
    cost_validation: Annotated[str | None, typer.Option(help=_h("validation"))] = None,
    cost_verification: Annotated[str | None, typer.Option(help=_h("verification"))] = None,
    verification_first: Annotated[int | None, typer.Option(help=_h("verification_first"))] = None,
    verification_interval: Annotated[
        int | None, typer.Option(help=_h("verification_interval"))
    ] = None,
    registry_fee: Annotated[str | None, typer.Option(help=_h("registry_fee"))] = None,
    fee_share: Annotated[float | None, typer.Option(help=_h("fee_share"))] = None,
    baseline: Annotated[float, typer.Option(help=_h("baseline"))] = 0.0,
    leakage_share: Annotated[float | None, typer.Option(help=_h("leakage_share"))] = None,
    uncertainty_deduction: Annotated[
        float | None, typer.Option(help=_h("uncertainty_deduction"))
    ] = None,
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
    draws: Annotated[int, typer.Option(help=_h("draws"))] = 0,
    seed: Annotated[int | None, typer.Option(help="Random seed for the Monte Carlo.")] = None,
    price_sd: Annotated[float | None, typer.Option(help=_h("price_sd"))] = None,
    cost_sd: Annotated[float | None, typer.Option(help=_h("cost_sd"))] = None,
    growth_sd: Annotated[float | None, typer.Option(help=_h("growth_sd"))] = None,
    coefficients: Annotated[
        str, typer.Option("--coefficients", "-c", help="Coefficient set.")
    ] = "national",
    nonforest_since: NonforestSince = None,
    min_parcel: MinParcel = None,
    key_zone: KeyZone = None,
    rainfall: Rainfall = None,
    tenure: Tenure = None,
    wetland: Wetland = None,
    economic_forest: EconomicForest = None,
    public_welfare_forest: PublicWelfareForest = None,
    export: Annotated[
        Path | None,
        typer.Option(
            "--export",
            help="Write a project summary (inputs, sources, results, eligibility, yearly table) "
            "to FILE.docx or FILE.xlsx.",
        ),
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of the export: zh | en")] = "zh",
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """Afforestation carbon project: credits issued at verifications, cash flow, NPV, IRR,
    break-even price, per-亩 figures. Every default comes from a sourced coefficient."""
    # every numeric option in range before any work (issue 16); costs with units are parsed
    # (safe unit grammar) and checked where the project reads them
    # (--price is text — a scenario name or a number — and check_carbon_project parses it)
    options = {k: v for k, v in locals().items() if not isinstance(v, str) or k == "price"}
    _check_choice("format", fmt, FORMATS)
    _check_choice("lang", lang, ("zh", "en"))
    try:
        check_carbon_project(options)
    except InputError as exc:
        _fail(str(exc))
    if export is not None:
        if export.suffix.lower() not in (".docx", ".xlsx"):
            _fail(f"--export must end in .docx or .xlsx, not {export.name!r}")
        try:
            check_output_path(export, "--export")
        except InputError as exc:
            _fail(str(exc))
    try:
        from ..coefficients import load_set

        cset = load_set(coefficients)
        defaults = project_defaults(cset, start)
        area_ha = as_hectares(area, "--area", require_unit=True)
        if not np.all(np.asarray(area_ha) > 0):
            raise InputError(Problem("--area", f"area must be > 0, not {area!r}", field="area"))
        check_area_ha(area_ha, "--area")  # finite (1e308 km2 overflows to inf ha)
        price_value: object
        if price_path:
            price_value = _price_path(price_path)
        else:
            try:
                price_value = float(price)
            except ValueError:
                price_value = price
        if not (np.isfinite(baseline) and baseline >= 0):
            raise InputError(
                Problem("--baseline", "baseline removals must be ≥ 0 tCO2e/ha/yr", field="baseline")
            )
        strata = make_strata(area_ha, species, start)
        params = project_growth_parameters(
            cset,
            start,
            [species],
            dead_wood=dead_wood,
            litter=litter,
            growth_uncertainty=bool(draws) and growth_sd is None,
        )
        costs = ProjectCosts(
            establishment=_cost(cost_establishment, defaults["establishment"], "establishment"),
            management=_cost(cost_management, defaults["management"], "management"),
            validation=_cost(cost_validation, defaults["validation"], "validation"),
            verification=_cost(cost_verification, defaults["verification"], "verification"),
            registry_fee=_cost(registry_fee, defaults["registry_fee"], "registry_fee"),
            fee_share=defaults["fee_share"].value if fee_share is None else fee_share,
        )
        schedule = VerificationSchedule(
            first=int(defaults["verification_first"].value)
            if verification_first is None
            else verification_first,
            interval=int(defaults["verification_interval"].value)
            if verification_interval is None
            else verification_interval,
        )
        discount_pct = defaults["discount_pct"].value if discount is None else discount
        result = appraise_project(
            strata,
            start,
            period,
            params,
            price_value,
            price_growth_pct=price_growth,
            discount_pct=discount_pct,
            costs=costs,
            schedule=schedule,
            baseline=baseline * float(np.sum(area_ha)),
            leakage_share=defaults["leakage_share"].value
            if leakage_share is None
            else leakage_share,
            uncertainty_deduction=defaults["uncertainty_deduction"].value
            if uncertainty_deduction is None
            else uncertainty_deduction,
            dead_wood=dead_wood,
            litter=litter,
            calibration=calibration,
            beyond_data="flag" if extrapolate else "raise",
            period_bounds=CREDITING_PERIOD_BOUNDS,
            draws=draws,
            seed=seed,
            price_sd=defaults["price_sd"].value if price_sd is None else price_sd,
            cost_sd=defaults["cost_sd"].value if cost_sd is None else cost_sd,
            growth_sd=growth_sd,
        )
        facts = _facts(
            float(np.sum(area_ha)),
            start,
            period,
            nonforest_since,
            min_parcel,
            key_zone,
            rainfall,
            tenure,
            wetland,
            economic_forest,
            public_welfare_forest,
        )
    except InputError as exc:
        _fail(str(exc))
    out = result.to_dict()
    out["eligibility"] = screen(facts)
    out["eligibility_overall"] = overall(out["eligibility"])
    out["inputs"]["coefficient_set"] = coefficients
    out["inputs"]["growth_curve"] = params.attrs.get("curves", {})
    out["defaults"] = {k: d.as_dict() for k, d in defaults.items()}
    if export is not None:
        from ..carbon.export import summary_docx, summary_xlsx

        build = summary_docx if export.suffix.lower() == ".docx" else summary_xlsx
        atomic_write_bytes(export, build(out, out["defaults"], lang))
        from .common import log_file_export

        log_file_export(export, "carbon project", coefset=coefficients)
        typer.echo(f"wrote {export}", err=True)
    if fmt == "json":
        typer.echo(dumps_json(out, ensure_ascii=False, indent=2))
        return
    _print_project(out, species, start, period, price_growth, discount_pct, draws, seed)
    _print_screen(out["eligibility"])


def _print_project(out, species, start, period, price_growth, discount_pct, draws, seed) -> None:
    inp = out["inputs"]
    typer.echo(
        f"Afforestation project: {inp['area_ha']:,.1f} ha ({inp['area_mu']:,.0f} 亩) {species}, "
        f"planted {start}, crediting {start}–{start + period - 1}; pools: {inp['pools']}"
    )
    typer.echo(
        f"Price: {inp.get('price_scenario', 'supplied')} — {inp['price_basis']}; "
        f"growth {price_growth:g} %/yr; discount {discount_pct:g} %"
    )
    typer.echo(
        "Verifications (credits issued, revenue booked): "
        + ", ".join(map(str, out["verification_years"]))
    )
    typer.echo(
        f"Credited total: {_fmt(out['credited_total_tCO2e'])} tCO2e "
        f"({_fmt(out['credited_total_tCO2e_per_mu'], 2)} t/亩, "
        f"{_fmt(out['credited_total_tCO2e_per_ha'], 1)} t/ha)"
    )
    irr_text = (
        f"{100 * out['irr']:.2f} %"
        if out["irr"] is not None
        else {"no_sign_change": "none (cash flow never changes sign)"}.get(
            out["irr_reason"], "none (no rate between −99 % and 1000 % gives NPV 0)"
        )
    )
    typer.echo(
        f"NPV: {_fmt(out['npv_CNY'], 0)} CNY ({_fmt(out['npv_CNY_per_mu'], 1)} CNY/亩)   "
        f"IRR: {irr_text}   break-even price: "
        f"{_fmt(out['breakeven_price_CNY_per_tCO2e'], 2)} CNY/tCO2e   "
        f"discounted payback: {_fmt(out['discounted_payback_years'], 0)} yr"
    )
    if "npv_p50" in out:
        typer.echo(
            f"Monte Carlo ({draws} draws, seed {seed}): NPV P5 {_fmt(out['npv_p5'], 0)}  "
            f"P50 {_fmt(out['npv_p50'], 0)}  P95 {_fmt(out['npv_p95'], 0)} CNY; credits P5 "
            f"{_fmt(out['credited_total_p5'], 0)}  P50 {_fmt(out['credited_total_p50'], 0)}  "
            f"P95 {_fmt(out['credited_total_p95'], 0)} tCO2e"
        )
    if out.get("years_beyond_growth_data"):
        typer.echo(
            "Warning: ages beyond the growth curve's data in "
            + ", ".join(map(str, out["years_beyond_growth_data"])),
            err=True,
        )
    typer.echo("Price scenarios:")
    for row in out["price_scenarios"]:
        irr_s = "—" if row["irr"] is None else f"{100 * row['irr']:.2f} %"
        typer.echo(
            f"  {row['scenario']:>16}  {row['price_CNY_per_tCO2e']:>9,.2f} CNY/t  NPV "
            f"{_fmt(row['npv_CNY'], 0):>14} CNY  {_fmt(row['npv_CNY_per_mu'], 1):>10} CNY/亩  IRR "
            f"{irr_s}"
        )
    head = [
        "year",
        "credited t",
        "issued t",
        "price CNY/t",
        "revenue CNY",
        "cost CNY",
        "cash flow CNY",
        "cumulative CNY",
    ]
    typer.echo("  ".join(f"{h:>14}" for h in head))
    for i, y in enumerate(out["years"]):
        cells = [
            str(y),
            _fmt(out["credited_tCO2e"][i]),
            _fmt(out["issued_tCO2e"][i]),
            _fmt(out["price_CNY_per_tCO2e"][i], 2),
            _fmt(out["revenue_CNY"][i], 0),
            _fmt(out["cost_CNY"][i], 0),
            _fmt(out["cash_flow_CNY"][i], 0),
            _fmt(out["cumulative_cash_flow_CNY"][i], 0),
        ]
        typer.echo("  ".join(f"{c:>14}" for c in cells))
