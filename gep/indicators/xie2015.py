"""Profile ``xie-2015``: the equivalent-factor (价值当量因子) method of Xie et al. (2015).

A land-area-based benefit-transfer shortcut, offered as a cross-check of the ``ndrc-2022``
account, not as the specification's method (gep_indicators.md §3, point 6).

References
----------
.. [1] 谢高地, 张彩霞, 张雷明, 陈文辉, 李士美. 基于单位面积价值当量因子的生态系统服务价值化方法改进.
   自然资源学报, 2015, 30(8): 1243–1254.
.. [2] 罗盛锋, 闫文德. 广西北部湾沿岸地区生态系统服务价值变化及其驱动力. 生态学报, 2018,
   38(9): 3248–3259 (factor rows and D = 3406.50 元/hm²).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..catalog import ecosystem_catalog
from ..errors import InputError, MissingCoefficientError, Problem
from .base import (
    CoefFamilyRef,
    CoefRef,
    Component,
    Indicator,
    Quantities,
    Scope,
    Step,
    Valuation,
    coef,
    coef_family,
    coef_ref,
    declare_units,
    inputs,
    item,
    register,
    split,
    stack,
    with_units,
)

#: service → (category, zh, en)
SERVICES = {
    "food": ("material", "食物生产", "Food production"),
    "raw_materials": ("material", "原料生产", "Raw materials"),
    "water_supply": ("material", "水资源供给", "Water supply"),
    "gas_regulation": ("regulating", "气体调节", "Gas regulation"),
    "climate_regulation": ("regulating", "气候调节", "Climate regulation"),
    "purification": ("regulating", "净化环境", "Environmental purification"),
    "hydrological_regulation": ("regulating", "水文调节", "Hydrological regulation"),
    "soil_conservation": ("supporting", "土壤保持", "Soil conservation"),
    "nutrient_cycling": ("supporting", "维持养分循环", "Nutrient cycling"),
    "biodiversity": ("supporting", "生物多样性", "Biodiversity"),
    "aesthetic_landscape": ("cultural", "美学景观", "Aesthetic landscape"),
}


@declare_units("hectare", area="hectare", factor="dimensionless")
def equivalent_area(area, factor):
    """Equivalent-weighted area :math:`\\sum_k A_k E_{kf}` [ha of standard equivalents]."""
    return area * factor


@declare_units("CNY", equivalents="hectare", standard_equivalent="CNY / hectare")
def equivalent_factor_value(equivalents, standard_equivalent):
    """Ecosystem-service value by equivalent factors.

    Parameters
    ----------
    equivalents : :math:`\\sum_k A_k E_{kf}` — area times equivalent factor [ha].
    standard_equivalent : Value D of one standard equivalent [CNY ha⁻¹]; [1] defines it as the
        net profit of grain production per ha of farmland (3406.50 CNY/ha, 2010, per [2]).

    Notes
    -----
    .. math:: ESV_f = \\sum_k A_k \\, E_{kf} \\, D

    Factors may be negative (paddy fields consume water), so a value can be negative.
    """
    return equivalents * standard_equivalent


CROSSWALK = "xie2015.crosswalk"


def crosswalk_member(ecosystem: str, crosswalks: CoefFamilyRef) -> str:
    """Member of the crosswalk family for an ecosystem: its code, else its level-1 class.

    ``xie2015/crosswalk/farmland/paddy.yaml`` (id ``xie2015.crosswalk.farmland.paddy``) holds
    the shares of the ecosystem's area counted as each Xie class; a set may give one file for
    a whole level-1 class (``xie2015/crosswalk/forest.yaml``).
    """
    if crosswalks.has(ecosystem):
        return ecosystem
    eco = ecosystem_catalog().get(ecosystem)
    if eco is not None and crosswalks.has(eco.level1):
        return eco.level1
    raise MissingCoefficientError(
        Problem(
            crosswalks.set_source,
            f"no Xie 2015 crosswalk for ecosystem {ecosystem!r}: add {CROSSWALK}.{ecosystem} "
            f"(xie2015/crosswalk/{ecosystem.replace('.', '/')}.yaml, shares by Xie class)",
        )
    )


def _crosswalk(
    crosswalks: CoefFamilyRef, ecos: list[str]
) -> dict[str, tuple[list[str], xr.Variable]]:
    """{ecosystem: (Xie classes, shares over (year, xie_class))} from the coefficient set."""
    out = {}
    for e in ecos:
        member = crosswalk_member(e, crosswalks)
        cid = crosswalks.id(member)
        classes = crosswalks.keys(member)
        shares = crosswalks.get(member, keys=classes) if classes else None
        if shares is not None:
            total = np.asarray(shares.sum("xie_class").data)
            if bool((total > 1.0 + 1e-9).any()):
                raise InputError(
                    Problem(
                        crosswalks.source(member),
                        f"crosswalk {cid}: shares of the Xie classes sum to more than 1 "
                        f"({float(total.max()):g})",
                        field="values",
                    )
                )
        out[e] = (classes, shares)
    return out


@declare_units("dimensionless", shares="dimensionless", factors="dimensionless")
def mixed_factor(shares, factors):
    """Equivalent factor of an ecosystem counted as a mix of Xie classes.

    Parameters
    ----------
    shares : Share of the ecosystem's area counted as each class c, s_kc [–] (dim ``xie_class``).
    factors : Equivalent factor of each class for the service, E_cf [–] (dim ``xie_class``).

    Returns
    -------
    E_kf [–].

    Notes
    -----
    .. math:: E_{kf} = \\sum_c s_{kc} \\, E_{cf}

    e.g. paddy counted as 0.8 paddy + 0.2 dry land: 0.8 × 1.36 + 0.2 × 0.85 = 1.258 (food).
    """
    return (shares * factors).sum("xie_class")


def _factor_by_ecosystem(
    scope: Scope, factors: CoefRef, crosswalks: CoefFamilyRef, ecos: list[str]
) -> xr.Variable:
    walk = _crosswalk(crosswalks, ecos)
    classes = sorted({c for cls, _ in walk.values() for c in cls})
    table = factors.by(classes) if classes else None
    position = {c: i for i, c in enumerate(classes)}
    zeros = xr.Variable(("year",), np.zeros(len(scope.years)))
    cols = []
    for e in ecos:
        cls, shares = walk[e]
        if not cls:  # no class (built-up land): no equivalent factors
            cols.append(zeros)
            continue
        factors = table.isel(xie_class=[position[c] for c in cls])
        cols.append(mixed_factor(with_units(shares, ""), with_units(factors, "")))
    return with_units(stack(cols, ecos, dim="ecosystem"), "dimensionless")


#: the crosswalk family: one table of Xie-class shares per ecosystem code or level-1 class
_CROSSWALKS = coef_family(f"{CROSSWALK}.<ecosystem>", "dimensionless", convert=True)


def _service(
    scope: Scope, area: xr.Variable, factors: CoefRef, crosswalks: CoefFamilyRef
) -> Quantities:
    ecos = scope.ecosystems()
    eq = equivalent_area(area, _factor_by_ecosystem(scope, factors, crosswalks, ecos))
    return Quantities(
        eq.sum("ecosystem", skipna=False), "hectare", parts=split(eq, "ecosystem", ecos)
    )


@inputs(d=coef("xie2015.standard_equivalent", "CNY / hectare"))
def _equivalent_value(scope: Scope, q: Quantities, d: xr.Variable) -> Valuation:
    value = equivalent_factor_value(with_units(q.total, q.unit), d)
    parts = {e: equivalent_factor_value(with_units(eq, "hectare"), d) for e, eq in q.parts.items()}
    return Valuation(
        value=value,
        parts=parts,
        price=d,
        notes=[
            "D = "
            + ", ".join(
                f"{y}: {v:,.2f} CNY/ha"
                for y, v in zip(scope.years, np.atleast_1d(d.values).ravel(), strict=False)
            )
        ],
    )


for _svc, (_cat, _zh, _en) in SERVICES.items():
    register(
        Indicator(
            id=f"{_cat}.{_svc}",
            category=_cat,
            zh=_zh,
            en=_en,
            physical_unit="hectare",
            method="equivalent factor × area × standard equivalent D",
            method_zh="当量因子法",
            reference="[1]; [2]",
            quantify=Step(
                _service,
                area=item("area", "hectare", ("ecosystem",)),
                factors=coef_ref(f"xie2015.factor.{_svc}", "dimensionless"),
                crosswalks=_CROSSWALKS,
            ),
            valuate=_equivalent_value,
            components=(Component("<ecosystem>", "各生态系统", "each ecosystem", "CNY"),),
            profiles=("xie-2015",),
            deflator="price_index.cpi",
            notes="Physical quantity = area × equivalent factor (ha of standard equivalents).",
        ),
        formulas=(mixed_factor, equivalent_area, equivalent_factor_value),
    )
