"""Every dashboard export says what it rests on, and is in the audit log.

* **Illustrative warning**: a CSV download starts with a comment line
  ``# ⚠ 示意数据（illustrative）…`` giving the share of GEP resting on illustrative inputs
  (:func:`gep.datastatus.status_line`); a chart image carries the same line as a red caption
  under its source line (:func:`image_caption`, drawn by :func:`gep.app.ui.dress`). Reports
  carry it on their cover and every Excel sheet (``gep.report``).
* **Audit**: each download button gets ``on_click=`` :func:`logger` (…), a callback Streamlit
  runs when the user actually clicks, which appends an ``export`` entry with the user, the
  file and the versions used (dataset name and hash, coefficient set, hash and store version
  or draft, profile, year). The user is taken when the button is drawn (a callback runs in a
  new script thread, before the page sets the acting user again).
"""

from __future__ import annotations

import contextlib
import html

import pandas as pd
import streamlit as st

from ..datastatus import status_line, status_summary
from ..safeio import escape_frame
from ..store import StoreError
from . import workspace


def _ctx(ctx=None):
    ctx = ctx if ctx is not None else st.session_state.get("_ctx")
    return ctx if ctx is not None and getattr(ctx, "ok", False) else None


@st.cache_data(show_spinner=False, max_entries=64)
def _summary(
    key: str, coef_hash: str, profile: str, year: int, region: str | None, _acc, _ds
) -> dict:
    from ..datastatus import coefficient_status, dataset_status

    # the banner's cached shares (every year): no recomputation
    from .status import illustrative_shares

    if not (
        dataset_status(_ds)["illustrative"]
        or coefficient_status(_acc.coefficients, year)["illustrative"]
    ):
        return status_summary(_acc, _ds, year, region)  # nothing illustrative: no shares
    shares = illustrative_shares(key, coef_hash, profile, _acc, _ds)
    return status_summary(_acc, _ds, year, region, shares=shares)


def summary(ctx=None, region: str | None = None) -> dict | None:
    """:func:`gep.datastatus.status_summary` of the page's account (cached on the hashes)."""
    ctx = _ctx(ctx)
    if ctx is None:
        return None
    from .status import status_key

    return _summary(
        status_key(ctx),
        ctx.coefficients.hash,
        ctx.profile,
        int(ctx.year),
        region,
        ctx.account,
        ctx.dataset,
    )


def warning_line(ctx=None, region: str | None = None, short: bool = False) -> str:
    """The illustrative-data line in the page language ("" when nothing is illustrative)."""
    got = summary(ctx, region)
    if not got:
        return ""
    return status_line(got, _ctx(ctx).lang, short=short)


def csv_comment(ctx=None, region: str | None = None) -> str:
    """``# ⚠ 示意数据（illustrative）…\\n`` or ``""``."""
    line = warning_line(ctx, region)
    return f"# {line}\n" if line else ""


def csv_bytes(df: pd.DataFrame, ctx=None, region: str | None = None) -> bytes:
    """CSV (BOM for Excel; formula-escaped) with the illustrative comment line first."""
    body = escape_frame(df).to_csv(index=False)
    return (csv_comment(ctx, region) + body).encode("utf-8-sig")


def image_caption(ctx=None, all_years: bool = False) -> str:
    """The red caption line drawn in every chart image ("" when nothing is illustrative);
    HTML-escaped for a Plotly annotation. ``all_years``: for a chart of every year (a trend),
    the line gives the range of the illustrative share over the years, not the selected
    year's share."""
    if not all_years:
        return html.escape(warning_line(ctx, short=True))
    return html.escape(all_years_line(ctx))


def all_years_line(ctx=None) -> str:
    """The short illustrative-data line over every year of the account ("" when nothing is
    illustrative in any year): ``⚠ 示意数据（illustrative）：2019–2024 年 GEP 的
    31.0%–34.2% 依赖示意数据，不是正式核算结果``."""
    ctx = _ctx(ctx)
    if ctx is None:
        return ""
    from .status import status_key

    years = [int(y) for y in ctx.dataset.years]
    got = [
        _summary(
            status_key(ctx), ctx.coefficients.hash, ctx.profile, y, None, ctx.account, ctx.dataset
        )
        for y in years
    ]
    if not any(g.get("illustrative") for g in got):
        return ""
    shares = [g["share"] for g in got if g.get("illustrative") and g["share"] == g["share"]]
    if not shares:
        pct = "—"
    elif round(min(shares), 3) == round(max(shares), 3):
        pct = f"{100 * min(shares):.1f}%"
    else:
        pct = f"{100 * min(shares):.1f}%–{100 * max(shares):.1f}%"
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    if ctx.lang == "zh":
        return f"⚠ 示意数据（illustrative）：{span} 年 GEP 的 {pct} 依赖示意数据，不是正式核算结果"
    return f"⚠ Illustrative data (示意数据): {pct} of {span} GEP; not an official account"


def versions(ctx=None) -> dict:
    """The versions an export was made from (for its audit entry)."""
    ctx = _ctx(ctx)
    if ctx is None:
        return {}
    src = dict(getattr(ctx, "store_source", None) or {})
    out = {
        "dataset": ctx.dataset.name if ctx.dataset is not None else None,
        "dataset_hash": ctx.dataset_hash,
        "coefset": ctx.coefficients.name,
        "coefset_hash": ctx.coefficients.hash,
        "coefset_source": src.get("kind", "files"),
        "coefset_version": src.get("version"),
        "profile": ctx.profile,
        "year": ctx.year,
    }
    if ctx.edits:
        out["coefset_source"] = "draft"
        out["draft_changes"] = len(ctx.edits)
    return out


def version_label(v: dict) -> str | None:
    """Short text for the audit log's ``to`` column: ``mini v3``, ``mini (files)``, …"""
    if not v:
        return None
    name = v.get("coefset") or ""
    if v.get("coefset_source") == "draft":
        return f"{name} (draft)"[:40]
    if v.get("coefset_version") is not None:
        return f"{name} v{v['coefset_version']}"[:40]
    return f"{name} ({v.get('coefset_source', 'files')})"[:40]


def log_export(user: str, kind: str, file_name: str, detail: dict) -> None:
    """Append the ``export`` entry (a store failure never breaks a download)."""
    with contextlib.suppress(StoreError):
        workspace.get_store().log(
            user,
            "export",
            f"{kind}:{file_name}",
            frm=None,
            to=version_label(detail),
            file=file_name,
            format=kind,
            **detail,
        )


def logger(kind: str, file_name: str, ctx=None, **extra):
    """An ``on_click`` callback that logs this download (user and versions fixed now)."""
    user = workspace.current_user()
    detail = {**versions(ctx), **extra}

    def _on_click() -> None:
        log_export(user, kind, file_name, detail)

    return _on_click


# ------------------------------------------------------------------------------------------
# chart images: Plotly's camera button saves the image in the browser, so the server never
# sees that download. A small script (a Streamlit v2 component, mounted once per page) listens
# for clicks on the camera button anywhere in the page and reports the chart's file name and
# format; the next run logs the export.

_IMAGE_JS = """
export default function(component) {
  const { setTriggerValue } = component;
  window.__gepImageExport = setTriggerValue;
  if (!window.__gepImageExportInstalled) {
    window.__gepImageExportInstalled = true;
    document.addEventListener("click", (event) => {
      const target = event.target;
      const button = target && target.closest ? target.closest(".modebar-btn") : null;
      if (!button) { return; }
      if (!(button.getAttribute("data-title") || "").startsWith("Download plot")) { return; }
      const graph = button.closest(".js-plotly-plot");
      const ctx = graph && graph._context ? graph._context : {};
      const opts = ctx.toImageButtonOptions || {};
      const send = window.__gepImageExport;
      if (send) {
        send("image", { filename: String(opts.filename || ""), format: String(opts.format || "png") });
      }
    }, true);
  }
}
"""  # noqa: E501 (embedded JavaScript kept byte-identical)
_image_component = None


def _image_listener():
    global _image_component
    if _image_component is None:
        _image_component = st.components.v2.component("gep_image_export", js=_IMAGE_JS)
    return _image_component


def image_export_listener(ctx=None) -> dict | None:
    """Mount the camera-button listener (once per page run); log a reported image export.

    Returns the logged detail (``None`` when no image was saved since the last run).
    """
    user = workspace.current_user()
    with st.sidebar:
        result = _image_listener()(key="gep_image_export", on_image_change=lambda: None)
    got = getattr(result, "image", None)
    if not isinstance(got, dict):
        return None
    fmt = str(got.get("format", "png"))[:8]
    name = f"{str(got.get('filename', 'chart'))[:120]}.{fmt}"
    detail = {**versions(ctx), "caption": bool(image_caption(ctx))}
    log_export(user, f"image.{fmt}", name, detail)
    return detail
