"""Small rasters written in the tests (rasterio to tmp_path) and a config builder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

pytest.importorskip("rioxarray")
pytest.importorskip("rasterio")

CRS = "EPSG:32649"
X0, Y1, RES = 500000.0, 3600000.0, 30.0
#: codes of gep/grid/data/gep_ecosystems.yaml used in the tests
CODES = {
    11: "forest.broadleaf",
    20: "shrub",
    30: "grassland",
    50: "water",
    61: "farmland.paddy",
    62: "farmland.dry",
    80: "urban",
}


def write_tif(path: Path, arr: np.ndarray, nodata=None, crs=CRS, res=RES, x0=X0, y1=Y1) -> Path:
    import rasterio
    from rasterio.transform import from_origin

    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=arr.shape[0],
        width=arr.shape[1],
        count=1,
        dtype=arr.dtype,
        crs=crs,
        transform=from_origin(x0, y1, res, res),
        nodata=nodata,
    ) as dst:
        dst.write(arr, 1)
    return path


def write_config(folder: Path, cfg: dict, name: str = "grid.yaml") -> Path:
    p = folder / name
    p.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


def two_zone_geojson(folder: Path, split_col: float, width: int, height: int) -> Path:
    """Two rectangles sharing the vertical line through the centres of column ``split_col``."""
    import geopandas as gpd
    from shapely.geometry import box

    xs = X0 + (split_col + 0.5) * RES
    x1 = X0 + width * RES
    y0 = Y1 - height * RES
    gdf = gpd.GeoDataFrame(
        {"code": ["610902", "610928"], "name": ["汉滨区", "旬阳县"]},
        geometry=[box(X0, y0, xs, Y1), box(xs, y0, x1, Y1)],
        crs=CRS,
    )
    p = folder / "zones.geojson"
    gdf.to_file(p, driver="GeoJSON")
    return p


@pytest.fixture
def scene(tmp_path):
    """A 90 × 120 scene: land cover with nodata, precipitation with nodata, ET, DEM, pair."""
    rng = np.random.default_rng(7)
    h, w = 90, 120
    codes = np.array(sorted(CODES), dtype=np.uint8)
    lc = rng.choice(codes, size=(h, w)).astype(np.uint8)
    lc[5, 5] = 0
    lc[40, 70] = 0
    lc0 = rng.choice(codes, size=(h, w)).astype(np.uint8)
    lc0[6, 6] = 0
    p = (900 + 200 * rng.random((h, w))).astype(np.float32)
    p[10, 10] = -9999
    et = (400 + 500 * rng.random((h, w))).astype(np.float32)
    dem = (300 + np.add.outer(np.arange(h) * 4.0, np.sin(np.arange(w) / 7.0) * 30)).astype(
        np.float32
    )
    r = (3000 + 500 * rng.random((h, w))).astype(np.float32)
    for name, a, nodata in (
        ("lc", lc, 0),
        ("lc0", lc0, 0),
        ("p", p, -9999),
        ("et", et, -9999),
        ("dem", dem, -9999),
        ("r", r, -9999),
    ):
        write_tif(tmp_path / f"{name}.tif", a, nodata)
    ecos = sorted(set(CODES.values()))
    cfg = {
        "year": 2024,
        "chunks": 64,
        "zones": {"file": two_zone_geojson(tmp_path, 59, w, h).name, "code_field": "code"},
        "land_cover": {"path": "lc.tif", "classes": "gep_ecosystems"},
        "previous_land_cover": {"path": "lc0.tif", "year": 2020},
        "layers": {
            "precipitation": {"path": "p.tif", "unit": "mm"},
            "evapotranspiration": {"path": "et.tif", "unit": "mm"},
            "rusle_r": {"path": "r.tif", "unit": "MJ * mm / (hectare * hour * year)"},
            "dem": {"path": "dem.tif", "unit": "m"},
        },
        "tables": {
            "runoff_coefficient": {e: 0.05 + 0.01 * i for i, e in enumerate(ecos)},
            "rusle_k": {e: 0.03 for e in ecos},
            "rusle_c": {e: 0.02 * (i + 1) for i, e in enumerate(ecos)},
            "rusle_p": {e: 1.0 if i % 2 else 0.5 for i, e in enumerate(ecos)},
        },
        "carbon": {
            "pools": {
                e: {"above": 10.5 * i, "below": 2.25 * i, "soil": 50.0 + i, "dead": 0.5}
                for i, e in enumerate(ecos)
            },
            "valuation": {"price_per_tC": 66.0, "discount_pct": 7.0, "rate_change_pct": 0.0},
        },
    }
    arrays = {"lc": lc, "lc0": lc0, "p": p, "et": et, "dem": dem, "r": r}
    return tmp_path, cfg, arrays
