"""Helpers the families' ``outputs`` share: solved values as numpy arrays and long (tidy) tables.

Values are read in the variables' own index order (element-major, hours inner) into numpy arrays, so extraction
stays linear in the model size.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from gzpower.model.entries import values
from gzpower.model.registry import Registry

#: columns of the capacities table, in order
CAPACITY_COLUMNS = [
    "element",
    "family",
    "technology",
    "carrier",
    "bus",
    "location",
    "status",
    "unit",
    "existing",
    "added",
]


def matrix(var: pyo.Var, n_elements: int, n_hours: int) -> np.ndarray:
    """Values of a variable indexed by (element, hour) as elements x hours (unsolved entries read as 0)."""
    if n_elements == 0:
        return np.zeros((0, n_hours))
    return values(var).reshape(n_elements, n_hours)


def scalar(var: pyo.Var, keys) -> dict:
    return {k: (var[k].value or 0.0) for k in keys}


def long(values: np.ndarray, elements: list, timestamps: pd.DatetimeIndex, name: str, value: str) -> pd.DataFrame:
    """Elements x hours as one row per element and hour: hour, timestamp, ``name``, ``value``."""
    n_el, n_h = values.shape
    return pd.DataFrame(
        {
            "hour": np.tile(np.arange(n_h), n_el),
            "timestamp": np.tile(timestamps.to_numpy(), n_el),
            name: np.repeat(np.asarray(elements, dtype=object), n_h),
            value: values.ravel(),
        }
    )


def per_hour(column, n_hours: int) -> np.ndarray:
    """An element column repeated over the hours (element-major, as :func:`long`)."""
    return np.repeat(np.asarray(column), n_hours)


def capacity_frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=CAPACITY_COLUMNS)


def recorded_capacities(reg: Registry, family: str) -> pd.DataFrame:
    """The capacities table rows of one family, straight from its capacity records (solved values added)."""
    rows = [
        (r.element, r.family, r.technology, r.carrier, r.bus, r.location, r.status, r.unit, r.existing, r.added_value())
        for r in reg.capacities
        if r.family == family
    ]
    return capacity_frame(rows)


def loading(flows: pd.DataFrame) -> pd.DataFrame:
    """Adds each flow's loading, |flow| / limit (0 where the limit is 0)."""
    limit = flows["limit_mw"]
    flows["loading"] = np.where(limit > 0, flows["flow_mw"].abs() / limit.clip(lower=1e-9), 0.0)
    return flows
