"""Explain one number of an account: equation, inputs with their sources, coefficients with
the price-index factor applied (DESIGN §10, issue 9 item 3).

``explain(account, region, year, indicator)`` returns a plain dict (the JSON of
``gep explain --format json``):

* ``value`` [CNY] and ``physical`` in ``physical_unit``;
* ``route``: where the physical quantity came from (``formula``: computed from inventory
  items by the indicator's formula; ``supplied``: a ``quantities.csv`` row gave it, listed
  with its source, file and row in ``quantity_sources``);
* ``components``: each named part of the quantity and/or value;
* ``inputs``: every inventory item the indicator read, at that region and year, with its
  unit and the ``source`` text of the inventory row it came from;
* ``coefficients``: every coefficient it read, with the value in force for that accounting
  year (after overrides), its unit, the price year of the published value, the price-index
  factor taking it from that price year to the accounting year, status and source.
  Where quantities were supplied, what the formula read only for them is left out: for a
  whole quantity every formula input but the valuation's prices; for supplied components
  the quantity step's family members and the per-ecosystem cells of those components, of
  inventory items and of quantity coefficients alike (:func:`gep.datastatus.unread_for_components`);
* ``equation``: the equations of the formula functions applied (from their docstrings);
* ``data_status``: whether the number rests on illustrative (synthesized) data —
  ``illustrative`` (bool), and which ``inputs`` (inventory rows whose source starts with
  ``illustrative``), ``coefficients`` (value in force with status ``illustrative``) and
  ``quantities`` (supplied rows whose source starts with ``illustrative``) make it so
  (:mod:`gep.datastatus`); every input and coefficient row also carries ``illustrative``.

Nothing is recomputed here: the numbers are read from the account and from the trace of
reads its evaluation recorded, and the coefficient records are resolved by the same
coefficient set the account used.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .datastatus import (
    ILLUSTRATIVE_STATUS,
    is_illustrative_source,
    priced_by,
    unread_for_components,
    valuation_ids,
)
from .errors import InputError, MissingCoefficientError, Problem

#: keys of the explanation, in order
KEYS = (
    "value",
    "physical",
    "physical_unit",
    "route",
    "components",
    "inputs",
    "coefficients",
    "equation",
    "data_status",
)


def _number(x: Any) -> float | None:
    v = float(np.asarray(x, dtype=float).ravel()[0]) if np.size(x) else math.nan
    return None if math.isnan(v) else v


def _scalar_at(arr, **where) -> Any:
    sub = arr
    for dim, label in where.items():
        if dim in sub.dims:
            sub = sub.sel({dim: label})
    return sub


def explain(acc, region: str, year: int, indicator: str) -> dict:
    """One number of ``acc`` traced to its inputs and coefficients (see module docstring)."""
    region, year = str(region), int(year)
    problems = []
    if region not in acc.regions:
        problems.append(
            Problem("--region", f"region {region!r} is not in the account", field="region")
        )
    if year not in acc.years:
        years = ", ".join(map(str, acc.years))
        problems.append(
            Problem("--year", f"year {year} is not in the account ({years})", field="year")
        )
    if indicator not in acc.indicator_ids:
        problems.append(
            Problem(
                "--indicator",
                f"indicator {indicator!r} is not in the account "
                f"(one of: {', '.join(acc.indicator_ids)})",
                field="indicator",
            )
        )
    if problems:
        raise InputError(problems)
    extra = [d for d in acc.value.dims if d not in ("region", "year", "indicator")]
    if extra:
        raise InputError(
            Problem(
                "explain",
                f"the account has extra dims ({', '.join(map(str, extra))}); "
                "explain one scenario or draw at a time",
            )
        )
    ind = acc.indicator(indicator)
    value = _number(acc.value.sel(region=region, year=year, indicator=indicator).values)
    physical = _number(acc.physical(indicator).sel(region=region, year=year).values)
    trace = acc.trace.get(indicator)
    out: dict[str, Any] = {
        "region": region,
        "region_name": acc.region_name(region, "zh"),
        "year": year,
        "indicator": indicator,
        "indicator_name": {"zh": ind.zh, "en": ind.en},
        "value": value,
        "value_unit": "CNY",
        "physical": physical,
        "physical_unit": ind.physical_unit,
        "route": acc.route_at(indicator, region, year)
        if hasattr(acc, "route_at")
        else acc.routes.get(indicator, "formula"),
        "quantity_sources": acc.quantity_rows(indicator, region, year)
        if hasattr(acc, "quantity_rows")
        else [],
        "components": _components(acc, indicator, region, year),
        "inputs": _inputs(acc, trace, region, year) if trace is not None else [],
        "coefficients": _coefficients(acc, trace, year) if trace is not None else [],
        "equation": ind.equation(),
        "method": {"zh": ind.method_zh, "en": ind.method},
        "reference": ind.reference,
        "notes": list(acc.notes.get(indicator, [])),
    }
    if any(not q.get("component") for q in out["quantity_sources"]):
        # the whole physical quantity of this number was supplied: the formula's inventory
        # items and quantity coefficients were read for other cells, not for this one — only
        # the valuation step's coefficients (the price) stand behind it
        priced = valuation_ids(ind)
        out["inputs"] = []
        out["coefficients"] = [c for c in out["coefficients"] if priced_by(c["id"], priced)]
    elif out["quantity_sources"]:
        # some components supplied: what the formula reads only for them stands behind other
        # cells, not this one (their prices stay: they value the supplied quantities)
        ids, keyed = unread_for_components(ind, [q["component"] for q in out["quantity_sources"]])
        out["inputs"] = [i for i in out["inputs"] if not _unread(i["item"], ids, keyed)]
        out["coefficients"] = [c for c in out["coefficients"] if not _unread(c["id"], ids, keyed)]
    reason = [
        n["reason"]
        for n in acc.not_assessed
        if n["indicator"] == indicator and n.get("region") in (None, region)
    ]
    if value is None and reason:
        out["not_assessed"] = reason[0]
    basis = acc.ledger_bases.get(indicator)
    if basis is not None:
        # out-of-region ledger: gross → deduction → net (value), with the share's basis
        where = {"region": region, "year": year, "indicator": indicator}
        gross = _number(acc.gross.sel(**where).values)
        deducted = _number(acc.out_of_region.sel(**where).values)
        rule = acc.profile_spec.rule(indicator) if acc.profile_spec is not None else None
        out["out_of_region"] = {
            "gross": gross,
            "out_of_region": deducted,
            "share": deducted / gross if gross and deducted is not None else None,
            "net": value,
            "basis": basis,
            "clause": rule.clause if rule is not None else "",
            "clause_status": rule.clause_status if rule is not None else "",
            "warnings": [w for w in acc.warnings if w["indicator"] == indicator],
            "share_inputs": _share_inputs(acc, rule, region, year) if rule is not None else [],
        }
    out["data_status"] = data_status(out)
    return out


def _unread(label: str, ids: set[str], keyed: set[tuple[str, str]]) -> bool:
    """An input or coefficient row (``id``, ``id[key]``, either with `` @year``) is one of
    ``ids`` or ``keyed`` (see :func:`gep.datastatus.unread_for_components`)."""
    base = label.split(" @", 1)[0]
    item, _, key = base.partition("[")
    return item in ids or (item, key.rstrip("]")) in keyed


def data_status(ex: dict) -> dict:
    """Which rows behind an explanation are illustrative (see the module docstring).

    Returns ``{"illustrative": bool, "inputs": [item], "coefficients": [id],
    "quantities": [component or "" for the whole quantity]}``.
    """
    inputs = [i["item"] for i in ex.get("inputs", []) if i.get("illustrative")]
    coefs = [c["id"] for c in ex.get("coefficients", []) if c.get("illustrative")]
    led = ex.get("out_of_region") or {}
    share = [r["id"] for r in led.get("share_inputs", []) if r.get("illustrative")]
    quantities = [
        str(q.get("component") or "")
        for q in ex.get("quantity_sources") or []
        if is_illustrative_source(q.get("source"))
    ]
    return {
        "illustrative": bool(inputs or coefs or quantities or share),
        "inputs": inputs,
        "coefficients": coefs,
        "quantities": quantities,
        "share": share,
    }


def _share_inputs(acc, rule, region: str, year: int) -> list[dict]:
    """The coefficient or inventory items behind an out-of-region share, with sources."""
    basis = rule.share
    rows: list[dict] = []
    if basis.coefficient:
        cid = basis.coefficient
        cset = acc.coefficients
        if cid not in cset:
            return rows
        c = cset[cid]
        try:
            entry = c.entry_for(year)
            arr = cset.array(cid, [year])
        except (MissingCoefficientError, InputError):
            return rows
        if "region" in arr.dims:
            arr = arr.sel(region=region) if region in arr["region"].values else arr
        rows.append(
            {
                "id": cid,
                "kind": "coefficient",
                "value": _number(arr.values),
                "unit": c.unit,
                "status": entry.status,
                "source": entry.source,
                "illustrative": entry.status == ILLUSTRATIVE_STATUS,
            }
        )
        return rows
    if acc.dataset is None:
        return rows
    data, sources = acc.dataset.data, _sources(acc)
    for item in dict.fromkeys([*basis.numerator, *basis.denominator]):
        if item not in data:
            continue
        cell = _scalar_at(data[item], region=region, year=year)
        if any(d in cell.dims for d in ("ecosystem", "species")):
            continue
        src = sources.get((region, year, item, "", ""), "")
        rows.append(
            {
                "id": item,
                "kind": "item",
                "value": _number(cell.values),
                "unit": data[item].attrs.get("units", ""),
                "status": "",
                "source": src,
                "illustrative": is_illustrative_source(src),
            }
        )
    return rows


def _components(acc, indicator: str, region: str, year: int) -> list[dict]:
    comp = acc.components.get(indicator)
    if comp is None:
        return []
    names: list[str] = []
    for var in comp.data_vars.values():
        names += [str(c) for c in var["component"].values if str(c) not in names]
    rows = []
    for name in names:
        row: dict[str, Any] = {"id": name}
        for key, var in comp.data_vars.items():
            if name in [str(c) for c in var["component"].values]:
                cell = _scalar_at(var.sel(component=name), region=region, year=year)
                row[str(key)] = _number(cell.values)
                row[f"{key}_unit"] = var.attrs.get("units")
        rows.append(row)
    return rows


def _sources(acc) -> dict[tuple, str]:
    """(region, year, item, ecosystem, species) → the inventory row's source text."""
    cached = getattr(acc, "_source_index", None)
    if cached is not None:
        return cached
    index: dict[tuple, str] = {}
    if acc.dataset is not None:
        t = acc.dataset.table
        cols = [t[c].tolist() for c in ("region", "year", "item", "ecosystem", "species")]
        for r, y, i, e, s, src in zip(*cols, t["source"].tolist(), strict=True):
            index[(str(r), int(y), str(i), str(e or ""), str(s or ""))] = str(src)
    acc._source_index = index
    return index


def _inputs(acc, trace, region: str, year: int) -> list[dict]:
    if acc.dataset is None:
        return []
    data = acc.dataset.data
    sources = _sources(acc)
    rows = []
    for item in trace.items:
        if item not in data:
            continue
        arr = data[item]
        years = [year, year - 1] if item in trace.previous_year else [year]
        for y in years:
            if y not in [int(v) for v in arr["year"].values]:
                continue
            cell = _scalar_at(arr, region=region, year=y)
            unit = arr.attrs.get("units", "")
            key_dims = [d for d in cell.dims if d in ("ecosystem", "species")]
            label = "" if y == year else f" @{y}"
            if not key_dims:
                v = _number(cell.values)
                if v is None:
                    continue
                src = sources.get((region, y, item, "", ""), "")
                rows.append(
                    {
                        "item": item + label,
                        "value": v,
                        "unit": unit,
                        "source": src,
                        "illustrative": is_illustrative_source(src),
                    }
                )
                continue
            dim = key_dims[0]
            used = trace.item_keys.get(item)
            for key in cell[dim].values if used is None else used:
                v = _number(cell.sel({dim: key}).values)
                if v is None:
                    continue
                k = str(key)
                src_key = (
                    region,
                    y,
                    item,
                    k if dim == "ecosystem" else "",
                    k if dim == "species" else "",
                )
                src = sources.get(src_key, "")
                rows.append(
                    {
                        "item": f"{item}[{k}]{label}",
                        "value": v,
                        "unit": unit,
                        "source": src,
                        "illustrative": is_illustrative_source(src),
                    }
                )
    return rows


def _coefficients(acc, trace, year: int) -> list[dict]:
    cset = acc.coefficients
    seen: dict[str, list[str] | None] = {}
    for cid, keys in trace.coefficients:
        if cid in seen:
            if keys is not None:
                seen[cid] = list(dict.fromkeys([*(seen[cid] or []), *keys]))
            continue
        seen[cid] = list(keys) if keys is not None else None
    rows = []
    for cid, keys in seen.items():
        if cid not in cset:
            continue
        c = cset[cid]
        try:
            entry = c.entry_for(year)
        except MissingCoefficientError:
            continue
        factor = None
        if c.is_money and c.price_index and entry.price_year is not None:
            factor = cset.index_factor(c.price_index, entry.price_year, year)
        base = {
            "unit": c.unit,
            "price_year": entry.price_year,
            "index_factor": factor,
            "price_index": c.price_index if factor is not None else None,
            "status": entry.status,
            "illustrative": entry.status == ILLUSTRATIVE_STATUS,
            "name": dict(c.description or {}),
            "source": entry.source,
            "overridden": any(o.id == cid for o in cset.overrides),
        }
        if c.by is None:
            v = float(cset.array(cid, [year]).values.ravel()[0])
            published = float(entry.value)
            rows.append({"id": cid, "value": v, "published_value": published, **base})
            continue
        arr = cset.array(cid, [year], keys=keys) if keys else None
        for j, key in enumerate(keys or []):
            v = float(np.asarray(arr.values)[0, j])
            rows.append({"id": f"{cid}[{key}]", "value": v, **base})
    return rows


def explain_text(ex: dict, lang: str = "zh") -> str:
    """The explanation as readable text (``gep explain --format table``)."""
    from .units import format_unit

    zh = lang == "zh"
    name = ex["indicator_name"]["zh" if zh else "en"]
    lines = [
        f"{ex['region']} {ex['region_name'] if zh else ''} {ex['year']} — {ex['indicator']} "
        f"({name})".replace("  ", " "),
        f"{'价值量' if zh else 'value'}: "
        + (
            f"{ex['value']:,.2f} CNY ({ex['value'] / 1e8:,.4f} 亿元)"
            if ex["value"] is not None
            else "—"
        ),
        f"{'功能量' if zh else 'physical'}: "
        + (
            f"{ex['physical']:,.4f} {format_unit(ex['physical_unit'], lang)}"
            if ex["physical"] is not None
            else "—"
        )
        + f"  [{'来源' if zh else 'route'}: {ex['route']}]",
    ]
    st = ex.get("data_status") or {}
    if st.get("illustrative"):
        parts = []
        for key, zh_name, en_name in (
            ("inputs", "输入", "inputs"),
            ("coefficients", "系数", "coefficients"),
            ("quantities", "外部功能量", "supplied quantities"),
            ("share", "区域外比例依据", "out-of-region share"),
        ):
            # items without their ecosystem/species key: one word per inventory item
            got = list(
                dict.fromkeys(
                    (x.split("[", 1)[0] if key == "inputs" else x) or ("整体" if zh else "whole")
                    for x in st.get(key, [])
                )
            )
            if got:
                parts.append(f"{zh_name if zh else en_name}: {', '.join(got)}")
        lines.append(
            (
                "⚠ 示意数据：此数值依据示意（合成）数据，不能作为正式核算结论 — "
                if zh
                else "⚠ ILLUSTRATIVE DATA: this number rests on illustrative (synthesized) "
                "data and is not an official figure — "
            )
            + "; ".join(parts)
        )
    for q in ex.get("quantity_sources") or []:
        what = f"{q['component']} " if q["component"] else ""
        lines.append(
            f"  {'外部功能量' if zh else 'supplied quantity'}: {what}{q['value_input']:g} "
            f"{q['unit_input']} — {q['source']} ({q['file']}, row {q['row']})"
        )
    led = ex.get("out_of_region")
    if led:

        def m(x):
            return f"{x:,.2f}" if x is not None else "—"

        share = f"{led['share']:.4f}" if led["share"] is not None else "—"
        lines.append(
            (
                f"区域外扣除: 总值 {m(led['gross'])} − 扣除 {m(led['out_of_region'])} "
                f"(比例 {share}) = 净值 {m(led['net'])} CNY"
            )
            if zh
            else f"out-of-region: gross {m(led['gross'])} − deduction {m(led['out_of_region'])} "
            f"(share {share}) = net {m(led['net'])} CNY"
        )
        lines.append(
            f"  {'依据' if zh else 'basis'}: {led['basis']}"
            + (f"; {led['clause']} [{led['clause_status']}]" if led["clause"] else "")
        )
        for w in led["warnings"]:
            lines.append(f"  {'警告' if zh else 'warning'}: {w['zh' if zh else 'en']}")
    if ex.get("not_assessed"):
        lines.append(f"{'未核算' if zh else 'not assessed'}: {ex['not_assessed']}")
    lines.append(f"{'公式' if zh else 'equation'}: {ex['equation']}")
    if ex["components"]:
        lines.append("components:" if not zh else "组成部分 (components):")
        for c in ex["components"]:
            parts = [
                f"{k}={c[k]:,.4f} {c.get(k + '_unit') or ''}".rstrip()
                for k in ("physical", "value")
                if c.get(k) is not None
            ]
            lines.append(f"  {c['id']}: {'; '.join(parts)}")
    lines.append("输入 (inputs):" if zh else "inputs:")
    for i in ex["inputs"]:
        flag = (" [示意]" if zh else " [illustrative]") if i.get("illustrative") else ""
        lines.append(f"  {i['item']} = {i['value']:,.4f} {i['unit']}{flag}  — {i['source']}")
    lines.append("系数 (coefficients):" if zh else "coefficients:")
    for c in ex["coefficients"]:
        src = c["source"].get("title", "") if isinstance(c["source"], dict) else str(c["source"])
        idx = ""
        if c["index_factor"] is not None:
            idx = (
                f" = published × {c['index_factor']:.4f} ({c['price_index']} "
                f"{c['price_year']}→{ex['year']})"
            )
        lines.append(f"  {c['id']} = {c['value']:.6g} {c['unit']}{idx}  [{c['status']}] — {src}")
    for n in ex.get("notes", []):
        lines.append(f"note: {n}")
    return "\n".join(lines)
