"""Unit checking for the science layer, the indicator registry and the evaluation context.

Two layers, as in xclim: the *pure* formulas (``material.py``, ``regulating.py``,
``cultural.py``, ``xie2015.py``) are small functions decorated with :func:`declare_units`;
the *metadata* layer (:class:`Indicator`) names each indicator in zh/en, gives its physical
unit, method and reference, and says which inventory items and coefficients it reads.

:func:`declare_units` converts every quantity argument to the unit the formula is written in
(so the body is the textbook equation on plain numbers) and refuses an argument of the wrong
dimension, naming the parameter. Arguments may be ``xarray.DataArray`` with a ``units``
attribute, ``pint.Quantity``, or plain numbers for dimensionless parameters.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pint
import xarray as xr

from ..errors import InputError, MissingCoefficientError, Problem
from ..units import parse_unit, ureg


class NotAssessed(Exception):
    """Raised inside an indicator when the inventory lacks what it needs (→ NaN + reason)."""


def _factor(from_unit: str, to_unit: str, name: str) -> float:
    try:
        return float(ureg.Quantity(1.0, parse_unit(from_unit)).to(parse_unit(to_unit)).magnitude)
    except pint.DimensionalityError:
        raise pint.DimensionalityError(
            parse_unit(from_unit),
            parse_unit(to_unit),
            extra_msg=f" — parameter '{name}' must be convertible to {to_unit}, got {from_unit}",
        ) from None


def to_magnitude(x: Any, unit: str, name: str) -> Any:
    """Magnitude of ``x`` in ``unit`` (DataArray keeps its coords, drops the units attr)."""
    if isinstance(x, xr.DataArray):
        src = x.attrs.get("units")
        if src is None:
            if parse_unit(unit).dimensionless:
                return x
            raise TypeError(f"parameter '{name}' has no 'units' attribute; expected {unit}")
        f = _factor(src, unit, name)
        out = x * f if f != 1.0 else x.copy(deep=False)
        out.attrs = {k: v for k, v in x.attrs.items() if k != "units"}
        return out
    if isinstance(x, pint.Quantity):
        try:
            return x.to(parse_unit(unit)).magnitude
        except pint.DimensionalityError:
            raise pint.DimensionalityError(
                x.units,
                parse_unit(unit),
                extra_msg=f" — parameter '{name}' must be convertible to {unit}",
            ) from None
    if parse_unit(unit).dimensionless:
        return x
    raise TypeError(f"parameter '{name}' must carry units ({unit}); got a bare {type(x).__name__}")


def declare_units(out: str, **params: str) -> Callable:
    """Decorator: convert the named arguments to the given units; tag the result with ``out``.

    A DataArray result gets ``attrs["units"] = out``; a numeric result becomes a
    ``pint.Quantity`` in ``out``.
    """

    def deco(func: Callable) -> Callable:
        sig = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            for name, unit in params.items():
                if name in bound.arguments and bound.arguments[name] is not None:
                    bound.arguments[name] = to_magnitude(bound.arguments[name], unit, name)
            result = func(*bound.args, **bound.kwargs)
            if isinstance(result, xr.DataArray):
                result.attrs["units"] = out
                return result
            return ureg.Quantity(
                np.asarray(result, dtype=float) if np.ndim(result) else float(result),
                parse_unit(out),
            )

        wrapper.units_in = dict(params)  # type: ignore[attr-defined]
        wrapper.units_out = out  # type: ignore[attr-defined]
        return wrapper

    return deco


def positive_part(x):
    """max(x, 0): a service cannot be negative (e.g. P − R − ET below zero retains nothing)."""
    if isinstance(x, xr.DataArray):
        return x.where(x > 0, 0.0).where(x.notnull())
    return np.maximum(x, 0.0)


# --------------------------------------------------------------------------------------------
# registry


@dataclass(frozen=True)
class Indicator:
    """Metadata and evaluation hook of one indicator (the metadata layer)."""

    id: str
    category: str
    zh: str
    en: str
    physical_unit: str
    method: str
    method_zh: str
    reference: str
    items: tuple[str, ...]
    coefficients: tuple[str, ...]
    compute: Callable[[Context], Result]
    deflator: str = "price_index.cpi"
    profiles: tuple[str, ...] = ("ndrc-2022",)
    default: bool = True
    notes: str = ""

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass
class Result:
    """What an indicator returns: physical quantity, value in CNY, optional components."""

    physical: xr.DataArray
    value: xr.DataArray
    components: xr.Dataset | None = None
    notes: list[str] = field(default_factory=list)
    price: xr.DataArray | None = None  # effective unit price (value / physical), for reports


REGISTRY: dict[str, Indicator] = {}
CATEGORIES = {
    "material": ("物质供给", "Material supply"),
    "regulating": ("调节服务", "Regulating services"),
    "cultural": ("文化服务", "Cultural services"),
    "supporting": ("支持服务", "Supporting services"),
}


def register(indicator: Indicator) -> Indicator:
    key = f"{indicator.profiles[0]}:{indicator.id}"
    REGISTRY[key] = indicator
    return indicator


def indicators_for(profile: str) -> list[Indicator]:
    found = [i for i in REGISTRY.values() if profile in i.profiles]
    if not found:
        known = sorted({p for i in REGISTRY.values() for p in i.profiles})
        raise InputError(
            Problem("--profile", f"unknown profile {profile!r}; known: {', '.join(known)}")
        )
    return found


def get_indicator(indicator_id: str, profile: str = "ndrc-2022") -> Indicator:
    for i in indicators_for(profile):
        if i.id == indicator_id:
            return i
    raise KeyError(indicator_id)


# --------------------------------------------------------------------------------------------
# evaluation context


class Context:
    """What an indicator may read: inventory variables and resolved coefficients."""

    def __init__(
        self,
        data: xr.Dataset,
        coefficients,
        years: Sequence[int],
        options: dict | None = None,
        extra_coefficients: dict | None = None,
    ):
        self.data = data
        self.coefficients = coefficients
        self.years = [int(y) for y in years]
        self.options = dict(options or {})
        # coefficient arrays supplied from outside (Monte Carlo draws, scenario stacks):
        # {id: DataArray with units attr}; they replace the set's resolution for that id.
        self.extra = dict(extra_coefficients or {})
        self.used_coefficients: set[str] = set()
        # every resolution through the coefficient set, in order: (id, keys or None)
        self.reads: list[tuple[str, tuple[str, ...] | None]] = []

    def has(self, item: str) -> bool:
        return item in self.data.data_vars

    def item(self, name: str) -> xr.DataArray:
        if name not in self.data.data_vars:
            raise NotAssessed(f"inventory has no '{name}'")
        return self.data[name]

    def items_with_prefix(self, prefix: str) -> list[str]:
        return sorted(v for v in self.data.data_vars if str(v).startswith(prefix))

    def ecosystems(self) -> list[str]:
        return (
            [str(e) for e in self.data["ecosystem"].values]
            if "ecosystem" in self.data.coords
            else []
        )

    def coef(
        self, cid: str, keys: Sequence[str] | None = None, unit: str | None = None
    ) -> xr.DataArray:
        """Resolved coefficient over ``year`` (+ its table dim), with ``units`` attr."""
        self.used_coefficients.add(cid)
        if cid in self.extra:
            arr = self.extra[cid]
            if keys is not None:
                by = [d for d in arr.dims if d not in ("year", "draw", "scenario")]
                if by:
                    arr = arr.sel({by[0]: list(keys)})
            if unit is not None:
                arr = to_magnitude(arr, unit, cid).assign_attrs(units=unit)
            return arr
        self.reads.append((cid, tuple(keys) if keys is not None else None))
        return self.coefficients.array(cid, self.years, keys=keys, unit=unit)

    def has_coef(self, cid: str) -> bool:
        return cid in self.coefficients or cid in self.extra

    def require_coef(self, ids: Sequence[str]) -> None:
        missing = [c for c in ids if not self.has_coef(c)]
        if missing:
            raise MissingCoefficientError(
                [
                    Problem(
                        getattr(self.coefficients, "path", None)
                        or str(getattr(self.coefficients, "name", "coefficients")),
                        f"coefficient '{c}' is needed but not in the set",
                    )
                    for c in missing
                ]
            )


def weighted_sum_over(
    dim: str, term: xr.DataArray, weight_mask: xr.DataArray | None = None
) -> xr.DataArray:
    """Sum over ``dim`` where NaN terms count only if their weight (area) is positive.

    An ecosystem with zero area contributes zero even if its factors are missing; one with
    area and a missing factor makes the region "not assessed" (NaN) instead of a silent zero.
    """
    if weight_mask is not None:
        term = term.where(weight_mask, 0.0)
    return term.sum(dim, skipna=False)


def family_sum(components: xr.DataArray, dim: str = "component") -> xr.DataArray:
    """Sum the members of an item family (products, water uses, pollutants).

    A member missing for a region that reports other members of the family is genuinely
    absent there (zero); a region reporting no member at all stays NaN ("not assessed").
    """
    return components.sum(dim, min_count=1)


def priced_components(
    parts: list[xr.DataArray],
    names: list[str],
    unit: str,
    price: xr.DataArray,
    valuation: Callable,
    notes: Sequence[str] = (),
) -> Result:
    """Result of an indicator whose physical quantity is a sum of named parts valued at one price.

    All parts must be present (NaN in any part makes the region "not assessed").
    """
    comp = stack(parts, names).assign_attrs(units=unit)
    physical = comp.sum("component", skipna=False).assign_attrs(units=unit)
    return Result(
        physical=physical,
        value=valuation(physical, price),
        price=price,
        notes=list(notes),
        components=xr.Dataset({"physical": comp}),
    )


def stack(
    parts: Sequence[xr.DataArray], names: Sequence[str], dim: str = "component"
) -> xr.DataArray:
    """Concatenate parts along a new labelled dim.

    Parts may differ in extra dims (one price carries ``draw`` or ``scenario``, another not):
    ``coords="minimal", compat="override"`` lets xarray broadcast them instead of refusing.
    """
    out = xr.concat(list(parts), dim=dim, coords="minimal", compat="override", join="outer")
    return out.assign_coords({dim: list(names)})
