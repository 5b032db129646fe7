"""Growth curves for the afforestation estimator, chosen per species group from a coefficient set.

Order of preference for each species group:

1. a **yield table** supplied in the set — coefficients ``carbon.growth.yield.age_NN``
   (``by: species``, above-ground tree carbon [t C ha⁻¹] at stand age NN), interpolated
   linearly between ages (AGC = 0 at age 0); the oldest age given is the curve's limit;
2. the **species-level Richards fit** ``carbon.growth.richards_*`` (GPFC refit, m = 3);
3. the **pooled-plot Richards fit** ``carbon.growth.pooled.richards_*`` (oak: the only curve
   found for 栎类);
4. otherwise the group is **refused** with a Chinese and English message saying why and what
   to enter (:data:`NO_CURVE_REASON`).

Reads through :class:`gep.coefficients.CoefficientSet` only (no file I/O).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import xarray as xr

from ..errors import InputError, MissingCoefficientError, Problem
from .params import lookup_from_set, species_parameters

#: Prefix of user-supplied yield-table coefficients (``carbon.growth.yield.age_05`` …).
YIELD_PREFIX = "carbon.growth.yield.age_"
#: Richards curve sources in order of preference: (coefficient prefix, label).
RICHARDS_SOURCES = (
    ("carbon.growth.", "species-level Richards fit (GPFC refit, m = 3)"),
    ("carbon.growth.pooled.", "pooled-plot Richards fit (forest_carbon.md §3.5, illustrative)"),
)
_RICHARDS = ("richards_a", "richards_k", "richards_m", "max_age")

#: Why a species group has no curve (zh, en); shown when it is refused.
NO_CURVE_REASON: dict[str, tuple[str, str]] = {
    "pinus_armandii": (
        "华山松：GPFC 树种级拟合未收敛（k > 1/年、无标准误），没有可用的生长曲线",
        "Huashan pine: the GPFC species-level fit did not converge (k > 1/yr, no standard "
        "error); no usable growth curve",
    ),
    "cupressus": (
        "柏木：GPFC 树种级拟合未收敛（k > 1/年、无标准误），没有可用的生长曲线",
        "Cypress: the GPFC species-level fit did not converge (k > 1/yr, no standard error); "
        "no usable growth curve",
    ),
    "broadleaf_mixed": (
        "阔叶混交林：没有找到已发表的人工林生长曲线（混交林的组成因地而异）",
        "Mixed broadleaf: no published plantation growth curve found (composition varies by site)",
    ),
    "bamboo": (
        "竹林：没有基于材积的生物量模型和生长曲线；竹子造林适用单独的方法学",
        "Bamboo: no volume-based biomass model or growth curve; bamboo afforestation has its "
        "own methodology",
    ),
}

WHAT_TO_ENTER_ZH = (
    "请在系数集中补充该树种组的生长曲线：按林龄的产量表 carbon.growth.yield.age_NN（by: species，"
    "地上部分碳 t C/ha，NN 为林龄，如 age_05、age_10 … 来自项目设计文件或二类调查样地），"
    "或 Richards 参数 carbon.growth.richards_a / richards_k / richards_m / max_age。"
)
WHAT_TO_ENTER_EN = (
    "Add a growth curve for this species group to the coefficient set: a yield table "
    "carbon.growth.yield.age_NN (by: species, above-ground carbon t C/ha at age NN, e.g. age_05, "
    "age_10 … from the PDD or forest-inventory plots), or Richards parameters "
    "carbon.growth.richards_a / richards_k / richards_m / max_age."
)


def no_curve_problem(species: str) -> Problem:
    """The refusal for a species group without a growth curve (Chinese first, then English)."""
    from .params import SPECIES

    if species not in SPECIES:
        known = ", ".join(SPECIES)
        zh, en = (
            f"未知树种组 '{species}'（已知：{known}）",
            f"unknown species '{species}' (known: {known})",
        )
    else:
        zh, en = NO_CURVE_REASON.get(
            species,
            (
                f"{species}：系数集中没有该树种组的生长曲线",
                f"{species}: no growth curve in the set",
            ),
        )
    return Problem(
        "carbon.growth",
        f"{zh}。{WHAT_TO_ENTER_ZH} / {en}. {WHAT_TO_ENTER_EN}",
        field="species",
    )


def yield_table(cset, year: int) -> xr.DataArray | None:
    """User yield tables in the set: AGC [t C ha⁻¹] over ``species, age`` (NaN where absent)."""
    ids = [i for i in cset.ids("carbon.growth.yield.") if i.startswith(YIELD_PREFIX)]
    if not ids:
        return None
    problems, columns = [], {}
    for cid in ids:
        match = re.fullmatch(r"age_(\d{1,3})", cid.removeprefix("carbon.growth.yield."))
        if not match or int(match.group(1)) < 1:
            problems.append(
                Problem(
                    cid, "yield-table ids must be carbon.growth.yield.age_NN, NN ≥ 1", field="id"
                )
            )
            continue
        c = cset[cid]
        if c.by != "species":
            problems.append(Problem(cid, "a yield table needs 'by: species'", field="by"))
            continue
        arr = cset.array(cid, [int(year)], unit="t / hectare")
        columns[int(match.group(1))] = {
            str(s): float(arr.sel(species=s).values.ravel()[0]) for s in arr["species"].values
        }
    if problems:
        raise InputError(problems)
    ages = sorted(columns)
    species = sorted({s for col in columns.values() for s in col})
    data = np.array([[columns[a].get(s, np.nan) for a in ages] for s in species], dtype=float)
    bad = [
        Problem(f"{YIELD_PREFIX}{a:02d}", f"negative carbon for {s}", field=s)
        for i, s in enumerate(species)
        for j, a in enumerate(ages)
        if data[i, j] < 0
    ]
    if bad:
        raise InputError(bad)
    return xr.DataArray(
        data,
        dims=["species", "age"],
        coords={"species": species, "age": ages},
        attrs={"units": "t / hectare", "quantity": "above-ground tree carbon (t C/ha)"},
    )


def _richards_for(cset, year: int, species: str, prefix: str) -> dict[str, float] | None:
    out = {}
    for name in (*_RICHARDS, "richards_a_se"):
        cid = prefix + name
        if cid not in cset:
            if name == "richards_a_se":
                continue
            return None
        arr = cset.array(cid, [int(year)])
        keys = [str(k) for k in arr["species"].values]
        if species not in keys:
            if name == "richards_a_se":
                continue
            return None
        out[name] = float(arr.sel(species=species).values.ravel()[0])
    return out


def project_growth_parameters(
    cset,
    year: int,
    species: Iterable[str],
    *,
    dead_wood: bool = False,
    litter: bool = False,
    growth_uncertainty: bool = False,
) -> xr.Dataset:
    """Species parameter table for :func:`gep.carbon.project.project_removals`.

    Returns the Richards variables (``richards_a``, ``richards_k``, ``richards_m``,
    ``max_age``, ``richards_a_se``), ``root_shoot_ratio`` (+ dead-wood / litter fractions) and,
    when a yield table is used, ``yield_agc`` over ``species, age`` with ``richards_a = 1``
    (a scale factor, so the Monte Carlo can scale the table). ``attrs['curves']`` says which
    curve each species group uses and its coefficient ids.

    Raises
    ------
    InputError
        One problem per species group without any curve (:func:`no_curve_problem`), and for
        ``growth_uncertainty`` a group whose curve has no standard error.
    """
    species = list(dict.fromkeys(str(s) for s in species))
    table = yield_table(cset, year)
    rows: dict[str, dict[str, float]] = {}
    curves: dict[str, str] = {}
    problems = []
    for sp in species:
        if table is not None and sp in table["species"].values:
            col = table.sel(species=sp)
            ages = col["age"].values[np.isfinite(col.values)]
            if ages.size:
                rows[sp] = {
                    "richards_a": 1.0,
                    "richards_k": np.nan,
                    "richards_m": np.nan,
                    "max_age": float(ages.max()),
                    "richards_a_se": np.nan,
                }
                curves[sp] = f"yield table {YIELD_PREFIX}NN (ages {', '.join(map(str, ages))})"
                continue
        for prefix, label in RICHARDS_SOURCES:
            got = _richards_for(cset, year, sp, prefix)
            if got is not None:
                rows[sp] = {"richards_a_se": np.nan, **got}
                curves[sp] = f"{label}: {prefix}richards_a/k/m, {prefix}max_age"
                break
        else:
            problems.append(no_curve_problem(sp))
    if problems:
        raise InputError(problems)
    if growth_uncertainty:
        no_se = [sp for sp in species if not np.isfinite(rows[sp]["richards_a_se"])]
        if no_se:
            raise InputError(
                [
                    Problem(
                        "carbon.growth",
                        f"{sp}：生长曲线没有标准误，蒙特卡洛请给出生长相对标准差 growth_sd / the "
                        f"growth curve has no standard error; give growth_sd for the Monte Carlo",
                        field="growth_sd",
                    )
                    for sp in no_se
                ]
            )
    names = ["root_shoot_ratio"] + (["dead_wood_fraction"] if dead_wood else [])
    names += ["litter_fraction"] if litter else []
    try:
        other = species_parameters(lookup_from_set(cset, year), species, names)
    except MissingCoefficientError:
        raise
    data = {
        name: xr.DataArray(
            [rows[sp][name] for sp in species], dims=["species"], coords={"species": species}
        )
        for name in ("richards_a", "richards_k", "richards_m", "max_age", "richards_a_se")
    }
    out = xr.Dataset(data, coords={"species": species}).merge(other)
    if table is not None and any(sp in table["species"].values for sp in species):
        sub = table.reindex(species=species)
        out["yield_agc"] = sub
    out.attrs["curves"] = curves
    return out


def curve_species(cset, year: int, candidates: Iterable[str]) -> dict[str, str]:
    """Which candidate species groups have a curve: ``{species: curve description}``; the
    others map to their refusal message (Chinese first)."""
    out = {}
    for sp in candidates:
        try:
            p = project_growth_parameters(cset, year, [sp])
            out[sp] = p.attrs["curves"][sp]
        except InputError as exc:
            out[sp] = "REFUSED: " + exc.problems[0].message
    return out
