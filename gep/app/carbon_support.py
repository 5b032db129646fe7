"""Cached calls into :mod:`gep.carbon` for the carbon page (imported lazily by the page).

Results are returned as xarray/pandas/plain dicts so that ``st.cache_data`` can pickle them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..coefficients import CoefficientSet
from ..errors import InputError
from ..inventory import Dataset
from ..units import parse_unit, ureg


def has_forest_inventory(dataset: Dataset) -> bool:
    return "forest.area" in dataset.data and "forest.stock" in dataset.data


@st.cache_data(show_spinner=False, max_entries=32)
def county_sink(
    dataset_hash: str,
    coefficients_hash: str,
    method: str,
    biomass: str,
    year: int,
    _dataset: Dataset,
    _coefficients: CoefficientSet,
):
    """Sink by region, year and species [tCO2e/yr] and the species left out (with why)."""
    from ..carbon.integration import dataset_sink

    result, excluded = dataset_sink(
        _dataset.data, _coefficients, year, method, biomass, by_species=True
    )
    result = result.sel(species=[s for s in result["species"].values if str(s) not in excluded])
    return result, excluded


@st.cache_data(show_spinner=False, max_entries=8)
def project_species(coefficients_hash: str, year: int, _coefficients: CoefficientSet) -> list[str]:
    """Species groups whose growth-curve parameters are in the set."""
    from ..carbon import SPECIES, lookup_from_set, project_parameters, species_parameters

    lookup = lookup_from_set(_coefficients, year)
    names = project_parameters()
    ok = []
    for s in SPECIES:
        try:
            species_parameters(lookup, [s], names)
            ok.append(s)
        except InputError:
            continue
    return ok


def to_hectares(value: float, unit: str) -> float:
    return float(
        ureg.Quantity(float(value), parse_unit(unit, field="unit")).to("hectare").magnitude
    )


@st.cache_data(show_spinner=False, max_entries=32)
def appraise(coefficients_hash: str, inputs: tuple, _coefficients: CoefficientSet) -> dict:
    """Run :func:`gep.carbon.appraise_project`; returns its ``to_dict()`` plus NPV draws."""
    from ..carbon import (
        ProjectCosts,
        appraise_project,
        lookup_from_set,
        make_strata,
        project_parameters,
        species_parameters,
    )

    p = dict(inputs)
    strata = make_strata(p["area_ha"], p["species"], p["start"])
    draws = int(p["draws"])
    names = project_parameters(growth_uncertainty=draws > 0)
    params = species_parameters(lookup_from_set(_coefficients, p["start"]), [p["species"]], names)
    costs = ProjectCosts(
        establishment=p["establishment_ha"],
        management=p["management_ha"],
        validation=p["validation"],
        verification=p["verification"],
        verification_interval=p["interval"],
        fee_share=p["fee_share"],
    )
    result = appraise_project(
        strata,
        p["start"],
        p["period"],
        params,
        p["price"],
        price_growth_pct=p["growth_pct"],
        discount_pct=p["discount_pct"],
        costs=costs,
        uncertainty_deduction=p["deduction"],
        beyond_data="flag" if p["extrapolate"] else "raise",
        draws=draws,
        seed=p["seed"],
    )
    out = result.to_dict()
    out["npv_draws"] = (
        [float(v) for v in result.npv_draws.values] if result.npv_draws is not None else []
    )
    return out


def yearly_frame(result: dict) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": result["years"],
            "removals": result["removals_tCO2e"],
            "credited": result["credited_tCO2e"],
            "cumulative": result["cumulative_tCO2e"],
            "price": result["price_CNY_per_tCO2e"],
            "revenue": result["revenue_CNY"],
            "cost": result["cost_CNY"],
            "cash_flow": result["cash_flow_CNY"],
        }
    )
