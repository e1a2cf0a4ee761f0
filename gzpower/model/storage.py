"""Storage: batteries (power and energy sized separately) and the Conghua pumped-storage station.

Units :math:`s`; hours :math:`t \\in T` of length 1 h, each standing for :math:`w_t` hours of the year.

Symbols (symbol = variable or ModelData column, unit: meaning):

- :math:`c_{s,t}` = ``m.storage_charge[s, t]``, MW: charging
- :math:`d_{s,t}` = ``m.storage_discharge[s, t]``, MW: discharging
- :math:`e_{s,t}` = ``m.storage_soc[s, t]``, MWh: state of charge at the end of hour :math:`t` (with representative
  days: the intra-day state, relative to the start of the day)
- :math:`N^P_s` = ``m.storage_new_p[s]``, MW and :math:`N^E_s` = ``m.storage_new_e[s]``, MWh: power and energy
  added, for :math:`s` in ``STORAGE_EXT`` (:math:`\\equiv 0` for the other units)
- :math:`E^{inter}_{s,\\delta}` = ``m.storage_soc_inter[s, day]``, MWh: state at the start of calendar day
  :math:`\\delta` (aggregated runs)
- :math:`\\overline e_{s,\\pi}` = ``m.storage_soc_max[s, period]``, :math:`\\underline e_{s,\\pi}` =
  ``m.storage_soc_min[s, period]``, MWh: highest and lowest intra-day state of representative period :math:`\\pi`
- :math:`\\bar P_s` = ``d.storage["p_nom"]``, MW; :math:`\\bar E_s` = ``d.storage["e_nom"]``, MWh: standing
  power and energy
- :math:`P^{max}_s` = ``d.storage["p_nom_max"]``, MW; :math:`E^{max}_s` = ``d.storage["e_nom_max"]``, MWh: the
  largest; :math:`P_s = \\bar P_s + N^P_s`, :math:`E_s = \\bar E_s + N^E_s`
- :math:`\\eta^c_s` = ``d.storage["eff_charge"]``, :math:`\\eta^d_s` = ``d.storage["eff_discharge"]``, p.u.: the
  efficiency of one leg each, so the round trip is :math:`\\eta^c_s \\eta^d_s` (batteries: both legs are the
  ``efficiency`` of technologies.csv's battery_power row, the square root of ``BATTERY_ROUND_TRIP_EFFICIENCY``)
- :math:`A^P_s` = ``d.storage["annuity_p"]``, CNY/(MW year); :math:`A^E_s` = ``d.storage["annuity_e"]``,
  CNY/(MWh year): annuities
- :math:`I` = units with ``d.storage["increment"]``: the plan's batteries (check mode)
- :math:`h^{min}_s` = ``d.storage["min_duration_h"]``, h: least energy per MW of power (new batteries:
  ``STORAGE_MIN_DURATION_H``; 0 for standing stores); ``STORAGE_MIN_DURATION`` = the units of ``STORAGE_EXT`` with
  :math:`h^{min}_s > 0`
- :math:`e^0_s` = ``d.scenario.initial_soc[s]`` (0 when absent), MWh: state before a rolling window
- :math:`\\pi(t)` = ``d.period_of_hour()[t]``: the period of hour :math:`t`; :math:`p(\\delta)` =
  ``d.chronology[day]``: the representative period of calendar day :math:`\\delta`; :math:`\\text{last}(\\pi)`: the
  last hour of period :math:`\\pi`; :math:`D` = 365 calendar days
- :math:`w_t` = ``d.weights[t]``, h; :math:`y` = ``d.year_fraction`` = :math:`\\sum_t w_t / 8760`
- :math:`r_{s,t}` = ``m.storage_reserve[s, t]``, MW: spinning reserve offered (only with a reserve requirement,
  ``d.scenario.reserve_share`` > 0; hours ``STORAGE_RESERVE_T``)
- :math:`\\tau` = ``RESERVE_DURATION_H``, h: how long the reserve offered must be sustainable
- :math:`F_{s,\\pi}` = ``m.storage_soc_inter_floor[s, period]``, MWh: lowest inter-day level of the calendar days
  period :math:`\\pi` stands for (aggregated runs with reserve)

Bounds and hourly constraints; :math:`t^-` is the hour before :math:`t` in its period:

.. math::
    0 \\le N^P_s \\le P^{max}_s - \\bar P_s, \\quad 0 \\le N^E_s \\le E^{max}_s - \\bar E_s, \\quad
    c_{s,t}, d_{s,t}, e_{s,t} \\ge 0, \\quad
    c_{s,t}, d_{s,t} \\le \\bar P_s, \\; e_{s,t} \\le \\bar E_s \\;\\; \\forall s \\notin \\text{STORAGE\\_EXT}
    \\qquad\\text{(S1: variable bounds; with representative days } e_{s,t} \\text{ has no lower bound)}\\\\
    e_{s,t} - e_{s,t^-} - \\eta^c_s c_{s,t} + d_{s,t} / \\eta^d_s = 0 \\quad \\forall s, t \\in T
    \\qquad\\text{(S2)}\\\\
    c_{s,t} - N^P_s \\le \\bar P_s \\quad \\forall s \\in \\text{STORAGE\\_EXT}, t \\in T \\qquad\\text{(S3)}\\\\
    d_{s,t} - N^P_s \\le \\bar P_s \\quad \\forall s \\in \\text{STORAGE\\_EXT}, t \\in T \\qquad\\text{(S4)}\\\\
    e_{s,t} - N^E_s \\le \\bar E_s \\quad \\forall s \\in \\text{STORAGE\\_EXT}, t \\in T \\qquad\\text{(S5)}\\\\
    N^E_s - h^{min}_s N^P_s \\ge h^{min}_s \\bar P_s - \\bar E_s, \\;\\text{i.e. } E_s \\ge h^{min}_s P_s
    \\quad \\forall s \\in \\text{STORAGE\\_MIN\\_DURATION} \\qquad\\text{(S14)}

S14 keeps a power floor (the plan's ``storage_capacity`` in ``expand``) from being met by batteries without energy.
The plan's batteries in a check are fixed at ``storage_hours`` of energy, which ``inputs`` refuses below
``STORAGE_MIN_DURATION_H``; the standing pumped storage has no minimum.

At the first hour of a period, :math:`e_{s,t^-}` in S2 is: the period's last hour (cyclic, ``d.scenario.cyclic``,
no aggregation: one period, :math:`e_{s,-1} \\equiv e_{s,T-1}`); or the constant :math:`e^0_s`, moved to the
right-hand side (a rolling window, not cyclic); or 0 (representative days: the intra-day state starts from 0 each
day). S2 carries no weights: each model hour is one hour long.

With representative days the state of charge is split (Kotzur et al. 2018): the state on calendar day
:math:`\\delta` after hour :math:`t` of its representative day is :math:`E^{inter}_{s,\\delta} + e_{s,t}`.

.. math::
    E^{inter}_{s,(\\delta+1) \\bmod D} = E^{inter}_{s,\\delta} + e_{s,\\text{last}(p(\\delta))}, \\quad
    E^{inter}_{s,\\delta} \\ge 0 \\quad \\forall s, \\delta \\qquad\\text{(S6)}\\\\
    \\overline e_{s,\\pi(t)} \\ge e_{s,t} \\quad \\forall s, t \\qquad\\text{(S7)}\\\\
    \\underline e_{s,\\pi(t)} \\le e_{s,t} \\quad \\forall s, t \\qquad\\text{(S8)}\\\\
    E^{inter}_{s,\\delta} + \\overline e_{s,p(\\delta)} \\le E_s \\quad \\forall s, \\delta \\qquad\\text{(S9)}\\\\
    E^{inter}_{s,\\delta} + \\underline e_{s,p(\\delta)} \\ge 0 \\quad \\forall s, \\delta \\qquad\\text{(S10)}

This is where the weights enter storage: S6 runs over the 365 calendar days, so a representative day's net
change :math:`e_{s,\\text{last}(\\pi)}` counts once per day it stands for, :math:`w_t` times in all
(:math:`w_t = |\\{\\delta: p(\\delta) = \\pi(t)\\}|`). Storage carries energy across the year but is never credited
with energy it did not store. Without aggregation S6 to S10 are empty.

Spinning reserve (only when the scenario asks for reserve): a store offers what it can add at once, by stopping
its charging and discharging more, and no more than its state of charge sustains for :math:`\\tau` hours.
:math:`e_{s,t}` is the state at the end of hour :math:`t`, after its scheduled charge and discharge; the lowest state
allowed is 0.

.. math::
    r_{s,t} \\ge 0, \\quad r_{s,t} + d_{s,t} - c_{s,t} - N^P_s \\le \\bar P_s \\quad \\forall s, t
    \\qquad\\text{(S15)}\\\\
    \\tau\\, r_{s,t} - \\eta^d_s\\, e_{s,t} \\le 0 \\quad \\forall s, t
    \\;\\text{(aggregated runs: } \\tau\\, r_{s,t} - \\eta^d_s (e_{s,t} + F_{s,\\pi(t)}) \\le 0)
    \\qquad\\text{(S16)}\\\\
    F_{s,p(\\delta)} \\le E^{inter}_{s,\\delta}, \\quad F_{s,\\pi} \\ge 0 \\quad \\forall s, \\delta
    \\;\\text{(aggregated runs)} \\qquad\\text{(S17)}

S16 is :math:`r_{s,t} \\le \\eta^d_s (e_{s,t} - e^{min}_s) / \\tau` with the lowest state :math:`e^{min}_s = 0`: an
empty store offers no reserve, however large its power. With representative days the state on calendar day
:math:`\\delta` is :math:`E^{inter}_{s,\\delta} + e_{s,t}`, and S16 holds for the lowest of those days (S17).

Registered with the system: the injections :math:`+d_{s,t}` and :math:`-c_{s,t}` at the unit's bus (balance Y2),
the costs in CNY (objective Y5, scaled there by :math:`10^{-6}`; storage has no hourly cost) and the reserve
headroom in MW (Y3):

.. math::
    C^{\\text{investment}} = y \\sum_{s \\in \\text{STORAGE\\_EXT}} (A^P_s N^P_s + A^E_s N^E_s) \\qquad\\text{(S11)}\\\\
    C^{\\text{plan\\_investment}} = y \\sum_{s \\in I} (A^P_s \\bar P_s + A^E_s \\bar E_s) \\qquad\\text{(S12)}\\\\
    H^{\\text{storage}}_t = \\sum_s r_{s,t} \\qquad\\text{(S13)}
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from gzpower import assumptions as A
from gzpower.errors import InputError
from gzpower.model.instance import CAPACITY_PAIRS, InputContext, ModelData, extendable, extendable_elements
from gzpower.model.registry import Headroom, Registry, Terms, linear
from gzpower.model.rows import RowBuilder, capacity_rows, hourly
from gzpower.model.tidy import long, matrix, per_hour, recorded_capacities, scalar
from gzpower.model.variables import ArrayVar, per_element
from gzpower.scenario.scenario import Scenario

FAMILY = "storage"


def technology(carrier: str, energy: bool = False) -> str:
    """Batteries are sized in power and energy separately (battery_power, battery_energy); other stores by their
    carrier (pumped_hydro, pumped_hydro_energy)."""
    if carrier == "battery":
        return "battery_energy" if energy else "battery_power"
    return f"{carrier}_energy" if energy else carrier


def _standing_rows(tables: dict, year: int) -> list[dict]:
    return [
        {
            "id": s.unit,
            "bus": s.bus,
            "carrier": s.carrier,
            "p_nom": s.p_nom_mw,
            "e_nom": s.energy_mwh,
            "eff_charge": s.eff_charge,
            "eff_discharge": s.eff_discharge,
            "p_nom_max": s.p_nom_mw,
            "e_nom_max": s.energy_mwh,
            "annuity_p": 0.0,
            "annuity_e": 0.0,
            "increment": False,
            "min_duration_h": 0.0,
        }
        for s in tables["storage_units"].itertuples()
        if s.start_year <= year
    ]


def inputs(tables: dict, sc: Scenario, ctx: InputContext) -> dict[str, pd.DataFrame]:
    """Standing stores plus one battery per district: the plan's new battery power split by plan_share (check,
    ``storage_hours`` of energy) or extendable in power and energy up to the site potentials (expand). New batteries
    hold at least STORAGE_MIN_DURATION_H of energy (S14 in expand; a check refuses a shorter ``storage_hours``)."""
    rows = _standing_rows(tables, ctx.year)
    bp, be = ctx.technology("battery_power"), ctx.technology("battery_energy")
    plan_storage = sc.storage_mw if sc.storage_mw is not None else (ctx.target("storage_capacity") or 0.0)
    if "storage" in sc.without:
        plan_storage = 0.0
    if not ctx.expand and plan_storage > 0 and sc.storage_hours < A.STORAGE_MIN_DURATION_H * (1 - 1e-9):
        raise InputError(
            "storage_hours",
            f"{sc.storage_hours:g} h of energy per MW of new storage is below STORAGE_MIN_DURATION_H "
            f"({A.STORAGE_MIN_DURATION_H:g} h), the least duration new batteries are modelled (and costed) at",
        )
    sites, expand, inherited = ctx.sites, ctx.expand, ctx.inherited
    energy_max = sites[sites["tech"] == "battery_energy"].set_index("bus")["p_max_mw"]
    # technologies.csv holds the efficiency of one leg (charging and discharging alike): the round trip is its square
    eff = float(bp["efficiency"])
    for s in sites[sites["tech"] == "battery_power"].itertuples():
        fixed_p = 0.0 if expand else plan_storage * s.plan_share
        fixed_p += inherited.get(("battery_power", s.bus), 0.0)
        fixed_e = 0.0 if expand else fixed_p * sc.storage_hours
        fixed_e += inherited.get(("battery_energy", s.bus), 0.0)
        p_max = max(fixed_p, s.p_max_mw) if expand else fixed_p
        e_max = max(fixed_e, float(energy_max.get(s.bus, 0.0))) if expand else fixed_e
        if p_max <= 0:
            continue
        rows.append(
            {
                "id": f"battery_{s.bus}",
                "bus": s.bus,
                "carrier": "battery",
                "p_nom": fixed_p,
                "e_nom": fixed_e,
                "eff_charge": eff,
                "eff_discharge": eff,
                "p_nom_max": p_max,
                "e_nom_max": e_max,
                "annuity_p": float(bp["annuity_cny_per_yr"]),
                "annuity_e": float(be["annuity_cny_per_yr"]),
                "increment": not expand,
                "min_duration_h": A.STORAGE_MIN_DURATION_H,
            }
        )
    stores = pd.DataFrame(rows).set_index("id")
    stores["extendable"] = extendable(stores, CAPACITY_PAIRS["storage"])
    ctx.record_standing([technology(c) for c in stores["carrier"]], stores["p_nom"])
    return {"storage": stores}


def build(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    st = d.storage
    ids = list(st.index)
    p_nom, e_nom = st["p_nom"].astype(float).to_dict(), st["e_nom"].astype(float).to_dict()
    ext = extendable_elements(st, "storage")
    ext_set = set(ext)
    m.STORAGE = pyo.Set(initialize=ids, ordered=True, doc="storage units")
    m.STORAGE_EXT = pyo.Set(within=m.STORAGE, initialize=ext, ordered=True, doc="extendable storage units")
    m.storage_new_p = pyo.Var(
        m.STORAGE_EXT,
        bounds=lambda _m, s: (0.0, st.at[s, "p_nom_max"] - st.at[s, "p_nom"]),
        doc="(S1, S3, S4, S11, S14, S15) storage power added N^P_s (MW)",
    )
    m.storage_new_e = pyo.Var(
        m.STORAGE_EXT,
        bounds=lambda _m, s: (0.0, st.at[s, "e_nom_max"] - st.at[s, "e_nom"]),
        doc="(S1, S5, S9, S11, S14) storage energy added N^E_s (MWh)",
    )
    reg.invest(m.storage_new_p)
    reg.invest(m.storage_new_e)

    power = per_element([None if s in ext_set else p_nom[s] for s in ids], d.n_hours)
    energy_limit = per_element([None if s in ext_set else e_nom[s] for s in ids], d.n_hours)
    m.storage_charge = ArrayVar(m.STORAGE, m.T, lower=0.0, upper=power, doc="(S1, S2, S3, S15) charging c[s,t] (MW)")
    m.storage_discharge = ArrayVar(
        m.STORAGE, m.T, lower=0.0, upper=power, doc="(S1, S2, S4, S15) discharging d[s,t] (MW)"
    )
    m.storage_soc = ArrayVar(
        m.STORAGE, m.T, lower=0.0, upper=energy_limit, doc="(S1, S2, S5, S6, S7, S8, S16) state of charge e[s,t] (MWh)"
    )

    energy = {s: linear([1.0], [m.storage_new_e[s]], e_nom[s]) if s in ext_set else e_nom[s] for s in ids}

    linked = d.chronology is not None
    _soc_balance(m, d, ids, linked)
    n = d.n_hours
    _link_chronology(m, d, ids, energy, linked)

    standing_p = np.repeat([p_nom[s] for s in ext], n)
    standing_e = np.repeat([e_nom[s] for s in ext], n)
    m.storage_charge_limit = capacity_rows(m.storage_charge, m.storage_new_p, ext, ids, n).build(
        m.STORAGE_EXT,
        m.T,
        lower=-np.inf,
        upper=standing_p,
        doc="(S3) charging within power capacity c[s,t] <= P_s (extendable units, MW)",
    )
    m.storage_discharge_limit = capacity_rows(m.storage_discharge, m.storage_new_p, ext, ids, n).build(
        m.STORAGE_EXT,
        m.T,
        lower=-np.inf,
        upper=standing_p,
        doc="(S4) discharging within power capacity d[s,t] <= P_s (extendable units, MW)",
    )
    m.storage_energy_limit = capacity_rows(m.storage_soc, m.storage_new_e, ext, ids, n).build(
        m.STORAGE_EXT,
        m.T,
        lower=-np.inf,
        upper=standing_e,
        doc="(S5) state of charge within energy capacity e[s,t] <= E_s (extendable units, MWh)",
    )
    _min_duration(m, d, ext)
    _reserve(m, d, ext, linked)
    _register(m, d, reg, ext)


def _min_duration(m: pyo.ConcreteModel, d: ModelData, ext: list) -> None:
    """New storage holds at least its minimum duration of energy; fixed stores are what they are (a check refuses
    plan batteries shorter than STORAGE_MIN_DURATION_H in ``inputs``)."""
    st = d.storage
    # tables made by hand may leave the column out: no minimum
    h_min = st["min_duration_h"].astype(float).to_dict() if "min_duration_h" in st.columns else {}
    durable = [s for s in ext if h_min.get(s, 0.0) > 0]
    m.STORAGE_MIN_DURATION = pyo.Set(
        within=m.STORAGE_EXT, initialize=durable, ordered=True, doc="(S14) extendable stores with a minimum duration"
    )
    m.storage_min_duration = pyo.Constraint(
        m.STORAGE_MIN_DURATION,
        rule=lambda _m, s: (
            _m.storage_new_e[s] - h_min[s] * _m.storage_new_p[s]
            >= h_min[s] * float(st.at[s, "p_nom"]) - float(st.at[s, "e_nom"])
        ),
        doc="(S14) energy at least the minimum duration times power, E_s >= h_min_s P_s (extendable stores, MWh)",
    )


def _soc_balance(m: pyo.ConcreteModel, d: ModelData, ids: list, linked: bool) -> None:
    """The state-of-charge balance per store and hour."""
    st = d.storage
    n = d.n_hours
    hours = np.arange(n)
    eta_c, eta_d = st["eff_charge"].to_numpy(), st["eff_discharge"].to_numpy()
    prev = d.previous_hour()
    initial = d.scenario.initial_soc
    # the state before each hour: the previous hour of the period; at a period's start, the period's last hour
    # (cyclic), nothing (intra-day state of an aggregated run, which starts from zero) or a given initial state
    if linked or not d.scenario.cyclic:
        has_before = ~d.period_start
    else:
        has_before = np.ones(n, dtype=bool)
    balance = RowBuilder(len(ids) * n)
    rhs = np.zeros(len(ids) * n)
    for i, s in enumerate(ids):
        r = i * n + hours
        balance.add(m.storage_soc, r, hourly(i, hours, n), 1.0)
        balance.add(m.storage_soc, r[has_before], hourly(i, prev[has_before], n), -1.0)
        balance.add(m.storage_charge, r, hourly(i, hours, n), -eta_c[i])
        balance.add(m.storage_discharge, r, hourly(i, hours, n), 1.0 / eta_d[i])
        if not linked and not d.scenario.cyclic:
            rhs[r[d.period_start]] = float(initial.get(s, 0.0))
    m.storage_soc_balance = balance.build(
        m.STORAGE,
        m.T,
        lower=rhs,
        upper=rhs,
        doc="(S2) state-of-charge balance e[s,t] - e[s,t-1] - eta_c c[s,t] + d[s,t]/eta_d = 0 (MWh): cyclic over the "
        "horizon, from an initial state, or intra-day",
    )


def _reserve(m: pyo.ConcreteModel, d: ModelData, ext: list, linked: bool) -> None:
    """Spinning reserve per store and hour, within its power headroom and what its state of charge sustains for
    RESERVE_DURATION_H; none without a reserve requirement."""
    st = d.storage
    ids = list(st.index)
    n = d.n_hours if d.scenario.reserve_share > 0 else 0
    hours, tau = np.arange(n), A.RESERVE_DURATION_H
    eta_d = st["eff_discharge"].astype(float).to_numpy()
    m.STORAGE_RESERVE_T = pyo.Set(
        initialize=hours.tolist(), ordered=True, doc="(S13, S15, S16) hours in which storage offers reserve"
    )
    m.storage_reserve = ArrayVar(
        m.STORAGE, m.STORAGE_RESERVE_T, lower=0.0, doc="(S13, S15, S16) spinning reserve r[s,t] (MW)"
    )
    # aggregated runs: the state is inter-day level + intra-day state, so the reserve rests on the lowest level
    # any calendar day of the period starts from
    days = [(s, day) for s in ids for day in m.CALENDAR_DAY] if linked and n else []
    m.STORAGE_RESERVE_DAY = pyo.Set(initialize=days, dimen=2, doc="(S17) storage-days of an aggregated run")
    m.STORAGE_RESERVE_PERIOD = pyo.Set(
        initialize=list(m.PERIOD) if n else [], ordered=True, doc="(S16, S17) representative periods with reserve"
    )
    m.storage_soc_inter_floor = pyo.Var(
        m.STORAGE,
        m.STORAGE_RESERVE_PERIOD,
        bounds=(0.0, None),
        doc="(S16, S17) lowest inter-day level F[s,period] (MWh)",
    )
    chronology = d.chronology if d.chronology is not None else np.zeros(0, dtype=int)
    m.storage_inter_floor_def = pyo.Constraint(
        m.STORAGE_RESERVE_DAY,
        rule=lambda _m, s, day: _m.storage_soc_inter_floor[s, int(chronology[day])] <= _m.storage_soc_inter[s, day],
        doc="(S17) the lowest inter-day level of a period at most that of each calendar day it stands for (MWh)",
    )
    ext_position = {s: j for j, s in enumerate(ext)}
    power, energy = RowBuilder(len(ids) * n), RowBuilder(len(ids) * n)
    period, n_periods = d.period_of_hour()[:n], len(m.STORAGE_RESERVE_PERIOD)
    for i, s in enumerate(ids):
        r, at = i * n + hours, hourly(i, hours, n)
        power.add(m.storage_reserve, r, at, 1.0).add(m.storage_discharge, r, at, 1.0)
        power.add(m.storage_charge, r, at, -1.0)
        if s in ext_position:
            power.add(m.storage_new_p, r, np.full(n, ext_position[s]), -1.0)
        energy.add(m.storage_reserve, r, at, tau).add(m.storage_soc, r, at, -eta_d[i])
        if linked:
            energy.add(m.storage_soc_inter_floor, r, i * n_periods + period, -eta_d[i])
    m.storage_reserve_power = power.build(
        m.STORAGE,
        m.STORAGE_RESERVE_T,
        lower=-np.inf,
        upper=np.repeat(st["p_nom"].astype(float).to_numpy(), n),
        doc="(S15) reserve within the power headroom r[s,t] <= P_s - d[s,t] + c[s,t] (MW)",
    )
    m.storage_reserve_energy = energy.build(
        m.STORAGE,
        m.STORAGE_RESERVE_T,
        lower=-np.inf,
        upper=0.0,
        doc="(S16) reserve sustained by the state of charge for the reserve duration, tau r[s,t] <= eta_d e[s,t] (MWh)",
    )


def _register(m: pyo.ConcreteModel, d: ModelData, reg: Registry, ext: list) -> None:
    st = d.storage
    ids = list(st.index)
    bus_of = st["bus"].to_dict()
    reg.inject("storage_discharge", m.storage_discharge, bus_of, column="storage_discharge_mw")
    reg.inject("storage_charge", m.storage_charge, bus_of, column="storage_charge_mw", sign=-1.0, withdrawal=True)
    y = d.year_fraction
    reg.cost(
        "investment",
        linear(
            [y * st.at[s, "annuity_p"] for s in ext] + [y * st.at[s, "annuity_e"] for s in ext],
            [m.storage_new_p[s] for s in ext] + [m.storage_new_e[s] for s in ext],
        ),
    )
    plan = st[st["increment"].astype(bool)]
    reg.cost(
        "plan_investment", float((plan["annuity_p"] * plan["p_nom"] + plan["annuity_e"] * plan["e_nom"]).sum()) * y
    )
    if len(m.STORAGE_RESERVE_T):
        reg.reserve.append(Headroom(hourly=[Terms(m.storage_reserve, ids, [1.0] * len(ids))]))
    ext_set = set(ext)
    for s, r in st.iterrows():
        added_p, added_e = (m.storage_new_p, m.storage_new_e) if s in ext_set else (None, None)
        details = {"increment": bool(r["increment"]), "carrier": r["carrier"]}
        reg.capacity(s, FAMILY, technology(r["carrier"]), r["bus"], "MW", r["p_nom"], added_p, s, **details)
        energy = technology(r["carrier"], energy=True)
        reg.capacity(f"{s}:energy", FAMILY, energy, r["bus"], "MWh", r["e_nom"], added_e, s, **details)


def outputs(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> dict[str, pd.DataFrame]:
    """Capacities (power and energy rows) and the storage table: state of charge, charge, discharge and the reserve
    counted per hour (``reserve_mw``; in hours whose reserve row is slack the LP may count any feasible share, 0
    included: it is what the solution assigns to the store, not its capability)."""
    st, n = d.storage, d.n_hours
    new_e = scalar(m.storage_new_e, list(m.STORAGE_EXT))
    charge, discharge = matrix(m.storage_charge, len(st), n), matrix(m.storage_discharge, len(st), n)
    soc = matrix(m.storage_soc, len(st), n)
    if d.chronology is not None and len(st):
        # aggregated run: add the inter-day level of the first calendar day each representative day stands for
        first_day = {int(p): dd for dd, p in reversed(list(enumerate(d.chronology)))}
        period = d.period_of_hour()
        inter = np.array(
            [[m.storage_soc_inter[s, first_day[int(period[t])]].value or 0.0 for t in range(n)] for s in st.index]
        )
        soc = soc + inter
    table = long(soc, list(st.index), d.timestamps, "element", "soc_mwh")
    table["charge_mw"], table["discharge_mw"] = charge.ravel(), discharge.ravel()
    reserve = matrix(m.storage_reserve, len(st), n) if len(m.STORAGE_RESERVE_T) else np.zeros((len(st), n))
    table["reserve_mw"] = reserve.ravel()
    e_total = st["e_nom"].to_numpy() + np.array([new_e.get(s, 0.0) for s in st.index])
    table["e_nom_mwh"] = per_hour(e_total, n)
    table["bus"] = per_hour(st["bus"], n)
    return {"capacities": recorded_capacities(reg, FAMILY), "storage": table}


def _link_chronology(m: pyo.ConcreteModel, d: ModelData, ids: list, energy: dict, linked: bool) -> None:
    """Inter-day state of charge over the chronological year for aggregated runs (empty otherwise)."""
    chronology = d.chronology if linked and d.chronology is not None else np.zeros(0, dtype=int)
    period = d.period_of_hour()
    starts = list(np.flatnonzero(d.period_start)) if linked else []
    last = {p: (starts[p + 1] - 1 if p + 1 < len(starts) else d.n_hours - 1) for p in range(len(starts))}
    m.CALENDAR_DAY = pyo.Set(
        initialize=range(len(chronology)), ordered=True, doc="calendar days of the year (aggregated runs)"
    )
    m.PERIOD = pyo.Set(initialize=range(len(starts)), ordered=True, doc="representative periods (aggregated runs)")
    if linked:
        # the intra-day state may dip below zero: only inter + intra must stay within 0..E
        for s in ids:
            for t in range(d.n_hours):
                m.storage_soc[s, t].setlb(None)
    m.storage_soc_inter = pyo.Var(
        m.STORAGE,
        m.CALENDAR_DAY,
        bounds=(0.0, None),
        doc="(S6, S9, S10, S17) state at the start of each calendar day (MWh)",
    )
    m.storage_soc_max = pyo.Var(m.STORAGE, m.PERIOD, doc="(S7, S9) highest intra-day state of a period (MWh)")
    m.storage_soc_min = pyo.Var(m.STORAGE, m.PERIOD, doc="(S8, S10) lowest intra-day state of a period (MWh)")
    n_days = len(chronology)
    m.storage_inter_balance = pyo.Constraint(
        m.STORAGE,
        m.CALENDAR_DAY,
        rule=lambda _m, s, dd: (
            _m.storage_soc_inter[s, (dd + 1) % n_days]
            == _m.storage_soc_inter[s, dd] + _m.storage_soc[s, last[int(chronology[dd])]]
        ),
        doc="(S6) inter-day state chained through the chronology, cyclic over the year (MWh)",
    )
    pairs = [(s, t) for s in ids for t in range(d.n_hours)] if linked else []
    m.STORAGE_T_LINKED = pyo.Set(initialize=pairs, dimen=2, doc="storage-hours of an aggregated run")
    m.storage_soc_max_def = pyo.Constraint(
        m.STORAGE_T_LINKED,
        rule=lambda _m, s, t: _m.storage_soc_max[s, int(period[t])] >= _m.storage_soc[s, t],
        doc="(S7) upper envelope of the intra-day state (MWh)",
    )
    m.storage_soc_min_def = pyo.Constraint(
        m.STORAGE_T_LINKED,
        rule=lambda _m, s, t: _m.storage_soc_min[s, int(period[t])] <= _m.storage_soc[s, t],
        doc="(S8) lower envelope of the intra-day state (MWh)",
    )
    m.storage_inter_upper = pyo.Constraint(
        m.STORAGE,
        m.CALENDAR_DAY,
        rule=lambda _m, s, dd: _m.storage_soc_inter[s, dd] + _m.storage_soc_max[s, int(chronology[dd])] <= energy[s],
        doc="(S9) state of charge within energy capacity on every calendar day (MWh)",
    )
    m.storage_inter_lower = pyo.Constraint(
        m.STORAGE,
        m.CALENDAR_DAY,
        rule=lambda _m, s, dd: _m.storage_soc_inter[s, dd] + _m.storage_soc_min[s, int(chronology[dd])] >= 0,
        doc="(S10) state of charge never below zero on any calendar day (MWh)",
    )
