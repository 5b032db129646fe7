"""Errors that reach users.

Bad input is never guessed around: loaders collect *every* problem they find into an
:class:`InputError`, each naming the file, row and field, and the CLI turns it into a message
and exit code 2.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input.

    ``row`` is the 1-based line number in a CSV file (header = line 1), the sheet row in an
    XLSX file, or ``None`` for whole-file problems; ``field`` is the column or YAML key.
    """

    file: str
    message: str
    row: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "field": self.field, "message": self.message}


class InputError(Exception):
    """One or more problems with user input (files, overrides, options)."""

    def __init__(self, problems: list[Problem] | Problem | str, file: str = "<input>"):
        if isinstance(problems, str):
            problems = [Problem(file=file, message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__(self._text())

    def _text(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found:"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


class MissingCoefficientError(InputError):
    """A coefficient (or table keys of one) needed by the account is not in the set."""
