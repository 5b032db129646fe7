"""The coefficient tree as an editable table, and edits applied back to a set.

One row per coefficient value in force for the accounting year (tables by ecosystem /
species / region give one row per key). An edit replaces the value *as written in the file*
(in its own price year); the set resolves it to each accounting year's prices as usual, so an
edit behaves exactly like changing the YAML file. Edits are keyed by ``row_id`` =
``"<id>|<key>|<valid from>"`` so they survive filtering, sorting and reloads.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import numpy as np
import pandas as pd

from ..coefficients import Coefficient, CoefficientSet, ValueEntry
from ..errors import Problem
from ..units import format_unit

#: groups first in the order of the account, then the rest alphabetically
GROUP_ORDER = ("material", "regulating", "cultural", "price_index")

COLUMNS = [
    "row_id",
    "group",
    "id",
    "key",
    "description",
    "value",
    "baseline",
    "edited",
    "unit",
    "value_at_year",
    "valid_from",
    "price_year",
    "status",
    "source",
    "set",
]


def row_id(cid: str, key: str | None, start: dt.date) -> str:
    return f"{cid}|{key or ''}|{start.isoformat()}"


def parse_row_id(rid: str) -> tuple[str, str | None, dt.date]:
    cid, key, start = rid.split("|")
    return cid, (key or None), dt.date.fromisoformat(start)


def _entry(c: Coefficient, year: int) -> ValueEntry:
    found = None
    for e in c.values:
        if e.start <= dt.date(int(year), 1, 1):
            found = e
    return found if found is not None else c.values[0]


def _source_text(source: dict, lang: str = "zh") -> str:
    """Title · issuer · year · clause as written in the file; in English the Chinese title is
    followed by its English (gloss or published title, :func:`gep.report.glosses.source_title`)."""
    from ..report.glosses import glossed, source_title

    title = source_title(source, lang)
    parts = [title] if title else []
    parts += [
        glossed(str(source.get(k)), lang) for k in ("issuer", "year", "clause") if source.get(k)
    ]
    return " · ".join(parts)


def _unit_text(unit: str, lang: str = "zh") -> str:
    try:
        return format_unit(unit, lang)
    except ValueError:
        return unit


def _resolved(cs: CoefficientSet, c: Coefficient, year: int, key: str | None) -> float:
    """Value at ``year`` prices (money coefficients only); NaN when it cannot be resolved."""
    if not (c.is_money and c.price_index):
        return math.nan
    try:
        arr = cs.array(c.id, [year], keys=[key] if key else None)
        return float(np.asarray(arr.values).ravel()[0])
    except Exception:  # an index not covering the year etc. — shown as blank, not an error
        return math.nan


def coefficient_frame(
    baseline: CoefficientSet,
    edits: dict[str, float],
    year: int,
    lang: str = "zh",
    current: CoefficientSet | None = None,
) -> pd.DataFrame:
    """The editable table: baseline values, current (edited) values and their metadata."""
    current = current or baseline
    rows = []
    order = {g: i for i, g in enumerate(GROUP_ORDER)}
    ids = sorted(baseline.coefficients, key=lambda c: (order.get(c.split(".")[0], len(order)), c))
    for cid in ids:
        c = baseline.coefficients[cid]
        e = _entry(c, year)
        keys: list[str | None] = sorted(e.value) if isinstance(e.value, dict) else [None]
        desc = c.description.get(lang) or c.description.get("en") or ""
        for key in keys:
            base_value = float(e.value[key]) if key is not None else float(e.value)
            rid = row_id(cid, key, e.start)
            value = float(edits.get(rid, base_value))
            cur = current.coefficients.get(cid, c)
            rows.append(
                {
                    "row_id": rid,
                    "group": cid.split(".")[0],
                    "id": cid,
                    "key": key or "",
                    "description": desc,
                    "value": value,
                    "baseline": base_value,
                    "edited": rid in edits
                    and not math.isclose(value, base_value, rel_tol=0, abs_tol=0),
                    "unit": _unit_text(c.unit, lang),
                    "value_at_year": _resolved(current, cur, year, key),
                    "valid_from": e.start.isoformat(),
                    "price_year": e.price_year,
                    "status": e.status,
                    "source": _source_text(e.source, lang),
                    "set": c.set_name,
                }
            )
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["price_year"] = df["price_year"].astype("Int64")
    return df


def edits_from_editor(shown: pd.DataFrame, state: dict | None) -> dict[str, float]:
    """Turn ``st.data_editor`` state (``edited_rows`` by position) into ``{row_id: value}``."""
    out: dict[str, float] = {}
    if not state:
        return out
    for pos, change in (state.get("edited_rows") or {}).items():
        if "value" not in change:
            continue
        pos = int(pos)
        if 0 <= pos < len(shown):
            out[str(shown["row_id"].iloc[pos])] = change["value"]
    return out


def check_edits(
    baseline: CoefficientSet, edits: dict[str, object]
) -> tuple[dict[str, float], list[Problem]]:
    """Keep the valid edits; a non-number, negative or unknown row is a problem (and ignored)."""
    good: dict[str, float] = {}
    problems: list[Problem] = []
    for rid, raw in edits.items():
        try:
            cid, key, start = parse_row_id(rid)
        except ValueError:
            problems.append(Problem("<editor>", f"cannot read row {rid!r}"))
            continue
        c = baseline.coefficients.get(cid)
        entry = next((e for e in c.values if e.start == start), None) if c is not None else None
        if entry is None or (
            key is not None and (not isinstance(entry.value, dict) or key not in entry.value)
        ):
            problems.append(
                Problem(
                    cid,
                    f"no value from {start} {('[' + key + ']') if key else ''} in the base set",
                    field="value",
                )
            )
            continue
        try:
            v = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            problems.append(Problem(cid, f"{raw!r} is not a number", field=key or "value"))
            continue
        if not math.isfinite(v) or v < 0:
            problems.append(
                Problem(cid, f"{raw!r} must be a finite number ≥ 0", field=key or "value")
            )
            continue
        good[rid] = v
    return good, problems


def edited_coefficients(
    baseline: CoefficientSet, edits: dict[str, float]
) -> dict[str, Coefficient]:
    """The coefficients changed by ``edits`` (checked with :func:`check_edits` first)."""
    by_id: dict[str, list[tuple[str | None, dt.date, float]]] = {}
    for rid, v in edits.items():
        cid, key, start = parse_row_id(rid)
        by_id.setdefault(cid, []).append((key, start, float(v)))
    out = {}
    today = dt.date.today().isoformat()
    for cid, changes in by_id.items():
        c = baseline.coefficients[cid]
        values = list(c.values)
        for i, e in enumerate(values):
            mine = [(k, v) for k, s, v in changes if s == e.start]
            if not mine:
                continue
            if isinstance(e.value, dict):
                table = dict(e.value)
                was = "; ".join(f"{k}={e.value[k]:g}" for k, _ in mine if k)
                for k, v in mine:
                    table[str(k)] = v
                new_value: float | dict = table
            else:
                was = f"{e.value:g}"
                new_value = mine[-1][1]
            note = f"edited in the GEP app on {today} (file value {was})"
            if e.note:
                note += f"; {e.note}"
            values[i] = replace(e, value=new_value, note=note)
        out[cid] = replace(c, values=tuple(values), set_name=f"{c.set_name} (edited)")
    return out


def apply_edits(baseline: CoefficientSet, edits: dict[str, float]) -> CoefficientSet:
    """The baseline set with ``edits`` applied (the same object when there are none)."""
    if not edits:
        return baseline
    return baseline.with_coefficients(
        edited_coefficients(baseline, edits), name=f"{baseline.name}*"
    )


def edited_raw(baseline: CoefficientSet, edits: dict[str, float]) -> dict[str, dict]:
    """YAML-shaped dicts of the edited coefficients (for download and named sets)."""
    return {cid: c.to_raw() for cid, c in sorted(edited_coefficients(baseline, edits).items())}


def edit_warnings(baseline: CoefficientSet, edits: dict[str, float], lang: str = "zh") -> list[str]:
    """Warnings for checked edits: a change by more than a factor 10, or a value outside the
    coefficient's uncertainty range (``triangular``/``uniform`` low–high, ``normal`` ±3 sd,
    relative or absolute as the file says). Warned, not refused: the user decides."""
    out = []
    for rid, v in sorted(edits.items()):
        cid, key, start = parse_row_id(rid)
        c = baseline.coefficients.get(cid)
        entry = next((e for e in c.values if e.start == start), None) if c else None
        if entry is None:
            continue
        old = float(entry.value[key]) if key is not None else float(entry.value)
        label = f"{cid}[{key}]" if key else cid
        if old and (v / old > 10 or v / old < 0.1):
            out.append(
                f"{label}: {old:.6g} → {v:.6g}，变化超过一个数量级（×{v / old:.3g}），请确认单位和"
                "数值"
                if lang == "zh"
                else f"{label}: {old:.6g} → {v:.6g} changes it by more than an order of magnitude "
                f"(×{v / old:.3g}); check the unit and the number"
            )
        u = c.uncertainty or {}
        lo = hi = None
        if u.get("distribution") in ("triangular", "uniform") and "low" in u and "high" in u:
            lo, hi = float(u["low"]), float(u["high"])
            if u.get("relative"):
                lo, hi = lo * old, hi * old
        elif u.get("distribution") == "normal" and "sd" in u:
            sd = float(u["sd"]) * (old if u.get("relative") else 1.0)
            lo, hi = old - 3 * sd, old + 3 * sd
        if lo is not None and key is None and not (lo <= v <= hi):
            out.append(
                f"{label}: {v:.6g} 超出不确定性范围 {lo:.6g} – {hi:.6g}"
                if lang == "zh"
                else f"{label}: {v:.6g} is outside its uncertainty range {lo:.6g} – {hi:.6g}"
            )
    return out
