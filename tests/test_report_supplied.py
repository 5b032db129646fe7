"""The Word/PDF report names the physical quantities supplied in quantities.csv, with their
sources (issue 10 item 1)."""

from __future__ import annotations

import shutil

from gep.accounting import account
from gep.coefficients import load_set
from gep.inventory import load_dataset
from gep.report.document import Para, build_report
from tests.conftest import ROOT

MINI = ROOT / "tests" / "data" / "mini"
COEF = ROOT / "tests" / "data" / "coefficients" / "mini"
WC = "regulating.water_conservation"
SRC = "水利局 2021 年水资源公报 表 4"


def _paras(rep) -> list[str]:
    return [b.text for b in rep.blocks if isinstance(b, Para)]


def test_supplied_quantity_named_with_its_source(tmp_path):
    folder = tmp_path / "ds"
    shutil.copytree(MINI, folder)
    (folder / "quantities.csv").write_text(
        f"region,year,indicator,component,value,unit,source\n100001,2021,{WC},,2,亿立方米,{SRC}\n",
        encoding="utf-8",
    )
    acc = account(load_dataset(folder), load_set(COEF))
    zh = _paras(build_report(acc, 2021, "100001", "zh"))
    assert any(
        p.startswith("以下指标的实物量由数据集的 quantities.csv 外部提供")
        and f"水源涵养（外部提供: {SRC}）" in p
        for p in zh
    ), zh
    en = _paras(build_report(acc, 2021, "100001", "en"))
    assert any(f"Water conservation (supplied: {SRC})" in p for p in en)
    # the other county's report: every quantity computed, no such note
    other = _paras(build_report(acc, 2021, "100002", "zh"))
    assert not any("quantities.csv" in p for p in other)
