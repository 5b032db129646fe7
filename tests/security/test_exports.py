"""Item 4 of issue 16: exports safe (no live formulas, valid sheet titles) and whole."""

from __future__ import annotations

import os

import openpyxl
import pytest

from .helpers import MINI_ARGS, assert_clean_exit_2, copy_mini, gep

pytestmark = pytest.mark.timeout(120)

HOSTILE_NAME = '=HYPERLINK("http://evil.example","x")'
HOSTILE_EN = "a: b/c? d* [e] \\f"


@pytest.fixture
def hostile(tmp_path):
    """The mini dataset with a formula as a region name and forbidden sheet-title characters."""
    folder = copy_mini(tmp_path)
    reg = folder / "regions.csv"
    text = reg.read_text(encoding="utf-8")
    text = text.replace(
        "100001,甲县,County A", f'100001,"{HOSTILE_NAME.replace(chr(34), 2 * chr(34))}",County A'
    )
    text = text.replace("100002,乙县,County B", f"100002,@SUM(A1),{HOSTILE_EN}")
    reg.write_text(text, encoding="utf-8")
    inv = folder / "inventory.csv"
    inv.write_text(
        inv.read_text(encoding="utf-8").replace(
            "illustrative: round synthetic test value", "+cmd|' /C calc'!A0 illustrative", 1
        ),
        encoding="utf-8",
    )
    return folder


def _all_cells(path):
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                yield ws.title, c


def test_xlsx_report_escapes_formulas_and_sanitizes_titles(hostile, tmp_path):
    out = tmp_path / "r.xlsx"
    r = gep("report", hostile, "-c", MINI_ARGS[2], "--out", out, "--lang", "en")
    assert r.exit_code == 0, r.output
    titles = openpyxl.load_workbook(out).sheetnames
    assert any(t.startswith("100002 a_ b_c_ d_ _e_ _f") for t in titles), titles
    for title, cell in _all_cells(out):
        assert cell.data_type != "f", (title, cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            assert not cell.value.startswith(("=", "+", "@")), (title, cell.value)
    r = gep("report", hostile, "-c", MINI_ARGS[2], "--out", out, "--lang", "zh")
    assert r.exit_code == 0, r.output
    values = [c.value for _, c in _all_cells(out) if isinstance(c.value, str)]
    assert "'" + HOSTILE_NAME in values


def test_csv_export_escapes_formulas(hostile, tmp_path):
    out = tmp_path / "a.csv"
    r = gep("account", hostile, "-c", MINI_ARGS[2], "--format", "csv", "--out", out)
    assert r.exit_code == 0, r.output
    import csv

    rows = list(csv.reader(out.open(encoding="utf-8")))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c.startswith(("=", "+", "@"))]
    assert any(c.startswith("'=HYPERLINK") for c in cells)


def test_out_directory_is_a_clear_error(tmp_path):
    r = gep("report", *MINI_ARGS, "--out", tmp_path)
    assert_clean_exit_2(r, "--out", "directory")
    r = gep("account", *MINI_ARGS, "--format", "csv", "--out", tmp_path)
    assert_clean_exit_2(r, "--out", "directory")
    r = gep("template", "--out", tmp_path)
    assert_clean_exit_2(r, "--out", "directory")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_out_unwritable_is_a_clear_error(tmp_path):
    d = tmp_path / "ro"
    d.mkdir()
    d.chmod(0o500)
    try:
        r = gep("report", *MINI_ARGS, "--out", d / "r.xlsx")
        assert_clean_exit_2(r, "--out", "permission")
    finally:
        d.chmod(0o700)


def test_out_parent_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    r = gep("report", *MINI_ARGS, "--out", f / "r.xlsx")
    assert_clean_exit_2(r, "--out", "not a directory")


def test_failed_report_leaves_previous_file_and_no_temp(tmp_path, monkeypatch):
    import gep.report.tables as report  # where the report builders look it up

    out = tmp_path / "r.xlsx"
    out.write_bytes(b"previous")

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(report, "coefficient_table", boom)
    r = gep("report", *MINI_ARGS, "--out", out)
    assert r.exit_code != 0
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]
