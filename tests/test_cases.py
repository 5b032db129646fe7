"""Published GEP cases as data (tests/data/cases/*): the paper's quantities and prices.

Each case folder holds the paper's physical quantities (``quantities.csv``), its prices (a
coefficient set in ``tests/data/cases/coefficients/<case>``) and the values it prints
(``expected.csv``, with a tolerance derived from the paper's rounding and a ``basis`` saying
how). Three levels of checks:

1. the case loads and validates (dataset, quantities, coefficient set) — runs now;
2. the reference arithmetic (quantity × the case's price, written out below) reproduces
   every asserted value of the paper to its rounding — runs now; it checks the transcription
   of quantities, prices and expected values against each other;
3. ``gep.account`` with the supplied quantities reproduces the same values (every asserted
   row, to the paper's rounding), and says the quantities came from outside.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
import pytest

from gep.accounting import account
from gep.coefficients import load_set
from gep.inventory import load_dataset
from gep.quantities import load_quantities
from tests.conftest import ROOT

CASES = ROOT / "tests" / "data" / "cases"
CASE_NAMES = ["garze_2010", "gaotianyan_2014"]
AUTHORS = {"garze_2010": "白玛卓嘎", "gaotianyan_2014": "缪建群"}
YI = {"亿元": 1e8, "万元": 1e4}
#: optional indicators of ndrc-2022 that the papers count
OPTIONAL = ("regulating.oxygen_release", "regulating.pest_control")


def _case(name):
    folder = CASES / name
    dataset = load_dataset(folder)
    quantities = load_quantities(folder, dataset)
    coefficients = load_set(CASES / "coefficients" / name)
    expected = pd.read_csv(folder / "expected.csv", dtype=str, keep_default_na=False)
    return folder, dataset, quantities, coefficients, expected


@pytest.fixture(scope="module", params=CASE_NAMES)
def case(request):
    return (request.param, *_case(request.param))


def test_case_loads_and_validates(case):
    name, folder, dataset, quantities, coefficients, expected = case
    assert len(dataset.counties) == 1 and len(dataset.years) == 1
    assert not quantities.empty
    assert (quantities["source"].str.contains(AUTHORS[name])).all()
    assert (dataset.table["source"].str.contains(AUTHORS[name])).all()
    assert coefficients.name == name
    assert set(expected["assert"]) <= {"yes", "no"}
    asserted = expected[expected["assert"] == "yes"]
    assert len(asserted) >= 5
    assert (asserted["tolerance"].astype(float) > 0).all()
    assert (expected["basis"].str.len() > 10).all()
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert AUTHORS[name] in readme and "doi:10.5846/" in readme


# ------------------------------------------------------------------------------------------
# reference arithmetic (independent of gep.accounting)


def _price(coefficients, cid, year, unit, key=None):
    arr = coefficients.array(cid, [year], keys=[key] if key else None, unit=unit)
    arr = arr.sel(year=year)
    if key:
        arr = arr.sel({arr.dims[0]: key})
    return float(arr)


def reference_values(quantities: pd.DataFrame, dataset, coefficients) -> dict:
    """Value [CNY] per (indicator, component) from quantity × the case's prices.

    Equations (as printed in the papers, all in canonical units):

    * market value, shadow project, replacement cost: V = Q × P;
    * soil retention (Garzê §2.4.2): V = Q × (λ / ρ × P_s + C_N × P_N + C_P × P_P);
    * sand fixation (Garzê §2.4.3): V = Q / (ρ × h) × P_f;
    * reported output value (output_value.<group>): passes through.
    """
    year = dataset.years[0]
    c = coefficients
    out: dict[tuple[str, str], float] = {}
    for r in quantities.itertuples(index=False):
        ind, comp, q = r.indicator, r.component, r.value
        if ind == "regulating.soil_conservation":
            p = "regulating.soil_conservation."
            per_t = (
                _price(c, p + "sediment_ratio", year, "dimensionless")
                / _price(c, p + "bulk_density", year, "t / m ** 3")
                * _price(c, p + "dredging_cost", year, "CNY / m ** 3")
                + _price(c, p + "nitrogen_content", year, "dimensionless")
                * _price(c, p + "nitrogen_price", year, "CNY / t")
                + _price(c, p + "phosphorus_content", year, "dimensionless")
                * _price(c, p + "phosphorus_price", year, "CNY / t")
            )
            v = q * per_t
        elif ind == "regulating.sand_fixation":
            p = "regulating.sand_fixation."
            v = (
                q
                / (
                    _price(c, p + "sand_bulk_density", year, "t / m ** 3")
                    * _price(c, p + "cover_depth", year, "m")
                )
                * _price(c, p + "control_cost", year, "CNY / m ** 2")
            )
        else:
            cid, key = {
                "material.water_supply": (f"material.water_supply.price.{comp}", None),
                "material.hydropower": ("material.hydropower.price", None),
                "material.forestry": (f"material.forestry.price.{comp}", None),
                "regulating.water_conservation": (
                    "regulating.water_conservation.reservoir_cost",
                    None,
                ),
                "regulating.flood_regulation": (
                    "regulating.water_conservation.reservoir_cost",
                    None,
                ),
                "regulating.air_purification": (f"regulating.air_purification.cost.{comp}", None),
                "regulating.water_purification": (
                    f"regulating.water_purification.cost.{comp}",
                    None,
                ),
                "regulating.carbon_sequestration": ("regulating.carbon_sequestration.price", None),
                "regulating.oxygen_release": ("regulating.oxygen_release.price", None),
                "regulating.climate_regulation": (
                    "regulating.climate_regulation.electricity_price",
                    None,
                ),
                "regulating.pest_control": ("regulating.pest_control.cost", comp),
            }.get(ind, (None, None))
            if cid is None:
                continue  # no printed price (e.g. recreation): nothing to recompute
            unit = "CNY" if r.unit == "head" else f"CNY / {r.unit}"
            v = q * _price(c, cid, year, unit, key)
        out[(ind, comp)] = v
    for item in [v for v in dataset.data.data_vars if str(v).startswith("output_value.")]:
        group = str(item).split(".", 1)[1]
        key = (f"material.{group}", "")
        out[key] = out.get(key, 0.0) + float(dataset.data[item].sum())
    return out


def _aggregate(parts: dict) -> tuple[dict, dict]:
    """Indicator totals (components summed) and category totals."""
    indicator: dict[str, float] = defaultdict(float)
    for (ind, _comp), v in parts.items():
        indicator[ind] += v
    category: dict[str, float] = defaultdict(float)
    for ind, v in indicator.items():
        category[ind.split(".", 1)[0]] += v
    return dict(indicator), dict(category)


def _check(expected: pd.DataFrame, parts: dict, indicator: dict, category: dict) -> list[str]:
    """Every asserted expected row against the computed values; returns the failures."""
    failures = []
    for row in expected[expected["assert"] == "yes"].itertuples(index=False):
        scale = YI[row.unit]
        if row.level == "component":
            got = parts.get((row.indicator, row.component))
        elif row.level == "indicator":
            got = indicator.get(row.indicator)
        elif row.level == "category":
            got = category.get(row.indicator)
        else:
            got = sum(indicator.values())
        want, tol = float(row.value), float(row.tolerance)
        label = f"{row.level} {row.indicator} {row.component}".strip()
        if got is None:
            failures.append(f"{label}: not computed")
        elif abs(got / scale - want) > tol:
            failures.append(f"{label}: {got / scale:.6f} vs paper {want} ± {tol}")
    return failures


def test_reference_arithmetic_reproduces_the_paper(case):
    name, _folder, dataset, quantities, coefficients, expected = case
    parts = reference_values(quantities, dataset, coefficients)
    indicator, category = _aggregate(parts)
    # indicator totals are compared for indicators with component rows only via the sum
    failures = _check(expected, parts, indicator, category)
    assert not failures, "\n".join(failures)


def test_reference_arithmetic_can_fail(case):
    # a 10 % error in one asserted quantity must be caught (the check is not vacuous)
    name, _folder, dataset, quantities, coefficients, expected = case
    asserted = expected[(expected["assert"] == "yes") & (expected["level"] == "indicator")]
    target = next(i for i in asserted["indicator"] if i in set(quantities["indicator"]))
    wrong = quantities.copy()
    wrong.loc[wrong["indicator"] == target, "value"] *= 1.1
    parts = reference_values(wrong, dataset, coefficients)
    assert _check(expected, parts, *_aggregate(parts))


# ------------------------------------------------------------------------------------------
# the account engine with the supplied quantities


def account_values(name: str) -> tuple[dict, dict, dict]:
    """The case through ``gep.account`` with its supplied quantities.

    Returns (component values, indicator values, category values) [CNY] of the case's
    region and year. Needs ``account(..., quantities=<frame from load_quantities>)`` and the
    account's ``components`` holding a ``value`` per component.
    """
    _folder, dataset, quantities, coefficients, expected = _case(name)
    not_recomputable = set(expected.loc[expected["assert"] == "no", "indicator"]) & set(
        quantities["indicator"]
    )
    recreation_only = {i for i in not_recomputable if i.startswith("cultural.")}
    acc = account(
        dataset,
        coefficients,
        include=[i for i in OPTIONAL if i in set(quantities["indicator"])],
        exclude=sorted(recreation_only),
        quantities=quantities,
    )
    region, year = dataset.counties[0], dataset.years[0]
    value = acc.value.sel(region=region, year=year)
    indicator = {
        str(i): float(v)
        for i, v in zip(value["indicator"].values, value.values, strict=True)
        if v == v
    }
    parts = {}
    for ind, comps in acc.components.items():
        if "value" in comps:
            cv = comps["value"].sel(region=region, year=year)
            for comp, v in zip(cv["component"].values, cv.values, strict=True):
                parts[(ind, str(comp))] = float(v)
    category: dict[str, float] = defaultdict(float)
    for ind, v in indicator.items():
        category[ind.split(".", 1)[0]] += v
    return parts, indicator, dict(category)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_account_reproduces_the_paper(name):
    expected = _case(name)[4]
    parts, indicator, category = account_values(name)
    failures = _check(expected, parts, indicator, category)
    assert not failures, "\n".join(failures)


def test_account_says_the_quantities_were_supplied():
    _folder, dataset, quantities, coefficients, _expected = _case("garze_2010")
    acc = account(dataset, coefficients, include=list(OPTIONAL), exclude=["cultural.recreation"])
    region, year = dataset.counties[0], dataset.years[0]
    # read from the dataset folder without passing quantities=
    assert acc.supplied is not None and len(acc.supplied) == len(quantities) - 1
    assert acc.unused_quantities == ["cultural.recreation"]
    assert acc.routes["regulating.water_conservation"] == "supplied"
    ex = acc.explain(region, year, "regulating.water_conservation")
    assert ex["route"] == "supplied"
    assert "白玛卓嘎" in ex["quantity_sources"][0]["source"]
    assert ex["physical"] == pytest.approx(321.49e8)
    frame = acc.to_frame()
    row = frame[frame["indicator"] == "regulating.flood_regulation"].iloc[0]
    assert row["route"] == "supplied" and "lakes: 白玛卓嘎" in row["quantity_source"]
    # material.agriculture comes from the inventory's reported output value
    agri = frame[frame["indicator"] == "material.agriculture"].iloc[0]
    assert agri["route"] == "formula" and agri["quantity_source"] == ""
    prov = acc.provenance()["quantities"]
    assert prov["rows"] == len(quantities) - 1 and len(prov["hash"]) == 16
    # switching the file off: nothing is assessed from the paper's quantities
    bare = account(dataset, coefficients, quantities=quantities.iloc[:0])
    assert bare.routes.get("regulating.water_conservation") != "supplied"
    assert bare.explain(region, year, "regulating.water_conservation")["route"] == "formula"
    assert bare.value.sel(indicator="regulating.water_conservation").isnull().all()
    from gep.report import county_table

    table = county_table(acc, region, year)
    src = dict(zip(table["indicator_id"], table["quantity_source"], strict=True))
    assert src["regulating.water_conservation"].startswith("外部提供: 白玛卓嘎")
    assert src["material.agriculture"] == "公式计算"


def test_gep_account_cli_supplied_rows_and_bad_rows(tmp_path):
    import json
    import shutil

    from typer.testing import CliRunner

    from gep.cli.main import app

    coef = str(CASES / "coefficients" / "garze_2010")
    folder = tmp_path / "garze"
    shutil.copytree(CASES / "garze_2010", folder)
    r = CliRunner().invoke(app, ["account", str(folder), "-c", coef, "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    row = next(x for x in d["rows"] if x["indicator"] == "material.hydropower")
    assert row["route"] == "supplied" and "水力发电量" in row["quantity_source"]
    assert row["physical"] == pytest.approx(95.30e8)
    assert d["quantities"]["rows"] == 19  # 22 rows; oxygen release, pest control are off
    assert d["quantities"]["unused_indicators"] == [
        "regulating.oxygen_release",
        "regulating.pest_control",
    ]
    # a bad row: one error naming file, row and field; exit code 2
    text = (folder / "quantities.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[4] = lines[4].replace(",95.30,", ",-95.30,")
    (folder / "quantities.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    bad = CliRunner().invoke(app, ["account", str(folder), "-c", coef, "--format", "json"])
    assert bad.exit_code == 2
    assert "quantities.csv" in bad.output and "row 5" in bad.output and "value" in bad.output
