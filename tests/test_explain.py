"""``explain``: one number traced to its equation, inputs with sources and coefficients."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gep.accounting import account
from gep.cli.main import app
from gep.coefficients import load_set
from gep.errors import InputError
from gep.inventory import load_dataset

ROOT = Path(__file__).resolve().parents[1]
ANKANG = ROOT / "datasets" / "ankang"
KEYS = {"value", "physical", "physical_unit", "components", "inputs", "coefficients", "equation"}


@pytest.fixture(scope="module")
def ankang_account():
    return account(load_dataset(ANKANG), load_set("ankang"))


def test_ningshan_2024_water_conservation_trace(ankang_account):
    ex = ankang_account.explain("610923", 2024, "regulating.water_conservation")
    assert set(ex) >= KEYS
    assert ex["route"] == "formula"
    assert ex["value"] / 1e8 == pytest.approx(108.15, abs=0.005)  # 108.15 亿元
    assert ex["physical"] == pytest.approx(1_268_643_226, abs=1)
    assert ex["physical_unit"] == "m ** 3"
    coefs = {c["id"]: c for c in ex["coefficients"]}
    # the price, and the ecosystem set counted (data since issue 10 item 2)
    assert "regulating.water_conservation.reservoir_cost" in coefs
    assert "regulating.water_conservation.ecosystems[forest.broadleaf]" in coefs
    assert {c.split("[")[0] for c in coefs} == {
        "regulating.water_conservation.reservoir_cost",
        "regulating.water_conservation.ecosystems",
    }
    cost = coefs["regulating.water_conservation.reservoir_cost"]
    assert cost["id"] == "regulating.water_conservation.reservoir_cost"
    assert cost["price_year"] == 2017
    assert cost["index_factor"] == pytest.approx(1.1336, abs=5e-5)
    assert cost["value"] == pytest.approx(8.5249, abs=5e-5)
    # 8.5249 = 7.52 (洞河, 2017 prices) × 1.1336 (construction price index 2017 → 2024)
    assert cost["value"] == pytest.approx(7.52 * cost["index_factor"], rel=1e-12)
    assert cost["status"] == "local-official"
    assert "洞河" in cost["source"]["title"]
    assert cost["unit"] == "CNY / m ** 3"
    # the number is the quantity times the price in force
    assert ex["value"] == pytest.approx(ex["physical"] * cost["value"], rel=1e-12)
    # components add up to the physical quantity
    assert sum(c["physical"] for c in ex["components"]) == pytest.approx(ex["physical"], rel=1e-12)
    assert "P - R - ET" in ex["equation"]


def test_inputs_carry_the_inventory_rows_source(ankang_account):
    ex = ankang_account.explain("610923", 2024, "regulating.water_conservation")
    items = {i["item"]: i for i in ex["inputs"]}
    assert {"precipitation", "runoff[forest.broadleaf]", "area[wetland]"} <= set(items)
    # only the ecosystems the formula counts (forest, shrub, grassland, wetland)
    assert "area[farmland.dry]" not in items
    table = ankang_account.dataset.table
    row = table[
        (table["region"] == "610923") & (table["year"] == 2024) & (table["item"] == "precipitation")
    ].iloc[0]
    assert items["precipitation"]["value"] == pytest.approx(float(row["value"]))
    assert items["precipitation"]["source"] == row["source"]
    assert items["precipitation"]["unit"] == "mm"
    assert all(i["source"] for i in ex["inputs"])


def test_every_indicator_explains(ankang_account):
    for ind in ankang_account.indicator_ids:
        ex = ankang_account.explain("610902", 2023, ind)
        assert set(ex) >= KEYS, ind
        assert ex["equation"], ind
        for c in ex["coefficients"]:
            assert c["status"] and c["source"], (ind, c["id"])
        if ex["value"] is None:
            assert ex["not_assessed"], ind


def test_carbon_parameters_are_listed(ankang_account):
    ex = ankang_account.explain("610923", 2024, "regulating.carbon_sequestration")
    ids = [c["id"] for c in ex["coefficients"]]
    assert "carbon.fang_a[quercus]" in ids
    assert "regulating.carbon_sequestration.price" in ids
    assert any(i["item"].startswith("forest.stock[quercus] @2023") for i in ex["inputs"])


def test_bad_region_year_indicator_are_reported_together(ankang_account):
    with pytest.raises(InputError) as err:
        ankang_account.explain("999999", 1999, "regulating.nope")
    assert len(err.value.problems) == 3


def test_cli_explain_json_and_table():
    runner = CliRunner()
    args = ["explain", str(ANKANG), "--region", "610923", "--year", "2024"]
    res = runner.invoke(app, [*args, "--indicator", "regulating.water_conservation", "-f", "json"])
    assert res.exit_code == 0, res.output
    ex = json.loads(res.stdout)
    assert set(ex) >= KEYS
    cost = next(c for c in ex["coefficients"] if c["id"].endswith("reservoir_cost"))
    assert cost["index_factor"] == pytest.approx(1.1336, abs=5e-5)
    res = runner.invoke(
        app, [*args, "--indicator", "regulating.water_conservation", "--lang", "en"]
    )
    assert res.exit_code == 0
    assert "published × 1.1336 (price_index.construction 2017→2024)" in res.stdout
    # an indicator off by default is switched on for the explanation
    res = runner.invoke(app, [*args, "--indicator", "regulating.oxygen_release", "-f", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["physical_unit"] == "t"
    res = runner.invoke(app, [*args, "--indicator", "regulating.nope"])
    assert res.exit_code == 2
    assert "regulating.nope" in res.output
