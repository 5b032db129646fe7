"""Print the README Performance figures: min and median of repeated runs, engine vs floor.

    python benchmarks/figures.py [--quick | --startup]

Each figure is measured in this one process (the whole-process CLI timings start fresh
interpreters); ratios are taken between figures of the same run, so a loaded machine slows
both sides alike.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.floor import floor_values, prepare  # noqa: E402
from benchmarks.synthetic import synthetic_inventory  # noqa: E402
from gep.accounting import account  # noqa: E402
from gep.coefficients import load_set  # noqa: E402
from gep.inventory import load_dataset  # noqa: E402


def timed(fn, rounds: int) -> tuple[float, float]:
    fn()  # warm-up
    ts = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return min(ts), statistics.median(ts)


def row(name: str, t: tuple[float, float], extra: str = "") -> None:
    print(f"| {name} | {t[0] * 1e3:,.1f} ms | {t[1] * 1e3:,.1f} ms | {extra} |", flush=True)


def main(quick: bool = False) -> None:
    r = 3 if quick else 1
    print("| benchmark | min | median | note |\n| --- | --- | --- | --- |")
    ankang = load_dataset(ROOT / "datasets" / "ankang")
    coef = load_set("ankang")
    t_ank = timed(lambda: account(ankang, coef), 30 // r)
    row("account, Ankang 10 × 5 (in-process)", t_ank)
    from benchmarks.bench_app_edit import EDITED, recompute
    from gep.app import coeftable

    entry = coef.coefficients[EDITED].values[-1]
    rid, bump = coeftable.row_id(EDITED, None, entry.start), iter(range(1, 10**6))
    t_edit = timed(
        lambda: recompute(ankang, coef, rid, float(entry.value) * (1 + next(bump) * 1e-6)),
        30 // r,
    )
    row(
        "dashboard recompute after an edit (apply + set hash + account, Ankang)",
        t_edit,
        f"{t_edit[0] / t_ank[0]:.2f}× the unedited account (min)",
    )
    mini = load_set(ROOT / "tests" / "data" / "coefficients" / "mini")
    nat = synthetic_inventory(2844, 20, first_year=2020)
    t_acc = timed(lambda: account(nat, mini), 7 // r + 1)
    arrays = prepare(nat, mini)
    t_floor = timed(lambda: floor_values(arrays), 7 // r + 1)
    row("bare-numpy floor, 2,844 × 20 (same arithmetic)", t_floor)
    row(
        "account, 2,844 × 20",
        t_acc,
        f"{t_acc[0] / t_floor[0]:.1f}× floor (min), {t_acc[1] / t_floor[1]:.1f}× (median)",
    )
    if not quick:
        big = synthetic_inventory(28440, 20, first_year=2020)
        t_big = timed(lambda: account(big, mini), 2)
        row(
            "account, 28,440 × 20",
            t_big,
            f"{t_big[0] / t_acc[0]:.1f}× the 2,844-region time (10× the regions)",
        )
        del big
    import numpy as np

    from gep.uncertainty import monte_carlo

    draws = np.ascontiguousarray(monte_carlo(ankang, coef, 10_000, seed=1).value.values)
    t_q = timed(
        lambda: (draws.mean(-1), np.quantile(draws, [0.05, 0.5, 0.95], axis=-1)), 5 // r + 1
    )
    row("floor: numpy mean + exact quantiles of the Ankang per-draw indicator values", t_q)
    t_mc = timed(lambda: monte_carlo(ankang, coef, 10_000, seed=1), 5 // r + 1)
    row(
        "Monte Carlo 10,000 draws, Ankang",
        t_mc,
        f"{t_mc[0] / t_q[0]:.1f}× floor (min), {t_mc[1] / t_q[1]:.1f}× (median)",
    )
    startup_rows(5 // r + 1)


def startup_rows(n: int) -> None:
    """The whole-process rows (``--startup``: only these): floor, ``gep --help``, ``gep account``
    warm and with an empty cache folder, ``2n + 1`` interleaved rounds."""
    gep = str(Path(sys.executable).parent / "gep")
    # gep's bytecode written first, as `pip install` does (see benchmarks/bench_startup.py)
    import compileall

    compileall.compile_dir(str(ROOT / "gep"), quiet=1)
    # no store (an empty workspace, no database URL): the files path, whatever other runs
    # left in ~/.gep_workspace
    env0 = {k: v for k, v in os.environ.items() if k != "GEP_DATABASE_URL"}
    env0["GEP_WORKSPACE"] = tempfile.mkdtemp(prefix="gep-bench-ws-")
    floor_cmd = [sys.executable, "-c", "import numpy, pandas, xarray, pint, pydantic, typer, yaml"]
    account_args = ["account", str(ROOT / "datasets" / "ankang")]

    def cold() -> None:  # an empty cache folder: first run, or first after a coefficient edit
        with tempfile.TemporaryDirectory() as tmp:
            env = {**env0, "GEP_CACHE_DIR": tmp}
            subprocess.run([gep, *account_args], capture_output=True, check=True, env=env)

    procs = {
        "floor: interpreter + numpy, pandas, xarray, pint, pydantic, typer, yaml": lambda: (
            subprocess.run(floor_cmd, capture_output=True, check=True, env=env0)
        ),
        "`gep --help` (whole process)": lambda: subprocess.run(
            [gep, "--help"], capture_output=True, check=True, env=env0
        ),
        "`gep account datasets/ankang` (whole process)": lambda: subprocess.run(
            [gep, *account_args], capture_output=True, check=True, env=env0
        ),
        "`gep account datasets/ankang`, empty cache folder": cold,
    }
    # interleaved rounds (a change of load hits every case alike), after one warm-up each
    times: dict[str, list[float]] = {name: [] for name in procs}
    loads = []
    for fn in procs.values():
        fn()
    for _ in range(2 * n + 1):
        for name, fn in procs.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
        loads.append(os.getloadavg()[0])
    stats = {k: (min(v), statistics.median(v)) for k, v in times.items()}
    t_floor = next(iter(stats.values()))
    for name, t in stats.items():
        ratio = f"{t[0] / t_floor[0]:.2f}× floor (min), {t[1] / t_floor[1]:.2f}× (median)"
        row(name, t, "1" if t is t_floor else ratio)
    print(f"1-minute load average during the start-up rounds: {min(loads):.1f}–{max(loads):.1f}")
    with open("/proc/loadavg") as f:
        print(f"load average after the run: {' '.join(f.read().split()[:3])} (2 cores)")


if __name__ == "__main__":
    if "--startup" in sys.argv:
        print("| benchmark | min | median | note |\n| --- | --- | --- | --- |")
        startup_rows(int(os.environ.get("GEP_BENCH_ROUNDS", "5")))
    else:
        main(quick="--quick" in sys.argv)
