"""Engine hooks for method variants a profile selects instead of the family's formula.

A profile (``coefficients/profiles/*.yaml``) names a method variant per indicator
(:data:`gep.profiles.METHODS`). Most variants are engine options of the family's indicator;
the two below compute the indicator's physical quantity a different way, so they are their own
:class:`~gep.indicators.base.Indicator` objects with the same id, looked up by
:func:`variant_indicator` when ``gep.account`` resolves a profile:

* ``regulating.carbon_sequestration`` / ``nep`` — CO₂ fixed by net ecosystem productivity,
  :math:`Q = \\frac{44}{12}\\sum_i (NPP_i - R_{h,i}) A_i` over vegetated ecosystems
  (:func:`gep.methods.carbon.co2_from_nep`), valued at the carbon price;
* ``regulating.climate_regulation`` / ``temperature_difference`` — cooling by measured
  temperature difference, :math:`E = \\sum_i A_i \\Delta T_i C_a d / r` with
  :math:`C_a = \\rho c_p h` (:mod:`gep.methods.climate`), valued at the electricity price.

A physical quantity supplied from outside (``quantities.csv``, DESIGN §10) replaces the
formula's in :func:`gep.indicators.base.evaluate` as for any indicator (e.g. a gridded NEP
zonal sum).

References
----------
.. [1] GB/T 46869—2025 Appendix A.7 and A.11 as quoted by a citing project document
   (gep_indicators.md S23) [P]: methods admitted; formulas not checked [U].
.. [2] 博文静 等. 中国森林生态资产价值评估. 生态学报, 2017, 37(12): 4182–4190 (NEP = NPP − Rs;
   EER r = 3.0).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import xarray as xr

from ..catalog import ecosystems_in
from ..methods.carbon import co2_from_nep
from ..methods.climate import (
    air_column_heat_capacity,
    cooling_electricity,
    cooling_energy_temperature_difference,
)
from .base import (
    CoefRef,
    Component,
    Indicator,
    ItemRef,
    NotAssessed,
    Quantities,
    Scope,
    coef,
    coef_ref,
    inputs,
    item_ref,
    positive_part,
    price_valuation,
    split,
    weighted_sum_over,
    with_units,
)
from .regulating import carbon_value, electricity_value, oxygen_from_dry_matter, oxygen_value

#: level-1 ecosystem classes with vegetation: NEP is applied to these (water, built-up and
#: bare land fix no carbon by this method)
VEGETATED = ("forest", "shrub", "grassland", "wetland", "farmland", "garden")
#: level-1 classes that are the warm reference surface of the temperature-difference method
REFERENCE_SURFACES = ("urban", "bare")


@dataclass(frozen=True)
class VariantIndicator(Indicator):
    """An indicator computed by a profile's method variant (same id as the family's)."""

    variant: str = ""
    variant_formulas: tuple[Callable, ...] = ()

    def formulas(self) -> list[Callable]:
        return list(self.variant_formulas)


VARIANTS: dict[tuple[str, str], VariantIndicator] = {}


def variant_indicator(indicator_id: str, method: str) -> VariantIndicator | None:
    """The engine hook of a method variant, or ``None`` when the family's indicator does it."""
    return VARIANTS.get((indicator_id, method))


def _register(ind: VariantIndicator) -> VariantIndicator:
    VARIANTS[(ind.id, ind.variant)] = ind
    return ind


# -------------------------------------------------------------------------- carbon by NEP
@inputs(
    area=item_ref("area", "hectare", ("ecosystem",)),
    npp=item_ref("npp", "t / hectare", ("ecosystem",)),
    rh=item_ref("heterotrophic_respiration", "t / hectare", ("ecosystem",)),
)
def _carbon_nep(scope: Scope, area: ItemRef, npp: ItemRef, rh: ItemRef) -> Quantities:
    ecos = ecosystems_in(VEGETATED, scope.ecosystems())
    if not ecos:
        raise NotAssessed("no vegetated ecosystem in the inventory (NEP method)")
    a = area.at(ecos)
    q = co2_from_nep(npp.at(ecos), rh.at(ecos), a)
    total = weighted_sum_over("ecosystem", q, a > 0)
    return Quantities(
        total,
        "tCO2e",
        parts=split(q, "ecosystem", ecos),
        parts_unit="tCO2e",
        notes=[
            "NEP method: 44/12 × (NPP − Rh) × area over vegetated ecosystems (signed: a net "
            "source lowers the total)"
        ],
    )


_register(
    VariantIndicator(
        id="regulating.carbon_sequestration",
        category="regulating",
        zh="固碳",
        en="Carbon sequestration",
        physical_unit="tCO2e",
        method="net ecosystem productivity 44/12 × (NPP − Rh) × area; carbon price",
        method_zh="净生态系统生产力（NEP）法；碳价格法",
        reference="[1] A.7 [P]; [2]",
        quantify=_carbon_nep,
        valuate=price_valuation(
            "regulating.carbon_sequestration.price", carbon_value, "CNY / tCO2e"
        ),
        components=(Component("<ecosystem>", "各生态系统", "each ecosystem", "tCO2e"),),
        deflator="price_index.cpi",
        variant="nep",
        variant_formulas=(co2_from_nep, carbon_value),
    )
)


# ------------------------------------------------------- climate by temperature difference
_CLIMATE = "regulating.climate_regulation."


@inputs(
    area=item_ref("area", "hectare", ("ecosystem",)),
    temperature_difference=item_ref("climate.temperature_difference", "kelvin", ("ecosystem",)),
    hot_days=item_ref("climate.hot_days", "day"),
    heat_capacity=coef(_CLIMATE + "air_volumetric_heat_capacity", "kJ / m ** 3 / kelvin"),
    layer_height=coef(_CLIMATE + "air_layer_height", "m"),
    eer=coef(_CLIMATE + "ac_efficiency", "dimensionless"),
)
def _climate_td(
    scope: Scope,
    area: ItemRef,
    temperature_difference: ItemRef,
    hot_days: ItemRef,
    heat_capacity: xr.Variable,
    layer_height: xr.Variable,
    eer: xr.Variable,
) -> Quantities:
    all_ecos = scope.ecosystems()
    reference = set(ecosystems_in(REFERENCE_SURFACES, all_ecos))
    ecos = [e for e in all_ecos if e not in reference]
    a = area.at(ecos)
    # an ecosystem warmer than the reference surface cools nothing (floored at 0)
    dt = with_units(positive_part(temperature_difference.at(ecos)), "K")
    heat = air_column_heat_capacity(heat_capacity, layer_height)
    energy = cooling_energy_temperature_difference(
        with_units(a, "hectare"), dt, heat, hot_days.get()
    )
    electricity = cooling_electricity(energy, eer)
    total = weighted_sum_over("ecosystem", electricity, a > 0)
    return Quantities(
        total,
        "kWh",
        parts=split(electricity, "ecosystem", ecos),
        parts_unit="kWh",
        notes=[
            "temperature-difference method: area × ΔT × ρc_p·h × cooling days ÷ EER "
            "(form not the standard's text [U]; C_a coefficients illustrative)"
        ],
    )


_register(
    VariantIndicator(
        id="regulating.climate_regulation",
        category="regulating",
        zh="局部气候调节",
        en="Local climate regulation",
        physical_unit="kWh",
        method="measured temperature difference: area × ΔT × ρc_p·h × cooling days ÷ EER; "
        "electricity replacement cost",
        method_zh="实测温差法；替代成本法",
        reference="[1] A.11 [P]; [2]",
        quantify=_climate_td,
        valuate=price_valuation(
            "regulating.climate_regulation.electricity_price", electricity_value, "CNY / kWh"
        ),
        components=(Component("<ecosystem>", "各生态系统", "each ecosystem", "kWh"),),
        deflator="price_index.cpi",
        variant="temperature_difference",
        variant_formulas=(
            air_column_heat_capacity,
            cooling_energy_temperature_difference,
            cooling_electricity,
            electricity_value,
        ),
    )
)


# ------------------------------------------------------------- oxygen by dry-matter production
@inputs(
    area=item_ref("area", "hectare", ("ecosystem",)),
    dry_matter=item_ref("dry_matter_production", "t / hectare", ("ecosystem",)),
    o2_per_dry_matter=coef_ref("regulating.oxygen_release.o2_per_dry_matter", "t / t"),
)
def _oxygen_dry_matter(
    scope: Scope, area: ItemRef, dry_matter: ItemRef, o2_per_dry_matter: CoefRef
) -> Quantities:
    ecos = ecosystems_in(VEGETATED, scope.ecosystems())
    if not ecos:
        raise NotAssessed("no vegetated ecosystem in the inventory (dry-matter oxygen route)")
    a = area.at(ecos)
    q = oxygen_from_dry_matter(dry_matter.at(ecos), a, o2_per_dry_matter.get())
    return Quantities(
        weighted_sum_over("ecosystem", q, a > 0),
        "t",
        parts=split(q, "ecosystem", ecos),
        parts_unit="t",
        notes=[
            "dry-matter route: O₂ = f_dm × Σ dry-matter production × area (f_dm: o2_per_dry_matter)"
        ],
    )


_register(
    VariantIndicator(
        id="regulating.oxygen_release",
        category="regulating",
        zh="释氧",
        en="Oxygen release",
        physical_unit="t",
        method=(
            "dry-matter route f_dm × Σ B_i A_i (1.19–1.2 t O2 per t dry matter); industrial oxygen "
            "price"
        ),
        method_zh="干物质法（光合作用方程）；替代成本法",
        reference="gep_indicators.md §2.2 R8 [U]",
        quantify=_oxygen_dry_matter,
        valuate=price_valuation("regulating.oxygen_release.price", oxygen_value, "CNY / t"),
        components=(Component("<ecosystem>", "各生态系统", "each ecosystem", "t", VEGETATED),),
        default=False,
        deflator="price_index.cpi",
        variant="dry_matter",
        variant_formulas=(oxygen_from_dry_matter, oxygen_value),
    )
)
