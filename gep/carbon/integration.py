"""Glue between the account and the forest carbon module.

When the inventory holds a forest inventory (``forest.area`` and ``forest.stock`` by species
group), ``regulating.carbon_sequestration`` takes the forests' removals from the
stock-difference method instead of per-area rates. Bamboo has no volume-based biomass model,
so bamboo forest (``forest.bamboo``) keeps its per-area rate and the notes say so.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..errors import InputError, MissingCoefficientError, Problem
from .county import county_sink
from .params import (
    NO_VOLUME_MODEL,
    PARAMETERS,
    lookup_from_set,
    required_parameters,
    species_parameters,
)

#: forest ecosystems whose removals come from the inventory (the others keep their rates)
INVENTORY_FOREST_ECOSYSTEMS = ("forest.broadleaf", "forest.coniferous", "forest.mixed")


LOSS_ITEMS = ("forest.increment", "forest.harvest", "forest.fuelwood", "forest.disturbance_area")


def dataset_sink(
    data: xr.Dataset,
    coefficients,
    year: int,
    method: str = "stock-difference",
    biomass: str = "fang",
    *,
    dead_wood: bool = False,
    litter: bool = False,
    by_species: bool = True,
    exclude_species=None,
) -> tuple[xr.DataArray, dict[str, str]]:
    """County forest sink of an inventory with a coefficient set's species parameters.

    Species groups without a volume-based biomass model (bamboo) are left out unless
    ``exclude_species`` says otherwise; the second return value says which and why.
    Parameters are resolved for ``year``; a missing parameter raises one
    :class:`~gep.errors.MissingCoefficientError` listing every (coefficient, species) pair.
    """
    forest = data[["forest.area", "forest.stock", *[n for n in LOSS_ITEMS if n in data]]]
    present = [str(s) for s in forest["species"].values]
    if exclude_species is None:
        excluded = {s: NO_VOLUME_MODEL[s] for s in present if s in NO_VOLUME_MODEL}
    else:
        excluded = {
            s: NO_VOLUME_MODEL.get(s, "excluded on request")
            for s in exclude_species
            if s in present
        }
    species = [s for s in present if s not in excluded]
    names = required_parameters(
        method,
        biomass,
        dead_wood=dead_wood,
        litter=litter,
        disturbance="forest.disturbance_area" in forest,
    )
    params = species_parameters(lookup_from_set(coefficients, year), species, names)
    sink = county_sink(
        forest,
        params,
        method,
        biomass,
        dead_wood=dead_wood,
        litter=litter,
        by_species=by_species,
        exclude_species=list(excluded),
    )
    return sink, excluded


def _presence_lookup(coefficients, year: int):
    """``lookup`` for :func:`species_parameters` that only checks which species have values.

    It reads the published tables (no resolution), so the account's missing-parameter
    message stays the carbon module's (every missing pair at once) while the values
    themselves are resolved through the account's coefficient route.
    """

    def lookup(coefficient_id: str, keys: list[str]) -> dict[str, float]:
        coefficient = coefficients[coefficient_id]  # MissingCoefficientError if absent
        if coefficient.by != "species":
            raise InputError(
                Problem(
                    getattr(coefficient, "file", coefficient_id),
                    f"'{coefficient_id}' must be a table with 'by: species'",
                    field="by",
                )
            )
        table = coefficient.entry_for(int(year)).value
        return {k: float(table[k]) for k in keys if k in table}

    return lookup


def _all_present(coefficients, species: list[str], names: list[str], year: int) -> bool:
    """True when every parameter table has a finite value for every species in ``year``."""
    for name in names:
        cid = PARAMETERS[name].coefficient_id
        if cid not in coefficients or coefficients[cid].by != "species":
            return False
        try:
            table = coefficients[cid].entry_for(int(year)).value
        except MissingCoefficientError:
            return False
        if any(not np.isfinite(table.get(sp, np.nan)) for sp in species):
            return False
    return True


def account_parameters(ctx, species: list[str], names: list[str], year: int) -> xr.Dataset:
    """Species parameters through the account's one coefficient route (``ctx.coef``).

    Every ``carbon.*`` table is resolved like any other coefficient (price indices,
    overrides, the value in force for the accounting ``year``), recorded in the account's
    trace, and replaced by outside arrays when the account carries them — Monte Carlo draws
    (a ``draw`` dim) or stacked scenarios (a ``scenario`` dim) then flow through the sink.
    """
    if not _all_present(ctx.coefficients, species, names, year):
        # the carbon module's own check: every missing (coefficient, species) pair at once
        species_parameters(_presence_lookup(ctx.coefficients, year), species, names)
    at = ctx.years.index(int(year))
    data = {}
    for name in names:
        spec = PARAMETERS[name]
        var = ctx.coef(spec.coefficient_id, keys=species, unit=spec.unit).isel(year=at)
        coords = {d: ctx.labels[d] for d in var.dims if d != "species" and d in ctx.labels}
        coords["species"] = species
        data[name] = xr.DataArray(var, coords=coords).assign_attrs(
            units=spec.unit, coefficient_id=spec.coefficient_id, description=spec.description
        )
    return xr.Dataset(data, coords={"species": species})


def forest_sink_for_account(ctx) -> tuple[xr.DataArray, str, list[str], xr.DataArray] | None:
    """Forest removals per region and accounting year [tCO2e], a note, the ecosystems covered,
    and the inventory's forest area [ha] of the species it counted (region, year).

    Species parameters are resolved for the last accounting year (one parameter set for the
    whole series, so a stock difference never mixes two parameter vintages).
    """
    data = getattr(ctx, "full_data", ctx.data)
    if "forest.area" not in data or "forest.stock" not in data:
        return None
    biomass = ctx.options.get("forest_carbon_biomass", "fang")
    forest = data[["forest.area", "forest.stock"]]
    present = [str(s) for s in forest["species"].values]
    excluded = {s: NO_VOLUME_MODEL[s] for s in present if s in NO_VOLUME_MODEL}
    species = [s for s in present if s not in excluded]
    names = required_parameters("stock-difference", biomass, disturbance=False)
    params = account_parameters(ctx, species, names, max(ctx.years))
    sink = county_sink(
        forest,
        params,
        "stock-difference",
        biomass,
        by_species=False,
        exclude_species=list(excluded),
    )
    sink = sink.sel(year=ctx.years)
    out = xr.DataArray(sink.values, dims=sink.dims, coords={d: sink[d].values for d in sink.dims})
    note = (
        f"forest removals ({', '.join(INVENTORY_FOREST_ECOSYSTEMS)}): stock-difference method, "
        f"IPCC 2006 Vol. 4 Eq. 2.8, biomass route '{biomass}', from forest.area/forest.stock"
    )
    if excluded:
        note += (
            f"; {', '.join(excluded)} excluded from the inventory route (no volume model) — "
            "forest.bamboo keeps its per-area rate"
        )
    covered = [e for e in ctx.ecosystems() if e in INVENTORY_FOREST_ECOSYSTEMS]
    counted = [s for s in data["species"].values if str(s) not in excluded]
    inv_area = (
        data["forest.area"].sel(species=counted).sum("species", min_count=1).sel(year=ctx.years)
    )
    return (
        out,
        note,
        covered,
        inv_area.assign_attrs(units=data["forest.area"].attrs.get("units", "hectare")),
    )
