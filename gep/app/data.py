"""Loading, caching and the per-run context every page reads.

* Datasets and coefficient sets are loaded once per file state (``st.cache_resource`` keyed on
  the path and the files' modification times) and treated as read-only.
* The account is cached with ``st.cache_resource`` keyed on the dataset hash, the
  coefficient-set hash (which changes with every edit), the profile and the options: one
  shared read-only object holding every year, so a year switch is a lookup; the other
  profiles are computed in the background after the first page (a method switch is a lookup).
* Coefficient edits live in ``st.session_state["gep_edits"]`` as ``{row_id: value}`` and in a
  workspace draft file, so a reload or a restart brings them back.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from .. import units  # noqa: F401  (sets pint's application registry before anything is cached)
from ..accounting import Account, account
from ..coefficients import CoefficientSet, find_set, load_set
from ..errors import InputError, Problem
from ..inventory import Dataset, load_dataset
from . import coeftable, workspace

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATASET = "datasets/ankang"
PROFILES = ("ndrc-2022", "gbt-46869-2025", "ankang", "xie-2015")


# --------------------------------------------------------------------------------------------
# configuration


def _resolve(path: str) -> Path:
    p = Path(path).expanduser()
    if p.is_absolute():
        return p
    if (Path.cwd() / p).exists():
        return (Path.cwd() / p).resolve()
    return (REPO / p).resolve()


def default_dataset_path() -> Path:
    """``$GEP_DATASET`` or the bundled ``datasets/ankang``."""
    return _resolve(os.environ.get("GEP_DATASET") or DEFAULT_DATASET)


def bundled_sets() -> list[Path]:
    root = REPO / "coefficients"
    return sorted(p for p in root.iterdir() if (p / "set.yaml").exists()) if root.exists() else []


def resolve_set_path(name_or_path: str, dataset: Dataset | None = None) -> Path:
    """Find a set by path or name: beside the dataset (``../coefficients/<name>``) first."""
    roots = []
    if dataset is not None and dataset.path:
        roots.append(Path(dataset.path).parent.parent / "coefficients")
        roots.append(Path(dataset.path).parent / "coefficients")
    p = _resolve(name_or_path)
    if (p / "set.yaml").exists():
        return p
    for root in roots:
        if (root / name_or_path / "set.yaml").exists():
            return (root / name_or_path).resolve()
    return find_set(name_or_path, REPO / "coefficients").resolve()


def default_set_path(dataset: Dataset | None) -> Path:
    """``$GEP_COEFFICIENT_SET`` or the dataset's default set (``dataset.yaml: coefficients``)."""
    env = os.environ.get("GEP_COEFFICIENT_SET")
    if env:
        return resolve_set_path(env, dataset)
    # officials read the published version by default (store, issue 13)
    published = workspace.published_set(
        dataset.default_coefficients if dataset is not None else "national"
    )
    if published is not None:
        return published[0]
    return resolve_set_path(
        dataset.default_coefficients if dataset is not None else "national", dataset
    )


def _signature(folder: Path, pattern: str = "*") -> str:
    """Cheap change detector: names, sizes and modification times of the files."""
    h = hashlib.sha1()
    for p in sorted(folder.rglob(pattern)):
        if p.is_file():
            s = p.stat()
            h.update(f"{p}:{s.st_size}:{s.st_mtime_ns}".encode())
    return h.hexdigest()


def set_signature(path: Path) -> str:
    """Signature of a set and every set it extends."""
    h = hashlib.sha1()
    seen: set[Path] = set()
    current: Path | None = path
    while current is not None and current not in seen:
        seen.add(current)
        h.update(_signature(current, "*.yaml").encode())
        try:
            from ..yamlio import load_yaml  # no aliases, size/depth limits (issue 16)

            meta = load_yaml(current / "set.yaml") or {}
            parent = meta.get("extends")
            current = find_set(parent, current.parent).resolve() if parent else None
        except Exception:
            current = None
    return h.hexdigest()


# --------------------------------------------------------------------------------------------
# cached loaders


@st.cache_resource(show_spinner=False, max_entries=8)
def _load_dataset(path: str, signature: str) -> tuple[Dataset, str]:
    ds = load_dataset(path)
    return ds, ds.hash


@st.cache_resource(show_spinner=False, max_entries=16)
def _load_set(path: str, signature: str) -> tuple[CoefficientSet, str]:
    cs = load_set(path)
    return cs, cs.hash


def load_dataset_cached(path: Path) -> tuple[Dataset, str]:
    path = Path(path)
    if not path.exists():
        raise InputError(
            Problem(
                str(path), "dataset folder not found (set GEP_DATASET or pick one in the sidebar)"
            )
        )
    return _load_dataset(str(path), _signature(path if path.is_dir() else path.parent))


def load_set_cached(path: Path) -> tuple[CoefficientSet, str]:
    return _load_set(str(path), set_signature(Path(path)))


@st.cache_resource(show_spinner=False, max_entries=24)
def _account_cached(
    dataset_hash: str,
    coefficients_hash: str,
    profile: str,
    options_key: str,
    _dataset: Dataset,
    _coefficients: CoefficientSet,
    quantities_key: str = "",  # supplied quantities.csv: not in the inventory hash
) -> tuple[Account, float]:
    """The whole :class:`Account` (ledger bases, warnings, traces included), kept as one
    shared read-only object per content: a rerun, a year switch or another session asking for
    the same dataset, set and profile gets the same object back without copying it."""
    t0 = time.perf_counter()
    acc = account(_dataset, _coefficients, profile=profile, options=json.loads(options_key))
    return acc, time.perf_counter() - t0


def _quantities_key(dataset: Dataset) -> str:
    """Signature (name, size, modification time) of the dataset folder's quantities.csv/.xlsx
    ("" without one): supplied quantities change the account but not the inventory hash, so
    they key the cache too."""
    if not dataset.path:
        return ""
    folder = Path(dataset.path)
    folder = folder if folder.is_dir() else folder.parent
    return ";".join(
        f"{f.name}:{f.stat().st_size}:{f.stat().st_mtime_ns}"
        for f in sorted(folder.glob("quantities.*"))
    )


def compute_account(
    dataset: Dataset,
    dataset_hash: str,
    coefficients: CoefficientSet,
    profile: str = "ndrc-2022",
    options: dict | None = None,
) -> tuple[Account, float]:
    """The account (cached on hashes) and how long computing it took [s] (when it was computed).

    Every year is in the one account, so a year switch is a lookup.
    """
    return _account_cached(
        dataset_hash,
        coefficients.hash,
        profile,
        json.dumps(options or {}, sort_keys=True),
        dataset,
        coefficients,
        _quantities_key(dataset),
    )


#: (dataset hash, coefficient hash) pairs whose other profiles are being / were computed
_warmed: set[tuple[str, str]] = set()
_warm_lock = threading.Lock()


def warm_other_profiles(
    dataset: Dataset, dataset_hash: str, coefficients: CoefficientSet, current: str
) -> threading.Thread | None:
    """Compute the other method profiles' accounts in a background thread (once per dataset
    and coefficient set), so that switching the method profile is a cache lookup.

    The thread waits a moment first, so the page being shown is not slowed down; the cache
    lock makes a switch during the computation wait for it instead of computing twice.
    """
    key = (dataset_hash, coefficients.hash)
    with _warm_lock:
        if key in _warmed:
            return None
        _warmed.add(key)
        while len(_warmed) > 64:  # bounded
            _warmed.pop()

    def run() -> None:
        time.sleep(WARM_DELAY_S)
        for prof in PROFILES:
            if prof == current:
                continue
            try:
                compute_account(dataset, dataset_hash, coefficients, prof)
            except Exception:  # shown (with its message) when the user picks that profile
                return

    from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

    th = threading.Thread(target=run, name="gep-warm-profiles", daemon=True)
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is not None:
        add_script_run_ctx(th, ctx)
    th.start()
    return th


#: seconds the profile warm-up waits before starting (the current page renders first)
WARM_DELAY_S = 1.5


# --------------------------------------------------------------------------------------------
# the per-run context


@dataclass
class Context:
    """Everything a page needs for this run."""

    lang: str = "zh"
    dataset: Dataset | None = None
    dataset_hash: str = ""
    dataset_path: Path | None = None
    base: CoefficientSet | None = None
    base_path: Path | None = None
    coefficients: CoefficientSet | None = None
    edits: dict[str, float] = field(default_factory=dict)
    edit_problems: list[Problem] = field(default_factory=list)
    account: Account | None = None
    profile: str = "ndrc-2022"
    year: int | None = None
    unit: str = "yi"
    error: InputError | None = None
    recompute_seconds: float = 0.0
    #: where the base set came from: {"kind": "published", "version": …} or {"kind": "files"}
    store_source: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.account is not None

    @property
    def base_key(self) -> str:
        return edits_key(self.base, self.base_path)


def edits_key(base: CoefficientSet | None, base_path: Path | None) -> str:
    if base is None:
        return ""
    digest = hashlib.sha1(str(base_path).encode()).hexdigest()[:6]
    return f"{base.name}-{digest}"


def sync_editor_edits(base: CoefficientSet) -> bool:
    """Merge the coefficient editor's widget state into ``gep_edits``; True if they changed.

    The editor reports edits by row position of the table it showed; the page stores that
    table's row ids in ``_editor_last`` so the positions map back to coefficient rows.
    """
    last = st.session_state.get("_editor_last")
    if not last:
        return False
    key, row_ids = last
    state = st.session_state.get(key)
    if not isinstance(state, dict):
        return False
    edits = dict(st.session_state.get("gep_edits", {}))
    before = dict(edits)
    for pos, change in (state.get("edited_rows") or {}).items():
        pos = int(pos)
        if "value" in change and 0 <= pos < len(row_ids):
            value = change["value"]
            rid = row_ids[pos]
            if value is None:
                edits.pop(rid, None)
            else:
                edits[rid] = value
    good, problems = coeftable.check_edits(base, edits)
    st.session_state["_edit_problems"] = problems
    # an edit back to the file value is no edit
    good = {rid: v for rid, v in good.items() if v != _baseline_value(base, rid)}
    st.session_state["gep_edits"] = good
    return good != before


def _baseline_value(base: CoefficientSet, rid: str) -> float | None:
    cid, key, start = coeftable.parse_row_id(rid)
    c = base.coefficients.get(cid)
    if c is None:
        return None
    for e in c.values:
        if e.start == start:
            return float(e.value[key]) if key is not None else float(e.value)
    return None


def reset_edits() -> None:
    st.session_state["gep_edits"] = {}
    st.session_state["_editor_version"] = st.session_state.get("_editor_version", 0) + 1
    st.session_state.pop("_editor_last", None)


def build_context(lang: str) -> Context:
    """Load the active dataset and set, apply the edits and compute the account."""
    ss = st.session_state
    # an upload validated on the Data page becomes active here, before the sidebar's widgets
    # exist (a page cannot change their values once they do)
    pending = ss.pop("_activate_dataset", None)
    if pending is not None:
        ss["dataset_choice"], ss["coef_choice"] = pending, ""
    ctx = Context(
        lang=lang, profile=ss.get("profile", "ndrc-2022"), unit=ss.get("money_unit", "yi")
    )
    try:
        ds_path = Path(ss.get("dataset_choice") or default_dataset_path())
        ctx.dataset_path = ds_path
        ctx.dataset, ctx.dataset_hash = load_dataset_cached(ds_path)
        set_choice = ss.get("coef_choice")
        ctx.base_path = Path(set_choice) if set_choice else default_set_path(ctx.dataset)
        ctx.base, _ = load_set_cached(ctx.base_path)
    except InputError as exc:
        ctx.error = exc
        return ctx
    key = ctx.base_key
    if ss.get("gep_edits_base") != key:  # new session or another base set: restore its draft
        ss["gep_edits_base"] = key
        ss["gep_edits"] = workspace.load_draft(key, name=ctx.base.name)
        ss.pop("_editor_last", None)
    if sync_editor_edits(ctx.base):
        workspace.save_draft(
            key,
            str(ctx.base_path),
            ss["gep_edits"],
            name=ctx.base.name,
            raw=coeftable.edited_raw(ctx.base, ss["gep_edits"]),
        )
    ctx.store_source = workspace.set_source(ctx.base_path)
    good, problems = coeftable.check_edits(ctx.base, ss.get("gep_edits", {}))
    ctx.edits = good
    ctx.edit_problems = list(ss.get("_edit_problems", [])) + problems
    try:
        t0 = time.perf_counter()
        ctx.coefficients = coeftable.apply_edits(ctx.base, good)
        years = ctx.dataset.years
        year = ss.get("year")
        ctx.year = int(year) if year in years else years[-1]
        apply_seconds = time.perf_counter() - t0
        t1 = time.perf_counter()
        ctx.account, compute_seconds = compute_account(
            ctx.dataset, ctx.dataset_hash, ctx.coefficients, ctx.profile
        )
        # recompute time of the current totals: applying the edits + the account (measured when
        # it was computed; a cache hit costs only the lookup, recorded in _lookup_ms)
        ctx.recompute_seconds = apply_seconds + compute_seconds
        ss["_recompute_ms"] = round(1000 * ctx.recompute_seconds, 1)
        ss["_lookup_ms"] = round(1000 * (time.perf_counter() - t1), 1)
        ss["_city_gep"] = {int(y): float(v) for y, v in ctx.account.city_gep().to_pandas().items()}
    except InputError as exc:
        ctx.error = exc
        return ctx
    warm_other_profiles(ctx.dataset, ctx.dataset_hash, ctx.coefficients, ctx.profile)
    return ctx


def current() -> Context:
    """The context built by ``app.py`` for this run."""
    ctx = st.session_state.get("_ctx")
    if ctx is None:
        from .i18n import get_lang

        ctx = build_context(get_lang())
        st.session_state["_ctx"] = ctx
    return ctx
