"""Imports: supply at the external nodes (Guangdong grid, West-to-East clean power) and the interfaces into
the districts.

Symbols: supply :math:`q_{i,t}` of source :math:`i` at its external node, capability :math:`Q_i`, hourly
availability :math:`\\alpha_{i,t}`, price :math:`\\pi_i`, CO2 intensity :math:`\\epsilon_i`; interface flow
:math:`z_{k,t}` on link :math:`k` from external node to district, capacity :math:`Z_k = \\bar Z_k + N_k`,
efficiency :math:`\\eta_k`.

.. math::
    0 \\le q_{i,t} \\le \\alpha_{i,t} Q_i, \\qquad 0 \\le z_{k,t} \\le Z_k\\\\
    \\text{at the external node: } \\sum_{i} q_{i,t} - \\sum_{k \\text{ from node}} z_{k,t} = 0, \\quad
    \\text{at the district: } + \\eta_k z_{k,t}\\\\
    \\text{cost} = \\sum_{i,t} (\\pi_i + \\tau \\epsilon_i) q_{i,t} + y \\sum_k A_k N_k
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from gzpower.model.data import ModelData
from gzpower.model.registry import PerEntry, Registry, linear
from gzpower.model.rows import capacity_rows


def build_imports(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    src, avail, links = d.import_sources, d.import_availability, d.links
    sources = list(src.index)
    cap = {i: (avail[i].to_numpy() * float(src.at[i, "p_max"])).tolist() for i in sources}
    m.IMPORT_SOURCE = pyo.Set(initialize=sources, ordered=True, doc="import sources at external nodes")
    m.import_supply = pyo.Var(
        m.IMPORT_SOURCE, m.T, bounds=lambda _m, i, t: (0.0, cap[i][t]), doc="supply q[i,t] taken from source i (MW)"
    )
    ids = list(links.index)
    ext = [k for k in ids if links.at[k, "p_nom_max"] > links.at[k, "p_nom"] + 1e-9]
    ext_set = set(ext)
    m.LINK = pyo.Set(initialize=ids, ordered=True, doc="import interfaces (external node -> district)")
    m.LINK_EXT = pyo.Set(within=m.LINK, initialize=ext, ordered=True, doc="interfaces whose capacity may grow")
    m.link_new = pyo.Var(
        m.LINK_EXT,
        bounds=lambda _m, k: (0.0, links.at[k, "p_nom_max"] - links.at[k, "p_nom"]),
        doc="interface capacity added by import contracts (MW)",
    )
    reg.invest(m.link_new)
    link_limit = {k: None if k in ext_set else float(links.at[k, "p_nom"]) for k in ids}
    m.link_flow = pyo.Var(
        m.LINK, m.T, bounds=lambda _m, k, t: (0.0, link_limit[k]), doc="interface flow z[k,t] into the district (MW)"
    )
    n = d.n_hours
    m.link_capacity = capacity_rows(m.link_flow, m.link_new, ext, ids, n).build(
        m.LINK_EXT,
        m.T,
        lower=-np.inf,
        upper=np.repeat([float(links.at[k, "p_nom"]) for k in ext], n),
        doc="interface flow within capacity z[k,t] <= Z_k (extendable interfaces)",
    )
    reg.inject("import_supply", m.import_supply, src["bus"].to_dict())
    reg.inject("link_send", m.link_flow, links["bus0"].to_dict(), sign=-1.0)
    reg.inject("link_receive", m.link_flow, links["bus1"].to_dict(), coef=links["efficiency"].to_dict())
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
