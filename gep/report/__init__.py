"""Reports: tidy rows (JSON/CSV contract), the formatted Excel workbook, and the Word / PDF
accounting report in the layout GEP reports use.

Nothing here computes GEP; it lays out an :class:`~gep.accounting.Account`.
"""

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


def __getattr__(name: str):
    # the Excel writer (openpyxl, ~0.1 s to import) is loaded on first use, so that
    # `gep account` in table/json/csv format does not import it (issue 9)
    if name == "write_xlsx":
        from .excel import write_xlsx

        globals()["write_xlsx"] = write_xlsx
        return write_xlsx
    raise AttributeError(f"module 'gep.report' has no attribute {name!r}")


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
