"""情景 Scenarios: baseline vs alternates — totals, waterfall of differences, assumptions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gep.app import charts, data, exports, scen, ui, views
from gep.app.i18n import t, text
from gep.errors import InputError
from gep.report.labels import (
    coefficient_label,
    describe_scenario,
    ecosystem_label,
    species_label,
    unit_label,
)

ctx = data.current()
ui.require_account(ctx)
acc, year, lang, unit = ctx.account, ctx.year, ctx.lang, ctx.unit
money = views.money_label(unit, lang)

st.title(t("sc.title"))
st.caption(t("sc.intro"))
try:
    scen.module()
except ImportError as exc:  # the scenario layer is optional
    ui.module_missing("gep.scenarios", exc)
    st.stop()

# ---- what is available
dataset_scenarios, ds_problems = scen.dataset_scenarios(ctx.dataset)
mine, ws_problems = scen.workspace_scenarios()
available = {s.key: s for s in [*dataset_scenarios, *mine]}
if ds_problems or ws_problems:
    st.warning(t("sc.file_problems"))
    ui.show_problems([*ds_problems, *ws_problems], key="sc_file_problems")


def acc_region_name(code: str) -> str:
    return ctx.dataset.region_name(code, lang) if ctx.dataset is not None else code


if available:
    listing = pd.DataFrame(
        [
            {
                t("col.scenario"): s.label(lang),
                t("sc.col.what"): t(f"sc.source.{s.origin}"),
                t("sc.description"): (
                    s.scenario.description.get(lang) or s.scenario.description.get("en") or ""
                ),
                t("sc.col.change"): ("；" if lang == "zh" else "; ").join(
                    describe_scenario(s.scenario, lang, ctx.coefficients, acc_region_name)
                ),
            }
            for s in available.values()
        ]
    )
    st.markdown(f"**{t('sc.available')}**")
    st.dataframe(listing, hide_index=True, width="stretch", key="sc_listing")
else:
    st.info(t("sc.none"))


@st.cache_data(show_spinner=False, max_entries=16)
def _stacked(
    dataset_hash: str,
    coefficients_hash: str,
    profile: str,
    content: str,
    _dataset,
    _coefficients,
    _scenarios,
):
    return scen.stacked(_dataset, _coefficients, _scenarios, profile)


# ---- evaluate: baseline + every scenario that applies, in one vectorized call
results: dict[str, object] = {}
if available:
    with st.spinner(t("sc.computing")):
        progress = st.progress(0.0, text=t("sc.checking"))
        good, bad = [], {}
        for i, s in enumerate(available.values()):
            ok, err = scen.check_each([s], ctx.dataset, ctx.coefficients)
            good += ok
            bad.update(err)
            progress.progress((i + 1) / (len(available) + 1), text=t("sc.checking"))
        if good:
            progress.progress(len(available) / (len(available) + 1), text=t("sc.computing"))
            stacked = _stacked(
                ctx.dataset_hash,
                ctx.coefficients.hash,
                ctx.profile,
                scen.content_key(good),
                ctx.dataset,
                ctx.coefficients,
                good,
            )
            results = {s.key: scen.account_for(stacked, s.key, acc) for s in good}
        progress.empty()
    for key, exc in bad.items():
        st.error(t("sc.not_applied", name=available[key].label(lang)))
        ui.show_problems(exc.problems, key=f"sc_err_{key}")

if results:
    base_total = float(acc.city_gep().sel(year=year))
    rows = [{"scenario": t("sc.baseline"), "value": base_total / views.scale(unit)}]
    for key, alt in results.items():
        rows.append(
            {
                "scenario": available[key].label(lang),
                "value": float(alt.city_gep().sel(year=year)) / views.scale(unit),
            }
        )
    totals = pd.DataFrame(rows)
    totals["diff"] = totals["value"] - totals["value"].iloc[0]
    diffs = totals.iloc[1:].assign(sign=lambda d: d["diff"].ge(0).map({True: "+", False: "−"}))
    fig = charts.bar(
        diffs,
        x="scenario",
        y="diff",
        y_title=money,
        color="sign",
        color_map={"+": "#2E8B57", "−": "#C0392B"},
    )
    fig.update_layout(showlegend=False)
    ui.chart_block(
        fig,
        totals.rename(
            columns={
                "scenario": t("col.scenario"),
                "value": t("col.gep", u=money),
                "diff": t("col.diff", u=money),
            }
        ),
        "scenario_totals",
        t("sc.totals", u=money, y=year),
    )

    keys = list(results)
    c1, c2 = st.columns([2, 1])
    with c1:
        chosen = ui._select(
            t("sc.choose"),
            keys,
            "sc_chosen",
            default=keys[0],
            format_func=lambda k: available[k].label(lang),
        )
    with c2:
        by = st.radio(
            t("sc.compare_by"),
            ["indicator", "county"],
            key="sc_by",
            horizontal=True,
            format_func=lambda b: text(f"sc.by_{b}", lang),
        )
    alt = results[chosen]
    name = available[chosen].label(lang)
    diff = views.difference_by(
        acc, alt, year, "indicator" if by == "indicator" else "region", lang, unit
    )
    shown = diff[diff["delta"].abs() > 1e-12]
    alt_total = float(alt.city_gep().sel(year=year)) / views.scale(unit)
    fig = charts.waterfall(
        list(shown["label"]),
        list(shown["delta"]),
        t("sc.baseline"),
        base_total / views.scale(unit),
        name,
        money,
    )
    table = diff.drop(columns=["key"] if by == "indicator" else []).rename(
        columns={
            "key": t("col.region"),
            "label": t("col.indicator") if by == "indicator" else t("col.name"),
            "delta": t("col.diff", u=money),
        }
    )
    total_row = {c: "" for c in table.columns}
    total_row[table.columns[0 if by == "indicator" else 1]] = t("sc.total")
    total_row[t("col.diff", u=money)] = alt_total - base_total / views.scale(unit)
    table = pd.concat([table, pd.DataFrame([total_row])], ignore_index=True)
    ui.chart_block(
        fig,
        table,
        "scenario_waterfall",
        t("sc.waterfall", y=year, b=t("sc.baseline"), s=name, u=money),
    )

    st.markdown(f"**{t('sc.assumptions')} — {name}**")
    assume = scen.assumptions(available[chosen], ctx.dataset, ctx.coefficients, year, lang)
    st.dataframe(assume, hide_index=True, width="stretch", key="sc_assumptions")
    st.download_button(
        f"⬇ {t('dl.csv')}",
        ui.csv_bytes(assume),
        file_name="scenario_assumptions.csv",
        mime="text/csv",
        key="dl_sc_assumptions",
        on_click=exports.logger("csv", "scenario_assumptions.csv", scenario=name),
    )

# ---- build / change a scenario (the fields in three boxes: name, coefficient changes, land
# conversions and carbon price; on a phone each box keeps its fields together)
st.divider()
st.subheader(t("sc.build"))
coef_ids = sorted(ctx.coefficients.coefficients)
ecosystems = (
    [str(e) for e in ctx.dataset.data["ecosystem"].values]
    if "ecosystem" in ctx.dataset.data.coords
    else []
)


def _load_existing() -> None:
    key = st.session_state.get("sc_edit_existing")
    sc = available.get(key) if key else None
    if sc is not None:
        fields = scen.form_fields(sc)
        st.session_state["sc_name"] = fields["name"]
        st.session_state["sc_description"] = fields["description"]
        st.session_state["sc_overrides"] = fields["overrides"]
        st.session_state["sc_extra"] = fields["extra"]


def _add_override() -> None:
    ss = st.session_state
    cid, op, amount, key = (
        ss.get("sc_helper_coef"),
        ss.get("sc_helper_op", "scale"),
        ss.get("sc_helper_amount", 1.0),
        ss.get("sc_helper_key") or "",
    )
    if not cid:
        return
    sym = {"scale": "*=", "set": "=", "add": "+="}[op]
    line = f"{cid}{f'[{key}]' if key else ''}{sym}{amount:g}"
    ss["sc_overrides"] = f"{ss.get('sc_overrides', '').rstrip()}\n{line}".strip()


def _add_conversion() -> None:
    ss = st.session_state
    src, dst, area, area_unit = (
        ss.get("sc_lc_from"),
        ss.get("sc_lc_to"),
        ss.get("sc_lc_area", 0.0),
        ss.get("sc_lc_unit"),
    )
    region, since = ss.get("sc_lc_region") or "", ss.get("sc_lc_year")
    if not src or not dst or src == dst:
        return
    item = f'  - {{from: {src}, to: {dst}, area: "{area:g} {area_unit}"'
    if region:
        item += f', region: "{region}"'
    if since:
        item += f", from_year: {int(since)}"
    item += "}"
    extra = ss.get("sc_extra", "").rstrip()
    if "land_conversions:" not in extra:
        extra = (extra + "\nland_conversions:").strip()
    ss["sc_extra"] = f"{extra}\n{item}"


mine_keys = [s.key for s in mine]
with st.container(border=True):
    st.markdown(f"**{text('sc.grp.name', lang)}**")
    if mine_keys:
        st.selectbox(
            t("sc.edit_existing"),
            ["", *mine_keys],
            key="sc_edit_existing",
            on_change=_load_existing,
            format_func=lambda k: "—" if not k else available[k].label(lang),
        )
    st.text_input(t("sc.name"), key="sc_name")
    st.text_input(t("sc.description"), key="sc_description")
with st.container(border=True):
    st.markdown(f"**{text('sc.grp.overrides', lang)}**")
    with st.expander(t("sc.helper")):
        h1, h2, h3, h4 = st.columns([3, 1, 1, 1])
        with h1:
            cid = st.selectbox(
                t("sc.coef"),
                coef_ids,
                key="sc_helper_coef",
                format_func=lambda i: coefficient_label(i, ctx.coefficients, lang),
            )
        with h2:
            st.selectbox(
                t("sc.op"),
                ["scale", "set", "add"],
                key="sc_helper_op",
                format_func=lambda o: text(f"sc.op.{o}", lang),
            )
        with h3:
            st.number_input(t("sc.amount"), value=1.1, key="sc_helper_amount", format="%g")
        c = ctx.coefficients.coefficients.get(cid)
        with h4:
            if c is not None and c.by:
                keys = sorted({k for e in c.values if isinstance(e.value, dict) for k in e.value})
                st.selectbox(
                    t(f"sc.by.{c.by}") if c.by in ("ecosystem", "species", "region") else c.by,
                    ["", *keys],
                    key="sc_helper_key",
                    format_func=lambda k: (
                        "—"
                        if not k
                        else (species_label if c.by == "species" else ecosystem_label)(k, lang)
                        if c.by != "region"
                        else acc.region_name(k, lang)
                    ),
                )
            elif "sc_helper_key" in st.session_state:
                del st.session_state["sc_helper_key"]
        if c is not None:
            st.caption(f"{c.description.get(lang, '')} · {unit_label(c.unit, lang)}")
        st.button(t("sc.add_line"), on_click=_add_override, key="sc_add_line")
    st.text_area(t("sc.overrides"), key="sc_overrides", height=110)
with st.container(border=True):
    st.markdown(f"**{text('sc.grp.extra', lang)}**")
    if ecosystems:
        with st.expander(t("sc.lc_helper")):
            l1, l2, l3, l4, l5, l6 = st.columns([2, 2, 1, 1, 1, 1])
            l1.selectbox(
                t("sc.lc_from"),
                ecosystems,
                key="sc_lc_from",
                format_func=lambda e: ecosystem_label(e, lang),
                index=ecosystems.index("farmland.dry") if "farmland.dry" in ecosystems else 0,
            )
            l2.selectbox(
                t("sc.lc_to"),
                ecosystems,
                key="sc_lc_to",
                format_func=lambda e: ecosystem_label(e, lang),
                index=ecosystems.index("forest.broadleaf")
                if "forest.broadleaf" in ecosystems
                else 0,
            )
            l3.number_input(t("sc.lc_area"), min_value=0.0, value=1000.0, key="sc_lc_area")
            l4.selectbox(
                t("cb.area_unit"),
                ["mu", "hectare"],
                key="sc_lc_unit",
                format_func=lambda u: unit_label(u, lang),
            )
            l5.selectbox(
                t("co.select"),
                ["", *acc.regions],
                key="sc_lc_region",
                format_func=lambda r: "—" if not r else acc.region_name(r, lang),
            )
            l6.selectbox(
                t("sc.lc_year"),
                [None, *acc.years],
                key="sc_lc_year",
                format_func=lambda y: "—" if y is None else str(y),
            )
            st.button(t("sc.add_line"), on_click=_add_conversion, key="sc_add_lc")
    st.text_area(
        t("sc.extra"),
        key="sc_extra",
        height=110,
        placeholder=(
            "land_conversions:\n  - {from: farmland.dry, to: forest.broadleaf, area: 500 mu, "
            "from_year: 2022}\ncarbon_price:\n  path: {2022: 60, 2024: 90}"
        ),
    )


def _save() -> None:
    ss = st.session_state
    name = ss.get("sc_name", "").strip()
    if not name:
        ss["_sc_flash"] = ("error", t("sc.need_name"), [])
        return
    try:
        raw = scen.build_raw(
            name,
            ss.get("sc_description", ""),
            ss.get("sc_overrides", ""),
            ss.get("sc_extra", ""),
            base_name=ctx.coefficients.name,
            base_hash=ctx.coefficients.hash,
        )
        scen.validate(raw, ctx.dataset, ctx.coefficients, file=name)
        path = scen.save(raw)
        ss["_sc_flash"] = ("success", t("sc.saved", name=name, path=str(path)), [])
    except InputError as exc:
        ss["_sc_flash"] = ("error", t("sc.invalid"), exc.problems)


def _delete() -> None:
    ss = st.session_state
    target = ss.get("sc_edit_existing")
    if target in available:
        scen.delete(available[target])
        ss["_sc_flash"] = ("success", t("sc.deleted", name=available[target].label(lang)), [])
    ss["sc_edit_existing"] = ""


b1, b2 = st.columns(2)
with b1:
    st.button(f"💾 {t('sc.save')}", key="sc_save", type="primary", on_click=_save)
with b2:
    if mine_keys and st.session_state.get("sc_edit_existing"):
        st.button(f"🗑 {t('sc.delete')}", key="sc_delete", on_click=_delete)
flash = st.session_state.pop("_sc_flash", None)
if flash:
    kind, message, problems = flash
    if message:
        (st.success if kind == "success" else st.error)(message)
    if problems:
        ui.show_problems(problems, key="sc_save_problems")
