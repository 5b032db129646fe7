"""Hypothesis properties of the account (DESIGN §9)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gep.accounting import account
from gep.catalog import item_spec
from gep.inventory import INVENTORY_COLUMNS, dataset_from_frames
from tests.conftest import MINI

SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def raw_frames():
    regions = pd.read_csv(MINI / "regions.csv", dtype=str, keep_default_na=False)
    inv = pd.read_csv(MINI / "inventory.csv", dtype=str, keep_default_na=False)
    return regions, inv


def build(regions, inv, meta=None):
    return dataset_from_frames(
        regions, inv, name="prop", meta=meta or {"years": [2020, 2021], "base_year": 2020}
    )


@SETTINGS
@given(f=st.floats(0.05, 0.95))
def test_splitting_a_region_preserves_totals(mini, mini_coef, f):
    """Regions sum to the total: split county A into A1 (share f) and A2 (1 − f)."""
    regions, inv = raw_frames()
    a_rows = regions[regions["code"] == "100001"].iloc[0]
    r1, r2 = a_rows.copy(), a_rows.copy()
    r1["code"], r2["code"] = "100011", "100012"
    r1["parent"] = r2["parent"] = "100000"
    r1["land_area"] = repr(float(a_rows["land_area"]) * f)
    r2["land_area"] = repr(float(a_rows["land_area"]) * (1 - f))
    regions2 = pd.concat(
        [regions[regions["code"] != "100001"], pd.DataFrame([r1, r2])], ignore_index=True
    )
    parts = []
    for code, share in (("100011", f), ("100012", 1 - f)):
        part = inv[inv["region"] == "100001"].copy()
        part["region"] = code
        extensive = part["item"].map(lambda i: item_spec(i).kind == "extensive")
        part.loc[extensive, "value"] = (part.loc[extensive, "value"].astype(float) * share).map(
            repr
        )
        parts.append(part)
    inv2 = pd.concat([inv[inv["region"] != "100001"], *parts], ignore_index=True)
    split = account(build(regions2, inv2), mini_coef)
    whole = account(mini, mini_coef)
    merged = split.value.sel(region=["100011", "100012"]).sum("region", min_count=1)
    np.testing.assert_allclose(merged.values, whole.value.sel(region="100001").values, rtol=1e-9)
    np.testing.assert_allclose(split.city_gep().values, whole.city_gep().values, rtol=1e-9)


def test_indicators_sum_to_gep_and_categories(mini_account):
    a = mini_account
    np.testing.assert_allclose(a.value.sum("indicator").values, a.gep().values, rtol=1e-12)
    np.testing.assert_allclose(a.by_category().sum("category").values, a.gep().values, rtol=1e-12)
    np.testing.assert_allclose(
        a.total("region").sum("indicator").values, a.city_gep().values, rtol=1e-12
    )


@SETTINGS
@given(
    unit=st.sampled_from(
        [("亩", 15.0), ("km**2", 0.01), ("m**2", 1e4), ("万亩", 15e-4), ("hectare", 1.0)]
    )
)
def test_area_unit_does_not_change_the_account(mini_account, mini_coef, unit):
    name, per_ha = unit
    regions, inv = raw_frames()
    m = (inv["item"] == "area") & (inv["unit"] == "hectare")
    inv.loc[m, "value"] = (inv.loc[m, "value"].astype(float) * per_ha).map(repr)
    inv.loc[m, "unit"] = name
    other = account(build(regions, inv), mini_coef)
    np.testing.assert_allclose(other.value.values, mini_account.value.values, rtol=1e-9)


LINEAR = [
    (
        "regulating.water_conservation.reservoir_cost",
        ["regulating.water_conservation", "regulating.flood_regulation"],
    ),
    ("regulating.carbon_sequestration.price", ["regulating.carbon_sequestration"]),
    ("regulating.climate_regulation.electricity_price", ["regulating.climate_regulation"]),
    ("cultural.recreation.travel_cost", ["cultural.recreation"]),
    ("material.hydropower.price", ["material.hydropower"]),
    ("regulating.air_purification.cost.so2", []),
]


@SETTINGS
@given(case=st.sampled_from(LINEAR), k=st.one_of(st.just(0.0), st.floats(1e-6, 10.0)))
def test_value_is_linear_in_each_price(mini, mini_coef, mini_account, case, k):
    cid, indicators = case
    scaled = account(mini, mini_coef.with_overrides([f"{cid}*={k!r}"]))
    for ind in indicators:
        np.testing.assert_allclose(
            scaled.value.sel(indicator=ind).values,
            k * mini_account.value.sel(indicator=ind).values,
            rtol=1e-9,
        )
    untouched = [
        i for i in mini_account.indicator_ids if i not in indicators and not cid.startswith(i)
    ]
    np.testing.assert_allclose(
        scaled.value.sel(indicator=untouched).values,
        mini_account.value.sel(indicator=untouched).values,
        rtol=1e-12,
    )


@SETTINGS
@given(factors=st.lists(st.floats(0.0, 5.0), min_size=64, max_size=64))
def test_non_negative_inputs_give_non_negative_services(mini_coef, factors):
    regions, inv = raw_frames()
    items = sorted(inv["item"].unique())
    scale = {item: factors[i % len(factors)] for i, item in enumerate(items)}
    # extents must still fit the land: scale area by at most 1
    scale["area"] = min(scale["area"], 1.0)
    # RUSLE C and P are fractions
    for it in ("rusle.c", "rusle.p"):
        scale[it] = min(scale[it], 1.0)
    inv["value"] = [
        repr(float(v) * scale[i]) for v, i in zip(inv["value"], inv["item"], strict=True)
    ]
    acc = account(build(regions, inv), mini_coef)
    vals = acc.value.values
    assert np.all(vals[~np.isnan(vals)] >= 0)
    for ind in acc.indicator_ids:
        phys = acc.physical(ind).values
        assert np.all(phys[~np.isnan(phys)] >= 0)


def test_inventory_columns_are_the_design_columns():
    assert INVENTORY_COLUMNS == [
        "region",
        "year",
        "item",
        "ecosystem",
        "species",
        "value",
        "unit",
        "source",
    ]
