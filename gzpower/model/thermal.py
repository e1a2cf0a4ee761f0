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
    p_{u,t} - p_{u,t-1} - r_u N_u \\le r_u \\bar P_u \\quad \\forall u: r_u < 1, t \\in \\text{T\\_LINKED}
    \\qquad\\text{(T3)}\\\\
    p_{u,t-1} - p_{u,t} - r_u N_u \\le r_u \\bar P_u \\quad \\forall u: r_u < 1, t \\in \\text{T\\_LINKED}
    \\qquad\\text{(T4)}\\\\
    p_{u,0} - p^0_u \\le r_u P_u, \\quad p^0_u - p_{u,0} \\le r_u P_u
    \\quad \\forall u: r_u < 1, p^0_u \\text{ given} \\qquad\\text{(T5)}\\\\
    p_{u,t} - m_u a_u N_u \\ge m_u a_u \\bar P_u \\quad \\forall u: m_u > 0, t \\in T
    \\quad \\text{(only with } \\texttt{min\\_stable}\\text{)} \\qquad\\text{(T6)}

T6 is the LP relaxation of unit commitment: every unit is treated as committed in every hour.

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
import pyomo.environ as pyo

from gzpower.model.data import ModelData
from gzpower.model.registry import Headroom, PerEntry, Registry, Terms, linear
from gzpower.model.rows import RowBuilder, capacity_rows, hourly


def build_thermal(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    th = d.thermal
    units = list(th.index)
    n = d.n_hours
    hours = np.arange(n)
    p_nom, p_max = th["p_nom"].to_dict(), th["p_nom_max"].to_dict()
    avail, ramp, stable = th["availability"].to_dict(), th["ramp"].to_dict(), th["min_stable"].to_dict()
    ext = [u for u in units if p_max[u] > p_nom[u] + 1e-9]
    ext_position = {u: i for i, u in enumerate(ext)}
    unit_position = {u: i for i, u in enumerate(units)}
    m.THERMAL = pyo.Set(initialize=units, ordered=True, doc="thermal units u (gas, coal, waste), grouped")
    m.THERMAL_EXT = pyo.Set(within=m.THERMAL, initialize=ext, ordered=True, doc="extendable thermal units")
    m.thermal_p = pyo.Var(
        m.THERMAL,
        m.T,
        domain=pyo.NonNegativeReals,
        bounds=lambda _m, u, t: (0.0, avail[u] * p_max[u]),
        doc="(T1, T2, T3, T4, T5, T6, T7, T11, T12) thermal output p[u,t] (MW)",
    )
    m.thermal_new = pyo.Var(
        m.THERMAL_EXT,
        domain=pyo.NonNegativeReals,
        bounds=lambda _m, u: (0.0, p_max[u] - p_nom[u]),
        doc="(T1, T2, T3, T4, T5, T6, T9, T12) thermal capacity added N_u (MW)",
    )
    reg.invest(m.thermal_new)

    def unit_rows(selected: list, share: dict, lagged: int = 0, sign: float = 1.0) -> RowBuilder:
        """Rows ``sign * (p[u,t] - p[u,t-lagged]) - share_u * new_u`` over ``selected`` x hours (``lagged``: 0 or 1,
        hours without a predecessor in the period left out); the right-hand side is ``share_u * standing_u``."""
        linked = hours[~d.period_start] if lagged else hours
        rows = RowBuilder(len(selected) * len(linked))
        for i, u in enumerate(selected):
            r = i * len(linked) + np.arange(len(linked))
            rows.add(m.thermal_p, r, hourly(unit_position[u], linked, n), sign)
            if lagged:
                rows.add(m.thermal_p, r, hourly(unit_position[u], linked - 1, n), -sign)
            if u in ext_position:
                rows.add(m.thermal_new, r, np.full(len(linked), ext_position[u]), -share[u])
        return rows

    def standing(selected: list, share: dict, n_rows: int) -> np.ndarray:
        return np.repeat([share[u] * p_nom[u] for u in selected], n_rows // max(len(selected), 1))

    m.thermal_capacity = capacity_rows(m.thermal_p, m.thermal_new, ext, units, n, share=avail).build(
        m.THERMAL_EXT,
        m.T,
        lower=-np.inf,
        upper=standing(ext, avail, len(ext) * n),
        doc="(T2) output within available capacity p[u,t] - a_u N_u <= a_u Pbar_u, extendable units (MW)",
    )

    ramp_units = [u for u in units if ramp[u] < 1.0]
    m.THERMAL_RAMPING = pyo.Set(
        within=m.THERMAL,
        initialize=ramp_units,
        ordered=True,
        doc="units with a ramp limit r_u < 1, below their full range per hour (T3, T4)",
    )
    n_ramp = len(ramp_units) * len(m.T_LINKED)
    m.thermal_ramp_up = unit_rows(ramp_units, ramp, lagged=1).build(
        m.THERMAL_RAMPING,
        m.T_LINKED,
        lower=-np.inf,
        upper=standing(ramp_units, ramp, n_ramp),
        doc="(T3) ramp-up limit p[u,t] - p[u,t-1] <= r_u P_u (MW/h)",
    )
    m.thermal_ramp_down = unit_rows(ramp_units, ramp, lagged=1, sign=-1.0).build(
        m.THERMAL_RAMPING,
        m.T_LINKED,
        lower=-np.inf,
        upper=standing(ramp_units, ramp, n_ramp),
        doc="(T4) ramp-down limit p[u,t-1] - p[u,t] <= r_u P_u (MW/h)",
    )

    def scaled_capacity(u, share):
        """share * (standing + new) capacity of unit u, as a number or a one-variable linear expression."""
        if u in ext_position:
            return linear([share], [m.thermal_new[u]], share * p_nom[u])
        return share * p_nom[u]

    ramp_cap = {u: scaled_capacity(u, ramp[u]) for u in ramp_units}
    before = d.scenario.initial_output  # rolling horizon: output in the hour before the window
    start_units = [u for u in ramp_units if u in before] if n else []
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

    stable_units = [u for u in units if stable[u] > 0] if d.scenario.min_stable else []
    floor_share = {u: stable[u] * avail[u] for u in stable_units}
    m.THERMAL_STABLE = pyo.Set(
        within=m.THERMAL, initialize=stable_units, ordered=True, doc="units held at or above a minimum stable output"
    )
    m.thermal_min_stable = unit_rows(stable_units, floor_share).build(
        m.THERMAL_STABLE,
        m.T,
        lower=standing(stable_units, floor_share, len(stable_units) * n),
        upper=np.inf,
        doc="(T6) minimum stable output p[u,t] >= m_u a_u P_u, LP relaxation (all units treated as committed) (MW)",
    )

    reg.inject("thermal", m.thermal_p, th["bus"].to_dict())
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
