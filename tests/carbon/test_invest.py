"""InVEST-compatible carbon valuation (natcap/invest carbon.py, _calculate_valuation_constant)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from gep.carbon import invest_npv, invest_valuation_constant
from gep.errors import InputError


def _invest_reference(
    lulc_bas_year, lulc_alt_year, discount_rate, rate_change, price_per_metric_ton_of_c
):
    """InVEST's scalar algorithm, written out step by step (forest_carbon.md §6.3)."""
    n_years = lulc_alt_year - lulc_bas_year
    ratio = 1 / ((1 + discount_rate / 100) * (1 + rate_change / 100))
    valuation_constant = price_per_metric_ton_of_c / n_years
    if ratio == 1:
        valuation_constant *= n_years
    else:
        valuation_constant *= (1 - ratio**n_years) / (1 - ratio)
    return valuation_constant


def test_zero_rates_value_is_price_times_change():
    # r = c = 0: ratio = 1 → k = price/n · n = price
    assert invest_npv(10.0, 100.0, 2020, 2030, 0, 0) == 1000.0
    assert invest_valuation_constant(256.67, 2000, 2001, 0.0, 0.0) == pytest.approx(256.67)


def test_two_years_ten_percent():
    # n = 2, ratio = 1/1.1; Σ_{t=0}^{1} ratio^t = 1 + 0.90909 = 1.90909
    # k = 100/2 · 1.90909 = 95.4545; change 10 t C → 954.545
    assert invest_npv(10.0, 100.0, 2020, 2022, 10.0, 0.0) == pytest.approx(954.5454545)


def test_price_change_acts_like_extra_discount():
    # n = 3, r = c = 5 %: ratio = 1/1.05² = 0.907029; Σ = 1 + 0.907029 + 0.822702 = 2.729731
    # k = 300/3 · 2.729731 = 272.9731
    assert invest_valuation_constant(300.0, 2000, 2003, 5.0, 5.0) == pytest.approx(
        272.9731, abs=1e-4
    )
    # the geometric-series form equals the user guide's sum
    ratio = 1 / (1.05 * 1.05)
    assert invest_valuation_constant(300.0, 2000, 2003, 5.0, 5.0) == pytest.approx(
        300.0 / 3 * sum(ratio**t for t in range(3))
    )


@pytest.mark.parametrize(
    "bas, alt, r, c, price",
    list(
        itertools.product(
            [2000], [2001, 2010, 2050], [0.0, 2.77, 7.0, -1.0], [0.0, 3.0, -2.0], [1.0, 256.67]
        )
    ),
)
def test_matches_invest_exactly(bas, alt, r, c, price):
    assert invest_valuation_constant(price, bas, alt, r, c) == _invest_reference(
        bas, alt, r, c, price
    )


def test_arrays_broadcast():
    change = np.array([1.0, 2.0, -3.0])
    rates = np.array([[0.0], [7.0]])
    out = invest_npv(change, 100.0, 2020, 2030, rates, 0.0)
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out[0], change * 100.0)
    np.testing.assert_allclose(out[1], change * _invest_reference(2020, 2030, 7.0, 0.0, 100.0))


def test_alternate_year_must_follow_baseline():
    with pytest.raises(InputError):
        invest_npv(1.0, 100.0, 2030, 2030, 7.0, 0.0)
