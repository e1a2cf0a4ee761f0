"""The plan's target check: every plan target of the year with the value a run reached, pass/fail and margin,
then the adequacy and outcome rows. Capacity targets are sums over technologies of the capacities table, by the
one definition the plan floors use (:data:`gzpower.model.registry.TARGET_TECHNOLOGIES`: re_capacity counts
renewables and waste-to-energy). Every row is the city's: the province fleet (family ``province``, technologies
``province_*``), its West-to-East supply and its unserved energy never count; with the province boundary the
province's figures follow as reported rows of their own."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gzpower.model.instance import ModelData
from gzpower.model.registry import TARGET_TECHNOLOGIES
from gzpower.results.kpis import kpis

#: the province's figures reported after the city's (boundary "province"): row id, unit, KPI
PROVINCE_ROWS = (
    ("city_import_cost", "CNY", "city_import_cost_cny"),
    ("system_cost", "CNY", "system_cost_cny"),
    ("province_unserved_energy", "MWh", "province_unserved_mwh"),
    ("province_average_price", "CNY/MWh", "province_price_avg_cny_per_mwh"),
    ("province_peak_price", "CNY/MWh", "province_price_peak_cny_per_mwh"),
    ("west_east_province_energy", "MWh", "west_east_province_mwh"),
)

#: the capacity targets reached in MW (dr_capability is reached as a share of the year's peak)
CAPACITY_TARGETS = ("gas_capacity", "re_capacity", "storage_capacity")


def capacity(caps: pd.DataFrame, technologies: tuple[str, ...], unit: str = "MW") -> float:
    """Total capacity (existing + added) of ``technologies`` in the city (the capacities table without the
    province's rows)."""
    sel = caps[caps["technology"].isin(technologies) & (caps["unit"] == unit) & (caps["family"] != "province")]
    return float(sel["total"].sum())


def target_check(out: dict[str, pd.DataFrame], d: ModelData, k: dict | None = None) -> pd.DataFrame:
    """Every plan target of the year with the value reached, pass/fail and margin; then adequacy rows."""
    caps = out["capacities"]
    k = k if k is not None else kpis(out, d)
    reached = {key: capacity(caps, TARGET_TECHNOLOGIES[key]) for key in CAPACITY_TARGETS}
    reached["dr_capability"] = capacity(caps, TARGET_TECHNOLOGIES["dr_capability"]) / max(d.peak_load_mw, 1e-9)
    reached["re_absorption"] = 1.0 - k["curtailment_share"]
    rows = []
    for t in d.targets.itertuples():
        value = reached.get(t.id)
        target = t.value
        status, margin = "not modelled", np.nan
        if t.id == "clean_imports":
            disp = out["dispatch"]
            src = d.import_sources
            clean = src.index[src["clean"].astype(bool) & ~src["bus"].isin(d.province_buses)]
            sel = disp[disp["element"].isin(clean)]
            value = float((sel["p_mw"] * sel["weight"]).sum())
            status = "reported (MWh taken in)"
        elif t.id == "coal":
            value = capacity(caps, TARGET_TECHNOLOGIES["coal"])
            status = "reported (MW coal standing)"
        elif value is not None and target is not None and not pd.isna(target):
            if t.id == "re_absorption":
                target = 1.0
                ok = value >= 1.0 - 1e-4
            elif t.kind == "at_most":
                ok = value <= target * (1 + t.tolerance)
            elif t.kind == "about":
                ok = value >= target * (1 - t.tolerance)
            else:
                ok = value >= target * (1 - 1e-9)
            status = "pass" if ok else "fail"
            margin = value - target
        rows.append(
            {
                "id": t.id,
                "year": d.scenario.year,
                "kind": t.kind,
                "unit": t.unit,
                "target": target,
                "reached": value,
                "margin": margin,
                "status": status,
                "description": t.description,
            }
        )
    rows += _outcome_rows(d.scenario.year, k)
    frame = pd.DataFrame(rows)
    for col in ("target", "reached", "margin"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    return frame


def _outcome_rows(year: int, k: dict) -> list[dict]:
    """The adequacy rows (at most zero) and the reported outcomes of a run."""
    rows: list[dict] = []
    adequacy = [
        ("unserved_energy", "MWh", 0.0, k["unserved_mwh"]),
        ("loss_of_load_hours", "h", 0.0, float(k["loss_of_load_hours"])),
        ("largest_shortfall", "MW", 0.0, k["max_shortfall_mw"]),
        ("renewable_curtailment", "MWh", 0.0, k["curtailed_mwh"]),
    ]
    for name, unit, target, value in adequacy:
        rows.append(
            {
                "id": name,
                "year": year,
                "kind": "at_most",
                "unit": unit,
                "target": target,
                "reached": value,
                "margin": target - value,
                "status": "pass" if value <= 1e-3 else "fail",
                "description": "system adequacy",
            }
        )
    reported = [
        ("co2", "tCO2", k["co2_t"], "outcome"),
        ("total_cost", "CNY", k["cost_cny"], "outcome"),
        ("average_price", "CNY/MWh", k["price_avg_cny_per_mwh"], "outcome"),
        ("peak_price", "CNY/MWh", k["price_peak_cny_per_mwh"], "outcome"),
    ]
    if "province_unserved_mwh" in k:
        reported += [(name, unit, k[key], "the rest of the province") for name, unit, key in PROVINCE_ROWS]
    for name, unit, value, description in reported:
        rows.append(
            {
                "id": name,
                "year": year,
                "kind": "reported",
                "unit": unit,
                "target": np.nan,
                "reached": value,
                "margin": np.nan,
                "status": "reported",
                "description": description,
            }
        )
    return rows
