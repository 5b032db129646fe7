"""Supplied physical quantities (``quantities.csv``): loading, units, every validation error."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from gep.accounting import account
from gep.coefficients import load_set
from gep.errors import InputError
from gep.indicators import indicators_for
from gep.inventory import load_dataset
from gep.quantities import (
    FRAME_COLUMNS,
    WHOLE_BASIS,
    component_for,
    indicator_components,
    load_quantities,
)
from tests.conftest import ROOT

MINI = ROOT / "tests" / "data" / "mini"
MINI_SET = ROOT / "tests" / "data" / "coefficients" / "mini"
HEADER = "region,year,indicator,component,value,unit,source\n"
SRC = "InVEST 3.14 seasonal water yield run (test)"


@pytest.fixture(scope="module")
def mini():
    return load_dataset(MINI)


def _folder(tmp_path, text: str, name: str = "quantities.csv", encoding: str = "utf-8"):
    folder = tmp_path / "ds"
    shutil.copytree(MINI, folder)
    (folder / name).write_bytes((HEADER + text).encode(encoding))
    return folder


def _problems(folder, dataset):
    with pytest.raises(InputError) as exc:
        load_quantities(folder, dataset)
    return exc.value.problems


def test_no_file_gives_empty_frame(mini):
    q = load_quantities(MINI, mini)
    assert q.empty and list(q.columns) == FRAME_COLUMNS


def test_whole_and_component_rows_in_canonical_units(tmp_path, mini):
    folder = _folder(
        tmp_path,
        f"100001,2020,regulating.water_conservation,,1.5,亿立方米,{SRC}\n"
        f"100002,2021,regulating.climate_regulation,transpiration,2.5,亿千瓦时,{SRC}\n"
        f"100002,2021,regulating.climate_regulation,water_evaporation,3000,万千瓦时,{SRC}\n"
        f"100001,2021,material.agriculture,tea,1.2,万吨,county statistics\n"
        f"100001,2021,material.forestry,timber,8000,m**3,county statistics\n"
        f"100002,2020,regulating.carbon_sequestration,,12.5,ktCO2e,NEP model\n"
        f"100002,2020,cultural.recreation,,35,万人次,tourism bureau\n",
    )
    q = load_quantities(folder, mini)
    assert list(q.columns) == FRAME_COLUMNS
    rows = {(r.region, r.year, r.indicator, r.component): r for r in q.itertuples(index=False)}
    wc = rows[("100001", 2020, "regulating.water_conservation", "")]
    assert wc.value == pytest.approx(1.5e8) and wc.unit == "m ** 3"  # 1.5 亿 m³
    assert wc.value_input == 1.5 and wc.unit_input == "亿立方米" and wc.source == SRC
    tr = rows[("100002", 2021, "regulating.climate_regulation", "transpiration")]
    assert tr.value == pytest.approx(2.5e8) and tr.unit == "kWh"
    ev = rows[("100002", 2021, "regulating.climate_regulation", "water_evaporation")]
    assert ev.value == pytest.approx(3.0e7)  # 3000 万 kWh
    tea = rows[("100001", 2021, "material.agriculture", "tea")]
    assert tea.value == pytest.approx(1.2e4) and tea.unit == "t"
    timber = rows[("100001", 2021, "material.forestry", "timber")]
    assert timber.value == pytest.approx(8000) and timber.unit == "m ** 3"
    co2 = rows[("100002", 2020, "regulating.carbon_sequestration", "")]
    assert co2.value == pytest.approx(12500) and co2.unit == "tCO2e"
    rec = rows[("100002", 2020, "cultural.recreation", "")]
    assert rec.value == pytest.approx(350000) and rec.unit == "visit"
    assert (q["file"].str.endswith("quantities.csv")).all()
    assert sorted(q["row"]) == [2, 3, 4, 5, 6, 7, 8]


def test_gb18030_csv(tmp_path, mini):
    folder = _folder(
        tmp_path,
        "100001,2020,regulating.flood_regulation,reservoirs,120,万立方米,县水利局 防洪库容\n",
        encoding="gb18030",
    )
    q = load_quantities(folder, mini)
    assert q.loc[0, "value"] == pytest.approx(1.2e6)
    assert q.loc[0, "source"] == "县水利局 防洪库容"


def test_xlsx_sheet(tmp_path, mini):
    folder = tmp_path / "ds"
    shutil.copytree(MINI, folder)
    frame = pd.DataFrame(
        # numeric cells, as Excel stores them
        [[100002, 2021, "regulating.soil_conservation", "", 3.2, "万吨", "RUSLE raster"]],
        columns=HEADER.strip().split(","),
    )
    with pd.ExcelWriter(folder / "quantities.xlsx") as xw:
        pd.DataFrame({"note": ["readme"]}).to_excel(xw, sheet_name="readme", index=False)
        frame.to_excel(xw, sheet_name="quantities", index=False)
    q = load_quantities(folder, mini)
    assert q.loc[0, "value"] == pytest.approx(32000) and q.loc[0, "unit"] == "t"


def test_xlsx_without_quantities_sheet(tmp_path, mini):
    folder = tmp_path / "ds"
    shutil.copytree(MINI, folder)
    with pd.ExcelWriter(folder / "quantities.xlsx") as xw:
        pd.DataFrame({"a": [1]}).to_excel(xw, sheet_name="one", index=False)
        pd.DataFrame({"a": [1]}).to_excel(xw, sheet_name="two", index=False)
    (p,) = _problems(folder, mini)
    assert "no sheet named 'quantities'" in p.message


def test_both_files_is_an_error(tmp_path, mini):
    folder = _folder(tmp_path, f"100001,2020,material.hydropower,,1,kWh,{SRC}\n")
    shutil.copy(folder / "quantities.csv", folder / "quantities.xlsx")
    (p,) = _problems(folder, mini)
    assert "both quantities.csv and quantities.xlsx" in p.message


def test_unquoted_comma_is_reported_not_shifted(tmp_path, mini):
    folder = _folder(
        tmp_path,
        "100001,2020,material.hydropower,,1,kWh,model run, version 2\n"
        '100001,2021,material.hydropower,,1,kWh,"model run, version 2"\n',
    )
    (p,) = _problems(folder, mini)
    assert p.row == 2 and "8 fields, expected 7" in p.message


def test_missing_column(tmp_path, mini):
    folder = tmp_path / "ds"
    shutil.copytree(MINI, folder)
    (folder / "quantities.csv").write_text(
        "region,year,indicator,value,unit,source\n100001,2020,material.hydropower,1,kWh,x\n"
    )
    (p,) = _problems(folder, mini)
    assert "missing column(s): component" in p.message


def test_every_row_error_is_listed_at_once(tmp_path, mini):
    folder = _folder(
        tmp_path,
        # row 2: unknown region; row 3: aggregate region; row 4: year outside the dataset
        f"999999,2020,material.hydropower,,1,kWh,{SRC}\n"
        f"100000,2020,material.hydropower,,1,kWh,{SRC}\n"
        f"100001,2019,material.hydropower,,1,kWh,{SRC}\n"
        # row 5: year not a number; row 6: unknown indicator; row 7: unknown component
        f"100001,20x0,material.hydropower,,1,kWh,{SRC}\n"
        f"100001,2020,regulating.magic,,1,kWh,{SRC}\n"
        f"100001,2020,regulating.climate_regulation,evaporation,1,kWh,{SRC}\n"
        # row 8: component on an indicator without components; row 9: wrong dimension
        f"100001,2020,material.hydropower,small,1,kWh,{SRC}\n"
        f"100001,2020,regulating.water_conservation,,1,kWh,{SRC}\n"
        # row 10: unparsable unit; row 11: negative; row 12: not a number
        f"100001,2020,regulating.water_conservation,,1,furlongs**9 per fortnight,{SRC}\n"
        f"100001,2021,regulating.water_conservation,,-5,m**3,{SRC}\n"
        f"100002,2021,regulating.water_conservation,,lots,m**3,{SRC}\n"
        # row 13: empty source; row 14: empty unit; row 15: whole row of a per-component indicator
        "100002,2020,regulating.water_conservation,,5,m**3,\n"
        f"100002,2020,cultural.recreation,,5,,{SRC}\n"
        f"100002,2020,regulating.air_purification,,5,t,{SRC}\n"
        # row 16: unknown product of a product group
        f"100002,2020,material.agriculture,not-a-product!,5,t,{SRC}\n",
    )
    problems = _problems(folder, mini)
    where = {(p.row, p.field) for p in problems}
    expected = {
        (2, "region"),
        (3, "region"),
        (4, "year"),
        (5, "year"),
        (6, "indicator"),
        (7, "component"),
        (8, "component"),
        (9, "unit"),
        (10, "unit"),
        (11, "value"),
        (12, "value"),
        (13, "source"),
        (14, "unit"),
        (15, "component"),
        (16, "component"),
    }
    assert expected <= where, expected - where
    assert all(p.file.endswith("quantities.csv") for p in problems)
    text = {(p.row, p.field): p.message for p in problems}
    assert "aggregate region" in text[(3, "region")]
    assert "2020–2021" in text[(4, "year")]
    assert "one of transpiration, water_evaporation" in text[(7, "component")]
    assert "no components" in text[(8, "component")]
    assert "does not measure the same thing as 'm ** 3'" in text[(9, "unit")]
    assert "negative" in text[(11, "value")]
    assert "valued per component" in text[(15, "component")]


def test_duplicates_and_whole_plus_components(tmp_path, mini):
    folder = _folder(
        tmp_path,
        f"100001,2020,regulating.flood_regulation,reservoirs,1,万立方米,{SRC}\n"  # row 2
        f"100001,2020,regulating.flood_regulation,reservoirs,2,万立方米,{SRC}\n"  # row 3 dup
        f"100001,2020,regulating.flood_regulation,,3,万立方米,{SRC}\n"  # row 4 whole + parts
        f"100002,2021,material.hydropower,,5,亿千瓦时,{SRC}\n"  # row 5
        f"100002,2021,material.hydropower,,6,亿千瓦时,{SRC}\n",  # row 6 dup
    )
    problems = _problems(folder, mini)
    msgs = {(p.row, p.field): p.message for p in problems}
    assert "duplicate" in msgs[(3, "component")] and "row 2" in msgs[(3, "component")]
    assert "duplicate" in msgs[(6, "indicator")] and "row 5" in msgs[(6, "indicator")]
    assert "both the whole quantity and component rows" in msgs[(4, "component")]
    assert "rows 2, 3" in msgs[(4, "component")]
    assert len(problems) == 3


def test_contradiction_with_inventory_component(tmp_path, mini):
    # County A (100001) has no wetland: neither a wetland water-retention nor marsh storage
    folder = _folder(
        tmp_path,
        f"100001,2020,regulating.water_conservation,wetland,100,m**3,{SRC}\n"
        f"100001,2021,regulating.flood_regulation,marshes,100,m**3,{SRC}\n"
        f"100001,2021,regulating.flood_regulation,reservoirs,100,m**3,{SRC}\n"
        # a zero quantity contradicts nothing
        f"100001,2021,regulating.water_conservation,wetland,0,m**3,{SRC}\n",
    )
    problems = _problems(folder, mini)
    assert {(p.row, p.field) for p in problems} == {(2, "value"), (3, "value")}
    assert "no area of wetland" in problems[0].message


def test_contradiction_with_inventory_whole(tmp_path):
    # County B without forest and grassland: no ecosystem water conservation counts over
    folder = tmp_path / "ds"
    shutil.copytree(MINI, folder)
    inv = pd.read_csv(folder / "inventory.csv", dtype=str, keep_default_na=False)
    drop = (
        (inv["region"] == "100002")
        & (inv["item"] == "area")
        & inv["ecosystem"].isin(["forest.coniferous", "grassland"])
    )
    inv[~drop].to_csv(folder / "inventory.csv", index=False)
    dataset = load_dataset(folder)
    (folder / "quantities.csv").write_text(
        HEADER
        + f"100002,2020,regulating.water_conservation,,5e6,m**3,{SRC}\n"
        + f"100002,2020,regulating.pest_control,forest,10,hectare,{SRC}\n"
        + f"100001,2020,regulating.water_conservation,,5e6,m**3,{SRC}\n",
        encoding="utf-8",
    )
    # the component row is checked on reading (its ecosystem is the component itself)
    problems = _problems(folder, dataset)
    assert {(p.row, p.field) for p in problems} == {(3, "value")}
    # the whole rows are counted over the coefficient set's ecosystem set: checked in the
    # account, where the set is known (the mini set counts forest, shrub, grassland, wetland)
    (folder / "quantities.csv").write_text(
        HEADER
        + f"100002,2020,regulating.water_conservation,,5e6,m**3,{SRC}\n"
        + f"100001,2020,regulating.water_conservation,,5e6,m**3,{SRC}\n",
        encoding="utf-8",
    )
    dataset = load_dataset(folder)
    with pytest.raises(InputError) as exc:
        account(dataset, load_set(MINI_SET))
    problems = exc.value.problems
    assert [(p.row, p.field) for p in problems] == [(2, "value")]
    assert "regulating.water_conservation.ecosystems" in problems[0].message
    assert problems[0].file.endswith("quantities.csv")


def test_contradiction_follows_the_coefficient_sets_ecosystem_set(tmp_path):
    """A set that counts farmland and water for water conservation accepts the supplied
    quantity of a county with only those (the national default set would refuse it)."""
    folder = tmp_path / "ds"
    shutil.copytree(MINI, folder)
    inv = pd.read_csv(folder / "inventory.csv", dtype=str, keep_default_na=False)
    drop = (
        (inv["region"] == "100002")
        & (inv["item"] == "area")
        & inv["ecosystem"].isin(["forest.coniferous", "grassland"])
    )
    inv[~drop].to_csv(folder / "inventory.csv", index=False)
    (folder / "quantities.csv").write_text(
        HEADER + f"100002,2020,regulating.water_conservation,,5e6,m**3,{SRC}\n",
        encoding="utf-8",
    )
    dataset = load_dataset(folder)
    left = set(inv[~drop & (inv["region"] == "100002") & (inv["item"] == "area")]["ecosystem"])
    assert left and not left & {"forest.coniferous", "grassland"}
    sets = tmp_path / "sets"
    shutil.copytree(MINI_SET, sets / "mini")
    f = sets / "mini" / "regulating" / "water_conservation" / "ecosystems.yaml"
    text = f.read_text(encoding="utf-8")
    counted = text
    for code in sorted({e.split(".")[0] for e in left}):
        counted = counted.replace(f"      {code}: 0\n", f"      {code}: 1\n")
    assert counted != text
    f.write_text(counted, encoding="utf-8")
    acc = account(dataset, load_set(sets / "mini"))
    wc = float(acc.physical("regulating.water_conservation").sel(region="100002", year=2020))
    assert wc == pytest.approx(5e6)


def test_component_catalogue_covers_the_registry():
    ids = {i.id for i in indicators_for("ndrc-2022")}
    assert set(WHOLE_BASIS) <= ids
    # component ids are the declarations' with the families expanded from the catalogs
    by_id = {i.id: i for i in indicators_for("ndrc-2022")}
    assert set(indicator_components(by_id["material.water_supply"])) == {
        "domestic",
        "industrial",
        "agricultural",
        "ecological",
    }
    assert set(indicator_components(by_id["regulating.air_purification"])) == {"so2", "nox", "dust"}
    assert set(indicator_components(by_id["regulating.water_purification"])) == {
        "cod",
        "nh3n",
        "tn",
        "tp",
    }
    pest = indicator_components(by_id["regulating.pest_control"])
    assert {"forest", "forest.broadleaf", "grassland"} <= set(pest)
    assert "shrub" not in pest and pest["forest"].unit == "hectare"
    # value parts in CNY (soil conservation) are not supplyable components
    assert indicator_components(by_id["regulating.soil_conservation"]) == {}
    # no family placeholder survives
    assert not any(c.startswith("<") for i in by_id.values() for c in indicator_components(i))
    # the product groups resolve product names through the item catalog
    agri = next(i for i in indicators_for("ndrc-2022") if i.id == "material.agriculture")
    assert component_for(agri, "tea", "万吨").unit == "t"
    assert component_for(agri, "pigs", "头").unit == "head"
    climate = next(
        i for i in indicators_for("ndrc-2022") if i.id == "regulating.climate_regulation"
    )
    assert set(indicator_components(climate)) == {"transpiration", "water_evaporation"}
    wc = next(i for i in indicators_for("ndrc-2022") if i.id == "regulating.water_conservation")
    assert "forest.broadleaf" in indicator_components(wc)
    assert "farmland.dry" not in indicator_components(wc)


def test_components_come_from_the_declaration():
    from gep.indicators import Component

    class Declared:
        id = "regulating.climate_regulation"
        components = (
            Component("cooling", "降温", "Cooling", "kWh", ("water",)),
            Component("<use>", "各用水类型", "each use", "m ** 3", ("domestic",)),
            Component("cost", "成本", "cost", "CNY"),
        )

    comps = indicator_components(Declared())
    assert set(comps) == {"cooling", "domestic"} and comps["cooling"].unit == "kWh"
    assert comps["cooling"].ecosystems == ("water",) and comps["domestic"].zh == "生活用水"


def test_gep_validate_reports_quantities_problems(tmp_path):
    from typer.testing import CliRunner

    from gep.cli.main import app

    folder = _folder(tmp_path, f"100001,2020,regulating.water_conservation,,-1,m**3,{SRC}\n")
    coef = str(ROOT / "tests" / "data" / "coefficients" / "mini")
    result = CliRunner().invoke(app, ["validate", str(folder), "-c", coef, "--format", "json"])
    assert result.exit_code == 2
    assert "quantities.csv" in result.output and "negative value" in result.output
    (folder / "quantities.csv").write_text(
        HEADER + f"100001,2020,regulating.water_conservation,,1,m**3,{SRC}\n", encoding="utf-8"
    )
    ok = CliRunner().invoke(app, ["validate", str(folder), "-c", coef])
    assert ok.exit_code == 0, ok.output


def test_docs_component_table_matches_the_mapping():
    import re

    text = (ROOT / "docs" / "quantities.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        m = re.match(r"\| `(regulating\.[a-z_]+|material\.[a-z_]+|cultural\.[a-z_]+)`", line)
        if m:
            cells = line.split("|")
            rows[m.group(1)] = set(re.findall(r"`([a-z0-9_.]+)`", cells[3]))
    for ind in indicators_for("ndrc-2022"):
        comps = indicator_components(ind)
        if comps:
            assert rows.get(ind.id) == set(comps), ind.id
        elif not ind.id.startswith("material."):
            assert ind.id in rows, ind.id
