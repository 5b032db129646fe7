"""Whole-process and Monte Carlo timings of two source trees, interleaved in one run.

    python benchmarks/before_after.py BEFORE_TREE [AFTER_TREE] [--rounds 10]

``BEFORE_TREE`` is a checkout of the code to compare against (e.g. ``git archive <commit> |
tar -x -C /tmp/before``); ``AFTER_TREE`` defaults to this repository. Every figure starts a
fresh interpreter that imports ``gep`` from the given tree (the editable-install finder is
removed first, so both trees load the same way); runs of the two trees alternate, so a
loaded machine slows both alike. Floors measured in the same run: an interpreter that only
starts, and one that imports numpy, pandas, xarray and pint (what any account process loads).
Prints min and median per case.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_PRELUDE = (
    "import sys; sys.meta_path[:] = [f for f in sys.meta_path "
    "if 'editable' not in type(f).__module__.lower() "
    "and 'editable' not in getattr(f, '__name__', '').lower()]; "
    "sys.path.insert(0, {tree!r}); "
)

_CLI = _PRELUDE + (
    "sys.argv = ['gep', *{args!r}]; import gep; assert gep.__file__.startswith({tree!r}); "
    "from gep.cli.main import main\n"
    "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
)

_ACC = _PRELUDE + (
    "import time, json, gep; assert gep.__file__.startswith({tree!r})\n"
    "from gep.inventory import load_dataset\nfrom gep.coefficients import load_set\n"
    "from gep.accounting import account\n"
    "ds = load_dataset({dataset!r}); coef = load_set('ankang')\n"
    "account(ds, coef)\n"
    "ts = []\n"
    "for _ in range({rounds}):\n"
    "    t = time.perf_counter(); account(ds, coef)\n"
    "    ts.append(time.perf_counter() - t)\n"
    "print(json.dumps(ts))\n"
)

_MC = _PRELUDE + (
    "import time, json, gep; assert gep.__file__.startswith({tree!r})\n"
    "from gep.inventory import load_dataset\nfrom gep.coefficients import load_set\n"
    "from gep.uncertainty import monte_carlo\n"
    "ds = load_dataset({dataset!r}); coef = load_set('ankang')\n"
    "monte_carlo(ds, coef, {n}, seed=1)\n"
    "ts = []\n"
    "for _ in range({rounds}):\n"
    "    t = time.perf_counter(); monte_carlo(ds, coef, {n}, seed=1)\n"
    "    ts.append(time.perf_counter() - t)\n"
    "print(json.dumps(ts))\n"
)


#: no store: an empty workspace folder and no database URL (a store left in ~/.gep_workspace
#: by other runs would make `gep account` read the set from it, a different path)
_ENV = {
    **{k: v for k, v in os.environ.items() if k != "GEP_DATABASE_URL"},
    "GEP_WORKSPACE": tempfile.mkdtemp(prefix="gep-bench-ws-"),
}


def _run(code: str, env: dict | None = None) -> float:
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code], capture_output=True, check=True, cwd=ROOT, env=env or _ENV
    )
    return time.perf_counter() - t


def _cold_env() -> dict:
    """An empty gep cache folder (first run after install or after any coefficient edit)."""
    return {**_ENV, "GEP_CACHE_DIR": tempfile.mkdtemp(prefix="gep-cold-")}


def _fmt(ts: list[float]) -> str:
    return f"min {min(ts) * 1e3:,.0f} ms, median {statistics.median(ts) * 1e3:,.0f} ms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("before")
    ap.add_argument("after", nargs="?", default=str(ROOT))
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--draws", type=int, default=10_000)
    a = ap.parse_args()
    trees = {"before": str(Path(a.before).resolve()), "after": str(Path(a.after).resolve())}
    dataset = str(ROOT / "datasets" / "ankang")
    cases = {
        "floor: python -c pass": lambda tree: "pass",
        "floor: import numpy, pandas, xarray, pint": lambda tree: (
            "import numpy, pandas, xarray, pint"
        ),
        "floor: the libraries `gep account` needs (+ pydantic, typer, yaml)": lambda tree: (
            "import numpy, pandas, xarray, pint, pydantic, typer, yaml"
        ),
        "gep --help": lambda tree: _CLI.format(tree=tree, args=["--help"]),
        "gep account datasets/ankang": lambda tree: _CLI.format(
            tree=tree, args=["account", dataset]
        ),
    }
    results: dict[str, list[float]] = {}
    for name, make in cases.items():
        sides = trees if name.startswith("gep") else {"": trees["after"]}
        for _ in range(a.rounds):
            for side, tree in sides.items():  # interleaved
                results.setdefault(f"{name} {side}".strip(), []).append(_run(make(tree)))
    for _ in range(max(1, a.rounds // 2)):  # the after tree with an empty cache folder
        code = _CLI.format(tree=trees["after"], args=["account", dataset])
        results.setdefault("gep account datasets/ankang after, cold cache", []).append(
            _run(code, _cold_env())
        )
    inproc: dict[str, list[float]] = {}
    half = max(1, a.rounds // 2)
    for _ in range(2):  # two interleaved processes per tree, ``half`` timed calls each
        for side, tree in trees.items():
            for label, template, n in (
                ("account Ankang in-process", _ACC, 3 * half),
                (f"Monte Carlo {a.draws:,} draws, Ankang", _MC, half),
            ):
                code = template.format(tree=tree, dataset=dataset, n=a.draws, rounds=n)
                out = subprocess.run(
                    [sys.executable, "-c", code],
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=ROOT,
                    env=_ENV,
                )
                inproc.setdefault(f"{label} {side}", []).extend(
                    json.loads(out.stdout.strip().splitlines()[-1])
                )
    results.update(inproc)
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    print(f"load average during the run: {' '.join(load)} (2 cores)")
    for name, ts in results.items():
        print(f"| {name} | {_fmt(ts)} | n={len(ts)} |")


if __name__ == "__main__":
    main()
