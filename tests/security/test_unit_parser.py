"""Item 1 of issue 16: no user text is evaluated — one bounded unit grammar everywhere."""

from __future__ import annotations

import pytest

from gep.errors import InputError
from gep.unitparse import MAX_UNIT_LENGTH, UnitError, parse_amount, safe_unit
from gep.units import parse_unit, ureg

from .helpers import MINI_ARGS, assert_clean_exit_2, copy_mini, gep

pytestmark = pytest.mark.timeout(30)

BOMBS = [
    "9**9**9*hectare",
    "CNY/tCO2e*9**9**9",
    "hectare*9**9**9",
    "(9**9)**9*ha",
    "ha**9**9**9",
    "ha^999999999",
    "2**100000000*ha",
    "1e308*1e308*ha",
    "ha**(1/0)",
    "__import__('os').system('true')",
    "ha;import os",
    "ha" + "*ha" * 200,
    "(" * 50 + "ha" + ")" * 50,
]


@pytest.mark.parametrize("text", BOMBS)
def test_attack_unit_strings_refused_fast(text):
    with pytest.raises(UnitError) as info:
        safe_unit(text, field="unit")
    assert isinstance(info.value, InputError) and isinstance(info.value, ValueError)
    assert info.value.problems[0].field == "unit"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("CNY / m ** 3", "CNY / m ** 3"),
        ("CNY/tCO2e", "CNY / tCO2e"),
        ("万元/亩", "wan_CNY / mu"),
        ("亿元", "yi_CNY"),
        ("km²", "km ** 2"),
        ("m³", "m ** 3"),
        ("m⁻²", "1 / m ** 2"),
        ("1 / year", "1 / year"),
        ("tCO2e / hectare / year", "tCO2e / hectare / year"),
        ("t * hectare * hour / (hectare * MJ * mm)", "t * hour / (MJ * mm)"),
        ("MJ * mm / (hectare * hour * year)", "MJ * mm / (hectare * hour * year)"),
        ("kJ / m ** 2 / day", "kJ / m ** 2 / day"),
        ("kWh / m^3", "kWh / m ** 3"),
        ("dimensionless", "dimensionless"),
        ("%", "percent"),
        ("kg m", "kg * m"),
        ("ha**-4", "ha ** -4"),
    ],
)
def test_project_units_parse_like_pint(text, expected):
    assert safe_unit(text) == ureg.Unit(expected)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("ha**5", "outside -4..4"),
        ("2*ha", "numbers are not allowed"),
        ("bogons", "not a known unit"),
        ("ha ** 2.5", "not allowed"),
        ("１ha", "not allowed"),
        ("(ha", "unbalanced"),
        ("ha)", "unexpected"),
        ("ha//m", "unexpected"),
        ("x" * (MAX_UNIT_LENGTH + 1), "longer than"),
    ],
)
def test_bad_units_say_why(text, reason):
    with pytest.raises(UnitError, match=reason):
        parse_unit(text)


@pytest.mark.parametrize(
    "text, value, unit",
    [("7500mu", 7500.0, "mu"), ("70 CNY/tCO2e", 70.0, "CNY/tCO2e"), ("1.5e3", 1500.0, None)],
)
def test_amounts(text, value, unit):
    number, u = parse_amount(text)
    assert number == value
    assert (u is None) if unit is None else u == ureg.Unit(unit)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("9**9**9 ha", "unexpected"),
        ("1,5 mu", "decimal point"),
        ("1 000 ha", "not a plain number"),
        ("７５００mu", "ASCII digits"),
        ("1e999 ha", "too large"),
        ("nan ha", "not a quantity"),
        ("inf", "not a quantity"),
    ],
)
def test_bad_amounts(text, reason):
    with pytest.raises(UnitError, match=reason):
        parse_amount(text, field="--area")


# ---- every entry point ---------------------------------------------------------------------


def test_cli_set_unit_bomb_exit_2():
    r = gep(
        "account",
        *MINI_ARGS,
        "--set",
        "regulating.carbon_sequestration.price=70 CNY/tCO2e*9**9**9",
    )
    assert_clean_exit_2(r, "--set", "numbers are not allowed")


CARBON = ["carbon", "project", "--species", "cunninghamia", "--start", 2025, "--period", 30]


def test_cli_carbon_area_bomb_exit_2():
    r = gep(*CARBON, "--price", 70, "--area", "9**9**9 ha")
    assert_clean_exit_2(r, "--area")


def test_inventory_unit_bomb_names_row_and_field(tmp_path):
    folder = copy_mini(tmp_path)
    inv = folder / "inventory.csv"
    lines = inv.read_text(encoding="utf-8").splitlines()
    parts = lines[1].split(",")
    parts[6] = "9**9**9*hectare"
    lines[1] = ",".join(parts)
    inv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = gep("validate", folder, "-c", MINI_ARGS[2])
    assert_clean_exit_2(r, "inventory.csv", "row 2", "unit")


def test_regions_unit_bomb(tmp_path):
    folder = copy_mini(tmp_path)
    reg = folder / "regions.csv"
    reg.write_text(
        reg.read_text(encoding="utf-8").replace(",100,km**2", ",100,9**9**9*km**2"),
        encoding="utf-8",
    )
    r = gep("validate", folder, "-c", MINI_ARGS[2])
    assert_clean_exit_2(r, "regions.csv", "land_area_unit")


def test_scenario_unit_bomb(tmp_path):
    scen = tmp_path / "bomb.yaml"
    scen.write_text(
        "name: bomb\ninventory:\n  - {item: area, ecosystem: forest.broadleaf, "
        "add: '10 hectare*9**9**9'}\n",
        encoding="utf-8",
    )
    r = gep("scenario", "compare", *MINI_ARGS, "--scenario", scen)
    assert_clean_exit_2(r, "bomb.yaml")


def test_coefficient_file_unit_bomb(tmp_path):
    from .helpers import copy_coef

    folder = copy_coef(tmp_path)
    f = folder / "regulating" / "carbon_sequestration" / "price.yaml"
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("unit: CNY/tCO2e", "unit: CNY/tCO2e*9**9**9"), "utf-8")
    assert "9**9**9" in f.read_text(encoding="utf-8")
    r = gep("validate", MINI_ARGS[0], "-c", folder)
    assert_clean_exit_2(r, "price.yaml", "unit")
