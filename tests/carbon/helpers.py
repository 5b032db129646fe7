"""Helpers for gep.carbon tests.

The coefficient YAML files are read directly with PyYAML here (tests only), so the carbon tests
do not depend on the coefficient-set loader.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr
import yaml

from gep.carbon import PARAMETERS, parameters_from_mapping, species_parameters
from gep.errors import MissingCoefficientError, Problem

COEFFICIENT_ROOT = Path(__file__).resolve().parents[2] / "coefficients" / "national"
CARBON_DIR = COEFFICIENT_ROOT / "carbon"


def read_table(coefficient_id: str) -> dict[str, float]:
    """Latest dated value table of one carbon coefficient file."""
    path = COEFFICIENT_ROOT.joinpath(*coefficient_id.split(".")).with_suffix(".yaml")
    if not path.exists():
        raise MissingCoefficientError(
            Problem(str(path), f"coefficient '{coefficient_id}' not found")
        )
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    latest = sorted(raw["values"], key=str)[-1]
    return {str(k): float(v) for k, v in raw["values"][latest]["value"].items()}


def yaml_lookup(coefficient_id: str, keys: list[str]) -> dict[str, float]:
    """A ``lookup`` like the one the coefficient loader provides: omits keys the table lacks."""
    table = read_table(coefficient_id)
    return {k: table[k] for k in keys if k in table}


GROWTH_SPECIES = ["pinus_massoniana", "cunninghamia", "pinus_tabuliformis", "populus"]


def national_params():
    """All parameters for the species that have them all (from the YAML files)."""
    return species_parameters(yaml_lookup, GROWTH_SPECIES, list(PARAMETERS))


def simple_params():
    """Round-number parameters for hand-computed cases (two species groups)."""
    return parameters_from_mapping(
        {
            "wood_density": {"pine": 0.5, "oak": 0.6},
            "bef": {"pine": 1.2, "oak": 1.5},
            "root_shoot_ratio": {"pine": 0.25, "oak": 0.2},
            "carbon_fraction": {"pine": 0.5, "oak": 0.5},
            "fang_a": {"pine": 0.5, "oak": 1.0},
            "fang_b": {"pine": 20.0, "oak": 10.0},
            "bcef_s": {"pine": 0.75, "oak": 1.4},
            "bcef_i": {"pine": 0.6, "oak": 0.9},
            "bcef_r": {"pine": 0.8, "oak": 1.5},
            "dead_wood_fraction": {"pine": 0.02, "oak": 0.02},
            "litter_fraction": {"pine": 0.04, "oak": 0.04},
        }
    )


def inventory(
    area, stock, years=(2015, 2020), regions=("610902",), species=("pine", "oak"), **extra
):
    """Build an inventory Dataset over (region, year, species) from nested lists."""
    coords = {"region": list(regions), "year": list(years), "species": list(species)}
    dims = ("region", "year", "species")
    data = {
        "forest.area": xr.DataArray(
            np.array(area, dtype=float), dims=dims, coords=coords, attrs={"units": "hectare"}
        ),
        "forest.stock": xr.DataArray(
            np.array(stock, dtype=float), dims=dims, coords=coords, attrs={"units": "m ** 3"}
        ),
    }
    for name, (values, unit) in extra.items():
        data[name.replace("_", ".", 1)] = xr.DataArray(
            np.array(values, dtype=float), dims=dims, coords=coords, attrs={"units": unit}
        )
    return xr.Dataset(data)
