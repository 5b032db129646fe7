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


def test_numpy_summaries_10000_draws_bit_for_bit(ankang, ankang_coef):
    """The size of the performance target (10,000 draws): the partition of the NaN-free rows
    and the slice-by-slice sums give xarray's numbers bit for bit."""
    _assert_same(monte_carlo(ankang, ankang_coef, 10_000, seed=1, keep_values=False).value)


def _random_cases(seed: int = 3, n: int = 300):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        shape = (*rng.integers(1, 6, size=rng.integers(1, 4)), int(rng.integers(1, 60)))
        a = rng.normal(size=shape) * 10.0 ** rng.integers(-3, 12)
        if rng.random() < 0.5:
            a = np.round(a, 1)  # ties
        if rng.random() < 0.3:
            a[rng.random(shape) < 0.1] = np.nan
        if rng.random() < 0.2:
            a[...] = a[..., :1]  # constant rows
        if rng.random() < 0.1:
            a[rng.random(shape) < 0.05] = np.inf
        if rng.random() < 0.1:
            a[rng.random(shape) < 0.05] = -0.0
        yield a


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_exact_quantiles_equal_numpy():
    from gep.uncertainty import QUANTILES, _quantiles_exact

    for a in _random_cases():
        for x in (a, np.moveaxis(a, 0, -2) if a.ndim > 2 else a[::-1]):  # strided views too
            ref = np.quantile(x, QUANTILES, axis=-1)
            got = _quantiles_exact(x)
            assert got.shape == ref.shape
            assert np.array_equal(got, ref, equal_nan=True)


def test_nan_skipping_sums_equal_numpy():
    from gep.uncertainty import _sum_min1

    for a in _random_cases(seed=5):
        isnan = np.isnan(a)
        for axis in range(a.ndim):
            ref = np.where(isnan, 0.0, a).sum(axis=axis)
            ref[isnan.all(axis=axis)] = np.nan
            got = _sum_min1(a, axis, isnan)
            assert np.array_equal(got, ref, equal_nan=True)
            assert np.array_equal(np.signbit(got), np.signbit(ref))  # -0.0 as numpy gives it
