"""LinearRows: matrix-built constraint families behave like ordinary Pyomo constraints, and the matrix hand-over
honours what a user adds to or switches off in the model."""

import numpy as np
import pyomo.environ as pyo
import pytest

from gzpower.model.build import build_model
from gzpower.model.data import assemble
from gzpower.model.rows import LinearRows, RowBuilder, hourly
from gzpower.scenario.scenario import Scenario
from gzpower.solve.highs import SolverSettings, solve, standard_form


def _two_unit_model(as_rows: bool) -> pyo.ConcreteModel:
    """Two units serve 10, 30, 20 MW; unit b (cheap) ramps at most 5 MW/h and holds at most 25 MW."""
    m = pyo.ConcreteModel()
    m.U = pyo.Set(initialize=["a", "b"], ordered=True)
    m.T = pyo.Set(initialize=range(3), ordered=True)
    m.p = pyo.Var(m.U, m.T, bounds=(0.0, 25.0))
    load = [10.0, 30.0, 20.0]
    if as_rows:
        rows = RowBuilder(2)
        rows.add(m.p, [0, 1], hourly(1, [1, 2], 3), 1.0).add(m.p, [0, 1], hourly(1, [0, 1], 3), -1.0)
        m.ramp = rows.build(pyo.Set(initialize=[1, 2], ordered=True), lower=-np.inf, upper=5.0, doc="ramp of b")
        balance = RowBuilder(3)
        for u in range(2):
            balance.add(m.p, range(3), hourly(u, range(3), 3), 1.0)
        m.balance = balance.build(m.T, lower=load, upper=load, doc="balance")
    else:
        m.ramp = pyo.Constraint([1, 2], rule=lambda _m, t: _m.p["b", t] - _m.p["b", t - 1] <= 5.0)
        m.balance = pyo.Constraint(m.T, rule=lambda _m, t: _m.p["a", t] + _m.p["b", t] == load[t])
    m.objective = pyo.Objective(expr=sum(50.0 * m.p["a", t] + 10.0 * m.p["b", t] for t in m.T))
    return m


def test_rows_read_like_ordinary_constraints():
    m = _two_unit_model(as_rows=True)
    row = m.ramp[2]
    assert row.upper == 5.0 and row.lower is None and not row.equality
    terms = {v.name: c for v, c in zip(row.body.linear_vars, row.body.linear_coefs)}
    assert terms == {"p[b,2]": 1.0, "p[b,1]": -1.0}
    assert m.balance[1].equality and m.balance[1].lb == 30.0
    assert m.ramp.doc == "ramp of b"
    with pytest.raises(TypeError, match="read-only"):
        row.set_value(m.p["b", 2] <= 1.0)


@pytest.mark.parametrize("interface", ["matrix", "pyomo"])
def test_rows_and_rules_give_the_same_optimum(interface):
    # b is ramp-limited from 10 (hour 0: b carries all 10) to 15 then 20: a covers 15 in hour 1, 0 in hour 2.
    # cost = 10*(10+15+20) + 50*15 = 1200
    for as_rows in (True, False):
        m = _two_unit_model(as_rows)
        out = solve(m, SolverSettings(interface=interface))
        assert out.objective == pytest.approx(1200.0)
        assert pyo.value(m.p["a", 1]) == pytest.approx(15.0)
        assert isinstance(m.ramp, LinearRows) == as_rows


def test_matrix_form_equals_pyomo_compiler_form():
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    m = _two_unit_model(as_rows=False)
    ours = standard_form(m)
    theirs = LinearStandardFormCompiler().write(m, mixed_form=True, set_sense=None)
    assert [v.name for v in ours.columns] == [v.name for v in theirs.columns]
    assert np.allclose(ours.A.toarray(), theirs.A.toarray())
    assert np.allclose(ours.cost, theirs.c.toarray()[0])


def test_user_constraint_and_deactivated_row_reach_the_solver():
    m = _two_unit_model(as_rows=True)
    m.ramp[1].deactivate()  # b may jump from 10 to 25 in hour 1: a covers 5 instead of 15
    out = solve(m, SolverSettings())
    assert out.objective == pytest.approx(10.0 * 10 + 50.0 * 5 + 10.0 * 25 + 10.0 * 20)
    m.cap_b = pyo.Constraint(expr=m.p["b", 1] <= 22.0)  # a user's own limit, an ordinary constraint
    out = solve(m, SolverSettings())
    assert pyo.value(m.p["b", 1]) == pytest.approx(22.0)
    assert out.objective == pytest.approx(10.0 * 10 + 50.0 * 8 + 10.0 * 22 + 10.0 * 20)
    assert np.isnan(out.duals["ramp"][0]) and np.isfinite(out.duals["ramp"][1])


def test_every_gzpower_row_matches_its_expression(tables):
    """On a Guangzhou day (expansion, every optional family on), each LinearRows row evaluated from the matrix
    equals the value of the Pyomo expression it shows, and lies within its bounds at the optimum."""
    sc = Scenario(year=2030, mode="expand", hours=24, start_hour=4800, min_stable=True, co2_cap=1e9)
    built = build_model(assemble(tables, sc))
    m = built.model
    solve(m, SolverSettings())
    families = [c for c in m.component_objects(pyo.Constraint) if isinstance(c, LinearRows)]
    assert {
        "balance",
        "reserve",
        "thermal_ramp_up",
        "thermal_min_stable",
        "storage_soc_balance",
        "kvl",
        "co2_cap",
        "dr_daily_energy",
        "renewable_available",
        "link_capacity",
    } <= {c.local_name for c in families}
    x = {id(v): v.value or 0.0 for v in m.component_data_objects(pyo.Var)}
    for comp in families:
        flat = np.array([x[id(v)] for var in comp.variables for v in var.values()])
        activity = comp.matrix @ flat if len(flat) else np.zeros(len(comp))
        expressions = np.array([pyo.value(row.body) for row in comp.values()])
        assert np.allclose(activity, expressions), comp.name
        assert np.all(activity >= comp.lower - 1e-6) and np.all(activity <= comp.upper + 1e-6), comp.name


def test_column_bounds_and_entries_read_like_pyomo(tables):
    """The standard form reads bounds and entries straight from the Var components: the same as Pyomo's own
    ``lb``/``ub`` and ``values()``, domains, an expression bound (a mutable Param) and a fixed variable included."""
    from gzpower.model.entries import entries, values

    m = _two_unit_model(as_rows=True)
    m.limit = pyo.Param(initialize=7.0, mutable=True)
    m.q = pyo.Var(m.T, within=pyo.NonNegativeReals, bounds=lambda _m, t: (-3.0 + t, None if t == 1 else 4.0))
    m.r = pyo.Var(m.U, bounds=(None, m.limit))
    m.s = pyo.Var(m.T, domain=lambda _m, t: pyo.NonNegativeReals if t else pyo.Reals, bounds=(-2.0, 9.0))
    m.q[2].fix(1.5)
    m.objective.deactivate()
    m.total = pyo.Objective(expr=sum(m.p.values()) + sum(m.q.values()) + sum(m.r.values()) + sum(m.s.values()))
    form = standard_form(m)
    q, r, s = 6, 6 + 3, 6 + 3 + 2  # the first columns of q, r and s (p has 6)
    assert form.lower[q : q + 3].tolist() == [0.0, 0.0, 1.5] and form.upper[q : q + 3].tolist() == [4.0, np.inf, 1.5]
    assert form.lower[r : r + 2].tolist() == [-np.inf, -np.inf] and form.upper[r : r + 2].tolist() == [7.0, 7.0]
    assert form.lower[s : s + 3].tolist() == [-2.0, 0.0, 0.0] and form.upper[s : s + 3].tolist() == [9.0] * 3
    sc = Scenario(year=2030, mode="expand", hours=24, start_hour=4800, min_stable=True)
    model = build_model(assemble(tables, sc)).model
    for var in model.component_objects(pyo.Var):
        assert entries(var) == list(var.values()), var.name
        assert values(var).tolist() == [0.0] * len(var), var.name
    reference = np.array([v.lb if v.lb is not None else -np.inf for v in model.component_data_objects(pyo.Var)])
    assert np.array_equal(standard_form(model).lower, reference)


def test_deferred_objective_hands_over_the_costs_of_its_expression(tables):
    """The objective's costs read from its per-entry arrays (the expression not made) equal those read from the
    Pyomo expression it makes when asked for, column by column, with the same constant; and the value of the
    expression at the optimum is the solver's objective."""
    from gzpower.model.rows import LinearObjective

    sc = Scenario(year=2030, mode="expand", hours=24, start_hour=4800)
    model = build_model(assemble(tables, sc)).model
    assert isinstance(model.objective, LinearObjective) and model.objective.cost_parts() is not None
    deferred = standard_form(model)
    assert model.objective.cost_parts() is not None  # the hand-over did not make the expression
    model.objective.set_value(model.objective.expr)  # made, then set as an ordinary expression
    assert model.objective.cost_parts() is None
    made = standard_form(model)
    assert np.count_nonzero(made.cost) > 1000 and np.allclose(deferred.cost, made.cost, rtol=1e-15, atol=0.0)
    assert deferred.offset == pytest.approx(made.offset, rel=1e-15)
    out = solve(model, SolverSettings())
    assert pyo.value(model.objective) == pytest.approx(out.objective, rel=1e-9)
