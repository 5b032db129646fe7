#!/usr/bin/env python
"""Build the Ankang (安康市) demo inventory: ``datasets/ankang/inventory.csv``.

Run from anywhere::

    python datasets/ankang/build_inventory.py            # writes inventory.csv next to this file
    python datasets/ankang/build_inventory.py --check    # also prints consistency checks

What this script does
---------------------
It synthesizes a long-form inventory (``region, year, item, ecosystem, species, value, unit,
source``) for the ten county-level units of Ankang for 2020-2024 from the few public figures
that exist (census populations, county statistical bulletins, city bulletins, the 第三次全国国土
调查 bulletin, hydropower station design data ...). Every row says where its number comes from:

* rows that carry a published figure unchanged cite it (issuer, title, year, URL);
* every other row starts with ``illustrative:`` and states how it was made (which public
  anchor, which split key, which assumed factor).

The script is deterministic: there is no random number generator. Year-to-year and
county-to-county variation comes from the explicit tables and smooth formulas below, so the
same input always gives the same CSV byte for byte. Only numpy and pandas are used.

Land areas are read from ``regions.csv`` (the DataV-geometry county areas); all ecosystem
areas of a county add up to exactly that land area.

Replacing illustrative rows
---------------------------
An analyst replaces a synthetic row by editing inventory.csv (or an XLSX template) with the
official statistic and its citation; this script is only the generator of the demo and is not
needed afterwards. See README.md in this folder.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
YEARS = [2020, 2021, 2022, 2023, 2024]
COLUMNS = ["region", "year", "item", "ecosystem", "species", "value", "unit", "source"]
ILL = "illustrative: "

# --------------------------------------------------------------------------------------------
# Counties. key -> (code, zone). zone drives forest composition:
#   qinling = high Qinling south slope, daba = Daba mountains, valley = Han River valley/hills.
# --------------------------------------------------------------------------------------------
COUNTIES: dict[str, tuple[str, str]] = {
    "hanbin": ("610902", "valley"),
    "hanyin": ("610921", "valley"),
    "shiquan": ("610922", "valley"),
    "ningshan": ("610923", "qinling"),
    "ziyang": ("610924", "valley"),
    "langao": ("610925", "daba"),
    "pingli": ("610926", "daba"),
    "zhenping": ("610927", "daba"),
    "xunyang": ("610981", "valley"),
    "baihe": ("610929", "valley"),
}
KEYS = list(COUNTIES)
ZH = {
    "hanbin": "汉滨",
    "hanyin": "汉阴",
    "shiquan": "石泉",
    "ningshan": "宁陕",
    "ziyang": "紫阳",
    "langao": "岚皋",
    "pingli": "平利",
    "zhenping": "镇坪",
    "xunyang": "旬阳",
    "baihe": "白河",
}

ECOSYSTEMS = [
    "forest.broadleaf",
    "forest.coniferous",
    "forest.mixed",
    "forest.bamboo",
    "shrub",
    "grassland",
    "wetland",
    "water",
    "farmland.paddy",
    "farmland.dry",
    "garden",
    "urban",
    "bare",
]
FOREST_ECOS = ECOSYSTEMS[:4]
SPECIES = [
    "quercus",
    "pinus_massoniana",
    "pinus_armandii",
    "pinus_tabuliformis",
    "cunninghamia",
    "cupressus",
    "populus",
    "broadleaf_mixed",
    "bamboo",
]
STOCKED = SPECIES[:-1]  # bamboo is counted by culms, not stem volume: no stock rows

# --------------------------------------------------------------------------------------------
# Public sources (wording of the issuers; URLs as found, "weak" = mirror/aggregator host).
# --------------------------------------------------------------------------------------------
S = {
    "census": (
        "第七次全国人口普查 county totals (2020-11-01): leiii/census : "
        "data/census/census_county_2020_v1.xlsx (Lei Dong et al., MIT licence; digitised county "
        "census gazettes), column 人口数_合计; the ten counties sum to the city total 2,493,436 of "
        "安康市统计局《安康市第七次全国人口普查主要数据公报》(2021-05-26)"
    ),
    "city_bulletin_2022": (
        "安康市统计局/国家统计局安康调查队《2022年安康市国民经济和社会发展统计公报》(2023-04), "
        "mirror http://m.fzhcxjc.com/news/ankang/aknews/435895.html"
    ),
    "city_agri_2020": "安康市统计局《“十三五”安康农业质效双提升》(2021-06-15), https://zrzy.ankang.gov.cn/Content-2266653.html",
    "city_agri_2021": "安康市统计局《2021年安康农业生产稳中向好》(潘冬, 2022-03-04), https://tjj.ankang.gov.cn/Content-2374273.html",
    "nyj_2021": "安康市农业农村局 2021 work summary, https://nyj.ankang.gov.cn/Content-2360760.html",
    "ziyang_2020": "紫阳县统计局《2020年紫阳县国民经济和社会发展统计公报》(2021-06-10), https://www.zyx.gov.cn/Content-2265514.html",
    "ningshan_2020": "宁陕县《2020年国民经济和社会发展统计公报》, http://111.229.73.81/look/Statslisth?Id=9354",
    "ningshan_2021": "宁陕县统计局《宁陕县2021年国民经济和社会发展统计公报》(2022-05-08), https://www.ningshan.gov.cn/Content-2399193.html",
    "ningshan_2022": (
        "《宁陕县2022年国民经济和社会发展统计公报》, mirror "
        "http://www.ilynn.cn/document_detail/114525.html (weak)"
    ),
    "pingli_baike": (
        "blog citing baike (平利县), https://wxredian.com/art?id=591ea1306e6eadb2fa1e499b026336ac "
        "(weak)"
    ),
    "pingli_tea": (
        "news item on the 2022 中国茶业百强县 award (通讯员 马云璞、黄琴, 2022-12-22), "
        "http://m.xhyb.net.cn/news/guonei/2022/1222/214048.html (weak)"
    ),
    "zhenping_2021": "cooxue.com 镇坪县 entry, http://www.cooxue.com/zhishi/185494.html (weak)",
    "zhenping_2023": (
        "hendeli.cn 镇坪县 entry, https://hendeli.cn/country/countryInformation.php?countryID=3306 "
        "(weak)"
    ),
    "shiquan_baike": (
        "baike mirror 石泉县, http://m.gethgdk.com/hebeideji/7286089475069837312.html (weak)"
    ),
    "shiquan_tour_2019": "石泉县文化和旅游广电局《2019-2020年国民经济报告》(2020-02-18), https://www.shiquan.gov.cn/Content-2035921.html",
    "hanyin_gov": (
        "汉阴县人民政府 county profile, https://www.hanyin.gov.cn/Node-23194.html (page dated "
        "2023-04-21)"
    ),
    "xunyang_pop": "gongweng.com 旬阳市 entry, https://www.gongweng.com/kp/519207.html (weak)",
    "hanbin_2025": "汉滨区 2025 government work report, https://www.hanbin.gov.cn/Content-2810991.html",
    "hanbin_tea": "Xinhua feature 2023-04 on 汉滨 tea (mirror zoetocados.com, weak)",
    "ziyang_tea": "Xinhua 2020-03 feature on 紫阳 tea (mirror m.nakedoat.com, weak)",
    "tea_xinhua": "Xinhua photo caption 2022-04-15, http://union.china.com.cn/txt/2022-04/15/content_41940507_6.html",
    "sandiao": (
        "《安康市第三次全国国土调查主要数据公报》(安康市第三次全国国土调查领导小组办公室/"
        "安康市自然资源局/安康市统计局, 2022-01-24), mirror "
        "http://m.tabsjx.com/news/ankang/aknews/408688.html (weak)"
    ),
    "coverage_xinhua": "Xinhua feature 2023-11 (mirror http://m.i-am-shu-shu.com/2023-11/28/content_42613921.htm)",
    "sxakhidz": "安康高新区 official page (2013), https://www.sxakhidz.gov.cn/Content-871235.html",
    "ankang_dam": (
        'Wikipedia "Ankang Dam" (Japanese rendering), '
        "https://jablog.org/%E5%AE%89%E5%BA%B7%E3%83%80%E3%83%A0/Ankang_Dam (secondary)"
    ),
    "shiquan_dam": (
        "baike-like entry 石泉水电站, http://hbzqbyyxgs.com/citiao/117689.html (secondary); alt. "
        "entry http://www.ctoth.com/dictionary/2832223.html gives 4.7亿 m³"
    ),
    "xunyang_dam": (
        "央广网 2022-12-29 (旬阳水电站全部建成, 总库容3.25亿m³; all units commercial 2022-12-29), "
        "http://m.cnr.cn/shaanxi/xw/dqzs/20221229/t20221229_526108881.html via "
        "http://m.lynsmy.com/dtwz/xwzx/mtgz/2024/12/I1313445580185272320.html (weak); 陕西工人报 "
        "2021-01-11, https://m.yybnet.net/ankang/xunyang/202101/11161212.html"
    ),
    "shuhe_dam": (
        "baike-like entry 蜀河水电站, http://hbzqbyyxgs.com/citiao/117691.html (secondary)"
    ),
    "baihe_dam": (
        "工业园网 (cnrepark.com) news 《鄂陕正式核准汉江夹河关(白河)水电站项目》, 2015-04-15 (page "
        "address not available; unverified); start of works Nov 2015: 陕西新闻联播 via "
        "https://sx.sina.com.cn/news/g/2015-11-15/detail-ifxksqis4848046.shtml"
    ),
    "donghe": "安康市人民政府《汉阴洞河水库大坝主体完工》(2017-08-16), http://www.ankang.gov.cn/Content-111954.html",
    "tour_2012": (
        "http://www.enmey.cn/content/detail/4064 (weak): >1,800万人次, 旅游综合收入76.22亿元 (2012)"
    ),
    "tour_2024": (
        "陕西日报 2025-08-20 via http://m.rthb168.com/news/ankang/aknews/479207.html (visitors "
        "+15.1 %, spending +15.6 %, 2024)"
    ),
    "tour_2023": (
        "2024 city government work report, summary on 安康新闻网 "
        "http://akxw.cn/news/ankang/aknews/453550.html (visitors +9.9 % over the pre-pandemic "
        "level, GDP +1.7 %, 2023)"
    ),
    "gdp_2024": (
        "安康市政府工作报告 2025-02-09, 安康日报 2025-02-13, mirror "
        "https://www.dawenge.com/document/detail.html?id=680209 (weak) (GDP +6 %, 2024)"
    ),
    "shangluo_water": "商洛市水利局《2019年商洛市水资源公报》(2020-06-18), https://www.shangluo.gov.cn/slj/info/1071/1675.htm",
    "yinghu": (
        "Chinanews photo story on 瀛湖 (杨英琦, photos 2024-06-21; mean annual runoff 176.5亿 m³), "
        "mirror http://javascriptjump.com/?B7d=c4b.html (weak)"
    ),
    "qinling_stock": (
        "Xinhua 2019-12-06 (陕西省林业局: Qinling 天保 area 8,730万亩, coverage 69.65 %, "
        "森林蓄积2.7亿 m³ → ≈67 m³/ha), mirror "
        "http://nakedoat.com/xinwen/2019-12/06/content_5459090.htm (weak)"
    ),
}


def cite(key: str, figure: str) -> str:
    """Source text of a row that carries a published figure unchanged."""
    return f"{S[key]} — {figure}"


# --------------------------------------------------------------------------------------------
# Row collection
# --------------------------------------------------------------------------------------------
class Rows:
    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, key, year, item, value, unit, source, ecosystem="", species="", nd=2):
        if not (isinstance(value, (int, float, np.floating, np.integer)) and math.isfinite(value)):
            raise ValueError(f"bad value {value!r} for {key} {year} {item}")
        v = round(float(value), nd)
        text = f"{v:.{nd}f}" if nd > 0 else f"{int(round(v))}"
        self.rows.append(
            dict(
                region=COUNTIES[key][0],
                year=year,
                item=item,
                ecosystem=ecosystem,
                species=species,
                value=text,
                unit=unit,
                source=source,
            )
        )

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows, columns=COLUMNS)
        order = {k: i for i, k in enumerate(c for c, _ in COUNTIES.values())}
        df["_r"] = df["region"].map(order)
        df = df.sort_values(["_r", "year", "item", "ecosystem", "species"], kind="stable")
        return df.drop(columns="_r").reset_index(drop=True)


def norm(d: dict[str, float]) -> dict[str, float]:
    s = sum(d.values())
    return {k: v / s for k, v in d.items()}


def wiggle(i: int, year: int, amp: float, phase: float = 0.0) -> float:
    """Deterministic small county-year variation (no RNG): 1 + amp*sin(1.7 i + 2.3 t + phase)."""
    return 1.0 + amp * math.sin(1.7 * i + 2.3 * (year - 2020) + phase)


def split(total: float, weights: dict[str, float], fixed: dict[str, float] | None = None):
    """Split ``total`` over counties: ``fixed`` values are kept, the rest shares the remainder."""
    fixed = fixed or {}
    rest = {k: w for k, w in weights.items() if k not in fixed}
    remainder = total - sum(fixed.values())
    if remainder < 0:
        raise ValueError("fixed county values exceed the total")
    out = {k: remainder * w for k, w in norm(rest).items()}
    out.update(fixed)
    return out


def split_series(
    city: dict[int, float], weights, anchors: dict | None = None
) -> dict[tuple[str, int], float]:
    """Split a city series over counties for every year.

    ``weights`` is {county: w} or {year: {county: w}}. ``anchors`` {(county, year): (value, source)}
    are kept exactly in their year; a county with anchors also gets its weight scaled by the
    (geometric mean) ratio anchor / weight-based value, so its other years stay on the same level.
    """
    anchors = anchors or {}

    def w_of(y):
        return weights.get(y, weights)

    factor: dict[str, list[float]] = {}
    for (k, y), (v, _) in anchors.items():
        base = city[y] * norm(w_of(y))[k]
        factor.setdefault(k, []).append(v / base)
    fac = {k: math.exp(sum(map(math.log, f)) / len(f)) for k, f in factor.items()}
    out = {}
    for y in YEARS:
        w = {k: v * fac.get(k, 1.0) for k, v in w_of(y).items()}
        fixed = {k: v for (k, yy), (v, _) in anchors.items() if yy == y}
        for k, v in split(city[y], w, fixed).items():
            out[(k, y)] = v
    return out


# ============================================================================================
# 1. Land cover (area by ecosystem)
# ============================================================================================
# Forest ecosystem share of county land in 2022 (forest.* = broadleaf+coniferous+mixed+bamboo),
# anchored on published forest coverage (森林覆盖率, which also counts 特灌 special shrubland):
# 宁陕 96.24 % and 镇坪 88.81 % (2023), 汉滨 68.8 % (~2019), 平利 76 % (weak, ~2023) / 69 %
# (2004-era), city 68 % (2022); the other counties are set so that the city is ~0.678.
FOREST_2022 = {
    "hanbin": 0.672,
    "hanyin": 0.520,
    "shiquan": 0.625,
    "ningshan": 0.953,
    "ziyang": 0.600,
    "langao": 0.675,
    "pingli": 0.700,
    "zhenping": 0.880,
    "xunyang": 0.500,
    "baihe": 0.510,
}
# slow afforestation (share of county land per year, converted from shrub/grassland)
AFFOREST = {
    "hanbin": 0.0015,
    "hanyin": 0.0018,
    "shiquan": 0.0015,
    "ningshan": 0.0004,
    "ziyang": 0.0018,
    "langao": 0.0012,
    "pingli": 0.0015,
    "zhenping": 0.0008,
    "xunyang": 0.0020,
    "baihe": 0.0020,
}
FOREST_SPLIT = {  # broadleaf, coniferous, mixed, bamboo (fractions of forest.*)
    "qinling": (0.52, 0.22, 0.25, 0.01),
    "daba": (0.55, 0.19, 0.24, 0.02),
    "valley": (0.50, 0.27, 0.20, 0.03),
}
# Cropland (三调, 2019-12-31): 18.67万 ha = 7.93 % of the city; 旬阳 + 汉滨 = 49.13 %.
CROP_CITY_SHARE = 0.0793
CROP_XH_SHARE = 0.4913
CROP_XH_SPLIT = {"hanbin": 0.53, "xunyang": 0.47}
CROP_OTHER = {  # relative cropland share of land (scaled to close the city total)
    "ningshan": 0.020,
    "zhenping": 0.035,
    "pingli": 0.055,
    "langao": 0.050,
    "shiquan": 0.075,
    "ziyang": 0.080,
    "hanyin": 0.105,
    "baihe": 0.085,
}
PADDY_CITY_SHARE = 0.0936  # of cropland (三调)
PADDY_REL = {  # relative paddy share of cropland (scaled to the city 9.36 %)
    "hanbin": 0.12,
    "hanyin": 0.20,
    "shiquan": 0.13,
    "ningshan": 0.08,
    "ziyang": 0.05,
    "langao": 0.05,
    "pingli": 0.07,
    "zhenping": 0.04,
    "xunyang": 0.045,
    "baihe": 0.05,
}
GARDEN_CITY_SHARE = 0.0094  # 园地 2.22万 ha (三调)
GARDEN_W = {
    "hanbin": 0.22,
    "ziyang": 0.20,
    "pingli": 0.19,
    "xunyang": 0.10,
    "langao": 0.06,
    "hanyin": 0.06,
    "shiquan": 0.05,
    "baihe": 0.06,
    "zhenping": 0.035,
    "ningshan": 0.025,
}
WATER = {  # share of county land (Han River, 瀛湖 77.8 km² in Hanbin, reservoirs)
    "hanbin": 0.030,
    "hanyin": 0.009,
    "shiquan": 0.022,
    "ningshan": 0.006,
    "ziyang": 0.014,
    "langao": 0.008,
    "pingli": 0.006,
    "zhenping": 0.005,
    "xunyang": 0.017,
    "baihe": 0.016,
}
XUNYANG_RESERVOIR_EXTRA = 0.002  # 旬阳 reservoir impounded from 2022 (taken from shrub/grass)
WETLAND = {k: 0.0015 for k in KEYS} | {"hanyin": 0.003, "hanbin": 0.0025}
URBAN_2020 = {
    "hanbin": 0.050,
    "hanyin": 0.034,
    "shiquan": 0.027,
    "ningshan": 0.009,
    "ziyang": 0.021,
    "langao": 0.018,
    "pingli": 0.021,
    "zhenping": 0.013,
    "xunyang": 0.028,
    "baihe": 0.026,
}
URBAN_GROWTH = {k: 0.0003 for k in KEYS} | {"hanbin": 0.0006}  # per year; half from dry farmland
BARE = {k: 0.003 for k in KEYS} | {"ningshan": 0.004, "zhenping": 0.004}
SHRUB_OF_RESIDUAL = 0.6  # residual (non-forest natural vegetation) split shrub 60 % / grass 40 %


def land_areas() -> dict[str, float]:
    reg = pd.read_csv(HERE / "regions.csv", dtype={"code": str, "parent": str})
    code_to_key = {c: k for k, (c, _) in COUNTIES.items()}
    out = {}
    for _, r in reg.iterrows():
        if r["code"] in code_to_key:
            if str(r["land_area_unit"]).strip() not in ("km²", "km2", "km ** 2", "km**2"):
                raise ValueError("regions.csv land_area_unit must be km² for this script")
            out[code_to_key[r["code"]]] = float(r["land_area"]) * 100.0  # km² -> ha
    missing = set(KEYS) - set(out)
    if missing:
        raise ValueError(f"regions.csv lacks {sorted(missing)}")
    return out


def build_land_cover(land: dict[str, float]) -> dict[tuple[str, int], dict[str, float]]:
    city = sum(land.values())
    crop_xh = CROP_CITY_SHARE * city * CROP_XH_SHARE
    crop_other_total = CROP_CITY_SHARE * city * (1 - CROP_XH_SHARE)
    crop2020 = {k: crop_xh * s for k, s in CROP_XH_SPLIT.items()}
    crop2020 |= split(crop_other_total, {k: CROP_OTHER[k] * land[k] for k in CROP_OTHER})
    # paddy share of cropland: scale relative weights so the city paddy = 9.36 % of cropland
    raw = sum(PADDY_REL[k] * crop2020[k] for k in KEYS)
    pscale = PADDY_CITY_SHARE * sum(crop2020.values()) / raw
    garden = {k: GARDEN_CITY_SHARE * city * w for k, w in norm(GARDEN_W).items()}

    cover: dict[tuple[str, int], dict[str, float]] = {}
    for k in KEYS:
        L = land[k]
        zone = COUNTIES[k][1]
        for y in YEARS:
            t = y - 2020
            forest = (FOREST_2022[k] + AFFOREST[k] * (y - 2022)) * L
            urban = (URBAN_2020[k] + URBAN_GROWTH[k] * t) * L
            crop = crop2020[k] - 0.5 * URBAN_GROWTH[k] * t * L  # half of urban growth on cropland
            paddy = crop2020[k] * PADDY_REL[k] * pscale  # paddy kept; dry land loses area
            dry = crop - paddy
            water = (
                WATER[k] + (XUNYANG_RESERVOIR_EXTRA if k == "xunyang" and y >= 2022 else 0)
            ) * L
            a = {
                "wetland": WETLAND[k] * L,
                "water": water,
                "farmland.paddy": paddy,
                "farmland.dry": dry,
                "garden": garden[k],
                "urban": urban,
                "bare": BARE[k] * L,
            }
            fb, fc, fm, fbam = FOREST_SPLIT[zone]
            a |= {
                "forest.broadleaf": forest * fb,
                "forest.coniferous": forest * fc,
                "forest.mixed": forest * fm,
                "forest.bamboo": forest * fbam,
            }
            residual = L - sum(a.values())
            if residual <= 0:
                raise ValueError(f"no room for shrub/grass in {k} {y}")
            a["shrub"] = residual * SHRUB_OF_RESIDUAL
            # round to 0.01 ha; grassland closes the sum exactly
            a = {e: round(v, 2) for e, v in a.items()}
            a["grassland"] = round(L - sum(a.values()), 2)
            cover[(k, y)] = {e: a[e] for e in ECOSYSTEMS}
    return cover


def emit_land_cover(rows: Rows, cover, land) -> None:
    city_forest = {y: sum(sum(cover[(k, y)][e] for e in FOREST_ECOS) for k in KEYS) for y in YEARS}
    city_land = sum(land.values())
    for (k, y), a in cover.items():
        fshare = sum(a[e] for e in FOREST_ECOS) / land[k]
        for e in ECOSYSTEMS:
            if e.startswith("forest."):
                anchor = {
                    "ningshan": "宁陕 forest coverage 96.24 % (2023, " + S["coverage_xinhua"] + ")",
                    "zhenping": "镇坪 forest coverage 88.81 % (2023, " + S["coverage_xinhua"] + ")",
                    "hanbin": (
                        "汉滨 forest coverage 68.8 % (~2019, en.wikipedia 'Hanbin District', weak)"
                    ),
                    "pingli": "平利 forest coverage 76 % (~2023, weak) and 69 % (2004-era)",
                }.get(
                    k,
                    "no county coverage figure found; set so the city forest share is "
                    f"{city_forest[2022] / city_land:.3f} in 2022 against the city coverage 68 % "
                    f"(2022, {S['city_bulletin_2022']})",
                )
                fb = dict(zip(FOREST_ECOS, FOREST_SPLIT[COUNTIES[k][1]], strict=True))[e]
                src = (
                    f"{ILL}forest ecosystem = {fshare:.4f} of county land ({y}; anchor: {anchor}; "
                    f"+{AFFOREST[k] * 100:.2f} pp/yr afforestation from shrub/grassland); {e} = "
                    f"{fb:.2f} of forest ({COUNTIES[k][1]} zone composition, assumed)"
                )
            elif e in ("farmland.paddy", "farmland.dry"):
                src = (
                    f"{ILL}city cropland 18.67万 ha = 7.93 % of the city and paddy 9.36 % of "
                    f"cropland ({S['sandiao']}); 旬阳+汉滨 hold 49.13 % (same source), split "
                    "0.53/0.47; other counties by assumed cropland shares; county paddy share of "
                    "cropland weighted (汉阴 highest) and scaled to the city 9.36 %; 2021+ dry "
                    "land loses half of the assumed urban growth"
                )
            elif e == "garden":
                src = (
                    f"{ILL}city 园地 2.22万 ha = 0.94 % of the city ({S['sandiao']}), split by "
                    "assumed county weights following tea-garden areas (紫阳 24万亩, 汉滨 21万亩, "
                    "平利 25万亩) and orchards; constant 2020-2024"
                )
            elif e == "water":
                extra = (
                    " plus 0.2 % of land from 2022 for the 旬阳 reservoir impoundment (assumed)"
                    if k == "xunyang"
                    else ""
                )
                src = (
                    f"{ILL}assumed water share {WATER[k] * 100:.1f} % of county land (Han River, "
                    f"reservoirs; 瀛湖 water area 77.8 km² lies in 汉滨){extra}"
                )
            elif e == "urban":
                src = (
                    f"{ILL}assumed built-up share {URBAN_2020[k] * 100:.1f} % of county land in "
                    f"2020 (towns, villages, roads, mines), +{URBAN_GROWTH[k] * 100:.2f} pp/yr"
                )
            elif e in ("wetland", "bare"):
                v = WETLAND[k] if e == "wetland" else BARE[k]
                src = f"{ILL}assumed {e} share {v * 100:.2f} % of county land"
            else:
                src = (
                    f"{ILL}residual of the county land area after all other classes, split shrub "
                    f"60 % / grassland 40 % (grassland also absorbs rounding so the classes sum "
                    f"exactly to the DataV land area in regions.csv)"
                )
            rows.add(k, y, "area", a[e], "hectare", src, ecosystem=e, nd=2)


# ============================================================================================
# 2. Climate, water balance, RUSLE
# ============================================================================================
P_MEAN = {  # long-term county mean precipitation, mm (station 813.8 mm; region 800-1,100 mm)
    "hanbin": 830,
    "hanyin": 870,
    "shiquan": 900,
    "ningshan": 960,
    "ziyang": 1060,
    "langao": 1100,
    "pingli": 960,
    "zhenping": 1080,
    "xunyang": 810,
    "baihe": 800,
}
P_YEAR = {2020: 1.06, 2021: 1.24, 2022: 0.84, 2023: 0.98, 2024: 0.95}  # illustrative wet/dry years
ET_FRAC = {  # ET as a fraction of the county mean precipitation (normal year)
    "forest.broadleaf": 0.60,
    "forest.coniferous": 0.57,
    "forest.mixed": 0.59,
    "forest.bamboo": 0.60,
    "shrub": 0.55,
    "grassland": 0.50,
    "wetland": 0.68,
    "farmland.paddy": 0.72,
    "farmland.dry": 0.55,
    "garden": 0.57,
    "urban": 0.30,
    "bare": 0.30,
}
ET_COUNTY = {k: 1.0 for k in KEYS} | {
    "ningshan": 0.95,
    "zhenping": 0.95,
    "langao": 0.97,
    "hanbin": 1.02,
    "xunyang": 1.02,
    "baihe": 1.02,
}
RUNOFF_COEF = {  # storm-runoff coefficient (fraction of P) in a normal year
    "forest.broadleaf": 0.050,
    "forest.coniferous": 0.060,
    "forest.mixed": 0.055,
    "forest.bamboo": 0.060,
    "shrub": 0.080,
    "grassland": 0.120,
    "wetland": 0.030,
    "water": 0.0,
    "farmland.paddy": 0.120,
    "farmland.dry": 0.280,
    "garden": 0.180,
    "urban": 0.550,
    "bare": 0.400,
}
WATER_EVAP = {  # annual open-water evaporation, mm (Han River region 800-900 mm)
    "hanbin": 860,
    "xunyang": 860,
    "baihe": 860,
    "hanyin": 840,
    "shiquan": 840,
    "ziyang": 840,
    "langao": 810,
    "pingli": 810,
    "zhenping": 790,
    "ningshan": 780,
}
HOT_DAYS = {  # days with daily mean T > 26 °C in a normal year (valleys hot, high mountains few)
    "hanbin": 52,
    "hanyin": 45,
    "shiquan": 42,
    "ningshan": 12,
    "ziyang": 44,
    "langao": 30,
    "pingli": 30,
    "zhenping": 16,
    "xunyang": 55,
    "baihe": 58,
}
HOT_YEAR = {2020: 0.85, 2021: 0.90, 2022: 1.35, 2023: 1.05, 2024: 1.10}
HOT_EVAP_INTENSITY = 1.5  # daily evaporation on hot days relative to the annual mean daily rate

# --------------------------------------------------------------------------------------------
# Calibration to Ankang's published 2024 GEP (陕西日报 2025-08-20, reposted by the city
# government; see PUBLISHED below). The published account gives no physical quantities and no
# prices, so only illustrative rows are scaled; rows carrying a published figure are never
# changed. Each factor is a single number applied to one family of illustrative rows, chosen
# so that the demo account (profile ndrc-2022, coefficient set ankang) reproduces the published
# 2024 figure named beside it; tests/test_ankang.py asserts the ±5 % bands.
# --------------------------------------------------------------------------------------------
PUBLISHED_2024 = (
    "Ankang 2024 GEP as published by 安康市发改委 (陕西日报 2025-08-20 齐珂雨/陆青波, reposted on "
    "ankang.gov.cn, mirror https://www.ferrantep.com/Content-2847521.html; 西部学习报 2025-08-21 "
    "http://epaper.xbxxb.com/xbxxb/20250821/html/content_20250821002003.htm)"
)
#: vegetated area's effective hot days as a share of the valley count. The valley counts in
#: HOT_DAYS describe the Han valley floor; most vegetation lies 600-2,000 m up, where days with
#: a daily mean above 26 °C are far fewer (lapse rate ≈ 0.6 °C per 100 m). Calibrated so that
#: the 2024 city 局部气候调节 (transpiration + water-surface terms) = 808.99亿元 (published).
HOT_DAYS_VEGETATION_SHARE = 0.306
#: rainfall erosivity per mm of annual precipitation (normal year). An assumed 3.8 gave a soil
#: retention value that, with the published 局部气候调节 and 水源涵养, put 调节服务 3 % above
#: the published 1,653.1亿元; calibrated so that 调节服务 2024 = 1,653.1亿元. R then spans
#: ≈ 1,800-4,500 MJ·mm/(ha·h·a) over the county-years (assumed order of magnitude).
R_PER_MM_CALIBRATED = 2.94
K_FACTOR = {  # RUSLE K, t·ha·h/(ha·MJ·mm)
    "hanbin": 0.030,
    "hanyin": 0.031,
    "shiquan": 0.029,
    "ningshan": 0.024,
    "ziyang": 0.032,
    "langao": 0.028,
    "pingli": 0.029,
    "zhenping": 0.026,
    "xunyang": 0.033,
    "baihe": 0.034,
}
R_PER_MM = 3.8  # assumed first; replaced by R_PER_MM_CALIBRATED below
LS = {
    "forest.broadleaf": 8.0,
    "forest.coniferous": 7.5,
    "forest.mixed": 8.0,
    "forest.bamboo": 6.0,
    "shrub": 7.5,
    "grassland": 7.0,
    "wetland": 0.3,
    "water": 0.0,
    "farmland.paddy": 0.8,
    "farmland.dry": 5.0,
    "garden": 4.5,
    "urban": 1.2,
    "bare": 6.0,
}
LS_COUNTY = {k: 1.0 for k in KEYS} | {
    "ningshan": 1.2,
    "zhenping": 1.2,
    "langao": 1.15,
    "pingli": 1.1,
    "hanyin": 0.9,
    "hanbin": 0.9,
}
C_FACTOR = {
    "forest.broadleaf": 0.006,
    "forest.coniferous": 0.010,
    "forest.mixed": 0.008,
    "forest.bamboo": 0.010,
    "shrub": 0.030,
    "grassland": 0.060,
    "wetland": 0.010,
    "water": 0.0,
    "farmland.paddy": 0.100,
    "farmland.dry": 0.250,
    "garden": 0.120,
    "urban": 0.010,
    "bare": 0.600,
}
C_TREND = 0.01  # forest/shrub/grass C falls 1 %/yr (canopy recovery)
P_FACTOR = {e: 1.0 for e in ECOSYSTEMS} | {
    "farmland.paddy": 0.15,
    "farmland.dry": 0.45,
    "garden": 0.40,
}


def precipitation(k: str, y: int) -> float:
    i = KEYS.index(k)
    return P_MEAN[k] * P_YEAR[y] * wiggle(i, y, 0.04)


def hot_days(k: str, y: int) -> float:
    """Hot days on the valley floor (where the water bodies are)."""
    i = KEYS.index(k)
    return round(HOT_DAYS[k] * HOT_YEAR[y] * wiggle(i, y, 0.05, 0.7))


def vegetation_hot_days(k: str, y: int) -> float:
    """Effective hot days over the vegetated area (calibrated share of the valley count)."""
    return round(hot_days(k, y) * HOT_DAYS_VEGETATION_SHARE, 1)


def water_evap_year(k: str, y: int) -> float:
    return WATER_EVAP[k] * (1 + 0.25 * (HOT_YEAR[y] - 1))


def emit_climate(rows: Rows) -> None:
    for k in KEYS:
        for y in YEARS:
            P = precipitation(k, y)
            ratio = P / P_MEAN[k]
            rows.add(
                k,
                y,
                "precipitation",
                P,
                "mm",
                f"{ILL}assumed county mean {P_MEAN[k]} mm (Ankang station mean 813.8 mm 1953-2015, "
                "张蓓蓓 等, DreamBlooms/ChinaXiv-201601-to-202209 : md/ChinaXiv-201811.00032V1.md; "
                f"region 800-1,100 mm, {S['sxakhidz']}; 平利 952.5 mm) × year factor "
                f"{P_YEAR[y]:.2f} × county-year wiggle ±4 % (deterministic); not station data",
                nd=1,
            )
            # evapotranspiration: damped response to the year's precipitation
            for e in ECOSYSTEMS:
                if e == "water":
                    et = water_evap_year(k, y)
                    src = (
                        f"{ILL}open-water evaporation {WATER_EVAP[k]} mm/yr (Han River region "
                        "800-900 mm, encyclopedic entry 长江流域的水面蒸发量, "
                        "http://www.ctoth.com/dictionary/3335894.html) × (1 + 0.25 × (hot-year "
                        f"factor {HOT_YEAR[y]:.2f} − 1))"
                    )
                else:
                    et = ET_FRAC[e] * ET_COUNTY[k] * P_MEAN[k] * (1 + 0.6 * (ratio - 1))
                    src = (
                        f"{ILL}ET = {ET_FRAC[e]:.2f} × county mean P × county factor "
                        f"{ET_COUNTY[k]:.2f} × (1 + 0.6 × (P/Pmean − 1)); forest ET ≈ 55-65 % of "
                        "P, assumed (no ET data found)"
                    )
                rows.add(k, y, "evapotranspiration", et, "mm", src, ecosystem=e, nd=1)
            for e in ECOSYSTEMS:
                r = RUNOFF_COEF[e] * P * math.sqrt(ratio)
                rows.add(
                    k,
                    y,
                    "runoff",
                    r,
                    "mm",
                    f"{ILL}storm runoff = coefficient {RUNOFF_COEF[e]:.3f} × P × sqrt(P/Pmean) "
                    f"(assumed coefficients: forest lowest, dry farmland/urban/bare highest)",
                    ecosystem=e,
                    nd=1,
                )
            # RUSLE
            R = R_PER_MM_CALIBRATED * P_MEAN[k] * ratio**1.5
            rows.add(
                k,
                y,
                "rusle.r",
                R,
                "MJ * mm / (hectare * hour * year)",
                f"{ILL}R = {R_PER_MM_CALIBRATED} × county mean P × (P/Pmean)^1.5 (order of "
                "magnitude of Qinba-mountain erosivity, assumed; no R map used); calibrated: the "
                f"factor {R_PER_MM_CALIBRATED} (first assumed {R_PER_MM}) makes the 2024 city 调节"
                f"服务 1,653.1亿元 of the {PUBLISHED_2024}",
                nd=1,
            )
            rows.add(
                k,
                y,
                "rusle.k",
                K_FACTOR[k],
                "t * hectare * hour / (hectare * MJ * mm)",
                f"{ILL}assumed county mean K for yellow-brown/brown mountain soils (0.024-0.034 "
                f"range; forest soils of 宁陕/镇坪 lowest)",
                nd=4,
            )
            t = y - 2020
            for e in ECOSYSTEMS:
                rows.add(
                    k,
                    y,
                    "rusle.ls",
                    LS[e] * LS_COUNTY[k],
                    "dimensionless",
                    f"{ILL}assumed LS by ecosystem ({LS[e]}) × county relief factor "
                    f"{LS_COUNTY[k]:.2f}; 36.98 % of city cropland is on slopes >25° "
                    f"({S['sandiao']})",
                    ecosystem=e,
                    nd=3,
                )
                c = C_FACTOR[e] * (
                    (1 - C_TREND) ** t if e in FOREST_ECOS + ["shrub", "grassland"] else 1
                )
                rows.add(
                    k,
                    y,
                    "rusle.c",
                    c,
                    "dimensionless",
                    f"{ILL}assumed C by ecosystem ({C_FACTOR[e]}); forest/shrub/grass −1 %/yr "
                    f"from 2020 (canopy recovery)",
                    ecosystem=e,
                    nd=5,
                )
                rows.add(
                    k,
                    y,
                    "rusle.p",
                    P_FACTOR[e],
                    "dimensionless",
                    f"{ILL}assumed P: terraced paddy 0.15, dry land 0.45 (terraces/contour "
                    "tillage), garden 0.40, others 1.0",
                    ecosystem=e,
                    nd=3,
                )
            hd = hot_days(k, y)
            rows.add(
                k,
                y,
                "climate.hot_days",
                vegetation_hot_days(k, y),
                "day",
                f"{ILL}effective hot days over the vegetated area = valley count {hd} (assumed "
                f"normal-year count {HOT_DAYS[k]} days, Han valley hottest, high Qinling/Daba few, "
                f"× year factor {HOT_YEAR[y]:.2f} × wiggle ±5 %; no station data found) × "
                f"{HOT_DAYS_VEGETATION_SHARE} (most vegetation lies 600-2,000 m up, where days "
                "above 26 °C are few); calibrated: the share makes the 2024 city 局部气候调节 "
                f"808.99亿元 of the {PUBLISHED_2024}",
                nd=1,
            )
            ev = water_evap_year(k, y) * hd / 365 * HOT_EVAP_INTENSITY
            rows.add(
                k,
                y,
                "climate.water_evaporation",
                ev,
                "mm",
                f"{ILL}annual open-water evaporation {water_evap_year(k, y):.0f} mm (Han River "
                "region 800-900 mm, http://www.ctoth.com/dictionary/3335894.html) × hot-day share "
                f"{hd}/365 (valley hot days: the water bodies lie on the valley floor) × "
                f"{HOT_EVAP_INTENSITY} (hot-day evaporation above the annual mean daily rate, "
                "assumed)",
                nd=1,
            )


# ============================================================================================
# 3. Reservoirs and hydropower
# ============================================================================================
FLOW = {y: 1 + 0.9 * (P_YEAR[y] - 1) for y in YEARS}  # yearly flow factor of the Han River
SMALL_RES_2013 = 1.3e8  # m³, non-hydropower reservoirs (2013, sxakhidz)
SMALL_RES_W = {  # shares of the 1.3亿 m³ (only assigned to counties without a Han River station)
    "hanbin": 0.22,
    "hanyin": 0.10,
    "shiquan": 0.07,
    "ningshan": 0.04,
    "ziyang": 0.10,
    "langao": 0.08,
    "pingli": 0.12,
    "zhenping": 0.04,
    "xunyang": 0.14,
    "baihe": 0.09,
}
OTHER_HYDRO_KW = (198 - (80 + 22.5 + 18 + 27.6)) * 1e4  # 2013 developed minus 安康/石泉/喜河/蜀河
OTHER_HYDRO_HOURS = 3000
OTHER_HYDRO_W = {
    "langao": 0.20,
    "ziyang": 0.16,
    "ningshan": 0.14,
    "zhenping": 0.12,
    "pingli": 0.10,
    "shiquan": 0.06,
    "hanyin": 0.06,
    "hanbin": 0.06,
    "xunyang": 0.05,
    "baihe": 0.05,
}
XIHE_KWH = 180e3 * 3530  # 喜河 180 MW × 3,530 h (蜀河 design hours), illustrative
DONGHE_KWH = 3430 * 3500  # 洞河 3,430 kW × 3,500 h, illustrative


def emit_water_infrastructure(rows: Rows) -> None:
    for y in YEARS:
        # --- reservoir capacity
        rows.add(
            "hanbin",
            y,
            "reservoir.capacity",
            25.8e8,
            "m ** 3",
            cite(
                "ankang_dam",
                "安康水电站 (瀛湖) total storage 25.8亿 m³ (dam completed 1989, units 1990-1992); "
                "small reservoirs of 汉滨 (e.g. 恒河水库 under construction) not included",
            ),
            nd=0,
        )
        rows.add(
            "shiquan",
            y,
            "reservoir.capacity",
            4.4e8,
            "m ** 3",
            cite(
                "shiquan_dam",
                "石泉水电站 total storage 4.4亿 m³; 喜河 station storage not found and "
                "not included",
            ),
            nd=0,
        )
        if y >= 2022:
            rows.add(
                "xunyang",
                y,
                "reservoir.capacity",
                1.76e8 + 3.25e8,
                "m ** 3",
                f"{S['shuhe_dam']} — 蜀河 1.76亿 m³; {S['xunyang_dam']} — 旬阳 3.25亿 m³ (counted "
                "from 2022, the year the station was completed)",
                nd=0,
            )
        else:
            rows.add(
                "xunyang",
                y,
                "reservoir.capacity",
                1.76e8,
                "m ** 3",
                cite(
                    "shuhe_dam",
                    "蜀河水电站 total storage 1.76亿 m³ (旬阳 station under construction "
                    "until 2022, not counted)",
                ),
                nd=0,
            )
        rows.add(
            "baihe",
            y,
            "reservoir.capacity",
            2.67e8,
            "m ** 3",
            cite(
                "baihe_dam",
                "白河 (夹河关) station total storage 2.67亿 m³; operating status "
                "2020-2024 not verified, counted in every year",
            ),
            nd=0,
        )
        small = {k: SMALL_RES_2013 * w for k, w in SMALL_RES_W.items()}
        rows.add(
            "hanyin",
            y,
            "reservoir.capacity",
            4627e4 + small["hanyin"],
            "m ** 3",
            f"{ILL}洞河水库 4,627万 m³ ({S['donghe']}) + {small['hanyin'] / 1e4:.0f}万 m³ = "
            f"assumed {SMALL_RES_W['hanyin']:.0%} share of the city's 1.3亿 m³ of non-hydropower "
            f"reservoirs (2013, {S['sxakhidz']})",
            nd=0,
        )
        for k in ("ningshan", "ziyang", "langao", "pingli", "zhenping"):
            rows.add(
                k,
                y,
                "reservoir.capacity",
                small[k],
                "m ** 3",
                f"{ILL}assumed {SMALL_RES_W[k]:.0%} share of the city's 1.3亿 m³ of reservoirs "
                f"outside the hydropower stations (2013, {S['sxakhidz']})",
                nd=0,
            )

        # --- hydropower generation
        f = FLOW[y]
        other = {k: OTHER_HYDRO_KW * OTHER_HYDRO_HOURS * w for k, w in norm(OTHER_HYDRO_W).items()}
        pf = {k: precipitation(k, y) / P_MEAN[k] for k in KEYS}
        other_note = (
            f"other (mostly small) hydropower: developed 198万 kW (2013, {S['sxakhidz']}) minus "
            f"安康 80 + 石泉 22.5 + 喜河 18 + 蜀河 27.6万 kW = 49.9万 kW × {OTHER_HYDRO_HOURS} h "
            f"(assumed), county share assumed"
        )
        parts = {
            "hanbin": [("安康 design 28亿 kWh (" + S["ankang_dam"] + ")", 28e8 * f)],
            "shiquan": [
                ("石泉 design 6.5亿 kWh (" + S["shiquan_dam"] + ")", 6.5e8 * f),
                ("喜河 180 MW × 3,530 h = 6.35亿 kWh (assumed hours)", XIHE_KWH * f),
            ],
            "xunyang": [("蜀河 design 9.53亿 kWh (" + S["shuhe_dam"] + ")", 9.53e8 * f)]
            + (
                [
                    (
                        "旬阳 design 8.4亿 kWh ("
                        + S["xunyang_dam"]
                        + "), 25 % in 2022 (units commissioned "
                        "during the year, assumed), full from 2023",
                        8.4e8 * f * (0.25 if y == 2022 else 1.0),
                    )
                ]
                if y >= 2022
                else []
            ),
            "baihe": [
                (
                    "白河 design 5.54亿 kWh ("
                    + S["baihe_dam"]
                    + "; operating status not verified)",
                    5.54e8 * f,
                )
            ],
            "hanyin": [
                (
                    "洞河 3,430 kW (" + S["donghe"] + ") × 3,500 h (assumed)",
                    DONGHE_KWH * pf["hanyin"],
                )
            ],
        }
        for k in KEYS:
            items = parts.get(k, [])
            total = sum(v for _, v in items) + other[k] * pf[k]
            desc = "; ".join(t for t, _ in items)
            src = (
                f"{ILL}{desc + '; ' if desc else ''}{other_note} ({OTHER_HYDRO_W[k]:.0%}); Han "
                f"River stations × flow factor {f:.3f}, small hydro × county precipitation factor "
                f"{pf[k]:.3f} (year {y}); actual 2020-2024 generation not found"
            )
            rows.add(k, y, "hydropower.generation", total, "kWh", src, nd=0)


# ============================================================================================
# 4. Population and GDP
# ============================================================================================
CENSUS = {
    "hanbin": 894853,
    "hanyin": 240188,
    "shiquan": 153221,
    "ningshan": 59905,
    "ziyang": 260971,
    "langao": 135006,
    "pingli": 181286,
    "zhenping": 47356,
    "xunyang": 357876,
    "baihe": 162774,
}
CENSUS_RURAL = {  # 乡村人口, same census file
    "hanbin": 380785,
    "hanyin": 134484,
    "shiquan": 82241,
    "ningshan": 31677,
    "ziyang": 147078,
    "langao": 74768,
    "pingli": 95048,
    "zhenping": 27064,
    "xunyang": 185563,
    "baihe": 89944,
}
POP_ANCHORS = {  # (key, year) -> (value, source)
    ("hanyin", 2022): (237900, cite("hanyin_gov", "常住人口23.79万 (assigned to year-end 2022)")),
    ("shiquan", 2024): (150000, cite("shiquan_baike", "常住人口15.0万, end-2024")),
    ("pingli", 2023): (176583, cite("pingli_baike", "常住人口176,583, end-2023")),
    ("zhenping", 2021): (46900, cite("zhenping_2021", "常住人口4.69万, 2021")),
    ("zhenping", 2022): (46500, cite("zhenping_2023", "常住人口4.65万, end-2022")),
    ("xunyang", 2022): (352223, cite("xunyang_pop", "常住人口352,223, 2022")),
}
POP_DERIVED = {  # derived from GDP / per-capita GDP in the county bulletins
    ("ningshan", 2021): (
        24.34e8 / 40793,
        "GDP 24.34亿元 / per-capita GDP 40,793 元 (" + S["ningshan_2021"] + ")",
    ),
    ("ningshan", 2022): (
        26.55e8 / 44798,
        "GDP 26.55亿元 / per-capita GDP 44,798 元 (" + S["ningshan_2022"] + ")",
    ),
}
POP_DRIFT = {k: -0.006 for k in KEYS} | {"hanbin": -0.002}


def population() -> dict[tuple[str, int], tuple[float, str]]:
    out = {}
    for k in KEYS:
        known = {2020: float(CENSUS[k])}
        known |= {y: float(v) for (kk, y), (v, _) in POP_ANCHORS.items() if kk == k}
        known |= {y: float(v) for (kk, y), (v, _) in POP_DERIVED.items() if kk == k}
        yrs = sorted(known)
        for y in YEARS:
            if (k, y) in POP_ANCHORS:
                out[(k, y)] = POP_ANCHORS[(k, y)]
            elif y == 2020:
                out[(k, y)] = (CENSUS[k], cite("census", f"{ZH[k]} {CENSUS[k]:,}"))
            elif (k, y) in POP_DERIVED:
                v, how = POP_DERIVED[(k, y)]
                out[(k, y)] = (v, f"{ILL}derived: {how}")
            else:
                lo = max(a for a in yrs if a < y)
                his = [a for a in yrs if a > y]
                if his:
                    hi = his[0]
                    v = known[lo] * (known[hi] / known[lo]) ** ((y - lo) / (hi - lo))
                    how = (
                        f"geometric interpolation between {lo} ({known[lo]:,.0f}) and {hi} "
                        f"({known[hi]:,.0f})"
                    )
                else:
                    v = known[lo] * (1 + POP_DRIFT[k]) ** (y - lo)
                    how = (
                        f"{lo} value {known[lo]:,.0f} × ({1 + POP_DRIFT[k]:.3f})^{y - lo} (assumed "
                        "drift)"
                    )
                out[(k, y)] = (v, f"{ILL}{how}; base 2020 census ({S['census']})")
    return out


CITY_GDP = {  # 亿元, current prices
    2022: 1268.65,
}
CITY_GDP[2021] = (
    CITY_GDP[2022] / 1.020 / 1.020
)  # 2022 real growth +2.0 % (bulletin), deflator 2 % assumed
CITY_GDP[2020] = CITY_GDP[2021] / 1.065 / 1.020  # real growth 6.5 % and deflator 2 % assumed
CITY_GDP[2023] = CITY_GDP[2022] * 1.017 * 1.005  # real +1.7 % (work report), deflator 0.5 % assumed
CITY_GDP[2024] = CITY_GDP[2023] * 1.060 * 1.005  # real +6 % (work report), deflator 0.5 % assumed
GDP_SHAPE_2022 = {  # 亿元, relative county levels (汉滨 includes 高新区 and 恒口示范区)
    "hanbin": 470,
    "xunyang": 200,
    "pingli": 113.68,
    "ziyang": 108,
    "shiquan": 71,
    "hanyin": 105,
    "langao": 65,
    "baihe": 80,
    "zhenping": 27.1,
    "ningshan": 26.55,
}
GDP_ANCHORS = {  # (key, year) -> (亿元, source)
    ("ningshan", 2020): (23.16, cite("ningshan_2020", "GDP 23.16亿元 (−29 %)")),
    ("ningshan", 2021): (24.34, cite("ningshan_2021", "GDP 24.34亿元 (+5.2 %)")),
    ("ningshan", 2022): (26.55, cite("ningshan_2022", "GDP 26.55亿元 (+6.0 %)")),
    ("ziyang", 2020): (100.53, cite("ziyang_2020", "GDP 100.53亿元 (−9.8 %)")),
    ("pingli", 2022): (113.68, cite("pingli_baike", "GDP 113.68亿元 (2022)")),
    ("zhenping", 2021): (26.18, cite("zhenping_2021", "GDP 26.18亿元 (2021)")),
    ("zhenping", 2023): (28.0348, cite("zhenping_2023", "GDP 28.0348亿元 (+2.7 %, 2023)")),
    ("shiquan", 2024): (78.80, cite("shiquan_baike", "GDP 78.80亿元 (+6.4 %, 2024)")),
}


def gdp() -> dict[tuple[str, int], tuple[float, str]]:
    out = {}
    for y in YEARS:
        fixed = {k: v for (k, yy), (v, _) in GDP_ANCHORS.items() if yy == y}
        vals = split(CITY_GDP[y], GDP_SHAPE_2022, fixed)
        city_src = (
            f"city 2022 1,268.65亿元 ({S['city_bulletin_2022']})"
            if y == 2022
            else (
                f"city {y} {CITY_GDP[y]:.1f}亿元 chained from 2022 1,268.65亿元 "
                f"({S['city_bulletin_2022']}) with real growth 2023 +1.7 % ({S['tour_2023']}), "
                f"2024 +6 % ({S['gdp_2024']}), 2021 +2.0 % and 2020→21 +6.5 % real (assumed) and "
                "assumed deflators"
            )
        )
        for k in KEYS:
            if (k, y) in GDP_ANCHORS:
                out[(k, y)] = (GDP_ANCHORS[(k, y)][0] * 1e8, GDP_ANCHORS[(k, y)][1])
                continue
            extra = ""
            if k == "hanbin":
                extra = (
                    "; 汉滨 here includes 安康高新区 and 恒口示范区 so the ten units add up to the "
                    f"city (district-only figures: 440.5亿元 in 2024, {S['hanbin_2025']}; 380.95亿"
                    "元 in 2019, en.wikipedia 'Hanbin District', weak)"
                )
            if k == "xunyang":
                extra = (
                    "; shape anchored on 旬阳 187.05亿元 (2019, "
                    "http://map.mapbar.com/ankang_xunyang, weak)"
                )
            out[(k, y)] = (
                vals[k] * 1e8,
                f"{ILL}{city_src}, minus the published county figures of {y}, split over the other "
                f"counties by assumed 2022 relative levels{extra}",
            )
    return out


# ============================================================================================
# 5. Emissions and water use
# ============================================================================================
EMIS_2020 = {"so2": 3200, "nox": 8600, "dust": 5400, "cod": 24000, "nh3n": 2100}  # city, t
EMIS_TREND = {"so2": -0.06, "nox": -0.04, "dust": -0.05, "cod": -0.025, "nh3n": -0.03}
WATER_PER_CAPITA = 142.0  # m³/person/yr, three sectors (150 incl. ecological, assumed)
# 商洛 2019: agriculture 29.3+17.1, industry 17.6, domestic+public 30.9 (eco 5.1 excl.)
WATER_SHARE = {
    "agricultural": (29.3 + 17.1) / 94.9,
    "industrial": 17.6 / 94.9,
    "domestic": 30.9 / 94.9,
}


def emit_emissions_water(rows: Rows, pop, gdp_v, cover) -> None:
    pop20 = {k: pop[(k, 2020)][0] for k in KEYS}
    gdp20 = {k: gdp_v[(k, 2020)][0] for k in KEYS}
    crop20 = {
        k: cover[(k, 2020)]["farmland.paddy"] + cover[(k, 2020)]["farmland.dry"] for k in KEYS
    }
    ps, gs, cs = norm(pop20), norm(gdp20), norm(crop20)
    w_air = {k: 0.5 * gs[k] + 0.5 * ps[k] for k in KEYS}
    w_air_heavy = norm({k: w_air[k] * (1.3 if k == "xunyang" else 1.0) for k in KEYS})
    w_water = {k: 0.6 * ps[k] + 0.4 * cs[k] for k in KEYS}
    for y in YEARS:
        t = y - 2020
        for pol, base in EMIS_2020.items():
            city = base * (1 + EMIS_TREND[pol]) ** t
            w = (
                (w_air_heavy if pol in ("so2", "dust") else w_air)
                if pol in ("so2", "nox", "dust")
                else w_water
            )
            key = (
                "0.5 GDP + 0.5 population share"
                + (" (旬阳 ×1.3 for mining/cement)" if pol in ("so2", "dust") else "")
                if pol in ("so2", "nox", "dust")
                else "0.6 population + 0.4 cropland share"
            )
            for k in KEYS:
                rows.add(
                    k,
                    y,
                    f"emission.{pol}",
                    city * w[k],
                    "t",
                    f"{ILL}assumed city total {base:,} t in 2020 ({EMIS_TREND[pol]:+.1%}/yr) for a "
                    f"low-industry mountain city, split by {key}; no Ankang emission statistics "
                    "found",
                    nd=1,
                )
        # water use
        popy = {k: pop[(k, y)][0] for k in KEYS}
        city_pop = sum(popy.values())
        gdpy = norm({k: gdp_v[(k, y)][0] for k in KEYS})
        irr = norm(
            {
                k: 4 * cover[(k, y)]["farmland.paddy"]
                + cover[(k, y)]["farmland.dry"]
                + cover[(k, y)]["garden"]
                for k in KEYS
            }
        )
        total = WATER_PER_CAPITA * sum(pop20.values())
        dom = total * WATER_SHARE["domestic"] * (city_pop / sum(pop20.values())) * 1.01**t
        ind = total * WATER_SHARE["industrial"] * 0.98**t
        agr = total * WATER_SHARE["agricultural"] * (1 + 0.5 * (1 - P_YEAR[y]))
        base = (
            f"{ILL}city three-sector use {WATER_PER_CAPITA:.0f} m³ per resident (assumed) with the "
            f"商洛 2019 sector structure ({S['shangluo_water']}: irrigation 29.3 % + 林牧渔畜 17.1 "
            "%, industry 17.6 %, domestic+public 30.9 %; ecological 5.1 % left out)"
        )
        for k in KEYS:
            rows.add(
                k,
                y,
                "water_use.domestic",
                dom * popy[k] / city_pop,
                "m ** 3",
                base + "; domestic +1 %/yr per head, split by resident population",
                nd=0,
            )
            rows.add(
                k,
                y,
                "water_use.industrial",
                ind * gdpy[k],
                "m ** 3",
                base + "; industrial −2 %/yr, split by GDP share",
                nd=0,
            )
            rows.add(
                k,
                y,
                "water_use.agricultural",
                agr * irr[k],
                "m ** 3",
                base + "; agricultural × (1 + 0.5 × (1 − precipitation year factor)), split by "
                "4 × paddy + dry land + garden area",
                nd=0,
            )


# ============================================================================================
# 6. Material products
# ============================================================================================
def emit_products(rows: Rows, pop, cover, harvest_total) -> None:
    crop = {
        (k, y): cover[(k, y)]["farmland.paddy"] + cover[(k, y)]["farmland.dry"]
        for k in KEYS
        for y in YEARS
    }
    grain_w = {
        y: {k: cover[(k, y)]["farmland.dry"] + 1.6 * cover[(k, y)]["farmland.paddy"] for k in KEYS}
        for y in YEARS
    }

    def product(
        item,
        unit,
        city,
        city_src,
        weights,
        wdesc,
        anchors=None,
        nd=0,
        scale=1.0,
        post="",
        fixed_unit="",
    ):
        anchors = anchors or {}
        vals = split_series(city, weights, anchors)
        for y in YEARS:
            fx = ", ".join(
                f"{ZH[a]} {v:,.0f}{fixed_unit}" for (a, yy), (v, _) in anchors.items() if yy == y
            )
            for k in KEYS:
                v = vals.get((k, y), 0.0)
                if v <= 0:
                    continue
                if (k, y) in anchors:
                    src = anchors[(k, y)][1]
                    if post:
                        src = f"{ILL}{src}{post}"
                else:
                    lvl = (
                        (
                            " (counties with a published figure keep their level relative to the "
                            "split key: " + ", ".join(sorted({ZH[a] for (a, _) in anchors})) + ")"
                        )
                        if anchors
                        else ""
                    )
                    src = (
                        f"{ILL}{city_src[y]}{' minus published ' + fx if fx else ''}, split by "
                        f"{wdesc}{lvl}{post}"
                    )
                rows.add(k, y, item, v * scale, unit, src, nd=nd)

    # --- grain
    g = {2020: 774800, 2021: 779200, 2022: 734000, 2023: 745000, 2024: 750000}
    gsrc = {
        2020: f"city 77.48万 t ({S['city_agri_2020']})",
        2021: f"city 77.92万 t ({S['city_agri_2021']})",
        2022: f"city 73.40万 t ({S['city_bulletin_2022']})",
        2023: "city 74.5万 t (assumed)",
        2024: "city 75.0万 t (assumed)",
    }
    product(
        "output.agriculture.grain",
        "t",
        g,
        gsrc,
        grain_w,
        "dry land + 1.6 × paddy area",
        {
            ("ziyang", 2020): (104100, cite("ziyang_2020", "grain 10.41万 t (57.3万亩)")),
            ("ningshan", 2020): (12397, cite("ningshan_2020", "grain 12,397 t (3,007 ha)")),
            ("ningshan", 2022): (12459, cite("ningshan_2022", "grain 12,459 t (45,403亩)")),
        },
    )
    # --- oilseed
    o = {2020: 145000, 2021: 149200, 2022: 150950, 2023: 152000, 2024: 153000}
    osrc = {
        2020: "city 14.5万 t (assumed)",
        2021: f"city 14.92万 t (104.08万亩) ({S['city_agri_2021']})",
        2022: (
            f"city 14.92万 t (2021) × oilseed area 7.02万 ha (2022, {S['city_bulletin_2022']}) / "
            "6.94万 ha (2021)"
        ),
        2023: "city 15.2万 t (assumed)",
        2024: "city 15.3万 t (assumed)",
    }
    product(
        "output.agriculture.oilseed",
        "t",
        o,
        osrc,
        {k: crop[(k, 2020)] for k in KEYS},
        "cropland area",
        {("ziyang", 2020): (10100, cite("ziyang_2020", "oilseed 1.01万 t (8.86万亩)"))},
    )
    # --- vegetables (incl. edible fungi)
    v = {2020: 1718400, 2021: 1787100, 2022: 1840000, 2023: 1880000, 2024: 1920000}
    vsrc = {
        2020: f"city 178.71万 t (2021) / 1.040 (reported growth +4.0 %) ({S['nyj_2021']})",
        2021: f"city vegetables + edible fungi 178.71万 t ({S['nyj_2021']})",
        2022: "city 184.0万 t (assumed +3 %)",
        2023: "city 188.0万 t (assumed)",
        2024: "city 192.0万 t (assumed)",
    }
    vw = norm(
        {
            k: 0.5 * norm({kk: pop[(kk, 2020)][0] for kk in KEYS})[k]
            + 0.5 * norm({kk: crop[(kk, 2020)] for kk in KEYS})[k]
            for k in KEYS
        }
    )
    product(
        "output.agriculture.vegetables",
        "t",
        v,
        vsrc,
        vw,
        "0.5 population + 0.5 cropland share",
        {
            ("ziyang", 2020): (253000, cite("ziyang_2020", "vegetables 25.3万 t (17.03万亩)")),
            ("ningshan", 2020): (43247, cite("ningshan_2020", "vegetables 43,247 t")),
        },
    )
    # --- orchard fruit
    fr = {2020: 225200, 2021: 239600, 2022: 250000, 2023: 258000, 2024: 265000}
    frsrc = {
        2020: f"city 23.96万 t (2021) / 1.064 (reported +6.4 %) ({S['nyj_2021']})",
        2021: f"city 园林水果 23.96万 t ({S['nyj_2021']})",
        2022: "city 25.0万 t (assumed)",
        2023: "city 25.8万 t (assumed)",
        2024: "city 26.5万 t (assumed)",
    }
    fw = {
        "hanbin": 0.25,
        "xunyang": 0.22,
        "baihe": 0.12,
        "hanyin": 0.08,
        "shiquan": 0.07,
        "pingli": 0.08,
        "langao": 0.06,
        "ziyang": 0.035,
        "zhenping": 0.05,
        "ningshan": 0.04,
    }
    product(
        "output.agriculture.fruit",
        "t",
        fr,
        frsrc,
        fw,
        "assumed county orchard weights (旬阳/汉滨/白河 largest)",
        {("ziyang", 2020): (7814, cite("ziyang_2020", "园林水果 7,814 t"))},
    )
    # --- tea
    tea = {2020: 43900, 2021: 47200, 2022: 49600, 2023: 51600, 2024: 53200}
    teasrc = {
        2020: f"city 4.72万 t (2021) / 1.075 (reported +7.5 %) ({S['nyj_2021']})",
        2021: f"city tea 4.72万 t ({S['nyj_2021']}; also {S['tea_xinhua']})",
        2022: "city 4.96万 t (assumed +5 %)",
        2023: "city 5.16万 t (assumed)",
        2024: "city 5.32万 t (assumed)",
    }
    tea_garden = {
        "ziyang": 24,
        "hanbin": 21,
        "pingli": 25,
        "langao": 8,
        "hanyin": 8,
        "shiquan": 6,
        "xunyang": 8,
        "baihe": 5,
        "zhenping": 4.6,
        "ningshan": 0,
    }
    tea_w = {k: v for k, v in tea_garden.items() if v > 0}
    product(
        "output.agriculture.tea",
        "t",
        tea,
        teasrc,
        tea_w,
        "tea-garden area (紫阳 24, 汉滨 21, 平利 25万亩 published; other counties share the rest "
        "of the city's 109.6万亩 by assumption; 宁陕 assumed the county without tea; 平利's 1.7万 "
        "t of 'tea-drink products' includes non-Camellia drinks and is not used as dry tea)",
        {
            ("ziyang", 2020): (8805, cite("ziyang_2020", "tea 8,805 t (+16.81 %)")),
            ("hanbin", 2023): (
                9000,
                cite(
                    "hanbin_tea",
                    "汉滨 tea '>9,000 t' (2023), 21万亩; value set at the stated floor",
                ),
            ),
        },
    )
    # --- medicinal herbs (no city total: county values)
    herbs = {
        "hanbin": 9000,
        "hanyin": 4000,
        "shiquan": 5000,
        "ningshan": 9738,
        "ziyang": 7490,
        "langao": 6000,
        "pingli": 6000,
        "zhenping": 7000,
        "xunyang": 8000,
        "baihe": 4000,
    }
    for k in KEYS:
        for y in YEARS:
            if k == "ziyang" and y == 2020:
                rows.add(
                    k,
                    y,
                    "output.agriculture.herbs",
                    7490,
                    "t",
                    cite("ziyang_2020", "medicinal herbs 7,490 t"),
                    nd=0,
                )
            elif k == "ningshan" and y == 2020:
                rows.add(
                    k,
                    y,
                    "output.agriculture.herbs",
                    9738,
                    "t",
                    cite("ningshan_2020", "medicinal herbs 9,738 t (28,685亩)"),
                    nd=0,
                )
            elif k == "ningshan" and y == 2022:
                rows.add(
                    k,
                    y,
                    "output.agriculture.herbs",
                    9738 * 31332 / 28685,
                    "t",
                    f"{ILL}derived: 9,738 t (2020, {S['ningshan_2020']}) × herb area 31,332亩 "
                    f"(2022, {S['ningshan_2022']}) / 28,685亩 (2020)",
                    nd=0,
                )
            else:
                rows.add(
                    k,
                    y,
                    "output.agriculture.herbs",
                    herbs[k] * 1.03 ** (y - 2020),
                    "t",
                    f"{ILL}assumed 2020 level {herbs[k]:,} t (order of magnitude of the published "
                    "紫阳 7,490 t and 宁陕 9,738 t, 2020), +3 %/yr; no city total found",
                    nd=0,
                )

    # --- forestry: timber from the harvest ledger, nuts by assumption
    for (k, y), h in harvest_total.items():
        rows.add(
            k,
            y,
            "output.forestry.timber",
            h * 0.65,
            "m ** 3",
            f"{ILL}commercial harvest stem volume of this inventory (forest.harvest, all species) "
            "× 0.65 log-assortment recovery (assumed)",
            nd=0,
        )
    walnut_w = {
        "hanbin": 0.15,
        "xunyang": 0.15,
        "shiquan": 0.08,
        "hanyin": 0.08,
        "ningshan": 0.10,
        "ziyang": 0.08,
        "langao": 0.09,
        "pingli": 0.09,
        "zhenping": 0.08,
        "baihe": 0.10,
    }
    chestnut_w = {
        "xunyang": 0.16,
        "hanbin": 0.16,
        "baihe": 0.12,
        "shiquan": 0.10,
        "ningshan": 0.08,
        "hanyin": 0.08,
        "ziyang": 0.08,
        "langao": 0.08,
        "pingli": 0.08,
        "zhenping": 0.06,
    }
    for name, city0, w in (("walnut", 15000, walnut_w), ("chestnut", 12000, chestnut_w)):
        for y in YEARS:
            city = city0 * 1.02 ** (y - 2020)
            for k, share in norm(w).items():
                rows.add(
                    k,
                    y,
                    f"output.forestry.{name}",
                    city * share,
                    "t",
                    f"{ILL}assumed city {name} output {city0:,} t in 2020 (+2 %/yr) from the 特色经"
                    "济林 (770万亩 in 2016-17, 三秦都市报 2017-08, "
                    "https://m.yybnet.net/ankang/news/201708/6418325.html, weak), split by assumed "
                    "county weights",
                    nd=0,
                )

    # --- livestock
    pigs = {2020: 1800000, 2021: 1909800, 2022: 1950000, 2023: 2000000, 2024: 1960000}
    pigsrc = {
        2020: (
            "city pigs slaughtered 190.98万 head (2021) / 1.061 (reported +6.1 %) "
            f"({S['nyj_2021']})"
        ),
        2021: f"city pigs slaughtered 190.98万 head ({S['nyj_2021']})",
        2022: "city 195万 head (assumed)",
        2023: "city 200万 head (assumed)",
        2024: "city 196万 head (assumed)",
    }
    rw = norm(CENSUS_RURAL)
    rdesc = "2020 census rural population (乡村人口)"
    product(
        "output.livestock.pork",
        "t",
        pigs,
        pigsrc,
        rw,
        rdesc,
        nd=0,
        scale=0.078,
        anchors={
            ("ziyang", 2020): (
                230000,
                cite("ziyang_2020", "紫阳 pigs slaughtered 23万 head (2020)"),
            )
        },
        fixed_unit=" head",
        post=" × 78 kg carcass weight per head (assumed)",
    )
    for name, city0, g_ in (("poultry", 14000, 0.02), ("eggs", 36000, 0.015)):
        city = {y: city0 * (1 + g_) ** (y - 2020) for y in YEARS}
        csrc = {
            y: f"assumed city {name} output {city[y]:,.0f} t ({city0:,} t in 2020, {g_:+.1%}/yr)"
            for y in YEARS
        }
        anch = (
            {("ziyang", 2020): (5226, cite("ziyang_2020", "eggs 5,226 t"))}
            if name == "eggs"
            else None
        )
        product(f"output.livestock.{name}", "t", city, csrc, rw, rdesc, anch)

    # --- fishery: 宁陕 share from its 2022 fishery value added (0.74 of 5.20亿元 = 14 %)
    aq = {2020: 41550, 2021: 41600, 2022: 42000, 2023: 42400, 2024: 42800}
    aqsrc = {
        2020: f"city 4.16万 t (2021) / 1.0011 ({S['nyj_2021']})",
        2021: f"city aquatic products 4.16万 t ({S['nyj_2021']})",
        2022: "city 4.20万 t (assumed)",
        2023: "city 4.24万 t (assumed)",
        2024: "city 4.28万 t (assumed)",
    }
    for y in YEARS:
        ws = norm({k: cover[(k, y)]["water"] for k in KEYS if k != "ningshan"})
        for k in KEYS:
            share = 0.14 if k == "ningshan" else 0.86 * ws[k]
            rows.add(
                k,
                y,
                "output.fishery.aquatic",
                aq[y] * share,
                "t",
                f"{ILL}{aqsrc[y]}; 宁陕 14 % (= its fishery value added 0.74 of the city's 5.20亿"
                f"元 in 2022, {S['ningshan_2022']}; {S['city_bulletin_2022']}), other counties by "
                "water area",
                nd=0,
            )


# ============================================================================================
# 7. Forest resources by species group (stock ledger for the carbon module)
# ============================================================================================
SPECIES_SHARE = {  # of non-bamboo forest area
    "qinling": dict(
        quercus=0.40,
        pinus_massoniana=0.02,
        pinus_armandii=0.15,
        pinus_tabuliformis=0.11,
        cunninghamia=0.01,
        cupressus=0.01,
        populus=0.02,
        broadleaf_mixed=0.28,
    ),
    "daba": dict(
        quercus=0.40,
        pinus_massoniana=0.13,
        pinus_armandii=0.08,
        pinus_tabuliformis=0.01,
        cunninghamia=0.07,
        cupressus=0.02,
        populus=0.02,
        broadleaf_mixed=0.27,
    ),
    "valley": dict(
        quercus=0.40,
        pinus_massoniana=0.18,
        pinus_armandii=0.03,
        pinus_tabuliformis=0.02,
        cunninghamia=0.03,
        cupressus=0.08,
        populus=0.04,
        broadleaf_mixed=0.22,
    ),
}
DENSITY = dict(
    quercus=68,
    pinus_massoniana=60,
    pinus_armandii=75,
    pinus_tabuliformis=62,
    cunninghamia=70,
    cupressus=45,
    populus=55,
    broadleaf_mixed=72,
)  # m³/ha, relative
DENSITY_COUNTY = {
    "ningshan": 1.25,
    "zhenping": 1.15,
    "langao": 1.08,
    "pingli": 1.05,
    "shiquan": 1.0,
    "ziyang": 0.92,
    "hanyin": 0.88,
    "hanbin": 0.88,
    "xunyang": 0.82,
    "baihe": 0.82,
}
CITY_DENSITY_2020 = 60.0  # m³/ha over stocked forest: city ≈ 0.93亿 m³ (anchor 0.84-0.98亿 m³)
INC = dict(
    quercus=0.036,
    pinus_massoniana=0.050,
    pinus_armandii=0.040,
    pinus_tabuliformis=0.042,
    cunninghamia=0.058,
    cupressus=0.038,
    populus=0.075,
    broadleaf_mixed=0.033,
)
HARV = dict(
    quercus=0.0025,
    pinus_massoniana=0.008,
    pinus_armandii=0.002,
    pinus_tabuliformis=0.002,
    cunninghamia=0.012,
    cupressus=0.004,
    populus=0.025,
    broadleaf_mixed=0.001,
)
HARV_COUNTY = {k: 1.0 for k in KEYS} | {"ningshan": 0.3, "zhenping": 0.6}
FUEL_2020 = 0.0020  # of stock, falling 5 %/yr
DIST = {s: 0.0001 for s in STOCKED} | {"pinus_massoniana": 0.0015}  # share of species area


def forest_ledger(cover):
    """Species areas, stocks and flows; stock(Y) = stock(Y-1) + increment − harvest − fuelwood −
    disturbance."""
    area = {}
    for k in KEYS:
        shares = SPECIES_SHARE[COUNTIES[k][1]]
        for y in YEARS:
            a = cover[(k, y)]
            stocked = a["forest.broadleaf"] + a["forest.coniferous"] + a["forest.mixed"]
            for s in STOCKED:
                area[(k, y, s)] = stocked * shares[s]
            area[(k, y, "bamboo")] = a["forest.bamboo"]
    # calibrate density so the 2020 city mean over stocked forest = CITY_DENSITY_2020
    raw = sum(area[(k, 2020, s)] * DENSITY[s] * DENSITY_COUNTY[k] for k in KEYS for s in STOCKED)
    tot = sum(area[(k, 2020, s)] for k in KEYS for s in STOCKED)
    cal = CITY_DENSITY_2020 * tot / raw
    stock, inc, harv, fuel, dist = {}, {}, {}, {}, {}
    for k in KEYS:
        for s in STOCKED:
            d0 = DENSITY[s] * DENSITY_COUNTY[k] * cal
            s2020 = area[(k, 2020, s)] * d0
            hr = HARV[s] * HARV_COUNTY[k]
            # hidden 2019 stock so that the 2020 flows close the ledger exactly
            prev = s2020 / (1 + INC[s] - hr - FUEL_2020 - DIST[s])
            prev_area = area[(k, 2020, s)]
            for y in YEARS:
                fr = FUEL_2020 * 0.95 ** (y - 2020)
                i_ = INC[s] * prev
                h_ = hr * prev
                f_ = fr * prev
                da = DIST[s] * area[(k, y, s)]
                dv = (
                    da * prev / prev_area
                )  # disturbed area × previous mean density (full loss, fd = 1)
                now = prev + i_ - h_ - f_ - dv
                if y == 2020:
                    now = s2020
                stock[(k, y, s)], inc[(k, y, s)], harv[(k, y, s)] = now, i_, h_
                fuel[(k, y, s)], dist[(k, y, s)] = f_, da
                prev, prev_area = now, area[(k, y, s)]
    return area, stock, inc, harv, fuel, dist, cal


def emit_forest(rows: Rows, ledger) -> dict[tuple[str, int], float]:
    area, stock, inc, harv, fuel, dist, cal = ledger
    harvest_total = {}
    for k in KEYS:
        zone = COUNTIES[k][1]
        for y in YEARS:
            for s in SPECIES:
                if s == "bamboo":
                    src = f"{ILL}equal to the forest.bamboo ecosystem area of this inventory"
                else:
                    src = (
                        f"{ILL}stocked forest area (forest.broadleaf + coniferous + mixed of this "
                        f"inventory) × assumed {zone}-zone share {SPECIES_SHARE[zone][s]:.2f} for "
                        f"{s} (Qinba flora: oaks, Masson/Huashan/Chinese pine, fir, cypress, "
                        "poplar, mixed broadleaf); replace with the 二类调查 species statistics"
                    )
                rows.add(k, y, "forest.area", area[(k, y, s)], "hectare", src, species=s, nd=2)
            htot = 0.0
            for s in STOCKED:
                dens = DENSITY[s] * DENSITY_COUNTY[k] * cal
                ledger_note = (
                    "stock(Y) = stock(Y−1) + increment − harvest − fuelwood − disturbed area × "
                    "previous mean density"
                )
                if y == 2020:
                    ssrc = (
                        f"{ILL}area × {dens:.1f} m³/ha (species relative density × county factor "
                        f"{DENSITY_COUNTY[k]:.2f}, calibrated to a city mean of "
                        f"{CITY_DENSITY_2020:.0f} m³/ha over stocked forest ≈ 0.93亿 m³; Qinling "
                        f"mean ≈ 67 m³/ha from {S['qinling_stock']})"
                    )
                else:
                    ssrc = (
                        f"{ILL}{ledger_note} (2020 stock from the Qinling-mean calibration, see "
                        "2020 row)"
                    )
                rows.add(k, y, "forest.stock", stock[(k, y, s)], "m ** 3", ssrc, species=s, nd=0)
                rows.add(
                    k,
                    y,
                    "forest.increment",
                    inc[(k, y, s)],
                    "m ** 3",
                    f"{ILL}{INC[s] * 100:.1f} % of the previous year-end stock (assumed net annual "
                    f"increment rate for {s})",
                    species=s,
                    nd=0,
                )
                hr = HARV[s] * HARV_COUNTY[k]
                rows.add(
                    k,
                    y,
                    "forest.harvest",
                    harv[(k, y, s)],
                    "m ** 3",
                    f"{ILL}{hr * 100:.2f} % of the previous year-end stock (assumed; "
                    "natural-forest commercial logging stopped, removals mostly plantation species "
                    "and oak mushroom logs"
                    f"{'; 宁陕/镇坪 reduced for 天保 protection' if HARV_COUNTY[k] < 1 else ''})",
                    species=s,
                    nd=0,
                )
                rows.add(
                    k,
                    y,
                    "forest.fuelwood",
                    fuel[(k, y, s)],
                    "m ** 3",
                    f"{ILL}{FUEL_2020 * 0.95 ** (y - 2020) * 100:.3f} % of the previous year-end "
                    "stock (assumed rural fuelwood, −5 %/yr)",
                    species=s,
                    nd=0,
                )
                rows.add(
                    k,
                    y,
                    "forest.disturbance_area",
                    dist[(k, y, s)],
                    "hectare",
                    f"{ILL}{DIST[s] * 100:.2f} % of the species area (assumed; pine wilt disease "
                    "makes Masson pine the most affected group)",
                    species=s,
                    nd=2,
                )
                htot += harv[(k, y, s)]
            harvest_total[(k, y)] = htot
    return harvest_total


# ============================================================================================
# 8. Tourism
# ============================================================================================
#: 2012-2019 growth of visits, calibrated: with Ankang's own spending per visit (76.22亿元 /
#: 1,800万人次 in 2012 = 423.44 元, CPI-indexed; cultural.recreation.travel_cost of the ankang
#: coefficient set) the 2024 visits give the published 旅游康养 326.34亿元 (PUBLISHED_2024).
#: 15.65 %/yr also reproduces the ≈ 5,000万 visits of 2019 assumed before calibration.
TOUR_VISIT_GROWTH = 1.15649
TOUR_2019_VISITS = 1800e4 * TOUR_VISIT_GROWTH**7  # 2012 anchor × growth → ≈ 4,979万 (2019)
TOUR_2019_REV = 76.22e8 * 1.216**7  # 2012 anchor × assumed 21.6 %/yr → ≈ 300亿元 (2019)
TOUR_VISIT_F = {2020: 0.60, 2021: 0.80, 2022: 0.70, 2023: 1.099, 2024: 1.099 * 1.151}
TOUR_REV_F = {2020: 0.55, 2021: 0.75, 2022: 0.65, 2023: 1.02, 2024: 1.02 * 1.156}
TOUR_W = {
    "hanbin": 0.26,
    "shiquan": 0.15,
    "ningshan": 0.10,
    "langao": 0.08,
    "ziyang": 0.07,
    "pingli": 0.08,
    "hanyin": 0.07,
    "xunyang": 0.09,
    "zhenping": 0.04,
    "baihe": 0.06,
}


def emit_tourism(rows: Rows) -> None:
    w = norm(TOUR_W)
    for y in YEARS:
        vf, rf = TOUR_VISIT_F[y], TOUR_REV_F[y]
        why = {
            2020: "pandemic year, assumed",
            2021: "assumed",
            2022: "assumed",
            2023: f"+9.9 % over the pre-pandemic level ({S['tour_2023']})",
            2024: f"2023 level +15.1 % visitors / +15.6 % spending ({S['tour_2024']})",
        }[y]
        for k in KEYS:
            rows.add(
                k,
                y,
                "visitors",
                TOUR_2019_VISITS * vf * w[k],
                "visit",
                f"{ILL}city 2019 ≈ {TOUR_2019_VISITS / 1e4:,.0f}万人次 = 2012 anchor "
                f"({S['tour_2012']}) × {TOUR_VISIT_GROWTH}^7; {y} factor {vf:.3f} ({why}); county "
                f"share {w[k]:.0%} (assumed, 石泉 share matches its 2019 revenue 44.84亿元, "
                f"{S['shiquan_tour_2019']}); all tourism, no nature-based share applied; "
                "calibrated: the growth rate makes 2024 visits × Ankang's 2012 spending per visit "
                f"(423.44 元, CPI-indexed) = 旅游康养 326.34亿元 of the {PUBLISHED_2024}",
                nd=0,
            )
            rows.add(
                k,
                y,
                "tourism.revenue",
                TOUR_2019_REV * rf * w[k],
                "CNY",
                f"{ILL}city 2019 ≈ {TOUR_2019_REV / 1e8:,.0f}亿元 = 2012 anchor 76.22亿元 × "
                f"1.216^7 (assumed growth); {y} factor {rf:.3f} ({why}); county share {w[k]:.0%} "
                f"(assumed; 石泉 2019 44.84亿元, {S['shiquan_tour_2019']}); all tourism revenue, "
                "no nature-based share applied",
                nd=0,
            )


# ============================================================================================
# 9. Landscape premium floor area (the cultural residual of the published account)
# ============================================================================================
#: assumed residential floor area per urban resident, m² (order of magnitude of Chinese
#: prefecture cities around 2020; no Ankang housing statistic collected)
FLOOR_PER_URBAN_RESIDENT = 40.0
URBANISATION_TREND = 0.01  # urban share of residents rises 1 point per year after 2020 (assumed)


def emit_landscape(rows: Rows, pop) -> None:
    """Floor area of urban housing, all counted as within reach of natural landscape.

    Ankang's towns lie in narrow valleys along the Han River and its tributaries, so the demo
    counts every urban dwelling. The published account gives 文化服务 511.65亿元 of which
    旅游康养 326.34亿元 and does not name the rest; the demo books the remainder (185.31亿元) as
    landscape premium, the only other cultural indicator of the ndrc-2022 profile, with this
    area and a premium per m² calibrated to it (cultural.landscape.premium, coefficient set
    ankang).
    """
    for k in KEYS:
        urban_2020 = (CENSUS[k] - CENSUS_RURAL[k]) / CENSUS[k]
        for y in YEARS:
            share = urban_2020 + URBANISATION_TREND * (y - 2020)
            v = pop[(k, y)][0] * share * FLOOR_PER_URBAN_RESIDENT
            rows.add(
                k,
                y,
                "landscape.premium_area",
                v,
                "m ** 2",
                f"{ILL}residents × urban share {share:.4f} (2020 census urban share "
                f"{urban_2020:.4f}, {S['census']}; +1 point/yr assumed) × "
                f"{FLOOR_PER_URBAN_RESIDENT:.0f} m² floor area per urban resident (assumed); every "
                "valley-town dwelling counted as near natural landscape; calibrated together with "
                "the premium to the cultural residual 511.65 − 326.34 = 185.31亿元 (文化服务 minus "
                f"旅游康养) of the {PUBLISHED_2024}",
                nd=0,
            )


# ============================================================================================
# main
# ============================================================================================

# --------------------------------------------------------------------------------------------
# Out-of-region water basis (issue 11): inflow and local runoff, county perspective
# --------------------------------------------------------------------------------------------
SECONDS_PER_YEAR = 365 * 86400  # [s]; m³/s -> m³/yr
CITY_RUNOFF = 107e8  # [m³/yr] annual runoff (自产水) of the city, sxakhidz 2013 (A.2)
SHIQUAN_FLOW = (341.0 + 372.0) / 2  # [m³/s] Han at 石泉 station, midpoint of 341–372 (B.7)
ANKANG_DAM_RUNOFF = 176.5e8  # [m³/yr] mean annual runoff at the 安康 dam (瀛湖, B.7)
SHUHE_FLOW = 732.0  # [m³/s] mean flow at the 蜀河 station (旬阳, B.7)
OUTFLOW_MID = (
    235e8 + 255e8
) / 2  # [m³/yr] outflow at 白河, midpoint of the derived 235–255亿 (B.7)
MAIN_STEM = ["shiquan", "hanyin", "ziyang", "hanbin", "xunyang", "baihe"]  # upstream → downstream


def water_basis(land: dict[str, float]) -> dict[str, tuple[float, float, str, str]]:
    """Per county: (inflow, local_runoff [m³/yr], inflow source, runoff source).

    Long-term means (the same every year). County perspective: the inflow of a county is the
    river water crossing *its own* border, including water from upstream Ankang counties.
    """
    city_land = sum(land.values())
    runoff = {k: CITY_RUNOFF * land[k] / city_land for k in KEYS}
    runoff_ref = f"city runoff: {S['sxakhidz']}"
    refs = {
        "shiquan": f"flow: {S['shiquan_dam']}",
        "hanyin": f"flow: {S['shiquan_dam']}; {runoff_ref}",
        "ziyang": f"flow: {S['shiquan_dam']}; {runoff_ref}",
        "hanbin": f"runoff at the dam: {S['yinghu']}",
        "xunyang": f"flow: {S['shuhe_dam']}; {runoff_ref}",
        "baihe": f"flow: {S['shuhe_dam']}; {runoff_ref}",
    }
    r_src = {
        k: (
            f"{ILL}long-term mean, repeated for every year: the city's annual runoff 107亿 m³ "
            f"(A.2) split by land area, {ZH[k]} {land[k] / 100:.1f} of {city_land / 100:.1f} km² "
            f"= {runoff[k] / 1e8:.2f}亿 m³; {runoff_ref}"
        )
        for k in KEYS
    }
    q_sq = SHIQUAN_FLOW * SECONDS_PER_YEAR
    q_shuhe = SHUHE_FLOW * SECONDS_PER_YEAR
    inflow = {
        "shiquan": (
            q_sq,
            "Han River entering from 汉中 at 石泉: mean flow 341–372 m³/s, midpoint "
            f"{SHIQUAN_FLOW} m³/s × 365 d = {q_sq / 1e8:.2f}亿 m³ (the 石泉 station lies inside "
            "the county, so this slightly overstates the border inflow)",
        ),
        "hanyin": (
            q_sq + runoff["shiquan"],
            f"on the Han main stem below 石泉 (the river course is not in the reference notes; "
            f"confirm on a map): 石泉 inflow {q_sq / 1e8:.2f} + 石泉's own runoff "
            f"{runoff['shiquan'] / 1e8:.2f} = {(q_sq + runoff['shiquan']) / 1e8:.2f}亿 m³ (lower "
            f"bound: tributary water from 宁陕 not added)",
        ),
        "ziyang": (
            q_sq + runoff["shiquan"] + runoff["hanyin"],
            f"on the Han main stem below 汉阴 (the river course is not in the reference notes; "
            f"confirm on a map): 汉阴 inflow {(q_sq + runoff['shiquan']) / 1e8:.2f} + 汉阴's own "
            f"runoff {runoff['hanyin'] / 1e8:.2f} = "
            f"{(q_sq + runoff['shiquan'] + runoff['hanyin']) / 1e8:.2f}亿 m³ (lower bound: "
            f"tributary water, e.g. from 宁陕 and from outside the city, not added)",
        ),
        "hanbin": (
            ANKANG_DAM_RUNOFF,
            "mean annual runoff at the 安康 dam (瀛湖) 176.5亿 m³ (the dam lies inside 汉滨, so "
            "this includes the runoff of 汉滨's area above the dam and slightly overstates the "
            "border inflow)",
        ),
        "xunyang": (
            q_shuhe - runoff["xunyang"],
            f"蜀河 station mean flow {SHUHE_FLOW:.0f} m³/s × 365 d = {q_shuhe / 1e8:.2f}亿 m³ "
            f"minus 旬阳's own runoff {runoff['xunyang'] / 1e8:.2f} = "
            f"{(q_shuhe - runoff['xunyang']) / 1e8:.2f}亿 m³ (蜀河 is near 旬阳's downstream end)",
        ),
        "baihe": (
            OUTFLOW_MID - runoff["baihe"],
            "outflow at 白河 235–255亿 m³ (derived in B.7 from the 蜀河 flow and the city runoff), "
            f"midpoint {OUTFLOW_MID / 1e8:.1f} minus 白河's own runoff {runoff['baihe'] / 1e8:.2f} "
            f"= {(OUTFLOW_MID - runoff['baihe']) / 1e8:.2f}亿 m³",
        ),
    }
    out = {}
    for k in KEYS:
        if k in inflow:
            q, how = inflow[k]
            q_src = (
                f"{ILL}long-term mean, repeated for every year, county perspective (water crossing "
                f"{ZH[k]}'s own border, upstream Ankang counties included): {how}; {refs[k]}"
            )
        else:
            q = 0.0
            q_src = (
                f"{ILL}0 by assumption: {ZH[k]} is not on the Han River main stem; its rivers rise "
                f"in or near the county and the water entering it across its border is small and "
                f"not quantified in any source found"
            )
        out[k] = (q, runoff[k], q_src, r_src[k])
    return out


def emit_water_basis(rows: Rows, land: dict[str, float]) -> None:
    for k, (q, r, q_src, r_src) in water_basis(land).items():
        for y in YEARS:
            rows.add(k, y, "inflow", q, "m ** 3", q_src, nd=0)
            rows.add(k, y, "local_runoff", r, "m ** 3", r_src, nd=0)


CITY_CODE = "610900"  # 安康市, the aggregate region of regions.csv


def aggregate_basis() -> pd.DataFrame:
    """``aggregate.csv``: the city's own out-of-region water basis (city perspective).

    For the city, only water entering from outside the city is out-of-region: the Han River
    from 汉中 at 石泉 (the same 112.43亿 m³ as 石泉's county inflow), against the city's own
    annual runoff of 107亿 m³ (the figure the county ``local_runoff`` rows split by land area).
    The 任河 and other inflows from outside the city are not quantified (lower bound).
    """
    q_sq = SHIQUAN_FLOW * SECONDS_PER_YEAR
    q_src = (
        f"{ILL}long-term mean, repeated for every year, city perspective (only water entering "
        f"安康市 from outside the city): Han River entering from 汉中 at 石泉, mean flow 341–372 "
        f"m³/s, midpoint {SHIQUAN_FLOW} m³/s × 365 d = {q_sq / 1e8:.2f}亿 m³ (the 石泉 station "
        "lies inside the city, so this slightly overstates the border inflow; the 任河 and other "
        "tributaries entering from outside the city are not quantified and not added, lower "
        f"bound); flow: {S['shiquan_dam']}"
    )
    r_src = (
        f"{ILL}long-term mean, repeated for every year: the city's annual runoff (自产水) 107亿 m³ "
        f"(A.2; the county local_runoff rows split it by land area); {S['sxakhidz']}"
    )
    rows = []
    for y in YEARS:
        for item, v, src in (("inflow", q_sq, q_src), ("local_runoff", CITY_RUNOFF, r_src)):
            rows.append(
                dict(
                    region=CITY_CODE,
                    year=y,
                    item=item,
                    ecosystem="",
                    species="",
                    value=f"{int(round(v))}",
                    unit="m ** 3",
                    source=src,
                )
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def build() -> tuple[pd.DataFrame, dict]:
    land = land_areas()
    cover = build_land_cover(land)
    rows = Rows()
    emit_land_cover(rows, cover, land)
    emit_climate(rows)
    emit_water_infrastructure(rows)
    emit_water_basis(rows, land)
    pop = population()
    for (k, y), (v, src) in pop.items():
        rows.add(k, y, "population", v, "person", src, nd=0)
    g = gdp()
    for (k, y), (v, src) in g.items():
        rows.add(k, y, "gdp", v, "CNY", src, nd=0)
    emit_emissions_water(rows, pop, g, cover)
    ledger = forest_ledger(cover)
    harvest_total = emit_forest(rows, ledger)
    emit_products(rows, pop, cover, harvest_total)
    emit_tourism(rows)
    emit_landscape(rows, pop)
    return rows.frame(), dict(land=land, cover=cover, ledger=ledger, pop=pop, gdp=g)


def check(df: pd.DataFrame, info: dict) -> list[str]:
    """Consistency checks; returns a list of problems (empty = fine) and prints a summary."""
    problems = []
    land = info["land"]
    d = df.copy()
    d["v"] = d["value"].astype(float)
    if d["source"].fillna("").str.strip().eq("").any():
        problems.append("empty source")
    dup = d.duplicated(["region", "year", "item", "ecosystem", "species"])
    if dup.any():
        problems.append(f"{dup.sum()} duplicate keys")
    code_to_key = {c: k for k, (c, _) in COUNTIES.items()}
    a = d[d.item == "area"].groupby(["region", "year"])["v"].sum()
    for (r, y), v in a.items():
        L = land[code_to_key[r]]
        if abs(v - L) / L > 0.001:
            problems.append(f"area {r} {y}: {v} vs {L}")
    fa = d[d.item == "forest.area"].groupby(["region", "year"])["v"].sum()
    fe = (
        d[(d.item == "area") & d.ecosystem.str.startswith("forest.")]
        .groupby(["region", "year"])["v"]
        .sum()
    )
    if (abs(fa - fe) > 0.1).any():
        problems.append("forest.area by species does not sum to forest.* area")
    # water balance for natural vegetation
    P = d[d.item == "precipitation"].set_index(["region", "year"])["v"]
    et = d[d.item == "evapotranspiration"].set_index(["region", "year", "ecosystem"])["v"]
    ro = d[d.item == "runoff"].set_index(["region", "year", "ecosystem"])["v"]
    for (r, y, e), v in et.items():
        natural = e.startswith("forest.") or e in ("shrub", "grassland", "wetland")
        if natural and P[(r, y)] - ro[(r, y, e)] - v < 0:
            problems.append(f"P-R-ET < 0 for {r} {y} {e}")
    if (d["v"] < 0).any():
        problems.append("negative values")
    lr = d[d.item == "local_runoff"].groupby("year")["v"].sum()
    if len(lr) != len(YEARS) or (abs(lr - CITY_RUNOFF) > 10).any():
        problems.append("local_runoff does not sum to the city's 107亿 m³ every year")
    inflow = d[d.item == "inflow"].set_index(["region", "year"])["v"]
    for y in YEARS:
        stem = [inflow[(COUNTIES[k][0], y)] for k in MAIN_STEM]
        if any(b < a for a, b in zip(stem[:-1], stem[1:], strict=True)):
            problems.append(f"inflow decreases downstream along the Han in {y}")
    # summary
    city_land = sum(land.values())
    print(f"rows: {len(d)}; items: {d.item.nunique()}")
    for y in YEARS:
        cf = fe.xs(y, level="year").sum()
        st = d[(d.item == "forest.stock") & (d.year == y)]["v"].sum()
        crop = d[(d.item == "area") & (d.year == y) & d.ecosystem.str.startswith("farmland")][
            "v"
        ].sum()
        gd = d[(d.item == "gdp") & (d.year == y)]["v"].sum()
        pp = d[(d.item == "population") & (d.year == y)]["v"].sum()
        hy = d[(d.item == "hydropower.generation") & (d.year == y)]["v"].sum()
        print(
            f"{y}: forest share {cf / city_land:.4f}, cropland {crop / city_land:.4f}, stock "
            f"{st / 1e8:.3f}亿 m³ ({st / cf:.1f} m³/ha of forest), GDP {gd / 1e8:.1f}亿, pop "
            f"{pp:,.0f}, hydro {hy / 1e8:.1f}亿 kWh"
        )
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=HERE / "inventory.csv")
    ap.add_argument("--check", action="store_true", help="print consistency checks")
    ap.add_argument(
        "--aggregate-out",
        type=Path,
        default=None,
        help="the city's own basis (default: aggregate.csv beside --out)",
    )
    args = ap.parse_args(argv)
    df, info = build()
    df.to_csv(args.out, index=False, encoding="utf-8", lineterminator="\n")
    print(f"wrote {args.out} ({len(df)} rows)")
    agg_out = args.aggregate_out or args.out.with_name("aggregate.csv")
    agg = aggregate_basis()
    agg.to_csv(agg_out, index=False, encoding="utf-8", lineterminator="\n")
    print(f"wrote {agg_out} ({len(agg)} rows)")
    if args.check:
        problems = check(df, info)
        for p in problems:
            print("PROBLEM:", p)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
