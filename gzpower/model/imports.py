"""Imports: supply at the external nodes (Guangdong grid, West-to-East clean power) and the interfaces into
the districts.

Sources :math:`i` sit at an external node; interfaces (links) :math:`k` run from an external node (bus0) to a
district (bus1); hours :math:`t \\in T`, each standing for :math:`w_t` hours of the year.

Symbols (symbol = variable or ModelData column, unit: meaning):

- :math:`q_{i,t}` = ``m.import_supply[i, t]``, MW: supply taken from source :math:`i`
- :math:`z_{k,t}` = ``m.link_flow[k, t]``, MW: interface flow, measured at the external node
- :math:`N_k` = ``m.link_new[k]``, MW: interface capacity added by import contracts, for :math:`k` in ``LINK_EXT``
  (:math:`N_k \\equiv 0` for the other interfaces)
- :math:`Q_i` = ``d.import_sources["p_max"]``, MW: capability (``p_max_mw`` times the scenario's import scale)
- :math:`\\alpha_{i,t}` = ``d.import_availability[i][t]``, p.u.: hourly availability
- :math:`\\pi_i` = ``d.import_sources["price_cny_per_mwh"]``, CNY/MWh: price
- :math:`\\varepsilon_i` = ``d.import_sources["co2_t_per_mwh"]``, tCO2/MWh: CO2 intensity
- :math:`\\bar Z_k` = ``d.links["p_nom"]``, MW: standing capacity; :math:`Z^{max}_k` = ``d.links["p_nom_max"]``, MW;
  :math:`Z_k = \\bar Z_k + N_k`
- :math:`\\eta_k` = ``d.links["efficiency"]``, p.u.: share of the flow that arrives at the district
- :math:`A_k` = ``d.links["annuity"]``, CNY/(MW year): annuity of interface capacity
- :math:`\\tau` = ``d.scenario.carbon_price``, CNY/tCO2
- :math:`w_t` = ``d.weights[t]``, h; :math:`y` = ``d.year_fraction`` = :math:`\\sum_t w_t / 8760`

.. math::
    0 \\le q_{i,t} \\le \\alpha_{i,t} Q_i \\qquad\\text{(I1: variable bounds)}\\\\
    0 \\le z_{k,t}, \\quad 0 \\le N_k \\le Z^{max}_k - \\bar Z_k, \\quad
    z_{k,t} \\le \\bar Z_k \\;\\; \\forall k \\notin \\text{LINK\\_EXT} \\qquad\\text{(I2: variable bounds)}\\\\
    z_{k,t} - N_k \\le \\bar Z_k \\quad \\forall k \\in \\text{LINK\\_EXT}, t \\in T \\qquad\\text{(I3)}

Registered with the system: the injections (balance Y2) :math:`+q_{i,t}` at the source's external node,
:math:`-z_{k,t}` at bus0 and :math:`+\\eta_k z_{k,t}` at bus1, so the external node balances
:math:`\\sum_i q_{i,t} = \\sum_{k \\text{ from node}} z_{k,t}`; the costs in CNY (objective Y5, scaled there by
:math:`10^{-6}`); the emissions in tCO2 per source (CO2 cap Y4):

.. math::
    C^{\\text{imports}} = \\sum_i \\sum_t w_t (\\pi_i + \\tau \\varepsilon_i) q_{i,t} \\qquad\\text{(I4)}\\\\
    C^{\\text{investment}} = y \\sum_{k \\in \\text{LINK\\_EXT}} A_k N_k \\qquad\\text{(I5)}\\\\
    \\text{CO2}_i = \\sum_t w_t\\, \\varepsilon_i\\, q_{i,t} \\qquad\\text{(I6)}
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from gzpower.model.instance import InputContext, ModelData, extendable, extendable_elements, year_rows
from gzpower.model.registry import PerEntry, Registry, linear
from gzpower.model.rows import capacity_rows
from gzpower.model.tidy import loading, long, matrix, per_hour, recorded_capacities, scalar
from gzpower.scenario.scenario import Scenario

FAMILY = "imports"


def inputs(tables: dict, sc: Scenario, ctx: InputContext) -> dict[str, pd.DataFrame]:
    """Sources (capability scaled by ``import_scale``; clean ones cut in the counterfactual) with their hourly
    availability, and the interfaces, which may grow by import contracts in expand mode."""
    src = year_rows(tables["import_sources"], ctx.year).set_index("source")
    src = src.assign(p_max=src["p_max_mw"] * sc.import_scale)
    if "clean_imports" in sc.without:
        src.loc[src["clean"], "p_max"] = 0.0
    avail = ctx.window(ctx.avail_full[list(src.index)], upper=1.0)
    contract = ctx.technology("import_contract")
    links = tables["links"].set_index("link")
    links = links.assign(p_nom=links["p_nom_mw"] * sc.import_scale)
    potential = ctx.sites[ctx.sites["tech"] == "import_contract"].set_index("bus")["p_max_mw"]
    largest = links["p_nom"] + links["bus1"].map(potential).fillna(0.0)
    # myopic: an interface built in an earlier year stands (found again by its link: two land at one district);
    # the contract potential still bounds the interface's total
    inherited = ctx.inherited
    links["p_nom"] = links["p_nom"] + [inherited.get(("import_interface", k), 0.0) for k in links.index]
    links["p_nom_max"] = np.maximum(links["p_nom"], largest) if ctx.expand else links["p_nom"]
    links["annuity"] = float(contract["annuity_cny_per_yr"])
    links["extendable"] = extendable(links)
    return {"import_sources": src, "import_availability": avail.reset_index(drop=True), "links": links}


def build(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    src, avail, links = d.import_sources, d.import_availability, d.links
    sources = list(src.index)
    cap = {i: (avail[i].to_numpy() * float(src.at[i, "p_max"])).tolist() for i in sources}
    m.IMPORT_SOURCE = pyo.Set(initialize=sources, ordered=True, doc="import sources at external nodes")
    m.import_supply = pyo.Var(
        m.IMPORT_SOURCE, m.T, bounds=lambda _m, i, t: (0.0, cap[i][t]), doc="(I1, I4, I6) supply q[i,t] (MW)"
    )
    ids = list(links.index)
    ext = extendable_elements(links, "links")
    ext_set = set(ext)
    m.LINK = pyo.Set(initialize=ids, ordered=True, doc="import interfaces (external node -> district)")
    m.LINK_EXT = pyo.Set(within=m.LINK, initialize=ext, ordered=True, doc="interfaces whose capacity may grow")
    m.link_new = pyo.Var(
        m.LINK_EXT,
        bounds=lambda _m, k: (0.0, links.at[k, "p_nom_max"] - links.at[k, "p_nom"]),
        doc="(I2, I3, I5) interface capacity added by import contracts (MW)",
    )
    reg.invest(m.link_new)
    link_limit = {k: None if k in ext_set else float(links.at[k, "p_nom"]) for k in ids}
    m.link_flow = pyo.Var(
        m.LINK, m.T, bounds=lambda _m, k, t: (0.0, link_limit[k]), doc="(I2, I3) interface flow z[k,t] (MW)"
    )
    n = d.n_hours
    m.link_capacity = capacity_rows(m.link_flow, m.link_new, ext, ids, n).build(
        m.LINK_EXT,
        m.T,
        lower=-np.inf,
        upper=np.repeat([float(links.at[k, "p_nom"]) for k in ext], n),
        doc="(I3) interface flow within capacity z[k,t] <= Z_k (extendable interfaces, MW)",
    )
    _register(m, d, reg, ext)


def _register(m: pyo.ConcreteModel, d: ModelData, reg: Registry, ext: list) -> None:
    src, links, n = d.import_sources, d.links, d.n_hours
    sources = list(src.index)
    # at an external node supply and sending cancel; at a district the received flow is the city's import
    reg.inject("import_supply", m.import_supply, src["bus"].to_dict(), column="imports_mw")
    reg.inject("link_send", m.link_flow, links["bus0"].to_dict(), column="imports_mw", sign=-1.0)
    efficiency = links["efficiency"].to_dict()
    reg.inject("link_receive", m.link_flow, links["bus1"].to_dict(), column="imports_mw", coef=efficiency)
    tau = d.scenario.carbon_price
    price = {i: float(src.at[i, "price_cny_per_mwh"] + tau * src.at[i, "co2_t_per_mwh"]) for i in sources}
    w = d.weights
    reg.cost("imports", PerEntry(m.import_supply, np.outer([price[i] for i in sources], w).ravel()))
    reg.cost(
        "investment", linear([links.at[k, "annuity"] * d.year_fraction for k in ext], [m.link_new[k] for k in ext])
    )
    for i, name in enumerate(sources):
        coefs = np.zeros(len(sources) * n)
        coefs[i * n : (i + 1) * n] = float(src.at[name, "co2_t_per_mwh"]) * w
        reg.emissions[f"import:{name}"] = PerEntry(m.import_supply, coefs)
    ext_set = set(ext)
    for k, r in links.iterrows():
        added = m.link_new if k in ext_set else None
        reg.capacity(k, FAMILY, "import_interface", r["bus1"], "MW", r["p_nom"], added, k, location=k)
    for i, r in src.iterrows():
        reg.capacity(i, FAMILY, "import_source", r["bus"], "MW", r["p_max"], status="standing")


def outputs(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> dict[str, pd.DataFrame]:
    """Capacities (interfaces, then sources), supply per source (dispatch) and interface flows."""
    src, links, n, ts = d.import_sources, d.links, d.n_hours, d.timestamps
    supply = long(matrix(m.import_supply, len(src), n), list(src.index), ts, "element", "p_mw")
    supply["family"], supply["carrier"] = FAMILY, per_hour(src.index, n)
    supply["bus"] = per_hour(src["bus"], n)
    supply["technology"] = "import_source"
    supply["weight"] = np.tile(d.weights, len(src))
    new = scalar(m.link_new, list(m.LINK_EXT))
    flows = long(matrix(m.link_flow, len(links), n), list(links.index), ts, "element", "flow_mw")
    flows["kind"] = "interface"
    flows["bus0"], flows["bus1"] = per_hour(links["bus0"], n), per_hour(links["bus1"], n)
    flows["limit_mw"] = per_hour(links["p_nom"].to_numpy() + np.array([new.get(k, 0.0) for k in links.index]), n)
    return {"capacities": recorded_capacities(reg, FAMILY), "dispatch": supply, "flows": loading(flows)}
