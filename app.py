"""GEP dashboard — ``streamlit run app.py``.

Opens on the bundled Ankang dataset (``datasets/ankang``) and its coefficient set; set
``GEP_DATASET`` (a dataset folder), ``GEP_COEFFICIENT_SET`` (a set name or folder) or
``GEP_WORKSPACE`` (where edits, scenarios and uploads are saved, default ``~/.gep_workspace``)
to change that. The pages live in ``gep/app/pages/``.
"""

from __future__ import annotations

import streamlit as st

from gep.app import data, identity, safety, status, ui
from gep.app.i18n import t

st.set_page_config(page_title="GEP · 生态产品总值", page_icon="🌲", layout="wide")

lang = ui.language_switch()
user = identity.current()  # local admin, or the OIDC user mapped to a role (gep.store)
with st.spinner(t("app.loading")):
    ctx = data.build_context(lang)
st.session_state["_ctx"] = ctx

PAGES = [
    ("overview", "🏞️", "results"),
    ("county", "📍", "results"),
    ("compare", "📊", "results"),
    ("methods", "📖", "results"),
    ("profiles", "⚖️", "results"),
    ("scenarios", "🔀", "tools"),
    ("coefficients", "🧮", "tools"),
    ("carbon", "🌲", "tools"),
    ("data", "🗂️", "tools"),
    ("audit", "📜", "tools"),
]
sections: dict[str, list] = {}
pages: dict[str, st.Page] = {}
for name, icon, section in PAGES:
    page = pages[name] = st.Page(
        f"gep/app/pages/{name}.py",
        title=t(f"nav.{name}"),
        icon=icon,
        url_path=name,
        default=name == "overview",
    )
    sections.setdefault(t(f"nav.section.{section}"), []).append(page)
nav = st.navigation(sections)
ui.open_linked_county(nav, pages["county"])  # ?county=610926 opens that county
ui.sidebar(ctx)
identity.sidebar_box(user, lang)
status.banner(ctx)  # illustrative-data banner + which coefficient version, on every page
ui.collapse_sidebar_after_navigation(nav.url_path)
safety.guarded(nav.run)  # errors: logged with an id, the user sees the id (issue 16)
