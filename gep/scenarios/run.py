"""Vectorized evaluation: baseline and every scenario stacked along ``scenario`` and run
through one call of :func:`gep.accounting.account`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from ..accounting import Account, account
from ..catalog import ecosystem_catalog
from ..coefficients import CoefficientSet
from ..errors import InputError, Problem
from ..inventory import Dataset
from .apply import _add_ecosystem, apply_scenario
from .load import load_scenario
from .model import BASELINE, Scenario
from .reads import Request, probe, resolved


def _differs(a: CoefficientSet, b: CoefficientSet, cid: str) -> bool:
    if a.coefficients.get(cid) != b.coefficients.get(cid):
        return True
    return [o for o in a.overrides if o.id == cid] != [o for o in b.overrides if o.id == cid]


def _same_var(a: xr.DataArray, b: xr.DataArray) -> bool:
    return a.variable is b.variable or a.data is b.data or a.equals(b)


@dataclass
class ScenarioStack:
    """Baseline and scenarios stacked for one account call."""

    names: list[str]
    data: xr.Dataset  # inventory; changed variables carry a ``scenario`` dim
    extra: dict[str, xr.DataArray]  # coefficients that differ, with a ``scenario`` dim
    applied: dict[str, tuple[Dataset, CoefficientSet]]
    scenarios: list[Scenario]
    baseline: Account  # the probe run on the stacked inventory (coefficients unchanged)
    requests: dict[str, Request]  # what that run read from the coefficient set


def _align_ecosystems(datas: list[xr.Dataset]) -> list[xr.Dataset]:
    have = [
        set(map(str, d["ecosystem"].values)) if "ecosystem" in d.coords else set() for d in datas
    ]
    union = set().union(*have)
    out = []
    for d, h in zip(datas, have, strict=True):
        for code in sorted(union - h, key=list(ecosystem_catalog()).index):
            d = _add_ecosystem(d, code)
        out.append(d)
    return out


def stack_scenarios(
    dataset: Dataset,
    coefficients: CoefficientSet,
    scenarios: Sequence[Scenario | str | Path],
    *,
    years: Sequence[int] | None = None,
    profile: str = "ndrc-2022",
    options: dict | None = None,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
) -> ScenarioStack:
    """Apply every scenario and stack the results for one vectorized evaluation."""
    scens = [s if isinstance(s, Scenario) else load_scenario(s) for s in scenarios]
    names = [BASELINE, *(s.id for s in scens)]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise InputError(
            [
                Problem(s.file, f"scenario id '{s.id}' is used twice (ids are the file names)")
                for s in scens
                if s.id in dup
            ]
        )
    applied: dict[str, tuple[Dataset, CoefficientSet]] = {}
    problems: list[Problem] = []
    for s in scens:
        try:
            applied[s.id] = apply_scenario(dataset, coefficients, s)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    kwargs = {
        "years": years,
        "profile": profile,
        "options": options,
        "include": include,
        "exclude": exclude,
    }
    # the scenario dim carries no coordinate inside the evaluation (some indicator code
    # concatenates changed and unchanged parts; xarray refuses a coordinate present in only
    # some of them); account_scenarios labels it afterwards

    # inventory: only the variables a scenario changes carry the scenario dim
    datas = [dataset.data if n == BASELINE else applied[n][0].data for n in names]
    if any(
        ("ecosystem" in d.coords)
        and set(map(str, d["ecosystem"].values)) != set(map(str, datas[0]["ecosystem"].values))
        for d in datas
    ):
        datas = _align_ecosystems(datas)
    base_data = datas[0]
    out = {}
    for var in base_data.data_vars:
        versions = [d[var] for d in datas]
        if all(_same_var(v, versions[0]) for v in versions[1:]):
            out[var] = versions[0]
        else:
            out[var] = xr.concat(
                versions, dim="scenario", coords="minimal", compat="override"
            ).assign_attrs(versions[0].attrs)
    data = xr.Dataset(out, attrs=base_data.attrs)

    # probe: which coefficients (and table keys) the account reads on these inputs
    baseline, requests = probe(data if "scenario" in data.dims else dataset, coefficients, **kwargs)
    acc_years = baseline.years

    # coefficients: arrays with a scenario dim for the ids that differ
    extra = {}
    stacked = list(names)
    sets = {n: (coefficients if n == BASELINE else applied[n][1]) for n in stacked}
    for cid, req in requests.items():
        if all(cs is coefficients or not _differs(cs, coefficients, cid) for cs in sets.values()):
            continue
        arrays = [resolved(sets[n], cid, req, acc_years) for n in stacked]
        if all(np.array_equal(a.values, arrays[0].values, equal_nan=True) for a in arrays[1:]):
            continue
        arr = xr.concat(arrays, dim="scenario")
        extra[cid] = arr.assign_attrs(units=arrays[0].attrs["units"])
    return ScenarioStack(
        names=names,
        data=data,
        extra=extra,
        applied=applied,
        scenarios=scens,
        baseline=baseline,
        requests=requests,
    )


def _expand(ds: xr.Dataset, dim: str, values: list[str]) -> xr.Dataset:
    out = {}
    for name, var in ds.data_vars.items():
        if dim not in var.dims:
            var = var.expand_dims({dim: values}).transpose(*[d for d in var.dims if d != dim], dim)
        out[name] = var
    return xr.Dataset(out, attrs=ds.attrs)


def account_scenarios(
    dataset: Dataset,
    coefficients: CoefficientSet,
    scenarios: Sequence[Scenario | str | Path],
    *,
    years: Sequence[int] | None = None,
    profile: str = "ndrc-2022",
    options: dict | None = None,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
) -> Account:
    """The account of the baseline and every scenario, with a ``scenario`` dimension.

    ``scenario`` = ``["baseline", <scenario ids>...]``. Baseline and the stackable scenarios are
    evaluated in one call of :func:`gep.accounting.account`; see the module docstring.
    """
    stack = stack_scenarios(
        dataset,
        coefficients,
        scenarios,
        years=years,
        profile=profile,
        options=options,
        include=include,
        exclude=exclude,
    )
    kwargs = {
        "years": stack.baseline.years,
        "profile": profile,
        "options": options,
        "include": include,
        "exclude": exclude,
    }
    acc = account(stack.data, coefficients, extra_coefficients=stack.extra or None, **kwargs)
    ds = acc.ds
    if "scenario" in ds.dims:
        ds = ds.assign_coords(scenario=stack.names)
    ds = _expand(ds, "scenario", stack.names)
    labels = {
        BASELINE: {"zh": "基准情景", "en": "Baseline"},
        **{s.id: s.name for s in stack.scenarios},
    }
    ds = ds.assign_coords(
        scenario_name_zh=("scenario", [labels[n].get("zh", n) for n in stack.names]),
        scenario_name_en=("scenario", [labels[n].get("en", n) for n in stack.names]),
    )
    ds["value"] = ds["value"].transpose("region", "year", "indicator", "scenario", ...)
    ds.attrs.update(stack.baseline.ds.attrs)
    ds.attrs["scenarios"] = ",".join(stack.names)
    acc.ds = ds
    acc.dataset = dataset
    acc.coefficients = coefficients
    if acc.has_deductions:  # city totals from the city's own basis, as the plain account (#11)
        from ..accounting import _aggregate_basis

        acc.aggregate_basis = _aggregate_basis(dataset)
        acc.__dict__.pop("_city_ledger", None)
        if acc.city_ledger is not None:
            acc.warnings += [w.as_dict() for w in acc.city_ledger.warnings]
    acc.scenarios = {s.id: s for s in stack.scenarios}  # type: ignore[attr-defined]
    acc.scenario_provenance = {  # type: ignore[attr-defined]
        s.id: {
            "file": s.file,
            "dataset_hash": stack.applied[s.id][0].hash,
            "coefficients": {
                "name": stack.applied[s.id][1].name,
                "hash": stack.applied[s.id][1].hash,
                "overrides": [o.describe() for o in stack.applied[s.id][1].overrides],
            },
            "evaluation": "stacked",
        }
        for s in stack.scenarios
    }
    return acc
