"""A ~200 MB inventory CSV for the validation benchmark (issue 16 item 6).

Tiles the mini dataset's 2020 rows of county 100001 over ``n_regions`` synthetic counties and
``n_years`` years (values scaled per region so rows differ). Every row is valid, so the
benchmark measures a full validation, not an early exit. Synthetic: ``illustrative``.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

MINI = Path(__file__).resolve().parents[1] / "tests" / "data" / "mini"


def write_large_dataset(folder: Path, n_regions: int = 2100, n_years: int = 25) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows = list(csv.DictReader((MINI / "inventory.csv").open(encoding="utf-8")))
    base = [r for r in rows if r["region"] == "100001" and r["year"] == "2020"]
    codes = [f"{200001 + i:06d}" for i in range(n_regions)]
    with (folder / "regions.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["code", "name_zh", "name_en", "parent", "land_area", "land_area_unit", "source"]
        )
        w.writerow(
            [
                "200000",
                "合成市",
                "Synthetic City",
                "",
                n_regions * 1000,
                "km**2",
                "illustrative: sum",
            ]
        )
        for c in codes:
            w.writerow(
                [c, f"合成县{c}", f"County {c}", "200000", 1000, "km**2", "illustrative: tiled"]
            )
    (folder / "dataset.yaml").write_text(
        "name: large\ncoefficients: mini\nbase_year: 2020\nyears: "
        f"[{', '.join(str(2020 + y) for y in range(n_years))}]\nsource_note: illustrative — the "
        "mini county's 2020 rows tiled (benchmarks/large_inventory.py)\n",
        encoding="utf-8",
    )
    with (folder / "inventory.csv").open("w", encoding="utf-8", newline="") as fh:
        fh.write("region,year,item,ecosystem,species,value,unit,source\n")
        for i, c in enumerate(codes):
            scale = 0.8 + 0.4 * ((i * 7919) % 1000) / 1000.0
            buf = io.StringIO()
            w = csv.writer(buf)
            for y in range(n_years):
                year = str(2020 + y)
                for r in base:
                    w.writerow(
                        [
                            c,
                            year,
                            r["item"],
                            r["ecosystem"],
                            r["species"],
                            f"{float(r['value']) * scale:.6g}",
                            r["unit"],
                            r["source"],
                        ]
                    )
            fh.write(buf.getvalue())
    return folder


if __name__ == "__main__":  # python benchmarks/large_inventory.py /tmp/large
    out = write_large_dataset(Path(sys.argv[1]))
    print(out, (out / "inventory.csv").stat().st_size / 1e6, "MB")
