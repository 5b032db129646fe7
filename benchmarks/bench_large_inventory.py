"""A 200 MB inventory validated (issue 16 item 6). Run:

    python -m pytest benchmarks/bench_large_inventory.py --benchmark-enable -o addopts=""

``gep validate`` (load + every check + the account that proves the coefficient set covers the
data) runs in a subprocess so its peak RSS is measured; the floor is ``pandas.read_csv`` of
the same file as text (what any loader must at least do), measured in the same run.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.large_inventory import write_large_dataset

ROOT = Path(__file__).resolve().parents[1]
MINI_COEF = str(ROOT / "tests" / "data" / "coefficients" / "mini")


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    return write_large_dataset(tmp_path_factory.mktemp("large"))


_HWM = (
    "import atexit, re, sys; atexit.register(lambda: sys.stderr.write('HWM ' + "
    "re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1) + '\\n')); "
)


def _run(code: str) -> tuple[float, float]:
    """Wall time [s] and peak RSS [MB] (Linux VmHWM) of a fresh Python running ``code``."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _HWM + code], cwd=ROOT, capture_output=True, text=True
    )
    wall = time.perf_counter() - t0
    assert proc.returncode == 0, proc.stderr[-2000:]
    hwm = [line for line in proc.stderr.splitlines() if line.startswith("HWM ")]
    return wall, int(hwm[-1].split()[1]) / 1024


def test_validate_200mb(benchmark, large):
    size_mb = (large / "inventory.csv").stat().st_size / 1e6
    assert size_mb > 195
    validate = (
        "from gep.cli.main import main; import sys; "
        f"sys.argv=['gep','validate',{str(large)!r},'-c',{MINI_COEF!r}]; main()"
    )
    floor = (
        "import pandas as pd; "
        f"pd.read_csv({str(large / 'inventory.csv')!r}, dtype=str, keep_default_na=False)"
    )
    floor_s, floor_mb = _run(floor)
    wall, peak_mb = benchmark.pedantic(_run, args=(validate,), rounds=2, iterations=1)
    benchmark.extra_info.update(
        {
            "size_MB": round(size_mb, 1),
            "validate_peak_MB": round(peak_mb),
            "floor_read_csv_s": round(floor_s, 2),
            "floor_peak_MB": round(floor_mb),
        }
    )
    assert peak_mb > 0
