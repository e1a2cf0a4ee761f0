"""A start basis for a hot-started variant, built window by window in time (exact: only the start changes).

The plain hot start hands HiGHS the parent's optimal basis. When a variant takes a plan increment away (a
counterfactual), that basis is far from the variant's, and the dual simplex walks the whole year to repair it.
Here the variant's LP is first cut into windows of consecutive hours and each window is solved as a small LP, one
after the other; their optimal bases are joined into a basis of the whole LP, which HiGHS then re-solves. The
answer is the whole LP's own optimum whatever the windows did: the windows only choose where the simplex starts.

Symbols: columns j with hour h_j, window w(j) = floor((h_j - min h) / H) with H = :data:`WINDOW_HOURS`; rows r
with entries a_rj, bounds [L_r, U_r]; x⁰, y⁰ the parent's primal values and row duals on the variant's columns and
rows (zero where the parent lacks them, x⁰ clipped to the variant's bounds).

- **Rows to windows.** Row r goes to the window holding most of its columns (a tie to the later one). A row
  spanning windows (a ramp or a state of charge across a window's edge, a cyclic year's wrap) thus sits in one.
- **Window k**, in order k = 0, 1, ...: its columns C_k and rows R_k,

      min  sum_{j in C_k} (c_j - sum_{r not in R_k} y⁰_r a_rj) x_j
      s.t. L_r - s_r <= sum_{j in C_k} a_rj x_j <= U_r - s_r,   r in R_k,   s_r = sum_{j not in C_k} a_rj x̄_j
           l_j <= x_j <= u_j,                                   j in C_k

  where x̄_j is window w(j)'s solution for an earlier window and x⁰_j for a later one (the columns of later
  windows that a row of this window uses, the cyclic wrap, are held at the parent's value), and the columns'
  links to the other windows' rows are priced by the parent's duals (a Lagrangian relaxation of those rows).
  Each window starts from the parent's basis restricted to it, with its count of basic variables repaired to its
  number of rows (missing ones: nonbasic rows made basic; extra ones: the basic columns nearest a bound made
  nonbasic at it). A row with one column in its window is solved there as a bound on that column and put back
  in the window's basis (:class:`_SingleColumnRows`): an expansion's dispatch, whose capacities sit fixed in the
  first window, has one per unit and hour (795,037 on the full year 2030: its weeks 43.6 s to 8.2 s,
  2026-12-04; the check's 79,919: 8.9 s to 7.8 s).
- **The start.** Each column and row takes the status it has in its window's optimal basis: one basic variable per
  row in every window, so the joined basis has as many basic variables as the LP has rows, and it is
  block-triangular in window order (a window's rows touch only its own and other windows' columns held fixed).

Measured on the 2030 check's gas counterfactual, full year (2026-12-02, one process, the same built variant
solved both ways): 53 windows took 2.0 s of HiGHS time and the whole LP 10.2 s from the joined start, against
37.1 s from the parent's basis, the objective equal to 2e-12 relative. If a window is not solved to optimality,
or a column has no hour (an expansion's capacities), the plain hot start is used.

**Without a parent** (:func:`cold_start`, the plan LP of a check): x⁰ = 0, y⁰ = 0 and the slack basis, so each
window is its week's LP with the state the week before left and the rows that reach later weeks held at zero
there (the cyclic wrap), its links to other weeks' rows unpriced. The joined basis is the start of the whole LP's
dual simplex instead of HiGHS's presolve and crash. Full-year checks (2026-12-04, one process, the same built LP
both ways, HiGHS seconds): 2025 37.0 (weeks 12.3, 490,391 iterations; whole LP 22,623) against 175.0 (421,207
iterations) from HiGHS's own start; 2030 37.0 (weeks 14.8) against 127.1. The same objective to 5e-14 relative,
the same unserved energy to 1e-11 MWh and all 96,360 district prices within 0.0005 CNY/MWh. Each week from the
slack basis beat each week presolved by HiGHS (a July month of 2025: weeks 0.9 s and whole LP 0.3 s against 1.5 s
and 0.5 s; HiGHS's own start 3.2 s).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyomo.environ as pyo

from gzpower.solve.handover import pass_lp

#: Hours per window. A solver setting, not a modelling assumption: the answer does not depend on it. A week holds
#: the daily cycle of storage and demand response several times over, so few rows span two windows.
WINDOW_HOURS = 168
#: Below this many windows the plain hot start is used: on short horizons the windows save nothing.
MIN_WINDOWS = 4


@dataclass(frozen=True)
class Windows:
    """How a windowed start cuts the horizon: ``hours`` per window, and at least ``minimum`` windows to use one."""

    hours: int = WINDOW_HOURS
    minimum: int = MIN_WINDOWS


#: The cut every hot-started variant uses
WEEKS = Windows()

# HiGHS's basis status codes (highspy.HighsBasisStatus)
LOWER, BASIC, UPPER, ZERO = 0, 1, 2, 3


def column_hours(
    model: pyo.ConcreteModel, hour_sets: tuple[str, ...], hourless: int | None = None
) -> np.ndarray | None:
    """The hour of each column of the model's standard form (Var components in order, as
    :func:`gzpower.solve.hot.column_parts`), read from the index position of a set named in ``hour_sets``. A Var
    with columns but no such index (a capacity, a representative period's level) makes it None, or, with
    ``hourless``, has its columns put at that hour (Benders' dispatch: the capacities are fixed there)."""
    names = set(hour_sets)
    hours: list[np.ndarray] = []
    for var in model.component_objects(pyo.Var, active=True, descend_into=True):
        keys = list(var.keys())
        if not keys:
            continue
        position = _hour_position(var, names)
        if position is None:
            if hourless is None:
                return None
            hours.append(np.full(len(keys), hourless, dtype=np.int64))
            continue
        subsets = list(var.index_set().subsets())
        if len(subsets) == 1:
            hours.append(np.asarray(keys, dtype=np.int64))
        else:
            hours.append(np.fromiter((k[position] for k in keys), dtype=np.int64, count=len(keys)))
    return np.concatenate(hours) if hours else None


def _hour_position(var, names: set[str]) -> int | None:
    """Where in a Var's index its hour sits (a one-dimensional set named in ``names``), or None."""
    if not var.is_indexed():
        return None
    offset = 0
    for subset in var.index_set().subsets():
        if subset.dimen is None:
            return None
        if subset.local_name in names and subset.dimen == 1:
            return offset
        offset += subset.dimen
    return None


@dataclass
class StartLP:
    """The variant's LP and what the windows start from, in the variant's numbering."""

    A: Any  # scipy sparse matrix (rows x columns)
    lower: np.ndarray
    upper: np.ndarray
    cost: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    x0: np.ndarray  # the parent's values, clipped to the variant's bounds
    y0: np.ndarray  # the parent's row duals
    col_status: np.ndarray  # the parent's basis statuses (ints)
    row_status: np.ndarray

    @classmethod
    def cold(cls, A, lower, upper, cost, row_lower, row_upper) -> StartLP:
        """An LP without a parent: x⁰ = 0 clipped to the bounds, y⁰ = 0, and the slack basis (every row basic,
        every column nonbasic at the bound nearer zero)."""
        x0 = np.clip(np.zeros(len(lower)), lower, upper)
        cols = _consistent(np.full(len(lower), ZERO, dtype=np.int64), x0, lower, upper)
        rows = np.full(len(row_lower), BASIC, dtype=np.int64)
        return cls(A, lower, upper, cost, row_lower, row_upper, x0, np.zeros(len(row_lower)), cols, rows)


@dataclass
class WindowedStart:
    """The joined basis (statuses in the variant's numbering) and what finding it took."""

    col_status: np.ndarray
    row_status: np.ndarray
    windows: int
    spanning_rows: int
    iterations: int
    seconds_highs: float
    seconds: float
    bounds_from_rows: int = 0  # rows with one column in their window, solved there as that column's bounds

    def stats(self) -> dict[str, float | int]:
        """What finding it took (for a manifest's solver stats)."""
        return {
            "windows": self.windows,
            "spanning_rows": self.spanning_rows,
            "bounds_from_rows": self.bounds_from_rows,
            "simplex_iterations": self.iterations,
            "seconds_highs": self.seconds_highs,
            "seconds": self.seconds,
        }


def quiet_highs():
    """A HiGHS instance that writes no log (a window's solve)."""
    import highspy

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    return highs


def cold_start(
    form, model: pyo.ConcreteModel, hour_sets: tuple[str, ...], options: dict[str, Any], cut: Windows = WEEKS
) -> WindowedStart | None:
    """The windowed start of an LP solved without a parent (:meth:`StartLP.cold`): None when a column has no
    hour, there are fewer than ``cut.minimum`` windows, or a window is not solved to optimality."""
    hours = column_hours(model, hour_sets)
    if hours is None or window_count(hours, cut.hours) < cut.minimum:
        return None
    lp = StartLP.cold(form.A, form.lower, form.upper, form.cost, form.row_lower, form.row_upper)
    return windowed_start(lp, hours, quiet_highs, options, cut)


def windows_of(hours: np.ndarray, window_hours: int = WINDOW_HOURS) -> np.ndarray:
    """The window of each column."""
    return ((hours - hours.min()) // window_hours).astype(np.int64)


def window_count(hours: np.ndarray, window_hours: int = WINDOW_HOURS) -> int:
    """How many windows :func:`windows_of` cuts these hours into."""
    return int((hours.max() - hours.min()) // window_hours) + 1 if len(hours) else 0


def row_windows(A, col_window: np.ndarray, n_windows: int) -> tuple[np.ndarray, int]:
    """Each row's window (the one holding most of its columns, a tie to the later) and the count of rows whose
    columns lie in more than one window."""
    coo = A.tocoo()
    keys = coo.row.astype(np.int64) * n_windows + col_window[coo.col]
    pairs, counts = np.unique(keys, return_counts=True)
    rows, wins = pairs // n_windows, pairs % n_windows
    order = np.lexsort((wins, counts, rows))
    last = np.ones(len(order), dtype=bool)
    last[:-1] = rows[order][1:] != rows[order][:-1]
    out = np.zeros(A.shape[0], dtype=np.int64)
    out[rows[order][last]] = wins[order][last]
    spanning = int(np.count_nonzero(np.bincount(rows, minlength=A.shape[0]) > 1))
    return out, spanning


def _consistent(status: np.ndarray, value: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Nonbasic statuses moved to a finite bound (the nearer one to ``value``) where theirs is infinite."""
    out = status.copy()
    lo_ok, up_ok = np.isfinite(lower), np.isfinite(upper)
    nonbasic = out != BASIC
    bad = nonbasic & (((out == LOWER) & ~lo_ok) | ((out == UPPER) & ~up_ok) | (out >= ZERO))
    nearer_lower = np.abs(value - np.where(lo_ok, lower, np.inf)) <= np.abs(value - np.where(up_ok, upper, np.inf))
    pick = np.where(lo_ok & (nearer_lower | ~up_ok), LOWER, np.where(up_ok, UPPER, ZERO))
    out[bad] = pick[bad]
    return out


def _repair_count(
    col_status: np.ndarray, row_status: np.ndarray, x: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> None:
    """Make the count of basic variables equal to the count of rows, in place (see the module docstring)."""
    surplus = int(np.count_nonzero(col_status == BASIC) + np.count_nonzero(row_status == BASIC) - len(row_status))
    if surplus < 0:
        nonbasic_rows = np.flatnonzero(row_status != BASIC)
        row_status[nonbasic_rows[:-surplus]] = BASIC
    elif surplus > 0:
        basic = np.flatnonzero(col_status == BASIC)
        gap = np.minimum(np.abs(x[basic] - lower[basic]), np.abs(upper[basic] - x[basic]))
        chosen = basic[np.argsort(gap, kind="stable")[:surplus]]
        col_status[chosen] = ZERO  # made consistent with the bounds below
        col_status[:] = _consistent(col_status, x, lower, upper)


def windowed_start(
    lp: StartLP,
    hours: np.ndarray,
    new_highs,
    options: dict[str, Any],
    cut: Windows = WEEKS,
) -> WindowedStart | None:
    """Solve the windows in order and join their bases (the module docstring); None when there are fewer than
    ``cut.minimum`` windows or a window is not solved to optimality. ``new_highs``: makes a quiet HiGHS instance;
    ``options``: set on each."""
    import highspy

    started = time.perf_counter()
    n_windows = window_count(hours, cut.hours)
    if n_windows < cut.minimum:
        return None
    col_window = windows_of(hours, cut.hours)
    row_window, spanning = row_windows(lp.A, col_window, n_windows)
    col_order = np.argsort(col_window, kind="stable")
    row_order = np.argsort(row_window, kind="stable")
    col_at = np.searchsorted(col_window[col_order], np.arange(n_windows + 1))
    row_at = np.searchsorted(row_window[row_order], np.arange(n_windows + 1))
    # the matrix permuted once, so that each window is a contiguous block of rows and of columns
    import scipy.sparse as sp  # here, not at the top: importing scipy under Pyomo pulls in scipy.stats (~1 s)

    A = sp.csr_matrix(lp.A)[row_order][:, col_order].tocsr()
    lower, upper, cost = lp.lower[col_order], lp.upper[col_order], lp.cost[col_order]
    row_lower, row_upper = lp.row_lower[row_order], lp.row_upper[row_order]
    y0 = lp.y0[row_order]
    linked_price = cost - A.T @ y0  # c_j - sum_r y0_r a_rj over all rows; a window adds its own rows back
    x = np.clip(lp.x0[col_order], lower, upper)
    col_status, row_status = lp.col_status[col_order].copy(), lp.row_status[row_order].copy()
    out_cols, out_rows = np.empty_like(col_status), np.empty_like(row_status)
    iterations, seconds_highs, bounds_from_rows = 0, 0.0, 0
    for k in range(n_windows):
        c0, c1, r0, r1 = int(col_at[k]), int(col_at[k + 1]), int(row_at[k]), int(row_at[k + 1])
        block = A[r0:r1]
        inside = block[:, c0:c1].tocsr()
        inside.eliminate_zeros()
        shift = block @ x - inside @ x[c0:c1]
        w_cost = linked_price[c0:c1] + inside.T @ y0[r0:r1]
        w_row_lower, w_row_upper = row_lower[r0:r1] - shift, row_upper[r0:r1] - shift
        one = _SingleColumnRows.of(inside, lower[c0:c1], upper[c0:c1], w_row_lower, w_row_upper)
        w_lower, w_upper, kept = one.lower, one.upper, one.kept
        rest = inside[kept].tocsc()
        rest_lower, rest_upper = w_row_lower[kept], w_row_upper[kept]
        cs = _consistent(col_status[c0:c1], x[c0:c1], w_lower, w_upper)
        rs = _consistent(row_status[r0:r1][kept], rest @ x[c0:c1], rest_lower, rest_upper)
        _repair_count(cs, rs, x[c0:c1], w_lower, w_upper)
        highs = new_highs()
        for key, value in options.items():
            highs.setOptionValue(key, value)
        pass_lp(highs, rest, w_cost, w_lower, w_upper, rest_lower, rest_upper)
        highs.setBasis(to_basis(cs, rs))
        highs.run()
        seconds_highs += float(highs.getRunTime())
        iterations += int(highs.getInfo().simplex_iteration_count)
        bounds_from_rows += int(np.count_nonzero(~kept))
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal or highs.getInfo().basis_validity != 1:
            return None
        x[c0:c1], out_cols[c0:c1], rest_rows = solved_basis(highs, w_lower, w_upper, rest_lower, rest_upper)
        out_rows[r0:r1] = one.statuses(out_cols[c0:c1], rest_rows)
    joined_cols, joined_rows = np.empty_like(out_cols), np.empty_like(out_rows)
    joined_cols[col_order], joined_rows[row_order] = out_cols, out_rows
    return WindowedStart(
        joined_cols,
        joined_rows,
        n_windows,
        spanning,
        iterations,
        seconds_highs,
        time.perf_counter() - started,
        bounds_from_rows,
    )


@dataclass
class _SingleColumnRows:
    """A window's rows with one column in it, taken as bounds on that column, and how to put them back.

    Row r with the single entry a_rj in its window (its other columns held fixed, their part s_r moved to its
    bounds) says L_r - s_r <= a_rj x_j <= U_r - s_r: a bound on x_j, which the window's simplex then handles
    without a row of its own (an expansion's dispatch has one such row per unit and hour, its output under the
    capacity held at the plan). Back in the whole LP, a column nonbasic at a bound that came from row r becomes
    basic and row r nonbasic at the matching end; every other such row is basic. Each such row so adds one basic
    variable, the count stays one per row, and the window's block of the basis stays nonsingular (row r's only
    entry in the window is a_rj on the column made basic).
    """

    kept: np.ndarray  # the rows solved as rows
    lower: np.ndarray  # the columns' bounds with those of the single-column rows
    upper: np.ndarray
    lower_from: np.ndarray  # the row whose bound is a column's lower bound (-1: its own)
    upper_from: np.ndarray
    coefficient: np.ndarray  # a_rj of each row taken as a bound (0 elsewhere)

    @classmethod
    def of(cls, inside, lower, upper, row_lower, row_upper) -> _SingleColumnRows:
        """From a window's CSR matrix (no stored zeros), its columns' bounds and its rows' shifted bounds."""
        counts = np.diff(inside.indptr)
        rows = np.flatnonzero(counts == 1)
        cols = inside.indices[inside.indptr[rows]]
        a = inside.data[inside.indptr[rows]]
        with np.errstate(invalid="ignore"):
            row_lo = np.where(a > 0, row_lower[rows] / a, row_upper[rows] / a)
            row_up = np.where(a > 0, row_upper[rows] / a, row_lower[rows] / a)
        best_lo, best_up = lower.copy(), upper.copy()
        np.maximum.at(best_lo, cols, row_lo)
        np.minimum.at(best_up, cols, row_up)
        lower_from = np.full(len(lower), -1, dtype=np.int64)
        upper_from = np.full(len(lower), -1, dtype=np.int64)
        takes_lo = (row_lo > lower[cols]) & (row_lo == best_lo[cols])
        takes_up = (row_up < upper[cols]) & (row_up == best_up[cols])
        lower_from[cols[takes_lo]] = rows[takes_lo]
        upper_from[cols[takes_up]] = rows[takes_up]
        # bounds that cross by rounding only (a row's bound shifted onto the other end): the column fixed there,
        # its rows basic at their bounds (a degenerate basis, but a valid one)
        close = (best_lo > best_up) & (best_lo - best_up <= 1e-9 * np.maximum(1.0, np.abs(best_up)))
        best_lo[close] = best_up[close]
        lower_from[close] = upper_from[close] = -1
        kept = np.ones(len(counts), dtype=bool)
        kept[rows] = False
        coefficient = np.zeros(len(counts))
        coefficient[rows] = a
        return cls(kept, best_lo, best_up, lower_from, upper_from, coefficient)

    def statuses(self, col_status: np.ndarray, kept_row_status: np.ndarray) -> np.ndarray:
        """All the window's row statuses, and its column statuses changed in place (see the class docstring)."""
        rows = np.full(len(self.kept), BASIC, dtype=np.int64)
        rows[self.kept] = kept_row_status
        at_lower = (col_status == LOWER) & (self.lower_from >= 0)
        at_upper = (col_status == UPPER) & (self.upper_from >= 0)
        for at, source, positive_end, negative_end in (
            (at_lower, self.lower_from, LOWER, UPPER),
            (at_upper, self.upper_from, UPPER, LOWER),
        ):
            cols = np.flatnonzero(at)
            r = source[cols]
            col_status[cols] = BASIC
            rows[r] = np.where(self.coefficient[r] > 0, positive_end, negative_end)
        return rows


def solved_basis(
    highs, lower: np.ndarray, upper: np.ndarray, row_lower: np.ndarray, row_upper: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An optimally solved instance's column values and basis statuses as ints: which variables are basic from
    HiGHS's list of basic variables, and for a nonbasic one the bound its value sits at (both bounds infinite:
    zero; a fixed one on the side of its reduced cost's sign, as HiGHS puts it). The same statuses as HiGHS's own
    basis without its status lists: each of those costs about a microsecond per entry in Python objects (3 of the
    10 s of a full-year windowed start, 2026-12-04), the list of basic variables is one array."""
    solution = highs.getSolution()
    x = np.asarray(solution.col_value, dtype=float)
    cols = _nonbasic_side(x, np.asarray(solution.col_dual, dtype=float), lower, upper)
    rows = _nonbasic_side(
        np.asarray(solution.row_value, dtype=float), -np.asarray(solution.row_dual, dtype=float), row_lower, row_upper
    )
    basic = np.asarray(highs.getBasicVariables()[1], dtype=np.int64)
    cols[basic[basic >= 0]] = BASIC
    rows[-1 - basic[basic < 0]] = BASIC
    return x, cols, rows


def _nonbasic_side(value: np.ndarray, dual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """The status of each variable were it nonbasic: at the bound its value is nearer to, a fixed one at its upper
    bound when its reduced cost is negative (HiGHS's choice; a row's is minus its dual)."""
    out = _consistent(np.full(len(value), ZERO, dtype=np.int64), value, lower, upper)
    out[(lower == upper) & (dual < 0)] = UPPER
    return out


def statuses(basis_status) -> np.ndarray:
    """A highspy status list as ints."""
    return np.fromiter((int(s) for s in basis_status), dtype=np.int64, count=len(basis_status))


def to_basis(col_status: np.ndarray, row_status: np.ndarray):
    """A valid ``highspy.HighsBasis`` from int statuses."""
    import highspy

    members = [highspy.HighsBasisStatus(i) for i in range(5)]
    basis = highspy.HighsBasis()
    basis.col_status = [members[i] for i in col_status.tolist()]
    basis.row_status = [members[i] for i in row_status.tolist()]
    basis.valid = True
    return basis
