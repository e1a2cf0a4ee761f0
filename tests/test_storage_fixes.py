"""Storage: the battery round trip applied once, battery costs from Chinese prices, a minimum duration for new
storage and reserve limited by the state of charge. Every optimum here is derived by hand in the test's
docstring."""

from __future__ import annotations

import math

import pytest

from gzpower import assumptions as A
from gzpower.model.build import build_model
from gzpower.model.data import family_inputs
from gzpower.model.registry import COST_SCALE
from gzpower.results.extract import extract
from gzpower.scenario.scenario import Scenario
from gzpower.solve.highs import SolverSettings, solve
from tests.factory import make_data, storage, thermal, with_marginal_cost


def _run(data):
    built = build_model(data)
    outcome = solve(built.model, SolverSettings(algorithm="simplex"))
    assert outcome.status == "optimal", outcome.message
    return built, outcome, extract(built, outcome.duals)


def _cheap_and_dear(cheap_mw: float = 100.0, dear_mw: float = 100.0, dear_cost: float = 50.0):
    units = thermal([{"unit": "cheap", "bus": "A", "p_nom": cheap_mw}, {"unit": "dear", "bus": "A", "p_nom": dear_mw}])
    return with_marginal_cost(units, {"cheap": 10.0, "dear": dear_cost})


# --- 1. the round trip is applied once ---------------------------------------------------------------------------


def test_technologies_hold_the_efficiency_of_one_leg(tables):
    """technologies.csv's battery_power efficiency is per leg: its square is the assumed round trip (to the nine
    significant digits the csv keeps)."""
    tech = tables["technologies"]
    for year in (2025, 2030):
        leg = float(tech[(tech["tech"] == "battery_power") & (tech["year"] == year)]["efficiency"].iloc[0])
        assert leg**2 == pytest.approx(A.BATTERY_ROUND_TRIP_EFFICIENCY, abs=1e-9)


def test_model_batteries_take_the_leg_as_it_is(tables):
    """The model's batteries charge and discharge at that leg: round trip eta_c * eta_d = 0.88, not sqrt(0.88)."""
    parts, _ = family_inputs(tables, Scenario(year=2030, hours=24, start_hour=4800), "storage")
    batteries = parts["storage"][parts["storage"]["carrier"] == "battery"]
    assert len(batteries) == 11
    round_trip = batteries["eff_charge"] * batteries["eff_discharge"]
    assert round_trip.to_numpy() == pytest.approx(A.BATTERY_ROUND_TRIP_EFFICIENCY, abs=1e-9)


def test_battery_arbitrage_round_trip_is_exactly_the_assumed_one(tables):
    """One bus, two hours (cyclic), load 50 then 150 MW; cheap 10 CNY/MWh up to 100 MW, dear 50 CNY/MWh; one
    battery of 40 MW / 100 MWh with the model's own per-leg efficiency (from the storage inputs).

    By hand: every MWh discharged in hour 1 displaces 50 CNY of dear output and costs 10 / 0.88 = 11.4 CNY of cheap
    charging in hour 0, so the battery charges at its full 40 MW in hour 0 (cheap has 50 MW spare) and discharges
    0.88 x 40 = 35.2 MW in hour 1 (below its 40 MW; the state peaks at sqrt(0.88) x 40 = 37.5 MWh <= 100).
    Objective: hour 0 cheap 90 MW x 10 = 900; hour 1 cheap 100 x 10 = 1,000 and dear (150 - 100 - 35.2) x 50 = 740;
    2,640 CNY. With the leg taken as sqrt(sqrt(0.88)) (the round trip 0.938) dear would run 12.48 MW: 2,524 CNY.
    """
    parts, _ = family_inputs(tables, Scenario(year=2030, hours=24, start_hour=4800), "storage")
    leg = float(parts["storage"].loc["battery_Tianhe", "eff_charge"])
    assert leg == pytest.approx(math.sqrt(0.88), abs=1e-9)
    st = storage([{"id": "bat", "bus": "A", "p_nom": 40.0, "e_nom": 100.0, "eff_charge": leg, "eff_discharge": leg}])
    _, outcome, out = _run(make_data({"A": [50.0, 150.0]}, thermal_units=_cheap_and_dear(), storage_units=st))
    flows = out["storage"]
    charged, discharged = flows["charge_mw"].sum(), flows["discharge_mw"].sum()
    assert charged == pytest.approx(40.0, abs=1e-9)
    assert discharged / charged == pytest.approx(0.88, abs=1e-9)
    assert outcome.objective / COST_SCALE == pytest.approx(2640.0, rel=1e-9)
