"""One number's explanation (:func:`gep.explain.explain`) in words, for people.

The dashboard's county page ("查看计算过程") and any other view of an explanation read these
helpers so the same number is told the same way everywhere: item, ecosystem and coefficient
names instead of ids, units in words, statuses in words, the price-index factor as
"× 1.1336（建设工程价格指数 2017→2024）", and which rows behind the number are illustrative.

Pure functions (no Streamlit, no files): an explanation dict and the account in, pandas
frames and strings out.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from ..catalog import ecosystem_catalog
from .labels import (
    ecosystem_label,
    item_label,
    member_label,
    species_label,
    status_label,
    unit_label,
)

_KEYED = re.compile(r"^(?P<item>[^\[@ ]+)(?:\[(?P<key>[^\]]+)\])?(?: @(?P<year>\d{4}))?$")


def _zh(lang: str) -> bool:
    return lang == "zh"


def _t(lang: str, zh: str, en: str) -> str:
    return zh if _zh(lang) else en


def key_label(key: str, lang: str = "zh") -> str:
    """An ecosystem code, species group or family member in words (the key when unknown)."""
    if key in ecosystem_catalog():
        return ecosystem_label(key, lang)
    sp = species_label(key, lang)
    if sp != key:
        return sp
    return member_label(key, lang)


def input_label(label: str, lang: str = "zh") -> str:
    """An explanation input (``area[forest.broadleaf]``, ``runoff @2023``) in words."""
    m = _KEYED.match(label)
    if m is None:
        return label
    text = item_label(m["item"], lang)
    if m["key"]:
        k = key_label(m["key"], lang)
        text += f"（{k}）" if _zh(lang) else f" ({k})"
    if m["year"]:
        text += f"，{m['year']}年" if _zh(lang) else f", {m['year']}"
    return text


def component_label(acc, indicator: str, component: str, lang: str = "zh") -> str:
    """A component of ``indicator`` in words (declared names, then ecosystems, then items)."""
    from ..indicators.base import concrete_components

    ind = acc.indicator(indicator)
    for comp in ind.components:
        if comp.id == component:
            return comp.zh if _zh(lang) else comp.en
    comp = concrete_components(ind).get(component)
    if comp is not None:
        return comp.zh if _zh(lang) else comp.en
    return key_label(component, lang)


def coefficient_label(acc, cid: str, lang: str = "zh") -> str:
    """A coefficient (``id`` or ``id[key]``) by its description, the key in words."""
    m = re.match(r"^(?P<id>[^\[]+)(?:\[(?P<key>[^\]]+)\])?$", cid)
    base, key = (m["id"], m["key"]) if m else (cid, None)
    desc = {}
    if base in acc.coefficients:
        desc = acc.coefficients[base].description or {}
    name = desc.get("zh" if _zh(lang) else "en") or desc.get("zh") or base
    if key:
        k = key_label(key, lang)
        name += f"（{k}）" if _zh(lang) else f" ({k})"
    return name


def number(v, digits: int = 4) -> str:
    """Grouped digits, at most ``digits`` significant decimals; "—" for none."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "—"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.2f}"
    if a >= 1:
        return f"{v:,.{digits}f}".rstrip("0").rstrip(".")
    return f"{v:.{digits}g}"


def source_text(source, lang: str = "zh") -> str:
    """A coefficient source record (mapping) or an inventory source text, as one line (in
    English, a Chinese title is followed by its English gloss or title)."""
    if isinstance(source, dict):
        from .glosses import source_title

        title = source_title(source, lang)
        parts = [source.get("issuer"), title, source.get("year"), source.get("clause")]
        return "，".join(str(p) for p in parts if p not in (None, ""))
    return str(source or "")


def index_text(acc, row: dict, year: int, lang: str = "zh") -> str:
    """The price-index factor of a coefficient row: ``× 1.1336（建设工程价格指数 2017→2024）``."""
    f = row.get("index_factor")
    if f is None:
        return _t(lang, "不换算", "none")
    pid = row.get("price_index") or ""
    name = pid
    if pid in acc.coefficients:
        desc = acc.coefficients[pid].description or {}
        name = desc.get("zh" if _zh(lang) else "en") or pid
    return (
        f"× {f:.4f}（{name} {row['price_year']}→{year}）"
        if _zh(lang)
        else (f"× {f:.4f} ({name} {row['price_year']}→{year})")
    )


def route_text(ex: dict, lang: str = "zh") -> str:
    """Where the physical quantity came from: the formula, or the supplied rows' sources."""
    rows = ex.get("quantity_sources") or []
    if not rows:
        return _t(lang, "按公式由清单数据计算", "computed from the inventory by the formula")
    srcs = "；".join(dict.fromkeys(str(q["source"]) for q in rows))
    return _t(lang, f"外部提供（quantities.csv）：{srcs}", f"supplied (quantities.csv): {srcs}")


def inputs_frame(ex: dict, lang: str = "zh") -> pd.DataFrame:
    """Inputs: item in words, value, unit in words, illustrative flag, source row text."""
    rows = [
        {
            _t(lang, "输入项", "Input"): input_label(i["item"], lang),
            _t(lang, "数值", "Value"): number(i["value"]),
            _t(lang, "单位", "Unit"): unit_label(i["unit"], lang) if i["unit"] else "",
            _t(lang, "示意数据", "Illustrative"): _t(lang, "是", "yes")
            if i.get("illustrative")
            else _t(lang, "否", "no"),
            _t(lang, "来源", "Source"): str(i["source"]),
        }
        for i in ex.get("inputs", [])
    ]
    return pd.DataFrame(rows)


def coefficients_frame(acc, ex: dict, lang: str = "zh") -> pd.DataFrame:
    """Coefficients: name, value in force, unit, price year, index factor, status, source."""
    year = int(ex["year"])
    rows = []
    for c in ex.get("coefficients", []):
        rows.append(
            {
                _t(lang, "系数", "Coefficient"): coefficient_label(acc, c["id"], lang),
                _t(lang, f"{year}年取值", f"Value in {year}"): number(c["value"], 6),
                _t(lang, "单位", "Unit"): unit_label(c["unit"], lang),
                _t(lang, "价格年份", "Price year"): str(c["price_year"])
                if c.get("price_year") is not None
                else "—",
                _t(lang, "价格指数换算", "Price-index factor"): index_text(acc, c, year, lang),
                _t(lang, "状态", "Status"): status_label(c.get("status"), lang),
                _t(lang, "来源", "Source"): source_text(c.get("source"), lang),
            }
        )
    return pd.DataFrame(rows)


def components_frame(
    acc, ex: dict, lang: str = "zh", money_scale: float = 1.0, money: str = ""
) -> pd.DataFrame:
    """Components: name, physical quantity with its unit, value [CNY / ``money_scale``],
    ``money`` the label of that unit for the column header."""
    rows = []
    for c in ex.get("components", []):
        rows.append(
            {
                _t(lang, "组成部分", "Component"): component_label(
                    acc, ex["indicator"], c["id"], lang
                ),
                _t(lang, "实物量", "Quantity"): number(c.get("physical")),
                _t(lang, "单位", "Unit"): unit_label(c["physical_unit"], lang)
                if c.get("physical_unit")
                else "—",
                (
                    _t(lang, f"价值量（{money}）", f"Value ({money})")
                    if money
                    else _t(lang, "价值量", "Value")
                ): number(c["value"] / money_scale if c.get("value") is not None else None, 2),
            }
        )
    return pd.DataFrame(rows)


def illustrative_text(acc, ex: dict, lang: str = "zh") -> str | None:
    """A warning naming what is illustrative behind the number (None when nothing is)."""
    st = ex.get("data_status") or {}
    if not st.get("illustrative"):
        return None
    sep = "、" if _zh(lang) else ", "
    parts = []
    items = list(dict.fromkeys(item_label(_KEYED.match(i)["item"], lang) for i in st["inputs"]))
    if items:
        parts.append(_t(lang, "清单数据：", "inventory: ") + sep.join(items))
    coefs = [coefficient_label(acc, c, lang) for c in st["coefficients"]]
    if coefs:
        parts.append(_t(lang, "系数：", "coefficients: ") + sep.join(coefs))
    if st.get("quantities"):
        parts.append(_t(lang, "外部功能量", "supplied quantities"))
    if st.get("share"):
        share = [
            coefficient_label(acc, s, lang) if s in acc.coefficients else item_label(s, lang)
            for s in st["share"]
        ]
        parts.append(_t(lang, "区域外比例依据：", "out-of-region share: ") + sep.join(share))
    return _t(
        lang,
        "注意：此数值依据示意数据（合成，非官方统计），仅供演示，不能作为正式核算结论。示意部分——",
        "Warning: this number rests on illustrative data (synthesized, not official "
        "statistics); it demonstrates the method and is not an official figure. Illustrative: ",
    ) + ("；".join(parts) if _zh(lang) else "; ".join(parts))


def share_basis_label(acc, indicator: str, lang: str = "zh") -> str:
    """The basis of an indicator's out-of-region share in words (item or coefficient names,
    then the clause); the ledger's own text where the profile is not a file."""
    spec = acc.profile_spec
    rule = spec.rule(indicator) if spec is not None else None
    if rule is None:
        return acc.ledger_bases.get(indicator, "")
    share = rule.share
    if share.coefficient:
        text = _t(lang, "系数：", "coefficient: ") + coefficient_label(acc, share.coefficient, lang)
    else:
        plus = "＋" if _zh(lang) else " + "
        num = plus.join(item_label(i, lang) for i in share.numerator)
        den = plus.join(item_label(i, lang) for i in share.denominator)
        text = f"{num} ÷ （{den}）" if _zh(lang) else f"{num} ÷ ({den})"
    if rule.clause:
        text += f"；{rule.clause}" if _zh(lang) else f"; {rule.clause}"
    return text


#: ledger warning kinds with words of their own
WARNING_KINDS = ("zero", "unsourced", "missing_inputs")


def ledger_warning_text(acc, w: dict, lang: str = "zh") -> str:
    """A ledger warning (``acc.warnings``) with the indicator's name instead of its id."""
    name = acc.indicator(w["indicator"]).label(lang) if w["indicator"] in acc.indicator_ids else ""
    name = name or w["indicator"]
    kind = w.get("kind")
    if kind == "zero":
        return _t(
            lang,
            f"{name}：本核算标准要求扣除区域外来源价值，但扣除比例为 0",
            f"{name}: the profile requires an out-of-region deduction but the share is 0",
        )
    if kind == "unsourced":
        return _t(
            lang,
            f"{name}：区域外扣除比例尚无正式来源（示意值）",
            f"{name}: the out-of-region share is not sourced (illustrative)",
        )
    if kind == "missing_inputs":
        return _t(
            lang,
            f"{name}：缺少计算区域外比例所需的清单数据，净价值未核算",
            f"{name}: the inventory lacks what the out-of-region share needs; "
            "the net value is not assessed",
        )
    return w.get("zh" if _zh(lang) else "en") or name


def ledger_warnings(acc, region: str | None, year: int) -> list[dict]:
    """The ledger warnings that concern ``region`` (None: any) in ``year`` (empty
    ``regions``/``years`` in a warning mean every region/year)."""
    out = []
    for w in acc.warnings:
        regions, years = w.get("regions") or [], w.get("years") or []
        if region is not None and regions and region not in regions:
            continue
        if years and int(year) not in [int(y) for y in years]:
            continue
        out.append(w)
    return out


def _ledger_row(
    acc, iid: str, g: float, o: float, n: float, basis_zh: str = "", basis_en: str = ""
) -> dict:
    """One out-of-region ledger row: gross, deduction, net [CNY], the deducted share and its
    basis (``basis_zh``/``basis_en`` appended to the rule's label)."""
    return {
        "indicator": iid,
        "gross": g,
        "out_of_region": o,
        "value": n,
        "share": o / g if (math.isfinite(g) and math.isfinite(o) and g) else math.nan,
        "basis_zh": share_basis_label(acc, iid, "zh") + basis_zh,
        "basis_en": share_basis_label(acc, iid, "en") + basis_en,
    }


def ledger_rows(acc, region: str | None, year: int) -> list[dict]:
    """Gross → deduction → net [CNY] of each deducted indicator for ``region`` (None: all
    regions together) in ``year``, with the share and its basis in words (``basis_zh/en``).

    For all regions together the rows are the city total in its perspective: with the city's
    own ledger basis (:attr:`~gep.accounting.Account.city_ledger`) the city's share applied
    to the summed gross value, and the rows also carry ``county_value`` (sum of county net
    values), ``internal_transfers`` (their difference: transfers between counties of the
    city) and ``perspective``; otherwise sums of the county rows."""
    rows = []
    city = acc.city_ledger if region is None else None
    for iid in acc.ledger_bases:
        if iid not in acc.indicator_ids:
            continue
        sel = {"year": int(year), "indicator": iid}
        if city is not None:
            c = city.ds.sel(sel)
            code = acc.aggregate_basis.code
            own = city.perspectives.get(iid) == "city"
            city_basis = (
                f"（按{acc.region_name(code, 'zh')}全市数据）"
                if own
                else "（全市数据不足，取各县之和）"
            )
            city_basis_en = (
                f" (city data of {acc.region_name(code, 'en')})"
                if own
                else " (city data missing: sum of the counties)"
            )
            g, o, n = (float(c[k]) for k in ("gross", "out_of_region", "value"))
            rows.append(
                {
                    **_ledger_row(acc, iid, g, o, n, city_basis, city_basis_en),
                    "county_value": float(c["county_value"]),
                    "county_out_of_region": float(c["county_out_of_region"]),
                    "internal_transfers": float(c["internal_transfers"]),
                    "perspective": city.perspectives.get(iid, "city"),
                }
            )
            continue
        g, o, n = acc.gross.sel(sel), acc.out_of_region.sel(sel), acc.value.sel(sel)
        if region is None:
            g, o, n = (x.sum("region", min_count=1) for x in (g, o, n))
        else:
            g, o, n = (x.sel(region=region) for x in (g, o, n))
        rows.append(_ledger_row(acc, iid, float(g), float(o), float(n)))
    return rows
