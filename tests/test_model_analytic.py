"""Hand-computed optima: the LP must reproduce them exactly (to solver tolerance)."""

from __future__ import annotations

import pandas as pd
import pytest

from gzpower.model.build import build_model
from gzpower.model.registry import COST_SCALE
from gzpower.results.extract import extract
from gzpower.solve.highs import SolverSettings, solve
from tests.factory import make_data, storage, thermal, with_marginal_cost


def run(data, algorithm="simplex"):
    built = build_model(data)
    outcome = solve(built.model, SolverSettings(algorithm=algorithm))
    assert outcome.status == "optimal", outcome.message
    return built, outcome, extract(built, outcome.duals)


def two_generators():
    units = thermal([{"unit": "cheap", "bus": "A", "p_nom": 100.0}, {"unit": "dear", "bus": "A", "p_nom": 100.0}])
    return with_marginal_cost(units, {"cheap": 10.0, "dear": 30.0})


def test_one_bus_two_generators_merit_order_and_price():
    built, outcome, out = run(make_data({"A": [150.0]}, thermal_units=two_generators()))
    disp = out["dispatch"].set_index("element")["p_mw"]
    assert disp["cheap"] == pytest.approx(100.0, abs=1e-6)
    assert disp["dear"] == pytest.approx(50.0, abs=1e-6)
    assert outcome.objective / COST_SCALE == pytest.approx(100 * 10 + 50 * 30, rel=1e-9)
    # the balance dual is the marginal generator's cost
    assert out["balance"]["price_cny_per_mwh"].iloc[0] == pytest.approx(30.0, rel=1e-6)


@pytest.mark.parametrize("eff, expected", [(1.0, 2500.0), (0.9, 1000.0 + 10 * 50 / 0.81 + 1000.0)])
def test_storage_arbitrage_over_three_hours(eff, expected):
    # cheap 10 CNY/MWh up to 100 MW, dear 50; load 50, 50, 150; a 50 MW / 100 MWh store shifts the peak hour's
    # 50 MWh into the cheap hours (charging 50/eff^2 MWh at 10 instead of buying 50 MWh at 50).
    units = with_marginal_cost(
        thermal([{"unit": "cheap", "bus": "A", "p_nom": 100.0}, {"unit": "dear", "bus": "A", "p_nom": 100.0}]),
        {"cheap": 10.0, "dear": 50.0},
    )
    st = storage([{"id": "bat", "bus": "A", "p_nom": 50.0, "e_nom": 100.0, "eff_charge": eff, "eff_discharge": eff}])
    built, outcome, out = run(make_data({"A": [50.0, 50.0, 150.0]}, thermal_units=units, storage_units=st))
    assert outcome.objective / COST_SCALE == pytest.approx(expected, rel=1e-7)
    soc = out["storage"]
    assert soc["discharge_mw"].iloc[2] == pytest.approx(50.0, abs=1e-6)
    assert (soc["soc_mwh"] <= 100.0 + 1e-6).all() and (soc["soc_mwh"] >= -1e-6).all()


def _dr(p_nom, cost, hours):
    return pd.DataFrame(
        {
            "p_nom": p_nom,
            "district_peak": 120.0,
            "p_nom_max": p_nom,
            "annuity": 0.0,
            "cost_per_mwh": cost,
            "max_hours_per_day": hours,
            "shift_mw": 0.0,
        },
        index=pd.Index(["A"], name="bus"),
    )


@pytest.mark.parametrize("hours, expected_shed, expected_unserved", [(4.0, 20.0, 0.0), (0.5, 15.0, 5.0)])
def test_demand_response_shaves_the_peak(hours, expected_shed, expected_unserved):
    # one 100 MW generator at 10 CNY/MWh, load 80 then 120; DR of 30 MW at 200 CNY/MWh beats VoLL (1000), but
    # with 0.5 h/day it may shed only 15 MWh that day and the rest is unserved.
    units = with_marginal_cost(thermal([{"unit": "g", "bus": "A", "p_nom": 100.0}]), {"g": 10.0})
    data = make_data({"A": [80.0, 120.0]}, thermal_units=units, dr=_dr(30.0, 200.0, hours))
    built, outcome, out = run(data)
    bal = out["balance"]
    assert bal["dr_shed_mw"].sum() == pytest.approx(expected_shed, abs=1e-6)
    assert bal["unserved_mw"].sum() == pytest.approx(expected_unserved, abs=1e-6)
    expected = 180 * 10 + expected_shed * 200 + expected_unserved * 1000
    assert outcome.objective / COST_SCALE == pytest.approx(expected, rel=1e-7)


@pytest.mark.parametrize("x_ab, x_bc, x_ca, direct_share", [(1.0, 1.0, 1.0, 2 / 3), (1.0, 1.0, 2.0, 3 / 4)])
def test_kirchhoff_on_a_triangle(x_ab, x_bc, x_ca, direct_share):
    # 90 MW produced at A, consumed at B: the direct path carries x_indirect / (x_direct + x_indirect).
    units = with_marginal_cost(thermal([{"unit": "g", "bus": "A", "p_nom": 200.0}]), {"g": 10.0})
    lines = pd.DataFrame(
        {"bus0": ["A", "B", "C"], "bus1": ["B", "C", "A"], "x_ohm": [x_ab, x_bc, x_ca], "s_nom_mw": [500.0] * 3},
        index=pd.Index(["AB", "BC", "CA"], name="line"),
    )
    data = make_data({"A": [0.0], "B": [90.0], "C": [0.0]}, thermal_units=units, lines=lines)
    built, outcome, out = run(data)
    flow = out["flows"].set_index("element")["flow_mw"]
    assert flow["AB"] == pytest.approx(90 * direct_share, abs=1e-6)
    assert flow["BC"] == pytest.approx(-90 * (1 - direct_share), abs=1e-6)  # C -> B against the B->C orientation
    assert flow["CA"] == pytest.approx(-90 * (1 - direct_share), abs=1e-6)  # A -> C
    assert out["balance"]["unserved_mw"].sum() == pytest.approx(0.0, abs=1e-9)


def test_import_limit_forces_unserved_priced_at_value_of_lost_load():
    sources = pd.DataFrame(
        {"bus": ["EXT"], "p_max": [100.0], "price_cny_per_mwh": [300.0], "co2_t_per_mwh": [0.5], "clean": [False]},
        index=pd.Index(["grid"], name="source"),
    )
    links = pd.DataFrame(
        {"bus0": ["EXT"], "bus1": ["A"], "p_nom": [80.0], "efficiency": [1.0], "p_nom_max": [80.0], "annuity": [0.0]},
        index=pd.Index(["EXT-A"], name="link"),
    )
    data = make_data(
        {"A": [100.0, 60.0]},
        sources=sources,
        links=links,
        externals=["EXT"],
        availability=pd.DataFrame({"grid": [1.0, 1.0]}),
    )
    built, outcome, out = run(data)
    bal = out["balance"]
    assert bal["unserved_mw"].tolist() == pytest.approx([20.0, 0.0], abs=1e-6)
    assert bal["price_cny_per_mwh"].tolist() == pytest.approx([1000.0, 300.0], rel=1e-6)
    assert out["emissions"].set_index("source").loc["import:grid", "tco2"] == pytest.approx(140 * 0.5)


def test_infeasible_input_is_reported_not_raised():
    units = with_marginal_cost(thermal([{"unit": "g", "bus": "A", "p_nom": 50.0}]), {"g": 10.0})
    built = build_model(make_data({"A": [100.0]}, thermal_units=units, allow_unserved=False))
    outcome = solve(built.model, SolverSettings(algorithm="simplex"))
    assert outcome.status == "infeasible"
    assert "infeasible" in outcome.message
