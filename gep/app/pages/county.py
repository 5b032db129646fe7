"""区县 County: one county's GEP table, its trend and its standing against the city average."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gep.app import charts, data, exports, ui, views
from gep.app.i18n import t
from gep.report.tables import headline, rank_history

ctx = data.current()
ui.require_account(ctx)
acc, year, lang, unit = ctx.account, ctx.year, ctx.lang, ctx.unit
money = views.money_label(unit, lang)

st.title(t("co.title"))
regions = acc.regions
region = ui.county_choice(
    regions, t("co.select"), format_func=lambda r: f"{acc.region_name(r, lang)} ({r})"
)
name = acc.region_name(region, lang)

h = headline(acc, region, year)
gep_value = h["gep"] or float("nan")
c1, c2, c3 = st.columns(3)
c1.metric(t("co.gep", y=year), f"{ui.fmt_num(gep_value / views.scale(unit))} {money}")
c2.metric(t("co.rank"), f"{h['rank']} / {h['n']}" if h["rank"] else "—")
c3.metric(
    t("co.vs_avg"),
    f"{gep_value / h['average']:.2f} {t('unit.times')}" if h["average"] else "—",
    delta=f"{100 * (gep_value / h['average'] - 1):+.1f} %" if h["average"] else None,
)
c4, c5, c6 = st.columns(3)
c4.metric(
    t("co.growth", b=h["base_year"]),
    f"{100 * h['growth']:+.1f} %" if h["growth"] is not None else "—",
    help=t("co.growth_help") if h["growth"] is None else None,
)
c5.metric(
    t("co.ratio_gdp"), f"{h['ratio']:.2f} {t('unit.times')}" if h["ratio"] is not None else "—"
)
c6.metric(t("co.share"), f"{100 * h['share']:.1f} %" if h["share"] is not None else "—")

st.caption(t("co.report", name=name, y=year))
ui.report_downloads(ctx, region, key="county_report")

# ---- accounting table: physical quantity, unit, price, value, share
table = views.county_table(acc, region, year, lang, unit)
shown = views.county_table_display(table, lang, unit)
st.markdown(f"**{t('co.table', name=name, y=year)}**")
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    column_config={
        t("col.physical"): st.column_config.NumberColumn(format="localized"),
        t("col.price"): st.column_config.NumberColumn(format="%.4g"),
        t("col.value", u=money): st.column_config.NumberColumn(format="%.2f"),
        t("col.share"): st.column_config.ProgressColumn(format="%.1f", min_value=0, max_value=100),
    },
)
st.download_button(
    f"⬇ {t('dl.csv')}",
    ui.csv_bytes(shown, region=region),
    file_name=f"gep_{region}_{year}.csv",
    mime="text/csv",
    key="dl_county_table",
    on_click=exports.logger("csv", f"gep_{region}_{year}.csv", region=region),
)

left, right = st.columns(2)
with left:
    tr = views.category_trend(acc, region, lang, unit)

    def trend_fig():
        return charts.area(
            tr,
            x="year",
            y="value",
            color="label",
            y_title=money,
            color_map={
                views.category_label(c, lang): col for c, col in charts.CATEGORY_COLORS.items()
            },
        )

    tbl = (
        tr.pivot(index="year", columns="label", values="value")
        .reset_index()
        .rename(columns={"year": t("col.year")})
    )
    tbl[f"GEP ({money})"] = tbl.drop(columns=t("col.year")).sum(axis=1, min_count=1)
    ui.chart_block(trend_fig, tbl, "county_trend", t("co.trend", name=name), cache=(region,))
with right:
    st_df = views.standing(acc, region, year, lang, unit)
    plot = st_df.assign(what=st_df["what"])

    def standing_fig():
        f = charts.bar(plot, x="what", y="ratio", y_title=t("co.ratio"))
        return f.add_hline(y=1.0, line_dash="dot", line_color="#888")

    tbl = st_df.rename(
        columns={
            "what": t("col.measure"),
            "unit": t("col.physical_unit"),
            "county": name,
            "average": t("col.city_avg"),
            "ratio": t("co.ratio"),
        }
    )
    ui.chart_block(
        standing_fig, tbl, "county_standing", t("co.standing", name=name, y=year), cache=(region,)
    )

# ---- rank history over all years
hist = rank_history(acc, region)
hist_tbl = pd.DataFrame(
    {
        t("col.year"): hist["year"],
        t("co.rank"): hist["rank"].astype("Int64"),
        f"GEP ({money})": (hist["gep"] / views.scale(unit)).round(2),
        t("co.share"): (100 * hist["share"]).round(1),
    }
)


def rank_fig():
    f = charts.lines(
        hist.assign(series=name), x="year", y="rank", color="series", y_title=t("co.rank")
    )
    return f.update_yaxes(
        autorange="reversed", rangemode="normal", dtick=1, range=[len(regions) + 0.5, 0.5]
    )


ui.chart_block(
    rank_fig, hist_tbl, "county_rank_history", t("co.rank_history", name=name), cache=(region,)
)
