"""Indicator formulas (pure, unit-checked) and their registry.

Importing this package registers every indicator of the ``ndrc-2022`` and ``xie-2015``
profiles in :data:`REGISTRY`.
"""

from . import cultural, material, regulating, xie2015  # noqa: F401  (registration side effects)
from .base import (
    CATEGORIES,
    REGISTRY,
    Component,
    Context,
    DeclarationError,
    Indicator,
    NotAssessed,
    Quantities,
    Result,
    Scope,
    Step,
    Valuation,
    coef,
    coef_family,
    coef_ref,
    declare_units,
    evaluate,
    get_indicator,
    indicators_for,
    inputs,
    item,
    item_family,
    item_ref,
    price_valuation,
)

PROFILES = {
    "ndrc-2022": {
        "zh": "国家规范（发改基础〔2022〕481号）方法",
        "en": "NDRC/NBS 2022 specification method family",
    },
    "xie-2015": {"zh": "谢高地2015当量因子法", "en": "Xie et al. 2015 equivalent factors"},
}

__all__ = [
    "CATEGORIES",
    "PROFILES",
    "REGISTRY",
    "Component",
    "Context",
    "DeclarationError",
    "Indicator",
    "NotAssessed",
    "Quantities",
    "Result",
    "Scope",
    "Step",
    "Valuation",
    "coef",
    "coef_family",
    "coef_ref",
    "declare_units",
    "evaluate",
    "get_indicator",
    "indicators_for",
    "inputs",
    "item",
    "item_family",
    "item_ref",
    "price_valuation",
]
