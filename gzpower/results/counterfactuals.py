"""What each target buys: the counterfactual table of the check mode (each run without one plan increment, minus
the plan). The runs themselves are solved by :func:`gzpower.studies.run.counterfactuals`."""

from __future__ import annotations

import pandas as pd

from gzpower.types import has_solution


def counterfactual_table(parent, children: dict) -> pd.DataFrame:
    """What each target buys: counterfactual (without the target's increment) minus the plan."""
    rows = []
    for increment, child in children.items():
        row = {"year": parent.scenario.year, "without": increment, "status": child.status}
        if has_solution(child.status):
            for key in (
                "unserved_mwh",
                "loss_of_load_hours",
                "cost_cny",
                "operating_cost_cny",
                "co2_t",
                "curtailed_mwh",
            ):
                row[f"{key}_plan"] = parent.kpis[key]
                row[f"{key}_without"] = child.kpis[key]
                row[f"{key}_bought"] = child.kpis[key] - parent.kpis[key]
        rows.append(row)
    return pd.DataFrame(rows)
