"""Volume → biomass → carbon conversions (forest_carbon.md §3.1 worked example)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from gep.carbon import (
    CO2_PER_C,
    biomass_bcef,
    biomass_bef,
    biomass_fang,
    carbon_stock,
    co2e_from_carbon,
    county_stock,
    dead_organic_matter,
    species_parameters,
)

from .helpers import yaml_lookup


def test_co2_per_carbon_is_44_over_12():
    # 12 t C are 44 t CO2
    assert co2e_from_carbon(12.0) == pytest.approx(44.0)
    assert CO2_PER_C == 44.0 / 12.0


def test_fang_masson_pine_worked_example():
    # forest_carbon.md §3.1: V = 100 m³/ha → B = 0.5034·100 + 20.547 = 70.887 t/ha
    #   → C (CF 0.5) = 35.44 t C/ha
    b = biomass_fang(100.0, 1.0, 0.5034, 20.547)
    assert b == pytest.approx(70.887)
    assert carbon_stock(b, 0.5) == pytest.approx(35.4435)


def test_fang_total_equals_area_times_per_hectare():
    # 1000 m³ on 10 ha = 100 m³/ha: 10 · (0.5034·100 + 20.547) = 708.87 t
    assert biomass_fang(1000.0, 10.0, 0.5034, 20.547) == pytest.approx(708.87)


def test_fang_and_bef_on_the_same_stock_from_the_coefficient_files():
    p = species_parameters(
        yaml_lookup,
        ["pinus_massoniana"],
        ["fang_a", "fang_b", "wood_density", "bef", "root_shoot_ratio"],
    ).sel(species="pinus_massoniana")
    fang = biomass_fang(100.0, 1.0, p["fang_a"], p["fang_b"])
    bef = biomass_bef(100.0, p["wood_density"], p["bef"], p["root_shoot_ratio"])
    # Fang: 0.5034·100 + 20.547 = 70.887 t/ha
    assert float(fang) == pytest.approx(70.887)
    # BEF: 100 · 0.380 · 1.472 · (1 + 0.187) = 66.396 t/ha
    assert float(bef) == pytest.approx(100 * 0.380 * 1.472 * 1.187)
    assert float(bef) == pytest.approx(66.396, abs=1e-3)
    # the reference's consistency check: 0.664 / 0.709 ≈ 0.94
    assert float(bef / fang) == pytest.approx(0.94, abs=0.01)


def test_bcef_route():
    # 100 m³ · 0.75 t/m³ · (1 + 0.2) = 90 t
    assert biomass_bcef(100.0, 0.75, 0.2) == pytest.approx(90.0)


def test_dead_organic_matter_fractions():
    # 50 t C above ground · (0.02 + 0.04) = 3 t C
    assert dead_organic_matter(50.0, 0.02, 0.04) == pytest.approx(3.0)


def test_functions_broadcast_over_xarray():
    v = xr.DataArray([100.0, 200.0], dims=["species"], coords={"species": ["a", "b"]})
    a = xr.DataArray([0.5, 1.0], dims=["species"], coords={"species": ["a", "b"]})
    b = xr.DataArray([20.0, 10.0], dims=["species"], coords={"species": ["a", "b"]})
    out = biomass_fang(v, 1.0, a, b)
    # a: 0.5·100 + 20 = 70; b: 1.0·200 + 10 = 210
    np.testing.assert_allclose(out.values, [70.0, 210.0])


def test_county_stock_fang_masson_pine(lookup):
    params = species_parameters(
        lookup, ["pinus_massoniana"], ["fang_a", "fang_b", "carbon_fraction"]
    )
    coords = {"region": ["610902"], "year": [2020], "species": ["pinus_massoniana"]}
    dims = ("region", "year", "species")
    data = xr.Dataset(
        {
            "forest.area": xr.DataArray(
                [[[1.0]]], dims=dims, coords=coords, attrs={"units": "hectare"}
            ),
            "forest.stock": xr.DataArray(
                [[[100.0]]], dims=dims, coords=coords, attrs={"units": "m ** 3"}
            ),
        }
    )
    c = county_stock(data, params, "fang")
    # 70.887 t · CF 0.4596 = 32.5797 t C
    assert float(c.squeeze()) == pytest.approx(70.887 * 0.4596)
    assert c.attrs["biomass"] == "fang"
    assert "carbon.fang_a" in c.attrs["coefficients"]
