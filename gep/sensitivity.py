"""Which coefficients matter: one-at-a-time tornado and variance-based (Sobol) indices.

Both use the parameters and the vectorized evaluation of :mod:`gep.uncertainty`: every
evaluation point (a tornado's low/high settings, a Sobol sample) is one position along the
``draw`` dimension of a single account call.

* :func:`tornado` — each parameter alone at its low and high value, every other at its
  nominal value (factor 1.0). Low/high are the spec's ``low``/``high`` for triangular and
  uniform distributions and the 5th/95th percentiles for normal and lognormal ones.
* :func:`sobol` — first-order (S1) and total (ST) Sobol indices with SALib: a Sobol/Saltelli
  sample of the parameters' uniforms (N × (k + 2) points), mapped through each spec's inverse
  CDF, evaluated as one draw dimension, analysed by ``SALib.analyze.sobol``.

The **result** is a scalar per evaluation: by default total GEP (all regions, all indicators)
of one year (default: the last accounting year); ``regions`` / ``indicators`` narrow the sum,
or ``target`` is any function ``Account -> DataArray`` that leaves only the ``draw`` dimension.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd
import xarray as xr

from .accounting import Account
from .coefficients import CoefficientSet
from .errors import InputError, Problem
from .inventory import Dataset
from .uncertainty import Setup, factors_from_u, prepare

Target = Callable[[Account], xr.DataArray]


def _setup(dataset, coefficients, year, kwargs) -> Setup:
    data = dataset.data if isinstance(dataset, Dataset) else dataset
    all_years = [int(y) for y in data["year"].values]
    if year is None:
        year = all_years[-1]
    if int(year) not in all_years:
        raise InputError(
            Problem(
                "--year", f"year {year} is not in the inventory ({all_years[0]}–{all_years[-1]})"
            )
        )
    return prepare(dataset, coefficients, years=[int(year)], **kwargs)


def _target_fn(
    regions: Sequence[str] | None,
    indicators: Sequence[str] | None,
    target: Target | None,
    setup: Setup,
) -> Target:
    if target is not None:
        return target
    det = setup.deterministic
    if regions:
        bad = [r for r in regions if r not in det.regions]
        if bad:
            raise InputError(Problem("--region", f"unknown region(s) {', '.join(bad)}"))
    if indicators:
        ids = det.indicator_ids
        cats = {str(c) for c in det.value["category"].values}
        bad = [i for i in indicators if i not in ids and i not in cats]
        if bad:
            raise InputError(
                Problem("--indicator", f"unknown indicator(s) or category(ies) {', '.join(bad)}")
            )

    def fn(acc: Account) -> xr.DataArray:
        v = acc.value
        if regions:
            v = v.sel(region=list(regions))
        if indicators:
            chosen = [
                i
                for i in acc.indicator_ids
                if i in indicators or acc.indicator(i).category in indicators
            ]
            v = v.sel(indicator=chosen)
        return v.sum([d for d in v.dims if d != "draw"], min_count=1)

    return fn


def _result(acc: Account, fn: Target) -> np.ndarray:
    out = fn(acc)
    extra = [d for d in out.dims if d != "draw"]
    if extra:
        raise InputError(
            Problem(
                "target",
                f"the target must reduce to the draw dimension; it still has {', '.join(extra)}",
            )
        )
    return np.asarray(out.transpose("draw").values, dtype=float)


def oat_bounds(setup: Setup, quantiles: tuple[float, float] = (0.05, 0.95)) -> np.ndarray:
    """(parameters, 2) uniforms of each parameter's low and high setting."""
    return np.array([(0.0, 1.0) if p.bounded else quantiles for p in setup.parameters], dtype=float)


def tornado(
    dataset: Dataset | xr.Dataset,
    coefficients: CoefficientSet,
    *,
    year: int | None = None,
    regions: Sequence[str] | None = None,
    indicators: Sequence[str] | None = None,
    target: Target | None = None,
    quantiles: tuple[float, float] = (0.05, 0.95),
    profile: str = "ndrc-2022",
    options: dict | None = None,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    vary: Iterable[str] | None = None,
    specs: dict | None = None,
    table_draws: str = "coefficient",
) -> pd.DataFrame:
    """One-at-a-time sensitivity, ranked by swing (|result at high − result at low|).

    Columns: rank, parameter, id, key, distribution, spec, factor_low, factor_high, low, high,
    base, swing, swing_pct (swing / |base|). ``df.attrs`` holds the base result, year and target.
    All 2k + 1 settings are evaluated in one account call.
    """
    setup = _setup(
        dataset,
        coefficients,
        year,
        {
            "profile": profile,
            "options": options,
            "include": include,
            "exclude": exclude,
            "vary": vary,
            "specs": specs,
            "table_draws": table_draws,
        },
    )
    fn = _target_fn(regions, indicators, target, setup)
    k = len(setup.parameters)
    bounds = oat_bounds(setup, quantiles)
    U = np.full((2 * k + 1, k), np.nan)
    for i in range(k):
        U[2 * i + 1, i] = bounds[i, 0]
        U[2 * i + 2, i] = bounds[i, 1]
    y = _result(setup.evaluate(U), fn)
    base = float(y[0])
    rows = []
    for i, p in enumerate(setup.parameters):
        lo, hi = float(y[2 * i + 1]), float(y[2 * i + 2])
        f = [factors_from_u(p, np.array([b]), setup.nominal.get(p.id)) for b in bounds[i]]
        f_lo, f_hi = (float(np.ravel(x)[0]) for x in f)
        rows.append(
            {
                "parameter": p.label,
                "id": p.id,
                "key": p.key,
                "distribution": p.distribution,
                "spec": p.describe(),
                "factor_low": f_lo,
                "factor_high": f_hi,
                "low": lo,
                "high": hi,
                "base": base,
                "swing": abs(hi - lo),
                "swing_pct": abs(hi - lo) / abs(base) if base else np.nan,
            }
        )
    df = pd.DataFrame(
        rows,
        columns=[
            "parameter",
            "id",
            "key",
            "distribution",
            "spec",
            "factor_low",
            "factor_high",
            "low",
            "high",
            "base",
            "swing",
            "swing_pct",
        ],
    )
    df = df.sort_values(["swing", "parameter"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    df.attrs.update(
        {
            "base": base,
            "year": setup.years[0],
            "method": "oat",
            "provenance": setup.deterministic.provenance(),
        }
    )
    return df


def sobol(
    dataset: Dataset | xr.Dataset,
    coefficients: CoefficientSet,
    *,
    n: int = 256,
    seed: int = 0,
    year: int | None = None,
    regions: Sequence[str] | None = None,
    indicators: Sequence[str] | None = None,
    target: Target | None = None,
    profile: str = "ndrc-2022",
    options: dict | None = None,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    vary: Iterable[str] | None = None,
    specs: dict | None = None,
    table_draws: str = "coefficient",
    batch: int | None = None,
    num_resamples: int = 100,
) -> pd.DataFrame:
    """Variance-based (Sobol) sensitivity indices with SALib, ranked by total index ST.

    ``n`` is the base sample size (a power of 2); the model is evaluated N × (k + 2) times
    (k = number of parameters) as a draw dimension, ``batch`` draws per call (default: all in
    one call). Columns: rank, parameter, id, key, distribution, spec, S1, S1_conf, ST, ST_conf.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    if not isinstance(n, int) or n < 2 or n & (n - 1):
        raise InputError(
            Problem(
                "--samples",
                f"the Sobol base sample size must be a power of 2 (e.g. 256), not {n!r}",
            )
        )
    setup = _setup(
        dataset,
        coefficients,
        year,
        {
            "profile": profile,
            "options": options,
            "include": include,
            "exclude": exclude,
            "vary": vary,
            "specs": specs,
            "table_draws": table_draws,
        },
    )
    fn = _target_fn(regions, indicators, target, setup)
    k = len(setup.parameters)
    cols = [
        "rank",
        "parameter",
        "id",
        "key",
        "distribution",
        "spec",
        "S1",
        "S1_conf",
        "ST",
        "ST_conf",
    ]
    if k == 0:
        return pd.DataFrame(columns=cols)
    problem = {"num_vars": k, "names": setup.labels, "bounds": [[0.0, 1.0]] * k}
    if k == 1:  # SALib needs two variables; add a dummy one that the model ignores
        problem = {"num_vars": 2, "names": [*setup.labels, "__dummy__"], "bounds": [[0.0, 1.0]] * 2}
    X = sobol_sample.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    U = X[:, :k]
    size = batch or len(U)
    ys = []
    for a in range(0, len(U), size):
        part = U[a : a + size]
        ys.append(_result(setup.evaluate(part, np.arange(a, a + len(part))), fn))
    Y = np.concatenate(ys)
    if not np.all(np.isfinite(Y)):
        raise InputError(
            Problem(
                "target",
                "the result is not assessed (NaN) for some samples; choose regions/indicators that "
                "are assessed",
            )
        )
    if np.var(Y) == 0:
        S = {
            "S1": np.zeros(problem["num_vars"]),
            "S1_conf": np.zeros(problem["num_vars"]),
            "ST": np.zeros(problem["num_vars"]),
            "ST_conf": np.zeros(problem["num_vars"]),
        }
    else:
        S = sobol_analyze.analyze(
            problem, Y, calc_second_order=False, num_resamples=num_resamples, seed=seed
        )
    rows = []
    for i, p in enumerate(setup.parameters):
        rows.append(
            {
                "parameter": p.label,
                "id": p.id,
                "key": p.key,
                "distribution": p.distribution,
                "spec": p.describe(),
                "S1": float(S["S1"][i]),
                "S1_conf": float(S["S1_conf"][i]),
                "ST": float(S["ST"][i]),
                "ST_conf": float(S["ST_conf"][i]),
            }
        )
    df = pd.DataFrame(rows)
    df = df.sort_values(["ST", "parameter"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    df.attrs.update(
        {
            "year": setup.years[0],
            "method": "sobol",
            "n": n,
            "evaluations": int(len(Y)),
            "mean": float(np.mean(Y)),
            "var": float(np.var(Y)),
            "provenance": setup.deterministic.provenance(),
        }
    )
    return df[cols]
