"""Shared pieces of the hardening tests (issue 16)."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from gep.cli import app

DATA = Path(__file__).resolve().parents[1] / "data"
MINI = DATA / "mini"
MINI_COEF = DATA / "coefficients" / "mini"
MINI_ARGS = [str(MINI), "-c", str(MINI_COEF)]

runner = CliRunner()


def gep(*args) -> object:
    """Run the ``gep`` command in-process; returns typer's Result."""
    return runner.invoke(app, [str(a) for a in args])


def assert_clean_exit_2(result, *fragments: str) -> None:
    """Exit code 2, no traceback, and every fragment in the message."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    text = result.output
    assert "Traceback" not in text
    for f in fragments:
        assert f in text, (f, text)


def copy_mini(tmp_path: Path) -> Path:
    dst = tmp_path / "mini"
    shutil.copytree(MINI, dst)
    return dst


def copy_coef(tmp_path: Path) -> Path:
    dst = tmp_path / "coefficients" / "mini"
    shutil.copytree(MINI_COEF, dst)
    return dst
