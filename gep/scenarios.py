"""Scenarios: what-if changes to coefficients and inventories, compared in one vectorized call.

A scenario is one YAML file (a dataset's ``scenarios/`` folder holds them). It never edits the
coefficient or inventory files: coefficient changes become :class:`~gep.coefficients.Override`
objects on a copy of the set, inventory changes are applied to a copy of ``Dataset.data``.

File format (every key but ``name`` is optional; unknown keys are errors)::

    name: {zh: 碳价翻倍, en: Carbon price doubled}
    description: {zh: ..., en: ...}
    coefficients: ankang              # base coefficient set (default: the set passed in)
    overrides:                        # coefficient overrides, applied in order
      - regulating.carbon_sequestration.price*=2          # the --set syntax, or a mapping:
      - {id: regulating.carbon_sequestration.rate, key: forest, scale: 1.1, from_year: 2023}
      - {id: material.hydropower.price, set: 0.35, unit: CNY/kWh, price_year: 2020}
    inventory_edits:                  # set | scale | add on a copy of the inventory
      - {item: population, region: "610902", from_year: 2023, scale: 1.02}
      - {item: area, ecosystem: garden, region: ["610924"], year: 2024, add: 300 mu}
    land_conversions:                 # move area, keeping each region's total area
      - {from: farmland.dry, to: forest.broadleaf, area: 500 mu, region: "610923", from_year: 2022}
    carbon_price:                     # a price path: year -> price (sets ...carbon_sequestration.price)
      unit: CNY/tCO2e                 # default; prices are in each year's prices unless price_year
      interpolate: step               # step (a price holds until the next point) | linear
      path: {2022: 60, 2024: 90}
    paths:                            # the same for any coefficient (scalar ones)
      - {id: material.hydropower.price, unit: CNY/kWh, path: {2023: 0.3}}

Values with units (``add: 300 mu``, ``area: 500 mu``) are strings "NUMBER UNIT"; a bare number
is in the item's canonical unit (area: hectare). ``region`` is one code or a list (default: all
regions); years are chosen with ``year`` (one or a list) or ``from_year`` (that year on).

Order of application: ``overrides``, then ``paths``/``carbon_price`` (coefficients);
``inventory_edits`` in file order, then ``land_conversions`` in file order (inventory).

Evaluation (:func:`account_scenarios`) stacks the scenario inventories along a ``scenario``
dimension (only the variables a scenario changes carry it) and passes the coefficients that
differ as ``extra_coefficients`` arrays with a ``scenario`` dimension, so baseline and every
scenario go through **one** call of :func:`gep.accounting.account` — every coefficient,
the forest carbon module's ``carbon.*`` parameters included, is read through the account's
one coefficient route, so each can differ by scenario. When a
land conversion creates an ecosystem the dataset lacks, every stacked inventory gets that
ecosystem with zero area (other items NaN: "not assessed" where the new land needs them).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from .accounting import Account, account
from .catalog import ecosystem_catalog, item_spec
from .coefficients import CoefficientSet, Override, load_set
from .errors import InputError, Problem
from .inventory import EXTENT_TOLERANCE, Dataset
from .unitparse import UnitError, parse_amount
from .units import parse_unit, ureg
from .yamlio import load_yaml

BASELINE = "baseline"
CARBON_PRICE_ID = "regulating.carbon_sequestration.price"

_TOP_KEYS = {
    "name",
    "description",
    "coefficients",
    "overrides",
    "inventory_edits",
    "land_conversions",
    "carbon_price",
    "paths",
    "note",
}
_OVERRIDE_KEYS = {"id", "set", "scale", "add", "key", "unit", "price_year", "from_year", "note"}
_EDIT_KEYS = {
    "item",
    "region",
    "year",
    "from_year",
    "ecosystem",
    "species",
    "set",
    "scale",
    "add",
    "note",
}
_CONVERSION_KEYS = {"from", "to", "area", "region", "from_year", "note"}
_PATH_KEYS = {"id", "unit", "price_year", "interpolate", "path", "note"}
_OPS = ("set", "scale", "add")


# --------------------------------------------------------------------------------------------
# data classes


@dataclass(frozen=True)
class OverrideSpec:
    """One coefficient override as written in the file (checked against a set on apply)."""

    override: Override
    field: str


@dataclass(frozen=True)
class InventoryEdit:
    """``set`` / ``scale`` / ``add`` on one inventory item, in the item's canonical unit."""

    item: str
    op: str
    value: float
    field: str
    regions: tuple[str, ...] | None = None
    years: tuple[int, ...] | None = None
    from_year: int | None = None
    ecosystem: str | None = None
    species: str | None = None
    unit: str | None = None  # the unit the value was given in (for messages)


@dataclass(frozen=True)
class LandConversion:
    """Move ``area_ha`` hectares from ecosystem ``source`` to ``target`` in each region."""

    source: str
    target: str
    area_ha: float
    field: str
    regions: tuple[str, ...] | None = None
    from_year: int | None = None
    area_text: str = ""


@dataclass(frozen=True)
class CoefficientPath:
    """Year → value for a scalar coefficient (``carbon_price`` is one for the carbon price)."""

    id: str
    points: tuple[tuple[int, float], ...]
    field: str
    unit: str | None = None
    price_year: int | None = None
    interpolate: str = "step"

    def values_for(self, years: Sequence[int]) -> list[tuple[int, float]]:
        """(from_year, value) pairs: the points, or (linear) one value per accounting year."""
        pts = sorted(self.points)
        if self.interpolate == "step":
            return pts
        xs = np.array([p[0] for p in pts], dtype=float)
        ys = np.array([p[1] for p in pts], dtype=float)
        out = [(int(y), float(np.interp(y, xs, ys))) for y in sorted(years) if y >= pts[0][0]]
        return out


@dataclass(frozen=True)
class Scenario:
    """A parsed scenario file."""

    id: str
    name: dict
    file: str
    description: dict = field(default_factory=dict)
    coefficient_set: str | None = None
    overrides: tuple[OverrideSpec, ...] = ()
    inventory_edits: tuple[InventoryEdit, ...] = ()
    land_conversions: tuple[LandConversion, ...] = ()
    paths: tuple[CoefficientPath, ...] = ()
    note: str | None = None

    def label(self, lang: str = "zh") -> str:
        return str(self.name.get(lang) or self.name.get("en") or self.id)

    @property
    def is_noop(self) -> bool:
        return not (
            self.coefficient_set
            or self.overrides
            or self.inventory_edits
            or self.land_conversions
            or self.paths
        )

    def describe(self) -> list[str]:
        """One line per change (for reports and the CLI)."""
        lines = []
        if self.coefficient_set:
            lines.append(f"coefficient set: {self.coefficient_set}")
        lines += [o.override.describe() for o in self.overrides]
        for p in self.paths:
            pts = ", ".join(f"{y}: {v:g}" for y, v in p.points)
            lines.append(f"{p.id} path ({p.interpolate}) {{{pts}}}{' ' + p.unit if p.unit else ''}")
        for e in self.inventory_edits:
            sym = {"set": "=", "scale": "×", "add": "+"}[e.op]
            where = []
            if e.ecosystem:
                where.append(e.ecosystem)
            if e.species:
                where.append(e.species)
            if e.regions:
                where.append("in " + ",".join(e.regions))
            if e.years:
                where.append("in " + ",".join(map(str, e.years)))
            if e.from_year:
                where.append(f"from {e.from_year}")
            lines.append(
                f"{e.item} {sym} {e.value:g}{' ' + e.unit if e.unit else ''} {' '.join(where)}".rstrip()
            )
        for c in self.land_conversions:
            where = f" in {','.join(c.regions)}" if c.regions else ""
            since = f" from {c.from_year}" if c.from_year else ""
            amount = (
                f"{c.area_ha:g} ha"
                if c.area_text in ("", f"{c.area_ha:g}")
                else f"{c.area_text} ({c.area_ha:,.2f} ha)"
            )
            lines.append(f"move {amount} from {c.source} to {c.target}{where}{since}")
        return lines


# --------------------------------------------------------------------------------------------
# loading


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _is_year(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 1900 <= v <= 2200


def _text(v: Any) -> dict:
    if isinstance(v, str):
        return {"zh": v, "en": v}
    return dict(v)


class _Reader:
    """Collects problems for one file (every problem, then one InputError)."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def bad(self, message: str, key: str | None) -> None:
        self.problems.append(Problem(self.file, message, field=key))

    def keys(self, raw: dict, allowed: set[str], where: str) -> None:
        for k in sorted(set(map(str, raw)) - allowed):
            self.bad(
                f"unknown key '{k}' (allowed: {', '.join(sorted(allowed))})",
                f"{where}.{k}" if where else k,
            )

    def mapping(self, raw: Any, where: str) -> dict | None:
        if not isinstance(raw, dict):
            self.bad("must be a mapping", where)
            return None
        return raw

    def regions(self, raw: Any, where: str) -> tuple[str, ...] | None:
        if raw is None:
            return None
        items = raw if isinstance(raw, list) else [raw]
        out = []
        for r in items:
            code = str(r).strip()
            if isinstance(r, bool) or not (len(code) == 6 and code.isdigit()):
                self.bad(f"region {r!r} is not a 6-digit administrative code", where)
            else:
                out.append(code)
        return tuple(out)

    def year(self, raw: Any, where: str) -> int | None:
        if raw is None:
            return None
        if not _is_year(raw):
            self.bad(f"{raw!r} is not a year", where)
            return None
        return int(raw)

    def quantity(self, raw: Any, where: str) -> tuple[float, str | None] | None:
        """A number, or a string "NUMBER UNIT"; returns (magnitude, unit or None)."""
        if _is_number(raw):
            return float(raw), None
        if isinstance(raw, str):
            # bounded grammar, ASCII digits, no "1,5" (issue 16): gep.unitparse
            try:
                value, unit_obj = parse_amount(raw, where, self.file)
            except UnitError as exc:
                self.bad(exc.problems[0].message, where)
                return None
            return value, (None if unit_obj is None else str(unit_obj))
        self.bad(f"{raw!r} is not a number or 'NUMBER UNIT'", where)
        return None


def _one_op(r: _Reader, raw: dict, where: str) -> tuple[str, Any] | None:
    ops = [k for k in _OPS if k in raw]
    if len(ops) != 1:
        r.bad(f"give exactly one of set, scale, add (found {', '.join(ops) or 'none'})", where)
        return None
    return ops[0], raw[ops[0]]


def _parse_override(r: _Reader, raw: Any, where: str) -> OverrideSpec | None:
    origin = f"{r.file}, field '{where}'"
    if isinstance(raw, str):
        try:
            o = Override.parse(raw, origin=origin)
        except InputError as exc:
            for p in exc.problems:
                r.bad(p.message, where)
            return None
        return OverrideSpec(o, where)
    m = r.mapping(raw, where)
    if m is None:
        return None
    r.keys(m, _OVERRIDE_KEYS, where)
    cid = m.get("id")
    if not isinstance(cid, str) or not cid.strip():
        r.bad("missing coefficient 'id'", f"{where}.id")
        return None
    found = _one_op(r, m, where)
    if found is None:
        return None
    op, value = found
    if op == "scale":
        if not _is_number(value):
            r.bad(f"factor {value!r} is not a number", f"{where}.scale")
            return None
        number, unit = float(value), None
        if m.get("unit") is not None:
            r.bad("a scale factor has no unit", f"{where}.unit")
    else:
        q = r.quantity(value, f"{where}.{op}")
        if q is None:
            return None
        number, unit = q
        if m.get("unit") is not None:
            if unit is not None:
                r.bad("unit given twice (in the value and in 'unit')", f"{where}.unit")
            unit = str(m["unit"])
            try:
                parse_unit(unit)
            except ValueError as exc:
                r.bad(str(exc), f"{where}.unit")
                return None
    key = m.get("key")
    if key is not None and not isinstance(key, str):
        r.bad("'key' must be an ecosystem/species/region code", f"{where}.key")
        key = None
    price_year = r.year(m.get("price_year"), f"{where}.price_year")
    from_year = r.year(m.get("from_year"), f"{where}.from_year")
    o = Override(
        id=cid.strip(),
        op=op,
        value=number,
        key=key,
        unit=unit,
        price_year=price_year,
        from_year=from_year,
        origin=origin,
    )
    return OverrideSpec(o, where)


def _parse_edit(r: _Reader, raw: Any, where: str) -> InventoryEdit | None:
    m = r.mapping(raw, where)
    if m is None:
        return None
    r.keys(m, _EDIT_KEYS, where)
    item = m.get("item")
    spec = item_spec(item) if isinstance(item, str) else None
    if spec is None:
        r.bad(f"unknown item {item!r} (see `gep items` / gep/items.yaml)", f"{where}.item")
        return None
    eco = m.get("ecosystem")
    if eco is not None:
        eco = str(eco)
        if "ecosystem" not in spec.dims:
            r.bad(f"item {item} has no ecosystem dimension", f"{where}.ecosystem")
        elif eco not in ecosystem_catalog() and eco not in {
            e.level1 for e in ecosystem_catalog().values()
        }:
            r.bad(f"unknown ecosystem {eco!r}", f"{where}.ecosystem")
    species = m.get("species")
    if species is not None:
        species = str(species)
        if "species" not in spec.dims:
            r.bad(f"item {item} has no species dimension", f"{where}.species")
    years = None
    if "year" in m:
        ys = m["year"] if isinstance(m["year"], list) else [m["year"]]
        years = tuple(y for y in (r.year(y, f"{where}.year") for y in ys) if y is not None)
    from_year = r.year(m.get("from_year"), f"{where}.from_year")
    if "year" in m and from_year is not None:
        r.bad("give either 'year' or 'from_year', not both", f"{where}.from_year")
    found = _one_op(r, m, where)
    if found is None:
        return None
    op, value = found
    if op == "scale":
        if not _is_number(value) or value < 0:
            r.bad(f"factor {value!r} is not a non-negative number", f"{where}.scale")
            return None
        number, unit = float(value), None
    else:
        q = r.quantity(value, f"{where}.{op}")
        if q is None:
            return None
        number, unit = q
        if unit is not None:
            canon = spec.canonical_unit_for(unit)
            if canon is None:
                r.bad(
                    f"unit {unit!r} does not measure {spec.en.lower()} (expected {' or '.join(spec.units)})",
                    f"{where}.{op}",
                )
                return None
            number = float(ureg.Quantity(number, parse_unit(unit)).to(parse_unit(canon)).magnitude)
    return InventoryEdit(
        item=item,
        op=op,
        value=number,
        field=where,
        regions=r.regions(m.get("region"), f"{where}.region"),
        years=years,
        from_year=from_year,
        ecosystem=eco,
        species=species,
        unit=unit,
    )


def _parse_conversion(r: _Reader, raw: Any, where: str) -> LandConversion | None:
    m = r.mapping(raw, where)
    if m is None:
        return None
    r.keys(m, _CONVERSION_KEYS, where)
    catalog = ecosystem_catalog()
    ok = True
    for k in ("from", "to"):
        code = m.get(k)
        if code is None:
            r.bad(f"missing '{k}' (an ecosystem code such as farmland.dry)", f"{where}.{k}")
            ok = False
        elif str(code) not in catalog:
            level2 = [c for c in catalog if catalog[c].level1 == str(code)]
            hint = f"; use a level-2 code ({', '.join(level2)})" if level2 else ""
            r.bad(f"unknown ecosystem {code!r}{hint}", f"{where}.{k}")
            ok = False
    if ok and str(m["from"]) == str(m["to"]):
        r.bad("'from' and 'to' are the same ecosystem", f"{where}.to")
        ok = False
    if "area" not in m:
        r.bad("missing 'area' (e.g. 500 mu or 30 hectare)", f"{where}.area")
        return None
    q = r.quantity(m["area"], f"{where}.area")
    if q is None:
        return None
    number, unit = q
    try:
        ha = float(ureg.Quantity(number, parse_unit(unit or "hectare")).to("hectare").magnitude)
    except Exception:
        r.bad(f"unit {unit!r} is not an area unit", f"{where}.area")
        return None
    if ha < 0:
        r.bad("area to move must not be negative", f"{where}.area")
        return None
    regions = r.regions(m.get("region"), f"{where}.region")
    from_year = r.year(m.get("from_year"), f"{where}.from_year")
    if not ok:
        return None
    return LandConversion(
        source=str(m["from"]),
        target=str(m["to"]),
        area_ha=ha,
        field=where,
        regions=regions,
        from_year=from_year,
        area_text=str(m["area"]),
    )


def _parse_path(
    r: _Reader, raw: Any, where: str, default_id: str | None = None
) -> CoefficientPath | None:
    m = r.mapping(raw, where)
    if m is None:
        return None
    allowed = _PATH_KEYS - ({"id"} if default_id else set())
    r.keys(m, allowed, where)
    cid = default_id or m.get("id")
    if not isinstance(cid, str) or not cid:
        r.bad("missing coefficient 'id'", f"{where}.id")
        return None
    unit = m.get("unit")
    if default_id == CARBON_PRICE_ID and unit is None:
        unit = "CNY / tCO2e"
    if unit is not None:
        try:
            parse_unit(str(unit))
        except ValueError as exc:
            r.bad(str(exc), f"{where}.unit")
            return None
        unit = str(unit)
    interpolate = m.get("interpolate", "step")
    if interpolate not in ("step", "linear"):
        r.bad(f"interpolate must be step or linear, not {interpolate!r}", f"{where}.interpolate")
    path = m.get("path")
    if not isinstance(path, dict) or not path:
        r.bad("'path' must be a non-empty mapping year: value", f"{where}.path")
        return None
    points = []
    for y, v in path.items():
        if not _is_year(y):
            r.bad(f"{y!r} is not a year", f"{where}.path.{y}")
        elif not _is_number(v) or v < 0:
            r.bad(f"value {v!r} is not a non-negative number", f"{where}.path.{y}")
        else:
            points.append((int(y), float(v)))
    if not points:
        return None
    return CoefficientPath(
        id=cid,
        points=tuple(sorted(points)),
        field=where,
        unit=unit,
        price_year=r.year(m.get("price_year"), f"{where}.price_year"),
        interpolate=interpolate if interpolate in ("step", "linear") else "step",
    )


def parse_scenario(raw: Any, file: str, scenario_id: str | None = None) -> Scenario:
    """Validate one parsed scenario mapping; raise one :class:`InputError` listing every problem."""
    r = _Reader(file)
    sid = scenario_id or Path(file).stem
    if not isinstance(raw, dict):
        raise InputError(Problem(file, "a scenario file must be a mapping with at least 'name'"))
    r.keys(raw, _TOP_KEYS, "")
    if sid == BASELINE:
        r.bad(f"'{BASELINE}' is reserved for the unchanged account; rename the file", None)
    name = raw.get("name")
    if name is None:
        r.bad("missing 'name' ({zh: ..., en: ...})", "name")
        name = {}
    elif isinstance(name, str):
        name = {"zh": name, "en": name}
    elif not isinstance(name, dict) or not name or set(name) - {"zh", "en"}:
        r.bad("'name' must be a text or a mapping with zh and en", "name")
        name = {}
    description = raw.get("description") or {}
    if not isinstance(description, dict | str):
        r.bad("'description' must be a text or a mapping with zh and en", "description")
        description = {}
    cset = raw.get("coefficients")
    if cset is not None and not isinstance(cset, str):
        r.bad("'coefficients' must be a coefficient set name or folder", "coefficients")
        cset = None

    def listed(key: str) -> list:
        v = raw.get(key)
        if v is None:
            return []
        if not isinstance(v, list):
            r.bad("must be a list", key)
            return []
        return v

    overrides = [
        o
        for i, x in enumerate(listed("overrides"))
        if (o := _parse_override(r, x, f"overrides[{i}]"))
    ]
    edits = [
        e
        for i, x in enumerate(listed("inventory_edits"))
        if (e := _parse_edit(r, x, f"inventory_edits[{i}]"))
    ]
    conversions = [
        c
        for i, x in enumerate(listed("land_conversions"))
        if (c := _parse_conversion(r, x, f"land_conversions[{i}]"))
    ]
    paths = [p for i, x in enumerate(listed("paths")) if (p := _parse_path(r, x, f"paths[{i}]"))]
    if raw.get("carbon_price") is not None:
        p = _parse_path(r, raw["carbon_price"], "carbon_price", default_id=CARBON_PRICE_ID)
        if p is not None:
            paths.append(p)
    if r.problems:
        raise InputError(r.problems)
    return Scenario(
        id=sid,
        name=_text(name),
        file=file,
        description=_text(description),
        coefficient_set=cset,
        overrides=tuple(overrides),
        inventory_edits=tuple(edits),
        land_conversions=tuple(conversions),
        paths=tuple(paths),
        note=raw.get("note"),
    )


def load_scenario(
    path: str | Path, dataset: Dataset | None = None, coefficients: CoefficientSet | None = None
) -> Scenario:
    """Read and validate one scenario file.

    With ``dataset`` and ``coefficients`` it is also checked against them (regions, items,
    ecosystems, coefficient ids, units, areas available to convert) — the same checks
    :func:`apply_scenario` makes.
    """
    path = Path(path)
    scenario = parse_scenario(load_yaml(path), str(path))
    if dataset is not None and coefficients is not None:
        apply_scenario(dataset, coefficients, scenario)
    return scenario


def load_scenarios(
    folder: str | Path, dataset: Dataset | None = None, coefficients: CoefficientSet | None = None
) -> list[Scenario]:
    """Every ``*.yaml`` scenario in ``folder`` (sorted by file name); all problems at once."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(Problem(str(folder), "scenario folder not found"))
    out, problems = [], []
    for f in sorted(folder.glob("*.yaml")):
        try:
            out.append(load_scenario(f, dataset, coefficients))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return out


def dataset_scenarios(dataset: Dataset) -> list[Scenario]:
    """The scenarios in a dataset's own ``scenarios/`` folder (empty when it has none)."""
    if not dataset.path or not (Path(dataset.path) / "scenarios").is_dir():
        return []
    return load_scenarios(Path(dataset.path) / "scenarios")


# --------------------------------------------------------------------------------------------
# applying


def _base_set(dataset: Dataset, coefficients: CoefficientSet, scenario: Scenario) -> CoefficientSet:
    if not scenario.coefficient_set or scenario.coefficient_set == coefficients.name:
        return coefficients
    root = Path(dataset.path).parent / "coefficients" if dataset.path else None
    try:
        return load_set(scenario.coefficient_set, root=root)
    except InputError as exc:
        raise InputError(
            [
                Problem(
                    scenario.file,
                    f"coefficient set {scenario.coefficient_set!r}: {p}",
                    field="coefficients",
                )
                for p in exc.problems
            ]
        ) from None


def _check_override(cs: CoefficientSet, o: Override, file: str, where: str) -> list[Problem]:
    if o.id not in cs.coefficients:
        close = [c for c in cs.coefficients if c.split(".")[-1] == o.id.split(".")[-1]][:3]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        return [
            Problem(
                file, f"unknown coefficient '{o.id}' in set '{cs.name}'{hint}", field=f"{where}.id"
            )
        ]
    c = cs.coefficients[o.id]
    if o.key is not None:
        if c.by is None:
            return [
                Problem(
                    file, f"'{o.id}' is not a table; remove the key {o.key!r}", field=f"{where}.key"
                )
            ]
        if c.by == "ecosystem":
            catalog = ecosystem_catalog()
            if o.key not in catalog and o.key not in {e.level1 for e in catalog.values()}:
                return [Problem(file, f"unknown ecosystem {o.key!r}", field=f"{where}.key")]
    if o.unit is not None and o.op != "scale":
        try:
            ureg.Quantity(1.0, parse_unit(o.unit)).to(parse_unit(c.unit))
        except Exception:
            return [
                Problem(
                    file,
                    f"unit '{o.unit}' does not fit '{o.id}' (unit {c.unit})",
                    field=f"{where}.unit",
                )
            ]
    if o.price_year is not None and not (c.is_money and c.price_index):
        return [
            Problem(
                file, f"'{o.id}' is not a price; remove price_year", field=f"{where}.price_year"
            )
        ]
    return []


def scenario_overrides(
    scenario: Scenario, coefficients: CoefficientSet, years: Sequence[int]
) -> list[Override]:
    """The scenario's coefficient changes as :class:`Override` objects, checked against the set."""
    problems: list[Problem] = []
    out: list[Override] = []
    for spec in scenario.overrides:
        found = _check_override(coefficients, spec.override, scenario.file, spec.field)
        problems += found
        if not found:
            out.append(spec.override)
    for p in scenario.paths:
        origin = f"{scenario.file}, field '{p.field}'"
        probe = Override(
            id=p.id, op="set", value=0.0, unit=p.unit, price_year=p.price_year, origin=origin
        )
        found = _check_override(coefficients, probe, scenario.file, p.field)
        if not found and coefficients.coefficients[p.id].by is not None:
            found = [
                Problem(
                    scenario.file,
                    f"'{p.id}' is a table; a path sets scalar coefficients only",
                    field=f"{p.field}.id",
                )
            ]
        problems += found
        if found:
            continue
        for year, value in p.values_for(years):
            out.append(
                Override(
                    id=p.id,
                    op="set",
                    value=value,
                    unit=p.unit,
                    price_year=p.price_year,
                    from_year=year,
                    origin=origin,
                )
            )
    if problems:
        raise InputError(problems)
    return out


def _year_mask(
    years: np.ndarray, chosen: tuple[int, ...] | None, from_year: int | None
) -> np.ndarray:
    mask = np.ones(len(years), dtype=bool)
    if chosen is not None:
        mask &= np.isin(years, chosen)
    if from_year is not None:
        mask &= years >= from_year
    return mask


def _add_ecosystem(data: xr.Dataset, code: str) -> xr.Dataset:
    """Add an ecosystem to the coordinate: zero area where the region-year reports area."""
    order = list(ecosystem_catalog())
    codes = sorted([*map(str, data["ecosystem"].values), code], key=order.index)
    reported = data["area"].notnull().any("ecosystem")
    out = data.reindex(ecosystem=codes)
    area = out["area"]
    out["area"] = xr.where((area["ecosystem"] == code) & reported, 0.0, area).assign_attrs(
        area.attrs
    )
    out["area"] = out["area"].transpose(*data["area"].dims)
    return out


def _apply_edit(data: xr.Dataset, e: InventoryEdit, file: str, dataset: Dataset) -> list[Problem]:
    where = e.field
    if e.item not in data.data_vars:
        return [Problem(file, f"the dataset has no item '{e.item}'", field=f"{where}.item")]
    var = data[e.item]
    problems = []
    regions = np.array([str(r) for r in var["region"].values])
    years = np.array([int(y) for y in var["year"].values])
    if e.regions:
        unknown = [r for r in e.regions if r not in regions]
        if unknown:
            problems.append(
                Problem(
                    file,
                    f"unknown region(s) {', '.join(unknown)} (dataset regions: {', '.join(regions)})",
                    field=f"{where}.region",
                )
            )
    if e.years:
        unknown_y = [y for y in e.years if y not in years]
        if unknown_y:
            problems.append(
                Problem(
                    file,
                    f"year(s) {', '.join(map(str, unknown_y))} not in the dataset "
                    f"({years.min()}–{years.max()})",
                    field=f"{where}.year",
                )
            )
    eco_mask = None
    if e.ecosystem is not None:
        ecos = [str(x) for x in var["ecosystem"].values]
        eco_mask = np.array([x == e.ecosystem or x.startswith(e.ecosystem + ".") for x in ecos])
        if not eco_mask.any():
            problems.append(
                Problem(
                    file,
                    f"the dataset has no ecosystem {e.ecosystem!r} for {e.item}",
                    field=f"{where}.ecosystem",
                )
            )
    sp_mask = None
    if e.species is not None:
        sps = [str(x) for x in var["species"].values]
        sp_mask = np.array([x == e.species for x in sps])
        if not sp_mask.any():
            problems.append(
                Problem(
                    file,
                    f"the dataset has no species {e.species!r} for {e.item}",
                    field=f"{where}.species",
                )
            )
    if problems:
        return problems
    r_mask = np.isin(regions, e.regions) if e.regions else np.ones(len(regions), dtype=bool)
    y_mask = _year_mask(years, e.years, e.from_year)
    arr = var.transpose("region", "year", ...).values.copy()
    sel = r_mask[:, None] & y_mask[None, :]
    extra = [d for d in var.transpose("region", "year", ...).dims[2:]]
    if extra:
        third = eco_mask if extra[0] == "ecosystem" else sp_mask
        if third is None:
            third = np.ones(arr.shape[2], dtype=bool)
        sel = sel[:, :, None] & third[None, None, :]
    with np.errstate(over="ignore", invalid="ignore"):
        if e.op == "set":
            arr[sel] = e.value
        elif e.op == "scale":
            arr[sel] = arr[sel] * e.value
        else:
            arr[sel] = arr[sel] + e.value
    if np.any(np.isinf(arr[sel])):  # overflow: never a silent inf/null result (issue 16)
        problems.append(
            Problem(file, f"the edit makes {e.item} overflow (not finite)", field=f"{where}.{e.op}")
        )
        return problems
    if np.any(arr[sel] < 0):
        problems.append(Problem(file, f"the edit makes {e.item} negative", field=f"{where}.{e.op}"))
        return problems
    new = xr.DataArray(
        arr, dims=var.transpose("region", "year", ...).dims, coords=var.coords, attrs=var.attrs
    )
    data[e.item] = new.transpose(*var.dims)
    return []


def _apply_conversion(
    data: xr.Dataset, c: LandConversion, file: str
) -> tuple[xr.Dataset, list[Problem]]:
    where = c.field
    if "area" not in data.data_vars:
        return data, [Problem(file, "the dataset has no item 'area'", field=where)]
    regions = [str(r) for r in data["region"].values]
    if c.regions:
        unknown = [r for r in c.regions if r not in regions]
        if unknown:
            return data, [
                Problem(
                    file,
                    f"unknown region(s) {', '.join(unknown)} (dataset regions: {', '.join(regions)})",
                    field=f"{where}.region",
                )
            ]
    ecos = [str(e) for e in data["ecosystem"].values]
    if c.source not in ecos:
        return data, [
            Problem(file, f"the dataset has no area of {c.source}", field=f"{where}.from")
        ]
    if c.target not in ecos:
        data = _add_ecosystem(data, c.target)
    area = data["area"].transpose("region", "year", "ecosystem")
    arr = area.values.copy()
    years = np.array([int(y) for y in area["year"].values])
    ecos = [str(e) for e in area["ecosystem"].values]
    si, ti = ecos.index(c.source), ecos.index(c.target)
    y_mask = _year_mask(years, None, c.from_year)
    problems = []
    for ri, region in enumerate(regions):
        if c.regions and region not in c.regions:
            continue
        for yi in np.flatnonzero(y_mask):
            have = arr[ri, yi, si]
            tol = 1e-9 * max(1.0, abs(c.area_ha))
            if not np.isfinite(have) or have < c.area_ha - tol:
                have_txt = "no" if not np.isfinite(have) else f"only {have:,.2f} ha of"
                problems.append(
                    Problem(
                        file,
                        f"region {region} has {have_txt} {c.source} in {years[yi]}, less than the "
                        f"{c.area_ha:,.2f} ha ({c.area_text}) to move",
                        field=f"{where}.area",
                    )
                )
                continue
            moved = min(c.area_ha, have)
            arr[ri, yi, si] = have - moved
            arr[ri, yi, ti] = (arr[ri, yi, ti] if np.isfinite(arr[ri, yi, ti]) else 0.0) + moved
    if problems:
        return data, problems
    data["area"] = xr.DataArray(
        arr, dims=area.dims, coords=area.coords, attrs=area.attrs
    ).transpose(*data["area"].dims)
    return data, []


def _check_extent(data: xr.Dataset, dataset: Dataset, file: str, field_name: str) -> list[Problem]:
    if "area" not in data.data_vars:
        return []
    total = data["area"].sum("ecosystem", min_count=1)
    land = xr.DataArray(
        dataset.regions.loc[[str(r) for r in data["region"].values], "land_area_ha"].to_numpy(
            float
        ),
        dims="region",
        coords={"region": data["region"].values},
    )
    over = total > land * (1 + EXTENT_TOLERANCE)
    problems = []
    for region in over["region"].values[over.any("year").values]:
        years = [int(y) for y in over["year"].values[over.sel(region=region).values]]
        problems.append(
            Problem(
                file,
                f"after the scenario the ecosystem extent of {region} exceeds its land area "
                f"in {', '.join(map(str, years))}",
                field=field_name,
            )
        )
    return problems


def _table_with(
    dataset: Dataset, data: xr.Dataset, items: set[str], scenario: Scenario
) -> pd.DataFrame:
    """The canonical long table with the rows of edited items rebuilt from ``data``."""
    table = dataset.table
    if not items:
        return table
    keep = table[~table["item"].isin(items)]
    rows = []
    for item in sorted(items):
        var = data[item]
        df = var.to_dataframe(name="value").reset_index()
        df = df[df["value"].notna()]
        df["item"] = item
        for col in ("ecosystem", "species"):
            if col not in df.columns:
                df[col] = ""
        df["unit"] = var.attrs.get("units", "")
        df["source"] = f"scenario {scenario.id} ({scenario.file})"
        df["row"] = 0
        rows.append(df[[c for c in table.columns if c in df.columns]])
    out = pd.concat([keep, *rows], ignore_index=True)
    out["region"] = out["region"].astype(str)
    out["year"] = out["year"].astype(int)
    return out


def apply_scenario(
    dataset: Dataset, coefficients: CoefficientSet, scenario: Scenario | str | Path
) -> tuple[Dataset, CoefficientSet]:
    """Apply a scenario to copies of the dataset and the coefficient set.

    Returns ``(dataset', coefficients')``; the inputs and the files are unchanged. Every
    problem (unknown coefficient id, region, item or ecosystem; a unit that does not fit; less
    area than a land conversion moves; extent beyond land area) is collected and raised as one
    :class:`InputError` naming the scenario file and key.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    base = _base_set(dataset, coefficients, scenario)
    problems: list[Problem] = []
    try:
        overrides = scenario_overrides(scenario, base, dataset.years)
    except InputError as exc:
        problems += exc.problems
        overrides = []
    new_set = base.with_overrides(overrides) if overrides else base

    data = dataset.data.copy()  # shallow: unchanged variables share memory with the baseline
    edited: set[str] = set()
    for e in scenario.inventory_edits:
        found = _apply_edit(data, e, scenario.file, dataset)
        problems += found
        if not found:
            edited.add(e.item)
    for c in scenario.land_conversions:
        data, found = _apply_conversion(data, c, scenario.file)
        problems += found
        if not found:
            edited.add("area")
    if "area" in edited:
        problems += _check_extent(
            data,
            dataset,
            scenario.file,
            "land_conversions" if scenario.land_conversions else "inventory_edits",
        )
    if problems:
        raise InputError(problems)
    if not edited:
        new_data = dataset
    else:
        meta = {**dataset.meta, "scenario": scenario.id}
        new_data = Dataset(
            name=dataset.name,
            regions=dataset.regions,
            table=_table_with(dataset, data, edited, scenario),
            data=data,
            meta=meta,
            path=dataset.path,
        )
    return new_data, new_set


# --------------------------------------------------------------------------------------------
# recording which coefficients the account reads (and with which table keys)


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


# --------------------------------------------------------------------------------------------
# vectorized evaluation


def _differs(a: CoefficientSet, b: CoefficientSet, cid: str) -> bool:
    if a.coefficients.get(cid) != b.coefficients.get(cid):
        return True
    return [o for o in a.overrides if o.id == cid] != [o for o in b.overrides if o.id == cid]


def _same_var(a: xr.DataArray, b: xr.DataArray) -> bool:
    return a.variable is b.variable or a.data is b.data or a.equals(b)


@dataclass
class ScenarioStack:
    """Baseline and scenarios stacked for one account call."""

    names: list[str]
    data: xr.Dataset  # inventory; changed variables carry a ``scenario`` dim
    extra: dict[str, xr.DataArray]  # coefficients that differ, with a ``scenario`` dim
    applied: dict[str, tuple[Dataset, CoefficientSet]]
    scenarios: list[Scenario]
    baseline: Account  # the probe run on the stacked inventory (coefficients unchanged)
    requests: dict[str, Request]  # what that run read from the coefficient set


def _align_ecosystems(datas: list[xr.Dataset]) -> list[xr.Dataset]:
    have = [
        set(map(str, d["ecosystem"].values)) if "ecosystem" in d.coords else set() for d in datas
    ]
    union = set().union(*have)
    out = []
    for d, h in zip(datas, have, strict=True):
        for code in sorted(union - h, key=list(ecosystem_catalog()).index):
            d = _add_ecosystem(d, code)
        out.append(d)
    return out


def stack_scenarios(
    dataset: Dataset,
    coefficients: CoefficientSet,
    scenarios: Sequence[Scenario | str | Path],
    *,
    years: Sequence[int] | None = None,
    profile: str = "ndrc-2022",
    options: dict | None = None,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
) -> ScenarioStack:
    """Apply every scenario and stack the results for one vectorized evaluation."""
    scens = [s if isinstance(s, Scenario) else load_scenario(s) for s in scenarios]
    names = [BASELINE, *(s.id for s in scens)]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise InputError(
            [
                Problem(s.file, f"scenario id '{s.id}' is used twice (ids are the file names)")
                for s in scens
                if s.id in dup
            ]
        )
    applied: dict[str, tuple[Dataset, CoefficientSet]] = {}
    problems: list[Problem] = []
    for s in scens:
        try:
            applied[s.id] = apply_scenario(dataset, coefficients, s)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    kwargs = {
        "years": years,
        "profile": profile,
        "options": options,
        "include": include,
        "exclude": exclude,
    }
    # the scenario dim carries no coordinate inside the evaluation (some indicator code
    # concatenates changed and unchanged parts; xarray refuses a coordinate present in only
    # some of them); account_scenarios labels it afterwards

    # inventory: only the variables a scenario changes carry the scenario dim
    datas = [dataset.data if n == BASELINE else applied[n][0].data for n in names]
    if any(
        ("ecosystem" in d.coords)
        and set(map(str, d["ecosystem"].values)) != set(map(str, datas[0]["ecosystem"].values))
        for d in datas
    ):
        datas = _align_ecosystems(datas)
    base_data = datas[0]
    out = {}
    for var in base_data.data_vars:
        versions = [d[var] for d in datas]
        if all(_same_var(v, versions[0]) for v in versions[1:]):
            out[var] = versions[0]
        else:
            out[var] = xr.concat(
                versions, dim="scenario", coords="minimal", compat="override"
            ).assign_attrs(versions[0].attrs)
    data = xr.Dataset(out, attrs=base_data.attrs)

    # probe: which coefficients (and table keys) the account reads on these inputs
    baseline, requests = probe(data if "scenario" in data.dims else dataset, coefficients, **kwargs)
    acc_years = baseline.years

    # coefficients: arrays with a scenario dim for the ids that differ
    extra = {}
    stacked = list(names)
    sets = {n: (coefficients if n == BASELINE else applied[n][1]) for n in stacked}
    for cid, req in requests.items():
        if all(cs is coefficients or not _differs(cs, coefficients, cid) for cs in sets.values()):
            continue
        arrays = [resolved(sets[n], cid, req, acc_years) for n in stacked]
        if all(np.array_equal(a.values, arrays[0].values, equal_nan=True) for a in arrays[1:]):
            continue
        arr = xr.concat(arrays, dim="scenario")
        extra[cid] = arr.assign_attrs(units=arrays[0].attrs["units"])
    return ScenarioStack(
        names=names,
        data=data,
        extra=extra,
        applied=applied,
        scenarios=scens,
        baseline=baseline,
        requests=requests,
    )


def _expand(ds: xr.Dataset, dim: str, values: list[str]) -> xr.Dataset:
    out = {}
    for name, var in ds.data_vars.items():
        if dim not in var.dims:
            var = var.expand_dims({dim: values}).transpose(*[d for d in var.dims if d != dim], dim)
        out[name] = var
    return xr.Dataset(out, attrs=ds.attrs)


def account_scenarios(
    dataset: Dataset,
    coefficients: CoefficientSet,
    scenarios: Sequence[Scenario | str | Path],
    *,
    years: Sequence[int] | None = None,
    profile: str = "ndrc-2022",
    options: dict | None = None,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
) -> Account:
    """The account of the baseline and every scenario, with a ``scenario`` dimension.

    ``scenario`` = ``["baseline", <scenario ids>...]``. Baseline and the stackable scenarios are
    evaluated in one call of :func:`gep.accounting.account`; see the module docstring.
    """
    stack = stack_scenarios(
        dataset,
        coefficients,
        scenarios,
        years=years,
        profile=profile,
        options=options,
        include=include,
        exclude=exclude,
    )
    kwargs = {
        "years": stack.baseline.years,
        "profile": profile,
        "options": options,
        "include": include,
        "exclude": exclude,
    }
    acc = account(stack.data, coefficients, extra_coefficients=stack.extra or None, **kwargs)
    ds = acc.ds
    if "scenario" in ds.dims:
        ds = ds.assign_coords(scenario=stack.names)
    ds = _expand(ds, "scenario", stack.names)
    labels = {
        BASELINE: {"zh": "基准情景", "en": "Baseline"},
        **{s.id: s.name for s in stack.scenarios},
    }
    ds = ds.assign_coords(
        scenario_name_zh=("scenario", [labels[n].get("zh", n) for n in stack.names]),
        scenario_name_en=("scenario", [labels[n].get("en", n) for n in stack.names]),
    )
    ds["value"] = ds["value"].transpose("region", "year", "indicator", "scenario", ...)
    ds.attrs.update(stack.baseline.ds.attrs)
    ds.attrs["scenarios"] = ",".join(stack.names)
    acc.ds = ds
    acc.dataset = dataset
    acc.coefficients = coefficients
    acc.scenarios = {s.id: s for s in stack.scenarios}  # type: ignore[attr-defined]
    acc.scenario_provenance = {  # type: ignore[attr-defined]
        s.id: {
            "file": s.file,
            "dataset_hash": stack.applied[s.id][0].hash,
            "coefficients": {
                "name": stack.applied[s.id][1].name,
                "hash": stack.applied[s.id][1].hash,
                "overrides": [o.describe() for o in stack.applied[s.id][1].overrides],
            },
            "evaluation": "stacked",
        }
        for s in stack.scenarios
    }
    return acc


# --------------------------------------------------------------------------------------------
# comparison


@dataclass
class Comparison:
    """Scenario differences against a base scenario, at three levels, for regions and the total.

    Each of ``indicator``, ``category``, ``gep`` is an ``xarray.Dataset`` with variables
    ``value``, ``baseline``, ``diff`` (value − baseline, CNY) and ``rel_diff`` (diff / baseline,
    NaN where the baseline is 0 or not assessed), over ``scenario, region, year`` (+ indicator
    or category); region ``total`` (or the dataset's top region) is the sum over regions.
    """

    indicator: xr.Dataset
    category: xr.Dataset
    gep: xr.Dataset
    base: str
    total_region: str
    provenance: dict = field(default_factory=dict)

    def to_frame(self, include_base: bool = False) -> pd.DataFrame:
        """Tidy rows: scenario, region, year, level, indicator, category, value, baseline, diff, rel_diff."""
        frames = []
        for level, ds in (
            ("indicator", self.indicator),
            ("category", self.category),
            ("gep", self.gep),
        ):
            df = ds[["value", "baseline", "diff", "rel_diff"]].to_dataframe().reset_index()
            df["level"] = level
            if level == "indicator":
                cats = dict(zip(ds["indicator"].values, ds["category"].values, strict=True))
                df["category"] = df["indicator"].map(cats)
            elif level == "category":
                df["indicator"] = None
            else:
                df["indicator"] = None
                df["category"] = None
            frames.append(df)
        out = pd.concat(frames, ignore_index=True)
        if not include_base:
            out = out[out["scenario"] != self.base]
        cols = [
            "scenario",
            "region",
            "year",
            "level",
            "indicator",
            "category",
            "value",
            "baseline",
            "diff",
            "rel_diff",
        ]
        return out[cols].reset_index(drop=True)


def _with_total(x: xr.DataArray, name: str) -> xr.DataArray:
    total = x.sum("region", min_count=1).expand_dims(region=[name])
    return xr.concat([x, total], dim="region", coords="minimal", compat="override")


def _diffs(value: xr.DataArray, base: str) -> xr.Dataset:
    b = value.sel(scenario=base, drop=True)
    diff = value - b
    rel = diff / b.where(b != 0)
    out = xr.Dataset(
        {"value": value, "baseline": b.broadcast_like(value), "diff": diff, "rel_diff": rel}
    )
    return out.transpose("scenario", "region", "year", ...)


def compare(acc: Account, base: str = BASELINE) -> Comparison:
    """Differences of every scenario from ``base`` by region, indicator and category (+ GEP)."""
    if "scenario" not in acc.value.dims:
        raise InputError(
            Problem("compare", "the account has no scenario dimension (use account_scenarios)")
        )
    names = [str(s) for s in acc.value["scenario"].values]
    if base not in names:
        raise InputError(
            Problem("compare", f"no scenario '{base}' in the account ({', '.join(names)})")
        )
    top = (acc.dataset.top_region if acc.dataset is not None else None) or "total"
    value = acc.value
    ind = _with_total(value, top)
    ind = ind.assign_coords(category=("indicator", value["category"].values))
    cat = _with_total(acc.by_category(), top)
    gep = _with_total(acc.gep(), top)
    prov = acc.provenance()
    return Comparison(
        indicator=_diffs(ind, base),
        category=_diffs(cat, base),
        gep=_diffs(gep, base),
        base=base,
        total_region=top,
        provenance=prov,
    )
