"""Streamlit building blocks shared by the pages: sidebar, chart + table + download, errors."""

from __future__ import annotations

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


def language_switch() -> str:
    """The 中文 / English switch at the top of the sidebar (also kept in the URL: ?lang=en)."""
    if st.session_state.get("lang") not in LANGS:
        st.session_state.pop("lang", None)
    with st.sidebar:
        st.radio(
            text("lang.label", "zh"),
            list(LANGS),
            key="lang",
            horizontal=True,
            format_func=LANG_NAMES.get,
            bind="query-params",
        )
    return st.session_state.get("lang", "zh")


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

        _select(
            t("side.dataset"),
            ds_options,
            "dataset_choice",
            default=default_ds,
            format_func=ds_label,
            on_change=_forget_set_choice,
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
            return f"{Path(p).name} {text('side.saved', lang) if p in saved else text('side.bundled', lang)}"

        _select(
            t("side.coefset"),
            set_options,
            "coef_choice",
            default=default_set,
            format_func=set_label,
        )
        if ctx.dataset is not None:
            years = ctx.dataset.years
            _select(t("side.year"), years, "year", default=ctx.year or years[-1])
        st.radio(
            t("side.unit"),
            ["wan", "yi"],
            index=1,
            key="money_unit",
            horizontal=True,
            format_func=lambda u: text(f"unit.choice.{u}", lang),
        )
        _select(t("side.profile"), list(data.PROFILES), "profile", default="ndrc-2022")
        if ctx.ok:
            if ctx.edits:
                st.info(t("side.edits", n=len(ctx.edits)), icon="✏️")
            st.caption(t("side.recompute", ms=1000 * ctx.recompute_seconds))
            st.caption(t("side.hashes", d=ctx.dataset_hash[:8], c=ctx.coefficients.hash[:8]))
        st.caption(t("side.workspace", path=str(workspace.workspace_root())))


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


def csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV with a BOM so that Excel opens Chinese text correctly."""
    return escape_frame(df).to_csv(index=False).encode("utf-8-sig")  # no live formulas


def chart_block(fig, table: pd.DataFrame, key: str, title: str | None = None) -> None:
    """A chart, its table one click away (tab), and a CSV download of that table."""
    if title:
        st.markdown(f"**{title}**")
    tab_chart, tab_table = st.tabs([f"📈 {t('tab.chart')}", f"📋 {t('tab.table')}"])
    with tab_chart:
        st.plotly_chart(fig, key=f"fig_{key}", config={"displaylogo": False})
    with tab_table:
        st.dataframe(table, hide_index=True, width="stretch", key=f"tbl_{key}")
    st.download_button(
        f"⬇ {t('dl.csv')}",
        csv_bytes(table),
        file_name=f"{slug(key)}.csv",
        mime="text/csv",
        key=f"dl_{key}",
        on_click="ignore",
    )


def module_missing(module: str, exc: Exception) -> None:
    st.warning(t("err.module", mod=module, err=f"{type(exc).__name__}: {exc}"), icon="🧩")


def fmt_num(v: float | None, digits: int = 2) -> str:
    if v is None or pd.isna(v):
        return "—"
    return f"{v:,.{digits}f}"
