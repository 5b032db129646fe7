"""County forest carbon sink: stock-difference and gain–loss on hand-computed inventories."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from gep.carbon import county_sink, species_parameters
from gep.errors import InputError, MissingCoefficientError

from .helpers import inventory, yaml_lookup

# One county, species pine and oak, inventories 2015 and 2020:
#   pine: 100 ha both years; 5000 → 6000 m³
#   oak:   50 → 60 ha;      4000 → 4500 m³
AREA = [[[100.0, 50.0], [100.0, 60.0]]]
STOCK = [[[5000.0, 4000.0], [6000.0, 4500.0]]]


def test_stock_difference_bef(simple_params):
    r = county_sink(inventory(AREA, STOCK), simple_params, "stock-difference", "bef")
    # pine: WD·BEF·(1+R)·CF = 0.5·1.2·1.25·0.5 = 0.375 t C/m³; ΔV = 1000 m³
    #   → 375 t C / 5 yr = 75 t C/yr
    #       → 75 · 44/12 = 275 t CO2e/yr
    # oak:  0.6·1.5·1.2·0.5 = 0.54 t C/m³; ΔV = 500 → 270 t C / 5 = 54 t C/yr → 198 t CO2e/yr
    assert float(r.sel(region="610902", year=2020, species="pine")) == pytest.approx(275.0)
    assert float(r.sel(region="610902", year=2020, species="oak")) == pytest.approx(198.0)
    assert r.dims == ("region", "year", "species")
    assert r.attrs["units"] == "tCO2e / year"
    assert r.attrs["method"] == "stock-difference"
    assert r.attrs["biomass"] == "bef"


def test_first_year_has_no_earlier_inventory(simple_params):
    r = county_sink(inventory(AREA, STOCK), simple_params)
    assert bool(r.sel(year=2015).isnull().all())
    assert r.attrs["reason"] == "no earlier inventory"


def test_stock_difference_fang_uses_area(simple_params):
    r = county_sink(inventory(AREA, STOCK), simple_params, biomass="fang")
    # pine: B = aV + bA: 2015 0.5·5000 + 20·100 = 4500 t; 2020 0.5·6000 + 2000 = 5000 t
    #       ΔB 500 t · CF 0.5 = 250 t C / 5 yr = 50 t C/yr → 183.33 t CO2e/yr
    # oak:  2015 1.0·4000 + 10·50 = 4500; 2020 4500 + 10·60 = 5100 → ΔB 600 → 300 t C / 5 = 60
    #   → 220 t CO2e/yr
    assert float(r.sel(year=2020, species="pine").squeeze()) == pytest.approx(50 * 44 / 12)
    assert float(r.sel(year=2020, species="oak").squeeze()) == pytest.approx(220.0)
    assert r.attrs["biomass"] == "fang"


def test_stock_difference_bcef(simple_params):
    r = county_sink(inventory(AREA, STOCK), simple_params, biomass="bcef")
    # pine: BCEF_S·(1+R)·CF = 0.75·1.25·0.5 = 0.46875; 1000 m³ → 468.75 t C / 5 = 93.75
    #   → 343.75 t CO2e/yr
    # oak:  1.4·1.2·0.5 = 0.84; 500 → 420 / 5 = 84 → 308 t CO2e/yr
    assert float(r.sel(year=2020, species="pine").squeeze()) == pytest.approx(343.75)
    assert float(r.sel(year=2020, species="oak").squeeze()) == pytest.approx(308.0)


def test_dead_wood_and_litter_pools(simple_params):
    r = county_sink(inventory(AREA, STOCK), simple_params, dead_wood=True, litter=True)
    # pine: above-ground C per m³ = 0.5·1.2·0.5 = 0.3; DOM = 0.3·(0.02 + 0.04) = 0.018
    #       total 0.375 + 0.018 = 0.393 t C/m³ · 1000 / 5 = 78.6 t C/yr → 288.2 t CO2e/yr
    assert float(r.sel(year=2020, species="pine").squeeze()) == pytest.approx(78.6 * 44 / 12)
    assert "dead wood" in r.attrs["pools"] and "litter" in r.attrs["pools"]


def test_each_region_uses_its_own_previous_inventory(simple_params):
    # region A inventoried 2010, 2012, 2015; region B only 2010 and 2015 (NaN in 2012)
    area = [[[100.0], [100.0], [100.0]], [[100.0], [np.nan], [100.0]]]
    stock = [[[5000.0], [5400.0], [6000.0]], [[5000.0], [np.nan], [6000.0]]]
    data = inventory(
        area, stock, years=(2010, 2012, 2015), regions=("610902", "610921"), species=("pine",)
    )
    r = county_sink(data, simple_params)
    # A 2012: 400 m³ · 0.375 / 2 yr = 75 t C/yr → 275; A 2015: 600 · 0.375 / 3 = 75 → 275
    # B 2015: 1000 · 0.375 / 5 = 75 → 275 (interval 2010 → 2015); B 2012: NaN
    np.testing.assert_allclose(
        r.sel(region="610902", species="pine").values, [np.nan, 275.0, 275.0]
    )
    np.testing.assert_allclose(
        r.sel(region="610921", species="pine").values, [np.nan, np.nan, 275.0]
    )


def test_by_species_false_sums(simple_params):
    r = county_sink(inventory(AREA, STOCK), simple_params, by_species=False)
    # 275 + 198 = 473 t CO2e/yr
    assert r.dims == ("region", "year")
    assert float(r.sel(year=2020).squeeze()) == pytest.approx(473.0)
    assert np.isnan(float(r.sel(year=2015).squeeze()))


def test_area_in_mu_gives_the_same_answer(simple_params):
    data = inventory(AREA, STOCK)
    in_mu = data.copy()
    in_mu["forest.area"] = data["forest.area"] * 15
    in_mu["forest.area"].attrs["units"] = "mu"
    a = county_sink(data, simple_params, biomass="fang")
    b = county_sink(in_mu, simple_params, biomass="fang")
    xr.testing.assert_allclose(a, b)


GAIN_LOSS = {
    # pine: increment 300 m³/yr, harvest 100, fuelwood 20, 2 ha disturbed; oak: growth only
    "forest_increment": ([[[300.0, 100.0], [300.0, 100.0]]], "m ** 3"),
    "forest_harvest": ([[[100.0, 0.0], [100.0, 0.0]]], "m ** 3"),
    "forest_fuelwood": ([[[20.0, 0.0], [20.0, 0.0]]], "m ** 3"),
    "forest_disturbance_area": ([[[2.0, 0.0], [2.0, 0.0]]], "hectare"),
}
# pine stock density for disturbance: 6000 m³ / 100 ha = 60 m³/ha (2020)
STOCK_GL = [[[6000.0, 4500.0], [6000.0, 4500.0]]]
AREA_GL = [[[100.0, 60.0], [100.0, 60.0]]]


def test_gain_loss_bef(simple_params):
    data = inventory(AREA_GL, STOCK_GL, **GAIN_LOSS)
    r = county_sink(data, simple_params, "gain-loss", "bef")
    # pine, WD·BEF = 0.6, (1+R) = 1.25, CF = 0.5:
    #   gain       300 · 0.6 · 1.25 · 0.5 = 112.5 t C
    #   harvest    100 · 0.6 · 1.25 · 0.5 =  37.5
    #   fuelwood    20 · 0.6 · 1.25 · 0.5 =   7.5
    #   disturbance 2 ha · (60 m³/ha · 0.6 = 36 t/ha) · 1.25 · 0.5 · fd 1 = 45
    #   net 112.5 − 37.5 − 7.5 − 45 = 22.5 t C → 82.5 t CO2e/yr
    # oak: 100 · 0.9 · 1.2 · 0.5 = 54 t C → 198 t CO2e/yr
    np.testing.assert_allclose(r.sel(species="pine").squeeze().values, [82.5, 82.5])
    np.testing.assert_allclose(r.sel(species="oak").squeeze().values, [198.0, 198.0])
    assert r.attrs["method"] == "gain-loss"
    assert "losses_not_in_inventory" not in r.attrs


def test_gain_loss_bcef(simple_params):
    data = inventory(AREA_GL, STOCK_GL, **GAIN_LOSS)
    r = county_sink(data, simple_params, "gain-loss", "bcef")
    # pine: gain 300·0.6·1.25·0.5 = 112.5; harvest 100·0.8·1.25·0.5 = 50;
    #       fuelwood 20·0.8·0.625 = 10;
    #       disturbance 2·(60·0.75 = 45)·1.25·0.5 = 56.25 → net −3.75 t C → −13.75 t CO2e/yr
    #       (a source)
    assert float(r.sel(species="pine", year=2020).squeeze()) == pytest.approx(-13.75)


def test_gain_loss_fang(simple_params):
    data = inventory(AREA_GL, STOCK_GL, **GAIN_LOSS)
    r = county_sink(data, simple_params, "gain-loss", "fang")
    # pine, marginal biomass a = 0.5 t/m³ (roots included, R not applied), CF 0.5:
    #   gain 300·0.5·0.5 = 75; harvest 100·0.25 = 25; fuelwood 20·0.25 = 5;
    #   disturbance 2 ha · (0.5·60 + 20 = 50 t/ha) · 0.5 = 50 → net −5 t C → −18.33 t CO2e/yr
    assert float(r.sel(species="pine", year=2020).squeeze()) == pytest.approx(-5 * 44 / 12)


def test_gain_loss_absent_losses_are_zero_and_listed(simple_params):
    data = inventory(AREA_GL, STOCK_GL, forest_increment=GAIN_LOSS["forest_increment"])
    r = county_sink(data, simple_params, "gain-loss")
    # pine: gain only, 112.5 t C → 412.5 t CO2e/yr
    assert float(r.sel(species="pine", year=2020).squeeze()) == pytest.approx(412.5)
    assert (
        r.attrs["losses_not_in_inventory"]
        == "forest.harvest, forest.fuelwood, forest.disturbance_area"
    )


def test_gain_loss_needs_increment(simple_params):
    with pytest.raises(InputError, match="forest.increment"):
        county_sink(inventory(AREA, STOCK), simple_params, "gain-loss")


def test_unknown_method_is_refused(simple_params):
    with pytest.raises(InputError, match="method"):
        county_sink(inventory(AREA, STOCK), simple_params, "guess")
    with pytest.raises(InputError, match="biomass"):
        county_sink(inventory(AREA, STOCK), simple_params, biomass="allometric")


def test_missing_parameters_are_all_listed():
    species = ("pinus_massoniana", "broadleaf_mixed", "bamboo")
    params = species_parameters(
        yaml_lookup,
        ["pinus_massoniana"],
        ["wood_density", "bef", "root_shoot_ratio", "carbon_fraction"],
    )
    data = inventory([[[1.0] * 3] * 2], [[[100.0] * 3] * 2], species=species)
    with pytest.raises(MissingCoefficientError) as info:
        county_sink(data, params)
    missing = set(info.value.missing)
    expected = {
        (f"carbon.{n}", sp)
        for n in ("wood_density", "bef", "root_shoot_ratio", "carbon_fraction")
        for sp in ("broadleaf_mixed", "bamboo")
    }
    assert missing == expected
    assert "bamboo has no volume-based" in str(info.value)


def test_excluded_species_are_dropped_and_recorded(simple_params):
    data = inventory(
        [[[100.0, 50.0, 5.0]] * 2],
        [[[5000.0, 4000.0, 0.0], [6000.0, 4500.0, 0.0]]],
        species=("pine", "oak", "bamboo"),
    )
    r = county_sink(data, simple_params, exclude_species=["bamboo"])
    assert list(r["species"].values) == ["pine", "oak"]
    assert r.attrs["excluded_species"] == "bamboo"
    assert float(r.sel(year=2020, species="pine").squeeze()) == pytest.approx(275.0)
    with pytest.raises(MissingCoefficientError, match="bamboo"):
        county_sink(data, simple_params)


def test_missing_parameters_from_the_coefficient_files():
    # BEF route for broadleaf_mixed: WD and BEF are a gap in the national table;
    # bamboo lacks everything
    with pytest.raises(MissingCoefficientError) as info:
        species_parameters(
            yaml_lookup,
            ["broadleaf_mixed", "bamboo", "quercus"],
            ["wood_density", "bef", "root_shoot_ratio", "carbon_fraction"],
        )
    assert set(info.value.missing) == {
        ("carbon.wood_density", "broadleaf_mixed"),
        ("carbon.bef", "broadleaf_mixed"),
        ("carbon.wood_density", "bamboo"),
        ("carbon.bef", "bamboo"),
        ("carbon.root_shoot_ratio", "bamboo"),
        ("carbon.carbon_fraction", "bamboo"),
    }


def test_dask_backed_inventory_gives_the_same_answer(simple_params):
    pytest.importorskip("dask")
    data = inventory(AREA, STOCK)
    eager = county_sink(data, simple_params)
    lazy = county_sink(data.chunk({"region": 1}), simple_params)
    xr.testing.assert_allclose(eager, lazy.compute())


def test_national_coefficients_run_for_every_route(lookup):
    species = ["pinus_massoniana", "cunninghamia", "quercus"]
    params = species_parameters(
        lookup,
        species,
        [
            "wood_density",
            "bef",
            "root_shoot_ratio",
            "carbon_fraction",
            "fang_a",
            "fang_b",
            "bcef_s",
        ],
    )
    data = inventory([[[100.0] * 3] * 2], [[[5000.0] * 3, [6000.0] * 3]], species=species)
    for route in ("bef", "bcef", "fang"):
        r = county_sink(data, params, biomass=route)
        assert bool((r.sel(year=2020) > 0).all()), route
