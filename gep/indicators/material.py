"""Material supply (物质供给): products, water supply, hydropower — market value method.

References
----------
.. [1] 白玛卓嘎, 肖燚, 欧阳志云, 王莉雁. 甘孜藏族自治州生态系统生产总值核算研究. 生态学报,
   2017, 37(19): 6302–6312, §2.4.1 (market value of products; water supply; hydropower).
.. [2] 国家发展改革委, 国家统计局. 生态产品总值核算规范（试行）, 发改基础〔2022〕481号 (2022)
   — body not checked; method family assumed to follow [1] (gep_indicators.md §0).
"""

from __future__ import annotations

from functools import partial

import xarray as xr

from ..catalog import OUTPUT_GROUPS
from ..units import parse_unit, ureg
from .base import Context, Indicator, NotAssessed, Result, family_sum, register, stack


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
    if isinstance(x, xr.DataArray):
        if "units" not in x.attrs:
            raise TypeError(f"parameter '{name}' has no 'units' attribute")
        return x.attrs["units"]
    return str(x.units)


def _market_value(quantity, price, q_unit: str, p_unit: str):
    # raises DimensionalityError when quantity x price is not money
    factor = float((1.0 * parse_unit(q_unit) * parse_unit(p_unit)).to("CNY").magnitude)
    if isinstance(quantity, xr.DataArray) or isinstance(price, xr.DataArray):
        q = quantity if isinstance(quantity, xr.DataArray) else quantity.magnitude
        p = price if isinstance(price, xr.DataArray) else price.magnitude
        return (q * p * factor).assign_attrs(units="CNY")
    return ureg.Quantity(quantity.magnitude * price.magnitude * factor, "CNY")


#: physical quantity reported for each product group: the products counted in this unit
GROUP_UNITS = {"agriculture": "t", "forestry": "m ** 3", "livestock": "t", "fishery": "t"}


def _products(ctx: Context, group: str) -> Result:
    items = ctx.items_with_prefix(f"output.{group}.")
    reported = f"output_value.{group}"
    if not items and not ctx.has(reported):
        raise NotAssessed(f"inventory has no output.{group}.* nor {reported}")
    values = []
    names = []
    mass = []
    notes = []
    for item in items:
        product = item.split(".", 2)[2]
        price = ctx.coef(f"material.{group}.price.{product}")
        v = market_value(ctx.item(item), price)
        values.append(v)
        names.append(product)
        q = ctx.item(item)
        if (
            parse_unit(q.attrs["units"]).dimensionality
            == parse_unit(GROUP_UNITS[group]).dimensionality
        ):
            mass.append(q)
    if ctx.has(reported):
        values.append(ctx.item(reported).assign_attrs(units="CNY"))
        names.append("reported_output_value")
        notes.append(
            f"includes reported output value ({reported}) for products not listed by quantity"
        )
    comp_value = stack(values, names)
    value = family_sum(comp_value).assign_attrs(units="CNY")
    if mass:
        physical = family_sum(stack(mass, range(len(mass)))).assign_attrs(units=GROUP_UNITS[group])
        notes.append(f"physical quantity = products counted in {GROUP_UNITS[group]}")
    else:
        physical = xr.full_like(value, float("nan")).assign_attrs(units=GROUP_UNITS[group])
    components = xr.Dataset({"value": comp_value.assign_attrs(units="CNY")})
    return Result(physical=physical, value=value, components=components, notes=notes)


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
            coefficients=(f"material.{_group}.price.<product>",),
            compute=partial(_products, group=_group),  # partial, not lambda: accounts must pickle
            deflator="price_index.cpi",
        )
    )


def _water_supply(ctx: Context) -> Result:
    uses = ctx.items_with_prefix("water_use.")
    if not uses:
        raise NotAssessed("inventory has no water_use.*")
    values, quantities, names = [], [], []
    for item in uses:
        use = item.split(".", 1)[1]
        values.append(market_value(ctx.item(item), ctx.coef(f"material.water_supply.price.{use}")))
        quantities.append(ctx.item(item))
        names.append(use)
    comp_value = stack(values, names)
    comp_q = stack(quantities, names)
    return Result(
        physical=family_sum(comp_q).assign_attrs(units="m ** 3"),
        value=family_sum(comp_value).assign_attrs(units="CNY"),
        components=xr.Dataset(
            {
                "value": comp_value.assign_attrs(units="CNY"),
                "physical": comp_q.assign_attrs(units="m ** 3"),
            }
        ),
    )


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
        compute=_water_supply,
        deflator="price_index.cpi",
        notes="Overlaps with water conservation if both are read as 'water'; reported separately.",
    )
)


def _hydropower(ctx: Context) -> Result:
    q = ctx.item("hydropower.generation")
    price = ctx.coef("material.hydropower.price")
    return Result(physical=q.assign_attrs(units="kWh"), value=market_value(q, price))


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
        compute=_hydropower,
        deflator="price_index.cpi",
    )
)
