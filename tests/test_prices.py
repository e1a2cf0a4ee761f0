"""Prices exact in real units: the check's default tolerances give every district price within 0.01 CNY/MWh of a
re-solve at 1e-10 primal and dual tolerances (issue: costs in million CNY made HiGHS's default dual tolerance about
0.1 CNY/MWh per balance row)."""

from __future__ import annotations

import numpy as np
import pytest

from gzpower.scenario.scenario import Scenario
from gzpower.solve.highs import COST_SCALE_TOLERANCE_NOTE, SolverSettings, dual_tolerance_cny_per_mwh
from gzpower.studies.run import solve_case

MONTH = Scenario(year=2030, mode="check", start_hour=4344, hours=720)


@pytest.fixture(scope="module")
def solved(tables):
    default = solve_case(tables, MONTH, SolverSettings())
    tight = solve_case(
        tables,
        MONTH,
        SolverSettings(dual_feasibility_tolerance=1e-10, primal_feasibility_tolerance=1e-10, cold_start="plain"),
    )
    return default, tight


def test_month_prices_within_a_fen_of_a_tight_resolve(solved):
    """The default solve starts from its weeks' joined bases, the re-solve from HiGHS's own start after presolve:
    the same optimum (objective, unserved energy) and the same prices to the fen."""
    default, tight = solved
    assert default.stats["cold_start"] == "windows" and default.stats["cold_start_windows"]["windows"] == 5
    assert tight.stats["cold_start"] == "plain"
    assert abs(default.kpis["unserved_mwh"] - tight.kpis["unserved_mwh"]) <= 0.1
    p = default.tables["balance"]["price_cny_per_mwh"].to_numpy()
    q = tight.tables["balance"]["price_cny_per_mwh"].to_numpy()
    assert np.isfinite(p).all() and len(p) == 720 * 11
    assert np.abs(p - q).max() <= 0.01
    assert default.objective == pytest.approx(tight.objective, rel=1e-9)


def test_the_scaled_tolerance_is_stated_in_cny_per_mwh():
    settings = SolverSettings().resolved(MONTH)
    assert settings.dual_feasibility_tolerance is None  # not given: the simplex default applies
    assert dual_tolerance_cny_per_mwh(settings) == pytest.approx(settings.effective_dual_tolerance() / 1e-6)
    assert settings.highs_options()["dual_feasibility_tolerance"] == settings.effective_dual_tolerance() == 1e-9
    assert dual_tolerance_cny_per_mwh(settings) <= 0.01
    assert "CNY/MWh" in COST_SCALE_TOLERANCE_NOTE
