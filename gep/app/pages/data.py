"""数据 Data: upload an inventory (validated first), template, result downloads."""

from __future__ import annotations

import streamlit as st

from gep.accounting import account
from gep.app import data, exports, ingest, ui, workspace
from gep.app.i18n import t
from gep.app.views import preview_table, provenance_table
from gep.errors import InputError
from gep.safeio import escape_frame

ctx = data.current()
lang = ctx.lang
st.title(t("dt.title"))

if ctx.dataset is not None:
    st.caption(
        t(
            "dt.active",
            name=ctx.dataset.name,
            path=str(ctx.dataset_path),
            n=len(ctx.dataset.table),
            h=ctx.dataset_hash[:8],
        )
    )
else:
    st.error(t("err.load"))
    if ctx.error is not None:
        ui.show_problems(ctx.error.problems, key="dt_load_problems")


def _ingest(slot) -> None:
    """Validate the upload with a progress bar in ``slot``; only a valid one is saved and
    made active (the page then reruns with it)."""
    ss = st.session_state
    up = ss.get("dt_upload")
    if up is None:
        return
    regions = ss.get("dt_regions")
    bar = slot.progress(0.0, text=t("dt.progress_start"))
    done_text = [""]

    def show(fraction: float, stage: str, done: int, total: int) -> None:
        if stage == "read":
            msg = t("dt.progress_read", done=done / 2**20, total=total / 2**20)
        elif stage == "validate":
            msg = t("dt.progress_validate", n=total)
        elif stage == "arrays":
            msg = t("dt.progress_arrays", n=total)
        else:
            msg = t("dt.progress_rows", n=total)
            done_text[0] = t("dt.progress_done", n=total, mb=len(raw) / 2**20)
        bar.progress(fraction, text=msg)

    try:
        raw = up.getvalue()
        coefficients = str(ctx.base_path) if ctx.base_path is not None else None
        ds, files = ingest.validate_upload(
            up.name,
            raw,
            ctx.dataset,
            regions.getvalue() if regions is not None else None,
            name=ss.get("dt_name", ""),
            coefficients=coefficients,
            progress=show,
        )
        # it must also account with its coefficient set, or it is not made active
        bar.progress(0.97, text=t("dt.progress_account"))
        set_path = data.default_set_path(ds) if coefficients is None else ctx.base_path
        cs, _ = data.load_set_cached(set_path)
        account(ds, cs, profile=ctx.profile)
        path = ingest.save_upload(ds.name, files)
        bar.progress(1.0, text=done_text[0])
        ss["_activate_dataset"] = str(path)  # taken by data.build_context on the rerun
        ss["_dt_flash"] = ("ok", t("dt.ok", n=len(ds.table), path=str(path)), [], done_text[0])
    except InputError as exc:
        ss["_dt_flash"] = ("bad", t("dt.bad"), exc.problems, "")
        workspace.log_event(  # issue 13: rejected uploads are in the audit log
            "upload.rejected",
            f"dataset:{up.name}",
            ok=False,
            problems=[str(p) for p in exc.problems[:50]],
        )


def _use_default() -> None:
    st.session_state["dataset_choice"] = str(data.default_dataset_path())
    st.session_state["coef_choice"] = ""


st.subheader(t("dt.upload"))
c1, c2 = st.columns(2)
with c1:
    st.file_uploader(
        t("dt.upload"),
        type=["csv", "xlsx"],
        key="dt_upload",
        label_visibility="collapsed",
        help=t("dt.upload_limit", mb=ingest.MAX_UPLOAD_BYTES // 2**20),
    )
with c2:
    st.file_uploader(t("dt.upload_regions"), type=["csv"], key="dt_regions")
st.text_input(t("dt.name"), key="dt_name", placeholder="my-inventory")
b1, b2 = st.columns(2)
go = b1.button(
    f"✔ {t('dt.validate')}",
    type="primary",
    key="dt_go",
    disabled=st.session_state.get("dt_upload") is None,
)
if ctx.dataset_path is not None and str(ctx.dataset_path) != str(data.default_dataset_path()):
    b2.button(t("dt.switch_default"), on_click=_use_default, key="dt_default")
progress_slot = st.empty()
if go:
    # validated in this run, with a progress bar (rows and bytes read); the page then reruns
    # so the sidebar and every page use the new data (other sessions are not held up: each
    # session runs in its own thread and pyarrow parses without the GIL)
    _ingest(progress_slot)
    st.rerun()

flash = st.session_state.pop("_dt_flash", None)
if flash:
    kind, message, problems, done = flash
    if kind == "ok":
        if done:
            progress_slot.progress(1.0, text=done)
        st.success(message)
    else:
        st.error(message)
        st.markdown(t("err.problems", n=len(problems)))
        ui.show_problems(problems, key="dt_upload_problems")
        st.download_button(
            f"⬇ {t('dl.csv')}",
            ui.csv_bytes(ui.views.problems_frame(problems, lang), status=False),
            file_name="upload_problems.csv",
            mime="text/csv",
            key="dl_dt_problems",
            on_click="ignore",
        )

# ---- template
st.subheader(t("dt.template"))
c1, c2 = st.columns(2)
try:
    from gep.template import template_bytes

    with c1:
        st.download_button(
            f"⬇ {t('dt.template_xlsx')}",
            template_bytes(),
            file_name="gep_inventory_template.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="dl_template_xlsx",
            on_click="ignore",
        )
except ImportError as exc:
    with c1:
        ui.module_missing("gep.template", exc)
with c2:
    st.download_button(
        f"⬇ {t('dt.template_csv')}",
        ingest.template_csv(),
        file_name="gep_inventory_template.csv",
        mime="text/csv",
        key="dl_template_csv",
        on_click="ignore",
    )

# ---- gridded mode (issue 12): run a grid config, county map + raster preview, load as dataset
from gep.app import gridpanel  # noqa: E402

gridpanel.render(ctx)

if not ctx.ok:
    st.stop()
acc = ctx.account

# ---- results
st.subheader(t("dt.results"))
frame = acc.to_frame(lang)
prov = acc.provenance()
c1, c2 = st.columns(2)
with c1:
    header = (
        f"# dataset {prov.get('dataset', {}).get('name')} {prov.get('dataset', {}).get('hash')}; "
        f"coefficients {prov['coefficients']['name']} {prov['coefficients']['hash']}; profile "
        f"{acc.profile}; value in CNY\n"
    )
    results_name = f"gep_{ctx.dataset.name}_{acc.coefficients.hash[:8]}.csv"
    st.download_button(
        f"⬇ {t('dt.results_csv')}",
        (exports.csv_comment() + header).encode("utf-8-sig")
        + escape_frame(frame).to_csv(index=False).encode("utf-8"),
        file_name=results_name,
        mime="text/csv",
        key="dl_results_csv",
        on_click=exports.logger("csv", results_name),
    )


with c2:
    st.caption(t("dt.report_all", y=ctx.year))
ui.report_downloads(ctx, None, key="data_report")

with st.expander(t("dt.preview")):
    st.dataframe(
        preview_table(ctx.dataset.table.head(200), lang),
        hide_index=True,
        width="stretch",
        key="dt_preview",
    )
with st.expander(t("dt.provenance")):
    st.dataframe(provenance_table(acc, ctx.dataset_hash, lang), hide_index=True, width="stretch")
