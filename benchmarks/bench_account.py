"""Account benchmarks (pytest-benchmark). Run: pytest benchmarks --benchmark-enable -o addopts=""

The 2,844 × 20 account is measured beside a bare-numpy pass over the same arithmetic
(:mod:`benchmarks.floor`, checked equal by ``tests/test_benchmark_floor.py``); the target is
within 5× of that floor. ``python benchmarks/figures.py`` prints the README table (min and
median, with the ratios taken in one run).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.floor import floor_values, prepare
from benchmarks.synthetic import synthetic_inventory
from gep.accounting import account
from gep.coefficients import load_set
from gep.inventory import load_dataset

ROOT = Path(__file__).resolve().parents[1]
MINI_COEF = str(ROOT / "tests" / "data" / "coefficients" / "mini")


@pytest.fixture(scope="module")
def coef():
    return load_set(MINI_COEF)


@pytest.fixture(scope="module")
def national():
    return synthetic_inventory(2844, 20, first_year=2020)


def test_account_ankang(benchmark):
    ds = load_dataset(ROOT / "datasets" / "ankang")
    cs = load_set("ankang")
    acc = benchmark(account, ds, cs)
    assert acc.value.shape[:2] == (10, 5)


def test_account_10_regions_5_years(benchmark, coef):
    data = synthetic_inventory(10, 5, first_year=2020)
    acc = benchmark(account, data, coef)
    assert acc.value.shape[:2] == (10, 5)


def test_account_2844_regions_20_years(benchmark, coef, national):
    acc = benchmark.pedantic(account, args=(national, coef), rounds=5, iterations=1)
    assert acc.value.shape[:2] == (2844, 20)
    assert float(acc.city_gep().sel(year=2030)) > 0


def test_numpy_floor_2844_regions_20_years(benchmark, coef, national):
    arrays = prepare(national, coef)
    value, _ = benchmark.pedantic(floor_values, args=(arrays,), rounds=5, iterations=1)
    assert value.shape[:2] == (2844, 20)


def test_account_28440_regions_20_years(benchmark, coef):
    data = synthetic_inventory(28440, 20, first_year=2020)
    acc = benchmark.pedantic(account, args=(data, coef), rounds=2, iterations=1)
    assert acc.value.shape[:2] == (28440, 20)
