"""``gep account`` asks the store only when one may exist (no SQLAlchemy import otherwise);
the cheap check gives the same answer as :func:`gep.store.store_exists` (issue 9 item 4)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gep.cli.common import store_configured
from gep.store import store_exists


@pytest.mark.parametrize(
    "url", [None, "", "   ", "sqlite:///{ws}/other.sqlite", "postgresql://u@h/db"]
)
@pytest.mark.parametrize("file_exists", [False, True])
def test_store_configured_equals_store_exists(tmp_path, monkeypatch, url, file_exists):
    ws = tmp_path / "ws"
    ws.mkdir()
    if file_exists:
        (ws / "gep.sqlite").write_bytes(b"")
    monkeypatch.setenv("GEP_WORKSPACE", str(ws))
    if url is None:
        monkeypatch.delenv("GEP_DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("GEP_DATABASE_URL", url.format(ws=ws))
    assert store_configured() == store_exists()


def test_store_configured_default_workspace(tmp_path, monkeypatch):
    monkeypatch.delenv("GEP_WORKSPACE", raising=False)
    monkeypatch.delenv("GEP_DATABASE_URL", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert store_configured() is False and store_exists() is False
    (tmp_path / ".gep_workspace").mkdir()
    (tmp_path / ".gep_workspace" / "gep.sqlite").write_bytes(b"")
    assert store_configured() is True and store_exists() is True


def test_account_without_store_does_not_import_sqlalchemy(tmp_path):
    code = (
        "import sys; sys.argv = ['gep', 'account', 'datasets/ankang']\n"
        "from gep.cli.main import main\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print('SQLALCHEMY', 'sqlalchemy' in sys.modules)\n"
    )
    env = {"GEP_WORKSPACE": str(tmp_path / "ws"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert "SQLALCHEMY False" in out.stdout
    assert "GEP account" in out.stdout
