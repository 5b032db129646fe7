"""GEP (生态产品总值) accounting system.

Python API::

    from gep import load_dataset, load_set, account
    acc = account(load_dataset("datasets/ankang"), load_set("ankang"))
    acc.gep()            # CNY per region and year
    acc.to_frame("en")   # tidy rows
"""

from . import units  # noqa: F401  (registers the pint application registry first)
from .accounting import Account, account
from .coefficients import CoefficientSet, Override, load_set
from .errors import InputError, MissingCoefficientError, Problem
from .indicators import PROFILES, REGISTRY, indicators_for
from .inventory import Dataset, dataset_from_frames, load_dataset, validate_dataset
from .scenarios import account_scenarios, compare, load_scenario, load_scenarios
from .sensitivity import sobol, tornado
from .uncertainty import monte_carlo

__all__ = [
    "PROFILES",
    "REGISTRY",
    "Account",
    "CoefficientSet",
    "Dataset",
    "InputError",
    "MissingCoefficientError",
    "Override",
    "Problem",
    "account",
    "dataset_from_frames",
    "indicators_for",
    "load_dataset",
    "load_set",
    "validate_dataset",
    "account_scenarios",
    "compare",
    "load_scenario",
    "load_scenarios",
    "monte_carlo",
    "sobol",
    "tornado",
]
__version__ = "0.1.0"
