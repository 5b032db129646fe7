"""Carbon price paths and named scenarios."""

from __future__ import annotations

import numpy as np
import pytest

from gep.carbon import (
    PRICE_SCENARIOS,
    carbon_price_from_co2,
    co2_price_from_carbon,
    price_path,
    price_path_table,
    price_scenario,
)
from gep.errors import InputError


def test_constant_and_growing_paths():
    years = [2025, 2026, 2027]
    np.testing.assert_allclose(price_path(years, 70.0).values, [70, 70, 70])
    # 100 · 1.05^t = 100, 105, 110.25
    np.testing.assert_allclose(price_path(years, 100.0, 5.0).values, [100, 105, 110.25])
    # base year 2024: 100 · 1.05^(1, 2, 3)
    np.testing.assert_allclose(
        price_path(years, 100.0, 5.0, base_year=2024).values, [105, 110.25, 115.7625]
    )


def test_price_table_uses_latest_year_on_or_before():
    p = price_path_table([2025, 2026, 2027, 2030], {2025: 60.0, 2027: 80.0})
    np.testing.assert_allclose(p.values, [60, 60, 80, 80])
    with pytest.raises(InputError, match="2024"):
        price_path_table([2024, 2025], {2025: 60.0})


def test_named_scenarios_from_the_reference():
    expected = {"local_forestry": 40.0, "ccer_central": 70.0, "legacy_lyt1721": 327.27}
    for name, value in expected.items():
        assert PRICE_SCENARIOS[name].price == pytest.approx(value)
    assert {"cea", "eu_ets", "epa_scc"} <= set(PRICE_SCENARIOS)
    for s in PRICE_SCENARIOS.values():
        assert s.basis and s.source and s.status in ("literature", "illustrative")
    # 1200 CNY/t C × 12/44 = 327.27 CNY/t CO2
    assert co2_price_from_carbon(1200.0) == pytest.approx(
        PRICE_SCENARIOS["legacy_lyt1721"].price, abs=0.01
    )


def test_unknown_scenario_lists_the_names():
    with pytest.raises(InputError, match="ccer_central"):
        price_scenario("moon")


def test_co2_to_carbon_price():
    # forest_carbon.md §5.8: 70 CNY/t CO2 → 256.7 CNY/t C
    assert carbon_price_from_co2(70.0) == pytest.approx(256.67, abs=0.01)
