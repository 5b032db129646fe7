"""Real-browser checks of the map with every request outside this machine blocked (issue 14
item 4, issue 16): a saved county boundary file with one garbage feature shows a visible Chinese
warning naming the county not drawn; the township level of the illustrative township fixture
(tests/data/township) is drawn as a choropleth whose tooltip shows the value and the rank.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from gep.app import geo

from .helpers import MINI_SET, REPO
from .served import block_outside, streamlit_app
from .test_browser import ARGS, ARTIFACTS, CHROMIUM

TOWN = REPO / "tests" / "data" / "township"

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not installed at {CHROMIUM}"),
]


@pytest.fixture(scope="module")
def town_server(tmp_path_factory):
    """The app on the township fixture; the workspace holds a county file whose 甲县 feature is
    garbage and the township file, as if uploaded earlier by another user."""
    ws = tmp_path_factory.mktemp("ws_town")
    (ws / "boundaries").mkdir()
    counties = json.loads((TOWN / "counties.geojson").read_bytes())
    counties["features"][0]["geometry"] = {"type": "Polygon", "coordinates": "garbage"}
    bf = geo.read_boundary("c.geojson", json.dumps(counties))
    (ws / "boundaries" / "boundary.geojson").write_bytes(geo.dump_boundary(bf))
    towns = geo.read_boundary("t.geojson", (TOWN / "townships.geojson").read_bytes())
    (ws / "boundaries" / "township.geojson").write_bytes(geo.dump_boundary(towns))
    env = {
        **os.environ,
        "GEP_WORKSPACE": str(ws),
        "GEP_DATASET": str(TOWN),
        "GEP_COEFFICIENT_SET": str(MINI_SET),
    }
    log = tmp_path_factory.mktemp("log_town") / "streamlit.log"
    with streamlit_app(env, log) as url:
        yield url


def test_partial_county_file_warns_and_township_map_is_offline(town_server):
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            outside = block_outside(page)
            page.goto(f"{town_server}/?lang=zh", wait_until="domcontentloaded")
            page.get_by_role("heading", name="总览").wait_for(timeout=60_000)
            # county level: the garbage feature and the county it leaves out are named
            skipped = page.get_by_text("1/2 个要素不是坐标有效的多边形")
            skipped.wait_for(timeout=60_000)
            assert "甲县" in skipped.inner_text()
            missing = page.get_by_text("边界只匹配了 1/2 个区县")
            assert missing.is_visible() and "甲县" in missing.inner_text()
            fills = page.locator(".js-plotly-plot path.js-fill")
            deadline = time.time() + 30
            while fills.count() < 1 and time.time() < deadline:
                page.mouse.wheel(0, 400)
                page.wait_for_timeout(300)
            assert fills.count() == 1  # 乙县 only, and the warning says so
            # township level
            page.locator(".st-key-ov_map_level").get_by_text("乡镇（街道）", exact=True).click()
            deadline = time.time() + 30
            while fills.count() != 2 and time.time() < deadline:
                page.wait_for_timeout(300)
            assert fills.count() == 2
            assert page.get_by_text("2/2 个乡镇（街道）已匹配").is_visible()
            the_map = page.locator(".js-plotly-plot", has=page.locator("path.js-fill")).first
            the_map.scroll_into_view_if_needed()
            page.wait_for_timeout(800)
            box = fills.first.bounding_box()
            assert box is not None
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            hover = page.locator(".hoverlayer .hovertext")
            hover.first.wait_for(timeout=10_000)
            tip = hover.first.text_content() or ""  # SVG: no inner_text
            assert "镇（甲县）" in tip and "排名：" in tip and "万元/平方千米" in tip, tip
            the_map.screenshot(path=str(ARTIFACTS / "map_township_offline_zh.png"))
            assert not outside, outside  # nothing asked of the internet
        finally:
            browser.close()
