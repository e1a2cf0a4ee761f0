"""Errors that end a command with one readable line and a non-zero exit status.

Bad input is the user's to fix, so it never surfaces as a traceback: :class:`InputError` carries the file, row
and column, and the CLI prints ``str(err)`` and exits with status 2.
"""

from __future__ import annotations

import logging
import sys
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


class _NotWhileInterrupted(logging.Filter):
    """Drops a log record made while an interrupt unwinds (Pyomo logs "Constructing component ... failed:
    KeyboardInterrupt" when Ctrl-C or SIGTERM lands in a model's construction; the command's own one line says
    what happened)."""

    def filter(self, record: logging.LogRecord) -> bool:
        active = sys.exc_info()[0]
        return active is None or issubclass(active, Exception)


#: the loggers Pyomo's model construction writes to (a logger's filters see only its own records)
PYOMO_LOGGERS = ("pyomo", "pyomo.core")


def quiet_when_interrupted(logger_names: tuple[str, ...] = PYOMO_LOGGERS) -> None:
    """Install :class:`_NotWhileInterrupted` on those loggers (once each)."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _NotWhileInterrupted) for f in logger.filters):
            logger.addFilter(_NotWhileInterrupted())
