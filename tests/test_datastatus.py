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
