"""Variable renewables: rooftop and ground PV per district, onshore wind in Nansha and Conghua.

Each site :math:`k` is a technology in a district (``tech@district``); hours :math:`t \\in T`, each standing for
:math:`w_t` hours of the year.

Symbols (symbol = variable or ModelData column, unit: meaning):

- :math:`g_{k,t}` = ``m.renewable_p[k, t]``, MW: output in hour :math:`t`
- :math:`N_k` = ``m.renewable_new[k]``, MW: capacity added, for :math:`k` in ``RENEWABLE_EXT``
  (:math:`N_k \\equiv 0` for the other sites)
- :math:`\\bar P_k` = ``d.renewables["p_nom"]``, MW: standing capacity (existing, inherited and, in check mode,
  the plan's increment :math:`I_k`)
- :math:`P^{max}_k` = ``d.renewables["p_nom_max"]``, MW: largest capacity; :math:`P_k = \\bar P_k + N_k`
- :math:`\\gamma_{k,t}` = ``d.renewable_cf[k][t]``, p.u.: capacity factor (0 below the assumption
  ``CAPACITY_FACTOR_FLOOR``; rescaled to the annual energy under aggregation)
- :math:`v_k` = ``d.renewables["vom"]``, CNY/MWh: variable O&M
- :math:`A_k` = ``d.renewables["annuity"]``, CNY/(MW year): annuity of capacity
- :math:`I_k` = ``d.renewables["increment"]``, MW: the plan's increment charged as plan investment (check mode)
- :math:`w_t` = ``d.weights[t]``, h: hours of the year that model hour :math:`t` stands for
- :math:`y` = ``d.year_fraction``, 1: :math:`\\sum_t w_t / 8760`

.. math::
    0 \\le g_{k,t}, \\quad 0 \\le N_k \\le P^{max}_k - \\bar P_k, \\quad
    g_{k,t} \\le \\gamma_{k,t} \\bar P_k \\;\\; \\forall k \\notin \\text{RENEWABLE\\_EXT}
    \\qquad\\text{(R1: variable bounds)}\\\\
    g_{k,t} - \\gamma_{k,t} N_k \\le \\gamma_{k,t} \\bar P_k \\quad \\forall k \\in \\text{RENEWABLE\\_EXT}, t \\in T
    \\qquad\\text{(R2)}

Registered with the system: the injection :math:`+g_{k,t}` at the site's district (balance Y2) and the costs in
CNY (objective Y5, scaled there by :math:`10^{-6}`); renewables emit nothing and offer no reserve:

.. math::
    C^{\\text{fuel\\_and\\_vom}} = \\sum_k \\sum_t w_t\\, v_k\\, g_{k,t} \\qquad\\text{(R3)}\\\\
    C^{\\text{investment}} = y \\sum_{k \\in \\text{RENEWABLE\\_EXT}} A_k N_k \\qquad\\text{(R4)}\\\\
    C^{\\text{plan\\_investment}} = y \\sum_k A_k I_k \\qquad\\text{(R5)}

Curtailment, :math:`\\max(\\gamma_{k,t} P_k - g_{k,t}, 0)`, is not a variable: :mod:`gzpower.results.extract`
derives it from the solution (the plan asks for none).
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from gzpower.model.data import ModelData
from gzpower.model.registry import PerEntry, Registry, linear
from gzpower.model.rows import capacity_rows


def build_renewables(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    re, cf = d.renewables, d.renewable_cf
    sites = list(re.index)
    ext = [k for k in sites if re.at[k, "p_nom_max"] > re.at[k, "p_nom"] + 1e-9]
    cf_values = {k: cf[k].to_numpy() for k in sites}
    p_nom = re["p_nom"].to_dict()
    m.RENEWABLE = pyo.Set(initialize=sites, ordered=True, doc="renewable sites k = tech@district")
    m.RENEWABLE_EXT = pyo.Set(within=m.RENEWABLE, initialize=ext, ordered=True, doc="extendable renewable sites")
    m.renewable_new = pyo.Var(
        m.RENEWABLE_EXT,
        domain=pyo.NonNegativeReals,
        bounds=lambda _m, k: (0.0, re.at[k, "p_nom_max"] - re.at[k, "p_nom"]),
        doc="(R1, R2, R4) renewable capacity added N_k (MW)",
    )
    reg.invest(m.renewable_new)
    ext_set = set(ext)

    limit = {k: None if k in ext_set else (cf_values[k] * p_nom[k]).tolist() for k in sites}

    def upper(_m, k, t):
        return (0.0, None) if limit[k] is None else (0.0, limit[k][t])

    m.renewable_p = pyo.Var(m.RENEWABLE, m.T, bounds=upper, doc="(R1, R2, R3) renewable output g[k,t] (MW)")
    n = d.n_hours
    m.renewable_available = capacity_rows(m.renewable_p, m.renewable_new, ext, sites, n, share=cf_values).build(
        m.RENEWABLE_EXT,
        m.T,
        lower=-np.inf,
        upper=np.concatenate([cf_values[k] * p_nom[k] for k in ext]) if ext else np.zeros(0),
        doc="(R2) output within capacity factor times capacity g[k,t] <= gamma[k,t] P_k, extendable sites (MW)",
    )
    reg.inject("renewables", m.renewable_p, re["bus"].to_dict())
    vom = re["vom"].to_dict()
    reg.cost("fuel_and_vom", PerEntry(m.renewable_p, np.outer([vom[k] for k in sites], d.weights).ravel()))
    reg.cost(
        "investment", linear([re.at[k, "annuity"] * d.year_fraction for k in ext], [m.renewable_new[k] for k in ext])
    )
    reg.cost("plan_investment", float((re["annuity"] * re["increment"]).sum()) * d.year_fraction)
