"""County forest carbon stock and sink from a forest inventory (region × year × species).

The inventory is an :class:`xarray.Dataset` whose variables are named like the inventory items
(``gep/items.yaml``): ``forest.area`` [ha], ``forest.stock`` [m³] and, for the gain–loss method,
``forest.increment``, ``forest.harvest``, ``forest.fuelwood`` [m³ yr⁻¹] and
``forest.disturbance_area`` [ha yr⁻¹], each over ``region, year, species``. Species parameters
come as an :class:`xarray.Dataset` over ``species`` (:func:`gep.carbon.params.species_parameters`).
Everything is vectorized with xarray — no Python loop over regions, years or species — so
extra dimensions (``scenario``, ``draw``) and dask-backed arrays pass straight through.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..errors import InputError, Problem
from . import biomass as bm
from . import ipcc
from ._units import magnitude
from .params import (
    BIOMASS_METHODS,
    PARAMETERS,
    SINK_METHODS,
    check_choice,
    check_parameters,
    required_parameters,
)

_CANONICAL = {
    "forest.area": "hectare",
    "forest.stock": "m ** 3",
    "forest.increment": "m ** 3",
    "forest.harvest": "m ** 3",
    "forest.fuelwood": "m ** 3",
    "forest.disturbance_area": "hectare",
}
_LOSS_ITEMS = ("forest.harvest", "forest.fuelwood", "forest.disturbance_area")


def _item(data: xr.Dataset, name: str) -> xr.DataArray:
    """One inventory variable in its canonical unit (converted from ``attrs['units']``)."""
    arr = data[name]
    unit = arr.attrs.get("units")
    if unit is not None:
        # inventory units are per year for flows ("m ** 3" is what the loader writes)
        arr = magnitude(arr, _CANONICAL[name], name)
    return arr


def _require_items(data: xr.Dataset, names) -> None:
    missing = [n for n in names if n not in data]
    if missing:
        raise InputError(
            [
                Problem(
                    "<inventory>", f"inventory item '{n}' is needed but not in the data", field=n
                )
                for n in missing
            ]
        )
    if "species" not in data.dims:
        raise InputError(
            Problem("<inventory>", "forest inventory needs a 'species' dimension", field="species")
        )


def _species(data: xr.Dataset) -> list[str]:
    return [str(s) for s in data["species"].values]


def _parameter_sources(params: xr.Dataset, names) -> str:
    return ", ".join(
        params[n].attrs.get("coefficient_id", PARAMETERS[n].coefficient_id) for n in names
    )


def _pools(biomass: str, dead_wood: bool, litter: bool) -> str:
    pools = ["above-ground biomass", "below-ground biomass"]
    if dead_wood:
        pools.append("dead wood")
    if litter:
        pools.append("litter")
    return ", ".join(pools)


def county_stock(
    data: xr.Dataset,
    params: xr.Dataset,
    biomass: str = "bef",
    *,
    dead_wood: bool = False,
    litter: bool = False,
) -> xr.DataArray:
    r"""Forest carbon stock per region, year and species.

    Parameters
    ----------
    data : xarray.Dataset
        Inventory with ``forest.stock`` [m³] (and ``forest.area`` [ha] for ``biomass='fang'``)
        over ``region, year, species``.
    params : xarray.Dataset
        Species parameters (see :func:`gep.carbon.params.required_parameters`).
    biomass : {'bef', 'bcef', 'fang'}
        Volume → biomass route: ``V·WD·BEF·(1+R)``, ``V·BCEF_S·(1+R)`` or ``a·V + b·A``.
    dead_wood, litter : bool
        Add the dead-wood / litter pools as fractions of above-ground tree carbon.

    Returns
    -------
    xarray.DataArray
        Carbon stock [t C], same dims as ``forest.stock``; ``attrs`` name the biomass route and
        pools.

    Notes
    -----
    .. math::

        C = B \cdot CF + C_{AG} \cdot (DF_{DW} + DF_{LI}), \qquad
        C_{AG} = \frac{B}{1 + R} \cdot CF

    with B from :func:`~gep.carbon.biomass.biomass_bef`, :func:`~gep.carbon.biomass.biomass_bcef`
    or :func:`~gep.carbon.biomass.biomass_fang`.
    """
    check_choice("biomass", biomass, BIOMASS_METHODS)
    items = ["forest.stock"] + (["forest.area"] if biomass == "fang" else [])
    _require_items(data, items)
    names = required_parameters("stock-difference", biomass, dead_wood=dead_wood, litter=litter)
    p = check_parameters(params, _species(data), names)
    volume = _item(data, "forest.stock")
    if biomass == "bef":
        total = bm.biomass_bef(volume, p["wood_density"], p["bef"], p["root_shoot_ratio"])
    elif biomass == "bcef":
        total = bm.biomass_bcef(volume, p["bcef_s"], p["root_shoot_ratio"])
    else:
        total = bm.biomass_fang(volume, _item(data, "forest.area"), p["fang_a"], p["fang_b"])
    carbon = bm.carbon_stock(total, p["carbon_fraction"])
    if dead_wood or litter:
        above = carbon / (1 + p["root_shoot_ratio"])
        carbon = carbon + bm.dead_organic_matter(
            above,
            p["dead_wood_fraction"] if dead_wood else 0.0,
            p["litter_fraction"] if litter else 0.0,
        )
    carbon = carbon.transpose(*volume.dims, ...)
    carbon.name = "carbon_stock"
    carbon.attrs = {
        "units": "t",
        "long_name": "forest carbon stock (elemental carbon)",
        "biomass": biomass,
        "pools": _pools(biomass, dead_wood, litter),
        "coefficients": _parameter_sources(p, names),
    }
    return carbon


def _change_rate(values: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Annual change since the previous valid value along the last axis (NaN where none).

    For each position t, the previous inventory is the latest earlier year whose value is not
    NaN, so regions inventoried in different years each use their own interval.
    """
    n = values.shape[-1]
    valid = ~np.isnan(values)
    idx = np.where(valid, np.arange(n), -1)
    last = np.maximum.accumulate(idx, axis=-1)  # latest valid index <= t
    prev = np.concatenate([np.full(values.shape[:-1] + (1,), -1), last[..., :-1]], axis=-1)
    has_prev = (prev >= 0) & valid
    prev_safe = np.clip(prev, 0, None)
    prev_values = np.take_along_axis(values, prev_safe, axis=-1)
    years = np.asarray(years, dtype=float)
    interval = years - years[prev_safe]
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = ipcc.stock_difference(prev_values, values, 0.0, interval)
    return np.where(has_prev, rate, np.nan)


def _stock_difference(carbon: xr.DataArray) -> xr.DataArray:
    years = carbon["year"].values
    if np.any(np.diff(years) <= 0):
        carbon = carbon.sortby("year")
        years = carbon["year"].values
    return xr.apply_ufunc(
        _change_rate,
        carbon,
        kwargs={"years": years},
        input_core_dims=[["year"]],
        output_core_dims=[["year"]],
        dask="parallelized",
        output_dtypes=[float],
    ).transpose(*carbon.dims, ...)


def _zero_if_absent(data: xr.Dataset, name: str, like: xr.DataArray) -> xr.DataArray:
    if name in data:
        return _item(data, name)
    return xr.zeros_like(like)


def county_sink(
    data: xr.Dataset,
    params: xr.Dataset,
    method: str = "stock-difference",
    biomass: str = "bef",
    *,
    dead_wood: bool = False,
    litter: bool = False,
    disturbance_fraction: float = 1.0,
    by_species: bool = True,
    exclude_species=(),
) -> xr.DataArray:
    r"""Annual forest carbon sink (CO₂ removals) per region, year and species.

    Parameters
    ----------
    data : xarray.Dataset
        Forest inventory over ``region, year, species``: ``forest.area`` [ha] and
        ``forest.stock`` [m³]; for ``method='gain-loss'`` also ``forest.increment``
        [m³ yr⁻¹] and optionally ``forest.harvest``, ``forest.fuelwood`` [m³ yr⁻¹] and
        ``forest.disturbance_area`` [ha yr⁻¹]. Variables carrying ``attrs['units']`` are
        converted to these units.
    params : xarray.Dataset
        Species parameters over ``species``; which ones are needed:
        :func:`gep.carbon.params.required_parameters`.
    method : {'stock-difference', 'gain-loss'}
        IPCC 2006 Vol. 4 Ch. 2 Eq. 2.8 or Eqs. 2.7, 2.9–2.14.
    biomass : {'bef', 'bcef', 'fang'}
        Volume → biomass route (see :func:`county_stock`). For gain–loss: ``'bef'`` converts
        increment and removals with ``WD·BEF·(1+R)``; ``'bcef'`` with ``BCEF_I`` / ``BCEF_R``
        and ``(1+R)``; ``'fang'`` with the slope ``a`` (the marginal biomass per m³ of
        :math:`B = aV + bA` at constant area, roots included).
    dead_wood, litter : bool
        Include the dead-wood / litter pools (stock-difference only; IPCC Tier 1 takes
        dead-organic-matter change as zero in the gain–loss method).
    disturbance_fraction : float, default 1
        Fraction of biomass lost on disturbed area, fd [-] (Eq. 2.14; 1 = stand-replacing).
    by_species : bool, default True
        Keep the ``species`` dimension; ``False`` sums over species (NaN if any is NaN).
    exclude_species : sequence of str, default ()
        Species groups left out of the volume-based sink, e.g. ``["bamboo"]``, which has no
        B–V model; listed in ``attrs['excluded_species']``. Nothing is excluded silently: a
        species in the data without parameters is an error.

    Returns
    -------
    xarray.DataArray
        Removals [t CO₂e yr⁻¹] (positive = sink), dims ``region, year[, species]``. ``attrs``:
        ``units='tCO2e / year'``, ``method``, ``biomass``, ``pools``, ``coefficients``; for
        stock-difference the first inventory year is NaN with ``attrs['reason']`` =
        ``'no earlier inventory'``.

    Notes
    -----
    Stock-difference, for inventory years :math:`t_1 < t_2` of each region and species:

    .. math:: R_{t_2} = \frac{C_{t_2} - C_{t_1}}{t_2 - t_1} \cdot \frac{44}{12}

    Gain–loss:

    .. math::

        R = [I \cdot c_I (1 + R_s) - H \cdot c_R (1 + R_s) - FG \cdot c_R (1 + R_s)
             - A_d \cdot \frac{B_W}{A} \cdot (1 + R_s) \cdot fd] \cdot CF \cdot \frac{44}{12}

    where :math:`c_I, c_R` are the increment / removal conversions of the biomass route and
    :math:`B_W/A` the stratum's mean above-ground biomass density. Loss items absent from
    the inventory count as zero and are listed in ``attrs['losses_not_in_inventory']``.

    References
    ----------
    .. [1] IPCC 2006 Guidelines, Vol. 4 Ch. 2, Eqs. 2.7–2.14.
    """
    check_choice("method", method, SINK_METHODS)
    check_choice("biomass", biomass, BIOMASS_METHODS)
    attrs: dict = {
        "units": "tCO2e / year",
        "method": method,
        "biomass": biomass,
        "sign": "positive = removal from the atmosphere (sink)",
    }
    excluded = list(dict.fromkeys(str(s) for s in exclude_species))
    if excluded:
        if "species" in data.dims:
            data = data.drop_sel(species=[s for s in excluded if s in data["species"].values])
        attrs["excluded_species"] = ", ".join(excluded)
    if method == "stock-difference":
        carbon = county_stock(data, params, biomass, dead_wood=dead_wood, litter=litter)
        removal = bm.co2e_from_carbon(_stock_difference(carbon))
        attrs.update(
            pools=carbon.attrs["pools"],
            coefficients=carbon.attrs["coefficients"],
            reason="no earlier inventory",
            reason_detail=f"NaN in {int(carbon['year'].min())} (first inventory year) and wherever "
            "a region/species has no earlier inventory value",
        )
    else:
        if dead_wood or litter:
            raise InputError(
                Problem(
                    "<options>",
                    "dead wood and litter pools are available with the "
                    "stock-difference method only",
                    field="method",
                )
            )
        _require_items(data, ["forest.increment"])
        increment = _item(data, "forest.increment")
        absent = [n for n in _LOSS_ITEMS if n not in data]
        disturbed = _zero_if_absent(data, "forest.disturbance_area", increment)
        has_disturbance = "forest.disturbance_area" in data
        if has_disturbance:
            _require_items(data, ["forest.area", "forest.stock"])
        names = required_parameters("gain-loss", biomass, disturbance=has_disturbance)
        p = check_parameters(params, _species(data), names)
        cf = p["carbon_fraction"]
        if biomass == "bef":
            conv_i = conv_r = p["wood_density"] * p["bef"]
            root = p["root_shoot_ratio"]
        elif biomass == "bcef":
            conv_i, conv_r, root = p["bcef_i"], p["bcef_r"], p["root_shoot_ratio"]
        else:
            conv_i = conv_r = p["fang_a"]
            root = 0.0
        gain = ipcc.gain_increment(increment, conv_i, root, cf)
        loss = ipcc.loss_wood_removals(
            _zero_if_absent(data, "forest.harvest", increment), conv_r, root, cf
        )
        loss = loss + ipcc.loss_fuelwood(
            _zero_if_absent(data, "forest.fuelwood", increment), conv_r, root, cf
        )
        if has_disturbance:
            area = _item(data, "forest.area")
            density = (_item(data, "forest.stock") / area).where(area > 0)
            if biomass == "bef":
                b_w = density * p["wood_density"] * p["bef"]
            elif biomass == "bcef":
                b_w = density * p["bcef_s"]
            else:
                b_w = p["fang_a"] * density + p["fang_b"]
            dist = ipcc.loss_disturbance(disturbed, b_w, root, cf, disturbance_fraction)
            loss = loss + xr.where(disturbed == 0, 0.0, dist)
        removal = bm.co2e_from_carbon(ipcc.gain_loss(gain, loss)).transpose(*increment.dims, ...)
        attrs.update(
            pools="above-ground biomass, below-ground biomass",
            coefficients=_parameter_sources(p, names),
            disturbance_fraction=float(disturbance_fraction),
        )
        if absent:
            attrs["losses_not_in_inventory"] = ", ".join(absent)
    if not by_species:
        removal = removal.sum("species", skipna=False)
    removal.name = "removals"
    attrs["long_name"] = "forest carbon sink (CO2 removals)"
    removal.attrs = attrs
    return removal


def county_pricing(
    sink: xr.DataArray,
    forest_area: xr.DataArray,
    year: int,
    prices: dict[str, float],
) -> xr.Dataset:
    r"""County carbon-sink pricing: the sink, the share creditable as afforestation, its value.

    Parameters
    ----------
    sink : xarray.DataArray
        Forest removals [t CO₂e yr⁻¹] over ``region, year, species``
        (:func:`county_sink` with ``by_species=True``).
    forest_area : xarray.DataArray
        Forest area [ha] over ``region, year, species`` (inventory item ``forest.area``).
    year : int
        Year priced.
    prices : dict
        ``{scenario: price}`` [CNY t CO₂e⁻¹].

    Returns
    -------
    xarray.Dataset
        Over ``region`` (``scenario`` for values): ``sink`` [t CO₂e yr⁻¹], ``forest_area``
        and ``new_area`` [ha], ``sink_afforestation`` and ``sink_existing``
        [t CO₂e yr⁻¹], ``creditable_share`` [-], ``value_creditable`` and ``value_total``
        [CNY yr⁻¹] over ``scenario``.

    Notes
    -----
    Only afforestation has a methodology in the new CCER system (CCER-14-001-V01); no
    forest-management methodology was found (the NDRC-era AR-CM-003-V01 is not in it), so
    removals of existing forest are counted as not creditable. New forest area since the first
    inventory year, :math:`A^{new}_{r,s} = \sum_{y \le Y} \max(A_{r,s,y} - A_{r,s,y-1}, 0)`,
    is taken as afforestation, and its share of each species' sink is area-proportional:

    .. math::

        S^{aff}_r = \sum_s S_{r,s,Y} \, \frac{A^{new}_{r,s}}{A_{r,s,Y}}, \qquad
        V_{r,k} = S^{aff}_r \, P_k

    Area-proportional shares overstate young stands' removals (they grow slowly at first) and
    ignore whether the new land meets the eligibility conditions; the figure is a ceiling for
    screening, not a creditable volume.
    """
    years = [int(y) for y in forest_area["year"].values]
    if int(year) not in years:
        raise InputError(
            Problem(
                "<input>",
                f"year {year} is not in the forest inventory ({', '.join(map(str, years))})",
                field="year",
            )
        )
    species = [str(s) for s in sink["species"].values]
    area = forest_area.sel(species=species, year=[y for y in years if y <= int(year)])
    gain = (
        area.diff("year").clip(min=0).sum("year")
        if area.sizes["year"] > 1
        else area.isel(year=0) * 0
    )
    area_now = area.sel(year=int(year))
    s_now = sink.sel(year=int(year))
    share_sp = (gain / area_now.where(area_now > 0)).fillna(0.0).clip(max=1.0)
    total = s_now.sum("species", min_count=1)
    aff = (s_now * share_sp).sum("species", min_count=1)
    scen = list(prices)
    p = xr.DataArray([float(prices[k]) for k in scen], dims=["scenario"], coords={"scenario": scen})
    total = total.drop_vars("year", errors="ignore")
    aff = aff.drop_vars("year", errors="ignore")
    area_now = area_now.drop_vars("year", errors="ignore")
    out = xr.Dataset(
        {
            "sink": total.assign_attrs(units="tCO2e / year"),
            "forest_area": area_now.sum("species").assign_attrs(units="hectare"),
            "new_area": gain.sum("species").assign_attrs(units="hectare"),
            "sink_afforestation": aff.assign_attrs(units="tCO2e / year"),
            "sink_existing": (total - aff).assign_attrs(units="tCO2e / year"),
            "creditable_share": (aff / total.where(total != 0)).assign_attrs(units="dimensionless"),
            "value_creditable": (aff * p).assign_attrs(units="CNY / year"),
            "value_total": (total * p).assign_attrs(units="CNY / year"),
        },
        attrs={
            "priced_year": int(year),
            "first_inventory_year": years[0],
            "methodology": (
                "CCER-14-001-V01 (afforestation) — existing forest management not creditable"
            ),
        },
    )
    return out
