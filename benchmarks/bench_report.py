"""Report benchmarks on the Ankang data (pytest-benchmark): the account itself is the floor.

Run: pytest benchmarks/bench_report.py --benchmark-enable -o addopts=""
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gep.accounting import account
from gep.coefficients import load_set
from gep.inventory import load_dataset
from gep.report.writers import report_bytes

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def inputs():
    ds = load_dataset(ROOT / "datasets" / "ankang")
    return ds, load_set("ankang")


@pytest.fixture(scope="module")
def acc(inputs):
    return account(*inputs)


def test_floor_account(benchmark, inputs):
    benchmark.pedantic(account, args=inputs, rounds=3, iterations=1)


@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx"])
def test_county_report(benchmark, acc, fmt):
    data = benchmark.pedantic(report_bytes, args=(acc, fmt, 2024, "610926"), rounds=3, iterations=1)
    assert len(data) > 10_000


@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx"])
def test_city_report(benchmark, acc, fmt):
    data = benchmark.pedantic(report_bytes, args=(acc, fmt, 2024, None), rounds=2, iterations=1)
    assert len(data) > 10_000
