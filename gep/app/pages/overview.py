"""总览 Overview: city GEP by category, trend, GEP/GDP, per km², ranking, map, composition."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gep.app import charts, data, geo, ui, views, workspace
from gep.app.i18n import t, text
from gep.errors import InputError
from gep.report.labels import reason_label

ctx = data.current()
ui.require_account(ctx)
acc, year, lang, unit = ctx.account, ctx.year, ctx.lang, ctx.unit
money = views.money_label(unit, lang)

st.title(t("ov.title"))
ds = ctx.dataset
description = ds.meta.get("description")
description = (
    description.get(lang, ds.name) if isinstance(description, dict) else str(description or ds.name)
)
st.caption(
    t(
        "ov.caption",
        ds=description.split("。")[0].split(". ")[0],
        n=len(acc.regions),
        y0=acc.years[0],
        y1=acc.years[-1],
        cs=ctx.coefficients.name,
    )
)

# ---- headline numbers
city = float(acc.city_gep().sel(year=year))
growth = views.growth_city(acc, year)
ratio = views.city_ratio(acc, year)
per_km2 = views.city_per_km2(acc, year)
c1, c2, c3, c4 = st.columns([1.5, 1, 1, 1])
c1.metric(
    t("ov.city_gep", y=year),
    f"{city / views.scale(unit):,.{0 if unit == 'wan' else 2}f} {money}",
)
c2.metric(t("ov.growth"), "—" if growth is None else f"{100 * growth:+.2f} %")
c3.metric(t("ov.ratio"), "—" if ratio is None else f"{ratio:.2f} {t('unit.times')}")
c4.metric(
    f"{t('ov.per_km2')}（{t('unit.per_km2')}）"
    if lang == "zh"
    else f"{t('ov.per_km2')} ({t('unit.per_km2')})",
    "—" if per_km2 is None else f"{per_km2:,.1f}",
)

if acc.has_deductions:  # which perspective the city total uses (issue 11)
    from gep.report.labels import perspective_note

    st.caption(perspective_note(acc, lang, year))

# ---- by category + trend
left, right = st.columns(2)
with left:
    cat = views.city_by_category(acc, year, lang, unit)

    def by_category_fig():
        f = charts.bar(
            cat,
            x="label",
            y="value",
            y_title=money,
            color="category",
            color_map=charts.CATEGORY_COLORS,
        )
        return f.update_layout(showlegend=False)

    table = cat.rename(
        columns={
            "label": t("col.category"),
            "value": t("col.value", u=money),
            "share": t("col.share"),
        }
    ).drop(columns="category")
    ui.chart_block(
        by_category_fig, table, "city_by_category", t("ov.by_category", y=year), cache=()
    )
with right:
    tr, problem = views.trend(acc, lang, unit)
    table = (
        tr.pivot(index="year", columns="basis", values="value")
        .reset_index()
        .rename(columns={"year": t("col.year")})
    )
    ui.chart_block(
        lambda: charts.lines(tr, x="year", y="value", color="basis", y_title=money),
        table,
        "city_trend",
        t("ov.trend") + f"（{money}）" if lang == "zh" else t("ov.trend") + f" ({money})",
        cache=(),
        per_year=False,  # every year: a year switch keeps the built figure
    )
    if problem:
        st.caption(f"⚠️ {problem}")

# ---- uncertainty band (Monte Carlo over the coefficients' uncertainty specs), on request
MC_DRAWS = 1000


@st.cache_data(show_spinner=False, max_entries=8)
def _monte_carlo(
    dataset_hash: str, coefficients_hash: str, profile: str, n: int, _dataset, _coefficients
):
    from gep.uncertainty import monte_carlo

    r = monte_carlo(
        _dataset,
        _coefficients,
        n_draws=n,
        seed=0,
        profile=profile,
        levels=("total",),
        keep_values=False,
    )
    return r.summary["total"].to_pandas(), len(r.parameters), list(r.not_varied), r.perspective


if st.toggle(t("ov.mc", n=MC_DRAWS), key="ov_mc"):
    try:
        with st.spinner(t("ov.mc_running", n=MC_DRAWS)):
            mc, n_params, not_varied, mc_perspective = _monte_carlo(
                ctx.dataset_hash, ctx.coefficients.hash, ctx.profile, MC_DRAWS, ds, ctx.coefficients
            )
        band = (mc / views.scale(unit)).reset_index()
        # the deterministic line in the band's perspective: the city's own ledger basis when
        # the Monte Carlo totals use it (issue 11), else the sum of county net values
        det_line = acc.city_gep() if mc_perspective == "city" else acc.county_sum_gep()
        band["deterministic"] = det_line.to_pandas().reindex(band["year"]).to_numpy() / views.scale(
            unit
        )
        fig = charts.band(
            band,
            x="year",
            y="p50",
            low="p5",
            high="p95",
            y_title=money,
            name="P50",
            band_name="P5–P95",
        )
        fig.add_scatter(
            x=band["year"],
            y=band["deterministic"],
            mode="lines",
            line={"dash": "dot", "color": "#555"},
            name=t("ov.mc_det"),
        )
        ui.chart_block(
            fig,
            band.rename(columns={"year": t("col.year")}),
            "city_gep_uncertainty",
            t("ov.mc_chart", u=money),
        )
        st.caption(t("ov.mc_note", k=n_params, n=MC_DRAWS, nv=", ".join(not_varied) or "—"))
        if acc.city_perspective == "city" and mc_perspective != "city":
            st.caption(
                "此不确定性区间按各县净值之和计算（县域视角），不是上方的全市视角合计。"
                if lang == "zh"
                else "This band is for the sum of county net values (county perspective), not "
                "the city-perspective total above."
            )
    except ImportError as exc:
        ui.module_missing("gep.uncertainty", exc)
    except InputError as exc:
        ui.show_problems(exc.problems, key="ov_mc_problems")

# ---- composition
comp = views.composition(acc, year, lang, unit)
if not comp.empty:
    kind = (
        st.segmented_control(
            " ",
            ["sunburst", "treemap"],
            default="sunburst",
            key="ov_comp_kind",
            format_func={"sunburst": "☀️ Sunburst", "treemap": "▦ Treemap"}.get,
            label_visibility="collapsed",
        )
        or "sunburst"
    )
    builder = charts.sunburst if kind == "sunburst" else charts.treemap

    def composition_fig():
        return builder(
            comp,
            path=["category", "indicator"],
            value="value",
            color="category",
            color_map={
                views.category_label(c, lang): col for c, col in charts.CATEGORY_COLORS.items()
            },
            unit=money,
        )

    table = comp.drop(columns="category_id").rename(
        columns={
            "category": t("col.category"),
            "indicator": t("col.indicator"),
            "value": t("col.value", u=money),
        }
    )
    ui.chart_block(
        composition_fig, table, "composition", t("ov.composition", y=year), cache=(kind,)
    )

# ---- counties: ratio, per km², ranking
left, right = st.columns(2)
with left:
    df = views.county_measure(acc, year, "ratio", lang, unit).sort_values("value", ascending=False)
    ui.chart_block(
        lambda: charts.bar(df, x="name", y="value", y_title=t("unit.ratio")),
        df.rename(
            columns={"region": t("col.region"), "name": t("col.name"), "value": t("unit.ratio")}
        ),
        "ratio_by_county",
        t("ov.ratio_chart", y=year),
        cache=(),
    )
with right:
    label = t("unit.per_km2")
    df = views.county_measure(acc, year, "per_km2", lang, unit).sort_values(
        "value", ascending=False
    )
    ui.chart_block(
        lambda: charts.bar(df, x="name", y="value", y_title=label),
        df.rename(columns={"region": t("col.region"), "name": t("col.name"), "value": label}),
        "per_km2_by_county",
        t("ov.per_km2_chart", y=year),
        cache=(),
    )

measure = (
    st.segmented_control(
        t("ov.rank_measure"),
        list(views.MEASURES),
        default="gep",
        key="ov_rank_measure",
        format_func=lambda m: text(f"measure.{m}", lang),
    )
    or "gep"
)
rank = views.ranking(acc, year, measure, lang, unit)
m_unit = views.measure_unit(measure, unit, lang)
ui.chart_block(
    lambda: charts.bar(rank, x="name", y="value", y_title=m_unit, horizontal=True),
    rank.rename(
        columns={
            "rank": t("col.rank"),
            "region": t("col.region"),
            "name": t("col.name"),
            "value": f"{t(f'measure.{measure}')} ({m_unit})",
        }
    ),
    "ranking",
    t("ov.ranking", y=year),
    cache=(measure,),
)

# ---- map: a true choropleth, offline (bundled county outlines or uploaded boundary files of
# the county or the township level); schematic tiles only when no outline is known
st.subheader(t("ov.map"))
map_measure = (
    st.segmented_control(
        t("ov.map_measure"),
        list(views.MEASURES),
        default="per_km2",
        key="ov_map_measure",
        format_func=lambda m: text(f"measure.{m}", lang),
    )
    or "per_km2"
)
frames = geo.levels_frame(acc, year, map_measure, unit, lang, views.county_measure)
has_town = not frames[geo.TOWNSHIP].empty
m_unit = views.measure_unit(map_measure, unit, lang)
saved = {geo.COUNTY: workspace.boundary_path()}
saved[geo.TOWNSHIP] = saved[geo.COUNTY].with_name("township.geojson")
level_names = {geo.COUNTY: t("ov.level_county"), geo.TOWNSHIP: t("ov.level_township")}

upload = st.file_uploader(t("ov.geojson"), type=list(geo.BOUNDARY_TYPES), key="ov_geojson")
if upload is not None and st.session_state.get("_ov_boundary") != upload.file_id:
    # a new file: read, match, save under its level; the outcome is kept for later reruns
    st.session_state["_ov_boundary"] = upload.file_id
    st.session_state["_ov_boundary_error"] = None
    try:
        bf = geo.read_boundary(upload.name, upload.getvalue())
        try:
            matched, _, _ = geo.match_features(bf.gj, ds.regions)
        except geo.BoundaryError as exc:
            hint = geo.township_hint(bf.gj, ds.regions)
            if hint is None:
                raise
            names = "、".join(acc.region_name(c, lang) for c in hint.split(","))
            raise geo.BoundaryError(
                text("ov.town_no_data", "zh", names=names),
                text("ov.town_no_data", "en", names=names),
            ) from exc
        lvl = geo.file_level(matched)
        workspace.atomic_write_bytes(saved[lvl], geo.dump_boundary(bf))
        if lvl == geo.TOWNSHIP and has_town:
            st.session_state["ov_map_level"] = geo.TOWNSHIP
    except geo.BoundaryError as exc:
        st.session_state["_ov_boundary_error"] = (exc.zh, exc.en)
bad = st.session_state.get("_ov_boundary_error") if upload is not None else None
if bad:
    st.error(t("ov.geojson_bad", msg=bad[0] if lang == "zh" else bad[1]))

level = geo.COUNTY
if has_town:
    level = (
        st.segmented_control(
            t("ov.map_level"),
            [geo.COUNTY, geo.TOWNSHIP],
            default=geo.COUNTY,
            key="ov_map_level",
            format_func=level_names.get,
        )
        or geo.COUNTY
    )
mdf = frames[level].copy()
names_sep = "、" if lang == "zh" else ", "


@st.cache_data(show_spinner=False, max_entries=8)
def _saved_outlines(path: str, stamp: tuple, dataset_hash: str, level: str, _regions):
    """Outlines of a saved boundary file at ``level`` (cached on the file's size and time)."""
    bf = geo.load_saved_boundary(path)
    matched, prop, _ = geo.match_features(bf.gj, _regions)
    found = geo.outlines(geo.level_codes(matched, level), tol=geo.TOLERANCE[level])
    return found, prop, bf.skipped, bf.n_features


rings, map_source = None, None
path = saved[level]
if path.exists():
    try:
        st_ = path.stat()
        found, prop, skipped, n_features = _saved_outlines(
            str(path), (st_.st_size, st_.st_mtime_ns), ctx.dataset_hash, level, ds.regions
        )
        if skipped:
            shown = names_sep.join(f"{i}{'（' + lb + '）' if lb else ''}" for i, lb in skipped[:20])
            st.warning(t("ov.boundary_skipped", k=len(skipped), n=n_features, which=shown))
        missing = [r for r in mdf["region"] if r not in found]
        if not found:
            st.warning(t("ov.boundary_none", level=level_names[level]))
        else:
            rings = found
            map_source = t(
                "ov.boundary_ok", n=len(found), m=len(mdf), level=level_names[level], prop=prop
            )
            if missing:
                st.warning(
                    t(
                        "ov.boundary_missing",
                        k=len(found),
                        n=len(mdf),
                        level=level_names[level],
                        names=names_sep.join(mdf.set_index("region").loc[missing, "name"]),
                    )
                )
        if st.button(t("ov.geojson_forget"), key="ov_geojson_forget"):
            path.unlink(missing_ok=True)
            rings = None
            st.rerun()
    except geo.BoundaryError as exc:  # e.g. a saved file that no longer matches this dataset
        st.error(t("ov.geojson_bad", msg=exc.message(lang)))
if rings is None and level == geo.COUNTY:
    bundled = geo.bundled_boundaries(mdf["region"])
    if bundled is not None:
        rings = geo.outlines(bundled)
        map_source = t("ov.map_bundled", src=geo.BUNDLED_SOURCE[0 if lang == "zh" else 1])
        missing = [r for r in mdf["region"] if r not in rings]
        if missing:
            st.warning(
                t(
                    "ov.boundary_missing",
                    k=len(rings),
                    n=len(mdf),
                    level=level_names[level],
                    names=names_sep.join(mdf.set_index("region").loc[missing, "name"]),
                )
            )
if rings is None and level == geo.TOWNSHIP:
    st.info(t("ov.town_upload"))
pos, all_known = geo.tile_positions(mdf["region"])
mdf = mdf.join(pos, on="region")
table = mdf.drop(columns=["col", "row"]).rename(
    columns={
        "region": t("col.region"),
        "name": t("col.name"),
        "value": m_unit,
        "rank": t("co.rank"),
        "lon": t("col.lon"),
        "lat": t("col.lat"),
    }
)
map_title = t(
    "ov.choropleth" if level == geo.COUNTY else "ov.choropleth_town",
    y=year,
    m=text(f"measure.{map_measure}", lang),
    u=m_unit,
    where=ds.region_name(ds.top_region, lang) if ds.top_region else "",
)
if rings:
    ui.chart_block(
        lambda: charts.boundary_map(
            rings,
            mdf,
            value="value",
            label=m_unit,
            rank_label=t("co.rank"),
            missing_label=t("ov.no_data"),
        ),
        table,
        "county_map" if level == geo.COUNTY else "township_map",
        map_title,
        cache=(map_measure, level, geo.rings_key(rings)),
    )
    st.caption(map_source)
else:
    short = mdf.assign(name=mdf["name"].str.replace(r" (County|District|City)$", "", regex=True))
    fig = charts.tile_map(short, value="value", label=m_unit)
    ui.chart_block(fig, table, "tile_map", map_title)
    st.caption(t("ov.map_note") if all_known else t("ov.map_grid"))

# ---- what was not assessed
if acc.not_assessed:
    with st.expander(t("ov.not_assessed") + f" ({len(acc.not_assessed)})"):
        rows = []
        for n in acc.not_assessed:
            ind = acc.indicator(n["indicator"])
            rows.append(
                {
                    t("col.indicator"): ind.label(lang),
                    t("col.name"): acc.region_name(n["region"], lang)
                    if n.get("region")
                    else t("ov.all_regions"),
                    t("col.year"): ", ".join(map(str, n.get("years", []))) or "—",
                    t("col.message"): reason_label(n["reason"], lang),
                }
            )
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
