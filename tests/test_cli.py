"""The `gep` command: JSON contract, formats, exit codes."""

from __future__ import annotations

import json

import openpyxl
import pytest
from typer.testing import CliRunner

from gep.cli import app

runner = CliRunner()
MINI = ["tests/data/mini", "-c", "tests/data/coefficients/mini"]


def run(*args):
    return runner.invoke(app, list(args))


def test_account_json_contract(mini_account):
    r = run("account", *MINI, "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["profile"] == "ndrc-2022"
    assert set(d["dataset"]) == {"name", "hash"} and d["dataset"]["name"] == "mini"
    assert set(d["coefficients"]) == {"name", "hash"} and d["coefficients"]["name"] == "mini"
    rows = d["rows"]
    assert len(rows) == 2 * 2 * len(mini_account.indicators)  # county rows only, no aggregate rows
    assert {r["region"] for r in rows} == {"100001", "100002"}
    for row in rows:
        assert set(row) == {
            "region",
            "region_name",
            "year",
            "indicator",
            "category",
            "physical",
            "physical_unit",
            "gross",
            "out_of_region",
            "value",
            "route",
            "quantity_source",
        }
        assert row["route"] == "formula" and row["quantity_source"] == ""
        # ndrc-2022 deducts nothing: gross = value, deduction 0 (None where not assessed)
        assert row["gross"] == row["value"]
        assert row["out_of_region"] == (0.0 if row["value"] is not None else None)
    assert d["warnings"] == [] and d["out_of_region_basis"] == {}
    one = next(
        r
        for r in rows
        if r["region"] == "100001"
        and r["year"] == 2020
        and r["indicator"] == "regulating.water_conservation"
    )
    assert (
        one["value"] == pytest.approx(135e6)
        and one["physical"] == pytest.approx(27e6)
        and one["physical_unit"] == "m ** 3"
    )
    sand = [r for r in rows if r["indicator"] == "regulating.sand_fixation"]
    assert all(r["value"] is None for r in sand)  # not assessed → null, never 0
    assert one["region_name"] == "甲县"


def test_account_set_and_year_options():
    r = run(
        "account",
        *MINI,
        "--format",
        "json",
        "--year",
        "2021",
        "--set",
        "regulating.water_conservation.reservoir_cost*=2",
    )
    d = json.loads(r.stdout)
    assert {row["year"] for row in d["rows"]} == {2021}
    one = next(
        r
        for r in d["rows"]
        if r["region"] == "100001" and r["indicator"] == "regulating.water_conservation"
    )
    assert one["value"] == pytest.approx(27.4e6 * 5 * 1.05 * 2)


@pytest.mark.parametrize(
    "args",
    [
        ["account", "tests/data/nonexistent"],
        ["account", *MINI, "--set", "no.such.coefficient=1"],
        ["account", *MINI, "--set", "regulating.water_conservation.reservoir_cost=abc"],
        ["account", *MINI, "--year", "1990"],
        ["account", *MINI, "--profile", "nope"],
        ["account", *MINI, "--option", "purification_rule=magic"],
        ["account", *MINI, "--format", "xlsx"],
        ["coefficients", "no-such-set"],
    ],
)
def test_bad_input_exit_code_2(args):
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert "error" in r.output and "Traceback" not in r.output


def test_csv_and_table(tmp_path):
    out = tmp_path / "a.csv"
    r = run("account", *MINI, "--format", "csv", "--out", str(out))
    assert r.exit_code == 0
    first, second = out.read_text(encoding="utf-8").splitlines()[:2]
    assert first.startswith("# ⚠ 示意数据（illustrative）")  # the mini data is illustrative
    assert second.startswith("region,region_name,year,indicator")
    r = run("account", *MINI, "--lang", "en")
    assert (
        r.exit_code == 0
        and "GEP" in r.stdout
        and "County A" in r.stdout
        and "not assessed" in r.stdout
    )


def test_report_xlsx(tmp_path):
    out = tmp_path / "report.xlsx"
    r = run("report", *MINI, "--out", str(out))
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:3] == ["说明", "汇总", "历年GEP"]
    assert any(s.startswith("100001") for s in wb.sheetnames)
    assert "系数" in wb.sheetnames and "原始数据" in wb.sheetnames
    county = wb[next(s for s in wb.sheetnames if s.startswith("100001"))]
    header = [c.value for c in county[3]]
    assert header[:3] == ["类别", "指标", "实物量"] and "占比" in header
    coef = wb["系数"]
    cols = [c.value for c in coef[3]]
    assert {"系数", "系数代码", "单位", "价格年份", "状态", "来源"} <= set(cols)
    ids = [row[1].value for row in coef.iter_rows(min_row=4)]
    assert "regulating.water_conservation.reservoir_cost" in ids


def test_coefficients_json():
    r = run("coefficients", "tests/data/coefficients/mini", "--year", "2021", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    by_id = {x["id"]: x for x in rows}
    assert set(rows[0]) == {"id", "value", "unit", "price_year", "status", "source"}
    assert by_id["regulating.water_conservation.reservoir_cost"]["value"] == pytest.approx(5.25)
    assert by_id["regulating.water_conservation.reservoir_cost"]["price_year"] == 2021
    table = by_id["regulating.carbon_sequestration.rate"]["value"]
    assert isinstance(table, dict) and table["forest"] == 4.0


def test_indicators_and_items_json():
    r = run("indicators", "--format", "json")
    rows = json.loads(r.stdout)
    ids = {(x["profile"], x["id"]) for x in rows}
    assert ("ndrc-2022", "regulating.water_conservation") in ids and (
        "xie-2015",
        "supporting.biodiversity",
    ) in ids
    assert all(x["name_zh"] and x["name_en"] and x["reference"] for x in rows)
    r = run("items", "--format", "json")
    assert any(x["item"] == "area" for x in json.loads(r.stdout))


def test_template_roundtrip(tmp_path, mini):
    import shutil

    from gep.inventory import load_dataset

    out = tmp_path / "t" / "inventory.xlsx"
    out.parent.mkdir()
    r = run("template", "--out", str(out), "--dataset", "tests/data/mini")
    assert r.exit_code == 0, r.output
    for f in ("regions.csv", "dataset.yaml"):
        shutil.copy(f"tests/data/mini/{f}", out.parent / f)
    again = load_dataset(out.parent)
    assert again.data.equals(mini.data)


def test_validate_checks_coefficient_coverage():
    # the national set has no product prices: every missing id is listed at once, exit 2
    r = run("validate", "tests/data/mini", "-c", "national")
    assert r.exit_code == 2
    for cid in (
        "material.agriculture.price.grain",
        "material.fishery.price.fish",
        "cultural.landscape.premium",
    ):
        assert cid in r.output
    ok = run("validate", "tests/data/mini")  # its own set, found beside the dataset
    assert ok.exit_code == 0 and "covers it" in ok.output
