"""The windowed hot start (gzpower.solve.windows): a start only, so the answer is the LP's optimum."""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest
import scipy.sparse as sp

from gzpower.solve.highs import SolverSettings
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
    windowed = solve_variant(first.kept, model, SETTINGS, hour_sets=("T",), cut=cut, kept_basis_iterations=0)
    assert windowed.stats["hot_start_windows"]["windows"] == 4
    assert windowed.stats["hot_start_windows"]["spanning_rows"] == 4
    plain = solve_variant(first.kept, _storage_day(10.0), SETTINGS)
    assert plain.stats["hot_start_windows"] == {}
    assert windowed.objective == pytest.approx(800.0, abs=1e-9)
    assert plain.objective == pytest.approx(800.0, abs=1e-9)
    assert [pyo.value(model.gen[t]) for t in model.T] == pytest.approx([20, 20, 0, 0, 20, 20, 0, 0], abs=1e-9)
    # by default the kept basis is tried first, for 50 iterations per window (4 windows: 200): enough here
    tried = solve_variant(first.kept, _storage_day(10.0), SETTINGS, hour_sets=("T",), cut=cut)
    assert tried.stats["hot_start_kept_basis_try"]["solved"]
    assert tried.stats["hot_start_kept_basis_try"]["iteration_limit"] == 200
    assert tried.stats["hot_start_windows"] == {}
    assert tried.objective == pytest.approx(800.0, abs=1e-9)
    # a try that runs out of iterations hands over to the windowed start, which reaches the same optimum
    short = solve_variant(
        first.kept, _storage_day(10.0), SETTINGS, hour_sets=("T",), cut=cut, kept_basis_iterations=0.25
    )
    assert not short.stats["hot_start_kept_basis_try"]["solved"]
    assert short.stats["hot_start_kept_basis_try"]["simplex_iterations"] == 1
    assert short.stats["hot_start_windows"]["windows"] == 4
    assert short.objective == pytest.approx(800.0, abs=1e-9)


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
