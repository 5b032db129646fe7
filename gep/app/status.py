"""Data status on every page: illustrative data and which coefficient version is shown.

A banner that cannot be missed (``st.error`` at the top of every page) whenever the dataset
or the coefficient set in use has illustrative rows, with the share of GEP resting on them
per county (:func:`gep.datastatus.illustrative_share`); and one line saying whether the
coefficients are the official (published) version, the user's private draft or plain files.
"""

from __future__ import annotations

import contextlib
import html

import pandas as pd
import streamlit as st

from ..datastatus import coefficient_status, dataset_status, illustrative_share, supplied_status
from . import i18n

#: this module's strings (zh, en), also registered in gep.app.i18n (keys under "ds." etc.)
STRINGS: dict[str, tuple[str, str]] = {
    "nav.audit": ("审计日志", "Audit log"),
    "ds.banner": (
        "⚠️ 示意数据，不是正式核算结果：数据集 {ds} 共 {n:,} 行清单数据中 {k:,} 行为示意（"
        "illustrative，合成）数据；系数集 {cs} 中 {c} 个系数为示意值。{y} 年全市 GEP 的 "
        "{share:.0%} 依赖示意数据。",
        "⚠️ Illustrative data, not an official account: {k:,} of the {n:,} inventory rows of "
        "dataset {ds} are illustrative (synthesized); {c} coefficient(s) of set {cs} are "
        "illustrative. {share:.0%} of the city's {y} GEP rests on illustrative inputs.",
    ),
    "ds.banner.supplied": (
        "外部实物量文件 quantities.csv 中有 {q} 行所用数据为示意数据。",
        " {q} supplied physical quantity row(s) (quantities.csv) used are illustrative.",
    ),
    "ds.by_county": (
        "各区县 GEP 中依赖示意数据的比例（{y} 年）",
        "Share of each county's GEP resting on illustrative inputs ({y})",
    ),
    "ds.col.region": ("区县", "County"),
    "ds.col.share": ("示意数据占比", "Illustrative share"),
    "ds.col.indicators": ("依赖示意数据的指标", "Indicators on illustrative inputs"),
    "ds.how": (
        "某区县某指标的价值只要有一个输入为示意数据（清单行 source 以 illustrative 开头，或所用系数"
        "的状态为 illustrative），即计为依赖示意数据。",
        "A county's indicator value counts as resting on illustrative inputs when any of its "
        "inventory rows (source starting with 'illustrative') or coefficients (status "
        "'illustrative') is illustrative.",
    ),
    "ver.published": (
        "系数：正式发布版本 v{v}（{user} 于 {time} 发布）",
        "Coefficients: official published version v{v} (published by {user}, {time})",
    ),
    "ver.files": (
        "系数：来自文件（数据库中尚无正式发布版本）",
        "Coefficients: from files (no published version in the store yet)",
    ),
    "ver.draft": (
        "✏️ 您正在查看自己的私有草稿（{n} 处修改），其他用户看不到；正式版本需审批人发布。",
        "✏️ You are looking at your own private draft ({n} change(s)); nobody else sees it; "
        "an approver must publish it to make it official.",
    ),
    "id.local": (
        "本地模式：单一本地用户“{user}”，角色为管理员（未配置身份认证）",
        "Local mode: the single local user '{user}' is admin (no identity provider configured)",
    ),
    "id.oidc": ("当前用户：{user}（{role}）", "Signed in as {user} ({role})"),
    "id.login": ("登录", "Log in"),
    "id.logout": ("退出登录", "Log out"),
    "role.viewer": ("查看者", "viewer"),
    "role.analyst": ("分析员", "analyst"),
    "role.approver": ("审批人", "approver"),
    "role.admin": ("管理员", "admin"),
    "au.title": ("审计日志", "Audit log"),
    "au.intro": (
        "谁在何时做了什么：编辑草稿、发布（含原因）、被拒绝的操作、导入导出。日志只能追加，不能修改或删除。",
        "Who did what and when: draft edits, publications (with reasons), refused attempts, "
        "imports and exports. The log is append-only: it cannot be changed or deleted.",
    ),
    "au.user": ("用户", "User"),
    "au.action": ("操作", "Action"),
    "au.object": ("对象", "Object"),
    "au.since": ("起始日期", "From date"),
    "au.all": ("全部", "all"),
    "au.empty": ("没有符合条件的记录。", "No entries match."),
    "au.n": ("{n} 条记录", "{n} entries"),
    "au.csv": ("下载 CSV", "Download CSV"),
    "au.json": ("下载 JSON", "Download JSON"),
    "au.versions": ("系数集版本", "Coefficient-set versions"),
}
for _k, _v in STRINGS.items():
    i18n.STRINGS.setdefault(_k, _v)


def s(key: str, lang: str = "zh", **fmt) -> str:
    zh, en = STRINGS[key]
    out = zh if lang == "zh" else en
    return out.format(**fmt) if fmt else out


def status_key(ctx) -> str:
    """What the illustrative flags depend on beyond the content hashes (which leave out
    sources and statuses): which inventory rows and which coefficients are illustrative.
    Computed once per page run (kept on the run's context)."""
    memo = getattr(ctx, "__dict__", {}).get("_gep_status_key")
    if memo is not None:
        return memo
    import hashlib

    import numpy as np

    from ..datastatus import illustrative_rows

    h = hashlib.sha1(ctx.dataset_hash.encode())
    h.update(np.packbits(illustrative_rows(ctx.dataset.table["source"])).tobytes())
    for y in ctx.account.years if ctx.account is not None else [ctx.year]:
        h.update(repr((y, coefficient_status(ctx.coefficients, y)["ids"])).encode())
    key = h.hexdigest()
    with contextlib.suppress(AttributeError, TypeError):  # no instance dict: no memo
        ctx.__dict__["_gep_status_key"] = key
    return key


@st.cache_data(show_spinner=False, max_entries=16)
def illustrative_shares(key: str, coef_hash: str, profile: str, _acc, _dataset) -> pd.DataFrame:
    """Share of GEP on illustrative rows/coefficients, every year; cached per dataset/set/profile
    (the banner and the exports' warning lines read the same table)."""
    return illustrative_share(_acc, _dataset)


@st.cache_data(show_spinner=False, max_entries=16)
def _ds_status(key: str, _dataset) -> dict:
    return dataset_status(_dataset)


def banner(ctx) -> None:
    """The illustrative-data banner and the version line (call at the top of every page)."""
    if not ctx.ok:
        return
    lang, year = ctx.lang, ctx.year
    version_line(ctx)
    from .exports import image_export_listener

    image_export_listener(ctx)  # chart images saved with the camera button → audit log
    key = status_key(ctx)
    dstat = _ds_status(key, ctx.dataset)
    cstat = coefficient_status(ctx.coefficients, year)
    # supplied quantities count too: an account whose every input is official except an
    # illustrative quantities.csv row rests on illustrative data all the same
    n_supplied = supplied_status(ctx.account)
    if not dstat["illustrative"] and not cstat["illustrative"] and not n_supplied:
        return
    shares = illustrative_shares(key, ctx.coefficients.hash, ctx.profile, ctx.account, ctx.dataset)
    this = shares[shares["year"] == year]
    total = float(this["gep"].sum())
    share = float(this["illustrative_value"].sum()) / total if total else 0.0
    message = s(
        "ds.banner",
        lang,
        ds=ctx.dataset.name,
        n=dstat["rows"],
        k=dstat["illustrative"],
        cs=ctx.coefficients.name,
        c=cstat["illustrative"],
        y=year,
        share=share,
    )
    if n_supplied:
        message += s("ds.banner.supplied", lang, q=n_supplied)
    # a red box at the top of every page; st.html (escaped text) rather than st.error so
    # that the pages' own error/warning/markdown elements keep their places
    st.html(
        f'<div role="alert" class="gep-illustrative-banner" style="{_BANNER_STYLE}">'
        f"{html.escape(message)}</div>"
    )
    with st.expander(s("ds.by_county", lang, y=year)):
        _small(html.escape(s("ds.how", lang)))
        labels = {i.id: i.label(lang) for i in ctx.account.indicators}
        table = pd.DataFrame(
            {
                s("ds.col.region", lang): [
                    ctx.dataset.region_name(r, lang) for r in this["region"]
                ],
                s("ds.col.share", lang): (100 * this["share"]).round(1).astype(str) + " %",
                s("ds.col.indicators", lang): [
                    _sep(lang).join(labels.get(i, i) for i in ids) for ids in this["indicators"]
                ],
            }
        )
        st.table(table.set_index(table.columns[0]))


def _sep(lang: str) -> str:
    return "、" if lang == "zh" else ", "


_BANNER_STYLE = (
    "background:#b00020;color:#fff;padding:0.7rem 1rem;border-radius:0.4rem;"
    "font-weight:600;margin-bottom:0.6rem"
)


def version_line(ctx) -> None:
    """Which coefficients are shown: the published version, files, or the user's draft."""
    lang = ctx.lang
    src = getattr(ctx, "store_source", None) or {}
    lines = []
    if src.get("kind") == "published":
        lines.append(
            s(
                "ver.published",
                lang,
                v=src["version"],
                user=src.get("by", ""),
                time=src.get("time", ""),
            )
        )
    elif src.get("kind") == "files":
        lines.append(s("ver.files", lang))
    if ctx.edits:
        lines.append(s("ver.draft", lang, n=len(ctx.edits)))
    if lines:
        _small("<br>".join(html.escape(x) for x in lines))


def _small(inner_html: str) -> None:
    st.html(
        f'<div class="gep-version-line" style="font-size:0.85rem;opacity:0.8">{inner_html}</div>'
    )
