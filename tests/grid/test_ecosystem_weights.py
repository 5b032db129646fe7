"""Ecosystem sets from the config's coefficient set: grid = numpy reference = tabular account."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from gep.grid import run_grid

from .conftest import RES, two_zone_geojson, write_config, write_tif

PX_HA = RES * RES / 1e4
MINI = Path(__file__).resolve().parents[1] / "data" / "coefficients" / "mini"
#: land-cover columns: code, ecosystem (gep_ecosystems class table)
STRIPES = (
    (11, "forest.broadleaf"),
    (20, "shrub"),
    (30, "grassland"),
    (40, "wetland"),
    (62, "farmland.dry"),
    (50, "water"),
    (80, "urban"),
)
ALPHA = {"forest.broadleaf": 0.05, "shrub": 0.08, "grassland": 0.12, "wetland": 0.03}
ALPHA |= {"farmland.dry": 0.25, "water": 0.0, "urban": 0.6}
ET = {"forest.broadleaf": 520.0, "shrub": 480.0, "grassland": 450.0, "wetland": 600.0}
ET |= {"farmland.dry": 500.0, "water": 0.0, "urban": 100.0}
C = {"forest.broadleaf": 0.02, "shrub": 0.05, "grassland": 0.08, "wetland": 0.01}
C |= {"farmland.dry": 0.3, "water": 0.0, "urban": 0.0}
P_ZONE = {"610902": 950.0, "610981": 1100.0}  # left / right half (旬阳 610928 → 610981)
R_ZONE = {"610902": 3000.0, "610981": 3400.0}
DAYS_ZONE = {"610902": 30.0, "610981": 45.0}


def _set_table(folder: Path, rel: str, values: dict) -> None:
    p = folder / "regulating" / f"{rel}.yaml"
    doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    entry = next(iter(doc["values"].values()))
    entry["value"].update(values)
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _mini_copy(tmp_path: Path, wetland_water: float) -> Path:
    """The mini set with a Garzê-like choice: wetland weighted in water conservation,
    only forest/shrub/grassland transpiring, half the wetland area evaporating."""
    folder = tmp_path / "sets" / "mini_garze"
    shutil.copytree(MINI, folder)
    _set_table(folder, "water_conservation/ecosystems", {"wetland": wetland_water})
    _set_table(folder, "soil_conservation/ecosystems", {"farmland": 0.5})
    tr = {e: 0 for e in ("wetland", "farmland", "garden", "urban", "bare")}
    _set_table(folder, "climate_regulation/transpiration_ecosystems", tr)
    _set_table(folder, "climate_regulation/evaporation_ecosystems", {"wetland": 0.5})
    return folder


def _scene(tmp_path: Path, coefficients: str | None):
    h, w = 24, 70
    lc = np.zeros((h, w), np.uint8)
    for i, (code, _) in enumerate(STRIPES):
        lc[:, 10 * i : 10 * i + 10] = code
    lc[:12, 33:37] = 11  # forest inside the wetland stripe (both zones see mixed columns)
    lc[3, 3] = 0  # nodata
    left = np.arange(w)[None, :].repeat(h, axis=0) < 35  # zone edge on a pixel edge
    p = np.where(left, P_ZONE["610902"], P_ZONE["610981"]).astype(np.float32)
    r = np.where(left, R_ZONE["610902"], R_ZONE["610981"]).astype(np.float32)
    days = np.where(left, DAYS_ZONE["610902"], DAYS_ZONE["610981"]).astype(np.float32)
    ev = np.tile(np.linspace(300, 420, w, dtype=np.float32), (h, 1))
    ls = np.full((h, w), 2.5, np.float32)
    for name, a in (("lc", lc), ("p", p), ("r", r), ("hd", days), ("ev", ev), ("ls", ls)):
        write_tif(tmp_path / f"{name}.tif", a, 0 if name == "lc" else None)
    cfg = {
        "year": 2024,
        "chunks": 64,  # two blocks across
        "zones": {"file": two_zone_geojson(tmp_path, 34.5, w, h).name, "code_field": "code"},
        "land_cover": {"path": "lc.tif", "classes": "gep_ecosystems"},
        "layers": {
            "precipitation": {"path": "p.tif", "unit": "mm"},
            "rusle_r": {"path": "r.tif", "unit": "MJ * mm / (hectare * hour * year)"},
            "rusle_ls": {"path": "ls.tif", "unit": "dimensionless"},
            "hot_days": {"path": "hd.tif", "unit": "day"},
            "water_evaporation": {"path": "ev.tif", "unit": "mm"},
        },
        "tables": {
            "evapotranspiration": ET,
            "runoff_coefficient": ALPHA,
            "rusle_k": {e: 0.03 for e in ET},
            "rusle_c": C,
            "rusle_p": {e: 0.5 for e in ET},
        },
    }
    if coefficients is not None:
        cfg["coefficients"] = coefficients
    arrays = {"lc": lc, "left": left, "p": p, "r": r, "days": days, "ev": ev}
    return write_config(tmp_path, cfg), arrays


def _q(res, indicator, region, component=""):
    q = res.quantities
    row = q[(q.indicator == indicator) & (q.region == region) & (q.component == component)]
    assert len(row) == 1, (indicator, region, component)
    return float(row["value"].iloc[0]), str(row["source"].iloc[0])


def _weights(cset_path, cid, ecos):
    from gep.coefficients import load_set

    v = load_set(cset_path).array(cid, [2024], keys=ecos, unit="dimensionless").values
    return dict(zip(ecos, v.ravel(), strict=True))


@pytest.mark.parametrize("wetland_water", [0.0, 0.5])
def test_set_weights_equal_numpy_reference_and_tabular_account(tmp_path, wetland_water):
    from gep.accounting import account
    from gep.coefficients import load_set
    from gep.inventory import dataset_from_frames

    cset_dir = _mini_copy(tmp_path, wetland_water)
    path, arr = _scene(tmp_path, str(cset_dir))
    res = run_grid(path)
    cset = load_set(cset_dir)
    ecos = [e for _, e in STRIPES]
    code_eco = dict(STRIPES)
    eco = np.vectorize(lambda v: code_eco.get(int(v), ""))(arr["lc"])
    c = "regulating.climate_regulation."
    w_water = _weights(cset_dir, "regulating.water_conservation.ecosystems", ecos)
    w_soil = _weights(cset_dir, "regulating.soil_conservation.ecosystems", ecos)
    w_tr = _weights(cset_dir, c + "transpiration_ecosystems", ecos)
    w_ev = _weights(cset_dir, c + "evaporation_ecosystems", ecos)
    assert w_water["wetland"] == wetland_water and w_soil["farmland.dry"] == 0.5
    veg = [e for e in ecos if w_tr[e] > 0]
    assert veg == ["forest.broadleaf", "shrub", "grassland"]
    heat = dict(
        zip(veg, cset.array(c + "transpiration_heat", [2024], keys=veg).values.ravel(), strict=True)
    )
    eer = float(cset.array(c + "ac_efficiency", [2024]).values.ravel()[0])
    q_lat = float(cset.array(c + "latent_heat", [2024], unit="J / g").values.ravel()[0])
    y_hum = float(cset.array(c + "humidifier_energy", [2024], unit="kWh / m**3").values.ravel()[0])

    def per_px(table, weights):
        return np.vectorize(lambda e: table.get(e, 0.0) * weights.get(e, 0.0) if e else 0.0)(eco)

    p = arr["p"].astype(float)
    water_px = (
        np.maximum(
            p - per_px(ALPHA, {e: 1.0 for e in ecos}) * p - per_px(ET, {e: 1 for e in ecos}), 0
        )
        * per_px({e: 1.0 for e in ecos}, w_water)
        * PX_HA
        * 10.0
    )
    cp = 1 - per_px(C, {e: 1.0 for e in ecos}) * 0.5
    soil_px = arr["r"] * 0.03 * 2.5 * cp * per_px({e: 1.0 for e in ecos}, w_soil) * PX_HA
    # E_pt [kWh] = heat [kJ m-2 d-1] × A [m²] × d [day] / 3600 / EER
    tr_px = per_px(heat, w_tr) * PX_HA * 1e4 * arr["days"] / 3600.0 / eer
    ev_area = per_px({e: 1.0 for e in ecos}, w_ev) * PX_HA  # counted open-water area [ha]
    ev_px = arr["ev"] * ev_area * 10.0 * (1e6 * q_lat / 3.6e6 + y_hum)  # mm·ha → m³ → kWh
    masks = {"610902": arr["left"], "610981": ~arr["left"]}
    for code, m in masks.items():
        for ind, comp, ref in (
            ("regulating.water_conservation", "", water_px),
            ("regulating.soil_conservation", "", soil_px),
            ("regulating.climate_regulation", "transpiration", tr_px),
            ("regulating.climate_regulation", "water_evaporation", ev_px),
        ):
            got, source = _q(res, ind, code, comp)
            assert got == pytest.approx(float(ref[m].sum()), rel=1e-9), (ind, comp, code)
            assert f"ecosystem sets: coefficients {cset.name} sha256:{cset.hash[:16]}" in source
    assert res.info["ecosystem_weights"]["water"].get("wetland", 0.0) == wetland_water
    tr = res.info["ecosystem_weights"]["transpiration"]  # every class of the class table
    assert {e.split(".")[0] for e in tr} == {"forest", "shrub", "grassland"}

    # the tabular account of the same set on the grid's zonal inputs gives the same totals
    inv = res.inventory
    rows = []
    for code in masks:
        areas = inv[(inv.region == code) & (inv["item"] == "area")].set_index("ecosystem")["value"]
        for e, a in areas.items():
            rows += [
                (code, 2024, "area", e, "", a, "hectare", "t"),
                (code, 2024, "evapotranspiration", e, "", ET[e], "mm", "t"),
                (code, 2024, "runoff", e, "", ALPHA[e] * P_ZONE[code], "mm", "t"),
                (code, 2024, "rusle.ls", e, "", 2.5, "dimensionless", "t"),
                (code, 2024, "rusle.c", e, "", C[e], "dimensionless", "t"),
                (code, 2024, "rusle.p", e, "", 0.5, "dimensionless", "t"),
            ]
        evap = inv[(inv.region == code) & (inv["item"] == "climate.water_evaporation")]
        rows += [
            (code, 2024, "precipitation", "", "", P_ZONE[code], "mm", "t"),
            (code, 2024, "rusle.r", "", "", R_ZONE[code], "MJ * mm / (hectare * hour * year)", "t"),
            (code, 2024, "rusle.k", "", "", 0.03, "t * hectare * hour / (hectare * MJ * mm)", "t"),
            (code, 2024, "climate.hot_days", "", "", DAYS_ZONE[code], "day", "t"),
            (
                code,
                2024,
                "climate.water_evaporation",
                "",
                "",
                float(evap["value"].iloc[0]),
                "mm",
                "t",
            ),
        ]
    inventory = pd.DataFrame(
        rows, columns=["region", "year", "item", "ecosystem", "species", "value", "unit", "source"]
    )
    regions = res.regions.assign(name_zh=["汉滨区", "旬阳市"], name_en=["Hanbin", "Xunyang"])
    acc = account(dataset_from_frames(regions, inventory, name="t"), cset, years=[2024])
    comps = acc.components["regulating.climate_regulation"]["physical"]
    for code in masks:
        for ind in ("regulating.water_conservation", "regulating.soil_conservation"):
            tab = float(acc.physical(ind).sel(region=code, year=2024))
            assert _q(res, ind, code)[0] == pytest.approx(tab, rel=1e-9), (ind, code)
        for comp in ("transpiration", "water_evaporation"):
            tab = float(comps.sel(region=code, year=2024, component=comp))
            got = _q(res, "regulating.climate_regulation", code, comp)[0]
            # the grid's mean evaporation depth is rounded to 4 decimals in inventory.csv
            assert got == pytest.approx(tab, rel=1e-6), (comp, code)


def test_default_sets_without_coefficients_and_set_equal_to_defaults(tmp_path):
    """No ``coefficients:`` → the engine defaults; the mini set (= defaults) gives the same."""
    path, arr = _scene(tmp_path, None)
    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    for k in ("hot_days", "water_evaporation"):
        del cfg["layers"][k]
    res = run_grid(write_config(tmp_path, cfg, "plain.yaml"))
    cfg["coefficients"] = str(MINI)
    res_set = run_grid(write_config(tmp_path, cfg, "mini.yaml"))
    for ind in ("regulating.water_conservation", "regulating.soil_conservation"):
        for code in ("610902", "610981"):
            a, src = _q(res, ind, code)
            b, src_set = _q(res_set, ind, code)
            assert a == b, (ind, code)  # weights of 1.0: the same bits
            assert "ecosystem sets: engine defaults" in src
            assert "ecosystem sets: coefficients mini" in src_set
    # the default water set counts wetland, not farmland (WATER_CONSERVATION_ECOSYSTEMS)
    water = res.info["ecosystem_weights"]["water"]
    assert {"forest.broadleaf", "shrub", "grassland", "wetland"} <= set(water)
    assert not {"farmland.dry", "water", "urban"} & set(water)
    assert set(water.values()) == {1.0}


def test_table_values_needed_for_the_sets_ecosystems(tmp_path):
    """A table may omit an ecosystem the set does not count, not one it counts."""
    from gep.errors import InputError

    cset_dir = _mini_copy(tmp_path, 0.0)  # wetland out of water conservation
    path, _ = _scene(tmp_path, str(cset_dir))
    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    for k in ("evapotranspiration", "runoff_coefficient"):
        del cfg["tables"][k]["wetland"]
    res = run_grid(write_config(tmp_path, cfg, "no_wetland.yaml"))
    assert _q(res, "regulating.water_conservation", "610902")[0] > 0
    _set_table(cset_dir, "water_conservation/ecosystems", {"wetland": 1})
    with pytest.raises(InputError) as exc:
        run_grid(write_config(tmp_path, cfg, "no_wetland.yaml"))
    assert "wetland" in str(exc.value) and "tables.evapotranspiration" in str(exc.value)
    # a set without the ecosystem table is named in the error
    (cset_dir / "regulating" / "water_conservation" / "ecosystems.yaml").unlink()
    with pytest.raises(InputError) as exc:
        run_grid(write_config(tmp_path, cfg, "no_wetland.yaml"))
    assert "regulating.water_conservation.ecosystems" in str(exc.value)


def test_set_table_may_omit_ecosystems_absent_from_the_zones(tmp_path):
    """A set's table without garden (no garden pixel) runs; without wetland (present) errors."""
    from gep.errors import InputError

    cset_dir = _mini_copy(tmp_path, 0.5)
    p = cset_dir / "regulating" / "water_conservation" / "ecosystems.yaml"
    doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    table = next(iter(doc["values"].values()))["value"]
    del table["garden"]
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    path, _ = _scene(tmp_path, str(cset_dir))
    res = run_grid(path)
    assert res.info["ecosystem_weights"]["water"]["wetland"] == 0.5
    del table["wetland"]
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        run_grid(path)
    msg = str(exc.value)
    assert "regulating.water_conservation.ecosystems" in msg and "wetland" in msg, msg
    assert "garden" not in msg
