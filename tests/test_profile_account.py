"""Profiles as data drive the account (issue 11 wiring): selection, names, methods, ledger."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from gep.accounting import account
from gep.catalog import ecosystems_in
from gep.cli.main import app
from gep.coefficients import load_set
from gep.errors import InputError
from gep.profiles import default_dir
from gep.report import json_payload

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
ANKANG = ROOT / "datasets" / "ankang"


def _with(data: xr.Dataset, **items) -> xr.Dataset:
    return data.assign(**items)


def _region_year(data, values, unit):
    regions = [str(r) for r in data["region"].values]
    years = [int(y) for y in data["year"].values]
    arr = np.broadcast_to(np.asarray(values, dtype=float), (len(regions), len(years))).copy()
    return xr.DataArray(
        arr, dims=["region", "year"], coords={"region": regions, "year": years}
    ).assign_attrs(units=unit)


def _by_ecosystem(data, value, unit):
    area = data["area"]
    return xr.full_like(area, value, dtype=float).assign_attrs(units=unit)


# ------------------------------------------------------------------ selection and names
def test_profile_file_is_the_source_of_truth_for_ndrc(mini, mini_coef, monkeypatch):
    """The ndrc-2022 file gives the same numbers as the registry family it replaced."""
    a = account(mini, mini_coef)
    import gep.accounting as accounting

    monkeypatch.setattr(accounting, "engine_profile", lambda p: None)  # registry fallback
    b = account(mini, mini_coef)
    xr.testing.assert_identical(a.value, b.value)
    assert a.indicator_ids == b.indicator_ids
    assert "gross" not in a.ds and "out_of_region" not in a.ds  # nothing deducted
    xr.testing.assert_identical(a.gross, a.value)


def test_display_names_defaults_and_unknown_include(mini, mini_coef):
    acc = account(mini, mini_coef, profile="ankang")
    # ankang lists oxygen release and pest control as default-on (ndrc-2022: off)
    assert {"regulating.oxygen_release", "regulating.pest_control"} <= set(acc.indicator_ids)
    assert acc.indicator("cultural.recreation").zh == "旅游康养"
    assert "旅游康养" in set(acc.to_frame("zh")["indicator_name"])
    gbt = account(mini, mini_coef, profile="ndrc-2022", exclude=["cultural.landscape"])
    assert "cultural.landscape" not in gbt.indicator_ids
    with pytest.raises(InputError, match="unknown indicator.*gbt-46869-2025"):
        account(mini, mini_coef, profile="gbt-46869-2025", include=["regulating.oxygen_release"])


def test_user_profile_file_path_runs_directly(tmp_path, mini, mini_coef):
    f = tmp_path / "my-county.yaml"
    f.write_text(
        "id: my-county\nname: {zh: 本县口径}\nengine: ndrc-2022\nindicators:\n"
        "  cultural.recreation: {method: spending, clause: local, clause_status: local,"
        " name: {zh: 本县旅游}}\n",
        encoding="utf-8",
    )
    acc = account(mini, mini_coef, profile=str(f))
    assert acc.profile == "my-county" and acc.indicator_ids == ["cultural.recreation"]
    assert acc.options["recreation_method"] == "spending"
    assert acc.indicator("cultural.recreation").zh == "本县旅游"


# ------------------------------------------------------------------ out-of-region ledger
def test_ledger_in_the_account_by_hand(mini, mini_coef):
    """ankang deducts inflow / (inflow + local runoff) of water supply and hydropower."""
    data = _with(
        mini.data,
        inflow=_region_year(mini.data, 1.0, "m ** 3"),
        local_runoff=_region_year(mini.data, 3.0, "m ** 3"),
    )
    plain = account(data, mini_coef, profile="ndrc-2022")
    acc = account(data, mini_coef, profile="ankang")
    ws = "material.water_supply"
    gross = acc.gross.sel(indicator=ws)
    xr.testing.assert_allclose(gross, plain.value.sel(indicator=ws))
    np.testing.assert_allclose(acc.out_of_region.sel(indicator=ws), 0.25 * gross)  # 1 / (1 + 3)
    np.testing.assert_allclose(acc.value.sel(indicator=ws), 0.75 * gross)
    # GEP totals are net
    np.testing.assert_allclose(acc.gep(), acc.value.sum("indicator", min_count=1))
    np.testing.assert_allclose(
        acc.gep(), acc.gross.sum("indicator") - acc.out_of_region.sum("indicator")
    )
    assert acc.warnings == []
    payload = json_payload(acc)
    row = next(r for r in payload["rows"] if r["indicator"] == ws)
    assert math.isclose(row["gross"] - row["out_of_region"], row["value"], rel_tol=1e-12)
    assert row["out_of_region"] > 0
    assert payload["out_of_region_basis"][ws] == "(inflow) / (inflow + local_runoff)"
    from gep.report import ledger_frame

    lf = ledger_frame(acc)
    assert set(lf["indicator"]) == {ws, "material.hydropower"}
    np.testing.assert_allclose(lf["gross"] - lf["out_of_region"], lf["value"])
    assert ledger_frame(plain).empty
    ex = acc.explain("100001", 2020, ws)
    assert ex["out_of_region"]["share"] == pytest.approx(0.25)
    assert ex["out_of_region"]["net"] == ex["value"]


def test_ledger_missing_inputs_never_a_silent_zero(mini, mini_coef):
    acc = account(mini, mini_coef, profile="ankang")  # the mini inventory has no inflow
    ws = "material.water_supply"
    assert bool(acc.gross.sel(indicator=ws).notnull().all())
    assert bool(acc.value.sel(indicator=ws).isnull().all())  # net not assessed
    kinds = {(w["indicator"], w["kind"]) for w in acc.warnings}
    assert (ws, "missing_inputs") in kinds and ("material.hydropower", "missing_inputs") in kinds
    assert any("inflow" in n for n in acc.notes[ws])
    r = runner.invoke(
        app,
        ["account", str(ROOT / "tests/data/mini"), "-c", str(ROOT / "tests/data/coefficients/mini")]
        + ["--profile", "ankang", "--format", "json"],
    )
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert {w["kind"] for w in d["warnings"]} == {"missing_inputs"}
    assert "warning" in r.stderr and "inflow" in r.stderr


def test_required_zero_share_warns_visibly():
    """gbt-46869-2025 on the Ankang demo: flood share 0 (illustrative) → stderr + JSON."""
    r = runner.invoke(
        app, ["account", str(ANKANG), "-y", "2024", "--profile", "gbt-46869-2025", "-f", "json"]
    )
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    flood = {w["kind"] for w in d["warnings"] if w["indicator"] == "regulating.flood_regulation"}
    assert flood == {"zero", "unsourced"}
    assert "扣除比例为 0" in r.stderr and "share is 0" in r.stderr
    t = runner.invoke(app, ["account", str(ANKANG), "-y", "2024", "--profile", "gbt-46869-2025"])
    assert t.exit_code == 0
    assert "区域外扣除 material.water_supply 2024" in t.stdout  # deduction line


def test_compare_profiles_runs_all_four_and_totals_equal_own_accounts():
    from gep.cli.common import load_inputs

    r = runner.invoke(app, ["compare-profiles", str(ANKANG), "--year", "2024", "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert sorted(d["profiles"]) == ["ankang", "gbt-46869-2025", "ndrc-2022", "xie-2015"]
    assert d["not_runnable"] == {}
    ds, coef = load_inputs(ANKANG, None)
    for p in d["profiles"]:
        acc = account(ds, coef, years=[2024], profile=p)
        assert d["totals"][p] == float(acc.city_gep().sel(year=2024))  # exactly
    # the Ankang demo has inflow / local_runoff rows: only GB/T's flood share (0) still warns
    assert set(d["warnings"]) == {"gbt-46869-2025"}
    assert {w["indicator"] for w in d["warnings"]["gbt-46869-2025"]} == {
        "regulating.flood_regulation"
    }


# ------------------------------------------------------------------ method variant hooks
def _one_indicator_profile(tmp_path, indicator, method) -> Path:
    f = tmp_path / "variant.yaml"
    f.write_text(
        f"id: variant\nname: {{zh: 方法变体}}\nengine: ndrc-2022\nindicators:\n"
        f"  {indicator}: {{method: {method}, clause: test, clause_status: U}}\n",
        encoding="utf-8",
    )
    return f


def test_nep_variant_by_hand(tmp_path, mini, mini_coef):
    data = _with(
        mini.data,
        npp=_by_ecosystem(mini.data, 500.0, "g / m ** 2"),
        heterotrophic_respiration=_by_ecosystem(mini.data, 300.0, "g / m ** 2"),
    )
    f = _one_indicator_profile(tmp_path, "regulating.carbon_sequestration", "nep")
    acc = account(data, mini_coef, profile=str(f))
    # NEP 200 g C m⁻² = 2 t C ha⁻¹ → 44/12 × 2 = 7.333… t CO₂ ha⁻¹ over vegetated land only
    ecos = ecosystems_in(
        ("forest", "shrub", "grassland", "wetland", "farmland", "garden"),
        [str(e) for e in data["ecosystem"].values],
    )
    assert "urban" not in ecos
    area = data["area"].sel(ecosystem=ecos).sum("ecosystem")
    want_q = 44.0 / 12.0 * 2.0 * area
    phys = acc.physical("regulating.carbon_sequestration")
    np.testing.assert_allclose(phys.transpose("region", "year"), want_q.transpose("region", "year"))
    price = mini_coef.array("regulating.carbon_sequestration.price", acc.years, unit="CNY / tCO2e")
    np.testing.assert_allclose(
        acc.value.sel(indicator="regulating.carbon_sequestration").transpose("region", "year"),
        (want_q * price).transpose("region", "year"),
    )
    assert "NEP" in acc.indicator("regulating.carbon_sequestration").equation() or "NPP" in (
        acc.indicator("regulating.carbon_sequestration").equation()
    )
    # without the items: not assessed, with the reason
    bare = account(mini, mini_coef, profile=str(f))
    assert any("npp" in n["reason"] for n in bare.not_assessed)


def test_temperature_difference_variant_by_hand(tmp_path, mini):
    national = load_set("national")
    data = _with(
        mini.data, **{"climate.temperature_difference": _by_ecosystem(mini.data, 1.0, "K")}
    )
    f = _one_indicator_profile(tmp_path, "regulating.climate_regulation", "temperature_difference")
    acc = account(data, national, profile=str(f))
    # C_a = ρc_p·h = 1.21 kJ m⁻³ K⁻¹ × 10 m = 12.1 kJ m⁻² K⁻¹ (national, illustrative)
    ecos = [e for e in map(str, data["ecosystem"].values) if e != "urban"]
    area_m2 = data["area"].sel(ecosystem=ecos).sum("ecosystem") * 1e4
    days = data["climate.hot_days"]
    eer = national.array("regulating.climate_regulation.ac_efficiency", acc.years)
    want_kwh = area_m2 * 1.0 * 12.1 * days / 3600.0 / eer
    np.testing.assert_allclose(
        acc.physical("regulating.climate_regulation").transpose("region", "year"),
        want_kwh.transpose("region", "year"),
        rtol=1e-12,
    )
    price = national.array(
        "regulating.climate_regulation.electricity_price", acc.years, unit="CNY / kWh"
    )
    np.testing.assert_allclose(
        acc.value.sel(indicator="regulating.climate_regulation").transpose("region", "year"),
        (want_kwh * price).transpose("region", "year"),
        rtol=1e-12,
    )


def test_bundled_profiles_all_load():
    names = sorted(p.stem for p in default_dir().glob("*.yaml"))
    assert names == ["ankang", "gbt-46869-2025", "ndrc-2022", "xie-2015"]
