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

from dataclasses import dataclass
from functools import partial

import numpy as np
import xarray as xr

from ..catalog import ecosystems_in
from .base import (
    Component,
    Context,
    Indicator,
    NotAssessed,
    PriceValuation,
    Quantities,
    Valuation,
    counted_ecosystems,
    declare_units,
    family_sum,
    positive_part,
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


def _water_conservation(ctx: Context) -> Quantities:
    ecos, w = counted_ecosystems(ctx, "regulating.water_conservation.ecosystems", ctx.ecosystems())
    if not ecos:
        raise NotAssessed(
            "no ecosystem of the inventory is counted (water_conservation.ecosystems)"
        )
    a = with_units(ctx.item("area", ecosystem=ecos) * w, "hectare")
    q = water_balance_retention(
        ctx.item("precipitation"),
        ctx.item("runoff", ecosystem=ecos),
        ctx.item("evapotranspiration", ecosystem=ecos),
        a,
    )
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
        items=("precipitation", "runoff", "evapotranspiration", "area"),
        coefficients=(
            "regulating.water_conservation.ecosystems",
            "regulating.water_conservation.reservoir_cost",
        ),
        quantify=_water_conservation,
        valuate=PriceValuation(
            "regulating.water_conservation.reservoir_cost", shadow_project_value
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


def _soil_conservation(ctx: Context) -> Quantities:
    ecos, w = counted_ecosystems(ctx, "regulating.soil_conservation.ecosystems", ctx.ecosystems())
    if not ecos:
        raise NotAssessed("no ecosystem of the inventory is counted (soil_conservation.ecosystems)")
    a = with_units(ctx.item("area", ecosystem=ecos) * w, "hectare")
    q = rusle_soil_retention(
        ctx.item("rusle.r"),
        ctx.item("rusle.k"),
        ctx.item("rusle.ls", ecosystem=ecos),
        ctx.item("rusle.c", ecosystem=ecos),
        ctx.item("rusle.p", ecosystem=ecos),
        a,
    )
    return Quantities(weighted_sum_over("ecosystem", q, a > 0), "t")


def _soil_value(ctx: Context, q: Quantities) -> Valuation:
    physical = with_units(q.total, q.unit)
    c = "regulating.soil_conservation."
    v_sd = sediment_reduction_value(
        physical,
        ctx.coef(c + "sediment_ratio"),
        ctx.coef(c + "bulk_density"),
        ctx.coef(c + "dredging_cost"),
    )
    v_np = nutrient_retention_value(
        physical,
        ctx.coef(c + "nitrogen_content"),
        ctx.coef(c + "phosphorus_content"),
        ctx.coef(c + "nitrogen_price"),
        ctx.coef(c + "phosphorus_price"),
    )
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
        items=("rusle.r", "rusle.k", "rusle.ls", "rusle.c", "rusle.p", "area"),
        coefficients=tuple(
            f"regulating.soil_conservation.{n}"
            for n in (
                "ecosystems",
                "sediment_ratio",
                "bulk_density",
                "dredging_cost",
                "nitrogen_content",
                "phosphorus_content",
                "nitrogen_price",
                "phosphorus_price",
            )
        ),
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


def _sand_fixation(ctx: Context) -> Quantities:
    return Quantities(with_units(ctx.item("sand.fixation"), "t"), "t")


def _sand_value(ctx: Context, q: Quantities) -> Valuation:
    c = "regulating.sand_fixation."
    v = sand_fixation_value(
        with_units(q.total, q.unit),
        ctx.coef(c + "sand_bulk_density"),
        ctx.coef(c + "cover_depth"),
        ctx.coef(c + "control_cost"),
    )
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
        items=("sand.fixation",),
        coefficients=(
            "regulating.sand_fixation.sand_bulk_density",
            "regulating.sand_fixation.cover_depth",
            "regulating.sand_fixation.control_cost",
        ),
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


def _flood_regulation(ctx: Context) -> Quantities:
    notes = []
    ctx.require("area")
    parts = {}
    share = "regulating.flood_regulation.reservoir_flood_share"
    if ctx.has("reservoir.flood_capacity"):
        reported = ctx.item("reservoir.flood_capacity")
        estimated = (
            reservoir_flood_storage(ctx.item("reservoir.capacity"), ctx.coef(share))
            if ctx.has("reservoir.capacity")
            else reported * float("nan")
        )
        parts["reservoirs"] = reported.where(reported.notnull(), estimated)
        notes.append("reservoir flood-control capacity used where reported")
    elif ctx.has("reservoir.capacity"):
        parts["reservoirs"] = reservoir_flood_storage(
            ctx.item("reservoir.capacity"), ctx.coef(share)
        )
    else:
        notes.append("reservoir term not included (no reservoir rows in the inventory)")
    wet = ecosystems_in(MARSH_ECOSYSTEMS, ctx.ecosystems())
    if wet:
        wet_area = ctx.item("area", ecosystem=wet)
        parts["marshes"] = marsh_flood_storage(
            with_units(wet_area.sum("ecosystem", skipna=False), wet_area.attrs["units"]),
            ctx.coef("regulating.flood_regulation.marsh_retention_depth"),
            ctx.coef("regulating.flood_regulation.marsh_share"),
        )
    if ctx.has("lake.flood_storage"):
        parts["lakes"] = ctx.item("lake.flood_storage")
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
        items=("reservoir.capacity", "area", "reservoir.flood_capacity", "lake.flood_storage"),
        coefficients=(
            "regulating.flood_regulation.reservoir_flood_share",
            "regulating.flood_regulation.marsh_retention_depth",
            "regulating.flood_regulation.marsh_share",
            "regulating.water_conservation.reservoir_cost",
        ),
        quantify=_flood_regulation,
        valuate=PriceValuation(
            "regulating.water_conservation.reservoir_cost", shadow_project_value
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


def _purification(ctx: Context, kind: str, pollutants: tuple[str, ...]) -> Quantities:
    rule = ctx.options.get(f"{kind}_rule", ctx.options.get("purification_rule", "emission"))
    if rule not in PURIFICATION_RULES:
        from ..errors import InputError, Problem

        raise InputError(
            Problem(
                "options",
                f"{kind}_rule must be one of {', '.join(PURIFICATION_RULES)}, not {rule!r}",
            )
        )
    present = [p for p in pollutants if ctx.has(f"emission.{p}")]
    if not present:
        raise NotAssessed(f"inventory has no emission.{{{','.join(pollutants)}}}")
    amounts = {}
    area = ctx.item("area") if rule != "emission" else None
    for pol in present:
        emission = ctx.item(f"emission.{pol}")
        capacity = None
        if rule != "emission":
            ecos = ctx.ecosystems()
            rate = ctx.coef(
                f"regulating.{kind}.capacity.{pol}", keys=ecos, unit="t / hectare / year"
            )
            capacity = with_units((rate * area).sum("ecosystem", skipna=False), "t")
        amounts[pol] = purified_amount(emission, capacity, rule=rule)
    total = family_sum(stack(list(amounts.values()), present))
    return Quantities(total, "t", parts=amounts, parts_unit="t", notes=[f"rule: {rule}"])


@dataclass(frozen=True)
class _AbatementValuation:
    kind: str

    def __call__(self, ctx: Context, q: Quantities) -> Valuation:
        values = {
            pol: abatement_cost_value(
                with_units(amount, "t"), ctx.coef(f"regulating.{self.kind}.cost.{pol}")
            )
            for pol, amount in q.parts.items()
        }
        return Valuation(value=family_sum(stack(list(values.values()), list(values))), parts=values)


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
        items=("emission.so2", "emission.nox", "emission.dust"),
        coefficients=("regulating.air_purification.cost.<pollutant>",),
        quantify=partial(_purification, kind="air_purification", pollutants=("so2", "nox", "dust")),
        valuate=_AbatementValuation("air_purification"),
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
        items=("emission.cod", "emission.nh3n", "emission.tn", "emission.tp"),
        coefficients=("regulating.water_purification.cost.<pollutant>",),
        quantify=partial(
            _purification, kind="water_purification", pollutants=("cod", "nh3n", "tn", "tp")
        ),
        valuate=_AbatementValuation("water_purification"),
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


def _carbon(ctx: Context) -> Quantities:
    ctx.require("area")
    ecos = ctx.ecosystems()
    notes = []
    use_inventory = ctx.options.get("forest_carbon", "auto")
    forest_sink = None
    if use_inventory != "rates" and ecosystems_in(("forest",), ecos):
        forest_sink = _forest_sink(ctx)
        if forest_sink is None and use_inventory == "inventory":
            raise NotAssessed(
                "forest_carbon=inventory but the inventory has no forest.area/forest.stock"
            )
    covered = forest_sink[2] if forest_sink is not None else []
    rate_ecos = [e for e in ecos if e not in covered]
    rate = ctx.coef("regulating.carbon_sequestration.rate", keys=rate_ecos)
    a = ctx.item("area", ecosystem=rate_ecos)
    by_rate = sum_over("ecosystem", sequestration_rate_method, a > 0, rate=rate, area=a)
    parts = {"rate_method": by_rate}
    if forest_sink is not None:
        sink_da, method_note, _, inventory_area_da = forest_sink
        sink = sink_da.variable
        inventory_area = inventory_area_da.variable
        # where no earlier forest inventory exists (first year), the covered forests fall
        # back to their per-area rate, and the notes say so
        fa = ctx.item("area", ecosystem=covered)
        fallback = sum_over(
            "ecosystem",
            sequestration_rate_method,
            fa > 0,
            rate=ctx.coef("regulating.carbon_sequestration.rate", keys=covered),
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
        items=("area", "forest.area", "forest.stock"),
        coefficients=(
            "regulating.carbon_sequestration.rate",
            "regulating.carbon_sequestration.price",
            "carbon.<species_parameter>",
        ),
        quantify=_carbon,
        valuate=PriceValuation("regulating.carbon_sequestration.price", carbon_value),
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


def _forest_sink(ctx: Context):
    """(removals, note) from the forest carbon module, or None when it cannot be used."""
    if not (ctx.has("forest.area") and ctx.has("forest.stock")):
        return None
    from ..carbon.integration import forest_sink_for_account  # late import: optional layer

    trace = ctx.traced()
    trace.read_item("forest.area", previous_year=True)
    trace.read_item("forest.stock", previous_year=True)
    return forest_sink_for_account(ctx)


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


def _oxygen(ctx: Context) -> Quantities:
    co2 = _carbon(ctx)
    o2 = oxygen_from_co2(
        with_units(co2.total, co2.unit), ctx.coef("regulating.oxygen_release.o2_per_co2")
    )
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
        items=("area", "forest.area", "forest.stock"),
        coefficients=(
            "regulating.oxygen_release.price",
            "regulating.oxygen_release.o2_per_co2",
            "regulating.carbon_sequestration.rate",
            "carbon.<species_parameter>",
        ),
        quantify=_oxygen,
        valuate=PriceValuation("regulating.oxygen_release.price", oxygen_value),
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


def _climate(ctx: Context) -> Quantities:
    ctx.require("area")
    c = "regulating.climate_regulation."
    ecos = ctx.ecosystems()
    # which ecosystems transpire / evaporate is data (sets by coefficient, 1 = counted)
    veg, w_veg = counted_ecosystems(ctx, c + "transpiration_ecosystems", ecos)
    wet, w_wet = counted_ecosystems(ctx, c + "evaporation_ecosystems", ecos)
    eer = ctx.coef(c + "ac_efficiency")
    parts = {}
    if veg:
        a = ctx.item("area", ecosystem=veg) * w_veg
        parts["transpiration"] = sum_over(
            "ecosystem",
            transpiration_cooling_energy,
            a > 0,
            transpiration_heat=ctx.coef(c + "transpiration_heat", keys=veg),
            area=with_units(a, "hectare"),
            days=ctx.item("climate.hot_days"),
            eer=eer,
        )
    if wet:
        water_area = (ctx.item("area", ecosystem=wet) * w_wet).sum("ecosystem", skipna=False)
        evap = with_units(ctx.item("climate.water_evaporation") * water_area * 10.0, "m ** 3")
        parts["water_evaporation"] = evaporation_cooling_energy(
            evap,
            ctx.coef(c + "latent_heat"),
            ctx.coef(c + "humidifier_energy"),
            eer if ctx.options.get("evaporation_divide_by_eer", False) else None,
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
        items=("area", "climate.hot_days", "climate.water_evaporation"),
        coefficients=tuple(
            f"regulating.climate_regulation.{n}"
            for n in (
                "transpiration_ecosystems",
                "evaporation_ecosystems",
                "transpiration_heat",
                "ac_efficiency",
                "latent_heat",
                "humidifier_energy",
                "electricity_price",
            )
        ),
        quantify=_climate,
        valuate=PriceValuation(
            "regulating.climate_regulation.electricity_price", electricity_value
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


def _pest(ctx: Context) -> Quantities:
    ecos = ecosystems_in(PEST_ECOSYSTEMS, ctx.ecosystems())
    a = ctx.item("area", ecosystem=ecos)
    notes = []
    if ctx.has("natural_area"):
        natural = ctx.item("natural_area", ecosystem=ecos)
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


def _pest_value(ctx: Context, q: Quantities) -> Valuation:
    ecos = list(q.parts)
    if not ecos:  # no forest or grassland: nothing to protect
        return Valuation(value=q.total * 0.0)
    a = with_units(q.stacked("ecosystem"), "hectare")
    v = pest_control_value(a, ctx.coef("regulating.pest_control.cost", keys=ecos))
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
        items=("area", "natural_area"),
        coefficients=("regulating.pest_control.cost",),
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
