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


# -- bindings by signature -------------------------------------------------------------------
def _dummy_indicator(quantify, valuate=None):
    from gep.indicators.base import Indicator, price_valuation

    return Indicator(
        id="regulating.test_only",
        category="regulating",
        zh="测试",
        en="test",
        physical_unit="m ** 3",
        method="test",
        method_zh="测试",
        reference="-",
        quantify=quantify,
        valuate=valuate or price_valuation("regulating.water_conservation.reservoir_cost", len),
    )


def test_unbound_parameter_is_refused_at_registration():
    from gep.indicators.base import DeclarationError, Quantities, inputs, item

    @inputs(runoff=item("runoff", "mm"))
    def quantify(scope, runoff, precipitation) -> Quantities:  # precipitation: no binding
        raise AssertionError("never called")

    with pytest.raises(DeclarationError, match=r"parameter\(s\) precipitation bound to no input"):
        _dummy_indicator(quantify)


def test_binding_without_parameter_is_refused():
    from gep.indicators.base import DeclarationError, Step, coef, inputs, item

    with pytest.raises(DeclarationError, match=r"binding\(s\) rain name no parameter"):

        @inputs(rain=item("precipitation", "mm"))
        def quantify(scope, runoff):
            raise AssertionError("never called")

    def valuate(q, price):
        raise AssertionError("never called")

    with pytest.raises(DeclarationError, match=r"binding\(s\) cost name no parameter"):
        Step(valuate, price=coef("x.price"), cost=coef("x.cost"))

    def valuate_in_scope(scope, q, price):
        raise AssertionError("never called")

    with pytest.raises(DeclarationError, match="'scope' is filled by the engine"):
        Step(valuate_in_scope, price=coef("x.price"), scope=coef("x.cost"))


def test_scope_has_no_string_getter_for_undeclared_reads():
    """A quantify function gets only its bound inputs: the scope cannot fetch an item or a
    coefficient by name, so a read the declaration does not name cannot happen."""
    from gep.indicators.base import Scope, Step, evaluate, inputs, item

    for name in ("item", "coef", "has", "require", "items_with_prefix", "data", "coefficients"):
        assert not hasattr(Scope, name), name

    @inputs(precipitation=item("precipitation", "mm"))
    def sneaky(scope, precipitation):
        return scope.item("runoff")  # not declared: must fail, not read

    from gep.indicators.base import Context

    ds = load_dataset(ROOT / "tests/data/mini")
    cs = load_set(ROOT / "tests/data/coefficients/mini")
    ctx = Context(ds.data, cs, [int(y) for y in ds.data["year"].values])
    ind = _dummy_indicator(sneaky)
    with pytest.raises(AttributeError, match="item"):
        evaluate(ind, ctx)
    # the read that was declared was recorded; nothing else
    assert ctx.trace[ind.id].items == ["precipitation"]
    assert isinstance(ind.quantify, Step)


def test_family_accessor_refuses_an_undeclared_member():
    from gep.indicators.base import Context, Step, item_family

    ds = load_dataset(ROOT / "tests/data/mini")
    cs = load_set(ROOT / "tests/data/coefficients/mini")
    ctx = Context(ds.data, cs, [int(y) for y in ds.data["year"].values])

    def quantify(emissions):
        return emissions.get("co2")  # not among the declared members

    step = Step(quantify, emissions=item_family("emission.", "t", members=("so2", "nox")))
    with pytest.raises(KeyError, match="not a declared member"):
        step(ctx)


def test_missing_required_item_is_not_assessed_before_the_call():
    from gep.indicators.base import Context, NotAssessed, Step, item, item_ref

    ds = load_dataset(ROOT / "tests/data/mini")
    cs = load_set(ROOT / "tests/data/coefficients/mini")
    ctx = Context(ds.data, cs, [int(y) for y in ds.data["year"].values])
    called = []

    def quantify(precipitation, fixed):
        called.append(True)

    step = Step(quantify, precipitation=item("precipitation", "mm"), fixed=item("sand.fixation"))
    with pytest.raises(NotAssessed, match="inventory has no 'sand.fixation'"):
        step(ctx)
    assert not called and not ctx.reads
    # an optional item does not stop the call
    optional = Step(
        quantify,
        precipitation=item("precipitation"),
        fixed=item_ref("sand.fixation", required=False),
    )
    optional(ctx)
    assert called == [True]


def test_items_and_coefficients_are_derived_from_the_bindings():
    from gep.indicators import get_indicator

    wc = get_indicator("regulating.water_conservation")
    assert wc.items == ("precipitation", "runoff", "evapotranspiration", "area")
    assert wc.coefficients == (
        "regulating.water_conservation.ecosystems",
        "regulating.water_conservation.reservoir_cost",
    )
    # oxygen reuses the carbon step: its inputs are oxygen's too
    ox = get_indicator("regulating.oxygen_release")
    carbon = get_indicator("regulating.carbon_sequestration")
    assert set(carbon.items) <= set(ox.items)
    assert set(carbon.quantify.coefficients) <= set(ox.coefficients)
    agri = get_indicator("material.agriculture")
    assert agri.items == ("output.agriculture.*", "output_value.agriculture")
    rows = {r["id"]: r for r in wc.inputs()}
    assert rows["runoff"] == {
        "kind": "item",
        "id": "runoff",
        "unit": "mm",
        "dims": ["ecosystem"],
        "required": True,
    }
    assert rows["regulating.water_conservation.reservoir_cost"]["unit"] == "CNY / m ** 3"
    assert {r["id"] for r in ox.inputs()} >= {"area", "regulating.oxygen_release.o2_per_co2"}
    # dataclasses.replace (profiles rename indicators) keeps the steps and derived lists
    from dataclasses import replace

    renamed = replace(wc, zh="水源涵养量")
    assert renamed.items == wc.items and renamed.quantify is wc.quantify


def test_steps_pickle():
    import pickle

    for ind in REGISTRY.values():
        back = pickle.loads(pickle.dumps(ind))
        assert back.items == ind.items and back.coefficients == ind.coefficients


def _declared_units(step):
    from gep.indicators.base import Coef, CoefFamily, Computed, Item, ItemFamily

    for desc in step.bindings.values():
        if isinstance(desc, Computed):
            yield from _declared_units(desc.step)
        elif isinstance(desc, Item | ItemFamily | Coef | CoefFamily) and desc.unit:
            yield desc


def _catalog_family(name: str, catalog: dict) -> str | None:
    """The catalog's family key (``output.*``) that accepts ``name``, longest first."""
    fams = [k for k in catalog if k.endswith("*") and name.startswith(k[:-1])]
    return max(fams, key=len) if fams else None


def test_declared_units_match_the_item_catalog_and_the_coefficient_files():
    """The unit each binding declares is of the dimension the catalog / the sets give."""
    import yaml

    from gep.indicators.base import Coef, Item, ItemFamily
    from gep.indicators.variants import VARIANTS
    from gep.units import parse_unit

    catalog = yaml.safe_load((ROOT / "gep" / "items.yaml").read_text(encoding="utf-8"))
    catalog_units, catalog_dims = {}, {}
    for name, spec in catalog.items():
        if isinstance(spec, dict):
            units = spec.get("units") or [spec.get("unit")]
            catalog_units[name] = [u for u in units if u]
            catalog_dims[name] = tuple(spec.get("dims") or ())
    sets = [load_set("ankang"), load_set(ROOT / "tests/data/coefficients/mini")]

    def same_dim(a, b):
        return parse_unit(a).dimensionality == parse_unit(b).dimensionality

    checked = 0
    for ind in [*REGISTRY.values(), *VARIANTS.values()]:
        for step in (ind.quantify, ind.valuate):
            for desc in _declared_units(step):
                if isinstance(desc, Item | ItemFamily):
                    name = desc.name if isinstance(desc, Item) else desc.prefix + "*"
                    key = name if name in catalog_units else _catalog_family(name, catalog_units)
                    units = catalog_units.get(key)
                    assert units, (ind.id, name, "not in gep/items.yaml")
                    assert any(same_dim(desc.unit, u) for u in units), (ind.id, name, units)
                    assert desc.dims == catalog_dims[key], (ind.id, name, desc.dims)
                    checked += 1
                    continue
                for cs in sets:
                    if isinstance(desc, Coef):
                        ids = [desc.id] if desc.id in cs else []
                    else:
                        head = desc.pattern.split("<", 1)[0]
                        ids = [c for c in cs.coefficients if c.startswith(head)]
                    for cid in ids:
                        assert same_dim(desc.unit, cs[cid].unit), (ind.id, cid, cs[cid].unit)
                        checked += 1
    assert checked > 50
