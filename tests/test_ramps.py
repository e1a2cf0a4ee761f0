"""Thermal ramps (T3): one ranged row per (fixed unit, hour), and only where the ramp can bind.

The hand-made case fixes the seasonal CHP floors with ``monkeypatch`` (winter 0.6 of available capacity), so the
row count and the optimum below are arithmetic on numbers written here. The Guangzhou case checks the pruning
against the LP with every ramp row written out: the same optimum, and no left-out row broken.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import pytest

from gzpower.model import thermal as T
from gzpower.model.build import build_model
from gzpower.model.data import assemble
from gzpower.model.registry import COST_SCALE
from gzpower.results.extract import extract
from gzpower.scenario.scenario import Scenario
from gzpower.solve.highs import SolverSettings, solve
from tests.factory import make_data, thermal, with_marginal_cost

JAN = pd.Timestamp("2030-01-07 00:00")


@pytest.fixture
def winter_floor(monkeypatch):
    for season in ("winter", "shoulder", "summer"):
        monkeypatch.setitem(T.CHP_HEAT_FLOOR, season, 0.6)


def _three_hours():
    """Load 60, 250, 60 MW in three winter hours. 'cheap' (200 MW, 10 CNY/MWh) ramps at most 0.5 x 200 = 100 MW/h;
    'chp' (100 MW at a = 0.9, 50 CNY/MWh, ramp 0.6) is held at its heat floor 0.6 x 0.9 x 100 = 54 MW; 'peak'
    (100 MW, 200 CNY/MWh) has no ramp limit."""
    units = thermal(
        [
            {"unit": "cheap", "bus": "A", "p_nom": 200.0, "ramp": 0.5},
            {"unit": "chp", "bus": "A", "p_nom": 100.0, "availability": 0.9, "ramp": 0.6, "min_stable": 0.4},
            {"unit": "peak", "bus": "A", "p_nom": 100.0},
        ]
    )
    units["chp"] = [False, True, False]
    costs = {"cheap": 10.0, "chp": 50.0, "peak": 200.0}
    d = make_data({"A": [60.0, 250.0, 60.0]}, thermal_units=with_marginal_cost(units, costs))
    d.timestamps = pd.DatetimeIndex([JAN + pd.Timedelta(hours=h) for h in range(3)])
    return d


def test_a_ramp_that_cannot_bind_has_no_row_and_one_that_can_binds_by_the_hand_derived_amount(winter_floor):
    """The CHP unit moves between its floor 54 MW and its 90 MW available: at most 36 MW in an hour, within its ramp
    of 60 MW/h, so it has no ramp row; 'cheap' has one ranged row per linked hour (1 and 2), 'peak' (r = 1) none.
    Hour 0: chp 54, cheap 6. Hour 1: cheap at most 6 + 100 = 106, chp 90, peak the other 54. Hour 2: cheap back
    down to at least 6, chp 54. Objective 2 x (54 x 50 + 6 x 10) + (90 x 50 + 106 x 10 + 54 x 200) = 21,880 CNY;
    the price in hour 1 is the peaker's 200 CNY/MWh."""
    built = build_model(_three_hours())
    m = built.model
    assert list(m.THERMAL_RAMP) == [("cheap", 1), ("cheap", 2)]
    assert list(m.thermal_ramp.lower) == [-100.0, -100.0] and list(m.thermal_ramp.upper) == [100.0, 100.0]
    assert len(m.thermal_ramp_up) == 0 and len(m.thermal_ramp_down) == 0  # no extendable unit
    outcome = solve(m, SolverSettings(algorithm="simplex"))
    assert outcome.status == "optimal"
    assert outcome.objective / COST_SCALE == pytest.approx(21880.0, rel=1e-9)
    tables = extract(built, outcome.duals)
    p = tables["dispatch"].pivot(index="hour", columns="element", values="p_mw")
    assert p["cheap"].to_numpy() == pytest.approx([6.0, 106.0, 6.0], abs=1e-6)
    assert p["chp"].to_numpy() == pytest.approx([54.0, 90.0, 54.0], abs=1e-6)
    price = tables["balance"].set_index("hour")["price_cny_per_mwh"]
    assert price[1] == pytest.approx(200.0, abs=1e-6)


def test_left_out_ramp_rows_change_nothing_on_a_guangzhou_week(tables):
    """2030 check, a winter week: the pruned LP against the same LP with both ramp rows of every fixed ramping unit
    and hour written out. Rows were left out (all of those of the CHP units that ramp 0.6 per hour), the optimum is
    the same to 1e-9, and the pruned LP's dispatch breaks none of the rows it left out."""
    sc = Scenario(year=2030, mode="check", hours=168, start_hour=100)
    pruned = build_model(assemble(tables, sc))
    full = build_model(assemble(tables, sc))
    m = full.model
    fixed = [u for u in m.THERMAL_RAMPING if u not in set(m.THERMAL_EXT)]
    ramp, p_nom = full.data.thermal["ramp"].to_dict(), full.data.thermal["p_nom"].to_dict()
    linked = list(m.T_LINKED)
    assert 0 < len(pruned.model.THERMAL_RAMP) < len(fixed) * len(linked)
    chp = set(T.chp_units(full.data))
    assert chp - {u for u, _ in pruned.model.THERMAL_RAMP}  # a CHP unit above 40 % of its range keeps no row
    m.every_ramp = pyo.Constraint(
        fixed,
        linked,
        [1.0, -1.0],
        rule=lambda _m, u, t, s: s * (_m.thermal_p[u, t] - _m.thermal_p[u, t - 1]) <= ramp[u] * p_nom[u],
    )
    a = solve(pruned.model, SolverSettings(algorithm="simplex"))
    b = solve(m, SolverSettings(algorithm="simplex"))
    assert a.status == b.status == "optimal"
    assert a.objective == pytest.approx(b.objective, rel=1e-9)
    p = pruned.model.thermal_p
    step = np.array([abs(p[u, t].value - p[u, t - 1].value) - ramp[u] * p_nom[u] for u in fixed for t in linked])
    assert step.max() <= 1e-6
