"""Unit checking, the indicator registry, input declarations and the evaluation core.

Two layers, as in xclim: the *pure* formulas (``material.py``, ``regulating.py``,
``cultural.py``, ``xie2015.py``) are small functions decorated with :func:`declare_units`;
each :class:`Indicator` names them (``formulas``: its equation comes from their docstrings),
gives its zh/en names, physical unit, components, method and reference, and evaluates in two
steps whose inputs are bound by signature (:func:`inputs`, :class:`Step`):

* ``quantify`` — a function of its declared inputs → :class:`Quantities` (the physical
  quantity and its components);
* ``valuate`` — a function of ``q`` (those quantities) and its declared inputs →
  :class:`Valuation` (quantity × resolved price(s)).

Each parameter is bound to an inventory item (:func:`item`, :func:`item_ref`,
:func:`item_family`) or a coefficient (:func:`coef`, :func:`coef_ref`, :func:`coef_family`);
the bindings are checked against the signature at import, and ``Indicator.items`` /
``Indicator.coefficients`` are derived from them (no second hand-written list).

:func:`evaluate` runs both and labels the result; it is the one point where a physical
quantity supplied from outside (DESIGN §10) replaces the formula's.

:func:`declare_units` converts every quantity argument to the unit the formula is written in
(so the body is the textbook equation on plain numbers) and refuses an argument of the wrong
dimension, naming the parameter. Arguments may be ``xarray.Variable``/``DataArray`` with a
``units`` attribute, ``pint.Quantity``, or plain numbers for dimensionless parameters.
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

from ..coefficients import unit_factor
from ..errors import InputError, Problem
from ..units import parse_unit, ureg


class NotAssessed(Exception):
    """Raised inside an indicator when the inventory lacks what it needs (→ NaN + reason)."""


@functools.lru_cache(maxsize=4096)
def _dimensionless(unit: str) -> bool:
    return bool(parse_unit(unit).dimensionless)


def _factor(from_unit: str, to_unit: str, name: str) -> float:
    try:
        return unit_factor(from_unit, to_unit)
    except pint.DimensionalityError:
        raise pint.DimensionalityError(
            parse_unit(from_unit),
            parse_unit(to_unit),
            extra_msg=f" — parameter '{name}' must be convertible to {to_unit}, got {from_unit}",
        ) from None


def to_magnitude(x: Any, unit: str, name: str) -> Any:
    """Magnitude of ``x`` in ``unit`` (DataArray keeps its coords, drops the units attr)."""
    if isinstance(x, xr.DataArray | xr.Variable):
        src = x.attrs.get("units")
        if src is None:
            if _dimensionless(unit):
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
    if _dimensionless(unit):
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
            if isinstance(result, xr.Variable):
                result.attrs = {"units": out}  # a new dict: never an operand's
                return result
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
    if isinstance(x, xr.DataArray | xr.Variable):
        return x.where(x > 0, 0.0).where(x.notnull())
    return np.maximum(x, 0.0)


# --------------------------------------------------------------------------------------------
# what an indicator produces: quantities first, then their valuation


@dataclass(frozen=True)
class Component:
    """One named part of an indicator's physical quantity (or value) — for listings.

    ``id`` in angle brackets (``<use>``, ``<pollutant>``, ``<ecosystem>``, ``<product>``) is a
    family: :func:`concrete_components` expands it to its members. ``over`` names what the
    part is counted over: for ``<pollutant>`` the pollutants the indicator reads, otherwise
    the level-1 ecosystem classes (a supplied quantity where none of them has area
    contradicts the inventory).
    """

    id: str
    zh: str
    en: str
    unit: str
    over: tuple[str, ...] = ()

    @property
    def is_family(self) -> bool:
        return self.id.startswith("<") and self.id.endswith(">")

    @property
    def physical(self) -> bool:
        """A part of the physical quantity (a value part in CNY is not)."""
        return self.unit != "CNY"

    def to_dict(self) -> dict:
        out = {"id": self.id, "zh": self.zh, "en": self.en, "unit": self.unit}
        if self.is_family:
            out["members"] = [c.id for c in expand_component(self)]
        return out


def expand_component(comp: Component) -> list[Component]:
    """The concrete members of a family component (the component itself otherwise).

    Members come from the catalogs (one source of truth): water uses and pollutants from
    ``gep/items.yaml`` (``water_use.*``, ``emission.*`` members), ecosystems from
    ``gep/ecosystems.yaml`` (the codes of the level-1 classes in ``over``, and those classes
    themselves, meaning all their codes together). ``<product>`` is an open family (any
    ``output.<group>.<product>`` the item catalog accepts): it expands to nothing here.
    """
    if not comp.is_family:
        return [comp]
    from ..catalog import family_members

    return [
        Component(mid, zh, en, comp.unit, over)
        for mid, zh, en, over in family_members(comp.id, comp.over)
    ]


def concrete_components(ind: Indicator) -> dict[str, Component]:
    """Physical components of an indicator by concrete id (families expanded)."""
    out: dict[str, Component] = {}
    for comp in ind.components:
        if not comp.physical:
            continue
        for c in expand_component(comp):
            out.setdefault(c.id, c)
    return out


@dataclass
class Quantities:
    """The physical side of one indicator, before any price is applied.

    ``total`` is the indicator's physical quantity (``attrs["units"]``); ``parts`` its
    components by name (each with its own ``units`` attr). Valuation reads only this object
    and coefficients, so a physical quantity supplied from outside (DESIGN §10: a
    ``quantities.csv`` row replacing a region × year × indicator[/component] quantity) is
    inserted by replacing ``total``/``parts`` here — :func:`evaluate` is that one point.
    """

    total: xr.Variable
    unit: str
    parts: dict[str, xr.Variable] = field(default_factory=dict)
    #: common unit of the parts when they are reported as ``components["physical"]``
    parts_unit: str | None = None
    notes: list[str] = field(default_factory=list)
    route: str = "formula"

    def stacked(self, dim: str = "component") -> xr.Variable:
        return stack(list(self.parts.values()), list(self.parts), dim)


@dataclass
class Valuation:
    """The money side: value [CNY], optional value parts and the unit price applied."""

    value: xr.Variable
    parts: dict[str, xr.Variable] | None = None
    price: xr.Variable | None = None
    notes: list[str] = field(default_factory=list)
    #: ``parts`` already stacked along a leading ``component`` dim (numpy, no attrs) when
    #: they were valued in one call: :func:`evaluate` uses it instead of copying the parts
    #: into a new stack (the same dims and numbers ``stack`` gives; a drawn product keeps
    #: the memory layout numpy chose for it)
    stacked: xr.Variable | None = None


@dataclass
class Result:
    """What an indicator returns to the account, labelled: physical, value, components."""

    physical: xr.DataArray
    value: xr.DataArray
    components: xr.Dataset | None = None
    notes: list[str] = field(default_factory=list)
    price: xr.DataArray | None = None  # effective unit price (value / physical), for reports
    route: str = "formula"


# --------------------------------------------------------------------------------------------
# registry


@dataclass(frozen=True)
class Indicator:
    """One indicator: its metadata and its two evaluation steps (quantities, then value)."""

    id: str
    category: str
    zh: str
    en: str
    physical_unit: str
    method: str
    method_zh: str
    reference: str
    #: the quantify step: a function whose parameters are bound to declared inputs
    #: (:func:`inputs`) or a :class:`Step`; ``quantify(ctx) -> Quantities``
    quantify: Callable[..., Quantities]
    #: the valuate step, same form; ``valuate(ctx, q) -> Valuation``
    valuate: Callable[..., Valuation]
    components: tuple[Component, ...] = ()
    deflator: str = "price_index.cpi"
    profiles: tuple[str, ...] = ("ndrc-2022",)
    default: bool = True
    notes: str = ""
    #: smallest physical quantity that makes sense (a supplied quantity below it is refused);
    #: carbon sequestration may be negative (a stock loss)
    quantity_min: float = 0.0
    #: inventory items the steps can read — derived from their bindings (``prefix.*``: a family)
    items: tuple[str, ...] = field(init=False, default=())
    #: coefficients the steps can read — derived (``prefix.<member>``: one per member)
    coefficients: tuple[str, ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        q, v = as_step(self.quantify), as_step(self.valuate)
        object.__setattr__(self, "quantify", q)
        object.__setattr__(self, "valuate", v)
        object.__setattr__(self, "items", tuple(dict.fromkeys([*q.items, *v.items])))
        object.__setattr__(
            self, "coefficients", tuple(dict.fromkeys([*q.coefficients, *v.coefficients]))
        )

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    def inputs(self) -> list[dict]:
        """The declared inputs of both steps: ``kind`` (item / item family / coefficient /
        coefficient family), ``id``, ``unit``, ``dims`` (items) and ``required``."""
        out: list[dict] = []
        for step in (self.quantify, self.valuate):
            for desc in step.descriptors():
                row = desc.describe()
                if row not in out:
                    out.append(row)
        return out

    def compute(self, ctx: Context) -> Result:
        """Quantities, valuation and labels for every region and year of ``ctx``."""
        return evaluate(self, ctx)

    def equation(self) -> str:
        """The equations of the formulas this indicator applies (from their docstrings)."""
        return "\n".join(_notes_math(f) for f in self.formulas() if _notes_math(f))

    def formulas(self) -> list[Callable]:
        # per family first: xie-2015 registers ids the 2022 family also has
        key = f"{self.profiles[0]}:{self.id}"
        return [f for f in FORMULAS.get(key, FORMULAS.get(self.id, ()))]


#: indicator id → the pure formula functions it applies, in order (for ``equation``)
FORMULAS: dict[str, tuple[Callable, ...]] = {}


def _notes_math(func: Callable) -> str:
    doc = inspect.getdoc(func) or ""
    lines = doc.splitlines()
    out = []
    for i, line in enumerate(lines):
        if line.strip().startswith(".. math::"):
            out.append(line.split("::", 1)[1].strip())
            for cont in lines[i + 1 :]:
                if cont.startswith("    ") and cont.strip():
                    out.append(cont.strip())
                else:
                    break
    if not out:
        first = doc.split("\n\n", 1)[0]
        if ":math:`" in first:
            out.append(first.split(":math:`", 1)[1].split("`", 1)[0])
    return " ".join(out).replace("\\\\", "\\")


REGISTRY: dict[str, Indicator] = {}
CATEGORIES = {
    "material": ("物质供给", "Material supply"),
    "regulating": ("调节服务", "Regulating services"),
    "cultural": ("文化服务", "Cultural services"),
    "supporting": ("支持服务", "Supporting services"),
}


def register(indicator: Indicator, formulas: Sequence[Callable] = ()) -> Indicator:
    key = f"{indicator.profiles[0]}:{indicator.id}"
    REGISTRY[key] = indicator
    if formulas:
        FORMULAS[indicator.id] = tuple(formulas)
        FORMULAS[key] = tuple(formulas)
    return indicator


def indicators_for(profile: str) -> list[Indicator]:
    """Registry indicators of an engine family (``ndrc-2022``, ``xie-2015``), or of the
    family a profile file names, restricted to the indicators the file lists (the
    registry's formulas and defaults; ``gep.account`` applies the file's own)."""
    found = [i for i in REGISTRY.values() if profile in i.profiles]
    if not found:
        from ..profiles import engine_profile

        try:
            prof = engine_profile(profile)
        except InputError:
            prof = None
        if prof is not None and prof.engine:
            listed = set(prof.ids)
            return [i for i in indicators_for(prof.engine) if i.id in listed]
        from ..profiles import available_profiles

        known = sorted(
            {p for i in REGISTRY.values() for p in i.profiles} | set(available_profiles())
        )
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
# declarations: what a quantify/valuate function reads, bound by its signature
#
# A quantify function ``f(scope, runoff, cost, …) -> Quantities`` and a valuate function
# ``g(scope, q, price, …) -> Valuation`` take their inputs as parameters. Each parameter is
# bound to one *descriptor* (an inventory item, an item family, a coefficient, a coefficient
# family, the quantities of another step, an outside module) by :func:`inputs` on the
# function or by :class:`Step` at registration; ``scope`` (the structural :class:`Scope`)
# and ``q`` (the quantities being valued) are the only reserved names. The binding is
# checked against the signature when the step is built (at import): a parameter without a
# binding, or a binding without a parameter, raises :class:`DeclarationError`. The
# indicator's ``items``/``coefficients`` are derived from the bindings, so the metadata users
# see is the list of what the formula can read; the function gets values and accessors tied
# to their declared ids, never a string getter.

#: parameter names the engine fills itself
SCOPE_PARAM = "scope"
QUANTITIES_PARAM = "q"


class DeclarationError(TypeError):
    """An indicator step whose bindings do not match its function's signature."""


class Input:
    """Base of the input descriptors (anything else bound to a parameter is a constant)."""

    #: required inputs make the indicator "not assessed" before the call when absent
    required: bool = False

    def declared_items(self) -> tuple[str, ...]:
        return ()

    def declared_coefficients(self) -> tuple[str, ...]:
        return ()

    def missing(self, ctx: Context) -> str | None:
        """Why the indicator cannot be assessed without this input (``None``: present)."""
        return None

    def bind(self, ctx: Context) -> Any:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def describe(self) -> dict:
        """What the declaration says, for listings (``Indicator.inputs``)."""
        return {}


@dataclass(frozen=True)
class Item(Input):
    """One inventory item: an ``xarray.Variable`` (``units`` attr) or, ``lazy``, an
    :class:`ItemRef` for reads at some ecosystems, optional reads or reads on a branch.

    ``unit`` is the unit the formula is written for (the item's values keep the unit they
    were loaded in; the pure formulas convert) and ``dims`` its dims besides region × year —
    both documentation checked against the item catalog by ``tests/test_declarations.py``.
    """

    name: str
    unit: str | None = None
    dims: tuple[str, ...] = ()
    lazy: bool = False
    required: bool = True

    def declared_items(self) -> tuple[str, ...]:
        return (self.name,)

    def missing(self, ctx: Context) -> str | None:
        if self.required and self.name not in ctx.data.data_vars:
            return f"inventory has no '{self.name}'"
        return None

    def bind(self, ctx: Context) -> Any:
        if self.lazy:
            return ItemRef(ctx, self.name)
        return ctx.item(self.name)

    def describe(self) -> dict:
        return {
            "kind": "item",
            "id": self.name,
            "unit": self.unit,
            "dims": list(self.dims),
            "required": self.required,
        }


@dataclass(frozen=True)
class ItemFamily(Input):
    """Items sharing a prefix (``output.agriculture.*``, ``water_use.*``, ``emission.*``):
    an :class:`ItemFamilyRef`. ``members`` fixes the members the formula knows (in order);
    ``None`` accepts every item of the prefix the inventory has."""

    prefix: str
    unit: str | None = None
    dims: tuple[str, ...] = ()
    members: tuple[str, ...] | None = None

    def declared_items(self) -> tuple[str, ...]:
        if self.members is None:
            return (f"{self.prefix}*",)
        return tuple(self.prefix + m for m in self.members)

    def bind(self, ctx: Context) -> ItemFamilyRef:
        return ItemFamilyRef(ctx, self)

    def describe(self) -> dict:
        return {
            "kind": "item family",
            "id": f"{self.prefix}*",
            "members": None if self.members is None else list(self.members),
            "unit": self.unit,
            "dims": list(self.dims),
            "required": False,
        }


@dataclass(frozen=True)
class Coef(Input):
    """One coefficient: its ``xarray.Variable`` over ``year`` (read when bound), or, ``lazy``,
    a :class:`CoefRef` (table reads by key, reads on a branch).

    ``unit`` is the unit the formula expects; values arrive in the coefficient file's own
    unit (the pure formulas convert) unless ``convert`` asks for them in ``unit``.
    """

    id: str
    unit: str | None = None
    lazy: bool = False
    convert: bool = False

    def declared_coefficients(self) -> tuple[str, ...]:
        return (self.id,)

    def bind(self, ctx: Context) -> Any:
        if self.lazy:
            return CoefRef(ctx, self)
        return ctx.coef(self.id, unit=self.unit if self.convert else None)

    def describe(self) -> dict:
        return {"kind": "coefficient", "id": self.id, "unit": self.unit}


@dataclass(frozen=True)
class CoefFamily(Input):
    """Coefficients per family member: ``pattern`` with one ``<member>`` placeholder
    (``material.agriculture.price.<product>``); a :class:`CoefFamilyRef`."""

    pattern: str
    unit: str | None = None
    convert: bool = False

    def __post_init__(self) -> None:
        if self.pattern.count("<") != 1 or not self.pattern.endswith(">"):
            raise DeclarationError(
                f"coefficient family {self.pattern!r} must end in one <member> placeholder"
            )

    def declared_coefficients(self) -> tuple[str, ...]:
        return (self.pattern,)

    def bind(self, ctx: Context) -> CoefFamilyRef:
        return CoefFamilyRef(ctx, self)

    def describe(self) -> dict:
        return {"kind": "coefficient family", "id": self.pattern, "unit": self.unit}


@dataclass(frozen=True)
class Computed(Input):
    """The :class:`Quantities` of another quantify step (its inputs are this step's too)."""

    step: Any  # a quantify function or Step

    def __post_init__(self) -> None:
        object.__setattr__(self, "step", as_step(self.step))

    @property
    def required(self) -> bool:  # type: ignore[override]
        return bool(self.step.required)

    def declared_items(self) -> tuple[str, ...]:
        return self.step.items

    def declared_coefficients(self) -> tuple[str, ...]:
        return self.step.coefficients

    def missing(self, ctx: Context) -> str | None:
        return self.step.missing(ctx)

    def bind(self, ctx: Context) -> Quantities:
        return self.step(ctx)


@dataclass(frozen=True)
class Module(Input):
    """An outside module that reads the account itself (e.g. the forest carbon module, which
    resolves its ``carbon.*`` species tables through the account's coefficient route):
    a :class:`ModuleRef`. ``items`` are read when present (also at the year before when
    ``previous_year``); ``coefficients`` are the patterns the module reads."""

    func: Callable
    items: tuple[str, ...] = ()
    coefficients: tuple[str, ...] = ()
    previous_year: bool = False

    def declared_items(self) -> tuple[str, ...]:
        return self.items

    def declared_coefficients(self) -> tuple[str, ...]:
        return self.coefficients

    def bind(self, ctx: Context) -> ModuleRef:
        return ModuleRef(ctx, self)

    def describe(self) -> dict:
        return {
            "kind": "module",
            "id": _qualname(self.func),
            "items": list(self.items),
            "coefficients": list(self.coefficients),
        }


def item(name: str, unit: str | None = None, dims: Sequence[str] = ()) -> Item:
    """A required inventory item, bound as its ``xarray.Variable`` (``units`` attr)."""
    return Item(name, unit, tuple(dims))


def item_ref(
    name: str, unit: str | None = None, dims: Sequence[str] = (), required: bool = True
) -> Item:
    """An inventory item bound as an :class:`ItemRef` (``.at(ecosystems)``, ``.present``).

    ``required=False``: an optional item (the function asks ``.present``)."""
    return Item(name, unit, tuple(dims), lazy=True, required=required)


def item_family(
    prefix: str,
    unit: str | None = None,
    dims: Sequence[str] = (),
    members: Sequence[str] | None = None,
) -> ItemFamily:
    """Items ``prefix + member``, bound as an :class:`ItemFamilyRef`."""
    return ItemFamily(prefix, unit, tuple(dims), None if members is None else tuple(members))


def coef(cid: str, unit: str | None = None, convert: bool = False) -> Coef:
    """A coefficient, bound as its ``xarray.Variable`` over ``year`` (read when bound)."""
    return Coef(cid, unit, convert=convert)


def coef_ref(cid: str, unit: str | None = None, convert: bool = False) -> Coef:
    """A coefficient bound as a :class:`CoefRef` (``.get()``, ``.by(keys)``), read on use."""
    return Coef(cid, unit, lazy=True, convert=convert)


def coef_family(pattern: str, unit: str | None = None, convert: bool = False) -> CoefFamily:
    """Coefficients per member (``pattern`` ends in ``<member>``): a :class:`CoefFamilyRef`."""
    return CoefFamily(pattern, unit, convert)


def computed(step: Callable | Step) -> Computed:
    """The quantities another quantify function computes (e.g. oxygen from carbon fixed)."""
    return Computed(step)


def module(
    func: Callable,
    items: Sequence[str] = (),
    coefficients: Sequence[str] = (),
    previous_year: bool = False,
) -> Module:
    """An outside module ``func(ctx)`` reading ``items``/``coefficients``: a :class:`ModuleRef`."""
    return Module(func, tuple(items), tuple(coefficients), previous_year)


# -- what the functions receive --------------------------------------------------------------
class Scope:
    """The structure of the run a formula's glue may see: labels, years, ecosystems, options,
    selection and a NaN template. It has no ``item()``/``coef()``: values come only through
    the bound parameters."""

    __slots__ = ("_ctx",)

    def __init__(self, ctx: Context):
        self._ctx = ctx

    @property
    def years(self) -> list[int]:
        return self._ctx.years

    @property
    def labels(self) -> dict[str, list]:
        return self._ctx.labels

    @property
    def options(self) -> dict:
        return self._ctx.options

    @property
    def components(self) -> bool:
        """Whether per-component breakdowns are wanted (``account(components=False)``)."""
        return self._ctx.components

    def ecosystems(self) -> list[str]:
        return self._ctx.ecosystems()

    def select(self, var: xr.Variable, dim: str, labels: Sequence | str) -> xr.Variable:
        return self._ctx.select(var, dim, labels)

    def template(self) -> xr.Variable:
        return self._ctx.template()


class ItemRef:
    """One declared inventory item, read on use (recorded like any read)."""

    __slots__ = ("_ctx", "name")

    def __init__(self, ctx: Context, name: str):
        self._ctx = ctx
        self.name = name

    @property
    def present(self) -> bool:
        return self.name in self._ctx.data.data_vars

    def get(self) -> xr.Variable:
        return self._ctx.item(self.name)

    def at(self, ecosystems: Sequence[str] | str) -> xr.Variable:
        """The item at some ecosystems (a single code drops the dim)."""
        return self._ctx.item(self.name, ecosystem=ecosystems)


class ItemFamilyRef:
    """The members of a declared item family the inventory has."""

    __slots__ = ("_ctx", "_decl")

    def __init__(self, ctx: Context, decl: ItemFamily):
        self._ctx = ctx
        self._decl = decl

    @property
    def prefix(self) -> str:
        return self._decl.prefix

    def members(self) -> list[str]:
        """Members present: the declared ones in order, or every one of the prefix (sorted)."""
        data, prefix = self._ctx.data.data_vars, self._decl.prefix
        if self._decl.members is not None:
            return [m for m in self._decl.members if prefix + m in data]
        return sorted(str(v)[len(prefix) :] for v in data if str(v).startswith(prefix))

    def has(self, member: str) -> bool:
        return self._decl.prefix + member in self._ctx.data.data_vars

    def get(self, member: str) -> xr.Variable:
        if self._decl.members is not None and member not in self._decl.members:
            raise KeyError(f"{member!r} is not a declared member of {self._decl.prefix}*")
        return self._ctx.item(self._decl.prefix + member)


class CoefRef:
    """One declared coefficient, resolved on use (recorded like any read)."""

    __slots__ = ("_ctx", "_decl")

    def __init__(self, ctx: Context, decl: Coef):
        self._ctx = ctx
        self._decl = decl

    @property
    def id(self) -> str:
        return self._decl.id

    def get(self) -> xr.Variable:
        d = self._decl
        return self._ctx.coef(d.id, unit=d.unit if d.convert else None)

    def by(self, keys: Sequence[str]) -> xr.Variable:
        """The table at ``keys`` (dims ``year`` + the table's dim, in the order asked)."""
        d = self._decl
        return self._ctx.coef(d.id, keys=keys, unit=d.unit if d.convert else None)


class CoefFamilyRef:
    """The coefficients of a declared family, one per member, resolved on use."""

    __slots__ = ("_ctx", "_decl")

    def __init__(self, ctx: Context, decl: CoefFamily):
        self._ctx = ctx
        self._decl = decl

    def id(self, member: str) -> str:
        head = self._decl.pattern.split("<", 1)[0]
        return head + member

    def has(self, member: str) -> bool:
        """Whether the coefficient set defines the member's coefficient (nothing is read)."""
        return self.id(member) in self._ctx.coefficients

    def source(self, member: str) -> str:
        """The member coefficient's file (for messages), else its id."""
        cid = self.id(member)
        return self._ctx.coefficients[cid].file or cid

    @property
    def set_source(self) -> str:
        return getattr(self._ctx.coefficients, "path", None) or "coefficients"

    def keys(self, member: str) -> list[str]:
        """Table keys the member's coefficient lists in any accounting year (sorted)."""
        c = self._ctx.coefficients[self.id(member)]
        return sorted({k for y in self._ctx.years for k in c.entry_for(y).value})

    def get(self, member: str, keys: Sequence[str] | None = None) -> xr.Variable:
        d = self._decl
        return self._ctx.coef(self.id(member), keys=keys, unit=d.unit if d.convert else None)


class ModuleRef:
    """An outside module bound to its declared items and coefficients."""

    __slots__ = ("_ctx", "_decl")

    def __init__(self, ctx: Context, decl: Module):
        self._ctx = ctx
        self._decl = decl

    @property
    def available(self) -> bool:
        data = self._ctx.data.data_vars
        return all(i in data for i in self._decl.items)

    def __call__(self) -> Any:
        trace = self._ctx.traced()
        for name in self._decl.items:
            trace.read_item(name, previous_year=self._decl.previous_year)
        return self._decl.func(self._ctx)


# -- binding ---------------------------------------------------------------------------------
def inputs(**bindings: Any) -> Callable[[Callable], Callable]:
    """Decorator: bind parameters of a quantify/valuate function to their descriptors.

    The function itself is returned (it stays picklable); :class:`Step` reads the bindings
    and checks them against the signature. A binding naming no parameter raises here.
    """

    def deco(func: Callable) -> Callable:
        params = _parameters(func)
        unknown = [n for n in bindings if n not in params]
        if unknown:
            raise DeclarationError(_no_parameter_message(func, unknown))
        func.__gep_inputs__ = dict(bindings)  # type: ignore[attr-defined]
        return func

    return deco


def _parameters(func: Callable) -> tuple[str, ...]:
    return tuple(inspect.signature(func).parameters)


def _qualname(func: Callable) -> str:
    return f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', repr(func))}"


def _no_parameter_message(func: Callable, names: Sequence[str]) -> str:
    return (
        f"{_qualname(func)}: binding(s) {', '.join(names)} name no parameter of "
        f"{_qualname(func)}{inspect.signature(func)}"
    )


class Step:
    """A quantify or valuate function with every parameter bound (checked at construction).

    ``Step(func, **bindings)`` adds bindings to those :func:`inputs` gave ``func`` (for one
    function registered several times with other ids, e.g. per product group); values that
    are not descriptors are constants. Calling ``step(ctx)`` / ``step(ctx, q)`` raises
    :class:`NotAssessed` when a required input is absent (before the function runs), binds
    every descriptor and calls the function with keyword arguments.
    """

    __slots__ = (
        "func",
        "bindings",
        "_constants",
        "_inputs",
        "_required",
        "_scope",
        "_q",
        "items",
        "coefficients",
    )

    def __init__(self, func: Callable, /, **bindings: Any):
        if isinstance(func, Step):
            bindings = {**func.bindings, **bindings}
            func = func.func
        merged = {**getattr(func, "__gep_inputs__", {}), **bindings}
        params = _parameters(func)
        unknown = [n for n in merged if n not in params]
        if unknown:
            raise DeclarationError(_no_parameter_message(func, unknown))
        reserved = [n for n in merged if n in (SCOPE_PARAM, QUANTITIES_PARAM)]
        if reserved:
            raise DeclarationError(
                f"{_qualname(func)}: '{reserved[0]}' is filled by the engine and cannot be bound"
            )
        unbound = [
            p for p in params if p not in merged and p not in (SCOPE_PARAM, QUANTITIES_PARAM)
        ]
        if unbound:
            raise DeclarationError(
                f"{_qualname(func)}: parameter(s) {', '.join(unbound)} bound to no input "
                "(declare each with item(...), coef(...), … in @inputs or Step(...))"
            )
        self.func = func
        self.bindings = merged
        self._constants = {n: v for n, v in merged.items() if not isinstance(v, Input)}
        self._inputs = tuple((n, v) for n, v in merged.items() if isinstance(v, Input))
        self._required = tuple(v for _, v in self._inputs if v.required)
        self._scope = SCOPE_PARAM in params
        self._q = QUANTITIES_PARAM in params
        items: dict[str, None] = {}
        coefs: dict[str, None] = {}
        for _, v in self._inputs:
            items.update(dict.fromkeys(v.declared_items()))
            coefs.update(dict.fromkeys(v.declared_coefficients()))
        self.items = tuple(items)
        self.coefficients = tuple(coefs)

    @property
    def required(self) -> bool:
        return bool(self._required)

    def descriptors(self) -> list[Input]:
        """The input declarations, those of nested steps (:func:`computed`) included."""
        out: list[Input] = []
        for _, desc in self._inputs:
            out.extend(desc.step.descriptors() if isinstance(desc, Computed) else [desc])
        return out

    @property
    def __wrapped__(self) -> Callable:  # inspect.unwrap → the function (module, docs)
        return self.func

    def missing(self, ctx: Context) -> str | None:
        for desc in self._required:
            reason = desc.missing(ctx)
            if reason is not None:
                return reason
        return None

    def __call__(self, ctx: Context, q: Quantities | None = None) -> Any:
        for desc in self._required:
            reason = desc.missing(ctx)
            if reason is not None:
                raise NotAssessed(reason)
        kwargs = dict(self._constants)
        for name, desc in self._inputs:
            kwargs[name] = desc.bind(ctx)
        if self._scope:
            kwargs[SCOPE_PARAM] = Scope(ctx)
        if self._q:
            kwargs[QUANTITIES_PARAM] = q
        return self.func(**kwargs)

    def __getstate__(self):
        return {"func": self.func, "bindings": self.bindings}

    def __setstate__(self, state) -> None:
        self.__init__(state["func"], **state["bindings"])

    def __repr__(self) -> str:
        return f"Step({_qualname(self.func)})"


def as_step(fn: Callable | Step) -> Step:
    """``fn`` as a :class:`Step` (a function's :func:`inputs` bindings are checked)."""
    return fn if isinstance(fn, Step) else Step(fn)


# --------------------------------------------------------------------------------------------
# evaluation context


@dataclass
class Trace:
    """What one indicator read: inventory items and coefficients (with table keys)."""

    items: list[str] = field(default_factory=list)
    coefficients: list[tuple[str, tuple[str, ...] | None]] = field(default_factory=list)
    #: items also read at the year before (stock-difference methods)
    previous_year: list[str] = field(default_factory=list)
    #: labels of an item's ecosystem/species dim actually used (absent: all of them)
    item_keys: dict[str, list[str]] = field(default_factory=dict)

    def read_item(
        self, name: str, previous_year: bool = False, keys: Sequence[str] | None = None
    ) -> None:
        if name not in self.items:
            self.items.append(name)
            if keys is not None:
                self.item_keys[name] = list(keys)
        elif name in self.item_keys:
            if keys is None:
                del self.item_keys[name]
            else:
                self.item_keys[name] = list(dict.fromkeys([*self.item_keys[name], *keys]))
        if previous_year and name not in self.previous_year:
            self.previous_year.append(name)


class Context:
    """The engine's read route: inventory variables and resolved coefficients.

    Indicator functions never see it: a :class:`Step` binds their declared inputs through
    :meth:`item` and :meth:`coef` (and the accessors do the same on use) and hands them a
    :class:`Scope` for the structure of the run.

    The inventory is aligned once (one ``xarray.Dataset`` shares every coordinate); the
    formulas then run on :class:`xarray.Variable` objects — named dimensions, no
    coordinates, no index alignment per operation — and :func:`evaluate` wraps each result
    once with the labels in :attr:`labels`. Extra dims (``scenario``, ``draw``) broadcast by
    name. Every read is recorded per indicator in :attr:`trace` (for ``explain``, the
    scenario/Monte Carlo machinery and the declaration test).
    """

    def __init__(
        self,
        data: xr.Dataset,
        coefficients,
        years: Sequence[int],
        options: dict | None = None,
        extra_coefficients: dict | None = None,
        full_data: xr.Dataset | None = None,
    ):
        self.data = data
        self.full_data = data if full_data is None else full_data
        self.coefficients = coefficients
        self.years = [int(y) for y in years]
        self.options = dict(options or {})
        self.labels: dict[str, list] = {str(d): list(data[d].values) for d in data.dims}
        self.labels["year"] = list(self.years)
        # coefficient arrays supplied from outside (Monte Carlo draws, scenario stacks):
        # {id: DataArray with units attr}; they replace the set's resolution for that id.
        self.extra = {k: self._align_extra(v) for k, v in dict(extra_coefficients or {}).items()}
        # every resolution through the coefficient set, in order: (id, keys or None)
        self.reads: list[tuple[str, tuple[str, ...] | None]] = []
        self.trace: dict[str, Trace] = {}
        #: a caller-owned dict keeping outside modules' nominal results between account calls
        #: on the same inventory and coefficient set (Monte Carlo); None: no reuse
        self.memo: dict | None = None
        #: build per-component breakdowns (``account(components=False)`` skips them)
        self.components = True
        self.current: str | None = None
        self._positions: dict[str, dict] = {}
        self._coords: dict[tuple, xr.Coordinates] = {}

    # -- alignment --------------------------------------------------------------------------
    def _align_extra(self, arr: xr.DataArray) -> xr.DataArray:
        """Order an outside array's shared dims like the inventory (positions, not labels)."""
        for d in arr.dims:
            d = str(d)
            if d == "year" and list(arr["year"].values) != self.years:
                arr = arr.sel(year=self.years)
            elif d in ("draw", "scenario") and d in arr.coords:
                if d not in self.labels:
                    self.labels[d] = list(arr[d].values)
                elif list(arr[d].values) != self.labels[d]:
                    arr = arr.sel({d: self.labels[d]})
            # table dims (ecosystem, species, …) are selected by label in coef()
        return arr

    def positions(self, dim: str, labels: Sequence) -> list[int]:
        index = self._positions.get(dim)
        if index is None:
            index = self._positions[dim] = {v: i for i, v in enumerate(self.labels[dim])}
        return [index[v] for v in labels]

    def select(self, var: xr.Variable, dim: str, labels: Sequence | str) -> xr.Variable:
        """``var`` at some labels of ``dim`` (a single label drops the dim)."""
        if isinstance(labels, str):
            return var.isel({dim: self.positions(dim, [labels])[0]})
        return var.isel({dim: self.positions(dim, labels)})

    def wrap(self, var: xr.Variable, extra_coords: dict | None = None) -> xr.DataArray:
        """Label a result once: coordinates from the inventory and the outside arrays.

        The coordinate objects (with their pandas indexes) are built once per set of dims
        and shared by every result of the run.
        """
        extra = {str(k): tuple(v) for k, v in (extra_coords or {}).items() if k in var.dims}
        key = (frozenset(var.dims), tuple(sorted(extra.items())))
        coords = self._coords.get(key)
        if coords is None:
            labels = {}
            for d in var.dims:
                if d in extra:
                    labels[d] = list(extra[d])
                elif d in self.labels:
                    labels[d] = self.labels[d]
            shape = tuple(len(v) for v in labels.values())
            probe = xr.DataArray(np.broadcast_to(0.0, shape), dims=list(labels), coords=labels)
            coords = self._coords[key] = probe.coords
        if all(coords.sizes.get(d, n) == n for d, n in var.sizes.items()):
            # the labels were checked when ``coords`` was built: attach them without
            # re-validating and deep-copying the indexes (a third of an Ankang account);
            # a dim without labels (a Monte Carlo ``draw``) stays without a coordinate
            return xr.DataArray(
                var,
                coords=dict(coords.variables),
                indexes=dict(coords.xindexes),
                fastpath=True,
            )
        return xr.DataArray(var, coords=coords)

    def template(self) -> xr.Variable:
        """NaN over region × year."""
        return xr.Variable(
            ("region", "year"), np.full((len(self.labels["region"]), len(self.years)), np.nan)
        )

    # -- reading ----------------------------------------------------------------------------
    def traced(self) -> Trace:
        """The trace of the indicator being evaluated (reads made outside ``item``/``coef``)."""
        return self._traced()

    def _traced(self) -> Trace:
        key = self.current or ""
        t = self.trace.get(key)
        if t is None:
            t = self.trace[key] = Trace()
        return t

    def item(self, name: str, ecosystem: Sequence[str] | str | None = None) -> xr.Variable:
        """Inventory variable ``name`` (optionally at some ecosystems), ``units`` attr kept."""
        if name not in self.data.data_vars:
            raise NotAssessed(f"inventory has no '{name}'")
        keys = [ecosystem] if isinstance(ecosystem, str) else ecosystem
        self._traced().read_item(name, keys=keys)
        var = self.data[name].variable
        out = xr.Variable(var.dims, var.data, attrs=dict(var.attrs))
        return out if ecosystem is None else self.select(out, "ecosystem", ecosystem)

    def ecosystems(self) -> list[str]:
        return [str(e) for e in self.labels.get("ecosystem", [])]

    def coef(
        self, cid: str, keys: Sequence[str] | None = None, unit: str | None = None
    ) -> xr.Variable:
        """Resolved coefficient over ``year`` (+ its table dim), with ``units`` attr."""
        self._traced().coefficients.append((cid, tuple(keys) if keys is not None else None))
        if cid in self.extra:
            arr = self.extra[cid]
            if keys is not None:
                by = [d for d in arr.dims if d not in ("year", "draw", "scenario")]
                if by:
                    arr = arr.sel({by[0]: list(keys)})
            if unit is not None:
                arr = to_magnitude(arr, unit, cid).assign_attrs(units=unit)
            var = arr.variable
            return xr.Variable(var.dims, var.data, attrs=dict(arr.attrs))
        self.reads.append((cid, tuple(keys) if keys is not None else None))
        resolve = getattr(self.coefficients, "variable", None)
        if resolve is not None:
            return resolve(cid, self.years, keys=keys, unit=unit)
        arr = self.coefficients.array(cid, self.years, keys=keys, unit=unit)
        return xr.Variable(arr.dims, arr.data, attrs=dict(arr.attrs))


def evaluate(ind: Indicator, ctx: Context, quantities: Quantities | None = None) -> Result:
    """Run one indicator: quantities (from its formula unless given), valuation, labels."""
    ctx.current = ind.id
    try:
        q = ind.quantify(ctx) if quantities is None else quantities
        v = ind.valuate(ctx, q)
    finally:
        ctx.current = None
    comp = {}
    if not ctx.components:
        pass  # values only (Monte Carlo draws): no component breakdowns
    elif q.parts_unit is not None and q.parts:
        names = list(q.parts)
        comp["physical"] = ctx.wrap(q.stacked(), {"component": names}).assign_attrs(
            units=q.parts_unit
        )
    if v.parts and ctx.components:
        names = list(v.parts)
        whole = v.stacked if v.stacked is not None else stack(list(v.parts.values()), names)
        comp["value"] = ctx.wrap(whole, {"component": names}).assign_attrs(units="CNY")
    return Result(
        physical=ctx.wrap(q.total).assign_attrs(units=q.unit),
        value=ctx.wrap(v.value).assign_attrs(units="CNY"),
        components=xr.Dataset(comp) if comp else None,
        notes=[*q.notes, *v.notes],
        price=ctx.wrap(v.price).assign_attrs(units=v.price.attrs.get("units"))
        if v.price is not None
        else None,
        route=q.route,
    )


# --------------------------------------------------------------------------------------------
# helpers shared by the formulas' glue


def weighted_sum_over(dim: str, term, weight_mask=None):
    """Sum over ``dim`` where NaN terms count only if their weight (area) is positive.

    An ecosystem with zero area contributes zero even if its factors are missing; one with
    area and a missing factor makes the region "not assessed" (NaN) instead of a silent zero.
    """
    if weight_mask is not None:
        term = term.where(weight_mask, 0.0)
    return term.sum(dim, skipna=False)


def pure_factors(*names: str) -> Callable:
    """Declare that a formula's result is proportional to each of the arguments ``names``.

    ``f(…, c·x, …) = c·f(…, x, …)`` for every declared ``x`` and scalar ``c`` — the argument
    is a pure factor of the result (``rate × area``; ``EPP × S × d / (3600 r)``). Then a sum
    over a dim that only the declared arguments carry is a contraction:
    :math:`\\sum_i f(x_i, y_i, z) = f(\\sum_i x_i y_i, 1, z)`, which :func:`sum_over` uses
    instead of materialising every term (e.g. draw × region × year × ecosystem in a Monte
    Carlo run). The declaration is checked for every registered formula by
    ``tests/test_sum_over.py``; nothing is probed at run time.
    """

    def deco(func: Callable) -> Callable:
        params = inspect.signature(func).parameters
        unknown = [n for n in names if n not in params]
        if unknown:
            raise TypeError(f"{func.__name__} has no parameter(s) {', '.join(unknown)}")
        func.pure_factors = frozenset(names)  # type: ignore[attr-defined]
        return func

    return deco


def sum_over(dim: str, formula: Callable, weight_mask=None, /, **args):
    """``weighted_sum_over(dim, formula(**args), weight_mask)``, contracted when it can be.

    When every argument that carries ``dim`` is declared a pure factor of ``formula``
    (:func:`pure_factors`), the declared arguments are multiplied and summed over ``dim`` in
    one ``numpy.einsum`` (no array of every term), and ``formula`` is applied once to that
    sum — with the other declared arguments set to 1 in their own units, so the formula's unit
    conversions still apply — and to the arguments without ``dim``. The not-assessed rules of
    :func:`weighted_sum_over` are kept: a term whose weight mask is false counts zero even when
    a factor is missing (NaN) there; a missing factor where the mask is true gives NaN; a
    region where no term counts gives zero whatever the other arguments are. Otherwise (an
    undeclared argument carries ``dim``, lazy arrays, an infinite factor) the terms are built
    and summed as :func:`weighted_sum_over` does.

    Parameters
    ----------
    dim : Dimension summed over (``"ecosystem"``).
    formula : Pure formula function, called with ``args`` (by keyword).
    weight_mask : Boolean ``xarray.Variable`` over dims including ``dim`` (area > 0), or None.
    **args : The formula's arguments.
    """
    out = _contracted(dim, formula, weight_mask, args)
    if out is None:
        return weighted_sum_over(dim, formula(**args), weight_mask)
    return out


def _contracted(dim: str, formula: Callable, mask, args: dict):
    declared = getattr(formula, "pure_factors", frozenset())
    summed = [
        k for k, v in args.items() if isinstance(v, xr.Variable | xr.DataArray) and dim in v.dims
    ]
    if not summed or any(k not in declared for k in summed):
        return None
    xs = [args[k].variable if isinstance(args[k], xr.DataArray) else args[k] for k in summed]
    if mask is not None:
        mask = mask.variable if isinstance(mask, xr.DataArray) else mask
        if dim not in mask.dims or mask.dtype != bool:
            return None
    arrays = [x.data for x in xs] + ([] if mask is None else [mask.data])
    if not all(isinstance(a, np.ndarray) for a in arrays):
        return None  # dask and other duck arrays: the plain route
    letters = {}
    for v in [*xs, *([] if mask is None else [mask])]:
        for d in v.dims:
            letters.setdefault(d, chr(ord("a") + len(letters)))
    if len(letters) > 26:
        return None
    # the result's dims: the weight mask's (inventory order: region, year) first, then the
    # factors' other dims (draw, scenario) — the layout the account stacks without a strided copy
    order = [*([] if mask is None else mask.dims), *letters]
    out_dims = tuple(dict.fromkeys(d for d in order if d != dim))
    # a factor over the mask's dims (the area) carries the mask: zero where it is false
    operands, nan_flags, carried = [], [], mask is None
    for x in xs:
        data = np.asarray(x.data, dtype=float)
        if np.isinf(data).any():
            return None
        if not carried and set(x.dims) <= set(mask.dims):
            xm = x.set_dims(dict(mask.sizes)).transpose(*mask.dims)
            data = np.where(mask.data, np.asarray(xm.data, dtype=float), 0.0)
            x = xr.Variable(mask.dims, data)
            carried = True
        isnan = np.isnan(data)
        if isnan.any():
            nan_flags.append((x.dims, isnan))
            data = np.where(isnan, 0.0, data)
        operands.append((x.dims, data))
    if not carried:
        operands.append((mask.dims, mask.data.astype(float)))
    spec = ",".join("".join(letters[d] for d in dims) for dims, _ in operands)
    target = "".join(letters[d] for d in out_dims)
    total = np.einsum(f"{spec}->{target}", *(a for _, a in operands))
    if nan_flags:
        # a missing factor in a term that counts: not assessed (NaN), as the plain route gives
        weight = [] if mask is None else [(mask.dims, mask.data.astype(float))]
        bad = np.zeros(total.shape, dtype=bool)
        for dims, flag in nan_flags:
            ops = [(dims, flag.astype(float)), *weight]
            spec_b = ",".join("".join(letters[d] for d in ds) for ds, _ in ops)
            # dims of the output absent from these operands: broadcast afterwards
            present = [d for d in out_dims if any(d in ds for ds, _ in ops)]
            n_bad = np.einsum(
                f"{spec_b}->{''.join(letters[d] for d in present)}", *(a for _, a in ops)
            )
            bad |= (
                xr.Variable(present, n_bad > 0)
                .set_dims(dict(zip(out_dims, total.shape, strict=True)))
                .transpose(*out_dims)
                .data
            )
        total = np.where(bad, np.nan, total)
    first = xs[0]
    call = dict(args)
    for k in summed:
        unit = args[k].attrs.get("units")
        one = xr.Variable((), 1.0, attrs={} if unit is None else {"units": unit})
        call[k] = one
    call[summed[0]] = xr.Variable(out_dims, total, attrs=dict(first.attrs))
    result = formula(**call)
    if mask is not None:
        counted = mask.any(dim)
        if not bool(counted.data.all()):
            # nothing counts there: zero, as the sum of masked terms is, even if an argument
            # outside the sum is missing
            attrs = dict(result.attrs)
            result = result.where(counted, 0.0)
            result.attrs = attrs
    return result


def counted_ecosystems(
    weights: CoefRef, ecosystems: Sequence[str]
) -> tuple[list[str], xr.Variable | None]:
    """Ecosystems an ecosystem-set coefficient counts, and their weights.

    ``weights`` is a dimensionless table by ecosystem (codes or level-1 classes, every class
    of the inventory listed), declared ``coef_ref(id, "dimensionless", convert=True)``: the
    share of each ecosystem's area that the term counts — 1 in, 0 out (e.g. which ecosystems
    transpire). Returns the ecosystems with a positive weight in some year and the weights
    over ``(year, ecosystem)`` for them (``None`` when none counts). A coefficient set
    changes the set by data (Garzê counts forest, shrub and grassland).
    """
    ecosystems = list(ecosystems)
    if not ecosystems:
        return [], None
    w = weights.by(ecosystems)
    positive = np.asarray(w.data > 0)
    axis = tuple(i for i, d in enumerate(w.dims) if d != "ecosystem")
    keep = positive.any(axis=axis) if axis else positive
    counted = [e for e, k in zip(ecosystems, np.atleast_1d(keep), strict=True) if k]
    if not counted:
        return [], None
    if len(counted) < len(ecosystems):
        w = w.isel(ecosystem=[i for i, k in enumerate(np.atleast_1d(keep)) if k])
    return counted, w


def family_sum(components, dim: str = "component"):
    """Sum the members of an item family (products, water uses, pollutants).

    A member missing for a region that reports other members of the family is genuinely
    absent there (zero); a region reporting no member at all stays NaN ("not assessed").
    """
    if (
        isinstance(components, xr.Variable)
        and isinstance(components.data, np.ndarray)
        and components.dtype.kind == "f"
        and components.dims[:1] == (dim,)
        and components.shape[0] > 0
    ):
        return xr.Variable(components.dims[1:], _nansum_first_axis(components.data))
    return components.sum(dim, min_count=1)


def _nansum_first_axis(a: np.ndarray) -> np.ndarray:
    """``sum(axis=0, skipna, min_count=1)`` as xarray computes it (NaN as 0.0, slices added in
    order; NaN where every slice is NaN), without its full-size temporaries."""
    out = np.zeros(a.shape[1:])
    allnan = np.ones(a.shape[1:], dtype=bool)
    for part in a:
        isnan = np.isnan(part)
        if not isnan.any():
            out += part
            allnan[...] = False
        elif not isnan.all():
            out += np.where(isnan, 0.0, part)
            allnan &= isnan
    out[allnan] = np.nan
    return out


def with_units(var: xr.Variable, unit: str) -> xr.Variable:
    """The same data labelled with ``unit`` (a new attrs dict; data not copied)."""
    return xr.Variable(var.dims, var.data, attrs={"units": unit})


def split(var: xr.Variable, dim: str, labels: Sequence[str]) -> dict[str, xr.Variable]:
    """{label: var at that label} along ``dim`` (positions follow ``labels``)."""
    return {str(k): var.isel({dim: i}) for i, k in enumerate(labels)}


def _valued_at_price(scope: Scope, q: Quantities, price: xr.Variable, func: Callable) -> Valuation:
    """Valuation of the total physical quantity (and of each physical part) at one price."""
    parts = whole = None
    if q.parts and q.parts_unit is not None and scope.components:
        # each physical component at the same price (value per component)
        names = list(q.parts)
        stacked = func(with_units(q.stacked(), q.parts_unit), price)  # one call
        parts = split(stacked, "component", names)
        if stacked.dims[0] == "component" and isinstance(stacked.data, np.ndarray):
            whole = xr.Variable(stacked.dims, stacked.data)
    return Valuation(
        value=func(with_units(q.total, q.unit), price), parts=parts, price=price, stacked=whole
    )


def price_valuation(coefficient: str, func: Callable, unit: str | None = None) -> Step:
    """The valuate step ``func(quantity, price)`` at the price coefficient ``coefficient``."""
    return Step(_valued_at_price, price=coef(coefficient, unit), func=func)


def stack(parts: Sequence, names: Sequence, dim: str = "component"):
    """Concatenate parts along a new labelled dim.

    ``xarray.Variable`` parts (the evaluation core) are broadcast to their union of dims and
    stacked by position; ``DataArray`` parts are concatenated with labels. Parts may differ in
    extra dims (one price carries ``draw`` or ``scenario``, another not).
    """
    parts = list(parts)
    if all(isinstance(p, xr.Variable) for p in parts):
        sizes: dict = {}
        for p in parts:
            for d, n in zip(p.dims, p.shape, strict=True):
                if sizes.get(d, 1) == 1:
                    sizes[d] = n
        dims = tuple(sizes)
        same = all(p.dims == dims for p in parts)
        vs = parts if same else [p.set_dims(sizes) for p in parts]
        if all(isinstance(p.data, np.ndarray) for p in vs):
            return xr.Variable((dim, *dims), np.stack([p.data for p in vs], axis=0))
        return xr.Variable.concat(vs, dim)
    fast = _stack_same_grid(parts, list(names), dim)
    if fast is not None:
        return fast
    out = xr.concat(parts, dim=dim, coords="minimal", compat="override", join="outer")
    return out.assign_coords({dim: list(names)})


def _stack_same_grid(parts: list[xr.DataArray], names: list, dim: str) -> xr.DataArray | None:
    """``np.stack`` when every part has the same dims and indexes (the usual case).

    Gives what ``xr.concat`` gives there, without its alignment machinery; ``None`` when
    the parts differ in dims or labels (then ``xr.concat`` broadcasts and aligns).
    """
    first = parts[0]
    dims = first.dims
    for p in parts[1:]:
        if p.dims != dims or p.shape != first.shape:
            return None
        for d in dims:
            if d in first.indexes and not p.indexes[d].equals(first.indexes[d]):
                return None
    if any(not isinstance(p.data, np.ndarray) for p in parts):
        return None  # dask and other duck arrays: let xarray handle them
    data = np.stack([p.data for p in parts], axis=0)
    coords = {k: v.variable for k, v in first.coords.items()}
    coords[dim] = xr.Variable((dim,), np.asarray(list(names)))
    return xr.DataArray(
        data, dims=(dim, *dims), coords=coords, name=first.name, attrs=dict(first.attrs)
    )
