"""Per-pixel helper formulas that the tabular account does not need (no I/O, numpy in and out).

The GEP indicator formulas themselves (water balance, RUSLE, sequestration, carbon stock
difference) are *not* here: :mod:`gep.grid.kernels` calls the functions of
:mod:`gep.indicators.regulating` and :mod:`gep.carbon`. What is here produces their inputs from
rasters: the RUSLE LS factor from a DEM, actual evapotranspiration from a Budyko curve (as the
InVEST annual water yield model does), storm runoff from a runoff coefficient, and pixel areas.

References
----------
.. [1] McCool D.K., Brown L.C., Foster G.R., Mutchler C.K., Meyer L.D. (1987). Revised slope
   steepness factor for the Universal Soil Loss Equation. Transactions of the ASAE 30(5),
   1387–1396.
.. [2] Wischmeier W.H., Smith D.D. (1978). Predicting rainfall erosion losses — a guide to
   conservation planning. USDA Agriculture Handbook No. 537.
.. [3] 傅抱璞 (1981). 论陆面蒸发的计算. 大气科学 5(1), 23–31 (the Fu form of the Budyko curve).
.. [4] Zhang L., Hickel K., Dawes W.R., Chiew F.H.S., Western A.W., Briggs P.R. (2004). A
   rational function approach for estimating mean annual evapotranspiration. Water Resources
   Research 40, W02502.
"""

from __future__ import annotations

import numpy as np

#: authalic Earth radius [m] (GRS80), for pixel areas on a geographic grid
EARTH_RADIUS_M = 6371007.181


def slope_radians(dem: np.ndarray, dx: float, dy: float) -> np.ndarray:
    """Slope angle from a DEM by central differences (one-sided next to missing cells).

    Parameters
    ----------
    dem : Elevation z [m], 2-D (rows = y); NaN where unknown.
    dx, dy : Pixel width and height [m] (positive).

    Returns
    -------
    Slope θ [rad], same shape; NaN where z is NaN or has no known neighbour on an axis.

    Notes
    -----
    .. math:: \\theta = \\arctan\\sqrt{(\\partial z/\\partial x)^2 + (\\partial z/\\partial y)^2}

    Each derivative is the mean of the backward and forward differences that exist, i.e. the
    central difference :math:`(z_{i+1} - z_{i-1}) / 2\\Delta` inside the data and the one-sided
    difference at its edge (array edge or missing neighbour).
    """
    z = np.asarray(dem, dtype=np.float64)

    def derivative(axis: int, step: float) -> np.ndarray:
        d = np.diff(z, axis=axis) / step
        pad = [(0, 0), (0, 0)]
        pad[axis] = (1, 0)
        back = np.pad(d, pad, constant_values=np.nan)
        pad[axis] = (0, 1)
        fwd = np.pad(d, pad, constant_values=np.nan)
        n = np.isfinite(back).astype(np.int8) + np.isfinite(fwd)
        total = np.where(np.isfinite(back), back, 0.0) + np.where(np.isfinite(fwd), fwd, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(n > 0, total / n, np.nan)

    gx = derivative(1, dx)
    gy = derivative(0, dy)
    return np.arctan(np.hypot(gx, gy))


def ls_factor(slope: np.ndarray, slope_length: float = 30.0) -> np.ndarray:
    """RUSLE topographic factor LS from slope angle and a fixed slope length.

    Parameters
    ----------
    slope : Slope angle θ [rad].
    slope_length : Slope length λ [m] (a constant; flow accumulation is not modelled).

    Returns
    -------
    LS [–].

    Notes
    -----
    .. math::

        L = (\\lambda / 22.13)^m, \\quad m = \\begin{cases} 0.2 & s < 1\\% \\\\ 0.3 & s < 3.5\\%
        \\\\ 0.4 & s < 5\\% \\\\ 0.5 & \\text{else} \\end{cases}

        S = \\begin{cases} 10.8 \\sin\\theta + 0.03 & s < 9\\% \\\\
        16.8 \\sin\\theta - 0.50 & \\text{else} \\end{cases}

    with :math:`s = \\tan\\theta`. L follows [2], S follows [1]. A fixed λ is the common county
    practice when no flow-routing is done; it under-states LS on long slopes.

    References
    ----------
    [1] for S, [2] for L and m.
    """
    slope = np.asarray(slope, dtype=np.float64)
    s = np.tan(slope)
    m = np.where(s < 0.01, 0.2, np.where(s < 0.035, 0.3, np.where(s < 0.05, 0.4, 0.5)))
    length = (slope_length / 22.13) ** m
    sin = np.sin(slope)
    steep = np.where(s < 0.09, 10.8 * sin + 0.03, 16.8 * sin - 0.50)
    return length * steep


def budyko_fu_aet(precipitation, pet, omega):
    """Actual evapotranspiration from the Fu form of the Budyko curve.

    Parameters
    ----------
    precipitation : Annual precipitation P [mm].
    pet : Annual potential evapotranspiration PET [mm] (InVEST: K_c × ET₀).
    omega : Fu's shape parameter ω [–] (> 1; InVEST: ω = Z · AWC / P + 1.25).

    Returns
    -------
    Actual evapotranspiration AET [mm], never more than P or PET.

    Notes
    -----
    .. math:: \\frac{AET}{P} = 1 + \\frac{PET}{P} - \\left[1 + \\left(\\frac{PET}{P}\\right)^{\\omega}\\right]^{1/\\omega}

    References
    ----------
    [3] for the equation, [4] for its use in annual water balance (and the InVEST annual
    water yield model).
    """
    p = np.asarray(precipitation, dtype=np.float64)
    pet = np.asarray(pet, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = pet / p
        ratio = 1.0 + phi - (1.0 + phi**omega) ** (1.0 / omega)
        aet = np.where(p > 0, ratio * p, 0.0)
    return np.minimum(aet, np.minimum(p, pet))


def runoff_from_coefficient(precipitation, coefficient):
    """Storm runoff from a runoff coefficient, :math:`R = \\alpha P`.

    Parameters
    ----------
    precipitation : Annual precipitation P [mm].
    coefficient : Runoff coefficient α of the land cover [–].

    Returns
    -------
    Storm runoff R [mm].
    """
    return np.asarray(precipitation, dtype=np.float64) * coefficient


def geographic_row_area(lat_top, lat_bottom, dlon_deg):
    """Area of one pixel of a row on a geographic (lon/lat) grid, spherical Earth.

    Parameters
    ----------
    lat_top, lat_bottom : Latitudes of the row's edges [degree].
    dlon_deg : Pixel width [degree].

    Returns
    -------
    Pixel area [m²].

    Notes
    -----
    .. math:: A = R^2 \\, \\Delta\\lambda \\, |\\sin\\varphi_1 - \\sin\\varphi_2|
    """
    t = np.radians(np.asarray(lat_top, dtype=np.float64))
    b = np.radians(np.asarray(lat_bottom, dtype=np.float64))
    return EARTH_RADIUS_M**2 * np.radians(abs(dlon_deg)) * np.abs(np.sin(t) - np.sin(b))
