"""Cultural services (文化服务): recreation and landscape premium.

References
----------
.. [1] 白玛卓嘎, 肖燚, 欧阳志云, 王莉雁. 甘孜藏族自治州生态系统生产总值核算研究. 生态学报,
   2017, 37(19): 6302–6312, §2.4.10 (travel-cost method).
.. [2] 国家发展改革委, 国家统计局. 生态产品总值核算规范（试行）, 发改基础〔2022〕481号, 2022.
.. [3] 深圳市2020年度GEP核算结果 (自然景观溢价, hedonic pricing), 2021.
"""

from __future__ import annotations

from ..errors import InputError, Problem
from .base import (
    Context,
    Indicator,
    PriceValuation,
    Quantities,
    Valuation,
    declare_units,
    register,
    with_units,
)

RECREATION_METHODS = ("travel_cost", "spending")


@declare_units("CNY", visitors="visit", travel_cost="CNY / visit")
def travel_cost_value(visitors, travel_cost):
    """Recreation value by the travel-cost method.

    Parameters
    ----------
    visitors : Person-trips to nature-based sites N_j [visit].
    travel_cost : Travel cost per trip TC_j = time cost + direct spending [CNY visit⁻¹].

    Notes
    -----
    .. math:: V_r = \\sum_j N_j \\, TC_j

    References
    ----------
    [1] §2.4.10.
    """
    return visitors * travel_cost


@declare_units("CNY", floor_area="m ** 2", premium="CNY / m ** 2")
def hedonic_premium_value(floor_area, premium):
    """Landscape premium by hedonic pricing, :math:`V_l = A_l \\times P_l` [CNY]; [3]."""
    return floor_area * premium


def _recreation(ctx: Context) -> Quantities:
    method = ctx.options.get("recreation_method", "travel_cost")
    if method not in RECREATION_METHODS:
        raise InputError(
            Problem("options", f"recreation_method must be one of {', '.join(RECREATION_METHODS)}")
        )
    return Quantities(with_units(ctx.item("visitors"), "visit"), "visit")


def _recreation_value(ctx: Context, q: Quantities) -> Valuation:
    if ctx.options.get("recreation_method", "travel_cost") == "spending":
        return Valuation(
            value=with_units(ctx.item("tourism.revenue"), "CNY"),
            notes=["valued at reported tourism spending"],
        )
    price = ctx.coef("cultural.recreation.travel_cost")
    return Valuation(
        value=travel_cost_value(with_units(q.total, q.unit), price),
        price=price,
        notes=["travel-cost method"],
    )


register(
    Indicator(
        id="cultural.recreation",
        category="cultural",
        zh="休闲旅游（旅游康养）",
        en="Recreation and tourism",
        physical_unit="visit",
        method="travel cost (or reported tourism spending)",
        method_zh="旅行费用法",
        reference="[1] §2.4.10; [2]",
        items=("visitors", "tourism.revenue"),
        coefficients=("cultural.recreation.travel_cost",),
        quantify=_recreation,
        valuate=_recreation_value,
        deflator="price_index.cpi",
    ),
    formulas=(travel_cost_value,),
)


def _landscape(ctx: Context) -> Quantities:
    return Quantities(with_units(ctx.item("landscape.premium_area"), "m ** 2"), "m ** 2")


register(
    Indicator(
        id="cultural.landscape",
        category="cultural",
        zh="景观价值",
        en="Landscape premium",
        physical_unit="m ** 2",
        method="hedonic pricing (floor area × premium)",
        method_zh="享乐价格法",
        reference="[2] (unverified); [3]",
        items=("landscape.premium_area",),
        coefficients=("cultural.landscape.premium",),
        quantify=_landscape,
        valuate=PriceValuation("cultural.landscape.premium", hedonic_premium_value),
        deflator="price_index.cpi",
    ),
    formulas=(hedonic_premium_value,),
)
