"""Which coefficients (and which table keys) the account reads: the record a scenario stack
and Monte Carlo use to replace them by ``extra_coefficients`` arrays."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import xarray as xr

from ..accounting import Account, account
from ..coefficients import CoefficientSet
from ..inventory import Dataset


@dataclass
class Request:
    """How the account read one coefficient (from its record of reads)."""

    keys: list[str] | None = None  # union of the table keys asked for (None: scalar)
    all_keys: bool = False  # a table read without keys (the table's own keys)


def probe(
    data: Dataset | xr.Dataset, coefficients: CoefficientSet, **kwargs
) -> tuple[Account, dict[str, Request]]:
    """Run the deterministic account once; say which coefficients (and table keys) it read.

    Every coefficient — the forest carbon module's ``carbon.*`` parameters included — is read
    through the account's one route (:meth:`gep.indicators.base.Context.coef`), so the
    account's record of reads is complete and each of them can be replaced by an
    ``extra_coefficients`` array (scenario stacks, Monte Carlo draws).
    """
    acc = account(data, coefficients, **kwargs)
    requests: dict[str, Request] = {}
    for cid, keys in acc.coefficient_reads:
        req = requests.setdefault(cid, Request())
        c = coefficients.coefficients.get(cid)
        if c is None or c.by is None:
            continue
        if keys is None:
            req.all_keys = True
        else:
            req.keys = list(dict.fromkeys([*(req.keys or []), *map(str, keys)]))
    return acc, requests


def request_keys(
    coefficients: CoefficientSet, cid: str, req: Request, years: Sequence[int]
) -> list[str] | None:
    """Table keys an extra array for ``cid`` must hold (None for a scalar coefficient)."""
    c = coefficients[cid]
    if c.by is None:
        return None
    keys = list(req.keys or [])
    if req.all_keys:
        own = sorted({k for y in years for k in c.entry_for(y).value})
        keys = list(dict.fromkeys([*own, *keys]))
    return keys


def resolved(
    coefficients: CoefficientSet, cid: str, req: Request, years: Sequence[int]
) -> xr.DataArray:
    """The coefficient resolved for ``years`` over the keys the account reads, in its own unit."""
    return coefficients.array(cid, years, keys=request_keys(coefficients, cid, req, years))
