"""Demand response: peak shaving per district, and optional energy-neutral shifting within the day.

Symbols: shed :math:`s_{b,t}` (MW), capacity :math:`D_b = \\bar D_b + N_b`, hours allowed per day :math:`H`,
cost per MWh shed :math:`\\kappa`, holding cost (annuity) :math:`A` per MW-year; shifting up/down
:math:`u_{b,t}, w_{b,t} \\le S_b`.

.. math::
    0 \\le s_{b,t} \\le D_b, \\qquad \\sum_{t \\in \\text{day } \\delta} s_{b,t} \\le H D_b\\\\
    \\sum_{t \\in \\delta} u_{b,t} = \\sum_{t \\in \\delta} w_{b,t}
    \\quad\\text{(shifting moves energy within the day)}\\\\
    \\text{cost} = \\kappa \\sum_{b,t} s_{b,t} + \\sigma \\sum_{b,t} w_{b,t} + y A \\sum_b D_b

:math:`\\sigma` is the cost per MWh shifted (``DR_SHIFT_COST_CNY_PER_MWH``): shifting is not free.
Shedding and shifting-down inject at the district (they lower its net load); shifting-up withdraws. The
headroom :math:`D_b - s_{b,t}` counts toward the spinning reserve.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from gzpower.model.data import ModelData
from gzpower.model.registry import Headroom, PerEntry, Registry, Terms, linear
from gzpower.model.rows import RowBuilder, capacity_rows, hourly


def build_demand_response(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    dr = d.demand_response
    n = d.n_hours
    hours = np.arange(n)
    buses = [b for b in dr.index if dr.at[b, "p_nom_max"] > 0]
    ext = [b for b in buses if dr.at[b, "p_nom_max"] > dr.at[b, "p_nom"] + 1e-9]
    ext_set = set(ext)
    ext_position = {b: j for j, b in enumerate(ext)}
    m.DR = pyo.Set(initialize=buses, ordered=True, doc="districts with peak-shaving demand response")
    m.DR_EXT = pyo.Set(within=m.DR, initialize=ext, ordered=True, doc="districts where DR capacity may be added")
    m.dr_new = pyo.Var(
        m.DR_EXT,
        bounds=lambda _m, b: (0.0, dr.at[b, "p_nom_max"] - dr.at[b, "p_nom"]),
        doc="demand-response capacity added (MW)",
    )
    reg.invest(m.dr_new)
    p_nom = dr["p_nom"].astype(float).to_dict()
    m.dr_shed = pyo.Var(
        m.DR, m.T, bounds=lambda _m, b, t: (0.0, None if b in ext_set else p_nom[b]), doc="load shed s[b,t] (MW)"
    )
    m.dr_capacity = capacity_rows(m.dr_shed, m.dr_new, ext, buses, n).build(
        m.DR_EXT,
        m.T,
        lower=-np.inf,
        upper=np.repeat([p_nom[b] for b in ext], n),
        doc="shedding within DR capacity s[b,t] <= D_b (extendable districts)",
    )

    day_of_hour = (d.timestamps.normalize() - d.timestamps[0].normalize()).days.to_numpy()
    days = sorted(set(int(x) for x in day_of_hour))
    day_position = np.searchsorted(days, day_of_hour)
    m.DAYS = pyo.Set(initialize=days, ordered=True, doc="days of the horizon")
    max_hours = dr["max_hours_per_day"].to_dict()
    daily = RowBuilder(len(buses) * len(days))
    for i, b in enumerate(buses):
        daily.add(m.dr_shed, i * len(days) + day_position, hourly(i, hours, n), 1.0)
        if b in ext_set:
            daily.add(
                m.dr_new, i * len(days) + np.arange(len(days)), np.full(len(days), ext_position[b]), -max_hours[b]
            )
    m.dr_daily_energy = daily.build(
        m.DR,
        m.DAYS,
        lower=-np.inf,
        upper=np.repeat([max_hours[b] * p_nom[b] for b in buses], len(days)),
        doc="energy shed per district and day at most H hours at full capacity: sum_t s[b,t] <= H D_b",
    )
    reg.inject("dr_shed", m.dr_shed, {b: b for b in buses})
    cost = dr["cost_per_mwh"].to_dict()
    reg.cost("demand_response", PerEntry(m.dr_shed, np.outer([cost[b] for b in buses], d.weights).ravel()))
    y = d.year_fraction
    reg.cost("fixed_om", sum(dr.at[b, "annuity"] * y * float(dr.at[b, "p_nom"]) for b in buses))  # holding cost
    reg.cost("investment", linear([dr.at[b, "annuity"] * y for b in ext], [m.dr_new[b] for b in ext]))
    reg.reserve.append(
        Headroom(
            constant=sum(p_nom[b] for b in buses),
            static=[Terms(m.dr_new, ext, [1.0] * len(ext))],
            hourly=[Terms(m.dr_shed, buses, [-1.0] * len(buses))],
        )
    )

    shift = [b for b in dr.index if dr.at[b, "shift_mw"] > 0]
    m.DR_SHIFT = pyo.Set(initialize=shift, ordered=True, doc="districts with energy-neutral load shifting")
    shift_mw = {b: float(dr.at[b, "shift_mw"]) for b in shift}
    m.dr_shift_up = pyo.Var(
        m.DR_SHIFT, m.T, bounds=lambda _m, b, t: (0.0, shift_mw[b]), doc="load shifted into hour t (MW)"
    )
    m.dr_shift_down = pyo.Var(
        m.DR_SHIFT, m.T, bounds=lambda _m, b, t: (0.0, shift_mw[b]), doc="load shifted out of hour t (MW)"
    )
    neutral = RowBuilder(len(shift) * len(days))
    for i in range(len(shift)):
        neutral.add(m.dr_shift_up, i * len(days) + day_position, hourly(i, hours, n), 1.0)
        neutral.add(m.dr_shift_down, i * len(days) + day_position, hourly(i, hours, n), -1.0)
    m.dr_shift_neutral = neutral.build(
        m.DR_SHIFT, m.DAYS, lower=0.0, upper=0.0, doc="shifting is energy-neutral within each day: sum_t (u - w) = 0"
    )
    if shift:
        reg.inject("dr_shift_down", m.dr_shift_down, {b: b for b in shift})
        reg.inject("dr_shift_up", m.dr_shift_up, {b: b for b in shift}, sign=-1.0)
        shift_cost = [float(dr.at[b, "shift_cost_per_mwh"]) if "shift_cost_per_mwh" in dr else 0.0 for b in shift]
        reg.cost("demand_response", PerEntry(m.dr_shift_down, np.outer(shift_cost, d.weights).ravel()))  # per MWh moved
