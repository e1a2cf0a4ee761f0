"""Thermal units: gas, coal and waste-to-energy.

Symbols: :math:`p_{u,t}` output (MW); :math:`P_u` capacity (MW, a variable for extendable units, else the
standing :math:`\\bar P_u`); :math:`a_u` availability after outage derating; :math:`r_u` ramp limit (share of
capacity per hour); :math:`m_u` minimum stable share; :math:`c_u = h_u \\pi_f + v_u + \\tau e_u` marginal cost
from heat rate :math:`h_u`, fuel price :math:`\\pi_f`, variable O&M :math:`v_u`, carbon price :math:`\\tau` and
emission factor :math:`e_u = h_u \\epsilon_f` (tCO2/MWh).

.. math::
    0 \\le p_{u,t} \\le a_u P_u                                   \\quad\\text{(capacity; a bound when fixed)}\\\\
    -r_u P_u \\le p_{u,t} - p_{u,t-1} \\le r_u P_u               \\quad\\text{(ramping, only where } r_u<1)\\\\
    p_{u,t} \\ge m_u a_u P_u                                      \\quad\\text{(optional LP relaxation)}\\\\
    \\text{cost} = \\sum_{u,t} c_u p_{u,t} + \\sum_u (F_u \\bar P_u + A_u (P_u - \\bar P_u)) \\cdot y

with fixed O&M :math:`F_u`, annuity :math:`A_u` of new capacity and year fraction :math:`y`.
Reserve headroom :math:`a_u P_u - p_{u,t}` is registered for the spinning-reserve constraint.
"""

from __future__ import annotations

import pyomo.environ as pyo

from gzpower.model.data import ModelData
from gzpower.model.registry import Registry


def build_thermal(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    th = d.thermal
    units = list(th.index)
    ext = [u for u in units if th.at[u, "p_nom_max"] > th.at[u, "p_nom"] + 1e-9]
    avail_cap = (th["availability"] * th["p_nom_max"]).to_dict()
    m.THERMAL = pyo.Set(initialize=units, ordered=True, doc="thermal units (gas, coal, waste)")
    m.THERMAL_EXT = pyo.Set(within=m.THERMAL, initialize=ext, ordered=True, doc="extendable thermal units")
    m.thermal_p = pyo.Var(m.THERMAL, m.T, domain=pyo.NonNegativeReals,
                          bounds=lambda _m, u, t: (0.0, avail_cap[u]), doc="thermal output p[u,t] (MW)")
    m.thermal_new = pyo.Var(m.THERMAL_EXT, domain=pyo.NonNegativeReals,
                            bounds=lambda _m, u: (0.0, th.at[u, "p_nom_max"] - th.at[u, "p_nom"]),
                            doc="thermal capacity added (MW)")

    def available(u):
        base = th.at[u, "availability"] * th.at[u, "p_nom"]
        if u in ext:
            return base + th.at[u, "availability"] * m.thermal_new[u]
        return base

    ext_set = set(ext)
    ext_pairs = [(u, t) for u in ext for t in d_range(d)]
    m.thermal_capacity = pyo.Constraint(
        pyo.Set(initialize=ext_pairs, dimen=2), rule=lambda _m, u, t: _m.thermal_p[u, t] <= available(u),
        doc="output within available capacity of extendable units (fixed units: a variable bound)")

    ramp_units = [u for u in units if th.at[u, "ramp"] < 1.0 and d.n_hours > 1]
    ramp_pairs = [(u, t) for u in ramp_units for t in d_range(d)[1:]]
    m.THERMAL_RAMP = pyo.Set(initialize=ramp_pairs, dimen=2, ordered=True, doc="unit-hours with a ramp limit")

    def ramp_cap(u):
        cap = th.at[u, "ramp"] * th.at[u, "p_nom"]
        return cap + th.at[u, "ramp"] * m.thermal_new[u] if u in ext_set else cap

    m.thermal_ramp_up = pyo.Constraint(
        m.THERMAL_RAMP, rule=lambda _m, u, t: _m.thermal_p[u, t] - _m.thermal_p[u, t - 1] <= ramp_cap(u),
        doc="ramp-up limit (MW/h)")
    m.thermal_ramp_down = pyo.Constraint(
        m.THERMAL_RAMP, rule=lambda _m, u, t: _m.thermal_p[u, t - 1] - _m.thermal_p[u, t] <= ramp_cap(u),
        doc="ramp-down limit (MW/h)")

    stable_pairs = ([(u, t) for u in units if th.at[u, "min_stable"] > 0 for t in d_range(d)]
                    if d.scenario.min_stable else [])
    m.thermal_min_stable = pyo.Constraint(
        pyo.Set(initialize=stable_pairs, dimen=2),
        rule=lambda _m, u, t: _m.thermal_p[u, t] >= th.at[u, "min_stable"] * available(u),
        doc="minimum stable output, LP relaxation (all units treated as committed)")

    reg.inject("thermal", m.thermal_p, th["bus"].to_dict())
    mc = th["marginal_cost"].to_dict()
    reg.cost("fuel_and_vom", sum(mc[u] * m.thermal_p[u, t] for u in units for t in m.T))
    y = d.year_fraction
    reg.cost("fixed_om", sum(float(th.at[u, "fom"] * th.at[u, "p_nom"]) for u in units) * y)
    reg.cost("investment", sum((th.at[u, "annuity"]) * y * m.thermal_new[u] for u in ext))
    # Check mode: the plan's generic blocks are fixed, but their annuity is still what the plan costs.
    reg.cost("plan_investment", float((th["annuity"] * th["p_nom"] * (th["status"] == "generic")).sum()) * y)
    co2 = th["co2_per_mwh"].to_dict()
    for carrier in sorted(th["carrier"].unique()):
        members = [u for u in units if th.at[u, "carrier"] == carrier]
        reg.emissions[carrier] = sum(co2[u] * m.thermal_p[u, t] for u in members for t in m.T)
    reg.reserve.append(lambda t: sum(available(u) - m.thermal_p[u, t] for u in units))


def d_range(d: ModelData) -> list[int]:
    return list(range(d.n_hours))
