"""Why is a case infeasible? An elastic re-solve that says which limits had to give, where and when.

Method (generic, no builder knows about it): the built model is compiled to the standard form
:math:`\\underline r \\le A x \\le \\overline r,\\ l \\le x \\le u` (as :func:`gzpower.solve.highs.solve_matrix` does)
and every row gets nonnegative slack columns,

.. math::
    a_i x - s_i \\le \\overline r_i, \\qquad a_i x + s_i \\ge \\underline r_i, \\qquad
    a_i x + s^{short}_i - s^{over}_i = r_i,

each priced at :math:`w_f \\cdot P` in the objective (million CNY per unit of slack, :math:`P` = 100, i.e.
1e8 CNY per MWh: three thousand times the value of lost load, so no real cost ever competes with a slack) on top
of the model's own cost, which keeps the elastic dispatch realistic. The family weight :math:`w_f` ranks what
may give first: policy limits (CO2 cap, reserve, minimum stable output: 0.1) before energy (balance, plan
floors: 1) before physics (Kirchhoff, storage continuity, ramps, capacity rows: 10). The elastic LP is always
feasible unless a variable's own bounds conflict (lower above upper), which is reported directly.

Hard limits written as variable bounds need no extra columns: unserved energy forbidden through the bound
:math:`u \\le 0` is relaxed by the slack of the balance row of the same bus and hour, which plays exactly the
role of unserved energy at the penalty price; fixed capacities stay bounds, and the diagnosis reports them as
the *reason* a bus was short (units at capacity, interfaces and lines at their limit).

Nonzero slacks are grouped by Pyomo component (constraint family) and index (bus, element, hour -> timestamp),
written as a table and explained in words.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyomo.environ as pyo

if TYPE_CHECKING:
    import scipy.sparse as sp

    from gzpower.solve.highs import StandardForm

#: penalty per unit of slack, million CNY (1e8 CNY per MWh short)
PENALTY = 100.0
#: what gives first: lower weight = softer limit
FAMILY_WEIGHT = {
    "co2_cap": 0.1,
    "reserve": 0.1,
    "thermal_min_stable": 0.1,
    "thermal_chp_floor": 0.1,
    "balance": 1.0,
    "plan_floor": 1.0,
    "dr_daily_energy": 1.0,
}
PHYSICS_WEIGHT = 10.0
UNITS = {
    "balance": "MW",
    "co2_cap": "tCO2",
    "plan_floor": "MW",
    "reserve": "MW",
    "thermal_min_stable": "MW",
    "thermal_chp_floor": "MW",
    "thermal_ramp": "MW",
    "thermal_ramp_up": "MW",
    "thermal_ramp_down": "MW",
    "thermal_capacity": "MW",
    "link_capacity": "MW",
    "storage_soc_balance": "MWh",
    "kvl": "MW (reactance-weighted)",
}
#: slacks below this (in the row's unit) are solver noise
TOLERANCE = 1e-4
#: the friendly words for the variables that inject power at a bus
SUPPLIERS = {
    "thermal_p": "thermal",
    "renewable_p": "renewables",
    "storage_discharge": "storage",
    "dr_shed": "demand response",
    "link_flow": "import interface",
    "line_flow": "line",
    "import_supply": "import source",
}
PLAN_FLOOR_WORDS = {
    "gas_capacity": "gas capacity",
    "re_capacity": "renewable capacity",
    "storage_capacity": "new storage power",
    "dr_capability": "demand-response capability",
}


@dataclass
class Diagnosis:
    """The elastic re-solve's verdict: every slack that had to be nonzero, and the explanation in words."""

    table: pd.DataFrame  # family, element, bus, hour, timestamp, direction (short|over), amount, unit, limit
    lines: list[str]
    elastic_status: str

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def families(self) -> list[str]:
        return sorted(set(self.table["family"])) if len(self.table) else []


# --- the elastic LP ------------------------------------------------------------------------------------------------


@dataclass
class _Elastic:
    form: StandardForm  # of the original model
    columns: list
    matrix: sp.csr_matrix  # the original rows
    row_lower: np.ndarray
    row_upper: np.ndarray
    slack_row: np.ndarray  # row index of each slack column
    slack_sign: np.ndarray  # +1: row activity was raised (short), -1: lowered (over)
    x: np.ndarray | None  # None: the elastic LP has no solution (see status)
    slack: np.ndarray | None
    status: str  # HiGHS's model status in words, or the bound conflict that prevented the solve
    relaxed_upper: np.ndarray | None = None  # original upper bound of columns whose bound was relaxed, else NaN


def _families(form) -> np.ndarray:
    """The constraint family (component name) of every row of a standard form."""
    return np.repeat(
        np.array([b.component.local_name for b in form.blocks], dtype=object), [b.count for b in form.blocks]
    )


def _weight(family: str) -> float:
    return FAMILY_WEIGHT.get(family, PHYSICS_WEIGHT)


def _relax_bounds(columns, upper: np.ndarray, cost: np.ndarray, built) -> np.ndarray:
    """Relax the hard limits written as bounds: forbidden unserved energy may be up to the load, at the penalty.

    Returns the original upper bounds of the relaxed columns (NaN elsewhere); ``upper`` and ``cost`` are edited.
    """
    original = np.full(len(columns), np.nan)
    load = built.data.load
    for j, var in enumerate(columns):
        if var.parent_component().local_name != "unserved":
            continue
        bus, hour = var.index()
        ceiling = float(load[bus].iloc[hour])
        if upper[j] < ceiling - 1e-9:
            original[j] = upper[j]
            upper[j] = ceiling
            cost[j] = PENALTY * FAMILY_WEIGHT["balance"]
    return original


def _solve_elastic(built, time_limit: float | None = None) -> _Elastic:
    import highspy
    import scipy.sparse as sp

    from gzpower.solve.highs import run_interruptible, standard_form

    form = standard_form(built.model)
    columns = form.columns
    n_col, n_row = len(columns), form.n_rows
    inf = highspy.kHighsInf
    lower, upper, row_lower, row_upper = form.lower, form.upper, form.row_lower, form.row_upper
    kind = form.row_kind
    A = form.A.tocsr()
    # one slack per inequality, two per equality: +1 raises the row activity (fills a shortfall), -1 lowers it
    rows: list[int] = []
    signs: list[float] = []
    for i, k in enumerate(kind):
        if k <= 0:
            rows.append(i)
            signs.append(1.0)
        if k >= 0:
            rows.append(i)
            signs.append(-1.0)
    slack_row, slack_sign = np.array(rows, dtype=int), np.array(signs)
    n_slack = len(slack_row)
    S = sp.csr_matrix((slack_sign, (slack_row, np.arange(n_slack))), shape=(n_row, n_slack))
    full = sp.hstack([A, S]).tocsc()
    # a balance row may fall short only beyond what relaxed unserved energy covers: a physics-grade slack
    family = _families(form)
    weights = (
        np.array(
            [
                PHYSICS_WEIGHT if (family[i] == "balance" and sign > 0) else _weight(family[i])
                for i, sign in zip(slack_row, slack_sign)
            ]
        )
        * PENALTY
    )
    cost = form.sense * form.cost
    relaxed = _relax_bounds(columns, upper, cost, built)
    conflicts = np.flatnonzero(lower > upper + 1e-9)
    if conflicts.size:
        return _Elastic(
            form,
            columns,
            A,
            row_lower,
            row_upper,
            slack_row,
            slack_sign,
            None,
            None,
            "bound conflict: " + ", ".join(columns[j].name for j in conflicts[:5]),
        )

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    if time_limit is not None:
        highs.setOptionValue("time_limit", float(time_limit))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_col + n_slack, n_row
    lp.col_cost_ = np.concatenate([cost, weights])
    lp.col_lower_ = np.concatenate([lower, np.zeros(n_slack)])
    lp.col_upper_ = np.concatenate([upper, np.full(n_slack, inf)])
    lp.row_lower_, lp.row_upper_ = row_lower, row_upper
    lp.sense_ = highspy.ObjSense.kMinimize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = full.indptr.astype(np.int32)
    lp.a_matrix_.index_ = full.indices.astype(np.int32)
    lp.a_matrix_.value_ = full.data.astype(float)
    highs.passModel(lp)
    run_interruptible(highs)
    status = highs.modelStatusToString(highs.getModelStatus())
    if int(highs.getInfo().primal_solution_status) != 2:
        return _Elastic(form, columns, A, row_lower, row_upper, slack_row, slack_sign, None, None, status)
    values = np.asarray(highs.getSolution().col_value, dtype=float)
    return _Elastic(
        form, columns, A, row_lower, row_upper, slack_row, slack_sign, values[:n_col], values[n_col:], status, relaxed
    )


# --- reading the slacks -----------------------------------------------------------------------------------------


def _index(con) -> tuple:
    idx = con.index()
    if idx is None:
        return ()
    return idx if isinstance(idx, tuple) else (idx,)


def _hour_position(comp, m) -> int | None:
    """Position of the hour in the component's index, when the index set ends with the model's hours."""
    if not comp.is_indexed():
        return None
    subsets = list(comp.index_set().subsets())
    if subsets and subsets[-1] is m.T:
        return comp.index_set().dimen - 1
    hourly = getattr(m, "RESERVE_T", None)
    if subsets and subsets[-1] is hourly:
        return 0
    # flat sets of (element, hour) pairs built by the builders (ramps, min stable, capacity rows)
    dimen = comp.index_set().dimen
    if (
        isinstance(dimen, int)
        and dimen >= 2
        and comp.local_name.startswith(("thermal_", "link_", "storage_", "renewable_", "dr_"))
    ):
        return dimen - 1
    return None


def _bus_of(element: str, d) -> str | None:
    for frame in (d.thermal, d.renewables, d.storage):
        if element in frame.index and "bus" in frame.columns:
            return str(frame.at[element, "bus"])
    if element in d.links.index:
        return str(d.links.at[element, "bus1"])
    if element in d.districts or element in d.externals:
        return element
    return None


def slack_table(el: _Elastic, built) -> pd.DataFrame:
    m, d = built.model, built.data
    records = []
    if el.slack is None or el.x is None or el.relaxed_upper is None:  # no elastic solution: nothing to read
        return pd.DataFrame(
            columns=["family", "element", "bus", "hour", "timestamp", "direction", "amount", "unit", "limit"]
        )
    for j in np.flatnonzero(el.slack > TOLERANCE):
        i = el.slack_row[j]
        con = el.form.constraint(i)
        comp = con.parent_component()
        family = comp.local_name
        idx = _index(con)
        pos = _hour_position(comp, m)
        hour = int(idx[pos]) if pos is not None else None
        rest = [x for k, x in enumerate(idx) if k != pos]
        element = ",".join(str(x) for x in rest) if rest else ""
        bus = _bus_of(str(rest[0]), d) if rest else None
        direction = "short" if el.slack_sign[j] > 0 else "over"
        limit = el.row_lower[i] if direction == "short" else el.row_upper[i]
        records.append(
            {
                "family": family,
                "element": element,
                "bus": bus,
                "hour": hour,
                "timestamp": d.timestamps[hour] if hour is not None else pd.NaT,
                "direction": direction,
                "amount": float(el.slack[j]),
                "unit": UNITS.get(family, ""),
                "limit": float(limit),
                "row": int(i),
            }
        )
    # relaxed bounds: unserved energy beyond what was allowed is a shortfall of that bus's balance
    beyond = el.x - np.nan_to_num(el.relaxed_upper, nan=np.inf)
    for j in np.flatnonzero(beyond > TOLERANCE):
        bus, hour = el.columns[j].index()
        records.append(
            {
                "family": "balance",
                "element": bus,
                "bus": bus,
                "hour": int(hour),
                "timestamp": d.timestamps[hour],
                "direction": "short",
                "amount": float(beyond[j]),
                "unit": "MW",
                "limit": float(d.load[bus].iloc[hour]),
                "row": el.form.row_of(m.balance[bus, hour]),
            }
        )
    frame = pd.DataFrame(records)
    if frame.empty:
        return frame
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    return frame.sort_values(["family", "amount"], ascending=[True, False]).reset_index(drop=True)


# --- explaining in words ----------------------------------------------------------------------------------------


def _when(ts) -> str:
    return pd.Timestamp(ts).strftime("%Y-%m-%d %H:%M")


def _binding_at(el: _Elastic, row: int, d) -> list[str]:
    """What was at its limit among the suppliers of one bus-hour (from the balance row of the elastic solution).

    A column of the balance row delivers its most to the bus at its upper bound when its coefficient is
    positive (generation, flow into the bus) or at its lower bound when negative (a line drawn the other way).
    """
    if el.x is None:  # only a solved elastic LP has suppliers at a limit
        return []
    x = el.x
    start, end = el.matrix.indptr[row], el.matrix.indptr[row + 1]
    at_limit: dict[str, list] = defaultdict(list)
    for j, coef in zip(el.matrix.indices[start:end], el.matrix.data[start:end]):
        var = el.columns[j]
        name = var.parent_component().local_name
        if name not in SUPPLIERS:
            continue
        bound = var.ub if coef > 0 else var.lb
        if bound is None:
            continue
        value = x[j]
        if abs(value - bound) <= 1e-6 * max(1.0, abs(bound)) and abs(bound) > 1e-9:
            key = var.index()[0] if isinstance(var.index(), tuple) else var.index()
            at_limit[name].append((str(key), abs(float(bound))))
    words = []
    for name, items in at_limit.items():
        if name == "thermal_p":
            by_carrier: dict[str, float] = defaultdict(float)
            for unit, mw in items:
                carrier = str(d.thermal.at[unit, "carrier"]) if unit in d.thermal.index else "thermal"
                by_carrier[carrier] += mw
            words += [f"{c} at capacity ({mw:,.0f} MW)" for c, mw in sorted(by_carrier.items())]
        elif name == "link_flow":
            words += [f"import interface {k} at its limit ({mw:,.0f} MW)" for k, mw in items]
        elif name == "line_flow":
            words += [f"line {k} at its limit ({mw:,.0f} MW)" for k, mw in items]
        elif name == "renewable_p":
            words.append(f"renewables at full output ({sum(mw for _, mw in items):,.0f} MW)")
        elif name == "storage_discharge":
            words.append(f"storage at full discharge ({sum(mw for _, mw in items):,.0f} MW)")
        elif name == "dr_shed":
            words.append(f"demand response fully called ({sum(mw for _, mw in items):,.0f} MW)")
        else:
            words.append(f"{SUPPLIERS[name]} at its limit")
    return words


def _explain_balance(frame: pd.DataFrame, el: _Elastic, d, top: int) -> list[str]:
    out = []
    short = frame[frame["direction"] == "short"]
    if len(short):
        hours = short["hour"].nunique()
        per_bus = short.groupby("bus")["amount"].sum().sort_values(ascending=False)
        out.append(
            f"energy balance: demand could not be met in {hours} hour(s), {short['amount'].sum():,.0f} MWh "
            f"short in total ({', '.join(f'{b} {v:,.0f} MWh' for b, v in per_bus.head(5).items())})"
        )
        city_short = short.groupby("hour")["amount"].sum()
        for r in short.head(top).itertuples():
            words = _binding_at(el, r.row, d) if r.row >= 0 else []
            if not words:
                words = [
                    f"nothing there at a limit: the city as a whole is {city_short[r.hour]:,.0f} MW short this "
                    "hour and where the shortfall falls is arbitrary"
                ]
            out.append(f"  {r.bus} short {r.amount:,.0f} MW at {_when(r.timestamp)}: {', '.join(words)}")
    over = frame[frame["direction"] == "over"]
    if len(over):
        out.append(
            f"energy balance: {over['amount'].sum():,.0f} MWh more supply than demand could absorb in "
            f"{over['hour'].nunique()} hour(s) (must-run output above load)"
        )
        for r in over.head(top).itertuples():
            out.append(f"  {r.bus} {r.amount:,.0f} MW too much at {_when(r.timestamp)}")
    return out


def _explain(table: pd.DataFrame, el: _Elastic, built, top: int = 3) -> list[str]:
    d = built.data
    lines = []
    for family, frame in table.groupby("family", sort=False):
        if family == "balance":
            lines += _explain_balance(frame, el, d, top)
        elif family == "co2_cap":
            r = frame.iloc[0]
            lines.append(
                f"CO2 cap: the cap of {r.limit:,.0f} tCO2 over the horizon is exceeded by {r.amount:,.0f} "
                f"tCO2; serving the load within the other limits emits at least "
                f"{r.limit + r.amount:,.0f} tCO2"
            )
        elif family == "plan_floor":
            for r in frame.itertuples():
                con = el.form.constraint(r.row)
                target = pyo.value(con.lower) if con.lower is not None else r.limit
                what = PLAN_FLOOR_WORDS.get(r.element, r.element)
                lines.append(
                    f"plan floor '{r.element}': {what} can reach at most {target - r.amount:,.0f} MW "
                    f"(standing capacity plus site potentials), short of the plan's {target:,.0f} MW "
                    f"by {r.amount:,.0f} MW"
                )
        elif family == "reserve":
            worst = frame.iloc[0]
            lines.append(
                f"spinning reserve: short in {len(frame)} hour(s), by up to {worst.amount:,.0f} MW "
                f"(at {_when(worst.timestamp)})"
            )
        elif family in ("thermal_min_stable", "thermal_chp_floor"):
            per_unit = frame.groupby("element")["amount"].sum().sort_values(ascending=False)
            what = "minimum stable output" if family == "thermal_min_stable" else "CHP heat-led floor"
            lines.append(
                f"{what}: {len(per_unit)} unit(s) could not stay at their minimum in "
                f"{frame['hour'].nunique()} hour(s), {frame['amount'].sum():,.0f} MWh below it "
                f"({', '.join(f'{u} {v:,.0f} MWh' for u, v in per_unit.head(3).items())})"
            )
        else:
            worst = frame.iloc[0]
            where = (
                f" ({worst.element}"
                + (f" at {_when(worst.timestamp)}" if worst.hour is not None and not pd.isna(worst.hour) else "")
                + ")"
            )
            lines.append(
                f"{family}: had to give in {len(frame)} row(s), {frame['amount'].sum():,.4g} {worst.unit} "
                f"in total; worst {worst.amount:,.4g}{where if worst.element else ''}"
            )
    return lines


def option_causes(sc, families: list[str]) -> list[str]:
    """The scenario options that shrank a limit the diagnosis found giving way, in the words of the command line
    (a sweep or a manifest sets the same Scenario fields)."""
    causes = []
    if "balance" in families or "reserve" in families:
        if sc.import_scale < 1:
            causes.append(f"imports were scaled to {sc.import_scale:g} of their capacity by --import-scale")
        if sc.load_scale > 1:
            causes.append(f"the load was scaled up to {sc.load_scale:g} times by --load-scale")
        if sc.storage_mw is not None and sc.storage_mw <= 0:
            causes.append("the plan's new storage was set to 0 MW (storage_mw)")
        if sc.dr_share is not None and sc.dr_share <= 0:
            causes.append("demand response was set to 0 (dr_share)")
        if sc.without:
            causes.append(f"the plan's increment of {', '.join(sc.without)} was removed (counterfactual)")
        if not sc.coal_replacement:
            causes.append("the plan's coal-to-gas replacement was left out by --no-coal-replacement")
    if "balance" in families and not sc.allow_unserved:
        causes.append("unserved energy was forbidden by --no-unserved")
    if "co2_cap" in families and sc.co2_cap is not None:
        causes.append(f"CO2 was capped at {sc.co2_cap:,.0f} tCO2 by --co2-cap")
    if "thermal_min_stable" in families and sc.min_stable:
        causes.append("minimum stable output was imposed by --min-stable")
    if "thermal_chp_floor" in families and sc.chp_must_run:
        causes.append("CHP units were held online at their seasonal heat-led floor (--no-chp-must-run drops it)")
    if "plan_floor" in families and sc.mode == "expand" and sc.plan_floors:
        causes.append("the plan's targets were imposed as floors (--no-floors drops them)")
    return causes


def diagnose(built, time_limit: float | None = None) -> Diagnosis:
    """Re-solve ``built`` elastically and explain which limits had to give (see the module docstring)."""
    el = _solve_elastic(built, time_limit)
    label = built.data.scenario.label()
    if el.slack is None:
        return Diagnosis(slack_table(el, built), [f"{label}: no diagnosis possible ({el.status})"], el.status)
    table = slack_table(el, built)
    if table.empty:
        lines = [
            f"{label}: the elastic re-solve needs no slack: the infeasibility is within solver tolerances "
            "(try tighter tolerances or another algorithm)"
        ]
    else:
        head = ", ".join(f"{f} ({(table['family'] == f).sum()} row(s))" for f in table["family"].unique())
        lines = [f"{label} is infeasible; limits that had to give: {head}"]
        causes = option_causes(built.data.scenario, list(table["family"].unique()))
        if causes:
            lines.append(f"options behind it: {'; '.join(causes)}")
        lines += _explain(table, el, built)
    return Diagnosis(table, lines, el.status)


def write_failed(runs_dir: Path, name: str, diagnosis: Diagnosis, message: str) -> Path:
    """Write ``runs_dir/failed/<UTC time>-<name>-<id>/`` (infeasibility.parquet, diagnosis.txt) atomically.

    The folder sits apart from the runs and has no manifest.json, so nothing reading runs mistakes it for one.
    """
    failed = Path(runs_dir) / "failed"
    failed.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    final = failed / f"{stamp}-{name}-{secrets.token_hex(3)}"
    tmp = failed / f".tmp-{final.name}"
    tmp.mkdir()
    try:
        diagnosis.table.drop(columns=["row"], errors="ignore").to_parquet(tmp / "infeasibility.parquet", index=False)
        (tmp / "diagnosis.txt").write_text(f"FAILED RUN (not a result): {message}\n{diagnosis.text}\n")
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final
