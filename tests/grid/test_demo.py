"""The offline demo: real county boundaries (cnmaps), inventory shares, a dataset gep reads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

pytest.importorskip("cnmaps")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from gep.grid import load_config, run_grid, write_outputs
    from gep.grid.demo import build_demo

    out = tmp_path_factory.mktemp("demo")
    path = build_demo(out, resolution=2000)
    result = run_grid(path)
    write_outputs(result, out / "result", load_config(path))
    return out, result


def test_demo_rasters_are_tagged_illustrative(demo):
    import rasterio

    out, _ = demo
    tifs = sorted((out / "rasters").glob("*.tif"))
    assert len(tifs) == 9
    for t in tifs:
        with rasterio.open(t) as src:
            tags = src.tags()
        assert tags["GEP_STATUS"] == "illustrative" and "gep grid demo" in tags["GEP_HOW_MADE"]
    assert "ILLUSTRATIVE" in (out / "config.yaml").read_text(encoding="utf-8")


def test_demo_zones_are_ankang_counties_with_xunyang_renamed(demo):
    _, result = demo
    codes = list(result.regions["code"])
    assert len(codes) == 10 and "610981" in codes and "610928" not in codes
    # county areas from the boundaries agree with regions.csv (DataV) to within 2 %
    ref = pd.read_csv("datasets/ankang/regions.csv", dtype={"code": str}).set_index("code")
    got = result.regions.set_index("code")["land_area"] / 100.0  # ha → km²
    rel = (got - ref.loc[got.index, "land_area"]).abs() / ref.loc[got.index, "land_area"]
    assert float(rel.max()) < 0.02


def test_demo_land_cover_shares_match_inventory(demo):
    _, result = demo
    inv = pd.read_csv("datasets/ankang/inventory.csv", dtype={"region": str})
    a = inv[(inv["item"] == "area") & (inv["year"] == 2024)]
    want = a.pivot_table(index="region", columns="ecosystem", values="value", aggfunc="sum")
    want = want.div(want.sum(axis=1), axis=0)
    g = result.inventory[result.inventory["item"] == "area"]
    got = g.pivot_table(index="region", columns="ecosystem", values="value", aggfunc="sum")
    px = 2000.0 * 2000.0 / 1e4
    n = got.sum(axis=1) / px
    got = got.div(got.sum(axis=1), axis=0).reindex(columns=want.columns, fill_value=0.0)
    # pixel shares equal the inventory shares up to one pixel per class
    tol = (1.0 / n).to_numpy()[:, None] + 1e-12
    assert (np.abs(got.fillna(0.0) - want.loc[got.index]).to_numpy() <= tol).all()


def test_demo_result_is_a_dataset_gep_accounts(demo):
    from gep.cli.main import app
    from gep.inventory import load_dataset

    out, result = demo
    ds = load_dataset(out / "result")
    area = ds.data["area"].sel(year=2024).sum("ecosystem").to_series()
    expect = result.inventory[result.inventory["item"] == "area"].groupby("region")["value"].sum()
    np.testing.assert_allclose(area.loc[expect.index].to_numpy(), expect.to_numpy(), rtol=1e-9)
    r = CliRunner().invoke(app, ["account", str(out / "result"), "--format", "json"])
    assert r.exit_code == 0, r.output
    q = pd.read_csv(out / "result" / "quantities.csv", dtype={"region": str})
    assert set(q["indicator"]) == {
        "regulating.water_conservation",
        "regulating.soil_conservation",
        "regulating.carbon_sequestration",
        "regulating.climate_regulation",
    }
    assert (q[q["indicator"] != "regulating.carbon_sequestration"]["value"] > 0).all()
    climate = q[q["indicator"] == "regulating.climate_regulation"]
    assert set(climate["component"]) == {"transpiration", "water_evaporation"}
    assert (climate["unit"] == "kWh").all() and (climate["value"] > 0).all()


def test_run_for_app_gives_choropleth_and_preview(demo):
    from gep.grid.app import run_for_app

    out, result = demo
    payload = run_for_app(out / "config.yaml", preview_px=64)
    feats = payload["geojson"]["features"]
    assert len(feats) == 10
    by_code = {f["properties"]["code"]: f["properties"] for f in feats}
    q = result.quantities.set_index(["region", "indicator"])["value"]
    for code, props in by_code.items():
        assert props["regulating.water_conservation"] == q[(code, "regulating.water_conservation")]
    assert max(payload["preview"].shape) <= 64
    assert set(np.unique(payload["preview"])) - {0} <= set(payload["classes"])


def test_grid_quantities_round_trip_through_the_account(demo, tmp_path):
    """gep grid → gep account: the account's quantities are the grid's quantities.csv totals."""
    import json

    from gep.cli.main import app
    from gep.units import conversion_factor

    out, _result = demo
    r = CliRunner().invoke(app, ["account", str(out / "result"), "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)["rows"]
    q = pd.read_csv(out / "result" / "quantities.csv", dtype={"region": str}, keep_default_na=False)
    units = {x["indicator"]: x["physical_unit"] for x in rows}
    q["canonical"] = [
        v * conversion_factor(u, units[i])
        for v, u, i in zip(q["value"], q["unit"], q["indicator"], strict=True)
    ]
    want = q.groupby(["region", "year", "indicator"])["canonical"].sum()
    got = {(x["region"], x["year"], x["indicator"]): x for x in rows}
    for (region, year, ind), total in want.items():
        row = got[(region, int(year), ind)]
        assert row["route"] == "supplied" and row["quantity_source"], (region, ind)
        assert row["physical"] == pytest.approx(total, rel=1e-9, abs=1e-9), (region, ind)
        assert row["value"] is not None
    # a stock loss is a negative carbon sequestration (the grid writes the stock difference):
    # allowed by the indicator's declared range and valued at the same carbon price
    import shutil

    folder = tmp_path / "loss"
    shutil.copytree(out / "result", folder)
    carbon = q.index[q["indicator"] == "regulating.carbon_sequestration"]
    assert len(carbon)
    raw = pd.read_csv(folder / "quantities.csv", dtype=str, keep_default_na=False)
    raw.loc[carbon[0], "value"] = "-" + raw.loc[carbon[0], "value"]
    raw.to_csv(folder / "quantities.csv", index=False)
    r = CliRunner().invoke(app, ["account", str(folder), "--format", "json"])
    assert r.exit_code == 0, r.output
    lost = {(x["region"], x["indicator"]): x for x in json.loads(r.stdout)["rows"]}
    region = q.loc[carbon[0], "region"]
    before = got[(region, int(q.loc[carbon[0], "year"]), "regulating.carbon_sequestration")]
    after = lost[(region, "regulating.carbon_sequestration")]
    assert after["physical"] == pytest.approx(-before["physical"])
    assert after["value"] == pytest.approx(-before["value"])
