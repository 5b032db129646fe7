"""Project summary for a first discussion with a buyer or the trading platform: inputs with
their sources, headline results (totals, per 亩, per ha), the eligibility screen, price
scenarios and the yearly table — as Word (python-docx) or Excel (openpyxl) **bytes**.

Functions here build documents in memory and never touch the file system; the CLI writes
them with :func:`gep.safeio.atomic_write_bytes`, the app offers them as downloads. Input is
the dict of :meth:`gep.carbon.appraisal.ProjectAppraisal.to_dict` plus ``eligibility`` rows
(:func:`gep.carbon.eligibility.screen`) and ``defaults``
(:func:`gep.carbon.costs.project_defaults`, as dicts).
"""

from __future__ import annotations

import io
import math

import pandas as pd

from ..safeio import escape_frame, safe_sheet_title
from .inputs import input_specs

_T = {
    "title": ("造林碳汇项目测算摘要", "Afforestation carbon project — summary"),
    "disclaimer": (
        "本摘要为初步测算，供与买方或交易平台初步沟通使用；标注为 illustrative 的默认值是假设，"
        "请以实际报价和监测数据替换。",
        "A first estimate for an initial discussion with a buyer or the trading platform; "
        "defaults marked illustrative are assumptions — replace them with quotes and "
        "monitoring data.",
    ),
    "project": ("项目概况", "Project"),
    "results": ("主要结果", "Headline results"),
    "elig": ("方法学资格筛查（CCER-14-001-V01）", "Eligibility screen (CCER-14-001-V01)"),
    "scen": ("碳价情景", "Price scenarios"),
    "yearly": ("逐年明细", "Yearly table"),
    "inputs": ("输入与来源", "Inputs and sources"),
    "item": ("项目", "Item"),
    "total": ("合计", "Total"),
    "per_mu": ("每亩", "Per mu"),
    "per_ha": ("每公顷", "Per ha"),
}


def _t(key: str, lang: str) -> str:
    zh, en = _T[key]
    return zh if lang == "zh" else en


def _num(v, digits: int = 2) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "—"
    return f"{v:,.{digits}f}"


def project_rows(result: dict, lang: str = "zh") -> list[tuple[str, str]]:
    inp = result["inputs"]
    zh = lang == "zh"
    curve = "; ".join(f"{k}: {v}" for k, v in inp.get("growth_curve", {}).items())
    start, period = inp["start"], inp["period"]
    return [
        ("面积" if zh else "Area", f"{_num(inp['area_mu'], 0)} 亩 = {_num(inp['area_ha'], 1)} ha"),
        ("树种组" if zh else "Species group", ", ".join(inp["species"])),
        ("生长曲线" if zh else "Growth curve", curve or "—"),
        ("计入期" if zh else "Crediting period", f"{start}–{start + period - 1} ({period})"),
        ("碳库" if zh else "Carbon pools", inp["pools"]),
        (
            "碳价" if zh else "Carbon price",
            f"{inp.get('price_scenario', '')} {inp.get('price_basis', '')}".strip(),
        ),
        ("折现率" if zh else "Discount rate", f"{inp['discount_pct']:g} %"),
        (
            "核查/签发年份" if zh else "Verification / issuance years",
            ", ".join(map(str, result["verification_years"])),
        ),
    ]


def result_rows(result: dict, lang: str = "zh") -> list[tuple[str, str, str, str]]:
    zh = lang == "zh"

    def irr_text(v, reason):
        if v is not None:
            return f"{100 * v:.2f} %"
        return "无（现金流未变号）" if reason == "no_sign_change" else "无（在 −99%–1000% 内无解）"

    rows = [
        (
            "计入碳汇量 (tCO₂e)" if zh else "Credited (tCO₂e)",
            _num(result["credited_total_tCO2e"], 0),
            _num(result["credited_total_tCO2e_per_mu"], 2),
            _num(result["credited_total_tCO2e_per_ha"], 1),
        ),
        (
            "收入 (元)" if zh else "Revenue (CNY)",
            _num(result["revenue_total_CNY"], 0),
            _num(result["revenue_total_CNY_per_mu"], 1),
            _num(result["revenue_total_CNY_per_ha"], 0),
        ),
        (
            "成本 (元)" if zh else "Costs (CNY)",
            _num(result["cost_total_CNY"], 0),
            _num(result["cost_total_CNY_per_mu"], 1),
            _num(result["cost_total_CNY_per_ha"], 0),
        ),
        (
            "净现值 NPV (元)" if zh else "NPV (CNY)",
            _num(result["npv_CNY"], 0),
            _num(result["npv_CNY_per_mu"], 1),
            _num(result["npv_CNY_per_ha"], 0),
        ),
        ("内部收益率 IRR" if zh else "IRR", irr_text(result["irr"], result["irr_reason"]), "", ""),
        (
            "盈亏平衡碳价 (元/tCO₂e)" if zh else "Break-even price (CNY/tCO₂e)",
            _num(result["breakeven_price_CNY_per_tCO2e"], 2),
            "",
            "",
        ),
        (
            "动态投资回收期 (年)" if zh else "Discounted payback (yr)",
            _num(result["discounted_payback_years"], 0),
            "",
            "",
        ),
    ]
    if result.get("npv_p50") is not None:
        rows.append(
            (
                "NPV P5 / P50 / P95 (元)" if zh else "NPV P5 / P50 / P95 (CNY)",
                " / ".join(_num(result[f"npv_p{q}"], 0) for q in (5, 50, 95)),
                " / ".join(_num(result[f"npv_CNY_per_mu_p{q}"], 0) for q in (5, 50, 95)),
                " / ".join(_num(result[f"npv_CNY_per_ha_p{q}"], 0) for q in (5, 50, 95)),
            )
        )
    return rows


def results_frame(result: dict, lang: str = "zh") -> pd.DataFrame:
    """Headline results as numbers (Excel): total, per 亩, per ha."""
    zh = lang == "zh"
    rows = [
        ("计入碳汇量 (tCO₂e)" if zh else "Credited (tCO₂e)", "credited_total_tCO2e"),
        ("收入 (元)" if zh else "Revenue (CNY)", "revenue_total_CNY"),
        ("成本 (元)" if zh else "Costs (CNY)", "cost_total_CNY"),
        ("净现值 NPV (元)" if zh else "NPV (CNY)", "npv_CNY"),
    ]
    data = [
        (label, result[key], result[f"{key}_per_mu"], result[f"{key}_per_ha"])
        for label, key in rows
    ]
    data += [
        ("内部收益率 IRR" if zh else "IRR", result["irr"], None, None),
        (
            "盈亏平衡碳价 (元/tCO₂e)" if zh else "Break-even price (CNY/tCO₂e)",
            result["breakeven_price_CNY_per_tCO2e"],
            None,
            None,
        ),
        (
            "动态投资回收期 (年)" if zh else "Discounted payback (yr)",
            result["discounted_payback_years"],
            None,
            None,
        ),
    ]
    if result.get("npv_p50") is not None:
        for q in (5, 50, 95):
            data.append(
                (
                    f"NPV P{q}",
                    result[f"npv_p{q}"],
                    result[f"npv_CNY_per_mu_p{q}"],
                    result[f"npv_CNY_per_ha_p{q}"],
                )
            )
    return pd.DataFrame(
        data, columns=[_t("item", lang), _t("total", lang), _t("per_mu", lang), _t("per_ha", lang)]
    )


def inputs_frame(result: dict, defaults: dict, lang: str = "zh") -> pd.DataFrame:
    """Every finance input: value used, unit, status and source of its default."""
    zh = lang == "zh"
    inp = result["inputs"]
    used = {
        **inp.get("costs", {}),
        "verification_first": inp.get("verification_first"),
        "verification_interval": inp.get("verification_interval"),
        "leakage_share": inp.get("leakage_share"),
        "uncertainty_deduction": inp.get("uncertainty_deduction"),
        "discount_pct": inp.get("discount_pct"),
    }
    mc = inp.get("monte_carlo", {})
    used.update({k: mc[k] for k in ("price_sd", "cost_sd") if k in mc})
    rows = []
    for name, d in defaults.items():
        rows.append(
            {
                ("参数" if zh else "input"): d["description_zh" if zh else "description_en"],
                ("采用值" if zh else "value used"): used.get(name),
                ("默认值" if zh else "default"): d["value"],
                ("单位" if zh else "unit"): d["unit"],
                ("状态" if zh else "status"): d["status"],
                ("来源" if zh else "source"): f"{d['coefficient_id']}: {d['source']}",
            }
        )
    specs = input_specs()
    for name in ("area", "period", "price", "baseline"):
        spec = specs[name]
        rows.append(
            {
                ("参数" if zh else "input"): spec["zh" if zh else "en"],
                ("采用值" if zh else "value used"): {
                    "area": inp.get("area_ha"),
                    "period": inp.get("period"),
                    "price": inp.get("price_scenario") or "supplied",
                    "baseline": (
                        inp["baseline_tCO2e_per_year"] / inp["area_ha"]
                        if isinstance(inp.get("baseline_tCO2e_per_year"), float)
                        else inp.get("baseline_tCO2e_per_year")
                    ),
                }[name],
                ("默认值" if zh else "default"): spec.get("default"),
                ("单位" if zh else "unit"): spec.get("unit"),
                ("状态" if zh else "status"): inp.get("price_status", "")
                if name == "price"
                else "",
                ("来源" if zh else "source"): inp.get("price_source", "")
                if name == "price"
                else spec.get("default_source", ""),
            }
        )
    return pd.DataFrame(rows)


def yearly_frame(result: dict, lang: str = "zh") -> pd.DataFrame:
    zh = lang == "zh"
    cols = {
        "years": ("年份", "year"),
        "credited_tCO2e": ("计入碳汇 tCO₂e", "credited tCO₂e"),
        "cumulative_tCO2e": ("累计碳汇 tCO₂e", "cumulative tCO₂e"),
        "issued_tCO2e": ("签发 tCO₂e", "issued tCO₂e"),
        "price_CNY_per_tCO2e": ("碳价 元/t", "price CNY/t"),
        "revenue_CNY": ("收入 元", "revenue CNY"),
        "cost_CNY": ("成本 元", "cost CNY"),
        "cash_flow_CNY": ("净现金流 元", "cash flow CNY"),
        "cumulative_cash_flow_CNY": ("累计现金流 元", "cumulative CNY"),
        "credited_tCO2e_per_mu": ("计入碳汇 t/亩", "credited t/mu"),
        "cash_flow_CNY_per_mu": ("净现金流 元/亩", "cash flow CNY/mu"),
    }
    return pd.DataFrame({(zh_ if zh else en): result[k] for k, (zh_, en) in cols.items()})


def eligibility_frame(rows: list[dict], lang: str = "zh") -> pd.DataFrame:
    zh = lang == "zh"
    return pd.DataFrame(
        {
            ("条件" if zh else "condition"): [r["zh" if zh else "en"] for r in rows],
            ("结果" if zh else "status"): [r["status_zh" if zh else "status"] for r in rows],
            ("说明" if zh else "detail"): [r["detail_zh" if zh else "detail_en"] for r in rows],
            ("条款" if zh else "clause"): [
                r["clause_zh" if zh else "clause"]
                + ("" if r["verified"] else (" ［未核实］" if zh else " [unverified]"))
                for r in rows
            ],
        }
    )


def scenarios_frame(result: dict, lang: str = "zh") -> pd.DataFrame:
    zh = lang == "zh"
    return pd.DataFrame(
        {
            ("情景" if zh else "scenario"): [
                r["zh" if zh else "scenario"] for r in result["price_scenarios"]
            ],
            ("碳价 元/t" if zh else "price CNY/t"): [
                r["price_CNY_per_tCO2e"] for r in result["price_scenarios"]
            ],
            ("NPV 元" if zh else "NPV CNY"): [r["npv_CNY"] for r in result["price_scenarios"]],
            ("NPV 元/亩" if zh else "NPV CNY/mu"): [
                r["npv_CNY_per_mu"] for r in result["price_scenarios"]
            ],
            ("IRR"): [r["irr"] for r in result["price_scenarios"]],
        }
    )


def summary_docx(result: dict, defaults: dict, lang: str = "zh") -> bytes:
    """The summary as a Word document (bytes)."""
    from docx import Document

    doc = Document()
    doc.add_heading(_t("title", lang), level=0)
    doc.add_paragraph(_t("disclaimer", lang))

    def table(df_or_rows, header):
        rows = df_or_rows
        t = doc.add_table(rows=1, cols=len(header))
        t.style = "Table Grid"
        for cell, h in zip(t.rows[0].cells, header, strict=True):
            cell.text = str(h)
        for row in rows:
            cells = t.add_row().cells
            for cell, v in zip(cells, row, strict=True):
                if isinstance(v, float):
                    v = _num(v, 2)
                cell.text = "" if v is None else str(v)

    doc.add_heading(_t("project", lang), level=1)
    table(project_rows(result, lang), [_t("item", lang), ""])
    doc.add_heading(_t("results", lang), level=1)
    table(
        result_rows(result, lang),
        [_t("item", lang), _t("total", lang), _t("per_mu", lang), _t("per_ha", lang)],
    )
    if result.get("eligibility"):
        doc.add_heading(_t("elig", lang), level=1)
        df = eligibility_frame(result["eligibility"], lang)
        table(df.values.tolist(), list(df.columns))
    doc.add_heading(_t("scen", lang), level=1)
    df = scenarios_frame(result, lang)
    df["IRR"] = [("—" if v is None else f"{100 * v:.2f} %") for v in df["IRR"]]
    table(df.values.tolist(), list(df.columns))
    doc.add_heading(_t("inputs", lang), level=1)
    df = inputs_frame(result, defaults, lang)
    table(df.values.tolist(), list(df.columns))
    doc.add_heading(_t("yearly", lang), level=1)
    df = yearly_frame(result, lang)
    table([[int(r[0]), *[_num(v, 0) for v in r[1:]]] for r in df.values.tolist()], list(df.columns))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def summary_xlsx(result: dict, defaults: dict, lang: str = "zh") -> bytes:
    """The summary as an Excel workbook (bytes), one sheet per section, text cells escaped."""
    sheets = {
        _t("project", lang): pd.DataFrame(
            project_rows(result, lang), columns=[_t("item", lang), ""]
        ),
        _t("results", lang): results_frame(result, lang),
        _t("elig", lang): eligibility_frame(result.get("eligibility", []), lang)
        if result.get("eligibility")
        else pd.DataFrame(),
        _t("scen", lang): scenarios_frame(result, lang),
        _t("inputs", lang): inputs_frame(result, defaults, lang),
        _t("yearly", lang): yearly_frame(result, lang),
    }
    buf = io.BytesIO()
    taken: list[str] = []
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, df in sheets.items():
            title = safe_sheet_title(name, taken)
            taken.append(title)
            escape_frame(df).to_excel(writer, sheet_name=title, index=False)
    return buf.getvalue()
