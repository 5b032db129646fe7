"""Sidebar choices survive Streamlit dropping widget state on a page change (issue 14).

On a page change Streamlit keeps only the widget values the browser sends with the click
(``ScriptRunner._run_script``: "Clear widget state on page change"); a click landing while
the previous page still runs can send too few. The browser run showed it: the Coefficients
page opened without a money unit selected after a click made in English. Here the page change
is made with no widget values at all, through Streamlit's own runner."""

from __future__ import annotations

from streamlit.proto.WidgetStates_pb2 import WidgetStates

from .helpers import TIMEOUT, assert_ok, new_app


def change_page_reporting_no_widgets(at, page: str):
    """Switch page the way a browser does whose widget report is empty."""
    at.switch_page(f"gep/app/pages/{page}.py")
    return at._run(WidgetStates(), timeout=TIMEOUT)  # AppTest.run() would report the tree's


def test_choices_come_back_after_streamlit_drops_the_widget_state(workspace):
    at = new_app("en")
    at.sidebar.selectbox(key="year").set_value(2020).run()
    at.sidebar.radio(key="money_unit").set_value("wan").run()
    at.sidebar.radio(key="image_format").set_value("svg").run()
    change_page_reporting_no_widgets(at, "coefficients")
    assert_ok(at)
    assert at.title[0].value == "Coefficients"
    assert at.session_state["lang"] == "en"
    assert at.session_state["year"] == 2020
    assert at.sidebar.radio(key="money_unit").value == "wan"
    assert at.sidebar.radio(key="image_format").value == "svg"
    assert at.metric[0].label.startswith("City GEP 2020")
    assert not [w for w in at.warning if "Session State" in str(w.value)]


def test_the_latest_choice_is_the_one_kept(workspace):
    at = new_app("zh")
    at.sidebar.radio(key="money_unit").set_value("wan").run()
    at.sidebar.radio(key="money_unit").set_value("yi").run()
    at.sidebar.selectbox(key="year").set_value(2020).run()
    at.sidebar.selectbox(key="year").set_value(2021).run()
    change_page_reporting_no_widgets(at, "county")
    assert_ok(at)
    assert at.title[0].value == "区县"
    assert at.sidebar.radio(key="money_unit").value == "yi"
    assert at.session_state["year"] == 2021
