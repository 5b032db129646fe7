"""区县 County: one county's GEP table, its trend and its standing against the city average."""

from __future__ import annotations

import streamlit as st

from gep.app import charts, data, ui, views
from gep.app.i18n import t

ctx = data.current()
ui.require_account(ctx)
acc, year, lang, unit = ctx.account, ctx.year, ctx.lang, ctx.unit
money = views.money_label(unit, lang)

st.title(t("co.title"))
regions = acc.regions
region = ui._select(
    t("co.select"),
    regions,
    "county",
    default=regions[0],
    format_func=lambda r: f"{acc.region_name(r, lang)} ({r})",
)
name = acc.region_name(region, lang)

gep_value = float(acc.gep().sel(region=region, year=year))
rank = views.ranking(acc, year, "gep", lang, unit)
position = int(rank.loc[rank["region"] == region, "rank"].iloc[0])
average = float(acc.gep().sel(year=year).mean("region"))
c1, c2, c3 = st.columns(3)
c1.metric(t("co.gep", y=year), f"{gep_value / views.scale(unit):,.2f} {money}")
c2.metric(t("co.rank"), f"{position} / {len(regions)}")
c3.metric(
    t("co.vs_avg"),
    f"{gep_value / average:.2f} ×" if average else "—",
    delta=f"{100 * (gep_value / average - 1):+.1f} %" if average else None,
)

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
    ui.csv_bytes(shown),
    file_name=f"gep_{region}_{year}.csv",
    mime="text/csv",
    key="dl_county_table",
    on_click="ignore",
)

left, right = st.columns(2)
with left:
    tr = views.category_trend(acc, region, lang, unit)
    fig = charts.area(
        tr,
        x="year",
        y="value",
        color="label",
        y_title=money,
        color_map={views.category_label(c, lang): col for c, col in charts.CATEGORY_COLORS.items()},
    )
    tbl = (
        tr.pivot(index="year", columns="label", values="value")
        .reset_index()
        .rename(columns={"year": t("col.year")})
    )
    tbl[f"GEP ({money})"] = tbl.drop(columns=t("col.year")).sum(axis=1, min_count=1)
    ui.chart_block(fig, tbl, "county_trend", t("co.trend", name=name))
with right:
    st_df = views.standing(acc, region, year, lang, unit)
    plot = st_df.assign(what=st_df["what"])
    fig = charts.bar(plot, x="what", y="ratio", y_title=t("co.ratio"))
    fig.add_hline(y=1.0, line_dash="dot", line_color="#888")
    tbl = st_df.rename(
        columns={
            "what": t("col.measure"),
            "unit": t("col.physical_unit"),
            "county": name,
            "average": t("col.city_avg"),
            "ratio": t("co.ratio"),
        }
    )
    ui.chart_block(fig, tbl, "county_standing", t("co.standing", name=name, y=year))
