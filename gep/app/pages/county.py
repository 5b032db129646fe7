"""区县 County: one county's GEP table, its trend and its standing against the city average.

Next to the table: where each physical quantity came from (formula or supplied in
quantities.csv, issue 10), the out-of-region ledger gross → deduction → net with its basis
and warnings (issue 11), and "查看计算过程": any indicator's number traced to its equation,
inputs and coefficients (:meth:`gep.accounting.Account.explain`, issue 9), with the
illustrative rows behind it named (issue 13).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gep.app import charts, data, exports, ui, views
from gep.app.i18n import t
from gep.errors import InputError
from gep.report import explained
from gep.report.labels import reason_label, unit_label
from gep.report.methods import method_note
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
# where each physical quantity came from: the formula, or quantities.csv with its source
shown.insert(
    list(shown.columns).index(t("col.physical_unit")) + 1,
    t("co.qsource"),
    table["quantity_source"].tolist(),
)
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

if acc.supplied is not None and not acc.supplied.empty:
    st.caption(t("co.qsource_note"))

# ---- out-of-region ledger: gross → deduction → net, with the basis and its warnings
k = views.scale(unit)
if acc.ledger_bases:
    st.markdown(f"**{t('co.ledger', name=name, y=year)}**")
    led = explained.ledger_rows(acc, region, year)

    def _m(v: float) -> str:
        return ui.fmt_num(v / k if v is not None and pd.notna(v) else None)

    st.dataframe(
        pd.DataFrame(
            {
                t("col.indicator"): [acc.indicator(r["indicator"]).label(lang) for r in led],
                t("co.ledger.gross", u=money): [_m(r["gross"]) for r in led],
                t("co.ledger.share"): [
                    f"{r['share']:.1%}" if pd.notna(r["share"]) else "—" for r in led
                ],
                t("co.ledger.out", u=money): [_m(r["out_of_region"]) for r in led],
                t("co.ledger.net", u=money): [_m(r["value"]) for r in led],
                t("co.ledger.basis"): [r["basis_zh" if lang == "zh" else "basis_en"] for r in led],
            }
        ),
        hide_index=True,
        width="stretch",
        key="county_ledger",
    )
    st.caption(t("co.ledger.note"))
    for w in explained.ledger_warnings(acc, region, year):
        st.warning(explained.ledger_warning_text(acc, w, lang), icon="⚠️")

# ---- 查看计算过程: one number traced to its equation, inputs and coefficients
st.markdown(f"**{t('co.ex.title')}**")
value_of = dict(zip(table["indicator_id"], table["value"], strict=True))
label_of = dict(zip(table["indicator_id"], table["indicator"], strict=True))
choice = st.selectbox(
    t("co.ex.pick"),
    list(table["indicator_id"]),
    index=None,
    placeholder=t("co.ex.placeholder"),
    format_func=lambda i: (
        f"{label_of[i]} — {ui.fmt_num(value_of[i])} {money}"
        if pd.notna(value_of[i])
        else f"{label_of[i]} — {t('co.ex.none')}"
    ),
    key="explain_indicator",
)


def show_explain(ex: dict) -> None:
    """One number's explanation, in the page's language and money unit."""
    warn = explained.illustrative_text(acc, ex, lang)
    if warn:
        st.warning(warn, icon="⚠️")
    m1, m2 = st.columns(2)
    m1.metric(
        t("co.ex.value"),
        f"{ui.fmt_num(ex['value'] / k if ex['value'] is not None else None)} {money}",
    )
    m2.metric(
        t("co.ex.physical"),
        f"{explained.number(ex['physical'])} {unit_label(ex['physical_unit'], lang)}",
    )
    st.markdown(t("co.ex.route", r=explained.route_text(ex, lang)))
    if ex.get("quantity_sources"):
        st.markdown(f"*{t('co.ex.supplied')}*")
        st.dataframe(
            pd.DataFrame(
                {
                    t("co.ex.sup.component"): [
                        explained.component_label(acc, ex["indicator"], q["component"], lang)
                        if q["component"]
                        else t("co.ex.sup.whole")
                        for q in ex["quantity_sources"]
                    ],
                    t("co.ex.sup.value"): [
                        explained.number(q["value_input"]) for q in ex["quantity_sources"]
                    ],
                    t("co.ex.sup.unit"): [
                        unit_label(q["unit_input"], lang) for q in ex["quantity_sources"]
                    ],
                    t("co.ex.sup.file"): [
                        f"{q['file']} : {q['row']}" for q in ex["quantity_sources"]
                    ],
                    t("col.source"): [str(q["source"]) for q in ex["quantity_sources"]],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    if ex.get("not_assessed"):
        st.info(t("co.ex.not_assessed", r=reason_label(ex["not_assessed"], lang)))
    led = ex.get("out_of_region")
    if led:

        def _m(v):
            return ui.fmt_num(v / k if v is not None else None)

        share = f"{led['share']:.2%}" if led["share"] is not None else "—"
        st.markdown(
            t(
                "co.ex.ledger",
                g=_m(led["gross"]),
                o=_m(led["out_of_region"]),
                s=share,
                n=_m(led["net"]),
                u=money,
            )
        )
        st.caption(t("co.ex.basis", b=explained.share_basis_label(acc, ex["indicator"], lang)))
        for w in led["warnings"]:
            if w in explained.ledger_warnings(acc, region, year):
                st.warning(explained.ledger_warning_text(acc, w, lang), icon="⚠️")
    st.markdown(f"*{t('co.ex.equation')}*")
    for line in ex["equation"].splitlines():
        if line.strip():
            st.latex(line)
    ind = acc.indicator(ex["indicator"])
    st.caption(t("co.ex.method", m=ex["method"]["zh" if lang == "zh" else "en"]))
    cited = method_note(ind).cited(lang)
    if cited:
        st.caption(t("co.ex.refs", r="；".join(f"[{n}] {r}" for n, r in cited)))
    for title, frame in (
        (t("co.ex.components"), explained.components_frame(acc, ex, lang, k, money)),
        (t("co.ex.inputs"), explained.inputs_frame(ex, lang)),
        (t("co.ex.coefficients"), explained.coefficients_frame(acc, ex, lang)),
    ):
        st.markdown(f"*{title}*")
        if frame.empty:
            st.caption(t("co.ex.none"))
        else:
            st.dataframe(frame, hide_index=True, width="stretch")


if choice is not None:
    try:
        ex = acc.explain(region, year, choice)
    except InputError as exc:
        st.error("; ".join(p.message for p in exc.problems))
    else:
        with st.container(border=True):
            show_explain(ex)

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
    ui.chart_block(
        trend_fig, tbl, "county_trend", t("co.trend", name=name), cache=(region,), per_year=False
    )
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
    rank_fig,
    hist_tbl,
    "county_rank_history",
    t("co.rank_history", name=name),
    cache=(region,),
    per_year=False,
)
