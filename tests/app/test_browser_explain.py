"""Real browser (headless Chromium): on the county page, 查看计算过程 opens one number's
explanation — the illustrative-data warning, the quantity source and the rendered equation
(issue 9 item 3, issue 13 item 6). Reuses the `streamlit run app.py` server fixture."""

from __future__ import annotations

import pytest

from .served import SCRIPT_IDLE
from .test_browser import ANKANG, ARGS, ARTIFACTS, CHROMIUM, server  # noqa: F401  (fixture)


def test_explain_in_a_real_browser(server):  # noqa: F811
    sync_api = pytest.importorskip("playwright.sync_api")
    expect = sync_api.expect
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / ".gitignore").write_text("*\n", encoding="utf-8")
    indicator = "水源涵养"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(server, wait_until="domcontentloaded")
            page.get_by_role("heading", name="总览").wait_for(timeout=60_000)
            page.locator('[data-testid="stSidebarNav"]').get_by_text("区县", exact=True).click()
            page.get_by_role("heading", name="区县", exact=True).wait_for(timeout=30_000)
            expect(page.get_by_text("查看计算过程").first).to_be_visible(timeout=30_000)
            # nothing is explained until an indicator is chosen (on demand)
            assert page.get_by_text("实物量来源：").count() == 0
            box = page.locator('[data-testid="stSelectbox"]').filter(
                has_text="选择指标，查看其计算过程"
            )
            # the county page's run has finished: a click while it still draws can land on a
            # select that is redrawn before its list opens (seen under load, 1 run in 5)
            page.wait_for_function(SCRIPT_IDLE, timeout=60_000)
            # type to filter, then Enter: robust where a popover list is virtualised
            box.locator("input").click()
            page.keyboard.type(indicator)
            option = page.get_by_role("option").filter(has_text=indicator).first
            try:
                option.wait_for(timeout=30_000)
            except sync_api.TimeoutError:
                page.screenshot(path=str(ARTIFACTS / "county_explain_no_option.png"))
                raise
            page.keyboard.press("Enter")
            try:
                expect(page.get_by_text("实物量来源：按公式由清单数据计算")).to_be_visible(
                    timeout=30_000
                )
            except AssertionError:
                page.screenshot(path=str(ARTIFACTS / "county_explain_failed.png"))
                raise
            if ANKANG:
                expect(page.get_by_text("注意：此数值依据示意数据").first).to_be_visible(
                    timeout=30_000
                )
            # the equation is typeset (KaTeX), and the three tables are drawn
            expect(page.locator(".katex").first).to_be_visible(timeout=30_000)
            expect(page.get_by_text("系数（核算年份取值、价格年份与价格指数换算）")).to_be_visible()
            page.get_by_text("实物量来源：按公式由清单数据计算").scroll_into_view_if_needed()
            page.wait_for_timeout(1000)
            page.screenshot(path=str(ARTIFACTS / "county_explain_zh.png"))
        finally:
            browser.close()
    assert (ARTIFACTS / "county_explain_zh.png").stat().st_size > 10_000
