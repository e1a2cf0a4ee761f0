"""Sizing: the smallest city-wide battery fleet (MW at a fixed duration) or demand-response share of peak that
meets an adequacy criterion over the horizon, the rest of the plan fixed (check mode).

Method: bisection on the size :math:`s`. The unserved energy :math:`U(s)` of the dispatch LP is non-increasing
in :math:`s` (a larger battery or DR capacity only widens the feasible set of the dispatch; the plan's own
investment is a constant in the objective), so the set :math:`\\{s : U(s) \\le \\bar U\\}` (and likewise
:math:`\\{s : \\text{LOLE}(s) \\le \\bar L\\}`) is an interval :math:`[s^*, \\infty)`. Starting from a failing
lower end (0) and a passing upper end, each step halves :math:`[lo, hi]` keeping ``lo`` failing and ``hi``
passing, until :math:`hi - lo \\le \\text{tol}`; the answer is ``hi``, so :math:`s^* \\in (hi - \\text{tol}, hi]`.
Default tolerances: 5 MW of storage, 0.001 (0.1 % of peak) of DR share. Criterion default: unserved energy
<= 1 MWh over the horizon; ``--max-lole H`` uses loss-of-load hours <= H instead. Caveat for LOLE: the LP
minimises cost, not the number of short hours, so when unserved energy is unavoidable its spread over hours is a
tie the solver breaks arbitrarily, and LOLE need not be monotone in the size (on the 2030 summer week: 1 h at
3.98 % DR, 2 h at 4.04 %). The bisection then returns a size that meets the criterion, bracketed by one that
does not, but not provably the smallest; the unserved-energy criterion has no such caveat.

Around the answer the curve of unserved energy, loss-of-load hours and total cost against size is evaluated on
a small grid (plus the plan's own size) and written like a sweep summary to
``<runs>/sweeps/<id>/summary.parquet``. The verdict compares the plan's size against the answer: *short* (the
plan's size fails the criterion), *enough* (it passes and exceeds the minimum by at most the tolerance) or
*more than needed* (by how much).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

import pandas as pd

from gzpower import progress
from gzpower.model.data import family_inputs
from gzpower.scenario.scenario import Scenario
from gzpower.solve.highs import SolverSettings
from gzpower.types import SizingTarget, SolveStatus, has_solution


@dataclass(frozen=True)
class Criterion:
    """Adequacy over the horizon: unserved energy at most ``max_unserved_mwh`` or, when given, loss-of-load hours
    at most ``max_lole_h``."""

    max_unserved_mwh: float = 1.0
    max_lole_h: float | None = None

    def met(self, unserved_mwh: float, lole_h: float) -> bool:
        if self.max_lole_h is not None:
            return lole_h <= self.max_lole_h + 1e-9
        return unserved_mwh <= self.max_unserved_mwh

    def describe(self) -> str:
        if self.max_lole_h is not None:
            return f"loss-of-load hours <= {self.max_lole_h:g} h"
        return f"unserved energy <= {self.max_unserved_mwh:g} MWh"


@dataclass(frozen=True)
class Evaluation:
    size: float
    status: SolveStatus
    unserved_mwh: float
    loss_of_load_hours: float
    cost_cny: float | None = None
    objective_mcny: float | None = None
    meets: bool = False


@dataclass
class SizingResult:
    what: SizingTarget | Literal[""]  # "" until size() fills it in
    unit: str  # MW | share of peak
    criterion: Criterion
    tolerance: float
    lower: float  # largest size known to fail (or the search's lower end when it passes)
    upper: float  # smallest size known to pass (the answer) or the search's upper end when it fails
    answer: float | None  # None: even the upper end does not meet the criterion
    evaluations: list[Evaluation] = field(default_factory=list)  # every size solved, in order
    plan_size: float | None = None
    verdict: str = ""

    def curve(self) -> pd.DataFrame:
        frame = pd.DataFrame([e.__dict__ for e in self.evaluations]).drop_duplicates("size")
        return frame.sort_values("size").reset_index(drop=True)


Evaluator = Callable[[float], Evaluation]


def bisect_size(evaluate: Evaluator, lower: float, upper: float, tol: float, criterion: Criterion) -> SizingResult:
    """Smallest size in [lower, upper] meeting ``criterion`` to within ``tol`` (see the module docstring)."""
    if tol <= 0 or upper < lower:
        raise ValueError(f"bisection needs tol > 0 and lower <= upper (got {tol}, [{lower}, {upper}])")
    seen: list[Evaluation] = []

    def ev(size: float) -> Evaluation:
        e = evaluate(size)
        e = replace(e, meets=has_solution(e.status) and criterion.met(e.unserved_mwh, e.loss_of_load_hours))
        seen.append(e)
        progress.say(
            f"sizing step {len(seen)}: size {size:,.4g} -> {e.unserved_mwh:,.1f} MWh unserved in "
            f"{e.loss_of_load_hours:g} h ({'meets' if e.meets else 'fails'} {criterion.describe()})"
        )
        return e

    result = SizingResult("", "", criterion, tol, lower, upper, None, seen)
    if not ev(upper).meets:
        return result
    if ev(lower).meets:
        result.answer = result.upper = lower
        return result
    lo, hi = lower, upper
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if ev(mid).meets:
            hi = mid
        else:
            lo = mid
    result.lower, result.upper, result.answer = lo, hi, hi
    return result


def verdict(result: SizingResult, plan: Evaluation) -> str:
    """Plain words: is the plan's size short, enough, or more than needed?"""
    fmt = (lambda v: f"{v:,.0f} MW") if result.unit == "MW" else (lambda v: f"{100 * v:.1f} % of peak")
    if not plan.meets:
        if result.answer is None:
            return (
                f"SHORT: the plan's {fmt(plan.size)} fails ({result.criterion.describe()}), and even "
                f"{fmt(result.upper)} would not be enough for this horizon"
            )
        return (
            f"SHORT: the plan's {fmt(plan.size)} fails ({result.criterion.describe()}: "
            f"{plan.unserved_mwh:,.1f} MWh unserved, {plan.loss_of_load_hours:g} h); at least "
            f"{fmt(result.answer)} is needed"
        )
    assert result.answer is not None
    surplus = plan.size - result.answer
    if surplus <= result.tolerance:
        return f"ENOUGH: the plan's {fmt(plan.size)} meets the criterion and the minimum is {fmt(result.answer)}"
    return (
        f"MORE THAN NEEDED: the plan's {fmt(plan.size)} meets the criterion, but {fmt(result.answer)} would "
        f"do for this horizon ({fmt(surplus)} to spare)"
    )


def curve_sizes(result: SizingResult, plan_size: float, points: int = 3) -> list[float]:
    """A small grid around the answer (``points`` steps each side, step = max(tol, 10 % of the larger of answer
    and plan size)) and the plan's size, within the searched range."""
    centre = result.answer if result.answer is not None else result.upper
    step = max(result.tolerance, 0.1 * max(centre, plan_size))
    grid = {round(centre + k * step, 9) for k in range(-points, points + 1)}
    grid.add(plan_size)
    return sorted(s for s in grid if s >= 0.0)


# --- Guangzhou: evaluate a size with the shipped data -------------------------------------------------------------


def _evaluation(size: float, result) -> Evaluation:
    if not has_solution(result.status):
        return Evaluation(size, result.status, float("nan"), float("nan"))
    k = result.kpis
    return Evaluation(
        size, result.status, k["unserved_mwh"], float(k["loss_of_load_hours"]), k["cost_cny"], result.objective
    )


def storage_evaluator(tables: dict, base: Scenario, settings: SolverSettings, hours_of_storage: float) -> Evaluator:
    from gzpower.studies.run import solve_case

    return lambda mw: _evaluation(
        mw, solve_case(tables, replace(base, storage_mw=mw, storage_hours=hours_of_storage), settings)
    )


def dr_evaluator(tables: dict, base: Scenario, settings: SolverSettings) -> Evaluator:
    from gzpower.studies.run import solve_case

    return lambda share: _evaluation(share, solve_case(tables, replace(base, dr_share=share), settings))


def plan_storage(tables: dict, base: Scenario) -> tuple[float, float]:
    """The plan's new city-wide battery power (MW) and its duration (h), as the check mode builds them."""
    st = family_inputs(tables, replace(base, mode="check", storage_mw=None), "storage")[0]["storage"]
    new = st[st["increment"].astype(bool)]
    mw = float(new["p_nom"].sum())
    hours = float(new["e_nom"].sum() / mw) if mw > 0 else base.storage_hours
    return mw, hours


def plan_dr_share(tables: dict, base: Scenario) -> float:
    """The plan's demand-response capability as a share of the annual peak, as the check mode builds it."""
    parts, ctx = family_inputs(tables, replace(base, mode="check", dr_share=None), "demand_response")
    return float(parts["demand_response"]["p_nom"].sum() / ctx.peak)


def size(
    what: SizingTarget,
    tables: dict,
    base: Scenario,
    settings: SolverSettings,
    criterion: Criterion,
    tol: float | None = None,
    upper: float | None = None,
    hours_of_storage: float | None = None,
) -> SizingResult:
    """Bisection for ``what`` in ('storage', 'dr'), then the curve around the answer and the plan's verdict."""
    base = replace(base, mode="check")
    if what == "storage":
        plan, plan_hours = plan_storage(tables, base)
        evaluate = storage_evaluator(tables, base, settings, hours_of_storage or plan_hours)
        tol, upper, unit = tol or 5.0, upper if upper is not None else 10_000.0, "MW"
    elif what == "dr":
        plan = plan_dr_share(tables, base)
        evaluate = dr_evaluator(tables, base, settings)
        tol, upper, unit = tol or 0.001, upper if upper is not None else 0.30, "share of peak"
    else:
        raise ValueError(f"unknown sizing target '{what}' (storage or dr)")
    result = bisect_size(evaluate, 0.0, upper, tol, criterion)
    result.what, result.unit, result.plan_size = what, unit, plan
    done = {e.size for e in result.evaluations}
    for s in curve_sizes(result, plan):
        if s not in done:
            e = evaluate(s)
            progress.say(f"curve point {s:,.4g}: {e.unserved_mwh:,.1f} MWh unserved in {e.loss_of_load_hours:g} h")
            result.evaluations.append(
                replace(
                    e,
                    meets=has_solution(e.status) and criterion.met(e.unserved_mwh, e.loss_of_load_hours),
                )
            )
            done.add(s)
    plan_eval = next(e for e in result.evaluations if e.size == plan)
    result.verdict = verdict(result, plan_eval)
    return result


def summary_frame(result: SizingResult) -> pd.DataFrame:
    curve = result.curve()
    curve.insert(0, "what", result.what)
    curve["is_answer"] = curve["size"] == result.answer
    curve["is_plan"] = curve["size"] == result.plan_size
    return curve


def format_result(result: SizingResult, base: Scenario) -> str:
    from gzpower.report.text import table

    label = "storage (MW)" if result.what == "storage" else "DR share of peak"
    curve = summary_frame(result)
    view = pd.DataFrame(
        {
            label: [f"{s:,.1f}" if result.what == "storage" else f"{s:.4f}" for s in curve["size"]],
            "status": curve["status"],
            "unserved MWh": [f"{v:,.1f}" for v in curve["unserved_mwh"]],
            "LOLE h": [f"{v:g}" for v in curve["loss_of_load_hours"]],
            "cost M CNY": [f"{v / 1e6:,.2f}" if pd.notna(v) else "-" for v in curve["cost_cny"]],
            "meets": ["yes" if m else "no" for m in curve["meets"]],
            "": [
                " <- answer" if a else (" <- plan" if p else "") for a, p in zip(curve["is_answer"], curve["is_plan"])
            ],
        }
    )
    view.loc[curve["is_answer"] & curve["is_plan"], ""] = " <- answer = plan"
    head = (
        f"{base.year}, {base.hours} h from hour {base.start_hour}; criterion: {result.criterion.describe()}; "
        f"bisection tolerance {result.tolerance:g} {'MW' if result.unit == 'MW' else '(share of peak)'}"
    )
    if result.answer is None:
        answer = f"no size up to {result.upper:g} meets the criterion"
    elif result.answer == result.lower:
        answer = f"minimal size: {result.answer:g} (the lower end already meets the criterion)"
    else:
        answer = f"minimal size: {result.answer:,.4g} (the minimum lies in ({result.lower:,.4g}, {result.upper:,.4g}])"
    return "\n".join([head, answer, table(view), result.verdict])
