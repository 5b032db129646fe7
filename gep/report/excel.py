"""The Excel workbook an analyst keeps (openpyxl).

One sheet per table, Chinese headers carrying their unit (English with ``lang="en"``), values
rounded for display with number formats (``#,##0.00``, ``0.0%``), subtotals per category and
totals, frozen header rows, and a raw sheet with every row at full precision. A provenance
sheet (说明) opens the workbook: profile, dataset and coefficient set with hashes, options,
overrides, illustrative-data share. Text is formula-escaped (:func:`gep.safeio.escape_formula`)
and sheet titles made valid (:func:`gep.safeio.safe_sheet_title`); the file is written
atomically.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .. import __version__ as gep_version
from ..accounting import Account
from ..safeio import atomic_write_bytes, escape_formula, safe_sheet_title
from . import tables
from .labels import option_label, perspective_note, profile_label, reason_label, unit_label

HEAD_FILL = PatternFill("solid", fgColor="E3EFE8")
TOTAL_FILL = PatternFill("solid", fgColor="F3F6F4")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
THIN = Side(style="thin", color="9AA9A0")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
MONEY_FMT = "#,##0.00"
QTY_FMT = "#,##0"
PCT_FMT = "0.0%"
RATIO_FMT = '0.00"倍"'


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _num(v, digits: int | None = 2):
    """A finite float rounded for display, or None (an empty cell, never 'nan')."""
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return v
    if not math.isfinite(f):
        return None
    return round(f, digits) if digits is not None else f


class _Sheet:
    """A sheet with a title line, a header row and typed columns."""

    def __init__(
        self, wb: Workbook, title: str, heading: str, columns: list[tuple[str, str | None, float]]
    ):
        self.ws = wb.create_sheet(safe_sheet_title(title, wb.sheetnames))
        self.ws.cell(1, 1, escape_formula(heading)).font = TITLE
        self.formats = [fmt for _h, fmt, _w in columns]
        for ci, (h, _fmt, width) in enumerate(columns, start=1):
            c = self.ws.cell(3, ci, escape_formula(h))
            c.font, c.fill, c.border = BOLD, HEAD_FILL, BOX
            c.alignment = Alignment(wrap_text=True, vertical="center")
            self.ws.column_dimensions[get_column_letter(ci)].width = width
        self.ws.freeze_panes = "A4"
        self.row = 4

    def add(self, values: list, total: bool = False) -> None:
        for ci, v in enumerate(values, start=1):
            c = self.ws.cell(self.row, ci, escape_formula(v))
            fmt = self.formats[ci - 1]
            if fmt and isinstance(v, int | float):
                c.number_format = fmt
            c.border = BOX
            if total:
                c.font, c.fill = BOLD, TOTAL_FILL
        self.row += 1

    def note(self, text: str) -> None:
        self.row += 1
        self.ws.cell(self.row, 1, escape_formula(text)).font = Font(italic=True, color="555555")
        self.row += 1


def _provenance(wb: Workbook, acc: Account, year: int, region: str | None, lang: str) -> None:
    ws = wb.active
    ws.title = safe_sheet_title(_t(lang, "说明", "About"))
    prov = acc.provenance()
    ds = prov.get("dataset", {"name": "—", "hash": "—"})
    status = tables.data_status(acc, region, year)
    rows = [
        (_t(lang, "核算方法体系", "Method profile"), profile_label(acc.profile, lang)),
        (_t(lang, "核算年份", "Accounting year"), year),
        (
            _t(lang, "区域", "Region"),
            acc.region_name(region, lang) if region else _t(lang, "全部区县", "all regions"),
        ),
        (_t(lang, "数据集", "Dataset"), ds["name"]),
        (_t(lang, "数据集哈希", "Dataset hash"), ds["hash"]),
        (_t(lang, "系数集", "Coefficient set"), acc.coefficients.name),
        (_t(lang, "系数集链", "Set chain"), " → ".join(prov["coefficients"]["chain"])),
        (_t(lang, "系数集哈希", "Coefficient hash"), acc.coefficients.hash),
        (
            _t(lang, "覆盖调整", "Overrides"),
            "；".join(prov["coefficients"]["overrides"]) or _t(lang, "无", "none"),
        ),
        (_t(lang, "可比价基年", "Comparable-price base year"), acc.base_year),
        (_t(lang, "清单行数", "Inventory rows"), status["rows"]),
        (_t(lang, "其中示意数据行数", "Illustrative rows"), status["illustrative"]),
        (_t(lang, "软件版本", "Software"), f"gep-ankang {gep_version}"),
    ]
    for k, v in sorted(acc.options.items()):
        rows.append(option_label(k, v, lang))
    ws.cell(
        1, 1, _t(lang, "生态产品总值（GEP）核算表 · 说明", "GEP accounting workbook · about")
    ).font = TITLE
    for i, (k, v) in enumerate(rows, start=3):
        ws.cell(i, 1, escape_formula(k)).font = BOLD
        ws.cell(i, 2, escape_formula(v))
    r = len(rows) + 4
    if status["illustrative"]:
        ws.cell(
            r,
            1,
            _t(
                lang,
                f"注意：{status['illustrative']} 行清单数据为示意数据（依据公开锚点合成），结果仅供"
                "演示，正式核算前须以官方统计替换。",
                f"Warning: {status['illustrative']} inventory rows are illustrative (synthesized); "
                "replace with official statistics before use.",
            ),
        ).font = Font(bold=True, color="9C2A00")
        r += 2
    ws.cell(r, 1, _t(lang, "工作表", "Sheets")).font = BOLD
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 70
    ws.sheet_view.showGridLines = False
    ws._gep_next_row = r + 1  # the sheet list is filled in at the end


def write_xlsx(
    acc: Account,
    out: str | Path | io.BytesIO,
    lang: str = "zh",
    year: int | None = None,
    region: str | None = None,
    unit: str = "wan_CNY",
) -> None:
    """Write the workbook (atomically for a path; ``io.BytesIO`` for downloads).

    Sheets: 说明 (provenance), 汇总 (regions × categories in ``year`` with totals), 历年 GEP
    (regions × years), one 核算表 per region (indicator, quantity, unit, price, value, share,
    with category subtotals and the total), 系数 (source and status), 未核算, 原始数据
    (every row at full precision).
    """
    year = tables.check_year(acc, year)
    region = tables.check_region(acc, region)
    money = tables.money_label(unit, lang)
    scale = tables.MONEY_UNITS[unit]
    wb = Workbook()
    _provenance(wb, acc, year, region, lang)
    regions = [region] if region else acc.regions

    # ---- summary by category
    cats = [str(c) for c in acc.by_category()["category"].values]
    cols = [(_t(lang, "区县代码", "Code"), None, 11), (_t(lang, "区县", "County"), None, 12)]
    cols += [
        (
            f"{tables.category_name(c, lang)}（{money}）"
            if lang == "zh"
            else f"{tables.category_name(c, lang)} ({money})",
            MONEY_FMT,
            16,
        )
        for c in cats
    ]
    cols += [
        (f"GEP（{money}）" if lang == "zh" else f"GEP ({money})", MONEY_FMT, 16),
        (_t(lang, "占全市比重", "Share of total"), PCT_FMT, 11),
        (_t(lang, "单位面积 GEP（万元/平方千米）", "GEP per km² (10⁴ CNY/km²)"), MONEY_FMT, 16),
        (_t(lang, "人均 GEP（元/人）", "GEP per capita (CNY/person)"), QTY_FMT, 14),
        (_t(lang, "GEP/GDP（倍）", "GEP/GDP (×)"), RATIO_FMT if lang == "zh" else "0.00", 12),
        (
            _t(lang, f"比上年增长（{acc.base_year}年可比价）", f"Growth ({acc.base_year} prices)"),
            PCT_FMT,
            14,
        ),
        (_t(lang, "排名", "Rank"), "0", 7),
    ]
    sh = _Sheet(
        wb,
        _t(lang, "汇总", "Summary"),
        _t(lang, f"{year}年各区县生态产品总值（{money}）", f"GEP by county, {year} ({money})"),
        cols,
    )
    for r in acc.regions:
        h = tables.headline(acc, r, year)
        sh.add(
            [r, acc.region_name(r, lang)]
            + [
                _num(h["categories"][c] / scale if h["categories"][c] is not None else None)
                for c in cats
            ]
            + [
                _num(h["gep"] / scale if h["gep"] is not None else None),
                _num(h["share"], 4),
                _num(h["per_km2"] / 1e4 if h["per_km2"] is not None else None),
                _num(h["per_capita"], 0),
                _num(h["ratio"]),
                _num(h["growth"], 4),
                h["rank"],
            ]
        )
    h = tables.headline(acc, None, year)
    top = acc.dataset.top_region if acc.dataset is not None else ""
    city_view = h.get("county_sum") is not None
    if city_view:  # the city's own ledger basis (issue 11): county rows add up to this row
        sh.add(
            ["", _t(lang, "各县净值之和（县域视角）", "Sum of counties (county view)")]
            + [None for _ in cats]
            + [_num(h["county_sum"] / scale), 1.0, None, None, None, None, None]
        )
    sh.add(
        [
            top or "",
            _t(lang, "全市（全市视角）", "City (city view)")
            if city_view
            else _t(lang, "合计", "Total"),
        ]
        + [
            _num(h["categories"][c] / scale if h["categories"][c] is not None else None)
            for c in cats
        ]
        + [
            _num(h["gep"] / scale if h["gep"] is not None else None),
            None if city_view else 1.0,
            _num(h["per_km2"] / 1e4 if h["per_km2"] is not None else None),
            _num(h["per_capita"], 0),
            _num(h["ratio"]),
            _num(h["growth"], 4),
            None,
        ],
        total=True,
    )
    if acc.has_deductions:
        sh.note(perspective_note(acc, lang, year))

    # ---- GEP by year
    years = acc.years
    g = acc.gep().to_pandas()
    cols = [(_t(lang, "区县代码", "Code"), None, 11), (_t(lang, "区县", "County"), None, 12)]
    cols += [
        (f"{y}年（{money}）" if lang == "zh" else f"{y} ({money})", MONEY_FMT, 15) for y in years
    ]
    sh = _Sheet(
        wb,
        _t(lang, "历年GEP", "GEP by year"),
        _t(
            lang,
            f"各区县历年生态产品总值（当年价，{money}）",
            f"GEP by county and year (current prices, {money})",
        ),
        cols,
    )
    for r in acc.regions:
        sh.add([r, acc.region_name(r, lang)] + [_num(g.loc[r, y] / scale) for y in years])
    if acc.city_ledger is not None:  # city perspective (issue 11)
        cg = acc.city_gep()
        sh.add(
            ["", _t(lang, "各县净值之和（县域视角）", "Sum of counties (county view)")]
            + [_num(g[y].sum(min_count=1) / scale) for y in years]
        )
        sh.add(
            [top or "", _t(lang, "全市（全市视角）", "City (city view)")]
            + [_num(float(cg.sel(year=y)) / scale) for y in years],
            total=True,
        )
    else:
        sh.add(
            [top or "", _t(lang, "合计", "Total")]
            + [_num(g[y].sum(min_count=1) / scale) for y in years],
            total=True,
        )

    # ---- accounting tables, one sheet per region (+ the total in a city workbook)
    targets = ([None] if region is None else []) + list(regions)
    for r in targets:
        name = acc.region_name(r, lang) if r else _t(lang, "全市", "All")
        _accounting_sheet(wb, acc, r, name, year, lang, unit)

    # ---- coefficients
    ct = tables.coefficient_table(acc, year, lang)
    keys = [
        "name",
        "id",
        "value",
        "unit",
        "price_year",
        "status",
        "source",
        "issuer",
        "source_year",
        "clause",
        "link",
        "note",
        "set",
    ]
    widths = {
        "name": 30,
        "id": 34,
        "value": 16,
        "unit": 14,
        "price_year": 9,
        "status": 9,
        "source": 40,
        "issuer": 20,
        "source_year": 9,
        "clause": 20,
        "link": 30,
        "note": 40,
        "set": 10,
    }
    cols = [
        (
            tables.COEFFICIENT_HEADERS[k][0 if lang == "zh" else 1]
            + (_t(lang, f"（{year}年价格）", f" ({year} prices)") if k == "value" else ""),
            "#,##0.####" if k == "value" else None,
            widths[k],
        )
        for k in keys
    ]
    sh = _Sheet(
        wb,
        _t(lang, "系数", "Coefficients"),
        _t(
            lang,
            f"核算系数及来源（取值已换算到{year}年价格）",
            f"Coefficients and sources (values at {year} prices)",
        ),
        cols,
    )
    for rec in ct.to_dict("records"):
        sh.add(
            [
                _num(rec[k], 6)
                if k == "value" and isinstance(rec[k], int | float)
                else ("" if rec[k] is None else rec[k])
                for k in keys
            ]
        )

    # ---- not assessed
    cols = [
        (_t(lang, "指标", "Indicator"), None, 20),
        (_t(lang, "范围", "Where"), None, 14),
        (_t(lang, "原因", "Reason"), None, 60),
    ]
    sh = _Sheet(
        wb,
        _t(lang, "未核算", "Not assessed"),
        _t(
            lang,
            "未核算项目（不计入 GEP，不按零值处理）",
            "Items not assessed (left out of GEP, not zero)",
        ),
        cols,
    )
    for n in acc.not_assessed:
        ind = acc.indicator(n["indicator"]) if n["indicator"] in acc.indicator_ids else None
        sh.add(
            [
                ind.label(lang) if ind else n["indicator"],
                acc.region_name(n["region"], lang)
                if n.get("region")
                else _t(lang, "全部区县", "all regions"),
                reason_label(n["reason"], lang),
            ]
        )
    if not acc.not_assessed:
        sh.add([_t(lang, "无", "none"), "", ""])

    # ---- out-of-region ledger: gross → deduction → net, with the basis (issue 11)
    if acc.ledger_bases:
        led = tables.ledger_frame(acc, lang)
        if region:
            led = led[led["region"] == region]
        cols = [
            (_t(lang, "区县", "County"), None, 12),
            (_t(lang, "年份", "Year"), "0", 7),
            (_t(lang, "指标", "Indicator"), None, 16),
            (_t(lang, f"总值（{money}）", f"Gross ({money})"), MONEY_FMT, 16),
            (_t(lang, f"区域外扣除（{money}）", f"Out-of-region ({money})"), MONEY_FMT, 16),
            (_t(lang, f"净值（{money}）", f"Net ({money})"), MONEY_FMT, 16),
            (_t(lang, "扣除依据", "Basis"), None, 60),
        ]
        sh = _Sheet(
            wb,
            _t(lang, "区域外扣除", "Out-of-region"),
            _t(
                lang,
                "区域外生态产品扣除（总值 − 扣除 = 净值）",
                "Out-of-region deduction (gross − deduction = net)",
            ),
            cols,
        )

        def ledger_row(name: str, rec) -> list:
            return [
                name,
                int(rec.year),
                acc.indicator(rec.indicator).label(lang),
                _num(rec.gross / scale),
                _num(rec.out_of_region / scale),
                _num(rec.value / scale),
                str(rec.basis),
            ]

        if not region and acc.city_ledger is not None:
            # the city's own ledger first (city perspective), then the county rows
            code = acc.aggregate_basis.code
            cname = _t(
                lang,
                f"{acc.region_name(code, lang)}（全市视角）",
                f"{acc.region_name(code, lang)} (city view)",
            )
            cf = acc.city_frame()
            for rec in cf[cf["indicator"].isin(list(acc.ledger_bases))].itertuples(index=False):
                sh.add(ledger_row(cname, rec), total=True)
        for rec in led.itertuples(index=False):
            sh.add(ledger_row(rec.region_name, rec))
        if not region:
            sh.note(perspective_note(acc, lang))
        for w in acc.warnings:
            sh.note(w["zh"] if lang == "zh" else w["en"])

    # ---- raw rows at full precision
    df = acc.to_frame(lang)
    if region:
        df = df[df["region"] == region]
    cols = [
        (_t(lang, "区县代码", "Code"), None, 10),
        (_t(lang, "区县", "County"), None, 10),
        (_t(lang, "年份", "Year"), "0", 7),
        (_t(lang, "指标代码", "Indicator id"), None, 30),
        (_t(lang, "指标", "Indicator"), None, 16),
        (_t(lang, "类别", "Category"), None, 10),
        (_t(lang, "实物量", "Physical quantity"), "0.000000", 20),
        (_t(lang, "实物量单位", "Unit"), None, 14),
        (_t(lang, "价值量（元，全精度）", "Value (CNY, full precision)"), "0.000000", 22),
    ]
    sh = _Sheet(
        wb,
        _t(lang, "原始数据", "Raw"),
        _t(
            lang, "逐行结果（全精度，价值量单位：元）", "Every row at full precision (value in CNY)"
        ),
        cols,
    )
    for rec in df.itertuples(index=False):
        sh.add(
            [
                rec.region,
                rec.region_name,
                int(rec.year),
                rec.indicator,
                rec.indicator_name,
                tables.category_name(rec.category, lang),
                _num(rec.physical, None),
                unit_label(rec.physical_unit, lang),
                _num(rec.value, None),
            ]
        )

    # sheet list on the provenance sheet
    ws = wb.worksheets[0]
    r = ws._gep_next_row
    for name in wb.sheetnames[1:]:
        ws.cell(r, 1, escape_formula(name))
        r += 1
    # issue 13: every sheet says under its title when the workbook rests on illustrative data
    from ..datastatus import status_line, status_summary

    warning = status_line(status_summary(acc, None, year, region), lang)
    for sheet in wb.worksheets if warning and acc.dataset is not None else []:
        if sheet.cell(2, 1).value is None:
            sheet.cell(2, 1, escape_formula(warning)).font = Font(bold=True, color="9C2A00")
    buf = io.BytesIO()
    wb.save(buf)
    if isinstance(out, io.BytesIO):
        out.write(buf.getvalue())
    else:
        atomic_write_bytes(out, buf.getvalue())


def _accounting_sheet(
    wb: Workbook, acc: Account, region: str | None, name: str, year: int, lang: str, unit: str
) -> None:
    money = tables.money_label(unit, lang)
    df = tables.county_table(acc, region, year, lang, unit)
    cols = [
        (_t(lang, "类别", "Category"), None, 10),
        (_t(lang, "指标", "Indicator"), None, 18),
        (_t(lang, "实物量", "Physical quantity"), QTY_FMT, 16),
        (_t(lang, "实物量单位", "Unit"), None, 14),
        (_t(lang, "价格", "Price"), "#,##0.00##", 12),
        (_t(lang, "价格单位", "Price unit"), None, 16),
        (_t(lang, "价格口径", "Price basis"), None, 20),
        (f"价值量（{money}）" if lang == "zh" else f"Value ({money})", MONEY_FMT, 16),
        (_t(lang, "占比", "Share"), PCT_FMT, 9),
        (_t(lang, "核算方法", "Method"), None, 24),
        (_t(lang, "功能量来源", "Quantity source"), None, 24),
        (_t(lang, "核算状态", "Status"), None, 24),
    ]
    title = f"{region} {name}" if region else _t(lang, f"核算表 {name}", f"Table {name}")
    sh = _Sheet(
        wb,
        title,
        _t(lang, f"{name}{year}年生态产品总值核算表", f"GEP accounting table: {name}, {year}"),
        cols,
    )
    for cat, sub in df.groupby("category_id", sort=False):
        for r in sub.itertuples():
            sh.add(
                [
                    r.category,
                    r.indicator,
                    _num(r.physical, 2),
                    r.physical_unit,
                    _num(r.price, 4),
                    r.price_unit,
                    r.price_basis,
                    _num(r.value),
                    _num(r.share, 4),
                    r.method,
                    r.quantity_source,
                    r.status,
                ]
            )
        sh.add(
            [
                tables.category_name(cat, lang),
                _t(lang, "小计", "Subtotal"),
                None,
                "",
                None,
                "",
                "",
                _num(sub["value"].sum(min_count=1)),
                _num(sub["share"].sum(min_count=1), 4),
                "",
                "",
            ],
            total=True,
        )
    total = df["value"].sum(min_count=1)
    sh.add(
        [
            "GEP",
            _t(lang, "合计", "Total"),
            None,
            "",
            None,
            "",
            "",
            _num(total),
            1.0 if total else None,
            "",
            "",
        ],
        total=True,
    )
