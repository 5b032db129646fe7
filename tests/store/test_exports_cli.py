"""`gep account --format csv|json` say when the account rests on illustrative data; every
CLI export (account --out, report) is in the audit log with the versions it used (SQLite and
PostgreSQL)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from gep.cli import app
from gep.store import Store

from .conftest import MINI, MINI_SETS

runner = CliRunner()
PRICE = "regulating.carbon_sequestration.price"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def _exports(env) -> list[dict]:
    with Store(env) as st:
        return st.audit(action="export")


def test_account_outputs_carry_the_illustrative_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("GEP_WORKSPACE", str(tmp_path / "ws"))  # no store: nothing logged
    monkeypatch.delenv("GEP_DATABASE_URL", raising=False)
    monkeypatch.setenv("GEP_COEFFICIENTS", str(MINI_SETS))
    r = run("account", MINI, "--format", "csv")
    assert r.exit_code == 0, r.output
    first, header = r.stdout.splitlines()[:2]
    assert first.startswith("# ⚠ 示意数据（illustrative）") and "2021 年 GEP 的 100.0%" in first
    assert header.startswith("region,region_name,year")
    r = run("account", MINI, "--format", "csv", "--lang", "en")
    assert r.stdout.startswith("# ⚠ Illustrative data (示意数据)")
    r = run("account", MINI, "--format", "json")
    d = json.loads(r.stdout)["data_status"]
    assert d["illustrative"] and d["share"] == 1.0 and d["year"] == 2021
    assert d["rows"] == d["illustrative_rows"] == 170
    assert set(d["by_region"]) == {"100001", "100002"}
    assert d["warning"].startswith("⚠ 示意数据（illustrative）")
    r = run("account", MINI)
    assert "示意数据（illustrative）" in r.stdout.splitlines()[1]
    assert not (tmp_path / "ws" / "gep.sqlite").exists()  # the warning did not create a store


def test_cli_exports_are_logged_with_versions(env, tmp_path, monkeypatch):
    monkeypatch.setenv("GEP_COEFFICIENTS", str(MINI_SETS))
    assert run("users", "add", "alice", "--role", "analyst").exit_code == 0
    assert run("users", "add", "bob", "--role", "approver").exit_code == 0
    assert run("draft", "set", "mini", f"{PRICE}*=2", "--user", "alice").exit_code == 0
    r = run("publish", "mini", "--user", "bob", "--draft", "alice", "--reason", "test")
    assert r.exit_code == 0, r.output
    csv_out, json_out = tmp_path / "a.csv", tmp_path / "a.json"
    assert run("account", MINI, "--format", "csv", "--out", csv_out).exit_code == 0
    assert csv_out.read_text(encoding="utf-8").startswith("# ⚠ 示意数据（illustrative）")
    assert run("draft", "set", "mini", f"{PRICE}*=1.5", "--user", "alice").exit_code == 0
    r = run("account", MINI, "--format", "json", "--draft", "alice", "--out", json_out)
    assert r.exit_code == 0, r.output
    rep = tmp_path / "r.xlsx"
    r = run("report", MINI, "--out", rep, "--year", 2021)
    assert r.exit_code == 0, r.output
    assert run("account", MINI, "--format", "csv").exit_code == 0  # stdout: not a file export

    a, b, c = _exports(env)
    assert a["object"] == f"file:{csv_out}" and a["user"] == "local"
    assert a["to"] == "mini v2"  # the published version it was computed from
    assert a["detail"]["coefset_source"] == "published" and a["detail"]["coefset_version"] == 2
    assert len(a["detail"]["coefset_hash"]) == 16 and len(a["detail"]["dataset_hash"]) == 16
    assert b["to"] == "mini (draft)" and b["detail"]["draft_of"] == "alice"
    assert c["object"] == f"file:{rep}" and c["to"] == "mini v2"
    assert (c["detail"]["format"], c["detail"]["year"]) == ("xlsx", 2021)
    audit = json.loads(run("audit", "--format", "json").stdout)
    assert [e["action"] for e in audit].count("export") == 3


def test_other_cli_file_exports_are_logged(env, tmp_path, monkeypatch):
    monkeypatch.setenv("GEP_COEFFICIENTS", str(MINI_SETS))
    assert run("users", "add", "x", "--role", "viewer").exit_code == 0  # the store exists
    cmp_out, carbon_out = tmp_path / "p.json", tmp_path / "c.xlsx"
    r = run("compare-profiles", MINI, "--year", 2021, "--format", "json", "--out", cmp_out)
    assert r.exit_code == 0, r.output
    r = run(
        "carbon", "project", "--area", "7500mu", "--species", "cunninghamia", "--start", 2025,
        "--period", 40, "--price", 70, "--draws", 50, "--export", carbon_out,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    a, b = _exports(env)
    assert a["object"] == f"file:{cmp_out}" and a["detail"]["command"] == "compare-profiles"
    assert a["detail"]["dataset"] == "mini" and len(a["detail"]["coefset_hash"]) == 16
    assert b["object"] == f"file:{carbon_out}" and b["detail"]["command"] == "carbon project"
