"""Hot starts: an LP kept in HiGHS after its solve, re-solved for variants of it from its optimal basis.

A *variant* is any model whose LP differs from the kept one in its data: bounds, costs, right-hand sides, matrix
coefficients, columns or rows that vanish or appear (a check's counterfactual without a plan increment, a
tipping-point lever's value). Columns and rows are matched by (component name, index), so nothing here knows what
the model holds. The kept HiGHS instance is modified in place until it holds the variant's LP exactly:

- a column of the kept LP that the variant lacks is fixed at zero (it then adds nothing to any row or to the
  objective); a row the variant lacks is made free;
- columns and rows that only the variant has are added (columns first, with their entries in the rows both have;
  then rows, with their entries over all columns), new columns nonbasic at a bound, new rows basic;
- bounds, costs, right-hand sides and coefficients that differ are changed; the objective offset is set;

then the kept optimal basis is set and HiGHS re-solves. With a valid basis HiGHS skips presolve and runs the
dual simplex from it: after bound changes (the usual variant) that basis is still dual feasible, so only the
primal infeasibilities the change made are repaired. The solution is mapped back onto the variant's columns and
rows, and every change is undone, so that each variant starts from the kept LP and its basis (and nothing else: the
same variant gets the same answer whatever was solved before it). The modified LP is
the variant's LP plus columns fixed at zero and free rows, so its optimum is the variant's: the same objective as
a cold solve to HiGHS's tolerances (tests/test_speed_exact.py holds it to 1e-7 relative).

Measured on the 2030 check (2026-12-01, 2 cores shared): the five counterfactuals of the full year took 11-61 s
of HiGHS time each from the plan's basis (53, 11, 35, 28 and 61 s: gas, renewables, storage, demand response,
clean imports) against 75 s for the plan LP itself; on a month (720 h from hour 4344) 0.3-0.8 s against 1.3-1.7 s
cold. Those were from the plan's basis; with ``hour_sets`` the start is built window by window instead
(:mod:`gzpower.solve.windows`), and the full-year 2030 counterfactuals without gas, clean imports and storage took
12.2, 10.5 and 5.6 s against 37.1, 27.0 and 23.7 s from the plan's basis (2026-12-02, one process, the same
built variant solved both ways; objectives equal to 2e-12). Where a change costs the kept basis next to nothing
(a counterfactual without an increment the plan did not use) the windows' seams cost more than the change, so
HiGHS first counts the kept basis's infeasibilities in the variant, and a basis that is dual feasible and nearly
primal feasible goes on from there (:data:`KEPT_BASIS_PRIMAL_INFEASIBILITIES_PER_WINDOW`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyomo.environ as pyo

from gzpower.solve.handover import outer_of_entries
from gzpower.solve.highs import (
    MESSAGES,
    SolveOutcome,
    SolverSettings,
    StandardForm,
    _error_outcome,
    _highs_status,
    load_values,
    run_interruptible,
    solve,
    solve_matrix,
    standard_form,
)
from gzpower.solve.logs import attach_log, read_log
from gzpower.solve.windows import (
    BASIC,
    LOWER,
    WEEKS,
    ZERO,
    StartLP,
    WindowedStart,
    Windows,
    column_hours,
    quiet_highs,
    statuses,
    to_basis,
    window_count,
    windowed_start,
)
from gzpower.types import has_solution

#: HiGHS options of every hot solve unless the user's settings name them. Devex pricing: from a given basis HiGHS's
#: default may start the dual simplex with exact steepest-edge weights, which on the full year cost more than they
#: saved. Measured on the 2030 check's counterfactuals (2026-12-02, one process, the same built variant solved both
#: ways, load about 3): without the gas increment 234 s (107,724 iterations) by default against 156 s (155,128)
#: with devex; the other four took the same iterations either way (the default had switched to devex by itself),
#: 8-93 s; the five 398 s against 342 s. The optimum is the same; in a degenerate LP the vertex, and so a dual,
#: may differ (tests/test_speed_exact.py). The primal simplex from the windowed start lost on the 2030 check's
#: full year (2026-12-03, one process): gas 27.0 s against 16.0 s, clean imports 46.6 s against 16.8 s, storage
#: 5.4 s against 7.5 s of HiGHS time
HOT_START_OPTIONS: dict[str, int] = {"simplex_dual_edge_weight_strategy": 1}


@dataclass
class _Part:
    """One component's stretch of columns (or rows): its name, first position and keys in order."""

    name: str
    start: int
    keys: list


def column_parts(model: pyo.ConcreteModel) -> list[_Part]:
    """The columns of :func:`~gzpower.solve.highs.standard_form` by Var component (the same order)."""
    parts, start = [], 0
    for var in model.component_objects(pyo.Var, active=True, descend_into=True):
        keys = list(var.keys())
        parts.append(_Part(var.name, start, keys))
        start += len(keys)
    return parts


def row_parts(form: StandardForm) -> list[_Part]:
    """The rows of a standard form by constraint component (active rows only, in row order)."""
    parts = []
    for block in form.blocks:
        comp = block.component
        keys = list(comp.keys()) if comp.is_indexed() else [None]
        chosen = keys if len(block.positions) == len(keys) else [keys[i] for i in block.positions]
        parts.append(_Part(comp.name, block.start, chosen))
    return parts


def match(variant: list[_Part], kept: list[_Part], count: int) -> np.ndarray:
    """For each of the variant's ``count`` positions, the kept LP's position with the same name and key (-1: none).
    A component whose keys are the kept one's, in the same order, is matched without a lookup."""
    by_name = {p.name: p for p in kept}
    out = np.full(count, -1, dtype=np.int64)
    for part in variant:
        old = by_name.get(part.name)
        n = len(part.keys)
        if old is None or n == 0:
            continue
        if part.keys == old.keys:
            out[part.start : part.start + n] = np.arange(old.start, old.start + n)
            continue
        where = {k: i for i, k in enumerate(old.keys)}
        found = np.fromiter((where.get(k, -1) for k in part.keys), dtype=np.int64, count=n)
        out[part.start : part.start + n] = np.where(found >= 0, found + old.start, -1)
    return out


@dataclass
class KeptLP:
    """A solved LP held in its HiGHS instance with its optimal basis and what matching a variant needs (arrays and
    keys, not the Pyomo model)."""

    highs: Any  # highspy.Highs (no type stubs)
    basis: Any  # highspy.HighsBasis of the kept optimum
    lower: np.ndarray
    upper: np.ndarray
    cost: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    offset: float
    sense: float
    matrix_csc: tuple[np.ndarray, np.ndarray, np.ndarray]  # the matrix by columns: indptr, indices, data
    columns: list[_Part]
    rows: list[_Part]
    col_value: np.ndarray  # the kept optimum's values and row duals, and its basis as ints (the windowed start's)
    row_dual: np.ndarray
    col_status: np.ndarray
    row_status: np.ndarray
    variants: int = 0
    seconds_highs: list[float] = field(default_factory=list)
    _sorted: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, highs, form: StandardForm, model: pyo.ConcreteModel) -> KeptLP:
        csc = form.A.tocsc()
        basis, solution = highs.getBasis(), highs.getSolution()
        return cls(
            highs,
            basis,
            form.lower.copy(),
            form.upper.copy(),
            form.cost.copy(),
            form.row_lower.copy(),
            form.row_upper.copy(),
            float(form.offset),
            float(form.sense),
            (csc.indptr.copy(), csc.indices.copy(), np.asarray(csc.data, dtype=float).copy()),
            column_parts(model),
            row_parts(form),
            np.asarray(solution.col_value, dtype=float),
            np.asarray(solution.row_dual, dtype=float),
            statuses(basis.col_status),
            statuses(basis.row_status),
        )

    def sorted_entries(self) -> tuple[np.ndarray, np.ndarray]:
        """The nonzeros as sorted keys ``row * n_cols + col`` and their values, made on first use (only a variant
        whose matrix differs in layout needs them: :func:`_same_entries`)."""
        if self._sorted is None:
            indptr, indices, data = self.matrix_csc
            cols = outer_of_entries(indptr)
            keys = indices.astype(np.int64) * self.n_cols + cols
            order = np.argsort(keys, kind="stable")
            self._sorted = keys[order], data[order]
        return self._sorted

    @property
    def n_cols(self) -> int:
        return len(self.lower)

    @property
    def n_rows(self) -> int:
        return len(self.row_lower)


def solve_kept(
    model: pyo.ConcreteModel,
    settings: SolverSettings,
    want_duals: bool = True,
    tee: bool = False,
    hour_sets: tuple[str, ...] = (),
    cut: Windows | None = None,
) -> SolveOutcome:
    """Solve ``model`` cold and keep its LP in HiGHS when optimal (``outcome.kept``, a :class:`KeptLP`: the start of
    every hot-started variant); with the Pyomo interface a plain solve (nothing kept). ``hour_sets`` and ``cut``:
    see :func:`gzpower.solve.highs.solve_matrix`."""
    if settings.interface != "matrix":
        return solve(model, settings, want_duals, tee)
    keep = lambda highs, form: KeptLP.of(highs, form, model)  # noqa: E731
    return solve_matrix(model, settings, want_duals, tee, keep=keep, hour_sets=hour_sets, cut=cut)


@dataclass
class Change:
    """What turns the kept LP into a variant's (and back): positions in the kept LP's numbering, old and new values."""

    cols: np.ndarray  # each variant column's column in the modified LP (new ones after the kept ones)
    rows: np.ndarray
    new_cols: np.ndarray  # variant columns that the kept LP lacks
    new_rows: np.ndarray
    bound_cols: np.ndarray
    lower: tuple[np.ndarray, np.ndarray]  # (old, new) at bound_cols
    upper: tuple[np.ndarray, np.ndarray]
    cost_cols: np.ndarray
    cost: tuple[np.ndarray, np.ndarray]
    bound_rows: np.ndarray
    row_lower: tuple[np.ndarray, np.ndarray]
    row_upper: tuple[np.ndarray, np.ndarray]
    coef_rows: np.ndarray
    coef_cols: np.ndarray
    coef: tuple[np.ndarray, np.ndarray]
    offset: tuple[float, float]

    def counts(self) -> dict[str, int]:
        return {
            "columns_added": len(self.new_cols),
            "rows_added": len(self.new_rows),
            "column_bounds_changed": len(self.bound_cols),
            "costs_changed": len(self.cost_cols),
            "row_bounds_changed": len(self.bound_rows),
            "coefficients_changed": len(self.coef_rows),
        }


def _numbered(found: np.ndarray, kept_count: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions in the modified LP (unmatched ones numbered after the kept ones) and the unmatched ones."""
    new = np.flatnonzero(found < 0)
    out = found.copy()
    out[new] = kept_count + np.arange(len(new))
    return out, new


def _changed(old_lo, old_up, lo, up) -> np.ndarray:
    return np.flatnonzero((old_lo != lo) | (old_up != up))


def change_between(kept: KeptLP, form: StandardForm, model: pyo.ConcreteModel) -> Change:
    """The changes that make the kept LP the LP of ``form`` (the variant's standard form, built from ``model``)."""
    import highspy

    inf = highspy.kHighsInf
    cols, new_cols = _numbered(match(column_parts(model), kept.columns, len(form.lower)), kept.n_cols)
    rows, new_rows = _numbered(match(row_parts(form), kept.rows, form.n_rows), kept.n_rows)
    old_c, old_r = cols < kept.n_cols, rows < kept.n_rows
    lower, upper, cost = np.zeros(kept.n_cols), np.zeros(kept.n_cols), kept.cost.copy()  # vanished: fixed at 0
    lower[cols[old_c]], upper[cols[old_c]], cost[cols[old_c]] = form.lower[old_c], form.upper[old_c], form.cost[old_c]
    row_lower, row_upper = np.full(kept.n_rows, -inf), np.full(kept.n_rows, inf)  # vanished: free
    row_lower[rows[old_r]], row_upper[rows[old_r]] = form.row_lower[old_r], form.row_upper[old_r]
    bound_cols = _changed(kept.lower, kept.upper, lower, upper)
    cost_cols = np.flatnonzero(cost != kept.cost)
    bound_rows = _changed(kept.row_lower, kept.row_upper, row_lower, row_upper)
    coef_rows, coef_cols, coef = _coefficient_changes(kept, form, cols, rows)
    return Change(
        cols,
        rows,
        new_cols,
        new_rows,
        bound_cols,
        (kept.lower[bound_cols], lower[bound_cols]),
        (kept.upper[bound_cols], upper[bound_cols]),
        cost_cols,
        (kept.cost[cost_cols], cost[cost_cols]),
        bound_rows,
        (kept.row_lower[bound_rows], row_lower[bound_rows]),
        (kept.row_upper[bound_rows], row_upper[bound_rows]),
        coef_rows,
        coef_cols,
        coef,
        (kept.offset, float(form.offset)),
    )


def _coefficient_changes(kept: KeptLP, form: StandardForm, cols: np.ndarray, rows: np.ndarray):
    """Coefficients of rows and columns both LPs have that differ: (rows, cols, (old, new)). Entries of vanished
    rows or columns are left as they are (a free row and a column fixed at zero constrain nothing)."""
    same = _same_entries(kept, form, cols, rows)
    if same is not None:
        return same
    coo = form.A.tocoo()
    r, c = rows[coo.row], cols[coo.col]
    inside = (r < kept.n_rows) & (c < kept.n_cols)
    keys = r[inside] * kept.n_cols + c[inside]
    values = np.asarray(coo.data, dtype=float)[inside]
    present_r = np.zeros(kept.n_rows, dtype=bool)
    present_r[rows[rows < kept.n_rows]] = True
    present_c = np.zeros(kept.n_cols, dtype=bool)
    present_c[cols[cols < kept.n_cols]] = True
    old_keys, old_values = kept.sorted_entries()
    both = present_r[old_keys // kept.n_cols] & present_c[old_keys % kept.n_cols]
    old_keys, old_values = old_keys[both], old_values[both]
    at = np.searchsorted(old_keys, keys)
    found = at < len(old_keys)
    found[found] = old_keys[at[found]] == keys[found]
    differs = ~found
    differs[found] = old_values[at[found]] != values[found]
    # the kept entries the variant no longer has (now zero): those no variant entry was found at (both key lists
    # are unique, so marking the hits is the set difference without a sort)
    gone = np.ones(len(old_keys), dtype=bool)
    gone[at[found]] = False
    all_keys = np.concatenate([keys[differs], old_keys[gone]])
    was = np.zeros(len(keys))  # the kept value of each of the variant's entries, 0 where the kept LP has none
    was[found] = old_values[at[found]]
    old = np.concatenate([was[differs], old_values[gone]])
    new = np.concatenate([values[differs], np.zeros(int(gone.sum()))])
    return all_keys // kept.n_cols, all_keys % kept.n_cols, (old, new)


def _same_entries(kept: KeptLP, form: StandardForm, cols: np.ndarray, rows: np.ndarray):
    """:func:`_coefficient_changes` when the variant adds no column or row, keeps the kept LP's order and has its
    nonzeros where the kept LP has them (a counterfactual: bounds change, an increment's columns and rows vanish,
    the rest of the matrix stays): both matrices read column by column as stored, the kept one without its
    vanished rows and columns, and compared entry by entry, without a sort or a search (the five full-year
    counterfactuals of 2030: 0.28-0.90 s by sorted keys to 0.05-0.25 s, 2026-12-04); else None."""
    n_cols, n_rows = kept.n_cols, kept.n_rows
    if len(cols) and (cols[-1] >= n_cols or np.any(np.diff(cols) <= 0)):
        return None
    if len(rows) and (rows[-1] >= n_rows or np.any(np.diff(rows) <= 0)):
        return None
    indptr, indices, data = kept.matrix_csc
    matrix = form.A.tocsc()
    present_row = np.zeros(n_rows, dtype=bool)
    present_row[rows] = True
    present_col = np.zeros(n_cols, dtype=bool)
    present_col[cols] = True
    kept_col = outer_of_entries(indptr)
    both = present_row[indices] & present_col[kept_col]
    if int(both.sum()) != matrix.nnz:
        return None
    kept_row, kept_col, kept_value = indices[both].astype(np.int64), kept_col[both], data[both]
    if not np.array_equal(rows[matrix.indices], kept_row):
        return None
    if not np.array_equal(cols[outer_of_entries(matrix.indptr)], kept_col):
        return None
    values = np.asarray(matrix.data, dtype=float)
    differs = np.flatnonzero(values != kept_value)
    return kept_row[differs], kept_col[differs], (kept_value[differs], values[differs])


def _add_new(highs, kept: KeptLP, form: StandardForm, change: Change) -> None:
    """Add the variant's new columns (entries in the kept rows) and then its new rows (entries over all columns)."""
    import scipy.sparse as sp

    if len(change.new_cols):
        block = form.A.tocsc()[:, change.new_cols].tocoo()
        r = change.rows[block.row]
        keep = r < kept.n_rows
        part = sp.csc_matrix((block.data[keep], (r[keep], block.col[keep])), shape=(kept.n_rows, len(change.new_cols)))
        highs.addCols(
            len(change.new_cols),
            form.cost[change.new_cols],
            form.lower[change.new_cols],
            form.upper[change.new_cols],
            part.nnz,
            part.indptr.astype(np.int32),
            part.indices.astype(np.int32),
            part.data.astype(float),
        )
    if len(change.new_rows):
        block = form.A.tocsr()[change.new_rows].tocoo()
        n_all = kept.n_cols + len(change.new_cols)
        part = sp.csr_matrix((block.data, (block.row, change.cols[block.col])), shape=(len(change.new_rows), n_all))
        highs.addRows(
            len(change.new_rows),
            form.row_lower[change.new_rows],
            form.row_upper[change.new_rows],
            part.nnz,
            part.indptr.astype(np.int32),
            part.indices.astype(np.int32),
            part.data.astype(float),
        )


def _set_values(highs, change: Change, which: int) -> None:
    """Bounds, costs, right-hand sides, coefficients and offset: ``which`` 1 the variant's, 0 the kept LP's."""
    i32 = np.int32
    if len(change.bound_cols):
        cols = change.bound_cols.astype(i32)
        highs.changeColsBounds(len(cols), cols, change.lower[which], change.upper[which])
    if len(change.cost_cols):
        highs.changeColsCost(len(change.cost_cols), change.cost_cols.astype(i32), change.cost[which])
    if len(change.bound_rows):
        rows = change.bound_rows.astype(i32)
        highs.changeRowsBounds(len(rows), rows, change.row_lower[which], change.row_upper[which])
    for r, c, v in zip(change.coef_rows.tolist(), change.coef_cols.tolist(), change.coef[which].tolist()):
        highs.changeCoeff(r, c, v)
    highs.changeObjectiveOffset(change.offset[which])


def _extended_basis(kept: KeptLP, form: StandardForm, change: Change):
    """The kept optimal basis with the new columns nonbasic at a bound and the new rows basic."""
    import highspy

    status = highspy.HighsBasisStatus
    basis = highspy.HighsBasis()
    new_status = [
        status.kLower if np.isfinite(lo) else status.kUpper if np.isfinite(up) else status.kZero
        for lo, up in zip(form.lower[change.new_cols], form.upper[change.new_cols])
    ]
    basis.col_status = list(kept.basis.col_status) + new_status
    basis.row_status = list(kept.basis.row_status) + [status.kBasic] * len(change.new_rows)
    basis.valid = True
    return basis


def _undo(highs, kept: KeptLP, change: Change) -> None:
    if len(change.new_rows):
        highs.deleteRows(len(change.new_rows), (kept.n_rows + np.arange(len(change.new_rows))).astype(np.int32))
    if len(change.new_cols):
        highs.deleteCols(len(change.new_cols), (kept.n_cols + np.arange(len(change.new_cols))).astype(np.int32))
    _set_values(highs, change, 0)


def _windowed_basis(
    kept: KeptLP, form: StandardForm, change: Change, hours: np.ndarray, options: dict[str, Any], cut: Windows
):
    """The start of :mod:`gzpower.solve.windows` as a basis of the modified LP (the kept LP's vanished columns
    nonbasic at zero, its vanished rows basic), or None (then the kept basis is used)."""
    matched_c, matched_r = change.cols < kept.n_cols, change.rows < kept.n_rows
    x0 = np.zeros(len(form.lower))
    x0[matched_c] = kept.col_value[change.cols[matched_c]]
    y0 = np.zeros(form.n_rows)
    y0[matched_r] = kept.row_dual[change.rows[matched_r]]
    col_status = np.full(len(form.lower), ZERO, dtype=np.int64)  # new columns: made consistent per window
    col_status[matched_c] = kept.col_status[change.cols[matched_c]]
    row_status = np.full(form.n_rows, BASIC, dtype=np.int64)
    row_status[matched_r] = kept.row_status[change.rows[matched_r]]
    lp = StartLP(
        form.A, form.lower, form.upper, form.cost, form.row_lower, form.row_upper, x0, y0, col_status, row_status
    )

    start = windowed_start(lp, hours, quiet_highs, options, cut)
    if start is None:
        return None, None
    cols = np.full(kept.n_cols + len(change.new_cols), LOWER, dtype=np.int64)  # a vanished column is fixed at 0
    cols[change.cols] = start.col_status
    rows = np.full(kept.n_rows + len(change.new_rows), BASIC, dtype=np.int64)  # a vanished row is free
    rows[change.rows] = start.row_status
    return to_basis(cols, rows), start


#: Primal infeasibilities per window of a week up to which a variant runs on from the kept basis; above it, or
#: with any dual infeasibility, the windowed start replaces it. Neither start wins everywhere: the windowed one
#: costs a near-constant repair of its seams (on the full year 11,000-21,000 iterations, 8-24 s of HiGHS time),
#: the kept basis whatever the change costs, from nothing to 150,000 iterations. HiGHS counts both kinds of
#: infeasibility of the kept basis in the variant when run for no iteration (1.6-2.2 s on the full year: the
#: basis is factorised, and the kept start goes on from that factorisation). Measured on the full-year checks'
#: counterfactuals (2026-12-03/04, one process; primal and dual infeasibilities, then HiGHS seconds from the kept
#: basis against the windowed start): 2025 without demand response 0 and 0, 1.2 s against 24.2 s; without
#: renewables 1,171 and 0, 6.6 s against 21.3 s; without gas 6,604 and 26,175, 39.2 s against 19.9 s; without
#: storage 1,009 and 95,436, 58.4 s against 10.6 s; without clean imports 19,651 and 0, 19.3 s against 14.7 s;
#: 2030 without renewables 5,097 and 0, 6.0 s against 14.0 s; without gas 20,379 and 34,428, 48.7 s against
#: 20.9 s; without storage 3,585 and 95,161, 35.6 s against 8.5 s; without demand response 816 and 316, 12.5 s
#: against 14.8 s; without clean imports 19,103 and 0, 34.6 s against 17.1 s; the city level 192,837 and
#: 113,536, 49.6 s against 15.6 s. Dual infeasibilities (a vanished row's slack left nonbasic at a bound that is
#: now infinite) send the dual simplex to its phase 1 from a start far from the variant's optimum; among the dual
#: feasible ones, 200 per window (10,600 on the year) lies between 5,097, where the kept basis won, and 19,103,
#: where it lost. It replaces a try of 2,650 iterations (about 4 s on the full year, wasted wherever it did not
#: finish). The optimum is the LP's whichever start reaches it.
KEPT_BASIS_PRIMAL_INFEASIBILITIES_PER_WINDOW = 200.0


@dataclass
class _Look:
    """The kept basis in the variant, counted by HiGHS without an iteration: its primal and dual infeasibilities
    (-1: not counted), the primal limit it was held to, which start was chosen and the HiGHS seconds."""

    primal_infeasibilities: int
    dual_infeasibilities: int
    limit: int
    kept: bool
    solved: bool  # optimal as it stands
    seconds_highs: float

    def stats(self) -> dict[str, float | int | bool]:
        return {
            "primal_infeasibilities": self.primal_infeasibilities,
            "dual_infeasibilities": self.dual_infeasibilities,
            "primal_limit": self.limit,
            "kept_basis": self.kept,
            "optimal_as_it_stands": self.solved,
            "seconds_highs": self.seconds_highs,
        }


def _look(highs, basis, limit: int) -> _Look:
    """Count the infeasibilities of ``basis`` in the instance's LP (a run of no iteration: the factorisation stays
    for a run that goes on from it) and choose it when it is dual feasible with at most ``limit`` primal ones."""
    run = _run_from(highs, basis, 0)
    info = highs.getInfo()
    primal, dual = int(info.num_primal_infeasibilities), int(info.num_dual_infeasibilities)
    kept = run.solved or (dual == 0 and 0 <= primal <= limit)
    return _Look(primal, dual, limit, kept, run.solved, run.seconds_highs)


@dataclass
class _Run:
    """One run of the instance from a basis: whether it finished (an iteration limit not reached) and its HiGHS
    seconds."""

    solved: bool
    seconds_highs: float


def _run_from(highs, basis, limit: int | None = None) -> _Run:
    """Run from ``basis`` (None: on from the instance's current basis and factorisation), with ``limit``: for at
    most that many simplex iterations (the instance's own limit restored after)."""
    import highspy

    own = int(highs.getOptionValue("simplex_iteration_limit")[1])
    limit = own if limit is None else min(limit, own)
    highs.setOptionValue("simplex_iteration_limit", limit)
    try:
        if basis is not None:
            highs.setBasis(basis)
        before = float(highs.getRunTime())
        run_interruptible(highs)
        seconds = float(highs.getRunTime()) - before
    finally:
        highs.setOptionValue("simplex_iteration_limit", own)
    solved = highs.getModelStatus() != highspy.HighsModelStatus.kIterationLimit
    return _Run(solved, seconds)


def solve_variant(
    kept: KeptLP,
    model: pyo.ConcreteModel,
    settings: SolverSettings,
    want_duals: bool = True,
    hour_sets: tuple[str, ...] = (),
    cut: Windows = WEEKS,
    kept_basis_infeasibilities: float = KEPT_BASIS_PRIMAL_INFEASIBILITIES_PER_WINDOW,
) -> SolveOutcome:
    """Solve ``model``, a variant of the kept LP, hot: the kept instance modified in place and re-solved from the
    kept basis (see the module docstring), or, with ``hour_sets`` (the names of the sets that index hours) and
    enough windows, from the kept basis only when it is dual feasible in the variant with at most
    ``kept_basis_infeasibilities`` primal infeasibilities per window, and otherwise from the windowed start of
    :mod:`gzpower.solve.windows` (0: the windowed start at once); the kept LP is restored before this returns."""
    started = time.perf_counter()
    form = standard_form(model)
    form.A = form.A.tocsc()
    if form.sense != kept.sense:
        raise ValueError("a hot start needs the variant to have the kept LP's objective sense")
    change = change_between(kept, form, model)
    hours = column_hours(model, hour_sets) if hour_sets and form.sense > 0 else None
    highs = kept.highs
    options = {**HOT_START_OPTIONS, **settings.highs_options()}
    for key, value in options.items():
        highs.setOptionValue(key, value)
    log_path = attach_log(highs, "gzpower-highs-hot-")
    try:
        _add_new(highs, kept, form, change)
        _set_values(highs, change, 1)
        grown = len(change.new_cols) + len(change.new_rows) > 0
        # the solver's own state (factorisation, edge weights) goes, so that a variant's answer does not depend on
        # which variants were solved before it: among the optima of a degenerate LP, the same one every time
        highs.clearSolver()
        plain = _extended_basis(kept, form, change) if grown else kept.basis
        windows = window_count(hours, cut.hours) if hours is not None else 0
        windowed_possible = hours is not None and windows >= cut.minimum
        handed_over = time.perf_counter()
        look = (
            _look(highs, plain, int(kept_basis_infeasibilities * windows))
            if windowed_possible and kept_basis_infeasibilities > 0
            else None
        )
        seconds_highs = look.seconds_highs if look is not None else 0.0
        start = None
        if not windowed_possible:
            seconds_highs += _run_from(highs, plain).seconds_highs
        elif look is not None and look.kept:
            seconds_highs += _run_from(highs, None).seconds_highs if not look.solved else 0.0
        else:
            assert hours is not None  # windowed_possible
            highs.clearSolver()
            windowed, start = _windowed_basis(kept, form, change, hours, options, cut)
            handed_over = time.perf_counter()
            seconds_highs += _run_from(highs, windowed if windowed is not None else plain).seconds_highs
            seconds_highs += start.seconds_highs if start else 0.0
        outcome = _variant_outcome(highs, form, model, change, want_duals, started, handed_over, seconds_highs)
        outcome.stats["hot_start_windows"] = _window_stats(start)
        outcome.stats["hot_start_kept_basis_look"] = look.stats() if look is not None else {}
    except Exception as exc:
        return _error_outcome(exc, started, read_log(log_path))
    except BaseException:
        read_log(log_path)
        raise
    finally:
        _undo(highs, kept, change)
    outcome.log = read_log(log_path)
    kept.variants += 1
    kept.seconds_highs.append(seconds_highs)
    return outcome


def _window_stats(start: WindowedStart | None) -> dict[str, float | int]:
    """What the windowed start took (empty: the kept basis was the start)."""
    return start.stats() if start is not None else {}


def _variant_outcome(
    highs, form, model, change: Change, want_duals: bool, started: float, handed_over: float, seconds_highs: float
) -> SolveOutcome:
    """The outcome of a hot solve, read while the instance still holds the variant, mapped onto its columns."""
    model_status = highs.getModelStatus()
    status = _highs_status(highs, model_status)
    info = highs.getInfo()
    stats: dict[str, Any] = {
        "interface": "matrix",
        "hot_start": True,
        "hot_start_changes": change.counts(),
        "rows": form.n_rows,
        "columns": len(form.columns),
        "nonzeros": int(form.A.nnz),
        "simplex_iterations": int(info.simplex_iteration_count),
        "ipm_iterations": int(info.ipm_iteration_count),
        "max_primal_infeasibility": float(info.max_primal_infeasibility),
        "max_dual_infeasibility": float(info.max_dual_infeasibility),
        "primal_solution_status": int(info.primal_solution_status),
        "dual_solution_status": int(info.dual_solution_status),
        "seconds_handover": handed_over - started,
        "highs_model_status": highs.modelStatusToString(model_status),
    }
    has_primal = int(info.primal_solution_status) == 2
    if status == "time_limit" and not has_primal:
        status = "error"
    objective, duals, reduced_costs = None, None, None
    if has_solution(status) and has_primal:
        solution = highs.getSolution()
        x = np.asarray(solution.col_value, dtype=float)[change.cols]
        dual_ok = want_duals and status == "optimal" and solution.dual_valid
        row_dual = np.asarray(solution.row_dual, dtype=float)[change.rows] if dual_ok else None
        col_dual = np.asarray(solution.col_dual, dtype=float)[change.cols] if dual_ok else None
        duals, reduced_costs = load_values(form, model, stats, x, row_dual, col_dual)
        objective = float(info.objective_function_value)
    return SolveOutcome(
        status,
        MESSAGES[status],
        objective,
        highs.modelStatusToString(model_status),
        time.perf_counter() - started,
        seconds_highs,
        "",
        stats,
        duals,
        reduced_costs,
    )
