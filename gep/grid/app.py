"""What a dashboard page needs from a grid run, in one call (no Streamlit here).

:func:`run_for_app` runs a config and returns the tidy tables, a GeoJSON of the zones (WGS 84)
with each zone's quantities as properties for a county choropleth, a downsampled preview of
the land-cover raster (decimated read, at most ``preview_px`` on the long side) and of every
continuous input layer (block averages, nodata → NaN), plus the run itself so that the page can
write it out as a dataset (:func:`gep.grid.write_outputs`).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .config import GridConfig, load_config
from .layers import load_classes
from .run import run_grid
from .zones import load_zones


def _out_shape(height: int, width: int, preview_px: int) -> tuple[int, int]:
    scale = max(height, width) / preview_px
    s = max(scale, 1.0)
    return max(1, int(height / s)), max(1, int(width / s))


def land_cover_preview(path: str | Path, preview_px: int = 512) -> np.ndarray:
    """The land-cover raster decimated (nearest) to at most ``preview_px`` on its long side."""
    import rasterio
    from rasterio.enums import Resampling

    with rasterio.open(path) as src:
        shape = _out_shape(src.height, src.width, preview_px)
        return src.read(1, out_shape=shape, resampling=Resampling.nearest)


def layer_preview(path: str | Path, preview_px: int = 256, nodata=None) -> np.ndarray | None:
    """A continuous GeoTIFF layer averaged to at most ``preview_px`` on its long side (float,
    NaN where nodata); ``None`` for layers that are not single files GDAL opens (NetCDF, Zarr)."""
    import rasterio
    from rasterio.enums import Resampling

    p = Path(path)
    if p.suffix.lower() in (".nc", ".nc4", ".zarr") or p.is_dir():
        return None
    with rasterio.open(p) as src:
        shape = _out_shape(src.height, src.width, preview_px)
        arr = src.read(1, out_shape=shape, resampling=Resampling.average, masked=True)
        out = np.ma.filled(arr.astype(np.float64), np.nan)
        nd = nodata if nodata is not None else src.nodata
    if nd is not None:
        out[out == nd] = np.nan
    return out


def run_for_app(config: str | Path | GridConfig, preview_px: int = 512) -> dict:
    """Run ``config``; return ``{quantities, inventory, regions, geojson, preview, classes,
    layers, info, result, config}``.

    ``geojson`` is a FeatureCollection (EPSG:4326) whose features carry ``code``, ``name`` and
    one property per indicator (its zonal total) plus ``area_ha`` (``None`` when the whole
    grid is one zone); ``preview`` is a 2-D array of land-cover codes and ``classes`` maps each
    code to ``(name, ecosystem)``; ``layers`` maps each continuous input layer to its preview
    (see :func:`layer_preview`) and unit; ``result`` is the :class:`~gep.grid.GridResult` and
    ``config`` the :class:`~gep.grid.GridConfig`.
    """
    import geopandas as gpd

    cfg = config if isinstance(config, GridConfig) else load_config(config)
    result = run_grid(cfg)
    q = result.quantities.pivot_table(
        index="region", columns="indicator", values="value", aggfunc="sum"
    )
    area = result.inventory[result.inventory["item"] == "area"].groupby("region")["value"].sum()
    zones = load_zones(cfg.zones, "EPSG:4326", str(cfg.path))
    features = None
    if zones.geometries is not None:
        gdf = gpd.GeoDataFrame(
            {"code": zones.codes, "name": zones.names}, geometry=zones.geometries, crs="EPSG:4326"
        )
        gdf["area_ha"] = gdf["code"].map(area).astype(float)
        for col in q.columns:
            gdf[col] = gdf["code"].map(q[col]).astype(float)
        features = json.loads(gdf.to_json())
    table = load_classes(cfg.classes)
    small = max(64, preview_px // 2)
    layers = {}
    for name, spec in cfg.layers.items():
        arr = layer_preview(spec.path, small, spec.nodata)
        if arr is not None:
            layers[name] = (arr, spec.unit)
    return {
        "quantities": result.quantities,
        "inventory": result.inventory,
        "regions": result.regions,
        "geojson": features,
        "preview": land_cover_preview(cfg.land_cover.path, preview_px),
        "classes": {c: (table.names[c], e) for c, e in table.mapping.items()},
        "layers": layers,
        "info": result.info,
        "result": result,
        "config": cfg,
    }
