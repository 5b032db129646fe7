"""``explain`` says when a number rests on illustrative data (issue 13 item 6): the JSON's
``data_status`` and per-row ``illustrative`` flags, the table's warning line, and the
out-of-region share behind a net value (issue 11)."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from gep.accounting import account
from gep.cli.main import app
from gep.coefficients import load_set
from gep.explain import explain_text
from gep.inventory import load_dataset
from tests.conftest import ROOT

MINI = ROOT / "tests" / "data" / "mini"
COEF = ROOT / "tests" / "data" / "coefficients" / "mini"
ANKANG = ROOT / "datasets" / "ankang"


def _illustrative_coefficients(cs, ex) -> set[str]:
    """Coefficient rows of ``ex`` whose value in force has status illustrative, read from the
    set directly (not from the explanation)."""
    out = set()
    for c in ex["coefficients"]:
        base = c["id"].split("[", 1)[0]
        if cs[base].entry_for(ex["year"]).status == "illustrative":
            out.add(c["id"])
    return out


@pytest.fixture(scope="module")
def mini():
    ds, cs = load_dataset(MINI), load_set(COEF)
    return ds, cs, account(ds, cs)


def _illustrative_rows(ds, region: str, year: int) -> set[str]:
    """Explanation labels (``item`` or ``item[key]``) of the inventory rows of one region-year
    whose source starts with "illustrative", read from the table directly."""
    t = ds.table
    t = t[(t["region"].astype(str) == region) & (t["year"].astype(int) == year)]
    out = set()
    for item, eco, sp, src in zip(
        t["item"], t["ecosystem"], t["species"], t["source"], strict=True
    ):
        if str(src).lower().startswith("illustrative"):
            key = str(eco or "") or str(sp or "")
            out.add(f"{item}[{key}]" if key and key != "nan" else str(item))
    return out


def test_illustrative_inputs_and_coefficients_are_named(mini):
    ds, cs, acc = mini
    rows = _illustrative_rows(ds, "100001", 2021)
    n_inputs = 0
    for ind in acc.indicator_ids:
        ex = acc.explain("100001", 2021, ind)
        st = ex["data_status"]
        want = [i["item"] for i in ex["inputs"] if i["item"] in rows]
        assert st["inputs"] == want, ind
        assert [i["item"] for i in ex["inputs"] if i["illustrative"]] == want
        n_inputs += len(want)
        assert set(st["coefficients"]) == _illustrative_coefficients(cs, ex), ind
        assert {c["id"] for c in ex["coefficients"] if c["illustrative"]} == set(st["coefficients"])
        assert st["illustrative"] == bool(st["inputs"] or st["coefficients"])
    assert n_inputs > 20


@pytest.mark.skipif(not (ANKANG / "dataset.yaml").exists(), reason="datasets/ankang not present")
def test_official_rows_and_sourced_coefficients_are_not_flagged(tmp_path):
    folder = tmp_path / "ds"
    shutil.copytree(ANKANG, folder, ignore=shutil.ignore_patterns("scenarios"))
    inv = pd.read_csv(folder / "inventory.csv", dtype=str, keep_default_na=False)
    inv["source"] = "县统计局 2024 年统计年鉴 表 3-1"
    inv.to_csv(folder / "inventory.csv", index=False)
    ds = load_dataset(folder)
    cs = load_set(ds.default_coefficients)
    acc = account(ds, cs, years=[2024])
    seen = set()
    for ind in acc.indicator_ids:
        ex = acc.explain("610923", 2024, ind)
        st = ex["data_status"]
        assert st["inputs"] == [] and not any(i["illustrative"] for i in ex["inputs"])
        want = _illustrative_coefficients(cs, ex)
        assert set(st["coefficients"]) == want
        assert st["illustrative"] == bool(want)
        assert ("示意数据" in explain_text(ex, "zh")) == bool(want)
        seen.add(bool(want))
    # water supply: official prices and official rows → no warning at all
    ex = acc.explain("610923", 2024, "material.water_supply")
    assert ex["data_status"]["illustrative"] is False
    # water conservation: official rows and an official reservoir cost, but the default set of
    # ecosystems counted is the project's own choice (status illustrative), and says so
    ex = acc.explain("610923", 2024, "regulating.water_conservation")
    flagged = ex["data_status"]["coefficients"]
    assert flagged and all(
        c.startswith("regulating.water_conservation.ecosystems") for c in flagged
    )
    assert seen == {True, False}


def test_supplied_illustrative_quantity_is_flagged(tmp_path, mini):
    _, cs, _ = mini
    folder = tmp_path / "ds"
    shutil.copytree(MINI, folder)
    ind = "regulating.water_conservation"
    (folder / "quantities.csv").write_text(
        "region,year,indicator,component,value,unit,source\n"
        f"100001,2021,{ind},,2,亿立方米,illustrative: made-up outside-model figure\n"
        f"100002,2021,{ind},,3,亿立方米,水利局 2021 年水资源公报\n",
        encoding="utf-8",
    )
    acc = account(load_dataset(folder), cs)
    ex = acc.explain("100001", 2021, ind)
    assert ex["route"] == "supplied"
    assert ex["data_status"]["quantities"] == [""] and ex["data_status"]["illustrative"]
    assert "外部功能量: 整体" in explain_text(ex, "zh")
    ex2 = acc.explain("100002", 2021, ind)
    assert ex2["data_status"]["quantities"] == []


def test_cli_json_and_table_carry_the_warning():
    r = CliRunner().invoke(
        app,
        [
            "explain",
            str(MINI),
            "--coefficients",
            str(COEF),
            "--region",
            "100001",
            "--year",
            "2021",
            "--indicator",
            "regulating.water_conservation",
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    ex = json.loads(r.output)
    assert ex["data_status"]["illustrative"] is True
    assert "precipitation" in ex["data_status"]["inputs"]
    assert all("illustrative" in i for i in ex["inputs"])
    r = CliRunner().invoke(
        app,
        [
            "explain",
            str(MINI),
            "--coefficients",
            str(COEF),
            "--region",
            "100001",
            "--year",
            "2021",
            "--indicator",
            "regulating.water_conservation",
            "--lang",
            "en",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "ILLUSTRATIVE DATA" in r.output and "precipitation" in r.output
    assert "[illustrative]" in r.output


@pytest.mark.skipif(not (ANKANG / "dataset.yaml").exists(), reason="datasets/ankang not present")
def test_out_of_region_share_behind_a_net_value():
    ds = load_dataset(ANKANG)
    cs = load_set(ds.default_coefficients)
    acc = account(ds, cs, years=[2024], profile="gbt-46869-2025")
    ex = acc.explain("610902", 2024, "regulating.flood_regulation")
    led = ex["out_of_region"]
    cid = "out_of_region.regulating.flood_regulation.share"
    (row,) = [r for r in led["share_inputs"] if r["id"] == cid]
    assert row["status"] == cs[cid].entry_for(2024).status == "illustrative"
    assert ex["data_status"]["share"] == [cid]
    # the inflow share of water supply lists its inventory items with their sources
    ex = acc.explain("610902", 2024, "material.water_supply")
    items = {r["id"]: r for r in ex["out_of_region"]["share_inputs"]}
    assert set(items) == {"inflow", "local_runoff"}
    inflow = float(ds.data["inflow"].sel(region="610902", year=2024))
    local = float(ds.data["local_runoff"].sel(region="610902", year=2024))
    assert items["inflow"]["value"] == pytest.approx(inflow)
    assert ex["out_of_region"]["share"] == pytest.approx(inflow / (inflow + local), rel=1e-9)


def test_equation_is_the_family_own():
    """xie-2015 registers ids the 2022 family also has: each explains with its own formula."""
    from gep.indicators.base import get_indicator

    for iid in ("material.water_supply", "regulating.climate_regulation"):
        ndrc, xie = get_indicator(iid, "ndrc-2022"), get_indicator(iid, "xie-2015")
        assert "ESV_f" in xie.equation()
        assert "ESV_f" not in ndrc.equation() and ndrc.equation()
    assert "E_{pt}" in get_indicator("regulating.climate_regulation").equation()


def test_whole_supplied_quantity_lists_only_the_price(tmp_path):
    """A county whose whole quantity came from quantities.csv: explain shows the supplied row
    and the valuation's price, not the formula inputs read for the other counties (they would
    also wrongly flag the number illustrative)."""
    folder = tmp_path / "ds"
    shutil.copytree(MINI, folder)
    (folder / "quantities.csv").write_text(
        "region,year,indicator,component,value,unit,source\n"
        "100001,2021,regulating.water_conservation,,2,亿立方米,水利局 2021 年水资源公报\n",
        encoding="utf-8",
    )
    from gep.explain import explain

    acc = account(load_dataset(folder), load_set(ROOT / "tests/data/coefficients/mini"))
    ind = "regulating.water_conservation"
    supplied = explain(acc, "100001", 2021, ind)
    assert supplied["route"] == "supplied" and supplied["physical"] == pytest.approx(2e8)
    assert supplied["inputs"] == []
    assert [c["id"] for c in supplied["coefficients"]] == [f"{ind}.reservoir_cost"]
    assert supplied["data_status"]["inputs"] == []
    computed = explain(acc, "100002", 2021, ind)  # the other county: its formula inputs
    assert computed["route"] == "formula"
    assert {"precipitation", "runoff", "evapotranspiration"} <= {
        i["item"].split("[")[0] for i in computed["inputs"]
    }


def _official_except(folder, keep_illustrative) -> None:
    """Give the inventory rows an official source (a made-up office name), except those
    ``keep_illustrative(region, year, item, ecosystem)`` marks illustrative."""
    path = folder / "inventory.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        f = line.split(",")
        illustrative = keep_illustrative(f[0], f[1], f[2], f[3])
        f[-1] = "illustrative: test row" if illustrative else "县统计局 2021 年报"
        out.append(",".join(f))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def test_supplied_component_leaves_out_what_only_it_reads(tmp_path):
    """A county whose SO₂ purified amount and forest water conservation came from
    quantities.csv: explain and the data status leave out the inputs the formula reads only
    for those parts (emission.so2 and its capacity rate; runoff, evapotranspiration and area
    of the forest codes), keep those of the other parts and every price."""
    folder = tmp_path / "ds"
    shutil.copytree(MINI, folder)
    air, wc = "regulating.air_purification", "regulating.water_conservation"
    (folder / "quantities.csv").write_text(
        "region,year,indicator,component,value,unit,source\n"
        f"100001,2021,{air},so2,120,t,环境监测站 2021 年监测报告\n"
        f"100001,2021,{wc},forest,1.5,亿立方米,水利局 2021 年水资源公报\n",
        encoding="utf-8",
    )
    # only what the supplied parts would have read stays illustrative in 2021
    _official_except(
        folder,
        lambda r, y, item, eco: (
            y == "2021"
            and (
                item == "emission.so2"
                or (item in ("runoff", "evapotranspiration") and eco.startswith("forest."))
            )
        ),
    )
    from gep.datastatus import illustrative_flags
    from gep.explain import explain

    acc = account(load_dataset(folder), load_set(ROOT / "tests/data/coefficients/mini"))
    ex = explain(acc, "100001", 2021, air)
    items = {i["item"] for i in ex["inputs"]}
    assert "emission.so2" not in items and {"emission.nox", "emission.dust"} <= items
    cids = {c["id"] for c in ex["coefficients"]}
    assert f"{air}.capacity.so2" not in cids
    assert f"{air}.cost.so2" in cids  # the price values the supplied amount
    assert ex["data_status"]["inputs"] == []
    other = explain(acc, "100002", 2021, air)  # computed: its emission.so2 is read
    assert "emission.so2" in {i["item"] for i in other["inputs"]}

    ex = explain(acc, "100001", 2021, wc)
    items = {i["item"] for i in ex["inputs"]}
    assert not any(i.startswith(("runoff[forest.", "evapotranspiration[forest.")) for i in items)
    assert {"precipitation", "runoff[shrub]", "evapotranspiration[shrub]"} <= items
    assert ex["data_status"]["inputs"] == []
    assert f"{wc}.reservoir_cost" in {c["id"] for c in ex["coefficients"]}
    other = explain(acc, "100002", 2021, wc)
    assert any(i["item"].startswith("runoff[forest.") for i in other["inputs"])

    # under the capacity rule the SO₂ uptake rate is read too: only for the computed county
    cap = account(
        load_dataset(folder),
        load_set(ROOT / "tests/data/coefficients/mini"),
        options={"purification_rule": "capacity"},
        exclude=["regulating.water_purification"],
    )

    def rates(region):  # capacity coefficients listed (their ids without the ecosystem key)
        listed = explain(cap, region, 2021, air)["coefficients"]
        return {c["id"].split("[")[0] for c in listed if ".capacity." in c["id"]}

    assert rates("100002") == {f"{air}.capacity.{p}" for p in ("so2", "nox", "dust")}
    assert rates("100001") == {f"{air}.capacity.{p}" for p in ("nox", "dust")}

    # the data status table says the same per cell
    flags = illustrative_flags(acc).set_index(["region", "year", "indicator"])
    assert not flags.loc[("100001", 2021, air), "inventory"]
    assert not flags.loc[("100001", 2021, wc), "inventory"]
    assert flags.loc[("100002", 2021, air), "inventory"]
    assert flags.loc[("100002", 2021, wc), "inventory"]

    # an illustrative row the other parts still read keeps the cell flagged, in both places
    _official_except(
        folder, lambda r, y, item, eco: r == "100001" and y == "2021" and item == "precipitation"
    )
    acc = account(load_dataset(folder), load_set(ROOT / "tests/data/coefficients/mini"))
    assert explain(acc, "100001", 2021, wc)["data_status"]["inputs"] == ["precipitation"]
    assert explain(acc, "100001", 2021, air)["data_status"]["inputs"] == []
    flags = illustrative_flags(acc).set_index(["region", "year", "indicator"])
    assert flags.loc[("100001", 2021, wc), "inventory"]
    assert not flags.loc[("100001", 2021, air), "inventory"]


def test_supplied_ecosystems_leave_out_their_coefficient_cells(tmp_path):
    """A per-ecosystem coefficient of the quantity step (the ecosystems water conservation
    counts) is read by each ecosystem code for that code's term only: a county whose forest
    part was supplied no longer lists its forest cells; when every class it was read by was
    supplied, the coefficient is gone from explain and from the data status alike."""
    from gep.datastatus import illustrative_flags
    from gep.explain import explain

    wc = "regulating.water_conservation"
    counted = f"{wc}.ecosystems"
    coef = tmp_path / "coef"
    shutil.copytree(COEF, coef)
    price = coef / "regulating" / "water_conservation" / "reservoir_cost.yaml"
    price.write_text(
        price.read_text(encoding="utf-8").replace("status: illustrative", "status: literature"),
        encoding="utf-8",
    )
    folder = tmp_path / "ds"
    shutil.copytree(MINI, folder)
    # forests and shrub only (both counted), so that a county can supply every part
    inventory = folder / "inventory.csv"
    lines = inventory.read_text(encoding="utf-8").splitlines()
    keep = [
        ln
        for ln in lines[1:]
        if ln.split(",")[3] in ("", "shrub") or ".forest" in "." + ln.split(",")[3]
    ]
    inventory.write_text("\n".join([lines[0], *keep]) + "\n", encoding="utf-8")
    _official_except(folder, lambda r, y, item, eco: False)

    def run(classes):
        rows = [f"100001,2021,{wc},{c},0.1,亿立方米,水利局 2021 年水资源公报" for c in classes]
        (folder / "quantities.csv").write_text(
            "region,year,indicator,component,value,unit,source\n" + "\n".join(rows) + "\n",
            encoding="utf-8",
        )
        acc = account(load_dataset(folder), load_set(coef))
        flags = illustrative_flags(acc).set_index(["region", "year", "indicator"])
        return acc, flags

    def listed(acc, region):
        return {c["id"] for c in explain(acc, region, 2021, wc)["coefficients"]}

    acc, flags = run(["forest"])
    here, other = listed(acc, "100001"), listed(acc, "100002")
    assert f"{counted}[shrub]" in here and f"{wc}.reservoir_cost" in here
    assert not any(c.startswith(f"{counted}[forest.") for c in here)
    assert {f"{counted}[forest.broadleaf]", f"{counted}[forest.coniferous]"} <= other
    # the coefficient is still read (shrub, grassland, ...): flagged in both places
    assert explain(acc, "100001", 2021, wc)["data_status"]["coefficients"]
    assert flags.loc[("100001", 2021, wc), "coefficients"]

    read_by = {k.split(".")[0] for k in dict(acc.trace[wc].coefficients)[counted]}
    assert read_by == {"forest", "shrub"}
    acc, flags = run(sorted(read_by))  # every class the coefficient was read by
    assert not any(c.startswith(counted) for c in listed(acc, "100001"))
    ex = explain(acc, "100001", 2021, wc)
    assert ex["data_status"]["coefficients"] == [] and not ex["data_status"]["illustrative"]
    assert not flags.loc[("100001", 2021, wc), "coefficients"]
    assert not flags.loc[("100001", 2021, wc), "illustrative"]
    assert flags.loc[("100002", 2021, wc), "coefficients"]  # computed there: still read
    assert explain(acc, "100002", 2021, wc)["data_status"]["coefficients"]
