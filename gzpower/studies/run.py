"""One run end to end (assemble, build, solve, extract, write), the plan's target check, and the check mode's
counterfactuals ("what each target buys")."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from gzpower import progress
from gzpower.errors import SolveError
from gzpower.model.build import build_model
from gzpower.model.data import ModelData, assemble
from gzpower.results.extract import extract, kpis
from gzpower.results.folder import file_hashes, run_folder, scenario_record, versions, write_manifest, write_tables
from gzpower.scenario.scenario import FAMILIES, Scenario
from gzpower.solve.benders import capacities_of
from gzpower.solve.highs import SolverSettings, solve


@dataclass
class RunResult:
    scenario: Scenario
    status: str
    message: str
    objective: float | None
    kpis: dict
    tables: dict[str, pd.DataFrame]
    timings: dict
    stats: dict
    folder: Path | None
    data: ModelData
    #: expand: the investment decisions, (var name, index) -> MW or MWh (a plan gzpower.solve.benders.plan_cost prices)
    investments: dict | None = None


def solve_case(tables: dict, sc: Scenario, settings: SolverSettings | None = None) -> RunResult:
    """Assemble, build, solve and extract one scenario, in memory."""
    timings = {}
    settings = (settings or SolverSettings()).resolved(sc)
    if settings.decomposition not in ("none", "benders"):
        raise ValueError(f"unknown decomposition '{settings.decomposition}' (choose from auto, none, benders)")
    start = None
    if settings.decomposition == "benders":
        if sc.mode != "expand" or sc.periods:
            raise ValueError("Benders solves an expansion over consecutive hours (mode expand, no --periods)")
        from gzpower.solve.benders import start_plan

        t_start = time.perf_counter()
        start = start_plan(tables, sc, settings)
        timings["start_plan_s"] = time.perf_counter() - t_start
    t0 = time.perf_counter()
    data = assemble(tables, sc)
    built = build_model(data)
    timings["build_s"] = time.perf_counter() - t0
    if settings.decomposition == "benders":
        from gzpower.solve.benders import solve_benders

        outcome = solve_benders(built.model, built.registry.investments, settings, start)
    else:
        outcome = solve(built.model, settings, tee=progress.verbose())
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
    out = extract(built, outcome.duals)
    run_kpis = kpis(out, data)
    out["target_check"] = target_check(out, data, run_kpis)
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
        if result.status not in ("optimal", "time_limit"):
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


# --- the target check -------------------------------------------------------------------------------------------


def _capacity(caps: pd.DataFrame, family: str, carriers: tuple[str, ...], unit: str = "MW") -> float:
    sel = caps[(caps["family"] == family) & caps["carrier"].isin(carriers) & (caps["unit"] == unit)]
    return float(sel["total"].sum())


def target_check(out: dict[str, pd.DataFrame], d: ModelData, k: dict | None = None) -> pd.DataFrame:
    """Every plan target of the year with the value reached, pass/fail and margin; then adequacy rows."""
    caps = out["capacities"]
    k = k if k is not None else kpis(out, d)
    reached = {
        "gas_capacity": _capacity(caps, "thermal", ("gas",)),
        "re_capacity": _capacity(caps, "renewables", ("pv_rooftop", "pv_ground", "wind_onshore"))
        + _capacity(caps, "thermal", ("waste",)),
        "storage_capacity": _capacity(caps, "storage", ("battery",)),
        "dr_capability": _capacity(caps, "demand_response", ("dr_peak",)) / max(d.peak_load_mw, 1e-9),
        "re_absorption": 1.0 - k["curtailment_share"],
    }
    rows = []
    for t in d.targets.itertuples():
        value = reached.get(t.id)
        target = t.value
        status, margin = "not modelled", np.nan
        if t.id == "clean_imports":
            disp = out["dispatch"]
            clean = d.import_sources.index[d.import_sources["clean"]]
            sel = disp[disp["element"].isin(clean)]
            value = float((sel["p_mw"] * sel["weight"]).sum())
            status = "reported (MWh taken in)"
        elif t.id == "coal":
            value = _capacity(caps, "thermal", ("coal",))
            status = "reported (MW coal standing)"
        elif value is not None and target is not None and not pd.isna(target):
            if t.id == "re_absorption":
                target = 1.0
                ok = value >= 1.0 - 1e-4
            elif t.kind == "at_most":
                ok = value <= target * (1 + t.tolerance)
            elif t.kind == "about":
                ok = value >= target * (1 - t.tolerance)
            else:
                ok = value >= target * (1 - 1e-9)
            status = "pass" if ok else "fail"
            margin = value - target
        rows.append(
            {
                "id": t.id,
                "year": d.scenario.year,
                "kind": t.kind,
                "unit": t.unit,
                "target": target,
                "reached": value,
                "margin": margin,
                "status": status,
                "description": t.description,
            }
        )
    adequacy = [
        ("unserved_energy", "MWh", 0.0, k["unserved_mwh"]),
        ("loss_of_load_hours", "h", 0.0, float(k["loss_of_load_hours"])),
        ("largest_shortfall", "MW", 0.0, k["max_shortfall_mw"]),
        ("renewable_curtailment", "MWh", 0.0, k["curtailed_mwh"]),
    ]
    for name, unit, target, value in adequacy:
        rows.append(
            {
                "id": name,
                "year": d.scenario.year,
                "kind": "at_most",
                "unit": unit,
                "target": target,
                "reached": value,
                "margin": target - value,
                "status": "pass" if value <= 1e-3 else "fail",
                "description": "system adequacy",
            }
        )
    for name, unit, value in (
        ("co2", "tCO2", k["co2_t"]),
        ("total_cost", "CNY", k["cost_cny"]),
        ("average_price", "CNY/MWh", k["price_avg_cny_per_mwh"]),
        ("peak_price", "CNY/MWh", k["price_peak_cny_per_mwh"]),
    ):
        rows.append(
            {
                "id": name,
                "year": d.scenario.year,
                "kind": "reported",
                "unit": unit,
                "target": np.nan,
                "reached": value,
                "margin": np.nan,
                "status": "reported",
                "description": "outcome",
            }
        )
    frame = pd.DataFrame(rows)
    for col in ("target", "reached", "margin"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    return frame


def counterfactual_table(parent: RunResult, children: dict) -> pd.DataFrame:
    """What each target buys: counterfactual (without the target's increment) minus the plan."""
    rows = []
    for family, child in children.items():
        row = {"year": parent.scenario.year, "without": family, "status": child.status}
        if child.status in ("optimal", "time_limit"):
            for key in (
                "unserved_mwh",
                "loss_of_load_hours",
                "cost_cny",
                "operating_cost_cny",
                "co2_t",
                "curtailed_mwh",
            ):
                row[f"{key}_plan"] = parent.kpis[key]
                row[f"{key}_without"] = child.kpis[key]
                row[f"{key}_bought"] = child.kpis[key] - parent.kpis[key]
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass
class CounterfactualResult:
    """What a counterfactual run reports back: enough for the "what each target buys" table."""

    scenario: Scenario
    status: str
    message: str
    kpis: dict


def _counterfactual(tables: dict, sc: Scenario, settings: SolverSettings, solver=None) -> CounterfactualResult:
    result = (solver or solve_case)(tables, sc, settings)
    return CounterfactualResult(sc, result.status, result.message, result.kpis)


def counterfactuals(
    tables: dict,
    parent: RunResult,
    settings: SolverSettings,
    families: tuple[str, ...] = FAMILIES,
    workers: int = 1,
    solver=None,
) -> dict[str, CounterfactualResult]:
    """The parent's scenario re-solved without each family's plan increment.

    The runs are independent LPs; with ``workers > 1`` they run in that many spawned processes (HiGHS's dual
    simplex uses one core, so two workers halve the wall time of a full-year check on two cores).
    """
    scenarios = {f: replace(parent.scenario, without=(f,)) for f in families}
    desc = f"[{parent.scenario.year}] counterfactuals"
    if workers <= 1 or len(scenarios) <= 1:
        bar = progress.bar(scenarios.items(), desc, unit="run")
        return {f: _counterfactual(tables, sc, settings, solver) for f, sc in bar}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {f: pool.submit(_counterfactual, tables, sc, settings, solver) for f, sc in scenarios.items()}
        for _ in progress.bar(as_completed(futures.values()), desc, total=len(futures), unit="run"):
            pass
        return {f: future.result() for f, future in futures.items()}
