"""Reconciliation across profiles (gep.reconcile) and ``gep compare-profiles``."""

from __future__ import annotations

import json
import math

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from gep.accounting import account
from gep.cli.main import app
from gep.errors import InputError
from gep.reconcile import reconcile

from .conftest import MINI, MINI_COEF

runner = CliRunner()


def _frames():
    a = pd.DataFrame(
        [
            # indicator, category, value, method, clause, price, physical_unit, out_of_region
            ("material.water_supply", "material", 100.0, "market_value", "A §1", 2.0, "m**3", 0.0),
            (
                "regulating.carbon_sequestration",
                "regulating",
                300.0,
                "rate",
                "A §7",
                50.0,
                "tCO2e",
                0.0,
            ),
            (
                "regulating.climate_regulation",
                "regulating",
                600.0,
                "et_energy",
                "A §8",
                0.5,
                "kWh",
                0.0,
            ),
            (
                "cultural.recreation",
                "cultural",
                float("nan"),
                "travel_cost",
                "A §10",
                None,
                "visit",
                0.0,
            ),
        ],
        columns=[
            "indicator",
            "category",
            "value",
            "method",
            "clause",
            "price",
            "physical_unit",
            "out_of_region",
        ],
    )
    b = pd.DataFrame(
        [
            ("material.water_supply", "material", 70.0, "market_value", "B 3.1", 2.0, "m**3", 30.0),
            (
                "regulating.carbon_sequestration",
                "regulating",
                240.0,
                "rate",
                "B A.7",
                40.0,
                "tCO2e",
                0.0,
            ),
            (
                "regulating.climate_regulation",
                "regulating",
                500.0,
                "temperature_difference",
                "B A.11",
                0.5,
                "kWh",
                0.0,
            ),
            (
                "regulating.flood_regulation",
                "regulating",
                20.0,
                "storage_capacity",
                "B A.6",
                7.0,
                "m**3",
                0.0,
            ),
        ],
        columns=[
            "indicator",
            "category",
            "value",
            "method",
            "clause",
            "price",
            "physical_unit",
            "out_of_region",
        ],
    )
    return {"a": a, "b": b}


def test_reconcile_totals_and_categories_by_hand():
    rec = reconcile(_frames())
    assert rec.profiles == ["a", "b"]
    # a: 100 + 300 + 600 (+ NaN not assessed) = 1000 ; b: 70 + 240 + 500 + 20 = 830
    assert rec.totals == {"a": 1000.0, "b": 830.0}
    assert rec.by_category.loc["material"].tolist() == [100.0, 70.0]
    assert rec.by_category.loc["regulating"].tolist() == [900.0, 760.0]
    assert math.isnan(rec.by_category.at["cultural", "a"])  # nothing assessed
    assert math.isnan(rec.by_category.at["cultural", "b"])  # absent
    wide = rec.wide()
    assert wide.at["regulating.flood_regulation", "b"] == 20.0
    assert math.isnan(wide.at["regulating.flood_regulation", "a"])


def test_reconcile_explains_differences():
    rec = reconcile(_frames())
    kinds = {(d["indicator"], d["kind"]) for d in rec.differences}
    assert kinds == {
        ("cultural.recreation", "presence"),
        ("regulating.flood_regulation", "presence"),
        ("regulating.climate_regulation", "method"),
        ("regulating.carbon_sequestration", "price"),  # same method, 50 vs 40 CNY/t
        ("material.water_supply", "deduction"),  # 30 CNY out of region in b only
    }
    price = next(d for d in rec.differences if d["kind"] == "price")
    assert price["prices"] == {"a": 50.0, "b": 40.0}
    flood = next(d for d in rec.differences if d["indicator"] == "regulating.flood_regulation")
    assert flood["present_in"] == ["b"] and flood["absent_in"] == ["a"]
    # water supply has the same price (2.0) and method: only the deduction differs
    assert not any(
        d["indicator"] == "material.water_supply" and d["kind"] in ("price", "method")
        for d in rec.differences
    )


def test_reconcile_json_shape():
    d = reconcile(_frames()).as_dict()
    assert set(d) >= {"profiles", "rows", "totals"}
    assert set(d["rows"][0]) >= {"indicator", "profile", "value", "method", "clause"}
    rec_nan = next(r for r in d["rows"] if r["indicator"] == "cultural.recreation")
    assert rec_nan["value"] is None
    json.dumps(d, allow_nan=False)


def test_reconcile_authoritative_totals_checked():
    rec = reconcile(_frames(), totals={"a": 1000.0, "b": 830.0})
    assert rec.totals == {"a": 1000.0, "b": 830.0}
    with pytest.raises(InputError, match="≠ sum of rows"):
        reconcile(_frames(), totals={"a": 1001.0, "b": 830.0})


def test_reconcile_rejects_bad_frames():
    f = _frames()
    f["b"] = pd.concat([f["b"], f["b"].iloc[[0]]])
    f["a"] = f["a"].drop(columns=["clause"])
    with pytest.raises(InputError) as exc:
        reconcile(f)
    text = str(exc.value)
    assert "profile a" in text and "clause" in text
    assert "profile b" in text and "duplicate" in text


# ------------------------------------------------------------------------------ CLI


def test_compare_profiles_json_totals_equal_own_accounts(mini, mini_coef):
    year = int(mini.data["year"].values[0])
    res = runner.invoke(
        app,
        [
            "compare-profiles",
            str(MINI),
            "--year",
            str(year),
            "--profiles",
            "ndrc-2022,xie-2015",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["profiles"] == ["ndrc-2022", "xie-2015"]
    for p in d["profiles"]:
        acc = account(mini, mini_coef, years=[year], profile=p)
        assert d["totals"][p] == float(acc.city_gep().sel(year=year))  # exactly
        rows = [r for r in d["rows"] if r["profile"] == p]
        assert {r["indicator"] for r in rows} == set(acc.indicator_ids)
        for r in rows:
            v = float(acc.total("region").sel(year=year, indicator=r["indicator"]))
            assert (r["value"] is None and math.isnan(v)) or r["value"] == v
            assert r["method"] and r["clause"]
    assert d["not_runnable"] == {}


def _mini_without_flood_share(tmp_path):
    """A copy of the mini coefficient set without the flood out-of-region share."""
    import shutil

    root = tmp_path / "mini_no_share"
    shutil.copytree(MINI_COEF, root)
    (root / "out_of_region" / "regulating" / "flood_regulation" / "share.yaml").unlink()
    return root


def test_compare_profiles_refuses_profiles_the_engine_cannot_run(tmp_path):
    # without the flood out-of-region share gbt-46869-2025 cannot run
    res = runner.invoke(
        app,
        [
            "compare-profiles",
            str(MINI),
            "--year",
            "2020",
            "--profiles",
            "ndrc-2022,gbt-46869-2025",
            "-c",
            str(_mini_without_flood_share(tmp_path)),
        ],
    )
    assert res.exit_code == 2
    assert "gbt-46869-2025" in res.output and "flood_regulation.share" in res.output
    assert "GEP" not in res.output  # no numbers


def test_compare_profiles_default_lists_blocked_profiles(mini, tmp_path):
    year = int(mini.data["year"].values[0])
    res = runner.invoke(
        app,
        [
            "compare-profiles",
            str(MINI),
            "--year",
            str(year),
            "-c",
            str(_mini_without_flood_share(tmp_path)),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "ndrc-2022" in res.output and "xie-2015" in res.output
    # ankang runs (its shares are item ratios; the mini inventory lacks them → warnings);
    # gbt-46869-2025 is listed as not computable with this set, with the reason
    assert "ankang" in res.output and "inflow" in res.output
    assert "gbt-46869-2025: " in res.output and "flood_regulation.share" in res.output


def test_compare_profiles_xlsx(tmp_path, mini):
    year = int(mini.data["year"].values[0])
    out = tmp_path / "cmp.xlsx"
    res = runner.invoke(
        app,
        ["compare-profiles", str(MINI), "--year", str(year), "--format", "xlsx", "--out", str(out)],
    )
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    assert {"indicators", "rows", "totals", "by_category", "differences"} <= set(wb.sheetnames)


def test_compare_profiles_bad_input():
    assert runner.invoke(app, ["compare-profiles", str(MINI), "--year", "1900"]).exit_code == 2
    res = runner.invoke(
        app, ["compare-profiles", str(MINI), "--year", "2020", "--profiles", "nope"]
    )
    assert res.exit_code == 2 and "nope" in res.output
    res = runner.invoke(app, ["compare-profiles", str(MINI), "--year", "2020", "--format", "xlsx"])
    assert res.exit_code == 2 and "--out" in res.output


def test_profiles_command(tmp_path):
    res = runner.invoke(app, ["profiles", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = {r["id"]: r for r in json.loads(res.stdout)}
    assert rows["ndrc-2022"]["runnable"] and rows["ankang"]["runnable"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: bad\nname: {zh: x}\nengine: ndrc-2022\nindicators: {foo.bar: {}}\n", "utf-8"
    )
    res = runner.invoke(app, ["profiles", "--check", str(bad)])
    assert res.exit_code == 2 and "foo.bar" in res.output
