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
    """Unit in words for people: ``m ** 3`` → 立方米, ``CNY / t`` → 元/吨, ``tCO2e`` →
    吨二氧化碳当量.

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


# ------------------------------------------------------------------------------ names of ids


@functools.cache
def _ecosystems() -> dict:
    return yaml.safe_load(
        (Path(__file__).parents[1] / "ecosystems.yaml").read_text(encoding="utf-8")
    )


def ecosystem_label(code: str | None, lang: str = "zh") -> str:
    if not code:
        return ""
    e = _ecosystems().get(code)
    return str(e["zh"] if lang == "zh" else e["en"]) if e else code


def item_label(item: str, lang: str = "zh") -> str:
    """Name of an inventory item (``output.agriculture.tea`` → 茶叶（产品产量）)."""
    from ..catalog import item_catalog

    catalog = item_catalog()
    spec = catalog.get(item)
    if spec is not None:
        return spec.zh if lang == "zh" else spec.en
    for pattern, s in catalog.items():
        if pattern.endswith(".*") and item.startswith(pattern[:-1]):
            words = [member_label(p, lang) for p in item[len(pattern) - 1 :].split(".")]
            if lang == "zh":
                return f"{words[-1]}（{s.zh}）"
            return f"{s.en} ({', '.join(words)})"
    return item


def member_label(member: str, lang: str = "zh") -> str:
    """Name of an item-family member (``tea`` → 茶叶)."""
    return _pick(_table().get("members", {}).get(member, (member, member)), lang)


def species_label(code: str, lang: str = "zh") -> str:
    """Name of a forest species group (``pinus_massoniana`` → 马尾松)."""
    return _pick(_table().get("species", {}).get(code, (code, code)), lang)


def coefficient_label(cid: str, coefficients=None, lang: str = "zh") -> str:
    """A coefficient's description in words (the id itself when the set does not know it)."""
    if coefficients is not None:
        try:
            desc = coefficients[cid].description or {}
            text = desc.get(lang) or desc.get("zh" if lang == "zh" else "en")
            if text:
                return str(text)
        except Exception:  # unknown id or a set without descriptions: fall back below
            pass
    from ..indicators import REGISTRY

    for ind in REGISTRY.values():
        if cid == ind.id:
            return ind.label(lang)
    return cid


def describe_scenario(sc, lang: str = "zh", coefficients=None, region_name=None) -> list[str]:
    """One line per change of a :class:`~gep.scenarios.Scenario`, in words (no ids)."""
    zh = lang == "zh"
    rn = region_name or (lambda r: r)
    sym = {"set": "设为" if zh else "set to", "scale": "×", "add": "+"}
    regions = lambda rs: ("、" if zh else ", ").join(rn(r) for r in rs)  # noqa: E731
    lines = []
    if sc.coefficient_set:
        lines.append(("系数集：" if zh else "coefficient set: ") + str(sc.coefficient_set))
    for o in sc.overrides:
        ov = o.override
        key = (
            f"（{ecosystem_label(ov.key, lang)}）"
            if (ov.key and zh)
            else (f" ({ov.key})" if ov.key else "")
        )
        unit = f" {unit_label(ov.unit, lang)}" if ov.unit else ""
        since = (
            (f"，自{ov.from_year}年起" if zh else f" from {ov.from_year}") if ov.from_year else ""
        )
        lines.append(
            f"{coefficient_label(ov.id, coefficients, lang)}{key} {sym[ov.op]} "
            f"{ov.value:g}{unit}{since}"
        )
    for p in sc.paths:
        pts = ("，" if zh else ", ").join(f"{y}{'年' if zh else ''}: {v:g}" for y, v in p.points)
        unit = f" {unit_label(p.unit, lang)}" if p.unit else ""
        how = (
            {"linear": "线性插值", "step": "阶梯"}.get(p.interpolate, p.interpolate)
            if zh
            else p.interpolate
        )
        lines.append(
            f"{coefficient_label(p.id, coefficients, lang)}：{pts}{unit}（{how}）"
            if zh
            else f"{coefficient_label(p.id, coefficients, lang)}: {pts}{unit} ({how})"
        )
    for e in sc.inventory_edits:
        where = []
        if e.ecosystem:
            where.append(ecosystem_label(e.ecosystem, lang))
        if e.species:
            where.append(species_label(e.species, lang))
        if e.regions:
            where.append(regions(e.regions))
        if e.years:
            where.append(("、" if zh else ", ").join(f"{y}{'年' if zh else ''}" for y in e.years))
        if e.from_year:
            where.append(f"自{e.from_year}年起" if zh else f"from {e.from_year}")
        unit = f" {unit_label(e.unit, lang)}" if e.unit else ""
        lines.append(
            f"{item_label(e.item, lang)} {sym[e.op]} {e.value:g}{unit}"
            + (
                f"（{'，'.join(where)}）"
                if (where and zh)
                else (f" ({', '.join(where)})" if where else "")
            )
        )
    for c in sc.land_conversions:
        amount = f"{c.area_ha:,.2f} {unit_label('hectare', lang)}"
        where = (
            (f"，{regions(c.regions)}" if zh else f" in {regions(c.regions)}") if c.regions else ""
        )
        since = (f"，自{c.from_year}年起" if zh else f" from {c.from_year}") if c.from_year else ""
        src, dst = ecosystem_label(c.source, lang), ecosystem_label(c.target, lang)
        lines.append(
            f"{src}转为{dst} {amount}{where}{since}"
            if zh
            else f"move {amount} from {src} to {dst}{where}{since}"
        )
    return lines


def profile_problem_text(problem, lang: str = "zh") -> str:
    """Why a profile file cannot run, in words: file, line and key, then the message.

    ``problem`` is a :class:`~gep.errors.Problem` from :mod:`gep.profiles` (messages in
    English); in Chinese the message is worded by the ``profile_problems`` table of
    ``labels.yaml`` (the English message is kept when no entry matches).
    """
    name = Path(str(problem.file)).name
    if lang != "zh":
        where = name + (f", line {problem.row}" if problem.row else "")
        where += f", key '{problem.field}'" if problem.field else ""
        return f"{where}: {problem.message}"
    where = name + (f" 第 {problem.row} 行" if problem.row else "")
    where += f"（键 {problem.field}）" if problem.field else ""
    message = str(problem.message)
    for pattern, zh in _table().get("profile_problems", []):
        m = re.match(pattern, message)
        if m:
            return f"{where}：{zh.format(**m.groupdict())}"
    return f"{where}：{message}"


def engine_gap_text(profile, lang: str = "zh") -> list[str]:
    """Indicators of a profile whose method the engine does not compute yet, in words
    (names and method names from the profile and the method table)."""
    out = []
    for ind in profile.indicators:
        if ind.variant.engine is not None:
            continue
        name = ind.label(lang)
        if not name:
            from ..indicators import REGISTRY

            reg = next((i for i in REGISTRY.values() if i.id == ind.id), None)
            name = reg.label(lang) if reg is not None else ind.id
        if lang == "zh":
            out.append(f"{name}：方法“{ind.variant.zh}”尚未接入核算引擎（{ind.variant.function}）")
        else:
            out.append(
                f"{name}: method '{ind.variant.en}' is not wired into the engine yet "
                f"({ind.variant.function})"
            )
    return out


def perspective_note(acc, lang: str = "zh", year: int | None = None) -> str:
    """One sentence saying which perspective the city total of ``acc`` uses.

    ``city``: the aggregate region's own out-of-region basis (e.g. only water entering the
    city from outside it); ``counties``: the sum of county net values (each county deducts
    what enters *it*, including products of other counties of the same city); ``none``: the
    profile deducts nothing (both perspectives agree). With ``year`` the sentence gives the
    reconciling difference (transfers between counties of the city) in 亿元 / 10⁸ CNY.
    """
    zh = lang == "zh"
    p = acc.city_perspective
    ds = acc.dataset
    code = getattr(acc.aggregate_basis, "code", None) or (ds.top_region if ds else None)
    name = acc.region_name(code, lang) if code else ("全部区域" if zh else "all regions")
    if p == "none":
        return (
            f"{name}合计：本口径不扣除区域外来源，合计即各县值之和"
            if zh
            else f"{name} total: this profile deducts nothing from outside the region; the "
            "total is the sum of the counties"
        )
    if p == "counties":
        fell_back = acc.city_ledger is not None
        if zh:
            why = (
                "部分指标缺少市级区域外扣除依据"
                if fell_back
                else "数据集未提供市级区域外扣除依据（aggregate.csv）"
            )
            return (
                f"{name}合计为各县净值之和（县域视角：来自市内上游县的产品也按区域外扣除）；"
                f"{why}，因此不是全市视角的净值"
            )
        why = (
            "some indicators lack a city-level out-of-region basis"
            if fell_back
            else "the dataset gives no city-level out-of-region basis (aggregate.csv)"
        )
        return (
            f"{name} total is the sum of county net values (county perspective: products "
            f"from upstream counties of the same city are deducted as out-of-region); {why}, so "
            "it is not a city-perspective net value"
        )
    diff = ""
    if year is not None:
        t = acc.city_ledger.ds["internal_transfers"].sel(year=year).sum("indicator")
        if t.ndim == 0:
            v = float(t) / 1e8
            diff = (
                f"；与各县净值之和相差 {v:,.2f} 亿元（市内县际调入，按县域视角被扣除）"
                if zh
                else f"; it differs from the sum of county net values by {v:,.2f} × 10⁸ CNY "
                "(transfers between counties of the city, deducted in the county perspective)"
            )
    return (
        f"{name}合计为全市视角：仅扣除来自{name}以外的生态产品（依据数据集为{name}给出的全市"
        f"数据）{diff}"
        if zh
        else f"{name} total in the city perspective: only ecological products from outside "
        f"{name} are deducted (by the city-level data the dataset gives for {name}){diff}"
    )
