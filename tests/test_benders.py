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
from tests.factory import make_data, thermal, with_marginal_cost

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


def test_cold_dispatches_from_their_days_reach_the_same_plan(tables):
    """The week's expansion by Benders with each cold dispatch started from its days' joined bases (a cut of a
    day, so that a week has seven windows; on the full year the windows are weeks): the same bounds and plan as
    from HiGHS's own start, to the gap."""
    from gzpower.model.build import HOUR_SETS
    from gzpower.solve.windows import Windows

    def run(settings, hour_sets):
        built = build_model(assemble(tables, WEEK))
        outcome = solve_benders(
            built.model, built.registry.investments, settings, hour_sets=hour_sets, cut=Windows(24, 4)
        )
        return outcome, capacities_of(built.model, built.registry.investments)

    days, days_plan = run(BENDERS.resolved(WEEK), HOUR_SETS)
    plain, plain_plan = run(replace(BENDERS, cold_start="plain").resolved(WEEK), HOUR_SETS)
    assert days.stats["cold_start"] == "windows" and plain.stats["cold_start"] == "plain"
    assert days.status == plain.status == "optimal"
    assert days.objective == pytest.approx(plain.objective, rel=2 * BENDERS.benders_gap)
    assert days.stats["benders_history"][0]["value"] == pytest.approx(
        plain.stats["benders_history"][0]["value"], rel=1e-9
    )  # the first plan's dispatch: one LP, its own optimum from either start
    assert days_plan.keys() == plain_plan.keys()


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


@pytest.fixture(scope="module")
def week_optimum(tables):
    """The monolithic LP's optimum of the Guangzhou week."""
    return solve(build_model(assemble(tables, WEEK)).model, SolverSettings(algorithm="dual-simplex")).objective


def _dispatch_statuses(monkeypatch) -> list:
    """HiGHS's model status after every dispatch run of the Benders loop (a warm attempt and its cold re-solve
    are two runs)."""
    from gzpower.solve import benders

    statuses: list = []
    run = benders._run

    def spy(sub, settings, started):
        run(sub, settings, started)
        statuses.append(sub.getModelStatus())

    monkeypatch.setattr(benders, "_run", spy)
    return statuses


def test_warm_started_dispatch_reaches_the_monolithic_optimum(tables, week_optimum, monkeypatch):
    """Every re-solve from the previous basis (WARM_FROM_GAP infinite: whatever the gap): the week's optimum
    within the gap, the first dispatch cold, the warm ones within their iteration limit."""
    from gzpower.solve import benders

    monkeypatch.setattr(benders, "WARM_FROM_GAP", np.inf)
    built = build_model(assemble(tables, WEEK))
    outcome = solve_benders(built.model, built.registry.investments, BENDERS)
    assert outcome.status == "optimal", outcome.message
    assert outcome.stats["benders_lower_bound"] <= week_optimum * (1 + 1e-7)
    assert outcome.objective == pytest.approx(week_optimum, rel=BENDERS.benders_gap)
    history = outcome.stats["benders_history"]
    first, warm = history[0], [h for h in history if h["warm_start"]]
    assert not first["warm_start"] and first["simplex_iterations"] > 0
    assert warm
    limit = benders.WARM_ITERATION_SHARE * first["simplex_iterations"]
    assert all(0 < h["simplex_iterations"] <= limit for h in warm)


def test_warm_start_past_its_iteration_limit_is_solved_cold(tables, week_optimum, monkeypatch):
    """A warm attempt allowed a single simplex iteration stops on the limit; the cold re-solve (the limit lifted)
    still reaches the week's optimum (to a 1e-3 gap: half the dispatch solves of the default, all of them cold)."""
    import highspy

    from gzpower.solve import benders

    monkeypatch.setattr(benders, "WARM_FROM_GAP", np.inf)
    monkeypatch.setattr(benders, "WARM_ITERATION_SHARE", 1e-9)  # a limit of one iteration
    statuses = _dispatch_statuses(monkeypatch)
    built = build_model(assemble(tables, WEEK))
    outcome = solve_benders(built.model, built.registry.investments, replace(BENDERS, benders_gap=1e-3))
    assert outcome.status == "optimal", outcome.message
    assert outcome.stats["benders_lower_bound"] <= week_optimum * (1 + 1e-7)
    assert outcome.objective == pytest.approx(week_optimum, rel=1e-3)
    history = outcome.stats["benders_history"]
    assert len(history) > 1 and not any(h["warm_start"] for h in history)
    status = highspy.HighsModelStatus
    # the first dispatch, then per re-solve: the warm attempt on its limit, the cold solve optimal
    assert statuses == [status.kOptimal] + [status.kIterationLimit, status.kOptimal] * (len(history) - 1)


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
        (Scenario(mode="expand", periods=8), "none", "simplex"),  # few days: simplex (SIMPLEX_UP_TO_PERIODS)
        (Scenario(mode="expand", periods=16), "none", "simplex"),
        (Scenario(mode="expand", periods=32), "none", "ipm"),
        (Scenario(mode="expand", hours=8760, allow_unserved=False), "none", "ipm"),  # a plan may have no dispatch
        (Scenario(mode="check", hours=8760), "none", "simplex"),
    ],
)
def test_auto_settings(scenario, decomposition, algorithm):
    resolved = SolverSettings().resolved(scenario)
    assert (resolved.decomposition, resolved.algorithm) == (decomposition, algorithm)


def test_a_dispatch_from_a_basis_runs_without_cost_perturbation_unless_the_user_names_it():
    """Runs from a basis (warm, or cold from the weeks) take ``FROM_A_BASIS_OPTIONS`` (the dual simplex's cost
    perturbation off) for that run only: the instance's own value is back after it, even when the run fails, and
    a value the user's settings name (``extra``) is left as it is."""
    import highspy

    from gzpower.solve.benders import FROM_A_BASIS_OPTIONS, _from_a_basis

    key = "dual_simplex_cost_perturbation_multiplier"
    assert FROM_A_BASIS_OPTIONS == {key: 0.0}
    sub = highspy.Highs()
    own = sub.getOptionValue(key)[1]
    assert own == 1.0  # HiGHS's default
    with _from_a_basis(sub, SolverSettings()):
        assert sub.getOptionValue(key)[1] == 0.0
    assert sub.getOptionValue(key)[1] == own
    with pytest.raises(RuntimeError), _from_a_basis(sub, SolverSettings()):
        raise RuntimeError("a failed run")
    assert sub.getOptionValue(key)[1] == own
    sub.setOptionValue(key, 0.5)
    with _from_a_basis(sub, SolverSettings(extra={key: 0.5})):
        assert sub.getOptionValue(key)[1] == 0.5
