"""The account takes forest removals from the forest inventory when it is present."""

from __future__ import annotations

import numpy as np
import pytest

from gep.accounting import account
from gep.inventory import load_dataset

S = "illustrative: test"


def test_forest_inventory_replaces_forest_rates(mini_copy, mini_coef, mini_account):
    with open(mini_copy / "inventory.csv", "a", encoding="utf-8") as f:
        # county A: 6,000 ha of Masson pine (the broadleaf forest of the mini set), stock
        # 600,000 m³ in 2020 and 660,000 m³ in 2021; county B: none (its forest keeps rates)
        f.write(f"100001,2020,forest.area,,pinus_massoniana,6000,hectare,{S}\n")
        f.write(f"100001,2021,forest.area,,pinus_massoniana,6000,hectare,{S}\n")
        f.write(f"100001,2020,forest.stock,,pinus_massoniana,600000,m**3,{S}\n")
        f.write(f"100001,2021,forest.stock,,pinus_massoniana,660000,m**3,{S}\n")
    ds = load_dataset(mini_copy)
    cf = float(
        mini_coef.array("carbon.carbon_fraction", [2021], keys=["pinus_massoniana"]).values[0, 0]
    )
    a = float(mini_coef.array("carbon.fang_a", [2021], keys=["pinus_massoniana"]).values[0, 0])
    acc = account(ds, mini_coef)
    phys = acc.physical("regulating.carbon_sequestration")
    # 2021, county A: Fang B = a·V + b·A (area unchanged, so b·A cancels):
    #   ΔC = a × 60,000 m³ × CF per year; × 44/12 → tCO2e; plus shrub 1000×2 + dry farmland 1900×0.5
    forest = a * 60000 * cf * 44 / 12
    # the broadleaf ecosystem grew to 6,100 ha in 2021 but the inventory covers 6,000 ha:
    # the 100 ha beyond it are credited at the forest rate (4 tCO2e/ha) = 400 tCO2e
    assert float(phys.sel(region="100001", year=2021)) == pytest.approx(
        forest + 400 + 2000 + 950, rel=1e-9
    )
    # 2020 has no earlier inventory: per-area rate (6000 ha × 4) as before, and the note says so
    assert float(phys.sel(region="100001", year=2020)) == pytest.approx(
        float(
            mini_account.physical("regulating.carbon_sequestration").sel(region="100001", year=2020)
        )
    )
    notes = " ".join(acc.notes["regulating.carbon_sequestration"])
    assert "stock-difference" in notes and "per-area rate in 2020" in notes
    # accounting only 2021 still uses the 2020 inventory for the stock change
    only = account(ds, mini_coef, years=[2021])
    assert float(
        only.physical("regulating.carbon_sequestration").sel(region="100001", year=2021)
    ) == pytest.approx(forest + 400 + 2950, rel=1e-9)
    # the rates route can be forced
    rates = account(ds, mini_coef, options={"forest_carbon": "rates"})
    np.testing.assert_allclose(rates.value.values, mini_account.value.values)
