"""Share of GEP resting on illustrative rows (gep.datastatus)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from gep.accounting import account
from gep.coefficients import load_set
from gep.datastatus import (
    coefficient_status,
    dataset_status,
    illustrative_share,
    is_illustrative_source,
)
from gep.inventory import load_dataset

DATA = Path(__file__).parent / "data"


@pytest.fixture
def real_mini(tmp_path):
    """The mini data with every row and coefficient relabelled as non-illustrative, except
    the hydropower rows of county 100001 and the carbon price (both years)."""
    ds_dir = tmp_path / "mini"
    shutil.copytree(DATA / "mini", ds_dir)
    inv = pd.read_csv(ds_dir / "inventory.csv", dtype=str, keep_default_na=False)
    keep = (inv["item"] == "hydropower.generation") & (inv["region"] == "100001")
    inv.loc[~keep, "source"] = "county statistical yearbook (test relabel)"
    inv.to_csv(ds_dir / "inventory.csv", index=False)
    set_dir = tmp_path / "coefficients" / "mini"
    shutil.copytree(DATA / "coefficients" / "mini", set_dir)
    for f in set_dir.rglob("*.yaml"):
        if f.relative_to(set_dir).as_posix() != "regulating/carbon_sequestration/price.yaml":
            f.write_text(
                f.read_text(encoding="utf-8").replace("status: illustrative", "status: literature"),
                encoding="utf-8",
            )
    return load_dataset(ds_dir), load_set(set_dir)


def test_sources():
    assert is_illustrative_source("illustrative: made up")
    assert is_illustrative_source("  Illustrative — assumed")
    assert not is_illustrative_source("统计年鉴 2024; not illustrative")
    assert not is_illustrative_source(None)


def test_share_by_hand(real_mini):
    ds, cs = real_mini
    acc = account(ds, cs)
    out = illustrative_share(acc).set_index(["region", "year"])
    v = acc.value.fillna(0)
    for region in ("100001", "100002"):
        for year in acc.years:
            here = v.sel(region=region, year=year)
            gep = float(here.sum())
            carbon = float(here.sel(indicator="regulating.carbon_sequestration"))
            hydro = float(here.sel(indicator="material.hydropower"))
            # the carbon price is illustrative everywhere; hydropower rows only in 100001
            expected = carbon + (hydro if region == "100001" else 0.0)
            row = out.loc[(region, year)]
            assert row["gep"] == pytest.approx(gep)
            assert row["illustrative_value"] == pytest.approx(expected)
            assert row["share"] == pytest.approx(expected / gep)
            assert "regulating.carbon_sequestration" in row["indicators"]
            assert ("material.hydropower" in row["indicators"]) == (region == "100001")
    st = dataset_status(ds)
    assert (
        st["illustrative"] == 2
    )  # hydropower.generation of 100001, 2 years and st["rows"] == len(ds.table)
    assert coefficient_status(cs, 2021)["ids"] == ["regulating.carbon_sequestration.price"]


def test_all_illustrative_mini_is_fully_flagged(mini, mini_coef):
    out = illustrative_share(account(mini, mini_coef))
    assert out["share"].tolist() == pytest.approx([1.0] * len(out))


def test_status_summary_and_export_line(real_mini):
    from gep.datastatus import status_line, status_summary

    ds, cs = real_mini
    acc = account(ds, cs)
    v = acc.value.fillna(0).sel(year=2021)
    carbon = v.sel(indicator="regulating.carbon_sequestration")
    hydro_a = float(v.sel(region="100001", indicator="material.hydropower"))
    total = float(v.sum())
    got = status_summary(acc, ds, 2021)
    assert got["illustrative"] and got["year"] == 2021
    assert (got["rows"], got["illustrative_rows"], got["illustrative_coefficients"]) == (
        len(ds.table),
        2,
        1,
    )
    expected = (float(carbon.sum()) + hydro_a) / total
    assert got["share"] == pytest.approx(expected)
    assert got["by_region"]["100002"] == pytest.approx(
        float(carbon.sel(region="100002")) / float(v.sel(region="100002").sum())
    )
    one = status_summary(acc, ds, 2021, region="100002")
    assert one["share"] == pytest.approx(got["by_region"]["100002"])
    zh, en = status_line(got, "zh"), status_line(got, "en")
    pct = f"{100 * expected:.1f}%"
    assert zh.startswith("⚠ 示意数据（illustrative）") and pct in zh and "2021 年 GEP" in zh
    assert en.startswith("⚠ Illustrative data (示意数据)") and pct in en
    assert "2 of the" in en and "1 coefficient(s)" in en
    assert pct in status_line(got, "zh", short=True)


def test_status_summary_of_real_data_is_silent(real_mini):
    from gep.datastatus import status_line, status_summary

    ds, cs = real_mini
    ds.table["source"] = "county statistical yearbook"
    for c in cs.coefficients.values():
        for e in c.values:
            object.__setattr__(e, "status", "literature")
    got = status_summary(account(ds, cs), ds)
    assert not got["illustrative"] and got["share"] == 0.0
    assert status_line(got, "zh") == "" and status_line(got, "en", short=True) == ""
