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

import numpy as np
import xarray as xr

from ..catalog import OUTPUT_GROUPS
from ..errors import InputError, Problem
from ..units import parse_unit, ureg
from .base import (
    CoefFamilyRef,
    Component,
    Indicator,
    ItemFamilyRef,
    ItemRef,
    NotAssessed,
    Quantities,
    Scope,
    Step,
    Valuation,
    coef_family,
    family_sum,
    inputs,
    item,
    item_family,
    item_ref,
    price_valuation,
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


def _products(
    scope: Scope, group: str, outputs: ItemFamilyRef, output_value: ItemRef
) -> Quantities:
    products = outputs.members()
    reported = output_value.name
    if not products and not output_value.present:
        raise NotAssessed(f"inventory has no output.{group}.* nor {reported}")
    parts = {product: outputs.get(product) for product in products}
    unit = GROUP_UNITS[group]
    mass = [q for q in parts.values() if _same_dimension(q.attrs["units"], unit)]
    notes = []
    if output_value.present:
        notes.append(
            f"includes reported output value ({reported}) for products not listed by quantity"
        )
    if mass:
        physical = family_sum(stack(mass, range(len(mass))))
        notes.append(f"physical quantity = products counted in {unit}")
    else:
        physical = scope.template()
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


def product_price(
    product: str,
    prices: CoefFamilyRef,
    grade_prices: CoefFamilyRef,
    grade_shares: CoefFamilyRef,
):
    """Unit price of one product: its grade-weighted price when the set has grade tables
    (``material.<group>.grade_price.<product>`` and ``….grade_share.<product>``, tables by
    grade), else its single price ``material.<group>.price.<product>``."""
    has_price, has_share = grade_prices.has(product), grade_shares.has(product)
    if has_price or has_share:
        gp, gs = grade_prices.id(product), grade_shares.id(product)
        if not (has_price and has_share):
            missing = gs if has_price else gp
            source = (grade_prices if has_price else grade_shares).source(product)
            raise InputError(Problem(source, f"grade table {missing} missing"))
        grades = grade_prices.keys(product)
        try:
            return weighted_price(
                grade_prices.get(product, keys=grades), grade_shares.get(product, keys=grades)
            )
        except ValueError as exc:
            raise InputError(
                Problem(grade_shares.source(product), f"{gs}: {exc}", field="values")
            ) from None
    return prices.get(product)


def _product_value(
    q: Quantities,
    prices: CoefFamilyRef,
    grade_prices: CoefFamilyRef,
    grade_shares: CoefFamilyRef,
    output_value: ItemRef,
) -> Valuation:
    """Each product at its own price, plus any reported output value (market value)."""
    values = {
        product: market_value(quantity, product_price(product, prices, grade_prices, grade_shares))
        for product, quantity in q.parts.items()
    }
    if output_value.present:
        values["reported_output_value"] = with_units(output_value.get(), "CNY")
    value = family_sum(stack(list(values.values()), list(values)))
    return Valuation(value=value, parts=values)


def _product_steps(group: str) -> tuple[Step, Step]:
    """Quantify and valuate steps of one product group (the same functions, its own ids)."""
    output_value = item_ref(f"output_value.{group}", "CNY", required=False)
    quantify = Step(
        _products,
        group=group,
        outputs=item_family(f"output.{group}.", GROUP_UNITS[group]),
        output_value=output_value,
    )
    valuate = Step(
        _product_value,
        prices=coef_family(f"material.{group}.price.<product>"),
        grade_prices=coef_family(f"material.{group}.grade_price.<product>"),
        grade_shares=coef_family(
            f"material.{group}.grade_share.<product>", "dimensionless", convert=True
        ),
        output_value=output_value,
    )
    return quantify, valuate


_PRODUCT_NAMES = {
    "agriculture": ("农业产品", "Agricultural products"),
    "forestry": ("林业产品", "Forestry products"),
    "livestock": ("畜牧业产品", "Livestock products"),
    "fishery": ("渔业产品", "Fishery products"),
}

for _group in OUTPUT_GROUPS:
    zh, en = _PRODUCT_NAMES[_group]
    _quantify, _valuate = _product_steps(_group)
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
            quantify=_quantify,
            valuate=_valuate,
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


@inputs(uses=item_family("water_use.", "m ** 3"))
def _water_supply(uses: ItemFamilyRef) -> Quantities:
    members = uses.members()
    if not members:
        raise NotAssessed("inventory has no water_use.*")
    parts = {use: uses.get(use) for use in members}
    total = family_sum(stack(list(parts.values()), list(parts)))
    return Quantities(total, "m ** 3", parts=parts, parts_unit="m ** 3")


@inputs(prices=coef_family("material.water_supply.price.<use>", "CNY / m ** 3"))
def _water_supply_value(q: Quantities, prices: CoefFamilyRef) -> Valuation:
    values = {use: market_value(quantity, prices.get(use)) for use, quantity in q.parts.items()}
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
        quantify=_water_supply,
        valuate=_water_supply_value,
        components=(Component("<use>", "各用水类型", "each water use", "m ** 3"),),
        deflator="price_index.cpi",
        notes="Overlaps with water conservation if both are read as 'water'; reported separately.",
    ),
    formulas=(market_value,),
)


@inputs(generation=item("hydropower.generation", "kWh"))
def _hydropower(generation: xr.Variable) -> Quantities:
    return Quantities(with_units(generation, "kWh"), "kWh")


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
        quantify=_hydropower,
        valuate=price_valuation("material.hydropower.price", market_value, "CNY / kWh"),
        deflator="price_index.cpi",
    ),
    formulas=(market_value,),
)
