"""System-wide terms built once, last, from the registries: unserved energy, the energy balance per bus and
hour, the spinning reserve, the CO2 cap and the objective.

.. math::
    \\sum_{\\text{inj} \\in b} \\sigma\\, \\eta\\, x_{\\text{inj},t} + u_{b,t} = L_{b,t}
    \\quad \\forall b, t \\qquad (\\lambda_{b,t}: \\text{locational price})\\\\
    0 \\le u_{b,t} \\le L_{b,t}, \\quad \\text{cost} = V \\sum_{b,t} u_{b,t}\\\\
    \\sum_{\\text{providers}} \\text{headroom}_t \\ge \\rho \\sum_b L_{b,t}\\\\
    \\sum_{\\text{sources}} \\text{CO2} \\le \\overline{\\text{CO2}} \\quad\\text{(optional)}\\\\
    \\min \\; 10^{-6} \\sum_{\\text{categories}} \\text{cost} \\quad [\\text{million CNY}]

with value of lost load :math:`V`, reserve share :math:`\\rho`; external nodes carry no load and no unserved
energy. A carbon price enters through the marginal costs of the builders.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from gzpower.model.instance import ModelData
from gzpower.model.registry import COST_SCALE, PerEntry, Registry, merge_linear
from gzpower.model.rows import RowBuilder, hourly


def element_positions(var: pyo.Var) -> dict:
    """Position of each element (first index) of a variable indexed by (element, hour)."""
    return {k: i for i, k in enumerate(next(iter(var.index_set().subsets())))}


def build_unserved(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    allow = d.scenario.allow_unserved
    load = {b: (d.load[b].to_numpy(dtype=float) if allow else np.zeros(d.n_hours)).tolist() for b in d.districts}
    m.unserved = pyo.Var(m.DISTRICT, m.T, bounds=lambda _m, b, t: (0.0, load[b][t]), doc="unserved energy u[b,t] (MW)")
    reg.inject("unserved", m.unserved, {b: b for b in d.districts}, column="unserved_mw")
    reg.cost(
        "unserved_energy", PerEntry(m.unserved, np.tile(d.scenario.value_of_lost_load * d.weights, len(d.districts)))
    )


def build_balance(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    n = d.n_hours
    hours = np.arange(n)
    buses = list(m.BUS)
    bus_position = {b: i for i, b in enumerate(buses)}
    rows = RowBuilder(len(buses) * n)
    for inj in reg.injections:
        element = element_positions(inj.var)
        for bus, keys in inj.keys_by_bus.items():
            for k in keys:
                coef = inj.sign * (inj.coef[k] if inj.coef else 1.0)
                rows.add(inj.var, bus_position[bus] * n + hours, hourly(element[k], hours, n), coef)
    rhs = np.concatenate([d.load[b].to_numpy(dtype=float) if b in d.districts else np.zeros(n) for b in buses])
    m.balance = rows.build(
        m.BUS, m.T, lower=rhs, upper=rhs, doc="energy balance per bus and hour; its dual is the locational price"
    )


def build_reserve(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    share = d.scenario.reserve_share
    total_load = d.load[d.districts].sum(axis=1).to_numpy()
    n = d.n_hours if share > 0 else 0
    hours = np.arange(n)
    m.RESERVE_T = pyo.Set(initialize=hours.tolist(), ordered=True, doc="hours with a spinning-reserve requirement")
    rows = RowBuilder(n)
    constant = 0.0
    for offer in reg.reserve:
        constant += offer.constant
        for terms in offer.static:
            position = {k: i for i, k in enumerate(terms.var.index_set())}
            for k, c in zip(terms.keys, terms.coefs):
                rows.add(terms.var, hours, np.full(n, position[k]), c)
        for terms in offer.hourly:
            element = element_positions(terms.var)
            for k, c in zip(terms.keys, terms.coefs):
                rows.add(terms.var, hours, hourly(element[k], hours, n), c)
    m.reserve = rows.build(
        m.RESERVE_T,
        lower=share * total_load[:n] - constant,
        upper=np.inf,
        doc="spinning reserve: headroom of dispatchable units, storage and DR at least a share of load (MW)",
    )


def build_co2_and_objective(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    cap = d.scenario.co2_cap
    m.CO2_CAP = pyo.Set(initialize=[0] if cap is not None else [], doc="present when a CO2 cap is set")
    rows = RowBuilder(len(m.CO2_CAP))
    for source in reg.emissions.values() if cap is not None else []:
        rows.add(source.var, np.zeros(len(source.var), dtype=int), np.arange(len(source.var)), source.coefs)
    m.co2_cap = rows.build(
        m.CO2_CAP,
        lower=-np.inf,
        upper=cap if cap is not None else 0.0,
        doc="CO2 over the horizon at most the cap (tCO2)",
    )
    m.objective = pyo.Objective(
        expr=merge_linear((e for exprs in reg.costs.values() for e in exprs), scale=COST_SCALE),
        sense=pyo.minimize,
        doc="total system cost over the horizon (million CNY)",
    )
