"""Species-group parameter tables for :mod:`gep.carbon`.

The science functions take parameters as plain numbers or xarray objects. This module is the
adapter between a coefficient set (``coefficients/<set>/carbon/...``) and those functions: it
asks a generic ``lookup(coefficient_id, keys) -> {key: value}`` callable for each parameter and
builds an :class:`xarray.Dataset` over ``species``, one variable per parameter. Nothing here
reads files; :func:`lookup_from_set` wraps a loaded :class:`gep.coefficients.CoefficientSet`.

Every missing ``(coefficient, species)`` pair is collected before anything is raised, so an
analyst sees the whole list at once (:class:`gep.errors.MissingCoefficientError`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from ..errors import InputError, MissingCoefficientError, Problem

#: Species-group codes known to the carbon module (``species`` dimension, DESIGN §3).
SPECIES: tuple[str, ...] = (
    "quercus",
    "pinus_massoniana",
    "pinus_armandii",
    "pinus_tabuliformis",
    "cunninghamia",
    "cupressus",
    "populus",
    "broadleaf_mixed",
    "bamboo",
)

#: Species groups without a volume-based biomass model, and what to do instead.
NO_VOLUME_MODEL: dict[str, str] = {
    "bamboo": (
        "bamboo has no volume-based (B–V) biomass model; account bamboo carbon separately "
        "(e.g. culm count × 10.44 kg per culm, Zhang Maozhen et al. 2009 as used by "
        "Li Yin et al. 2016) "
        "and drop it from the forest inventory passed to gep.carbon"
    ),
}

#: Biomass routes for the growing stock (see :mod:`gep.carbon.biomass`).
BIOMASS_METHODS: tuple[str, ...] = ("bef", "bcef", "fang")
#: County sink methods (IPCC 2006 Vol. 4 Ch. 2).
SINK_METHODS: tuple[str, ...] = ("stock-difference", "gain-loss")


@dataclass(frozen=True)
class ParameterSpec:
    """One species parameter: its name in the table, coefficient id and unit."""

    name: str
    coefficient_id: str
    unit: str
    description: str


_SPECS = [
    ParameterSpec("wood_density", "carbon.wood_density", "t / m ** 3", "basic wood density WD"),
    ParameterSpec("bef", "carbon.bef", "dimensionless", "biomass expansion factor (AGB / stem)"),
    ParameterSpec(
        "root_shoot_ratio", "carbon.root_shoot_ratio", "dimensionless", "root-to-shoot ratio R"
    ),
    ParameterSpec(
        "carbon_fraction", "carbon.carbon_fraction", "dimensionless", "carbon fraction CF"
    ),
    ParameterSpec("fang_a", "carbon.fang_a", "t / m ** 3", "Fang B = aV + b, slope a"),
    ParameterSpec("fang_b", "carbon.fang_b", "t / hectare", "Fang B = aV + b, intercept b"),
    ParameterSpec("bcef_s", "carbon.bcef_s", "t / m ** 3", "BCEF for growing stock"),
    ParameterSpec("bcef_i", "carbon.bcef_i", "t / m ** 3", "BCEF for net increment"),
    ParameterSpec("bcef_r", "carbon.bcef_r", "t / m ** 3", "BCEF for wood removals"),
    ParameterSpec(
        "dead_wood_fraction",
        "carbon.dead_wood_fraction",
        "dimensionless",
        "dead-wood carbon / above-ground tree carbon",
    ),
    ParameterSpec(
        "litter_fraction",
        "carbon.litter_fraction",
        "dimensionless",
        "litter carbon / above-ground tree carbon",
    ),
    ParameterSpec(
        "richards_a",
        "carbon.growth.richards_a",
        "t / hectare",
        "Richards asymptote a (above-ground t C/ha)",
    ),
    ParameterSpec(
        "richards_a_se",
        "carbon.growth.richards_a_se",
        "t / hectare",
        "standard error of a (t C/ha)",
    ),
    ParameterSpec("richards_k", "carbon.growth.richards_k", "1 / year", "Richards rate k"),
    ParameterSpec("richards_m", "carbon.growth.richards_m", "dimensionless", "Richards shape m"),
    ParameterSpec("max_age", "carbon.growth.max_age", "year", "oldest age in the fitting data"),
]

#: Parameter name -> :class:`ParameterSpec`.
PARAMETERS: dict[str, ParameterSpec] = {s.name: s for s in _SPECS}

Lookup = Callable[[str, list[str]], Mapping[str, float]]


def required_parameters(
    method: str = "stock-difference",
    biomass: str = "bef",
    *,
    dead_wood: bool = False,
    litter: bool = False,
    disturbance: bool = True,
) -> list[str]:
    """Names of the species parameters a county-sink run needs.

    Parameters
    ----------
    method : {'stock-difference', 'gain-loss'}
    biomass : {'bef', 'bcef', 'fang'}
    dead_wood, litter : bool
        Whether the dead-wood / litter pools are added (stock-difference only).
    disturbance : bool
        Whether disturbance losses are computed (gain-loss only); they need the growing-stock
        conversion as well.
    """
    check_choice("method", method, SINK_METHODS)
    check_choice("biomass", biomass, BIOMASS_METHODS)
    names = ["carbon_fraction"]
    if method == "stock-difference":
        names += {
            "bef": ["wood_density", "bef", "root_shoot_ratio"],
            "bcef": ["bcef_s", "root_shoot_ratio"],
            "fang": ["fang_a", "fang_b"],
        }[biomass]
        if dead_wood or litter:
            if biomass == "fang":
                names.append("root_shoot_ratio")
            if dead_wood:
                names.append("dead_wood_fraction")
            if litter:
                names.append("litter_fraction")
    else:
        names += {
            "bef": ["wood_density", "bef", "root_shoot_ratio"],
            "bcef": ["bcef_i", "bcef_r", "root_shoot_ratio"] + (["bcef_s"] if disturbance else []),
            "fang": ["fang_a"] + (["fang_b"] if disturbance else []),
        }[biomass]
    return list(dict.fromkeys(names))


def project_parameters(
    *, dead_wood: bool = False, litter: bool = False, growth_uncertainty: bool = False
) -> list[str]:
    """Names of the species parameters the afforestation crediting estimator needs."""
    names = ["richards_a", "richards_k", "richards_m", "max_age", "root_shoot_ratio"]
    if dead_wood:
        names.append("dead_wood_fraction")
    if litter:
        names.append("litter_fraction")
    if growth_uncertainty:
        names.append("richards_a_se")
    return names


def check_choice(name: str, value: str, allowed: Sequence[str]) -> None:
    """Raise :class:`InputError` unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise InputError(
            Problem(
                "<options>",
                f"{name} must be one of {', '.join(allowed)}, not {value!r}",
                field=name,
            )
        )


def _missing_error(
    pairs: list[tuple[str, str]], unknown: Iterable[str] = ()
) -> MissingCoefficientError:
    problems = [
        Problem("<species>", f"unknown species '{sp}' (known: {', '.join(SPECIES)})", field=sp)
        for sp in unknown
    ]
    hinted: set[str] = set()
    for cid, sp in pairs:
        msg = "no value for this species group"
        if sp in NO_VOLUME_MODEL and sp not in hinted and not cid.startswith("carbon.growth."):
            msg += f" ({NO_VOLUME_MODEL[sp]})"
            hinted.add(sp)
        problems.append(Problem(cid, msg, field=sp))
    err = MissingCoefficientError(problems)
    err.missing = list(pairs)  # type: ignore[attr-defined]
    err.unknown_species = list(unknown)  # type: ignore[attr-defined]
    return err


def _as_float(value) -> float:
    if value is None:
        return np.nan
    magnitude = getattr(value, "magnitude", value)
    try:
        return float(np.asarray(magnitude, dtype=float))
    except (TypeError, ValueError):
        return np.nan


def species_parameters(lookup: Lookup, species: Iterable[str], names: Iterable[str]) -> xr.Dataset:
    """Build the species parameter table from a coefficient lookup.

    Parameters
    ----------
    lookup : callable
        ``lookup(coefficient_id, keys) -> {key: value}``. It may omit keys it has no value for,
        return ``None``/NaN for them, or raise :class:`~gep.errors.MissingCoefficientError` (or
        ``KeyError``); in the last case the keys are asked for one by one to find exactly which
        are missing.
    species : iterable of str
        Species-group codes needed (e.g. those in the inventory).
    names : iterable of str
        Parameter names (keys of :data:`PARAMETERS`, e.g. from :func:`required_parameters`).

    Returns
    -------
    xarray.Dataset
        One variable per parameter over ``species``, ``attrs['units']`` and
        ``attrs['coefficient_id']`` on each variable.

    Raises
    ------
    MissingCoefficientError
        Listing every missing ``(coefficient id, species)`` pair and every unknown species code
        (a code outside :data:`SPECIES` with no value in any coefficient); the pairs are also in
        ``err.missing``, the unknown codes in ``err.unknown_species``.
    """
    species = list(dict.fromkeys(str(s) for s in species))
    names = list(dict.fromkeys(names))
    unknown_names = [n for n in names if n not in PARAMETERS]
    if unknown_names:
        raise ValueError(f"unknown carbon parameter name(s): {', '.join(unknown_names)}")
    missing: list[tuple[str, str]] = []
    data = {}
    for name in names:
        spec = PARAMETERS[name]
        cid = spec.coefficient_id
        try:
            got = dict(lookup(cid, list(species)) or {})
        except (MissingCoefficientError, LookupError):
            got = {}
            for sp in species:
                with contextlib.suppress(MissingCoefficientError, LookupError):
                    got.update(lookup(cid, [sp]) or {})
        values = np.array([_as_float(got.get(sp)) for sp in species], dtype=float)
        missing += [(cid, sp) for sp, v in zip(species, values, strict=True) if not np.isfinite(v)]
        data[name] = xr.DataArray(
            values,
            dims=["species"],
            coords={"species": species},
            attrs={"units": spec.unit, "coefficient_id": cid, "description": spec.description},
        )
    # a code outside SPECIES is fine when the set has values for it (local species groups);
    # with no value at all it is reported once as an unknown species
    found = {sp: any(np.isfinite(data[n].sel(species=sp).item()) for n in names) for sp in species}
    unknown_species = [sp for sp in species if sp not in SPECIES and not found[sp]]
    missing = [(cid, sp) for cid, sp in missing if sp not in unknown_species]
    if missing or unknown_species:
        raise _missing_error(missing, unknown_species)
    return xr.Dataset(data, coords={"species": species})


def check_parameters(
    params: xr.Dataset, species: Iterable[str], names: Iterable[str]
) -> xr.Dataset:
    """Check that ``params`` has every parameter in ``names`` for every species.

    Returns ``params`` restricted to ``species`` (in that order); raises
    :class:`~gep.errors.MissingCoefficientError` listing every missing pair otherwise.
    """
    species = list(dict.fromkeys(str(s) for s in species))
    names = list(dict.fromkeys(names))
    have = [str(s) for s in params["species"].values] if "species" in params.coords else []
    unknown_species = [s for s in species if s not in SPECIES and s not in have]
    missing: list[tuple[str, str]] = []
    position = {s: i for i, s in enumerate(have)} if len(set(have)) == len(have) else None
    for name in names:
        cid = PARAMETERS[name].coefficient_id if name in PARAMETERS else name
        finite = None  # per species of ``have``: every value finite (one numpy pass)
        if name in params and position is not None and "species" in params[name].dims:
            arr = params[name]
            vals = np.asarray(arr.transpose("species", ...).values)
            finite = np.isfinite(vals.reshape(len(have), -1)).all(axis=1)
        for sp in species:
            if sp in unknown_species:
                continue
            if name not in params or sp not in have:
                missing.append((cid, sp))
                continue
            if finite is not None:
                ok = bool(finite[position[sp]])
            else:
                ok = bool(np.all(np.isfinite(params[name].sel(species=sp).values)))
            if not ok:
                missing.append((cid, sp))
    if missing or unknown_species:
        raise _missing_error(missing, unknown_species)
    if have == species:  # already those species in that order (``sel`` would copy it all)
        return params
    return params.sel(species=species)


def parameters_from_mapping(mapping: Mapping[str, Mapping[str, float]]) -> xr.Dataset:
    """Build a parameter table from ``{name: {species: value}}`` (tests, notebooks, the app).

    Species absent from one parameter's mapping get NaN and count as missing when checked.
    """
    species = list(dict.fromkeys(sp for table in mapping.values() for sp in table))
    data = {}
    for name, table in mapping.items():
        attrs = {}
        if name in PARAMETERS:
            attrs = {
                "units": PARAMETERS[name].unit,
                "coefficient_id": PARAMETERS[name].coefficient_id,
            }
        data[name] = xr.DataArray(
            [float(table.get(sp, np.nan)) for sp in species],
            dims=["species"],
            coords={"species": species},
            attrs=attrs,
        )
    return xr.Dataset(data, coords={"species": species})


def lookup_from_set(cset, year: int) -> Lookup:
    """Wrap a :class:`gep.coefficients.CoefficientSet` as a ``lookup`` for
    :func:`species_parameters`.

    Values are resolved for accounting ``year`` and converted to the unit the carbon
    functions expect (:data:`PARAMETERS`), so a coefficient file in other units of the same
    dimension still works and a wrong dimension is an error. Keys the table lacks are left
    out of the returned mapping (reported as missing by :func:`species_parameters`).
    """
    units = {s.coefficient_id: s.unit for s in _SPECS}

    def lookup(coefficient_id: str, keys: list[str]) -> dict[str, float]:
        coefficient = cset[coefficient_id]  # MissingCoefficientError if absent
        if coefficient.by != "species":
            raise InputError(
                Problem(
                    getattr(coefficient, "file", coefficient_id),
                    f"'{coefficient_id}' must be a table with 'by: species'",
                    field="by",
                )
            )
        arr = cset.array(coefficient_id, [int(year)], unit=units.get(coefficient_id))
        available = {str(k) for k in arr["species"].values}
        return {k: float(arr.sel(year=int(year), species=k)) for k in keys if k in available}

    return lookup
