"""Scenario files from issue 16's probes: units, decimal commas, overflow, aliases."""

from __future__ import annotations

import pytest

from .helpers import MINI_ARGS, assert_clean_exit_2, gep

pytestmark = [
    pytest.mark.timeout(120),
    # an overflowing value gets our error only: a numpy RuntimeWarning printed above it
    # (1e308 km² → inf ha) would reach the user's terminal
    pytest.mark.filterwarnings("error::RuntimeWarning"),
]

CASES = {
    "decimal_comma": (
        "name: c\nland_conversions:\n  - {from: farmland.dry, to: forest.broadleaf, "
        "area: '1,5 mu', region: '100001'}\n",
        "decimal point",
    ),
    "full_width": (
        "name: c\nland_conversions:\n  - {from: farmland.dry, to: forest.broadleaf, "
        "area: '１５ mu', region: '100001'}\n",
        "ASCII digits",
    ),
    "unit_power": (
        "name: c\noverrides:\n  - {id: regulating.carbon_sequestration.price, set: 70, "
        "unit: 'CNY/tCO2e**9**9'}\n",
        "unit",
    ),
    "override_inf": (
        "name: c\noverrides:\n  - {id: regulating.carbon_sequestration.price, set: .inf}\n",
        "overrides[0].set",
    ),
    "override_overflow": (
        "name: c\noverrides:\n  - {id: regulating.carbon_sequestration.price, scale: 1.0e+308}\n"
        "  - {id: regulating.carbon_sequestration.price, scale: 1.0e+308}\n",
        "finite",
    ),
    "override_negative": (
        "name: c\noverrides:\n  - {id: regulating.carbon_sequestration.price, set: -70}\n",
        "range",
    ),
    "edit_overflow": (
        "name: c\ninventory_edits:\n  - {item: area, ecosystem: forest.broadleaf, scale: "
        "1.0e+308}\n  - {item: area, ecosystem: forest.broadleaf, scale: 1.0e+308}\n",
        "c.yaml",
    ),
    "edit_overflow_visitors": (
        "name: c\ninventory_edits:\n  - {item: visitors, scale: 1.0e+308}\n"
        "  - {item: visitors, scale: 1.0e+308}\n",
        "overflow",
    ),
    "alias_bomb": (
        "name: &n c\ndescription: *n\n",
        "anchors",
    ),
    "price_index": (
        "name: c\noverrides:\n  - price_index.cpi*=2\n",
        "price index",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_scenario_refused(tmp_path, case):
    text, fragment = CASES[case]
    f = tmp_path / "c.yaml"
    f.write_text(text, encoding="utf-8")
    r = gep("scenario", "compare", *MINI_ARGS, "--scenario", f, "--format", "json")
    assert_clean_exit_2(r, "c.yaml", fragment)
