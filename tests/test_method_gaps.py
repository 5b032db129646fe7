"""Method gaps the published cases expose (issue 10 item 2), each by hand arithmetic.

Pure formula tests on tiny numbers, then account-level tests on the mini dataset
(tests/data/mini: county A 100001 and county B 100002, 2020–2021; coefficient set
tests/data/coefficients/mini, prices in 2020 prices, CPI 2021 = 110, construction 105).
"""

from __future__ import annotations

import shutil

import pytest
import xarray as xr

from gep.accounting import account
from gep.indicators import regulating
from gep.inventory import load_dataset
from gep.quantities import load_quantities
from gep.units import Q_
from tests.conftest import ROOT

MINI = ROOT / "tests" / "data" / "mini"


def _v(acc, ind, region="100001", year=2020):
    return float(acc.value.sel(region=region, year=year, indicator=ind))


def _p(acc, ind, region="100001", year=2020):
    return float(acc.physical(ind).sel(region=region, year=year))


def _by_ecosystem(data, value, unit):
    return xr.full_like(data["area"], value, dtype=float).assign_attrs(units=unit)


def _one_indicator_profile(tmp_path, indicator, method, name="variant") -> str:
    f = tmp_path / f"{name}.yaml"
    f.write_text(
        f"id: {name}\nname: {{zh: 方法变体}}\nengine: ndrc-2022\nindicators:\n"
        f"  {indicator}: {{method: {method}, clause: test, clause_status: U}}\n",
        encoding="utf-8",
    )
    return str(f)


# ------------------------------------------------------------------ a. oxygen release
def test_oxygen_from_co2_factor_is_a_parameter():
    # 44 t CO2 × 32/44 = 32 t O2
    q = regulating.oxygen_from_co2(Q_(44, "tCO2e"), Q_(32 / 44, "t / tCO2e"))
    assert q.to("t").magnitude == pytest.approx(32.0)
    # another factor: 100 t CO2 × 0.73 = 73 t
    q = regulating.oxygen_from_co2(Q_(100, "tCO2e"), Q_(0.73, "t / tCO2e"))
    assert q.magnitude == pytest.approx(73.0)


def test_oxygen_from_dry_matter():
    # 1.19 t O2/t × 10 t/ha × 50 ha = 595 t; in kg/m² units: 1 kg/m² = 10 t/ha
    assert regulating.oxygen_from_dry_matter(
        Q_(10, "t / hectare"), Q_(50, "hectare"), Q_(1.19, "t / t")
    ).magnitude == pytest.approx(595.0)
    assert regulating.oxygen_from_dry_matter(
        Q_(1, "kg / m ** 2"), Q_(0.5, "km ** 2"), 1.2
    ).magnitude == pytest.approx(1.2 * 10 * 50)


def test_oxygen_account_uses_the_coefficient(mini, mini_coef):
    inc = ["regulating.oxygen_release"]
    a = account(mini, mini_coef, years=[2021], include=inc)
    # CO2 A 2021 = 6100×4 + 1000×2 + 1900×0.5 = 27,350 t → × 32/44
    assert _p(a, inc[0], year=2021) == pytest.approx(27350 * 32 / 44)
    b = account(
        mini,
        mini_coef.with_overrides(["regulating.oxygen_release.o2_per_co2=0.5"]),
        years=[2021],
        include=inc,
    )
    assert _p(b, inc[0], year=2021) == pytest.approx(27350 * 0.5)
    # value = O2 × 500 CNY/t (2020) × CPI 1.10
    assert _v(b, inc[0], year=2021) == pytest.approx(27350 * 0.5 * 500 * 1.1)


def test_oxygen_dry_matter_variant(tmp_path, mini, mini_coef):
    data = mini.data.assign(dry_matter_production=_by_ecosystem(mini.data, 10.0, "t / hectare"))
    f = _one_indicator_profile(tmp_path, "regulating.oxygen_release", "dry_matter")
    acc = account(data, mini_coef, profile=f)
    # A 2020 vegetated area: broadleaf 6000 + shrub 1000 + dry farmland 2000 = 9000 ha
    # (water and urban excluded) → 1.19 × 10 t/ha × 9000 ha = 107,100 t O2
    assert _p(acc, "regulating.oxygen_release") == pytest.approx(1.19 * 10 * 9000)
    assert _v(acc, "regulating.oxygen_release") == pytest.approx(1.19 * 10 * 9000 * 500)
    bare = account(mini, mini_coef, profile=f)
    assert any("dry_matter_production" in n["reason"] for n in bare.not_assessed)


def test_supplied_oxygen_quantity_still_works(tmp_path, mini_coef):
    folder = tmp_path / "ds"
    shutil.copytree(MINI, folder)
    (folder / "quantities.csv").write_text(
        "region,year,indicator,component,value,unit,source\n"
        "100001,2020,regulating.oxygen_release,,2,万吨,test: outside model\n",
        encoding="utf-8",
    )
    ds = load_dataset(folder)
    acc = account(
        ds, mini_coef, include=["regulating.oxygen_release"], quantities=load_quantities(folder, ds)
    )
    # 20,000 t supplied × 500 CNY/t; the factor is not applied to a supplied quantity
    assert _p(acc, "regulating.oxygen_release") == pytest.approx(2e4)
    assert _v(acc, "regulating.oxygen_release") == pytest.approx(2e4 * 500)
    assert acc.route_at("regulating.oxygen_release", "100001", 2020) == "supplied"


# ------------------------------------------------------------------ b. tC as a unit
def test_tc_is_a_defined_conversion():
    # 12 tC = 44 tCO2e (molar masses C 12, CO2 44), by pint, not by hand
    assert Q_(12, "tC").to("tCO2e").magnitude == pytest.approx(44.0)
    # a price per tC is 12/44 of it per tCO2e: 242 CNY/tC = 66 CNY/tCO2e
    assert Q_(242, "CNY / tC").to("CNY / tCO2e").magnitude == pytest.approx(66.0)
    # the safe parser accepts it (inventory, coefficient files, --set, CLI amounts)
    from gep.unitparse import parse_quantity
    from gep.units import parse_unit

    assert str(parse_unit("CNY / tC")) == "CNY / tC"
    assert parse_quantity("242 CNY/tC").to("CNY / tCO2e").magnitude == pytest.approx(66.0)
    # formulas convert: 3 tC/ha/a × 2 ha = 22 tCO2e
    q = regulating.sequestration_rate_method(Q_(3, "tC / hectare / year"), Q_(2, "hectare"))
    assert q.to("tCO2e").magnitude == pytest.approx(22.0)


def test_carbon_price_and_rate_in_tc(mini, mini_coef):
    from gep.coefficients import coefficient_from_raw

    ind = "regulating.carbon_sequestration"
    base = account(mini, mini_coef, years=[2020])
    # mini price 100 CNY/tCO2e (2020) ≡ 100 × 44/12 CNY/tC: the same account
    raw = mini_coef[f"{ind}.price"].to_raw()
    raw["unit"] = "CNY / tC"
    for entry in raw["values"].values():
        entry["value"] = entry["value"] * 44 / 12
    price_tc = coefficient_from_raw(raw, f"{ind}.price")
    acc = account(mini, mini_coef.with_coefficients({price_tc.id: price_tc}), years=[2020])
    assert _v(acc, ind) == pytest.approx(_v(base, ind), rel=1e-12)
    # an override given per tC: 44 CNY/tC = 12 CNY/tCO2e → A 2020 CO2 × 12
    o = account(mini, mini_coef.with_overrides([f"{ind}.price=44 CNY/tC"]), years=[2020])
    assert _v(o, ind) == pytest.approx(_p(base, ind) * 12.0)


def test_supplied_carbon_quantity_in_tc(tmp_path, mini_coef):
    folder = tmp_path / "ds"
    shutil.copytree(MINI, folder)
    (folder / "quantities.csv").write_text(
        "region,year,indicator,component,value,unit,source\n"
        "100001,2020,regulating.carbon_sequestration,,1200,tC,test: outside NEP model\n",
        encoding="utf-8",
    )
    ds = load_dataset(folder)
    acc = account(ds, mini_coef, quantities=load_quantities(folder, ds))
    # 1,200 tC = 4,400 tCO2e, valued at 50 CNY/tCO2e
    assert _p(acc, "regulating.carbon_sequestration") == pytest.approx(4400.0)
    assert _v(acc, "regulating.carbon_sequestration") == pytest.approx(4400.0 * 100)


def test_carbon_cli_price_in_tc():
    import json

    from typer.testing import CliRunner

    from gep.cli import carbon as carbon_cli

    args = ["project", "--area", "500ha", "--species", "pinus_massoniana", "--start", "2025"]
    args += ["--period", "30", "--format", "json", "--price"]
    runner = CliRunner()
    per_co2 = runner.invoke(carbon_cli.app, [*args, "66 CNY/tCO2e"])
    per_c = runner.invoke(carbon_cli.app, [*args, "242 CNY/tC"])
    assert per_co2.exit_code == 0, per_co2.output
    assert per_c.exit_code == 0, per_c.output
    a, b = json.loads(per_co2.stdout), json.loads(per_c.stdout)
    assert b["npv_CNY"] == pytest.approx(a["npv_CNY"], rel=1e-9)
    assert b["revenue_CNY"] == pytest.approx(a["revenue_CNY"], rel=1e-9)


# ------------------------------------------------------------------ c. pest control area
def _mini_with_rows(tmp_path, rows: str):
    folder = tmp_path / "ds"
    shutil.copytree(MINI, folder)
    with open(folder / "inventory.csv", "a", encoding="utf-8") as f:
        f.write(rows)
    return load_dataset(folder)


def test_pest_control_over_natural_area(tmp_path, mini, mini_coef):
    ind = "regulating.pest_control"
    ds = _mini_with_rows(
        tmp_path,
        "100001,2020,natural_area,forest.broadleaf,,4000,hectare,test: natural forest\n"
        "100001,2021,natural_area,forest.broadleaf,,4100,hectare,test: natural forest\n",
    )
    acc = account(ds, mini_coef, include=[ind])
    # A 2020: natural broadleaf 4,000 ha (not all 6,000 ha of forest) × 300 CNY/ha
    assert _p(acc, ind) == pytest.approx(4000.0)
    assert _v(acc, ind) == pytest.approx(4000 * 300)
    # A 2021: 4,100 ha × 300 × construction index 1.05
    assert _v(acc, ind, year=2021) == pytest.approx(4100 * 300 * 1.05)
    # B reports no natural area: today's rule, all forest + grassland
    # (45,000 亩 = 3,000 ha coniferous × 300 + 15,000 亩 = 1,000 ha grassland × 100)
    assert _v(acc, ind, "100002") == pytest.approx(3000 * 300 + 1000 * 100)
    notes = " ".join(acc.notes.get(ind, []))
    assert "natural_area not reported" in notes
    # without the item: all forest and grassland, with a note saying so
    base = account(mini, mini_coef, include=[ind])
    assert _v(base, ind) == pytest.approx(6000 * 300)
    assert "no natural_area" in " ".join(base.notes.get(ind, []))


def test_pest_control_natural_area_above_area_is_capped_and_reported(tmp_path, mini_coef):
    ds = _mini_with_rows(
        tmp_path,
        "100001,2020,natural_area,forest.broadleaf,,7000,hectare,test: too large\n"
        "100001,2021,natural_area,forest.broadleaf,,4100,hectare,test\n",
    )
    acc = account(ds, mini_coef, include=["regulating.pest_control"])
    # 7,000 ha reported against 6,000 ha of broadleaf: counted at 6,000 ha, with a note
    assert _v(acc, "regulating.pest_control") == pytest.approx(6000 * 300)
    assert "natural_area above the ecosystem's area for forest.broadleaf" in " ".join(
        acc.notes["regulating.pest_control"]
    )


# ------------------------------------------------------------------ d. flood regulation
def test_marsh_share_and_depth():
    # 100 ha wetland × 0.4 marsh × 0.3 m = 40 ha × 0.3 m = 400,000 m² × 0.3 m = 120,000 m³
    q = regulating.marsh_flood_storage(Q_(100, "hectare"), Q_(0.3, "m"), 0.4)
    assert q.to("m ** 3").magnitude == pytest.approx(120000.0)
    # default share 1: all wetland is marsh; 1 km² × 0.5 m = 500,000 m³
    q = regulating.marsh_flood_storage(Q_(1, "km ** 2"), Q_(50, "cm"))
    assert q.magnitude == pytest.approx(5e5)


def test_flood_regulation_without_reservoir_rows(tmp_path, mini_coef):
    folder = tmp_path / "ds"
    shutil.copytree(MINI, folder)
    inv = folder / "inventory.csv"
    lines = [r for r in inv.read_text(encoding="utf-8").splitlines() if ",reservoir." not in r]
    lines += [f"100001,{y},area,wetland,,100,hectare,test: wetland" for y in (2020, 2021)]
    # a region without lakes reports 0 (a missing row would mean "not assessed")
    lines += [f"100001,{y},lake.flood_storage,,,0,wan_m3,test: no lakes" for y in (2020, 2021)]
    lines += [
        f"100002,{y},lake.flood_storage,,,50,wan_m3,test: lake regression" for y in (2020, 2021)
    ]
    inv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ds = load_dataset(folder)
    ind = "regulating.flood_regulation"
    coef = mini_coef.with_overrides([f"{ind}.marsh_share=0.4"])
    acc = account(ds, coef)
    # A: marshes only, 100 ha × 0.4 × 0.3 m × 10⁴ = 120,000 m³ × 5 CNY/m³
    assert _p(acc, ind) == pytest.approx(120000.0)
    assert _v(acc, ind) == pytest.approx(600000.0)
    # B: lake 50 万m³ = 500,000 m³ (no wetland there: marsh term 0) × 5
    assert _p(acc, ind, "100002") == pytest.approx(5e5)
    assert _v(acc, ind, "100002") == pytest.approx(2.5e6)
    assert "reservoir term not included" in " ".join(acc.notes[ind])
    comps = acc.components[ind]["physical"]
    assert "reservoirs" not in [str(c) for c in comps["component"].values]


# ------------------------------------------------------------------ e. ecosystem sets as data
def test_climate_ecosystem_sets_follow_a_coefficient_set(mini, mini_coef):
    ind = "regulating.climate_regulation"
    t = "regulating.climate_regulation.transpiration_ecosystems"
    # the Garzê choice: only forest, shrub and grassland transpire
    garze = mini_coef.with_overrides(
        [f"{t}[{e}]=0" for e in ("farmland", "garden", "wetland", "urban", "bare")]
    )
    acc = account(mini, garze, years=[2020])
    # A: (3600 kJ × 6e7 m² + 1800 × 1e7) × 30 d / (3600 × 3) = 6e8 + 5e7 kWh (dry farmland
    # 1e8 kWh no longer counted); water surface unchanged: 5e5 m³ × 2450/3.6 + 5e5 × 100
    water = 5e5 * 2450 / 3.6 + 5e7
    assert _p(acc, ind) == pytest.approx(6.5e8 + water)
    comps = acc.components[ind]["physical"].sel(region="100001", year=2020)
    assert float(comps.sel(component="transpiration")) == pytest.approx(6.5e8)
    # half of the water surface counted: 2.5e5 m³
    half = mini_coef.with_overrides(
        ["regulating.climate_regulation.evaporation_ecosystems[water]=0.5"]
    )
    acc = account(mini, half, years=[2020])
    assert _p(acc, ind) == pytest.approx(7.5e8 + water / 2)


def test_water_and_soil_ecosystem_sets(mini, mini_coef):
    coef = mini_coef.with_overrides(
        [
            "regulating.water_conservation.ecosystems[shrub]=0",
            "regulating.soil_conservation.ecosystems[farmland]=0",
        ]
    )
    acc = account(mini, coef, years=[2020])
    # water A: broadleaf (1000 − 100 − 500) mm × 6000 ha × 10 = 24e6 m³ (shrub's 3e6 left out)
    assert _p(acc, "regulating.water_conservation") == pytest.approx(24e6)
    # soil A: 278,000 t − dry farmland 20 × 1 × 0.75 × 2000 = 30,000 t → 248,000 t
    assert _p(acc, "regulating.soil_conservation") == pytest.approx(248000.0)


# ------------------------------------------------------------------ f. ecosystems, Xie crosswalk
def test_mixed_factor_by_hand():
    from gep.indicators.xie2015 import mixed_factor

    shares = xr.Variable(("xie_class",), [0.8, 0.2])
    food = xr.Variable(("xie_class",), [1.36, 0.85])  # paddy, dry land (Xie 2015, food)
    # 0.8 × 1.36 + 0.2 × 0.85 = 1.088 + 0.17 = 1.258
    assert float(mixed_factor(shares, food).values) == pytest.approx(1.258)


def _crosswalk(eco: str, shares: dict, coef):
    from gep.coefficients import coefficient_from_raw

    raw = coef[f"xie2015.crosswalk.{eco}"].to_raw()
    raw["values"]["2010-01-01"]["value"] = shares
    c = coefficient_from_raw(raw, f"xie2015.crosswalk.{eco}")
    return {c.id: c}


def test_crosswalk_is_data_a_set_can_override(mini, mini_coef):
    ind = "regulating.hydrological_regulation"
    base = account(mini, mini_coef, profile="xie-2015", years=[2020])
    coef = mini_coef.with_coefficients(
        {
            **_crosswalk("farmland.paddy", {"paddy": 0.8, "dry_land": 0.2}, mini_coef),
            **_crosswalk("grassland", {"steppe": 1.0}, mini_coef),
        }
    )
    acc = account(mini, coef, profile="xie-2015", years=[2020])
    parts = acc.components[ind]["value"].sel(region="100002", year=2020)
    d = 3000.0  # CNY/ha, mini standard equivalent
    # B paddy 7,500 亩 = 500 ha × (0.8 × 2.72 + 0.2 × 0.27) × 3000 = 500 × 2.23 × 3000
    assert float(parts.sel(component="farmland.paddy")) == pytest.approx(500 * 2.23 * d)
    # B grassland 15,000 亩 = 1,000 ha, now steppe (0.98) instead of shrub-grass (3.82)
    assert float(parts.sel(component="grassland")) == pytest.approx(1000 * 0.98 * d)
    # the rest of B is unchanged
    diff = _v(base, ind, "100002") - _v(acc, ind, "100002")
    assert diff == pytest.approx(500 * (2.72 - 2.23) * d + 1000 * (3.82 - 0.98) * d)
    assert _v(acc, ind) == pytest.approx(_v(base, ind))


def test_glacier_and_desert_reach_their_xie_classes(tmp_path, mini_coef):
    rows = "".join(
        f"100001,{y},area,{e},,{a},hectare,test\n"
        for y in (2020, 2021)
        for e, a in (("glacier_snow", 60), ("desert", 30))
    )
    ds = _mini_with_rows(tmp_path, rows)
    acc = account(ds, mini_coef, profile="xie-2015", years=[2020])
    parts = acc.components["regulating.hydrological_regulation"]["value"].sel(
        region="100001", year=2020
    )
    # glacier 60 ha × 7.13 × 3000; desert 30 ha × 0.21 × 3000
    assert float(parts.sel(component="glacier_snow")) == pytest.approx(60 * 7.13 * 3000)
    assert float(parts.sel(component="desert")) == pytest.approx(30 * 0.21 * 3000)


def test_crosswalk_shares_above_one_are_refused(mini, mini_coef):
    from gep.errors import InputError

    coef = mini_coef.with_coefficients(
        _crosswalk("farmland.paddy", {"paddy": 0.8, "dry_land": 0.4}, mini_coef)
    )
    with pytest.raises(InputError, match="sum to more than 1"):
        account(mini, coef, profile="xie-2015", years=[2020])


def test_default_crosswalk_matches_the_ecosystem_catalog():
    from gep.catalog import ecosystem_catalog
    from gep.coefficients import load_set

    national = load_set("national")
    for code, eco in ecosystem_catalog().items():
        table = national[f"xie2015.crosswalk.{code}"].entry_for(2024).value
        assert table == ({eco.xie2015: 1.0} if eco.xie2015 else {}), code
    # every Xie class of the factor tables is reachable by some default crosswalk or override
    classes = set(national["xie2015.factor.food"].entry_for(2024).value)
    assert {"steppe", "meadow", "desert", "glacier"} <= classes
    defaults = {e.xie2015 for e in ecosystem_catalog().values()}
    assert {"desert", "glacier"} <= defaults


# ------------------------------------------------------------------ g. graded product prices
def test_weighted_price_by_hand():
    from gep.indicators.material import weighted_price

    prices = xr.Variable(("grade",), [300000.0, 40000.0], attrs={"units": "CNY / t"})
    shares = xr.Variable(("grade",), [0.2, 0.8])
    # 0.2 × 300,000 + 0.8 × 40,000 = 60,000 + 32,000 = 92,000 CNY/t
    p = weighted_price(prices, shares)
    assert float(p.values) == pytest.approx(92000.0)
    assert p.attrs["units"] == "CNY / t"
    with pytest.raises(ValueError, match="sum to 1"):
        weighted_price(prices, xr.Variable(("grade",), [0.2, 0.7]))


def _grade_tables(shares: dict):
    from gep.coefficients import coefficient_from_raw

    src = {"title": "test grades", "issuer": "tests"}
    price = coefficient_from_raw(
        {
            "description": {"en": "tea price by grade"},
            "unit": "CNY / t",
            "by": "grade",
            "price_index": "price_index.cpi",
            "values": {
                "2020-01-01": {
                    "value": {"premium": 300000, "bulk": 40000},
                    "price_year": 2020,
                    "status": "illustrative",
                    "source": src,
                    "note": "round test value",
                }
            },
        },
        "material.agriculture.grade_price.tea",
    )
    share = coefficient_from_raw(
        {
            "description": {"en": "tea output share by grade"},
            "unit": "dimensionless",
            "by": "grade",
            "range": {"min": 0, "max": 1},
            "values": {
                "2020-01-01": {
                    "value": shares,
                    "status": "illustrative",
                    "source": src,
                    "note": "round test value",
                }
            },
        },
        "material.agriculture.grade_share.tea",
    )
    return {price.id: price, share.id: share}


def test_graded_price_in_the_account(mini, mini_coef):
    ind = "material.agriculture"
    coef = mini_coef.with_coefficients(_grade_tables({"premium": 0.2, "bulk": 0.8}))
    acc = account(mini, coef)
    # A 2020: grain 1000 t × 3000 + tea 10 t × 92,000 (not 100,000) + reported 1e6
    assert _v(acc, ind) == pytest.approx(3e6 + 920000 + 1e6)
    # A 2021: (3e6 + 920,000) × CPI 1.10 + 1e6 (grade prices re-priced like any price)
    assert _v(acc, ind, year=2021) == pytest.approx((3e6 + 920000) * 1.1 + 1e6)
    parts = acc.components[ind]["value"].sel(region="100001", year=2020)
    assert float(parts.sel(component="tea")) == pytest.approx(920000.0)


def test_graded_price_shares_must_sum_to_one(mini, mini_coef):
    from gep.errors import InputError

    coef = mini_coef.with_coefficients(_grade_tables({"premium": 0.3, "bulk": 0.8}))
    with pytest.raises(InputError, match="sum to 1"):
        account(mini, coef)


# ------------------------------------------------------------------ h. existence value (CV)
def test_contingent_valuation_by_hand():
    from gep.indicators.cultural import contingent_valuation_value, willing_payers

    payers = willing_payers(0.4, Q_(10, "wan_person"))
    assert payers.magnitude == pytest.approx(40000.0)
    # 20 CNY/month × 12 × 0.4 × 100,000 people = 9.6e6 CNY
    assert contingent_valuation_value(Q_(20, "CNY / month"), payers).magnitude == pytest.approx(
        9.6e6
    )
    # the same WTP typed per year: 240 CNY/a
    assert contingent_valuation_value(Q_(240, "CNY / year"), payers).magnitude == pytest.approx(
        9.6e6
    )


CV_ROWS = "".join(
    f"{r},{y},existence.{item}.{g},,,{v},{u},test: CV survey\n"
    for r in ("100001", "100002")
    for y in (2020, 2021)
    for g, rows in {
        "urban": (
            ("population", 100000, "person"),
            ("wtp", 20, "CNY/month"),
            ("willing_share", 0.4, "dimensionless"),
        ),
        "rural": (
            ("population", 5, "wan_person"),
            ("wtp", 120, "CNY/year"),
            ("willing_share", 0.3, "dimensionless"),
        ),
    }.items()
    for item, v, u in rows
)


def test_existence_value_is_off_by_default_and_counts_per_group(tmp_path, mini_coef):
    ds = _mini_with_rows(tmp_path, CV_ROWS)
    ind = "cultural.existence_value"
    for profile in ("ndrc-2022", "gbt-46869-2025", "ankang"):
        assert ind not in account(ds, mini_coef, profile=profile, years=[2020]).indicator_ids
    acc = account(ds, mini_coef, include=[ind])
    # urban 20 × 12 × 0.4 × 100,000 = 9.6e6; rural (120 CNY/a = 10 CNY/month)
    #   10 × 12 × 0.3 × 50,000 = 1.8e6
    assert _v(acc, ind) == pytest.approx(9.6e6 + 1.8e6)
    # payers: 40,000 + 15,000
    assert _p(acc, ind) == pytest.approx(55000.0)
    parts = acc.components[ind]["value"].sel(region="100001", year=2020)
    assert float(parts.sel(component="rural")) == pytest.approx(1.8e6)
    # the ankang profile lists it (off): --include switches it on there too
    a = account(ds, mini_coef, profile="ankang", include=[ind], years=[2020])
    assert _v(a, ind, "100002") == pytest.approx(11.4e6)


def test_existence_value_group_needs_all_three_items(tmp_path, mini_coef):
    from gep.errors import InputError

    rows = "".join(
        f"{r},{y},existence.population.urban,,,1000,person,test\n"
        for r in ("100001", "100002")
        for y in (2020, 2021)
    )
    ds = _mini_with_rows(tmp_path, rows)
    with pytest.raises(InputError, match="urban need all of"):
        account(ds, mini_coef, include=["cultural.existence_value"])


def test_existence_value_supplied_payers(tmp_path, mini_coef):
    ds = _mini_with_rows(tmp_path, CV_ROWS)
    folder = tmp_path / "ds"
    (folder / "quantities.csv").write_text(
        "region,year,indicator,component,value,unit,source\n"
        "100001,2020,cultural.existence_value,,10000,person,test: survey extension\n",
        encoding="utf-8",
    )
    ds = load_dataset(folder)
    ind = "cultural.existence_value"
    acc = account(ds, mini_coef, include=[ind], quantities=load_quantities(folder, ds))
    # payers-weighted mean yearly WTP = (9.6e6 + 1.8e6) / 55,000 people; × 10,000 payers
    assert _v(acc, ind) == pytest.approx(10000 * 11.4e6 / 55000)
    assert _v(acc, ind, "100002") == pytest.approx(11.4e6)
