"""林业碳汇 Forest carbon sinks: county sink by species group, and the project calculator."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from gep.app import charts, data, ui
from gep.app.i18n import STRINGS, t, text
from gep.errors import InputError

ctx = data.current()
ui.require_account(ctx)
lang, year = ctx.lang, ctx.year

st.title(t("cb.title"))
try:
    from gep import carbon
    from gep.app import carbon_support as cs_support
except ImportError as exc:  # the carbon layer is optional
    ui.module_missing("gep.carbon", exc)
    st.stop()


def species_label(s: str) -> str:
    return text(f"sp.{s}", lang) if f"sp.{s}" in STRINGS else s


tco2e = t("unit.tco2e_yr")

# ---- county sink overview
st.subheader(t("cb.overview"))
if not cs_support.has_forest_inventory(ctx.dataset):
    st.info(t("cb.no_forest"))
else:
    c1, c2 = st.columns(2)
    with c1:
        method = ui._select(
            t("cb.method"), list(carbon.SINK_METHODS), "cb_method", default="stock-difference"
        )
    with c2:
        biomass = ui._select(
            t("cb.biomass"), list(carbon.BIOMASS_METHODS), "cb_biomass", default="fang"
        )
    try:
        with st.spinner(t("cb.computing")):
            sink, excluded = cs_support.county_sink(
                ctx.dataset_hash,
                ctx.coefficients.hash,
                method,
                biomass,
                year,
                ctx.dataset,
                ctx.coefficients,
            )
        df = sink.to_dataframe(name="value").reset_index()[["region", "year", "species", "value"]]
        df["name"] = [ctx.dataset.region_name(r, lang) for r in df["region"]]
        df["species_label"] = [species_label(s) for s in df["species"]]
        for s, why in excluded.items():
            st.caption(t("cb.excluded", s=species_label(s), why=why))
        one = df[df["year"] == year]
        if one["value"].isna().all():
            st.caption(t("cb.first_year"))
        left, right = st.columns(2)
        with left:
            fig = charts.grouped_bar(
                one, x="name", y="value", color="species_label", y_title=tco2e, stacked=True
            )
            tbl = one.pivot_table(
                index=["region", "name"], columns="species_label", values="value"
            ).reset_index()
            tbl = tbl.rename(columns={"region": t("col.region"), "name": t("col.name")})
            ui.chart_block(fig, tbl, "carbon_sink_by_county", t("cb.sink_chart", y=year, u=tco2e))
        with right:
            city = df.groupby(["year", "species_label"], as_index=False)["value"].sum(min_count=1)
            fig = charts.area(
                city.dropna(), x="year", y="value", color="species_label", y_title=tco2e
            )
            tbl = city.pivot_table(
                index="year", columns="species_label", values="value"
            ).reset_index()
            ui.chart_block(
                fig,
                tbl.rename(columns={"year": t("col.year")}),
                "carbon_sink_trend",
                t("cb.sink_trend", u=tco2e),
            )
    except InputError as exc:
        st.error(t("err.load"))
        ui.show_problems(exc.problems, key="cb_sink_problems")

# ---- project calculator
st.divider()
st.subheader(t("cb.project"))
species_ok = cs_support.project_species(ctx.coefficients.hash, year, ctx.coefficients)
if not species_ok:
    st.info(t("cb.no_species"))
    st.stop()

scenarios = carbon.PRICE_SCENARIOS
price_options = [*scenarios, "custom"]
with st.form("cb_project"):
    st.markdown(f"**{t('cb.inputs')}**")
    a1, a2, a3, a4 = st.columns(4)
    area = a1.number_input(t("cb.area"), min_value=0.0, value=10000.0, step=1000.0, key="cb_area")
    area_unit = a2.selectbox(
        t("cb.area_unit"),
        ["mu", "hectare", "km**2"],
        key="cb_area_unit",
        format_func={"mu": "亩 mu", "hectare": "公顷 ha", "km**2": "km²"}.get,
    )
    default_species = "cunninghamia" if "cunninghamia" in species_ok else species_ok[0]
    species = a3.selectbox(
        t("cb.species"),
        species_ok,
        index=species_ok.index(default_species),
        key="cb_species",
        format_func=species_label,
    )
    start = a4.number_input(
        t("cb.start"), min_value=1990, max_value=2100, value=2025, step=1, key="cb_start"
    )
    b1, b2, b3, b4 = st.columns(4)
    period = b1.number_input(
        t("cb.period"), min_value=1, max_value=100, value=20, step=1, key="cb_period"
    )
    price_mode = b2.selectbox(
        t("cb.price_mode"),
        price_options,
        index=price_options.index("ccer_central"),
        key="cb_price_mode",
        format_func=lambda k: (
            text("cb.price_custom", lang)
            if k == "custom"
            else f"{scenarios[k].zh or k} · {scenarios[k].price:g}"
            if lang == "zh"
            else f"{k} · {scenarios[k].price:g}"
        ),
    )
    price = b3.number_input(t("cb.price"), min_value=0.0, value=70.0, step=5.0, key="cb_price")
    growth = b4.number_input(t("cb.growth"), value=0.0, step=0.5, key="cb_growth")
    c1, c2, c3, c4 = st.columns(4)
    discount = c1.number_input(
        t("cb.discount"),
        min_value=0.0,
        max_value=50.0,
        value=float(carbon.DEFAULT_DISCOUNT_PCT),
        step=0.5,
        key="cb_discount",
    )
    capex = c2.number_input(t("cb.capex"), min_value=0.0, value=1000.0, step=100.0, key="cb_capex")
    opex = c3.number_input(t("cb.opex"), min_value=0.0, value=30.0, step=5.0, key="cb_opex")
    buffer_pct = c4.number_input(
        t("cb.buffer"), min_value=0.0, max_value=99.0, value=10.0, step=1.0, key="cb_buffer"
    )
    d1, d2, d3, d4 = st.columns(4)
    validation = d1.number_input(
        t("cb.validation"), min_value=0.0, value=200000.0, step=10000.0, key="cb_validation"
    )
    verification = d2.number_input(
        t("cb.verification"), min_value=0.0, value=50000.0, step=5000.0, key="cb_verification"
    )
    interval = d3.number_input(
        t("cb.interval"), min_value=1, max_value=20, value=5, step=1, key="cb_interval"
    )
    fee = d4.number_input(
        t("cb.fee"), min_value=0.0, max_value=99.0, value=0.0, step=1.0, key="cb_fee"
    )
    e1, e2, e3 = st.columns(3)
    draws = e1.number_input(
        t("cb.draws"), min_value=0, max_value=20000, value=1000, step=100, key="cb_draws"
    )
    seed = e2.number_input(t("cb.seed"), min_value=0, value=42, step=1, key="cb_seed")
    extrapolate = e3.checkbox(t("cb.extrapolate"), value=False, key="cb_extrapolate")
    st.form_submit_button(f"▶ {t('cb.run')}", type="primary")

mu_per_ha = 15.0  # 1 ha = 15 亩 exactly
inputs = (
    ("area_ha", cs_support.to_hectares(area, area_unit)),
    ("species", species),
    ("start", int(start)),
    ("period", int(period)),
    ("price", float(price) if price_mode == "custom" else price_mode),
    ("growth_pct", float(growth)),
    ("discount_pct", float(discount)),
    ("establishment_ha", float(capex) * mu_per_ha),
    ("management_ha", float(opex) * mu_per_ha),
    ("validation", float(validation)),
    ("verification", float(verification)),
    ("interval", int(interval)),
    ("fee_share", float(fee) / 100),
    ("deduction", float(buffer_pct) / 100),
    ("draws", int(draws)),
    ("seed", int(seed)),
    ("extrapolate", bool(extrapolate)),
)
try:
    with st.spinner(t("cb.computing")):
        result = cs_support.appraise(ctx.coefficients.hash, inputs, ctx.coefficients)
except InputError as exc:
    ui.show_problems(exc.problems, key="cb_project_problems")
    st.stop()

info = result["inputs"]
if info.get("price_scenario"):
    st.caption(
        t(
            "cb.scenario_note",
            basis=info.get("price_basis", ""),
            status=info.get("price_status", ""),
        )
    )
if result.get("years_beyond_growth_data"):
    st.warning(t("cb.beyond", years=", ".join(map(str, result["years_beyond_growth_data"]))))


def _fmt(v, digits=0, suffix=""):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{v:,.{digits}f}{suffix}"


def _label(key: str, unit: str) -> str:
    return f"{t(key)}（{unit}）" if lang == "zh" else f"{t(key)} ({unit})"


m1, m2, m3, m4, m5 = st.columns(5)
m1.metric(_label("cb.total_credits", t("unit.tco2e")), _fmt(result["cumulative_tCO2e"][-1], 0))
m2.metric(
    _label("cb.npv", t("unit.wan")),
    _fmt(result["npv_CNY"] / 1e4 if result["npv_CNY"] is not None else None, 2),
)
m3.metric(t("cb.irr"), t("cb.no_irr") if result["irr"] is None else f"{100 * result['irr']:.2f} %")
m4.metric(
    _label("cb.breakeven", t("cb.col.price_unit")),
    _fmt(result["breakeven_price_CNY_per_tCO2e"], 2)
    if result["breakeven_price_CNY_per_tCO2e"] is not None
    else t("cb.no_breakeven"),
)
m5.metric(_label("cb.payback", t("cb.years")), _fmt(result["discounted_payback_years"], 0))
if result.get("npv_p5") is not None:
    st.info(
        t("cb.band", lo=5, hi=95)
        + ": "
        + f"NPV {result['npv_p5'] / 1e4:,.2f} – {result['npv_p95'] / 1e4:,.2f} "
        f"{t('unit.wan')} (P50 {result['npv_p50'] / 1e4:,.2f} {t('unit.wan')})"
    )

yearly = cs_support.yearly_frame(result)
left, right = st.columns(2)
with left:
    long = yearly.melt(
        id_vars="year",
        value_vars=["revenue", "cost", "cash_flow"],
        var_name="series",
        value_name="v",
    )
    long["series"] = long["series"].map(
        {"revenue": t("cb.col.revenue"), "cost": t("cb.col.cost"), "cash_flow": t("cb.col.net")}
    )
    fig = charts.lines(long, x="year", y="v", color="series", y_title=t("unit.yuan"))
    fig.update_yaxes(rangemode="normal")
    shown = yearly.rename(
        columns={
            "year": t("col.year"),
            "removals": t("cb.col.credits") + " (gross)",
            "credited": t("cb.col.credits"),
            "cumulative": "Σ " + t("cb.col.credits"),
            "price": t("cb.col.price"),
            "revenue": t("cb.col.revenue"),
            "cost": t("cb.col.cost"),
            "cash_flow": t("cb.col.net"),
        }
    )
    ui.chart_block(fig, shown, "carbon_project_cashflow", t("cb.credits"))
with right:
    fig = charts.bar(yearly, x="year", y="credited", y_title=t("unit.tco2e"))
    ui.chart_block(fig, shown, "carbon_project_credits", t("cb.col.credits"))
if result["npv_draws"]:
    import plotly.express as px

    draws_df = pd.DataFrame({"npv": result["npv_draws"]})
    fig = px.histogram(draws_df, x="npv", nbins=50, labels={"npv": f"NPV ({t('unit.yuan')})"})
    fig.update_yaxes(title="n")
    fig.add_vline(x=result["npv_CNY"], line_dash="dash", line_color="#C0392B")
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10})
    desc = draws_df["npv"].describe(percentiles=[0.05, 0.5, 0.95]).reset_index()
    desc.columns = ["stat", "NPV (CNY)"]
    ui.chart_block(fig, desc, "carbon_npv_draws", t("cb.npv_hist", n=len(result["npv_draws"])))
with st.expander(t("dt.provenance")):
    st.json(info)
