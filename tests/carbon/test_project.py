"""Afforestation crediting: growth curve, removals, credited removals, strata and units."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gep.carbon import (
    appraise_project,
    credited_removals,
    crediting_years,
    make_strata,
    parameters_from_mapping,
    project_removals,
    richards_agc,
)
from gep.errors import InputError
from gep.units import Q_

# Hand-friendly curve: a = 100 t C/ha, k = ln 2 (so e^(−k·t) = 0.5^t), m = 1, R = 0.2
#   AGC(1) = 50, AGC(2) = 75, AGC(3) = 87.5 t C/ha
HALF = {
    "richards_a": {"pine": 100.0},
    "richards_k": {"pine": math.log(2)},
    "richards_m": {"pine": 1.0},
    "max_age": {"pine": 10.0},
    "root_shoot_ratio": {"pine": 0.2},
    "dead_wood_fraction": {"pine": 0.02},
    "litter_fraction": {"pine": 0.04},
}


@pytest.mark.parametrize("age, expected", [(10, 14.0), (20, 34.8), (30, 45.4), (40, 49.7)])
def test_richards_masson_pine_matches_reference_table(age, expected):
    # forest_carbon.md §3.5: a 52.12, k 0.1035, m 3 → AGC at 10/20/30/40 yr
    #   = 14.0/34.8/45.4/49.7 t C/ha
    # e.g. t = 10: 52.12 · (1 − e^(−1.035))³ = 52.12 · 0.64477³ = 13.97
    assert richards_agc(age, 52.12, 0.1035, 3) == pytest.approx(expected, abs=0.06)


def test_richards_is_zero_at_age_zero_and_tends_to_a():
    assert richards_agc(0.0, 52.12, 0.1035, 3) == 0.0
    assert richards_agc(500.0, 52.12, 0.1035, 3) == pytest.approx(52.12)


def test_project_removals_hand_computed():
    params = parameters_from_mapping(HALF)
    strata = make_strata(2.0, "pine", 2020)
    out = project_removals(strata, crediting_years(2020, 3), params)
    # tree carbon AGC·(1 + R) = 60, 90, 105 t C/ha → ×44/12 = 220, 330, 385 t CO2e/ha
    # removals = yearly change × 2 ha = 440, 220, 110 t CO2e
    np.testing.assert_allclose(out["removals"].values, [440.0, 220.0, 110.0])
    np.testing.assert_allclose(out["stock"].values, [440.0, 660.0, 770.0])
    assert out["removals"].attrs["units"] == "tCO2e / year"


def test_dead_wood_and_litter_add_default_factors():
    params = parameters_from_mapping(HALF)
    strata = make_strata(2.0, "pine", 2020)
    out = project_removals(strata, crediting_years(2020, 3), params, dead_wood=True, litter=True)
    # factor (1 + 0.2 + 0.02 + 0.04) = 1.26 instead of 1.2 → removals × 1.05
    np.testing.assert_allclose(out["removals"].values, [462.0, 231.0, 115.5])
    assert out.attrs["pools"] == "above-ground tree, below-ground tree, dead wood, litter"


def test_stand_planted_before_the_crediting_period():
    params = parameters_from_mapping(HALF)
    strata = make_strata(1.0, "pine", 2018)
    out = project_removals(strata, crediting_years(2020, 1), params)
    # 2020 is the third year: AGC(3) − AGC(2) = 12.5 t C/ha · 1.2 · 44/12 = 55 t CO2e
    np.testing.assert_allclose(out["removals"].values, [55.0])


def test_credited_removals_formula():
    # (440 − 10 − 5 − 0) · (1 − 0.1) = 382.5, etc.
    out = credited_removals(
        np.array([440.0, 220.0, 110.0]), baseline=10.0, leakage=5.0, uncertainty_deduction=0.1
    )
    np.testing.assert_allclose(out, [382.5, 184.5, 85.5])
    with pytest.raises(InputError, match="uncertainty"):
        credited_removals(1.0, uncertainty_deduction=1.2)


def test_ages_beyond_the_growth_data_are_refused(national_params):
    # populus curve fitted to ages ≤ 22 yr
    strata = make_strata(100.0, "populus", 2025)
    with pytest.raises(InputError) as info:
        project_removals(strata, crediting_years(2025, 25), national_params)
    assert "populus" in str(info.value) and "22" in str(info.value)


def test_ages_beyond_the_growth_data_can_be_flagged(national_params):
    strata = make_strata(100.0, "populus", 2025)
    out = project_removals(strata, crediting_years(2025, 25), national_params, beyond_data="flag")
    # ages 23, 24, 25 in 2047–2049
    flagged = out["beyond_data"].squeeze("stratum")
    assert list(out["year"].values[flagged.values]) == [2047, 2048, 2049]


def test_several_strata_add_up(national_params):
    both = make_strata([100.0, 50.0], ["pinus_massoniana", "cunninghamia"], [2025, 2027])
    years = crediting_years(2025, 20)
    total = project_removals(both, years, national_params)["removals"]
    a = project_removals(make_strata(100.0, "pinus_massoniana", 2025), years, national_params)[
        "removals"
    ]
    b = project_removals(make_strata(50.0, "cunninghamia", 2027), years, national_params)[
        "removals"
    ]
    np.testing.assert_allclose(total.values, (a + b).values)
    # nothing grows on the cunninghamia stratum before it is planted
    assert float(b.sel(year=2025)) == 0.0


@pytest.mark.parametrize(
    "area", ["7500mu", "7500 亩", Q_(7500, "mu"), "500ha", Q_(5, "km**2"), 500.0]
)
def test_area_units_7500_mu_is_500_ha(area):
    assert float(make_strata(area, "pinus_massoniana", 2025)["area"].sum()) == pytest.approx(500.0)


def test_7500_mu_and_500_ha_give_the_same_appraisal(national_params):
    kw = {"price": 70.0, "discount_pct": 6.0}
    a = appraise_project(
        make_strata("7500mu", "pinus_massoniana", 2025), 2025, 30, national_params, **kw
    )
    b = appraise_project(
        make_strata(Q_(500, "hectare"), "pinus_massoniana", 2025), 2025, 30, national_params, **kw
    )
    assert a.npv == pytest.approx(b.npv)
    np.testing.assert_allclose(a.table["credited"].values, b.table["credited"].values)


@pytest.mark.parametrize("bad", ["12kg", "500", "lots"])
def test_bad_area_is_refused(bad):
    with pytest.raises(InputError):
        make_strata(bad, "pinus_massoniana", 2025)


def test_unknown_species_is_refused(national_params):
    with pytest.raises(InputError, match="unknown species 'oak'"):
        appraise_project(make_strata(10.0, "oak", 2025), 2025, 10, national_params, 70.0)
    with pytest.raises(InputError, match="species code"):
        make_strata(10.0, "Pinus massoniana", 2025)
