"""The Word and PDF reports show gross → out-of-region deduction → net with the basis of each
share, and warn where the profile requires a deduction whose share is 0 or unsourced
(issue 11 item 3). The PDF is read back with poppler's pdftotext."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import docx
import pytest

from gep.accounting import account
from gep.coefficients import load_set
from gep.inventory import load_dataset
from gep.report.document import Heading, build_report
from gep.report.writers import report_bytes
from tests.conftest import ROOT

ANKANG = ROOT / "datasets" / "ankang"
pytestmark = pytest.mark.skipif(
    not (ANKANG / "dataset.yaml").exists(), reason="datasets/ankang not present"
)
REGION, YEAR = "610902", 2024  # 汉滨区: Han River inflow from Hanzhong


@pytest.fixture(scope="module")
def gbt():
    ds = load_dataset(ANKANG)
    return account(ds, load_set(ds.default_coefficients), years=[YEAR], profile="gbt-46869-2025")


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _wan(v: float) -> str:
    return f"{v / 1e4:,.2f}"


def _expected_line(acc, iid: str, lang: str) -> str:
    sel = {"region": REGION, "year": YEAR, "indicator": iid}
    g = float(acc.gross.sel(sel))
    o = float(acc.out_of_region.sel(sel))
    n = float(acc.value.sel(sel))
    assert n == pytest.approx(g - o, rel=1e-12)
    share = f"{100 * o / g:.2f}%"
    name = acc.indicator(iid).label(lang)
    if lang == "zh":
        return f"{name}：总值 {_wan(g)} - 区域外扣除 {_wan(o)}（比例 {share}）= 净值 {_wan(n)} 万元"
    return (
        f"{name}: gross {_wan(g)} - out-of-region deduction {_wan(o)} (share {share}) = net "
        f"{_wan(n)} 10⁴ CNY"
    )


def _pdf_text(raw: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler) not installed")
    path = tmp_path / "r.pdf"
    path.write_bytes(raw)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True, timeout=120
    ).stdout


def test_pdf_and_docx_show_gross_deduction_net(gbt, tmp_path):
    acc = gbt
    water = _expected_line(acc, "material.water_supply", "zh")
    hydro = _expected_line(acc, "material.hydropower", "zh")
    # 汉滨区 receives the Han River from upstream: a real deduction, not 0
    assert (
        float(acc.out_of_region.sel(region=REGION, year=YEAR, indicator="material.water_supply"))
        > 0
    )
    text = _squash(_pdf_text(report_bytes(acc, "pdf", YEAR, REGION, "zh"), tmp_path))
    assert "区域外来源扣除（总值→扣除→净值）" in text
    assert _squash(water) in text and _squash(hydro) in text
    # the basis of each share in words, and the warning for the flood share (0, illustrative)
    assert (
        _squash("扣除依据 — 水资源：入境水量（过境客水） ÷ （入境水量（过境客水）＋当地产水量")
        in text
    )
    assert _squash("警告：洪水调蓄：本核算标准要求扣除区域外来源价值，但扣除比例为 0") in text
    assert _squash("警告：洪水调蓄：区域外扣除比例尚无正式来源（示意值）") in text

    d = docx.Document(io.BytesIO(report_bytes(acc, "docx", YEAR, REGION, "zh")))
    paras = [p.text for p in d.paragraphs]
    assert water in paras and hydro in paras
    assert any(p.startswith("警告：洪水调蓄") and "比例为 0" in p for p in paras)
    # the ledger table: one row per deducted indicator with gross, share, deduction and net
    rows = [[c.text for c in r.cells] for t in d.tables for r in t.rows]
    sel = {"region": REGION, "year": YEAR, "indicator": "material.water_supply"}
    row = next(r for r in rows if r[:2] == ["汉滨区", "水资源"] and len(r) == 6)
    assert row[2] == _wan(float(acc.gross.sel(sel)))
    assert row[4] == _wan(float(acc.out_of_region.sel(sel)))
    assert row[5] == _wan(float(acc.value.sel(sel)))


def test_english_pdf(gbt, tmp_path):
    text = _squash(_pdf_text(report_bytes(gbt, "pdf", YEAR, REGION, "en"), tmp_path))
    assert _squash("Out-of-region deduction (gross → deduction → net)") in text
    assert _squash(_expected_line(gbt, "material.water_supply", "en")) in text
    assert (
        _squash(
            "Warning: Flood regulation: the profile requires an out-of-region deduction but the "
            "share is 0"
        )
        in text
    )


def test_city_report_lists_every_county_and_the_total(gbt):
    rep = build_report(gbt, YEAR, None, "zh")
    i = next(
        k
        for k, b in enumerate(rep.blocks)
        if isinstance(b, Heading) and b.text.startswith("区域外来源扣除")
    )
    table = next(b for b in rep.blocks[i:] if hasattr(b, "rows"))
    names = {r[0] for r in table.rows}
    # the dataset gives the city's own basis (aggregate.csv): the city row is the city
    # perspective, followed by the sum of the county rows (county perspective)
    assert {"安康市（全市视角）", "各县之和（县域视角）"} <= names
    assert {gbt.region_name(r) for r in gbt.regions} <= names
    sel = {"year": YEAR, "indicator": "material.water_supply"}
    g = float(gbt.gross.sel(sel).sum())
    s_city = 112.42584 / (112.42584 + 107)
    city = next(r for r in table.rows if r[0] == "安康市（全市视角）" and r[1] == "水资源")
    assert city[2] == _wan(g) and city[3] == f"{100 * s_city:.2f}%"
    assert city[4] == _wan(g * s_city) and city[5] == _wan(g * (1 - s_city))
    counties = next(r for r in table.rows if r[0] == "各县之和（县域视角）" and r[1] == "水资源")
    assert counties[2] == _wan(g)
    assert counties[4] == _wan(float(gbt.out_of_region.sel(sel).sum()))
    assert counties[5] == _wan(float(gbt.value.sel(sel).sum()))
    # the perspective and the reconciling difference are said in words
    paras = [b.text for b in rep.blocks if hasattr(b, "text")]
    assert any(p.startswith("安康市合计为全市视角") for p in paras)
    t = g * (1 - s_city) - float(gbt.value.sel(sel).sum())
    assert any(p.startswith("水资源：全市净值") and _wan(t) in p for p in paras), paras


def test_no_ledger_section_without_deductions():
    ds = load_dataset(ANKANG)
    acc = account(ds, load_set(ds.default_coefficients), years=[YEAR])
    rep = build_report(acc, YEAR, REGION, "zh")
    assert not any(
        isinstance(b, Heading) and b.text.startswith("区域外来源扣除") for b in rep.blocks
    )
