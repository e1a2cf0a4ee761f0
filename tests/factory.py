"""Small hand-made model instances whose optimum can be computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gzpower.model.data import ModelData
from gzpower.scenario.scenario import Scenario

THERMAL_COLS = [
    "bus",
    "carrier",
    "technology",
    "status",
    "p_nom",
    "p_nom_max",
    "availability",
    "ramp",
    "min_stable",
    "heat_rate",
    "fuel_price",
    "co2_per_mwh",
    "vom",
    "fom",
    "annuity",
    "increment",
    "marginal_cost",
]


def thermal(rows: list[dict]) -> pd.DataFrame:
    base = {
        "carrier": "gas",
        "technology": "CCGT",
        "status": "operating",
        "availability": 1.0,
        "ramp": 1.0,
        "min_stable": 0.0,
        "heat_rate": 2.0,
        "fuel_price": 0.0,
        "co2_per_mwh": 0.4,
        "vom": 0.0,
        "fom": 0.0,
        "annuity": 0.0,
        "increment": False,
        "marginal_cost": 0.0,
    }
    frame = pd.DataFrame([{**base, **r} for r in rows], columns=["unit", *base, "bus", "p_nom"]).set_index("unit")
    if "p_nom_max" not in frame:
        frame["p_nom_max"] = frame["p_nom"]
    frame["p_nom_max"] = frame["p_nom_max"].fillna(frame["p_nom"])
    return frame[THERMAL_COLS]


def storage(rows: list[dict]) -> pd.DataFrame:
    base = {
        "carrier": "battery",
        "eff_charge": 1.0,
        "eff_discharge": 1.0,
        "annuity_p": 0.0,
        "annuity_e": 0.0,
        "increment": False,
    }
    frame = pd.DataFrame([{**base, **r} for r in rows]).set_index("id")
    for col, src in (("p_nom_max", "p_nom"), ("e_nom_max", "e_nom")):
        frame[col] = frame[col].fillna(frame[src]) if col in frame else frame[src]
    return frame


def make_data(
    load: dict[str, list[float]],
    *,
    thermal_units: pd.DataFrame | None = None,
    storage_units: pd.DataFrame | None = None,
    dr: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
    availability: pd.DataFrame | None = None,
    links: pd.DataFrame | None = None,
    lines: pd.DataFrame | None = None,
    renewables: pd.DataFrame | None = None,
    cf: pd.DataFrame | None = None,
    externals: list[str] | None = None,
    **scenario,
) -> ModelData:
    districts = list(load)
    n = len(next(iter(load.values())))
    sc = Scenario(**{"reserve_share": 0.0, "value_of_lost_load": 1000.0, "hours": n, **scenario})
    empty_dr = pd.DataFrame(
        {
            "p_nom": 0.0,
            "district_peak": 0.0,
            "p_nom_max": 0.0,
            "annuity": 0.0,
            "cost_per_mwh": 0.0,
            "max_hours_per_day": 0.0,
            "shift_mw": 0.0,
        },
        index=pd.Index(districts, name="bus"),
    )
    return ModelData(
        scenario=sc,
        timestamps=pd.date_range("2030-01-07", periods=n, freq="h"),
        districts=districts,
        externals=externals or [],
        load=pd.DataFrame(load, dtype=float),
        thermal=thermal_units if thermal_units is not None else thermal([]).iloc[0:0],
        renewables=renewables
        if renewables is not None
        else pd.DataFrame(
            columns=[
                "tech",
                "bus",
                "existing",
                "p_max",
                "plan_share",
                "annuity",
                "vom",
                "p_nom",
                "increment",
                "p_nom_max",
            ]
        ),
        renewable_cf=cf if cf is not None else pd.DataFrame(index=range(n)),
        storage=storage_units
        if storage_units is not None
        else pd.DataFrame(
            columns=[
                "bus",
                "carrier",
                "p_nom",
                "e_nom",
                "eff_charge",
                "eff_discharge",
                "p_nom_max",
                "e_nom_max",
                "annuity_p",
                "annuity_e",
                "increment",
            ]
        ),
        demand_response=dr if dr is not None else empty_dr,
        import_sources=sources
        if sources is not None
        else pd.DataFrame(columns=["bus", "p_max", "price_cny_per_mwh", "co2_t_per_mwh", "clean"]),
        import_availability=availability if availability is not None else pd.DataFrame(index=range(n)),
        links=links
        if links is not None
        else pd.DataFrame(columns=["bus0", "bus1", "p_nom", "efficiency", "p_nom_max", "annuity"]),
        lines=lines if lines is not None else pd.DataFrame(columns=["bus0", "bus1", "x_ohm", "s_nom_mw"]),
        bus_coords=pd.DataFrame({"lat": 0.0, "lon": 0.0}, index=districts + (externals or [])),
        targets=pd.DataFrame(columns=["id", "year", "value", "unit", "kind", "tolerance", "section", "description"]),
        peak_load_mw=float(np.sum([np.array(v) for v in load.values()], axis=0).max()),
    )


def with_marginal_cost(frame: pd.DataFrame, costs: dict[str, float]) -> pd.DataFrame:
    frame = frame.copy()
    frame["marginal_cost"] = [costs[u] for u in frame.index]
    return frame
