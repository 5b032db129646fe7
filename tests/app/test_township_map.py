"""Township (乡镇/街道) level map and boundary files that match only part of the regions
(issue 14 item 4, issue 16): GeoJSON / zipped shapefile / GeoPackage read offline, township
values on a true choropleth with Chinese tooltips, county values aggregated from townships,
visible Chinese warnings naming every region that is not drawn.

The township data are the illustrative fixture ``tests/data/township`` (made by its
``make_fixture.py`` from the mini dataset: 甲县 split 60/40 into two made-up towns).
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gep.accounting import account
from gep.app import geo, views
from gep.coefficients import load_set
from gep.inventory import load_dataset

from .helpers import MINI, MINI_SET, REPO, assert_ok, new_app

TOWN = REPO / "tests" / "data" / "township"
TOWNS_GJ = (TOWN / "townships.geojson").read_bytes()
COUNTIES_GJ = (TOWN / "counties.geojson").read_bytes()


@pytest.fixture
def town_ws(tmp_path, monkeypatch):
    ws = tmp_path / "workspace"
    monkeypatch.setenv("GEP_DATASET", str(TOWN))
    monkeypatch.setenv("GEP_COEFFICIENT_SET", str(MINI_SET))
    monkeypatch.setenv("GEP_WORKSPACE", str(ws))
    return ws


def _accounts():
    cs = load_set(MINI_SET)
    return account(load_dataset(TOWN), cs), account(load_dataset(MINI), cs)


def _fills(at):
    out = []
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        out += [tr for tr in spec["data"] if tr.get("fill") == "toself"]
    return out


# ---------------------------------------------------------------------------- reading files


def test_township_geojson_with_statistical_codes_matches_the_townships():
    ds = load_dataset(TOWN)
    bf = geo.read_boundary("townships.geojson", TOWNS_GJ)
    matched, prop, _ = geo.match_features(bf.gj, ds.regions)
    assert prop == "XZDM"  # a field outside the usual names; 12-digit codes → 9-digit
    assert {f["properties"]["gep_code"] for f in matched["features"]} == {
        "100001001",
        "100001002",
    }
    assert geo.file_level(matched) == geo.TOWNSHIP
    rings = geo.outlines(geo.level_codes(matched, geo.TOWNSHIP), tol=0)
    lon = [p[0] for p in rings["100001001"][0]]
    assert min(lon) == 108.0 and max(lon) == 108.6


def _gdf(crs="EPSG:32649"):
    gpd = pytest.importorskip("geopandas")
    gdf = gpd.read_file(io.BytesIO(TOWNS_GJ))
    gdf = gdf.set_crs("EPSG:4326", allow_override=True)
    return gdf.to_crs(crs)  # a projected CRS (UTM 49N): the reader must bring it back to lon/lat


def _shapefile_zip(tmp_path, with_prj=True) -> bytes:
    gdf = _gdf()
    folder = tmp_path / "shp"
    folder.mkdir()
    gdf.to_file(folder / "towns.shp", engine="pyogrio")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in folder.iterdir():
            if with_prj or f.suffix != ".prj":
                zf.write(f, f"乡镇界/{f.name}")
    return buf.getvalue()


def _check_rect(bf):
    ds = load_dataset(TOWN)
    matched, _, _ = geo.match_features(bf.gj, ds.regions)
    rings = geo.outlines(matched, tol=0)
    lon = [p[0] for p in rings["100001002"][0]]
    lat = [p[1] for p in rings["100001002"][0]]
    assert min(lon) == pytest.approx(108.6, abs=1e-6) and max(lon) == pytest.approx(109.0, abs=1e-6)
    assert min(lat) == pytest.approx(32.0, abs=1e-6) and max(lat) == pytest.approx(33.0, abs=1e-6)


def test_zipped_shapefile_is_reprojected_to_lonlat(tmp_path):
    _check_rect(geo.read_boundary("乡镇界.zip", _shapefile_zip(tmp_path)))


def test_geopackage_is_reprojected_to_lonlat(tmp_path):
    gdf = _gdf()
    gdf.to_file(tmp_path / "t.gpkg", driver="GPKG", engine="pyogrio")
    _check_rect(geo.read_boundary("t.gpkg", (tmp_path / "t.gpkg").read_bytes()))


def test_shapefile_without_prj_is_refused_not_guessed(tmp_path):
    with pytest.raises(geo.BoundaryError) as err:
        geo.read_boundary("x.zip", _shapefile_zip(tmp_path, with_prj=False))
    assert "坐标参考系" in err.value.zh and ".prj" in err.value.zh


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("x.zip", b"not a zip", "不是有效的 zip"),
        ("x.gpkg", b"SQLite format 3\x00garbage", "无法读取"),
        ("x.shp", b"", "不支持的文件类型"),
    ],
)
def test_bad_vector_files_are_named(name, raw, message):
    pytest.importorskip("geopandas")
    with pytest.raises(geo.BoundaryError) as err:
        geo.read_boundary(name, raw)
    assert message in err.value.zh


def test_zip_bomb_is_refused_before_extracting():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.shp", b"\x00" * 50_000_000)
    with pytest.raises(geo.BoundaryError, match="expands too much"):
        geo.read_boundary("a.zip", buf.getvalue())


def test_garbage_features_are_skipped_and_listed():
    gj = json.loads(COUNTIES_GJ)
    gj["features"][0]["geometry"] = {"type": "Polygon", "coordinates": "garbage"}
    bf = geo.read_boundary("c.geojson", json.dumps(gj))
    assert bf.n_features == 2 and bf.skipped == [(1, "甲县")]
    assert [f["properties"]["code"] for f in bf.gj["features"]] == ["100002"]
    saved = geo.load_saved_boundary_bytes(geo.dump_boundary(bf))
    assert saved.skipped == [(1, "甲县")] and saved.n_features == 2


# ---------------------------------------------------------------------------- values by level


@pytest.mark.parametrize("measure", ["gep", "per_km2", "per_capita", "ratio"])
def test_county_values_aggregate_the_townships(measure):
    town, mini = _accounts()
    year = town.years[-1]
    f = geo.levels_frame(town, year, measure, "yi", "zh", views.county_measure)
    ref = views.county_measure(mini, year, measure, "zh", "yi").set_index("region")["value"]
    county = f[geo.COUNTY].set_index("region")["value"]
    # the fixture splits 甲县's extensive rows 60/40, so its townships add up to 甲县 exactly
    assert county.to_dict() == pytest.approx(ref.to_dict(), rel=1e-9)
    town_f = f[geo.TOWNSHIP]
    assert set(town_f["region"]) == {"100001001", "100001002"}
    assert all("（甲县）" in n for n in town_f["name"])
    # rows split 60/40, ecosystem areas 55/45: the towns differ in every measure; rank 1 is
    # the higher value
    hi, lo = town_f.sort_values("value", ascending=False)["region"]
    assert town_f.set_index("region")["rank"].to_dict() == {hi: 1, lo: 2}
    assert town_f["value"].nunique() == 2


def test_county_dataset_has_no_township_frame():
    _, mini = _accounts()
    f = geo.levels_frame(mini, mini.years[-1], "gep", "yi", "zh", views.county_measure)
    assert f[geo.TOWNSHIP].empty and list(f[geo.COUNTY]["rank"]) in ([1, 2], [2, 1])


# ---------------------------------------------------------------------------- the page


def test_township_upload_draws_the_township_choropleth(town_ws):
    at = new_app("zh")
    assert_ok(at)
    at.file_uploader(key="ov_geojson").set_value(
        ("乡镇界.geojson", TOWNS_GJ, "application/geo+json")
    )
    at.run()
    assert_ok(at)
    assert at.session_state["ov_map_level"] == geo.TOWNSHIP  # switched to the new level
    fills = _fills(at)
    assert len(fills) == 2
    hovers = " ".join(tr["text"] for tr in fills)
    assert "甲一镇（甲县）" in hovers and "甲二镇（甲县）" in hovers and "排名：1" in hovers
    assert "万元/平方千米" in hovers
    assert any("2/2 个乡镇（街道）已匹配" in c.value for c in at.caption)
    assert not at.warning
    assert (town_ws / "boundaries" / "township.geojson").exists()
    # a new session sees the saved township boundaries; the county level stays available
    at2 = new_app("zh", ov_map_level=geo.TOWNSHIP)
    assert_ok(at2)
    assert len(_fills(at2)) == 2
    at2.session_state["ov_map_level"] = geo.COUNTY
    at2.run()
    assert_ok(at2)
    # no county boundaries for the made-up codes: schematic tiles, said so
    assert not _fills(at2) and any("示意图" in c.value for c in at2.caption)


def test_county_file_draws_counties_aggregated_from_townships(town_ws):
    at = new_app("zh")
    at.file_uploader(key="ov_geojson").set_value(("c.geojson", COUNTIES_GJ, "application/json"))
    at.run()
    assert_ok(at)
    fills = _fills(at)
    assert len(fills) == 2 and "甲县" in " ".join(tr["text"] for tr in fills)
    at.session_state["ov_map_level"] = geo.TOWNSHIP
    at.run()
    assert_ok(at)  # no township file yet: a schematic and a note how to get the real map
    assert any("上传乡镇（街道）边界文件" in i.value for i in at.info)


def test_garbage_geometry_warns_and_names_the_missing_county(town_ws):
    gj = json.loads(COUNTIES_GJ)
    gj["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [[[1, "x"], [2, 2]]]}
    at = new_app("zh")
    at.file_uploader(key="ov_geojson").set_value(
        ("c.geojson", json.dumps(gj).encode(), "application/json")
    )
    at.run()
    assert_ok(at)
    warnings = [w.value for w in at.warning]
    assert any("1/2 个要素" in w and "第 1（甲县）" in w for w in warnings), warnings
    assert any("只匹配了 1/2 个区县" in w and "甲县" in w for w in warnings), warnings
    assert len(_fills(at)) == 1  # 乙县 drawn, and the rest is said, never silently blank


def test_township_file_for_a_county_dataset_says_so(workspace):
    at = new_app("zh")
    at.file_uploader(key="ov_geojson").set_value(("t.geojson", TOWNS_GJ, "application/json"))
    at.run()
    assert_ok(at)
    assert at.error and "乡镇级边界文件（甲县的乡镇）" in at.error[0].value
    assert "没有乡镇级数据" in at.error[0].value


def test_every_page_opens_on_a_township_dataset(town_ws):
    """Township regions are accounting regions like counties: no page breaks on them."""
    from .helpers import PAGES, goto

    at = new_app("zh")
    assert_ok(at)
    for page in PAGES:
        goto(at, page)
        assert_ok(at)


_coord = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.integers(), st.text(max_size=3)
)
_geometry = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["Polygon", "MultiPolygon", "Point", "x"]),
            "coordinates": st.recursive(
                st.lists(_coord, max_size=3), lambda c: st.lists(c, max_size=4), max_leaves=20
            ),
        }
    ),
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    st.lists(
        st.one_of(
            st.integers(),
            st.fixed_dictionaries(
                {
                    "type": st.just("Feature"),
                    "properties": st.dictionaries(
                        st.sampled_from(["code", "XZDM", "name"]),
                        st.one_of(st.text(max_size=12), st.integers()),
                    ),
                    "geometry": _geometry,
                }
            ),
        ),
        max_size=6,
    )
)
def test_fuzz_boundary_reader(features):
    """Any feature list: a BoundaryError, or drawable features with finite lon/lat and every
    other feature listed as skipped — never a traceback, never a silent drop."""
    raw = json.dumps({"type": "FeatureCollection", "features": features})
    try:
        bf = geo.read_boundary("f.geojson", raw)
    except geo.BoundaryError:
        return
    assert len(bf.gj["features"]) + len(bf.skipped) == len(features) == bf.n_features
    geo.outlines(bf.gj)  # every kept feature draws
