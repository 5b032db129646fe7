"""Out-of-region ledger: gross → deduction → net value per region × year × indicator.

GB/T 46869—2025 defines GEP as the value of all ecological products supplied by a region's
ecosystems **minus the value of ecological products that come from outside the region**
[1]_. Which products it deducts, and by what formula, is not known (the body text has not been
obtained, see ``gep_indicators.md``); the auditable form used here is an explicit external
share per indicator with its basis [2]_:

.. math::

    V^{out}_{r,t,i} = V^{gross}_{r,t,i} \\cdot s_{r,t,i}, \\qquad
    V_{r,t,i} = V^{gross}_{r,t,i} - V^{out}_{r,t,i}

where the share :math:`s` is either a coefficient (value, source, status) or a ratio of
inventory items, e.g. :math:`s = Q_{inflow} / (Q_{inflow} + Q_{local})` for water supply and
hydropower fed by transit water.

Everything here is pure (arrays in, arrays out); :func:`ledger` takes the resolved coefficient
set and the inventory ``xarray.Dataset`` but never reads files.

References
----------
.. [1] GB/T 46869—2025 生态系统评估 陆域生态产品总值核算技术指南 (SAMR/SAC, 2025), definition of
   GEP as reported in the release announcement (gep_indicators.md S22).
.. [2] gep_indicators.md, "GB/T 46869—2025 (what is known)": explicit per-indicator external
   share with its basis, gross and net side by side, shares 0 with a visible warning until the
   official rule is entered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from .errors import InputError, Problem

#: coefficient statuses that count as sourced for a required deduction
SOURCED_STATUSES = ("standard", "official", "local-official", "literature")


@dataclass(frozen=True)
class LedgerWarning:
    """A deduction a profile requires but whose share is zero, unsourced or not computable."""

    indicator: str
    kind: str  # zero | unsourced | missing_inputs
    zh: str
    en: str
    regions: tuple[str, ...] = ()
    years: tuple[int, ...] = ()

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    def as_dict(self) -> dict:
        return {
            "indicator": self.indicator,
            "kind": self.kind,
            "zh": self.zh,
            "en": self.en,
            "regions": list(self.regions),
            "years": list(self.years),
        }


@dataclass
class LedgerResult:
    """``ds`` holds ``gross``, ``share``, ``out_of_region`` and net ``value`` [CNY]."""

    ds: xr.Dataset
    warnings: list[LedgerWarning] = field(default_factory=list)
    #: indicator → human-readable basis of its share ("coefficient …" or "(inflow) / (…)")
    bases: dict[str, str] = field(default_factory=dict)

    @property
    def value(self) -> xr.DataArray:
        return self.ds["value"]

    @property
    def gross(self) -> xr.DataArray:
        return self.ds["gross"]

    @property
    def out_of_region(self) -> xr.DataArray:
        return self.ds["out_of_region"]

    def to_frame(self) -> pd.DataFrame:
        """Tidy rows: region, year, indicator (+ extra dims), gross, share, out_of_region,
        value [CNY] and the share's ``basis`` ("" where nothing is deducted) — the columns
        every export adds once the ledger is wired into the account."""
        df = self.ds.to_dataframe().reset_index()
        df["basis"] = [self.bases.get(i, "") for i in df["indicator"]]
        keys = [d for d in self.ds["gross"].dims]
        return df[[*keys, "gross", "share", "out_of_region", "value", "basis"]]

    def warnings_frame(self, lang: str = "zh") -> pd.DataFrame:
        """One row per warning (indicator, kind, message, regions, years)."""
        return pd.DataFrame(
            [
                {
                    "indicator": w.indicator,
                    "kind": w.kind,
                    "message": w.message(lang),
                    "regions": ", ".join(w.regions),
                    "years": ", ".join(map(str, w.years)),
                }
                for w in self.warnings
            ],
            columns=["indicator", "kind", "message", "regions", "years"],
        )


# --------------------------------------------------------------------------------------------
# pure pieces


def share_from_items(numerator: xr.DataArray, denominator: xr.DataArray) -> xr.DataArray:
    """External share as a ratio of inventory quantities.

    Parameters
    ----------
    numerator : Sum of the out-of-region quantities, e.g. inflow Q_in [m³] (any unit, the same
        as ``denominator``).
    denominator : Sum of all quantities of the basis, e.g. Q_in + Q_local [m³].

    Returns
    -------
    Share s [–] over the inputs' dims; NaN where the denominator is 0 or missing.

    Notes
    -----
    .. math:: s = \\frac{\\sum Q_{num}}{\\sum Q_{den}}

    A share outside [0, 1] (negative or inconsistent inputs) raises :class:`InputError`.
    """
    den = denominator.where(denominator != 0)
    share = numerator / den
    bad = (share < 0) | (share > 1)
    if bool(bad.any()):
        raise InputError(
            Problem(
                "inventory",
                f"out-of-region share outside [0, 1] for {_where(bad)} "
                "(check the numerator and denominator items)",
            )
        )
    return share.assign_attrs(units="dimensionless")


def deduct(gross: xr.DataArray, share: xr.DataArray) -> xr.Dataset:
    """Split gross value into out-of-region and net parts.

    Parameters
    ----------
    gross : Gross value V_gross [CNY].
    share : External share s [–], broadcastable against ``gross``; NaN where unknown.

    Returns
    -------
    Dataset with ``gross``, ``share``, ``out_of_region`` = V_gross·s and ``value`` =
    V_gross − V_out [CNY]. Where the share is unknown the deduction and the net value are NaN
    (never a silent zero).

    Notes
    -----
    .. math:: V_{out} = V_{gross} \\cdot s, \\qquad V = V_{gross} - V_{out}
    """
    share, gross_b = xr.broadcast(share, gross)
    out = gross_b * share
    net = gross_b - out
    return xr.Dataset(
        {
            "gross": gross_b.assign_attrs(units="CNY"),
            "share": share.assign_attrs(units="dimensionless"),
            "out_of_region": out.assign_attrs(units="CNY"),
            "value": net.assign_attrs(units="CNY"),
        }
    )


def _where(mask: xr.DataArray) -> str:
    parts = []
    for dim in ("region", "year"):
        if dim in mask.dims:
            other = [d for d in mask.dims if d != dim]
            hit = mask.any(other) if other else mask
            parts.append(f"{dim} {', '.join(str(v) for v in hit[dim].values[hit.values])}")
    return "; ".join(parts) or "all"


def _item_sum(data: xr.Dataset, names: Sequence[str]) -> xr.DataArray | None:
    """Sum of region-level items; NaN where any member is missing; None if one is absent."""
    if any(n not in data.data_vars for n in names):
        return None
    out = None
    for n in names:
        arr = data[n]
        out = arr if out is None else out + arr
    return out


# --------------------------------------------------------------------------------------------
# the ledger over a whole account


def ledger(
    gross: xr.DataArray,
    rules: Sequence,
    data: xr.Dataset | None = None,
    coefficients=None,
) -> LedgerResult:
    """Apply a profile's out-of-region rules to an account's gross values.

    Parameters
    ----------
    gross : Gross value over ``region, year, indicator`` (+ extra dims) [CNY].
    rules : :class:`gep.profiles.OutOfRegionRule` items (indicator, share basis, required).
    data : the inventory ``xarray.Dataset`` (needed for item-based shares).
    coefficients : the :class:`~gep.coefficients.CoefficientSet` (needed for coefficient shares).

    Returns
    -------
    :class:`LedgerResult`: ``gross``, ``share``, ``out_of_region``, ``value`` [CNY] and the
    warnings for required deductions whose share is 0, unsourced or not computable.

    Notes
    -----
    Indicators without a rule have share 0 (no deduction). GEP totals are sums of ``value``.
    """
    indicators = [str(i) for i in gross["indicator"].values]
    years = [int(y) for y in gross["year"].values]
    regions = [str(r) for r in gross["region"].values]
    share = xr.zeros_like(gross, dtype=float)
    warnings: list[LedgerWarning] = []
    bases: dict[str, str] = {}
    problems: list[Problem] = []
    for rule in rules:
        iid = rule.indicator
        if iid not in indicators:
            continue  # switched off in this run
        basis = rule.share
        bases[iid] = basis.describe()
        g = gross.sel(indicator=iid)
        if basis.kind == "coefficient":
            s, status_ok, sources = _coefficient_share(
                coefficients, basis.coefficient, years, regions, problems
            )
            if s is None:
                continue
            if rule.required and not status_ok:
                warnings.append(
                    LedgerWarning(
                        iid,
                        "unsourced",
                        f"{iid}：区域外扣除比例 {basis.coefficient} 尚无正式来源（{sources}）",
                        f"{iid}: out-of-region share {basis.coefficient} is not sourced "
                        f"({sources})",
                    )
                )
        else:
            if data is None:
                problems.append(
                    Problem("inventory", f"{iid}: item-based share needs the inventory")
                )
                continue
            num = _item_sum(data, basis.numerator)
            den = _item_sum(data, basis.denominator)
            if num is None or den is None:
                absent = [n for n in (*basis.denominator,) if n not in data.data_vars]
                s = xr.full_like(g, np.nan, dtype=float)
                warnings.append(
                    LedgerWarning(
                        iid,
                        "missing_inputs",
                        f"{iid}：清单缺少 {', '.join(absent)}，无法计算区域外扣除比例（净值记为未核"
                        "算）",
                        f"{iid}: the inventory has no {', '.join(absent)}; the out-of-region share "
                        "cannot be computed (net value not assessed)",
                        tuple(regions),
                        tuple(years),
                    )
                )
            else:
                try:
                    s = share_from_items(
                        num.sel(region=regions, year=years), den.sel(region=regions, year=years)
                    )
                except InputError as exc:
                    problems += [
                        Problem(p.file, f"{iid} ({basis.describe()}): {p.message}")
                        for p in exc.problems
                    ]
                    continue
                gap = s.isnull() & g.notnull()
                extra = [d for d in gap.dims if d not in ("region", "year")]
                if extra:
                    gap = gap.any(extra)
                if bool(gap.any()):
                    rs = tuple(str(r) for r in gap["region"].values[gap.any("year").values])
                    ys = tuple(int(y) for y in gap["year"].values[gap.any("region").values])
                    warnings.append(
                        LedgerWarning(
                            iid,
                            "missing_inputs",
                            f"{iid}：{'、'.join(rs)} 缺少 {basis.describe()} 的数据，净值记为未核"
                            "算",
                            f"{iid}: {', '.join(rs)} lack data for {basis.describe()}; "
                            "net value not assessed",
                            rs,
                            ys,
                        )
                    )
        s_b = xr.broadcast(s, g)[0]
        known = s_b.notnull()
        if rule.required and bool(known.any()) and bool((s_b.where(known, 0.0) == 0).all()):
            warnings.append(
                LedgerWarning(
                    iid,
                    "zero",
                    f"{iid}：本口径要求扣除区域外来源价值，但扣除比例为 0",
                    f"{iid}: the profile requires an out-of-region deduction but the share is 0",
                    tuple(regions),
                    tuple(years),
                )
            )
        share.loc[{"indicator": iid}] = s_b.transpose(*[d for d in g.dims]).values
    if problems:
        raise InputError(problems)
    return LedgerResult(ds=deduct(gross, share), warnings=warnings, bases=bases)


def _coefficient_share(coefficients, cid, years, regions, problems):
    if coefficients is None or cid not in coefficients:
        problems.append(
            Problem("coefficients", f"out-of-region share coefficient '{cid}' not found")
        )
        return None, False, ""
    coef = coefficients[cid]
    if coef.by == "region":
        arr = coefficients.array(cid, years, keys=regions, unit="dimensionless")
    elif coef.by is None:
        arr = coefficients.array(cid, years, unit="dimensionless")
    else:
        problems.append(
            Problem(coef.file or cid, f"a share may be by region or scalar, not by {coef.by}")
        )
        return None, False, ""
    bad = (arr < 0) | (arr > 1)
    if bool(bad.any()):
        problems.append(
            Problem(
                coef.file or cid, f"share '{cid}' outside [0, 1] in {_where(bad)}", field="values"
            )
        )
        return None, False, ""
    entries = coefficients.entries(cid, years)
    statuses = sorted({e.status for e in entries})
    ok = all(e.status in SOURCED_STATUSES and e.source for e in entries)
    return arr.assign_attrs(units="dimensionless"), ok, "status " + ", ".join(statuses)
