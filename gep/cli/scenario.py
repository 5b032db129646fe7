"""CLI for scenarios, Monte Carlo and sensitivity (mounted by :mod:`gep.cli`).

* ``scenario_app`` — ``gep scenario compare|list|check``;
* ``uncertainty_cmd`` — ``gep uncertainty DATASET --draws N --seed S``;
* ``sensitivity_cmd`` — ``gep sensitivity DATASET --method oat|sobol``.

Bad input → a message on stderr and exit code 2.
"""

from __future__ import annotations

import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from ..errors import InputError
from ..ranges import check_draws
from ..safeio import dumps_json, escape_frame
from .common import ShortFmt, load_inputs, user_errors

scenario_app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Scenarios: compare what-if changes with the baseline (情景对比).",
)


class CompareFmt(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Method(StrEnum):
    oat = "oat"
    sobol = "sobol"


def _num(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _records(df: pd.DataFrame, numeric: list[str]) -> list[dict]:
    rows = []
    for rec in df.to_dict("records"):
        out = {}
        for k, v in rec.items():
            if k in numeric:
                out[k] = _num(v)
            elif k == "year":
                out[k] = int(v)
            elif v is None or (isinstance(v, float) and math.isnan(v)):
                out[k] = None
            else:
                out[k] = str(v)
        rows.append(out)
    return rows


def _head(kind: str, payload: dict) -> str:
    return (
        f"{kind} — profile {payload['profile']}; dataset {payload['dataset']['name']} "
        f"({payload['dataset']['hash']}); coefficients {payload['coefficients']['name']} "
        f"({payload['coefficients']['hash']})"
    )


def _provenance(prov: dict) -> dict:
    return {
        "profile": prov["profile"],
        "dataset": prov.get("dataset", {"name": None, "hash": None}),
        "coefficients": {
            "name": prov["coefficients"]["name"],
            "hash": prov["coefficients"]["hash"],
        },
    }


def _perspective_words(perspective: str, lang: str) -> str:
    """ " (…)" naming the perspective of a city total; "" when nothing is deducted."""
    from .profiles import _PERSPECTIVE

    if perspective not in ("city", "counties"):
        return ""
    return f" ({_PERSPECTIVE[perspective][0 if lang == 'zh' else 1]})"


def _check_year(year: int | None, years: list[int]) -> None:
    if year is not None and year not in years:
        raise InputError(
            f"year {year} is not in the dataset ({years[0]}–{years[-1]})", file="--year"
        )


def _region_label(acc, code: str, lang: str) -> str:
    if acc.dataset is not None and code in acc.dataset.regions.index:
        return acc.dataset.region_name(code, lang)
    return "合计" if lang == "zh" else "total"


def _scenario_files(dataset: Path, scenario: list[Path] | None, ds) -> list[Path]:
    if scenario:
        out = []
        for s in scenario:
            if not s.exists() and ds.path and (Path(ds.path) / "scenarios" / f"{s}.yaml").exists():
                s = (
                    Path(ds.path) / "scenarios" / f"{s}.yaml"
                )  # a bare scenario id from the dataset folder
            out.append(s)
        return out
    folder = Path(ds.path or dataset) / "scenarios"
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not files:
        raise InputError(
            f"no --scenario given and no scenarios/*.yaml in {dataset}", file="--scenario"
        )
    return files


# --------------------------------------------------------------------------------------------
# gep scenario ...


@scenario_app.command("compare")
@user_errors
def compare_cmd(
    dataset: Annotated[Path, typer.Argument(help="dataset folder, e.g. datasets/ankang")],
    scenario: Annotated[
        list[Path] | None,
        typer.Option(
            "--scenario",
            "-s",
            help="scenario YAML file or id in DATASET/scenarios (repeatable; default: all)",
        ),
    ] = None,
    coefficients: Annotated[
        str | None, typer.Option("--coefficients", "-c", help="coefficient set name or folder")
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", "-y", help="only this year (table default: the last year)"),
    ] = None,
    profile: Annotated[str, typer.Option(help="ndrc-2022 | xie-2015")] = "ndrc-2022",
    fmt: Annotated[CompareFmt, typer.Option("--format", "-f")] = CompareFmt.table,
    lang: Annotated[str, typer.Option(help="zh | en")] = "zh",
):
    """Compare scenarios with the baseline: differences by region, category and indicator."""
    from ..scenarios import account_scenarios, compare, load_scenario

    ds, coef = load_inputs(dataset, coefficients)
    _check_year(year, ds.years)
    scenarios = [load_scenario(f) for f in _scenario_files(dataset, scenario, ds)]
    acc = account_scenarios(ds, coef, scenarios, profile=profile)
    comp = compare(acc)
    df = comp.to_frame()
    if year is not None:
        df = df[df["year"] == year]
    payload = _provenance(acc.provenance())
    payload["perspective"] = comp.perspective  # of the city total rows (issue 11)
    if fmt is CompareFmt.json:
        prov = acc.scenario_provenance
        payload["scenarios"] = [
            {
                "id": s.id,
                "name": s.name,
                "file": s.file,
                "changes": s.describe(),
                "dataset_hash": prov[s.id]["dataset_hash"],
                "coefficients": prov[s.id]["coefficients"],
            }
            for s in scenarios
        ]
        payload["units"] = "CNY"
        payload["rows"] = _records(df, ["value", "baseline", "diff", "rel_diff"])
        typer.echo(dumps_json(payload, ensure_ascii=False, indent=1))
        return
    if fmt is CompareFmt.csv:
        typer.echo(escape_frame(df).to_csv(index=False), nl=False)
        return
    y = year if year is not None else ds.years[-1]
    sub = df[(df["year"] == y) & (df["level"] != "indicator")].copy()
    total = comp.total_region
    lines = [
        _head("Scenario comparison 情景对比", payload),
        f"year {y}; value and baseline in 亿元, diff in 万元",
    ]
    for s in scenarios:
        lines.append(f"\n[{s.id}] {s.label(lang)}")
        lines += [f"  · {c}" for c in s.describe()] or ["  · (no change)"]
        part = sub[sub["scenario"] == s.id]
        city = part[part["region"] == total]
        table = pd.DataFrame(
            {
                "level": [r.category or "GEP" for r in city.itertuples()],
                "baseline": city["baseline"].to_numpy() / 1e8,
                "value": city["value"].to_numpy() / 1e8,
                "diff": city["diff"].to_numpy() / 1e4,
                "rel %": city["rel_diff"].to_numpy() * 100,
            }
        )
        lines.append(
            f"  {_region_label(acc, total, lang)}{_perspective_words(comp.perspective, lang)}:"
        )
        lines.append(_fmt_table(table, indent=4))
        regions = part[(part["level"] == "gep") & (part["region"] != total)]
        changed = regions[regions["diff"].abs() > 0]
        if len(changed):
            t2 = pd.DataFrame(
                {
                    "region": changed["region"].to_numpy(),
                    "name": [_region_label(acc, r, lang) for r in changed["region"]],
                    "GEP baseline": changed["baseline"].to_numpy() / 1e8,
                    "GEP": changed["value"].to_numpy() / 1e8,
                    "diff": changed["diff"].to_numpy() / 1e4,
                    "rel %": changed["rel_diff"].to_numpy() * 100,
                }
            )
            lines.append("  GEP by region (changed regions):")
            lines.append(_fmt_table(t2, indent=4))
    typer.echo("\n".join(lines))


def _fmt_table(df: pd.DataFrame, indent: int = 0) -> str:
    with pd.option_context(
        "display.width", 200, "display.max_columns", 30, "display.float_format", "{:,.4f}".format
    ):
        text = df.to_string(index=False)
    pad = " " * indent
    return "\n".join(pad + line for line in text.splitlines())


@scenario_app.command("list")
@user_errors
def list_cmd(
    dataset: Annotated[Path, typer.Argument(help="dataset folder")],
    fmt: Annotated[ShortFmt, typer.Option("--format", "-f")] = ShortFmt.table,
    lang: Annotated[str, typer.Option(help="zh | en")] = "zh",
):
    """List the scenarios in DATASET/scenarios and what each changes."""
    from ..inventory import load_dataset
    from ..scenarios import dataset_scenarios

    scenarios = dataset_scenarios(load_dataset(dataset))
    if fmt is ShortFmt.json:
        typer.echo(
            dumps_json(
                [
                    {
                        "id": s.id,
                        "name": s.name,
                        "description": s.description,
                        "file": s.file,
                        "changes": s.describe(),
                    }
                    for s in scenarios
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    if not scenarios:
        typer.echo(f"no scenarios in {dataset}/scenarios")
    for s in scenarios:
        typer.echo(f"{s.id}: {s.label(lang)}")
        for c in s.describe():
            typer.echo(f"  · {c}")


@scenario_app.command("check")
@user_errors
def check_cmd(
    dataset: Annotated[Path, typer.Argument(help="dataset folder")],
    scenario: Annotated[
        list[Path] | None, typer.Option("--scenario", "-s", help="scenario file (default: all)")
    ] = None,
    coefficients: Annotated[str | None, typer.Option("--coefficients", "-c")] = None,
):
    """Check scenario files against the dataset and coefficient set (exit 2 listing every
    problem)."""
    from ..errors import Problem
    from ..scenarios import load_scenario

    ds, coef = load_inputs(dataset, coefficients)
    problems: list[Problem] = []
    files = _scenario_files(dataset, scenario, ds)
    for f in files:
        try:
            load_scenario(f, ds, coef)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    typer.echo(f"ok: {len(files)} scenario file(s) apply cleanly to {dataset}")


# --------------------------------------------------------------------------------------------
# gep uncertainty


@user_errors
def uncertainty_cmd(
    dataset: Annotated[Path, typer.Argument(help="dataset folder")],
    draws: Annotated[int, typer.Option("--draws", "-n", help="number of Monte Carlo draws")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="random seed (same seed → same draws)")] = 0,
    year: Annotated[
        int | None, typer.Option("--year", "-y", help="only this year (faster)")
    ] = None,
    coefficients: Annotated[
        str | None, typer.Option("--coefficients", "-c", help="coefficient set name or folder")
    ] = None,
    profile: Annotated[str, typer.Option(help="ndrc-2022 | xie-2015")] = "ndrc-2022",
    table_draws: Annotated[
        str, typer.Option(help="coefficient (one factor per table) | key (one per table key)")
    ] = "coefficient",
    chunk_regions: Annotated[
        int | None, typer.Option(help="evaluate with dask in blocks of this many regions")
    ] = None,
    fmt: Annotated[ShortFmt, typer.Option("--format", "-f")] = ShortFmt.table,
    lang: Annotated[str, typer.Option(help="zh | en")] = "zh",
):
    """Monte Carlo over the coefficients' uncertainty: mean, P5, P50, P95 of GEP."""
    from ..uncertainty import monte_carlo

    ds, coef = load_inputs(dataset, coefficients)
    _check_year(year, ds.years)
    if draws < 1:
        raise InputError(f"--draws must be at least 1, not {draws}", file="--draws")
    # memory estimate before allocating: draws × regions × years × indicators (issue 16)
    block = min(chunk_regions or len(ds.data["region"]), len(ds.data["region"]))
    check_draws(draws, max(block, 1) * (1 if year else len(ds.years)) * 64)
    levels = ("category", "region", "total", "total_category", "total_indicator")
    res = monte_carlo(
        ds,
        coef,
        draws,
        seed,
        years=[year] if year else None,
        profile=profile,
        table_draws=table_draws,
        chunks={"region": chunk_regions} if chunk_regions else None,
        levels=levels,
        keep_values=False,
    )
    df = res.to_frame(levels)
    payload = _provenance(res.deterministic.provenance())
    payload["perspective"] = res.perspective  # of the total levels (issue 11)
    y = year if year is not None else res.deterministic.years[-1]
    if fmt is ShortFmt.json:
        payload.update(
            {
                "draws": res.n_draws,
                "seed": res.seed,
                "table_draws": res.table_draws,
                "units": "CNY",
                "parameters": res.parameter_table()[
                    ["parameter", "distribution", "spec", "file"]
                ].to_dict("records"),
                "not_varied": res.not_varied,
                "rows": _records(
                    df if year is None else df[df["year"] == year], ["mean", "p5", "p50", "p95"]
                ),
            }
        )
        typer.echo(dumps_json(payload, ensure_ascii=False, indent=1))
        return
    stats = ["mean", "p5", "p50", "p95"]
    lines = [
        _head("Monte Carlo 不确定性分析", payload),
        f"{res.n_draws} draws, seed {res.seed}, {len(res.parameters)} uncertain coefficients "
        f"(table draws: {res.table_draws}); year {y}; 亿元",
    ]
    total = res.to_frame(("total", "total_category"))
    total = total[total["year"] == y]
    t1 = pd.DataFrame(
        {
            "level": [c if isinstance(c, str) else "GEP" for c in total["category"]],
            **{s: total[s].to_numpy() / 1e8 for s in stats},
        }
    )
    lines += ["", f"total{_perspective_words(res.perspective, lang)}:", _fmt_table(t1)]
    reg = df[(df["level"] == "region") & (df["year"] == y)]
    t2 = pd.DataFrame(
        {
            "region": reg["region"].to_numpy(),
            "name": [_region_label(res.deterministic, r, lang) for r in reg["region"]],
            **{s: reg[s].to_numpy() / 1e8 for s in stats},
        }
    )
    lines += ["", "GEP by region:", _fmt_table(t2)]
    if res.not_varied:
        lines.append(f"not varied (read outside the account context): {', '.join(res.not_varied)}")
    typer.echo("\n".join(lines))


# --------------------------------------------------------------------------------------------
# gep sensitivity


@user_errors
def sensitivity_cmd(
    dataset: Annotated[Path, typer.Argument(help="dataset folder")],
    method: Annotated[
        Method, typer.Option("--method", "-m", help="oat (tornado) | sobol (variance-based)")
    ] = Method.oat,
    samples: Annotated[
        int, typer.Option("--samples", help="Sobol base sample size N (power of 2)")
    ] = 256,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    year: Annotated[
        int | None, typer.Option("--year", "-y", help="year of the result (default: last)")
    ] = None,
    region: Annotated[
        list[str] | None, typer.Option("--region", "-r", help="limit the result to these regions")
    ] = None,
    indicator: Annotated[
        list[str] | None,
        typer.Option(
            "--indicator", "-i", help="limit the result to these indicators or categories"
        ),
    ] = None,
    coefficients: Annotated[str | None, typer.Option("--coefficients", "-c")] = None,
    profile: Annotated[str, typer.Option(help="ndrc-2022 | xie-2015")] = "ndrc-2022",
    top: Annotated[int, typer.Option(help="rows in the table")] = 15,
    fmt: Annotated[ShortFmt, typer.Option("--format", "-f")] = ShortFmt.table,
):
    """Rank the coefficients by their effect on GEP (tornado or Sobol indices)."""
    from ..sensitivity import sobol, tornado

    ds, coef = load_inputs(dataset, coefficients)
    _check_year(year, ds.years)
    common = {
        "year": year,
        "regions": region or None,
        "indicators": indicator or None,
        "profile": profile,
    }
    if method is Method.oat:
        df = tornado(ds, coef, **common)
        numeric = ["factor_low", "factor_high", "low", "high", "base", "swing", "swing_pct"]
    else:
        df = sobol(ds, coef, n=samples, seed=seed, **common)
        numeric = ["S1", "S1_conf", "ST", "ST_conf"]
    payload = _provenance(df.attrs["provenance"])
    if fmt is ShortFmt.json:
        payload.update(
            {
                "method": method.value,
                "year": df.attrs["year"],
                "target": {"regions": region or "all", "indicators": indicator or "all"},
            }
        )
        if method is Method.oat:
            payload["base"] = _num(df.attrs["base"])
        else:
            payload.update(
                {"samples": samples, "seed": seed, "evaluations": df.attrs["evaluations"]}
            )
        payload["rows"] = [
            {**r, "rank": int(r["rank"])}
            for r in _records(df.drop(columns=["rank"]).assign(rank=df["rank"]), numeric)
        ]
        typer.echo(dumps_json(payload, ensure_ascii=False, indent=1))
        return
    what = f"regions {', '.join(region)}" if region else "all regions"
    what += f"; {', '.join(indicator)}" if indicator else "; total GEP"
    lines = [
        _head(f"Sensitivity 敏感性分析 ({method.value})", payload),
        f"result: {what}, year {df.attrs['year']}",
    ]
    shown = df.head(top)
    if method is Method.oat:
        lines.append(f"base {df.attrs['base'] / 1e8:,.4f} 亿元; low/high/swing in 亿元")
        t = pd.DataFrame(
            {
                "rank": shown["rank"],
                "coefficient": shown["parameter"],
                "uncertainty": shown["spec"],
                "low": shown["low"] / 1e8,
                "high": shown["high"] / 1e8,
                "swing": shown["swing"] / 1e8,
                "swing %": shown["swing_pct"] * 100,
            }
        )
    else:
        lines.append(
            f"{df.attrs['evaluations']} evaluations (N = {samples}); S1 first-order, ST total index"
        )
        t = shown[["rank", "parameter", "spec", "S1", "S1_conf", "ST", "ST_conf"]].rename(
            columns={"parameter": "coefficient", "spec": "uncertainty"}
        )
    lines.append(_fmt_table(t))
    typer.echo("\n".join(lines))
