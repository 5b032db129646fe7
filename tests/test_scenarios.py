"""Scenarios: YAML format, strict loading, application to copies, stacked evaluation, compare,
CLI."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from gep.accounting import account
from gep.errors import InputError
from gep.scenarios import (
    BASELINE,
    CARBON_PRICE_ID,
    account_scenarios,
    apply_scenario,
    compare,
    load_scenario,
    load_scenarios,
    stack_scenarios,
)

ROOT = Path(__file__).resolve().parents[1]
ANKANG = ROOT / "datasets" / "ankang"
CARBON = "regulating.carbon_sequestration"


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / f"{name}.yaml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


@pytest.fixture
def noop(tmp_path):
    return write(tmp_path, "noop", "name: {zh: 不变, en: No change}\n")


@pytest.fixture
def carbon_x2(tmp_path):
    return write(
        tmp_path,
        "carbon_x2",
        f"""\
        name: {{zh: 碳价翻倍, en: Carbon price x2}}
        overrides:
          - {CARBON_PRICE_ID}*=2
        """,
    )


@pytest.fixture
def conversion(tmp_path):
    # 100001 has 2000 ha farmland.dry; 7500 mu = 500 ha. 100002 gains garden (not in the mini data).
    return write(
        tmp_path,
        "convert",
        """\
        name: {zh: 退耕还林, en: Grain for green}
        land_conversions:
          - {from: farmland.dry, to: forest.broadleaf, area: 7500 mu, region: "100001", from_year: 2021}
          - {from: farmland.paddy, to: garden, area: 100, region: 100002}
        """,  # noqa: E501 (YAML input kept byte-identical)
    )


def values_equal(a, b) -> bool:
    return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)


# -------------------------------------------------------------------------- the required properties


def test_noop_scenario_reproduces_baseline_exactly(mini, mini_coef, mini_account, noop, carbon_x2):
    acc = account_scenarios(mini, mini_coef, [noop, carbon_x2])
    assert list(acc.value["scenario"].values) == [BASELINE, "noop", "carbon_x2"]
    base = mini_account.value
    for name in (BASELINE, "noop"):
        v = acc.value.sel(scenario=name).transpose(*base.dims)
        assert values_equal(v.values, base.values)  # bit for bit, NaN where not assessed
    ds, cs = apply_scenario(mini, mini_coef, load_scenario(noop))
    assert ds is mini and cs is mini_coef


def test_carbon_price_x2_doubles_carbon_value_and_nothing_else(
    mini, mini_coef, mini_account, carbon_x2
):
    acc = account_scenarios(mini, mini_coef, [carbon_x2])
    base = mini_account.value
    x2 = acc.value.sel(scenario="carbon_x2").transpose(*base.dims)
    assert values_equal(x2.sel(indicator=CARBON), 2 * base.sel(indicator=CARBON))
    others = [i for i in mini_account.indicator_ids if i != CARBON]
    assert values_equal(x2.sel(indicator=others), base.sel(indicator=others))
    # the physical quantity is untouched; hand check: 100001 in 2020 = 27,000 tCO2e × 100 元 × 2
    assert float(x2.sel(region="100001", year=2020, indicator=CARBON)) == pytest.approx(2 * 2.7e6)
    comp = compare(acc).to_frame()
    changed = comp[(comp["level"] == "indicator") & (comp["diff"].fillna(0) != 0)]
    assert set(changed["indicator"]) == {CARBON}
    rows = comp[(comp["level"] == "indicator") & (comp["indicator"] == CARBON)]
    assert np.allclose(rows["rel_diff"], 1.0)


def test_land_conversion_keeps_each_regions_total_area(mini, mini_coef, conversion):
    ds, _ = apply_scenario(mini, mini_coef, load_scenario(conversion))
    before = mini.data["area"].sum("ecosystem")
    after = ds.data["area"].sum("ecosystem")
    np.testing.assert_allclose(after.values, before.values, rtol=1e-12)
    a0, a1 = mini.data["area"], ds.data["area"]
    # 7500 mu = 500 ha moved in 100001 from 2021 only
    dry = a0.sel(region="100001", ecosystem="farmland.dry")
    assert float(a1.sel(region="100001", year=2020, ecosystem="farmland.dry")) == float(
        dry.sel(year=2020)
    )
    assert float(a1.sel(region="100001", year=2021, ecosystem="farmland.dry")) == pytest.approx(
        float(dry.sel(year=2021)) - 500
    )
    assert float(a1.sel(region="100001", year=2021, ecosystem="forest.broadleaf")) == pytest.approx(
        float(a0.sel(region="100001", year=2021, ecosystem="forest.broadleaf")) + 500
    )
    # a new ecosystem (garden) is added with zero area where not converted, area elsewhere
    assert "garden" in a1["ecosystem"].values and "garden" not in a0["ecosystem"].values
    assert float(a1.sel(region="100001", year=2020, ecosystem="garden")) == 0
    assert float(a1.sel(region="100002", year=2020, ecosystem="garden")) == pytest.approx(100)
    # the input dataset and its files are untouched
    assert "garden" not in mini.data["ecosystem"].values
    assert float(
        mini.data["area"].sel(region="100001", year=2021, ecosystem="farmland.dry")
    ) == float(dry.sel(year=2021))


def test_land_conversion_more_than_available_is_an_error(mini, mini_coef, tmp_path):
    p = write(
        tmp_path,
        "too_much",
        """\
        name: too much
        land_conversions:
          - {from: farmland.dry, to: forest.broadleaf, area: 2500 hectare, region: "100001"}
        """,
    )
    with pytest.raises(InputError) as exc:
        apply_scenario(mini, mini_coef, load_scenario(p))
    text = str(exc.value)
    assert "too_much.yaml" in text and "land_conversions[0].area" in text and "2,000.00 ha" in text


def test_conversion_and_stacked_evaluation_match_separate_accounts(
    mini, mini_coef, conversion, carbon_x2, tmp_path
):
    edit = write(
        tmp_path,
        "edits",
        """\
        name: {zh: 编辑, en: Edits}
        inventory_edits:
          - {item: visitors, scale: 1.5, from_year: 2021}
          - {item: reservoir.capacity, region: "100002", year: 2020, add: 50 wan_m3}
        overrides:
          - {id: regulating.carbon_sequestration.rate, key: forest, scale: 1.25}
          - {id: material.hydropower.price, set: 0.5, unit: CNY/kWh}
          - material.agriculture.price.grain*=2   # first of a family that also has a reported output value
        """,  # noqa: E501 (YAML input kept byte-identical)
    )
    files = [conversion, carbon_x2, edit]
    acc = account_scenarios(mini, mini_coef, files)
    for f in files:
        ds, cs = apply_scenario(mini, mini_coef, load_scenario(f))
        alone = account(ds, cs).value
        v = acc.value.sel(scenario=f.stem).transpose(*alone.dims)
        np.testing.assert_allclose(v.values, alone.values, rtol=1e-12, equal_nan=True)
    base = acc.value.sel(scenario=BASELINE)
    np.testing.assert_allclose(
        base.transpose(*account(mini, mini_coef).value.dims).values,
        account(mini, mini_coef).value.values,
        rtol=1e-12,
        equal_nan=True,
    )
    # only what changes carries the scenario dim into the single account call
    stack = stack_scenarios(mini, mini_coef, files)
    assert (
        "scenario" in stack.data["area"].dims and "scenario" not in stack.data["precipitation"].dims
    )
    assert set(stack.extra) == {
        CARBON_PRICE_ID,
        "regulating.carbon_sequestration.rate",
        "material.hydropower.price",
        "material.agriculture.price.grain",
    }
    assert not hasattr(stack, "separate")  # one stacked call for every scenario


def test_carbon_price_path_step_and_linear(mini, mini_coef, tmp_path):
    step = write(
        tmp_path,
        "step",
        """\
        name: step
        carbon_price: {path: {2021: 150}}
        """,
    )
    linear = write(
        tmp_path,
        "linear",
        """\
        name: linear
        carbon_price: {unit: wan_CNY/ktCO2e, interpolate: linear, path: {2019: 50, 2023: 250}}
        """,
    )
    _, cs = apply_scenario(mini, mini_coef, load_scenario(step))
    base = mini_coef.array(CARBON_PRICE_ID, [2020, 2021]).values
    assert cs.array(CARBON_PRICE_ID, [2020, 2021]).values.tolist() == [base[0], 150.0]
    _, cs = apply_scenario(mini, mini_coef, load_scenario(linear))
    # 1 万元/kt = 10 元/t; 2020 → 100 万元/kt = 1000 元/t, 2021 → 1500 元/t (each year's prices)
    np.testing.assert_allclose(cs.array(CARBON_PRICE_ID, [2020, 2021]).values, [1000.0, 1500.0])


def test_inventory_edits_set_scale_add_with_units(mini, mini_coef, tmp_path):
    p = write(
        tmp_path,
        "edits",
        """\
        name: edits
        inventory_edits:
          - {item: area, ecosystem: forest, region: "100002", year: 2021, scale: 0.5}
          - {item: population, set: 1.5 wan_person, region: ["100001"]}
          - {item: reservoir.capacity, add: "1 yi_m3", from_year: 2021}
        """,
    )
    ds, _ = apply_scenario(mini, mini_coef, load_scenario(p))
    a0, a1 = mini.data["area"], ds.data["area"]
    assert float(
        a1.sel(region="100002", year=2021, ecosystem="forest.coniferous")
    ) == pytest.approx(
        0.5 * float(a0.sel(region="100002", year=2021, ecosystem="forest.coniferous"))
    )
    assert float(a1.sel(region="100002", year=2020, ecosystem="forest.coniferous")) == float(
        a0.sel(region="100002", year=2020, ecosystem="forest.coniferous")
    )
    assert ds.data["population"].sel(region="100001").values.tolist() == [15000.0, 15000.0]
    cap0, cap1 = mini.data["reservoir.capacity"], ds.data["reservoir.capacity"]
    assert float(cap1.sel(region="100001", year=2021)) == pytest.approx(
        float(cap0.sel(region="100001", year=2021)) + 1e8
    )
    assert float(cap1.sel(region="100001", year=2020)) == float(
        cap0.sel(region="100001", year=2020)
    )
    # the canonical table follows the edits (so the dataset hash changes)
    assert ds.hash != mini.hash
    rows = ds.table[(ds.table["item"] == "population") & (ds.table["region"] == "100001")]
    assert rows["value"].tolist() == [15000.0, 15000.0]


# -------------------------------------------------------------------------- strict loading


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("name: x\ncolour: red\n", "colour", "unknown key 'colour'"),
        (
            "name: x\noverrides:\n  - {id: regulating.carbon_sequestration.price, scale: 2, by: "
            "3}\n",
            "overrides[0].by",
            "unknown key",
        ),
        (
            "name: x\noverrides:\n  - {id: a.b, scale: 2, add: 3}\n",
            "overrides[0]",
            "exactly one of set, scale, add",
        ),
        (
            "name: x\ninventory_edits:\n  - {item: area.nonsense, scale: 2}\n",
            "inventory_edits[0].item",
            "unknown item",
        ),
        (
            "name: x\ninventory_edits:\n  - {item: area, ecosystem: jungle, scale: 2}\n",
            "inventory_edits[0].ecosystem",
            "unknown ecosystem",
        ),
        (
            "name: x\ninventory_edits:\n  - {item: area, add: 5 kg}\n",
            "inventory_edits[0].add",
            "does not measure",
        ),
        (
            "name: x\ninventory_edits:\n  - {item: area, add: 5 furlongs_squared}\n",
            "inventory_edits[0].add",
            "cannot be parsed",
        ),
        (
            "name: x\nland_conversions:\n  - {from: farmland, to: forest.broadleaf, area: 5}\n",
            "land_conversions[0].from",
            "level-2",
        ),
        (
            "name: x\nland_conversions:\n  - {from: farmland.dry, to: forest.broadleaf, area: 5 "
            "kg}\n",
            "land_conversions[0].area",
            "not an area unit",
        ),
        (
            "name: x\nland_conversions:\n  - {from: farmland.dry, to: forest.broadleaf, area: 5, "
            "region: 1234}\n",
            "land_conversions[0].region",
            "6-digit",
        ),
        (
            "name: x\ncarbon_price: {path: {2022: 80}, unit: CNY/kg}\n",
            None,
            None,
        ),  # unit checked on apply
        ("name: x\ncarbon_price: {path: {twenty: 80}}\n", "carbon_price.path.twenty", "not a year"),
        ("description: no name\n", "name", "missing 'name'"),
    ],
)
def test_bad_scenario_files_name_file_and_key(tmp_path, text, field, message):
    p = tmp_path / "bad.yaml"
    p.write_text(text, encoding="utf-8")
    if field is None:
        load_scenario(p)
        return
    with pytest.raises(InputError) as exc:
        load_scenario(p)
    problems = exc.value.problems
    assert any(
        pr.file == str(p) and pr.field == field and message in pr.message for pr in problems
    ), problems
    # every problem names the YAML line of its key (or of the list item / mapping it is in)
    assert all(pr.row is not None and 1 <= pr.row <= text.count("\n") for pr in problems)


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        (
            "overrides:\n  - {id: regulating.carbon_sequestration.prize, scale: 2}\n",
            "overrides[0].id",
            "unknown coefficient",
        ),
        ("overrides:\n  - regulating.carbon.price*=2\n", "overrides[0].id", "did you mean"),
        (
            "overrides:\n  - {id: regulating.carbon_sequestration.price, set: 5, unit: CNY/kWh}\n",
            "overrides[0].unit",
            "does not fit",
        ),
        (
            "overrides:\n  - {id: regulating.carbon_sequestration.price, key: forest, scale: 2}\n",
            "overrides[0].key",
            "not a table",
        ),
        ("carbon_price: {path: {2022: 80}, unit: CNY/kg}\n", "carbon_price.unit", "does not fit"),
        (
            "inventory_edits:\n  - {item: area, region: '999999', scale: 2}\n",
            "inventory_edits[0].region",
            "unknown region",
        ),
        (
            "inventory_edits:\n  - {item: area, year: 2030, scale: 2}\n",
            "inventory_edits[0].year",
            "not in the dataset",
        ),
        (
            "inventory_edits:\n  - {item: output.agriculture.rice, scale: 2}\n",
            "inventory_edits[0].item",
            "has no item",
        ),
        (
            "inventory_edits:\n  - {item: area, ecosystem: wetland, scale: 2}\n",
            "inventory_edits[0].ecosystem",
            "no ecosystem",
        ),
        (
            "inventory_edits:\n  - {item: area, ecosystem: urban, add: 20000}\n",
            "inventory_edits",
            "exceeds its land area",
        ),
        (
            "land_conversions:\n  - {from: wetland, to: water, area: 1}\n",
            "land_conversions[0].from",
            "no area of wetland",
        ),
    ],
)
def test_scenarios_checked_against_dataset_and_set(mini, mini_coef, tmp_path, text, field, message):
    p = tmp_path / "bad.yaml"
    p.write_text("name: x\n" + text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_scenario(p, mini, mini_coef)
    problems = exc.value.problems
    assert any(
        pr.file == str(p) and pr.field == field and message in pr.message for pr in problems
    ), problems
    # checks against the data name the line too: the change is on line 3 (line 2 for a list)
    assert all(pr.row in (2, 3) for pr in problems if pr.file == str(p)), problems


def test_duplicate_key_and_reserved_name(tmp_path):
    p = write(tmp_path, "dup", "name: a\nname: b\n")
    with pytest.raises(InputError, match="duplicate key"):
        load_scenario(p)
    p = write(tmp_path, BASELINE, "name: base\n")
    with pytest.raises(InputError, match="reserved"):
        load_scenario(p)


def test_load_scenarios_reports_every_bad_file(tmp_path):
    write(tmp_path, "a", "name: a\nfoo: 1\n")
    write(tmp_path, "b", "name: b\nbar: 1\n")
    write(tmp_path, "c", "name: c\n")
    with pytest.raises(InputError) as exc:
        load_scenarios(tmp_path)
    assert {Path(p.file).name for p in exc.value.problems} == {"a.yaml", "b.yaml"}


def test_compare_totals_and_relative_differences(mini, mini_coef, carbon_x2, conversion):
    comp = compare(account_scenarios(mini, mini_coef, [carbon_x2, conversion]))
    df = comp.to_frame()
    assert set(df["scenario"]) == {"carbon_x2", "convert"}
    assert {
        "scenario",
        "region",
        "year",
        "level",
        "indicator",
        "category",
        "value",
        "baseline",
        "diff",
        "rel_diff",
    } <= set(df.columns)
    np.testing.assert_allclose(df["diff"], df["value"] - df["baseline"], equal_nan=True)
    gep = comp.gep.sel(scenario="convert", year=2021)
    assert float(gep["diff"].sel(region="100000")) == pytest.approx(
        float(gep["diff"].sel(region=["100001", "100002"]).sum())
    )
    cat = comp.category.sel(scenario="carbon_x2", region="100000", year=2020)
    assert float(cat["diff"].sel(category="material")) == 0
    assert float(cat["diff"].sel(category="regulating")) == pytest.approx(2 * (2.7e6 + 1.325e6) / 2)


# -------------------------------------------------------------------------- the Ankang scenarios


@pytest.fixture(scope="module")
def ankang():
    from gep.coefficients import load_set
    from gep.inventory import load_dataset

    ds = load_dataset(ANKANG)
    return ds, load_set(ds.default_coefficients, root=ROOT / "coefficients")


def test_ankang_scenarios_load_and_apply(ankang):
    ds, cs = ankang
    scenarios = load_scenarios(ANKANG / "scenarios", ds, cs)
    assert len(scenarios) >= 3
    acc = account_scenarios(ds, cs, scenarios)
    assert acc.value.sizes["scenario"] == len(scenarios) + 1
    comp = compare(acc).to_frame()
    assert comp["diff"].abs().sum() > 0
    for s in scenarios:
        assert s.name["zh"] and s.name["en"]
        assert comp[comp["scenario"] == s.id]["diff"].abs().sum() > 0, s.id


# -------------------------------------------------------------------------- CLI


runner = CliRunner()
MINI = ["tests/data/mini", "-c", "tests/data/coefficients/mini"]


def test_cli_compare_json_contract(carbon_x2, noop):
    from gep.cli import app

    r = runner.invoke(
        app,
        [
            "scenario",
            "compare",
            *MINI,
            "-s",
            str(carbon_x2),
            "-s",
            str(noop),
            "--format",
            "json",
            "--year",
            "2021",
        ],
    )
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["profile"] == "ndrc-2022"
    assert set(d["dataset"]) == {"name", "hash"} and d["dataset"]["name"] == "mini"
    assert set(d["coefficients"]) == {"name", "hash"} and d["coefficients"]["name"] == "mini"
    rows = d["rows"]
    assert {
        "scenario",
        "region",
        "indicator",
        "category",
        "value",
        "baseline",
        "diff",
        "rel_diff",
    } <= set(rows[0])
    assert {r["year"] for r in rows} == {2021}
    carbon = [
        r
        for r in rows
        if r["scenario"] == "carbon_x2" and r["indicator"] == CARBON and r["region"] == "100001"
    ]
    assert carbon[0]["diff"] == pytest.approx(3008500.0) and carbon[0]["rel_diff"] == pytest.approx(
        1.0
    )
    sand = [r for r in rows if r["indicator"] == "regulating.sand_fixation"]
    assert all(r["value"] is None and r["rel_diff"] is None for r in sand)


def test_cli_compare_table_csv_and_dataset_folder(carbon_x2):
    from gep.cli.scenario import scenario_app

    r = runner.invoke(scenario_app, ["compare", *MINI, "-s", str(carbon_x2)])
    assert r.exit_code == 0, r.output
    assert "carbon_x2" in r.stdout and "GEP" in r.stdout
    r = runner.invoke(scenario_app, ["compare", *MINI, "-s", str(carbon_x2), "--format", "csv"])
    assert r.exit_code == 0 and r.stdout.startswith("scenario,region,year,level")
    r = runner.invoke(scenario_app, ["list", str(ANKANG)])
    assert r.exit_code == 0 and "grain_for_green" in r.stdout
    r = runner.invoke(scenario_app, ["check", str(ANKANG)])
    assert r.exit_code == 0, r.output


def test_cli_bad_scenario_exits_2_with_file_and_key(tmp_path):
    from gep.cli.scenario import scenario_app

    bad = write(tmp_path, "bad", "name: x\noverrides:\n  - {id: regulating.nothing, scale: 2}\n")
    r = runner.invoke(scenario_app, ["compare", *MINI, "-s", str(bad)])
    assert r.exit_code == 2
    assert (
        "bad.yaml" in r.stderr
        and "overrides[0].id" in r.stderr
        and "unknown coefficient" in r.stderr
    )
    r = runner.invoke(scenario_app, ["compare", *MINI, "-s", str(tmp_path / "missing.yaml")])
    assert r.exit_code == 2 and "file not found" in r.stderr
    r = runner.invoke(scenario_app, ["compare", *MINI, "-s", str(bad), "--year", "1999"])
    assert r.exit_code == 2 and "--year" in r.stderr
