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
    evaporation_cooling_energy,
    rusle_soil_retention,
    transpiration_cooling_energy,
    water_balance_retention,
)
from ..indicators.variants import VEGETATED
from ..methods.carbon import co2_from_nep
from ..units import conversion_factor
from .formulas import budyko_fu_aet, geographic_row_area, ls_factor, runoff_from_coefficient
from .zones import edge_fractions, rasterize_block

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
    eer: float | None = None  # AC energy-efficiency ratio (climate regulation), from the set
    exact: bool = False  # exact area weighting of pixels on zone boundaries
    evaporation: dict | None = None  # latent_heat, humidifier_energy, eer (or None), from the set
    pan_coefficient: float | None = None  # pan → open-water evaporation
    #: share of each ecosystem's area counted (by eco index; 1 in, 0 out), see WEIGHT_TABLES
    weights: dict[str, np.ndarray] = field(default_factory=dict)
    water_ecos: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    soil_ecos: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    veg_ecos: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    open_water: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    transpiring: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))


#: weight name → the coefficient (dimensionless table by ecosystem) the tabular account reads
WEIGHT_TABLES = {
    "water": "regulating.water_conservation.ecosystems",
    "soil": "regulating.soil_conservation.ecosystems",
    "transpiration": "regulating.climate_regulation.transpiration_ecosystems",
    "evaporation": "regulating.climate_regulation.evaporation_ecosystems",
}


def default_weights(ecosystems: list[str]) -> dict[str, np.ndarray]:
    """The engine's default ecosystem sets as 0/1 weights by eco index.

    Water and soil conservation: ``WATER_CONSERVATION_ECOSYSTEMS`` / ``SOIL_ECOSYSTEMS``;
    transpiration: every ecosystem but water; evaporation: open water.
    """
    eco = np.asarray(ecosystems, dtype=object)
    return {
        "water": np.isin(eco, ecosystems_in(WATER_CONSERVATION_ECOSYSTEMS, ecosystems)) * 1.0,
        "soil": np.isin(eco, ecosystems_in(SOIL_ECOSYSTEMS, ecosystems)) * 1.0,
        "transpiration": (eco != "water") * 1.0,
        "evaporation": (eco == "water") * 1.0,
    }


def make_context(ecosystems: list[str], weights: dict | None = None, **kw) -> BlockContext:
    """A block context; ``weights`` (name → weight by eco index) default to
    :func:`default_weights`."""
    ctx = BlockContext(ecosystems=ecosystems, **kw)
    w = default_weights(ecosystems)
    w.update({k: np.asarray(v, dtype=np.float64) for k, v in (weights or {}).items()})
    ctx.weights = w
    ctx.water_ecos = w["water"] > 0
    ctx.soil_ecos = w["soil"] > 0
    ctx.transpiring = w["transpiration"] > 0
    ctx.open_water = w["evaporation"] > 0
    # the tabular NEP route's ecosystems
    ctx.veg_ecos = np.isin(ecosystems, ecosystems_in(VEGETATED, ecosystems))
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
        raw = blocks[name]
        v = raw.astype(np.float64)  # a fresh copy: nodata is set in place
        nd = ctx.nodata.get(name)
        if nd is not None:
            v[raw == nd] = np.nan
        return v
    table = ctx.tables[name]
    return table[np.clip(eco, 0, None)]


def _bins(key, weights, n):
    out = np.bincount(
        key.ravel(), weights=None if weights is None else weights.ravel(), minlength=n
    )
    return out[:n].astype(np.float64)


def bin_layout(ctx: BlockContext, dtype, nodata=None) -> tuple[int, np.ndarray]:
    """Bins per zone and the ecosystem of each bin (-1 unmapped, -2 nodata).

    Byte land cover is binned by its raw code (256 bins, no per-pixel lookup: the floor's own
    method); anything else by ecosystem index + 2 after :func:`classify`.
    """
    if ctx.lut is not None and np.dtype(dtype) == np.uint8:
        eco_of_bin = ctx.lut[:256].astype(np.int16).copy()
        if nodata is not None and float(nodata).is_integer() and 0 <= nodata < 256:
            eco_of_bin[int(nodata)] = LC_NODATA
        return 256, eco_of_bin
    n_eco = len(ctx.ecosystems)
    return n_eco + 2, np.arange(-2, n_eco, dtype=np.int16)


def _keys(lc, zone, ctx: BlockContext, nodata):
    """Bin key per pixel (zone row n_zones = outside every zone) and the ecosystem index."""
    nb, eco_of_bin = bin_layout(ctx, lc.dtype, nodata)
    if nb == 256:
        b = lc  # the nodata code keeps its own bin; finalize() drops it
        eco = None
    else:
        eco = classify(lc, ctx, nodata)
        b = eco + 2
    if zone is None:
        key = b.astype(np.intp)
    else:
        zrow = np.where(zone >= 0, zone, ctx.n_zones).astype(np.intp)
        key = zrow * nb + b
    return key, eco, nb, eco_of_bin, b


def block_sums(lc, prev, zone_hint, blocks: dict, row0: int, col0: int, ctx: BlockContext) -> dict:
    """Sums of one block by zone × land-cover bin (see :func:`finalize`).

    ``zone_hint`` is a precomputed zone block or ``None`` (rasterized here; nothing to do when
    the whole grid is one zone).
    """
    shape = lc.shape
    if zone_hint is not None:
        zone = zone_hint
    elif ctx.geometries is None:
        zone = None
    else:
        zone = rasterize_block(ctx.geometries, ctx.transform, shape, row0, col0)
    key, eco, nb, eco_of_bin, b = _keys(lc, zone, ctx, ctx.lc_nodata)
    n = (ctx.n_zones + 1) * nb
    area = pixel_area_ha(ctx, row0, shape[0])
    scalar_area = np.ndim(area) == 0
    area_full = np.broadcast_to(area, shape)
    out: dict = {"nb": nb}
    out["px"] = _bins(key, None, n)  # centre rule: pixel counts for the checks
    exact = ctx.exact and zone is not None
    border = None
    if exact:
        border, pidx, pzone, pfrac = edge_fractions(
            ctx.geometries, ctx.transform, shape, row0, col0
        )
        prow, pcol = np.divmod(pidx, shape[1])
        outside = ctx.n_zones * nb

    def zsum(weights, k=key, bins=b):
        """Sums by zone × bin; on boundaries each pixel is shared by its covered fractions."""
        if not exact:
            return _bins(k, weights, n)
        kc = np.where(border, outside + bins.astype(np.intp), k)
        res = _bins(kc, weights, n)
        if pidx.size:
            kp = pzone * nb + bins[prow, pcol]
            wp = pfrac if weights is None else np.broadcast_to(weights, shape)[prow, pcol] * pfrac
            res += np.bincount(kp, weights=wp, minlength=n)[:n]
        return res

    if exact:
        out["area"] = zsum(None) * area if scalar_area else zsum(area_full)
    else:
        out["area"] = out["px"] * area if scalar_area else _bins(key, area_full, n)
    out["unmapped"] = {}
    if nb != 256:  # codes of unmapped pixels (the byte path reads them off the bins)
        in_zone = zone >= 0 if zone is not None else np.ones(shape, bool)
        bad = in_zone & (eco == LC_UNMAPPED)
        if bad.any():
            vals, cnt = np.unique(lc[bad], return_counts=True)
            out["unmapped"] = dict(zip(vals.tolist(), cnt.tolist(), strict=True))
    nodata_px: dict[str, int] = {}
    need_eco = any(
        i in ctx.indicators
        for i in ("water_conservation", "soil_conservation", "carbon_nep", "water_evaporation")
    )
    if need_eco and eco is None:
        eco = classify(lc, ctx, ctx.lc_nodata)
    if need_eco or "hot_days" in ctx.indicators:
        valid = eco >= 0 if eco is not None else None
        if zone is not None:
            valid = valid & ((zone >= 0) | border) if exact else valid & (zone >= 0)

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
        q = q * ctx.weights["water"][np.clip(eco, 0, None)]  # share of the area counted
        out["water_conservation"] = zsum(np.where(ok, q, 0.0))
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
        q = q * ctx.weights["soil"][np.clip(eco, 0, None)]
        out["soil_conservation"] = zsum(np.where(ok, q, 0.0))
    if "hot_days" in ctx.indicators:
        if eco is None:
            eco = classify(lc, ctx, ctx.lc_nodata)
            valid = eco >= 0 if zone is None else (eco >= 0) & (zone >= 0)
            if exact:
                valid |= (eco >= 0) & border
        d = _param("hot_days", blocks, eco, ctx, shape) * _factor(ctx.units["hot_days"], "day")
        ok = usable({"hot_days": d}, np.ones(len(ctx.ecosystems), bool))
        out["hot_days_area"] = zsum(np.where(ok, d * area_full, 0.0))
        out["hot_days_weight"] = zsum(np.where(ok, area_full, 0.0))
        if "transpiration_heat" in ctx.tables:
            # transpiring pixels: the set's transpiration_ecosystems (weight > 0)
            ei = np.clip(eco, 0, None)
            heat = ctx.tables["transpiration_heat"][ei]
            veg = ok & ctx.transpiring[ei] & (heat > 0) & np.isfinite(heat)
            e, _ = pure(
                transpiration_cooling_energy,
                transpiration_heat=(heat, "kJ / m ** 2 / day"),
                area=(area_full, "hectare"),
                days=(d, "day"),
                eer=(ctx.eer, "dimensionless"),
            )
            e = e * ctx.weights["transpiration"][ei]
            out["transpiration_energy"] = zsum(np.where(veg, e, 0.0))
    if "carbon_nep" in ctx.indicators:
        npp = _param("npp", blocks, eco, ctx, shape)
        rh = _param("heterotrophic_respiration", blocks, eco, ctx, shape)
        ok = usable({"npp": npp, "heterotrophic_respiration": rh}, ctx.veg_ecos)
        q, _ = pure(
            co2_from_nep,
            npp=(npp, ctx.units["npp"]),
            rh=(rh, ctx.units["heterotrophic_respiration"]),
            area=(area_full, "hectare"),
        )
        out["carbon_nep"] = zsum(np.where(ok, q, 0.0))
    if "water_evaporation" in ctx.indicators:
        if "pan_evaporation" in blocks:
            name = "pan_evaporation"
            depth = _param(name, blocks, eco, ctx, shape) * (
                _factor(ctx.units[name], "mm") * ctx.pan_coefficient
            )
        else:
            name = "water_evaporation"
            depth = _param(name, blocks, eco, ctx, shape) * _factor(ctx.units[name], "mm")
        ok = usable({name: depth}, ctx.open_water)
        a_w = area_full * ctx.weights["evaporation"][np.clip(eco, 0, None)]  # counted area
        volume = depth * a_w * _factor("mm * hectare", "m ** 3")
        co = ctx.evaporation
        kw = {"eer": (co["eer"], "dimensionless")} if co["eer"] is not None else {}
        e, _ = pure(
            evaporation_cooling_energy,
            evaporation=(volume, "m ** 3"),
            latent_heat=(co["latent_heat"], "J / g"),
            humidifier_energy=(co["humidifier_energy"], "kWh / m ** 3"),
            **kw,
        )
        out["evaporation_energy"] = zsum(np.where(ok, e, 0.0))
        out["evaporation_depth_area"] = zsum(np.where(ok, depth * a_w, 0.0))
        out["evaporation_weight"] = zsum(np.where(ok, a_w, 0.0))
    if ctx.carbon and prev is not None:
        key0, eco0, nb0, _, b0 = _keys(prev, zone, ctx, ctx.prev_nodata)
        if nb0 != nb:  # mixed dtypes: bin both by ecosystem
            raise TypeError("land cover and previous land cover must share a data type")
        w = None if scalar_area else area_full
        scale = area if scalar_area else 1.0
        out["px_previous"] = _bins(key0, None, n)
        if exact:
            out["area_previous"] = zsum(w, key0, b0) * scale
        else:
            out["area_previous"] = out["px_previous"] * area if scalar_area else _bins(key0, w, n)
        if nb != 256:
            in_zone = zone >= 0 if zone is not None else np.ones(shape, bool)
            bad = in_zone & (eco0 == LC_UNMAPPED)
            if bad.any():
                vals, cnt = np.unique(prev[bad], return_counts=True)
                for v, c in zip(vals.tolist(), cnt.tolist(), strict=True):
                    out["unmapped"][v] = out["unmapped"].get(v, 0) + c
        # change counts only pixels valid in both maps (as InVEST does)
        _, eco_of_bin0 = bin_layout(ctx, prev.dtype, ctx.prev_nodata)
        nz = ctx.n_zones
        n_bad = (
            out["px"].reshape(nz + 1, nb)[:nz, eco_of_bin < 0].sum()
            + out["px_previous"].reshape(nz + 1, nb)[:nz, eco_of_bin0 < 0].sum()
        )
        if exact:
            n_bad = n_bad or bool(border.any())
        if n_bad:
            if nb == 256:
                either = (eco_of_bin[lc] < 0) | (eco_of_bin0[prev] < 0)
            else:
                either = (eco < 0) | (eco0 < 0)
            keep = (~either).astype(np.float64)
            wk = keep if w is None else keep * w
            out["area_both"] = zsum(wk) * scale
            out["area_both_previous"] = zsum(wk, key0, b0) * scale
        else:
            out["area_both"] = out["area"].copy()
            out["area_both_previous"] = out["area_previous"].copy()
    out["nodata_px"] = nodata_px
    return out


def finalize(raw: dict, ctx: BlockContext) -> dict:
    """Bins → sums by zone × ecosystem (flattened ``zone * n_eco + eco``), zone areas,
    unmapped codes with pixel counts and the count of nodata land-cover pixels in the zones."""
    nb = raw["nb"]
    n_eco = len(ctx.ecosystems)
    nz = ctx.n_zones
    dtype = np.uint8 if nb == 256 else np.int16
    _, eco_cur = bin_layout(ctx, dtype, ctx.lc_nodata)
    onehot = np.zeros((nb, n_eco))
    mapped = eco_cur >= 0
    onehot[np.flatnonzero(mapped), eco_cur[mapped]] = 1.0
    out: dict = {}
    for k, v in raw.items():
        if isinstance(v, np.ndarray) and not k.startswith("px"):
            out[k] = (v.reshape(nz + 1, nb)[:nz] @ onehot).ravel()
    out["zone_area"] = raw["area"].reshape(nz + 1, nb)[:nz].sum(axis=1)
    px = raw["px"].reshape(nz + 1, nb)[:nz].sum(axis=0)
    unmapped = dict(raw["unmapped"])
    if nb == 256:
        checks = [(px, eco_cur)]
        if "px_previous" in raw:
            _, eco_prev = bin_layout(ctx, dtype, ctx.prev_nodata)
            checks.append((raw["px_previous"].reshape(nz + 1, nb)[:nz].sum(axis=0), eco_prev))
        for counts, eco_of_bin in checks:
            for code in np.flatnonzero((eco_of_bin == LC_UNMAPPED) & (counts > 0)):
                unmapped[int(code)] = unmapped.get(int(code), 0) + int(counts[code])
    out["unmapped"] = unmapped
    out["lc_nodata_px"] = int(px[eco_cur == LC_NODATA].sum())
    out["nodata_px"] = raw["nodata_px"]
    return out


def merge(a: dict, b: dict) -> dict:
    """Sum two block results."""
    out = {}
    for k in a:
        if k == "nb":
            out[k] = a[k]
        elif k in ("unmapped", "nodata_px"):
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
