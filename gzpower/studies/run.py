"""One run end to end (assemble, build, solve, extract, write) and the check mode's counterfactual runs ("what
each target buys"; their table: :mod:`gzpower.results.counterfactuals`; the target check:
:mod:`gzpower.results.targets`)."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pyomo.common.gc_manager import PauseGC

from gzpower import progress
from gzpower.errors import SolveError
from gzpower.model.build import HOUR_SETS, build_model
from gzpower.model.data import ModelData, assemble
from gzpower.results.binding import binding_table
from gzpower.results.counterfactuals import counterfactual_table
from gzpower.results.extract import extract
from gzpower.results.folder import file_hashes, run_folder, scenario_record, versions, write_manifest, write_tables
from gzpower.results.kpis import kpis, unserved_mwh
from gzpower.results.targets import target_check
from gzpower.scenario.scenario import PLAN_INCREMENTS, Scenario
from gzpower.solve.benders import capacities_of
from gzpower.solve.highs import SolverSettings, dual_tolerance_cny_per_mwh, solve
from gzpower.studies.expansion import start_plan
from gzpower.types import SolveStatus, has_solution

#: what a solved case reports: its tables and kpis, or only its unserved energy
Outputs = Literal["tables", "unserved"]

__all__ = ["RunResult", "counterfactual_table", "counterfactuals", "run_and_write", "solve_case", "target_check"]


@dataclass
class RunResult:
    scenario: Scenario
    status: SolveStatus
    message: str
    objective: float | None
    kpis: dict
    tables: dict[str, pd.DataFrame]
    timings: dict
    stats: dict
    folder: Path | None
    data: ModelData
    #: expand: the investment decisions, (var name, index) -> MW or MWh (a plan that
    #: gzpower.studies.expansion.plan_cost prices)
    investments: dict | None = None
    #: the solved LP kept in HiGHS for hot-started variants (``solve_case(..., keep=True)``; not picklable: set
    #: to None before a result leaves its process)
    kept: Any = None


def solve_case(
    tables: dict,
    sc: Scenario,
    settings: SolverSettings | None = None,
    keep: bool = False,
    hot_from=None,
    verdict: bool = True,
    outputs: Outputs = "tables",
) -> RunResult:
    """Assemble, build, solve and extract one scenario, in memory. ``keep``: the optimal LP stays in HiGHS
    (``result.kept``); ``hot_from``: a kept LP (:class:`gzpower.solve.hot.KeptLP`) this scenario is solved from,
    hot (the same optimum as a cold solve); ``verdict`` False: no target check and binding table (a run that only
    reports its kpis, such as a counterfactual); ``outputs`` "unserved": no tables, and of the kpis only
    ``unserved_mwh`` (a tipping point's search: the tables and kpis were a fifth of each of its solves).

    Python's cyclic garbage collector is paused meanwhile: the full year's build makes some three million
    objects that live as long as the case, and each collection pass scans the whole heap for cycles (on the
    2025 check's full year, 2026-12-03, two cores shared: a build of 10.9-12.8 s with it against 8.8-9.1 s
    without). What the case leaves behind is collected when the pause ends. Not for Benders: its minutes of
    master and subproblem solves make garbage of their own."""
    resolved = (settings or SolverSettings()).resolved(sc)
    with PauseGC() if resolved.decomposition != "benders" else contextlib.nullcontext():
        return _solve_case(tables, sc, resolved, keep, hot_from, verdict, outputs)


def _solve_case(
    tables: dict, sc: Scenario, settings: SolverSettings, keep: bool, hot_from, verdict: bool, outputs: Outputs
) -> RunResult:
    timings = {}
    if settings.decomposition not in ("none", "benders"):
        raise ValueError(f"unknown decomposition '{settings.decomposition}' (choose from auto, none, benders)")
    start = None
    if settings.decomposition == "benders":
        if sc.mode != "expand" or sc.periods:
            raise ValueError("Benders solves an expansion over consecutive hours (mode expand, no --periods)")
        t_start = time.perf_counter()
        start = start_plan(tables, sc, settings)
        timings["start_plan_s"] = time.perf_counter() - t_start
    t0 = time.perf_counter()
    data = assemble(tables, sc)
    built = build_model(data)
    timings["build_s"] = time.perf_counter() - t0
    if settings.decomposition == "benders":
        from gzpower.solve.benders import solve_benders

        outcome = solve_benders(built.model, built.registry.investments, settings, start, hour_sets=HOUR_SETS)
    elif hot_from is not None:
        from gzpower.solve.hot import solve_variant

        outcome = solve_variant(hot_from, built.model, settings, hour_sets=HOUR_SETS)
    elif keep:
        from gzpower.solve.hot import solve_kept

        outcome = solve_kept(built.model, settings, tee=progress.verbose(), hour_sets=HOUR_SETS)
    else:
        outcome = solve(built.model, settings, tee=progress.verbose(), hour_sets=HOUR_SETS)
    timings["solve_s"] = outcome.seconds_handover_and_solve
    timings["highs_s"] = outcome.seconds_highs
    if not outcome.has_solution:
        return RunResult(
            sc,
            outcome.status,
            outcome.message,
            None,
            {},
            {},
            timings,
            {**outcome.stats, "log": outcome.log},
            None,
            data,
        )
    t1 = time.perf_counter()
    investments = capacities_of(built.model, built.registry.investments) if sc.mode == "expand" else None
    if outputs == "unserved":
        out, run_kpis = {}, {"unserved_mwh": unserved_mwh(built)}
    else:
        out = extract(built, outcome.duals)
        run_kpis = kpis(out, data)
    if verdict and outputs == "tables":
        out["target_check"] = target_check(out, data, run_kpis)
        out["binding"] = binding_table(built, outcome, out)  # what binds in the shortfall hours
    timings["extract_s"] = time.perf_counter() - t1
    return RunResult(
        sc,
        outcome.status,
        outcome.message,
        outcome.objective,
        run_kpis,
        out,
        timings,
        {**outcome.stats, "log": outcome.log},
        None,
        data,
        investments,
        outcome.kept,
    )


def run_and_write(
    tables: dict,
    sc: Scenario,
    settings: SolverSettings,
    runs_dir: Path,
    data_dir: Path,
    load_seconds: float = 0.0,
    extra_manifest: dict | None = None,
    extra_tables=None,
    solver=None,
    label: str | None = None,
) -> RunResult:
    """Solve one scenario and write its run folder atomically. Raises SolveError without a usable solution.
    ``solver`` (default :func:`solve_case`) solves it, e.g. window by window (``studies.rolling.rolling_case``)."""
    with run_folder(runs_dir, label or sc.label()) as holder:
        result = (solver or solve_case)(tables, sc, settings)
        folder = holder["path"]
        (folder / "highs.log").write_text(result.stats.pop("log", ""))
        if result.status == "infeasible":
            raise SolveError(_explain_infeasible(result, runs_dir))
        if not has_solution(result.status):
            raise SolveError(f"{sc.label()}: {result.message}")
        if extra_tables is not None:
            result.tables.update(extra_tables(result))
        t = time.perf_counter()
        write_tables(folder, result.tables)
        result.timings["load_s"] = load_seconds
        result.timings["write_s"] = time.perf_counter() - t
        manifest = {
            "run": holder["final"].name,
            "mode": sc.mode,
            "year": sc.year,
            "status": result.status,
            "message": result.message,
            "objective_mcny": result.objective,
            "scenario": scenario_record(sc),
            "solver": settings.resolved(sc).to_dict(),
            # the dual tolerance in real units: the largest slack HiGHS may leave in a reported price
            "price_tolerance_cny_per_mwh": dual_tolerance_cny_per_mwh(settings.resolved(sc)),
            "solver_stats": result.stats,
            "timings_s": result.timings,
            "kpis": result.kpis,
            "versions": versions(),
            "inputs": {"data_dir": str(data_dir), "sha256": file_hashes(data_dir)},
            **(extra_manifest or {}),
        }
        write_manifest(folder, manifest)
    result.folder = holder["path"]
    return result


def _explain_infeasible(result: RunResult, runs_dir: Path) -> str:
    """The error text of an infeasible run: the elastic diagnosis in words, its table under runs/failed/."""
    from gzpower.solve.diagnose import diagnose, write_failed

    label = result.scenario.label()
    try:
        diagnosis = diagnose(build_model(result.data))
        failed = write_failed(runs_dir, label, diagnosis, result.message)
    except Exception as exc:  # the diagnosis is a courtesy: its failure must not hide the infeasibility itself
        return f"{label}: {result.message} (no diagnosis: {type(exc).__name__}: {exc})"
    return f"{diagnosis.text}\ndiagnosis table: {failed / 'infeasibility.parquet'}"


@dataclass
class CounterfactualResult:
    """What a counterfactual run reports back: enough for the "what each target buys" table."""

    scenario: Scenario
    status: SolveStatus
    message: str
    kpis: dict


def _counterfactual(
    tables: dict, sc: Scenario, settings: SolverSettings, solver=None, hot_from=None
) -> CounterfactualResult:
    if hot_from is not None:
        result = solve_case(tables, sc, settings, hot_from=hot_from, verdict=False)
    else:
        result = (solver or solve_case)(tables, sc, settings)
    return CounterfactualResult(sc, result.status, result.message, result.kpis)


def counterfactuals(
    tables: dict,
    parent: RunResult,
    settings: SolverSettings,
    increments: tuple[str, ...] = PLAN_INCREMENTS,
    workers: int = 1,
    solver=None,
) -> dict[str, CounterfactualResult]:
    """The parent's scenario re-solved without each of the plan's increments.

    When the parent kept its LP in HiGHS (``parent.kept``, no other ``solver``) each counterfactual is a hot start
    from the parent's optimal basis, one after the other in this process: the same optimum as a cold solve in a
    fraction of the time (:mod:`gzpower.solve.hot`). Otherwise the runs are independent cold LPs; with
    ``workers > 1`` they run in that many spawned processes (HiGHS's dual simplex uses one core).
    """
    scenarios = {f: replace(parent.scenario, without=(f,)) for f in increments}
    desc = f"[{parent.scenario.year}] counterfactuals"
    hot_from = parent.kept if solver is None else None
    if hot_from is not None or workers <= 1 or len(scenarios) <= 1:
        bar = progress.bar(scenarios.items(), desc, unit="run")
        return {f: _counterfactual(tables, sc, settings, solver, hot_from) for f, sc in bar}
    from concurrent.futures import as_completed

    from gzpower.studies.workers import pool, sigint_ignored, submit

    # the workers end with this process and with this block (an interrupt does not wait for their solves)
    with pool(workers, "spawn") as executor:
        with sigint_ignored():
            futures = {
                f: submit(executor, _counterfactual, tables, sc, settings, solver) for f, sc in scenarios.items()
            }
        for _ in progress.bar(as_completed(futures.values()), desc, total=len(futures), unit="run"):
            pass
        return {f: future.result() for f, future in futures.items()}
