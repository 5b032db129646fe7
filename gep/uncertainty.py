"""Monte Carlo over coefficient uncertainty: N draws as a ``draw`` dimension of one account call.

How a draw is made
------------------
Each coefficient file may carry an ``uncertainty`` spec (``docs/coefficients.md``). Every
varied coefficient (or, with ``table_draws="key"``, every key of a table coefficient) is one
**parameter** with its own uniform stream ``u`` in (0, 1): a numpy ``Generator`` seeded from
``SeedSequence(seed, spawn_key=(crc32(parameter), block))`` for fixed blocks of 4096 draws, so
draw *i* of a parameter is the same whatever the chunking (dask and in-memory agree) and
whatever other parameters are varied. ``u`` becomes a **factor** on the resolved coefficient
through the inverse CDF (``ppf`` of the ``scipy.stats`` distribution) of the spec:

* ``relative: true`` — the numbers are factors: triangular(low, mode=1 unless given, high),
  uniform(low, high), normal(mean 1, sd), lognormal(median 1, sigma = sd);
* ``relative: false`` — the numbers are in the coefficient's unit at the price year of the
  value in force: a draw ``d`` (triangular mode = the value in force unless given; normal mean =
  the value) gives the factor ``d / value`` — so price-index moves between years and scenario
  overrides are kept, and the draw is the same quantile of the spec in every year;
* normal draws below zero are cut at zero (a negative price or rate has no meaning);
* a zero-width spec (low = high = 1, or = the value; sd = 0) gives the factor 1.0 exactly, so
  the account equals the deterministic one bit for bit.

The same ``u`` is used for all years (a coefficient's error is persistent, not redrawn every
year). **Table coefficients** (``by: ecosystem`` …) draw **one factor per coefficient** by
default: the spread usually expresses the choice of source or method, which moves every
ecosystem's value together; ``table_draws="key"`` draws one independent factor per key instead
(wider at the ecosystem level, narrower in totals). An absolute spec on a table is an error.

Evaluation
----------
The resolved coefficient × factor arrays (dims ``year[, key], draw``) go to
:func:`gep.accounting.account` as ``extra_coefficients``; the draw dimension broadcasts through
every formula. In memory this is one call. With ``chunks`` (or a dask.distributed ``client``)
the same function runs per block of (draws × regions) through :func:`xarray.map_blocks`; draws
are generated inside each block, summaries are dask reductions, so memory is bounded by the
block size, not by N × regions. Every coefficient the account reads — the forest-carbon
module's ``carbon.*`` species parameters included — goes through the account's one coefficient
route, so every one with an uncertainty spec is varied (``MonteCarloResult.not_varied`` stays
empty; it is kept for callers that display it).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from .accounting import CATEGORY_ORDER, Account, account
from .coefficients import CoefficientSet, _check_uncertainty
from .errors import InputError, Problem
from .inventory import Dataset
from .scenarios import Request, Scenario, probe, resolved, stack_scenarios

BLOCK = 4096  # draws per generator block (fixed: draws do not depend on chunking)
STATS = ("mean", "p5", "p50", "p95")
QUANTILES = (0.05, 0.5, 0.95)
LEVELS = ("indicator", "category", "region", "total", "total_category", "total_indicator")
_U_EPS = 1e-12


# --------------------------------------------------------------------------------------------
# parameters and their distributions


@dataclass(frozen=True)
class Parameter:
    """One uncertain input: a coefficient (or one key of a table coefficient) and its spec."""

    id: str
    spec: dict
    file: str
    key: str | None = None
    by: str | None = None

    @property
    def label(self) -> str:
        return f"{self.id}[{self.key}]" if self.key else self.id

    @property
    def distribution(self) -> str:
        return str(self.spec["distribution"])

    @property
    def relative(self) -> bool:
        return bool(self.spec.get("relative", False))

    @property
    def bounded(self) -> bool:
        return self.distribution in ("triangular", "uniform")

    def describe(self) -> str:
        s = self.spec
        kind = "×" if self.relative or self.distribution == "lognormal" else ""
        if self.distribution in ("normal", "lognormal"):
            return f"{self.distribution}(sd={s['sd']:g})"
        mode = f", mode={s['mode']:g}" if "mode" in s else ""
        return f"{self.distribution}({kind}{s['low']:g}–{kind}{s['high']:g}{mode})"


def _ppf_triangular(u: np.ndarray, a: float, c: np.ndarray | float, b: float) -> np.ndarray:
    """Triangular(low a, mode c, high b) quantiles (``scipy.stats.triang``)."""
    from scipy import stats

    if b == a:
        return np.broadcast_to(np.asarray(a, dtype=float), np.broadcast(u, c).shape).copy()
    return stats.triang.ppf(u, (np.asarray(c, dtype=float) - a) / (b - a), loc=a, scale=b - a)


def _ppf_uniform(u: np.ndarray, a: float, b: float) -> np.ndarray:
    """Uniform(a, b) quantiles (``scipy.stats.uniform``; a point mass when a = b)."""
    from scipy import stats

    if b == a:
        return np.full(np.shape(u), float(a))
    return stats.uniform.ppf(u, loc=a, scale=b - a)


def _ppf_normal(u: np.ndarray, mean, sd: float) -> np.ndarray:
    """Normal(mean, sd) quantiles (``scipy.stats.norm``; the mean when sd = 0)."""
    from scipy import stats

    if sd == 0:
        return np.broadcast_to(np.asarray(mean, dtype=float), np.broadcast(u, mean).shape).copy()
    return stats.norm.ppf(u, loc=mean, scale=sd)


def factors_from_u(p: Parameter, u: np.ndarray, nominal: np.ndarray | None = None) -> np.ndarray:
    """Factor on the resolved value for uniforms ``u`` (n,); NaN in ``u`` means "nominal" (1.0).

    Relative specs give shape (n,); absolute ones (n, years) for ``nominal`` over years.
    """
    s = p.spec
    dist = p.distribution
    u = np.asarray(u, dtype=float)
    nominal_mask = np.isnan(u)
    uc = (
        np.clip(np.where(nominal_mask, 0.5, u), _U_EPS, 1.0 - _U_EPS)
        if dist in ("normal", "lognormal")
        else np.where(nominal_mask, 0.5, u)
    )
    if dist == "lognormal":
        from scipy import stats

        sd = float(s["sd"])  # median 1, sigma = sd
        f = stats.lognorm.ppf(uc, sd) if sd > 0 else np.ones(np.shape(uc))
    elif p.relative:
        if dist == "triangular":
            f = _ppf_triangular(uc, float(s["low"]), float(s.get("mode", 1.0)), float(s["high"]))
        elif dist == "uniform":
            f = _ppf_uniform(uc, float(s["low"]), float(s["high"]))
        else:  # normal
            f = np.maximum(_ppf_normal(uc, 1.0, float(s["sd"])), 0.0)
    else:
        v = np.asarray(nominal, dtype=float)[None, :]
        uu = uc[:, None]
        if dist == "triangular":
            mode = float(s["mode"]) if "mode" in s else v
            d = _ppf_triangular(uu, float(s["low"]), mode, float(s["high"]))
        elif dist == "uniform":
            d = _ppf_uniform(uu, float(s["low"]), float(s["high"]))
        else:  # normal
            d = np.maximum(_ppf_normal(uu, v, float(s["sd"])), 0.0)
        f = d / v
    f = np.asarray(f, dtype=float)
    mask = nominal_mask if f.ndim == 1 else nominal_mask[:, None]
    return np.where(mask, 1.0, f)


def _check_spec(p: Parameter, nominal: np.ndarray | None) -> list[Problem]:
    s = p.spec
    problems = []
    if p.distribution == "triangular" and "mode" in s and not (s["low"] <= s["mode"] <= s["high"]):
        problems.append(
            Problem(p.file, "mode must lie between low and high", field="uncertainty.mode")
        )
    if not p.relative and p.distribution != "lognormal":
        if p.by is not None:
            problems.append(
                Problem(
                    p.file,
                    f"'{p.id}' is a table: its uncertainty must be relative "
                    "(factors on every key); set relative: true",
                    field="uncertainty.relative",
                )
            )
        elif nominal is not None:
            if np.any(nominal == 0):
                problems.append(
                    Problem(
                        p.file,
                        f"'{p.id}' is 0 in some year; an absolute uncertainty cannot "
                        "scale it (use relative: true)",
                        field="uncertainty.relative",
                    )
                )
            elif (
                p.distribution == "triangular"
                and "mode" not in s
                and (np.any(nominal < s["low"]) or np.any(nominal > s["high"]))
            ):
                problems.append(
                    Problem(
                        p.file,
                        f"the value of '{p.id}' "
                        f"({', '.join(f'{v:g}' for v in np.unique(nominal))}) lies outside "
                        f"low–high ({s['low']:g}–{s['high']:g}); give 'mode' or fix the range",
                        field="uncertainty",
                    )
                )
    return problems


def uniforms(labels: Sequence[str], seed: int, start: int, stop: int) -> np.ndarray:
    """U(0,1) draws ``start..stop-1`` of each parameter, shape (stop-start, len(labels))."""
    out = np.empty((stop - start, len(labels)))
    if stop <= start:
        return out
    first, last = start // BLOCK, (stop - 1) // BLOCK
    for j, label in enumerate(labels):
        key = zlib.crc32(label.encode("utf-8"))
        parts = []
        for b in range(first, last + 1):
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(key, b)))
            parts.append(rng.random(BLOCK))
        stream = np.concatenate(parts)
        off = start - first * BLOCK
        out[:, j] = stream[off : off + (stop - start)]
    return out


# --------------------------------------------------------------------------------------------
# the evaluation set-up shared by Monte Carlo and sensitivity


@dataclass
class Setup:
    """Everything needed to evaluate the account for any matrix of parameter uniforms."""

    data: xr.Dataset
    dataset: Dataset | None
    coefficients: CoefficientSet
    years: list[int]
    kwargs: dict
    deterministic: Account
    requests: dict[str, Request]
    parameters: list[Parameter]
    base: dict[str, xr.DataArray]  # resolved arrays of the varied coefficients (year[, key])
    nominal: dict[str, np.ndarray]  # file values in force per year (absolute specs)
    not_varied: list[str] = field(default_factory=list)
    fixed: dict[str, xr.DataArray] = field(
        default_factory=dict
    )  # scenario coefficient arrays, not drawn
    scenarios: list[str] | None = None  # labels of the scenario dim (baseline first)
    #: outside modules' nominal results (the forest carbon module), kept between the probe
    #: and the draws of this run (:func:`gep.accounting.account` ``memo``)
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def labels(self) -> list[str]:
        return [p.label for p in self.parameters]

    def factor_arrays(self, U: np.ndarray, draws: np.ndarray) -> dict[str, xr.DataArray]:
        """Factor DataArrays per varied coefficient for the uniforms ``U`` (n, parameters).

        The ``draw`` dimension carries no coordinate inside the evaluation (some indicator code
        concatenates drawn and undrawn parts; xarray refuses a coordinate present in only some
        of them); :meth:`evaluate` labels the draws afterwards.
        """
        out: dict[str, xr.DataArray] = {}
        by_id: dict[str, list[tuple[int, Parameter]]] = {}
        for j, p in enumerate(self.parameters):
            by_id.setdefault(p.id, []).append((j, p))
        for cid, plist in by_id.items():
            base = self.base[cid]
            if len(plist) == 1 and plist[0][1].key is None:
                j, p = plist[0]
                f = factors_from_u(p, U[:, j], self.nominal.get(cid))
                dims = ("draw",) if f.ndim == 1 else ("draw", "year")
                coords = {} if f.ndim == 1 else {"year": self.years}
                out[cid] = xr.DataArray(f, dims=dims, coords=coords)
            else:
                by = plist[0][1].by
                keys = [str(k) for k in base[by].values]
                cols = {p.key: factors_from_u(p, U[:, j]) for j, p in plist}
                f = np.stack([cols[k] for k in keys], axis=1)
                out[cid] = xr.DataArray(f, dims=("draw", by), coords={by: keys})
        return out

    def extra(self, U: np.ndarray, draws: np.ndarray) -> dict[str, xr.DataArray]:
        factors = self.factor_arrays(U, draws)
        drawn = {cid: _times(self.base[cid], f) for cid, f in factors.items()}
        return {**self.fixed, **drawn}

    def evaluate(
        self,
        U: np.ndarray,
        draws: np.ndarray | None = None,
        data: xr.Dataset | None = None,
        components: bool = True,
    ) -> Account:
        """The account with a ``draw`` dimension for the uniforms ``U`` — one vectorized call.

        ``components=False``: values only, no per-component breakdowns (Monte Carlo summaries
        read values; a sensitivity target may read anything, so it keeps the default).
        """
        draws = np.arange(U.shape[0]) if draws is None else np.asarray(draws)
        acc = account(
            self.data if data is None else data,
            self.coefficients,
            extra_coefficients=self.extra(U, draws),
            memo=self.memo if data is None else None,
            components=components,
            **self.kwargs,
        )
        if "draw" not in acc.value.dims:  # nothing varied: broadcast the deterministic result
            acc.ds["value"] = acc.ds["value"].expand_dims(draw=len(draws), axis=-1)
        acc.ds = acc.ds.assign_coords(draw=draws)
        if self.scenarios is not None:
            if "scenario" not in acc.ds.dims:
                acc.ds["value"] = acc.ds["value"].expand_dims(scenario=len(self.scenarios), axis=-2)
            acc.ds = acc.ds.assign_coords(scenario=self.scenarios)
        return acc

    def light(self) -> Setup:
        """A copy without the inventory and the probe account (shipped to dask workers)."""
        return replace(
            self, data=xr.Dataset(), dataset=None, deterministic=None, requests={}, memo={}
        )


def _times(base: xr.DataArray, f: xr.DataArray) -> xr.DataArray:
    """``(base * f).assign_attrs(units=…)`` without index alignment: ``f``'s labelled dims
    (``year``, a table's key) carry the same labels as ``base``'s (both come from
    :func:`prepare`); the product has the dims, layout and numbers xarray gives."""
    for d in f.dims:
        if (
            d in base.dims
            and d in f.coords
            and not np.array_equal(np.asarray(f[d].values), np.asarray(base[d].values))
        ):
            return (base * f).assign_attrs(units=base.attrs["units"])
    var = base.variable * f.variable
    coords = {k: v.variable for k, v in base.coords.items()}
    return xr.DataArray(var, coords=coords, name=base.name).assign_attrs(units=base.attrs["units"])


def prepare(
    dataset: Dataset | xr.Dataset,
    coefficients: CoefficientSet,
    *,
    years: Sequence[int] | None = None,
    profile: str = "ndrc-2022",
    options: dict | None = None,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    vary: Iterable[str] | None = None,
    specs: dict | None = None,
    table_draws: str = "coefficient",
    scenarios: Sequence[Scenario | str | Path] | None = None,
) -> Setup:
    """Probe the account once and list the parameters to vary (see the module docstring).

    ``vary`` limits the varied coefficients to these ids; ``specs`` adds or replaces
    uncertainty specs ({id: spec dict, or None to hold a coefficient fixed}) without editing files.
    ``scenarios`` stacks the baseline and these scenarios (:func:`gep.scenarios.stack_scenarios`)
    so every draw is evaluated for every scenario in the same call (dims ``scenario, draw``); a
    relative spec then scales each scenario's own value, an absolute one its
    value × draw / file value.
    """
    if table_draws not in ("coefficient", "key"):
        raise InputError(
            Problem("table_draws", f"must be 'coefficient' or 'key', not {table_draws!r}")
        )
    kwargs = {
        "years": years,
        "profile": profile,
        "options": options,
        "include": tuple(include),
        "exclude": tuple(exclude),
    }
    fixed: dict[str, xr.DataArray] = {}
    names = None
    memo: dict = {}
    data = dataset.data if isinstance(dataset, Dataset) else dataset
    if scenarios:
        if not isinstance(dataset, Dataset):
            raise InputError(
                Problem("scenarios", "scenarios need a loaded Dataset, not a bare xarray inventory")
            )
        stack = stack_scenarios(dataset, coefficients, scenarios, **kwargs)
        deterministic, requests, data, fixed, names = (
            stack.baseline,
            stack.requests,
            stack.data,
            stack.extra,
            stack.names,
        )
        if "scenario" in deterministic.ds.dims:
            deterministic.ds = deterministic.ds.assign_coords(scenario=names)
        deterministic.dataset = dataset
    else:
        deterministic, requests = probe(dataset, coefficients, memo=memo, **kwargs)
    kwargs["years"] = deterministic.years
    acc_years = deterministic.years
    specs = dict(specs or {})
    problems: list[Problem] = []
    for cid, spec in specs.items():
        if cid not in coefficients:
            problems.append(Problem("specs", f"unknown coefficient '{cid}'", field=cid))
        elif spec is not None:
            problems += _check_uncertainty(spec, f"specs[{cid}]")
    vary_set = None if vary is None else list(vary)
    if vary_set is not None:
        for cid in vary_set:
            if cid not in coefficients:
                problems.append(Problem("vary", f"unknown coefficient '{cid}'", field=cid))
    if problems:
        raise InputError(problems)
    params: list[Parameter] = []
    base: dict[str, xr.DataArray] = {}
    nominal: dict[str, np.ndarray] = {}
    not_varied: list[str] = []
    for cid in sorted(requests):
        req = requests[cid]
        c = coefficients[cid]
        spec = specs.get(cid, c.uncertainty)
        if not spec or (vary_set is not None and cid not in vary_set):
            continue
        spec = {k: v for k, v in spec.items() if k != "note"}
        file = c.file if cid not in specs else f"specs[{cid}]"
        arr = fixed[cid] if cid in fixed else resolved(coefficients, cid, req, acc_years)
        if c.by is None:
            nominal[cid] = np.array([float(c.entry_for(y).value) for y in acc_years])
        p0 = Parameter(id=cid, spec=spec, file=file, by=c.by)
        problems += _check_spec(p0, nominal.get(cid))
        base[cid] = arr
        if c.by is not None and table_draws == "key":
            params += [
                Parameter(id=cid, spec=spec, file=file, key=str(k), by=c.by)
                for k in arr[c.by].values
            ]
        else:
            params.append(p0)
    if vary_set is not None:
        for cid in vary_set:
            if cid in coefficients and cid not in base and cid not in not_varied:
                why = (
                    "has no uncertainty spec"
                    if not (specs.get(cid) or coefficients[cid].uncertainty)
                    else "is not used by this account"
                )
                problems.append(
                    Problem(
                        coefficients[cid].file or cid,
                        f"cannot vary '{cid}': it {why}",
                        field="uncertainty",
                    )
                )
    if problems:
        raise InputError(problems)
    return Setup(
        data=data,
        dataset=dataset if isinstance(dataset, Dataset) else None,
        coefficients=coefficients,
        years=acc_years,
        kwargs=kwargs,
        deterministic=deterministic,
        requests=requests,
        parameters=params,
        base=base,
        nominal=nominal,
        not_varied=not_varied,
        fixed=fixed,
        scenarios=names,
        memo=memo,
    )


# --------------------------------------------------------------------------------------------
# summaries


def summarize(x: xr.DataArray, dim: str = "draw", max_block_bytes: float = 256e6) -> xr.DataArray:
    """mean, P5, P50, P95 over ``dim`` (as a last ``stat`` dimension); works on dask arrays."""
    if x.chunks is not None:
        chunks: dict[str, Any] = {dim: -1}
        sizes = {d: max(c) for d, c in zip(x.dims, x.chunks, strict=True) if d != dim}
        n = x.sizes[dim]
        while n * 8 * int(np.prod(list(sizes.values()) or [1])) > max_block_bytes and any(
            v > 1 for v in sizes.values()
        ):
            big = max(sizes, key=sizes.get)
            sizes[big] = max(1, sizes[big] // 2)
        chunks.update(sizes)
        x = x.chunk(chunks)
    q = x.quantile(list(QUANTILES), dim=dim, skipna=False)
    m = x.mean(dim, skipna=False)
    parts = [m.drop_vars("quantile", errors="ignore")] + [
        q.isel(quantile=i, drop=True) for i in range(len(QUANTILES))
    ]
    out = xr.concat(
        parts, dim=pd.Index(list(STATS), name="stat"), coords="minimal", compat="override"
    )
    return out.transpose(..., "stat").assign_attrs(units="CNY")


LOCAL_LEVELS = ("indicator", "category", "region")  # per region: need all draws of the region
TOTAL_LEVELS = ("total", "total_category", "total_indicator")  # sums over regions per draw


def _by_category(value: xr.DataArray) -> xr.DataArray:
    cats = np.asarray(value["category"].values).astype(str)
    names = [c for c in CATEGORY_ORDER if c in set(cats)]
    cat = xr.concat(
        [
            value.isel(indicator=np.flatnonzero(cats == c)).sum("indicator", min_count=1)
            for c in names
        ],
        dim=pd.Index(names, name="category"),
        coords="minimal",
        compat="override",
    )
    return cat.transpose(*[d if d != "indicator" else "category" for d in value.dims])


def level_arrays(value: xr.DataArray, levels: Sequence[str] = LEVELS) -> dict[str, xr.DataArray]:
    """Value per draw at each summary level (indicator, category, region GEP, totals).

    Totals are sums over regions of the indicator values (the same numbers as summing the
    regions' GEP: not-assessed cells are skipped either way).
    """
    out: dict[str, xr.DataArray] = {}
    if "indicator" in levels:
        out["indicator"] = value
    if "category" in levels:
        out["category"] = _by_category(value)
    if "region" in levels:
        out["region"] = value.sum("indicator", min_count=1)
    if any(lv in levels for lv in TOTAL_LEVELS):
        ti = value.sum("region", min_count=1)
        out["total_indicator"] = ti
        out["total_category"] = _by_category(ti)
        out["total"] = ti.sum("indicator", min_count=1)
    return {lv: out[lv] for lv in levels}


def _summaries(value: xr.DataArray, levels: Sequence[str]) -> dict[str, xr.DataArray]:
    if value.chunks is None and value.dims[-1] == "draw":
        return _summaries_numpy(value, levels)
    arrays = level_arrays(value, levels)
    return {lv: summarize(arrays[lv]) for lv in levels}


def _sum_min1(a: np.ndarray, axis: int, isnan: np.ndarray | None = None) -> np.ndarray:
    """Sum over ``axis`` skipping NaN; NaN where every term is NaN (xarray ``min_count=1``).

    Slice by slice in index order from 0.0 — the additions ``np.where(isnan, 0, a).sum(axis)``
    makes over a non-innermost axis, without its full-size temporary: a slice without NaN is
    added as it is, a mixed one as its NaN-zeroed copy, an all-NaN one not at all (adding 0.0
    to a sum that started at +0.0 changes no bit). The innermost axis (where numpy sums
    pairwise) keeps the plain route.
    """
    isnan = np.isnan(a) if isnan is None else isnan
    axis = axis % a.ndim
    if axis == a.ndim - 1 or a.shape[axis] == 0:
        out = np.where(isnan, 0.0, a).sum(axis=axis)
        out[isnan.all(axis=axis)] = np.nan
        return out

    def at(x: np.ndarray, i: int) -> np.ndarray:
        return x[(slice(None),) * axis + (i,)]

    shape = a.shape[:axis] + a.shape[axis + 1 :]
    out = np.zeros(shape)  # numpy's sum starts from 0.0 too (so an all-NaN slice adds nothing)
    allnan = np.ones(shape, dtype=bool)
    for i in range(a.shape[axis]):
        part, mask = at(a, i), at(isnan, i)
        if not mask.any():
            out += part
            allnan[...] = False
        elif not mask.all():
            out += np.where(mask, 0.0, part)
            allnan &= mask
    out[allnan] = np.nan
    return out


def _quantiles_exact(a: np.ndarray, quantiles: Sequence[float] = QUANTILES) -> np.ndarray:
    """``np.quantile(a, quantiles, axis=-1)`` (linear interpolation), the same numbers.

    The order statistics come from one ``np.partition`` of the NaN-free rows along the
    contiguous last axis at the 2 ranks each quantile interpolates between (numpy also
    selects the minimum and maximum, and partitions along a moved axis); the interpolation
    is numpy's ``_lerp``; a row holding a NaN gives NaN, as numpy does. Tested equal to
    ``np.quantile``.
    """
    n = a.shape[-1]
    lead = a.shape[:-1]
    q = np.asarray(quantiles, dtype=float)
    out = np.full((len(q), *lead), np.nan)
    if n < 2 or a.size == 0:
        return np.quantile(a, q, axis=-1)
    virtual = (n - 1) * q  # numpy's 'linear' virtual index
    prev = np.floor(virtual)
    nxt = prev + 1
    prev[virtual >= n - 1] = n - 1
    nxt[virtual >= n - 1] = n - 1
    prev, nxt = prev.astype(np.intp), nxt.astype(np.intp)
    gamma = virtual - np.floor(virtual)
    flat = a.reshape(-1, n)  # a copy when ``a`` is a strided view
    ok = ~np.isnan(flat).any(axis=1)
    # the scratch rows to partition: ``flat`` itself when it is already a copy, NaN-free
    work = flat if ok.all() and not np.may_share_memory(flat, a) else flat[ok]
    if work.size:
        _partition_rows(work, np.unique(np.concatenate([prev, nxt])))
        lo = work[:, prev].T  # (quantiles, rows)
        hi = work[:, nxt].T
        t = gamma[:, None]
        diff = hi - lo
        res = np.add(lo, diff * t)
        np.subtract(hi, diff * (1 - t), out=res, where=t >= 0.5)
        out.reshape(len(q), -1)[:, ok] = res
    return out


_PARALLEL_MIN = 2_000_000  # elements; below this one thread is faster


def _partition_rows(work: np.ndarray, kth: np.ndarray) -> None:
    """``work.partition(kth, axis=-1)`` in place, rows split over the cores for big arrays
    (numpy releases the GIL while partitioning; each row is partitioned on its own, so the
    result does not depend on the split)."""
    import os

    workers = min(os.cpu_count() or 1, 4, max(1, work.size // _PARALLEL_MIN))
    if workers < 2 or work.shape[0] < workers:
        work.partition(kth, axis=-1)
        return
    from concurrent.futures import ThreadPoolExecutor

    bounds = np.linspace(0, work.shape[0], workers + 1).astype(int)
    parts = [work[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda part: part.partition(kth, axis=-1), parts))


def _stats_numpy(a: np.ndarray) -> np.ndarray:
    """mean, P5, P50, P95 over the last axis (NaN propagates), stacked on a new last axis.

    The same numbers as :func:`summarize` (``numpy.mean``; ``numpy.quantile``, linear
    interpolation, through :func:`_quantiles_exact`).
    """
    m = a.mean(axis=-1)
    q = _quantiles_exact(a)
    return np.stack([m, *q], axis=-1)


def _summaries_numpy(value: xr.DataArray, levels: Sequence[str]) -> dict[str, xr.DataArray]:
    """:func:`level_arrays` + :func:`summarize` on plain numpy arrays (in-memory runs).

    ``value`` has ``draw`` last. The NaN mask of the per-draw values is computed once and
    shared by the category and region sums; outputs carry the same dims and coordinates as
    the xarray route (tested equal to it).
    """
    v = np.asarray(value.values, dtype=float)
    dims = list(value.dims)
    ia, ra = dims.index("indicator"), dims.index("region")
    cats = np.asarray(value["category"].values).astype(str)
    names = [c for c in CATEGORY_ORDER if c in set(cats)]
    groups = [np.flatnonzero(cats == c) for c in names]
    coords = {k: c.values for k, c in value.coords.items() if len(c.dims) == 1 and c.dims[0] == k}
    ind_coords = {"category": ("indicator", cats)}

    def by_category(a: np.ndarray, axis: int, isnan: np.ndarray | None = None) -> np.ndarray:
        # slice by slice (views, no gathered copy): the same additions, in the same order,
        # as ``sum`` over the indicator axis of the gathered indicators
        # (a NaN-free slice is added as it is: no NaN-zeroed copy of the whole array)
        isnan = np.isnan(a) if isnan is None else isnan
        parts = []

        def at(x: np.ndarray, i: int) -> np.ndarray:
            return x[(slice(None),) * axis + (int(i),)]

        def zeroed(i: int) -> np.ndarray:
            m = at(isnan, i)
            return np.where(m, 0.0, at(a, i)) if m.any() else at(a, i)

        for idx in groups:
            s = np.array(zeroed(idx[0]), dtype=float)  # a new array (the running sum)
            allnan = at(isnan, idx[0]).copy()
            for i in idx[1:]:
                s += zeroed(i)
                allnan &= at(isnan, i)
            s[allnan] = np.nan
            parts.append(s)
        return np.stack(parts, axis=axis)

    def wrap(a: np.ndarray, d: list[str], extra: dict | None = None) -> xr.DataArray:
        # coordinates built as the xarray route builds them (pandas indexes for the
        # concatenated dims), so the result is ``identical`` to it, name included
        c = {
            k: coords[k] if k != "category" else pd.Index(names, name="category")
            for k in d
            if k != "draw"
        }
        c.update(extra or {})
        c["stat"] = pd.Index(list(STATS), name="stat")
        return xr.DataArray(
            _stats_numpy(a),
            dims=[*(x for x in d if x != "draw"), "stat"],
            coords=c,
            name=value.name,
        ).assign_attrs(units="CNY")

    out: dict[str, xr.DataArray] = {}
    isnan = np.isnan(v) if any(lv in ("category", "region") for lv in levels) else None
    if "indicator" in levels:
        out["indicator"] = wrap(v, dims, ind_coords)
    if "category" in levels:
        d = [x if x != "indicator" else "category" for x in dims]
        out["category"] = wrap(by_category(v, ia, isnan), d)
    if "region" in levels:
        out["region"] = wrap(_sum_min1(v, ia, isnan), [x for x in dims if x != "indicator"])
    if any(lv in levels for lv in TOTAL_LEVELS):
        ti = _sum_min1(v, ra)
        d = [x for x in dims if x != "region"]
        ti_ia = d.index("indicator")
        out["total_indicator"] = wrap(ti, d, ind_coords)
        out["total_category"] = wrap(
            by_category(ti, ti_ia), [x if x != "indicator" else "category" for x in d]
        )
        out["total"] = wrap(_sum_min1(ti, ti_ia), [x for x in d if x != "indicator"])
    return {lv: out[lv] for lv in levels}


def _lazy_summaries(value: xr.DataArray, levels: Sequence[str]) -> list:
    """Dask collections for the summaries: the per-region levels block by block (one numpy
    task per block of regions, which holds every draw), the totals from dask's tree sum over
    regions."""
    import dask.array as da

    out = []
    local = [lv for lv in levels if lv in LOCAL_LEVELS]
    if local:
        det_cats = np.asarray(value["category"].values).astype(str)
        categories = [c for c in CATEGORY_ORDER if c in set(det_cats)]
        R, Y, n_ind = value.sizes["region"], value.sizes["year"], value.sizes["indicator"]
        rch = value.chunks[0]
        spec = {
            "indicator": (("region", "year", "indicator", "stat"), (R, Y, n_ind, len(STATS))),
            "category": (
                ("region", "year", "category", "stat"),
                (R, Y, len(categories), len(STATS)),
            ),
            "region": (("region", "year", "stat"), (R, Y, len(STATS))),
        }
        template = xr.Dataset(
            {
                f"s_{lv}": xr.DataArray(
                    da.zeros(spec[lv][1], chunks=(rch, *[-1] * (len(spec[lv][1]) - 1))),
                    dims=spec[lv][0],
                )
                for lv in local
            },
            coords={
                "region": value["region"].values,
                "year": value["year"].values,
                "indicator": value["indicator"].values,
                "category": categories,
                "stat": list(STATS),
            },
        )

        def block(v: xr.DataArray) -> xr.Dataset:
            s = _summaries(v, local)
            ds = xr.Dataset(
                {
                    f"s_{lv}": s[lv].drop_vars("category") if lv == "indicator" else s[lv]
                    for lv in local
                }
            )
            return ds.assign_coords(indicator=v["indicator"].values, category=categories)

        out.append(
            xr.map_blocks(
                block,
                value.drop_vars("category").assign_coords(category=("indicator", det_cats)),
                template=template,
            )
        )
    if any(lv in TOTAL_LEVELS for lv in levels):
        out.append(value.sum("region", min_count=1))
    return out


def _city_ledger_draws(acc: Account, det: Account | None):
    """The city's own ledger per draw (:func:`gep.ledger.aggregate_ledger` on the per-draw
    county ledger), or None when the deterministic account has no city ledger (the profile
    deducts nothing or the dataset gives no aggregate basis): then totals are county sums.

    The city's share comes from its basis items (not varied) or a scalar coefficient at its
    file value; the per-draw county gross values carry the draws (issue 11).
    """
    if det is None or det.city_ledger is None or not acc.has_deductions:
        return None
    from .ledger import aggregate_ledger

    ds = acc.ds[["gross", "out_of_region", "value"]]
    ds = xr.Dataset({k: v.broadcast_like(ds["value"]) for k, v in ds.data_vars.items()})
    basis = det.aggregate_basis
    return aggregate_ledger(
        ds, det.profile_spec.out_of_region, basis.data, basis.code, det.coefficients
    )


def _city_summaries(city: xr.DataArray, levels: Sequence[str]) -> dict[str, xr.DataArray]:
    """The total levels from the per-draw city value (year, indicator, ..., draw) [CNY]."""
    ti = city.transpose("year", "indicator", ..., "draw")
    arrays = {
        "total_indicator": ti,
        "total_category": _by_category(ti),
        "total": ti.sum("indicator", min_count=1),
    }
    return {lv: summarize(arrays[lv]) for lv in levels if lv in TOTAL_LEVELS}


def _finish(
    computed: list, levels: Sequence[str], categories: np.ndarray
) -> dict[str, xr.DataArray]:
    summary: dict[str, xr.DataArray] = {}
    rest = list(computed)
    if any(lv in LOCAL_LEVELS for lv in levels):
        ds = rest.pop(0)
        for lv in levels:
            if lv in LOCAL_LEVELS:
                arr = ds[f"s_{lv}"].rename(None)
                if lv == "indicator":
                    arr = arr.drop_vars("category", errors="ignore").assign_coords(
                        category=("indicator", categories)
                    )
                else:
                    arr = arr.drop_vars(
                        [c for c in ("indicator", "category") if c not in arr.dims], errors="ignore"
                    )
                summary[lv] = arr.assign_attrs(units="CNY")
    if any(lv in TOTAL_LEVELS for lv in levels):
        ti = rest.pop(0).transpose("year", "indicator", "draw")
        arrays = {
            "total_indicator": ti,
            "total_category": _by_category(ti),
            "total": ti.sum("indicator", min_count=1),
        }
        for lv in levels:
            if lv in TOTAL_LEVELS:
                summary[lv] = summarize(arrays[lv])
    return {lv: summary[lv] for lv in levels}


# --------------------------------------------------------------------------------------------
# results


@dataclass
class MonteCarloResult:
    """Summaries of a Monte Carlo run (and the per-draw values when they fit in memory).

    ``summary[level]`` has a last dimension ``stat`` = mean, p5, p50, p95 [CNY]; levels:
    ``indicator`` (region, year, indicator), ``category`` (region, year, category),
    ``region`` (GEP per region and year), ``total`` (year), ``total_category``, ``total_indicator``.
    """

    summary: dict[str, xr.DataArray]
    parameters: list[Parameter]
    n_draws: int
    seed: int
    deterministic: Account
    value: xr.DataArray  # (region, year, indicator, draw); dask-backed (lazy) when chunked
    account: Account | None = None  # the full account with a draw dim (in-memory runs)
    not_varied: list[str] = field(default_factory=list)
    table_draws: str = "coefficient"
    chunks: dict | None = None
    #: perspective of the total levels: ``city`` (the city's own ledger basis), ``counties``
    #: (sum of county net values although the profile deducts) or ``none`` (no deductions)
    perspective: str = "none"

    def to_frame(self, levels: Sequence[str] = LEVELS) -> pd.DataFrame:
        """Tidy rows: level, region, year, category, indicator, mean, p5, p50, p95 (CNY)."""
        frames = []
        total = self._total_name()
        for level in levels:
            s = self.summary[level]
            df = s.to_dataset(dim="stat").to_dataframe().reset_index()
            df["level"] = level
            if "region" not in df.columns:
                df["region"] = total
            if "category" not in df.columns:
                if "indicator" in df.columns:
                    cats = dict(
                        zip(
                            self.value["indicator"].values,
                            self.value["category"].values,
                            strict=True,
                        )
                    )
                    df["category"] = df["indicator"].map(cats)
                else:
                    df["category"] = None
            if "indicator" not in df.columns:
                df["indicator"] = None
            extra = [c for c in ("scenario",) if c in df.columns]
            frames.append(df[[*extra, "level", "region", "year", "category", "indicator", *STATS]])
        return pd.concat(frames, ignore_index=True)

    def _total_name(self) -> str:
        ds = self.deterministic.dataset
        return (ds.top_region if ds is not None else None) or "total"

    def parameter_table(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "parameter": p.label,
                    "id": p.id,
                    "key": p.key,
                    "distribution": p.distribution,
                    "relative": p.relative,
                    "spec": p.describe(),
                    "file": p.file,
                }
                for p in self.parameters
            ]
        )

    def provenance(self) -> dict:
        out = self.deterministic.provenance()
        out.update(
            {
                "draws": self.n_draws,
                "seed": self.seed,
                "table_draws": self.table_draws,
                "parameters": [p.label for p in self.parameters],
                "not_varied": self.not_varied,
            }
        )
        return out


# --------------------------------------------------------------------------------------------
# Monte Carlo


def _auto_chunks(
    setup: Setup, n: int, chunks: dict | int | str | None, block_bytes: float = 64e6
) -> dict[str, int]:
    """Regions per dask block and draws per vectorized call inside a block.

    A block holds every draw of its regions (exact quantiles need all draws of a cell), i.e.
    ``n × region × years × indicators × 8`` bytes; inside it the draws are evaluated
    ``draw`` at a time so the formulas' intermediates stay within ``block_bytes`` as well.
    """
    R = setup.data.sizes["region"]
    Y = len(setup.years)
    n_ind = max(1, len(setup.deterministic.indicator_ids))
    width = max([n_ind, *(setup.data.sizes.get(d, 1) for d in ("ecosystem", "species"))])
    if isinstance(chunks, int) and not isinstance(chunks, bool):
        chunks = {"draw": chunks}
    chunks = dict(chunks) if isinstance(chunks, dict) else {}
    unknown = sorted(set(chunks) - {"draw", "region"})
    if unknown:
        raise InputError(
            Problem("chunks", f"only 'draw' and 'region' can be chunked, not {', '.join(unknown)}")
        )
    bad = [k for k, v in chunks.items() if not isinstance(v, int) or v < 1]
    if bad:
        raise InputError(
            Problem("chunks", f"chunk sizes must be positive integers ({', '.join(bad)})")
        )
    region = chunks.get("region") or int(max(1, min(R, block_bytes / (n * Y * n_ind * 8))))
    draw = chunks.get("draw") or int(max(1, min(n, block_bytes / (min(region, R) * Y * width * 8))))
    return {"draw": int(min(draw, n)), "region": int(min(region, R))}


def lazy_values(setup: Setup, n: int, seed: int, chunks: dict[str, int]) -> xr.DataArray:
    """Per-draw values as a dask-backed DataArray (region, year, indicator, draw).

    Blocks split the regions (``chunks["region"]``) and hold all draws; inside a block the
    draws are generated and evaluated ``chunks["draw"]`` at a time by the same vectorized
    evaluation as the in-memory path (:meth:`Setup.evaluate`).
    """
    import dask.array as da

    # every year of the inventory, not only the accounted ones: stock-difference methods
    # (forest carbon by biomass change) read the year before the first accounted year, as
    # the in-memory path does (``account(..., years=...)`` selects the years itself)
    data = setup.data.chunk({"region": chunks["region"]})
    det = setup.deterministic.value
    indicators = det["indicator"].values
    categories = det["category"].values
    template = xr.DataArray(
        da.zeros(
            (data.sizes["region"], len(setup.years), len(indicators), n),
            chunks=(chunks["region"], -1, -1, -1),
        ),
        dims=("region", "year", "indicator", "draw"),
        coords={
            "region": data["region"].values,
            "year": setup.years,
            "indicator": indicators,
            "category": ("indicator", categories),
            "draw": np.arange(n),
        },
        name="value",
    )
    labels = setup.labels
    step = chunks["draw"]
    light = setup.light()

    def block(inv: xr.Dataset) -> xr.DataArray:
        out = np.empty((inv.sizes["region"], len(setup.years), len(indicators), n))
        for a in range(0, n, step):
            b = min(n, a + step)
            U = uniforms(labels, seed, a, b)
            value = light.evaluate(U, np.arange(a, b), data=inv, components=False).value
            out[..., a:b] = value.transpose("region", "year", "indicator", "draw").values
        return xr.DataArray(
            out,
            dims=template.dims,
            coords={
                "region": inv["region"].values,
                "year": setup.years,
                "indicator": indicators,
                "category": ("indicator", categories),
                "draw": np.arange(n),
            },
            name="value",
        )

    return xr.map_blocks(block, data, template=template)


def monte_carlo(
    dataset: Dataset | xr.Dataset,
    coefficients: CoefficientSet,
    n_draws: int = 1000,
    seed: int | None = 0,
    *,
    years: Sequence[int] | None = None,
    profile: str = "ndrc-2022",
    options: dict | None = None,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    vary: Iterable[str] | None = None,
    specs: dict | None = None,
    table_draws: str = "coefficient",
    chunks: dict | int | str | None = None,
    client: Any = None,
    levels: Sequence[str] = LEVELS,
    keep_values: bool = True,
    scenarios: Sequence[Scenario | str | Path] | None = None,
    components: bool = False,
) -> MonteCarloResult:
    """Monte Carlo of the account over the coefficients' uncertainty specs.

    Parameters
    ----------
    n_draws, seed : number of draws; seed of the numpy generators (None: fresh entropy, recorded
        in the result).
    vary, specs, table_draws : which coefficients vary and how (see :func:`prepare`).
    chunks : None → one in-memory vectorized call. ``"auto"``, an int (draws per vectorized
        call) or ``{"draw": d, "region": r}`` → dask blocks of ``r`` regions × all draws, the
        draws evaluated ``d`` at a time (see :func:`lazy_values`); memory is bounded by the block
        size, chosen automatically (~64 MB) unless given.
    client : a ``dask.distributed.Client``; computes the blocks on its cluster (implies chunks).
    levels : which summaries to compute (see :class:`MonteCarloResult`).
    keep_values : in-memory runs keep the full per-draw account in ``result.account``.
    scenarios : also evaluate these scenarios (dims ``scenario, draw``; in memory only).
    components : the kept per-draw account also has each indicator's component breakdowns
        (physical and value parts per draw). Off by default: no summary uses them, and
        stacking and pricing every part of every draw was a tenth of a 10,000-draw run.
    """
    if not isinstance(n_draws, int) or n_draws < 1:
        raise InputError(
            Problem("--draws", f"the number of draws must be a positive integer, not {n_draws!r}")
        )
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**63))
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(
            Problem("--seed", f"the seed must be a non-negative integer, not {seed!r}")
        )
    if scenarios and (chunks is not None or client is not None):
        raise InputError(
            Problem(
                "scenarios", "Monte Carlo over scenarios runs in memory only (no chunks/client)"
            )
        )
    unknown = [lv for lv in levels if lv not in LEVELS]
    if unknown:
        raise InputError(
            Problem("levels", f"unknown level(s) {', '.join(unknown)}; known: {', '.join(LEVELS)}")
        )
    setup = prepare(
        dataset,
        coefficients,
        years=years,
        profile=profile,
        options=options,
        include=include,
        exclude=exclude,
        vary=vary,
        specs=specs,
        table_draws=table_draws,
        scenarios=scenarios,
    )
    if chunks is None and client is None:
        U = uniforms(setup.labels, seed, 0, n_draws)
        acc = setup.evaluate(U, np.arange(n_draws), components=components and keep_values)
        value = acc.value.transpose("region", "year", "indicator", ..., "draw")
        city = (
            _city_ledger_draws(acc, setup.deterministic)
            if any(lv in TOTAL_LEVELS for lv in levels)
            else None
        )
        if city is None:
            summary = _summaries(value, levels)
        else:  # totals in the city perspective (issue 11)
            local = [lv for lv in levels if lv not in TOTAL_LEVELS]
            summary = {**(_summaries(value, local) if local else {})}
            summary.update(_city_summaries(city.value, levels))
            summary = {lv: summary[lv] for lv in levels}
        has_ded = setup.deterministic.has_deductions
        return MonteCarloResult(
            summary=summary,
            parameters=setup.parameters,
            n_draws=n_draws,
            seed=seed,
            deterministic=setup.deterministic,
            value=value,
            account=acc if keep_values else None,
            not_varied=setup.not_varied,
            table_draws=table_draws,
            perspective=city.perspective if city is not None else "counties" if has_ded else "none",
        )
    import dask

    chunk_sizes = _auto_chunks(setup, n_draws, None if chunks == "auto" else chunks)
    value = lazy_values(setup, n_draws, seed, chunk_sizes)
    lazy = _lazy_summaries(value, levels)
    if client is not None:
        computed = client.gather(client.compute(lazy))
    else:
        computed = list(dask.compute(*lazy))
    summary = _finish(computed, levels, np.asarray(setup.deterministic.value["category"].values))
    return MonteCarloResult(
        summary=summary,
        parameters=setup.parameters,
        n_draws=n_draws,
        seed=seed,
        deterministic=setup.deterministic,
        value=value,
        account=None,
        not_varied=setup.not_varied,
        table_draws=table_draws,
        chunks=chunk_sizes,
        # chunked runs sum the counties' per-draw net values (no per-draw gross kept)
        perspective="counties" if setup.deterministic.has_deductions else "none",
    )


def draw_factors(
    dataset: Dataset | xr.Dataset,
    coefficients: CoefficientSet,
    n_draws: int,
    seed: int = 0,
    **kwargs,
) -> pd.DataFrame:
    """The factor each draw applies to each varied parameter (rows: draws; columns: parameters).

    For absolute specs on coefficients whose value changes between years, the factor of the
    first accounting year is shown.
    """
    setup = prepare(dataset, coefficients, **kwargs)
    U = uniforms(setup.labels, seed, 0, n_draws)
    cols = {}
    for j, p in enumerate(setup.parameters):
        f = factors_from_u(p, U[:, j], setup.nominal.get(p.id))
        cols[p.label] = f if f.ndim == 1 else f[:, 0]
    return pd.DataFrame(cols, index=pd.RangeIndex(n_draws, name="draw"))
