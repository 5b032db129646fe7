"""Regulating services (调节服务): formulas and their indicator records.

Every formula is the equation of the Ouyang-group method as printed in [1] unless noted; the
national specification [2] is believed to use the same family (its body is unchecked, see
``gep_indicators.md`` §0), so no value here is labelled a standard's value.

References
----------
.. [1] 白玛卓嘎, 肖燚, 欧阳志云, 王莉雁. 甘孜藏族自治州生态系统生产总值核算研究. 生态学报,
   2017, 37(19): 6302–6312, §2.4 (eqs. for 水源涵养, 土壤保持, 防风固沙, 洪水调蓄, 大气净化,
   水质净化, 固碳释氧, 气候调节, 病虫害控制).
.. [2] 国家发展改革委, 国家统计局. 生态产品总值核算规范（试行）, 发改基础〔2022〕481号, 2022.
.. [3] 博文静 等. 中国森林生态资产价值评估. 生态学报, 2017, 37(12): 4182–4190 (EER = 3.0).
.. [4] 陈召亚 等. 黄骅市土壤保持价值年内动态特征. 中国生态农业学报, 2017 (λ = 0.24).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..catalog import ecosystems_in
from .base import (
    CoefFamilyRef,
    CoefRef,
    Component,
    Indicator,
    ItemFamilyRef,
    ItemRef,
    ModuleRef,
    NotAssessed,
    Quantities,
    Scope,
    Step,
    Valuation,
    coef,
    coef_family,
    coef_ref,
    computed,
    counted_ecosystems,
    declare_units,
    family_sum,
    inputs,
    item,
    item_family,
    item_ref,
    module,
    positive_part,
    price_valuation,
    pure_factors,
    register,
    split,
    stack,
    sum_over,
    weighted_sum_over,
    with_units,
)

#: ecosystems whose water retention is counted by default: the natural ecosystems (a project
#: choice; [1] §2.4.1 sums over every ecosystem type) — the coefficient
#: regulating.water_conservation.ecosystems sets it per coefficient set
WATER_CONSERVATION_ECOSYSTEMS = ("forest", "shrub", "grassland", "wetland")
#: ecosystems over which erosion control is counted (all land that can erode)
SOIL_ECOSYSTEMS = ("forest", "shrub", "grassland", "wetland", "farmland", "garden", "bare")


# -------------------------------------------------------------------------- water conservation
@declare_units("m ** 3", precipitation="mm", runoff="mm", evapotranspiration="mm", area="hectare")
def water_balance_retention(precipitation, runoff, evapotranspiration, area):
    """Water retained by an ecosystem, water-balance method.

    Parameters
    ----------
    precipitation : Annual precipitation P [mm].
    runoff : Storm (surface) runoff R [mm].
    evapotranspiration : Actual evapotranspiration ET [mm].
    area : Ecosystem area A [ha].

    Returns
    -------
    Retained water Q_wr [m³ a⁻¹].

    Notes
    -----
    .. math:: Q_{wr} = \\max(P - R - ET, 0) \\times A \\times 10

    (1 mm over 1 ha = 10 m³). A negative balance retains nothing rather than a negative
    service.

    References
    ----------
    [1] §2.4.1, eq. for 水源涵养量.
    """
    return positive_part(precipitation - runoff - evapotranspiration) * area * 10.0


@declare_units("CNY", volume="m ** 3", unit_cost="CNY / m ** 3")
def shadow_project_value(volume, unit_cost):
    """Shadow-project (影子工程法) value of a water volume, :math:`V = Q \\times P_w`.

    Parameters
    ----------
    volume : Water retained or stored [m³].
    unit_cost : Reservoir construction cost per m³ of storage [CNY m⁻³].

    References
    ----------
    [1] §2.4.1 and §2.4.4.
    """
    return volume * unit_cost


@inputs(
    precipitation=item("precipitation", "mm"),
    runoff=item_ref("runoff", "mm", ("ecosystem",)),
    evapotranspiration=item_ref("evapotranspiration", "mm", ("ecosystem",)),
    area=item_ref("area", "hectare", ("ecosystem",)),
    counted=coef_ref("regulating.water_conservation.ecosystems", "dimensionless", convert=True),
)
def _water_conservation(
    scope: Scope,
    precipitation: xr.Variable,
    runoff: ItemRef,
    evapotranspiration: ItemRef,
    area: ItemRef,
    counted: CoefRef,
) -> Quantities:
    ecos, w = counted_ecosystems(counted, scope.ecosystems())
    if not ecos:
        raise NotAssessed(
            "no ecosystem of the inventory is counted (water_conservation.ecosystems)"
        )
    a = with_units(area.at(ecos) * w, "hectare")
    q = water_balance_retention(precipitation, runoff.at(ecos), evapotranspiration.at(ecos), a)
    physical = weighted_sum_over("ecosystem", q, a > 0)
    return Quantities(physical, "m ** 3", parts=split(q, "ecosystem", ecos), parts_unit="m ** 3")


register(
    Indicator(
        id="regulating.water_conservation",
        category="regulating",
        zh="水源涵养",
        en="Water conservation",
        physical_unit="m ** 3",
        method="water balance; shadow project (reservoir cost)",
        method_zh="水量平衡法；影子工程法",
        reference="[1] §2.4.1; [2]",
        quantify=_water_conservation,
        valuate=price_valuation(
            "regulating.water_conservation.reservoir_cost", shadow_project_value, "CNY / m ** 3"
        ),
        components=(
            Component(
                "<ecosystem>",
                "各生态系统",
                "each ecosystem",
                "m ** 3",
                WATER_CONSERVATION_ECOSYSTEMS,
            ),
        ),
        deflator="price_index.construction",
        notes="Counted over the ecosystems of regulating.water_conservation.ecosystems "
        "(forest, shrub, grassland and wetland by default).",
    ),
    formulas=(water_balance_retention, shadow_project_value),
)


# -------------------------------------------------------------------------- soil conservation
@declare_units(
    "t",
    r="MJ * mm / (hectare * hour * year)",
    k="t * hectare * hour / (hectare * MJ * mm)",
    ls="dimensionless",
    c="dimensionless",
    p="dimensionless",
    area="hectare",
)
def rusle_soil_retention(r, k, ls, c, p, area):
    """Soil retained: potential minus actual erosion (RUSLE).

    Parameters
    ----------
    r : Rainfall erosivity R [MJ mm ha⁻¹ h⁻¹ a⁻¹].
    k : Soil erodibility K [t ha h ha⁻¹ MJ⁻¹ mm⁻¹].
    ls : Slope length-steepness factor LS [–].
    c : Cover-management factor C [–].
    p : Support-practice factor P [–].
    area : Ecosystem area [ha].

    Returns
    -------
    Soil retained Q_sr [t a⁻¹].

    Notes
    -----
    .. math:: Q_{sr} = R \\cdot K \\cdot LS \\cdot (1 - C \\cdot P) \\cdot A

    i.e. :math:`A_p - A_a` with :math:`A_p = R K LS` and :math:`A_a = R K LS C P`.

    References
    ----------
    [1] §2.4.2.
    """
    return r * k * ls * positive_part(1.0 - c * p) * area


@declare_units(
    "CNY",
    retained="t",
    sediment_ratio="dimensionless",
    bulk_density="t / m ** 3",
    dredging_cost="CNY / m ** 3",
)
def sediment_reduction_value(retained, sediment_ratio, bulk_density, dredging_cost):
    """Avoided sedimentation (减少泥沙淤积) value, replacement cost.

    Notes
    -----
    .. math:: V_{sd} = \\lambda \\times \\frac{Q_{sr}}{\\rho} \\times c

    Parameters
    ----------
    retained : Soil retained Q_sr [t].
    sediment_ratio : Share of eroded soil deposited in water bodies λ [–].
    bulk_density : Soil bulk density ρ [t m⁻³].
    dredging_cost : Dredging cost c [CNY m⁻³].

    References
    ----------
    [1] §2.4.2; λ = 0.24 from [1] and [4].
    """
    return sediment_ratio * retained / bulk_density * dredging_cost


@declare_units(
    "CNY",
    retained="t",
    n_content="dimensionless",
    p_content="dimensionless",
    n_price="CNY / t",
    p_price="CNY / t",
)
def nutrient_retention_value(retained, n_content, p_content, n_price, p_price):
    """Avoided non-point N and P pollution (减少面源污染) value.

    Notes
    -----
    .. math:: V_{np} = Q_{sr} (C_N P_N + C_P P_P)

    Parameters
    ----------
    retained : Soil retained Q_sr [t].
    n_content, p_content : Mass fractions of N and P in soil [–].
    n_price, p_price : Removal cost of N and P [CNY t⁻¹].

    References
    ----------
    [1] §2.4.2.
    """
    return retained * (n_content * n_price + p_content * p_price)


@inputs(
    r=item("rusle.r", "MJ * mm / (hectare * hour * year)"),
    k=item("rusle.k", "t * hectare * hour / (hectare * MJ * mm)"),
    ls=item_ref("rusle.ls", "dimensionless", ("ecosystem",)),
    c=item_ref("rusle.c", "dimensionless", ("ecosystem",)),
    p=item_ref("rusle.p", "dimensionless", ("ecosystem",)),
    area=item_ref("area", "hectare", ("ecosystem",)),
    counted=coef_ref("regulating.soil_conservation.ecosystems", "dimensionless", convert=True),
)
def _soil_conservation(
    scope: Scope,
    r: xr.Variable,
    k: xr.Variable,
    ls: ItemRef,
    c: ItemRef,
    p: ItemRef,
    area: ItemRef,
    counted: CoefRef,
) -> Quantities:
    ecos, w = counted_ecosystems(counted, scope.ecosystems())
    if not ecos:
        raise NotAssessed("no ecosystem of the inventory is counted (soil_conservation.ecosystems)")
    a = with_units(area.at(ecos) * w, "hectare")
    q = rusle_soil_retention(r, k, ls.at(ecos), c.at(ecos), p.at(ecos), a)
    return Quantities(weighted_sum_over("ecosystem", q, a > 0), "t")


_SOIL = "regulating.soil_conservation."


@inputs(
    sediment_ratio=coef(_SOIL + "sediment_ratio", "dimensionless"),
    bulk_density=coef(_SOIL + "bulk_density", "t / m ** 3"),
    dredging_cost=coef(_SOIL + "dredging_cost", "CNY / m ** 3"),
    n_content=coef(_SOIL + "nitrogen_content", "dimensionless"),
    p_content=coef(_SOIL + "phosphorus_content", "dimensionless"),
    n_price=coef(_SOIL + "nitrogen_price", "CNY / t"),
    p_price=coef(_SOIL + "phosphorus_price", "CNY / t"),
)
def _soil_value(
    q: Quantities,
    sediment_ratio: xr.Variable,
    bulk_density: xr.Variable,
    dredging_cost: xr.Variable,
    n_content: xr.Variable,
    p_content: xr.Variable,
    n_price: xr.Variable,
    p_price: xr.Variable,
) -> Valuation:
    physical = with_units(q.total, q.unit)
    v_sd = sediment_reduction_value(physical, sediment_ratio, bulk_density, dredging_cost)
    v_np = nutrient_retention_value(physical, n_content, p_content, n_price, p_price)
    return Valuation(value=v_sd + v_np, parts={"sediment": v_sd, "nutrients": v_np})


register(
    Indicator(
        id="regulating.soil_conservation",
        category="regulating",
        zh="土壤保持",
        en="Soil conservation",
        physical_unit="t",
        method="RUSLE; replacement cost (dredging + N/P removal)",
        method_zh="修正通用土壤流失方程；替代成本法",
        reference="[1] §2.4.2; [2]; [4]",
        quantify=_soil_conservation,
        valuate=_soil_value,
        components=(
            Component("sediment", "减少泥沙淤积", "avoided sedimentation", "CNY"),
            Component("nutrients", "减少面源污染", "avoided N/P pollution", "CNY"),
        ),
        deflator="price_index.construction",
    ),
    formulas=(rusle_soil_retention, sediment_reduction_value, nutrient_retention_value),
)


# -------------------------------------------------------------------------- sand fixation
@declare_units(
    "CNY", fixed="t", bulk_density="t / m ** 3", cover_depth="m", control_cost="CNY / m ** 2"
)
def sand_fixation_value(fixed, bulk_density, cover_depth, control_cost):
    """Sand-fixation value, replacement cost of desertification control.

    Notes
    -----
    .. math:: V_{sf} = \\frac{Q_{sf}}{\\rho_s h} c_s

    Parameters
    ----------
    fixed : Sand fixed Q_sf (RWEQ potential − actual) [t].
    bulk_density : Sand bulk density ρ_s [t m⁻³].
    cover_depth : Standard sand-cover depth h [m].
    control_cost : Desertification control cost c_s [CNY m⁻²].

    References
    ----------
    [1] §2.4.3.
    """
    return fixed / (bulk_density * cover_depth) * control_cost


@inputs(fixed=item("sand.fixation", "t"))
def _sand_fixation(fixed: xr.Variable) -> Quantities:
    return Quantities(with_units(fixed, "t"), "t")


@inputs(
    bulk_density=coef("regulating.sand_fixation.sand_bulk_density", "t / m ** 3"),
    cover_depth=coef("regulating.sand_fixation.cover_depth", "m"),
    control_cost=coef("regulating.sand_fixation.control_cost", "CNY / m ** 2"),
)
def _sand_value(
    q: Quantities, bulk_density: xr.Variable, cover_depth: xr.Variable, control_cost: xr.Variable
) -> Valuation:
    v = sand_fixation_value(with_units(q.total, q.unit), bulk_density, cover_depth, control_cost)
    return Valuation(value=v)


register(
    Indicator(
        id="regulating.sand_fixation",
        category="regulating",
        zh="防风固沙",
        en="Sand fixation",
        physical_unit="t",
        method="RWEQ (external); replacement cost",
        method_zh="修正风蚀方程；替代成本法",
        reference="[1] §2.4.3",
        quantify=_sand_fixation,
        valuate=_sand_value,
        deflator="price_index.construction",
        notes=(
            "Expected ≈ 0 in humid subtropical mountains; not assessed when the inventory has no "
            "sand.fixation."
        ),
    ),
    formulas=(sand_fixation_value,),
)


# -------------------------------------------------------------------------- flood regulation
@declare_units("m ** 3", capacity="m ** 3", flood_share="dimensionless")
def reservoir_flood_storage(capacity, flood_share):
    """Reservoir flood storage from total capacity, :math:`C_r = 0.35 \\, C_t`.

    Parameters
    ----------
    capacity : Total reservoir capacity C_t [m³].
    flood_share : Flood-storage share of total capacity [–] (0.35 in [1]).

    References
    ----------
    [1] §2.4.4.
    """
    return capacity * flood_share


@declare_units("m ** 3", wetland_area="hectare", retention_depth="m", marsh_share="dimensionless")
def marsh_flood_storage(wetland_area, retention_depth, marsh_share=1.0):
    """Marsh flood storage, :math:`C_m = d \\times s \\times S_w`.

    Parameters
    ----------
    wetland_area : Wetland area S_w [ha].
    retention_depth : Surface-retention depth d [m] (0.3 m in [1]).
    marsh_share : Share of the wetland area that is marsh s [–] (1 counts all wetland as
        marsh).

    Returns
    -------
    Marsh flood storage C_m [m³].

    Notes
    -----
    .. math:: C_m = d \\, s \\, S_w

    [1] prints :math:`C_m = 0.3 \\cdot S \\cdot 10^6` with S (marsh area) in km², i.e. m³;
    units are normalised here (1 ha × 1 m = 10⁴ m³).

    References
    ----------
    [1] §2.4.4.
    """
    return wetland_area * marsh_share * retention_depth * 1.0e4


#: level-1 classes whose area holds marshes (the share that is marsh is a coefficient)
MARSH_ECOSYSTEMS = ("wetland",)


@inputs(
    capacity=item_ref("reservoir.capacity", "m ** 3", required=False),
    area=item_ref("area", "hectare", ("ecosystem",)),
    flood_capacity=item_ref("reservoir.flood_capacity", "m ** 3", required=False),
    lake_storage=item_ref("lake.flood_storage", "m ** 3", required=False),
    flood_share=coef_ref("regulating.flood_regulation.reservoir_flood_share", "dimensionless"),
    retention_depth=coef_ref("regulating.flood_regulation.marsh_retention_depth", "m"),
    marsh_share=coef_ref("regulating.flood_regulation.marsh_share", "dimensionless"),
)
def _flood_regulation(
    scope: Scope,
    capacity: ItemRef,
    area: ItemRef,
    flood_capacity: ItemRef,
    lake_storage: ItemRef,
    flood_share: CoefRef,
    retention_depth: CoefRef,
    marsh_share: CoefRef,
) -> Quantities:
    notes = []
    parts = {}
    if flood_capacity.present:
        reported = flood_capacity.get()
        estimated = (
            reservoir_flood_storage(capacity.get(), flood_share.get())
            if capacity.present
            else reported * float("nan")
        )
        parts["reservoirs"] = reported.where(reported.notnull(), estimated)
        notes.append("reservoir flood-control capacity used where reported")
    elif capacity.present:
        parts["reservoirs"] = reservoir_flood_storage(capacity.get(), flood_share.get())
    else:
        notes.append("reservoir term not included (no reservoir rows in the inventory)")
    wet = ecosystems_in(MARSH_ECOSYSTEMS, scope.ecosystems())
    if wet:
        wet_area = area.at(wet)
        parts["marshes"] = marsh_flood_storage(
            with_units(wet_area.sum("ecosystem", skipna=False), wet_area.attrs["units"]),
            retention_depth.get(),
            marsh_share.get(),
        )
    if lake_storage.present:
        parts["lakes"] = lake_storage.get()
    else:
        notes.append("lake term not included (no lake.flood_storage in the inventory)")
    if not parts:
        raise NotAssessed(
            "inventory has no reservoir.capacity, reservoir.flood_capacity, wetland area "
            "nor lake.flood_storage"
        )
    total = stack(list(parts.values()), list(parts)).sum("component", skipna=False)
    return Quantities(total, "m ** 3", parts=parts, parts_unit="m ** 3", notes=notes)


register(
    Indicator(
        id="regulating.flood_regulation",
        category="regulating",
        zh="洪水调蓄",
        en="Flood regulation",
        physical_unit="m ** 3",
        method="storage capacity (reservoirs, marshes, lakes); shadow project",
        method_zh="调蓄能力法；影子工程法",
        reference="[1] §2.4.4; [2]",
        quantify=_flood_regulation,
        valuate=price_valuation(
            "regulating.water_conservation.reservoir_cost", shadow_project_value, "CNY / m ** 3"
        ),
        components=(
            Component("reservoirs", "水库", "reservoirs", "m ** 3"),
            Component("marshes", "沼泽", "marshes", "m ** 3", ("wetland",)),
            Component("lakes", "湖泊", "lakes", "m ** 3", ("water", "wetland")),
        ),
        deflator="price_index.construction",
    ),
    formulas=(reservoir_flood_storage, marsh_flood_storage, shadow_project_value),
)


# -------------------------------------------------------------------------- purification
PURIFICATION_RULES = ("emission", "capacity", "min")


@declare_units("t", emission="t", capacity="t")
def purified_amount(emission, capacity=None, rule="emission"):
    """Pollutant amount credited to ecosystems under the emission-vs-capacity rule.

    Parameters
    ----------
    emission : Pollutant emitted or entering water bodies [t].
    capacity : Ecosystem purification capacity, Σ uptake rate × area [t]; needed for rules
        ``capacity`` and ``min``.
    rule : ``emission`` — the emitted amount is purified ([1] takes regional emission totals);
        ``capacity`` — the capacity; ``min`` — emissions, but never more than the capacity.

    Returns
    -------
    Purified amount [t].
    """
    if rule == "emission":
        return emission * 1.0
    if capacity is None:
        raise ValueError(f"purification rule '{rule}' needs a capacity")
    if rule == "capacity":
        return capacity * 1.0
    if rule == "min":
        return (
            xr.where(emission < capacity, emission, capacity)
            if isinstance(emission, xr.DataArray | xr.Variable)
            else min(emission, capacity)
        )
    raise ValueError(f"unknown purification rule {rule!r}; use one of {PURIFICATION_RULES}")


@declare_units("CNY", amount="t", unit_cost="CNY / t")
def abatement_cost_value(amount, unit_cost):
    """Replacement (abatement/treatment) cost value, :math:`V = \\sum_j Q_j c_j`.

    Parameters
    ----------
    amount : Pollutant purified Q_j [t].
    unit_cost : Treatment cost c_j [CNY t⁻¹].

    References
    ----------
    [1] §2.4.5–2.4.6.
    """
    return amount * unit_cost


def _purification(
    scope: Scope,
    kind: str,
    emissions: ItemFamilyRef,
    area: ItemRef,
    capacities: CoefFamilyRef,
) -> Quantities:
    options = scope.options
    rule = options.get(f"{kind}_rule", options.get("purification_rule", "emission"))
    if rule not in PURIFICATION_RULES:
        from ..errors import InputError, Problem

        raise InputError(
            Problem(
                "options",
                f"{kind}_rule must be one of {', '.join(PURIFICATION_RULES)}, not {rule!r}",
            )
        )
    present = emissions.members()
    if not present:
        pollutants = _POLLUTANTS[kind]
        raise NotAssessed(f"inventory has no emission.{{{','.join(pollutants)}}}")
    amounts = {}
    area_all = area.get() if rule != "emission" else None
    for pol in present:
        emission = emissions.get(pol)
        capacity = None
        if rule != "emission":
            rate = capacities.get(pol, keys=scope.ecosystems())
            capacity = with_units((rate * area_all).sum("ecosystem", skipna=False), "t")
        amounts[pol] = purified_amount(emission, capacity, rule=rule)
    total = family_sum(stack(list(amounts.values()), present))
    return Quantities(total, "t", parts=amounts, parts_unit="t", notes=[f"rule: {rule}"])


#: pollutants each purification indicator counts (its ``emission.<pollutant>`` items)
_POLLUTANTS = {
    "air_purification": ("so2", "nox", "dust"),
    "water_purification": ("cod", "nh3n", "tn", "tp"),
}


def _abatement_value(q: Quantities, costs: CoefFamilyRef) -> Valuation:
    values = {
        pol: abatement_cost_value(with_units(amount, "t"), costs.get(pol))
        for pol, amount in q.parts.items()
    }
    return Valuation(value=family_sum(stack(list(values.values()), list(values))), parts=values)


def _purification_steps(kind: str) -> tuple[Step, Step]:
    """The quantify and valuate steps of one purification indicator (air or water)."""
    quantify = Step(
        _purification,
        kind=kind,
        emissions=item_family("emission.", "t", members=_POLLUTANTS[kind]),
        # read under the capacity rules only (capacity = Σ uptake rate × area)
        area=item_ref("area", "hectare", ("ecosystem",), required=False),
        capacities=coef_family(
            f"regulating.{kind}.capacity.<pollutant>", "t / hectare / year", convert=True
        ),
    )
    valuate = Step(_abatement_value, costs=coef_family(f"regulating.{kind}.cost.<pollutant>"))
    return quantify, valuate


_AIR = _purification_steps("air_purification")
_WATER = _purification_steps("water_purification")


register(
    Indicator(
        id="regulating.air_purification",
        category="regulating",
        zh="空气净化",
        en="Air purification",
        physical_unit="t",
        method="pollutant purified (emission/capacity rule); abatement cost",
        method_zh="污染物净化量；替代成本法",
        reference="[1] §2.4.5; [2]",
        quantify=_AIR[0],
        valuate=_AIR[1],
        components=(
            Component("<pollutant>", "各污染物", "each pollutant", "t", ("so2", "nox", "dust")),
        ),
        deflator="price_index.construction",
    ),
    formulas=(purified_amount, abatement_cost_value),
)
register(
    Indicator(
        id="regulating.water_purification",
        category="regulating",
        zh="水质净化",
        en="Water purification",
        physical_unit="t",
        method="pollutant purified (emission/capacity rule); treatment cost",
        method_zh="污染物净化量；替代成本法",
        reference="[1] §2.4.6; [2]",
        quantify=_WATER[0],
        valuate=_WATER[1],
        components=(
            Component(
                "<pollutant>", "各污染物", "each pollutant", "t", ("cod", "nh3n", "tn", "tp")
            ),
        ),
        deflator="price_index.construction",
    ),
    formulas=(purified_amount, abatement_cost_value),
)


# -------------------------------------------------------------------------- carbon & oxygen
#: level-1 classes with vegetation (carbon fixed, transpiration)
VEGETATION = ("forest", "shrub", "grassland", "wetland", "farmland", "garden")


@pure_factors("rate", "area")
@declare_units("tCO2e", rate="tCO2e / hectare / year", area="hectare")
def sequestration_rate_method(rate, area):
    """Carbon fixed, per-area sequestration-rate method, :math:`Q = \\sum_i r_i A_i`.

    Parameters
    ----------
    rate : Net CO₂ sequestration rate of the ecosystem r_i [tCO₂e ha⁻¹ a⁻¹].
    area : Ecosystem area A_i [ha].

    Returns
    -------
    CO₂ fixed in the year [tCO₂e].

    References
    ----------
    [2] (固碳 / 固定二氧化碳; GB/T 46869—2025 Appendix A.7 lists this method beside NEP and
    biomass stock change, as quoted second-hand).
    """
    return rate * area


@declare_units("CNY", co2="tCO2e", price="CNY / tCO2e")
def carbon_value(co2, price):
    """Value of CO₂ fixed, :math:`V_{cf} = Q_{CO_2} \\times P_c` [CNY]."""
    return co2 * price


def _forest_sink_module(ctx):
    """The forest carbon module's removals for the account (late import: optional layer).

    With ``ctx.memo`` (a dict one Monte Carlo run owns) the result computed without outside
    arrays is kept and reused by later calls on the same inventory object, coefficient set
    object, years, ecosystems and options — unless one of the coefficients the module read is
    replaced by an outside array (a drawn or scenario ``carbon.*`` parameter): then it is
    computed again. A reused result records the same reads and comes as fresh copies.
    """
    from ..carbon.integration import forest_sink_for_account

    memo = ctx.memo
    if memo is None:
        return forest_sink_for_account(ctx)
    key = (
        "forest_sink",
        id(ctx.full_data),
        id(ctx.coefficients),
        tuple(ctx.years),
        tuple(ctx.ecosystems()),
        repr(sorted(ctx.options.items())),
    )
    trace = ctx.traced()
    kept = memo.get(key)
    if (
        kept is not None
        and kept[0] is ctx.full_data
        and kept[1] is ctx.coefficients
        and not any(cid in ctx.extra for cid, _ in kept[2])
    ):
        trace.coefficients.extend(kept[2])
        ctx.reads.extend(kept[2])
        return _copied_sink(kept[3])
    n, m = len(trace.coefficients), len(ctx.reads)
    result = forest_sink_for_account(ctx)
    read = list(trace.coefficients[n:])
    if result is not None and ctx.reads[m:] == read:  # no outside array among the reads
        memo[key] = (ctx.full_data, ctx.coefficients, read, _copied_sink(result))
    return result


def _copied_sink(result):
    sink, note, covered, inventory_area = result
    return sink.copy(), note, list(covered), inventory_area.copy()


@inputs(
    area=item_ref("area", "hectare", ("ecosystem",)),
    forest_module=module(
        _forest_sink_module,
        items=("forest.area", "forest.stock"),
        coefficients=("carbon.<species_parameter>",),
        previous_year=True,
    ),
    rate=coef_ref("regulating.carbon_sequestration.rate", "tCO2e / hectare / year"),
)
def _carbon(scope: Scope, area: ItemRef, forest_module: ModuleRef, rate: CoefRef) -> Quantities:
    ecos = scope.ecosystems()
    notes = []
    use_inventory = scope.options.get("forest_carbon", "auto")
    forest_sink = None
    if use_inventory != "rates" and ecosystems_in(("forest",), ecos):
        forest_sink = forest_module() if forest_module.available else None
        if forest_sink is None and use_inventory == "inventory":
            raise NotAssessed(
                "forest_carbon=inventory but the inventory has no forest.area/forest.stock"
            )
    covered = forest_sink[2] if forest_sink is not None else []
    rate_ecos = [e for e in ecos if e not in covered]
    a = area.at(rate_ecos)
    by_rate = sum_over(
        "ecosystem", sequestration_rate_method, a > 0, rate=rate.by(rate_ecos), area=a
    )
    parts = {"rate_method": by_rate}
    if forest_sink is not None:
        sink_da, method_note, _, inventory_area_da = forest_sink
        sink = sink_da.variable
        inventory_area = inventory_area_da.variable
        # where no earlier forest inventory exists (first year), the covered forests fall
        # back to their per-area rate, and the notes say so
        fa = area.at(covered)
        fallback = sum_over(
            "ecosystem",
            sequestration_rate_method,
            fa > 0,
            rate=rate.by(covered),
            area=fa,
        )
        forest = sink.where(sink.notnull(), fallback)
        # forest land the inventory does not cover (e.g. land converted to forest in a
        # scenario, or a newer land-cover map) is credited at the area-weighted forest rate
        forest_area = fa.sum("ecosystem")
        gap = (forest_area - inventory_area.fillna(0.0)).clip(min=0.0)
        mean_rate = (fallback / forest_area.where(forest_area > 0)).fillna(0.0)
        forest = forest + (sink.notnull() * gap * mean_rate)
        if bool((gap > 0.01 * forest_area).any()):
            notes.append(
                "forest area beyond the forest inventory credited at the per-area forest rate"
            )
        if bool(sink.isnull().any()):
            null_by_year = np.asarray(
                sink.isnull().any([d for d in sink.dims if d != "year"]).values
            )
            missing = sorted({int(y) for y in np.asarray(sink_da["year"].values)[null_by_year]})
            notes.append(
                f"forest removals by per-area rate in {', '.join(map(str, missing))} (no earlier "
                "forest inventory)"
            )
        parts["forest_inventory"] = forest
        notes.append(method_note)
    total = stack(list(parts.values()), list(parts)).sum("component", skipna=False)
    return Quantities(total, "tCO2e", parts=parts, parts_unit="tCO2e", notes=notes)


register(
    Indicator(
        id="regulating.carbon_sequestration",
        category="regulating",
        zh="固碳",
        en="Carbon sequestration",
        physical_unit="tCO2e",
        method=(
            "sequestration rates × area (forests: inventory stock change when available); carbon "
            "price"
        ),
        method_zh="固碳速率法（森林：蓄积量变化法）；碳价格法",
        reference="[2]; forest_carbon.md §1",
        quantify=_carbon,
        valuate=price_valuation(
            "regulating.carbon_sequestration.price", carbon_value, "CNY / tCO2e"
        ),
        components=(
            Component("rate_method", "固碳速率法", "per-area rates", "tCO2e", VEGETATION),
            Component(
                "forest_inventory",
                "森林蓄积量变化法",
                "forest inventory stock change",
                "tCO2e",
                ("forest",),
            ),
        ),
        deflator="price_index.cpi",
        quantity_min=float("-inf"),
    ),
    formulas=(sequestration_rate_method, carbon_value),
)


@declare_units("t", co2="tCO2e", o2_per_co2="t / tCO2e")
def oxygen_from_co2(co2, o2_per_co2):
    """Oxygen released with the CO₂ fixed (stoichiometric route).

    Parameters
    ----------
    co2 : CO₂ fixed in the year Q_CO₂ [tCO₂e].
    o2_per_co2 : Oxygen released per tonne of CO₂ fixed f [t O₂ (t CO₂)⁻¹]; 32/44 by the
        photosynthesis equation (coefficient ``regulating.oxygen_release.o2_per_co2``).

    Returns
    -------
    Oxygen released Q_O₂ [t].

    Notes
    -----
    .. math:: Q_{O_2} = f \\times Q_{CO_2}, \\qquad f = 32/44

    One mole of O₂ is released per mole of CO₂ fixed (6CO₂ + 6H₂O → C₆H₁₂O₆ + 6O₂).

    References
    ----------
    [1] §2.4.7 (固碳释氧); gep_indicators.md §2.2 R8.
    """
    return co2 * o2_per_co2


@declare_units("t", dry_matter="t / hectare", area="hectare", o2_per_dry_matter="t / t")
def oxygen_from_dry_matter(dry_matter, area, o2_per_dry_matter):
    """Oxygen released by vegetation, dry-matter route of the literature.

    Parameters
    ----------
    dry_matter : Net dry-matter production of the ecosystem B_i [t ha⁻¹ a⁻¹].
    area : Ecosystem area A_i [ha].
    o2_per_dry_matter : Oxygen released per tonne of dry matter produced f_dm [t t⁻¹]
        (1.19–1.2 in the literature; coefficient ``regulating.oxygen_release.o2_per_dry_matter``).

    Returns
    -------
    Oxygen released Q_O₂ [t a⁻¹].

    Notes
    -----
    .. math:: Q_{O_2} = f_{dm} \\sum_i B_i A_i

    (photosynthesis: 1.63 t CO₂ fixed and 1.19 t O₂ released per t of dry matter).

    References
    ----------
    gep_indicators.md §2.2 R8 [U].
    """
    return o2_per_dry_matter * dry_matter * area


@declare_units("CNY", oxygen="t", price="CNY / t")
def oxygen_value(oxygen, price):
    """Industrial-oxygen replacement value, :math:`V_o = Q_{O_2} P_o` [CNY]; [1] §2.4.7."""
    return oxygen * price


@inputs(
    co2=computed(_carbon),
    o2_per_co2=coef("regulating.oxygen_release.o2_per_co2", "t / tCO2e"),
)
def _oxygen(co2: Quantities, o2_per_co2: xr.Variable) -> Quantities:
    o2 = oxygen_from_co2(with_units(co2.total, co2.unit), o2_per_co2)
    return Quantities(o2, "t")


register(
    Indicator(
        id="regulating.oxygen_release",
        category="regulating",
        zh="释氧",
        en="Oxygen release",
        physical_unit="t",
        method="stoichiometry f × CO2 fixed (f = 32/44 by default); industrial oxygen price",
        method_zh="化学计量法；替代成本法",
        reference="[1] §2.4.7 (not in [2] as far as known)",
        quantify=_oxygen,
        valuate=price_valuation("regulating.oxygen_release.price", oxygen_value, "CNY / t"),
        default=False,
        deflator="price_index.cpi",
        notes="Off by default in ndrc-2022 (the 规范 is believed to count 固碳 only).",
    ),
    formulas=(sequestration_rate_method, oxygen_from_co2, oxygen_value),
)


# -------------------------------------------------------------------------- climate regulation
@pure_factors("transpiration_heat", "area", "days")
@declare_units(
    "kWh", transpiration_heat="kJ / m ** 2 / day", area="m ** 2", days="day", eer="dimensionless"
)
def transpiration_cooling_energy(transpiration_heat, area, days, eer):
    """Electricity saved by vegetation transpiration cooling.

    Parameters
    ----------
    transpiration_heat : Heat consumed by transpiration per unit area EPP_i [kJ m⁻² d⁻¹].
    area : Vegetation area S_i [m²].
    days : Air-conditioning days d (daily mean above 26 °C) [d].
    eer : Air-conditioner energy-efficiency ratio r [–] (3.0 in [3]).

    Returns
    -------
    E_pt [kWh].

    Notes
    -----
    .. math:: E_{pt} = \\frac{EPP_i \\, S_i \\, d}{3600 \\, r}

    References
    ----------
    [1] §2.4.8; r from [3].
    """
    return transpiration_heat * area * days / (3600.0 * eer)


@declare_units(
    "kWh",
    evaporation="m ** 3",
    latent_heat="J / g",
    humidifier_energy="kWh / m ** 3",
    eer="dimensionless",
)
def evaporation_cooling_energy(evaporation, latent_heat, humidifier_energy, eer=None):
    """Electricity equivalent of water-surface evaporation (cooling + humidifying).

    Parameters
    ----------
    evaporation : Water evaporated from open water in the cooling days E_w [m³].
    latent_heat : Latent heat of vaporisation q [J g⁻¹].
    humidifier_energy : Humidifier electricity per m³ vaporised y [kWh m⁻³].
    eer : If given, the cooling term is divided by the AC efficiency ratio (some standards);
        ``None`` follows [1], which does not divide.

    Notes
    -----
    .. math:: E_{we} = \\frac{E_w \\rho_w q}{3.6 \\times 10^6 \\,[r]} + E_w y

    with ρ_w = 10⁶ g m⁻³ and 3.6 × 10⁶ J kWh⁻¹.
    """
    cooling = evaporation * 1.0e6 * latent_heat / 3.6e6
    if eer is not None:
        cooling = cooling / eer
    return cooling + evaporation * humidifier_energy


@declare_units("CNY", energy="kWh", price="CNY / kWh")
def electricity_value(energy, price):
    """Replacement cost in electricity, :math:`V = E \\times P_e` [CNY]."""
    return energy * price


_CLIMATE = "regulating.climate_regulation."


@inputs(
    area=item_ref("area", "hectare", ("ecosystem",)),
    # read on the transpiration / evaporation branch only (not assessed there when absent)
    hot_days=item_ref("climate.hot_days", "day", required=False),
    water_evaporation=item_ref("climate.water_evaporation", "mm", required=False),
    transpiring=coef_ref(_CLIMATE + "transpiration_ecosystems", "dimensionless", convert=True),
    evaporating=coef_ref(_CLIMATE + "evaporation_ecosystems", "dimensionless", convert=True),
    transpiration_heat=coef_ref(_CLIMATE + "transpiration_heat", "kJ / m ** 2 / day"),
    eer=coef_ref(_CLIMATE + "ac_efficiency", "dimensionless"),
    latent_heat=coef_ref(_CLIMATE + "latent_heat", "J / g"),
    humidifier_energy=coef_ref(_CLIMATE + "humidifier_energy", "kWh / m ** 3"),
)
def _climate(
    scope: Scope,
    area: ItemRef,
    hot_days: ItemRef,
    water_evaporation: ItemRef,
    transpiring: CoefRef,
    evaporating: CoefRef,
    transpiration_heat: CoefRef,
    eer: CoefRef,
    latent_heat: CoefRef,
    humidifier_energy: CoefRef,
) -> Quantities:
    ecos = scope.ecosystems()
    # which ecosystems transpire / evaporate is data (sets by coefficient, 1 = counted)
    veg, w_veg = counted_ecosystems(transpiring, ecos)
    wet, w_wet = counted_ecosystems(evaporating, ecos)
    ac_eer = eer.get()
    parts = {}
    if veg:
        a = area.at(veg) * w_veg
        parts["transpiration"] = sum_over(
            "ecosystem",
            transpiration_cooling_energy,
            a > 0,
            transpiration_heat=transpiration_heat.by(veg),
            area=with_units(a, "hectare"),
            days=hot_days.get(),
            eer=ac_eer,
        )
    if wet:
        water_area = (area.at(wet) * w_wet).sum("ecosystem", skipna=False)
        evap = with_units(water_evaporation.get() * water_area * 10.0, "m ** 3")
        parts["water_evaporation"] = evaporation_cooling_energy(
            evap,
            latent_heat.get(),
            humidifier_energy.get(),
            ac_eer if scope.options.get("evaporation_divide_by_eer", False) else None,
        )
    if not parts:
        raise NotAssessed(
            "no ecosystem of the inventory transpires or evaporates (coefficient sets)"
        )
    total = stack(list(parts.values()), list(parts)).sum("component", skipna=False)
    return Quantities(total, "kWh", parts=parts, parts_unit="kWh")


register(
    Indicator(
        id="regulating.climate_regulation",
        category="regulating",
        zh="局部气候调节",
        en="Local climate regulation",
        physical_unit="kWh",
        method="transpiration + water-surface evaporation energy; electricity replacement cost",
        method_zh="蒸散消耗能量法；替代成本法",
        reference="[1] §2.4.8; [3]",
        quantify=_climate,
        valuate=price_valuation(
            "regulating.climate_regulation.electricity_price", electricity_value, "CNY / kWh"
        ),
        components=(
            Component("transpiration", "植被蒸腾", "vegetation transpiration", "kWh", VEGETATION),
            Component(
                "water_evaporation", "水面蒸发", "water-surface evaporation", "kWh", ("water",)
            ),
        ),
        deflator="price_index.cpi",
    ),
    formulas=(transpiration_cooling_energy, evaporation_cooling_energy, electricity_value),
)


# -------------------------------------------------------------------------- pest control
@declare_units("CNY", area="hectare", unit_cost="CNY / hectare")
def pest_control_value(area, unit_cost):
    """Pest-control value, avoided control cost :math:`V = \\sum_i A_i c_i` [CNY]; [1] §2.4.9."""
    return area * unit_cost


#: level-1 classes whose pest control is counted
PEST_ECOSYSTEMS = ("forest", "grassland")


@inputs(
    area=item_ref("area", "hectare", ("ecosystem",)),
    natural_area=item_ref("natural_area", "hectare", ("ecosystem",), required=False),
)
def _pest(scope: Scope, area: ItemRef, natural_area: ItemRef) -> Quantities:
    ecos = ecosystems_in(PEST_ECOSYSTEMS, scope.ecosystems())
    a = area.at(ecos)
    notes = []
    if natural_area.present:
        natural = natural_area.at(ecos)
        over = (natural > a * (1.0 + 1e-9)) & natural.notnull()
        if bool(over.any()):
            # e.g. after a land-use scenario shrank the ecosystem: never more than its area
            bad = [e for i, e in enumerate(ecos) if bool(over.isel(ecosystem=i).any())]
            notes.append(
                "natural_area above the ecosystem's area for " + ", ".join(bad) + ": counted at "
                "the ecosystem's area there"
            )
            natural = natural.where(~over, a)
        if bool(natural.isnull().all("ecosystem").any()):
            notes.append(
                "natural_area not reported for some region-years: all forest and grassland "
                "area counted there"
            )
        a = with_units(natural.where(natural.notnull(), a), a.attrs["units"])
        notes.append("counted over natural forest / natural grassland area (natural_area)")
    else:
        notes.append(
            "no natural_area in the inventory: all forest and grassland area counted "
            "(plantations included)"
        )
    return Quantities(
        a.sum("ecosystem", skipna=False), "hectare", parts=split(a, "ecosystem", ecos), notes=notes
    )


@inputs(cost=coef_ref("regulating.pest_control.cost", "CNY / hectare"))
def _pest_value(q: Quantities, cost: CoefRef) -> Valuation:
    ecos = list(q.parts)
    if not ecos:  # no forest or grassland: nothing to protect
        return Valuation(value=q.total * 0.0)
    a = with_units(q.stacked("ecosystem"), "hectare")
    v = pest_control_value(a, cost.by(ecos))
    counted = v.where(a > 0, 0.0)
    return Valuation(
        value=weighted_sum_over("ecosystem", v, a > 0), parts=split(counted, "ecosystem", ecos)
    )


register(
    Indicator(
        id="regulating.pest_control",
        category="regulating",
        zh="病虫害控制",
        en="Pest control",
        physical_unit="hectare",
        method="natural forest / grassland area (all forest and grassland when not reported); "
        "avoided control cost",
        method_zh="天然林、天然草地面积；替代成本法",
        reference="[1] §2.4.9",
        quantify=_pest,
        valuate=_pest_value,
        components=(
            Component(
                "<ecosystem>", "各生态系统", "each ecosystem", "hectare", ("forest", "grassland")
            ),
        ),
        default=False,
        deflator="price_index.construction",
        notes="Off by default in ndrc-2022 (not in the 规范 as far as known).",
    ),
    formulas=(pest_control_value,),
)
