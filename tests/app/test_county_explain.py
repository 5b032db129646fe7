"""County page: 查看计算过程 (explain, issue 9 item 3) with its illustrative-data warning
(issue 13 item 6), the quantity route (issue 10 item 1), the out-of-region ledger (issue 11
item 3); and the profiles page's reasons why a profile cannot run, in Chinese (issue 11)."""

from __future__ import annotations

import re
import shutil

import pytest

from gep.accounting import account
from gep.coefficients import load_set
from gep.inventory import load_dataset

from .helpers import MINI, MINI_SET, REPO, assert_ok, goto, new_app
from .uitext import leaks, visible_text

ANKANG = REPO / "datasets" / "ankang"
needs_ankang = pytest.mark.skipif(
    not (ANKANG / "dataset.yaml").exists(), reason="datasets/ankang not present"
)
WC = "regulating.water_conservation"
COST = "regulating.water_conservation.reservoir_cost"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def ankang_env(monkeypatch, tmp_path):
    monkeypatch.delenv("GEP_DATASET", raising=False)
    monkeypatch.delenv("GEP_COEFFICIENT_SET", raising=False)
    monkeypatch.delenv("GEP_PROFILES", raising=False)
    monkeypatch.setenv("GEP_WORKSPACE", str(tmp_path / "ws"))


def _open_explain(lang: str, region: str, indicator: str, **state):
    at = goto(new_app(lang, **state), "county")
    assert_ok(at)
    at.selectbox(key="sb_county_choice").select(region).run()
    at.selectbox(key="explain_indicator").select(indicator).run()
    assert_ok(at)
    return at


def _frame_with(at, column: str):
    return next(df.value for df in at.dataframe if column in df.value.columns)


@needs_ankang
def test_explain_water_conservation_zh(ankang_env):
    ds = load_dataset(ANKANG)
    cs = load_set(ds.default_coefficients)
    year = ds.years[-1]
    ex = account(ds, cs).explain("610923", year, WC)
    at = _open_explain("zh", "610923", WC)
    # value and physical quantity, in the page's unit (亿元) and in words (立方米)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["价值量"] == f"{ex['value'] / 1e8:,.2f} 亿元"
    assert metrics["实物量"].endswith("立方米")
    assert any("实物量来源：按公式由清单数据计算" in m.value for m in at.markdown)
    # the equation (from the formula's docstring)
    assert any("Q_{wr}" in x.value for x in at.get("latex"))
    # the reservoir-cost coefficient: value in force, price year, index factor, status, source
    coef = _frame_with(at, "价格指数换算")
    row = coef[coef["系数"] == cs[COST].description["zh"]].iloc[0]
    entry = cs[COST].entry_for(year)
    factor = cs.index_factor(cs[COST].price_index, entry.price_year, year)
    assert factor == pytest.approx(1.1336, abs=1e-4)  # the construction index 2017→2024
    assert float(row[f"{year}年取值"]) == pytest.approx(float(entry.value) * factor, rel=1e-6)
    assert row["价格年份"] == str(entry.price_year) == "2017"
    assert row["价格指数换算"].startswith(f"× {factor:.4f}（")
    assert f"{entry.price_year}→{year}" in row["价格指数换算"]
    assert row["状态"] == "地方官方"
    assert "洞河" in row["来源"]
    # every input with its inventory row's source, illustrative ones flagged
    inputs = _frame_with(at, "输入项")
    assert list(inputs["来源"]) == [i["source"] for i in ex["inputs"]]
    assert list(inputs["示意数据"]) == ["是" if i["illustrative"] else "否" for i in ex["inputs"]]
    assert "生态系统面积（阔叶林）" in set(inputs["输入项"])
    # components by name
    comps = _frame_with(at, "组成部分")
    assert "阔叶林" in set(comps["组成部分"])
    # the illustrative rows behind the number are named in a visible warning
    warns = [w.value for w in at.warning]
    assert any(w.startswith("注意：此数值依据示意数据") and "年降水量" in w for w in warns), warns
    assert not any("quantities.csv" in c.value for c in at.caption)  # nothing supplied
    # Chinese page: no ids, no None/nan anywhere
    bad = leaks(visible_text(at))
    assert not bad, bad[:10]


@needs_ankang
def test_explain_in_english(ankang_env):
    at = _open_explain("en", "610923", WC)
    coef = _frame_with(at, "Price-index factor")
    assert list(coef.columns[:4]) == ["Coefficient", "Value in 2024", "Unit", "Price year"]
    row = coef[coef["Coefficient"].str.startswith("Reservoir construction cost")].iloc[0]
    assert row["Price-index factor"].startswith("× 1.1336 (")
    assert row["Status"] == "local official" and row["Unit"] == "CNY/m³"
    inputs = _frame_with(at, "Input")
    assert "Ecosystem extent (Broadleaf forest)" in set(inputs["Input"])
    assert any(
        w.value.startswith("Warning: this number rests on illustrative data") for w in at.warning
    )
    # the page's own words are English (data — sources, names from files — may be Chinese)
    own = [m.value for m in at.markdown] + [m.label for m in at.metric]
    assert not [s for s in own if CJK.search(s)], own


@needs_ankang
def test_ledger_on_the_county_page(ankang_env):
    ds = load_dataset(ANKANG)
    acc = account(ds, load_set(ds.default_coefficients), profile="gbt-46869-2025")
    year = ds.years[-1]
    at = _open_explain("zh", "610902", "material.water_supply", profile="gbt-46869-2025")
    led = _frame_with(at, "扣除依据")
    row = led[led["指标"] == "水资源"].iloc[0]
    sel = {"region": "610902", "year": year, "indicator": "material.water_supply"}
    g, o, n = (float(a.sel(sel)) / 1e8 for a in (acc.gross, acc.out_of_region, acc.value))
    assert o > 0 and n == pytest.approx(g - o)
    assert row["总值（亿元）"] == f"{g:,.2f}"
    assert row["区域外扣除（亿元）"] == f"{o:,.2f}"
    assert row["净值（亿元）"] == f"{n:,.2f}"
    assert row["区域外比例"] == f"{o / g:.1%}"
    assert row["扣除依据"].startswith("入境水量（过境客水） ÷ （入境水量（过境客水）＋当地产水量")
    # the required flood deduction whose share is 0 and unsourced is warned about, in words
    warns = [w.value for w in at.warning]
    assert "洪水调蓄：本核算标准要求扣除区域外来源价值，但扣除比例为 0" in warns
    assert "洪水调蓄：区域外扣除比例尚无正式来源（示意值）" in warns
    # the explain of water supply tells the same gross → deduction → net
    md = " ".join(m.value for m in at.markdown)
    assert f"总值 {g:,.2f} − 区域外扣除 {o:,.2f}" in md and f"= 净值 {n:,.2f} 亿元" in md
    # the GEP headline is net of the deduction
    gep = float(acc.gep().sel(region="610902", year=year)) / 1e8
    assert {m.label: m.value for m in at.metric}[f"{year} 年 GEP"] == f"{gep:,.2f} 亿元"


def test_supplied_quantity_route_and_source(monkeypatch, tmp_path):
    folder = tmp_path / "ds"
    shutil.copytree(MINI, folder)
    src = "illustrative: 外部模型（InVEST 产水模块）试算"
    (folder / "quantities.csv").write_text(
        f"region,year,indicator,component,value,unit,source\n100001,2021,{WC},,2,亿立方米,{src}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("GEP_DATASET", str(folder))
    monkeypatch.setenv("GEP_COEFFICIENT_SET", str(MINI_SET))
    monkeypatch.setenv("GEP_WORKSPACE", str(tmp_path / "ws"))
    at = _open_explain("zh", "100001", WC)
    table = _frame_with(at, "实物量来源")
    routes = dict(zip(table["指标"], table["实物量来源"], strict=True))
    assert routes["水源涵养"] == f"外部提供: {src}"
    assert routes["水资源"] == "公式计算"
    md = [m.value for m in at.markdown]
    assert f"实物量来源：外部提供（quantities.csv）：{src}" in md
    sup = _frame_with(at, "文件与行号")
    assert sup.iloc[0]["组成部分"] == "整个指标"
    assert sup.iloc[0]["文件与行号"].endswith("quantities.csv : 2")
    assert sup.iloc[0]["来源"] == src
    assert {m.label: m.value for m in at.metric}["实物量"] == "200,000,000.00 立方米"
    assert any("外部功能量" in w.value for w in at.warning)
    assert any(
        c.value.startswith("“外部提供”的实物量来自数据集的 quantities.csv") for c in at.caption
    )
    # the other county keeps the formula
    at.selectbox(key="sb_county_choice").select("100002").run()
    table = _frame_with(at, "实物量来源")
    assert set(table["实物量来源"]) == {"公式计算"}


def _profiles_folder(tmp_path):
    """ndrc-2022 as bundled, and a copy of the GB/T profile naming a coefficient the set
    does not have (a user's profile that cannot run)."""
    folder = tmp_path / "profiles"
    folder.mkdir()
    src = REPO / "coefficients" / "profiles"
    shutil.copy(src / "ndrc-2022.yaml", folder)
    text = (src / "gbt-46869-2025.yaml").read_text(encoding="utf-8")
    text = text.replace("id: gbt-46869-2025", "id: county-broken", 1)
    text = text.replace(
        "name: {zh: GB/T 46869—2025 陆域生态产品总值核算技术指南,",
        "name: {zh: 测试用核算标准,",
        1,
    )
    text = text.replace(
        "coefficient: out_of_region.regulating.flood_regulation.share",
        "coefficient: out_of_region.nope.share",
    )
    (folder / "county-broken.yaml").write_text(text, encoding="utf-8")
    line = next(i + 1 for i, x in enumerate(text.splitlines()) if "out_of_region.nope.share" in x)
    return folder, line


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_profiles_page_says_why_a_profile_cannot_run(workspace, monkeypatch, tmp_path, lang):
    folder, line = _profiles_folder(tmp_path)
    monkeypatch.setenv("GEP_PROFILES", str(folder))
    at = goto(new_app(lang), "profiles")
    assert_ok(at)
    md = "\n".join(m.value for m in at.markdown)
    if lang == "zh":
        assert "1 个核算标准暂不能用当前系数集计算" in at.warning[0].value
        assert "**测试用核算标准**" in md
        assert (
            f"county-broken.yaml 第 {line} 行（键 out_of_region.regulating.flood_regulation."
            "share.coefficient）：系数 out_of_region.nope.share 不在当前系数集中" in md
        ), md
        assert "unknown coefficient" not in md
    else:
        assert "1 profile(s) cannot be computed" in at.warning[0].value
        assert (
            f"county-broken.yaml, line {line}, key 'out_of_region.regulating.flood_regulation."
            "share.coefficient': unknown coefficient 'out_of_region.nope.share' (not in the set)"
            in md
        ), md
