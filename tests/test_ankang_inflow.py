"""Ankang under GB/T 46869—2025: the inflow / local-runoff rows make the out-of-region ledger
for water supply and hydropower computable (issue 11 follow-up)."""

from __future__ import annotations

import numpy as np
import pytest

from gep.accounting import account
from gep.coefficients import load_set
from gep.inventory import load_dataset
from tests.conftest import ROOT

ANKANG = ROOT / "datasets" / "ankang"
LEDGER_WATER = ["material.water_supply", "material.hydropower"]


@pytest.fixture(scope="module")
def gbt():
    ds = load_dataset(ANKANG)
    return account(ds, load_set(ds.default_coefficients), profile="gbt-46869-2025")


def test_water_supply_and_hydropower_assessed(gbt):
    for iid in LEDGER_WATER:
        assert gbt.ledger_bases[iid] == "(inflow) / (inflow + local_runoff)"
        net = gbt.value.sel(indicator=iid)
        gross = gbt.gross.sel(indicator=iid)
        assert not np.isnan(net.values).any(), iid
        assert (gross > 0).any() and (net <= gross + 1e-6).all()
        # no warning about these two indicators any more
        assert not [w for w in gbt.warnings if w["indicator"] == iid]


def test_shiquan_share_by_hand(gbt):
    # 石泉 (610922), long-term means from the cited figures (datasets/ankang/README.md):
    # inflow = Han at 石泉, midpoint of 341–372 m³/s over 365 days;
    # local runoff = 107亿 m³ × 石泉 land area / city land area (regions.csv, km²).
    q = (341 + 372) / 2 * 365 * 86400  # 112.43亿 m³
    r = 107e8 * 1514.7 / 23537.7  # 6.89亿 m³
    share = q / (q + r)  # ≈ 0.9423
    assert share == pytest.approx(0.94228, abs=1e-5)
    for iid in LEDGER_WATER:
        for year in [2020, 2022, 2024]:
            gross = float(gbt.gross.sel(indicator=iid, region="610922", year=year))
            net = float(gbt.value.sel(indicator=iid, region="610922", year=year))
            out = float(gbt.out_of_region.sel(indicator=iid, region="610922", year=year))
            assert gross > 0
            assert net == pytest.approx(gross * (1 - share), rel=1e-8)
            assert out == pytest.approx(gross * share, rel=1e-8)


def test_tributary_county_deducts_nothing(gbt):
    # 宁陕 (610923) is not on the Han main stem: inflow 0 → share 0 → net = gross.
    for iid in LEDGER_WATER:
        g = gbt.gross.sel(indicator=iid, region="610923")
        assert np.allclose(gbt.value.sel(indicator=iid, region="610923"), g)
