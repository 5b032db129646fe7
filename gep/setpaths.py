"""Where a coefficient set's ``extends`` may point (issue 16).

``extends`` names another set by name or path. It is resolved only inside the *coefficient
roots* — the folder that holds the set being loaded, the project's ``coefficients/``
(``$GEP_COEFFICIENTS``), ``./coefficients``, the root a caller passes (a dataset's own
``coefficients/``), the dashboard workspace (``$GEP_WORKSPACE``), the folders the operator
configured (``$GEP_COEFFICIENT_SET``'s parent, ``$GEP_DATASET/coefficients``) and any listed
in ``$GEP_COEFFICIENT_ROOTS`` (``os.pathsep``-separated) — so
``extends: ../../../../elsewhere`` cannot pull prices from an arbitrary folder. Chains are
compared by resolved path, so a cycle through ``..`` spellings is reported, not followed forever.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import InputError, Problem

MAX_CHAIN = 16


def workspace_root() -> Path:
    env = os.environ.get("GEP_WORKSPACE")
    return Path(env).expanduser() if env else Path.home() / ".gep_workspace"


def coefficient_roots(first: Path, extra: Iterable[Path | None] = ()) -> list[Path]:
    """Resolved folders within which ``extends`` may resolve."""
    from .coefficients import default_root

    candidates = [first.parent, default_root(), Path.cwd() / "coefficients", workspace_root()]
    candidates += [p for p in extra if p is not None]
    # roots the operator configured for the dashboard (not user input)
    env = os.environ
    if env.get("GEP_COEFFICIENT_SET"):
        candidates.append(Path(env["GEP_COEFFICIENT_SET"]).parent)
    if env.get("GEP_DATASET"):
        candidates.append(Path(env["GEP_DATASET"]) / "coefficients")
    candidates += [Path(p) for p in env.get("GEP_COEFFICIENT_ROOTS", "").split(os.pathsep) if p]
    out: list[Path] = []
    for c in candidates:
        r = Path(c).expanduser().resolve()
        if r not in out:
            out.append(r)
    return out


def _inside(path: Path, roots: Sequence[Path]) -> bool:
    return any(path == r or path.is_relative_to(r) for r in roots)


def resolve_extends(
    parent: object, current: Path, roots: Sequence[Path], chain: Sequence[Path]
) -> Path:
    """The resolved folder of the set that ``current`` extends, or an ``InputError``.

    Parameters
    ----------
    parent : str
        The ``extends`` value (a set name, or a path relative to ``current``'s folder).
    current : Path
        The set folder whose ``set.yaml`` holds ``parent``.
    roots : sequence of Path
        Resolved coefficient roots (:func:`coefficient_roots`).
    chain : sequence of Path
        Resolved folders already in the chain (for cycle detection).
    """
    where = str(current / "set.yaml")
    if not isinstance(parent, str) or not parent.strip() or len(parent) > 500:
        raise InputError(Problem(where, "'extends' must be a set name", field="extends"))
    text = parent.strip()
    if "\x00" in text:
        raise InputError(Problem(where, "'extends' contains a NUL byte", field="extends"))
    p = Path(text).expanduser()
    candidates = [p] if p.is_absolute() else [current.parent / p, *(r / p for r in roots)]
    found: Path | None = None
    outside: Path | None = None
    for cand in candidates:
        try:
            resolved = cand.resolve()
        except (OSError, RuntimeError):
            continue
        if not (resolved / "set.yaml").is_file():
            continue
        if not _inside(resolved, roots):
            outside = outside or resolved
            continue
        found = resolved
        break
    if found is None:
        if outside is not None:
            raise InputError(
                Problem(
                    where,
                    f"'extends: {text}' points outside the coefficient folders "
                    f"({', '.join(str(r) for r in roots)}) / 只能继承系数目录中的系数集",
                    field="extends",
                )
            )
        raise InputError(
            Problem(where, f"no coefficient set '{text}' found to extend", field="extends")
        )
    if found in chain:
        loop = " → ".join(str(c) for c in [*chain, found])
        raise InputError(Problem(where, f"circular 'extends': {loop} / 循环继承", field="extends"))
    if len(chain) >= MAX_CHAIN:
        raise InputError(
            Problem(where, f"'extends' chain longer than {MAX_CHAIN} sets", field="extends")
        )
    return found
