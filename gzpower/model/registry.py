"""Shared registries that builders add to and that the balance, reserve, CO2 and objective are built from.

Mirrors Switch's ``Zone_Power_Injections`` / GenX's ``ePowerBalance``: a builder never writes the energy balance;
it registers *where* its variables inject or withdraw power (and the column of the results' balance table each
term lands in), what they cost and what they emit, and the capacity of each of its elements;
:mod:`gzpower.model.system` assembles the balance per bus and hour once, last, and the plan floors, the target
check, the myopic inheritance and the Benders labels all read the capacity records (:class:`CapacityRecord`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression
from pyomo.repn.standard_repn import generate_standard_repn

from gzpower.model.entries import entries, values
from gzpower.types import CostCategory

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
        return float(self.coefs @ values(self.var))

    def terms(self) -> tuple[list, list]:
        """Nonzero coefficients and their variables."""
        data = entries(self.var)
        nonzero = np.flatnonzero(self.coefs)
        return self.coefs[nonzero].tolist(), [data[j] for j in nonzero]


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
    """``sign * coef[key] * var[key, t]`` injected at each bus the key sits at.

    ``column`` is the column of the results' balance table the term lands in; a ``withdrawal`` column reports the
    term with its sign turned (charging is shown as a positive MW drawn from the bus)."""

    name: str
    var: pyo.Var
    keys_by_bus: dict[str, list]
    sign: float = 1.0
    coef: dict | None = None
    column: str = ""
    withdrawal: bool = False


#: The plan's capacity targets as sums over technologies (MW): the one definition the plan floors
#: (:mod:`gzpower.model.policy`) and the target check (:mod:`gzpower.results.targets`) share.
#: Renewable capacity counts waste-to-energy, as the plan does ("PV, wind, biomass/waste-to-energy").
GAS_TECHNOLOGIES = ("gas_ccgt", "gas_ocgt", "gas_steam", "gas_other")
TARGET_TECHNOLOGIES: dict[str, tuple[str, ...]] = {
    "gas_capacity": GAS_TECHNOLOGIES,
    "re_capacity": ("pv_rooftop", "pv_ground", "wind_onshore", "waste"),
    "storage_capacity": ("battery_power",),
    "dr_capability": ("dr_peak",),
    "coal": ("coal",),
}


@dataclass(frozen=True)
class CapacityRecord:
    """One element's capacity: what it is, where, how much stands and the decision that adds to it.

    ``technology`` has one meaning per word (gas_ccgt, coal, waste, pv_ground, pv_rooftop, wind_onshore,
    battery_power, battery_energy, pumped_hydro, pumped_hydro_energy, dr_peak, import_interface, import_source).
    ``location`` is where a myopic chain finds the element again next year: its bus, or for an interface (two
    may land at one district) its link. ``added`` is the Var of the capacity added, indexed by ``index`` (None when
    the element is not extendable); ``increment`` marks the plan's increment over the base-year fleet."""

    element: str
    family: str
    technology: str
    bus: str
    unit: Literal["MW", "MWh"]
    existing: float
    added: pyo.Var | None
    index: object
    extendable: bool
    increment: bool
    carrier: str | None = None
    status: str = "standing"
    location: str = ""

    def total(self):
        """Standing plus added capacity: a number, or a one-variable linear expression."""
        if self.added is None:
            return self.existing
        return linear([1.0], [self.added[self.index]], self.existing)

    def added_value(self) -> float:
        return float(self.added[self.index].value or 0.0) if self.added is not None else 0.0


@dataclass
class Registry:
    injections: list[Injection] = field(default_factory=list)
    #: category -> numbers, PerEntry arrays or Pyomo expressions in CNY (scaled by COST_SCALE in the objective)
    costs: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    #: reserve headroom (MW) each family provides, per hour
    reserve: list[Headroom] = field(default_factory=list)
    #: source -> tCO2 over the horizon (PerEntry)
    emissions: dict[str, PerEntry] = field(default_factory=dict)
    #: the investment decisions (capacity added, indexed by element): what Benders hands its master problem
    investments: list[pyo.Var] = field(default_factory=list)
    #: every element's capacity, in the order the families register them
    capacities: list[CapacityRecord] = field(default_factory=list)

    def invest(self, var: pyo.Var) -> None:
        self.investments.append(var)

    def inject(
        self,
        name: str,
        var: pyo.Var,
        bus_of: dict,
        sign: float = 1.0,
        coef: dict | None = None,
        *,
        column: str,
        withdrawal: bool = False,
    ) -> None:
        """Register ``sign * coef[key] * var[key, t]`` at each key's bus; ``column`` is the balance-table column it
        lands in (required: a term without a column would drop out of the results' balance)."""
        keys_by_bus: dict[str, list] = defaultdict(list)
        for key, bus in bus_of.items():
            keys_by_bus[bus].append(key)
        self.injections.append(Injection(name, var, dict(keys_by_bus), sign, coef, column, withdrawal))

    def capacity(
        self,
        element: str,
        family: str,
        technology: str,
        bus: str,
        unit: Literal["MW", "MWh"],
        existing: float,
        added: pyo.Var | None = None,
        index: object = None,
        increment: bool = False,
        **details,
    ) -> None:
        """Record one element's capacity; ``added`` (with ``index``) only for an extendable element."""
        record = CapacityRecord(
            element,
            family,
            technology,
            bus,
            unit,
            float(existing),
            added,
            index,
            added is not None,
            bool(increment),
            **details,
        )
        self.capacities.append(replace(record, location=record.location or bus))

    def installed(self, technologies: tuple[str, ...], unit: str = "MW"):
        """Installed capacity over ``technologies``: a number when nothing is extendable, else a linear expression."""
        selected = [r for r in self.capacities if r.technology in technologies and r.unit == unit]
        added = [r.added[r.index] for r in selected if r.added is not None]
        constant = sum(r.existing for r in selected)
        if not added:
            return constant
        return linear([1.0] * len(added), added, constant)

    def technology_of(self) -> dict:
        """(var name, index) of each capacity decision -> (technology, unit)."""
        return {(r.added.name, r.index): (r.technology, r.unit) for r in self.capacities if r.added is not None}

    def cost(self, category: CostCategory, expr) -> None:
        self.costs[category].append(expr)


def by_technology(capacities: dict, reg: Registry) -> dict:
    """Capacity decisions ((var name, index) -> value) summed per technology: "<technology> (<unit>)" -> MW or MWh."""
    technology = reg.technology_of()
    totals: dict[str, float] = {}
    for key, value in capacities.items():
        tech, unit = technology[key]
        label = f"{tech} ({unit})"
        totals[label] = totals.get(label, 0.0) + value
    return totals
