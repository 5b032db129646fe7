"""Eligibility screen of an afforestation project against the CCER afforestation methodology.

The conditions are data (``ccer_afforestation.yaml`` beside this module, package data): each
has a clause reference and a ``verified`` flag (False where the reference notes list the
clause as unverified). :func:`screen` returns one row per condition with status ``pass``,
``fail`` or ``needs_evidence`` — never a guess: a fact the user did not give is "needs
evidence". Pure function; no file I/O beyond reading the package's own condition table.

References
----------
.. [1] 温室气体自愿减排项目方法学 造林碳汇 (CCER-14-001-V01), 2023 (forest_carbon.md §4.2).
.. [2] 碳汇造林项目方法学 AR-CM-001-V01, 2013 (forest_carbon.md §4.3).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..yamlio import loads_yaml

PASS, FAIL, NEEDS_EVIDENCE = "pass", "fail", "needs_evidence"
STATUS_ZH = {PASS: "符合", FAIL: "不符合", NEEDS_EVIDENCE: "需提供证明"}


@lru_cache(maxsize=1)
def methodology() -> dict:
    """The condition table (``ccer_afforestation.yaml``)."""
    text = resources.files("gep.carbon").joinpath("ccer_afforestation.yaml").read_text("utf-8")
    return loads_yaml(text, "gep/carbon/ccer_afforestation.yaml")


def _period_bounds() -> tuple[int, int]:
    rule = methodology()["conditions"]["crediting_period"]["rule"]
    return int(rule["min"]), int(rule["max"])


#: Crediting-period bounds [yr] of the methodology (from the condition table).
CREDITING_PERIOD_BOUNDS: tuple[int, int] = _period_bounds()


@dataclass(frozen=True)
class ProjectFacts:
    """What the developer knows about the project land (``None`` = not known / not given).

    Attributes
    ----------
    area_ha : float
        Project area [ha].
    start : int
        Project start (planting) year.
    period : int
        Crediting period [yr].
    nonforest_since : int, optional
        Year since which the land has been non-forest.
    min_parcel_m2 : float, optional
        Smallest contiguous parcel [m²].
    key_ecological_zone : bool, optional
        The county is in a national key ecological function zone.
    rainfall_mm : float, optional
        Mean annual rainfall [mm].
    tenure_documented, wetland, economic_forest, public_welfare_forest : bool, optional
    """

    area_ha: float
    start: int
    period: int
    nonforest_since: int | None = None
    min_parcel_m2: float | None = None
    key_ecological_zone: bool | None = None
    rainfall_mm: float | None = None
    tenure_documented: bool | None = None
    wetland: bool | None = None
    economic_forest: bool | None = None
    public_welfare_forest: bool | None = None


def _evaluate(rule: dict, f: ProjectFacts) -> tuple[str, str, str]:
    """(status, detail zh, detail en) of one rule."""
    kind = rule["kind"]
    if kind == "years_before_start":
        since = f.nonforest_since
        if since is None:
            return (
                NEEDS_EVIDENCE,
                "未给出非林地起始年份",
                "year since when the land is non-forest not given",
            )
        ok = since <= f.start - int(rule["years"])
        gap = f.start - since
        return (
            PASS if ok else FAIL,
            f"自 {since} 年起为非林地，开始前 {gap} 年",
            f"non-forest since {since}, {gap} years before the start",
        )
    if kind == "since_date":
        since = f.nonforest_since
        cutoff = dt.date.fromisoformat(str(rule["date"]))
        if since is None:
            return (
                NEEDS_EVIDENCE,
                "未给出非林地起始年份",
                "year since when the land is non-forest not given",
            )
        ok = since <= cutoff.year - (0 if cutoff.month == 1 and cutoff.day == 1 else 1)
        return (
            PASS if ok else FAIL,
            f"自 {since} 年起为非林地（截止日 {cutoff}）",
            f"non-forest since {since} (cut-off {cutoff})",
        )
    if kind == "start_on_or_after":
        date = dt.date.fromisoformat(str(rule["date"]))
        if f.start > date.year:
            return PASS, f"{f.start} 年开始", f"starts {f.start}"
        if f.start < date.year:
            return FAIL, f"{f.start} 年开始，早于 {date}", f"starts {f.start}, before {date}"
        return (
            NEEDS_EVIDENCE,
            f"{f.start} 年开始，需核对具体日期",
            f"starts in {f.start}: check the exact date",
        )
    if kind == "min_parcel":
        limit = float(rule["min_m2_until_2019"] if f.start <= 2019 else rule["min_m2"])
        total_m2 = f.area_ha * 10_000
        if total_m2 < limit:
            return (
                FAIL,
                f"项目总面积 {total_m2:,.0f} m² 小于 {limit:g} m²",
                f"total area {total_m2:,.0f} m² < {limit:g} m²",
            )
        if f.min_parcel_m2 is None:
            return (
                NEEDS_EVIDENCE,
                f"总面积满足；需各地块 ≥ {limit:g} m² 的清单",
                f"total area fine; parcel list needed (each ≥ {limit:g} m²)",
            )
        ok = f.min_parcel_m2 >= limit
        return (
            PASS if ok else FAIL,
            f"最小地块 {f.min_parcel_m2:,.0f} m²（要求 ≥ {limit:g} m²）",
            f"smallest parcel {f.min_parcel_m2:,.0f} m² (needs ≥ {limit:g} m²)",
        )
    if kind == "period_bounds":
        lo, hi = int(rule["min"]), int(rule["max"])
        ok = lo <= f.period <= hi
        return (
            PASS if ok else FAIL,
            f"计入期 {f.period} 年（允许 {lo}–{hi} 年）",
            f"crediting period {f.period} yr (allowed {lo}–{hi})",
        )
    if kind == "additionality_exemption":
        limit = float(rule["max_rain_mm"])
        if f.key_ecological_zone:
            return (
                PASS,
                "位于国家重点生态功能区，免予论证额外性",
                "in a national key ecological function zone: exempt",
            )
        if f.rainfall_mm is not None and f.rainfall_mm <= limit:
            return (
                PASS,
                f"年降水量 {f.rainfall_mm:g} mm ≤ {limit:g} mm，免予论证",
                f"rainfall {f.rainfall_mm:g} mm ≤ {limit:g} mm: exempt",
            )
        detail = []
        if f.rainfall_mm is not None:
            detail.append(
                (
                    f"年降水量 {f.rainfall_mm:g} mm > {limit:g} mm",
                    f"rainfall {f.rainfall_mm:g} mm > {limit:g} mm",
                )
            )
        if f.key_ecological_zone is False:
            detail.append(("不在国家重点生态功能区", "not in a key ecological function zone"))
        zh = "；".join(d[0] for d in detail) or "未给出功能区或降水信息"
        en = "; ".join(d[1] for d in detail) or "zone and rainfall not given"
        return NEEDS_EVIDENCE, zh + "：需论证额外性", en + ": additionality must be demonstrated"
    if kind == "evidence_flag":
        value = getattr(f, rule["input"])
        if value is None:
            return NEEDS_EVIDENCE, "未确认", "not confirmed"
        return (PASS, "已具备", "documented") if value else (FAIL, "不具备", "not documented")
    if kind == "must_be_false":
        value = getattr(f, rule["input"])
        if value is None:
            return NEEDS_EVIDENCE, "未确认", "not confirmed"
        return (FAIL, "是", "yes") if value else (PASS, "否", "no")
    if kind == "needs_evidence_always":
        value = getattr(f, rule["input"])
        state = {
            None: ("未说明", "not stated"),
            True: ("是公益林", "designated"),
            False: ("非公益林", "not designated"),
        }[value]
        return (
            NEEDS_EVIDENCE,
            state[0] + "；规则未核实，由审定机构判断",
            state[1] + "; rule unverified, the validation body decides",
        )
    raise ValueError(f"unknown rule kind {kind!r}")


def screen(facts: ProjectFacts) -> list[dict]:
    """One row per methodology condition: status, clause, detail and the evidence to collect.

    Parameters
    ----------
    facts : ProjectFacts

    Returns
    -------
    list of dict
        ``condition``, ``zh``, ``en``, ``status`` (pass | fail | needs_evidence),
        ``status_zh``, ``clause`` (``clause_zh``), ``verified``
        (False where the clause is unverified),
        ``informative`` (True for the old methodology's cut-off, shown for reference),
        ``detail_zh``, ``detail_en``, ``evidence_zh``, ``evidence_en``.
    """
    rows = []
    for key, cond in methodology()["conditions"].items():
        status, zh, en = _evaluate(cond["rule"], facts)
        rows.append(
            {
                "condition": key,
                "zh": cond["zh"],
                "en": cond["en"],
                "status": status,
                "status_zh": STATUS_ZH[status],
                "clause": cond["clause"],
                "clause_zh": cond.get("clause_zh", cond["clause"]),
                "verified": bool(cond.get("verified", False)),
                "informative": bool(cond.get("informative", False)),
                "detail_zh": zh,
                "detail_en": en,
                "evidence_zh": cond.get("evidence_zh", ""),
                "evidence_en": cond.get("evidence_en", ""),
            }
        )
    return rows


def overall(rows: list[dict]) -> str:
    """``fail`` if any binding condition fails, else ``needs_evidence`` if any needs it, else
    ``pass``."""
    binding = [r for r in rows if not r["informative"]]
    if any(r["status"] == FAIL for r in binding):
        return FAIL
    if any(r["status"] == NEEDS_EVIDENCE for r in binding):
        return NEEDS_EVIDENCE
    return PASS
