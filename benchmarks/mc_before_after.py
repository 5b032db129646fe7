"""Monte Carlo 10,000 draws on Ankang: this checkout against another one, in the same run.

    git archive <commit> | tar -x -C /tmp/before
    python benchmarks/mc_before_after.py /tmp/before [--rounds 5] [--pairs 3]

Fresh interpreters alternate between the two trees (before, after, before, after, …), each
timing ``monte_carlo(ankang, coef, 10_000, seed=1)`` ``--rounds`` times after one warm-up run
(wall clock and process CPU time, which counts both threads of the quantile partition). A
loaded machine slows both sides alike; the load average is printed. Both trees must import
with this interpreter's packages.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
from gep.coefficients import load_set
from gep.inventory import load_dataset
from gep.uncertainty import monte_carlo
ds = load_dataset({root!r} + "/datasets/ankang")
cs = load_set("ankang")
monte_carlo(ds, cs, 10_000, seed=1)
wall, cpu = [], []
for _ in range({rounds}):
    t, c = time.perf_counter(), time.process_time()
    monte_carlo(ds, cs, 10_000, seed=1)
    wall.append(time.perf_counter() - t)
    cpu.append(time.process_time() - c)
print(json.dumps({{"wall": wall, "cpu": cpu}}))
"""


def run(root: Path, rounds: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD.format(root=str(root), rounds=rounds)],
        capture_output=True,
        text=True,
        check=True,
        cwd=str(root),
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("before", type=Path)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--pairs", type=int, default=3)
    a = p.parse_args()
    got: dict[str, dict[str, list]] = {
        "before": {"wall": [], "cpu": []},
        "after": {"wall": [], "cpu": []},
    }
    for _ in range(a.pairs):
        for name, root in (("before", a.before.resolve()), ("after", ROOT)):
            r = run(root, a.rounds)
            got[name]["wall"] += r["wall"]
            got[name]["cpu"] += r["cpu"]
    for name, r in got.items():
        print(
            f"{name}: wall min {min(r['wall']):.3f} s, "
            f"median {statistics.median(r['wall']):.3f} s; "
            f"CPU min {min(r['cpu']):.3f} s, median {statistics.median(r['cpu']):.3f} s"
        )
    b, f = got["before"], got["after"]
    print(
        f"after / before: wall {min(f['wall']) / min(b['wall']):.2f} (min), "
        f"{statistics.median(f['wall']) / statistics.median(b['wall']):.2f} (median); "
        f"CPU {min(f['cpu']) / min(b['cpu']):.2f} (min), "
        f"{statistics.median(f['cpu']) / statistics.median(b['cpu']):.2f} (median)"
    )
    with open("/proc/loadavg") as fh:
        print(f"load average after the run: {' '.join(fh.read().split()[:3])}")


if __name__ == "__main__":
    main()
