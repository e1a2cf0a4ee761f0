"""The check's verdict tables: adequacy at both levels, what binds at each failing level, tipping points.

:func:`verdict_tables` is called from the check's ``extra_tables`` hook (:func:`gzpower.studies.run.run_and_write`):
it solves the plan's scenario once more as one bus (``network="city"``, a smaller LP, cold from its own weeks),
relabels and extends the target check (:mod:`gzpower.results.adequacy_levels`), gathers the binding limits of
each failing level into one ``binding`` table with a ``level`` column and, when asked, the tipping points
(:mod:`gzpower.studies.tipping`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Literal

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
    tipping_horizon: Literal["tightest", "full-year"] = "tightest"


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


def verdict_tables(
    tables: dict,
    parent,
    settings,
    options: VerdictOptions = VerdictOptions(),
    progress=None,
    timings: dict | None = None,
) -> dict:
    """The target check with both adequacy levels and the about-bands, ``binding`` and ``tipping_points``.
    ``timings``: the seconds of the other level's solve and of the tipping points are added to it
    (``other_level_s``, ``tipping_points_s``)."""
    from gzpower.studies.run import solve_case

    sc = parent.scenario
    other_level = "districts" if sc.network == "city" else "city"
    if progress:
        progress(f"[{sc.year}] solving the other adequacy level ({other_level}) ...")
    started = time.perf_counter()
    # cold, from its own weeks, not hot from the plan's kept LP: the other level has other rows (one balance for
    # the city, no district lines), which the hot start carries as free rows of the plan's LP and repairs from a
    # windowed start. Full year, 2026-12-04, one process each, the same objective to 1e-15: the city level of
    # 2030 13.6 s cold against 16.8-17.9 s hot (HiGHS 10.3 against 11.9-12.3 s), of 2025 14.6 against 20.8-22.3 s
    other = solve_case(tables, replace(sc, network=other_level), settings)
    if timings is not None:
        timings["other_level_s"] = time.perf_counter() - started
    if not other.kpis:
        raise SolveError(f"{sc.label()} at the {other_level} level: {other.status} ({other.message})")
    district, city = (other, parent) if sc.network == "city" else (parent, other)
    tc = adequacy_levels(parent.tables["target_check"], district.kpis, city.kpis)
    out = {
        "target_check": about_bands(tc, parent.data.targets),
        "binding": binding_levels(district, city),
    }
    if options.tipping_points:
        if options.tipping_horizon == "full-year":
            window = (0, HOURS_PER_YEAR)
        else:
            window = tightest_window(sc, parent.tables["balance"])
        if progress:
            progress(f"[{sc.year}] tipping points on {window[1]} h from hour {window[0]} ...")
        started = time.perf_counter()
        out["tipping_points"] = tipping_points(tables, sc, settings, window, progress=progress)
        if timings is not None:
            timings["tipping_points_s"] = time.perf_counter() - started
    return out


def options_of_run(folder) -> VerdictOptions | None:
    """The verdict options a run folder was written with (None: it has no verdict tables), for ``gzpower rerun``."""
    from pathlib import Path

    folder = Path(folder)
    tc = folder / "target_check.parquet"
    if not tc.is_file() or "supply_unserved_energy" not in set(pd.read_parquet(tc, columns=["id"])["id"]):
        return None
    tp = folder / "tipping_points.parquet"
    if not tp.is_file():
        return VerdictOptions()
    frame = pd.read_parquet(tp, columns=["start_hour", "hours"])
    full = len(frame) and int(frame["start_hour"].iloc[0]) == 0 and int(frame["hours"].iloc[0]) == HOURS_PER_YEAR
    return VerdictOptions(tipping_points=True, tipping_horizon="full-year" if full else "tightest")
