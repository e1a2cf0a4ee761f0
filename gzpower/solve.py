"""Solve a built model with HiGHS, in memory, through one of two hand-overs (no LP file either way):

- ``matrix`` (default): Pyomo's standard-form compiler (:class:`LinearStandardFormCompiler`) turns the model
  into sparse arrays that are passed to ``highspy`` in one call; the solution and row duals are mapped back
  onto the Pyomo variables and constraints. On the full-year check this hand-over is several times faster.
- ``pyomo``: Pyomo's own persistent interface, ``pyomo.contrib.solver`` ``highs``.

Tests cross-check the two. Solver options pass through; the outcome is mapped to one of a few plain statuses;
the HiGHS log is captured for the run folder.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field

import numpy as np
import pyomo.environ as pyo
from pyomo.contrib.solver.common.factory import SolverFactory
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition

from gzpower.numerics import coefficient_ranges
from gzpower.numerics import report as report_ranges

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
    "time_limit": "time or iteration limit reached: the best solution found is returned, NOT proven optimal",
    "error": "the solver failed",
}


@dataclass
class SolverSettings:
    algorithm: str = "auto"  # auto: simplex for dispatch (check), interior point for expansion (measured fastest)
    interface: str = "matrix"  # matrix | pyomo
    threads: int | None = None
    time_limit: float | None = None
    primal_feasibility_tolerance: float | None = None
    dual_feasibility_tolerance: float | None = None
    ipm_optimality_tolerance: float | None = None
    extra: dict = field(default_factory=dict)

    def resolved(self, mode: str) -> "SolverSettings":
        """``auto`` made concrete for a run mode: dual simplex solved the full-year check 3x faster than IPM,
        IPM the aggregated expansion 7x faster than simplex (``make bench``)."""
        if self.algorithm != "auto":
            return self
        from dataclasses import replace

        return replace(self, algorithm="ipm" if mode == "expand" else "simplex")

    def highs_options(self) -> dict:
        if self.algorithm == "auto":
            return dict(ALGORITHMS["simplex"])
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
    if settings.interface == "matrix":
        return solve_matrix(model, settings, want_duals, tee)
    if settings.interface != "pyomo":
        raise ValueError(f"unknown interface '{settings.interface}' (matrix or pyomo)")
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


def _highs_status(highs, status) -> str:
    import highspy

    s = highspy.HighsModelStatus
    if status == s.kOptimal:
        return "optimal"
    if status == s.kInfeasible:
        return "infeasible"
    if status in (s.kUnbounded, s.kUnboundedOrInfeasible):
        # HiGHS cannot always tell the two apart after presolve; ask again without it
        if status == s.kUnboundedOrInfeasible:
            highs.setOptionValue("presolve", "off")
            highs.run()
            again = highs.getModelStatus()
            if again == s.kInfeasible:
                return "infeasible"
        return "unbounded"
    if status in (s.kTimeLimit, s.kIterationLimit):
        return "time_limit"
    return "error"


def run_interruptible(highs) -> None:
    """``highs.run()`` that Ctrl-C and SIGTERM can stop.

    ``run()`` holds the main thread inside C++ without giving Python a chance to run its signal handlers, so a
    KeyboardInterrupt would only surface after the solve ends (minutes on a full year). The solve therefore runs in
    highspy's worker thread while the main thread waits in short slices; an interrupt cancels HiGHS through its
    user-interrupt callback, waits for it to stop, and is re-raised so that the caller cleans up (no run folder).
    """
    highs.HandleUserInterrupt = True
    thread = highs.startSolve()
    try:
        while not highs.wait(0.1)[0]:
            pass
    except BaseException:
        highs.cancelSolve()
        thread.join()
        raise
    thread.join()


@dataclass
class StandardForm:
    """A Pyomo LP as arrays: ``row_lower <= A x <= row_upper``, ``lower <= x <= upper``, cost ``sense * c``."""

    columns: list  # Pyomo VarData of each column
    rows: list  # RowEntry(constraint, bound_type) of each row
    A: object  # scipy sparse matrix
    lower: "np.ndarray"
    upper: "np.ndarray"
    row_lower: "np.ndarray"
    row_upper: "np.ndarray"
    cost: "np.ndarray"
    offset: float
    sense: float  # 1 minimise, -1 maximise


def standard_form(model: pyo.ConcreteModel) -> StandardForm:
    """Compile a model with Pyomo's standard-form compiler into arrays HiGHS takes directly (no file)."""
    import highspy
    import numpy as np
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    repn = LinearStandardFormCompiler().write(model, mixed_form=True, set_sense=None)
    columns, rows = repn.columns, repn.rows
    inf = highspy.kHighsInf
    lower = np.array([(-inf if v.lb is None else v.lb) for v in columns], dtype=float)
    upper = np.array([(inf if v.ub is None else v.ub) for v in columns], dtype=float)
    kind = np.array([r.bound_type for r in rows], dtype=int)
    rhs = np.asarray(repn.rhs, dtype=float)
    # the compiler's bound_type: -1 row >= rhs, 0 row == rhs, +1 row <= rhs
    row_lower = np.where(kind <= 0, rhs, -inf)
    row_upper = np.where(kind >= 0, rhs, inf)
    sense = -1.0 if repn.objectives[0].sense == pyo.maximize else 1.0
    cost = np.asarray(repn.c.toarray()[0], dtype=float) if len(columns) else np.zeros(0)
    offset = float(repn.c_offset[0]) if len(repn.c_offset) else 0.0
    return StandardForm(columns, rows, repn.A, lower, upper, row_lower, row_upper, cost, offset, sense)


def solve_matrix(model: pyo.ConcreteModel, settings: SolverSettings, want_duals: bool = True,
                 tee: bool = False) -> SolveOutcome:
    """Compile the model to sparse arrays, solve them in highspy, and load the solution back into Pyomo."""
    import highspy
    import numpy as np

    started = time.perf_counter()
    form = standard_form(model)
    columns, rows, n_col, n_row = form.columns, form.rows, len(form.columns), len(form.rows)
    lower, upper, row_lower, row_upper = form.lower, form.upper, form.row_lower, form.row_upper
    cost, offset, sense = form.cost, form.offset, form.sense

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", True)
    highs.setOptionValue("log_to_console", bool(tee))
    for key, value in settings.highs_options().items():
        highs.setOptionValue(key, value)
    if settings.threads is not None:
        highs.setOptionValue("threads", int(settings.threads))
    if settings.time_limit is not None:
        highs.setOptionValue("time_limit", float(settings.time_limit))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_col, n_row
    lp.col_cost_ = cost
    lp.col_lower_, lp.col_upper_ = lower, upper
    lp.row_lower_, lp.row_upper_ = row_lower, row_upper
    lp.offset_ = offset
    lp.sense_ = highspy.ObjSense.kMinimize if sense > 0 else highspy.ObjSense.kMaximize
    A = form.A.tocsc()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(float)
    ranges = coefficient_ranges(lp.a_matrix_.value_, lower, upper, cost, row_lower, row_upper)
    report_ranges(ranges)
    # the log file is created last, right before the try that removes it again on any interruption
    log_fd, log_path = tempfile.mkstemp(prefix="gzpower-highs-", suffix=".log")
    os.close(log_fd)
    highs.setOptionValue("log_file", log_path)
    try:
        highs.passModel(lp)
        handed_over = time.perf_counter()
        run_interruptible(highs)
    except Exception as exc:  # reported as a solver error, never a traceback
        return SolveOutcome("error", f"{MESSAGES['error']}: {exc}", None, "error", time.perf_counter() - started,
                            None, _read_log(log_path), {})
    except BaseException:  # interrupted: leave no temporary log behind
        _read_log(log_path)
        raise
    model_status = highs.getModelStatus()
    status = _highs_status(highs, model_status)
    info = highs.getInfo()
    stats = {
        "interface": "matrix", "rows": n_row, "columns": n_col, "nonzeros": int(A.nnz),
        "simplex_iterations": int(info.simplex_iteration_count), "ipm_iterations": int(info.ipm_iteration_count),
        "pdlp_iterations": int(info.pdlp_iteration_count),
        "max_primal_infeasibility": float(info.max_primal_infeasibility),
        "max_dual_infeasibility": float(info.max_dual_infeasibility),
        "max_primal_residual_error": _finite(info.max_primal_residual_error),
        "max_dual_residual_error": _finite(info.max_dual_residual_error),
        "primal_solution_status": int(info.primal_solution_status),
        "dual_solution_status": int(info.dual_solution_status),
        "seconds_handover": handed_over - started,
        "highs_model_status": highs.modelStatusToString(model_status),
        "coefficient_ranges": ranges.to_dict(),
    }
    has_primal = int(info.primal_solution_status) == 2  # kSolutionStatusFeasible
    message = MESSAGES[status]
    if status == "time_limit" and not has_primal:
        status = "error"
        message = (f"HiGHS stopped ({highs.modelStatusToString(model_status).lower()}) before it had a feasible "
                   "solution: nothing to report (raise --time-limit or the iteration limit)")
    obj_value, duals = None, None
    if status in ("optimal", "time_limit") and has_primal:
        solution = highs.getSolution()
        for var, value in zip(columns, solution.col_value):
            var.set_value(value, skip_validation=True)
        # Our own residual check, in original (unscaled) units: HiGHS reports its residual errors only after
        # some algorithms (Infinity otherwise), so the manifest always gets this one.
        x = np.asarray(solution.col_value, dtype=float)
        activity = A @ x if n_col else np.zeros(n_row)
        stats["max_row_violation"] = float(max(0.0, np.max(row_lower - activity, initial=0.0),
                                               np.max(activity - row_upper, initial=0.0)))
        stats["max_bound_violation"] = float(max(0.0, np.max(lower - x, initial=0.0), np.max(x - upper, initial=0.0)))
        obj_value = float(info.objective_function_value)
        if want_duals and status == "optimal" and solution.dual_valid:
            duals = {}
            for row, dual in zip(rows, solution.row_dual):
                duals[row.constraint] = duals.get(row.constraint, 0.0) + dual
    elapsed = time.perf_counter() - started
    return SolveOutcome(status, message, obj_value, highs.modelStatusToString(model_status), elapsed,
                        float(highs.getRunTime()), _read_log(log_path), stats, duals)


def _finite(value) -> float | None:
    """HiGHS reports Infinity for quantities it did not compute; the manifest (JSON) says null instead."""
    value = float(value)
    return value if np.isfinite(value) else None


def _read_log(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    finally:
        os.unlink(path)
