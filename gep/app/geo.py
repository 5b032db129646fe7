"""County positions for the schematic tile map, and matching an uploaded boundary GeoJSON.

No boundary geometry is bundled (the public DataV-derived files carry no licence, and map
publication rules may apply). Only centroids are kept — facts, not geometry — taken from
``anzhou99/GeoJsons : 610900_full.json`` (DataV GeoAtlas-derived), see
``docs`` / the project's Ankang reference notes §A.4.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable

import pandas as pd

#: (lon, lat) of each Ankang county centroid
CENTROIDS: dict[str, tuple[float, float]] = {
    "610902": (108.889, 32.813),  # 汉滨区
    "610921": (108.488, 32.897),  # 汉阴县
    "610922": (108.242, 33.059),  # 石泉县
    "610923": (108.445, 33.531),  # 宁陕县
    "610924": (108.438, 32.444),  # 紫阳县
    "610925": (108.879, 32.241),  # 岚皋县
    "610926": (109.264, 32.287),  # 平利县
    "610927": (109.450, 31.935),  # 镇坪县
    "610981": (109.416, 32.899),  # 旬阳市 (610928 旬阳县 before 2021)
    "610929": (109.913, 32.724),  # 白河县
}
#: old administrative codes still found in boundary files → current code
CODE_ALIASES = {"610928": "610981"}


def tile_positions(codes: Iterable[str], cell: float = 0.33) -> tuple[pd.DataFrame, bool]:
    """Grid cell (col, row) of each region for a tile map, and its centroid lon/lat.

    Known centroids are snapped to a grid of ``cell`` degrees (row 0 at the north); a region
    whose cell is taken moves to the nearest free cell, so tiles never overlap. Regions
    without a known centroid are laid out on a plain grid. Returns the frame (index code,
    columns col, row, lon, lat) and whether every region had a centroid.
    """
    codes = list(codes)
    known = [c for c in codes if c in CENTROIDS]
    unknown = [c for c in codes if c not in CENTROIDS]
    rows: dict[str, tuple[int, int, float, float]] = {}
    if known:
        lon0 = min(CENTROIDS[c][0] for c in known)
        lat0 = max(CENTROIDS[c][1] for c in known)
        taken: set[tuple[int, int]] = set()
        for c in known:
            lon, lat = CENTROIDS[c]
            col, row = round((lon - lon0) / cell), round((lat0 - lat) / cell)
            col, row = _nearest_free(
                col, row, taken, lon - lon0 - col * cell, lat0 - lat - row * cell
            )
            taken.add((col, row))
            rows[c] = (col, row, lon, lat)
    if unknown:
        n = math.ceil(math.sqrt(len(unknown)))
        top = max((r[1] for r in rows.values()), default=-1) + 1
        for i, c in enumerate(unknown):
            rows[c] = (i % n, top + i // n, math.nan, math.nan)
    df = pd.DataFrame.from_dict(rows, orient="index", columns=["col", "row", "lon", "lat"]).loc[
        codes
    ]
    return df, not unknown


def _nearest_free(
    col: int, row: int, taken: set[tuple[int, int]], dx: float, dy: float
) -> tuple[int, int]:
    if (col, row) not in taken:
        return col, row
    candidates = [
        (col + i, row + j)
        for i in range(-2, 3)
        for j in range(-2, 3)
        if (col + i, row + j) not in taken
    ]
    # nearest to where the centroid really is (dx, dy = offset from the cell centre, in cells)
    return min(candidates, key=lambda cr: (cr[0] - col - dx) ** 2 + (cr[1] - row - dy) ** 2)


_ID_PROPERTIES = ("adcode", "code", "region", "id", "gb", "GB", "ADCODE", "PAC")
_NAME_PROPERTIES = ("name", "name_zh", "NAME", "Name", "name_en")


def parse_geojson(raw: bytes | str) -> dict:
    """Parse a GeoJSON FeatureCollection; raise ValueError with a plain message otherwise."""
    try:
        gj = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"not valid JSON ({exc})") from None
    if not isinstance(gj, dict) or gj.get("type") != "FeatureCollection" or not gj.get("features"):
        raise ValueError("expected a GeoJSON FeatureCollection with features")
    if not isinstance(gj["features"], list):
        raise ValueError("'features' must be a list of GeoJSON features")
    bad = [i for i, f in enumerate(gj["features"]) if not _valid_feature(f)]
    if bad:  # e.g. features: [1, 2, 3] or garbage geometry (issue 16)
        shown = ", ".join(str(i + 1) for i in bad[:10])
        raise ValueError(
            f"{len(bad)} of {len(gj['features'])} features are not polygons with finite "
            f"coordinates (feature {shown}) / 边界文件中有无效要素"
        )
    return gj


def _valid_ring(ring) -> bool:
    return (
        isinstance(ring, list)
        and len(ring) >= 3
        and all(
            isinstance(p, list)
            and len(p) >= 2
            and all(
                isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
                for x in p[:2]
            )
            for p in ring
        )
    )


def _valid_feature(f) -> bool:
    if not isinstance(f, dict) or f.get("type") != "Feature":
        return False
    if f.get("properties") is not None and not isinstance(f["properties"], dict):
        return False
    g = f.get("geometry")
    if not isinstance(g, dict):
        return False
    coords = g.get("coordinates")
    if g.get("type") == "Polygon":
        return isinstance(coords, list) and bool(coords) and all(_valid_ring(r) for r in coords)
    if g.get("type") == "MultiPolygon":
        return (
            isinstance(coords, list)
            and bool(coords)
            and all(
                isinstance(poly, list) and poly and all(_valid_ring(r) for r in poly)
                for poly in coords
            )
        )
    return False


def match_features(gj: dict, regions: pd.DataFrame) -> tuple[dict, str, dict[str, str]]:
    """Tag each feature with the region code it shows.

    Tries code-like properties (``adcode``, ``code``, …, with old codes mapped to current
    ones) and then Chinese / English names. Returns a copy of the GeoJSON whose features carry
    ``properties.gep_code``, the property used, and {code: feature name}. Raises ValueError if
    nothing matches.
    """
    codes = {str(c) for c in regions.index}
    names = {}
    for code, row in regions.iterrows():
        for col in ("name_zh", "name_en"):
            if col in row and str(row[col]):
                names[str(row[col])] = str(code)
    best: tuple[int, str, dict[int, str]] = (0, "", {})
    features = gj["features"]
    for prop in (*_ID_PROPERTIES, *_NAME_PROPERTIES, "feature.id"):
        found: dict[int, str] = {}
        for i, f in enumerate(features):
            props = f.get("properties") or {}
            v = f.get("id") if prop == "feature.id" else props.get(prop)
            if v is None:
                continue
            s = str(v).strip()
            if s.endswith(".0"):
                s = s[:-2]
            s = CODE_ALIASES.get(s, s)
            if s in codes:
                found[i] = s
            elif s in names:
                found[i] = names[s]
        if len(found) > best[0]:
            best = (len(found), prop, found)
    if best[0] == 0:
        raise ValueError(
            "no feature matches a region code or name of the dataset "
            "(looked at properties " + ", ".join((*_ID_PROPERTIES, *_NAME_PROPERTIES)) + ")"
        )
    out = {"type": "FeatureCollection", "features": []}
    labels = {}
    for i, code in best[2].items():
        f = dict(features[i])
        props = dict(f.get("properties") or {})
        props["gep_code"] = code
        f["properties"] = props
        out["features"].append(f)
        labels[code] = str(props.get("name", code))
    return out, best[1], labels
