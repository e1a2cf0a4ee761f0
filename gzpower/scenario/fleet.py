"""Which thermal units stand in a milestone year, and the plan's coal-to-gas replacement.

Standing rules (:func:`standing_units`), by tracker status:

* ``operating``: stands in year Y unless ``retire_year <= Y`` (a unit retiring during Y is gone in Y).
* ``construction``: stands from ``start_year`` (``start_year <= Y``): assumed commissioned by then.
* ``pre-construction``: stands if ``start_year + PRECONSTRUCTION_LEAD_YEARS <= Y`` (one year of slip): a
  2023/2024 start stands in 2025, anything up to 2029 stands in 2030. Unknown start years were set to
  ``GEM_UNKNOWN_START_YEAR`` (2028) by the pipeline, so those stand in 2030 but not 2025.
* ``announced``, ``shelved``, ``cancelled``, ``retired``, ``mothballed``: never.
* ``generic`` (plan blocks added here or by the model): from ``start_year`` until ``retire_year``.

Coal replacement (``FleetOptions.coal_replacement``, the plan's 等容量替代 of the Zhujiang and Hengyun coal units,
section 三(一)1): units flagged ``replaced_by_plan`` retire in ``PLAN_COAL_RETIRE_YEAR`` (2028) unless their own
retirement year is earlier, so they stand in 2025 and are gone in 2030. Per district, the gas projects listed in
:data:`COAL_REPLACEMENT_GAS_UNITS` (the GEM units that are the replacement projects) count toward the replacement;
where their standing capacity falls short of the replaced coal, a generic gas row
``plan_coal_replacement_<district>`` (status ``generic``, CCGT, start ``PLAN_COAL_RETIRE_YEAR``) fills the gap, so
replacement gas >= replaced coal in every district once the coal is gone. Without the option the coal units keep
their own (GEM) retirement years and no generic gas is added.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gzpower.assumptions import (
    AVAILABILITY_GAS,
    MIN_STABLE_GAS_CCGT,
    PLAN_COAL_RETIRE_YEAR,
    PRECONSTRUCTION_LEAD_YEARS,
    RAMP_GAS_CCGT,
)
from gzpower.inputs.plan import COAL_REPLACEMENT_GAS_UNITS
from gzpower.inputs.schemas import UNITS

SUMMARY_CARRIERS = ("gas", "coal", "waste", "pv", "wind", "pumped_hydro", "battery")
GENERIC_REPLACEMENT_PREFIX = "plan_coal_replacement_"


@dataclass(frozen=True)
class FleetOptions:
    """Fleet rules that are a modelling choice.

    coal_replacement: the plan's rule, Zhujiang and Hengyun coal replaced by equal gas capacity.
    """

    coal_replacement: bool = True


def _effective_retire_year(units: pd.DataFrame, options: FleetOptions) -> pd.Series:
    """GEM retirement year, or for plan-replaced coal the earlier of it and PLAN_COAL_RETIRE_YEAR."""
    retire = units["retire_year"].astype(float)
    if options.coal_replacement:
        plan = units["replaced_by_plan"].astype(bool)
        retire = retire.where(~plan, np.fmin(retire.fillna(np.inf), float(PLAN_COAL_RETIRE_YEAR)))
    return retire


def _standing_mask(units: pd.DataFrame, year: int, retire: pd.Series) -> pd.Series:
    """True for rows standing in ``year`` under the status rules of the module docstring."""
    status = units["status"]
    start = units["start_year"].astype(int)
    not_retired = retire.isna() | (retire > year)
    operating = (status == "operating") & not_retired
    construction = (status == "construction") & (start <= year) & not_retired
    pre = (status == "pre-construction") & (start + PRECONSTRUCTION_LEAD_YEARS <= year) & not_retired
    generic = (status == "generic") & (start <= year) & not_retired
    return operating | construction | pre | generic


def replaced_coal_mw(units: pd.DataFrame) -> pd.Series:
    """MW of coal the plan replaces, by district: operating units flagged ``replaced_by_plan``."""
    coal = units[units["replaced_by_plan"].astype(bool) & (units["status"] == "operating")]
    return coal.groupby("bus")["p_nom_mw"].sum()


def _replacement_rows(units: pd.DataFrame, year: int, standing: pd.Series) -> pd.DataFrame:
    """Generic gas rows covering, per district, replaced coal minus the replacement projects standing in ``year``."""
    rows = []
    for bus, coal_mw in replaced_coal_mw(units).sort_index().items():
        project_ids = COAL_REPLACEMENT_GAS_UNITS.get(bus, ())
        projects = units[units["unit"].isin(project_ids) & (units["bus"] == bus) & standing]
        shortfall = float(coal_mw) - float(projects["p_nom_mw"].sum())
        if shortfall <= 1e-9:
            continue
        template = units[units["carrier"] == "gas"]
        rows.append(_generic_gas_row(bus, shortfall, template))
    return pd.DataFrame(rows, columns=[c.name for c in UNITS.columns])


def _generic_gas_row(bus: str, p_nom_mw: float, gas_units: pd.DataFrame) -> dict:
    """One generic CCGT row; heat rate, CO2 and O&M copied from the fleet's CCGT units where present."""
    ccgt = gas_units[gas_units["technology"] == "CCGT"]
    ref = ccgt.iloc[0] if len(ccgt) else None
    return {
        "unit": f"{GENERIC_REPLACEMENT_PREFIX}{bus}",
        "plant": f"Plan coal-to-gas replacement, {bus} (generic)",
        "bus": bus,
        "carrier": "gas",
        "technology": "CCGT",
        "p_nom_mw": p_nom_mw,
        "status": "generic",
        "start_year": int(PLAN_COAL_RETIRE_YEAR),
        "retire_year": np.nan,
        "heat_rate": float(ref["heat_rate"]) if ref is not None else 1.0 / 0.57,
        "co2_t_per_mwh_th": float(ref["co2_t_per_mwh_th"]) if ref is not None else 0.2,
        "chp": False,
        "ramp_pu_per_h": float(RAMP_GAS_CCGT),
        "min_stable_pu": float(MIN_STABLE_GAS_CCGT),
        "availability_pu": float(AVAILABILITY_GAS),
        "vom_cny_per_mwh": float(ref["vom_cny_per_mwh"]) if ref is not None else 0.0,
        "fom_cny_per_mw_yr": float(ref["fom_cny_per_mw_yr"]) if ref is not None else 0.0,
        "replaced_by_plan": False,
        "source": "fleet.standing_units: plan equal-capacity coal replacement, shortfall of named projects",
    }


def standing_units(units: pd.DataFrame, year: int, options: FleetOptions = FleetOptions()) -> pd.DataFrame:
    """The units standing in ``year`` (rules in the module docstring), plus generic replacement gas if any.

    Plan-replaced coal carries its effective (plan) retirement year in ``retire_year``. Columns as
    :data:`gzpower.inputs.schemas.UNITS`, sorted by unit.
    """
    units = units.copy()
    retire = _effective_retire_year(units, options)
    units["retire_year"] = retire
    standing = _standing_mask(units, year, retire)
    out = units[standing]
    if options.coal_replacement:
        extra = _replacement_rows(units, year, standing)
        extra = extra[extra["start_year"] <= year] if len(extra) else extra
        if len(extra):
            extra = extra.astype(out.dtypes.to_dict())
            out = pd.concat([out, extra], ignore_index=True)
    return out.sort_values("unit").reset_index(drop=True)


def capacity_summary(
    units: pd.DataFrame,
    storage_units: pd.DataFrame,
    sites: pd.DataFrame,
    year: int,
    options: FleetOptions = FleetOptions(),
) -> pd.DataFrame:
    """MW standing in ``year`` by carrier (gas, coal, waste, pv, wind, pumped_hydro, battery), for the README.

    Thermal units via :func:`standing_units`; PV and wind are the sites' ``existing_mw`` (standing in 2025 and
    assumed still standing in 2030, before any model build); storage counts from its start year, batteries
    include the sites' existing battery power. Columns: year, carrier, p_nom_mw.
    """
    stand = standing_units(units, year, options)
    mw = {c: 0.0 for c in SUMMARY_CARRIERS}
    for carrier, value in stand.groupby("carrier")["p_nom_mw"].sum().items():
        mw[carrier] += float(value)
    existing = sites.groupby("tech")["existing_mw"].sum()
    mw["pv"] += float(existing.get("pv_rooftop", 0.0) + existing.get("pv_ground", 0.0))
    mw["wind"] += float(existing.get("wind_onshore", 0.0))
    mw["battery"] += float(existing.get("battery_power", 0.0))
    storage = storage_units[storage_units["start_year"] <= year]
    for carrier, value in storage.groupby("carrier")["p_nom_mw"].sum().items():
        mw[carrier] += float(value)
    return pd.DataFrame(
        {
            "year": np.full(len(SUMMARY_CARRIERS), int(year), dtype="int64"),
            "carrier": list(SUMMARY_CARRIERS),
            "p_nom_mw": [mw[c] for c in SUMMARY_CARRIERS],
        }
    )
