"""Data status: how much of an account rests on illustrative (synthesized) inputs.

A value of indicator *i* for region *r* in year *y* **rests on illustrative data** when at
least one of its inputs is illustrative:

* an inventory row of that region and year whose item is one the indicator reads and whose
  ``source`` starts with ``illustrative``;
* a coefficient the indicator reads whose value in force for *y* has status
  ``illustrative``; or
* a supplied physical quantity (``quantities.csv``) of that region, year and indicator whose
  ``source`` starts with ``illustrative``.

"Reads" is what the account recorded the indicator reading (``Account.trace``, the list
``gep explain`` shows), so an indicator whose quantities are all supplied is judged by its
prices and the supplied rows, not by the formula inputs it never read, and one with some
components supplied (SO₂ of air purification, the forest part of water conservation) leaves
out what the formula reads only for those (:func:`unread_for_components`; a per-ecosystem
coefficient only when every key it was read by is such a cell); an account without a
trace falls back on the declaration (``Indicator.items``, ``prefix.*`` patterns, and
``Indicator.coefficients``, ``prefix.<key>`` patterns).

Some illustrative coefficients are **method choices**, not measured values: the 0–1 ecosystem
sets (``*.ecosystems``, ``*_ecosystems``: which ecosystems a term counts) and the Xie 2015
crosswalk (``xie2015.crosswalk.*``: which Xie class an ecosystem counts as), where they are the
project's own choice (status ``illustrative``; a set that follows a cited source exactly has
status ``literature`` and is not flagged). They still count as illustrative (the shares below
include them), and the summaries say how much of that rests *only* on method choices
(:func:`is_method_choice`; ``method_choice`` in :func:`illustrative_flags`).

Pure functions of an :class:`~gep.accounting.Account` and its dataset (no I/O).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

_ILLUSTRATIVE = re.compile(r"^\s*illustrative", re.IGNORECASE)
ILLUSTRATIVE_STATUS = "illustrative"


def is_method_choice(cid: str) -> bool:
    """True for a coefficient that is a method choice rather than a measured value.

    The 0–1 ecosystem sets (last id segment ``ecosystems`` or ``<term>_ecosystems``: which
    ecosystems a term counts) and the Xie 2015 crosswalk (``xie2015.crosswalk.<code>``: which
    equivalent-factor class an ecosystem counts as).
    """
    last = cid.rsplit(".", 1)[-1]
    return (
        last == "ecosystems" or last.endswith("_ecosystems") or cid.startswith("xie2015.crosswalk.")
    )


def is_illustrative_source(source: object) -> bool:
    """True for an inventory ``source`` text that says it is illustrative."""
    return isinstance(source, str) and bool(_ILLUSTRATIVE.match(source))


def illustrative_rows(source: pd.Series) -> np.ndarray:
    """Boolean mask of the inventory rows whose ``source`` is illustrative.

    The loader keeps ``source`` as a categorical (``Series.map`` then returns a categorical,
    which cannot be summed); the test runs once per category.
    """
    if isinstance(source.dtype, pd.CategoricalDtype):
        per_cat = np.fromiter(
            (is_illustrative_source(c) for c in source.cat.categories), dtype=bool
        )
        codes = source.cat.codes.to_numpy()
        return np.where(codes >= 0, per_cat[codes] if len(per_cat) else False, False)
    return np.fromiter((is_illustrative_source(v) for v in source), dtype=bool, count=len(source))


def _item_matches(item: str, patterns: Iterable[str]) -> bool:
    for p in patterns:
        if p.endswith("*"):
            if item.startswith(p[:-1]):
                return True
        elif item == p:
            return True
    return False


def _coefficient_ids(patterns: Iterable[str], ids: Iterable[str]) -> list[str]:
    ids = list(ids)
    out = []
    for p in patterns:
        if "<" in p:
            prefix = p.split("<", 1)[0]
            out += [c for c in ids if c.startswith(prefix)]
        elif p in ids:
            out.append(p)
    return out


def _reads(acc, ind) -> tuple[tuple[str, ...], list[str]]:
    """(item patterns, coefficient ids) the indicator read in this account: its trace, or its
    declaration when the account carries no trace for it."""
    ids = acc.coefficients.coefficients
    trace = (getattr(acc, "trace", None) or {}).get(ind.id)
    if trace is None:
        return tuple(ind.items), _coefficient_ids(ind.coefficients, ids)
    cids = [cid for cid, _keys in trace.coefficients if cid in ids]
    return tuple(trace.items), list(dict.fromkeys(cids))


def _traced_keys(acc, ind) -> dict[str, set[str] | None]:
    """The keys each coefficient was read by in this account (None: read whole, unkeyed)."""
    trace = (getattr(acc, "trace", None) or {}).get(ind.id)
    out: dict[str, set[str] | None] = {}
    for cid, keys in trace.coefficients if trace is not None else ():
        if keys is None or (cid in out and out[cid] is None):
            out[cid] = None
        else:
            out[cid] = {*out.get(cid, set()), *map(str, keys)}
    return out


def _read_only_by(cid: str, keys: set[str] | None, keyed: set[tuple[str, str]]) -> bool:
    """Every key ``cid`` was read by is one of the ``keyed`` cells (so, like ``gep explain``,
    no row of it stands behind the number)."""
    return bool(keys) and all((cid, k) in keyed for k in keys)


def illustrative_flags(acc, dataset=None) -> pd.DataFrame:
    """Which (region, year, indicator) values rest on illustrative inputs, and why.

    Parameters
    ----------
    acc : Account
        The account (its coefficient set gives the coefficient statuses).
    dataset : Dataset, optional
        The inventory the account was computed from (default ``acc.dataset``).

    Returns
    -------
    pandas.DataFrame
        Columns ``region``, ``year``, ``indicator``, ``value`` [CNY] (0 when not assessed),
        ``inventory`` (bool), ``coefficients`` (bool), ``quantities`` (bool: an illustrative
        supplied quantity), ``illustrative`` (any of the three), and ``method_choice`` (bool):
        illustrative *only* because of method-choice coefficients (:func:`is_method_choice`;
        no illustrative row or quantity and no other illustrative coefficient).
    """
    dataset = dataset if dataset is not None else acc.dataset
    table = dataset.table
    flagged_rows = table[illustrative_rows(table["source"])]
    ill_items = flagged_rows.groupby(["region", "year"], observed=True)["item"].agg(
        lambda s: set(map(str, s))
    )
    cs = acc.coefficients
    regions = list(acc.regions)
    years = list(acc.years)
    inds = [ind for ind in acc.indicators if ind.id in acc.indicator_ids]
    value = (
        acc.value.fillna(0.0)
        .sel(region=acc.regions, year=years, indicator=[i.id for i in inds])
        .transpose("indicator", "year", "region")
        .to_numpy()
    )
    n_i, n_y, n_r = len(inds), len(years), len(regions)
    inv = np.zeros((n_i, n_y, n_r), dtype=bool)
    coef = np.zeros((n_i, n_y), dtype=bool)
    coef_data = np.zeros((n_i, n_y), dtype=bool)  # an illustrative coefficient, not a set
    r_pos = {str(r): k for k, r in enumerate(regions)}
    y_pos = {y: k for k, y in enumerate(years)}
    reads = [_reads(acc, ind) for ind in inds]
    # vectorized over (indicator, year, region); the pattern matching runs once per
    # (region, year) holding illustrative rows (issue 13: 13× faster on Ankang than per cell)
    for (region, year), items in ill_items.items():
        k, j = r_pos.get(str(region)), y_pos.get(year)
        if k is None or j is None:
            continue
        for i in range(n_i):
            inv[i, j, k] = any(_item_matches(it, reads[i][0]) for it in items)
    quant = np.zeros((n_i, n_y, n_r), dtype=bool)
    # cells whose whole physical quantity was supplied: the formula's inventory items and
    # quantity coefficients were read for other cells, not for these (as ``gep explain``)
    whole = np.zeros((n_i, n_y, n_r), dtype=bool)
    # cells with some components supplied: the inputs read only for those are left out there
    parts: dict[tuple[int, int, int], set[str]] = {}
    supplied = getattr(acc, "supplied", None)
    if supplied is not None and not supplied.empty:
        i_pos = {ind.id: i for i, ind in enumerate(inds)}
        for r in supplied.itertuples(index=False):
            i, j, k = i_pos.get(r.indicator), y_pos.get(int(r.year)), r_pos.get(str(r.region))
            if None in (i, j, k):
                continue
            if is_illustrative_source(r.source):
                quant[i, j, k] = True
            if not r.component:
                whole[i, j, k] = True
            else:
                parts.setdefault((i, j, k), set()).add(str(r.component))
    inv &= ~whole
    unread = {
        cell: unread_for_components(inds[cell[0]], comps)
        for cell, comps in parts.items()
        if not whole[cell]
    }
    if unread:
        f_region = flagged_rows["region"].astype(str).to_numpy()
        f_year = flagged_rows["year"].to_numpy()
        f_item = flagged_rows["item"].astype(str).to_numpy()
        f_eco = flagged_rows["ecosystem"].fillna("").astype(str).to_numpy()
        # row positions per (region, year), found once: a per-cell scan of every flagged row
        # would be cells × rows on a large inventory
        at = pd.Series(np.arange(len(f_item))).groupby([f_region, f_year]).indices
        for (i, j, k), (ids, keyed) in unread.items():
            here = at.get((str(regions[k]), years[j]), ())
            inv[i, j, k] = any(
                _item_matches(f_item[n], reads[i][0])
                and f_item[n] not in ids
                and (f_item[n], f_eco[n]) not in keyed
                for n in here
            )
    coef_price = np.zeros((n_i, n_y), dtype=bool)  # an illustrative valuation coefficient
    ill_cids: dict[tuple[int, int], list[str]] = {}  # (indicator, year) → illustrative ids
    for i in range(n_i):
        cids = reads[i][1]
        priced = valuation_ids(inds[i]) if whole[i].any() else []
        for j, year in enumerate(years):
            for cid in cids:
                try:
                    illustrative = (
                        cs.coefficients[cid].entry_for(year).status == ILLUSTRATIVE_STATUS
                    )
                except Exception:
                    continue
                if not illustrative:
                    continue
                coef[i, j] = True
                ill_cids.setdefault((i, j), []).append(cid)
                if priced and priced_by(cid, priced):
                    coef_price[i, j] = True
                if not is_method_choice(cid):
                    coef_data[i, j] = True
    coef3 = np.where(whole, coef_price[:, :, None], coef[:, :, None])
    choice3 = np.broadcast_to((coef & ~coef_data)[:, :, None], inv.shape) & ~inv & ~quant & ~whole
    if unread:
        choice3 = choice3.copy()
        keys_of = {i: _traced_keys(acc, inds[i]) for i in {cell[0] for cell in unread}}
        for (i, j, k), (ids, keyed) in unread.items():
            left = [
                c
                for c in ill_cids.get((i, j), [])
                if c not in ids and not _read_only_by(c, keys_of[i].get(c), keyed)
            ]
            coef3[i, j, k] = bool(left)
            data_left = any(not is_method_choice(c) for c in left)
            choice3[i, j, k] = (
                bool(left) and not data_left and not inv[i, j, k] and not quant[i, j, k]
            )
    df = pd.DataFrame(
        {
            "region": np.tile(np.array(regions, dtype=object), n_i * n_y),
            "year": np.tile(np.repeat(np.array(years), n_r), n_i),
            "indicator": np.repeat(np.array([i.id for i in inds], dtype=object), n_y * n_r),
            "value": value.reshape(-1).astype(float),
            "inventory": inv.reshape(-1),
            "coefficients": coef3.reshape(-1),
            "quantities": quant.reshape(-1),
            "method_choice": choice3.reshape(-1),
        }
    )
    df["illustrative"] = df["inventory"] | df["coefficients"] | df["quantities"]
    return df


def illustrative_share(acc, dataset=None) -> pd.DataFrame:
    """Share of each county's GEP that rests on illustrative inputs, per year.

    Returns
    -------
    pandas.DataFrame
        ``region``, ``year``, ``gep`` [CNY], ``illustrative_value`` [CNY], ``share`` [1]
        (NaN where GEP is 0), ``indicators`` (ids of the illustrative indicators) and
        ``method_choice_value`` [CNY]: the part of ``illustrative_value`` flagged only because of
        method-choice coefficients (ecosystem sets, Xie crosswalk).

    Notes
    -----
    .. math:: s_{r,y} = \\frac{\\sum_i V_{r,y,i}\\,[i \\text{ illustrative at } (r, y)]}
              {\\sum_i V_{r,y,i}}

    with :math:`V` the assessed values (not-assessed ones count as 0).
    """
    flags = illustrative_flags(acc, dataset)
    flags["ill_value"] = np.where(flags["illustrative"], flags["value"], 0.0)
    flags["choice_value"] = np.where(flags["method_choice"], flags["value"], 0.0)
    g = flags.groupby(["region", "year"], sort=False)
    out = g.agg(
        gep=("value", "sum"),
        illustrative_value=("ill_value", "sum"),
        method_choice_value=("choice_value", "sum"),
    ).reset_index()
    out["share"] = out["illustrative_value"] / out["gep"].where(out["gep"] != 0)
    ids = (
        flags[flags["illustrative"] & (flags["value"] != 0)]
        .groupby(["region", "year"])["indicator"]
        .agg(lambda s: sorted(s))
    )
    out["indicators"] = [
        ids.get((r, y), []) for r, y in zip(out["region"], out["year"], strict=True)
    ]
    return out[
        [
            "region",
            "year",
            "gep",
            "illustrative_value",
            "share",
            "indicators",
            "method_choice_value",
        ]
    ]


def dataset_status(dataset) -> dict:
    """Rows of an inventory that are illustrative: ``{"rows", "illustrative", "share"}``."""
    n = len(dataset.table)
    k = int(illustrative_rows(dataset.table["source"]).sum())
    return {"rows": n, "illustrative": k, "share": k / n if n else 0.0}


def _descriptor_rows(step) -> list[dict]:
    descriptors = step.descriptors() if hasattr(step, "descriptors") else []
    return [d.describe() for d in descriptors]


def valuation_ids(ind) -> list[str]:
    """Coefficient ids (or family patterns) an indicator's valuation step declares: what
    stands behind a number whose whole physical quantity was supplied (the price)."""
    return [
        str(row["id"])
        for row in _descriptor_rows(getattr(ind, "valuate", None))
        if str(row.get("kind", "")).startswith("coefficient") and row.get("id")
    ]


def priced_by(cid: str, patterns: list[str]) -> bool:
    """``cid`` is one of ``patterns`` (``<family>`` patterns match by their prefix)."""
    return any(cid == p or ("<" in p and cid.startswith(p.split("<", 1)[0])) for p in patterns)


def unread_for_components(ind, components: Iterable[str]) -> tuple[set[str], set[tuple[str, str]]]:
    """What an indicator's formula reads only for the given components: the inputs that do
    not stand behind a number whose quantities of ``components`` were supplied.

    Parameters
    ----------
    ind : the :class:`~gep.indicators.Indicator`.
    components : supplied component ids (a family member such as ``so2`` or ``grain``, an
        ecosystem code such as ``forest.broadleaf`` or a level-1 class such as ``forest``).

    Returns
    -------
    ``(ids, keyed)``: inventory items and coefficient ids read for those components only
    (the quantity step's family members: ``emission.so2``,
    ``regulating.air_purification.capacity.so2``), and ``(id, ecosystem code)`` cells of the
    quantity step's per-ecosystem items (``runoff`` of ``forest.broadleaf``) and of its
    coefficients, whose values keyed by an ecosystem code are read for that ecosystem only
    (``regulating.water_conservation.ecosystems`` of ``forest.broadleaf``). What the valuation
    step declares (the component's price) is never in them: it values the supplied quantity.

    Notes
    -----
    Built from the steps' declarations (item and coefficient families, ``ecosystem`` dims), so
    a component of a kind not declared there removes nothing: the listing then errs towards
    too many inputs, never too few. A quantity coefficient's cells are named for every code
    of the component; only the keys a coefficient was actually read by (the trace's, e.g.
    ``forest.broadleaf``) can match, so one not keyed by ecosystem is never left out by them.
    The quantity steps whose components are ecosystems sum per-ecosystem terms (water
    balance, RUSLE, uptake, sequestration rates), so a code's value enters that code's term
    only.
    """
    from .catalog import ecosystem_catalog

    valuation = _descriptor_rows(getattr(ind, "valuate", None))
    kept = {str(r.get("id")) for r in valuation}
    eco = ecosystem_catalog()
    ids: set[str] = set()
    keyed: set[tuple[str, str]] = set()
    for comp in components:
        comp = str(comp)
        if not comp:
            continue
        codes = {c for c, e in eco.items() if c == comp or e.level1 == comp}
        for row in _descriptor_rows(getattr(ind, "quantify", None)):
            rid, kind = str(row.get("id", "")), str(row.get("kind", ""))
            if kind == "item family" and rid.endswith("*"):
                member = rid[:-1] + comp
            elif kind == "coefficient family" and "<" in rid:
                member = rid.split("<", 1)[0] + comp
            else:
                member = None
            if member is not None and not priced_by(member, list(kept)):
                ids.add(member)
            per_ecosystem = (kind == "item" and "ecosystem" in (row.get("dims") or [])) or (
                kind == "coefficient"  # keyed by ecosystem or not: the trace's keys decide
            )
            if per_ecosystem and rid and rid not in kept:
                keyed |= {(rid, c) for c in codes}
    return ids, keyed


def supplied_status(acc) -> int:
    """How many supplied quantities (``quantities.csv`` rows used) are illustrative."""
    supplied = getattr(acc, "supplied", None)
    if supplied is None or supplied.empty:
        return 0
    return int(sum(is_illustrative_source(s) for s in supplied["source"]))


def coefficient_status(cs, year: int) -> dict:
    """Coefficients whose value in force for ``year`` is illustrative: count and ids.

    ``method_choice_ids``: those of ``ids`` that are method choices (:func:`is_method_choice`).
    """
    ids = []
    n = 0
    for cid, c in cs.coefficients.items():
        try:
            status = c.entry_for(year).status
        except Exception:
            continue
        n += 1
        if status == ILLUSTRATIVE_STATUS:
            ids.append(cid)
    return {
        "coefficients": n,
        "illustrative": len(ids),
        "ids": ids,
        "method_choice_ids": [c for c in ids if is_method_choice(c)],
    }


def status_summary(
    acc, dataset=None, year: int | None = None, region: str | None = None, shares=None
) -> dict:
    """What an export must say about illustrative inputs (for CSV, JSON, images, reports).

    Parameters
    ----------
    acc : Account
        The account being exported.
    dataset : Dataset, optional
        Its inventory (default ``acc.dataset``).
    year : int, optional
        The year shown (default: the account's latest year).
    region : str, optional
        One region (default: every region of the account together).
    shares : pandas.DataFrame, optional
        :func:`illustrative_share` of this account if already computed (a cache).

    Returns
    -------
    dict
        ``illustrative`` (bool: any illustrative row or coefficient), ``dataset``,
        ``coefficients`` (names), ``rows``, ``illustrative_rows`` (inventory rows),
        ``illustrative_coefficients`` (count in force for ``year``) and their ``ids``,
        ``year``, ``region``, ``gep`` [CNY], ``illustrative_value`` [CNY] and ``share`` [1]
        of GEP resting on illustrative inputs (NaN when GEP is 0), and ``by_region``:
        ``{region: share}`` for ``year``; ``illustrative_method_choices`` (how many of the
        illustrative coefficients are method choices) with their ``method_choice_ids``, and
        ``method_choice_share`` [1]: the part of ``share`` flagged only because of them;
        ``illustrative_quantities``: supplied quantities whose source is illustrative.

    Notes
    -----
    ``share`` is :func:`illustrative_share` summed over the regions in scope:
    :math:`s = \\sum_r I_{r,y} / \\sum_r G_{r,y}`.
    """
    dataset = dataset if dataset is not None else acc.dataset
    if year is None:
        year = max(acc.years)
    dstat = dataset_status(dataset)
    cstat = coefficient_status(acc.coefficients, year)
    n_quant = supplied_status(acc)
    any_ill = bool(dstat["illustrative"] or cstat["illustrative"] or n_quant)
    gep = ill = choice = 0.0
    by_region: dict[str, float | None] = {}
    if any_ill:
        if shares is None:
            shares = illustrative_share(acc, dataset)
        this = shares[shares["year"] == year]
        by_region = {
            str(r): (None if pd.isna(v) else float(v))
            for r, v in zip(this["region"], this["share"], strict=True)
        }
        scope = this if region is None else this[this["region"].astype(str) == str(region)]
        gep, ill = float(scope["gep"].sum()), float(scope["illustrative_value"].sum())
        if "method_choice_value" in scope:
            choice = float(scope["method_choice_value"].sum())
    return {
        "illustrative": any_ill,
        "dataset": getattr(dataset, "name", None),
        "coefficients": acc.coefficients.name,
        "rows": dstat["rows"],
        "illustrative_rows": dstat["illustrative"],
        "illustrative_coefficients": cstat["illustrative"],
        "illustrative_coefficient_ids": cstat["ids"],
        "year": int(year),
        "region": region,
        "gep": gep,
        "illustrative_value": ill,
        "share": (ill / gep if gep else float("nan")) if any_ill else 0.0,
        "by_region": by_region,
        "illustrative_quantities": n_quant,
        "illustrative_method_choices": len(cstat["method_choice_ids"]),
        "method_choice_ids": cstat["method_choice_ids"],
        "method_choice_share": (choice / gep if gep else float("nan")) if any_ill else 0.0,
    }


def status_line(summary: dict, lang: str = "zh", short: bool = False) -> str:
    """One line saying an export rests on illustrative data (empty when it does not).

    Always carries both words 示意数据 and illustrative, so a reader of either language (and a
    ``grep``) finds it. ``short``: only the share of GEP (a chart caption).
    """
    if not summary.get("illustrative"):
        return ""
    share = summary["share"]
    pct = "—" if share != share else f"{100 * share:.1f}%"
    scope_zh = f"区县 {summary['region']} " if summary.get("region") else ""
    scope_en = f"region {summary['region']}'s " if summary.get("region") else ""
    if short:
        if lang == "zh":
            return (
                f"⚠ 示意数据（illustrative）：{summary['year']} 年 {scope_zh}GEP 的 {pct} "
                "依赖示意数据，不是正式核算结果"
            )
        return (
            f"⚠ Illustrative data (示意数据): {pct} of {scope_en}{summary['year']} GEP; "
            "not an official account"
        )
    extra = _quantities_sentence(summary, lang) + _method_choice_sentence(summary, lang)
    if lang == "zh":
        return (
            f"⚠ 示意数据（illustrative），不是正式核算结果：数据集 {summary['dataset']} 的 "
            f"{summary['rows']:,} 行清单中 {summary['illustrative_rows']:,} 行为示意数据，系数集 "
            f"{summary['coefficients']} 中 {summary['illustrative_coefficients']} 个系数为示意值；"
            f"{summary['year']} 年 {scope_zh}GEP 的 {pct} 依赖示意数据。{extra}"
        )
    return (
        f"⚠ Illustrative data (示意数据), not an official account: "
        f"{summary['illustrative_rows']:,} of the {summary['rows']:,} inventory rows of dataset "
        f"{summary['dataset']} and {summary['illustrative_coefficients']} coefficient(s) of set "
        f"{summary['coefficients']} are illustrative; {pct} of {scope_en}{summary['year']} GEP "
        f"rests on illustrative inputs.{extra}"
    )


def _quantities_sentence(summary: dict, lang: str) -> str:
    q = summary.get("illustrative_quantities") or 0
    if not q:
        return ""
    if lang == "zh":
        return f"外部功能量（quantities）中 {q} 行为示意数据。"
    return f" {q} supplied quantity row(s) (quantities) are illustrative."


def _method_choice_sentence(summary: dict, lang: str) -> str:
    """How many of the illustrative coefficients are method choices, and the share of GEP
    flagged only because of them (empty when none is)."""
    k = summary.get("illustrative_method_choices") or 0
    if not k:
        return ""
    share = summary.get("method_choice_share", float("nan"))
    pct = "—" if share != share else f"{100 * share:.1f}%"
    if lang == "zh":
        return (
            f"其中 {k} 个是方法选择（计入哪些生态系统、谢高地类别对应，项目自定），不是示意的"
            f"输入数据；GEP 的 {pct} 仅因这些方法选择而计为示意。"
        )
    return (
        f" Of these coefficients, {k} are method choices (which ecosystems a term counts, the "
        f"Xie class crosswalk; the project's own choice), not illustrative input data; {pct} of "
        "GEP is flagged only because of them."
    )
