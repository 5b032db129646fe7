"""pint's definitions cache lives in the gep cache folder, one subfolder per installation."""

from __future__ import annotations

import os
import subprocess
import sys


def _units(env: dict) -> str:
    code = "from gep.units import ureg; print(ureg.Quantity(1, 'wan_mu').to('hectare').magnitude)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
    )
    return out.stdout.strip()


def test_pint_cache_per_installation(tmp_path):
    env = {"GEP_CACHE_DIR": str(tmp_path)}
    first = _units(env)
    (folder,) = (tmp_path / "pint").iterdir()  # one folder for this pint installation
    assert any(folder.iterdir())  # definitions cached
    assert _units(env) == first == str(1e4 / 15)  # read back from the cache: same registry
    assert _units({"GEP_CACHE_DIR": "off"}) == first
    assert _units({"GEP_PINT_CACHE": "0"}) == first


def test_broken_pint_cache_falls_back(tmp_path):
    env = {"GEP_CACHE_DIR": str(tmp_path)}
    first = _units(env)
    (folder,) = (tmp_path / "pint").iterdir()
    for f in folder.iterdir():
        f.write_bytes(b"garbage")
    assert _units(env) == first
