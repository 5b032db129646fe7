"""Data page, gridded mode (issue 12 item 3): run a grid config, maps, load as a dataset."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from .helpers import assert_ok, goto, new_app

pytest.importorskip("rioxarray")
pytest.importorskip("geopandas")

from tests.grid.conftest import CODES, two_zone_geojson, write_config, write_tif  # noqa: E402


def _tiny(folder: Path, **extra) -> Path:
    """A 30 × 40 scene with two zones, water conservation from tables and layers."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(3)
    h, w = 30, 40
    lc = rng.choice(np.array(sorted(CODES), dtype=np.uint8), size=(h, w)).astype(np.uint8)
    p = (900 + 100 * rng.random((h, w))).astype(np.float32)
    et = (400 + 100 * rng.random((h, w))).astype(np.float32)
    write_tif(folder / "lc.tif", lc, 0)
    write_tif(folder / "p.tif", p, -9999)
    write_tif(folder / "et.tif", et, -9999)
    ecos = sorted(set(CODES.values()))
    cfg = {
        "name": "tiny",
        "year": 2020,
        "chunks": 64,
        "zones": {"file": two_zone_geojson(folder, 19, w, h).name, "code_field": "code"},
        "land_cover": {"path": "lc.tif", "classes": "gep_ecosystems"},
        "layers": {
            "precipitation": {"path": "p.tif", "unit": "mm"},
            "evapotranspiration": {"path": "et.tif", "unit": "mm"},
        },
        "tables": {"runoff_coefficient": {e: 0.1 for e in ecos}},
        **extra,
    }
    return write_config(folder, cfg, "grid.yaml")


def _problem_text(at) -> str:
    return " ".join(" ".join(map(str, d.value.to_numpy().ravel())) for d in at.dataframe)


def _run_selected(at, path: Path):
    at.session_state["gr_config"] = str(path)
    at = at.run()
    at.button(key="gr_run_config").click()
    return at.run()


def test_grid_config_runs_shows_map_and_preview_and_loads_as_dataset(workspace):
    cfg = _tiny(workspace / "grid" / "tiny")
    at = goto(new_app(), "data")
    assert_ok(at)
    at = _run_selected(at, cfg)
    assert_ok(at)
    payload = at.session_state["gr_payload"]
    # the map's numbers are the run's zone totals (numpy reference over the pixels)
    q = payload["quantities"]
    assert set(q["region"]) == {"610902", "610981"}  # 旬阳 old code mapped
    from gep.grid import load_config, run_grid

    ref = run_grid(load_config(cfg)).quantities
    pd.testing.assert_frame_equal(q.reset_index(drop=True), ref.reset_index(drop=True))
    assert len(at.get("plotly_chart")) >= 1
    assert len(at.get("image")) == 1  # the land-cover preview
    assert any("汇总" in str(m.value) or "分区" in str(m.value) for m in at.caption)
    # load as dataset: saved in the workspace and made active
    at.text_input(key="gr_ds_name").set_value("栅格测试")
    at.button(key="gr_load").click()
    at = at.run()
    assert_ok(at)
    saved = workspace / "datasets" / "栅格测试"
    assert (saved / "quantities.csv").is_file() and (saved / "inventory.csv").is_file()
    assert at.session_state["dataset_choice"] == str(saved)
    assert any("已载入" in str(s.value) for s in at.success)
    got = pd.read_csv(saved / "quantities.csv", dtype={"region": str})
    np.testing.assert_allclose(got["value"].to_numpy(), ref["value"].to_numpy(), rtol=1e-12)


def test_bad_grid_config_shows_chinese_problems_not_a_traceback(workspace):
    cfg = _tiny(workspace / "grid" / "bad", colour="green")
    at = goto(new_app(), "data")
    at = _run_selected(at, cfg)
    assert_ok(at)
    assert "gr_payload" not in at.session_state
    assert any("栅格配置或数据有误" in str(e.value) for e in at.error)
    assert "colour" in _problem_text(at) and "grid.yaml" in _problem_text(at)


def test_config_reading_outside_the_workspace_is_refused(workspace, tmp_path):
    outside = _tiny(tmp_path / "elsewhere")
    (workspace / "grid").mkdir(parents=True)
    cfg = write_config(
        workspace / "grid",
        {
            **yaml.safe_load(outside.read_text(encoding="utf-8")),
            "land_cover": {"path": str(outside.parent / "lc.tif"), "classes": "gep_ecosystems"},
            "layers": {
                "precipitation": {"path": str(outside.parent / "p.tif"), "unit": "mm"},
                "evapotranspiration": {"path": str(outside.parent / "et.tif"), "unit": "mm"},
            },
            "zones": {"file": str(outside.parent / "zones.geojson"), "code_field": "code"},
        },
        "escape.yaml",
    )
    at = goto(new_app(), "data")
    at = _run_selected(at, cfg)
    assert_ok(at)
    assert "gr_payload" not in at.session_state
    text = _problem_text(at)
    assert "land_cover.path" in text and "zones.file" in text


def test_demo_runs_from_the_page(workspace):
    pytest.importorskip("cnmaps")
    at = goto(new_app(), "data")
    at.session_state["gr_demo_res"] = 2000
    at = at.run()
    at.button(key="gr_run_demo").click()
    at = at.run()
    assert_ok(at)
    payload = at.session_state["gr_payload"]
    assert len(payload["regions"]) == 10
    assert (workspace / "grid" / "demo-2000m" / "config.yaml").is_file()
    assert any("示意" in str(i.value) for i in at.info)
    # every county has a value on the map (the bundled offline outlines know all ten)
    from gep.app.gridpanel import measure_frame, zone_rings

    rings, where = zone_rings(payload)
    assert where == "bundled" and set(rings) == set(payload["regions"]["code"])
    key = "regulating.water_conservation|"
    df = measure_frame(payload, key)
    assert df["value"].notna().all()
    # preview of a continuous layer switches the image for a heat map
    at.selectbox(key="gr_preview_layer").set_value("precipitation")
    at = at.run()
    assert_ok(at)
