"""Every value in range (issue 16 item 3): coefficients, overrides, CLI options, sizes.

Coefficient files may declare ``range: {min: ..., max: ...}``; without it a coefficient is
non-negative (``min: 0``), because a negative price, rate or factor turns a service into a
cost. Negative values exist only where the method has them — e.g. the Xie et al. (2015) water
supply factor of paddy fields (−2.63: paddies consume water) — and such files say so with
``range``. NaN, ±inf and numbers that overflow after unit conversion or an override are refused
everywhere, with the file (or ``--set``) and field named.

The helpers are small and pure; the loaders call them with one-line hooks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from .errors import InputError, Problem

DEFAULT_RANGE = (0.0, math.inf)
YEAR_MIN, YEAR_MAX = 1949, 2100
MAX_DRAWS = 1_000_000
MAX_PERIOD = 200
DRAW_MEMORY_LIMIT = 2 * 1024**3  # bytes a Monte Carlo may allocate before it is refused


class RangeError(InputError):
    """A resolved coefficient value (after re-pricing and overrides) not finite or out of range.

    A subclass so that callers tolerating other resolution problems (e.g. a price index not
    reaching a year) do not swallow it.
    """


_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")


# ---- numbers typed by users -------------------------------------------------------------------


def parse_number(text: str, origin: str, whole: str | None = None) -> float:
    """A finite float from plain ASCII decimal text (no
    ``nan``/``inf``/``1e999``/``１``/``1,5``)."""
    s = str(text).strip()
    where = f" in {whole!r}" if whole else ""
    if not _NUMBER_RE.fullmatch(s):
        raise InputError(Problem(origin, f"value {s!r}{where} is not a number"))
    value = float(s)
    if not math.isfinite(value):
        raise InputError(Problem(origin, f"value {s!r}{where} is too large (not finite)"))
    return value


def check_finite(value: Any, field: str, file: str = "<input>") -> float:
    """``value`` as a finite float, or an ``InputError`` naming ``field``."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(Problem(file, f"{value!r} is not a number", field=field)) from None
    if not math.isfinite(v):
        raise InputError(Problem(file, f"{value!r} is not a finite number", field=field))
    return v


def check_between(
    value: Any,
    field: str,
    lo: float = -math.inf,
    hi: float = math.inf,
    *,
    lo_open: bool = False,
    file: str = "<input>",
    why: str = "",
) -> float:
    """A finite ``value`` with ``lo ≤ value ≤ hi`` (``lo < value`` when ``lo_open``)."""
    v = check_finite(value, field, file)
    low_bad = v <= lo if lo_open else v < lo
    if low_bad or v > hi:
        left = "(" if lo_open else "["
        span = f"{left}{lo:g}, {hi:g}]"
        extra = f" ({why})" if why else ""
        raise InputError(Problem(file, f"{v:g} is outside {span}{extra}", field=field))
    return v


def check_rate_percent(value: Any, field: str, *, hi: float = 1000.0) -> float:
    """A rate in percent: finite and > −100 % (a rate of −100 % divides by zero)."""
    return check_between(
        value, field, -100.0, hi, lo_open=True, why="a rate must be above -100 % / 比率须大于 -100%"
    )


def check_year(value: Any, field: str = "--year", allowed: Iterable[int] | None = None) -> int:
    """An int year in :data:`YEAR_MIN`–:data:`YEAR_MAX` (and in ``allowed`` when given)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise InputError(Problem(field, f"{value!r} is not a year"))
    y = int(value)
    if not YEAR_MIN <= y <= YEAR_MAX:
        raise InputError(Problem(field, f"year {y} is outside {YEAR_MIN}–{YEAR_MAX}"))
    if allowed is not None:
        allowed = sorted(int(a) for a in allowed)
        if allowed and y not in allowed:
            raise InputError(
                Problem(
                    field,
                    f"没有 {y} 年的数据（数据包含 {allowed[0]}–{allowed[-1]} 年） / "
                    f"year {y} is not in the data ({allowed[0]}–{allowed[-1]})",
                )
            )
    return y


def check_draws(draws: int, cells: int = 1, field: str = "--draws", bytes_per: int = 8) -> int:
    """Bound a Monte Carlo size: ``draws`` ≤ :data:`MAX_DRAWS` and the estimated memory
    (``draws × cells × bytes_per`` bytes, ×4 for working copies) ≤ :data:`DRAW_MEMORY_LIMIT`."""
    if isinstance(draws, bool) or not isinstance(draws, int | np.integer):
        raise InputError(Problem(field, f"{draws!r} is not a whole number"))
    if draws < 0:
        raise InputError(Problem(field, f"{draws} is negative"))
    if draws > MAX_DRAWS:
        raise InputError(Problem(field, f"{draws:,} draws is more than the limit {MAX_DRAWS:,}"))
    need = int(draws) * max(int(cells), 1) * bytes_per * 4
    if need > DRAW_MEMORY_LIMIT:
        raise InputError(
            Problem(
                field,
                f"{draws:,} draws need about {need / 1024**3:.1f} GiB (limit "
                f"{DRAW_MEMORY_LIMIT / 1024**3:.0f} GiB); use fewer draws / 抽样次数过多",
            )
        )
    return int(draws)


# ---- coefficient files ------------------------------------------------------------------------


def declared_range(spec: Any, file: str) -> tuple[tuple[float, float], list[Problem]]:
    """The ``range`` of a coefficient file (default ``[0, inf)``) and its problems."""
    if spec is None:
        return DEFAULT_RANGE, []
    if not isinstance(spec, dict) or not set(spec) <= {"min", "max", "note"} or not spec:
        return DEFAULT_RANGE, [
            Problem(file, "'range' must be a mapping with min and/or max (and note)", field="range")
        ]
    problems = []
    out = list(DEFAULT_RANGE)
    for i, k in enumerate(("min", "max")):
        if k in spec:
            v = spec[k]
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                problems.append(Problem(file, f"range {k} must be a number", field=f"range.{k}"))
            else:
                out[i] = float(v)
    if out[0] > out[1]:
        problems.append(Problem(file, "range min exceeds max", field="range"))
    return (out[0], out[1]), problems


def _fmt_range(rng: tuple[float, float]) -> str:
    return f"[{rng[0]:g}, {rng[1]:g}]"


def check_entries(rng: tuple[float, float], entries: Sequence[Any], file: str) -> list[Problem]:
    """Every dated value (scalar or table) inside ``rng``."""
    problems = []
    lo, hi = rng
    for e in entries:
        where = f"values.{e.start.isoformat()}.value"
        items = e.value.items() if isinstance(e.value, dict) else [(None, e.value)]
        for k, v in items:
            if not isinstance(v, int | float) or not (lo <= v <= hi):
                field = where if k is None else f"{where}.{k}"
                hint = (
                    " (negative values need a 'range: {min: ...}' with the method's reason)"
                    if isinstance(v, int | float) and v < 0 <= lo
                    else ""
                )
                problems.append(
                    Problem(
                        file,
                        f"{v!r} is outside the allowed range {_fmt_range(rng)}{hint}",
                        field=field,
                    )
                )
    return problems


# ---- overrides ----------------------------------------------------------------------------------


def check_override(c: Any, o: Any, price_indices: Iterable[str]) -> list[Problem]:
    """Override problems the coefficient set would otherwise accept silently."""
    problems = []
    if not math.isfinite(o.value):
        problems.append(Problem(o.origin, f"value {o.value!r} for '{o.id}' is not finite"))
    if c.id in set(price_indices) or c.id.startswith("price_index."):
        problems.append(
            Problem(
                o.origin,
                f"'{c.id}' is a price index; it re-prices other coefficients and cannot be "
                "overridden here (edit a copy of the set) / 价格指数不能用覆盖修改",
            )
        )
    if o.key is not None and c.by is not None:
        keys = {str(k) for e in c.values if isinstance(e.value, dict) for k in e.value}
        known = keys | {k.split(".")[0] for k in keys}
        if c.by == "ecosystem":
            from .catalog import ecosystem_catalog

            cat = ecosystem_catalog()
            known |= set(cat) | {e.level1 for e in cat.values()}
        if o.key not in known and not any(k.startswith(o.key + ".") for k in known):
            problems.append(
                Problem(
                    o.origin,
                    f"'{o.id}' has no {c.by} '{o.key}' (known: {', '.join(sorted(keys)[:12])})",
                )
            )
    return problems


def check_resolved(c: Any, data: np.ndarray, overrides: Sequence[Any]) -> None:
    """Resolved values (after re-pricing and overrides) finite and inside the range."""
    rng = getattr(c, "range", None) or DEFAULT_RANGE
    arr = np.asarray(data, dtype=float)
    finite = np.isfinite(arr)
    lo_ok = np.where(finite, arr >= rng[0], True)
    hi_ok = np.where(finite, arr <= rng[1], True)
    if finite.all() and lo_ok.all() and hi_ok.all():
        return
    mine = [o for o in overrides if o.id == c.id]
    where = "; ".join(o.origin for o in mine) if mine else (c.file or c.id)
    applied = f" after {', '.join(o.describe() for o in mine)}" if mine else ""
    if not finite.all():
        message = f"'{c.id}' is not a finite number{applied} (overflow?)"
    else:
        bad = arr[~(lo_ok & hi_ok)].ravel()[0]
        hint = " (negative values need a 'range: {min: ...}' with the method's reason)"
        message = f"'{c.id}' = {bad:g}{applied} is outside the allowed range {_fmt_range(rng)}" + (
            hint if bad < 0 <= rng[0] else ""
        )
    raise RangeError(Problem(where, message, field=c.id))


# ---- carbon project options -------------------------------------------------------------------


def check_carbon_project(opts: dict[str, Any]) -> None:
    """All ``gep carbon project`` options in range; one error listing every problem.

    ``opts`` is the command's keyword arguments (unknown keys are ignored). Bounds: years
    :data:`YEAR_MIN`–:data:`YEAR_MAX`; period 1–:data:`MAX_PERIOD` years; rates > −100 %;
    money, baseline, leakage and standard deviations finite and ≥ 0; shares in [0, 1);
    calibration in (0, 10]; draws bounded with a memory estimate.
    """
    problems: list[Problem] = []

    def run(fn, *args, **kwargs) -> None:
        try:
            fn(*args, **kwargs)
        except InputError as exc:
            problems.extend(exc.problems)

    def opt(name: str) -> str:
        return "--" + name.replace("_", "-")

    if "start" in opts:
        run(check_year, opts["start"], "--start")
    period = opts.get("period")
    if period is not None:
        run(check_between, period, "--period", 1, MAX_PERIOD, why="years of crediting")
    price = opts.get("price")
    if price is not None:
        s = str(price).strip()
        if _NUMBER_RE.fullmatch(s) or s.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            run(check_between, float(s), "--price", 0, 1e7, why="CNY/tCO2e")
    for name in ("price_growth", "discount"):
        if opts.get(name) is not None:
            run(check_rate_percent, opts[name], opt(name))
    for name in (
        "cost_establishment",
        "cost_management",
        "cost_validation",
        "cost_verification",
        "baseline",
        "leakage",
        "price_sd",
        "growth_sd",
    ):
        if opts.get(name) is not None:
            run(check_between, opts[name], opt(name), 0, 1e15)
    for name in ("fee_share", "uncertainty_deduction"):
        if opts.get(name) is not None:
            v = opts[name]
            ok = isinstance(v, int | float) and math.isfinite(v) and 0 <= v < 1
            if not ok:
                problems.append(
                    Problem(opt(name), f"{v!r} is not a share in [0, 1) / 比例须在 0 与 1 之间")
                )
    if opts.get("calibration") is not None:
        run(check_between, opts["calibration"], "--calibration", 0, 10, lo_open=True)
    if opts.get("verification_interval") is not None:
        run(check_between, opts["verification_interval"], "--verification-interval", 1, MAX_PERIOD)
    if opts.get("seed") is not None:
        run(check_between, opts["seed"], "--seed", 0, 2**32 - 1)
    if opts.get("draws") is not None:
        cells = (int(period) if isinstance(period, int) and 0 < period <= MAX_PERIOD else 1) * 16
        run(check_draws, opts["draws"], cells)
    if problems:
        raise InputError([_as_option_problem(p) for p in problems])


def _as_option_problem(p: Problem) -> Problem:
    """Name the option (``--fee-share``) and the project input (field ``fee_share``), as
    ``gep carbon project``'s own checks do."""
    option = p.field if p.field and p.field.startswith("--") else p.file
    if not option.startswith("--"):
        return p
    return Problem(option, p.message, field=option[2:].replace("-", "_"))


def check_area_ha(area_ha: Any, field: str = "--area") -> None:
    """A planted area in hectares: finite and > 0 (``1e308 km2`` overflows to inf ha)."""
    arr = np.atleast_1d(np.asarray(area_ha, dtype=float))
    if not np.isfinite(arr).all():
        raise InputError(Problem(field, "area is not finite after conversion to hectares"))
    if (arr <= 0).any():
        raise InputError(Problem(field, "area must be positive"))


def check_account_finite(acc: Any) -> None:
    """Refuse an account with a non-finite value (an overflow somewhere upstream) instead of
    printing ``null``/``inf``; names the first indicator, region and year affected."""
    value = getattr(acc, "value", None)
    if value is None:
        return
    arr = np.asarray(value.values, dtype=float)
    bad = ~np.isfinite(arr) & ~np.isnan(arr)  # NaN marks "not assessed"; ±inf is overflow
    if not bad.any():
        return
    idx = np.unravel_index(int(np.flatnonzero(bad)[0]), arr.shape)
    where = ", ".join(f"{d}={value[d].values[i]}" for d, i in zip(value.dims, idx, strict=False))
    raise InputError(
        Problem(
            "<account>",
            f"{int(bad.sum())} value(s) overflow to infinity ({where}); check the inputs' "
            "magnitudes and units / 结果溢出",
        )
    )
