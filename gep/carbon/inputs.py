"""Help text for the project appraisal's inputs (unit, meaning, default and its source).

Read from ``project_inputs.yaml`` beside this module (package data, not user input); defaults
named by ``default_from`` are resolved from the coefficient set (:mod:`gep.carbon.costs`) so
the text shows the value and source actually in force.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from ..yamlio import loads_yaml


@lru_cache(maxsize=1)
def input_specs() -> dict[str, dict]:
    """``{input name: {zh, en, unit[, unit_en], help_zh, help_en, default | default_from,
    ...}}``."""
    text = resources.files("gep.carbon").joinpath("project_inputs.yaml").read_text("utf-8")
    return loads_yaml(text, "gep/carbon/project_inputs.yaml")


def unit_text(spec: dict, lang: str = "zh") -> str:
    """An input's unit in ``lang`` (``unit_en`` where the unit is written in Chinese)."""
    if lang != "zh" and spec.get("unit_en"):
        return str(spec["unit_en"])
    return str(spec.get("unit", ""))


def default_text(spec: dict, lang: str = "zh") -> str:
    """A plain default in ``lang`` (``default_en`` where the default is written in Chinese)."""
    if lang != "zh" and "default_en" in spec:
        return str(spec["default_en"])
    return str(spec.get("default", "—"))


def _fmt(value: float) -> str:
    return f"{value:,.6g}"


def input_help(name: str, lang: str = "zh", defaults: dict | None = None) -> str:
    """One input's help line: meaning, unit, default and the default's source.

    ``defaults`` is :func:`gep.carbon.costs.project_defaults` output (optional); without it a
    ``default_from`` input names its coefficient id.
    """
    spec = input_specs()[name]
    zh = lang == "zh"
    text = spec["help_zh" if zh else "help_en"]
    unit = unit_text(spec, lang)
    if "default_from" in spec:
        key = spec["default_from"]
        d = (defaults or {}).get(key)
        if d is not None:
            default = f"{_fmt(d.value)} {d.unit}"
            source = f"{d.coefficient_id} [{d.status}] {d.source}"
        else:
            from .costs import DEFAULT_SPECS

            default = "—"
            source = DEFAULT_SPECS[key].coefficient_id
    else:
        default = default_text(spec, lang)
        source = str(spec.get("default_source", ""))
    if zh:
        return f"{text} 单位：{unit}。默认：{default}（来源：{source}）"
    return f"{text} Unit: {unit}. Default: {default} (source: {source})"


def input_rows(lang: str = "zh", defaults: dict | None = None) -> list[dict]:
    """Every input as a table row (for the app's input table and the export)."""
    rows = []
    for name, spec in input_specs().items():
        rows.append(
            {
                "input": name,
                "label": spec["zh" if lang == "zh" else "en"],
                "unit": unit_text(spec, lang),
                "help": input_help(name, lang, defaults),
            }
        )
    return rows
