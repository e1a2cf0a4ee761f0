"""Assemble the gzpower LP: sets, then each component family's builder (:data:`gzpower.model.families.FAMILIES`),
then the system terms from the registries. The order matters only in that system terms come last: the plan
floors read the capacity registry, the balance the injections, the reserve the headroom, the objective the costs."""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.environ as pyo

from gzpower.model import families
from gzpower.model.data import ModelData
from gzpower.model.policy import build_plan_floors
from gzpower.model.registry import Registry
from gzpower.model.system import build_balance, build_co2_and_objective, build_reserve, build_unserved

SYSTEM_BUILDERS = (build_plan_floors, build_unserved, build_balance, build_reserve, build_co2_and_objective)


@dataclass
class BuiltModel:
    model: pyo.ConcreteModel
    data: ModelData
    registry: Registry


#: The sets whose members are hours of the horizon: a column indexed by one of them belongs to that hour (the
#: windowed hot start, :mod:`gzpower.solve.windows`).
HOUR_SETS = ("T", "T_LINKED", "STORAGE_RESERVE_T")


def build_model(d: ModelData) -> BuiltModel:
    m = pyo.ConcreteModel(name=f"gzpower-{d.scenario.label()}")
    m.T = pyo.Set(initialize=range(d.n_hours), ordered=True, doc="hours of the horizon")
    m.T_LINKED = pyo.Set(
        within=m.T,
        initialize=[t for t in range(d.n_hours) if not d.period_start[t]],
        ordered=True,
        doc="hours that follow another hour of the same period (ramps link them)",
    )
    m.DISTRICT = pyo.Set(initialize=d.districts, ordered=True, doc="districts (load buses)")
    m.BUS = pyo.Set(initialize=d.districts + d.externals, ordered=True, doc="all buses, districts and external")
    m.dual = pyo.Suffix(direction=pyo.Suffix.IMPORT, doc="duals of the balance: locational prices")
    reg = Registry()
    # read at each build, not at import: the family tuple is the one place a family is registered
    for builder in (*(module.build for module in families.FAMILIES), *SYSTEM_BUILDERS):
        builder(m, d, reg)
    return BuiltModel(m, d, reg)
