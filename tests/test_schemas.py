"""Declared schemas for YAML inputs (issue 9 item 5): generated JSON Schema, lines, product
tables."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest

from gep import schemas
from gep.coefficients import load_set
from gep.errors import InputError
from gep.yamlio import load_yaml

from .test_coefficients import CPI, GOOD, make_set

ROOT = Path(__file__).resolve().parent.parent
COEFFICIENT_FILES = sorted(
    p
    for p in (ROOT / "coefficients").rglob("*.yaml")
    if p.name not in ("set.yaml", "index.yaml") and "profiles" not in p.relative_to(ROOT).parts
)


def _json_ready(raw):
    # what an editor sees: YAML dates as text (keys and values)
    if isinstance(raw, dict):
        return {
            _json_ready(k) if isinstance(k, dt.date) else k: _json_ready(v) for k, v in raw.items()
        }
    if isinstance(raw, list):
        return [_json_ready(v) for v in raw]
    return raw.isoformat() if isinstance(raw, dt.date) else raw


@pytest.mark.parametrize("kind", schemas.KINDS)
def test_committed_schema_is_generated(kind):
    committed = (ROOT / "docs" / "schemas" / f"{kind}.schema.json").read_text("utf-8")
    assert committed == schemas.schema_text(kind), "run: python -m gep.schemas --write"
    jsonschema.Draft202012Validator.check_schema(json.loads(committed))


def test_every_bundled_coefficient_file_conforms():
    assert len(COEFFICIENT_FILES) > 50
    validator = jsonschema.Draft202012Validator(schemas.json_schema("coefficient"))
    for path in COEFFICIENT_FILES:
        raw = load_yaml(path)
        assert schemas.validate("coefficient", raw, str(path)) == [], path
        errors = [e.message for e in validator.iter_errors(_json_ready(raw))]
        assert errors == [], (path, errors)


def test_json_schema_rejects_what_the_loader_rejects():
    validator = jsonschema.Draft202012Validator(schemas.json_schema("coefficient"))
    raw = {"unit": "1", "values": {"2020-01-01": {"value": 1, "status": "guess", "source": "x"}}}
    assert not validator.is_valid(raw)
    raw["values"]["2020-01-01"]["status"] = "literature"
    assert validator.is_valid(raw)
    raw["colour"] = "red"
    assert not validator.is_valid(raw)


def _problems(tmp_path, text):
    folder = make_set(tmp_path, {"a.price": text, "price_index.cpi": CPI})
    with pytest.raises(InputError) as exc:
        load_set(folder)
    return exc.value.problems


def test_schema_problems_name_file_key_and_line(tmp_path):
    text = GOOD.replace(
        "    status: local-official\n", "    status: local-official\n    colour: red\n"
    )
    text = text.replace("value: 10\n", "value: '10'\n")  # text is not a number (no coercion)
    problems = {p.field: p for p in _problems(tmp_path, text)}
    assert set(problems) == {"values.2022-01-01.colour", "values.2020-01-01.value"}
    colour = problems["values.2022-01-01.colour"]
    assert colour.row == 14 and colour.file.endswith("price.yaml")
    assert "unknown key 'colour'" in colour.message and "price_year" in colour.message
    value = problems["values.2020-01-01.value"]
    assert value.row == 6 and "must be a number, not '10'" in value.message


def test_missing_source_points_at_the_dated_entry(tmp_path):
    text = GOOD.replace("    source: {title: A notice, year: 2022}\n", "")
    (p,) = _problems(tmp_path, text)
    assert (p.field, p.row) == ("values.2022-01-01.source", 10)
    assert "needs a source" in p.message


@pytest.mark.parametrize(
    ("bad", "field"),
    [("nan", "values.2020-01-01.value"), ("true", "values.2020-01-01.value")],
)
def test_no_nan_or_bool_values(tmp_path, bad, field):
    text = GOOD.replace("value: 10\n", f"value: .{bad}\n" if bad == "nan" else f"value: {bad}\n")
    assert [p.field for p in _problems(tmp_path, text)] == [field]


PRODUCT = """\
description: {zh: 产品价格, en: product price}
unit: CNY / kg
by: product
price_index: price_index.cpi
values:
  2020-01-01:
    value: {agriculture.rice: 3.0, agriculture: 2.0, forestry.chestnut: 12.0}
    price_year: 2020
    status: illustrative
    source: {title: made up for a test}
    note: test values
"""


def test_table_keyed_by_product(tmp_path):
    cs = load_set(make_set(tmp_path, {"a.price": PRODUCT, "price_index.cpi": CPI}))
    arr = cs.array("a.price", [2020], keys=["agriculture.rice", "agriculture.wheat"])
    assert arr.values.ravel().tolist() == pytest.approx([3.0, 2.0])  # wheat: the group's entry


def test_product_keys_checked_against_the_item_catalog(tmp_path):
    text = PRODUCT.replace("agriculture.rice:", "mining.coal:")
    (p,) = _problems(tmp_path, text)
    assert p.field == "values.2020-01-01.value.mining.coal"
    assert "unknown product 'mining.coal'" in p.message and p.row == 7


def test_check_mode_reports_stale_files(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(schemas, "SCHEMA_DIR", tmp_path)
    assert schemas.main(["--check"]) == 1
    assert schemas.main(["--write"]) == 0
    assert schemas.main(["--check"]) == 0
    (tmp_path / "coefficient.schema.json").write_text("{}", encoding="utf-8")
    assert schemas.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().err


def test_yaml_dates_become_schema_keys():
    raw = {
        "unit": "1",
        "values": {
            dt.date(2020, 1, 1): {"value": 1, "status": "official", "source": {"title": "NBS"}}
        },
    }
    assert schemas.validate("coefficient", raw, "f") == []


DATASET_FILES = sorted(
    [*(ROOT / "datasets").glob("*/dataset.yaml"), *(ROOT / "tests" / "data").glob("*/dataset.yaml")]
)


def test_every_bundled_dataset_yaml_conforms():
    assert len(DATASET_FILES) >= 2
    validator = jsonschema.Draft202012Validator(schemas.json_schema("dataset"))
    for path in DATASET_FILES:
        raw = load_yaml(path)
        assert schemas.validate("dataset", raw, str(path)) == [], path
        assert list(validator.iter_errors(_json_ready(raw))) == [], path


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        (
            "years: [2020, '2021']",
            "years.1",
            "'years[1]' must be a whole number (e.g. a year), not '2021'",
        ),
        ("colour: red", "colour", "unknown key 'colour' (allowed: base_year, coefficients"),
        ("name: [a]", "name", "'name' must be text"),
    ],
)
def test_dataset_yaml_problems_name_key_and_line(tmp_path, line, field, message):
    import shutil

    from gep.inventory import load_dataset

    folder = tmp_path / "mini"
    shutil.copytree(ROOT / "tests" / "data" / "mini", folder)
    meta = folder / "dataset.yaml"
    text = meta.read_text(encoding="utf-8")
    key = line.split(":")[0]
    kept = [t for t in text.splitlines() if not t.startswith(key + ":")]
    kept.insert(2, line)
    meta.write_text("\n".join(kept) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_dataset(folder)
    (p,) = exc.value.problems
    assert (p.field, p.row) == (field, 3) and message in p.message, p
    assert p.file == str(meta)


# ---- scenario files -----------------------------------------------------------------------

SCENARIO_FILES = sorted((ROOT / "datasets").glob("*/scenarios/*.yaml"))


def test_every_shipped_scenario_conforms():
    assert len(SCENARIO_FILES) >= 4
    validator = jsonschema.Draft202012Validator(schemas.json_schema("scenario"))
    for path in SCENARIO_FILES:
        raw = load_yaml(path)
        assert schemas.validate("scenario", raw, str(path)) == [], path
        errors = [e.message for e in validator.iter_errors(_json_ready(raw))]
        assert errors == [], (path, errors)


def _json_keys(raw):
    # JSON has text keys only: a YAML path {2022: 70} is {"2022": 70} in an editor
    if isinstance(raw, dict):
        return {str(k): _json_keys(v) for k, v in raw.items()}
    if isinstance(raw, list):
        return [_json_keys(v) for v in raw]
    return raw


GOOD_SCENARIO = {
    "name": {"zh": "示例", "en": "Example"},
    "overrides": [
        "regulating.carbon_sequestration.price*=2",
        {"id": "material.hydropower.price", "set": 0.35, "unit": "CNY/kWh", "price_year": 2020},
    ],
    "inventory_edits": [{"item": "visitors", "region": "610902", "from_year": 2023, "scale": 1.1}],
    "land_conversions": [
        {"from": "farmland.dry", "to": "forest.broadleaf", "area": "500 mu", "region": 610923}
    ],
    "carbon_price": {"interpolate": "linear", "path": {2022: 60, 2024: 90}},
    "paths": [{"id": "material.hydropower.price", "path": {2023: 0.3}}],
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"colour": "red"}, "colour"),  # unknown key
        ({"name": None}, "name"),  # required, text or {zh, en}
        ({"name": {}}, "name"),  # at least one of zh, en
        ({"overrides": [{"id": "a.b", "scale": 2, "add": 3}]}, "overrides[0]"),  # one op
        ({"overrides": [{"id": "a.b"}]}, "overrides[0]"),  # no op
        ({"inventory_edits": [{"item": "area", "scale": -1}]}, "inventory_edits[0].scale"),
        ({"inventory_edits": [{"item": "area", "scale": 1, "region": "61"}]}, None),
        # full-width digits look like a code but are not one (str.isdigit accepts them)
        ({"inventory_edits": [{"item": "area", "scale": 1, "region": "６１０９０２"}]}, None),
        ({"inventory_edits": [{"item": "area", "scale": 1, "region": "6109021"}]}, None),
        ({"land_conversions": [{"from": "farmland.dry", "area": 5}]}, "land_conversions[0].to"),
        ({"carbon_price": {"path": {}}}, "carbon_price.path"),
        ({"carbon_price": {"path": {"twenty": 5}}}, "carbon_price.path.twenty"),
        ({"carbon_price": {"path": {2022: -5}}}, "carbon_price.path.2022"),
        ({"carbon_price": {"path": {2022: 5}, "interpolate": "cubic"}}, None),
        ({"paths": [{"path": {2022: 5}}]}, "paths[0].id"),
    ],
)
def test_scenario_json_schema_and_loader_reject_the_same(change, field):
    """The published JSON Schema and the loader agree on what is wrong with a scenario."""
    import copy

    validator = jsonschema.Draft202012Validator(schemas.json_schema("scenario"))
    assert validator.is_valid(_json_keys(GOOD_SCENARIO))
    assert schemas.validate("scenario", GOOD_SCENARIO, "s.yaml") == []
    raw = {**copy.deepcopy(GOOD_SCENARIO), **change}
    if change.get("name", 1) is None:
        del raw["name"]
    assert not validator.is_valid(_json_keys(raw)), change
    problems = schemas.validate("scenario", raw, "s.yaml")
    assert problems and all(p.file == "s.yaml" and p.field for p in problems), problems
    if field is not None:
        assert field in [p.field for p in problems], problems


@pytest.mark.parametrize("region", ["610902", 610902, "610902001", 610902001])
def test_scenario_regions_may_be_county_or_township_codes(region):
    """A scenario can target a 乡镇 (9-digit code), as regions.csv allows."""
    raw = {**GOOD_SCENARIO, "inventory_edits": [{"item": "visitors", "region": region, "scale": 2}]}
    validator = jsonschema.Draft202012Validator(schemas.json_schema("scenario"))
    assert validator.is_valid(_json_keys(raw))
    assert schemas.validate("scenario", raw, "s.yaml") == []


def test_scenario_problems_name_file_key_and_line(tmp_path):
    from gep.scenarios import load_scenario

    p = tmp_path / "bad.yaml"
    p.write_text(
        "name: x\n"  # 1
        "overrides:\n"  # 2
        "  - regulating.carbon_sequestration.price*=2\n"  # 3
        "  - id: a.b\n"  # 4
        "    scale: 2\n"  # 5
        "    add: 3\n"  # 6
        "  - {id: a.b, set: 5, colour: red}\n"  # 7
        "carbon_price:\n"  # 8
        "  path:\n"  # 9
        "    2022: 70\n"  # 10
        "    twenty: 80\n"  # 11
        "land_conversions:\n"  # 12
        "  - {to: garden, area: '1,5 mu'}\n",  # 13
        encoding="utf-8",
    )
    with pytest.raises(InputError) as exc:
        load_scenario(p)
    got = {q.field: (q.row, q.message) for q in exc.value.problems}
    assert all(q.file == str(p) for q in exc.value.problems)
    assert got["overrides[1]"] == (4, "give exactly one of set, scale, add (found scale, add)")
    assert got["overrides[2].colour"][0] == 7
    assert got["overrides[2].colour"][1].startswith("unknown key 'colour' (allowed: add, from_year")
    assert got["carbon_price.path.twenty"] == (11, "'twenty' is not a year")
    assert got["land_conversions[0].from"][0] == 13
    assert "missing 'from'" in got["land_conversions[0].from"][1]
    assert got["land_conversions[0].area"][0] == 13
    assert "decimal point" in got["land_conversions[0].area"][1]  # gep.unitparse, not pint
    assert len(got) == 5


def test_scenario_schema_problems_exit_2_in_the_cli(tmp_path):
    from typer.testing import CliRunner

    from gep.cli import app

    p = tmp_path / "bad.yaml"
    p.write_text("name: x\ninventory_edits:\n  - {item: visitors, scale: -2}\n", "utf-8")
    r = CliRunner().invoke(
        app,
        [
            "scenario",
            "compare",
            "tests/data/mini",
            "-c",
            "tests/data/coefficients/mini",
            "-s",
            str(p),
        ],
    )
    assert r.exit_code == 2
    assert "bad.yaml, row 3, field 'inventory_edits[0].scale'" in r.stderr
    assert "not a non-negative number" in r.stderr
