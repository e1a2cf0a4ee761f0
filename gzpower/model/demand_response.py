"""Demand response: peak shaving per district, and optional energy-neutral shifting within the day.

Symbols: shed :math:`s_{b,t}` (MW), capacity :math:`D_b = \\bar D_b + N_b`, hours allowed per day :math:`H`,
cost per MWh shed :math:`\\kappa`, holding cost (annuity) :math:`A` per MW-year; shifting up/down
:math:`u_{b,t}, w_{b,t} \\le S_b`.

.. math::
    0 \\le s_{b,t} \\le D_b, \\qquad \\sum_{t \\in \\text{day } \\delta} s_{b,t} \\le H D_b\\\\
    \\sum_{t \\in \\delta} u_{b,t} = \\sum_{t \\in \\delta} w_{b,t}
    \\quad\\text{(shifting moves energy within the day)}\\\\
    \\text{cost} = \\kappa \\sum_{b,t} s_{b,t} + y A \\sum_b D_b

Shedding and shifting-down inject at the district (they lower its net load); shifting-up withdraws. The
headroom :math:`D_b - s_{b,t}` counts toward the spinning reserve.
"""

from __future__ import annotations

import pyomo.environ as pyo

from gzpower.model.data import ModelData
from gzpower.model.registry import Registry, linear


def build_demand_response(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    dr = d.demand_response
    buses = [b for b in dr.index if dr.at[b, "p_nom_max"] > 0]
    ext = [b for b in buses if dr.at[b, "p_nom_max"] > dr.at[b, "p_nom"] + 1e-9]
    ext_set = set(ext)
    m.DR = pyo.Set(initialize=buses, ordered=True, doc="districts with peak-shaving demand response")
    m.DR_EXT = pyo.Set(within=m.DR, initialize=ext, ordered=True, doc="districts where DR capacity may be added")
    m.dr_new = pyo.Var(m.DR_EXT, bounds=lambda _m, b: (0.0, dr.at[b, "p_nom_max"] - dr.at[b, "p_nom"]),
                       doc="demand-response capacity added (MW)")
    p_nom = dr["p_nom"].astype(float).to_dict()
    m.dr_shed = pyo.Var(m.DR, m.T, bounds=lambda _m, b, t: (0.0, None if b in ext_set else p_nom[b]),
                        doc="load shed s[b,t] (MW)")
    capacity_of = {b: linear([1.0], [m.dr_new[b]], p_nom[b]) if b in ext_set else p_nom[b] for b in buses}
    max_hours = dr["max_hours_per_day"].to_dict()

    def capacity(b):
        return capacity_of[b]

    m.dr_capacity = pyo.Constraint(pyo.Set(initialize=[(b, t) for b in ext for t in range(d.n_hours)], dimen=2),
                                   rule=lambda _m, b, t: _m.dr_shed[b, t] <= capacity(b),
                                   doc="shedding within DR capacity (extendable districts)")
    day_of_hour = (d.timestamps.normalize() - d.timestamps[0].normalize()).days.to_numpy()
    days = sorted(set(int(x) for x in day_of_hour))
    hours_of_day = {dd: [t for t in range(d.n_hours) if day_of_hour[t] == dd] for dd in days}
    m.DAYS = pyo.Set(initialize=days, ordered=True, doc="days of the horizon")
    m.dr_daily_energy = pyo.Constraint(
        m.DR, m.DAYS,
        rule=lambda _m, b, dd: sum(_m.dr_shed[b, t] for t in hours_of_day[dd])
        <= max_hours[b] * capacity(b),
        doc="energy shed per district and day at most H hours at full capacity")
    reg.inject("dr_shed", m.dr_shed, {b: b for b in buses})
    keys = [(b, t) for b in buses for t in range(d.n_hours)]
    reg.cost("demand_response", linear((dr.at[b, "cost_per_mwh"] * d.weights[t] for b in buses for t in range(d.n_hours)),
                                       (m.dr_shed[k] for k in keys)))
    y = d.year_fraction
    reg.cost("fixed_om", sum(dr.at[b, "annuity"] * y * float(dr.at[b, "p_nom"]) for b in buses))  # holding cost
    reg.cost("investment", sum(dr.at[b, "annuity"] * y * m.dr_new[b] for b in ext))
    fixed_dr = sum(p_nom[b] for b in buses)
    reg.reserve.append(lambda t: linear([1.0] * len(ext) + [-1.0] * len(buses),
                                        [m.dr_new[b] for b in ext] + [m.dr_shed[b, t] for b in buses], fixed_dr))

    shift = [b for b in dr.index if dr.at[b, "shift_mw"] > 0]
    m.DR_SHIFT = pyo.Set(initialize=shift, ordered=True, doc="districts with energy-neutral load shifting")
    m.dr_shift_up = pyo.Var(m.DR_SHIFT, m.T, bounds=lambda _m, b, t: (0.0, float(dr.at[b, "shift_mw"])),
                            doc="load shifted into hour t (MW)")
    m.dr_shift_down = pyo.Var(m.DR_SHIFT, m.T, bounds=lambda _m, b, t: (0.0, float(dr.at[b, "shift_mw"])),
                              doc="load shifted out of hour t (MW)")
    m.dr_shift_neutral = pyo.Constraint(
        m.DR_SHIFT, m.DAYS,
        rule=lambda _m, b, dd: sum(_m.dr_shift_up[b, t] - _m.dr_shift_down[b, t] for t in hours_of_day[dd]) == 0,
        doc="shifting is energy-neutral within each day")
    if shift:
        reg.inject("dr_shift_down", m.dr_shift_down, {b: b for b in shift})
        reg.inject("dr_shift_up", m.dr_shift_up, {b: b for b in shift}, sign=-1.0)
