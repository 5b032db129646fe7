"""End-to-end account of the mini dataset against hand arithmetic.

Mini dataset (tests/data/mini, coefficient set tests/data/coefficients/mini): county A
(100001, 10,000 ha) and county B (100002, 5,000 ha), 2020–2021. Prices are 2020 prices; the
test CPI is 110 in 2021 (上年=100) and the construction index 105, so 2021 prices are ×1.10
or ×1.05.
"""

from __future__ import annotations

import numpy as np
import pytest

from gep.accounting import account


def v(acc, region, year, ind):
    return float(acc.value.sel(region=region, year=year, indicator=ind))


def p(acc, region, year, ind):
    return float(acc.physical(ind).sel(region=region, year=year))


def test_material(mini_account):
    a = mini_account
    # A 2020: grain 1000 t × 3000 + tea 10 t × 100,000 + reported 100 万元 = 3e6 + 1e6 + 1e6
    assert v(a, "100001", 2020, "material.agriculture") == pytest.approx(5e6)
    # A 2021: (3e6 + 1e6) × 1.10 + 1e6 (reported value is already in 2021 prices)
    assert v(a, "100001", 2021, "material.agriculture") == pytest.approx(5.4e6)
    # B has grain only: its missing tea row counts as zero, not "not assessed"
    assert v(a, "100002", 2020, "material.agriculture") == pytest.approx(1.5e6)
    assert p(a, "100001", 2020, "material.agriculture") == pytest.approx(1010.0)
    # water: 1e6 × 3 + 2e6 × 4 + 5e6 × 0.1 = 11.5e6
    assert v(a, "100001", 2020, "material.water_supply") == pytest.approx(11.5e6)
    # hydropower B: 100 万kWh × 0.3 = 300,000
    assert v(a, "100002", 2020, "material.hydropower") == pytest.approx(3e5)
    # pigs: 1000 head × 2000 CNY/head
    assert v(a, "100001", 2020, "material.livestock") == pytest.approx(2e6)


def test_water_conservation(mini_account):
    a = mini_account
    # A 2020: broadleaf (1000−100−500) mm × 6000 ha × 10 = 24e6 m³;
    #   shrub (1000−150−550) × 1000 × 10 = 3e6
    assert p(a, "100001", 2020, "regulating.water_conservation") == pytest.approx(27e6)
    assert v(a, "100001", 2020, "regulating.water_conservation") == pytest.approx(27e6 * 5)
    # A 2021: broadleaf 6100 ha → 24.4e6 + 3e6 = 27.4e6 m³ × 5 × 1.05
    assert v(a, "100001", 2021, "regulating.water_conservation") == pytest.approx(27.4e6 * 5.25)
    # B: coniferous (800−80−420) × 3000 × 10 = 9e6; grassland (800−200−500) × 1000 × 10 = 1e6
    assert p(a, "100002", 2020, "regulating.water_conservation") == pytest.approx(10e6)


def test_soil_conservation(mini_account):
    a = mini_account
    # A: R·K = 20 t/ha; broadleaf 20×2×0.9×6000 = 216,000; shrub 20×2×0.8×1000 = 32,000;
    #    dry farmland 20×1×(1−0.25)×2000 = 30,000 → 278,000 t
    assert p(a, "100001", 2020, "regulating.soil_conservation") == pytest.approx(278000.0)
    # value = 0.24×278,000/1.2×12 + 278,000×(0.002×1000 + 0.001×3000) = 667,200 + 1,390,000
    assert v(a, "100001", 2020, "regulating.soil_conservation") == pytest.approx(2057200.0)


def test_flood_purification_carbon(mini_account):
    a = mini_account
    # flood B: 0.35 × 2e6 m³ = 700,000 m³ × 5 CNY/m³ (no wetland, no lake term)
    assert v(a, "100002", 2020, "regulating.flood_regulation") == pytest.approx(3.5e6)
    # air A: 100×1000 + 200×500 + 50×100 = 205,000 (rule "emission")
    assert v(a, "100001", 2020, "regulating.air_purification") == pytest.approx(205000.0)
    # water A: 300×700 + 20×1000 = 230,000
    assert v(a, "100001", 2020, "regulating.water_purification") == pytest.approx(230000.0)
    # carbon A: 6000×4 + 1000×2 + 2000×0.5 = 27,000 tCO2e × 100
    assert p(a, "100001", 2020, "regulating.carbon_sequestration") == pytest.approx(27000.0)
    assert v(a, "100001", 2020, "regulating.carbon_sequestration") == pytest.approx(2.7e6)


def test_climate_regulation(mini_account):
    a = mini_account
    # transpiration A: (3600×6e7 + 1800×1e7 + 1800×2e7) kJ × 30 d / (3600 × 3)
    #   = 6e8 + 5e7 + 1e8 = 7.5e8 kWh
    # water surface A: 0.1 m × 5e6 m² = 5e5 m³; 5e5 × 2450/3.6 + 5e5 × 100 = 3.40278e8 + 5e7 kWh
    expected = 7.5e8 + 5e5 * 2450 / 3.6 + 5e7
    assert p(a, "100001", 2020, "regulating.climate_regulation") == pytest.approx(expected)
    assert v(a, "100001", 2020, "regulating.climate_regulation") == pytest.approx(expected * 0.5)


def test_cultural_and_not_assessed(mini_account):
    a = mini_account
    assert v(a, "100002", 2020, "cultural.recreation") == pytest.approx(5e4 * 1000)
    assert v(a, "100001", 2020, "cultural.landscape") == pytest.approx(1e6)
    assert np.isnan(v(a, "100002", 2020, "cultural.landscape"))
    assert all(np.isnan(a.value.sel(indicator="regulating.sand_fixation").values.ravel()))
    reasons = {(n["indicator"], n["region"]) for n in a.not_assessed}
    assert ("regulating.sand_fixation", None) in reasons and (
        "cultural.landscape",
        "100002",
    ) in reasons


def test_aggregates(mini_account):
    a = mini_account
    gep = a.gep()
    # GEP = sum of the assessed indicators; city = sum of counties
    assert float(gep.sel(region="100001", year=2020)) == pytest.approx(
        np.nansum(a.value.sel(region="100001", year=2020).values)
    )
    assert float(a.city_gep().sel(year=2020)) == pytest.approx(float(gep.sel(year=2020).sum()))
    cats = a.by_category()
    assert float(cats.sum("category").sel(region="100002", year=2021)) == pytest.approx(
        float(gep.sel(region="100002", year=2021))
    )
    # per km²: A is 100 km²
    assert float(a.per_km2().sel(region="100001", year=2020)) == pytest.approx(
        float(gep.sel(region="100001", year=2020)) / 100
    )
    # per capita and GEP/GDP from inventory rows
    assert float(a.per_capita().sel(region="100002", year=2020)) == pytest.approx(
        float(gep.sel(region="100002", year=2020)) / 5e4
    )
    assert float(a.gep_gdp_ratio().sel(region="100001", year=2020)) == pytest.approx(
        float(gep.sel(region="100001", year=2020)) / 1e9
    )
    r = a.ranking(2020)
    assert list(r["region"]) == ["100001", "100002"] and list(r["rank"]) == [1, 2]


def test_comparable_prices(mini_account):
    a = mini_account
    comp = a.comparable(2020)
    # 2021 water conservation at 2020 prices = 27.4e6 m³ × 5 (construction deflator 1/1.05)
    assert float(
        comp.sel(region="100001", year=2021, indicator="regulating.water_conservation")
    ) == pytest.approx(27.4e6 * 5)
    # agriculture deflated by CPI: 5.4e6 / 1.1
    assert float(
        comp.sel(region="100001", year=2021, indicator="material.agriculture")
    ) == pytest.approx(5.4e6 / 1.1)
    g = a.growth()
    assert np.isnan(float(g.sel(region="100001", year=2020)))
    nominal = a.growth(comparable=False)
    assert float(nominal.sel(region="100001", year=2021)) > float(g.sel(region="100001", year=2021))


def test_years_and_profile_selection(mini, mini_coef):
    a = account(
        mini,
        mini_coef,
        years=[2021],
        include=["regulating.oxygen_release", "regulating.pest_control"],
    )
    assert a.years == [2021]
    # O2 = 32/44 × 27,000 tCO2e (2021 A: 6100×4 + 1000×2 + 1900×0.5 = 27,350)
    assert p(a, "100001", 2021, "regulating.oxygen_release") == pytest.approx(27350 * 32 / 44)
    # pest: 6100 ha × 300 CNY/ha (2020 prices) × 1.05
    assert v(a, "100001", 2021, "regulating.pest_control") == pytest.approx(6100 * 300 * 1.05)
    x = account(mini, mini_coef, profile="xie-2015")
    assert "supporting.biodiversity" in x.indicator_ids
    # paddy's negative water-supply factor is kept: B has 500 ha paddy (−2.63)
    from gep.errors import InputError

    with pytest.raises(InputError, match="unknown indicator"):
        account(mini, mini_coef, include=["regulating.nope"])
    with pytest.raises(InputError, match="not in the inventory"):
        account(mini, mini_coef, years=[2030])


def test_purification_capacity_rule(mini, mini_coef):
    # capacity SO2 for A: forest 10 kg/ha × 6000 + shrub 5 × 1000 + farmland 1 × 2000
    #   = 67,000 kg = 67 t
    a = account(
        mini,
        mini_coef,
        options={"purification_rule": "min"},
        exclude=["regulating.water_purification"],
    )
    comps = a.components["regulating.air_purification"]["physical"]
    assert float(comps.sel(region="100001", year=2020, component="so2")) == pytest.approx(
        67.0
    )  # min(100, 67)
    assert float(comps.sel(region="100001", year=2020, component="nox")) == pytest.approx(
        67.0
    )  # min(200, 67)
    assert float(comps.sel(region="100002", year=2020, component="so2")) == pytest.approx(
        10.0
    )  # min(10, B cap)


def test_capacity_rule_without_capacity_coefficients_lists_missing(mini, mini_coef):
    from gep.errors import MissingCoefficientError

    with pytest.raises(MissingCoefficientError, match="capacity.cod"):
        account(mini, mini_coef, options={"purification_rule": "capacity"})


def test_provenance_and_frame(mini_account):
    prov = mini_account.provenance()
    assert prov["dataset"]["name"] == "mini" and len(prov["dataset"]["hash"]) == 16
    assert prov["coefficients"]["name"] == "mini"
    df = mini_account.to_frame()
    assert len(df) == 2 * 2 * len(mini_account.indicators)
    assert set(df.columns) >= {
        "region",
        "region_name",
        "year",
        "indicator",
        "category",
        "physical",
        "physical_unit",
        "value",
    }


def test_every_missing_coefficient_reported_at_once(mini, mini_coef):
    from gep.errors import MissingCoefficientError

    reduced = {
        k: v
        for k, v in mini_coef.coefficients.items()
        if k not in ("material.hydropower.price", "cultural.recreation.travel_cost")
    }
    from gep.coefficients import CoefficientSet

    broken = CoefficientSet("broken", reduced)
    with pytest.raises(MissingCoefficientError) as exc:
        account(mini, broken)
    text = str(exc.value)
    assert "material.hydropower.price" in text and "cultural.recreation.travel_cost" in text


def test_dask_backed_inventory_gives_the_same_account(mini, mini_coef, mini_account):
    lazy = account(mini.data.chunk({"region": 1}), mini_coef)
    assert type(lazy.value.data).__module__.startswith("dask")
    np.testing.assert_allclose(lazy.value.compute().values, mini_account.value.values)


def test_account_pickles(mini_account):
    # st.cache_data pickles return values: the registry holds no lambdas, units survive
    import pickle

    again = pickle.loads(pickle.dumps(mini_account))
    np.testing.assert_allclose(again.gep().values, mini_account.gep().values)


def test_extra_dims_broadcast_through_mixed_parts(mini, mini_coef):
    # a price with a draw dim next to a reported output value without one (concat must broadcast)
    import xarray as xr

    base = mini_coef.array("material.agriculture.price.grain", [2020, 2021])
    factor = xr.DataArray([1.0, 2.0], dims="draw", coords={"draw": [0, 1]})
    extra = {
        "material.agriculture.price.grain": (base * factor).assign_attrs(units=base.attrs["units"])
    }
    a = account(mini, mini_coef, extra_coefficients=extra)
    # draw 0: 3e6 + 1e6 + 1e6; draw 1: grain doubled → 6e6 + 1e6 + 1e6
    got = a.value.sel(indicator="material.agriculture", region="100001", year=2020).values
    assert got.tolist() == pytest.approx([5e6, 8e6])


def test_not_assessed_reason_names_the_missing_input(mini_copy, mini_coef):
    import pandas as pd

    from gep.inventory import load_dataset

    df = pd.read_csv(mini_copy / "inventory.csv", dtype=str, keep_default_na=False)
    df = df[~((df["item"] == "runoff") & (df["region"] == "100001") & (df["ecosystem"] == "shrub"))]
    df.to_csv(mini_copy / "inventory.csv", index=False)
    a = account(load_dataset(mini_copy), mini_coef)
    # shrub has 1,000 ha in county A but no runoff: A is not assessed, never a silent partial sum
    assert np.isnan(v(a, "100001", 2020, "regulating.water_conservation"))
    assert v(a, "100002", 2020, "regulating.water_conservation") == pytest.approx(50e6)
    reason = next(
        n["reason"]
        for n in a.not_assessed
        if n["indicator"] == "regulating.water_conservation" and n["region"] == "100001"
    )
    assert "runoff for shrub" in reason
