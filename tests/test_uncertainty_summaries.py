"""The numpy summaries of in-memory Monte Carlo runs equal the xarray route (issue 9 item 4).

Run on the Ankang set (10 counties × 5 years; the mini coefficient set does not load on this
branch at the time of writing)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from gep.coefficients import load_set
from gep.inventory import load_dataset
from gep.uncertainty import LEVELS, _summaries_numpy, level_arrays, monte_carlo, summarize

ANKANG = Path(__file__).resolve().parents[1] / "datasets" / "ankang"


@pytest.fixture(scope="module")
def ankang():
    return load_dataset(ANKANG)


@pytest.fixture(scope="module")
def ankang_coef():
    return load_set("ankang")


def _xarray_route(value: xr.DataArray) -> dict[str, xr.DataArray]:
    arrays = level_arrays(value, LEVELS)
    return {lv: summarize(arrays[lv]) for lv in LEVELS}


def _assert_same(value: xr.DataArray) -> None:
    old, new = _xarray_route(value), _summaries_numpy(value, LEVELS)
    for lv in LEVELS:
        o, n = old[lv], new[lv]
        assert o.dims == n.dims, lv
        assert sorted(o.coords) == sorted(n.coords), lv
        for k in o.coords:
            assert np.array_equal(o[k].values, n[k].values), (lv, k)
        assert o.attrs == n.attrs
        np.testing.assert_allclose(n.values, o.values, rtol=1e-12, atol=0, equal_nan=True)
        if "scenario" not in value.dims:  # (with scenarios xarray's own 'stat' dtype varies)
            assert n.identical(o), lv  # bit for bit, with the same name and coordinate types
        assert np.array_equal(np.isnan(n.values), np.isnan(o.values)), lv


def test_numpy_summaries_equal_xarray_route(ankang, ankang_coef):
    res = monte_carlo(ankang, ankang_coef, 501, seed=3)
    assert res.value.dims[-1] == "draw"
    _assert_same(res.value)
    for lv in LEVELS:  # what monte_carlo returned is the numpy route
        np.testing.assert_array_equal(
            res.summary[lv].values, _xarray_route(res.value)[lv].values, strict=False
        )


def test_numpy_summaries_nan_cells(ankang, ankang_coef):
    """Not-assessed cells: NaN in some draws of a cell, in whole indicators, in whole regions."""
    value = monte_carlo(ankang, ankang_coef, 64, seed=4).value.copy()
    v = value.values
    v[0, 0, 0, :] = np.nan  # one cell, every draw
    v[0, 0, 1, 5] = np.nan  # one draw of one cell: NaN propagates into its quantiles
    v[-1, :, :, :] = np.nan  # a whole region not assessed
    v[:, -1, -1, :] = np.nan  # one indicator in every region of the last year
    value.values = v
    _assert_same(value)


def test_numpy_summaries_with_scenarios(ankang, ankang_coef):
    res = monte_carlo(
        ankang, ankang_coef, 200, seed=2, scenarios=[ANKANG / "scenarios" / "carbon_price_x2.yaml"]
    )
    assert "scenario" in res.value.dims
    _assert_same(res.value)
