"""OIDC login for real: an OpenID Connect provider process, `streamlit run app.py` configured
with an ``[auth]`` section, and headless Chromium logging in through the provider's page.

The provider is ``oidc-provider-mock`` (a standards-compliant OpenID Provider built on
Authlib: discovery document, JWKS, authorization-code flow, signed ID tokens; it serves a
form where the tester types the subject). It runs as its own process on a free localhost
port, like a real provider; Streamlit's ``st.login`` talks to it with Authlib over HTTP.

Checked: before login the sidebar says *anonymous (viewer)*; a subject mapped in the store's
user table (``users.oidc_subject``) shows its name and role; an action by that user (a CSV
download, a chart image saved with the camera button, an Excel report made on click) is in
the audit log under that name; after logout, a subject nobody mapped is a
viewer.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from gep.store import Store

from .helpers import MINI, MINI_SET, REPO
from .served import SCRIPT_IDLE, free_port, streamlit_app

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not installed at {CHROMIUM}"),
]


def _wait(url: str, proc: subprocess.Popen, log: Path, what: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        with contextlib.suppress(OSError):
            if urllib.request.urlopen(url, timeout=2).status == 200:
                return
        if proc.poll() is not None:
            pytest.fail(f"{what} exited: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.3)
    pytest.fail(f"{what} did not start: {log.read_text(errors='replace')[-2000:]}")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def provider(tmp_path):
    """An OpenID Provider on a free port (``localhost``, so its cookies are not the app's)."""
    pytest.importorskip("oidc_provider_mock", reason="pip install -e '.[test]' (OIDC provider)")
    pytest.importorskip("authlib", reason="pip install -e '.[auth]' (st.login needs Authlib)")
    port = free_port()
    log = tmp_path / "provider.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider_mock", "--port", str(port)],
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    base = f"http://localhost:{port}"
    try:
        _wait(f"{base}/.well-known/openid-configuration", proc, log, "OIDC provider")
        yield base
    finally:
        _stop(proc)


@pytest.fixture
def app_with_login(tmp_path, provider):
    """The dashboard with ``[auth]`` pointing at the provider; users mapped in its store."""
    ws = tmp_path / "ws"
    with Store(f"sqlite:///{ws / 'gep.sqlite'}", cache=ws / "cache") as st:
        st.add_user("wang", "approver", oidc_subject="sub-wang-123")
        st.add_user("li", "analyst", oidc_subject="sub-li-456")
    port = free_port()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "gep-test-cookie-secret-0123456789abcdef"\n'
        'client_id = "gep-dashboard"\n'
        'client_secret = "gep-dashboard-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "GEP_WORKSPACE": str(ws),
        "GEP_DATASET": str(MINI),
        "GEP_COEFFICIENT_SET": str(MINI_SET),
    }
    env.pop("GEP_DATABASE_URL", None)
    log = tmp_path / "streamlit.log"
    with streamlit_app(env, log, port=port, extra_args=["--secrets.files", str(secrets)]) as url:
        yield url, ws, log


def _login(page, sync_api, subject: str) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
    page.locator("input[name=sub]").fill(subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url("http://127.0.0.1:*/**", timeout=30_000)


def test_oidc_login_maps_subjects_to_roles(app_with_login):
    sync_api = pytest.importorskip("playwright.sync_api")
    expect = sync_api.expect
    url, ws, log = app_with_login
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url, wait_until="domcontentloaded")  # Chinese, the default
            sidebar = page.get_by_test_id("stSidebar")
            expect(sidebar.get_by_text("当前用户：anonymous（查看者）")).to_be_visible(
                timeout=60_000
            )
            # a mapped subject: its store name and role
            _login(page, sync_api, "sub-wang-123")
            expect(sidebar.get_by_text("当前用户：wang（审批人）")).to_be_visible(timeout=60_000)
            # what this user does is logged under the mapped name; clicked once the page's
            # run has finished (a download button drawn by a run that a later run replaces
            # serves no file: under load the click once came too early)
            page.wait_for_function(SCRIPT_IDLE, timeout=60_000)
            with page.expect_download(timeout=30_000):
                page.get_by_role("button", name="下载 CSV").first.click()
            deadline = time.time() + 30
            entries: list = []
            while time.time() < deadline and not entries:
                with Store(f"sqlite:///{ws / 'gep.sqlite'}", cache=ws / "cache") as st:
                    entries = st.audit(action="export", user="wang")
                time.sleep(0.3)
            assert entries, "the download by wang is not in the audit log"
            # a chart image saved with Plotly's camera button (in the browser) is logged too
            chart = page.locator(".js-plotly-plot").first
            chart.hover()
            with page.expect_download(timeout=30_000) as got:
                chart.locator('[data-title^="Download plot"]').click()
            assert got.value.suggested_filename.endswith(".png")
            images: list = []
            deadline = time.time() + 30
            while time.time() < deadline and not images:
                with Store(f"sqlite:///{ws / 'gep.sqlite'}", cache=ws / "cache") as st:
                    images = st.audit(action="export", user="wang", obj="image.png:")
                time.sleep(0.3)
            assert images, "the chart image saved by wang is not in the audit log"
            assert images[0]["object"] == f"image.png:{got.value.suggested_filename}"
            assert images[0]["detail"]["caption"] is True  # the image carries the warning
            # a report made on click (deferred download) is logged when it is downloaded
            page.goto(f"{url}/data", wait_until="domcontentloaded")
            excel = page.get_by_role("button", name="核算表（Excel）").first
            excel.wait_for(timeout=60_000)
            page.wait_for_function(SCRIPT_IDLE, timeout=60_000)
            with page.expect_download(timeout=60_000) as rep:
                excel.click()
            reports: list = []
            deadline = time.time() + 30
            while time.time() < deadline and not reports:
                with Store(f"sqlite:///{ws / 'gep.sqlite'}", cache=ws / "cache") as st:
                    reports = st.audit(action="export", user="wang", obj="report.xlsx:")
                time.sleep(0.3)
            assert [r["object"] for r in reports] == [f"report.xlsx:{rep.value.suggested_filename}"]
            page.goto(url, wait_until="domcontentloaded")

            # log out; a subject nobody mapped is a viewer
            sidebar.get_by_role("button", name="退出登录").click()
            # RP-initiated logout: the provider's end-session page, then back to the app
            page.wait_for_url("**/oauth2/end_session**", timeout=30_000)
            page.get_by_role("button", name="End session").click()
            if "127.0.0.1" not in page.url:  # no redirect offered: open the app again
                page.goto(url, wait_until="domcontentloaded")
            expect(sidebar.get_by_text("当前用户：anonymous（查看者）")).to_be_visible(
                timeout=60_000
            )
            _login(page, sync_api, "sub-stranger-789")
            expect(sidebar.get_by_text("当前用户：sub-stranger-789（查看者）")).to_be_visible(
                timeout=60_000
            )
            page.screenshot(path=str(REPO / "tests" / "artifacts" / "oidc_viewer.png"))
        except Exception:
            print(log.read_text(errors="replace")[-3000:])
            raise
        finally:
            browser.close()
