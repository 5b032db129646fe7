"""Method variants that profiles name but the indicator engine does not call yet (issue 11).

Pure, unit-checked functions in the style of :mod:`gep.indicators` (``declare_units``), kept
apart from ``gep/indicators/`` while that package is being rewritten:

* :mod:`gep.methods.carbon` — CO₂ fixed by net ecosystem productivity (NEP = NPP − Rh) and by
  biomass stock change (delegating to :mod:`gep.carbon`);
* :mod:`gep.methods.climate` — local climate regulation by measured temperature difference.

``gep.profiles.METHODS`` names them (``function``) with ``engine=None`` until wired.
"""

from .carbon import co2_from_biomass_change, co2_from_nep, co2_from_nep_total, nep
from .climate import (
    air_column_heat_capacity,
    cooling_electricity,
    cooling_energy_temperature_difference,
)

__all__ = [
    "air_column_heat_capacity",
    "co2_from_biomass_change",
    "co2_from_nep",
    "co2_from_nep_total",
    "cooling_electricity",
    "cooling_energy_temperature_difference",
    "nep",
]
