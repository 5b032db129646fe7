"""City total in the city perspective (issue 11): the aggregate region's own out-of-region
basis (``aggregate.csv``), the city ledger, and the reconciling difference to the sum of
county net values."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from typer.testing import CliRunner

from gep.accounting import account
from gep.aggregate_basis import load_aggregate_basis
from gep.cli.main import app
from gep.coefficients import load_set
from gep.errors import InputError
from gep.inventory import load_dataset
from tests.conftest import ROOT

ANKANG = ROOT / "datasets" / "ankang"
LEDGER_WATER = ["material.water_supply", "material.hydropower"]
MAIN_STEM = ["610922", "610921", "610924", "610902", "610981", "610929"]
# the city's basis, by hand from the cited figures (datasets/ankang/README.md):
Q_CITY = (341 + 372) / 2 * 365 * 86400  # Han River from 汉中 at 石泉 = 112.43亿 m³
R_CITY = 107e8  # the city's annual runoff [m³]
S_CITY = Q_CITY / (Q_CITY + R_CITY)  # ≈ 0.5124


@pytest.fixture(scope="module")
def ankang():
    return load_dataset(ANKANG)


@pytest.fixture(scope="module")
def coef(ankang):
    return load_set(ankang.default_coefficients)


@pytest.fixture(scope="module")
def gbt(ankang, coef):
    return account(ankang, coef, profile="gbt-46869-2025")


def _copy(tmp_path, with_aggregate=True):
    d = tmp_path / "ankang"
    d.mkdir()
    for f in ("dataset.yaml", "regions.csv", "inventory.csv"):
        shutil.copy(ANKANG / f, d / f)
    if with_aggregate:
        shutil.copy(ANKANG / "aggregate.csv", d / "aggregate.csv")
    return d


def test_city_share_by_hand():
    # the cited figures: 石泉's inflow (112.43亿 m³) and the city runoff (107亿 m³)
    assert abs(Q_CITY / 1e8 - 112.43) < 0.005
    assert abs(S_CITY - 0.51236) < 1e-5


def test_aggregate_basis_rows(ankang):
    basis = load_aggregate_basis(ankang)
    assert basis is not None and basis.code == "610900"
    assert len(basis.table) == 10  # 2 items × 5 years
    for y in ankang.years:
        assert float(basis.data["inflow"].sel(year=y)) == pytest.approx(Q_CITY, abs=1)
        assert float(basis.data["local_runoff"].sel(year=y)) == pytest.approx(R_CITY)
    assert all(s.startswith("illustrative:") for s in basis.table["source"])


def test_city_net_by_hand(gbt):
    city = gbt.city_ledger
    assert city is not None and gbt.city_perspective == "city"
    for iid in LEDGER_WATER:
        for y in gbt.years:
            gross_c = gbt.gross.sel(indicator=iid, year=y)
            g = float(gross_c.sum())
            county_net = float(gbt.value.sel(indicator=iid, year=y).sum())
            county_out = float(gbt.out_of_region.sel(indicator=iid, year=y).sum())
            c = city.ds.sel(indicator=iid, year=y)
            assert g > 0
            assert float(c["gross"]) == pytest.approx(g, rel=1e-12)
            assert float(c["share"]) == pytest.approx(S_CITY, rel=1e-6)
            assert float(c["out_of_region"]) == pytest.approx(g * S_CITY, rel=1e-6)
            assert float(c["value"]) == pytest.approx(g * (1 - S_CITY), rel=1e-6)
            assert float(c["county_value"]) == pytest.approx(county_net, rel=1e-12)
            # every county share is computable here: transfers = county deductions − city's
            t = float(c["internal_transfers"])
            assert t == pytest.approx(county_out - g * S_CITY, rel=1e-6)
            assert t == pytest.approx(float(c["value"]) - county_net, rel=1e-9)
            # the county shares on the main stem (0.91–0.97) exceed the city's 0.51: the
            # county perspective deducts more
            assert county_out > g * S_CITY and t > 0
        # the county rows are unchanged: 石泉 still deducts its county share
        q_sq, r_sq = Q_CITY, 107e8 * 1514.7 / 23537.7
        s_sq = q_sq / (q_sq + r_sq)
        g_sq = float(gbt.gross.sel(indicator=iid, region="610922", year=2022))
        assert float(gbt.value.sel(indicator=iid, region="610922", year=2022)) == pytest.approx(
            g_sq * (1 - s_sq), rel=1e-8
        )


def test_city_gep_is_city_perspective(gbt):
    city = gbt.city_ledger
    for y in gbt.years:
        cg = float(gbt.city_gep().sel(year=y))
        county = float(gbt.county_sum_gep().sel(year=y))
        t = float(city.ds["internal_transfers"].sel(year=y).sum())
        assert cg == pytest.approx(float(city.value.sel(year=y).sum()), rel=1e-12)
        assert cg == pytest.approx(county + t, rel=1e-12)
        # by hand: county sum + Σ over the two water indicators of (county out − G·s)
        expect = county
        for iid in LEDGER_WATER:
            g = float(gbt.gross.sel(indicator=iid, year=y).sum())
            out = float(gbt.out_of_region.sel(indicator=iid, year=y).sum())
            expect += out - g * S_CITY
        assert cg == pytest.approx(expect, rel=1e-9)
        assert cg > county
    # the flood deduction (scalar share 0) is the same for the city: no transfers
    fl = city.ds.sel(indicator="regulating.flood_regulation")
    assert np.allclose(fl["share"], 0) and np.allclose(fl["internal_transfers"], 0)
    assert city.perspectives["regulating.flood_regulation"] == "city"
    # indicators without a rule: city value = sum of county values
    t = city.ds["internal_transfers"].drop_sel(
        indicator=[*LEDGER_WATER, "regulating.flood_regulation"]
    )
    assert float(abs(t).max()) < 1e-3


@pytest.mark.parametrize("profile", ["ndrc-2022", "xie-2015"])
def test_profiles_without_deductions_unchanged(ankang, coef, profile):
    acc = account(ankang, coef, profile=profile)
    assert acc.city_ledger is None and acc.city_perspective == "none"
    assert acc.aggregate_basis is None  # not even read
    np.testing.assert_array_equal(acc.city_gep().values, acc.county_sum_gep().values)


def test_without_aggregate_basis_is_sum_of_counties(tmp_path, coef, gbt):
    ds = load_dataset(_copy(tmp_path, with_aggregate=False))
    acc = account(ds, coef, profile="gbt-46869-2025")
    assert acc.city_ledger is None and acc.city_perspective == "counties"
    np.testing.assert_array_equal(acc.city_gep().values, acc.county_sum_gep().values)
    np.testing.assert_allclose(acc.county_sum_gep().values, gbt.county_sum_gep().values)
    from gep.report.labels import perspective_note

    assert "aggregate.csv" in perspective_note(acc, "en")
    assert "各县净值之和" in perspective_note(acc, "zh")
    cf = acc.city_frame()
    assert set(cf["perspective"]) == {"counties"}


def test_missing_basis_item_falls_back_with_warning(tmp_path, coef):
    d = _copy(tmp_path)
    lines = (d / "aggregate.csv").read_text(encoding="utf-8").splitlines()
    keep = [ln for ln in lines if ",local_runoff," not in ln]
    (d / "aggregate.csv").write_text("\n".join(keep) + "\n", encoding="utf-8")
    acc = account(load_dataset(d), coef, profile="gbt-46869-2025")
    assert acc.city_perspective == "counties"
    fb = [w for w in acc.warnings if w["kind"] == "aggregate_fallback"]
    assert sorted(w["indicator"] for w in fb) == sorted(LEDGER_WATER)
    assert "local_runoff" in fb[0]["en"]
    # the fallback is the sum of county values: no difference
    np.testing.assert_allclose(acc.city_gep().values, acc.county_sum_gep().values, rtol=1e-12)


BAD_ROWS = [
    # (replacement of the first data row, field named, words in the message)
    ("610922,2020,inflow,,,1,m ** 3,x", "region", "aggregate region 610900"),
    ("610900,2019,inflow,,,1,m ** 3,x", "year", "2019"),
    ("610900,2020,inflow,,,1,kg,x", "unit", "kg"),
    ("610900,2020,area,forest,,1,hectare,x", "item", "region totals"),
    ("610900,2020,inflow,,,-5,m ** 3,x", "value", ""),
    ("610900,2020,inflow,,,1,m ** 3,", "source", ""),
]


@pytest.mark.parametrize(("row", "field", "words"), BAD_ROWS)
def test_bad_aggregate_rows_are_refused(tmp_path, coef, row, field, words):
    d = _copy(tmp_path)
    lines = (d / "aggregate.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = row
    (d / "aggregate.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ds = load_dataset(d)
    with pytest.raises(InputError) as exc:
        account(ds, coef, profile="gbt-46869-2025")
    hits = [p for p in exc.value.problems if p.row == 2 and p.field == field]
    assert hits, [str(p) for p in exc.value.problems]
    assert all(p.file.endswith("aggregate.csv") for p in exc.value.problems)
    assert words in " ".join(p.message for p in hits)
    # the CLI says where and exits 2
    r = CliRunner().invoke(app, ["account", str(d), "--profile", "gbt-46869-2025"])
    assert r.exit_code == 2, r.output
    assert "aggregate.csv" in r.output and "row 2" in r.output


def test_city_share_above_one_is_refused(tmp_path, coef):
    d = _copy(tmp_path)
    text = (d / "aggregate.csv").read_text(encoding="utf-8")
    # a city inflow with local runoff reported as negative is caught by the value check;
    # numerator > denominator cannot happen with inflow / (inflow + local_runoff), so a
    # duplicate row is the remaining structural error
    lines = text.splitlines()
    lines.append(lines[1])
    (d / "aggregate.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        account(load_dataset(d), coef, profile="gbt-46869-2025")
    assert any("duplicate" in p.message for p in exc.value.problems)


def test_cli_account_json_and_csv(tmp_path):
    r = CliRunner().invoke(
        app,
        ["account", str(ANKANG), "--profile", "gbt-46869-2025", "--year", "2022", "-f", "json"],
    )
    assert r.exit_code == 0, r.output
    payload = json.loads(r.stdout[r.stdout.index("{") :])
    # existing keys kept
    for k in ("rows", "out_of_region_basis", "warnings", "profile"):
        assert k in payload
    city = payload["city"]
    assert city["perspective"] == "city" and city["region"] == "610900"
    tot = city["totals"][0]
    assert tot["year"] == 2022
    assert tot["value"] == pytest.approx(tot["county_value"] + tot["internal_transfers"])
    rows = {r["indicator"]: r for r in city["rows"]}
    ws = rows["material.water_supply"]
    assert ws["share"] == pytest.approx(S_CITY, rel=1e-6)
    assert ws["value"] == pytest.approx(ws["gross"] * (1 - S_CITY), rel=1e-6)
    assert payload["aggregate_basis"]["file"].endswith("aggregate.csv")
    # table: the perspective line and the city deduction lines
    r = CliRunner().invoke(
        app, ["account", str(ANKANG), "--profile", "gbt-46869-2025", "-y", "2022"]
    )
    assert r.exit_code == 0, r.output
    assert "全市视角" in r.stdout and "市内县际" in r.stdout


def test_compare_profiles_totals_use_city_perspective(ankang, coef):
    from gep.cli.profiles import build_comparison

    rec, _blocked, _ = build_comparison(ankang, coef, 2022, None, "en")
    assert rec.perspectives["gbt-46869-2025"] == "city"
    assert rec.perspectives["ndrc-2022"] == "none"
    for p, total in rec.totals.items():
        acc = account(ankang, coef, years=[2022], profile=p)
        assert total == float(acc.city_gep().sel(year=2022))  # exactly the account's own
        rows = rec.rows[rec.rows["profile"] == p]
        assert rows["value"].sum() == pytest.approx(total, rel=1e-12)
    g = rec.rows[rec.rows["profile"] == "gbt-46869-2025"].set_index("indicator")
    ws = g.loc["material.water_supply"]
    assert ws["out_of_region"] == pytest.approx(ws["gross"] * S_CITY, rel=1e-6)
    assert ws["value"] == pytest.approx(ws["county_value"] + ws["internal_transfers"])
    assert rec.as_dict()["perspective"]["gbt-46869-2025"] == "city"


def test_report_and_workbook_city_summary(gbt, tmp_path):
    import openpyxl

    from gep.report.document import build_report
    from gep.report.excel import write_xlsx
    from gep.report.tables import headline, summary_frame

    year = 2024
    city = float(gbt.city_gep().sel(year=year))
    county = float(gbt.county_sum_gep().sel(year=year))
    h = headline(gbt, None, year)
    assert h["perspective"] == "city"
    assert h["gep"] == pytest.approx(city) and h["county_sum"] == pytest.approx(county)
    assert h["internal_transfers"] == pytest.approx(city - county, rel=1e-9)
    assert sum(h["categories"].values()) == pytest.approx(city, rel=1e-12)
    # the summary table's city row (万元)
    sf = summary_frame(gbt)
    row = sf[(sf["region"] == "610900") & (sf["year"] == year)].iloc[0]
    assert row["GEP (万元)"] == pytest.approx(city / 1e4)
    # Word/PDF summary: GEP in the city perspective, the county sum and the difference
    rep = build_report(gbt, year, None, "zh", unit="wan_CNY")
    cells = [r for b in rep.blocks if hasattr(b, "rows") for r in b.rows]
    summary = {r[0]: r[1] for r in cells if len(r) == 2}
    assert summary["生态产品总值（GEP）"].startswith(f"{city / 1e4:,.2f}")
    assert summary["各县净值之和（县域视角）"].startswith(f"{county / 1e4:,.2f}")
    assert summary["差额：市内县际调入"].startswith(f"{(city - county) / 1e4:,.2f}")
    rk = [r for r in cells if len(r) == 8]
    assert any(r[1] == "全市（全市视角）" and r[2] == f"{city / 1e4:,.2f}" for r in rk)
    assert any(r[1] == "各县净值之和" and r[2] == f"{county / 1e4:,.2f}" for r in rk)
    # Excel: the summary sheet's city row and the GEP-by-year sheet
    out = tmp_path / "r.xlsx"
    write_xlsx(gbt, out, "zh", year=year)
    wb = openpyxl.load_workbook(out)
    rows = list(wb["汇总"].iter_rows(values_only=True))
    crow = next(r for r in rows if r[1] == "全市（全市视角）")
    gep_col = rows[2].index("GEP（万元）") if "GEP（万元）" in rows[2] else None
    vals = [v for v in crow if isinstance(v, float)]
    assert any(v == pytest.approx(city / 1e4, rel=1e-9) for v in vals), (crow, gep_col)
    by_year = list(wb["历年GEP"].iter_rows(values_only=True))
    crow = next(r for r in by_year if r[1] == "全市（全市视角）")
    assert crow[-1] == pytest.approx(city / 1e4, rel=1e-9)


def test_validate_reports_aggregate_rows(tmp_path):
    d = _copy(tmp_path)
    lines = (d / "aggregate.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",inflow,", ",inflw,")
    (d / "aggregate.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["validate", str(d)])
    assert r.exit_code == 2, r.output
    assert "aggregate.csv, row 4, field 'item'" in r.output and "inflw" in r.output
    r = CliRunner().invoke(app, ["validate", str(ANKANG)])
    assert r.exit_code == 0, r.output


def test_readme_figures_match_the_account(ankang, coef):
    """The Perspective table of datasets/ankang/README.md is the account's output."""
    text = (ANKANG / "README.md").read_text(encoding="utf-8")
    acc = account(ankang, coef, profile="gbt-46869-2025")
    for y in (2020, 2024):
        city = float(acc.city_gep().sel(year=y)) / 1e8
        county = float(acc.county_sum_gep().sel(year=y)) / 1e8
        t = float(acc.city_ledger.ds["internal_transfers"].sel(year=y).sum()) / 1e8
        assert f"| {y} |" in text
        row = next(ln for ln in text.splitlines() if ln.startswith(f"| {y} |"))
        assert f"| {t:,.2f} | {city:,.2f} | {county:,.2f} |" in row, row


def test_dashboard_scenario_accounts_keep_the_city_perspective(ankang, coef, gbt):
    from gep.app.scen import account_for
    from gep.scenarios.run import account_scenarios

    scen = sorted((ANKANG / "scenarios").glob("*.yaml"))[0]
    stacked = account_scenarios(ankang, coef, [scen], profile="gbt-46869-2025")
    base = account_for(stacked.ds, "baseline", gbt)
    assert base.city_perspective == "city"
    np.testing.assert_allclose(base.city_gep().values, gbt.city_gep().values, rtol=1e-12)
    alt = account_for(stacked.ds, str(stacked.ds["scenario"].values[1]), gbt)
    assert alt.city_perspective == "city"


def test_aggregate_ledger_pure_by_hand():
    """Two counties A (upstream) and B, one year, two draws: A receives 100 from outside the
    city and produces 50; B receives A's outflow 150 and produces 50. City: inflow 100, own
    runoff 100 → share 0.5."""
    import xarray as xr

    from gep.ledger import aggregate_ledger, ledger
    from gep.profiles import OutOfRegionRule, ShareBasis

    rule = OutOfRegionRule(
        "material.hydropower",
        ShareBasis(numerator=("inflow",), denominator=("inflow", "local_runoff")),
    )
    gross = xr.DataArray(
        np.array([[[[30.0, 60.0], [5.0, 5.0]]], [[[90.0, 90.0], [7.0, np.nan]]]]),
        dims=["region", "year", "indicator", "draw"],
        coords={
            "region": ["A", "B"],
            "year": [2020],
            "indicator": ["material.hydropower", "cultural.recreation"],
            "draw": [0, 1],
        },
    )
    data = xr.Dataset(
        {
            "inflow": (("region", "year"), [[100.0], [150.0]]),
            "local_runoff": (("region", "year"), [[50.0], [50.0]]),
        },
        coords={"region": ["A", "B"], "year": [2020]},
    )
    county = ledger(gross, [rule], data).ds
    basis = xr.Dataset(
        {"inflow": (("year",), [100.0]), "local_runoff": (("year",), [100.0])},
        coords={"year": [2020]},
    )
    res = aggregate_ledger(county, [rule], basis, "C")
    h = res.ds.sel(indicator="material.hydropower", year=2020)
    # draw 0: A 30 × 2/3 = 20 and B 90 × 3/4 = 67.5 deducted (county view, 87.5);
    # city: 120 × 0.5 = 60 → transfers 27.5
    assert h["gross"].values.tolist() == [120.0, 150.0]
    np.testing.assert_allclose(h["out_of_region"].values, [60.0, 75.0])
    np.testing.assert_allclose(h["county_out_of_region"].values, [87.5, 40.0 + 67.5])
    np.testing.assert_allclose(h["value"].values, [60.0, 75.0])
    np.testing.assert_allclose(h["county_value"].values, [32.5, 42.5])
    np.testing.assert_allclose(h["internal_transfers"].values, [27.5, 32.5])
    # no rule: the city value is the sum of the counties (NaN skipped as in Account.gep)
    r = res.ds.sel(indicator="cultural.recreation", year=2020)
    np.testing.assert_allclose(r["value"].values, [12.0, 5.0])
    np.testing.assert_allclose(r["internal_transfers"].values, [0.0, 0.0])
    np.testing.assert_allclose(res.gep().sel(year=2020).values, [72.0, 80.0])
    assert res.perspective == "city"
    # a city share outside [0, 1] is refused, naming the indicator and the year
    bad = basis.assign(local_runoff=(("year",), [-150.0]))
    with pytest.raises(InputError, match=r"material.hydropower \(C.*2020"):
        aggregate_ledger(county, [rule], bad, "C")


def test_aggregate_basis_size_and_columns_are_bounded(tmp_path, ankang):
    import pandas as pd

    from gep.aggregate_basis import MAX_ROWS, parse_aggregate

    row = {
        "region": "610900",
        "year": "2020",
        "item": "inflow",
        "ecosystem": "",
        "species": "",
        "value": "1",
        "unit": "m ** 3",
        "source": "x",
    }
    big = pd.DataFrame([row] * (MAX_ROWS + 1))
    with pytest.raises(InputError, match="at most"):
        parse_aggregate(big, ankang, "aggregate.csv")
    with pytest.raises(InputError, match="missing column"):
        parse_aggregate(big.drop(columns="source").head(2), ankang, "aggregate.csv")
