"""Who is using the dashboard, and with which role.

* **With an identity provider** (an ``[auth]`` section in ``.streamlit/secrets.toml``, which
  Streamlit's ``st.login`` reads): the user logs in with OIDC; ``st.user.sub`` is mapped to a
  store user by the ``users.oidc_subject`` column (``gep users add NAME --role …
  --oidc-subject SUB``). A logged-in person without a mapping, and anyone not logged in, is
  a viewer.
* **Locally** (no provider, the default): the single local user ``local`` is admin, and the
  sidebar says so.

The role is enforced by :mod:`gep.store`, not here: this module only says who is acting.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ..store import LOCAL_USER
from . import workspace


@dataclass(frozen=True)
class Identity:
    name: str
    role: str
    mode: str  # local | oidc
    logged_in: bool = True
    email: str | None = None


def oidc_configured() -> bool:
    """True when ``st.secrets`` holds an ``[auth]`` section (Streamlit's OIDC login)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def current() -> Identity:
    """The acting user of this browser session (also set as the workspace's current user)."""
    store = workspace.get_store()
    if not oidc_configured():
        user = store.ensure_local_user()
        ident = Identity(user["name"], user["role"], "local")
    else:
        logged_in = bool(getattr(st.user, "is_logged_in", False))
        sub = str(st.user.get("sub", "")) if logged_in else ""
        mapped = store.user_for_subject(sub) if sub else None
        if mapped is not None:
            ident = Identity(mapped["name"], mapped["role"], "oidc", True, st.user.get("email"))
        else:
            name = str(st.user.get("email") or sub or "anonymous") if logged_in else "anonymous"
            ident = Identity(name, "viewer", "oidc", logged_in, st.user.get("email"))
    workspace.set_current_user(ident.name if ident.name != "anonymous" else "anonymous")
    return ident


def sidebar_box(ident: Identity, lang: str = "zh") -> None:
    """Who is acting, with which role; login/logout buttons when a provider is configured."""
    from .status import s

    with st.sidebar:
        if ident.mode == "local":
            st.caption(s("id.local", lang, user=LOCAL_USER))
        else:
            st.caption(s("id.oidc", lang, user=ident.name, role=s(f"role.{ident.role}", lang)))
            if ident.logged_in:
                st.button(s("id.logout", lang), on_click=st.logout, key="id_logout")
            else:
                st.button(s("id.login", lang), on_click=st.login, key="id_login")
