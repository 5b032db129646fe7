"""Uploading an inventory: errors are listed with row and field, and never replace good data."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from gep.app import ingest
from gep.app import workspace as ws_mod
from gep.errors import InputError

from .helpers import MINI, assert_ok, goto, new_app

GOOD = (MINI / "inventory.csv").read_bytes()


def _bad_csv() -> bytes:
    lines = GOOD.decode("utf-8").splitlines()
    # file line numbers (header = line 1): break lines 2, 12 and 78
    lines[1] = lines[1].replace("100001", "999999", 1)  # unknown region
    lines[11] = lines[11].replace(",mm,", ",kg,")  # precipitation in kg
    lines[77] = lines[77].replace(",100000,visit,", ",lots,visit,")  # not a number
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_bad_upload_shows_errors_and_keeps_active_data(workspace):
    at = new_app("en")
    goto(at, "data")
    before = dict(at.session_state["_city_gep"])
    active = at.session_state["_ctx"].dataset_hash
    at.file_uploader(key="dt_upload").set_value(("inventory.csv", _bad_csv(), "text/csv"))
    at.run()
    at.button(key="dt_go").click().run()
    assert_ok(at)
    assert at.error[0].value == "Validation failed; the active data is unchanged."
    table = next(d.value for d in at.dataframe if "Problem" in d.value.columns)
    found = {(int(r), f) for r, f in zip(table["Row"], table["Field"], strict=True)}
    assert {(2, "region"), (12, "unit"), (78, "value")} <= found
    # nothing replaced, nothing saved
    assert at.session_state["_ctx"].dataset_hash == active
    assert at.session_state["_city_gep"] == before
    assert not (workspace / "datasets").exists() or not any((workspace / "datasets").iterdir())
    goto(at, "overview")
    assert at.session_state["_city_gep"] == before


def test_good_upload_becomes_active_and_is_kept(workspace):
    df = pd.read_csv(io.BytesIO(GOOD), dtype=str, keep_default_na=False)
    df.loc[df["item"] == "visitors", "value"] = [
        str(2 * float(v)) for v in df.loc[df["item"] == "visitors", "value"]
    ]
    raw = df.to_csv(index=False).encode("gb18030")  # a Chinese-Excel export
    at = new_app("zh")
    goto(at, "data")
    before = dict(at.session_state["_city_gep"])
    at.file_uploader(key="dt_upload").set_value(("清单.csv", raw, "text/csv"))
    at.text_input(key="dt_name").set_value("visitors-doubled")
    at.run()
    at.button(key="dt_go").click().run()
    assert_ok(at)
    assert at.success and "校验通过" in at.success[0].value
    saved = workspace / "datasets" / "visitors-doubled"
    assert (saved / "inventory.csv").exists() and (saved / "regions.csv").exists()
    assert at.session_state["dataset_choice"] == str(saved)
    after = at.session_state["_city_gep"]
    assert all(after[y] > before[y] for y in before)  # recreation doubled
    # a later session can pick it again from the sidebar
    again = new_app("zh")
    assert saved in ws_mod.list_datasets()
    again.sidebar.selectbox(key="sb_dataset_choice").set_value(str(saved)).run()
    assert_ok(again)
    assert again.session_state["_city_gep"] == pytest.approx(after)


def test_validate_upload_rejects_without_writing(workspace):
    from gep.inventory import load_dataset

    active = load_dataset(MINI)
    with pytest.raises(InputError) as err:
        ingest.validate_upload("inventory.csv", _bad_csv(), active)
    assert len(err.value.problems) >= 3
    with pytest.raises(InputError):
        ingest.validate_upload("inventory.pdf", b"%PDF", active)
    with pytest.raises(InputError):
        ingest.validate_upload("inventory.csv", b"", active)
    assert not (workspace / "datasets").exists()


def test_xlsx_upload(workspace):
    from gep.inventory import load_dataset

    df = pd.read_csv(io.BytesIO(GOOD), dtype=str, keep_default_na=False)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        pd.DataFrame({"notes": ["x"]}).to_excel(xw, sheet_name="readme", index=False)
        df.to_excel(xw, sheet_name="inventory", index=False)
    ds, files = ingest.validate_upload(
        "inventory.xlsx", buf.getvalue(), load_dataset(MINI), name="x"
    )
    assert ds.hash == load_dataset(MINI).hash
    assert "inventory.xlsx" in files
