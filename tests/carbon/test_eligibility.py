"""Eligibility screen against CCER-14-001-V01 (conditions as data)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from gep.carbon.eligibility import (
    CREDITING_PERIOD_BOUNDS,
    ProjectFacts,
    methodology,
    overall,
    screen,
)
from gep.cli import carbon as carbon_cli


def _by_key(rows):
    return {r["condition"]: r for r in rows}


def test_conditions_are_data_with_clauses():
    conds = methodology()["conditions"]
    for key in (
        "land_nonforest",
        "parcel_size",
        "crediting_period",
        "additionality_exemption",
        "public_welfare_forest",
    ):
        assert conds[key]["clause"]
    assert conds["additionality_exemption"]["verified"] is False  # U in the reference notes
    assert CREDITING_PERIOD_BOUNDS == (20, 40)


def test_unknown_facts_need_evidence_never_pass():
    rows = _by_key(screen(ProjectFacts(area_ha=500, start=2025, period=40)))
    for key in ("land_nonforest", "parcel_size", "tenure", "not_wetland", "public_welfare_forest"):
        assert rows[key]["status"] == "needs_evidence", key
    assert rows["crediting_period"]["status"] == "pass"
    assert rows["additionality_exemption"]["status"] == "needs_evidence"


def test_pass_and_fail_cases():
    good = ProjectFacts(
        area_ha=500,
        start=2025,
        period=40,
        nonforest_since=2020,
        min_parcel_m2=800,
        key_ecological_zone=True,
        tenure_documented=True,
        wetland=False,
        economic_forest=False,
    )
    rows = _by_key(screen(good))
    assert rows["land_nonforest"]["status"] == "pass"  # 2025 − 2020 = 5 ≥ 3
    assert rows["parcel_size"]["status"] == "pass"
    assert rows["additionality_exemption"]["status"] == "pass"
    assert overall(list(rows.values())) == "needs_evidence"  # 公益林 rule unverified
    bad = _by_key(
        screen(
            ProjectFacts(area_ha=500, start=2025, period=50, nonforest_since=2023, rainfall_mm=350)
        )
    )
    assert bad["land_nonforest"]["status"] == "fail"  # only 2 years
    assert bad["crediting_period"]["status"] == "fail"
    assert bad["additionality_exemption"]["status"] == "pass"  # 350 mm ≤ 400 mm
    # a 2019 start needs 667 m² parcels
    small = _by_key(screen(ProjectFacts(area_ha=500, start=2019, period=30, min_parcel_m2=500)))
    assert small["parcel_size"]["status"] == "fail"
    tiny = _by_key(screen(ProjectFacts(area_ha=0.03, start=2025, period=30)))
    assert tiny["parcel_size"]["status"] == "fail"  # 300 m² in total < 400 m²


def test_cli_eligibility_json_and_bad_input():
    runner = CliRunner()
    res = runner.invoke(
        carbon_cli.app,
        [
            "eligibility",
            "--area",
            "7500mu",
            "--start",
            "2025",
            "--min-parcel",
            "1 mu",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.stderr
    out = json.loads(res.stdout)
    assert _by_key(out["conditions"])["parcel_size"]["status"] == "pass"  # 1 亩 = 666.7 m²
    res = runner.invoke(carbon_cli.app, ["eligibility", "--area", "-1ha", "--start", "2025"])
    assert res.exit_code == 2 and "field 'area'" in res.stderr
    res = runner.invoke(
        carbon_cli.app, ["eligibility", "--area", "1ha", "--start", "2025", "--min-parcel", "5 kg"]
    )
    assert res.exit_code == 2 and "min_parcel" in res.stderr
