"""The dashboard served for real-browser tests: ``streamlit run app.py`` on a free local port,
stopped when the test is done (one launcher for every browser test)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from .helpers import REPO


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_app(
    env: dict[str, str], log: Path, port: int | None = None, extra_args: Sequence[str] = ()
) -> Iterator[str]:
    """Serve app.py with ``env`` on ``port`` (a free one by default); yields its URL once the
    health endpoint answers (60 s at most, else the test fails with the log's tail)."""
    port = port or free_port()
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
                *extra_args,
            ],
            cwd=REPO,
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.3)
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited: {log.read_text(errors='replace')[-2000:]}")
        else:
            pytest.fail(f"streamlit did not start: {log.read_text(errors='replace')[-2000:]}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


#: a page.wait_for_function body: true once the app's script run has finished ("notRunning")
SCRIPT_IDLE = (
    "() => document.querySelector('[data-testid=stApp]')"
    "?.getAttribute('data-test-script-state') !== 'running'"
)


def block_outside(page) -> list[str]:
    """Refuse every request that leaves this machine; returns the (growing) list of the URLs
    refused, so a test can assert that nothing was asked of the internet."""
    outside: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", guard)
    return outside
