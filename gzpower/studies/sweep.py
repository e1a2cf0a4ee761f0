"""Parameter sweeps: the cartesian product of scenario and solver parameters, one ordinary run folder per point,
one summary table per sweep.

A sweep point is a :class:`~gzpower.scenario.scenario.Scenario` (any numeric field: storage_mw, storage_hours, dr_share,
import_scale, load_scale, carbon_price, co2_cap, ...) plus :class:`~gzpower.solve.highs.SolverSettings` (algorithm,
threads, time_limit, tolerances), each point built afresh and solved by :func:`gzpower.studies.run.run_and_write`; its
manifest carries ``{"sweep": {"id": ..., "point": i, "params": {...}}}``. The summary
``<runs>/sweeps/<sweep id>/summary.parquet`` (and ``.csv``) has one row per point: the parameters, the status
and message (a failed point is recorded, the sweep goes on), the objective and the KPIs, the solve time and the
run folder.

Why every point is built afresh rather than re-solved: measured on a 168-h summer week (one process), a point
spends 0.7-1.1 s in the Pyomo build, 0.2-0.9 s compiling to standard form and handing over, and only
0.23-0.33 s in HiGHS; a matrix-level warm start that still builds and compiles each point (to know its bounds)
could save at most that last part. Skipping the build would need a map from scenario fields to column/row bounds
kept outside the builders, which could silently drift from them (e.g. ``storage_mw=0`` removes the battery
columns altogether, ``dr_share`` also moves the reserve and daily-energy right-hand sides).

Where the points run
--------------------
- By default on local worker processes (:class:`concurrent.futures.ProcessPoolExecutor`, ``--workers N``,
  default 2; ``--workers 1`` runs in this process). Each worker loads and validates the input data once and keeps
  it for its later points.
- With ``--scheduler tcp://HOST:8786`` on an existing Dask distributed cluster (``client.submit`` per point).
  Every worker must see the same ``--data`` and ``--runs-dir`` paths (a shared file system) and have gzpower
  installed. To start a cluster by hand::

      dask scheduler --host 0.0.0.0 --port 8786          # on the head node; prints tcp://HOST:8786
      dask worker tcp://HOST:8786 --nworkers 2 --nthreads 1   # on every compute node
      gzpower sweep --scheduler tcp://HOST:8786 --param storage_mw=0:1000:100 --hours 168 --start-hour 4800

  ``--nthreads 1`` because each point is one single-threaded HiGHS solve and the Pyomo build holds the GIL.
"""

from __future__ import annotations

import math
import os
import secrets
import socket
import time
import tomllib
import traceback
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from itertools import product
from pathlib import Path

import pandas as pd

from gzpower import progress
from gzpower.errors import InputError
from gzpower.scenario.scenario import Scenario
from gzpower.solve.highs import ALGORITHMS, SolverSettings
from gzpower.types import PointStatus

SOLVER_PARAMS = {
    "algorithm": str,
    "threads": int,
    "time_limit": float,
    "primal_feasibility_tolerance": float,
    "dual_feasibility_tolerance": float,
    "ipm_optimality_tolerance": float,
}
SOLVER_ALIASES = {
    "primal_tol": "primal_feasibility_tolerance",
    "dual_tol": "dual_feasibility_tolerance",
    "ipm_tol": "ipm_optimality_tolerance",
}
KPI_COLUMNS = (
    "unserved_mwh",
    "loss_of_load_hours",
    "max_shortfall_mw",
    "curtailed_mwh",
    "co2_t",
    "cost_cny",
    "operating_cost_cny",
    "price_avg_cny_per_mwh",
    "price_peak_cny_per_mwh",
    "imports_mwh",
)


def scenario_params() -> dict[str, type]:
    """The numeric Scenario fields a sweep may vary, with their type (int or float)."""
    out = {}
    for f in fields(Scenario):
        kind = str(f.type).replace(" ", "")
        if kind in ("int",):
            out[f.name] = int
        elif kind in ("float", "float|None"):
            out[f.name] = float
    return out


def _canonical(name: str) -> str:
    name = name.strip().replace("-", "_")
    return SOLVER_ALIASES.get(name, name)


def _convert(name: str, raw, where: str):
    kind = {**scenario_params(), **SOLVER_PARAMS}.get(name)
    if kind is None:
        allowed = ", ".join(sorted({**scenario_params(), **SOLVER_PARAMS}))
        raise InputError(
            where, f"unknown sweep parameter '{name}' (numeric Scenario fields or solver options: {allowed})"
        )
    if kind is str:
        value = str(raw).strip()
        if name == "algorithm" and value not in ALGORITHMS:
            raise InputError(where, f"unknown algorithm '{value}' (choose from {', '.join(ALGORITHMS)})")
        return value
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise InputError(where, f"parameter '{name}': '{raw}' is not a number") from None
    if kind is int:
        if value != int(value):
            raise InputError(where, f"parameter '{name}': '{raw}' is not an integer")
        return int(value)
    return value


def expand_values(name: str, spec, where: str = "--param") -> list:
    """``"0,100,200"`` -> [0, 100, 200]; ``"0:0.10:0.02"`` -> 0, 0.02, ..., 0.10 (end included when it falls on
    the grid, to within 1e-9 of a step); a list or a scalar as given."""
    name = _canonical(name)
    if isinstance(spec, (list, tuple)):
        items = list(spec)
    elif isinstance(spec, str) and ":" in spec:
        parts = spec.split(":")
        if len(parts) != 3:
            raise InputError(where, f"parameter '{name}': a range is start:stop:step, got '{spec}'")
        start, stop, step = (_convert(name, p, where) for p in parts)
        if not step or (stop - start) / step < 0:
            raise InputError(where, f"parameter '{name}': step {step} does not lead from {start} to {stop}")
        n = int(math.floor((stop - start) / step + 1e-9)) + 1
        items = [start + i * step for i in range(n)]
        if isinstance(start, float):
            items = [round(v, 12) for v in items]
    elif isinstance(spec, str):
        items = [s for s in spec.split(",") if s.strip()]
    else:
        items = [spec]
    if not items:
        raise InputError(where, f"parameter '{name}' has no values")
    return [_convert(name, v, where) for v in items]


def parse_param(text: str) -> tuple[str, list]:
    """One ``--param name=values`` argument."""
    if "=" not in text:
        raise InputError("--param", f"'{text}' is not name=values (e.g. storage_mw=0,100,200 or dr_share=0:0.1:0.02)")
    name, spec = text.split("=", 1)
    return _canonical(name), expand_values(name, spec, f"--param {text}")


def read_sweep_file(path: Path) -> dict[str, list]:
    """A TOML file with a ``[params]`` table: ``storage_mw = [0, 100, 200]`` or ``dr_share = "0:0.1:0.02"``."""
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise InputError(str(path), "file not found") from None
    except tomllib.TOMLDecodeError as err:
        raise InputError(str(path), f"not valid TOML: {err}") from None
    params = doc.get("params")
    if not isinstance(params, dict) or not params:
        raise InputError(str(path), "needs a non-empty [params] table")
    return {_canonical(k): expand_values(k, v, f"{path} [params] {k}") for k, v in params.items()}


@dataclass(frozen=True)
class PointTask:
    """Everything a worker needs for one point (picklable; the worker loads the data itself)."""

    sweep_id: str
    index: int
    params: dict
    scenario: Scenario
    settings: SolverSettings
    data_dir: str
    runs_dir: str


@dataclass
class PointResult:
    index: int
    params: dict
    status: PointStatus  # a solve status, or failed: the point raised
    message: str
    objective_mcny: float | None = None
    kpis: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    stats: dict = field(default_factory=dict)
    folder: str | None = None
    worker: str = ""


def points(
    base: Scenario, settings: SolverSettings, params: dict[str, list], sweep_id: str, data_dir: Path, runs_dir: Path
) -> list[PointTask]:
    """The cartesian product of ``params`` applied to the base scenario and solver settings (first parameter
    slowest)."""
    solver_names = set(SOLVER_PARAMS)
    names = list(params)
    tasks = []
    for i, values in enumerate(product(*(params[n] for n in names))):
        combo = dict(zip(names, values))
        sc = replace(base, **{k: v for k, v in combo.items() if k not in solver_names})
        st = replace(settings, **{k: v for k, v in combo.items() if k in solver_names})
        tasks.append(PointTask(sweep_id, i, combo, sc, st, str(data_dir), str(runs_dir)))
    return tasks


_TABLES: dict[str, dict] = {}  # per worker process: data folder -> validated tables, loaded on first use


def _tables(data_dir: str) -> tuple[dict, float]:
    key = str(Path(data_dir).resolve())
    if key in _TABLES:
        return _TABLES[key], 0.0
    from gzpower.inputs.validate import load_dataset

    t = time.perf_counter()
    _TABLES[key] = load_dataset(Path(data_dir))
    return _TABLES[key], time.perf_counter() - t


def run_point(task: PointTask) -> PointResult:
    """Solve one point and write its run folder. Never raises: a failure comes back as status 'failed'."""
    from gzpower.studies.run import run_and_write

    worker = f"{socket.gethostname()}:{os.getpid()}"
    started = time.perf_counter()
    try:
        tables, load_s = _tables(task.data_dir)
        result = run_and_write(
            tables,
            task.scenario,
            task.settings,
            Path(task.runs_dir),
            Path(task.data_dir),
            load_s,
            extra_manifest={"sweep": {"id": task.sweep_id, "point": task.index, "params": task.params}},
        )
    except Exception as err:  # recorded in the summary; the sweep goes on
        message = str(err) or traceback.format_exception_only(err)[-1].strip()
        return PointResult(
            task.index, task.params, "failed", message, timings={"wall_s": time.perf_counter() - started}, worker=worker
        )
    timings = {**result.timings, "wall_s": time.perf_counter() - started}
    stats = {k: v for k, v in result.stats.items() if isinstance(v, (int, float, str))}
    return PointResult(
        task.index,
        task.params,
        result.status,
        result.message,
        result.objective,
        result.kpis,
        timings,
        stats,
        str(result.folder),
        worker,
    )


def _collect(total: int, quiet: bool, done_iter, result_of) -> list[PointResult]:
    results: list[PointResult] = []
    failed = 0
    with progress.bar(total=total, desc="sweep", unit="point", quiet=quiet) as bar:
        for fut in done_iter:
            res = result_of(fut)
            results.append(res)
            failed += res.status == "failed"
            progress.say(f"sweep point {res.index} {res.params}: {res.status} ({len(results)}/{total})")
            bar.set_postfix(failed=failed)
            bar.update(1)
    return sorted(results, key=lambda r: r.index)


def run_local(tasks: list[PointTask], workers: int = 2, quiet: bool = False) -> list[PointResult]:
    """Run the points on ``workers`` local processes (1: in this process)."""
    if workers <= 1:  # in this process, one point after the other: each result is ready when it is yielded
        return _collect(len(tasks), quiet, (run_point(task) for task in tasks), lambda res: res)
    from concurrent.futures import as_completed

    from gzpower.studies.workers import pool, sigint_ignored, submit

    # the workers end with this process and on an interrupt, without waiting for their solves
    with pool(workers) as executor:
        with sigint_ignored():
            futures = {submit(executor, run_point, t): t for t in tasks}

        def result_of(fut):
            try:
                return fut.result()
            except Exception as err:  # a worker died (e.g. out of memory): record it, keep the others
                t = futures[fut]
                return PointResult(t.index, t.params, "failed", f"worker process failed: {err}")

        return _collect(len(tasks), quiet, as_completed(futures), result_of)


def run_dask(tasks: list[PointTask], scheduler, quiet: bool = False) -> list[PointResult]:
    """Run the points on a Dask distributed cluster: ``scheduler`` is an address (tcp://host:port) or a Client /
    LocalCluster."""
    from dask.distributed import Client, as_completed

    own = not isinstance(scheduler, Client)
    client = Client(scheduler) if own else scheduler
    try:
        futures = {
            client.submit(run_point, t, pure=False, key=f"gzpower-sweep-{t.sweep_id}-{t.index}"): t for t in tasks
        }

        def result_of(fut):
            try:
                return fut.result()
            except Exception as err:  # the worker running it died or the task was lost
                t = futures[fut]
                return PointResult(t.index, t.params, "failed", f"dask task failed: {err}")

        return _collect(len(tasks), quiet, as_completed(list(futures)), result_of)
    finally:
        if own:
            client.close()


def summary_table(results: list[PointResult], param_names: list[str]) -> pd.DataFrame:
    rows = []
    for r in results:
        row = {
            "point": r.index,
            **{n: r.params.get(n) for n in param_names},
            "status": r.status,
            "message": r.message,
            "objective_mcny": r.objective_mcny,
        }
        for k in KPI_COLUMNS:
            row[k] = r.kpis.get(k)
        row["build_s"] = r.timings.get("build_s")
        row["solve_s"] = r.timings.get("solve_s")
        row["highs_s"] = r.timings.get("highs_s")
        row["wall_s"] = r.timings.get("wall_s")
        row["simplex_iterations"] = r.stats.get("simplex_iterations")
        row["ipm_iterations"] = r.stats.get("ipm_iterations")
        row["run_folder"] = r.folder
        row["worker"] = r.worker
        rows.append(row)
    frame = pd.DataFrame(rows)
    for col in ("objective_mcny", *KPI_COLUMNS, "build_s", "solve_s", "highs_s", "wall_s"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    return frame


def new_sweep_id(name: str | None = None) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{name + '-' if name else ''}{secrets.token_hex(3)}"


def write_summary(frame: pd.DataFrame, runs_dir: Path, sweep_id: str) -> Path:
    """``<runs>/sweeps/<id>/summary.parquet`` and ``.csv``, written to temporary names and renamed."""
    folder = Path(runs_dir) / "sweeps" / sweep_id
    folder.mkdir(parents=True, exist_ok=True)
    for suffix in ("parquet", "csv"):
        tmp = folder / f".tmp-summary.{suffix}"
        if suffix == "parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_csv(tmp, index=False)
        os.replace(tmp, folder / f"summary.{suffix}")
    return folder / "summary.parquet"


@dataclass
class Sweep:
    sweep_id: str
    summary: pd.DataFrame
    path: Path
    seconds: float


def run_sweep(
    base: Scenario,
    settings: SolverSettings,
    params: dict[str, list],
    data_dir: Path,
    runs_dir: Path,
    workers: int = 2,
    scheduler=None,
    quiet: bool = False,
    name: str | None = None,
) -> Sweep:
    """Run every point of the product of ``params`` and write the summary table."""
    sweep_id = new_sweep_id(name)
    tasks = points(base, settings, params, sweep_id, Path(data_dir).resolve(), Path(runs_dir).resolve())
    t = time.perf_counter()
    results = run_dask(tasks, scheduler, quiet) if scheduler is not None else run_local(tasks, workers, quiet)
    frame = summary_table(results, list(params))
    return Sweep(sweep_id, frame, write_summary(frame, runs_dir, sweep_id), time.perf_counter() - t)


def format_summary(frame: pd.DataFrame, param_names: list[str]) -> str:
    from gzpower.report.text import table

    cols = [
        "point",
        *param_names,
        "status",
        "objective_mcny",
        "unserved_mwh",
        "loss_of_load_hours",
        "curtailed_mwh",
        "co2_t",
        "price_avg_cny_per_mwh",
        "price_peak_cny_per_mwh",
        "wall_s",
    ]
    view = frame[cols].copy()
    for c in cols[len(param_names) + 2 :]:
        view[c] = [("-" if pd.isna(v) else f"{v:,.6g}" if c == "objective_mcny" else f"{v:,.1f}") for v in view[c]]
    return table(view)
