"""The engine gives today's numbers to 1e-12 (regression against a frozen fixture).

``tests/data/regression/account_v1.*`` was written by ``make_fixture.py`` with the engine
before the v2 refactor (issue 9); every value, physical quantity, component and
not-assessed reason of the runs in ``cases.py`` must stay the same.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.data.regression.cases import CASES, run_case, snapshot

FIXTURE = Path(__file__).parent / "data" / "regression"


@pytest.fixture(scope="module")
def frozen():
    arrays = np.load(FIXTURE / "account_v1.npz")
    meta = json.loads((FIXTURE / "account_v1.json").read_text(encoding="utf-8"))
    return arrays, meta


def _json_roundtrip(x):
    return json.loads(json.dumps(x, ensure_ascii=False, sort_keys=True))


@pytest.mark.parametrize("name", list(CASES))
def test_account_matches_frozen_fixture(name, frozen):
    arrays, meta = frozen
    got_arrays, got_meta = snapshot(name, run_case(name))
    want_keys = sorted(k for k in arrays.files if k.startswith(f"{name}/"))
    assert sorted(got_arrays) == want_keys
    for key in want_keys:
        want, got = arrays[key], got_arrays[key]
        assert got.shape == want.shape, key
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want), err_msg=key)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=0, err_msg=key)
    assert _json_roundtrip(got_meta) == meta[name]
