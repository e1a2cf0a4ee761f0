"""Shared registries that builders add to and that the balance, reserve, CO2 and objective are built from.

Mirrors Switch's ``Zone_Power_Injections`` / GenX's ``ePowerBalance``: a builder never writes the energy balance;
it registers *where* its variables inject or withdraw power, what they cost and what they emit, and
:mod:`gzpower.model.system` assembles the balance per bus and hour once, last.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

#: Costs enter the objective in million CNY so that coefficients stay near 1 (HiGHS scales better).
COST_SCALE = 1e-6


def linear(coefs, variables, constant: float = 0.0) -> LinearExpression:
    """A linear expression built in one step: far cheaper than summing ``coef * var`` products one by one."""
    coefs, variables = list(coefs), list(variables)
    return LinearExpression(constant=float(constant), linear_coefs=[float(c) for c in coefs], linear_vars=variables)


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
    #: category -> Pyomo expressions in CNY (scaled by COST_SCALE in the objective)
    costs: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    #: functions t -> expression of reserve headroom (MW) provided in hour t
    reserve: list[Callable] = field(default_factory=list)
    #: source -> expression of tCO2 over the horizon
    emissions: dict[str, object] = field(default_factory=dict)

    def inject(self, name: str, var: pyo.Var, bus_of: dict, sign: float = 1.0, coef: dict | None = None) -> None:
        keys_by_bus: dict[str, list] = defaultdict(list)
        for key, bus in bus_of.items():
            keys_by_bus[bus].append(key)
        self.injections.append(Injection(name, var, dict(keys_by_bus), sign, coef))

    def cost(self, category: str, expr) -> None:
        self.costs[category].append(expr)
