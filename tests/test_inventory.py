"""Inventory loading: canonical units, xarray layout, and every validation error (file, row,
field)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from gep.cli import app
from gep.errors import InputError
from gep.inventory import load_dataset, validate_dataset

HEADER = "region,year,item,ecosystem,species,value,unit,source"


def test_layout_and_canonical_units(mini):
    d = mini.data
    assert d["area"].dims == ("region", "year", "ecosystem")
    assert d["area"].attrs["units"] == "hectare"
    # county B gave 45,000 mu of coniferous forest = 3,000 ha
    assert float(
        d["area"].sel(region="100002", year=2020, ecosystem="forest.coniferous")
    ) == pytest.approx(3000.0)
    # 100 万立方米 → 1,000,000 m³
    assert float(d["reservoir.capacity"].sel(region="100001", year=2020)) == pytest.approx(1e6)
    # an ecosystem county A does not have is a true zero, not NaN (extensive item)
    assert float(d["area"].sel(region="100001", year=2020, ecosystem="grassland")) == 0.0
    # an intensive item that was not reported stays NaN
    assert np.isnan(float(d["runoff"].sel(region="100001", year=2020, ecosystem="urban")))
    assert mini.counties == ["100001", "100002"] and mini.top_region == "100000"


def _append(folder, *lines):
    path = folder / "inventory.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "".join(line + "\n" for line in lines), encoding="utf-8")
    return len(text.splitlines())  # number of existing lines (header included)


def _replace_value(folder, item, region, year, new_value, eco=""):
    df = pd.read_csv(folder / "inventory.csv", dtype=str, keep_default_na=False)
    mask = (
        (df["item"] == item)
        & (df["region"] == region)
        & (df["year"] == str(year))
        & (df["ecosystem"] == eco)
    )
    assert mask.sum() == 1
    idx = int(np.flatnonzero(mask)[0])
    df.loc[mask, "value"] = new_value
    df.to_csv(folder / "inventory.csv", index=False)
    return idx + 2  # file line number


S = "illustrative: test"


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        (f"999999,2020,population,,,1,person,{S}", "region", "unknown region '999999'"),
        (f"100000,2020,population,,,1,person,{S}", "region", "aggregate of other regions"),
        (f"100001,2020,populationz,,,1,person,{S}", "item", "unknown item 'populationz'"),
        (
            f"100001,2020,area,forest.palm,,1,hectare,{S}",
            "ecosystem",
            "unknown ecosystem 'forest.palm'",
        ),
        (f"100001,2020,area,,,1,hectare,{S}", "ecosystem", "needs an ecosystem"),
        (f"100001,2020,emission.co2,,,1,t,{S}", "item", "unknown item 'emission.co2'"),
        (f"100001,2020,sand.fixation,,,-5,t,{S}", "value", "negative"),
        (f"100001,2020,sand.fixation,,,NaN,t,{S}", "value", "is not a number"),
        (f"100001,2020,sand.fixation,,,,t,{S}", "value", "is not a number"),
        (f"100001,2020,sand.fixation,,,5,kWh,{S}", "unit", "does not measure"),
        (f"100001,2020,sand.fixation,,,5,bogons,{S}", "unit", "cannot be parsed"),
        ("100001,2020,sand.fixation,,,5,t,", "source", "needs a source"),
        (f"100001,1999x,sand.fixation,,,5,t,{S}", "year", "is not a year"),
        (f"100001,2020,forest.area,,,5,hectare,{S}", "species", "needs a species"),
    ],
)
def test_row_errors_name_file_row_field(mini_copy, line, field, message):
    n = _append(mini_copy, line)
    with pytest.raises(InputError) as exc:
        load_dataset(mini_copy)
    hits = [p for p in exc.value.problems if message in p.message]
    assert hits, exc.value
    p = hits[0]
    assert p.file.endswith("inventory.csv")
    assert p.field == field
    if field not in ("year",) or "not a year" in message:
        assert p.row == n + 1


def test_duplicate_rows(mini_copy):
    n = _append(mini_copy, f"100001,2020,population,,,7,person,{S}")
    problems = validate_dataset(mini_copy)
    dup = [p for p in problems if "duplicate of row" in p.message]
    assert dup and dup[0].row == n + 1


def test_extent_over_land_area(mini_copy):
    # county A is 10,000 ha; +200 ha of forest makes 10,200 ha = 2 % over
    _replace_value(mini_copy, "area", "100001", 2020, "6200", eco="forest.broadleaf")
    problems = validate_dataset(mini_copy)
    assert any(
        "2.0 % more than its land area" in p.message and p.field == "value" for p in problems
    )


def test_extent_within_tolerance_passes(mini_copy):
    _replace_value(mini_copy, "area", "100001", 2020, "6050", eco="forest.broadleaf")  # +0.5 %
    assert validate_dataset(mini_copy) == []


def test_missing_years(mini_copy):
    df = pd.read_csv(mini_copy / "inventory.csv", dtype=str, keep_default_na=False)
    df = df[~((df["item"] == "visitors") & (df["region"] == "100002") & (df["year"] == "2021"))]
    df.to_csv(mini_copy / "inventory.csv", index=False)
    problems = validate_dataset(mini_copy)
    assert any(
        "item visitors of region 100002 is missing year(s) 2021" in p.message for p in problems
    )


def test_all_problems_collected(mini_copy):
    _append(
        mini_copy, f"999999,2020,population,,,1,person,{S}", f"100001,2020,sand.fixation,,,-1,t,{S}"
    )
    assert len(validate_dataset(mini_copy)) >= 2


def test_gb18030_csv_and_xlsx(mini_copy, mini):
    raw = (mini_copy / "inventory.csv").read_text(encoding="utf-8")
    (mini_copy / "inventory.csv").write_bytes(
        raw.replace("illustrative:", "示例:").encode("gb18030")
    )
    ds = load_dataset(mini_copy)
    assert ds.data["area"].equals(mini.data["area"])
    df = pd.read_csv(
        mini_copy / "inventory.csv", dtype=str, keep_default_na=False, encoding="gb18030"
    )
    (mini_copy / "inventory.csv").unlink()
    df.to_excel(mini_copy / "inventory.xlsx", sheet_name="inventory", index=False)
    ds2 = load_dataset(mini_copy)
    assert ds2.data.equals(mini.data)


def test_mu_and_hectare_give_same_dataset(mini_copy, mini):
    df = pd.read_csv(mini_copy / "inventory.csv", dtype=str, keep_default_na=False)
    m = (df["item"] == "area") & (df["unit"] == "hectare")
    df.loc[m, "value"] = (df.loc[m, "value"].astype(float) * 15).map(repr)
    df.loc[m, "unit"] = "亩"
    df.to_csv(mini_copy / "inventory.csv", index=False)
    assert load_dataset(mini_copy).data["area"].equals(mini.data["area"])


def test_cli_validate_exit_codes(mini_copy):
    runner = CliRunner()
    ok = runner.invoke(app, ["validate", str(mini_copy), "-c", "tests/data/coefficients/mini"])
    assert ok.exit_code == 0 and "valid" in ok.output
    _append(mini_copy, f"999999,2020,population,,,1,person,{S}")
    bad = runner.invoke(app, ["validate", str(mini_copy), "-c", "tests/data/coefficients/mini"])
    assert bad.exit_code == 2
    assert "inventory.csv, row" in bad.output and "field 'region'" in bad.output
    acc = runner.invoke(app, ["account", str(mini_copy), "-c", "tests/data/coefficients/mini"])
    assert acc.exit_code == 2 and "unknown region" in acc.output


def test_missing_columns(mini_copy):
    df = pd.read_csv(mini_copy / "inventory.csv", dtype=str, keep_default_na=False).drop(
        columns=["source"]
    )
    df.to_csv(mini_copy / "inventory.csv", index=False)
    with pytest.raises(InputError, match="missing column"):
        load_dataset(mini_copy)
