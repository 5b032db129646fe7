"""Scenario differences from a base scenario by region, indicator and category (+ GEP)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import xarray as xr

from ..accounting import Account
from ..errors import InputError, Problem
from .model import BASELINE


@dataclass
class Comparison:
    """Scenario differences against a base scenario, at three levels, for regions and the total.

    Each of ``indicator``, ``category``, ``gep`` is an ``xarray.Dataset`` with variables
    ``value``, ``baseline``, ``diff`` (value − baseline, CNY) and ``rel_diff`` (diff / baseline,
    NaN where the baseline is 0 or not assessed), over ``scenario, region, year`` (+ indicator
    or category); region ``total`` (or the dataset's top region) is the city total: in the city
    perspective (the city's own out-of-region ledger, :attr:`Account.city_ledger`) when the
    profile deducts and the dataset gives an aggregate basis, else the sum over regions
    (``perspective``: ``city``, ``counties`` or ``none`` as :attr:`Account.city_perspective`).
    """

    indicator: xr.Dataset
    category: xr.Dataset
    gep: xr.Dataset
    base: str
    total_region: str
    provenance: dict = field(default_factory=dict)
    perspective: str = "none"

    def to_frame(self, include_base: bool = False) -> pd.DataFrame:
        """Tidy rows: scenario, region, year, level, indicator, category, value, baseline, diff,
        rel_diff."""
        frames = []
        for level, ds in (
            ("indicator", self.indicator),
            ("category", self.category),
            ("gep", self.gep),
        ):
            df = ds[["value", "baseline", "diff", "rel_diff"]].to_dataframe().reset_index()
            df["level"] = level
            if level == "indicator":
                cats = dict(zip(ds["indicator"].values, ds["category"].values, strict=True))
                df["category"] = df["indicator"].map(cats)
            elif level == "category":
                df["indicator"] = None
            else:
                df["indicator"] = None
                df["category"] = None
            frames.append(df)
        out = pd.concat(frames, ignore_index=True)
        if not include_base:
            out = out[out["scenario"] != self.base]
        cols = [
            "scenario",
            "region",
            "year",
            "level",
            "indicator",
            "category",
            "value",
            "baseline",
            "diff",
            "rel_diff",
        ]
        return out[cols].reset_index(drop=True)


def _with_total(x: xr.DataArray, name: str) -> xr.DataArray:
    total = x.sum("region", min_count=1).expand_dims(region=[name])
    return xr.concat([x, total], dim="region", coords="minimal", compat="override")


def _with_city(x: xr.DataArray, city: xr.DataArray, name: str) -> xr.DataArray:
    """``x`` with the city total ``city`` (no region dim) appended as region ``name``."""
    total = city.expand_dims(region=[name])
    return xr.concat([x, total], dim="region", coords="minimal", compat="override")


def _diffs(value: xr.DataArray, base: str) -> xr.Dataset:
    b = value.sel(scenario=base, drop=True)
    diff = value - b
    rel = diff / b.where(b != 0)
    out = xr.Dataset(
        {"value": value, "baseline": b.broadcast_like(value), "diff": diff, "rel_diff": rel}
    )
    return out.transpose("scenario", "region", "year", ...)


def compare(acc: Account, base: str = BASELINE) -> Comparison:
    """Differences of every scenario from ``base`` by region, indicator and category (+ GEP)."""
    if "scenario" not in acc.value.dims:
        raise InputError(
            Problem("compare", "the account has no scenario dimension (use account_scenarios)")
        )
    names = [str(s) for s in acc.value["scenario"].values]
    if base not in names:
        raise InputError(
            Problem("compare", f"no scenario '{base}' in the account ({', '.join(names)})")
        )
    top = (acc.dataset.top_region if acc.dataset is not None else None) or "total"
    value = acc.value
    if acc.city_ledger is not None:  # the city's own ledger basis (issue 11)
        ind = _with_city(value, acc.city_value(), top)
        cat = _with_city(acc.by_category(), acc.city_by_category(), top)
        gep = _with_city(acc.gep(), acc.city_gep(), top)
    else:  # no deduction or no aggregate basis: the sum of county net values
        ind = _with_total(value, top)
        cat = _with_total(acc.by_category(), top)
        gep = _with_total(acc.gep(), top)
    ind = ind.assign_coords(category=("indicator", value["category"].values))
    prov = acc.provenance()
    return Comparison(
        indicator=_diffs(ind, base),
        category=_diffs(cat, base),
        gep=_diffs(gep, base),
        base=base,
        total_region=top,
        provenance=prov,
        perspective=acc.city_perspective,
    )
