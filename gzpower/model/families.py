"""The component families, in one ordered tuple: each module owns its whole life.

A family module has ``FAMILY`` (its name in the result tables' ``family`` column) and three functions:

- ``inputs(tables, scenario, ctx) -> dict``: its element tables (the :class:`~gzpower.model.instance.ModelData`
  attributes it fills), from the validated input tables and the shared :class:`~gzpower.model.instance.InputContext`;
- ``build(m, d, reg)``: its sets, variables and rows; it registers its injections (with the balance column each
  lands in), costs, emissions, reserve headroom and the capacity of each element;
- ``outputs(m, d, reg) -> dict``: its part of the result tables (capacities, dispatch, storage, flows,
  curtailment).

:func:`gzpower.model.data.assemble`, :func:`gzpower.model.build.build_model` and
:func:`gzpower.results.extract.extract` are loops over :data:`FAMILIES`. The order is the order of the element
rows in the result tables and of the components in the model; it matters for the inputs in one place only:
renewables' plan increment closes the ``re_capacity`` gap that thermal's waste-to-energy leaves, so thermal
comes first. The province family (the rest of Guangdong, present with the province boundary) sits before imports,
whose interfaces run to its bus. Adding a technology family is one module here plus its input schema entry.
"""

from __future__ import annotations

from typing import Protocol

import pandas as pd
import pyomo.environ as pyo

from gzpower.model import demand_response, imports, network, province, renewables, storage, thermal
from gzpower.model.instance import InputContext, ModelData
from gzpower.model.registry import Registry
from gzpower.scenario.scenario import Scenario


class Family(Protocol):
    FAMILY: str

    def inputs(self, tables: dict, sc: Scenario, ctx: InputContext) -> dict[str, pd.DataFrame]: ...

    def build(self, m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None: ...

    def outputs(self, m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> dict[str, pd.DataFrame]: ...


FAMILIES: tuple[Family, ...] = (thermal, renewables, storage, demand_response, province, imports, network)


def family(name: str) -> Family:
    """The family module called ``name`` (its ``FAMILY``)."""
    for module in FAMILIES:
        if module.FAMILY == name:
            return module
    raise ValueError(f"unknown family '{name}' (choose from {', '.join(f.FAMILY for f in FAMILIES)})")
