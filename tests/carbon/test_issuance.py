"""Issuance-timed cash flows, sourced defaults and the finance indicators, hand-computed."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
import yaml

from gep.carbon import make_strata
from gep.carbon.appraisal import issuance_cash_flow
from gep.carbon.costs import DEFAULT_SPECS, project_defaults
from gep.carbon.finance import (
    ProjectCosts,
    breakeven_price,
    discounted_payback,
    irr,
    irr_with_reason,
    npv,
)
from gep.carbon.issuance import VerificationSchedule, issued_credits, verification_mask
from gep.coefficients import load_set
from gep.errors import InputError

from .helpers import CARBON_DIR

YEARS = np.arange(2025, 2031)


def _series(values):
    return xr.DataArray(np.asarray(values, float), dims=["year"], coords={"year": YEARS})


def test_verification_mask_first_then_every_interval_and_final():
    # project years 1..10, first 3, every 3 → 3, 6, 9, and the final year 10
    mask = verification_mask(10, VerificationSchedule(first=3, interval=3))
    assert list(np.flatnonzero(mask) + 1) == [3, 6, 9, 10]
    mask = verification_mask(10, VerificationSchedule(first=5, interval=5))
    assert list(np.flatnonzero(mask) + 1) == [5, 10]
    mask = verification_mask(10, VerificationSchedule(first=5, interval=5, final=False))
    assert list(np.flatnonzero(mask) + 1) == [5, 10]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"first": 2}, "verification_first"),
        ({"first": 0}, "verification_first"),
        ({"interval": 0}, "verification_interval"),
    ],
)
def test_schedule_refuses_early_first_verification(kwargs, field):
    with pytest.raises(InputError) as err:
        VerificationSchedule(**kwargs)
    assert err.value.problems[0].field == field


def test_issued_credits_sum_what_was_credited_since_the_last_verification():
    credited = _series([10, 20, 30, 40, 50, 60])
    mask = verification_mask(6, VerificationSchedule(first=3, interval=2))  # years 3, 5, 6
    issued = issued_credits(credited, mask)
    # 10+20+30 = 60 in year 3; 40+50 = 90 in year 5; 60 in year 6
    np.testing.assert_allclose(issued.values, [0, 0, 60, 0, 90, 60])
    # with an extra dimension (Monte Carlo draws) each draw is issued the same way
    both = xr.concat([credited, 2 * credited], dim="draw")
    np.testing.assert_allclose(issued_credits(both, mask).sel(draw=1).values, 2 * issued.values)


def _hand_project():
    strata = make_strata(2.0, "pine", 2025)
    costs = ProjectCosts(
        establishment=100,
        management=10,
        validation=50,
        verification=20,
        registry_fee=1,
        fee_share=0.1,
    )
    schedule = VerificationSchedule(first=3, interval=2)
    price = _series([10.0] * 6)
    return issuance_cash_flow(
        strata, YEARS, _series([10, 20, 30, 40, 50, 60]), price, costs, schedule
    )


def test_cash_flow_follows_issuance_hand_computed():
    issued, parts, flows = _hand_project()
    # costs: year 1: 2 ha × 100 establishment + 2 × 10 management + 50 design/validation = 270
    #        years 2, 4: management 20; year 3: 20 + 20 verification + 60 t × 1 registry = 100
    #        year 5: 20 + 20 + 90 = 130; year 6: 20 + 20 + 60 = 100
    np.testing.assert_allclose(flows["cost"].values, [270, 20, 100, 20, 130, 100])
    np.testing.assert_allclose(sum(parts[v] for v in parts.data_vars).values, flows["cost"].values)
    # revenue only when credits are issued: issued × 10 元/t × (1 − 10 % fee)
    np.testing.assert_allclose(flows["revenue"].values, [0, 0, 540, 0, 810, 540])
    np.testing.assert_allclose(flows["cash_flow"].values, [-270, -20, 440, -20, 680, 440])


def test_npv_irr_breakeven_payback_hand_computed():
    issued, _, flows = _hand_project()
    cf = flows["cash_flow"]
    # NPV at 10 %: −270 − 20/1.1 + 440/1.21 − 20/1.331 + 680/1.4641 + 440/1.61051
    #            = −270 − 18.1818 + 363.6364 − 15.0263 + 464.4491 + 273.2054 = 798.0828
    assert float(npv(cf, 10.0)) == pytest.approx(798.0828, abs=1e-3)
    # break-even: PV(cost) / (0.9 · PV(issued))
    #   PV(cost) = 270 + 18.1818 + 82.6446 + 15.0263 + 88.7918 + 62.0921 = 536.7366
    #   PV(issued) = 60/1.21 + 90/1.4641 + 60/1.61051 = 49.5868 + 61.4712 + 37.2553 = 148.3133
    #   p* = 536.7366 / (0.9 × 148.3133) = 4.0210
    p = float(breakeven_price(issued, flows["cost"], 10.0, 0.1))
    assert p == pytest.approx(4.0210, abs=1e-4)
    # discounted cumulative: −270, −288.18, +75.45 → paid back in project year 3
    assert float(discounted_payback(cf, 10.0)) == 3
    rate = irr(cf.values)
    assert float(npv(cf, 100 * rate)) == pytest.approx(0.0, abs=1e-6)


def test_irr_found_for_long_flows_that_change_sign():
    # the 20-year shape of an afforestation project: a large year-1 outlay, small losses, then
    # income — one sign change, one rate
    cf = [-7.9e6, -2.0e5, -1.7e5, -1.3e5, -1.3e5] + [1.5e5 + 1e4 * i for i in range(15)]
    rate, reason = irr_with_reason(cf)
    assert reason == ""
    assert float(npv(xr.DataArray(cf, dims=["year"], coords={"year": range(20)}), 100 * rate)) == (
        pytest.approx(0.0, abs=1e-3)
    )
    assert rate < 0  # the project loses money, and the IRR says by how much
    assert irr_with_reason([100, 50]) == (
        pytest.approx(float("nan"), nan_ok=True),
        "no_sign_change",
    )
    # +1, −3, +3: NPV(x) = 1 − 3x + 3x² > 0 for every x — a sign change, no real rate
    assert irr_with_reason([1, -3, 3])[1] == "no_root"
    # the case the old page called "cash flow never changes sign": outlay, income, then a
    # final verification year costing more than its revenue. With x = 1/(1 + r):
    # NPV = −100 + 30x + 30x² − 20x³ < 0 for every x > 0 (max ≈ −54.0 near x = 1.37)
    cf = [-100, 30, 30, -20]
    x = np.linspace(1e-3, 200, 200_000)
    assert np.all(-100 + 30 * x + 30 * x**2 - 20 * x**3 < 0)
    assert irr_with_reason(cf) == (pytest.approx(float("nan"), nan_ok=True), "no_root")


PROJECT_FILES = sorted((CARBON_DIR / "project").glob("*.yaml"))


@pytest.mark.parametrize(
    "path", [p for p in PROJECT_FILES if p.name != "index.yaml"], ids=lambda p: p.stem
)
def test_project_default_files_are_sourced(path):
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in raw["values"].values():
        assert entry["status"] in ("literature", "illustrative")
        assert entry["source"]["title"].strip()
        if entry["status"] == "illustrative":
            assert entry.get("note") or entry["source"].get("note")


def test_project_defaults_come_from_the_coefficient_set():
    defaults = project_defaults(load_set("national"), 2025)
    assert set(defaults) == set(DEFAULT_SPECS)
    assert defaults["establishment"].value == pytest.approx(15000.0)
    assert defaults["verification_interval"].value == 5
    assert "5/CMP.1" in defaults["verification_interval"].source
    assert defaults["discount_pct"].value == 8
    for d in defaults.values():
        assert d.source and d.status in ("literature", "illustrative")
    # a start year past the price index keeps the values at their own price year
    later = project_defaults(load_set("national"), 2040)
    assert later["establishment"].value == pytest.approx(15000.0)
    assert later["establishment"].price_year == 2025


def test_sensitivity_scenarios_and_per_area_figures(national_params):
    from gep.carbon import appraise_project

    strata = make_strata(500.0, "cunninghamia", 2025)
    costs = ProjectCosts(establishment=15000, management=450, validation=2e5, verification=5e4)
    kw = {"costs": costs, "schedule": VerificationSchedule(5, 5)}
    r = appraise_project(strata, 2025, 30, national_params, 70.0, **kw)
    # the sensitivity curve is exact: NPV at a price on the curve = a full run at that price
    row = r.sensitivity[7]
    again = appraise_project(strata, 2025, 30, national_params, row["price_CNY_per_tCO2e"], **kw)
    assert row["npv_CNY"] == pytest.approx(again.npv, rel=1e-9, abs=1e-6)
    # scenario table rows equal full runs at the scenario price
    scen = {s["scenario"]: s for s in r.scenarios}
    local = appraise_project(strata, 2025, 30, national_params, "local_forestry", **kw)
    assert scen["local_forestry"]["npv_CNY"] == pytest.approx(local.npv)
    assert scen["local_forestry"]["irr"] == pytest.approx(local.irr)
    d = r.to_dict()
    # per 亩 and per ha: 500 ha = 7500 亩
    assert d["npv_CNY_per_mu"] == pytest.approx(d["npv_CNY"] / 7500)
    assert d["credited_total_tCO2e_per_ha"] == pytest.approx(d["credited_total_tCO2e"] / 500)
    assert d["cumulative_tCO2e_per_mu"][-1] == pytest.approx(d["cumulative_tCO2e"][-1] / 7500)
    assert sum(d["issued_tCO2e"]) == pytest.approx(d["credited_total_tCO2e"])
    # the break-even price sits where the sensitivity curve crosses zero
    be = d["breakeven_price_CNY_per_tCO2e"]
    at_be = appraise_project(strata, 2025, 30, national_params, be, **kw)
    assert at_be.npv == pytest.approx(0.0, abs=1e-3)


def test_monte_carlo_covers_costs_and_reports_credit_percentiles(national_params):
    from gep.carbon import appraise_project

    strata = make_strata(500.0, "cunninghamia", 2025)
    costs = ProjectCosts(establishment=15000, management=450)
    base = {"costs": costs, "draws": 400, "seed": 3, "price_sd": 0.0, "growth_sd": 0.0}
    fixed = appraise_project(strata, 2025, 30, national_params, 70.0, **base)
    spread = appraise_project(strata, 2025, 30, national_params, 70.0, **base, cost_sd=0.3)
    # without any spread every draw is the deterministic NPV; a cost spread widens it
    assert float(fixed.npv_draws.std()) == pytest.approx(0.0, abs=1e-6)
    assert float(spread.npv_draws.std()) > 0
    d = spread.to_dict()
    assert d["npv_p5"] < d["npv_p50"] < d["npv_p95"]
    assert d["npv_CNY_per_mu_p50"] == pytest.approx(d["npv_p50"] / 7500)
    assert d["credited_total_p50"] == pytest.approx(d["credited_total_tCO2e"])
