"""Out-of-region ledger benchmarks (pytest-benchmark). Run: pytest benchmarks --benchmark-enable

The floor is the bare numpy arithmetic the ledger performs (gross × share and gross − out) on
the same arrays; the ledger adds share computation from items, validation and xarray
bookkeeping. Report the ratio to the floor measured in the same run.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from gep.ledger import ledger
from gep.profiles import OutOfRegionRule, ShareBasis

N_REGIONS, N_YEARS, N_IND = 2844, 20, 18


@pytest.fixture(scope="module")
def arrays():
    rng = np.random.default_rng(1)
    regions = [f"{i:06d}" for i in range(N_REGIONS)]
    years = list(range(2020, 2020 + N_YEARS))
    inds = [f"material.x{i}" for i in range(N_IND - 2)] + [
        "material.water_supply",
        "material.hydropower",
    ]
    gross = xr.DataArray(
        rng.uniform(0, 1e9, (N_REGIONS, N_YEARS, N_IND)),
        dims=["region", "year", "indicator"],
        coords={"region": regions, "year": years, "indicator": inds},
    )
    coords = {"region": regions, "year": years}
    inflow = rng.uniform(0, 1e10, (N_REGIONS, N_YEARS))
    local = rng.uniform(1e8, 1e10, (N_REGIONS, N_YEARS))
    data = xr.Dataset(
        {
            "inflow": (("region", "year"), inflow),
            "local_runoff": (("region", "year"), local),
        },
        coords=coords,
    )
    return gross, data


RULES = [
    OutOfRegionRule(i, ShareBasis(numerator=("inflow",), denominator=("inflow", "local_runoff")))
    for i in ("material.water_supply", "material.hydropower")
]


def test_ledger_2844_regions_20_years(benchmark, arrays):
    gross, data = arrays
    res = benchmark(ledger, gross, RULES, data, None)
    assert res.value.shape == gross.shape and res.warnings == []


def test_floor_numpy_same_arithmetic(benchmark, arrays):
    gross, data = arrays
    g = gross.values
    inflow, local = data["inflow"].values, data["local_runoff"].values

    def floor():
        share = np.zeros_like(g)
        share[:, :, -2:] = (inflow / (inflow + local))[:, :, None]
        out = g * share
        return g - out, out

    net, out = benchmark(floor)
    assert net.shape == g.shape
