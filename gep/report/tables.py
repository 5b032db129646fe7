"""The tables every report shows, as pandas frames with raw numbers (no Streamlit, no files).

* :func:`json_payload` — the ``gep account --format json`` object (values in CNY);
* :func:`summary_frame` — county × year GEP by category (CLI table);
* :func:`headline` — one region's (or the city's) summary figures for a year;
* :func:`county_table` — the accounting table 指标 · 实物量 · 单位 · 价格 · 价值 · 占比;
* :func:`coefficient_table` — every coefficient the account read, with source and status;
* :func:`data_status` — how much of a region-year's inventory is illustrative.

Units are words from :func:`gep.report.labels.unit_label`; money columns are in CNY unless a
``unit`` (``CNY``, ``wan_CNY``, ``yi_CNY``) is given.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..accounting import Account
from ..errors import InputError, Problem
from ..indicators import CATEGORIES
from .labels import reason_label, status_label, unit_label

#: money display units for officials
MONEY_UNITS = {"CNY": 1.0, "wan_CNY": 1e4, "yi_CNY": 1e8}
MONEY_LABELS = {"CNY": ("元", "CNY"), "wan_CNY": ("万元", "10⁴ CNY"), "yi_CNY": ("亿元", "10⁸ CNY")}


def _zh(lang: str) -> bool:
    return lang == "zh"


def money_label(unit: str, lang: str = "zh") -> str:
    return MONEY_LABELS[unit][0 if _zh(lang) else 1]


def category_name(cat: str, lang: str = "zh") -> str:
    zh, en = CATEGORIES.get(cat, (cat, cat))
    return zh if _zh(lang) else en


def _clean(v):
    if v is None:
        return None
    if isinstance(v, float | np.floating):
        return None if math.isnan(v) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


def check_year(acc: Account, year: int | None) -> int:
    """The accounting year to report (default: the latest); an error naming the years held."""
    if year is None:
        return int(acc.years[-1])
    if int(year) not in acc.years:
        have = ", ".join(str(y) for y in acc.years)
        raise InputError(
            Problem("--year", f"没有 {year} 年的数据（数据集包含 {have} 年） / no data for {year}")
        )
    return int(year)


def check_region(acc: Account, region: str | None) -> str | None:
    """The region to report (None = every county); an error listing the known codes."""
    if region is None:
        return None
    region = str(region)
    if region not in acc.regions:
        have = ", ".join(f"{r} {acc.region_name(r)}" for r in acc.regions)
        raise InputError(
            Problem("--region", f"区县代码 {region} 不在数据集中（可选：{have}） / unknown region")
        )
    return region


# -------------------------------------------------------------------------------- JSON / CLI


def json_payload(acc: Account, lang: str = "zh") -> dict:
    """The `gep account --format json` object (values in CNY, null where not assessed)."""
    df = acc.to_frame(lang)
    rows = []
    cols = [
        "region",
        "region_name",
        "year",
        "indicator",
        "category",
        "physical",
        "physical_unit",
        "gross",
        "out_of_region",
        "value",
        "route",
        "quantity_source",
    ]
    extra = [c for c in df.columns if c not in cols and c != "indicator_name"]
    for rec in df[extra + cols].itertuples(index=False):
        d = {k: _clean(v) for k, v in zip(extra + cols, rec, strict=True)}
        d["year"] = int(d["year"])
        rows.append(d)
    prov = acc.provenance()
    out = {
        "profile": acc.profile,
        "dataset": prov.get("dataset", {"name": None, "hash": None}),
        "coefficients": {"name": acc.coefficients.name, "hash": acc.coefficients.hash},
        "rows": rows,
    }
    if "quantities" in prov:
        out["quantities"] = prov["quantities"]
    out["not_assessed"] = acc.not_assessed
    out["overrides"] = prov["coefficients"]["overrides"]
    out["options"] = acc.options
    # out-of-region ledger: basis per deducted indicator and warnings for required
    # deductions whose share is 0, unsourced or not computable (gep.ledger)
    out["out_of_region_basis"] = dict(acc.ledger_bases)
    out["warnings"] = list(acc.warnings)
    # the city total and its perspective (city's own ledger basis, or sum of counties)
    out["city"] = city_payload(acc, lang)
    if "aggregate_basis" in prov:
        out["aggregate_basis"] = prov["aggregate_basis"]
    return out


def city_payload(acc: Account, lang: str = "zh") -> dict:
    """The city total of ``acc`` with its perspective (the ``city`` key of the JSON export).

    Keys: ``region`` (aggregate code or None), ``region_name``, ``perspective`` (``city`` |
    ``counties`` | ``none``), ``note`` (one sentence in ``lang``), ``rows`` (per year ×
    indicator: ``gross``, ``share``, ``out_of_region``, ``value``, ``county_out_of_region``,
    ``county_value``, ``internal_transfers`` [CNY], ``perspective``, ``basis``) and
    ``totals`` (per year: the same money columns summed over indicators) [CNY].
    ``value`` = ``county_value`` + ``internal_transfers``: the reconciling difference is the
    part of the county-perspective deductions that comes from other counties of the city.
    """
    from ..ledger import CITY_MONEY_COLUMNS
    from .labels import perspective_note

    cf = acc.city_frame()
    money = list(CITY_MONEY_COLUMNS)
    rows = []
    for rec in cf.to_dict("records"):
        d = {k: _clean(v) for k, v in rec.items()}
        d["year"] = int(d["year"])
        rows.append(d)
    keys = [c for c in cf.columns if c not in (*money, "share", "perspective", "basis")]
    keys = [k for k in keys if k != "indicator"]
    tot = cf.groupby(keys, sort=True)[money].sum(min_count=1).reset_index()
    totals = []
    for rec in tot.to_dict("records"):
        d = {k: _clean(v) for k, v in rec.items()}
        d["year"] = int(d["year"])
        totals.append(d)
    code = getattr(acc.aggregate_basis, "code", None) or (
        acc.dataset.top_region if acc.dataset is not None else None
    )
    return {
        "region": code,
        "region_name": acc.region_name(code, lang) if code else None,
        "perspective": acc.city_perspective,
        "note": perspective_note(acc, lang),
        "rows": rows,
        "totals": totals,
    }


def ledger_frame(acc: Account, lang: str = "zh") -> pd.DataFrame:
    """Gross → out-of-region deduction → net [CNY] of every deducted indicator, with the
    basis of its share (one row per region × year × indicator; empty without deductions)."""
    cols = ["region", "region_name", "year", "indicator", "gross", "out_of_region", "value"]
    ids = list(acc.ledger_bases)
    if not ids:
        return pd.DataFrame(columns=[*cols, "basis"])
    df = acc.to_frame(lang)
    df = df[df["indicator"].isin(ids)][cols].copy()
    df["basis"] = [acc.ledger_bases[i] for i in df["indicator"]]
    return df.reset_index(drop=True)


def summary_frame(acc: Account, unit: str = "wan_CNY", lang: str = "zh") -> pd.DataFrame:
    """County × year table of GEP by category and total, plus the all-region total, in ``unit``."""
    scale = MONEY_UNITS[unit]
    cat = acc.by_category().to_dataframe(name="value").reset_index()
    wide = cat.pivot_table(
        index=["region", "year"], columns="category", values="value", aggfunc="sum"
    )
    wide = wide[[c for c in CATEGORIES if c in wide.columns]]
    wide["gep"] = acc.gep().to_pandas().stack().reindex(wide.index)
    wide = wide.reset_index()
    totals = wide.groupby("year").sum(numeric_only=True, min_count=1).reset_index()
    city = acc.city_ledger
    if city is not None:  # the city's own ledger: the total row in the city perspective
        cv = city.value.groupby("category").sum(min_count=1)
        for c in [c for c in CATEGORIES if c in totals.columns]:
            totals[c] = [float(cv.sel(category=c, year=int(y))) for y in totals["year"]]
        totals["gep"] = [float(city.gep().sel(year=int(y))) for y in totals["year"]]
    top = acc.dataset.top_region if acc.dataset is not None else None
    totals["region"] = top or "total"
    wide = pd.concat([wide, totals[wide.columns]], ignore_index=True)
    wide["region_name"] = [
        acc.region_name(r, lang) if r != "total" else ("合计" if _zh(lang) else "Total")
        for r in wide["region"]
    ]
    value_cols = [c for c in wide.columns if c not in ("region", "year", "region_name")]
    wide[value_cols] = wide[value_cols] / scale
    names = {c: category_name(c, lang) for c in CATEGORIES}
    names["gep"] = "GEP"
    label = money_label(unit, lang)
    wide = wide.rename(columns={c: f"{names.get(c, c)} ({label})" for c in value_cols})
    return wide[
        [
            "region",
            "region_name",
            "year",
            *[c for c in wide.columns if c not in ("region", "region_name", "year")],
        ]
    ]


# -------------------------------------------------------------------------------- headline


def _finite(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def headline(acc: Account, region: str | None, year: int) -> dict:
    """Summary figures of one region (None = all regions together) in ``year``.

    Keys: ``gep`` [CNY], ``categories`` {category: CNY}, ``per_km2`` [CNY/km²],
    ``per_capita`` [CNY/person], ``ratio`` (GEP/GDP) [–], ``growth`` (at comparable prices,
    ``None`` in the first year) [–], ``rank`` and ``n`` (by GEP among the regions), ``share``
    of the all-region total [–], ``average`` county GEP [CNY], ``base_year``, and
    ``perspective`` of the total (``region`` for a county; for all regions ``city``,
    ``counties`` or ``none``, see :attr:`~gep.accounting.Account.city_perspective`). In the
    city perspective also ``county_sum`` (sum of county net GEP) [CNY] and
    ``internal_transfers`` (= ``gep`` − ``county_sum``) [CNY].
    """
    years = acc.years
    gep = acc.gep()
    bc = acc.by_category().sel(year=year)
    out: dict = {"year": year, "region": region, "base_year": acc.base_year}
    city = acc.city_ledger
    out["perspective"] = acc.city_perspective if region is None else "region"
    if region is None and city is not None:
        # the city's own ledger basis: the city perspective (gep.ledger.aggregate_ledger)
        g = city.gep().sel(year=year)
        cv = city.value.sel(year=year).groupby("category").sum(min_count=1)
        out["categories"] = {str(c): _finite(cv.sel(category=c)) for c in bc["category"].values}
        out["county_sum"] = _finite(acc.county_sum_gep().sel(year=year))
        out["internal_transfers"] = _finite(
            city.ds["internal_transfers"].sel(year=year).sum(min_count=1)
        )
    elif region is None:
        g = gep.sel(year=year).sum(min_count=1)
        out["categories"] = {
            str(c): _finite(bc.sel(category=c).sum(min_count=1)) for c in bc["category"].values
        }
    if region is None:
        try:
            area = float(acc.land_area_km2().sum())
        except InputError:
            area = math.nan
        pop, gdp = acc.inventory_item("population"), acc.inventory_item("gdp")
        out["per_capita"] = (
            _finite(g / pop.sel(year=year).sum(min_count=1)) if pop is not None else None
        )
        out["ratio"] = _finite(g / gdp.sel(year=year).sum(min_count=1)) if gdp is not None else None
        out["per_km2"] = _finite(g / area) if area else None
        out["rank"], out["n"], out["share"] = None, len(acc.regions), 1.0
        if city is not None:
            series = (city.value * acc.deflators()).sum("indicator", min_count=1)
        else:
            series = acc.comparable().sum(["region", "indicator"], min_count=1)
    else:
        g = gep.sel(region=region, year=year)
        out["categories"] = {
            str(c): _finite(bc.sel(category=c, region=region)) for c in bc["category"].values
        }
        out["per_km2"] = _finite(acc.per_km2().sel(region=region, year=year))
        out["per_capita"] = _finite(acc.per_capita().sel(region=region, year=year))
        out["ratio"] = _finite(acc.gep_gdp_ratio().sel(region=region, year=year))
        ranked = gep.sel(year=year).to_pandas().rank(ascending=False, method="min")
        out["rank"] = int(ranked[region]) if math.isfinite(ranked[region]) else None
        out["n"] = len(acc.regions)
        total = float(gep.sel(year=year).sum(min_count=1))
        out["share"] = _finite(float(g) / total) if total else None
        series = acc.comparable().sel(region=region).sum("indicator", min_count=1)
    out["gep"] = _finite(g)
    out["average"] = _finite(gep.sel(year=year).mean("region"))
    i = years.index(year)
    if i > 0:
        prev, cur = float(series.sel(year=years[i - 1])), float(series.sel(year=year))
        out["growth"] = _finite(cur / prev - 1.0) if prev else None
        out["previous_year"] = years[i - 1]
    else:
        out["growth"], out["previous_year"] = None, None
    return out


def rank_history(acc: Account, region: str) -> pd.DataFrame:
    """Rank by GEP (1 = highest) of ``region`` in every year, with its GEP [CNY] and share."""
    gep = acc.gep().to_pandas()  # region × year
    ranks = gep.rank(axis=0, ascending=False, method="min")
    total = gep.sum(axis=0, min_count=1)
    return pd.DataFrame(
        {
            "year": [int(y) for y in gep.columns],
            "rank": ranks.loc[region].to_numpy(),
            "gep": gep.loc[region].to_numpy(),
            "share": (gep.loc[region] / total).to_numpy(),
        }
    )


# -------------------------------------------------------------------------------- accounting table


def _quantity_source(acc: Account, indicator: str, region: str | None, year: int, lang: str) -> str:
    """ "公式计算" / "formula", or "外部提供: <source>" for a quantity supplied in
    quantities.csv."""
    regions = [region] if region is not None else acc.regions
    rows = [q for r in regions for q in acc.quantity_rows(indicator, r, year)]
    if not rows:
        return "公式计算" if _zh(lang) else "formula"
    sources = "; ".join(
        dict.fromkeys(
            (f"{q['component']}: " if q["component"] else "") + str(q["source"]) for q in rows
        )
    )
    return ("外部提供: " if _zh(lang) else "supplied: ") + sources


def county_table(
    acc: Account, region: str | None, year: int, lang: str = "zh", unit: str = "wan_CNY"
) -> pd.DataFrame:
    """The accounting table of one region (None = all regions together) in ``year``.

    Columns: ``category``, ``category_id``, ``indicator``, ``indicator_id``, ``physical`` with
    ``physical_unit`` (words), ``price`` with ``price_unit`` and ``price_basis`` (the
    coefficient, or the average unit value = value ÷ quantity when the indicator prices
    several components), ``value`` in ``unit``, ``share`` of GEP [–], ``method``, ``status``
    (assessed or the not-assessed reason), ``quantity_source`` (formula, or the supplied
    quantities' sources).
    """
    scale = MONEY_UNITS[unit]
    sel = {"year": year} if region is None else {"year": year, "region": region}
    reduce = ["region"] if region is None else []
    # all regions: the city total in its perspective (sum of counties without a city basis)
    value_all = acc.city_value().sel(year=year) if reduce else acc.value.sel(sel)
    total = float(value_all.sum(min_count=1))
    reasons = {}
    for n in acc.not_assessed:
        if n.get("region") in (None, region):
            reasons[n["indicator"]] = reason_label(n["reason"], lang)
    rows = []
    for ind in acc.indicators:
        value = float(value_all.sel(indicator=ind.id))
        phys_da = acc.physical(ind.id).sel(sel)
        if reduce:
            phys_da = phys_da.sum(reduce, min_count=1)
        phys = float(phys_da)
        price, basis = math.nan, ""
        p = acc.prices.get(ind.id)
        if p is not None and set(p.dims) <= {"year", "region"} and "region" not in p.dims:
            price = float(p.sel(year=year)) if "year" in p.dims else float(p)
            price_unit = unit_label(p.attrs.get("units", ""), lang)
            basis = "系数" if _zh(lang) else "coefficient"
        elif p is not None and region is not None and set(p.dims) <= {"year", "region"}:
            price = float(p.sel({d: v for d, v in sel.items() if d in p.dims}))
            price_unit = unit_label(p.attrs.get("units", ""), lang)
            basis = "系数" if _zh(lang) else "coefficient"
        else:
            price_unit = unit_label(f"CNY / ({ind.physical_unit})", lang)
            if math.isfinite(phys) and phys and math.isfinite(value):
                price = value / phys
                basis = "综合单价（价值量÷实物量）" if _zh(lang) else "average (value ÷ quantity)"
        assessed = math.isfinite(value)
        rows.append(
            {
                "category_id": ind.category,
                "category": category_name(ind.category, lang),
                "indicator_id": ind.id,
                "indicator": ind.label(lang),
                "physical": phys if math.isfinite(phys) else math.nan,
                "physical_unit": unit_label(ind.physical_unit, lang),
                "price": price,
                "price_unit": price_unit,
                "price_basis": basis,
                "value": value / scale if assessed else math.nan,
                "share": value / total if (assessed and total) else math.nan,
                "method": ind.method_zh if _zh(lang) else ind.method,
                "quantity_source": _quantity_source(acc, ind.id, region, year, lang),
                "status": ("已核算" if _zh(lang) else "assessed")
                if assessed
                else (reasons.get(ind.id) or ("未核算" if _zh(lang) else "not assessed")),
            }
        )
    return pd.DataFrame(rows)


COUNTY_TABLE_HEADERS = {
    "category": ("类别", "Category"),
    "indicator": ("指标", "Indicator"),
    "physical": ("实物量", "Physical quantity"),
    "physical_unit": ("单位", "Unit"),
    "price": ("价格", "Price"),
    "price_unit": ("价格单位", "Price unit"),
    "price_basis": ("价格口径", "Price basis"),
    "value": ("价值量（{u}）", "Value ({u})"),
    "share": ("占比", "Share"),
    "method": ("核算方法", "Method"),
    "status": ("核算状态", "Status"),
}


def header(key: str, lang: str, **kw) -> str:
    zh, en = COUNTY_TABLE_HEADERS[key]
    return (zh if _zh(lang) else en).format(**kw)


# -------------------------------------------------------------------------------- coefficients


def coefficient_table(acc: Account, year: int, lang: str = "zh") -> pd.DataFrame:
    """Every coefficient the account read (and the price indices), resolved for ``year``.

    Columns (raw keys): ``id``, ``name``, ``value`` (number, or ``key: value; …`` text for
    tables), ``unit`` (words), ``price_year``, ``status`` (words), ``source``, ``issuer``,
    ``source_year``, ``clause``, ``link``, ``note``, ``set``, ``overridden``.
    """
    records = {r["id"]: r for r in acc.coefficients.records(year)}
    # the coefficients the evaluation actually read (its trace), not the declared patterns
    used = {cid for t in acc.trace.values() for cid, _ in t.coefficients if cid in records}
    used |= {cid for cid in records if cid.startswith("price_index.")}
    rows = []
    for cid in sorted(used):
        r = records[cid]
        src = r["source"] or {}
        value = r["value"]
        if isinstance(value, dict):
            value = "；".join(f"{k}: {v:.4g}" for k, v in value.items())
        desc = r.get("description") or {}
        rows.append(
            {
                "id": cid,
                "name": desc.get("zh" if _zh(lang) else "en") or cid,
                "value": value,
                "unit": unit_label(r["unit"], lang),
                "price_year": r["price_year"],
                "status": status_label(r["status"], lang),
                "status_id": r["status"],
                "source": src.get("title", ""),
                "issuer": src.get("issuer", ""),
                "source_year": src.get("year", ""),
                "clause": src.get("clause", ""),
                "link": src.get("link", ""),
                "note": r.get("note") or "",
                "set": r["set"],
                "overridden": bool(r["overridden"]),
            }
        )
    return pd.DataFrame(rows)


COEFFICIENT_HEADERS = {
    "name": ("系数", "Coefficient"),
    "id": ("系数代码", "Id"),
    "value": ("取值", "Value"),
    "unit": ("单位", "Unit"),
    "price_year": ("价格年份", "Price year"),
    "status": ("状态", "Status"),
    "source": ("来源", "Source"),
    "issuer": ("发布机构", "Issuer"),
    "source_year": ("来源年份", "Source year"),
    "clause": ("条款/表", "Clause / table"),
    "link": ("链接", "Link"),
    "note": ("说明", "Note"),
    "set": ("系数集", "Set"),
    "overridden": ("已覆盖", "Overridden"),
}


# -------------------------------------------------------------------------------- data status


def data_status(acc: Account, region: str | None, year: int) -> dict:
    """Inventory rows behind ``region`` (None = all) in ``year``: counts and illustrative share.

    ``illustrative`` counts rows whose ``source`` starts with ``illustrative``; the items
    holding them are listed in ``illustrative_items``.
    """
    if acc.dataset is None:
        return {"rows": 0, "illustrative": 0, "share": None, "illustrative_items": []}
    tab = acc.dataset.table
    mask = tab["year"].astype(int) == int(year)
    if region is not None:
        mask &= tab["region"].astype(str) == str(region)
    sub = tab[mask]
    illus = sub["source"].astype(str).str.strip().str.lower().str.startswith("illustrative")
    n, k = len(sub), int(illus.sum())
    return {
        "rows": n,
        "illustrative": k,
        "share": (k / n) if n else None,
        "illustrative_items": sorted(set(sub.loc[illus, "item"].astype(str))),
    }
