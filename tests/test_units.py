"""Every project unit conversion factor, pinned."""

import pint
import pytest

from gep.units import Q_, conversion_factor, ureg


@pytest.mark.parametrize(
    ("src", "dst", "factor"),
    [
        ("万元", "CNY", 1e4),
        ("亿元", "CNY", 1e8),
        ("亿元", "万元", 1e4),
        ("mu", "m**2", 10000 / 15),
        ("mu", "hectare", 1 / 15),
        ("万亩", "hectare", 1e4 / 15),
        ("hectare", "m**2", 1e4),
        ("km**2", "hectare", 100),
        ("tCO2e", "ktCO2e", 1e-3),
        ("万立方米", "m**3", 1e4),
        ("亿立方米", "m**3", 1e8),
        ("万吨", "t", 1e4),
        ("亿千瓦时", "kWh", 1e8),
        ("万千瓦时", "kWh", 1e4),
        ("万人次", "visit", 1e4),
        ("kWh", "kJ", 3600),
        ("mm * hectare", "m**3", 10),
    ],
)
def test_conversion_factors(src, dst, factor):
    assert conversion_factor(src, dst) == pytest.approx(factor, rel=1e-12)


def test_fifteen_mu_is_exactly_one_hectare():
    assert Q_(15, "mu").to("hectare").magnitude == pytest.approx(1.0, abs=1e-15)


def test_money_is_not_convertible_to_physical_units():
    with pytest.raises(pint.DimensionalityError):
        Q_(1, "CNY").to("m")
    with pytest.raises(pint.DimensionalityError):
        Q_(1, "tCO2e").to("t")  # CO2e is its own dimension: C→CO2 only through 44/12


def test_application_registry_survives_pickle():
    import pickle

    q = Q_(3.0, "万元 / 亩")
    assert pickle.loads(pickle.dumps(q)).to("CNY / hectare").magnitude == pytest.approx(450000.0)
    assert pint.get_application_registry().get() is ureg


def test_format_unit_in_both_languages():
    from gep.units import format_unit

    assert format_unit("CNY / m ** 3") == "元/m³"
    assert format_unit("CNY / m ** 3", "en") == "CNY/m³"
    assert format_unit("wan_CNY / mu", "en") == "10⁴ CNY/mu"
