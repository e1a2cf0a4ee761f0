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
        m.IMPORT_SOURCE, m.T, bounds=lambda _m, i, t: (0.0, cap[i][t]), doc="(I1, I4, I6) supply q[i,t] (MW)"
    )
    ids = list(links.index)
    ext = [k for k in ids if links.at[k, "p_nom_max"] > links.at[k, "p_nom"] + 1e-9]
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
