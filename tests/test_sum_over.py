"""Sums over ecosystems contracted through declared pure factors (issue 9 item 4, Monte Carlo).

:func:`gep.indicators.base.sum_over` multiplies the declared factors and sums them in one
``einsum`` instead of building every draw × region × year × ecosystem term. These tests check
(1) every ``pure_factors`` declaration against the formula it decorates, (2) the contraction
against the plain route term by term, not-assessed (NaN) rules included, and (3) whole Monte
Carlo runs against the same runs with the contraction switched off: Ankang, the mini set,
scenario stacks and the dask (lazy) path, same seed, summaries equal to 1e-12 relative.
"""

from __future__ import annotations

import inspect
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import gep.indicators  # noqa: F401  (registers every indicator and its formulas)
from gep.coefficients import load_set
from gep.indicators import base
from gep.indicators.base import FORMULAS, pure_factors, sum_over, weighted_sum_over
from gep.indicators.regulating import sequestration_rate_method, transpiration_cooling_energy
from gep.inventory import load_dataset
from gep.uncertainty import LEVELS, monte_carlo

ROOT = Path(__file__).resolve().parents[1]
ANKANG = ROOT / "datasets" / "ankang"


def _declared() -> list:
    seen = {}
    for funcs in FORMULAS.values():
        for f in funcs:
            if getattr(f, "pure_factors", None):
                seen[id(f)] = f
    return list(seen.values())


def _sample_args(func, rng) -> dict:
    units = getattr(func, "units_in", {})
    out = {}
    for name, p in inspect.signature(func).parameters.items():
        if p.default is not inspect.Parameter.empty and name not in units:
            continue
        data = rng.uniform(0.5, 2.0, size=(3, 4))
        attrs = {"units": units[name]} if name in units else {}
        out[name] = xr.Variable(("region", "year"), data, attrs=attrs)
    return out


def test_every_pure_factor_declaration_holds():
    """The formula is linear in each declared argument — f(…, c·x + y, …) = c·f(…, x, …) +
    f(…, y, …) for any c (negative too) — for each formula that declares pure factors (a
    wrong declaration would make sum_over wrong: a clip at zero or an offset unit fails)."""
    funcs = _declared()
    names = {f.__name__ for f in funcs}
    assert {"sequestration_rate_method", "transpiration_cooling_energy"} <= names
    rng = np.random.default_rng(0)
    for f in funcs:
        args = _sample_args(f, rng)
        for name in f.pure_factors:
            x = args[name]
            y = xr.Variable(x.dims, rng.uniform(-2.0, 2.0, size=x.shape), attrs=dict(x.attrs))
            for c in (2.75, -1.5):
                mixed = xr.Variable(x.dims, c * x.data + y.data, attrs=dict(x.attrs))
                got = np.asarray(f(**{**args, name: mixed}).data)
                want = c * np.asarray(f(**args).data) + np.asarray(f(**{**args, name: y}).data)
                np.testing.assert_allclose(
                    got, want, rtol=1e-12, atol=1e-12 * np.abs(want).max(), err_msg=name
                )


def test_a_wrong_declaration_is_caught_by_that_check():
    @pure_factors("x", "y")
    def not_linear_in_y(x, y):
        return x * np.maximum(y, 0.0)  # homogeneous for c > 0, not additive

    x, y = xr.Variable(("a",), [1.0, 2.0]), xr.Variable(("a",), [3.0, -4.0])
    y2 = xr.Variable(("a",), [-1.0, 1.0])
    assert not np.allclose(
        not_linear_in_y(x, y + y2).data, (not_linear_in_y(x, y) + not_linear_in_y(x, y2)).data
    )
    with pytest.raises(TypeError, match="no parameter"):
        pure_factors("z")(not_linear_in_y)


def _case(rng, draws: int = 7):
    """heat (year, ecosystem, draw), area (region, year, ecosystem), days (region, year), eer
    (year, draw) with zero areas, NaN areas, a missing coefficient for one ecosystem, a region
    whose only area is where the coefficient is missing, a region without counted area and a
    missing hot-days value there."""
    R, Y, E = 5, 3, 4
    heat = rng.uniform(100, 300, size=(Y, E, draws))
    heat[:, 2, :] = np.nan  # ecosystem 2 has no coefficient
    area = rng.uniform(0, 50, size=(R, Y, E))
    area[0, :, 2] = 0.0  # region 0: no area where the coefficient is missing → assessed
    area[1, 0, :] = np.nan  # region 1, year 0: no area data → counts nothing
    area[2, :, :] = 0.0
    area[2, 1, 2] = 3.0  # region 2, year 1: only the uncovered ecosystem → NaN
    area[3, :, :] = 0.0  # region 3: no counted area at all …
    days = rng.uniform(10, 40, size=(R, Y))
    days[3, :] = np.nan  # … and no hot-days value: the sum is still zero
    eer = rng.uniform(2.5, 3.5, size=(Y, draws))
    return {
        "transpiration_heat": xr.Variable(
            ("year", "ecosystem", "draw"), heat, attrs={"units": "kJ / m ** 2 / day"}
        ),
        "area": xr.Variable(("region", "year", "ecosystem"), area, attrs={"units": "hectare"}),
        "days": xr.Variable(("region", "year"), days, attrs={"units": "day"}),
        "eer": xr.Variable(("year", "draw"), eer, attrs={"units": "dimensionless"}),
    }


def _assert_same(fast: xr.Variable, plain: xr.Variable) -> None:
    plain = plain.transpose(*fast.dims)
    assert fast.attrs.get("units") == plain.attrs.get("units")
    assert np.array_equal(np.isnan(fast.data), np.isnan(plain.data))
    np.testing.assert_allclose(fast.data, plain.data, rtol=1e-13, atol=0, equal_nan=True)


def test_contraction_equals_the_plain_sum_with_not_assessed_rules():
    rng = np.random.default_rng(1)
    args = _case(rng)
    mask = args["area"] > 0
    f = transpiration_cooling_energy
    fast = sum_over("ecosystem", f, mask, **args)
    plain = weighted_sum_over("ecosystem", f(**args), mask)
    _assert_same(fast, plain)
    d = fast.transpose("region", "year", "draw").data
    assert np.isfinite(d[0]).all()  # the missing coefficient where there is no area
    assert (d[1, 0] == 0).all()  # NaN area counts nothing
    assert np.isnan(d[2, 1]).all()  # area with a missing coefficient: not assessed
    assert (d[3] == 0).all()  # nothing counted: zero although hot days are missing
    # no weight mask: any missing term makes the sum missing
    _assert_same(sum_over("ecosystem", f, None, **args), f(**args).sum("ecosystem", skipna=False))
    # carbon: rate (year, ecosystem, draw) × area, with a scenario dim on the area
    rate = args["transpiration_heat"].copy()
    rate.attrs = {"units": "tCO2e / hectare / year"}
    area = xr.Variable.concat([args["area"], args["area"] * 2], "scenario")
    area.attrs = {"units": "hectare"}
    g = sequestration_rate_method
    _assert_same(
        sum_over("ecosystem", g, area > 0, rate=rate, area=area),
        weighted_sum_over("ecosystem", g(rate, area), area > 0),
    )


def test_plain_route_when_not_declared_or_not_finite_or_lazy():
    rng = np.random.default_rng(2)
    args = _case(rng)
    mask = args["area"] > 0
    f = transpiration_cooling_energy
    assert base._contracted("ecosystem", f, mask, args) is not None
    # eer carrying the ecosystem dim is not a declared pure factor: no contraction
    eer_e = args["eer"].set_dims({"ecosystem": 4, **args["eer"].sizes})
    assert base._contracted("ecosystem", f, mask, {**args, "eer": eer_e}) is None
    _assert_same(
        sum_over("ecosystem", f, mask, **{**args, "eer": eer_e}),
        weighted_sum_over("ecosystem", f(**{**args, "eer": eer_e}), mask),
    )
    # an infinite factor: the plain route (its inf/NaN arithmetic is kept exactly)
    heat = args["transpiration_heat"].copy(deep=True)
    heat.data[0, 0, 0] = np.inf
    assert base._contracted("ecosystem", f, mask, {**args, "transpiration_heat": heat}) is None
    # dask arrays: the plain route
    lazy = args["area"].chunk({"region": 2})
    assert base._contracted("ecosystem", f, lazy > 0, {**args, "area": lazy}) is None


# ---------------------------------------------------------------- whole Monte Carlo runs


@pytest.fixture(scope="module")
def ankang():
    return load_dataset(ANKANG)


@pytest.fixture(scope="module")
def ankang_coef():
    return load_set("ankang")


def _summaries_equal(fast, plain) -> None:
    for lv in LEVELS:
        a, b = fast.summary[lv], plain.summary[lv]
        assert a.dims == b.dims, lv
        assert np.array_equal(np.isnan(a.values), np.isnan(b.values)), lv
        np.testing.assert_allclose(a.values, b.values, rtol=1e-12, atol=0, err_msg=lv)


def _both(monkeypatch, *args, **kwargs):
    fast = monte_carlo(*args, **kwargs)
    with monkeypatch.context() as m:
        m.setattr(base, "_contracted", lambda *a, **k: None)  # the plain route everywhere
        plain = monte_carlo(*args, **kwargs)
    return fast, plain


def test_monte_carlo_ankang_same_as_plain_route(monkeypatch, ankang, ankang_coef):
    fast, plain = _both(monkeypatch, ankang, ankang_coef, 2000, seed=1)
    _summaries_equal(fast, plain)
    np.testing.assert_allclose(fast.value.values, plain.value.values, rtol=1e-12, equal_nan=True)


def test_monte_carlo_ankang_scenarios_same_as_plain_route(monkeypatch, ankang, ankang_coef):
    scen = sorted((ANKANG / "scenarios").glob("*.yaml"))
    assert scen
    fast, plain = _both(monkeypatch, ankang, ankang_coef, 500, seed=2, scenarios=scen)
    assert fast.value.sizes["scenario"] == len(scen) + 1
    _summaries_equal(fast, plain)


def test_monte_carlo_mini_and_lazy_same_as_plain_route(monkeypatch, mini, mini_coef):
    fast, plain = _both(monkeypatch, mini, mini_coef, 300, seed=5, table_draws="key")
    _summaries_equal(fast, plain)
    lazy, lazy_plain = _both(
        monkeypatch, mini, mini_coef, 300, seed=5, table_draws="key", chunks={"region": 1}
    )
    _summaries_equal(lazy, lazy_plain)
    _summaries_equal(lazy, fast)


def test_family_sum_is_xarrays_skipna_min_count_sum_bit_for_bit():
    rng = np.random.default_rng(4)
    for shape in [(1, 3), (4, 5, 6), (6, 10, 5, 300), (3, 0, 2), (2, 4)]:
        a = rng.normal(size=shape)
        a[rng.random(shape) < 0.3] = np.nan
        if a.ndim > 2 and a.shape[1]:
            a[:, 0] = np.nan  # every member missing there → NaN
            a[0, -1] = np.nan  # one member missing in a whole slice
        v = xr.Variable(("component", *"xyz"[: a.ndim - 1]), a)
        got, want = base.family_sum(v), v.sum("component", min_count=1)
        assert got.dims == want.dims
        assert np.array_equal(got.data, want.data, equal_nan=True), shape
        assert np.array_equal(np.signbit(got.data), np.signbit(want.data)), shape
    # other layouts and dask arrays: xarray's own sum
    v = xr.Variable(("x", "component"), rng.normal(size=(3, 4)))
    np.testing.assert_array_equal(base.family_sum(v).data, v.sum("component").data)


# ---------------------------------------------------------------- the forest carbon module, reused


class _NoMemo(dict):
    """A memo that never keeps anything: every account call computes the carbon module."""

    def __setitem__(self, key, value) -> None:
        pass


def _counting(monkeypatch) -> list:
    import gep.carbon.integration as integration

    calls: list = []
    real = integration.forest_sink_for_account

    def counted(ctx):
        calls.append(ctx)
        return real(ctx)

    monkeypatch.setattr(integration, "forest_sink_for_account", counted)
    return calls


def _reused_and_fresh(monkeypatch, *args, **kwargs):
    import gep.uncertainty as unc

    calls = _counting(monkeypatch)
    reused = monte_carlo(*args, **kwargs)
    n_reused = len(calls)
    real = unc.prepare
    with monkeypatch.context() as m:
        m.setattr(unc, "prepare", lambda *a, **k: replace(real(*a, **k), memo=_NoMemo()))
        fresh = monte_carlo(*args, **kwargs)
    return reused, fresh, n_reused, len(calls) - n_reused


CARBON = "regulating.carbon_sequestration"


def test_forest_carbon_module_runs_once_per_monte_carlo_run(monkeypatch, ankang, ankang_coef):
    reused, fresh, n_reused, n_fresh = _reused_and_fresh(
        monkeypatch, ankang, ankang_coef, 1000, seed=1
    )
    assert not any(p.id.startswith("carbon.") for p in reused.parameters)
    assert (n_reused, n_fresh) == (1, 2)  # the probe only; probe + draws
    _summaries_equal(reused, fresh)
    assert np.array_equal(reused.value.values, fresh.value.values, equal_nan=True)
    # the draws' account records the carbon parameters it used, as a fresh one does
    assert reused.account.coefficient_reads == fresh.account.coefficient_reads
    assert reused.account.trace[CARBON] == fresh.account.trace[CARBON]
    assert {"carbon.fang_a", "carbon.fang_b"} <= {
        c for c, _ in reused.account.trace[CARBON].coefficients
    }


def test_a_drawn_carbon_parameter_bypasses_the_kept_result(monkeypatch, ankang, ankang_coef):
    spec = {"distribution": "triangular", "low": 0.8, "mode": 1.0, "high": 1.2, "relative": True}
    reused, fresh, n_reused, n_fresh = _reused_and_fresh(
        monkeypatch, ankang, ankang_coef, 400, seed=2, specs={"carbon.fang_a": spec}
    )
    assert "carbon.fang_a" in {p.id for p in reused.parameters}
    assert (n_reused, n_fresh) == (2, 2)  # the draws compute the module again
    _summaries_equal(reused, fresh)
    # the drawn parameter moves the forest removals (a kept nominal result would not)
    c = reused.value.sel(indicator=CARBON, region="610923", year=2024)
    assert float(c.max() - c.min()) > 0.01 * float(c.mean())


def test_a_memo_never_serves_another_coefficient_set_or_inventory(ankang, ankang_coef):
    from gep.accounting import account

    memo: dict = {}
    first = account(ankang, ankang_coef, memo=memo)
    assert len(memo) == 1
    edited = ankang_coef.with_overrides(["carbon.fang_a*=1.1"])
    got = account(ankang, edited, memo=memo)
    want = account(ankang, edited)
    assert np.array_equal(got.value.values, want.value.values, equal_nan=True)
    sel = {"indicator": CARBON, "region": "610923", "year": 2024}
    assert float(got.value.sel(sel)) != float(first.value.sel(sel))
    # another inventory object (an edited forest stock) is computed, not served
    other = ankang.data.copy(deep=True)
    other["forest.stock"] = other["forest.stock"] * 1.05
    got = account(other, ankang_coef, memo=memo)
    want = account(other, ankang_coef)
    assert np.array_equal(got.value.values, want.value.values, equal_nan=True)
    assert float(got.value.sel(sel)) != float(first.value.sel(sel))
    assert len(memo) == 3
    # the same inputs again: served, and equal to a fresh call
    again = account(ankang, ankang_coef, memo=memo)
    assert np.array_equal(again.value.values, first.value.values, equal_nan=True)
    assert again.coefficient_reads == first.coefficient_reads


def test_value_components_reuse_the_one_call_stack_bit_for_bit(monkeypatch, ankang, ankang_coef):
    """The value parts priced in one call are not copied into a second stack: the components
    of the drawn account have the same dims, labels and numbers as with the copy."""
    real = base.Valuation
    used: list = []

    def counting(*a, **k):
        v = real(*a, **k)
        if v.stacked is not None:
            used.append(v.stacked.data)
        return v

    def copying(*a, stacked=None, **k):
        return real(*a, **k)

    with monkeypatch.context() as m:
        m.setattr(base, "Valuation", counting)
        reused = monte_carlo(ankang, ankang_coef, 300, seed=4, components=True)
    assert any(a.shape[-1] == 300 for a in used)  # drawn parts took the no-copy route
    with monkeypatch.context() as m:
        m.setattr(base, "Valuation", copying)
        copied = monte_carlo(ankang, ankang_coef, 300, seed=4, components=True)
    assert reused.account.components.keys() == copied.account.components.keys()
    n = 0
    for ind, ds in reused.account.components.items():
        other = copied.account.components[ind]
        for name in ds.data_vars:
            a, b = ds[name], other[name]
            assert a.dims == b.dims, (ind, name)
            assert np.array_equal(a.values, b.values, equal_nan=True), (ind, name)
            assert list(a["component"].values) == list(b["component"].values)
            n += 1
    assert n
    _summaries_equal(reused, copied)
