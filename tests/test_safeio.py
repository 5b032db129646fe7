"""gep.safeio: atomic writes, output-path checks, formula escaping, sheet titles, strict JSON."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from gep.errors import InputError
from gep.safeio import (
    atomic_write_text,
    check_output_path,
    dumps_json,
    escape_formula,
    escape_frame,
    safe_sheet_title,
)


@pytest.mark.parametrize("text", ['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_leading_text_is_escaped(text):
    assert escape_formula(text) == "'" + text


@pytest.mark.parametrize("value", ["汉滨区", "a=b", 3.5, -2, None])
def test_other_values_unchanged(value):
    assert escape_formula(value) == value


def test_escape_frame_leaves_numbers_and_escapes_text():
    df = pd.DataFrame({"region": ["=cmd()", "610902"], "value": [-1.0, 2.0]})
    out = escape_frame(df)
    assert out["region"].tolist() == ["'=cmd()", "610902"]
    assert out["value"].tolist() == [-1.0, 2.0]
    assert df["region"].iloc[0] == "=cmd()"  # the input is not modified


def test_sheet_titles_valid_and_unique():
    t1 = safe_sheet_title("a:b/c?d*e[f]g\\h")
    assert t1 == "a_b_c_d_e_f_g_h"
    long = "汉" * 40
    t2 = safe_sheet_title(long)
    assert len(t2) == 31
    t3 = safe_sheet_title(long, taken=[t2])
    assert t3 != t2 and len(t3) <= 31


def test_check_output_path_refuses_directory(tmp_path):
    with pytest.raises(InputError, match="directory"):
        check_output_path(tmp_path)
    assert check_output_path(tmp_path / "new" / "x.xlsx") == tmp_path / "new" / "x.xlsx"


def test_check_output_path_parent_is_a_file(tmp_path):
    f = tmp_path / "file.txt"
    f.write_text("x")
    with pytest.raises(InputError, match="not a directory"):
        check_output_path(f / "x.csv")


def test_atomic_write_replaces_whole_file(tmp_path):
    p = tmp_path / "out.txt"
    atomic_write_text(p, "old")
    atomic_write_text(p, "新")
    assert p.read_text(encoding="utf-8") == "新"
    assert [q.name for q in tmp_path.iterdir()] == ["out.txt"]  # no temporary left behind


def test_dumps_json_never_writes_infinity():
    text = dumps_json({"a": float("inf"), "b": [float("nan"), 1.0], "c": "安康"})
    assert json.loads(text) == {"a": None, "b": [None, 1.0], "c": "安康"}
    assert "Infinity" not in text and "NaN" not in text
