"""核算标准对比 Profiles compared: the same data under every bundled accounting profile.

For the chosen year: the indicator × profile table (value, method, clause), totals per
category and profile, the differences explained (:func:`gep.reconcile.reconcile`), the
out-of-region ledger (gross → deduction → net) and its warnings (issue 11).
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from gep.accounting import account
from gep.app import data, ui, views
from gep.app.i18n import t, text
from gep.catalog import item_spec
from gep.errors import InputError
from gep.profiles import available_profiles, default_dir, engine_plan, load_profiles
from gep.reconcile import account_frame, reconcile
from gep.report.labels import engine_gap_text, profile_label, profile_problem_text
from gep.yamlio import load_yaml

STATUS_KEYS = ("V", "P", "U", "D", "local")


def _profiles_key() -> tuple:
    """The profile files on disk (name, size, modification time): part of the cache key, so
    an added or edited profile is picked up."""
    return tuple(
        (p.name, p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(default_dir().glob("*.yaml"))
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _compare(
    dataset_hash: str,
    coefficients_hash: str,
    year: int,
    lang: str,
    profiles_key: tuple,
    _ds,
    _coef,
) -> dict:
    """Run every bundled profile on the data for ``year`` and reconcile them (cached on hashes).

    ``blocked`` maps each profile that cannot run to its reasons in ``lang`` (file, line and
    key with the message worded in Chinese, or the indicators whose method the engine does
    not compute yet, named from the profile's data)."""
    profiles, blocked = {}, {}
    for n in available_profiles():
        try:
            profiles.update(load_profiles([n], coefficients=_coef))
        except InputError as exc:
            blocked[n] = [profile_problem_text(p, lang) for p in exc.problems]
    for n, prof in list(profiles.items()):
        plan = engine_plan(prof)
        if not plan.runnable:
            blocked[n] = engine_gap_text(prof, lang) or list(plan.reasons)
            del profiles[n]
    frames, totals, warnings, ledger, names = {}, {}, {}, [], {}
    from gep.report.labels import perspective_note

    perspective: dict[str, str] = {}
    for p, prof in profiles.items():
        acc = account(_ds, _coef, years=[year], profile=prof)
        frames[p] = account_frame(acc, year, prof, lang)
        totals[p] = float(acc.city_gep().sel(year=year))
        warnings[p] = [
            {
                **w,
                "region_names": [acc.region_name(r, lang) for r in w.get("regions", [])],
            }
            for w in acc.warnings
        ]
        for iid in acc.ledger_bases:
            rule = prof.rule(iid)
            row = frames[p].set_index("indicator").loc[iid]
            ledger.append(
                {
                    "profile": p,
                    "indicator": iid,
                    "name": row["name"],
                    "gross": float(row["gross"]),
                    "out_of_region": float(row["out_of_region"]),
                    "value": float(row["value"]),
                    "basis": _basis(rule, lang),
                }
            )
        names[p] = prof.label(lang)
        if acc.has_deductions:  # which perspective the city total uses (issue 11)
            perspective[p] = perspective_note(acc, lang, year)
    rec = reconcile(frames, totals) if frames else None
    return {
        "perspective": perspective,
        "rec": rec,
        "blocked": blocked,
        "warnings": warnings,
        "ledger": ledger,
        "names": names,
    }


def _profile_name(pid: str, lang: str) -> str:
    """A profile's name for people: the label table, else the file's own ``name`` (read
    even when the file does not validate), else its file name."""
    known = profile_label(pid, lang)
    if known != pid:
        return known
    try:
        raw = load_yaml(default_dir() / f"{pid}.yaml")
        name = raw.get("name") if isinstance(raw, dict) else None
        if isinstance(name, dict) and (name.get(lang) or name.get("zh")):
            return str(name.get(lang) or name.get("zh"))
    except Exception:  # an unreadable file: its reasons below say why
        pass
    return f"{pid}.yaml"


def _basis(rule, lang: str) -> str:
    """The share's basis in words (item names, not ids)."""
    if rule is None:
        return ""
    share = rule.share
    if share.kind == "coefficient":
        return text("prof.basis.coef", lang)

    def names(items):
        out = []
        for i in items:
            spec = item_spec(i)
            out.append((spec.zh if lang == "zh" else spec.en) if spec else i)
        return (" + " if lang == "en" else "＋").join(out)

    return f"{names(share.numerator)} ÷ ({names(share.denominator)})"


def _num(v: float, k: float) -> str:
    return ui.fmt_num(v / k if v is not None and math.isfinite(v) else None)


ctx = data.current()
ui.require_account(ctx)
lang, year, unit = ctx.lang, ctx.year, ctx.unit
k = views.scale(unit)
money = views.money_label(unit, lang)

st.title(t("prof.title"))
st.caption(t("prof.intro", y=year))
with st.spinner(t("prof.computing")):
    res = _compare(
        ctx.dataset_hash,
        ctx.coefficients.hash,
        year,
        lang,
        _profiles_key(),
        ctx.dataset,
        ctx.coefficients,
    )
rec, pnames = res["rec"], res["names"]
if res["blocked"]:
    st.warning(t("prof.blocked", n=len(res["blocked"])))
    for n, reasons in res["blocked"].items():
        st.markdown(
            f"**{_profile_name(n, lang)}**\n"
            + "\n".join(f"- {r}" for r in reasons[:20])
            + (f"\n- {t('prof.blocked_more', n=len(reasons) - 20)}" if len(reasons) > 20 else "")
        )
if rec is None:
    st.stop()
cols = [pnames[p] for p in rec.profiles]

# -- totals per category and profile ----------------------------------------------------------
st.subheader(t("prof.totals", y=year))
tot = pd.DataFrame(
    {
        pnames[p]: [
            *[_num(rec.by_category.at[c, p], k) for c in rec.by_category.index],
            _num(rec.totals[p], k),
        ]
        for p in rec.profiles
    }
)
tot.insert(
    0,
    t("prof.col.category"),
    [*[views.category_label(c, lang) for c in rec.by_category.index], t("prof.gep")],
)
st.dataframe(tot, hide_index=True, width="stretch")
st.caption(t("prof.unit", u=money))
for p, note in res.get("perspective", {}).items():  # city or county perspective (issue 11)
    st.caption(f"{pnames[p]}：{note}" if lang == "zh" else f"{pnames[p]}: {note}")

# -- indicator × profile -----------------------------------------------------------------------
st.subheader(t("prof.table"))
rows = rec.rows
label = {}
for r in rows.itertuples():
    label.setdefault(r.indicator, r.name if isinstance(r.name, str) and r.name else r.indicator)
wide = rec.wide("value")
vt = pd.DataFrame(
    {
        t("prof.col.category"): [
            views.category_label(i.split(".", 1)[0], lang) for i in wide.index
        ],
        t("prof.col.indicator"): [label[i] for i in wide.index],
        **{
            f"{pnames[p]}（{money}）" if lang == "zh" else f"{pnames[p]} ({money})": [
                _num(v, k) for v in wide[p]
            ]
            for p in rec.profiles
        },
    }
)
st.dataframe(vt, hide_index=True, width="stretch")
st.caption(t("prof.dash"))

detail = pd.DataFrame(
    {
        t("prof.col.indicator"): [label[i] for i in rows["indicator"]],
        t("prof.col.profile"): [pnames[p] for p in rows["profile"]],
        t("prof.col.value", u=money): [_num(v, k) for v in rows["value"]],
        t("prof.col.method"): [
            m if isinstance(m, str) and m else t("prof.none") for m in rows["method_label"]
        ],
        t("prof.col.clause"): [
            c if isinstance(c, str) and c else t("prof.none") for c in rows["clause"]
        ],
        t("prof.col.status"): [
            t(f"prof.status.{s}") if s in STATUS_KEYS else t("prof.none")
            for s in rows["clause_status"]
        ],
    }
)
with st.expander(t("prof.detail"), expanded=False):
    st.dataframe(detail, hide_index=True, width="stretch")

# -- differences explained ---------------------------------------------------------------------
st.subheader(t("prof.diff"))
sep = "、" if lang == "zh" else ", "
method_of = {(r.indicator, r.profile): r.method_label for r in rows.itertuples()}
lines = []
for d in rec.differences:
    name = label.get(d["indicator"], d["indicator"])
    kind = d["kind"]
    if kind == "presence":
        lines.append(
            t(
                "prof.d.presence",
                i=name,
                a=sep.join(pnames[p] for p in d["present_in"]),
                b=sep.join(pnames[p] for p in d["absent_in"]),
            )
        )
    elif kind == "method":
        lines.append(
            t(
                "prof.d.method",
                i=name,
                m="；".join(f"{pnames[p]}：{method_of[(d['indicator'], p)]}" for p in d["methods"])
                if lang == "zh"
                else "; ".join(
                    f"{pnames[p]}: {method_of[(d['indicator'], p)]}" for p in d["methods"]
                ),
            )
        )
    elif kind == "price":
        u = views.nice_unit(d["unit"].split("/", 1)[1].strip(), lang) if "/" in d["unit"] else ""
        lines.append(
            t(
                "prof.d.price",
                i=name,
                m=sep.join(f"{pnames[p]} {ui.fmt_num(v)}" for p, v in d["prices"].items()),
                u=u,
            )
        )
    elif kind == "deduction":
        lines.append(
            t(
                "prof.d.deduction",
                i=name,
                m=sep.join(
                    f"{pnames[p]} {_num(v, k)} {money}" for p, v in d["out_of_region"].items()
                ),
            )
        )
if lines:
    st.markdown("\n".join(f"- {x}" for x in lines))
else:
    st.info(t("prof.d.none"))

# -- out-of-region ledger ----------------------------------------------------------------------
st.subheader(t("prof.ledger"))
if res["ledger"]:
    led = pd.DataFrame(res["ledger"])
    share = [
        (o / g if g and math.isfinite(g) and math.isfinite(o) else float("nan"))
        for g, o in zip(led["gross"], led["out_of_region"], strict=True)
    ]
    lt = pd.DataFrame(
        {
            t("prof.col.profile"): [pnames[p] for p in led["profile"]],
            t("prof.col.indicator"): list(led["name"]),
            t("prof.col.gross", u=money): [_num(v, k) for v in led["gross"]],
            t("prof.col.share"): [
                f"{s:.1%}" if math.isfinite(s) else t("prof.not_assessed") for s in share
            ],
            t("prof.col.out", u=money): [
                _num(v, k) if math.isfinite(v) else t("prof.not_assessed")
                for v in led["out_of_region"]
            ],
            t("prof.col.net", u=money): [
                _num(v, k) if math.isfinite(v) else t("prof.not_assessed") for v in led["value"]
            ],
            t("prof.col.basis"): list(led["basis"]),
        }
    )
    st.dataframe(lt, hide_index=True, width="stretch")
    st.caption(t("prof.ledger_note"))
else:
    st.info(t("prof.ledger_none"))

# -- warnings ----------------------------------------------------------------------------------
st.subheader(t("prof.warnings"))
n_warn = 0
for p in rec.profiles:
    for w in res["warnings"].get(p, []):
        n_warn += 1
        name = label.get(w["indicator"], w["indicator"])
        where = ""
        if w.get("region_names"):
            yrs = sep.join(str(y) for y in w.get("years", []))
            where = t("prof.w.where", r=sep.join(w["region_names"]), y=yrs)
        kind = w["kind"] if w["kind"] in ("zero", "unsourced", "missing_inputs") else "other"
        st.warning(f"{pnames[p]} · {t(f'prof.w.{kind}', i=name)}{where}")
if not n_warn:
    st.success(t("prof.w.none"))
