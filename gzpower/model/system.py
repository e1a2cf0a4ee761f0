"""System-wide terms built once, last, from the registries: unserved energy, the energy balance per bus and
hour, the spinning reserve, the CO2 cap and the objective.

Buses :math:`b` in ``BUS`` (districts and external nodes); hours :math:`t \\in T`, each standing for :math:`w_t`
hours of the year.

Symbols (symbol = variable or ModelData column, unit: meaning):

- :math:`u_{b,t}` = ``m.unserved[b, t]``, MW: unserved energy, districts only
- :math:`L_{b,t}` = ``d.load[b][t]``, MW: load of district :math:`b` (external nodes carry none)
- :math:`V` = ``d.scenario.value_of_lost_load``, CNY/MWh: value of lost load
- :math:`\\rho` = ``d.scenario.reserve_share``, 1: spinning reserve as a share of city load
- :math:`\\overline{\\text{CO2}}` = ``d.scenario.co2_cap``, tCO2: cap over the horizon (none: no row)
- :math:`x_{j,t}`, :math:`\\sigma_j`, :math:`\\eta_{j}`: the variable, sign and coefficient of each injection
  :math:`j` registered by a family (``reg.injections``)
- :math:`H^{f}_t`, MW: reserve headroom registered by family :math:`f` (``reg.reserve``: T12, S13, D9)
- :math:`\\text{CO2}_\\text{source}`, tCO2: emissions registered per source (``reg.emissions``: T11, I6)
- :math:`C^{\\text{category}}`, CNY: costs registered per category (``reg.costs``)
- :math:`w_t` = ``d.weights[t]``, h: hours of the year that model hour :math:`t` stands for

.. math::
    0 \\le u_{b,t} \\le L_{b,t} \\;\\text{(0 when } \\texttt{allow\\_unserved} \\text{ is off)}, \\quad
    C^{\\text{unserved\\_energy}} = \\sum_b \\sum_t w_t\\, V\\, u_{b,t} \\qquad\\text{(Y1)}\\\\
    \\sum_{j \\text{ at } b} \\sigma_j\\, \\eta_j\\, x_{j,t} + u_{b,t} = L_{b,t}
    \\quad \\forall b \\in \\text{BUS}, t \\in T \\qquad (\\lambda_{b,t}: \\text{locational price})
    \\qquad\\text{(Y2)}\\\\
    \\sum_f H^f_t \\ge \\rho \\sum_{b \\in \\text{DISTRICT}} L_{b,t} \\quad \\forall t \\in T
    \\;\\text{(no rows when } \\rho = 0) \\qquad\\text{(Y3)}\\\\
    \\sum_{\\text{sources}} \\text{CO2}_\\text{source} \\le \\overline{\\text{CO2}}
    \\quad\\text{(only when a cap is set)} \\qquad\\text{(Y4)}\\\\
    \\min \\; 10^{-6} \\sum_{\\text{categories}} C^{\\text{category}} \\quad [\\text{million CNY}]
    \\qquad\\text{(Y5)}

In Y2 the injections are: thermal :math:`+p_{u,t}`, renewables :math:`+g_{k,t}`, storage :math:`+d_{s,t} -
c_{s,t}`, demand response :math:`+\\ell_{b,t} + \\sigma^-_{b,t} - \\sigma^+_{b,t}`, import supply
:math:`+q_{i,t}`, interfaces :math:`-z_{k,t}` at bus0 and :math:`+\\eta_k z_{k,t}` at bus1, lines
:math:`-f_{l,t}` at bus0 and :math:`+f_{l,t}` at bus1; external nodes have :math:`L = 0` and no :math:`u`.

Y5 sums every registered cost, each already in CNY over the horizon with the hour weights applied where costs are
hourly (T7, R3, D6, I4, Y1: :math:`\\sum_t w_t \\cdot` cost per MWh :math:`\\cdot` MW) and the year fraction
:math:`y = \\sum_t w_t / 8760` applied to annual costs (T8 to T10, R4, R5, S11, S12, D7, D8, I5); constants such
as fixed O&M enter the objective's constant. The categories are ``fuel_and_vom``, ``fixed_om``, ``investment``,
``plan_investment``, ``demand_response``, ``imports`` and ``unserved_energy``. The emissions in Y4 are weighted
sums too (T11, I6), so Y4 caps the year's CO2 under aggregation. The balance Y2 and the reserve Y3 hold hour by hour
and carry no weights. A carbon price enters through the marginal costs of the builders (T7, I4).
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
    m.unserved = pyo.Var(m.DISTRICT, m.T, bounds=lambda _m, b, t: (0.0, load[b][t]), doc="(Y1) unserved u[b,t] (MW)")
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
        m.BUS, m.T, lower=rhs, upper=rhs, doc="(Y2) energy balance per bus and hour; its dual is the price"
    )


def build_reserve(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    share = d.scenario.reserve_share
    total_load = d.load[d.districts].sum(axis=1).to_numpy()
    n = d.n_hours if share > 0 else 0
    hours = np.arange(n)
    m.RESERVE_T = pyo.Set(initialize=hours.tolist(), ordered=True, doc="hours with a spinning-reserve requirement (Y3)")
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
        doc="(Y3) spinning reserve: headroom of thermal units, storage and DR at least a share of load (MW)",
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
        doc="(Y4) CO2 over the horizon, hours weighted by w_t, at most the cap (tCO2)",
    )
    m.objective = pyo.Objective(
        expr=merge_linear((e for exprs in reg.costs.values() for e in exprs), scale=COST_SCALE),
        sense=pyo.minimize,
        doc="(Y5) total system cost over the horizon, hours weighted by w_t (million CNY)",
    )
