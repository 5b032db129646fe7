"""Catalogs of inventory items and ecosystem types (data in ``items.yaml`` /
``ecosystems.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .units import parse_unit
from .yamlio import load_yaml

_HERE = Path(__file__).parent


@dataclass(frozen=True)
class ItemSpec:
    """What one inventory item measures (one entry of ``items.yaml``)."""

    pattern: str
    units: tuple[str, ...]
    dims: tuple[str, ...]
    kind: str
    zh: str
    en: str
    description: str
    members: tuple[str, ...] | None = None
    periodic: bool = False
    #: zh/en names of the members: {member: (zh, en)}
    member_names: tuple[tuple[str, str, str], ...] = ()

    @property
    def is_family(self) -> bool:
        return self.pattern.endswith(".*")

    def canonical_unit_for(self, unit: str) -> str | None:
        """The canonical unit matching ``unit``'s dimension, or None if none does."""
        dim = parse_unit(unit).dimensionality
        for candidate in self.units:
            if parse_unit(candidate).dimensionality == dim:
                return candidate
        return None


@cache
def item_catalog() -> dict[str, ItemSpec]:
    raw = load_yaml(_HERE / "items.yaml")
    specs = {}
    for name, entry in raw.items():
        units = entry.get("units") or [entry["unit"]]
        specs[name] = ItemSpec(
            pattern=name,
            units=tuple(units),
            dims=tuple(entry.get("dims", [])),
            kind=entry.get("kind", "extensive"),
            zh=entry.get("zh", name),
            en=entry.get("en", name),
            description=entry.get("description", ""),
            members=tuple(entry["members"]) if entry.get("members") else None,
            periodic=bool(entry.get("periodic", False)),
            member_names=tuple(
                (str(k), str(v[0]), str(v[1])) for k, v in (entry.get("member_names") or {}).items()
            ),
        )
    return specs


def item_spec(item: str) -> ItemSpec | None:
    """The catalog entry for an item name (exact, or a family member), or None."""
    catalog = item_catalog()
    if item in catalog and not catalog[item].is_family:
        return catalog[item]
    for spec in catalog.values():
        if not spec.is_family:
            continue
        prefix = spec.pattern[:-1]  # keep the dot
        if item.startswith(prefix) and len(item) > len(prefix):
            member = item[len(prefix) :]
            if spec.members is not None and member not in spec.members:
                return None
            if spec.pattern == "output.*":
                # output.<group>.<product>
                group, _, product = member.partition(".")
                if group not in OUTPUT_GROUPS or not product:
                    return None
            return spec
    return None


#: Material-supply product groups (``output.<group>.<product>``).
OUTPUT_GROUPS = ("agriculture", "forestry", "livestock", "fishery")


@dataclass(frozen=True)
class Ecosystem:
    code: str
    zh: str
    en: str
    level1: str
    xie2015: str | None


@cache
def ecosystem_catalog() -> dict[str, Ecosystem]:
    raw = load_yaml(_HERE / "ecosystems.yaml")
    return {
        code: Ecosystem(code, e["zh"], e["en"], e["level1"], e.get("xie2015"))
        for code, e in raw.items()
    }


def ecosystems_in(level1: str | tuple[str, ...], codes) -> list[str]:
    """Codes among ``codes`` whose level-1 class is in ``level1``."""
    wanted = (level1,) if isinstance(level1, str) else level1
    catalog = ecosystem_catalog()
    return [c for c in codes if c in catalog and catalog[c].level1 in wanted]


#: family component id (an indicator's declaration) → the item family that lists its members
_FAMILY_ITEMS = {"<use>": "water_use.*", "<pollutant>": "emission.*"}


def family_members(
    family: str, over: tuple[str, ...] = ()
) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """Concrete members of a component family: ``[(id, zh, en, over), …]``.

    * ``<use>`` / ``<pollutant>`` — the members of ``water_use.*`` / ``emission.*`` in
      ``items.yaml`` (only those in ``over`` when it is given);
    * ``<ecosystem>`` — the ecosystem codes of ``ecosystems.yaml`` whose level-1 class is in
      ``over``, then each level-1 class that is not itself a code (meaning all its codes);
    * ``<product>`` — an open family (any ``output.<group>.<product>``): no fixed list.
    """
    if family in _FAMILY_ITEMS:
        spec = item_catalog()[_FAMILY_ITEMS[family]]
        names = {m: (zh, en) for m, zh, en in spec.member_names}
        return [(m, *names.get(m, (m, m)), ()) for m in spec.members or () if not over or m in over]
    if family == "<ecosystem>":
        catalog = ecosystem_catalog()
        out = [(c, e.zh, e.en, (c,)) for c, e in catalog.items() if e.level1 in over]
        classes = {e.level1: e for e in catalog.values()}
        for level1 in over:
            if level1 not in catalog and level1 in classes:
                zh = _LEVEL1_NAMES.get(level1, (level1, level1))
                out.append((level1, zh[0], zh[1], (level1,)))
        return out
    if family == "<product>":
        return []
    raise KeyError(f"unknown component family {family!r}")


#: names of level-1 ecosystem classes that are not themselves codes
_LEVEL1_NAMES = {"forest": ("森林", "Forest"), "farmland": ("农田", "Farmland")}
