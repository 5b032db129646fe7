"""Streamlit building blocks shared by the pages: sidebar, chart + table + download, errors."""

from __future__ import annotations

import collections
import inspect
import re
from pathlib import Path

import pandas as pd
import streamlit as st

from ..safeio import escape_frame
from . import data, views, workspace
from .i18n import LANGS, t, text

LANG_NAMES = {"zh": "中文", "en": "English"}


def _select(label: str, options: list, key: str, default=None, format_func=str, **kw):
    """Selectbox whose stored value is kept valid when its options change."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]
    if key in st.session_state:
        return st.selectbox(label, options, key=key, format_func=format_func, **kw)
    index = options.index(default) if default in options else 0
    return st.selectbox(label, options, index=index, key=key, format_func=format_func, **kw)


#: what ``?lang=`` may say for each language
LANG_ALIASES = {
    "zh": "zh",
    "zh-cn": "zh",
    "cn": "zh",
    "chinese": "zh",
    "中文": "zh",
    "en": "en",
    "en-us": "en",
    "english": "en",
}


def apply_query_params() -> None:
    """Take ``?lang=``, ``?year=`` and ``?county=`` from the URL on a session's first run
    (a shared link opens the view it names); later the widgets own the values."""
    ss = st.session_state
    if ss.get("_query_applied"):
        return
    ss["_query_applied"] = True
    qp = st.query_params
    lang = LANG_ALIASES.get(str(qp.get("lang", "")).strip().lower())
    if lang:
        ss["lang"] = lang
    year = str(qp.get("year", "")).strip()
    if year.isdigit():
        ss["year"] = int(year)
    county = str(qp.get("county", "")).strip()
    if county:
        ss["county_choice"] = county
        ss["_open_county"] = True  # a link naming a county opens the county page


def open_linked_county(nav, county_page) -> None:
    """A shared link naming a county (``/?county=610926&year=2024``) opens the county page,
    not the overview it would land on; the link's other choices come along."""
    if not st.session_state.pop("_open_county", False):
        return
    if nav.url_path in ("", "overview"):
        st.switch_page(county_page, query_params=dict(st.query_params))


def sync_query_params(**values) -> None:
    """Write the current choices into the URL so the address can be shared."""
    for k, v in values.items():
        if v is None:
            if k in st.query_params:
                del st.query_params[k]
        elif st.query_params.get(k) != str(v):
            st.query_params[k] = str(v)


#: prefix of the widget that shows a kept choice (the choice itself is under the plain key)
WIDGET = "sb_"


def kept_choice(make, key: str, options: list, default, on_change=None, **kw):
    """A control (the sidebar's, the county) whose choice is kept under the plain key ``key``.

    The widget (``WIDGET + key``) only shows the choice: it is given the kept value before
    it is drawn, every run, and a change the user makes is copied back by its callback.
    Streamlit's own widget state is not reliable across a page change: it keeps only the
    widget values the browser sends with the click, and it reads a radio's or select's
    value back by its *label* with the labels of the run that reads it — a click landing
    mid-redraw, or a report from a page drawn in the other language, came back as a
    missing value or a stray label ("10⁸ CNY" in a Chinese run), and the page opened in
    Chinese with no money unit chosen (issue 14). A plain key is never touched by that.

    ``make`` is the Streamlit widget function (``st.radio``, ``st.selectbox``); returns the
    choice, always one of ``options``.
    """
    ss = st.session_state
    wkey = WIDGET + key

    def store() -> None:
        # a value that is none of the options is a label read back with the other
        # language's labels, not a choice: the kept choice stays
        if ss.get(wkey) in options:
            ss[key] = ss[wkey]
            if on_change is not None:
                on_change()

    if ss.get(key) in options:
        ss[wkey] = ss[key]
        value = make(options=options, key=wkey, on_change=store, **kw)
    else:
        # nothing kept yet (a new session) or a choice no longer offered (another dataset's
        # years): the browser's own value if it is a valid one, else the default
        ss.pop(key, None)
        if wkey in ss and ss[wkey] not in options:
            del ss[wkey]
        index = {} if wkey in ss else {"index": options.index(default)}
        value = make(options=options, key=wkey, on_change=store, **index, **kw)
    if value not in options:  # a stray label read back: show the default on the next run
        ss[key] = default
        st.rerun()
    ss[key] = value
    return value


def language_switch() -> str:
    """The 中文 / English switch at the top of the sidebar (also kept in the URL: ?lang=en)."""
    apply_query_params()
    with st.sidebar:
        lang = kept_choice(
            st.radio,
            "lang",
            list(LANGS),
            "zh",
            label=text("lang.label", "zh"),
            horizontal=True,
            format_func=LANG_NAMES.get,
        )
    sync_query_params(lang=lang)
    return lang


def county_choice(regions: list[str], label: str, format_func) -> str:
    """The county selectbox; the choice survives page changes and is kept in the URL."""
    region = kept_choice(
        st.selectbox, "county_choice", regions, regions[0], label=label, format_func=format_func
    )
    sync_query_params(county=region)
    return region


def sidebar(ctx: data.Context) -> None:
    """Dataset, coefficient set, year, money unit and status — the same on every page."""
    lang = ctx.lang
    with st.sidebar:
        default_ds = str(data.default_dataset_path())
        ds_options = [default_ds] + [
            str(p) for p in workspace.list_datasets() if str(p) != default_ds
        ]

        def ds_label(p: str) -> str:
            tag = text("side.default", lang) if p == default_ds else text("side.uploaded", lang)
            return f"{Path(p).name} {tag}"

        kept_choice(
            st.selectbox,
            "dataset_choice",
            ds_options,
            default_ds,
            on_change=_forget_set_choice,
            label=t("side.dataset"),
            format_func=ds_label,
        )

        default_set = ""
        set_options = (
            [default_set]
            + [str(p) for p in data.bundled_sets()]
            + [str(p) for p in workspace.list_sets()]
        )
        saved = {str(p) for p in workspace.list_sets()}

        try:
            default_name = data.default_set_path(ctx.dataset).name
        except Exception:  # dataset missing: the default set is unknown
            default_name = "…"

        def set_label(p: str) -> str:
            if p == default_set:
                return f"{default_name} {text('side.default', lang)}"
            return (
                f"{Path(p).name} "
                f"{text('side.saved', lang) if p in saved else text('side.bundled', lang)}"
            )

        kept_choice(
            st.selectbox,
            "coef_choice",
            set_options,
            default_set,
            label=t("side.coefset"),
            format_func=set_label,
        )
        if ctx.dataset is not None:
            years = ctx.dataset.years
            year = kept_choice(
                st.selectbox, "year", years, ctx.year or years[-1], label=t("side.year")
            )
            sync_query_params(year=year)
        kept_choice(
            st.radio,
            "money_unit",
            ["wan", "yi"],
            "yi",
            label=t("side.unit"),
            horizontal=True,
            format_func=lambda u: text(f"unit.choice.{u}", lang),
        )
        kept_choice(
            st.selectbox,
            "profile",
            list(data.PROFILES),
            "ndrc-2022",
            label=t("side.profile"),
            format_func=lambda p: text(f"profile.{p}", lang),
        )
        kept_choice(
            st.radio,
            "image_format",
            ["png", "svg"],
            "png",
            label=t("side.image_format"),
            horizontal=True,
            format_func=str.upper,
        )
        if ctx.ok:
            if ctx.edits:
                st.info(t("side.edits", n=len(ctx.edits)), icon="✏️")
            st.caption(t("side.recompute", ms=1000 * ctx.recompute_seconds))
            st.caption(t("side.hashes", d=ctx.dataset_hash[:8], c=ctx.coefficients.hash[:8]))
        st.caption(t("side.workspace", path=str(workspace.workspace_root())))


_COLLAPSE_ON_PHONE = """<script>
const w = window.parent;
function collapse(tries) {
  if (w.innerWidth >= 768) { return; }
  const b = w.document.querySelector('[data-testid="stSidebarCollapseButton"] button')
    || w.document.querySelector('[data-testid="stSidebarCollapseButton"]');
  if (b) { b.click(); } else if (tries > 0) { setTimeout(() => collapse(tries - 1), 100); }
}
collapse(20);
</script>"""


def collapse_sidebar_after_navigation(page_key: str) -> None:
    """On a phone (viewport under 768 px) close the sidebar once the user has chosen another
    page, so the page is not hidden behind it; on wider screens nothing happens."""
    ss = st.session_state
    previous = ss.get("_page_shown")
    ss["_page_shown"] = page_key
    if previous is not None and previous != page_key:
        if "unsafe_allow_javascript" in inspect.signature(st.html).parameters:
            # components.html is deprecated ("removed after 2026-06-01"); st.html runs our own
            # constant script in the page itself (window.parent is then the page) and, unlike
            # st.iframe, takes no room
            st.html(_COLLAPSE_ON_PHONE, unsafe_allow_javascript=True)
        else:  # Streamlit before st.html could run scripts
            import streamlit.components.v1 as components

            components.html(_COLLAPSE_ON_PHONE, height=0)


def _forget_set_choice() -> None:
    st.session_state["coef_choice"] = ""


def require_account(ctx: data.Context) -> None:
    """Stop the page with a clear message when there is no account to show."""
    if ctx.ok:
        return
    st.error(t("err.load"))
    if ctx.error is not None:
        show_problems(ctx.error.problems)
    st.info(t("err.hint"))
    st.stop()


def show_problems(problems, key: str = "problems") -> None:
    st.dataframe(
        views.problems_frame(problems, st.session_state.get("lang", "zh")),
        hide_index=True,
        width="stretch",
        key=key,
    )


def slug(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]+", "_", s).strip("_") or "table"


def csv_bytes(df: pd.DataFrame, region: str | None = None, status: bool = True) -> bytes:
    """CSV with a BOM so that Excel opens Chinese text correctly; with ``status`` its first
    line is the illustrative-data comment when the page's data is illustrative."""
    if status:
        from . import exports

        return exports.csv_bytes(df, region=region)
    return escape_frame(df).to_csv(index=False).encode("utf-8-sig")  # no live formulas


def file_stem(title: str) -> str:
    """A file name from a chart title (Chinese kept; characters no file system accepts → _)."""
    stem = re.sub(r'[\\/:*?"<>|\s]+', "_", title).strip("_.")
    return stem[:80] or "chart"


def source_line(ctx: data.Context | None = None) -> str:
    """The source line every exported chart carries: region, data and coefficient versions
    (made once per run: every chart of the page asks for it)."""
    ctx = ctx or st.session_state.get("_ctx")
    if ctx is None or not ctx.ok:
        return ""
    cached = ctx.__dict__.get("_source_line")
    if cached is not None:
        return cached
    ds = ctx.dataset
    top = ds.region_name(ds.top_region, ctx.lang) if ds is not None and ds.top_region else ""
    line = t(
        "chart.source",
        where=top,
        d=ds.name if ds is not None else "",
        dh=ctx.dataset_hash[:8],
        c=ctx.coefficients.name,
        ch=ctx.coefficients.hash[:8],
    )
    ctx.__dict__["_source_line"] = line
    return line


def dress(fig, title: str | None, all_years: bool = False) -> None:
    """Put the title and the source line into the figure itself, so a downloaded image says
    what it shows, where, when, and from which data (one layout update: each plotly update
    validates the whole layout). ``all_years``: the figure shows every year (a trend), so the
    illustrative-data line speaks of every year, not of the selected one."""
    upd: dict = {}
    if title:
        upd["title"] = {"text": title, "x": 0, "font": {"size": 15}}
    src = source_line()
    from . import exports

    # the illustrative-data line, red, under the source
    caption = exports.image_caption(all_years=all_years)
    if caption:
        src = f'{src}<br><span style="color:#b00020">{caption}</span>'
    if src:
        # the lines sit at the bottom edge of the image, below the axis labels: the bottom
        # margin grows by one line of text per line, and the annotation hangs from the plot
        # area's bottom by that margin (less 4 px)
        margin = fig.layout.margin
        bottom = max((margin.b or 10), 62 + 14 * (2 if caption else 1))
        note = {
            "text": src,
            "xref": "paper",
            "yref": "paper",
            "x": 0,
            "y": 0,
            "yshift": -(bottom - 4),
            "yanchor": "bottom",
            "xanchor": "left",
            "showarrow": False,
            "font": {"size": 10, "color": "#666666"},
        }
        upd["annotations"] = [*fig.layout.annotations, note]
        upd["margin"] = {"b": bottom, "t": max((margin.t or 40), 50)}
    if upd:
        fig.update_layout(upd)


#: how many figures :func:`_dressed_figure` built, by chart key (a test counts them: a control
#: that does not change a figure must not rebuild it)
FIGURE_BUILDS: collections.Counter = collections.Counter()


@st.cache_resource(show_spinner=False, max_entries=256)
def _dressed_figure(key: tuple, _build, _title: str | None, _all_years: bool = False):
    FIGURE_BUILDS[key[0]] += 1
    fig = _build()
    dress(fig, _title, all_years=_all_years)
    return fig


def context_key(ctx: data.Context | None = None, per_year: bool = True) -> tuple:
    """What every figure of a page depends on: data and coefficient hashes, profile, year
    (unless the figure shows every year: ``per_year=False``), money unit and language."""
    ctx = ctx or st.session_state.get("_ctx")
    if ctx is None or not ctx.ok:
        return ()
    return (
        ctx.dataset_hash,
        ctx.coefficients.hash,
        ctx.profile,
        ctx.year if per_year else None,
        ctx.unit,
        ctx.lang,
    )


def phone_order(table: pd.DataFrame) -> pd.DataFrame:
    """Columns for a narrow screen: the county code after the values, so a phone shows the
    name and the value first (the code stays in the table and the CSV)."""
    code, name = t("col.region"), t("col.name")
    cols = list(table.columns)
    if code in cols and name in cols and len(cols) > 2:
        cols.remove(code)
        return table[[*cols, code]]
    return table


def chart_block(
    fig,
    table: pd.DataFrame,
    key: str,
    title: str | None = None,
    cache: tuple | None = None,
    per_year: bool = True,
) -> None:
    """A chart, its table one click away (tab), and a CSV download of that table.

    ``fig`` is a figure or a function building one. With ``cache`` (the page's own inputs
    that the figure depends on, beyond :func:`context_key`) the built and dressed figure is
    kept across reruns and sessions, so a control that does not change it costs nothing.
    The chart's camera button saves a PNG or SVG (sidebar choice) named after the title, with
    the title and the source line drawn in the image. ``per_year=False``: the figure shows
    every year (a trend), so switching the selected year keeps it (its cache key leaves the
    year out, and its illustrative-data line covers every year).
    """
    from . import exports

    table = phone_order(table)
    all_years = not per_year
    if callable(fig) and cache is not None:
        full_key = (
            key,
            *context_key(per_year=per_year),
            *cache,
            title or "",
            source_line(),
            exports.image_caption(all_years=all_years),
        )
        fig = _dressed_figure(full_key, fig, title, all_years)
    else:
        fig = fig() if callable(fig) else fig
        dress(fig, title, all_years=all_years)
    fmt = st.session_state.get("image_format", "png")
    stem = file_stem(title or key)
    config = {
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": fmt,
            "filename": stem,
            "scale": 2 if fmt == "png" else 1,
        },
    }
    tab_chart, tab_table = st.tabs([f"📈 {t('tab.chart')}", f"📋 {t('tab.table')}"])
    with tab_chart:
        st.plotly_chart(fig, key=f"fig_{key}", config=config)
    with tab_table:
        st.dataframe(table, hide_index=True, width="stretch", key=f"tbl_{key}")
    st.download_button(
        f"⬇ {t('dl.csv')}",
        lambda table=table: csv_bytes(table),  # made when pressed, not on every rerun
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"dl_{key}",
        on_click=exports.logger("csv", f"{stem}.csv", chart=key),
    )


@st.cache_data(show_spinner=False, max_entries=32)
def _report_cached(
    dataset_hash: str,
    coefficients_hash: str,
    profile: str,
    fmt: str,
    year: int,
    region: str | None,
    lang: str,
    unit: str,
    _acc,
) -> bytes:
    from ..report.writers import report_bytes

    return report_bytes(_acc, fmt, year, region, lang, unit)


def report_downloads(ctx: data.Context, region: str | None, key: str = "report") -> None:
    """Word / PDF / Excel accounting report of ``region`` (None: every county) for the year.

    The file is made only when a button is pressed (deferred download), then cached on the
    dataset and coefficient hashes.
    """
    from ..report.writers import MIME, report_filename

    acc, year, lang = ctx.account, ctx.year, ctx.lang
    unit = "wan_CNY" if ctx.unit == "wan" else "yi_CNY"
    from . import exports

    cols = st.columns(3)
    for col, fmt in zip(cols, ("docx", "pdf", "xlsx"), strict=True):

        def make(fmt=fmt) -> bytes:
            return _report_cached(
                ctx.dataset_hash,
                acc.coefficients.hash,
                acc.profile,
                fmt,
                year,
                region,
                lang,
                unit,
                acc,
            )

        name = report_filename(acc, fmt, year, region, lang)
        col.download_button(
            f"⬇ {t(f'dl.report.{fmt}')}",
            make,
            file_name=name,
            mime=MIME[fmt],
            key=f"dl_{key}_{fmt}",
            on_click=exports.logger(f"report.{fmt}", name, ctx, region=region),
            width="stretch",
        )


def module_missing(module: str, exc: Exception) -> None:
    st.warning(t("err.module", mod=module, err=f"{type(exc).__name__}: {exc}"), icon="🧩")


def fmt_num(v: float | None, digits: int = 2) -> str:
    if v is None or pd.isna(v):
        return "—"
    return f"{v:,.{digits}f}"
