"""Gridded-mode benchmarks: carbon on a land-cover pair vs a bare-numpy floor (and InVEST),
the Ankang demo at 30 m, and scaling with raster size.

pytest-benchmark (floor and gep in the same session; 2000 × 2000 by default, set
``GEP_BENCH_GRID_SIZE=4000`` for the issue's size)::

    pytest benchmarks/bench_grid.py --benchmark-enable -o addopts=""

Side by side with InVEST in one run (InVEST is built *outside* the project, see
``/work/shared/peers/invest/README.md``; its driver makes the pair, times InVEST and keeps the
files, then the same files go through the floor and ``gep grid`` in the same process)::

    python benchmarks/bench_grid.py carbon --size 4000 --rounds 3 \\
        --invest-python /path/to/invest-venv/bin/python --run-carbon /path/to/run_carbon.py
    python benchmarks/bench_grid.py ankang --resolution 30      # time + peak RSS, fresh process
    python benchmarks/bench_grid.py scaling --sizes 2000 4000 8000 16000
    python benchmarks/bench_grid.py flow --sizes 500 1000 2000   # flow-routed LS vs local LS

Flow-routed LS (Desmet & Govers with D8/MFD accumulation) has no local floor: it is timed
against the fixed-slope-length LS on the same DEM (gradient + closed form, the least any LS
must do), in the same process, so the ratio is the price of routing.

The floor reads both rasters with rasterio and sums pool densities by class with
``np.bincount`` (storage of each map, change over pixels valid in both, NPV = change × k): the
least work any implementation must do on the same files.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: InVEST-style pools (t C / ha) of the peer driver's six classes: lucode → (eco, pools)
POOLS = {
    1: ("forest.mixed", (85.5, 21.4, 98.2, 7.3)),
    2: ("shrub", (20.8, 9.6, 76.1, 2.9)),
    3: ("grassland", (4.2, 12.7, 68.4, 1.1)),
    4: ("farmland.dry", (5.1, 3.3, 62.5, 0.6)),
    5: ("urban", (1.5, 0.5, 30.0, 0.0)),
    6: ("water", (0.0, 0.0, 0.0, 0.0)),
}
NODATA = 255
PRICE, DISCOUNT, RATE, BAS, ALT = 66.0, 7.0, 0.0, 2020, 2030


def make_pair(folder: Path, size: int, seed: int = 1, strip: int = 1024) -> tuple[Path, Path]:
    """A patchy land-cover pair (uint8, tiled LZW GeoTIFF, 30 m, UTM 49N), 20 % changed.

    Written in strips of ``strip`` rows, so a 16000 × 16000 pair needs little memory.
    """
    import rasterio
    from rasterio.transform import from_origin
    from rasterio.windows import Window

    rng = np.random.default_rng(seed)
    codes = np.array(sorted(POOLS), dtype=np.uint8)
    shares = [0.45, 0.15, 0.12, 0.18, 0.06, 0.04]
    coarse = rng.choice(codes, size=(size // 16 + 1, size // 16 + 1), p=shares)
    profile = {
        "driver": "GTiff",
        "height": size,
        "width": size,
        "count": 1,
        "dtype": "uint8",
        "crs": "EPSG:32649",
        "transform": from_origin(500000.0, 2500000.0, 30.0, 30.0),
        "nodata": NODATA,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "lzw",
        "BIGTIFF": "IF_SAFER",
    }
    paths = (folder / "lulc_bas.tif", folder / "lulc_alt.tif")
    with (
        rasterio.open(paths[0], "w", **profile) as fb,
        rasterio.open(paths[1], "w", **profile) as fa,
    ):
        for r0 in range(0, size, strip):
            h = min(strip, size - r0)
            rows = np.arange(r0, r0 + h) // 16
            bas = np.repeat(coarse[rows], 16, axis=1)[:, :size]
            alt = bas.copy()
            change = rng.random((h, size)) < 0.2
            alt[change] = rng.choice(codes, size=int(change.sum()))
            fb.write(bas, 1, window=Window(0, r0, size, h))
            fa.write(alt, 1, window=Window(0, r0, size, h))
    return paths


def write_config(folder: Path, bas: Path, alt: Path, chunks: int = 1024) -> Path:
    import yaml

    classes = {
        "scheme": "invest_peer",
        "source": "the six classes of the InVEST peer benchmark driver (benchmark only)",
        "nodata": NODATA,
        "classes": {code: {"name": eco, "ecosystem": eco} for code, (eco, _) in POOLS.items()},
    }
    (folder / "classes.yaml").write_text(yaml.safe_dump(classes), encoding="utf-8")
    cfg = {
        "year": ALT,
        "chunks": chunks,
        "zones": {"whole": "000000"},
        "land_cover": {"path": str(alt), "classes": "classes.yaml"},
        "previous_land_cover": {"path": str(bas), "year": BAS},
        "carbon": {
            "pools": {
                eco: dict(zip(("above", "below", "soil", "dead"), pools, strict=True))
                for eco, pools in POOLS.values()
            },
            "valuation": {"price_per_tC": PRICE, "discount_pct": DISCOUNT, "rate_change_pct": RATE},
        },
    }
    path = folder / "carbon.yaml"
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return path


def valuation_k() -> float:
    n = ALT - BAS
    return (
        PRICE / n * sum(1.0 / ((1 + DISCOUNT / 100) ** t * (1 + RATE / 100) ** t) for t in range(n))
    )


def numpy_floor(bas_path: Path, alt_path: Path) -> dict:
    """Read both rasters, look up densities by class, sum (the floor)."""
    import rasterio

    with rasterio.open(bas_path) as a, rasterio.open(alt_path) as b:
        bas, alt = a.read(1), b.read(1)
        px_ha = abs(a.transform.a * a.transform.e) / 1e4
    lut = np.zeros(256)
    for code, (_, pools) in POOLS.items():
        lut[code] = sum(pools)
    n_bas = np.bincount(bas.ravel(), minlength=256)
    n_alt = np.bincount(alt.ravel(), minlength=256)
    n_bas[NODATA] = n_alt[NODATA] = 0
    both = (bas != NODATA) & (alt != NODATA)
    if both.all():
        change = float((n_alt * lut).sum() - (n_bas * lut).sum())
    else:
        change = float(
            (np.bincount(alt[both], minlength=256) * lut).sum()
            - (np.bincount(bas[both], minlength=256) * lut).sum()
        )
    return {
        "storage_bas": float((n_bas * lut).sum()) * px_ha,
        "storage_alt": float((n_alt * lut).sum()) * px_ha,
        "change": change * px_ha,
        "npv": change * px_ha * valuation_k(),
    }


def gep_carbon(config: Path, scheduler=None) -> dict:
    from gep.grid import run_grid

    res = run_grid(config, scheduler=scheduler)
    e = res.by_ecosystem
    st = e[e["quantity"] == "carbon.storage"].groupby("year")["value"].sum()
    return {
        "storage_bas": float(st[BAS]),
        "storage_alt": float(st[ALT]),
        "change": float(e[e["quantity"] == "carbon.stock_change"]["value"].sum()),
        "npv": float(e[e["quantity"] == "carbon.npv"]["value"].sum()),
        "seconds": res.info["seconds"],
    }


def _timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


# ----------------------------------------------------------------------------- pytest
@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    size = int(os.environ.get("GEP_BENCH_GRID_SIZE", "2000"))
    folder = tmp_path_factory.mktemp("pair")
    bas, alt = make_pair(folder, size)
    return bas, alt, write_config(folder, bas, alt)


def test_carbon_numpy_floor(benchmark, pair):
    bas, alt, _ = pair
    out = benchmark.pedantic(numpy_floor, args=(bas, alt), rounds=5, iterations=1, warmup_rounds=1)
    assert out["storage_alt"] > 0


def test_carbon_gep_grid(benchmark, pair):
    bas, alt, cfg = pair
    out = benchmark.pedantic(gep_carbon, args=(cfg,), rounds=5, iterations=1, warmup_rounds=1)
    ref = numpy_floor(bas, alt)
    for k in ("storage_bas", "storage_alt", "change", "npv"):
        assert out[k] == pytest.approx(ref[k], rel=1e-9)


def smooth_dem(size: int, seed: int = 3, res: float = 30.0) -> np.ndarray:
    """A valley-and-ridges DEM [m] (smooth relief over a tilted plane; illustrative)."""
    from scipy.ndimage import zoom

    rng = np.random.default_rng(seed)
    coarse = rng.standard_normal((size // 64 + 3, size // 64 + 3))
    relief = zoom(coarse, 64, order=3, prefilter=False)[:size, :size]
    ii, jj = np.mgrid[0:size, 0:size]
    return 300.0 + 0.05 * res * (ii + 0.5 * jj) + 120.0 * relief


def ls_fixed(dem, res: float = 30.0):
    from gep.grid.formulas import ls_factor, slope_radians

    return ls_factor(slope_radians(dem, res, res), 30.0)


def ls_flow(dem, routing: str, res: float = 30.0):
    from gep.grid.formulas import flow_ls_factor

    return flow_ls_factor(dem, res, res, routing=routing)


@pytest.fixture(scope="module")
def dem():
    return smooth_dem(int(os.environ.get("GEP_BENCH_FLOW_SIZE", "500")))


def test_ls_fixed_floor(benchmark, dem):
    out = benchmark.pedantic(ls_fixed, args=(dem,), rounds=3, iterations=1)
    assert np.isfinite(out).all()


@pytest.mark.parametrize("routing", ["d8", "mfd"])
def test_ls_flow(benchmark, dem, routing):
    out = benchmark.pedantic(ls_flow, args=(dem, routing), rounds=3, iterations=1)
    assert np.isfinite(out).all() and (out > 0).all()


# ----------------------------------------------------------------------------- scripts
def _stats(xs):
    return {"min": min(xs), "median": statistics.median(xs), "all": xs}


def carbon_main(a) -> dict:
    work = Path(a.workdir or tempfile.mkdtemp(prefix="gep_bench_grid_"))
    work.mkdir(parents=True, exist_ok=True)
    invest_t, invest_totals = [], None
    bas = alt = None
    if a.invest_python:
        for _ in range(a.rounds):
            js = work / "invest.json"
            subprocess.run(
                [
                    a.invest_python,
                    a.run_carbon,
                    "--size",
                    str(a.size),
                    "--workdir",
                    str(work),
                    "--keep",
                    "--json",
                    str(js),
                ],
                check=True,
                capture_output=True,
            )
            info = json.loads(js.read_text())
            invest_t.append(info["t_invest_execute_s"])
            invest_totals = {k: v["invest"] for k, v in info["checks"].items()}
        bas, alt = work / "lulc_bas.tif", work / "lulc_alt.tif"
    else:
        bas, alt = make_pair(work, a.size)
    cfg = write_config(work, bas, alt, a.chunks)
    floor_t, gep_t = [], []
    for _ in range(a.rounds + 1):  # first round warms caches, not counted
        tf, ref = _timed(numpy_floor, bas, alt)
        tg, got = _timed(gep_carbon, cfg)
        floor_t.append(tf)
        gep_t.append(tg)
    floor_t, gep_t = floor_t[1:], gep_t[1:]
    report = {
        "size": a.size,
        "pixels": a.size * a.size,
        "chunks": a.chunks,
        "floor_s": _stats(floor_t),
        "gep_s": _stats(gep_t),
        "gep_over_floor_median": statistics.median(gep_t) / statistics.median(floor_t),
        "gep_totals": {k: got[k] for k in ("storage_bas", "storage_alt", "change", "npv")},
        "floor_totals": ref,
        "load_average": os.getloadavg(),
    }
    if invest_t:
        report["invest_s"] = _stats(invest_t)
        report["invest_over_gep_median"] = statistics.median(invest_t) / statistics.median(gep_t)
        report["invest_totals_MgC"] = invest_totals
        report["rel_diff_vs_invest"] = {
            "storage_bas": abs(got["storage_bas"] / invest_totals["storage_bas_MgC"] - 1),
            "storage_alt": abs(got["storage_alt"] / invest_totals["storage_alt_MgC"] - 1),
            "change": abs(got["change"] / invest_totals["sequestration_MgC"] - 1),
            "npv": abs(got["npv"] / invest_totals["npv_currency"] - 1),
        }
    return report


_FRESH = textwrap.dedent("""
    import json, resource, sys, time
    sys.path.insert(0, {root!r})
    from gep.grid import load_config, run_grid, write_outputs
    t = time.perf_counter()
    cfg = load_config({cfg!r})
    res = run_grid(cfg{sched})
    write_outputs(res, {out!r}, cfg)
    dt = time.perf_counter() - t
    print(json.dumps({{"seconds": dt, "phases": res.info["seconds"],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "shape": res.info["grid"]["shape"], "blocks": res.info["grid"]["blocks"]}}))
""")


def fresh_run(cfg: Path, out: Path, scheduler: str | None = None) -> dict:
    """Run a config in a fresh interpreter; wall time and peak RSS of that process."""
    code = _FRESH.format(
        root=str(ROOT),
        cfg=str(cfg),
        out=str(out),
        sched=f", scheduler={scheduler!r}" if scheduler else "",
    )
    r = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def ankang_main(a) -> dict:
    from gep.grid.demo import build_demo

    work = Path(a.workdir or tempfile.mkdtemp(prefix="gep_bench_ankang_"))
    t, cfg = _timed(build_demo, work, a.resolution)
    runs = [fresh_run(cfg, work / "result") for _ in range(a.rounds)]
    secs = [r["seconds"] for r in runs]
    return {
        "resolution_m": a.resolution,
        "shape": runs[0]["shape"],
        "pixels": runs[0]["shape"][0] * runs[0]["shape"][1],
        "build_demo_s": t,
        "run_s": _stats(secs),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "phases": [r["phases"] for r in runs],
        "load_average": os.getloadavg(),
    }


def scaling_main(a) -> dict:
    work = Path(a.workdir or tempfile.mkdtemp(prefix="gep_bench_scaling_"))
    rows = []
    for size in a.sizes:
        folder = work / str(size)
        folder.mkdir(parents=True, exist_ok=True)
        bas, alt = make_pair(folder, size)
        cfg = write_config(folder, bas, alt, a.chunks)
        r = fresh_run(cfg, folder / "out")
        rows.append(
            {
                "size": size,
                "pixels": size * size,
                "seconds": r["seconds"],
                "peak_rss_mb": r["peak_rss_mb"],
                "Mpx_per_s": size * size / r["seconds"] / 1e6,
            }
        )
        for p in (bas, alt):
            p.unlink()
    return {"chunks": a.chunks, "rows": rows, "load_average": os.getloadavg()}


def flow_main(a) -> dict:
    import resource

    rows = []
    for size in a.sizes:
        z = smooth_dem(size)
        row = {"size": size, "pixels": size * size}
        for name, fn, args in (
            ("fixed", ls_fixed, (z,)),
            ("d8", ls_flow, (z, "d8")),
            ("mfd", ls_flow, (z, "mfd")),
        ):
            secs = [_timed(fn, *args)[0] for _ in range(a.rounds)]
            row[name] = _stats(secs)
        for name in ("d8", "mfd"):
            row[f"{name}_over_fixed_median"] = row[name]["median"] / row["fixed"]["median"]
        rows.append(row)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": rows, "peak_rss_mb": peak, "load_average": os.getloadavg()}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("carbon")
    c.add_argument("--size", type=int, default=4000)
    c.add_argument("--rounds", type=int, default=3)
    c.add_argument("--chunks", type=int, default=1024)
    c.add_argument("--invest-python")
    c.add_argument("--run-carbon")
    c.add_argument("--workdir")
    k = sub.add_parser("ankang")
    k.add_argument("--resolution", type=float, default=30.0)
    k.add_argument("--rounds", type=int, default=2)
    k.add_argument("--workdir")
    s = sub.add_parser("scaling")
    s.add_argument("--sizes", type=int, nargs="+", default=[2000, 4000, 8000, 16000])
    s.add_argument("--chunks", type=int, default=1024)
    s.add_argument("--workdir")
    f = sub.add_parser("flow")
    f.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000])
    f.add_argument("--rounds", type=int, default=3)
    a = p.parse_args(argv)
    fn = {
        "carbon": carbon_main,
        "ankang": ankang_main,
        "scaling": scaling_main,
        "flow": flow_main,
    }[a.cmd]
    print(json.dumps(fn(a), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
