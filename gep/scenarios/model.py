"""What a scenario file says, once read: the data classes of :mod:`gep.scenarios`.

Values are already checked and converted (inventory amounts in the item's canonical unit,
areas in hectares); ``field`` is the key of the file the change came from, for messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..coefficients import Override

BASELINE = "baseline"
CARBON_PRICE_ID = "regulating.carbon_sequestration.price"


@dataclass(frozen=True)
class OverrideSpec:
    """One coefficient override as written in the file (checked against a set on apply)."""

    override: Override
    field: str


@dataclass(frozen=True)
class InventoryEdit:
    """``set`` / ``scale`` / ``add`` on one inventory item, in the item's canonical unit."""

    item: str
    op: str
    value: float
    field: str
    regions: tuple[str, ...] | None = None
    years: tuple[int, ...] | None = None
    from_year: int | None = None
    ecosystem: str | None = None
    species: str | None = None
    unit: str | None = None  # the unit the value was given in (for messages)


@dataclass(frozen=True)
class LandConversion:
    """Move ``area_ha`` hectares from ecosystem ``source`` to ``target`` in each region."""

    source: str
    target: str
    area_ha: float
    field: str
    regions: tuple[str, ...] | None = None
    from_year: int | None = None
    area_text: str = ""


@dataclass(frozen=True)
class CoefficientPath:
    """Year → value for a scalar coefficient (``carbon_price`` is one for the carbon price)."""

    id: str
    points: tuple[tuple[int, float], ...]
    field: str
    unit: str | None = None
    price_year: int | None = None
    interpolate: str = "step"

    def values_for(self, years: Sequence[int]) -> list[tuple[int, float]]:
        """(from_year, value) pairs: the points, or (linear) one value per accounting year."""
        pts = sorted(self.points)
        if self.interpolate == "step":
            return pts
        xs = np.array([p[0] for p in pts], dtype=float)
        ys = np.array([p[1] for p in pts], dtype=float)
        out = [(int(y), float(np.interp(y, xs, ys))) for y in sorted(years) if y >= pts[0][0]]
        return out


@dataclass(frozen=True)
class Scenario:
    """A parsed scenario file."""

    id: str
    name: dict
    file: str
    description: dict = field(default_factory=dict)
    coefficient_set: str | None = None
    overrides: tuple[OverrideSpec, ...] = ()
    inventory_edits: tuple[InventoryEdit, ...] = ()
    land_conversions: tuple[LandConversion, ...] = ()
    paths: tuple[CoefficientPath, ...] = ()
    note: str | None = None
    #: YAML line of each key of the file (``"overrides[0].id"`` -> 12), for messages
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line(self, key: str | None) -> int | None:
        """The line of ``key`` in the file, or of the nearest enclosing key written there."""
        while key:
            if key in self.lines:
                return self.lines[key]
            cut = max(key.rfind("."), key.rfind("["))
            key = key[:cut] if cut > 0 else None
        return None

    def label(self, lang: str = "zh") -> str:
        return str(self.name.get(lang) or self.name.get("en") or self.id)

    def describe(self) -> list[str]:
        """One line per change (for reports and the CLI)."""
        lines = []
        if self.coefficient_set:
            lines.append(f"coefficient set: {self.coefficient_set}")
        lines += [o.override.describe() for o in self.overrides]
        for p in self.paths:
            pts = ", ".join(f"{y}: {v:g}" for y, v in p.points)
            lines.append(f"{p.id} path ({p.interpolate}) {{{pts}}}{' ' + p.unit if p.unit else ''}")
        for e in self.inventory_edits:
            sym = {"set": "=", "scale": "×", "add": "+"}[e.op]
            where = []
            if e.ecosystem:
                where.append(e.ecosystem)
            if e.species:
                where.append(e.species)
            if e.regions:
                where.append("in " + ",".join(e.regions))
            if e.years:
                where.append("in " + ",".join(map(str, e.years)))
            if e.from_year:
                where.append(f"from {e.from_year}")
            lines.append(
                f"{e.item} {sym} {e.value:g}{' ' + e.unit if e.unit else ''} "
                f"{' '.join(where)}".rstrip()
            )
        for c in self.land_conversions:
            where = f" in {','.join(c.regions)}" if c.regions else ""
            since = f" from {c.from_year}" if c.from_year else ""
            amount = (
                f"{c.area_ha:g} ha"
                if c.area_text in ("", f"{c.area_ha:g}")
                else f"{c.area_text} ({c.area_ha:,.2f} ha)"
            )
            lines.append(f"move {amount} from {c.source} to {c.target}{where}{since}")
        return lines
