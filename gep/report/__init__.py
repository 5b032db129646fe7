"""Reports: tidy rows (JSON/CSV contract), the formatted Excel workbook, and the Word / PDF
accounting report in the layout GEP reports use.

Nothing here computes GEP; it lays out an :class:`~gep.accounting.Account`.
"""

from .excel import write_xlsx
from .labels import option_label, profile_label, reason_label, status_label, unit_label
from .tables import (
    MONEY_LABELS,
    MONEY_UNITS,
    coefficient_table,
    county_table,
    json_payload,
    ledger_frame,
    summary_frame,
)

__all__ = [
    "MONEY_LABELS",
    "MONEY_UNITS",
    "coefficient_table",
    "county_table",
    "json_payload",
    "ledger_frame",
    "option_label",
    "profile_label",
    "reason_label",
    "status_label",
    "summary_frame",
    "unit_label",
    "write_xlsx",
]
