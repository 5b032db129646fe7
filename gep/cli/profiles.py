"""``gep compare-profiles`` and ``gep profiles``: accounting profiles as data (issue 11)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from ..errors import InputError, Problem
from .common import ShortFmt, fail, load_inputs, log_file_export, user_errors


def _split(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [t.strip() for t in text.split(",") if t.strip()]
    if not names:
        raise InputError(Problem("--profiles", "give at least one profile name"))
    return names


def build_comparison(ds, coef, year: int, names: list[str] | None, lang: str = "zh"):
    """(Reconciliation, not_runnable) for ``names`` (default: every bundled profile).

    A profile named explicitly that the engine cannot run yet raises ``InputError`` with the
    reasons; by default such profiles are only listed in ``not_runnable``.
    """
    from ..accounting import account
    from ..profiles import available_profiles, engine_plan, load_profiles
    from ..reconcile import account_frame, reconcile

    explicit = names is not None
    blocked: dict[str, list[str]] = {}
    if explicit:
        profiles = load_profiles(names, coefficients=coef)
    else:
        # default: every bundled profile; one that does not validate against this
        # coefficient set (e.g. a share coefficient the set lacks) is listed, not run
        profiles = {}
        for n in available_profiles():
            try:
                profiles.update(load_profiles([n], coefficients=coef))
            except InputError as exc:
                blocked[n] = [p.message for p in exc.problems]
    plans = {p: engine_plan(prof) for p, prof in profiles.items()}
    blocked.update({p: list(plan.reasons) for p, plan in plans.items() if not plan.runnable})
    if explicit and blocked:
        raise InputError(
            [
                Problem(
                    profiles[p].file,
                    f"口径 {p} 暂不能由核算引擎计算 / profile {p} cannot be computed by the "
                    f"engine yet: {'; '.join(r)}",
                )
                for p, r in blocked.items()
            ]
        )
    run = [p for p in profiles if p not in blocked]
    if not run:
        raise InputError(Problem("--profiles", "none of the profiles can be computed yet"))
    frames, totals, warnings, perspectives = {}, {}, {}, {}
    for p in run:
        acc = account(ds, coef, years=[year], profile=profiles[p])
        frames[p] = account_frame(acc, year, profiles[p], lang)
        totals[p] = float(acc.city_gep().sel(year=year))
        perspectives[p] = acc.city_perspective
        if acc.warnings:
            warnings[p] = acc.warnings
    rec = reconcile(frames, totals)
    rec.warnings = warnings
    rec.perspectives = perspectives
    return rec, blocked, profiles


def compare_profiles_cmd(
    dataset: Annotated[Path, typer.Argument(help="dataset folder, e.g. datasets/ankang")],
    year: Annotated[int, typer.Option("--year", "-y", help="accounting year")],
    profiles: Annotated[
        str | None,
        typer.Option(help="comma-separated profile names (default: every runnable profile)"),
    ] = None,
    coefficients: Annotated[
        str | None, typer.Option("--coefficients", "-c", help="coefficient set name or folder")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table | json | xlsx")] = "table",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="output file")] = None,
    lang: Annotated[str, typer.Option(help="zh | en")] = "zh",
):
    """核算标准对比：同一数据在各核算口径下的指标、方法、条款与合计 (compare profiles)."""
    _compare(dataset, year, profiles, coefficients, fmt, out, lang)


@user_errors
def _compare(dataset, year, profiles, coefficients, fmt, out, lang):
    from ..safeio import atomic_write_text, check_output_path, dumps_json

    if fmt not in ("table", "json", "xlsx"):
        fail(f"error: --format must be table, json or xlsx, got {fmt!r}")
    if lang not in ("zh", "en"):
        fail(f"error: --lang must be zh or en, got {lang!r}")
    if fmt == "xlsx" and out is None:
        fail("error: --format xlsx needs --out FILE.xlsx")
    if out is not None:
        check_output_path(out)
    ds, coef = load_inputs(dataset, coefficients)
    rec, blocked, loaded = build_comparison(ds, coef, year, _split(profiles), lang)
    for p, ws in rec.warnings.items():
        for w in ws:
            typer.echo(f"警告 / warning [{p}]: {w['zh']} / {w['en']}", err=True)
    payload = {
        "dataset": ds.name,
        "year": year,
        **rec.as_dict(),
        "not_runnable": blocked,
    }
    if fmt == "json":
        text = dumps_json(payload, indent=2)
        if out is None:
            typer.echo(text)
        else:
            atomic_write_text(out, text)
            log_file_export(
                out,
                "compare-profiles",
                dataset=ds.name,
                dataset_hash=ds.hash,
                coefset=coef.name,
                coefset_hash=coef.hash,
                year=year,
            )
            typer.echo(f"written: {out}", err=True)
        return
    if fmt == "xlsx":
        _write_xlsx(rec, blocked, out, lang)
        log_file_export(
            out,
            "compare-profiles",
            dataset=ds.name,
            dataset_hash=ds.hash,
            coefset=coef.name,
            coefset_hash=coef.hash,
            year=year,
        )
        typer.echo(f"written: {out}", err=True)
        return
    typer.echo(_table(rec, blocked, loaded, year, lang))


#: words for the perspective of a city total (gep.accounting.Account.city_perspective)
_PERSPECTIVE = {
    "city": ("全市视角（全市区域外扣除依据）", "city view (the city's own out-of-region basis)"),
    "counties": ("各县净值之和（县域视角）", "sum of county net values (county view)"),
    "none": ("无区域外扣除", "no out-of-region deduction"),
}


def _table(rec, blocked, loaded, year, lang) -> str:
    zh = lang == "zh"
    wide = rec.wide("value") / 1e8
    names = rec.rows.drop_duplicates("indicator").set_index("indicator")["name"]
    wide.index = [f"{names.get(i, i)} ({i})" for i in wide.index]
    wide.columns = [str(c) for c in wide.columns]
    lines = [
        f"{'核算标准对比' if zh else 'Profile comparison'} — {year} "
        f"({'亿元' if zh else '100 million CNY'})",
        wide.to_string(float_format=lambda v: f"{v:,.2f}", na_rep="—"),
        "",
        ("分类合计" if zh else "Totals by category"),
        (rec.by_category / 1e8).to_string(float_format=lambda v: f"{v:,.2f}", na_rep="—"),
        "",
        ("GEP 合计" if zh else "GEP total")
        + ": "
        + "; ".join(f"{p} {v / 1e8:,.2f}" for p, v in rec.totals.items()),
        ("合计口径" if zh else "Perspective of the totals")
        + ": "
        + "; ".join(f"{p} {_PERSPECTIVE[v][0 if zh else 1]}" for p, v in rec.perspectives.items()),
        "",
        ("方法与条款" if zh else "Methods and clauses") + ":",
    ]
    for r in rec.rows.itertuples():
        lines.append(f"  {r.profile:<16} {r.indicator:<34} {r.method:<22} {r.clause}")
    if rec.differences:
        lines += ["", ("差异说明" if zh else "Differences explained") + ":"]
        lines += [f"  - {d['zh' if zh else 'en']}" for d in rec.differences]
    if rec.warnings:
        lines += ["", ("区域外扣除警告" if zh else "Out-of-region deduction warnings") + ":"]
        for p, ws in rec.warnings.items():
            lines += [f"  {p}: {w['zh' if zh else 'en']}" for w in ws]
    if blocked:
        lines += ["", ("暂不能计算的口径" if zh else "Profiles not computable yet") + ":"]
        for p, reasons in blocked.items():
            lines.append(f"  {p}: {'; '.join(reasons)}")
    return "\n".join(lines)


def _write_xlsx(rec, blocked, out: Path, lang: str) -> None:
    import io

    from ..safeio import atomic_write_bytes, escape_frame, safe_sheet_title

    diffs = pd.DataFrame(
        [
            {"indicator": d["indicator"], "kind": d["kind"], "explanation": d[lang]}
            for d in rec.differences
        ],
        columns=["indicator", "kind", "explanation"],
    )
    sheets = {
        "indicators": rec.wide("value").reset_index(),
        "rows": rec.rows,
        "totals": pd.DataFrame(
            {
                "profile": list(rec.totals),
                "GEP_CNY": list(rec.totals.values()),
                "perspective": [rec.perspectives.get(p, "") for p in rec.totals],
            }
        ),
        "by_category": rec.by_category.reset_index(),
        "differences": diffs,
        "not_runnable": pd.DataFrame(
            [{"profile": p, "reason": "; ".join(r)} for p, r in blocked.items()],
            columns=["profile", "reason"],
        ),
    }
    buf = io.BytesIO()
    taken: list[str] = []
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name, df in sheets.items():
            title = safe_sheet_title(name, taken)
            taken.append(title)
            escape_frame(df).to_excel(xw, sheet_name=title, index=False)
    atomic_write_bytes(out, buf.getvalue())


def profiles_cmd(
    check: Annotated[
        Path | None, typer.Option("--check", help="validate this profile file (exit 2 if bad)")
    ] = None,
    coefficients: Annotated[
        str, typer.Option("--coefficients", "-c", help="set the coefficient ids are checked in")
    ] = "national",
    fmt: Annotated[ShortFmt, typer.Option("--format", "-f")] = ShortFmt.table,
):
    """列出核算口径（或校验一个口径文件）/ list accounting profiles (or check one file)."""
    _profiles(check, coefficients, fmt)


@user_errors
def _profiles(check, coefficients, fmt):
    from ..coefficients import load_set
    from ..profiles import engine_plan, load_profile, load_profiles
    from ..safeio import dumps_json

    coef = load_set(coefficients)
    profs = {check.stem: load_profile(check, coef)} if check else load_profiles(coefficients=coef)
    rows = []
    for p in profs.values():
        plan = engine_plan(p)
        rows.append(
            {
                "id": p.id,
                "name_zh": p.name.get("zh"),
                "name_en": p.name.get("en"),
                "engine": p.engine,
                "indicators": len(p.indicators),
                "default_on": len(p.default_ids),
                "out_of_region": [r.indicator for r in p.out_of_region],
                "runnable": plan.runnable,
                "reasons": list(plan.reasons),
                "file": p.file,
            }
        )
    if fmt == ShortFmt.json:
        typer.echo(dumps_json(rows, indent=2))
        return
    for r in rows:
        state = "ok" if r["runnable"] else "not computable yet: " + "; ".join(r["reasons"])
        typer.echo(
            f"{r['id']:<16} {r['name_zh']}  [{r['indicators']} indicators, "
            f"{r['default_on']} on; engine {r['engine']}] {state}"
        )


def register(app: typer.Typer) -> None:
    """Mount the commands on the ``gep`` app (one line in ``gep.cli.main``)."""
    app.command("compare-profiles")(compare_profiles_cmd)
    app.command("profiles")(profiles_cmd)
