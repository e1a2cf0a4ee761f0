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
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from gzpower.assumptions import ROLLING_INITIAL_SOC_SHARE
from gzpower.errors import SolveError
from gzpower.model.data import ModelData, family_inputs
from gzpower.scenario.scenario import Scenario
from gzpower.solve.highs import SolverSettings
from gzpower.studies.run import solve_case


@dataclass
class RollingResult:
    scenario: Scenario
    windows: int
    kpis: dict
    balance: pd.DataFrame
    seconds: float
    seconds_highs: float


def hourly_operating_cost(tables: dict[str, pd.DataFrame], d: ModelData) -> np.ndarray:
    """Operating cost (CNY) of each hour from the dispatch: fuel and VOM, imports, DR shed, unserved energy."""
    n = d.n_hours
    disp = tables["dispatch"]
    cost = np.zeros(n)
    th = disp[disp["family"] == "thermal"]
    mc = th["element"].map(d.thermal_units["marginal_cost"]).to_numpy()
    np.add.at(cost, th["hour"].to_numpy(), th["p_mw"].to_numpy() * mc)
    imp = disp[disp["family"] == "imports"]
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
    disp = tables["dispatch"]
    factor = pd.concat([d.thermal_units["co2_per_mwh"], d.import_sources["co2_t_per_mwh"]])
    co2 = np.zeros(d.n_hours)
    sel = disp[disp["element"].isin(factor.index)]
    np.add.at(co2, sel["hour"].to_numpy(), sel["p_mw"].to_numpy() * sel["element"].map(factor).to_numpy())
    return co2


def solve_rolling(
    tables: dict, sc: Scenario, settings: SolverSettings | None = None, window: int = 168, lookahead: int = 24
) -> RollingResult:
    """Dispatch the horizon of ``sc`` window by window; returns city KPIs comparable to the full LP's."""
    started = time.perf_counter()
    end = sc.start_hour + sc.hours
    start = sc.start_hour
    initial_soc: dict | None = None
    initial_output: dict = {}
    parts, costs, co2s = [], [], []
    highs_seconds = 0.0
    windows = 0
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
        if initial_soc is None:  # first window: a documented share of each store's energy
            st = family_inputs(tables, win, "storage")[0]["storage"]
            win = replace(win, initial_soc={s: ROLLING_INITIAL_SOC_SHARE * float(e) for s, e in st["e_nom"].items()})
        result = solve_case(tables, win, settings)
        if result.status != "optimal":
            raise SolveError(f"rolling window at hour {start}: {result.message}")
        highs_seconds += result.timings.get("highs_s") or 0.0
        bal = result.tables["balance"]
        bal = bal[bal["hour"] < keep].assign(hour=bal["hour"] + start)
        parts.append(bal)
        costs.append(hourly_operating_cost(result.tables, result.data)[:keep])
        co2s.append(hourly_co2(result.tables, result.data)[:keep])
        st = result.tables["storage"]
        initial_soc = st[st["hour"] == keep - 1].set_index("element")["soc_mwh"].to_dict()
        disp = result.tables["dispatch"]
        last = disp[(disp["family"] == "thermal") & (disp["hour"] == keep - 1)]
        # the model's thermal elements are groups of identical units: carry each group's total output
        group = result.data.thermal_units["group"]
        initial_output = last.groupby(last["element"].map(group))["p_mw"].sum().to_dict()
        start += keep
        windows += 1
    balance = pd.concat(parts, ignore_index=True)
    city = balance.groupby("hour")["unserved_mw"].sum()
    kpis = {
        "operating_cost_cny": float(np.concatenate(costs).sum()),
        "unserved_mwh": float(city.sum()),
        "loss_of_load_hours": int((city > 1e-3).sum()),
        "co2_t": float(np.concatenate(co2s).sum()),
    }
    return RollingResult(sc, windows, kpis, balance, time.perf_counter() - started, highs_seconds)
