"""What a dashboard page needs from a grid run, in one call (no Streamlit here).

:func:`run_for_app` runs a config and returns the tidy tables, a GeoJSON of the zones (WGS 84)
with each zone's quantities as properties for a county choropleth, and a downsampled preview
of the land-cover raster (decimated read, at most ``preview_px`` on the long side).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .config import load_config
from .layers import load_classes
from .run import run_grid
from .zones import load_zones


def land_cover_preview(path: str | Path, preview_px: int = 512) -> np.ndarray:
    """The land-cover raster decimated (nearest) to at most ``preview_px`` on its long side."""
    import rasterio
    from rasterio.enums import Resampling

    with rasterio.open(path) as src:
        scale = max(src.height, src.width) / preview_px
        shape = (max(1, int(src.height / max(scale, 1))), max(1, int(src.width / max(scale, 1))))
        return src.read(1, out_shape=shape, resampling=Resampling.nearest)


def run_for_app(config: str | Path, preview_px: int = 512) -> dict:
    """Run ``config``; return ``{quantities, inventory, regions, geojson, preview, classes, info}``.

    ``geojson`` is a FeatureCollection (EPSG:4326) whose features carry ``code``, ``name`` and
    one property per indicator (its zonal total) plus ``area_ha``; ``preview`` is a 2-D array of
    land-cover codes and ``classes`` maps each code to ``(name, ecosystem)``.
    """
    import geopandas as gpd

    cfg = load_config(config)
    result = run_grid(cfg)
    q = result.quantities.pivot_table(index="region", columns="indicator", values="value")
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
    return {
        "quantities": result.quantities,
        "inventory": result.inventory,
        "regions": result.regions,
        "geojson": features,
        "preview": land_cover_preview(cfg.land_cover.path, preview_px),
        "classes": {c: (table.names[c], e) for c, e in table.mapping.items()},
        "info": result.info,
    }
