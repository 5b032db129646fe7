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


# ------------------------------------------------------------------------------------------
# Calibration to Ankang's published 2024 GEP.
# Published figures (亿元, current prices): 安康市发改委, reported by 陕西日报 2025-08-20
# (齐珂雨, 陆青波; mirror https://www.ferrantep.com/Content-2847521.html) and 西部学习报
# 2025-08-21 — as collected in shared/reference/ankang_facts.md, "Published GEP 2024":
# GEP 2,374.12 (+17.3 % vs 2020); 物质供给 209.4 (农林牧渔产品 ≈ 85.3 %); 调节服务 1,653.1
# (局部气候调节 808.99 = 343.8万元/km², 水源涵养 541.45 = 230.1万元/km²); 文化服务 511.65
# (旅游康养 326.34). The numbers are typed here again on purpose (not imported from
# datasets/ankang/calibration.py), so a wrong transcription there fails this test.
# ------------------------------------------------------------------------------------------
PUBLISHED_2024 = {
    "gep": 2374.12,
    "material": 209.4,
    "regulating": 1653.1,
    "cultural": 511.65,
    "regulating.climate_regulation": 808.99,
    "regulating.water_conservation": 541.45,
    "cultural.recreation": 326.34,
}


def _calibration_module():
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("ankang_calibration", ANKANG / "calibration.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def ankang_account(ankang, ankang_coef):
    return account(ankang, ankang_coef)


def _yi(x) -> float:
    return float(x) / 1e8


@pytest.mark.parametrize("key", list(PUBLISHED_2024))
def test_2024_within_5_percent_of_published(ankang_account, key):
    acc = ankang_account
    v = acc.value.sel(year=2024)
    if key == "gep":
        demo = _yi(v.sum())
    elif key in ("material", "regulating", "cultural"):
        demo = _yi(acc.by_category().sel(year=2024, category=key).sum())
    else:
        demo = _yi(v.sel(indicator=key).sum())
    assert demo == pytest.approx(PUBLISHED_2024[key], rel=0.05), (key, demo)


def test_products_share_and_per_km2(ankang_account):
    acc = ankang_account
    v = acc.value.sel(year=2024)
    products = _yi(
        v.sel(
            indicator=[
                "material.agriculture",
                "material.forestry",
                "material.livestock",
                "material.fishery",
            ]
        ).sum()
    )
    assert products == pytest.approx(0.853 * 209.4, rel=0.05)
    km2 = float(acc.land_area_km2().sum())
    # published 343.8 and 230.1 万元/km² (same source)
    climate = float(v.sel(indicator="regulating.climate_regulation").sum()) / 1e4 / km2
    water = float(v.sel(indicator="regulating.water_conservation").sum()) / 1e4 / km2
    assert climate == pytest.approx(343.8, rel=0.05)
    assert water == pytest.approx(230.1, rel=0.05)


def test_2020_follows_published_growth(ankang_account):
    # published: 2024 GEP is +17.3 % over 2020, so 2020 ≈ 2,374.12 / 1.173 = 2,023.97亿元
    city = ankang_account.city_gep()
    assert _yi(city.sel(year=2020)) == pytest.approx(2374.12 / 1.173, rel=0.05)
    growth = float(city.sel(year=2024) / city.sel(year=2020)) - 1
    assert growth == pytest.approx(0.173, abs=0.05)


def test_recreation_uses_ankang_spending_per_visit(ankang_coef):
    # 76.22亿元 / 1,800万人次 (2012, 安康市旅游局 figures) = 423.44 元 per visit, CPI-indexed
    # to 2024 by the national chain 132.33 / 108.14 (prices_and_indices.md §1)
    tc = float(ankang_coef.array("cultural.recreation.travel_cost", [2024]).sel(year=2024))
    assert tc == pytest.approx(76.22e8 / 1800e4 * 132.33 / 108.14, rel=2e-3)


def test_calibrated_rows_say_what_they_were_calibrated_to(ankang):
    t = ankang.table
    for item in ("climate.hot_days", "rusle.r", "visitors", "landscape.premium_area"):
        src = t.loc[t["item"] == item, "source"]
        assert len(src) == 50
        assert src.str.startswith("illustrative:").all(), item
        assert src.str.contains("calibrated").all(), item
        assert src.str.contains("陕西日报 2025-08-20").all(), item


def test_readme_table_matches_account(ankang_account):
    mod = _calibration_module()
    text = (ANKANG / "README.md").read_text(encoding="utf-8")
    assert mod.readme_table(text) == mod.table(ankang_account)
    for item, _demo, rel in mod.rows(ankang_account):
        assert abs(rel) <= 0.05, item.key


def test_generator_reproduces_inventory(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "inventory.csv"
    r = subprocess.run(
        [sys.executable, str(ANKANG / "build_inventory.py"), "--check", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert out.read_bytes() == (ANKANG / "inventory.csv").read_bytes()
    # the city's own out-of-region basis is written beside it (issue 11, city perspective)
    agg = tmp_path / "aggregate.csv"
    assert agg.read_bytes() == (ANKANG / "aggregate.csv").read_bytes()
