"""Coefficient sets: strict loading, extends, resolution by year and price index, overrides."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gep.coefficients import Override, load_set
from gep.errors import InputError, MissingCoefficientError

GOOD = """\
description: {zh: 测试, en: test}
unit: CNY / m ** 3
price_index: price_index.cpi
values:
  2020-01-01:
    value: 10
    price_year: 2020
    status: literature
    source: {title: A paper, issuer: Someone, year: 2017}
  2022-01-01:
    value: 12
    price_year: 2022
    status: local-official
    source: {title: A notice, year: 2022}
"""
CPI = """\
description: {zh: CPI, en: CPI}
unit: dimensionless
values:
  2020-01-01: {value: 100, status: official, source: {title: NBS}}
  2021-01-01: {value: 110, status: official, source: {title: NBS}}
  2022-01-01: {value: 105, status: official, source: {title: NBS}}
  2023-01-01: {value: 100, status: official, source: {title: NBS}}
"""
TABLE = """\
description: {zh: 表, en: table}
unit: tCO2e / hectare / year
by: ecosystem
values:
  2020-01-01:
    value: {forest: 4, forest.bamboo: 6, shrub: 2}
    status: illustrative
    source: {title: made up for a test}
    note: test
"""


def make_set(root: Path, files: dict[str, str], name="s", extends=None) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    meta = f"name: {name}\n" + (f"extends: {extends}\n" if extends else "")
    (folder / "set.yaml").write_text(meta, encoding="utf-8")
    for cid, text in files.items():
        path = folder.joinpath(*cid.split(".")).with_suffix(".yaml")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@pytest.fixture
def good_set(tmp_path):
    return load_set(make_set(tmp_path, {"a.price": GOOD, "price_index.cpi": CPI, "a.rate": TABLE}))


def test_resolution_by_date_and_price_index(good_set):
    # 2020: 10 (price year 2020); 2021: 10 × I(2021)/I(2020) = 10 × 1.10 = 11
    # 2022: new value 12 in 2022 prices; 2023: 12 × 100/100 = 12
    arr = good_set.array("a.price", [2020, 2021, 2022, 2023])
    assert arr.values.tolist() == pytest.approx([10.0, 11.0, 12.0, 12.0])
    assert arr.attrs["units"] == "CNY / m ** 3"


def test_index_chain(good_set):
    assert good_set.index_series("price_index.cpi") == pytest.approx(
        {2020: 100, 2021: 110, 2022: 115.5, 2023: 115.5}
    )
    assert good_set.index_factor("price_index.cpi", 2020, 2022) == pytest.approx(1.155)


def test_year_outside_index_is_an_error_not_extrapolated(good_set):
    with pytest.raises(InputError, match="covers 2020–2023, not 2024"):
        good_set.array("a.price", [2024])


def test_year_before_first_value_is_an_error(good_set):
    with pytest.raises(MissingCoefficientError, match="no value for 2019"):
        good_set.array("a.price", [2019])


def test_table_level1_key_and_specific_key(good_set):
    arr = good_set.array("a.rate", [2020], keys=["forest.broadleaf", "forest.bamboo", "shrub"])
    assert arr.sel(year=2020).values.tolist() == [4.0, 6.0, 2.0]


def test_table_missing_keys_listed(good_set):
    with pytest.raises(MissingCoefficientError) as exc:
        good_set.array("a.rate", [2020], keys=["forest.mixed", "grassland", "water"])
    assert "grassland, water" in str(exc.value)


def test_unit_conversion_on_resolution(good_set):
    arr = good_set.array("a.price", [2020], unit="万元 / m ** 3")
    assert arr.values[0] == pytest.approx(0.001)


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        (lambda t: t.replace("unit:", "unitz:"), "unknown key 'unitz'"),
        (lambda t: t.replace("  2022-01-01:", "  2022-13-01:"), "is not a date"),
        (lambda t: t.replace("CNY / m ** 3", "CNY / parsecz"), "cannot be parsed"),
        (lambda t: t.replace("    price_year: 2020\n", ""), "needs 'price_year'"),
        (
            lambda t: t.replace("status: literature", "status: official-ish"),
            "status must be one of",
        ),
        (
            lambda t: t.replace("    source: {title: A paper, issuer: Someone, year: 2017}\n", ""),
            "needs a source",
        ),
        (lambda t: t.replace("price_index: price_index.cpi\n", ""), "needs 'price_index'"),
        (lambda t: t.replace("value: 10\n", "value: ten\n"), "must be a number"),
    ],
)
def test_strict_loader_rejects(tmp_path, mutation, message):
    folder = make_set(tmp_path, {"a.price": mutation(GOOD), "price_index.cpi": CPI})
    with pytest.raises(InputError, match=message) as exc:
        load_set(folder)
    assert str(folder / "a" / "price.yaml") in str(exc.value)


def test_duplicate_key_rejected_with_line(tmp_path):
    text = GOOD.replace("unit: CNY / m ** 3\n", "unit: CNY / m ** 3\nunit: CNY / t\n")
    folder = make_set(tmp_path, {"a.price": text, "price_index.cpi": CPI})
    with pytest.raises(InputError, match="duplicate key 'unit'") as exc:
        load_set(folder)
    assert exc.value.problems[0].row == 3  # line of the second "unit:"


def test_all_problems_reported_at_once(tmp_path):
    bad1 = GOOD.replace("unit:", "unitz:")
    bad2 = TABLE.replace("shrub: 2", "shrubbery: 2")
    folder = make_set(tmp_path, {"a.price": bad1, "a.rate": bad2, "price_index.cpi": CPI})
    with pytest.raises(InputError) as exc:
        load_set(folder)
    text = str(exc.value)
    assert "unknown key 'unitz'" in text and "unknown ecosystem code 'shrubbery'" in text


def test_extends_overlays_parent(tmp_path):
    make_set(tmp_path, {"a.price": GOOD, "price_index.cpi": CPI}, name="base")
    local = GOOD.replace("value: 10", "value: 20")
    child = make_set(tmp_path, {"a.price": local}, name="child", extends="base")
    s = load_set(child)
    assert s.chain == ("child", "base")
    assert s.array("a.price", [2020]).values[0] == 20.0
    assert s["price_index.cpi"].set_name == "base"


def test_overrides_set_scale_add_and_hash(good_set):
    h0 = good_set.hash
    s = good_set.with_overrides(["a.price=50"])
    assert s.array("a.price", [2020, 2021]).values.tolist() == [
        50.0,
        50.0,
    ]  # taken as each year's price
    s = good_set.with_overrides(["a.price=50@2020"])
    assert s.array("a.price", [2021]).values[0] == pytest.approx(55.0)  # indexed from 2020 prices
    s = good_set.with_overrides(["a.price*=2"])
    assert s.array("a.price", [2021]).values[0] == pytest.approx(22.0)
    s = good_set.with_overrides(["a.price+=1"])
    assert s.array("a.price", [2020]).values[0] == pytest.approx(11.0)
    s = good_set.with_overrides(["a.rate[forest]=9"])
    assert s.array("a.rate", [2020], keys=["forest.broadleaf", "shrub"]).values.tolist() == [
        [9.0, 2.0]
    ]
    s = good_set.with_overrides(["a.price=0.002 万元/m**3"])
    assert s.array("a.price", [2020]).values[0] == pytest.approx(20.0)
    assert s.hash != h0
    assert good_set.array("a.price", [2020]).values[0] == 10.0  # baseline untouched


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a.nope=1", "unknown coefficient 'a.nope'"),
        ("a.price", "cannot read override"),
        ("a.price=abc", "is not a number"),
        ("a.price[forest]=1", "is not a table"),
        ("a.price=1 kg", "does not fit"),
    ],
)
def test_bad_overrides(good_set, text, message):
    with pytest.raises(InputError, match=message):
        good_set.with_overrides([text])


def test_override_from_year(good_set):
    o = Override(id="a.price", op="scale", value=2.0, from_year=2021)
    s = good_set.with_overrides([o])
    assert s.array("a.price", [2020, 2021]).values.tolist() == pytest.approx([10.0, 22.0])


def test_national_set_loads_with_sources_everywhere():
    s = load_set("national")
    assert len(s.coefficients) > 40
    for c in s.coefficients.values():
        for e in c.values:
            assert e.source.get("title")
            assert e.status in ("official", "literature", "illustrative", "local-official")
            assert e.status != "standard"  # the 规范 body is unchecked: nothing may claim it
            if c.is_money:
                assert e.price_year is not None


def test_mini_test_set_does_not_inherit_from_national(mini_coef):
    """Hand-computed expectations must not move when coefficients/national changes."""
    assert mini_coef.chain == ("mini",)
    assert all(c.set_name == "mini" for c in mini_coef.coefficients.values())
