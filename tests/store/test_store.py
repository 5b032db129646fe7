"""The storage layer called directly: versions, drafts, roles, publication, concurrency, audit."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, inspect, text

from gep.accounting import account
from gep.coefficients import load_set
from gep.errors import InputError
from gep.inventory import load_dataset
from gep.store import ConflictError, PermissionDenied, Store, StoreError
from gep.store.db import HEAD, current_revision, upgrade

from .conftest import MINI, MINI_SETS

PRICE = "regulating.carbon_sequestration.price"


def same_values(a, b, year=2021) -> bool:
    """Two sets resolve every coefficient to the same value (hashes also see override origins)."""
    va = {r["id"]: r["value"] for r in a.records(year)}
    vb = {r["id"]: r["value"] for r in b.records(year)}
    return va == vb


def test_migrations_upgrade_from_empty(store_url):
    engine = create_engine(store_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == HEAD
    tables = set(inspect(engine).get_table_names())
    assert {"users", "objects", "versions", "publications", "drafts", "results", "audit"} <= tables
    upgrade(engine)  # idempotent
    # the models describe exactly the migrated schema
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from gep.store.models import Base

    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []
    engine.dispose()


def test_publish_creates_versions_and_account_uses_them(store):
    out = store.draft_set_override("mini", f"{PRICE}*=2", "alice")
    assert out["revision"] == 1
    assert store.published("coefset", "mini") is None  # a draft publishes nothing
    v = store.publish("coefset", "mini", "bob", "double the carbon price", draft_owner="alice")
    assert (v.number, v.parent, v.author, v.published) == (2, 1, "alice", True)
    versions = store.versions("coefset", "mini")
    assert [x.number for x in versions] == [1, 2]
    assert versions[0].message.startswith("imported from files")
    assert all(len(x.hash) == 64 for x in versions)
    # the published version is what the official reads: same as files + override
    cs, source = store.coefficient_set("mini")
    assert source["kind"] == "published" and source["version"] == 2
    files = load_set(MINI_SETS / "mini", overrides=[f"{PRICE}*=2"])
    assert same_values(cs, files)
    assert not same_values(cs, load_set(MINI_SETS / "mini"))
    # the draft is gone after publication
    assert store.draft("coefset", "mini", "alice") is None


def test_restart_keeps_everything(store, env, tmp_path):
    store.draft_set_override("mini", f"{PRICE}*=2", "alice")
    store.publish("coefset", "mini", "bob", "first", draft_owner="alice")
    store.draft_set_override("mini", f"{PRICE}*=3", "carol")
    before = (
        [v.as_dict() for v in store.versions("coefset", "mini")],
        store.draft("coefset", "mini", "carol"),
        store.audit(),
        store.users(),
    )
    store.close()
    again = Store(env, cache=tmp_path / "cache2")  # a new engine on the same URL
    after = (
        [v.as_dict() for v in again.versions("coefset", "mini")],
        again.draft("coefset", "mini", "carol"),
        again.audit(),
        again.users(),
    )
    assert after == before
    cs, _ = again.coefficient_set("mini", draft_user="carol")
    assert same_values(cs, load_set(MINI_SETS / "mini", overrides=[f"{PRICE}*=2", f"{PRICE}*=3"]))
    again.close()


def test_viewer_write_is_refused_and_logged(store):
    with pytest.raises(PermissionDenied, match="viewer"):
        store.draft_set_override("mini", f"{PRICE}*=2", "vic")
    with pytest.raises(PermissionDenied):
        store.save_draft("dataset", "mini", "vic", {"files": {}})
    with pytest.raises(PermissionDenied):
        store.publish_content("coefset", "mini", "vic", {"x": 1}, "because")
    refused = store.audit(user="vic")
    assert [e["action"] for e in refused] == ["draft.refused", "draft.refused", "publish.refused"]
    assert all(e["ok"] is False for e in refused)
    assert store.versions("coefset", "mini") == []
    assert store.draft("coefset", "mini", "vic") is None


def test_publish_requires_approver_and_reason(store):
    store.draft_set_override("mini", f"{PRICE}*=2", "alice")
    with pytest.raises(PermissionDenied, match="approver"):
        store.publish("coefset", "mini", "alice", "I want it")
    with pytest.raises(StoreError, match="reason"):
        store.publish("coefset", "mini", "bob", "   ", draft_owner="alice")
    assert store.published("coefset", "mini") is None
    actions = [(e["user"], e["action"], e["ok"]) for e in store.audit(action="publish")]
    assert actions == [("alice", "publish.refused", False), ("bob", "publish.refused", False)]
    store.publish("coefset", "mini", "bob", "reviewed", draft_owner="alice")
    last = store.audit(action="publish")[-1]
    assert (last["user"], last["from"], last["to"], last["reason"]) == ("bob", "1", "2", "reviewed")


def test_draft_is_invisible_to_other_users(store):
    store.draft_set_override("mini", f"{PRICE}=500", "alice")
    assert store.draft("coefset", "mini", "alice") is not None
    assert store.draft("coefset", "mini", "carol") is None
    assert store.draft("coefset", "mini", "bob") is None
    assert store.coefficient_set("mini") is None  # officials: nothing published → files
    store.draft_set_override("mini", f"{PRICE}*=2", "bob")
    store.publish("coefset", "mini", "bob", "bob's own")
    pub, _ = store.coefficient_set("mini")
    mine, src = store.coefficient_set("mini", draft_user="alice")
    assert src["kind"] == "draft" and src["stale"] is True
    assert pub.quantity(PRICE, 2021).magnitude != mine.quantity(PRICE, 2021).magnitude
    assert mine.quantity(PRICE, 2021).magnitude == pytest.approx(500)


def test_invalid_draft_cannot_be_saved_or_published(store):
    with pytest.raises(InputError, match="unknown coefficient"):
        store.draft_set_override("mini", "regulating.no_such.price=3", "alice")
    with pytest.raises(StoreError, match="negative"):
        store.draft_set_override("mini", f"{PRICE}=-5", "alice")
    assert store.draft("coefset", "mini", "alice") is None
    assert [e["action"] for e in store.audit(user="alice")] == ["draft.rejected", "draft.rejected"]
    # a draft written around the check still cannot be published
    store.save_draft("coefset", "mini", "alice", {"overrides": [f"{PRICE}=-5"]})
    with pytest.raises(StoreError, match="negative"):
        store.publish("coefset", "mini", "bob", "sneaky", draft_owner="alice")
    assert store.published("coefset", "mini") is None
    assert store.audit(action="publish")[-1]["action"] == "publish.refused"


def test_order_of_magnitude_and_range_warnings(store):
    out = store.draft_set_override("mini", f"{PRICE}*=20", "alice")
    assert any("order of magnitude" in w for w in out["warnings"])
    out = store.draft_set_override("mini", f"{PRICE}*=1.001", "alice")  # replaces the *=20
    assert out["warnings"] == []
    assert out["content"]["overrides"] == [f"{PRICE}*=1.001"]


def _approver_drafts(store, a: str, b: str):
    store.draft_set_override("mini", f"{PRICE}*=1.5", "bob")
    store.publish("coefset", "mini", "bob", "base")  # versions 1 (files) and 2
    store.draft_set_override("mini", f"{PRICE}*=2", a)
    store.draft_set_override("mini", "material.hydropower.price*=1.1", b)


def test_two_sessions_publishing_on_the_same_parent(store, env, tmp_path):
    _approver_drafts(store, "bob", "dora")
    # two sessions = two engines (two connections pools), publishing at the same time
    s1 = Store(env, cache=tmp_path / "c1")
    s2 = Store(env, cache=tmp_path / "c2")
    for s in (s1, s2):
        s.files_root = MINI_SETS
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def run(session, user):
        barrier.wait()
        try:
            results[user] = session.publish("coefset", "mini", user, f"{user} publishes")
        except ConflictError as exc:
            results[user] = exc

    threads = [threading.Thread(target=run, args=a) for a in ((s1, "bob"), (s2, "dora"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    wins = {u: r for u, r in results.items() if not isinstance(r, Exception)}
    losses = {u: r for u, r in results.items() if isinstance(r, ConflictError)}
    assert len(wins) == 1 and len(losses) == 1, results
    (winner, won), (loser, err) = next(iter(wins.items())), next(iter(losses.items()))
    assert "nothing is lost" in str(err) and f"version {won.number}" in str(err)
    versions = {v.number: v for v in store.versions("coefset", "mini")}
    assert sorted(versions) == [1, 2, 3, 4]
    assert versions[won.number].published and versions[won.number].parent == 2
    assert err.kept.number in versions and versions[err.kept.number].parent == 2
    assert not versions[err.kept.number].published
    # the loser's work: kept as a version and still in its draft
    assert store.draft("coefset", "mini", loser) is not None
    assert store.draft("coefset", "mini", winner) is None
    assert [e["user"] for e in store.audit(action="publish.conflict")] == [loser]
    s1.close()
    s2.close()


def test_two_sessions_saving_one_draft(store, env, tmp_path):
    store.save_draft("scenario", "dry-year", "alice", {"name": "dry", "overrides": []})
    seen = store.draft("scenario", "dry-year", "alice")["revision"]
    other = Store(env, cache=tmp_path / "c3")
    other.save_draft("scenario", "dry-year", "alice", {"name": "tab 2"}, expected_revision=seen)
    with pytest.raises(ConflictError, match="kept as unpublished version") as info:
        store.save_draft("scenario", "dry-year", "alice", {"name": "tab 1"}, expected_revision=seen)
    assert store.draft("scenario", "dry-year", "alice")["content"] == {"name": "tab 2"}
    kept = store.version("scenario", "dry-year", info.value.kept.number)[1]
    assert kept == {"name": "tab 1"}
    other.close()


def test_diff_lists_changes_and_gep_effect(store):
    store.draft_set_override("mini", f"{PRICE}*=2", "bob")
    store.publish("coefset", "mini", "bob", "double")
    ds = load_dataset(MINI)
    out = store.diff("mini", 1, 2, dataset=ds)
    assert out["year"] == max(ds.years)
    old_set = load_set(MINI_SETS / "mini")
    new_set = load_set(MINI_SETS / "mini", overrides=[f"{PRICE}*=2"])
    [row] = out["coefficients"]
    assert row["id"] == PRICE and row["ratio"] == pytest.approx(2)
    assert row["old"] == pytest.approx(old_set.quantity(PRICE, out["year"]).magnitude)
    assert row["new"] == pytest.approx(2 * row["old"])
    g_old = account(ds, old_set).gep().sel(year=out["year"])
    g_new = account(ds, new_set).gep().sel(year=out["year"])
    by_region = {r["region"]: r for r in out["gep"]}
    for code in ds.counties:
        assert by_region[code]["old"] == pytest.approx(float(g_old.sel(region=code)))
        assert by_region[code]["new"] == pytest.approx(float(g_new.sel(region=code)))
        assert by_region[code]["change"] > 0  # more carbon value, nothing else changed
    assert by_region["total"]["change"] == pytest.approx(float(g_new.sum()) - float(g_old.sum()))
    assert store.diff("mini", 2, 2)["coefficients"] == []


def test_export_import_round_trip(store, tmp_path):
    store.draft_set_override("mini", f"{PRICE}*=2", "bob")
    v = store.publish("coefset", "mini", "bob", "double")
    folder = store.export_set("mini", tmp_path / "exported")
    assert (folder / "set.yaml").exists() and (folder / "overrides.txt").exists()
    cs, _ = store.coefficient_set("mini")
    from gep.store.content import import_set_folder, set_from_content

    assert set_from_content(import_set_folder(folder), tmp_path / "c").hash == cs.hash
    again = store.import_set("mini", folder, "bob", "round trip")
    assert again.hash == v.hash and again.parent == v.number
    assert store.audit(action="export")[-1]["to"] == str(v.number)


def test_dataset_versions_and_results_record_versions(store):
    v = store.import_dataset("mini", MINI, "bob", "initial upload")
    ds = load_dataset(store.dataset_folder("mini"))
    assert ds.hash == load_dataset(MINI).hash
    store.draft_set_override("mini", f"{PRICE}*=2", "bob")
    store.publish("coefset", "mini", "bob", "double")
    cs, source = store.coefficient_set("mini")
    acc = account(ds, cs)
    with pytest.raises(PermissionDenied):
        store.record_result("alice", acc, "not mine to publish", coefset_source=source)
    rid = store.record_result(
        "bob", acc, "2021 account", coefset_source=source, dataset_version=("mini", v.number)
    )
    [res] = store.results()
    assert res["id"] == rid
    assert (res["coefset_version"], res["dataset_version"]) == (2, v.number)
    assert res["coefset_hash"] == cs.hash and res["dataset_hash"] == ds.hash


def test_audit_log_is_append_only_in_the_database(store, env):
    store.log("alice", "export", "coefset:mini")
    engine = create_engine(env)
    for sql in ("UPDATE audit SET reason = 'x'", "DELETE FROM audit"):
        with pytest.raises(Exception, match="append-only"), engine.begin() as c:
            c.execute(text(sql))
    engine.dispose()
    assert len(store.audit()) == 6  # 5 users added + the export


def test_one_store_shared_by_many_threads(store):
    """The app shares one Store between browser sessions (threads): concurrent writes queue,
    none is lost, the log has every one of them."""
    users = [f"u{i}" for i in range(6)]
    for u in users:
        store.add_user(u, "analyst")
    errors: list[Exception] = []

    def work(u):
        try:
            for k in range(3):
                store.save_draft("scenario", f"s-{u}", u, {"k": k})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    for u in users:
        d = store.draft("scenario", f"s-{u}", u)
        assert (d["content"], d["revision"]) == ({"k": 2}, 3)
    assert len(store.audit(action="draft.save")) == 18


def test_dataset_versions_diff_rows_and_gep(store, tmp_path):
    import shutil

    import pandas as pd

    store.import_dataset("mini", MINI, "bob", "v1")
    changed = tmp_path / "mini2"
    shutil.copytree(MINI, changed)
    inv = pd.read_csv(changed / "inventory.csv", dtype=str, keep_default_na=False)
    hydro = (inv["item"] == "hydropower.generation") & (inv["region"] == "100001")
    old_values = inv.loc[hydro, "value"].astype(float).tolist()
    inv.loc[hydro, "value"] = [str(2 * v) for v in old_values]
    inv.loc[hydro, "source"] = "county hydropower statistics (test)"
    inv.to_csv(changed / "inventory.csv", index=False)
    store.import_dataset("mini", changed, "bob", "v2: real hydropower")
    cs = load_set(MINI_SETS / "mini")
    out = store.diff_dataset("mini", 1, 2, coefficients=cs)
    assert {r["change"] for r in out["rows"]} == {"changed"}
    assert len(out["rows"]) == len(old_values)
    assert all(
        r["region"] == "100001" and r["item"] == "hydropower.generation" for r in out["rows"]
    )
    assert sorted(r["value_new"] / r["value_old"] for r in out["rows"]) == pytest.approx(
        [2.0] * len(old_values)
    )
    by = {r["region"]: r for r in out["gep"]}
    year = out["gep"][0]["year"]
    hydro_value = float(
        account(load_dataset(MINI), cs).value.sel(
            region="100001", year=year, indicator="material.hydropower"
        )
    )
    assert by["100001"]["change"] == pytest.approx(hydro_value)  # hydropower value doubled
    assert by["100002"]["change"] == pytest.approx(0.0)
