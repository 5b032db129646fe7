"""Profiles as data (gep.profiles): bundled files, strict loader, bridge to today's engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import xarray as xr

from gep.accounting import DEFAULT_OPTIONS, account
from gep.coefficients import load_set
from gep.errors import InputError
from gep.indicators import indicators_for
from gep.profiles import (
    METHODS,
    available_profiles,
    default_dir,
    engine_plan,
    load_profile,
    load_profiles,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def national():
    return load_set("national")


@pytest.fixture(scope="module")
def profiles(national):
    return load_profiles(coefficients=national)


def test_bundled_profiles(profiles):
    assert set(available_profiles()) >= {"ndrc-2022", "gbt-46869-2025", "ankang", "xie-2015"}
    assert set(profiles) == set(available_profiles())


@pytest.mark.parametrize("name", ["ndrc-2022", "xie-2015"])
def test_existing_profiles_match_the_engine_exactly(profiles, name):
    p = profiles[name]
    engine = {i.id: i for i in indicators_for(name)}
    assert sorted(p.ids) == sorted(engine)
    assert {i.id: i.default for i in p.indicators} == {k: v.default for k, v in engine.items()}
    assert {i.id: i.category for i in p.indicators} == {k: v.category for k, v in engine.items()}
    plan = engine_plan(p)
    assert plan.runnable and plan.reasons == ()
    assert plan.engine == name and plan.include == () and plan.exclude == ()
    # every option the profile sets is the engine's default → behaviour-preserving
    assert all(DEFAULT_OPTIONS[k] == v for k, v in plan.options.items())


def test_ndrc_plan_reproduces_the_default_account(profiles, mini, mini_coef):
    plan = engine_plan(profiles["ndrc-2022"])
    a = account(mini, mini_coef, **plan.account_kwargs())
    b = account(mini, mini_coef)
    xr.testing.assert_identical(a.value, b.value)


def test_ankang_catalogue(profiles):
    p = profiles["ankang"]
    # 18 core indicators on; the optional existence value (issue 10) listed but off
    core = [i for i in p.indicators if i.default]
    assert len(core) == 18
    assert [i.id for i in p.indicators if not i.default] == ["cultural.existence_value"]
    assert {i.category for i in core} == {"material", "regulating", "cultural"}
    names = {i.id: i.name_zh for i in p.indicators}
    assert names["regulating.climate_regulation"] == "局部气候调节"
    assert names["cultural.recreation"] == "旅游康养"
    assert names["regulating.water_conservation"] == "水源涵养"
    assert p.category_label("material") == "物质供给"
    # the names Ankang has published carry 'local'; the assumed rest 'U'
    assert p.indicator("cultural.recreation").clause_status == "local"
    assert p.indicator("regulating.pest_control").clause_status == "U"
    plan = engine_plan(p)
    assert plan.runnable  # the account applies its out-of-region ledger itself
    assert set(plan.include) == {"regulating.oxygen_release", "regulating.pest_control"}


def test_gbt_profile_clauses_and_deductions(profiles):
    p = profiles["gbt-46869-2025"]
    carbon = p.indicator("regulating.carbon_sequestration")
    assert carbon.clause.startswith("GB/T 46869—2025 A.7") and carbon.clause_status == "P"
    assert carbon.name_zh == "固定二氧化碳"
    assert p.indicator("regulating.flood_regulation").clause.endswith("A.6 洪水调蓄")
    assert "A.11" in p.indicator("regulating.climate_regulation").clause
    assert "regulating.oxygen_release" not in p.ids
    ws = p.rule("material.water_supply")
    assert ws.required and ws.share.numerator == ("inflow",)
    assert ws.share.denominator == ("inflow", "local_runoff")
    flood = p.rule("regulating.flood_regulation")
    assert flood.share.coefficient == "out_of_region.regulating.flood_regulation.share"
    plan = engine_plan(p)
    assert plan.runnable
    assert plan.exclude == ()


def test_every_method_variant_names_a_real_function():
    import importlib

    for iid, variants in METHODS.items():
        for vid, v in variants.items():
            if v.function:
                mod, _, fn = v.function.rpartition(".")
                assert callable(getattr(importlib.import_module(mod), fn)), (iid, vid)
            if v.engine is None:
                assert v.function, f"{iid}.{vid} is neither wired nor a pure function"


def test_profile_schema_accepts_bundled_files():
    jsonschema = pytest.importorskip("jsonschema")
    from gep.yamlio import load_yaml

    schema = json.loads((ROOT / "docs" / "schemas" / "profile.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    for f in sorted(default_dir().glob("*.yaml")):
        jsonschema.validate(load_yaml(f), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"id": "x", "indicators": {}, "bogus": 1}, schema)


BAD = """\
id: wrong-name
name: {zh: 坏口径}
engine: ndrc-2022
colour: blue
indicators:
  material.agriculture:
    method: market_value
    clause: local
    clause_status: local
  regulating.unicorns:
    method: magic
    clause: x
    clause_status: U
  regulating.climate_regulation:
    method: by_guessing
    clause: x
    clause_status: Q
  material.water_supply:
    method: market_value
    clause: x
    clause_status: U
    default: maybe
  material.hydropower:
    method: market_value
    clause: x
    clause_status: U
  regulating.flood_regulation:
    method: storage_capacity
    clause: x
    clause_status: U
out_of_region:
  material.water_supply:
    share:
      items: {numerator: [inflow], denominator: [inflow, upstream_rain]}
  material.hydropower:
    share:
      coefficient: out_of_region.material.hydropower.share
  regulating.flood_regulation:
    share:
      coefficient: regulating.flood_regulation.reservoir_flood_share
    extra: 1
"""


def test_bad_profile_lists_every_problem_with_file_key_and_line(tmp_path, national):
    f = tmp_path / "bad.yaml"
    f.write_text(BAD, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_profile(f, coefficients=national)
    probs = exc.value.problems
    text = str(exc.value)
    assert all(p.file == str(f) for p in probs)
    by_field = {p.field: p for p in probs}
    assert by_field["id"].row == 1 and "file name" in by_field["id"].message
    assert by_field["colour"].row == 4 and "unknown key" in by_field["colour"].message
    assert by_field["indicators.regulating.unicorns"].row == 10
    assert "unknown indicator" in by_field["indicators.regulating.unicorns"].message
    assert "unknown method 'by_guessing'" in text
    assert by_field["indicators.material.water_supply.default"].row == 22
    assert (
        "upstream_rain"
        in by_field["out_of_region.material.water_supply.share.items.denominator.1"].message
    )
    assert "unknown coefficient 'out_of_region.material.hydropower.share'" in text
    # reservoir_flood_share is 0.35 (a share) — allowed range, but not a valid basis? it is
    # dimensionless and within [0, 1], so only the stray key is wrong there
    assert by_field["out_of_region.regulating.flood_regulation.extra"].row == 41


def test_share_coefficient_outside_unit_interval(tmp_path, national):
    bad = national.with_overrides(["out_of_region.regulating.flood_regulation.share=1.4"])
    text = (default_dir() / "gbt-46869-2025.yaml").read_text("utf-8")
    f = tmp_path / "gbt-46869-2025.yaml"
    f.write_text(text, encoding="utf-8")
    # the loader checks the file values; the ledger checks overridden arrays (test_ledger)
    assert load_profile(f, coefficients=bad).rule("regulating.flood_regulation") is not None
    money = text.replace(
        "coefficient: out_of_region.regulating.flood_regulation.share",
        "coefficient: regulating.water_conservation.reservoir_cost",
    )
    f.write_text(money, encoding="utf-8")
    with pytest.raises(InputError, match="must be dimensionless"):
        load_profile(f, coefficients=national)


def test_conflicting_engine_options_are_an_error(tmp_path):
    text = (default_dir() / "ndrc-2022.yaml").read_text("utf-8")
    text = text.replace(
        "  regulating.air_purification:\n    method: emission",
        "  regulating.air_purification:\n    method: capacity",
    )
    f = tmp_path / "ndrc-2022.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="purification_rule"):
        load_profile(f)


def test_method_of_other_family_and_unwired_method(tmp_path):
    text = (default_dir() / "ndrc-2022.yaml").read_text("utf-8")
    f = tmp_path / "ndrc-2022.yaml"
    f.write_text(
        text.replace(
            "  material.water_supply:\n    method: market_value",
            "  material.water_supply:\n    method: equivalent_factor",
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="belongs to the xie-2015 family"):
        load_profile(f)
    f.write_text(
        text.replace(
            "  regulating.carbon_sequestration:\n    method: rate_forest_inventory",
            "  regulating.carbon_sequestration:\n    method: nep",
        ),
        encoding="utf-8",
    )
    plan = engine_plan(load_profile(f))
    assert plan.runnable  # the NEP variant has its engine hook (gep.indicators.variants)


def test_user_profile_without_python(tmp_path, mini, mini_coef):
    """A user writes a profile (a subset, spending method for recreation) and runs it."""
    f = tmp_path / "my-county.yaml"
    f.write_text(
        """\
id: my-county
name: {zh: 本县口径, en: My county}
engine: ndrc-2022
indicators:
  material.agriculture: {method: market_value, clause: local, clause_status: local}
  regulating.water_conservation: {method: water_balance, clause: local, clause_status: local}
  cultural.recreation: {method: spending, clause: local, clause_status: local}
""",
        encoding="utf-8",
    )
    p = load_profile(f)
    plan = engine_plan(p)
    assert plan.runnable
    assert plan.options["recreation_method"] == "spending"
    acc = account(mini, mini_coef, **plan.account_kwargs())
    assert set(acc.indicator_ids) == {
        "material.agriculture",
        "regulating.water_conservation",
        "cultural.recreation",
    }


def test_unknown_profile_name():
    with pytest.raises(InputError, match="known: .*ankang"):
        load_profile("no-such-profile")


MALFORMED = [
    None,
    [],
    {"id": 5},
    {"id": "x", "name": "t", "engine": ["ndrc-2022"], "indicators": [1]},
    {
        "id": "x",
        "name": {"zh": "a"},
        "engine": "ndrc-2022",
        "categories": ["a"],
        "indicators": {
            "material.agriculture": {
                "method": ["market_value"],
                "clause": 5,
                "clause_status": ["U"],
                "options": [1],
                "name": "x",
            }
        },
        "out_of_region": {"material.agriculture": {"share": {"items": {"numerator": [1]}}}},
    },
    {
        "id": "x",
        "name": {"zh": "a"},
        "engine": "ndrc-2022",
        "indicators": {"material.agriculture": None},
        "out_of_region": {"material.agriculture": "all", "material.fishery": {}},
    },
]


@pytest.mark.parametrize("raw", MALFORMED)
def test_malformed_profiles_never_crash(raw):
    from gep.profiles import parse_profile

    with pytest.raises(InputError):
        parse_profile(raw, "f.yaml")
