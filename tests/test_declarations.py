"""Every indicator declaration matches what its formula actually reads (issue 9 item 1).

The evaluation traces each inventory item and coefficient an indicator reads; a read that its
declaration (``Indicator.items`` / ``Indicator.coefficients``) does not name is drift between
the metadata users see and the arithmetic. Patterns: ``output.agriculture.*`` names an item
family, ``material.agriculture.price.<product>`` a coefficient per family member.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gep.accounting import account
from gep.coefficients import load_set
from gep.indicators import REGISTRY, indicators_for
from gep.indicators.base import FORMULAS
from gep.inventory import load_dataset

ROOT = Path(__file__).resolve().parents[1]
OPTIONAL = {"regulating.oxygen_release", "regulating.pest_control"}


def _matches(name: str, patterns) -> bool:
    for p in patterns:
        if p.endswith("*") and name.startswith(p[:-1]):
            return True
        # <ecosystem> may be a dotted code (farmland.paddy); other families are one segment
        escaped = re.escape(p).replace(r"\<", "<").replace(r"\>", ">")
        escaped = escaped.replace("<ecosystem>", r"[^.]+(?:\.[^.]+)?")
        regex = "^" + re.sub(r"<[^>]+>", r"[^.]+", escaped) + "$"
        if re.match(regex, name):
            return True
    return False


RUNS = [
    ("ankang", "ankang", {"include": sorted(OPTIONAL)}),
    ("ankang", "ankang", {"include": sorted(OPTIONAL), "options": {"forest_carbon": "rates"}}),
    ("ankang", "ankang", {"options": {"recreation_method": "spending"}}),
    ("ankang", "ankang", {"profile": "xie-2015"}),
    ("mini", "mini", {"include": sorted(OPTIONAL)}),
]


@pytest.fixture(scope="module")
def traces():
    out = []
    for data, coef, kwargs in RUNS:
        ds = load_dataset(
            ROOT / "datasets" / "ankang" if data == "ankang" else ROOT / "tests/data/mini"
        )
        cs = load_set("ankang" if coef == "ankang" else ROOT / "tests/data/coefficients/mini")
        out.append(account(ds, cs, **kwargs))
    return out


def test_every_read_is_declared(traces):
    for acc in traces:
        for ind in acc.indicators:
            t = acc.trace.get(ind.id)
            if t is None:
                continue
            undeclared_items = [i for i in t.items if not _matches(i, ind.items)]
            assert not undeclared_items, (ind.id, undeclared_items, ind.items)
            ids = sorted({cid for cid, _ in t.coefficients})
            undeclared = [c for c in ids if not _matches(c, ind.coefficients)]
            assert not undeclared, (ind.id, undeclared, ind.coefficients)


def test_every_declared_scalar_coefficient_is_read_somewhere(traces):
    """A declared coefficient no run reads is stale (e.g. listed in reports but never used)."""
    read: dict[str, set[str]] = {}
    for acc in traces:
        for ind_id, t in acc.trace.items():
            read.setdefault(ind_id, set()).update(cid for cid, _ in t.coefficients)
    for acc in traces:
        for ind in acc.indicators:
            if ind.id not in read or any(
                n["indicator"] == ind.id and n["region"] is None for n in acc.not_assessed
            ):
                continue
            fixed = [c for c in ind.coefficients if "<" not in c]
            assert set(fixed) <= read[ind.id], (ind.id, set(fixed) - read[ind.id])


def test_every_indicator_names_its_formulas_and_components():
    for key, ind in REGISTRY.items():
        assert FORMULAS.get(ind.id), key
        assert ind.equation(), key
        for f in FORMULAS[ind.id]:
            assert f.__doc__, (key, f.__name__)
        for c in ind.components:
            assert c.id and c.zh and c.en and c.unit, (key, c)


def test_profiles_list_each_indicator_once():
    for profile in ("ndrc-2022", "xie-2015"):
        ids = [i.id for i in indicators_for(profile)]
        assert len(ids) == len(set(ids))


def test_cli_indicators_json_lists_components():
    import json

    from typer.testing import CliRunner

    from gep.cli.main import app

    res = CliRunner().invoke(app, ["indicators", "--profile", "ndrc-2022", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = {r["id"]: r for r in json.loads(res.stdout)}
    comps = {c["id"]: c for c in rows["regulating.soil_conservation"]["components"]}
    assert comps["sediment"] == {
        "id": "sediment",
        "zh": "减少泥沙淤积",
        "en": "avoided sedimentation",
        "unit": "CNY",
    }
    assert {c["id"] for c in rows["regulating.climate_regulation"]["components"]} == {
        "transpiration",
        "water_evaporation",
    }
    assert all("components" in r and r["equation"] for r in rows.values())


def test_report_coefficient_sheet_lists_what_was_read(traces):
    """Not the declared patterns: sand fixation (not assessed) reads nothing; carbon.* is read."""
    from gep.report import coefficient_table

    ids = set(coefficient_table(traces[0], 2024)["id"])
    assert not any(i.startswith("regulating.sand_fixation.") for i in ids)
    assert {"carbon.fang_a", "carbon.fang_b", "carbon.carbon_fraction"} <= ids
    assert "carbon.growth.richards_a" not in ids
