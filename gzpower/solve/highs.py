"""Solve a built model with HiGHS, in memory, through one of two hand-overs (no LP file either way):

- ``matrix`` (default): :func:`standard_form` turns the model into sparse arrays (reading each
  :class:`~gzpower.model.rows.LinearRows` matrix as it is) that are passed to ``highspy`` in one call; the
  solution, row duals and reduced costs are mapped back onto the Pyomo components.
- ``pyomo``: Pyomo's own persistent interface, ``pyomo.contrib.solver`` ``highs``.

Tests cross-check the two. Solver options pass through; the outcome is mapped to one of a few plain statuses;
the HiGHS log is captured for the run folder.
"""

from __future__ import annotations

import bisect
import io
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field

import numpy as np
import pyomo.environ as pyo
from pyomo.contrib.solver.common.factory import SolverFactory
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition
from pyomo.core.expr.numeric_expr import LinearExpression
from pyomo.repn.standard_repn import generate_standard_repn

from gzpower.solve.numerics import coefficient_ranges
from gzpower.solve.numerics import report as report_ranges

ALGORITHMS = {
    "simplex": {"solver": "simplex"},
    "dual-simplex": {"solver": "simplex", "simplex_strategy": 1},
    "ipm": {"solver": "ipm", "run_crossover": "on"},
    "ipm-no-crossover": {"solver": "ipm", "run_crossover": "off"},
    "pdlp": {"solver": "pdlp"},
    "choose": {"solver": "choose"},
}

#: ``decomposition="auto"`` uses Benders from this expansion horizon on (hours): on the 2030 data Benders took
#: 8.4 s of HiGHS time against 14.5 s for the whole LP at 720 h, 2.6 s against 2.2 s at 168 h (``make bench
#: --quick``, tests/test_benders.py), and at 8760 h 227 s where the whole LP did not finish in 300 s
BENDERS_FROM_HOURS = 720

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
    #: expand only: "benders" solves the capacities in a master problem and the dispatch as a sub-problem
    #: (gzpower.solve.benders), "none" hands HiGHS the whole LP
    decomposition: str = "auto"  # auto: Benders for hourly expansions of BENDERS_FROM_HOURS or more
    benders_gap: float = 1e-4  # stop at (upper - lower bound) / upper bound <= this
    benders_max_iterations: int = 50
    benders_start_periods: int | None = 8  # full year: first plan from this many representative days

    def resolved(self, scenario) -> SolverSettings:
        """``auto`` made concrete for a scenario (or a bare mode name, "check" / "expand").

        Algorithm: dual simplex solved the full-year check 3x faster than IPM, IPM the aggregated expansion 7x
        faster than simplex (``make bench``); Benders' sub-problem is a dispatch with fixed capacities, like the
        check: dual simplex. Decomposition: Benders for an hourly expansion of at least
        :data:`BENDERS_FROM_HOURS` that allows unserved energy (every plan must have a feasible dispatch), the
        whole LP otherwise."""
        from dataclasses import replace

        mode = scenario if isinstance(scenario, str) else scenario.mode
        decomposition = self.decomposition
        if decomposition == "auto":
            hourly_expansion = not isinstance(scenario, str) and mode == "expand" and not scenario.periods
            benders = hourly_expansion and scenario.hours >= BENDERS_FROM_HOURS and scenario.allow_unserved
            decomposition = "benders" if benders else "none"
        algorithm = self.algorithm
        if algorithm == "auto":
            algorithm = "ipm" if mode == "expand" and decomposition != "benders" else "simplex"
        return replace(self, algorithm=algorithm, decomposition=decomposition)

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
    #: row duals per constraint component: name -> array in the component's own order
    duals: dict | None = None
    #: reduced costs c - A'y per Var component (matrix interface): name -> array in the component's own order
    reduced_costs: dict | None = None

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


def solve(
    model: pyo.ConcreteModel, settings: SolverSettings | None = None, want_duals: bool = True, tee: bool = False
) -> SolveOutcome:
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
        res = solver.solve(
            model,
            tee=streams,
            load_solutions=False,
            raise_exception_on_nonoptimal_result=False,
            threads=settings.threads,
            time_limit=settings.time_limit,
            solver_options=settings.highs_options(),
        )
    except Exception as exc:  # HiGHS or the interface raised: a solver error, reported, never a traceback
        return SolveOutcome(
            "error",
            f"{MESSAGES['error']}: {exc}",
            None,
            "error",
            time.perf_counter() - started,
            None,
            log.getvalue(),
            {},
        )
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
            "rows": int(highs.getNumRow()),
            "columns": int(highs.getNumCol()),
            "nonzeros": int(highs.getNumNz()),
            "simplex_iterations": int(info.simplex_iteration_count),
            "ipm_iterations": int(info.ipm_iteration_count),
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
                found = res.solution_loader.get_duals()
                duals = {
                    comp.name: np.array(
                        [found.get(con, np.nan) for con in (comp.values() if comp.is_indexed() else [comp])]
                    )
                    for comp in model.component_objects(pyo.Constraint, active=True, descend_into=True)
                }
            except Exception:  # duals are optional output: e.g. PDLP without crossover may not give them
                duals = None
    return SolveOutcome(
        status,
        MESSAGES[status],
        objective,
        str(res.termination_condition.name),
        elapsed,
        highs_seconds,
        log.getvalue(),
        stats,
        duals,
    )


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
class RowBlock:
    """The rows one constraint component contributes: ``count`` rows from ``start``; ``positions`` are the rows'
    places in the component's own order (all of them unless some rows were deactivated)."""

    component: object
    start: int
    positions: np.ndarray

    @property
    def count(self) -> int:
        return len(self.positions)


@dataclass
class StandardForm:
    """A Pyomo LP as arrays: ``row_lower <= A x <= row_upper``, ``lower <= x <= upper``, cost ``sense * c``."""

    columns: list  # Pyomo VarData of each column
    blocks: list  # RowBlock per constraint component, in row order
    A: object  # scipy sparse matrix (CSR)
    lower: np.ndarray
    upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    cost: np.ndarray
    offset: float
    sense: float  # 1 minimise, -1 maximise
    column_offset: dict = field(default_factory=dict)  # id(Var component) -> its first column
    _key_positions: dict = field(default_factory=dict, repr=False)
    _rows: dict = field(default_factory=dict, repr=False)

    @property
    def n_rows(self) -> int:
        return len(self.row_lower)

    @property
    def row_kind(self) -> np.ndarray:
        """-1 a lower limit only (>=), +1 an upper limit only (<=), 0 both (== or ranged)."""
        has_lower, has_upper = np.isfinite(self.row_lower), np.isfinite(self.row_upper)
        return np.where(has_lower & has_upper, 0, np.where(has_lower, -1, 1))

    def constraint(self, row: int):
        """The Pyomo ConstraintData behind one row."""
        starts = [b.start for b in self.blocks]
        block = self.blocks[bisect.bisect_right(starts, row) - 1]
        comp = block.component
        if id(comp) not in self._rows:
            self._rows[id(comp)] = list(comp.values()) if comp.is_indexed() else [comp]
        return self._rows[id(comp)][int(block.positions[row - block.start])]

    def row_of(self, con) -> int:
        """Row of one ConstraintData (-1 when it is not in the form)."""
        comp = con.parent_component()
        for block in self.blocks:
            if block.component is comp:
                if id(comp) not in self._key_positions:
                    keys = comp.keys() if comp.is_indexed() else [None]
                    self._key_positions[id(comp)] = {k: i for i, k in enumerate(keys)}
                where = np.flatnonzero(block.positions == self._key_positions[id(comp)][con.index()])
                return block.start + int(where[0]) if where.size else -1
        return -1

    def values_of(self, x: np.ndarray, var) -> np.ndarray:
        """The entries of a solution vector that belong to one Var component, in its own order."""
        start = self.column_offset[id(var)]
        return x[start : start + len(var)]

    def duals_by_component(self, row_dual: np.ndarray) -> dict:
        """Row duals per constraint component (name -> array in the component's order; NaN for inactive rows)."""
        out = {}
        for block in self.blocks:
            size = len(block.component) if block.component.is_indexed() else 1
            values = np.full(size, np.nan)
            values[block.positions] = row_dual[block.start : block.start + block.count]
            out[block.component.name] = values
        return out


def _linear_terms(expr, where: str) -> tuple[list, list, float]:
    """Coefficients, variables and constant of a linear expression (a LinearExpression is read as is)."""
    if type(expr) is LinearExpression:
        return expr.linear_coefs, expr.linear_vars, float(pyo.value(expr.constant))
    if expr.__class__ in (int, float):
        return [], [], float(expr)
    repn = generate_standard_repn(expr, compute_values=True, quadratic=False)
    if repn.nonlinear_expr is not None:
        raise ValueError(f"{where} is not linear: gzpower hands HiGHS linear programs only")
    return repn.linear_coefs, repn.linear_vars, float(repn.constant)


def standard_form(model: pyo.ConcreteModel) -> StandardForm:
    """Compile a model into arrays HiGHS takes directly (no file).

    Columns are every Var of the model, component by component in its own order. A
    :class:`~gzpower.model.rows.LinearRows` family hands over its CSR matrix with the columns renumbered (numpy,
    no Python loop over rows); any other constraint - the small families, and whatever a user adds - is read
    row by row from its linear expression. Fixed variables stay columns with both bounds at their value.
    """
    import highspy
    import scipy.sparse as sp

    from gzpower.model.rows import LinearRows

    inf = highspy.kHighsInf
    columns: list = []
    column_offset: dict = {}
    for var in model.component_objects(pyo.Var, active=True, descend_into=True):
        column_offset[id(var)] = len(columns)
        columns.extend(var.values())
    n_col = len(columns)
    lower = np.fromiter((-inf if lb is None else lb for lb in (v.lb for v in columns)), dtype=float, count=n_col)
    upper = np.fromiter((inf if ub is None else ub for ub in (v.ub for v in columns)), dtype=float, count=n_col)
    for j in np.flatnonzero(np.fromiter((v.fixed for v in columns), dtype=bool, count=n_col)):
        lower[j] = upper[j] = float(columns[j].value)
    column_of: dict | None = None

    def column_ids(variables) -> np.ndarray:
        nonlocal column_of
        if column_of is None:
            column_of = {id(v): j for j, v in enumerate(columns)}
        return np.fromiter((column_of[id(v)] for v in variables), dtype=np.int64, count=len(variables))

    blocks: list[RowBlock] = []
    parts, row_lower, row_upper = [], [], []
    n_row = 0
    for comp in model.component_objects(pyo.Constraint, active=True, descend_into=True):
        if isinstance(comp, LinearRows):
            positions = comp.active_rows()
            x_map = np.concatenate(
                [np.arange(column_offset[id(v)], column_offset[id(v)] + len(v)) for v in comp.variables]
                or [np.zeros(0, dtype=np.int64)]
            )
            block = comp.matrix[positions] if len(positions) < comp.matrix.shape[0] else comp.matrix
            block = sp.csr_matrix((block.data, x_map[block.indices], block.indptr), shape=(len(positions), n_col))
            parts.append(block)
            row_lower.append(comp.lower[positions])
            row_upper.append(comp.upper[positions])
        else:
            data = list(comp.values()) if comp.is_indexed() else [comp]
            positions = np.array([i for i, con in enumerate(data) if con.active], dtype=np.int64)
            coefs, cols, indptr, lo, up = [], [], [0], [], []
            for i in positions:
                con = data[i]
                lb, body, ub = con.to_bounded_expression(evaluate_bounds=True)
                c, variables, constant = _linear_terms(body, con.name)
                coefs.extend(c)
                cols.append(column_ids(variables))
                indptr.append(indptr[-1] + len(variables))
                lo.append(-inf if lb is None else lb - constant)
                up.append(inf if ub is None else ub - constant)
            cols = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
            parts.append(
                sp.csr_matrix((np.asarray(coefs, dtype=float), cols, np.asarray(indptr)), shape=(len(positions), n_col))
            )
            row_lower.append(np.asarray(lo, dtype=float))
            row_upper.append(np.asarray(up, dtype=float))
        blocks.append(RowBlock(comp, n_row, positions))
        n_row += len(positions)
    A = sp.vstack(parts, format="csr") if parts else sp.csr_matrix((0, n_col))
    row_lower = np.concatenate(row_lower) if row_lower else np.zeros(0)
    row_upper = np.concatenate(row_upper) if row_upper else np.zeros(0)
    row_lower[row_lower == -np.inf] = -inf
    row_upper[row_upper == np.inf] = inf

    objectives = list(model.component_data_objects(pyo.Objective, active=True))
    if len(objectives) != 1:
        raise ValueError(f"the model has {len(objectives)} active objectives; exactly one is needed")
    objective = objectives[0]
    coefs, variables, offset = _linear_terms(objective.expr, objective.name)
    cost = np.bincount(column_ids(variables), weights=np.asarray(coefs, dtype=float), minlength=n_col)
    sense = -1.0 if objective.sense == pyo.maximize else 1.0
    return StandardForm(columns, blocks, A, lower, upper, row_lower, row_upper, cost, offset, sense, column_offset)


def new_highs(settings: SolverSettings, tee: bool = False):
    """A highspy instance with the run's options set."""
    import highspy

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", True)
    highs.setOptionValue("log_to_console", bool(tee))
    for key, value in settings.highs_options().items():
        highs.setOptionValue(key, value)
    if settings.threads is not None:
        highs.setOptionValue("threads", int(settings.threads))
    if settings.time_limit is not None:
        highs.setOptionValue("time_limit", float(settings.time_limit))
    return highs


def highs_lp(form: StandardForm):
    """The standard form as a ``highspy.HighsLp`` (column-wise matrix)."""
    import highspy

    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(form.columns), form.n_rows
    lp.col_cost_ = form.cost
    lp.col_lower_, lp.col_upper_ = form.lower, form.upper
    lp.row_lower_, lp.row_upper_ = form.row_lower, form.row_upper
    lp.offset_ = form.offset
    lp.sense_ = highspy.ObjSense.kMinimize if form.sense > 0 else highspy.ObjSense.kMaximize
    A = form.A.tocsc()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(float)
    return lp


def solve_matrix(
    model: pyo.ConcreteModel, settings: SolverSettings, want_duals: bool = True, tee: bool = False
) -> SolveOutcome:
    """Compile the model to sparse arrays, solve them in highspy, and load the solution back into Pyomo."""
    started = time.perf_counter()
    form = standard_form(model)
    columns, n_col, n_row = form.columns, len(form.columns), form.n_rows
    lower, upper, row_lower, row_upper = form.lower, form.upper, form.row_lower, form.row_upper
    cost = form.cost

    highs = new_highs(settings, tee)
    A = form.A = form.A.tocsc()  # HiGHS takes columns; the row-wise copy is not kept
    lp = highs_lp(form)
    ranges = coefficient_ranges(lp.a_matrix_.value_, lower, upper, cost, row_lower, row_upper)
    report_ranges(ranges)
    # the log file is created last, right before the try that removes it again on any interruption
    log_path = attach_log(highs, "gzpower-highs-")
    try:
        highs.passModel(lp)
        del lp  # HiGHS holds its own copy
        handed_over = time.perf_counter()
        run_interruptible(highs)
    except Exception as exc:  # reported as a solver error, never a traceback
        return SolveOutcome(
            "error",
            f"{MESSAGES['error']}: {exc}",
            None,
            "error",
            time.perf_counter() - started,
            None,
            _read_log(log_path),
            {},
        )
    except BaseException:  # interrupted: leave no temporary log behind
        _read_log(log_path)
        raise
    model_status = highs.getModelStatus()
    status = _highs_status(highs, model_status)
    info = highs.getInfo()
    stats = {
        "interface": "matrix",
        "rows": n_row,
        "columns": n_col,
        "nonzeros": int(A.nnz),
        "simplex_iterations": int(info.simplex_iteration_count),
        "ipm_iterations": int(info.ipm_iteration_count),
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
        message = (
            f"HiGHS stopped ({highs.modelStatusToString(model_status).lower()}) before it had a feasible "
            "solution: nothing to report (raise --time-limit or the iteration limit)"
        )
    obj_value, duals, reduced_costs = None, None, None
    if status in ("optimal", "time_limit") and has_primal:
        solution = highs.getSolution()
        x = np.asarray(solution.col_value, dtype=float)
        for var, value in zip(columns, x.tolist()):
            var.set_value(value, skip_validation=True)
        # Our own residual check, in original (unscaled) units: HiGHS reports its residual errors only after
        # some algorithms (Infinity otherwise), so the manifest always gets this one.
        activity = A @ x if n_col else np.zeros(n_row)
        stats["max_row_violation"] = violation(row_lower, activity, row_upper)
        stats["max_bound_violation"] = violation(lower, x, upper)
        obj_value = float(info.objective_function_value)
        if want_duals and status == "optimal" and solution.dual_valid:
            duals = form.duals_by_component(np.asarray(solution.row_dual, dtype=float))
            col_dual = np.asarray(solution.col_dual, dtype=float)
            reduced_costs = {
                var.name: form.values_of(col_dual, var)
                for var in model.component_objects(pyo.Var, active=True, descend_into=True)
            }
    elapsed = time.perf_counter() - started
    return SolveOutcome(
        status,
        message,
        obj_value,
        highs.modelStatusToString(model_status),
        elapsed,
        float(highs.getRunTime()),
        _read_log(log_path),
        stats,
        duals,
        reduced_costs,
    )


def attach_log(highs, prefix: str) -> str:
    """Send a HiGHS instance's log to a new temporary file (read and removed by :func:`_read_log`)."""
    log_fd, log_path = tempfile.mkstemp(prefix=prefix, suffix=".log")
    os.close(log_fd)
    highs.setOptionValue("log_file", log_path)
    return log_path


def violation(lower: np.ndarray, value: np.ndarray, upper: np.ndarray) -> float:
    """Largest amount by which ``value`` leaves ``[lower, upper]`` (0 when it stays inside)."""
    return float(max(0.0, np.max(lower - value, initial=0.0), np.max(value - upper, initial=0.0)))


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
