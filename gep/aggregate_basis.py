"""The aggregate (parent) region's own out-of-region basis: ``aggregate.csv``.

A county-level inventory gives each county's ``inflow`` and ``local_runoff``, seen from the
county (water from an upstream county of the same city is "outside" the county). A city
account needs the city's own basis: only water entering the city from outside it. A dataset
states it in ``aggregate.csv`` beside ``inventory.csv`` — same columns
(``region, year, item, ecosystem, species, value, unit, source``), rows only for the
aggregate region of ``regions.csv`` (the one parent of every county, e.g. 610900 安康市) and
only region-total items (no ecosystem / species). It is validated like the inventory (file,
row, field; every problem at once) and read by :func:`gep.accounting.account`, which then
gives the city total in the city perspective (:func:`gep.ledger.aggregate_ledger`).

Without the file nothing changes: city totals are the sum of county net values and say so.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import xarray as xr

from .catalog import item_spec
from .errors import InputError, Problem
from .inventory import INVENTORY_COLUMNS, Dataset, parse_inventory, read_table, to_xarray

#: file name of the aggregate region's basis in a dataset folder
AGGREGATE_FILE = "aggregate.csv"
#: at most this many rows (one region: items × years; a bigger file is a mistake)
MAX_ROWS = 10_000


@dataclass(frozen=True)
class AggregateBasis:
    """Validated rows of the aggregate region (values in canonical units)."""

    code: str  # the aggregate region (e.g. 610900)
    file: str
    table: pd.DataFrame  # canonical long table with file row numbers
    data: xr.Dataset  # one variable per item over ``year`` [canonical units]

    @property
    def hash(self) -> str:
        cols = ["region", "year", "item", "value", "unit", "source"]
        text = self.table[cols].sort_values(cols[:3]).to_csv(index=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def provenance(self) -> dict:
        return {
            "file": self.file,
            "region": self.code,
            "rows": len(self.table),
            "items": sorted(set(self.table["item"].astype(str))),
            "hash": self.hash,
        }

    def sources(self, item: str) -> list[str]:
        t = self.table[self.table["item"].astype(str) == item]
        return sorted(set(t["source"].astype(str)))


def find_aggregate_file(folder: str | Path) -> Path | None:
    p = Path(folder) / AGGREGATE_FILE
    return p if p.is_file() else None


def parse_aggregate(df: pd.DataFrame, dataset: Dataset, file: str, first_row: int = 2):
    """Validate the raw string frame of ``aggregate.csv`` against ``dataset``.

    Returns an :class:`AggregateBasis`. Raises :class:`InputError` listing every problem with
    file, row and field: a region that is not the dataset's aggregate region, an item with an
    ecosystem or species dimension, and everything the inventory checks (unknown item, unit,
    year outside the dataset years, negative or missing value, duplicate, missing source).
    """
    code = dataset.top_region
    if code is None:
        raise InputError(
            Problem(
                file,
                "an aggregate basis needs regions.csv to name one parent region of every "
                "county (column 'parent')",
            )
        )
    missing = [c for c in INVENTORY_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(
            Problem(
                file,
                f"missing column(s): {', '.join(missing)}; expected {', '.join(INVENTORY_COLUMNS)}",
            )
        )
    if df.empty:
        raise InputError(Problem(file, "the aggregate basis has no rows"))
    if len(df) > MAX_ROWS:
        raise InputError(
            Problem(
                file,
                f"{len(df):,} rows; an aggregate basis holds one region's items per year "
                f"(at most {MAX_ROWS:,} rows)",
            )
        )
    problems: list[Problem] = []
    for n, (region, item) in enumerate(zip(df["region"], df["item"], strict=True)):
        row = n + first_row
        if str(region) != code:
            problems.append(
                Problem(
                    file,
                    f"region {region!r}: {AGGREGATE_FILE} holds only the aggregate region "
                    f"{code} ({dataset.region_name(code)}); county rows go in the inventory",
                    row,
                    "region",
                )
            )
        spec = item_spec(str(item))
        if spec is not None and ({"ecosystem", "species"} & set(spec.dims)):
            problems.append(
                Problem(
                    file,
                    f"item {item!r} has an ecosystem/species dimension; an aggregate basis "
                    "holds region totals only",
                    row,
                    "item",
                )
            )
    # the inventory's own checks (item, unit, year, value, source, duplicates), with the
    # aggregate region as the only (leaf) region
    regions = dataset.regions.loc[[code]].copy()
    regions["parent"] = ""
    try:
        table = parse_inventory(df, regions, file, first_row, years=dataset.years)
    except InputError as exc:
        # rows of other regions were already reported with a clearer message
        problems += [
            p
            for p in exc.problems
            if not (p.field == "region" and "not in regions.csv" in p.message)
        ]
        raise InputError(problems) from None
    if problems:
        raise InputError(problems)
    data = to_xarray(table, [code], dataset.years).isel(region=0, drop=True)
    return AggregateBasis(code=code, file=file, table=table, data=data)


def load_aggregate_basis(dataset: Dataset) -> AggregateBasis | None:
    """The dataset folder's ``aggregate.csv`` (None when the folder has none)."""
    if not dataset.path:
        return None
    found = find_aggregate_file(dataset.path)
    if found is None:
        return None
    df, first = read_table(found, encoding=dataset.meta.get("encoding"))
    return parse_aggregate(df, dataset, str(found), first)
