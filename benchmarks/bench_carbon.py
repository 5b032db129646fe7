"""Carbon project appraisal benchmarks (pytest-benchmark).

Run: ``pytest benchmarks/bench_carbon.py --benchmark-enable -o addopts=""``

* floor: the deterministic appraisal of a 500 ha Chinese-fir project over 40 years (credits,
  issuance, cash flow, NPV, IRR, break-even, sensitivity curve, 7 scenario IRRs);
* the same with a 10,000-draw Monte Carlo over growth, price and costs (one vectorized pass)
  — target < 1 s, and reported as a ratio to the floor measured in the same run.
"""

from __future__ import annotations

import pytest

from gep.carbon import ProjectCosts, appraise_project, make_strata, project_growth_parameters
from gep.coefficients import load_set


@pytest.fixture(scope="module")
def project():
    cset = load_set("national")
    params = project_growth_parameters(cset, 2025, ["cunninghamia"], growth_uncertainty=True)
    costs = ProjectCosts(establishment=15000, management=450, validation=2e5, verification=5e4)
    return make_strata(500.0, "cunninghamia", 2025), params, costs


def _run(project, draws):
    strata, params, costs = project
    return appraise_project(
        strata, 2025, 40, params, 70.0, costs=costs, draws=draws, seed=1, cost_sd=0.2
    )


def test_appraisal_floor(benchmark, project):
    res = benchmark.pedantic(_run, args=(project, 0), rounds=5, iterations=1)
    assert res.npv_draws is None


def test_appraisal_monte_carlo_10000(benchmark, project):
    res = benchmark.pedantic(_run, args=(project, 10_000), rounds=5, iterations=1)
    assert res.npv_draws.sizes["draw"] == 10_000
