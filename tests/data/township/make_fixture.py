"""Build the illustrative township fixture (tests only) from the mini dataset.

Nothing here is published data. 甲县 (100001) of ``tests/data/mini`` is split into two made-up
townships, 甲一镇 (100001001) and 甲二镇 (100001002). Land area is split 55 / 45 km² and the
ecosystem areas with it; every other extensive row of 甲县 (outputs, water use, emissions,
population, GDP, visitors, revenue, capacities, generation) is split 60 / 40; intensive rows
(precipitation, runoff, evapotranspiration, water evaporation, hot days, RUSLE factors) are
copied to both. 乙县 stays a county-level region, so the fixture also covers a city where only
some counties report by township. With every indicator linear in the extensive items, the
townships' GEP sums to 甲县's GEP in the mini dataset (tests/app/test_township_map.py checks it).

The boundaries are rectangles in lon/lat chosen for the tests (甲县 108.0–109.0 °E, 乙县
109.0–109.5 °E, 32–33 °N; 甲一镇 the western 60 % of 甲县), not real outlines.

Run ``python tests/data/township/make_fixture.py`` to rewrite the files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
MINI = HERE.parent / "mini"
SOURCE = (
    "illustrative: mini-dataset 甲县 row split {pct} % to this made-up township "
    "(tests/data/township/make_fixture.py)"
)
COPIED = (
    "illustrative: mini-dataset 甲县 row copied to this made-up township (intensive quantity; "
    "tests/data/township/make_fixture.py)"
)
TOWNSHIPS = {"100001001": ("甲一镇", "Town A1", 0.6), "100001002": ("甲二镇", "Town A2", 0.4)}
#: land area [km²]: 55 + 45 = 甲县's 100, a split unlike the 60/40 of the rows, so GEP per km²
#: differs between the towns (the rectangles below are drawn 60/40 and do not claim area)
LAND_KM2 = {"100001001": 55, "100001002": 45}
INTENSIVE = {
    "precipitation",
    "runoff",
    "evapotranspiration",
    "climate.water_evaporation",
    "climate.hot_days",
    "rusle.r",
    "rusle.k",
    "rusle.ls",
    "rusle.c",
    "rusle.p",
}
RECTS = {
    "100001": (108.0, 109.0),
    "100002": (109.0, 109.5),
    "100001001": (108.0, 108.6),
    "100001002": (108.6, 109.0),
}


def rect(x0: float, x1: float, y0: float = 32.0, y1: float = 33.0) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
    }


def main() -> None:
    regions = pd.read_csv(MINI / "regions.csv", dtype=str, keep_default_na=False)
    rows = [
        {
            "code": code,
            "name_zh": zh,
            "name_en": en,
            "parent": "100001",
            "land_area": str(LAND_KM2[code]),
            "land_area_unit": "km**2",
            "source": f"illustrative: made-up township, {LAND_KM2[code]} of 甲县's 100 km²",
        }
        for code, (zh, en, _) in TOWNSHIPS.items()
    ]
    pd.concat([regions, pd.DataFrame(rows)]).to_csv(HERE / "regions.csv", index=False)

    inv = pd.read_csv(MINI / "inventory.csv", dtype=str, keep_default_na=False)
    a = inv[inv["region"] == "100001"]
    parts = [inv[inv["region"] != "100001"]]
    for code, (_, _, share) in TOWNSHIPS.items():
        t = a.copy()
        t["region"] = code
        extensive = ~t["item"].isin(INTENSIVE)
        area = t["item"] == "area"  # ecosystem extent follows the land area (≤ land area)
        land = LAND_KM2[code] / 100
        t.loc[extensive & ~area, "value"] = [
            f"{float(v) * share:.10g}" for v in t.loc[extensive & ~area, "value"]
        ]
        t.loc[area, "value"] = [f"{float(v) * land:.10g}" for v in t.loc[area, "value"]]
        t.loc[extensive & ~area, "source"] = SOURCE.format(pct=round(100 * share))
        t.loc[area, "source"] = SOURCE.format(pct=LAND_KM2[code])
        t.loc[~extensive, "source"] = COPIED
        parts.append(t)
    pd.concat(parts).to_csv(HERE / "inventory.csv", index=False)

    meta = (MINI / "dataset.yaml").read_text(encoding="utf-8")
    meta = meta.replace("name: mini", "name: township").replace(
        "description: {zh: 手算测试数据集（2县×2年）, en: Hand-computed test dataset (2 counties × "
        "2 years)}",
        "description: {zh: 乡镇级示意测试数据集（甲县分为 2 个虚构乡镇）, "
        "en: Illustrative township test dataset (County A split into 2 made-up towns)}",
    )
    meta += "note: illustrative — 甲县 split 60/40 into two made-up towns by make_fixture.py\n"
    (HERE / "dataset.yaml").write_text(meta, encoding="utf-8")

    names = dict(zip(regions["code"], regions["name_zh"], strict=True))
    names.update({c: v[0] for c, v in TOWNSHIPS.items()})

    def collection(codes, field="code"):
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {field: c, "name": names[c]},
                    "geometry": rect(*RECTS[c]),
                }
                for c in codes
            ],
        }

    # township file keyed by the 12-digit statistical code (XZDM), as many published files are
    towns = collection(list(TOWNSHIPS), "XZDM")
    for f in towns["features"]:
        f["properties"]["XZDM"] += "000"
    (HERE / "townships.geojson").write_text(json.dumps(towns, ensure_ascii=False), "utf-8")
    (HERE / "counties.geojson").write_text(
        json.dumps(collection(["100001", "100002"]), ensure_ascii=False), "utf-8"
    )


if __name__ == "__main__":
    main()
