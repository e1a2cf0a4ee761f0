"""Solve a built model with HiGHS through Pyomo's in-memory interface (``pyomo.contrib.solver``, ``highs``).

No LP file is written: Pyomo hands the model to ``highspy`` directly. Solver options pass through; the outcome
is mapped to one of a few plain statuses; the HiGHS log is captured into a file for the run folder.
"""

from __future__ import annotations

import io
import time
from dataclasses import asdict, dataclass, field

import pyomo.environ as pyo
from pyomo.contrib.solver.common.factory import SolverFactory
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition

ALGORITHMS = {
    "simplex": {"solver": "simplex"},
    "dual-simplex": {"solver": "simplex", "simplex_strategy": 1},
    "ipm": {"solver": "ipm", "run_crossover": "on"},
    "ipm-no-crossover": {"solver": "ipm", "run_crossover": "off"},
    "pdlp": {"solver": "pdlp"},
    "choose": {"solver": "choose"},
}

MESSAGES = {
    "optimal": "optimal solution found",
    "infeasible": "the model is infeasible: no dispatch meets every hard limit (allow unserved energy, or relax "
                  "the CO2 cap / capacity floors)",
    "unbounded": "the model is unbounded: some cost is missing or negative",
    "time_limit": "time limit reached: the best solution found is returned, NOT proven optimal",
    "error": "the solver failed",
}


@dataclass
class SolverSettings:
    algorithm: str = "ipm"
    threads: int | None = None
    time_limit: float | None = None
    primal_feasibility_tolerance: float | None = None
    dual_feasibility_tolerance: float | None = None
    ipm_optimality_tolerance: float | None = None
    extra: dict = field(default_factory=dict)

    def highs_options(self) -> dict:
        if self.algorithm not in ALGORITHMS:
            raise ValueError(f"unknown algorithm '{self.algorithm}' (choose from {', '.join(ALGORITHMS)})")
        opts = dict(ALGORITHMS[self.algorithm])
        for name in ("primal_feasibility_tolerance", "dual_feasibility_tolerance", "ipm_optimality_tolerance"):
            if getattr(self, name) is not None:
                opts[name] = getattr(self, name)
        opts.update(self.extra)
        return opts

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SolveOutcome:
    status: str  # optimal | infeasible | unbounded | time_limit | error
    message: str
    objective: float | None  # million CNY
    termination: str
    seconds_handover_and_solve: float
    seconds_highs: float | None
    log: str
    stats: dict
    duals: dict | None = None

    @property
    def has_solution(self) -> bool:
        return self.status in ("optimal", "time_limit") and self.objective is not None


def _status(term: TerminationCondition, sol: SolutionStatus) -> str:
    if term == TerminationCondition.convergenceCriteriaSatisfied:
        return "optimal"
    if term in (TerminationCondition.provenInfeasible, TerminationCondition.locallyInfeasible):
        return "infeasible"
    if term == TerminationCondition.infeasibleOrUnbounded:
        return "infeasible"
    if term == TerminationCondition.unbounded:
        return "unbounded"
    if term in (TerminationCondition.maxTimeLimit, TerminationCondition.iterationLimit):
        return "time_limit"
    return "error"


def solve(model: pyo.ConcreteModel, settings: SolverSettings | None = None, want_duals: bool = True,
          tee: bool = False) -> SolveOutcome:
    settings = settings or SolverSettings()
    solver = SolverFactory("highs")
    log = io.StringIO()
    streams = [log]
    if tee:
        import sys

        streams.append(sys.stdout)
    started = time.perf_counter()
    try:
        res = solver.solve(model, tee=streams, load_solutions=False, raise_exception_on_nonoptimal_result=False,
                           threads=settings.threads, time_limit=settings.time_limit,
                           solver_options=settings.highs_options())
    except Exception as exc:  # HiGHS or the interface raised: a solver error, reported, never a traceback
        return SolveOutcome("error", f"{MESSAGES['error']}: {exc}", None, "error",
                            time.perf_counter() - started, None, log.getvalue(), {})
    elapsed = time.perf_counter() - started
    status = _status(res.termination_condition, res.solution_status)
    has_primal = res.solution_status in (SolutionStatus.optimal, SolutionStatus.feasible)
    if status == "time_limit" and not has_primal:
        status, has_primal = "error", False
    highs = getattr(solver, "_solver_model", None)
    stats: dict = {}
    highs_seconds = None
    if highs is not None:
        info = highs.getInfo()
        stats = {
            "rows": int(highs.getNumRow()), "columns": int(highs.getNumCol()), "nonzeros": int(highs.getNumNz()),
            "simplex_iterations": int(info.simplex_iteration_count), "ipm_iterations": int(info.ipm_iteration_count),
            "pdlp_iterations": int(getattr(info, "pdlp_iteration_count", 0)),
            "max_primal_infeasibility": float(info.max_primal_infeasibility),
            "max_dual_infeasibility": float(info.max_dual_infeasibility),
            "max_primal_residual_error": float(info.max_primal_residual_error),
            "max_dual_residual_error": float(info.max_dual_residual_error),
            "primal_solution_status": int(info.primal_solution_status),
            "dual_solution_status": int(info.dual_solution_status),
        }
        highs_seconds = float(highs.getRunTime())
    objective = None
    duals = None
    if has_primal and status in ("optimal", "time_limit"):
        res.solution_loader.load_vars()
        objective = float(pyo.value(model.objective))
        if want_duals and status == "optimal":
            try:
                duals = res.solution_loader.get_duals()
            except Exception:  # duals are optional output: e.g. PDLP without crossover may not give them
                duals = None
    return SolveOutcome(status, MESSAGES[status], objective, str(res.termination_condition.name), elapsed,
                        highs_seconds, log.getvalue(), stats, duals)
