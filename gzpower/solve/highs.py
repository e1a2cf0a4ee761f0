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
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np
import pyomo.environ as pyo
from pyomo.contrib.solver.common.factory import SolverFactory
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition
from pyomo.core.expr.numeric_expr import LinearExpression
from pyomo.repn.standard_repn import generate_standard_repn

from gzpower.model.entries import entries
from gzpower.solve.handover import pass_lp
from gzpower.solve.logs import attach_log, read_log
from gzpower.solve.numerics import coefficient_ranges
from gzpower.solve.numerics import report as report_ranges
from gzpower.solve.windows import WEEKS, Windows, cold_start, to_basis
from gzpower.types import Algorithm, ColdStart, Decomposition, RunMode, SolverInterface, SolveStatus, has_solution

if TYPE_CHECKING:
    import scipy.sparse as sp

    from gzpower.model.rows import LinearRows
    from gzpower.scenario.scenario import Scenario

#: a HiGHS option's value (``Highs.setOptionValue``)
OptionValue = bool | int | float | str

#: the HiGHS options of each algorithm ("auto" is not here: :meth:`SolverSettings.resolved` picks one)
ALGORITHMS: dict[Algorithm, dict[str, str | int]] = {
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
#: ``algorithm="auto"`` solves an expansion over at most this many representative days by dual simplex, over more
#: by interior point (with crossover). 2030, HiGHS seconds, simplex against IPM (2026-12-04, one process each, the
#: same objective: 8 days identical, 16 days to 3e-13): 8 days 8.5 against 15.9-16.6, 16 days 30.0 against
#: 45.9-51.6, 32 days 194.5 against 134.1 (``make bench``; on 2026-12-03 8 days 5.6 against 13.2). The 8-day
#: expansion is also the first plan of every full-year Benders run.
SIMPLEX_UP_TO_PERIODS = 16

MESSAGES: dict[SolveStatus, str] = {
    "optimal": "optimal solution found",
    "infeasible": "the model is infeasible: no dispatch meets every hard limit (allow unserved energy, or relax "
    "the CO2 cap / capacity floors)",
    "unbounded": "the model is unbounded: some cost is missing or negative",
    "time_limit": "time or iteration limit reached: the best solution found is returned, NOT proven optimal",
    "error": "the solver failed",
}


#: Costs reach HiGHS in million CNY (:data:`gzpower.model.registry.COST_SCALE`), so a dual feasibility tolerance
#: of d leaves up to d / COST_SCALE CNY/MWh of slack in a balance row's dual, the price: HiGHS's default 1e-7 is
#: 0.1 CNY/MWh, and full-year prices were seen 9 CNY/MWh off a tight re-solve. 1e-9 (0.001 CNY/MWh) is the simplex
#: default here: on the 720-h 2030 check (hour 4344 on) prices came within 0.0002 CNY/MWh of a 1e-10 re-solve with
#: no more HiGHS time (3.8 s against 4.1 s at the default; tests/test_prices.py holds them within 0.01).
PRICE_DUAL_TOLERANCE = 1e-9
#: HiGHS's own default dual feasibility tolerance
HIGHS_DEFAULT_DUAL_TOLERANCE = 1e-7
COST_SCALE_TOLERANCE_NOTE = "dual feasibility tolerance / 1e-6 = the largest slack in a price, CNY/MWh"


#: the algorithms a windowed cold start serves: the simplex, which goes on from the joined basis ("auto" not resolved
#: runs the simplex: :meth:`SolverSettings.highs_options`)
WINDOWED_START_ALGORITHMS = ("auto", "simplex", "dual-simplex")


def dual_tolerance_cny_per_mwh(settings: SolverSettings) -> float:
    """The dual feasibility tolerance of ``settings`` in real units: CNY/MWh on a locational price."""
    from gzpower.model.registry import COST_SCALE

    return settings.effective_dual_tolerance() / COST_SCALE


@dataclass
class SolverSettings:
    algorithm: Algorithm = "auto"  # auto: see resolved() (simplex for dispatch and few days, else interior point)
    #: a cold simplex solve of an LP over hours (given ``hour_sets``): from its weeks' joined bases, or plain
    cold_start: ColdStart = "windows"
    interface: SolverInterface = "matrix"
    threads: int | None = None
    time_limit: float | None = None
    primal_feasibility_tolerance: float | None = None
    dual_feasibility_tolerance: float | None = None
    ipm_optimality_tolerance: float | None = None
    extra: dict[str, OptionValue] = field(default_factory=dict)  # further HiGHS options, passed as they are
    #: expand only: "benders" solves the capacities in a master problem and the dispatch as a sub-problem
    #: (gzpower.solve.benders), "none" hands HiGHS the whole LP
    decomposition: Decomposition = "auto"  # auto: Benders for hourly expansions of BENDERS_FROM_HOURS or more
    benders_gap: float = 1e-4  # stop at (upper - lower bound) / upper bound <= this
    benders_max_iterations: int = 50
    benders_start_periods: int | None = 8  # full year: first plan from this many representative days

    def __post_init__(self) -> None:
        # None means "not given" (the CLI's --benders-gap defaults to None) so that the default lives here only
        if self.benders_gap is None:
            self.benders_gap = type(self).benders_gap

    def resolved(self, scenario: Scenario | RunMode) -> SolverSettings:
        """``auto`` made concrete for a scenario (or a bare mode name, "check" / "expand").

        Algorithm: dual simplex solved the full-year check 3x faster than IPM; an expansion over representative
        days by dual simplex up to :data:`SIMPLEX_UP_TO_PERIODS` days and by IPM above, other whole expansions by
        IPM (``make bench``); Benders' sub-problem is a dispatch with fixed capacities, like the check: dual
        simplex. Decomposition: Benders for an hourly expansion of at least
        :data:`BENDERS_FROM_HOURS` that allows unserved energy (every plan must have a feasible dispatch), the
        whole LP otherwise."""
        from dataclasses import replace

        mode = scenario if isinstance(scenario, str) else scenario.mode
        decomposition: Decomposition = self.decomposition
        if decomposition == "auto":
            benders = (
                not isinstance(scenario, str)  # a bare mode name has no horizon: the whole LP
                and mode == "expand"
                and not scenario.periods
                and scenario.hours >= BENDERS_FROM_HOURS
                and scenario.allow_unserved
            )
            decomposition = "benders" if benders else "none"
        algorithm: Algorithm = self.algorithm
        if algorithm == "auto":
            periods = None if isinstance(scenario, str) else scenario.periods
            few_days = periods is not None and periods <= SIMPLEX_UP_TO_PERIODS
            algorithm = "ipm" if mode == "expand" and decomposition != "benders" and not few_days else "simplex"
        return replace(self, algorithm=algorithm, decomposition=decomposition)

    def starts_from_windows(self) -> bool:
        """Whether a cold solve over hours starts from its weeks: asked for, and a simplex algorithm."""
        return self.cold_start == "windows" and self.algorithm in WINDOWED_START_ALGORITHMS

    def effective_dual_tolerance(self) -> float:
        """The dual feasibility tolerance HiGHS runs at: the one given, else :data:`PRICE_DUAL_TOLERANCE` for the
        simplex (prices exact to 0.001 CNY/MWh), else HiGHS's own default."""
        if self.dual_feasibility_tolerance is not None:
            return self.dual_feasibility_tolerance
        if self.algorithm in ("auto", "simplex", "dual-simplex"):
            return PRICE_DUAL_TOLERANCE
        return HIGHS_DEFAULT_DUAL_TOLERANCE

    def highs_options(self) -> dict[str, OptionValue]:
        if self.algorithm == "auto":  # not resolved: the simplex (the extra options still apply)
            tolerance = self.effective_dual_tolerance()
            return {**ALGORITHMS["simplex"], "dual_feasibility_tolerance": tolerance, **self.extra}
        if self.algorithm not in ALGORITHMS:
            raise ValueError(f"unknown algorithm '{self.algorithm}' (choose from {', '.join(ALGORITHMS)})")
        opts: dict[str, OptionValue] = dict(ALGORITHMS[self.algorithm])
        for name in ("primal_feasibility_tolerance", "dual_feasibility_tolerance", "ipm_optimality_tolerance"):
            if getattr(self, name) is not None:
                opts[name] = getattr(self, name)
        opts["dual_feasibility_tolerance"] = self.effective_dual_tolerance()
        opts.update(self.extra)
        return opts

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SolveOutcome:
    status: SolveStatus
    message: str
    objective: float | None  # million CNY
    termination: str
    seconds_handover_and_solve: float
    seconds_highs: float | None
    log: str
    stats: dict[str, Any]  # JSON-ready numbers and words for the manifest's solver_stats
    #: row duals per constraint component: name -> array in the component's own order
    duals: dict[str, np.ndarray] | None = None
    #: reduced costs c - A'y per Var component (matrix interface): name -> array in the component's own order
    reduced_costs: dict[str, np.ndarray] | None = None
    #: the solved LP kept in HiGHS for hot starts (:func:`gzpower.solve.hot.solve_kept`: a ``KeptLP``)
    kept: Any = None

    @property
    def has_solution(self) -> bool:
        return has_solution(self.status) and self.objective is not None


def _status(term: TerminationCondition) -> SolveStatus:
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
    model: pyo.ConcreteModel,
    settings: SolverSettings | None = None,
    want_duals: bool = True,
    tee: bool = False,
    hour_sets: tuple[str, ...] = (),
) -> SolveOutcome:
    """Solve ``model`` by the settings' interface (``hour_sets``: see :func:`solve_matrix`)."""
    settings = settings or SolverSettings()
    if settings.interface == "matrix":
        return solve_matrix(model, settings, want_duals, tee, hour_sets=hour_sets)
    if settings.interface != "pyomo":
        raise ValueError(f"unknown interface '{settings.interface}' (matrix or pyomo)")
    return solve_pyomo(model, settings, want_duals, tee)


def _error_outcome(exc: Exception, started: float, log: str) -> SolveOutcome:
    """HiGHS or the hand-over raised: a solver error, reported with its log, never a traceback."""
    return SolveOutcome(
        "error", f"{MESSAGES['error']}: {exc}", None, "error", time.perf_counter() - started, None, log, {}
    )


def solve_pyomo(model: pyo.ConcreteModel, settings: SolverSettings, want_duals: bool, tee: bool) -> SolveOutcome:
    """Solve through Pyomo's persistent ``highs`` interface (the cross-check of :func:`solve_matrix`)."""
    solver = SolverFactory("highs")
    log = io.StringIO()
    streams: list[TextIO] = [log]
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
    except Exception as exc:
        return _error_outcome(exc, started, log.getvalue())
    elapsed = time.perf_counter() - started
    status = _status(res.termination_condition)
    has_primal = res.solution_status in (SolutionStatus.optimal, SolutionStatus.feasible)
    if status == "time_limit" and not has_primal:
        status, has_primal = "error", False
    stats, highs_seconds = _pyomo_stats(getattr(solver, "_solver_model", None))
    objective = None
    duals = None
    if has_primal and has_solution(status):
        res.solution_loader.load_vars()
        objective = float(pyo.value(model.objective))
        if want_duals and status == "optimal":
            duals = _pyomo_duals(res, model)
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


def _pyomo_stats(highs) -> tuple[dict[str, int | float], float | None]:
    """Size, iterations and residuals of the highspy instance behind Pyomo's interface, and HiGHS's run time
    (nothing when the interface kept no instance)."""
    if highs is None:
        return {}, None
    info = highs.getInfo()
    stats: dict[str, int | float] = {
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
    return stats, float(highs.getRunTime())


def _pyomo_duals(res, model: pyo.ConcreteModel) -> dict[str, np.ndarray] | None:
    """Row duals per constraint component from Pyomo's solution loader (None when it has none)."""
    try:
        found = res.solution_loader.get_duals()
        return {
            comp.name: np.array([found.get(con, np.nan) for con in (comp.values() if comp.is_indexed() else [comp])])
            for comp in model.component_objects(pyo.Constraint, active=True, descend_into=True)
        }
    except Exception:  # duals are optional output: e.g. PDLP without crossover may not give them
        return None


def _highs_status(highs, status) -> SolveStatus:
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

    component: pyo.Constraint  # the component (indexed or scalar; a LinearRows too); Pyomo has no stubs: Any
    start: int
    positions: np.ndarray

    @property
    def count(self) -> int:
        return len(self.positions)


@dataclass
class StandardForm:
    """A Pyomo LP as arrays: ``row_lower <= A x <= row_upper``, ``lower <= x <= upper``, cost ``sense * c``."""

    columns: list  # Pyomo VarData of each column
    blocks: list[RowBlock]  # one per constraint component, in row order
    #: CSR from :func:`standard_form`; :func:`solve_matrix` swaps in the CSC copy HiGHS takes, and Benders drops
    #: it once HiGHS holds its own (scipy has no type stubs: to mypy this is Any)
    A: sp.csr_matrix
    lower: np.ndarray
    upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    cost: np.ndarray
    offset: float
    sense: float  # 1 minimise, -1 maximise
    column_offset: dict[int, int] = field(default_factory=dict)  # id(Var component) -> its first column
    _key_positions: dict[int, dict] = field(default_factory=dict, repr=False)  # id(component) -> index -> position
    _rows: dict[int, list] = field(default_factory=dict, repr=False)  # id(component) -> its ConstraintData

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

    def duals_by_component(self, row_dual: np.ndarray) -> dict[str, np.ndarray]:
        """Row duals per constraint component (name -> array in the component's order; NaN for inactive rows)."""
        out: dict[str, np.ndarray] = {}
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


@dataclass
class _Columns:
    """The columns of a standard form: every Var of the model, component by component in its own order."""

    variables: list  # Pyomo VarData of each column
    offset: dict[int, int]  # id(Var component) -> its first column
    components: list = field(default_factory=list)  # the Var components, in column order
    _number: dict[int, dict[int, int]] = field(default_factory=dict)  # per Var component: id(VarData) -> column

    @classmethod
    def of(cls, model: pyo.ConcreteModel) -> _Columns:
        variables: list = []
        offset: dict[int, int] = {}
        components: list = []
        for var in model.component_objects(pyo.Var, active=True, descend_into=True):
            offset[id(var)] = len(variables)
            components.append(var)
            variables.extend(entries(var))
        return cls(variables, offset, components)

    def numbers_of(self, variables) -> np.ndarray:
        """The columns of some VarData, looked up in their own components only (each component's map made on first
        use, not a map of every column)."""
        out = np.empty(len(variables), dtype=np.int64)
        for i, v in enumerate(variables):
            component = v.parent_component()
            where = self._number.get(id(component))
            if where is None:
                start = self.offset[id(component)]
                where = self._number[id(component)] = {id(e): start + j for j, e in enumerate(entries(component))}
            out[i] = where[id(v)]
        return out

    def bounds(self, inf: float) -> tuple[np.ndarray, np.ndarray]:
        """Column bounds (HiGHS's infinity where Pyomo has none); a fixed variable has both at its value."""
        n_col = len(self.variables)
        lower, upper = np.empty(n_col), np.empty(n_col)
        for var in self.components:
            start = self.offset[id(var)]
            block = slice(start, start + len(var))
            lower[block], upper[block] = _component_bounds(var)
        lower[np.isnan(lower)] = -inf
        upper[np.isnan(upper)] = inf
        for j in np.flatnonzero(np.fromiter((v.fixed for v in self.variables), dtype=bool, count=n_col)):
            lower[j] = upper[j] = float(self.variables[j].value)
        return lower, upper


def _component_bounds(var: pyo.Var) -> tuple[np.ndarray, np.ndarray]:
    """The bounds of one Var component's columns (NaN where there is none): the stored bounds as numbers and the
    domains' bounds applied per distinct domain, in numpy. Evaluating ``VarData.lb`` and ``.ub`` one by one costs
    about half a second on the full year (0.15 s against 0.05 s on a quarter's 352,000 columns); a bound that is
    an expression (a mutable Param) is read that way still."""
    data = entries(var)
    try:
        # a stored bound is a number or None (NaN here); float() refuses a Pyomo expression with TypeError
        lower = np.array([v._lb for v in data], dtype=float)
        upper = np.array([v._ub for v in data], dtype=float)
    except (TypeError, ValueError):
        lower = np.array([v.lb for v in data], dtype=float)
        upper = np.array([v.ub for v in data], dtype=float)
        return lower, upper
    lower[lower == -np.inf] = np.nan
    upper[upper == np.inf] = np.nan
    domains = [v._domain for v in data]
    by_domain: dict[int, tuple] = {}
    for domain in domains:
        if id(domain) not in by_domain:
            by_domain[id(domain)] = domain.bounds()
    for key, (domain_lower, domain_upper) in by_domain.items():
        if domain_lower is None and domain_upper is None:
            continue
        rows: np.ndarray | slice = slice(None)
        if len(by_domain) > 1:
            rows = np.fromiter((id(d) == key for d in domains), dtype=bool, count=len(domains))
        if domain_lower is not None:
            lower[rows] = np.fmax(lower[rows], domain_lower)
        if domain_upper is not None:
            upper[rows] = np.fmin(upper[rows], domain_upper)
    return lower, upper


#: the rows one constraint component hands over: its active positions, their CSR matrix, lower and upper limits
_Rows = tuple[np.ndarray, "sp.csr_matrix", np.ndarray, np.ndarray]


def _matrix_rows(comp: LinearRows, columns: _Columns) -> _Rows:
    """A :class:`~gzpower.model.rows.LinearRows` family: its own CSR matrix with the columns renumbered."""
    import scipy.sparse as sp

    positions = comp.active_rows()
    x_map = np.concatenate(
        [np.arange(columns.offset[id(v)], columns.offset[id(v)] + len(v)) for v in comp.variables]
        or [np.zeros(0, dtype=np.int64)]
    )
    block = comp.matrix[positions] if len(positions) < comp.matrix.shape[0] else comp.matrix
    block = sp.csr_matrix(
        (block.data, x_map[block.indices], block.indptr), shape=(len(positions), len(columns.variables))
    )
    return positions, block, comp.lower[positions], comp.upper[positions]


def _expression_rows(comp, columns: _Columns, inf: float) -> _Rows:
    """Any other constraint component, read row by row from its linear expressions."""
    import scipy.sparse as sp

    data = list(comp.values()) if comp.is_indexed() else [comp]
    positions = np.array([i for i, con in enumerate(data) if con.active], dtype=np.int64)
    coefs: list[float] = []
    cols: list[np.ndarray] = []
    indptr, lo, up = [0], [], []
    for i in positions:
        con = data[i]
        lb, body, ub = con.to_bounded_expression(evaluate_bounds=True)
        c, variables, constant = _linear_terms(body, con.name)
        coefs.extend(c)
        cols.append(columns.numbers_of(variables))
        indptr.append(indptr[-1] + len(variables))
        lo.append(-inf if lb is None else lb - constant)
        up.append(inf if ub is None else ub - constant)
    index = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    matrix = sp.csr_matrix(
        (np.asarray(coefs, dtype=float), index, np.asarray(indptr)), shape=(len(positions), len(columns.variables))
    )
    return positions, matrix, np.asarray(lo, dtype=float), np.asarray(up, dtype=float)


def _objective(model: pyo.ConcreteModel, columns: _Columns) -> tuple[np.ndarray, float, float]:
    """Cost vector, constant and sense (1 minimise, -1 maximise) of the model's one active objective."""
    from gzpower.model.registry import PerEntry, merge_linear
    from gzpower.model.rows import LinearObjective

    objectives = list(model.component_data_objects(pyo.Objective, active=True))
    if len(objectives) != 1:
        raise ValueError(f"the model has {len(objectives)} active objectives; exactly one is needed")
    objective = objectives[0]
    sense = -1.0 if objective.sense == pyo.maximize else 1.0
    deferred = objective.cost_parts() if isinstance(objective, LinearObjective) else None
    if deferred is None:
        coefs, variables, offset = _linear_terms(objective.expr, objective.name)
        weights = np.asarray(coefs, dtype=float)
        return np.bincount(columns.numbers_of(variables), weights, len(columns.variables)), offset, sense
    parts, scale = deferred
    cost: np.ndarray = np.zeros(len(columns.variables), dtype=float)
    others = []
    for part in parts:
        if isinstance(part, PerEntry) and id(part.var) in columns.offset:
            start = columns.offset[id(part.var)]
            # as merge_linear reads them: each coefficient as a float (an array of Python numbers may be dtype object)
            cost[start : start + len(part.var)] += scale * np.asarray(part.coefs, dtype=float)
        else:
            others.append(part)
    coefs, variables, offset = _linear_terms(merge_linear(others, scale=scale), objective.name)
    np.add.at(cost, columns.numbers_of(variables), np.asarray(coefs, dtype=float))
    return cost, offset, sense


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
    columns = _Columns.of(model)
    n_col = len(columns.variables)
    lower, upper = columns.bounds(inf)
    blocks: list[RowBlock] = []
    parts: list[sp.csr_matrix] = []
    lowers: list[np.ndarray] = []
    uppers: list[np.ndarray] = []
    n_row = 0
    for comp in model.component_objects(pyo.Constraint, active=True, descend_into=True):
        rows = _matrix_rows(comp, columns) if isinstance(comp, LinearRows) else _expression_rows(comp, columns, inf)
        positions, matrix, lo, up = rows
        parts.append(matrix)
        lowers.append(lo)
        uppers.append(up)
        blocks.append(RowBlock(comp, n_row, positions))
        n_row += len(positions)
    A = sp.vstack(parts, format="csr") if parts else sp.csr_matrix((0, n_col))
    row_lower = np.concatenate(lowers) if lowers else np.zeros(0)
    row_upper = np.concatenate(uppers) if uppers else np.zeros(0)
    row_lower[row_lower == -np.inf] = -inf
    row_upper[row_upper == np.inf] = inf
    cost, offset, sense = _objective(model, columns)
    return StandardForm(
        columns.variables, blocks, A, lower, upper, row_lower, row_upper, cost, offset, sense, columns.offset
    )


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


def pass_form(highs, form: StandardForm) -> None:
    """Hand a standard form to ``highs`` (:func:`pass_lp`)."""
    pass_lp(highs, form.A, form.cost, form.lower, form.upper, form.row_lower, form.row_upper, form.offset, form.sense)


def solve_matrix(
    model: pyo.ConcreteModel,
    settings: SolverSettings,
    want_duals: bool = True,
    tee: bool = False,
    keep: Callable[[Any, StandardForm], Any] | None = None,
    hour_sets: tuple[str, ...] = (),
    cut: Windows | None = None,
) -> SolveOutcome:
    """Compile the model to sparse arrays, solve them in highspy, and load the solution back into Pyomo. With
    ``keep``, an optimal LP with a valid basis stays in its HiGHS instance: ``outcome.kept = keep(highs, form)``
    (:func:`gzpower.solve.hot.solve_kept`). With ``hour_sets`` (the names of the sets that index hours) a simplex
    solve over enough weeks starts from its weeks' joined bases (:func:`gzpower.solve.windows.cold_start`; ``cut``:
    other windows than weeks) unless ``settings.cold_start`` is "plain"."""
    started = time.perf_counter()
    form = standard_form(model)
    highs = new_highs(settings, tee)
    form.A = form.A.tocsc()  # HiGHS takes columns; the row-wise copy is not kept
    ranges = coefficient_ranges(form.A.data, form.lower, form.upper, form.cost, form.row_lower, form.row_upper)
    report_ranges(ranges)
    # the log file is created last, right before the try that removes it again on any interruption
    log_path = attach_log(highs, "gzpower-highs-")
    try:
        pass_form(highs, form)
        start = _windowed_cold_start(highs, form, model, settings, hour_sets, cut, started)
        handed_over = time.perf_counter()
        run_interruptible(highs)
    except Exception as exc:
        return _error_outcome(exc, started, read_log(log_path))
    except BaseException:  # interrupted: leave no temporary log behind
        read_log(log_path)
        raise
    model_status = highs.getModelStatus()
    status = _highs_status(highs, model_status)
    info = highs.getInfo()
    # the weeks' HiGHS seconds count as HiGHS time (seconds_highs), not as hand-over
    stats = _matrix_stats(highs, form, model_status, handed_over - started - (start.seconds_highs if start else 0.0))
    stats["coefficient_ranges"] = ranges.to_dict()
    stats["cold_start"] = "windows" if start is not None else "plain"
    stats["cold_start_windows"] = start.stats() if start is not None else {}
    has_primal = int(info.primal_solution_status) == 2  # kSolutionStatusFeasible
    message = MESSAGES[status]
    if status == "time_limit" and not has_primal:
        status = "error"
        message = (
            f"HiGHS stopped ({highs.modelStatusToString(model_status).lower()}) before it had a feasible "
            "solution: nothing to report (raise --time-limit or the iteration limit)"
        )
    obj_value, duals, reduced_costs = None, None, None
    if has_solution(status) and has_primal:
        duals, reduced_costs = _load_solution(highs, form, model, stats, want_duals and status == "optimal")
        obj_value = float(info.objective_function_value)
    elapsed = time.perf_counter() - started
    outcome = SolveOutcome(
        status,
        message,
        obj_value,
        highs.modelStatusToString(model_status),
        elapsed,
        float(highs.getRunTime()) + (start.seconds_highs if start is not None else 0.0),
        read_log(log_path),
        stats,
        duals,
        reduced_costs,
    )
    if keep is not None and status == "optimal" and highs.getBasis().valid:
        outcome.kept = keep(highs, form)
    return outcome


def _windowed_cold_start(
    highs, form: StandardForm, model, settings: SolverSettings, hour_sets, cut: Windows | None, started: float
):
    """Set the windowed start on ``highs`` (which holds ``form``) when it applies: given hour sets, a simplex
    algorithm, a minimisation and enough weeks; the start's record, or None (HiGHS starts as it would)."""
    if not hour_sets or not settings.starts_from_windows() or form.sense < 0:
        return None
    start = cold_start(form, model, hour_sets, settings.highs_options(), cut or WEEKS)
    if start is None:
        return None
    highs.setBasis(to_basis(start.col_status, start.row_status))
    if settings.time_limit is not None:  # the windows' time counts against the limit
        highs.setOptionValue("time_limit", max(float(settings.time_limit) - (time.perf_counter() - started), 1e-3))
    return start


def _matrix_stats(highs, form: StandardForm, model_status, seconds_handover: float) -> dict[str, object]:
    """Size, iterations, HiGHS's own residuals and status of a finished matrix solve (for the manifest)."""
    info = highs.getInfo()
    return {
        "interface": "matrix",
        "rows": form.n_rows,
        "columns": len(form.columns),
        "nonzeros": int(form.A.nnz),
        "simplex_iterations": int(info.simplex_iteration_count),
        "ipm_iterations": int(info.ipm_iteration_count),
        "pdlp_iterations": int(info.pdlp_iteration_count),
        "max_primal_infeasibility": float(info.max_primal_infeasibility),
        "max_dual_infeasibility": float(info.max_dual_infeasibility),
        "max_primal_residual_error": _finite(info.max_primal_residual_error),
        "max_dual_residual_error": _finite(info.max_dual_residual_error),
        "primal_solution_status": int(info.primal_solution_status),
        "dual_solution_status": int(info.dual_solution_status),
        "seconds_handover": seconds_handover,
        "highs_model_status": highs.modelStatusToString(model_status),
    }


def _load_solution(
    highs, form: StandardForm, model: pyo.ConcreteModel, stats: dict[str, object], want_duals: bool
) -> tuple[dict[str, np.ndarray] | None, dict[str, np.ndarray] | None]:
    """Set every column's value in Pyomo and add our violation check to ``stats``; the row duals and reduced
    costs per component when ``want_duals`` and HiGHS has valid duals (else None, None)."""
    solution = highs.getSolution()
    dual_ok = want_duals and solution.dual_valid
    return load_values(
        form,
        model,
        stats,
        np.asarray(solution.col_value, dtype=float),
        np.asarray(solution.row_dual, dtype=float) if dual_ok else None,
        np.asarray(solution.col_dual, dtype=float) if dual_ok else None,
    )


def load_values(
    form: StandardForm,
    model: pyo.ConcreteModel,
    stats: dict[str, object],
    x: np.ndarray,
    row_dual: np.ndarray | None,
    col_dual: np.ndarray | None,
) -> tuple[dict[str, np.ndarray] | None, dict[str, np.ndarray] | None]:
    """Set every column's value ``x`` in Pyomo, add our violation check to ``stats``, and return the row duals and
    reduced costs per component (None, None without duals)."""
    for var, value in zip(form.columns, x.tolist()):
        var.set_value(value, skip_validation=True)
    # Our own residual check, in original (unscaled) units: HiGHS reports its residual errors only after
    # some algorithms (Infinity otherwise), so the manifest always gets this one.
    activity = form.A @ x if len(form.columns) else np.zeros(form.n_rows)
    stats["max_row_violation"] = violation(form.row_lower, activity, form.row_upper)
    stats["max_bound_violation"] = violation(form.lower, x, form.upper)
    if row_dual is None or col_dual is None:
        return None, None
    duals = form.duals_by_component(row_dual)
    reduced_costs = {
        var.name: form.values_of(col_dual, var)
        for var in model.component_objects(pyo.Var, active=True, descend_into=True)
    }
    return duals, reduced_costs


def violation(lower: np.ndarray, value: np.ndarray, upper: np.ndarray) -> float:
    """Largest amount by which ``value`` leaves ``[lower, upper]`` (0 when it stays inside)."""
    return float(max(0.0, np.max(lower - value, initial=0.0), np.max(value - upper, initial=0.0)))


def _finite(value) -> float | None:
    """HiGHS reports Infinity for quantities it did not compute; the manifest (JSON) says null instead."""
    value = float(value)
    return value if np.isfinite(value) else None
