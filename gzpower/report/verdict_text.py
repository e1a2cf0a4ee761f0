"""The verdict in words, for the terminal and the report: adequacy at both levels, what binds, tipping points.

Every sentence is made from the run's tables (``target_check``, ``binding``, ``tipping_points``); nothing is
re-solved. Shared by :mod:`gzpower.report.text` (CLI) and :mod:`gzpower.report.verdict` (HTML).
"""

from __future__ import annotations

import math

import pandas as pd

from gzpower import assumptions as A
from gzpower.results.adequacy_levels import NETWORK_FINDING

FAMILY_WORDS = {
    "line": "220 kV corridor",
    "interface": "boundary interface",
    "import_supply": "import supply",
    "thermal_availability": "thermal fleet availability",
    "storage_energy": "storage energy",
    "storage_power": "storage power",
    "demand_response": "demand response",
    "reserve": "reserve row",
}
LEVEL_WORDS = {
    "supply": "supply adequacy (the city as one bus, boundary interfaces kept)",
    "deliverability": "deliverability (the eleven districts and their 220 kV corridors)",
}
SHOWN = 8  # binding limits named in words per level (the table has them all)


def _value(tc: pd.DataFrame, row_id: str) -> float:
    sel = tc.loc[tc["id"] == row_id, "reached"]
    return float(sel.iloc[0]) if len(sel) else math.nan


def level_summary(tc: pd.DataFrame, level: str) -> tuple[str, bool]:
    """One sentence for an adequacy level and whether it fails (None-safe when the rows are absent)."""
    mwh, hours, mw = (
        _value(tc, f"{level}_{k}") for k in ("unserved_energy", "loss_of_load_hours", "largest_shortfall")
    )
    if math.isnan(mwh):
        return f"{LEVEL_WORDS[level]}: not computed", False
    fails = mwh > A.SHORTFALL_ROUNDOFF
    text = (
        f"{LEVEL_WORDS[level]}: {mwh:,.0f} MWh unserved in {hours:,.0f} h, largest shortfall {mw:,.0f} MW: "
        f"{'FAIL' if fails else 'PASS'}"
    )
    return text, fails


def adequacy_sentences(tc: pd.DataFrame) -> list[str]:
    supply, supply_fails = level_summary(tc, "supply")
    deliver, deliver_fails = level_summary(tc, "deliverability")
    lines = [supply, deliver]
    if deliver_fails and not supply_fails and "supply_unserved_energy" in set(tc["id"]):
        lines.append(
            f"This is a {NETWORK_FINDING}: the city has supply to spare as a whole, the shortfall comes from what the "
            "district network can carry. The 220 kV corridor ratings are synthetic (circuits x "
            f"{A.LINE_RATING_MW_PER_CIRCUIT:g} MW, no source "
            "gives them): see the tipping point of line_scale before quoting it."
        )
    elif supply_fails:
        lines.append("The city as a whole lacks supply: the shortfall is not (only) a network result.")
    return lines


def binding_sentences(binding: pd.DataFrame | None) -> list[str]:
    if binding is None or binding.empty:
        return []
    lines = []
    for level, group in binding.groupby("level", sort=False):
        lines.append(f"What binds, {LEVEL_WORDS.get(level, level)}, in its shortfall hours:")
        for r in group.head(SHOWN).itertuples():
            per = r.unit.split("/")[-1]
            lines.append(
                f"  {r.element} ({FAMILY_WORDS.get(r.family, r.family)}, {r.district}) at its limit in "
                f"{r.hours_binding_h:,.0f} h, shadow price {r.shadow_price_sum:,.0f} {r.unit} summed: 1 {per} more "
                f"would save about {r.unserved_saved_mwh_per_unit:,.1f} MWh"
            )
        if len(group) > SHOWN:
            lines.append(f"  ... and {len(group) - SHOWN} more limits (binding.parquet)")
    return lines


def tipping_view(tp: pd.DataFrame) -> pd.DataFrame:
    def num(x, fmt="{:.3g}"):
        return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else fmt.format(x)

    return pd.DataFrame(
        {
            "assumption": tp["assumption"],
            "value used": [num(v) for v in tp["value_used"]],
            "tipping value": [num(v) for v in tp["tipping_value"]],
            "unit": tp["unit"],
            "margin": [num(v, "{:+.3g}") for v in tp["margin"]],
            "margin %": [num(v, "{:+.0f} %") for v in tp["margin_pct"]],
            "the plan ...": tp["plan_holds_while"],
        }
    )


def tipping_heading(tp: pd.DataFrame) -> str:
    start, hours = int(tp["start_hour"].iloc[0]), int(tp["hours"].iloc[0])
    return (
        f"The plan holds while ... (tipping points by bisection, district level, unserved energy <= "
        f"{A.VERDICT_MAX_UNSERVED_MWH:g} MWh, "
        f"{hours} h from hour {start}; a window that flips does not prove the year does: --tipping-full-year)"
    )


def format_verdict(tables: dict[str, pd.DataFrame]) -> str:
    """The verdict for the terminal: both adequacy levels, what binds, the tipping-point table."""
    from gzpower.report.text import table

    tc = tables["target_check"]
    if "supply_unserved_energy" not in set(tc["id"]):
        return ""
    body = ["", "Adequacy at two levels:", *("  " + s for s in adequacy_sentences(tc))]
    binding = binding_sentences(tables.get("binding"))
    if binding:
        body += ["", *binding]
    tp = tables.get("tipping_points")
    if tp is not None and not tp.empty:
        body += ["", tipping_heading(tp), table(tipping_view(tp))]
    return "\n".join(body)
