"""Out-of-region ledger (gep.ledger): hand-computed gross → deduction → net."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

from gep.coefficients import CoefficientSet, coefficient_from_raw
from gep.errors import InputError
from gep.ledger import deduct, ledger, share_from_items
from gep.profiles import OutOfRegionRule, ShareBasis

REGIONS = ["610902", "610921"]
YEARS = [2022, 2023]
INDICATORS = ["material.water_supply", "material.hydropower", "regulating.flood_regulation"]


def _gross() -> xr.DataArray:
    # value [CNY] per region × year × indicator
    data = np.array(
        [
            [[100.0, 200.0, 50.0], [110.0, 220.0, 60.0]],  # 610902: 2022, 2023
            [[40.0, 0.0, 10.0], [44.0, 0.0, 12.0]],  # 610921
        ]
    )
    return xr.DataArray(
        data,
        dims=["region", "year", "indicator"],
        coords={"region": REGIONS, "year": YEARS, "indicator": INDICATORS},
        attrs={"units": "CNY"},
    )


def _inventory(inflow=None) -> xr.Dataset:
    coords = {"region": REGIONS, "year": YEARS}
    inflow = (
        inflow if inflow is not None else np.array([[30.0, 60.0], [0.0, 0.0]])
    )  # m³ (any unit, ratios only)
    local = np.array([[70.0, 40.0], [50.0, 25.0]])
    return xr.Dataset(
        {
            "inflow": (("region", "year"), inflow, {"units": "m ** 3"}),
            "local_runoff": (("region", "year"), local, {"units": "m ** 3"}),
        },
        coords=coords,
    )


def _coefs(value=0.25, status="literature") -> CoefficientSet:
    entry = {"value": value, "status": status, "source": {"title": "test source", "year": 2024}}
    if status == "illustrative":
        entry["note"] = "made up for the test"
    raw = {
        "description": {"zh": "测试", "en": "test"},
        "unit": "dimensionless",
        "values": {"2000-01-01": entry},
    }
    cid = "out_of_region.regulating.flood_regulation.share"
    return CoefficientSet("t", {cid: coefficient_from_raw(raw, cid)})


ITEM_RULE = ShareBasis(numerator=("inflow",), denominator=("inflow", "local_runoff"))
COEF_RULE = ShareBasis(coefficient="out_of_region.regulating.flood_regulation.share")


def test_share_from_items_hand_numbers():
    inv = _inventory()
    s = share_from_items(inv["inflow"], inv["inflow"] + inv["local_runoff"])
    # 610902: 30/(30+70) = 0.3 ; 60/(60+40) = 0.6 ; 610921: 0/50 = 0 ; 0/25 = 0
    np.testing.assert_allclose(s.values, [[0.3, 0.6], [0.0, 0.0]])


def test_share_zero_denominator_is_nan_not_zero():
    num = xr.DataArray([0.0, 1.0], dims=["region"])
    den = xr.DataArray([0.0, 4.0], dims=["region"])
    s = share_from_items(num, den)
    assert np.isnan(s.values[0]) and s.values[1] == 0.25


def test_share_outside_unit_interval_is_an_error():
    num = xr.DataArray([5.0], dims=["region"], coords={"region": ["610902"]})
    den = xr.DataArray([4.0], dims=["region"], coords={"region": ["610902"]})
    with pytest.raises(InputError, match="outside \\[0, 1\\].*610902"):
        share_from_items(num, den)


def test_deduct_hand_numbers():
    ds = deduct(xr.DataArray([100.0, 40.0]), xr.DataArray([0.3, np.nan]))
    # 100 × 0.3 = 30 out, 70 net; unknown share → NaN, never a silent 0
    assert ds["out_of_region"].values[0] == pytest.approx(30.0)
    assert ds["value"].values[0] == pytest.approx(70.0)
    assert np.isnan(ds["value"].values[1]) and ds["gross"].values[1] == 40.0


def test_ledger_items_and_coefficient():
    rules = [
        OutOfRegionRule("material.water_supply", ITEM_RULE),
        OutOfRegionRule("material.hydropower", ITEM_RULE),
        OutOfRegionRule("regulating.flood_regulation", COEF_RULE),
    ]
    res = ledger(_gross(), rules, _inventory(), _coefs(0.25))
    out = res.out_of_region
    # water supply 610902: 2022 100 × 0.3 = 30 ; 2023 110 × 0.6 = 66 ; 610921: share 0
    assert out.sel(region="610902", indicator="material.water_supply").values.tolist() == [
        pytest.approx(30.0),
        pytest.approx(66.0),
    ]
    assert float(out.sel(region="610921", indicator="material.water_supply").sum()) == 0.0
    # hydropower 610902: 200 × 0.3 = 60 ; 220 × 0.6 = 132 → net 140, 88
    np.testing.assert_allclose(
        res.value.sel(region="610902", indicator="material.hydropower").values, [140.0, 88.0]
    )
    # flood by coefficient 0.25 everywhere: 50 → 12.5 out, 37.5 net
    assert float(
        res.value.sel(region="610902", year=2022, indicator="regulating.flood_regulation")
    ) == pytest.approx(37.5)
    # gross = out + net everywhere
    xr.testing.assert_allclose(res.gross, res.out_of_region + res.value)
    assert res.warnings == []
    assert res.bases["material.water_supply"] == "(inflow) / (inflow + local_runoff)"


def test_ledger_without_rules_is_identity():
    res = ledger(_gross(), [], None, None)
    xr.testing.assert_equal(res.value.drop_attrs(), _gross().drop_attrs())
    assert float(res.out_of_region.sum()) == 0.0


def test_ledger_warns_on_zero_and_unsourced_share():
    rules = [OutOfRegionRule("regulating.flood_regulation", COEF_RULE, required=True)]
    res = ledger(_gross(), rules, None, _coefs(0.0, "illustrative"))
    kinds = sorted(w.kind for w in res.warnings)
    assert kinds == ["unsourced", "zero"]
    assert all("regulating.flood_regulation" in w.en for w in res.warnings)
    assert "扣除比例为 0" in next(w.zh for w in res.warnings if w.kind == "zero")
    # not required → no warning even at 0
    res2 = ledger(
        _gross(),
        [OutOfRegionRule("regulating.flood_regulation", COEF_RULE, required=False)],
        None,
        _coefs(0.0, "illustrative"),
    )
    assert res2.warnings == []


def test_ledger_missing_items_makes_net_nan_and_warns():
    inv = _inventory().drop_vars("inflow")
    res = ledger(_gross(), [OutOfRegionRule("material.water_supply", ITEM_RULE)], inv, None)
    assert bool(res.value.sel(indicator="material.water_supply").isnull().all())
    assert bool(res.value.sel(indicator="material.hydropower").notnull().all())
    assert [w.kind for w in res.warnings] == ["missing_inputs"]
    assert "inflow" in res.warnings[0].en


def test_ledger_partial_item_gap_names_region():
    inv = _inventory(inflow=np.array([[30.0, np.nan], [0.0, 0.0]]))
    res = ledger(_gross(), [OutOfRegionRule("material.water_supply", ITEM_RULE)], inv, None)
    w = [w for w in res.warnings if w.kind == "missing_inputs"]
    assert w and w[0].regions == ("610902",) and w[0].years == (2023,)
    assert np.isnan(float(res.value.sel(region="610902", year=2023, indicator=INDICATORS[0])))


def test_ledger_coefficient_share_out_of_range_is_an_error():
    with pytest.raises(InputError, match="outside \\[0, 1\\]"):
        ledger(
            _gross(), [OutOfRegionRule("regulating.flood_regulation", COEF_RULE)], None, _coefs(1.5)
        )


def test_ledger_unknown_coefficient_is_an_error():
    rule = OutOfRegionRule("regulating.flood_regulation", ShareBasis(coefficient="nope.share"))
    with pytest.raises(InputError, match="nope.share"):
        ledger(_gross(), [rule], None, _coefs())


def test_wiring_preview_gbt_profile_on_the_mini_account(mini, mini_coef):
    """What the engine will do once wired: account → ledger with the profile's own rules."""
    from gep.accounting import account
    from gep.coefficients import load_set
    from gep.profiles import engine_plan, load_profile

    national = load_set("national")
    prof = load_profile("gbt-46869-2025", coefficients=national)
    acc = account(mini, mini_coef, **engine_plan(prof).account_kwargs())
    data = mini.data.copy()
    regions = [str(r) for r in data["region"].values]
    years = [int(y) for y in data["year"].values]
    # illustrative inflow 1, local runoff 3 for every region-year → share 0.25
    ones = xr.DataArray(
        np.ones((len(regions), len(years))),
        dims=["region", "year"],
        coords={"region": regions, "year": years},
    )
    data["inflow"] = ones.assign_attrs(units="m ** 3")
    data["local_runoff"] = (3 * ones).assign_attrs(units="m ** 3")
    # the flood share lives in the national set, not the mini one: pass the national set
    res = ledger(acc.value, prof.out_of_region, data, national)
    ws = "material.water_supply"
    np.testing.assert_allclose(
        res.out_of_region.sel(indicator=ws).values, 0.25 * acc.value.sel(indicator=ws).values
    )
    # flood share is the illustrative 0: a zero + unsourced warning, net = gross
    kinds = {(w.indicator, w.kind) for w in res.warnings}
    assert kinds == {
        ("regulating.flood_regulation", "zero"),
        ("regulating.flood_regulation", "unsourced"),
    }
    gep_net = res.value.sum("indicator", min_count=1)
    gep_gross = acc.gep()
    assert bool((gep_net <= gep_gross + 1e-6).all())


def test_ledger_broadcasts_over_draws():
    g = _gross().expand_dims(draw=[0, 1, 2]).transpose("region", "year", "indicator", "draw")
    g = g * xr.DataArray([1.0, 2.0, 3.0], dims=["draw"], coords={"draw": [0, 1, 2]})
    res = ledger(g, [OutOfRegionRule("material.water_supply", ITEM_RULE)], _inventory(), None)
    # draw 2: 610902 2023 water supply 3 × 110 = 330 gross, share 0.6 → 198 out
    out = res.out_of_region.sel(region="610902", year=2023, indicator="material.water_supply")
    np.testing.assert_allclose(out.values, [66.0, 132.0, 198.0])
    assert res.value.dims == g.dims


@given(
    gross=st.floats(0, 1e12, allow_nan=False),
    share=st.floats(0, 1, allow_nan=False),
    k=st.floats(0.01, 100, allow_nan=False),
)
def test_deduct_properties(gross, share, k):
    ds = deduct(xr.DataArray([gross]), xr.DataArray([share]))
    net, out = float(ds["value"][0]), float(ds["out_of_region"][0])
    assert 0 <= out <= gross * (1 + 1e-12) and net >= -1e-6
    assert net + out == pytest.approx(gross, rel=1e-12, abs=1e-9)
    # linear in gross
    ds2 = deduct(xr.DataArray([gross * k]), xr.DataArray([share]))
    # net = gross − out cancels when the share is near 1: allow a few ulps of the gross
    ulps = 8 * np.finfo(float).eps * max(gross * k, 1.0)
    assert float(ds2["value"][0]) == pytest.approx(k * net, rel=1e-9, abs=ulps)


def test_ledger_frames():
    rules = [
        OutOfRegionRule("material.water_supply", ITEM_RULE),
        OutOfRegionRule("regulating.flood_regulation", COEF_RULE),
    ]
    res = ledger(_gross(), rules, _inventory(), _coefs(0.0, "illustrative"))
    df = res.to_frame()
    assert len(df) == 2 * 2 * 3
    assert list(df.columns) == [
        "region",
        "year",
        "indicator",
        "gross",
        "share",
        "out_of_region",
        "value",
        "basis",
    ]
    row = df[
        (df.region == "610902") & (df.year == 2023) & (df.indicator == "material.water_supply")
    ]
    assert row[["gross", "share", "out_of_region", "value"]].values.tolist() == [
        [110.0, 0.6, pytest.approx(66.0), pytest.approx(44.0)]
    ]
    assert set(df.loc[df.indicator == "material.hydropower", "basis"]) == {""}
    w = res.warnings_frame("en")
    assert set(w["kind"]) == {"zero", "unsourced"}
