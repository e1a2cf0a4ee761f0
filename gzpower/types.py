"""The fixed choices of gzpower, each spelled once: the ``Literal`` types that annotate them, and the few
functions whose behaviour hangs on them.

Kept on the bottom floor (beside :mod:`gzpower.errors`) so that every layer, the CLI included, reads the allowed
values from here: ``typing.get_args(RunMode)`` gives the argparse ``choices=``, so a new value is added in one
place. These are ``Literal`` rather than ``Enum`` because the values are written as plain strings into run
manifests, parquet tables and command lines, and compared with them; an ``Enum`` would need converting at each
of those borders.
"""

from __future__ import annotations

from typing import Literal, get_args

#: "check": capacities fixed to the plan; "expand": least-cost investment on top of the standing fleet
RunMode = Literal["check", "expand"]

#: where the city's boundary sits: "province" models the rest of Guangdong as one bus (its load, its fleet and the
#: West-to-East supply), so the import price is the dual of the provincial balance; "fixed_price" keeps the external
#: Guangdong_grid node at its flat price and derate (the model before the province was added)
Boundary = Literal["province", "fixed_price"]

#: HiGHS algorithm names (``gzpower.solve.highs.ALGORITHMS`` maps each to HiGHS options); "auto" is resolved by
#: ``SolverSettings.resolved`` to simplex for a check, a Benders dispatch and a few representative days, and to
#: interior point for other expansions
Algorithm = Literal["auto", "simplex", "dual-simplex", "ipm", "ipm-no-crossover", "pdlp", "choose"]

#: how the model reaches HiGHS: "matrix" compiles sparse arrays for highspy, "pyomo" uses Pyomo's interface
SolverInterface = Literal["matrix", "pyomo"]

#: where a cold simplex solve of an LP over hours starts: "windows" from the bases of its weeks solved one after the
#: other (``gzpower.solve.windows``; the LP's own optimum, found about 4x faster on the full year), "plain" from
#: HiGHS's own start after its presolve
ColdStart = Literal["windows", "plain"]

#: expand only: "benders" solves the capacities in a master problem and the dispatch as a sub-problem, "none"
#: hands HiGHS the whole LP, "auto" picks Benders for long hourly expansions (``SolverSettings.resolved``)
Decomposition = Literal["auto", "benders", "none"]

#: a solve's outcome, mapped from HiGHS's model status
SolveStatus = Literal["optimal", "infeasible", "unbounded", "time_limit", "error"]

#: the statuses that come with a usable solution: "time_limit" keeps the best solution found, marked as such
SOLUTION_STATUSES: tuple[SolveStatus, ...] = ("optimal", "time_limit")

#: a sweep point's status: a solve status, or "failed" when the point raised (recorded, the sweep goes on)
PointStatus = Literal["optimal", "infeasible", "unbounded", "time_limit", "error", "failed"]

#: the objective's cost categories, as the builders in gzpower/model register them (``reg.cost(category, ...)``)
CostCategory = Literal[
    "fuel_and_vom",
    "fixed_om",
    "investment",
    "plan_investment",
    "demand_response",
    "imports",
    "unserved_energy",
    "province_fleet",
    "province_imports",
    "province_unserved_energy",
]

#: the cost categories of the rest of the province (boundary "province"): in the system objective, never in the
#: city's cost
PROVINCE_COST_CATEGORIES: tuple[CostCategory, ...] = ("province_fleet", "province_imports", "province_unserved_energy")

#: a row of the target check: checked ("pass" / "fail"), outside the model ("not modelled"), or a value shown
#: without a threshold ("reported", and the two plan targets reported with their unit)
TargetStatus = Literal[
    "pass",
    "fail",
    "above",
    "below",
    "not modelled",
    "reported",
    "reported (MWh taken in)",
    "reported (MW coal standing)",
]

#: what ``gzpower size`` searches: the battery power or the demand-response share of peak
SizingTarget = Literal["storage", "dr"]


def has_solution(status: str) -> bool:
    """Whether a run with this status has a solution to report (optimal, or the best one at a time limit)."""
    return status in SOLUTION_STATUSES


def choices(kind: object) -> tuple[str, ...]:
    """The allowed values of one of the ``Literal`` types above, in their written order (argparse ``choices=``)."""
    return tuple(get_args(kind))
