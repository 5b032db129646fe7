"""Scenarios: built in the page and saved in the workspace, or shipped with the dataset;
compared with the baseline in one vectorized gep.scenarios call."""

from __future__ import annotations

import shutil

import pytest

from gep.accounting import account
from gep.app import scen
from gep.coefficients import load_set
from gep.inventory import load_dataset

from .helpers import MINI, MINI_SET, assert_ok, goto, new_app

pytest.importorskip("gep.scenarios")
PRICE = "regulating.water_conservation.reservoir_cost"


def build(at, name: str, overrides: str, description: str = "", extra: str = ""):
    at.text_input(key="sc_name").set_value(name)
    at.text_input(key="sc_description").set_value(description)
    at.text_area(key="sc_overrides").set_value(overrides)
    at.text_area(key="sc_extra").set_value(extra)
    return at.button(key="sc_save").click().run()


def frame_with(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_saved_scenario_survives_a_new_session(workspace):
    from gep.scenarios import load_scenario

    at = new_app("en")
    goto(at, "scenarios")
    assert_ok(at)
    build(at, "Reservoir +10%", f"{PRICE}*=1.1", "dearer reservoirs")
    assert_ok(at)
    assert at.success and "Reservoir +10%" in at.success[0].value
    files = list((workspace / "scenarios").glob("*.yaml"))
    # a plain gep.scenarios file: `gep scenario` can run it too
    assert len(files) == 1 and load_scenario(files[0]).label("en") == "Reservoir +10%"

    again = new_app("zh")  # a page reload or a server restart
    goto(again, "scenarios")
    assert_ok(again)
    assert "Reservoir +10%" in list(frame_with(again, "情景")["情景"])
    # the waterfall table: only the two indicators valued with the reservoir cost change,
    # each by 10 % of its baseline value [亿元]
    year = max(again.session_state["_city_gep"])
    base = account(load_dataset(MINI), load_set(MINI_SET))
    table = frame_with(again, "指标")  # indicators by name: no code ids in the Chinese UI
    deltas = dict(zip(table["指标"], table[table.columns[-1]], strict=True))
    for ind in ("regulating.water_conservation", "regulating.flood_regulation"):
        expected = 0.1 * float(base.value.sel(indicator=ind, year=year).sum()) / 1e8
        assert deltas[base.indicator(ind).zh] == pytest.approx(expected, rel=1e-9)
    others = [
        v
        for k, v in deltas.items()
        if k
        and k != "合计"
        and k
        not in (
            base.indicator(i).zh
            for i in ("regulating.water_conservation", "regulating.flood_regulation")
        )
    ]
    assert all(abs(v) < 1e-12 for v in others)
    # the assumption that differs is listed with its baseline and scenario values
    assume = frame_with(again, f"基准 ({year})")
    described = base.coefficients[PRICE].description["zh"]
    assert list(assume["变化"]) == [f"{described} × 1.1"]  # in words, not the id
    assert assume.iloc[0, -2].startswith("5.25 ") and assume.iloc[0, -1].startswith(
        "5.775 "
    )  # 5 × 1.05 (2021)


def test_bad_scenario_is_not_saved(workspace):
    at = new_app("en")
    goto(at, "scenarios")
    build(at, "broken", "no.such.coefficient=3\nregulating.water_conservation.reservoir_cost=abc")
    assert_ok(at)
    assert at.error[0].value == "The scenario has problems and was not saved:"
    assert "'abc'" in frame_with(at, "Problem")["Problem"].iloc[0]
    build(at, "broken", "no.such.coefficient=3")
    assert (
        "unknown coefficient 'no.such.coefficient'" in frame_with(at, "Problem")["Problem"].iloc[0]
    )
    assert not (workspace / "scenarios").exists() or not list(
        (workspace / "scenarios").glob("*.yaml")
    )
    build(at, "", f"{PRICE}*=2")
    assert at.error and at.error[0].value == "Give the scenario a name."
    build(at, "yaml error", "", extra="land_conversions: [")
    assert any("YAML" in str(v) for v in frame_with(at, "Problem")["File"])


def test_land_conversion_by_county_edit_and_delete(workspace):
    raw = scen.build_raw(
        "cheap",
        "",
        f"{PRICE}*=0.5",
        "land_conversions:\n  - {from: farmland.dry, to: forest.broadleaf, area: 300 mu, "
        "region: '100001', from_year: 2021}",
    )
    scen.save(raw)
    at = new_app("en")
    goto(at, "scenarios")
    assert_ok(at)
    at.radio(key="sc_by").set_value("county").run()
    assert_ok(at)
    table = frame_with(at, "County")
    (delta,) = [c for c in table.columns if c not in ("Code", "County")]  # code goes last
    assert (table[delta].iloc[:-1] < 0).all()
    assume = frame_with(at, "Baseline (2021)")
    rows = assume[assume["What"] == "Ecosystem extent · Dry farmland"]
    assert (
        len(rows) == 1
        and "from Dry farmland to Broadleaf forest" in rows["Change"].iloc[0]
        and "County A" in rows["Change"].iloc[0]
    )
    before, after = (float(v.split()[0].replace(",", "")) for v in rows.iloc[0, -2:])
    assert before - after == pytest.approx(20.0)  # 300 亩 = 20 ha moved to forest
    # load it into the form, change it, save again under the same name
    at.selectbox(key="sc_edit_existing").set_value("workspace:cheap").run()
    assert at.text_area(key="sc_overrides").value == f"{PRICE}*=0.5"
    assert "land_conversions" in at.text_area(key="sc_extra").value
    at.text_area(key="sc_overrides").set_value(f"{PRICE}*=0.6")
    at.button(key="sc_save").click().run()
    assert_ok(at)
    (only,) = scen.workspace_scenarios()[0]
    assert only.raw["overrides"] == [f"{PRICE}*=0.6"]
    at.button(key="sc_delete").click().run()
    assert_ok(at)
    assert scen.workspace_scenarios()[0] == []


def test_dataset_scenarios_are_listed_and_a_bad_one_is_reported(workspace, tmp_path, monkeypatch):
    ds_dir = tmp_path / "mini_with_scenarios"
    shutil.copytree(MINI, ds_dir)
    (ds_dir / "scenarios").mkdir()
    (ds_dir / "scenarios" / "visitors.yaml").write_text(
        "name: {zh: 游客增加, en: More visitors}\ninventory_edits:\n  - {item: visitors, scale: "
        "2}\n",
        encoding="utf-8",
    )
    (ds_dir / "scenarios" / "wrong.yaml").write_text(
        "name: wrong\ninventory_edits:\n  - {item: visitors, region: '999999', scale: 2}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("GEP_DATASET", str(ds_dir))
    at = new_app("en")
    goto(at, "scenarios")
    assert_ok(at)
    assert {"More visitors", "wrong"} <= set(frame_with(at, "Scenario")["Scenario"])
    assert any("wrong" in e.value for e in at.error)  # does not apply: its problems are shown
    totals = frame_with(at, "Difference (10⁸ CNY)")
    assert list(totals["Scenario"]) == ["Baseline", "More visitors"]
    assert totals["Difference (10⁸ CNY)"].iloc[1] > 0
