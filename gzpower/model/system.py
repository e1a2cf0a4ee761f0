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

from collections import defaultdict

import numpy as np
import pyomo.environ as pyo

from gzpower.model.data import ModelData
from gzpower.model.registry import COST_SCALE, Registry, linear


def build_unserved(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    load = {b: d.load[b].to_numpy() for b in d.districts}
    allow = d.scenario.allow_unserved
    m.unserved = pyo.Var(m.DISTRICT, m.T,
                         bounds=lambda _m, b, t: (0.0, float(load[b][t]) if allow else 0.0),
                         doc="unserved energy u[b,t] (MW)")
    reg.inject("unserved", m.unserved, {b: b for b in d.districts})
    n = d.n_hours
    reg.cost("unserved_energy", linear(np.tile(d.scenario.value_of_lost_load * d.weights, len(d.districts)),
                                       (m.unserved[b, t] for b in d.districts for t in range(n))))


def build_balance(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    # per bus: (coefficient, variable, element key) of every injection located there, resolved once
    terms: dict[str, list] = defaultdict(list)
    for inj in reg.injections:
        for bus, keys in inj.keys_by_bus.items():
            for k in keys:
                terms[bus].append((inj.sign * (inj.coef[k] if inj.coef else 1.0), inj.var, k))
    load = {b: d.load[b].to_numpy() for b in d.districts}

    def rule(_m, b, t):
        rhs = float(load[b][t]) if b in load else 0.0
        return linear([c for c, _, _ in terms[b]], [var[k, t] for _, var, k in terms[b]]) == rhs

    m.balance = pyo.Constraint(m.BUS, m.T, rule=rule,
                               doc="energy balance per bus and hour; its dual is the locational price")


def build_reserve(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    share = d.scenario.reserve_share
    total_load = d.load[d.districts].sum(axis=1).to_numpy()
    hours = list(range(d.n_hours)) if share > 0 else []
    m.RESERVE_T = pyo.Set(initialize=hours, ordered=True, doc="hours with a spinning-reserve requirement")
    m.reserve = pyo.Constraint(
        m.RESERVE_T, rule=lambda _m, t: pyo.quicksum(f(t) for f in reg.reserve)
        >= share * float(total_load[t]),
        doc="spinning reserve: headroom of dispatchable units, storage and DR at least a share of load (MW)")


def build_co2_and_objective(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    cap = d.scenario.co2_cap
    m.CO2_CAP = pyo.Set(initialize=[0] if cap is not None else [], doc="present when a CO2 cap is set")
    m.co2_cap = pyo.Constraint(m.CO2_CAP, rule=lambda _m, _i: sum(reg.emissions.values()) <= cap,
                               doc="CO2 over the horizon at most the cap (tCO2)")
    m.objective = pyo.Objective(
        expr=COST_SCALE * sum(sum(exprs) for exprs in reg.costs.values()), sense=pyo.minimize,
        doc="total system cost over the horizon (million CNY)")
