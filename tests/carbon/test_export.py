"""Project summary export (Word / Excel) from the CLI."""

from __future__ import annotations

import io

import docx
import openpyxl
from typer.testing import CliRunner

from gep.cli import carbon as carbon_cli

ARGS = [
    "project",
    "--area",
    "7500mu",
    "--species",
    "cunninghamia",
    "--start",
    "2025",
    "--period",
    "20",
]


def test_export_docx_has_inputs_sources_results_eligibility_and_years(tmp_path):
    out = tmp_path / "sub" / "summary.docx"
    res = CliRunner().invoke(
        carbon_cli.app, [*ARGS, "--export", str(out), "--nonforest-since", "2010"]
    )
    assert res.exit_code == 0, res.stderr
    doc = docx.Document(io.BytesIO(out.read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "造林碳汇项目测算摘要" in text and "方法学资格筛查" in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert any("carbon.project.cost_establishment" in c for c in cells)  # sources
    assert any("5/CMP.1" in c for c in cells)
    assert "符合" in cells  # eligibility status (land non-forest since 2010)
    assert "2044" in cells  # yearly table to the last crediting year
    assert any(c.startswith("7,500 亩") for c in cells)


def test_export_xlsx_sheets_and_bad_suffix(tmp_path):
    out = tmp_path / "summary.xlsx"
    res = CliRunner().invoke(carbon_cli.app, [*ARGS, "--export", str(out), "--lang", "en"])
    assert res.exit_code == 0, res.stderr
    wb = openpyxl.load_workbook(out)
    assert {
        "Project",
        "Headline results",
        "Price scenarios",
        "Inputs and sources",
        "Yearly table",
    } <= set(wb.sheetnames)
    years = [r[0].value for r in wb["Yearly table"].iter_rows(min_row=2)]
    assert years == list(range(2025, 2045))
    res = CliRunner().invoke(carbon_cli.app, [*ARGS, "--export", str(tmp_path / "x.pdf")])
    assert res.exit_code == 2 and "--export" in res.stderr
    res = CliRunner().invoke(carbon_cli.app, [*ARGS, "--export", str(tmp_path)])
    assert res.exit_code == 2
