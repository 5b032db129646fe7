"""Cached calls into :mod:`gep.carbon` for the carbon page (imported lazily by the page), the
page's own strings, and Chinese messages for input problems.

Results are returned as plain dicts / pandas so that ``st.cache_data`` can pickle them.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from ..coefficients import CoefficientSet
from ..errors import InputError, Problem
from ..inventory import Dataset
from ..units import parse_unit, ureg

#: Strings of the carbon page not in gep.app.i18n (zh, en).
S: dict[str, tuple[str, str]] = {
    "baseline": ("基线碳汇（吨CO₂e/亩·年）", "Baseline removals (t CO₂e/mu/yr)"),
    "leakage": ("泄漏（占净碳汇 %）", "Leakage (% of net removals)"),
    "deduction": ("不确定性扣减/风险缓冲（%）", "Uncertainty deduction / buffer (%)"),
    "registry": ("登记签发费（元/吨CO₂e）", "Registry fee (CNY/t CO₂e)"),
    "first": ("首次核查（项目第几年）", "First verification (project year)"),
    "interval": ("核查间隔（年）", "Years between verifications"),
    "fee": ("交易手续费（占收入 %）", "Trading fee (% of revenue)"),
    "validation": ("项目设计与审定成本（元）", "Design and validation (CNY)"),
    "verification": ("每次监测核查成本（元）", "Cost per verification (CNY)"),
    "capex": ("造林成本（元/亩）", "Establishment cost (CNY/mu)"),
    "opex": ("年管护成本（元/亩·年）", "Management cost (CNY/mu/yr)"),
    "cost_sd": ("成本波动（对数标准差）", "Cost spread (log sd)"),
    "price_sd": ("碳价波动（对数标准差）", "Price spread (log sd)"),
    "per_mu": ("每亩", "per mu"),
    "per_ha": ("每公顷", "per ha"),
    "credits_total": ("计入期碳汇量", "Credits over the period"),
    "npv_mu": ("每亩净现值", "NPV per mu"),
    "no_irr_sign": ("无（现金流未变号）", "none (cash flow never changes sign)"),
    "no_irr_root": (
        "无（现金流变号，但 −99%–1000% 内无解）",
        "none (sign changes, but no rate in −99 %…1000 % gives NPV 0)",
    ),
    "cashflow_title": ("逐年净现金流与累计现金流（元）", "Yearly and cumulative cash flow (CNY)"),
    "yearly": ("年净现金流", "Yearly net cash flow"),
    "cumulative": ("累计现金流", "Cumulative cash flow"),
    "disc_cumulative": ("累计折现现金流", "Cumulative discounted cash flow"),
    "credits_title": ("逐年碳汇量与签发量（吨CO₂e）", "Credits and issuance by year (t CO₂e)"),
    "credited": ("计入碳汇量", "Credited"),
    "issued": ("签发量（核查年）", "Issued (verification years)"),
    "cum_issued": ("累计签发", "Cumulative issued"),
    "sens_title": (
        "碳价敏感性：净现值随碳价变化",
        "Price sensitivity: NPV against the carbon price",
    ),
    "scen_title": ("各碳价情景", "Price scenarios"),
    "mc": (
        "蒙特卡洛（{n} 次，生长 + 碳价 + 成本）P5 / P50 / P95",
        "Monte Carlo ({n} draws, growth + price + costs) P5 / P50 / P95",
    ),
    "elig_title": ("方法学资格筛查（CCER-14-001-V01）", "Eligibility screen (CCER-14-001-V01)"),
    "elig_facts": ("项目地情况（用于资格筛查）", "Project land facts (for the eligibility screen)"),
    "nonforest_since": ("非林地起始年份（0 = 未知）", "Non-forest since (0 = unknown)"),
    "min_parcel": ("最小地块面积（m²，0 = 未知）", "Smallest parcel (m², 0 = unknown)"),
    "rainfall": ("年降水量（mm，0 = 未知）", "Annual rainfall (mm, 0 = unknown)"),
    "key_zone": ("位于国家重点生态功能区", "In a national key ecological function zone"),
    "tenure": ("权属清晰", "Tenure documented"),
    "wetland": ("属于湿地", "Wetland"),
    "economic": ("经济林", "Economic forest"),
    "welfare": ("生态公益林", "Public-welfare forest"),
    "unknown": ("未知", "unknown"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "inputs_title": (
        "输入说明（单位、含义、默认值及来源）",
        "Inputs (unit, meaning, default and source)",
    ),
    "curve": ("生长曲线：{c}", "Growth curve: {c}"),
    "refused": ("该树种组无法测算", "This species group cannot be appraised"),
    "export_docx": ("下载项目摘要（Word）", "Download project summary (Word)"),
    "export_xlsx": ("下载项目摘要（Excel）", "Download project summary (Excel)"),
    "county_title": ("区县碳汇定价", "County carbon-sink pricing"),
    "county_note": (
        "新 CCER 体系下未找到森林经营方法学（只有旧体系的 AR-CM-003-V01），现有森林的碳汇按不可计入"
        "处理；可计入部分按新增林地面积（造林，CCER-14-001-V01）所占份额估算，是筛查用的上限。",
        "No forest-management methodology was found in the new CCER system (only the NDRC-era "
        "AR-CM-003-V01), so existing-forest removals count as not creditable; the creditable part "
        "is the area share of newly added forest (afforestation, CCER-14-001-V01) — a screening "
        "ceiling.",
    ),
    "bad_input": ("输入有误", "Input problem"),
}


#: Why a species group is left out of the county sink, in Chinese.
EXCLUDED_ZH = {
    "bamboo": "竹林没有基于材积的生物量模型，请单独核算（如按株数 × 每株 10.44 kg，张茂震等 2009，"
    "李银等 2016 采用），并从传入的森林清单中去掉",
}


def tr(key: str, lang: str, **kw) -> str:
    zh, en = S[key]
    return (zh if lang == "zh" else en).format(**kw)


FIELD_ZH = {
    "area": "造林面积",
    "period": "计入期",
    "price": "碳价",
    "price_path": "碳价路径",
    "species": "树种组",
    "establishment": "造林成本",
    "management": "管护成本",
    "validation": "项目设计与审定成本",
    "verification": "核查成本",
    "registry_fee": "登记签发费",
    "fee_share": "交易手续费率",
    "verification_first": "首次核查年",
    "verification_interval": "核查间隔",
    "leakage_share": "泄漏比例",
    "uncertainty_deduction": "不确定性扣减",
    "growth_sd": "生长不确定性",
    "draws": "蒙特卡洛次数",
}


def problem_text(p: Problem, lang: str) -> str:
    """A problem as one sentence in the page's language (Chinese first, never an English table)."""
    msg = p.message
    if " / " in msg and re.search(r"[\u4e00-\u9fff]", msg.split(" / ")[0]):
        zh, en = msg.split(" / ", 1)
        return zh if lang == "zh" else en
    if lang != "zh":
        return f"{p.field or p.file}: {msg}"
    m = re.search(
        r"species '(\w+)' reaches age (\d+) yr but its growth curve is fitted to ages ≤ (\S+) yr",
        msg,
    )
    if m:
        return (
            f"树种组 {m.group(1)} 在计入期内林龄达到 {m.group(2)} 年，超出其生长曲线的数据范围（≤ "
            f"{m.group(3)} 年）。请缩短计入期、提供更老林分的生长曲线，或勾选“允许外推”（结果会标注"
            "）。"
        )
    m = re.search(r"crediting period (\d+) yr is outside the methodology's bounds (\d+)–(\d+)", msg)
    if m:
        return f"计入期 {m.group(1)} 年超出方法学允许范围（{m.group(2)}–{m.group(3)} 年）。"
    m = re.search(r"no price for (.+?) \(", msg)
    if m:
        return f"碳价路径短于计入期：{m.group(1)} 年没有碳价，请补全每一年的价格。"
    if "cannot be converted" in msg:
        name = FIELD_ZH.get(p.field or "", p.field)
        return f"{name}的单位不对：{msg.split(' is in ', 1)[-1]}。"
    if "must be > 0" in msg or "non-negative" in msg or "must be ≥ 0" in msg:
        return f"{FIELD_ZH.get(p.field or '', p.field)}必须大于 0。"
    if "first verification must be in project year" in msg:
        return "首次核查不得早于项目第 3 年。"
    if "must be in [0, 1)" in msg or "must be < 1" in msg:
        return f"{FIELD_ZH.get(p.field or '', p.field)}必须在 0–100% 之间（不含 100%）。"
    if "first-year carbon price must be positive" in msg:
        return "首年碳价必须大于 0。"
    name = FIELD_ZH.get(p.field or "", p.field or p.file)
    return f"{name}：输入有误（{msg}）"


def show_input_error(exc: InputError, lang: str) -> None:
    """Every problem as a Chinese (or English) error line — no untranslated table."""
    for p in exc.problems:
        st.error(problem_text(p, lang))


def has_forest_inventory(dataset: Dataset) -> bool:
    return "forest.area" in dataset.data and "forest.stock" in dataset.data


@st.cache_data(show_spinner=False, max_entries=32)
def county_sink(
    dataset_hash: str,
    coefficients_hash: str,
    method: str,
    biomass: str,
    year: int,
    _dataset: Dataset,
    _coefficients: CoefficientSet,
):
    """Sink by region, year and species [tCO2e/yr] and the species left out (with why)."""
    from ..carbon.integration import dataset_sink

    result, excluded = dataset_sink(
        _dataset.data, _coefficients, year, method, biomass, by_species=True
    )
    result = result.sel(species=[s for s in result["species"].values if str(s) not in excluded])
    return result, excluded


@st.cache_data(show_spinner=False, max_entries=16)
def county_pricing(
    dataset_hash: str,
    coefficients_hash: str,
    biomass: str,
    year: int,
    _dataset: Dataset,
    _coefficients: CoefficientSet,
) -> pd.DataFrame:
    """Per county: sink, afforestation share, value at each price scenario (tidy frame)."""
    from ..carbon.county import county_pricing as pricing
    from ..carbon.integration import dataset_sink
    from ..carbon.prices import PRICE_SCENARIOS

    sink, excluded = dataset_sink(
        _dataset.data, _coefficients, year, "stock-difference", biomass, by_species=True
    )
    sink = sink.sel(species=[s for s in sink["species"].values if str(s) not in excluded])
    out = pricing(
        sink, _dataset.data["forest.area"], year, {k: v.price for k, v in PRICE_SCENARIOS.items()}
    )
    base = out[
        [
            "sink",
            "forest_area",
            "new_area",
            "sink_afforestation",
            "sink_existing",
            "creditable_share",
        ]
    ].to_dataframe()
    values = (
        out["value_creditable"]
        .to_dataframe()
        .reset_index()
        .pivot(index="region", columns="scenario", values="value_creditable")
    )
    return base.join(values).reset_index()


@st.cache_data(show_spinner=False, max_entries=8)
def project_species(coefficients_hash: str, year: int, _coefficients: CoefficientSet) -> dict:
    """Every species group → its growth curve, or ``"REFUSED: <why and what to enter>"``."""
    from ..carbon import SPECIES
    from ..carbon.curves import curve_species

    return curve_species(_coefficients, year, SPECIES)


@st.cache_data(show_spinner=False, max_entries=8)
def project_defaults(coefficients_hash: str, year: int, _coefficients: CoefficientSet) -> dict:
    """Sourced defaults (:func:`gep.carbon.costs.project_defaults`) as plain dicts."""
    from ..carbon.costs import project_defaults as defaults

    return {k: d.as_dict() for k, d in defaults(_coefficients, year).items()}


def to_hectares(value: float, unit: str) -> float:
    return float(
        ureg.Quantity(float(value), parse_unit(unit, field="unit")).to("hectare").magnitude
    )


@st.cache_data(show_spinner=False, max_entries=32)
def appraise(coefficients_hash: str, inputs: tuple, _coefficients: CoefficientSet) -> dict:
    """Run the appraisal and the eligibility screen; returns ``to_dict()`` plus NPV draws."""
    from ..carbon import ProjectCosts, appraise_project, make_strata
    from ..carbon.curves import project_growth_parameters
    from ..carbon.eligibility import CREDITING_PERIOD_BOUNDS, ProjectFacts, overall, screen
    from ..carbon.issuance import VerificationSchedule

    p = dict(inputs)
    if not p["area_ha"] > 0:
        raise InputError(Problem("<input>", "area must be > 0", field="area"))
    strata = make_strata(p["area_ha"], p["species"], p["start"])
    draws = int(p["draws"])
    params = project_growth_parameters(
        _coefficients, p["start"], [p["species"]], growth_uncertainty=draws > 0
    )
    costs = ProjectCosts(
        establishment=p["establishment_ha"],
        management=p["management_ha"],
        validation=p["validation"],
        verification=p["verification"],
        registry_fee=p["registry_fee"],
        fee_share=p["fee_share"],
    )
    result = appraise_project(
        strata,
        p["start"],
        p["period"],
        params,
        p["price"],
        price_growth_pct=p["growth_pct"],
        discount_pct=p["discount_pct"],
        costs=costs,
        schedule=VerificationSchedule(p["first"], p["interval"]),
        baseline=p["baseline_ha"] * p["area_ha"],
        leakage_share=p["leakage_share"],
        uncertainty_deduction=p["deduction"],
        beyond_data="flag" if p["extrapolate"] else "raise",
        period_bounds=CREDITING_PERIOD_BOUNDS,
        draws=draws,
        seed=p["seed"],
        price_sd=p["price_sd"],
        cost_sd=p["cost_sd"],
    )
    out = result.to_dict()
    out["npv_draws"] = (
        [float(v) for v in result.npv_draws.values] if result.npv_draws is not None else []
    )
    out["inputs"]["growth_curve"] = params.attrs.get("curves", {})
    facts = ProjectFacts(
        area_ha=p["area_ha"],
        start=p["start"],
        period=p["period"],
        **dict(p["facts"]),
    )
    out["eligibility"] = screen(facts)
    out["eligibility_overall"] = overall(out["eligibility"])
    return out


def yearly_frame(result: dict) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": result["years"],
            "removals": result["removals_tCO2e"],
            "credited": result["credited_tCO2e"],
            "cumulative": result["cumulative_tCO2e"],
            "issued": result["issued_tCO2e"],
            "cumulative_issued": result["cumulative_issued_tCO2e"],
            "price": result["price_CNY_per_tCO2e"],
            "revenue": result["revenue_CNY"],
            "cost": result["cost_CNY"],
            "cash_flow": result["cash_flow_CNY"],
            "cumulative_cash_flow": result["cumulative_cash_flow_CNY"],
            "discounted_cumulative": result["discounted_cumulative_CNY"],
            "credited_per_mu": result["credited_tCO2e_per_mu"],
            "cash_flow_per_mu": result["cash_flow_CNY_per_mu"],
        }
    )
