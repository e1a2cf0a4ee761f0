"""Thermal units: gas, coal and waste-to-energy.

Each element :math:`u` is a unit or a group of identical fixed units (``group_identical_units`` in
:mod:`gzpower.model.data`); hours :math:`t \\in T`, each standing for :math:`w_t` hours of the year.

Symbols (symbol = variable or ModelData column, unit: meaning):

- :math:`p_{u,t}` = ``m.thermal_p[u, t]``, MW: output in hour :math:`t`
- :math:`N_u` = ``m.thermal_new[u]``, MW: capacity added, for :math:`u` in ``THERMAL_EXT``
  (:math:`N_u \\equiv 0` for the other units)
- :math:`\\bar P_u` = ``d.thermal["p_nom"]``, MW: standing capacity
- :math:`P^{max}_u` = ``d.thermal["p_nom_max"]``, MW: largest capacity (:math:`> \\bar P_u` marks an
  extendable unit); :math:`P_u = \\bar P_u + N_u`
- :math:`a_u` = ``d.thermal["availability"]``, p.u.: availability after outage derating
- :math:`r_u` = ``d.thermal["ramp"]``, p.u. of capacity per hour: ramp limit (ramp rows only where :math:`r_u < 1`)
- :math:`m_u` = ``d.thermal["min_stable"]``, p.u. of available capacity: minimum stable output
- :math:`\\chi_u` = ``d.thermal["chp"]``, 1 or 0: a combined heat and power unit (GEM's CHP flag; 0 when the
  column is absent)
- :math:`\\kappa` = ``d.scenario.chp_must_run``, 1 or 0: CHP must-run (default ``CHP_MUST_RUN``;
  ``--no-chp-must-run``)
- :math:`\\phi_s` = ``CHP_HEAT_FLOOR_WINTER``, ``_SHOULDER``, ``_SUMMER``, p.u. of available capacity: heat-led
  floor of a CHP unit in season :math:`s`; :math:`s(t)` = ``CHP_SEASON_OF_MONTH`` of the calendar month of
  ``d.timestamps[t]`` (a representative day keeps its own date)
- :math:`C` = units with :math:`\\kappa \\chi_u = 1`: the CHP units under must-run;
  :math:`f_{u,t} = \\max(m_u, \\phi_{s(t)})`, p.u. of available capacity: the floor of a unit of :math:`C`
- :math:`c_u` = ``d.thermal["marginal_cost"]``, CNY/MWh: :math:`h_u \\pi_u + v_u + \\tau \\varepsilon_u`, from
  :math:`h_u` = ``d.thermal["heat_rate"]`` (MWh_th/MWh), :math:`\\pi_u` = ``d.thermal["fuel_price"]``
  (CNY/MWh_th), :math:`v_u` = ``d.thermal["vom"]`` (CNY/MWh)
- :math:`\\varepsilon_u` = ``d.thermal["co2_per_mwh"]``, tCO2/MWh: heat rate times the fuel's tCO2/MWh_th
- :math:`F_u` = ``d.thermal["fom"]``, CNY/(MW year): fixed O&M
- :math:`A_u` = ``d.thermal["annuity"]``, CNY/(MW year): annuity of capacity (0 for the standing fleet)
- :math:`G` = units with ``d.thermal["status"] == "generic"``: the plan's generic CCGT blocks
- :math:`p^0_u` = ``d.scenario.initial_output[u]``, MW: output in the hour before a rolling window
- :math:`\\tau` = ``d.scenario.carbon_price``, CNY/tCO2: carbon price
- :math:`w_t` = ``d.weights[t]``, h: hours of the year that model hour :math:`t` stands for (1 for consecutive
  hours; the days a representative day stands for under aggregation)
- :math:`y` = ``d.year_fraction``, 1: :math:`\\sum_t w_t / 8760`, the share of a year the horizon covers

Constraints (:math:`t-1` is the previous hour of the same period; ``T_LINKED`` are the hours that have one):

.. math::
    0 \\le p_{u,t} \\le a_u P^{max}_u, \\quad 0 \\le N_u \\le P^{max}_u - \\bar P_u
    \\qquad\\text{(T1: variable bounds; for fixed units } p_{u,t} \\le a_u \\bar P_u)\\\\
    p_{u,t} - a_u N_u \\le a_u \\bar P_u \\quad \\forall u \\in \\text{THERMAL\\_EXT}, t \\in T
    \\qquad\\text{(T2)}\\\\
    -r_u \\bar P_u \\le p_{u,t} - p_{u,t-1} \\le r_u \\bar P_u \\quad \\forall (u, t) \\in \\text{THERMAL\\_RAMP}
    \\qquad\\text{(T3)}\\\\
    p_{u,t} - p_{u,t-1} - r_u N_u \\le r_u \\bar P_u \\quad \\forall u \\in \\text{THERMAL\\_RAMPING\\_EXT},
    t \\in \\text{T\\_LINKED} \\qquad\\text{(T14)}\\\\
    p_{u,t-1} - p_{u,t} - r_u N_u \\le r_u \\bar P_u \\quad \\forall u \\in \\text{THERMAL\\_RAMPING\\_EXT},
    t \\in \\text{T\\_LINKED} \\qquad\\text{(T4)}\\\\
    p_{u,0} - p^0_u \\le r_u P_u, \\quad p^0_u - p_{u,0} \\le r_u P_u
    \\quad \\forall u: r_u < 1, p^0_u \\text{ given} \\qquad\\text{(T5)}\\\\
    p_{u,t} - m_u a_u N_u \\ge m_u a_u \\bar P_u \\quad \\forall u \\notin C: m_u > 0, t \\in T
    \\quad \\text{(only with } \\texttt{min\\_stable}\\text{)} \\qquad\\text{(T6)}\\\\
    p_{u,t} - f_{u,t}\\, a_u N_u \\ge f_{u,t}\\, a_u \\bar P_u
    \\quad \\forall (u, t): u \\in C, f_{u,t} > 0 \\qquad\\text{(T13)}

THERMAL_RAMP holds the (fixed unit :math:`u` with :math:`r_u < 1`, hour :math:`t \\in` T_LINKED) pairs where
the ramp can bind: :math:`a_u P^{max}_u - \\min(l_{u,t}, l_{u,t-1}) > r_u \\bar P_u`, with :math:`l_{u,t}` the
floor T6 or T13 puts on the unit's output (0 where neither does). Elsewhere no output the other rows allow moves
by more than the ramp in an hour (a range exactly equal to the ramp at most meets it), so leaving the row out
changes neither the feasible set nor the optimum. A fixed unit's two ramp directions are one ranged row; an
extendable unit's limit moves with :math:`N_u`, so it keeps two rows (T14, T4). In the elastic diagnosis of an
infeasible case a floor may give, and then a ramp the floor had made redundant does not hold the relaxed output.

T6 is the LP relaxation of unit commitment: every unit it covers is treated as committed in every hour. T13 is
the CHP must-run, on by default (:math:`\\kappa = 1`): a CHP unit stays online all year for its steam hosts, so
the same relaxation holds it at its minimum stable output :math:`m_u` without ``--min-stable``, and above that
at its heat-led floor :math:`\\phi_{s(t)}`, the electrical output below which it cannot raise the steam its hosts
take in the season. One row per CHP unit and hour carries the higher of the two (T6 leaves the units of
:math:`C` out), and only where it is positive. Both floors are relative to available capacity :math:`a_u P_u`: a
derated unit (a lower :math:`a_u`, e.g. by the availability lever) has a lower floor, a floor never exceeds what
the unit can give, and a unit removed from the fleet (a counterfactual without the plan's gas) has no rows.
Surplus a floor forces is absorbed by taking less import (the city imports most of its energy), by charging
storage, or by exporting over the 220 kV corridors; where it cannot be (a load below the floors), the LP is
infeasible and the diagnosis names ``thermal_chp_floor``.

Registered with the system (:mod:`gzpower.model.system`): the injection :math:`+p_{u,t}` at the unit's bus
(balance Y2); costs in CNY, by category (objective Y5, which scales them by :math:`10^{-6}`); emissions in tCO2 per
fuel (CO2 cap Y4); reserve headroom in MW (Y3):

.. math::
    C^{\\text{fuel\\_and\\_vom}} = \\sum_{u} \\sum_{t} w_t\\, c_u\\, p_{u,t} \\qquad\\text{(T7)}\\\\
    C^{\\text{fixed\\_om}} = y \\sum_u F_u \\bar P_u \\qquad\\text{(T8)}\\\\
    C^{\\text{investment}} = y \\sum_{u \\in \\text{THERMAL\\_EXT}} A_u N_u \\qquad\\text{(T9)}\\\\
    C^{\\text{plan\\_investment}} = y \\sum_{u \\in G} A_u \\bar P_u \\qquad\\text{(T10)}\\\\
    \\text{CO2}_f = \\sum_{u: \\text{carrier } f} \\sum_t w_t\\, \\varepsilon_u\\, p_{u,t}
    \\quad f \\in \\{\\text{coal}, \\text{gas}, \\text{waste}\\} \\qquad\\text{(T11)}\\\\
    H^{\\text{thermal}}_t = \\sum_u \\left( a_u (\\bar P_u + N_u) - p_{u,t} \\right) \\qquad\\text{(T12)}

Fixed O&M (T8) is charged on the standing capacity only; new capacity pays its annuity (T9). T10 charges the plan's
generic blocks, which are fixed in check mode, their annuity as the plan's investment (in a myopic expansion, the
generic capacity inherited from the earlier year). With representative days :math:`w_t` is the number of days the
hour's day stands for, so T7 and T11 are annual sums and :math:`y = 1`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from gzpower import assumptions as A
from gzpower.model.instance import InputContext, ModelData, extendable, extendable_elements
from gzpower.model.registry import Headroom, PerEntry, Registry, Terms, linear
from gzpower.model.rows import RowBuilder, capacity_rows, hourly
from gzpower.model.tidy import capacity_frame, long, matrix, per_hour, scalar
from gzpower.model.variables import ArrayVar, per_element
from gzpower.scenario.fleet import FleetOptions, standing_units
from gzpower.scenario.scenario import Scenario

FAMILY = "thermal"

#: the capacity registry's technology of a gas unit, by the unit table's technology
GAS_TECHNOLOGY = {"CCGT": "gas_ccgt", "OCGT": "gas_ocgt", "ST": "gas_steam"}

#: phi_s of T13: the heat-led floor of a CHP unit by season, p.u. of available capacity
CHP_HEAT_FLOOR = {
    "winter": A.CHP_HEAT_FLOOR_WINTER,
    "shoulder": A.CHP_HEAT_FLOOR_SHOULDER,
    "summer": A.CHP_HEAT_FLOOR_SUMMER,
}


def chp_heat_floor(timestamps: pd.DatetimeIndex) -> np.ndarray:
    """phi_{s(t)} of every hour: the heat-led floor of the season of the hour's calendar month (T13)."""
    by_month = np.array([CHP_HEAT_FLOOR[season] for season in A.CHP_SEASON_OF_MONTH], dtype=float)
    return by_month[np.asarray(timestamps.month, dtype=int) - 1]


def technology(carrier: str, unit_technology: str) -> str:
    """One word per technology: gas units by their cycle, coal and waste-to-energy by their carrier."""
    if carrier == "gas":
        return GAS_TECHNOLOGY.get(unit_technology, "gas_other")
    return carrier


# --- inputs -----------------------------------------------------------------------------------------------------


def _standing_table(tables: dict, sc: Scenario, fuels: pd.DataFrame) -> pd.DataFrame:
    units = standing_units(tables["units"], sc.year, FleetOptions(coal_replacement=sc.coal_replacement))
    fuel = fuels.set_index("fuel")
    th = pd.DataFrame(
        {
            "bus": units["bus"].to_numpy(),
            "carrier": units["carrier"].to_numpy(),
            "technology": units["technology"].to_numpy(),
            "status": units["status"].to_numpy(),
            "p_nom": units["p_nom_mw"].to_numpy(dtype=float),
            "availability": units["availability_pu"].to_numpy(dtype=float),
            "ramp": units["ramp_pu_per_h"].to_numpy(dtype=float),
            "min_stable": units["min_stable_pu"].to_numpy(dtype=float),
            "chp": units["chp"].to_numpy(dtype=bool),
            "heat_rate": units["heat_rate"].to_numpy(dtype=float),
            "fuel_price": fuel.loc[units["carrier"], "price_cny_per_mwh_th"].to_numpy(dtype=float),
            "co2_per_mwh": (units["heat_rate"] * units["co2_t_per_mwh_th"]).to_numpy(dtype=float),
            "vom": units["vom_cny_per_mwh"].to_numpy(dtype=float),
            "fom": units["fom_cny_per_mw_yr"].to_numpy(dtype=float),
        },
        index=pd.Index(units["unit"].to_numpy(), name="unit"),
    )
    th["p_nom_max"] = th["p_nom"]
    th["annuity"] = 0.0
    # The plan's increment over the fleet operating at the base year (GEM 2023): everything not yet operating.
    th["increment"] = (th["carrier"] == "gas") & (th["status"] != "operating")
    return th


def _add_generic_gas(
    th: pd.DataFrame,
    sites: pd.DataFrame,
    tech_row: pd.Series,
    fuel_row: pd.Series,
    mw: float,
    extendable_to: dict[str, float] | None,
    prefix: str,
) -> pd.DataFrame:
    """Generic CCGT blocks per district: ``mw`` split by plan_share (check) or extendable up to potential."""
    gas_sites = sites[sites["tech"] == "gas_ccgt"]
    rows = []
    for place in gas_sites.itertuples():
        fixed = mw * place.plan_share
        cap_max = fixed if extendable_to is None else fixed + extendable_to.get(place.bus, 0.0)
        if cap_max <= 0:
            continue
        heat_rate = 1.0 / tech_row["efficiency"]
        rows.append(
            {
                "unit": f"{prefix}_{place.bus}",
                "bus": place.bus,
                "carrier": "gas",
                "technology": "CCGT",
                "status": "generic",
                "p_nom": fixed,
                "p_nom_max": cap_max,
                "availability": A.AVAILABILITY_GAS,
                "ramp": A.RAMP_GAS_CCGT,
                "min_stable": A.MIN_STABLE_GAS_CCGT,
                "chp": False,  # no heat host is known for the plan's generic blocks
                "heat_rate": heat_rate,
                "fuel_price": float(fuel_row["price_cny_per_mwh_th"]),
                "co2_per_mwh": heat_rate * float(fuel_row["co2_t_per_mwh_th"]),
                "vom": float(tech_row["vom_cny_per_mwh"]),
                "fom": float(tech_row["fom_cny_per_yr"]),
                "annuity": float(tech_row["annuity_cny_per_yr"]),
                "increment": True,
            }
        )
    if not rows:
        return th
    return pd.concat([th, pd.DataFrame(rows).set_index("unit")])


def inputs(tables: dict, sc: Scenario, ctx: InputContext) -> dict[str, pd.DataFrame]:
    """The thermal fleet of the year: standing units plus the plan's generic gas blocks (check) or extendable gas
    per district up to its potential (expand); identical fixed units grouped (``thermal``; ``thermal_units``)."""
    th = _standing_table(tables, sc, ctx.fuels)
    gas_tech = ctx.technology("gas_ccgt")
    gas_fuel = ctx.fuels.set_index("fuel").loc["gas"]
    standing_gas = float(th.loc[th["carrier"] == "gas", "p_nom"].sum())
    gas_target = ctx.target("gas_capacity") or 0.0
    if ctx.expand:
        prior = {b: mw for (t, b), mw in ctx.inherited.items() if t == "gas_ccgt"}
        potential = ctx.sites[ctx.sites["tech"] == "gas_ccgt"].set_index("bus")["p_max_mw"].to_dict()
        th = _add_generic_gas(th, ctx.sites, gas_tech, gas_fuel, 0.0, potential, "new_gas")
        for bus, mw in prior.items():  # myopic: capacity built in an earlier year now stands, sunk
            th.loc[f"new_gas_{bus}", ["p_nom"]] = mw
            th.loc[f"new_gas_{bus}", "p_nom_max"] = max(th.loc[f"new_gas_{bus}", "p_nom_max"], mw)
    elif gas_target > standing_gas:
        th = _add_generic_gas(th, ctx.sites, gas_tech, gas_fuel, gas_target - standing_gas, None, "plan_gas")
    if "gas" in sc.without:
        th = th[~th["increment"]].copy()
    th["marginal_cost"] = th["heat_rate"] * th["fuel_price"] + th["vom"] + sc.carbon_price * th["co2_per_mwh"]
    th["extendable"] = extendable(th)
    groups, units = group_identical_units(th)
    ctx.record_standing([technology(c, t) for c, t in zip(groups["carrier"], groups["technology"])], groups["p_nom"])
    return {"thermal": groups, "thermal_units": units}


#: Units that agree in all of these dispatch identically in an LP and are modelled as one group.
GROUP_KEY = (
    "bus",
    "carrier",
    "technology",
    "status",
    "availability",
    "ramp",
    "min_stable",
    "chp",
    "heat_rate",
    "fuel_price",
    "co2_per_mwh",
    "vom",
    "fom",
    "annuity",
    "increment",
    "marginal_cost",
)


def group_identical_units(th: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge fixed-capacity units with identical parameters in one district into one element.

    Exact for this LP: every constraint of a unit (capacity, ramp, minimum stable output) scales with its capacity,
    so any output of the group split pro rata to capacity (``share``) is feasible for each member at the same
    cost. Halves the thermal columns and ramp rows of the Guangzhou model (44 units -> 22 groups). Extendable units
    stay alone. Returns the group table (index: group name) and the unit table with its group and share.
    """
    units = th.copy()
    group = units.index.to_numpy().copy()
    fixed = units[~units["extendable"]]
    taken: set[str] = set(units.index)
    for _, members in fixed.groupby(list(GROUP_KEY), sort=False, dropna=False):
        if len(members) < 2:
            continue
        first = members.iloc[0]
        name = f"{first['bus']} {first['carrier']} {first['technology']} x{len(members)}"
        while name in taken:
            name += "'"
        taken.add(name)
        group[units.index.isin(members.index)] = name  # the rows labelled as the members, as .loc would set
    units["group"] = group
    units["share"] = units["p_nom"] / units.groupby("group")["p_nom"].transform("sum").where(lambda x: x > 0, 1.0)
    units.loc[units["p_nom"] <= 0, "share"] = 1.0 / units.groupby("group")["p_nom"].transform("size")
    summed = units.groupby("group", sort=False)[["p_nom", "p_nom_max"]].sum()
    groups = units.drop_duplicates("group").set_index("group")[list(th.columns)]
    groups[["p_nom", "p_nom_max"]] = summed.loc[groups.index]
    groups.index.name = "unit"
    return groups, units


# --- build ------------------------------------------------------------------------------------------------------


def build(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    """Sets, variables, capacity, ramp, minimum-stable and CHP heat-floor rows; injections, costs, emissions,
    reserve, capacities."""
    th = d.thermal
    units = list(th.index)
    p_nom, p_max = th["p_nom"].to_dict(), th["p_nom_max"].to_dict()
    avail = th["availability"].to_dict()
    ext = extendable_elements(th, "thermal")
    m.THERMAL = pyo.Set(initialize=units, ordered=True, doc="thermal units u (gas, coal, waste), grouped")
    m.THERMAL_EXT = pyo.Set(within=m.THERMAL, initialize=ext, ordered=True, doc="extendable thermal units")
    m.thermal_p = ArrayVar(
        m.THERMAL,
        m.T,
        domain=pyo.NonNegativeReals,
        lower=0.0,
        upper=per_element([avail[u] * p_max[u] for u in units], d.n_hours),
        doc="(T1, T2, T3, T4, T5, T6, T7, T11, T12, T13, T14) thermal output p[u,t] (MW)",
    )
    m.thermal_new = pyo.Var(
        m.THERMAL_EXT,
        domain=pyo.NonNegativeReals,
        bounds=lambda _m, u: (0.0, p_max[u] - p_nom[u]),
        doc="(T1, T2, T4, T5, T6, T9, T12, T13, T14) thermal capacity added N_u (MW)",
    )
    reg.invest(m.thermal_new)
    rows = _UnitRows(m, d, ext)
    m.thermal_capacity = capacity_rows(m.thermal_p, m.thermal_new, ext, units, d.n_hours, share=avail).build(
        m.THERMAL_EXT,
        m.T,
        lower=-np.inf,
        upper=rows.standing(ext, avail, len(ext) * d.n_hours),
        doc="(T2) output within available capacity p[u,t] - a_u N_u <= a_u Pbar_u, extendable units (MW)",
    )
    _build_ramps(m, d, rows)
    _build_min_stable(m, d, rows)
    _build_chp_floor(m, d, rows)
    _register(m, d, reg, ext)


class _UnitRows:
    """Row blocks over units x hours that the capacity, ramp and minimum-stable blocks share."""

    def __init__(self, m: pyo.ConcreteModel, d: ModelData, ext: list):
        self.m, self.d = m, d
        self.n = d.n_hours
        self.hours = np.arange(self.n)
        self.p_nom = d.thermal["p_nom"].to_dict()
        self.ext_position = {u: i for i, u in enumerate(ext)}
        self.unit_position = {u: i for i, u in enumerate(d.thermal.index)}

    def rows(self, selected: list, share: dict, lagged: int = 0, sign: float = 1.0) -> RowBuilder:
        """Rows ``sign * (p[u,t] - p[u,t-lagged]) - share_u * new_u`` over ``selected`` x hours (``lagged``: 0 or 1,
        hours without a predecessor in the period left out); the right-hand side is ``share_u * standing_u``."""
        m, n = self.m, self.n
        linked = self.hours[~self.d.period_start] if lagged else self.hours
        rows = RowBuilder(len(selected) * len(linked))
        for i, u in enumerate(selected):
            r = i * len(linked) + np.arange(len(linked))
            rows.add(m.thermal_p, r, hourly(self.unit_position[u], linked, n), sign)
            if lagged:
                rows.add(m.thermal_p, r, hourly(self.unit_position[u], linked - 1, n), -sign)
            if u in self.ext_position:
                rows.add(m.thermal_new, r, np.full(len(linked), self.ext_position[u]), -share[u])
        return rows

    def standing(self, selected: list, share: dict, n_rows: int) -> np.ndarray:
        return np.repeat([share[u] * self.p_nom[u] for u in selected], n_rows // max(len(selected), 1))

    def scaled_capacity(self, u, share: float):
        """share * (standing + new) capacity of unit u, as a number or a one-variable linear expression."""
        if u in self.ext_position:
            return linear([share], [self.m.thermal_new[u]], share * self.p_nom[u])
        return share * self.p_nom[u]


def _build_ramps(m: pyo.ConcreteModel, d: ModelData, rows: _UnitRows) -> None:
    """T3 over the (fixed unit, hour) pairs whose ramp can bind, T14 and T4 over the extendable units, T5."""
    ramp = d.thermal["ramp"].to_dict()
    ramp_units = [u for u in d.thermal.index if ramp[u] < 1.0]
    m.THERMAL_RAMPING = pyo.Set(
        within=m.THERMAL,
        initialize=ramp_units,
        ordered=True,
        doc="units with a ramp limit r_u < 1, below their full range per hour (T3, T14, T4, T5)",
    )
    _build_fixed_ramps(m, d, rows, [u for u in ramp_units if u not in rows.ext_position], ramp)
    ext_units = [u for u in ramp_units if u in rows.ext_position]
    m.THERMAL_RAMPING_EXT = pyo.Set(
        within=m.THERMAL_EXT,
        initialize=ext_units,
        ordered=True,
        doc="extendable units with a ramp limit, whose limit grows with the capacity built (T14, T4)",
    )
    n_ramp = len(ext_units) * len(m.T_LINKED)
    m.thermal_ramp_up = rows.rows(ext_units, ramp, lagged=1).build(
        m.THERMAL_RAMPING_EXT,
        m.T_LINKED,
        lower=-np.inf,
        upper=rows.standing(ext_units, ramp, n_ramp),
        doc="(T14) ramp-up limit of an extendable unit p[u,t] - p[u,t-1] - r_u N_u <= r_u Pbar_u (MW/h)",
    )
    m.thermal_ramp_down = rows.rows(ext_units, ramp, lagged=1, sign=-1.0).build(
        m.THERMAL_RAMPING_EXT,
        m.T_LINKED,
        lower=-np.inf,
        upper=rows.standing(ext_units, ramp, n_ramp),
        doc="(T4) ramp-down limit of an extendable unit p[u,t-1] - p[u,t] - r_u N_u <= r_u Pbar_u (MW/h)",
    )
    ramp_cap = {u: rows.scaled_capacity(u, ramp[u]) for u in ramp_units}
    before = d.scenario.initial_output  # rolling horizon: output in the hour before the window
    start_units = [u for u in ramp_units if u in before] if d.n_hours else []
    m.THERMAL_RAMP_START = pyo.Set(
        initialize=start_units, ordered=True, doc="units whose first-hour ramp is measured from the last window (T5)"
    )
    m.thermal_ramp_start = pyo.Constraint(
        m.THERMAL_RAMP_START,
        [0, 1],
        rule=lambda _m, u, up: (
            (_m.thermal_p[u, 0] - before[u] if up else before[u] - _m.thermal_p[u, 0]) <= ramp_cap[u]
        ),
        doc="(T5) ramp limit from the previous window's last hour: +-(p[u,0] - p0_u) <= r_u P_u (MW/h)",
    )


def output_floor(d: ModelData) -> dict[str, np.ndarray]:
    """l_{u,t}, MW: the least output T6 and T13 leave a fixed unit in each hour (zero where neither holds it)."""
    th, n = d.thermal, d.n_hours
    avail, stable, p_nom = th["availability"].to_dict(), th["min_stable"].to_dict(), th["p_nom"].to_dict()
    floor = {u: np.zeros(n) for u in th.index}
    if d.scenario.min_stable:
        for u in th.index:
            floor[u][:] = stable[u] * avail[u] * p_nom[u]
    for u, f in chp_floor_pu(d).items():  # T13 replaces T6 for these
        floor[u] = f * avail[u] * p_nom[u]
    return floor


def chp_floor_pu(d: ModelData) -> dict[str, np.ndarray]:
    """f_{u,t} = max(m_u, phi_{s(t)}) of every hour, p.u. of available capacity, for each unit of C (T13)."""
    phi = chp_heat_floor(d.timestamps) if d.n_hours else np.zeros(0)
    stable = d.thermal["min_stable"].to_dict()
    return {u: np.maximum(float(stable[u]), phi) for u in chp_units(d)}


def _build_fixed_ramps(m: pyo.ConcreteModel, d: ModelData, rows: _UnitRows, units: list, ramp: dict) -> None:
    """T3 as one ranged row per (unit, hour), kept only where the ramp can bind: a row is left out where the
    unit's range in the two hours, from its floor to its available capacity, is within its ramp, so no output
    the other rows allow can break it (for a CHP unit held at 40 % or more of its capacity by T13, every hour).
    The feasible set and the optimum are those of the LP with all the rows: exact, and about a quarter of the
    full-year check's rows fewer for every solve (hot starts especially, which skip presolve)."""
    n = d.n_hours
    linked = np.flatnonzero(~d.period_start) if n else np.zeros(0, dtype=np.int64)
    avail, p_max = d.thermal["availability"].to_dict(), d.thermal["p_nom_max"].to_dict()
    floor = output_floor(d)
    pairs: list[tuple[str, int]] = []
    limits: list[float] = []
    for u in units:
        limit = ramp[u] * rows.p_nom[u]
        lowest = np.minimum(floor[u][linked], floor[u][linked - 1]) if len(linked) else np.zeros(0)
        binds = avail[u] * p_max[u] - lowest > limit * (1.0 + 1e-12)
        pairs.extend((u, int(t)) for t in linked[binds])
        limits.extend([limit] * int(binds.sum()))
    m.THERMAL_RAMP = pyo.Set(
        initialize=pairs,
        dimen=2,
        ordered=True,
        doc="(fixed unit, hour) pairs whose ramp can bind: range from the floor l_{u,t} to a_u Pbar_u above r_u "
        "Pbar_u in the hour or the one before (T3)",
    )
    position = np.array([rows.unit_position[u] for u, _ in pairs], dtype=np.int64)
    hours = np.array([t for _, t in pairs], dtype=np.int64)
    r = np.arange(len(pairs))
    block = RowBuilder(len(pairs)).add(m.thermal_p, r, hourly(position, hours, n), 1.0)
    block.add(m.thermal_p, r, hourly(position, hours - 1, n), -1.0)
    limit_mw = np.array(limits, dtype=float)
    m.thermal_ramp = block.build(
        m.THERMAL_RAMP,
        lower=-limit_mw,
        upper=limit_mw,
        doc="(T3) ramp limit of a fixed unit -r_u Pbar_u <= p[u,t] - p[u,t-1] <= r_u Pbar_u (MW/h)",
    )


def chp_units(d: ModelData) -> list:
    """The units with chi_u = 1 when CHP must-run is on (kappa = 1), else none."""
    th = d.thermal
    if not d.scenario.chp_must_run or "chp" not in th.columns:
        return []
    return list(th.index[th["chp"].eq(True).to_numpy()])  # a blank flag (NaN) is not CHP


def _build_min_stable(m: pyo.ConcreteModel, d: ModelData, rows: _UnitRows) -> None:
    th = d.thermal
    stable, avail = th["min_stable"].to_dict(), th["availability"].to_dict()
    must_run = set(chp_units(d))  # held by T13 instead
    stable_units = [u for u in th.index if stable[u] > 0 and u not in must_run] if d.scenario.min_stable else []
    floor_share = {u: stable[u] * avail[u] for u in stable_units}
    m.THERMAL_STABLE = pyo.Set(
        within=m.THERMAL,
        initialize=stable_units,
        ordered=True,
        doc="units held at or above a minimum stable output by --min-stable, CHP units under must-run left to T13",
    )
    m.thermal_min_stable = rows.rows(stable_units, floor_share).build(
        m.THERMAL_STABLE,
        m.T,
        lower=rows.standing(stable_units, floor_share, len(stable_units) * d.n_hours),
        upper=np.inf,
        doc="(T6) minimum stable output p[u,t] >= m_u a_u P_u, LP relaxation (all units treated as committed) (MW)",
    )


def _build_chp_floor(m: pyo.ConcreteModel, d: ModelData, rows: _UnitRows) -> None:
    """T13 rows over the (CHP unit, hour) pairs with a positive floor f_{u,t} = max(m_u, phi_{s(t)})."""
    th, n = d.thermal, d.n_hours
    avail = th["availability"].to_dict()
    floor = chp_floor_pu(d)
    pairs = [(u, int(t)) for u, f in floor.items() for t in np.flatnonzero(f * avail[u] > 0)]
    m.THERMAL_CHP_FLOOR = pyo.Set(
        initialize=pairs,
        dimen=2,
        ordered=True,
        doc="(CHP unit, hour) pairs held at a must-run floor, when chp_must_run is on (T13)",
    )
    units = np.array([rows.unit_position[u] for u, _ in pairs], dtype=np.int64)
    hours = np.array([t for _, t in pairs], dtype=np.int64)
    share = np.array([floor[u][t] * avail[u] for u, t in pairs], dtype=float)  # f_{u,t} a_u
    block = RowBuilder(len(pairs)).add(m.thermal_p, np.arange(len(pairs)), hourly(units, hours, n), 1.0)
    new = [(i, rows.ext_position[u]) for i, (u, _) in enumerate(pairs) if u in rows.ext_position]
    if new:
        r, k = (np.array(x, dtype=np.int64) for x in zip(*new))
        block.add(m.thermal_new, r, k, -share[r])
    m.thermal_chp_floor = block.build(
        m.THERMAL_CHP_FLOOR,
        lower=share * np.array([rows.p_nom[u] for u, _ in pairs], dtype=float),
        upper=np.inf,
        doc="(T13) CHP must-run p[u,t] - f_ut a_u N_u >= f_ut a_u Pbar_u, f_ut = max(m_u, phi_s(t)): minimum "
        "stable output or the season's heat-led floor (MW)",
    )


def _register(m: pyo.ConcreteModel, d: ModelData, reg: Registry, ext: list) -> None:
    th = d.thermal
    units = list(th.index)
    avail, p_nom = th["availability"].to_dict(), th["p_nom"].to_dict()
    reg.inject("thermal", m.thermal_p, th["bus"].to_dict(), column="thermal_mw")
    w = d.weights
    reg.cost("fuel_and_vom", PerEntry(m.thermal_p, np.outer(th["marginal_cost"].to_numpy(), w).ravel()))
    y = d.year_fraction
    reg.cost("fixed_om", float((th["fom"] * th["p_nom"]).sum()) * y)
    reg.cost("investment", linear((th.at[u, "annuity"] * y for u in ext), (m.thermal_new[u] for u in ext)))
    # Check mode: the plan's generic blocks are fixed, but their annuity is still what the plan costs.
    reg.cost("plan_investment", float((th["annuity"] * th["p_nom"] * (th["status"] == "generic")).sum()) * y)
    co2 = th["co2_per_mwh"].to_numpy()
    carrier = th["carrier"].to_numpy()
    for fuel in sorted(set(carrier)):
        reg.emissions[fuel] = PerEntry(m.thermal_p, np.outer(np.where(carrier == fuel, co2, 0.0), w).ravel())
    reg.reserve.append(
        Headroom(
            constant=sum(avail[u] * p_nom[u] for u in units),
            static=[Terms(m.thermal_new, ext, [avail[u] for u in ext])],
            hourly=[Terms(m.thermal_p, units, [-1.0] * len(units))],
        )
    )
    ext_set = set(ext)
    for u, r in th.iterrows():
        reg.capacity(
            u,
            FAMILY,
            technology(r["carrier"], r["technology"]),
            r["bus"],
            "MW",
            r["p_nom"],
            m.thermal_new if u in ext_set else None,
            u,
            increment=bool(r["increment"]),
            carrier=r["carrier"],
            status=r["status"],
        )


# --- outputs ----------------------------------------------------------------------------------------------------


def outputs(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> dict[str, pd.DataFrame]:
    """Capacities and dispatch unit by unit: each group's decision and output split by the members' shares."""
    th, units, n = d.thermal, d.thermal_units, d.n_hours
    new = scalar(m.thermal_new, list(m.THERMAL_EXT))
    caps = capacity_frame(
        [
            (
                u,
                FAMILY,
                technology(r["carrier"], r["technology"]),
                r["carrier"],
                r["bus"],
                r["bus"],
                r["status"],
                "MW",
                r["p_nom"],
                new.get(r["group"], 0.0) * r["share"],
            )
            for u, r in units.iterrows()
        ]
    )
    if not len(th):
        return {"capacities": caps}
    position = {g: i for i, g in enumerate(th.index)}
    unit_p = matrix(m.thermal_p, len(th), n)[[position[g] for g in units["group"]]] * units["share"].to_numpy()[:, None]
    disp = long(unit_p, list(units.index), d.timestamps, "element", "p_mw")
    disp["family"], disp["carrier"] = FAMILY, per_hour(units["carrier"], n)
    disp["bus"] = per_hour(units["bus"], n)
    disp["technology"] = per_hour([technology(c, t) for c, t in zip(units["carrier"], units["technology"])], n)
    disp["weight"] = np.tile(d.weights, len(units))
    return {"capacities": caps, "dispatch": disp}
