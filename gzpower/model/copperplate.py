"""Supply adequacy: the city as one bus ("copper plate"), the boundary interfaces kept.

:func:`as_city` turns the assembled district model into a one-bus model: one district bus ``Guangzhou`` holds the
summed load; every unit, site, store and interface that stood in a district now stands there; the 220 kV lines
are dropped. Units, sites, stores and interfaces keep their own rows (capacities, availability, costs). Demand
response is summed over the districts into one row: on one bus, at one cost per MWh, any city-wide shedding or
shifting within the summed limits splits pro rata into per-district ones within theirs, so the sum is exact.

Comparing its unserved energy with the district model's separates a lack of supply (both short) from a lack of
network (only the districts short: a *network finding*).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from gzpower.scenario.levers import scale_thermal_availability

CITY_BUS = "Guangzhou"


def finish(d):
    """The assembled data with the scenario's data levers and network level applied (the end of assemble)."""
    sc = d.scenario
    if sc.thermal_availability_scale != 1.0:
        d = replace(
            d,
            thermal=scale_thermal_availability(d.thermal, sc),
            thermal_units=scale_thermal_availability(d.thermal_units, sc),
        )
    return as_city(d) if sc.network == "city" else d


def _on_city(frame: pd.DataFrame, districts: set[str], column: str = "bus") -> pd.DataFrame:
    if frame is None or column not in frame:
        return frame
    out = frame.copy()
    out[column] = [CITY_BUS if b in districts else b for b in out[column]]
    return out


def _city_demand_response(dr: pd.DataFrame) -> pd.DataFrame:
    if dr.empty:
        return dr
    summed = ["p_nom", "p_nom_max", "district_peak", "shift_mw"]
    row = {c: float(dr[c].sum()) for c in summed if c in dr}
    for c in dr.columns:
        if c not in row:
            row[c] = dr[c].iloc[0] if dr[c].nunique() <= 1 else float(dr[c].mean())
    out = pd.DataFrame([row], index=pd.Index([CITY_BUS], name=dr.index.name or "bus"))[list(dr.columns)]
    return out


def as_city(d):
    """The one-bus (city) view of district model data ``d``: load summed, elements on one bus, no lines."""
    districts = set(d.districts)
    load = pd.DataFrame({CITY_BUS: d.load[d.districts].sum(axis=1).to_numpy(dtype=float)})
    coords = d.bus_coords
    city_xy = coords.loc[[b for b in d.districts if b in coords.index]].mean()
    coords = pd.concat(
        [
            pd.DataFrame([city_xy.to_numpy()], columns=coords.columns, index=[CITY_BUS]),
            coords.drop(index=list(districts), errors="ignore"),
        ]
    )
    return replace(
        d,
        districts=[CITY_BUS],
        load=load,
        thermal=_on_city(d.thermal, districts),
        thermal_units=_on_city(d.thermal_units, districts),
        renewables=_on_city(d.renewables, districts),
        storage=_on_city(d.storage, districts),
        demand_response=_city_demand_response(d.demand_response),
        import_sources=_on_city(d.import_sources, districts),
        links=_on_city(d.links, districts, "bus1"),
        lines=d.lines.iloc[0:0].copy(),
        bus_coords=coords,
        weights=np.asarray(d.weights).copy(),
        period_start=np.asarray(d.period_start).copy(),
    )
