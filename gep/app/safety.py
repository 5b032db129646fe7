"""The dashboard survives any one user (issue 16 item 5).

An unexpected error in a page is logged on the server with a short id, and the user sees a
Chinese (and English) message quoting that id — never a traceback or a server path
(``showErrorDetails = "none"`` in ``.streamlit/config.toml`` does the same for anything that
escapes). Streamlit's own control-flow exceptions (rerun, stop) derive from ``BaseException``
and pass through untouched.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

import streamlit as st

log = logging.getLogger("gep.app")


def error_id() -> str:
    return uuid.uuid4().hex[:8]


def report_error(exc: BaseException) -> str:
    """Log ``exc`` with its traceback under a new id; show the user the id only."""
    eid = error_id()
    log.error("error id %s: %s", eid, type(exc).__name__, exc_info=exc)
    st.error(
        f"出错了，本页未能完成（错误编号 {eid}）。请把错误编号告诉管理员，其他页面仍可使用。\n\n"
        f"Something went wrong on this page (error id {eid}). Please quote the id to the "
        "administrator; the other pages keep working."
    )
    return eid


def guarded(fn: Callable[[], Any]) -> Any:
    """Run ``fn``; an ``Exception`` becomes a logged, id-tagged message instead of a traceback."""
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - the last line of defence for one session
        report_error(exc)
        return None
