"""``gep --help`` and ``import gep`` stay light (issue 9 item 4): no app, no Monte Carlo stack."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "streamlit",
    "gep.app",
    "SALib",
    "scipy.stats",
    "dask.array",
    "dask.distributed",
    "gep.uncertainty",
    "gep.sensitivity",
    "gep.scenarios",
    "gep.accounting",
)


def _loaded(code: str) -> list[str]:
    probe = (
        f"import sys, json; {code}; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_gep_and_the_cli_are_lazy():
    assert _loaded("import gep") == []
    assert _loaded("import gep.cli.main") == []


def test_lazy_names_resolve():
    assert _loaded("import gep; gep.account") == ["gep.accounting"]
    import gep

    assert gep.monte_carlo.__module__ == "gep.uncertainty"
    assert "account" in dir(gep)
