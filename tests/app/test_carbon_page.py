"""The carbon page's project calculator: sourced defaults, every species, Chinese errors."""

from __future__ import annotations

import pytest

from .helpers import assert_ok, goto, new_app

SUBMIT = "FormSubmitter:cb_project-▶ "


def _run(at, lang="zh"):
    label = "计算" if lang == "zh" else "Calculate"
    return at.button(key=SUBMIT + label).click().run()


def test_all_species_offered_and_defaults_sourced(workspace):
    at = new_app("zh")
    goto(at, "carbon")
    assert_ok(at)
    options = at.selectbox(key="cb_species").options
    assert len(options) == 9  # every species group, refused ones marked
    # cost defaults from the coefficient files, with help text naming the source
    capex = at.number_input(key="cb_capex")
    assert capex.value == pytest.approx(1000.0)  # 15000 元/ha = 1000 元/亩
    assert "carbon.project.cost_establishment" in capex.help
    assert at.number_input(key="cb_baseline").help
    assert at.number_input(key="cb_leakage").help
    labels = {m.label for m in at.metric}
    assert "每亩净现值" in labels
    assert not at.error


def test_refused_species_and_bad_inputs_give_chinese_messages(workspace):
    at = new_app("zh")
    goto(at, "carbon")
    at.selectbox(key="cb_species").set_value("pinus_armandii")
    _run(at)
    assert_ok(at)
    assert at.error and "华山松" in at.error[0].value
    assert not at.dataframe or all("field" not in str(d.value) for d in at.dataframe)
    # 杨树 over 22 years: within its curve (ages ≤ 22) — no error at all
    at.selectbox(key="cb_species").set_value("populus")
    at.number_input(key="cb_period").set_value(22)
    _run(at)
    assert_ok(at)
    assert not at.error
    # 杨树 over 25 years: beyond the curve — one Chinese sentence, no English table
    at.number_input(key="cb_period").set_value(25)
    _run(at)
    assert at.error and "超出其生长曲线的数据范围" in at.error[0].value
    # a period outside the methodology's bounds
    at.selectbox(key="cb_species").set_value("cunninghamia")
    at.number_input(key="cb_period").set_value(10)
    _run(at)
    assert at.error and "计入期 10 年超出方法学允许范围" in at.error[0].value
    # zero area
    at.number_input(key="cb_period").set_value(20)
    at.number_input(key="cb_area").set_value(0.0)
    _run(at)
    assert at.error and "造林面积必须大于 0" in at.error[0].value


def test_oak_is_appraised(workspace):
    at = new_app("en")
    goto(at, "carbon")
    at.selectbox(key="cb_species").set_value("quercus")
    _run(at, "en")
    assert_ok(at)
    assert not at.error
    assert any("pooled" in c.value for c in at.caption)


def test_summary_download_buttons(workspace):
    at = new_app("zh")
    goto(at, "carbon")
    assert_ok(at)
    keys = {getattr(b, "key", None) for b in at.get("download_button")}
    assert {"cb_export_docx", "cb_export_xlsx"} <= keys
