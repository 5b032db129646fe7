"""The declared schema of a scenario file (issue 9 item 5).

One pydantic model per part of the format (:class:`ScenarioFile` at the top); the JSON Schema
in ``docs/schemas/scenario.schema.json`` is generated from them (``python -m gep.schemas
--write``). Checks an editor cannot make — unit strings (through the bounded grammar of
:mod:`gep.unitparse`), item and ecosystem codes from the catalogs, the ``--set`` text of an
override (:meth:`gep.coefficients.Override.parse`) — are validators on the same models, so one
validation pass reports every problem. :func:`problems` turns a validation error into the
project's :class:`~gep.errors.Problem` list: file, key (``overrides[0].set``) and YAML line.

Checks that need a dataset or a coefficient set (coefficient ids, regions present, areas
available to convert) are made when the scenario is applied (:mod:`gep.scenarios.apply`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..catalog import ecosystem_catalog, item_spec
from ..coefficients import Override
from ..errors import InputError, Problem
from ..inventory import REGION_CODE_RE
from ..schemas import Bilingual
from ..unitparse import UnitError, parse_amount
from ..units import parse_unit, ureg
from ..yamlio import KeyLines

YEAR_MIN, YEAR_MAX = 1900, 2200
OPS = ("set", "scale", "add")


def _bad(message: str) -> PydanticCustomError:
    """A validation error whose message is shown as is (type ``scenario``)."""
    return PydanticCustomError("scenario", "{message}", {"message": message})


Text = Annotated[str, Field(strict=True)]
Name = Annotated[str, Field(strict=True, min_length=1, pattern=r"\S")]
Year = Annotated[int, Field(strict=True, ge=YEAR_MIN, le=YEAR_MAX)]
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False)]
# a bare number (the item's canonical unit / the coefficient's unit) or the text "NUMBER UNIT"
Amount = Annotated[
    Number | Text,
    Field(description="a number, or 'NUMBER UNIT' such as '300 mu' or '0.35 CNY/kWh'"),
]


def _region(value: int | str) -> str:
    code = str(value).strip()
    # ASCII digits only (str.isdigit would accept full-width ６１０９０２); 6-digit county or
    # 9-digit township code, as in regions.csv
    if not REGION_CODE_RE.fullmatch(code):
        raise _bad(f"region {value!r} is not a 6-digit (county) or 9-digit (township) code")
    return code


_REGION_JSON = {
    "anyOf": [
        {"type": "string", "pattern": "^[0-9]{6}([0-9]{3})?$"},
        {"type": "integer", "minimum": 100000, "maximum": 999999},
        {"type": "integer", "minimum": 100000000, "maximum": 999999999},
    ],
    "description": "6-digit county or 9-digit township administrative code",
}
Region = Annotated[int | str, AfterValidator(_region), WithJsonSchema(_REGION_JSON)]
Regions = Annotated[
    Region | list[Region],
    Field(description="one region code or a list (default: every region)"),
]
_PATH_JSON = {
    "type": "object",
    "minProperties": 1,
    "propertyNames": {"pattern": "^[0-9]{4}$"},
    "additionalProperties": {"type": "number", "minimum": 0},
    "description": "year -> value (from that year on; see interpolate)",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


# exactly one operation per override / edit, also for editors
_ONE_OP = ConfigDict(
    extra="forbid",
    strict=True,
    json_schema_extra={"oneOf": [{"required": [op]} for op in ("set", "scale", "add")]},
)


class Names(_Strict):
    """A name in Chinese and English (at least one)."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"minProperties": 1})

    zh: Name | None = None
    en: Name | None = None

    @model_validator(mode="after")
    def _one_given(self) -> Names:
        if self.zh is None and self.en is None:
            raise _bad("'name' must be a text or a mapping with zh and en")
        return self


def _amount_unit(value: Any, info: ValidationInfo) -> str | None:
    """Unit of an amount text (None for a bare number); a bad string is a schema error."""
    if not isinstance(value, str):
        return None
    try:
        _, unit = parse_amount(value, info.field_name)
    except UnitError as exc:
        raise _bad(exc.problems[0].message) from None
    return None if unit is None else str(unit)


def _check_unit(text: str) -> None:
    try:
        parse_unit(text)
    except ValueError as exc:  # UnitError is a ValueError
        message = exc.problems[0].message if isinstance(exc, InputError) else str(exc)
        raise _bad(message) from None


def _one_op(entry: BaseModel) -> None:
    given = [op for op in OPS if getattr(entry, op) is not None]
    if len(given) != 1:
        raise _bad(f"give exactly one of set, scale, add (found {', '.join(given) or 'none'})")


class OverrideEntry(_Strict):
    """A coefficient override written as a mapping (the text form is ``ID*=2`` as in --set)."""

    model_config = _ONE_OP

    id: Name = Field(description="coefficient id, e.g. regulating.carbon_sequestration.price")
    set: Amount | None = Field(None, description="new value (in 'unit' or the coefficient's)")
    scale: Number | None = Field(None, description="factor")
    add: Amount | None = Field(None, description="delta (in 'unit' or the coefficient's)")
    key: Text | None = Field(None, description="one table key: ecosystem, species or region")
    unit: Text | None = Field(None, description="pint unit of the value")
    price_year: Year | None = Field(None, description="year whose prices the value is in")
    from_year: Year | None = Field(None, description="applies from this accounting year on")
    note: Text | None = None

    @field_validator("set", "add")
    @classmethod
    def _amount(cls, v: Any, info: ValidationInfo) -> Any:
        _amount_unit(v, info)
        return v

    @field_validator("unit")
    @classmethod
    def _unit(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None:
            return v
        if info.data.get("scale") is not None:
            raise _bad("a scale factor has no unit")
        if any(isinstance(info.data.get(op), str) and _has_unit(info.data[op]) for op in OPS):
            raise _bad("unit given twice (in the value and in 'unit')")
        _check_unit(v)
        return v

    @model_validator(mode="after")
    def _op(self) -> OverrideEntry:
        _one_op(self)
        return self


def _has_unit(text: str) -> bool:
    try:
        return parse_amount(text)[1] is not None
    except UnitError:
        return False


def _override_text(text: str) -> str:
    try:
        Override.parse(text)
    except InputError as exc:
        raise _bad("; ".join(p.message for p in exc.problems)) from None
    return text


def _override_kind(v: Any) -> str:
    return "str" if isinstance(v, str) else "OverrideEntry"


OverrideItem = Annotated[
    Annotated[
        str,
        AfterValidator(_override_text),
        Field(description="the --set syntax: ID=VALUE, ID[KEY]=VALUE UNIT, ID*=F, ID+=D"),
        Tag("str"),  # the tag goes last (outermost)
    ]
    | Annotated[OverrideEntry, Tag("OverrideEntry")],
    Discriminator(_override_kind),
]


def _known_ecosystem(code: str) -> bool:
    catalog = ecosystem_catalog()
    return code in catalog or code in {e.level1 for e in catalog.values()}


class InventoryEditEntry(_Strict):
    """``set`` / ``scale`` / ``add`` on one inventory item (a copy; files never change)."""

    model_config = _ONE_OP

    item: Name = Field(description="inventory item (gep items / gep/items.yaml)")
    ecosystem: Text | None = Field(None, description="ecosystem code (level 1 or 2)")
    species: Text | None = None
    region: Regions | None = None
    year: Year | list[Year] | None = Field(None, description="these years only")
    from_year: Year | None = Field(None, description="this year on")
    set: Amount | None = Field(None, description="new value (bare: the item's canonical unit)")
    scale: NonNegative | None = Field(None, description="factor")
    add: Amount | None = Field(None, description="delta (bare: the item's canonical unit)")
    note: Text | None = None

    @field_validator("item")
    @classmethod
    def _item(cls, v: str) -> str:
        if item_spec(v) is None:
            raise _bad(f"unknown item {v!r} (see `gep items` / gep/items.yaml)")
        return v

    @field_validator("ecosystem")
    @classmethod
    def _ecosystem(cls, v: str | None, info: ValidationInfo) -> str | None:
        spec = item_spec(info.data["item"]) if "item" in info.data else None
        if v is None or spec is None:
            return v
        if "ecosystem" not in spec.dims:
            raise _bad(f"item {info.data['item']} has no ecosystem dimension")
        if not _known_ecosystem(v):
            raise _bad(f"unknown ecosystem {v!r}")
        return v

    @field_validator("species")
    @classmethod
    def _species(cls, v: str | None, info: ValidationInfo) -> str | None:
        spec = item_spec(info.data["item"]) if "item" in info.data else None
        if v is not None and spec is not None and "species" not in spec.dims:
            raise _bad(f"item {info.data['item']} has no species dimension")
        return v

    @field_validator("from_year")
    @classmethod
    def _from_year(cls, v: int | None, info: ValidationInfo) -> int | None:
        if v is not None and info.data.get("year") is not None:
            raise _bad("give either 'year' or 'from_year', not both")
        return v

    @field_validator("set", "add")
    @classmethod
    def _amount(cls, v: Any, info: ValidationInfo) -> Any:
        unit = _amount_unit(v, info)
        spec = item_spec(info.data["item"]) if "item" in info.data else None
        if unit is not None and spec is not None and spec.canonical_unit_for(unit) is None:
            raise _bad(
                f"unit {unit!r} does not measure {spec.en.lower()} "
                f"(expected {' or '.join(spec.units)})"
            )
        return v

    @model_validator(mode="after")
    def _op(self) -> InventoryEditEntry:
        _one_op(self)
        return self


def _level2(code: str) -> str:
    catalog = ecosystem_catalog()
    if code not in catalog:
        level2 = [c for c in catalog if catalog[c].level1 == code]
        hint = f"; use a level-2 code ({', '.join(level2)})" if level2 else ""
        raise _bad(f"unknown ecosystem {code!r}{hint}")
    return code


class LandConversionEntry(_Strict):
    """Move area from one ecosystem to another, keeping each region's total area."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=False)

    source: Name = Field(alias="from", description="level-2 ecosystem code, e.g. farmland.dry")
    target: Name = Field(alias="to", description="level-2 ecosystem code, e.g. forest.broadleaf")
    area: Amount = Field(description="area moved in each region, e.g. '500 mu' (bare: hectare)")
    region: Regions | None = None
    from_year: Year | None = None
    note: Text | None = None

    @field_validator("source")
    @classmethod
    def _source(cls, v: str) -> str:
        return _level2(v)

    @field_validator("target")
    @classmethod
    def _target(cls, v: str, info: ValidationInfo) -> str:
        _level2(v)
        if v == info.data.get("source"):
            raise _bad("'from' and 'to' are the same ecosystem")
        return v

    @field_validator("area")
    @classmethod
    def _area(cls, v: Any, info: ValidationInfo) -> Any:
        area_hectares(v)
        return v


def area_hectares(v: float | str) -> float:
    """An area amount (bare number: hectare) in hectares; schema error if not an area >= 0."""
    if isinstance(v, str):
        try:
            number, unit = parse_amount(v, "area")
        except UnitError as exc:
            raise _bad(exc.problems[0].message) from None
    else:
        number, unit = float(v), None
    try:
        ha = float(ureg.Quantity(number, unit or parse_unit("hectare")).to("hectare").magnitude)
    except Exception:
        raise _bad(f"unit {str(unit)!r} is not an area unit") from None
    if ha < 0:
        raise _bad("area to move must not be negative")
    return ha


class _PathBase(_Strict):
    unit: Text | None = Field(None, description="pint unit of the path's values")
    price_year: Year | None = Field(None, description="prices of this year (default: each year's)")
    interpolate: Literal["step", "linear"] = Field(
        "step", description="step: a value holds until the next point; linear: per year"
    )
    path: Annotated[dict[Year, NonNegative], WithJsonSchema(_PATH_JSON)] = Field(min_length=1)
    note: Text | None = None

    @field_validator("unit")
    @classmethod
    def _unit(cls, v: str | None) -> str | None:
        if v is not None:
            _check_unit(v)
        return v


class CarbonPrice(_PathBase):
    """A price path for regulating.carbon_sequestration.price (default unit CNY/tCO2e)."""


class CoefficientPathEntry(_PathBase):
    """A path year -> value for one scalar coefficient."""

    id: Name = Field(description="coefficient id (a scalar coefficient)")


class ScenarioFile(_Strict):
    """A scenario (``datasets/<name>/scenarios/<id>.yaml``; the id is the file name)."""

    model_config = ConfigDict(extra="forbid", strict=True, title="GEP scenario file")

    name: Name | Names = Field(description="text, or {zh: ..., en: ...}")
    description: Text | Bilingual | None = None
    coefficients: Text | None = Field(
        None, description="base coefficient set name or folder (default: the set in use)"
    )
    overrides: list[OverrideItem] | None = Field(
        None, description="coefficient overrides, applied in order"
    )
    inventory_edits: list[InventoryEditEntry] | None = Field(
        None, description="changes to a copy of the inventory, in order"
    )
    land_conversions: list[LandConversionEntry] | None = Field(
        None, description="area moved between ecosystems (after inventory_edits)"
    )
    carbon_price: CarbonPrice | None = None
    paths: list[CoefficientPathEntry] | None = None
    note: Text | None = None


# ---- validation errors -> Problems ------------------------------------------------------------

_PARTS: dict[str, type[BaseModel]] = {
    "name": Names,
    "description": Bilingual,
    "overrides": OverrideEntry,
    "inventory_edits": InventoryEditEntry,
    "land_conversions": LandConversionEntry,
    "carbon_price": CarbonPrice,
    "paths": CoefficientPathEntry,
}
_YEAR_KEYS = {"year", "from_year", "price_year"}
_MISSING = {
    "name": "missing 'name' ({zh: ..., en: ...})",
    "id": "missing coefficient 'id'",
    "item": "missing 'item' (see `gep items` / gep/items.yaml)",
    "from": "missing 'from' (an ecosystem code such as farmland.dry)",
    "to": "missing 'to' (an ecosystem code such as forest.broadleaf)",
    "area": "missing 'area' (e.g. 500 mu or 30 hectare)",
    "path": "'path' must be a non-empty mapping year: value",
}


def key_text(key: Any) -> str:
    return key.isoformat() if hasattr(key, "isoformat") else str(key)


def _is_tag(part: Any) -> bool:
    # union-branch tags: 'str', 'int', 'list[...]', 'function-after[...]', model names, '[key]'
    return isinstance(part, str) and (
        part in {"str", "int", "float", "bool", "none"}
        or "[" in part
        or part[:1].isupper()
        or part.startswith(("constrained", "function-", "literal"))
    )


def _where(raw: Any, loc: tuple) -> tuple[tuple, bool]:
    """The key path of ``loc`` in the file and whether the error is about a mapping key.

    Branch tags of unions are dropped; list positions stay ``int``, mapping keys become text
    (a YAML year key ``2020`` is the text ``"2020"``).
    """
    node, out, on_key = raw, [], False
    for i, part in enumerate(loc):
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
            continue
        if isinstance(node, dict):
            key = next((k for k in node if key_text(k) == str(part)), _NONE)
            if key is not _NONE:
                out.append(key_text(key))
                node = node[key]
                continue
            if i == len(loc) - 1 and not _is_tag(part):  # a missing key
                out.append(str(part))
                continue
        if part == "[key]":
            on_key = True
    return tuple(out), on_key


_NONE = object()


def line_of(raw: Any, loc: tuple, lines: KeyLines) -> int | None:
    """The line of the key at ``loc``; for a list item or a missing key, its mapping's first key."""
    node: Any = raw
    parents = []
    for part in loc:
        parents.append(node)
        if isinstance(node, list) and isinstance(part, int):
            node = node[part]
        elif isinstance(node, dict):
            node = next((v for k, v in node.items() if key_text(k) == part), _NONE)
        else:
            node = _NONE
    if loc and isinstance(loc[-1], str) and node is not _NONE:
        return lines.line(loc)  # the key itself
    if node is _NONE and loc and isinstance(parents[-1], dict) and parents[-1]:
        node, loc = parents[-1], loc[:-1]  # a missing key: where its mapping starts
    if isinstance(node, dict) and node:
        return lines.line((*loc, key_text(next(iter(node)))))
    return lines.line(loc)


def field_text(loc: tuple) -> str:
    """``overrides[0].set`` from ``("overrides", 0, "set")``."""
    text = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def _allowed(loc: tuple) -> str:
    """The keys allowed where an unknown key ``loc[-1]`` was found."""
    parent = [p for p in loc[:-1] if isinstance(p, str)]
    model = _PARTS.get(parent[0]) if parent else ScenarioFile
    if model is None or len(parent) > 1:
        return ""
    return ", ".join(sorted(f.alias or n for n, f in model.model_fields.items()))


def _message(err: dict, loc: tuple, on_key: bool) -> str:
    kind, value = err["type"], err.get("input")
    in_path = len(loc) > 1 and loc[-2] == "path"  # a year key of a path, or its value
    names = [p for p in (loc[:-1] if in_path else loc) if isinstance(p, str)]
    name = str(loc[-1]) if loc else ""
    last = names[-1] if names else ""
    top = names[0] if names else ""
    if kind == "scenario":
        return err["ctx"]["message"]
    if kind == "extra_forbidden":
        return f"unknown key '{name}' (allowed: {_allowed(loc)})"
    if kind == "missing":
        return _MISSING.get(name, f"missing '{name}'")
    if top == "name" or (top == "description" and len(loc) == 1):
        return f"'{top}' must be a text or a mapping with zh and en"
    if on_key or last in _YEAR_KEYS:
        return f"{value!r} is not a year"
    if name == "path" and kind in ("too_short", "dict_type"):
        return _MISSING["path"]
    if in_path:
        return f"value {value!r} is not a non-negative number"
    if last == "scale":
        what = "a non-negative number" if top == "inventory_edits" else "a number"
        return f"factor {value!r} is not {what}"
    if last in ("set", "add", "area"):
        return f"{value!r} is not a number or 'NUMBER UNIT'"
    if last == "region":
        return f"region {value!r} is not a 6-digit (county) or 9-digit (township) code"
    if kind == "literal_error":
        return f"{name} must be one of {err['ctx']['expected']}, not {value!r}"
    if kind == "list_type":
        return "must be a list"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "must be a mapping"
    if kind in ("too_short", "string_too_short", "string_pattern_mismatch"):
        return f"'{name}' must not be empty"
    if kind == "string_type":
        return f"'{name}' must be text, not {value!r}"
    return f"'{name}' {err['msg']}, not {value!r}"


def problems(
    exc: ValidationError, file: str, raw: Any, lines: KeyLines | None = None
) -> list[Problem]:
    """One :class:`Problem` per key of the file the schema rejects (file, key, YAML line)."""
    found = []
    for err in exc.errors(include_url=False):
        loc, on_key = _where(raw, tuple(err["loc"]))
        found.append((loc, on_key, err))
    locs = {loc for loc, _, _ in found}
    out: list[Problem] = []
    seen: set[tuple] = set()
    for loc, on_key, err in found:
        deeper = any(o[: len(loc)] == loc and o != loc for o in locs)
        if loc in seen or (deeper and err["type"] != "scenario"):
            continue
        seen.add(loc)
        row = line_of(raw, loc, lines) if lines is not None else None
        out.append(
            Problem(
                file,
                _message(err, loc, on_key),
                row=row,
                field=field_text(loc) or None,
            )
        )
    return sorted(out, key=lambda p: p.row or 0)


def validate(
    raw: Any, file: str, lines: KeyLines | None = None
) -> tuple[ScenarioFile | None, list[Problem]]:
    """``raw`` as a :class:`ScenarioFile`, or ``None`` and every problem found."""
    if not isinstance(raw, dict):
        return None, [Problem(file, "a scenario file must be a mapping with at least 'name'")]
    try:
        return ScenarioFile.model_validate(raw), []
    except ValidationError as exc:
        return None, problems(exc, file, raw, lines)
