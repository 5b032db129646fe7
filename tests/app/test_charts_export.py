"""Charts people can paste: title and source line inside the figure, a file name that says
what the chart shows, value axes with grouped digits (no k/M), waterfalls from zero."""

from __future__ import annotations

import json

from gep.app import charts

from .helpers import assert_ok, goto, new_app


def _charts(at):
    out = []
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        config = json.loads(el.proto.config)
        out.append((spec, config))
    return out


def test_every_chart_is_titled_sourced_and_named(workspace):
    at = new_app("zh")
    for page in ("overview", "county", "compare"):
        goto(at, page)
        assert_ok(at)
        found = _charts(at)
        assert found, page
        for spec, config in found:
            layout = spec["layout"]
            title = layout.get("title", {}).get("text", "")
            assert title, (page, layout.get("title"))
            notes = " ".join(a.get("text", "") for a in layout.get("annotations", []))
            assert "来源：数据集 mini" in notes and "测试市" in notes, (page, title)
            opts = config["toImageButtonOptions"]
            assert opts["format"] in ("png", "svg")
            assert opts["filename"] and opts["filename"] not in ("newplot", "plot-image")
            assert any("\u4e00" <= ch <= "\u9fff" for ch in opts["filename"]), opts["filename"]
            for ax in ("xaxis", "yaxis"):
                fmt = layout.get(ax, {}).get("tickformat", "")
                assert "s" not in fmt, (page, ax, fmt)  # never SI suffixes (k, M)


def test_svg_choice(workspace):
    at = new_app("zh")
    at.sidebar.radio(key="sb_image_format").set_value("svg").run()
    assert all(c["toImageButtonOptions"]["format"] == "svg" for _s, c in _charts(at))


def test_waterfall_from_zero():
    fig = charts.waterfall(["a", "b"], [1.0, -0.5], "基准", 1000.0, "情景", "亿元")
    y = fig.layout.yaxis
    assert y.rangemode == "tozero" and y.range is None
    assert y.tickformat == charts.VALUE_TICKS
