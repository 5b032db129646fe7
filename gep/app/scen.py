"""Scenarios for the app, through :mod:`gep.scenarios` (imported lazily).

Two sources, one file format (``gep.scenarios``): the dataset's ``scenarios/*.yaml`` and the
scenarios built in the page, saved in the workspace (``scenarios/<name>.yaml``) so that they
survive a reload or a restart — and can be run with the CLI too. A scenario built in the app::

    name: 水库造价上调10%
    description: ...
    overrides:
      - regulating.water_conservation.reservoir_cost*=1.1
    land_conversions:                 # optional, any key of the gep.scenarios format
      - {from: farmland.dry, to: forest.broadleaf, area: 500 mu, region: "610923", from_year: 2022}
    note: built in the GEP app ...

Baseline and every valid scenario are evaluated in one vectorized
:func:`gep.scenarios.account_scenarios` call (cached on the dataset and coefficient hashes
and the scenario files' contents); a scenario that does not apply to the active data is
reported with its problems and left out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from ..errors import InputError, Problem
from ..report.labels import (
    coefficient_label,
    describe_scenario,
    ecosystem_label,
    item_label,
    unit_label,
)
from ..yamlio import load_yaml, loads_yaml
from . import workspace


def module():
    """:mod:`gep.scenarios` (raises ImportError when that layer is not installed)."""
    from .. import scenarios

    return scenarios


@dataclass
class AppScenario:
    """A scenario as the page lists it: ``key`` = ``<origin>:<file stem>``."""

    key: str
    origin: str  # dataset | workspace
    scenario: object  # gep.scenarios.Scenario whose id is ``key``
    path: str
    raw: dict

    def label(self, lang: str) -> str:
        return self.scenario.label(lang)

    def describe(self) -> list[str]:
        return self.scenario.describe()


def _read_folder(folder: Path, origin: str) -> tuple[list[AppScenario], list[Problem]]:
    sm = module()
    out, problems = [], []
    if not folder.is_dir():
        return out, problems
    for f in sorted(folder.glob("*.yaml")):
        if f.name.startswith("."):
            continue
        try:
            raw = load_yaml(f)
            sc = sm.parse_scenario(raw, str(f))
            key = f"{origin}:{sc.id}"
            out.append(
                AppScenario(
                    key=key, origin=origin, scenario=replace(sc, id=key), path=str(f), raw=raw
                )
            )
        except InputError as exc:
            problems += exc.problems
            if origin == "workspace":  # a saved file that fails: moved aside, read once (issue 16)
                moved = workspace.quarantine(f, str(exc))
                problems.append(
                    Problem(
                        str(f),
                        f"已移至隔离区 {moved} / moved aside to {moved}; it will not be read again",
                    )
                )
    return out, problems


def dataset_scenarios(dataset) -> tuple[list[AppScenario], list[Problem]]:
    """The dataset's own ``scenarios/*.yaml`` (each file read on its own: one bad file is
    reported)."""
    if dataset is None or not dataset.path:
        return [], []
    return _read_folder(Path(dataset.path) / "scenarios", "dataset")


def workspace_scenarios() -> tuple[list[AppScenario], list[Problem]]:
    return _read_folder(workspace.scenarios_root(), "workspace")


# --------------------------------------------------------------------------------------------
# building and saving


def build_raw(
    name: str,
    description: str,
    override_lines: str,
    extra_yaml: str = "",
    base_name: str = "",
    base_hash: str = "",
) -> dict:
    """A scenario mapping in the gep.scenarios format from the page's fields.

    ``extra_yaml`` may hold any other keys of the format (inventory_edits, land_conversions,
    carbon_price, paths, more overrides); a YAML syntax error is an InputError with its line.
    """
    raw: dict = {"name": name.strip()}
    if description.strip():
        raw["description"] = description.strip()
    lines = [
        ln.strip()
        for ln in override_lines.splitlines()
        if ln.strip() and not ln.strip().startswith("#")
    ]
    extra = loads_yaml(extra_yaml, "YAML") if extra_yaml.strip() else {}
    if extra is None:
        extra = {}
    if not isinstance(extra, dict):
        raise InputError(
            Problem("YAML", "the extra changes must be a mapping (e.g. land_conversions: [...])")
        )
    for key in ("name", "description"):
        extra.pop(key, None)
    if lines or extra.get("overrides"):
        raw["overrides"] = [*lines, *(extra.pop("overrides", None) or [])]
    raw.update(extra)
    stamp = dt.date.today().isoformat()
    raw.setdefault(
        "note",
        f"built in the GEP app on {stamp}"
        + (f" on coefficient set {base_name} ({base_hash})" if base_name else ""),
    )
    return raw


def validate(raw: dict, dataset, coefficients, file: str = "<scenario>"):
    """Parse and apply the scenario to the active data; raises InputError listing every problem."""
    sm = module()
    sc = sm.parse_scenario(raw, file)
    sm.apply_scenario(dataset, coefficients, sc)
    return sc


def save(raw: dict) -> Path:
    name = (
        raw["name"]
        if isinstance(raw["name"], str)
        else (raw["name"].get("zh") or raw["name"].get("en"))
    )
    return workspace.save_scenario(name, raw)


def delete(sc: AppScenario) -> None:
    if sc.origin == "workspace":
        Path(sc.path).unlink(missing_ok=True)


def form_fields(sc: AppScenario) -> dict[str, str]:
    """The page's fields for an existing scenario (to change it)."""
    raw = dict(sc.raw)
    name = raw.pop("name", "")
    if isinstance(name, dict):
        name = name.get("zh") or name.get("en") or ""
    desc = raw.pop("description", "")
    if isinstance(desc, dict):
        desc = desc.get("zh") or desc.get("en") or ""
    raw.pop("note", None)
    overrides = raw.pop("overrides", []) or []
    lines = [o for o in overrides if isinstance(o, str)]
    mappings = [o for o in overrides if not isinstance(o, str)]
    if mappings:
        raw["overrides"] = mappings
    return {
        "name": str(name),
        "description": str(desc),
        "overrides": "\n".join(lines),
        "extra": workspace.dump_yaml(raw) if raw else "",
    }


# --------------------------------------------------------------------------------------------
# evaluation


def content_key(scenarios: list[AppScenario]) -> str:
    payload = [
        (s.key, json.dumps(s.raw, sort_keys=True, default=str, ensure_ascii=False))
        for s in scenarios
    ]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()[:16]


def check_each(
    scenarios: list[AppScenario], dataset, coefficients
) -> tuple[list[AppScenario], dict[str, InputError]]:
    """Scenarios that apply to the active data, and the problems of those that do not."""
    sm = module()
    good, bad = [], {}
    for s in scenarios:
        try:
            sm.apply_scenario(dataset, coefficients, s.scenario)
            good.append(s)
        except InputError as exc:
            bad[s.key] = exc
    return good, bad


def stacked(dataset, coefficients, scenarios: list[AppScenario], profile: str):
    """Baseline and scenarios in one :func:`gep.scenarios.account_scenarios` call → its xarray
    Dataset."""
    sm = module()
    acc = sm.account_scenarios(
        dataset, coefficients, [s.scenario for s in scenarios], profile=profile
    )
    return acc.ds


def account_for(ds, key: str, base_account):
    """A plain :class:`~gep.accounting.Account` for one scenario of a stacked result."""
    from ..accounting import Account

    one = ds.sel(scenario=key, drop=True)
    one = one.drop_vars([c for c in one.coords if str(c).startswith("scenario")], errors="ignore")
    return Account(
        ds=one,
        indicators=base_account.indicators,
        profile=base_account.profile,
        coefficients=base_account.coefficients,
        dataset=base_account.dataset,
        options=base_account.options,
        # the city total in the baseline's perspective (issue 11: the city's own basis)
        profile_spec=base_account.profile_spec,
        aggregate_basis=base_account.aggregate_basis,
    )


# --------------------------------------------------------------------------------------------
# what differs


def _coef_text(cs, cid: str, year: int, key: str | None, lang: str = "zh") -> str:
    try:
        c = cs[cid]
        values = cs.array(cid, [year], keys=[key] if key else None).values.ravel()
    except Exception:  # shown blank; the account reports what it cannot resolve
        return ""
    unit = unit_label(c.unit, lang)
    if c.by is None or key:
        return f"{float(values[0]):,.6g} {unit}"
    return f"{float(values.min()):,.4g}–{float(values.max()):,.4g} {unit}"


def _item_text(data, item: str, year: int, ecosystem: str | None = None, lang: str = "zh") -> str:
    if item not in data:
        return ""
    arr = data[item]
    if "year" in arr.dims:
        arr = arr.sel(year=year)
    if ecosystem and "ecosystem" in arr.dims:
        arr = arr.sel(
            ecosystem=[
                e
                for e in arr["ecosystem"].values
                if e == ecosystem or str(e).startswith(ecosystem + ".")
            ]
        )
    total = float(arr.sum(skipna=True))
    return f"{total:,.6g} {unit_label(arr.attrs.get('units', ''), lang)}".strip()


def assumptions(sc: AppScenario, dataset, coefficients, year: int, lang: str) -> pd.DataFrame:
    """The assumptions that differ from the baseline, with baseline and scenario values in
    ``year``."""
    from .i18n import text

    sm = module()
    s = sc.scenario
    try:
        new_data, new_set = sm.apply_scenario(dataset, coefficients, s)
    except InputError:
        new_data, new_set = dataset, coefficients
    rows = []

    def add(kind: str, what: str, change: str, before: str, after: str) -> None:
        rows.append(
            {
                text("sc.col.what", lang): text(f"sc.assume.{kind}", lang),
                text("sc.col.item", lang): what,
                text("sc.col.change", lang): change,
                f"{text('sc.baseline', lang)} ({year})": before,
                f"{sc.label(lang)} ({year})": after,
            }
        )

    described = describe_scenario(
        s, lang, coefficients, lambda r: dataset.region_name(r, lang) if dataset is not None else r
    )
    lines = iter(described)
    if s.coefficient_set:
        add("set", s.coefficient_set, next(lines), coefficients.name, new_set.name)
    for spec in s.overrides:
        o = spec.override
        what = coefficient_label(o.id, coefficients, lang)
        if o.key:
            what += f" · {ecosystem_label(o.key, lang)}"
        add(
            "coef",
            what,
            next(lines),
            _coef_text(coefficients, o.id, year, o.key, lang),
            _coef_text(new_set, o.id, year, o.key, lang),
        )
    for p in s.paths:
        add(
            "coef",
            coefficient_label(p.id, coefficients, lang),
            next(lines),
            _coef_text(coefficients, p.id, year, None, lang),
            _coef_text(new_set, p.id, year, None, lang),
        )
    for e in s.inventory_edits:
        add(
            "item",
            item_label(e.item, lang)
            + (f" · {ecosystem_label(e.ecosystem, lang)}" if e.ecosystem else ""),
            next(lines),
            _item_text(dataset.data, e.item, year, e.ecosystem, lang),
            _item_text(new_data.data, e.item, year, e.ecosystem, lang),
        )
    for c in s.land_conversions:
        line = next(lines)
        for eco in (c.source, c.target):
            add(
                "land",
                f"{item_label('area', lang)} · {ecosystem_label(eco, lang)}",
                line,
                _item_text(dataset.data, "area", year, eco, lang),
                _item_text(new_data.data, "area", year, eco, lang),
            )
    return pd.DataFrame(rows)
