"""Shared registries that builders add to and that the balance, reserve, CO2 and objective are built from.

Mirrors Switch's ``Zone_Power_Injections`` / GenX's ``ePowerBalance``: a builder never writes the energy balance;
it registers *where* its variables inject or withdraw power, what they cost and what they emit, and
:mod:`gzpower.model.system` assembles the balance per bus and hour once, last.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression
from pyomo.repn.standard_repn import generate_standard_repn

#: Costs enter the objective in million CNY so that coefficients stay near 1 (HiGHS scales better).
COST_SCALE = 1e-6


def linear(coefs, variables, constant: float = 0.0) -> LinearExpression:
    """A linear expression built in one step: far cheaper than summing ``coef * var`` products one by one."""
    coefs, variables = list(coefs), list(variables)
    return LinearExpression(constant=float(constant), linear_coefs=[float(c) for c in coefs], linear_vars=variables)


@dataclass(frozen=True)
class PerEntry:
    """``sum_j coefs[j] * x_j`` over every entry ``x_j`` of one variable, in the variable's own order.

    Hourly costs and emissions are kept as arrays like this, not as Pyomo expressions over hundreds of thousands
    of terms: the objective is the only such expression built, and results are evaluated with numpy."""

    var: pyo.Var
    coefs: np.ndarray

    def value(self) -> float:
        x = np.fromiter((v.value or 0.0 for v in self.var.values()), dtype=float, count=len(self.var))
        return float(self.coefs @ x)

    def terms(self) -> tuple[list, list]:
        """Nonzero coefficients and their variables."""
        entries = list(self.var.values())
        nonzero = np.flatnonzero(self.coefs)
        return self.coefs[nonzero].tolist(), [entries[j] for j in nonzero]


def evaluate(item) -> float:
    """Value of a registered cost or emission (a number, a :class:`PerEntry` or a Pyomo expression)."""
    if isinstance(item, PerEntry):
        return item.value()
    return float(pyo.value(item))


def merge_linear(exprs, scale: float = 1.0) -> LinearExpression:
    """One linear expression equal to ``scale * sum(exprs)``: linear expressions are concatenated term lists
    (no expression tree over hundreds of thousands of terms), numbers add to the constant, anything else is
    reduced to its standard linear form first."""
    coefs: list = []
    variables: list = []
    constant = 0.0
    for expr in exprs:
        if isinstance(expr, (int, float)):
            constant += float(expr)
            continue
        if isinstance(expr, PerEntry):
            c, v = expr.terms()
            coefs.extend(c)
            variables.extend(v)
            continue
        if type(expr) is not LinearExpression:
            repn = generate_standard_repn(expr, compute_values=True, quadratic=False)
            if repn.nonlinear_expr is not None:
                raise ValueError(f"not linear: {expr}")
            expr = LinearExpression(
                constant=float(repn.constant), linear_coefs=list(repn.linear_coefs), linear_vars=list(repn.linear_vars)
            )
        coefs.extend(expr.linear_coefs)
        variables.extend(expr.linear_vars)
        constant += float(pyo.value(expr.constant))
    return LinearExpression(
        constant=scale * constant, linear_coefs=[scale * float(c) for c in coefs], linear_vars=variables
    )


@dataclass(frozen=True)
class Terms:
    """``sum_k coef_k * var[key_k]`` (static) or, for each hour t, ``sum_k coef_k * var[key_k, t]`` (hourly)."""

    var: pyo.Var
    keys: list
    coefs: list


@dataclass
class Headroom:
    """Spinning-reserve headroom one family offers in hour t (MW):
    ``constant + sum(static terms) + sum(hourly terms at t)``."""

    constant: float = 0.0
    static: list[Terms] = field(default_factory=list)
    hourly: list[Terms] = field(default_factory=list)


@dataclass(frozen=True)
class Injection:
    """``sign * coef[key] * var[key, t]`` injected at each bus the key sits at."""

    name: str
    var: pyo.Var
    keys_by_bus: dict[str, list]
    sign: float = 1.0
    coef: dict | None = None


@dataclass
class Registry:
    injections: list[Injection] = field(default_factory=list)
    #: category -> numbers, PerEntry arrays or Pyomo expressions in CNY (scaled by COST_SCALE in the objective)
    costs: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    #: reserve headroom (MW) each family provides, per hour
    reserve: list[Headroom] = field(default_factory=list)
    #: source -> tCO2 over the horizon (PerEntry)
    emissions: dict[str, object] = field(default_factory=dict)
    #: the investment decisions (capacity added, indexed by element): what Benders hands its master problem
    investments: list[pyo.Var] = field(default_factory=list)

    def invest(self, var: pyo.Var) -> None:
        self.investments.append(var)

    def inject(self, name: str, var: pyo.Var, bus_of: dict, sign: float = 1.0, coef: dict | None = None) -> None:
        keys_by_bus: dict[str, list] = defaultdict(list)
        for key, bus in bus_of.items():
            keys_by_bus[bus].append(key)
        self.injections.append(Injection(name, var, dict(keys_by_bus), sign, coef))

    def cost(self, category: str, expr) -> None:
        self.costs[category].append(expr)
