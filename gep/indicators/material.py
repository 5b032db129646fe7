"""Material supply (物质供给): products, water supply, hydropower — market value method.

References
----------
.. [1] 白玛卓嘎, 肖燚, 欧阳志云, 王莉雁. 甘孜藏族自治州生态系统生产总值核算研究. 生态学报,
   2017, 37(19): 6302–6312, §2.4.1 (market value of products; water supply; hydropower).
.. [2] 国家发展改革委, 国家统计局. 生态产品总值核算规范（试行）, 发改基础〔2022〕481号 (2022)
   — body not checked; method family assumed to follow [1] (gep_indicators.md §0).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from functools import partial

import numpy as np
import xarray as xr

from ..catalog import OUTPUT_GROUPS
from ..errors import InputError, Problem
from ..units import parse_unit, ureg
from .base import (
    Component,
    Context,
    Indicator,
    NotAssessed,
    PriceValuation,
    Quantities,
    Valuation,
    family_sum,
    register,
    stack,
    with_units,
)


def market_value(quantity, price):
    """Market value of a product, :math:`V = E \\times P`.

    Parameters
    ----------
    quantity : DataArray or Quantity
        Output of the product [any unit; must cancel with ``price``'s denominator].
    price : DataArray or Quantity
        Unit price [CNY per unit of ``quantity``].

    Returns
    -------
    Value [CNY].

    Notes
    -----
    .. math:: V = \\sum_k E_k P_k

    Unit consistency is checked by converting ``quantity × price`` to CNY: a price per tonne
    applied to cubic metres raises ``DimensionalityError``.

    References
    ----------
    See the module references [1]_.
    """
    q_unit = _units(quantity, "quantity")
    p_unit = _units(price, "price")
    return _market_value(quantity, price, q_unit, p_unit)


def _units(x, name: str) -> str:
    if isinstance(x, xr.DataArray | xr.Variable):
        if "units" not in x.attrs:
            raise TypeError(f"parameter '{name}' has no 'units' attribute")
        return x.attrs["units"]
    return str(x.units)


@functools.lru_cache(maxsize=1024)
def _money_factor(q_unit: str, p_unit: str) -> float:
    # raises DimensionalityError when quantity x price is not money
    return float((1.0 * parse_unit(q_unit) * parse_unit(p_unit)).to("CNY").magnitude)


@functools.lru_cache(maxsize=1024)
def _same_dimension(unit_a: str, unit_b: str) -> bool:
    return parse_unit(unit_a).dimensionality == parse_unit(unit_b).dimensionality


def _market_value(quantity, price, q_unit: str, p_unit: str):
    factor = _money_factor(q_unit, p_unit)
    labelled = (xr.DataArray, xr.Variable)
    if isinstance(quantity, labelled) or isinstance(price, labelled):
        q = quantity if isinstance(quantity, labelled) else quantity.magnitude
        p = price if isinstance(price, labelled) else price.magnitude
        out = q * p * factor
        if isinstance(out, xr.Variable):
            out.attrs = {"units": "CNY"}
            return out
        return out.assign_attrs(units="CNY")
    return ureg.Quantity(quantity.magnitude * price.magnitude * factor, "CNY")


#: physical quantity reported for each product group: the products counted in this unit
GROUP_UNITS = {"agriculture": "t", "forestry": "m ** 3", "livestock": "t", "fishery": "t"}


def _products(ctx: Context, group: str) -> Quantities:
    items = ctx.items_with_prefix(f"output.{group}.")
    reported = f"output_value.{group}"
    if not items and not ctx.has(reported):
        raise NotAssessed(f"inventory has no output.{group}.* nor {reported}")
    parts = {item.split(".", 2)[2]: ctx.item(item) for item in items}
    unit = GROUP_UNITS[group]
    mass = [q for q in parts.values() if _same_dimension(q.attrs["units"], unit)]
    notes = []
    if ctx.has(reported):
        notes.append(
            f"includes reported output value ({reported}) for products not listed by quantity"
        )
    if mass:
        physical = family_sum(stack(mass, range(len(mass))))
        notes.append(f"physical quantity = products counted in {unit}")
    else:
        physical = ctx.template()
    return Quantities(physical, unit, parts=parts, notes=notes)


def weighted_price(prices, shares):
    """Price of a product sold in grades, weighted by each grade's share of the output.

    Parameters
    ----------
    prices : xarray.Variable or DataArray
        Price of each grade g, P_g (dim ``grade``) [CNY per unit of output; ``units`` attr].
    shares : xarray.Variable or DataArray
        Share of the output sold as each grade s_g (dim ``grade``) [–]; the shares sum to 1.

    Returns
    -------
    Weighted price P̄ [the unit of ``prices``].

    Notes
    -----
    .. math:: \\bar P = \\sum_g s_g P_g, \\qquad \\sum_g s_g = 1

    e.g. tea 20 % premium at 300,000 CNY/t and 80 % bulk at 40,000 CNY/t:
    0.2 × 300,000 + 0.8 × 40,000 = 92,000 CNY/t.

    References
    ----------
    [1] §2.4.1 (market value of products; the weighting of grades is this project's form).
    """
    unit = _units(prices, "prices")
    total = shares.sum("grade")
    if bool((abs(np.asarray(total.data) - 1.0) > 1e-6).any()):
        raise ValueError(f"grade shares must sum to 1, not {np.asarray(total.data).ravel()[0]:g}")
    out = (prices * shares).sum("grade")
    out.attrs = {"units": unit}
    return out


def product_price(ctx: Context, group: str, product: str):
    """Unit price of one product: its grade-weighted price when the set has grade tables
    (``material.<group>.grade_price.<product>`` and ``….grade_share.<product>``, tables by
    grade), else its single price ``material.<group>.price.<product>``."""
    gp, gs = f"material.{group}.grade_price.{product}", f"material.{group}.grade_share.{product}"
    coefs = ctx.coefficients
    if gp in coefs or gs in coefs:
        if not (gp in coefs and gs in coefs):
            missing = gs if gp in coefs else gp
            raise InputError(
                Problem(
                    coefs[gp if gp in coefs else gs].file or gp, f"grade table {missing} missing"
                )
            )
        grades = sorted({k for y in ctx.years for k in coefs[gp].entry_for(y).value})
        try:
            return weighted_price(
                ctx.coef(gp, keys=grades), ctx.coef(gs, keys=grades, unit="dimensionless")
            )
        except ValueError as exc:
            raise InputError(
                Problem(coefs[gs].file or gs, f"{gs}: {exc}", field="values")
            ) from None
    return ctx.coef(f"material.{group}.price.{product}")


@dataclass(frozen=True)
class _ProductValuation:
    """Each product at its own price, plus any reported output value (market value)."""

    group: str

    def __call__(self, ctx: Context, q: Quantities) -> Valuation:
        values = {
            product: market_value(quantity, product_price(ctx, self.group, product))
            for product, quantity in q.parts.items()
        }
        reported = f"output_value.{self.group}"
        if ctx.has(reported):
            values["reported_output_value"] = with_units(ctx.item(reported), "CNY")
        value = family_sum(stack(list(values.values()), list(values)))
        return Valuation(value=value, parts=values)


_PRODUCT_NAMES = {
    "agriculture": ("农业产品", "Agricultural products"),
    "forestry": ("林业产品", "Forestry products"),
    "livestock": ("畜牧业产品", "Livestock products"),
    "fishery": ("渔业产品", "Fishery products"),
}

for _group in OUTPUT_GROUPS:
    zh, en = _PRODUCT_NAMES[_group]
    register(
        Indicator(
            id=f"material.{_group}",
            category="material",
            zh=zh,
            en=en,
            physical_unit=GROUP_UNITS[_group],
            method="market value (output × price; or reported output value)",
            method_zh="市场价值法",
            reference="[1] §2.4.1; [2]",
            items=(f"output.{_group}.*", f"output_value.{_group}"),
            coefficients=(
                f"material.{_group}.price.<product>",
                f"material.{_group}.grade_price.<product>",
                f"material.{_group}.grade_share.<product>",
            ),
            quantify=partial(_products, group=_group),  # partial, not lambda: accounts must pickle
            valuate=_ProductValuation(_group),
            components=(
                Component(
                    "<product>", "各产品", "each product", f"item unit ({GROUP_UNITS[_group]}, …)"
                ),
                Component("reported_output_value", "报告产值", "reported output value", "CNY"),
            ),
            deflator="price_index.cpi",
        ),
        formulas=(weighted_price, market_value),
    )


def _water_supply(ctx: Context) -> Quantities:
    uses = ctx.items_with_prefix("water_use.")
    if not uses:
        raise NotAssessed("inventory has no water_use.*")
    parts = {item.split(".", 1)[1]: ctx.item(item) for item in uses}
    total = family_sum(stack(list(parts.values()), list(parts)))
    return Quantities(total, "m ** 3", parts=parts, parts_unit="m ** 3")


def _water_supply_value(ctx: Context, q: Quantities) -> Valuation:
    values = {
        use: market_value(quantity, ctx.coef(f"material.water_supply.price.{use}"))
        for use, quantity in q.parts.items()
    }
    return Valuation(value=family_sum(stack(list(values.values()), list(values))), parts=values)


register(
    Indicator(
        id="material.water_supply",
        category="material",
        zh="水资源供给",
        en="Water supply",
        physical_unit="m ** 3",
        method="market value (water use × tariff)",
        method_zh="市场价值法",
        reference="[1] §2.4.1 (水资源); inclusion in [2] unverified",
        items=("water_use.*",),
        coefficients=("material.water_supply.price.<use>",),
        quantify=_water_supply,
        valuate=_water_supply_value,
        components=(Component("<use>", "各用水类型", "each water use", "m ** 3"),),
        deflator="price_index.cpi",
        notes="Overlaps with water conservation if both are read as 'water'; reported separately.",
    ),
    formulas=(market_value,),
)


def _hydropower(ctx: Context) -> Quantities:
    return Quantities(with_units(ctx.item("hydropower.generation"), "kWh"), "kWh")


register(
    Indicator(
        id="material.hydropower",
        category="material",
        zh="生态能源（水电）",
        en="Ecological energy (hydropower)",
        physical_unit="kWh",
        method="market value (generation × on-grid price)",
        method_zh="市场价值法",
        reference="[1] §2.4.1 (生态能源)",
        items=("hydropower.generation",),
        coefficients=("material.hydropower.price",),
        quantify=_hydropower,
        valuate=PriceValuation("material.hydropower.price", market_value),
        deflator="price_index.cpi",
    ),
    formulas=(market_value,),
)
