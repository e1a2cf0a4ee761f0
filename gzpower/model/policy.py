"""Plan floors for the expansion mode: the plan's capacity targets as optional lower bounds.

.. math::
    \\sum_{u \\in \\text{gas}} P_u \\ge G^{plan}, \\quad \\sum_{k} P_k + P^{waste} \\ge R^{plan}, \\quad
    \\sum_{s \\in \\text{batteries}} P_s \\ge S^{plan}, \\quad \\sum_b D_b \\ge \\delta^{plan} \\hat L

with :math:`\\hat L` the year's peak load. Only targets present for the year are imposed. The installed capacity
of each target is read from the capacity registry (:data:`gzpower.model.registry.TARGET_TECHNOLOGIES`), so the
floors read no builder's variables and run after every family, with the other system terms.
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
        doc="installed capacity at least the plan's target (MW)",
    )
