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
    discounted_payback,
    irr,
    npv,
)
from .params import check_parameters, project_parameters
from .prices import PRICE_SCENARIOS, price_path, price_path_table
from .project import credited_removals, crediting_years, project_removals

#: Default discount rate [%]: 社会折现率 8 % of 《建设项目经济评价方法与参数》(第三版).
DEFAULT_DISCOUNT_PCT = 8.0
#: Default log-scale standard deviation of the price level in the Monte Carlo [-] (assumption).
DEFAULT_PRICE_SD = 0.3


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
        return price_path_table(years, price), {"price_basis": "year → price table"}
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


@dataclass
class ProjectAppraisal:
    """Result of :func:`appraise_project`.

    ``table`` holds the yearly series (``removals``, ``credited``, ``cumulative``, ``price``,
    ``revenue``, ``cost``, ``cash_flow``) over ``year``; scalars are in CNY, t CO₂e, years.
    """

    table: xr.Dataset
    npv: float
    irr: float
    breakeven_price: float
    discounted_payback: float
    npv_draws: xr.DataArray | None = None
    inputs: dict = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        return [int(y) for y in self.table["year"].values]

    def npv_percentiles(self, q=(5, 50, 95)) -> dict[str, float]:
        if self.npv_draws is None:
            return {}
        values = np.percentile(self.npv_draws.values, q)
        return {f"npv_p{int(p)}": float(v) for p, v in zip(q, values, strict=True)}

    def to_dict(self) -> dict:
        """JSON-ready dict (NaN → None) with the keys the CLI prints."""

        def num(x):
            x = float(x)
            return None if math.isnan(x) or math.isinf(x) else x

        def series(name):
            return [num(v) for v in self.table[name].values]

        out = {
            "years": self.years,
            "removals_tCO2e": series("removals"),
            "credited_tCO2e": series("credited"),
            "cumulative_tCO2e": series("cumulative"),
            "price_CNY_per_tCO2e": series("price"),
            "revenue_CNY": series("revenue"),
            "cost_CNY": series("cost"),
            "cash_flow_CNY": series("cash_flow"),
            "npv_CNY": num(self.npv),
            "irr": num(self.irr),
            "breakeven_price_CNY_per_tCO2e": num(self.breakeven_price),
            "discounted_payback_years": num(self.discounted_payback),
        }
        if "beyond_data" in self.table:
            flagged = [
                y for y, f in zip(self.years, self.table["beyond_data"].values, strict=True) if f
            ]
            out["years_beyond_growth_data"] = flagged
        out.update({k: num(v) for k, v in self.npv_percentiles().items()})
        out["inputs"] = self.inputs
        return out


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
    baseline=0.0,
    leakage=0.0,
    project_emissions=0.0,
    uncertainty_deduction=0.0,
    dead_wood: bool = False,
    litter: bool = False,
    calibration: float = 1.0,
    beyond_data: str = "raise",
    draws: int = 0,
    seed: int | None = None,
    price_sd: float = DEFAULT_PRICE_SD,
    growth_sd: float | None = None,
) -> ProjectAppraisal:
    r"""Credits, cash flow and financial indicators of an afforestation carbon project.

    Parameters
    ----------
    strata : xarray.Dataset
        Planted strata (:func:`gep.carbon.project.make_strata`): area [ha], species,
        planting year.
    start : int
        First crediting year [yr].
    period : int
        Crediting period [yr] (CCER-14-001-V01 projects are being registered with 40 years).
    params : xarray.Dataset
        Species parameters (:func:`gep.carbon.params.project_parameters`; ``richards_a_se``
        too for the Monte Carlo unless ``growth_sd`` is given).
    price : str, numeric, quantity, mapping or xarray.DataArray
        Carbon price [CNY t CO₂e⁻¹] or scenario name (:func:`resolve_price`).
    price_growth_pct : float, default 0
        Annual growth of a constant price [%].
    discount_pct : float, default 8
        Discount rate [%] (社会折现率 8 %, 《建设项目经济评价方法与参数》第三版).
    costs : ProjectCosts, optional
        Establishment [CNY ha⁻¹], management [CNY ha⁻¹ yr⁻¹], validation and verification
        [CNY], fee share [-]; default all zero.
    baseline, leakage, project_emissions : numeric
        [t CO₂e yr⁻¹] for the whole project (scalars or over ``year``).
    uncertainty_deduction : float, default 0
        Share of net removals withheld [-].
    dead_wood, litter : bool
        Select the dead-wood / litter pools.
    calibration : float, default 1
        Local calibration factor on the growth asymptote.
    beyond_data : {'raise', 'flag'}
        Ages older than the growth data: refuse or compute and flag.
    draws : int, default 0
        Monte Carlo draws (0 = none).
    seed : int, optional
        Seed of :func:`numpy.random.default_rng`.
    price_sd : float, default 0.3
        Log-scale sd σ_P of the price level: each draw multiplies the whole path by
        :math:`e^{\sigma_P Z}` (median 1) [-] — an assumption, not a market estimate.
    growth_sd : float, optional
        Relative sd of the growth asymptote ``a`` [-]; default: the fit's standard error
        ``richards_a_se`` [t C ha⁻¹]. One normal draw per species and draw, truncated at 0.

    Returns
    -------
    ProjectAppraisal

    Notes
    -----
    NPV is linear in the price path :math:`P_i = p\,s_i`, so the break-even price is
    :math:`p^* = PV(K) / [(1 - s_f)\,PV(ER \cdot s)]` (:func:`~gep.carbon.finance.breakeven_price`);
    for a growing path it is the first-year price of the scaled path.
    """
    costs = costs or ProjectCosts()
    years = crediting_years(start, period)
    path, price_info = resolve_price(price, years, price_growth_pct)
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
    credited = credited_removals(rem["removals"], **credit_kwargs)
    areas = area_schedule(strata, years)
    cost = cost_schedule(years, areas["planted"], areas["new"], costs)
    flows = cash_flow(credited, path, cost, costs.fee_share)
    first_price = float(path.isel(year=0))
    if first_price <= 0:
        raise InputError(
            Problem("<input>", "the first-year carbon price must be positive", field="price")
        )
    table = xr.Dataset(
        {
            "removals": rem["removals"],
            "credited": credited,
            "cumulative": credited.cumsum("year"),
            "price": path,
            "revenue": flows["revenue"],
            "cost": flows["cost"],
            "cash_flow": flows["cash_flow"],
            "beyond_data": rem["beyond_data"].any("stratum"),
        }
    )
    result = ProjectAppraisal(
        table=table,
        npv=float(npv(flows["cash_flow"], discount_pct)),
        irr=irr(flows["cash_flow"].values),
        breakeven_price=float(
            breakeven_price(credited, cost, discount_pct, costs.fee_share, path / first_price)
        ),
        discounted_payback=float(discounted_payback(flows["cash_flow"], discount_pct)),
    )
    inputs = {
        "area_ha": float(strata["area"].sum()),
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
        "costs": {
            k: (int(v) if k == "verification_interval" else float(v))
            for k, v in costs.__dict__.items()
        },
        **price_info,
    }
    if draws:
        result.npv_draws = monte_carlo_npv(
            strata,
            years,
            params,
            path,
            costs,
            discount_pct,
            draws=draws,
            seed=seed,
            price_sd=price_sd,
            growth_sd=growth_sd,
            dead_wood=dead_wood,
            litter=litter,
            calibration=calibration,
            **credit_kwargs,
        )
        inputs["monte_carlo"] = {
            "draws": int(draws),
            "seed": seed,
            "price_sd": float(price_sd),
            "growth_sd": "richards_a_se" if growth_sd is None else float(growth_sd),
        }
    result.inputs = inputs
    return result


def monte_carlo_npv(
    strata: xr.Dataset,
    years,
    params: xr.Dataset,
    prices: xr.DataArray,
    costs: ProjectCosts,
    discount_pct: float,
    *,
    draws: int,
    seed: int | None = None,
    price_sd: float = DEFAULT_PRICE_SD,
    growth_sd: float | None = None,
    dead_wood: bool = False,
    litter: bool = False,
    calibration: float = 1.0,
    **credit_kwargs,
) -> xr.DataArray:
    r"""NPV [CNY] over ``draw`` under price-level and growth uncertainty, in one vectorized pass.

    Draws (``numpy.random.default_rng(seed)``): price factor :math:`e^{\sigma_P Z_P}` on the
    whole path; growth asymptote :math:`a_d = \max(a + \sigma_a Z_a, 0)` per species, with
    :math:`\sigma_a` = ``growth_sd · a`` or the fit's standard error ``richards_a_se``. The
    ``draw`` dimension broadcasts through the same functions as the deterministic run; ages
    beyond the growth data are not re-checked here (the deterministic run checks them).

    Parameters
    ----------
    strata : xarray.Dataset
        Planted strata (:func:`gep.carbon.project.make_strata`).
    years : array_like of int
        Crediting years.
    params : xarray.Dataset
        Species parameters (with ``richards_a_se`` [t C ha⁻¹] unless ``growth_sd`` is given).
    prices : xarray.DataArray
        Central price path over ``year`` [CNY t CO₂e⁻¹].
    costs : ProjectCosts
    discount_pct : float
        Discount rate [%].
    draws : int
        Number of draws.
    seed : int, optional
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same draws.
    price_sd : float
        Log-scale sd of the price level [-].
    growth_sd : float, optional
        Relative sd of ``a`` [-]; default the fit's standard error.
    dead_wood, litter, calibration, **credit_kwargs
        As in :func:`appraise_project`.

    Returns
    -------
    xarray.DataArray
        NPV [CNY] over ``draw``.
    """
    draws = int(draws)
    if draws < 1:
        raise InputError(Problem("<input>", "draws must be ≥ 1", field="draws"))
    species = sorted({str(s) for s in strata["species"].values})
    names = project_parameters(
        dead_wood=dead_wood, litter=litter, growth_uncertainty=growth_sd is None
    )
    p = check_parameters(params, species, names)
    rng = np.random.default_rng(seed)
    z_price = rng.standard_normal(draws)
    z_growth = rng.standard_normal((len(species), draws))
    draw = np.arange(draws)
    price_factor = xr.DataArray(np.exp(price_sd * z_price), dims=["draw"], coords={"draw": draw})
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
    credited = credited_removals(rem["removals"], **credit_kwargs)
    areas = area_schedule(strata, years)
    cost = cost_schedule(years, areas["planted"], areas["new"], costs)
    flows = cash_flow(credited, prices * price_factor, cost, costs.fee_share)
    out = npv(flows["cash_flow"], discount_pct)
    out.name = "npv"
    out.attrs = {
        "units": "CNY",
        "seed": "none" if seed is None else int(seed),
        "price_sd": float(price_sd),
    }
    return out
