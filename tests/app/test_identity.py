"""The identity → role mapping layer in the app (AppTest with an ``[auth]`` section and a
seeded ``st.user``); the real login through a provider is tests/app/test_oidc_login.py."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from gep.store import Store

from .helpers import APP, TIMEOUT, assert_ok, goto, seed_edit

AUTH = {
    "auth": {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "gep-test-cookie-secret-0123456789abcdef",
        "client_id": "gep",
        "client_secret": "secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}
PRICE = "regulating.water_conservation.reservoir_cost"


def _app(user: dict | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets = AUTH
    at.user = user if user is not None else {"is_logged_in": False}
    at.session_state["lang"] = "en"
    return at.run(timeout=TIMEOUT)


@pytest.fixture
def people(workspace):
    with Store(cache=workspace / "cache") as st:
        st.add_user("li", "analyst", oidc_subject="sub-li")
        st.add_user("wang", "approver", oidc_subject="sub-wang")
    return workspace


def _who(at) -> list[str]:
    return [c.value for c in at.sidebar.caption if "Signed in as" in c.value]


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        (None, "Signed in as anonymous (viewer)"),
        ({"is_logged_in": True, "sub": "sub-li", "email": "li@x.cn"}, "Signed in as li (analyst)"),
        ({"is_logged_in": True, "sub": "sub-wang"}, "Signed in as wang (approver)"),
        (
            {"is_logged_in": True, "sub": "sub-nobody", "email": "who@x.cn"},
            "Signed in as who@x.cn (viewer)",
        ),
    ],
)
def test_subject_maps_to_role(people, user, expected):
    at = _app(user)
    assert_ok(at)
    assert _who(at) == [expected]
    assert not [c for c in at.sidebar.caption if "single local user" in c.value]


def test_unmapped_user_cannot_edit_and_the_attempt_is_logged(people):
    at = _app({"is_logged_in": True, "sub": "sub-nobody", "email": "who@x.cn"})
    goto(at, "coefficients")
    assert any("Viewers cannot edit" in i.value for i in at.info)
    seed_edit(at, PRICE, 6.0)
    assert_ok(at)
    with Store(cache=people / "cache") as st:
        assert st.draft("coefset", "mini", "who@x.cn") is None
        refused = st.audit(user="who@x.cn", action="draft.refused")
        assert refused and refused[-1]["ok"] is False


def test_mapped_analyst_edits_own_draft(people):
    at = _app({"is_logged_in": True, "sub": "sub-li"})
    goto(at, "coefficients")
    seed_edit(at, PRICE, "0.6")
    assert_ok(at)
    with Store(cache=people / "cache") as st:
        st.files_root = None
        d = st.draft("coefset", "mini", "li")
        assert d is not None and list(d["content"]["edits"].values()) == [0.6]
        assert st.draft("coefset", "mini", "local") is None
