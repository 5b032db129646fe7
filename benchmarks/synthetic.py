"""Synthetic inventories of any size, tiled from the hand-computed mini dataset.

Regions alternate the two mini counties' inputs, each scaled by a deterministic factor so
that regions differ; years repeat the mini 2020 inputs. Used by the benchmarks only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from gep.inventory import load_dataset

MINI = Path(__file__).resolve().parents[1] / "tests" / "data" / "mini"


def synthetic_inventory(n_regions: int, n_years: int, first_year: int = 2001) -> xr.Dataset:
    base = load_dataset(MINI).data.sel(year=2020, drop=True)
    pick = np.arange(n_regions) % base.sizes["region"]
    tiled = base.isel(region=pick)
    scale = xr.DataArray(0.8 + 0.4 * ((np.arange(n_regions) * 7919) % 1000) / 1000.0, dims="region")
    out = {}
    for name, var in tiled.data_vars.items():
        attrs = dict(var.attrs)
        extensive = name not in (
            "precipitation",
            "evapotranspiration",
            "runoff",
            "climate.hot_days",
            "climate.water_evaporation",
        ) and not name.startswith("rusle.")
        v = var * scale if extensive else var
        v = v.expand_dims(year=np.arange(first_year, first_year + n_years)).transpose(
            "region", "year", ...
        )
        out[name] = v.assign_attrs(attrs)
    ds = xr.Dataset(out)
    return ds.assign_coords(region=[f"{i:06d}" for i in range(n_regions)])
