"""总览 page: the city GEP under a profile with an out-of-region ledger is the city-perspective
total (the city's own basis, ``aggregate.csv``) and the page says which perspective it uses,
in Chinese and in English (issue 11)."""

from __future__ import annotations

import pytest

from gep.accounting import account
from gep.coefficients import load_set
from gep.inventory import load_dataset

from .helpers import REPO, assert_ok, new_app

ANKANG = REPO / "datasets" / "ankang"
pytestmark = pytest.mark.skipif(
    not (ANKANG / "dataset.yaml").exists(), reason="datasets/ankang not present"
)


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    monkeypatch.delenv("GEP_DATASET", raising=False)
    monkeypatch.delenv("GEP_COEFFICIENT_SET", raising=False)
    monkeypatch.setenv("GEP_WORKSPACE", str(tmp_path / "ws"))


def _metric_yi(at) -> float:
    m = at.metric[0]
    return float(str(m.value).split()[0].replace(",", ""))


@pytest.mark.parametrize(
    ("lang", "words"),
    [("zh", "安康市合计为全市视角"), ("en", "total in the city perspective")],
)
def test_overview_city_total_in_city_perspective(clean_env, lang, words):
    at = new_app(lang, profile="gbt-46869-2025", money_unit="yi")
    assert_ok(at)
    year = at.session_state["_ctx"].year
    captions = " ".join(str(c.value) for c in at.caption)
    assert words in captions, captions
    ds = load_dataset(ANKANG)
    acc = account(ds, load_set(ds.default_coefficients), profile="gbt-46869-2025")
    assert acc.city_perspective == "city"
    want = float(acc.city_gep().sel(year=year)) / 1e8
    assert _metric_yi(at) == pytest.approx(want, abs=0.006)
    # and not the sum of county net values (they differ by the transfers between counties)
    county = float(acc.county_sum_gep().sel(year=year)) / 1e8
    assert abs(want - county) > 0.1


def test_overview_without_deductions_has_no_perspective_line(clean_env):
    at = new_app("zh")
    assert_ok(at)
    captions = " ".join(str(c.value) for c in at.caption)
    assert "全市视角" not in captions and "各县净值之和" not in captions


@pytest.mark.parametrize(
    ("lang", "words"), [("zh", "合计为全市视角"), ("en", "total in the city perspective")]
)
def test_profiles_page_says_the_perspective(clean_env, lang, words):
    from .helpers import goto

    at = goto(new_app(lang), "profiles")
    assert_ok(at)
    captions = [str(c.value) for c in at.caption]
    assert sum(words in c for c in captions) == 2, captions  # gbt-46869-2025 and ankang


def test_overview_uncertainty_band_is_city_perspective(clean_env):
    """The Monte Carlo band's totals use the city's own basis: its deterministic line is
    ``city_gep()`` and the "band is the county sum" note is gone."""
    at = new_app("zh", profile="gbt-46869-2025", money_unit="yi")
    assert_ok(at)
    at = at.toggle(key="ov_mc").set_value(True).run(timeout=600)
    assert_ok(at)
    captions = " ".join(str(c.value) for c in at.caption)
    assert "各县净值之和计算" not in captions, captions
    band = next(d.value for d in at.dataframe if "deterministic" in d.value.columns)
    ds = load_dataset(ANKANG)
    acc = account(ds, load_set(ds.default_coefficients), profile="gbt-46869-2025")
    want = acc.city_gep().to_pandas() / 1e8
    years = band.iloc[:, 0].astype(int)
    assert band["deterministic"].to_numpy() == pytest.approx(want.loc[years].to_numpy(), rel=1e-9)
    # the band sits around the city total (P5 ≤ city GEP ≤ P95 every year)
    assert (band["p5"].to_numpy() <= want.loc[years].to_numpy()).all()
    assert (band["p95"].to_numpy() >= want.loc[years].to_numpy()).all()
