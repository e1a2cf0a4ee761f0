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
    m.THERMAL = pyo.Set(initialize=units, ordered=True, doc="thermal units (gas, coal, waste)")
    m.THERMAL_EXT = pyo.Set(within=m.THERMAL, initialize=ext, ordered=True, doc="extendable thermal units")
    m.thermal_p = pyo.Var(
        m.THERMAL,
        m.T,
        domain=pyo.NonNegativeReals,
        bounds=lambda _m, u, t: (0.0, avail[u] * p_max[u]),
        doc="thermal output p[u,t] (MW)",
    )
    m.thermal_new = pyo.Var(
        m.THERMAL_EXT,
        domain=pyo.NonNegativeReals,
        bounds=lambda _m, u: (0.0, p_max[u] - p_nom[u]),
        doc="thermal capacity added (MW)",
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
        doc="output within available capacity of extendable units (fixed units: a variable bound)",
    )

    ramp_units = [u for u in units if ramp[u] < 1.0]
    m.THERMAL_RAMPING = pyo.Set(
        within=m.THERMAL,
        initialize=ramp_units,
        ordered=True,
        doc="units with a ramp limit below their full range per hour",
    )
    n_ramp = len(ramp_units) * len(m.T_LINKED)
    m.thermal_ramp_up = unit_rows(ramp_units, ramp, lagged=1).build(
        m.THERMAL_RAMPING,
        m.T_LINKED,
        lower=-np.inf,
        upper=standing(ramp_units, ramp, n_ramp),
        doc="ramp-up limit p[u,t] - p[u,t-1] <= r_u P_u (MW/h)",
    )
    m.thermal_ramp_down = unit_rows(ramp_units, ramp, lagged=1, sign=-1.0).build(
        m.THERMAL_RAMPING,
        m.T_LINKED,
        lower=-np.inf,
        upper=standing(ramp_units, ramp, n_ramp),
        doc="ramp-down limit p[u,t-1] - p[u,t] <= r_u P_u (MW/h)",
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
        initialize=start_units, ordered=True, doc="units whose first-hour ramp is measured from the previous window"
    )
    m.thermal_ramp_start = pyo.Constraint(
        m.THERMAL_RAMP_START,
        [0, 1],
        rule=lambda _m, u, up: (
            (_m.thermal_p[u, 0] - before[u] if up else before[u] - _m.thermal_p[u, 0]) <= ramp_cap[u]
        ),
        doc="ramp limit between the previous window's last hour and this window's first (MW/h)",
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
        doc="minimum stable output p[u,t] >= m_u a_u P_u, LP relaxation (all units treated as committed)",
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
