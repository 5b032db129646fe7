"""Item 5 of issue 16: the dashboard survives any one user."""

from __future__ import annotations

import io
import threading
import time
import tomllib
import zipfile
from pathlib import Path

import pytest

from gep.errors import InputError

pytestmark = pytest.mark.timeout(120)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def ws(tmp_path, monkeypatch):
    monkeypatch.setenv("GEP_WORKSPACE", str(tmp_path / "ws"))
    from gep.app import workspace

    return workspace


def test_config_hides_tracebacks_and_binds_localhost():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["client"]["showErrorDetails"] in ("none", False)
    assert cfg["server"]["address"] == "127.0.0.1"
    assert cfg["server"]["maxUploadSize"] >= 200


def test_page_error_shows_an_id_not_a_traceback(caplog):
    from streamlit.testing.v1 import AppTest

    def script():
        from gep.app import safety

        def boom():
            raise RuntimeError("/secret/server/path exploded")

        safety.guarded(boom)

    at = AppTest.from_function(script).run(timeout=30)
    assert not at.exception
    texts = [str(e.value) for e in at.error]
    assert len(texts) == 1 and "错误编号" in texts[0]
    assert "/secret/server/path" not in texts[0] and "Traceback" not in texts[0]


@pytest.mark.parametrize("name", ["汉" * 80, "𠀀" * 80, "a" * 300])
def test_long_names_are_saved_not_crashing(ws, name):
    clean = ws.safe_name(name)
    assert len(clean.encode("utf-8")) <= ws.MAX_NAME_BYTES
    path = ws.save_scenario(name, {"name": name})
    assert path.exists() and len(path.name.encode("utf-8")) < 255
    folder = ws.save_set(name, str(ROOT / "coefficients" / "national"), {})
    assert (folder / "set.yaml").exists()


def test_names_that_clean_to_the_same_file_do_not_overwrite(ws):
    ws.save_scenario("foo?", {"name": "foo?"})
    with pytest.raises(InputError, match="foo"):
        ws.save_scenario("foo", {"name": "foo"})
    ws.save_scenario("foo?", {"name": "foo?", "description": "again"})  # same name: fine
    base = str(ROOT / "coefficients" / "national")
    ws.save_set("set/1", base, {})
    with pytest.raises(InputError):
        ws.save_set("set:1", base, {})


def test_concurrent_saves_of_one_name_are_serialised(ws):
    base = str(ROOT / "coefficients" / "national")
    errors = []

    def worker(i):
        for j in range(20):
            try:
                ws.save_set("shared", base, {}, description=f"{i}-{j}")
                ws.save_scenario("shared", {"name": "shared", "description": f"{i}-{j}"})
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [p.name for p in ws.list_sets()] == ["shared"]
    leftovers = [p.name for p in ws.sets_root().iterdir() if p.name.startswith(".")]
    assert leftovers == []


BOMB = (
    "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: "
    "[*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
)


def test_bad_saved_scenario_is_quarantined_once(ws):
    from gep.app import scen

    root = ws.scenarios_root()
    root.mkdir(parents=True)
    (root / "bomb.yaml").write_text(BOMB, encoding="utf-8")
    t0 = time.perf_counter()
    found, problems = scen.workspace_scenarios()
    assert time.perf_counter() - t0 < 2
    assert found == [] and any("anchors" in p.message for p in problems)
    assert any("moved aside" in p.message for p in problems)
    assert not (root / "bomb.yaml").exists()
    moved = list(ws.quarantine_root().glob("*bomb.yaml"))
    assert len(moved) == 1 and moved[0].read_text(encoding="utf-8") == BOMB
    assert scen.workspace_scenarios() == ([], [])


def test_broken_draft_is_quarantined(ws):
    p = ws.draft_path("x")
    p.parent.mkdir(parents=True)
    p.write_text(BOMB, encoding="utf-8")
    assert ws.load_draft("x") == {}
    assert not p.exists()
    assert list(ws.quarantine_root().glob("*x.yaml"))


def _zip_bomb(size=300 * 1024 * 1024) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                fh.write(chunk)
    return buf.getvalue()


def test_xlsx_zip_bomb_upload_refused_before_reading():
    from gep.app import ingest

    raw = _zip_bomb()
    assert len(raw) < 2 * 1024 * 1024
    t0 = time.perf_counter()
    with pytest.raises(InputError, match="zip bomb|expands"):
        ingest.read_upload("inventory.xlsx", raw)
    assert time.perf_counter() - t0 < 2


def test_not_a_zip_xlsx_refused():
    from gep.app import ingest

    with pytest.raises(InputError, match="not an Excel"):
        ingest.read_upload("inventory.xlsx", b"PK\x03\x04garbage")


def test_upload_with_unit_bomb_fails_fast():
    from gep.app import ingest

    regions = (ROOT / "tests" / "data" / "mini" / "regions.csv").read_bytes()
    raw = (
        b"region,year,item,ecosystem,species,value,unit,source\n"
        b"100001,2020,area,forest.broadleaf,,6000,9**9**9*hectare,x\n"
    )
    t0 = time.perf_counter()
    with pytest.raises(InputError, match="unit"):
        ingest.validate_upload("inventory.csv", raw, None, regions_raw=regions)
    assert time.perf_counter() - t0 < 5


@pytest.mark.parametrize(
    "gj",
    [
        '{"type": "FeatureCollection", "features": [1, 2, 3]}',
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
        '"geometry": {"type": "Polygon", "coordinates": "garbage"}}]}',
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
        '"geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, "x"], [1, 1]]]}}]}',
        '{"type": "FeatureCollection", "features": {"a": 1}}',
    ],
)
def test_bad_geojson_refused(gj):
    from gep.app import geo

    with pytest.raises(ValueError):
        geo.parse_geojson(gj)


def test_uploaded_dataset_names_do_not_collide(ws):
    files = {"dataset.yaml": "name: 'data?'\n", "regions.csv": "x", "inventory.csv": "x"}
    ws.save_dataset("data?", files)
    with pytest.raises(InputError, match="data"):
        ws.save_dataset("data", {**files, "dataset.yaml": "name: data\n"})
    ws.save_dataset("data?", files)  # the same name again: replaced
