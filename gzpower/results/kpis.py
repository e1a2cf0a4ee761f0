"""Headline numbers of a run (also the sweep and catalogue columns), from its result tables."""

from __future__ import annotations

import pandas as pd


def kpis(tables: dict[str, pd.DataFrame], data) -> dict:
    """Headline numbers of a run (also the sweep / catalogue columns)."""
    bal, curt = tables["balance"], tables["curtailment"]
    city = bal.groupby("hour")[["load_mw", "unserved_mw", "weight"]].agg(
        {"load_mw": "sum", "unserved_mw": "sum", "weight": "first"}
    )
    w = city["weight"]
    prices = bal["price_cny_per_mwh"]
    # prices are per MWh of one represented hour: weight them by the energy they price
    weights = bal["load_mw"] * bal["weight"]
    curtailed = float((curt["curtailed_mw"] * curt["weight"]).sum())
    available = float((curt["available_mw"] * curt["weight"]).sum())
    return {
        "load_mwh": float((city["load_mw"] * w).sum()),
        "peak_load_mw": float(city["load_mw"].max()),
        "unserved_mwh": float((city["unserved_mw"] * w).sum()),
        "loss_of_load_hours": float(w[city["unserved_mw"] > 1e-3].sum()),
        "max_shortfall_mw": float(city["unserved_mw"].max()),
        "curtailed_mwh": curtailed,
        "renewable_available_mwh": available,
        "curtailment_share": curtailed / max(available, 1e-9),
        "co2_t": float(tables["emissions"]["tco2"].sum()),
        "cost_cny": float(tables["costs"]["cny"].sum()),
        "operating_cost_cny": float(
            tables["costs"]
            .loc[~tables["costs"]["category"].isin(["investment", "plan_investment", "fixed_om"]), "cny"]
            .sum()
        ),
        "price_avg_cny_per_mwh": float((prices * weights).sum() / max(weights.sum(), 1e-9))
        if prices.notna().all()
        else None,
        "price_peak_cny_per_mwh": float(prices.max()) if prices.notna().all() else None,
        "imports_mwh": float(
            tables["dispatch"].loc[tables["dispatch"]["family"] == "imports"].eval("p_mw * weight").sum()
        ),
    }
