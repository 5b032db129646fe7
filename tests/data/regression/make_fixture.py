"""Write the account regression fixture (run once against a trusted engine; see test_regression.py).

    python tests/data/regression/make_fixture.py

The fixture freezes every value, physical quantity, component and not-assessed reason of
a set of account runs (Ankang, the mini set, the synthetic national set in aggregate) so
that a refactor of the engine can prove it gives the same numbers to 1e-12.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from tests.data.regression.cases import CASES, run_case, snapshot  # noqa: E402

OUT = Path(__file__).parent


def main() -> None:
    arrays: dict[str, np.ndarray] = {}
    meta: dict[str, dict] = {}
    for name in CASES:
        acc = run_case(name)
        arr, m = snapshot(name, acc)
        arrays.update(arr)
        meta[name] = m
    np.savez_compressed(OUT / "account_v1.npz", **arrays)
    (OUT / "account_v1.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
