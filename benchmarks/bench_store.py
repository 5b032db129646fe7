"""Store benchmarks (pytest-benchmark): what the versioned store adds to loading a set and to
saving an edit. Floor: loading the same set from its files (``gep.load_set``).

Run: pytest benchmarks/bench_store.py --benchmark-enable -o addopts=""
"""

from __future__ import annotations

import itertools

import pytest

from gep.coefficients import load_set
from gep.store import Store

SETS = "tests/data/coefficients"
PRICE = "regulating.carbon_sequestration.price"


@pytest.fixture
def store(tmp_path):
    st = Store(f"sqlite:///{tmp_path / 'gep.sqlite'}", cache=tmp_path / "cache")
    st.files_root = __import__("pathlib").Path(SETS)
    st.add_user("a", "approver")
    st.draft_set_override("mini", f"{PRICE}*=2", "a")
    st.publish("coefset", "mini", "a", "bench")
    yield st
    st.close()


def test_floor_load_set_from_files(benchmark):
    benchmark(load_set, f"{SETS}/mini")


def test_published_set_from_store(benchmark, store):
    """Warm: version read from the database, set cached in memory by content hash."""
    cs, _ = benchmark(store.coefficient_set, "mini")
    assert cs.overrides


def test_draft_edit_saved(benchmark, store):
    """One validated override into a draft (loads base and draft sets, checks, writes, logs)."""
    factors = itertools.count(2)
    benchmark.pedantic(
        lambda: store.draft_set_override("mini", f"{PRICE}*={next(factors)}", "a"),
        rounds=5,
        iterations=1,
    )


def test_save_draft_only(benchmark, store):
    """The database write alone (transaction + audit entry), SQLite in WAL mode."""
    n = itertools.count()
    benchmark(lambda: store.save_draft("scenario", "s", "a", {"k": next(n)}))
