"""When credits are issued: verification events and the credits issued at each.

Forestry credits are not sold as the trees grow: the project is monitored, a third party
verifies the removals since the last verification, and the registry issues them. The
schedule here is: first verification in project year ``first`` (≥ 3), then every
``interval`` years, and a final one at the end of the crediting period (``final=True``), so
every credited tonne is issued once. Revenue follows issuance
(:func:`gep.carbon.appraisal.appraise_project`).

References
----------
.. [1] Decision 5/CMP.1, Annex, paragraph 32 (CDM A/R: initial verification at a time chosen
   by the project participants, thereafter every five years until the end of the crediting
   period), http://www.cdmrulebook.org/237.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from ..errors import InputError, Problem

#: Earliest project year of the first verification (a young plantation has credited little).
EARLIEST_FIRST_VERIFICATION = 3


@dataclass(frozen=True)
class VerificationSchedule:
    """Verification (and issuance) events in project years 1, 2, … (year 1 = first crediting year).

    Attributes
    ----------
    first : int
        Project year of the first verification [yr], ≥ 3.
    interval : int
        Years between later verifications [yr], ≥ 1.
    final : bool
        Also verify in the last crediting year (so no credited tonne is left unissued).
    """

    first: int = 5
    interval: int = 5
    final: bool = True

    def __post_init__(self):
        problems = []
        try:
            first, interval = int(self.first), int(self.interval)
        except (TypeError, ValueError):
            raise InputError(
                Problem("<input>", "verification years must be whole numbers", field="verification")
            ) from None
        if first != self.first or interval != self.interval:
            problems.append(
                Problem(
                    "<input>",
                    "verification years must be whole numbers",
                    field="verification_first" if first != self.first else "verification_interval",
                )
            )
        if first < EARLIEST_FIRST_VERIFICATION:
            problems.append(
                Problem(
                    "<input>",
                    f"the first verification must be in project year {EARLIEST_FIRST_VERIFICATION} "
                    f"or later, not {self.first}",
                    field="verification_first",
                )
            )
        if interval < 1:
            problems.append(
                Problem(
                    "<input>",
                    f"the verification interval must be ≥ 1 year, not {self.interval}",
                    field="verification_interval",
                )
            )
        if problems:
            raise InputError(problems)
        object.__setattr__(self, "first", first)
        object.__setattr__(self, "interval", interval)


def verification_mask(n_years: int, schedule: VerificationSchedule) -> np.ndarray:
    r"""True in the project years (0-based index) in which a verification takes place.

    Parameters
    ----------
    n_years : int
        Length of the crediting period [yr].
    schedule : VerificationSchedule

    Returns
    -------
    numpy.ndarray of bool
        Length ``n_years``; index ``i`` is project year ``t = i + 1``.

    Notes
    -----
    Events at :math:`t = f + k\,m` (:math:`k = 0, 1, \dots`, :math:`t \le n`) and at
    :math:`t = n` when ``final``.
    """
    t = np.arange(1, int(n_years) + 1)
    mask = (t >= schedule.first) & ((t - schedule.first) % schedule.interval == 0)
    if schedule.final and n_years > 0:
        mask[-1] = True
    return mask


def issued_credits(credited: xr.DataArray, mask, dim: str = "year") -> xr.DataArray:
    r"""Credits issued per year: at each verification, everything credited since the last one.

    Parameters
    ----------
    credited : xarray.DataArray
        Credited (net) removals per year [t CO₂e yr⁻¹] over ``dim`` (may carry extra dims,
        e.g. ``draw``).
    mask : array_like of bool
        Verification years (:func:`verification_mask`), same length as ``dim``.
    dim : str
        Year dimension.

    Returns
    -------
    xarray.DataArray
        Issued credits [t CO₂e] over ``dim``; 0 in years without a verification.

    Notes
    -----
    With :math:`C_t = \sum_{s \le t} ER_s` and verifications :math:`v_1 < v_2 < \dots`,
    :math:`I_{v_j} = C_{v_j} - C_{v_{j-1}}` (:math:`C_{v_0} = 0`), :math:`I_t = 0` otherwise.
    Credits after the last verification are not issued (use ``final=True``).
    """
    mask = np.asarray(mask, dtype=bool)
    n = credited.sizes[dim]
    if mask.size != n:
        raise ValueError(f"mask has {mask.size} years, credited has {n}")
    cumulative = credited.cumsum(dim)
    latest = np.maximum.accumulate(np.where(mask, np.arange(n), -1))
    picker = xr.DataArray(np.clip(latest, 0, None), dims=[dim])
    at_latest = cumulative.isel({dim: picker}).assign_coords({dim: credited[dim]})
    at_latest = at_latest * xr.DataArray(latest >= 0, dims=[dim], coords={dim: credited[dim]})
    issued = at_latest - at_latest.shift({dim: 1}, fill_value=0.0)
    issued.attrs = {"units": "tCO2e"}
    return issued
