"""Account runs frozen by the regression fixture, and how a run is reduced to arrays."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
ANKANG = ROOT / "datasets" / "ankang"
MINI = ROOT / "tests" / "data" / "mini"
MINI_COEF = ROOT / "tests" / "data" / "coefficients" / "mini"

#: name → (dataset, coefficient set, account keyword arguments)
CASES: dict[str, tuple[str, str, dict]] = {
    "ankang": ("ankang", "ankang", {}),
    "ankang_all": (
        "ankang",
        "ankang",
        {"include": ["regulating.oxygen_release", "regulating.pest_control"]},
    ),
    "ankang_rates_spending_eer": (
        "ankang",
        "ankang",
        {
            "options": {
                "forest_carbon": "rates",
                "recreation_method": "spending",
                "evaporation_divide_by_eer": True,
            }
        },
    ),
    "ankang_xie": ("ankang", "ankang", {"profile": "xie-2015"}),
    "ankang_2023": ("ankang", "ankang", {"years": [2023, 2024]}),
    "mini": ("mini", "mini", {}),
    "mini_all": (
        "mini",
        "mini",
        {"include": ["regulating.oxygen_release", "regulating.pest_control"]},
    ),
    "mini_xie": ("mini", "mini", {"profile": "xie-2015"}),
    "national": ("national", "mini", {}),
}

#: the synthetic national set is reduced to aggregates (its full value array is 7 MB)
AGGREGATE_ONLY = {"national"}


@cache
def _dataset(name: str):
    from gep.inventory import load_dataset

    if name == "ankang":
        return load_dataset(ANKANG)
    if name == "mini":
        return load_dataset(MINI)
    from benchmarks.synthetic import synthetic_inventory

    return synthetic_inventory(2844, 20, first_year=2020)


@cache
def _coefficients(name: str):
    from gep.coefficients import load_set

    return load_set(MINI_COEF if name == "mini" else name)


def run_case(name: str):
    from gep.accounting import account

    data, coef, kwargs = CASES[name]
    return account(_dataset(data), _coefficients(coef), **kwargs)


def snapshot(name: str, acc) -> tuple[dict[str, np.ndarray], dict]:
    """Arrays (keyed ``case/what``) and JSON-able metadata describing one account."""
    arrays: dict[str, np.ndarray] = {}
    value = acc.value.transpose("region", "year", "indicator")
    meta: dict = {
        "indicators": acc.indicator_ids,
        "years": acc.years,
        "n_regions": len(acc.regions),
        "not_assessed": acc.not_assessed,
        "notes": acc.notes,
        "components": {},
    }
    if name in AGGREGATE_ONLY:
        text = json.dumps(acc.not_assessed, sort_keys=True, ensure_ascii=False)
        meta["not_assessed"] = {
            "count": len(acc.not_assessed),
            "first": acc.not_assessed[:3],
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        }
        v = value.values
        arrays[f"{name}/value_by_region"] = np.nansum(v, axis=(1, 2))
        arrays[f"{name}/value_by_year_indicator"] = np.nansum(v, axis=0)
        arrays[f"{name}/value_nan_count"] = np.isnan(v).sum(axis=(0, 1))
        arrays[f"{name}/value_sample"] = v[::97]
        for ind in acc.indicator_ids:
            p = acc.physical(ind).transpose("region", "year", ...).values
            arrays[f"{name}/physical_by_region/{ind}"] = np.nansum(
                p.reshape(p.shape[0], -1), axis=1
            )
        return arrays, meta
    meta["regions"] = acc.regions
    arrays[f"{name}/value"] = value.values
    for ind in acc.indicator_ids:
        arrays[f"{name}/physical/{ind}"] = acc.physical(ind).transpose("region", "year", ...).values
    for ind, comp in acc.components.items():
        meta["components"][ind] = {}
        for var in sorted(comp.data_vars):
            da = comp[var].transpose("region", "year", "component", ...)
            meta["components"][ind][var] = {
                "labels": [str(c) for c in da["component"].values],
                "units": da.attrs.get("units"),
            }
            arrays[f"{name}/component/{ind}/{var}"] = da.values
    return arrays, meta
