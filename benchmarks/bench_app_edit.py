"""Dashboard recompute after a coefficient edit (issue 9 target: < 100 ms on Ankang).

What the app does when an analyst applies an edit (``gep.app.data``): the edited set
(``coeftable.apply_edits``), its content hash (the key of the shared account cache) and the
account of every year under the page's profile. Each round edits a new value, so nothing is
served from a cache. Floor: the account of the unedited set in the same run.
Run: ``python -m pytest benchmarks/bench_app_edit.py --benchmark-enable -o addopts=""``.
"""

from __future__ import annotations

import itertools

import pytest

from gep.accounting import account
from gep.app import coeftable
from gep.coefficients import load_set
from gep.inventory import load_dataset
from tests.conftest import ROOT

EDITED = "regulating.water_conservation.reservoir_cost"


@pytest.fixture(scope="module")
def ankang():
    ds = load_dataset(ROOT / "datasets" / "ankang")
    cs = load_set(ds.default_coefficients)
    c = cs.coefficients[EDITED]
    rid = coeftable.row_id(EDITED, None, c.values[-1].start)
    return ds, cs, rid, float(c.values[-1].value)


def recompute(ds, cs, rid: str, value: float):
    """Apply one edit, hash the edited set, account every year (the app's uncached path)."""
    edited = coeftable.apply_edits(cs, {rid: value})
    key = edited.hash
    return key, account(ds, edited, profile="ndrc-2022")


def test_floor_account_unedited(benchmark, ankang):
    ds, cs, _, _ = ankang
    benchmark(account, ds, cs, profile="ndrc-2022")


def test_recompute_after_edit(benchmark, ankang):
    ds, cs, rid, base = ankang
    bump = itertools.count(1)
    key, acc = benchmark(lambda: recompute(ds, cs, rid, base * (1 + next(bump) * 1e-6)))
    assert key != cs.hash
    ref = account(ds, cs, profile="ndrc-2022")
    wc = "regulating.water_conservation"
    assert float(acc.value.sel(indicator=wc).sum()) > float(ref.value.sel(indicator=wc).sum())
