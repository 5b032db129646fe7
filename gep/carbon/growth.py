"""Stand growth curves for the afforestation crediting estimator.

References
----------
.. [1] J. J. Bukoski, S. C. Cook-Patton et al., "Rates and drivers of aboveground carbon
   accumulation in global monoculture plantation forests", Nature Communications, 2022
   (model form: jbukoski/GPFC scripts/99_parameterizeModels.R, function ``cr_curve``).
.. [2] F. J. Richards, "A flexible growth function for empirical use", Journal of
   Experimental Botany, 1959.
"""

from __future__ import annotations

import numpy as np


def richards_agc(age, a, k, m):
    r"""Above-ground tree carbon of a plantation by age (Richards / Chapman–Richards curve).

    Parameters
    ----------
    age : numeric
        Stand age t [yr], ≥ 0.
    a : numeric
        Asymptote [t C ha⁻¹].
    k : numeric
        Rate parameter [yr⁻¹].
    m : numeric
        Shape parameter [-] (fixed at 2, 3 or 4 in [1]_).

    Returns
    -------
    numeric
        Above-ground carbon AGC [t C ha⁻¹].

    Notes
    -----
    .. math:: AGC(t) = a \left(1 - e^{-k t}\right)^{m}

    The curve is only supported inside the age range of the data it was fitted to; see
    :func:`beyond_data_range`.

    References
    ----------
    .. [1] Bukoski, Cook-Patton et al. 2022, Nature Communications (GPFC).
    .. [2] Richards 1959, J. Exp. Bot.
    """
    return a * (1 - np.exp(-k * age)) ** m


def beyond_data_range(age, max_age):
    """True where ``age`` [yr] exceeds ``max_age`` [yr], the oldest age in the fitting data."""
    return age > max_age
