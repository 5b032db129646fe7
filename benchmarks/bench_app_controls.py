"""Dashboard controls on the Ankang data, server side: one rerun of the overview (AppTest)
after each control, against the floor — a rerun that changes nothing — in the same run.

What the browser adds (sending, drawing the charts) is measured by
``tests/app/test_browser.py::test_offline_map_and_control_latency``; this benchmark isolates the
script's own time, so a change to caching or chart building shows here first.

Run: pytest benchmarks/bench_app_controls.py --benchmark-enable -o addopts=""
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
pytestmark = pytest.mark.skipif(
    not (ROOT / "datasets" / "ankang" / "dataset.yaml").exists(), reason="no Ankang data"
)

#: control → the session-state values it cycles through
CONTROLS = {
    "floor": None,
    "year": ("year", [2022, 2024, 2021, 2023, 2020]),
    "money_unit": ("money_unit", ["wan", "yi"]),
    "profile": ("profile", ["xie-2015", "ndrc-2022"]),
    "ranking_measure": ("ov_rank_measure", ["per_capita", "gep", "per_km2"]),
    "uncertainty_toggle": ("ov_mc", [True, False]),
}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from streamlit.testing.v1 import AppTest

    mp = pytest.MonkeyPatch()
    mp.delenv("GEP_DATASET", raising=False)
    mp.delenv("GEP_COEFFICIENT_SET", raising=False)
    mp.setenv("GEP_WORKSPACE", str(tmp_path_factory.mktemp("ws")))
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    yield at
    mp.undo()


@pytest.mark.parametrize("control", list(CONTROLS))
def test_control_rerun(benchmark, app, control):
    spec = CONTROLS[control]
    values = itertools.cycle(spec[1]) if spec else None

    def step():
        if spec:
            app.session_state[spec[0]] = next(values)
        app.run()

    benchmark.pedantic(step, rounds=len(spec[1]) * 2 if spec else 5, iterations=1)
    assert not app.exception
