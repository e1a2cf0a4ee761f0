"""The check's verdict tables: adequacy at both levels, what binds at each failing level, tipping points.

:func:`verdict_tables` is called from the check's ``extra_tables`` hook (:func:`gzpower.studies.run.run_and_write`):
it solves the plan's scenario once more as one bus (``network="city"``, a smaller LP), relabels and extends the
target check (:mod:`gzpower.results.adequacy_levels`), gathers the binding limits of each failing level into one
``binding`` table with a ``level`` column and, when asked, the tipping points (:mod:`gzpower.studies.tipping`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from gzpower.errors import SolveError
from gzpower.inputs.schemas import HOURS_PER_YEAR
from gzpower.results.adequacy_levels import about_bands, adequacy_levels
from gzpower.results.binding import COLUMNS as BINDING_COLUMNS
from gzpower.studies.tipping import tightest_window, tipping_points


@dataclass(frozen=True)
class VerdictOptions:
    tipping_points: bool = False
    #: "tightest": the week around the largest shortfall; "full-year": the whole year (the final word)
    tipping_horizon: str = "tightest"


def _level_binding(table: pd.DataFrame | None, level: str, kpis: dict) -> pd.DataFrame:
    if table is None or table.empty or float(kpis.get("unserved_mwh", 0.0)) <= 0.0:
        return pd.DataFrame(columns=["level", *BINDING_COLUMNS])
    return table.assign(level=level)[["level", *BINDING_COLUMNS]]


def binding_levels(district, city) -> pd.DataFrame:
    """The binding limits of each failing level, district (deliverability) first."""
    parts = [
        _level_binding(district.tables.get("binding"), "deliverability", district.kpis),
        _level_binding(city.tables.get("binding"), "supply", city.kpis),
    ]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=["level", *BINDING_COLUMNS]).astype(
            {"hours_binding_h": float, "shadow_price_sum": float, "unserved_saved_mwh_per_unit": float}
        )
    return pd.concat(parts, ignore_index=True)


def verdict_tables(tables: dict, parent, settings, options: VerdictOptions = VerdictOptions(), progress=None) -> dict:
    """The target check with both adequacy levels and the about-bands, ``binding`` and ``tipping_points``."""
    from gzpower.studies.run import solve_case

    sc = parent.scenario
    if progress:
        progress(f"[{sc.year}] solving the city as one bus (supply adequacy) ...")
    city = solve_case(tables, replace(sc, network="city"), settings)
    if not city.kpis:
        raise SolveError(f"{sc.label()} as one bus: {city.status} ({city.message})")
    tc = adequacy_levels(parent.tables["target_check"], parent.kpis, city.kpis)
    out = {
        "target_check": about_bands(tc, parent.data.targets),
        "binding": binding_levels(parent, city),
    }
    if options.tipping_points:
        if options.tipping_horizon == "full-year":
            window = (0, HOURS_PER_YEAR)
        else:
            window = tightest_window(sc, parent.tables["balance"])
        if progress:
            progress(f"[{sc.year}] tipping points on {window[1]} h from hour {window[0]} ...")
        out["tipping_points"] = tipping_points(tables, sc, settings, window, progress=progress)
    return out
