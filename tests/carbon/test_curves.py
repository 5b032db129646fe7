"""Growth curves per species group: species fit, pooled oak fit, user yield tables, refusals."""

from __future__ import annotations

import numpy as np
import pytest

from gep.carbon import make_strata, project_removals
from gep.carbon.curves import curve_species, project_growth_parameters
from gep.carbon.params import SPECIES
from gep.coefficients import load_set
from gep.errors import InputError

COUNTY_SPECIES = [
    "quercus",
    "pinus_massoniana",
    "pinus_armandii",
    "pinus_tabuliformis",
    "cunninghamia",
    "cupressus",
    "populus",
    "broadleaf_mixed",
    "bamboo",
]


def test_every_county_species_has_a_curve_or_a_chinese_refusal():
    found = curve_species(load_set("national"), 2025, COUNTY_SPECIES)
    assert set(found) == set(COUNTY_SPECIES) <= set(SPECIES)
    for sp in ("quercus", "pinus_massoniana", "cunninghamia", "pinus_tabuliformis", "populus"):
        assert not found[sp].startswith("REFUSED"), sp
    assert "pooled" in found["quercus"]
    for sp in ("pinus_armandii", "cupressus", "broadleaf_mixed", "bamboo"):
        assert found[sp].startswith("REFUSED")
        assert "carbon.growth.yield.age_NN" in found[sp]  # what to enter
    assert "华山松" in found["pinus_armandii"] and "柏木" in found["cupressus"]


def test_oak_curve_hand_computed():
    p = project_growth_parameters(load_set("national"), 2025, ["quercus"])
    # AGC(10) = 87.8 · (1 − e^(−0.468))³ = 87.8 · 0.37375³ = 87.8 · 0.052208 = 4.584 t C/ha
    a, k, m = (
        float(p[v].sel(species="quercus")) for v in ("richards_a", "richards_k", "richards_m")
    )
    assert a * (1 - np.exp(-k * 10)) ** m == pytest.approx(4.584, abs=1e-3)
    assert float(p["max_age"].sel(species="quercus")) == 30


def _yield_set(tmp_path):
    root = tmp_path / "coefficients"
    folder = root / "mine"
    (folder / "carbon" / "growth" / "yield").mkdir(parents=True)
    (folder / "set.yaml").write_text("name: mine\nextends: national\n", encoding="utf-8")
    for age, agc in ((10, 20.0), (20, 50.0)):
        (folder / "carbon" / "growth" / "yield" / f"age_{age:02d}.yaml").write_text(
            f"""description:
  zh: 华山松产量表
  en: Huashan pine yield table
unit: t / hectare
by: species
values:
  2000-01-01:
    value:
      pinus_armandii: {agc}
    status: illustrative
    source:
      title: test yield table
    note: test
""",
            encoding="utf-8",
        )
    import shutil

    shutil.copytree(
        __import__("gep.coefficients", fromlist=["default_root"]).default_root() / "national",
        root / "national",
    )
    return load_set(folder)


def test_user_yield_table_is_interpolated_hand_computed(tmp_path):
    cset = _yield_set(tmp_path)
    p = project_growth_parameters(cset, 2025, ["pinus_armandii"])
    assert "yield table" in p.attrs["curves"]["pinus_armandii"]
    r = float(p["root_shoot_ratio"].sel(species="pinus_armandii"))
    strata = make_strata(2.0, "pinus_armandii", 2025)
    rem = project_removals(strata, np.arange(2025, 2045), p)
    # AGC rises 2 t C/ha/yr to age 10 (0 → 20), then 3 t C/ha/yr to age 20 (20 → 50):
    # removals = 2 ha × 44/12 × ΔAGC × (1 + R)
    expected = [2 * 44 / 12 * 2 * (1 + r)] * 10 + [2 * 44 / 12 * 3 * (1 + r)] * 10
    np.testing.assert_allclose(rem["removals"].values, expected)
    # beyond the table's oldest age (20) the curve is refused
    with pytest.raises(InputError, match="20"):
        project_removals(strata, np.arange(2025, 2047), p)
    # a yield table without a standard error needs growth_sd for the Monte Carlo
    with pytest.raises(InputError) as err:
        project_growth_parameters(cset, 2025, ["pinus_armandii"], growth_uncertainty=True)
    assert err.value.problems[0].field == "growth_sd"


def test_monte_carlo_scales_a_yield_table(tmp_path):
    from gep.carbon import ProjectCosts, appraise_project

    cset = _yield_set(tmp_path)
    p = project_growth_parameters(cset, 2025, ["pinus_armandii"])
    strata = make_strata(100.0, "pinus_armandii", 2025)
    r = appraise_project(
        strata,
        2025,
        20,
        p,
        70.0,
        costs=ProjectCosts(establishment=15000),
        draws=200,
        seed=1,
        growth_sd=0.1,
    )
    lo, mid, hi = (r.npv_percentiles()[f"credited_total_p{q}"] for q in (5, 50, 95))
    assert lo < mid < hi
    assert mid == pytest.approx(float(r.table["credited"].sum()), rel=0.05)
