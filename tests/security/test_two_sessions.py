"""Issue 16 item 5: a hostile upload in one browser session while a second session keeps
answering — the real server (`streamlit run app.py`) and headless Chromium."""

from __future__ import annotations

import threading
import time
import urllib.request
from pathlib import Path

import pytest

from ..app.served import SCRIPT_IDLE
from ..app.test_browser import ARGS, ARTIFACTS, CHROMIUM, server  # noqa: F401  (fixture)
from .test_dashboard import _zip_bomb

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not installed at {CHROMIUM}"),
    pytest.mark.timeout(600),
]

UNIT_BOMB = (
    "region,year,item,ecosystem,species,value,unit,source\n"
    "610902,2020,area,forest.broadleaf,,6000,9**9**9*hectare,x\n"
)


def _health_probe(url: str, stop: threading.Event, worst: list[float]) -> None:
    while not stop.is_set():
        t0 = time.perf_counter()
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=10).read()
            worst.append(time.perf_counter() - t0)
        except OSError:
            worst.append(float("inf"))
        time.sleep(0.2)


@pytest.mark.parametrize("kind", ["unit_bomb", "zip_bomb"])
def test_hostile_upload_does_not_stall_other_sessions(server, tmp_path, kind):  # noqa: F811
    sync_api = pytest.importorskip("playwright.sync_api")
    if kind == "unit_bomb":
        upload = tmp_path / "inventory.csv"
        upload.write_text(UNIT_BOMB, encoding="utf-8")
    else:
        upload = tmp_path / "inventory.xlsx"
        upload.write_bytes(_zip_bomb(300 * 1024 * 1024))
    stop = threading.Event()
    times: list[float] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            hostile = browser.new_page()
            other = browser.new_page()
            other.goto(server, wait_until="domcontentloaded")
            other.get_by_role("heading", name="总览").wait_for(timeout=90_000)
            hostile.goto(f"{server}/data", wait_until="domcontentloaded")
            hostile.get_by_text("校验并启用").first.wait_for(timeout=90_000)
            # the data page's first run has finished: a file chosen while it still runs is
            # not what this test is about
            hostile.wait_for_function(SCRIPT_IDLE, timeout=90_000)
            probe = threading.Thread(target=_health_probe, args=(server, stop, times))
            probe.start()
            button = hostile.get_by_role("button", name="校验并启用")
            # the page can still be drawing after its run ends (the uploader's input replaced):
            # twice in CI the chosen file never reached the uploader (no file shown, button
            # disabled for 90 s). A user would choose it again; so does the test, once
            for attempt in (1, 2):
                hostile.locator('input[type="file"]').first.set_input_files(str(upload))
                try:
                    sync_api.expect(button).to_be_enabled(
                        timeout=20_000 if attempt == 1 else 90_000
                    )
                    break
                except AssertionError:
                    ARTIFACTS.mkdir(exist_ok=True)
                    shot = ARTIFACTS / f"upload_not_taken_{kind}_{attempt}.png"
                    hostile.screenshot(path=str(shot), full_page=True)
                    if attempt == 2:
                        pytest.fail(f"the upload never enabled the button: see {shot}")
            button.click()
            # the second session navigates and renders while the upload is handled
            t0 = time.perf_counter()
            other.goto(f"{server}/county", wait_until="domcontentloaded")
            other.locator('[data-testid="stMain"]').first.wait_for(timeout=30_000)
            other_s = time.perf_counter() - t0
            # the hostile session gets a refusal naming the problem, no traceback
            hostile.get_by_text("校验未通过，当前数据未改变").first.wait_for(timeout=60_000)
            body = hostile.locator("body").inner_text()
            assert "Traceback" not in body
        finally:
            stop.set()
            browser.close()
    probe.join()
    assert times and max(times) < 2.0, times
    assert other_s < 30, other_s
