"""Sidebar choices survive a page change, whatever the browser reports with it (issue 14).

The choices are kept under plain session keys (gep.app.ui.kept_choice); Streamlit's widget
state was not enough: on a page change it keeps only the widget values the browser sends
with the click (``ScriptRunner._run_script``: "Clear widget state on page change"), and it
reads radio and select values back by their labels, so a report drawn in the other language
came back as a stray label. The browser run showed it: the Coefficients page opened in
Chinese without a money unit selected after a click made in English. Here the page changes
are made through Streamlit's own runner with the widget report a browser would send."""

from __future__ import annotations

from streamlit.proto.WidgetStates_pb2 import WidgetStates

from .helpers import TIMEOUT, assert_ok, new_app


def change_page_reporting_no_widgets(at, page: str):
    """Switch page the way a browser does whose widget report is empty."""
    at.switch_page(f"gep/app/pages/{page}.py")
    return at._run(WidgetStates(), timeout=TIMEOUT)  # AppTest.run() would report the tree's


def test_choices_come_back_after_streamlit_drops_the_widget_state(workspace):
    at = new_app("en")
    at.sidebar.selectbox(key="sb_year").set_value(2020).run()
    at.sidebar.radio(key="sb_money_unit").set_value("wan").run()
    at.sidebar.radio(key="sb_image_format").set_value("svg").run()
    change_page_reporting_no_widgets(at, "coefficients")
    assert_ok(at)
    assert at.title[0].value == "Coefficients"
    assert at.session_state["lang"] == "en"
    assert at.session_state["year"] == 2020
    assert at.sidebar.radio(key="sb_money_unit").value == "wan"
    assert at.sidebar.radio(key="sb_image_format").value == "svg"
    assert at.metric[0].label.startswith("City GEP 2020")
    assert not [w for w in at.warning if "Session State" in str(w.value)]


def test_the_latest_choice_is_the_one_kept(workspace):
    at = new_app("zh")
    at.sidebar.radio(key="sb_money_unit").set_value("wan").run()
    at.sidebar.radio(key="sb_money_unit").set_value("yi").run()
    at.sidebar.selectbox(key="sb_year").set_value(2020).run()
    at.sidebar.selectbox(key="sb_year").set_value(2021).run()
    change_page_reporting_no_widgets(at, "county")
    assert_ok(at)
    assert at.title[0].value == "区县"
    assert at.sidebar.radio(key="sb_money_unit").value == "yi"
    assert at.session_state["year"] == 2021


def browser_report(at, **changed: str):
    """The widget values a browser sends for the page it shows (radio and select values
    travel as their displayed labels), with some changed as a click would change them."""
    states = at._tree.get_widget_states()
    for w in states.widgets:
        key = w.id.rsplit("-", 1)[-1]
        if key in changed:
            w.string_value = changed[key]
    return states


def test_language_switch_with_a_page_change_keeps_every_other_choice(workspace):
    """The browser reports the other controls by their English labels ("10⁸ CNY (亿元)")
    while the run that reads them is Chinese: the choices must come through, not the labels."""
    at = new_app("en")
    at.sidebar.radio(key="sb_money_unit").set_value("wan").run()
    at.sidebar.selectbox(key="sb_profile").set_value("xie-2015").run()
    at.sidebar.selectbox(key="sb_year").set_value(2021).run()
    report = browser_report(at, sb_lang="中文")
    at.switch_page("gep/app/pages/coefficients.py")
    at._run(report, timeout=TIMEOUT)
    assert_ok(at)
    assert at.title[0].value == "系数"
    assert at.session_state["money_unit"] == "wan"
    assert at.session_state["profile"] == "xie-2015"
    assert at.session_state["year"] == 2021
    assert at.sidebar.radio(key="sb_money_unit").value == "wan"
    assert at.sidebar.selectbox(key="sb_profile").value == "xie-2015"
    assert at.metric[0].label.startswith("2021")
    assert "万元" in at.metric[0].value


def test_a_stray_label_never_becomes_a_choice(workspace):
    """A value read back that is none of the options (a label from the other language) is
    replaced by the kept choice, on the same page change."""
    at = new_app("zh")
    at.sidebar.radio(key="sb_money_unit").set_value("wan").run()
    report = browser_report(at, sb_money_unit="10⁴ CNY (万元)")
    at.switch_page("gep/app/pages/county.py")
    at._run(report, timeout=TIMEOUT)
    assert_ok(at)
    assert at.session_state["money_unit"] in ("wan", "yi")
    assert at.sidebar.radio(key="sb_money_unit").value in ("wan", "yi")
