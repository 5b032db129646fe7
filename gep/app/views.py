"""Tables the pages show, reshaped from an :class:`~gep.accounting.Account` (no Streamlit).

Every number comes from the account's own methods (``gep``, ``by_category``,
``comparable``, ``per_km2`` …); this module only selects, scales money to 万元/亿元 and
labels columns in the page language. Column names carry the unit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..accounting import Account
from ..errors import InputError
from ..indicators import CATEGORIES
from ..units import format_unit
from .i18n import text

MONEY = {"wan": 1e4, "yi": 1e8}
MEASURES = ("gep", "per_km2", "per_capita", "ratio")


def money_label(unit: str, lang: str) -> str:
    return text(f"unit.{unit}", lang)


def scale(unit: str) -> float:
    return MONEY[unit]


def category_label(cat: str, lang: str) -> str:
    zh, en = CATEGORIES.get(cat, (cat, cat))
    return zh if lang == "zh" else en


def nice_unit(unit: str, lang: str = "zh") -> str:
    try:
        return format_unit(unit, lang)
    except ValueError:
        return unit


def measure_unit(measure: str, unit: str, lang: str) -> str:
    """Display unit of a county measure (money measures follow the sidebar unit)."""
    if measure == "gep":
        return money_label(unit, lang)
    if measure == "per_km2":
        return text("unit.per_km2", lang)
    if measure == "per_capita":
        return text("unit.per_capita", lang)
    return text("unit.ratio", lang)


def _memo(acc: Account, key: tuple, make):
    """``make()`` once per account object: the dashboard keeps one shared, read-only account per
    dataset, coefficient set and profile (``gep.app.data``), so aggregates every rerun needs
    (GEP per county, per category, at comparable prices) are computed once. Callers must not
    modify what they get."""
    memo = acc.__dict__.setdefault("_views_memo", {})
    if key not in memo:
        memo[key] = make()
    return memo[key]


def by_category(acc: Account):
    """``acc.by_category()`` [CNY], computed once per account."""
    return _memo(acc, ("by_category",), acc.by_category)


def _city_comparable(acc: Account):
    """City GEP per year at base-year prices [CNY] (raises InputError without price indices)."""
    return _memo(
        acc,
        ("city_comparable",),
        acc.city_comparable,  # the city total's perspective (issue 11)
    )


def measure_array(acc: Account, measure: str, unit: str):
    """County × year array of ``measure`` in its display unit."""
    return _memo(acc, ("measure", measure, unit), lambda: _measure_array(acc, measure, unit))


def _measure_array(acc: Account, measure: str, unit: str):
    if measure == "gep":
        return acc.gep() / scale(unit)
    if measure == "per_km2":
        return acc.per_km2() / MONEY["wan"]  # always 万元/km² (亿元/km² is too coarse)
    if measure == "per_capita":
        return acc.per_capita()
    if measure == "ratio":
        return acc.gep_gdp_ratio()
    raise ValueError(measure)


# -------------------------------------------------------------------------------- overview


def city_by_category(acc: Account, year: int, lang: str, unit: str) -> pd.DataFrame:
    s = acc.city_by_category().sel(year=year).to_pandas()  # city perspective (issue 11)
    df = pd.DataFrame(
        {
            "category": s.index,
            "label": [category_label(c, lang) for c in s.index],
            "value": s.to_numpy() / scale(unit),
        }
    )
    total = df["value"].sum()
    df["share"] = 100 * df["value"] / total if total else np.nan
    return df


def trend(acc: Account, lang: str, unit: str) -> tuple[pd.DataFrame, str | None]:
    """City GEP per year at current and at comparable (base-year) prices."""
    cur = acc.city_gep().to_pandas() / scale(unit)
    frames = [
        pd.DataFrame(
            {"year": cur.index, "basis": text("basis.current", lang), "value": cur.to_numpy()}
        )
    ]
    problem = None
    try:
        comp = _city_comparable(acc).to_pandas() / scale(unit)
        label = text("basis.comparable", lang, y=acc.base_year)
        frames.append(pd.DataFrame({"year": comp.index, "basis": label, "value": comp.to_numpy()}))
    except InputError as exc:
        problem = str(exc)
    return pd.concat(frames, ignore_index=True), problem


def composition(acc: Account, year: int, lang: str, unit: str) -> pd.DataFrame:
    v = acc.city_value().sel(year=year).to_pandas()  # city perspective (issue 11)
    rows = []
    for ind in acc.indicators:
        val = v.get(ind.id, np.nan)
        if val is None or not np.isfinite(val) or val <= 0:
            continue
        rows.append(
            {
                "category_id": ind.category,
                "category": category_label(ind.category, lang),
                "indicator": ind.label(lang),
                "value": float(val) / scale(unit),
            }
        )
    return pd.DataFrame(rows, columns=["category_id", "category", "indicator", "value"])


def county_measure(acc: Account, year: int, measure: str, lang: str, unit: str) -> pd.DataFrame:
    s = measure_array(acc, measure, unit).sel(year=year).to_pandas()
    df = pd.DataFrame(
        {
            "region": s.index,
            "name": [acc.region_name(r, lang) for r in s.index],
            "value": s.to_numpy(dtype=float),
        }
    )
    return df


def ranking(acc: Account, year: int, measure: str, lang: str, unit: str) -> pd.DataFrame:
    df = county_measure(acc, year, measure, lang, unit).sort_values(
        "value", ascending=False, na_position="last"
    )
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    return df.reset_index(drop=True)


def growth_city(acc: Account, year: int) -> float | None:
    """City GEP growth to ``year`` at comparable prices (None for the first year)."""
    years = acc.years
    if year not in years or years.index(year) == 0:
        return None
    try:
        comp = _city_comparable(acc)
    except InputError:
        return None
    prev = years[years.index(year) - 1]
    a, b = float(comp.sel(year=prev)), float(comp.sel(year=year))
    return b / a - 1 if a else None


def city_ratio(acc: Account, year: int) -> float | None:
    gdp = acc.inventory_item("gdp")
    if gdp is None:
        return None
    g = float(gdp.sel(year=year).sum(min_count=1))
    return float(acc.city_gep().sel(year=year)) / g if g and np.isfinite(g) else None


def city_per_km2(acc: Account, year: int) -> float | None:
    """City GEP per km² of land [万元/km²]."""
    try:
        area = float(acc.land_area_km2().sum())
    except InputError:
        return None
    return float(acc.city_gep().sel(year=year)) / area / MONEY["wan"]


# -------------------------------------------------------------------------------- county


def county_table(acc: Account, region: str, year: int, lang: str, unit: str) -> pd.DataFrame:
    """One county's indicators: physical quantity and unit, unit price, value, share [%].

    The same table as the report's (:func:`gep.report.tables.county_table`), value in the
    page's money unit and the share in per cent.
    """
    from ..report.tables import county_table as report_table

    df = report_table(acc, region, year, lang, {"wan": "wan_CNY", "yi": "yi_CNY"}[unit])
    df["share"] = 100 * df["share"]
    return df


def county_table_display(df: pd.DataFrame, lang: str, unit: str) -> pd.DataFrame:
    """The county table for people: value first after the indicator, no code ids."""
    names = {
        "indicator": text("col.indicator", lang),
        "value": text("col.value", lang, u=money_label(unit, lang)),
        "share": text("col.share", lang),
        "category": text("col.category", lang),
        "physical": text("col.physical", lang),
        "physical_unit": text("col.physical_unit", lang),
        "price": text("col.price", lang),
        "price_unit": text("col.price_unit", lang),
        "price_basis": text("col.price_basis", lang),
        "method": text("col.method", lang),
        "status": text("col.status", lang),
    }
    return df[list(names)].rename(columns=names)


def category_trend(acc: Account, region: str | None, lang: str, unit: str) -> pd.DataFrame:
    bc = by_category(acc)
    bc = bc.sel(region=region) if region else bc.sum("region", min_count=1)
    df = bc.to_dataframe(name="value").reset_index()[["year", "category", "value"]]
    df["value"] = df["value"] / scale(unit)
    df["label"] = [category_label(c, lang) for c in df["category"]]
    return df


def standing(acc: Account, region: str, year: int, lang: str, unit: str) -> pd.DataFrame:
    """The county against the average of all counties, per category and per measure."""
    rows = []
    bc = by_category(acc).sel(year=year) / scale(unit)
    for cat in [str(c) for c in bc["category"].values]:
        v = float(bc.sel(region=region, category=cat))
        avg = float(bc.sel(category=cat).mean("region"))
        rows.append(
            {
                "what": category_label(cat, lang),
                "unit": money_label(unit, lang),
                "county": v,
                "average": avg,
            }
        )
    for m in MEASURES:
        arr = measure_array(acc, m, unit).sel(year=year)
        v = float(arr.sel(region=region))
        avg = float(arr.mean("region"))
        rows.append(
            {
                "what": text(f"measure.{m}", lang),
                "unit": measure_unit(m, unit, lang),
                "county": v,
                "average": avg,
            }
        )
    df = pd.DataFrame(rows)
    df["ratio"] = df["county"] / df["average"].where(df["average"] != 0)
    return df


# -------------------------------------------------------------------------------- compare


def compare(
    acc: Account,
    regions: list[str],
    year: int | None,
    measure: str,
    lang: str,
    unit: str,
    indicator: str | None = None,
) -> pd.DataFrame:
    """Long table region × (year) × series for the compare page."""
    names = {r: acc.region_name(r, lang) for r in regions}
    if measure in MEASURES:
        arr = measure_array(acc, measure, unit).sel(region=regions)
        df = arr.to_dataframe(name="value").reset_index()[["region", "year", "value"]]
        df["series"] = text(f"measure.{measure}", lang)
    elif measure == "category":
        arr = (by_category(acc) / scale(unit)).sel(region=regions)
        df = arr.to_dataframe(name="value").reset_index()
        df["series"] = [category_label(c, lang) for c in df["category"]]
        df = df[["region", "year", "series", "value"]]
    elif measure == "indicator":
        ind = acc.indicator(indicator or acc.indicator_ids[0])
        arr = (acc.value.sel(indicator=ind.id) / scale(unit)).sel(region=regions)
        df = arr.to_dataframe(name="value").reset_index()[["region", "year", "value"]]
        df["series"] = ind.label(lang)
    else:
        raise ValueError(measure)
    df["name"] = df["region"].map(names)
    if year is not None:
        df = df[df["year"] == year]
    return df[["region", "name", "year", "series", "value"]].reset_index(drop=True)


# -------------------------------------------------------------------------------- scenarios


def difference_by(
    base: Account, alt: Account, year: int, by: str, lang: str, unit: str
) -> pd.DataFrame:
    """Alternate − baseline in ``year``, by indicator or by county [display money unit]."""
    d = (alt.value.sel(year=year).fillna(0) - base.value.sel(year=year).fillna(0)) / scale(unit)
    if by == "indicator":
        s = d.sum("region").to_pandas()
        if base.city_ledger is not None:  # city totals in the city perspective (issue 11)
            c = alt.city_value() - base.city_value()
            s = (c.sel(year=year).fillna(0) / scale(unit)).to_pandas()
        labels = {i.id: i.label(lang) for i in base.indicators}
        df = pd.DataFrame(
            {"key": s.index, "label": [labels.get(k, k) for k in s.index], "delta": s.to_numpy()}
        )
    else:
        s = d.sum("indicator").to_pandas()
        df = pd.DataFrame(
            {
                "key": s.index,
                "label": [base.region_name(k, lang) for k in s.index],
                "delta": s.to_numpy(),
            }
        )
    return df


def problems_frame(problems, lang: str) -> pd.DataFrame:
    """Problems (file, row, field, message) as a table with translated headers."""
    rows = [p.as_dict() for p in problems]
    df = pd.DataFrame(rows, columns=["file", "row", "field", "message"])
    df["row"] = df["row"].astype("Int64")
    return df.rename(
        columns={
            "file": text("col.file", lang),
            "row": text("col.row", lang),
            "field": text("col.field", lang),
            "message": text("col.message", lang),
        }
    )


# -------------------------------------------------------------------------------- data page


def preview_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Inventory rows for people: item, ecosystem and unit in words; the source as written."""
    from ..report.labels import ecosystem_label, item_label, species_label, unit_label

    out = pd.DataFrame(
        {
            text("col.region", lang): table["region"].astype(str),
            text("col.year", lang): table["year"],
            text("col.item", lang): [item_label(str(i), lang) for i in table["item"]],
            text("col.ecosystem", lang): [
                ecosystem_label(str(e), lang) if isinstance(e, str) and e else "—"
                for e in table["ecosystem"]
            ],
            text("col.species", lang): [
                species_label(x, lang) if isinstance(x, str) and x else "—"
                for x in table["species"]
            ],
            text("col.value_raw", lang): table["value"],
            text("col.physical_unit", lang): [unit_label(str(u), lang) for u in table["unit"]],
            text("col.source", lang): table["source"].astype(str),
        }
    )
    return out


def provenance_table(acc: Account, dataset_hash: str, lang: str) -> pd.DataFrame:
    """Where the numbers come from, in words (profile, data, coefficients, options)."""
    from ..report.labels import option_label, profile_label

    prov = acc.provenance()
    rows = [
        (text("prov.profile", lang), profile_label(acc.profile, lang)),
        (
            text("prov.dataset", lang),
            f"{prov.get('dataset', {}).get('name', '—')}（{dataset_hash}）",
        ),
        (
            text("prov.coefficients", lang),
            f"{acc.coefficients.name}（{' → '.join(prov['coefficients']['chain'])}；"
            f"{acc.coefficients.hash}）",
        ),
        (
            text("prov.overrides", lang),
            "；".join(prov["coefficients"]["overrides"]) or text("prov.none", lang),
        ),
    ]
    rows += [option_label(k, v, lang) for k, v in sorted(acc.options.items())]
    return pd.DataFrame(rows, columns=[text("prov.item", lang), text("prov.value", lang)])
