"""The ``gep`` console script skips the interpreter's final garbage collection (issue 9 item 4,
``gep.cli.main._skip_final_gc``): output, files written and exit codes stay as they were."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from gep.cli import app

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "data" / "mini"
MINI_COEF = ROOT / "tests" / "data" / "coefficients" / "mini"
GEP = str(Path(sys.executable).parent / "gep")


def test_console_script_output_files_and_exit_codes(tmp_path):
    args = ["account", str(MINI), "-c", str(MINI_COEF), "-f", "csv"]
    want = CliRunner().invoke(app, args)
    assert want.exit_code == 0
    got = subprocess.run([GEP, *args], capture_output=True, text=True, cwd=ROOT)
    assert got.returncode == 0 and got.stdout == want.stdout
    out = tmp_path / "a.csv"
    done = subprocess.run([GEP, *args, "-o", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and out.read_text(encoding="utf-8") + "\n" == want.stdout
    bad = subprocess.run([GEP, "account", str(tmp_path / "nosuch")], capture_output=True, text=True)
    assert bad.returncode == 2 and "dataset folder not found" in bad.stderr
    probe = (
        "import atexit, gc, sys\n"
        "sys.argv = ['gep', '--help']\n"
        "from gep.cli.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "atexit._run_exitfuncs()\n"
        "print(gc.get_freeze_count() > 10_000)\n"
    )
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert r.stdout.strip().splitlines()[-1] == "True"
