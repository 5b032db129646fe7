"""核算标准对比 page (issue 11 item 4): the reconciliation of every bundled profile for the
chosen year, in Chinese (no ids, no None) and complete English, on the bundled Ankang data."""

from __future__ import annotations

import re

import pytest

from gep.accounting import account
from gep.coefficients import load_set
from gep.inventory import load_dataset
from gep.profiles import available_profiles, load_profiles

from .helpers import REPO, assert_ok, goto, new_app
from .uitext import _walk, leaks

ANKANG = REPO / "datasets" / "ankang"
pytestmark = pytest.mark.skipif(
    not (ANKANG / "dataset.yaml").exists(), reason="datasets/ankang not present"
)


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    monkeypatch.delenv("GEP_DATASET", raising=False)
    monkeypatch.delenv("GEP_COEFFICIENT_SET", raising=False)
    monkeypatch.setenv("GEP_WORKSPACE", str(tmp_path / "ws"))


def page_text(at) -> list[tuple[str, str]]:
    """Visible text of this page's own elements (from its title on; the shared shell's
    banners above it are checked by test_chinese_ui)."""
    nodes = list(at.main)
    start = next(i for i, n in enumerate(nodes) if type(n).__name__ == "Title")
    out: list[tuple[str, str]] = []
    for n in nodes[start:]:
        _walk(n, out)
    return out


def _yi(s: str) -> float:
    return float(s.replace(",", ""))


def test_chinese_page_shows_reconciliation(clean_env):
    at = new_app("zh")
    at = goto(at, "profiles")
    assert_ok(at)
    assert at.title[0].value == "核算标准对比"
    year = at.session_state["_ctx"].year
    ds = load_dataset(ANKANG)
    cs = load_set(ds.default_coefficients)
    # totals table: GEP row equals each profile's own account (亿元, 2 decimals)
    tot = next(df.value for df in at.dataframe if df.value.columns[0] == "类别")
    gep_row = tot[tot["类别"] == "生态产品总值（GEP）"].iloc[0]
    for pid, col in [
        ("ndrc-2022", "国家规范（发改基础〔2022〕481号）方法"),
        ("gbt-46869-2025", "GB/T 46869—2025 陆域生态产品总值核算技术指南"),
    ]:
        want = float(account(ds, cs, years=[year], profile=pid).city_gep().sel(year=year)) / 1e8
        assert _yi(gep_row[col]) == pytest.approx(want, abs=0.006)
    # ledger: GB/T water supply is assessed now; net = gross − deduction
    led = next(df.value for df in at.dataframe if "比例依据" in df.value.columns)
    gbt = led[led["核算标准"].str.startswith("GB/T")]
    ws = gbt[gbt["指标"] == "水资源"].iloc[0]
    assert ws["区域外比例（全市）"].endswith("%")
    g, o, n = (_yi(ws[c]) for c in ["毛价值（亿元）", "区域外扣除（亿元）", "净价值（亿元）"])
    assert n == pytest.approx(g - o, abs=0.011) and 0 < n < g
    assert "入境水量" in ws["比例依据"]
    # differences explained, and the flood-share warning shown in words
    md = " ".join(m.value for m in at.markdown)
    assert "方法不同" in md and "仅" in md
    warns = [w.value for w in at.warning]
    assert any("洪水调蓄" in w and "扣除比例为 0" in w for w in warns), warns
    # no ids, no None
    bad = leaks(page_text(at), set())
    assert not bad, bad[:15]


def test_english_page_is_complete(clean_env):
    at = new_app("en")
    at = goto(at, "profiles")
    assert_ok(at)
    assert at.title[0].value == "Accounting profiles compared"
    cols = [c for df in at.dataframe for c in df.value.columns]
    assert "Basis of the share" in cols and "Category" in cols
    assert any("differ" in m.value for m in at.markdown)
    # clauses cite Chinese documents as written in the profile files: Chinese by nature
    clauses = {i.clause for p in load_profiles(available_profiles()).values() for i in p.indicators}
    cjk = re.compile(r"[\u4e00-\u9fff]")
    bad = [(k, s[:100]) for k, s in page_text(at) if cjk.search(s) and s not in clauses]
    assert not bad, bad[:10]
