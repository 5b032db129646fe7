"""``gep users | draft | publish | versions | audit``: the versioned store from the command line.

Local mode: the store is ``$GEP_WORKSPACE/gep.sqlite`` (or ``GEP_DATABASE_URL``); users and
their roles live in the store and ``--user NAME`` says who acts. Refusals (wrong role, no
reason, a draft that does not validate) exit with code 2 and are in the audit log; a
publication that lost a race exits with code 3 (its content is kept as its own version).
"""

from __future__ import annotations

import functools
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from ..safeio import dumps_json
from .common import ShortFmt, fail, user_errors

users_app = typer.Typer(no_args_is_help=True, help="Users and roles of the store.")
draft_app = typer.Typer(no_args_is_help=True, help="Your private draft of a coefficient set.")
versions_app = typer.Typer(
    no_args_is_help=True, help="Versions of a coefficient set: list, diff, import, export."
)


class Role(StrEnum):
    viewer = "viewer"
    analyst = "analyst"
    approver = "approver"
    admin = "admin"


class Kind(StrEnum):
    coefset = "coefset"
    dataset = "dataset"
    scenario = "scenario"


KIND_OPT = typer.Option("--kind", help="coefset (default) | dataset | scenario")


class AuditFmt(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _store():
    from ..store import Store

    return Store()


def conflicts(func):
    """A lost race exits with code 3 and says what was kept."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from ..store import ConflictError

        try:
            return func(*args, **kwargs)
        except ConflictError as exc:
            fail(f"conflict: {exc.problems[0].message}", code=3)

    return wrapper


# ---- users ------------------------------------------------------------------------------


@users_app.command("add")
@user_errors
def users_add(
    name: Annotated[str, typer.Argument(help="user name")],
    role: Annotated[Role, typer.Option("--role", help="viewer | analyst | approver | admin")],
    oidc_subject: Annotated[
        str | None, typer.Option(help="the identity provider's subject (st.user.sub) for this user")
    ] = None,
    email: Annotated[str | None, typer.Option(help="e-mail shown by the identity provider")] = None,
):
    """Add a user (or change its role). Local administration: acts as the local admin."""
    with _store() as st:
        st.add_user(name, role.value, oidc_subject=oidc_subject, email=email)
    typer.echo(f"user {name}: {role.value}")


@users_app.command("list")
@user_errors
def users_list(fmt: Annotated[ShortFmt, typer.Option("--format", "-f")] = ShortFmt.table):
    """List the users and their roles."""
    with _store() as st:
        rows = st.users()
    if fmt is ShortFmt.json:
        typer.echo(dumps_json(rows, ensure_ascii=False, indent=1))
    elif rows:
        typer.echo(pd.DataFrame(rows).to_string(index=False))
    else:
        typer.echo("no users yet (gep users add NAME --role …)")


# ---- drafts -----------------------------------------------------------------------------


@draft_app.command("set")
@user_errors
@conflicts
def draft_set(
    set_name: Annotated[str, typer.Argument(metavar="SET", help="coefficient set, e.g. ankang")],
    override: Annotated[
        str, typer.Argument(help="ID=VALUE[ UNIT][@PRICEYEAR], ID*=FACTOR, ID+=DELTA")
    ],
    user: Annotated[str, typer.Option("--user", help="whose draft (analyst or higher)")],
    year: Annotated[
        int | None, typer.Option(help="year the change is checked at (default: latest)")
    ] = None,
):
    """Add an override to your private draft of SET (validated; invisible to other users)."""
    with _store() as st:
        out = st.draft_set_override(set_name, override, user, year=year)
    for w in out["warnings"]:
        typer.echo(f"warning: {w}", err=True)
    typer.echo(
        f"draft of {set_name} for {user} (revision {out['revision']}): "
        + "; ".join(out["content"].get("overrides", []))
    )


@draft_app.command("show")
@user_errors
def draft_show(
    set_name: Annotated[str, typer.Argument(metavar="SET")],
    user: Annotated[str, typer.Option("--user")],
):
    """Show your draft of SET."""
    with _store() as st:
        st.user(user)
        d = st.draft("coefset", set_name, user)
    if d is None:
        fail(f"error: {user} has no draft of {set_name}")
    typer.echo(dumps_json(d, ensure_ascii=False, indent=1))


@draft_app.command("discard")
@user_errors
def draft_discard(
    set_name: Annotated[str, typer.Argument(metavar="SET")],
    user: Annotated[str, typer.Option("--user")],
    reason: Annotated[str, typer.Option(help="why (kept in the audit log)")] = "",
):
    """Discard your draft of SET (logged)."""
    with _store() as st:
        done = st.discard_draft("coefset", set_name, user, reason)
    typer.echo("discarded" if done else "no draft to discard")


# ---- publish ----------------------------------------------------------------------------


@user_errors
@conflicts
def publish_cmd(
    set_name: Annotated[str, typer.Argument(metavar="SET", help="coefficient set")],
    user: Annotated[str, typer.Option("--user", help="the approver publishing")],
    reason: Annotated[str, typer.Option("--reason", help="why (required, kept in the log)")] = "",
    draft: Annotated[
        str | None, typer.Option("--draft", help="whose draft to publish (default: --user's own)")
    ] = None,
):
    """Make a draft the official (published) version of SET — approvers only, with a reason."""
    with _store() as st:
        v = st.publish("coefset", set_name, user, reason, draft_owner=draft)
    typer.echo(f"published {set_name} version {v.number} (hash {v.hash[:16]}, parent {v.parent})")


# ---- versions ---------------------------------------------------------------------------


@versions_app.command("list")
@user_errors
def versions_list(
    set_name: Annotated[str, typer.Argument(metavar="SET")],
    fmt: Annotated[ShortFmt, typer.Option("--format", "-f")] = ShortFmt.table,
    kind: Annotated[Kind, KIND_OPT] = Kind.coefset,
):
    """Every stored version of SET (number, parent, author, time, message, hash, published)."""
    with _store() as st:
        rows = [v.as_dict() for v in st.versions(kind.value, set_name)]
    if fmt is ShortFmt.json:
        typer.echo(dumps_json(rows, ensure_ascii=False, indent=1))
        return
    if not rows:
        typer.echo(f"no versions of {set_name} in the store")
        return
    df = pd.DataFrame(rows)
    df["parent"] = df["parent"].astype("Int64").astype(str).replace("<NA>", "")
    df["hash"] = df["hash"].str[:16]
    df["published"] = df["published"].map({True: "★ published", False: ""})
    typer.echo(
        df[["number", "parent", "author", "time", "published", "hash", "message"]].to_string(
            index=False
        )
    )


def _default_dataset() -> Path | None:
    import os

    env = os.environ.get("GEP_DATASET")
    for cand in (
        env,
        "datasets/ankang",
        Path(__file__).resolve().parents[2] / "datasets" / "ankang",
    ):
        if cand and (Path(cand) / "regions.csv").exists():
            return Path(cand)
    return None


@versions_app.command("diff")
@user_errors
def versions_diff(
    set_name: Annotated[str, typer.Argument(metavar="SET")],
    old: Annotated[int | None, typer.Argument(help="old version (default: parent of NEW)")] = None,
    new: Annotated[
        int | None, typer.Argument(help="new version (default: the published one)")
    ] = None,
    dataset: Annotated[
        Path | None,
        typer.Option(help="dataset for the GEP effect (default: $GEP_DATASET or datasets/ankang)"),
    ] = None,
    year: Annotated[int | None, typer.Option(help="year (default: the dataset's latest)")] = None,
    fmt: Annotated[ShortFmt, typer.Option("--format", "-f")] = ShortFmt.table,
    kind: Annotated[Kind, KIND_OPT] = Kind.coefset,
    coefficients: Annotated[
        str | None,
        typer.Option(
            "--coefficients", "-c", help="with --kind dataset: the set for the GEP effect"
        ),
    ] = None,
):
    """Which coefficients (or, with --kind dataset, inventory rows) changed from OLD to NEW,
    and the effect on GEP by county."""
    from ..inventory import load_dataset
    from ..store import NotFound

    if kind is Kind.dataset:
        return _dataset_diff(set_name, old, new, coefficients, fmt)
    with _store() as st:
        versions = st.versions("coefset", set_name)
        if not versions:
            raise NotFound(f"no versions of {set_name} in the store", file=set_name)
        if new is None:
            pub = [v for v in versions if v.published]
            new = pub[0].number if pub else versions[-1].number
        if old is None:
            parent = next(v.parent for v in versions if v.number == new)
            old = parent if parent is not None else new
        path = dataset or _default_dataset()
        ds = load_dataset(path) if path is not None else None
        out = st.diff(set_name, old, new, dataset=ds, year=year)
    if fmt is ShortFmt.json:
        typer.echo(dumps_json(out, ensure_ascii=False, indent=1, default=str))
        return
    typer.echo(f"{set_name}: version {old} → {new}, values resolved for {out['year']}")
    if out["coefficients"]:
        df = pd.DataFrame(out["coefficients"])
        typer.echo(df.to_string(index=False, float_format=lambda x: f"{x:.6g}"))
    else:
        typer.echo("no coefficient changed")
    if out["gep"]:
        typer.echo(f"\nGEP by county, {out['year']} [万元], dataset {path}:")
        df = pd.DataFrame(out["gep"])
        for c in ("old", "new", "change"):
            df[c] = df[c] / 1e4
        with pd.option_context("display.float_format", "{:,.2f}".format):
            typer.echo(df.to_string(index=False))


def _dataset_diff(name, old, new, coefficients, fmt) -> None:
    from ..inventory import load_dataset
    from ..store import NotFound
    from .common import resolve_coefficients

    with _store() as st:
        versions = st.versions("dataset", name)
        if not versions:
            raise NotFound(f"no versions of dataset {name} in the store", file=name)
        if new is None:
            pub = [v for v in versions if v.published]
            new = pub[0].number if pub else versions[-1].number
        if old is None:
            parent = next(v.parent for v in versions if v.number == new)
            old = parent if parent is not None else new
        ds = load_dataset(st.dataset_folder(name, new))
    cs, _ = resolve_coefficients(ds, coefficients)
    with _store() as st:
        out = st.diff_dataset(name, old, new, coefficients=cs)
    if fmt is ShortFmt.json:
        typer.echo(dumps_json(out, ensure_ascii=False, indent=1, default=str))
        return
    typer.echo(f"dataset {name}: version {old} → {new}; {len(out['rows'])} row(s) differ")
    if out["rows"]:
        typer.echo(pd.DataFrame(out["rows"]).to_string(index=False))
    if out["gep"]:
        df = pd.DataFrame(out["gep"])
        for c in ("old", "new", "change"):
            df[c] = df[c] / 1e4
        typer.echo(f"\nGEP by county [万元], coefficients {cs.name}:")
        with pd.option_context("display.float_format", "{:,.2f}".format):
            typer.echo(df.to_string(index=False))


@versions_app.command("import")
@user_errors
@conflicts
def versions_import(
    set_name: Annotated[str, typer.Argument(metavar="SET")],
    folder: Annotated[Path, typer.Argument(help="coefficient-set (or dataset) folder")],
    user: Annotated[str, typer.Option("--user")],
    reason: Annotated[str, typer.Option("--reason")] = "",
    kind: Annotated[Kind, KIND_OPT] = Kind.coefset,
):
    """Publish a coefficient-set folder (or a dataset folder, validated first) as a new
    version of SET (approvers only)."""
    with _store() as st:
        if kind is Kind.dataset:
            v = st.import_dataset(set_name, folder, user, reason)
        else:
            v = st.import_set(set_name, folder, user, reason)
    typer.echo(f"imported {folder} as {set_name} version {v.number}")


@versions_app.command("export")
@user_errors
def versions_export(
    set_name: Annotated[str, typer.Argument(metavar="SET")],
    out: Annotated[Path, typer.Option("--out", "-o", help="new folder to write")],
    version: Annotated[int | None, typer.Option(help="version (default: published)")] = None,
    user: Annotated[str, typer.Option("--user")] = "local",
):
    """Write a version as a coefficient-set folder (the exchange format)."""
    with _store() as st:
        st.export_set(set_name, out, version, user=user)
    typer.echo(f"written: {out}")


# ---- audit ------------------------------------------------------------------------------


def audit_cmd(
    fmt: Annotated[AuditFmt, typer.Option("--format", "-f")] = AuditFmt.table,
    user: Annotated[str | None, typer.Option(help="only this user")] = None,
    action: Annotated[str | None, typer.Option(help="only actions starting with this")] = None,
    obj: Annotated[
        str | None, typer.Option("--object", help="only objects containing this")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="the last N entries")] = None,
):
    """The audit log: time, user, action, object, from, to, reason (oldest first)."""
    from ..store import store_exists

    if not store_exists():
        rows: list[dict] = []
    else:
        with _store() as st:
            rows = st.audit(user=user, action=action, obj=obj, limit=limit)
    if fmt is AuditFmt.json:
        typer.echo(dumps_json(rows, ensure_ascii=False, indent=1))
        return
    cols = ["time", "user", "action", "object", "from", "to", "reason", "ok"]
    df = pd.DataFrame(rows, columns=cols).fillna("")
    if fmt is AuditFmt.csv:
        typer.echo(df.to_csv(index=False), nl=False)
    elif df.empty:
        typer.echo("the audit log is empty")
    else:
        with pd.option_context("display.width", 250, "display.max_colwidth", 60):
            typer.echo(df.to_string(index=False))


def mount(app: typer.Typer, groups: bool = True) -> None:
    """Mount the store commands; ``groups=False``: only ``publish`` and ``audit`` (``gep``
    mounts ``users``, ``draft`` and ``versions`` on first use, see ``gep.cli.main``)."""
    if groups:
        app.add_typer(
            users_app, name="users", help="Users and roles (viewer, analyst, approver, admin)."
        )
        app.add_typer(draft_app, name="draft", help="Private drafts of coefficient sets.")
    app.command("publish")(publish_cmd)
    if groups:
        app.add_typer(versions_app, name="versions", help="Versions of a coefficient set.")
    app.command("audit")(audit_cmd)
