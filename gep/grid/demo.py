"""``gep grid demo``: synthetic but plausible rasters over Ankang's real county boundaries.

Everything written here is **illustrative**; every GeoTIFF says so in its metadata
(``GEP_STATUS=illustrative`` and ``GEP_HOW_MADE``). How the layers are made:

* zones: the ten county-level units of Ankang (610900) from ``cnmaps`` (AutoNavi boundaries
  converted to WGS 84), projected to UTM 49N (EPSG:32649);
* elevation: 250 m along the Han River rising towards the Qinling (north) and Daba (south)
  ranges, plus smooth random relief (seeded); LS is derived from it in the run;
* land cover (2024 and the 2020 baseline): in each county, pixels ranked by elevation plus smooth
  noise are cut into classes so the pixel share of each ecosystem equals its share of the
  county's ``area`` rows in ``datasets/ankang/inventory.csv`` (water and built-up lowest, forest
  highest); both years use the same ranking, so only pixels near class edges change;
* precipitation, ET, rainfall erosivity R, soil K, hot days: smooth fields scaled to the
  city-mean values of the demo inventory (precipitation rises southward and with altitude, hot
  days fall with altitude); open-water evaporation over the hot days proportional to the hot
  days, scaled to the inventory's city mean of ``climate.water_evaporation``; runoff
  coefficients, C and P by ecosystem are the inventory's city means (runoff / precipitation
  for the coefficient);
* carbon pools: forest pools from Gansu natural-forest densities (关晋宏 et al. 2016, see
  ``shared/reference/forest_carbon.md`` §3.2: tree layer split above/below with R = 0.24,
  litter as dead, soil as soil); other classes illustrative round numbers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..yamlio import dump_yaml
from .config import CODE_CHANGES, ZoneSpec
from .layers import load_classes

CRS = "EPSG:32649"
HOW = "gep grid demo (seeded synthetic field; see gep/grid/demo.py)"
#: pixels of the lowest score get the first classes
ORDER = (
    "water",
    "wetland",
    "urban",
    "farmland.paddy",
    "farmland.dry",
    "garden",
    "bare",
    "grassland",
    "shrub",
    "forest.bamboo",
    "forest.broadleaf",
    "forest.mixed",
    "forest.coniferous",
)
#: (longitude, latitude) of Han River towns, west to east (石泉, 汉阴北, 汉滨, 旬阳, 白河)
HAN_RIVER = ((108.25, 33.04), (108.55, 32.92), (109.03, 32.69), (109.37, 32.83), (110.10, 32.81))
CARBON_POOLS = {  # t C / ha: above, below, soil, dead
    "forest.broadleaf": (57.33, 13.76, 155.40, 2.34),  # Gansu 阔叶混 71.09 tree, R 0.24
    "forest.coniferous": (57.52, 13.81, 215.78, 2.17),  # Gansu 华山松 71.33
    "forest.mixed": (46.96, 11.27, 159.94, 3.80),  # Gansu mixed conifer–broadleaf 58.23
    "forest.bamboo": (30.0, 8.0, 100.0, 2.0),
    "shrub": (10.0, 5.0, 80.0, 1.0),
    "grassland": (2.0, 4.0, 70.0, 0.5),
    "wetland": (5.0, 3.0, 120.0, 1.0),
    "water": (0.0, 0.0, 0.0, 0.0),
    "farmland.paddy": (2.0, 1.0, 60.0, 0.0),
    "farmland.dry": (2.0, 1.0, 50.0, 0.0),
    "garden": (12.0, 4.0, 60.0, 1.0),
    "urban": (1.0, 0.5, 20.0, 0.0),
    "bare": (0.5, 0.2, 15.0, 0.0),
}


def _smooth_noise(rng, shape, cell: int) -> np.ndarray:
    """Smooth random field, mean 0, sd ≈ 1, correlation length ≈ ``cell`` pixels."""
    from scipy.ndimage import zoom

    coarse = rng.standard_normal((shape[0] // cell + 3, shape[1] // cell + 3))
    f = zoom(coarse, cell, order=3, prefilter=False)[: shape[0], : shape[1]]
    return ((f - f.mean()) / (f.std() + 1e-12)).astype(np.float32)


def _inventory_shares(inventory: Path, year: int) -> pd.DataFrame:
    df = pd.read_csv(inventory, dtype={"region": str})
    a = df[(df["item"] == "area") & (df["year"] == year)]
    table = a.pivot_table(index="region", columns="ecosystem", values="value", aggfunc="sum")
    return table.div(table.sum(axis=1), axis=0).fillna(0.0)


def _allocate(score: np.ndarray, shares: pd.Series, codes: dict[str, int]) -> np.ndarray:
    """Class code per pixel: ranked by score and cut at the cumulative shares."""
    n = score.size
    order = np.argsort(score, kind="stable")
    out = np.empty(n, dtype=np.uint8)
    want = np.array([shares.get(e, 0.0) for e in ORDER])
    counts = np.floor(want * n).astype(int)
    rest = n - counts.sum()  # largest remainder
    counts[np.argsort(-(want * n - counts))[:rest]] += 1
    start = 0
    for eco, k in zip(ORDER, counts, strict=True):
        out[order[start : start + k]] = codes[eco]
        start += k
    return out


def _write(path: Path, arr: np.ndarray, transform, nodata, description: str) -> None:
    import rasterio

    profile = {
        "driver": "GTiff",
        "height": arr.shape[0],
        "width": arr.shape[1],
        "count": 1,
        "dtype": arr.dtype,
        "crs": CRS,
        "transform": transform,
        "nodata": nodata,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
        "BIGTIFF": "IF_SAFER",
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(arr, 1)
        dst.update_tags(
            GEP_STATUS="illustrative",
            GEP_HOW_MADE=f"{HOW}: {description}",
            GEP_NOTE="synthetic demo raster; not a measurement of Ankang",
        )


def build_demo(
    out: str | Path,
    resolution: float = 250.0,
    seed: int = 20240601,
    year: int = 2024,
    previous_year: int = 2020,
    inventory: str | Path | None = None,
) -> Path:
    """Write the demo rasters and ``config.yaml`` into ``out``; return the config path."""
    import rasterio.features
    from rasterio.transform import from_origin

    from .zones import from_cnmaps

    if not 10 <= resolution <= 5000:
        raise InputError(Problem("--resolution", "must be between 10 and 5000 m"))
    out = Path(out)
    rdir = out / "rasters"
    rdir.mkdir(parents=True, exist_ok=True)
    inv = (
        Path(inventory)
        if inventory
        else Path(__file__).resolve().parents[2] / "datasets" / "ankang" / "inventory.csv"
    )
    if not inv.exists():
        raise InputError(Problem(str(inv), "the Ankang demo inventory is needed for shares"))
    zones = from_cnmaps(ZoneSpec(cnmaps="610900", code_map=dict(CODE_CHANGES)), CRS, "demo")
    import geopandas as gpd

    bounds = gpd.GeoSeries(zones.geometries, crs=CRS).total_bounds
    pad = 2 * resolution
    x0 = np.floor((bounds[0] - pad) / resolution) * resolution
    y1 = np.ceil((bounds[3] + pad) / resolution) * resolution
    W = int(np.ceil((bounds[2] + pad - x0) / resolution))
    H = int(np.ceil((y1 - bounds[1] + pad) / resolution))
    transform = from_origin(x0, y1, resolution, resolution)
    zone = rasterio.features.rasterize(
        ((g, i) for i, g in enumerate(zones.geometries)),
        out_shape=(H, W),
        transform=transform,
        fill=-1,
        dtype="int16",
    )
    rng = np.random.default_rng(seed)
    px_km = resolution / 1000.0
    # --- elevation: distance from the Han River line + smooth relief
    river = gpd.GeoSeries.from_xy(
        [p[0] for p in HAN_RIVER], [p[1] for p in HAN_RIVER], crs="EPSG:4326"
    ).to_crs(CRS)
    xs = x0 + (np.arange(W) + 0.5) * resolution
    ys = y1 - (np.arange(H) + 0.5) * resolution
    y_river = np.interp(xs, river.x.to_numpy(), river.y.to_numpy())
    dist_km = np.abs(ys[:, None] - y_river[None, :]) / 1000.0
    north = (ys[:, None] > y_river[None, :]).astype(np.float32)
    relief = _smooth_noise(rng, (H, W), max(2, int(8 / px_km)))
    fine = _smooth_noise(rng, (H, W), max(2, int(2 / px_km)))
    dem = (
        250.0
        + (1500.0 + 400.0 * north) * (1.0 - np.exp(-dist_km / 30.0))
        + 260.0 * relief * (1.0 - np.exp(-dist_km / 8.0))
        + 90.0 * fine
    ).astype(np.float32)
    dem = np.clip(dem, 170.0, 2960.0)
    # --- land cover by county from the inventory shares
    classes = load_classes("gep_ecosystems")
    codes = {eco: code for code, eco in classes.mapping.items()}
    score = (dem - dem.mean()) / dem.std() + 0.6 * _smooth_noise(
        rng, (H, W), max(2, int(1.5 / px_km))
    )
    lc = {}
    for y in (year, previous_year):
        shares = _inventory_shares(inv, y)
        arr = np.zeros((H, W), dtype=np.uint8)
        for z, code in enumerate(zones.codes):
            if code not in shares.index:
                raise InputError(
                    Problem(str(inv), f"no area rows for {code} in {y}", field="region")
                )
            m = zone == z
            arr[m] = _allocate(score[m], shares.loc[code], codes)
        lc[y] = arr
    # --- climate fields scaled to the inventory's city means (illustrative)
    df = pd.read_csv(inv, dtype={"region": str})
    d = df[df["year"] == year]

    def city_mean(item):
        return float(d[d["item"] == item]["value"].mean())

    def eco_mean(item):
        return d[d["item"] == item].groupby("ecosystem")["value"].mean()

    inside = zone >= 0
    south = (ys[:, None] < y_river[None, :]).astype(np.float32)
    p = (
        1.0
        + 0.10 * south
        + 0.00008 * (dem - 300.0)
        + 0.05 * _smooth_noise(rng, (H, W), max(2, int(20 / px_km)))
    )
    precip = (p / p[inside].mean() * city_mean("precipitation")).astype(np.float32)
    et_eco = eco_mean("evapotranspiration")
    et_lut = np.zeros(256, np.float32)
    for eco, code in codes.items():
        et_lut[code] = et_eco.get(eco, 0.0)
    et = (
        et_lut[lc[year]] * (1.0 + 0.05 * _smooth_noise(rng, (H, W), max(2, int(15 / px_km))))
    ).astype(np.float32)
    r_fac = (precip / city_mean("precipitation")) ** 1.6
    rusle_r = (r_fac / r_fac[inside].mean() * city_mean("rusle.r")).astype(np.float32)
    rusle_k = (
        city_mean("rusle.k") * (1.0 + 0.1 * _smooth_noise(rng, (H, W), max(2, int(10 / px_km))))
    ).astype(np.float32)
    hot = np.clip(city_mean("climate.hot_days") + 40.0 - 0.045 * (dem - 300.0), 0.0, None)
    hot = (hot / hot[inside].mean() * city_mean("climate.hot_days")).astype(np.float32)
    # open-water evaporation over the hot days ∝ hot days (the inventory's own construction)
    wev = (hot / hot[inside].mean() * city_mean("climate.water_evaporation")).astype(np.float32)
    nd = np.float32(-9999.0)
    for arr in (dem, precip, et, rusle_r, rusle_k, hot, wev):
        arr[~inside] = nd
    for arr in lc.values():
        arr[~inside] = 0
    files = {
        "land_cover_2024": (
            lc[year],
            0,
            f"land cover {year}, county shares of datasets/ankang area rows {year}",
        ),
        "land_cover_2020": (
            lc[previous_year],
            0,
            f"land cover {previous_year}, county shares of area rows {previous_year}",
        ),
        "dem": (dem, nd, "elevation: Han River valley rising to Qinling/Daba + smooth relief"),
        "precipitation": (precip, nd, "annual precipitation, city mean = demo inventory mean"),
        "evapotranspiration": (
            et,
            nd,
            "annual ET: inventory city mean by ecosystem × smooth factor",
        ),
        "rusle_r": (rusle_r, nd, "rainfall erosivity ∝ P^1.6, city mean = inventory mean"),
        "rusle_k": (rusle_k, nd, "soil erodibility, inventory mean ± 10 % smooth"),
        "hot_days": (hot, nd, "days above 26 °C, falling with altitude, city mean = inventory"),
        "water_evaporation": (
            wev,
            nd,
            "open-water evaporation over the hot days ∝ hot days, city mean = inventory mean",
        ),
    }
    names = {
        "land_cover_2024": f"land_cover_{year}",
        "land_cover_2020": f"land_cover_{previous_year}",
    }
    for key, (arr, nodata, desc) in files.items():
        _write(rdir / f"{names.get(key, key)}.tif", arr, transform, nodata, desc)
    ro = (eco_mean("runoff") / city_mean("precipitation")).round(4)
    cfg = {
        "name": "ankang-demo",
        "year": year,
        "coefficients": "ankang",
        "chunks": 1024,
        "zones": {"cnmaps": "610900"},
        "land_cover": {"path": f"rasters/land_cover_{year}.tif", "classes": "gep_ecosystems"},
        "previous_land_cover": {
            "path": f"rasters/land_cover_{previous_year}.tif",
            "year": previous_year,
        },
        "layers": {
            "precipitation": {"path": "rasters/precipitation.tif", "unit": "mm"},
            "evapotranspiration": {"path": "rasters/evapotranspiration.tif", "unit": "mm"},
            "rusle_r": {"path": "rasters/rusle_r.tif", "unit": "MJ * mm / (hectare * hour * year)"},
            "rusle_k": {
                "path": "rasters/rusle_k.tif",
                "unit": "t * hectare * hour / (hectare * MJ * mm)",
            },
            "dem": {"path": "rasters/dem.tif", "unit": "m"},
            "hot_days": {"path": "rasters/hot_days.tif", "unit": "day"},
            "water_evaporation": {"path": "rasters/water_evaporation.tif", "unit": "mm"},
        },
        "tables": {
            "runoff_coefficient": {e: float(ro.get(e, 0.0)) for e in ORDER},
            "rusle_c": {e: float(v) for e, v in eco_mean("rusle.c").round(4).items()},
            "rusle_p": {e: float(v) for e, v in eco_mean("rusle.p").round(4).items()},
        },
        "ls": {"slope_length": 30.0},
        "carbon": {
            "unit": "t / hectare",
            "pools": {
                e: dict(zip(("above", "below", "soil", "dead"), v, strict=True))
                for e, v in CARBON_POOLS.items()
            },
            "valuation": {
                "price_per_tC": 66.0 * 44.0 / 12.0,
                "discount_pct": 7.0,
                "rate_change_pct": 0.0,
            },
        },
    }
    head = (
        "# gep grid demo: ILLUSTRATIVE synthetic rasters over Ankang's real county boundaries\n# "
        f"(cnmaps), resolution {resolution:g} m, seed {seed}. Tables: runoff coefficients, C and P "
        "are\n# city means of datasets/ankang/inventory.csv (illustrative rows); forest carbon "
        "pools from\n# Gansu natural forests (关晋宏 et al. 2016, forest_carbon.md §3.2), other "
        "pools illustrative;\n# valuation price 66 CNY/tCO2e × 44/12 per t C, 7 % discount "
        "(illustrative).\n# Run: gep grid run config.yaml --out result\n"
    )
    path = out / "config.yaml"
    path.write_text(head + dump_yaml(cfg), encoding="utf-8")
    return path
