"""Pieces shared by the ``gep`` sub-commands (core, scenarios, carbon).

Kept apart from :mod:`gep.cli` so that sub-command modules can import them without importing
the command tree that mounts them.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from pathlib import Path

import pint
import typer

from ..errors import InputError


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


def load_inputs(dataset: Path, coefficients: str | None = None, overrides=()):
    """Load a dataset folder and its coefficient set (with overrides)."""
    from ..inventory import load_dataset

    ds = load_dataset(dataset)
    return ds, dataset_coefficients(ds, coefficients, overrides)
