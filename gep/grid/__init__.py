"""Gridded mode: land-cover and climate rasters → zonal physical quantities and extent rows.

A producer of quantities, not a second accounting engine (DESIGN §10): per pixel it calls the
same formula functions as the tabular account (:mod:`gep.indicators.regulating`,
:mod:`gep.carbon`), sums them by region × ecosystem on dask blocks, and writes
``quantities.csv`` (external-quantities format) and ``inventory.csv`` (extent rows) that
``gep account`` reads. Needs the ``grid`` extra (rioxarray, rasterio, geopandas, cnmaps).
"""

from __future__ import annotations

from .config import GridConfig, load_config
from .run import GridResult, run_grid, write_outputs

__all__ = ["GridConfig", "GridResult", "load_config", "run_grid", "write_outputs"]
