"""The inventory template (XLSX): the long table's columns plus sheets of definitions.

The ``inventory`` sheet has exactly the columns of ``inventory.csv``; ``items``,
``ecosystems`` and ``regions`` sheets tell an analyst what to write. A template pre-filled
with a dataset's rows loads back to the identical ``Dataset`` (tested).
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from .catalog import ecosystem_catalog, item_catalog
from .inventory import INVENTORY_COLUMNS, load_dataset
from .safeio import atomic_write_bytes, check_output_path, escape_frame, safe_sheet_title


def template_frames(dataset_path: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Sheets of the template; with a dataset, the inventory sheet holds its rows (canonical
    units)."""
    if dataset_path is not None:
        ds = load_dataset(dataset_path)
        inv = ds.table[INVENTORY_COLUMNS].copy()
        inv["value"] = inv["value"].map(lambda v: repr(float(v)))
        regions = ds.regions.reset_index()[["code", "name_zh", "name_en", "parent", "land_area_ha"]]
    else:
        inv = pd.DataFrame(columns=INVENTORY_COLUMNS)
        regions = pd.DataFrame(columns=["code", "name_zh", "name_en", "parent", "land_area_ha"])
    items = pd.DataFrame(
        [
            {
                "item": s.pattern,
                "canonical_unit": " | ".join(s.units),
                "dims": ",".join(s.dims),
                "kind": s.kind,
                "members": ",".join(s.members or ()),
                "name_zh": s.zh,
                "name_en": s.en,
                "description": s.description,
            }
            for s in item_catalog().values()
        ]
    )
    ecos = pd.DataFrame(
        [
            {
                "code": e.code,
                "name_zh": e.zh,
                "name_en": e.en,
                "level1": e.level1,
                "xie2015_class": e.xie2015 or "",
            }
            for e in ecosystem_catalog().values()
        ]
    )
    readme = pd.DataFrame(
        {
            "说明 / notes": [
                "inventory: one row per region × year × item (× ecosystem or species); value with "
                "its unit; every row needs a source",
                "units: any unit of the item's dimension (e.g. 亩 or hectare, 万元 or CNY, 万立方"
                "米 or m**3)",
                "synthesized values: start the source with 'illustrative:' and say how they were "
                "made",
                "check with: gep validate <dataset folder>  (the folder needs regions.csv and "
                "dataset.yaml beside the inventory)",
            ]
        }
    )
    return {
        "inventory": inv,
        "items": items,
        "ecosystems": ecos,
        "regions": regions,
        "readme": readme,
    }


def write_template(out: str | Path | io.BytesIO, dataset_path: str | Path | None = None) -> None:
    if not isinstance(out, io.BytesIO):  # atomic: never a half-written file
        atomic_write_bytes(check_output_path(out), template_bytes(dataset_path))
        return
    with pd.ExcelWriter(out, engine="openpyxl") as xw:
        for name, frame in template_frames(dataset_path).items():
            escape_frame(frame).to_excel(xw, sheet_name=safe_sheet_title(name), index=False)


def template_bytes(dataset_path: str | Path | None = None) -> bytes:
    buf = io.BytesIO()
    write_template(buf, dataset_path)
    return buf.getvalue()
