"""Every page runs under AppTest without exceptions, in Chinese and in English."""

from __future__ import annotations

import pytest

from gep.app.i18n import STRINGS, text

from .helpers import PAGES, assert_ok, goto, new_app

TITLES = {
    "overview": "ov.title",
    "county": "co.title",
    "compare": "cmp.title",
    "methods": "me.title",
    "scenarios": "sc.title",
    "coefficients": "cf.title",
    "carbon": "cb.title",
    "data": "dt.title",
    "profiles": "prof.title",
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_runs(workspace, lang):
    at = new_app(lang)
    assert_ok(at)
    for page in PAGES:
        goto(at, page)
        assert_ok(at)
        assert at.title[0].value == text(TITLES[page], lang), page
        # the sidebar (language switch, dataset, year, money unit) is on every page
        assert at.sidebar.radio(key="sb_lang").value == lang
        assert at.sidebar.radio(key="sb_money_unit").value in ("wan", "yi")


def test_language_switch_in_sidebar(workspace):
    at = new_app("zh")
    assert at.title[0].value == "总览"
    at.sidebar.radio(key="sb_lang").set_value("en").run()
    assert_ok(at)
    assert at.title[0].value == "Overview"
    assert at.metric[0].label.startswith("City GEP")
    goto(at, "county")
    assert at.title[0].value == "County"
    at.sidebar.radio(key="sb_lang").set_value("zh").run()
    assert at.title[0].value == "区县"


def test_money_is_shown_with_its_unit(workspace):
    at = new_app("zh")
    assert at.metric[0].value.endswith("亿元")
    at.sidebar.radio(key="sb_money_unit").set_value("wan").run()
    assert at.metric[0].value.endswith("万元")
    at.sidebar.radio(key="sb_lang").set_value("en").run()
    assert "10⁴ CNY" in at.metric[0].value


def test_every_string_has_both_languages():
    for key, pair in STRINGS.items():
        assert len(pair) == 2 and all(isinstance(s, str) and s for s in pair), key


def test_overview_shows_every_chart_with_table_and_download(workspace):
    at = new_app("en")
    # city by category, trend, composition, GEP/GDP, per km², ranking, map
    charts = at.get("plotly_chart")
    assert len(charts) >= 7
    assert len(at.get("download_button")) >= len(charts)
    assert len(at.tabs) >= 2 * len(charts)  # a chart tab and a table tab for each


def test_year_and_county_selection(workspace):
    at = new_app("en")
    at.sidebar.selectbox(key="sb_year").set_value(2020).run()
    assert_ok(at)
    assert at.metric[0].label == "City GEP 2020"
    goto(at, "county")
    at.selectbox(key="sb_county_choice").set_value("100002").run()
    assert_ok(at)
    assert "County B" in at.markdown[0].value
    goto(at, "compare")
    for measure in ["gep", "per_km2", "per_capita", "ratio", "category", "indicator"]:
        at.selectbox(key="cmp_measure").set_value(measure).run()
        assert_ok(at)


def test_overview_uncertainty_band(workspace):
    pytest.importorskip("gep.uncertainty")
    at = new_app("en")
    at.toggle(key="ov_mc").set_value(True).run()
    assert_ok(at)
    band = next(d.value for d in at.dataframe if "p95" in d.value.columns)
    assert (band["p5"] <= band["p50"]).all() and (band["p50"] <= band["p95"]).all()
    assert any("draws over the uncertainty specs" in c.value for c in at.caption)


def test_every_string_key_used_in_the_app_exists():
    import re

    from .helpers import REPO

    files = [REPO / "app.py", *sorted((REPO / "gep" / "app").rglob("*.py"))]
    pattern = re.compile(r"""\b(?:t|text)\(\s*f?["']([a-z_]+\.[a-z_.]+)["']""")
    used = {m.group(1) for f in files for m in pattern.finditer(f.read_text(encoding="utf-8"))}
    assert used, "no keys found"
    assert sorted(used - set(STRINGS)) == []


def test_tables_put_name_and_value_before_the_county_code():
    """On a phone the first columns are what people read: the county code goes last."""
    import pandas as pd

    from gep.app import ui

    df = pd.DataFrame({"区县代码": ["610902"], "区县": ["汉滨区"], "GEP（亿元）": [1.0]})
    assert list(ui.phone_order(df).columns) == ["区县", "GEP（亿元）", "区县代码"]
    plain = pd.DataFrame({"年份": [2024], "GEP（亿元）": [1.0]})
    assert list(ui.phone_order(plain).columns) == ["年份", "GEP（亿元）"]


def test_other_profile_is_computed_in_the_background(monkeypatch):
    """After the first page, the other method profile's account is computed in a background
    thread; switching to it is then a cache lookup (no second computation)."""
    from gep.app import data
    from gep.coefficients import load_set
    from gep.inventory import load_dataset

    from .helpers import MINI, MINI_SET

    calls = []
    real = data.account

    def counting(*args, **kw):
        calls.append(kw.get("profile"))
        return real(*args, **kw)

    monkeypatch.setattr(data, "account", counting)
    monkeypatch.setattr(data, "WARM_DELAY_S", 0.0)
    ds, cs = load_dataset(MINI), load_set(MINI_SET)
    h = f"{ds.hash}-warm-test"  # a key no other test has cached
    data.compute_account(ds, h, cs, "ndrc-2022")
    thread = data.warm_other_profiles(ds, h, cs, "ndrc-2022")
    assert thread is not None
    thread.join(timeout=120)
    every = ["ndrc-2022", *(p for p in data.PROFILES if p != "ndrc-2022")]
    assert len(every) == 4 and "xie-2015" in every  # GB/T 46869 and Ankang offered too
    assert calls == every
    assert data.warm_other_profiles(ds, h, cs, "ndrc-2022") is None  # once per dataset/set
    acc, _ = data.compute_account(ds, h, cs, "xie-2015")
    assert calls == every  # a lookup, not a second computation
    assert acc.profile == "xie-2015" and float(acc.city_gep().sum()) > 0
