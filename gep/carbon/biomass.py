"""Growing-stock volume → tree biomass → carbon → CO₂ (one small pure function per method).

All functions take numeric input (Python numbers, numpy arrays or xarray objects, which
broadcast) and return the same kind. Volumes may be totals (m³) or per hectare (m³ ha⁻¹);
the result is then a total (t) or per hectare (t ha⁻¹) — except :func:`biomass_fang`, whose
intercept is per hectare and therefore needs the area.

References
----------
.. [1] IPCC, "2006 IPCC Guidelines for National Greenhouse Gas Inventories, Vol. 4 Agriculture,
   Forestry and Other Land Use, Ch. 2 Generic methodologies and Ch. 4 Forest Land", 2006.
.. [2] Fang J. et al. 2001 and 2007 continuous biomass-expansion functions, as reproduced in
   李银 et al., "浙江省森林生态系统碳储量及其分布特征", 植物生态学报, 2016, Table 1
   (ChinaXiv-201605.00429).
.. [3] 碳汇造林项目方法学 AR-CM-001-V01 / CCER-14-001-V01 造林碳汇 (tree biomass by the
   biomass-expansion-factor method).
"""

from __future__ import annotations

#: Mass of CO₂ per mass of carbon, 44/12 [t CO₂ t C⁻¹] (molar masses; IPCC 2006 [1]).
CO2_PER_C = 44.0 / 12.0


def biomass_bef(volume, wood_density, bef, root_shoot_ratio):
    r"""Whole-tree biomass from stem volume by the biomass-expansion-factor (BEF) method.

    Parameters
    ----------
    volume : numeric
        Growing-stock (stem) volume V [m³] or [m³ ha⁻¹].
    wood_density : numeric
        Basic wood density WD, oven-dry mass per fresh stem volume [t m⁻³].
    bef : numeric
        Biomass expansion factor, above-ground biomass / stem biomass [-].
    root_shoot_ratio : numeric
        Root-to-shoot ratio R, below-ground / above-ground biomass [-].

    Returns
    -------
    numeric
        Whole-tree (above- + below-ground) dry biomass B [t] or [t ha⁻¹].

    Notes
    -----
    .. math:: B = V \cdot WD \cdot BEF \cdot (1 + R)

    The CCER afforestation methodologies [3]_ use this form (``B_TREE``); IPCC [1]_ writes
    ``WD · BEF`` as ``BCEF_S`` (see :func:`biomass_bcef`).

    References
    ----------
    .. [1] IPCC 2006 Guidelines, Vol. 4 Ch. 2, Eq. 2.8 (stock-difference biomass term).
    .. [3] AR-CM-001-V01 / CCER-14-001-V01, tree biomass by the BEF method.
    """
    return volume * wood_density * bef * (1 + root_shoot_ratio)


def biomass_bcef(volume, bcef, root_shoot_ratio):
    r"""Whole-tree biomass from volume with a biomass conversion and expansion factor (BCEF).

    Parameters
    ----------
    volume : numeric
        Volume V (growing stock, increment or removals) [m³] or [m³ ha⁻¹].
    bcef : numeric
        BCEF converting that volume to above-ground biomass (``BCEF_S``, ``BCEF_I`` or
        ``BCEF_R``) [t m⁻³].
    root_shoot_ratio : numeric
        Root-to-shoot ratio R [-].

    Returns
    -------
    numeric
        Whole-tree dry biomass [t] or [t ha⁻¹].

    Notes
    -----
    .. math:: B = V \cdot BCEF \cdot (1 + R)

    References
    ----------
    .. [1] IPCC 2006 Guidelines, Vol. 4 Ch. 2, Eqs. 2.8 and 2.10; Ch. 4 Table 4.5.
    """
    return volume * bcef * (1 + root_shoot_ratio)


def biomass_fang(volume, area, a, b):
    r"""Whole-tree biomass by Fang's continuous biomass-expansion function :math:`B = aV + b`.

    Fang's function is fitted per hectare: biomass density (t ha⁻¹, roots included) is linear
    in volume density (m³ ha⁻¹). For a stand of area A and total volume V this gives
    :math:`B = A (a V/A + b) = aV + bA`.

    Parameters
    ----------
    volume : numeric
        Total growing-stock volume V [m³].
    area : numeric
        Stand area A [ha].
    a : numeric
        Slope [t m⁻³].
    b : numeric
        Intercept [t ha⁻¹].

    Returns
    -------
    numeric
        Whole-tree dry biomass, roots included [t].

    Notes
    -----
    .. math:: B = a \cdot V + b \cdot A

    Example from [2]_: Masson pine, 100 m³ on 1 ha: 0.5034 · 100 + 20.547 = 70.887 t.

    References
    ----------
    .. [2] Fang et al. 2001, 2007, as reproduced in 李银 et al. 2016, 植物生态学报, Table 1.
    """
    return a * volume + b * area


def carbon_stock(biomass, carbon_fraction):
    r"""Carbon in dry biomass.

    Parameters
    ----------
    biomass : numeric
        Dry biomass B [t] or [t ha⁻¹].
    carbon_fraction : numeric
        Carbon fraction of dry matter CF [t C t⁻¹].

    Returns
    -------
    numeric
        Carbon C [t C] or [t C ha⁻¹].

    Notes
    -----
    .. math:: C = B \cdot CF
    """
    return biomass * carbon_fraction


def co2e_from_carbon(carbon):
    r"""Convert a mass of carbon to the mass of CO₂ it corresponds to.

    Parameters
    ----------
    carbon : numeric
        Carbon [t C] (or a rate, [t C yr⁻¹]).

    Returns
    -------
    numeric
        CO₂ [t CO₂e] (or [t CO₂e yr⁻¹]).

    Notes
    -----
    .. math:: CO_2 = C \cdot 44/12
    """
    return carbon * CO2_PER_C


def dead_organic_matter(above_ground_carbon, dead_wood_fraction=0.0, litter_fraction=0.0):
    r"""Dead-wood plus litter carbon by the default-factor method.

    Parameters
    ----------
    above_ground_carbon : numeric
        Above-ground tree carbon [t C] or [t C ha⁻¹].
    dead_wood_fraction : numeric
        Dead-wood carbon / above-ground tree carbon, DF_DW [-].
    litter_fraction : numeric
        Litter carbon / above-ground tree carbon, DF_LI [-].

    Returns
    -------
    numeric
        Dead-organic-matter carbon [t C] or [t C ha⁻¹].

    Notes
    -----
    .. math:: C_{DOM} = C_{AG} \cdot (DF_{DW} + DF_{LI})

    Default factors are ratios to above-ground biomass in CDM AR-TOOL12 (as implemented by
    WRI carbon-budget); AR-CM-001-V01 uses the same default-factor method.
    """
    return above_ground_carbon * (dead_wood_fraction + litter_fraction)
