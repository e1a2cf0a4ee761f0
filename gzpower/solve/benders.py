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

Warm start. The dispatch sub-problem stays one HiGHS model: a new plan changes only the capacity columns' bounds.
The first solve, and any taken while the gap is above :data:`WARM_FROM_GAP` (the level step still moves the plan
far), are cold: presolve, then dual simplex. Below it a re-solve starts from the previous basis: on the full year
the third dispatch took 4,905 simplex iterations (7 s) where the cold ones took 253,164 and 458,216 (174 s and
217 s on a loaded machine). A warm solve still unfinished after :data:`WARM_ITERATION_SHARE` of the first solve's
iterations is dropped for a cold one. With it the full year reaches a 1e-6 gap in three dispatch solves.

Multi-cut (``block_hours``, off by default). With the columns of each block's last hour that the next block reads
(state of charge, a ramping unit's output) made master variables :math:`S` beside :math:`K`, the dispatch falls
apart into blocks of consecutive hours, and the duals of the one full dispatch solve split into a cut per block,
:math:`\\theta_b \\ge f_b + g_b^\\top ((K, S) - (K_i, S_i))` with :math:`g_b` from the block's own rows (valid:
each block's columns enter only its rows, so its duals are dual feasible for the block with :math:`K, S`
fixed); the master minimises :math:`c_K^\\top K + c_S^\\top S + \\sum_b \\theta_b`. A row over blocks further
apart (a CO2 cap over the horizon) leaves a single block. Measured, it took as many dispatch solves as one cut
(:data:`BLOCK_HOURS`).

The answer is the best plan with its optimal full-year dispatch: values, balance prices and reduced costs come
from that dispatch solve, so a Benders run writes the same tables as a monolithic one. Duals of the rows over
capacities alone (the plan floors) live in the master and are not reported.

The first plan is the caller's (the full-year run passes a representative-day expansion's answer:
:func:`gzpower.studies.expansion.start_plan`): a good start, and its full-year cost :math:`F(K_0)` is the usual
measure of what an aggregated design is worth over the real year.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pyomo.environ as pyo

from gzpower import progress
from gzpower.solve.highs import (
    MESSAGES,
    SolveOutcome,
    SolverSettings,
    _read_log,
    attach_log,
    highs_lp,
    new_highs,
    run_interruptible,
    standard_form,
    violation,
)
from gzpower.types import SolveStatus

if TYPE_CHECKING:
    import highspy
    import scipy.sparse as sp

#: the level parameter lambda of the level method: the next plan must bring the cut model down to
#: LB + LEVEL * (UB - LB); 0.3 is the customary value (Lemaréchal et al. 1995 analyse 0 < lambda < 1)
LEVEL = 0.3

#: hours per block when the multi-cut is asked for (``block_hours``): one cut per week. Not the default: on the
#: 2030 data it took as many dispatch solves as one aggregated cut (a month from zero: 13 and 13 to a 1e-4 gap;
#: the full year from the 8-day plan: 3 and 3 to 1e-6, the same lower bound after the second to 8 digits), the
#: capacities acting on every week alike
BLOCK_HOURS = 168

#: weight of the linking columns (states at the ends of blocks) against the capacities in the level QP's distance
LINK_WEIGHT = 1e-3
#: seconds the level QP may take before the cutting-plane step is taken instead
MASTER_TIME_LIMIT_S = 30.0

#: a dispatch re-solve starts from the previous basis once the gap is down to this: the level step then moves
#: the plan little. Earlier steps move it far (the full year's second plan, 224 MW from the first, did not finish
#: warm within 5 % of the cold iterations, and the attempt cost twice a cold solve)
WARM_FROM_GAP = 1e-2
#: a warm re-solve is abandoned for a cold one past this share of the first, cold solve's simplex iterations
#: (without presolve an iteration costs more: 1.5x on a month, up to 8x on the full year); on a month the warm
#: re-solves below a 1e-2 gap needed 3-17 % of the cold iterations and took 0.3-0.8 s against 2.2 s
WARM_ITERATION_SHARE = 0.25


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
    warm_start: bool = False  # the dispatch started from the previous plan's basis
    simplex_iterations: int = 0  # of the dispatch solve (a warm attempt abandoned for a cold one included)


@dataclass
class _Dispatch:
    """One dispatch solve kept as the best so far: the plan, its cost and HiGHS's solution arrays."""

    value: float
    plan: np.ndarray
    primal: np.ndarray
    row_dual: np.ndarray
    col_dual: np.ndarray
    row_activity: np.ndarray


def capacities_of(model: pyo.ConcreteModel, investments) -> dict:
    """Capacity decisions of a solved expansion model: (var name, index) -> value."""
    return {(var.name, k): float(v.value or 0.0) for var in investments for k, v in var.items()}


@dataclass
class _Split:
    """The expansion LP split for Benders: the capacity columns, and the rows over capacities alone (the
    sub-problem leaves those free: the master keeps them)."""

    cols: np.ndarray  # int32 columns of the investment decisions
    keys: list  # (var name, index) of each
    lower: np.ndarray
    upper: np.ndarray
    master_rows: np.ndarray  # int32


@dataclass
class _Blocks:
    """The dispatch cut into blocks of consecutive hours for the multi-cut (a single block: one aggregated cut).

    The master's variables are the capacities and the linking columns: the columns of a block's last hour that
    rows of the next block read (state of charge, a ramping unit's output), and any column without an hour. With
    those fixed the dispatch falls apart into independent blocks, so the dual of the one dispatch solve splits
    into a valid cut per block over capacities and linking columns."""

    count: int
    linking: np.ndarray  # int32 columns, free in the dispatch solve, variables of the master
    col_block: np.ndarray  # block of every column; -1: a master variable
    row_block: np.ndarray  # block of every row; -1: a row over master variables only (or no entries)


@dataclass
class _Iterations:
    """Where the Benders loop stopped: the status, every iteration, the best dispatch, the last lower bound."""

    status: SolveStatus
    history: list[BendersIteration]
    best: _Dispatch
    lower_bound: float
    blocks: int


def solve_benders(
    model: pyo.ConcreteModel,
    investments: list,
    settings: SolverSettings,
    start: dict | None = None,
    want_duals: bool = True,
    on_iteration=progress.benders_iteration,
    block_hours: int | None = None,
) -> SolveOutcome:
    """Solve an expansion model by Benders decomposition; the best plan and its dispatch are loaded into
    ``model``. ``start`` maps (var name, index) to a first plan (default: every capacity at its lower bound).
    ``on_iteration`` is called with each :class:`BendersIteration` (default: one progress line).
    ``block_hours``: one cut per block of that many hours (:data:`BLOCK_HOURS` a week; default None: one aggregated
    cut per dispatch solve)."""
    import highspy

    started = time.perf_counter()
    inf = highspy.kHighsInf
    form = standard_form(model)
    if form.sense < 0:
        raise ValueError("Benders minimises: this model maximises")
    split = _split(form, investments)
    blocks = _blocks(model, form, split, block_hours)
    master = _Master(settings, form, split, blocks)
    sub = new_highs(replace(settings, time_limit=None))
    log_path = attach_log(sub, "gzpower-benders-")
    try:
        sub.passModel(highs_lp(form))
        # HiGHS holds its own copy; row activities (the master's rows too: left free, not removed) come from it
        nonzeros, form.A = int(form.A.nnz), None
        rows = split.master_rows
        sub.changeRowsBounds(len(rows), rows, np.full(len(rows), -inf), np.full(len(rows), inf))
        handed_over = time.perf_counter()
        done = _iterate(sub, master, split, settings, start, started, on_iteration)
        if not isinstance(done, _Iterations):  # a dispatch failed with this status
            return _failed(sub, done, started, log_path, form)
    except BaseException:
        _read_log(log_path)
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
        "benders_blocks": done.blocks,
        "benders_linking_columns": len(blocks.linking),
        "master_rows": len(master.rows),
        "capacity_columns": len(split.cols),
        "seconds_handover": handed_over - started,
        "max_row_violation": violation(form.row_lower, done.best.row_activity, form.row_upper),
        "highs_model_status": "Optimal" if done.status == "optimal" else "Iteration or time limit",
    }
    duals, reduced_costs = _duals(model, form, split, done.best) if want_duals else (None, None)
    log = _history_text(done.history) + "\n" + _read_log(log_path)
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
    lower, upper = form.lower[cols].copy(), form.upper[cols].copy()
    unbounded = np.flatnonzero(upper >= highspy.kHighsInf)
    if len(cols) == 0:
        raise ValueError("Benders needs investment decisions: this model has no extendable element (mode check?)")
    if unbounded.size:
        name, k = keys[unbounded[0]]
        raise ValueError(
            f"Benders needs a finite largest size for every extendable element: {name}[{k}] has none (set p_nom_max)"
        )
    in_master = np.zeros(form.A.shape[1], dtype=bool)
    in_master[cols] = True
    return _Split(cols, keys, lower, upper, _rows_within(form.A, in_master))


def _rows_within(A: sp.spmatrix, columns: np.ndarray) -> np.ndarray:
    """The rows (with entries) whose every entry lies in the columns marked True."""
    A = A.tocsr()
    row_of_entry = np.repeat(np.arange(A.shape[0]), np.diff(A.indptr))
    entries = np.bincount(row_of_entry, minlength=A.shape[0])
    inside = np.bincount(row_of_entry, weights=columns[A.indices], minlength=A.shape[0])
    return np.flatnonzero((entries > 0) & (inside == entries)).astype(np.int32)


def _column_hours(model: pyo.ConcreteModel, form) -> np.ndarray | None:
    """The hour of the horizon of every column (-1: a column without one); None when the model has no hour set."""
    hours_set = getattr(model, "T", None)
    if not isinstance(hours_set, pyo.Set):
        return None
    hours = np.full(len(form.columns), -1, dtype=np.int64)
    for var in model.component_objects(pyo.Var, active=True, descend_into=True):
        if not var.is_indexed() or not len(var):
            continue
        subsets = list(var.index_set().subsets())
        where = [i for i, s in enumerate(subsets) if s is hours_set]
        if not where:
            continue
        first = form.column_offset[id(var)]
        if len(subsets) == 1:
            hours[first : first + len(var)] = np.fromiter(var.keys(), dtype=np.int64, count=len(var))
        else:
            pos = where[0]
            hours[first : first + len(var)] = np.fromiter((k[pos] for k in var.keys()), np.int64, count=len(var))
    return hours


def _single_block(form, split: _Split) -> _Blocks:
    """One block: every column but the capacities, every row but those over capacities alone."""
    col_block = np.zeros(len(form.columns), dtype=np.int64)
    col_block[split.cols] = -1
    row_block = np.zeros(form.n_rows, dtype=np.int64)
    row_block[split.master_rows] = -1
    return _Blocks(1, np.zeros(0, dtype=np.int32), col_block, row_block)


def _blocks(model: pyo.ConcreteModel, form, split: _Split, block_hours: int | None) -> _Blocks:
    """The blocks of ``block_hours`` consecutive hours (a last block shorter than half of one joins the one before)
    and their linking columns; a single block when the horizon has fewer than two, or when some row spans more than
    two neighbouring blocks (a CO2 cap over the horizon: no block structure to exploit)."""
    hours = _column_hours(model, form) if block_hours else None
    if hours is None or block_hours is None or hours.max(initial=-1) + 1 < 2 * block_hours:
        return _single_block(form, split)
    n_hours = int(hours.max()) + 1
    count = max(1, round(n_hours / block_hours))
    col_block = np.where(hours >= 0, np.minimum(hours // block_hours, count - 1), -1)
    col_block[split.cols] = -1
    A = form.A.tocsr()
    row_of_entry = np.repeat(np.arange(A.shape[0]), np.diff(A.indptr))
    entries = _linking_entries(row_of_entry, col_block[A.indices], count, form.n_rows)
    if entries is None:
        return _single_block(form, split)
    linking = np.unique(A.indices[entries])
    static = np.flatnonzero(col_block < 0)
    linking = np.union1d(linking, np.setdiff1d(static, split.cols)).astype(np.int32)
    col_block[linking] = -1
    entry_block = col_block[A.indices]
    lowest, highest = _row_extremes(row_of_entry, entry_block, form.n_rows)
    if np.any((highest >= 0) & (lowest != highest)):
        return _single_block(form, split)
    return _Blocks(count, linking, col_block, np.where(highest >= 0, highest, -1))


def _row_extremes(row_of_entry: np.ndarray, entry_block: np.ndarray, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest block of each row's block columns (-1 and -1 for a row with none)."""
    keep = entry_block >= 0
    highest = np.full(n_rows, -1, dtype=np.int64)
    np.maximum.at(highest, row_of_entry[keep], entry_block[keep])
    lowest = np.full(n_rows, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(lowest, row_of_entry[keep], entry_block[keep])
    return np.where(highest >= 0, lowest, -1), highest


def _linking_entries(row_of_entry: np.ndarray, entry_block: np.ndarray, count: int, n_rows: int) -> np.ndarray | None:
    """The entries whose columns link two blocks: in a row over two neighbouring blocks (or the last and the first:
    a cyclic state), the entries outside the block that holds most of the row (the later one on a tie: the
    state at the end of a block is what the next block reads). None when a row spans blocks further apart."""
    lowest, highest = _row_extremes(row_of_entry, entry_block, n_rows)
    spans = (highest >= 0) & (lowest != highest)
    neighbours = (highest - lowest == 1) | ((lowest == 0) & (highest == count - 1))
    if np.any(spans & ~neighbours):
        return None
    at_high = np.bincount(row_of_entry, weights=(entry_block == highest[row_of_entry]), minlength=n_rows)
    at_low = np.bincount(row_of_entry, weights=(entry_block == lowest[row_of_entry]), minlength=n_rows)
    home = np.where(at_high >= at_low, highest, lowest)
    return np.flatnonzero(spans[row_of_entry] & (entry_block >= 0) & (entry_block != home[row_of_entry]))


class _Master:
    """The lower-bound LP and the level QP over the master's variables: capacities K, linking columns S and one
    cut variable theta_b per block; rows over K and S alone, then the cuts as the iterations find them."""

    def __init__(self, settings: SolverSettings, form, split: _Split, blocks: _Blocks) -> None:
        import highspy
        import scipy.sparse as sp

        inf = highspy.kHighsInf
        self.columns = np.r_[split.cols, blocks.linking].astype(np.int32)
        self.blocks = blocks
        self.n_plan, n_z, n_b = len(split.cols), len(self.columns), blocks.count
        self.cost_z, self.offset = form.cost[self.columns], form.offset
        # the cost and the rows of each block's columns, and the master columns' matrix for the cuts' slopes
        self.cost = form.cost
        self.A_z = form.A.tocsc()[:, self.columns].tocsr()
        in_master = np.zeros(len(form.columns), dtype=bool)
        in_master[self.columns] = True
        self.rows = _rows_within(form.A, in_master)
        G = sp.csr_matrix(self.A_z[self.rows])
        lower = np.r_[form.lower[self.columns], np.full(n_b, -inf)]
        upper = np.r_[form.upper[self.columns], np.full(n_b, inf)]
        self.lb_lp, self.level_qp = _quiet_highs(settings), _quiet_highs(settings)
        for master in (self.lb_lp, self.level_qp):
            master.addVars(n_z + n_b, lower, upper)
            master.addRows(
                len(self.rows),
                form.row_lower[self.rows],
                form.row_upper[self.rows],
                G.nnz,
                G.indptr[:-1].astype(np.int32),
                G.indices.astype(np.int32),
                G.data,
            )
        every = np.arange(n_z + n_b, dtype=np.int32)
        self.lb_lp.changeColsCost(n_z + n_b, every, np.r_[self.cost_z, np.ones(n_b)])
        # the level row: total cost of the cut model at most the level (its bound set at each step)
        self.level_row = self.level_qp.getNumRow()
        self.level_qp.addRow(-inf, inf, n_z + n_b, every, np.r_[self.cost_z, np.ones(n_b)])
        # 0.5 |K - K_hat|^2 + 0.5 w |S - S_hat|^2: the small weight on the linking columns keeps the QP strictly
        # convex in them (unweighted, HiGHS's active-set QP stalled on a week of daily blocks)
        self.weights = np.r_[np.ones(self.n_plan), np.full(n_z - self.n_plan, LINK_WEIGHT)]
        hessian_start = np.r_[np.arange(n_z + 1), np.full(n_b, n_z)]
        self.level_qp.passHessian(
            n_z + n_b, n_z, 1, hessian_start.astype(np.int32), np.arange(n_z, dtype=np.int32), self.weights
        )
        self.level_qp.setOptionValue("time_limit", MASTER_TIME_LIMIT_S)

    def add_cuts(self, primal: np.ndarray, row_dual: np.ndarray) -> None:
        """One cut per block from a dispatch solve: theta_b >= f_b + g_b (z - z_i), f_b the block's cost and
        g_b = -(A_b)' y_b the slopes from the block's rows' duals (valid: y_b is dual feasible for the block with
        z fixed, as each block column enters its own block's rows only)."""
        import highspy
        import scipy.sparse as sp

        b = self.blocks
        n_b = b.count
        in_block = b.col_block >= 0
        f = np.bincount(b.col_block[in_block], weights=(self.cost * primal)[in_block], minlength=n_b)
        rows = np.flatnonzero(b.row_block >= 0)
        weights = sp.csr_matrix((row_dual[rows], (b.row_block[rows], rows)), shape=(n_b, len(row_dual)))
        slopes = sp.csr_matrix(-(weights @ self.A_z))
        z = primal[self.columns]
        rhs = f - slopes @ z
        # theta_b - g_b z >= f_b - g_b z_i
        cut = sp.hstack([-slopes, sp.identity(n_b, format="csr")], format="csr")
        for master in (self.lb_lp, self.level_qp):
            master.addRows(
                n_b,
                rhs,
                np.full(n_b, highspy.kHighsInf),
                cut.nnz,
                cut.indptr[:-1].astype(np.int32),
                cut.indices.astype(np.int32),
                cut.data,
            )

    def bound(self) -> tuple[float, np.ndarray]:
        """The lower bound (the cut model's minimum) and its plan."""
        self.lb_lp.run()
        solution = np.asarray(self.lb_lp.getSolution().col_value, dtype=float)
        return float(self.lb_lp.getInfo().objective_function_value) + self.offset, solution[: self.n_plan]

    def level_step(self, centre: np.ndarray, level: float, lower: np.ndarray, upper: np.ndarray) -> np.ndarray | None:
        """The plan nearest ``centre`` (the master's variables of the best dispatch: capacities, then linking
        columns) whose cut model is at most ``level``; the capacities of it, None if the QP fails."""
        import highspy

        inf = highspy.kHighsInf
        self.level_qp.changeRowBounds(self.level_row, -inf, level - self.offset)
        n_z = len(self.columns)
        self.level_qp.changeColsCost(n_z, np.arange(n_z, dtype=np.int32), -self.weights * centre)
        self.level_qp.run()
        if self.level_qp.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return np.clip(np.asarray(self.level_qp.getSolution().col_value, dtype=float)[: self.n_plan], lower, upper)


def _solve_dispatch(
    sub, plan: np.ndarray, cols: np.ndarray, settings: SolverSettings, started: float, warm_limit: int | None
) -> tuple[float, bool, int]:
    """Fix the plan's capacities and solve its dispatch; seconds, whether the previous basis was kept, and the
    simplex iterations.

    ``warm_limit`` None: a cold solve (presolve, then dual simplex). Otherwise the solve starts from the last basis
    (HiGHS skips presolve when it has one), as the plan moved little (the caller's :data:`WARM_FROM_GAP`): on the
    full year 39 s against 228 s cold for a plan moved by 50 MW in every capacity. A warm solve that reaches
    ``warm_limit`` simplex iterations (or ends any other way but optimal) is followed by a cold one."""
    import highspy

    sub.changeColsBounds(len(cols), cols, plan, plan)
    t = time.perf_counter()
    if warm_limit:
        sub.setOptionValue("simplex_iteration_limit", warm_limit)
        _run(sub, settings, started)
        sub.setOptionValue("simplex_iteration_limit", highspy.kHighsIInf)
        warm_iterations = int(sub.getInfo().simplex_iteration_count)
        if sub.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            return time.perf_counter() - t, True, warm_iterations
    else:
        warm_iterations = 0
    sub.clearSolver()
    _run(sub, settings, started)
    return time.perf_counter() - t, False, warm_iterations + int(sub.getInfo().simplex_iteration_count)


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
    master: _Master,
    split: _Split,
    settings: SolverSettings,
    start: dict | None,
    started: float,
    on_iteration=None,
) -> _Iterations | highspy.HighsModelStatus:
    """Dispatch a plan, add its cuts, bound, step to the next plan, until the gap, the iteration or the time limit;
    HiGHS's status when a dispatch fails (any failure but a time limit once some plan has its dispatch)."""
    import highspy

    cols, lower, upper = split.cols, split.lower, split.upper
    plan = np.clip([float((start or {}).get(key, lo)) for key, lo in zip(split.keys, lower)], lower, upper)
    history: list[BendersIteration] = []
    best: _Dispatch | None = None  # the cheapest plan so far and its dispatch
    lower_bound = -np.inf
    status: SolveStatus = "time_limit"
    cold_iterations: int | None = None  # simplex iterations of the first, cold dispatch solve
    while True:
        near = cold_iterations is not None and history[-1].gap <= WARM_FROM_GAP
        warm_limit = int(WARM_ITERATION_SHARE * cold_iterations) if near and cold_iterations else None
        t_sub, warm, iterations = _solve_dispatch(sub, plan, cols, settings, started, warm_limit)
        if cold_iterations is None:
            cold_iterations = iterations
        model_status = sub.getModelStatus()
        if model_status != highspy.HighsModelStatus.kOptimal:
            if best is not None and model_status == highspy.HighsModelStatus.kTimeLimit:
                break
            return model_status
        value = float(sub.getInfo().objective_function_value)
        solution = sub.getSolution()
        if best is None or value < best.value:
            best = _dispatch_of(value, plan, solution)
        t_master = time.perf_counter()
        master.add_cuts(np.asarray(solution.col_value), np.asarray(solution.row_dual))
        del solution
        bound, kelley = master.bound()
        lower_bound = max(lower_bound, bound)
        upper_bound = best.value
        gap = (upper_bound - lower_bound) / max(abs(upper_bound), 1e-9)
        next_plan = plan
        if gap > settings.benders_gap and len(history) + 1 < settings.benders_max_iterations:
            level = lower_bound + LEVEL * (upper_bound - lower_bound)
            stepped = master.level_step(best.primal[master.columns], level, lower, upper)
            # None: the QP failed numerically, so take the cutting-plane step instead
            next_plan = np.clip(kelley, lower, upper) if stepped is None else stepped
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
    return _Iterations(status, history, best, lower_bound, master.blocks.count)


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
        _read_log(log_path),
        {"interface": "benders", "rows": form.n_rows, "columns": len(form.columns)},
    )


def _history_text(history: list[BendersIteration]) -> str:
    lines = ["Benders (level method): iteration, F(K_i), upper bound, lower bound, gap, dispatch s, master s"]
    lines += [
        f"{h.iteration:3d} {h.value:16.4f} {h.upper_bound:16.4f} {h.lower_bound:16.4f} {h.gap:9.2e} "
        f"{h.seconds_dispatch:8.1f} {h.seconds_master:6.2f}"
        for h in history
    ]
    return "\n".join(lines)
