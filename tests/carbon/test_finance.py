"""Cash flow, NPV, IRR, break-even price, payback and the Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from gep.carbon import (
    ProjectCosts,
    appraise_project,
    breakeven_price,
    cost_schedule,
    discounted_payback,
    irr,
    make_strata,
    npv,
)
from gep.errors import InputError
from gep.units import Q_

COSTS = ProjectCosts(
    establishment=6000.0,
    management=150.0,
    validation=100_000.0,
    verification=50_000.0,
    fee_share=0.05,
)


def _cf(values, start=2020):
    years = np.arange(start, start + len(values))
    return xr.DataArray(np.asarray(values, dtype=float), dims=["year"], coords={"year": years})


def test_npv_hand_computed():
    # −100 + 60/1.1 + 60/1.1² = −100 + 54.545 + 49.587 = 4.132
    assert float(npv(_cf([-100, 60, 60]), 10.0)) == pytest.approx(4.1322, abs=1e-4)
    # undiscounted
    assert float(npv(_cf([-100, 60, 60]), 0.0)) == pytest.approx(20.0)


def test_irr_hand_computed():
    assert irr([-100, 110]) == pytest.approx(0.10)
    assert irr([-100, 0, 121]) == pytest.approx(0.10)
    # NPV at the IRR is zero
    rate = irr([-1000, 300, 400, 500])
    assert float(npv(_cf([-1000, 300, 400, 500]), 100 * rate)) == pytest.approx(0.0, abs=1e-6)
    assert np.isnan(irr([100, 50]))


def test_discounted_payback():
    # cumulative −100, −40, +20 → paid back in year 3
    assert float(discounted_payback(_cf([-100, 60, 60]), 0.0)) == 3
    # at 10 %: −100, −45.45, +4.13 → year 3
    assert float(discounted_payback(_cf([-100, 60, 60]), 10.0)) == 3
    assert np.isnan(float(discounted_payback(_cf([-100, 50]), 0.0)))


def test_cost_schedule_hand_computed():
    years = np.arange(2020, 2025)
    planted = xr.DataArray([10.0] * 5, dims=["year"], coords={"year": years})
    new = xr.DataArray([10.0, 0, 0, 0, 0], dims=["year"], coords={"year": years})
    costs = ProjectCosts(
        establishment=1000,
        management=100,
        validation=500,
        verification=200,
        verification_interval=2,
    )
    out = cost_schedule(years, planted, new, costs)
    # 2020: 10·1000 + 10·100 + 500 = 11500; 2021: 1000 + 200 (verification) = 1200; 2022: 1000;
    # 2023: 1200; 2024 (last year): 1200
    np.testing.assert_allclose(out.values, [11500, 1200, 1000, 1200, 1200])


def test_costs_accept_quantities_and_refuse_wrong_units():
    c = ProjectCosts(establishment=Q_(400, "CNY / mu"), management=Q_(10, "CNY / mu / year"))
    assert c.establishment == pytest.approx(6000.0)  # 400 元/亩 × 15 亩/ha
    assert c.management == pytest.approx(150.0)
    with pytest.raises(InputError):
        ProjectCosts(establishment=Q_(400, "CNY / kg"))
    with pytest.raises(InputError):
        ProjectCosts(fee_share=1.5)


def test_revenue_is_credits_times_price_less_fees(national_params):
    r = appraise_project(
        make_strata(500.0, "pinus_massoniana", 2025), 2025, 30, national_params, 70.0, costs=COSTS
    )
    t = r.table
    # revenue follows issuance, not growth: credits sold when verified
    np.testing.assert_allclose(t["revenue"].values, t["issued"].values * 70.0 * 0.95)
    assert float(t["issued"].sum()) == pytest.approx(float(t["credited"].sum()))
    np.testing.assert_allclose(t["cash_flow"].values, t["revenue"].values - t["cost"].values)
    np.testing.assert_allclose(t["cumulative"].values, np.cumsum(t["credited"].values))


@pytest.mark.parametrize("growth", [0.0, 3.0])
def test_npv_at_the_breakeven_price_is_zero(national_params, growth):
    strata = make_strata(500.0, "pinus_massoniana", 2025)
    first = appraise_project(
        strata, 2025, 30, national_params, 70.0, price_growth_pct=growth, costs=COSTS
    )
    p = first.breakeven_price
    assert p > 0
    again = appraise_project(
        strata, 2025, 30, national_params, p, price_growth_pct=growth, costs=COSTS
    )
    assert again.npv == pytest.approx(0.0, abs=1e-6 * COSTS.establishment * 500)
    assert again.breakeven_price == pytest.approx(p)


def test_breakeven_closed_form():
    credited = _cf([0, 100, 100])
    cost = _cf([1000, 0, 100])
    # PV(cost) = 1000 + 100/1.21 = 1082.645; PV(credits) = 100/1.1 + 100/1.21 = 173.554
    #   → p* = 6.2381
    p = float(breakeven_price(credited, cost, 10.0))
    assert p == pytest.approx(1082.6446 / 173.5537, rel=1e-6)


def test_npv_rises_with_price_and_falls_with_discount_rate(national_params):
    strata = make_strata(500.0, "cunninghamia", 2025)
    npvs = [
        appraise_project(strata, 2025, 40, national_params, p, costs=COSTS).npv
        for p in (40, 70, 100, 327)
    ]
    assert np.all(np.diff(npvs) > 0)
    # a profitable case: the NPV falls as the discount rate rises
    by_rate = [
        appraise_project(strata, 2025, 40, national_params, 327, discount_pct=r, costs=COSTS).npv
        for r in (2, 4, 8, 12)
    ]
    assert np.all(np.diff(by_rate) < 0)


def test_price_scenarios_and_tables(national_params):
    strata = make_strata(500.0, "pinus_massoniana", 2025)
    by_name = appraise_project(strata, 2025, 10, national_params, "ccer_central")
    by_number = appraise_project(strata, 2025, 10, national_params, 70.0)
    by_string = appraise_project(strata, 2025, 10, national_params, "70 CNY/tCO2e")
    by_table = appraise_project(
        strata, 2025, 10, national_params, {y: 70.0 for y in range(2025, 2035)}
    )
    assert (
        by_name.npv
        == pytest.approx(by_number.npv)
        == pytest.approx(by_string.npv)
        == pytest.approx(by_table.npv)
    )
    assert by_name.inputs["price_scenario"] == "ccer_central"
    with pytest.raises(InputError, match="scenario"):
        appraise_project(strata, 2025, 10, national_params, "expensive")
    with pytest.raises(InputError):
        appraise_project(strata, 2025, 10, national_params, "70 CNY/ha")
    # a price path shorter than the period is refused, naming the field and the missing years
    with pytest.raises(InputError, match="2030–2034") as err:
        appraise_project(strata, 2025, 10, national_params, {y: 70.0 for y in range(2025, 2030)})
    assert err.value.problems[0].field == "price_path"


def test_monte_carlo_is_reproducible_with_a_seed(national_params):
    strata = make_strata(500.0, "pinus_massoniana", 2025)
    kw = {"costs": COSTS, "draws": 2000}
    a = appraise_project(strata, 2025, 30, national_params, 70.0, seed=42, **kw)
    b = appraise_project(strata, 2025, 30, national_params, 70.0, seed=42, **kw)
    c = appraise_project(strata, 2025, 30, national_params, 70.0, seed=43, **kw)
    np.testing.assert_array_equal(a.npv_draws.values, b.npv_draws.values)
    assert not np.array_equal(a.npv_draws.values, c.npv_draws.values)
    assert a.npv_draws.dims == ("draw",) and a.npv_draws.size == 2000
    q = a.npv_percentiles()
    assert q["npv_p5"] < q["npv_p50"] < q["npv_p95"]
    assert a.to_dict()["npv_p50"] == pytest.approx(q["npv_p50"])


def test_monte_carlo_without_spread_equals_the_deterministic_npv(national_params):
    strata = make_strata([300.0, 200.0], ["pinus_massoniana", "cunninghamia"], 2025)
    r = appraise_project(
        strata,
        2025,
        30,
        national_params,
        70.0,
        price_growth_pct=2.0,
        costs=COSTS,
        draws=50,
        seed=1,
        price_sd=0.0,
        growth_sd=0.0,
    )
    np.testing.assert_allclose(r.npv_draws.values, r.npv, rtol=1e-12)


def test_to_dict_is_json_ready(national_params):
    import json

    r = appraise_project(
        make_strata(500.0, "pinus_massoniana", 2025),
        2025,
        10,
        national_params,
        70.0,
        costs=COSTS,
        draws=10,
        seed=0,
    )
    d = json.loads(json.dumps(r.to_dict()))
    for key in (
        "years",
        "credited_tCO2e",
        "revenue_CNY",
        "cash_flow_CNY",
        "npv_CNY",
        "irr",
        "breakeven_price_CNY_per_tCO2e",
        "npv_p5",
        "npv_p50",
        "npv_p95",
    ):
        assert key in d
    assert d["years"] == list(range(2025, 2035))
