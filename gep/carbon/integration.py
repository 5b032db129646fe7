"""Glue between the account and the forest carbon module.

When the inventory holds a forest inventory (``forest.area`` and ``forest.stock`` by species
group), ``regulating.carbon_sequestration`` takes the forests' removals from the
stock-difference method instead of per-area rates. Bamboo has no volume-based biomass model,
so bamboo forest (``forest.bamboo``) keeps its per-area rate and the notes say so.
"""

from __future__ import annotations

import xarray as xr

from .county import county_sink
from .params import NO_VOLUME_MODEL, lookup_from_set, required_parameters, species_parameters

#: forest ecosystems whose removals come from the inventory (the others keep their rates)
INVENTORY_FOREST_ECOSYSTEMS = ("forest.broadleaf", "forest.coniferous", "forest.mixed")


def forest_sink_for_account(ctx) -> tuple[xr.DataArray, str, list[str]] | None:
    """Forest removals per region and accounting year [tCO2e], a note, and the ecosystems covered."""
    data = getattr(ctx, "full_data", ctx.data)
    if "forest.area" not in data or "forest.stock" not in data:
        return None
    biomass = ctx.options.get("forest_carbon_biomass", "fang")
    present = [str(s) for s in data["species"].values]
    excluded = [s for s in present if s in NO_VOLUME_MODEL]
    species = [s for s in present if s not in excluded]
    names = required_parameters("stock-difference", biomass)
    year = max(ctx.years)
    params = species_parameters(lookup_from_set(ctx.coefficients, year), species, names)
    forest = data[["forest.area", "forest.stock"]]
    sink = county_sink(forest, params, "stock-difference", biomass, by_species=False, exclude_species=excluded)
    sink = sink.sel(year=ctx.years)
    out = xr.DataArray(sink.values, dims=sink.dims, coords={d: sink[d].values for d in sink.dims})
    note = (f"forest removals ({', '.join(INVENTORY_FOREST_ECOSYSTEMS)}): stock-difference method, IPCC 2006 "
            f"Vol. 4 Eq. 2.8, biomass route '{biomass}', from forest.area/forest.stock")
    if excluded:
        note += f"; {', '.join(excluded)} excluded from the inventory route (no volume model) — forest.bamboo keeps its per-area rate"
    covered = [e for e in ctx.ecosystems() if e in INVENTORY_FOREST_ECOSYSTEMS]
    return out, note, covered
