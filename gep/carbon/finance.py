"""Project finance for carbon-sink projects: costs, cash flow, NPV, IRR, break-even price, payback.

Conventions: money in CNY at the prices of the path supplied (no inflation adjustment is
applied); the first crediting year is year 0 and is not discounted, year *i* is discounted by
:math:`(1 + r)^{-i}` (as in the InVEST carbon valuation); revenue is booked in the year the
credits are issued (:mod:`gep.carbon.issuance`), costs in the year they are paid. All
functions broadcast over extra dimensions such as ``draw``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from ..errors import InputError, Problem
from ._units import magnitude


@dataclass(frozen=True)
class ProjectCosts:
    """Project costs and fees. Quantities in other units are converted on creation.

    Attributes
    ----------
    establishment : float
        Establishment (planting) cost [CNY ha⁻¹], paid once in the planting year (or the
        first crediting year for strata planted earlier).
    management : float
        Management and protection cost [CNY ha⁻¹ yr⁻¹] on all planted area.
    validation : float
        Project design and validation / registration cost [CNY], paid once in the first year.
    verification : float
        Cost of one monitoring-and-verification event [CNY].
    verification_interval : int
        Years between verifications; used only when no
        :class:`~gep.carbon.issuance.VerificationSchedule` is given (then the first
        verification is in the same project year as the interval).
    fee_share : float
        Trading fees as a share of carbon revenue [-], 0 ≤ s < 1.
    registry_fee : float
        Registry / issuance fee per tonne issued [CNY t CO₂e⁻¹].

    Defaults are zero only for the pure functions; the CLI and the app take every default
    from the sourced coefficients ``carbon.project.*`` (:func:`gep.carbon.costs.project_defaults`).
    """

    establishment: float = 0.0
    management: float = 0.0
    validation: float = 0.0
    verification: float = 0.0
    verification_interval: int = 5
    fee_share: float = 0.0
    registry_fee: float = 0.0

    def __post_init__(self):
        conv = {
            "establishment": "CNY / hectare",
            "management": "CNY / hectare / year",
            "validation": "CNY",
            "verification": "CNY",
            "fee_share": "dimensionless",
            "registry_fee": "CNY / tCO2e",
        }
        for name, unit in conv.items():
            object.__setattr__(
                self, name, float(magnitude(getattr(self, name), unit, f"cost {name}"))
            )
        problems = [
            Problem("<input>", f"{n} must be ≥ 0", field=n) for n in conv if getattr(self, n) < 0
        ]
        if self.fee_share >= 1:
            problems.append(
                Problem(
                    "<input>", "fee share must be < 1 (a fraction of revenue)", field="fee_share"
                )
            )
        object.__setattr__(self, "verification_interval", int(self.verification_interval))
        if self.verification_interval < 1:
            problems.append(
                Problem(
                    "<input>",
                    "verification interval must be ≥ 1 year",
                    field="verification_interval",
                )
            )
        if problems:
            raise InputError(problems)


def discount_factors(years, discount_pct) -> xr.DataArray:
    r"""Discount factor per year, the first year undiscounted.

    Parameters
    ----------
    years : array_like of int
        Calendar years, first = year 0.
    discount_pct : numeric
        Annual discount rate r [%].

    Returns
    -------
    xarray.DataArray
        :math:`(1 + r/100)^{-(y - y_0)}` over ``year`` [-].
    """
    years = np.asarray(years, dtype=int)
    y = xr.DataArray(years, dims=["year"], coords={"year": years})
    return (1 + discount_pct / 100.0) ** -(y - years[0])


def cost_schedule(
    years, planted_area, new_area, costs: ProjectCosts, verify=None, issued=0.0
) -> xr.DataArray:
    r"""Project costs per year [CNY].

    Parameters
    ----------
    years : array_like of int
        Crediting years.
    planted_area : xarray.DataArray
        Area planted by the end of each year [ha] (over ``year``).
    new_area : xarray.DataArray
        Area established in each year [ha] (over ``year``).
    costs : ProjectCosts
    verify : array_like of bool, optional
        Verification years (:func:`gep.carbon.issuance.verification_mask`); default: every
        ``costs.verification_interval`` years and the last year.
    issued : numeric or xarray.DataArray
        Credits issued per year [t CO₂e] (registry fee base; negative issuance pays none).

    Returns
    -------
    xarray.DataArray
        Cost over ``year`` [CNY].

    Notes
    -----
    .. math::

        K_i = c_{est} A^{new}_i + c_{man} A^{planted}_i + c_{val}[i = 0]
              + c_{ver}[i \in V] + c_{reg} \max(I_i, 0)
    """
    years = np.asarray(years, dtype=int)
    i = np.arange(years.size)
    if verify is None:
        verify = ((i + 1) % int(costs.verification_interval) == 0) | (i == years.size - 1)
    verify = np.asarray(verify, dtype=bool)
    fixed = xr.DataArray(
        costs.validation * (i == 0) + costs.verification * verify,
        dims=["year"],
        coords={"year": years},
    )
    registry = costs.registry_fee * np.maximum(issued, 0.0)
    out = costs.establishment * new_area + costs.management * planted_area + fixed + registry
    out.attrs = {"units": "CNY"}
    return out


def cash_flow(credited, price, cost, fee_share=0.0) -> xr.Dataset:
    r"""Yearly revenue and net cash flow of a carbon project.

    Parameters
    ----------
    credited : xarray.DataArray
        Credits sold per year [t CO₂e] over ``year`` — the credits issued that year
        (:func:`gep.carbon.issuance.issued_credits`).
    price : numeric or xarray.DataArray
        Carbon price [CNY t CO₂e⁻¹] (constant or a path over ``year``).
    cost : xarray.DataArray
        Costs [CNY] over ``year`` (:func:`cost_schedule`).
    fee_share : numeric, default 0
        Transaction fees as a share of revenue [-].

    Returns
    -------
    xarray.Dataset
        ``revenue``, ``cost``, ``cash_flow`` [CNY] over ``year``.

    Notes
    -----
    .. math:: CF_i = ER_i \cdot P_i \cdot (1 - s) - K_i
    """
    revenue = credited * price * (1 - fee_share)
    revenue.attrs = {"units": "CNY"}
    flow = revenue - cost
    flow.attrs = {"units": "CNY"}
    return xr.Dataset({"revenue": revenue, "cost": cost, "cash_flow": flow})


def npv(cash_flow, discount_pct, dim: str = "year"):
    r"""Net present value of a yearly cash flow, first year undiscounted.

    Parameters
    ----------
    cash_flow : xarray.DataArray
        Cash flow [CNY] over ``year`` (contiguous years).
    discount_pct : numeric
        Annual discount rate r [%].
    dim : str
        Name of the year dimension.

    Returns
    -------
    xarray.DataArray
        NPV [CNY] (other dimensions kept).

    Notes
    -----
    .. math:: NPV = \sum_{i=0}^{n-1} CF_i (1 + r/100)^{-i}
    """
    factors = discount_factors(cash_flow[dim].values, discount_pct).rename(year=dim)
    out = (cash_flow * factors).sum(dim)
    out.attrs = {"units": "CNY"}
    return out


def _npv_at(cf: np.ndarray, rates: np.ndarray) -> np.ndarray:
    i = np.arange(cf.size)
    return (cf[None, :] / (1.0 + rates[:, None]) ** i[None, :]).sum(axis=1)


#: Rates scanned for a sign change of NPV(r) [-]: −99 % … +1000 %.
_IRR_GRID = np.unique(
    np.concatenate(
        [np.linspace(-0.99, -0.2, 80), np.linspace(-0.2, 1.0, 1201), np.geomspace(1.0, 10.0, 200)]
    )
)


def irr_with_reason(cash_flow) -> tuple[float, str]:
    r"""Internal rate of return and, when there is none, why.

    Parameters
    ----------
    cash_flow : array_like
        Cash flow [CNY], year 0 first.

    Returns
    -------
    (float, str)
        IRR as a fraction [-] (0.08 = 8 %) and ``""``; or NaN and a reason:
        ``"no_sign_change"`` (all flows of one sign: no rate makes NPV zero),
        ``"no_root"`` (the flow changes sign but NPV(r) has no zero for −99 % < r ≤ 1000 %),
        ``"invalid"`` (fewer than two years or non-finite values).

    Notes
    -----
    NPV(r) = :math:`\sum_i CF_i (1 + r)^{-i}` is evaluated on a grid of rates from −99 % to
    +1000 %; every bracket where it changes sign (or hits 0) is refined with Brent's method,
    and the root closest to 0 is returned. A flow that changes sign need not have an IRR: an
    outlay, then income, then a final-year verification cost larger than that year's revenue
    (first and last flows negative) can have NPV(r) < 0 at every rate — ``"no_root"``, which
    the interface must not describe as "the cash flow never changes sign".
    """
    from scipy.optimize import brentq

    cf = np.asarray(cash_flow, dtype=float).ravel()
    if cf.size < 2 or not np.all(np.isfinite(cf)):
        return float("nan"), "invalid"
    nz = cf[cf != 0]
    if nz.size == 0 or np.all(nz > 0) or np.all(nz < 0):
        return float("nan"), "no_sign_change"
    grid = _IRR_GRID
    values = _npv_at(cf, grid)
    roots = list(grid[values == 0])
    change = np.flatnonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)
    for j in change:
        roots.append(
            brentq(lambda r: float(_npv_at(cf, np.array([r]))[0]), grid[j], grid[j + 1], xtol=1e-12)
        )
    if not roots:
        return float("nan"), "no_root"
    roots_arr = np.asarray(roots, dtype=float)
    return float(roots_arr[np.argmin(np.abs(roots_arr))]), ""


def irr(cash_flow) -> float:
    r"""Internal rate of return of a one-dimensional yearly cash flow.

    Parameters
    ----------
    cash_flow : array_like
        Cash flow [CNY], year 0 first.

    Returns
    -------
    float
        IRR as a fraction [-] (0.08 = 8 %), or NaN when no rate in (−99 %, 1000 %] makes NPV
        zero (:func:`irr_with_reason` says why). With several roots the one closest to 0.

    Notes
    -----
    Solves :math:`\sum_i CF_i (1 + IRR)^{-i} = 0` (:func:`irr_with_reason`).
    """
    return irr_with_reason(cash_flow)[0]


def breakeven_price(
    credited, cost, discount_pct, fee_share=0.0, price_shape=1.0, dim: str = "year"
):
    r"""Carbon price at which the project NPV is zero.

    NPV is linear in a price path :math:`P_i = p \cdot s_i` (shape ``s`` fixed, e.g. a growth
    path divided by its first value), so the break-even level has a closed form.

    Parameters
    ----------
    credited : xarray.DataArray
        Credited removals [t CO₂e yr⁻¹] over ``year``.
    cost : xarray.DataArray
        Costs [CNY] over ``year``.
    discount_pct : numeric
        Annual discount rate [%].
    fee_share : numeric, default 0
        Transaction fees as a share of revenue [-].
    price_shape : numeric or xarray.DataArray, default 1
        Relative price path :math:`s_i` (1 = constant price; ``path / path[0]`` for a growing
        path, so the result is the first-year price).
    dim : str
        Name of the year dimension.

    Returns
    -------
    xarray.DataArray
        Break-even price level p [CNY t CO₂e⁻¹]; NaN where discounted credits are not
        positive.

    Notes
    -----
    .. math::

        p^{*} = \frac{\sum_i K_i (1 + r)^{-i}}{(1 - s_f) \sum_i ER_i \, s_i (1 + r)^{-i}}
    """
    factors = discount_factors(credited[dim].values, discount_pct).rename(year=dim)
    pv_cost = (cost * factors).sum(dim)
    pv_unit = (credited * price_shape * (1 - fee_share) * factors).sum(dim)
    out = pv_cost / pv_unit.where(pv_unit > 0)
    out.attrs = {"units": "CNY / tCO2e"}
    return out


def discounted_payback(cash_flow, discount_pct, dim: str = "year"):
    """Years until the cumulative discounted cash flow first becomes ≥ 0.

    Parameters
    ----------
    cash_flow : xarray.DataArray
        Cash flow [CNY] over ``year``.
    discount_pct : numeric
        Annual discount rate [%].

    Returns
    -------
    xarray.DataArray
        Number of years counted from the start (the first year counts as 1) [yr]; NaN when
        the cumulative discounted cash flow never reaches 0.
    """
    factors = discount_factors(cash_flow[dim].values, discount_pct).rename(year=dim)
    cumulative = (cash_flow * factors).cumsum(dim)
    reached = cumulative >= 0
    n = np.arange(1, cash_flow.sizes[dim] + 1)
    first = xr.DataArray(n, dims=[dim], coords={dim: cash_flow[dim]}).where(reached).min(dim)
    first.attrs = {"units": "year"}
    return first
