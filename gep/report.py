"""Exports: tidy rows (JSON/CSV contract) and the Excel report in GEP-table layout.

Nothing here computes GEP; it lays out an :class:`~gep.accounting.Account`.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

from .accounting import Account
from .indicators import CATEGORIES

#: money display units for officials
MONEY_UNITS = {"CNY": 1.0, "wan_CNY": 1e4, "yi_CNY": 1e8}
MONEY_LABELS = {"CNY": ("元", "CNY"), "wan_CNY": ("万元", "10⁴ CNY"), "yi_CNY": ("亿元", "10⁸ CNY")}


def _clean(v):
    if v is None:
        return None
    if isinstance(v, float | np.floating):
        return None if math.isnan(v) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


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
    return out


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
    top = acc.dataset.top_region if acc.dataset is not None else None
    totals["region"] = top or "total"
    wide = pd.concat([wide, totals[wide.columns]], ignore_index=True)
    wide["region_name"] = [
        acc.region_name(r, lang) if r != "total" else ("合计" if lang == "zh" else "Total")
        for r in wide["region"]
    ]
    value_cols = [c for c in wide.columns if c not in ("region", "year", "region_name")]
    wide[value_cols] = wide[value_cols] / scale
    names = {c: (CATEGORIES[c][0] if lang == "zh" else CATEGORIES[c][1]) for c in CATEGORIES}
    names["gep"] = "GEP"
    label = MONEY_LABELS[unit][0 if lang == "zh" else 1]
    wide = wide.rename(columns={c: f"{names.get(c, c)} ({label})" for c in value_cols})
    return wide[
        [
            "region",
            "region_name",
            "year",
            *[c for c in wide.columns if c not in ("region", "region_name", "year")],
        ]
    ]


def _quantity_source(acc: Account, indicator: str, region: str, year: int, lang: str) -> str:
    """ "公式" / "formula", or "外部: <source>" for a quantity supplied in quantities.csv."""
    rows = acc.quantity_rows(indicator, region, year) if hasattr(acc, "quantity_rows") else []
    if not rows:
        return "公式计算" if lang == "zh" else "formula"
    sources = "; ".join(
        (f"{r['component']}: " if r["component"] else "") + str(r["source"]) for r in rows
    )
    return ("外部提供: " if lang == "zh" else "supplied: ") + sources


def county_table(
    acc: Account, region: str, year: int, lang: str = "zh", unit: str = "wan_CNY"
) -> pd.DataFrame:
    """GEP accounting table of one region: indicator, physical quantity, unit, price, value, share."""
    scale = MONEY_UNITS[unit]
    label = MONEY_LABELS[unit][0 if lang == "zh" else 1]
    rows = []
    total = float(acc.gep().sel(region=region, year=year))
    for ind in acc.indicators:
        value = float(acc.value.sel(region=region, year=year, indicator=ind.id))
        phys = float(acc.physical(ind.id).sel(region=region, year=year))
        price = acc.prices.get(ind.id)
        if price is not None and "region" not in price.dims:
            p = float(price.sel(year=year)) if "year" in price.dims else float(price)
            price_text = f"{p:,.4g} {price.attrs.get('units', '')}"
        elif phys and not math.isnan(phys) and not math.isnan(value):
            price_text = f"{value / phys:,.4g} CNY/{ind.physical_unit} (implied)"
        else:
            price_text = ""
        cat = CATEGORIES[ind.category][0 if lang == "zh" else 1]
        rows.append(
            {
                ("类别" if lang == "zh" else "Category"): cat,
                ("指标" if lang == "zh" else "Indicator"): ind.label(lang),
                "id": ind.id,
                ("实物量" if lang == "zh" else "Physical quantity"): None
                if math.isnan(phys)
                else phys,
                ("单位" if lang == "zh" else "Unit"): ind.physical_unit,
                ("价格" if lang == "zh" else "Price"): price_text,
                (f"价值量 ({label})" if lang == "zh" else f"Value ({label})"): None
                if math.isnan(value)
                else value / scale,
                ("占比" if lang == "zh" else "Share"): None
                if (math.isnan(value) or not total)
                else value / total,
                ("方法" if lang == "zh" else "Method"): ind.method_zh
                if lang == "zh"
                else ind.method,
                ("功能量来源" if lang == "zh" else "Quantity source"): _quantity_source(
                    acc, ind.id, region, year, lang
                ),
            }
        )
    return pd.DataFrame(rows)


def coefficient_table(acc: Account, year: int) -> pd.DataFrame:
    """Every coefficient the account used, resolved for ``year``, with its source."""
    records = {r["id"]: r for r in acc.coefficients.records(year)}
    # the coefficients the evaluation actually read (its trace), not the declared patterns
    used = {cid for t in acc.trace.values() for cid, _ in t.coefficients if cid in records}
    for cid in list(records):
        if cid.startswith("price_index."):
            used.add(cid)
    rows = []
    for cid in sorted(used):
        r = records[cid]
        src = r["source"] or {}
        value = r["value"]
        if isinstance(value, dict):
            value = "; ".join(f"{k}: {v:g}" for k, v in value.items())
        rows.append(
            {
                "id": cid,
                "value": value,
                "unit": r["unit"],
                "price_year": r["price_year"],
                "source_price_year": r["source_price_year"],
                "status": r["status"],
                "source": src.get("title", ""),
                "issuer": src.get("issuer", ""),
                "year": src.get("year", ""),
                "clause": src.get("clause", ""),
                "link": src.get("link", ""),
                "note": r.get("note") or "",
                "set": r["set"],
                "overridden": r["overridden"],
            }
        )
    return pd.DataFrame(rows)


def write_xlsx(
    acc: Account, out: str | Path | io.BytesIO, lang: str = "zh", year: int | None = None
) -> None:
    """Excel report: summary, one sheet per county (GEP table), coefficients, provenance."""
    year = int(year if year is not None else acc.years[-1])
    with pd.ExcelWriter(out, engine="openpyxl") as xw:
        summary_frame(acc, lang=lang).to_excel(xw, sheet_name="汇总 Summary", index=False)
        for region in acc.regions:
            name = acc.region_name(region, lang)
            sheet = f"{region} {name}"[:31]
            county_table(acc, region, year, lang).to_excel(xw, sheet_name=sheet, index=False)
        coefficient_table(acc, year).to_excel(xw, sheet_name="系数 Coefficients", index=False)
        prov = acc.provenance()
        prov_rows = [
            ("profile", acc.profile),
            ("accounting year of county sheets", year),
            ("coefficients", acc.coefficients.name),
            ("coefficients hash", acc.coefficients.hash),
            ("coefficient chain", " → ".join(prov["coefficients"]["chain"])),
            ("overrides", "; ".join(prov["coefficients"]["overrides"]) or "none"),
            ("options", str(acc.options)),
        ]
        if "dataset" in prov:
            prov_rows += [
                ("dataset", prov["dataset"]["name"]),
                ("dataset hash", prov["dataset"]["hash"]),
            ]
        for n in acc.not_assessed:
            prov_rows.append(
                (
                    "not assessed",
                    f"{n['indicator']} {n.get('region') or 'all regions'}: {n['reason']}",
                )
            )
        pd.DataFrame(prov_rows, columns=["item", "value"]).to_excel(
            xw, sheet_name="来源 Provenance", index=False
        )
        acc.to_frame(lang).to_excel(xw, sheet_name="明细 Rows", index=False)
