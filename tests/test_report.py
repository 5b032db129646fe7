"""The accounting report: Word, PDF (rendered to PNG and read back), Excel, the CLI."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from gep.accounting import account
from gep.cli import app
from gep.coefficients import load_set
from gep.inventory import load_dataset
from gep.report import unit_label, write_xlsx
from gep.report.document import Table, build_report
from gep.report.methods import method_note
from gep.report.tables import county_table, headline
from gep.report.writers import report_bytes, write_report

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils (pdftotext, pdftoppm) not installed",
)


@pytest.fixture(scope="module")
def ankang():
    ds = load_dataset(ROOT / "datasets" / "ankang")
    return account(ds, load_set("ankang"))


# ------------------------------------------------------------------------------ labels


@pytest.mark.parametrize(
    ("unit", "zh", "en"),
    [
        ("m ** 3", "立方米", "m³"),
        ("CNY / m ** 3", "元/立方米", "CNY/m³"),
        ("CNY/t", "元/吨", "CNY/t"),
        ("tCO2e", "吨二氧化碳当量", "t CO₂e"),
        ("CNY / visit", "元/人次", "CNY/visits"),
        ("kWh", "千瓦时", "kWh"),
        ("CNY / km ** 2", "元/平方千米", "CNY/km²"),
        ("wan_CNY", "万元", "10⁴ CNY"),
        ("dimensionless", "无量纲", "dimensionless"),
    ],
)
def test_unit_labels(unit, zh, en):
    assert unit_label(unit, "zh") == zh
    assert unit_label(unit, "en") == en


def test_unit_label_never_evaluates():
    assert unit_label("__import__('os')") == "__import__('os')"


# ------------------------------------------------------------------------------ tables


def test_county_table_sums_and_units(ankang):
    df = county_table(ankang, "610926", 2024, "zh", "wan_CNY")
    gep = float(ankang.gep().sel(region="610926", year=2024))
    assert df["value"].sum() * 1e4 == pytest.approx(gep, rel=1e-12)
    assert df["share"].sum() == pytest.approx(1.0)
    text = " ".join(df["physical_unit"]) + " ".join(df["price_unit"])
    assert "**" not in text and "implied" not in text and "CNY" not in text
    row = df.set_index("indicator_id").loc["regulating.water_conservation"]
    assert row["physical_unit"] == "立方米" and row["price_unit"] == "元/立方米"
    # price × quantity = value for a coefficient-priced indicator
    assert row["price"] * row["physical"] / 1e4 == pytest.approx(row["value"], rel=1e-9)


def test_headline(ankang):
    h = headline(ankang, "610926", 2024)
    gep = ankang.gep().sel(year=2024)
    assert h["gep"] == pytest.approx(float(gep.sel(region="610926")))
    assert h["share"] == pytest.approx(float(gep.sel(region="610926") / gep.sum()))
    expected_rank = 1 + int((gep > gep.sel(region="610926")).sum())
    assert h["rank"] == expected_rank and h["n"] == 10
    comp = ankang.comparable().sel(region="610926").sum("indicator")
    assert h["growth"] == pytest.approx(float(comp.sel(year=2024) / comp.sel(year=2023) - 1))
    assert headline(ankang, "610926", 2020)["growth"] is None


def test_method_notes_from_docstrings(ankang):
    note = method_note(ankang.indicator("regulating.water_conservation"))
    eqs = [e for f in note.formulas for e in f.equations]
    assert any("P - R - ET" in e for e in eqs)
    assert [n for n, _ in note.cited()] == ["1", "2"]
    assert "生态产品总值核算规范" in dict(note.cited())["2"]


# ------------------------------------------------------------------------------ report content


def test_report_blocks(ankang):
    rep = build_report(ankang, 2024, "610926")
    texts = [getattr(b, "text", "") for b in rep.blocks]
    assert rep.title == "平利县2024年生态产品总值（GEP）核算报告"
    assert any("示意数据" in t for t in texts)  # the Ankang inventory is mostly illustrative
    tables = [b for b in rep.blocks if isinstance(b, Table)]
    acct = next(t for t in tables if t.columns[:2] == ["类别", "指标"])
    assert acct.columns == ["类别", "指标", "实物量", "单位", "价格", "价值量（万元）", "占比"]
    total = acct.rows[-1]
    gep = float(ankang.gep().sel(region="610926", year=2024)) / 1e4
    assert total[1] == "合计" and total[5] == f"{gep:,.2f}"


def test_report_bad_year_and_region(ankang, tmp_path):
    from gep.errors import InputError

    with pytest.raises(InputError, match="2019"):
        build_report(ankang, 2019)
    with pytest.raises(InputError, match="999999"):
        report_bytes(ankang, "xlsx", 2024, "999999")
    out = tmp_path / "r.pdf"
    with pytest.raises(InputError):
        write_report(ankang, out, year=1999)
    assert not out.exists() and not list(tmp_path.iterdir())  # nothing half-written


@needs_poppler
def test_pdf_renders_chinese(ankang, tmp_path):
    out = write_report(ankang, tmp_path / "平利.pdf", year=2024, region="610926")
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    for s in (
        "平利县2024年生态产品总值（GEP）核算报告",
        "生态产品总值核算表",
        "水源涵养",
        "立方米",
        "元/立方米",
        "核算方法说明",
        "核算系数及来源",
        "未核算项目",
        "示意数据",
        "倍",
    ):
        assert s in text, s
    assert "m ** 3" not in text and "implied" not in text and "nan" not in text.lower().split()
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert re.search(r"\+\S+\s+TrueType\s+\S+\s+yes yes", fonts), (
        fonts
    )  # CJK font embedded (subset)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "3", str(out), str(tmp_path / "p")],
        check=True,
    )
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == 3 and all(p.stat().st_size > 3000 for p in pngs)


def test_docx(ankang, tmp_path):
    out = write_report(ankang, tmp_path / "city.docx", year=2024)
    d = docx.Document(str(out))
    paras = "\n".join(p.text for p in d.paragraphs)
    assert "安康市2024年生态产品总值（GEP）核算报告" in paras
    assert "一、核算结果摘要" in paras and "四、核算方法说明" in paras
    headers = [[c.text for c in t.rows[0].cells] for t in d.tables]
    acct = [h for h in headers if h[:2] == ["类别", "指标"]]
    assert len(acct) == 1 + 10  # the city and each county
    assert len(d.inline_shapes) >= 3  # charts
    city = ankang.gep().sel(year=2024).sum()
    table_text = "\n".join(c.text for t in d.tables for r in t.rows for c in r.cells)
    assert f"{float(city) / 1e4:,.2f}" in table_text


# ------------------------------------------------------------------------------ Excel


def test_xlsx_layout(ankang, tmp_path):
    out = tmp_path / "gep.xlsx"
    write_xlsx(ankang, out, year=2024)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "说明"
    assert {"汇总", "历年GEP", "系数", "未核算", "原始数据", "610926 平利县"} <= set(wb.sheetnames)
    everything = " ".join(
        str(c)
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if c is not None
    )
    assert "m ** 3" not in everything and "(implied)" not in everything
    assert not re.search(r"\bnan\b|\bNone\b", everything)
    ws = wb["610926 平利县"]
    assert ws.freeze_panes == "A4"
    header = [c.value for c in ws[3]]
    assert header[:4] == ["类别", "指标", "实物量", "实物量单位"] and "价值量（万元）" in header
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    vcol = header.index("价值量（万元）")
    total = rows[-1]
    assert total[1] == "合计"
    gep = float(ankang.gep().sel(region="610926", year=2024)) / 1e4
    assert total[vcol] == pytest.approx(gep, abs=0.01)
    subtotals = [r[vcol] for r in rows if r[1] == "小计"]
    assert sum(subtotals) == pytest.approx(gep, abs=0.05)
    # display values rounded; the raw sheet keeps full precision
    assert all(round(r[vcol], 2) == r[vcol] for r in rows if isinstance(r[vcol], float))
    value_cell = ws.cell(4, vcol + 1)
    assert value_cell.number_format == "#,##0.00"
    raw = wb["原始数据"]
    rhead = [c.value for c in raw[3]]
    exact = float(
        ankang.value.sel(region="610926", year=2024, indicator="regulating.water_conservation")
    )
    for r in raw.iter_rows(min_row=4, values_only=True):
        if r[0] == "610926" and r[2] == 2024 and r[3] == "regulating.water_conservation":
            assert r[rhead.index("价值量（元，全精度）")] == exact
            break
    else:
        pytest.fail("raw row missing")
    summary = wb["汇总"]
    shead = [c.value for c in summary[3]]
    assert (
        "GEP/GDP（倍）" in shead
        and summary.cell(4, shead.index("GEP/GDP（倍）") + 1).number_format == '0.00"倍"'
    )


def test_xlsx_escapes_formula_text(ankang, tmp_path):
    ds = ankang.dataset
    old = ds.regions.loc["610926", "name_zh"]
    ds.regions.loc["610926", "name_zh"] = "=HYPERLINK(1)"
    try:
        out = tmp_path / "x.xlsx"
        write_xlsx(ankang, out, year=2024, region="610926")
    finally:
        ds.regions.loc["610926", "name_zh"] = old
    wb = openpyxl.load_workbook(out)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert any(c.value == "'=HYPERLINK(1)" for c in cells)


# ------------------------------------------------------------------------------ CLI


def test_cli_report_formats(tmp_path):
    for fmt in ("docx", "xlsx"):
        out = tmp_path / f"r.{fmt}"
        r = runner.invoke(
            app,
            [
                "report",
                "tests/data/mini",
                "-c",
                "tests/data/coefficients/mini",
                "--format",
                fmt,
                "--year",
                "2021",
                "--region",
                "100001",
                "--out",
                str(out),
            ],
        )
        assert r.exit_code == 0, r.output
        assert out.stat().st_size > 1000


def test_cli_report_bad_input(tmp_path):
    base = ["report", "tests/data/mini", "-c", "tests/data/coefficients/mini"]
    r = runner.invoke(app, [*base, "--year", "1999", "--out", str(tmp_path / "a.pdf")])
    assert r.exit_code == 2 and "没有 1999 年的数据" in r.output
    r = runner.invoke(app, [*base, "--region", "42", "--out", str(tmp_path / "a.docx")])
    assert r.exit_code == 2 and "42" in r.output
    r = runner.invoke(app, [*base, "--out", str(tmp_path / "a.txt")])
    assert r.exit_code == 2 and "docx | pdf | xlsx" in r.output
    r = runner.invoke(app, [*base, "--out", str(tmp_path)])
    assert r.exit_code == 2
    assert not list(tmp_path.iterdir())
