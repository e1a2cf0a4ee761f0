"""The district network: AC lines in linearised (DC) power flow, written in the cycle formulation.

Lines :math:`l` run from bus0 to bus1; cycles :math:`c` form a cycle basis :math:`\\mathcal{C}` of the line graph
(the formulation PyPSA uses: Hörsch et al. 2018, doi:10.1016/j.epsr.2017.12.034); hours :math:`t \\in T`.

Symbols (symbol = variable or ModelData column, unit: meaning):

- :math:`f_{l,t}` = ``m.line_flow[l, t]``, MW: flow from bus0 to bus1 (negative: the other way)
- :math:`F_l` = ``d.lines["s_nom_mw"]``, MW: thermal limit, both ways
- :math:`x_l` = ``d.lines["x_ohm"]``, ohm: reactance; :math:`\\bar x` its mean over the lines
- :math:`C_{c,l} \\in \\{-1, 0, 1\\}` = ``cycle_matrix(d.lines)``, 1: orientation of line :math:`l` in cycle
  :math:`c` (+1 along bus0 to bus1); parallel lines between one pair of buses each add a two-line cycle

.. math::
    -F_l \\le f_{l,t} \\le F_l \\qquad\\text{(N1: variable bounds)}\\\\
    \\sum_l C_{c,l}\\, \\frac{x_l}{\\bar x}\\, f_{l,t} = 0 \\quad \\forall c \\in \\mathcal{C}, t \\in T
    \\qquad\\text{(N2: Kirchhoff's voltage law)}

Dividing by :math:`\\bar x` only scales the rows (coefficients near 1). Kirchhoff's current law is the energy
balance Y2 of :mod:`gzpower.model.system`, where each flow is registered as :math:`-f_{l,t}` at bus0 and
:math:`+f_{l,t}` at bus1 (lossless). Lines cost nothing and carry no weights.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pyomo.environ as pyo

from gzpower.model.instance import InputContext, ModelData
from gzpower.model.registry import Registry
from gzpower.model.rows import RowBuilder, hourly
from gzpower.model.tidy import loading, long, matrix, per_hour
from gzpower.model.variables import ArrayVar, per_element
from gzpower.scenario.scenario import Scenario

FAMILY = "network"


def inputs(tables: dict, sc: Scenario, ctx: InputContext) -> dict[str, pd.DataFrame]:
    """The AC lines between districts and the buses' coordinates."""
    return {"lines": tables["lines"].set_index("line"), "bus_coords": tables["buses"].set_index("bus")[["lat", "lon"]]}


def cycle_matrix(lines: pd.DataFrame) -> list[dict[str, int]]:
    """Independent cycles of the line graph as {line: orientation} maps (+1 along bus0->bus1, -1 against)."""
    graph = nx.Graph()
    parallel: list[tuple[str, str]] = []
    for name, row in lines.iterrows():
        a, b = row["bus0"], row["bus1"]
        if graph.has_edge(a, b):
            parallel.append((graph[a][b]["line"], name))
        else:
            graph.add_edge(a, b, line=name)
    cycles: list[dict[str, int]] = []
    for nodes in nx.cycle_basis(graph):
        cycle: dict[str, int] = {}
        for a, b in zip(nodes, nodes[1:] + nodes[:1]):
            line = graph[a][b]["line"]
            cycle[line] = 1 if lines.at[line, "bus0"] == a else -1
        cycles.append(cycle)
    for first, other in parallel:
        same = lines.at[first, "bus0"] == lines.at[other, "bus0"]
        cycles.append({first: 1, other: -1 if same else 1})
    return cycles


def build(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    lines = d.lines
    names = list(lines.index)
    s_nom = lines["s_nom_mw"].to_dict()
    x = lines["x_ohm"].to_dict()
    m.LINE = pyo.Set(initialize=names, ordered=True, doc="AC lines between districts")
    m.line_flow = ArrayVar(
        m.LINE,
        m.T,
        lower=per_element([-s_nom[line] for line in names], d.n_hours),
        upper=per_element([s_nom[line] for line in names], d.n_hours),
        doc="(N1, N2) flow f[l,t] from bus0 to bus1 (MW), within the thermal limit both ways",
    )
    cycles = cycle_matrix(lines)
    m.CYCLE = pyo.Set(initialize=range(len(cycles)), ordered=True, doc="independent cycles of the line graph")
    # Reactances are normalised by their mean so KVL rows have coefficients near 1.
    x_mean = sum(x.values()) / max(len(x), 1)
    n = d.n_hours
    hours = np.arange(n)
    kvl = RowBuilder(len(cycles) * n)
    for c, cycle in enumerate(cycles):
        for line, sign in cycle.items():
            kvl.add(m.line_flow, c * n + hours, hourly(names.index(line), hours, n), sign * x[line] / x_mean)
    m.kvl = kvl.build(
        m.CYCLE,
        m.T,
        lower=0.0,
        upper=0.0,
        doc="(N2) Kirchhoff's voltage law around each independent cycle: sum_l C_cl (x_l / mean x) f[l,t] = 0",
    )
    reg.inject("line_out", m.line_flow, lines["bus0"].to_dict(), column="line_net_in_mw", sign=-1.0)
    reg.inject("line_in", m.line_flow, lines["bus1"].to_dict(), column="line_net_in_mw")


def outputs(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> dict[str, pd.DataFrame]:
    """Line flows per hour with their limits and loading."""
    lines, n = d.lines, d.n_hours
    flows = long(matrix(m.line_flow, len(lines), n), list(lines.index), d.timestamps, "element", "flow_mw")
    flows["kind"] = "line"
    flows["bus0"], flows["bus1"] = per_hour(lines["bus0"], n), per_hour(lines["bus1"], n)
    flows["limit_mw"] = per_hour(lines["s_nom_mw"], n)
    return {"flows": loading(flows)}
