"""Supplied quantities in the account (issue 10 item 1, engine half): replacement rules.

Each test runs the mini dataset with and without a ``quantities`` frame and checks, by hand
arithmetic on the two accounts, that exactly the supplied region-year-indicator[/component]
changed, that it is valued with the same price, and that the route and source are recorded.
"""

from __future__ import annotations

import math
import shutil

import pandas as pd
import pytest

from gep.accounting import account
from gep.coefficients import load_set
from gep.inventory import load_dataset
from gep.quantities import load_quantities
from tests.conftest import ROOT

MINI = ROOT / "tests" / "data" / "mini"
COEF = ROOT / "tests" / "data" / "coefficients" / "mini"
HEADER = "region,year,indicator,component,value,unit,source\n"
SRC = "test run of an outside model"


@pytest.fixture(scope="module")
def base():
    ds = load_dataset(MINI)
    coef = load_set(COEF)
    return ds, coef, account(ds, coef, include=["regulating.pest_control"])


def _supplied(tmp_path, rows: str):
    folder = tmp_path / "ds"
    shutil.copytree(MINI, folder)
    (folder / "quantities.csv").write_text(HEADER + rows, encoding="utf-8")
    ds = load_dataset(folder)
    return ds, load_quantities(folder, ds)


def _v(acc, ind, region="100001", year=2020):
    return float(acc.value.sel(region=region, year=year, indicator=ind))


def _p(acc, ind, region="100001", year=2020):
    return float(acc.physical(ind).sel(region=region, year=year))


def test_whole_quantity_replaces_one_cell_at_the_same_price(tmp_path, base):
    ds0, coef, acc0 = base
    ind = "regulating.water_conservation"
    ds, q = _supplied(tmp_path, f"100001,2020,{ind},,2,亿立方米,{SRC}\n")
    acc = account(ds, coef, include=["regulating.pest_control"], quantities=q)
    assert _p(acc, ind) == pytest.approx(2e8)
    # same price: value / quantity unchanged
    assert _v(acc, ind) / _p(acc, ind) == pytest.approx(_v(acc0, ind) / _p(acc0, ind))
    # every other cell is the formula's
    for region, year in [("100002", 2020), ("100001", 2021), ("100002", 2021)]:
        assert _v(acc, ind, region, year) == pytest.approx(_v(acc0, ind, region, year))
    assert acc.route_at(ind, "100001", 2020) == "supplied"
    assert acc.route_at(ind, "100002", 2020) == "formula"
    # the computed per-ecosystem parts are dropped where the whole was supplied
    comp = acc.components[ind]["physical"].sel(region="100001", year=2020)
    assert comp.isnull().all()


def test_one_component_replaces_that_component_only(tmp_path, base):
    ds0, coef, acc0 = base
    ind = "regulating.air_purification"
    ds, q = _supplied(tmp_path, f"100001,2020,{ind},so2,1000,t,{SRC}\n")
    acc = account(ds, coef, include=["regulating.pest_control"], quantities=q)
    so2_0 = float(ds0.data["emission.so2"].sel(region="100001", year=2020))
    cost = float(
        coef.array("regulating.air_purification.cost.so2", [2020], unit="CNY / t").sel(year=2020)
    )
    # total quantity and value move by exactly the so2 difference
    assert _p(acc, ind) - _p(acc0, ind) == pytest.approx(1000 - so2_0)
    assert _v(acc, ind) - _v(acc0, ind) == pytest.approx((1000 - so2_0) * cost)
    parts = acc.components[ind]["value"].sel(region="100001", year=2020)
    assert float(parts.sel(component="so2")) == pytest.approx(1000 * cost)


def test_level1_class_stands_for_its_codes(tmp_path, base):
    ds0, coef, acc0 = base
    ind = "regulating.pest_control"
    # 100002 has forest.coniferous and grassland; supply forest as a whole class
    ds, q = _supplied(tmp_path, f"100002,2020,{ind},forest,500,hectare,{SRC}\n")
    acc = account(ds, coef, include=[ind], quantities=q)
    grass = float(ds0.data["area"].sel(region="100002", year=2020, ecosystem="grassland"))
    assert _p(acc, ind, "100002") == pytest.approx(500 + grass)
    cost = coef.array("regulating.pest_control.cost", [2020], keys=["forest", "grassland"])
    c_forest, c_grass = (float(x) for x in cost.sel(year=2020).values)
    assert _v(acc, ind, "100002") == pytest.approx(500 * c_forest + grass * c_grass)


def test_supplied_quantity_makes_a_region_assessed(tmp_path, base):
    ds0, coef, acc0 = base
    # drop hydropower from the inventory of 100001 in 2020: not assessed there
    folder = tmp_path / "ds"
    shutil.copytree(MINI, folder)
    inv = pd.read_csv(folder / "inventory.csv", dtype=str, keep_default_na=False)
    drop = (inv["item"] == "hydropower.generation") & (inv["region"] == "100001")
    if not drop.any():
        pytest.skip("mini has no hydropower rows")
    inv[~drop].to_csv(folder / "inventory.csv", index=False)
    ds = load_dataset(folder)
    acc1 = account(ds, coef, quantities=pd.DataFrame())
    ind = "material.hydropower"
    assert math.isnan(_v(acc1, ind))
    assert any(n["indicator"] == ind and n["region"] == "100001" for n in acc1.not_assessed)
    (folder / "quantities.csv").write_text(
        HEADER + f"100001,2020,{ind},,3,亿千瓦时,{SRC}\n", encoding="utf-8"
    )
    ds = load_dataset(folder)
    acc2 = account(ds, coef)
    assert _p(acc2, ind) == pytest.approx(3e8)
    assert not math.isnan(_v(acc2, ind))
    flagged = [n for n in acc2.not_assessed if n["indicator"] == ind and n["region"] == "100001"]
    assert flagged and flagged[0]["years"] == [2021]  # 2020 is assessed now, 2021 not


def test_negative_is_refused_except_where_declared(tmp_path, base):
    from gep.errors import InputError

    folder = tmp_path / "neg"
    shutil.copytree(MINI, folder)
    ds = load_dataset(folder)
    (folder / "quantities.csv").write_text(
        HEADER
        + f"100001,2020,regulating.carbon_sequestration,,-1200,tCO2e,{SRC}\n"
        + f"100001,2020,regulating.water_conservation,,-1,m**3,{SRC}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_quantities(folder, ds)
    assert [(p.row, p.field) for p in err.value.problems] == [(3, "value")]
    (folder / "quantities.csv").write_text(
        HEADER + f"100001,2020,regulating.carbon_sequestration,,-1200,tCO2e,{SRC}\n",
        encoding="utf-8",
    )
    q = load_quantities(folder, ds)
    _ds0, coef, acc0 = base
    acc = account(ds, coef, quantities=q)
    ind = "regulating.carbon_sequestration"
    price = _v(acc0, ind) / _p(acc0, ind)
    assert _p(acc, ind) == -1200 and _v(acc, ind) == pytest.approx(-1200 * price)
