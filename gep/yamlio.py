"""Strict YAML reading shared by the coefficient, dataset and scenario loaders.

PyYAML's safe loader silently keeps the last of two duplicate keys; an analyst who pasted a
value twice would never know which one counts. This loader refuses duplicates and reports the
line of the second occurrence.

It is also hardened against hostile files (issue 16): anchors and aliases are refused (a
456-byte "billion laughs" file expands to gigabytes), nesting is limited to
:data:`MAX_DEPTH` levels, a file is at most :data:`MAX_YAML_BYTES`, and content that is not
UTF-8 text (binary, NUL or control characters) is refused with the file named.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem

MAX_YAML_BYTES = 2_000_000
MAX_DEPTH = 32
_CONTROL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"} | {"\x7f"}


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors/aliases and deep nesting (checked while composing)."""

    _depth = 0
    key_lines: dict[int, tuple[dict, dict]] | None = None

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None,
                None,
                f"aliases (*{event.anchor}) are not allowed / 不允许使用别名",
                event.start_mark,
            )
        event = self.peek_event()
        if getattr(event, "anchor", None) is not None:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"anchors (&{event.anchor}) are not allowed / 不允许使用锚点",
                event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"nested more than {MAX_DEPTH} levels deep / 嵌套过深",
                    event.start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    lines: dict[Any, int] = {}
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
        lines[key] = key_node.start_mark.line + 1
    if loader.key_lines is not None:
        loader.key_lines[id(mapping)] = (mapping, lines)
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


def _check_text(text: str, name: str) -> None:
    bad = next((c for c in text if c in _CONTROL), None)
    if bad is not None:
        line = text[: text.index(bad)].count("\n") + 1
        raise InputError(
            Problem(
                name,
                f"binary content (control character {bad!r}); a YAML file must be UTF-8 text "
                "/ 不是文本文件",
                row=line,
            )
        )


def decode_yaml_bytes(data: bytes, name: str) -> str:
    """UTF-8 text of a YAML file's bytes, or an ``InputError`` naming the file."""
    if len(data) > MAX_YAML_BYTES:
        raise InputError(Problem(name, f"file is larger than {MAX_YAML_BYTES:,} bytes / 文件过大"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            Problem(
                name,
                f"not UTF-8 text (byte {exc.start}); save the file as UTF-8 / 文件不是 UTF-8 编码",
            )
        ) from None
    _check_text(text, name)
    return text


def load_yaml(path: str | Path) -> Any:
    """Read one YAML file strictly; any syntax error or duplicate key raises ``InputError``.

    A text that parsed before is read back from :mod:`gep.yamlcache` (the file is still read
    and checked first; errors are never cached)."""
    from . import yamlcache

    path = Path(path)
    text = _read_text(path)
    hit = yamlcache.get(text)
    if hit is not None:
        return hit[0]
    data = _parse(text, str(path))
    yamlcache.put(text, data)
    return data


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise InputError(
                Problem(str(path), f"file is larger than {MAX_YAML_BYTES:,} bytes / 文件过大")
            )
        return decode_yaml_bytes(path.read_bytes(), str(path))
    except FileNotFoundError:
        raise InputError(Problem(str(path), "file not found")) from None
    except IsADirectoryError:
        raise InputError(Problem(str(path), "is a folder, not a YAML file")) from None


class KeyLines:
    """The YAML line of each mapping key, looked up by a key path such as ``("values", "2020")``.

    A path that ends inside a list or a scalar resolves to the line of its nearest mapping key,
    so an error about ``values.2020.source.title`` points at ``title:`` or, if that key is
    missing, at ``source:``.
    """

    def __init__(self, data: Any, by_id: dict[int, tuple[dict, dict]]):
        self._data = data
        self._by_id = by_id

    def line(self, path: tuple) -> int | None:
        """1-based line of the deepest key of ``path`` found in the file [line]."""
        node, found = self._data, None
        for part in path:
            if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
                continue
            entry = self._by_id.get(id(node)) if isinstance(node, dict) else None
            if entry is None or entry[0] is not node:
                break
            key = next((k for k in node if _key_text(k) == str(part)), None)
            if key is None:
                break
            found = entry[1].get(key, found)
            node = node[key]
        return found


def _key_text(key: Any) -> str:
    return key.isoformat() if hasattr(key, "isoformat") else str(key)


def load_yaml_lines(path: str | Path) -> tuple[Any, KeyLines]:
    """:func:`load_yaml` plus the line of every mapping key (for schema error messages)."""
    path = Path(path)
    return _parse(_read_text(path), str(path), lines=True)


def loads_yaml_lines(data: bytes, name: str) -> tuple[Any, KeyLines]:
    """:func:`load_yaml_lines` of a file's bytes already read (same checks and messages)."""
    return _parse(decode_yaml_bytes(data, name), name, lines=True)


def _parse(text: str, name: str, lines: bool = False) -> Any:
    try:
        loader = _StrictLoader(text)
        if lines:
            loader.key_lines = {}
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
        return (data, KeyLines(data, loader.key_lines)) if lines else data
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        row = mark.line + 1 if mark is not None else None
        message = exc.problem or str(exc)
        if exc.context and "duplicate" not in message:
            message = f"{exc.context}: {message}"
        raise InputError(Problem(name, message, row=row)) from None
    except yaml.YAMLError as exc:
        raise InputError(Problem(name, str(exc))) from None
    except RecursionError:
        raise InputError(Problem(name, "nested too deeply / 嵌套过深")) from None


def loads_yaml(text: str, name: str = "<text>") -> Any:
    """Strictly parse YAML text (used for uploads and edited sets); same limits as files."""
    if isinstance(text, bytes):
        text = decode_yaml_bytes(text, name)
    else:
        if len(text) > MAX_YAML_BYTES:
            raise InputError(Problem(name, f"text is larger than {MAX_YAML_BYTES:,} bytes"))
        _check_text(text, name)
    return _parse(text, name)


class _NoAliasDumper(yaml.SafeDumper):
    """Writes repeated objects out in full: the loader refuses aliases, so never emit them."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_yaml(data: Any) -> str:
    """YAML text (UTF-8, keys in order, no anchors/aliases) that :func:`load_yaml` reads back."""
    return yaml.dump(
        data, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False, default_flow_style=False
    )
