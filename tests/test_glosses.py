"""English beside Chinese titles (issue 14 item 6): the glossary, coefficient source titles,
method references and profile clause references in English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gep.errors import InputError
from gep.profiles import default_dir, load_profiles
from gep.report.glosses import glossary, glossed, source_title, unglossed_chinese

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_glossed_keeps_the_chinese_title_and_marks_the_gloss():
    text = "白玛卓嘎 等 2017, 甘孜藏族自治州生态系统生产总值核算研究. 生态学报, 37(19)"
    en = glossed(text, "en")
    assert "甘孜藏族自治州生态系统生产总值核算研究 [English gloss: " in en
    assert "生态学报 [English title: Acta Ecologica Sinica]" in en
    assert "白玛卓嘎 等 [pinyin: Baima Zhuoga et al.]" in en
    assert unglossed_chinese(en) == []
    assert glossed(text, "zh") == text  # Chinese UI: as written
    assert glossed(en, "en") == en  # never glossed twice


def test_longer_title_wins_over_the_shorter_it_contains():
    en = glossed("浙江省森林生态系统碳储量及其分布特征 (植物生态学报, 2016)", "en")
    assert "植物生态学报 [English title: Chinese Journal of Plant Ecology]" in en
    assert "Acta Ecologica Sinica" not in en


def test_unglossed_chinese_finds_what_has_no_english():
    assert unglossed_chinese("某某未收录的标题 (2020)") == ["某某未收录的标题"]
    assert unglossed_chinese("total investment 3.48亿元, 0.281 元/kWh") == []


def test_a_files_own_title_en_is_shown_as_a_gloss():
    src = {"title": "某县水价文件", "title_en": "water tariff notice of a county"}
    assert (
        source_title(src, "en") == "某县水价文件 [English gloss: water tariff notice of a county]"
    )
    assert source_title(src, "zh") == "某县水价文件"
    assert source_title({"title": "FAO 2020", "title_en": "x"}, "en") == "x"


def test_schema_accepts_title_en_and_rejects_unknown_keys():
    from pydantic import ValidationError

    from gep.schemas import Source

    assert Source(title="标题", title_en="gloss").title_en == "gloss"
    with pytest.raises(ValidationError):
        Source(title="标题", title_english="gloss")


def test_every_glossary_entry_has_english():
    for zh, (en, kind) in glossary().items():
        assert CJK.search(zh), zh
        assert en.strip() and not CJK.search(en), zh
        assert kind in ("gloss", "title", "name", "pinyin")


@pytest.mark.skipif(not (ROOT / "datasets" / "ankang").exists(), reason="no Ankang data")
def test_every_bundled_coefficient_source_reads_in_english():
    from gep.app.coeftable import _source_text
    from gep.coefficients import load_set
    from gep.inventory import load_dataset

    cs = load_set(load_dataset(ROOT / "datasets" / "ankang").default_coefficients)
    left = {}
    for cid, c in cs.coefficients.items():
        for e in c.values:
            runs = unglossed_chinese(_source_text(e.source, "en"))
            if runs:
                left[cid] = runs
    assert not left, left


def test_every_method_reference_reads_in_english():
    from gep.indicators import REGISTRY
    from gep.report.methods import method_note

    left = {}
    for iid, ind in REGISTRY.items():
        for n, text in method_note(ind).cited("en"):
            if unglossed_chinese(text):
                left[(iid, n)] = unglossed_chinese(text)
    assert not left, left


def test_every_chinese_clause_of_the_bundled_profiles_has_english():
    profiles = load_profiles([p.stem for p in sorted(default_dir().glob("*.yaml"))])
    for p in profiles.values():
        for i in p.indicators:
            en = i.clause_text("en")
            assert not CJK.search(en), (p.id, i.id, en)
            assert i.clause_text("zh") == i.clause
        for r in p.out_of_region:
            assert not CJK.search(r.clause_text("en")), (p.id, r.indicator)


def test_clause_en_must_be_english(tmp_path):
    text = (default_dir() / "xie-2015.yaml").read_text(encoding="utf-8")
    bad = text.replace('clause_en: "Xie Gaodi et al. 2015', 'clause_en: "谢高地 et al. 2015', 1)
    assert bad != text
    (tmp_path / "xie-2015.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_profiles([str(tmp_path / "xie-2015.yaml")])
    assert "clause_en" in str(err.value) and "English" in str(err.value)
