"""The dashboard on the store: banner on every page, drafts in the store, published default,
explicit apply with text parsing, warnings, audit page, viewers (AppTest, SQLite store)."""

from __future__ import annotations

import pytest

from gep.app import workspace
from gep.store import Store

from ..app.helpers import MINI, PAGES, assert_ok, goto, new_app, seed_edit
from .conftest import MINI_SETS

PRICE = "regulating.water_conservation.reservoir_cost"


def html_bodies(at) -> list[str]:
    return [h.proto.body for h in at.get("html")]


@pytest.fixture
def app_ws(tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    monkeypatch.setenv("GEP_DATASET", str(MINI))
    monkeypatch.delenv("GEP_COEFFICIENT_SET", raising=False)
    monkeypatch.delenv("GEP_DATABASE_URL", raising=False)
    monkeypatch.setenv("GEP_WORKSPACE", str(ws))
    monkeypatch.setenv("GEP_COEFFICIENTS", str(MINI_SETS))
    return ws


def test_banner_on_every_page_and_local_admin(app_ws):
    at = new_app("en")
    assert_ok(at)
    for page in [*PAGES, "audit"]:
        goto(at, page)
        assert_ok(at)
        bodies = html_bodies(at)
        banner = [b for b in bodies if "gep-illustrative-banner" in b]
        assert banner, page
        assert "170 of the 170 inventory rows" in banner[0] and "100%" in banner[0]
        assert any("from files" in b for b in bodies)  # nothing published yet
    assert any("single local user 'local' is admin" in c.value for c in at.sidebar.caption)


def test_edit_goes_to_private_draft_and_publish_changes_default(app_ws):
    at = new_app("en")
    goto(at, "coefficients")
    seed_edit(at, PRICE, "0.6")  # text from the grid's value cell: parsed, not reformatted
    assert_ok(at)
    assert list(at.session_state["gep_edits"].values()) == [0.6]
    assert any("private draft (1 change" in b for b in html_bodies(at))
    st = Store(cache=app_ws / "cache")
    st.files_root = MINI_SETS
    d = st.draft("coefset", "mini", "local")
    assert list(d["content"]["edits"].values()) == [0.6]
    assert PRICE in d["content"]["coefficients"]
    st.add_user("alice", "analyst")
    assert st.draft("coefset", "mini", "alice") is None  # invisible to another user
    workspace.set_current_user("alice")
    try:
        assert workspace.load_draft("x", name="mini") == {}
    finally:
        workspace.set_current_user("local")
    # an approver publishes the local user's draft: new sessions open on the published version
    st.add_user("bob", "approver")
    v = st.publish("coefset", "mini", "bob", "reviewed in the app", draft_owner="local")
    again = new_app("en")
    assert_ok(again)
    assert again.session_state["gep_edits"] == {}  # the draft became the official version
    line = next(b for b in html_bodies(again) if "gep-version-line" in b)
    assert f"published version v{v.number}" in line and "bob" in line
    goto(again, "coefficients")
    frame = again.session_state["_editor_last"][1]
    assert any(r.startswith(PRICE) for r in frame)
    cs, _ = st.coefficient_set("mini")
    assert cs[PRICE].values[0].value == pytest.approx(0.6)
    st.close()


def test_order_of_magnitude_edit_is_warned(app_ws):
    at = new_app("en")
    goto(at, "coefficients")
    seed_edit(at, PRICE, 500.0)  # file value 5
    assert_ok(at)
    warnings = [w.value for w in at.warning]
    assert any("more than an order of magnitude" in w for w in warnings), warnings
    assert list(at.session_state["gep_edits"].values()) == [500.0]  # warned, not refused


def test_viewer_cannot_save_and_is_logged(app_ws):
    st = Store(cache=app_ws / "cache")
    st.add_user("local", "viewer")  # this deployment's local user is only a viewer
    at = new_app("en")
    goto(at, "coefficients")
    assert any("Viewers cannot edit" in i.value for i in at.info)
    seed_edit(at, PRICE, 6.0)
    assert_ok(at)
    assert st.draft("coefset", "mini", "local") is None
    refused = st.audit(user="local", action="draft.refused")
    assert refused and refused[-1]["ok"] is False
    st.close()


def test_audit_page_lists_and_filters(app_ws):
    at = new_app("en")
    goto(at, "coefficients")
    seed_edit(at, PRICE, 6.0)
    goto(at, "audit")
    assert_ok(at)
    # actions in words (issue 14 item 6); the filter keeps the recorded action ids
    table = next(d.value for d in at.dataframe if "Action" in d.value.columns)
    assert "save draft" in set(table["Action"])
    at.selectbox(key="au_action").set_value("user.add").run()
    table = next(d.value for d in at.dataframe if "Action" in d.value.columns)
    assert set(table["Action"]) == {"add user"}


def test_uploads_accepted_and_rejected_are_logged(app_ws):
    good = (MINI / "inventory.csv").read_bytes()
    lines = good.decode("utf-8").splitlines()
    lines[1] = lines[1].replace("100001", "999999", 1)  # unknown region
    bad = ("\n".join(lines) + "\n").encode("utf-8")
    at = new_app("en")
    goto(at, "data")
    at.file_uploader(key="dt_upload").set_value(("inventory.csv", bad, "text/csv"))
    at.run()
    at.button(key="dt_go").click().run()
    assert_ok(at)
    st = Store(cache=app_ws / "cache")
    [rejected] = st.audit(action="upload.rejected")
    assert rejected["ok"] is False and rejected["user"] == "local"
    assert any("999999" in p for p in rejected["detail"]["problems"])
    at.file_uploader(key="dt_upload").set_value(("good.csv", good, "text/csv"))
    at.run()
    at.button(key="dt_go").click().run()
    assert_ok(at)
    [v] = st.versions("dataset", "good")  # the local admin's upload is a published version
    assert v.published and v.author == "local"
    st.close()
