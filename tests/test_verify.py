"""The warm-started optimum (gzpower.verify) equals the cold optimum of the same expansion, from good and bad
starting capacities, on a Guangzhou week."""

from dataclasses import replace

import pytest

from gzpower.model.build import build_model
from gzpower.model.data import Scenario, assemble
from gzpower.solve import SolverSettings, solve
from gzpower.verify import by_technology, capacities_of, warm_started_optimum

WEEK = Scenario(year=2030, mode="expand", hours=168, start_hour=4800)


def _solve(tables, sc):
    built = build_model(assemble(tables, sc))
    out = solve(built.model, SolverSettings(algorithm="dual-simplex"))
    assert out.status == "optimal"
    return out.objective, capacities_of(built.model), built.data


def test_warm_start_reaches_the_cold_optimum(tables):
    optimum, best, data = _solve(tables, WEEK)
    # capacities chosen on a single day: a different plan, dearer over the week
    _, day, _ = _solve(tables, replace(WEEK, hours=24, start_hour=WEEK.start_hour + 72))
    warm = warm_started_optimum(tables, WEEK, day)
    assert warm.status == "optimal"
    assert warm.objective == pytest.approx(optimum, rel=1e-7)
    assert warm.fixed_objective > optimum * (1 + 1e-6)  # F(K*) is an upper bound, here a strict one
    # the same optimum capacities per technology (the split between districts may differ: a flat optimum)
    cold, hot = by_technology(best, data), by_technology(warm.capacities, data)
    for tech in set(cold) | set(hot):
        assert hot.get(tech, 0.0) == pytest.approx(cold.get(tech, 0.0), rel=1e-6, abs=1e-3), tech


def test_warm_start_from_the_optimum_needs_no_move(tables):
    optimum, best, _ = _solve(tables, WEEK)
    warm = warm_started_optimum(tables, WEEK, best)
    assert warm.fixed_objective == pytest.approx(optimum, rel=1e-7)
    assert warm.objective == pytest.approx(optimum, rel=1e-7)
