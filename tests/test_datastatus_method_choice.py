"""Data status: method choices (ecosystem sets, Xie crosswalk) are told apart from illustrative
input data, and supplied quantities are judged by what was read (issue 10 audit).

The mini data relabelled as non-illustrative except a few coefficients or rows; expected
shares are sums of the account's own indicator values (no number is re-derived here).
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from gep.accounting import account
from gep.cli.main import app
from gep.coefficients import load_set
from gep.datastatus import (
    coefficient_status,
    illustrative_flags,
    is_method_choice,
    status_line,
    status_summary,
)
from gep.inventory import load_dataset
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data"
SETS = (
    "regulating/water_conservation/ecosystems.yaml",
    "regulating/soil_conservation/ecosystems.yaml",
    "regulating/climate_regulation/transpiration_ecosystems.yaml",
    "regulating/climate_regulation/evaporation_ecosystems.yaml",
)


def _relabelled(tmp_path, keep_illustrative: tuple[str, ...]):
    """Mini dataset with every row official and every coefficient ``literature`` except the
    files in ``keep_illustrative`` (paths relative to the set)."""
    ds_dir = tmp_path / "mini"
    shutil.copytree(DATA / "mini", ds_dir)
    inv = pd.read_csv(ds_dir / "inventory.csv", dtype=str, keep_default_na=False)
    inv["source"] = "county statistical yearbook (test relabel)"
    inv.to_csv(ds_dir / "inventory.csv", index=False)
    set_dir = tmp_path / "coefficients" / "mini"
    shutil.copytree(DATA / "coefficients" / "mini", set_dir)
    for f in set_dir.rglob("*.yaml"):
        if f.relative_to(set_dir).as_posix() not in keep_illustrative:
            text = f.read_text(encoding="utf-8")
            f.write_text(text.replace("status: illustrative", "status: literature"), "utf-8")
    return ds_dir, set_dir


def test_which_coefficients_are_method_choices():
    assert is_method_choice("regulating.water_conservation.ecosystems")
    assert is_method_choice("regulating.climate_regulation.transpiration_ecosystems")
    assert is_method_choice("xie2015.crosswalk.forest.bamboo")
    assert not is_method_choice("regulating.climate_regulation.transpiration_heat")
    assert not is_method_choice("regulating.carbon_sequestration.rate")
    assert not is_method_choice("xie2015.factor.food")


def test_sets_alone_are_reported_as_method_choices(tmp_path):
    ds_dir, set_dir = _relabelled(tmp_path, SETS)
    ds, cs = load_dataset(ds_dir), load_set(set_dir)
    acc = account(ds, cs)
    cstat = coefficient_status(cs, 2021)
    assert sorted(cstat["ids"]) == sorted(cstat["method_choice_ids"])
    assert len(cstat["ids"]) == 4
    v = acc.value.fillna(0).sel(year=2021)
    by_sets = sum(
        float(v.sel(indicator=i).sum())
        for i in (
            "regulating.water_conservation",
            "regulating.soil_conservation",
            "regulating.climate_regulation",
        )
    )
    got = status_summary(acc, ds, 2021)
    # still counted as illustrative (status unchanged), and all of it only by method choices
    assert got["share"] == pytest.approx(by_sets / float(v.sum()))
    assert got["method_choice_share"] == pytest.approx(got["share"])
    assert got["illustrative_method_choices"] == 4
    en, zh = status_line(got, "en"), status_line(got, "zh")
    assert "4 are method choices" in en and "not illustrative input data" in en
    assert "其中 4 个是方法选择" in zh
    pct = f"{100 * got['share']:.1f}%"
    assert f"{pct} of GEP is flagged only because of them" in en
    flags = illustrative_flags(acc, ds)
    assert (flags["illustrative"] == flags["method_choice"]).all()


def test_mixed_data_and_method_choice(tmp_path):
    price = "regulating/carbon_sequestration/price.yaml"
    ds_dir, set_dir = _relabelled(tmp_path, (*SETS, price))
    ds, cs = load_dataset(ds_dir), load_set(set_dir)
    acc = account(ds, cs)
    v = acc.value.fillna(0).sel(year=2020)
    total = float(v.sum())
    carbon = float(v.sel(indicator="regulating.carbon_sequestration").sum())
    by_sets = sum(
        float(v.sel(indicator=i).sum())
        for i in (
            "regulating.water_conservation",
            "regulating.soil_conservation",
            "regulating.climate_regulation",
        )
    )
    got = status_summary(acc, ds, 2020)
    assert got["share"] == pytest.approx((carbon + by_sets) / total)
    assert got["method_choice_share"] == pytest.approx(by_sets / total)


def test_a_set_with_a_literature_status_is_not_flagged(tmp_path):
    # e.g. a set that follows the Garzê paper exactly would carry status literature
    ds_dir, set_dir = _relabelled(tmp_path, SETS[:2])
    acc = account(load_dataset(ds_dir), load_set(set_dir))
    flags = illustrative_flags(acc).set_index(["region", "year", "indicator"])
    assert not flags.xs("regulating.climate_regulation", level="indicator")["illustrative"].any()
    assert flags.xs("regulating.water_conservation", level="indicator")["method_choice"].all()


def test_supplied_quantities_are_judged_by_what_was_read():
    """The Garzê case: every quantity and price from the paper. The formula inputs and
    quantity-side coefficients (sets, transpiration heat …) are never read, so nothing rests
    on illustrative inputs (before: 87.6 % of GEP was flagged because of them)."""
    r = CliRunner().invoke(app, ["account", str(DATA / "cases" / "garze_2010"), "--format", "json"])
    assert r.exit_code == 0, r.output
    st = json.loads(r.stdout)["data_status"]
    assert st["illustrative_value"] == 0.0 and st["share"] == 0.0
    assert st["gep"] > 5e11  # the paper's 2010 GEP (the case tests check it per item)


def test_illustrative_supplied_quantity_is_flagged(tmp_path):
    ds_dir, set_dir = _relabelled(tmp_path, ())
    ind = "regulating.water_conservation"
    (ds_dir / "quantities.csv").write_text(
        "region,year,indicator,component,value,unit,source\n"
        f"100001,2021,{ind},,2,亿立方米,illustrative: made-up outside-model figure\n"
        f"100002,2021,{ind},,3,亿立方米,水利局 2021 年水资源公报\n",
        encoding="utf-8",
    )
    ds, cs = load_dataset(ds_dir), load_set(set_dir)
    acc = account(ds, cs)
    flags = illustrative_flags(acc, ds).set_index(["region", "year", "indicator"])
    assert flags.loc[("100001", 2021, ind), "quantities"]
    assert flags.loc[("100001", 2021, ind), "illustrative"]
    assert not flags.loc[("100002", 2021, ind), "illustrative"]
    assert not flags["illustrative"].drop(index=[("100001", 2021, ind)]).any()
    got = status_summary(acc, ds, 2021)
    v = acc.value.fillna(0).sel(year=2021)
    assert got["by_region"]["100001"] == pytest.approx(
        float(v.sel(region="100001", indicator=ind)) / float(v.sel(region="100001").sum())
    )
    assert got["illustrative"] and got["illustrative_quantities"] == 1
    assert "1 supplied quantity row(s) (quantities) are illustrative" in status_line(got, "en")
    assert "外部功能量（quantities）中 1 行为示意数据" in status_line(got, "zh")


WC = "regulating.water_conservation"


def _flags_with_supplied_wc(ds_dir, set_dir) -> pd.DataFrame:
    """Flags after county 100001's 2021 water-conservation quantity is supplied from an
    official source."""
    (ds_dir / "quantities.csv").write_text(
        "region,year,indicator,component,value,unit,source\n"
        f"100001,2021,{WC},,2,亿立方米,水利局 2021 年水资源公报\n",
        encoding="utf-8",
    )
    ds, cs = load_dataset(ds_dir), load_set(set_dir)
    return illustrative_flags(account(ds, cs), ds).set_index(["region", "year", "indicator"])


def test_whole_supplied_cell_is_judged_by_its_row_and_price(tmp_path):
    """Official rows everywhere except the runoff item; county 100001's whole water-conservation
    quantity is supplied from an official source: that cell rests on no illustrative input
    (its formula never ran), county 100002's does (its runoff rows are illustrative)."""
    ds_dir, set_dir = _relabelled(tmp_path, ())
    inv = pd.read_csv(ds_dir / "inventory.csv", dtype=str, keep_default_na=False)
    inv.loc[inv["item"] == "runoff", "source"] = "illustrative: synthetic runoff (test)"
    inv.to_csv(ds_dir / "inventory.csv", index=False)
    flags = _flags_with_supplied_wc(ds_dir, set_dir)
    assert not flags.loc[("100001", 2021, WC), "illustrative"]
    assert flags.loc[("100002", 2021, WC), "inventory"]
    assert flags.loc[("100001", 2020, WC), "inventory"]  # a year without a supplied row


def test_whole_supplied_cell_keeps_an_illustrative_price(tmp_path):
    ds_dir, set_dir = _relabelled(tmp_path, ("regulating/water_conservation/reservoir_cost.yaml",))
    cell = _flags_with_supplied_wc(ds_dir, set_dir).loc[("100001", 2021, WC)]
    assert cell["coefficients"] and not cell["inventory"] and not cell["method_choice"]
