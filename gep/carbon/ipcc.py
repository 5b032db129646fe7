"""IPCC 2006 biomass carbon stock-change equations (Vol. 4 Ch. 2), one function per equation.

Sign convention: a positive stock change is a gain of carbon in the forest (a removal from
the atmosphere). Inputs are numeric (numbers, numpy or xarray, broadcasting).

References
----------
.. [1] IPCC, "2006 IPCC Guidelines for National Greenhouse Gas Inventories, Vol. 4 AFOLU,
   Ch. 2 Generic methodologies applicable to multiple land-use categories", 2006 (equation
   numbers as reproduced in adisapoetro/AFOLU R/forest_land.R).
"""

from __future__ import annotations


def stock_difference(carbon_t1, carbon_t2, t1, t2):
    r"""Annual carbon stock change between two inventories (stock-difference method).

    Parameters
    ----------
    carbon_t1 : numeric
        Carbon stock at the first inventory [t C].
    carbon_t2 : numeric
        Carbon stock at the second inventory [t C].
    t1, t2 : numeric
        Inventory years [yr], ``t2 > t1``.

    Returns
    -------
    numeric
        Annual stock change ΔC [t C yr⁻¹].

    Notes
    -----
    .. math:: \Delta C = \frac{C_{t_2} - C_{t_1}}{t_2 - t_1}

    References
    ----------
    .. [1] IPCC 2006 Vol. 4 Ch. 2, Eq. 2.8.
    """
    return (carbon_t2 - carbon_t1) / (t2 - t1)


def gain_loss(gain, loss):
    r"""Annual carbon stock change by the gain–loss method.

    Parameters
    ----------
    gain : numeric
        Annual carbon gain from growth ΔC_G [t C yr⁻¹].
    loss : numeric
        Annual carbon loss ΔC_L [t C yr⁻¹] (sum of :func:`loss_wood_removals`,
        :func:`loss_fuelwood`, :func:`loss_disturbance`).

    Returns
    -------
    numeric
        ΔC_B [t C yr⁻¹].

    Notes
    -----
    .. math:: \Delta C_B = \Delta C_G - \Delta C_L

    References
    ----------
    .. [1] IPCC 2006 Vol. 4 Ch. 2, Eqs. 2.7 and 2.11.
    """
    return gain - loss


def gain_increment(increment, bcef_i, root_shoot_ratio, carbon_fraction):
    r"""Annual carbon gain from the net annual volume increment (Tier 2).

    Parameters
    ----------
    increment : numeric
        Net annual stem-volume increment, :math:`A \cdot I_V` [m³ yr⁻¹].
    bcef_i : numeric
        BCEF for the increment [t m⁻³] (``WD · BEF`` for the BEF method).
    root_shoot_ratio : numeric
        R [-] (0 when the conversion already includes roots).
    carbon_fraction : numeric
        CF [t C t⁻¹].

    Returns
    -------
    numeric
        ΔC_G [t C yr⁻¹].

    Notes
    -----
    .. math:: \Delta C_G = A \cdot I_V \cdot BCEF_I \cdot (1 + R) \cdot CF

    References
    ----------
    .. [1] IPCC 2006 Vol. 4 Ch. 2, Eqs. 2.9 and 2.10.
    """
    return increment * bcef_i * (1 + root_shoot_ratio) * carbon_fraction


def loss_wood_removals(harvest, bcef_r, root_shoot_ratio, carbon_fraction):
    r"""Annual carbon loss from commercial wood removals.

    Parameters
    ----------
    harvest : numeric
        Stem volume removed, H [m³ yr⁻¹].
    bcef_r : numeric
        BCEF for removals [t m⁻³].
    root_shoot_ratio : numeric
        R [-].
    carbon_fraction : numeric
        CF [t C t⁻¹].

    Returns
    -------
    numeric
        L_wood-removals [t C yr⁻¹].

    Notes
    -----
    .. math:: L_{wood\text{-}removals} = H \cdot BCEF_R \cdot (1 + R) \cdot CF

    References
    ----------
    .. [1] IPCC 2006 Vol. 4 Ch. 2, Eq. 2.12.
    """
    return harvest * bcef_r * (1 + root_shoot_ratio) * carbon_fraction


def loss_fuelwood(
    fuelwood_trees, bcef_r, root_shoot_ratio, carbon_fraction, fuelwood_parts=0.0, wood_density=0.0
):
    r"""Annual carbon loss from fuelwood gathering.

    Parameters
    ----------
    fuelwood_trees : numeric
        Volume of whole trees removed as fuelwood, FG_trees [m³ yr⁻¹].
    bcef_r : numeric
        BCEF for removals [t m⁻³].
    root_shoot_ratio : numeric
        R [-].
    carbon_fraction : numeric
        CF [t C t⁻¹].
    fuelwood_parts : numeric, default 0
        Volume of tree parts (branches) removed as fuelwood, FG_part [m³ yr⁻¹].
    wood_density : numeric, default 0
        Basic wood density D [t m⁻³], used only with ``fuelwood_parts``.

    Returns
    -------
    numeric
        L_fuelwood [t C yr⁻¹].

    Notes
    -----
    .. math:: L_{fuelwood} = [FG_{trees} \cdot BCEF_R \cdot (1 + R) + FG_{part} \cdot D] \cdot CF

    References
    ----------
    .. [1] IPCC 2006 Vol. 4 Ch. 2, Eq. 2.13.
    """
    return (
        fuelwood_trees * bcef_r * (1 + root_shoot_ratio) + fuelwood_parts * wood_density
    ) * carbon_fraction


def loss_disturbance(
    area_disturbed, biomass_density, root_shoot_ratio, carbon_fraction, disturbance_fraction=1.0
):
    r"""Annual carbon loss from disturbance (fire, pests, storms).

    Parameters
    ----------
    area_disturbed : numeric
        Forest area affected, A_disturbance [ha yr⁻¹].
    biomass_density : numeric
        Average above-ground biomass of the affected area, B_W [t ha⁻¹] (pass whole-tree
        biomass with ``root_shoot_ratio=0`` when it already includes roots).
    root_shoot_ratio : numeric
        R [-].
    carbon_fraction : numeric
        CF [t C t⁻¹].
    disturbance_fraction : numeric, default 1
        Fraction of biomass lost, fd [-] (1 = stand-replacing disturbance).

    Returns
    -------
    numeric
        L_disturbance [t C yr⁻¹].

    Notes
    -----
    .. math:: L_{disturbance} = A_{disturbance} \cdot B_W \cdot (1 + R) \cdot CF \cdot fd

    References
    ----------
    .. [1] IPCC 2006 Vol. 4 Ch. 2, Eq. 2.14.
    """
    return (
        area_disturbed
        * biomass_density
        * (1 + root_shoot_ratio)
        * carbon_fraction
        * disturbance_fraction
    )
