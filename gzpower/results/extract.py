"""Tidy result tables from a solved model: one row per element (unit, site, line, bus) and hour.

Each component family writes its own part (its ``outputs``: capacities, dispatch, storage, flows, curtailment);
:func:`extract` concatenates them in the order of :data:`gzpower.model.families.FAMILIES`. The balance table is
written from the registry that built the balance (:func:`balance_table`): every registered injection lands in its
own column, so the table's terms cannot drift from the model's. ``balance`` holds the districts (the city);
``province`` the same terms at the province bus (boundary "province"), with the provincial price; ``prices`` the
dual of every bus's balance, districts, province and external nodes. Emissions and costs carry an ``area``: the
city's, or the province's (its fleet, its West-to-East supply, its unserved energy), which no city figure counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gzpower.model import families
from gzpower.model.build import BuiltModel
from gzpower.model.registry import COST_SCALE, evaluate
from gzpower.model.system import element_positions, emission_area
from gzpower.model.tidy import matrix
from gzpower.results.kpis import kpis
from gzpower.types import PROVINCE_COST_CATEGORIES

__all__ = ["balance_table", "extract", "kpis", "price_table"]

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
    if d.province_buses:
        out["province"] = balance_table(built, duals, d.province_buses)
    out["prices"] = price_table(built, duals)
    emitted = [(k, evaluate(v)) for k, v in reg.emissions.items()]
    out["emissions"] = pd.DataFrame(
        [(k, t, emission_area(k, d)) for k, t in emitted], columns=["source", "tco2", "area"]
    )
    out["costs"] = pd.DataFrame(
        [
            (k, float(sum(evaluate(e) for e in v)), "province" if k in PROVINCE_COST_CATEGORIES else "city")
            for k, v in reg.costs.items()
        ],
        columns=["category", "cny", "area"],
    )
    names = (*FAMILY_TABLES, "balance", "province", "prices", "emissions", "costs")
    return {name: out[name] for name in names if name in out}


def _prices(built: BuiltModel, duals: dict | None, buses: list) -> np.ndarray:
    """Hourly duals of the balance rows of ``buses`` in CNY/MWh (buses x hours), NaN without duals."""
    m, d = built.model, built.data
    n = d.n_hours
    if duals is None:
        return np.full((len(buses), n), np.nan)
    # balance rows run bus-major (in m.BUS's order), hours inner
    all_prices = duals["balance"].reshape(len(m.BUS), n)
    position = {b: i for i, b in enumerate(m.BUS)}
    # a balance row of a represented hour stands for `weight` hours: its dual is weight x the marginal cost
    return all_prices[[position[b] for b in buses]] / d.weights[None, :] / COST_SCALE


def price_table(built: BuiltModel, duals: dict | None) -> pd.DataFrame:
    """The locational price of every bus and hour: the districts, the province bus (the provincial price) and
    the external nodes; ``kind`` says which."""
    m, d = built.model, built.data
    n, buses = d.n_hours, list(m.BUS)
    kinds = ["district" if b in d.districts else "province" if b in d.province_buses else "external" for b in buses]
    return pd.DataFrame(
        {
            "hour": np.tile(np.arange(n), len(buses)),
            "timestamp": np.tile(d.timestamps.to_numpy(), len(buses)),
            "bus": np.repeat(np.asarray(buses, dtype=object), n),
            "kind": np.repeat(np.asarray(kinds, dtype=object), n),
            "price_cny_per_mwh": _prices(built, duals, buses).ravel(),
            "weight": np.tile(d.weights, len(buses)),
        }
    )


def _loads(d, buses: list) -> np.ndarray:
    if buses == d.districts:
        return d.load[buses].to_numpy().T
    return np.array([d.province_load[b].to_numpy(dtype=float) for b in buses]).reshape(len(buses), d.n_hours)


def balance_table(built: BuiltModel, duals: dict | None, buses: list | None = None) -> pd.DataFrame:
    """Every term of the energy balance per bus and hour: the load, one column per registered injection's
    ``column`` (withdrawal columns with the sign turned), the locational price and the hour weight. ``buses``: the
    districts (default; the province's own injections leave no column there) or the province bus."""
    d, reg = built.data, built.registry
    n = d.n_hours
    city = buses is None
    buses = list(d.districts) if buses is None else list(buses)
    row_of = {b: i for i, b in enumerate(buses)}
    columns: dict[str, np.ndarray] = {"load_mw": _loads(d, buses)}
    for inj in reg.injections:
        if city and inj.name.startswith("province_"):
            continue
        acc = columns.setdefault(inj.column, np.zeros((len(buses), n)))
        element = element_positions(inj.var)
        values = matrix(inj.var, len(element), n)
        turn = -1.0 if inj.withdrawal else 1.0
        for bus, keys in inj.keys_by_bus.items():
            if bus not in row_of:  # other buses (external nodes, the province or the districts) have other rows
                continue
            for k in keys:
                coef = turn * inj.sign * (inj.coef[k] if inj.coef else 1.0)
                acc[row_of[bus]] += coef * values[element[k]]
    bal = pd.DataFrame(
        {
            "hour": np.tile(np.arange(n), len(buses)),
            "timestamp": np.tile(d.timestamps.to_numpy(), len(buses)),
            "bus": np.repeat(np.asarray(buses, dtype=object), n),
        }
    )
    for name, values in columns.items():
        bal[name] = values.ravel()
    bal["weight"] = np.tile(d.weights, len(buses))
    bal["price_cny_per_mwh"] = _prices(built, duals, buses).ravel()
    return bal
