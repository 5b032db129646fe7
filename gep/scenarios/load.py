"""Reading scenario files: the declared schema (:mod:`gep.scenarios.schema`), then the data
classes of :mod:`gep.scenarios.model` with amounts converted to canonical units."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..catalog import item_spec
from ..coefficients import Override
from ..errors import InputError, Problem
from ..unitparse import parse_amount
from ..units import parse_unit, ureg
from ..yamlio import KeyLines, load_yaml_lines
from . import schema as _schema
from .model import (
    BASELINE,
    CARBON_PRICE_ID,
    CoefficientPath,
    InventoryEdit,
    LandConversion,
    OverrideSpec,
    Scenario,
)

if TYPE_CHECKING:
    from ..coefficients import CoefficientSet
    from ..inventory import Dataset


def _texts(v: Any) -> dict:
    if v is None:
        return {}
    if isinstance(v, str):
        return {"zh": v, "en": v}
    return v.model_dump(exclude_none=True)


def _amount(v: float | str) -> tuple[float, str | None]:
    """(magnitude, unit or None) of a schema-checked amount."""
    if isinstance(v, str):
        number, unit = parse_amount(v)
        return number, None if unit is None else str(unit)
    return float(v), None


def _years(v: int | list[int] | None) -> tuple[int, ...] | None:
    if v is None:
        return None
    return tuple(v) if isinstance(v, list) else (v,)


def _regions(v: str | list[str] | None) -> tuple[str, ...] | None:
    if v is None:
        return None
    return tuple(v) if isinstance(v, list) else (v,)


def _override(entry: str | _schema.OverrideEntry, file: str, where: str) -> OverrideSpec:
    origin = f"{file}, field '{where}'"
    if isinstance(entry, str):
        return OverrideSpec(Override.parse(entry, origin=origin), where)
    op = next(op for op in _schema.OPS if getattr(entry, op) is not None)
    value = getattr(entry, op)
    if op == "scale":
        number, unit = float(value), None
    else:
        number, unit = _amount(value)
        unit = entry.unit if entry.unit is not None else unit
    o = Override(
        id=entry.id.strip(),
        op=op,
        value=number,
        key=entry.key,
        unit=unit,
        price_year=entry.price_year,
        from_year=entry.from_year,
        origin=origin,
    )
    return OverrideSpec(o, where)


def _edit(e: _schema.InventoryEditEntry, where: str) -> InventoryEdit:
    op = next(op for op in _schema.OPS if getattr(e, op) is not None)
    value = getattr(e, op)
    unit = None
    if op == "scale":
        number = float(value)
    else:
        number, unit = _amount(value)
        if unit is not None:
            canon = item_spec(e.item).canonical_unit_for(unit)
            number = float(ureg.Quantity(number, parse_unit(unit)).to(parse_unit(canon)).magnitude)
    return InventoryEdit(
        item=e.item,
        op=op,
        value=number,
        field=where,
        regions=_regions(e.region),
        years=_years(e.year),
        from_year=e.from_year,
        ecosystem=e.ecosystem,
        species=e.species,
        unit=unit,
    )


def _conversion(c: _schema.LandConversionEntry, where: str) -> LandConversion:
    return LandConversion(
        source=c.source,
        target=c.target,
        area_ha=_schema.area_hectares(c.area),
        field=where,
        regions=_regions(c.region),
        from_year=c.from_year,
        area_text=str(c.area),
    )


def _path(p: _schema._PathBase, where: str, cid: str) -> CoefficientPath:
    unit = p.unit
    if unit is None and cid == CARBON_PRICE_ID:
        unit = "CNY / tCO2e"
    return CoefficientPath(
        id=cid,
        points=tuple(sorted((int(y), float(v)) for y, v in p.path.items())),
        field=where,
        unit=unit,
        price_year=p.price_year,
        interpolate=p.interpolate,
    )


def _key_lines(raw: Any, lines: KeyLines | None) -> dict[str, int]:
    """``{"overrides[0].id": line, ...}`` for every key and list item of the file."""
    out: dict[str, int] = {}
    if lines is None:
        return out

    def walk(node: Any, loc: tuple) -> None:
        if loc:
            row = _schema.line_of(raw, loc, lines)
            if row is not None:
                out[_schema.field_text(loc)] = row
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, (*loc, _schema.key_text(k)))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*loc, i))

    walk(raw, ())
    return out


def parse_scenario(
    raw: Any, file: str, scenario_id: str | None = None, lines: KeyLines | None = None
) -> Scenario:
    """Validate one parsed scenario mapping against the declared schema.

    Raises one :class:`InputError` listing every problem, each naming ``file``, the key
    (``overrides[0].set``) and, when ``lines`` is given, the YAML line.
    """
    sid = scenario_id or Path(file).stem
    model, problems = _schema.validate(raw, file, lines)
    if sid == BASELINE:
        problems.insert(
            0, Problem(file, f"'{BASELINE}' is reserved for the unchanged account; rename the file")
        )
    if problems or model is None:
        raise InputError(problems)
    paths = [_path(p, f"paths[{i}]", p.id) for i, p in enumerate(model.paths or [])]
    if model.carbon_price is not None:
        paths.append(_path(model.carbon_price, "carbon_price", CARBON_PRICE_ID))
    return Scenario(
        id=sid,
        name=_texts(model.name),
        file=file,
        description=_texts(model.description or None),
        coefficient_set=model.coefficients,
        overrides=tuple(
            _override(o, file, f"overrides[{i}]") for i, o in enumerate(model.overrides or [])
        ),
        inventory_edits=tuple(
            _edit(e, f"inventory_edits[{i}]") for i, e in enumerate(model.inventory_edits or [])
        ),
        land_conversions=tuple(
            _conversion(c, f"land_conversions[{i}]")
            for i, c in enumerate(model.land_conversions or [])
        ),
        paths=tuple(paths),
        note=model.note,
        lines=_key_lines(raw, lines),
    )


def load_scenario(
    path: str | Path, dataset: Dataset | None = None, coefficients: CoefficientSet | None = None
) -> Scenario:
    """Read and validate one scenario file.

    With ``dataset`` and ``coefficients`` it is also checked against them (regions, items,
    ecosystems, coefficient ids, units, areas available to convert) — the same checks
    :func:`~gep.scenarios.apply_scenario` makes.
    """
    path = Path(path)
    raw, lines = load_yaml_lines(path)
    scenario = parse_scenario(raw, str(path), lines=lines)
    if dataset is not None and coefficients is not None:
        from .apply import apply_scenario

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
