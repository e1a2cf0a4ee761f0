"""Plain-text tables for the terminal: the target check, the counterfactuals, the expansion result."""

from __future__ import annotations

import math

import pandas as pd

from gzpower.types import has_solution

FAMILY_LABEL = {
    "gas": "gas",
    "renewables": "renewables",
    "storage": "storage",
    "demand_response": "demand response",
    "clean_imports": "clean imports",
}


def _num(x, unit: str = "") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if abs(x) < 5e-10 or (abs(x) < 0.05 and unit in ("MW", "MWh", "h", "tCO2", "CNY")):
        return "0"  # solver round-off, not a margin
    if abs(x) < 1.5 and unit not in ("MW", "MWh", "h", "tCO2", "CNY"):
        return f"{x:.3f}"  # shares and ratios
    if abs(x) >= 1e9:
        return f"{x / 1e9:,.2f} bn"
    if abs(x) >= 1e6:
        return f"{x / 1e6:,.2f} M"
    return f"{x:,.1f}"


def table(frame: pd.DataFrame) -> str:
    cols = [str(c) for c in frame.columns]
    rows = [[str(v) for v in r] for r in frame.itertuples(index=False)]
    widths = [max(len(c), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(cols)]
    line = "  ".join(c.ljust(w) for c, w in zip(cols, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in rows]
    return "\n".join(out)


def format_target_check(tc: pd.DataFrame) -> str:
    view = pd.DataFrame(
        {
            "target": tc["id"],
            "unit": tc["unit"],
            "plan": [_num(v, u) for v, u in zip(tc["target"], tc["unit"])],
            "reached": [_num(v, u) for v, u in zip(tc["reached"], tc["unit"])],
            "margin": [_num(v, u) for v, u in zip(tc["margin"], tc["unit"])],
            "status": tc["status"].str.upper(),
        }
    )
    return table(view)


def format_counterfactuals(cf: pd.DataFrame) -> str:
    if cf is None or cf.empty:
        return ""
    rows = []
    for r in cf.itertuples():
        if not has_solution(r.status):
            rows.append((FAMILY_LABEL.get(r.without, r.without), r.status, "-", "-", "-"))
            continue
        rows.append(
            (
                FAMILY_LABEL.get(r.without, r.without),
                r.status,
                f"{r.unserved_mwh_bought:,.0f}",
                f"{r.cost_cny_bought / 1e6:,.1f}",
                f"{r.co2_t_bought / 1e3:,.1f}",
            )
        )
    view = pd.DataFrame(
        rows, columns=["without the plan's", "status", "extra unserved MWh", "cost change MCNY", "CO2 change ktCO2"]
    )
    return table(view)


def format_check(result) -> str:
    k = result.kpis
    head = (
        f"== gzpower check {result.scenario.year}: {result.status} ({result.message}); "
        f"{result.data.n_hours} h; objective {result.objective:,.1f} MCNY =="
    )
    body = [
        head,
        format_target_check(result.tables["target_check"]),
        f"load {k['load_mwh'] / 1e6:,.2f} TWh, peak {k['peak_load_mw']:,.0f} MW; imports "
        f"{k['imports_mwh'] / 1e6:,.2f} TWh; CO2 {k['co2_t'] / 1e6:,.2f} MtCO2; "
        f"cost {k['cost_cny'] / 1e9:,.2f} bn CNY",
    ]
    cf = result.tables.get("counterfactuals")
    if cf is not None and not cf.empty:
        body += [
            "",
            "What each target buys (counterfactual without the target's increment, minus the plan):",
            format_counterfactuals(cf),
        ]
    t = result.timings
    body.append(
        f"timings: build {t.get('build_s', 0):.1f} s, solve {t.get('solve_s', 0):.1f} s "
        f"(HiGHS {t.get('highs_s') or 0:.1f} s), extract {t.get('extract_s', 0):.1f} s"
    )
    return "\n".join(body)


def format_expand(result) -> str:
    caps = result.tables["capacities"]
    added = caps[caps["added"] > 1e-3].groupby(["family", "technology", "unit"], as_index=False)["added"].sum()
    k = result.kpis
    body = [
        f"== gzpower expand {result.scenario.year}: {result.status}; objective {result.objective:,.1f} MCNY ==",
        "least-cost additions:",
        table(added.round(1)) if len(added) else "(none)",
        format_target_check(result.tables["target_check"]),
        f"unserved {k['unserved_mwh']:,.0f} MWh; CO2 {k['co2_t'] / 1e6:,.2f} MtCO2; "
        f"cost {k['cost_cny'] / 1e9:,.2f} bn CNY",
    ]
    return "\n".join(body)


def format_data_stats(stats: dict) -> str:
    lines = []
    for key, value in stats.items():
        lines.append(f"{key}: {value}")
    return "\n".join(lines)


def format_data_summary(tables: dict[str, pd.DataFrame]) -> str:
    """Headline figures of the input data: load, capacity factors, standing fleet per milestone year."""
    from gzpower.scenario.fleet import FleetOptions, capacity_summary

    buses = tables["buses"]
    districts = set(buses.loc[buses["kind"] == "district", "bus"])
    load = tables["load"]
    lines = []
    for label, rows in (
        ("city", load[load["bus"].isin(districts)]),
        ("rest of Guangdong, the province bus", load[~load["bus"].isin(districts)]),
    ):
        if rows.empty:
            continue
        lines += ["", f"load ({label}):"]
        total = rows.groupby(["year", "hour"])["load_mw"].sum()
        for year in sorted(total.index.get_level_values(0).unique()):
            series = total.loc[year]
            lines.append(
                f"  {year}: {series.sum() / 1e6:,.2f} TWh, peak {series.max():,.0f} MW, "
                f"load factor {series.mean() / series.max():.3f}"
            )
    cf = tables["capacity_factors"].groupby(["year", "tech", "bus"])["cf"].mean()
    lines.append("annual capacity factors (per MW AC):")
    for (year, tech), group in cf.groupby(level=[0, 1]):
        values = group.round(4).unique()
        on_districts = districts.issuperset(group.index.get_level_values(2))
        noun = "districts" if on_districts else ("bus" if len(group) == 1 else "buses")
        where = (
            f"same in its {len(group)} {noun}"
            if len(values) == 1
            else ", ".join(f"{b} {v:.3f}" for (_, _, b), v in group.items())
        )
        lines.append(f"  {year} {tech}: {values[0]:.3f} ({where})" if len(values) == 1 else f"  {year} {tech}: {where}")
    for replacement in (True, False):
        rows = {
            year: capacity_summary(
                tables["units"],
                tables["storage_units"],
                tables["sites"],
                year,
                FleetOptions(coal_replacement=replacement),
            ).set_index("carrier")["p_nom_mw"]
            for year in (2025, 2030)
        }
        frame = pd.DataFrame(rows).round(0)
        frame.index.name = "MW standing"
        label = "with" if replacement else "without"
        lines += [
            "",
            f"standing capacity, {label} the plan's coal replacement rule:",
            table(frame.reset_index().astype(str)),
        ]
    return "\n".join(lines)
