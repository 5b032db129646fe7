"""Afforestation project crediting estimate (in the spirit of CCER-14-001-V01 / AR-CM-001-V01).

Structure (forest_carbon.md §1.3): project removals are the change of the selected carbon
pools (above- and below-ground tree carbon; dead wood and litter optional by the
default-factor method) minus project emissions; net removals subtract baseline removals and
leakage; an uncertainty deduction is then taken. Tree carbon comes from a growth curve per
species (:func:`gep.carbon.growth.richards_agc`) whose parameters are coefficients.

The exact CCER-14-001-V01 uncertainty-deduction rule and default factors are unverified; the
deduction is an input here (``uncertainty_deduction``, default 0).

References
----------
.. [1] 温室气体自愿减排项目方法学 造林碳汇 (CCER-14-001-V01), 2023.
.. [2] 碳汇造林项目方法学 AR-CM-001-V01, 2013 (leakage LK = 0; dead wood and litter by the
   default-factor method).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from ..errors import InputError, Problem
from . import biomass as bm
from ._units import as_hectares, magnitude
from .growth import beyond_data_range, richards_agc
from .params import SPECIES, check_parameters, project_parameters


def make_strata(
    area, species: str | Sequence[str], planting_year: int | Sequence[int]
) -> xr.Dataset:
    """Project strata: area by species and planting year.

    Parameters
    ----------
    area : numeric, str or pint.Quantity (scalar or sequence)
        Planted area per stratum; numbers are hectares, quantities and strings may use any
        area unit (``"7500mu"``, ``Q_(500, "ha")``).
    species : str or sequence of str
        Species-group code per stratum (broadcast if one). Codes are checked against the
        parameter table later, so a local coefficient set may add species groups.
    planting_year : int or sequence of int
        Planting year per stratum (broadcast if one).

    Returns
    -------
    xarray.Dataset
        Over ``stratum``: ``area`` [ha], ``species``, ``planting_year``.
    """
    if isinstance(area, list | tuple):
        area_ha = np.array([as_hectares(a) for a in area], dtype=float)
    else:
        area_ha = np.atleast_1d(np.asarray(as_hectares(area), dtype=float))
    n = area_ha.size
    species_arr = np.atleast_1d(np.asarray(species, dtype=object)).astype(str)
    years = np.atleast_1d(np.asarray(planting_year))
    try:
        species_arr = np.broadcast_to(species_arr, (n,)).copy()
        years = np.broadcast_to(years, (n,)).astype(int)
    except ValueError:
        raise InputError(
            Problem(
                "<input>",
                f"{n} areas but {species_arr.size} species and {years.size} planting years",
                field="strata",
            )
        ) from None
    problems = []
    if np.any(~np.isfinite(area_ha)) or np.any(area_ha < 0):
        problems.append(Problem("<input>", "area must be a non-negative number", field="area"))
    problems += [
        Problem(
            "<input>",
            f"species code {s!r} must be a lower_snake_case species-group code "
            f"(e.g. {', '.join(SPECIES[:3])})",
            field="species",
        )
        for s in sorted(set(species_arr))
        if not s or not s.replace("_", "").isalnum() or s != s.lower()
    ]
    if problems:
        raise InputError(problems)
    return xr.Dataset(
        {
            "area": ("stratum", area_ha, {"units": "hectare"}),
            "species": ("stratum", species_arr),
            "planting_year": ("stratum", years),
        },
        coords={"stratum": np.arange(n)},
    )


def crediting_years(start: int, period: int) -> np.ndarray:
    """Calendar years of a crediting period: ``start, …, start + period − 1``."""
    if int(period) < 1:
        raise InputError(
            Problem("<input>", f"crediting period must be ≥ 1 year, not {period}", field="period")
        )
    return np.arange(int(start), int(start) + int(period))


def stand_age(planting_year, years):
    """Stand age at the end of each year [yr]: ``year − planting_year + 1``, 0 before planting."""
    return np.maximum(years - planting_year + 1, 0)


def project_carbon_density(
    age, a, k, m, root_shoot_ratio, dead_wood_fraction=0.0, litter_fraction=0.0, calibration=1.0
):
    r"""Project carbon stock per hectare at a stand age, in CO₂ equivalent.

    Parameters
    ----------
    age : numeric
        Stand age [yr].
    a, k, m : numeric
        Richards growth parameters (:func:`~gep.carbon.growth.richards_agc`) [t C ha⁻¹],
        [yr⁻¹], [-].
    root_shoot_ratio : numeric
        R [-].
    dead_wood_fraction, litter_fraction : numeric
        Dead-wood / litter carbon per above-ground tree carbon [-] (0 = pool not selected).
    calibration : numeric, default 1
        Local calibration factor on the asymptote ``a`` [-].

    Returns
    -------
    numeric
        Carbon stock density [t CO₂e ha⁻¹].

    Notes
    -----
    .. math::

        S(t) = \frac{44}{12} \cdot AGC(t) \cdot (1 + R + DF_{DW} + DF_{LI}),
        \qquad AGC(t) = c \cdot a (1 - e^{-kt})^m
    """
    agc = richards_agc(age, calibration * a, k, m)
    return bm.co2e_from_carbon(agc * (1 + root_shoot_ratio + dead_wood_fraction + litter_fraction))


def yield_density(
    agc, a=1.0, root_shoot_ratio=0.0, dead_wood_fraction=0.0, litter_fraction=0.0, calibration=1.0
):
    r"""Carbon stock density [t CO₂e ha⁻¹] from a yield table's above-ground carbon.

    Parameters
    ----------
    agc : numeric
        Above-ground tree carbon read from the yield table [t C ha⁻¹].
    a : numeric, default 1
        Scale factor on the table [-] (varied by the Monte Carlo).
    root_shoot_ratio, dead_wood_fraction, litter_fraction : numeric
        As in :func:`project_carbon_density` [-].
    calibration : numeric, default 1
        Local calibration factor [-].

    Notes
    -----
    .. math:: S = \frac{44}{12} \cdot c\,a\,AGC_{table}(t) \cdot (1 + R + DF_{DW} + DF_{LI})
    """
    return bm.co2e_from_carbon(
        calibration * a * agc * (1 + root_shoot_ratio + dead_wood_fraction + litter_fraction)
    )


def project_removals(
    strata: xr.Dataset,
    years,
    params: xr.Dataset,
    *,
    dead_wood: bool = False,
    litter: bool = False,
    calibration=1.0,
    beyond_data: str = "raise",
) -> xr.Dataset:
    """Project carbon stock and annual removals of planted strata over the crediting years.

    Parameters
    ----------
    strata : xarray.Dataset
        From :func:`make_strata` (``area`` [ha], ``species``, ``planting_year`` over
        ``stratum``).
    years : array_like of int
        Crediting years (:func:`crediting_years`).
    params : xarray.Dataset
        Species parameters: ``richards_a`` [t C ha⁻¹], ``richards_k`` [yr⁻¹], ``richards_m``,
        ``max_age`` [yr], ``root_shoot_ratio`` (+ ``dead_wood_fraction``,
        ``litter_fraction``). Variables may carry extra dimensions (e.g. ``draw``).
    dead_wood, litter : bool
        Select the dead-wood / litter pools (default-factor method).
    calibration : numeric, default 1
        Local calibration factor on the asymptote ``a``.
    beyond_data : {'raise', 'flag'}
        Ages beyond the oldest age in the growth curve's data: refuse (``InputError`` listing
        each species, its oldest age in the project and ``max_age``) or compute and flag them
        in the ``beyond_data`` variable.

    Returns
    -------
    xarray.Dataset
        ``removals`` [t CO₂e yr⁻¹] over ``year`` (+ extra dims of the parameters),
        ``stock`` [t CO₂e] at the end of each year, ``age`` and ``beyond_data`` over
        ``stratum, year``.

    Notes
    -----
    Removals in year :math:`y` are :math:`\\sum_s A_s [S_s(t_{s,y}) - S_s(t_{s,y} - 1)]` with
    :math:`t_{s,y} = y - y_{plant,s} + 1` and :math:`S` from :func:`project_carbon_density`.
    """
    if beyond_data not in ("raise", "flag"):
        raise InputError(
            Problem(
                "<options>",
                f"beyond_data must be 'raise' or 'flag', not {beyond_data!r}",
                field="beyond_data",
            )
        )
    years = np.asarray(years, dtype=int)
    species = [str(s) for s in strata["species"].values]
    table = params.get("yield_agc", None)
    table_species = set()
    if table is not None:
        table_species = {
            str(s)
            for s in table["species"].values
            if bool(np.isfinite(table.sel(species=s)).any()) and str(s) in species
        }
    names = project_parameters(dead_wood=dead_wood, litter=litter)
    check_parameters(params, [s for s in species if s not in table_species], names)
    check_parameters(
        params,
        sorted(table_species),
        [n for n in names if n not in ("richards_k", "richards_m")],
    )
    p = params.drop_vars(["yield_agc"], errors="ignore").sel(species=strata["species"])
    year = xr.DataArray(years, dims=["year"], coords={"year": years})
    age = stand_age(strata["planting_year"], year)
    beyond = beyond_data_range(age, p["max_age"])
    if bool(beyond.any()) and beyond_data == "raise":
        oldest = age.max("year")
        rows = []
        for s in np.unique(species):
            sel = strata["species"] == s
            worst = int(oldest.where(sel).max())
            limit = float(p["max_age"].where(sel).max())
            if worst > limit:
                rows.append(
                    Problem(
                        "carbon.growth.max_age",
                        f"species '{s}' reaches age {worst} yr but its growth curve is fitted to "
                        f"ages ≤ {limit:g} yr; shorten the period, supply a curve fitted to older "
                        "stands, or allow flagged extrapolation",
                        field=s,
                    )
                )
        raise InputError(rows)
    kwargs = {
        "a": p["richards_a"],
        "k": p["richards_k"],
        "m": p["richards_m"],
        "root_shoot_ratio": p["root_shoot_ratio"],
        "dead_wood_fraction": p["dead_wood_fraction"] if dead_wood else 0.0,
        "litter_fraction": p["litter_fraction"] if litter else 0.0,
        "calibration": calibration,
    }
    density_end = project_carbon_density(age, **kwargs)
    density_start = project_carbon_density(np.maximum(age - 1, 0), **kwargs)
    for s in sorted(table_species):
        col = table.sel(species=s)
        ok = np.isfinite(col.values)
        xp = np.concatenate([[0.0], col["age"].values[ok].astype(float)])
        fp = np.concatenate([[0.0], col.values[ok]])
        sel = strata["species"] == s

        def tab(a, xp=xp, fp=fp):
            agc = xr.apply_ufunc(np.interp, a, kwargs={"xp": xp, "fp": fp})
            return yield_density(agc, **{k: v for k, v in kwargs.items() if k not in ("k", "m")})

        density_end = xr.where(sel, tab(age), density_end)
        density_start = xr.where(sel, tab(np.maximum(age - 1, 0)), density_start)
    area = as_hectares(strata["area"])
    stock = (area * density_end).sum("stratum")
    removals = (area * (density_end - density_start)).sum("stratum")
    pools = (
        ["above-ground tree", "below-ground tree"]
        + (["dead wood"] if dead_wood else [])
        + (["litter"] if litter else [])
    )
    removals.attrs = {"units": "tCO2e / year", "pools": ", ".join(pools)}
    stock.attrs = {"units": "tCO2e", "pools": ", ".join(pools)}
    return xr.Dataset(
        {"removals": removals, "stock": stock, "age": age, "beyond_data": beyond},
        attrs={
            "pools": ", ".join(pools),
            "beyond_data": beyond_data,
            "extrapolated": int(beyond.any()),
            "calibration": str(calibration),
        },
    )


def credited_removals(
    removals, baseline=0.0, leakage=0.0, project_emissions=0.0, uncertainty_deduction=0.0
):
    r"""Net removals credited per year.

    Parameters
    ----------
    removals : numeric
        Project carbon-stock change, ΔC_P [t CO₂e yr⁻¹].
    baseline : numeric, default 0
        Baseline removals, ΔC_BSL [t CO₂e yr⁻¹].
    leakage : numeric, default 0
        Leakage, LK [t CO₂e yr⁻¹] (0 in AR-CM-001-V01).
    project_emissions : numeric, default 0
        Increase in GHG emissions within the boundary, GHG_E [t CO₂e yr⁻¹].
    uncertainty_deduction : numeric, default 0
        Share of net removals withheld for uncertainty [-], 0 ≤ u < 1.

    Returns
    -------
    numeric
        Credited removals [t CO₂e yr⁻¹] (negative in a year where the stock falls).

    Notes
    -----
    .. math:: ER_t = (\Delta C_{P,t} - GHG_{E,t} - \Delta C_{BSL,t} - LK_t)(1 - u)

    References
    ----------
    .. [1] CCER-14-001-V01 / AR-CM-001-V01 (structure; forest_carbon.md §1.3).
    """
    u = magnitude(uncertainty_deduction, "dimensionless", "uncertainty_deduction")
    if np.any(np.asarray(u) < 0) or np.any(np.asarray(u) >= 1):
        raise InputError(
            Problem(
                "<input>", "uncertainty deduction must be in [0, 1)", field="uncertainty_deduction"
            )
        )
    return (removals - project_emissions - baseline - leakage) * (1 - u)
