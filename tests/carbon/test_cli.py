"""``gep carbon project`` and ``gep carbon sink`` (typer app in gep.cli.carbon)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from gep.cli import carbon as carbon_cli

from .helpers import yaml_lookup

runner = CliRunner()


@pytest.fixture(autouse=True)
def _yaml_coefficients(monkeypatch):
    """Serve coefficients from the YAML files directly (independent of the set loader)."""
    monkeypatch.setattr(carbon_cli, "make_lookup", lambda set_name, year: yaml_lookup)


def run(*args):
    return runner.invoke(carbon_cli.app, [str(a) for a in args])


BASE = [
    "project",
    "--species",
    "pinus_massoniana",
    "--start",
    2025,
    "--period",
    30,
    "--price",
    70,
    "--cost-establishment",
    6000,
    "--cost-management",
    150,
    "--cost-verification",
    50000,
    "--fee-share",
    0.05,
    "--format",
    "json",
]


def test_project_json_has_the_documented_keys():
    result = run(*BASE, "--area", "500ha")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    for key in (
        "years",
        "credited_tCO2e",
        "revenue_CNY",
        "cash_flow_CNY",
        "npv_CNY",
        "irr",
        "breakeven_price_CNY_per_tCO2e",
    ):
        assert key in out
    assert len(out["years"]) == 30 and out["years"][0] == 2025
    assert "npv_p50" not in out


def test_project_7500_mu_equals_500_ha():
    a = json.loads(run(*BASE, "--area", "500ha").stdout)
    b = json.loads(run(*BASE, "--area", "7500mu").stdout)
    c = json.loads(run(*BASE, "--area", "7500 亩").stdout)
    assert a["npv_CNY"] == pytest.approx(b["npv_CNY"]) == pytest.approx(c["npv_CNY"])
    assert a["credited_tCO2e"] == pytest.approx(b["credited_tCO2e"])


def test_project_monte_carlo_percentiles_reproducible():
    args = [*BASE, "--area", "500ha", "--draws", 500, "--seed", 7]
    a = json.loads(run(*args).stdout)
    b = json.loads(run(*args).stdout)
    assert a["npv_p5"] < a["npv_p50"] < a["npv_p95"]
    assert (a["npv_p5"], a["npv_p50"], a["npv_p95"]) == (b["npv_p5"], b["npv_p50"], b["npv_p95"])


def test_project_price_scenario_and_growth():
    args = [a if a != 70 else "ccer_central" for a in BASE]
    out = json.loads(run(*args, "--area", "500ha", "--price-growth", 3).stdout)
    assert out["inputs"]["price_scenario"] == "ccer_central"
    assert out["price_CNY_per_tCO2e"][1] == pytest.approx(70 * 1.03)


def test_project_table_format():
    args = [a for a in BASE if a not in ("--format", "json")]
    result = run(*args, "--area", "500ha")
    assert result.exit_code == 0, result.output
    assert "NPV" in result.stdout and "break-even" in result.stdout


@pytest.mark.parametrize(
    "area, message",
    [("500kg", "cannot be converted"), ("500", "needs a unit"), ("lots", "not a quantity")],
)
def test_project_bad_area_exits_2(area, message):
    result = run(*BASE, "--area", area)
    assert result.exit_code == 2
    assert message in result.stderr


def test_project_unknown_species_exits_2():
    args = [a if a != "pinus_massoniana" else "oak" for a in BASE]
    result = run(*args, "--area", "500ha")
    assert result.exit_code == 2
    assert "unknown species 'oak'" in result.stderr


def test_project_species_without_growth_curve_is_refused_in_chinese():
    args = [a if a != "pinus_massoniana" else "pinus_armandii" for a in BASE]
    result = run(*args, "--area", "500ha")
    assert result.exit_code == 2
    assert "华山松" in result.stderr and "carbon.growth.yield.age_NN" in result.stderr
    assert "field 'species'" in result.stderr


def test_project_oak_uses_the_pooled_curve():
    args = [a if a != "pinus_massoniana" else "quercus" for a in BASE]
    result = run(*args, "--area", "500ha")  # 30 years: within the oak curve's 30-yr limit
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert "pooled" in out["inputs"]["growth_curve"]["quercus"]
    assert out["credited_total_tCO2e"] > 0
    result = run(*args, "--area", "500ha", "--period", "35")
    assert result.exit_code == 2
    assert "30" in result.stderr


def test_project_bad_inputs_name_the_field():
    cases = [
        (["--area", "0ha"], "field 'area'"),
        (["--area", "-5ha"], "field 'area'"),
        (["--area", "500ha", "--period", "10"], "field 'period'"),
        (["--area", "500ha", "--cost-management", "450 CNY/ha"], "field 'management'"),
        (["--area", "500ha", "--price-path", "2025:70,2026:70"], "field 'price_path'"),
        (["--area", "500ha", "--price-path", "2025=70"], "field 'price_path'"),
        (["--area", "500ha", "--verification-first", "2"], "field 'verification_first'"),
        (["--area", "500ha", "--baseline", "-1"], "field 'baseline'"),
        (["--area", "500ha", "--draws", "1000000"], "field 'draws'"),
        (["--area", "500ha", "--discount", "-100"], "field 'discount'"),
        (["--area", "500ha", "--fee-share", "1.5"], "field 'fee_share'"),
    ]
    for extra, field in cases:
        result = run(*BASE, *extra)
        assert result.exit_code == 2, extra
        assert field in result.stderr, (extra, result.stderr)


def test_project_cost_defaults_come_from_the_coefficient_files():
    # no cost options: the sourced defaults are used, never zero
    args = ["project", "--species", "cunninghamia", "--start", 2025, "--period", 20]
    result = run(*args, "--area", "7500mu", "--format", "json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    costs = out["inputs"]["costs"]
    assert costs["establishment"] == 15000 and costs["validation"] == 200000
    assert out["breakeven_price_CNY_per_tCO2e"] > 0
    assert out["defaults"]["establishment"]["status"] == "illustrative"
    assert out["verification_years"] == [2029, 2034, 2039, 2044]
    # revenue only in verification years
    paid = [y for y, r in zip(out["years"], out["revenue_CNY"], strict=True) if r]
    assert paid == out["verification_years"]
    # per-亩 = total / 7500
    assert out["npv_CNY_per_mu"] == pytest.approx(out["npv_CNY"] / 7500)
    assert out["npv_CNY_per_ha"] == pytest.approx(out["npv_CNY"] / 500)


def test_project_beyond_growth_data_exits_2_unless_extrapolating():
    args = [a if a != "pinus_massoniana" else "populus" for a in BASE]
    result = run(*args, "--area", "500ha")
    assert result.exit_code == 2
    assert "22" in result.stderr
    result = run(*args, "--area", "500ha", "--extrapolate")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["years_beyond_growth_data"][0] == 2047


def test_project_bad_format_exits_2():
    result = run(*BASE, "--area", "500ha", "--format", "xml")
    assert result.exit_code == 2


REGIONS = """code,name_zh,name_en,parent,land_area,land_area_unit,source
610900,安康市,Ankang,,23529,km**2,illustrative: test
610902,汉滨区,Hanbin,610900,3652,km**2,illustrative: test
"""
INVENTORY = """region,year,item,ecosystem,species,value,unit,source
610902,2015,forest.area,,pinus_massoniana,100,hectare,illustrative: test
610902,2015,forest.stock,,pinus_massoniana,5000,m**3,illustrative: test
610902,2020,forest.area,,pinus_massoniana,1500,mu,illustrative: test
610902,2020,forest.stock,,pinus_massoniana,6000,m**3,illustrative: test
"""


@pytest.fixture
def dataset(tmp_path):
    pytest.importorskip("gep.inventory")
    folder = tmp_path / "forest"
    folder.mkdir()
    (folder / "regions.csv").write_text(REGIONS, encoding="utf-8")
    (folder / "inventory.csv").write_text(INVENTORY, encoding="utf-8")
    try:
        from gep.inventory import load_dataset

        load_dataset(folder)
    except Exception as exc:  # the loader is being written alongside this module
        pytest.skip(f"inventory loader cannot read the test dataset yet: {exc}")
    return folder


def test_sink_json(dataset):
    result = run("sink", dataset, "--format", "json", "--year", 2020, "--biomass", "bef")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["method"] == "stock-difference" and out["biomass"] == "bef"
    assert out["units"] == "tCO2e / year"
    (row,) = out["rows"]
    # Masson pine, BEF route: 1000 m³ · 0.380 · 1.472 · (1 + 0.187) · CF 0.4596 / 5 yr · 44/12
    expected = 1000 * 0.380 * 1.472 * 1.187 * 0.4596 / 5 * 44 / 12
    assert row["region"] == "610902" and row["year"] == 2020
    assert row["removals_tCO2e_per_year"] == pytest.approx(expected)


def test_sink_table_and_first_year(dataset):
    result = run("sink", dataset)
    assert result.exit_code == 0, result.output
    assert "biomass fang" in result.stdout  # the default route
    assert "no earlier inventory" in result.stdout


def test_sink_leaves_out_bamboo_and_says_so(dataset):
    with open(dataset / "inventory.csv", "a", encoding="utf-8") as f:
        f.write(
            "610902,2015,forest.area,,bamboo,10,hectare,illustrative: test\n"
            "610902,2020,forest.area,,bamboo,10,hectare,illustrative: test\n"
        )
    result = run("sink", dataset, "--format", "json", "--by-species")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert "bamboo" in out["excluded_species"]
    assert {r["species"] for r in out["rows"]} == {"pinus_massoniana"}
    # asking for bamboo explicitly names what is missing
    result = run("sink", dataset, "--exclude-species", "none")
    assert result.exit_code == 2
    assert "carbon.fang_a, field 'bamboo'" in result.stderr


def test_sink_suggests_routes_that_cover_the_inventory(dataset):
    with open(dataset / "inventory.csv", "a", encoding="utf-8") as f:
        f.write(
            "610902,2015,forest.area,,broadleaf_mixed,10,hectare,illustrative: test\n"
            "610902,2015,forest.stock,,broadleaf_mixed,500,m**3,illustrative: test\n"
            "610902,2020,forest.area,,broadleaf_mixed,10,hectare,illustrative: test\n"
            "610902,2020,forest.stock,,broadleaf_mixed,600,m**3,illustrative: test\n"
        )
    result = run("sink", dataset, "--biomass", "bef")
    assert result.exit_code == 2
    assert "carbon.wood_density, field 'broadleaf_mixed'" in result.stderr
    assert "hint: --biomass bcef or fang" in result.stderr


def test_sink_bad_options_exit_2(dataset):
    assert run("sink", dataset, "--method", "magic").exit_code == 2
    result = run("sink", dataset, "--year", 1999)
    assert result.exit_code == 2
    assert "1999" in result.stderr


def test_project_with_the_real_national_set(monkeypatch):
    """The CLI's own lookup (gep.coefficients.load_set + lookup_from_set) gives the YAML values."""
    coefficients = pytest.importorskip("gep.coefficients")
    try:
        coefficients.load_set("national")
    except Exception as exc:
        pytest.skip(f"national coefficient set does not load: {exc}")
    monkeypatch.undo()
    assert carbon_cli.make_lookup.__name__ == "make_lookup"  # the module's own function again
    real = run(*BASE, "--area", "500ha")
    assert real.exit_code == 0, real.output
    monkeypatch.setattr(carbon_cli, "make_lookup", lambda set_name, year: yaml_lookup)
    direct = run(*BASE, "--area", "500ha")
    assert json.loads(real.stdout)["npv_CNY"] == pytest.approx(json.loads(direct.stdout)["npv_CNY"])


def test_project_baseline_is_deducted_hand_computed():
    args = [
        "project",
        "--species",
        "cunninghamia",
        "--start",
        2025,
        "--period",
        20,
        "--area",
        "500ha",
    ]
    plain = json.loads(run(*args, "--format", "json").stdout)
    less = json.loads(run(*args, "--baseline", 0.5, "--format", "json").stdout)
    # 0.5 t/ha/yr × 500 ha × 20 yr = 5,000 t fewer credits
    assert plain["credited_total_tCO2e"] - less["credited_total_tCO2e"] == pytest.approx(5000)
    assert less["inputs"]["baseline_tCO2e_per_year"] == 250
