"""Sensitivity: one-at-a-time tornado and Sobol indices (SALib), CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from gep.errors import InputError
from gep.sensitivity import sobol, tornado

PRICE = "regulating.carbon_sequestration.price"
RATE = "regulating.carbon_sequestration.rate"
TRAVEL = "cultural.recreation.travel_cost"
RESERVOIR = "regulating.water_conservation.reservoir_cost"
CARBON = "regulating.carbon_sequestration"


def rel(low, high, dist="triangular"):
    return {"distribution": dist, "low": low, "high": high, "relative": True}


SPECS = {
    TRAVEL: rel(0.5, 1.5),
    PRICE: rel(0.9, 1.1),
    RESERVOIR: rel(0.95, 1.05),
    "material.hydropower.price": {"distribution": "normal", "sd": 0.1, "relative": True},
}


def test_tornado_ranks_the_dominant_coefficient_first(mini, mini_coef, mini_account):
    df = tornado(mini, mini_coef, specs=SPECS, vary=list(SPECS))
    assert df["parameter"].iloc[0] == TRAVEL and df["rank"].tolist() == [1, 2, 3, 4]
    assert (df["swing"].diff().dropna() <= 0).all()
    # hand check, 2021: recreation = 1.1e8 + 5.5e7 = 1.65e8 CNY at ×0.5 and ×1.5 → swing 1.65e8
    top = df.iloc[0]
    assert top["swing"] == pytest.approx(1.65e8)
    base = float(mini_account.gep().sel(year=2021).sum())
    assert df.attrs["base"] == pytest.approx(base) and df.attrs["year"] == 2021
    assert top["low"] == pytest.approx(base - 0.5 * 1.65e8) and top["high"] == pytest.approx(
        base + 0.5 * 1.65e8
    )
    # a normal spec is taken at its 5th/95th percentiles: 1 ∓ 1.645 sd
    hydro = df[df["id"] == "material.hydropower.price"].iloc[0]
    assert hydro["factor_low"] == pytest.approx(1 - 0.16449, abs=1e-4)
    assert hydro["factor_high"] == pytest.approx(1 + 0.16449, abs=1e-4)


def test_tornado_on_a_selection(mini, mini_coef):
    df = tornado(
        mini,
        mini_coef,
        specs=SPECS,
        vary=list(SPECS),
        indicators=[CARBON],
        regions=["100002"],
        year=2020,
    )
    assert df["parameter"].iloc[0] == PRICE
    # 100002 in 2020: carbon value 1.325e6 CNY at price ×0.9 / ×1.1
    assert df.iloc[0]["swing"] == pytest.approx(0.2 * 1.325e6)
    assert (df.iloc[1:]["swing"] == 0).all()
    df = tornado(mini, mini_coef, specs=SPECS, vary=list(SPECS), indicators=["cultural"])
    assert df["parameter"].iloc[0] == TRAVEL and (df.iloc[1:]["swing"] == 0).all()
    with pytest.raises(InputError, match="unknown region"):
        tornado(mini, mini_coef, regions=["999999"])
    with pytest.raises(InputError, match="not in the inventory"):
        tornado(mini, mini_coef, year=1999)


def test_sobol_indices_rank_and_sum(mini, mini_coef):
    specs = {PRICE: rel(0.5, 1.5), RATE: rel(0.9, 1.1), TRAVEL: rel(0.5, 1.5)}
    df = sobol(mini, mini_coef, n=512, seed=1, specs=specs, vary=list(specs), indicators=[CARBON])
    assert df["parameter"].tolist()[:2] == [PRICE, RATE]
    row = df.set_index("parameter")
    assert row.loc[PRICE, "ST"] > 0.9 and row.loc[PRICE, "S1"] > 0.85
    assert row.loc[TRAVEL, "ST"] == pytest.approx(0.0, abs=1e-9)  # no effect on carbon at all
    assert 0.9 < row["S1"].sum() < 1.1  # nearly additive for a product of two narrow factors
    assert df.attrs["evaluations"] == 512 * (3 + 2)
    again = sobol(
        mini,
        mini_coef,
        n=512,
        seed=1,
        specs=specs,
        vary=list(specs),
        indicators=[CARBON],
        batch=700,
    )
    np.testing.assert_allclose(again["ST"], df["ST"])  # batching does not change the result
    with pytest.raises(InputError, match="power of 2"):
        sobol(mini, mini_coef, n=100)


def test_sensitivity_uses_the_files_uncertainty_by_default(mini, mini_coef):
    df = tornado(mini, mini_coef)
    assert set(df["parameter"]) == {PRICE, RATE, RESERVOIR}
    assert df["parameter"].iloc[0] == RESERVOIR  # water conservation dominates the mini account


runner = CliRunner()
MINI = ["tests/data/mini", "-c", "tests/data/coefficients/mini"]


def test_cli_sensitivity():
    from gep.cli import app

    r = runner.invoke(app, ["sensitivity", *MINI, "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["method"] == "oat" and d["year"] == 2021 and d["dataset"]["name"] == "mini"
    assert [row["rank"] for row in d["rows"]] == [1, 2, 3] and d["rows"][0][
        "parameter"
    ] == RESERVOIR
    r = runner.invoke(
        app, ["sensitivity", *MINI, "--method", "sobol", "--samples", "64", "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert (
        d["method"] == "sobol" and d["evaluations"] == 64 * 5 and {"S1", "ST"} <= set(d["rows"][0])
    )
    r = runner.invoke(app, ["sensitivity", *MINI, "-i", CARBON, "-r", "100001"])
    assert r.exit_code == 0 and PRICE in r.stdout
    r = runner.invoke(app, ["sensitivity", *MINI, "--method", "sobol", "--samples", "100"])
    assert r.exit_code == 2 and "power of 2" in r.stderr
    r = runner.invoke(app, ["sensitivity", *MINI, "--method", "morris"])
    assert r.exit_code == 2
