"""The county page offers the accounting report as Word, PDF and Excel; the files it serves
are the report of that county and year."""

from __future__ import annotations

import io

import docx
import openpyxl
from streamlit.testing.v1 import AppTest

from gep.app import ui

from .helpers import APP, TIMEOUT, assert_ok, goto, new_app


def test_county_page_report_buttons(workspace):
    at = new_app("zh")
    goto(at, "county")
    assert_ok(at)
    keys = {b.key for b in at.get("download_button")}
    assert {"dl_county_report_docx", "dl_county_report_pdf", "dl_county_report_xlsx"} <= keys
    labels = [
        b.proto.label for b in at.get("download_button") if b.key.startswith("dl_county_report")
    ]
    assert any("Word" in x for x in labels) and any("PDF" in x for x in labels)


def test_report_download_contents():
    """What the deferred download callable returns (the cached report of the context)."""
    from gep.accounting import account
    from gep.coefficients import load_set
    from gep.inventory import load_dataset

    from .helpers import MINI, MINI_SET

    ds = load_dataset(MINI)
    acc = account(ds, load_set(MINI_SET))
    raw = ui._report_cached.__wrapped__(
        ds.hash, acc.coefficients.hash, acc.profile, "docx", 2021, "100001", "zh", "wan_CNY", acc
    )
    d = docx.Document(io.BytesIO(raw))
    assert any("2021年生态产品总值（GEP）核算报告" in p.text for p in d.paragraphs)
    raw = ui._report_cached.__wrapped__(
        ds.hash, acc.coefficients.hash, acc.profile, "xlsx", 2021, "100001", "zh", "wan_CNY", acc
    )
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    assert wb.sheetnames[0] == "说明" and any(s.startswith("100001") for s in wb.sheetnames)


def test_link_opens_county_year_and_language(workspace):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["county"] = "100002"
    at.query_params["year"] = "2020"
    at.query_params["lang"] = "English"
    at.run(timeout=TIMEOUT)
    goto(at, "county")
    assert_ok(at)
    assert at.title[0].value == "County"
    assert at.selectbox(key="sb_county_choice").value == "100002"
    assert at.sidebar.selectbox(key="sb_year").value == 2020
    labels = [m.label for m in at.metric]
    assert "GEP 2020" in labels and "GEP/GDP" in labels
    # the choice stays when leaving the page and coming back
    goto(at, "overview")
    goto(at, "county")
    assert at.selectbox(key="sb_county_choice").value == "100002"


def test_lang_en_alias(workspace):
    for alias in ("en", "English"):
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.query_params["lang"] = alias
        at.run(timeout=TIMEOUT)
        assert_ok(at)
        assert at.title[0].value == "Overview"


def test_link_without_a_page_opens_the_county_page(workspace):
    """``/?county=…`` (no page in the path) opens the county page on that county; a later
    visit to the overview stays there."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["county"] = "100002"
    at.query_params["year"] = "2020"
    at.query_params["lang"] = "zh"
    at.run(timeout=TIMEOUT)
    assert_ok(at)
    assert at.title[0].value == "区县"
    assert at.selectbox(key="sb_county_choice").value == "100002"
    assert at.sidebar.selectbox(key="sb_year").value == 2020
    goto(at, "overview")
    assert at.title[0].value == "总览"
