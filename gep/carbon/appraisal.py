"""Afforestation carbon project appraisal: credits → cash flow → NPV, IRR, break-even price,
discounted payback, and a seeded, vectorized Monte Carlo over price and growth.

This module composes the pure functions of :mod:`gep.carbon.project`,
:mod:`gep.carbon.prices` and :mod:`gep.carbon.finance`; it does no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from ..errors import InputError, Problem
from ._units import magnitude
from .finance import (
    ProjectCosts,
    breakeven_price,
    cash_flow,
    cost_schedule,
    discount_factors,
    discounted_payback,
    irr_with_reason,
    npv,
)
from .issuance import VerificationSchedule, issued_credits, verification_mask
from .params import check_parameters
from .prices import PRICE_SCENARIOS, price_path, price_path_table
from .project import credited_removals, crediting_years, project_removals

#: Default discount rate [%]: 社会折现率 8 % of 《建设项目经济评价方法与参数》(第三版).
DEFAULT_DISCOUNT_PCT = 8.0
#: Default log-scale standard deviation of the price level in the Monte Carlo [-] (assumption;
#: the CLI and the app take it from ``carbon.project.price_sd``).
DEFAULT_PRICE_SD = 0.3
#: Most Monte Carlo draws accepted (memory: draws × years × strata floats).
MAX_DRAWS = 100_000
#: 亩 per hectare (1 亩 = 10000/15 m², exactly).
MU_PER_HA = 15.0


def area_schedule(strata: xr.Dataset, years) -> xr.Dataset:
    """Planted area (by year end) and newly established area per crediting year [ha].

    Strata planted before the first crediting year count as established in that year (their
    establishment cost is booked at the start of the project).
    """
    years = np.asarray(years, dtype=int)
    y = xr.DataArray(years, dims=["year"], coords={"year": years})
    area = strata["area"]
    planted = (area * (strata["planting_year"] <= y)).sum("stratum")
    established_in = np.maximum(strata["planting_year"], years[0])
    new = (area * (established_in == y)).sum("stratum")
    return xr.Dataset({"planted": planted, "new": new})


def resolve_price(price, years, growth_pct=0.0) -> tuple[xr.DataArray, dict]:
    """A price path over ``years`` [CNY t CO₂e⁻¹] and a description of where it came from.

    ``price`` may be a scenario name (:data:`~gep.carbon.prices.PRICE_SCENARIOS`), a number
    [CNY t CO₂e⁻¹], a quantity or string with units (``"70 CNY/tCO2e"``), a ``{year: price}``
    table, or a DataArray over ``year``. Constant prices grow at ``growth_pct`` per year.
    """
    years = np.asarray(years, dtype=int)
    info: dict = {}
    if isinstance(price, str) and price.strip() in PRICE_SCENARIOS:
        scenario = PRICE_SCENARIOS[price.strip()]
        info = {
            "price_scenario": scenario.name,
            "price_basis": scenario.basis,
            "price_source": scenario.source,
            "price_status": scenario.status,
            "price_year": scenario.price_year,
        }
        price = scenario.price
    if isinstance(price, Mapping):
        if growth_pct:
            raise InputError(
                Problem(
                    "<input>",
                    "a price table cannot be combined with a growth rate",
                    field="price_growth",
                )
            )
        listed = {int(k) for k in price}
        missing = [int(y) for y in years if int(y) not in listed]
        if missing:
            raise InputError(
                Problem(
                    "<input>",
                    f"the price path covers {min(listed)}–{max(listed)} but the crediting period "
                    f"runs {int(years[0])}–{int(years[-1])}; no price for "
                    f"{_year_ranges(missing)} (a path must give every crediting year)",
                    field="price_path",
                )
            )
        return price_path_table(years, price), {"price_basis": "price path supplied (year → price)"}
    if isinstance(price, xr.DataArray) and "year" in price.dims:
        missing = sorted(set(years.tolist()) - {int(y) for y in price["year"].values})
        if missing:
            raise InputError(
                Problem(
                    "<input>",
                    f"price path has no value for {', '.join(map(str, missing))}",
                    field="price",
                )
            )
        path = magnitude(price, "CNY / tCO2e", "price").sel(year=years)
        return path, {"price_basis": "price path supplied"}
    if isinstance(price, str) and not info:
        try:
            level = magnitude(price, "CNY / tCO2e", "price")
        except InputError:
            raise InputError(
                Problem(
                    "<input>",
                    f"price {price!r} is neither a number with a unit nor a "
                    f"scenario ({', '.join(PRICE_SCENARIOS)})",
                    field="price",
                )
            ) from None
    else:
        level = magnitude(price, "CNY / tCO2e", "price")
    info.setdefault("price_basis", "constant price supplied")
    info["price_growth_pct"] = float(growth_pct)
    return price_path(years, level, growth_pct), info


def _year_ranges(years: list[int]) -> str:
    out, run = [], [years[0]]
    for y in years[1:]:
        if y == run[-1] + 1:
            run.append(y)
        else:
            out.append(run)
            run = [y]
    out.append(run)
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in out)


@dataclass
class ProjectAppraisal:
    """Result of :func:`appraise_project`.

    ``table`` holds the yearly series over ``year``: ``removals``, ``credited``,
    ``cumulative`` [t CO₂e], ``verification`` (bool), ``issued``, ``cumulative_issued``
    [t CO₂e], ``price`` [CNY t CO₂e⁻¹], ``revenue``, ``cost`` and its parts ``cost_*``,
    ``cash_flow``, ``cumulative_cash_flow``, ``discounted_cumulative`` [CNY]. Scalars are in
    CNY, t CO₂e, years; ``area_ha`` is the project area used for the per-area figures.
    """

    table: xr.Dataset
    npv: float
    irr: float
    breakeven_price: float
    discounted_payback: float
    area_ha: float = float("nan")
    irr_reason: str = ""
    npv_draws: xr.DataArray | None = None
    credit_draws: xr.DataArray | None = None
    sensitivity: list[dict] = field(default_factory=list)
    scenarios: list[dict] = field(default_factory=list)
    inputs: dict = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        return [int(y) for y in self.table["year"].values]

    def npv_percentiles(self, q=(5, 50, 95)) -> dict[str, float]:
        out: dict[str, float] = {}
        if self.npv_draws is not None:
            values = np.percentile(self.npv_draws.values, q)
            out.update({f"npv_p{int(p)}": float(v) for p, v in zip(q, values, strict=True)})
        if self.credit_draws is not None:
            values = np.percentile(self.credit_draws.values, q)
            out.update(
                {f"credited_total_p{int(p)}": float(v) for p, v in zip(q, values, strict=True)}
            )
        return out

    def to_dict(self) -> dict:
        """JSON-ready dict (NaN → None): totals, per-ha and per-亩 figures, yearly series."""

        def num(x):
            x = float(x)
            return None if math.isnan(x) or math.isinf(x) else x

        def series(name, scale=1.0):
            return [num(v * scale) for v in self.table[name].values]

        per = {"per_ha": 1.0 / self.area_ha, "per_mu": 1.0 / (self.area_ha * MU_PER_HA)}
        t = self.table
        totals = {
            "credited_total_tCO2e": float(t["credited"].sum()),
            "issued_total_tCO2e": float(t["issued"].sum()),
            "revenue_total_CNY": float(t["revenue"].sum()),
            "cost_total_CNY": float(t["cost"].sum()),
            "npv_CNY": self.npv,
        }
        out: dict = {
            "years": self.years,
            "area_ha": num(self.area_ha),
            "area_mu": num(self.area_ha * MU_PER_HA),
            "verification_years": [
                y for y, v in zip(self.years, t["verification"].values, strict=True) if v
            ],
            "removals_tCO2e": series("removals"),
            "credited_tCO2e": series("credited"),
            "cumulative_tCO2e": series("cumulative"),
            "issued_tCO2e": series("issued"),
            "cumulative_issued_tCO2e": series("cumulative_issued"),
            "price_CNY_per_tCO2e": series("price"),
            "revenue_CNY": series("revenue"),
            "cost_CNY": series("cost"),
            "cost_components_CNY": {
                name.removeprefix("cost_"): series(name)
                for name in t.data_vars
                if name.startswith("cost_")
            },
            "cash_flow_CNY": series("cash_flow"),
            "cumulative_cash_flow_CNY": series("cumulative_cash_flow"),
            "discounted_cumulative_CNY": series("discounted_cumulative"),
            "irr": num(self.irr),
            "irr_reason": self.irr_reason,
            "breakeven_price_CNY_per_tCO2e": num(self.breakeven_price),
            "discounted_payback_years": num(self.discounted_payback),
        }
        for key, value in totals.items():
            out[key] = num(value)
            for suffix, f in per.items():
                out[
                    f"{key.removesuffix('_CNY').removesuffix('_tCO2e')}_{_unit_of(key)}_{suffix}"
                ] = num(value * f)
        for suffix, f in per.items():
            for name, key in (
                ("credited", "credited_tCO2e"),
                ("cumulative", "cumulative_tCO2e"),
                ("issued", "issued_tCO2e"),
                ("revenue", "revenue_CNY"),
                ("cost", "cost_CNY"),
                ("cash_flow", "cash_flow_CNY"),
            ):
                out[f"{key}_{suffix}"] = series(name, f)
        if "beyond_data" in t:
            out["years_beyond_growth_data"] = [
                y for y, f in zip(self.years, t["beyond_data"].values, strict=True) if f
            ]
        for key, value in self.npv_percentiles().items():
            out[key] = num(value)
            for suffix, f in per.items():
                base = "npv" if key.startswith("npv") else "credited_total"
                unit = "CNY" if base == "npv" else "tCO2e"
                out[f"{base}_{unit}_{suffix}_{key.split('_')[-1]}"] = num(value * f)
        out["price_sensitivity"] = [{k: num(v) for k, v in row.items()} for row in self.sensitivity]
        out["price_scenarios"] = [
            {k: (num(v) if isinstance(v, float) else v) for k, v in row.items()}
            for row in self.scenarios
        ]
        out["inputs"] = self.inputs
        return out


def _unit_of(key: str) -> str:
    return "CNY" if key.endswith("_CNY") else "tCO2e"


def issuance_cash_flow(
    strata, years, credited, path, costs, schedule
) -> tuple[xr.DataArray, xr.Dataset, xr.Dataset]:
    """Issued credits [t CO₂e], cost parts [CNY] and the cash flow [CNY] over ``year``.

    ``credited`` [t CO₂e yr⁻¹] is issued at the verification events of ``schedule``
    (:func:`gep.carbon.issuance.issued_credits`); revenue is issued × price × (1 − fee share);
    costs by phase follow :func:`gep.carbon.finance.cost_schedule`.
    """
    mask = verification_mask(len(years), schedule)
    issued = issued_credits(credited, mask)
    areas = area_schedule(strata, years)
    i = np.arange(len(years))
    coords = {"year": years}
    parts = xr.Dataset(
        {
            "cost_establishment": costs.establishment * areas["new"],
            "cost_management": costs.management * areas["planted"],
            "cost_validation": xr.DataArray(
                costs.validation * (i == 0), dims=["year"], coords=coords
            ),
            "cost_verification": xr.DataArray(
                costs.verification * mask, dims=["year"], coords=coords
            ),
            "cost_registry": costs.registry_fee * np.maximum(issued, 0.0),
        }
    )
    cost = cost_schedule(years, areas["planted"], areas["new"], costs, mask, issued)
    flows = cash_flow(issued, path, cost, costs.fee_share)
    return issued, parts, flows


def check_period(period: int, bounds: tuple[int, int] | None) -> None:
    """Refuse a crediting period outside ``bounds`` (inclusive) [yr]."""
    if bounds is None:
        return
    low, high = bounds
    if not low <= int(period) <= high:
        raise InputError(
            Problem(
                "<input>",
                f"crediting period {int(period)} yr is outside the methodology's bounds "
                f"{low}–{high} yr",
                field="period",
            )
        )


def appraise_project(
    strata: xr.Dataset,
    start: int,
    period: int,
    params: xr.Dataset,
    price,
    *,
    price_growth_pct: float = 0.0,
    discount_pct: float = DEFAULT_DISCOUNT_PCT,
    costs: ProjectCosts | None = None,
    schedule: VerificationSchedule | None = None,
    baseline=0.0,
    leakage=0.0,
    leakage_share: float = 0.0,
    project_emissions=0.0,
    uncertainty_deduction=0.0,
    dead_wood: bool = False,
    litter: bool = False,
    calibration: float = 1.0,
    beyond_data: str = "raise",
    period_bounds: tuple[int, int] | None = None,
    draws: int = 0,
    seed: int | None = None,
    price_sd: float = DEFAULT_PRICE_SD,
    growth_sd: float | None = None,
    cost_sd: float = 0.0,
    sensitivity_prices=None,
    scenario_prices: Mapping[str, float] | None = None,
) -> ProjectAppraisal:
    r"""Credits, issuance, cash flow and financial indicators of an afforestation carbon project.

    Parameters
    ----------
    strata : xarray.Dataset
        Planted strata (:func:`gep.carbon.project.make_strata`): area [ha], species,
        planting year.
    start : int
        First crediting year [yr] (project year 1).
    period : int
        Crediting period [yr].
    params : xarray.Dataset
        Species parameters (:func:`gep.carbon.params.project_parameters`; ``richards_a_se``
        too for the Monte Carlo unless ``growth_sd`` is given).
    price : str, numeric, quantity, mapping or xarray.DataArray
        Carbon price [CNY t CO₂e⁻¹] or scenario name (:func:`resolve_price`); a mapping is a
        path and must give every crediting year.
    price_growth_pct : float, default 0
        Annual growth of a constant price [%].
    discount_pct : float, default 8
        Discount rate [%].
    costs : ProjectCosts, optional
        Costs by phase and fees (CLI/app: sourced defaults from ``carbon.project.*``).
    schedule : VerificationSchedule, optional
        Verification (issuance) events; default first = interval =
        ``costs.verification_interval``.
    baseline, leakage, project_emissions : numeric
        [t CO₂e yr⁻¹] for the whole project (scalars or over ``year``).
    leakage_share : float, default 0
        Leakage as a share of net removals [-] (AR-CM-001-V01: 0).
    uncertainty_deduction : float, default 0
        Share of net removals withheld [-].
    dead_wood, litter : bool
        Select the dead-wood / litter pools.
    calibration : float, default 1
        Local calibration factor on the growth asymptote.
    beyond_data : {'raise', 'flag'}
        Ages older than the growth data: refuse or compute and flag.
    period_bounds : (int, int), optional
        Inclusive bounds on ``period`` [yr]; outside them → :class:`InputError` (field
        ``period``).
    draws : int, default 0
        Monte Carlo draws (0 = none).
    seed : int, optional
        Seed of :func:`numpy.random.default_rng`.
    price_sd, cost_sd : float
        Log-scale sd of the price level / of all costs [-]; each draw multiplies the whole
        path (all costs) by :math:`e^{\sigma Z}` (median 1).
    growth_sd : float, optional
        Relative sd of the growth asymptote ``a`` [-]; default: the fit's standard error.
    sensitivity_prices : array_like, optional
        Price levels [CNY t CO₂e⁻¹] for the NPV-vs-price curve (default: 0 to twice the larger
        of the break-even and first-year prices, 21 points).
    scenario_prices : mapping, optional
        ``{name: first-year price}`` for the scenario table (default: every named scenario
        in :data:`~gep.carbon.prices.PRICE_SCENARIOS`).

    Returns
    -------
    ProjectAppraisal

    Notes
    -----
    Credited removals :math:`ER_t = (\Delta C_P - GHG_E - \Delta C_{BSL} - LK)(1 - u)(1 - l)`;
    issued credits :math:`I_t` (:func:`gep.carbon.issuance.issued_credits`); cash flow
    :math:`CF_t = I_t P_t (1 - s_f) - K_t`. NPV is linear in the price path
    :math:`P_t = p\,s_t`, so :math:`NPV(p) = p\,(1 - s_f) PV(I s) - PV(K)` and the break-even
    price is :math:`p^* = PV(K) / [(1 - s_f)\,PV(I s)]`.
    """
    costs = costs or ProjectCosts()
    schedule = schedule or VerificationSchedule(
        max(costs.verification_interval, 3), costs.verification_interval
    )
    check_period(period, period_bounds)
    if not (np.isfinite(float(discount_pct)) and -100 < float(discount_pct) <= 100):
        raise InputError(
            Problem("<input>", "discount rate must be in (−100, 100] %", field="discount")
        )
    if int(draws) < 0 or int(draws) > MAX_DRAWS:
        raise InputError(
            Problem("<input>", f"draws must be 0–{MAX_DRAWS:,}, not {draws}", field="draws")
        )
    for name, value in (("price_sd", price_sd), ("cost_sd", cost_sd)):
        if not (np.isfinite(float(value)) and 0 <= float(value) <= 3):
            raise InputError(Problem("<input>", f"{name} must be in [0, 3]", field=name))
    years = crediting_years(start, period)
    path, price_info = resolve_price(price, years, price_growth_pct)
    first_price = float(path.isel(year=0))
    if first_price <= 0:
        raise InputError(
            Problem("<input>", "the first-year carbon price must be positive", field="price")
        )
    lshare = float(magnitude(leakage_share, "dimensionless", "leakage_share"))
    if not 0 <= lshare < 1:
        raise InputError(
            Problem("<input>", "leakage share must be in [0, 1)", field="leakage_share")
        )
    credit_kwargs = {
        "baseline": baseline,
        "leakage": leakage,
        "project_emissions": project_emissions,
        "uncertainty_deduction": uncertainty_deduction,
    }
    rem = project_removals(
        strata,
        years,
        params,
        dead_wood=dead_wood,
        litter=litter,
        calibration=calibration,
        beyond_data=beyond_data,
    )
    credited = credited_removals(rem["removals"], **credit_kwargs) * (1 - lshare)
    issued, parts, flows = issuance_cash_flow(strata, years, credited, path, costs, schedule)
    factors = discount_factors(years, discount_pct)
    table = xr.Dataset(
        {
            "removals": rem["removals"],
            "credited": credited,
            "cumulative": credited.cumsum("year"),
            "verification": xr.DataArray(
                verification_mask(len(years), schedule), dims=["year"], coords={"year": years}
            ),
            "issued": issued,
            "cumulative_issued": issued.cumsum("year"),
            "price": path,
            "revenue": flows["revenue"],
            "cost": flows["cost"],
            **parts.data_vars,
            "cash_flow": flows["cash_flow"],
            "cumulative_cash_flow": flows["cash_flow"].cumsum("year"),
            "discounted_cumulative": (flows["cash_flow"] * factors).cumsum("year"),
            "beyond_data": rem["beyond_data"].any("stratum"),
        }
    )
    rate, reason = irr_with_reason(flows["cash_flow"].values)
    shape = path / first_price
    area_ha = float(strata["area"].sum())
    if not area_ha > 0:
        raise InputError(Problem("<input>", "project area must be > 0", field="area"))
    result = ProjectAppraisal(
        table=table,
        npv=float(npv(flows["cash_flow"], discount_pct)),
        irr=rate,
        irr_reason=reason,
        breakeven_price=float(
            breakeven_price(issued, flows["cost"], discount_pct, costs.fee_share, shape)
        ),
        discounted_payback=float(discounted_payback(flows["cash_flow"], discount_pct)),
        area_ha=area_ha,
    )
    # NPV(p) = p·A − B, exactly (linear in the price level)
    pv_unit = float((issued * shape * (1 - costs.fee_share) * factors).sum())
    pv_cost = float((flows["cost"] * factors).sum())
    if sensitivity_prices is None:
        top = 2 * max(
            first_price, result.breakeven_price if np.isfinite(result.breakeven_price) else 0
        )
        sensitivity_prices = np.linspace(0, top, 21)
    result.sensitivity = [
        {"price_CNY_per_tCO2e": float(p), "npv_CNY": float(p) * pv_unit - pv_cost}
        for p in np.asarray(sensitivity_prices, dtype=float)
    ]
    if scenario_prices is None:
        scenario_prices = {k: v.price for k, v in PRICE_SCENARIOS.items()}
    rows = []
    for name, level in scenario_prices.items():
        flow = issued * shape * float(level) * (1 - costs.fee_share) - flows["cost"]
        scen_irr, scen_reason = irr_with_reason(flow.values)
        scen_npv = float(level) * pv_unit - pv_cost
        rows.append(
            {
                "scenario": name,
                "zh": PRICE_SCENARIOS[name].zh if name in PRICE_SCENARIOS else name,
                "price_CNY_per_tCO2e": float(level),
                "revenue_total_CNY": float((issued * shape * float(level)).sum()),
                "npv_CNY": scen_npv,
                "npv_CNY_per_mu": scen_npv / (area_ha * MU_PER_HA),
                "npv_CNY_per_ha": scen_npv / area_ha,
                "irr": scen_irr,
                "irr_reason": scen_reason,
            }
        )
    result.scenarios = rows
    inputs = {
        "area_ha": area_ha,
        "area_mu": area_ha * MU_PER_HA,
        "species": sorted({str(s) for s in strata["species"].values}),
        "planting_years": sorted({int(y) for y in strata["planting_year"].values}),
        "start": int(start),
        "period": int(period),
        "discount_pct": float(discount_pct),
        "pools": rem.attrs["pools"],
        "calibration": float(calibration),
        "uncertainty_deduction": float(
            magnitude(uncertainty_deduction, "dimensionless", "uncertainty_deduction")
        ),
        "leakage_share": lshare,
        "baseline_tCO2e_per_year": float(baseline)
        if np.ndim(baseline) == 0
        else "yearly series supplied",
        "verification_first": int(schedule.first),
        "verification_interval": int(schedule.interval),
        "costs": {
            k: (int(v) if k == "verification_interval" else float(v))
            for k, v in costs.__dict__.items()
            if k != "verification_interval"
        },
        **price_info,
    }
    if draws:
        mc = monte_carlo(
            strata,
            years,
            params,
            path,
            costs,
            discount_pct,
            schedule=schedule,
            draws=draws,
            seed=seed,
            price_sd=price_sd,
            growth_sd=growth_sd,
            cost_sd=cost_sd,
            dead_wood=dead_wood,
            litter=litter,
            calibration=calibration,
            leakage_share=lshare,
            **credit_kwargs,
        )
        result.npv_draws = mc["npv"]
        result.credit_draws = mc["credited_total"]
        inputs["monte_carlo"] = {
            "draws": int(draws),
            "seed": seed,
            "price_sd": float(price_sd),
            "cost_sd": float(cost_sd),
            "growth_sd": "richards_a_se" if growth_sd is None else float(growth_sd),
        }
    result.inputs = inputs
    return result


def monte_carlo(
    strata: xr.Dataset,
    years,
    params: xr.Dataset,
    prices: xr.DataArray,
    costs: ProjectCosts,
    discount_pct: float,
    *,
    schedule: VerificationSchedule | None = None,
    draws: int,
    seed: int | None = None,
    price_sd: float = DEFAULT_PRICE_SD,
    growth_sd: float | None = None,
    cost_sd: float = 0.0,
    dead_wood: bool = False,
    litter: bool = False,
    calibration: float = 1.0,
    leakage_share: float = 0.0,
    **credit_kwargs,
) -> xr.Dataset:
    r"""NPV [CNY] and total credits [t CO₂e] over ``draw``, in one vectorized pass.

    Draws (``numpy.random.default_rng(seed)``, in this order): price factor
    :math:`e^{\sigma_P Z_P}` on the whole path; growth asymptote
    :math:`a_d = \max(a + \sigma_a Z_a, 0)` per species, with :math:`\sigma_a` =
    ``growth_sd · a`` or the fit's standard error ``richards_a_se`` (for a yield-table curve
    the whole table is scaled by :math:`a_d / a`); cost factor :math:`e^{\sigma_K Z_K}` on
    every cost line. The ``draw`` dimension broadcasts through the same functions as the
    deterministic run; ages beyond the growth data are not re-checked here.

    Returns
    -------
    xarray.Dataset
        ``npv`` [CNY] and ``credited_total`` [t CO₂e] over ``draw``.
    """
    draws = int(draws)
    if draws < 1:
        raise InputError(Problem("<input>", "draws must be ≥ 1", field="draws"))
    schedule = schedule or VerificationSchedule(
        max(costs.verification_interval, 3), costs.verification_interval
    )
    species = sorted({str(s) for s in strata["species"].values})
    names = ["richards_a"] + (["richards_a_se"] if growth_sd is None else [])
    check_parameters(params, species, names)  # the rest is checked by project_removals
    p = params.sel(species=species)
    rng = np.random.default_rng(seed)
    z_price = rng.standard_normal(draws)
    z_growth = rng.standard_normal((len(species), draws))
    z_cost = rng.standard_normal(draws)
    draw = np.arange(draws)
    price_factor = xr.DataArray(np.exp(price_sd * z_price), dims=["draw"], coords={"draw": draw})
    cost_factor = xr.DataArray(np.exp(cost_sd * z_cost), dims=["draw"], coords={"draw": draw})
    a = p["richards_a"]
    sd = p["richards_a_se"] if growth_sd is None else growth_sd * a
    z = xr.DataArray(z_growth, dims=["species", "draw"], coords={"species": species, "draw": draw})
    p = p.assign(richards_a=np.maximum(a + sd * z, 0.0))
    rem = project_removals(
        strata,
        years,
        p,
        dead_wood=dead_wood,
        litter=litter,
        calibration=calibration,
        beyond_data="flag",
    )
    credited = credited_removals(rem["removals"], **credit_kwargs) * (1 - leakage_share)
    mask = verification_mask(len(years), schedule)
    issued = issued_credits(credited, mask)
    areas = area_schedule(strata, years)
    cost = cost_schedule(years, areas["planted"], areas["new"], costs, mask, issued) * cost_factor
    flows = cash_flow(issued, prices * price_factor, cost, costs.fee_share)
    out_npv = npv(flows["cash_flow"], discount_pct)
    out_npv.attrs = {
        "units": "CNY",
        "seed": "none" if seed is None else int(seed),
        "price_sd": float(price_sd),
        "cost_sd": float(cost_sd),
    }
    total = credited.sum("year")
    total.attrs = {"units": "tCO2e"}
    return xr.Dataset({"npv": out_npv, "credited_total": total})


def monte_carlo_npv(*args, **kwargs) -> xr.DataArray:
    """NPV [CNY] over ``draw`` (:func:`monte_carlo`'s ``npv``)."""
    out = monte_carlo(*args, **kwargs)["npv"]
    out.name = "npv"
    return out
