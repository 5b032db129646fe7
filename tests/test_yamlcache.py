"""The parsed-YAML cache behind gep.yamlio.load_yaml (issue 9 item 4): equal data of the same
types, file checks and error messages unchanged, any edit or damage → a fresh parse."""

from __future__ import annotations

import datetime as dt

import pytest

from gep import yamlcache, yamlio
from gep.errors import InputError
from gep.yamlio import load_yaml

TEXT = """\
name: x
date: 2024-05-01
years: [2020, 2021]
values: {2020: 1.5, 2021: 2, "2022": true}
nested:
  - {a: null, b: '0.1'}
  - 3.0
"""


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("GEP_CACHE_DIR", str(folder))
    return folder / "yaml"


def _entries(cache):
    return sorted(cache.glob("*.json")) if cache.exists() else []


def test_cached_data_are_equal_and_of_the_same_types(cache, tmp_path, monkeypatch):
    f = tmp_path / "a.yaml"
    f.write_text(TEXT, encoding="utf-8")
    parsed = load_yaml(f)
    assert len(_entries(cache)) == 1
    cached = load_yaml(f)
    assert yamlcache._same(parsed, cached)
    assert type(cached["date"]) is dt.date and list(cached["values"]) == [2020, 2021, "2022"]
    assert type(cached["values"][2021]) is int and cached["values"]["2022"] is True
    monkeypatch.setenv("GEP_CACHE_DIR", "off")
    assert yamlcache._same(load_yaml(f), cached)
    assert not yamlcache._same({"a": 1}, {"a": 1.0}) and not yamlcache._same([True], [1])


def test_a_hit_does_not_parse_and_an_edit_does(cache, tmp_path, monkeypatch):
    f = tmp_path / "a.yaml"
    f.write_text(TEXT, encoding="utf-8")
    load_yaml(f)
    real = yamlio._parse

    def boom(*a, **k):
        raise AssertionError("parsed although cached")

    monkeypatch.setattr(yamlio, "_parse", boom)
    assert load_yaml(f)["name"] == "x"
    f.write_text(TEXT.replace("name: x", "name: y"), encoding="utf-8")
    with pytest.raises(AssertionError, match="parsed although"):
        load_yaml(f)
    monkeypatch.setattr(yamlio, "_parse", real)
    assert load_yaml(f)["name"] == "y"


@pytest.mark.parametrize(
    "text",
    ["a: 1\na: 2\n", "a: &x 1\nb: *x\n", "a: [1, 2\n", "a: " + "[" * 40 + "]" * 40],
)
def test_errors_identical_and_never_cached(cache, tmp_path, monkeypatch, text):
    f = tmp_path / "bad.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as cached:
        load_yaml(f)
    with pytest.raises(InputError) as again:
        load_yaml(f)
    monkeypatch.setenv("GEP_CACHE_DIR", "off")
    with pytest.raises(InputError) as off:
        load_yaml(f)
    assert str(cached.value) == str(again.value) == str(off.value)
    assert _entries(cache) == []


def test_file_checks_still_run_on_a_hit(cache, tmp_path, monkeypatch):
    f = tmp_path / "a.yaml"
    f.write_text(TEXT, encoding="utf-8")
    load_yaml(f)
    monkeypatch.setattr(yamlio, "MAX_YAML_BYTES", 10)
    with pytest.raises(InputError, match="larger than"):
        load_yaml(f)


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b""),
        lambda p: p.write_bytes(p.read_bytes()[:-5]),
        lambda p: p.write_bytes(b"\x00\xff" * 10),
        lambda p: p.write_bytes(p.read_bytes().replace(b'"x"', b'"z"')),
    ],
)
def test_damaged_entry_is_ignored_and_rewritten(cache, tmp_path, damage):
    f = tmp_path / "a.yaml"
    f.write_text(TEXT, encoding="utf-8")
    reference = load_yaml(f)
    (entry,) = _entries(cache)
    before = entry.read_bytes()
    damage(entry)
    assert yamlcache._same(load_yaml(f), reference)
    assert entry.read_bytes() == before


def test_unrepresentable_data_are_not_cached(cache, tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("a: !!binary aGVsbG8=\nb: .nan\n", encoding="utf-8")
    data = load_yaml(f)
    assert data["a"] == b"hello"
    assert _entries(cache) == []
