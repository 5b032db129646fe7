"""The project's single pint unit registry.

Every module imports ``ureg`` / ``Q_`` from here; nothing else creates a registry. The
registry is created with ``force_ndarray_like=True`` (needed by pint-xarray) and registered
as pint's application registry so that quantities survive pickling, which
``st.cache_data`` relies on.

Money is its own base dimension ``[currency]``: a price can only be converted to another
price, never silently to a physical unit. Exchange rates and price years are *not* unit
conversions; they live in coefficient metadata and price indices.

Canonical internal units (DESIGN §4): area ``hectare``, money ``CNY``, mass ``t``, water
``m**3``, energy ``kWh``, carbon ``tCO2e``.
"""

from __future__ import annotations

import os

import pint


def _pint_cache_folder() -> str | None:
    """pint's definition cache in the gep cache folder, one subfolder per pint installation.

    pint's own ``:auto:`` folder (``~/.cache/pint``) is shared by every installation of the
    same pint version; an entry written by another virtualenv names that environment's files
    and fails to load here (found with several checkouts side by side), so each process
    silently fell back to parsing (~0.15 s).
    """
    import hashlib

    from .cache import ensure_dir

    key = hashlib.sha1(f"{pint.__file__}|{pint.__version__}".encode()).hexdigest()[:16]
    folder = ensure_dir(f"pint/{key}")
    return None if folder is None else str(folder)


def _registry() -> pint.UnitRegistry:
    """pint's default definitions, parsed once and cached on disk by pint (flexcache).

    Parsing them costs ~0.15-0.4 s per process without the cache; ``GEP_PINT_CACHE=0`` (or
    ``GEP_CACHE_DIR=off``) turns the cache off, and an unusable cache falls back to parsing.
    """
    kwargs = {"force_ndarray_like": True, "autoconvert_offset_to_baseunit": True}
    if os.environ.get("GEP_PINT_CACHE", "1") != "0":
        try:
            folder = _pint_cache_folder()
            if folder is not None:
                return pint.UnitRegistry(cache_folder=folder, **kwargs)
        except Exception:  # noqa: BLE001 - read-only home, broken cache file: parse instead
            pass
    return pint.UnitRegistry(**kwargs)


ureg = _registry()

_DEFINITIONS = [
    # money
    "CNY = [currency] = 元 = yuan = RMB",
    "wan_CNY = 1e4 * CNY = 万元 = wan_yuan",
    "yi_CNY = 1e8 * CNY = 亿元 = yi_yuan",
    # area: 1 亩 is exactly 10000/15 m² (statutory), so 15 亩 = 1 ha
    "mu = 10000 / 15 * meter ** 2 = 亩",
    "wan_mu = 1e4 * mu = 万亩",
    "gongqing = hectare = 公顷",
    # carbon: tonnes of CO2 equivalent, and tonnes of carbon *as a quantity of CO2 fixed or
    # priced*: 1 tC = 44/12 tCO2e (molar masses), a defined conversion, so prices and
    # quantities may be given in either (CNY/tC → CNY/tCO2e divides by 44/12). Carbon stocks
    # inside gep.carbon stay plain mass (t C) converted by its explicit 44/12 factor.
    "tCO2e = [co2e_mass] = tCO2 = t_CO2e",
    "ktCO2e = 1e3 * tCO2e",
    "tC = 44 / 12 * tCO2e = t_C",
    # counts used by inventories (visitors, people, head of livestock)
    "person = [] = persons = capita = 人",
    "visit = [] = visits = person_trip = 人次",
    "head = [] = 头",
    "wan_person = 1e4 * person = 万人",
    "wan_visit = 1e4 * visit = 万人次",
    # Chinese water / mass / energy statistics units
    "wan_m3 = 1e4 * meter ** 3 = 万立方米",
    "yi_m3 = 1e8 * meter ** 3 = 亿立方米",
    "wan_t = 1e4 * metric_ton = 万吨",
    "wan_kWh = 1e4 * kilowatt_hour = 万千瓦时",
    "yi_kWh = 1e8 * kilowatt_hour = 亿千瓦时",
    "jin = 0.5 * kilogram = 斤",
]
for _line in _DEFINITIONS:
    ureg.define(_line)

pint.set_application_registry(ureg)
Q_ = ureg.Quantity

#: Canonical unit for each physical dimension used inside the system.
CANONICAL_UNITS: dict[str, str] = {
    "[length] ** 2": "hectare",
    "[currency]": "CNY",
    "[mass]": "t",
    "[length] ** 3": "m ** 3",
    "[energy]": "kWh",
    "[co2e_mass]": "tCO2e",
}


def parse_unit(text: str | pint.Unit, field: str | None = None, file: str = "<input>") -> pint.Unit:
    """Parse a unit string with the project registry, through the bounded grammar of
    :mod:`gep.unitparse` (pint's own parser evaluates arithmetic: ``9**9**9*ha`` would hang).

    Raises
    ------
    gep.unitparse.UnitError
        (an ``InputError`` and a ``ValueError``) if ``text`` is not a unit; the message names
        the string and ``field``.
    """
    from .unitparse import safe_unit

    return safe_unit(text, field, file)


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Multiplicative factor converting magnitudes in ``from_unit`` to ``to_unit``.

    Raises ``pint.DimensionalityError`` when the two units measure different things.
    """
    return float(ureg.Quantity(1.0, parse_unit(from_unit)).to(parse_unit(to_unit)).magnitude)


def same_dimension(unit_a: str, unit_b: str) -> bool:
    """True when both unit strings measure the same physical dimension."""
    return parse_unit(unit_a).dimensionality == parse_unit(unit_b).dimensionality


_EN_SYMBOLS = {"亿元": "10⁸ CNY", "万元": "10⁴ CNY", "元": "CNY", "万亩": "10⁴ mu", "亩": "mu"}


def format_unit(unit: str | pint.Unit, lang: str = "zh") -> str:
    """Short, human-readable unit string (``CNY / m ** 3`` → ``元/m³``; English: ``CNY/m³``)."""
    text = f"{parse_unit(str(unit)):~P}"
    if lang != "zh":
        for zh, en in _EN_SYMBOLS.items():
            text = text.replace(zh, en)
    return text
