"""CO₂ fixation (固碳 / GB/T 46869: 固定二氧化碳) by NEP and by biomass stock change.

GB/T 46869—2025 Appendix A.7 is quoted second-hand as admitting three methods chosen by data
availability — biomass (生物量法), sequestration rate (固碳速率法) and net ecosystem productivity
(NEP 法) [3]_; its formulas have not been checked. The NEP form below is the one printed by
Bo et al. [1]_ (NEP = NPP − Rs, CO₂ = 44/12 × NEP); the rate method is
:func:`gep.indicators.regulating.sequestration_rate_method`.

References
----------
.. [1] 博文静 等. 中国森林生态资产价值评估. 生态学报, 2017, 37(12): 4182–4190 (NEP = NPP − Rs;
   gep_indicators.md S9).
.. [2] IPCC, 2006 IPCC Guidelines for National Greenhouse Gas Inventories, Vol. 4 Ch. 2,
   Eq. 2.8 (stock-difference method), as implemented in :mod:`gep.carbon.ipcc`.
.. [3] GB/T 46869—2025 Appendix A.7 as quoted by a citing project document (gep_indicators.md
   S23) [P].
"""

from __future__ import annotations

from ..carbon.biomass import CO2_PER_C, co2e_from_carbon
from ..carbon.ipcc import stock_difference
from ..indicators.base import declare_units


@declare_units("g / m ** 2", npp="g / m ** 2", rh="g / m ** 2")
def nep(npp, rh):
    """Net ecosystem productivity, carbon mass per area per year.

    Parameters
    ----------
    npp : Net primary productivity, as carbon [g C m⁻² a⁻¹].
    rh : Soil heterotrophic respiration R_h, as carbon [g C m⁻² a⁻¹].

    Returns
    -------
    NEP [g C m⁻² a⁻¹]; negative where the ecosystem is a net source.

    Notes
    -----
    .. math:: NEP = NPP - R_h

    References
    ----------
    [1]
    """
    return npp - rh


@declare_units("tCO2e", npp="t / hectare", rh="t / hectare", area="hectare")
def co2_from_nep(npp, rh, area):
    """CO₂ fixed in the year by the NEP method.

    Parameters
    ----------
    npp : Net primary productivity as carbon [t C ha⁻¹ a⁻¹] (any mass/area unit, e.g.
        g m⁻², converts).
    rh : Soil heterotrophic respiration as carbon [t C ha⁻¹ a⁻¹].
    area : Ecosystem area [ha].

    Returns
    -------
    CO₂ fixed Q_CO₂ [t CO₂e a⁻¹], signed (a net source is negative; the caller decides whether
    a profile floors it at 0).

    Notes
    -----
    .. math:: Q_{CO_2} = \\frac{44}{12} (NPP - R_h) \\, A

    References
    ----------
    [1] (NEP = NPP − Rs; CO₂/C = 44/12); [3] (method admitted by GB/T 46869 A.7, [P]).
    """
    return CO2_PER_C * (npp - rh) * area


@declare_units("tCO2e", nep_carbon="t")
def co2_from_nep_total(nep_carbon):
    """CO₂ fixed from a supplied NEP total (e.g. a gridded zonal sum in quantities.csv).

    Parameters
    ----------
    nep_carbon : NEP summed over the region, as carbon [t C a⁻¹].

    Returns
    -------
    Q_CO₂ [t CO₂e a⁻¹].

    Notes
    -----
    .. math:: Q_{CO_2} = \\frac{44}{12} \\sum NEP
    """
    return CO2_PER_C * nep_carbon


def co2_from_biomass_change(carbon_t1, carbon_t2, t1, t2):
    """CO₂ fixed per year by biomass (carbon-stock) change between two inventories.

    Delegates to :func:`gep.carbon.ipcc.stock_difference` and
    :func:`gep.carbon.biomass.co2e_from_carbon`; the stocks themselves come from
    :mod:`gep.carbon.biomass` (volume → biomass by the ``fang``/``bef``/``bcef`` route →
    carbon). In the account this is what ``forest_carbon=inventory`` does through
    :func:`gep.carbon.integration.forest_sink_for_account` (method variant ``biomass``).

    Parameters
    ----------
    carbon_t1, carbon_t2 : Carbon stock at the two inventories [t C].
    t1, t2 : Inventory years [a], ``t2 > t1``.

    Returns
    -------
    CO₂ fixed [t CO₂e a⁻¹] (plain numbers, as :mod:`gep.carbon`).

    Notes
    -----
    .. math:: Q_{CO_2} = \\frac{44}{12} \\cdot \\frac{C_{t_2} - C_{t_1}}{t_2 - t_1}

    References
    ----------
    [2]; [3] (biomass method admitted by GB/T 46869 A.7, [P]).
    """
    return co2e_from_carbon(stock_difference(carbon_t1, carbon_t2, t1, t2))
