"""Data-status benchmark (pytest-benchmark). Run: pytest benchmarks/bench_datastatus.py
--benchmark-enable -o addopts=""

Every export and page banner asks :func:`gep.datastatus.status_summary` how much of GEP rests
on illustrative inputs. Target: on Ankang it costs less than the account itself (measured
beside it in the same run, the peer that every export already pays for).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gep.accounting import account
from gep.coefficients import load_set
from gep.datastatus import status_summary
from gep.inventory import load_dataset

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ankang():
    ds = load_dataset(ROOT / "datasets" / "ankang")
    cs = load_set("ankang")
    return ds, cs, account(ds, cs)


def test_status_summary_ankang(benchmark, ankang):
    ds, _cs, acc = ankang
    got = benchmark(status_summary, acc, ds)
    assert got["illustrative"] and 0 < got["share"] <= 1


def test_account_ankang_peer(benchmark, ankang):
    ds, cs, _acc = ankang
    acc = benchmark(account, ds, cs)
    assert acc.value.shape[:2] == (10, 5)
