"""A bare-numpy pass over the same arithmetic as ``account`` on the synthetic inventory.

The floor the engine is measured against (issue 9 item 4: "2,844 × 20 within 5× of a
bare-numpy pass doing the same arithmetic"). :func:`prepare` turns the inventory and the
coefficient set into plain arrays (not timed: it is the alignment the engine also does once);
:func:`floor_values` then computes every default ``ndrc-2022`` indicator of the synthetic set
with numpy only — the same formulas, NaN rules (zero-area ecosystems count zero, a missing
family member counts zero unless the whole family is missing) and not-assessed mask.
``tests/test_benchmark_floor.py`` checks it gives the engine's values, so the two really do
the same work.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from gep.indicators.material import _money_factor

INDICATORS = [
    "material.agriculture",
    "material.forestry",
    "material.livestock",
    "material.fishery",
    "material.water_supply",
    "material.hydropower",
    "regulating.water_conservation",
    "regulating.soil_conservation",
    "regulating.sand_fixation",
    "regulating.flood_regulation",
    "regulating.air_purification",
    "regulating.water_purification",
    "regulating.carbon_sequestration",
    "regulating.climate_regulation",
    "cultural.recreation",
    "cultural.landscape",
]
WC = ("forest", "shrub", "grassland", "wetland")
SOIL = ("forest", "shrub", "grassland", "wetland", "farmland", "garden", "bare")


def prepare(data: xr.Dataset, coefficients) -> dict:
    """Plain arrays: items as (region, year[, ecosystem]), coefficients as (year[, ecosystem])."""
    years = [int(y) for y in data["year"].values]
    ecos = [str(e) for e in data["ecosystem"].values]
    items = {
        str(k): np.ascontiguousarray(v.transpose("region", "year", ...).values)
        for k, v in data.data_vars.items()
    }

    def coef(cid, keys=None, unit=None):
        return coefficients.array(cid, years, keys=keys, unit=unit).values

    def level1(codes):
        return np.array([e.split(".")[0] in codes for e in ecos])

    products = {
        g: [k for k in items if k.startswith(f"output.{g}.")]
        for g in ("agriculture", "forestry", "livestock", "fishery")
    }
    prices = {}
    for items_g in products.values():
        for k in items_g:
            group, product = k.split(".")[1:3]
            cid = f"material.{group}.price.{product}"
            c = coefficients.array(cid, years)
            f = _money_factor(data[k].attrs["units"], c.attrs["units"])
            prices[k] = c.values * f
    uses = [k for k in items if k.startswith("water_use.")]
    veg = np.array([e != "water" for e in ecos])
    r = "regulating."
    return {
        "items": items,
        "products": products,
        "prices": prices,
        "uses": uses,
        "use_prices": {
            k: coef(f"material.water_supply.price.{k.split('.', 1)[1]}", unit="CNY / m ** 3")
            for k in uses
        },
        "hydro_price": coef("material.hydropower.price", unit="CNY / kWh"),
        "wc": level1(WC),
        "soil": level1(SOIL),
        "veg": veg,
        "water": ecos.index("water") if "water" in ecos else None,
        "reservoir_cost": coef(r + "water_conservation.reservoir_cost"),
        "soil_c": {
            n: coef(r + f"soil_conservation.{n}")
            for n in (
                "sediment_ratio",
                "bulk_density",
                "dredging_cost",
                "nitrogen_content",
                "phosphorus_content",
                "nitrogen_price",
                "phosphorus_price",
            )
        },
        "flood_share": coef(r + "flood_regulation.reservoir_flood_share"),
        "air": {
            p: coef(r + f"air_purification.cost.{p}")
            for p in ("so2", "nox", "dust")
            if f"emission.{p}" in items
        },
        "wat": {
            p: coef(r + f"water_purification.cost.{p}")
            for p in ("cod", "nh3n", "tn", "tp")
            if f"emission.{p}" in items
        },
        "carbon_rate": coef(r + "carbon_sequestration.rate", keys=ecos),
        "carbon_price": coef(r + "carbon_sequestration.price"),
        "heat": coef(
            r + "climate_regulation.transpiration_heat",
            keys=[e for e, v in zip(ecos, veg, strict=True) if v],
            unit="kJ / m ** 2 / day",
        ),
        "eer": coef(r + "climate_regulation.ac_efficiency"),
        "latent": coef(r + "climate_regulation.latent_heat", unit="J / g"),
        "humid": coef(r + "climate_regulation.humidifier_energy", unit="kWh / m ** 3"),
        "elec": coef(r + "climate_regulation.electricity_price", unit="CNY / kWh"),
        "travel": coef("cultural.recreation.travel_cost", unit="CNY / visit"),
        "premium": coef("cultural.landscape.premium", unit="CNY / m ** 2"),
    }


def _wsum(term, area):
    """Sum over ecosystems; zero-area ecosystems count zero even when NaN."""
    return np.where(area > 0, term, 0.0).sum(axis=2)


def _family(parts):
    """Sum of family members; NaN only where every member is NaN."""
    stacked = np.stack(parts)
    out = np.nansum(stacked, axis=0)
    out[np.isnan(stacked).all(axis=0)] = np.nan
    return out


def floor_values(p: dict) -> tuple[np.ndarray, np.ndarray]:
    """Value [CNY] per (region, year, indicator) and the not-assessed mask per indicator."""
    it = p["items"]
    area = it["area"]
    out = []
    for group, keys in p["products"].items():
        parts = [it[k] * p["prices"][k] for k in keys]
        if f"output_value.{group}" in it:
            parts.append(it[f"output_value.{group}"])
        out.append(_family(parts))
    out.append(_family([it[k] * p["use_prices"][k] for k in p["uses"]]))
    out.append(it["hydropower.generation"] * p["hydro_price"])
    # water conservation
    m = p["wc"]
    a = area[:, :, m]
    bal = (
        it["precipitation"][:, :, None] - it["runoff"][:, :, m] - it["evapotranspiration"][:, :, m]
    )
    q = np.where(bal > 0, bal, 0.0)
    q = np.where(np.isnan(bal), np.nan, q) * a * 10.0
    out.append(_wsum(q, a) * p["reservoir_cost"])
    # soil conservation
    m = p["soil"]
    a = area[:, :, m]
    cp = 1.0 - it["rusle.c"][:, :, m] * it["rusle.p"][:, :, m]
    cp = np.where(np.isnan(cp), np.nan, np.where(cp > 0, cp, 0.0))
    rk = (it["rusle.r"] * it["rusle.k"])[:, :, None]
    soil = _wsum(rk * it["rusle.ls"][:, :, m] * cp * a, a)
    c = p["soil_c"]
    out.append(
        c["sediment_ratio"] * soil / c["bulk_density"] * c["dredging_cost"]
        + soil
        * (
            c["nitrogen_content"] * c["nitrogen_price"]
            + c["phosphorus_content"] * c["phosphorus_price"]
        )
    )
    out.append(np.full(area.shape[:2], np.nan))  # sand fixation: no sand.fixation item
    out.append(it["reservoir.capacity"] * p["flood_share"] * p["reservoir_cost"])
    out.append(_family([it[f"emission.{k}"] * v for k, v in p["air"].items()]))
    out.append(_family([it[f"emission.{k}"] * v for k, v in p["wat"].items()]))
    out.append(_wsum(p["carbon_rate"] * area, area) * p["carbon_price"])
    # climate regulation
    a = area[:, :, p["veg"]]
    e_pt = (
        p["heat"] * (a * 1.0e4) * it["climate.hot_days"][:, :, None] / (3600.0 * p["eer"][:, None])
    )
    energy = _wsum(e_pt, a)
    if p["water"] is not None:
        evap = it["climate.water_evaporation"] * area[:, :, p["water"]] * 10.0
        energy = energy + (evap * 1.0e6 * p["latent"] / 3.6e6 + evap * p["humid"])
    out.append(energy * p["elec"])
    out.append(it["visitors"] * p["travel"])
    out.append(it["landscape.premium_area"] * p["premium"])
    value = np.stack(out, axis=-1)
    return value, np.isnan(value).any(axis=1)
