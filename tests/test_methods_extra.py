"""New method variants (gep.methods): hand-computed NEP carbon and temperature-difference
cooling."""

from __future__ import annotations

import numpy as np
import pint
import pytest
import xarray as xr

from gep.coefficients import load_set
from gep.methods import (
    air_column_heat_capacity,
    co2_from_biomass_change,
    co2_from_nep,
    co2_from_nep_total,
    cooling_electricity,
    cooling_energy_temperature_difference,
    nep,
)
from gep.units import ureg

Q = ureg.Quantity


def test_nep_hand_numbers():
    # NEP = 650 − 420 = 230 g C m⁻²
    assert nep(Q(650, "g / m**2"), Q(420, "g / m**2")).to("g / m**2").magnitude == 230


def test_co2_from_nep_hand_numbers():
    # NPP 600, Rh 400 g C m⁻² → NEP 200 g C m⁻² = 2 t C ha⁻¹; × 50 ha = 100 t C;
    # × 44/12 = 366.67 t CO2
    q = co2_from_nep(Q(600, "g / m**2"), Q(400, "g / m**2"), Q(50, "hectare"))
    assert q.units == ureg.tCO2e
    assert q.magnitude == pytest.approx(100 * 44 / 12)
    # the same area in 亩 (750 亩 = 50 ha) gives the same result
    assert co2_from_nep(
        Q(600, "g / m**2"), Q(400, "g / m**2"), Q(750, "mu")
    ).magnitude == pytest.approx(100 * 44 / 12)


def test_co2_from_nep_source_is_negative():
    # NPP 300 < Rh 360 → −60 g C m⁻² = −0.6 t C ha⁻¹; × 10 ha × 44/12 = −22 t CO2
    q = co2_from_nep(Q(300, "g / m**2"), Q(360, "g / m**2"), Q(10, "hectare"))
    assert q.magnitude == pytest.approx(-22.0)


def test_co2_from_nep_on_arrays_by_ecosystem():
    eco = ["forest.broadleaf", "grassland"]
    npp = xr.DataArray([700.0, 400.0], dims=["ecosystem"], coords={"ecosystem": eco})
    npp.attrs["units"] = "g / m ** 2"
    rh = xr.DataArray([500.0, 350.0], dims=["ecosystem"], coords={"ecosystem": eco})
    rh.attrs["units"] = "g / m ** 2"
    area = xr.DataArray([1000.0, 200.0], dims=["ecosystem"], coords={"ecosystem": eco})
    area.attrs["units"] = "hectare"
    out = co2_from_nep(npp, rh, area)
    # forest: 200 g/m² = 2 t/ha × 1000 ha = 2000 t C → 7333.33 t CO2
    # grass: 50 g/m² = 0.5 t/ha × 200 ha = 100 t C → 366.67 t CO2
    np.testing.assert_allclose(out.values, [2000 * 44 / 12, 100 * 44 / 12])
    assert out.attrs["units"] == "tCO2e"


def test_co2_from_nep_rejects_wrong_dimension():
    with pytest.raises(pint.DimensionalityError, match="npp"):
        co2_from_nep(Q(600, "g"), Q(400, "g / m**2"), Q(1, "hectare"))


def test_co2_from_nep_total():
    # 30 t C → 110 t CO2
    assert co2_from_nep_total(Q(30, "t")).magnitude == pytest.approx(110.0)


def test_biomass_change_delegates_to_gep_carbon():
    from gep.carbon.biomass import co2e_from_carbon
    from gep.carbon.ipcc import stock_difference

    # stocks 1000 → 1120 t C over 2018 → 2023: 24 t C a⁻¹ → 88 t CO2 a⁻¹
    assert co2_from_biomass_change(1000.0, 1120.0, 2018, 2023) == pytest.approx(88.0)
    assert co2_from_biomass_change(1000.0, 1120.0, 2018, 2023) == co2e_from_carbon(
        stock_difference(1000.0, 1120.0, 2018, 2023)
    )


def test_air_column_heat_capacity():
    # 1.21 kJ m⁻³ K⁻¹ × 10 m = 12.1 kJ m⁻² K⁻¹
    c = air_column_heat_capacity(Q(1.21, "kJ / m**3 / K"), Q(10, "m"))
    assert c.to("kJ / m**2 / K").magnitude == pytest.approx(12.1)


def test_cooling_energy_hand_numbers():
    # 1 ha = 10 000 m²; ΔT 2 K; C_a 12.1 kJ m⁻² K⁻¹; 30 days
    # 10 000 × 2 × 12.1 × 30 = 7 260 000 kJ = 2016.67 kWh
    e = cooling_energy_temperature_difference(
        Q(1, "hectare"), Q(2, "kelvin"), Q(12.1, "kJ / m**2 / K"), Q(30, "day")
    )
    assert e.units == ureg.kWh
    assert e.magnitude == pytest.approx(7_260_000 / 3600)
    # ÷ EER 3 → 672.22 kWh of electricity
    assert cooling_electricity(e, 3.0).magnitude == pytest.approx(7_260_000 / 3600 / 3)


def test_cooling_energy_delta_in_celsius_difference_is_the_same():
    e1 = cooling_energy_temperature_difference(
        Q(5000, "m**2"), Q(1.5, "delta_degC"), Q(12.1, "kJ / m**2 / K"), Q(10, "day")
    )
    # 5000 × 1.5 × 12.1 × 10 / 3600 = 252.08 kWh
    assert e1.magnitude == pytest.approx(5000 * 1.5 * 12.1 * 10 / 3600)


def test_cooling_with_the_bundled_coefficients():
    s = load_set("national")
    cv = s.array("regulating.climate_regulation.air_volumetric_heat_capacity", [2022])
    h = s.array("regulating.climate_regulation.air_layer_height", [2022])
    ca = air_column_heat_capacity(cv, h)
    assert float(ca.values[0]) == pytest.approx(1.21 * 10.0)
    for cid in (
        "regulating.climate_regulation.air_volumetric_heat_capacity",
        "regulating.climate_regulation.air_layer_height",
    ):
        # unverified parameters are never labelled a standard's value
        assert {e.status for e in s[cid].values} == {"illustrative"}
