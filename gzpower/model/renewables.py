"""Variable renewables: rooftop and ground PV per district, onshore wind in Nansha and Conghua.

Symbols: :math:`g_{k,t}` output of site :math:`k` (MW), :math:`f_{k,t}` capacity factor, :math:`P_k` capacity
(standing :math:`\\bar P_k` plus new :math:`N_k \\le P^{max}_k - \\bar P_k`), annuity :math:`A_k`.

.. math::
    0 \\le g_{k,t} \\le f_{k,t} (\\bar P_k + N_k)\\\\
    \\text{curtailment}_{k,t} = f_{k,t} P_k - g_{k,t} \\ge 0 \\quad\\text{(reported; the plan asks for none)}\\\\
    \\text{cost} = \\sum_{k,t} v_k g_{k,t} + y \\sum_k A_k N_k

For fixed sites the limit is a variable bound; curtailment is derived from the solution, not a variable.
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
    m.RENEWABLE = pyo.Set(initialize=sites, ordered=True, doc="renewable sites tech@district")
    m.RENEWABLE_EXT = pyo.Set(within=m.RENEWABLE, initialize=ext, ordered=True, doc="extendable renewable sites")
    m.renewable_new = pyo.Var(
        m.RENEWABLE_EXT,
        domain=pyo.NonNegativeReals,
        bounds=lambda _m, k: (0.0, re.at[k, "p_nom_max"] - re.at[k, "p_nom"]),
        doc="renewable capacity added (MW)",
    )
    reg.invest(m.renewable_new)
    ext_set = set(ext)

    limit = {k: None if k in ext_set else (cf_values[k] * p_nom[k]).tolist() for k in sites}

    def upper(_m, k, t):
        return (0.0, None) if limit[k] is None else (0.0, limit[k][t])

    m.renewable_p = pyo.Var(m.RENEWABLE, m.T, bounds=upper, doc="renewable output g[k,t] (MW)")
    n = d.n_hours
    m.renewable_available = capacity_rows(m.renewable_p, m.renewable_new, ext, sites, n, share=cf_values).build(
        m.RENEWABLE_EXT,
        m.T,
        lower=-np.inf,
        upper=np.concatenate([cf_values[k] * p_nom[k] for k in ext]) if ext else np.zeros(0),
        doc="output within capacity factor times capacity g[k,t] <= f[k,t] P_k (extendable sites)",
    )
    reg.inject("renewables", m.renewable_p, re["bus"].to_dict())
    vom = re["vom"].to_dict()
    reg.cost("fuel_and_vom", PerEntry(m.renewable_p, np.outer([vom[k] for k in sites], d.weights).ravel()))
    reg.cost(
        "investment", linear([re.at[k, "annuity"] * d.year_fraction for k in ext], [m.renewable_new[k] for k in ext])
    )
    reg.cost("plan_investment", float((re["annuity"] * re["increment"]).sum()) * d.year_fraction)
