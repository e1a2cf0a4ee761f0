"""Invariants and cross-checks on short horizons of the shipped Guangzhou data."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from gzpower.model.build import build_model
from gzpower.model.data import assemble
from gzpower.scenario.scenario import PLAN_INCREMENTS as FAMILIES
from gzpower.scenario.scenario import Scenario
from gzpower.solve.highs import SolverSettings, solve
from gzpower.studies.run import counterfactuals, solve_case

SUMMER_WEEK = dict(start_hour=4800, hours=72)  # a hot week in July: the binding season


@pytest.fixture(scope="module")
def check_2030(tables):
    return solve_case(tables, Scenario(year=2030, **SUMMER_WEEK))


def test_balance_closes_per_district_and_hour(check_2030):
    bal = check_2030.tables["balance"]
    supply = (
        bal["thermal_mw"]
        + bal["renewables_mw"]
        + bal["storage_discharge_mw"]
        - bal["storage_charge_mw"]
        + bal["dr_shed_mw"]
        + bal["dr_shift_mw"]
        + bal["imports_mw"]
        + bal["line_net_in_mw"]
        + bal["unserved_mw"]
    )
    assert np.abs(supply - bal["load_mw"]).max() < 1e-5
    assert len(bal) == 11 * SUMMER_WEEK["hours"]


def test_state_of_charge_and_flows_within_bounds(check_2030):
    st = check_2030.tables["storage"]
    assert (st["soc_mwh"] >= -1e-6).all()
    assert (st["soc_mwh"] <= st["e_nom_mwh"] + 1e-6).all()
    fl = check_2030.tables["flows"]
    assert (fl["flow_mw"].abs() <= fl["limit_mw"] + 1e-6).all()
    disp = check_2030.tables["dispatch"]
    assert (disp["p_mw"] >= -1e-6).all()


def test_plan_capacities_match_the_targets(check_2030):
    tc = check_2030.tables["target_check"].set_index("id")
    assert tc.loc["gas_capacity", "reached"] == pytest.approx(12000.0, rel=1e-9)
    assert tc.loc["re_capacity", "reached"] == pytest.approx(3000.0, rel=1e-9)
    assert tc.loc["storage_capacity", "reached"] == pytest.approx(200.0, rel=1e-9)
    assert tc.loc["dr_capability", "reached"] == pytest.approx(0.05, rel=1e-9)


def test_counterfactual_operating_cost_never_below_the_plan(tables, check_2030):
    children = counterfactuals(tables, check_2030, SolverSettings(), FAMILIES)
    for family, child in children.items():
        assert child.status == "optimal", family
        # removing capacity can only make operation dearer (its annuity aside)
        assert child.kpis["operating_cost_cny"] >= check_2030.kpis["operating_cost_cny"] - 1e-3, family
        assert child.kpis["unserved_mwh"] >= check_2030.kpis["unserved_mwh"] - 1e-6, family


def test_matrix_and_pyomo_interfaces_agree(tables):
    data = assemble(tables, Scenario(year=2025, start_hour=4800, hours=24))
    matrix = solve(build_model(data).model, SolverSettings(interface="matrix"))
    pyomo = solve(build_model(data).model, SolverSettings(interface="pyomo"))
    assert matrix.status == pyomo.status == "optimal"
    assert matrix.objective == pytest.approx(pyomo.objective, rel=1e-7)


def test_simplex_and_interior_point_agree(tables):
    sc = Scenario(year=2030, start_hour=4800, hours=24)
    a = solve_case(tables, sc, SolverSettings(algorithm="simplex"))
    b = solve_case(tables, sc, SolverSettings(algorithm="ipm"))
    assert a.objective == pytest.approx(b.objective, rel=1e-6)


def test_least_cost_expansion_is_never_dearer_than_the_plan(tables):
    """The plan's fleet is one feasible expansion, so the least-cost one costs at most as much."""
    sc = Scenario(year=2030, mode="expand", plan_floors=False, **SUMMER_WEEK)
    plan = solve_case(tables, replace(sc, mode="check"))
    least = solve_case(tables, sc)
    assert least.status == plan.status == "optimal"
    assert least.objective <= plan.objective * (1 + 1e-7)


def test_expansion_floors_reach_the_plan_targets(tables):
    res = solve_case(tables, Scenario(year=2030, mode="expand", plan_floors=True, **SUMMER_WEEK))
    tc = res.tables["target_check"].set_index("id")
    for target in ("gas_capacity", "re_capacity", "storage_capacity", "dr_capability"):
        assert tc.loc[target, "status"] == "pass", target


def test_carbon_price_lowers_emissions(tables):
    base = solve_case(tables, Scenario(year=2030, **SUMMER_WEEK))
    priced = solve_case(tables, Scenario(year=2030, carbon_price=300.0, **SUMMER_WEEK))
    assert priced.kpis["co2_t"] < base.kpis["co2_t"]


def test_co2_cap_binds(tables):
    # the cap holds the city's own emissions (its plants and own import sources); with the province boundary the
    # CO2 of power bought from the province is reported beside them (co2_imported_t), outside the cap
    base = solve_case(tables, Scenario(year=2030, **SUMMER_WEEK))
    cap = 0.97 * base.kpis["co2_city_plants_t"]
    capped = solve_case(tables, Scenario(year=2030, co2_cap=cap, **SUMMER_WEEK))
    assert capped.status == "optimal"
    assert capped.kpis["co2_city_plants_t"] <= cap * (1 + 1e-6)
    assert capped.objective > base.objective


def test_counterfactuals_in_worker_processes_equal_the_serial_ones(tables):
    parent = solve_case(tables, Scenario(year=2025, start_hour=4800, hours=24))
    serial = counterfactuals(tables, parent, SolverSettings(), ("gas", "storage"), workers=1)
    parallel = counterfactuals(tables, parent, SolverSettings(), ("gas", "storage"), workers=2)
    for family in serial:
        assert parallel[family].status == serial[family].status == "optimal"
        assert parallel[family].kpis["cost_cny"] == pytest.approx(serial[family].kpis["cost_cny"], rel=1e-9)


def test_floor_without_extendable_capacity_is_named_not_a_pyomo_error(tables):
    from gzpower.model.build import build_model
    from gzpower.model.data import assemble

    d = assemble(tables, Scenario(year=2030, mode="expand", hours=24, start_hour=4800))
    d.storage["p_nom_max"], d.storage["e_nom_max"] = d.storage["p_nom"], d.storage["e_nom"]
    d.storage.loc[d.storage["carrier"] == "battery", ["p_nom", "p_nom_max"]] = 0.0
    with pytest.raises(ValueError, match="plan floor 'storage_capacity': 0 MW standing and nothing extendable"):
        build_model(d)
