"""The target check's adequacy at two levels, and "about" targets checked on both sides.

:func:`adequacy_levels` relabels the district model's adequacy rows as *deliverability* (can the district network
carry the supply?) and adds the city model's as *supply* (is there enough supply for the city as a whole?). A
shortfall only the district level shows is a **network finding**. :func:`about_bands` marks an "about" target's
result ABOVE or BELOW its stated band (the target's ``tolerance``, else ``ABOUT_TARGET_TOLERANCE``).
Both take and return the target-check table (:func:`gzpower.studies.run.target_check`), leaving its other rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gzpower import assumptions as A

#: the adequacy rows of the target check: id, unit, kpi key
ADEQUACY_ROWS = (
    ("unserved_energy", "MWh", "unserved_mwh"),
    ("loss_of_load_hours", "h", "loss_of_load_hours"),
    ("largest_shortfall", "MW", "max_shortfall_mw"),
)
SUPPLY = "supply adequacy: the city as one bus, boundary interfaces kept"
DELIVERABILITY = "deliverability: the eleven districts and their 220 kV corridors (ratings synthetic)"
NETWORK_FINDING = "network finding"


def _failing(kpis: dict) -> bool:
    return float(kpis.get("unserved_mwh", 0.0)) > A.SHORTFALL_ROUNDOFF


def is_network_finding(district_kpis: dict, city_kpis: dict) -> bool:
    """True when the districts are short and the city as one bus is not."""
    return _failing(district_kpis) and not _failing(city_kpis)


def adequacy_levels(tc: pd.DataFrame, district_kpis: dict, city_kpis: dict) -> pd.DataFrame:
    """``tc`` with its adequacy rows as ``deliverability_*`` and the city-level ``supply_*`` rows before them."""
    finding = is_network_finding(district_kpis, city_kpis)
    year = int(tc["year"].iloc[0]) if len(tc) else 0
    out = tc.copy()
    ids = {name for name, _, _ in ADEQUACY_ROWS}
    mask = out["id"].isin(ids)
    out.loc[mask, "id"] = "deliverability_" + out.loc[mask, "id"]
    out.loc[mask, "description"] = DELIVERABILITY + (f" ({NETWORK_FINDING})" if finding else "")
    for name, _, key in ADEQUACY_ROWS:  # the district model's values (the run itself may be the city's)
        row = out["id"] == f"deliverability_{name}"
        value = float(district_kpis.get(key, np.nan))
        out.loc[row, ["target", "reached", "margin"]] = [0.0, value, -value]
        out.loc[row, "status"] = "pass" if value <= A.SHORTFALL_ROUNDOFF else "fail"
    supply = []
    for name, unit, key in ADEQUACY_ROWS:
        value = float(city_kpis.get(key, np.nan))
        supply.append(
            {
                "id": f"supply_{name}",
                "year": year,
                "kind": "at_most",
                "unit": unit,
                "target": 0.0,
                "reached": value,
                "margin": -value,
                "status": "pass" if value <= A.SHORTFALL_ROUNDOFF else "fail",
                "description": SUPPLY,
            }
        )
    first = int(np.flatnonzero(mask.to_numpy())[0]) if mask.any() else len(out)
    frame = pd.concat([out.iloc[:first], pd.DataFrame(supply), out.iloc[first:]], ignore_index=True)
    for col in ("target", "reached", "margin"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    return frame


def about_bands(tc: pd.DataFrame, targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """ "About" targets checked on both sides: ``pass`` inside target x (1 +- tolerance), else ``above``/``below``.

    Adds ``band_low`` and ``band_high``; ``margin`` stays reached - target. The tolerance is the targets table's
    (``targets``, by id) where given and positive, else ``ABOUT_TARGET_TOLERANCE``.
    """
    out = tc.copy()
    out["band_low"] = np.nan
    out["band_high"] = np.nan
    tolerance = {}
    if targets is not None and "tolerance" in targets:
        tolerance = {r.id: float(r.tolerance) for r in targets.itertuples() if pd.notna(r.tolerance)}
    for i, r in out.iterrows():
        if r["kind"] != "about" or pd.isna(r["target"]) or pd.isna(r["reached"]):
            continue
        tol = tolerance.get(r["id"], 0.0)
        tol = tol if tol > 0 else A.ABOUT_TARGET_TOLERANCE
        low, high = r["target"] * (1 - tol), r["target"] * (1 + tol)
        out.at[i, "band_low"], out.at[i, "band_high"] = low, high
        if r["reached"] > high:
            out.at[i, "status"] = "above"
            out.at[i, "description"] = f"{r['description']} ABOVE the +-{tol:.0%} band by {r['reached'] - high:,.1f}"
        elif r["reached"] < low:
            out.at[i, "status"] = "below"
            out.at[i, "description"] = f"{r['description']} BELOW the +-{tol:.0%} band by {low - r['reached']:,.1f}"
        else:
            out.at[i, "status"] = "pass"
    return out
