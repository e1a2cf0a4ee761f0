"""Expansion studies that assemble, build and solve a model of their own: the first plan of a full-year Benders run
and the cost of a given plan over another horizon. They sit above the solver so the flow runs one way (the
solver's Benders loop is handed a start plan; it never builds a model)."""

from __future__ import annotations

from dataclasses import replace

from gzpower.inputs.schemas import HOURS_PER_YEAR
from gzpower.model.build import build_model
from gzpower.model.data import assemble
from gzpower.scenario.scenario import Scenario
from gzpower.solve.benders import capacities_of
from gzpower.solve.highs import SolverSettings, solve


def start_plan(tables: dict, scenario: Scenario, settings: SolverSettings) -> dict | None:
    """The first plan for a full-year Benders run: the answer of a representative-day expansion with
    ``settings.benders_start_periods`` days (None for other horizons, or when that run has no answer: Benders then
    starts with every capacity at its lower bound). Called before the full model is built, so that the two models
    are never in memory together."""
    if not settings.benders_start_periods or scenario.periods or scenario.hours != HOURS_PER_YEAR:
        return None
    days = replace(scenario, periods=settings.benders_start_periods)
    first = build_model(assemble(tables, days))
    plain = replace(settings, decomposition="none", algorithm="auto").resolved(days)
    outcome = solve(first.model, plain, want_duals=False)
    return capacities_of(first.model, first.registry.investments) if outcome.has_solution else None


def plan_cost(tables: dict, scenario: Scenario, plan: dict, settings: SolverSettings | None = None) -> float:
    """F(plan): the optimal cost (million CNY) of ``scenario`` with its investment decisions fixed at ``plan``
    ((var name, index) -> value; decisions the plan does not name stay at zero). With a representative-day run's
    plan and the full year as ``scenario``, F minus the full-year optimum is what the aggregation costs."""
    built = build_model(assemble(tables, scenario))
    for var in built.registry.investments:
        for k, v in var.items():
            v.fix(min(max(plan.get((var.name, k), 0.0), v.lb), v.ub))
    outcome = solve(built.model, settings or SolverSettings(algorithm="dual-simplex"), want_duals=False)
    if outcome.status != "optimal":
        raise RuntimeError(f"plan_cost: {outcome.message}")
    return outcome.objective
