"""Plan floors for the expansion mode: the plan's capacity targets as optional lower bounds.

Symbols (symbol = variable or ModelData column, unit: meaning); capacities as in the family modules:

- :math:`\\bar P_u + N_u` (``d.thermal["p_nom"]`` + ``m.thermal_new[u]``), MW: thermal capacity
- :math:`\\bar P_k + N_k` (``d.renewables["p_nom"]`` + ``m.renewable_new[k]``), MW: renewable capacity
- :math:`\\bar P_s + N^P_s` (``d.storage["p_nom"]`` + ``m.storage_new_p[s]``), MW: storage power
- :math:`\\bar D_b + N_b` (``d.demand_response["p_nom"]`` + ``m.dr_new[b]``), MW: demand-response capacity
- :math:`G^{plan}, R^{plan}, S^{plan}` = ``d.targets["value"]`` of ``gas_capacity``, ``re_capacity``,
  ``storage_capacity``, MW; :math:`\\theta^{plan}` = that of ``dr_capability``, share of the peak
- :math:`\\hat L` = ``d.peak_load_mw``, MW: the year's peak city load (full year)

.. math::
    \\sum_{u: \\text{carrier gas}} (\\bar P_u + N_u) \\ge G^{plan} \\qquad\\text{(P1)}\\\\
    \\sum_{k} (\\bar P_k + N_k) + \\sum_{u: \\text{carrier waste}} (\\bar P_u + N_u) \\ge R^{plan}
    \\qquad\\text{(P2)}\\\\
    \\sum_{s: \\text{carrier battery}} (\\bar P_s + N^P_s) \\ge S^{plan} \\qquad\\text{(P3)}\\\\
    \\sum_{b \\in \\text{DR}} (\\bar D_b + N_b) \\ge \\theta^{plan} \\hat L \\qquad\\text{(P4)}

Imposed only with ``d.scenario.mode == "expand"`` and ``d.scenario.plan_floors``, and only for targets present for
the year with a number (not qualitative or boolean). A floor with nothing extendable on its left is not a row:
it holds, or the build stops with an error. Capacities have no time index, so no weights enter.

The installed capacity of each target is read from the capacity registry
(:data:`gzpower.model.registry.TARGET_TECHNOLOGIES`), so the floors read no builder's variables and run after every
family, with the other system terms.
"""

from __future__ import annotations

import pyomo.environ as pyo

from gzpower.model.instance import ModelData
from gzpower.model.registry import TARGET_TECHNOLOGIES, Registry

#: the targets imposed as floors; dr_capability is a share of the peak, the others are MW
FLOOR_TARGETS = ("gas_capacity", "re_capacity", "storage_capacity", "dr_capability")


def _target(d: ModelData, target_id: str) -> float | None:
    row = d.targets[d.targets["id"] == target_id]
    if row.empty or row["value"].isna().iloc[0] or row["kind"].iloc[0] in ("qualitative", "boolean"):
        return None
    return float(row["value"].iloc[0])


def build_plan_floors(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    floors = {}
    if d.scenario.mode == "expand" and d.scenario.plan_floors:
        for key in FLOOR_TARGETS:
            if (target := _target(d, key)) is None:
                continue
            if key == "dr_capability":
                target *= d.peak_load_mw
            floors[key] = (reg.installed(TARGET_TECHNOLOGIES[key]), target)
    for key, (installed, target) in list(floors.items()):
        if isinstance(installed, (int, float)):  # nothing extendable: the floor holds or cannot be met at all
            if installed < target - 1e-6:
                raise ValueError(
                    f"plan floor '{key}': {installed:,.0f} MW standing and nothing extendable, "
                    f"short of the plan's {target:,.0f} MW (run with --no-floors)"
                )
            del floors[key]
    m.PLAN_FLOOR = pyo.Set(initialize=sorted(floors), doc="plan targets imposed as capacity floors")
    m.plan_floor = pyo.Constraint(
        m.PLAN_FLOOR,
        rule=lambda _m, k: floors[k][0] >= floors[k][1],
        doc="(P1, P2, P3, P4) installed capacity at least the plan's target (MW)",
    )
