"""Storage: batteries (power and energy sized separately) and the Conghua pumped-storage station.

Symbols: charge :math:`c_{s,t}`, discharge :math:`q_{s,t}` (MW), state of charge :math:`e_{s,t}` (MWh, end of
hour), power capacity :math:`P_s = \\bar P_s + N^P_s`, energy capacity :math:`E_s = \\bar E_s + N^E_s`,
efficiencies :math:`\\eta^c_s, \\eta^d_s`, hour length 1 h.

.. math::
    e_{s,t} = e_{s,t-1} + \\eta^c_s c_{s,t} - q_{s,t} / \\eta^d_s, \\qquad e_{s,-1} \\equiv e_{s,T-1}
    \\quad\\text{(cyclic over the horizon; or } e_{s,-1} = e^0_s \\text{ in a rolling window)}\\\\
    0 \\le c_{s,t} \\le P_s, \\quad 0 \\le q_{s,t} \\le P_s, \\quad 0 \\le e_{s,t} \\le E_s\\\\
    \\text{cost} = y \\sum_s (A^P_s N^P_s + A^E_s N^E_s)

With representative days (aggregation) the state of charge is split (Kotzur et al. 2018): :math:`e_{s,t}` is
the intra-day state, starting from 0 before each representative day's first hour, and :math:`E^{inter}_{s,\\delta}`
the state at the start of calendar day :math:`\\delta`, chained through the chronology :math:`p(\\delta)`:

.. math::
    E^{inter}_{s,\\delta+1} = E^{inter}_{s,\\delta} + e_{s,\\text{last}(p(\\delta))}
    \\quad\\text{(cyclic over 365 days)}\\\\
    0 \\le E^{inter}_{s,\\delta} + \\min_{t \\in p(\\delta)} e_{s,t}, \\quad
    E^{inter}_{s,\\delta} + \\max_{t \\in p(\\delta)} e_{s,t} \\le E_s

so storage carries energy across the year but is never credited with energy it did not store.

Reserve headroom :math:`P_s - q_{s,t} + c_{s,t}` (stop charging, discharge more) is registered.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from gzpower.model.data import ModelData
from gzpower.model.registry import Headroom, Registry, Terms, linear
from gzpower.model.rows import RowBuilder, capacity_rows, hourly


def build_storage(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    st = d.storage
    ids = list(st.index)
    p_nom, e_nom = st["p_nom"].astype(float).to_dict(), st["e_nom"].astype(float).to_dict()
    ext = [s for s in ids if st.at[s, "p_nom_max"] > p_nom[s] + 1e-9 or st.at[s, "e_nom_max"] > e_nom[s] + 1e-9]
    ext_set = set(ext)
    m.STORAGE = pyo.Set(initialize=ids, ordered=True, doc="storage units")
    m.STORAGE_EXT = pyo.Set(within=m.STORAGE, initialize=ext, ordered=True, doc="extendable storage units")
    m.storage_new_p = pyo.Var(
        m.STORAGE_EXT,
        bounds=lambda _m, s: (0.0, st.at[s, "p_nom_max"] - st.at[s, "p_nom"]),
        doc="storage power added (MW)",
    )
    m.storage_new_e = pyo.Var(
        m.STORAGE_EXT,
        bounds=lambda _m, s: (0.0, st.at[s, "e_nom_max"] - st.at[s, "e_nom"]),
        doc="storage energy added (MWh)",
    )
    reg.invest(m.storage_new_p)
    reg.invest(m.storage_new_e)

    def pbound(_m, s, t):
        return (0.0, None) if s in ext_set else (0.0, p_nom[s])

    def ebound(_m, s, t):
        return (0.0, None) if s in ext_set else (0.0, e_nom[s])

    m.storage_charge = pyo.Var(m.STORAGE, m.T, bounds=pbound, doc="charging c[s,t] (MW)")
    m.storage_discharge = pyo.Var(m.STORAGE, m.T, bounds=pbound, doc="discharging q[s,t] (MW)")
    m.storage_soc = pyo.Var(m.STORAGE, m.T, bounds=ebound, doc="state of charge e[s,t] at the end of hour t (MWh)")

    energy = {s: linear([1.0], [m.storage_new_e[s]], e_nom[s]) if s in ext_set else e_nom[s] for s in ids}

    n = d.n_hours
    hours = np.arange(n)
    eta_c, eta_d = st["eff_charge"].to_numpy(), st["eff_discharge"].to_numpy()
    prev = d.previous_hour()
    linked = d.chronology is not None
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
        doc="state-of-charge balance e[s,t] - e[s,t-1] - eta_c c[s,t] + q[s,t]/eta_d = 0 (MWh): cyclic over the "
        "horizon, from an initial state, or intra-day",
    )
    _link_chronology(m, d, ids, energy, linked)

    standing_p = np.repeat([p_nom[s] for s in ext], n)
    standing_e = np.repeat([e_nom[s] for s in ext], n)
    m.storage_charge_limit = capacity_rows(m.storage_charge, m.storage_new_p, ext, ids, n).build(
        m.STORAGE_EXT,
        m.T,
        lower=-np.inf,
        upper=standing_p,
        doc="charging within power capacity c[s,t] <= P_s (extendable units)",
    )
    m.storage_discharge_limit = capacity_rows(m.storage_discharge, m.storage_new_p, ext, ids, n).build(
        m.STORAGE_EXT,
        m.T,
        lower=-np.inf,
        upper=standing_p,
        doc="discharging within power capacity q[s,t] <= P_s (extendable units)",
    )
    m.storage_energy_limit = capacity_rows(m.storage_soc, m.storage_new_e, ext, ids, n).build(
        m.STORAGE_EXT,
        m.T,
        lower=-np.inf,
        upper=standing_e,
        doc="state of charge within energy capacity e[s,t] <= E_s (extendable units)",
    )
    bus_of = st["bus"].to_dict()
    reg.inject("storage_discharge", m.storage_discharge, bus_of)
    reg.inject("storage_charge", m.storage_charge, bus_of, sign=-1.0)
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
    reg.reserve.append(
        Headroom(
            constant=sum(p_nom[s] for s in ids),
            static=[Terms(m.storage_new_p, ext, [1.0] * len(ext))],
            hourly=[Terms(m.storage_discharge, ids, [-1.0] * len(ids)), Terms(m.storage_charge, ids, [1.0] * len(ids))],
        )
    )


def _link_chronology(m: pyo.ConcreteModel, d: ModelData, ids: list, energy: dict, linked: bool) -> None:
    """Inter-day state of charge over the chronological year for aggregated runs (empty otherwise)."""
    chronology = d.chronology if linked else []
    period = d.period_of_hour()
    starts = list(np.flatnonzero(d.period_start)) if linked else []
    last = {p: (starts[p + 1] - 1 if p + 1 < len(starts) else d.n_hours - 1) for p in range(len(starts))}
    m.CALENDAR_DAY = pyo.Set(
        initialize=range(len(chronology)), ordered=True, doc="calendar days of the year (aggregated runs)"
    )
    m.PERIOD = pyo.Set(initialize=range(len(starts)), ordered=True, doc="representative periods")
    if linked:
        # the intra-day state may dip below zero: only inter + intra must stay within 0..E
        for s in ids:
            for t in range(d.n_hours):
                m.storage_soc[s, t].setlb(None)
    m.storage_soc_inter = pyo.Var(
        m.STORAGE, m.CALENDAR_DAY, bounds=(0.0, None), doc="state of charge at the start of each calendar day (MWh)"
    )
    m.storage_soc_max = pyo.Var(m.STORAGE, m.PERIOD, doc="highest intra-day state of a representative day (MWh)")
    m.storage_soc_min = pyo.Var(m.STORAGE, m.PERIOD, doc="lowest intra-day state of a representative day (MWh)")
    n_days = len(chronology)
    m.storage_inter_balance = pyo.Constraint(
        m.STORAGE,
        m.CALENDAR_DAY,
        rule=lambda _m, s, dd: (
            _m.storage_soc_inter[s, (dd + 1) % n_days]
            == _m.storage_soc_inter[s, dd] + _m.storage_soc[s, last[int(chronology[dd])]]
        ),
        doc="inter-day state chained through the chronology, cyclic over the year (MWh)",
    )
    pairs = [(s, t) for s in ids for t in range(d.n_hours)] if linked else []
    m.STORAGE_T_LINKED = pyo.Set(initialize=pairs, dimen=2, doc="storage-hours of an aggregated run")
    m.storage_soc_max_def = pyo.Constraint(
        m.STORAGE_T_LINKED,
        rule=lambda _m, s, t: _m.storage_soc_max[s, int(period[t])] >= _m.storage_soc[s, t],
        doc="upper envelope of the intra-day state",
    )
    m.storage_soc_min_def = pyo.Constraint(
        m.STORAGE_T_LINKED,
        rule=lambda _m, s, t: _m.storage_soc_min[s, int(period[t])] <= _m.storage_soc[s, t],
        doc="lower envelope of the intra-day state",
    )
    m.storage_inter_upper = pyo.Constraint(
        m.STORAGE,
        m.CALENDAR_DAY,
        rule=lambda _m, s, dd: _m.storage_soc_inter[s, dd] + _m.storage_soc_max[s, int(chronology[dd])] <= energy[s],
        doc="state of charge within energy capacity on every calendar day",
    )
    m.storage_inter_lower = pyo.Constraint(
        m.STORAGE,
        m.CALENDAR_DAY,
        rule=lambda _m, s, dd: _m.storage_soc_inter[s, dd] + _m.storage_soc_min[s, int(chronology[dd])] >= 0,
        doc="state of charge never below zero on any calendar day",
    )
