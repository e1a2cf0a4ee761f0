"""Where a long job stands, on stderr: phases with the elapsed time, bars for runs of similar steps, one line per
Benders iteration, sizing step and sweep point; HiGHS's own log when verbose. ``--quiet`` silences all of it.

One reporter per process, configured once by the command line (:func:`configure`); library call sites are
one-liners::

    from gzpower import progress

    with progress.phase("[2030] solving the plan fleet over 48 h"):
        ...
    progress.say("step 3: 120 MW -> 4.2 MWh unserved")
    for x in progress.bar(items, "counterfactuals", unit="run"):
        ...

The library is silent until configured: tests and the Python API print nothing unless they ask.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class _State:
    enabled: bool = False
    verbose: bool = False
    started: float = 0.0
    stream: object = None


_STATE = _State(started=time.perf_counter())


def configure(quiet: bool = False, verbose: bool = False, stream=None) -> None:
    """Turn reporting on (``quiet=False``) or off, and HiGHS's log with ``verbose``; restarts the clock."""
    _STATE.enabled = not quiet
    _STATE.verbose = bool(verbose) and not quiet
    _STATE.started = time.perf_counter()
    _STATE.stream = stream


def enabled() -> bool:
    return _STATE.enabled


def verbose() -> bool:
    """True when HiGHS should print its own log to the console (``--verbose``)."""
    return _STATE.verbose


def _out():
    return _STATE.stream or sys.stderr


def elapsed() -> float:
    return time.perf_counter() - _STATE.started


def say(text: str) -> None:
    """One progress line, stamped with the time since the job started."""
    if _STATE.enabled:
        from tqdm import tqdm

        tqdm.write(f"[{elapsed():7.1f} s] {text}", file=_out())  # above any bar that is running


@contextmanager
def phase(text: str) -> Iterator[None]:
    """A phase: ``text ...`` when it starts, ``text: done in X s`` when it ends."""
    t = time.perf_counter()
    say(f"{text} ...")
    yield
    say(f"{text}: done in {time.perf_counter() - t:.1f} s")


def bar(
    iterable: Iterable | None = None, desc: str = "", total: int | None = None, unit: str = "it", quiet: bool = False
):
    """A tqdm bar on stderr, disabled when quiet (the job's setting, or ``quiet`` for this bar)."""
    from tqdm import tqdm

    disable = quiet or not _STATE.enabled
    return tqdm(iterable, desc=desc, total=total, unit=unit, disable=disable, file=_out(), dynamic_ncols=True)


def benders_iteration(it) -> None:
    """The Benders callback: one line per iteration with both bounds and the gap (million CNY)."""
    say(
        f"Benders iteration {it.iteration + 1}: F(K) {it.value:,.3f}, upper bound {it.upper_bound:,.3f}, "
        f"lower bound {it.lower_bound:,.3f}, gap {it.gap:.2e} ({it.seconds_dispatch:.1f} s dispatch"
        f"{', warm' if it.warm_start else ''})"
    )
