"""Tidy result tables from a solved model: one row per element (unit, site, line, bus) and hour.

Values are read in the variables' own index order (element-major, hours inner) into numpy arrays, so
extraction stays linear in the model size.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from gzpower.model.build import BuiltModel
from gzpower.model.registry import COST_SCALE, evaluate


def _matrix(var: pyo.Var, n_elements: int, n_hours: int) -> np.ndarray:
    if n_elements == 0:
        return np.zeros((0, n_hours))
    values = np.fromiter(
        (v.value if v.value is not None else 0.0 for v in var.values()), dtype=float, count=n_elements * n_hours
    )
    return values.reshape(n_elements, n_hours)


def _scalar(var: pyo.Var, keys) -> dict:
    return {k: (var[k].value or 0.0) for k in keys}


def _long(matrix: np.ndarray, elements: list, timestamps: pd.DatetimeIndex, name: str, value: str) -> pd.DataFrame:
    n_el, n_h = matrix.shape
    return pd.DataFrame(
        {
            "hour": np.tile(np.arange(n_h), n_el),
            "timestamp": np.tile(timestamps.to_numpy(), n_el),
            name: np.repeat(np.asarray(elements, dtype=object), n_h),
            value: matrix.ravel(),
        }
    )


def extract(built: BuiltModel, duals: dict | None) -> dict[str, pd.DataFrame]:
    m, d, reg = built.model, built.data, built.registry
    n = d.n_hours
    ts = d.timestamps
    th, re, st, dr, src, links, lines = (
        d.thermal,
        d.renewables,
        d.storage,
        d.demand_response,
        d.import_sources,
        d.links,
        d.lines,
    )
    out: dict[str, pd.DataFrame] = {}

    # capacities
    th_new = _scalar(m.thermal_new, list(m.THERMAL_EXT))
    re_new = _scalar(m.renewable_new, list(m.RENEWABLE_EXT))
    st_new_p = _scalar(m.storage_new_p, list(m.STORAGE_EXT))
    st_new_e = _scalar(m.storage_new_e, list(m.STORAGE_EXT))
    dr_new = _scalar(m.dr_new, list(m.DR_EXT))
    link_new = _scalar(m.link_new, list(m.LINK_EXT))
    cap_rows = []
    for u, r in d.thermal_units.iterrows():
        cap_rows.append(
            (
                u,
                "thermal",
                r["carrier"],
                r["bus"],
                r["status"],
                "MW",
                r["p_nom"],
                th_new.get(r["group"], 0.0) * r["share"],
            )
        )
    for k, r in re.iterrows():
        cap_rows.append(
            (
                k,
                "renewables",
                r["tech"],
                r["bus"],
                "plan" if r["increment"] > 0 else "standing",
                "MW",
                r["p_nom"],
                re_new.get(k, 0.0),
            )
        )
    for s, r in st.iterrows():
        cap_rows.append((s, "storage", r["carrier"], r["bus"], "standing", "MW", r["p_nom"], st_new_p.get(s, 0.0)))
        cap_rows.append(
            (
                f"{s}:energy",
                "storage",
                f"{r['carrier']}_energy",
                r["bus"],
                "standing",
                "MWh",
                r["e_nom"],
                st_new_e.get(s, 0.0),
            )
        )
    for b, r in dr.iterrows():
        cap_rows.append((f"dr_{b}", "demand_response", "dr_peak", b, "plan", "MW", r["p_nom"], dr_new.get(b, 0.0)))
    for k, r in links.iterrows():
        cap_rows.append((k, "imports", "interface", r["bus1"], "standing", "MW", r["p_nom"], link_new.get(k, 0.0)))
    for i, r in src.iterrows():
        cap_rows.append(
            (i, "imports", "source_clean" if r["clean"] else "source", r["bus"], "standing", "MW", r["p_max"], 0.0)
        )
    caps = pd.DataFrame(
        cap_rows, columns=["element", "family", "carrier", "bus", "status", "unit", "existing", "added"]
    )
    caps["total"] = caps["existing"] + caps["added"]
    out["capacities"] = caps

    # dispatch by unit (thermal, renewables, import sources), with availability for curtailment
    thermal_p = _matrix(m.thermal_p, len(th), n)
    renew_p = _matrix(m.renewable_p, len(re), n)
    supply = _matrix(m.import_supply, len(src), n)
    parts = []
    if len(th):
        units = d.thermal_units
        position = {g: i for i, g in enumerate(th.index)}
        unit_p = thermal_p[[position[g] for g in units["group"]]] * units["share"].to_numpy()[:, None]
        df = _long(unit_p, list(units.index), ts, "element", "p_mw")
        df["family"], df["carrier"] = "thermal", np.repeat(units["carrier"].to_numpy(), n)
        df["bus"] = np.repeat(units["bus"].to_numpy(), n)
        parts.append(df)
    re_total = re["p_nom"].to_numpy() + np.array([re_new.get(k, 0.0) for k in re.index])
    available = d.renewable_cf[list(re.index)].to_numpy().T * re_total[:, None]
    if len(re):
        df = _long(renew_p, list(re.index), ts, "element", "p_mw")
        df["family"], df["carrier"] = "renewables", np.repeat(re["tech"].to_numpy(), n)
        df["bus"] = np.repeat(re["bus"].to_numpy(), n)
        parts.append(df)
    df = _long(supply, list(src.index), ts, "element", "p_mw")
    df["family"], df["carrier"] = "imports", np.repeat(src.index.to_numpy(), n)
    df["bus"] = np.repeat(src["bus"].to_numpy(), n)
    parts.append(df)
    out["dispatch"] = pd.concat(parts, ignore_index=True)
    # hours of the year each row stands for (1, or the days a representative day represents)
    out["dispatch"]["weight"] = np.tile(d.weights, len(out["dispatch"]) // max(n, 1))

    curt = _long(np.maximum(available - renew_p, 0.0), list(re.index), ts, "element", "curtailed_mw")
    curt["available_mw"] = available.ravel()
    curt["tech"] = np.repeat(re["tech"].to_numpy(), n)
    curt["bus"] = np.repeat(re["bus"].to_numpy(), n)
    curt["weight"] = np.tile(d.weights, len(re))
    out["curtailment"] = curt

    # storage
    ch, dis, soc = (
        _matrix(m.storage_charge, len(st), n),
        _matrix(m.storage_discharge, len(st), n),
        _matrix(m.storage_soc, len(st), n),
    )
    if d.chronology is not None and len(st):
        # aggregated run: add the inter-day level of the first calendar day each representative day stands for
        first_day = {int(p): dd for dd, p in reversed(list(enumerate(d.chronology)))}
        period = d.period_of_hour()
        inter = np.array(
            [[m.storage_soc_inter[s, first_day[int(period[t])]].value or 0.0 for t in range(n)] for s in st.index]
        )
        soc = soc + inter
    sdf = _long(soc, list(st.index), ts, "element", "soc_mwh")
    sdf["charge_mw"], sdf["discharge_mw"] = ch.ravel(), dis.ravel()
    e_total = st["e_nom"].to_numpy() + np.array([st_new_e.get(s, 0.0) for s in st.index])
    sdf["e_nom_mwh"] = np.repeat(e_total, n)
    sdf["bus"] = np.repeat(st["bus"].to_numpy(), n)
    out["storage"] = sdf

    # flows: AC lines and import interfaces
    lf = _matrix(m.line_flow, len(lines), n)
    fl = _long(lf, list(lines.index), ts, "element", "flow_mw")
    fl["kind"] = "line"
    fl["bus0"], fl["bus1"] = np.repeat(lines["bus0"].to_numpy(), n), np.repeat(lines["bus1"].to_numpy(), n)
    fl["limit_mw"] = np.repeat(lines["s_nom_mw"].to_numpy(), n)
    zf = _matrix(m.link_flow, len(links), n)
    lk = _long(zf, list(links.index), ts, "element", "flow_mw")
    lk["kind"] = "interface"
    lk["bus0"], lk["bus1"] = np.repeat(links["bus0"].to_numpy(), n), np.repeat(links["bus1"].to_numpy(), n)
    z_total = links["p_nom"].to_numpy() + np.array([link_new.get(k, 0.0) for k in links.index])
    lk["limit_mw"] = np.repeat(z_total, n)
    flows = pd.concat([fl, lk], ignore_index=True)
    flows["loading"] = np.where(flows["limit_mw"] > 0, flows["flow_mw"].abs() / flows["limit_mw"].clip(lower=1e-9), 0.0)
    out["flows"] = flows

    # district balance: every term per district and hour (the report's stack and the balance invariant)
    districts = d.districts
    idx = {b: i for i, b in enumerate(districts)}
    nb = len(districts)

    def by_bus(matrix: np.ndarray, buses) -> np.ndarray:
        acc = np.zeros((nb, n))
        for row, bus in zip(matrix, buses):
            if bus in idx:
                acc[idx[bus]] += row
        return acc

    load = d.load[districts].to_numpy().T
    dr_shed = _matrix(m.dr_shed, len(list(m.DR)), n)
    shift_up = _matrix(m.dr_shift_up, len(list(m.DR_SHIFT)), n)
    shift_down = _matrix(m.dr_shift_down, len(list(m.DR_SHIFT)), n)
    unserved = _matrix(m.unserved, nb, n)
    terms = {
        "load_mw": load,
        "thermal_mw": by_bus(thermal_p, th["bus"]),
        "renewables_mw": by_bus(renew_p, re["bus"]),
        "storage_discharge_mw": by_bus(dis, st["bus"]),
        "storage_charge_mw": by_bus(ch, st["bus"]),
        "dr_shed_mw": by_bus(dr_shed, list(m.DR)),
        "dr_shift_mw": by_bus(shift_down - shift_up, list(m.DR_SHIFT)),
        "imports_mw": by_bus(zf * links["efficiency"].to_numpy()[:, None], links["bus1"]),
        "line_net_in_mw": by_bus(lf, lines["bus1"]) - by_bus(lf, lines["bus0"]),
        "unserved_mw": unserved,
    }
    bal = pd.DataFrame(
        {
            "hour": np.tile(np.arange(n), nb),
            "timestamp": np.tile(ts.to_numpy(), nb),
            "bus": np.repeat(np.asarray(districts, dtype=object), n),
        }
    )
    for name, matrix in terms.items():
        bal[name] = matrix.ravel()
    bal["weight"] = np.tile(d.weights, nb)
    if duals is not None:
        # balance rows run bus-major (districts first, then external nodes), hours inner
        prices = duals["balance"].reshape(len(m.BUS), n)[[list(m.BUS).index(b) for b in districts]]
        # a balance row of a represented hour stands for `weight` hours: its dual is weight x the marginal cost
        bal["price_cny_per_mwh"] = (prices / d.weights[None, :]).ravel() / COST_SCALE
    else:
        bal["price_cny_per_mwh"] = np.nan
    out["balance"] = bal

    # emissions and costs
    out["emissions"] = pd.DataFrame([(k, evaluate(v)) for k, v in reg.emissions.items()], columns=["source", "tco2"])
    out["costs"] = pd.DataFrame(
        [(k, float(sum(evaluate(e) for e in v))) for k, v in reg.costs.items()], columns=["category", "cny"]
    )
    return out


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
