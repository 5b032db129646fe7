"""区县对比 Compare: several counties side by side on a chosen measure."""

from __future__ import annotations

import streamlit as st

from gep.app import charts, data, ui, views
from gep.app.i18n import t, text

ctx = data.current()
ui.require_account(ctx)
acc, year, lang, unit = ctx.account, ctx.year, ctx.lang, ctx.unit
money = views.money_label(unit, lang)

st.title(t("cmp.title"))
regions = acc.regions
if "cmp_regions" in st.session_state:
    st.session_state["cmp_regions"] = [r for r in st.session_state["cmp_regions"] if r in regions]
    chosen = st.multiselect(
        t("cmp.counties"),
        regions,
        key="cmp_regions",
        format_func=lambda r: acc.region_name(r, lang),
    )
else:
    chosen = st.multiselect(
        t("cmp.counties"),
        regions,
        default=regions[: min(4, len(regions))],
        key="cmp_regions",
        format_func=lambda r: acc.region_name(r, lang),
    )
measures = [*views.MEASURES, "category", "indicator"]
c1, c2 = st.columns(2)
with c1:
    measure = ui._select(
        t("cmp.measure"),
        measures,
        "cmp_measure",
        default="gep",
        format_func=lambda m: text(f"measure.{m}", lang),
    )
indicator = None
if measure == "indicator":
    with c2:
        indicator = ui._select(
            t("cmp.indicator"),
            acc.indicator_ids,
            "cmp_indicator",
            default=acc.indicator_ids[0],
            format_func=lambda i: acc.indicator(i).label(lang),
        )
if not chosen:
    st.info(t("cmp.pick"))
    st.stop()

y_unit = views.measure_unit(measure, unit, lang) if measure in views.MEASURES else money
label = t(f"measure.{measure}") if measure != "indicator" else acc.indicator(indicator).label(lang)
df = views.compare(acc, chosen, year, measure, lang, unit, indicator)


def year_fig():
    if measure == "category":
        return charts.grouped_bar(
            df,
            x="name",
            y="value",
            color="series",
            y_title=y_unit,
            stacked=True,
            color_map={
                views.category_label(c, lang): col for c, col in charts.CATEGORY_COLORS.items()
            },
        )
    return charts.bar(df, x="name", y="value", y_title=y_unit)


choice = (measure, indicator if measure == "indicator" else None, tuple(chosen))
wide = df.pivot_table(
    index=["region", "name"], columns="series", values="value", aggfunc="sum"
).reset_index()
wide = wide.rename(columns={"region": t("col.region"), "name": t("col.name")})
wide.columns = [
    c if c in (t("col.region"), t("col.name")) else f"{c} ({y_unit})" for c in wide.columns
]
ui.chart_block(year_fig, wide, "compare_year", t("cmp.chart", y=year, m=label), cache=choice)

all_years = views.compare(acc, chosen, None, measure, lang, unit, indicator)
if measure == "category":
    all_years = all_years.groupby(["region", "name", "year"], as_index=False)["value"].sum(
        min_count=1
    )
tbl = (
    all_years.pivot_table(index="year", columns="name", values="value")
    .reset_index()
    .rename(columns={"year": t("col.year")})
)
ui.chart_block(
    lambda: charts.lines(all_years, x="year", y="value", color="name", y_title=y_unit),
    tbl,
    "compare_trend",
    t("cmp.trend", m=label if measure != "category" else t("measure.gep")),
    cache=choice,
    per_year=False,
)
