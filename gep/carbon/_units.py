"""Unit checks at the edge of :mod:`gep.carbon`: pint quantities in, plain magnitudes out.

Inside the carbon functions every number is a magnitude in a fixed unit (area ha, money CNY,
carbon t C or t CO₂e). Public entry points accept pint quantities (``Q_(7500, "mu")``), strings
with a unit (``"500ha"``, ``"7500 亩"``) or plain numbers (taken to be in the canonical unit),
and convert them here; a wrong dimension is an :class:`~gep.errors.InputError` naming the input.
"""

from __future__ import annotations

import numpy as np
import pint
import xarray as xr

from ..errors import InputError, Problem
from ..unitparse import parse_quantity
from ..units import Q_, parse_unit


def _bad(name: str, message: str) -> InputError:
    return InputError(Problem("<input>", message, field=name))


def magnitude(value, unit: str, name: str, *, require_unit: bool = False):
    """Magnitude of ``value`` in ``unit``.

    ``value`` may be a pint Quantity, a string such as ``"70 CNY/tCO2e"``, a plain number or
    numpy array (assumed to be in ``unit`` unless ``require_unit``) or an xarray object (its
    ``attrs['units']``, when present, is converted). Raises :class:`InputError` on an
    unparsable string or a wrong dimension.
    """
    if isinstance(value, xr.DataArray):
        units = value.attrs.get("units")
        if units is None or str(units) == unit:
            return value
        factor = magnitude(Q_(1.0, parse_unit(str(units))), unit, name)
        out = value * factor
        out.attrs = {**value.attrs, "units": unit}
        return out
    if isinstance(value, str):
        # bounded grammar: pint's own parser would evaluate "9**9**9 ha" (issue 16)
        value = parse_quantity(value, field=name)
        # a string must say its unit: "500" could be ha or 亩
        require_unit = require_unit or not parse_unit(unit).dimensionless
    if isinstance(value, pint.Quantity):
        # an overflow (1e308 km2 → inf ha, also in pint's check for dimensionless) is the
        # caller's range check to report, not a numpy warning printed above the error
        with np.errstate(over="ignore", invalid="ignore"):
            dimensionless = value.dimensionless
        if dimensionless and not parse_unit(unit).dimensionless:
            if require_unit:
                raise _bad(name, f"{name} needs a unit (a quantity of {unit}), got a bare number")
            mag = np.asarray(value.magnitude, dtype=float)
        else:
            try:
                with np.errstate(over="ignore", invalid="ignore"):
                    mag = np.asarray(value.to(parse_unit(unit)).magnitude, dtype=float)
            except pint.DimensionalityError:
                raise _bad(
                    name, f"{name} is in {value.units:~P}, which cannot be converted to {unit}"
                ) from None
        return float(mag) if mag.ndim == 0 else mag
    if require_unit:
        raise _bad(name, f"{name} needs a unit (a quantity of {unit})")
    arr = np.asarray(value, dtype=float)
    return float(arr) if arr.ndim == 0 else arr


def as_hectares(area, name: str = "area", *, require_unit: bool = False):
    """Area in hectares from a quantity (``"7500mu"``, ``Q_(500, "ha")``) or a number in ha."""
    return magnitude(area, "hectare", name, require_unit=require_unit)
