"""The full-year expansion optimum, reached from the capacities of an aggregated (representative-day) run.

Solved cold, the full-year least-cost expansion (1.5 million rows) did not finish in 25 minutes on two cores with
either HiGHS interior point or simplex. Warm-started it is a different problem: with the capacity columns fixed at
an aggregated answer :math:`K^*` the LP is a full-year dispatch, which dual simplex solves in about a minute; its
optimal basis is then kept, the capacity columns get their real bounds back, and simplex continues from there to
the optimum of the full expansion LP. The result is the exact full-year optimum (the same LP, the same optimality
test), however good or bad :math:`K^*` was; a good :math:`K^*` only makes the second leg short.

``F(K*)``, the full-year cost of operating the aggregated plan, comes out on the way: an upper bound on the
optimum and the usual measure of what an aggregated design is worth over the real year.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
import pyomo.environ as pyo

from gzpower.model.build import build_model
from gzpower.model.data import Scenario, assemble
from gzpower.solve import SolverSettings, highs_lp, new_highs, run_interruptible, standard_form

#: the investment decisions of the expansion LP (Var components indexed by element)
CAPACITY_VARS = ("thermal_new", "renewable_new", "storage_new_p", "storage_new_e", "dr_new", "link_new")


@dataclass
class WarmStartedOptimum:
    objective: float  # optimum of the reference expansion, million CNY
    fixed_objective: float  # F(K*): cost of the given capacities over the reference horizon, million CNY
    capacities: dict  # optimal capacity decisions: (var name, index) -> MW or MWh
    status: str
    seconds_build: float
    seconds_fixed: float  # HiGHS, capacities fixed at K*
    seconds_reoptimise: float  # HiGHS, from that basis to the optimum
    iterations_reoptimise: int


def capacities_of(model: pyo.ConcreteModel) -> dict:
    """Capacity decisions of a solved expansion model: (var name, index) -> value."""
    return {(name, k): float(v.value or 0.0) for name in CAPACITY_VARS for k, v in getattr(model, name).items()}


def warm_started_optimum(tables: dict, reference: Scenario, capacities: dict,
                         settings: SolverSettings | None = None) -> WarmStartedOptimum:
    """Optimum of the expansion ``reference`` (normally the full, not aggregated, year) by simplex warm-started
    from the capacities ``capacities`` found by another run."""
    import highspy

    started = time.perf_counter()
    m = build_model(assemble(tables, reference)).model
    form = standard_form(m)
    ids = {id(v): j for j, v in enumerate(form.columns)}
    keys = [key for key in capacities if key[1] in getattr(m, key[0])]
    cols = np.array([ids[id(getattr(m, name)[k])] for name, k in keys], dtype=np.int32)
    star = np.clip([capacities[key] for key in keys], form.lower[cols], form.upper[cols])
    built = time.perf_counter() - started

    highs = new_highs(settings or SolverSettings(algorithm="dual-simplex"))
    highs.setOptionValue("output_flag", False)
    highs.passModel(highs_lp(form))
    highs.changeColsBounds(len(cols), cols, star, star)
    run_interruptible(highs)
    fixed_seconds = highs.getRunTime()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"fixed capacities: {highs.modelStatusToString(highs.getModelStatus())}")
    fixed_objective = highs.getInfo().objective_function_value
    before = highs.getInfo().simplex_iteration_count
    highs.changeColsBounds(len(cols), cols, form.lower[cols], form.upper[cols])
    run_interruptible(highs)  # HiGHS keeps the basis across bound changes: this run starts from it
    status = highs.modelStatusToString(highs.getModelStatus())
    x = np.asarray(highs.getSolution().col_value)
    return WarmStartedOptimum(
        objective=highs.getInfo().objective_function_value, fixed_objective=fixed_objective,
        capacities=dict(zip(keys, x[cols].tolist())), status=status.lower(), seconds_build=built,
        seconds_fixed=fixed_seconds, seconds_reoptimise=highs.getRunTime() - fixed_seconds,
        iterations_reoptimise=highs.getInfo().simplex_iteration_count - before)


def by_technology(capacities: dict, d) -> dict:
    """Capacity decisions summed per technology (MW; storage energy in MWh), with the labels of the results."""
    totals: dict[str, float] = {}
    for (name, k), value in capacities.items():
        totals[_label(name, k, d)] = totals.get(_label(name, k, d), 0.0) + value
    return totals


def _label(name: str, k, d) -> str:
    if name == "thermal_new":
        return f"{d.thermal.at[k, 'carrier']} (MW)"
    if name == "renewable_new":
        return f"{d.renewables.at[k, 'tech']} (MW)"
    if name == "storage_new_p":
        return f"{d.storage.at[k, 'carrier']} (MW)"
    if name == "storage_new_e":
        return f"{d.storage.at[k, 'carrier']}_energy (MWh)"
    return "dr_peak (MW)" if name == "dr_new" else "interface (MW)"


def reference_of(scenario: Scenario) -> Scenario:
    """The full-year, hourly scenario an aggregated one stands for."""
    return replace(scenario, periods=None, start_hour=0, hours=8760)
