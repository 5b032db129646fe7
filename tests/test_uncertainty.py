"""Monte Carlo: distributions, seeding, zero-width exactness, convergence, dask agreement, CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from gep.errors import InputError
from gep.uncertainty import (
    LEVELS,
    Parameter,
    draw_factors,
    factors_from_u,
    monte_carlo,
    prepare,
    uniforms,
)

PRICE = "regulating.carbon_sequestration.price"  # mini: 100 元/t, triangular(50, 200), mode = value
RATE = "regulating.carbon_sequestration.rate"  # mini: table, relative triangular(0.5, 1.5)
CARBON = "regulating.carbon_sequestration"
TRAVEL = "cultural.recreation.travel_cost"


def tri(low, high, mode=None, relative=True):
    spec = {"distribution": "triangular", "low": low, "high": high, "relative": relative}
    if mode is not None:
        spec["mode"] = mode
    return spec


# -------------------------------------------------------------------------- distributions


def test_factors_from_uniforms():
    u = np.array([0.0, 0.5, 1.0, np.nan])
    p = Parameter("x", tri(0.5, 1.5), "f.yaml")
    np.testing.assert_allclose(factors_from_u(p, u), [0.5, 1.0, 1.5, 1.0])  # NaN → nominal
    p = Parameter(
        "x", {"distribution": "uniform", "low": 0.8, "high": 1.2, "relative": True}, "f.yaml"
    )
    np.testing.assert_allclose(factors_from_u(p, u), [0.8, 1.0, 1.2, 1.0])
    # absolute: draw / value; the mode defaults to the value in force of each year
    p = Parameter("x", tri(50, 200, relative=False), "f.yaml")
    f = factors_from_u(p, np.array([0.0, 1.0 / 3.0, 1.0]), np.array([100.0, 125.0]))
    np.testing.assert_allclose(f[:, 0], [0.5, 1.0, 2.0])  # F(mode=100) = 1/3
    np.testing.assert_allclose(f[[0, 2], 1], [0.4, 1.6])  # same quantile, the other year's value
    # lognormal: median 1; normal: cut at zero
    p = Parameter("x", {"distribution": "lognormal", "sd": 0.3}, "f.yaml")
    assert factors_from_u(p, np.array([0.5]))[0] == pytest.approx(1.0)
    p = Parameter("x", {"distribution": "normal", "sd": 2.0, "relative": True}, "f.yaml")
    assert factors_from_u(p, np.array([0.01]))[0] == 0.0


def test_uniform_streams_do_not_depend_on_chunking_or_other_parameters():
    full = uniforms(["a", "b"], 7, 0, 10000)
    part = uniforms(["b"], 7, 4090, 4200)  # crosses a generator block
    np.testing.assert_array_equal(part[:, 0], full[4090:4200, 1])
    assert not np.array_equal(uniforms(["a"], 8, 0, 10)[:, 0], full[:10, 0])
    assert (full > 0).all() and (full < 1).all()


def test_table_coefficients_one_factor_per_coefficient_or_per_key(mini, mini_coef):
    setup = prepare(mini, mini_coef, vary=[RATE])
    assert [p.label for p in setup.parameters] == [RATE]
    extra = setup.extra(uniforms(setup.labels, 1, 0, 5), np.arange(5))[RATE]
    ratio = extra / setup.base[RATE]
    ratio = ratio.where(setup.base[RATE] != 0)
    spread = ratio.max([d for d in ratio.dims if d != "draw"]) - ratio.min(
        [d for d in ratio.dims if d != "draw"]
    )
    assert float(spread.max()) < 1e-12  # every ecosystem moves together
    setup = prepare(mini, mini_coef, vary=[RATE], table_draws="key")
    keys = [str(k) for k in setup.base[RATE]["ecosystem"].values]
    assert [p.label for p in setup.parameters] == [f"{RATE}[{k}]" for k in keys]


# -------------------------------------------------------------------------- the required properties


def test_zero_width_uncertainty_equals_deterministic_account(mini, mini_coef, mini_account):
    zero = {cid: tri(1.0, 1.0) for cid in mini_coef.ids() if not cid.startswith("price_index")}
    zero[PRICE] = tri(100.0, 100.0, relative=False)  # absolute, = the value
    zero["regulating.water_conservation.reservoir_cost"] = {"distribution": "normal", "sd": 0.0}
    zero["material.hydropower.price"] = {"distribution": "lognormal", "sd": 0.0}
    zero["cultural.recreation.travel_cost"] = {
        "distribution": "uniform",
        "low": 1.0,
        "high": 1.0,
        "relative": True,
    }
    res = monte_carlo(mini, mini_coef, 50, seed=3, specs=zero)
    assert len(res.parameters) >= 15
    det = mini_account.value
    value = res.value.transpose("draw", *det.dims)
    for i in range(value.sizes["draw"]):
        assert np.array_equal(value.isel(draw=i).values, det.values, equal_nan=True)
    s = res.summary["indicator"].transpose(*det.dims, "stat")
    for stat in ("p5", "p50", "p95"):
        assert np.array_equal(s.sel(stat=stat).values, det.values, equal_nan=True)
    np.testing.assert_allclose(s.sel(stat="mean").values, det.values, rtol=1e-14, equal_nan=True)


def test_p50_converges_to_the_analytic_median(mini, mini_coef, mini_account):
    # carbon value of 100001 in 2020 = 27,000 tCO2e × price; price ~ triangular(50, 100, 200):
    # median = 200 − sqrt(150 × 100 / 2) = 113.397…, mean = 350 / 3
    co2 = float(mini_account.physical(CARBON).sel(region="100001", year=2020))
    median, mean = 200 - np.sqrt(150 * 100 / 2), 350 / 3

    def err(n):
        res = monte_carlo(mini, mini_coef, n, seed=42, vary=[PRICE], levels=("indicator",))
        s = res.summary["indicator"].sel(region="100001", year=2020, indicator=CARBON)
        return float(s.sel(stat="p50")) / (co2 * median) - 1, float(s.sel(stat="mean")) / (
            co2 * mean
        ) - 1

    e_small, _ = err(200)
    e_big, m_big = err(40000)
    assert abs(e_big) < 0.005 and abs(m_big) < 0.005
    assert abs(e_big) < abs(e_small)


def test_same_seed_same_draws(mini, mini_coef):
    a = monte_carlo(mini, mini_coef, 300, seed=11)
    b = monte_carlo(mini, mini_coef, 300, seed=11)
    c = monte_carlo(mini, mini_coef, 300, seed=12)
    for level in LEVELS:
        assert a.summary[level].identical(b.summary[level])
    assert not np.allclose(a.summary["total"].values, c.summary["total"].values)
    # draw i does not depend on N: the first 100 draws of a 300-draw run are a 100-draw run
    d = monte_carlo(mini, mini_coef, 100, seed=11)
    np.testing.assert_array_equal(d.value.values, a.value.isel(draw=slice(0, 100)).values)
    f1 = draw_factors(mini, mini_coef, 100, seed=11)
    assert f1.shape == (100, 3) and f1.equals(draw_factors(mini, mini_coef, 100, seed=11))


def test_dask_and_in_memory_results_agree(mini, mini_coef):
    mem = monte_carlo(mini, mini_coef, 500, seed=5, table_draws="key")
    lazy = monte_carlo(
        mini, mini_coef, 500, seed=5, table_draws="key", chunks={"draw": 64, "region": 1}
    )
    assert lazy.account is None and lazy.value.chunks is not None
    for level in LEVELS:
        np.testing.assert_allclose(
            lazy.summary[level].values, mem.summary[level].values, rtol=1e-12, equal_nan=True
        )
    np.testing.assert_allclose(
        lazy.value.compute().values, mem.value.values, rtol=1e-12, equal_nan=True
    )


def test_dask_distributed_client(mini, mini_coef):
    distributed = pytest.importorskip("distributed")
    with distributed.Client(
        processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None
    ) as client:
        res = monte_carlo(mini, mini_coef, 200, seed=5, client=client, levels=("total", "region"))
    mem = monte_carlo(mini, mini_coef, 200, seed=5, levels=("total", "region"))
    for level in ("total", "region"):
        np.testing.assert_allclose(res.summary[level].values, mem.summary[level].values, rtol=1e-12)


def test_summary_levels_are_consistent(mini, mini_coef):
    res = monte_carlo(mini, mini_coef, 400, seed=1)
    s = res.summary
    assert list(s["indicator"]["stat"].values) == ["mean", "p5", "p50", "p95"]
    # means are linear: totals of means = mean of totals
    np.testing.assert_allclose(
        s["total"].sel(stat="mean").values,
        s["region"].sel(stat="mean").sum("region").values,
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        s["total_category"].sel(stat="mean").sum("category").values,
        s["total"].sel(stat="mean").values,
        rtol=1e-12,
    )
    assert (s["total"].sel(stat="p5") <= s["total"].sel(stat="p50")).all()
    assert (s["total"].sel(stat="p50") <= s["total"].sel(stat="p95")).all()
    df = res.to_frame()
    assert set(df["level"]) == set(LEVELS)
    assert set(df[df["level"] == "total"]["region"]) == {"100000"}  # the dataset's top region
    prov = res.provenance()
    assert prov["draws"] == 400 and prov["seed"] == 1 and prov["dataset"]["name"] == "mini"


def test_bad_uncertainty_input(mini, mini_coef):
    with pytest.raises(InputError, match="unknown coefficient"):
        monte_carlo(mini, mini_coef, 10, vary=["regulating.nothing"])
    with pytest.raises(InputError, match="has no uncertainty spec"):
        monte_carlo(mini, mini_coef, 10, vary=[TRAVEL])
    with pytest.raises(InputError) as exc:
        monte_carlo(mini, mini_coef, 10, specs={RATE: tri(0.5, 3.0, relative=False)})
    assert any(p.field == "uncertainty.relative" for p in exc.value.problems)
    with pytest.raises(InputError, match="outside"):
        monte_carlo(mini, mini_coef, 10, specs={PRICE: tri(150, 300, relative=False)})
    with pytest.raises(InputError, match="positive integer"):
        monte_carlo(mini, mini_coef, 0)
    with pytest.raises(InputError, match="needs 'sd'"):
        monte_carlo(mini, mini_coef, 10, specs={PRICE: {"distribution": "normal"}})


# -------------------------------------------------------------------------- CLI

runner = CliRunner()
MINI = ["tests/data/mini", "-c", "tests/data/coefficients/mini"]


def test_cli_uncertainty_json_and_table():
    from gep.cli import app

    r = runner.invoke(
        app, ["uncertainty", *MINI, "--draws", "200", "--seed", "3", "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["draws"] == 200 and d["seed"] == 3 and d["dataset"]["name"] == "mini"
    assert {p["parameter"] for p in d["parameters"]} == {
        PRICE,
        RATE,
        "regulating.water_conservation.reservoir_cost",
    }
    total = [row for row in d["rows"] if row["level"] == "total"]
    assert {row["year"] for row in total} == {2020, 2021}
    assert all(row["p5"] <= row["p50"] <= row["p95"] for row in total)
    r2 = runner.invoke(
        app, ["uncertainty", *MINI, "--draws", "200", "--seed", "3", "--format", "json"]
    )
    assert r2.stdout == r.stdout  # reproducible
    r = runner.invoke(app, ["uncertainty", *MINI, "--draws", "100", "--year", "2021"])
    assert r.exit_code == 0 and "GEP" in r.stdout and "甲县" in r.stdout
    r = runner.invoke(app, ["uncertainty", *MINI, "--draws", "0"])
    assert r.exit_code == 2 and "--draws" in r.stderr
    r = runner.invoke(app, ["uncertainty", *MINI, "--year", "1990"])
    assert r.exit_code == 2 and "1990" in r.stderr


def test_monte_carlo_over_scenarios(mini, mini_coef, tmp_path):
    (tmp_path / "noop.yaml").write_text("name: no change\n", encoding="utf-8")
    (tmp_path / "x2.yaml").write_text(f"name: x2\noverrides:\n  - {PRICE}*=2\n", encoding="utf-8")
    files = [tmp_path / "noop.yaml", tmp_path / "x2.yaml"]
    res = monte_carlo(mini, mini_coef, 300, seed=2, scenarios=files)
    plain = monte_carlo(mini, mini_coef, 300, seed=2)
    assert list(res.value["scenario"].values) == ["baseline", "noop", "x2"]
    for name in ("baseline", "noop"):
        v = res.value.sel(scenario=name).transpose(*plain.value.dims)
        assert np.array_equal(v.values, plain.value.values, equal_nan=True)
    x2 = res.value.sel(scenario="x2", indicator=CARBON).transpose(
        *plain.value.sel(indicator=CARBON).dims
    )
    assert np.array_equal(
        x2.values, 2 * plain.value.sel(indicator=CARBON).values
    )  # same draws, price doubled
    assert "scenario" in res.to_frame().columns
    with pytest.raises(InputError, match="in memory only"):
        monte_carlo(mini, mini_coef, 10, scenarios=files, chunks="auto")
