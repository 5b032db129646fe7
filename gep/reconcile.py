"""Reconciliation of one dataset across several profiles (核算标准对比).

:func:`reconcile` is pure: it takes one tidy frame per profile (one row per indicator, city
total for one year) and returns the indicator × profile table, totals per profile and per
category, and the differences explained — indicator present in some profiles and absent in
others, method differs, unit price differs under the same method, out-of-region deduction
differs. :func:`account_frame` builds such a frame from an :class:`~gep.accounting.Account`
and a :class:`~gep.profiles.Profile`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import InputError, Problem

#: columns of the per-profile frame; the first five are required
FRAME_COLUMNS = (
    "indicator",
    "category",
    "value",
    "method",
    "clause",
    "name",
    "method_label",
    "clause_status",
    "gross",
    "out_of_region",
    "price",
    "physical_unit",
    "county_value",
    "internal_transfers",
)
REQUIRED = FRAME_COLUMNS[:5]
CATEGORY_ORDER = ("material", "regulating", "cultural", "supporting")
#: relative tolerance under which two unit prices or totals count as equal
RTOL = 1e-9


@dataclass
class Reconciliation:
    profiles: list[str]
    rows: pd.DataFrame  # one row per indicator × profile (present only)
    totals: dict[str, float]
    by_category: pd.DataFrame  # index category, columns profiles [CNY]
    differences: list[dict] = field(default_factory=list)
    #: profile → out-of-region ledger warnings of its account (``gep.ledger`` dicts)
    warnings: dict[str, list[dict]] = field(default_factory=dict)
    #: profile → perspective of its city total: ``city`` (the city's own ledger basis),
    #: ``counties`` (sum of county net values) or ``none`` (nothing deducted)
    perspectives: dict[str, str] = field(default_factory=dict)

    def wide(self, column: str = "value") -> pd.DataFrame:
        """Indicator × profile table of ``column`` (NaN where the profile lacks it)."""
        w = self.rows.pivot(index="indicator", columns="profile", values=column)
        return w.reindex(index=list(dict.fromkeys(self.rows["indicator"])), columns=self.profiles)

    def as_dict(self) -> dict:
        cols = ["indicator", "profile", "value", "method", "clause"]
        extra = [c for c in self.rows.columns if c not in cols]
        rows = [{k: _plain(r[k]) for k in [*cols, *extra]} for r in self.rows.to_dict("records")]
        return {
            "profiles": list(self.profiles),
            "rows": rows,
            "totals": {p: _plain(v) for p, v in self.totals.items()},
            "totals_by_category": {
                p: {c: _plain(self.by_category.at[c, p]) for c in self.by_category.index}
                for p in self.profiles
            },
            "differences": self.differences,
            "warnings": {p: list(w) for p, w in self.warnings.items()},
            "perspective": dict(self.perspectives),
        }


def _plain(v):
    if isinstance(v, (np.floating, float)):
        return None if not math.isfinite(float(v)) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return v


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=RTOL, abs_tol=1e-9)


def reconcile(
    frames: Mapping[str, pd.DataFrame], totals: Mapping[str, float] | None = None
) -> Reconciliation:
    """Put several profiles' results for the same data side by side and explain differences.

    Parameters
    ----------
    frames : profile id → frame with columns ``indicator, category, value [CNY], method,
        clause`` and optionally ``name, method_label, clause_status, gross [CNY],
        out_of_region [CNY], price [CNY per physical unit], physical_unit``.
    totals : profile id → GEP [CNY] as computed by the profile's own account. When given it
        is reported as is (so it equals the account exactly) and checked against the sum of
        the rows; when absent the total is the sum of the rows.

    Returns
    -------
    :class:`Reconciliation`.

    Notes
    -----
    Per profile :math:`GEP_p = \\sum_i V_{p,i}` over assessed indicators (NaN = not assessed is
    skipped, as in ``Account.gep``); per category the same sum within the category.
    """
    problems = []
    parts = []
    for p, df in frames.items():
        missing = [c for c in REQUIRED if c not in df.columns]
        if missing:
            problems.append(Problem(f"profile {p}", f"frame lacks columns {', '.join(missing)}"))
            continue
        dup = df["indicator"][df["indicator"].duplicated()].tolist()
        if dup:
            problems.append(Problem(f"profile {p}", f"duplicate indicators {', '.join(dup)}"))
            continue
        d = df.copy()
        d["profile"] = p
        for c in FRAME_COLUMNS:
            if c not in d.columns:
                d[c] = np.nan
        parts.append(d[["indicator", "profile", *[c for c in FRAME_COLUMNS if c != "indicator"]]])
    if problems:
        raise InputError(problems)
    profiles = list(frames)
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["profile"])
    order = {c: n for n, c in enumerate(CATEGORY_ORDER)}
    first_seen = {i: n for n, i in enumerate(dict.fromkeys(rows["indicator"]))}
    rows = rows.sort_values(
        ["category", "indicator", "profile"],
        key=lambda s: (
            s.map(order)
            if s.name == "category"
            else s.map(first_seen)
            if s.name == "indicator"
            else s.map({p: n for n, p in enumerate(profiles)})
        ),
    ).reset_index(drop=True)

    sums = {p: float(rows.loc[rows["profile"] == p, "value"].sum(min_count=1)) for p in profiles}
    if totals is not None:
        bad = [
            f"{p}: account total {totals[p]!r} ≠ sum of rows {sums[p]!r}"
            for p in profiles
            if not ((math.isnan(totals[p]) and math.isnan(sums[p])) or _close(totals[p], sums[p]))
        ]
        if bad:
            raise InputError(Problem("reconciliation", "; ".join(bad)))
        out_totals = {p: float(totals[p]) for p in profiles}
    else:
        out_totals = sums
    cats = [c for c in CATEGORY_ORDER if c in set(rows["category"])]
    by_cat = pd.DataFrame(
        {
            p: [
                float(
                    rows.loc[(rows["profile"] == p) & (rows["category"] == c), "value"].sum(
                        min_count=1
                    )
                )
                for c in cats
            ]
            for p in profiles
        },
        index=pd.Index(cats, name="category"),
    )
    return Reconciliation(profiles, rows, out_totals, by_cat, _differences(rows, profiles))


def _differences(rows: pd.DataFrame, profiles: list[str]) -> list[dict]:
    out: list[dict] = []
    for iid, g in rows.groupby("indicator", sort=False):
        present = [p for p in profiles if p in set(g["profile"])]
        absent = [p for p in profiles if p not in present]
        values = {r["profile"]: _plain(r["value"]) for _, r in g.iterrows()}
        if absent:
            out.append(
                {
                    "indicator": iid,
                    "kind": "presence",
                    "present_in": present,
                    "absent_in": absent,
                    "values": values,
                    "zh": f"{iid}：仅 {'、'.join(present)} 核算，{'、'.join(absent)} 不含此项",
                    "en": (
                        f"{iid}: counted by {', '.join(present)} only; absent from "
                        f"{', '.join(absent)}"
                    ),
                }
            )
        if len(present) < 2:
            continue
        methods = dict(zip(g["profile"], g["method"], strict=True))
        if len(set(methods.values())) > 1:
            out.append(
                {
                    "indicator": iid,
                    "kind": "method",
                    "methods": methods,
                    "values": values,
                    "zh": f"{iid}：方法不同（"
                    + "；".join(f"{p}: {m}" for p, m in methods.items())
                    + "）",
                    "en": f"{iid}: methods differ ("
                    + "; ".join(f"{p}: {m}" for p, m in methods.items())
                    + ")",
                }
            )
        # same method, different unit price (value per physical unit)
        for m, gm in g.groupby("method", sort=False):
            priced = gm.dropna(subset=["price"])
            if len(priced) < 2 or priced["physical_unit"].nunique(dropna=False) > 1:
                continue
            prices = dict(zip(priced["profile"], priced["price"].astype(float), strict=True))
            ref = next(iter(prices.values()))
            if any(not _close(ref, v) for v in prices.values()):
                unit = priced["physical_unit"].iloc[0]
                out.append(
                    {
                        "indicator": iid,
                        "kind": "price",
                        "method": m,
                        "prices": prices,
                        "unit": f"CNY / {unit}",
                        "values": values,
                        "zh": f"{iid}：同一方法下单价不同（元/{unit}）",
                        "en": f"{iid}: same method, different unit price (CNY per {unit})",
                    }
                )
        deductions = {
            r["profile"]: float(r["out_of_region"])
            for _, r in g.iterrows()
            if not pd.isna(r["out_of_region"])
        }
        if deductions and any(not _close(v, 0.0) for v in deductions.values()):
            vals = list(deductions.values())
            if len(deductions) < len(present) or any(not _close(vals[0], v) for v in vals):
                out.append(
                    {
                        "indicator": iid,
                        "kind": "deduction",
                        "out_of_region": deductions,
                        "values": values,
                        "zh": f"{iid}：区域外来源扣除不同",
                        "en": f"{iid}: out-of-region deductions differ",
                    }
                )
    return out


# --------------------------------------------------------------------------------------------
# from an account


def account_frame(acc, year: int, profile, lang: str = "zh") -> pd.DataFrame:
    """One row per indicator of ``acc`` (city total for ``year``), labelled by ``profile``.

    ``value`` is the net value of the city total (what the GEP total sums) in the account's
    city perspective (:attr:`~gep.accounting.Account.city_perspective`): with the aggregate
    region's own ledger basis the city's share applies to the summed gross value; otherwise it
    is the sum of county net values. ``gross`` and ``out_of_region`` come from the same
    ledger (``gross`` = ``value`` and 0 where the profile deducts nothing); ``county_value``
    is the sum of county net values and ``internal_transfers`` = ``value`` − ``county_value``.
    The unit price is gross value / physical quantity.
    """
    if year not in acc.years:
        raise InputError(Problem("--year", f"year {year} not in the account ({acc.years})"))
    cf = acc.city_frame()
    cf = cf[cf["year"] == year].set_index("indicator")
    rows = []
    for ind in acc.indicators:
        v = float(cf.at[ind.id, "value"])
        g = float(cf.at[ind.id, "gross"])
        phys = acc.physical(ind.id).sel(year=year)
        extra = [d for d in phys.dims if d != "region"]
        phys_total = float(phys.sum(["region", *extra], min_count=1)) if not extra else np.nan
        price = g / phys_total if phys_total and math.isfinite(phys_total) else np.nan
        try:
            pi = profile.indicator(ind.id)
        except KeyError:
            raise InputError(
                Problem(profile.file or profile.id, f"account indicator {ind.id} not in profile")
            ) from None
        rows.append(
            {
                "indicator": ind.id,
                "category": ind.category,
                "value": v,
                "method": pi.method,
                "clause": pi.clause_text(lang),
                "name": pi.label(lang) or ind.label(lang),
                "method_label": pi.variant.zh if lang == "zh" else pi.variant.en,
                "clause_status": pi.clause_status,
                "gross": g,
                "out_of_region": float(cf.at[ind.id, "out_of_region"]),
                "price": price,
                "physical_unit": ind.physical_unit,
                "county_value": float(cf.at[ind.id, "county_value"]),
                "internal_transfers": float(cf.at[ind.id, "internal_transfers"]),
            }
        )
    return pd.DataFrame(rows, columns=list(FRAME_COLUMNS))
