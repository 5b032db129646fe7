"""Cultural services (文化服务): recreation and landscape premium.

References
----------
.. [1] 白玛卓嘎, 肖燚, 欧阳志云, 王莉雁. 甘孜藏族自治州生态系统生产总值核算研究. 生态学报,
   2017, 37(19): 6302–6312, §2.4.10 (travel-cost method).
.. [2] 国家发展改革委, 国家统计局. 生态产品总值核算规范（试行）, 发改基础〔2022〕481号, 2022.
.. [3] 深圳市2020年度GEP核算结果 (自然景观溢价, hedonic pricing), 2021.
.. [4] Contingent valuation (条件价值法) of non-use (existence) value: stated willingness to pay
   of surveyed groups extended to their populations. Not part of the national method family as
   far as known (gep_indicators.md §3 lists no non-use value) [U]; optional, off by default.
"""

from __future__ import annotations

import xarray as xr

from ..errors import InputError, Problem
from .base import (
    CoefRef,
    Indicator,
    ItemFamilyRef,
    ItemRef,
    NotAssessed,
    Quantities,
    Scope,
    Valuation,
    coef_ref,
    declare_units,
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


@inputs(visitors=item("visitors", "visit"))
def _recreation(scope: Scope, visitors: xr.Variable) -> Quantities:
    method = scope.options.get("recreation_method", "travel_cost")
    if method not in RECREATION_METHODS:
        raise InputError(
            Problem("options", f"recreation_method must be one of {', '.join(RECREATION_METHODS)}")
        )
    return Quantities(with_units(visitors, "visit"), "visit")


@inputs(
    # read under recreation_method=spending only (not assessed there when absent)
    revenue=item_ref("tourism.revenue", "CNY", required=False),
    travel_cost=coef_ref("cultural.recreation.travel_cost", "CNY / visit"),
)
def _recreation_value(
    scope: Scope, q: Quantities, revenue: ItemRef, travel_cost: CoefRef
) -> Valuation:
    if scope.options.get("recreation_method", "travel_cost") == "spending":
        return Valuation(
            value=with_units(revenue.get(), "CNY"),
            notes=["valued at reported tourism spending"],
        )
    price = travel_cost.get()
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
        quantify=_recreation,
        valuate=_recreation_value,
        deflator="price_index.cpi",
    ),
    formulas=(travel_cost_value,),
)


@inputs(premium_area=item("landscape.premium_area", "m ** 2"))
def _landscape(premium_area: xr.Variable) -> Quantities:
    return Quantities(with_units(premium_area, "m ** 2"), "m ** 2")


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
        quantify=_landscape,
        valuate=price_valuation(
            "cultural.landscape.premium", hedonic_premium_value, "CNY / m ** 2"
        ),
        deflator="price_index.cpi",
    ),
    formulas=(hedonic_premium_value,),
)


# -------------------------------------------------------------------------- existence value
MONTHS_PER_YEAR = 12.0


@declare_units("person", willing_share="dimensionless", population="person")
def willing_payers(willing_share, population):
    """People of a group willing to pay, :math:`N_g s_g` [person]."""
    return willing_share * population


@declare_units("CNY", wtp="CNY / month", payers="person")
def contingent_valuation_value(wtp, payers):
    """Non-use (existence) value of one group by contingent valuation.

    Parameters
    ----------
    wtp : Mean willingness to pay of the group's respondents who are willing to pay
        WTP_g [CNY month⁻¹].
    payers : People of the group willing to pay, s_g N_g [person] (share willing × group
        population, :func:`willing_payers`).

    Returns
    -------
    Value for the year [CNY a⁻¹].

    Notes
    -----
    .. math:: V = \\sum_g WTP_g \\times 12 \\times s_g \\times N_g

    12 months a year; e.g. 20 CNY/month × 12 × 0.4 × 100,000 people = 9.6 × 10⁶ CNY.

    References
    ----------
    [4]
    """
    return wtp * MONTHS_PER_YEAR * payers


def _existence_groups(*families: ItemFamilyRef) -> list[str]:
    found = {f.prefix: set(f.members()) for f in families}
    prefixes = tuple(found)
    groups = set().union(*found.values())
    if not groups:
        raise NotAssessed("inventory has no existence.population.* / wtp.* / willing_share.*")
    incomplete = sorted(g for g in groups if not all(g in found[p] for p in prefixes))
    if incomplete:
        raise InputError(
            Problem(
                "inventory",
                "contingent-valuation group(s) "
                + ", ".join(incomplete)
                + " need all of existence.population.<group>, existence.wtp.<group> and "
                "existence.willing_share.<group>",
                field="item",
            )
        )
    return sorted(groups)


#: the three item families of the contingent-valuation groups (one member per group)
_POPULATION = item_family("existence.population.", "person")
_WTP = item_family("existence.wtp.", "CNY / month")
_WILLING = item_family("existence.willing_share.", "dimensionless")


@inputs(population=_POPULATION, wtp=_WTP, willing_share=_WILLING)
def _existence(
    population: ItemFamilyRef, wtp: ItemFamilyRef, willing_share: ItemFamilyRef
) -> Quantities:
    parts = {
        g: willing_payers(willing_share.get(g), population.get(g))
        for g in _existence_groups(population, wtp, willing_share)
    }
    total = family_sum(stack(list(parts.values()), list(parts)))
    return Quantities(total, "person", parts=parts, parts_unit="person")


@inputs(population=_POPULATION, wtp=_WTP, willing_share=_WILLING)
def _existence_value(
    q: Quantities, population: ItemFamilyRef, wtp: ItemFamilyRef, willing_share: ItemFamilyRef
) -> Valuation:
    groups = _existence_groups(population, wtp, willing_share)
    values = {
        g: contingent_valuation_value(
            wtp.get(g),
            with_units(q.parts[g], "person") if g in q.parts else None,
        )
        for g in groups
        if g in q.parts
    }
    if q.route == "formula" and values:
        value = family_sum(stack(list(values.values()), list(values)))
        return Valuation(value=value, parts=values)
    # a supplied number of payers: valued at the payers-weighted mean yearly WTP of the groups
    payers = {g: willing_payers(willing_share.get(g), population.get(g)) for g in groups}
    money = family_sum(
        stack([contingent_valuation_value(wtp.get(g), payers[g]) for g in groups], groups)
    )
    people = family_sum(stack(list(payers.values()), groups))
    price = with_units(money / people, "CNY / person")
    return Valuation(
        value=with_units(with_units(q.total, "person") * price, "CNY"),
        price=price,
        notes=["supplied payers valued at the payers-weighted mean yearly WTP of the groups"],
    )


register(
    Indicator(
        id="cultural.existence_value",
        category="cultural",
        zh="存在价值（非使用价值）",
        en="Existence (non-use) value",
        physical_unit="person",
        method="contingent valuation: WTP × 12 × share willing × population, per group",
        method_zh="条件价值法（支付意愿）",
        reference="[4]",
        quantify=_existence,
        valuate=_existence_value,
        default=False,
        deflator="price_index.cpi",
        notes="Optional, off by default in every profile: stated-preference (welfare) value, "
        "outside SEEA exchange values and not in the national method family as far as known.",
    ),
    formulas=(willing_payers, contingent_valuation_value),
)
