"""The rest of Guangdong as one bus: its aggregated fleet and its load

Present with the province boundary (``d.scenario.boundary == "province"``), empty with the fixed price; the province's
unserved energy is a variable of its own in :mod:`gzpower.model.system` (Y1).

The province bus :math:`P` (``Guangdong_rest``) carries the provincial load less Guangzhou's; the city's interfaces
run to it (:mod:`gzpower.model.imports`), so the dual of its balance is the provincial price and the city's plants
compete in the provincial merit order. Elements are technologies of the province fleet (one row per technology of
``province_fleet.csv`` for the year; id ``Guangdong_rest:<technology>``): dispatchable :math:`k \\in K^D` (coal,
gas, nuclear), variable :math:`k \\in K^V` (hydro, wind, PV) and stores :math:`s \\in S` (pumped hydro, battery).
Hours :math:`t \\in T`, each standing for :math:`w_t` hours of the year.

Symbols (symbol = variable or ModelData column, unit: meaning):

- :math:`g_{k,t}` = ``m.province_p[k, t]``, MW: output of technology :math:`k`
- :math:`c_{s,t}` = ``m.province_charge[s, t]``, :math:`d_{s,t}` = ``m.province_discharge[s, t]``, MW: charging and
  discharging; :math:`e_{s,t}` = ``m.province_soc[s, t]``, MWh: state of charge at the end of hour :math:`t`
- :math:`P_k` = ``d.province["p_nom"]``, MW: nameplate capacity; :math:`E_s` = ``d.province["e_nom"]``, MWh
- :math:`a_k` = ``d.province["availability"]``, p.u.: share of nameplate available (outage and maintenance derate)
- :math:`\\mu_k` = ``d.province["min_output"]``, p.u. of available capacity: must-run floor (nuclear base load)
- :math:`\\gamma_{k,t}` = ``d.province_cf[k][t]``, p.u.: hourly capacity factor of a variable technology
- :math:`\\eta_s` = ``d.province["efficiency"]``, p.u.: per-leg efficiency (charge = discharge = sqrt(round trip))
- :math:`c_k` = ``d.province["marginal_cost"]``, CNY/MWh: fuel and VOM at the year's fuel prices (VOM for variable
  technologies and, per MWh discharged, for stores) plus :math:`\\tau \\varepsilon_k`
- :math:`\\varepsilon_k` = ``d.province["co2_per_mwh"]``, tCO2/MWh; :math:`\\tau` = ``d.scenario.carbon_price``
- :math:`e^0_s` = ``d.scenario.initial_soc[s]`` (0 when absent), MWh: state before a rolling window
- :math:`w_t` = ``d.weights[t]``, h; :math:`t^-`: the hour before :math:`t` in its period

.. math::
    \\mu_k a_k P_k \\le g_{k,t} \\le a_k P_k \\quad \\forall k \\in K^D
    \\qquad\\text{(G1: variable bounds)}\\\\
    0 \\le g_{k,t} \\le \\gamma_{k,t} P_k \\quad \\forall k \\in K^V
    \\qquad\\text{(G2: variable bounds; } \\gamma_{k,t} P_k - g_{k,t} \\text{ is curtailed)}\\\\
    0 \\le c_{s,t}, d_{s,t} \\le P_s, \\quad 0 \\le e_{s,t} \\le E_s \\qquad\\text{(G3: variable bounds)}\\\\
    e_{s,t} - e_{s,t^-} - \\eta_s c_{s,t} + d_{s,t} / \\eta_s = 0 \\quad \\forall s, t \\in T \\qquad\\text{(G4)}

At the first hour of a period :math:`e_{s,t^-}` in G4 is the period's last hour (cyclic over the horizon, as the
city's storage S2; with representative days each day is cyclic on its own, the province's stores carrying no
energy between days) or, in a rolling window that is not cyclic, the constant :math:`e^0_s`.

Registered with the system: the injections :math:`+g_{k,t} + d_{s,t} - c_{s,t}` at the province bus (balance
Y2, where the province load and its own unserved energy enter: Y1, Y2); the cost in CNY under ``province_fleet``
(objective Y5; never in the city's cost); the emissions per technology (CO2 cap Y4, reported as the province's);
the reserve headroom (Y3, which in province mode covers city and province load); the capacities with bus
``Guangdong_rest`` and technology ``province_<technology>``, which no city target counts:

.. math::
    C^{\\text{province\\_fleet}} = \\sum_{k \\in K^D \\cup K^V} \\sum_t w_t\\, c_k\\, g_{k,t}
    + \\sum_s \\sum_t w_t\\, c_s\\, d_{s,t} \\qquad\\text{(G5)}\\\\
    \\text{CO2}_k = \\sum_t w_t\\, \\varepsilon_k\\, g_{k,t} \\qquad\\text{(G6)}\\\\
    H^{\\text{province}}_t = \\sum_{k \\in K^D} (a_k P_k - g_{k,t}) + \\sum_s (P_s - d_{s,t} + c_{s,t})
    \\qquad\\text{(G7)}

The province fleet is fixed (no capacity decision in either mode).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from gzpower import assumptions as A
from gzpower.errors import InputError
from gzpower.model.instance import PROVINCE_COLUMNS, InputContext, ModelData, year_rows
from gzpower.model.registry import Headroom, PerEntry, Registry, Terms
from gzpower.model.rows import RowBuilder, hourly
from gzpower.model.tidy import long, matrix, per_hour, recorded_capacities
from gzpower.model.variables import ArrayVar, per_element
from gzpower.scenario.scenario import Scenario

FAMILY = "province"


def element_id(bus: str, technology: str) -> str:
    return f"{bus}:{technology}"


def capacity_technology(technology: str, energy: bool = False) -> str:
    """The capacity registry's word for a province technology: prefixed, so that no city target counts it."""
    return f"province_{technology}_energy" if energy else f"province_{technology}"


def empty_fleet() -> pd.DataFrame:
    return pd.DataFrame(columns=list(PROVINCE_COLUMNS), index=pd.Index([], name="element"))


def inputs(tables: dict, sc: Scenario, ctx: InputContext) -> dict[str, pd.DataFrame]:
    """The province fleet of the year, its capacity factors and the province load over the model's hours (all
    empty with the fixed-price boundary)."""
    hours = pd.RangeIndex(len(ctx.hour_index))
    if not ctx.province_buses:
        return {"province": empty_fleet(), "province_cf": pd.DataFrame(index=hours), "province_load": pd.DataFrame()}
    if len(ctx.province_buses) != 1:
        raise InputError("grid/buses.csv", f"{len(ctx.province_buses)} buses of kind 'province': the model takes one")
    bus = ctx.province_buses[0]
    if "province_fleet" not in tables:
        raise InputError("grid/province_fleet.csv", "missing: the province boundary needs the province fleet")
    rows = year_rows(tables["province_fleet"], ctx.year)
    fleet = pd.DataFrame(
        {
            "bus": bus,
            "technology": rows["technology"].to_numpy(),
            "kind": rows["kind"].to_numpy(),
            "p_nom": rows["p_nom_mw"].to_numpy(dtype=float),
            "e_nom": rows["energy_mwh"].to_numpy(dtype=float),
            "efficiency": rows["efficiency_pu"].to_numpy(dtype=float),
            "availability": rows["availability_pu"].to_numpy(dtype=float),
            "min_output": rows["min_output_pu"].to_numpy(dtype=float),
            "marginal_cost": (rows["marginal_cost_cny_per_mwh"] + sc.carbon_price * rows["co2_t_per_mwh"]).to_numpy(
                dtype=float
            ),
            "co2_per_mwh": rows["co2_t_per_mwh"].to_numpy(dtype=float),
        },
        index=pd.Index([element_id(bus, t) for t in rows["technology"]], name="element"),
    )
    variable = fleet.index[fleet["kind"] == "variable"]
    keys = {k: f"{fleet.at[k, 'technology']}@{bus}" for k in variable}
    for k, key in keys.items():
        if key not in ctx.cf_full.columns:
            raise InputError(
                "profiles/capacity_factors.parquet",
                f"no capacity factors for tech {fleet.at[k, 'technology']} at bus {bus} in {ctx.year}",
                column="tech",
            )
    cf = ctx.window(ctx.cf_full[list(keys.values())], upper=1.0) if keys else pd.DataFrame(index=ctx.hour_index)
    cf = cf.where(cf >= A.CAPACITY_FACTOR_FLOOR, 0.0).rename(columns={v: k for k, v in keys.items()})
    load = ctx.window(ctx.province_full_load).reset_index(drop=True)
    return {"province": fleet, "province_cf": cf.reset_index(drop=True), "province_load": load}


def _kinds(d: ModelData) -> tuple[list, ...]:
    fleet = d.province
    kind = fleet["kind"]
    return tuple(list(fleet.index[kind == which]) for which in ("dispatchable", "variable", "storage"))


def build(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    fleet, n = d.province, d.n_hours
    dispatchable, variable, stores = _kinds(d)
    units = [k for k in fleet.index if k in set(dispatchable) | set(variable)]
    p_nom, avail, floor = fleet["p_nom"].to_dict(), fleet["availability"].to_dict(), fleet["min_output"].to_dict()
    limit = {k: np.full(n, avail[k] * p_nom[k]) for k in dispatchable}
    limit.update({k: d.province_cf[k].to_numpy(dtype=float) * p_nom[k] for k in variable})
    lower = {k: floor[k] * avail[k] * p_nom[k] for k in dispatchable} | {k: 0.0 for k in variable}
    m.PROVINCE_UNIT = pyo.Set(initialize=units, ordered=True, doc="province technologies that generate (G1, G2)")
    m.province_p = ArrayVar(
        m.PROVINCE_UNIT,
        m.T,
        lower=per_element([lower[k] for k in units], n),
        upper=per_element([limit[k] for k in units], n),
        doc="(G1, G2, G5, G6, G7) province output g[k,t] (MW)",
    )
    m.PROVINCE_STORE = pyo.Set(initialize=stores, ordered=True, doc="province stores (G3, G4)")
    e_nom = fleet["e_nom"].to_dict()
    power = per_element([p_nom[s] for s in stores], n)
    m.province_charge = ArrayVar(m.PROVINCE_STORE, m.T, lower=0.0, upper=power, doc="(G3, G4, G7) charging c[s,t] (MW)")
    m.province_discharge = ArrayVar(
        m.PROVINCE_STORE, m.T, lower=0.0, upper=power, doc="(G3, G4, G5, G7) discharging d[s,t] (MW)"
    )
    m.province_soc = ArrayVar(
        m.PROVINCE_STORE,
        m.T,
        lower=0.0,
        upper=per_element([e_nom[s] for s in stores], n),
        doc="(G3, G4) state of charge e[s,t] (MWh)",
    )
    _soc_balance(m, d, stores)
    if len(fleet):  # the fixed-price boundary registers nothing: its model is the one without the province
        _register(m, d, reg, units, dispatchable, stores)


def _soc_balance(m: pyo.ConcreteModel, d: ModelData, stores: list) -> None:
    """G4 as one row block: the conventions of the city's storage (S2), each representative day cyclic."""
    n = d.n_hours
    hours = np.arange(n)
    eta = d.province["efficiency"].to_dict()
    prev = d.previous_hour()
    aggregated = d.chronology is not None
    cyclic = d.scenario.cyclic or aggregated
    has_before = np.ones(n, dtype=bool) if cyclic else ~d.period_start
    balance = RowBuilder(len(stores) * n)
    rhs = np.zeros(len(stores) * n)
    for i, s in enumerate(stores):
        r = i * n + hours
        balance.add(m.province_soc, r, hourly(i, hours, n), 1.0)
        balance.add(m.province_soc, r[has_before], hourly(i, prev[has_before], n), -1.0)
        balance.add(m.province_charge, r, hourly(i, hours, n), -eta[s])
        balance.add(m.province_discharge, r, hourly(i, hours, n), 1.0 / eta[s])
        if not cyclic:
            rhs[r[d.period_start]] = float(d.scenario.initial_soc.get(s, 0.0))
    m.province_soc_balance = balance.build(
        m.PROVINCE_STORE,
        m.T,
        lower=rhs,
        upper=rhs,
        doc="(G4) province state-of-charge balance e[s,t] - e[s,t-1] - eta c[s,t] + d[s,t]/eta = 0 (MWh)",
    )


def _register(m: pyo.ConcreteModel, d: ModelData, reg: Registry, units: list, dispatchable: list, stores: list):
    fleet, w = d.province, d.weights
    bus_of = fleet["bus"].to_dict()
    reg.inject("province_generation", m.province_p, {k: bus_of[k] for k in units}, column="province_generation_mw")
    store_bus = {s: bus_of[s] for s in stores}
    reg.inject("province_discharge", m.province_discharge, store_bus, column="storage_discharge_mw")
    reg.inject("province_charge", m.province_charge, store_bus, column="storage_charge_mw", sign=-1.0, withdrawal=True)
    cost = fleet["marginal_cost"]
    reg.cost("province_fleet", PerEntry(m.province_p, np.outer(cost[units].to_numpy(dtype=float), w).ravel()))
    reg.cost("province_fleet", PerEntry(m.province_discharge, np.outer(cost[stores].to_numpy(dtype=float), w).ravel()))
    co2 = fleet["co2_per_mwh"].to_dict()
    for i, k in enumerate(units):
        coefs = np.zeros(len(units) * d.n_hours)
        coefs[i * d.n_hours : (i + 1) * d.n_hours] = co2[k] * w
        reg.emissions[f"province:{fleet.at[k, 'technology']}"] = PerEntry(m.province_p, coefs)
    available = fleet["availability"] * fleet["p_nom"]
    reg.reserve.append(
        Headroom(
            constant=float(available[dispatchable].sum() + fleet.loc[stores, "p_nom"].sum()),
            hourly=[
                Terms(m.province_p, dispatchable, [-1.0] * len(dispatchable)),
                Terms(m.province_discharge, stores, [-1.0] * len(stores)),
                Terms(m.province_charge, stores, [1.0] * len(stores)),
            ],
        )
    )
    for k, r in fleet.iterrows():
        tech = r["technology"]
        # the carrier column holds fuels and stores, as the city's (its renewables have none)
        carrier = None if r["kind"] == "variable" else tech
        reg.capacity(k, FAMILY, capacity_technology(tech), r["bus"], "MW", r["p_nom"], carrier=carrier)
        if k in set(stores):
            energy = capacity_technology(tech, energy=True)
            reg.capacity(f"{k}:energy", FAMILY, energy, r["bus"], "MWh", r["e_nom"], carrier=carrier)


def outputs(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> dict[str, pd.DataFrame]:
    """Capacities, dispatch of the generating technologies, curtailment of the variable ones and the stores'
    state of charge, all at the province bus."""
    fleet, n, ts = d.province, d.n_hours, d.timestamps
    dispatchable, variable, stores = _kinds(d)
    units = list(m.PROVINCE_UNIT)
    out = {"capacities": recorded_capacities(reg, FAMILY)}
    if not len(fleet):
        return out
    used = matrix(m.province_p, len(units), n)
    disp = long(used, units, ts, "element", "p_mw")
    disp["family"], disp["carrier"] = FAMILY, per_hour(fleet.loc[units, "technology"], n)
    disp["bus"] = per_hour(fleet.loc[units, "bus"], n)
    disp["technology"] = disp["carrier"]
    disp["weight"] = np.tile(d.weights, len(units))
    out["dispatch"] = disp
    position = {k: i for i, k in enumerate(units)}
    available = np.array([d.province_cf[k].to_numpy(dtype=float) * fleet.at[k, "p_nom"] for k in variable])
    available = available.reshape(len(variable), n)
    curtailed = np.maximum(available - used[[position[k] for k in variable]], 0.0)
    curt = long(curtailed, variable, ts, "element", "curtailed_mw")
    curt["available_mw"] = available.ravel()
    curt["tech"] = per_hour(fleet.loc[variable, "technology"], n)
    curt["bus"] = per_hour(fleet.loc[variable, "bus"], n)
    curt["weight"] = np.tile(d.weights, len(variable))
    out["curtailment"] = curt
    if stores:
        table = long(matrix(m.province_soc, len(stores), n), stores, ts, "element", "soc_mwh")
        table["charge_mw"] = matrix(m.province_charge, len(stores), n).ravel()
        table["discharge_mw"] = matrix(m.province_discharge, len(stores), n).ravel()
        table["e_nom_mwh"] = per_hour(fleet.loc[stores, "e_nom"], n)
        table["bus"] = per_hour(fleet.loc[stores, "bus"], n)
        out["storage"] = table
    return out
