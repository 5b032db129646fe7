"""Per-block computation: the account's pure formulas on numpy blocks, then zonal sums.

The adapter :func:`pure` unwraps a :func:`gep.indicators.base.declare_units` formula to its
textbook body and converts each input to the formula's unit once (one multiplication by a
factor computed by pint, before the call), so a pixel gets exactly the arithmetic a county row
gets in the tabular account. No formula is copied here.

A block returns sums by ``zone × ecosystem`` (``np.bincount`` on ``zone * n_eco + eco``); the
sums of all blocks are added, so memory is bounded by the chunk size, not the raster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..catalog import ecosystems_in
from ..indicators.regulating import (
    SOIL_ECOSYSTEMS,
    WATER_CONSERVATION_ECOSYSTEMS,
    rusle_soil_retention,
    water_balance_retention,
)
from ..units import conversion_factor
from .formulas import budyko_fu_aet, geographic_row_area, ls_factor, runoff_from_coefficient
from .zones import rasterize_block

LC_NODATA = -2
LC_UNMAPPED = -1


@lru_cache(maxsize=256)
def _factor(from_unit: str, to_unit: str) -> float:
    return conversion_factor(from_unit, to_unit)


def pure(func, **inputs):
    """Call a unit-declared formula on plain arrays.

    ``inputs`` maps each parameter to ``(array, unit)``; each array is scaled to the unit the
    formula declares (``func.units_in``) and the undecorated body (``func.__wrapped__``) is
    called. Returns ``(result, func.units_out)``.
    """
    args = {}
    for name, (arr, unit) in inputs.items():
        f = _factor(unit, func.units_in[name])
        args[name] = arr * f if f != 1.0 else arr
    return func.__wrapped__(**args), func.units_out


@dataclass
class BlockContext:
    """Everything a block needs besides its pixels (one object in the task graph)."""

    ecosystems: list[str]
    lut: np.ndarray | None  # code → eco index for small unsigned codes
    codes: np.ndarray  # sorted mapped codes (generic path)
    code_eco: np.ndarray  # eco index of each sorted code
    lc_nodata: float | None
    prev_nodata: float | None
    n_zones: int
    geometries: list | None
    transform: tuple
    geographic: bool
    units: dict[str, str]  # parameter → unit of its raster
    nodata: dict[str, float | None]
    tables: dict[str, np.ndarray]  # parameter → value by eco index (NaN: not given)
    indicators: tuple[str, ...]
    carbon: bool
    water_ecos: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    soil_ecos: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))


def make_context(ecosystems: list[str], **kw) -> BlockContext:
    ctx = BlockContext(ecosystems=ecosystems, **kw)
    ctx.water_ecos = np.isin(ecosystems, ecosystems_in(WATER_CONSERVATION_ECOSYSTEMS, ecosystems))
    ctx.soil_ecos = np.isin(ecosystems, ecosystems_in(SOIL_ECOSYSTEMS, ecosystems))
    return ctx


def classify(lc: np.ndarray, ctx: BlockContext, nodata) -> np.ndarray:
    """Ecosystem index per pixel: ≥ 0 mapped, -1 unmapped code, -2 nodata."""
    if ctx.lut is not None and lc.dtype.kind == "u" and lc.dtype.itemsize <= 2:
        eco = ctx.lut[lc]
    else:
        flat = lc
        if lc.dtype.kind == "f":
            flat = np.where(np.isnan(lc), -(2**31), lc)
        idx = np.searchsorted(ctx.codes, flat)
        idx = np.minimum(idx, len(ctx.codes) - 1)
        found = ctx.codes[idx] == flat
        eco = np.where(found, ctx.code_eco[idx], LC_UNMAPPED).astype(np.int16)
        if lc.dtype.kind == "f":
            eco[np.isnan(lc)] = LC_NODATA
    if nodata is not None:
        eco = np.where(lc == nodata, LC_NODATA, eco).astype(np.int16)
    return eco


def pixel_area_ha(ctx: BlockContext, row0: int, nrows: int):
    """Pixel area [ha]: a scalar on a projected grid, a column (one value per row) otherwise."""
    a, _, c, _, e, f = ctx.transform[:6]
    if not ctx.geographic:
        return abs(a * e) / 1.0e4
    rows = np.arange(row0, row0 + nrows, dtype=np.float64)
    top = f + rows * e
    return (geographic_row_area(top, top + e, a) / 1.0e4)[:, None]


def _param(name, blocks, eco, ctx, shape):
    """Parameter values in the raster's unit (or NaN where missing/nodata)."""
    if name in blocks:
        v = np.asarray(blocks[name], dtype=np.float64)
        nd = ctx.nodata.get(name)
        if nd is not None:
            v = np.where(v == nd, np.nan, v)
        return v
    table = ctx.tables[name]
    return table[np.clip(eco, 0, None)]


def _bins(key, weights, n):
    out = np.bincount(
        key.ravel(), weights=None if weights is None else weights.ravel(), minlength=n + 1
    )
    return out[:n].astype(np.float64)


def block_sums(lc, prev, zone_hint, blocks: dict, row0: int, col0: int, ctx: BlockContext) -> dict:
    """Zonal sums of one block. ``zone_hint`` is a precomputed zone block or ``None``."""
    shape = lc.shape
    zone = (
        zone_hint
        if zone_hint is not None
        else rasterize_block(ctx.geometries, ctx.transform, shape, row0, col0)
    )
    n_eco = len(ctx.ecosystems)
    n = ctx.n_zones * n_eco
    eco = classify(lc, ctx, ctx.lc_nodata)
    in_zone = zone >= 0
    valid = in_zone & (eco >= 0)
    key = np.where(valid, zone * n_eco + eco, n)
    area = pixel_area_ha(ctx, row0, shape[0])
    scalar_area = np.ndim(area) == 0
    out: dict = {}
    counts = _bins(key, None, n)
    out["area"] = counts * area if scalar_area else _bins(key, np.broadcast_to(area, shape), n)
    out["zone_area"] = (
        np.bincount(np.where(in_zone, zone, ctx.n_zones).ravel(), minlength=ctx.n_zones + 1)[
            : ctx.n_zones
        ]
        * area
        if scalar_area
        else np.bincount(
            np.where(in_zone, zone, ctx.n_zones).ravel(),
            weights=np.broadcast_to(area, shape).ravel(),
            minlength=ctx.n_zones + 1,
        )[: ctx.n_zones]
    )
    # unmapped land-cover codes inside the zones, with pixel counts
    bad = in_zone & (eco == LC_UNMAPPED)
    if bad.any():
        vals, cnt = np.unique(lc[bad], return_counts=True)
        out["unmapped"] = dict(zip(vals.tolist(), cnt.tolist(), strict=True))
    else:
        out["unmapped"] = {}
    out["lc_nodata_px"] = int(np.count_nonzero(in_zone & (eco == LC_NODATA)))
    nodata_px: dict[str, int] = {}

    def usable(values: dict, ecos_mask: np.ndarray):
        """Pixels where the indicator is counted, and count nodata of each input there."""
        m = valid & ecos_mask[np.clip(eco, 0, None)]
        ok = m.copy()
        for name, v in values.items():
            miss = m & ~np.isfinite(v)
            k = int(np.count_nonzero(miss))
            if k:
                nodata_px[name] = nodata_px.get(name, 0) + k
                ok &= ~miss
        return ok

    area_full = np.broadcast_to(area, shape)
    if "water_conservation" in ctx.indicators:
        p = _param("precipitation", blocks, eco, ctx, shape)
        p_mm = p * _factor(ctx.units["precipitation"], "mm")
        if "evapotranspiration" in blocks or "evapotranspiration" in ctx.tables:
            et = _param("evapotranspiration", blocks, eco, ctx, shape)
            et_unit = ctx.units["evapotranspiration"]
        else:
            pet = _param("pet", blocks, eco, ctx, shape) * _factor(ctx.units["pet"], "mm")
            omega = _param("budyko_omega", blocks, eco, ctx, shape)
            et, et_unit = budyko_fu_aet(p_mm, pet, omega), "mm"
        if "runoff" in blocks:
            r = _param("runoff", blocks, eco, ctx, shape)
            r_unit = ctx.units["runoff"]
        else:
            coef = _param("runoff_coefficient", blocks, eco, ctx, shape)
            r, r_unit = runoff_from_coefficient(p_mm, coef), "mm"
        ok = usable({"precipitation": p, "evapotranspiration": et, "runoff": r}, ctx.water_ecos)
        q, _ = pure(
            water_balance_retention,
            precipitation=(p, ctx.units["precipitation"]),
            runoff=(r, r_unit),
            evapotranspiration=(et, et_unit),
            area=(area_full, "hectare"),
        )
        out["water_conservation"] = _bins(np.where(ok, key, n), np.where(ok, q, 0.0), n)
    if "soil_conservation" in ctx.indicators:
        vals = {
            nm: _param(nm, blocks, eco, ctx, shape)
            for nm in ("rusle_r", "rusle_k", "rusle_ls", "rusle_c", "rusle_p")
        }
        ok = usable(vals, ctx.soil_ecos)
        q, _ = pure(
            rusle_soil_retention,
            r=(vals["rusle_r"], ctx.units["rusle_r"]),
            k=(vals["rusle_k"], ctx.units["rusle_k"]),
            ls=(vals["rusle_ls"], "dimensionless"),
            c=(vals["rusle_c"], "dimensionless"),
            p=(vals["rusle_p"], "dimensionless"),
            area=(area_full, "hectare"),
        )
        out["soil_conservation"] = _bins(np.where(ok, key, n), np.where(ok, q, 0.0), n)
    if "hot_days" in ctx.indicators:
        d = _param("hot_days", blocks, eco, ctx, shape) * _factor(ctx.units["hot_days"], "day")
        ok = usable({"hot_days": d}, np.ones(n_eco, bool))
        out["hot_days_area"] = _bins(np.where(ok, key, n), np.where(ok, d * area_full, 0.0), n)
        out["hot_days_weight"] = _bins(np.where(ok, key, n), np.where(ok, area_full, 0.0), n)
    if ctx.carbon and prev is not None:
        eco0 = classify(prev, ctx, ctx.prev_nodata)
        v0 = in_zone & (eco0 >= 0)
        key0 = np.where(v0, zone * n_eco + eco0, n)
        both = v0 & valid
        w = None if scalar_area else area_full
        scale = area if scalar_area else 1.0
        out["area_previous"] = _bins(key0, w, n) * scale
        if both.all() or not (both ^ valid).any() and not (both ^ v0).any():
            out["area_both"] = out["area"].copy()
            out["area_both_previous"] = out["area_previous"].copy()
        else:
            out["area_both"] = _bins(np.where(both, key, n), w, n) * scale
            out["area_both_previous"] = _bins(np.where(both, key0, n), w, n) * scale
    out["nodata_px"] = nodata_px
    return out


def merge(a: dict, b: dict) -> dict:
    """Sum two block results."""
    out = {}
    for k in a:
        if k in ("unmapped", "nodata_px"):
            d = dict(a[k])
            for kk, v in b[k].items():
                d[kk] = d.get(kk, 0) + v
            out[k] = d
        else:
            out[k] = a[k] + b[k]
    return out


def ls_block(dem: np.ndarray, dx: float, dy: float, slope_length: float, factor: float):
    """LS of a DEM block that carries a one-pixel halo (used with ``dask.array.map_overlap``)."""
    from .formulas import slope_radians

    return ls_factor(slope_radians(dem * factor, dx, dy), slope_length)
