"""PDF rendering of a :class:`~gep.report.document.Report` (reportlab, CJK font embedded).

The CJK TrueType font found by :func:`gep.report.fonts.cjk_font_path` is embedded (subset), so
the PDF shows Chinese on any reader; paragraphs wrap with CJK rules; table header rows repeat
on every page; A4 portrait with a footer carrying the title and the page number.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import (
    PageBreak as RLPageBreak,
)
from reportlab.platypus import Table as RLTable

from ..errors import InputError, Problem
from ..safeio import atomic_write_bytes
from .document import Figure, Heading, PageBreak, Para, Report, Table
from .fonts import cjk_font_path

FONT = "GEPCJK"


@functools.cache
def _register_font() -> str:
    path = cjk_font_path()
    try:
        kw = {"subfontIndex": 0} if path.suffix.lower() == ".ttc" else {}
        pdfmetrics.registerFont(TTFont(FONT, str(path), **kw))
    except Exception as exc:  # an unreadable or unsupported font file
        raise InputError(
            Problem("font", f"无法使用字体文件 {path}（{exc}）/ cannot use font file {path}")
        ) from None
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    f = _register_font()
    base = ParagraphStyle("body", fontName=f, fontSize=10, leading=15, wordWrap="CJK")
    return {
        "normal": base,
        "small": ParagraphStyle(
            "small", parent=base, fontSize=8.5, leading=12, textColor=colors.HexColor("#444444")
        ),
        "warning": ParagraphStyle(
            "warn",
            parent=base,
            textColor=colors.HexColor("#9C2A00"),
            borderColor=colors.HexColor("#9C2A00"),
            borderWidth=0.6,
            borderPadding=5,
            spaceBefore=6,
            spaceAfter=8,
        ),
        "equation": ParagraphStyle(
            "eq", parent=base, alignment=TA_CENTER, fontSize=10.5, spaceBefore=2, spaceAfter=2
        ),
        "cover-title": ParagraphStyle(
            "ct",
            parent=base,
            fontSize=22,
            leading=30,
            alignment=TA_CENTER,
            spaceBefore=5 * cm,
            spaceAfter=1.2 * cm,
        ),
        "cover-sub": ParagraphStyle(
            "cs", parent=base, fontSize=14, leading=22, alignment=TA_CENTER, spaceAfter=4
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontSize=15,
            leading=22,
            spaceBefore=6,
            spaceAfter=8,
            textColor=colors.HexColor("#1F3A2E"),
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontSize=12,
            leading=18,
            spaceBefore=8,
            spaceAfter=5,
            textColor=colors.HexColor("#1F3A2E"),
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=base,
            fontSize=10.5,
            leading=15,
            spaceBefore=6,
            spaceAfter=3,
            textColor=colors.HexColor("#1F3A2E"),
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10.5),
        "cell-r": ParagraphStyle("cellr", parent=base, fontSize=8, leading=10.5, alignment=2),
        "cell-h": ParagraphStyle(
            "cellh", parent=base, fontSize=8, leading=10.5, textColor=colors.HexColor("#1F3A2E")
        ),
    }


def _table(b: Table, st: dict, width: float) -> RLTable:
    widths = b.widths or [1.0] * len(b.columns)
    total = sum(widths)
    col_w = [width * w / total for w in widths]

    def cell(text: str, ci: int, bold: bool) -> Paragraph:
        style = st["cell-r"] if ci in b.numeric else st["cell"]
        t = escape(str(text))
        return Paragraph(f"<b>{t}</b>" if bold else t, style)

    data = [[Paragraph(escape(c), st["cell-h"]) for c in b.columns]]
    for ri, row in enumerate(b.rows):
        data.append([cell(v, ci, ri in b.bold_rows) for ci, v in enumerate(row)])
    t = RLTable(data, colWidths=col_w, repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9AA9A0")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E3EFE8")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for ri in b.bold_rows:
        style.append(("BACKGROUND", (0, ri + 1), (-1, ri + 1), colors.HexColor("#F3F6F4")))
    t.setStyle(TableStyle(style))
    return t


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes (InputError with the fix when no CJK font is installed)."""
    st = _styles()
    buf = io.BytesIO()
    margin = 1.8 * cm
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=report.title,
        author="gep-ankang",
    )
    width = A4[0] - 2 * margin

    def footer(canvas, d):
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(margin, 1.0 * cm, report.title)
        canvas.drawRightString(A4[0] - margin, 1.0 * cm, f"{d.page}")
        canvas.restoreState()

    story = []
    for b in report.blocks:
        if isinstance(b, Heading):
            story.append(Paragraph(escape(b.text), st[f"h{min(b.level, 3)}"]))
        elif isinstance(b, Para):
            story.append(Paragraph(escape(b.text), st.get(b.style, st["normal"])))
        elif isinstance(b, Table):
            story.append(_table(b, st, width))
            story.append(Spacer(1, 6))
        elif isinstance(b, Figure):
            img = Image(io.BytesIO(b.png))
            scale = width / img.imageWidth
            img.drawWidth, img.drawHeight = width, img.imageHeight * scale
            story.append(
                KeepTogether([img, Paragraph(escape(b.caption), st["small"]), Spacer(1, 8)])
            )
        elif isinstance(b, PageBreak):
            story.append(RLPageBreak())
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def write_pdf(report: Report, out: str | Path) -> Path:
    """Write the report atomically (a failure leaves no half-written file)."""
    return atomic_write_bytes(out, render_pdf(report))
