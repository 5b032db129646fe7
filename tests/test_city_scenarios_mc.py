"""City totals of scenario comparisons and Monte Carlo runs in the city perspective (issue 11).

With a profile that deducts out-of-region value and a dataset that gives the city's own basis
(``datasets/ankang/aggregate.csv``), the city total row of ``compare`` and the Monte Carlo
total levels use the city's ledger (the city share applied to the sum of county gross values),
as :meth:`Account.city_gep` does; without deductions (ndrc-2022) they stay sums of counties.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from gep.accounting import account
from gep.coefficients import load_set
from gep.inventory import load_dataset
from gep.scenarios import account_scenarios, apply_scenario, compare, load_scenario
from gep.uncertainty import monte_carlo

from .conftest import ROOT

ANKANG = ROOT / "datasets" / "ankang"
GBT = "gbt-46869-2025"
CITY = "610900"
SCENARIOS = ("grain_for_green", "carbon_price_x2")
pytestmark = pytest.mark.skipif(
    not (ANKANG / "dataset.yaml").exists(), reason="datasets/ankang not present"
)
# inflow / (inflow + local_runoff) of 安康市 in aggregate.csv (the same every year), by hand
CITY_SHARE = 11242584000 / (11242584000 + 10700000000)
ZERO = {"distribution": "triangular", "low": 1.0, "mode": 1.0, "high": 1.0, "relative": True}


@pytest.fixture(scope="module")
def ankang():
    ds = load_dataset(ANKANG)
    return ds, load_set(ds.default_coefficients, root=ROOT / "coefficients")


@pytest.fixture(scope="module")
def scenarios():
    return [load_scenario(ANKANG / "scenarios" / f"{s}.yaml") for s in SCENARIOS]


@pytest.fixture(scope="module")
def gbt_compare(ankang, scenarios):
    ds, cs = ankang
    acc = account_scenarios(ds, cs, scenarios, profile=GBT)
    return acc, compare(acc)


# -------------------------------------------------------------------------- scenario compare


def test_compare_city_total_equals_each_scenarios_own_city_gep(ankang, scenarios, gbt_compare):
    ds, cs = ankang
    acc, comp = gbt_compare
    assert comp.total_region == CITY
    assert comp.perspective == "city" and acc.city_perspective == "city"
    base = account(ds, cs, profile=GBT)
    got = comp.gep["value"].sel(region=CITY, scenario="baseline")
    np.testing.assert_allclose(got.values, base.city_gep().values, rtol=1e-12)
    for s in scenarios:
        ds_s, cs_s = apply_scenario(ds, cs, s)
        own = account(ds_s, cs_s, profile=GBT)
        assert own.city_perspective == "city"
        got = comp.gep["value"].sel(region=CITY, scenario=s.id)
        np.testing.assert_allclose(got.values, own.city_gep().values, rtol=1e-9)
        cat = comp.category["value"].sel(region=CITY, scenario=s.id)
        want = own.city_by_category()
        np.testing.assert_allclose(
            cat.sel(category=want["category"].values).transpose("year", "category").values,
            want.transpose("year", "category").values,
            rtol=1e-9,
        )
        # and not the sum of county net values (they differ by the transfers between counties)
        county = own.county_sum_gep().values
        assert np.all(np.abs(got.values - county) > 1e8)


def test_compare_city_indicator_rows_apply_the_city_share_by_hand(gbt_compare):
    acc, comp = gbt_compare
    ind = comp.indicator["value"].sel(region=CITY)
    gross = acc.gross.sum("region")
    for iid in ("material.water_supply", "material.hydropower"):
        want = gross.sel(indicator=iid) * (1 - CITY_SHARE)
        np.testing.assert_allclose(
            ind.sel(indicator=iid).transpose(*want.dims).values, want.values, rtol=1e-12
        )
    # the regions' own rows are unchanged: county net values
    counties = comp.gep["value"].sel(region=acc.regions)
    np.testing.assert_array_equal(counties.transpose(*acc.gep().dims).values, acc.gep().values)


def test_compare_without_deductions_is_the_sum_of_counties(ankang, scenarios):
    ds, cs = ankang
    acc = account_scenarios(ds, cs, scenarios, profile="ndrc-2022")
    comp = compare(acc)
    assert comp.perspective == "none" and acc.city_ledger is None
    want = acc.gep().sum("region", min_count=1)
    got = comp.gep["value"].sel(region=CITY)
    np.testing.assert_array_equal(got.transpose(*want.dims).values, want.values)


def test_cli_scenario_compare_json_and_table_say_the_perspective(ankang):
    from gep.cli import app

    ds, cs = ankang
    runner = CliRunner()
    args = ["scenario", "compare", str(ANKANG), "-s", "carbon_price_x2", "--profile", GBT]
    r = runner.invoke(app, [*args, "--format", "json", "--year", "2024"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["perspective"] == "city"
    row = next(
        x
        for x in d["rows"]
        if x["region"] == CITY and x["level"] == "gep" and x["scenario"] == "carbon_price_x2"
    )
    want = float(account(ds, cs, profile=GBT).city_gep().sel(year=2024))
    assert row["baseline"] == pytest.approx(want, rel=1e-12)
    r = runner.invoke(app, [*args, "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "city view (the city's own out-of-region basis)" in r.stdout


# -------------------------------------------------------------------------- Monte Carlo


def _zero_mc(ds, cs, profile, **kw):
    vary = ["material.hydropower.price", "regulating.carbon_sequestration.price"]
    return monte_carlo(
        ds, cs, 20, seed=1, profile=profile, vary=vary, specs=dict.fromkeys(vary, ZERO), **kw
    )


def test_monte_carlo_city_mean_with_zero_variance_equals_city_gep(ankang):
    ds, cs = ankang
    acc = account(ds, cs, profile=GBT)
    res = _zero_mc(ds, cs, GBT)
    assert res.perspective == "city"
    total = res.summary["total"]
    for stat in ("mean", "p5", "p50", "p95"):
        np.testing.assert_allclose(total.sel(stat=stat).values, acc.city_gep().values, rtol=1e-12)
    cat = res.summary["total_category"].sel(stat="mean")
    want = acc.city_by_category()
    np.testing.assert_allclose(
        cat.sel(category=want["category"].values).transpose(*want.dims).values,
        want.values,
        rtol=1e-12,
    )
    ind = res.summary["total_indicator"].sel(stat="mean")
    want = acc.city_value()
    np.testing.assert_allclose(
        ind.transpose(*want.dims).values, want.values, rtol=1e-12, equal_nan=True
    )
    assert np.all(np.abs(total.sel(stat="mean").values - acc.county_sum_gep().values) > 1e8)
    # the per-region levels stay county values
    np.testing.assert_allclose(
        res.summary["region"].sel(stat="mean").transpose(*acc.gep().dims).values,
        acc.gep().values,
        rtol=1e-12,
    )


def test_monte_carlo_city_total_per_draw_by_hand(ankang):
    """Varied hydropower price: each draw's city total = Σ county gross − s (G_ws + G_hp)
    (the flood share is 0 in the file; the city's own share s from aggregate.csv)."""
    ds, cs = ankang
    res = monte_carlo(
        ds, cs, 40, seed=5, profile=GBT, vary=["material.hydropower.price"], years=[2024]
    )
    assert res.perspective == "city"
    g = res.account.gross.sum("region", min_count=1)  # (year, indicator, draw)
    deducted = g.sel(indicator=["material.water_supply", "material.hydropower"]).sum("indicator")
    per_draw = g.sum("indicator", min_count=1) - CITY_SHARE * deducted
    assert float(per_draw.std("draw").max()) > 1e6  # the draws do vary
    np.testing.assert_allclose(
        res.summary["total"].sel(stat="mean").values,
        per_draw.mean("draw").transpose("year").values,
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        res.summary["total"].sel(stat="p50").values,
        per_draw.median("draw").transpose("year").values,
        rtol=1e-12,
    )


def test_monte_carlo_without_deductions_is_unchanged(ankang):
    ds, cs = ankang
    acc = account(ds, cs, profile="ndrc-2022")
    res = _zero_mc(ds, cs, "ndrc-2022")
    assert res.perspective == "none"
    np.testing.assert_allclose(
        res.summary["total"].sel(stat="mean").values, acc.county_sum_gep().values, rtol=1e-12
    )
    # the total levels are the summaries of the county sums over the draws, as before
    ti = res.value.sum("region", min_count=1)
    want = ti.sum("indicator", min_count=1).quantile(0.5, dim="draw")
    np.testing.assert_array_equal(res.summary["total"].sel(stat="p50").values, want.values)


def test_chunked_monte_carlo_says_it_sums_the_counties(ankang):
    ds, cs = ankang
    acc = account(ds, cs, profile=GBT)
    res = _zero_mc(ds, cs, GBT, chunks={"region": 5}, levels=("total",))
    assert res.perspective == "counties"
    np.testing.assert_allclose(
        res.summary["total"].sel(stat="mean").values, acc.county_sum_gep().values, rtol=1e-12
    )


def test_chunked_monte_carlo_of_one_year_reads_the_year_before(ankang):
    """A chunked run of one accounted year gives the in-memory run's regional values: the
    biomass-change forest carbon needs the inventory's year before (it was sliced away)."""
    ds, cs = ankang
    kwargs = {"profile": GBT, "years": [2024], "levels": ("region",)}
    mem = monte_carlo(ds, cs, 40, seed=3, **kwargs)
    lazy = monte_carlo(ds, cs, 40, seed=3, chunks={"region": 4, "draw": 20}, **kwargs)
    carbon = "regulating.carbon_sequestration"
    np.testing.assert_allclose(
        lazy.value.sel(indicator=carbon).values,
        mem.value.sel(indicator=carbon).values,
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        lazy.summary["region"].values, mem.summary["region"].values, rtol=1e-12
    )
