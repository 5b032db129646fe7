"""`gep users | draft | publish | versions | audit` and `gep account --draft` (SQLite and
PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from gep.cli import app

from .conftest import MINI, MINI_SETS

runner = CliRunner()
PRICE = "regulating.carbon_sequestration.price"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def city_gep(result, year: int | None = None) -> float:
    rows = json.loads(result.stdout)["rows"]
    return sum(r["value"] for r in rows if r["value"] is not None and year in (None, r["year"]))


@pytest.fixture
def cli(env, monkeypatch):
    monkeypatch.setenv("GEP_COEFFICIENTS", str(MINI_SETS))  # `mini` found by name
    for name, role in (
        ("alice", "analyst"),
        ("bob", "approver"),
        ("dora", "approver"),
        ("vic", "viewer"),
    ):
        r = run("users", "add", name, "--role", role)
        assert r.exit_code == 0, r.output


def test_draft_publish_account_audit(cli):
    r = run("draft", "set", "mini", f"{PRICE}*=2", "--user", "vic")
    assert r.exit_code == 2 and "viewer" in r.stderr
    r = run("draft", "set", "mini", "not an override", "--user", "alice")
    assert r.exit_code == 2 and "cannot read override" in r.stderr
    r = run("draft", "set", "mini", f"{PRICE}*=2", "--user", "alice")
    assert r.exit_code == 0, r.output

    base = run("account", MINI, "--format", "json")
    assert base.exit_code == 0, base.output
    assert json.loads(base.stdout)["coefficient_source"]["kind"] == "files"
    draft = run("account", MINI, "--format", "json", "--draft", "alice")
    assert json.loads(draft.stdout)["coefficient_source"]["kind"] == "draft"
    assert city_gep(draft) > city_gep(base)
    assert run("account", MINI, "--draft", "bob").exit_code == 2  # bob has no draft

    r = run("publish", "mini", "--user", "alice", "--reason", "please")
    assert r.exit_code == 2 and "approver" in r.stderr
    r = run("publish", "mini", "--user", "bob", "--draft", "alice")
    assert r.exit_code == 2 and "reason" in r.stderr
    r = run("publish", "mini", "--user", "bob", "--draft", "alice", "--reason", "碳价翻倍")
    assert r.exit_code == 0, r.output

    official = run("account", MINI, "--format", "json")
    src = json.loads(official.stdout)["coefficient_source"]
    assert (src["kind"], src["version"]) == ("published", 2)
    assert city_gep(official) == pytest.approx(city_gep(draft))
    table = run("account", MINI)
    assert "store: published version 2" in table.stdout

    versions = json.loads(run("versions", "list", "mini", "--format", "json").stdout)
    assert [(v["number"], v["parent"], v["published"]) for v in versions] == [
        (1, None, False),
        (2, 1, True),
    ]
    diff = json.loads(run("versions", "diff", "mini", "--dataset", MINI, "--format", "json").stdout)
    assert [c["id"] for c in diff["coefficients"]] == [PRICE]
    y = diff["year"]
    assert diff["gep"][-1]["change"] == pytest.approx(
        city_gep(official, y) - city_gep(base, y), rel=1e-9
    )

    log = json.loads(run("audit", "--format", "json").stdout)
    assert all({"time", "user", "action", "object", "from", "to", "reason"} <= set(e) for e in log)
    got = [(e["user"], e["action"]) for e in log if e["user"] != "local"]
    assert got == [
        ("vic", "draft.refused"),
        ("alice", "draft.rejected"),
        ("alice", "draft.save"),
        ("alice", "publish.refused"),
        ("bob", "publish.refused"),
        ("bob", "import"),
        ("bob", "publish"),
    ]
    pub = next(e for e in log if e["action"] == "publish")
    assert (pub["object"], pub["from"], pub["to"], pub["reason"]) == (
        "coefset:mini",
        "1",
        "2",
        "碳价翻倍",
    )


def test_conflicting_publish_exits_3_and_keeps_both(cli):
    assert run("draft", "set", "mini", f"{PRICE}*=2", "--user", "bob").exit_code == 0
    assert run("draft", "set", "mini", f"{PRICE}*=3", "--user", "dora").exit_code == 0
    assert run("publish", "mini", "--user", "bob", "--reason", "bob first").exit_code == 0
    r = run("publish", "mini", "--user", "dora", "--reason", "dora second")
    assert r.exit_code == 3 and "nothing is lost" in r.stderr
    versions = json.loads(run("versions", "list", "mini", "--format", "json").stdout)
    assert [(v["number"], v["parent"], v["published"]) for v in versions] == [
        (1, None, False),
        (2, 1, True),
        (3, 1, False),
    ]


def test_account_record_keeps_versions_and_exports_are_logged(cli, tmp_path):
    assert run("draft", "set", "mini", f"{PRICE}*=2", "--user", "bob").exit_code == 0
    assert run("publish", "mini", "--user", "bob", "--reason", "ok").exit_code == 0
    r = run("account", MINI, "--record", "alice", "--reason", "2021 report")
    assert r.exit_code == 2 and "approver" in r.stderr
    out = tmp_path / "gep.json"
    r = run("account", MINI, "--record", "bob", "--reason", "2021 report", "-f", "json", "-o", out)
    assert r.exit_code == 0, r.output
    from gep.store import Store

    with Store() as st:
        [res] = st.results()
        assert (res["coefset"], res["coefset_version"], res["user"]) == ("mini", 2, "bob")
        assert res["coefset_hash"] == json.loads(out.read_text())["coefficients"]["hash"]
        assert st.audit(action="export")[-1]["object"] == f"file:{out}"


def test_dataset_versions_cli(cli, tmp_path):
    import shutil

    r = run(
        "versions", "import", "mini", MINI, "--kind", "dataset", "--user", "bob", "--reason", "v1"
    )
    assert r.exit_code == 0, r.output
    changed = tmp_path / "mini2"
    shutil.copytree(MINI, changed)
    text = (changed / "inventory.csv").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("100001,2021,area,forest.broadleaf"))
    old = line.split(",")[5]
    new_line = line.replace(f",{old},", f",{float(old) + 100:g},")
    (changed / "inventory.csv").write_text(text.replace(line, new_line), encoding="utf-8")
    r = run(
        "versions",
        "import",
        "mini",
        changed,
        "--kind",
        "dataset",
        "--user",
        "bob",
        "--reason",
        "v2",
    )
    assert r.exit_code == 0, r.output
    out = json.loads(run("versions", "diff", "mini", "--kind", "dataset", "-f", "json").stdout)
    [row] = out["rows"]
    assert (row["change"], row["value_old"], row["value_new"]) == (
        "changed",
        float(old),
        float(old) + 100,
    )
    assert out["gep"] and out["gep"][0]["region"] == "100001" and out["gep"][0]["change"] > 0
