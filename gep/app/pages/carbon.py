"""林业碳汇 Forest carbon sinks: county sink by species group, and the project calculator."""

from __future__ import annotations

import json
import math

import pandas as pd
import streamlit as st

from gep.app import charts, data, exports, ui, views
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
            t("cb.method"),
            list(carbon.SINK_METHODS),
            "cb_method",
            default="stock-difference",
            format_func=lambda m: text(f"cb.sink.{m}", lang) if f"cb.sink.{m}" in STRINGS else m,
        )
    with c2:
        biomass = ui._select(
            t("cb.biomass"),
            list(carbon.BIOMASS_METHODS),
            "cb_biomass",
            default="fang",
            format_func=lambda m: text(f"cb.bio.{m}", lang) if f"cb.bio.{m}" in STRINGS else m,
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
            if lang == "zh":
                why = cs_support.EXCLUDED_ZH.get(s, why)
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
        cs_support.show_input_error(exc, lang)
    # ---- county pricing view
    years_inv = [int(y) for y in ctx.dataset.data["year"].values]
    st.markdown(f"**{cs_support.tr('county_title', lang)}**")
    st.caption(cs_support.tr("county_note", lang))
    if year == years_inv[0]:
        st.caption(t("cb.first_year"))
    else:
        try:
            price_tbl = cs_support.county_pricing(
                ctx.dataset_hash,
                ctx.coefficients.hash,
                biomass,
                year,
                ctx.dataset,
                ctx.coefficients,
            )
            price_tbl.insert(
                1, "name", [ctx.dataset.region_name(r, lang) for r in price_tbl["region"]]
            )
            scen_names = list(carbon.PRICE_SCENARIOS)
            fig = charts.grouped_bar(
                price_tbl.melt(
                    id_vars="name",
                    value_vars=["sink_afforestation", "sink_existing"],
                    var_name="part",
                    value_name="value",
                ).assign(
                    part=lambda d: d["part"].map(
                        {
                            "sink_afforestation": "造林（可计入）"
                            if lang == "zh"
                            else "afforestation (creditable)",
                            "sink_existing": "现有森林（不可计入）"
                            if lang == "zh"
                            else "existing forest (not creditable)",
                        }
                    )
                ),
                x="name",
                y="value",
                color="part",
                y_title=tco2e,
                stacked=True,
            )
            shown_cp = price_tbl.copy()
            for k in scen_names:
                shown_cp[k] = shown_cp[k] / 1e4
            shown_cp["creditable_share"] = 100 * shown_cp["creditable_share"]
            shown_cp = shown_cp.rename(
                columns={
                    "region": t("col.region"),
                    "name": t("col.name"),
                    "sink": f"碳汇 {tco2e}" if lang == "zh" else f"sink {tco2e}",
                    "forest_area": "森林面积 ha" if lang == "zh" else "forest ha",
                    "new_area": "新增林地 ha" if lang == "zh" else "new forest ha",
                    "sink_afforestation": "可计入（造林）"
                    if lang == "zh"
                    else "creditable (afforestation)",
                    "sink_existing": "现有森林" if lang == "zh" else "existing forest",
                    "creditable_share": "可计入比例 %" if lang == "zh" else "creditable %",
                    **{
                        k: (
                            f"{carbon.PRICE_SCENARIOS[k].zh if lang == 'zh' else k} "
                            f"{carbon.PRICE_SCENARIOS[k].price:g}元/t（万元/年）"
                        )
                        if lang == "zh"
                        else f"{k} {carbon.PRICE_SCENARIOS[k].price:g} CNY/t (10⁴ CNY/yr)"
                        for k in scen_names
                    },
                }
            )
            ui.chart_block(
                fig, shown_cp, "carbon_county_pricing", cs_support.tr("county_title", lang)
            )
        except InputError as exc:
            cs_support.show_input_error(exc, lang)

# ---- project calculator
st.divider()
st.subheader(t("cb.project"))


def tr(key: str, **kw) -> str:
    return cs_support.tr(key, lang, **kw)


from gep.carbon.inputs import input_help  # noqa: E402


def helptext(name: str) -> str:
    return input_help(name, lang, defaults_obj)


DEFAULT_START = 2025  # the form's default start year; defaults are resolved for it
curves = cs_support.project_species(ctx.coefficients.hash, DEFAULT_START, ctx.coefficients)
try:
    defaults = cs_support.project_defaults(ctx.coefficients.hash, DEFAULT_START, ctx.coefficients)
except InputError as exc:
    cs_support.show_input_error(exc, lang)
    st.stop()
from gep.carbon.costs import ProjectDefault  # noqa: E402

defaults_obj = {k: ProjectDefault(**v) for k, v in defaults.items()}
species_all = list(curves)
scenarios = carbon.PRICE_SCENARIOS
price_options = [*scenarios, "custom"]
mu_per_ha = 15.0  # 1 ha = 15 亩 exactly
unknown = tr("unknown")
tristate = {unknown: None, tr("yes"): True, tr("no"): False}
with st.form("cb_project"):
    st.markdown(f"**{t('cb.inputs')}**")
    # related inputs together, each group in its own box (on a phone the columns stack, and
    # the boxes keep each group's fields together); advanced groups folded
    g = st.container(border=True)
    g.markdown(f"**{text('cb.grp.project', lang)}**")
    a1, a2, a3 = g.columns(3)
    a4, b1 = g.columns(2)
    g = st.container(border=True)
    g.markdown(f"**{text('cb.grp.price', lang)}**")
    b2, b3 = g.columns(2)
    b4, c1 = g.columns(2)
    g = st.container(border=True)
    g.markdown(f"**{text('cb.grp.cost', lang)}**")
    c2, c3, c4 = g.columns(3)
    d1, d4, e1 = g.columns(3)
    g = st.container(border=True)
    g.markdown(f"**{text('cb.grp.verify', lang)}**")
    d2, d3 = g.columns(2)
    e2, e3, e4 = g.columns(3)
    g = st.expander(text("cb.grp.mc", lang))
    f1, f2, f3, f4, f5 = g.columns(5)
    area = a1.number_input(
        t("cb.area"), min_value=0.0, value=7500.0, step=500.0, key="cb_area", help=helptext("area")
    )
    area_unit = a2.selectbox(
        t("cb.area_unit"),
        ["mu", "hectare", "km**2"],
        key="cb_area_unit",
        format_func=(
            {"mu": "亩 mu", "hectare": "公顷 ha", "km**2": "km²"}
            if lang == "zh"
            else {"mu": "mu (1/15 ha)", "hectare": "ha", "km**2": "km²"}
        ).get,
    )
    species = a3.selectbox(
        t("cb.species"),
        species_all,
        index=species_all.index("cunninghamia") if "cunninghamia" in species_all else 0,
        key="cb_species",
        format_func=lambda s: (
            species_label(s) + ("" if not curves[s].startswith("REFUSED") else " ⚠")
        ),
        help=helptext("species"),
    )
    start = a4.number_input(
        t("cb.start"),
        min_value=1990,
        max_value=2100,
        value=2025,
        step=1,
        key="cb_start",
        help=helptext("start"),
    )
    period = b1.number_input(
        t("cb.period"),
        min_value=1,
        max_value=100,
        value=20,
        step=1,
        key="cb_period",
        help=helptext("period"),
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
        help=helptext("price"),
    )
    price = b3.number_input(
        t("cb.price"), min_value=0.0, value=70.0, step=5.0, key="cb_price", help=helptext("price")
    )
    growth = b4.number_input(
        t("cb.growth"), value=0.0, step=0.5, key="cb_growth", help=helptext("price_growth")
    )
    discount = c1.number_input(
        t("cb.discount"),
        min_value=0.0,
        max_value=50.0,
        value=float(defaults["discount_pct"]["value"]),
        step=0.5,
        key="cb_discount",
        help=helptext("discount"),
    )
    capex = c2.number_input(
        tr("capex"),
        min_value=0.0,
        value=float(defaults["establishment"]["value"]) / mu_per_ha,
        step=50.0,
        key="cb_capex",
        help=helptext("establishment"),
    )
    opex = c3.number_input(
        tr("opex"),
        min_value=0.0,
        value=float(defaults["management"]["value"]) / mu_per_ha,
        step=5.0,
        key="cb_opex",
        help=helptext("management"),
    )
    validation = c4.number_input(
        tr("validation"),
        min_value=0.0,
        value=float(defaults["validation"]["value"]),
        step=10000.0,
        key="cb_validation",
        help=helptext("validation"),
    )
    verification = d1.number_input(
        tr("verification"),
        min_value=0.0,
        value=float(defaults["verification"]["value"]),
        step=5000.0,
        key="cb_verification",
        help=helptext("verification"),
    )
    first = d2.number_input(
        tr("first"),
        min_value=3,
        max_value=40,
        value=int(defaults["verification_first"]["value"]),
        step=1,
        key="cb_first",
        help=helptext("verification_first"),
    )
    interval = d3.number_input(
        tr("interval"),
        min_value=1,
        max_value=20,
        value=int(defaults["verification_interval"]["value"]),
        step=1,
        key="cb_interval",
        help=helptext("verification_interval"),
    )
    registry = d4.number_input(
        tr("registry"),
        min_value=0.0,
        value=float(defaults["registry_fee"]["value"]),
        step=0.5,
        key="cb_registry",
        help=helptext("registry_fee"),
    )
    fee = e1.number_input(
        tr("fee"),
        min_value=0.0,
        max_value=99.0,
        value=100 * float(defaults["fee_share"]["value"]),
        step=0.5,
        key="cb_fee",
        help=helptext("fee_share"),
    )
    baseline = e2.number_input(
        tr("baseline"),
        min_value=0.0,
        value=0.0,
        step=0.05,
        key="cb_baseline",
        help=helptext("baseline"),
    )
    leakage = e3.number_input(
        tr("leakage"),
        min_value=0.0,
        max_value=99.0,
        value=100 * float(defaults["leakage_share"]["value"]),
        step=1.0,
        key="cb_leakage",
        help=helptext("leakage_share"),
    )
    buffer_pct = e4.number_input(
        tr("deduction"),
        min_value=0.0,
        max_value=99.0,
        value=100 * float(defaults["uncertainty_deduction"]["value"]),
        step=1.0,
        key="cb_buffer",
        help=helptext("uncertainty_deduction"),
    )
    draws = f1.number_input(
        t("cb.draws"),
        min_value=0,
        max_value=20000,
        value=1000,
        step=100,
        key="cb_draws",
        help=helptext("draws"),
    )
    seed = f2.number_input(
        t("cb.seed"), min_value=0, value=42, step=1, key="cb_seed", help=helptext("seed")
    )
    price_sd = f3.number_input(
        tr("price_sd"),
        min_value=0.0,
        max_value=2.0,
        value=float(defaults["price_sd"]["value"]),
        step=0.05,
        key="cb_price_sd",
        help=helptext("price_sd"),
    )
    cost_sd = f4.number_input(
        tr("cost_sd"),
        min_value=0.0,
        max_value=2.0,
        value=float(defaults["cost_sd"]["value"]),
        step=0.05,
        key="cb_cost_sd",
        help=helptext("cost_sd"),
    )
    extrapolate = f5.checkbox(
        t("cb.extrapolate"), value=False, key="cb_extrapolate", help=helptext("extrapolate")
    )
    with st.expander(tr("elig_facts")):
        g1, g2, g3, g4 = st.columns(4)
        nonforest = g1.number_input(
            tr("nonforest_since"),
            min_value=0,
            max_value=2100,
            value=0,
            step=1,
            key="cb_nonforest",
            help=helptext("nonforest_since"),
        )
        parcel = g2.number_input(
            tr("min_parcel"),
            min_value=0.0,
            value=0.0,
            step=100.0,
            key="cb_parcel",
            help=helptext("min_parcel"),
        )
        rainfall = g3.number_input(
            tr("rainfall"),
            min_value=0.0,
            max_value=20000.0,
            value=0.0,
            step=50.0,
            key="cb_rain",
            help=helptext("rainfall"),
        )
        key_zone = g4.selectbox(
            tr("key_zone"), list(tristate), key="cb_key_zone", help=helptext("key_zone")
        )
        h1, h2, h3, h4 = st.columns(4)
        tenure = h1.selectbox(
            tr("tenure"), list(tristate), key="cb_tenure", help=helptext("tenure")
        )
        wetland = h2.selectbox(
            tr("wetland"), list(tristate), key="cb_wetland", help=helptext("wetland")
        )
        economic = h3.selectbox(
            tr("economic"), list(tristate), key="cb_economic", help=helptext("economic_forest")
        )
        welfare = h4.selectbox(
            tr("welfare"), list(tristate), key="cb_welfare", help=helptext("public_welfare_forest")
        )
    st.form_submit_button(f"▶ {t('cb.run')}", type="primary")

if curves[species].startswith("REFUSED"):
    st.error(
        tr("refused")
        + "："
        + cs_support.problem_text(
            __import__("gep.errors", fromlist=["Problem"]).Problem(
                "carbon.growth", curves[species].removeprefix("REFUSED: "), field="species"
            ),
            lang,
        )
    )
    st.stop()


def curve_text(desc: str) -> str:
    """The growth curve's description in the page language (the curve sources the carbon layer
    names, ``gep.carbon.curves.RICHARDS_SOURCES``; another description is shown as written)."""
    for key in ("species-level", "pooled-plot", "yield"):
        if desc.startswith(key) and f"cb.curve.{key}" in STRINGS:
            return text(f"cb.curve.{key}", lang)
    return desc


st.caption(tr("curve", c=curve_text(curves[species])))
facts = (
    ("nonforest_since", int(nonforest) or None),
    ("min_parcel_m2", float(parcel) or None),
    ("rainfall_mm", float(rainfall) or None),
    ("key_ecological_zone", tristate[key_zone]),
    ("tenure_documented", tristate[tenure]),
    ("wetland", tristate[wetland]),
    ("economic_forest", tristate[economic]),
    ("public_welfare_forest", tristate[welfare]),
)
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
    ("first", int(first)),
    ("interval", int(interval)),
    ("registry_fee", float(registry)),
    ("fee_share", float(fee) / 100),
    ("baseline_ha", float(baseline) * mu_per_ha),
    ("leakage_share", float(leakage) / 100),
    ("deduction", float(buffer_pct) / 100),
    ("draws", int(draws)),
    ("seed", int(seed)),
    ("price_sd", float(price_sd)),
    ("cost_sd", float(cost_sd)),
    ("extrapolate", bool(extrapolate)),
    ("facts", facts),
)
try:
    with st.spinner(t("cb.computing")):
        result = cs_support.appraise(ctx.coefficients.hash, inputs, ctx.coefficients)
except InputError as exc:
    cs_support.show_input_error(exc, lang)
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


def _irr_text(value, reason) -> str:
    if value is not None:
        return f"{100 * value:.2f} %"
    return tr("no_irr_sign") if reason == "no_sign_change" else tr("no_irr_root")


m1, m2, m3, m4, m5, m6 = st.columns(6)
m1.metric(_label("cb.total_credits", t("unit.tco2e")), _fmt(result["cumulative_tCO2e"][-1], 0))
m2.metric(
    f"{tr('credits_total')} · {tr('per_mu')}",
    _fmt(result["credited_total_tCO2e_per_mu"], 2),
)
m3.metric(
    _label("cb.npv", t("unit.wan")),
    _fmt(result["npv_CNY"] / 1e4 if result["npv_CNY"] is not None else None, 2),
)
m4.metric(tr("npv_mu"), _fmt(result["npv_CNY_per_mu"], 1))
m5.metric(t("cb.irr"), _irr_text(result["irr"], result["irr_reason"]))
m6.metric(
    _label("cb.breakeven", t("cb.col.price_unit")),
    _fmt(result["breakeven_price_CNY_per_tCO2e"], 2)
    if result["breakeven_price_CNY_per_tCO2e"] is not None
    else t("cb.no_breakeven"),
)
st.caption(
    f"{t('cb.payback')}: {_fmt(result['discounted_payback_years'], 0)} {t('cb.years')} · "
    + ("核查/签发年份" if lang == "zh" else "Verification / issuance years")
    + ": "
    + ", ".join(map(str, result["verification_years"]))
)
if result.get("npv_p5") is not None:
    st.info(
        tr("mc", n=len(result["npv_draws"]))
        + f": NPV {result['npv_p5'] / 1e4:,.1f} / {result['npv_p50'] / 1e4:,.1f} / "
        f"{result['npv_p95'] / 1e4:,.1f} {t('unit.wan')}; "
        + (
            f"{tr('per_mu')} {result['npv_CNY_per_mu_p5']:,.0f} / "
            f"{result['npv_CNY_per_mu_p50']:,.0f} / {result['npv_CNY_per_mu_p95']:,.0f} "
            f"{'元' if lang == 'zh' else 'CNY'}; "
        )
        + f"{t('cb.col.credits')} {result['credited_total_p5']:,.0f} / "
        f"{result['credited_total_p50']:,.0f} / {result['credited_total_p95']:,.0f}"
    )

import plotly.graph_objects as go  # noqa: E402

yearly = cs_support.yearly_frame(result)
shown = yearly.rename(
    columns={
        "year": t("col.year"),
        "removals": t("cb.col.credits") + " (gross)",
        "credited": t("cb.col.credits"),
        "cumulative": "Σ " + t("cb.col.credits"),
        "issued": tr("issued"),
        "cumulative_issued": tr("cum_issued"),
        "price": t("cb.col.price"),
        "revenue": t("cb.col.revenue"),
        "cost": t("cb.col.cost"),
        "cash_flow": t("cb.col.net"),
        "cumulative_cash_flow": tr("cumulative"),
        "discounted_cumulative": tr("disc_cumulative"),
        "credited_per_mu": t("cb.col.credits") + " / " + tr("per_mu"),
        "cash_flow_per_mu": t("cb.col.net") + " / " + tr("per_mu"),
    }
)
left, right = st.columns(2)
with left:
    fig = go.Figure()
    fig.add_bar(x=yearly["year"], y=yearly["cash_flow"], name=tr("yearly"), marker_color="#8FAADC")
    fig.add_scatter(
        x=yearly["year"],
        y=yearly["cumulative_cash_flow"],
        name=tr("cumulative"),
        mode="lines+markers",
        line={"color": "#C0392B", "width": 3},
    )
    fig.add_scatter(
        x=yearly["year"],
        y=yearly["discounted_cumulative"],
        name=tr("disc_cumulative"),
        mode="lines",
        line={"color": "#2E8B57", "dash": "dash"},
    )
    fig.add_hline(y=0, line_color="#555", line_width=1)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend={"orientation": "h"})
    fig.update_yaxes(title=t("unit.yuan"))
    ui.chart_block(fig, shown, "carbon_project_cashflow", tr("cashflow_title"))
with right:
    fig = go.Figure()
    fig.add_bar(x=yearly["year"], y=yearly["credited"], name=tr("credited"), marker_color="#A9D18E")
    fig.add_bar(x=yearly["year"], y=yearly["issued"], name=tr("issued"), marker_color="#2E8B57")
    fig.add_scatter(
        x=yearly["year"],
        y=yearly["cumulative_issued"],
        name=tr("cum_issued"),
        mode="lines",
        yaxis="y2",
        line={"color": "#555"},
    )
    fig.update_layout(
        barmode="group",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h"},
        yaxis={"title": t("unit.tco2e"), "rangemode": "tozero"},
        yaxis2={"overlaying": "y", "side": "right", "title": "Σ", "rangemode": "tozero"},
    )
    ui.chart_block(fig, shown, "carbon_project_credits", tr("credits_title"))
left, right = st.columns(2)
with left:
    sens = pd.DataFrame(result["price_sensitivity"])
    fig = go.Figure()
    fig.add_scatter(
        x=sens["price_CNY_per_tCO2e"], y=sens["npv_CNY"] / 1e4, mode="lines", name="NPV"
    )
    fig.add_hline(y=0, line_color="#555", line_width=1)
    if result["breakeven_price_CNY_per_tCO2e"] is not None:
        fig.add_vline(
            x=result["breakeven_price_CNY_per_tCO2e"], line_dash="dash", line_color="#C0392B"
        )
    fig.update_xaxes(title=t("cb.col.price_unit"))
    fig.update_yaxes(title=t("unit.wan"))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10})
    tbl = sens.rename(
        columns={
            "price_CNY_per_tCO2e": t("cb.col.price"),
            "npv_CNY": "NPV (元)" if lang == "zh" else "NPV (CNY)",
        }
    )
    ui.chart_block(fig, tbl, "carbon_price_sensitivity", tr("sens_title"))
with right:
    st.markdown(f"**{tr('scen_title')}**")
    scen = pd.DataFrame(result["price_scenarios"])
    scen["irr"] = [_irr_text(v, r) for v, r in zip(scen["irr"], scen["irr_reason"], strict=True)]
    scen["name"] = scen["zh"] if lang == "zh" else scen["scenario"]
    scen["npv_CNY"] = (scen["npv_CNY"] / 1e4).round(1)
    scen["npv_CNY_per_mu"] = scen["npv_CNY_per_mu"].round(0)
    scen = scen[["name", "price_CNY_per_tCO2e", "npv_CNY", "npv_CNY_per_mu", "irr"]].rename(
        columns={
            "name": "情景" if lang == "zh" else "scenario",
            "price_CNY_per_tCO2e": t("cb.col.price"),
            "npv_CNY": f"NPV（{t('unit.wan')}）" if lang == "zh" else f"NPV ({t('unit.wan')})",
            "npv_CNY_per_mu": tr("npv_mu") + ("（元/亩）" if lang == "zh" else " (CNY/mu)"),
            "irr": t("cb.irr"),
        }
    )
    st.dataframe(scen, hide_index=True, width="stretch", key="cb_scenarios")
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

st.markdown(f"**{tr('elig_title')}**")
elig = pd.DataFrame(result["eligibility"])
elig_view = pd.DataFrame(
    {
        ("条件" if lang == "zh" else "condition"): elig["zh" if lang == "zh" else "en"],
        ("结果" if lang == "zh" else "status"): elig["status_zh" if lang == "zh" else "status"],
        ("说明" if lang == "zh" else "detail"): elig["detail_zh" if lang == "zh" else "detail_en"],
        ("条款" if lang == "zh" else "clause"): [
            c + ("" if v else (" ［条款未核实］" if lang == "zh" else " [clause unverified]"))
            for c, v in zip(
                elig["clause_zh" if lang == "zh" else "clause"], elig["verified"], strict=True
            )
        ],
        ("需要的证明" if lang == "zh" else "evidence"): elig[
            "evidence_zh" if lang == "zh" else "evidence_en"
        ],
    }
)
st.dataframe(elig_view, hide_index=True, width="stretch", key="cb_eligibility")

from gep.carbon.export import summary_docx, summary_xlsx  # noqa: E402

x1, x2 = st.columns(2)
x1.download_button(
    f"⬇ {tr('export_docx')}",
    summary_docx(result, defaults, lang),
    file_name="carbon_project_summary.docx",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    key="cb_export_docx",
    on_click=exports.logger("carbon.docx", "carbon_project_summary.docx"),
)
x2.download_button(
    f"⬇ {tr('export_xlsx')}",
    summary_xlsx(result, defaults, lang),
    file_name="carbon_project_summary.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="cb_export_xlsx",
    on_click=exports.logger("carbon.xlsx", "carbon_project_summary.xlsx"),
)


def _in_lang(value: str) -> str:
    """``"未知 / unknown"`` → the side in the page language (a default written in both)."""
    left, sep, right = str(value).partition(" / ")
    if sep and any("\u4e00" <= ch <= "\u9fff" for ch in left) and right.isascii():
        return left if lang == "zh" else right
    return str(value)


def inputs_table() -> pd.DataFrame:
    """Every project input: name, unit, meaning, default, its status and source (the source as
    written in the coefficient file; the coefficient itself is on the 系数 page)."""
    from gep.carbon.inputs import default_text, input_specs, unit_text
    from gep.report.labels import status_label

    zh = lang == "zh"
    rows = []
    for spec in input_specs().values():
        status, source = "", ""
        if "default_from" in spec and spec["default_from"] in defaults_obj:
            d = defaults_obj[spec["default_from"]]
            default = f"{d.value:,.6g} {views.nice_unit(d.unit, lang)}"
            status, source = status_label(d.status, lang), d.source
        else:
            default = _in_lang(default_text(spec, lang))
            for k, sc in scenarios.items():
                default = default.replace(k, sc.zh if zh else k)
            if "richards_a_se" in default:
                default = text("cb.default.fit_se", lang)
            source = str(spec.get("default_source", ""))
        rows.append(
            {
                text("cb.in.label", lang): spec["zh" if zh else "en"],
                text("cb.in.unit", lang): unit_text(spec, lang),
                text("cb.in.help", lang): spec["help_zh" if zh else "help_en"],
                text("cb.in.default", lang): default,
                text("cb.in.status", lang): status or "—",
                t("cf.col.source"): source,
            }
        )
    return pd.DataFrame(rows)


with st.expander(tr("inputs_title")):
    st.dataframe(inputs_table(), hide_index=True, width="stretch", key="cb_inputs")
with st.expander(t("dt.provenance")):
    st.caption(text("cb.record", lang))
    st.code(json.dumps(info, ensure_ascii=False, indent=1, default=str), language="json")
