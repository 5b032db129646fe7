"""Item 3 of issue 16: every value in range — coefficients, overrides, options, sizes."""

from __future__ import annotations

import pytest

from gep.coefficients import Override, load_set
from gep.errors import InputError

from .helpers import MINI_ARGS, MINI_COEF, assert_clean_exit_2, copy_coef, copy_mini, gep

pytestmark = [
    pytest.mark.timeout(60),
    # an overflowing value gets our error only: a numpy RuntimeWarning printed above it
    # (1e308 km² → inf ha) would reach the user's terminal
    pytest.mark.filterwarnings("error::RuntimeWarning"),
]

PRICE = "regulating.carbon_sequestration.price"
RATE = "regulating.carbon_sequestration.rate"


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, text[:400])
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ---- coefficient files ----------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["-70", ".nan", ".inf", "1e999", "-.inf"])
def test_coefficient_value_out_of_range_refused(tmp_path, bad):
    folder = copy_coef(tmp_path)
    f = folder / "regulating" / "carbon_sequestration" / "price.yaml"
    text = f.read_text(encoding="utf-8")
    import re

    text = re.sub(r"value: [0-9.]+", f"value: {bad}", text, count=1)
    f.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_set(folder)
    p = info.value.problems[0]
    assert p.file.endswith("price.yaml") and "value" in (p.field or "")
    r = gep("validate", MINI_ARGS[0], "-c", folder)
    assert_clean_exit_2(r, "price.yaml", "value")


def test_negative_table_value_names_the_key(tmp_path):
    folder = copy_coef(tmp_path)
    f = folder / "regulating" / "carbon_sequestration" / "rate.yaml"
    _edit(f, "forest: ", "forest: -")
    with pytest.raises(InputError, match="range") as info:
        load_set(folder)
    assert info.value.problems[0].field.endswith(".forest")


def test_declared_range_allows_negative_and_max_is_enforced(tmp_path):
    folder = copy_coef(tmp_path)
    f = folder / "regulating" / "carbon_sequestration" / "rate.yaml"
    _edit(f, "forest: ", "forest: -")
    _edit(f, "values:", "range: {min: -100, note: test}\nvalues:")
    s = load_set(folder)
    assert s[RATE].range == (-100.0, float("inf"))
    _edit(f, "range: {min: -100, note: test}", "range: {min: -100, max: 0.001}")
    with pytest.raises(InputError, match="range"):
        load_set(folder)


def test_xie_paddy_water_supply_is_the_declared_negative():
    s = load_set("national")
    c = s["xie2015.factor.water_supply"]
    assert c.range[0] < 0
    assert c.values[0].value["paddy"] == pytest.approx(-2.63)
    negatives = [
        cid
        for cid, co in s.coefficients.items()
        for e in co.values
        for v in (e.value.values() if isinstance(e.value, dict) else [e.value])
        if v < 0
    ]
    assert negatives == ["xie2015.factor.water_supply"]


@pytest.mark.parametrize(
    "spec", ["range: 5", "range: {min: a}", "range: {min: 2, max: 1}", "range: {lo: 1}"]
)
def test_bad_range_declaration(tmp_path, spec):
    folder = copy_coef(tmp_path)
    f = folder / "regulating" / "carbon_sequestration" / "rate.yaml"
    _edit(f, "values:", f"{spec}\nvalues:")
    with pytest.raises(InputError, match="range"):
        load_set(folder)


# ---- overrides ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, fragment",
    [
        (f"{PRICE}=nan", "not a number"),
        (f"{PRICE}=inf", "not a number"),
        (f"{PRICE}=1e999", "not finite"),
        (f"{PRICE}=７０", "not a number"),
        (f"{PRICE}=1,5", "not a number"),
        (f"{PRICE}*=1e308", "not a finite number"),
        (f"{PRICE}=-5", "outside the allowed range"),
        (f"{PRICE}*=-1", "outside the allowed range"),
        (f"{PRICE}+=-1e9", "outside the allowed range"),
        (f"{RATE}[nosuch]=5", "has no ecosystem 'nosuch'"),
        ("price_index.cpi*=2", "price index"),
        (f"{PRICE}=70 CNY/tCO2e*9**9**9", "numbers are not allowed"),
    ],
)
def test_bad_overrides_exit_2(text, fragment):
    r = gep("account", *MINI_ARGS, "--set", text)
    assert_clean_exit_2(r, "--set", fragment)


def test_table_override_with_known_key_still_works(mini_coef=None):
    s = load_set(MINI_COEF).with_overrides([f"{RATE}[forest]*=2"])
    base = load_set(MINI_COEF)
    a = s.array(RATE, [2020], keys=["forest.broadleaf"]).values
    b = base.array(RATE, [2020], keys=["forest.broadleaf"]).values
    assert a == pytest.approx(2 * b)


def test_override_parse_number_is_finite():
    with pytest.raises(InputError):
        Override.parse(f"{PRICE}=NaN")
    assert Override.parse(f"{PRICE}=1.5e2").value == 150.0


# ---- inventory ------------------------------------------------------------------------------


def test_inventory_overflow_after_conversion(tmp_path):
    folder = copy_mini(tmp_path)
    inv = folder / "inventory.csv"
    lines = inv.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if ",m ** 3," in line or ",m**3," in line)
    parts = lines[row].split(",")
    parts[5], parts[6] = "1e306", "亿立方米"
    lines[row] = ",".join(parts)
    inv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = gep("validate", folder, "-c", MINI_ARGS[2])
    assert_clean_exit_2(r, "inventory.csv", f"row {row + 1}", "overflows")


def test_region_land_area_overflow(tmp_path):
    folder = copy_mini(tmp_path)
    reg = folder / "regions.csv"
    _edit(reg, ",100,km**2", ",1e308,km**2")
    r = gep("validate", folder, "-c", MINI_ARGS[2])
    assert_clean_exit_2(r, "regions.csv", "overflows")


# ---- CLI options ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["account", *MINI_ARGS, "--year", "99999"],
        ["account", *MINI_ARGS, "--year", "0"],
        ["coefficients", MINI_ARGS[2], "--year", "99999"],
        ["coefficients", MINI_ARGS[2], "--year", "0"],
        ["report", *MINI_ARGS, "--year", "99999", "--out", "/tmp/never_written_gep.xlsx"],
        ["scenario", "compare", *MINI_ARGS, "--year", "99999"],
    ],
)
def test_years_bounded(args):
    assert_clean_exit_2(gep(*args), "--year")


def test_uncertainty_draws_bounded_with_memory_estimate():
    assert_clean_exit_2(gep("uncertainty", *MINI_ARGS, "--draws", "20000000"), "--draws")
    assert_clean_exit_2(gep("uncertainty", *MINI_ARGS, "--draws", "900000"), "--draws", "GiB")


CARBON = ["carbon", "project", "--species", "cunninghamia", "--start", "2025", "--area", "500ha"]


@pytest.mark.parametrize(
    "extra, field",
    [
        (["--price", "nan"], "--price"),
        (["--price", "inf"], "--price"),
        (["--price", "-5"], "--price"),
        (["--discount", "-100"], "--discount"),
        (["--discount", "-150"], "--discount"),
        (["--discount", "nan"], "--discount"),
        (["--price-growth", "-200"], "--price-growth"),
        (["--baseline", "-100"], "--baseline"),
        (["--calibration", "-1"], "--calibration"),
        (["--calibration", "0"], "--calibration"),
        (["--leakage", "-1"], "--leakage"),
        (["--fee-share", "1"], "--fee-share"),
        (["--draws", "20000000"], "--draws"),
        (["--seed", "-1"], "--seed"),
        (["--period", "1000"], "--period"),
        (["--period", "0"], "--period"),
        (["--start", "99999"], "--start"),
        (["--area", "1e308km**2"], "--area"),
    ],
)
def test_carbon_options_bounded(extra, field):
    args = [*CARBON, "--period", "30", "--price", "70"]
    for i in range(0, len(extra), 2):  # the later option wins in click; replace instead
        if extra[i] in args:
            j = args.index(extra[i])
            args[j + 1] = extra[i + 1]
        else:
            args += extra[i : i + 2]
    assert_clean_exit_2(gep(*args), field)


def test_account_overflow_is_an_error_not_null():
    from types import SimpleNamespace

    import numpy as np
    import xarray as xr

    from gep.ranges import check_account_finite

    ok = xr.DataArray(
        np.array([[1.0, np.nan]]),
        dims=("region", "year"),
        coords={"region": ["a"], "year": [2020, 2021]},
    )
    check_account_finite(SimpleNamespace(value=ok))  # NaN = not assessed: allowed
    bad = ok.copy(data=np.array([[1.0, np.inf]]))
    with pytest.raises(InputError, match="region=a, year=2021"):
        check_account_finite(SimpleNamespace(value=bad))
