"""The GEP account: evaluate every indicator of a profile and aggregate (DESIGN §7).

``account(inventory, coefficients)`` evaluates each indicator once over all regions and years
(xarray broadcasting; extra dims such as ``scenario`` or ``draw`` in the inputs flow through
unchanged) and returns an :class:`Account` wrapping an ``xarray.Dataset``:

* ``value`` [CNY] over ``region, year, indicator`` (+ extra dims), NaN where not assessed;
* ``physical.<indicator id>`` in the indicator's own unit;
* coordinate ``category`` along ``indicator``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import xarray as xr

from .coefficients import CoefficientSet
from .errors import InputError, MissingCoefficientError, Problem
from .indicators import CATEGORIES, Context, Indicator, NotAssessed, indicators_for
from .indicators.base import evaluate, stack
from .inventory import Dataset
from .profiles import Profile, engine_profile

CATEGORY_ORDER = list(CATEGORIES)
DEFAULT_OPTIONS = {
    "purification_rule": "emission",  # emission | capacity | min
    "recreation_method": "travel_cost",  # travel_cost | spending
    "evaporation_divide_by_eer": False,  # water-surface cooling ÷ EER (some standards)
    "forest_carbon": "auto",  # auto | inventory | rates
    "forest_carbon_biomass": "fang",  # fang | bef | bcef (volume → biomass route)
}


@dataclass
class Account:
    """Results of one accounting run, with aggregation helpers and provenance."""

    ds: xr.Dataset
    indicators: list[Indicator]
    profile: str
    coefficients: CoefficientSet
    dataset: Dataset | None = None
    options: dict = field(default_factory=dict)
    not_assessed: list[dict] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)
    components: dict[str, xr.Dataset] = field(default_factory=dict)
    prices: dict[str, xr.DataArray] = field(default_factory=dict)
    #: coefficients the indicators resolved through the set: [(id, table keys or None)]
    coefficient_reads: list = field(default_factory=list)
    #: per indicator: the inventory items and coefficients it read (gep.indicators.base.Trace)
    trace: dict = field(default_factory=dict)
    #: per indicator: where its physical quantity came from ("formula" | "supplied")
    routes: dict[str, str] = field(default_factory=dict)
    #: out-of-region ledger warnings (``gep.ledger.LedgerWarning.as_dict``): required
    #: deductions whose share is 0, unsourced or not computable
    warnings: list[dict] = field(default_factory=list)
    #: indicator → basis of its out-of-region share (only indicators the profile deducts)
    ledger_bases: dict[str, str] = field(default_factory=dict)
    #: the profile file the account ran (None: registry family without a file)
    profile_spec: Profile | None = None
    #: supplied physical quantities used (rows of gep.quantities.load_quantities), and the
    #: indicators whose supplied rows were not used (indicator off in this run)
    supplied: pd.DataFrame | None = None
    unused_quantities: list[str] = field(default_factory=list)
    #: the aggregate (city) region's own out-of-region basis (``aggregate.csv``,
    #: :mod:`gep.aggregate_basis`); None: city totals are sums of county net values
    aggregate_basis: object | None = None

    def route_at(self, indicator: str, region: str, year: int) -> str:
        """``supplied`` if a quantities row fed this region-year of the indicator."""
        return "supplied" if self.quantity_rows(indicator, region, year) else "formula"

    def quantity_rows(self, indicator: str, region: str, year: int) -> list[dict]:
        """The supplied rows (component, value, unit, source, file, row) of one number."""
        s = self.supplied
        if s is None or s.empty:
            return []
        hit = s[(s["indicator"] == indicator) & (s["region"] == region) & (s["year"] == year)]
        cols = ["component", "value_input", "unit_input", "source", "file", "row"]
        return [
            {k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()}
            for r in hit[cols].to_dict("records")
        ]

    def explain(self, region: str, year: int, indicator: str) -> dict:
        """One number traced to its equation, inputs (with sources) and coefficients.

        See :func:`gep.explain.explain` for the keys.
        """
        from .explain import explain

        return explain(self, region, year, indicator)

    # -- basic views --------------------------------------------------------------------
    @property
    def value(self) -> xr.DataArray:
        """Net value [CNY] (gross − out-of-region deduction); GEP totals sum this."""
        return self.ds["value"]

    @property
    def gross(self) -> xr.DataArray:
        """Value before the out-of-region deduction [CNY] (= ``value`` without a ledger)."""
        return self.ds.get("gross", self.value)

    @property
    def out_of_region(self) -> xr.DataArray:
        """Out-of-region deduction [CNY]: 0 where the profile deducts nothing, NaN where the
        share could not be computed."""
        if "out_of_region" in self.ds:
            return self.ds["out_of_region"]
        return xr.zeros_like(self.value).where(self.value.notnull()).assign_attrs(units="CNY")

    @property
    def has_deductions(self) -> bool:
        return "out_of_region" in self.ds

    def physical(self, indicator_id: str) -> xr.DataArray:
        return self.ds[f"physical.{indicator_id}"]

    @property
    def indicator_ids(self) -> list[str]:
        return [str(i) for i in self.ds["indicator"].values]

    def indicator(self, indicator_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == indicator_id)

    @property
    def years(self) -> list[int]:
        return [int(y) for y in self.ds["year"].values]

    @property
    def regions(self) -> list[str]:
        return [str(r) for r in self.ds["region"].values]

    # -- aggregates ---------------------------------------------------------------------
    def gep(self) -> xr.DataArray:
        """GEP per region and year [CNY]: the sum of the assessed indicators."""
        return self.value.sum("indicator", min_count=1).assign_attrs(units="CNY")

    def by_category(self) -> xr.DataArray:
        """Value per region, year and category [CNY]."""
        out = self.value.groupby("category").sum(min_count=1)
        order = [c for c in CATEGORY_ORDER if c in out["category"].values]
        return out.sel(category=order).assign_attrs(units="CNY")

    def total(self, dims: str | Sequence[str] = "region") -> xr.DataArray:
        """Sum over ``dims`` (e.g. the city total is ``total("region")``)."""
        return self.value.sum(dims, min_count=1).assign_attrs(units="CNY")

    def city_gep(self) -> xr.DataArray:
        """GEP of all regions together per year [CNY].

        With the aggregate region's own ledger basis (:attr:`city_ledger`) this is the city
        perspective (city net: the city's share applied to the sum of county gross values);
        otherwise the sum of county net values (:meth:`county_sum_gep`).
        """
        city = self.city_ledger
        if city is not None:
            return city.gep()
        return self.county_sum_gep()

    def county_sum_gep(self) -> xr.DataArray:
        """Sum of the county net GEP per year [CNY] (county perspective)."""
        return self.gep().sum("region", min_count=1).assign_attrs(units="CNY")

    def city_value(self) -> xr.DataArray:
        """Net value of all regions together per year and indicator [CNY], in the perspective
        of :attr:`city_perspective` (``city_gep()`` sums it over indicators)."""
        city = self.city_ledger
        if city is not None:
            return city.value
        return self.total("region")

    def city_by_category(self) -> xr.DataArray:
        """City value per year and category [CNY], in the city total's perspective."""
        if self.city_ledger is None:
            return self.by_category().sum("region", min_count=1).assign_attrs(units="CNY")
        out = self.city_value().groupby("category").sum(min_count=1)
        order = [c for c in CATEGORY_ORDER if c in out["category"].values]
        return out.sel(category=order).assign_attrs(units="CNY")

    def city_comparable(self, base_year: int | None = None) -> xr.DataArray:
        """City GEP per year at ``base_year`` prices [CNY], in the city total's perspective
        (each indicator deflated by its price index)."""
        if self.city_ledger is None:
            return self.comparable(base_year).sum(["region", "indicator"], min_count=1)
        v = self.city_ledger.value * self.deflators(base_year)
        return v.sum("indicator", min_count=1).assign_attrs(
            units="CNY", price_basis=f"{base_year or self.base_year} prices"
        )

    @property
    def city_ledger(self):
        """The city's own ledger (:class:`gep.ledger.AggregateLedger`), or None when the
        profile deducts nothing, the dataset gives no aggregate basis, or the account does
        not cover every county of the aggregate region."""
        if "_city_ledger" in self.__dict__:
            return self.__dict__["_city_ledger"]
        out = None
        basis = self.aggregate_basis
        prof = self.profile_spec
        if (
            basis is not None
            and prof is not None
            and prof.out_of_region
            and self.has_deductions
            and self.dataset is not None
        ):
            parent = self.dataset.regions["parent"].astype(str)
            children = sorted(parent.index[parent == basis.code])
            if sorted(self.regions) == children:
                from .ledger import aggregate_ledger

                ds = self.ds[["gross", "out_of_region", "value"]]
                out = aggregate_ledger(
                    ds, prof.out_of_region, basis.data, basis.code, self.coefficients
                )
        self.__dict__["_city_ledger"] = out
        return out

    @property
    def city_perspective(self) -> str:
        """``city`` (city totals from the city's own ledger basis), ``counties`` (sum of
        county net values: no aggregate basis, or some deductions fall back to it) or
        ``none`` (the profile deducts nothing: both perspectives agree)."""
        if not self.has_deductions:
            return "none"
        city = self.city_ledger
        return "counties" if city is None else city.perspective

    def city_frame(self) -> pd.DataFrame:
        """Tidy rows of the city ledger (year, indicator, gross, share, out_of_region, value,
        county_out_of_region, county_value, internal_transfers [CNY], perspective, basis);
        without a city ledger the county sums with ``perspective`` ``counties``."""
        city = self.city_ledger
        if city is not None:
            return city.to_frame()
        gross = self.gross.sum("region", min_count=1)
        out = self.out_of_region.sum("region", min_count=1)
        net = self.value.sum("region", min_count=1)
        ds = xr.Dataset(
            {
                "gross": gross,
                "out_of_region": out,
                "value": net,
                "county_out_of_region": out,
                "county_value": net,
                "internal_transfers": xr.zeros_like(net).where(net.notnull()),
            }
        ).drop_vars("category", errors="ignore")
        df = ds.to_dataframe().reset_index()
        df["share"] = np.nan
        df["perspective"] = "counties" if self.has_deductions else "none"
        df["basis"] = [self.ledger_bases.get(i, "") for i in df["indicator"]]
        from .ledger import CITY_FRAME_COLUMNS

        return df[[*list(gross.dims), *CITY_FRAME_COLUMNS, "perspective", "basis"]]

    def ranking(self, year: int, measure: str = "gep", lang: str = "zh") -> pd.DataFrame:
        """Regions ranked by ``measure`` (gep | per_km2 | per_capita) in ``year``."""
        series = {"gep": self.gep(), "per_km2": self.per_km2(), "per_capita": self.per_capita()}[
            measure
        ]
        s = series.sel(year=year).to_pandas().sort_values(ascending=False)
        df = pd.DataFrame({"region": s.index, "value": s.to_numpy()})
        df["name"] = [self.region_name(r, lang) for r in df["region"]]
        df["rank"] = np.arange(1, len(df) + 1)
        return df[["rank", "region", "name", "value"]]

    def region_name(self, code: str, lang: str = "zh") -> str:
        return self.dataset.region_name(code, lang) if self.dataset is not None else code

    def land_area_km2(self) -> xr.DataArray:
        if self.dataset is None:
            raise InputError(Problem("account", "land area needs the dataset's regions.csv"))
        ha = self.dataset.regions.loc[self.regions, "land_area_ha"].to_numpy(dtype=float)
        return xr.DataArray(
            ha / 100.0, dims=["region"], coords={"region": self.regions}, attrs={"units": "km ** 2"}
        )

    def per_km2(self) -> xr.DataArray:
        """GEP per km² of land [CNY km⁻²]."""
        return (self.gep() / self.land_area_km2()).assign_attrs(units="CNY / km ** 2")

    def inventory_item(self, name: str) -> xr.DataArray | None:
        """Inventory variable ``name`` over the account's regions and years (``None`` if absent).

        For context figures the account divides by (population, GDP, area): pages and reports
        read them here instead of reaching into the dataset.
        """
        if self.dataset is None or name not in self.dataset.data:
            return None
        return self.dataset.data[name].sel(region=self.regions, year=self.years)

    def per_capita(self) -> xr.DataArray:
        """GEP per resident [CNY person⁻¹]; NaN where the inventory has no population."""
        pop = self.inventory_item("population")
        if pop is None:
            return xr.full_like(self.gep(), np.nan).assign_attrs(units="CNY / person")
        return (self.gep() / pop.where(pop > 0)).assign_attrs(units="CNY / person")

    def gep_gdp_ratio(self) -> xr.DataArray:
        """GEP / GDP (both current prices) [–]; NaN where GDP is not in the inventory."""
        gdp = self.inventory_item("gdp")
        if gdp is None:
            return xr.full_like(self.gep(), np.nan).assign_attrs(units="dimensionless")
        return (self.gep() / gdp.where(gdp > 0)).assign_attrs(units="dimensionless")

    # -- comparable prices --------------------------------------------------------------
    def deflators(self, base_year: int | None = None) -> xr.DataArray:
        """Factor per year and indicator taking current prices to ``base_year`` prices."""
        base = int(base_year if base_year is not None else self.base_year)
        rows = []
        for ind in self.indicators:
            rows.append([self.coefficients.index_factor(ind.deflator, y, base) for y in self.years])
        return xr.DataArray(
            np.array(rows).T,
            dims=["year", "indicator"],
            coords={"year": self.years, "indicator": [i.id for i in self.indicators]},
        )

    @property
    def base_year(self) -> int:
        if self.dataset is not None:
            return self.dataset.base_year
        return self.years[0]

    def comparable(self, base_year: int | None = None) -> xr.DataArray:
        """Values at ``base_year`` prices (each indicator deflated by its price index) [CNY]."""
        return (self.value * self.deflators(base_year)).assign_attrs(
            units="CNY", price_basis=f"{base_year or self.base_year} prices"
        )

    def growth(self, comparable: bool = True, base_year: int | None = None) -> xr.DataArray:
        """Year-on-year GEP growth rate per region (at comparable prices by default) [–]."""
        v = self.comparable(base_year) if comparable else self.value
        g = v.sum("indicator", min_count=1)
        return (g / g.shift(year=1) - 1.0).assign_attrs(units="dimensionless")

    # -- export ------------------------------------------------------------------------------
    def provenance(self) -> dict:
        out = {
            "profile": self.profile,
            "coefficients": {
                "name": self.coefficients.name,
                "hash": self.coefficients.hash,
                "chain": list(self.coefficients.chain),
                "overrides": [o.describe() for o in self.coefficients.overrides],
            },
            "options": self.options,
        }
        if self.dataset is not None:
            out["dataset"] = {"name": self.dataset.name, "hash": self.dataset.hash}
        if self.aggregate_basis is not None:
            out["aggregate_basis"] = self.aggregate_basis.provenance()
        if self.supplied is not None and not self.supplied.empty:
            out["quantities"] = {
                "files": sorted(set(self.supplied["file"])),
                "rows": len(self.supplied),
                "hash": _frame_hash(self.supplied),
                "indicators": sorted(set(self.supplied["indicator"])),
                # rows of indicators off in this run (e.g. oxygen release without --include)
                "unused_indicators": list(self.unused_quantities),
            }
        return out

    def to_frame(self, lang: str = "zh") -> pd.DataFrame:
        """Tidy table: one row per region × year × indicator (+ extra dims)."""
        value = self.value.to_dataframe(name="value").reset_index()
        phys = []
        for ind in self.indicators:
            p = self.ds[f"physical.{ind.id}"]
            df = p.to_dataframe(name="physical").reset_index()
            df["indicator"] = ind.id
            df["physical_unit"] = ind.physical_unit
            phys.append(df[[c for c in df.columns if c not in ("category",)]])
        keys = [d for d in self.value.dims if d != "indicator"] + ["indicator"]
        phys_df = pd.concat(phys, ignore_index=True)
        phys_df = phys_df[[c for c in phys_df.columns if c in keys + ["physical", "physical_unit"]]]
        df = value.merge(phys_df, on=keys, how="left")
        # out-of-region ledger (gep.ledger): gross − out_of_region = value [CNY]
        ledger_df = (
            xr.Dataset(
                {
                    "gross": self.gross.drop_vars("category", errors="ignore"),
                    "out_of_region": self.out_of_region.drop_vars("category", errors="ignore"),
                }
            )
            .to_dataframe()
            .reset_index()
        )
        df = df.merge(ledger_df[[*keys, "gross", "out_of_region"]], on=keys, how="left")
        meta = {i.id: i for i in self.indicators}
        df["category"] = [meta[i].category for i in df["indicator"]]
        df["indicator_name"] = [meta[i].label(lang) for i in df["indicator"]]
        df["region_name"] = [self.region_name(r, lang) for r in df["region"]]
        df["route"], df["quantity_source"] = self._routes_column(df)
        cols = [
            "region",
            "region_name",
            "year",
            "indicator",
            "indicator_name",
            "category",
            "physical",
            "physical_unit",
            "gross",
            "out_of_region",
            "value",
            "route",
            "quantity_source",
        ]
        extra = [c for c in df.columns if c not in cols]
        return df[[*extra, *cols]] if extra else df[cols]

    def _routes_column(self, df: pd.DataFrame) -> tuple[list[str], list[str]]:
        """Per row: ``supplied``/``formula`` and the supplied rows' sources ("" if none)."""
        n = len(df)
        s = self.supplied
        if s is None or s.empty:
            return ["formula"] * n, [""] * n
        src: dict[tuple, list[str]] = {}
        for r in s.itertuples(index=False):
            key = (r.indicator, r.region, int(r.year))
            label = f"{r.component}: {r.source}" if r.component else r.source
            src.setdefault(key, []).append(label)
        keys = zip(df["indicator"], df["region"], df["year"], strict=True)
        found = [src.get((i, str(r), int(y))) for i, r, y in keys]
        return (
            ["supplied" if f else "formula" for f in found],
            ["; ".join(f) if f else "" for f in found],
        )


def _flagged(value: xr.DataArray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(region labels, year labels, mask[region, year]) of NaN values (any extra dim)."""
    data = np.asarray(value.data)  # (a dask-backed account is computed here)
    first = [value.get_axis_num("region"), value.get_axis_num("year")]
    order = first + [i for i in range(data.ndim) if i not in first]
    m = np.isnan(np.transpose(data, order))
    m = m.reshape(m.shape[0], m.shape[1], -1).any(axis=2)
    return value["region"].values, value["year"].values, m


def _region_year_cube(arr: xr.DataArray, regions, years, first: tuple[str, ...] = ()) -> np.ndarray:
    """``arr`` at ``regions × years`` as numpy (region, year, *first, rest flattened)."""
    sub = arr.sel(region=regions, year=years)
    rest = [d for d in sub.dims if d not in ("region", "year", *first)]
    out = np.asarray(sub.transpose("region", "year", *first, *rest).values)
    return out.reshape(*out.shape[: 2 + len(first)], -1)


def _missing_inputs(data: xr.Dataset, ind: Indicator, regions, years, mask) -> list[str]:
    """Say, for each flagged region, which inventory items have gaps (one vectorized pass).

    ``mask[r, y]`` marks the region × year values that are NaN; the reason for region ``r``
    looks at its flagged years only: an item with no value there is "(no rows)"; an item by
    ecosystem missing where the ecosystem has area names those ecosystems.
    """
    gaps: list[list[str]] = [[] for _ in regions]
    has_area = "area" in data
    for pattern in ind.items:
        if pattern.endswith("*"):
            names = [str(v) for v in data.data_vars if str(v).startswith(pattern[:-1])]
        else:
            names = [pattern] if pattern in data.data_vars else []
        for name in names:
            item = data[name]
            cube = np.isnan(_region_year_cube(item, regions, years))  # (R, Y, rest)
            in_years = mask[:, :, None]
            all_null = np.all(cube | ~in_years, axis=(1, 2))
            lacking = None
            if "ecosystem" in item.dims and has_area:
                lack = item.isnull() & (data["area"] > 0)
                lcube = _region_year_cube(lack, regions, years, ("ecosystem",))  # (R, Y, E, rest)
                lacking = (lcube & mask[:, :, None, None]).any(axis=(1, 3))  # (R, E)
                ecos = [str(e) for e in lack["ecosystem"].values]
            for r in range(len(regions)):
                if all_null[r]:
                    gaps[r].append(f"{name} (no rows)")
                elif lacking is not None and lacking[r].any():
                    names_r = [e for e, flag in zip(ecos, lacking[r], strict=True) if flag]
                    gaps[r].append(f"{name} for {', '.join(names_r)}")
    return ["inputs missing for this region" + (f": {'; '.join(g)}" if g else "") for g in gaps]


def _resolve_indicators(
    profile: str, include: Iterable[str], exclude: Iterable[str]
) -> list[Indicator]:
    """Registry selection for an engine family without a profile file (the former default)."""
    available = indicators_for(profile)
    ids = {i.id for i in available}
    include, exclude = list(include), list(exclude)
    unknown = [i for i in [*include, *exclude] if i not in ids]
    if unknown:
        raise InputError(
            Problem(
                "--include/--exclude",
                f"unknown indicator(s) for profile {profile}: {', '.join(unknown)}",
            )
        )
    chosen = [i for i in available if (i.default or i.id in include) and i.id not in exclude]
    order = {c: n for n, c in enumerate(CATEGORY_ORDER)}
    return sorted(chosen, key=lambda i: order[i.category])


def _profile_indicators(
    prof: Profile, include: Iterable[str], exclude: Iterable[str]
) -> tuple[list[Indicator], dict]:
    """Indicators and engine options a profile file selects (its list, defaults, methods, names).

    The formulas come from the profile's engine family (``prof.engine``); a method variant
    with its own engine hook (``nep``, ``temperature_difference``) replaces the family's
    indicator. Display names of the profile label the indicators. Order: the family's
    registry order (so ``ndrc-2022`` and ``xie-2015`` give the same account as before).
    """
    from .indicators.variants import variant_indicator

    family = indicators_for(prof.engine)
    listed = {pi.id: pi for pi in prof.indicators}
    include, exclude = list(include), list(exclude)
    unknown = [i for i in [*include, *exclude] if i not in listed]
    if unknown:
        raise InputError(
            Problem(
                "--include/--exclude",
                f"unknown indicator(s) for profile {prof.id}: {', '.join(unknown)}"
                f" (the profile lists: {', '.join(listed)})",
            )
        )
    options: dict = {}
    chosen = []
    for ind in family:
        pi = listed.get(ind.id)
        if pi is None or not (pi.default or ind.id in include) or ind.id in exclude:
            continue
        options.update(pi.variant.options)
        options.update(pi.options)
        ind = variant_indicator(ind.id, pi.method) or ind
        chosen.append(
            replace(
                ind,
                zh=pi.name_zh or ind.zh,
                en=pi.name_en or ind.en,
                default=pi.default,
            )
        )
    order = {c: n for n, c in enumerate(CATEGORY_ORDER)}
    return sorted(chosen, key=lambda i: order[i.category]), options


def account(
    inventory: Dataset | xr.Dataset,
    coefficients: CoefficientSet,
    years: Sequence[int] | None = None,
    profile: str | Profile = "ndrc-2022",
    options: dict | None = None,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    extra_coefficients: dict | None = None,
    quantities: pd.DataFrame | None = None,
    memo: dict | None = None,
    components: bool = True,
) -> Account:
    """Compute the GEP account.

    Parameters
    ----------
    inventory : a loaded :class:`~gep.inventory.Dataset` (or its ``data``).
    coefficients : the coefficient set (with any overrides).
    years : accounting years (default: every year of the inventory).
    profile : a profile id (``coefficients/profiles/<id>.yaml``: ``ndrc-2022`` (default),
        ``xie-2015``, ``gbt-46869-2025``, ``ankang``), a profile file path or a loaded
        :class:`~gep.profiles.Profile`. The file gives the indicator list, defaults, method
        variants (→ engine options) and display names, and the out-of-region rules applied
        after valuation (``gross`` − ``out_of_region`` = net ``value``; :mod:`gep.ledger`).
        A name with no file falls back to the indicator registry's family of that name.
    options : method switches, see ``DEFAULT_OPTIONS``; they override the profile's.
    include, exclude : indicator ids to switch on (e.g. ``regulating.oxygen_release``) or off.
    extra_coefficients : coefficient arrays that replace the set's resolution (Monte Carlo).
    quantities : supplied physical quantities (a frame from
        :func:`gep.quantities.load_quantities`); ``None`` reads the dataset folder's
        ``quantities.csv``/``.xlsx`` when there is one; an empty frame uses none. Each row
        replaces the computed quantity of its region, year and indicator/component and is
        valued with the indicator's prices (DESIGN §10).
    memo : a dict owned by the caller (one Monte Carlo run) in which outside modules — the
        forest carbon module — keep their result between calls on the same inventory and
        coefficient set; a module recomputes whenever ``extra_coefficients`` replaces one of
        the coefficients it reads. ``None``: every call computes everything.
    components : ``False`` leaves out the per-component breakdowns (physical and value parts
        of each indicator; ``Account.components`` stays empty). Values, physical totals and
        prices are the same; Monte Carlo draws, which only summarise values, skip stacking
        and pricing every part of every draw.
    """
    dataset = inventory if isinstance(inventory, Dataset) else None
    data = inventory.data if isinstance(inventory, Dataset) else inventory
    all_years = [int(y) for y in data["year"].values]
    if years:
        years = [int(y) for y in years]
        bad = [y for y in years if y not in all_years]
        if bad:
            raise InputError(
                Problem(
                    "--year",
                    f"year(s) {', '.join(map(str, bad))} not in the inventory "
                    f"({all_years[0]}–{all_years[-1]})",
                )
            )
        data = data.sel(year=years)
    else:
        years = all_years
    prof = engine_profile(profile)
    if prof is not None:
        chosen, profile_opts = _profile_indicators(prof, include, exclude)
        profile = prof.id
    else:
        chosen, profile_opts = _resolve_indicators(profile, include, exclude), {}
    opts = {**DEFAULT_OPTIONS, **profile_opts, **(options or {})}
    unknown_opts = sorted(set(opts) - set(DEFAULT_OPTIONS))
    if unknown_opts:
        raise InputError(Problem("options", f"unknown option(s): {', '.join(unknown_opts)}"))
    supplied, by_indicator, unused = _supplied(dataset, quantities, chosen)
    if supplied is not None and dataset is not None:
        from .quantities import set_contradictions

        contradictions = set_contradictions(supplied, dataset, coefficients)
        if contradictions:
            raise InputError(contradictions)
    # stock change needs earlier years: the full inventory rides along
    full = inventory.data if isinstance(inventory, Dataset) else inventory
    ctx = Context(data, coefficients, years, opts, extra_coefficients, full_data=full)
    ctx.memo = memo
    ctx.components = components
    template = xr.DataArray(
        np.full((data.sizes["region"], len(years)), np.nan),
        dims=["region", "year"],
        coords={"region": data["region"].values, "year": years},
    )
    values, physicals, not_assessed, notes, components, prices = [], {}, [], {}, {}, {}
    routes: dict[str, str] = {}
    missing_coefs: list[Problem] = []
    for ind in chosen:
        try:
            if ind.id in by_indicator:
                from .quantities import supplied_quantities

                q = supplied_quantities(ind, ctx, by_indicator[ind.id])
                res = evaluate(ind, ctx, quantities=q)
            else:
                res = evaluate(ind, ctx)
            value = res.value
            physical = res.physical
            notes[ind.id] = list(res.notes)
            if res.components is not None:
                components[ind.id] = res.components
            if res.price is not None:
                prices[ind.id] = res.price
            routes[ind.id] = res.route
        except MissingCoefficientError as exc:
            # keep going: the analyst gets every missing coefficient in one message
            missing_coefs += [p for p in exc.problems if p not in missing_coefs]
            continue
        except NotAssessed as reason:
            value = template.copy()
            physical = template.copy()
            not_assessed.append({"indicator": ind.id, "region": None, "reason": str(reason)})
            notes[ind.id] = [f"not assessed: {reason}"]
        value = value.copy(deep=False)
        value.attrs = {}  # (DataArray.drop_attrs is ~100× slower: it rebuilds indexes)
        values.append(value)
        physicals[f"physical.{ind.id}"] = physical.assign_attrs(
            units=ind.physical_unit, indicator=ind.id
        )
        # regions with missing inputs (NaN) are "not assessed" for that indicator
        if not any(n["indicator"] == ind.id and n["region"] is None for n in not_assessed):
            region_labels, year_labels, mask = _flagged(value)
            rows = np.flatnonzero(mask.any(axis=1))
            if rows.size:
                year_list = [int(y) for y in year_labels]
                reasons = _missing_inputs(data, ind, region_labels[rows], year_labels, mask[rows])
                for r, reason in zip(rows, reasons, strict=True):
                    not_assessed.append(
                        {
                            "indicator": ind.id,
                            "region": str(region_labels[r]),
                            "years": [y for y, f in zip(year_list, mask[r], strict=True) if f],
                            "reason": reason,
                        }
                    )
    if missing_coefs:
        raise MissingCoefficientError(missing_coefs)
    ids, cats = [i.id for i in chosen], [i.category for i in chosen]
    value = _stack_indicators(values, ids, cats)
    if value is None:  # parts on different grids / duck arrays: xarray aligns them
        value = stack([v.transpose("region", "year", ...) for v in values], ids, "indicator")
        value = value.assign_coords(category=("indicator", cats))
        value = value.transpose("region", "year", "indicator", ...)
    value.attrs = {"units": "CNY"}
    ledger_vars, warnings, bases = {}, [], {}
    if prof is not None and prof.out_of_region:
        value, ledger_vars, warnings, bases = _apply_ledger(value, prof, data, coefficients, notes)
    agg_basis = None
    if ledger_vars and dataset is not None:
        agg_basis = _aggregate_basis(dataset)
    if not ledger_vars and all(_on_grid(p, value) for p in physicals.values()):
        # physical quantities on the value's own region/year labels: no alignment needed
        ds = xr.Dataset({"value": value, **{k: p.variable for k, p in physicals.items()}})
    else:
        ds = xr.Dataset({"value": value, **ledger_vars, **physicals})
    ds.attrs.update(
        {
            "profile": profile,
            "coefficients": coefficients.name,
            "coefficients_hash": coefficients.hash,
        }
    )
    if dataset is not None:
        ds.attrs.update({"dataset": dataset.name, "dataset_hash": dataset.hash})
    acc = Account(
        ds=ds,
        indicators=chosen,
        profile=profile,
        coefficients=coefficients,
        dataset=dataset,
        options=opts,
        not_assessed=not_assessed,
        notes=notes,
        components=components,
        prices=prices,
        coefficient_reads=list(ctx.reads),
        trace=dict(ctx.trace),
        routes=routes,
        warnings=warnings,
        ledger_bases=bases,
        profile_spec=prof,
        supplied=supplied,
        unused_quantities=unused,
        aggregate_basis=agg_basis,
    )
    if agg_basis is not None and acc.city_ledger is not None:
        # the city's own ledger: computed now so that bad city inputs fail here (exit 2);
        # its warnings (a deduction falling back to the sum of counties) join the account's
        acc.warnings += [w.as_dict() for w in acc.city_ledger.warnings]
    return acc


def _aggregate_basis(dataset: Dataset):
    """The dataset's ``aggregate.csv`` (validated once per loaded dataset), or None."""
    if "_aggregate_basis" not in dataset.__dict__:
        from .aggregate_basis import load_aggregate_basis

        dataset.__dict__["_aggregate_basis"] = load_aggregate_basis(dataset)
    return dataset.__dict__["_aggregate_basis"]


def _stack_indicators(values: list, ids: list[str], cats: list[str]) -> xr.DataArray | None:
    """The indicator values as one ``(region, year, indicator, ...)`` array — what
    ``stack`` + ``assign_coords`` + ``transpose`` give when the parts share their labels (the
    usual case), with numpy and one DataArray construction; None otherwise.

    Parts may differ in extra dims (a Monte Carlo ``draw`` on some indicators only): they are
    broadcast to the union of dims in order of appearance, as ``xr.concat`` does, and stacked
    in the same memory layout (indicator first), so sums downstream add in the same order.
    """
    if not values:
        return None
    first = values[0]
    if "region" not in first.dims or "year" not in first.dims:
        return None
    sizes: dict = {"region": None, "year": None}
    indexes: dict = {}
    for v in values:
        if "indicator" in v.dims or not isinstance(v.data, np.ndarray):
            return None
        if "region" not in v.dims or "year" not in v.dims:
            return None
        names = set(v.coords.variables)
        if names != {d for d in v.dims if d in v.xindexes}:
            return None  # non-index coordinates: let xarray carry them
        for d in ("region", "year", *v.dims):
            n = v.sizes[d]
            if sizes.get(d) not in (None, n):
                return None
            sizes[d] = n
            has = d in v.xindexes
            if d in indexes:
                if (indexes[d] is None) != (not has):
                    return None
                if has and not v.xindexes[d].equals(indexes[d]):
                    return None
            else:
                indexes[d] = v.xindexes[d] if has else None
    order = tuple(sizes)
    arrays = []
    for v in values:
        var = v.variable.transpose("region", "year", ...)
        if var.dims != order:
            var = var.set_dims(sizes)
        arrays.append(var.data)
    data = np.stack(arrays, axis=0)  # (indicator, region, year, ...): the layout stack() gives
    coord_vars = {}
    for v in values:  # index coordinates (equal in every part that has them)
        for k, c in v.coords.variables.items():
            coord_vars.setdefault(k, c)
    coords = {k: coord_vars[k] for k in order if k in coord_vars}
    coords["indicator"] = xr.Variable(("indicator",), np.asarray(ids))
    coords["category"] = xr.Variable(("indicator",), cats)
    out = xr.DataArray(data, dims=("indicator", *order), coords=coords, name=first.name)
    return out.transpose("region", "year", "indicator", ...)


def _on_grid(arr: xr.DataArray, value: xr.DataArray) -> bool:
    """True when ``arr`` has only index coordinates, each equal to ``value``'s."""
    names = set(arr.coords.variables)
    if names != {d for d in arr.dims if d in arr.xindexes}:
        return False
    return all(d in value.xindexes and arr.xindexes[d].equals(value.xindexes[d]) for d in names)


def _apply_ledger(value: xr.DataArray, prof: Profile, data, coefficients, notes: dict):
    """Post-valuation step: the profile's out-of-region rules turn ``value`` into gross,
    deduction and net (:func:`gep.ledger.ledger`); warnings also join the indicators' notes."""
    from .ledger import ledger

    res = ledger(value, prof.out_of_region, data, coefficients)
    net = res.value.transpose(*value.dims).assign_attrs(units="CNY")
    out = {
        "gross": res.gross.transpose(*value.dims).assign_attrs(units="CNY"),
        "out_of_region": res.out_of_region.transpose(*value.dims).assign_attrs(units="CNY"),
    }
    for v in (net, *out.values()):
        if "category" not in v.coords:
            v.coords["category"] = value["category"]
    for w in res.warnings:
        notes.setdefault(w.indicator, []).append(f"warning: {w.en}")
    return net, out, [w.as_dict() for w in res.warnings], dict(res.bases)


def _frame_hash(frame: pd.DataFrame) -> str:
    """Content hash of the supplied rows used (canonical values, sources)."""
    import hashlib

    cols = ["region", "year", "indicator", "component", "value", "unit", "source"]
    text = frame[cols].sort_values(cols[:4]).to_csv(index=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _supplied(dataset, quantities, chosen) -> tuple[pd.DataFrame | None, dict, list[str]]:
    """(rows, rows by chosen indicator, indicators with rows that are off in this run)."""
    if quantities is None and dataset is not None and dataset.path:
        cached = dataset.__dict__.get("_quantities")
        if cached is None:
            from .quantities import load_quantities

            cached = load_quantities(dataset.path, dataset)
            dataset.__dict__["_quantities"] = cached
        quantities = cached
    if quantities is None or quantities.empty:
        return None, {}, []
    ids = {i.id for i in chosen}
    groups = {str(k): g for k, g in quantities.groupby("indicator", sort=False)}
    used = {k: g for k, g in groups.items() if k in ids}
    unused = sorted(set(groups) - ids)
    rows = pd.concat(list(used.values())) if used else quantities.iloc[:0]
    return rows.reset_index(drop=True), used, unused
