"""Gridded mode: per-pixel formulas, zonal sums, borders, nodata, grid checks, config errors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from gep.errors import InputError
from gep.grid import load_config, run_grid, write_outputs
from gep.grid.formulas import budyko_fu_aet, ls_factor, slope_radians
from gep.grid.layers import builtin_tables, load_classes
from gep.indicators.regulating import rusle_soil_retention, water_balance_retention
from gep.units import ureg

from .conftest import CODES, RES, write_config, write_tif

PX_HA = RES * RES / 1e4
WATER = {"forest.broadleaf", "shrub", "grassland", "wetland"}
SOIL = {"forest.broadleaf", "shrub", "grassland", "farmland.paddy", "farmland.dry"}


def _q(result, indicator, region):
    q = result.quantities
    row = q[(q["indicator"] == indicator) & (q["region"] == region)]
    assert len(row) == 1
    return float(row["value"].iloc[0])


def _zone_masks(shape, border_zone):
    cols = np.arange(shape[1])[None, :].repeat(shape[0], axis=0)
    a = cols < 59
    if border_zone == "610902":
        a = cols <= 59
    return {"610902": a, "610981": ~a}


def _reference(cfg, arr, masks):
    """Independent numpy sums of water and soil retention by zone."""
    lc = arr["lc"]
    p, et, r, dem = (arr[k].astype(np.float64) for k in ("p", "et", "r", "dem"))
    alpha = cfg["tables"]["runoff_coefficient"]
    c, pp = cfg["tables"]["rusle_c"], cfg["tables"]["rusle_p"]
    eco = np.vectorize(lambda v: CODES.get(int(v), ""))(lc)
    a_map = np.vectorize(lambda e: alpha.get(e, np.nan))(eco)
    cp = np.vectorize(lambda e: c.get(e, np.nan) * pp.get(e, np.nan) if e else np.nan)(eco)
    ls = ls_factor(slope_radians(dem.astype(float), RES, RES), 30.0)
    out = {}
    for code, m in masks.items():
        w = m & np.isin(eco, list(WATER)) & (p != -9999)
        q = np.maximum(p - a_map * p - et, 0.0) * PX_HA * 10.0
        s = m & np.isin(eco, list(SOIL))
        soil = r * 0.03 * ls * np.maximum(1 - cp, 0) * PX_HA
        out[code] = (float(q[w].sum()), float(soil[s].sum()))
    return out


def test_zonal_totals_equal_numpy_reference_and_border_counted_once(scene):
    folder, cfg, arr = scene
    res = run_grid(write_config(folder, cfg))
    # the shared edge runs through the centres of column 59: it belongs to one zone only
    inv = res.inventory
    area = inv[inv["item"] == "area"].groupby("region")["value"].sum()
    valid = int((arr["lc"] != 0).sum())
    assert area.sum() == pytest.approx(valid * PX_HA, rel=1e-12)
    zone_area = res.regions.set_index("code")["land_area"]
    assert zone_area.sum() == pytest.approx(arr["lc"].size * PX_HA, rel=1e-12)
    n_a = round(zone_area["610902"] / PX_HA)
    assert n_a in (59 * 90, 60 * 90)
    border = "610902" if n_a == 60 * 90 else "610981"
    ref = _reference(cfg, arr, _zone_masks(arr["lc"].shape, border))
    for code, (w, s) in ref.items():
        assert _q(res, "regulating.water_conservation", code) == pytest.approx(w, rel=1e-9)
        assert _q(res, "regulating.soil_conservation", code) == pytest.approx(s, rel=1e-9)
    # 旬阳's old code in the zone file is mapped to 610981
    assert set(res.quantities["region"]) == {"610902", "610981"}


def test_nodata_never_counted_and_reported(scene):
    folder, cfg, arr = scene
    res = run_grid(write_config(folder, cfg))
    assert res.info["land_cover_nodata_px_in_zones"] == 2
    p_missing = res.info["nodata_px_in_counted_pixels"].get("precipitation", 0)
    assert p_missing == int(CODES.get(int(arr["lc"][10, 10]), "") in WATER)
    cfg["nodata_policy"] = "error"
    with pytest.raises(InputError) as exc:
        run_grid(write_config(folder, cfg))
    assert "land_cover" in str(exc.value) and "nodata" in str(exc.value)


def test_per_pixel_formulas_equal_tabular_account(tmp_path):
    """Uniform inputs per zone × ecosystem: grid totals = the tabular account's quantities."""
    from gep.accounting import account
    from gep.coefficients import load_set
    from gep.inventory import dataset_from_frames

    h, w = 40, 60
    lc = np.full((h, w), 11, np.uint8)
    lc[:, 20:35] = 20
    lc[:, 35:] = 62
    write_tif(tmp_path / "lc.tif", lc, 0)
    write_tif(tmp_path / "p.tif", np.full((h, w), 950.0, np.float32))
    et_by = {"forest.broadleaf": 520.0, "shrub": 480.0, "farmland.dry": 500.0}
    alpha = {"forest.broadleaf": 0.05, "shrub": 0.08, "farmland.dry": 0.25}
    cfg = {
        "year": 2024,
        "zones": {"whole": "610923"},
        "land_cover": {"path": "lc.tif", "classes": "gep_ecosystems"},
        "layers": {
            "precipitation": {"path": "p.tif", "unit": "mm"},
            "rusle_r": {"path": "p.tif", "unit": "MJ * mm / (hectare * hour * year)"},
            "rusle_ls": {"path": "p.tif", "unit": "dimensionless"},
        },
        "tables": {
            "evapotranspiration": et_by,
            "runoff_coefficient": alpha,
            "rusle_k": {e: 0.03 for e in et_by},
            "rusle_c": {e: 0.1 for e in et_by},
            "rusle_p": {e: 0.5 for e in et_by},
        },
    }
    res = run_grid(write_config(tmp_path, cfg))
    areas = res.inventory.set_index("ecosystem")["value"]
    rows = []
    for eco, a in areas.items():
        rows += [
            ("610923", 2024, "area", eco, "", a, "hectare", "t"),
            ("610923", 2024, "evapotranspiration", eco, "", et_by[eco], "mm", "t"),
            ("610923", 2024, "runoff", eco, "", alpha[eco] * 950.0, "mm", "t"),
            ("610923", 2024, "rusle.ls", eco, "", 950.0, "dimensionless", "t"),
            ("610923", 2024, "rusle.c", eco, "", 0.1, "dimensionless", "t"),
            ("610923", 2024, "rusle.p", eco, "", 0.5, "dimensionless", "t"),
        ]
    rows += [
        ("610923", 2024, "precipitation", "", "", 950.0, "mm", "t"),
        ("610923", 2024, "rusle.r", "", "", 950.0, "MJ * mm / (hectare * hour * year)", "t"),
        ("610923", 2024, "rusle.k", "", "", 0.03, "t * hectare * hour / (hectare * MJ * mm)", "t"),
    ]
    inv = pd.DataFrame(
        rows, columns=["region", "year", "item", "ecosystem", "species", "value", "unit", "source"]
    )
    regions = pd.DataFrame(
        [("610923", "宁陕县", "Ningshan", "", 1000.0, "hectare", "t")],
        columns=["code", "name_zh", "name_en", "parent", "land_area", "land_area_unit", "source"],
    )
    ds = dataset_from_frames(regions, inv, name="t")
    acc = account(ds, load_set("national"), years=[2024])
    for ind in ("regulating.water_conservation", "regulating.soil_conservation"):
        tab = float(acc.physical(ind).sel(region="610923", year=2024))
        assert _q(res, ind, "610923") == pytest.approx(tab, rel=1e-12), ind
    # and the decorated formula on pint quantities gives the per-pixel value
    q = water_balance_retention(
        950 * ureg.mm, 0.05 * 950 * ureg.mm, 520 * ureg.mm, PX_HA * ureg.hectare
    )
    assert float(q.to("m**3").magnitude) == pytest.approx((950 - 47.5 - 520) * PX_HA * 10)
    s = rusle_soil_retention(
        950 * ureg("MJ * mm / (hectare * hour * year)"),
        0.03 * ureg("t * hectare * hour / (hectare * MJ * mm)"),
        950,
        0.1,
        0.5,
        PX_HA * ureg.hectare,
    )
    assert float(s.magnitude) == pytest.approx(950 * 0.03 * 950 * 0.95 * PX_HA)


def test_transpiration_energy_equals_formula_on_zonal_sums(tmp_path):
    """Per-pixel E_pt with the set's heat by ecosystem = the formula on area × mean days."""
    from gep.coefficients import load_set
    from gep.indicators.regulating import transpiration_cooling_energy

    h, w = 30, 40
    lc = np.full((h, w), 11, np.uint8)
    lc[:, 25:] = 30
    lc[:5, :5] = 50  # water: not counted
    days = np.tile(np.linspace(20, 60, w, dtype=np.float32), (h, 1))
    write_tif(tmp_path / "lc.tif", lc, 0)
    write_tif(tmp_path / "hd.tif", days)
    cfg = {
        "year": 2024,
        "coefficients": "national",
        "zones": {"whole": "610900"},
        "land_cover": {"path": "lc.tif", "classes": "gep_ecosystems"},
        "layers": {"hot_days": {"path": "hd.tif", "unit": "day"}},
    }
    res = run_grid(write_config(tmp_path, cfg))
    cset = load_set("national")
    c = "regulating.climate_regulation."
    heat = cset.array(c + "transpiration_heat", [2024], keys=["forest.broadleaf", "grassland"])
    eer = float(cset.array(c + "ac_efficiency", [2024]).values.ravel()[0])
    expect = 0.0
    for j, (_eco, code) in enumerate((("forest.broadleaf", 11), ("grassland", 30))):
        m = lc == code
        day_area = float((days.astype(float)[m]).sum()) * PX_HA  # Σ d·A [ha·day]
        e = transpiration_cooling_energy(
            float(heat.values[0, j]) * ureg("kJ / m**2 / day"),
            day_area * ureg.hectare,
            1 * ureg.day,
            eer,
        )
        expect += float(e.to("kWh").magnitude)
    q = res.quantities
    row = q[q["indicator"] == "regulating.climate_regulation"]
    assert list(row["component"]) == ["transpiration"]
    assert float(row["value"].iloc[0]) == pytest.approx(expect, rel=1e-9)
    hd = res.inventory[res.inventory["item"] == "climate.hot_days"]["value"].iloc[0]
    assert hd == pytest.approx(float(days[lc != 0].mean()), rel=1e-6)


def test_carbon_stock_difference_and_npv_against_numpy(scene):
    folder, cfg, arr = scene
    cfg["zones"] = {"whole": "610900"}
    res = run_grid(write_config(folder, cfg))
    ecos = sorted(set(CODES.values()))
    dens = {e: sum(cfg["carbon"]["pools"][e].values()) for e in ecos}
    d = np.zeros(256)
    for code, e in CODES.items():
        d[code] = dens[e]
    both = (arr["lc"] != 0) & (arr["lc0"] != 0)
    change = float((d[arr["lc"]][both] - d[arr["lc0"]][both]).sum() * PX_HA)
    co2 = change / 4 * 44 / 12
    assert _q(res, "regulating.carbon_sequestration", "610900") == pytest.approx(co2, rel=1e-10)
    k = 66.0 / 4 * sum(1 / 1.07**t for t in range(4))
    e = res.by_ecosystem
    npv = float(e[e["quantity"] == "carbon.npv"]["value"].iloc[0])
    assert npv == pytest.approx(change * k, rel=1e-10)
    storage = e[(e["quantity"] == "carbon.storage") & (e["year"] == 2024)]["value"].sum()
    assert storage == pytest.approx(float(d[arr["lc"]][arr["lc"] != 0].sum() * PX_HA), rel=1e-10)


def test_chunk_size_does_not_change_totals(scene):
    folder, cfg, arr = scene
    a = run_grid(write_config(folder, cfg)).quantities["value"].to_numpy()
    cfg["chunks"] = 512
    b = run_grid(write_config(folder, cfg, "big.yaml")).quantities["value"].to_numpy()
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_local_cluster_gives_identical_totals(scene):
    distributed = pytest.importorskip("distributed")
    folder, cfg, arr = scene
    path = write_config(folder, cfg)
    local = run_grid(path).quantities
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None
    ) as cluster:
        remote = run_grid(path, scheduler=cluster.scheduler_address).quantities
    pd.testing.assert_frame_equal(local, remote, check_exact=False, rtol=1e-12)


def test_resampling_refused_unless_asked(scene):
    folder, cfg, arr = scene
    write_tif(folder / "p60.tif", arr["p"][::2, ::2].copy(), -9999, res=60.0)
    cfg["layers"]["precipitation"] = {"path": "p60.tif", "unit": "mm"}
    with pytest.raises(InputError) as exc:
        run_grid(write_config(folder, cfg))
    msg = str(exc.value)
    assert "p60.tif" in msg and "resolution" in msg and "layers.precipitation" in msg
    write_tif(folder / "p_geo.tif", arr["p"], -9999, crs="EPSG:4326", res=0.001, x0=108.0, y1=33.0)
    cfg["layers"]["precipitation"] = {"path": "p_geo.tif", "unit": "mm"}
    with pytest.raises(InputError, match="CRS differs"):
        run_grid(write_config(folder, cfg))
    cfg["layers"]["precipitation"] = {"path": "p60.tif", "unit": "mm", "resample": "nearest"}
    res = run_grid(write_config(folder, cfg))
    assert _q(res, "regulating.water_conservation", "610902") > 0


@pytest.mark.parametrize(
    ("edit", "needle"),
    [
        (lambda c: c.update(colour="red"), "unknown key 'colour'"),
        (lambda c: c["layers"].update(rain={"path": "p.tif"}), "layers.rain"),
        (lambda c: c["layers"]["precipitation"].update(path="nope.tif"), "file not found"),
        (lambda c: c["layers"]["precipitation"].update(unit="kg"), "layers.precipitation.unit"),
        (
            lambda c: c["layers"]["precipitation"].update(unit="__import__('os')"),
            "cannot be parsed",
        ),
        (lambda c: c["land_cover"].update(classes="nosuch"), "unknown class table"),
        (lambda c: c["tables"]["rusle_c"].pop("shrub"), "tables.rusle_c"),
        (lambda c: c["zones"].update(code_field="adcode"), "zones.code_field"),
        (lambda c: c["layers"].pop("evapotranspiration"), "water conservation needs"),
        (lambda c: c["carbon"]["pools"].pop("urban"), "carbon.pools"),
        (lambda c: c.pop("carbon"), "previous_land_cover"),
        (lambda c: c["tables"].update(budyko_omega={"shrub": 2.0}), "not both"),
        (lambda c: c["layers"].update(rusle_ls={"path": "dem.tif"}), "give rusle_ls or dem"),
    ],
)
def test_bad_config_is_one_input_error(scene, edit, needle):
    folder, cfg, arr = scene
    edit(cfg)
    with pytest.raises(InputError) as exc:
        run_grid(write_config(folder, cfg))
    assert needle in str(exc.value)


def test_unmapped_codes_listed_with_pixel_counts(scene):
    folder, cfg, arr = scene
    lc = arr["lc"].copy()
    lc[:3, :4] = 99
    write_tif(folder / "lc.tif", lc, 0)
    with pytest.raises(InputError) as exc:
        run_grid(write_config(folder, cfg))
    assert "99 (12 px)" in str(exc.value) and "land_cover.classes" in str(exc.value)


def test_cli_exit_codes(scene):
    from gep.cli.main import app

    folder, cfg, arr = scene
    path = write_config(folder, cfg)
    out = folder / "out"
    r = CliRunner().invoke(app, ["grid", "run", str(path), "--out", str(out)])
    assert r.exit_code == 0, r.output
    q = pd.read_csv(out / "quantities.csv", dtype={"region": str, "component": str})
    assert list(q.columns) == [
        "region",
        "year",
        "indicator",
        "component",
        "value",
        "unit",
        "source",
    ]
    assert q["component"].isna().all() and q["source"].str.contains("sha256").all()
    cfg["layers"]["precipitation"]["path"] = "missing.tif"
    bad = write_config(folder, cfg, "bad.yaml")
    r = CliRunner().invoke(app, ["grid", "run", str(bad), "--out", str(out)])
    assert r.exit_code == 2 and "missing.tif" in r.output and "layers.precipitation" in r.output


def test_netcdf_and_zarr_layers_equal_geotiff(scene):
    import rioxarray

    folder, cfg, arr = scene
    base = run_grid(write_config(folder, cfg)).quantities
    da = rioxarray.open_rasterio(folder / "p.tif").isel(band=0, drop=True).rename("precip")
    da.to_netcdf(folder / "p.nc")
    da.to_dataset().to_zarr(folder / "p.zarr", mode="w")
    for name in ("p.nc", "p.zarr"):
        cfg["layers"]["precipitation"] = {
            "path": name,
            "unit": "mm",
            "variable": "precip",
            "nodata": -9999,
        }
        other = run_grid(write_config(folder, cfg)).quantities
        pd.testing.assert_series_equal(base["value"], other["value"], rtol=1e-12)


def test_geographic_grid_uses_spherical_pixel_areas(tmp_path):
    lc = np.full((10, 10), 30, np.uint8)
    write_tif(tmp_path / "lc.tif", lc, 0, crs="EPSG:4326", res=0.1, x0=108.0, y1=33.0)
    cfg = {
        "year": 2024,
        "zones": {"whole": "610900"},
        "land_cover": {"path": "lc.tif", "classes": "gep_ecosystems"},
    }
    res = run_grid(write_config(tmp_path, cfg))
    r = 6371007.181
    expect = r**2 * math.radians(1.0) * (math.sin(math.radians(33)) - math.sin(math.radians(32)))
    assert float(res.inventory["value"].sum()) == pytest.approx(expect / 1e4, rel=1e-4)


def test_formulas_by_hand():
    # plane rising 3 m per 30 m pixel in x: s = 0.1 → θ = atan(0.1); m = 0.5 (s ≥ 5 %)
    z = np.tile(np.arange(6) * 3.0, (4, 1))
    theta = slope_radians(z, 30.0, 30.0)
    assert np.allclose(np.tan(theta), 0.1)
    ls = ls_factor(theta, 22.13)  # L = 1
    assert np.allclose(ls, 16.8 * math.sin(math.atan(0.1)) - 0.5)
    # Budyko-Fu, ω = 2.6, P = 1000, PET = 800: 1 + 0.8 − (1 + 0.8^2.6)^(1/2.6)
    aet = budyko_fu_aet(1000.0, 800.0, 2.6)
    assert float(aet) == pytest.approx(1000 * (1 + 0.8 - (1 + 0.8**2.6) ** (1 / 2.6)))


def test_builtin_class_tables_load():
    assert {"clcd", "sandiao", "esa_worldcover", "gep_ecosystems"} <= set(builtin_tables())
    for name in builtin_tables():
        t = load_classes(name)
        assert t.source and t.mapping
    assert load_classes("sandiao").mapping[302] == "forest.bamboo"
    assert load_classes("clcd").mapping[8] == "urban"


def test_write_outputs_is_a_dataset(scene):
    from gep.inventory import load_dataset

    folder, cfg, arr = scene
    path = write_config(folder, cfg)
    res = run_grid(path)
    write_outputs(res, folder / "out", load_config(path))
    ds = load_dataset(folder / "out")
    got = float(ds.data["area"].sum())
    assert got == pytest.approx(float(res.inventory["value"].sum()), rel=1e-9)


@pytest.mark.parametrize("dtype", ["uint8", "uint16", "int32", "float32"])
def test_land_cover_dtypes_give_the_same_sums(scene, dtype):
    """Byte rasters are binned by raw code, other types by ecosystem: same totals and checks."""
    folder, cfg, arr = scene
    base = run_grid(write_config(folder, cfg))
    for name in ("lc", "lc0"):
        write_tif(folder / f"{name}_{dtype}.tif", arr[name].astype(dtype), 0)
    cfg["land_cover"]["path"] = f"lc_{dtype}.tif"
    cfg["previous_land_cover"]["path"] = f"lc0_{dtype}.tif"
    other = run_grid(write_config(folder, cfg, "other.yaml"))
    pd.testing.assert_series_equal(base.quantities["value"], other.quantities["value"], rtol=1e-12)
    assert other.info["land_cover_nodata_px_in_zones"] == 2
    lc0 = arr["lc0"].astype(dtype)
    lc0[0, :5] = 77
    write_tif(folder / f"lc0_{dtype}.tif", lc0, 0)
    with pytest.raises(InputError, match=r"77 \(5 px\)"):
        run_grid(write_config(folder, cfg, "other.yaml"))


def test_budyko_et_and_runoff_layer_path(scene):
    """ET from PET by the Fu curve (ω by ecosystem), runoff as a raster: = numpy reference."""
    folder, cfg, arr = scene
    pet = np.full(arr["p"].shape, 800.0, np.float32)
    ro = (0.1 * arr["p"]).astype(np.float32)
    ro[arr["p"] == -9999] = -9999
    write_tif(folder / "pet.tif", pet, -9999)
    write_tif(folder / "ro.tif", ro, -9999)
    ecos = sorted(set(CODES.values()))
    cfg["zones"] = {"whole": "610900"}
    cfg["layers"].pop("evapotranspiration")
    cfg["layers"]["pet"] = {"path": "pet.tif", "unit": "mm"}
    cfg["layers"]["runoff"] = {"path": "ro.tif", "unit": "mm"}
    cfg["tables"].pop("runoff_coefficient")
    cfg["tables"]["budyko_omega"] = {e: 2.0 + 0.1 * i for i, e in enumerate(ecos)}
    res = run_grid(write_config(folder, cfg))
    eco = np.vectorize(lambda v: CODES.get(int(v), ""))(arr["lc"])
    omega = np.vectorize(lambda e: cfg["tables"]["budyko_omega"].get(e, np.nan))(eco)
    p = arr["p"].astype(float)
    aet = budyko_fu_aet(p, 800.0, omega)
    q = np.maximum(p - 0.1 * p - aet, 0.0) * PX_HA * 10
    m = np.isin(eco, list(WATER)) & (arr["p"] != -9999)
    assert _q(res, "regulating.water_conservation", "610900") == pytest.approx(
        float(q[m].sum()), rel=1e-6
    )


def test_zones_missing_the_raster_are_an_error(scene):
    import geopandas as gpd
    from shapely.geometry import box

    folder, cfg, arr = scene
    far = gpd.GeoDataFrame({"code": ["610902"]}, geometry=[box(0, 0, 10, 10)], crs="EPSG:32649")
    far.to_file(folder / "far.geojson", driver="GeoJSON")
    cfg["zones"] = {"file": "far.geojson", "code_field": "code"}
    with pytest.raises(InputError, match="610902 miss the raster"):
        run_grid(write_config(folder, cfg))


def test_cli_demo_builds_and_runs(tmp_path):
    pytest.importorskip("cnmaps")
    from gep.cli.main import app

    r = CliRunner().invoke(
        app, ["grid", "demo", "--out", str(tmp_path / "d"), "--resolution", "5000", "--run"]
    )
    assert r.exit_code == 0, r.output
    assert (tmp_path / "d" / "result" / "quantities.csv").exists()
    r = CliRunner().invoke(app, ["grid", "demo", "--out", str(tmp_path / "x"), "--resolution", "1"])
    assert r.exit_code == 2 and "--resolution" in r.output


def test_exact_zone_edges_give_polygon_areas(scene):
    """zones.exact: pixels on a boundary are shared by covered fraction (areas = polygons)."""
    import geopandas as gpd
    from shapely.geometry import Polygon

    from .conftest import X0, Y1

    folder, cfg, arr = scene
    # two zones split by a slanted line, not aligned with the pixels; the west one also
    # sticks out of the raster on the left
    h, w = arr["lc"].shape
    xs = [X0 - 100.0, X0 + 37.3 * RES, X0 + 61.9 * RES, X0 + w * RES]
    top, bottom = Y1, Y1 - h * RES
    west = Polygon([(xs[0], top), (xs[2], top), (xs[1], bottom), (xs[0], bottom)])
    east = Polygon([(xs[2], top), (xs[3], top), (xs[3], bottom), (xs[1], bottom)])
    gpd.GeoDataFrame(
        {"code": ["610902", "610921"]}, geometry=[west, east], crs="EPSG:32649"
    ).to_file(folder / "slant.geojson", driver="GeoJSON")
    cfg["zones"] = {"file": "slant.geojson", "code_field": "code", "exact": True}
    cfg["chunks"] = 64  # boundaries cross block edges
    res = run_grid(write_config(folder, cfg))
    zone_area = res.regions.set_index("code")["land_area"]
    inside_west = west.intersection(
        Polygon([(X0, top), (X0 + w * RES, top), (X0 + w * RES, bottom), (X0, bottom)])
    )
    assert zone_area["610902"] == pytest.approx(inside_west.area / 1e4, rel=1e-9)
    assert zone_area["610921"] == pytest.approx(east.area / 1e4, rel=1e-9)
    # shares add up: every valid pixel's area is counted exactly once over the two zones
    area = res.inventory[res.inventory["item"] == "area"]["value"].sum()
    assert area == pytest.approx(int((arr["lc"] != 0).sum()) * PX_HA, rel=1e-9)
    # and the centre rule gives the same grand totals of every quantity
    cfg["zones"]["exact"] = False
    centre = run_grid(write_config(folder, cfg, "centre.yaml"))
    tot_e = res.quantities.groupby("indicator")["value"].sum()
    tot_c = centre.quantities.groupby("indicator")["value"].sum()
    pd.testing.assert_series_equal(tot_e, tot_c, rtol=1e-9)
