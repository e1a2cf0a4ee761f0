"""Run folders: written into a hidden temporary folder and renamed into place only when complete.

A folder under ``runs/`` is therefore always a finished run; a failed or interrupted run leaves nothing behind
(the temporary folder is removed on any exception, KeyboardInterrupt and SIGTERM included, and by a small janitor
process when the run is killed outright; the run's temporary HiGHS logs are made inside that folder, so they go
with it: :mod:`gzpower.solve.logs`). Two runs started at the same moment get distinct names (timestamp + random
suffix, and ``os.rename`` refuses to clobber).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import asdict, fields
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from gzpower import __version__
from gzpower.errors import InputError
from gzpower.solve.logs import logs_in


def file_hashes(data_dir: Path) -> dict[str, str]:
    data_dir = Path(data_dir)
    out = {}
    for path in sorted(data_dir.rglob("*")):
        if path.is_file() and path.suffix in (".csv", ".parquet"):
            out[str(path.relative_to(data_dir))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def versions() -> dict[str, str]:
    return {
        "gzpower": __version__,
        "pyomo": version("pyomo"),
        "highspy": version("highspy"),
        "pandas": version("pandas"),
        "python": platform.python_version(),
    }


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


# The janitor: a tiny process that waits for the end of our pipe and then removes the temporary folder. A run
# killed outright (SIGKILL, out of memory) runs no cleanup of its own; its pipe closes all the same.
_JANITOR = (
    "import shutil, signal, sys\n"
    "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
    "sys.stdin.buffer.read()\n"
    "shutil.rmtree(sys.argv[1], ignore_errors=True)\n"
)
JANITOR_WAIT_S = 5.0  # how long a finished run waits for its janitor to go (it exits at once: its pipe closed)


def _start_janitor(tmp: Path) -> subprocess.Popen | None:
    try:
        return subprocess.Popen(
            [sys.executable, "-S", "-c", _JANITOR, str(tmp)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # out of the terminal's process group: Ctrl-C is the run's, not the janitor's
        )
    except OSError:  # no janitor: an ordinary failure still cleans up below, only a SIGKILL would leave the folder
        return None


def _stop_janitor(janitor: subprocess.Popen | None) -> None:
    if janitor is None:
        return
    janitor.stdin.close()
    try:
        janitor.wait(JANITOR_WAIT_S)
    except subprocess.TimeoutExpired:
        janitor.kill()


@contextmanager
def run_folder(runs_dir: Path, name: str):
    """Yield a temporary folder; on success rename it to ``runs_dir/<UTC time>-<name>-<id>``."""
    runs_dir = Path(runs_dir)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    final = runs_dir / f"{stamp}-{name}-{secrets.token_hex(3)}"
    tmp = runs_dir / f".tmp-{final.name}"
    try:  # before any solve: a runs folder that cannot be written is bad input, found at once
        runs_dir.mkdir(parents=True, exist_ok=True)
        tmp.mkdir()
    except OSError as exc:
        raise InputError(str(runs_dir), f"cannot write run folders here ({exc.strerror or exc})") from None
    janitor = None
    # SIGTERM, and SIGINT even when the parent started us with it ignored (a background job in a script),
    # both raise KeyboardInterrupt while a run folder is open
    previous: dict = {}
    try:
        # a signal can land while the janitor starts (a worker ended right after it made the folder, which is
        # when a test that waits for the folder sends it): the folder goes with the exception
        janitor = _start_janitor(tmp)
        try:
            for signum, handler in (
                (signal.SIGTERM, _raise_keyboard_interrupt),
                (signal.SIGINT, signal.default_int_handler),
            ):
                previous[signum] = signal.getsignal(signum)
                signal.signal(signum, handler)
        except ValueError:  # not the main thread: signal handling stays as it was
            previous = {}
        holder = {"path": tmp, "final": final}
        with logs_in(tmp):  # a killed run's HiGHS logs go with its folder (the janitor's)
            yield holder
        os.rename(tmp, final)
        holder["path"] = final
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        _stop_janitor(janitor)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def scenario_record(sc) -> dict:
    """A scenario as plain JSON: ``asdict`` except the myopic ``inherited`` map, whose (tech, bus) tuple keys JSON
    cannot hold, written as a list of ``[tech, bus, MW]`` rows. :func:`scenario_from_record` reverses it."""
    record = asdict(sc)
    record["inherited"] = [[tech, bus, float(mw)] for (tech, bus), mw in sorted(sc.inherited.items())]
    record["plan"] = sc.plan.record() if getattr(sc, "plan", None) else None  # the plan file: content and hash
    return record


def scenario_from_record(record: dict):
    """The :class:`~gzpower.model.data.Scenario` a manifest's ``scenario`` entry describes (unknown keys refused)."""
    from gzpower.scenario.scenario import Scenario

    known = {f.name for f in fields(Scenario)}
    unknown = sorted(set(record) - known)
    if unknown:
        raise ValueError(f"scenario fields unknown to this gzpower version: {', '.join(unknown)}")
    values = dict(record)
    # a manifest written before the province boundary ran at the fixed price, its import scale on supply too
    values.setdefault("boundary", "fixed_price")
    values.setdefault("import_supply_scale", values.get("import_scale", 1.0))
    inherited = values.get("inherited") or []
    if isinstance(inherited, dict):  # older manifests (asdict) could only hold an empty map
        inherited = []
    values["inherited"] = {(tech, bus): float(mw) for tech, bus, mw in inherited}
    if values.get("plan"):
        from gzpower.scenario.plan import PlanOverrides

        values["plan"] = PlanOverrides.from_record(values["plan"])
    check_record_types(Scenario, values, "scenario")
    defaults = Scenario(year=values["year"], mode=values["mode"])
    for name, value in values.items():  # JSON turns tuples into lists: restore the field's type
        if isinstance(getattr(defaults, name, None), tuple) and isinstance(value, list):
            values[name] = tuple(value)
    return Scenario(**values)


_NUMBER_TYPES = {"int": (int,), "float": (int, float)}


def check_record_types(cls, record: dict, where: str) -> None:
    """Refuse a manifest record whose numeric fields are not finite numbers of the dataclass field's type
    (a hand-edited ``"hours": "48h"`` would otherwise reach the model); ValueError names the field."""
    for f in fields(cls):
        if f.name not in record:
            continue
        value, kind = record[f.name], str(f.type).replace(" ", "")
        optional = kind.endswith("|None")
        kind = kind.removesuffix("|None")
        if kind == "bool" and not isinstance(value, bool):
            raise ValueError(f"{where}.{f.name}: {value!r} is not true/false")
        if kind not in _NUMBER_TYPES or (value is None and optional):
            continue
        if isinstance(value, bool) or not isinstance(value, _NUMBER_TYPES[kind]) or not math.isfinite(value):
            raise ValueError(f"{where}.{f.name}: {value!r} is not a finite {kind}")


def _atomic(path: Path, write) -> None:
    """Write through a temporary name and rename: a full disk or a signal leaves no truncated file."""
    tmp = path.with_name(f".tmp-{path.name}")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_tables(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    for name, frame in tables.items():
        _atomic(Path(folder) / f"{name}.parquet", lambda tmp, _f=frame: _f.to_parquet(tmp, index=False))


def read_manifest(folder: Path) -> dict:
    """A run's manifest; a folder without one, or an unreadable one, is an input error naming the file."""
    path = Path(folder) / "manifest.json"
    if not path.is_file():
        raise InputError(str(path), "not a run folder (no manifest.json)")
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"unreadable manifest ({exc.msg})", row=exc.lineno) from None


def write_manifest(folder: Path, manifest: dict) -> None:
    text = json.dumps(manifest, indent=2, default=str) + "\n"
    _atomic(Path(folder) / "manifest.json", lambda tmp: tmp.write_text(text))
