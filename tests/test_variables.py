"""ArrayVar (gzpower.model.variables): the entries a bounds rule would make, from arrays."""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest

from gzpower.model.variables import ArrayVar, per_element


def _model() -> pyo.ConcreteModel:
    m = pyo.ConcreteModel()
    m.E = pyo.Set(initialize=["a", "b", "c"], ordered=True)
    m.T = pyo.Set(initialize=range(4), ordered=True)
    return m


def test_entries_equal_those_of_a_bounds_rule():
    """Element a bounded by 1, 2, 3, 4 MW over its hours, b by 5 MW every hour, c without an upper bound; the
    lower bound -1 everywhere: entry for entry the same lb, ub, domain, index, value and name as ``pyo.Var``
    with the same bounds as a rule, in the same order."""
    m = _model()
    upper = {"a": [1.0, 2.0, 3.0, 4.0], "b": [5.0] * 4, "c": [None] * 4}
    m.rule = pyo.Var(m.E, m.T, domain=pyo.NonNegativeReals, bounds=lambda _m, e, t: (-1.0, upper[e][t]))
    m.arrays = ArrayVar(
        m.E, m.T, domain=pyo.NonNegativeReals, lower=-1.0, upper=per_element([[1.0, 2.0, 3.0, 4.0], 5.0, None], 4)
    )
    assert list(m.arrays.keys()) == list(m.rule.keys())
    for key in m.rule:
        a, r = m.arrays[key], m.rule[key]
        assert (a.lb, a.ub, a.domain, a.value, a.fixed, a.index()) == (
            r.lb,
            r.ub,
            r.domain,
            r.value,
            r.fixed,
            r.index(),
        )
        assert a.name == r.name.replace("rule", "arrays")
    assert m.arrays["a", 2].ub == 3.0 and m.arrays["c", 0].ub is None and m.arrays["b", 1].lb == 0.0  # domain
    m.arrays["a", 0].fix(0.5)
    assert m.arrays["a", 0].value == 0.5 and m.arrays["a", 0].fixed


def test_an_infinite_bound_is_none_and_a_bad_bound_is_refused():
    m = _model()
    m.x = ArrayVar(m.E, m.T, lower=-np.inf, upper=np.array([np.inf, 1.0, 2.0, 3.0] * 3))
    assert m.x["a", 0].lb is None and m.x["a", 0].ub is None and m.x["c", 3].ub == 3.0
    with pytest.raises(ValueError, match="y: upper bounds for \\(11,\\) entries, the index has 12"):
        m.y = ArrayVar(m.E, m.T, upper=np.zeros(11))
    with pytest.raises(ValueError, match="z: lower bound is NaN at entry 5"):
        m.z = ArrayVar(m.E, m.T, lower=np.where(np.arange(12) == 5, np.nan, 0.0))


def test_per_element_runs_element_major():
    assert per_element([1.0, None, [7.0, 8.0]], 2).tolist() == [1.0, 1.0, np.inf, np.inf, 7.0, 8.0]
    assert per_element([None], 3, -np.inf).tolist() == [-np.inf] * 3
    assert per_element([], 5).shape == (0,)
