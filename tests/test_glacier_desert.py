"""Glacier/snow (冰川积雪) and desert (荒漠) are fully accountable (issue 10 item 2).

``tests/data/glacier_desert``: one county (200001), 2020, with the mini coefficient set
(prices in 2020 prices, so no index factor)::

    area   forest.broadleaf 100 ha, grassland 50 ha, water 20 ha,
           glacier_snow 60 ha, desert 30 ha
    precipitation 1000 mm; runoff / ET: forest 100 / 500 mm, grassland 200 / 500 mm
    RUSLE  R 4000, K 0.005 (R·K = 20 t/ha), LS 2, P 1, C forest 0.1, grassland 0.2
    climate.hot_days 30 d, climate.water_evaporation 100 mm; emission.so2 100 t

Every table an indicator reads for every ecosystem of the inventory (carbon rate, the ecosystem
sets, transpiration heat, air-purification capacity) has a value for glacier_snow and desert;
the national set is checked with an inventory holding every ecosystem of the catalogue.
"""

from __future__ import annotations

import shutil

import pytest

from gep.accounting import account
from gep.catalog import ecosystem_catalog
from gep.coefficients import load_set
from gep.inventory import load_dataset
from tests.conftest import ROOT

GD = ROOT / "tests" / "data" / "glacier_desert"
MINI_COEF = ROOT / "tests" / "data" / "coefficients" / "mini"
R, Y = "200001", 2020


@pytest.fixture(scope="module")
def gd():
    return load_dataset(GD)


@pytest.fixture(scope="module")
def mini_coef():
    return load_set(MINI_COEF)


def _v(acc, ind):
    return float(acc.value.sel(region=R, year=Y, indicator=ind))


def _p(acc, ind):
    return float(acc.physical(ind).sel(region=R, year=Y))


def _without_glacier_desert(tmp_path):
    folder = tmp_path / "ds"
    shutil.copytree(GD, folder)
    inv = folder / "inventory.csv"
    lines = inv.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [ln for ln in lines if ",glacier_snow," not in ln and ",desert," not in ln]
    assert len(kept) == len(lines) - 2
    inv.write_text("".join(kept), encoding="utf-8")
    return load_dataset(folder)


def test_ndrc_indicators_by_hand(gd, mini_coef):
    inc = ["regulating.pest_control", "regulating.oxygen_release"]
    acc = account(gd, mini_coef, include=inc)
    # water conservation: set = forest, shrub, grassland, wetland (glacier/desert 0)
    # forest (1000-100-500) mm × 100 ha = 0.4 m × 1e6 m² = 400,000 m³
    # grassland (1000-200-500) mm × 50 ha = 0.3 m × 5e5 m² = 150,000 m³; × 5 CNY/m³
    assert _p(acc, "regulating.water_conservation") == pytest.approx(550_000)
    assert _v(acc, "regulating.water_conservation") == pytest.approx(2_750_000)
    # soil conservation: R·K·LS·(1 − C·P) × A: forest 40 × 0.9 × 100 = 3,600 t,
    # grassland 40 × 0.8 × 50 = 1,600 t → 5,200 t; value = 0.24 × 5200/1.2 × 12 (dredging)
    # + 5200 × (0.002 × 1000 + 0.001 × 3000) (N, P) = 12,480 + 26,000
    assert _p(acc, "regulating.soil_conservation") == pytest.approx(5200)
    assert _v(acc, "regulating.soil_conservation") == pytest.approx(38_480)
    # carbon: forest 4 × 100 + grassland 1 × 50 + water/glacier/desert 0 = 450 tCO2e × 100
    assert _p(acc, "regulating.carbon_sequestration") == pytest.approx(450)
    assert _v(acc, "regulating.carbon_sequestration") == pytest.approx(45_000)
    # oxygen: 450 × 32/44 t O2 × 500 CNY/t
    assert _v(acc, "regulating.oxygen_release") == pytest.approx(450 * 32 / 44 * 500)
    # climate: transpiration forest 3600 kJ/m²/d × 1e6 m² × 30 d / 3600 / 3 = 1e7 kWh,
    # grassland 1800 × 5e5 × 30 / 3600 / 3 = 2.5e6 kWh; glacier/desert not in the set;
    # evaporation: water 20 ha × 0.1 m = 2e4 m³ × 1e6 g × 2450 J/g / 3.6e6 J/kWh
    # + 2e4 m³ × 100 kWh/m³ (humidifier)
    kwh = 1e7 + 2.5e6 + 2e4 * 1e6 * 2450 / 3.6e6 + 2e4 * 100
    assert _p(acc, "regulating.climate_regulation") == pytest.approx(kwh)
    assert _v(acc, "regulating.climate_regulation") == pytest.approx(kwh * 0.5)
    # pest control: forest 100 ha × 300 + grassland 50 ha × 100 (glacier/desert not counted)
    assert _v(acc, "regulating.pest_control") == pytest.approx(35_000)
    # air purification (emission rule): 100 t SO2 × 1000 CNY/t
    assert _v(acc, "regulating.air_purification") == pytest.approx(100_000)


def test_glacier_and_desert_add_nothing_to_the_ndrc_account(tmp_path, gd, mini_coef):
    inc = ["regulating.pest_control", "regulating.oxygen_release"]
    with_gd = account(gd, mini_coef, include=inc)
    without = account(_without_glacier_desert(tmp_path), mini_coef, include=inc)
    for ind in with_gd.indicator_ids:
        a = with_gd.value.sel(region=R, year=Y, indicator=ind)
        b = without.value.sel(region=R, year=Y, indicator=ind)
        assert bool(a.isnull()) == bool(b.isnull()), ind
        if not bool(a.isnull()):
            assert float(a) == pytest.approx(float(b)), ind


def test_capacity_rule_reads_glacier_and_desert(gd, mini_coef):
    acc = account(gd, mini_coef, options={"purification_rule": "min"})
    # capacity: forest 10 kg/ha × 100 + grassland 2 × 50 + glacier/desert/water 0 = 1.1 t;
    # min(100 t emitted, 1.1 t) × 1000 CNY/t
    assert _p(acc, "regulating.air_purification") == pytest.approx(1.1)
    assert _v(acc, "regulating.air_purification") == pytest.approx(1100)


# Xie et al. 2015 equivalent factors (gep_indicators.md §6), per class:
# broadleaf (forest.broadleaf), shrub_grass (grassland), water, glacier, desert
XIE = {
    "material.food": (0.29, 0.38, 0.80, 0.00, 0.01),
    "material.raw_materials": (0.66, 0.56, 0.23, 0.00, 0.03),
    "material.water_supply": (0.34, 0.31, 8.29, 2.16, 0.02),
    "regulating.gas_regulation": (2.17, 1.97, 0.77, 0.18, 0.11),
    "regulating.climate_regulation": (6.50, 5.21, 2.29, 0.54, 0.10),
    "regulating.purification": (1.93, 1.72, 5.55, 0.16, 0.31),
    "regulating.hydrological_regulation": (4.74, 3.82, 102.24, 7.13, 0.21),
    "supporting.soil_conservation": (2.65, 2.40, 0.93, 0.00, 0.13),
    "supporting.nutrient_cycling": (0.20, 0.18, 0.07, 0.00, 0.01),
    "supporting.biodiversity": (2.41, 2.18, 2.55, 0.01, 0.12),
    "cultural.aesthetic_landscape": (1.06, 0.96, 1.89, 0.09, 0.05),
}
AREAS = (100, 50, 20, 60, 30)  # ha, in the order of XIE


def test_xie2015_profile_by_hand(gd, mini_coef):
    acc = account(gd, mini_coef, profile="xie-2015")
    d = 3000.0  # CNY/ha, the mini standard equivalent (2020 prices)
    assert sorted(acc.indicator_ids) == sorted(XIE)
    for ind, factors in XIE.items():
        want = sum(a * f for a, f in zip(AREAS, factors, strict=True)) * d
        assert _v(acc, ind) == pytest.approx(want), ind
        parts = acc.components[ind]["value"].sel(region=R, year=Y)
        assert float(parts.sel(component="glacier_snow")) == pytest.approx(60 * factors[3] * d)
        assert float(parts.sel(component="desert")) == pytest.approx(30 * factors[4] * d)
    # e.g. hydrological regulation: (100×4.74 + 50×3.82 + 20×102.24 + 60×7.13 + 30×0.21) × 3000
    # = (474 + 191 + 2044.8 + 427.8 + 6.3) × 3000 = 3143.9 × 3000
    assert _v(acc, "regulating.hydrological_regulation") == pytest.approx(9_431_700)


def test_national_set_covers_glacier_and_desert(gd):
    national = load_set("national")
    inc = ["regulating.pest_control", "regulating.oxygen_release"]
    acc = account(gd, national, include=inc)
    # national per-area rates: forest 3.7 × 100 + grassland 3.5 × 50; glacier/desert 0
    assert _p(acc, "regulating.carbon_sequestration") == pytest.approx(3.7 * 100 + 3.5 * 50)
    rate = national["regulating.carbon_sequestration.rate"].entry_for(Y)
    assert rate.value["glacier_snow"] == 0 and rate.value["desert"] == 0
    assert "Niu et al. 2020" in rate.note and "glacier_snow = 0" in rate.note
    # Xie 2015 with the national standard equivalent: the glacier and desert parts are in the
    # ratio of their area × factor (D cancels), e.g. hydrological 60×7.13 : 30×0.21
    xie = account(gd, national, profile="xie-2015")
    parts = xie.components["regulating.hydrological_regulation"]["value"].sel(region=R, year=Y)
    ratio = float(parts.sel(component="glacier_snow")) / float(parts.sel(component="desert"))
    assert ratio == pytest.approx(60 * 7.13 / (30 * 0.21))


@pytest.mark.parametrize("set_name", ["national", "ankang"])
def test_every_catalogue_ecosystem_is_accountable(tmp_path, set_name):
    """An inventory holding every ecosystem of gep/ecosystems.yaml runs under the national
    (and Ankang) set: no per-ecosystem table misses one."""
    folder = tmp_path / "ds"
    shutil.copytree(GD, folder)
    have = {"forest.broadleaf", "grassland", "water", "glacier_snow", "desert"}
    extra = [code for code in ecosystem_catalog() if code not in have]
    with open(folder / "inventory.csv", "a", encoding="utf-8") as f:
        for code in extra:
            f.write(f"{R},{Y},area,{code},,10,hectare,illustrative: test\n")
    # the land area grows with the added rows (the loader checks extent against it)
    km2 = (260 + 10 * len(extra)) / 100
    regions = (folder / "regions.csv").read_text(encoding="utf-8")
    (folder / "regions.csv").write_text(regions.replace(",2.6,km**2,", f",{km2},km**2,"), "utf-8")
    ds = load_dataset(folder)
    cs = load_set(set_name)
    inc = ["regulating.pest_control", "regulating.oxygen_release"]
    acc = account(ds, cs, include=inc)
    for ind in ("regulating.carbon_sequestration", "regulating.climate_regulation"):
        assert _v(acc, ind) > 0, ind
    xie = account(ds, cs, profile="xie-2015")
    parts = xie.components["regulating.hydrological_regulation"]["value"].sel(region=R, year=Y)
    assert set(map(str, parts["component"].values)) >= set(ecosystem_catalog()) - {"urban"}
