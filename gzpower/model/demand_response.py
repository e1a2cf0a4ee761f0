"""Demand response: peak shaving per district, and optional energy-neutral shifting within the day.

Districts :math:`b` in ``DR`` (those with :math:`D^{max}_b > 0`); hours :math:`t \\in T`, each standing for
:math:`w_t` hours of the year; days :math:`\\delta` in ``DAYS``, the calendar days of the model hours (with
representative days: the representative days).

Symbols (symbol = variable or ModelData column, unit: meaning):

- :math:`\\ell_{b,t}` = ``m.dr_shed[b, t]``, MW: load shed
- :math:`N_b` = ``m.dr_new[b]``, MW: capacity added, for :math:`b` in ``DR_EXT`` (:math:`N_b \\equiv 0` for the
  other districts)
- :math:`\\bar D_b` = ``d.demand_response["p_nom"]``, MW: standing capacity (the scenario's DR share of the city
  peak, split by the districts' load in the peak hour, plus capacity inherited); :math:`D^{max}_b` =
  ``d.demand_response["p_nom_max"]``, MW; :math:`D_b = \\bar D_b + N_b`
- :math:`H_b` = ``d.demand_response["max_hours_per_day"]``, h: hours at full capacity allowed per day
- :math:`\\kappa_b` = ``d.demand_response["cost_per_mwh"]``, CNY/MWh: cost of energy shed
- :math:`A_b` = ``d.demand_response["annuity"]``, CNY/(MW year): holding cost of capacity
- :math:`\\sigma^+_{b,t}` = ``m.dr_shift_up[b, t]``, :math:`\\sigma^-_{b,t}` = ``m.dr_shift_down[b, t]``, MW: load
  shifted into and out of hour :math:`t`, for :math:`b` in ``DR_SHIFT`` (:math:`S_b > 0`)
- :math:`S_b` = ``d.demand_response["shift_mw"]``, MW: shiftable load
- :math:`\\phi_b` = ``d.demand_response["shift_cost_per_mwh"]``, CNY/MWh: cost per MWh moved by shifting
  (``DR_SHIFT_COST_CNY_PER_MWH``: shifting is not free)
- :math:`w_t` = ``d.weights[t]``, h; :math:`y` = ``d.year_fraction`` = :math:`\\sum_t w_t / 8760`

.. math::
    0 \\le \\ell_{b,t}, \\quad 0 \\le N_b \\le D^{max}_b - \\bar D_b, \\quad
    \\ell_{b,t} \\le \\bar D_b \\;\\; \\forall b \\notin \\text{DR\\_EXT} \\qquad\\text{(D1: variable bounds)}\\\\
    \\ell_{b,t} - N_b \\le \\bar D_b \\quad \\forall b \\in \\text{DR\\_EXT}, t \\in T \\qquad\\text{(D2)}\\\\
    \\sum_{t \\in \\delta} \\ell_{b,t} - H_b N_b \\le H_b \\bar D_b
    \\quad \\forall b \\in \\text{DR}, \\delta \\in \\text{DAYS} \\qquad\\text{(D3)}\\\\
    0 \\le \\sigma^+_{b,t} \\le S_b, \\quad 0 \\le \\sigma^-_{b,t} \\le S_b \\qquad\\text{(D4: variable bounds)}\\\\
    \\sum_{t \\in \\delta} (\\sigma^+_{b,t} - \\sigma^-_{b,t}) = 0 \\quad \\forall b \\in \\text{DR\\_SHIFT},
    \\delta \\in \\text{DAYS} \\qquad\\text{(D5)}

The daily sums D3 and D5 are over model hours and carry no weights: a representative day's limit holds on each
day it stands for.

Registered with the system: the injections :math:`+\\ell_{b,t}` and :math:`+\\sigma^-_{b,t}` (they lower the
district's net load) and :math:`-\\sigma^+_{b,t}` at district :math:`b` (balance Y2); the costs in CNY (objective
Y5, scaled there by :math:`10^{-6}`; shifting is charged per MWh moved out of an hour); the reserve headroom in
MW (Y3; shifting offers none):

.. math::
    C^{\\text{demand\\_response}} = \\sum_b \\sum_t w_t\\, \\kappa_b\\, \\ell_{b,t}
    + \\sum_{b \\in \\text{DR\\_SHIFT}} \\sum_t w_t\\, \\phi_b\\, \\sigma^-_{b,t} \\qquad\\text{(D6)}\\\\
    C^{\\text{fixed\\_om}} = y \\sum_{b \\in \\text{DR}} A_b \\bar D_b
    \\quad\\text{(holding cost)} \\qquad\\text{(D7)}\\\\
    C^{\\text{investment}} = y \\sum_{b \\in \\text{DR\\_EXT}} A_b N_b \\qquad\\text{(D8)}\\\\
    H^{\\text{dr}}_t = \\sum_{b \\in \\text{DR}} (\\bar D_b + N_b - \\ell_{b,t}) \\qquad\\text{(D9)}
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from gzpower import assumptions as A
from gzpower.model.instance import InputContext, ModelData, extendable, extendable_elements
from gzpower.model.registry import Headroom, PerEntry, Registry, Terms, linear
from gzpower.model.rows import RowBuilder, capacity_rows, hourly
from gzpower.model.tidy import recorded_capacities
from gzpower.model.variables import ArrayVar, per_element
from gzpower.scenario.scenario import Scenario

FAMILY = "demand_response"


def inputs(tables: dict, sc: Scenario, ctx: InputContext) -> dict[str, pd.DataFrame]:
    """Peak-shaving capacity per district: the plan's share of the annual peak split by each district's load at the
    city's peak hour (check), plus inherited capacity; in expand mode it may grow to the district's potential."""
    dr_tech = ctx.technology("dr_peak")
    dr_share = sc.dr_share
    if dr_share is None:
        dr_share = ctx.target("dr_capability") or (A.PLAN_DR_SHARE_2025 if ctx.year <= 2025 else 0.0)
        if ctx.expand:
            dr_share = 0.0
    if "demand_response" in sc.without:
        dr_share = 0.0
    full_load, peak, inherited = ctx.full_load, ctx.peak, ctx.inherited
    district_peak = full_load.max()
    potential = ctx.sites[ctx.sites["tech"] == "dr_peak"].set_index("bus")["p_max_mw"]
    dr = pd.DataFrame(
        {
            "p_nom": dr_share * peak * full_load.loc[full_load.sum(axis=1).idxmax()] / peak
            + pd.Series({b: inherited.get(("dr_peak", b), 0.0) for b in ctx.districts}),
            "district_peak": district_peak,
        }
    )
    dr["p_nom_max"] = np.maximum(dr["p_nom"], potential.reindex(dr.index).fillna(0.0)) if ctx.expand else dr["p_nom"]
    dr["annuity"] = float(dr_tech["annuity_cny_per_yr"])
    dr["cost_per_mwh"] = float(dr_tech["vom_cny_per_mwh"])
    dr["max_hours_per_day"] = A.DR_MAX_HOURS_PER_DAY
    dr["shift_mw"] = sc.dr_shift_share * district_peak
    dr["shift_cost_per_mwh"] = A.DR_SHIFT_COST_CNY_PER_MWH
    dr.index.name = "bus"
    dr["extendable"] = extendable(dr)
    ctx.record_standing(["dr_peak"] * len(dr), dr["p_nom"])
    return {"demand_response": dr}


def build(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    dr = d.demand_response
    n = d.n_hours
    hours = np.arange(n)
    buses = [b for b in dr.index if dr.at[b, "p_nom_max"] > 0]
    growing = set(extendable_elements(dr, "demand_response"))
    ext = [b for b in buses if b in growing]
    ext_set = set(ext)
    ext_position = {b: j for j, b in enumerate(ext)}
    m.DR = pyo.Set(initialize=buses, ordered=True, doc="districts with peak-shaving demand response")
    m.DR_EXT = pyo.Set(within=m.DR, initialize=ext, ordered=True, doc="districts where DR capacity may be added")
    m.dr_new = pyo.Var(
        m.DR_EXT,
        bounds=lambda _m, b: (0.0, dr.at[b, "p_nom_max"] - dr.at[b, "p_nom"]),
        doc="(D1, D2, D3, D8, D9) demand-response capacity added N_b (MW)",
    )
    reg.invest(m.dr_new)
    p_nom = dr["p_nom"].astype(float).to_dict()
    m.dr_shed = ArrayVar(
        m.DR,
        m.T,
        lower=0.0,
        upper=per_element([None if b in ext_set else p_nom[b] for b in buses], n),
        doc="(D1, D2) shed l[b,t] (MW)",
    )
    m.dr_capacity = capacity_rows(m.dr_shed, m.dr_new, ext, buses, n).build(
        m.DR_EXT,
        m.T,
        lower=-np.inf,
        upper=np.repeat([p_nom[b] for b in ext], n),
        doc="(D2) shedding within DR capacity l[b,t] <= D_b (extendable districts, MW)",
    )

    day_of_hour = (d.timestamps.normalize() - d.timestamps[0].normalize()).days.to_numpy()
    days = sorted(set(int(x) for x in day_of_hour))
    day_position = np.searchsorted(days, day_of_hour)
    m.DAYS = pyo.Set(initialize=days, ordered=True, doc="days of the horizon (D3, D5)")
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
        doc="(D3) energy shed per district and day at most H hours at full capacity: sum_t l[b,t] <= H D_b (MWh)",
    )
    _register(m, d, reg, buses, ext)
    _build_shifting(m, d, day_position, reg)


def _register(m: pyo.ConcreteModel, d: ModelData, reg: Registry, buses: list, ext: list) -> None:
    dr = d.demand_response
    p_nom = dr["p_nom"].astype(float).to_dict()
    reg.inject("dr_shed", m.dr_shed, {b: b for b in buses}, column="dr_shed_mw")
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
    ext_set = set(ext)
    for b, r in dr.iterrows():
        added = m.dr_new if b in ext_set else None
        plan = d.scenario.mode == "check"
        reg.capacity(f"dr_{b}", FAMILY, "dr_peak", b, "MW", r["p_nom"], added, b, increment=plan, status="plan")


def _build_shifting(m: pyo.ConcreteModel, d: ModelData, day_position: np.ndarray, reg: Registry) -> None:
    """Energy-neutral shifting within the day (registered in the balance even when no district shifts, so that the
    balance table always has its dr_shift_mw column)."""
    dr, n = d.demand_response, d.n_hours
    hours = np.arange(n)
    days = list(m.DAYS)
    shift = [b for b in dr.index if dr.at[b, "shift_mw"] > 0]
    m.DR_SHIFT = pyo.Set(initialize=shift, ordered=True, doc="districts with energy-neutral load shifting")
    shift_mw = {b: float(dr.at[b, "shift_mw"]) for b in shift}
    shift_upper = per_element([shift_mw[b] for b in shift], n)
    m.dr_shift_up = ArrayVar(
        m.DR_SHIFT, m.T, lower=0.0, upper=shift_upper, doc="(D4, D5) load shifted into hour t (MW)"
    )
    m.dr_shift_down = ArrayVar(
        m.DR_SHIFT, m.T, lower=0.0, upper=shift_upper, doc="(D4, D5) load shifted out of hour t (MW)"
    )
    neutral = RowBuilder(len(shift) * len(days))
    for i in range(len(shift)):
        neutral.add(m.dr_shift_up, i * len(days) + day_position, hourly(i, hours, n), 1.0)
        neutral.add(m.dr_shift_down, i * len(days) + day_position, hourly(i, hours, n), -1.0)
    m.dr_shift_neutral = neutral.build(
        m.DR_SHIFT, m.DAYS, lower=0.0, upper=0.0, doc="(D5) shifting is energy-neutral within each day"
    )
    reg.inject("dr_shift_down", m.dr_shift_down, {b: b for b in shift}, column="dr_shift_mw")
    reg.inject("dr_shift_up", m.dr_shift_up, {b: b for b in shift}, column="dr_shift_mw", sign=-1.0)
    if shift:
        shift_cost = [float(dr.at[b, "shift_cost_per_mwh"]) if "shift_cost_per_mwh" in dr else 0.0 for b in shift]
        reg.cost("demand_response", PerEntry(m.dr_shift_down, np.outer(shift_cost, d.weights).ravel()))  # (D6)


def outputs(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> dict[str, pd.DataFrame]:
    return {"capacities": recorded_capacities(reg, FAMILY)}
