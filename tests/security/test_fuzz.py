r"""Item 7 of issue 16: fuzzing every loader and every CLI option that takes text.

Each property: a hostile or random input gives either a valid, finite result or a clean
:class:`~gep.errors.InputError` naming where (CLI: exit code 2) — never another exception, a
hang (pytest-timeout per test, hypothesis deadline per example) or a silent non-finite value.

The example budget is small so CI stays fast; a longer run::

    GEP_FUZZ_EXAMPLES=2000 python -m pytest tests/security/test_fuzz.py \
        -o addopts="" -p no:cacheprovider
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import string

import numpy as np
import pint
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gep.coefficients import Override, parse_coefficient
from gep.errors import InputError
from gep.unitparse import UnitError, parse_amount, safe_unit

from .helpers import MINI, MINI_ARGS, gep

EXAMPLES = int(os.environ.get("GEP_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=2000,  # ms per example: a hang is a failure, not a slow test
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,  # CI reproducible; the long run above explores further
)
pytestmark = pytest.mark.timeout(300)

UNIT_ALPHABET = string.ascii_letters + string.digits + " */^()-+.,%_²³⁻元亩万亿吨汉\t𠀀１"
unit_texts = st.one_of(
    st.text(alphabet=UNIT_ALPHABET, max_size=120),
    st.text(max_size=60),
    st.sampled_from(["9**9**9*hectare", "CNY/tCO2e*9**9**9", "ha**99", "(" * 40, "1e999 ha"]),
)


@FUZZ
@given(unit_texts)
def test_fuzz_unit(text):
    try:
        u = safe_unit(text, field="unit")
    except UnitError as exc:
        assert exc.problems[0].field == "unit"
        return
    assert isinstance(u, pint.Unit)


@FUZZ
@given(st.one_of(st.from_regex(r"\A[-+]?[0-9.eE]{0,8} ?[a-z*/^0-9 ]{0,20}\Z"), unit_texts))
def test_fuzz_amount(text):
    try:
        number, unit = parse_amount(text, field="--area")
    except UnitError as exc:
        assert exc.problems[0].field == "--area"
        return
    assert math.isfinite(number)
    assert unit is None or isinstance(unit, pint.Unit)


override_texts = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda cid, key, op, rest: f"{cid}{key}{op}{rest}",
        st.sampled_from(
            ["regulating.carbon_sequestration.price", "regulating.carbon_sequestration.rate", "x"]
        ),
        st.sampled_from(["", "[forest]", "[nosuch]", "[]"]),
        st.sampled_from(["=", "*=", "+=", "=="]),
        st.one_of(st.text(max_size=30), unit_texts, st.floats().map(repr)),
    ),
)


@FUZZ
@given(override_texts)
def test_fuzz_override_parse(text):
    try:
        o = Override.parse(text)
    except InputError:
        return
    assert math.isfinite(o.value)


@pytest.fixture(scope="module")
def mini_set():
    from gep.coefficients import load_set

    return load_set(MINI_ARGS[2])


@FUZZ
@given(override_texts)
def test_fuzz_override_resolution(mini_set, text):
    try:
        s = mini_set.with_overrides([text])
        for cid in {o.id for o in s.overrides}:
            arr = s.array(cid, [2020, 2021]).values
            assert np.isfinite(arr).all()
    except InputError:
        return


yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@FUZZ
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300).map(lambda b: b.decode("latin-1"))))
def test_fuzz_yaml_text(text):
    from gep.yamlio import loads_yaml

    try:
        loads_yaml(text, "fuzz.yaml")
    except InputError as exc:
        assert exc.problems[0].file == "fuzz.yaml"


@FUZZ
@given(st.binary(max_size=400))
def test_fuzz_yaml_bytes_and_csv_decoding(data):
    from gep.tables import decode_text
    from gep.yamlio import loads_yaml

    for fn in (lambda: loads_yaml(data, "f.yaml"), lambda: decode_text(data, "f.csv")):
        with contextlib.suppress(InputError):
            fn()


def _coefficient_raw(value, unit, extra):
    raw = {
        "description": {"zh": "x", "en": "x"},
        "unit": unit,
        "values": {"2020-01-01": {"value": value, "status": "literature", "source": "t"}},
    }
    raw.update(extra)
    return raw


@FUZZ
@given(
    st.one_of(yaml_values, st.floats(allow_nan=True, allow_infinity=True)),
    st.one_of(unit_texts, yaml_scalars),
    st.dictionaries(
        st.sampled_from(["by", "range", "price_index", "uncertainty", "note", "junk"]),
        yaml_values,
        max_size=3,
    ),
)
def test_fuzz_coefficient(value, unit, extra):
    coef, problems = parse_coefficient(_coefficient_raw(value, unit, extra), "a.b", "f.yaml", "s")
    if coef is None:
        assert problems and all(p.file == "f.yaml" for p in problems)
        return
    for e in coef.values:
        vals = e.value.values() if isinstance(e.value, dict) else [e.value]
        assert all(math.isfinite(v) and coef.range[0] <= v <= coef.range[1] for v in vals)


@FUZZ
@given(yaml_values)
def test_fuzz_scenario(raw):
    from gep.scenarios import parse_scenario

    try:
        parse_scenario(raw, "s.yaml")
    except InputError as exc:
        assert all(p.file for p in exc.problems)


INVENTORY = (MINI / "inventory.csv").read_text(encoding="utf-8").splitlines()
REGIONS = (MINI / "regions.csv").read_text(encoding="utf-8")
cell_texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["nan", "inf", "-1", "1e999", "１２", "1,5", "=1+1", "9**9**9*ha", ""]),
    st.floats().map(repr),
)


@FUZZ
@given(st.integers(1, len(INVENTORY) - 1), st.integers(0, 7), cell_texts)
def test_fuzz_inventory_cell(row, col, text):
    import csv
    import io

    import pandas as pd

    from gep.inventory import dataset_from_frames

    cells = next(csv.reader([INVENTORY[row]]))
    cells[col] = text
    buf = io.StringIO()
    csv.writer(buf).writerow(cells)
    lines = [*INVENTORY]
    lines[row] = buf.getvalue().rstrip("\r\n")
    inv = pd.read_csv(io.StringIO("\n".join(lines)), dtype=str, keep_default_na=False)
    reg = pd.read_csv(io.StringIO(REGIONS), dtype=str, keep_default_na=False)
    try:
        ds = dataset_from_frames(reg, inv)
    except InputError as exc:
        assert exc.problems and all(p.file for p in exc.problems)
        return
    assert np.isfinite(ds.table["value"].to_numpy(dtype=float)).all()


@FUZZ
@given(st.integers(0, 6), cell_texts)
def test_fuzz_regions_cell(col, text):
    import csv
    import io

    import pandas as pd

    from gep.inventory import dataset_from_frames

    lines = REGIONS.splitlines()
    cells = next(csv.reader([lines[2]]))
    cells[col] = text
    buf = io.StringIO()
    csv.writer(buf).writerow(cells)
    lines[2] = buf.getvalue().rstrip("\r\n")
    reg = pd.read_csv(io.StringIO("\n".join(lines)), dtype=str, keep_default_na=False)
    inv = pd.read_csv(io.StringIO("\n".join(INVENTORY)), dtype=str, keep_default_na=False)
    try:
        ds = dataset_from_frames(reg, inv)
    except InputError:
        return
    assert np.isfinite(ds.regions["land_area_ha"].to_numpy(dtype=float)).all()


@FUZZ
@given(st.one_of(yaml_values, st.text(max_size=100)))
def test_fuzz_geojson(value):
    from gep.app import geo

    raw = (
        value
        if isinstance(value, str)
        else json.dumps({"type": "FeatureCollection", "features": value}, default=str)
    )
    with contextlib.suppress(ValueError):
        geo.parse_geojson(raw)


@FUZZ
@given(st.binary(max_size=300))
def test_fuzz_xlsx_upload(data):
    from gep.app import ingest

    with contextlib.suppress(InputError):
        ingest.read_upload("x.xlsx", b"PK\x03\x04" + data)


# ---- CLI options: exit 0 or 2, never a traceback -------------------------------------------------

# a CLI call computes a whole account (seconds on a loaded machine): a looser deadline
CLI_FUZZ = settings(FUZZ, max_examples=max(EXAMPLES // 4, 8), deadline=30_000)


def _clean_exit(r) -> None:
    assert r.exit_code in (0, 2), (r.exit_code, r.output, r.exception)
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert "Traceback" not in r.output


@CLI_FUZZ
@given(override_texts)
def test_fuzz_cli_set(text):
    r = gep("account", *MINI_ARGS, "--set", text, "--format", "json")
    _clean_exit(r)
    if r.exit_code == 0:
        json.loads(r.stdout, parse_constant=lambda c: pytest.fail(f"non-standard JSON {c}"))


@CLI_FUZZ
@given(st.one_of(st.integers(-(10**6), 10**6), st.text(max_size=8)))
def test_fuzz_cli_year(year):
    _clean_exit(gep("account", *MINI_ARGS, "--year", year))
    _clean_exit(gep("coefficients", MINI_ARGS[2], "--year", year))


CARBON = ["carbon", "project", "--species", "cunninghamia", "--start", "2025", "--period", "20"]


@CLI_FUZZ
@given(
    st.sampled_from(["--area", "--price", "--discount", "--price-growth", "--baseline", "--draws"]),
    st.one_of(unit_texts, st.floats().map(repr), st.integers(-(10**9), 10**9).map(str)),
)
def test_fuzz_cli_carbon(option, text):
    args = {"--area": "500ha", "--price": "70"}
    args[option] = text
    flat = [x for kv in args.items() for x in kv]
    _clean_exit(gep(*CARBON, *flat, "--format", "json"))
