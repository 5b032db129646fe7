"""Store fixtures: every store test runs against SQLite and against a real PostgreSQL.

PostgreSQL comes from ``GEP_TEST_POSTGRES_URL`` (``.ci/run`` starts a throwaway server and
sets it); each test gets a database of its own, dropped afterwards. Without the URL the
PostgreSQL runs are skipped with that reason — except under CI, where they must run.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DATA = Path(__file__).resolve().parents[1] / "data"
MINI = DATA / "mini"
MINI_SETS = DATA / "coefficients"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'gep.sqlite'}"
        return
    admin_url = os.environ.get("GEP_TEST_POSTGRES_URL")
    if not admin_url:
        if os.environ.get("CI"):
            pytest.fail("GEP_TEST_POSTGRES_URL is not set under CI (.ci/run must start PostgreSQL)")
        pytest.skip("no PostgreSQL: set GEP_TEST_POSTGRES_URL (.ci/run starts one)")
    name = f"gep_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def env(store_url, tmp_path, monkeypatch):
    """Workspace + database URL in the environment (for the CLI and Store())."""
    monkeypatch.setenv("GEP_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("GEP_DATABASE_URL", store_url)
    return store_url


@pytest.fixture
def store(env, tmp_path):
    from gep.store import Store

    st = Store(env, cache=tmp_path / "cache")
    st.files_root = MINI_SETS
    st.add_user("alice", "analyst")
    st.add_user("carol", "analyst")
    st.add_user("bob", "approver")
    st.add_user("dora", "approver")
    st.add_user("vic", "viewer")
    yield st
    st.close()
