"""System-wide terms built once, last, from the registries: unserved energy, the energy balance per bus and
hour, the spinning reserve, the CO2 cap and the objective.

Buses :math:`b` in ``BUS`` (districts, external nodes and, with the province boundary, the province bus
:math:`P \\in` ``PROVINCE``); hours :math:`t \\in T`, each standing for :math:`w_t`
hours of the year.

Symbols (symbol = variable or ModelData column, unit: meaning):

- :math:`u_{b,t}` = ``m.unserved[b, t]``, MW: unserved energy of district :math:`b` (the city's)
- :math:`u^P_{b,t}` = ``m.province_unserved[b, t]``, MW: unserved energy of the rest of the province (reported on
  its own, never in the city's)
- :math:`L_{b,t}` = ``d.load[b][t]``, MW: load of district :math:`b`; ``d.province_load[b][t]`` for the province bus
  (external nodes carry none)
- :math:`V` = ``d.scenario.value_of_lost_load``, CNY/MWh: value of lost load
- :math:`\\rho` = ``d.scenario.reserve_share``, 1: spinning reserve as a share of the load it covers (the city's
  with the fixed-price boundary, the city's and the province's with the province boundary)
- :math:`\\overline{\\text{CO2}}` = ``d.scenario.co2_cap``, tCO2: cap over the horizon (none: no row)
- :math:`x_{j,t}`, :math:`\\sigma_j`, :math:`\\eta_{j}`: the variable, sign and coefficient of each injection
  :math:`j` registered by a family (``reg.injections``)
- :math:`H^{f}_t`, MW: reserve headroom registered by family :math:`f` (``reg.reserve``: T12, S13, D9, G7)
- :math:`\\text{CO2}_\\text{source}`, tCO2: emissions registered per source (``reg.emissions``: T11, I6, G6); the
  city's sources :math:`C` are all of them but the province fleet's (G6) and the sources at the province bus
- :math:`C^{\\text{category}}`, CNY: costs registered per category (``reg.costs``)
- :math:`w_t` = ``d.weights[t]``, h: hours of the year that model hour :math:`t` stands for

.. math::
    0 \\le u_{b,t} \\le L_{b,t}, \\; 0 \\le u^P_{b,t} \\le L_{b,t}
    \\;\\text{(0 when } \\texttt{allow\\_unserved} \\text{ is off)}, \\quad
    C^{\\text{unserved\\_energy}} = \\sum_{b \\in \\text{DISTRICT}} \\sum_t w_t\\, V\\, u_{b,t}, \\quad
    C^{\\text{province\\_unserved\\_energy}} = \\sum_{b \\in \\text{PROVINCE}} \\sum_t w_t\\, V\\, u^P_{b,t}
    \\qquad\\text{(Y1)}\\\\
    \\sum_{j \\text{ at } b} \\sigma_j\\, \\eta_j\\, x_{j,t} + u_{b,t} + u^P_{b,t} = L_{b,t}
    \\quad \\forall b \\in \\text{BUS}, t \\in T \\qquad (\\lambda_{b,t}: \\text{locational price})
    \\qquad\\text{(Y2)}\\\\
    \\sum_f H^f_t \\ge \\rho \\sum_{b \\in \\text{DISTRICT} \\cup \\text{PROVINCE}} L_{b,t} \\quad \\forall t \\in T
    \\;\\text{(no rows when } \\rho = 0) \\qquad\\text{(Y3)}\\\\
    \\sum_{\\text{source} \\in C} \\text{CO2}_\\text{source} \\le \\overline{\\text{CO2}}
    \\quad\\text{(only when a cap is set)} \\qquad\\text{(Y4)}\\\\
    \\min \\; 10^{-6} \\sum_{\\text{categories}} C^{\\text{category}} \\quad [\\text{million CNY}]
    \\qquad\\text{(Y5)}

In Y2 the injections are: thermal :math:`+p_{u,t}`, renewables :math:`+g_{k,t}`, storage :math:`+d_{s,t} -
c_{s,t}`, demand response :math:`+\\ell_{b,t} + \\sigma^-_{b,t} - \\sigma^+_{b,t}`, import supply
:math:`+q_{i,t}`, interfaces :math:`-z_{k,t}` at bus0 and :math:`+\\eta_k z_{k,t}` at bus1, lines
:math:`-f_{l,t}` at bus0 and :math:`+f_{l,t}` at bus1; the province fleet :math:`+g_{k,t} + d_{s,t} - c_{s,t}` at
the province bus (G1 to G4). :math:`u_{b,t}` exists at districts only, :math:`u^P_{b,t}` at the province bus only;
external nodes have :math:`L = 0` and neither. In province mode the dual :math:`\\lambda_{P,t}` is the provincial
price, which the city pays on its net import over the interfaces from :math:`P` (:mod:`gzpower.results.kpis`).

Y5 sums every registered cost, each already in CNY over the horizon with the hour weights applied where costs are
hourly (T7, R3, D6, I4, G5, Y1: :math:`\\sum_t w_t \\cdot` cost per MWh :math:`\\cdot` MW) and the year fraction
:math:`y = \\sum_t w_t / 8760` applied to annual costs (T8 to T10, R4, R5, S11, S12, D7, D8, I5); constants such
as fixed O&M enter the objective's constant. The categories are ``fuel_and_vom``, ``fixed_om``, ``investment``,
``plan_investment``, ``demand_response``, ``imports`` and ``unserved_energy``, and with the province boundary
``province_fleet``, ``province_imports`` and ``province_unserved_energy`` (the province's, never the city's). The
emissions in Y4 are weighted sums too (T11, I6), so Y4 caps the year's CO2 under aggregation; it caps the city's
(with the province boundary the province's own, G6, are reported, not capped, and an import from the province
carries no CO2 in the LP). The balance Y2 and the reserve Y3 hold hour by hour
and carry no weights. A carbon price enters through the marginal costs of the builders (T7, I4, G5).
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from gzpower.model.instance import ModelData
from gzpower.model.registry import COST_SCALE, PerEntry, Registry
from gzpower.model.rows import LinearObjective, RowBuilder, hourly
from gzpower.model.variables import ArrayVar, per_element


def element_positions(var: pyo.Var) -> dict:
    """Position of each element (first index) of a variable indexed by (element, hour)."""
    return {k: i for i, k in enumerate(next(iter(var.index_set().subsets())))}


def build_unserved(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    allow = d.scenario.allow_unserved
    load = [d.load[b].to_numpy(dtype=float) if allow else np.zeros(d.n_hours) for b in d.districts]
    m.unserved = ArrayVar(
        m.DISTRICT, m.T, lower=0.0, upper=per_element(load, d.n_hours), doc="(Y1) unserved u[b,t] (MW)"
    )
    reg.inject("unserved", m.unserved, {b: b for b in d.districts}, column="unserved_mw")
    reg.cost(
        "unserved_energy", PerEntry(m.unserved, np.tile(d.scenario.value_of_lost_load * d.weights, len(d.districts)))
    )
    province = d.province_buses
    cap = [d.province_load[b].to_numpy(dtype=float) if allow else np.zeros(d.n_hours) for b in province]
    m.PROVINCE = pyo.Set(initialize=province, ordered=True, doc="the province bus (rest of Guangdong), if modelled")
    m.province_unserved = ArrayVar(
        m.PROVINCE,
        m.T,
        lower=0.0,
        upper=per_element(cap, d.n_hours),
        doc="(Y1) unserved in the province uP[b,t] (MW)",
    )
    if province:
        reg.inject("province_unserved", m.province_unserved, {b: b for b in province}, column="unserved_mw")
        voll = np.tile(d.scenario.value_of_lost_load * d.weights, len(province))
        reg.cost("province_unserved_energy", PerEntry(m.province_unserved, voll))


def bus_load(d: ModelData, bus: str) -> np.ndarray:
    """The load a bus's balance serves (MW per hour): a district's, the province's, or none at an external node."""
    if bus in d.districts:
        return d.load[bus].to_numpy(dtype=float)
    if bus in d.province_buses:
        return d.province_load[bus].to_numpy(dtype=float)
    return np.zeros(d.n_hours)


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
    rhs = np.concatenate([bus_load(d, b) for b in buses]) if buses else np.zeros(0)
    m.balance = rows.build(
        m.BUS, m.T, lower=rhs, upper=rhs, doc="(Y2) energy balance per bus and hour; its dual is the price"
    )


def build_reserve(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    share = d.scenario.reserve_share
    # with the province boundary the reserve is the province's: city and province load, every unit's headroom
    covered = d.load[d.districts].sum(axis=1).to_numpy() + d.province_load[d.province_buses].sum(axis=1).to_numpy()
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
        lower=share * covered[:n] - constant,
        upper=np.inf,
        doc="(Y3) spinning reserve: headroom of thermal units, storage, DR and the province fleet at least a share "
        "of the load covered, the city's (and the province's with the province boundary) (MW)",
    )


def emission_area(source: str, d: ModelData) -> str:
    """Whose a registered emission is: "province" for the province fleet (G6) and the sources at the province bus
    (I6), "city" for the rest."""
    if source.startswith("province:"):
        return "province"
    name = source.removeprefix("import:")
    if source.startswith("import:") and name in d.import_sources.index:
        return "province" if d.import_sources.at[name, "bus"] in set(d.province_buses) else "city"
    return "city"


def build_co2_and_objective(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    cap = d.scenario.co2_cap
    m.CO2_CAP = pyo.Set(initialize=[0] if cap is not None else [], doc="present when a CO2 cap is set")
    rows = RowBuilder(len(m.CO2_CAP))
    capped = [e for k, e in reg.emissions.items() if emission_area(k, d) == "city"] if cap is not None else []
    for source in capped:
        rows.add(source.var, np.zeros(len(source.var), dtype=int), np.arange(len(source.var)), source.coefs)
    m.co2_cap = rows.build(
        m.CO2_CAP,
        lower=-np.inf,
        upper=cap if cap is not None else 0.0,
        doc="(Y4) the city's CO2 over the horizon (its plants and own import sources), hours weighted by w_t, at most "
        "the cap (tCO2)",
    )
    m.objective = LinearObjective(
        [e for exprs in reg.costs.values() for e in exprs],
        scale=COST_SCALE,
        sense=pyo.minimize,
        doc="(Y5) total system cost over the horizon, hours weighted by w_t (million CNY)",
    )
