"""Where HiGHS writes its log while it solves: a temporary file, read into the run's ``highs.log`` and removed.

Inside an open run folder (:func:`gzpower.results.folder.run_folder` calls :func:`logs_in`) the file is made in
that folder's temporary directory, so a run killed outright (SIGKILL, out of memory), which runs no cleanup of
its own, leaves no log behind either: the folder's janitor removes the directory, log included. Outside a run
folder (a solve in memory, a cold counterfactual in a worker process) it goes to the system's temporary directory
and is removed by the solve's own cleanup.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

_FOLDER: ContextVar[Path | None] = ContextVar("gzpower_highs_log_folder", default=None)


@contextmanager
def logs_in(folder: Path) -> Iterator[None]:
    """HiGHS logs made within the block go into ``folder`` (an open run folder's temporary directory)."""
    token = _FOLDER.set(Path(folder))
    try:
        yield
    finally:
        _FOLDER.reset(token)


def attach_log(highs, prefix: str) -> str:
    """Send a HiGHS instance's log to a new temporary file (read and removed by :func:`read_log`)."""
    log_fd, log_path = tempfile.mkstemp(prefix=prefix, suffix=".log", dir=_FOLDER.get())
    os.close(log_fd)
    highs.setOptionValue("log_file", log_path)
    return log_path


def read_log(path: str) -> str:
    """The log's text; the file is removed."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    finally:
        os.unlink(path)
