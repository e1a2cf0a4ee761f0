"""Tidy result tables from a solved model: one row per element (unit, site, line, bus) and hour.

Each component family writes its own part (its ``outputs``: capacities, dispatch, storage, flows, curtailment);
:func:`extract` concatenates them in the order of :data:`gzpower.model.families.FAMILIES`. The balance table is
written from the registry that built the balance (:func:`balance_table`): every registered injection lands in its
own column, so the table's terms cannot drift from the model's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gzpower.model import families
from gzpower.model.build import BuiltModel
from gzpower.model.registry import COST_SCALE, evaluate
from gzpower.model.system import element_positions
from gzpower.model.tidy import matrix
from gzpower.results.kpis import kpis

__all__ = ["balance_table", "extract", "kpis"]

#: the result tables the families write, in this order of columns when a family leaves one out
FAMILY_TABLES = ("capacities", "dispatch", "curtailment", "storage", "flows")


def extract(built: BuiltModel, duals: dict | None) -> dict[str, pd.DataFrame]:
    m, d, reg = built.model, built.data, built.registry
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in FAMILY_TABLES}
    for module in families.FAMILIES:
        for name, frame in module.outputs(m, d, reg).items():
            parts[name].append(frame)
    out = {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items() if frames}
    out["capacities"]["total"] = out["capacities"]["existing"] + out["capacities"]["added"]
    out["balance"] = balance_table(built, duals)
    out["emissions"] = pd.DataFrame([(k, evaluate(v)) for k, v in reg.emissions.items()], columns=["source", "tco2"])
    out["costs"] = pd.DataFrame(
        [(k, float(sum(evaluate(e) for e in v))) for k, v in reg.costs.items()], columns=["category", "cny"]
    )
    return {name: out[name] for name in (*FAMILY_TABLES, "balance", "emissions", "costs") if name in out}


def balance_table(built: BuiltModel, duals: dict | None) -> pd.DataFrame:
    """Every term of the energy balance per district and hour: the load, one column per registered injection's
    ``column`` (withdrawal columns with the sign turned), the locational price and the hour weight."""
    m, d, reg = built.model, built.data, built.registry
    n, districts = d.n_hours, d.districts
    row_of = {b: i for i, b in enumerate(districts)}
    columns: dict[str, np.ndarray] = {"load_mw": d.load[districts].to_numpy().T}
    for inj in reg.injections:
        acc = columns.setdefault(inj.column, np.zeros((len(districts), n)))
        element = element_positions(inj.var)
        values = matrix(inj.var, len(element), n)
        turn = -1.0 if inj.withdrawal else 1.0
        for bus, keys in inj.keys_by_bus.items():
            if bus not in row_of:  # external nodes have no row in the district balance
                continue
            for k in keys:
                coef = turn * inj.sign * (inj.coef[k] if inj.coef else 1.0)
                acc[row_of[bus]] += coef * values[element[k]]
    bal = pd.DataFrame(
        {
            "hour": np.tile(np.arange(n), len(districts)),
            "timestamp": np.tile(d.timestamps.to_numpy(), len(districts)),
            "bus": np.repeat(np.asarray(districts, dtype=object), n),
        }
    )
    for name, values in columns.items():
        bal[name] = values.ravel()
    bal["weight"] = np.tile(d.weights, len(districts))
    if duals is not None:
        # balance rows run bus-major (districts first, then external nodes), hours inner
        prices = duals["balance"].reshape(len(m.BUS), n)[[list(m.BUS).index(b) for b in districts]]
        # a balance row of a represented hour stands for `weight` hours: its dual is weight x the marginal cost
        bal["price_cny_per_mwh"] = (prices / d.weights[None, :]).ravel() / COST_SCALE
    else:
        bal["price_cny_per_mwh"] = np.nan
    return bal
