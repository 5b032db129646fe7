"""One entry point for every report format: ``write_report(acc, out, fmt, year, region)``."""

from __future__ import annotations

import io
from pathlib import Path

from ..accounting import Account
from ..errors import InputError, Problem
from ..safeio import atomic_write_bytes, check_output_path

FORMATS = ("docx", "pdf", "xlsx")
MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def format_for(out: str | Path, fmt: str | None) -> str:
    """The format asked for, or the one the file name ends in; InputError otherwise."""
    if fmt is None:
        fmt = Path(out).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(
            Problem(
                "--format",
                f"报告格式应为 {' | '.join(FORMATS)}，收到 '{fmt}' / format must be one of "
                f"{', '.join(FORMATS)}",
            )
        )
    return fmt


def report_bytes(
    acc: Account,
    fmt: str,
    year: int | None = None,
    region: str | None = None,
    lang: str = "zh",
    unit: str = "wan_CNY",
    data_status_label: str | None = None,
) -> bytes:
    """The report file's bytes (for downloads); InputError for a year/region not in the account."""
    fmt = format_for("", fmt)
    if fmt == "xlsx":
        from .excel import write_xlsx

        buf = io.BytesIO()
        write_xlsx(acc, buf, lang=lang, year=year, region=region, unit=unit)
        return buf.getvalue()
    from .document import build_report

    report = build_report(acc, year, region, lang, unit, data_status_label)
    if fmt == "docx":
        from .docx_writer import render_docx

        return render_docx(report)
    from .pdf_writer import render_pdf

    return render_pdf(report)


def report_filename(
    acc: Account, fmt: str, year: int | None, region: str | None, lang: str = "zh"
) -> str:
    """A file name that says what is inside: ``平利县_2024年_GEP核算报告.pdf``."""
    y = int(year if year is not None else acc.years[-1])
    top = acc.dataset.top_region if acc.dataset is not None else None
    code = region or top
    name = acc.region_name(code, lang) if code else "GEP"
    if lang == "zh":
        return f"{name}_{y}年_GEP核算报告.{fmt}"
    return f"GEP_report_{name.replace(' ', '_')}_{y}.{fmt}"


def write_report(
    acc: Account,
    out: str | Path,
    fmt: str | None = None,
    year: int | None = None,
    region: str | None = None,
    lang: str = "zh",
    unit: str = "wan_CNY",
) -> Path:
    """Write the report to ``out`` atomically; nothing is written when anything fails."""
    fmt = format_for(out, fmt)
    path = check_output_path(out)
    data = report_bytes(acc, fmt, year, region, lang, unit)
    return atomic_write_bytes(path, data)
