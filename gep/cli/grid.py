"""``gep grid`` commands: rasters → zonal quantities and extent rows; the offline demo.

Mounted by :mod:`gep.cli.main` as ``gep grid``::

    gep grid run CONFIG.yaml --out DIR [--scheduler tcp://HOST:8786]
    gep grid demo --out DIR [--resolution 30] [--run]

Bad input (unknown key, missing file, CRS or resolution mismatch, unmapped land-cover codes,
…) prints one message naming the file, layer and key on stderr and exits with code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError, Problem
from .common import user_errors

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="栅格模式 Gridded mode: land-cover and climate rasters → county quantities.",
)


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise InputError(Problem("--out", f"{out} exists and is not a folder", field="--out"))


def _summary(result, lang: str = "zh") -> str:
    q = result.quantities
    lines = []
    if not q.empty:
        tot = q.groupby(["indicator", "unit"])["value"].sum()
        head = "合计 (全部分区) / totals over all zones:"
        lines.append(head)
        for (ind, unit), v in tot.items():
            lines.append(f"  {ind:<34} {v:>20,.1f} {unit}")
    area = result.inventory[result.inventory["item"] == "area"]["value"].sum()
    lines.append(f"  {'extent (area)':<34} {area:>20,.1f} hectare")
    s = result.info.get("seconds", {})
    lines.append(
        f"{len(result.regions)} zones, {result.info['grid']['shape'][0]} × "
        f"{result.info['grid']['shape'][1]} px in {result.info['grid']['blocks']} blocks; "
        f"setup {s.get('setup', 0):.2f} s, compute {s.get('compute', 0):.2f} s"
    )
    nd = result.info.get("nodata_px_in_counted_pixels") or {}
    if nd:
        lines.append(
            "nodata pixels skipped 跳过的无数据像元: "
            + ", ".join(f"{k} {v:,}" for k, v in nd.items())
        )
    return "\n".join(lines)


@app.command("run")
@user_errors
def run_cmd(
    config: Annotated[Path, typer.Argument(help="grid config YAML")],
    out: Annotated[Path, typer.Option("--out", "-o", help="output folder")],
    scheduler: Annotated[
        str | None,
        typer.Option(help="dask.distributed scheduler address (default: local threads)"),
    ] = None,
):
    """Run a grid config: write quantities.csv, inventory.csv, regions.csv, dataset.yaml."""
    from ..grid import load_config, run_grid, write_outputs

    _check_out(out)
    cfg = load_config(config)
    result = run_grid(cfg, scheduler=scheduler)
    written = write_outputs(result, out, cfg)
    typer.echo(_summary(result))
    typer.echo("written 已写出: " + ", ".join(p.name for p in written) + f" → {out}", err=True)


@app.command("demo")
@user_errors
def demo_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="output folder")],
    resolution: Annotated[float, typer.Option(help="pixel size [m]")] = 250.0,
    seed: Annotated[int, typer.Option(help="random seed of the synthetic fields")] = 20240601,
    run: Annotated[bool, typer.Option("--run", help="also run the config into OUT/result")] = False,
):
    """Build illustrative rasters over Ankang's real county boundaries, plus a config."""
    from ..grid.demo import build_demo

    _check_out(out)
    path = build_demo(out, resolution=resolution, seed=seed)
    typer.echo(f"示意数据 illustrative demo written: {path}")
    if run:
        from ..grid import load_config, run_grid, write_outputs

        cfg = load_config(path)
        result = run_grid(cfg)
        write_outputs(result, out / "result", cfg)
        typer.echo(_summary(result))
        typer.echo(f"next: gep account {out / 'result'}")
    else:
        typer.echo(f"next: gep grid run {path} --out {out / 'result'}")
