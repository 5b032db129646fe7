"""Flow-routed LS (Desmet & Govers), NEP carbon per pixel, water-surface evaporation per pixel."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gep.errors import InputError
from gep.grid import run_grid
from gep.grid.formulas import (
    NEIGHBOURS,
    flow_accumulation,
    flow_ls_factor,
    rusle_m_exponent,
)
from gep.units import ureg

from .conftest import CODES, RES, write_config, write_tif

PX_HA = RES * RES / 1e4
VEG = {"forest.broadleaf", "shrub", "grassland", "farmland.paddy", "farmland.dry"}


def _q(result, indicator, region, component=""):
    q = result.quantities
    row = q[
        (q["indicator"] == indicator)
        & (q["region"] == region)
        & (q["component"].fillna("") == component)
    ]
    assert len(row) == 1, row
    return float(row["value"].iloc[0])


# ------------------------------------------------------------------ flow accumulation by hand
def test_d8_accumulation_by_hand():
    z = np.array([[9.0, 8, 7], [8, 5, 4], [7, 4, 1]])
    # steepest drops (D = 1): (0,0)→(1,1) diag 4/√2; (0,1)→(1,1) 3; (0,2)→(1,2) 3;
    # (1,0)→(1,1) 3; (1,1)→(2,2) 4/√2; (1,2)→(2,2) 3; (2,0)→(2,1) 3; (2,1)→(2,2) 3
    want = np.array([[1.0, 1, 1], [1, 4, 2], [1, 2, 9]])
    np.testing.assert_array_equal(flow_accumulation(z, 1.0, 1.0, "d8"), want)


@pytest.mark.parametrize("p", [1.0, 1.1])
def test_mfd_accumulation_by_hand(p):
    z = np.array([[3.0, 2.0], [2.0, 0.0]])
    # (0,0) splits to E (tanβ 1), S (1) and SE (3/√2) in proportion to tanβ^p
    w = np.array([1.0, 1.0, (3 / math.sqrt(2)) ** p])
    f = w / w.sum()
    a01 = 1 + f[0]
    a10 = 1 + f[1]
    want = np.array([[1.0, a01], [a10, 1 + f[2] + a01 + a10]])
    np.testing.assert_allclose(flow_accumulation(z, 1.0, 1.0, "mfd", exponent=p), want)
    assert want[1, 1] == pytest.approx(4.0)  # every cell drains to the pit


def _sinks(z):
    h, w = z.shape
    out = np.zeros_like(z, dtype=bool)
    for i in range(h):
        for j in range(w):
            if np.isnan(z[i, j]):
                continue
            lower = False
            for di, dj in NEIGHBOURS:
                a, b = i + di, j + dj
                if 0 <= a < h and 0 <= b < w and z[a, b] < z[i, j]:
                    lower = True
            out[i, j] = not lower
    return out


def _d8_reference(z, dx, dy):
    """Plain-Python D8: visit cells from the highest down, pass the count to the receiver."""
    h, w = z.shape
    acc = np.where(np.isnan(z), np.nan, 1.0)
    order = sorted(
        ((z[i, j], i, j) for i in range(h) for j in range(w) if not np.isnan(z[i, j])),
        reverse=True,
    )
    for _, i, j in order:
        best, tgt = 0.0, None
        for di, dj in NEIGHBOURS:
            a, b = i + di, j + dj
            if 0 <= a < h and 0 <= b < w and not np.isnan(z[a, b]):
                drop = (z[i, j] - z[a, b]) / math.hypot(di * dy, dj * dx)
                if drop > best:
                    best, tgt = drop, (a, b)
        if tgt is not None:
            acc[tgt] += acc[i, j]
    return acc


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_accumulation_conserves_cells_and_d8_equals_reference(seed):
    rng = np.random.default_rng(seed)
    z = rng.random((23, 31)) * 50 + np.add.outer(np.arange(23.0), np.arange(31.0)) * 2
    z[rng.random(z.shape) < 0.05] = np.nan  # nodata neither receives nor passes flow
    n = int(np.isfinite(z).sum())
    sinks = _sinks(z)
    for routing in ("d8", "mfd"):
        a = flow_accumulation(z, 30.0, 25.0, routing)
        assert np.isnan(a[np.isnan(z)]).all()
        assert (a[np.isfinite(z)] >= 1).all()
        assert float(a[sinks].sum()) == pytest.approx(n, rel=1e-12)  # every cell ends in a sink
    np.testing.assert_allclose(flow_accumulation(z, 30.0, 25.0, "d8"), _d8_reference(z, 30, 25))


# ------------------------------------------------------------------ LS by hand
def _plane(slope, n_rows=3, n_cols=6, d=RES):
    return 500.0 - slope * d * np.tile(np.arange(n_cols, dtype=float), (n_rows, 1))


def test_flow_ls_on_a_uniform_slope_is_the_segment_formula():
    """6 % slope, D8 along rows: A_in = λ D, x = 1, m = 0.5, S = 10.8 sin θ + 0.03."""
    d = RES
    ls = flow_ls_factor(_plane(0.06), d, d, routing="d8")
    theta = math.atan(0.06)
    s = 10.8 * math.sin(theta) + 0.03
    for c in range(6):
        lam = c * d
        want = s * ((lam + d) ** 1.5 - lam**1.5) / (d * 22.13**0.5)
        np.testing.assert_allclose(ls[:, c], want, rtol=1e-12)
    # a cell with nothing upslope: ((D)^1.5) / (D 22.13^0.5) = (D / 22.13)^0.5
    assert ls[0, 0] == pytest.approx(s * (d / 22.13) ** 0.5)


def test_flow_ls_steep_slope_uses_mccool_beta_and_l_max_caps_length():
    d = RES
    theta = math.atan(0.20)
    sin = math.sin(theta)
    beta = (sin / 0.0896) / (3 * sin**0.8 + 0.56)
    m = beta / (1 + beta)
    assert float(rusle_m_exponent(np.array(theta))) == pytest.approx(m)
    s = 16.8 * sin - 0.50
    ls = flow_ls_factor(_plane(0.20), d, d, routing="d8")
    lam = 4 * d
    assert ls[1, 4] == pytest.approx(s * ((lam + d) ** (m + 1) - lam ** (m + 1)) / (d * 22.13**m))
    capped = flow_ls_factor(_plane(0.20), d, d, routing="d8", l_max=45.0)
    lam = 45.0  # λ_in ≤ l_max from column 2 on (2 D = 60 m > 45 m)
    want = s * ((lam + d) ** (m + 1) - lam ** (m + 1)) / (d * 22.13**m)
    np.testing.assert_allclose(capped[:, 2:], want, rtol=1e-12)
    np.testing.assert_allclose(capped[:, :2], ls[:, :2], rtol=1e-12)


def test_flow_ls_aspect_length_on_a_diagonal_plane():
    """Aspect 45°: x = |sin α| + |cos α| = √2 enters as x^m."""
    d = RES
    g = 0.05  # per axis: slope √2·5 % ≈ 7.07 % → m = 0.5
    ii, jj = np.meshgrid(np.arange(7.0), np.arange(7.0), indexing="ij")
    z = 400.0 - g * d * (ii + jj)
    ls = flow_ls_factor(z, d, d, routing="d8")
    acc = flow_accumulation(z, d, d, "d8")
    theta = math.atan(g * math.sqrt(2))
    s = 10.8 * math.sin(theta) + 0.03
    a_in = (acc[3, 3] - 1) * d * d
    want = s * ((a_in + d * d) ** 1.5 - a_in**1.5) / (d**2.5 * math.sqrt(2) ** 0.5 * 22.13**0.5)
    assert ls[3, 3] == pytest.approx(want, rel=1e-12)
    assert acc[3, 3] == 4.0  # D8 goes down the diagonal: (0,0), (1,1), (2,2) upslope


# ------------------------------------------------------------------ the run with flow LS
def _soil_reference(cfg, arr, ls):
    lc = arr["lc"]
    eco = np.vectorize(lambda v: CODES.get(int(v), ""))(lc)
    c, pp = cfg["tables"]["rusle_c"], cfg["tables"]["rusle_p"]
    cp = np.vectorize(lambda e: c.get(e, np.nan) * pp.get(e, np.nan) if e else np.nan)(eco)
    soil = arr["r"].astype(float) * 0.03 * ls * np.maximum(1 - cp, 0) * PX_HA
    return float(soil[np.isin(eco, list(VEG)) & np.isfinite(soil)].sum())


@pytest.mark.parametrize("routing", ["d8", "mfd"])
def test_run_with_flow_ls_equals_numpy_reference_and_is_chunk_safe(scene, routing):
    folder, cfg, arr = scene
    cfg["zones"] = {"whole": "610900"}
    cfg["ls"] = {"method": "flow", "routing": routing, "l_max": 122}
    res = run_grid(write_config(folder, cfg))
    ls = flow_ls_factor(arr["dem"].astype(float), RES, RES, routing=routing, l_max=122.0)
    want = _soil_reference(cfg, arr, ls)
    assert _q(res, "regulating.soil_conservation", "610900") == pytest.approx(want, rel=1e-9)
    # flow LS differs from the fixed-length LS on this long slope
    cfg.pop("ls")
    fixed = run_grid(write_config(folder, cfg, "fixed.yaml"))
    ls_fixed = _q(fixed, "regulating.soil_conservation", "610900")
    assert ls_fixed != pytest.approx(want, rel=1e-3)
    # blocks of 64 or one block: the same totals (the accumulation is done on the whole DEM)
    cfg["ls"] = {"method": "flow", "routing": routing, "l_max": 122}
    cfg["chunks"] = 1024
    one = run_grid(write_config(folder, cfg, "one.yaml"))
    np.testing.assert_allclose(
        one.quantities["value"].to_numpy(), res.quantities["value"].to_numpy(), rtol=1e-12
    )


def test_flow_ls_memory_bound_and_config_errors(scene):
    folder, cfg, arr = scene
    cfg["ls"] = {"method": "flow", "max_pixels": 1000}
    with pytest.raises(InputError) as exc:
        run_grid(write_config(folder, cfg))
    assert "ls.max_pixels" in str(exc.value) and "10,800" in str(exc.value)
    for ls, key in (
        ({"method": "fixed", "routing": "d8"}, "ls.routing"),
        ({"method": "steepest"}, "ls.method"),
        ({"method": "flow", "routing": "dinf"}, "ls.routing"),
        ({"method": "flow", "slope_length": 30}, "ls.slope_length"),
        ({"method": "flow", "l_max": -1}, "ls.l_max"),
        ({"method": "flow", "colour": 1}, "ls.colour"),
    ):
        cfg["ls"] = ls
        with pytest.raises(InputError) as exc:
            run_grid(write_config(folder, cfg))
        assert key in str(exc.value) and "grid.yaml" in str(exc.value), (ls, str(exc.value))
    # flow LS without a DEM (LS given as a layer) is not used by anything
    cfg["ls"] = {"method": "flow"}
    cfg["layers"]["rusle_ls"] = cfg["layers"].pop("dem")
    cfg["layers"]["rusle_ls"]["unit"] = "dimensionless"
    with pytest.raises(InputError) as exc:
        run_grid(write_config(folder, cfg))
    assert "ls.method" in str(exc.value)


# ------------------------------------------------------------------ NEP per pixel
def _nep_scene(folder, cfg, arr, rh_as_table=True):
    rng = np.random.default_rng(11)
    h, w = arr["lc"].shape
    npp = (300 + 400 * rng.random((h, w))).astype(np.float32)  # g C m⁻² a⁻¹
    npp[20, 20] = -9999
    write_tif(folder / "npp.tif", npp, -9999)
    cfg = dict(cfg)
    cfg.pop("previous_land_cover")
    cfg.pop("carbon")
    cfg["layers"] = {"npp": {"path": "npp.tif", "unit": "g / m ** 2"}}
    cfg["tables"] = {}
    rh_by = {e: 100.0 + 20 * i for i, e in enumerate(sorted(set(CODES.values())))}
    if rh_as_table:
        cfg["tables"]["heterotrophic_respiration"] = rh_by
        rh = np.vectorize(lambda v: rh_by.get(CODES.get(int(v), ""), np.nan))(arr["lc"])
    else:
        rh = (150 + 50 * rng.random((h, w))).astype(np.float32)
        write_tif(folder / "rh.tif", rh, -9999)
        cfg["layers"]["heterotrophic_respiration"] = {"path": "rh.tif", "unit": "g / m ** 2"}
    return cfg, npp, rh


@pytest.mark.parametrize("rh_as_table", [True, False])
def test_nep_carbon_per_pixel_equals_numpy_reference(scene, rh_as_table):
    folder, cfg, arr = scene
    cfg, npp, rh = _nep_scene(folder, cfg, arr, rh_as_table)
    cfg["zones"] = {"whole": "610900"}
    res = run_grid(write_config(folder, cfg))
    eco = np.vectorize(lambda v: CODES.get(int(v), ""))(arr["lc"])
    ok = np.isin(eco, list(VEG)) & (npp != -9999)
    # 44/12 × (NPP − Rh) [g m⁻² → t ha⁻¹: × 0.01] × area [ha]
    want = float((44 / 12 * (npp.astype(float) - rh) * 0.01 * PX_HA)[ok].sum())
    assert _q(res, "regulating.carbon_sequestration", "610900") == pytest.approx(want, rel=1e-9)
    q = res.quantities
    src = q[q["indicator"] == "regulating.carbon_sequestration"]["source"].iloc[0]
    assert "npp=" in src and "NEP" in src and q["unit"].iloc[0] == "tCO2e"
    n_bad = res.info["nodata_px_in_counted_pixels"].get("npp", 0)
    assert n_bad == int(eco[20, 20] in VEG)


def test_nep_per_pixel_equals_the_tabular_formula(tmp_path):
    """NPP and Rh constant per ecosystem: the total is co2_from_nep on the extent by class."""
    from gep.methods.carbon import co2_from_nep

    h, w = 30, 40
    lc = np.full((h, w), 11, np.uint8)
    lc[:, 25:] = 30
    lc[:4, :4] = 50  # water is not vegetated: no NEP
    npp_by = {11: 620.0, 30: 310.0, 50: 999.0}
    npp = np.vectorize(npp_by.get)(lc).astype(np.float32)
    write_tif(tmp_path / "lc.tif", lc, 0)
    write_tif(tmp_path / "npp.tif", npp)
    rh_by = {"forest.broadleaf": 280.0, "grassland": 190.0, "water": 0.0}
    cfg = {
        "year": 2024,
        "zones": {"whole": "610900"},
        "land_cover": {"path": "lc.tif", "classes": "gep_ecosystems"},
        "layers": {"npp": {"path": "npp.tif", "unit": "g / m ** 2"}},
        "tables": {"heterotrophic_respiration": rh_by},
    }
    res = run_grid(write_config(tmp_path, cfg))
    area = res.inventory.set_index("ecosystem")["value"]
    expect = 0.0
    for code, eco in ((11, "forest.broadleaf"), (30, "grassland")):
        q = co2_from_nep(
            npp_by[code] * ureg("g / m**2"), rh_by[eco] * ureg("g / m**2"), area[eco] * ureg.ha
        )
        expect += float(q.magnitude)
    assert _q(res, "regulating.carbon_sequestration", "610900") == pytest.approx(expect, rel=1e-12)


def test_nep_and_stock_difference_need_a_choice(scene):
    folder, cfg, arr = scene
    rng = np.random.default_rng(5)
    write_tif(folder / "npp.tif", (500 * rng.random(arr["lc"].shape)).astype(np.float32))
    cfg["layers"]["npp"] = {"path": "npp.tif", "unit": "g / m ** 2"}
    cfg["tables"]["heterotrophic_respiration"] = {e: 100.0 for e in set(CODES.values())}
    with pytest.raises(InputError) as exc:
        run_grid(write_config(folder, cfg))
    assert "sequestration" in str(exc.value)
    cfg["sequestration"] = "nep"
    res = run_grid(write_config(folder, cfg))
    carbon = res.quantities[res.quantities["indicator"] == "regulating.carbon_sequestration"]
    assert len(carbon) == 2 and carbon["source"].str.contains("NEP").all()
    e = res.by_ecosystem  # the stock difference stays available by ecosystem
    assert (e["quantity"] == "carbon.stock_change").any()
    cfg["sequestration"] = "stock_difference"  # then NPP is not used: refused
    with pytest.raises(InputError) as exc:
        run_grid(write_config(folder, cfg))
    assert "layers.npp" in str(exc.value)
    cfg["sequestration"] = "biomass"
    with pytest.raises(InputError) as exc:
        run_grid(write_config(folder, cfg))
    assert "sequestration must be one of" in str(exc.value)
    del cfg["sequestration"]
    del cfg["tables"]["heterotrophic_respiration"]
    cfg.pop("previous_land_cover")
    cfg.pop("carbon")
    with pytest.raises(InputError) as exc:
        run_grid(write_config(folder, cfg))
    assert "heterotrophic_respiration" in str(exc.value)


# ------------------------------------------------------------------ water-surface evaporation
def _evap_config(tmp_path, lc, layer, extra=None):
    write_tif(tmp_path / "lc.tif", lc, 0)
    cfg = {
        "year": 2024,
        "coefficients": "national",
        "zones": {"whole": "610900"},
        "land_cover": {"path": "lc.tif", "classes": "gep_ecosystems"},
        "layers": layer,
        **(extra or {}),
    }
    return write_config(tmp_path, cfg)


def _evap_coefficients(year=2024):
    from gep.coefficients import load_set

    cset = load_set("national")
    c = "regulating.climate_regulation."
    q = float(cset.array(c + "latent_heat", [year], unit="J / g").values.ravel()[0])
    y = float(cset.array(c + "humidifier_energy", [year], unit="kWh / m**3").values.ravel()[0])
    r = float(cset.array(c + "ac_efficiency", [year]).values.ravel()[0])
    return q, y, r


def test_water_evaporation_per_pixel_equals_tabular_formula(tmp_path):
    from gep.indicators.regulating import evaporation_cooling_energy

    h, w = 20, 30
    lc = np.full((h, w), 11, np.uint8)
    lc[5:12, 3:20] = 50  # open water
    lc[0, 0] = 0  # nodata land cover
    ev = np.tile(np.linspace(300, 420, w, dtype=np.float32), (h, 1))  # mm over the hot days
    ev[6, 6] = -9999
    write_tif(tmp_path / "ev.tif", ev, -9999)
    path = _evap_config(tmp_path, lc, {"water_evaporation": {"path": "ev.tif", "unit": "mm"}})
    res = run_grid(path)
    q_lat, y_hum, eer = _evap_coefficients()
    water = (lc == 50) & (ev != -9999)
    depth_area = float(ev.astype(float)[water].sum()) * PX_HA  # Σ E·A [mm·ha]
    # the account's own arithmetic: E_w [m³] = depth [mm] × area [ha] × 10
    e = evaporation_cooling_energy(
        depth_area * 10.0 * ureg("m**3"), q_lat * ureg("J / g"), y_hum * ureg("kWh / m**3")
    )
    got = _q(res, "regulating.climate_regulation", "610900", "water_evaporation")
    assert got == pytest.approx(float(e.to("kWh").magnitude), rel=1e-12)
    assert got == pytest.approx(depth_area * 10 * (1e6 * q_lat / 3.6e6 + y_hum), rel=1e-12)
    assert res.info["nodata_px_in_counted_pixels"] == {"water_evaporation": 1}
    inv = res.inventory[res.inventory["item"] == "climate.water_evaporation"]
    assert float(inv["value"].iloc[0]) == pytest.approx(float(ev[water].mean()), rel=1e-6)
    # pan evaporation × coefficient, and the EER option, on the same pixels
    pan_mm = np.where(ev == -9999, np.float32(-9999), ev / np.float32(0.6)).astype(np.float32)
    write_tif(tmp_path / "pan.tif", pan_mm, -9999)
    pan = _evap_config(
        tmp_path,
        lc,
        {"pan_evaporation": {"path": "pan.tif", "unit": "mm"}},
        {"evaporation": {"pan_coefficient": 0.6, "divide_by_eer": True}},
    )
    res2 = run_grid(pan)
    got2 = _q(res2, "regulating.climate_regulation", "610900", "water_evaporation")
    assert res2.info["nodata_px_in_counted_pixels"] == {"pan_evaporation": 1}
    depth2 = float(pan_mm.astype(float)[water].sum()) * 0.6
    want2 = depth2 * PX_HA * 10 * (1e6 * q_lat / 3.6e6 / eer + y_hum)
    assert got2 == pytest.approx(want2, rel=1e-6)


def test_water_evaporation_config_errors(tmp_path):
    lc = np.full((10, 10), 50, np.uint8)
    write_tif(tmp_path / "ev.tif", np.full((10, 10), 300.0, np.float32))
    cases = (
        ({"pan_evaporation": {"path": "ev.tif", "unit": "mm"}}, {}, "evaporation.pan_coefficient"),
        (
            {"water_evaporation": {"path": "ev.tif", "unit": "mm"}},
            {"evaporation": {"pan_coefficient": 0.7}},
            "evaporation.pan_coefficient",
        ),
        (
            {"water_evaporation": {"path": "ev.tif", "unit": "mm"}},
            {"evaporation": {"coefficient": 0.7}},
            "evaporation.coefficient",
        ),
        (
            {"water_evaporation": {"path": "ev.tif", "unit": "kg"}},
            {},
            "layers.water_evaporation.unit",
        ),
        ({"water_evaporation": {"path": "nope.tif", "unit": "mm"}}, {}, "nope.tif"),
    )
    for layer, extra, needle in cases:
        with pytest.raises(InputError) as exc:
            run_grid(_evap_config(tmp_path, lc, layer, extra))
        assert needle in str(exc.value), (layer, extra, str(exc.value))
    # without a coefficient set there are no latent heat and humidifier energy
    write_tif(tmp_path / "lc.tif", lc, 0)
    cfg = {
        "year": 2024,
        "zones": {"whole": "610900"},
        "land_cover": {"path": "lc.tif", "classes": "gep_ecosystems"},
        "layers": {"water_evaporation": {"path": "ev.tif", "unit": "mm"}},
    }
    with pytest.raises(InputError) as exc:
        run_grid(write_config(tmp_path, cfg))
    assert "coefficients" in str(exc.value)


def test_cli_exit_code_2_for_new_keys(scene):
    from typer.testing import CliRunner

    from gep.cli.main import app

    folder, cfg, arr = scene
    cfg["ls"] = {"method": "flow", "routing": "dinf"}
    path = write_config(folder, cfg)
    r = CliRunner().invoke(app, ["grid", "run", str(path), "--out", str(folder / "out")])
    assert r.exit_code == 2 and "ls.routing" in r.output
