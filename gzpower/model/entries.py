"""A Var component's entries (VarData) and their values, read in the component's own index order.

``IndexedComponent.values()`` looks every index up through a Python getter, about 0.2 us per entry: a few tenths
of a second per pass on the full year's 1.4 M columns, and the standard form, the results and the costs each make
passes. A dense Var built by iterating its index set (every Var gzpower builds) holds its entries in its dict in
that same order, so the dict is read directly; any other Var goes through ``values()``.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo


def entries(var: pyo.Var) -> list:
    """The VarData of ``var`` in the order of ``var.values()``."""
    if not var.is_indexed():
        return [var]
    data = var._data
    if not var.is_reference() and len(data) == len(var.index_set()):
        return list(data.values())
    return list(var.values())


def values(var: pyo.Var) -> np.ndarray:
    """The entries' values as floats, in the order of :func:`entries` (an unsolved entry reads as 0)."""
    out = np.array([v._value for v in entries(var)], dtype=float)
    out[np.isnan(out)] = 0.0
    return out
