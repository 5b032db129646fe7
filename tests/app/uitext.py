"""Collect every piece of text a page shows (AppTest element tree), for language checks."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pandas as pd

#: code identifiers: dotted ids, kebab/snake ids, e.g. ndrc-2022, stock-difference, regulating.x
IDENT = re.compile(r"(?<![\w/.:@])[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)+(?![\w/])")
#: columns that show free text exactly as written in a data file (a row's source citation)
FREE_TEXT_COLUMNS = {"来源", "Source"}
#: columns that show a code exactly as a user types it in a YAML file or on the command line
#: (the coefficient id beside its description in words)
CODE_COLUMNS = {"系数代码", "Coefficient id"}
LEAK_WORDS = re.compile(r"(?<![A-Za-z])(None|nan|NaN|null|True|False)(?![A-Za-z])")


class _HtmlText(HTMLParser):
    """The text an ``st.html`` body shows: character data outside <style>/<script> (tag
    names, class names and inline CSS are markup, not text on the page)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("style", "script"):
            self._hidden += 1

    def handle_endtag(self, tag) -> None:
        if tag in ("style", "script") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def html_text(body: str) -> str:
    parser = _HtmlText()
    parser.feed(body)
    parser.close()
    return " ".join(parser.parts)


def _walk(node, out: list[tuple[str, str]]) -> None:
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            _walk(child, out)
        if getattr(node, "type", "") in ("expandable", "tab"):
            label = getattr(node, "label", None) or getattr(
                getattr(node, "proto", None), "label", ""
            )
            if label:
                out.append(("container", str(label)))
        return
    kind = type(node).__name__
    for attr in ("value", "label", "body"):
        if attr == "value" and kind in (
            "NumberInput",
            "Slider",
            "DateInput",
            "Checkbox",
            "Toggle",
            "Selectbox",
            "Radio",
            "ButtonGroup",
            "Multiselect",
            "SelectSlider",
            "TextInput",
        ):  # raw values: what is shown is the (formatted) options
            continue
        try:
            v = getattr(node, attr)
        except Exception:  # some elements raise for attributes they do not have
            continue
        if isinstance(v, str) and v:
            if v.startswith("$$") and v.rstrip().endswith("$$"):
                continue  # an equation (st.latex): its symbols are mathematics, not ids
            if kind == "Html":
                v = html_text(v)
                if not v:
                    continue
            out.append((kind, v))
        elif isinstance(v, pd.DataFrame) and kind in ("Dataframe", "Table"):
            out.append((kind, " | ".join(map(str, v.columns))))
            for col in v.columns:
                if str(col) in FREE_TEXT_COLUMNS | CODE_COLUMNS:
                    continue
                if v[col].dtype == object or pd.api.types.is_string_dtype(v[col]):
                    out.extend((kind, str(x)) for x in v[col].tolist() if x is not None)
    opts = getattr(node, "options", None)
    if isinstance(opts, list | tuple):
        out.extend((kind, str(o)) for o in opts)
    if kind == "PlotlyChart" or getattr(node, "type", "") == "plotly_chart":
        spec = json.loads(node.proto.spec)
        lay = spec.get("layout", {})
        out.append((kind, str(lay.get("title", {}).get("text", ""))))
        for ax in ("xaxis", "yaxis"):
            t = lay.get(ax, {}).get("title", {})
            if isinstance(t, dict) and t.get("text"):
                out.append((kind, str(t["text"])))
        for tr in spec.get("data", []):
            if tr.get("name"):
                out.append((kind, str(tr["name"])))
            if tr.get("type") == "bar" or tr.get("type") == "scatter":
                for k in ("x", "y"):
                    vals = tr.get(k)
                    if isinstance(vals, list):
                        out.extend((kind, v) for v in vals if isinstance(v, str))


def visible_text(at) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    _walk(at._tree, out)
    return out


def leaks(
    texts: list[tuple[str, str]], allowed: set[str] = frozenset()
) -> list[tuple[str, str, str]]:
    """(element kind, text, offending token) for ids and None/nan in the texts."""
    bad = []
    for kind, s in texts:
        for m in IDENT.finditer(s):
            tok = m.group(0)
            if tok not in allowed and not re.fullmatch(
                r"[a-z][a-z0-9_-]*\.(csv|xlsx|json|yaml|geojson|pdf|docx|png|svg|md)", tok
            ):  # a file name (a reference note cited by name, a download)
                bad.append((kind, s[:120], tok))
        for m in LEAK_WORDS.finditer(s):
            bad.append((kind, s[:120], m.group(0)))
    return bad
