"""Declared schemas for the YAML input formats (issue 9 item 5).

The structure of a coefficient file, of ``dataset.yaml`` and of a scenario file — which keys exist,
their types, the allowed ``status`` and
``by`` values, the uncertainty distributions — is declared once as pydantic models. The loaders
validate against them and turn every validation error into the project's :class:`Problem`
(file, dotted key, YAML line); checks that need context (unit dimension, declared ranges,
ecosystem/product codes, a money value's ``price_year``) stay as code in the loaders.

JSON Schema files for editors are generated from the models::

    # writes docs/schemas/{coefficient,dataset,scenario}.schema.json
    python -m gep.schemas --write
    # exit 1 if a committed schema is out of date
    python -m gep.schemas --check
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import Problem
from .yamlio import KeyLines

STATUSES = ("standard", "official", "local-official", "literature", "illustrative")
BY_DIMS = ("ecosystem", "species", "region", "xie_class", "product", "grade")
DISTRIBUTIONS = {
    "triangular": {"low", "high"},
    "normal": {"sd"},
    "lognormal": {"sd"},
    "uniform": {"low", "high"},
}

Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Text = Annotated[str, Field(strict=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Bilingual(_Strict):
    """Text in Chinese and English."""

    zh: Text | None = None
    en: Text | None = None


class Source(_Strict):
    """Where a value comes from: at least a title."""

    title: Annotated[str, Field(strict=True, min_length=1, pattern=r"\S")]
    #: English beside a Chinese title in the English interface: a gloss (ours, shown as
    #: "[English gloss: …]"), never presented as a published English title
    title_en: Text | None = None
    issuer: Text | None = None
    year: int | Text | None = None
    clause: Text | None = None
    link: Text | None = None
    note: Text | None = None


class ValueItem(_Strict):
    """One dated value: a number, or a table ``{key: number}`` when the file has ``by``."""

    value: Number | dict[str, Number]
    status: Literal[STATUSES]  # type: ignore[valid-type]
    source: Text | Source
    price_year: int | None = None
    note: Text | None = None


class Uncertainty(_Strict):
    """Distribution of a coefficient for Monte Carlo runs."""

    distribution: Literal[tuple(DISTRIBUTIONS)]  # type: ignore[valid-type]
    low: Number | None = None
    mode: Number | None = None
    high: Number | None = None
    sd: Number | None = None
    relative: bool | None = None
    note: Text | None = None


class Range(_Strict):
    """Allowed interval of every value (default ``min: 0``)."""

    # ±inf (.inf) means unbounded: the store writes the default range back as max: .inf
    min: Annotated[float, Field(strict=True, allow_inf_nan=True)] | None = None
    max: Annotated[float, Field(strict=True, allow_inf_nan=True)] | None = None
    note: Text | None = None

    @field_validator("min", "max")
    @classmethod
    def _not_nan(cls, v: float | None) -> float | None:
        if v is not None and v != v:
            raise ValueError("must be a number, not NaN")
        return v


class CoefficientFile(_Strict):
    """One coefficient file (``<set>/<group>/<name>.yaml``, id = path with dots)."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        title="GEP coefficient file",
    )

    description: Text | Bilingual | None = None
    unit: Text = Field(description="pint unit string, e.g. 'CNY / m ** 3'")
    by: Literal[BY_DIMS] | None = Field(  # type: ignore[valid-type]
        None, description="the value is a table keyed by this dimension"
    )
    price_index: Text | None = Field(None, description="coefficient id, e.g. price_index.cpi")
    uncertainty: Uncertainty | None = None
    values: dict[str, ValueItem] = Field(
        min_length=1,
        description="start date (YYYY-MM-DD or year) -> value in force from that date",
    )
    note: Text | None = None
    range: Range | None = None

    @field_validator("values", mode="before")
    @classmethod
    def _date_keys(cls, v: Any) -> Any:
        # YAML turns 2020-01-01 into a date and 2020 into an int; the schema keys are text
        if isinstance(v, dict):
            return {(k.isoformat() if isinstance(k, dt.date) else str(k)): x for k, x in v.items()}
        return v


class DatasetFile(_Strict):
    """``dataset.yaml`` of a dataset folder (beside inventory.csv/xlsx and regions.csv)."""

    model_config = ConfigDict(extra="forbid", strict=True, title="GEP dataset.yaml")

    name: Text | None = None
    description: Text | Bilingual | None = None
    coefficients: Text | None = Field(None, description="coefficient set name or path")
    profile: Text | None = Field(None, description="accounting profile id")
    base_year: int | None = Field(None, description="constant-price year of the account")
    years: list[int] | None = Field(None, description="years the inventory covers")
    encoding: Text | None = Field(None, description="text encoding of the CSV files")
    source_note: Text | None = None
    note: Text | None = None


SCHEMAS: dict[str, type[BaseModel]] = {"coefficient": CoefficientFile, "dataset": DatasetFile}
#: every published format; the scenario model lives with the scenarios (:mod:`gep.scenarios.schema`)
#: and is imported only when asked for, so loading coefficients does not load the scenario layer
KINDS = (*SCHEMAS, "scenario")


def schema_model(kind: str) -> type[BaseModel]:
    """The pydantic model of one format (``coefficient``, ``dataset`` or ``scenario``)."""
    if kind == "scenario":
        from .scenarios.schema import ScenarioFile

        return ScenarioFile
    return SCHEMAS[kind]


_WHAT = {
    "string_type": "must be text",
    "int_type": "must be a whole number (e.g. a year)",
    "bool_type": "must be true or false",
    "finite_number": "must be a finite number",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "too_short": "must not be empty",
    "string_too_short": "must not be empty",
    "string_pattern_mismatch": "must not be empty",
}


def _field(loc: tuple) -> str:
    return ".".join(str(p) for p in loc)


def problems_from_error(
    exc: ValidationError,
    file: str,
    lines: KeyLines | None = None,
    model: type[BaseModel] = BaseModel,
) -> list[Problem]:
    """One :class:`Problem` per schema violation: file, dotted key and YAML line."""
    errors = []
    for err in exc.errors(include_url=False):
        # a union (number | table, text | mapping) tags each branch in the location; drop
        # the tags, then keep the most specific report for each key
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and _is_tag(p)))
        errors.append((loc, err))
    locs = {loc for loc, _ in errors}
    problems: list[Problem] = []
    seen: set[tuple] = set()
    for loc, err in errors:
        if loc in seen or any(o[: len(loc)] == loc and o != loc for o in locs):
            continue
        seen.add(loc)
        kind = err["type"]
        name = str(loc[-1]) if loc else ""
        if len(loc) > 1 and isinstance(loc[-1], int):  # a list item: years[1]
            name = f"{loc[-2]}[{loc[-1]}]"
        value = err.get("input")
        if kind == "extra_forbidden":
            message = f"unknown key '{name}' (allowed: {_allowed(model, loc)})"
        elif kind == "missing":
            message = _MISSING.get(name, f"missing '{name}'")
        elif kind == "literal_error":
            message = f"{name} must be one of {err['ctx']['expected']}, not {value!r}"
        elif "value" in loc[-2:] and len(loc) > 2 and loc[0] == "values":
            key = "" if name == "value" else f"for '{name}' "
            message = f"value {key}must be a number, not {value!r}"
            if isinstance(value, dict | list):
                message = f"value must be a number or a mapping {{key: number}}, not {value!r}"
        elif "source" in loc[-2:]:
            message = "every value needs a source with at least a title"
        else:
            message = f"'{name}' {_WHAT.get(kind, err['msg'])}, not {value!r}"
        row = lines.line(loc) if lines is not None else None
        problems.append(Problem(file, message, row=row, field=_field(loc) or None))
    return problems


_MISSING = {
    "source": "every value needs a source with at least a title",
    "title": "every value needs a source with at least a title",
    "status": "status must be one of " + ", ".join(STATUSES) + ", not None",
}


def _is_tag(p: str) -> bool:
    # union-branch tags look like 'float', 'dict[str,...]', 'Source', 'constrained-float'
    return (
        p in {"float", "str", "int", "bool", "none"}
        or "[" in p
        or p[:1].isupper()
        or p.startswith(("constrained", "function-", "literal"))
    )


def _allowed(model: type[BaseModel] | None, loc: tuple) -> str:
    for part in loc[:-1]:
        if model is None:
            break
        field = model.model_fields.get(str(part))
        if field is None:  # a dict key (a date, a table key)
            continue
        model = _model_of(field.annotation)
    return ", ".join(sorted(model.model_fields)) if model is not None else ""


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def validate(kind: str, raw: Any, file: str, lines: KeyLines | None = None) -> list[Problem]:
    """Problems of ``raw`` against the declared schema ``kind`` (empty if it conforms)."""
    if kind == "scenario":
        from .scenarios.schema import validate as validate_scenario

        return validate_scenario(raw, file, lines)[1]
    try:
        SCHEMAS[kind].model_validate(raw)
    except ValidationError as exc:
        return problems_from_error(exc, file, lines, SCHEMAS[kind])
    return []


def validate_part(
    model: type[BaseModel], raw: Any, file: str, prefix: tuple = (), lines: KeyLines | None = None
) -> list[Problem]:
    """Problems of one part of a file (e.g. an ``uncertainty`` mapping) under key ``prefix``."""
    try:
        model.model_validate(raw)
    except ValidationError as exc:
        out = []
        for p in problems_from_error(exc, file, None, model):
            loc = (*prefix, *(p.field.split(".") if p.field else ()))
            row = lines.line(loc) if lines is not None else None
            out.append(Problem(file, p.message, row=row, field=_field(loc) or None))
        return out
    return []


# ---- JSON Schema files ------------------------------------------------------------------------

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "docs" / "schemas"


def json_schema(kind: str) -> dict:
    """JSON Schema (draft 2020-12) of one format, for editors."""
    schema = schema_model(kind).model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text(kind: str) -> str:
    return json.dumps(json_schema(kind), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gep.schemas", description=__doc__)
    parser.add_argument("--write", action="store_true", help="write docs/schemas/*.schema.json")
    parser.add_argument("--check", action="store_true", help="exit 1 if a file is out of date")
    args = parser.parse_args(argv)
    stale = []
    for kind in KINDS:
        path = SCHEMA_DIR / f"{kind}.schema.json"
        text = schema_text(kind)
        if args.write:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
        elif not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(str(path))
    for s in stale:
        print(f"out of date: {s} (run python -m gep.schemas --write)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
