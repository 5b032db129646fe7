"""The bundled Ankang dataset: validates, accounts in every year and profile, adds up."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from gep.accounting import account
from gep.coefficients import load_set
from gep.inventory import load_dataset
from gep.template import write_template
from tests.conftest import ROOT

ANKANG = ROOT / "datasets" / "ankang"


@pytest.fixture(scope="module")
def ankang():
    return load_dataset(ANKANG)


@pytest.fixture(scope="module")
def ankang_coef(ankang):
    return load_set(ankang.default_coefficients)


def test_ten_counties_five_years(ankang):
    assert len(ankang.counties) == 10 and ankang.years == [2020, 2021, 2022, 2023, 2024]
    assert ankang.top_region == "610900"
    assert set(ankang.counties) == {
        "610902",
        "610921",
        "610922",
        "610923",
        "610924",
        "610925",
        "610926",
        "610927",
        "610981",
        "610929",
    }


def test_every_row_has_provenance(ankang):
    src = ankang.table["source"]
    assert (src.str.len() > 0).all()
    real = ~src.str.startswith("illustrative:")
    assert real.sum() > 0  # some rows carry a public citation


def test_extent_sums_to_land_area(ankang):
    area = ankang.data["area"].sum("ecosystem")
    land = ankang.regions.loc[ankang.counties, "land_area_ha"].to_numpy()[:, None]
    assert np.all(np.abs(area.values / land - 1) <= 0.01)


@pytest.mark.parametrize("profile", ["ndrc-2022", "xie-2015"])
def test_account_every_year_and_profile(ankang, ankang_coef, profile):
    acc = account(ankang, ankang_coef, profile=profile)
    assert acc.years == ankang.years
    gep = acc.gep()
    assert bool((gep > 0).all())
    # city totals equal the sum of counties
    np.testing.assert_allclose(acc.city_gep().values, gep.sum("region").values, rtol=1e-12)
    np.testing.assert_allclose(acc.by_category().sum("category").values, gep.values, rtol=1e-12)


def test_forest_carbon_uses_inventory(ankang, ankang_coef):
    acc = account(ankang, ankang_coef)
    notes = " ".join(acc.notes["regulating.carbon_sequestration"])
    assert "stock-difference" in notes


def test_template_roundtrip(tmp_path, ankang):
    folder = tmp_path / "ankang"
    folder.mkdir()
    write_template(folder / "inventory.xlsx", ANKANG)
    for f in ("regions.csv", "dataset.yaml"):
        shutil.copy(ANKANG / f, folder / f)
    again = load_dataset(folder)
    assert again.data.identical(ankang.data)
