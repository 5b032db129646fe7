"""Catalogs of inventory items and ecosystem types (data in ``items.yaml`` / ``ecosystems.yaml``)."""

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
