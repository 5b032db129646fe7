"""Coefficient sets: a YAML tree whose path is the id, values by date, a source per value.

File format and semantics: ``docs/coefficients.md``. In short:

* ``load_set("ankang")`` reads ``coefficients/ankang/`` and every set it ``extends``;
  problems in any file are collected and raised together as one :class:`InputError`.
* ``CoefficientSet.array(id, years, keys)`` resolves a coefficient for accounting years: the
  value in force on 1 January of each year, moved from its price year to that year with its
  price index, as an ``xarray.DataArray`` over ``year`` (and the table dimension).
* Overrides (:class:`Override`) — from ``--set``, scenarios or the app's editor — are applied
  on resolution; the files on disk are never changed.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import json
import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from . import ranges as _ranges
from . import schemas as _schemas
from ._lazydask import defer_dask_array_import
from .catalog import OUTPUT_GROUPS, ecosystem_catalog, item_spec
from .errors import InputError, MissingCoefficientError, Problem
from .schemas import BY_DIMS, DISTRIBUTIONS, STATUSES  # noqa: F401  (re-exported)
from .setpaths import coefficient_roots, resolve_extends
from .units import parse_unit, ureg
from .yamlio import MAX_YAML_BYTES, KeyLines, load_yaml, load_yaml_lines, loads_yaml_lines

defer_dask_array_import()  # xarray: no dask.array import until dask is used


def default_root() -> Path:
    """Folder holding the coefficient sets (``$GEP_COEFFICIENTS`` or the repo's
    ``coefficients/``)."""
    env = os.environ.get("GEP_COEFFICIENTS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1] / "coefficients"


# --------------------------------------------------------------------------------------------
# data classes


@dataclass(frozen=True)
class ValueEntry:
    """One dated value of a coefficient."""

    start: dt.date
    value: float | dict[str, float]
    status: str
    source: dict
    price_year: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class Coefficient:
    """One coefficient file, parsed and validated."""

    id: str
    unit: str
    values: tuple[ValueEntry, ...]
    description: dict = field(default_factory=dict)
    by: str | None = None
    price_index: str | None = None
    uncertainty: dict | None = None
    file: str = ""
    set_name: str = ""
    note: str | None = None
    range: tuple[float, float] = _ranges.DEFAULT_RANGE  # allowed values (issue 16)

    @functools.cached_property
    def is_money(self) -> bool:
        return "[currency]" in str(parse_unit(self.unit).dimensionality)

    def entry_for(self, year: int) -> ValueEntry:
        """The value in force on 1 January of ``year``."""
        day = dt.date(int(year), 1, 1)
        found = None
        for entry in self.values:
            if entry.start <= day:
                found = entry
        if found is None:
            first = self.values[0].start.isoformat()
            raise MissingCoefficientError(
                Problem(
                    self.file or self.id,
                    f"coefficient '{self.id}' has no value for {year} (first value applies from "
                    f"{first})",
                    field="values",
                )
            )
        return found

    def to_raw(self) -> dict:
        """Plain-dict form (as in a YAML file), used for hashing and for export."""
        raw: dict[str, Any] = {"description": self.description, "unit": self.unit}
        if self.by:
            raw["by"] = self.by
        if self.price_index:
            raw["price_index"] = self.price_index
        if self.uncertainty:
            raw["uncertainty"] = self.uncertainty
        if self.note:
            raw["note"] = self.note
        if self.range != _ranges.DEFAULT_RANGE:
            # only finite bounds: the loader reads an absent bound as unbounded and refuses
            # a non-finite one (an infinite max written out would not load back)
            raw["range"] = {
                k: v for k, v in zip(("min", "max"), self.range, strict=True) if math.isfinite(v)
            }
        raw["values"] = {}
        for e in self.values:
            item: dict[str, Any] = {"value": e.value}
            if e.price_year is not None:
                item["price_year"] = e.price_year
            item["status"] = e.status
            item["source"] = e.source
            if e.note:
                item["note"] = e.note
            raw["values"][e.start.isoformat()] = item
        return raw


_OVERRIDE_RE = re.compile(
    r"^\s*(?P<id>[A-Za-z0-9_.]+)(\[(?P<key>[^\]]+)\])?\s*(?P<op>=|\*=|\+=)\s*(?P<rest>.+?)\s*$"
)


@dataclass(frozen=True)
class Override:
    """A change to a coefficient applied on resolution (never written to the baseline files).

    ``op`` is ``set`` (absolute value), ``scale`` (×factor) or ``add`` (+delta). ``value`` is
    in ``unit`` (default: the coefficient's unit). An absolute money value is taken as the
    price of each accounting year unless ``price_year`` says which year's prices it is in.
    ``key`` limits a table override to one ecosystem/species/region; ``from_year`` makes it
    apply from that accounting year on.
    """

    id: str
    op: str
    value: float
    key: str | None = None
    unit: str | None = None
    price_year: int | None = None
    from_year: int | None = None
    origin: str = "override"

    @classmethod
    def parse(cls, text: str, origin: str = "--set") -> Override:
        """Parse ``ID=VALUE``, ``ID[KEY]=VALUE UNIT``, ``ID*=1.2``, ``ID+=5``, ``ID=70@2024``."""
        m = _OVERRIDE_RE.match(text)
        if not m:
            raise InputError(
                Problem(
                    origin,
                    f"cannot read override {text!r}; expected ID=VALUE, ID[KEY]=VALUE, ID*=FACTOR "
                    "or ID+=DELTA",
                )
            )
        rest = m.group("rest")
        price_year = None
        if "@" in rest:
            rest, _, year_text = rest.rpartition("@")
            try:
                price_year = int(year_text)
            except ValueError:
                raise InputError(
                    Problem(origin, f"price year {year_text!r} in {text!r} is not a year")
                ) from None
        number, _, unit = rest.strip().partition(" ")
        value = _ranges.parse_number(number, origin, text)  # finite, ASCII (issue 16)
        op = {"=": "set", "*=": "scale", "+=": "add"}[m.group("op")]
        unit = unit.strip() or None
        if unit is not None:
            try:
                parse_unit(unit)
            except ValueError as exc:
                raise InputError(Problem(origin, str(exc))) from None
        return cls(
            id=m.group("id"),
            op=op,
            value=value,
            key=m.group("key"),
            unit=unit,
            price_year=price_year,
            origin=origin,
        )

    def describe(self) -> str:
        key = f"[{self.key}]" if self.key else ""
        sym = {"set": "=", "scale": "×", "add": "+"}[self.op]
        unit = f" {self.unit}" if self.unit else ""
        extra = f" from {self.from_year}" if self.from_year else ""
        return f"{self.id}{key} {sym} {self.value:g}{unit}{extra}"


# --------------------------------------------------------------------------------------------
# parsing one file


def _as_date(key: Any) -> dt.date | None:
    if isinstance(key, dt.datetime):
        return key.date()
    if isinstance(key, dt.date):
        return key
    if isinstance(key, int) and 1900 <= key <= 2200:
        return dt.date(key, 1, 1)
    if isinstance(key, str):
        try:
            return dt.date.fromisoformat(key.strip())
        except ValueError:
            return None
    return None


def parse_coefficient(
    raw: Any, cid: str, file: str, set_name: str, lines: KeyLines | None = None
) -> tuple[Coefficient | None, list[Problem]]:
    """Validate one parsed YAML mapping; return the coefficient and every problem found.

    The structure is checked against :class:`gep.schemas.CoefficientFile` (keys, types,
    ``status``, ``by``, distributions); the checks below need context the schema cannot express
    (unit dimension, dates, table keys, money needs, ranges). ``lines`` adds YAML line numbers.
    """
    if not isinstance(raw, dict):
        msg = "a coefficient file must be a mapping with keys description, unit, values"
        return None, [Problem(file, msg)]
    problems = _schemas.validate("coefficient", raw, file, lines)

    def bad(message: str, *loc: Any) -> None:
        row = lines.line(loc) if lines is not None else None
        problems.append(Problem(file, message, row=row, field=".".join(map(str, loc))))

    unit = raw.get("unit")
    is_money = False
    if isinstance(unit, str):
        try:
            is_money = "[currency]" in str(parse_unit(unit).dimensionality)
        except ValueError as exc:
            bad(str(exc), "unit")
    by = raw.get("by")
    price_index = raw.get("price_index")
    description = raw.get("description") or {}
    if isinstance(description, str):
        description = {"en": description, "zh": description}
    uncertainty = raw.get("uncertainty")
    if isinstance(uncertainty, dict):
        problems += _uncertainty_semantics(uncertainty, file)
    values_raw = raw.get("values")
    entries: list[ValueEntry] = []
    for key, item in (values_raw or {}).items() if isinstance(values_raw, dict) else ():
        start = _as_date(key)
        where = key.isoformat() if isinstance(key, dt.date) else str(key)
        if start is None:
            bad(f"'{key}' is not a date (use YYYY-MM-DD)", "values", where)
            continue
        if not isinstance(item, dict):
            continue  # reported by the schema
        value = item.get("value")
        if by is None and isinstance(value, dict):
            bad("a table value needs 'by' (ecosystem, species, …)", "values", where, "value")
        elif by is not None and not isinstance(value, dict):
            bad(f"with 'by: {by}' the value must be a mapping {{{by}: number}}", "values", where)
        elif by in ("ecosystem", "product") and isinstance(value, dict):
            for k in value:
                if not _known_key(by, str(k)):
                    bad(_UNKNOWN_KEY[by].format(k), "values", where, "value", k)
        source = item.get("source")
        if isinstance(source, str):
            source = {"title": source}
        source = source if isinstance(source, dict) else {}
        if item.get("status") == "illustrative" and not (item.get("note") or source.get("note")):
            bad("an illustrative value needs a 'note' saying how it was made", "values", where)
        price_year = item.get("price_year")
        if is_money and not isinstance(price_year, int):
            bad("a money value needs 'price_year' (e.g. 2010)", "values", where, "price_year")
        if isinstance(value, dict):
            value = {str(k): float(v) for k, v in value.items() if _is_number(v)}
        entries.append(
            ValueEntry(
                start=start,
                value=float(value) if _is_number(value) else value,
                status=item.get("status") or "",
                source=source,
                price_year=price_year if isinstance(price_year, int) else None,
                note=item.get("note"),
            )
        )
    if is_money and not price_index:
        bad("a money coefficient needs 'price_index' (e.g. price_index.cpi)", "price_index")
    if problems:
        return None, problems
    spec = raw.get("range")
    if isinstance(spec, dict):  # ±inf = no bound (the schema refuses NaN)
        spec = {k: v for k, v in spec.items() if not (_is_float(v) and np.isinf(v))} or None
    value_range, range_problems = _ranges.declared_range(spec, file)
    problems += range_problems or _ranges.check_entries(value_range, entries, file)
    if problems:
        return None, problems
    entries.sort(key=lambda e: e.start)
    return (
        Coefficient(
            id=cid,
            unit=str(unit),
            values=tuple(entries),
            description=description,
            by=by,
            price_index=price_index,
            uncertainty=uncertainty,
            file=file,
            set_name=set_name,
            note=raw.get("note"),
            range=value_range,
        ),
        problems,
    )


_UNKNOWN_KEY = {
    "ecosystem": "unknown ecosystem code '{}'",
    "product": "unknown product '{}' (use <group>.<product> of an output.* item, or a group: "
    + ", ".join(OUTPUT_GROUPS)
    + ")",
}


def _known_key(by: str, key: str) -> bool:
    if by == "ecosystem":
        known = ecosystem_catalog()
        return key in known or key in {e.level1 for e in known.values()}
    if by == "product":  # output.<group>.<product> items, or a whole group
        return key in OUTPUT_GROUPS or item_spec(f"output.{key}") is not None
    return True


def _is_float(v: Any) -> bool:
    return isinstance(v, float)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and np.isfinite(v)


def _uncertainty_semantics(spec: dict, file: str) -> list[Problem]:
    # what the schema cannot say: the keys each distribution needs, low ≤ high, sd ≥ 0
    problems = []
    dist = spec.get("distribution")
    for k in sorted(DISTRIBUTIONS.get(dist, set()) - set(spec)):
        problems.append(Problem(file, f"{dist} uncertainty needs '{k}'", field=f"uncertainty.{k}"))
    if (
        dist in ("triangular", "uniform")
        and _is_number(spec.get("low"))
        and _is_number(spec.get("high"))
        and spec["low"] > spec["high"]
    ):
        problems.append(Problem(file, "low must not exceed high", field="uncertainty.low"))
    if _is_number(spec.get("sd")) and spec["sd"] < 0:
        problems.append(Problem(file, "sd must be ≥ 0", field="uncertainty.sd"))
    return problems


def _check_uncertainty(spec: Any, file: str) -> list[Problem]:
    """Problems of an ``uncertainty`` mapping (schema, then the distribution's needs)."""
    problems = _schemas.validate_part(_schemas.Uncertainty, spec, file, ("uncertainty",))
    if problems or not isinstance(spec, dict):
        return problems
    return _uncertainty_semantics(spec, file)


# --------------------------------------------------------------------------------------------
# the set


class CoefficientSet:
    """All coefficients of a set (after ``extends``), plus overrides applied on resolution."""

    def __init__(
        self,
        name: str,
        coefficients: dict[str, Coefficient],
        *,
        description: dict | None = None,
        path: str | None = None,
        chain: Sequence[str] = (),
        overrides: Sequence[Override] = (),
    ):
        self.name = name
        self.description = description or {}
        self.path = path
        self.chain = tuple(chain)
        self.coefficients = dict(sorted(coefficients.items()))
        self.overrides: tuple[Override, ...] = tuple(overrides)
        self._index_cache: dict[str, dict[int, float]] = {}
        # resolved arrays by (id, years, keys, unit); the set is immutable, so never stale
        self._array_cache: dict[tuple, xr.DataArray] = {}
        self._hash: str | None = None  # the set is immutable once built
        problems = [p for o in self.overrides for p in self._check_override(o)]
        if problems:
            raise InputError(problems)

    # -- identity -------------------------------------------------------------------------
    def __contains__(self, cid: str) -> bool:
        return cid in self.coefficients

    def __getitem__(self, cid: str) -> Coefficient:
        try:
            return self.coefficients[cid]
        except KeyError:
            raise MissingCoefficientError(
                Problem(self.path or self.name, f"coefficient '{cid}' is not in set '{self.name}'")
            ) from None

    def ids(self, prefix: str = "") -> list[str]:
        return [c for c in self.coefficients if c.startswith(prefix)]

    @property
    def hash(self) -> str:
        """Content hash of everything that can change a result (values, units, overrides)."""
        if self._hash is None:
            self._hash = self._compute_hash()
        return self._hash

    def _compute_hash(self) -> str:
        payload = {
            "coefficients": {cid: c.to_raw() for cid, c in self.coefficients.items()},
            "overrides": [o.__dict__ for o in self.overrides],
        }
        text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    # -- derived sets -----------------------------------------------------------------------
    def with_overrides(
        self, overrides: Iterable[Override | str], name: str | None = None
    ) -> CoefficientSet:
        parsed = [o if isinstance(o, Override) else Override.parse(o) for o in overrides]
        return CoefficientSet(
            name or self.name,
            self.coefficients,
            description=self.description,
            path=self.path,
            chain=self.chain,
            overrides=[*self.overrides, *parsed],
        )

    def with_coefficients(
        self, replaced: dict[str, Coefficient], name: str | None = None
    ) -> CoefficientSet:
        """A copy in which some coefficients are replaced wholesale (e.g. edited in the app)."""
        merged = {**self.coefficients, **replaced}
        return CoefficientSet(
            name or self.name,
            merged,
            description=self.description,
            path=self.path,
            chain=self.chain,
            overrides=self.overrides,
        )

    def _check_override(self, o: Override) -> list[Problem]:
        if o.id not in self.coefficients:
            close = [c for c in self.coefficients if c.split(".")[-1] == o.id.split(".")[-1]][:3]
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            return [Problem(o.origin, f"override names unknown coefficient '{o.id}'{hint}")]
        c = self.coefficients[o.id]
        if o.key is not None and c.by is None:
            return [Problem(o.origin, f"'{o.id}' is not a table; remove [{o.key}]")]
        indices = {x.price_index for x in self.coefficients.values() if x.price_index}
        if problems := _ranges.check_override(c, o, indices):
            return problems
        if o.unit is not None and o.op != "scale":
            try:
                ureg.Quantity(1.0, parse_unit(o.unit)).to(parse_unit(c.unit))
            except Exception:
                return [Problem(o.origin, f"unit '{o.unit}' does not fit '{o.id}' (unit {c.unit})")]
        return []

    # -- price indices --------------------------------------------------------------------
    def index_series(self, index_id: str) -> dict[int, float]:
        """Chained index levels {year: level}, first year of the series = 100."""
        if index_id in self._index_cache:
            return self._index_cache[index_id]
        c = self[index_id]
        levels: dict[int, float] = {}
        years = sorted(e.start.year for e in c.values)
        by_year = {e.start.year: float(e.value) for e in c.values}
        for i, year in enumerate(years):
            if i == 0:
                levels[year] = 100.0
                continue
            if year != years[i - 1] + 1:
                raise InputError(
                    Problem(
                        c.file, f"price index '{index_id}' has a gap before {year}", field="values"
                    )
                )
            levels[year] = levels[year - 1] * by_year[year] / 100.0
        self._index_cache[index_id] = levels
        return levels

    def index_factor(self, index_id: str, from_year: int, to_year: int) -> float:
        """Factor moving a price from ``from_year`` to ``to_year`` prices."""
        if from_year == to_year:
            return 1.0
        series = self.index_series(index_id)
        missing = [y for y in (from_year, to_year) if y not in series]
        if missing:
            c = self[index_id]
            span = f"{min(series)}–{max(series)}"
            raise InputError(
                Problem(
                    c.file,
                    f"price index '{index_id}' covers {span}, not {', '.join(map(str, missing))}; "
                    "add the year's index value (prices are never extrapolated)",
                    field="values",
                )
            )
        return series[to_year] / series[from_year]

    # -- resolution -----------------------------------------------------------------------
    def entries(self, cid: str, years: Sequence[int]) -> list[ValueEntry]:
        c = self[cid]
        return [c.entry_for(y) for y in years]

    def array(
        self,
        cid: str,
        years: Sequence[int],
        keys: Sequence[str] | None = None,
        unit: str | None = None,
    ) -> xr.DataArray:
        """Resolve a coefficient for accounting years, at each year's prices.

        Returns a DataArray over ``year`` (and ``c.by`` when ``keys`` are given for a table)
        with magnitudes in ``unit`` (default: the coefficient's unit) and ``attrs["units"]``.
        A table missing any of ``keys`` raises one error listing all the missing keys.
        """
        hit = self._cached(cid, years, keys, unit)
        # a fresh wrapper around the same (read-only) data: callers may set attrs freely
        return xr.DataArray(
            hit.variable.copy(deep=False), coords=hit.coords, name=hit.name, attrs=dict(hit.attrs)
        )

    def variable(
        self,
        cid: str,
        years: Sequence[int],
        keys: Sequence[str] | None = None,
        unit: str | None = None,
    ) -> xr.Variable:
        """:meth:`array` without labels (dims ``year`` [, table dim] in the order asked)."""
        hit = self._cached(cid, years, keys, unit).variable
        return xr.Variable(hit.dims, hit.data, attrs=dict(hit.attrs))

    def _cached(
        self, cid: str, years: Sequence[int], keys: Sequence[str] | None, unit: str | None
    ) -> xr.DataArray:
        years = [int(y) for y in years]
        key = (cid, tuple(years), None if keys is None else tuple(keys), unit)
        hit = self._array_cache.get(key)
        if hit is None:
            hit = self._array_cache[key] = self._resolve(cid, years, keys, unit)
        return hit

    def _resolve(
        self, cid: str, years: list[int], keys: Sequence[str] | None, unit: str | None
    ) -> xr.DataArray:
        c = self[cid]
        target = unit or c.unit
        factor = unit_factor(c.unit, target)
        entries = [c.entry_for(y) for y in years]
        if c.by is None:
            data = np.array([float(e.value) for e in entries])
        else:
            if keys is None:
                keys = sorted({k for e in entries for k in e.value})
            keys = list(keys)
            missing: list[str] = []
            data = np.empty((len(years), len(keys)))
            for i, e in enumerate(entries):
                for j, k in enumerate(keys):
                    v = _table_lookup(e.value, k, c.by)
                    if v is None:
                        if k not in missing:
                            missing.append(k)
                        v = np.nan
                    data[i, j] = v
            if missing:
                raise MissingCoefficientError(
                    Problem(
                        c.file or cid,
                        f"table '{cid}' has no value for {c.by} {', '.join(missing)}",
                        field="values",
                    )
                )
        if c.is_money and c.price_index:
            idx = np.array(
                [
                    self.index_factor(c.price_index, e.price_year, y)
                    for e, y in zip(entries, years, strict=True)
                ]
            )
            data = data * (idx if data.ndim == 1 else idx[:, None])
        data = self._apply_overrides(c, data, years, keys)
        _ranges.check_resolved(c, data, self.overrides)  # finite, in range (issue 16)
        data = data * factor
        dims = ["year"] if c.by is None else ["year", c.by]
        coords: dict[str, Any] = {"year": years}
        if c.by is not None:
            coords[c.by] = keys
        data.flags.writeable = False
        return xr.DataArray(data, dims=dims, coords=coords, name=cid, attrs={"units": target})

    def _apply_overrides(
        self, c: Coefficient, data: np.ndarray, years: list[int], keys: Sequence[str] | None
    ) -> np.ndarray:
        relevant = [o for o in self.overrides if o.id == c.id]
        if not relevant:
            return data
        data = data.copy()
        for o in relevant:
            value = o.value
            if o.unit is not None and o.op != "scale":
                value = value * unit_factor(o.unit, c.unit)
            rows = np.array([o.from_year is None or y >= o.from_year for y in years])
            if o.op == "set" and c.is_money and c.price_index and o.price_year is not None:
                new = np.array(
                    [value * self.index_factor(c.price_index, o.price_year, y) for y in years]
                )
            else:
                new = np.full(len(years), value)
            if c.by is None:
                target = np.ones_like(rows)
                cols = None
            else:
                cols = np.array([o.key is None or _key_matches(k, o.key) for k in keys])
                target = rows[:, None] & cols[None, :]
            if o.op == "set":
                replacement = new if c.by is None else np.broadcast_to(new[:, None], data.shape)
            elif o.op == "scale":
                # an overflow is refused by the finiteness check, not printed as a warning
                with np.errstate(over="ignore", invalid="ignore"):
                    replacement = data * value
            else:
                replacement = data + (new if c.by is None else new[:, None])
            mask = rows if c.by is None else target
            data = np.where(mask, replacement, data)
        return data

    def quantity(self, cid: str, year: int, key: str | None = None):
        """One resolved value as a pint Quantity (convenience for reports and the CLI)."""
        arr = self.array(cid, [year], keys=[key] if key else None)
        mag = float(arr.values.ravel()[0])
        return ureg.Quantity(mag, parse_unit(arr.attrs["units"]))

    def records(self, year: int) -> list[dict]:
        """Every coefficient resolved for ``year``: the `gep coefficients --format json` rows."""
        rows = []
        for cid, c in self.coefficients.items():
            try:
                entry = c.entry_for(year)
            except MissingCoefficientError:
                continue
            repriced = True
            note = entry.note
            try:
                if c.by is None:
                    value: Any = float(self.array(cid, [year]).values[0])
                else:
                    keys = sorted(entry.value)
                    arr = self.array(cid, [year], keys=keys)
                    value = {k: float(v) for k, v in zip(keys, arr.values[0], strict=True)}
            except InputError as exc:
                # e.g. the price index does not reach back to the value's price year: show the
                # value as published, say why, and let an account that needs it fail loudly
                repriced = False
                value = entry.value
                note = f"not re-priced to {year}: {exc.problems[0].message}"
            rows.append(
                {
                    "id": cid,
                    "value": value,
                    "unit": c.unit,
                    "price_year": year
                    if (c.is_money and c.price_index and repriced)
                    else entry.price_year,
                    "source_price_year": entry.price_year,
                    "status": entry.status,
                    "source": entry.source,
                    "note": note,
                    "description": c.description,
                    "set": c.set_name,
                    "overridden": any(o.id == cid for o in self.overrides),
                }
            )
        return rows


@functools.lru_cache(maxsize=4096)
def unit_factor(from_unit: str, to_unit: str) -> float:
    """Factor taking magnitudes in ``from_unit`` to ``to_unit`` (cached: units are strings)."""
    if from_unit == to_unit:
        return 1.0
    return float(ureg.Quantity(1.0, parse_unit(from_unit)).to(parse_unit(to_unit)).magnitude)


def _key_matches(key: str, wanted: str) -> bool:
    return key == wanted or key.startswith(wanted + ".")


def _table_lookup(table: dict[str, float], key: str, by: str) -> float | None:
    """Exact key, else (for ecosystems) its level-1 class."""
    if key in table:
        return table[key]
    if by == "ecosystem":
        eco = ecosystem_catalog().get(key)
        if eco is not None and eco.level1 in table:
            return table[eco.level1]
    if by == "product":  # agriculture.rice falls back to a whole-group entry (agriculture)
        return table.get(key.partition(".")[0])
    return None


# --------------------------------------------------------------------------------------------
# loading


def find_set(name_or_path: str | Path, root: Path | None = None) -> Path:
    """Locate a set folder by path or by name under the coefficients root."""
    p = Path(name_or_path)
    if p.is_dir() and (p / "set.yaml").exists():
        return p
    for base in (root, Path.cwd() / "coefficients", default_root()):
        if base is not None and (Path(base) / str(name_or_path) / "set.yaml").exists():
            return Path(base) / str(name_or_path)
    raise InputError(
        Problem(str(name_or_path), "no coefficient set found (a folder with set.yaml)")
    )


def load_set(
    name_or_path: str | Path, overrides: Iterable[Override | str] = (), root: Path | None = None
) -> CoefficientSet:
    """Load a coefficient set and everything it extends; raise one error listing all problems."""
    path = find_set(name_or_path, root).resolve()
    roots = coefficient_roots(path, [root])  # `extends` stays inside these (issue 16)
    chain: list[Path] = []
    current: Path | None = path
    meta_by_path: dict[Path, dict] = {}
    problems: list[Problem] = []
    while current is not None:
        chain.append(current)
        meta = load_yaml(current / "set.yaml") or {}
        if not isinstance(meta, dict):
            raise InputError(Problem(str(current / "set.yaml"), "set.yaml must be a mapping"))
        for k in sorted(set(meta) - {"name", "description", "extends", "note"}):
            problems.append(Problem(str(current / "set.yaml"), f"unknown key '{k}'", field=k))
        meta_by_path[current] = meta
        parent = meta.get("extends")
        current = resolve_extends(parent, current, roots, chain) if parent else None
    files: list[tuple[Path, str, str]] = []  # (file, set name, id), base first
    for folder in reversed(chain):  # base first, overlays replace
        set_name = meta_by_path[folder].get("name", folder.name)
        for file in sorted(folder.rglob("*.yaml")):
            rel = file.relative_to(folder)
            if rel.name in ("set.yaml", "index.yaml"):
                continue
            files.append((file, set_name, ".".join(rel.with_suffix("").parts)))
    contents = _read_all(files)  # None: some file unreadable → the full path reports it
    key = None
    coefficients: dict[str, Coefficient] | None = None
    if contents is not None and not problems:
        from . import coefcache

        key = coefcache.set_key(
            [(str(f), s, cid, data) for (f, s, cid), data in zip(files, contents, strict=True)]
        )
        coefficients = coefcache.get(key)
    if coefficients is None:
        coefficients = {}
        for i, (file, set_name, cid) in enumerate(files):
            try:
                if contents is not None:  # parse the very bytes the cache key was made of
                    raw, lines = loads_yaml_lines(contents[i], str(file))
                else:
                    raw, lines = load_yaml_lines(file)
            except InputError as exc:
                problems += exc.problems
                continue
            coef, probs = parse_coefficient(raw, cid, str(file), set_name, lines)
            problems += probs
            if coef is not None:
                coefficients[cid] = coef
        cache_new = key is not None
    else:
        cache_new = False
    # money coefficients must point at an index that exists
    for c in coefficients.values():
        if c.price_index and c.price_index not in coefficients:
            problems.append(
                Problem(
                    c.file, f"price index '{c.price_index}' is not in the set", field="price_index"
                )
            )
    if problems:
        raise InputError(problems)
    if cache_new:  # only a set that loaded without any problem is cached
        from . import coefcache

        coefcache.put(key, coefficients)
    meta = meta_by_path[path]
    return CoefficientSet(
        meta.get("name", path.name),
        coefficients,
        description=meta.get("description"),
        path=str(path),
        chain=[meta_by_path[p].get("name", p.name) for p in chain],
        overrides=[o if isinstance(o, Override) else Override.parse(o) for o in overrides],
    )


def _read_all(files: list[tuple[Path, str, str]]) -> list[bytes] | None:
    """Every file's bytes for the cache key; None if any is missing, too large or unreadable
    (then the files are read one by one as before and the error names the file)."""
    out = []
    for file, _, _ in files:
        try:
            if file.stat().st_size > MAX_YAML_BYTES:
                return None
            out.append(file.read_bytes())
        except OSError:
            return None
    return out


def coefficient_from_raw(
    raw: dict, cid: str, file: str = "<edited>", set_name: str = "edited"
) -> Coefficient:
    """Build one coefficient from a YAML-shaped dict, raising on any problem (used by the app)."""
    coef, problems = parse_coefficient(copy.deepcopy(raw), cid, file, set_name)
    if problems:
        raise InputError(problems)
    assert coef is not None
    return coef


def replace_value(
    c: Coefficient,
    year: int,
    new_value: float | dict,
    key: str | None = None,
    note: str = "edited",
    status: str | None = None,
) -> Coefficient:
    """A copy of ``c`` whose value in force for ``year`` is replaced (edit in place, same date)."""
    entry = c.entry_for(year)
    if key is not None:
        table = dict(entry.value)
        table[key] = float(new_value)
        value: Any = table
    else:
        value = new_value
    new_entry = replace(entry, value=value, note=note, status=status or entry.status)
    values = tuple(new_entry if e is entry else e for e in c.values)
    return replace(c, values=values)
