"""Large inventory uploads (issue 16 item 6): the Data page validates them with a progress
bar (bytes read, then rows checked), and the upload limit is the same everywhere."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from gep.app import geo, ingest
from gep.errors import InputError
from gep.inventory import FAST_CSV_BYTES, PROGRESS_BLOCK_BYTES, read_csv_bytes

from .helpers import REPO, assert_ok, goto, new_app

sys.path.insert(0, str(REPO))
from benchmarks.large_inventory import write_large_dataset  # noqa: E402

N_REGIONS, N_YEARS = 220, 25  # ≈ 21 MB: above FAST_CSV_BYTES, several progress blocks


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    folder = write_large_dataset(tmp_path_factory.mktemp("large"), N_REGIONS, N_YEARS)
    raw = (folder / "inventory.csv").read_bytes()
    assert len(raw) > max(FAST_CSV_BYTES, 2 * PROGRESS_BLOCK_BYTES)
    return raw, (folder / "regions.csv").read_bytes()


def test_progress_rises_to_the_end_and_changes_nothing(large):
    raw, regions = large
    calls = []
    ds, _ = ingest.validate_upload(
        "large.csv", raw, None, regions, name="large", progress=lambda *a: calls.append(a)
    )
    fractions = [c[0] for c in calls]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 0.95
    reads = [c for c in calls if c[1] == "read"]
    done = [c[2] for c in reads]
    # block by block: one report per block, bytes rising to the file's size
    assert len(reads) >= len(raw) // PROGRESS_BLOCK_BYTES
    assert done == sorted(done) and done[-1] == len(raw) and {c[3] for c in reads} == {len(raw)}
    n_rows = raw.count(b"\n") - 1
    assert calls[-1][1:] == ("done", n_rows, n_rows) == ("done", len(ds.table), len(ds.table))
    stages = [c[1] for c in calls]
    # every stage in order, each reported at least once
    assert [s for i, s in enumerate(stages) if i == 0 or stages[i - 1] != s] == [
        "read",
        "validate",
        "arrays",
        "rows",
        "done",
    ]
    # parsing in blocks gives the very frame the one-shot parse gives
    pd.testing.assert_frame_equal(
        read_csv_bytes(raw, "large.csv"),
        read_csv_bytes(raw, "large.csv", progress=lambda d, t: None),
    )


def test_bad_large_file_still_reports_rows(large):
    raw, regions = large
    broken = raw.replace(b",hectare,", b",kg,", 1)
    calls = []
    with pytest.raises(InputError) as err:
        ingest.validate_upload(
            "large.csv", broken, None, regions, progress=lambda *a: calls.append(a)
        )
    assert any(p.field == "unit" and p.row == 2 for p in err.value.problems)
    assert calls and calls[-1][1] == "validate"


def test_upload_limits_match():
    assert ingest.upload_limit_mb() == 200  # .streamlit/config.toml server.maxUploadSize
    from gep.tables import MAX_TABLE_BYTES

    assert ingest.MAX_UPLOAD_BYTES == 200 * 2**20 <= MAX_TABLE_BYTES
    assert geo.MAX_BOUNDARY_BYTES == ingest.MAX_UPLOAD_BYTES


def test_file_over_the_limit_is_refused_by_name(monkeypatch):
    monkeypatch.setattr(ingest, "MAX_UPLOAD_BYTES", 1000)
    with pytest.raises(InputError) as err:
        ingest.validate_upload("big.csv", b"x" * 1001, None, b"code\n")
    assert err.value.problems[0].file == "big.csv" and "upload limit" in str(err.value)


def test_data_page_shows_progress_and_success(workspace, tmp_path):
    # 90 counties × 25 years ≈ 8.7 MB: the block-by-block path with a page that then shows
    # the new data within the AppTest time limit on a shared machine
    folder = write_large_dataset(tmp_path / "page", 90, N_YEARS)
    raw, regions = (folder / "inventory.csv").read_bytes(), (folder / "regions.csv").read_bytes()
    assert len(raw) > FAST_CSV_BYTES
    at = new_app("zh")
    goto(at, "data")
    at.file_uploader(key="dt_upload").set_value(("large.csv", raw, "text/csv"))
    at.file_uploader(key="dt_regions").set_value(("regions.csv", regions, "text/csv"))
    at.text_input(key="dt_name").set_value("large")
    at.run()
    at.button(key="dt_go").click().run(timeout=300)
    assert_ok(at)
    assert at.success and "校验通过" in at.success[0].value
    bars = at.get("progress")
    assert bars, "no progress bar"
    n_rows = raw.count(b"\n") - 1
    text = bars[0].proto.text
    assert bars[0].proto.value == 100 and "校验完成" in text and f"{n_rows:,} 行" in text
    assert at.session_state["dataset_choice"].endswith("large")
