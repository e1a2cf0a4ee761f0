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
import pandas as pd
import pyomo.environ as pyo

from gzpower import assumptions as A
from gzpower.model.instance import InputContext, ModelData, extendable, extendable_elements
from gzpower.model.registry import TARGET_TECHNOLOGIES, PerEntry, Registry, linear
from gzpower.model.rows import capacity_rows
from gzpower.model.tidy import long, matrix, per_hour, recorded_capacities, scalar
from gzpower.model.variables import ArrayVar, per_element
from gzpower.scenario.scenario import Scenario

FAMILY = "renewables"
TECHNOLOGIES = ("pv_rooftop", "pv_ground", "wind_onshore")


def _plan_split() -> dict[str, float]:
    return {k: float(v) for k, v in (item.split(":") for item in A.PLAN_RE_GAP_SPLIT.split(","))}


def inputs(tables: dict, sc: Scenario, ctx: InputContext) -> dict[str, pd.DataFrame]:
    """Sites "tech@district" with a capacity-factor profile: standing plus inherited capacity; in check mode the
    plan's increment closes the gap to ``re_capacity`` left by the capacity that counts toward it (waste-to-energy
    from the thermal family, resolved first); in expand mode sites may grow to their potential."""
    cf = ctx.window(ctx.cf_full, upper=1.0)
    cf = cf.where(cf >= A.CAPACITY_FACTOR_FLOOR, 0.0)
    sites = ctx.sites[ctx.sites["tech"].isin(TECHNOLOGIES)]
    rows = []
    for s in sites.itertuples():
        key = f"{s.tech}@{s.bus}"
        if key not in cf.columns:
            continue
        tech = ctx.technology(s.tech)
        rows.append(
            {
                "key": key,
                "tech": s.tech,
                "bus": s.bus,
                "existing": s.existing_mw,
                "p_max": s.p_max_mw,
                "plan_share": s.plan_share,
                "annuity": float(tech["annuity_cny_per_yr"]),
                "vom": float(tech["vom_cny_per_mwh"]),
            }
        )
    sited = pd.DataFrame(rows).set_index("key")
    inherited = ctx.inherited
    sited["p_nom"] = sited["existing"] + [inherited.get((t, b), 0.0) for t, b in zip(sited["tech"], sited["bus"])]
    counted_elsewhere = sum(mw for t, mw in ctx.standing.items() if t in TARGET_TECHNOLOGIES["re_capacity"])
    re_target = ctx.target("re_capacity") or 0.0
    sited["increment"] = 0.0
    if not ctx.expand and re_target > sited["p_nom"].sum() + counted_elsewhere:
        gap = re_target - sited["p_nom"].sum() - counted_elsewhere
        for tech, share in _plan_split().items():
            mask = sited["tech"] == tech
            sited.loc[mask, "increment"] = gap * share * sited.loc[mask, "plan_share"]
    if "renewables" in sc.without:
        sited["increment"] = 0.0
    sited["p_nom"] = sited["p_nom"] + sited["increment"]
    sited["p_nom_max"] = sited[["p_nom", "p_max"]].max(axis=1) if ctx.expand else sited["p_nom"]
    sited["extendable"] = extendable(sited)
    ctx.record_standing(sited["tech"], sited["p_nom"])
    return {"renewables": sited, "renewable_cf": cf[list(sited.index)].reset_index(drop=True)}


def build(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    sited, cf = d.renewables, d.renewable_cf
    sites = list(sited.index)
    ext = extendable_elements(sited, "renewables")
    cf_values = {k: cf[k].to_numpy() for k in sites}
    p_nom = sited["p_nom"].to_dict()
    m.RENEWABLE = pyo.Set(initialize=sites, ordered=True, doc="renewable sites k = tech@district")
    m.RENEWABLE_EXT = pyo.Set(within=m.RENEWABLE, initialize=ext, ordered=True, doc="extendable renewable sites")
    m.renewable_new = pyo.Var(
        m.RENEWABLE_EXT,
        domain=pyo.NonNegativeReals,
        bounds=lambda _m, k: (0.0, sited.at[k, "p_nom_max"] - sited.at[k, "p_nom"]),
        doc="(R1, R2, R4) renewable capacity added N_k (MW)",
    )
    reg.invest(m.renewable_new)
    ext_set = set(ext)

    limit = per_element([None if k in ext_set else cf_values[k] * p_nom[k] for k in sites], d.n_hours)
    m.renewable_p = ArrayVar(m.RENEWABLE, m.T, lower=0.0, upper=limit, doc="(R1, R2, R3) renewable output g[k,t] (MW)")
    n = d.n_hours
    m.renewable_available = capacity_rows(m.renewable_p, m.renewable_new, ext, sites, n, share=cf_values).build(
        m.RENEWABLE_EXT,
        m.T,
        lower=-np.inf,
        upper=np.concatenate([cf_values[k] * p_nom[k] for k in ext]) if ext else np.zeros(0),
        doc="(R2) output within capacity factor times capacity g[k,t] <= gamma[k,t] P_k, extendable sites (MW)",
    )
    reg.inject("renewables", m.renewable_p, sited["bus"].to_dict(), column="renewables_mw")
    vom = sited["vom"].to_dict()
    reg.cost("fuel_and_vom", PerEntry(m.renewable_p, np.outer([vom[k] for k in sites], d.weights).ravel()))
    reg.cost(
        "investment",
        linear([sited.at[k, "annuity"] * d.year_fraction for k in ext], [m.renewable_new[k] for k in ext]),
    )
    reg.cost("plan_investment", float((sited["annuity"] * sited["increment"]).sum()) * d.year_fraction)
    for k, r in sited.iterrows():
        reg.capacity(
            k,
            FAMILY,
            r["tech"],
            r["bus"],
            "MW",
            r["p_nom"],
            m.renewable_new if k in ext_set else None,
            k,
            increment=r["increment"] > 0,
            status="plan" if r["increment"] > 0 else "standing",
        )


def outputs(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> dict[str, pd.DataFrame]:
    """Capacities, dispatch and curtailment (available minus used output) per site and hour."""
    sited, n, ts = d.renewables, d.n_hours, d.timestamps
    new = scalar(m.renewable_new, list(m.RENEWABLE_EXT))
    out = {"capacities": recorded_capacities(reg, FAMILY)}
    used = matrix(m.renewable_p, len(sited), n)
    total = sited["p_nom"].to_numpy() + np.array([new.get(k, 0.0) for k in sited.index])
    available = d.renewable_cf[list(sited.index)].to_numpy().T * total[:, None]
    if len(sited):
        disp = long(used, list(sited.index), ts, "element", "p_mw")
        disp["family"], disp["carrier"] = FAMILY, per_hour(sited["tech"], n)
        disp["bus"] = per_hour(sited["bus"], n)
        disp["technology"] = per_hour(sited["tech"], n)
        disp["weight"] = np.tile(d.weights, len(sited))
        out["dispatch"] = disp
    curt = long(np.maximum(available - used, 0.0), list(sited.index), ts, "element", "curtailed_mw")
    curt["available_mw"] = available.ravel()
    curt["tech"] = per_hour(sited["tech"], n)
    curt["bus"] = per_hour(sited["bus"], n)
    curt["weight"] = np.tile(d.weights, len(sited))
    out["curtailment"] = curt
    return out
