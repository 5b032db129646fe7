"""Pieces shared by the ``gep`` sub-commands (core, scenarios, carbon).

Kept apart from :mod:`gep.cli` so that sub-command modules can import them without importing
the command tree that mounts them.
"""

from __future__ import annotations

import functools
import os
from enum import StrEnum
from pathlib import Path

import pint
import typer

from ..errors import InputError, Problem


class Fmt(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


class ShortFmt(StrEnum):
    table = "table"
    json = "json"


def fail(message: str, code: int = 2) -> None:
    """Print ``message`` on stderr and exit (code 2: bad input)."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


def user_errors(func):
    """Turn input errors into a message and exit code 2 (never a traceback)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            fail(f"error: {exc}")
        except pint.DimensionalityError as exc:
            fail(f"error: unit mismatch: {exc}")
        except FileNotFoundError as exc:
            fail(f"error: {exc}")

    return wrapper


def dataset_coefficients(ds, name: str | None = None, overrides=()):
    """The set named on the command line, else the dataset's own (looked up beside it first)."""
    from ..coefficients import load_set

    root = Path(ds.path).parent / "coefficients" if ds.path else None
    return load_set(name or ds.default_coefficients, overrides=overrides, root=root)


def _is_folder(name: str | None) -> bool:
    return name is not None and ("/" in str(name) or "\\" in str(name) or Path(name).is_dir())


def store_configured() -> bool:
    """:func:`gep.store.store_exists` without importing the store (SQLAlchemy) when it is
    plainly absent: no ``GEP_DATABASE_URL`` and no default SQLite file. Any other case asks
    the store itself (same answer; tested against it)."""
    if not os.environ.get("GEP_DATABASE_URL", "").strip():
        env = os.environ.get("GEP_WORKSPACE")
        workspace = Path(env).expanduser() if env else Path.home() / ".gep_workspace"
        if not (workspace / "gep.sqlite").exists():
            return False
    from ..store import store_exists

    return store_exists()


def resolve_coefficients(ds, name: str | None = None, overrides=(), draft: str | None = None):
    """``(CoefficientSet, source)``: where the set comes from.

    A set *name* (not a folder) that the store holds is read from the store: its published
    version, or user ``draft``'s private draft. Otherwise the files, as before (a folder given
    with ``--coefficients`` is always read from the files).
    """
    set_name = name or ds.default_coefficients
    if draft and _is_folder(name):
        raise InputError(
            Problem(
                "--draft", "--draft needs a coefficient-set name held in the store, not a folder"
            )
        )
    if not _is_folder(name) and (draft or store_configured()):
        from ..store import Store, store_exists

        if not store_exists():
            raise InputError(
                Problem("--draft", "there is no store yet (GEP_WORKSPACE / GEP_DATABASE_URL)")
            )
        with Store() as st:
            st.files_root = Path(ds.path).parent / "coefficients" if ds.path else None
            got = st.coefficient_set(set_name, draft_user=draft, overrides=overrides)
        if got is not None:
            return got
    return dataset_coefficients(ds, name, overrides), {"kind": "files", "set": set_name}


def load_inputs(dataset: Path, coefficients: str | None = None, overrides=(), draft=None):
    """Load a dataset folder and its coefficient set (with overrides).

    The set is the store's published version when the store holds it, ``draft``'s private
    draft when given, else the files (see :func:`resolve_coefficients`).
    """
    from ..inventory import load_dataset

    ds = load_dataset(dataset)
    return ds, resolve_coefficients(ds, coefficients, overrides, draft)[0]


def log_file_export(out: Path, command: str, **detail) -> None:
    """An ``export`` entry in the audit log (local user) when a store exists: the file written
    and what it was made from."""
    if store_configured():
        from ..store import LOCAL_USER, Store

        with Store() as st:
            st.log(LOCAL_USER, "export", f"file:{out}", file=str(out), command=command, **detail)
