"""Print the README Performance figures: min and median of repeated runs, engine vs floor.

    python benchmarks/figures.py [--quick]

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
    row("account, Ankang 10 × 5 (in-process)", timed(lambda: account(ankang, coef), 30 // r))
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
    gep = str(Path(sys.executable).parent / "gep")
    n = 5 // r + 1
    # no store (an empty workspace, no database URL): the files path, whatever other runs
    # left in ~/.gep_workspace
    env0 = {k: v for k, v in os.environ.items() if k != "GEP_DATABASE_URL"}
    env0["GEP_WORKSPACE"] = tempfile.mkdtemp(prefix="gep-bench-ws-")
    floor_cmd = [sys.executable, "-c", "import numpy, pandas, xarray, pint, pydantic, typer, yaml"]
    t_floor = timed(lambda: subprocess.run(floor_cmd, capture_output=True, check=True, env=env0), n)
    row("floor: interpreter + numpy, pandas, xarray, pint, pydantic, typer, yaml", t_floor)
    for args in (["--help"], ["account", str(ROOT / "datasets" / "ankang")]):
        t = timed(
            lambda a=args: subprocess.run([gep, *a], capture_output=True, check=True, env=env0),
            n,
        )
        row(
            f"`gep {' '.join(args[:1])}{' datasets/ankang' if len(args) > 1 else ''}` (whole "
            "process)",
            t,
            f"{t[0] / t_floor[0]:.2f}× floor (min), {t[1] / t_floor[1]:.2f}× (median)",
        )

    def cold() -> None:  # an empty cache folder: first run, or first after a coefficient edit
        with tempfile.TemporaryDirectory() as tmp:
            env = {**env0, "GEP_CACHE_DIR": tmp}
            subprocess.run([gep, *args], capture_output=True, check=True, env=env)

    t = timed(cold, n)
    row("`gep account datasets/ankang`, empty cache folder", t, f"{t[0] / t_floor[0]:.2f}× floor")
    with open("/proc/loadavg") as f:
        print(f"load average after the run: {' '.join(f.read().split()[:3])} (2 cores)")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
