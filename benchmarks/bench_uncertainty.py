"""Monte Carlo benchmarks (pytest-benchmark).

Run: ``pytest benchmarks/bench_uncertainty.py --benchmark-enable -o addopts=""``

* 10,000 draws on 10 regions × 5 years, in memory (one vectorized account call) — target < 1 s;
* 10,000 draws on the Ankang data — target < 0.5 s (issue 9), with its floor in the same
  session: numpy's exact quantiles of the per-draw indicator values;
* 1,000 draws on 2,844 regions × 20 years with dask blocks — target: peak resident memory
  under 4 GB. Measured in a fresh interpreter (``resource.getrusage``), so earlier benchmarks
  in the same session do not count; the figures are stored in ``extra_info``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from benchmarks.synthetic import synthetic_inventory
from gep.coefficients import load_set
from gep.uncertainty import monte_carlo

ROOT = Path(__file__).resolve().parents[1]
MINI_COEF = str(ROOT / "tests" / "data" / "coefficients" / "mini")
PEAK_LIMIT_MB = 4096


@pytest.fixture(scope="module")
def coef():
    return load_set(MINI_COEF)


def test_monte_carlo_10000_draws_10_regions_5_years(benchmark, coef):
    data = synthetic_inventory(10, 5, first_year=2020)
    res = benchmark.pedantic(
        monte_carlo,
        args=(data, coef, 10_000),
        kwargs={"seed": 1},
        rounds=5,
        iterations=1,
        warmup_rounds=1,
    )
    assert res.value.sizes["draw"] == 10_000
    assert (res.summary["total"].sel(stat="p5") < res.summary["total"].sel(stat="p95")).all()


@pytest.fixture(scope="module")
def ankang():
    from gep.inventory import load_dataset

    return load_dataset(ROOT / "datasets" / "ankang"), load_set("ankang")


def test_monte_carlo_10000_draws_ankang(benchmark, ankang):
    """The issue 9 target: 10,000 draws on the Ankang data, every summary level — < 0.5 s."""
    ds, cs = ankang
    res = benchmark.pedantic(
        monte_carlo, args=(ds, cs, 10_000), kwargs={"seed": 1}, rounds=5, warmup_rounds=1
    )
    assert res.value.sizes["draw"] == 10_000
    assert (res.summary["total"].sel(stat="p5") < res.summary["total"].sel(stat="p95")).all()


def test_floor_exact_quantiles_of_the_ankang_draws(benchmark, ankang):
    """Floor for the run above, measured in the same session: numpy's own mean and exact
    quantiles (P5, P50, P95) of the per-draw indicator values (10 × 5 × 16 × 10,000) — the
    summary every exact Monte Carlo pays, without the account, the draws or the other levels."""
    import numpy as np

    ds, cs = ankang
    v = np.ascontiguousarray(monte_carlo(ds, cs, 10_000, seed=1).value.values)

    def floor():
        return v.mean(axis=-1), np.quantile(v, [0.05, 0.5, 0.95], axis=-1)

    mean, q = benchmark.pedantic(floor, rounds=5, warmup_rounds=1)
    assert q.shape == (3, *v.shape[:-1])


_BIG = textwrap.dedent("""
    import json, resource, sys, time
    sys.path.insert(0, {root!r})
    from benchmarks.synthetic import synthetic_inventory
    from gep.coefficients import load_set
    from gep.uncertainty import monte_carlo

    coef = load_set({coef!r})
    data = synthetic_inventory(2844, 20, first_year=2020)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    res = monte_carlo(data, coef, 1000, seed=1, chunks="auto")
    elapsed = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = res.summary["total"].sel(year=2030)
    print(json.dumps({{"elapsed_s": elapsed, "peak_rss_mb": peak, "rss_before_mb": before,
                      "chunks": res.chunks, "p50_2030": float(total.sel(stat="p50"))}}))
""")


def test_monte_carlo_1000_draws_2844_regions_20_years_dask(benchmark):
    script = _BIG.format(root=str(ROOT), coef=MINI_COEF)

    def run():
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    info = benchmark.pedantic(run, rounds=1, iterations=1)
    benchmark.extra_info.update(info)
    assert info["p50_2030"] > 0
    assert info["peak_rss_mb"] < PEAK_LIMIT_MB, info
