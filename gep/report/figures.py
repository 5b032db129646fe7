"""Chart images for reports and downloads (matplotlib, no screen, CJK font embedded).

Every figure carries its title (what, where, when), the unit on the value axis, and a source
line at the bottom; values are grouped the Chinese way (``12,345.67``), never ``k``/``M``.
Bars start at zero. :func:`to_bytes` gives PNG or SVG.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from .fonts import matplotlib_font_family  # noqa: E402

CATEGORY_COLORS = {
    "material": "#E0A526",
    "regulating": "#2E8B57",
    "cultural": "#4C72B0",
    "supporting": "#8C8C8C",
}


def group_digits(v: float, digits: int = 2) -> str:
    """``1234567.891`` → ``1,234,567.89`` (no k/M abbreviations)."""
    if v is None or not math.isfinite(v):
        return "—"
    return f"{v:,.{digits}f}"


def _axis_digits(values: Sequence[float]) -> int:
    finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
    top = max(finite, default=0.0)
    return 0 if top >= 100 else (1 if top >= 10 else 2)


def _new(title: str, source: str, size=(8.0, 4.6)) -> tuple[Figure, plt.Axes]:
    family = matplotlib_font_family()
    fig = Figure(figsize=size, dpi=150)
    fig.set_layout_engine("constrained")
    ax = fig.add_subplot()
    fig.suptitle(title, fontsize=12, fontfamily=family, fontweight="bold")
    fig.text(
        0.01,
        0.005,
        source,
        fontsize=7,
        color="#555555",
        fontfamily=family,
        ha="left",
        va="bottom",
        wrap=True,
    )
    return fig, ax


def _finish(fig: Figure, ax: plt.Axes, unit: str, values: Sequence[float], axis: str = "y") -> None:
    family = matplotlib_font_family()
    digits = _axis_digits(values)
    fmt = FuncFormatter(lambda v, _pos: f"{v:,.{digits}f}")
    if axis == "y":
        ax.yaxis.set_major_formatter(fmt)
        ax.set_ylabel(unit, fontfamily=family)
    else:
        ax.xaxis.set_major_formatter(fmt)
        ax.set_xlabel(unit, fontfamily=family)
    for lab in ax.get_xticklabels() + ax.get_yticklabels():
        lab.set_fontfamily(family)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis=axis, color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)
    fig.get_layout_engine().set(rect=(0, 0.04, 1, 0.96))


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    title: str,
    unit: str,
    source: str,
    colors: Sequence[str] | str = "#2E8B57",
    horizontal: bool = True,
    value_fmt: str = ",.2f",
    suffix: str = "",
) -> Figure:
    """Bars from zero with their value printed at the end (``suffix`` e.g. ``倍``)."""
    fig, ax = _new(
        title, source, size=(8.0, max(3.2, 0.42 * len(labels) + 1.6)) if horizontal else (8.0, 4.6)
    )
    family = matplotlib_font_family()
    vals = [0.0 if (v is None or not math.isfinite(v)) else float(v) for v in values]
    if horizontal:
        bars = ax.barh(list(labels), vals, color=colors)
        ax.invert_yaxis()
        ax.set_xlim(left=min(0.0, min(vals, default=0.0)))
        ax.set_xlim(right=max(vals, default=1.0) * 1.18 or 1.0)
    else:
        bars = ax.bar(list(labels), vals, color=colors)
        ax.set_ylim(bottom=min(0.0, min(vals, default=0.0)))
        ax.set_ylim(top=max(vals, default=1.0) * 1.15 or 1.0)
    ax.bar_label(
        bars,
        labels=[
            ("—" if (v is None or not math.isfinite(v)) else format(v, value_fmt) + suffix)
            for v in values
        ],
        padding=3,
        fontsize=8,
        fontfamily=family,
    )
    _finish(fig, ax, unit, vals, axis="x" if horizontal else "y")
    return fig


def line_chart(
    x: Sequence[int],
    series: dict[str, Sequence[float]],
    title: str,
    unit: str,
    source: str,
    colors: dict[str, str] | None = None,
) -> Figure:
    """Lines over years, value axis from zero."""
    fig, ax = _new(title, source)
    family = matplotlib_font_family()
    allv: list[float] = []
    for name, ys in series.items():
        ax.plot(list(x), list(ys), marker="o", label=name, color=(colors or {}).get(name))
        allv += [float(v) for v in ys if v is not None and math.isfinite(v)]
    ax.set_ylim(bottom=0, top=max(allv, default=1.0) * 1.12 or 1.0)
    ax.set_xticks(list(x))
    ax.legend(prop={"family": family, "size": 8}, frameon=False)
    _finish(fig, ax, unit, allv)
    return fig


def stacked_bar_chart(
    x: Sequence[str],
    stacks: dict[str, Sequence[float]],
    title: str,
    unit: str,
    source: str,
    colors: dict[str, str] | None = None,
) -> Figure:
    """Stacked bars from zero (e.g. categories per year)."""
    fig, ax = _new(title, source)
    family = matplotlib_font_family()
    bottom = [0.0] * len(x)
    for name, ys in stacks.items():
        vals = [0.0 if (v is None or not math.isfinite(v)) else float(v) for v in ys]
        ax.bar([str(v) for v in x], vals, bottom=bottom, label=name, color=(colors or {}).get(name))
        bottom = [a + b for a, b in zip(bottom, vals, strict=True)]
    ax.set_ylim(bottom=0, top=max(bottom, default=1.0) * 1.12 or 1.0)
    ax.legend(prop={"family": family, "size": 8}, frameon=False, ncols=min(4, len(stacks)))
    _finish(fig, ax, unit, bottom)
    return fig


def to_bytes(fig: Figure, fmt: str = "png") -> bytes:
    """The figure as PNG (150 dpi) or SVG (text as paths, so it shows without the font)."""
    if fmt not in ("png", "svg"):
        raise ValueError(fmt)
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "path"}):
        fig.savefig(buf, format=fmt)
    return buf.getvalue()
