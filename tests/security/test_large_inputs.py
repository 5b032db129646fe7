"""Item 6 of issue 16: large inventories — the pyarrow path agrees with the strict path."""

from __future__ import annotations

import pytest

import gep.inventory as inventory
from gep.errors import InputError
from gep.inventory import load_dataset

from .helpers import copy_mini

pytestmark = pytest.mark.timeout(120)


def _load(folder, fast: bool, monkeypatch):
    monkeypatch.setenv("GEP_CACHE_DIR", "off")  # both paths parse (no validated-dataset cache)
    monkeypatch.setattr(inventory, "FAST_CSV_BYTES", 0 if fast else 10**12)
    return load_dataset(folder)


def test_fast_and_strict_paths_give_the_same_dataset(tmp_path, monkeypatch):
    folder = copy_mini(tmp_path)
    inv = folder / "inventory.csv"
    inv.write_bytes(b"\xef\xbb\xbf" + inv.read_bytes())  # with a BOM, as Excel writes it
    a = _load(folder, True, monkeypatch)
    b = _load(folder, False, monkeypatch)
    assert a.hash == b.hash
    assert a.table.astype(str).equals(b.table.astype(str))
    assert a.data.identical(b.data)


def _problems(folder, fast, monkeypatch):
    with pytest.raises(InputError) as info:
        _load(folder, fast, monkeypatch)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    "old, new",
    [
        (",6000,hectare,", ",abc,hectare,"),
        (",6000,hectare,", ",-6000,hectare,"),
        (",6000,hectare,", ",6000,9**9**9*hectare,"),
        (",6000,hectare,", ",6000,hectare,\n100001,2020,area,forest.broadleaf,,1,hectare,x\n"),
        ("100001,2020,area,shrub,", "999999,2020,area,shrub,"),
        (",6000,hectare,", ",6000,hectare,extra,field,"),
    ],
)
def test_fast_path_reports_the_same_problems(tmp_path, monkeypatch, old, new):
    folder = copy_mini(tmp_path)
    inv = folder / "inventory.csv"
    text = inv.read_text(encoding="utf-8")
    assert old in text
    inv.write_text(text.replace(old, new, 1), encoding="utf-8")
    fast = _problems(folder, True, monkeypatch)
    strict = _problems(folder, False, monkeypatch)
    assert fast == strict and fast


def test_problem_list_is_capped(tmp_path, monkeypatch):
    folder = copy_mini(tmp_path)
    inv = folder / "inventory.csv"
    lines = inv.read_text(encoding="utf-8").splitlines()
    body = "\n".join(f"100001,2020,nosuch{i},,,1,t,x" for i in range(3000))
    inv.write_text("\n".join(lines) + "\n" + body + "\n", encoding="utf-8")
    monkeypatch.setattr(inventory, "FAST_CSV_BYTES", 0)
    with pytest.raises(InputError) as info:
        load_dataset(folder)
    probs = info.value.problems
    assert len(probs) == inventory.MAX_PROBLEMS + 1
    assert "more problems" in probs[-1].message
