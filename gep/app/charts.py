"""Plotly figure builders (no Streamlit; every function takes the table it draws)."""

from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go

CATEGORY_COLORS = {
    "material": "#E0A526",
    "regulating": "#2E8B57",
    "cultural": "#4C72B0",
    "supporting": "#8C8C8C",
}
_LAYOUT = {"margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "legend_title_text": ""}


#: value-axis numbers: Chinese digit grouping, up to two decimals, never SI suffixes (k, M)
VALUE_TICKS = ",.2~f"
VALUE_HOVER = ",.2f"


def value_axis(fig: go.Figure, axis: str = "y", from_zero: bool = True) -> go.Figure:
    """Format the value axis: grouped digits, no k/M, starting at zero for bars."""
    upd = {"tickformat": VALUE_TICKS, "hoverformat": VALUE_HOVER, "exponentformat": "none"}
    if from_zero:
        upd["rangemode"] = "tozero"
    (fig.update_yaxes if axis == "y" else fig.update_xaxes)(**upd)
    return fig


def _style(
    fig: go.Figure, title: str | None = None, height: int | None = None, axis: str | None = "y"
) -> go.Figure:
    fig.update_layout(**_LAYOUT, separators=".,")
    if axis:
        value_axis(fig, axis)
    if title:
        fig.update_layout(title={"text": title, "x": 0, "font": {"size": 14}})
    if height:
        fig.update_layout(height=height)
    return fig


def bar(
    df,
    x: str,
    y: str,
    y_title: str,
    color: str | None = None,
    color_map: dict | None = None,
    title: str | None = None,
    horizontal: bool = False,
    barmode: str = "relative",
    text_fmt: str = ",.2f",
    category_orders: dict | None = None,
) -> go.Figure:
    if color is None and category_orders is None:
        return _single_bar(df, x, y, y_title, title, horizontal, barmode)
    return _px_bar(df, x, y, y_title, color, color_map, title, horizontal, barmode, category_orders)


def _px_bar(
    df, x, y, y_title, color, color_map, title, horizontal, barmode, category_orders
) -> go.Figure:
    """:func:`bar` through plotly express (several series, or a fixed category order)."""
    if horizontal:
        fig = px.bar(
            df,
            y=x,
            x=y,
            color=color,
            orientation="h",
            color_discrete_map=color_map,
            category_orders=category_orders,
            barmode=barmode,
        )
        fig.update_xaxes(title=y_title)
        fig.update_yaxes(title="", autorange="reversed")
    else:
        fig = px.bar(
            df,
            x=x,
            y=y,
            color=color,
            color_discrete_map=color_map,
            category_orders=category_orders,
            barmode=barmode,
        )
        fig.update_yaxes(title=y_title)
        fig.update_xaxes(title="")
    fig.update_traces(hovertemplate=None)
    return _style(fig, title, axis="x" if horizontal else "y")


def _single_bar(df, x, y, y_title, title, horizontal, barmode) -> go.Figure:
    """One-series :func:`bar` written out directly: the same figure ``px.bar`` and
    :func:`_style` make (``tests/app/test_charts_fast.py`` compares the two), built about
    50× faster — plotly express and each validated layout update cost tens of milliseconds,
    and every chart of a page is rebuilt when the year, unit or profile changes."""
    import plotly.io as pio

    template = pio.templates[pio.templates.default] if pio.templates.default else None
    colorway = (template.layout.colorway if template is not None else None) or (
        px.colors.qualitative.D3
    )
    cats, vals = df[x].to_numpy(), df[y].to_numpy()
    trace = {
        "type": "bar",
        "legendgroup": "",
        "marker": {"color": colorway[0], "pattern": {"shape": ""}},
        "name": "",
        "orientation": "h" if horizontal else "v",
        "showlegend": False,
        "textposition": "auto",
        "x": vals if horizontal else cats,
        "xaxis": "x",
        "y": cats if horizontal else vals,
        "yaxis": "y",
    }
    if barmode == "group":
        trace.update(alignmentgroup="True", offsetgroup="")
    value_ax = {
        "anchor": "x" if not horizontal else "y",
        "domain": [0.0, 1.0],
        "title": {"text": y_title},
        "tickformat": VALUE_TICKS,
        "hoverformat": VALUE_HOVER,
        "exponentformat": "none",
        "rangemode": "tozero",
    }
    cat_ax = {"anchor": "y" if not horizontal else "x", "domain": [0.0, 1.0], "title": {"text": ""}}
    if horizontal:
        cat_ax["autorange"] = "reversed"
    layout = {
        "xaxis": value_ax if horizontal else cat_ax,
        "yaxis": cat_ax if horizontal else value_ax,
        "legend": {"tracegroupgap": 0, "title": {"text": ""}},
        "margin": dict(_LAYOUT["margin"]),
        "barmode": barmode,
        "separators": ".,",
    }
    if template is not None:
        layout["template"] = template
    if title:
        layout["title"] = {"text": title, "x": 0, "font": {"size": 14}}
    return go.Figure({"data": [trace], "layout": layout}, _validate=False)


def lines(
    df,
    x: str,
    y: str,
    color: str,
    y_title: str,
    title: str | None = None,
    markers: bool = True,
    dash: str | None = None,
) -> go.Figure:
    fig = px.line(df, x=x, y=y, color=color, markers=markers, line_dash=dash)
    fig.update_yaxes(title=y_title, rangemode="tozero")
    fig.update_xaxes(title="", dtick=1 if df[x].nunique() <= 12 else None)
    return _style(fig, title)


def area(
    df,
    x: str,
    y: str,
    color: str,
    y_title: str,
    color_map: dict | None = None,
    title: str | None = None,
) -> go.Figure:
    fig = px.area(df, x=x, y=y, color=color, color_discrete_map=color_map)
    fig.update_yaxes(title=y_title)
    fig.update_xaxes(title="", dtick=1 if df[x].nunique() <= 12 else None)
    return _style(fig, title)


def sunburst(
    df,
    path: list[str],
    value: str,
    color: str | None = None,
    color_map: dict | None = None,
    title: str | None = None,
    unit: str = "",
) -> go.Figure:
    fig = px.sunburst(df, path=path, values=value, color=color, color_discrete_map=color_map)
    fig.update_traces(
        hovertemplate=(
            f"%{{label}}<br>%{{value:,.2f}} {unit}<br>%{{percentRoot:.1%}}<extra></extra>"
        ),
        insidetextorientation="radial",
    )
    return _style(fig, title, height=460, axis=None)


def treemap(
    df,
    path: list[str],
    value: str,
    color: str | None = None,
    color_map: dict | None = None,
    title: str | None = None,
    unit: str = "",
) -> go.Figure:
    fig = px.treemap(df, path=path, values=value, color=color, color_discrete_map=color_map)
    fig.update_traces(
        hovertemplate=(
            f"%{{label}}<br>%{{value:,.2f}} {unit}<br>%{{percentRoot:.1%}}<extra></extra>"
        ),
        texttemplate="%{label}<br>%{percentRoot:.1%}",
    )
    return _style(fig, title, height=460, axis=None)


def tile_map(df, value: str, label: str, name: str = "name", title: str | None = None) -> go.Figure:
    """Schematic tile map: one square per county on a grid (``col``, ``row``), coloured by
    ``value``."""
    import numpy as np

    v = df[value].astype(float)
    lo, hi = np.nanmin(v) if v.notna().any() else 0.0, np.nanmax(v) if v.notna().any() else 1.0
    norm = (v - lo) / (hi - lo) if hi > lo else v * 0
    text_colors = ["#ffffff" if (x == x and x > 0.55) else "#1b1b1b" for x in norm]
    labels = [
        f"<b>{n}</b><br>{x:,.4g}" if x == x else f"<b>{n}</b><br>—"
        for n, x in zip(df[name], v, strict=True)
    ]
    n_rows = int(df["row"].max()) + 1
    fig = go.Figure(
        go.Scatter(
            x=df["col"],
            y=-df["row"],
            mode="markers+text",
            text=labels,
            textposition="middle center",
            textfont={"size": 11, "color": text_colors},
            marker={
                "symbol": "square",
                "size": 66,
                "color": v,
                "colorscale": "YlGn",
                "showscale": True,
                "colorbar": {"title": {"text": label, "side": "right"}},
                "line": {"width": 1, "color": "#fff"},
            },
            customdata=np.stack([df[name], v], axis=1),
            hovertemplate="%{customdata[0]}<br>%{customdata[1]:,.4g} " + label + "<extra></extra>",
        )
    )
    fig.update_xaxes(visible=False, range=[df["col"].min() - 0.7, df["col"].max() + 0.7])
    fig.update_yaxes(
        visible=False, range=[-df["row"].max() - 0.7, 0.7], scaleanchor="x", scaleratio=1
    )
    return _style(fig, title, height=max(360, 80 * n_rows + 60), axis=None)


def boundary_map(
    rings: dict[str, list[list]],
    df,
    value: str,
    label: str,
    name: str = "name",
    rank: str | None = "rank",
    rank_label: str = "排名",
    missing_label: str = "无数据",
    title: str | None = None,
    value_fmt: str = ",.2f",
) -> go.Figure:
    """Choropleth drawn from county outlines on plain axes: no base map, no tiles, no network.

    ``rings`` maps a region code to its outer rings ([[lon, lat], …]); ``df`` has ``region``,
    ``name``, ``value`` (and ``rank``). Longitude is scaled by cos(mean latitude) so shapes keep
    their proportions. Hover: name, value with unit, rank.
    """
    import math

    import numpy as np
    from plotly.colors import sample_colorscale

    rows = {str(r.region): r for r in df.itertuples()}
    lats = [pt[1] for rs in rings.values() for ring in rs for pt in ring]
    k = math.cos(math.radians(sum(lats) / len(lats))) if lats else 1.0
    v = df[value].astype(float)
    lo, hi = (float(np.nanmin(v)), float(np.nanmax(v))) if v.notna().any() else (0.0, 1.0)
    fig = go.Figure()
    label_x, label_y, label_t, label_c = [], [], [], []
    for code, rs in rings.items():
        r = rows.get(code)
        val = float(getattr(r, value)) if r is not None else math.nan
        nm = str(getattr(r, name)) if r is not None else code
        frac = 0.0
        if math.isfinite(val):
            frac = (val - lo) / (hi - lo) if hi > lo else 0.5
            color = sample_colorscale("YlGn", [0.08 + 0.84 * frac])[0]
            vtext = format(val, value_fmt) + " " + label
        else:
            color, vtext = "#dddddd", missing_label
        rk = getattr(r, rank) if (r is not None and rank) else None
        hover = f"<b>{nm}</b><br>{vtext}"
        if rk is not None and rk == rk:
            hover += f"<br>{rank_label}：{int(rk)}"
        xs, ys = [], []
        for ring in rs:
            xs += [pt[0] * k for pt in ring] + [None]
            ys += [pt[1] for pt in ring] + [None]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=color,
                line={"color": "#ffffff", "width": 1},
                hoveron="fills",
                text=hover,
                hoverinfo="text",
                name=nm,
                showlegend=False,
            )
        )
        biggest = max(rs, key=len)
        label_x.append(sum(pt[0] for pt in biggest) / len(biggest) * k)
        label_y.append(sum(pt[1] for pt in biggest) / len(biggest))
        label_t.append(nm)
        label_c.append("#ffffff" if frac > 0.6 else "#1b1b1b")
    fig.add_trace(
        go.Scatter(
            x=label_x,
            y=label_y,
            mode="text",
            text=label_t,
            textfont={"size": 11, "color": label_c},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    # a colour bar for the scale (an invisible marker trace carries it)
    fig.add_trace(
        go.Scatter(
            x=[label_x[0] if label_x else 0] * 2,
            y=[label_y[0] if label_y else 0] * 2,
            mode="markers",
            marker={
                "size": 0.1,
                "color": [lo, hi],
                "colorscale": [
                    [0, sample_colorscale("YlGn", [0.08])[0]],
                    [1, sample_colorscale("YlGn", [0.92])[0]],
                ],
                "showscale": True,
                "colorbar": {
                    "title": {"text": label, "side": "right"},
                    "tickformat": ",.0f" if hi >= 100 else ",.2f",
                },
            },
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(plot_bgcolor="rgba(0,0,0,0)", hoverlabel={"bgcolor": "white"})
    return _style(fig, title, height=560, axis=None)


def waterfall(
    labels: list[str],
    deltas: list[float],
    start_label: str,
    start: float,
    end_label: str,
    unit: str,
    title: str | None = None,
) -> go.Figure:
    """Baseline → one bar per difference → alternate, on a value axis from zero (a zoomed axis
    would exaggerate the differences; the numbers are printed on the bars)."""
    fig = go.Figure(
        go.Waterfall(
            x=[start_label, *labels, end_label],
            measure=["absolute", *(["relative"] * len(labels)), "total"],
            y=[start, *deltas, 0.0],
            connector={"line": {"color": "#999"}},
            increasing={"marker": {"color": "#2E8B57"}},
            decreasing={"marker": {"color": "#C0392B"}},
            totals={"marker": {"color": "#4C72B0"}},
            texttemplate="%{delta:+,.2f}",
            textposition="outside",
            hovertemplate="%{x}<br>%{y:,.2f} " + unit + "<extra></extra>",
        )
    )
    path = [start]
    for d in deltas:
        path.append(path[-1] + d)
    fig.update_traces(
        text=[f"{start:,.2f}", *[f"{d:+,.2f}" for d in deltas], f"{path[-1]:,.2f}"],
        texttemplate="%{text}",
    )
    fig.update_yaxes(title=unit)
    return _style(fig, title, height=460)


def grouped_bar(
    df,
    x: str,
    y: str,
    color: str,
    y_title: str,
    title: str | None = None,
    color_map: dict | None = None,
    stacked: bool = False,
) -> go.Figure:
    fig = px.bar(
        df,
        x=x,
        y=y,
        color=color,
        barmode="relative" if stacked else "group",
        color_discrete_map=color_map,
    )
    fig.update_yaxes(title=y_title)
    fig.update_xaxes(title="")
    return _style(fig, title)


def band(
    df,
    x: str,
    y: str,
    low: str,
    high: str,
    y_title: str,
    name: str,
    band_name: str,
    title: str | None = None,
) -> go.Figure:
    fig = go.Figure(
        [
            go.Scatter(
                x=df[x],
                y=df[high],
                mode="lines",
                line={"width": 0},
                showlegend=False,
                hoverinfo="skip",
            ),
            go.Scatter(
                x=df[x],
                y=df[low],
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor="rgba(46,139,87,0.2)",
                name=band_name,
            ),
            go.Scatter(
                x=df[x], y=df[y], mode="lines+markers", line={"color": "#2E8B57"}, name=name
            ),
        ]
    )
    fig.update_yaxes(title=y_title, rangemode="tozero")
    fig.update_xaxes(title="", dtick=1 if len(df) < 25 else None)
    return _style(fig, title)
