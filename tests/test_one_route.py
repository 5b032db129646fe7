"""One route to coefficients (issue 9 item 2): the forest carbon module's ``carbon.*``
species parameters are read through the account's resolver like every other coefficient —
recorded, replaced by scenario stacks and Monte Carlo draws."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gep.accounting import account
from gep.coefficients import load_set
from gep.inventory import load_dataset
from gep.scenarios import account_scenarios, stack_scenarios
from gep.uncertainty import monte_carlo

ROOT = Path(__file__).resolve().parents[1]
CARBON = "regulating.carbon_sequestration"


@pytest.fixture(scope="module")
def ankang():
    return load_dataset(ROOT / "datasets" / "ankang")


@pytest.fixture(scope="module")
def coef():
    return load_set("ankang")


def test_carbon_parameters_are_recorded_reads(ankang, coef):
    acc = account(ankang, coef)
    ids = {cid for cid, _ in acc.coefficient_reads}
    assert {"carbon.fang_a", "carbon.fang_b", "carbon.carbon_fraction"} <= ids


def test_monte_carlo_varies_carbon_parameters(ankang, coef):
    spec = {"distribution": "triangular", "low": 0.9, "mode": 1.0, "high": 1.1, "relative": True}
    res = monte_carlo(ankang, coef, 200, seed=1, specs={"carbon.fang_a": spec})
    assert "carbon.fang_a" not in res.not_varied
    assert "carbon.fang_a" in {p.id for p in res.parameters}
    carbon = res.value.sel(indicator=CARBON, region="610923", year=2024)
    water = res.value.sel(indicator="regulating.water_conservation", region="610923", year=2024)
    assert float(carbon.std()) > 0
    # the other parameters with uncertainty vary too, but water conservation does not read fang_a
    only = monte_carlo(
        ankang, coef, 50, seed=1, specs={"carbon.fang_a": spec}, vary=["carbon.fang_a"]
    )
    w = only.value.sel(indicator="regulating.water_conservation", region="610923", year=2024)
    assert float(w.max() - w.min()) <= 1e-12 * float(w.mean())
    assert water.sizes["draw"] == 200
    c = only.value.sel(indicator=CARBON, region="610923", year=2024)
    assert float(c.max() - c.min()) > 0.01 * float(c.mean())


def test_scenario_changing_a_carbon_parameter_is_stacked(tmp_path, ankang, coef):
    scen = tmp_path / "fang.yaml"
    scen.write_text(
        "name: {zh: 参数, en: parameter}\n"
        "description: {zh: 参数, en: parameter}\n"
        "overrides:\n  - carbon.fang_a*=1.1\n",
        encoding="utf-8",
    )
    stack = stack_scenarios(ankang, coef, [scen])
    assert not hasattr(stack, "separate")  # no separate account call for carbon parameters
    assert "carbon.fang_a" in stack.extra
    acc = account_scenarios(ankang, coef, [scen])
    direct = account(ankang, coef.with_overrides(["carbon.fang_a*=1.1"]))
    np.testing.assert_allclose(
        acc.value.sel(scenario="fang").transpose(*direct.value.dims).values,
        direct.value.values,
        rtol=1e-12,
    )
