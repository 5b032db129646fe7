"""The accounting report as a list of blocks, rendered by the Word and the PDF writers.

Layout of a GEP accounting report: cover (region, year, profile, data status, versions and
hashes) → summary (GEP, categories, per km², per capita, GEP/GDP, growth at comparable prices,
rank) → accounting table (指标 · 实物量 · 单位 · 价格 · 价值 · 占比) for the region and, in a city
report, for each county → the out-of-region ledger (gross → deduction → net with the basis of
each share, and a warning where the profile requires a deduction whose share is 0 or
unsourced) when the profile deducts → charts → method notes per indicator (equation and
references) → coefficients with source and status → not-assessed items → illustrative-data warning.

Both writers render the same :class:`Report`, so the Word and the PDF files say the same.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field

from .. import __version__ as gep_version
from ..accounting import Account
from . import explained, figures, tables
from .labels import option_label, perspective_note, profile_label, reason_label
from .methods import latex_to_text, method_note


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Para:
    text: str
    style: str = "normal"  # normal | warning | small | cover-title | cover-sub | equation


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    numeric: set[int] = field(default_factory=set)  # right-aligned columns
    bold_rows: set[int] = field(default_factory=set)  # totals
    widths: list[float] | None = None  # relative widths


@dataclass
class Figure:
    png: bytes
    caption: str


@dataclass
class PageBreak:
    pass


@dataclass
class Report:
    title: str
    blocks: list
    filename_stem: str


def _zh(lang: str) -> bool:
    return lang == "zh"


def _t(lang: str, zh: str, en: str) -> str:
    return zh if _zh(lang) else en


def fmt_money(v, digits: int = 2) -> str:
    return figures.group_digits(v, digits) if v is not None else "—"


def fmt_quantity(v) -> str:
    """Physical quantities: grouped, two decimals below 1,000, none above."""
    if v is None or not math.isfinite(v):
        return "—"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 1:
        return f"{v:,.2f}"
    return f"{v:.4g}"


def fmt_price(v) -> str:
    """Unit prices: grouped, never in exponent notation."""
    if v is None or not math.isfinite(v):
        return "—"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 1:
        return f"{v:,.2f}"
    return f"{v:.4f}".rstrip("0").rstrip(".") if a >= 1e-4 else f"{v:.3g}"


def fmt_pct(v, digits: int = 1) -> str:
    return "—" if v is None or not math.isfinite(v) else f"{100 * v:.{digits}f}%"


def _source_line(acc: Account, lang: str, status: dict) -> str:
    prov = acc.provenance()
    ds = prov.get("dataset", {"name": "—", "hash": "—"})
    illus = status.get("share")
    part = (
        _t(
            lang,
            f"；示意数据占清单行 {fmt_pct(illus)}",
            f"; {fmt_pct(illus)} of inventory rows illustrative",
        )
        if illus
        else ""
    )
    return _t(
        lang,
        f"来源：GEP 核算系统 {gep_version}；数据集 {ds['name']}（{ds['hash']}）；系数集 "
        f"{acc.coefficients.name}（{acc.coefficients.hash}）{part}",
        f"Source: GEP accounting system {gep_version}; dataset {ds['name']} ({ds['hash']}); "
        f"coefficients {acc.coefficients.name} ({acc.coefficients.hash}){part}",
    )


def _accounting_table(acc: Account, region: str | None, year: int, lang: str, unit: str) -> Table:
    df = tables.county_table(acc, region, year, lang, unit)
    money = tables.money_label(unit, lang)
    cols = [
        _t(lang, "类别", "Category"),
        _t(lang, "指标", "Indicator"),
        _t(lang, "实物量", "Quantity"),
        _t(lang, "单位", "Unit"),
        _t(lang, "价格", "Price"),
        _t(lang, "价值量（" + money + "）", f"Value ({money})"),
        _t(lang, "占比", "Share"),
    ]
    rows, bold = [], set()
    for cat, sub in df.groupby("category_id", sort=False):
        for r in sub.itertuples():
            if math.isfinite(r.price):
                price = f"{fmt_price(r.price)} {r.price_unit}"
                if r.price_basis and r.price_basis not in ("系数", "coefficient"):
                    price += _t(lang, "（综合）", " (avg.)")
            else:
                price = "—"
            rows.append(
                [
                    r.category,
                    r.indicator,
                    fmt_quantity(r.physical),
                    r.physical_unit,
                    price,
                    fmt_money(r.value)
                    if math.isfinite(r.value)
                    else _t(lang, "未核算", "not assessed"),
                    fmt_pct(r.share),
                ]
            )
        sub_v = sub["value"].sum(min_count=1)
        sub_s = sub["share"].sum(min_count=1)
        rows.append(
            [
                tables.category_name(cat, lang),
                _t(lang, "小计", "Subtotal"),
                "",
                "",
                "",
                fmt_money(sub_v),
                fmt_pct(sub_s),
            ]
        )
        bold.add(len(rows) - 1)
    total = df["value"].sum(min_count=1)
    rows.append(
        [
            "GEP",
            _t(lang, "合计", "Total"),
            "",
            "",
            "",
            fmt_money(total),
            fmt_pct(1.0 if total else None),
        ]
    )
    bold.add(len(rows) - 1)
    return Table(
        cols, rows, numeric={2, 5, 6}, bold_rows=bold, widths=[1.1, 1.6, 1.5, 1.1, 1.9, 1.5, 0.8]
    )


def build_report(
    acc: Account,
    year: int | None = None,
    region: str | None = None,
    lang: str = "zh",
    unit: str = "wan_CNY",
    data_status_label: str | None = None,
) -> Report:
    """The report of ``region`` (None: the whole dataset, with a table per county) in ``year``.

    ``data_status_label`` is shown on the cover when the caller knows it (e.g. 已发布 v3).
    Raises :class:`~gep.errors.InputError` for a year or region the account does not hold.
    """
    year = tables.check_year(acc, year)
    region = tables.check_region(acc, region)
    top = acc.dataset.top_region if acc.dataset is not None else None
    where = (
        acc.region_name(region, lang)
        if region is not None
        else (acc.region_name(top, lang) if top else _t(lang, "全部区县", "all regions"))
    )
    money = tables.money_label(unit, lang)
    scale = tables.MONEY_UNITS[unit]
    status = tables.data_status(acc, region, year)
    source = _source_line(acc, lang, status)
    prov = acc.provenance()
    blocks: list = []
    title = _t(
        lang,
        f"{where}{year}年生态产品总值（GEP）核算报告",
        f"Gross Ecosystem Product (GEP) accounting report: {where}, {year}",
    )

    # ---- cover
    blocks.append(Para(title, "cover-title"))
    blocks.append(
        Para(
            _t(
                lang,
                f"核算区域：{where}" + (f"（{region}）" if region else ""),
                f"Region: {where}" + (f" ({region})" if region else ""),
            ),
            "cover-sub",
        )
    )
    blocks.append(Para(_t(lang, f"核算年份：{year}年", f"Accounting year: {year}"), "cover-sub"))
    ds = prov.get("dataset", {"name": "—", "hash": "—"})
    cover_rows = [
        [_t(lang, "核算方法体系", "Method profile"), profile_label(acc.profile, lang)],
        [
            _t(lang, "数据集", "Dataset"),
            f"{ds['name']}（{ds['hash']}）" if _zh(lang) else f"{ds['name']} ({ds['hash']})",
        ],
        [
            _t(lang, "系数集", "Coefficient set"),
            f"{acc.coefficients.name}（{' → '.join(prov['coefficients']['chain'])}；"
            f"{acc.coefficients.hash}）"
            if _zh(lang)
            else (
                f"{acc.coefficients.name} ({' → '.join(prov['coefficients']['chain'])}; "
                f"{acc.coefficients.hash})"
            ),
        ],
        [
            _t(lang, "数据状态", "Data status"),
            data_status_label
            or _t(lang, "文件（未经发布流程）", "files (not through a publication workflow)"),
        ],
        [
            _t(lang, "清单数据", "Inventory rows"),
            _t(
                lang,
                f"{status['rows']} 行，其中示意数据 {status['illustrative']} 行（"
                f"{fmt_pct(status['share'])}）",
                f"{status['rows']} rows, {status['illustrative']} illustrative "
                f"({fmt_pct(status['share'])})",
            ),
        ],
        [_t(lang, "可比价基年", "Comparable-price base year"), str(acc.base_year)],
        [
            _t(lang, "覆盖调整", "Overrides"),
            "；".join(prov["coefficients"]["overrides"]) or _t(lang, "无", "none"),
        ],
        [_t(lang, "软件版本", "Software"), f"gep-ankang {gep_version}"],
        [_t(lang, "生成日期", "Generated"), _dt.date.today().isoformat()],
    ]
    for k, v in sorted(acc.options.items()):
        name, val = option_label(k, v, lang)
        cover_rows.append([name, val])
    blocks.append(
        Table([_t(lang, "项目", "Item"), _t(lang, "内容", "Value")], cover_rows, widths=[1.2, 3.8])
    )
    if status["illustrative"]:
        blocks.append(Para(_illustrative_warning(lang, status), "warning"))
    # issue 13: the share of GEP resting on illustrative rows or coefficients, on the cover
    from ..datastatus import status_line, status_summary

    if acc.dataset is not None and (
        share := status_line(status_summary(acc, None, year, region), lang)
    ):
        blocks.append(Para(share, "warning"))
    blocks.append(PageBreak())

    # ---- summary
    h = tables.headline(acc, region, year)
    blocks.append(Heading(_t(lang, "一、核算结果摘要", "1. Summary")))
    summary_rows = [
        [
            _t(lang, "生态产品总值（GEP）", "GEP"),
            f"{fmt_money(h['gep'] / scale if h['gep'] is not None else None)} {money}",
        ]
    ]
    for cat, v in h["categories"].items():
        summary_rows.append(
            [
                tables.category_name(cat, lang),
                f"{fmt_money(v / scale if v is not None else None)} {money}（"
                f"{fmt_pct(v / h['gep'] if (v is not None and h['gep']) else None)}）"
                if _zh(lang)
                else (
                    f"{fmt_money(v / scale if v is not None else None)} {money} "
                    f"({fmt_pct(v / h['gep'] if (v is not None and h['gep']) else None)})"
                ),
            ]
        )
    summary_rows += [
        [
            _t(lang, "单位面积 GEP", "GEP per km²"),
            f"{fmt_money(h['per_km2'] / 1e4 if h['per_km2'] is not None else None)} "
            f"{_t(lang, '万元/平方千米', '10⁴ CNY/km²')}",
        ],
        [
            _t(lang, "人均 GEP", "GEP per capita"),
            f"{fmt_money(h['per_capita'], 0)} {_t(lang, '元/人', 'CNY/person')}",
        ],
        [
            _t(lang, "GEP 与 GDP 之比", "GEP/GDP"),
            f"{fmt_money(h['ratio'])} {_t(lang, '倍', '×')}" if h["ratio"] is not None else "—",
        ],
        [
            _t(
                lang,
                f"比上年增长（{acc.base_year}年可比价）",
                f"Growth on the previous year ({acc.base_year} prices)",
            ),
            fmt_pct(h["growth"])
            if h["growth"] is not None
            else _t(lang, "首个核算年份，无上年数据", "first year: no previous year"),
        ],
    ]
    if region is not None:
        summary_rows += [
            [
                _t(lang, "区县排名（按 GEP）", "Rank by GEP"),
                _t(lang, f"第 {h['rank']} 位（共 {h['n']} 个区县）", f"{h['rank']} of {h['n']}"),
            ],
            [_t(lang, "占全市 GEP 比重", "Share of the city total"), fmt_pct(h["share"])],
            [
                _t(lang, "与区县平均值之比", "Against the county average"),
                f"{fmt_money(h['gep'] / h['average'] if h['average'] else None)} "
                f"{_t(lang, '倍', '×')}",
            ],
        ]
    if acc.ledger_bases:
        gross = sum(
            (
                r["gross"]
                for r in explained.ledger_rows(acc, region, year)
                if math.isfinite(r["gross"])
            ),
            0.0,
        )
        out_v = sum(
            (
                r["out_of_region"]
                for r in explained.ledger_rows(acc, region, year)
                if math.isfinite(r["out_of_region"])
            ),
            0.0,
        )
        summary_rows.insert(
            1,
            [
                _t(lang, "其中：区域外来源扣除", "of which: out-of-region deduction"),
                _t(
                    lang,
                    f"已扣除 {fmt_money(out_v / scale)} {money}（所涉指标扣除前合计 "
                    f"{fmt_money(gross / scale)} {money}）",
                    f"{fmt_money(out_v / scale)} {money} deducted (those indicators' gross: "
                    f"{fmt_money(gross / scale)} {money})",
                ),
            ],
        )
    if region is None and h.get("county_sum") is not None:
        # the city's own ledger basis: GEP above is the city perspective (issue 11)
        summary_rows.insert(
            1,
            [
                _t(lang, "各县净值之和（县域视角）", "Sum of county net values (county view)"),
                f"{fmt_money(h['county_sum'] / scale)} {money}",
            ],
        )
        summary_rows.insert(
            2,
            [
                _t(lang, "差额：市内县际调入", "Difference: transfers between counties"),
                f"{fmt_money(h['internal_transfers'] / scale)} {money}",
            ],
        )
    blocks.append(
        Table(
            [_t(lang, "指标", "Measure"), _t(lang, "数值", "Value")],
            summary_rows,
            numeric={1},
            widths=[2.2, 2.8],
        )
    )
    if region is None and acc.has_deductions:
        blocks.append(Para(perspective_note(acc, lang, year), "small"))

    if region is None:
        blocks.append(Heading(_t(lang, "各区县核算结果", "Results by county"), 2))
        rk_rows = []
        for r in acc.regions:
            hr = tables.headline(acc, r, year)
            rk_rows.append(
                [
                    str(hr["rank"]),
                    acc.region_name(r, lang),
                    fmt_money(hr["gep"] / scale if hr["gep"] is not None else None),
                    fmt_pct(hr["share"]),
                    fmt_money(hr["per_km2"] / 1e4 if hr["per_km2"] is not None else None),
                    fmt_money(hr["per_capita"], 0),
                    fmt_money(hr["ratio"]),
                    fmt_pct(hr["growth"]),
                ]
            )
        rk_rows.sort(key=lambda row: int(row[0]) if row[0].isdigit() else 999)
        if h.get("county_sum") is not None:
            # city perspective: the county rows add up to the county sum, not to the city
            rk_rows.append(
                [
                    "",
                    _t(lang, "各县净值之和", "Sum of counties"),
                    fmt_money(h["county_sum"] / scale),
                    fmt_pct(1.0),
                    "",
                    "",
                    "",
                    "",
                ]
            )
        rk_rows.append(
            [
                "",
                _t(lang, "合计", "Total")
                if h.get("county_sum") is None
                else _t(lang, "全市（全市视角）", "City (city view)"),
                fmt_money(h["gep"] / scale if h["gep"] else None),
                fmt_pct(1.0) if h.get("county_sum") is None else "",
                fmt_money(h["per_km2"] / 1e4 if h["per_km2"] else None),
                fmt_money(h["per_capita"], 0),
                fmt_money(h["ratio"]),
                fmt_pct(h["growth"]),
            ]
        )
        blocks.append(
            Table(
                [
                    _t(lang, "排名", "Rank"),
                    _t(lang, "区县", "County"),
                    f"GEP（{money}）" if _zh(lang) else f"GEP ({money})",
                    _t(lang, "占比", "Share"),
                    _t(lang, "单位面积（万元/平方千米）", "per km² (10⁴ CNY)"),
                    _t(lang, "人均（元/人）", "per capita (CNY)"),
                    _t(lang, "GEP/GDP（倍）", "GEP/GDP (×)"),
                    _t(lang, "可比价增长", "Real growth"),
                ],
                rk_rows,
                numeric={0, 2, 3, 4, 5, 6, 7},
                bold_rows={len(rk_rows) - 1},
                widths=[0.6, 1.0, 1.5, 0.8, 1.5, 1.2, 1.1, 1.0],
            )
        )

    # ---- accounting tables
    blocks.append(PageBreak())
    blocks.append(Heading(_t(lang, "二、生态产品总值核算表", "2. GEP accounting table")))
    blocks.append(Heading(_t(lang, f"{where}{year}年", f"{where}, {year}"), 2))
    blocks.append(_accounting_table(acc, region, year, lang, unit))
    blocks.append(
        Para(
            _t(
                lang,
                "价格栏注明“综合”的指标由多个分项按各自价格计价，显示的是平均单价（价值量÷实物量）。",
                "Prices marked 'avg.' are average unit values (value ÷ quantity) of indicators "
                "priced per component.",
            ),
            "small",
        )
    )
    supplied = _supplied_note(acc, region, year, lang)
    if supplied:
        blocks.append(Para(supplied, "small"))
    if region is None:
        for r in acc.regions:
            blocks.append(
                Heading(
                    _t(
                        lang,
                        f"{acc.region_name(r, lang)}（{r}）{year}年",
                        f"{acc.region_name(r, lang)} ({r}), {year}",
                    ),
                    2,
                )
            )
            blocks.append(_accounting_table(acc, r, year, lang, unit))

    # ---- out-of-region ledger: gross → deduction → net, with the basis (issue 11)
    if acc.ledger_bases:
        blocks.extend(_ledger_blocks(acc, region, year, lang, unit))

    # ---- charts
    blocks.append(PageBreak())
    blocks.append(Heading(_t(lang, "三、图表", "3. Charts")))
    for fig, caption in _figures(acc, region, year, lang, unit, source, where):
        blocks.append(Figure(figures.to_bytes(fig, "png"), caption))

    # ---- methods
    blocks.append(PageBreak())
    blocks.append(Heading(_t(lang, "四、核算方法说明", "4. Methods")))
    blocks.append(Para(_price_note(acc, year, lang)))
    for ind in acc.indicators:
        note = method_note(ind)
        blocks.append(
            Heading(
                f"{ind.label(lang)}（{ind.method_zh}）"
                if _zh(lang)
                else f"{ind.label(lang)} ({ind.method})",
                3,
            )
        )
        for f in note.formulas:
            for eq in f.equations:
                blocks.append(Para(latex_to_text(eq), "equation"))
            if not _zh(lang):
                blocks.append(Para(f.summary, "small"))
        cited = note.cited(lang)
        ref_text = "；".join(f"[{n}] {t}" for n, t in cited) or ind.reference
        blocks.append(Para(_t(lang, "依据：", "References: ") + ref_text, "small"))
        # the engine's notes are English program records: shown in the English report only
        for n in acc.notes.get(ind.id, []) if not _zh(lang) else []:
            if not n.startswith("not assessed"):
                blocks.append(Para(_t(lang, "说明（程序记录）：", "Note: ") + n, "small"))

    # ---- coefficients
    blocks.append(PageBreak())
    blocks.append(Heading(_t(lang, "五、核算系数及来源", "5. Coefficients and sources")))
    ct = tables.coefficient_table(acc, year, lang)
    crow = []
    for r in ct.itertuples():
        value = f"{r.value:,.6g}" if isinstance(r.value, int | float) else str(r.value)
        src = "，".join(
            str(x) for x in (r.issuer, r.source, r.source_year, r.clause) if x not in ("", None)
        )
        crow.append([r.name, value, r.unit, r.status, src])
    blocks.append(
        Table(
            [
                _t(lang, "系数", "Coefficient"),
                _t(lang, f"取值（{year}年价格）", f"Value ({year} prices)"),
                _t(lang, "单位", "Unit"),
                _t(lang, "状态", "Status"),
                _t(lang, "来源", "Source"),
            ],
            crow,
            numeric={1},
            widths=[1.8, 1.4, 1.0, 0.7, 3.0],
        )
    )

    # ---- not assessed
    blocks.append(Heading(_t(lang, "六、未核算项目", "6. Not assessed")))
    na = [n for n in acc.not_assessed if n.get("region") in (None, region) or region is None]
    if na:
        rows = []
        for n in na:
            ind = acc.indicator(n["indicator"]) if n["indicator"] in acc.indicator_ids else None
            who = (
                acc.region_name(n["region"], lang)
                if n.get("region")
                else _t(lang, "全部区县", "all regions")
            )
            rows.append(
                [ind.label(lang) if ind else n["indicator"], who, reason_label(n["reason"], lang)]
            )
        blocks.append(
            Table(
                [
                    _t(lang, "指标", "Indicator"),
                    _t(lang, "范围", "Where"),
                    _t(lang, "原因", "Reason"),
                ],
                rows,
                widths=[1.5, 1.2, 3.3],
            )
        )
        blocks.append(
            Para(
                _t(
                    lang,
                    "未核算项目不计入 GEP（不按零值处理）。",
                    "Items not assessed are left out of GEP (not counted as zero).",
                ),
                "small",
            )
        )
    else:
        blocks.append(Para(_t(lang, "无。", "None.")))

    # ---- illustrative warning
    illus_coef = ct[ct["status_id"] == "illustrative"] if len(ct) else ct
    if status["illustrative"] or len(illus_coef):
        blocks.append(Heading(_t(lang, "七、数据说明", "7. About the data")))
        if status["illustrative"]:
            blocks.append(Para(_illustrative_warning(lang, status), "warning"))
        if len(illus_coef):
            blocks.append(
                Para(
                    _t(
                        lang,
                        f"以下 {len(illus_coef)} 个系数为示意值（非标准或官方数值），正式核算前应以"
                        "权威数值替换：" + "、".join(illus_coef["name"].astype(str)),
                        f"{len(illus_coef)} coefficient(s) are illustrative (not a standard's or "
                        "an official value) and must be replaced before official "
                        "use: " + ", ".join(illus_coef["name"].astype(str)),
                    ),
                    "warning",
                )
            )
    stem = f"GEP_{region or (top or 'all')}_{year}"
    return Report(title, blocks, stem)


def _supplied_note(acc: Account, region: str | None, year: int, lang: str) -> str | None:
    """Which physical quantities came from quantities.csv (outside models or statistics),
    with their sources; None when every quantity was computed by the formulas."""
    df = tables.county_table(acc, region, year, lang)
    formula = "公式计算" if _zh(lang) else "formula"
    rows = df[df["quantity_source"] != formula]
    if rows.empty:
        return None
    parts = [
        f"{r.indicator}（{r.quantity_source}）"
        if _zh(lang)
        else f"{r.indicator} ({r.quantity_source})"
        for r in rows.itertuples()
    ]
    return _t(
        lang,
        "以下指标的实物量由数据集的 quantities.csv 外部提供（外部模型或部门统计），按同一价格计价："
        + "；".join(parts),
        "Physical quantities supplied in the dataset's quantities.csv (outside models or "
        "statistics), priced the same way: " + "; ".join(parts),
    )


def ledger_lines(acc: Account, region: str | None, year: int, lang: str, unit: str) -> list[str]:
    """One sentence per deducted indicator: ``水资源：总值 a - 区域外扣除 b（比例 s）= 净值 n
    万元``."""
    money = tables.money_label(unit, lang)
    scale = tables.MONEY_UNITS[unit]
    out = []
    for r in explained.ledger_rows(acc, region, year):
        name = acc.indicator(r["indicator"]).label(lang)

        def m(v):
            return fmt_money(v / scale if v is not None and math.isfinite(v) else None)

        share = fmt_pct(r["share"], 2)
        out.append(
            _t(
                lang,
                f"{name}：总值 {m(r['gross'])} - 区域外扣除 {m(r['out_of_region'])}（比例 {share}）"
                f"= 净值 {m(r['value'])} {money}",
                f"{name}: gross {m(r['gross'])} - out-of-region deduction "
                f"{m(r['out_of_region'])} (share {share}) = net {m(r['value'])} {money}",
            )
        )
    return out


def _ledger_blocks(acc: Account, region: str | None, year: int, lang: str, unit: str) -> list:
    """Gross → deduction → net of each deducted indicator, the basis of each share and the
    warnings for required deductions whose share is 0, unsourced or not computable."""
    money = tables.money_label(unit, lang)
    scale = tables.MONEY_UNITS[unit]
    where = (
        acc.region_name(region, lang)
        if region is not None
        else _t(lang, "全部区县合计", "all regions together")
    )
    out: list = [
        Heading(
            _t(
                lang,
                "区域外来源扣除（总值 → 扣除 → 净值）",
                "Out-of-region deduction (gross → deduction → net)",
            ),
            2,
        ),
        Para(
            _t(
                lang,
                f"本核算标准（{profile_label(acc.profile, lang)}）将来自区域外的生态产品价值从总值"
                "中扣除：净值 = 总值 ×（1 - 区域外比例），GEP 及各项合计均按净值计。",
                f"This profile ({profile_label(acc.profile, lang)}) deducts the value of "
                "ecological products that come from outside the region: net = gross × (1 - "
                "out-of-region share); GEP and every total use the net values.",
            )
        ),
    ]
    rows = []

    def m(v):
        return fmt_money(v / scale if v is not None and math.isfinite(v) else None)

    regions = [region] if region is not None else [None, *acc.regions]
    city = acc.city_ledger if region is None else None
    if city is not None:  # the city's own ledger basis: the first rows are the city view
        code = acc.aggregate_basis.code
        where = _t(
            lang,
            f"{acc.region_name(code, lang)}（全市视角）",
            f"{acc.region_name(code, lang)} (city view)",
        )
    for r in regions:
        for led in explained.ledger_rows(acc, r, year):
            rows.append(
                [
                    acc.region_name(r, lang) if r is not None else where,
                    acc.indicator(led["indicator"]).label(lang),
                    m(led["gross"]),
                    fmt_pct(led["share"], 2),
                    m(led["out_of_region"]),
                    m(led["value"]),
                ]
            )
        if r is None and city is not None:
            for led in explained.ledger_rows(acc, None, year):
                c = city.ds.sel(year=int(year), indicator=led["indicator"])
                g, o = float(c["gross"]), float(c["county_out_of_region"])
                rows.append(
                    [
                        _t(lang, "各县之和（县域视角）", "Sum of counties (county view)"),
                        acc.indicator(led["indicator"]).label(lang),
                        m(g),
                        fmt_pct(o / g if g and math.isfinite(o) else None, 2),
                        m(o),
                        m(float(c["county_value"])),
                    ]
                )
    out.append(
        Table(
            [
                _t(lang, "区域", "Region"),
                _t(lang, "指标", "Indicator"),
                _t(lang, f"总值（{money}）", f"Gross ({money})"),
                _t(lang, "区域外比例", "Share"),
                _t(lang, f"区域外扣除（{money}）", f"Deduction ({money})"),
                _t(lang, f"净值（{money}）", f"Net ({money})"),
            ],
            rows,
            numeric={2, 3, 4, 5},
            bold_rows={i for i, row in enumerate(rows) if region is None and row[0] == where},
            widths=[1.2, 1.3, 1.3, 0.9, 1.3, 1.3],
        )
    )
    for line in ledger_lines(acc, region, year, lang, unit):
        out.append(Para(line))
    if region is None:
        out.append(Para(perspective_note(acc, lang, year)))
        for led in explained.ledger_rows(acc, None, year):
            if "internal_transfers" not in led:
                continue
            name = acc.indicator(led["indicator"]).label(lang)
            out.append(
                Para(
                    _t(
                        lang,
                        f"{name}：全市净值 {m(led['value'])} = 各县净值之和 "
                        f"{m(led['county_value'])} + 市内县际调入 "
                        f"{m(led['internal_transfers'])} {money}",
                        f"{name}: city net {m(led['value'])} = sum of county net values "
                        f"{m(led['county_value'])} + transfers between counties of the city "
                        f"{m(led['internal_transfers'])} {money}",
                    )
                )
            )
    for iid in acc.ledger_bases:
        if iid not in acc.indicator_ids:
            continue
        out.append(
            Para(
                _t(lang, "扣除依据 — ", "Basis — ")
                + acc.indicator(iid).label(lang)
                + _t(lang, "：", ": ")
                + explained.share_basis_label(acc, iid, lang),
                "small",
            )
        )
    for w in explained.ledger_warnings(acc, region, year):
        out.append(
            Para(
                _t(lang, "警告：", "Warning: ") + explained.ledger_warning_text(acc, w, lang),
                "warning",
            )
        )
    return out


def _illustrative_warning(lang: str, status: dict) -> str:
    items = (
        "、".join(status["illustrative_items"][:12])
        if _zh(lang)
        else ", ".join(status["illustrative_items"][:12])
    )
    return _t(
        lang,
        f"注意：本报告所用清单中有 {status['illustrative']} 行（{fmt_pct(status['share'])}）为示意"
        f"数据（依据公开锚点合成，来源栏以 illustrative 标注并说明做法），涉及：{items}。结果仅供演"
        "示和方法检验，不能作为正式核算结论；正式核算前须以官方统计数据替换。",
        f"Warning: {status['illustrative']} inventory rows ({fmt_pct(status['share'])}) behind "
        "this report are illustrative (synthesized from public anchors; their source says how), "
        f"in: {items}. The results demonstrate the method and are not an official account; replace "
        "these rows with official statistics first.",
    )


def _price_note(acc: Account, year: int, lang: str) -> str:
    base = acc.base_year
    return _t(
        lang,
        f"价格处理：各系数按其价格年份记录，核算时用价格指数（居民消费价格指数或固定资产投资价格指数）换算到核算年份（{year}年）的当年价格；"
        f"增长率按 {base} 年可比价计算，即各指标价值量用其价格指数折算到 {base} 年价格后再比较。",
        "Prices: each coefficient is stored at its own price year and moved to the accounting year "
        f"({year}) with a price index (CPI or the fixed-asset investment price index); growth is "
        f"computed at {base} prices, each indicator deflated with its index.",
    )


def _figures(
    acc: Account, region: str | None, year: int, lang: str, unit: str, source: str, where: str
):
    money = tables.money_label(unit, lang)
    scale = tables.MONEY_UNITS[unit]
    out = []
    # 1. categories of the region
    h = tables.headline(acc, region, year)
    cats = list(h["categories"])
    fig = figures.bar_chart(
        [tables.category_name(c, lang) for c in cats],
        [(h["categories"][c] or math.nan) / scale for c in cats],
        _t(
            lang,
            f"{where}{year}年生态产品总值构成（{money}）",
            f"{where}: GEP by category, {year} ({money})",
        ),
        money,
        source,
        colors=[figures.CATEGORY_COLORS.get(c, "#888") for c in cats],
    )
    out.append(
        (
            fig,
            _t(
                lang,
                f"图1  {where}{year}年 GEP 构成",
                f"Figure 1  {where}: GEP by category, {year}",
            ),
        )
    )
    # 2. trend at current and comparable prices
    years = acc.years
    if region is None:
        cur = acc.gep().sum("region", min_count=1)
        comp = acc.comparable().sum(["region", "indicator"], min_count=1)
    else:
        cur = acc.gep().sel(region=region)
        comp = acc.comparable().sel(region=region).sum("indicator", min_count=1)
    fig = figures.line_chart(
        years,
        {
            _t(lang, "当年价", "current prices"): [float(cur.sel(year=y)) / scale for y in years],
            _t(lang, f"{acc.base_year}年可比价", f"{acc.base_year} prices"): [
                float(comp.sel(year=y)) / scale for y in years
            ],
        },
        _t(
            lang,
            f"{where}{years[0]}—{years[-1]}年 GEP 变化（{money}）",
            f"{where}: GEP {years[0]}–{years[-1]} ({money})",
        ),
        money,
        source,
    )
    out.append(
        (fig, _t(lang, f"图2  {where} GEP 年际变化", f"Figure 2  {where}: GEP over the years"))
    )
    # 3. counties: GEP ranking (city) or the county's rank history
    if region is None:
        g = acc.gep().sel(year=year).to_pandas().sort_values(ascending=False)
        fig = figures.bar_chart(
            [acc.region_name(r, lang) for r in g.index],
            list(g.to_numpy() / scale),
            _t(
                lang,
                f"{where}各区县{year}年 GEP（{money}）",
                f"{where}: GEP by county, {year} ({money})",
            ),
            money,
            source,
        )
        out.append((fig, _t(lang, f"图3  {year}年各区县 GEP", f"Figure 3  GEP by county, {year}")))
        ratio = acc.gep_gdp_ratio().sel(year=year).to_pandas().sort_values(ascending=False)
        if ratio.notna().any():
            fig = figures.bar_chart(
                [acc.region_name(r, lang) for r in ratio.index],
                list(ratio.to_numpy()),
                _t(
                    lang,
                    f"{where}各区县{year}年 GEP 与 GDP 之比（倍）",
                    f"{where}: GEP/GDP by county, {year} (×)",
                ),
                _t(lang, "倍", "×"),
                source,
                colors="#4C72B0",
                suffix=_t(lang, " 倍", "×"),
            )
            out.append(
                (
                    fig,
                    _t(
                        lang, f"图4  {year}年各区县 GEP/GDP", f"Figure 4  GEP/GDP by county, {year}"
                    ),
                )
            )
    else:
        hist = tables.rank_history(acc, region)
        fig = figures.bar_chart(
            [str(y) for y in hist["year"]],
            list(hist["gep"] / scale),
            _t(
                lang,
                f"{where}各年 GEP 及排名（{money}）",
                f"{where}: GEP and rank by year ({money})",
            ),
            money,
            source,
            horizontal=False,
        )
        ax = fig.axes[0]
        for i, rk in enumerate(hist["rank"]):
            ax.annotate(
                _t(lang, f"第{int(rk)}位", f"#{int(rk)}") if math.isfinite(rk) else "",
                (i, 0),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                fontsize=8,
                color="white",
                fontfamily=figures.matplotlib_font_family(),
            )
        out.append(
            (
                fig,
                _t(
                    lang,
                    f"图3  {where}各年 GEP 与区县排名",
                    f"Figure 3  {where}: GEP and rank by year",
                ),
            )
        )
    return out
