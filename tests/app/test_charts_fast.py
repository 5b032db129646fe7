"""The direct one-series bar (``charts._single_bar``) draws exactly what plotly express
drew before it (``charts._px_bar``): same JSON spec, template included, for vertical and
horizontal bars, with NaN values, integer and text categories, titles and bar modes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest
import streamlit.elements.plotly_chart  # noqa: F401  (the app's default template, as in the app)

from gep.app import charts, ui


def _spec(fig) -> dict:
    return json.loads(pio.to_json(fig, validate=False))


FRAMES = [
    pd.DataFrame({"name": ["汉滨区", "汉阴县", "石泉县"], "value": [1.5, np.nan, 3.0]}),
    pd.DataFrame({"name": [2019, 2020, 2021, 2022], "value": [4.0, -1.0, 0.0, 2.5]}),
    pd.DataFrame({"name": ["a"], "value": [np.inf]}).replace(np.inf, np.nan),
]


@pytest.mark.parametrize("template", ["streamlit", "plotly", "none"])
@pytest.mark.parametrize("horizontal", [False, True])
@pytest.mark.parametrize("title", [None, "安康市2024年各区县GEP"])
@pytest.mark.parametrize("frame", range(len(FRAMES)))
def test_single_bar_equals_plotly_express(template, horizontal, title, frame, monkeypatch):
    monkeypatch.setattr(pio.templates, "default", template)
    df = FRAMES[frame]
    for barmode in ("relative", "group"):
        args = (df, "name", "value", "亿元")
        fast = charts.bar(*args, title=title, horizontal=horizontal, barmode=barmode)
        ref = charts._px_bar(*args, None, None, title, horizontal, barmode, None)
        assert _spec(fast) == _spec(ref)
        # the dashboard's dressing (title + source line) gives the same result on both
        monkeypatch.setattr(ui, "source_line", lambda ctx=None: "安康市 · 来源：测试")
        ui.dress(fast, "标题")
        ui.dress(ref, "标题")
        assert _spec(fast) == _spec(ref)


def test_series_bars_still_go_through_plotly_express():
    df = pd.DataFrame({"name": ["a", "b"], "value": [1.0, 2.0], "cat": ["x", "y"]})
    fig = charts.bar(df, "name", "value", "亿元", color="cat")
    assert [t.name for t in fig.data] == ["x", "y"]
