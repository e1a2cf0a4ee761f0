"""Imports: supply at the external nodes and the province bus, and the interfaces into the districts.

Sources :math:`i` sit at an external node or, with the province boundary, at the province bus
(``west_east_province``, the West-to-East supply into the rest of Guangdong); interfaces (links) :math:`k` run from
bus0 (an external node or the province bus) to a district (bus1); hours :math:`t \\in T`, each standing for
:math:`w_t` hours of the year.

The boundary (``d.scenario.boundary``): with ``fixed_price`` the interfaces ``Guangdong_grid-<district>`` run one
way from the external node ``Guangdong_grid``, whose source sells at a flat price, its supply derated by its
availability profile when the provincial load is high. With ``province`` that node and its source are gone: the
same interfaces (the 500 kV transfer capability between Guangzhou and the rest of the province) run from the
province bus ``Guangdong_rest`` (:mod:`gzpower.model.province`) and both ways (the set ``LINK_BI``: the city may
export), and the province's West-to-East source has a must-take floor. ``West_East_clean`` and its links stay in
both modes.

Symbols (symbol = variable or ModelData column, unit: meaning):

- :math:`q_{i,t}` = ``m.import_supply[i, t]``, MW: supply taken from source :math:`i`
- :math:`z_{k,t}` = ``m.link_flow[k, t]``, MW: interface flow, measured at bus0 (negative on ``LINK_BI``: the city
  exports)
- :math:`N_k` = ``m.link_new[k]``, MW: interface capacity added by import contracts, for :math:`k` in ``LINK_EXT``
  (:math:`N_k \\equiv 0` for the other interfaces)
- :math:`Q_i` = ``d.import_sources["p_max"]``, MW: capability (``p_max_mw`` times the scenario's
  ``import_supply_scale``)
- :math:`\\alpha_{i,t}` = ``d.import_availability[i][t]``, p.u.: hourly availability
- :math:`\\mu_i` = ``d.import_sources["min_take"]``, p.u.: must-take share of the available supply
  (``import_sources.min_take_pu``; 0 but for the West-to-East supply into the province)
- :math:`\\pi_i` = ``d.import_sources["price_cny_per_mwh"]``, CNY/MWh: price
- :math:`\\varepsilon_i` = ``d.import_sources["co2_t_per_mwh"]``, tCO2/MWh: CO2 intensity
- :math:`\\bar Z_k` = ``d.links["p_nom"]``, MW: standing capacity (``p_nom_mw`` times the scenario's
  ``import_scale``); :math:`Z^{max}_k` = ``d.links["p_nom_max"]``, MW; :math:`Z_k = \\bar Z_k + N_k`
- :math:`\\eta_k` = ``d.links["efficiency"]``, p.u.: share of the flow that arrives at the district (1 on
  ``LINK_BI``)
- :math:`\\Pi_b` = ``d.links["contract_potential"]``, MW: import-contract potential of district :math:`b`
  (sites.csv, tech import_contract), one budget for all the interfaces into :math:`b`; :math:`U_b`, MW: the
  contract capacity built into :math:`b` in earlier years of a myopic chain (``d.links["contract_used"]`` summed)
- :math:`A_k` = ``d.links["annuity"]``, CNY/(MW year): annuity of interface capacity
- :math:`\\tau` = ``d.scenario.carbon_price``, CNY/tCO2
- :math:`w_t` = ``d.weights[t]``, h; :math:`y` = ``d.year_fraction`` = :math:`\\sum_t w_t / 8760`

.. math::
    \\mu_i \\alpha_{i,t} Q_i \\le q_{i,t} \\le \\alpha_{i,t} Q_i
    \\qquad\\text{(I1: variable bounds; the lower one is the must-take floor)}\\\\
    0 \\le N_k \\le Z^{max}_k - \\bar Z_k, \\quad 0 \\le z_{k,t} \\;\\; \\forall k \\notin \\text{LINK\\_BI},
    \\quad -\\bar Z_k \\le z_{k,t} \\le \\bar Z_k \\;\\; \\forall k \\notin \\text{LINK\\_EXT}
    \\qquad\\text{(I2: variable bounds; the lower one on LINK\\_BI)}\\\\
    z_{k,t} - N_k \\le \\bar Z_k \\quad \\forall k \\in \\text{LINK\\_EXT}, t \\in T \\qquad\\text{(I3)}\\\\
    z_{k,t} + N_k \\ge -\\bar Z_k \\quad \\forall k \\in \\text{LINK\\_EXT} \\cap \\text{LINK\\_BI}, t \\in T
    \\qquad\\text{(I7)}\\\\
    \\sum_{k \\in \\text{LINK\\_EXT}:\\, \\text{bus1}(k) = b} N_k \\le \\Pi_b - U_b
    \\quad \\forall b \\in \\text{CONTRACT\\_DISTRICT} \\qquad\\text{(I8)}

I8 holds for every district with an extendable interface (``CONTRACT_DISTRICT``): each interface may take the whole
potential alone (:math:`Z^{max}_k = \\bar Z_k + \\Pi_b`), all of them together no more. Registered with the system:
the injections (balance Y2) :math:`+q_{i,t}` at the source's bus, :math:`-z_{k,t}` at bus0 and
:math:`+\\eta_k z_{k,t}` at bus1, so an external node balances :math:`\\sum_i q_{i,t} = \\sum_{k \\text{ from node}}
z_{k,t}` (the province bus balances its fleet and load too); the costs in CNY (objective Y5, scaled there by
:math:`10^{-6}`; category ``imports`` for the sources at external nodes, ``province_imports`` for those at the
province bus); the emissions in tCO2 per source (CO2 cap Y4):

.. math::
    C^{\\text{imports}} = \\sum_i \\sum_t w_t (\\pi_i + \\tau \\varepsilon_i) q_{i,t} \\qquad\\text{(I4)}\\\\
    C^{\\text{investment}} = y \\sum_{k \\in \\text{LINK\\_EXT}} A_k N_k \\qquad\\text{(I5)}\\\\
    \\text{CO2}_i = \\sum_t w_t\\, \\varepsilon_i\\, q_{i,t} \\qquad\\text{(I6)}
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from gzpower.errors import InputError
from gzpower.inputs.schemas import TABLES_BY_NAME
from gzpower.model.instance import (
    PROVINCE_BUS,
    PROVINCIAL_NODE,
    InputContext,
    ModelData,
    extendable,
    extendable_elements,
    year_rows,
)
from gzpower.model.registry import PerEntry, Registry, linear
from gzpower.model.rows import RowBuilder, capacity_rows
from gzpower.model.tidy import loading, long, matrix, per_hour, recorded_capacities, scalar
from gzpower.model.variables import ArrayVar, per_element
from gzpower.scenario.scenario import Scenario

FAMILY = "imports"


def column_or_default(frame: pd.DataFrame, table: str, column: str, where: str) -> pd.Series:
    """``frame[column]``; a frame made without it (in code, not loaded) takes the schema's default, and a column
    the schema gives no default is an error naming the table's file."""
    if column in frame.columns:
        return frame[column].astype(float)
    schema = TABLES_BY_NAME[table]
    default = next((c.default for c in schema.columns if c.name == column), None)
    if default is None:
        raise InputError(where, f"no column '{column}' and no default for it in the schema", column=column)
    return pd.Series(default, index=frame.index, dtype=float)


def _boundary_sources(src: pd.DataFrame, ctx: InputContext) -> pd.DataFrame:
    """The sources of the boundary mode: the province's at its bus, or the fixed-price node's."""
    if ctx.province_mode:
        return src[src["bus"] != PROVINCIAL_NODE]
    buses = ctx.tables["buses"]
    return src[~src["bus"].isin(buses.loc[buses["kind"] == "province", "bus"])]


def _boundary_links(links: pd.DataFrame, ctx: InputContext) -> pd.DataFrame:
    """With the province boundary the interfaces from Guangdong_grid run from the province bus, both ways."""
    links = links.assign(bidirectional=False)
    if not ctx.province_mode:
        return links
    swapped = links["bus0"] == PROVINCIAL_NODE
    links.loc[swapped, "bus0"] = ctx.province_buses[0] if ctx.province_buses else PROVINCE_BUS
    links.loc[swapped, "bidirectional"] = True
    lossy = links.index[swapped & (links["efficiency"].astype(float) != 1.0)]
    if len(lossy):
        raise InputError(
            "grid/links.csv",
            f"interface {lossy[0]} runs both ways with the province boundary and must be lossless (efficiency 1)",
            column="efficiency",
        )
    return links


def inputs(tables: dict, sc: Scenario, ctx: InputContext) -> dict[str, pd.DataFrame]:
    """Sources of the boundary mode (capability scaled by ``import_supply_scale``; the city's clean ones cut in the
    counterfactual) with their hourly availability and must-take share, and the interfaces (capability scaled by
    ``import_scale``), which may grow by import contracts in expand mode within each district's potential."""
    src = _boundary_sources(year_rows(tables["import_sources"], ctx.year).set_index("source"), ctx)
    src = src.assign(
        p_max=src["p_max_mw"] * sc.import_supply_scale,
        min_take=column_or_default(src, "import_sources", "min_take_pu", "grid/import_sources.csv"),
    )
    if "clean_imports" in sc.without:
        src.loc[src["clean"].astype(bool) & ~src["bus"].isin(ctx.province_buses), "p_max"] = 0.0
    avail = ctx.window(ctx.avail_full[list(src.index)], upper=1.0)
    contract = ctx.technology("import_contract")
    links = _boundary_links(tables["links"].set_index("link"), ctx)
    links = links.assign(p_nom=links["p_nom_mw"] * sc.import_scale)
    potential = ctx.sites[ctx.sites["tech"] == "import_contract"].set_index("bus")["p_max_mw"]
    largest = links["p_nom"] + links["bus1"].map(potential).fillna(0.0)
    # myopic: an interface built in an earlier year stands (found again by its link: two land at one district);
    # the contract potential still bounds the interface's total, and the district's (I8)
    used = np.array([ctx.inherited.get(("import_interface", k), 0.0) for k in links.index])
    links["p_nom"] = links["p_nom"] + used
    links["p_nom_max"] = np.maximum(links["p_nom"], largest) if ctx.expand else links["p_nom"]
    links["annuity"] = float(contract["annuity_cny_per_yr"])
    links["extendable"] = extendable(links)
    links["contract_district"] = links["bus1"]
    links["contract_potential"] = links["bus1"].map(potential).fillna(0.0)
    links["contract_used"] = used
    return {"import_sources": src, "import_availability": avail.reset_index(drop=True), "links": links}


def build(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    src, avail, links = d.import_sources, d.import_availability, d.links
    sources = list(src.index)
    cap = {i: avail[i].to_numpy() * float(src.at[i, "p_max"]) for i in sources}
    take = (
        src["min_take"].astype(float)
        if "min_take" in src.columns
        else column_or_default(src, "import_sources", "min_take_pu", "import sources")
    ).to_dict()
    m.IMPORT_SOURCE = pyo.Set(initialize=sources, ordered=True, doc="import sources at external nodes")
    m.import_supply = ArrayVar(
        m.IMPORT_SOURCE,
        m.T,
        lower=per_element([take[i] * cap[i] for i in sources], d.n_hours),
        upper=per_element([cap[i] for i in sources], d.n_hours),
        doc="(I1, I4, I6) supply q[i,t] (MW), at least the must-take share of the available supply",
    )
    ids = list(links.index)
    ext = extendable_elements(links, "links")
    ext_set = set(ext)
    both = links["bidirectional"].astype(bool).to_dict() if "bidirectional" in links else dict.fromkeys(ids, False)
    m.LINK = pyo.Set(initialize=ids, ordered=True, doc="import interfaces (external node or province -> district)")
    m.LINK_EXT = pyo.Set(within=m.LINK, initialize=ext, ordered=True, doc="interfaces whose capacity may grow")
    m.LINK_BI = pyo.Set(
        within=m.LINK, initialize=[k for k in ids if both[k]], ordered=True, doc="interfaces that run both ways"
    )
    m.link_new = pyo.Var(
        m.LINK_EXT,
        bounds=lambda _m, k: (0.0, links.at[k, "p_nom_max"] - links.at[k, "p_nom"]),
        doc="(I2, I3, I5, I7, I8) interface capacity added by import contracts (MW)",
    )
    reg.invest(m.link_new)
    # looked up once per interface: a frame lookup per (interface, hour) cost seconds on the full year
    flow_bounds = {k: _flow_bounds(links, k, k in ext_set, both[k]) for k in ids}
    m.link_flow = ArrayVar(
        m.LINK,
        m.T,
        lower=per_element([flow_bounds[k][0] for k in ids], d.n_hours, -np.inf),
        upper=per_element([flow_bounds[k][1] for k in ids], d.n_hours),
        doc="(I2, I3, I7) interface flow z[k,t] (MW), negative on a two-way interface when the city exports",
    )
    n = d.n_hours
    m.link_capacity = capacity_rows(m.link_flow, m.link_new, ext, ids, n).build(
        m.LINK_EXT,
        m.T,
        lower=-np.inf,
        upper=np.repeat([float(links.at[k, "p_nom"]) for k in ext], n),
        doc="(I3) interface flow within capacity z[k,t] <= Z_k (extendable interfaces, MW)",
    )
    ext_both = [k for k in ext if both[k]]
    m.LINK_EXT_BI = pyo.Set(within=m.LINK_EXT, initialize=ext_both, ordered=True, doc="extendable two-way interfaces")
    reverse = capacity_rows(m.link_flow, m.link_new, ext_both, ids, n, share=dict.fromkeys(ext_both, -1.0))
    m.link_reverse_capacity = reverse.build(
        m.LINK_EXT_BI,
        m.T,
        lower=-np.repeat([float(links.at[k, "p_nom"]) for k in ext_both], n),
        upper=np.inf,
        doc="(I7) export within capacity z[k,t] + N_k >= -Zbar_k (extendable two-way interfaces, MW)",
    )
    _contract_potential(m, d, ext)
    _register(m, d, reg, ext)


def _flow_bounds(links: pd.DataFrame, k, extendable_link: bool, both_ways: bool) -> tuple:
    limit = None if extendable_link else float(links.at[k, "p_nom"])
    low = (None if limit is None else -limit) if both_ways else 0.0
    return (low, limit)


def _contract_potential(m: pyo.ConcreteModel, d: ModelData, ext: list) -> None:
    """I8: the interfaces into one district share its import-contract potential."""
    links = d.links
    shared = bool(ext) and "contract_potential" in links.columns
    district = links["contract_district"] if "contract_district" in links.columns else links["bus1"]
    groups = {b: [k for k in ext if district[k] == b] for b in dict.fromkeys(district[ext])} if shared else {}
    budget = [
        float(links.at[ks[0], "contract_potential"]) - float(links.loc[district == b, "contract_used"].sum())
        for b, ks in groups.items()
    ]
    m.CONTRACT_DISTRICT = pyo.Set(
        initialize=list(groups), ordered=True, doc="districts whose interfaces share an import-contract potential"
    )
    position = {k: j for j, k in enumerate(ext)}
    rows = RowBuilder(len(groups))
    for r, ks in enumerate(groups.values()):
        rows.add(m.link_new, np.full(len(ks), r), [position[k] for k in ks], 1.0)
    m.contract_potential = rows.build(
        m.CONTRACT_DISTRICT,
        lower=-np.inf,
        upper=np.maximum(np.asarray(budget, dtype=float), 0.0),
        doc="(I8) import-contract capacity added into a district within its potential sum_k N_k <= Pi_b - U_b (MW)",
    )


def _register(m: pyo.ConcreteModel, d: ModelData, reg: Registry, ext: list) -> None:
    src, links, n = d.import_sources, d.links, d.n_hours
    sources = list(src.index)
    # at an external node supply and sending cancel; at a district the received flow is the city's import
    reg.inject("import_supply", m.import_supply, src["bus"].to_dict(), column="imports_mw")
    reg.inject("link_send", m.link_flow, links["bus0"].to_dict(), column="imports_mw", sign=-1.0)
    efficiency = links["efficiency"].to_dict()
    reg.inject("link_receive", m.link_flow, links["bus1"].to_dict(), column="imports_mw", coef=efficiency)
    tau = d.scenario.carbon_price
    price = {i: float(src.at[i, "price_cny_per_mwh"] + tau * src.at[i, "co2_t_per_mwh"]) for i in sources}
    w = d.weights
    at_province = np.array([b in set(d.province_buses) for b in src["bus"]], dtype=bool)
    coefs = np.outer([price[i] for i in sources], w)
    reg.cost("imports", PerEntry(m.import_supply, np.where(at_province[:, None], 0.0, coefs).ravel()))
    if at_province.any():  # the West-to-East supply into the rest of the province: the province's cost
        reg.cost("province_imports", PerEntry(m.import_supply, np.where(at_province[:, None], coefs, 0.0).ravel()))
    reg.cost(
        "investment", linear([links.at[k, "annuity"] * d.year_fraction for k in ext], [m.link_new[k] for k in ext])
    )
    for i, name in enumerate(sources):
        coefs = np.zeros(len(sources) * n)
        coefs[i * n : (i + 1) * n] = float(src.at[name, "co2_t_per_mwh"]) * w
        reg.emissions[f"import:{name}"] = PerEntry(m.import_supply, coefs)
    ext_set = set(ext)
    for k, r in links.iterrows():
        added = m.link_new if k in ext_set else None
        reg.capacity(k, FAMILY, "import_interface", r["bus1"], "MW", r["p_nom"], added, k, location=k)
    for i, r in src.iterrows():
        reg.capacity(i, FAMILY, "import_source", r["bus"], "MW", r["p_max"], status="standing")


def outputs(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> dict[str, pd.DataFrame]:
    """Capacities (interfaces, then sources), supply per source (dispatch) and interface flows."""
    src, links, n, ts = d.import_sources, d.links, d.n_hours, d.timestamps
    supply = long(matrix(m.import_supply, len(src), n), list(src.index), ts, "element", "p_mw")
    supply["family"], supply["carrier"] = FAMILY, per_hour(src.index, n)
    supply["bus"] = per_hour(src["bus"], n)
    supply["technology"] = "import_source"
    supply["weight"] = np.tile(d.weights, len(src))
    new = scalar(m.link_new, list(m.LINK_EXT))
    flows = long(matrix(m.link_flow, len(links), n), list(links.index), ts, "element", "flow_mw")
    flows["kind"] = "interface"
    flows["bus0"], flows["bus1"] = per_hour(links["bus0"], n), per_hour(links["bus1"], n)
    flows["limit_mw"] = per_hour(links["p_nom"].to_numpy() + np.array([new.get(k, 0.0) for k in links.index]), n)
    return {"capacities": recorded_capacities(reg, FAMILY), "dispatch": supply, "flows": loading(flows)}
