"""Constraint blocks stored as one sparse matrix each: ``lower <= A x <= upper``.

Why: an ordinary Pyomo ``Constraint`` builds every row as an expression object (about 8 µs a row) and a writer
walks those expressions again to hand them to a solver (about 9 µs a row); the full-year model has some 800,000
rows, so that alone cost more than a third of HiGHS's own time. A :class:`LinearRows` block is still an indexed
Pyomo ``Constraint``: it is indexed by the block's own keys (``m.thermal_ramp["Huangpu gas CCGT x4", 17]``),
has a ``doc``, and each row answers ``body``, ``lower``, ``upper``, ``expr`` and its value like any other
constraint, so ``pprint``, Pyomo's writers and ``pyomo.contrib.solver`` all see it. Its coefficients, though, are
built with numpy as one CSR matrix, and the matrix hand-over (:func:`gzpower.solve.highs.standard_form`) reads that
matrix directly instead of walking expressions.

Rows are read-only (a block is rebuilt, not edited); deactivating single rows works. Columns of the matrix are
the concatenated values of the Pyomo ``Var`` components the block refers to, each in its own order (for a
variable indexed by element x hour: element-major, hours inner; see :func:`hourly`).
"""

from __future__ import annotations

import weakref

import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp
from pyomo.core.base.constraint import ConstraintData, IndexedConstraint
from pyomo.core.base.objective import ObjectiveData, ScalarObjective
from pyomo.core.expr.numeric_expr import LinearExpression


class RowData(ConstraintData):
    """One row of a :class:`LinearRows` block; its expression is made from the matrix when asked for."""

    __slots__ = ("_row",)

    def __init__(self, component_ref, index, row: int):
        # The four slots below are declared by Pyomo's bases (ComponentData: _component, _index; ActiveComponentData:
        # _active; ConstraintData: _expr). Pyomo ships no type information (no py.typed), so mypy sees
        # ConstraintData as Any, knows only this class's __slots__ and reports each assignment wrongly.
        self._component = component_ref  # type: ignore[misc]  # slot of Pyomo's ComponentData (see above)
        self._active = True  # type: ignore[misc]  # slot of Pyomo's ActiveComponentData (see above)
        self._expr = None  # type: ignore[misc]  # slot of Pyomo's ConstraintData (see above)
        self._index = index  # type: ignore[misc]  # slot of Pyomo's ComponentData (see above)
        self._row = row

    def to_bounded_expression(self, evaluate_bounds=False):
        comp = self.parent_component()
        lower, upper = float(comp.lower[self._row]), float(comp.upper[self._row])
        return (None if lower == -np.inf else lower, comp.row_body(self._row), None if upper == np.inf else upper)

    @property
    def expr(self):
        lower, body, upper = self.to_bounded_expression()
        if lower is not None and lower == upper:
            return body == lower
        if lower is None:
            return body <= upper
        if upper is None:
            return body >= lower
        return pyo.inequality(lower, body, upper)

    @property
    def equality(self):
        comp = self.parent_component()
        return bool(comp.lower[self._row] == comp.upper[self._row])

    def set_value(self, expr):
        raise TypeError(f"{self.name}: rows of a LinearRows block are read-only; add a new constraint instead")


class LinearRows(IndexedConstraint):
    """An indexed constraint ``lower[i] <= sum_j A[i, j] x[j] <= upper[i]``, row ``i`` being the ``i``-th key of
    its index set and ``x`` the concatenated values of ``variables``."""

    def __init__(self, *index_sets, matrix: sp.csr_matrix, lower, upper, variables, doc: str | None = None):
        IndexedConstraint.__init__(self, *index_sets, doc=doc)
        self.matrix = sp.csr_matrix(matrix)
        self.lower = np.asarray(lower, dtype=float)
        self.upper = np.asarray(upper, dtype=float)
        self.variables = tuple(variables)
        self._flat: list | None = None

    def construct(self, data=None):
        if self._constructed:
            return
        self._constructed = True
        if self._anonymous_sets is not None:
            for index_set in self._anonymous_sets:
                index_set.construct()
        keys = list(self.index_set())
        n_rows, n_cols = self.matrix.shape
        if len(keys) != n_rows or len(self.lower) != n_rows or len(self.upper) != n_rows:
            raise ValueError(
                f"{self.name}: {len(keys)} keys but a matrix of {n_rows} rows "
                f"({len(self.lower)} lower, {len(self.upper)} upper bounds)"
            )
        if n_cols != sum(len(v) for v in self.variables):
            raise ValueError(f"{self.name}: matrix has {n_cols} columns, its variables {sum(map(len, self.variables))}")
        ref = weakref.ref(self)
        self._data = {key: RowData(ref, key, i) for i, key in enumerate(keys)}

    def row_body(self, row: int) -> LinearExpression:
        if self._flat is None:
            self._flat = [v for var in self.variables for v in var.values()]
        start, end = self.matrix.indptr[row], self.matrix.indptr[row + 1]
        return LinearExpression(
            constant=0.0,
            linear_coefs=self.matrix.data[start:end].tolist(),
            linear_vars=[self._flat[j] for j in self.matrix.indices[start:end]],
        )

    def active_rows(self) -> np.ndarray:
        """Positions of the rows that are active (all of them unless a user deactivated some)."""
        active = np.fromiter((d._active for d in self._data.values()), dtype=bool, count=len(self._data))
        return np.flatnonzero(active)


def hourly(element: np.ndarray | int, hour: np.ndarray | int, n_hours: int) -> np.ndarray:
    """Position of ``var[element, hour]`` in a variable indexed by (element, hour): element-major, hours inner."""
    return np.asarray(element) * n_hours + np.asarray(hour)


class RowBuilder:
    """Collects the terms ``coef * var[position]`` of a block's rows (COO) and turns them into a
    :class:`LinearRows` component. Terms repeated on one row are summed."""

    def __init__(self, n_rows: int):
        self.n_rows = n_rows
        self._variables: list[pyo.Var] = []
        self._parts: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, var: pyo.Var, rows, positions, coefs=1.0) -> RowBuilder:
        rows = np.asarray(rows, dtype=np.int64).ravel()
        positions = np.asarray(positions, dtype=np.int64).ravel()
        coefs = np.broadcast_to(np.asarray(coefs, dtype=float), rows.shape).ravel()
        if positions.shape != rows.shape:
            raise ValueError(f"{var.name}: {len(rows)} rows but {len(positions)} positions")
        for k, known in enumerate(self._variables):  # noqa: B007 (k is the match, read after the loop)
            if known is var:
                break
        else:
            k = len(self._variables)
            self._variables.append(var)
        self._parts.append((k, rows, positions, coefs))
        return self

    def build(self, *index_sets, lower, upper, doc: str) -> LinearRows:
        offsets = np.cumsum([0] + [len(v) for v in self._variables])
        if self._parts:
            rows = np.concatenate([p[1] for p in self._parts])
            cols = np.concatenate([offsets[p[0]] + p[2] for p in self._parts])
            coefs = np.concatenate([p[3] for p in self._parts])
        else:
            rows = cols = np.zeros(0, dtype=np.int64)
            coefs = np.zeros(0)
        matrix = sp.csr_matrix((coefs, (rows, cols)), shape=(self.n_rows, int(offsets[-1])))
        matrix.sum_duplicates()
        lower = np.broadcast_to(np.asarray(lower, dtype=float), (self.n_rows,))
        upper = np.broadcast_to(np.asarray(upper, dtype=float), (self.n_rows,))
        return LinearRows(*index_sets, matrix=matrix, lower=lower, upper=upper, variables=self._variables, doc=doc)


def capacity_rows(
    var: pyo.Var, new: pyo.Var, extendable: list, elements: list, n_hours: int, share: dict | None = None
) -> RowBuilder:
    """Left-hand sides ``var[k, t] - share_k(t) * new[k]`` for every extendable element ``k`` and hour ``t``
    (element-major, hours inner): output, flow or state within a capacity that may grow. ``share`` gives per
    element a number or an hourly array (1 when absent); the right-hand side, ``share * standing capacity``, is the
    caller's."""
    hours = np.arange(n_hours)
    position = {k: i for i, k in enumerate(elements)}
    rows = RowBuilder(len(extendable) * n_hours)
    for j, k in enumerate(extendable):
        r = j * n_hours + hours
        rows.add(var, r, hourly(position[k], hours, n_hours), 1.0)
        rows.add(new, r, np.full(n_hours, j), -(share[k] if share else 1.0))
    return rows


class LinearObjective(ScalarObjective):
    """A minimised or maximised ``scale * (sum of per-entry costs + other terms)`` whose Pyomo expression is built
    only when something asks for it.

    Why: the full-year objective has some 500,000 terms, and Pyomo makes an expression node per term (about 1.4 us
    each), then walks them again to read the coefficients: about a second per build, paid by every counterfactual
    and tipping point although the matrix hand-over never needs the expression. Here
    :func:`gzpower.solve.highs.standard_form` adds each per-entry cost array to the cost vector at its variable's
    columns (:meth:`cost_parts`); Pyomo's writers, ``pyo.value`` and ``pprint`` see the same objective as an
    ordinary one (its expression is made on first access). Setting a new expression replaces the deferred one.
    """

    def __init__(self, parts, scale: float, sense, doc: str):
        ScalarObjective.__init__(self, expr=0.0, sense=sense, doc=doc)
        self._deferred: tuple | None = None
        self._pending = (list(parts), float(scale))

    def construct(self, data=None):
        if self._constructed:
            return
        super().construct(data)  # sets the placeholder expression 0, which would clear a deferred one
        self._deferred, self._pending = self._pending, None

    def cost_parts(self) -> tuple[list, float] | None:
        """The deferred terms and their scale (a :class:`~gzpower.model.registry.PerEntry`, a number or a linear
        expression each), or None once the expression has been made or replaced."""
        return self._deferred

    def _made(self):
        if self._deferred is not None:
            from gzpower.model.registry import merge_linear

            parts, scale = self._deferred
            self._deferred = None
            ObjectiveData._args_.__set__(self, (merge_linear(parts, scale=scale),))
        return ObjectiveData._args_.__get__(self)

    def _replace(self, value):
        self._deferred = None
        ObjectiveData._args_.__set__(self, value)

    #: Pyomo keeps an objective's expression in the ``_args_`` slot of ObjectiveData and reads it from there
    _args_ = property(_made, _replace)  # type: ignore[assignment]
