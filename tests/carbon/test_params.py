"""Species parameter tables, the lookup adapter and the coefficient files themselves."""

from __future__ import annotations

import pytest
import yaml

from gep.carbon import (
    PARAMETERS,
    SPECIES,
    project_parameters,
    required_parameters,
    species_parameters,
)
from gep.errors import MissingCoefficientError, Problem

from .helpers import CARBON_DIR, COEFFICIENT_ROOT, read_table, yaml_lookup

#: species parameter files (project finance defaults and pooled growth fits are tested in
#: test_issuance.py / test_curves.py)
FILES = sorted(
    p
    for p in CARBON_DIR.rglob("*.yaml")
    if p.name != "index.yaml" and p.parent.name not in ("project", "pooled", "yield")
)


def _cid(path):
    return ".".join(path.relative_to(COEFFICIENT_ROOT).with_suffix("").parts)


def test_every_parameter_has_a_file():
    assert {s.coefficient_id for s in PARAMETERS.values()} == {_cid(p) for p in FILES}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_coefficient_files_are_sourced_and_never_standard(path):
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert raw["by"] == "species"
    for entry in raw["values"].values():
        assert entry["status"] in ("literature", "illustrative")
        assert entry["source"]["title"].strip()
        assert set(entry["value"]) <= set(SPECIES)
        assert "bamboo" not in entry["value"]  # no volume-based model: its lack is explicit
        if entry["status"] == "illustrative":
            assert entry.get("note")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_coefficient_files_pass_the_set_loader(path):
    coefficients = pytest.importorskip("gep.coefficients")
    from gep.yamlio import load_yaml

    coef, problems = coefficients.parse_coefficient(
        load_yaml(path), _cid(path), str(path), "national"
    )
    assert problems == []
    assert coef.by == "species"
    # the file's unit is the unit the carbon functions expect
    from gep.units import conversion_factor

    expected = {s.coefficient_id: s.unit for s in PARAMETERS.values()}[_cid(path)]
    assert conversion_factor(coef.unit, expected) == 1.0


def test_growth_tables_cover_the_same_species():
    keys = [
        set(read_table(f"carbon.growth.{n}"))
        for n in ("richards_a", "richards_a_se", "richards_k", "richards_m", "max_age")
    ]
    assert all(k == keys[0] for k in keys)
    assert keys[0] == {"pinus_massoniana", "cunninghamia", "pinus_tabuliformis", "populus"}


def test_parameter_table_from_lookup(lookup):
    p = species_parameters(
        lookup, ["pinus_massoniana", "quercus"], ["fang_a", "fang_b", "carbon_fraction"]
    )
    assert list(p["species"].values) == ["pinus_massoniana", "quercus"]
    assert float(p["fang_a"].sel(species="pinus_massoniana")) == 0.5034
    assert float(p["fang_b"].sel(species="quercus")) == 8.5473
    assert p["fang_b"].attrs["units"] == "t / hectare"
    assert p["fang_b"].attrs["coefficient_id"] == "carbon.fang_b"


def test_every_missing_pair_is_listed():
    with pytest.raises(MissingCoefficientError) as info:
        species_parameters(
            yaml_lookup, ["quercus", "bamboo", "pinus_massoniana"], project_parameters()
        )
    growth = [
        "carbon.growth.richards_a",
        "carbon.growth.richards_k",
        "carbon.growth.richards_m",
        "carbon.growth.max_age",
    ]
    expected = {(cid, sp) for cid in growth for sp in ("quercus", "bamboo")} | {
        ("carbon.root_shoot_ratio", "bamboo")
    }
    assert set(info.value.missing) == expected
    text = str(info.value)
    assert f"{len(expected)} problems found" in text
    for cid, sp in expected:
        assert f"{cid}, field '{sp}'" in text
    assert "bamboo has no volume-based" in text  # hint on the non-growth coefficient


def test_unknown_species_is_named():
    with pytest.raises(MissingCoefficientError) as info:
        species_parameters(yaml_lookup, ["oak"], ["fang_a"])
    assert info.value.unknown_species == ["oak"]
    assert "unknown species 'oak'" in str(info.value)


def test_local_species_with_values_is_accepted():
    def local(cid, keys):
        return {k: 0.7 for k in keys}

    p = species_parameters(local, ["robinia"], ["fang_a"])
    assert float(p["fang_a"].sel(species="robinia")) == 0.7


def test_lookup_that_raises_for_a_whole_coefficient():
    def lookup(cid, keys):
        if cid == "carbon.fang_b":
            raise MissingCoefficientError(Problem(cid, "not in set"))
        return yaml_lookup(cid, keys)

    with pytest.raises(MissingCoefficientError) as info:
        species_parameters(lookup, ["quercus", "cupressus"], ["fang_a", "fang_b"])
    assert set(info.value.missing) == {("carbon.fang_b", "quercus"), ("carbon.fang_b", "cupressus")}


def test_lookup_that_raises_on_any_missing_key_is_asked_key_by_key():
    # like CoefficientSet.array: one missing key makes the whole call fail
    def strict(cid, keys):
        table = read_table(cid)
        absent = [k for k in keys if k not in table]
        if absent:
            raise MissingCoefficientError(Problem(cid, f"no value for {absent}"))
        return {k: table[k] for k in keys}

    with pytest.raises(MissingCoefficientError) as info:
        species_parameters(strict, ["quercus", "bamboo"], ["wood_density", "richards_a"])
    assert set(info.value.missing) == {
        ("carbon.wood_density", "bamboo"),
        ("carbon.growth.richards_a", "bamboo"),
        ("carbon.growth.richards_a", "quercus"),
    }


def test_required_parameters_by_route():
    assert required_parameters("stock-difference", "fang") == [
        "carbon_fraction",
        "fang_a",
        "fang_b",
    ]
    assert set(required_parameters("stock-difference", "bef", dead_wood=True)) == {
        "carbon_fraction",
        "wood_density",
        "bef",
        "root_shoot_ratio",
        "dead_wood_fraction",
    }
    assert set(required_parameters("gain-loss", "bcef", disturbance=False)) == {
        "carbon_fraction",
        "bcef_i",
        "bcef_r",
        "root_shoot_ratio",
    }


def test_lookup_from_a_coefficient_set_converts_units():
    coefficients = pytest.importorskip("gep.coefficients")
    from gep.carbon import lookup_from_set
    from gep.yamlio import load_yaml

    coefs = {}
    for path in FILES:
        coef, problems = coefficients.parse_coefficient(
            load_yaml(path), _cid(path), str(path), "national"
        )
        assert not problems
        coefs[_cid(path)] = coef
    # a local overlay giving the Fang intercept per 亩: 1.3698 t/亩 = 20.547 t/ha
    raw = load_yaml(CARBON_DIR / "fang_b.yaml")
    raw["unit"] = "t / mu"
    raw["values"][next(iter(raw["values"]))]["value"] = {"pinus_massoniana": 20.547 / 15}
    local, problems = coefficients.parse_coefficient(raw, "carbon.fang_b", "<local>", "local")
    assert not problems
    coefs["carbon.fang_b"] = local
    cset = coefficients.CoefficientSet("test", coefs)
    lookup = lookup_from_set(cset, 2020)
    p = species_parameters(lookup, ["pinus_massoniana"], ["fang_a", "fang_b", "carbon_fraction"])
    assert float(p["fang_b"].item()) == pytest.approx(20.547)
    with pytest.raises(MissingCoefficientError) as info:
        species_parameters(lookup, ["quercus"], ["fang_b"])
    assert info.value.missing == [("carbon.fang_b", "quercus")]
