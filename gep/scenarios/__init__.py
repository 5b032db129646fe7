"""Scenarios: what-if changes to coefficients and inventories, compared in one vectorized call.

A scenario is one YAML file (a dataset's ``scenarios/`` folder holds them). It never edits the
coefficient or inventory files: coefficient changes become :class:`~gep.coefficients.Override`
objects on a copy of the set, inventory changes are applied to a copy of ``Dataset.data``.

File format (every key but ``name`` is optional; unknown keys are errors). The format is declared
once as pydantic models in :mod:`gep.scenarios.schema` and published as JSON Schema in
``docs/schemas/scenario.schema.json`` (``python -m gep.schemas --write``)::

    name: {zh: 碳价翻倍, en: Carbon price doubled}
    description: {zh: ..., en: ...}
    coefficients: ankang              # base coefficient set (default: the set passed in)
    overrides:                        # coefficient overrides, applied in order
      - regulating.carbon_sequestration.price*=2          # the --set syntax, or a mapping:
      - {id: regulating.carbon_sequestration.rate, key: forest, scale: 1.1, from_year: 2023}
      - {id: material.hydropower.price, set: 0.35, unit: CNY/kWh, price_year: 2020}
    inventory_edits:                  # set | scale | add on a copy of the inventory
      - {item: population, region: "610902", from_year: 2023, scale: 1.02}
      - {item: area, ecosystem: garden, region: ["610924"], year: 2024, add: 300 mu}
    land_conversions:                 # move area, keeping each region's total area
      - {from: farmland.dry, to: forest.broadleaf, area: 500 mu, region: "610923", from_year: 2022}
    carbon_price:                     # a price path: year -> price
                                      # (sets ...carbon_sequestration.price)
      unit: CNY/tCO2e                 # default; prices are in each year's prices unless price_year
      interpolate: step               # step (a price holds until the next point) | linear
      path: {2022: 60, 2024: 90}
    paths:                            # the same for any coefficient (scalar ones)
      - {id: material.hydropower.price, unit: CNY/kWh, path: {2023: 0.3}}

Values with units (``add: 300 mu``, ``area: 500 mu``) are strings "NUMBER UNIT"; a bare number
is in the item's canonical unit (area: hectare). ``region`` is one code or a list (default: all
regions); years are chosen with ``year`` (one or a list) or ``from_year`` (that year on).

Order of application: ``overrides``, then ``paths``/``carbon_price`` (coefficients);
``inventory_edits`` in file order, then ``land_conversions`` in file order (inventory).

Evaluation (:func:`account_scenarios`) stacks the scenario inventories along a ``scenario``
dimension (only the variables a scenario changes carry it) and passes the coefficients that
differ as ``extra_coefficients`` arrays with a ``scenario`` dimension, so baseline and every
scenario go through **one** call of :func:`gep.accounting.account` — every coefficient,
the forest carbon module's ``carbon.*`` parameters included, is read through the account's
one coefficient route, so each can differ by scenario. When a
land conversion creates an ecosystem the dataset lacks, every stacked inventory gets that
ecosystem with zero area (other items NaN: "not assessed" where the new land needs them).

The package by job: :mod:`~gep.scenarios.model` (the data classes), :mod:`~gep.scenarios.schema`
(the declared format), :mod:`~gep.scenarios.load` (reading files), :mod:`~gep.scenarios.apply`
(changes applied to copies), :mod:`~gep.scenarios.reads` (which coefficients the account reads),
:mod:`~gep.scenarios.run` (stacked evaluation), :mod:`~gep.scenarios.compare` (differences).
"""

from __future__ import annotations

from .apply import apply_scenario, scenario_overrides
from .compare import Comparison, compare
from .load import dataset_scenarios, load_scenario, load_scenarios, parse_scenario
from .model import (
    BASELINE,
    CARBON_PRICE_ID,
    CoefficientPath,
    InventoryEdit,
    LandConversion,
    OverrideSpec,
    Scenario,
)
from .reads import Request, probe, request_keys, resolved
from .run import ScenarioStack, account_scenarios, stack_scenarios

__all__ = [
    "BASELINE",
    "CARBON_PRICE_ID",
    "CoefficientPath",
    "Comparison",
    "InventoryEdit",
    "LandConversion",
    "OverrideSpec",
    "Request",
    "Scenario",
    "ScenarioStack",
    "account_scenarios",
    "apply_scenario",
    "compare",
    "dataset_scenarios",
    "load_scenario",
    "load_scenarios",
    "parse_scenario",
    "probe",
    "request_keys",
    "resolved",
    "scenario_overrides",
    "stack_scenarios",
]
