"""Shared fixtures: the hand-computed mini dataset and its coefficient set."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from gep.coefficients import load_set
from gep.inventory import load_dataset

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
MINI = DATA / "mini"
MINI_COEF = DATA / "coefficients" / "mini"

# Property tests check correctness, not time: no per-example deadline by default (the 2-core CI
# machine is noisy). Fuzz tests that guard against hangs set their own deadline explicitly.
settings.register_profile("gep", deadline=None)
settings.load_profile("gep")


@pytest.fixture(scope="session")
def mini():
    return load_dataset(MINI)


@pytest.fixture(scope="session")
def mini_coef():
    return load_set(MINI_COEF)


@pytest.fixture(scope="session")
def mini_account(mini, mini_coef):
    from gep.accounting import account

    return account(mini, mini_coef)


@pytest.fixture
def mini_copy(tmp_path) -> Path:
    """A writable copy of the mini dataset folder (for bad-file tests)."""
    dst = tmp_path / "mini"
    shutil.copytree(MINI, dst)
    return dst


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path_factory, monkeypatch):
    """No test reads or writes the developer's own store (~/.gep_workspace/gep.sqlite or
    GEP_DATABASE_URL): `gep account` reads published versions from it (issue 13)."""
    monkeypatch.setenv("GEP_WORKSPACE", str(tmp_path_factory.mktemp("workspace")))
    monkeypatch.delenv("GEP_DATABASE_URL", raising=False)
