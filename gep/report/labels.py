"""Display names read from ``labels.yaml``: units in words (立方米, 元/吨), statuses, profiles,
method options, and the not-assessed reasons in Chinese.

One place for these so that the report writers and the dashboard pages never spell a unit
or a status themselves.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

from ..units import parse_unit

_LABELS = Path(__file__).with_name("labels.yaml")
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


@functools.cache
def _table() -> dict:
    return yaml.safe_load(_LABELS.read_text(encoding="utf-8"))


def _pick(pair, lang: str) -> str:
    return str(pair[0] if lang == "zh" else pair[1])


def _factor_name(name: str, power: int, lang: str) -> str:
    """Name of one unit factor raised to ``power`` (> 0)."""
    table = _table()
    key = f"{name}^{power}"
    if key in table["powers"]:
        return _pick(table["powers"][key], lang)
    base = _pick(table["units"][name], lang) if name in table["units"] else name
    if power == 1:
        return base
    if lang == "zh" and power in (2, 3) and name.endswith("meter"):
        return ("平方" if power == 2 else "立方") + base
    return f"{base}{str(power).translate(_SUPERSCRIPT)}"


@functools.cache
def unit_label(unit: str, lang: str = "zh") -> str:
    """Unit in words for people: ``m ** 3`` → 立方米, ``CNY / t`` → 元/吨, ``tCO2e`` → 吨二氧化碳当量.

    Parameters
    ----------
    unit : A pint unit string as stored in coefficient files and the indicator registry.
    lang : ``zh`` or ``en``.

    Returns
    -------
    The label; a unit pint cannot parse is returned unchanged (it is data, never evaluated).
    """
    try:
        parsed = parse_unit(str(unit))
    except Exception:
        return str(unit)
    items = dict(parsed._units)
    if not items:
        return _pick(_table()["dimensionless"], lang)
    num = [_factor_name(n, int(p), lang) for n, p in items.items() if p > 0]
    den = [_factor_name(n, int(-p), lang) for n, p in items.items() if p < 0]
    sep = "·" if lang == "zh" else "·"
    text = sep.join(num) if num else "1"
    if den:
        text += "/" + ("/".join(den) if lang == "zh" else "/".join(den))
    return text


def status_label(status: str | None, lang: str = "zh") -> str:
    if not status:
        return "—"
    return _pick(_table()["statuses"].get(status, (status, status)), lang)


def profile_label(profile: str, lang: str = "zh") -> str:
    return _pick(_table()["profiles"].get(profile, (profile, profile)), lang)


def option_label(key: str, value, lang: str = "zh") -> tuple[str, str]:
    """(name, value) of a method option in words."""
    spec = _table()["options"].get(key)
    if spec is None:
        return key, str(value)
    v = str(value).lower() if isinstance(value, bool) else str(value)
    return _pick(spec["label"], lang), _pick(spec["values"].get(v, (v, v)), lang)


_NO_ITEM = re.compile(r"inventory has no '([^']+)'")


def reason_label(reason: str, lang: str = "zh") -> str:
    """A not-assessed reason in words: item ids are replaced by their catalog names."""
    from ..catalog import item_catalog

    catalog = item_catalog()

    def item_name(item: str) -> str:
        spec = catalog.get(item)
        if spec is None:
            for pattern, s in catalog.items():
                if pattern.endswith(".*") and item.startswith(pattern[:-1]):
                    spec = s
                    break
        if spec is None:
            return item
        return spec.zh if lang == "zh" else spec.en

    names = [item_name(m) for m in _NO_ITEM.findall(reason)]
    if names and lang == "zh":
        return "清单中缺少" + "、".join(f"“{n}”" for n in names) + "数据"
    if names:
        return "no inventory data for " + ", ".join(names)
    return reason
