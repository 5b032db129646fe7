"""Account benchmarks (pytest-benchmark). Run: pytest benchmarks --benchmark-enable"""

from __future__ import annotations

import pytest

from benchmarks.synthetic import synthetic_inventory
from gep.accounting import account
from gep.coefficients import load_set

MINI_COEF = "tests/data/coefficients/mini"


@pytest.fixture(scope="module")
def coef():
    return load_set(MINI_COEF)


def test_account_10_regions_5_years(benchmark, coef):
    data = synthetic_inventory(10, 5, first_year=2020)
    acc = benchmark(account, data, coef)
    assert acc.value.shape[:2] == (10, 5)


def test_account_2844_regions_20_years(benchmark, coef):
    data = synthetic_inventory(2844, 20, first_year=2020)
    acc = benchmark.pedantic(account, args=(data, coef), rounds=3, iterations=1)
    assert acc.value.shape[:2] == (2844, 20)
    assert float(acc.city_gep().sel(year=2030)) > 0
