"""The validated-dataset cache (issue 9 item 4): the same Dataset, the same errors; any edit or
damage → a full validation, never a crash and never a stale result."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from gep import datacache
from gep.cli import app
from gep.errors import InputError
from gep.inventory import load_dataset

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "data" / "mini"
MINI_COEF = ROOT / "tests" / "data" / "coefficients" / "mini"
ANKANG = ROOT / "datasets" / "ankang"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("GEP_CACHE_DIR", str(folder))
    return folder / "datasets"


@pytest.fixture
def mini(tmp_path):
    dst = tmp_path / "mini"
    shutil.copytree(MINI, dst)
    return dst


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.json")) if cache.exists() else []


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.table, b.table, check_exact=True)
    pd.testing.assert_frame_equal(a.regions, b.regions, check_exact=True)
    assert list(a.table.dtypes) == list(b.table.dtypes)
    assert list(a.regions.dtypes) == list(b.regions.dtypes)
    for col in ("land_area_ha",):  # object column: the same Python types (0-d pint magnitudes)
        assert [type(v) for v in a.regions[col]] == [type(v) for v in b.regions[col]]
    assert a.data.identical(b.data)
    assert a.meta == b.meta and a.name == b.name and a.path == b.path
    assert a.hash == b.hash
    assert a.counties == b.counties and a.years == b.years


def _hash_uncached(ds) -> str:
    ds.__dict__.pop("_hash", None)
    return ds.hash


def test_cached_dataset_equals_the_validated_one(cache, monkeypatch):
    for folder in (ANKANG, MINI):
        monkeypatch.setenv("GEP_CACHE_DIR", "off")
        fresh = load_dataset(folder)
        monkeypatch.setenv("GEP_CACHE_DIR", str(cache.parent))
        first = load_dataset(folder)  # validates and writes the entry
        second = load_dataset(folder)  # read from the entry
        _same(fresh, first)
        _same(fresh, second)
        assert second.hash == _hash_uncached(load_dataset(folder))  # the stored hash is right
    assert len(_entries(cache)) == 2
    assert oct(cache.stat().st_mode & 0o777) == "0o700"


def test_a_hit_does_not_parse(cache, mini, monkeypatch):
    reference = load_dataset(mini)

    def boom(*a, **k):
        raise AssertionError("parsed although cached")

    for name in ("read_table", "parse_inventory", "parse_regions", "load_yaml_lines"):
        monkeypatch.setattr(f"gep.inventory.{name}", boom)
    _same(reference, load_dataset(mini))


def test_editing_a_row_gives_the_new_result(cache, mini, monkeypatch):
    load_dataset(mini)
    inv = mini / "inventory.csv"
    text = inv.read_text(encoding="utf-8")
    assert ",6000,hectare," in text
    stat = inv.stat()
    # same size and modification time, another value: the key is the content, not the stat
    inv.write_text(text.replace(",6000,hectare,", ",6001,hectare,", 1), encoding="utf-8")
    os.utime(inv, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    edited = load_dataset(mini)
    monkeypatch.setenv("GEP_CACHE_DIR", "off")
    _same(load_dataset(mini), edited)
    assert 6001.0 in set(edited.table["value"]) and 6000.0 not in set(edited.table["value"])
    assert len(_entries(cache)) == 2


def test_regions_and_metadata_edits_invalidate(cache, mini, monkeypatch):
    first = load_dataset(mini)
    regions = mini / "regions.csv"
    regions.write_text(
        regions.read_text(encoding="utf-8").replace("County A", "County Z", 1), encoding="utf-8"
    )
    meta = mini / "dataset.yaml"
    meta_text = meta.read_text(encoding="utf-8")
    edited = load_dataset(mini)
    assert list(edited.regions["name_en"]) != list(first.regions["name_en"])
    meta.write_text(meta_text.replace("name: mini", "name: mini2"), encoding="utf-8")
    assert load_dataset(mini).name == "mini2"
    meta.unlink()  # no dataset.yaml: the folder's name, defaults
    bare = load_dataset(mini)
    monkeypatch.setenv("GEP_CACHE_DIR", "off")
    _same(load_dataset(mini), bare)


def _problems(folder, monkeypatch, setting) -> list[dict]:
    monkeypatch.setenv("GEP_CACHE_DIR", setting)
    with pytest.raises(InputError) as info:
        load_dataset(folder)
    return [p.__dict__ for p in info.value.problems]


@pytest.mark.parametrize(
    "file, old, new",
    [
        ("inventory.csv", ",6000,hectare,", ",abc,hectare,"),
        ("inventory.csv", ",6000,hectare,", ",6000,9**9**9*hectare,"),
        ("regions.csv", "100001", "1000x1"),
        ("dataset.yaml", "name: mini", "name: mini\nname: again"),
    ],
)
def test_a_dataset_with_a_problem_gives_the_same_error_and_is_never_cached(
    cache, mini, monkeypatch, file, old, new
):
    load_dataset(mini)  # the good version is cached …
    assert len(_entries(cache)) == 1
    path = mini / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with_cache = _problems(mini, monkeypatch, str(cache.parent))  # … and not used
    again = _problems(mini, monkeypatch, str(cache.parent))
    without = _problems(mini, monkeypatch, "off")
    assert with_cache == again == without and with_cache
    assert len(_entries(cache)) == 1  # nothing written for the bad version
    # the CLI: the same message and exit code 2 either way
    runner = CliRunner()
    out = []
    for setting in (str(cache.parent), "off"):
        monkeypatch.setenv("GEP_CACHE_DIR", setting)
        res = runner.invoke(app, ["account", str(mini), "-c", str(MINI_COEF)])
        assert res.exit_code == 2 and "Traceback" not in res.output
        out.append(res.output)
    assert out[0] == out[1]


def test_missing_files_report_as_before(cache, mini, monkeypatch):
    load_dataset(mini)
    (mini / "inventory.csv").rename(mini / "inventory.txt")
    assert _problems(mini, monkeypatch, str(cache.parent)) == _problems(mini, monkeypatch, "off")
    (mini / "inventory.txt").rename(mini / "inventory.csv")
    (mini / "regions.csv").unlink()
    assert _problems(mini, monkeypatch, str(cache.parent)) == _problems(mini, monkeypatch, "off")


def _rewrite(path: Path, edit, key: str | None = None) -> None:
    """Edit an entry's payload and recompute its digest (a well-formed but altered entry)."""
    head, _, body = path.read_bytes().partition(b"\n")
    header = json.loads(head)
    body = edit(body.decode()).encode()
    header.update(size=len(body), digest=hashlib.sha256(body).hexdigest())
    if key is not None:
        header["key"] = key
    path.write_bytes(json.dumps(header).encode() + b"\n" + body)


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b""),
        lambda p: p.write_bytes(p.read_bytes()[:-100]),
        lambda p: p.write_bytes(b"\x00\xff" * 10),
        lambda p: p.write_text("[1, 2, 3]"),
        lambda p: p.write_text('{"format": 1}\n{}'),
        # a value changed without the digest: refused
        lambda p: p.write_bytes(p.read_bytes().replace(b"6000.0", b"9999.0", 1)),
        # a column kind that is not on the whitelist, digest recomputed
        lambda p: _rewrite(p, lambda s: s.replace('"kind":"float64"', '"kind":"pickle"', 1)),
        # a category code out of range, digest recomputed
        lambda p: _rewrite(p, lambda s: s.replace('"codes":[0', '"codes":[99999', 1)),
        # a well-formed entry for another key
        lambda p: _rewrite(p, lambda s: s, key="0" * 64),
    ],
)
def test_damaged_entry_is_ignored_and_rewritten(cache, mini, damage, monkeypatch):
    reference = load_dataset(mini)
    (entry,) = _entries(cache)
    before = entry.read_bytes()
    damage(entry)
    again = load_dataset(mini)  # no crash, the same dataset
    _same(reference, again)
    assert entry.read_bytes() == before  # rewritten
    monkeypatch.setenv("GEP_CACHE_DIR", "off")
    _same(load_dataset(mini), load_dataset(mini))


def test_off_or_unwritable_cache_still_loads(tmp_path, mini, monkeypatch):
    monkeypatch.setenv("GEP_CACHE_DIR", "off")
    reference = load_dataset(mini)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("GEP_CACHE_DIR", str(blocker))  # cannot make a folder under a file
    _same(reference, load_dataset(mini))


def test_size_is_bounded(cache, tmp_path, monkeypatch):
    monkeypatch.setattr(datacache, "MAX_ENTRIES", 3)
    for i in range(5):
        folder = tmp_path / f"d{i}"
        shutil.copytree(MINI, folder)
        meta = folder / "dataset.yaml"
        meta.write_text(meta.read_text(encoding="utf-8") + f"\n# copy {i}\n", encoding="utf-8")
        load_dataset(folder)
    assert len(_entries(cache)) == 3
    monkeypatch.setattr(datacache, "MAX_ROWS", 10)  # more rows than that: not cached
    shutil.rmtree(cache)
    load_dataset(MINI)
    assert _entries(cache) == []


def test_code_change_changes_the_key(monkeypatch):
    files = [("dataset.yaml", b"name: x"), ("regions.csv", b"a"), ("folder:inventory.csv", b"b")]
    key = datacache.dataset_key(files)
    assert datacache.dataset_key([*files[:2], ("folder:inventory.xlsx", b"b")]) != key
    assert datacache.dataset_key([("dataset.yaml", None), *files[1:]]) != key
    monkeypatch.setattr(datacache, "code_fingerprint", lambda: "other code")
    assert datacache.dataset_key(files) != key


def test_cli_output_is_the_same_cold_warm_and_off(cache, monkeypatch):
    runner = CliRunner()
    outs = []
    for setting in (str(cache.parent), str(cache.parent), "off"):
        monkeypatch.setenv("GEP_CACHE_DIR", setting)
        res = runner.invoke(app, ["account", str(MINI), "-c", str(MINI_COEF), "-f", "csv"])
        assert res.exit_code == 0, res.output
        outs.append(res.output)
    assert outs[0] == outs[1] == outs[2]
    assert len(_entries(cache)) == 1
