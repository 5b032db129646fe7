"""Helpers for the dashboard tests: paths, a fresh AppTest session, page switching."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
MINI = REPO / "tests" / "data" / "mini"
MINI_SET = REPO / "tests" / "data" / "coefficients" / "mini"
PAGES = [
    "overview",
    "county",
    "compare",
    "methods",
    "scenarios",
    "coefficients",
    "carbon",
    "data",
    "profiles",
]
TIMEOUT = 60  # seconds per run (AppTest's default of 3 s is too short for a cold start)


def new_app(lang: str = "zh", **state) -> AppTest:
    """A fresh session (like a new browser tab), run once on the default page."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    for k, v in state.items():
        at.session_state[k] = v
    return at.run(timeout=TIMEOUT)


def goto(at: AppTest, page: str) -> AppTest:
    """Switch to one of the dashboard pages and run it."""
    return at.switch_page(f"gep/app/pages/{page}.py").run(timeout=TIMEOUT)


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    # gep.app.safety turns page errors into an id-tagged message: those are failures too
    assert not [e.value for e in at.error if "错误编号" in str(e.value)], [
        e.value for e in at.error
    ]


def seed_edit(at: AppTest, coefficient_id: str, value: float, key: str | None = None) -> AppTest:
    """Edit one coefficient value through the data editor's state (as a user's edit would),
    then rerun. The page must be the coefficients page."""
    editor = at.session_state["coef_editor_key"]
    rows = at.session_state["_editor_last"][1]
    prefix = f"{coefficient_id}|{key or ''}|"
    pos = next(i for i, r in enumerate(rows) if r.startswith(prefix))
    at.session_state[editor] = {
        "edited_rows": {pos: {"value": value}},
        "added_rows": [],
        "deleted_rows": [],
    }
    return at.run(timeout=TIMEOUT)
