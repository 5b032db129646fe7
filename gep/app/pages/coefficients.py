"""系数 Coefficients: the coefficient tree, edited in place; every page recomputes."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path

import pandas as pd
import streamlit as st

from gep.app import coeftable, data, exports, ui, views, workspace
from gep.app.i18n import STRINGS, t, text
from gep.errors import InputError
from gep.report.labels import ecosystem_label, member_label, species_label, status_label
from gep.yamlio import load_yaml

ctx = data.current()
ui.require_account(ctx)
acc, year, lang, unit = ctx.account, ctx.year, ctx.lang, ctx.unit
money = views.money_label(unit, lang)
base, edits = ctx.base, ctx.edits
CF_TEXT = {  # issue 13 strings (zh, en)
    "apply": ("应用修改", "Apply edits"),
    "viewer": ("查看者不能编辑系数（角色由管理员分配）。", "Viewers cannot edit coefficients."),
    "one_row": ("要修改的系数值", "Coefficient value to change"),
    "one_value": ("新值（文件中的单位与价格年）", "New value (unit and price year of the file)"),
    "one_apply": ("应用此值", "Apply this value"),
    "grid_hint": (
        "也可在下表中编辑，然后点“应用修改”；在表格单元格中请先双击或按回车再输入（直接在选中的单元格上快速输入可能丢失前几个字符）。",
        "You can also edit in the table below, then press “Apply edits”; in a table cell "
        "double-click or press Enter before typing (typing straight onto a selected cell can "
        "lose the first keystrokes).",
    ),
}

st.title(t("cf.title"))
st.caption(t("cf.intro"))

# ---- totals, recomputed from the edited set (before the table so they are seen at once)
baseline_acc, _ = data.compute_account(ctx.dataset, ctx.dataset_hash, base, ctx.profile)
now = float(acc.city_gep().sel(year=year))
was = float(baseline_acc.city_gep().sel(year=year))
c1, c2, c3 = st.columns(3)
c1.metric(
    t("cf.totals", y=year),
    f"{now / views.scale(unit):,.2f} {money}",
    delta=f"{(now - was) / views.scale(unit):+,.2f} {money} {t('cf.delta')}" if edits else None,
)
c2.metric(t("cf.edited_n", n=len(edits)), len(edits))
c3.metric(t("cf.time"), f"{1000 * ctx.recompute_seconds:,.0f} ms")

if ctx.edit_problems:
    st.warning(t("cf.bad"))
    ui.show_problems(ctx.edit_problems, key="cf_problems")


def key_label(key: str) -> str:
    """A table key in words: ecosystem, species group or item member (as written if none)."""
    if not key:
        return ""
    if f"xie.{key}" in STRINGS:
        return text(f"xie.{key}", lang)
    for label in (ecosystem_label, species_label, member_label):
        named = label(key, lang)
        if named and named != key:
            return named
    return key


def group_label(g: str) -> str:
    if g == "":
        return text("cf.all", lang)
    if f"cf.group.{g}" in STRINGS:
        return text(f"cf.group.{g}", lang)
    return views.category_label(g, lang)


# ---- the tree as a table (keys and statuses in words; the id column is the code as written
# in the YAML files, which is what a user types to refer to a coefficient)
frame = coeftable.coefficient_frame(base, edits, year, lang, current=ctx.coefficients)
frame["key_label"] = [key_label(k) for k in frame["key"]]
frame["status"] = [status_label(x, lang) for x in frame["status"]]
groups = sorted(frame["group"].unique())
f1, f2, f3 = st.columns([1, 2, 1])
with f1:
    group = ui._select(
        t("cf.filter"),
        ["", *groups],
        "cf_group",
        default="",
        format_func=group_label,
    )
with f2:
    search = st.text_input(t("cf.search"), key="cf_search").strip().lower()
with f3:
    only_edited = st.toggle(t("cf.only_edited"), key="cf_only_edited")
shown = frame
if group:
    shown = shown[shown["group"] == group]
if search:
    shown = shown[
        shown["id"].str.lower().str.contains(search, regex=False)
        | shown["description"].str.lower().str.contains(search, regex=False)
        | shown["key"].str.lower().str.contains(search, regex=False)
        | shown["key_label"].str.lower().str.contains(search, regex=False)
    ]
if only_edited:
    shown = shown[shown["edited"]]
shown = shown.reset_index(drop=True)

row_ids = list(shown["row_id"])
version = st.session_state.get("_editor_version", 0)
digest = hashlib.sha1(("\n".join(row_ids) + f"|{version}|{ctx.base_key}").encode()).hexdigest()[:10]
editor_key = f"coef_editor_{digest}"
st.session_state["coef_editor_key"] = editor_key
st.session_state["_editor_last"] = (editor_key, row_ids)

labels = {c: t(f"cf.col.{c}", y=year) for c in coeftable.COLUMNS if c != "row_id"}


def _apply_one() -> None:
    """Apply the value typed in the plain text box (runs before the rerun recomputes)."""
    rid = st.session_state.get("cf_one_row")
    raw = str(st.session_state.get("cf_one_value", "")).strip()
    if not rid:
        return
    good, problems = coeftable.check_edits(base, {rid: raw})
    if problems or not good:
        st.session_state["_cf_one_flash"] = problems
        return
    new = {**st.session_state.get("gep_edits", {}), **good}
    st.session_state["gep_edits"] = new
    # a fresh grid (its old per-row edits would otherwise be merged over this value)
    st.session_state["_editor_version"] = st.session_state.get("_editor_version", 0) + 1
    st.session_state.pop("_editor_last", None)
    workspace.save_draft(
        ctx.base_key, str(ctx.base_path), new, name=base.name, raw=coeftable.edited_raw(base, new)
    )
    st.session_state["cf_one_value"] = ""


can_edit = workspace.role() != "viewer"
# one value in a plain text box: what is typed is what is stored (typing straight onto a
# selected grid cell can lose the first keystrokes while the grid opens its cell editor —
# "0.6" arrives as "6"; in the grid, double-click or press Enter before typing)
with st.form("cf_one_form", border=True):
    o1, o2 = st.columns([3, 1])
    row_label = {
        r.row_id: f"{r.description or r.id}{'［' + r.key_label + '］' if r.key else ''}"
        f" · {r.value:.6g} {r.unit}（{r.valid_from}）"
        for r in shown.itertuples()
    }
    o1.selectbox(
        CF_TEXT["one_row"][lang != "zh"],
        list(row_label),
        key="cf_one_row",
        format_func=row_label.get,
        disabled=not can_edit,
    )
    o2.text_input(CF_TEXT["one_value"][lang != "zh"], key="cf_one_value", disabled=not can_edit)
    st.form_submit_button(
        f"✔ {CF_TEXT['one_apply'][lang != 'zh']}", on_click=_apply_one, disabled=not can_edit
    )
    st.caption(CF_TEXT["grid_hint"][lang != "zh"])
for p in st.session_state.pop("_cf_one_flash", []):
    st.error(str(p))
# issue 13: grid edits are applied only on an explicit "apply" (a form: no rerun while typing;
# the pending value stays visible in the cell), and the value cell is text parsed strictly by
# coeftable.check_edits
if not can_edit:
    st.info(CF_TEXT["viewer"][lang != "zh"])
editor_form = st.form("cf_editor_form", border=False)
# the grid gets only the columns it shows, under their labels ("value" keeps its name: the
# editor reports edits by column name and gep.app.data reads "value")
EDITOR_COLUMNS = [
    "edited",
    "id",
    "key",
    "description",
    "value",
    "baseline",
    "unit",
    "price_year",
    "value_at_year",
    "valid_from",
    "status",
    "source",
    "set",
]
shown_cols = {c: (c if c == "value" else labels[c]) for c in EDITOR_COLUMNS}
L = shown_cols
editor_form.data_editor(
    shown.assign(value=shown["value"].map(lambda v: f"{v:.12g}"), key=shown["key_label"])[
        EDITOR_COLUMNS
    ].rename(columns=shown_cols),
    key=editor_key,
    hide_index=True,
    width="stretch",
    height=min(38 + 35 * max(len(shown), 1), 560),
    num_rows="fixed",
    disabled=[L[c] for c in EDITOR_COLUMNS if c != "value" or not can_edit],
    column_config={
        L["edited"]: st.column_config.CheckboxColumn(labels["edited"], width="small"),
        L["id"]: st.column_config.TextColumn(labels["id"], width="large"),
        L["key"]: st.column_config.TextColumn(labels["key"]),
        "value": st.column_config.TextColumn(labels["value"], required=True, help=t("cf.intro")),
        L["baseline"]: st.column_config.NumberColumn(labels["baseline"], format="%.6g"),
        L["unit"]: st.column_config.TextColumn(labels["unit"]),
        L["price_year"]: st.column_config.NumberColumn(labels["price_year"], format="%d"),
        L["value_at_year"]: st.column_config.NumberColumn(labels["value_at_year"], format="%.6g"),
        L["valid_from"]: st.column_config.TextColumn(labels["valid_from"]),
        L["status"]: st.column_config.TextColumn(labels["status"]),
        L["source"]: st.column_config.TextColumn(labels["source"], width="large"),
        L["description"]: st.column_config.TextColumn(labels["description"], width="medium"),
        L["set"]: st.column_config.TextColumn(labels["set"]),
    },
)

editor_form.form_submit_button(
    f"✔ {CF_TEXT['apply'][lang != 'zh']}", type="primary", disabled=not can_edit
)
for w in coeftable.edit_warnings(base, edits, lang):
    st.warning(w, icon="⚠️")

# ---- edits against the file values, highlighted
st.subheader(t("cf.changes"))
changed = frame[frame["edited"]]
if changed.empty:
    st.caption(t("cf.nothing"))
else:
    diff = changed[["id", "key", "baseline", "value", "unit", "price_year"]].copy()
    diff["key"] = changed["key_label"]
    diff["Δ %"] = 100 * (diff["value"] / diff["baseline"].where(diff["baseline"] != 0) - 1)
    diff = diff.rename(columns={c: labels.get(c, c) for c in diff.columns})
    styled = diff.style.format(
        {labels["baseline"]: "{:,.6g}", labels["value"]: "{:,.6g}", "Δ %": "{:+.2f}"}, na_rep=""
    ).apply(
        lambda col: ["background-color: #fff3cd; font-weight: 600"] * len(col),
        subset=[labels["value"]],
    )
    st.dataframe(styled, hide_index=True, width="stretch", key="cf_diff")


def _reset() -> None:
    data.reset_edits()
    workspace.save_draft(ctx.base_key, str(ctx.base_path), {}, name=base.name)


def _saved_payload() -> tuple[str, dict[str, dict]]:
    """What to save: the edited coefficients on top of the base set.

    A base that is itself a saved workspace set is flattened (its own files + the edits,
    extending what it extended) so a set never extends itself.
    """
    raw = coeftable.edited_raw(base, edits)
    base_path = Path(ctx.base_path).resolve()
    if base_path.parent == workspace.sets_root().resolve():
        meta = load_yaml(base_path / "set.yaml") or {}
        own = {
            cid: c.to_raw()
            for cid, c in base.coefficients.items()
            if c.file and Path(c.file).resolve().is_relative_to(base_path)
        }
        return str(meta.get("extends", base_path)), {**own, **raw}
    return str(base_path), raw


b1, b2, b3 = st.columns(3)
with b1:
    st.button(f"↺ {t('cf.reset')}", on_click=_reset, disabled=not edits, key="cf_reset")
stamp = dt.date.today().isoformat()
yaml_doc = workspace.dump_yaml(
    {
        "name": f"{base.name}-edited",
        "extends": base.name,
        "note": (
            f"coefficients edited in the GEP app on {stamp}; base set {base.name} (hash "
            f"{base.hash}), edited set hash {ctx.coefficients.hash}"
        ),
        "coefficients": coeftable.edited_raw(base, edits),
    }
)
with b2:
    st.download_button(
        f"⬇ {t('cf.download_yaml')}",
        yaml_doc.encode("utf-8"),
        file_name=f"{base.name}-edited.yaml",
        mime="application/x-yaml",
        disabled=not edits,
        key="cf_dl_yaml",
        on_click=exports.logger("coefset.yaml", f"{base.name}-edited.yaml"),
    )
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
    folder = f"{base.name}-edited"
    zf.writestr(
        f"{folder}/set.yaml",
        workspace.dump_yaml(
            {
                "name": folder,
                "extends": base.name,
                "description": {
                    "zh": f"在 {base.name} 基础上编辑（{stamp}）",
                    "en": f"edited from {base.name} ({stamp})",
                },
            }
        ),
    )
    for cid, raw in coeftable.edited_raw(base, edits).items():
        zf.writestr(f"{folder}/{'/'.join(cid.split('.'))}.yaml", workspace.dump_yaml(raw))
with b3:
    st.download_button(
        f"⬇ {t('cf.download_zip')}",
        buf.getvalue(),
        file_name=f"{base.name}-edited.zip",
        mime="application/zip",
        disabled=not edits,
        key="cf_dl_zip",
        on_click=exports.logger("coefset.zip", f"{base.name}-edited.zip"),
    )


def _save_set() -> None:
    """Runs before the page (so the sidebar already lists the new set)."""
    name = st.session_state.get("cf_save_name", "")
    try:
        extends, payload = _saved_payload()
        path = workspace.save_set(name, extends, payload, base_name=base.name)
        st.session_state["_cf_flash"] = ("ok", t("cf.saved", name=name, path=str(path)), [])
    except InputError as exc:
        st.session_state["_cf_flash"] = ("bad", "", exc.problems)


with st.form("cf_save_form", clear_on_submit=False):
    st.text_input(t("cf.save_name"), key="cf_save_name", placeholder=f"{base.name}-2025-edited")
    st.form_submit_button(f"💾 {t('cf.save')}", disabled=not edits, on_click=_save_set)
flash = st.session_state.pop("_cf_flash", None)
if flash:
    kind, message, problems = flash
    if kind == "ok":
        st.success(message)
    else:
        ui.show_problems(problems, key="cf_save_problems")

with st.expander(t("dt.provenance")):
    prov = [
        ("base", base.name),
        ("path", str(ctx.base_path)),
        ("hash", base.hash),
        ("chain", " → ".join(base.chain)),
        ("edited_hash", ctx.coefficients.hash),
    ]
    st.dataframe(
        pd.DataFrame(
            [(text(f"cf.prov.{k}", lang), v) for k, v in prov],
            columns=[text("cf.prov.item", lang), text("cf.prov.value", lang)],
        ),
        hide_index=True,
        width="stretch",
    )
    parsed = [coeftable.parse_row_id(rid) for rid in edits]
    st.dataframe(
        pd.DataFrame(
            {
                labels["id"]: [cid for cid, _, _ in parsed],
                labels["key"]: [key_label(k or "") for _, k, _ in parsed],
                labels["valid_from"]: [start.isoformat() for _, _, start in parsed],
                labels["value"]: list(edits.values()),
            }
        ),
        hide_index=True,
    )
