"""Fixtures for the dashboard tests: the mini dataset and set, a throw-away workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import MINI, MINI_SET


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Path:
    """Mini dataset + mini coefficient set, and an empty workspace folder for this test."""
    ws = tmp_path / "workspace"
    monkeypatch.setenv("GEP_DATASET", str(MINI))
    monkeypatch.setenv("GEP_COEFFICIENT_SET", str(MINI_SET))
    monkeypatch.setenv("GEP_WORKSPACE", str(ws))
    return ws
