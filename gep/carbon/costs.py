"""Sourced defaults for a carbon project's finance inputs, read from a coefficient set.

Every default the CLI and the app offer — costs by phase, fees, the verification schedule,
leakage, the uncertainty deduction, the discount rate and the Monte Carlo spreads — is a
coefficient under ``carbon.project.*`` with a unit, a source and a status; nothing is a
silent zero. :func:`project_defaults` resolves them for a year through the same
:class:`gep.coefficients.CoefficientSet` that :mod:`gep.carbon.params` reads; no file I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError, MissingCoefficientError, Problem


@dataclass(frozen=True)
class DefaultSpec:
    """One project input whose default is a coefficient."""

    name: str
    coefficient_id: str
    unit: str


_SPECS = [
    DefaultSpec("establishment", "carbon.project.cost_establishment", "CNY / hectare"),
    DefaultSpec("management", "carbon.project.cost_management", "CNY / hectare / year"),
    DefaultSpec("validation", "carbon.project.cost_design_validation", "CNY"),
    DefaultSpec("verification", "carbon.project.cost_verification", "CNY"),
    DefaultSpec("registry_fee", "carbon.project.registry_fee", "CNY / tCO2e"),
    DefaultSpec("fee_share", "carbon.project.trading_fee_share", "dimensionless"),
    DefaultSpec("verification_first", "carbon.project.verification_first", "year"),
    DefaultSpec("verification_interval", "carbon.project.verification_interval", "year"),
    DefaultSpec("leakage_share", "carbon.project.leakage_share", "dimensionless"),
    DefaultSpec("uncertainty_deduction", "carbon.project.uncertainty_deduction", "dimensionless"),
    DefaultSpec("discount_pct", "carbon.project.discount_rate", "percent"),
    DefaultSpec("price_sd", "carbon.project.price_sd", "dimensionless"),
    DefaultSpec("cost_sd", "carbon.project.cost_sd", "dimensionless"),
]

#: Input name -> :class:`DefaultSpec`.
DEFAULT_SPECS: dict[str, DefaultSpec] = {s.name: s for s in _SPECS}


@dataclass(frozen=True)
class ProjectDefault:
    """A resolved default: value in ``unit``, where it came from, and how sure it is."""

    name: str
    coefficient_id: str
    value: float
    unit: str
    status: str
    source: str
    description_zh: str
    description_en: str
    price_year: int | None = None
    note: str = ""

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def format_source(source: dict) -> str:
    """One-line citation from a coefficient's ``source`` mapping (title, issuer, year, clause,
    link)."""
    parts = [str(source[k]) for k in ("title", "issuer", "year", "clause", "link") if source.get(k)]
    return "; ".join(parts)


def _resolve(cset, cid: str, unit: str, year: int) -> tuple[float, int]:
    """Value of a scalar coefficient in ``unit`` for ``year``; money outside the price index's
    years is taken at its own price year (constant prices, never extrapolated)."""
    try:
        arr = cset.array(cid, [int(year)], unit=unit)
        return float(arr.values.ravel()[0]), int(year)
    except MissingCoefficientError:
        raise
    except InputError:
        entry = cset[cid].entry_for(int(year))
        if entry.price_year is None:
            raise
        arr = cset.array(cid, [int(entry.price_year)], unit=unit)
        return float(arr.values.ravel()[0]), int(entry.price_year)


def project_defaults(cset, year: int) -> dict[str, ProjectDefault]:
    """Every project default resolved for ``year`` from a coefficient set.

    Parameters
    ----------
    cset : gep.coefficients.CoefficientSet
    year : int
        Project start year; money values are expressed at the prices of ``year`` (or of their
        own price year when the price index does not reach ``year``, recorded in
        ``price_year``).

    Returns
    -------
    dict
        Input name -> :class:`ProjectDefault`.

    Raises
    ------
    MissingCoefficientError
        Listing every ``carbon.project.*`` coefficient the set lacks.
    """
    missing = [
        Problem(s.coefficient_id, "coefficient not in the set", field=s.name)
        for s in _SPECS
        if s.coefficient_id not in cset
    ]
    if missing:
        raise MissingCoefficientError(missing)
    out = {}
    for spec in _SPECS:
        coefficient = cset[spec.coefficient_id]
        value, at_year = _resolve(cset, spec.coefficient_id, spec.unit, year)
        entry = coefficient.entry_for(int(year))
        out[spec.name] = ProjectDefault(
            name=spec.name,
            coefficient_id=spec.coefficient_id,
            value=value,
            unit=spec.unit,
            status=entry.status,
            source=format_source(entry.source),
            description_zh=str(coefficient.description.get("zh", "")),
            description_en=str(coefficient.description.get("en", "")),
            price_year=at_year if coefficient.is_money else None,
            note=str(entry.note or ""),
        )
    return out
