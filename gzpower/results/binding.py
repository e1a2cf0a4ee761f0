"""What binds in the shortfall hours: the limits at which a run's unserved energy is decided.

In every hour with unserved energy (city-wide more than ``SHORTFALL_ROUNDOFF``), each bounded variable of the
families below is tested against its bound; one that sits at it (within ``BINDING_TOLERANCE_MW``) binds. Its
shadow price is the bound's reduced cost (the solver's column dual, :attr:`SolveOutcome.reduced_costs`): the
objective saved per MW of extra limit in that hour. Summed over the shortfall hours and divided by the value of
lost load it reads "1 MW more on this limit in each of those hours would save about X MWh of unserved energy"
(an upper estimate where several limits share the saving: the duals are marginal, per limit alone).

Families: ``line`` (220 kV corridor flows, both directions), ``interface`` (boundary import interfaces),
``import_supply`` (an import source's available capability, e.g. the West-to-East supply), ``thermal_availability``
(a thermal group at its available output), ``storage_energy`` (a store empty or full), ``storage_power``,
``demand_response`` (shedding at its capacity) and ``reserve`` (the spinning-reserve row, by its row dual).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from gzpower import assumptions as A
from gzpower.model.registry import COST_SCALE

COLUMNS = [
    "family",
    "element",
    "district",
    "hours_binding_h",
    "shadow_price_sum",
    "unit",
    "unserved_saved_mwh_per_unit",
]

#: (family, Var component name, which bounds count, unit of the limit)
BOUND_FAMILIES = (
    ("line", "line_flow", "both", "MW"),
    ("interface", "link_flow", "upper", "MW"),
    ("import_supply", "import_supply", "upper", "MW"),
    ("thermal_availability", "thermal_p", "upper", "MW"),
    ("storage_energy", "storage_soc", "both", "MWh"),
    ("storage_power", "storage_discharge", "upper", "MW"),
    ("demand_response", "dr_shed", "upper", "MW"),
)


def shortfall_hours(balance: pd.DataFrame) -> np.ndarray:
    """Model hours (0-based) in which the city as a whole has unserved energy."""
    city = balance.groupby("hour")["unserved_mw"].sum()
    return city.index[city > A.SHORTFALL_ROUNDOFF].to_numpy(dtype=int)


def _district_of(built, family: str) -> dict:
    d = built.data
    if family == "line":
        return {k: f"{r.bus0}-{r.bus1}" for k, r in d.lines.iterrows()}
    if family == "interface":
        return d.links["bus1"].to_dict()
    if family == "import_supply":
        return d.import_sources["bus"].to_dict()
    if family == "thermal_availability":
        return d.thermal["bus"].to_dict()
    if family in ("storage_energy", "storage_power"):
        return d.storage["bus"].to_dict()
    return {b: b for b in d.demand_response.index}


def _var_rows(built, rc: np.ndarray, family: str, var: pyo.Var, sides: str, unit: str, hours) -> list[dict]:
    tol = A.BINDING_TOLERANCE_MW
    n = built.data.n_hours
    elements = list(next(iter(var.index_set().subsets())))
    where = _district_of(built, family)
    rows = []
    for i, e in enumerate(elements):
        count, total = 0, 0.0
        for t in hours:
            v = var[e, int(t)]
            x = v.value or 0.0
            at_upper = v.ub is not None and v.ub > tol and x >= v.ub - tol
            at_lower = sides == "both" and v.lb is not None and x <= v.lb + tol and (v.lb < -tol or family != "line")
            if at_upper or at_lower:
                count += 1
                total += abs(float(rc[i * n + int(t)])) / COST_SCALE
        if count:
            rows.append(
                {
                    "family": family,
                    "element": str(e),
                    "district": str(where.get(e, "")),
                    "hours_binding_h": float(count),
                    "shadow_price_sum": total,
                    "unit": f"CNY/{unit}",
                }
            )
    return rows


def _reserve_rows(built, duals: dict, hours) -> list[dict]:
    m = built.model
    if "reserve" not in duals or not len(m.RESERVE_T):
        return []
    dual = np.nan_to_num(np.asarray(duals["reserve"], dtype=float))
    inside = [int(t) for t in hours if int(t) < len(dual)]
    price = np.abs(dual[inside]) / COST_SCALE
    binding = price > 1e-6
    if not binding.any():
        return []
    return [
        {
            "family": "reserve",
            "element": "spinning reserve",
            "district": "city",
            "hours_binding_h": float(binding.sum()),
            "shadow_price_sum": float(price[binding].sum()),
            "unit": "CNY/MW",
        }
    ]


def binding_table(built, outcome, out: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The limits at their bounds in the run's shortfall hours, with their summed shadow prices (see module)."""
    hours = shortfall_hours(out["balance"]) if "balance" in out else np.array([], dtype=int)
    reduced = getattr(outcome, "reduced_costs", None)
    if not len(hours) or reduced is None:
        return pd.DataFrame(columns=COLUMNS).astype({"hours_binding_h": float, "shadow_price_sum": float})
    m = built.model
    rows = []
    for family, name, sides, unit in BOUND_FAMILIES:
        var = getattr(m, name, None)
        if var is None or not len(var) or name not in reduced:
            continue
        rows += _var_rows(built, np.asarray(reduced[name], dtype=float), family, var, sides, unit, hours)
    rows += _reserve_rows(built, outcome.duals or {}, hours)
    frame = pd.DataFrame(rows, columns=COLUMNS[:-1])
    frame["unserved_saved_mwh_per_unit"] = frame["shadow_price_sum"] / built.data.scenario.value_of_lost_load
    frame = frame.sort_values(["shadow_price_sum", "hours_binding_h"], ascending=False, ignore_index=True)
    return frame.astype({"hours_binding_h": float, "shadow_price_sum": float, "unserved_saved_mwh_per_unit": float})
