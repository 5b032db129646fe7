"""``gep --help`` and ``import gep`` stay light (issue 9 item 4): no app, no Monte Carlo stack."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

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


ACCOUNT_PATH = (
    "import sys; sys.argv = ['gep', 'account', 'datasets/ankang']\n"
    "from gep.cli.main import main\n"
    "try:\n    main()\nexcept SystemExit:\n    pass\n"
)


def _loaded_after(code: str, names: tuple[str, ...]) -> list[str]:
    probe = (
        f"{code}\nimport sys, json\nprint(json.dumps([m for m in {names!r} if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_gep_account_does_not_import_the_unused_stacks():
    """`gep account` (table output): no dask.array (xarray's duck-array probe), no scipy
    sparse/stats, no openpyxl (only for --format xlsx), no carbon-project CLI, no store."""
    unused = (
        "dask.array",
        "scipy.sparse",
        "scipy.stats",
        "openpyxl",
        "gep.cli.carbon",
        "gep.carbon.appraisal",
        "sqlalchemy",
        "streamlit",
    )
    assert _loaded_after(ACCOUNT_PATH, unused) == []


def test_dask_arrays_still_recognised_once_dask_is_used():
    code = (
        "import numpy as np, xarray as xr\n"
        "import gep.accounting\n"
        "assert xr.DataArray(np.zeros(3)).chunks is None\n"
        "import sys; assert 'dask.array' not in sys.modules\n"
        "import dask.array as da\n"
        "x = xr.DataArray(da.zeros(4, chunks=2))\n"
        "assert x.chunks == ((2, 2),), x.chunks\n"
        "assert xr.DataArray(np.zeros(4)).chunk(2).chunks == ((2, 2),)\n"
        "assert (x + 1).sum().compute() == 4\n"
        "from xarray.namedarray.pycompat import array_type\n"
        "assert array_type('dask') == (da.Array,)\n"
    )
    assert _loaded_after(code, ("dask.array",)) == ["dask.array"]


def test_carbon_group_mounted_on_use():
    code = (
        "from typer.testing import CliRunner\n"
        "from gep.cli.main import app\n"
        "import sys\n"
        "assert 'gep.cli.carbon' not in sys.modules\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "assert r.exit_code == 0 and 'carbon' in r.output, r.output\n"
        "assert 'gep.cli.carbon' not in sys.modules  # listed without importing it\n"
        "r = CliRunner().invoke(app, ['carbon', '--help'])\n"
        "assert r.exit_code == 0 and 'eligibility' in r.output, r.output\n"
    )
    assert _loaded_after(code, ("gep.cli.carbon",)) == ["gep.cli.carbon"]


def test_lazy_groups_behave_as_mounted_ones(monkeypatch):
    """Every group of ``_LAZY_GROUPS`` (built on first use, issue 9 item 4) gives the same help,
    errors and exit codes as the same sub-app mounted eagerly with ``add_typer``."""
    import typer
    from typer.testing import CliRunner

    from gep.cli import main as _  # noqa: F401
    from gep.cli.main import _LAZY_GROUPS, app

    monkeypatch.setenv("COLUMNS", "100")
    runner = CliRunner()
    listing = runner.invoke(app, ["--help"]).output
    at = [listing.index(f"│ {name} ") for name in _LAZY_GROUPS]
    assert at == sorted(at) and at[0] > listing.index("│ audit ")  # after the commands, in order
    for name, (module, attr, help_text) in _LAZY_GROUPS.items():
        sub = getattr(__import__(module, fromlist=[attr]), attr)
        eager = typer.Typer(add_completion=False)
        eager.command("x")(lambda: None)  # a second entry, so `name` stays a sub-group
        eager.add_typer(sub, name=name, help=help_text)
        assert help_text in listing
        sub_names = [c.name for c in sub.registered_commands]
        assert sub_names
        for args in ([name], [name, "--help"], [name, "nosuch"], [name, sub_names[0], "--help"]):
            got, want = runner.invoke(app, args), runner.invoke(eager, args)
            assert got.exit_code == want.exit_code, (args, got.output)
            assert got.output.replace("root", "X") == want.output.replace("root", "X"), args
