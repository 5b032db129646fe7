"""Each formula on a tiny input, with the arithmetic written out."""

from __future__ import annotations

import pint
import pytest
import xarray as xr

from gep.indicators import cultural, material, regulating, xie2015
from gep.units import Q_


def test_water_balance_retention():
    # (1000 − 100 − 500) mm × 2 ha = 0.4 m × 20,000 m² = 8,000 m³
    q = regulating.water_balance_retention(
        Q_(1000, "mm"), Q_(100, "mm"), Q_(500, "mm"), Q_(2, "hectare")
    )
    assert q.to("m**3").magnitude == pytest.approx(8000.0)
    # ET exceeding P − R retains nothing (never a negative service)
    q = regulating.water_balance_retention(
        Q_(500, "mm"), Q_(100, "mm"), Q_(600, "mm"), Q_(2, "hectare")
    )
    assert q.magnitude == 0.0
    # inputs in other units: 1 m of rain, 30 亩 = 2 ha
    q = regulating.water_balance_retention(Q_(1, "m"), Q_(10, "cm"), Q_(0.5, "m"), Q_(30, "mu"))
    assert q.to("m**3").magnitude == pytest.approx(8000.0)


def test_wrong_dimension_names_the_parameter():
    with pytest.raises(pint.DimensionalityError, match="area"):
        regulating.water_balance_retention(
            Q_(1000, "mm"), Q_(100, "mm"), Q_(500, "mm"), Q_(2, "kg")
        )
    with pytest.raises(TypeError, match="must carry units"):
        regulating.water_balance_retention(1000, 100, 500, 2)


def test_shadow_project_value():
    assert regulating.shadow_project_value(
        Q_(8000, "m**3"), Q_(7.06, "CNY/m**3")
    ).magnitude == pytest.approx(56480.0)


def test_rusle_and_soil_values():
    # R·K = 4000 × 0.005 = 20 t/(ha·a); × LS 2 × (1 − 0.1·1) × 6000 ha = 216,000 t
    q = regulating.rusle_soil_retention(
        Q_(4000, "MJ*mm/(hectare*hour*year)"),
        Q_(0.005, "t*hectare*hour/(hectare*MJ*mm)"),
        2.0,
        0.1,
        1.0,
        Q_(6000, "hectare"),
    )
    assert q.to("t").magnitude == pytest.approx(216000.0)
    # sediment: 0.24 × 216,000 t / 1.2 t/m³ × 12 CNY/m³ = 518,400 CNY
    v = regulating.sediment_reduction_value(q, 0.24, Q_(1.2, "t/m**3"), Q_(12, "CNY/m**3"))
    assert v.magnitude == pytest.approx(518400.0)
    # nutrients: 216,000 × (0.002 × 1000 + 0.001 × 3000) = 216,000 × 5 = 1,080,000 CNY
    v = regulating.nutrient_retention_value(q, 0.002, 0.001, Q_(1000, "CNY/t"), Q_(3000, "CNY/t"))
    assert v.magnitude == pytest.approx(1.08e6)


def test_sand_fixation_value():
    # 1,280 t / (1.28 t/m³ × 0.1 m) = 10,000 m² × 3.75 CNY/m² = 37,500 CNY
    assert regulating.sand_fixation_value(
        Q_(1280, "t"), Q_(1.28, "t/m**3"), Q_(0.1, "m"), Q_(3.75, "CNY/m**2")
    ).magnitude == pytest.approx(37500.0)


def test_flood_storage_terms():
    assert regulating.reservoir_flood_storage(Q_(1e6, "m**3"), 0.35).magnitude == pytest.approx(
        350000.0
    )
    # 2 ha × 0.3 m = 20,000 m² × 0.3 m = 6,000 m³  ([1] prints 0.3·S·10⁶ with S in km²)
    assert regulating.marsh_flood_storage(
        Q_(2, "hectare"), Q_(0.3, "m")
    ).magnitude == pytest.approx(6000.0)
    assert regulating.marsh_flood_storage(Q_(1, "km**2"), Q_(0.3, "m")).magnitude == pytest.approx(
        0.3e6
    )


def test_purification_rules():
    e, c = (
        xr.DataArray([100.0, 10.0]).assign_attrs(units="t"),
        xr.DataArray([40.0, 40.0]).assign_attrs(units="t"),
    )
    assert regulating.purified_amount(e, c, rule="emission").values.tolist() == [100.0, 10.0]
    assert regulating.purified_amount(e, c, rule="capacity").values.tolist() == [40.0, 40.0]
    assert regulating.purified_amount(e, c, rule="min").values.tolist() == [40.0, 10.0]
    with pytest.raises(ValueError, match="needs a capacity"):
        regulating.purified_amount(e, None, rule="min")
    assert regulating.abatement_cost_value(Q_(100, "t"), Q_(1200, "CNY/t")).magnitude == 120000.0


def test_carbon_and_oxygen():
    q = regulating.sequestration_rate_method(Q_(4, "tCO2e/hectare/year"), Q_(6000, "hectare"))
    assert q.to("tCO2e").magnitude == pytest.approx(24000.0)
    assert regulating.carbon_value(q, Q_(70, "CNY/tCO2e")).magnitude == pytest.approx(1.68e6)
    # 44 t CO2 fixed releases 32 t O2
    assert regulating.oxygen_from_co2(
        Q_(44, "tCO2e"), Q_(32 / 44, "t / tCO2e")
    ).magnitude == pytest.approx(32.0)


def test_climate_regulation_energy():
    # 3600 kJ/(m²·d) × 6e7 m² × 30 d / (3600 kJ/kWh × 3) = 6e8 kWh
    e = regulating.transpiration_cooling_energy(
        Q_(3600, "kJ/m**2/day"), Q_(6000, "hectare"), Q_(30, "day"), 3.0
    )
    assert e.to("kWh").magnitude == pytest.approx(6e8)
    # 1 m³ evaporated: 1e6 g × 2450 J/g / 3.6e6 J/kWh = 680.56 kWh (+ humidifier 100 kWh)
    e = regulating.evaporation_cooling_energy(Q_(1, "m**3"), Q_(2450, "J/g"), Q_(100, "kWh/m**3"))
    assert e.magnitude == pytest.approx(2450 / 3.6 + 100)
    e = regulating.evaporation_cooling_energy(
        Q_(1, "m**3"), Q_(2450, "J/g"), Q_(100, "kWh/m**3"), eer=3.0
    )
    assert e.magnitude == pytest.approx(2450 / 3.6 / 3 + 100)


def test_market_value_units():
    assert material.market_value(Q_(10, "t"), Q_(3, "万元/t")).to("CNY").magnitude == pytest.approx(
        3e5
    )
    assert material.market_value(Q_(2, "万吨"), Q_(3000, "CNY/t")).magnitude == pytest.approx(6e7)
    with pytest.raises(pint.DimensionalityError):
        material.market_value(Q_(10, "m**3"), Q_(3, "CNY/t"))


def test_cultural():
    assert cultural.travel_cost_value(
        Q_(5, "万人次"), Q_(1000, "CNY/visit")
    ).magnitude == pytest.approx(5e7)
    assert cultural.hedonic_premium_value(
        Q_(1, "hectare"), Q_(100, "CNY/m**2")
    ).magnitude == pytest.approx(1e6)


def test_pest_control():
    assert regulating.pest_control_value(
        Q_(10, "hectare"), Q_(375, "CNY/hectare")
    ).magnitude == pytest.approx(3750.0)


def test_xie_equivalent_value():
    # 100 ha broadleaf × gas-regulation factor 2.17 × D 3406.50 CNY/ha = 739,210.5 CNY
    eq = xie2015.equivalent_area(Q_(100, "hectare"), 2.17)
    assert xie2015.equivalent_factor_value(
        eq, Q_(3406.5, "CNY/hectare")
    ).magnitude == pytest.approx(739210.5)
