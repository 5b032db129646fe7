"""``account(components=False)``: the same values without per-component breakdowns (issue 9,
Monte Carlo speed). The draws of a Monte Carlo run use it; their summaries must not change."""

from __future__ import annotations

import numpy as np
import pytest

from gep.accounting import account
from gep.coefficients import load_set
from gep.inventory import load_dataset
from gep.uncertainty import monte_carlo, prepare, uniforms
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def ankang():
    ds = load_dataset(ROOT / "datasets" / "ankang")
    return ds, load_set(ds.default_coefficients)


@pytest.mark.parametrize("profile", ["ndrc-2022", "gbt-46869-2025", "xie-2015"])
def test_values_physical_and_prices_equal_without_components(ankang, profile):
    ds, cs = ankang
    full = account(ds, cs, profile=profile)
    lean = account(ds, cs, profile=profile, components=False)
    assert full.components and not lean.components
    for name in full.ds.data_vars:
        np.testing.assert_array_equal(full.ds[name].values, lean.ds[name].values, err_msg=name)
    assert set(full.prices) == set(lean.prices)
    for iid, p in full.prices.items():
        np.testing.assert_array_equal(p.values, lean.prices[iid].values, err_msg=iid)
    assert full.not_assessed == lean.not_assessed


def test_drawn_values_equal_with_and_without_components(ankang):
    ds, cs = ankang
    setup = prepare(ds, cs)
    U = uniforms(setup.labels, 7, 0, 300)
    with_parts = setup.evaluate(U)
    lean = setup.evaluate(U, components=False)
    assert with_parts.components and not lean.components
    np.testing.assert_array_equal(with_parts.value.values, lean.value.values)


def test_monte_carlo_keeps_nothing_but_values_of_the_draws(ankang):
    ds, cs = ankang
    res = monte_carlo(ds, cs, 200, seed=2)
    setup = prepare(ds, cs)
    ref = setup.evaluate(uniforms(setup.labels, 2, 0, 200))  # with components
    np.testing.assert_array_equal(res.value.transpose(*ref.value.dims).values, ref.value.values)


def test_monte_carlo_components_on_request(ankang):
    ds, cs = ankang
    assert not monte_carlo(ds, cs, 20, seed=2).account.components
    res = monte_carlo(ds, cs, 20, seed=2, components=True)
    parts = res.account.components["regulating.climate_regulation"]["value"]
    assert parts.sizes["draw"] == 20 and parts.sizes["component"] == 2
