"""The windowed hot start (gzpower.solve.windows): a start only, so the answer is the LP's optimum."""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest
import scipy.sparse as sp

from gzpower.solve.highs import SolverSettings, solve_matrix
from gzpower.solve.hot import solve_kept, solve_variant
from gzpower.solve.windows import Windows, column_hours, row_windows, windows_of

SETTINGS = SolverSettings()
PRICE = [10, 10, 50, 50, 10, 10, 50, 50]  # CNY/MWh
LOAD_MW = 10.0


def _storage_day(power_mw: float) -> pyo.ConcreteModel:
    """Eight hours, a load of 10 MW, energy at 10 or 50 CNY/MWh, a lossless store of 20 MWh and ``power_mw``,
    its state cyclic (hour 0 follows hour 7)."""
    m = pyo.ConcreteModel()
    m.T = pyo.Set(initialize=range(8), ordered=True)
    m.gen = pyo.Var(m.T, bounds=(0, 100))
    m.charge = pyo.Var(m.T, bounds=(0, power_mw))
    m.discharge = pyo.Var(m.T, bounds=(0, power_mw))
    m.soc = pyo.Var(m.T, bounds=(0, 20))
    m.balance = pyo.Constraint(m.T, rule=lambda m, t: m.gen[t] + m.discharge[t] - m.charge[t] == LOAD_MW)
    m.state = pyo.Constraint(m.T, rule=lambda m, t: m.soc[t] - m.soc[(t - 1) % 8] - m.charge[t] + m.discharge[t] == 0)
    m.cost = pyo.Objective(expr=sum(PRICE[t] * m.gen[t] for t in m.T))
    return m


def test_a_store_added_to_a_day_in_two_hour_windows_reaches_the_hand_optimum():
    """Without power the load costs 10 x (4 x 10 + 4 x 50) = 2,400 CNY. With 10 MW and 20 MWh the store charges
    10 MW in each cheap hour and serves the load in each dear one: 4 x 20 x 10 = 800 CNY. The windows (two hours
    each, four of them) are solved from the first LP's basis; every state row at a window's edge spans two
    windows, and the last one wraps to the first. The joined start must still end at the optimum, equal to a cold
    solve and to the plain hot start."""
    first = solve_kept(_storage_day(0.0), SETTINGS)
    assert first.objective == pytest.approx(2400.0)
    model = _storage_day(10.0)
    cut = Windows(hours=2, minimum=2)
    windowed = solve_variant(first.kept, model, SETTINGS, hour_sets=("T",), cut=cut, kept_basis_infeasibilities=0)
    assert windowed.stats["hot_start_windows"]["windows"] == 4
    assert windowed.stats["hot_start_windows"]["spanning_rows"] == 4
    assert windowed.stats["hot_start_kept_basis_look"] == {}
    plain = solve_variant(first.kept, _storage_day(10.0), SETTINGS)
    assert plain.stats["hot_start_windows"] == {}
    assert windowed.objective == pytest.approx(800.0, abs=1e-9)
    assert plain.objective == pytest.approx(800.0, abs=1e-9)
    assert [pyo.value(model.gen[t]) for t in model.T] == pytest.approx([20, 20, 0, 0, 20, 20, 0, 0], abs=1e-9)
    # by default HiGHS first counts the kept basis's infeasibilities in the variant: the power limit's change
    # leaves it dual feasible (only bounds moved), and its primal infeasibilities are few (at most 200 per
    # window: 800 here), so the run goes on from it
    looked = solve_variant(first.kept, _storage_day(10.0), SETTINGS, hour_sets=("T",), cut=cut)
    look = looked.stats["hot_start_kept_basis_look"]
    assert look["primal_limit"] == 800 and look["dual_infeasibilities"] == 0
    assert look["kept_basis"] and looked.stats["hot_start_windows"] == {}
    assert looked.objective == pytest.approx(800.0, abs=1e-9)
    # held to fewer primal infeasibilities than HiGHS counts (7: the states and balances the new power limit puts
    # out of their bounds), here 1 per window (4), it hands over to the windowed start: the same optimum
    assert look["primal_infeasibilities"] == 7
    short = solve_variant(
        first.kept, _storage_day(10.0), SETTINGS, hour_sets=("T",), cut=cut, kept_basis_infeasibilities=1.0
    )
    assert not short.stats["hot_start_kept_basis_look"]["kept_basis"]
    assert short.stats["hot_start_windows"]["windows"] == 4
    assert short.objective == pytest.approx(800.0, abs=1e-9)


def test_a_cold_solve_from_its_windows_reaches_the_hand_optimum():
    """The same store of 10 MW and 20 MWh solved without a parent: the four two-hour windows are solved from the
    slack basis, one after the other (each from the state the one before left; the wrap to hour 0 held at zero),
    and HiGHS goes on from their joined bases to the whole LP's optimum, 800 CNY with generation only in the cheap
    hours, as HiGHS's own start does. With ``cold_start="plain"``, or no hour sets, or the interior point, HiGHS
    starts as it would."""
    cut = Windows(hours=2, minimum=2)
    model = _storage_day(10.0)
    windowed = solve_matrix(model, SETTINGS, hour_sets=("T",), cut=cut)
    assert windowed.stats["cold_start"] == "windows"
    assert windowed.stats["cold_start_windows"]["windows"] == 4
    assert windowed.stats["cold_start_windows"]["spanning_rows"] == 4
    assert windowed.objective == pytest.approx(800.0, abs=1e-9)
    assert [pyo.value(model.gen[t]) for t in model.T] == pytest.approx([20, 20, 0, 0, 20, 20, 0, 0], abs=1e-9)
    assert windowed.seconds_highs >= windowed.stats["cold_start_windows"]["seconds_highs"]
    kept = solve_kept(_storage_day(10.0), SETTINGS, hour_sets=("T",), cut=cut)
    assert kept.stats["cold_start"] == "windows" and kept.kept is not None
    assert kept.objective == pytest.approx(800.0, abs=1e-9)
    for settings, hour_sets in (
        (SolverSettings(cold_start="plain"), ("T",)),
        (SETTINGS, ()),
        (SolverSettings(algorithm="ipm"), ("T",)),
    ):
        plain = solve_matrix(_storage_day(10.0), settings, hour_sets=hour_sets, cut=cut)
        assert plain.stats["cold_start"] == "plain" and plain.stats["cold_start_windows"] == {}
        assert plain.objective == pytest.approx(800.0, abs=1e-7)
    # fewer windows than the cut's minimum: HiGHS's own start
    few = solve_matrix(_storage_day(10.0), SETTINGS, hour_sets=("T",), cut=Windows(hours=4, minimum=3))
    assert few.stats["cold_start"] == "plain"


def test_a_model_with_a_column_that_has_no_hour_gets_no_windows():
    """A capacity column (no hour index) means no windowed start: the plain hot start is used."""
    model = _storage_day(10.0)
    model.size = pyo.Var(bounds=(0, 1))
    assert column_hours(model, ("T",)) is None
    hours = column_hours(_storage_day(10.0), ("T",))
    assert hours is not None and hours.tolist() == list(range(8)) * 4


def test_rows_go_to_the_window_holding_most_of_their_columns_a_tie_to_the_later():
    """Columns in windows 0, 0, 1, 1: a row over columns 0, 1, 2 goes to window 0, one over 1 and 2 (a tie) to
    window 1, one over column 3 alone to window 1."""
    A = sp.csr_matrix(np.array([[1, 1, 1, 0], [0, 1, 1, 0], [0, 0, 0, 1]], dtype=float))
    col_window = windows_of(np.array([0, 1, 2, 3]), 2)
    assert col_window.tolist() == [0, 0, 1, 1]
    rows, spanning = row_windows(A, col_window, 2)
    assert rows.tolist() == [0, 1, 1] and spanning == 2


def test_the_basis_read_from_the_solution_is_highs_own_basis():
    """``solved_basis`` reads a solved instance's statuses from its basic variables and its values: the same
    statuses as HiGHS's own basis, fixed columns and equality rows included (HiGHS puts those on the side their
    reduced cost points to). The storage day has equality rows (balance, state) with duals of both signs, and a
    fixed column is added: gen[0] held at 20 MW, its value at the optimum of 800 CNY (the first test)."""
    import highspy

    from gzpower.solve.highs import pass_form, standard_form
    from gzpower.solve.windows import solved_basis, statuses

    model = _storage_day(10.0)
    model.gen[0].setlb(20.0)
    model.gen[0].setub(20.0)
    form = standard_form(model)
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("presolve", "off")
    pass_form(highs, form)
    highs.run()
    assert highs.getInfo().objective_function_value == pytest.approx(800.0)  # gen[0] is 20 MW at the optimum
    basis = highs.getBasis()
    x, cols, rows = solved_basis(highs, form.lower, form.upper, form.row_lower, form.row_upper)
    assert cols.tolist() == statuses(basis.col_status).tolist()
    assert rows.tolist() == statuses(basis.row_status).tolist()
    assert (form.row_lower == form.row_upper).all()  # every row an equality: each on HiGHS's side
    assert x.tolist() == pytest.approx(list(highs.getSolution().col_value))


def test_an_lp_handed_over_from_arrays_is_the_lp():
    """``pass_lp`` (highspy's array overload): min -x - y with x + y <= 1.5, x - y >= -0.5, 0 <= x, y <= 1 has its
    optimum -1.5 on the edge x + y = 1.5; the offset is added, and maximising the negated objective gives the
    same point. The instance stays an LP (no MIP nodes), with duals."""
    import highspy

    from gzpower.solve.handover import pass_lp

    A = sp.csr_matrix(np.array([[1.0, 1.0], [1.0, -1.0]]))
    for sense, cost, offset, expected in ((1.0, [-1.0, -1.0], 2.0, 0.5), (-1.0, [1.0, 1.0], 0.0, 1.5)):
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        pass_lp(
            highs,
            A,
            np.array(cost),
            np.zeros(2),
            np.ones(2),
            np.array([-np.inf, -0.5]),
            np.array([1.5, np.inf]),
            offset,
            sense,
        )
        highs.run()
        assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
        assert highs.getInfo().objective_function_value == pytest.approx(expected)
        assert highs.getInfo().mip_node_count == -1
        assert abs(highs.getSolution().row_dual[0]) == pytest.approx(1.0)


def _two_units_four_hours():
    """Four hours of load served by two units, every limit a row of one column: g1 <= 8 MW, 2 g1 >= 6 MW (a
    floor of 3 MW), -g2 >= -10 MW (a cap of 10 MW), and in hour 3 also 3 g2 = 12 MW (g2 held at 4 MW); the
    balance g1 + g2 = load is the one row of two columns. Per hour (cost of g1, g2 in CNY/MWh; load MW):
    hour 0 (10, 30; 12): g1 at its row cap 8, g2 4: 200 CNY. Hour 1 (50, 30; 12): g1 at its row floor 3, g2 9:
    420. Hour 2 (10, 5; 14): g2 at its row cap 10 (a negative coefficient), g1 4: 90. Hour 3 (10, 30; 11): g2 held
    at 4 by its equality row, g1 7: 190. In all 900 CNY. Columns ordered g1[0..3], g2[0..3]."""
    cost = np.array([10, 50, 10, 10, 30, 30, 5, 30], dtype=float)
    load = [12.0, 12.0, 14.0, 11.0]
    rows, lo, up = [], [], []

    def row(entries: dict[int, float], low: float, high: float) -> None:
        line = np.zeros(8)
        for col, a in entries.items():
            line[col] = a
        rows.append(line), lo.append(low), up.append(high)

    for t in range(4):
        row({t: 1.0, 4 + t: 1.0}, load[t], load[t])
        row({t: 1.0}, -np.inf, 8.0)
        row({t: 2.0}, 6.0, np.inf)
        row({4 + t: -1.0}, -10.0, np.inf)
    row({7: 3.0}, 12.0, 12.0)
    A = sp.csc_matrix(np.array(rows))
    return A, cost, np.zeros(8), np.full(8, np.inf), np.array(lo), np.array(up)


def test_rows_of_one_column_are_solved_as_bounds_and_put_back_as_an_optimal_basis():
    """The windowed start solves a window's rows of one column as that column's bounds (an expansion's dispatch
    has one per unit and hour) and puts them back: a column at a bound that came from a row becomes basic and the
    row nonbasic at its matching end (the cap 8 at the upper end, the floor 2 g1 >= 6 and -g2 >= -10 at their
    lower end, the equality at either). The four hours do not interact, so one-hour windows find the optimum
    and the joined basis must be an optimal basis of the whole LP: one basic variable per row, accepted by
    HiGHS, and solved in no iteration to the hand-derived 900 CNY."""
    import highspy

    from gzpower.solve.handover import pass_lp
    from gzpower.solve.windows import BASIC, StartLP, quiet_highs, to_basis, windowed_start

    A, cost, lower, upper, row_lower, row_upper = _two_units_four_hours()
    lp = StartLP.cold(A, lower, upper, cost, row_lower, row_upper)
    start = windowed_start(lp, np.array([0, 1, 2, 3] * 2), quiet_highs, {}, Windows(hours=1, minimum=2))
    assert start is not None and start.windows == 4 and start.bounds_from_rows == 13
    basic = np.count_nonzero(start.col_status == BASIC) + np.count_nonzero(start.row_status == BASIC)
    assert basic == A.shape[0]
    highs = quiet_highs()
    highs.setOptionValue("presolve", "off")
    pass_lp(highs, A, cost, lower, upper, row_lower, row_upper)
    assert highs.setBasis(to_basis(start.col_status, start.row_status)) == highspy.HighsStatus.kOk
    highs.run()
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    assert highs.getInfo().simplex_iteration_count == 0
    assert highs.getInfo().objective_function_value == pytest.approx(900.0)
    assert list(highs.getSolution().col_value) == pytest.approx([8, 3, 4, 7, 4, 9, 10, 4])


def test_a_store_whose_generation_limits_are_rows_reaches_the_hand_optimum_from_its_windows():
    """The storage day of the first tests with generation limited by a row per hour, gen <= 15 MW (a row of one
    column in its window): each cheap hour makes 15 MW, 5 MW of it stored, so the four cheap hours store 20 MWh
    for the dear ones: 4 x 15 x 10 + (40 - 20) x 50 = 1,600 CNY, from the windows (the eight rows solved as
    bounds there) as from HiGHS's own start."""
    cut = Windows(hours=2, minimum=2)
    model = _storage_day(10.0)
    model.gen_limit = pyo.Constraint(model.T, rule=lambda m, t: m.gen[t] <= 15.0)
    windowed = solve_matrix(model, SETTINGS, hour_sets=("T",), cut=cut)
    assert windowed.stats["cold_start"] == "windows"
    assert windowed.stats["cold_start_windows"]["bounds_from_rows"] == 8
    assert windowed.objective == pytest.approx(1600.0, abs=1e-9)
    plain = _storage_day(10.0)
    plain.gen_limit = pyo.Constraint(plain.T, rule=lambda m, t: m.gen[t] <= 15.0)
    assert solve_matrix(plain, SolverSettings(cold_start="plain")).objective == pytest.approx(1600.0, abs=1e-9)
