"""Rolling-horizon dispatch for the check mode: a fast alternative to the single full-year LP.

The year is cut into windows of ``window`` hours; each is solved with ``lookahead`` extra hours so that storage
and ramping see what comes next, and only the first ``window`` hours are kept. The state of charge and the
thermal output at the end of the kept hours start the next window (:attr:`Scenario.initial_soc`,
:attr:`Scenario.initial_output`, non-cyclic). The first window starts from ``ROLLING_INITIAL_SOC_SHARE`` of each
store's energy. Capacities are fixed, so windows are independent LPs that differ only in their data.

Costs of the kept hours are evaluated from the dispatch (:func:`hourly_operating_cost`) rather than taken from each
window's objective, which also prices the look-ahead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from gzpower import progress
from gzpower.assumptions import ROLLING_INITIAL_SOC_SHARE
from gzpower.errors import SolveError
from gzpower.model.data import ModelData, family_inputs
from gzpower.results.kpis import province_exchange
from gzpower.scenario.scenario import Scenario
from gzpower.solve.highs import SolverSettings
from gzpower.studies.run import RunResult, solve_case


@dataclass
class RollingResult:
    scenario: Scenario
    windows: int
    kpis: dict
    balance: pd.DataFrame
    seconds: float
    seconds_highs: float
    #: every result table of a full run, stitched from the windows' kept hours (hours counted from the horizon's
    #: start, as in a single LP); costs and emissions from the kept dispatch
    tables: dict = field(default_factory=dict)
    data: ModelData | None = None
    log: str = ""


#: result tables with one row per hour (and element): the kept hours of each window are stitched (the province
#: table only with the province boundary)
HOURLY_TABLES = ("dispatch", "curtailment", "storage", "flows", "balance", "province", "prices")
#: cost categories charged per year (pro rata to a window's length), not per hour of dispatch
FIXED_COSTS = ("investment", "plan_investment", "fixed_om")


def hourly_operating_cost(tables: dict[str, pd.DataFrame], d: ModelData) -> np.ndarray:
    """The city's operating cost (CNY) of each hour from the dispatch: fuel and VOM, its own import sources, DR
    shed, its unserved energy (what it pays the province for a net import is priced from the stitched tables by
    :func:`gzpower.results.kpis.kpis`)."""
    n = d.n_hours
    disp = tables["dispatch"]
    cost = np.zeros(n)
    th = disp[disp["family"] == "thermal"]
    mc = th["element"].map(d.thermal_units["marginal_cost"]).to_numpy()
    np.add.at(cost, th["hour"].to_numpy(), th["p_mw"].to_numpy() * mc)
    imp = disp[(disp["family"] == "imports") & ~disp["bus"].isin(d.province_buses)]
    price = (
        imp["element"]
        .map(d.import_sources["price_cny_per_mwh"] + d.scenario.carbon_price * d.import_sources["co2_t_per_mwh"])
        .to_numpy()
    )
    np.add.at(cost, imp["hour"].to_numpy(), imp["p_mw"].to_numpy() * price)
    ren = disp[disp["family"] == "renewables"]
    np.add.at(cost, ren["hour"].to_numpy(), ren["p_mw"].to_numpy() * ren["element"].map(d.renewables["vom"]).to_numpy())
    bal = tables["balance"]
    dr_cost = bal["bus"].map(d.demand_response["cost_per_mwh"]).fillna(0.0).to_numpy()
    np.add.at(
        cost,
        bal["hour"].to_numpy(),
        bal["dr_shed_mw"].to_numpy() * dr_cost + bal["unserved_mw"].to_numpy() * d.scenario.value_of_lost_load,
    )
    return cost


def hourly_co2(tables: dict[str, pd.DataFrame], d: ModelData) -> np.ndarray:
    """The city's CO2 (tCO2) of each hour: its plants and own import sources, and a net import from the province
    at the province's average intensity (as :func:`gzpower.results.kpis.kpis` counts it)."""
    disp = tables["dispatch"]
    factor = pd.concat([d.thermal_units["co2_per_mwh"], d.import_sources["co2_t_per_mwh"]])
    co2 = np.zeros(d.n_hours)
    sel = disp[disp["element"].isin(factor.index) & ~disp["bus"].isin(d.province_buses)]
    np.add.at(co2, sel["hour"].to_numpy(), sel["p_mw"].to_numpy() * sel["element"].map(factor).to_numpy())
    exchange = province_exchange(tables, d)
    if exchange is not None:
        imported = exchange["net_mw"].clip(lower=0.0) * exchange["intensity_t_per_mwh"]
        np.add.at(co2, imported.index.to_numpy(dtype=int), imported.to_numpy())
    return co2


def solve_rolling(
    tables: dict, sc: Scenario, settings: SolverSettings | None = None, window: int = 168, lookahead: int = 24
) -> RollingResult:
    """Dispatch the horizon of ``sc`` window by window; returns city KPIs comparable to the full LP's and every
    result table of a full run (:data:`HOURLY_TABLES` stitched from the kept hours)."""
    started = time.perf_counter()
    end = sc.start_hour + sc.hours
    start = sc.start_hour
    initial_soc: dict | None = None
    initial_output: dict = {}
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in HOURLY_TABLES}
    costs, province_costs, co2s, fixed, logs = [], [], [], [], []
    highs_seconds = 0.0
    windows = 0
    first = None
    n_windows = -(-sc.hours // window)
    while start < end:
        keep = min(window, end - start)
        length = min(keep + lookahead, end - start)
        win = replace(
            sc,
            start_hour=start,
            hours=length,
            cyclic=False,
            initial_soc=initial_soc or {},
            initial_output=initial_output,
        )
        if initial_soc is None:  # first window: a documented share of each store's energy, the province's too
            st = family_inputs(tables, win, "storage")[0]["storage"]["e_nom"]
            fleet = family_inputs(tables, win, "province")[0]["province"]
            energy = pd.concat([st, fleet.loc[fleet["kind"] == "storage", "e_nom"]])
            win = replace(win, initial_soc={s: ROLLING_INITIAL_SOC_SHARE * float(e) for s, e in energy.items()})
        progress.say(f"[{sc.year}] rolling window {windows + 1}/{n_windows}: hours {start}..{start + keep}")
        result = solve_case(tables, win, settings)
        if result.status != "optimal":
            raise SolveError(f"rolling window at hour {start}: {result.message}")
        first = first or result
        highs_seconds += result.timings.get("highs_s") or 0.0
        logs.append(f"--- window {windows + 1}: hours {start}..{start + length} ---\n{result.stats.get('log', '')}")
        offset = start - sc.start_hour
        for name in (t for t in HOURLY_TABLES if t in result.tables):
            frame = result.tables[name]
            parts[name].append(frame[frame["hour"] < keep].assign(hour=lambda f, o=offset: f["hour"] + o))
        costs.append(hourly_operating_cost(result.tables, result.data)[:keep])
        province_costs.append(hourly_province_cost(result.tables, result.data)[:keep])
        co2s.append(hourly_co2(result.tables, result.data)[:keep])
        wc = result.tables["costs"]
        fixed.append(wc[wc["category"].isin(FIXED_COSTS)].assign(cny=lambda f, r=keep / length: f["cny"] * r))
        st = result.tables["storage"]
        initial_soc = st[st["hour"] == keep - 1].set_index("element")["soc_mwh"].to_dict()
        disp = result.tables["dispatch"]
        last = disp[(disp["family"] == "thermal") & (disp["hour"] == keep - 1)]
        # the model's thermal elements are groups of identical units: carry each group's total output
        group = result.data.thermal_units["group"]
        initial_output = last.groupby(last["element"].map(group))["p_mw"].sum().to_dict()
        start += keep
        windows += 1
    out = {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items() if frames}
    out["capacities"] = first.tables["capacities"]  # check mode: the same fleet in every window
    operating = float(np.concatenate(costs).sum())
    out["costs"] = _rolled_costs(fixed, operating, float(np.concatenate(province_costs).sum()))
    out["emissions"] = _emissions(out["dispatch"], first.data)
    balance = out["balance"].assign(hour=out["balance"]["hour"] + sc.start_hour)
    city = balance.groupby("hour")["unserved_mw"].sum()
    kpis = {
        "operating_cost_cny": operating,
        "unserved_mwh": float(city.sum()),
        "loss_of_load_hours": int((city > 1e-3).sum()),
        "co2_t": float(np.concatenate(co2s).sum()),
    }
    # the first window's element tables (the same fleet throughout) over the whole horizon's hours
    stamps = pd.DatetimeIndex(out["balance"].drop_duplicates("hour").sort_values("hour")["timestamp"])
    data = replace(first.data, scenario=sc, timestamps=stamps, weights=np.zeros(0), period_start=np.zeros(0, bool))
    exchange = province_exchange(out, data)
    if exchange is not None:  # the city's operating cost includes what it pays the province, as the full LP's KPI
        kpis["operating_cost_cny"] += float((exchange["net_mw"] * exchange["price_cny_per_mwh"]).sum())
    return RollingResult(
        sc, windows, kpis, balance, time.perf_counter() - started, highs_seconds, out, data, "\n".join(logs)
    )


def hourly_province_cost(tables: dict[str, pd.DataFrame], d: ModelData) -> np.ndarray:
    """The province's operating cost (CNY) of each hour: its fleet, the sources at its bus, its unserved energy
    (zeros without the province boundary)."""
    cost = np.zeros(d.n_hours)
    if "province" not in tables:
        return cost
    disp = tables["dispatch"]
    own = disp[disp["family"] == "province"]
    np.add.at(cost, own["hour"].to_numpy(), own["p_mw"].to_numpy() * own["element"].map(d.province["marginal_cost"]))
    src = d.import_sources
    imp = disp[(disp["family"] == "imports") & disp["bus"].isin(d.province_buses)]
    price = imp["element"].map(src["price_cny_per_mwh"] + d.scenario.carbon_price * src["co2_t_per_mwh"])
    np.add.at(cost, imp["hour"].to_numpy(), imp["p_mw"].to_numpy() * price.to_numpy())
    st = tables["storage"]
    stores = st[st["bus"].isin(d.province_buses)]
    vom = stores["element"].map(d.province["marginal_cost"]).to_numpy(dtype=float)
    np.add.at(cost, stores["hour"].to_numpy(), stores["discharge_mw"].to_numpy() * vom)
    short = tables["province"]
    np.add.at(cost, short["hour"].to_numpy(), short["unserved_mw"].to_numpy() * d.scenario.value_of_lost_load)
    return cost


def _rolled_costs(fixed: list[pd.DataFrame], operating: float, province: float) -> pd.DataFrame:
    """The costs table of a rolling run: each window's fixed costs for its kept hours, then the kept hours'
    operating cost, the city's and the province's."""
    fixed_costs = pd.concat(fixed, ignore_index=True).groupby("category", as_index=False, sort=False)["cny"].sum()
    rows = [("operating (rolling: the kept hours' dispatch)", operating, "city")]
    if province:
        rows.append(("province operating (rolling: the kept hours' dispatch)", province, "province"))
    return pd.concat(
        [fixed_costs.assign(area="city"), pd.DataFrame(rows, columns=["category", "cny", "area"])], ignore_index=True
    )


def _emissions(dispatch: pd.DataFrame, d: ModelData) -> pd.DataFrame:
    """CO2 of the kept dispatch per family and area (the city's, or the province's: its fleet and the sources at
    its bus)."""
    factor = pd.concat([d.thermal_units["co2_per_mwh"], d.import_sources["co2_t_per_mwh"], d.province["co2_per_mwh"]])
    sel = dispatch[dispatch["element"].isin(factor.index)]
    area = np.where(sel["bus"].isin(d.province_buses), "province", "city")
    tco2 = (sel["p_mw"] * sel["element"].map(factor).astype(float)).groupby([sel["family"], area]).sum()
    return pd.DataFrame(
        {
            "source": [f for f, _ in tco2.index],
            "tco2": tco2.to_numpy(dtype=float),
            "area": [a for _, a in tco2.index],
        }
    )


def rolling_case(
    tables: dict, sc: Scenario, settings: SolverSettings | None = None, window: int = 168, lookahead: int = 24
) -> RunResult:
    """:func:`solve_rolling` as a full run's :class:`RunResult` (the target check included), for
    ``run_and_write(solver=...)`` and the counterfactuals (``functools.partial(rolling_case, window=...)``)."""
    from gzpower.results.extract import kpis
    from gzpower.studies.run import target_check

    rolled = solve_rolling(tables, sc, settings, window, lookahead)
    out = rolled.tables
    run_kpis = kpis(out, rolled.data)
    out["target_check"] = target_check(out, rolled.data, run_kpis)
    message = f"rolling horizon: {rolled.windows} windows of {window} h + {lookahead} h look-ahead, each optimal"
    return RunResult(
        sc,
        "optimal",
        message,
        run_kpis["cost_cny"] / 1e6,
        run_kpis,
        out,
        {"solve_s": rolled.seconds, "highs_s": rolled.seconds_highs},
        {"rolling_windows": rolled.windows, "log": rolled.log},
        None,
        rolled.data,
    )
