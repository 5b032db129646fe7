"""方法说明 Methods: what GEP is, the profiles, each indicator's method and equation (read from
the formula docstrings), how prices are moved to the accounting year, what "illustrative" means."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gep.app import data, ui
from gep.app.i18n import t
from gep.indicators import indicators_for
from gep.report.labels import profile_label, status_label
from gep.report.methods import method_note
from gep.report.tables import category_name, data_status

ctx = data.current()
ui.require_account(ctx)
acc, year, lang = ctx.account, ctx.year, ctx.lang

st.title(t("me.title"))
st.markdown(t("me.what"))

st.subheader(t("me.profiles"))
rows = []
for p in data.PROFILES:
    inds = indicators_for(p)
    rows.append(
        {
            t("me.col.profile"): profile_label(p, lang),
            t("me.col.n"): len(inds),
            t("me.col.indicators"): ("、" if lang == "zh" else ", ").join(
                i.label(lang) for i in inds if i.default
            ),
        }
    )
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
st.caption(t("me.profile_now", p=profile_label(acc.profile, lang)))

st.subheader(t("me.indicators"))
st.caption(t("me.from_code"))
for cat in dict.fromkeys(i.category for i in acc.indicators):
    st.markdown(f"#### {category_name(cat, lang)}")
    for ind in [i for i in acc.indicators if i.category == cat]:
        note = method_note(ind)
        with st.expander(f"{ind.label(lang)} · {ind.method_zh if lang == 'zh' else ind.method}"):
            for f in note.formulas:
                if lang != "zh":
                    st.markdown(f"*{f.summary}*")
                for eq in f.equations:
                    st.latex(eq)
            cited = note.cited(lang)
            if cited:
                st.markdown(t("me.refs") + "\n\n" + "\n".join(f"{n}. {text}" for n, text in cited))

st.subheader(t("me.prices"))
st.markdown(t("me.prices_text", y=year, b=acc.base_year))
idx_rows = []
for cid in ("price_index.cpi", "price_index.construction"):
    try:
        name = acc.coefficients[cid].description.get(lang) or cid
        factors = {y: acc.coefficients.index_factor(cid, y, year) for y in acc.years}
    except Exception:  # a set without this index: nothing to show for it
        continue
    row = {t("me.col.index"): name}
    row.update({t("me.col.from", y=y): round(f, 4) for y, f in factors.items()})
    idx_rows.append(row)
if idx_rows:
    st.caption(t("me.factors", y=year))
    st.dataframe(pd.DataFrame(idx_rows), hide_index=True, width="stretch")

st.subheader(t("me.illustrative"))
st.markdown(t("me.illustrative_text"))
status = data_status(acc, None, year)
if status["rows"]:
    st.info(
        t(
            "me.illustrative_now",
            n=status["illustrative"],
            total=status["rows"],
            pct=100 * (status["share"] or 0),
            y=year,
        )
    )
st.dataframe(
    pd.DataFrame(
        [
            {t("me.col.status"): status_label(s, lang), t("me.col.meaning"): t(f"me.status.{s}")}
            for s in ("standard", "official", "local-official", "literature", "illustrative")
        ]
    ),
    hide_index=True,
    width="stretch",
)
