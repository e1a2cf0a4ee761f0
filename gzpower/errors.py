"""Errors that end a command with one readable line and a non-zero exit status.

Bad input is the user's to fix, so it never surfaces as a traceback: :class:`InputError` carries the file, row
and column, and the CLI prints ``str(err)`` and exits with status 2.
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_INPUT = 2
EXIT_SOLVE = 3
EXIT_INTERNAL = 4  # a defect of gzpower itself: one line on the terminal, the traceback in a log file


@dataclass
class InputError(Exception):
    """A defect in an input file: where it is and what is wrong."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"error: {', '.join(where)}: {self.message}"


class SolveError(Exception):
    """The solver did not return a usable solution (infeasible, unbounded, error)."""
