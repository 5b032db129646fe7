"""The gridded-run configuration (YAML): strict parsing into :class:`GridConfig`.

Every problem is collected and raised as one :class:`~gep.errors.InputError` naming the config
file, the layer and the key. Paths are relative to the config file. Nothing in the file is
evaluated: unit strings go to the pint parser, everything else is checked against this schema.

Example::

    name: ankang-demo
    year: 2024
    chunks: 1024
    zones: {cnmaps: "610900"}                 # or {file: zones.gpkg, code_field: code}
    land_cover: {path: lc_2024.tif, classes: gep_ecosystems}
    previous_land_cover: {path: lc_2020.tif, year: 2020}
    layers:
      precipitation: {path: precip.tif, unit: mm}
      evapotranspiration: {path: et.tif, unit: mm}
      rusle_r: {path: r.tif, unit: "MJ * mm / (hectare * hour * year)"}
      rusle_k: {path: k.tif, unit: "t * hectare * hour / (hectare * MJ * mm)"}
      dem: {path: dem.tif, unit: m}
    tables:                                   # by ecosystem code
      runoff_coefficient: {forest.broadleaf: 0.05, ...}
      rusle_c: {...}
      rusle_p: {...}
    carbon:
      pools: {forest.broadleaf: {above: 60, below: 12, soil: 90, dead: 5}, ...}
      unit: t / hectare
      valuation: {price_per_tC: 66, discount_pct: 7, rate_change_pct: 0}
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pint

from ..catalog import ecosystem_catalog
from ..errors import InputError, Problem
from ..units import parse_unit, ureg
from ..yamlio import load_yaml

#: raster parameters and the unit each is converted to before the formulas see it
PARAMETERS: dict[str, str] = {
    "precipitation": "mm",
    "evapotranspiration": "mm",
    "pet": "mm",
    "budyko_omega": "dimensionless",
    "runoff": "mm",
    "runoff_coefficient": "dimensionless",
    "rusle_r": "MJ * mm / (hectare * hour * year)",
    "rusle_k": "t * hectare * hour / (hectare * MJ * mm)",
    "rusle_ls": "dimensionless",
    "dem": "m",
    "rusle_c": "dimensionless",
    "rusle_p": "dimensionless",
    "hot_days": "day",
    "npp": "g / m ** 2",
    "heterotrophic_respiration": "g / m ** 2",
    "water_evaporation": "mm",
    "pan_evaporation": "mm",
}
#: parameters that may be given per ecosystem in ``tables`` instead of as a raster
TABLE_PARAMETERS = (
    "runoff_coefficient",
    "budyko_omega",
    "evapotranspiration",
    "rusle_c",
    "rusle_p",
    "rusle_k",
    "heterotrophic_respiration",
)
LS_METHODS = ("fixed", "flow")
ROUTINGS = ("mfd", "d8")
SEQUESTRATION = ("stock_difference", "nep")
#: largest DEM the flow-routed LS loads at once (it needs the whole array; peak ≈ 90 B per cell)
LS_MAX_PIXELS = 40_000_000
RESAMPLING = ("nearest", "bilinear", "cubic", "average", "mode")
CARBON_POOLS = ("above", "below", "soil", "dead")
#: divisions whose code changed; applied to boundary codes before anything else
CODE_CHANGES = {"610928": "610981"}  # 旬阳县 → 旬阳市 (2021)

_TOP = {
    "name",
    "year",
    "chunks",
    "resample",
    "nodata_policy",
    "coefficients",
    "zones",
    "land_cover",
    "previous_land_cover",
    "layers",
    "tables",
    "ls",
    "carbon",
    "sequestration",
    "evaporation",
}
_LAYER = {"path", "unit", "variable", "band", "nodata", "resample", "crs"}
_LC = {"path", "classes", "variable", "band", "nodata", "resample", "crs", "year"}
_ZONES = {
    "file",
    "layer",
    "code_field",
    "name_field",
    "cnmaps",
    "whole",
    "name",
    "code_map",
    "exact",
}


@dataclass(frozen=True)
class LayerSpec:
    """One raster input."""

    key: str  # config key, e.g. "layers.precipitation"
    name: str
    path: Path
    unit: str = "dimensionless"
    variable: str | None = None
    band: int = 1
    nodata: float | None = None
    resample: str | None = None  # None: refuse any mismatch
    crs: str | None = None


@dataclass(frozen=True)
class ZoneSpec:
    file: Path | None = None
    layer: str | None = None
    code_field: str = "code"
    name_field: str | None = None
    cnmaps: str | None = None
    whole: str | None = None
    name: str | None = None
    code_map: dict[str, str] = field(default_factory=dict)
    exact: bool = False  # exact area weighting of pixels that zone boundaries cross


@dataclass(frozen=True)
class GridConfig:
    path: Path
    name: str
    year: int
    zones: ZoneSpec
    land_cover: LayerSpec
    classes: str
    previous_land_cover: LayerSpec | None = None
    previous_year: int | None = None
    layers: dict[str, LayerSpec] = field(default_factory=dict)
    tables: dict[str, dict[str, float]] = field(default_factory=dict)
    slope_length: float = 30.0
    ls_method: str = "fixed"
    ls_routing: str = "mfd"
    ls_exponent: float = 1.1
    ls_l_max: float | None = None
    ls_max_pixels: int = LS_MAX_PIXELS
    sequestration: str | None = None
    pan_coefficient: float | None = None
    evaporation_divide_by_eer: bool = False
    carbon_pools: dict[str, dict[str, float]] | None = None
    carbon_unit: str = "t / hectare"
    valuation: dict[str, float] | None = None
    chunks: int = 1024
    nodata_policy: str = "skip"
    coefficients: str | None = None
    sha256: str = ""

    def has(self, name: str) -> bool:
        return name in self.layers or name in self.tables


def _num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _check_unit(unit: Any, target: str, file: str, key: str, problems: list[Problem]) -> str:
    if not isinstance(unit, str):
        problems.append(Problem(file, "unit must be a string", field=key))
        return target
    try:
        ureg.Quantity(1.0, parse_unit(unit)).to(parse_unit(target))
    except ValueError as exc:
        problems.append(Problem(file, str(exc), field=key))
    except pint.DimensionalityError:
        problems.append(Problem(file, f"unit {unit!r} cannot be converted to {target}", field=key))
    return unit


def _layer(
    raw: Any,
    key: str,
    name: str,
    base: Path,
    file: str,
    problems: list[Problem],
    allowed: set[str],
    target_unit: str | None,
    default_resample: str | None,
) -> LayerSpec | None:
    if not isinstance(raw, dict):
        problems.append(Problem(file, "must be a mapping with at least 'path'", field=key))
        return None
    for k in sorted(set(raw) - allowed):
        problems.append(Problem(file, f"unknown key '{k}'", field=f"{key}.{k}"))
    if "path" not in raw or not isinstance(raw["path"], str):
        problems.append(Problem(file, "missing 'path'", field=f"{key}.path"))
        return None
    path = Path(raw["path"])
    if not path.is_absolute():
        path = base / path
    if not path.exists():
        problems.append(Problem(file, f"file not found: {path}", field=f"{key}.path"))
    unit = "dimensionless"
    if target_unit is not None:
        if "unit" in raw:
            unit = _check_unit(raw["unit"], target_unit, file, f"{key}.unit", problems)
        elif not parse_unit(target_unit).dimensionless:
            problems.append(
                Problem(file, f"missing 'unit' (a unit of {target_unit})", f"{key}.unit")
            )
        else:
            unit = "dimensionless"
    resample = raw.get("resample", default_resample)
    if resample is True:
        resample = "nearest" if target_unit is None else "bilinear"
    if resample is False:
        resample = None
    if resample is not None and resample not in RESAMPLING:
        problems.append(
            Problem(file, f"resample must be one of {', '.join(RESAMPLING)}", f"{key}.resample")
        )
    if target_unit is None and resample not in (None, "nearest", "mode"):
        problems.append(
            Problem(
                file, "land cover is categorical: resample nearest or mode only", f"{key}.resample"
            )
        )
    band = raw.get("band", 1)
    if not isinstance(band, int) or band < 1:
        problems.append(Problem(file, "band must be a positive integer", field=f"{key}.band"))
        band = 1
    nodata = raw.get("nodata")
    if nodata is not None and not _num(nodata):
        problems.append(Problem(file, "nodata must be a number", field=f"{key}.nodata"))
        nodata = None
    variable = raw.get("variable")
    if variable is not None and not isinstance(variable, str):
        problems.append(Problem(file, "variable must be a string", field=f"{key}.variable"))
        variable = None
    crs = raw.get("crs")
    if crs is not None and not isinstance(crs, str):
        problems.append(Problem(file, "crs must be a string such as EPSG:4326", f"{key}.crs"))
        crs = None
    return LayerSpec(key, name, path, unit, variable, band, nodata, resample, crs)


def load_config(path: str | Path) -> GridConfig:
    """Read and validate a grid config; raise one :class:`InputError` listing every problem."""
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise InputError(Problem(file, "config file not found"))
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise InputError(Problem(file, "the config must be a YAML mapping"))
    base = path.parent
    problems: list[Problem] = []
    for k in sorted(set(raw) - _TOP):
        problems.append(Problem(file, f"unknown key '{k}'", field=k))

    year = raw.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        problems.append(Problem(file, "missing or non-integer 'year'", field="year"))
        year = 0
    chunks = raw.get("chunks", 1024)
    if not isinstance(chunks, int) or not 64 <= chunks <= 16384:
        problems.append(Problem(file, "chunks must be an integer in 64..16384", field="chunks"))
        chunks = 1024
    policy = raw.get("nodata_policy", "skip")
    if policy not in ("skip", "error"):
        problems.append(Problem(file, "nodata_policy must be skip or error", "nodata_policy"))
    default_resample = raw.get("resample", False)
    if not isinstance(default_resample, bool):
        problems.append(Problem(file, "resample must be true or false", field="resample"))
        default_resample = False
    global_resample = True if default_resample else None
    coefficients = raw.get("coefficients")
    if coefficients is not None and not isinstance(coefficients, str):
        problems.append(Problem(file, "coefficients must be a set name", field="coefficients"))

    # zones
    zraw = raw.get("zones")
    zones = ZoneSpec()
    if not isinstance(zraw, dict):
        problems.append(Problem(file, "missing 'zones' (file, cnmaps or whole)", field="zones"))
    else:
        for k in sorted(set(zraw) - _ZONES):
            problems.append(Problem(file, f"unknown key '{k}'", field=f"zones.{k}"))
        given = [k for k in ("file", "cnmaps", "whole") if k in zraw]
        if len(given) != 1:
            problems.append(
                Problem(file, "give exactly one of 'file', 'cnmaps', 'whole'", field="zones")
            )
        zfile = None
        if "file" in zraw:
            zfile = Path(str(zraw["file"]))
            if not zfile.is_absolute():
                zfile = base / zfile
            if not zfile.exists():
                problems.append(Problem(file, f"file not found: {zfile}", field="zones.file"))
        code_map = zraw.get("code_map", {}) or {}
        if not isinstance(code_map, dict):
            problems.append(
                Problem(file, "code_map must map old code → new code", "zones.code_map")
            )
            code_map = {}
        cn = zraw.get("cnmaps")
        if cn is not None and not (isinstance(cn, str | int) and str(cn).isdigit()):
            problems.append(Problem(file, "cnmaps must be a division code", field="zones.cnmaps"))
        whole = zraw.get("whole")
        exact = zraw.get("exact", False)
        if not isinstance(exact, bool):
            problems.append(Problem(file, "exact must be true or false", field="zones.exact"))
            exact = False
        zones = ZoneSpec(
            file=zfile,
            layer=zraw.get("layer"),
            code_field=str(zraw.get("code_field", "code")),
            name_field=zraw.get("name_field"),
            cnmaps=str(cn) if cn is not None else None,
            whole=str(whole) if whole is not None else None,
            name=zraw.get("name"),
            code_map={**CODE_CHANGES, **{str(k): str(v) for k, v in code_map.items()}},
            exact=exact,
        )

    # land cover
    classes = "gep_ecosystems"
    lc = None
    lraw = raw.get("land_cover")
    if lraw is None:
        problems.append(Problem(file, "missing 'land_cover'", field="land_cover"))
    else:
        lc = _layer(
            lraw,
            "land_cover",
            "land_cover",
            base,
            file,
            problems,
            _LC - {"year"},
            None,
            global_resample,
        )
        if isinstance(lraw, dict):
            classes = lraw.get("classes")
            if not isinstance(classes, str):
                problems.append(
                    Problem(file, "missing 'classes' (table name or file)", "land_cover.classes")
                )
                classes = "gep_ecosystems"
            elif classes.endswith((".yaml", ".yml")) and not Path(classes).is_absolute():
                classes = str(base / classes)
    prev = None
    prev_year = None
    praw = raw.get("previous_land_cover")
    if praw is not None:
        prev = _layer(
            praw,
            "previous_land_cover",
            "previous_land_cover",
            base,
            file,
            problems,
            _LC - {"classes"},
            None,
            global_resample,
        )
        prev_year = praw.get("year") if isinstance(praw, dict) else None
        if not isinstance(prev_year, int) or prev_year >= year:
            problems.append(
                Problem(file, "year must be an integer before 'year'", "previous_land_cover.year")
            )

    # layers
    layers: dict[str, LayerSpec] = {}
    lay = raw.get("layers", {}) or {}
    if not isinstance(lay, dict):
        problems.append(Problem(file, "layers must be a mapping", field="layers"))
        lay = {}
    for name, spec in lay.items():
        if name not in PARAMETERS:
            problems.append(
                Problem(
                    file,
                    f"unknown layer '{name}' (known: {', '.join(PARAMETERS)})",
                    field=f"layers.{name}",
                )
            )
            continue
        ls_ = _layer(
            spec,
            f"layers.{name}",
            name,
            base,
            file,
            problems,
            _LAYER,
            PARAMETERS[name],
            global_resample,
        )
        if ls_ is not None:
            layers[name] = ls_

    # tables by ecosystem
    tables: dict[str, dict[str, float]] = {}
    catalog = ecosystem_catalog()
    traw = raw.get("tables", {}) or {}
    if not isinstance(traw, dict):
        problems.append(Problem(file, "tables must be a mapping", field="tables"))
        traw = {}
    for name, table in traw.items():
        key = f"tables.{name}"
        if name not in TABLE_PARAMETERS:
            problems.append(
                Problem(file, f"unknown table '{name}' (known: {', '.join(TABLE_PARAMETERS)})", key)
            )
            continue
        if name in layers:
            problems.append(Problem(file, f"'{name}' is given both as a layer and a table", key))
        if not isinstance(table, dict):
            problems.append(Problem(file, "must map ecosystem code → number", field=key))
            continue
        clean = {}
        for eco, v in table.items():
            if eco not in catalog:
                problems.append(Problem(file, f"unknown ecosystem '{eco}'", field=f"{key}.{eco}"))
            elif not _num(v) or v < 0:
                problems.append(Problem(file, "must be a non-negative number", f"{key}.{eco}"))
            else:
                clean[eco] = float(v)
        tables[name] = clean

    lsraw = raw.get("ls", {}) or {}
    slope_length = 30.0
    ls_method, ls_routing, ls_exponent, ls_l_max, ls_max = "fixed", "mfd", 1.1, None, LS_MAX_PIXELS
    if not isinstance(lsraw, dict):
        problems.append(Problem(file, "ls must be a mapping", field="ls"))
    else:
        known = {"slope_length", "method", "routing", "exponent", "l_max", "max_pixels"}
        for k in sorted(set(lsraw) - known):
            problems.append(Problem(file, f"unknown key '{k}'", field=f"ls.{k}"))
        slope_length = lsraw.get("slope_length", 30.0)
        if not _num(slope_length) or slope_length <= 0:
            problems.append(
                Problem(file, "slope_length must be a positive number [m]", "ls.slope_length")
            )
            slope_length = 30.0
        ls_method = lsraw.get("method", "fixed")
        if ls_method not in LS_METHODS:
            problems.append(
                Problem(file, f"method must be one of {', '.join(LS_METHODS)}", "ls.method")
            )
            ls_method = "fixed"
        ls_routing = lsraw.get("routing", "mfd")
        if ls_routing not in ROUTINGS:
            problems.append(
                Problem(file, f"routing must be one of {', '.join(ROUTINGS)}", "ls.routing")
            )
            ls_routing = "mfd"
        ls_exponent = lsraw.get("exponent", 1.1)
        if not _num(ls_exponent) or not 0 < ls_exponent <= 10:
            problems.append(Problem(file, "exponent must be a number in (0, 10]", "ls.exponent"))
            ls_exponent = 1.1
        ls_l_max = lsraw.get("l_max")
        if ls_l_max is not None and (not _num(ls_l_max) or ls_l_max <= 0):
            problems.append(Problem(file, "l_max must be a positive number [m]", "ls.l_max"))
            ls_l_max = None
        ls_max = lsraw.get("max_pixels", LS_MAX_PIXELS)
        if not isinstance(ls_max, int) or isinstance(ls_max, bool) or not 1 <= ls_max <= 10**9:
            problems.append(Problem(file, "max_pixels must be an integer ≥ 1", "ls.max_pixels"))
            ls_max = LS_MAX_PIXELS
        if ls_method == "fixed":
            for k in sorted(set(lsraw) & {"routing", "exponent", "l_max", "max_pixels"}):
                problems.append(Problem(file, "only with method: flow", field=f"ls.{k}"))
        elif "slope_length" in lsraw:
            problems.append(
                Problem(file, "flow-routed LS has no fixed slope length", "ls.slope_length")
            )

    sequestration = raw.get("sequestration")
    if sequestration is not None and sequestration not in SEQUESTRATION:
        problems.append(
            Problem(
                file, f"sequestration must be one of {', '.join(SEQUESTRATION)}", "sequestration"
            )
        )
        sequestration = None
    eraw = raw.get("evaporation", {}) or {}
    pan_coefficient = None
    divide_by_eer = False
    if not isinstance(eraw, dict):
        problems.append(Problem(file, "evaporation must be a mapping", field="evaporation"))
    else:
        for k in sorted(set(eraw) - {"pan_coefficient", "divide_by_eer"}):
            problems.append(Problem(file, f"unknown key '{k}'", field=f"evaporation.{k}"))
        pan_coefficient = eraw.get("pan_coefficient")
        if pan_coefficient is not None and (
            not _num(pan_coefficient) or not 0 < pan_coefficient <= 1.5
        ):
            problems.append(
                Problem(
                    file,
                    "pan_coefficient must be a number in (0, 1.5]",
                    field="evaporation.pan_coefficient",
                )
            )
            pan_coefficient = None
        divide_by_eer = eraw.get("divide_by_eer", False)
        if not isinstance(divide_by_eer, bool):
            problems.append(
                Problem(file, "divide_by_eer must be true or false", "evaporation.divide_by_eer")
            )
            divide_by_eer = False

    # carbon
    pools = None
    carbon_unit = "t / hectare"
    valuation = None
    craw = raw.get("carbon")
    if craw is not None:
        if not isinstance(craw, dict):
            problems.append(Problem(file, "carbon must be a mapping", field="carbon"))
        else:
            for k in sorted(set(craw) - {"pools", "unit", "valuation"}):
                problems.append(Problem(file, f"unknown key '{k}'", field=f"carbon.{k}"))
            carbon_unit = _check_unit(
                craw.get("unit", "t / hectare"), "t / hectare", file, "carbon.unit", problems
            )
            pools = {}
            praw_ = craw.get("pools")
            if not isinstance(praw_, dict) or not praw_:
                problems.append(Problem(file, "missing 'pools' by ecosystem", field="carbon.pools"))
                praw_ = {}
            for eco, row in praw_.items():
                key = f"carbon.pools.{eco}"
                if eco not in catalog:
                    problems.append(Problem(file, f"unknown ecosystem '{eco}'", field=key))
                    continue
                if not isinstance(row, dict):
                    problems.append(Problem(file, f"must map {CARBON_POOLS} → number", key))
                    continue
                for k in sorted(set(row) - set(CARBON_POOLS)):
                    problems.append(Problem(file, f"unknown pool '{k}'", field=f"{key}.{k}"))
                vals = {}
                for pool in CARBON_POOLS:
                    v = row.get(pool, 0.0)
                    if not _num(v) or v < 0:
                        problems.append(
                            Problem(file, "must be a non-negative number", f"{key}.{pool}")
                        )
                    else:
                        vals[pool] = float(v)
                pools[eco] = vals
            vraw = craw.get("valuation")
            if vraw is not None:
                need = ("price_per_tC", "discount_pct", "rate_change_pct")
                if not isinstance(vraw, dict):
                    problems.append(
                        Problem(file, "valuation must be a mapping", "carbon.valuation")
                    )
                else:
                    for k in sorted(set(vraw) - set(need)):
                        problems.append(
                            Problem(file, f"unknown key '{k}'", f"carbon.valuation.{k}")
                        )
                    for k in need:
                        if not _num(vraw.get(k)):
                            problems.append(
                                Problem(file, "missing or not a number", f"carbon.valuation.{k}")
                            )
                    valuation = {k: float(vraw[k]) for k in need if _num(vraw.get(k))}
                if prev is None:
                    problems.append(
                        Problem(file, "valuation needs 'previous_land_cover'", "carbon.valuation")
                    )

    if problems:
        raise InputError(problems)
    assert lc is not None
    return GridConfig(
        path=path,
        name=str(raw.get("name", path.stem)),
        year=int(year),
        zones=zones,
        land_cover=lc,
        classes=classes,
        previous_land_cover=prev,
        previous_year=prev_year,
        layers=layers,
        tables=tables,
        slope_length=float(slope_length),
        ls_method=str(ls_method),
        ls_routing=str(ls_routing),
        ls_exponent=float(ls_exponent),
        ls_l_max=None if ls_l_max is None else float(ls_l_max),
        ls_max_pixels=int(ls_max),
        sequestration=sequestration,
        pan_coefficient=None if pan_coefficient is None else float(pan_coefficient),
        evaporation_divide_by_eer=bool(divide_by_eer),
        carbon_pools=pools,
        carbon_unit=carbon_unit,
        valuation=valuation,
        chunks=int(chunks),
        nodata_policy=str(policy),
        coefficients=coefficients,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
    )
