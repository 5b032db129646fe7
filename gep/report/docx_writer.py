"""Word (.docx) rendering of a :class:`~gep.report.document.Report` (python-docx).

East-Asian text is set in 宋体 (body) and 黑体 (headings) through ``w:eastAsia``, so Word on a
Chinese system shows the usual report fonts; tables have a repeated header row and numbers
right-aligned.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ..safeio import atomic_write_bytes
from .document import Figure, Heading, PageBreak, Para, Report, Table

BODY_FONT = "宋体"
HEAD_FONT = "黑体"
LATIN_FONT = "Times New Roman"


def _east_asia(run_or_style, font: str) -> None:
    rpr = run_or_style.element.get_or_add_rPr() if hasattr(run_or_style, "element") else None
    if rpr is None:
        return
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), font)


def _style_fonts(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(10.5)
    _east_asia(normal, BODY_FONT)
    for name in ("Heading 1", "Heading 2", "Heading 3", "Title"):
        st = doc.styles[name]
        st.font.name = LATIN_FONT
        st.font.color.rgb = RGBColor(0x1F, 0x3A, 0x2E)
        _east_asia(st, HEAD_FONT)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _shade(cell, hex_fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_fill)
    tc_pr.append(shd)


def render_docx(report: Report) -> bytes:
    """The report as .docx bytes."""
    doc = Document()
    _style_fonts(doc)
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Cm(2.0))
    sec.top_margin = sec.bottom_margin = Cm(2.0)
    usable = sec.page_width - sec.left_margin - sec.right_margin
    footer = sec.footer.paragraphs[0]
    footer.text = report.title
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in footer.runs:
        run.font.size = Pt(8)

    for b in report.blocks:
        if isinstance(b, Heading):
            doc.add_heading(b.text, level=min(b.level, 3))
        elif isinstance(b, Para):
            p = doc.add_paragraph()
            run = p.add_run(b.text)
            if b.style == "cover-title":
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                p.paragraph_format.space_before = Pt(120)
                p.paragraph_format.space_after = Pt(36)
                run.font.size = Pt(22)
                run.bold = True
                _east_asia(run, HEAD_FONT)
            elif b.style == "cover-sub":
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run.font.size = Pt(14)
            elif b.style == "warning":
                run.font.color.rgb = RGBColor(0x9C, 0x2A, 0x00)
                run.bold = True
            elif b.style == "small":
                run.font.size = Pt(9)
                run.font.color.rgb = RGBColor(0x44, 0x44, 0x44)
            elif b.style == "equation":
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run.font.name = "Cambria Math"
                run.italic = True
        elif isinstance(b, Table):
            t = doc.add_table(rows=1, cols=len(b.columns))
            t.style = "Table Grid"
            t.alignment = WD_TABLE_ALIGNMENT.CENTER
            widths = b.widths or [1.0] * len(b.columns)
            total_w = sum(widths)
            hdr = t.rows[0]
            _repeat_header(hdr)
            for i, c in enumerate(b.columns):
                cell = hdr.cells[i]
                cell.text = ""
                run = cell.paragraphs[0].add_run(c)
                run.bold = True
                run.font.size = Pt(9)
                _shade(cell, "E3EFE8")
            for ri, row in enumerate(b.rows):
                cells = t.add_row().cells
                for i, v in enumerate(row):
                    para = cells[i].paragraphs[0]
                    run = para.add_run(str(v))
                    run.font.size = Pt(9)
                    if ri in b.bold_rows:
                        run.bold = True
                    if i in b.numeric:
                        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for row in t.rows:
                for i, cell in enumerate(row.cells):
                    cell.width = int(usable * widths[i] / total_w)
            doc.add_paragraph()
        elif isinstance(b, Figure):
            doc.add_picture(io.BytesIO(b.png), width=usable)
            cap = doc.add_paragraph(b.caption)
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in cap.runs:
                run.font.size = Pt(9)
        elif isinstance(b, PageBreak):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.core_properties.title = report.title
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def write_docx(report: Report, out: str | Path) -> Path:
    """Write the report atomically (a failure leaves no half-written file)."""
    return atomic_write_bytes(out, render_docx(report))
