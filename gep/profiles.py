"""Accounting profiles as data (``coefficients/profiles/*.yaml``).

A *profile* says how a standard (or a city's own catalogue) accounts GEP: which indicators,
which method variant for each, which are switched off by default, each indicator's clause
reference and how sure we are of it, display names, and which indicators deduct value that
comes from outside the region (GB/T 46869—2025) and on what basis.

The loader is strict like the coefficient loader: unknown keys, unknown indicators, methods,
options, coefficients or inventory items, shares outside [0, 1] and deduction bases whose
items are not in ``gep/items.yaml`` are all collected into one :class:`~gep.errors.InputError`
naming the file, the key path and the YAML line.

``gep.account(profile=<id>)`` reads the profile file (:func:`engine_profile`): its indicator
list, defaults, method variants, options and display names select and label the indicators,
and its out-of-region rules are applied after valuation (:mod:`gep.ledger`).
:func:`engine_plan` still translates a profile into registry arguments (engine family,
options, include/exclude) and says why a profile cannot run when it can't.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .catalog import item_spec
from .errors import InputError, Problem
from .units import parse_unit
from .yamlio import load_yaml

#: status of a clause reference (legend of ``gep_indicators.md``): V confirmed, P partly
#: confirmed via a secondary source, U unverified, D derived; ``local`` for a city's own rule
CLAUSE_STATUSES = ("V", "P", "U", "D", "local")

#: values each engine option accepts (``gep.accounting.DEFAULT_OPTIONS`` gives the defaults)
OPTION_VALUES: dict[str, tuple] = {
    "purification_rule": ("emission", "capacity", "min"),
    "recreation_method": ("travel_cost", "spending"),
    "evaporation_divide_by_eer": (False, True),
    "forest_carbon": ("auto", "inventory", "rates"),
    "forest_carbon_biomass": ("fang", "bef", "bcef"),
}


@dataclass(frozen=True)
class MethodVariant:
    """One way of computing an indicator.

    ``engine`` is the registry profile (``gep.indicators``) whose indicator function computes
    this variant today, with engine ``options``; ``None`` means the pure function exists
    (``function``) but the engine does not call it yet.
    """

    zh: str
    en: str
    engine: str | None
    options: Mapping[str, Any] = field(default_factory=dict)
    function: str = ""


def _mv(zh, en, engine="ndrc-2022", function="", **options) -> MethodVariant:
    return MethodVariant(zh, en, engine, dict(options), function)


_MARKET = _mv("市场价值法", "market value (output × price, or reported output value)")
_PURIFICATION = {
    "emission": _mv("排放量法", "pollutant purified = emissions", purification_rule="emission"),
    "capacity": _mv(
        "净化能力法", "pollutant purified = per-area capacity × area", purification_rule="capacity"
    ),
    "min": _mv("排放量与净化能力取小", "min(emissions, capacity)", purification_rule="min"),
}
_XIE = _mv("当量因子法", "equivalent factor × area × standard equivalent D", engine="xie-2015")

#: indicator id → method variant id → variant. The first variant of an indicator is the one
#: the engine uses with its default options.
METHODS: dict[str, dict[str, MethodVariant]] = {
    "material.agriculture": {"market_value": _MARKET},
    "material.forestry": {"market_value": _MARKET},
    "material.livestock": {"market_value": _MARKET},
    "material.fishery": {"market_value": _MARKET},
    "material.water_supply": {
        "market_value": _mv("市场价值法（用水量×水价）", "market value (water use × tariff)"),
        "equivalent_factor": _XIE,
    },
    "material.hydropower": {
        "market_value": _mv("市场价值法（发电量×上网电价）", "market value (generation × price)")
    },
    "regulating.water_conservation": {
        "water_balance": _mv("水量平衡法；影子工程法", "water balance; shadow project")
    },
    "regulating.soil_conservation": {
        "rusle": _mv("RUSLE；替代成本法", "RUSLE; replacement cost (dredging + N/P removal)")
    },
    "regulating.sand_fixation": {"rweq": _mv("RWEQ；替代成本法", "RWEQ; replacement cost")},
    "regulating.flood_regulation": {
        "storage_capacity": _mv("调蓄能力法；影子工程法", "storage capacity; shadow project")
    },
    "regulating.air_purification": dict(_PURIFICATION),
    "regulating.water_purification": dict(_PURIFICATION),
    "regulating.carbon_sequestration": {
        "rate_forest_inventory": _mv(
            "固碳速率法（森林有清查数据时用蓄积量变化法）",
            "sequestration rate (forests by inventory stock change where available)",
            forest_carbon="auto",
        ),
        "rate": _mv(
            "固碳速率法",
            "sequestration rate × area",
            forest_carbon="rates",
            function="gep.indicators.regulating.sequestration_rate_method",
        ),
        "biomass": _mv(
            "生物量法（森林蓄积量变化；其他生态系统固碳速率）",
            "biomass stock change (forests; other ecosystems by rate)",
            forest_carbon="inventory",
            function="gep.methods.carbon.co2_from_biomass_change",
        ),
        "nep": _mv(
            "净生态系统生产力（NEP）法",
            "net ecosystem productivity, 44/12 × (NPP − Rh) × area",
            function="gep.methods.carbon.co2_from_nep",
        ),
    },
    "regulating.oxygen_release": {
        "stoichiometry": _mv("化学计量法；工业制氧成本", "stoichiometry 32/44; industrial oxygen"),
        "dry_matter": _mv(
            "干物质法（1.19 t O₂/t干物质）；工业制氧成本",
            "dry-matter route (1.19–1.2 t O2 per t dry matter); industrial oxygen",
            function="gep.indicators.regulating.oxygen_from_dry_matter",
        ),
    },
    "regulating.climate_regulation": {
        "et_energy": _mv(
            "蒸散发能量法",
            "evapotranspiration energy (transpiration + water-surface evaporation)",
            evaporation_divide_by_eer=False,
        ),
        "et_energy_eer": _mv(
            "蒸散发能量法（水面蒸发折算÷能效比）",
            "evapotranspiration energy, water-surface term ÷ EER",
            evaporation_divide_by_eer=True,
        ),
        "temperature_difference": _mv(
            "实测温差法",
            "measured temperature difference (air-column heat × ΔT × days)",
            function="gep.methods.climate.cooling_energy_temperature_difference",
        ),
        "equivalent_factor": _XIE,
    },
    "regulating.pest_control": {"avoided_cost": _mv("防治成本法", "avoided control cost")},
    "cultural.recreation": {
        "travel_cost": _mv("旅行费用法", "travel cost", recreation_method="travel_cost"),
        "spending": _mv("旅游收入法", "reported tourism spending", recreation_method="spending"),
    },
    "cultural.landscape": {"hedonic": _mv("享乐价格法", "hedonic pricing")},
    "cultural.existence_value": {
        "contingent_valuation": _mv(
            "条件价值法", "contingent valuation (WTP × 12 × share willing × population)"
        )
    },
    **{
        i: {"equivalent_factor": _XIE}
        for i in (
            "material.food",
            "material.raw_materials",
            "regulating.gas_regulation",
            "regulating.purification",
            "regulating.hydrological_regulation",
            "supporting.soil_conservation",
            "supporting.nutrient_cycling",
            "supporting.biodiversity",
            "cultural.aesthetic_landscape",
        )
    },
}

_CATEGORIES = ("material", "regulating", "cultural", "supporting")
_TOP_KEYS = {
    "id",
    "name",
    "description",
    "basis",
    "engine",
    "categories",
    "indicators",
    "out_of_region",
    "note",
}
_BASIS_KEYS = {"title", "issuer", "year", "document", "link", "status", "note"}
_IND_KEYS = {
    "method",
    "default",
    "clause",
    "clause_en",
    "clause_status",
    "name",
    "options",
    "note",
}
_OOR_KEYS = {"required", "share", "clause", "clause_en", "clause_status", "note"}
_SHARE_KEYS = {"coefficient", "items"}
_ITEMS_KEYS = {"numerator", "denominator"}


def default_dir() -> Path:
    """Folder of the bundled profiles (``$GEP_PROFILES`` or ``coefficients/profiles``)."""
    env = os.environ.get("GEP_PROFILES")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1] / "coefficients" / "profiles"


# --------------------------------------------------------------------------------------------
# model


@dataclass(frozen=True)
class ShareBasis:
    """Where an out-of-region share comes from: a coefficient id, or item ratios."""

    coefficient: str | None = None
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return "coefficient" if self.coefficient else "items"

    def describe(self) -> str:
        if self.coefficient:
            return f"coefficient {self.coefficient}"
        return f"({' + '.join(self.numerator)}) / ({' + '.join(self.denominator)})"


@dataclass(frozen=True)
class OutOfRegionRule:
    indicator: str
    share: ShareBasis
    required: bool = True
    clause: str = ""
    clause_status: str = "U"
    note: str = ""
    clause_en: str = ""

    def clause_text(self, lang: str = "zh") -> str:
        """The clause reference in ``lang`` (the English ``clause_en`` when given)."""
        return self.clause_en if lang != "zh" and self.clause_en else self.clause


@dataclass(frozen=True)
class ProfileIndicator:
    id: str
    method: str
    default: bool
    clause: str
    clause_status: str
    name_zh: str | None = None
    name_en: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""
    #: the clause reference in English (Chinese titles glossed, the gloss marked as such)
    clause_en: str = ""

    def clause_text(self, lang: str = "zh") -> str:
        """The clause reference in ``lang`` (the English ``clause_en`` when given)."""
        return self.clause_en if lang != "zh" and self.clause_en else self.clause

    @property
    def category(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def variant(self) -> MethodVariant:
        return METHODS[self.id][self.method]

    def label(self, lang: str = "zh") -> str | None:
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True)
class Profile:
    """A parsed, validated profile file."""

    id: str
    name: Mapping[str, str]
    engine: str
    indicators: tuple[ProfileIndicator, ...]
    out_of_region: tuple[OutOfRegionRule, ...] = ()
    description: Mapping[str, str] = field(default_factory=dict)
    basis: Mapping[str, Any] = field(default_factory=dict)
    categories: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    file: str = ""
    note: str = ""

    def indicator(self, indicator_id: str) -> ProfileIndicator:
        for i in self.indicators:
            if i.id == indicator_id:
                return i
        raise KeyError(indicator_id)

    @property
    def ids(self) -> list[str]:
        return [i.id for i in self.indicators]

    @property
    def default_ids(self) -> list[str]:
        return [i.id for i in self.indicators if i.default]

    def rule(self, indicator_id: str) -> OutOfRegionRule | None:
        return next((r for r in self.out_of_region if r.indicator == indicator_id), None)

    def label(self, lang: str = "zh") -> str:
        return str(self.name.get(lang) or self.name.get("zh") or self.id)

    def category_label(self, category: str, lang: str = "zh") -> str | None:
        names = self.categories.get(category) or {}
        return names.get(lang)

    def coefficient_ids(self) -> list[str]:
        return [r.share.coefficient for r in self.out_of_region if r.share.coefficient]


# --------------------------------------------------------------------------------------------
# YAML line numbers


def _line_map(text: str) -> dict[tuple, int]:
    """Map each key path (tuple of keys) of a YAML mapping tree to its 1-based line."""
    out: dict[tuple, int] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return out

    def walk(node, path):
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = path + (k.value,)
                out[key] = k.start_mark.line + 1
                walk(v, key)
        elif isinstance(node, yaml.SequenceNode):
            for n, v in enumerate(node.value):
                key = path + (n,)
                out[key] = v.start_mark.line + 1
                walk(v, key)

    if root is not None:
        walk(root, ())
    return out


class _Collector:
    def __init__(self, file: str, lines: dict[tuple, int] | None = None, text: str = ""):
        self.file = file
        self._lines = lines
        self._text = text
        self.problems: list[Problem] = []

    @property
    def lines(self) -> dict[tuple, int]:
        """Line of each key path, mapped on the first problem (a valid file never needs it:
        composing the YAML again for it was ~20 ms of every ``gep account``)."""
        if self._lines is None:
            self._lines = _line_map(self._text) if self._text else {}
        return self._lines

    def bad(self, path: tuple, message: str) -> None:
        line = None
        p = tuple(path)
        while p and line is None:
            line = self.lines.get(p)
            p = p[:-1]
        self.problems.append(
            Problem(self.file, message, row=line, field=".".join(str(x) for x in path) or None)
        )

    def unknown_keys(self, raw: Mapping, allowed: set[str], path: tuple) -> None:
        for k in raw:
            if k not in allowed:
                self.bad((*path, k), f"unknown key '{k}' (allowed: {', '.join(sorted(allowed))})")


def _names(raw: Any, c: _Collector, path: tuple) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        c.bad(path, "must be a mapping with 'zh' and/or 'en'")
        return {}
    c.unknown_keys(raw, {"zh", "en"}, path)
    out = {}
    for k in ("zh", "en"):
        if k in raw:
            if not isinstance(raw[k], str) or not raw[k].strip():
                c.bad((*path, k), "must be non-empty text")
            else:
                out[k] = raw[k]
    return out


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _clause_en(spec: Mapping, c: _Collector, path: tuple) -> str:
    """The optional English clause reference: non-empty text without Chinese characters (a
    Chinese title is given as an English gloss marked ``[gloss]``, never left in Chinese)."""
    raw = spec.get("clause_en")
    if raw is None:
        return ""
    if not isinstance(raw, str) or not raw.strip():
        c.bad((*path, "clause_en"), "must be non-empty text")
        return ""
    if _CJK.search(raw):
        c.bad(
            (*path, "clause_en"),
            "must be English: gloss the Chinese text (mark a gloss of a title as [gloss])",
        )
        return ""
    return raw


def _engine_families() -> set[str]:
    from .indicators import REGISTRY

    return {p for i in REGISTRY.values() for p in i.profiles}


def _registry_ids(engine: str) -> set[str]:
    from .indicators import REGISTRY

    return {i.id for i in REGISTRY.values() if engine in i.profiles}


def parse_profile(
    raw: Any,
    file: str = "<profile>",
    text: str | None = None,
    coefficients: Any = None,
    stem: str | None = None,
) -> Profile:
    """Validate a profile mapping; raise one :class:`InputError` listing every problem.

    Parameters
    ----------
    raw : the parsed YAML mapping.
    file : file name used in messages.
    text : the YAML text (for line numbers), optional.
    coefficients : a :class:`~gep.coefficients.CoefficientSet` to check coefficient ids
        against (``None``: ids are checked only for form).
    stem : the file's stem; when given, the ``id`` must equal it.
    """
    c = _Collector(file, text=text)
    if not isinstance(raw, dict):
        raise InputError(Problem(file, "a profile file must be a YAML mapping"))
    c.unknown_keys(raw, _TOP_KEYS, ())
    pid = raw.get("id")
    if not isinstance(pid, str) or not pid.strip():
        c.bad(("id",), "missing or empty 'id'")
        pid = stem or "?"
    elif stem is not None and pid != stem:
        c.bad(("id",), f"id {pid!r} must equal the file name {stem!r}")
    name = _names(raw.get("name"), c, ("name",))
    if "zh" not in name:
        c.bad(("name",), "a profile needs a Chinese name (name.zh)")
    description = _names(raw.get("description"), c, ("description",))
    basis = raw.get("basis") or {}
    if not isinstance(basis, dict):
        c.bad(("basis",), "must be a mapping")
        basis = {}
    c.unknown_keys(basis, _BASIS_KEYS, ("basis",))
    if "status" in basis and basis["status"] not in CLAUSE_STATUSES:
        c.bad(("basis", "status"), f"must be one of {', '.join(CLAUSE_STATUSES)}")
    engine = raw.get("engine")
    families = _engine_families()
    if not isinstance(engine, str) or engine not in families:
        c.bad(
            ("engine",), f"unknown engine family {engine!r}; known: {', '.join(sorted(families))}"
        )
        engine = None
    categories = {}
    cat_raw = raw.get("categories") or {}
    if not isinstance(cat_raw, dict):
        c.bad(("categories",), "must be a mapping of category → names")
        cat_raw = {}
    for cat, names in cat_raw.items():
        if cat not in _CATEGORIES:
            c.bad(("categories", cat), f"unknown category {cat!r}; known: {', '.join(_CATEGORIES)}")
            continue
        categories[cat] = _names(names, c, ("categories", cat))

    indicators: list[ProfileIndicator] = []
    ind_raw = raw.get("indicators")
    if not isinstance(ind_raw, dict) or not ind_raw:
        c.bad(("indicators",), "a profile needs a non-empty 'indicators' mapping")
        ind_raw = {}
    engine_ids = _registry_ids(engine) if engine else set()
    for iid, spec in ind_raw.items():
        path = ("indicators", iid)
        if not isinstance(iid, str) or iid not in METHODS:
            c.bad(path, f"unknown indicator {iid!r} (see `gep indicators`)")
            continue
        if not isinstance(spec, dict):
            c.bad(path, "must be a mapping with at least 'method' and 'clause'")
            continue
        c.unknown_keys(spec, _IND_KEYS, path)
        method = spec.get("method")
        if not isinstance(method, str) or method not in METHODS[iid]:
            c.bad(
                (*path, "method"),
                f"unknown method {method!r} for {iid}; known: {', '.join(METHODS[iid])}",
            )
            continue
        variant = METHODS[iid][method]
        if engine and variant.engine is not None and variant.engine != engine:
            c.bad(
                (*path, "method"),
                f"method {method!r} belongs to the {variant.engine} family, not {engine}",
            )
        if engine and variant.engine is not None and iid not in engine_ids:
            c.bad(path, f"indicator {iid!r} is not in the {engine} family")
        default = spec.get("default", True)
        if not isinstance(default, bool):
            c.bad((*path, "default"), "must be true or false")
            default = True
        clause = spec.get("clause")
        if not isinstance(clause, str) or not clause.strip():
            c.bad((*path, "clause"), "give the clause reference (or 'local')")
            clause = ""
        clause_en = _clause_en(spec, c, path)
        status = spec.get("clause_status")
        if status not in CLAUSE_STATUSES:
            c.bad((*path, "clause_status"), f"must be one of {', '.join(CLAUSE_STATUSES)}")
            status = "U"
        opts = spec.get("options") or {}
        if not isinstance(opts, dict):
            c.bad((*path, "options"), "must be a mapping")
            opts = {}
        for k, v in opts.items():
            if k not in OPTION_VALUES:
                c.bad((*path, "options", k), f"unknown option {k!r}")
            elif v not in OPTION_VALUES[k]:
                c.bad(
                    (*path, "options", k),
                    f"option {k}={v!r} not one of {', '.join(map(str, OPTION_VALUES[k]))}",
                )
            elif k in variant.options and variant.options[k] != v:
                c.bad(
                    (*path, "options", k),
                    f"contradicts method {method!r}, which sets {k}={variant.options[k]!r}",
                )
        names = _names(spec.get("name"), c, (*path, "name"))
        indicators.append(
            ProfileIndicator(
                id=iid,
                method=method,
                default=default,
                clause=clause,
                clause_status=status,
                name_zh=names.get("zh"),
                name_en=names.get("en"),
                options=dict(opts),
                note=str(spec.get("note") or ""),
                clause_en=clause_en,
            )
        )

    rules: list[OutOfRegionRule] = []
    oor = raw.get("out_of_region") or {}
    if not isinstance(oor, dict):
        c.bad(("out_of_region",), "must be a mapping of indicator id → rule")
        oor = {}
    listed = set(ind_raw)
    for iid, spec in oor.items():
        path = ("out_of_region", iid)
        if iid not in listed:
            c.bad(path, f"deduction for {iid!r}, which the profile does not list under indicators")
            continue
        if not isinstance(spec, dict):
            c.bad(path, "must be a mapping with 'share'")
            continue
        c.unknown_keys(spec, _OOR_KEYS, path)
        required = spec.get("required", True)
        if not isinstance(required, bool):
            c.bad((*path, "required"), "must be true or false")
            required = True
        status = spec.get("clause_status", "U")
        if status not in CLAUSE_STATUSES:
            c.bad((*path, "clause_status"), f"must be one of {', '.join(CLAUSE_STATUSES)}")
        share = _parse_share(spec.get("share"), c, (*path, "share"), coefficients)
        if share is not None:
            rules.append(
                OutOfRegionRule(
                    indicator=iid,
                    share=share,
                    required=required,
                    clause=str(spec.get("clause") or ""),
                    clause_status=str(status),
                    note=str(spec.get("note") or ""),
                    clause_en=_clause_en(spec, c, path),
                )
            )

    profile = Profile(
        id=pid,
        name=name,
        engine=engine or "",
        indicators=tuple(indicators),
        out_of_region=tuple(rules),
        description=description,
        basis=dict(basis),
        categories=categories,
        file=file,
        note=str(raw.get("note") or ""),
    )
    if engine:
        for problem in _option_conflicts(profile):
            c.bad(("indicators",), problem)
    if c.problems:
        raise InputError(c.problems)
    return profile


def _parse_share(raw: Any, c: _Collector, path: tuple, coefficients: Any) -> ShareBasis | None:
    if not isinstance(raw, dict) or len(raw) != 1 or next(iter(raw)) not in _SHARE_KEYS:
        c.bad(path, "give exactly one of 'coefficient: <id>' or 'items: {numerator, denominator}'")
        return None
    if "coefficient" in raw:
        cid = raw["coefficient"]
        if not isinstance(cid, str) or not cid.strip():
            c.bad((*path, "coefficient"), "must be a coefficient id")
            return None
        if coefficients is not None:
            if cid not in coefficients:
                c.bad((*path, "coefficient"), f"unknown coefficient {cid!r} (not in the set)")
                return None
            unit = coefficients[cid].unit
            if not parse_unit(unit).dimensionless:
                c.bad((*path, "coefficient"), f"a share must be dimensionless; {cid} is in {unit}")
                return None
            bad_values = _share_values_outside(coefficients[cid])
            if bad_values:
                c.bad(
                    (*path, "coefficient"),
                    f"share coefficient {cid} has values outside [0, 1]: {bad_values}",
                )
                return None
        return ShareBasis(coefficient=cid)
    items = raw["items"]
    ipath = (*path, "items")
    if not isinstance(items, dict):
        c.bad(ipath, "must be a mapping with 'numerator' and 'denominator' item lists")
        return None
    c.unknown_keys(items, _ITEMS_KEYS, ipath)
    parts: dict[str, tuple[str, ...]] = {}
    ok = True
    dims = set()
    for part in ("numerator", "denominator"):
        names = items.get(part)
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list) or not names:
            c.bad((*ipath, part), "must be a non-empty list of inventory items")
            ok = False
            continue
        for n, item in enumerate(names):
            spec = item_spec(str(item))
            if spec is None:
                c.bad((*ipath, part, n), f"unknown inventory item {item!r} (not in gep/items.yaml)")
                ok = False
            elif spec.dims:
                c.bad(
                    (*ipath, part, n),
                    f"item {item!r} has dims {list(spec.dims)}; a share needs region totals",
                )
                ok = False
            else:
                dims.add(str(parse_unit(spec.units[0]).dimensionality))
        parts[part] = tuple(str(x) for x in names)
    if ok and len(dims) > 1:
        c.bad(ipath, f"numerator and denominator items differ in dimension: {sorted(dims)}")
        ok = False
    if ok and not set(parts["numerator"]) <= set(parts["denominator"]):
        c.bad(ipath, "every numerator item must also be in the denominator (share ≤ 1)")
        ok = False
    if not ok:
        return None
    return ShareBasis(numerator=parts["numerator"], denominator=parts["denominator"])


def _share_values_outside(coef) -> list:
    out = []
    for e in coef.values:
        vals = e.value.values() if isinstance(e.value, dict) else [e.value]
        out += [v for v in vals if not (0.0 <= float(v) <= 1.0)]
    return out


def _option_conflicts(profile: Profile) -> list[str]:
    seen: dict[str, tuple[Any, str]] = {}
    problems = []
    for ind in profile.indicators:
        for k, v in {**ind.variant.options, **ind.options}.items():
            if k in seen and seen[k][0] != v:
                problems.append(
                    f"engine option {k} is {seen[k][0]!r} for {seen[k][1]} but {v!r} for {ind.id};"
                    " the engine has one value per option"
                )
            seen.setdefault(k, (v, ind.id))
    return problems


# --------------------------------------------------------------------------------------------
# loading


def profile_path(name_or_path: str | Path) -> Path:
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") and p.exists():
        return p
    for base in (Path.cwd() / "coefficients" / "profiles", default_dir()):
        cand = base / f"{name_or_path}.yaml"
        if cand.exists():
            return cand
    known = ", ".join(available_profiles())
    raise InputError(Problem(str(name_or_path), f"no profile of that name; known: {known}"))


def available_profiles(folder: Path | None = None) -> list[str]:
    folder = folder or default_dir()
    return sorted(p.stem for p in Path(folder).glob("*.yaml"))


def load_profile(name_or_path: str | Path, coefficients: Any = None) -> Profile:
    """Load and validate one profile by name (``ankang``) or path."""
    path = profile_path(name_or_path)
    raw = load_yaml(path)
    text = path.read_text(encoding="utf-8")
    return parse_profile(raw, str(path), text, coefficients, stem=path.stem)


@functools.lru_cache(maxsize=64)
def _load_cached(path: str, mtime_ns: int, size: int) -> Profile:
    p = Path(path)
    raw = load_yaml(p)
    return parse_profile(raw, str(p), p.read_text(encoding="utf-8"), None, stem=p.stem)


def engine_profile(name_or_path: str | Path | Profile) -> Profile | None:
    """The profile ``gep.account`` runs for ``name_or_path``, or ``None`` without a file.

    A :class:`Profile` is returned as is; a name (``ankang``) or path is loaded and validated
    (cached by path and modification time; coefficient ids are checked when the ledger runs).
    ``None`` means no profile file of that name exists: ``gep.account`` then falls back to the
    indicator registry's own family of that name (the behaviour before profiles were data).
    """
    if isinstance(name_or_path, Profile):
        return name_or_path
    try:
        path = profile_path(name_or_path)
    except InputError:
        if Path(str(name_or_path)).suffix in (".yaml", ".yml"):
            raise
        return None
    st = path.stat()
    return _load_cached(str(path.resolve()), st.st_mtime_ns, st.st_size)


def load_profiles(
    names: Iterable[str] | None = None, coefficients: Any = None, folder: Path | None = None
) -> dict[str, Profile]:
    """Load several profiles; every problem of every file in one :class:`InputError`."""
    folder = folder or default_dir()
    names = list(names) if names is not None else available_profiles(folder)
    out, problems = {}, []
    for n in names:
        try:
            p = Path(n)
            path = p if p.suffix in (".yaml", ".yml") else Path(folder) / f"{n}.yaml"
            if not path.exists():
                path = profile_path(n)
            out[path.stem] = parse_profile(
                load_yaml(path),
                str(path),
                path.read_text(encoding="utf-8"),
                coefficients,
                path.stem,
            )
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return out


# --------------------------------------------------------------------------------------------
# bridge to today's engine


@dataclass(frozen=True)
class EnginePlan:
    """How to run a profile with ``gep.account`` today, or why it cannot run yet."""

    profile: str
    runnable: bool
    reasons: tuple[str, ...]
    engine: str
    options: Mapping[str, Any]
    include: tuple[str, ...]
    exclude: tuple[str, ...]

    def account_kwargs(self) -> dict:
        return {
            "profile": self.engine,
            "options": dict(self.options),
            "include": list(self.include),
            "exclude": list(self.exclude),
        }


def engine_plan(profile: Profile) -> EnginePlan:
    """Translate ``profile`` into ``gep.account(profile=, options=, include=, exclude=)``.

    A profile is runnable when every method variant it names is computed by the engine
    family it names. ``gep.account(profile=<id>)`` reads the file itself (and applies the
    out-of-region ledger); these registry arguments reproduce its indicator selection and
    options.
    """
    from .indicators import REGISTRY

    reasons = []
    for ind in profile.indicators:
        if ind.variant.engine is None:
            reasons.append(
                f"{ind.id}: method {ind.method!r} ({ind.variant.function}) is not wired into the "
                "engine yet"
            )
    options: dict[str, Any] = {}
    for ind in profile.indicators:
        options.update(ind.variant.options)
        options.update(ind.options)
    registry = {i.id: i for i in REGISTRY.values() if profile.engine in i.profiles}
    listed = {i.id: i for i in profile.indicators if i.id in registry}
    include = tuple(i.id for i in listed.values() if i.default and not registry[i.id].default)
    # off in the profile but on in the engine, or not listed at all while on in the engine
    exclude = tuple(
        iid
        for iid, reg in registry.items()
        if reg.default and (iid not in listed or not listed[iid].default)
    )
    return EnginePlan(
        profile=profile.id,
        runnable=not reasons,
        reasons=tuple(reasons),
        engine=profile.engine,
        options=options,
        include=include,
        exclude=exclude,
    )
