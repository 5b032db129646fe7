"""Reports say when they rest on illustrative data: the share of GEP on the cover (Word and
PDF share the document model) and a line under the title of every Excel sheet (issue 13)."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import openpyxl

from gep.accounting import account
from gep.report.document import PageBreak, Para, build_report
from gep.report.writers import report_bytes


def test_every_excel_sheet_carries_the_warning(mini_account):
    wb = openpyxl.load_workbook(io.BytesIO(report_bytes(mini_account, "xlsx", 2021, None, "zh")))
    assert len(wb.worksheets) >= 5
    for ws in wb.worksheets:
        line = ws.cell(2, 1).value
        assert line and line.startswith("⚠ 示意数据（illustrative）"), (ws.title, line)
        assert "2021 年 GEP 的 100.0%" in line
    wb = openpyxl.load_workbook(
        io.BytesIO(report_bytes(mini_account, "xlsx", 2021, "100001", "en"))
    )
    assert "100.0% of region 100001's 2021 GEP" in wb.worksheets[1].cell(2, 1).value


def test_report_cover_gives_the_share_of_gep(mini_account):
    blocks = build_report(mini_account, 2021, None, "zh").blocks
    cover = blocks[: next(i for i, b in enumerate(blocks) if isinstance(b, PageBreak))]
    lines = [b.text for b in cover if isinstance(b, Para)]
    assert any(t.startswith("⚠ 示意数据（illustrative）") and "100.0%" in t for t in lines), lines
    doc = docx.Document(io.BytesIO(report_bytes(mini_account, "docx", 2021, None, "zh")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "示意数据（illustrative）" in text and "GEP 的 100.0% 依赖示意数据" in text


def test_real_data_report_has_no_share_line():
    from gep.coefficients import load_set
    from gep.inventory import load_dataset

    data = Path(__file__).parent / "data"
    ds = load_dataset(data / "mini")  # fresh objects: relabelled in memory only
    cs = load_set(data / "coefficients" / "mini")
    ds.table["source"] = "county statistical yearbook"
    for c in cs.coefficients.values():
        for e in c.values:
            object.__setattr__(e, "status", "literature")
    acc = account(ds, cs)
    blocks = build_report(acc, 2021, None, "zh").blocks
    assert not [b for b in blocks if isinstance(b, Para) and "示意数据（illustrative）" in b.text]
    wb = openpyxl.load_workbook(io.BytesIO(report_bytes(acc, "xlsx", 2021, None, "zh")))
    assert all(not str(ws.cell(2, 1).value or "").startswith("⚠") for ws in wb.worksheets)
