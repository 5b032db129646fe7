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


# -- the aggregate (city) ledger over the same county ledger (issue 11, city perspective)


@pytest.fixture(scope="module")
def county_ledger(arrays):
    gross, data = arrays
    res = ledger(gross, RULES, data, None)
    years = gross["year"].values
    basis = xr.Dataset(
        {
            "inflow": (("year",), np.full(len(years), 1.1243e10)),
            "local_runoff": (("year",), np.full(len(years), 1.07e10)),
        },
        coords={"year": years},
    )
    return res.ds, basis


def test_aggregate_ledger_2844_regions(benchmark, county_ledger):
    from gep.ledger import aggregate_ledger

    ds, basis = county_ledger
    res = benchmark(aggregate_ledger, ds, RULES, basis, "000000")
    assert res.perspective == "city" and res.value.shape == (N_YEARS, N_IND)


def test_floor_numpy_aggregate(benchmark, county_ledger):
    ds, basis = county_ledger
    g, o, v = (ds[k].values for k in ("gross", "out_of_region", "value"))
    q, r = basis["inflow"].values, basis["local_runoff"].values

    def floor():
        gc, oc, vc = g.sum(0), o.sum(0), v.sum(0)
        share = np.zeros_like(gc)
        share[:, -2:] = (q / (q + r))[:, None]
        out = gc * share
        return gc - out, oc, vc

    net, _, _ = benchmark(floor)
    assert net.shape == (N_YEARS, N_IND)
