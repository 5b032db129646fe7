"""Strict YAML reading shared by the coefficient, dataset and scenario loaders.

PyYAML's safe loader silently keeps the last of two duplicate keys; an analyst who pasted a
value twice would never know which one counts. This loader refuses duplicates and reports the
line of the second occurrence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem


class _StrictLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r}",
                key_node.start_mark,
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _construct_timestamp(loader: _StrictLoader, node: yaml.ScalarNode):
    # PyYAML raises a bare ValueError on "2022-13-01"; keep the text so the caller can
    # report "not a date" with the file and key instead of crashing.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def load_yaml(path: str | Path) -> Any:
    """Read one YAML file strictly; any syntax error or duplicate key raises ``InputError``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(Problem(str(path), "file not found")) from None
    except UnicodeDecodeError as exc:
        raise InputError(Problem(str(path), f"not UTF-8 text: {exc}")) from None
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        row = mark.line + 1 if mark is not None else None
        message = exc.problem or str(exc)
        if exc.context and "duplicate" not in message:
            message = f"{exc.context}: {message}"
        raise InputError(Problem(str(path), message, row=row)) from None
    except yaml.YAMLError as exc:
        raise InputError(Problem(str(path), str(exc))) from None


def loads_yaml(text: str, name: str = "<text>") -> Any:
    """Strictly parse YAML text (used for uploads and edited sets)."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        row = mark.line + 1 if mark is not None else None
        raise InputError(Problem(name, exc.problem or str(exc), row=row)) from None
