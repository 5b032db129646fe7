"""``run_grid``: a grid config → zonal quantities, extent rows and the files of a dataset.

Output folder (written atomically, file by file):

* ``quantities.csv`` — ``region, year, indicator, component, value, unit, source`` (external
  quantities format; ``component`` empty = the indicator's whole physical quantity);
* ``inventory.csv`` — extent (``area`` by ecosystem, hectare) in the inventory long format;
* ``regions.csv`` and ``dataset.yaml`` — so the folder is a dataset ``gep account`` reads;
* ``by_ecosystem.csv`` — every zonal sum by region × ecosystem (carbon storage, NPV, …);
* ``run.json`` — config and layer hashes, pixel counts, nodata counts, timings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..carbon.biomass import co2e_from_carbon
from ..carbon.invest import invest_npv
from ..carbon.ipcc import stock_difference
from ..catalog import ecosystem_catalog, ecosystems_in
from ..errors import InputError, Problem
from ..indicators.regulating import SOIL_ECOSYSTEMS, WATER_CONSERVATION_ECOSYSTEMS
from ..indicators.variants import VEGETATED
from ..safeio import atomic_write_text, dumps_json
from ..units import conversion_factor
from ..yamlio import dump_yaml
from . import kernels
from .config import PARAMETERS, GridConfig, load_config
from .layers import align, file_hash, load_classes, nodata_of, open_layer
from .zones import load_zones

WATER_INPUTS = {
    "precipitation": ("precipitation",),
    "evapotranspiration": ("evapotranspiration", ("pet", "budyko_omega")),
    "runoff": ("runoff", "runoff_coefficient"),
}
SOIL_INPUTS = ("rusle_r", "rusle_k", ("rusle_ls", "dem"), "rusle_c", "rusle_p")


@dataclass
class GridResult:
    """Zonal sums of a run, as tidy frames, plus provenance."""

    quantities: pd.DataFrame
    inventory: pd.DataFrame
    regions: pd.DataFrame
    by_ecosystem: pd.DataFrame
    info: dict = field(default_factory=dict)


def _indicators(cfg: GridConfig) -> tuple[str, ...]:
    """Indicators the config has inputs for; a partial set of inputs is an error."""
    out = []
    problems = []
    f = str(cfg.path)

    def have(options):
        return any(
            all(cfg.has(x) for x in o) if isinstance(o, tuple) else cfg.has(o) for o in options
        )

    water_given = [
        n
        for n in ("precipitation", "evapotranspiration", "pet", "runoff", "runoff_coefficient")
        if cfg.has(n)
    ]
    if water_given:
        missing = [k for k, opts in WATER_INPUTS.items() if not have(opts)]
        if missing:
            problems.append(
                Problem(
                    f,
                    f"water conservation needs {', '.join(missing)} (layer or table; ET may be "
                    "pet + budyko_omega, runoff may be runoff_coefficient)",
                    field="layers",
                )
            )
        else:
            out.append("water_conservation")
    soil_given = [
        n for n in ("rusle_r", "rusle_k", "rusle_ls", "dem", "rusle_c", "rusle_p") if cfg.has(n)
    ]
    if soil_given:
        missing = [
            "/".join(o) if isinstance(o, tuple) else o
            for o in SOIL_INPUTS
            if not have(o if isinstance(o, tuple) else (o,))
        ]
        if missing:
            problems.append(
                Problem(f, f"soil conservation needs {', '.join(missing)}", field="layers")
            )
        else:
            out.append("soil_conservation")
    if cfg.has("hot_days"):
        out.append("hot_days")
    # carbon sequestration: NEP per pixel or the land-cover stock difference, one route
    nep_given = cfg.has("npp") or cfg.has("heterotrophic_respiration")
    stock = cfg.previous_land_cover is not None and cfg.carbon_pools is not None
    if nep_given and not (cfg.has("npp") and cfg.has("heterotrophic_respiration")):
        missing = "npp" if not cfg.has("npp") else "heterotrophic_respiration"
        problems.append(
            Problem(f, f"carbon sequestration by NEP needs {missing} (layer or table)", "layers")
        )
    elif nep_given:
        if stock and cfg.sequestration is None:
            problems.append(
                Problem(
                    f,
                    "both NEP (npp) and the land-cover stock difference can give carbon "
                    "sequestration: say which with 'sequestration: nep' or "
                    "'sequestration: stock_difference'",
                    field="sequestration",
                )
            )
        elif cfg.sequestration in (None, "nep"):
            out.append("carbon_nep")
    if cfg.sequestration == "nep" and not nep_given:
        problems.append(Problem(f, "sequestration: nep needs an npp layer", "sequestration"))
    if cfg.sequestration == "stock_difference" and not stock:
        problems.append(
            Problem(
                f,
                "sequestration: stock_difference needs previous_land_cover and carbon pools",
                field="sequestration",
            )
        )
    # water-surface evaporation (climate regulation): an evaporation depth or pan × coefficient
    if cfg.has("water_evaporation") and cfg.has("pan_evaporation"):
        problems.append(
            Problem(
                f, "give water_evaporation or pan_evaporation, not both", "layers.pan_evaporation"
            )
        )
    elif cfg.has("pan_evaporation") and cfg.pan_coefficient is None:
        problems.append(
            Problem(
                f,
                "pan_evaporation needs evaporation.pan_coefficient (pan → open water)",
                field="evaporation.pan_coefficient",
            )
        )
    elif cfg.has("water_evaporation") and cfg.pan_coefficient is not None:
        problems.append(
            Problem(
                f,
                "pan_coefficient is only for a pan_evaporation layer",
                field="evaporation.pan_coefficient",
            )
        )
    elif cfg.has("water_evaporation") or cfg.has("pan_evaporation"):
        if not cfg.coefficients:
            problems.append(
                Problem(
                    f,
                    "water-surface evaporation energy needs 'coefficients' (a set with "
                    "regulating.climate_regulation.latent_heat and humidifier_energy)",
                    field="coefficients",
                )
            )
        else:
            out.append("water_evaporation")
    elif cfg.pan_coefficient is not None or cfg.evaporation_divide_by_eer:
        problems.append(
            Problem(
                f, "no water_evaporation or pan_evaporation layer to apply it to", "evaporation"
            )
        )
    for one, others in (
        ("evapotranspiration", ("pet", "budyko_omega")),
        ("runoff", ("runoff_coefficient",)),
        ("rusle_ls", ("dem",)),
    ):
        for other in others:
            if cfg.has(one) and cfg.has(other):
                where = "layers" if other in cfg.layers else "tables"
                problems.append(
                    Problem(f, f"give {one} or {other}, not both", field=f"{where}.{other}")
                )
    if problems:
        raise InputError(problems)
    return tuple(out)


def _check_tables(
    cfg: GridConfig, inds, mapped_ecos: list[str], counted: dict[str, set[str]] | None = None
) -> None:
    """Every ecosystem present in the zones that an indicator counts has its table value.

    ``counted`` maps ``water`` / ``soil`` to the ecosystems with a positive weight (default:
    ``WATER_CONSERVATION_ECOSYSTEMS`` / ``SOIL_ECOSYSTEMS``).
    """
    problems = []
    need: dict[str, list[str]] = {}
    counted = counted or {}
    if "water_conservation" in inds:
        ecos = ecosystems_in(WATER_CONSERVATION_ECOSYSTEMS, mapped_ecos)
        if "water" in counted:
            ecos = [e for e in mapped_ecos if e in counted["water"]]
        for nm in ("runoff_coefficient", "evapotranspiration", "budyko_omega"):
            need[nm] = ecos
    if "soil_conservation" in inds:
        ecos = ecosystems_in(SOIL_ECOSYSTEMS, mapped_ecos)
        if "soil" in counted:
            ecos = [e for e in mapped_ecos if e in counted["soil"]]
        for nm in ("rusle_c", "rusle_p", "rusle_k"):
            need[nm] = ecos
    if "carbon_nep" in inds:
        need["heterotrophic_respiration"] = ecosystems_in(VEGETATED, mapped_ecos)
    for nm, ecos in need.items():
        if nm in cfg.tables:
            missing = [e for e in ecos if e not in cfg.tables[nm]]
            if missing:
                problems.append(
                    Problem(
                        str(cfg.path),
                        f"no value for {', '.join(missing)} (present in the land cover)",
                        field=f"tables.{nm}",
                    )
                )
    if cfg.carbon_pools is not None:
        missing = [e for e in mapped_ecos if e not in cfg.carbon_pools]
        if missing:
            problems.append(
                Problem(str(cfg.path), f"no pools for {', '.join(missing)}", field="carbon.pools")
            )
    if problems:
        raise InputError(problems)


def _hashes(cfg: GridConfig, used: list[str]) -> dict[str, str]:
    out = {"land_cover": file_hash(cfg.land_cover.path)[:16]}
    if cfg.previous_land_cover is not None:
        out["previous_land_cover"] = file_hash(cfg.previous_land_cover.path)[:16]
    for nm in used:
        out[nm] = file_hash(cfg.layers[nm].path)[:16]
    return out


def run_grid(config: str | Path | GridConfig, scheduler: str | None = None) -> GridResult:
    """Run a grid config; raise :class:`InputError` on any bad input (nothing written)."""
    import dask
    import dask.array as da

    t0 = time.perf_counter()
    cfg = config if isinstance(config, GridConfig) else load_config(config)
    f = str(cfg.path)
    inds = _indicators(cfg)
    classes = load_classes(cfg.classes)
    ecosystems = list(ecosystem_catalog())

    lc = open_layer(cfg.land_cover, cfg.chunks, f)
    if lc.dtype.kind not in "uif":
        raise InputError(Problem(f, f"land cover has dtype {lc.dtype}", field="land_cover.path"))
    crs = lc.rio.crs
    transform = tuple(lc.rio.transform())
    geographic = bool(crs.is_geographic)
    if not geographic:
        unit = (crs.linear_units or "").lower()
        if unit not in ("metre", "meter", "m"):
            raise InputError(
                Problem(f, f"land-cover CRS has linear unit '{unit}', not metre", "land_cover.path")
            )
    lc_nodata = nodata_of(lc, cfg.land_cover, classes.nodata)
    prev = None
    prev_nodata = None
    if cfg.previous_land_cover is not None and cfg.carbon_pools is not None:
        prev = align(
            open_layer(cfg.previous_land_cover, cfg.chunks, f), lc, cfg.previous_land_cover, f
        )
        prev_nodata = nodata_of(prev, cfg.previous_land_cover, classes.nodata)

    # which raster layers each indicator reads
    used: list[str] = []
    if "water_conservation" in inds:
        used += [
            n
            for n in (
                "precipitation",
                "evapotranspiration",
                "pet",
                "budyko_omega",
                "runoff",
                "runoff_coefficient",
            )
            if n in cfg.layers
        ]
    if "soil_conservation" in inds:
        used += [
            n
            for n in ("rusle_r", "rusle_k", "rusle_ls", "dem", "rusle_c", "rusle_p")
            if n in cfg.layers
        ]
        if "rusle_ls" in cfg.layers and "dem" in used:
            used.remove("dem")
    if "hot_days" in inds:
        used.append("hot_days")
    if "carbon_nep" in inds:
        used += [n for n in ("npp", "heterotrophic_respiration") if n in cfg.layers]
    if "water_evaporation" in inds:
        used += [n for n in ("water_evaporation", "pan_evaporation") if n in cfg.layers]
    unused = [f"layers.{u}" for u in sorted(set(cfg.layers) - set(used))]
    table_users = {
        "runoff_coefficient": "water_conservation",
        "budyko_omega": "water_conservation",
        "evapotranspiration": "water_conservation",
        "rusle_c": "soil_conservation",
        "rusle_p": "soil_conservation",
        "rusle_k": "soil_conservation",
        "heterotrophic_respiration": "carbon_nep",
    }
    unused += [f"tables.{t}" for t in sorted(cfg.tables) if table_users[t] not in inds]
    if cfg.previous_land_cover is not None and cfg.carbon_pools is None:
        unused.append("previous_land_cover")
    if cfg.ls_method == "flow" and "dem" not in used:
        unused.append("ls.method")
    if unused:
        raise InputError(
            [
                Problem(
                    f,
                    "not used by any indicator (remove it or add its partners, e.g. carbon pools)",
                    u,
                )
                for u in unused
            ]
        )
    arrays: dict = {}
    nodata: dict = {}
    units: dict = {}
    for nm in used:
        spec = cfg.layers[nm]
        arr = align(open_layer(spec, cfg.chunks, f), lc, spec, f)
        nodata[nm] = nodata_of(arr, spec)
        units[nm] = spec.unit
        arrays[nm] = arr
    for nm in PARAMETERS:
        units.setdefault(nm, PARAMETERS[nm])
    lc_chunks = lc.data.chunks
    dask_blocks: dict = {}
    for nm, arr in arrays.items():
        d = arr.data if hasattr(arr.data, "chunks") else da.from_array(arr.values, chunks=lc_chunks)
        if nm == "dem":
            if geographic:
                raise InputError(
                    Problem(f, "LS from a DEM needs a projected grid (metres)", "layers.dem")
                )
            nd = nodata[nm]
            d = d.astype("float64")
            if nd is not None:
                d = da.where(d == nd, np.nan, d)
            d = d.rechunk(lc_chunks)
            if cfg.ls_method == "flow":
                # flow accumulation is not local: the whole DEM in memory, bounded
                n_px = int(d.shape[0]) * int(d.shape[1])
                if n_px > cfg.ls_max_pixels:
                    raise InputError(
                        Problem(
                            f,
                            f"flow-routed LS needs the whole DEM in memory: {n_px:,} px > "
                            f"ls.max_pixels {cfg.ls_max_pixels:,} (peak ≈ 90 B per px); raise "
                            "ls.max_pixels or use method: fixed",
                            field="ls.max_pixels",
                        )
                    )
                from .formulas import flow_ls_factor

                z = d.compute() * conversion_factor(units["dem"], "m")
                ls = flow_ls_factor(
                    z,
                    abs(transform[0]),
                    abs(transform[4]),
                    routing=cfg.ls_routing,
                    exponent=cfg.ls_exponent,
                    l_max=cfg.ls_l_max,
                )
                del z
                d = da.from_array(ls, chunks=lc_chunks)
            else:
                d = da.map_overlap(
                    kernels.ls_block,
                    d,
                    depth=1,
                    boundary=np.nan,
                    dtype=np.float64,
                    dx=abs(transform[0]),
                    dy=abs(transform[4]),
                    slope_length=cfg.slope_length,
                    factor=conversion_factor(units["dem"], "m"),
                )
            nm = "rusle_ls"
            units["rusle_ls"] = "dimensionless"
            nodata["rusle_ls"] = None
        dask_blocks[nm] = d.rechunk(lc_chunks).to_delayed()

    tables = {}
    for nm, table in cfg.tables.items():
        tables[nm] = np.array([table.get(e, np.nan) for e in ecosystems])
    weights, weights_note = _ecosystem_weights(cfg, ecosystems)
    missing_weights = weights.pop("_missing", {})
    eer = None
    coef_note = None
    if "hot_days" in inds and cfg.coefficients:
        tables["transpiration_heat"], eer, coef_note = _climate_coefficients(
            cfg, ecosystems, weights["transpiration"]
        )
    evap = None
    if "water_evaporation" in inds:
        evap = _evaporation_coefficients(cfg)
    zones = load_zones(cfg.zones, crs, f)
    # a zone entirely off the grid is an error (a typo in a code field or the wrong CRS)
    if zones.geometries is not None:
        from shapely.geometry import box

        t = lc.rio.transform()
        x0, y1 = t.c, t.f
        x1, y0 = x0 + t.a * lc.sizes["x"], y1 + t.e * lc.sizes["y"]
        grid_box = box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        off = [
            c
            for c, g in zip(zones.codes, zones.geometries, strict=True)
            if not g.intersects(grid_box)
        ]
        if off:
            raise InputError(
                Problem(f, f"zones {', '.join(off)} miss the raster entirely", field="zones")
            )
    lut = None
    if lc.dtype.kind == "u" and lc.dtype.itemsize <= 2:
        lut = classes.lut(ecosystems, 256 if lc.dtype.itemsize == 1 else 65536)
    codes = np.array(
        sorted(classes.mapping), dtype=np.float64 if lc.dtype.kind == "f" else np.int64
    )
    code_eco = np.array([ecosystems.index(classes.mapping[int(c)]) for c in codes], dtype=np.int16)
    ctx = kernels.make_context(
        ecosystems,
        lut=lut,
        codes=codes,
        code_eco=code_eco,
        lc_nodata=lc_nodata,
        prev_nodata=prev_nodata,
        n_zones=len(zones.codes),
        geometries=zones.geometries,
        transform=transform,
        geographic=geographic,
        units=units,
        nodata=nodata,
        tables=tables,
        indicators=inds,
        carbon=prev is not None,
        eer=eer,
        exact=cfg.zones.exact,
        evaporation=evap,
        pan_coefficient=cfg.pan_coefficient,
        weights=weights,
    )
    dctx = dask.delayed(ctx, pure=True, traverse=False)
    lc_blocks = lc.data.to_delayed()
    prev_blocks = prev.data.rechunk(lc_chunks).to_delayed() if prev is not None else None
    row_off = np.cumsum((0, *lc_chunks[0]))
    col_off = np.cumsum((0, *lc_chunks[1]))
    parts = []
    block_sums = dask.delayed(kernels.block_sums, pure=True)
    for i in range(len(lc_chunks[0])):
        for j in range(len(lc_chunks[1])):
            blocks = {nm: b[i, j] for nm, b in dask_blocks.items()}
            parts.append(
                block_sums(
                    lc_blocks[i, j],
                    prev_blocks[i, j] if prev_blocks is not None else None,
                    None,
                    blocks,
                    int(row_off[i]),
                    int(col_off[j]),
                    dctx,
                )
            )
    merge = dask.delayed(kernels.merge, pure=True)
    while len(parts) > 1:  # tree reduction
        parts = [
            merge(parts[k], parts[k + 1]) if k + 1 < len(parts) else parts[k]
            for k in range(0, len(parts), 2)
        ]
    t_setup = time.perf_counter() - t0
    t1 = time.perf_counter()
    if scheduler:
        from distributed import Client

        with Client(scheduler) as client:
            sums = client.compute(parts[0]).result()
    else:
        (sums,) = dask.compute(parts[0])
    sums = kernels.finalize(sums, ctx)
    t_compute = time.perf_counter() - t1

    if sums["unmapped"]:
        listing = ", ".join(
            f"{int(c) if float(c).is_integer() else c} ({n:,} px)"
            for c, n in sorted(sums["unmapped"].items(), key=lambda kv: -kv[1])
        )
        raise InputError(
            Problem(
                f,
                f"{cfg.land_cover.path.name}: land-cover codes not in class table "
                f"'{classes.scheme}': {listing}",
                field="land_cover.classes",
            )
        )
    present = [
        e
        for e, a in zip(
            ecosystems, sums["area"].reshape(-1, len(ecosystems)).sum(axis=0), strict=True
        )
        if a > 0
    ]
    counted = {
        k: {e for e, v in zip(ecosystems, weights[k], strict=True) if v > 0}
        for k in ("water", "soil")
    }
    _check_weights(cfg, inds, present, missing_weights)
    _check_tables(cfg, inds, present, counted)
    if cfg.nodata_policy == "error" and (sums["nodata_px"] or sums["lc_nodata_px"]):
        det = dict(sums["nodata_px"])
        if sums["lc_nodata_px"]:
            det["land_cover"] = sums["lc_nodata_px"]
        raise InputError(
            [
                Problem(f, f"{n:,} pixels inside the zones are nodata", field=f"layers.{k}")
                for k, n in det.items()
            ]
        )
    hashes = _hashes(cfg, [n for n in used])
    result = _tables(cfg, zones, ecosystems, sums, inds, hashes, coef_note, evap, weights_note)
    result.info = {
        "config": str(cfg.path),
        "config_sha256": cfg.sha256,
        "layer_sha256_16": hashes,
        "class_table": classes.scheme,
        "class_table_source": classes.source,
        "zones_source": zones.source,
        "grid": {
            "crs": str(crs),
            "transform": list(transform),
            "shape": [int(lc.sizes["y"]), int(lc.sizes["x"])],
            "chunks": cfg.chunks,
            "blocks": int(len(lc_chunks[0]) * len(lc_chunks[1])),
        },
        "indicators": list(inds) + (["carbon"] if cfg.carbon_pools else []),
        "ecosystem_weights": {
            "source": weights_note,
            **{
                k: {e: float(v) for e, v in zip(ecosystems, w, strict=True) if v > 0}
                for k, w in weights.items()
            },
        },
        "land_cover_nodata_px_in_zones": int(sums["lc_nodata_px"]),
        "nodata_px_in_counted_pixels": {k: int(v) for k, v in sums["nodata_px"].items()},
        "seconds": {"setup": round(t_setup, 3), "compute": round(t_compute, 3)},
        "scheduler": scheduler or "threads",
    }
    return result


def _ecosystem_weights(cfg: GridConfig, ecosystems: list[str]) -> tuple[dict, str]:
    """Which ecosystems each term counts, as weights by eco index, and where they come from.

    With ``coefficients:`` the set's dimensionless tables by ecosystem (``WEIGHT_TABLES``, the
    ones the tabular account reads) for the config's ``year`` — a grid run is one accounting
    year, so a set that varies by year gives that year's entry; without, the engine's defaults
    (:func:`gep.grid.kernels.default_weights`).
    """
    if not cfg.coefficients:
        return kernels.default_weights(ecosystems), (
            "ecosystem sets: engine defaults (no coefficients in the config)"
        )
    from ..coefficients import load_set
    from ..errors import MissingCoefficientError

    cset = load_set(cfg.coefficients)
    out, missing = {}, {}

    def one(cid, keys):
        w = cset.array(cid, [cfg.year], keys=keys, unit="dimensionless")
        return np.asarray(w.values, dtype=np.float64).reshape(len(keys))

    for name, cid in kernels.WEIGHT_TABLES.items():
        try:
            out[name] = one(cid, ecosystems)
        except MissingCoefficientError:
            cset[cid]  # a table absent from the set raises here, naming it
            # classes of the class table the set does not list: not counted now, an error
            # after the pass if one is present in the zones (_check_weights)
            w = np.zeros(len(ecosystems))
            for i, e in enumerate(ecosystems):
                try:
                    w[i] = one(cid, [e])[0]
                except MissingCoefficientError:
                    missing.setdefault(name, []).append(e)
            out[name] = w
    ids = ", ".join(kernels.WEIGHT_TABLES.values())
    note = (
        f"ecosystem sets: coefficients {cset.name} sha256:{cset.hash[:16]} year {cfg.year} ({ids})"
    )
    out["_missing"] = missing
    return out, note


def _check_weights(cfg: GridConfig, inds, present: list[str], missing: dict) -> None:
    """An ecosystem present in the zones that the set's ecosystem table does not list."""
    uses = {
        "water": "water_conservation" in inds,
        "soil": "soil_conservation" in inds,
        "transpiration": "hot_days" in inds and bool(cfg.coefficients),
        "evaporation": "water_evaporation" in inds,
    }
    problems = [
        Problem(
            str(cfg.path),
            f"coefficient table '{kernels.WEIGHT_TABLES[name]}' of set '{cfg.coefficients}' has "
            f"no value for ecosystem {', '.join(gone)} (present in the land cover)",
            field="coefficients",
        )
        for name, ecos in missing.items()
        if uses[name] and (gone := [e for e in ecos if e in present])
    ]
    if problems:
        raise InputError(problems)


def _climate_coefficients(cfg: GridConfig, ecosystems: list[str], transpiring: np.ndarray):
    """Transpiration heat by ecosystem [kJ m⁻² d⁻¹] and the AC EER of the named set's year.

    Heat is read for the ecosystems the set's ``transpiration_ecosystems`` counts (weight > 0).
    """
    from ..coefficients import load_set

    cset = load_set(cfg.coefficients)
    c = "regulating.climate_regulation."
    veg = [e for e, w in zip(ecosystems, transpiring, strict=True) if w > 0]
    if not veg:
        return (
            np.full(len(ecosystems), np.nan),
            float(cset.array(c + "ac_efficiency", [cfg.year]).values.ravel()[0]),
            f"coefficients {cset.name} sha256:{cset.hash[:16]} (no ecosystem transpires)",
        )
    heat = cset.array(c + "transpiration_heat", [cfg.year], keys=veg, unit="kJ / m ** 2 / day")
    eer = float(cset.array(c + "ac_efficiency", [cfg.year]).values.ravel()[0])
    table = np.full(len(ecosystems), np.nan)
    for e, v in zip(veg, heat.values.ravel(), strict=True):
        table[ecosystems.index(e)] = v
    note = (
        f"coefficients {cset.name} sha256:{cset.hash[:16]} ({c}transpiration_heat, ac_efficiency)"
    )
    return table, eer, note


def _evaporation_coefficients(cfg: GridConfig) -> dict:
    """Latent heat, humidifier energy (and EER when asked) of the named set's year."""
    from ..coefficients import load_set

    cset = load_set(cfg.coefficients)
    c = "regulating.climate_regulation."

    def one(name, unit=None):
        kw = {"unit": unit} if unit else {}
        return float(cset.array(c + name, [cfg.year], **kw).values.ravel()[0])

    out = {
        "latent_heat": one("latent_heat", "J / g"),
        "humidifier_energy": one("humidifier_energy", "kWh / m ** 3"),
        "eer": one("ac_efficiency") if cfg.evaporation_divide_by_eer else None,
    }
    used = "latent_heat, humidifier_energy" + (", ac_efficiency" if out["eer"] else "")
    out["note"] = f"coefficients {cset.name} sha256:{cset.hash[:16]} ({c}{{{used}}})"
    return out


def _tables(
    cfg, zones, ecosystems, sums, inds, hashes, coef_note=None, evap=None, weights_note=None
) -> GridResult:
    n_eco = len(ecosystems)
    nz = len(zones.codes)
    shape = (nz, n_eco)
    area = sums["area"].reshape(shape)
    src_cfg = f"gep grid: config {cfg.path.name} sha256:{cfg.sha256[:16]}"

    def src(*layers):
        parts = [f"land_cover={hashes['land_cover']}"]
        parts += [f"{n}={hashes[n]}" for n in layers if n in hashes]
        return f"{src_cfg}; layers sha256: {', '.join(parts)}"

    year = cfg.year
    q_rows, e_rows = [], []
    wnote = f"; {weights_note}" if weights_note else ""

    def add(indicator, per_eco, unit, source, component=""):
        per_eco = per_eco.reshape(shape)
        for z, code in enumerate(zones.codes):
            q_rows.append((code, year, indicator, component, float(per_eco[z].sum()), unit, source))
        name = f"{indicator}.{component}" if component else indicator
        for z, code in enumerate(zones.codes):
            for e, eco in enumerate(ecosystems):
                if per_eco[z, e] != 0 or area[z, e] > 0:
                    e_rows.append((code, year, name, eco, float(per_eco[z, e]), unit))

    for z, code in enumerate(zones.codes):
        for e, eco in enumerate(ecosystems):
            if area[z, e] > 0:
                e_rows.append((code, year, "area", eco, float(area[z, e]), "hectare"))
    if "water_conservation" in inds:
        add(
            "regulating.water_conservation",
            sums["water_conservation"],
            "m ** 3",
            src(
                "precipitation",
                "evapotranspiration",
                "pet",
                "budyko_omega",
                "runoff",
                "runoff_coefficient",
            )
            + wnote,
        )
    if "soil_conservation" in inds:
        add(
            "regulating.soil_conservation",
            sums["soil_conservation"],
            "t",
            src("rusle_r", "rusle_k", "rusle_ls", "dem", "rusle_c", "rusle_p") + wnote,
        )
    if "transpiration_energy" in sums:
        add(
            "regulating.climate_regulation",
            sums["transpiration_energy"],
            "kWh",
            src("hot_days") + f"; {coef_note}" + wnote,
            component="transpiration",
        )
    if "water_evaporation" in inds:
        add(
            "regulating.climate_regulation",
            sums["evaporation_energy"],
            "kWh",
            src("water_evaporation", "pan_evaporation")
            + (f"; × pan coefficient {cfg.pan_coefficient:g}" if cfg.pan_coefficient else "")
            + f"; {evap['note']}"
            + wnote,
            component="water_evaporation",
        )
    if "carbon_nep" in inds:
        add(
            "regulating.carbon_sequestration",
            sums["carbon_nep"],
            "tCO2e",
            src("npp", "heterotrophic_respiration")
            + "; NEP method 44/12 × (NPP − Rh) × area over vegetated pixels (co2_from_nep)",
        )
    inv_rows = []
    for z, code in enumerate(zones.codes):
        for e, eco in enumerate(ecosystems):
            if area[z, e] > 0:
                inv_rows.append(
                    (code, year, "area", eco, "", round(float(area[z, e]), 4), "hectare", src())
                )
    if "hot_days" in inds:
        w = sums["hot_days_weight"].reshape(shape).sum(axis=1)
        d = sums["hot_days_area"].reshape(shape).sum(axis=1)
        for z, code in enumerate(zones.codes):
            if w[z] > 0:
                inv_rows.append(
                    (
                        code,
                        year,
                        "climate.hot_days",
                        "",
                        "",
                        round(float(d[z] / w[z]), 4),
                        "day",
                        src("hot_days"),
                    )
                )
    if "water_evaporation" in inds:
        w = sums["evaporation_weight"].reshape(shape).sum(axis=1)
        d = sums["evaporation_depth_area"].reshape(shape).sum(axis=1)
        for z, code in enumerate(zones.codes):
            if w[z] > 0:
                inv_rows.append(
                    (
                        code,
                        year,
                        "climate.water_evaporation",
                        "",
                        "",
                        round(float(d[z] / w[z]), 4),
                        "mm",
                        src("water_evaporation", "pan_evaporation"),
                    )
                )
    if cfg.carbon_pools is not None:
        f = conversion_factor(cfg.carbon_unit, "t / hectare")
        dens = np.array(
            [sum(cfg.carbon_pools.get(e, {}).values()) * f for e in ecosystems], dtype=np.float64
        )
        storage = area * dens  # Σ_pixels density × area, grouped by class (exact: linear)
        for z, code in enumerate(zones.codes):
            for e, eco in enumerate(ecosystems):
                if area[z, e] > 0:
                    e_rows.append((code, year, "carbon.storage", eco, float(storage[z, e]), "t"))
        if "area_previous" in sums:
            y0 = cfg.previous_year
            s_prev = sums["area_previous"].reshape(shape) * dens
            both_cur = sums["area_both"].reshape(shape) * dens
            both_prev = sums["area_both_previous"].reshape(shape) * dens
            change = both_cur.sum(axis=1) - both_prev.sum(axis=1)  # t C over pixels valid in both
            annual = stock_difference(both_prev.sum(axis=1), both_cur.sum(axis=1), y0, year)
            co2 = co2e_from_carbon(annual)
            csrc = (
                src("previous_land_cover")
                + f"; carbon pools in {cfg.path.name}; stock difference {y0}–{year}"
            )
            for z, code in enumerate(zones.codes):
                # with sequestration by NEP the stock change stays in by_ecosystem only
                if "carbon_nep" not in inds:
                    q_rows.append(
                        (
                            code,
                            year,
                            "regulating.carbon_sequestration",
                            "",
                            float(co2[z]),
                            "tCO2e",
                            csrc,
                        )
                    )
                for e, eco in enumerate(ecosystems):
                    if s_prev[z, e] > 0:
                        e_rows.append((code, y0, "carbon.storage", eco, float(s_prev[z, e]), "t"))
                e_rows.append((code, year, "carbon.stock_change", "", float(change[z]), "t"))
                if cfg.valuation is not None:
                    v = cfg.valuation
                    npv = invest_npv(
                        float(change[z]),
                        v["price_per_tC"],
                        y0,
                        year,
                        v["discount_pct"],
                        v["rate_change_pct"],
                    )
                    e_rows.append((code, year, "carbon.npv", "", float(npv), "currency"))
    quantities = pd.DataFrame(
        q_rows, columns=["region", "year", "indicator", "component", "value", "unit", "source"]
    )
    inventory = pd.DataFrame(
        inv_rows,
        columns=["region", "year", "item", "ecosystem", "species", "value", "unit", "source"],
    )
    by_eco = pd.DataFrame(
        e_rows, columns=["region", "year", "quantity", "ecosystem", "value", "unit"]
    )
    zone_area = sums["zone_area"]
    regions = pd.DataFrame(
        {
            "code": zones.codes,
            "name_zh": zones.names,
            "name_en": zones.names,
            "parent": "",
            "land_area": np.round(zone_area, 4),
            "land_area_unit": "hectare",
            "source": f"gridded zone area: pixels whose centre lies in the zone ({zones.source})",
        }
    )
    return GridResult(quantities, inventory, regions, by_eco)


def write_outputs(result: GridResult, out: str | Path, cfg: GridConfig) -> list[Path]:
    """Write the run's files into ``out`` (created if needed)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (
        ("quantities.csv", result.quantities),
        ("inventory.csv", result.inventory),
        ("regions.csv", result.regions),
        ("by_ecosystem.csv", result.by_ecosystem),
    ):
        p = out / name
        atomic_write_text(p, frame.to_csv(index=False, lineterminator="\n"))
        written.append(p)
    meta = {
        "name": f"grid-{cfg.name}",
        "description": {
            "zh": f"由栅格配置 {cfg.path.name} 经 gep grid run 汇总的生态系统面积（县×生态系统）。",
            "en": f"Ecosystem extent summed from the rasters of {cfg.path.name} by gep grid run.",
        },
        "base_year": cfg.year,
        "years": [cfg.year],
    }
    if cfg.coefficients:
        meta["coefficients"] = cfg.coefficients

    p = out / "dataset.yaml"
    atomic_write_text(p, dump_yaml(meta))
    written.append(p)
    p = out / "run.json"
    atomic_write_text(p, dumps_json(result.info, ensure_ascii=False, indent=2))
    written.append(p)
    return written
