"""Carbon price paths and named price scenarios [CNY t CO₂e⁻¹].

Scenarios follow forest_carbon.md §5.8 (a design proposal derived from the market data there,
not a source in itself); each entry records its basis, source and status. Values converted
from EUR or USD use an assumed exchange rate and are ``illustrative``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import xarray as xr

from ..errors import InputError, Problem
from .biomass import CO2_PER_C


@dataclass(frozen=True)
class PriceScenario:
    """A named carbon price [CNY t CO₂e⁻¹] with its basis and source."""

    name: str
    price: float
    price_year: int
    basis: str
    source: str
    status: str
    zh: str = ""

    def as_dict(self) -> dict:
        return dict(self.__dict__)


#: Named carbon-price scenarios [CNY t CO₂e⁻¹] (forest_carbon.md §5.8).
PRICE_SCENARIOS: dict[str, PriceScenario] = {
    s.name: s
    for s in [
        PriceScenario(
            "local_forestry",
            40.0,
            2025,
            "Low: local forestry credit — Shangluo carbon ticket No. 5 traded 30 Sep 2025 at 40 "
            "CNY/t (Shangluo forestry CCER pre-sale 42 CNY/t)",
            "tanpaifang.com/tanhui/2026/0321/117398.html; marxinteriors.com/?p=4434",
            "literature",
            "本地林业碳汇",
        ),
        PriceScenario(
            "ccer_central",
            70.0,
            2025,
            "Central: CCER market — 2025 average 70.76 CNY/t (884.41万 t, 6.26亿元), rounded to 70",
            "lvxunhk.com/newsdetail.aspx?bsid=4066",
            "illustrative",
            "CCER 市场（中位）",
        ),
        PriceScenario(
            "cea",
            62.36,
            2025,
            "CEA reference: national ETS allowance 2025 annual average 62.36 CNY/t (2024 ≈ 95.8, "
            "see cea_2024)",
            "lvxunhk.com/newsdetail.aspx?bsid=4066; gxtzh.net content 7410240245695778816",
            "literature",
            "全国碳市场配额（2025 均价）",
        ),
        PriceScenario(
            "cea_2024",
            95.84,
            2024,
            "CEA 2024 annual average, derived: 181.14亿元 / 1.89亿 t = 95.84 CNY/t",
            "reportify (解放日报 2025-09-25, MEE market report); mysteel.net 5075550",
            "illustrative",
            "全国碳市场配额（2024 均价）",
        ),
        PriceScenario(
            "eu_ets",
            585.0,
            2025,
            "High: EU ETS 2025 average EUR 75/t × 7.8 CNY/EUR (exchange rate assumed, unverified) "
            "= 585 CNY/t",
            "veyt.com/2025-eu-ets-year-in-review-turnover-reaches-all-time-high",
            "illustrative",
            "欧盟碳市场",
        ),
        PriceScenario(
            "epa_scc",
            1368.0,
            2020,
            "Social: US EPA social cost of carbon 2023 final, emission year 2020, 2.0 % discount, "
            "USD 190/t (2020 USD) × 7.2 CNY/USD (exchange rate assumed, unverified) = 1368 CNY/t",
            "costofcarbon.org/epa-values-for-the-social-cost-of-greenhouse-gases",
            "illustrative",
            "美国 EPA 碳社会成本",
        ),
        PriceScenario(
            "legacy_lyt1721",
            327.27,
            2008,
            "Chinese assessment legacy: Swedish carbon tax 1200 CNY/t C (LY/T 1721-2008) × 12/44 = "
            "327.27 CNY/t CO2",
            "张春华 et al. 2018, 生态学报 (ChinaXiv-201803.01069), quoting LY/T 1721-2008",
            "illustrative",
            "LY/T 1721 瑞典碳税法",
        ),
    ]
}


def price_scenario(name: str) -> PriceScenario:
    """The named scenario; :class:`InputError` listing the valid names otherwise."""
    try:
        return PRICE_SCENARIOS[name]
    except KeyError:
        raise InputError(
            Problem(
                "<input>",
                f"unknown price scenario '{name}' (known: {', '.join(PRICE_SCENARIOS)})",
                field="price",
            )
        ) from None


def _years(years) -> xr.DataArray:
    years = np.asarray(years, dtype=int)
    return xr.DataArray(years, dims=["year"], coords={"year": years})


def price_path(years, price, growth_pct=0.0, base_year=None) -> xr.DataArray:
    r"""Carbon price path growing at a constant annual rate.

    Parameters
    ----------
    years : array_like of int
        Calendar years.
    price : numeric
        Price in ``base_year`` [CNY t CO₂e⁻¹]; may carry extra dimensions (e.g. ``draw``).
    growth_pct : numeric, default 0
        Annual growth rate g [%] (0 = constant price).
    base_year : int, optional
        Year in which the price equals ``price`` (default: first of ``years``).

    Returns
    -------
    xarray.DataArray
        Price over ``year`` [CNY t CO₂e⁻¹].

    Notes
    -----
    .. math:: P_y = P_0 (1 + g/100)^{y - y_0}
    """
    y = _years(years)
    y0 = int(y[0]) if base_year is None else int(base_year)
    out = price * (1 + growth_pct / 100.0) ** (y - y0)
    out.attrs = {"units": "CNY / tCO2e"}
    return out


def price_path_table(years, table: Mapping[int, float]) -> xr.DataArray:
    """Carbon price path from a ``{year: price}`` table [CNY t CO₂e⁻¹].

    Each year takes the price of the latest table year on or before it (as coefficient
    values are resolved); a year before the first table year is an error (never guessed).
    """
    if not table:
        raise InputError(Problem("<input>", "price table is empty", field="price"))
    keys = np.array(sorted(int(k) for k in table), dtype=int)
    values = np.array([float(table[k]) for k in sorted(table, key=int)], dtype=float)
    y = _years(years)
    early = [int(v) for v in y.values if v < keys[0]]
    if early:
        raise InputError(
            Problem(
                "<input>",
                f"price table starts in {keys[0]}; no price for {', '.join(map(str, early))}",
                field="price",
            )
        )
    idx = np.searchsorted(keys, y.values, side="right") - 1
    return xr.DataArray(
        values[idx], dims=["year"], coords={"year": y.values}, attrs={"units": "CNY / tCO2e"}
    )


def carbon_price_from_co2(price_co2):
    r"""Price per t of elemental carbon from a price per t CO₂e: :math:`P_C = P_{CO_2} \cdot 44/12`.

    Use it for :func:`gep.carbon.invest_npv`, whose price is per t C
    (70 CNY/t CO₂e → 256.7 CNY/t C).
    """
    return price_co2 * CO2_PER_C


def co2_price_from_carbon(price_c):
    r"""Price per t CO₂e from a price per t of elemental carbon: :math:`P_{CO_2} = P_C \cdot 12/44`."""  # noqa: E501
    return price_c / CO2_PER_C
