"""审计日志 Audit log: who did what, when, from which version to which, and why (read-only)."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import streamlit as st

from gep.app import data, exports, workspace
from gep.app.i18n import STRINGS, text
from gep.app.status import s
from gep.safeio import escape_frame

ctx = data.current()
lang = ctx.lang

st.title(s("au.title", lang))
st.caption(s("au.intro", lang))

store = workspace.get_store()
entries = store.audit()
frame = pd.DataFrame(
    entries, columns=["time", "user", "action", "object", "from", "to", "reason", "ok", "detail"]
)


def action_label(action: str) -> str:
    """An audit action in words (``user.add`` → 添加用户; ``x.refused`` → x（被拒绝））; an
    action this version does not know is shown as recorded."""
    key = f"au.act.{action}"
    if key in STRINGS:
        return text(key, lang)
    if action.endswith(".refused") and f"au.act.{action[: -len('.refused')]}" in STRINGS:
        return text("au.refused", lang, what=text(f"au.act.{action[: -len('.refused')]}", lang))
    return action


def object_label(obj: str) -> str:
    """``coefset:ankang`` → 系数集：ankang (the kind in words, the name as recorded)."""
    kind, sep, name = str(obj).partition(":")
    key = f"au.kind.{kind}"
    if sep and key in STRINGS:
        return text(key, lang) + ("：" if lang == "zh" else ": ") + name
    return str(obj)


AUDIT_COLUMNS = ["time", "user", "action", "object", "from", "to", "reason", "ok"]


all_label = s("au.all", lang)
c1, c2, c3, c4 = st.columns(4)
with c1:
    user = st.selectbox(
        s("au.user", lang), [all_label, *sorted(frame["user"].unique())], key="au_user"
    )
with c2:
    action = st.selectbox(
        s("au.action", lang),
        [all_label, *sorted(frame["action"].unique())],
        key="au_action",
        format_func=lambda a: a if a == all_label else action_label(a),
    )
with c3:
    obj = st.text_input(s("au.object", lang), key="au_object").strip()
with c4:
    since = st.date_input(s("au.since", lang), value=None, key="au_since")

shown = frame
if user != all_label:
    shown = shown[shown["user"] == user]
if action != all_label:
    shown = shown[shown["action"] == action]
if obj:
    shown = shown[shown["object"].str.contains(obj, regex=False)]
if since:
    shown = shown[shown["time"] >= dt.datetime.combine(since, dt.time()).isoformat()]
shown = shown.iloc[::-1]  # newest first


st.caption(s("au.n", lang, n=len(shown)))
if shown.empty:
    st.info(s("au.empty", lang))
else:
    # detail (e.g. the versions an export was made from) as compact JSON text
    table = shown.assign(
        detail=shown["detail"].map(
            lambda d: json.dumps(d, ensure_ascii=False, sort_keys=True) if d else ""
        )
    ).fillna("")
    view = table.assign(
        action=table["action"].map(action_label),
        object=table["object"].map(object_label),
        ok=table["ok"].map(lambda ok: text("au.ok" if ok else "au.not_ok", lang)),
    ).rename(columns={c: text(f"au.col.{c}", lang) for c in [*AUDIT_COLUMNS, "detail"]})
    st.dataframe(view, hide_index=True, width="stretch", key="au_table")
    d1, d2 = st.columns(2)
    d1.download_button(
        f"⬇ {s('au.csv', lang)}",
        escape_frame(table).to_csv(index=False).encode("utf-8-sig"),
        file_name="gep-audit.csv",
        mime="text/csv",
        key="au_dl_csv",
        on_click=exports.logger("audit.csv", "gep-audit.csv", entries=len(table)),
    )
    d2.download_button(
        f"⬇ {s('au.json', lang)}",
        json.dumps(shown.to_dict("records"), ensure_ascii=False, indent=1, default=str).encode(),
        file_name="gep-audit.json",
        mime="application/json",
        key="au_dl_json",
        on_click=exports.logger("audit.json", "gep-audit.json", entries=len(shown)),
    )

if ctx.base is not None:
    versions = store.versions("coefset", ctx.base.name)
    if versions:
        st.subheader(f"{s('au.versions', lang)} · {ctx.base.name}")
        vt = pd.DataFrame([v.as_dict() for v in versions]).drop(columns=["kind", "name"])
        vt["hash"] = vt["hash"].str[:16]
        vt["published"] = vt["published"].map(lambda b: text("au.ok" if b else "au.not_ok", lang))
        vt = vt.rename(columns={c: text(f"au.vcol.{c}", lang) for c in vt.columns})
        st.dataframe(vt.iloc[::-1], hide_index=True, width="stretch", key="au_versions")
