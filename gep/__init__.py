"""GEP (生态产品总值) accounting system.

Python API::

    from gep import load_dataset, load_set, account
    acc = account(load_dataset("datasets/ankang"), load_set("ankang"))
    acc.gep()            # CNY per region and year
    acc.to_frame("en")   # tidy rows
"""

from importlib import import_module

from . import units  # noqa: F401  (registers the pint application registry first)

#: public name → module it lives in; imported on first use (PEP 562), so that
#: ``import gep`` (and ``gep --help``) does not pull in scipy, dask or SALib
_LAZY = {
    "Account": "accounting",
    "account": "accounting",
    "CoefficientSet": "coefficients",
    "Override": "coefficients",
    "load_set": "coefficients",
    "InputError": "errors",
    "MissingCoefficientError": "errors",
    "Problem": "errors",
    "PROFILES": "indicators",
    "REGISTRY": "indicators",
    "indicators_for": "indicators",
    "Dataset": "inventory",
    "dataset_from_frames": "inventory",
    "load_dataset": "inventory",
    "validate_dataset": "inventory",
    "account_scenarios": "scenarios",
    "compare": "scenarios",
    "load_scenario": "scenarios",
    "load_scenarios": "scenarios",
    "sobol": "sensitivity",
    "tornado": "sensitivity",
    "monte_carlo": "uncertainty",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'gep' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


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
