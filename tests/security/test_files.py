"""Item 2 of issue 16: safe YAML, confined `extends`, strict encodings, strict JSON."""

from __future__ import annotations

import json
import time

import pytest

from gep.coefficients import load_set
from gep.errors import InputError
from gep.inventory import load_dataset
from gep.tables import decode_text
from gep.yamlio import MAX_DEPTH, MAX_YAML_BYTES, dump_yaml, load_yaml, loads_yaml

from .helpers import MINI_ARGS, assert_clean_exit_2, copy_coef, copy_mini, gep

pytestmark = pytest.mark.timeout(60)

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def _problem_text(exc: InputError) -> str:
    return str(exc)


def test_alias_bomb_refused_fast(tmp_path):
    f = tmp_path / "bomb.yaml"
    f.write_text(BILLION_LAUGHS, encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(InputError, match="anchors") as info:
        load_yaml(f)
    assert time.perf_counter() - t0 < 1.0
    assert info.value.problems[0].file == str(f) and info.value.problems[0].row == 1


def test_alias_without_anchor_use_refused():
    with pytest.raises(InputError, match="anchors|aliases"):
        loads_yaml("x: &x 1\ny: *x\n", "up.yaml")


def test_plain_ampersand_and_star_in_text_are_fine():
    assert loads_yaml("note: 'a & b * c'\nk: R&D\n") == {"note": "a & b * c", "k": "R&D"}


def test_deep_nesting_refused():
    with pytest.raises(InputError, match="nested"):
        loads_yaml("a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5))
    with pytest.raises(InputError, match="nested"):
        loads_yaml("a: " + "[" * 100_000)


def test_oversize_yaml_refused(tmp_path):
    f = tmp_path / "big.yaml"
    f.write_bytes(b"a: " + b"x" * (MAX_YAML_BYTES + 1))
    with pytest.raises(InputError, match="larger than"):
        load_yaml(f)


def test_binary_and_non_utf8_yaml_named(tmp_path):
    f = tmp_path / "rand.yaml"
    f.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError) as info:
        load_yaml(f)
    assert info.value.problems[0].file == str(f)
    g = tmp_path / "ctrl.yaml"
    g.write_bytes(b"unit: CNY\x01\nvalues: {}\n")
    with pytest.raises(InputError, match="binary"):
        load_yaml(g)
    h = tmp_path / "gbk.yaml"
    h.write_bytes("description: 单位价格，元每立方米\n".encode("gb18030"))
    with pytest.raises(InputError, match="UTF-8"):
        load_yaml(h)


def test_dump_yaml_never_writes_aliases():
    shared = {"title": "t"}
    text = dump_yaml({"a": shared, "b": shared})
    assert "&" not in text and "*" not in text
    assert loads_yaml(text) == {"a": shared, "b": shared}


def test_random_bytes_coefficient_file_refused(tmp_path):
    folder = copy_coef(tmp_path)
    (folder / "regulating" / "junk.yaml").write_bytes(bytes(range(1, 256)) * 8)
    r = gep("validate", MINI_ARGS[0], "-c", folder)
    assert_clean_exit_2(r, "junk.yaml")


def test_alias_bomb_in_coefficient_note(tmp_path):
    folder = copy_coef(tmp_path)
    f = folder / "regulating" / "carbon_sequestration" / "price.yaml"
    f.write_text(
        f.read_text(encoding="utf-8")
        + "note_bomb:\n"
        + "".join("  " + line + "\n" for line in BILLION_LAUGHS.splitlines()),
        encoding="utf-8",
    )
    r = gep("validate", MINI_ARGS[0], "-c", folder)
    assert_clean_exit_2(r, "price.yaml", "anchors")


# ---- extends ---------------------------------------------------------------------------------


def _child(root, name, extends):
    d = root / name
    d.mkdir(parents=True)
    (d / "set.yaml").write_text(f"name: {name}\nextends: {extends}\n", encoding="utf-8")
    return d


def test_extends_outside_the_coefficient_roots_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("GEP_COEFFICIENT_SET", raising=False)
    monkeypatch.delenv("GEP_DATASET", raising=False)
    monkeypatch.setenv("GEP_WORKSPACE", str(tmp_path / "ws"))
    elsewhere = copy_coef(tmp_path / "elsewhere")  # a valid set outside the roots
    roots = tmp_path / "a" / "b" / "c" / "coefficients"
    rel = "../" * 4 + "elsewhere/coefficients/mini"
    assert (roots / rel / "set.yaml").resolve() == (elsewhere / "set.yaml").resolve()
    child = _child(roots, "child", rel)
    with pytest.raises(InputError, match="outside the coefficient folders") as info:
        load_set(child)
    assert info.value.problems[0].field == "extends"
    r = gep("validate", MINI_ARGS[0], "-c", child)
    assert_clean_exit_2(r, "extends", "outside")


def test_extends_sibling_set_allowed(tmp_path):
    base = copy_coef(tmp_path)
    child = _child(base.parent, "child", "mini")
    s = load_set(child)
    assert s.chain == ("child", "mini")  # the mini set is self-contained (extends nothing)


def test_circular_extends_through_dotdot_reported(tmp_path):
    root = tmp_path / "coefficients"
    _child(root, "a", "../coefficients/b")
    _child(root, "b", "./../coefficients/a")
    with pytest.raises(InputError, match="circular") as info:
        load_set(root / "a")
    assert info.value.problems[0].field == "extends"
    r = gep("validate", MINI_ARGS[0], "-c", root / "a")
    assert_clean_exit_2(r, "circular")


def test_self_extends_reported(tmp_path):
    root = tmp_path / "coefficients"
    _child(root, "a", "a")
    with pytest.raises(InputError, match="circular"):
        load_set(root / "a")


# ---- encodings ---------------------------------------------------------------------------------


def _big5_regions(folder):
    text = (
        "code,name_zh,name_en,parent,land_area,land_area_unit,source\n"
        "100000,測試市,Test City,,150,km**2,示意\n"
        "100001,漢濱區,County A,100000,100,km**2,示意\n"
        "100002,紫陽縣,County B,100000,50,km**2,示意\n"
    )
    (folder / "regions.csv").write_bytes(text.encode("big5"))


def test_big5_regions_refused_not_guessed(tmp_path):
    folder = copy_mini(tmp_path)
    _big5_regions(folder)
    with pytest.raises(InputError, match="Big5") as info:
        load_dataset(folder)
    assert info.value.problems[0].file.endswith("regions.csv")
    r = gep("validate", folder, "-c", MINI_ARGS[2])
    assert_clean_exit_2(r, "regions.csv", "encoding")


def test_gb18030_file_still_accepted(tmp_path):
    folder = copy_mini(tmp_path)
    reg = folder / "regions.csv"
    reg.write_bytes(reg.read_text(encoding="utf-8").encode("gb18030"))
    ds = load_dataset(folder)
    assert ds.region_name("100001") == "甲县"


def test_declared_encoding_decodes_strictly(tmp_path):
    assert decode_text("汉滨区".encode("gb18030"), "x.csv", "gb18030") == "汉滨区"
    with pytest.raises(InputError, match="declared"):
        decode_text("汉滨区".encode("gb18030"), "x.csv", "utf-8")
    with pytest.raises(InputError, match="not supported"):
        decode_text(b"a", "x.csv", "latin-1")


def test_declared_gb18030_in_dataset_yaml(tmp_path):
    folder = copy_mini(tmp_path)
    meta = folder / "dataset.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "encoding: gb18030\n", encoding="utf-8")
    reg = folder / "regions.csv"
    reg.write_bytes(reg.read_text(encoding="utf-8").encode("gb18030"))
    inv = folder / "inventory.csv"
    inv.write_bytes(inv.read_text(encoding="utf-8").encode("gb18030"))
    assert load_dataset(folder).region_name("100002") == "乙县"


def test_binary_csv_refused(tmp_path):
    folder = copy_mini(tmp_path)
    (folder / "inventory.csv").write_bytes(b"\x00\x01\x02" * 100)
    r = gep("validate", folder, "-c", MINI_ARGS[2])
    assert_clean_exit_2(r, "inventory.csv", "binary")


def test_full_width_region_code_refused(tmp_path):
    folder = copy_mini(tmp_path)
    reg = folder / "regions.csv"
    reg.write_text(
        reg.read_text(encoding="utf-8").replace("100002,乙县", "１０００２,乙县"), encoding="utf-8"
    )
    r = gep("validate", folder, "-c", MINI_ARGS[2])
    assert_clean_exit_2(r, "regions.csv", "code")


@pytest.mark.parametrize("value", ["abc", "1800", "99999", "true", "[2020]"])
def test_bad_base_year_refused_by_validate(tmp_path, value):
    folder = copy_mini(tmp_path)
    meta = folder / "dataset.yaml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("base_year: 2020", f"base_year: {value}"),
        encoding="utf-8",
    )
    r = gep("validate", folder, "-c", MINI_ARGS[2])
    assert_clean_exit_2(r, "dataset.yaml", "base_year")


# ---- JSON ---------------------------------------------------------------------------------------


def _strict(text):
    def refuse(c):
        raise AssertionError(f"non-standard JSON constant {c}")

    return json.loads(text, parse_constant=refuse)


def test_json_outputs_are_strict():
    for args in (
        ["account", *MINI_ARGS, "--format", "json"],
        ["coefficients", MINI_ARGS[2], "--year", "2020", "--format", "json"],
        ["validate", *MINI_ARGS, "--format", "json"],
    ):
        r = gep(*args)
        assert r.exit_code == 0, r.output
        _strict(r.stdout)


def test_dumps_json_writes_null_for_inf():
    from gep.safeio import dumps_json

    assert _strict(dumps_json({"a": float("inf"), "b": [float("nan")]})) == {"a": None, "b": [None]}
