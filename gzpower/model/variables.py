"""Indexed variables whose bounds come as arrays, one entry per index in the index set's order.

Pyomo's ``Var`` with a bounds rule calls the rule and validates its two numbers once per entry, and copies a
template entry for each: on the full year's 1.4 M columns that was 4.6-4.8 s of a 5.9-6.5 s build (2030 check,
2026-12-04, one process), and a check builds its LP seven times (the plan, the other adequacy level, five
counterfactuals). :class:`ArrayVar` makes the same entries (``VarData`` with the same domain, bounds, index and
no value) in one pass over arrays the family module already holds: about a fifth of that time.

The model is the one a bounds rule gives: ``tests/test_variables.py`` compares the two entry by entry.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from itertools import repeat

import numpy as np
import pyomo.environ as pyo
from pyomo.core.base.var import IndexedVar, VarData

#: a bound as given: a number for every entry, None for none, or one number per entry in index order
Bound = float | None | np.ndarray


class ArrayVar(IndexedVar):
    """An indexed ``Var`` over ``sets`` with ``lower`` and ``upper`` bounds per entry (see :data:`Bound`; an
    infinite number is no bound) and one ``domain`` for all."""

    _constructed: bool

    def __init__(self, *sets, lower: Bound = None, upper: Bound = None, domain=pyo.Reals, doc: str | None = None):
        super().__init__(*sets, domain=domain, doc=doc)
        self._given_bounds: tuple[Bound, Bound] | None = (lower, upper)

    def construct(self, data=None) -> None:
        if self._constructed:
            return
        self._constructed = True
        index = self.index_set()
        index.construct()
        keys = list(index)
        assert self._given_bounds is not None
        given_lower, given_upper = self._given_bounds
        lower = _entries(given_lower, len(keys), self.name, "lower")
        upper = _entries(given_upper, len(keys), self.name, "upper")
        self._given_bounds = None
        domain = self._rule_domain(self.parent_block(), None, self)
        component = weakref.ref(self)
        new = VarData.__new__
        store = self._data
        for key, lb, ub in zip(keys, lower, upper):
            entry = new(VarData)
            entry._component = component
            entry._index = key
            entry._value = None
            entry._lb = lb
            entry._ub = ub
            entry._domain = domain
            entry._fixed = False
            entry._stale = 0
            store[key] = entry


def _entries(bound: Bound, count: int, name: str, side: str) -> Iterable[float | None]:
    """The bound of each of ``count`` entries as Pyomo stores it (a float, or None for none)."""
    if bound is None:
        return repeat(None, count)
    if np.ndim(bound) == 0:
        value = float(bound)  # type: ignore[arg-type]
        if np.isnan(value):
            raise ValueError(f"{name}: {side} bound is NaN")
        return repeat(value if np.isfinite(value) else None, count)
    array = np.asarray(bound, dtype=float)
    if array.shape != (count,):
        raise ValueError(f"{name}: {side} bounds for {array.shape} entries, the index has {count}")
    if np.isnan(array).any():
        raise ValueError(f"{name}: {side} bound is NaN at entry {int(np.flatnonzero(np.isnan(array))[0])}")
    out: list[float | None] = array.tolist()
    for i in np.flatnonzero(~np.isfinite(array)).tolist():
        out[i] = None
    return out


def per_element(values: Sequence[float | None | np.ndarray], hours: int, none: float = np.inf) -> np.ndarray:
    """Bounds of an (element, hour) variable, element-major as its index runs: each element's value a number for
    all its hours, an array of ``hours``, or None (``none``: no bound, an infinity of the side's sign)."""
    if not values:
        return np.zeros(0)
    return np.concatenate(
        [np.full(hours, none) if v is None else np.broadcast_to(np.asarray(v, float), (hours,)) for v in values]
    )
