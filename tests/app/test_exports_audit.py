"""Every dashboard export says when it rests on illustrative data, and is in the audit log.

AppTest runs the real pages on the mini data (every row and coefficient illustrative) with
the workspace's SQLite store; the bytes each download button would serve are read from
Streamlit's media storage as the page stores them (a spy on the real storage, not a mock).
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from gep.store import Store

from .helpers import MINI, MINI_SET, assert_ok, goto, new_app


@pytest.fixture
def served(monkeypatch) -> dict[str, bytes]:
    """file name → the bytes a download button serves (as stored by Streamlit)."""
    files: dict[str, bytes] = {}
    real = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        if isinstance(path_or_data, bytes) and filename:
            files[filename] = path_or_data
        return real(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)

    # CSV downloads are made when pressed (a callable Streamlit defers): make the CSVs at once
    # here to read what the button would serve (reports stay deferred: they are slow to build)
    real_deferred = MediaFileManager.add_deferred

    def spy_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        if file_name and file_name.endswith(".csv"):
            data = data_callable()
            files[file_name] = data.encode("utf-8") if isinstance(data, str) else data
        return real_deferred(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy_deferred)
    return files


def _exports(ws) -> list[dict]:
    with Store(cache=ws / "cache") as st:
        return st.audit(action="export")


def _csv_lines(data: bytes) -> list[str]:
    return data.decode("utf-8-sig").splitlines()


def test_county_csv_carries_warning_and_download_is_logged(workspace, served):
    at = new_app("en")
    goto(at, "county")
    assert_ok(at)
    region = at.session_state["county_choice"]
    year = at.session_state["year"]
    name = f"gep_{region}_{year}.csv"
    lines = _csv_lines(served[name])
    assert lines[0].startswith("# ⚠ Illustrative data (示意数据)")
    assert "170 of the 170 inventory rows" in lines[0]
    assert f"100.0% of region {region}'s {year} GEP" in lines[0]
    assert not lines[1].startswith("#")  # then the table's own header
    assert _exports(workspace) == []  # drawing the button logs nothing

    at.download_button(key="dl_county_table").click().run()
    assert_ok(at)
    [entry] = _exports(workspace)
    assert entry["user"] == "local" and entry["object"] == f"csv:{name}"
    d = entry["detail"]
    assert (d["dataset"], d["coefset"], d["region"], d["year"]) == ("mini", "mini", region, year)
    assert len(d["dataset_hash"]) == 16 and len(d["coefset_hash"]) == 16
    assert d["coefset_source"] == "files" and entry["to"] == "mini (files)"


def test_chart_images_csv_and_reports_are_marked_and_logged(workspace, served):
    at = new_app("zh")
    assert_ok(at)
    charts = at.get("plotly_chart")
    assert charts
    for el in charts:
        notes = " ".join(
            a.get("text", "") for a in json.loads(el.proto.spec)["layout"].get("annotations", [])
        )
        assert "示意数据（illustrative）" in notes and "100.0%" in notes, notes
    chart_csv = [b for b in at.download_button if b.key.startswith("dl_")]
    assert chart_csv
    first = chart_csv[0]
    first.click().run()
    assert_ok(at)
    entries = _exports(workspace)
    assert len(entries) == 1 and entries[0]["object"].startswith("csv:")
    assert entries[0]["detail"]["chart"] == first.key.removeprefix("dl_")
    name = entries[0]["detail"]["file"]
    assert _csv_lines(served[name])[0].startswith("# ⚠ 示意数据（illustrative）")

    goto(at, "data")
    assert_ok(at)
    results = next(f for f in served if f.startswith("gep_mini_"))
    head = _csv_lines(served[results])
    assert head[0].startswith("# ⚠ 示意数据（illustrative）") and head[1].startswith("# dataset")
    for fmt in ("docx", "pdf", "xlsx"):
        at.download_button(key=f"dl_data_report_{fmt}").click().run()
        assert_ok(at)
    reports = [e for e in _exports(workspace) if e["object"].startswith("report.")]
    assert [e["detail"]["format"] for e in reports] == ["report.docx", "report.pdf", "report.xlsx"]
    assert all(e["detail"]["region"] is None and e["detail"]["profile"] for e in reports)
    at.download_button(key="dl_results_csv").click().run()
    assert _exports(workspace)[-1]["object"] == f"csv:{results}"


def test_audit_export_is_itself_logged(workspace):
    at = new_app("en")
    goto(at, "audit")
    assert_ok(at)
    at.download_button(key="au_dl_csv").click().run()
    assert_ok(at)
    last = _exports(workspace)[-1]
    assert last["object"] == "audit.csv:gep-audit.csv" and last["detail"]["entries"] >= 1


@pytest.fixture
def real_data(tmp_path, monkeypatch):
    """The mini dataset and set relabelled as non-illustrative (a real account's case)."""
    ds_dir = tmp_path / "real"
    shutil.copytree(MINI, ds_dir)
    inv = pd.read_csv(ds_dir / "inventory.csv", dtype=str, keep_default_na=False)
    inv["source"] = "county statistical yearbook (test relabel)"
    inv.to_csv(ds_dir / "inventory.csv", index=False)
    set_dir = tmp_path / "coefficients" / "mini"
    shutil.copytree(MINI_SET, set_dir)
    for f in set_dir.rglob("*.yaml"):
        f.write_text(
            f.read_text(encoding="utf-8").replace("status: illustrative", "status: literature"),
            encoding="utf-8",
        )
    monkeypatch.setenv("GEP_DATASET", str(ds_dir))
    monkeypatch.setenv("GEP_COEFFICIENT_SET", str(set_dir))
    monkeypatch.setenv("GEP_WORKSPACE", str(tmp_path / "ws"))


def test_real_data_exports_carry_no_warning(real_data, served):
    at = new_app("zh")
    assert_ok(at)
    assert not [b for b in at.get("html") if "gep-illustrative-banner" in b.proto.body]
    for el in at.get("plotly_chart"):
        assert "示意数据" not in el.proto.spec
    goto(at, "county")
    name = next(f for f in served if f.startswith("gep_") and f.endswith(".csv"))
    assert not _csv_lines(served[name])[0].startswith("#")


def test_banner_shows_when_only_a_supplied_quantity_is_illustrative(real_data, monkeypatch):
    """Official inventory and coefficients, one illustrative quantities.csv row: the banner
    must still say the account rests on illustrative data, and why."""
    import os
    from pathlib import Path

    ds_dir = Path(os.environ["GEP_DATASET"])
    (ds_dir / "quantities.csv").write_text(
        "region,year,indicator,component,value,unit,source\n"
        "100001,2021,regulating.water_conservation,,2,亿立方米,"
        "illustrative: made-up outside-model figure\n",
        encoding="utf-8",
    )
    at = new_app("zh", year=2021)
    assert_ok(at)
    banners = [b.proto.body for b in at.get("html") if "gep-illustrative-banner" in b.proto.body]
    assert banners and "quantities.csv 中有 1 行" in banners[0], banners
