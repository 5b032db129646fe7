"""Forestry carbon sinks (林业碳汇): county sink, project crediting, carbon-sink pricing.

Pure functions only — no file I/O; parameters come in as numbers / numpy / xarray objects
(species tables built by :mod:`gep.carbon.params` from a coefficient set). The CLI
(``gep carbon``) lives in :mod:`gep.cli.carbon`. Coefficient ids: ``gep/carbon/README.md``.
"""

from .appraisal import (
    DEFAULT_DISCOUNT_PCT,
    ProjectAppraisal,
    appraise_project,
    area_schedule,
    monte_carlo_npv,
    resolve_price,
)
from .biomass import (
    CO2_PER_C,
    biomass_bcef,
    biomass_bef,
    biomass_fang,
    carbon_stock,
    co2e_from_carbon,
    dead_organic_matter,
)
from .costs import project_defaults
from .county import county_pricing, county_sink, county_stock
from .curves import curve_species, project_growth_parameters
from .eligibility import CREDITING_PERIOD_BOUNDS, ProjectFacts, screen
from .finance import (
    ProjectCosts,
    breakeven_price,
    cash_flow,
    cost_schedule,
    discount_factors,
    discounted_payback,
    irr,
    irr_with_reason,
    npv,
)
from .growth import beyond_data_range, richards_agc
from .invest import invest_npv, invest_valuation_constant
from .ipcc import (
    gain_increment,
    gain_loss,
    loss_disturbance,
    loss_fuelwood,
    loss_wood_removals,
    stock_difference,
)
from .issuance import VerificationSchedule, issued_credits, verification_mask
from .params import (
    BIOMASS_METHODS,
    PARAMETERS,
    SINK_METHODS,
    SPECIES,
    check_parameters,
    lookup_from_set,
    parameters_from_mapping,
    project_parameters,
    required_parameters,
    species_parameters,
)
from .prices import (
    PRICE_SCENARIOS,
    PriceScenario,
    carbon_price_from_co2,
    co2_price_from_carbon,
    price_path,
    price_path_table,
    price_scenario,
)
from .project import (
    credited_removals,
    crediting_years,
    make_strata,
    project_carbon_density,
    project_removals,
    stand_age,
)

__all__ = [
    "CREDITING_PERIOD_BOUNDS",
    "ProjectFacts",
    "VerificationSchedule",
    "county_pricing",
    "curve_species",
    "irr_with_reason",
    "issued_credits",
    "project_defaults",
    "project_growth_parameters",
    "screen",
    "verification_mask",
    "BIOMASS_METHODS",
    "CO2_PER_C",
    "DEFAULT_DISCOUNT_PCT",
    "PARAMETERS",
    "PRICE_SCENARIOS",
    "SINK_METHODS",
    "SPECIES",
    "PriceScenario",
    "ProjectAppraisal",
    "ProjectCosts",
    "appraise_project",
    "area_schedule",
    "beyond_data_range",
    "biomass_bcef",
    "biomass_bef",
    "biomass_fang",
    "breakeven_price",
    "carbon_stock",
    "carbon_price_from_co2",
    "cash_flow",
    "check_parameters",
    "co2_price_from_carbon",
    "co2e_from_carbon",
    "cost_schedule",
    "county_sink",
    "county_stock",
    "credited_removals",
    "crediting_years",
    "dead_organic_matter",
    "discount_factors",
    "discounted_payback",
    "gain_increment",
    "gain_loss",
    "invest_npv",
    "invest_valuation_constant",
    "irr",
    "lookup_from_set",
    "loss_disturbance",
    "loss_fuelwood",
    "loss_wood_removals",
    "make_strata",
    "monte_carlo_npv",
    "npv",
    "parameters_from_mapping",
    "price_path",
    "price_path_table",
    "price_scenario",
    "project_carbon_density",
    "project_parameters",
    "project_removals",
    "required_parameters",
    "resolve_price",
    "richards_agc",
    "species_parameters",
    "stand_age",
    "stock_difference",
]
