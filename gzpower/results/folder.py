"""Run folders: written into a hidden temporary folder and renamed into place only when complete.

A folder under ``runs/`` is therefore always a finished run; a failed or interrupted run leaves nothing behind
(the temporary folder is removed on any exception, KeyboardInterrupt and SIGTERM included). Two runs started
at the same moment get distinct names (timestamp + random suffix, and ``os.rename`` refuses to clobber).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import secrets
import shutil
import signal
from contextlib import contextmanager
from dataclasses import asdict, fields
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from gzpower import __version__
from gzpower.errors import InputError


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


@contextmanager
def run_folder(runs_dir: Path, name: str):
    """Yield a temporary folder; on success rename it to ``runs_dir/<UTC time>-<name>-<id>``."""
    runs_dir = Path(runs_dir)
    runs_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    final = runs_dir / f"{stamp}-{name}-{secrets.token_hex(3)}"
    tmp = runs_dir / f".tmp-{final.name}"
    tmp.mkdir()
    # SIGTERM, and SIGINT even when the parent started us with it ignored (a background job in a script),
    # both raise KeyboardInterrupt while a run folder is open
    previous = {}
    try:
        for signum, handler in (
            (signal.SIGTERM, _raise_keyboard_interrupt),
            (signal.SIGINT, signal.default_int_handler),
        ):
            previous[signum] = signal.getsignal(signum)
            signal.signal(signum, handler)
    except ValueError:  # not the main thread: signal handling stays as it was
        previous = {}
    try:
        holder = {"path": tmp, "final": final}
        yield holder
        os.rename(tmp, final)
        holder["path"] = final
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
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
    inherited = values.get("inherited") or []
    if isinstance(inherited, dict):  # older manifests (asdict) could only hold an empty map
        inherited = []
    values["inherited"] = {(tech, bus): float(mw) for tech, bus, mw in inherited}
    if values.get("plan"):
        from gzpower.scenario.plan import PlanOverrides

        values["plan"] = PlanOverrides.from_record(values["plan"])
    defaults = Scenario(year=values["year"], mode=values["mode"])
    for name, value in values.items():  # JSON turns tuples into lists: restore the field's type
        if isinstance(getattr(defaults, name, None), tuple) and isinstance(value, list):
            values[name] = tuple(value)
    return Scenario(**values)


def write_tables(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    for name, frame in tables.items():
        frame.to_parquet(Path(folder) / f"{name}.parquet", index=False)


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
    (Path(folder) / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n")
