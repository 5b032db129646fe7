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


# --------------------------------------------------------------------------------------------
# the aggregate (city) perspective


def _region_sum(da: xr.DataArray, dims: list[str]) -> np.ndarray:
    """Sum over ``region`` as a numpy array over ``dims``; NaN where every region is NaN
    (``sum("region", min_count=1)`` without xarray's masked copies)."""
    a = np.asarray(da.transpose("region", *dims).values, dtype=float)
    nan = np.isnan(a)
    if not nan.any():
        return a.sum(0)
    out = np.where(nan, 0.0, a).sum(0)
    out[nan.all(0)] = np.nan
    return out


#: perspective of a city total: the city's own ledger, or the sum of county net values
CITY, COUNTIES = "city", "counties"


#: the value columns of a city-ledger frame (``AggregateLedger.frame``, ``Account.city_frame``)
#: the city ledger's money columns [CNY] (summed over indicators for the city totals)
CITY_MONEY_COLUMNS = (
    "gross",
    "out_of_region",
    "value",
    "county_out_of_region",
    "county_value",
    "internal_transfers",
)
#: the city frame's columns: the money columns with the deducted share after ``gross``
CITY_FRAME_COLUMNS = ("gross", "share", *CITY_MONEY_COLUMNS[1:])


@dataclass
class AggregateLedger:
    """The aggregate region's (city's) ledger over ``year, indicator`` (+ extra dims) [CNY].

    ``ds`` holds ``gross`` (Σ county gross), ``share`` (the city's own share; NaN where the
    city total falls back to the sum of counties), ``out_of_region`` (the city's deduction),
    ``value`` (city net = gross − out_of_region), ``county_out_of_region`` and
    ``county_value`` (Σ of the county-perspective deduction and net) and
    ``internal_transfers`` (= ``value`` − ``county_value``: county-perspective deductions
    of products that come from another county of the same city).
    """

    ds: xr.Dataset
    #: indicator → ``city`` (the city's own share) or ``counties`` (sum of county net values)
    perspectives: dict[str, str] = field(default_factory=dict)
    #: indicator → basis of the city share (e.g. "(inflow) / (inflow + local_runoff) of 610900")
    bases: dict[str, str] = field(default_factory=dict)
    warnings: list[LedgerWarning] = field(default_factory=list)

    @property
    def perspective(self) -> str:
        """``city`` when every deducted indicator uses the city's own share, else
        ``counties`` (some or all city totals are sums of county net values)."""
        return CITY if all(p == CITY for p in self.perspectives.values()) else COUNTIES

    @property
    def value(self) -> xr.DataArray:
        return self.ds["value"]

    def gep(self) -> xr.DataArray:
        """City GEP per year (+ extra dims) [CNY], city perspective."""
        return self.ds["value"].sum("indicator", min_count=1).assign_attrs(units="CNY")

    def county_gep(self) -> xr.DataArray:
        """Sum of county net GEP per year (+ extra dims) [CNY], county perspective."""
        return self.ds["county_value"].sum("indicator", min_count=1).assign_attrs(units="CNY")

    def to_frame(self) -> pd.DataFrame:
        """Tidy rows: year, indicator (+ extra dims), gross, share, out_of_region, value,
        county_out_of_region, county_value, internal_transfers [CNY], perspective, basis."""
        df = self.ds.drop_vars("category", errors="ignore").to_dataframe().reset_index()
        df["perspective"] = [self.perspectives.get(i, CITY) for i in df["indicator"]]
        df["basis"] = [self.bases.get(i, "") for i in df["indicator"]]
        keys = list(self.ds["gross"].dims)
        return df[[*keys, *CITY_FRAME_COLUMNS, "perspective", "basis"]]


def aggregate_ledger(
    county: xr.Dataset,
    rules: Sequence,
    basis: xr.Dataset,
    code: str,
    coefficients=None,
) -> AggregateLedger:
    """The city's own out-of-region ledger from the county ledger and the city's basis.

    Parameters
    ----------
    county : the county ledger (:attr:`LedgerResult.ds`): ``gross``, ``out_of_region``,
        ``value`` over ``region, year, indicator`` (+ extra dims) [CNY].
    rules : the profile's :class:`gep.profiles.OutOfRegionRule` items.
    basis : the aggregate region's items over ``year`` (e.g. ``inflow``, ``local_runoff``
        [m³] of the city; :mod:`gep.aggregate_basis`).
    code : the aggregate region's code (for labels).
    coefficients : the coefficient set (scalar share coefficients apply to the city as is).

    Returns
    -------
    :class:`AggregateLedger`. For an indicator with an item rule whose items the city basis
    gives for every year, the city share is computed from the city's items and applied to the
    sum of county gross values; a scalar coefficient share applies as is. Otherwise (items
    missing, a by-region coefficient) the city figure is the sum of county values, marked
    ``counties`` with a warning. Indicators without a rule deduct nothing.

    Notes
    -----
    .. math::

        G_{i} = \\sum_c G_{c,i}, \\qquad s_{i} = \\frac{\\sum Q_{num}}{\\sum Q_{den}}
        \\ (\\text{city items}), \\qquad V_i = G_i (1 - s_i)

        T_i = V_i - \\sum_c V_{c,i}
            = \\sum_c G_{c,i} s_{c,i} - G_i s_i \\ \\text{(all county shares known)}

    :math:`T_i` (``internal_transfers``) is the part of the county-perspective deductions
    that comes from another county of the same city: outside each county, inside the city.
    """
    gross_c = county["gross"]
    years = [int(y) for y in gross_c["year"].values]
    # city sums over the counties, as (year, indicator, ...) numpy arrays (small: no regions)
    dims = [
        "year",
        "indicator",
        *[d for d in gross_c.dims if d not in ("region", "year", "indicator")],
    ]
    g = _region_sum(gross_c, dims)
    out_c = _region_sum(county["out_of_region"], dims)
    net_c = _region_sum(county["value"], dims)
    coords = {
        k: c.variable
        for k, c in gross_c.coords.items()
        if "region" not in c.dims and set(c.dims) <= set(dims)
    }
    extra = (1,) * (g.ndim - 2)
    share = np.zeros(g.shape)
    out_city = np.where(np.isnan(g), np.nan, 0.0)
    perspectives: dict[str, str] = {}
    bases: dict[str, str] = {}
    warnings: list[LedgerWarning] = []
    problems: list[Problem] = []
    indicators = [str(i) for i in gross_c["indicator"].values]
    fallback: list[int] = []
    for rule in rules:
        iid = rule.indicator
        if iid not in indicators:
            continue
        k = indicators.index(iid)
        b = rule.share
        s = None
        why = ""
        if b.kind == "coefficient":
            coef = (
                coefficients[b.coefficient]
                if coefficients is not None and b.coefficient in coefficients
                else None
            )
            if coef is not None and coef.by is None:
                arr = coefficients.array(b.coefficient, years, unit="dimensionless")
                s = np.broadcast_to(np.asarray(arr.values, dtype=float), (len(years),))
                bases[iid] = f"{b.describe()} (the same share for {code})"
            else:
                why = f"share {b.coefficient} is given per county, not for {code}"
        else:
            names = [*dict.fromkeys([*b.numerator, *b.denominator])]
            absent = [n for n in names if n not in basis.data_vars]
            if absent:
                why = f"the aggregate basis has no {', '.join(absent)}"
            else:
                num = sum(basis[n].sel(year=years).values for n in b.numerator)
                den = sum(basis[n].sel(year=years).values for n in b.denominator)
                with np.errstate(divide="ignore", invalid="ignore"):
                    s = np.where(den != 0, num / np.where(den != 0, den, 1.0), np.nan)
                bad = [y for y, v in zip(years, s, strict=True) if v < 0 or v > 1]
                if bad:
                    problems.append(
                        Problem(
                            "inventory",
                            f"{iid} ({code}, {b.describe()}): out-of-region share outside "
                            f"[0, 1] for year {', '.join(map(str, bad))}",
                        )
                    )
                    continue
                gap = [y for y, v in zip(years, s, strict=True) if np.isnan(v)]
                if gap:
                    why = f"the aggregate basis lacks {b.describe()} for {', '.join(map(str, gap))}"
                    s = None
                else:
                    bases[iid] = f"{b.describe()} of {code}"
        if s is None:
            perspectives[iid] = COUNTIES
            fallback.append(k)
            warnings.append(
                LedgerWarning(
                    iid,
                    "aggregate_fallback",
                    f"{iid}：{code} 的全市扣除无法按全市口径计算（{why}），全市合计取各县净值之和",
                    f"{iid}: the city deduction of {code} cannot be computed in the city "
                    f"perspective ({why}); the city total is the sum of county net values",
                    (code,),
                    tuple(years),
                )
            )
            continue
        perspectives[iid] = CITY
        s_b = np.broadcast_to(s.reshape((len(years), *extra)), g[:, k].shape)
        share[:, k] = s_b
        out_city[:, k] = g[:, k] * s_b
    if problems:
        raise InputError(problems)
    value = g - out_city
    for k in fallback:  # the sum of county values, as without a city basis
        share[:, k] = np.nan
        out_city[:, k] = out_c[:, k]
        value[:, k] = net_c[:, k]

    def arr(x, units):
        return xr.DataArray(x, dims=dims, coords=coords, attrs={"units": units})

    ds = xr.Dataset(
        {
            "gross": arr(g, "CNY"),
            "share": arr(share, "dimensionless"),
            "out_of_region": arr(out_city, "CNY"),
            "value": arr(value, "CNY"),
            "county_out_of_region": arr(out_c, "CNY"),
            "county_value": arr(net_c, "CNY"),
            "internal_transfers": arr(value - net_c, "CNY"),
        }
    )
    return AggregateLedger(ds=ds, perspectives=perspectives, bases=bases, warnings=warnings)
