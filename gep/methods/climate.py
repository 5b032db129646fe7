"""Local climate regulation (局部气候调节) by measured temperature difference (实测温差法).

GB/T 46869—2025 Appendix A.11 is quoted second-hand as admitting either the
evapotranspiration-energy method (what :mod:`gep.indicators.regulating` computes) or a
measured temperature-difference method [1]_; **the standard's formula for the latter has not
been obtained [U]**. The form implemented here is the sensible heat that would have to be
removed to cool the air layer over an ecosystem by the measured difference ΔT, on each
cooling day — the physical quantity the method's name describes, stated openly so that it can
be replaced by the standard's equation once read:

.. math:: E = \\sum_i A_i \\, \\Delta T_i \\, C_a \\, d, \\qquad C_a = \\rho c_p h

with electricity for the same cooling by air-conditioning :math:`E / r` (EER, as in the
evapotranspiration method [2]_) valued at the electricity price. The coefficients (C_v =
ρ·c_p of air, layer height h) are ``illustrative`` in ``coefficients/national``.

References
----------
.. [1] GB/T 46869—2025 Appendix A.11 as quoted by a citing project document
   (gep_indicators.md S23) [P]; formula [U].
.. [2] 博文静 等. 中国森林生态资产价值评估. 生态学报, 2017, 37(12): 4182–4190 (EER r = 3.0).
"""

from __future__ import annotations

from ..indicators.base import declare_units


@declare_units(
    "kJ / m ** 2 / kelvin",
    volumetric_heat_capacity="kJ / m ** 3 / kelvin",
    layer_height="m",
)
def air_column_heat_capacity(volumetric_heat_capacity, layer_height):
    """Heat capacity of the cooled air layer per unit ground area.

    Parameters
    ----------
    volumetric_heat_capacity : ρ·c_p of air [kJ m⁻³ K⁻¹].
    layer_height : Height of the air layer cooled by the ecosystem h [m].

    Returns
    -------
    C_a [kJ m⁻² K⁻¹].

    Notes
    -----
    .. math:: C_a = \\rho c_p h
    """
    return volumetric_heat_capacity * layer_height


@declare_units(
    "kWh",
    area="m ** 2",
    delta_t="kelvin",
    heat_capacity="kJ / m ** 2 / kelvin",
    days="day",
)
def cooling_energy_temperature_difference(area, delta_t, heat_capacity, days):
    """Cooling energy of an ecosystem from a measured temperature difference.

    Parameters
    ----------
    area : Ecosystem area A_i [m²].
    delta_t : Measured cooling ΔT_i relative to the reference surface [K] (negative values —
        warmer than the reference — give negative energy; the caller floors if wanted).
    heat_capacity : Heat capacity of the cooled air layer per ground area C_a [kJ m⁻² K⁻¹]
        (see :func:`air_column_heat_capacity`).
    days : Cooling days d (days with daily mean temperature above 26 °C) [d].

    Returns
    -------
    Heat removed E [kWh a⁻¹].

    Notes
    -----
    .. math:: E = \\frac{A \\, \\Delta T \\, C_a \\, d}{3600}

    (kJ → kWh: 1 kWh = 3600 kJ; ``days`` enters as a count of daily cooling events.)

    References
    ----------
    [1] (method named by GB/T 46869 A.11, [P]; this form is not the standard's text, [U]).
    """
    return area * delta_t * heat_capacity * days / 3600.0


@declare_units("kWh", energy="kWh", eer="dimensionless")
def cooling_electricity(energy, eer):
    """Electricity an air-conditioner would use to remove ``energy`` of heat.

    Parameters
    ----------
    energy : Heat removed [kWh].
    eer : Energy-efficiency ratio r [–].

    Returns
    -------
    Electricity [kWh].

    Notes
    -----
    .. math:: E_e = E / r

    References
    ----------
    [2]
    """
    return energy / eer
