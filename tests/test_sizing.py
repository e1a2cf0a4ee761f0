"""Sizing by bisection: hand-made cases whose minimal size is known analytically, the verdict, and the plan's
own sizes as the check mode builds them."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from gzpower.model.build import build_model
from gzpower.results.extract import extract
from gzpower.scenario.scenario import Scenario
from gzpower.solve.highs import SolverSettings, solve
from gzpower.studies.sizing import Criterion, Evaluation, bisect_size, plan_dr_share, plan_storage, verdict
from tests.factory import make_data, storage, thermal


def _unserved(data) -> Evaluation:
    built = build_model(data)
    outcome = solve(built.model, SolverSettings())
    assert outcome.status == "optimal", outcome.message
    bal = extract(built, outcome.duals)["balance"]
    return Evaluation(0.0, outcome.status, float(bal["unserved_mw"].sum()), float((bal["unserved_mw"] > 1e-3).sum()))


GEN = thermal([{"unit": "g", "bus": "A", "p_nom": 100.0}])


def storage_case(p_mw: float) -> Evaluation:
    """100 MW of generation, load 60, 60, 130, 130 MW, a 2-h lossless battery of p MW: the battery can move
    min(2p, 60) MWh from the two light hours into the two heavy ones, so unserved = max(0, 60 - 2p) MWh and the
    smallest battery serving everything is 30 MW (29.5 MW for 'at most 1 MWh unserved')."""
    st = storage([{"id": "bat", "bus": "A", "p_nom": p_mw, "e_nom": 2 * p_mw}])
    return replace(
        _unserved(make_data({"A": [60.0, 60.0, 130.0, 130.0]}, thermal_units=GEN, storage_units=st)), size=p_mw
    )


def dr_case(share: float) -> Evaluation:
    """100 MW of generation, load 100, 100, 130, 100 MW (peak 130), peak shaving of share x 130 MW for at most
    2 h a day: unserved = max(0, 30 - 130 share), zero from share = 3/13."""
    dr = pd.DataFrame(
        {
            "p_nom": [share * 130.0],
            "district_peak": [130.0],
            "p_nom_max": [share * 130.0],
            "annuity": [0.0],
            "cost_per_mwh": [0.0],
            "max_hours_per_day": [2.0],
            "shift_mw": [0.0],
        },
        index=pd.Index(["A"], name="bus"),
    )
    return replace(_unserved(make_data({"A": [100.0, 100.0, 130.0, 100.0]}, thermal_units=GEN, dr=dr)), size=share)


@pytest.mark.parametrize("max_unserved, expected", [(1.0, 29.5), (1e-6, 30.0)])
def test_bisection_finds_the_smallest_battery(max_unserved, expected):
    result = bisect_size(storage_case, 0.0, 200.0, 0.01, Criterion(max_unserved_mwh=max_unserved))
    assert result.answer == pytest.approx(expected, abs=0.01)
    assert result.answer >= expected - 1e-6  # the answer is on the passing side
    assert result.upper - result.lower <= 0.01
    # the evaluated curve follows unserved = max(0, 60 - 2p) exactly
    for e in result.evaluations:
        assert e.unserved_mwh == pytest.approx(max(0.0, 60.0 - 2 * e.size), abs=1e-6)


def test_bisection_on_demand_response_share():
    result = bisect_size(dr_case, 0.0, 0.5, 1e-4, Criterion(max_unserved_mwh=1e-6))
    assert result.answer == pytest.approx(3 / 13, abs=1e-4) and result.answer >= 3 / 13 - 1e-9


def test_lole_criterion_and_unreachable_and_already_enough():
    # loss-of-load hours <= 1: the battery discharges at most p MW in each heavy hour, so for p < 30 both heavy
    # hours stay short (LOLE 2) however the LP spreads the shortfall; from p = 30 none is. The answer is 30 MW
    # (shortfalls under the 1e-3 MW counting threshold end a hair below).
    result = bisect_size(storage_case, 0.0, 200.0, 0.01, Criterion(max_lole_h=1))
    assert result.answer == pytest.approx(30.0, abs=0.01)
    none = bisect_size(storage_case, 0.0, 10.0, 0.01, Criterion())
    assert none.answer is None and not none.evaluations[0].meets and len(none.evaluations) == 1
    zero = bisect_size(storage_case, 40.0, 200.0, 0.01, Criterion())
    assert zero.answer == 40.0 and len(zero.evaluations) == 2


def test_verdict_words():
    result = bisect_size(storage_case, 0.0, 200.0, 0.5, Criterion())
    result.unit = "MW"
    short = verdict(result, replace(storage_case(20.0), meets=False))
    assert short.startswith("SHORT") and "20 MW" in short
    assert verdict(result, replace(storage_case(result.answer), meets=True)).startswith("ENOUGH")
    more = verdict(result, replace(storage_case(200.0), meets=True))
    assert more.startswith("MORE THAN NEEDED") and "200 MW" in more


def test_plan_sizes_as_the_check_builds_them(tables):
    base = Scenario(year=2030, start_hour=4800, hours=24)
    mw, hours = plan_storage(tables, base)
    assert mw == pytest.approx(200.0) and hours == pytest.approx(2.0)
    assert plan_dr_share(tables, base) == pytest.approx(0.05)
