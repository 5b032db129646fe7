"""Charts of every year (trends, rank history) are not rebuilt when the selected year changes:
their cache key leaves the year out (issue 14 item 7). Counted in builds, not in time."""

from __future__ import annotations

import json

from gep.app import ui
from gep.app.i18n import text

from .helpers import assert_ok, goto, new_app

#: chart key → page; built once per content, whatever year is selected
ALL_YEARS = {"city_trend": "overview", "county_trend": "county", "county_rank_history": "county"}
#: charts of the selected year: rebuilt on a year switch (shows that the counter counts)
ONE_YEAR = {"city_by_category": "overview", "county_standing": "county"}


TREND_TITLE = text("ov.trend", "en")


def _builds() -> dict[str, int]:
    return dict(ui.FIGURE_BUILDS)


def _caption(at, key: str) -> str:
    """The text under the trend chart (source line and illustrative-data line)."""
    for c in at.get("plotly_chart"):
        spec = json.loads(c.proto.spec)
        title = spec["layout"].get("title", {}).get("text", "")
        if title.startswith(TREND_TITLE):
            return " ".join(a.get("text", "") for a in spec["layout"].get("annotations", []))
    raise AssertionError(f"no chart {key}")


def test_year_switch_does_not_rebuild_the_trend_charts(workspace):
    ui._dressed_figure.clear()  # figures other tests of this process built are not counted
    at = new_app("en")
    at.sidebar.selectbox(key="sb_year").set_value(2021).run()
    assert_ok(at)
    goto(at, "county")
    assert_ok(at)
    goto(at, "overview")
    before = _builds()
    for k in [*ALL_YEARS, *ONE_YEAR]:
        assert before.get(k, 0) >= 1, (k, before)

    # switch the year on the overview, then look at the county page in that year
    at.sidebar.selectbox(key="sb_year").set_value(2020).run()
    assert_ok(at)
    assert at.metric[0].label == "City GEP 2020"
    goto(at, "county")
    assert_ok(at)
    after = _builds()
    for k in ALL_YEARS:
        assert after.get(k, 0) == before[k], (k, before, after)
    for k in ONE_YEAR:
        assert after.get(k, 0) == before[k] + 1, (k, before, after)

    # and back: every figure now comes from the cache
    at.sidebar.selectbox(key="sb_year").set_value(2021).run()
    goto(at, "overview")
    assert _builds() == after


def test_trend_image_caption_covers_every_year(workspace):
    """The illustrative-data line drawn in a trend image speaks of every year, not of the
    selected one (the mini data are illustrative)."""
    at = new_app("en")
    at.sidebar.selectbox(key="sb_year").set_value(2020).run()
    note = _caption(at, "city_trend")
    assert "2020–2021 GEP" in note, note
    assert "of 2020 GEP" not in note, note
