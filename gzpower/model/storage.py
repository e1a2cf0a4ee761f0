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
import pandas as pd
import pyomo.environ as pyo

from gzpower.model.instance import CAPACITY_PAIRS, InputContext, ModelData, extendable, extendable_elements
from gzpower.model.registry import Headroom, Registry, Terms, linear
from gzpower.model.rows import RowBuilder, capacity_rows, hourly
from gzpower.model.tidy import long, matrix, per_hour, recorded_capacities, scalar
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
        }
        for s in tables["storage_units"].itertuples()
        if s.start_year <= year
    ]


def inputs(tables: dict, sc: Scenario, ctx: InputContext) -> dict[str, pd.DataFrame]:
    """Standing stores plus one battery per district: the plan's new battery power split by plan_share (check,
    ``storage_hours`` of energy) or extendable in power and energy up to the site potentials (expand)."""
    rows = _standing_rows(tables, ctx.year)
    bp, be = ctx.technology("battery_power"), ctx.technology("battery_energy")
    plan_storage = (
        sc.storage_mw if sc.storage_mw is not None else (ctx.target("storage_capacity", min(ctx.year, 2025)) or 0.0)
    )
    if "storage" in sc.without:
        plan_storage = 0.0
    sites, expand, inherited = ctx.sites, ctx.expand, ctx.inherited
    energy_max = sites[sites["tech"] == "battery_energy"].set_index("bus")["p_max_mw"]
    eff = float(np.sqrt(bp["efficiency"])) if bp["efficiency"] < 1 else 0.95
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
    _register(m, d, reg, ext)


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
        doc="state-of-charge balance e[s,t] - e[s,t-1] - eta_c c[s,t] + q[s,t]/eta_d = 0 (MWh): cyclic over the "
        "horizon, from an initial state, or intra-day",
    )


def _register(m: pyo.ConcreteModel, d: ModelData, reg: Registry, ext: list) -> None:
    st = d.storage
    ids = list(st.index)
    p_nom = st["p_nom"].astype(float).to_dict()
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
    reg.reserve.append(
        Headroom(
            constant=sum(p_nom[s] for s in ids),
            static=[Terms(m.storage_new_p, ext, [1.0] * len(ext))],
            hourly=[Terms(m.storage_discharge, ids, [-1.0] * len(ids)), Terms(m.storage_charge, ids, [1.0] * len(ids))],
        )
    )
    ext_set = set(ext)
    for s, r in st.iterrows():
        added_p, added_e = (m.storage_new_p, m.storage_new_e) if s in ext_set else (None, None)
        details = {"increment": bool(r["increment"]), "carrier": r["carrier"]}
        reg.capacity(s, FAMILY, technology(r["carrier"]), r["bus"], "MW", r["p_nom"], added_p, s, **details)
        energy = technology(r["carrier"], energy=True)
        reg.capacity(f"{s}:energy", FAMILY, energy, r["bus"], "MWh", r["e_nom"], added_e, s, **details)


def outputs(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> dict[str, pd.DataFrame]:
    """Capacities (power and energy rows) and the storage table: state of charge, charge, discharge per hour."""
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
    e_total = st["e_nom"].to_numpy() + np.array([new_e.get(s, 0.0) for s in st.index])
    table["e_nom_mwh"] = per_hour(e_total, n)
    table["bus"] = per_hour(st["bus"], n)
    return {"capacities": recorded_capacities(reg, FAMILY), "storage": table}


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
