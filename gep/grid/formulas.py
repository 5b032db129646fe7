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
.. [5] Desmet P.J.J., Govers G. (1996). A GIS procedure for automatically calculating the USLE
   LS factor on topographically complex landscape units. Journal of Soil and Water
   Conservation 51(5), 427–433.
.. [6] Freeman T.G. (1991). Calculating catchment area with divergent flow based on a regular
   grid. Computers & Geosciences 17(3), 413–422.
.. [7] O'Callaghan J.F., Mark D.M. (1984). The extraction of drainage networks from digital
   elevation data. Computer Vision, Graphics, and Image Processing 28, 323–344 (D8).
.. [8] McCool D.K., Foster G.R., Mutchler C.K., Meyer L.D. (1989). Revised slope length factor
   for the Universal Soil Loss Equation. Transactions of the ASAE 32(5), 1571–1576.
.. [9] Natural Capital Project, InVEST User's Guide, "SDR: Sediment Delivery Ratio" (LS factor
   section: Desmet & Govers with the m exponent by slope class and McCool's β above 9 %).
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
    gx, gy = gradient(dem, dx, dy)
    return np.arctan(np.hypot(gx, gy))


def gradient(dem: np.ndarray, dx: float, dy: float) -> tuple[np.ndarray, np.ndarray]:
    """Elevation gradient (∂z/∂x, ∂z/∂y) as in :func:`slope_radians` [m m⁻¹].

    Parameters
    ----------
    dem : Elevation z [m], 2-D (rows = y); NaN where unknown.
    dx, dy : Pixel width and height [m].

    Returns
    -------
    (gx, gy) [–], central differences inside the data, one-sided at its edge, NaN where z is
    NaN or has no known neighbour on that axis.
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

    return derivative(1, dx), derivative(0, dy)


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
    return length * slope_steepness_factor(slope)


def slope_steepness_factor(slope: np.ndarray) -> np.ndarray:
    """RUSLE slope-steepness factor S (McCool et al. 1987).

    Parameters
    ----------
    slope : Slope angle θ [rad].

    Returns
    -------
    S [–].

    Notes
    -----
    .. math:: S = 10.8 \\sin\\theta + 0.03 \\; (\\tan\\theta < 9\\%), \\quad
              16.8 \\sin\\theta - 0.50 \\; \\text{else}

    References
    ----------
    [1]
    """
    slope = np.asarray(slope, dtype=np.float64)
    sin = np.sin(slope)
    return np.where(np.tan(slope) < 0.09, 10.8 * sin + 0.03, 16.8 * sin - 0.50)


def rusle_m_exponent(slope: np.ndarray) -> np.ndarray:
    """Slope-length exponent m of the flow-routed LS factor, by slope class.

    Parameters
    ----------
    slope : Slope angle θ [rad].

    Returns
    -------
    m [–].

    Notes
    -----
    With the percent slope :math:`s = 100 \\tan\\theta`:

    .. math::

        m = 0.2 \\,(s \\le 1), \\; 0.3 \\,(s \\le 3.5), \\; 0.4 \\,(s \\le 5), \\;
        0.5 \\,(s \\le 9), \\; \\frac{\\beta}{1 + \\beta} \\,(s > 9), \\quad
        \\beta = \\frac{\\sin\\theta / 0.0896}{3 \\sin^{0.8}\\theta + 0.56}

    References
    ----------
    [8] for β; [9] for the classes (as InVEST SDR).
    """
    slope = np.asarray(slope, dtype=np.float64)
    s = 100.0 * np.tan(slope)
    sin = np.sin(slope)
    with np.errstate(invalid="ignore", divide="ignore"):
        beta = (sin / 0.0896) / (3.0 * sin**0.8 + 0.56)
    steep = beta / (1.0 + beta)
    return np.where(
        s <= 1.0,
        0.2,
        np.where(s <= 3.5, 0.3, np.where(s <= 5.0, 0.4, np.where(s <= 9.0, 0.5, steep))),
    )


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
    .. math:: \\frac{AET}{P} = 1 + \\frac{PET}{P}
              - \\left[1 + \\left(\\frac{PET}{P}\\right)^{\\omega}\\right]^{1/\\omega}

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


#: the eight neighbours (row offset, column offset), N first, clockwise
NEIGHBOURS = ((-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1))


def flow_accumulation(
    dem: np.ndarray,
    dx: float,
    dy: float,
    routing: str = "mfd",
    exponent: float = 1.1,
) -> np.ndarray:
    """Upslope contributing cells of every cell (the cell itself included), by D8 or MFD.

    Parameters
    ----------
    dem : Elevation z [m], 2-D; NaN where unknown (never receives or passes flow).
    dx, dy : Pixel width and height [m].
    routing : ``"d8"`` — all flow to the steepest downslope neighbour [7]; ``"mfd"`` — flow
        split among every downslope neighbour in proportion to :math:`(\\tan\\beta_k)^p` [6].
    exponent : Freeman's p [–] (MFD only; 1.1 in [6]).

    Returns
    -------
    Accumulation a [cells] ≥ 1 (float; NaN where z is NaN). The contributing area at a cell's
    inlet is :math:`(a - 1)\\,\\Delta x \\Delta y`.

    Notes
    -----
    .. math:: a_i = 1 + \\sum_{j \\to i} f_{ji} \\, a_j, \\qquad
              f_{ji} = \\frac{(\\tan\\beta_{ji})^p}{\\sum_{k:\\tan\\beta_{jk} > 0}
                                                         (\\tan\\beta_{jk})^p}

    with :math:`\\tan\\beta_{jk} = (z_j - z_k) / d_{jk}` (d: the cardinal or diagonal distance);
    D8 keeps only the largest :math:`\\tan\\beta_{jk}` (f = 1). Flow goes only strictly downhill:
    a pit or a flat cell passes nothing on, so the DEM should be hydrologically conditioned
    (pits filled, flats resolved) as for InVEST. Cells are processed in waves from the ridges
    down (a cell is done once every upslope neighbour is), so the work is O(cells) plus one
    small step per cell of the longest flow path.

    The whole DEM is needed at once: accumulation is not local. Memory ≈ 45 bytes per cell
    (padded elevation and accumulation in float64, in-degree and D8 direction in int8, cell
    indices and the frontier scratch in int64) plus set-up temporaries; with the LS terms of
    :func:`flow_ls_factor` the measured peak is ≈ 90 bytes per cell.
    """
    if routing not in ("d8", "mfd"):
        raise ValueError("routing must be 'd8' or 'mfd'")
    z = np.asarray(dem, dtype=np.float64)
    h, w = z.shape
    W = w + 2
    zf = np.full((h + 2) * W, np.nan)
    zf.reshape(h + 2, W)[1:-1, 1:-1] = z
    interior = (np.arange(h)[:, None] + 1) * W + (np.arange(w)[None, :] + 1)
    offsets = np.array([di * W + dj for di, dj in NEIGHBOURS], dtype=np.int64)
    dist = np.array([np.hypot(di * dy, dj * dx) for di, dj in NEIGHBOURS])
    valid = ~np.isnan(zf)
    zi = zf[interior]
    indeg = np.zeros(zf.size, dtype=np.int8)
    rdir = None
    if routing == "d8":
        best = np.zeros((h, w))
        rdir2 = np.full((h, w), -1, dtype=np.int8)
        for k, (off, d) in enumerate(zip(offsets, dist, strict=True)):
            with np.errstate(invalid="ignore"):
                drop = (zi - zf[interior + off]) / d
            take = drop > best  # NaN compares False; strictly downhill and steepest so far
            best[take] = drop[take]
            rdir2[take] = k
        rdir = np.full(zf.size, -1, dtype=np.int8)
        rdir[interior] = rdir2
        for k, off in enumerate(offsets):
            src = interior[rdir2 == k]
            indeg[src + off] += 1  # one direction: distinct sources, distinct targets
        del best, rdir2
    else:
        for off in offsets:
            # cell c gets flow from neighbour c + off when that neighbour is higher
            with np.errstate(invalid="ignore"):
                indeg[interior] += (zf[interior + off] > zi).astype(np.int8)
    acc = np.zeros(zf.size)
    acc[interior[valid[interior]]] = 1.0
    front = interior[valid[interior] & (indeg[interior] == 0)]
    seen = np.full(zf.size, -1, dtype=np.int64)  # scratch for de-duplicating the frontier
    while front.size:
        if routing == "d8":
            rd = rdir[front]
            tgts = []
            for k, off in enumerate(offsets):
                src = front[rd == k]
                if src.size:
                    # one direction: distinct sources have distinct targets (plain indexing)
                    t = src + off
                    acc[t] += acc[src]
                    indeg[t] -= 1
                    tgts.append(t)
            tgt = np.concatenate(tgts) if tgts else np.zeros(0, dtype=np.int64)
        else:
            zs = zf[front]
            a_f = acc[front]
            drops = []
            total = np.zeros(front.size)
            for off, d in zip(offsets, dist, strict=True):
                with np.errstate(invalid="ignore"):
                    drop = (zs - zf[front + off]) / d
                m = drop > 0  # NaN (nodata, outside) compares False
                w = drop[m] ** exponent if exponent != 1.0 else drop[m]
                drops.append((m, w))
                total[m] += w
            tgts = []
            for off, (m, w) in zip(offsets, drops, strict=True):
                if w.size:
                    # one offset: distinct sources have distinct targets, so plain fancy
                    # indexing adds once per target (no np.add.at needed)
                    t = front[m] + off
                    acc[t] += a_f[m] * (w / total[m])
                    indeg[t] -= 1
                    tgts.append(t)
            tgt = np.concatenate(tgts) if tgts else np.zeros(0, dtype=np.int64)
        ready = tgt[indeg[tgt] == 0]
        # keep one copy of each (a cell may be reached from several sides in one wave)
        seen[ready] = np.arange(ready.size)
        front = ready[seen[ready] == np.arange(ready.size)]
    out = acc[interior]
    out[~valid[interior]] = np.nan
    return out


def flow_ls_factor(
    dem: np.ndarray,
    dx: float,
    dy: float,
    routing: str = "mfd",
    exponent: float = 1.1,
    l_max: float | None = None,
) -> np.ndarray:
    """RUSLE LS factor with flow-routed upslope area (Desmet & Govers 1996), as InVEST SDR.

    Parameters
    ----------
    dem : Elevation z [m], 2-D; NaN where unknown.
    dx, dy : Pixel width and height [m] (square pixels expected; D = √(Δx Δy)).
    routing : ``"mfd"`` (default, as InVEST) or ``"d8"``; see :func:`flow_accumulation`.
    exponent : Freeman's p for MFD [–].
    l_max : Cap on the upslope flow length at the cell inlet [m] (``None``: no cap; InVEST's
        default is 122 m): :math:`A_{in} \\le l_{max} \\, D \\, x`.

    Returns
    -------
    LS [–]; NaN where z is NaN or its slope is unknown.

    Notes
    -----
    .. math::

        LS_i = S_i \\frac{(A_{in} + D^2)^{m+1} - A_{in}^{m+1}}{D^{m+2} \\, x_i^m \\, 22.13^m},
        \\qquad A_{in} = (a_i - 1) D^2, \\qquad x_i = |\\sin\\alpha_i| + |\\cos\\alpha_i|

    a: accumulation (:func:`flow_accumulation`), α: aspect, so
    :math:`x = (|\\partial_x z| + |\\partial_y z|) / |\\nabla z|` (1 on a flat cell); S from
    :func:`slope_steepness_factor`, m from :func:`rusle_m_exponent`. On a uniform slope (one
    row of cells) :math:`A_{in} = \\lambda D` and the expression reduces to the segment form
    :math:`[(\\lambda + D)^{m+1} - \\lambda^{m+1}] / (D \\cdot 22.13^m)`.

    References
    ----------
    [5] equation; [1] S; [8], [9] m; [6], [7] routing.
    """
    gx, gy = gradient(dem, dx, dy)
    slope = np.arctan(np.hypot(gx, gy))
    acc = flow_accumulation(dem, dx, dy, routing, exponent)
    d = float(np.sqrt(dx * dy))
    norm = np.hypot(gx, gy)
    with np.errstate(invalid="ignore", divide="ignore"):
        x = np.where(norm > 0, (np.abs(gx) + np.abs(gy)) / norm, 1.0)
    a_in = (acc - 1.0) * d * d
    if l_max is not None:
        a_in = np.minimum(a_in, l_max * d * x)
    m = rusle_m_exponent(slope)
    length = ((a_in + d * d) ** (m + 1) - a_in ** (m + 1)) / (d ** (m + 2) * x**m * 22.13**m)
    out = slope_steepness_factor(slope) * length
    out[np.isnan(acc) | np.isnan(slope)] = np.nan
    return out
