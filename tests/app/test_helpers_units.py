"""Workspace files, the coefficient table and the map helpers (no Streamlit involved)."""

from __future__ import annotations

import json
import os

import pytest

from gep.app import coeftable, geo
from gep.app import workspace as wsp
from gep.coefficients import load_set
from gep.errors import InputError
from gep.inventory import load_dataset

from .helpers import MINI, MINI_SET

PRICE = "regulating.water_conservation.reservoir_cost"


def test_atomic_write_replaces_whole_file(workspace, monkeypatch):
    target = workspace / "x" / "a.yaml"
    workspace_path = target.parent
    workspace_path.mkdir(parents=True)
    target.write_text("old", encoding="utf-8")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        wsp.atomic_write_text(target, "new")
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "old"  # the old file is intact
    assert [p.name for p in workspace_path.iterdir()] == ["a.yaml"]  # no temp file left behind
    wsp.atomic_write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "new"


def test_safe_name(workspace):
    assert wsp.safe_name(" 水库 造价/上调 ") == "水库_造价_上调"
    with pytest.raises(InputError):
        wsp.safe_name(" / ")


def test_coefficient_table_and_edits_round_trip(workspace):
    cs = load_set(MINI_SET)
    frame = coeftable.coefficient_frame(cs, {}, 2021)
    row = frame[frame["id"] == PRICE].iloc[0]
    assert (row["value"], row["unit"], row["price_year"], row["status"]) == (
        5.0,
        "元/m³",
        2020,
        "illustrative",
    )
    assert row["value_at_year"] == pytest.approx(5.0 * 1.05)  # 2021 prices (construction index 105)
    edits, problems = coeftable.check_edits(cs, {row["row_id"]: 6.0, "nope|x|2020-01-01": 1.0})
    assert list(edits) == [row["row_id"]] and len(problems) == 1
    edited = coeftable.apply_edits(cs, edits)
    assert edited.hash != cs.hash
    assert float(edited.array(PRICE, [2021]).values[0]) == pytest.approx(6.0 * 1.05)
    # tables: one row per key; an edit changes only that key
    table_row = frame[frame["key"] != ""].iloc[0]
    e2 = coeftable.apply_edits(cs, {table_row["row_id"]: table_row["value"] + 1})
    cid, key = table_row["id"], table_row["key"]
    before = cs[cid].entry_for(2021).value
    after = e2[cid].entry_for(2021).value
    assert after[key] == before[key] + 1
    assert {k: v for k, v in after.items() if k != key} == {
        k: v for k, v in before.items() if k != key
    }
    # a named set saved from the edits loads back with the edited value
    path = wsp.save_set("t", str(MINI_SET), coeftable.edited_raw(cs, edits))
    assert load_set(path)[PRICE].entry_for(2020).value == 6.0
    assert "edited in the GEP app" in load_set(path)[PRICE].entry_for(2020).note


def test_tile_positions_and_geojson_matching():
    pos, known = geo.tile_positions(["610902", "610929"])
    assert known and pos.loc["610929", "lon"] == pytest.approx(109.913)
    pos, known = geo.tile_positions(["100001", "100002"])
    assert not known and len(pos) == 2
    regions = load_dataset(MINI).regions
    gj = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"adcode": 100001, "name": "甲县"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
                },
            },
            {
                "type": "Feature",
                "properties": {"name": "乙县"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]]],
                },
            },
        ],
    }
    matched, prop, _ = geo.match_features(geo.parse_geojson(json.dumps(gj)), regions)
    assert prop == "name" and {f["properties"]["gep_code"] for f in matched["features"]} == {
        "100001",
        "100002",
    }
    with pytest.raises(ValueError):
        geo.parse_geojson(b"{not json")
    with pytest.raises(ValueError):
        geo.match_features(
            {"type": "FeatureCollection", "features": [{"properties": {"name": "x"}}]}, regions
        )
    # the pre-2021 code of Xunyang maps to the current one
    assert geo.CODE_ALIASES["610928"] == "610981"
