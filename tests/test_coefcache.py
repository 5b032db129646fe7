"""The validated-coefficient-set cache (issue 9 item 4): same sets, same errors, any change or
damage → a fresh validation, never a crash."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gep import coefcache
from gep.coefficients import load_set
from gep.errors import InputError

from .test_coefficients import CPI, GOOD, TABLE, make_set

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("GEP_CACHE_DIR", str(folder))
    return folder / "coefsets"


def _same(a, b) -> None:
    assert list(a.coefficients) == list(b.coefficients)
    assert a.coefficients == b.coefficients  # every field of every coefficient and value
    assert a.hash == b.hash and a.chain == b.chain and a.name == b.name


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.json")) if cache.exists() else []


def test_cached_set_equals_the_validated_one(cache, monkeypatch):
    for name in ("ankang", ROOT / "tests" / "data" / "coefficients" / "mini"):
        monkeypatch.setenv("GEP_CACHE_DIR", "off")
        fresh = load_set(name)
        monkeypatch.setenv("GEP_CACHE_DIR", str(cache.parent))
        first = load_set(name)  # validates and writes the entry
        second = load_set(name)  # read from the entry
        _same(fresh, first)
        _same(fresh, second)
    assert len(_entries(cache)) == 2
    assert oct(cache.stat().st_mode & 0o777) == "0o700"


def test_a_hit_does_not_parse(cache, monkeypatch, tmp_path):
    folder = make_set(tmp_path, {"a.price": GOOD, "price_index.cpi": CPI, "a.rate": TABLE})
    load_set(folder)

    def boom(*a, **k):
        raise AssertionError("parsed although cached")

    monkeypatch.setattr("gep.coefficients.loads_yaml_lines", boom)
    monkeypatch.setattr("gep.coefficients.parse_coefficient", boom)
    assert load_set(folder)["a.price"].values[1].value == 12.0


def test_any_file_change_invalidates(cache, tmp_path):
    folder = make_set(tmp_path, {"a.price": GOOD, "price_index.cpi": CPI})
    assert load_set(folder).array("a.price", [2022]).values[0] == 12
    price = folder / "a" / "price.yaml"
    stat = price.stat()
    # same size, same mtime, other content: the key is the content, not the file's stat
    price.write_text(price.read_text().replace("value: 12", "value: 13"), encoding="utf-8")
    os.utime(price, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert load_set(folder).array("a.price", [2022]).values[0] == 13
    # an added file, a deleted file
    (folder / "a" / "rate.yaml").write_text(TABLE, encoding="utf-8")
    assert "a.rate" in load_set(folder)
    (folder / "a" / "rate.yaml").unlink()
    assert "a.rate" not in load_set(folder)


def test_parent_set_change_invalidates(cache, tmp_path):
    make_set(tmp_path, {"a.price": GOOD, "price_index.cpi": CPI}, name="base")
    child = make_set(tmp_path, {}, name="child", extends="base")
    assert load_set(child).array("a.price", [2022]).values[0] == 12
    base_price = tmp_path / "base" / "a" / "price.yaml"
    base_price.write_text(base_price.read_text().replace("value: 12", "value: 14"))
    assert load_set(child).array("a.price", [2022]).values[0] == 14


def test_errors_identical_and_never_cached(cache, tmp_path, monkeypatch):
    bad = GOOD.replace("status: literature", "status: guessed")
    folder = make_set(tmp_path, {"a.price": bad, "price_index.cpi": CPI})
    with pytest.raises(InputError) as with_cache:
        load_set(folder)
    assert _entries(cache) == []
    monkeypatch.setenv("GEP_CACHE_DIR", "off")
    with pytest.raises(InputError) as without:
        load_set(folder)
    assert str(with_cache.value) == str(without.value)
    assert [p.__dict__ for p in with_cache.value.problems] == [
        p.__dict__ for p in without.value.problems
    ]
    # a good set cached, then broken: the error comes back, not the cached values
    monkeypatch.setenv("GEP_CACHE_DIR", str(cache.parent))
    good = make_set(tmp_path / "g", {"a.price": GOOD, "price_index.cpi": CPI})
    load_set(good)
    (good / "a" / "price.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(InputError, match="guessed"):
        load_set(good)


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b""),
        lambda p: p.write_bytes(p.read_bytes()[:-100]),
        lambda p: p.write_bytes(b"\x00\xff" * 10),
        lambda p: p.write_text("[1, 2, 3]"),
        # a value changed without the digest: refused
        lambda p: p.write_text(p.read_text().replace("12.0", "99.0")),
        # a class that is not on the whitelist, digest recomputed
        lambda p: _rewrite(p, lambda s: s.replace('"$c":"ValueEntry"', '"$c":"Path"')),
        # a well-formed entry for another key
        lambda p: _rewrite(p, lambda s: s, key="0" * 64),
    ],
)
def test_damaged_entry_is_ignored_and_rebuilt(cache, tmp_path, damage):
    folder = make_set(tmp_path, {"a.price": GOOD, "price_index.cpi": CPI})
    reference = load_set(folder)
    (entry,) = _entries(cache)
    damage(entry)
    again = load_set(folder)  # no crash, the same set
    _same(reference, again)
    assert load_set(folder).coefficients == reference.coefficients
    assert json.loads(entry.read_text())["key"] == entry.stem  # rewritten


def _rewrite(path: Path, edit, key: str | None = None) -> None:
    import hashlib

    entry = json.loads(path.read_text())
    text = edit(json.dumps(entry["payload"], ensure_ascii=False, separators=(",", ":")))
    entry["payload"] = json.loads(text)
    entry["digest"] = hashlib.sha256(text.encode()).hexdigest()
    if key is not None:
        entry["key"] = key
    path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))


def test_unwritable_or_off_cache_still_loads(tmp_path, monkeypatch):
    folder = make_set(tmp_path, {"a.price": GOOD, "price_index.cpi": CPI})
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("GEP_CACHE_DIR", str(blocker))  # cannot make a folder under a file
    assert load_set(folder)["a.price"].unit == "CNY / m ** 3"
    monkeypatch.setenv("GEP_CACHE_DIR", "off")
    assert load_set(folder)["a.price"].unit == "CNY / m ** 3"


def test_size_is_bounded(cache, tmp_path, monkeypatch):
    monkeypatch.setattr(coefcache, "MAX_ENTRIES", 3)
    for i in range(6):
        folder = make_set(tmp_path / str(i), {"a.price": GOOD, "price_index.cpi": CPI})
        load_set(folder)
    assert len(_entries(cache)) == 3


def test_code_change_changes_the_key(monkeypatch):
    files = [("f.yaml", "s", "a", b"x")]
    key = coefcache.set_key(files)
    monkeypatch.setattr(coefcache, "code_fingerprint", lambda: "other code")
    assert coefcache.set_key(files) != key
