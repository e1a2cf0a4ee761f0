"""Headline numbers of a run (also the sweep and catalogue columns), from its result tables.

Every figure without a ``province_`` prefix is the city's: the districts' load, unserved energy, curtailment and
prices. With the province boundary (a ``province`` table in the results) the rest of Guangdong is reported on its
own (``province_*``, ``west_east_province_mwh``) and the city's figures count it as follows:

- **cost** (``cost_cny``): the city's cost categories (its plants, stores, demand response, the West-to-East clean
  supply it takes, its unserved energy, investments) plus what it pays the province for its net import,
  :math:`\\sum_t w_t \\lambda_{P,t} \\sum_k z_{k,t}` over the interfaces from the province bus :math:`P` (an
  export earns the price); ``system_cost_cny`` is the objective, the province's costs included;
- **imports** (``imports_mwh``): the energy of the city's own import sources plus the net import from the province
  in the hours the city imports (``exports_mwh``: the hours it exports);
- **CO2** (``co2_t``): the emissions of the city's plants and own sources (``co2_city_plants_t``) plus the net import
  from the province times the province's average emission intensity in that hour (``co2_imported_t``; an
  attribution for reporting: the CO2 cap Y4 holds the first part only).

With the fixed-price boundary there is no province table and these reduce to the figures of the model without it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gzpower.model.entries import values
from gzpower.types import PROVINCE_COST_CATEGORIES

#: cost categories charged per year rather than per hour of operation
FIXED_CATEGORIES = ("investment", "plan_investment", "fixed_om")


def _area(frame: pd.DataFrame, area: str) -> pd.DataFrame:
    return frame[frame["area"] == area] if "area" in frame.columns else (frame if area == "city" else frame.iloc[0:0])


def _weighted_price(prices: pd.Series, weights: pd.Series) -> tuple[float | None, float | None]:
    if not len(prices) or prices.isna().any():
        return None, None
    return float((prices * weights).sum() / max(weights.sum(), 1e-9)), float(prices.max())


def unserved_mwh(built) -> float:
    """The city's unserved energy (MWh) read from the solved model without its tables: sum_b,t u[b,t] w_t, the
    ``unserved_mwh`` of :func:`kpis` (there from the balance table, which carries the same u[b,t])."""
    d = built.data
    hourly = values(built.model.unserved).reshape(len(d.districts), d.n_hours).sum(axis=0)
    return float((hourly * np.asarray(d.weights, dtype=float)).sum())


def kpis(tables: dict[str, pd.DataFrame], data) -> dict:
    """Headline numbers of a run (also the sweep / catalogue columns): the city's, then the province's."""
    bal, curt = tables["balance"], tables["curtailment"]
    province = tables.get("province")
    province_buses = set(province["bus"]) if province is not None else set()
    city = bal.groupby("hour")[["load_mw", "unserved_mw", "weight"]].agg(
        {"load_mw": "sum", "unserved_mw": "sum", "weight": "first"}
    )
    w = city["weight"]
    # prices are per MWh of one represented hour: weight them by the energy they price
    average, peak = _weighted_price(bal["price_cny_per_mwh"], bal["load_mw"] * bal["weight"])
    city_curt = curt[~curt["bus"].isin(province_buses)]
    curtailed = float((city_curt["curtailed_mw"] * city_curt["weight"]).sum())
    available = float((city_curt["available_mw"] * city_curt["weight"]).sum())
    costs = tables["costs"]
    city_costs = _area(costs, "city")
    exchange = _exchange(tables, data)
    imports_own = _city_source_imports(tables, province_buses)
    emissions = tables["emissions"]
    co2_plants = float(_area(emissions, "city")["tco2"].sum())
    load_mwh = float((city["load_mw"] * w).sum())
    out = {
        "load_mwh": load_mwh,
        "peak_load_mw": float(city["load_mw"].max()),
        "unserved_mwh": float((city["unserved_mw"] * w).sum()),
        "loss_of_load_hours": float(w[city["unserved_mw"] > 1e-3].sum()),
        "max_shortfall_mw": float(city["unserved_mw"].max()),
        "curtailed_mwh": curtailed,
        "renewable_available_mwh": available,
        "curtailment_share": curtailed / max(available, 1e-9),
        "co2_t": co2_plants + exchange["co2_imported_t"],
        "co2_city_plants_t": co2_plants,
        "co2_imported_t": exchange["co2_imported_t"],
        "cost_cny": float(city_costs["cny"].sum()) + exchange["import_cost_cny"],
        "system_cost_cny": float(costs["cny"].sum()),
        "city_import_cost_cny": exchange["import_cost_cny"],
        "operating_cost_cny": float(city_costs.loc[~city_costs["category"].isin(FIXED_CATEGORIES), "cny"].sum())
        + exchange["import_cost_cny"],
        "price_avg_cny_per_mwh": average,
        "price_peak_cny_per_mwh": peak,
        "imports_mwh": imports_own + exchange["imported_mwh"],
        "exports_mwh": exchange["exported_mwh"],
        "import_share": (imports_own + exchange["imported_mwh"]) / max(load_mwh, 1e-9),
    }
    if province is not None:
        out.update(_province_kpis(tables, province, province_buses))
    return out


def _city_source_imports(tables: dict, province_buses: set) -> float:
    """MWh taken from the import sources that feed the city (every source with the fixed-price boundary)."""
    disp = tables["dispatch"]
    own = disp[(disp["family"] == "imports") & ~disp["bus"].isin(province_buses)]
    return float((own["p_mw"] * own["weight"]).sum())


def province_exchange(tables: dict, data) -> pd.DataFrame | None:
    """Per model hour (index): the city's net import from the province over the interfaces from the province bus
    (``net_mw``, negative when it exports), the provincial price, the province's average emission intensity
    (tCO2/MWh) and the hour weight; None without the province boundary."""
    province_buses = set(tables["province"]["bus"]) if "province" in tables else set()
    flows = tables.get("flows")
    if not province_buses or flows is None:
        return None
    links = flows[(flows["kind"] == "interface") & flows["bus0"].isin(province_buses)]
    province = tables["province"].groupby("hour").agg({"weight": "first", "price_cny_per_mwh": "mean"})
    return pd.DataFrame(
        {
            "net_mw": links.groupby("hour")["flow_mw"].sum().reindex(province.index, fill_value=0.0),
            "price_cny_per_mwh": province["price_cny_per_mwh"].fillna(0.0),
            "intensity_t_per_mwh": _province_intensity(tables, data, province_buses).reindex(
                province.index, fill_value=0.0
            ),
            "weight": province["weight"],
        }
    )


def _exchange(tables: dict, data) -> dict[str, float]:
    """The city's exchange with the province: energy each way, its cost at the provincial price, and the CO2 of the
    net import at the province's average intensity in each hour."""
    hourly = province_exchange(tables, data)
    if hourly is None:
        return {"imported_mwh": 0.0, "exported_mwh": 0.0, "import_cost_cny": 0.0, "co2_imported_t": 0.0}
    net, w = hourly["net_mw"], hourly["weight"]
    return {
        "imported_mwh": float((net.clip(lower=0.0) * w).sum()),
        "exported_mwh": float((-net.clip(upper=0.0) * w).sum()),
        "import_cost_cny": float((net * hourly["price_cny_per_mwh"] * w).sum()),
        "co2_imported_t": float((net.clip(lower=0.0) * hourly["intensity_t_per_mwh"] * w).sum()),
    }


def _province_intensity(tables: dict, data, province_buses: set) -> pd.Series:
    """tCO2 per MWh supplied in the province each hour: its fleet and the sources at its bus."""
    disp = tables["dispatch"]
    supply = disp[disp["bus"].isin(province_buses) & disp["family"].isin(["province", "imports"])]
    factors = pd.concat([data.province["co2_per_mwh"], data.import_sources["co2_t_per_mwh"]]).astype(float)
    factor = supply["element"].map(factors).fillna(0.0)
    hourly = pd.DataFrame({"hour": supply["hour"], "mwh": supply["p_mw"], "tco2": supply["p_mw"] * factor})
    per_hour = hourly.groupby("hour")[["mwh", "tco2"]].sum()
    return (per_hour["tco2"] / per_hour["mwh"].where(per_hour["mwh"] > 1e-9)).fillna(0.0)


def _province_kpis(tables: dict, province: pd.DataFrame, province_buses: set) -> dict:
    w = province["weight"]
    average, peak = _weighted_price(province["price_cny_per_mwh"], province["load_mw"] * w)
    curt = tables["curtailment"]
    curt = curt[curt["bus"].isin(province_buses)]
    disp = tables["dispatch"]
    west_east = disp[(disp["family"] == "imports") & disp["bus"].isin(province_buses)]
    costs = tables["costs"]
    return {
        "province_load_mwh": float((province["load_mw"] * w).sum()),
        "province_unserved_mwh": float((province["unserved_mw"] * w).sum()),
        "province_loss_of_load_hours": float(w[province["unserved_mw"] > 1e-3].sum()),
        "province_price_avg_cny_per_mwh": average,
        "province_price_peak_cny_per_mwh": peak,
        "province_curtailed_mwh": float((curt["curtailed_mw"] * curt["weight"]).sum()),
        "province_co2_t": float(_area(tables["emissions"], "province")["tco2"].sum()),
        "province_cost_cny": float(costs.loc[costs["category"].isin(PROVINCE_COST_CATEGORIES), "cny"].sum()),
        "west_east_province_mwh": float((west_east["p_mw"] * west_east["weight"]).sum()),
    }
