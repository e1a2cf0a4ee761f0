"""Least-cost expansion by Benders decomposition, stabilised by the level method: the full-year optimum on 2 cores.

Why. Handed to HiGHS in one piece, the full-year 2030 expansion LP (1.5 million rows) did not finish in 25 minutes
with interior point or simplex; the same LP with the capacities fixed is a full-year dispatch that dual simplex
solves in about 25 s (``make bench``). Benders keeps that split: a small master problem over the capacities, and
the full-year dispatch as the sub-problem.

Formulation. The columns of the expansion LP split into the investment decisions :math:`K` (capacity added per
element: the Vars registered with :meth:`Registry.invest`) and the dispatch :math:`x`:

.. math::

    \\min\\; c_K^\\top K + c_x^\\top x \\quad\\text{s.t.}\\quad G K \\lessgtr h,\\;\\; A x + B K \\lessgtr b,
    \\;\\; \\text{bounds on } K, x

where :math:`G K \\lessgtr h` are the rows over capacities alone (the plan floors). The cost of a plan over the
horizon, :math:`F(K) = c_K^\\top K + \\min_x \\{c_x^\\top x : A x \\lessgtr b - B K\\}`, is convex and piecewise
linear. One dispatch solve at :math:`K_i` gives its value :math:`f_i = F(K_i)` and a subgradient
:math:`g_i = c_K - B^\\top y_i`, the reduced costs of the capacity columns fixed at :math:`K_i`; hence the cut
:math:`F(K) \\ge f_i + g_i^\\top (K - K_i)`.

- upper bound :math:`UB = \\min_i f_i` (a plan and its optimal operation over the horizon);
- lower bound :math:`LB = \\min\\{\\theta : \\theta \\ge f_i + g_i^\\top (K - K_i)\\; \\forall i,\\; G K \\lessgtr h,\\;
  K \\text{ bounds}\\}` (an LP over :math:`K`; valid because every cut under-estimates :math:`F`);
- next plan (level method; Lemaréchal, Nemirovskii & Nesterov 1995, Math. Programming 69):
  :math:`K_{i+1} = \\arg\\min \\lVert K - \\hat K\\rVert_2^2` s.t. :math:`f_j + g_j^\\top (K - K_j) \\le LB +
  \\lambda (UB - LB)\\; \\forall j`, :math:`G K \\lessgtr h`, :math:`K` bounds (a small convex QP, HiGHS), with
  :math:`\\hat K` the best plan so far and :math:`\\lambda` = :data:`LEVEL`.

Stop when :math:`(UB - LB) / |UB|` is at most the gap asked for. Plain cutting planes (Kelley: the next plan is
the LB problem's minimiser) zig-zag between the districts' near-equivalent sites: on the full year they stalled at
a 2 % gap after seven dispatch solves, where the level step reached 5e-5 in three.

Warm start. The dispatch stays one HiGHS model: a new plan only changes the bounds of the capacity columns
(fixed at :math:`K_i`). The first solve, and any while the last gap is above :data:`WARM_FROM_GAP` (the level
step still moves the plan far), are cold: presolve, then dual simplex. Below it a re-solve starts from the previous
solve's basis (HiGHS skips presolve then, so each iteration costs more) with a simplex iteration limit of
:data:`WARM_ITERATION_SHARE` times the first solve's; an attempt that stops on it is followed by a cold solve. On
the full-year 2030 expansion at the default gap the warm third solve took 22,431 simplex iterations against
316,608 cold for the same plan, though more seconds (155 s against 81 s); what paid was its cut. The dispatch is
degenerate, so :math:`F` has many subgradients at a plan and the one HiGHS returns depends on the basis it ends
at: the warm solve's closed the gap to 7.5e-5 (three dispatch solves, 435 s), where fourteen cold solves (1,505 s
of HiGHS) had not reached 1e-4. The answer is unchanged: both runs' best plan is the first, at the same cost.

A cold solve starts from the dispatch's weeks (``settings.cold_start`` "windows", :mod:`gzpower.solve.windows`;
the capacities fixed at the plan sit in the first week) rather than from presolve. On the full-year 2030
expansion (2026-12-04) that made the first cold solve slower (114.3 s against 61.7 s) but its cut better (a gap of
0.0087 after it against 0.037): 3 dispatch solves and 262.8 s in all against 11 and 1,078.3 s, the objectives
within the gap. Again it is the subgradient that paid, not the solve. Two changes then made the solves
themselves fast (2026-12-04 evening, ``make bench``): the weeks solve each unit's hourly limit under its fixed
capacity as a bound rather than a row (:class:`gzpower.solve.windows._SingleColumnRows`; the weeks 43.6 s to
8.2 s), and every run from a basis goes without the dual simplex's cost perturbation (:data:`FROM_A_BASIS_OPTIONS`;
the first dispatch's whole-LP solve from its weeks 120.9 s to 4.5 s). At the default gap the full year took 68.8 s
(3 dispatch solves) against 250.8 s the same day, at 1e-6 97.8 s (9 solves) against 343.0 s, the same plans.

The answer is the best plan with its optimal full-year dispatch: values, balance prices and reduced costs come
from that dispatch solve, so a Benders run writes the same tables as a monolithic one. Duals of the rows over
capacities alone (the plan floors) live in the master and are not reported.

The first plan is the caller's (the full-year run passes a representative-day expansion's answer:
:func:`gzpower.studies.expansion.start_plan`): a good start, and its full-year cost :math:`F(K_0)` is the usual
measure of what an aggregated design is worth over the real year.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pyomo.environ as pyo

from gzpower import progress
from gzpower.solve.handover import outer_of_entries
from gzpower.solve.highs import (
    MESSAGES,
    SolveOutcome,
    SolverSettings,
    new_highs,
    pass_form,
    run_interruptible,
    standard_form,
    violation,
)
from gzpower.solve.logs import attach_log, read_log
from gzpower.solve.windows import (
    WEEKS,
    StartLP,
    WindowedStart,
    Windows,
    column_hours,
    quiet_highs,
    to_basis,
    window_count,
    windowed_start,
)
from gzpower.types import SolveStatus

if TYPE_CHECKING:
    import highspy

#: the level parameter lambda of the level method: the next plan must bring the cut model down to
#: LB + LEVEL * (UB - LB); 0.3 is the customary value (Lemaréchal et al. 1995 analyse 0 < lambda < 1)
LEVEL = 0.3

#: a dispatch re-solve starts from the previous solve's basis once the last gap is at most this: the level step
#: then moves the plan little. Above it the plan moves far (the full year's second plan: 482 MW from the first)
#: and a cold solve is the safe one. Measured on the full-year 2030 expansion at the default gap (the 8-day plan
#: first): cold only, 14 dispatch solves of 317,000-451,000 simplex iterations (80-134 s each) had not reached
#: the gap after 1,505 s of HiGHS; with this, the third solve (gap 1.5e-4 before it) ran warm in 22,431
#: iterations and its cut closed the gap to 7.5e-5: 3 solves, 435 s in all. 0 turns the warm start off
WARM_FROM_GAP = 1e-2
#: a warm re-solve is abandoned for a cold one past this share of the first, cold solve's simplex iterations.
#: Without presolve an iteration costs far more: on the full year the warm solve above took 155 s for 22,431
#: iterations (7 % of the first solve's 322,493), the cold solve of the same plan 81 s for 316,608, 27x per
#: iteration. So the limit is kept near what warm solves need (7 % on the full year, 4-18 % on a week) rather than
#: the earlier 25 %, which would let a failing attempt run ~80,000 iterations (some 9 minutes) before the cold one
WARM_ITERATION_SHARE = 0.1
#: HiGHS options of a dispatch solve that starts from a basis (warm, or cold from its weeks), unless the user's
#: settings name them: the dual simplex without its cost perturbation. From a basis that is nearly optimal (the
#: weeks' joined one: primal feasible, some hundred dual infeasibilities at the weeks' seams) the perturbed costs
#: make the basis primal infeasible again where the dispatch is degenerate, and once the perturbation is taken
#: off, a primal clean-up repairs the dual infeasibilities it leaves. Measured on the full-year 2030 expansion's
#: first dispatch (every capacity at its lower bound; 2026-12-04, one-off script, two processes side by side):
#: from the same joined basis 55,609 iterations and 120.9 s with the perturbation (of which about 29,000
#: iterations and 113 s in the primal clean-up) against 7,060 and 4.5 s without, the same objective to 5e-16.
#: The whole Benders run at the default gap: 257.6 s (HiGHS 231.6 s) to 80.6 s (55.4 s), the same three dispatch
#: solves and the same best plan, objective 255,181.1226 MCNY. A plain cold solve (presolve, then HiGHS's own
#: start) and the weeks themselves keep the perturbation: there it pays (the weeks from their slack bases took
#: 100.5 s without it against 36.3 s with it), and so does the check's plan LP (its whole-LP solve from the same
#: kind of start: 80,285 iterations and 16.3 s without against 22,166 and 13.1 s with), and so do the check's
#: counterfactuals hot from the plan's LP (2030 without gas 14.5 s of HiGHS with it against 26.4 s without, storage
#: 6.2 against 9.2 s, demand response 12.4 against 18.6 s; the objectives equal to 4e-12).
FROM_A_BASIS_OPTIONS: dict[str, float] = {"dual_simplex_cost_perturbation_multiplier": 0.0}


@dataclass
class BendersIteration:
    iteration: int
    value: float  # F(K_i): cost of this plan over the horizon, million CNY
    upper_bound: float  # best F so far
    lower_bound: float  # min of the cut model
    gap: float  # (UB - LB) / |UB|
    seconds_dispatch: float  # HiGHS, the dispatch sub-problem
    seconds_master: float  # HiGHS, the LB LP and the level QP
    largest_move: float  # max |K_i - K_best| (MW or MWh)
    warm_start: bool = False  # the dispatch ended warm, from the previous solve's basis (no presolve)
    simplex_iterations: int = 0  # of the dispatch, a warm attempt abandoned for a cold solve included
    seconds_weeks: float = 0.0  # HiGHS, the weeks a cold dispatch started from (part of seconds_dispatch)


@dataclass
class _Dispatch:
    """One dispatch solve kept as the best so far: the plan, its cost and HiGHS's solution arrays."""

    value: float
    plan: np.ndarray
    primal: np.ndarray
    row_dual: np.ndarray
    col_dual: np.ndarray
    row_activity: np.ndarray


@dataclass
class _DispatchWindows:
    """What a cold dispatch needs to start from its weeks (:mod:`gzpower.solve.windows`): the dispatch LP's arrays
    (the master's rows free) and each column's hour, the capacities put at the first hour (fixed at the plan)."""

    lp: StartLP
    hours: np.ndarray
    options: dict[str, Any]
    cut: Windows

    @classmethod
    def of(cls, form, model, split: _Split, settings: SolverSettings, hour_sets, cut: Windows):
        """None when the start does not apply: no hour sets, the plain start asked for, or too few weeks."""
        import highspy

        if not hour_sets or not settings.starts_from_windows():
            return None
        hours = column_hours(model, hour_sets, hourless=-1)
        if hours is None:
            return None
        hours[hours < 0] = hours[hours >= 0].min() if (hours >= 0).any() else 0
        if window_count(hours, cut.hours) < cut.minimum:
            return None
        row_lower, row_upper = form.row_lower.copy(), form.row_upper.copy()
        row_lower[split.master_rows], row_upper[split.master_rows] = -highspy.kHighsInf, highspy.kHighsInf
        lp = StartLP.cold(form.A.tocsc(), form.lower.copy(), form.upper.copy(), form.cost, row_lower, row_upper)
        return cls(lp, hours, settings.highs_options(), cut)

    def start(self, plan: np.ndarray, cols: np.ndarray) -> WindowedStart | None:
        """The weeks' joined start for the dispatch of ``plan`` (None: a week was not solved to optimality)."""
        self.lp.lower[cols] = self.lp.upper[cols] = plan
        self.lp.x0[cols] = plan
        return windowed_start(self.lp, self.hours, quiet_highs, self.options, self.cut)


def capacities_of(model: pyo.ConcreteModel, investments) -> dict:
    """Capacity decisions of a solved expansion model: (var name, index) -> value."""
    return {(var.name, k): float(v.value or 0.0) for var in investments for k, v in var.items()}


@dataclass
class _Split:
    """The expansion LP split for Benders: the capacity columns, and the rows over capacities alone (the master's,
    as CSR arrays over the capacity positions)."""

    cols: np.ndarray  # int32 columns of the investment decisions
    keys: list  # (var name, index) of each
    lower: np.ndarray
    upper: np.ndarray
    master_rows: np.ndarray  # int32
    G_indptr: np.ndarray
    G_index: np.ndarray
    G_value: np.ndarray


@dataclass
class _Iterations:
    """Where the Benders loop stopped: the status, every iteration, the best dispatch, the last lower bound."""

    status: SolveStatus
    history: list[BendersIteration]
    best: _Dispatch
    lower_bound: float


def solve_benders(
    model: pyo.ConcreteModel,
    investments: list,
    settings: SolverSettings,
    start: dict | None = None,
    want_duals: bool = True,
    on_iteration=progress.benders_iteration,
    hour_sets: tuple[str, ...] = (),
    cut: Windows = WEEKS,
) -> SolveOutcome:
    """Solve an expansion model by Benders decomposition; the best plan and its dispatch are loaded into
    ``model``. ``start`` maps (var name, index) to a first plan (default: every capacity at its lower bound).
    ``on_iteration`` is called with each :class:`BendersIteration` (default: one progress line). With ``hour_sets``
    a cold dispatch starts from its weeks' joined bases (``settings.cold_start``; ``cut``: other windows)."""
    import highspy

    started = time.perf_counter()
    inf = highspy.kHighsInf
    form = standard_form(model)
    split = _split(form, investments)
    lb_lp, level_qp = _masters(settings, form, split)
    sub = new_highs(replace(settings, time_limit=None))
    log_path = attach_log(sub, "gzpower-benders-")
    try:
        pass_form(sub, form)
        weeks = _DispatchWindows.of(form, model, split, settings, hour_sets, cut)
        # HiGHS holds its own copy (the weeks theirs); row activities (the master's rows too: left free, not
        # removed) come from it
        nonzeros, form.A = int(form.A.nnz), None
        rows = split.master_rows
        sub.changeRowsBounds(len(rows), rows, np.full(len(rows), -inf), np.full(len(rows), inf))
        handed_over = time.perf_counter()
        done = _iterate(sub, lb_lp, level_qp, split, settings, start, started, on_iteration, weeks)
        if not isinstance(done, _Iterations):  # a dispatch failed with this status
            return _failed(sub, done, started, log_path, form)
    except BaseException:
        read_log(log_path)
        raise
    for var, v in zip(form.columns, done.best.primal.tolist()):
        var.set_value(v, skip_validation=True)
    stats: dict[str, Any] = {
        "interface": "benders",
        "rows": form.n_rows,
        "columns": len(form.columns),
        "nonzeros": nonzeros,
        "benders_iterations": len(done.history),
        "benders_lower_bound": done.lower_bound,
        "benders_gap": done.history[-1].gap,
        "benders_history": [vars(h) for h in done.history],
        "cold_start": "windows" if weeks is not None else "plain",  # of the cold dispatch solves
        "master_rows": len(split.master_rows),
        "capacity_columns": len(split.cols),
        "seconds_handover": handed_over - started,
        "max_row_violation": violation(form.row_lower, done.best.row_activity, form.row_upper),
        "highs_model_status": "Optimal" if done.status == "optimal" else "Iteration or time limit",
    }
    duals, reduced_costs = _duals(model, form, split, done.best) if want_duals else (None, None)
    log = _history_text(done.history) + "\n" + read_log(log_path)
    return SolveOutcome(
        done.status,
        _message(done),
        done.best.value,
        stats["highs_model_status"],
        time.perf_counter() - started,
        sum(h.seconds_dispatch + h.seconds_master for h in done.history),
        log,
        stats,
        duals,
        reduced_costs,
    )


def _split(form, investments: list) -> _Split:
    """The capacity columns (each with a finite largest size) and the rows over capacities alone."""
    import highspy

    cols = np.concatenate(
        [np.arange(form.column_offset[id(v)], form.column_offset[id(v)] + len(v)) for v in investments if len(v)]
        or [np.zeros(0, dtype=np.int64)]
    ).astype(np.int32)
    keys = [(v.name, k) for v in investments for k in v.keys()]
    n = len(cols)
    lower, upper = form.lower[cols].copy(), form.upper[cols].copy()
    unbounded = np.flatnonzero(upper >= highspy.kHighsInf)
    if n == 0:
        raise ValueError("Benders needs investment decisions: this model has no extendable element (mode check?)")
    if unbounded.size:
        name, k = keys[unbounded[0]]
        raise ValueError(
            f"Benders needs a finite largest size for every extendable element: {name}[{k}] has none (set p_nom_max)"
        )
    # rows over capacities alone go to the master; the sub-problem leaves them free (the master keeps them)
    A = form.A.tocsr()
    in_master = np.zeros(A.shape[1], dtype=bool)
    in_master[cols] = True
    row_of_entry = outer_of_entries(A.indptr)
    entries = np.bincount(row_of_entry, minlength=A.shape[0])
    on_capacity = np.bincount(row_of_entry, weights=in_master[A.indices], minlength=A.shape[0])
    master_rows = np.flatnonzero((entries > 0) & (on_capacity == entries)).astype(np.int32)
    position = np.full(A.shape[1], -1)
    position[cols] = np.arange(n)
    G = A[master_rows]
    G_indptr, G_index, G_value = G.indptr[:-1].astype(np.int32), position[G.indices].astype(np.int32), G.data
    return _Split(cols, keys, lower, upper, master_rows, G_indptr, G_index, G_value)


def _masters(settings: SolverSettings, form, split: _Split) -> tuple:
    """The lower-bound LP (capacities and theta, the cut model's value) and the level QP (capacities), both over
    the rows on capacities alone; the cuts are added as the iterations find them."""
    import highspy

    inf = highspy.kHighsInf
    n, lower, upper = len(split.cols), split.lower, split.upper
    lb_lp = _quiet_highs(settings)
    lb_lp.addVars(n + 1, np.r_[lower, -inf], np.r_[upper, inf])
    lb_lp.changeColsCost(n + 1, np.arange(n + 1, dtype=np.int32), np.r_[np.zeros(n), 1.0])
    level_qp = _quiet_highs(settings)
    level_qp.addVars(n, lower, upper)
    level_qp.passHessian(n, n, 1, np.arange(n + 1, dtype=np.int32), np.arange(n, dtype=np.int32), np.ones(n))
    rows = split.master_rows
    for master in (lb_lp, level_qp):
        master.addRows(
            len(rows),
            form.row_lower[rows],
            form.row_upper[rows],
            len(split.G_value),
            split.G_indptr,
            split.G_index,
            split.G_value,
        )
    return lb_lp, level_qp


def _warm_limit(history: list[BendersIteration], cold_iterations: int) -> int | None:
    """The iteration limit of a warm re-solve, or None: the next dispatch is solved cold."""
    if history and history[-1].gap <= WARM_FROM_GAP and cold_iterations:
        return max(1, int(WARM_ITERATION_SHARE * cold_iterations))
    return None


def _solve_dispatch(
    sub,
    plan: np.ndarray,
    cols: np.ndarray,
    settings: SolverSettings,
    started: float,
    warm_limit: int | None,
    weeks: _DispatchWindows | None = None,
) -> tuple[float, bool, int, float]:
    """Fix the plan's capacities and solve its dispatch: seconds, whether it ended warm, simplex iterations (the
    weeks' included), the weeks' HiGHS seconds.

    ``warm_limit`` None: a cold solve, from the weeks' joined bases with ``weeks`` (else presolve, then dual
    simplex). Otherwise the solve starts from the previous solve's basis (HiGHS then skips presolve) with at most
    ``warm_limit`` simplex iterations; a warm attempt that ends any other way than optimal or out of time (the
    iteration limit above all) is followed by a cold solve."""
    import highspy

    sub.changeColsBounds(len(cols), cols, plan, plan)
    t = time.perf_counter()
    warm_iterations = 0
    if warm_limit is not None:
        sub.setOptionValue("simplex_iteration_limit", int(warm_limit))
        try:
            with _from_a_basis(sub, settings):
                _run(sub, settings, started)
        finally:
            sub.setOptionValue("simplex_iteration_limit", highspy.kHighsIInf)
        warm_iterations = int(sub.getInfo().simplex_iteration_count)
        if sub.getModelStatus() in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kTimeLimit):
            return time.perf_counter() - t, True, warm_iterations, 0.0
    sub.clearSolver()
    start = weeks.start(plan, cols) if weeks is not None else None
    if start is not None:
        sub.setBasis(to_basis(start.col_status, start.row_status))
    with _from_a_basis(sub, settings) if start is not None else nullcontext():
        _run(sub, settings, started)
    week_iterations, week_seconds = (start.iterations, start.seconds_highs) if start is not None else (0, 0.0)
    iterations = warm_iterations + week_iterations + int(sub.getInfo().simplex_iteration_count)
    return time.perf_counter() - t, False, iterations, week_seconds


@contextmanager
def _from_a_basis(sub, settings: SolverSettings) -> Iterator[None]:
    """:data:`FROM_A_BASIS_OPTIONS` on ``sub`` for one run (those the user's settings name excepted), its own
    values back after it."""
    options = {key: value for key, value in FROM_A_BASIS_OPTIONS.items() if key not in settings.extra}
    own = {key: sub.getOptionValue(key)[1] for key in options}
    for key, value in options.items():
        sub.setOptionValue(key, value)
    try:
        yield
    finally:
        for key, value in own.items():
            sub.setOptionValue(key, value)


def _run(sub, settings: SolverSettings, started: float) -> None:
    """One HiGHS run within what is left of the time limit."""
    if settings.time_limit is not None:
        sub.setOptionValue("time_limit", max(1.0, settings.time_limit - (time.perf_counter() - started)))
    run_interruptible(sub)


def _dispatch_of(value: float, plan: np.ndarray, solution) -> _Dispatch:
    """The dispatch of ``plan`` kept as the best so far: its cost, plan, primal and dual values."""
    names = ("col_value", "row_dual", "col_dual", "row_value")
    return _Dispatch(value, plan.copy(), *(np.array(getattr(solution, name), dtype=float) for name in names))


def _iterate(
    sub,
    lb_lp,
    level_qp,
    split: _Split,
    settings: SolverSettings,
    start: dict | None,
    started: float,
    on_iteration=None,
    weeks: _DispatchWindows | None = None,
) -> _Iterations | highspy.HighsModelStatus:
    """Dispatch a plan, add its cut, bound, step to the next plan, until the gap, the iteration or the time limit;
    HiGHS's status when a dispatch fails (any failure but a time limit once some plan has its dispatch)."""
    import highspy

    inf = highspy.kHighsInf
    cols, lower, upper, n = split.cols, split.lower, split.upper, len(split.cols)
    plan = np.clip([float((start or {}).get(key, lo)) for key, lo in zip(split.keys, lower)], lower, upper)
    history: list[BendersIteration] = []
    cuts: list[tuple[float, np.ndarray, np.ndarray]] = []
    best: _Dispatch | None = None  # the cheapest plan so far and its dispatch
    lower_bound = -np.inf
    status: SolveStatus = "time_limit"
    cold_iterations = 0  # simplex iterations of the first, cold dispatch solve
    while True:
        warm_limit = _warm_limit(history, cold_iterations)
        t_sub, warm, iterations, t_weeks = _solve_dispatch(sub, plan, cols, settings, started, warm_limit, weeks)
        if not history:
            cold_iterations = iterations
        model_status = sub.getModelStatus()
        if model_status != highspy.HighsModelStatus.kOptimal:
            if best is not None and model_status == highspy.HighsModelStatus.kTimeLimit:
                break
            return model_status
        value = float(sub.getInfo().objective_function_value)
        solution = sub.getSolution()
        subgradient = np.asarray(solution.col_dual)[cols]
        if best is None or value < best.value:
            best = _dispatch_of(value, plan, solution)
        del solution
        cuts.append((value, subgradient, plan.copy()))
        t_master = time.perf_counter()
        lb_lp.addRow(value - subgradient @ plan, inf, n + 1, np.arange(n + 1, dtype=np.int32), np.r_[-subgradient, 1.0])
        lb_lp.run()
        lower_bound = max(lower_bound, float(lb_lp.getInfo().objective_function_value))
        upper_bound = best.value
        gap = (upper_bound - lower_bound) / max(abs(upper_bound), 1e-9)
        next_plan = plan
        if gap > settings.benders_gap and len(history) + 1 < settings.benders_max_iterations:
            stepped = _level_step(level_qp, cuts, best.plan, lower_bound + LEVEL * (upper_bound - lower_bound))
            # None: the QP failed numerically, so take the cutting-plane step instead
            next_plan = (
                np.clip(np.asarray(lb_lp.getSolution().col_value)[:n], lower, upper) if stepped is None else stepped
            )
        history.append(
            BendersIteration(
                len(history),
                value,
                upper_bound,
                lower_bound,
                gap,
                t_sub,
                time.perf_counter() - t_master,
                float(np.max(np.abs(plan - best.plan), initial=0.0)),
                warm,
                iterations,
                t_weeks,
            )
        )
        if on_iteration is not None:
            on_iteration(history[-1])
        if gap <= settings.benders_gap:
            status = "optimal"
            break
        if len(history) >= settings.benders_max_iterations or (
            settings.time_limit is not None and time.perf_counter() - started >= settings.time_limit
        ):
            break
        plan = next_plan
    return _Iterations(status, history, best, lower_bound)


def _duals(model: pyo.ConcreteModel, form, split: _Split, best: _Dispatch) -> tuple[dict, dict]:
    """Row duals and reduced costs of the best plan's dispatch; the rows the master kept carry no dispatch dual."""
    duals = form.duals_by_component(best.row_dual)
    for block in form.blocks:
        hidden = np.isin(np.arange(block.start, block.start + block.count), split.master_rows)
        if hidden.any():
            duals[block.component.name][block.positions[hidden]] = np.nan
    reduced_costs = {
        var.name: form.values_of(best.col_dual, var)
        for var in model.component_objects(pyo.Var, active=True, descend_into=True)
    }
    return duals, reduced_costs


def _message(done: _Iterations) -> str:
    gap, solves = done.history[-1].gap, len(done.history)
    if done.status == "optimal":
        return MESSAGES["optimal"] + f" (Benders: {solves} dispatch solves, gap {gap:.1e})"
    return (
        f"Benders stopped after {solves} dispatch solves at a gap of {gap:.2%}: the best plan found is returned, "
        "NOT proven optimal"
    )


def _level_step(level_qp, cuts: list, centre: np.ndarray, level: float) -> np.ndarray | None:
    """The plan nearest ``centre`` whose cut model is at most ``level`` (cut rows are rewritten each time: the
    level moves); None if the QP fails."""
    import highspy

    inf = highspy.kHighsInf
    n = len(centre)
    first_cut = level_qp.getNumRow() - (len(cuts) - 1)
    value, subgradient, plan = cuts[-1]
    level_qp.addRow(-inf, level - value + subgradient @ plan, n, np.arange(n, dtype=np.int32), subgradient)
    for i, (value, subgradient, plan) in enumerate(cuts[:-1]):
        level_qp.changeRowBounds(first_cut + i, -inf, level - value + subgradient @ plan)
    level_qp.changeColsCost(n, np.arange(n, dtype=np.int32), -centre)  # 0.5|K|^2 - centre.K
    level_qp.run()
    if level_qp.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return np.clip(
        np.asarray(level_qp.getSolution().col_value, dtype=float),
        level_qp.getLp().col_lower_,
        level_qp.getLp().col_upper_,
    )


def _quiet_highs(settings: SolverSettings):
    import highspy

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    if settings.threads is not None:
        highs.setOptionValue("threads", int(settings.threads))
    return highs


def _failed(sub, model_status, started: float, log_path: str, form) -> SolveOutcome:
    import highspy

    text = sub.modelStatusToString(model_status)
    status: SolveStatus
    if model_status == highspy.HighsModelStatus.kInfeasible:
        status, message = (
            "infeasible",
            (
                "Benders: the dispatch is infeasible for a plan the master proposed; "
                "Benders needs a dispatch that every plan can run (allow unserved energy)"
            ),
        )
    elif model_status == highspy.HighsModelStatus.kTimeLimit:
        status, message = "error", "Benders: time limit reached before the first plan's dispatch was solved"
    else:
        status, message = "error", f"Benders: the dispatch sub-problem ended with '{text}'"
    return SolveOutcome(
        status,
        message,
        None,
        text,
        time.perf_counter() - started,
        None,
        read_log(log_path),
        {"interface": "benders", "rows": form.n_rows, "columns": len(form.columns)},
    )


def _history_text(history: list[BendersIteration]) -> str:
    lines = [
        "Benders (level method): iteration, F(K_i), upper bound, lower bound, gap, dispatch s, master s, "
        "dispatch simplex iterations, warm (from the previous basis) or cold"
    ]
    lines += [
        f"{h.iteration:3d} {h.value:16.4f} {h.upper_bound:16.4f} {h.lower_bound:16.4f} {h.gap:9.2e} "
        f"{h.seconds_dispatch:8.1f} {h.seconds_master:6.2f} {h.simplex_iterations:9d} "
        f"{'warm' if h.warm_start else 'cold'}"
        for h in history
    ]
    return "\n".join(lines)
