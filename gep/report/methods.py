"""Method notes of each indicator, read from the formula functions' numpydoc (no I/O).

An indicator declares the pure formula functions it applies (``formulas=`` at registration,
``Indicator.formulas()``); their docstrings hold the equation (``Notes`` → ``.. math::``) and
their module's docstring the numbered references. :func:`method_notes` collects them, so the report
and the 方法说明 page show exactly what the code computes, never a copy of it.
"""

from __future__ import annotations

import functools
import inspect
import re
import sys
from dataclasses import dataclass, field

from ..indicators import Indicator

_MATH = re.compile(r"\.\. math::\s*\n?(.*?)(?:\n\s*\n|\Z)", re.S)
_INLINE_MATH = re.compile(r":math:`([^`]+)`")
_REF = re.compile(r"^\s*\.\.\s*\[(\d+)\]\s*(.+?)(?=^\s*\.\.\s*\[\d+\]|\Z)", re.S | re.M)
#: remarks pointing at the project's own notes ("(gep_indicators.md §0)"): not a citation
_INTERNAL_NOTE = re.compile(r"\s*\([^()]*\.md\b[^()]*\)")


@dataclass
class Formula:
    """One formula function: name, first docstring line, equations (LaTeX) and parameters."""

    name: str
    summary: str
    equations: list[str] = field(default_factory=list)
    parameters: list[str] = field(default_factory=list)


@dataclass
class MethodNote:
    """What the report says about one indicator's method."""

    indicator: Indicator
    formulas: list[Formula]
    references: dict[str, str]

    def cited(self, lang: str = "en") -> list[tuple[str, str]]:
        """The references the indicator's ``reference`` field cites, as (number, text); in
        Chinese without the English remarks the docstrings add (the citation itself stays)."""
        nums = re.findall(r"\[(\d+)\]", self.indicator.reference)
        return [
            (n, reference_text(self.references[n], lang))
            for n in dict.fromkeys(nums)
            if n in self.references
        ]


_ASCII_REMARK = re.compile(r"\s*\((?=[^()]*[A-Za-z])[ -~]*\)")
_ASCII_TAIL = re.compile(r"\s+—\s+[ -~]*$")


def reference_text(text: str, lang: str = "zh") -> str:
    """A citation for ``lang``: in Chinese, English remarks in brackets or after a dash are
    dropped when the citation itself is Chinese; in English, the Chinese titles are followed by
    their English gloss or English title (:mod:`gep.report.glosses`)."""
    if lang != "zh":
        from .glosses import glossed

        return glossed(text, lang)
    if not re.search(r"[\u4e00-\u9fff]", text):
        return text
    out = _ASCII_TAIL.sub("", _ASCII_REMARK.sub("", text))
    return out.rstrip(" ;,") + ("" if out.endswith(".") else "")


def _section(doc: str, name: str) -> str:
    """Text of a numpydoc section (``Notes``, ``Parameters``…) up to the next one."""
    m = re.search(
        rf"^\s*{name}\s*\n\s*-+\s*\n(.*?)(?=^\s*[A-Z][a-z]+\s*\n\s*-+\s*\n|\Z)", doc, re.S | re.M
    )
    return m.group(1) if m else ""


def parse_formula(func) -> Formula | None:
    """The :class:`Formula` of a documented function; None when it documents no equation."""
    doc = inspect.getdoc(func) or ""
    if not doc:
        return None
    summary = doc.strip().splitlines()[0].strip()
    eqs = [" ".join(m.group(1).split()) for m in _MATH.finditer(_section(doc, "Notes"))]
    eqs += [m.group(1) for m in _INLINE_MATH.finditer(summary)]
    summary = _INLINE_MATH.sub(lambda m: m.group(1), summary)
    params = [
        " ".join(line.split())
        for line in _section(doc, "Parameters").splitlines()
        if re.match(r"^\S+\s*:", line)
    ]
    if not eqs:
        return None
    return Formula(func.__name__, summary, eqs, params)


@functools.cache
def module_references(module_name: str) -> dict[str, str]:
    """Numbered references ``.. [n] text`` of a module docstring."""
    mod = sys.modules.get(module_name)
    doc = inspect.getdoc(mod) or "" if mod is not None else ""
    return {
        n: _INTERNAL_NOTE.sub("", " ".join(t.split())).rstrip(" ;,—")
        for n, t in _REF.findall(_section(doc, "References") or doc)
    }


def method_note(ind: Indicator) -> MethodNote:
    """The formulas the indicator declares (``Indicator.formulas()``, the same declarations
    :meth:`~gep.indicators.Indicator.equation` and ``gep explain`` read), with the numbered
    references of the module that defines them."""
    funcs = [inspect.unwrap(f) for f in ind.formulas()]
    formulas = [f for f in map(parse_formula, funcs) if f is not None]
    module = funcs[0].__module__ if funcs else _quantify_function(ind).__module__
    return MethodNote(ind, formulas, module_references(module))


def _quantify_function(ind: Indicator):
    fn = ind.quantify
    while isinstance(fn, functools.partial):
        fn = fn.func
    return inspect.unwrap(fn)


def latex_to_text(eq: str) -> str:
    """A LaTeX equation as plain text for Word/PDF (``\\times`` → ×, ``Q_{wr}`` → Q_wr)."""
    s = eq
    for a, b in (
        ("\\times", "×"),
        ("\\cdot", "·"),
        ("\\max", "max"),
        ("\\min", "min"),
        ("\\sum", "Σ"),
        ("\\Delta", "Δ"),
        ("\\lambda", "λ"),
        ("\\rho", "ρ"),
        ("\\eta", "η"),
        ("\\alpha", "α"),
        ("\\beta", "β"),
        ("\\le", "≤"),
        ("\\ge", "≥"),
        ("\\left", ""),
        ("\\right", ""),
        ("\\,", " "),
        ("\\;", " "),
        ("\\text", ""),
        ("\\mathrm", ""),
    ):
        s = s.replace(a, b)
    s = re.sub(r"_\{([^{}]*)\}", r"_\1", s)
    s = re.sub(r"\^\{([^{}]*)\}", r"^\1", s)
    s = re.sub(r"\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", r"(\1)/(\2)", s)
    s = s.replace("{", "").replace("}", "").replace("\\", "")
    return " ".join(s.split())
