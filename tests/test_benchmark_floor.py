"""The benchmark floor (bare numpy) does the engine's arithmetic: same values to 1e-9."""

from __future__ import annotations

import numpy as np

from benchmarks.floor import INDICATORS, floor_values, prepare
from benchmarks.synthetic import synthetic_inventory
from gep.accounting import account


def test_numpy_floor_gives_the_account_values(mini_coef):
    data = synthetic_inventory(37, 3, first_year=2020)
    acc = account(data, mini_coef)
    assert acc.indicator_ids == INDICATORS
    value, _ = floor_values(prepare(data, mini_coef))
    want = acc.value.transpose("region", "year", "indicator").values
    np.testing.assert_array_equal(np.isnan(value), np.isnan(want))
    np.testing.assert_allclose(value, want, rtol=1e-9)
