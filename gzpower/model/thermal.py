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

with fixed O&M :math:`F_u`, annuity :math:`A_u` of new capacity and year fraction :math:`y`; in check mode the
annuity of the plan's generic blocks, :math:`A_u \\bar P_u y`, is charged as the plan's investment.
Reserve headroom :math:`\\sum_u a_u P_u - p_{u,t}` is registered for the spinning-reserve constraint.
"""

from __future__ import annotations

import pyomo.environ as pyo

from gzpower.model.data import ModelData
from gzpower.model.registry import Registry, linear


def build_thermal(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    th = d.thermal
    units = list(th.index)
    n = d.n_hours
    p_nom, p_max = th["p_nom"].to_dict(), th["p_nom_max"].to_dict()
    avail, ramp, stable = th["availability"].to_dict(), th["ramp"].to_dict(), th["min_stable"].to_dict()
    ext = [u for u in units if p_max[u] > p_nom[u] + 1e-9]
    ext_set = set(ext)
    m.THERMAL = pyo.Set(initialize=units, ordered=True, doc="thermal units (gas, coal, waste)")
    m.THERMAL_EXT = pyo.Set(within=m.THERMAL, initialize=ext, ordered=True, doc="extendable thermal units")
    m.thermal_p = pyo.Var(m.THERMAL, m.T, domain=pyo.NonNegativeReals,
                          bounds=lambda _m, u, t: (0.0, avail[u] * p_max[u]), doc="thermal output p[u,t] (MW)")
    m.thermal_new = pyo.Var(m.THERMAL_EXT, domain=pyo.NonNegativeReals,
                            bounds=lambda _m, u: (0.0, p_max[u] - p_nom[u]), doc="thermal capacity added (MW)")

    def scaled_capacity(u, share):
        """share * (standing + new) capacity of unit u, as a number or a one-variable linear expression."""
        if u in ext_set:
            return linear([share], [m.thermal_new[u]], share * p_nom[u])
        return share * p_nom[u]

    available = {u: scaled_capacity(u, avail[u]) for u in units}
    m.THERMAL_EXT_T = pyo.Set(initialize=[(u, t) for u in ext for t in range(n)], dimen=2,
                              doc="unit-hours of extendable units")
    m.thermal_capacity = pyo.Constraint(m.THERMAL_EXT_T, rule=lambda _m, u, t: _m.thermal_p[u, t] <= available[u],
                                        doc="output within available capacity of extendable units "
                                            "(fixed units: a variable bound)")

    ramp_units = [u for u in units if ramp[u] < 1.0]
    ramp_cap = {u: scaled_capacity(u, ramp[u]) for u in ramp_units}
    linked_hours = [t for t in range(n) if not d.period_start[t]]
    m.THERMAL_RAMP = pyo.Set(initialize=[(u, t) for u in ramp_units for t in linked_hours], dimen=2, ordered=True,
                             doc="unit-hours with a ramp limit (not the first hour of a period)")
    m.thermal_ramp_up = pyo.Constraint(
        m.THERMAL_RAMP, rule=lambda _m, u, t: _m.thermal_p[u, t] - _m.thermal_p[u, t - 1] <= ramp_cap[u],
        doc="ramp-up limit (MW/h)")
    m.thermal_ramp_down = pyo.Constraint(
        m.THERMAL_RAMP, rule=lambda _m, u, t: _m.thermal_p[u, t - 1] - _m.thermal_p[u, t] <= ramp_cap[u],
        doc="ramp-down limit (MW/h)")
    before = d.scenario.initial_output  # rolling horizon: output in the hour before the window
    start_units = [u for u in ramp_units if u in before] if n else []
    m.THERMAL_RAMP_START = pyo.Set(initialize=start_units, ordered=True,
                                   doc="units whose first-hour ramp is measured from the previous window")
    m.thermal_ramp_start = pyo.Constraint(
        m.THERMAL_RAMP_START, [0, 1],
        rule=lambda _m, u, up: (_m.thermal_p[u, 0] - before[u] if up else before[u] - _m.thermal_p[u, 0])
        <= ramp_cap[u], doc="ramp limit between the previous window's last hour and this window's first (MW/h)")

    stable_units = [u for u in units if stable[u] > 0] if d.scenario.min_stable else []
    stable_floor = {u: scaled_capacity(u, stable[u] * avail[u]) for u in stable_units}
    m.THERMAL_STABLE = pyo.Set(initialize=[(u, t) for u in stable_units for t in range(n)], dimen=2,
                               doc="unit-hours with a minimum stable output")
    m.thermal_min_stable = pyo.Constraint(
        m.THERMAL_STABLE, rule=lambda _m, u, t: _m.thermal_p[u, t] >= stable_floor[u],
        doc="minimum stable output, LP relaxation (all units treated as committed)")

    reg.inject("thermal", m.thermal_p, th["bus"].to_dict())
    mc = th["marginal_cost"].to_dict()
    keys = [(u, t) for u in units for t in range(n)]
    w = d.weights
    reg.cost("fuel_and_vom", linear((mc[u] * w[t] for u, t in keys), (m.thermal_p[k] for k in keys)))
    y = d.year_fraction
    reg.cost("fixed_om", float((th["fom"] * th["p_nom"]).sum()) * y)
    reg.cost("investment", linear((th.at[u, "annuity"] * y for u in ext), (m.thermal_new[u] for u in ext)))
    # Check mode: the plan's generic blocks are fixed, but their annuity is still what the plan costs.
    reg.cost("plan_investment", float((th["annuity"] * th["p_nom"] * (th["status"] == "generic")).sum()) * y)
    co2 = th["co2_per_mwh"].to_dict()
    carrier = th["carrier"].to_dict()
    for fuel in sorted(set(carrier.values())):
        fuel_keys = [k for k in keys if carrier[k[0]] == fuel]
        reg.emissions[fuel] = linear((co2[u] * w[t] for u, t in fuel_keys), (m.thermal_p[k] for k in fuel_keys))
    fixed_headroom = sum(avail[u] * p_nom[u] for u in units)
    new_headroom = [(avail[u], m.thermal_new[u]) for u in ext]
    reg.reserve.append(lambda t: linear([a for a, _ in new_headroom] + [-1.0] * len(units),
                                        [v for _, v in new_headroom] + [m.thermal_p[u, t] for u in units],
                                        fixed_headroom))
