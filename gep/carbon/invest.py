"""InVEST-compatible carbon sequestration valuation.

Reproduces ``_calculate_valuation_constant`` and ``_calculate_npv`` of the InVEST Carbon
Storage and Sequestration model (``natcap/invest``, ``src/natcap/invest/carbon/carbon.py``,
≥ 3.15), so GEP results can be checked against an InVEST run. Note the InVEST semantics:

* the price is per tonne of **elemental carbon** (convert CO₂ prices with
  :func:`gep.carbon.prices.carbon_price_from_co2`, i.e. × 44/12);
* the change is spread linearly over ``n = alt_year − bas_year`` years, the first year is not
  discounted, and ``rate_change_pct`` acts like an extra discount rate (a positive value makes
  future carbon worth *less*);
* with ``discount_pct = rate_change_pct = 0`` the value equals price × change.

References
----------
.. [1] Natural Capital Project, InVEST, carbon model ``carbon.py``,
   ``_calculate_valuation_constant`` (natcap/invest on GitHub).
.. [2] InVEST User's Guide, "Carbon Storage and Sequestration", valuation equation
   (natcap/invest.users-guide ``source/en/carbonstorage.rst``).
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError, Problem


def invest_valuation_constant(price_per_tC, bas_year, alt_year, discount_pct, rate_change_pct):
    r"""InVEST carbon valuation constant (value per tonne of carbon change).

    Parameters
    ----------
    price_per_tC : numeric
        Price per tonne of elemental carbon V [currency t C⁻¹].
    bas_year, alt_year : int or array of int
        Baseline year p and alternate year q [yr], ``q > p``.
    discount_pct : numeric
        Annual discount rate r [%] (7 means 7 %).
    rate_change_pct : numeric
        Annual relative change of the carbon price c [%].

    Returns
    -------
    numeric
        Valuation constant k [currency t C⁻¹]; numpy arrays broadcast.

    Notes
    -----
    .. math::

        k = \frac{V}{n} \sum_{t=0}^{n-1} \rho^t
          = \frac{V}{n} \cdot \begin{cases} n & \rho = 1 \\
            \dfrac{1 - \rho^n}{1 - \rho} & \text{otherwise} \end{cases},
        \qquad n = q - p, \quad \rho = \frac{1}{(1 + r/100)(1 + c/100)}

    Same operations in the same order as InVEST, so results agree to the last bit.

    References
    ----------
    .. [1] natcap/invest ``carbon.py``, ``_calculate_valuation_constant``.
    """
    n_years = np.asarray(alt_year) - np.asarray(bas_year)
    if np.any(n_years <= 0):
        raise InputError(
            Problem("<input>", "alt_year must be later than bas_year", field="alt_year")
        )
    ratio = 1 / ((1 + np.asarray(discount_pct) / 100) * (1 + np.asarray(rate_change_pct) / 100))
    valuation_constant = price_per_tC / n_years
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(ratio == 1, n_years, (1 - ratio**n_years) / (1 - ratio))
    out = valuation_constant * factor
    return out if np.ndim(out) else float(out)


def invest_npv(change_tC, price_per_tC, bas_year, alt_year, discount_pct, rate_change_pct):
    r"""Net present value of a carbon-stock change, exactly as InVEST computes ``npv_alt``.

    Parameters
    ----------
    change_tC : numeric
        Carbon stock change alt − bas [t C] or [t C ha⁻¹] (positive = sequestration).
    price_per_tC : numeric
        Price per tonne of elemental carbon [currency t C⁻¹].
    bas_year, alt_year : int or array of int
        Baseline and alternate years [yr].
    discount_pct : numeric
        Annual discount rate [%].
    rate_change_pct : numeric
        Annual relative change of the carbon price [%].

    Returns
    -------
    numeric
        Value [currency] or [currency ha⁻¹]; numpy arrays broadcast.

    Notes
    -----
    .. math::

        NPV = s \cdot \frac{V}{q - p} \sum_{t=0}^{q-p-1}
              \frac{1}{(1 + r/100)^t (1 + c/100)^t}

    Examples
    --------
    >>> invest_npv(10.0, 100.0, 2020, 2030, 0, 0)
    1000.0

    References
    ----------
    .. [1] natcap/invest ``carbon.py``, ``_calculate_npv``; InVEST User's Guide, carbon
       valuation equation.
    """
    k = invest_valuation_constant(price_per_tC, bas_year, alt_year, discount_pct, rate_change_pct)
    if isinstance(change_tC, list | tuple):
        change_tC = np.asarray(change_tC, dtype=float)
    out = change_tC * k
    return out if np.ndim(out) else float(out)
