"""Whole-process start-up (pytest-benchmark): ``gep account datasets/ankang`` beside its floor.

Run: ``pytest benchmarks/bench_startup.py --benchmark-enable -o addopts=""``

* floor: a fresh interpreter importing the libraries any account process loads (numpy,
  pandas, xarray, pint, pydantic, typer, PyYAML) and nothing of gep;
* ``gep account datasets/ankang`` (table output) with the user's cache folder warm (pint
  definitions, validated coefficient set — what every run after the first sees);
* the same with an empty cache folder (first run, or the first after a coefficient edit).

Issue 9 target: the warm whole process under 1.5 s. The ratio to the floor is the number to
read on a loaded machine (both start the same interpreter and libraries).

"Warm" means the user's cache folder holds the pint definitions, the validated coefficient set
(:mod:`gep.coefcache`), the validated dataset (:mod:`gep.datacache`) and the parsed package
YAML files (:mod:`gep.yamlcache`). The package's bytecode is written first
(:func:`compile_package`), as ``pip install`` does: with ``PYTHONDONTWRITEBYTECODE=1`` (set on
the shared development machine) and sources edited since their ``.pyc``, every process
compiled gep's ~50 modules again (~0.1 s CPU), which an installed copy never does.
"""

from __future__ import annotations

import compileall
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GEP = str(Path(sys.executable).parent / "gep")
ACCOUNT = [GEP, "account", str(ROOT / "datasets" / "ankang")]
FLOOR = [sys.executable, "-c", "import numpy, pandas, xarray, pint, pydantic, typer, yaml"]


#: no store (an empty workspace, no database URL): the files path
_ENV = {k: v for k, v in os.environ.items() if k != "GEP_DATABASE_URL"}
_ENV["GEP_WORKSPACE"] = tempfile.mkdtemp(prefix="gep-bench-ws-")


def compile_package() -> None:
    """Write gep's bytecode (what ``pip install`` does), whatever PYTHONDONTWRITEBYTECODE says."""
    compileall.compile_dir(str(ROOT / "gep"), quiet=1)


compile_package()


def _run(cmd: list[str], env: dict | None = None) -> None:
    subprocess.run(cmd, capture_output=True, check=True, cwd=ROOT, env=env or _ENV)


def test_floor_interpreter_and_libraries(benchmark):
    benchmark.pedantic(_run, args=(FLOOR,), rounds=7, warmup_rounds=1)


def test_gep_account_ankang_whole_process_warm(benchmark):
    benchmark.pedantic(_run, args=(ACCOUNT,), rounds=7, warmup_rounds=1)


@pytest.fixture
def cold_env(tmp_path_factory):
    def fresh() -> tuple[tuple, dict]:
        env = {**_ENV, "GEP_CACHE_DIR": str(tmp_path_factory.mktemp("cold"))}
        return (ACCOUNT, env), {}

    return fresh


def test_gep_account_ankang_whole_process_cold_cache(benchmark, cold_env):
    benchmark.pedantic(_run, setup=cold_env, rounds=5)
