"""Benders decomposition (gzpower.solve.benders): a hand-computed expansion optimum, the monolithic LP's optimum on a
Guangzhou week, its bounds, and its failures."""

from dataclasses import replace

import numpy as np
import pytest

from gzpower.cli import main
from gzpower.model.build import build_model
from gzpower.model.data import assemble
from gzpower.model.registry import COST_SCALE, by_technology
from gzpower.results.extract import extract
from gzpower.scenario.scenario import Scenario
from gzpower.solve.benders import capacities_of, solve_benders
from gzpower.solve.highs import SolverSettings, solve
from gzpower.studies.run import solve_case
from tests.factory import make_data, storage, thermal, with_marginal_cost

WEEK = Scenario(year=2030, mode="expand", hours=168, start_hour=4800)
BENDERS = SolverSettings(decomposition="benders", algorithm="dual-simplex")


def _peaker_case(**scenario):
    """Load 100 then 60 MW; a gas unit to be built at 1,000 CNY per MW over the two hours, 100 CNY/MWh to run;
    unserved energy 1,000 CNY/MWh. A MW below 60 serves both hours (saves 2 x 900 > 1,000): build it; a MW
    between 60 and 100 serves one hour (900 < 1,000): do not. Optimum K = 60 MW, cost 60,000 + 100 x 120 +
    1,000 x 40 = 112,000 CNY."""
    annuity = 1000.0 * 8760 / 2  # CNY per MW-year, charged for 2 of 8760 hours
    units = thermal([{"unit": "G", "bus": "A", "p_nom": 0.0, "annuity": annuity}])
    units["p_nom_max"] = 200.0
    return make_data(
        {"A": [100.0, 60.0]}, thermal_units=with_marginal_cost(units, {"G": 100.0}), mode="expand", **scenario
    )


def _carry_over_case():
    """Load 0, 0, 100, 100 MW; a cheap unit C of 50 MW at 10 CNY/MWh; a battery of 100 MW / 50 MWh (lossless,
    cyclic); a gas unit to be built at 1,000 CNY per MW over the four hours, 100 CNY/MWh to run; unserved energy
    1,000 CNY/MWh. C fills the battery in hours 0-1 (50 MWh, all it holds) and serves 50 MW in hours 2-3, which
    leaves 2 x 50 - 50 = 50 MWh, spread by the battery as 25 MW in each of hours 2 and 3. A MW of gas up to 25 MW
    serves both hours (saves 2 x 900 > 1,000): build K = 25 MW. Cost 150 MWh x 10 + 25 x 1,000 + 50 MWh x 100 =
    31,500 CNY. With blocks of two hours the battery's state at the end of hour 1 (what hours 2-3 inherit) and at
    the end of hour 3 (what the cycle hands hour 0) are the two linking columns."""
    annuity = 1000.0 * 8760 / 4
    units = thermal(
        [
            {"unit": "C", "bus": "A", "p_nom": 50.0},
            {"unit": "G", "bus": "A", "p_nom": 0.0, "annuity": annuity},
        ]
    )
    units.loc["G", "p_nom_max"] = 200.0
    battery = storage([{"id": "S", "bus": "A", "p_nom": 100.0, "e_nom": 50.0}])
    return make_data(
        {"A": [0.0, 0.0, 100.0, 100.0]},
        thermal_units=with_marginal_cost(units, {"C": 10.0, "G": 100.0}),
        storage_units=battery,
        mode="expand",
    )


@pytest.mark.parametrize("block_hours, blocks, linking", [(None, 1, 0), (2, 2, 2)])
def test_multi_cut_carries_the_state_between_blocks(block_hours, blocks, linking):
    built = build_model(_carry_over_case())
    outcome = solve_benders(built.model, built.registry.investments, BENDERS, block_hours=block_hours)
    assert outcome.status == "optimal", outcome.message
    assert (outcome.stats["benders_blocks"], outcome.stats["benders_linking_columns"]) == (blocks, linking)
    assert outcome.stats["benders_lower_bound"] / COST_SCALE <= 31_500.0 * (1 + 1e-9)
    assert outcome.objective / COST_SCALE == pytest.approx(31_500.0, rel=BENDERS.benders_gap)
    # F rises by 1,800 - 1,000 = 800 CNY per MW short of 25 and 1,000 per MW past it: the gap bounds the distance
    assert built.model.thermal_new["G"].value == pytest.approx(25.0, abs=31_500.0 * BENDERS.benders_gap / 800)
    assert built.model.storage_soc["S", 1].value == pytest.approx(50.0, abs=1e-3)


def test_hand_computed_expansion():
    built = build_model(_peaker_case())
    outcome = solve_benders(built.model, built.registry.investments, replace(BENDERS, benders_gap=1e-7))
    assert outcome.status == "optimal", outcome.message
    assert outcome.objective / COST_SCALE == pytest.approx(112_000.0, rel=1e-6)
    assert built.model.thermal_new["G"].value == pytest.approx(60.0, abs=1e-3)
    history = outcome.stats["benders_history"]
    assert history[0]["value"] / COST_SCALE == pytest.approx(1000.0 * 160)  # the first plan: build nothing
    assert all(h["lower_bound"] <= 112_000.0 * COST_SCALE * (1 + 1e-9) for h in history)
    assert [h["upper_bound"] for h in history] == sorted((h["upper_bound"] for h in history), reverse=True)
    # the dispatch loaded back is the best plan's: 60 MW in both hours, 40 MW unserved in the first
    out = extract(built, outcome.duals)
    disp = out["dispatch"].pivot_table(index="hour", columns="element", values="p_mw")
    assert disp["G"].tolist() == pytest.approx([60.0, 60.0], abs=1e-3)


def test_week_matches_the_monolithic_optimum(tables):
    mono = solve_case(tables, WEEK, SolverSettings(algorithm="dual-simplex"))
    split = solve_case(tables, WEEK, BENDERS)
    assert mono.status == split.status == "optimal"
    gap = split.stats["benders_gap"]
    assert gap <= BENDERS.benders_gap
    # the bounds bracket the true optimum, and the answer is within the gap of it
    assert split.stats["benders_lower_bound"] <= mono.objective * (1 + 1e-7)
    assert split.objective >= mono.objective * (1 - 1e-7)
    assert split.objective == pytest.approx(mono.objective, rel=BENDERS.benders_gap)
    assert split.stats["max_row_violation"] < 1e-6  # HiGHS's row activities of the best plan's dispatch
    # the run is a full one: the energy balance closes in every district and hour
    bal = split.tables["balance"]
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
    assert bal["price_cny_per_mwh"].notna().all()
    assert split.tables["capacities"]["added"].sum() == pytest.approx(
        mono.tables["capacities"]["added"].sum(), rel=0.05
    )


#: builds (MW or MWh) below this on both sides are not compared: within a 1e-4 gap on a week (0.16 M CNY) stray
#: megawatts of near-indifferent options (battery energy, an import interface) differ between equally good answers
INDIFFERENT_MW = 150.0


def test_multi_cut_matches_single_cut_and_the_monolithic_optimum(tables):
    """Daily blocks on a Guangzhou week (seven cuts per dispatch solve, linked by the states of charge and the
    ramping units' output at each midnight): the same optimum as one aggregated cut and as the whole LP, within
    the gap, and the same capacity of every technology that either builds in earnest (within 1 %)."""
    mono = build_model(assemble(tables, WEEK))
    optimum = solve(mono.model, SolverSettings(algorithm="dual-simplex"), want_duals=False).objective
    reference = by_technology(capacities_of(mono.model, mono.registry.investments), mono.registry)
    for block_hours, blocks in ((None, 1), (24, 7)):
        built = build_model(assemble(tables, WEEK))
        outcome = solve_benders(built.model, built.registry.investments, BENDERS, block_hours=block_hours)
        assert outcome.status == "optimal", outcome.message
        assert outcome.stats["benders_blocks"] == blocks
        assert (outcome.stats["benders_linking_columns"] > 0) == (blocks > 1)
        assert outcome.stats["benders_lower_bound"] <= optimum * (1 + 1e-7) <= outcome.objective * (1 + 2e-7)
        assert outcome.objective == pytest.approx(optimum, rel=BENDERS.benders_gap)
        totals = by_technology(capacities_of(built.model, built.registry.investments), built.registry)
        assert set(totals) == set(reference)
        for tech, mw in reference.items():
            if max(mw, totals[tech]) >= INDIFFERENT_MW:
                assert totals[tech] == pytest.approx(mw, rel=0.01), tech


def test_warm_started_dispatch_keeps_the_answer(tables, monkeypatch):
    """Dispatch re-solves from the previous basis end at the same optimum as cold ones (a share of 0 turns the
    warm start off), and the warm start is taken."""
    from gzpower.solve import benders

    results = {}
    for share in (benders.WARM_ITERATION_SHARE, 0.0):
        monkeypatch.setattr(benders, "WARM_ITERATION_SHARE", share)
        built = build_model(assemble(tables, WEEK))
        outcome = solve_benders(built.model, built.registry.investments, BENDERS, block_hours=None)
        assert outcome.status == "optimal"
        results[share] = outcome
    warm, cold = results.values()
    assert any(h["warm_start"] for h in warm.stats["benders_history"])
    assert not any(h["warm_start"] for h in cold.stats["benders_history"])
    assert warm.objective == pytest.approx(cold.objective, rel=BENDERS.benders_gap)


def test_iteration_limit_returns_the_best_plan_marked(tables):
    built = build_model(assemble(tables, WEEK))
    optimum = solve(build_model(assemble(tables, WEEK)).model, SolverSettings(algorithm="dual-simplex")).objective
    outcome = solve_benders(built.model, built.registry.investments, replace(BENDERS, benders_max_iterations=2))
    assert outcome.status == "time_limit"
    assert "NOT proven optimal" in outcome.message
    assert outcome.stats["benders_iterations"] == 2
    assert outcome.objective > optimum * (1 + 1e-4)  # two plans are not enough on a week
    assert outcome.stats["benders_lower_bound"] < optimum


def test_start_plan_is_the_first_dispatch(tables):
    """F(K_0) of the start plan is what the monolithic LP costs with the capacities fixed there."""
    day = replace(WEEK, hours=24, start_hour=WEEK.start_hour + 72)
    first = build_model(assemble(tables, day))
    assert solve(first.model, SolverSettings(algorithm="dual-simplex")).status == "optimal"
    start = capacities_of(first.model, first.registry.investments)
    built = build_model(assemble(tables, WEEK))
    outcome = solve_benders(built.model, built.registry.investments, replace(BENDERS, benders_max_iterations=1), start)
    fixed = build_model(assemble(tables, WEEK))
    for (name, k), value in start.items():
        getattr(fixed.model, name)[k].fix(value)
    reference = solve(fixed.model, SolverSettings(algorithm="dual-simplex"))
    assert outcome.stats["benders_history"][0]["value"] == pytest.approx(reference.objective, rel=1e-8)
    totals = by_technology(capacities_of(built.model, built.registry.investments), built.registry)
    assert totals == pytest.approx(by_technology(start, first.registry), abs=1e-6)


def test_infeasible_dispatch_is_a_plain_outcome():
    built = build_model(_peaker_case(allow_unserved=False))
    outcome = solve_benders(built.model, built.registry.investments, BENDERS)  # starts at K = 0: load unserved
    assert outcome.status == "infeasible"
    assert "allow unserved energy" in outcome.message


def test_cli_refuses_benders_with_periods(capsys):
    assert main(["expand", "--year", "2030", "--decomposition", "benders", "--periods", "8"]) == 2
    assert "--periods" in capsys.readouterr().err


@pytest.mark.parametrize(
    "scenario, decomposition, algorithm",
    [
        (Scenario(mode="expand", hours=8760), "benders", "simplex"),
        (Scenario(mode="expand", hours=720), "benders", "simplex"),
        (Scenario(mode="expand", hours=168), "none", "ipm"),  # short: the whole LP was as fast
        (Scenario(mode="expand", periods=8), "none", "ipm"),
        (Scenario(mode="expand", hours=8760, allow_unserved=False), "none", "ipm"),  # a plan may have no dispatch
        (Scenario(mode="check", hours=8760), "none", "simplex"),
    ],
)
def test_auto_settings(scenario, decomposition, algorithm):
    resolved = SolverSettings().resolved(scenario)
    assert (resolved.decomposition, resolved.algorithm) == (decomposition, algorithm)
