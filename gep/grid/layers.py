"""Opening raster layers lazily (rioxarray + dask) and checking they share one grid.

GeoTIFF (and anything else GDAL reads) goes through ``rioxarray.open_rasterio``; NetCDF
(``.nc``) and Zarr (``.zarr``) through xarray with a ``variable``. Every layer must have the land
cover's CRS, pixel size, origin and shape; a mismatch is an error unless the layer (or the
config) says ``resample``, and then the layer is reprojected onto the land-cover grid with the
named method (in memory: resampling is a convenience for small layers, not the fast path).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import xarray as xr

from ..catalog import ecosystem_catalog
from ..errors import InputError, Problem
from ..yamlio import load_yaml
from .config import LayerSpec

DATA = Path(__file__).with_name("data")


# ----------------------------------------------------------------------- class tables
@dataclass(frozen=True)
class ClassTable:
    """Land-cover code → ecosystem mapping (one of ``gep/grid/data/*.yaml`` or a user file)."""

    scheme: str
    source: str
    nodata: int | None
    mapping: dict[int, str]
    names: dict[int, str]

    def lut(self, ecosystems: list[str], size: int) -> np.ndarray:
        """Array ``lut[code] = ecosystem index`` (-1: unmapped) for codes 0..size-1."""
        out = np.full(size, -1, dtype=np.int16)
        index = {e: i for i, e in enumerate(ecosystems)}
        for code, eco in self.mapping.items():
            if 0 <= code < size:
                out[code] = index[eco]
        return out


def builtin_tables() -> list[str]:
    return sorted(p.stem for p in DATA.glob("*.yaml"))


@lru_cache(maxsize=32)
def load_classes(name_or_path: str) -> ClassTable:
    """A class table by built-in name (``clcd``, ``sandiao``, ``esa_worldcover``,
    ``gep_ecosystems``) or YAML path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = DATA / f"{name_or_path}.yaml"
        if not path.exists():
            raise InputError(
                Problem(
                    "land_cover.classes",
                    f"unknown class table '{name_or_path}' (built in: "
                    f"{', '.join(builtin_tables())})",
                    field="land_cover.classes",
                )
            )
    if not path.exists():
        raise InputError(Problem(str(path), "class table not found", field="land_cover.classes"))
    raw = load_yaml(path)
    file = str(path)
    problems = []
    if not isinstance(raw, dict) or not isinstance(raw.get("classes"), dict):
        raise InputError(Problem(file, "needs a 'classes' mapping code → {ecosystem}", "classes"))
    for k in sorted(set(raw) - {"scheme", "zh", "en", "source", "nodata", "note", "classes"}):
        problems.append(Problem(file, f"unknown key '{k}'", field=k))
    if not raw.get("source"):
        problems.append(Problem(file, "every class table names its source", field="source"))
    catalog = ecosystem_catalog()
    mapping, names = {}, {}
    for code, row in raw["classes"].items():
        key = f"classes.{code}"
        if not isinstance(code, int) or isinstance(code, bool):
            problems.append(Problem(file, "class codes must be integers", field=key))
            continue
        if not isinstance(row, dict) or row.get("ecosystem") not in catalog:
            problems.append(Problem(file, "needs an 'ecosystem' of gep/ecosystems.yaml", key))
            continue
        for k in sorted(set(row) - {"name", "ecosystem", "note"}):
            problems.append(Problem(file, f"unknown key '{k}'", field=f"{key}.{k}"))
        mapping[code] = row["ecosystem"]
        names[code] = str(row.get("name", code))
    nodata = raw.get("nodata")
    if nodata is not None and not isinstance(nodata, int):
        problems.append(Problem(file, "nodata must be an integer", field="nodata"))
    if problems:
        raise InputError(problems)
    return ClassTable(str(raw.get("scheme", path.stem)), str(raw["source"]), nodata, mapping, names)


# ----------------------------------------------------------------------- rasters
def file_hash(path: Path) -> str:
    """sha256 of a file, or of every file of a directory store (Zarr) in path order."""
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        with open(f, "rb") as fh:
            while chunk := fh.read(1 << 22):
                h.update(chunk)
    return h.hexdigest()


def _bad(spec: LayerSpec, config: str, message: str, key: str | None = None) -> InputError:
    return InputError(
        Problem(config, f"{spec.path.name}: {message}", field=key or f"{spec.key}.path")
    )


def open_layer(spec: LayerSpec, chunks: int, config: str) -> xr.DataArray:
    """The layer as a lazy 2-D ``(y, x)`` DataArray with a CRS; raises :class:`InputError`."""
    import rioxarray  # noqa: F401  (registers the .rio accessor)

    suffix = spec.path.suffix.lower()
    try:
        if suffix in (".nc", ".nc4", ".zarr"):
            if suffix == ".zarr":
                ds = xr.open_zarr(spec.path, chunks={}, decode_coords="all")
            else:
                ds = xr.open_dataset(spec.path, chunks={}, decode_coords="all")
            names = list(ds.data_vars)
            var = spec.variable or (names[0] if len(names) == 1 else None)
            if var is None or var not in ds:
                raise _bad(
                    spec,
                    config,
                    f"say which variable to read (variables: {', '.join(names)})",
                    f"{spec.key}.variable",
                )
            da = ds[var]
            rename = {
                d: n
                for d, n in (("lat", "y"), ("lon", "x"), ("latitude", "y"), ("longitude", "x"))
                if d in da.dims
            }
            da = da.rename(rename)
            extra = [d for d in da.dims if d not in ("y", "x")]
            for d in extra:
                if da.sizes[d] != 1:
                    raise _bad(spec, config, f"dimension '{d}' has {da.sizes[d]} steps; select one")
                da = da.isel({d: 0}, drop=True)
            if da.rio.crs is None and spec.crs is None:
                raise _bad(
                    spec,
                    config,
                    "no CRS in the file; give 'crs' (e.g. EPSG:4326)",
                    f"{spec.key}.crs",
                )
            da = da.rio.set_spatial_dims(x_dim="x", y_dim="y")
            if spec.crs is not None:
                da = da.rio.write_crs(spec.crs)
            if da.y.size > 1 and float(da.y[1]) > float(da.y[0]):
                da = da.isel(y=slice(None, None, -1))  # north-up
            da = da.chunk({"y": chunks, "x": chunks})
        else:
            if spec.variable is not None:
                raise _bad(spec, config, "'variable' is for NetCDF/Zarr", f"{spec.key}.variable")
            da = rioxarray.open_rasterio(
                spec.path, chunks={"band": 1, "y": chunks, "x": chunks}, lock=False
            )
            if spec.band > da.sizes["band"]:
                raise _bad(spec, config, f"has {da.sizes['band']} band(s)", f"{spec.key}.band")
            da = da.isel(band=spec.band - 1, drop=True)
            if spec.crs is not None:
                da = da.rio.write_crs(spec.crs)
            if da.rio.crs is None:
                raise _bad(spec, config, "no CRS in the file; give 'crs'", f"{spec.key}.crs")
    except InputError:
        raise
    except Exception as exc:  # rasterio / netCDF / zarr errors: unreadable input
        raise _bad(
            spec, config, f"cannot be read as a raster ({type(exc).__name__}: {exc})"
        ) from None
    return da


def nodata_of(da: xr.DataArray, spec: LayerSpec, default=None):
    if spec.nodata is not None:
        return spec.nodata
    for v in (da.rio.nodata, da.rio.encoded_nodata, da.attrs.get("_FillValue")):
        if v is not None and not (isinstance(v, float) and np.isnan(v)):
            return v
    return default


def _grid_text(da: xr.DataArray) -> str:
    t = da.rio.transform()
    return (
        f"{da.rio.crs}, pixel {abs(t.a):g} × {abs(t.e):g}, origin ({t.c:g}, {t.f:g}), "
        f"{da.sizes['y']} × {da.sizes['x']}"
    )


def align(da: xr.DataArray, ref: xr.DataArray, spec: LayerSpec, config: str) -> xr.DataArray:
    """``da`` on ``ref``'s grid: unchanged when they match, resampled only if the spec asks."""
    same_crs = da.rio.crs == ref.rio.crs
    t, r = da.rio.transform(), ref.rio.transform()
    tol = 1e-6 * max(abs(r.a), abs(r.e))
    same_grid = (
        same_crs
        and da.shape == ref.shape
        and all(abs(a - b) <= tol for a, b in zip(tuple(t)[:6], tuple(r)[:6], strict=True))
    )
    if same_grid:
        return da
    if spec.resample is None:
        what = (
            "CRS"
            if not same_crs
            else (
                "resolution" if (abs(t.a - r.a) > tol or abs(t.e - r.e) > tol) else "extent/origin"
            )
        )
        raise InputError(
            Problem(
                config,
                f"{spec.path.name}: {what} differs from the land cover — layer grid "
                f"[{_grid_text(da)}] vs land cover [{_grid_text(ref)}]; set "
                f"'resample: <method>' on the layer to reproject it onto the land-cover grid",
                field=f"{spec.key}.resample",
            )
        )
    from rasterio.enums import Resampling

    nd = nodata_of(da, spec)
    src = da.astype("float64")
    if nd is not None:
        src = src.where(src != nd)
    src = src.rio.write_nodata(np.nan, encoded=False)
    out = src.compute().rio.reproject_match(ref, resampling=Resampling[spec.resample])
    return out.assign_coords(x=ref.x, y=ref.y).chunk(dict(zip(ref.dims, ref.chunks, strict=True)))
