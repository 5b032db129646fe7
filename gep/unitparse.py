"""Safe parsing of unit strings and amounts-with-unit typed by users.

pint's own parser evaluates its input as an arithmetic expression: ``9**9**9*hectare`` makes
it compute a number with hundreds of millions of digits and hang the process (issue 16). Every
unit string that comes from a user (inventory files, coefficient files, ``--set``, scenario
YAML, carbon CLI options, dashboard uploads and inputs) goes through this module instead.

The grammar is deliberately small::

    unit    := product
    product := power ( ('*' | '/' | '·' | whitespace) power )*
    power   := atom ( ('**' | '^') signed_int | superscripts )?
    atom    := NAME | '1' | '%' | '(' product ')'

* ``NAME`` is a registry unit name (prefixes and the project's aliases such as ``CNY``,
  ``万元``, ``亿元``, ``亩``, ``tCO2e`` included) — letters, digits after the first letter,
  underscores;
* an exponent is an integer with ``|n| ≤ 4``; the only number allowed outside an exponent is
  the ``1`` of ``1 / year``;
* at most :data:`MAX_UNIT_LENGTH` characters, :data:`MAX_TOKENS` tokens and
  :data:`MAX_DEPTH` nested parentheses.

The unit is then built by multiplying registry units — no text ever reaches pint's expression
evaluator. Amounts (``7500mu``, ``70 CNY/tCO2e``) are a plain decimal number followed by such a
unit; the number must be finite (``1e999`` is refused, not turned into ``inf``), written with
ASCII digits (full-width ``７５００`` is refused) and without thousands separators or decimal
commas (``1,5`` is refused rather than read as 15).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import pint

from .errors import InputError, Problem

MAX_UNIT_LENGTH = 100
MAX_AMOUNT_LENGTH = 140
MAX_TOKENS = 40
MAX_DEPTH = 4
MAX_POWER = 4

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<pow>\*\*|\^)
  | (?P<op>[*/·⋅])
  | (?P<lpar>\()
  | (?P<rpar>\))
  | (?P<sup>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)
  | (?P<int>[+-]?[0-9]+)
  | (?P<pct>%)
  | (?P<name>[^\W\d](?:(?![⁰¹²³⁴⁵⁶⁷⁸⁹])\w)*)
    """,
    re.VERBOSE,
)
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_NUMBER_RE = re.compile(
    r"^(?P<num>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?)(?P<rest>.*)$",
    re.DOTALL,
)


class UnitError(InputError, ValueError):
    """A unit or amount string that is not allowed; an :class:`InputError` (CLI exit 2).

    Also a ``ValueError`` so older callers that catch ``ValueError`` keep working. ``str()`` is
    the one-line message (with the field, when the caller named it).
    """

    def __init__(
        self,
        text: str,
        reason: str,
        field: str | None = None,
        file: str = "<input>",
        what: str = "unit",
    ):
        shown = text if len(text) <= 60 else text[:57] + "..."
        self.text = text
        self.reason = reason
        message = f"{what} {shown!r} cannot be parsed: {reason} / 无法解析"
        super().__init__(Problem(file, message, field=field))
        self.args = (str(self.problems[0]) if field or file != "<input>" else message,)

    def __str__(self) -> str:
        return self.args[0]


def _registry():
    from .units import ureg

    return ureg


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if m is None:
            raise ValueError(f"character {text[pos]!r} is not allowed in a unit")
        pos = m.end()
        kind = m.lastgroup
        if kind == "ws":
            continue
        tokens.append((kind, m.group()))
        if len(tokens) > MAX_TOKENS:
            raise ValueError(f"more than {MAX_TOKENS} parts")
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.i = 0
        self.ureg = _registry()

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def product(self, depth: int):
        result = self.power(depth)
        while True:
            tok = self.peek()
            if tok is None or tok[0] == "rpar":
                return result
            if tok[0] == "op":
                self.take()
                rhs = self.power(depth)
                result = result / rhs if tok[1] == "/" else result * rhs
            elif tok[0] in ("name", "lpar", "int", "pct"):  # juxtaposition: "kg m"
                result = result * self.power(depth)
            else:
                raise ValueError(f"unexpected {tok[1]!r}")

    def power(self, depth: int):
        base = self.atom(depth)
        tok = self.peek()
        if tok is None:
            return base
        if tok[0] == "pow":
            self.take()
            exp_tok = self.peek()
            if exp_tok is None or exp_tok[0] != "int":
                raise ValueError(f"'{tok[1]}' must be followed by a small integer")
            self.take()
            return base ** self._exponent(exp_tok[1])
        if tok[0] == "sup":
            self.take()
            return base ** self._exponent(tok[1].translate(_SUPERSCRIPTS))
        return base

    @staticmethod
    def _exponent(text: str) -> int:
        if len(text) > 3:
            raise ValueError(f"exponent {text} is not a small integer")
        n = int(text)
        if abs(n) > MAX_POWER:
            raise ValueError(f"exponent {n} is outside -{MAX_POWER}..{MAX_POWER}")
        return n

    def atom(self, depth: int):
        if self.peek() is None:
            raise ValueError("incomplete unit")
        kind, text = self.take()
        if kind == "lpar":
            if depth >= MAX_DEPTH:
                raise ValueError(f"more than {MAX_DEPTH} nested parentheses")
            inner = self.product(depth + 1)
            if self.peek() is None or self.peek()[0] != "rpar":
                raise ValueError("unbalanced parentheses")
            self.take()
            return inner
        if kind == "int":
            if text != "1":
                raise ValueError(
                    f"numbers are not allowed in a unit (found {text!r}); only the 1 of 1/year"
                )
            return self.ureg.dimensionless
        if kind == "pct":
            return self.ureg.Unit("percent")
        if kind == "name":
            if text == "dimensionless":
                return self.ureg.dimensionless
            if not self.ureg.parse_unit_name(text):
                raise ValueError(f"'{text}' is not a known unit")
            return self.ureg.Unit(text)
        raise ValueError(f"unexpected {text!r}")


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> pint.Unit:
    tokens = _tokenize(text)
    if not tokens:
        return _registry().dimensionless
    parser = _Parser(tokens)
    unit = parser.product(0)
    if parser.peek() is not None:
        raise ValueError(f"unexpected {parser.peek()[1]!r}")
    if isinstance(unit, pint.Quantity):  # e.g. "1 / year" on some pint versions
        unit = unit.units
    return unit


def safe_unit(text: object, field: str | None = None, file: str = "<input>") -> pint.Unit:
    """Parse a unit string with the bounded grammar above.

    Parameters
    ----------
    text : str or pint.Unit
        The unit as typed (``"CNY / m ** 3"``, ``"万元/亩"``, ``"km²"``, ``"tCO2e/ha/a"``).
    field : str, optional
        Where the text came from (``--area``, ``unit``), named in the error.
    file : str
        File the text came from, named in the error.

    Returns
    -------
    pint.Unit

    Raises
    ------
    UnitError
        Anything outside the grammar: arithmetic (``9**9**9*ha``), numbers, unknown names,
        exponents beyond ±4, more than :data:`MAX_UNIT_LENGTH` characters.
    """
    if isinstance(text, pint.Unit):
        return text
    s = str(text).strip()
    if len(s) > MAX_UNIT_LENGTH:
        raise UnitError(s, f"longer than {MAX_UNIT_LENGTH} characters", field, file)
    try:
        return _parse_cached(s)
    except ValueError as exc:
        raise UnitError(s, str(exc), field, file) from None
    except (pint.errors.PintError, AttributeError, TypeError, RecursionError) as exc:
        raise UnitError(s, f"not a unit ({type(exc).__name__})", field, file) from None


def parse_amount(
    text: object,
    field: str | None = None,
    file: str = "<input>",
    *,
    allow_bare: bool = True,
) -> tuple[float, pint.Unit | None]:
    """Split ``"7500mu"`` / ``"70 CNY/tCO2e"`` / ``"1.5e3"`` into a finite number and a unit.

    The unit is ``None`` for a bare number (refused unless ``allow_bare``). Full-width digits,
    decimal commas, thousands separators, ``nan``/``inf`` and numbers that overflow are refused.
    """
    s = str(text).strip()
    if len(s) > MAX_AMOUNT_LENGTH:
        raise UnitError(s, f"longer than {MAX_AMOUNT_LENGTH} characters", field, file, "amount")
    m = _NUMBER_RE.match(s)
    if m is None:
        raise UnitError(
            s,
            "not a quantity with a unit: write a plain number then a unit, e.g. 7500mu or 70 "
            "CNY/tCO2e (ASCII digits, '.' as decimal point, no thousands separators)",
            field,
            file,
            "amount",
        )
    number = float(m.group("num"))
    if not math.isfinite(number):
        raise UnitError(s, f"the number {m.group('num')} is too large", field, file, "amount")
    rest = m.group("rest").strip()
    if rest and rest[0] in ",，":
        raise UnitError(
            s, "use '.' as the decimal point and no thousands separators", field, file, "amount"
        )
    if rest and rest[0] in "0123456789.eE":
        raise UnitError(s, "not a plain number", field, file, "amount")
    if not rest:
        if not allow_bare:
            raise UnitError(s, "needs a unit (e.g. 7500mu, 500 ha)", field, file, "amount")
        return number, None
    try:
        return number, safe_unit(rest, field, file)
    except UnitError as exc:
        raise UnitError(s, f"its unit: {exc.reason}", field, file, "amount") from None


def parse_quantity(
    text: object, field: str | None = None, file: str = "<input>", *, allow_bare: bool = True
) -> pint.Quantity:
    """:func:`parse_amount` as a pint Quantity (bare numbers dimensionless)."""
    number, unit = parse_amount(text, field, file, allow_bare=allow_bare)
    ureg = _registry()
    return ureg.Quantity(number, unit if unit is not None else ureg.dimensionless)
