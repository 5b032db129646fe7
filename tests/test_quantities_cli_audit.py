"""Issue 10 audit, from the command line: every validation error the issue lists, for a
quantities file, is in one error with file, row and field, exit code 2 — and ``gep validate``
lists each problem once, beside the coefficient problems of the same dataset."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from gep.cli.main import app
from tests.conftest import ROOT

MINI = ROOT / "tests" / "data" / "mini"
COEF = str(ROOT / "tests" / "data" / "coefficients" / "mini")
HEADER = "region,year,indicator,component,value,unit,source\n"
S = "水利局 2020 年水资源公报"

# county 100001 of the mini data has no grassland (rows are numbered as in the file)
BAD = (
    HEADER
    + f"100001,2020,regulating.foo,,1,t,{S}\n"  # 2 unknown indicator
    + f"100001,2020,regulating.air_purification,co2,1,t,{S}\n"  # 3 unknown component
    + f"100001,2020,regulating.water_conservation,,5,t,{S}\n"  # 4 wrong dimension
    + f"100002,2020,regulating.water_conservation,,-5,m**3,{S}\n"  # 5 negative
    + f"100002,2020,regulating.soil_conservation,,10,t,{S}\n"  # 6
    + f"100002,2020,regulating.soil_conservation,,11,t,{S}\n"  # 7 duplicate of 6
    + f"100001,2021,regulating.climate_regulation,,10,kWh,{S}\n"  # 8 whole + component
    + f"100001,2021,regulating.climate_regulation,transpiration,5,kWh,{S}\n"  # 9
    + f"100001,2020,regulating.pest_control,grassland,50,hectare,{S}\n"  # 10 zero area
)
WHERE = {
    (2, "indicator"): "unknown indicator",
    (3, "component"): "unknown component 'co2'",
    (4, "unit"): "does not measure the same thing",
    (5, "value"): "negative value",
    (7, "indicator"): "duplicate quantity",
    (8, "component"): "both the whole quantity and component rows",
    (10, "value"): "no area of grassland",
}


def _bad_folder(tmp_path):
    folder = tmp_path / "ds"
    shutil.copytree(MINI, folder)
    (folder / "quantities.csv").write_text(BAD, encoding="utf-8")
    return folder


def test_account_lists_every_kind_once_and_exits_2(tmp_path):
    folder = _bad_folder(tmp_path)
    r = CliRunner().invoke(app, ["account", str(folder), "-c", COEF])
    assert r.exit_code == 2
    lines = [ln for ln in r.output.splitlines() if ln.strip().startswith("- ")]
    assert len(lines) == len(WHERE), r.output
    for (row, field), text in WHERE.items():
        hit = [ln for ln in lines if f"row {row}, field '{field}'" in ln]
        assert len(hit) == 1 and text in hit[0] and "quantities.csv" in hit[0], (row, r.output)


def test_validate_lists_each_problem_once_beside_coefficient_problems(tmp_path):
    folder = _bad_folder(tmp_path)
    # the national set has no prices for the mini products: coefficient problems too
    r = CliRunner().invoke(app, ["validate", str(folder), "-c", "national", "--format", "json"])
    assert r.exit_code == 2
    problems = json.loads(r.stdout)["problems"]
    keys = [(p["file"], p.get("row"), p.get("field"), p["message"]) for p in problems]
    assert len(keys) == len(set(keys)), "a problem is listed twice"
    quantity = [p for p in problems if p["file"].endswith("quantities.csv")]
    assert {(p["row"], p["field"]) for p in quantity} == set(WHERE)
    assert any("is not in set 'national'" in p["message"] for p in problems)
    table = CliRunner().invoke(app, ["validate", str(folder), "-c", COEF])
    assert table.exit_code == 2
    assert f"{len(WHERE)} problem(s):" in table.output
