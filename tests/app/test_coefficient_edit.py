"""A price edited in the coefficient editor changes GEP by exactly quantity × Δprice, everywhere."""

from __future__ import annotations

import pytest

from gep.accounting import account
from gep.app import workspace as ws_mod
from gep.coefficients import load_set
from gep.inventory import load_dataset

from .helpers import MINI, MINI_SET, assert_ok, goto, new_app, seed_edit

PRICE = "regulating.water_conservation.reservoir_cost"


@pytest.fixture(scope="module")
def baseline():
    ds, cs = load_dataset(MINI), load_set(MINI_SET)
    return ds, cs, account(ds, cs)


def expected_change(baseline, year: int, new_value: float) -> float:
    """ΔGEP [CNY] = Σ over counties and over every indicator valued with this price of
    physical quantity [m³] × Δprice [CNY/m³, file price year] × price index (price year → year).

    mini: reservoir_cost = 5 CNY/m³ at 2020 prices, construction index 100 → 105 in 2021; it
    values water conservation and flood regulation.
    """
    ds, cs, acc = baseline
    coef = cs[PRICE]
    entry = coef.entry_for(year)
    users = [i for i in acc.indicators if PRICE in i.coefficients]
    assert {i.id for i in users} == {"regulating.water_conservation", "regulating.flood_regulation"}
    volume = sum(float(acc.physical(i.id).sel(year=year).sum()) for i in users)
    factor = cs.index_factor(coef.price_index, entry.price_year, year)
    return volume * (new_value - float(entry.value)) * factor


@pytest.mark.parametrize("year", [2020, 2021])
def test_price_edit_changes_total_by_formula(workspace, baseline, year):
    at = new_app("zh", year=year)
    goto(at, "coefficients")
    before = at.session_state["_city_gep"][year]
    assert before == pytest.approx(float(baseline[2].city_gep().sel(year=year)), rel=1e-12)
    seed_edit(at, PRICE, 6.0)
    assert_ok(at)
    after = at.session_state["_city_gep"][year]
    assert after - before == pytest.approx(expected_change(baseline, year, 6.0), rel=1e-9)
    # the headline metric shows the new total with its unit and the change against the file values
    metric = at.metric[0]
    assert metric.value == f"{after / 1e8:,.2f} 亿元"
    assert metric.delta.startswith("+")
    # the measured recompute time is shown (benchmarks, not tests, judge the speed)
    assert at.session_state["_recompute_ms"] > 0
    assert at.metric[2].value.endswith(" ms")
    # every page recomputes with the edit
    goto(at, "overview")
    assert_ok(at)
    assert at.metric[0].value == f"{after / 1e8:,.2f} 亿元"


def test_edit_is_highlighted_saved_and_reset(workspace, baseline):
    at = new_app("en")
    goto(at, "coefficients")
    seed_edit(at, PRICE, 7.5)
    edits = at.session_state["gep_edits"]
    assert list(edits.values()) == [7.5]
    # listed in the highlighted edits table: file value 5, edited 7.5
    diff = next(
        d.value
        for d in at.dataframe
        if "File value" in d.value.columns and "Edited" not in d.value.columns
    )
    assert list(diff["File value"]) == [5.0] and list(diff["Value"]) == [7.5]
    # a new session (page reload / server restart) brings the draft back from the workspace
    again = new_app("en")
    assert again.session_state["gep_edits"] == edits
    # reset restores the file values
    goto(again, "coefficients")
    again.button(key="cf_reset").click().run()
    assert_ok(again)
    assert again.session_state["gep_edits"] == {}
    year = max(again.session_state["_city_gep"])
    assert again.session_state["_city_gep"][year] == pytest.approx(
        float(baseline[2].city_gep().sel(year=year))
    )
    assert new_app("en").session_state["gep_edits"] == {}


def test_bad_edit_is_refused(workspace, baseline):
    at = new_app("en")
    goto(at, "coefficients")
    seed_edit(at, PRICE, -1.0)
    assert_ok(at)
    assert at.session_state["gep_edits"] == {}
    assert at.warning[0].value == "These edits are not valid and were ignored:"
    problems = next(d.value for d in at.dataframe if "Problem" in d.value.columns)
    assert problems["Problem"].str.contains("≥ 0").all()
    assert list(problems["File"]) == [PRICE]


def test_save_named_set_and_load_it(workspace, baseline):
    at = new_app("en")
    goto(at, "coefficients")
    seed_edit(at, PRICE, 6.0)
    at.text_input(key="cf_save_name").set_value("reservoir 6 yuan")
    at.button(key="FormSubmitter:cf_save_form-💾 Save set").click().run()
    assert_ok(at)
    saved = ws_mod.sets_root() / "reservoir_6_yuan"
    assert (saved / "set.yaml").exists()
    cs = load_set(saved)
    assert cs[PRICE].entry_for(2020).value == 6.0
    # the saved set is a real set: accounting with it matches the edited session
    acc = account(baseline[0], cs)
    assert float(acc.city_gep().sel(year=2021)) == pytest.approx(
        at.session_state["_city_gep"][2021], rel=1e-12
    )
    # and it is offered in the sidebar
    assert "reservoir_6_yuan (saved)" in at.sidebar.selectbox(key="sb_coef_choice").options
    assert at.success and "reservoir 6 yuan" in at.success[0].value
    # picking it makes it the base set: no edits pending, same totals
    at.sidebar.selectbox(key="sb_coef_choice").set_value(str(saved)).run()
    assert_ok(at)
    assert at.session_state["gep_edits"] == {}
    assert at.session_state["_city_gep"][2021] == pytest.approx(
        float(acc.city_gep().sel(year=2021)), rel=1e-12
    )
