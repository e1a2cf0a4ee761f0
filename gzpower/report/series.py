"""City-level series the figures draw, summed from a run's tables (no model quantity is recomputed).

The hourly dispatch stack follows the district balance written by the run (``balance.parquet``), summed over the
districts. For every hour *t*::

    load(t) = sum_c local_c(t) + sum_s import_s(t) - losses(t) + discharge(t) - charge(t) + dr(t) + unserved(t)
              + line_net_in(t)

where ``local_c`` is the output of the city's units of carrier *c* (``dispatch.parquet``, thermal and renewables),
``import_s`` the supply taken from import source *s* and ``losses`` the difference between that supply and what the
interfaces deliver (zero with loss-free interfaces), ``dr = shed + net shift``. On the city level every AC line
leaves one district and enters another, so ``sum line_net_in = 0`` and the stack without lines sums to the load.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

WEEK_HOURS = 168
DAY_HOURS = 24

# Drawing order from the bottom of the stack up; anything else found in the tables is appended in name order.
LOCAL_ORDER = ("coal", "gas", "waste", "pv_rooftop", "pv_ground", "wind_onshore")


@dataclass(frozen=True)
class Window:
    title: str
    start: int  # first horizon hour (0-based index into the run)
    stop: int  # one past the last hour


@dataclass
class DispatchStack:
    """City-wide hourly supply terms (MW, columns) and the load (MW), both indexed by horizon hour."""

    components: pd.DataFrame  # positive = supply to the city, negative = consumption (storage charge, losses)
    load: pd.Series
    timestamps: pd.Series

    def window(self, w: Window) -> DispatchStack:
        sel = slice(w.start, w.stop - 1)
        return DispatchStack(self.components.loc[sel], self.load.loc[sel], self.timestamps.loc[sel])

    def residual(self) -> pd.Series:
        """sum of the stack minus load: zero up to solver tolerance (the test of this module's bookkeeping)."""
        return self.components.sum(axis=1) - self.load


def city_balance(balance: pd.DataFrame) -> pd.DataFrame:
    """Every balance term summed over the districts, one row per horizon hour (plus its timestamp)."""
    numeric = balance.drop(columns=["bus", "timestamp", "price_cny_per_mwh"]).groupby("hour").sum()
    numeric["timestamp"] = balance.groupby("hour")["timestamp"].first()
    return numeric


def _hourly(frame: pd.DataFrame, key: str, value: str, hours: pd.Index) -> pd.DataFrame:
    wide = frame.pivot_table(index="hour", columns=key, values=value, aggfunc="sum")
    return wide.reindex(hours).fillna(0.0)


def dispatch_stack(tables: dict[str, pd.DataFrame]) -> DispatchStack:
    city = city_balance(tables["balance"])
    hours = city.index
    disp = tables["dispatch"]
    local = _hourly(disp[disp["family"].isin(["thermal", "renewables"])], "carrier", "p_mw", hours)
    order = [c for c in LOCAL_ORDER if c in local.columns] + sorted(c for c in local.columns if c not in LOCAL_ORDER)
    parts = {c: local[c] for c in order}
    # with the province boundary the city imports over the interfaces from the province bus (negative: it exports);
    # the West-to-East supply into the province is the province's
    province = set(tables["province"]["bus"]) if "province" in tables else set()
    imports = _hourly(disp[(disp["family"] == "imports") & ~disp["bus"].isin(province)], "carrier", "p_mw", hours)
    for source in sorted(imports.columns):
        parts[f"import: {source}"] = imports[source]
    received = imports.sum(axis=1)
    if province:
        flows = tables["flows"]
        net = flows[(flows["kind"] == "interface") & flows["bus0"].isin(province)].groupby("hour")["flow_mw"].sum()
        parts["import: rest of the province"] = net.reindex(hours).fillna(0.0)
        received = received + parts["import: rest of the province"]
    losses = received - city["imports_mw"]
    if (losses.abs() > 1e-6).any():
        parts["interface losses"] = -losses
    parts["storage discharge"] = city["storage_discharge_mw"]
    parts["storage charge"] = -city["storage_charge_mw"]
    parts["demand response"] = city["dr_shed_mw"] + city["dr_shift_mw"]
    parts["unserved"] = city["unserved_mw"]
    components = pd.DataFrame(parts, index=hours)
    return DispatchStack(components, city["load_mw"], city["timestamp"])


def peak_hour(balance: pd.DataFrame) -> int:
    """Horizon hour of the highest city-wide load (the first such hour on ties)."""
    load = balance.groupby("hour")["load_mw"].sum()
    return int(load.idxmax())


def week_windows(load: pd.Series) -> list[Window]:
    """The peak-load week and a typical week, day-aligned to the horizon's first hour.

    Peak week: the 168 h starting three days before the day of the peak hour (clipped to the horizon). Typical
    week: among the day-aligned 168-h windows not overlapping the peak week, the one whose mean load is closest to
    the horizon's mean load (earliest on ties). A horizon shorter than two weeks gives one window (all of it, up to
    the peak week).
    """
    n = len(load)
    values = load.to_numpy()
    peak = int(np.argmax(values))
    if n <= WEEK_HOURS:
        return [Window(f"the whole horizon ({n} h)", 0, n)]
    start = min(max((peak // DAY_HOURS - 3) * DAY_HOURS, 0), n - WEEK_HOURS)
    windows = [Window("peak-load week", start, start + WEEK_HOURS)]
    if n < 2 * WEEK_HOURS:
        return windows
    candidates = [
        s for s in range(0, n - WEEK_HOURS + 1, DAY_HOURS) if s + WEEK_HOURS <= start or s >= start + WEEK_HOURS
    ]
    if not candidates:
        candidates = [s for s in range(0, n - WEEK_HOURS + 1, DAY_HOURS) if s != start]
    mean = values.mean()
    typical = min(candidates, key=lambda s: (abs(values[s : s + WEEK_HOURS].mean() - mean), s))
    windows.append(Window("typical week (mean load closest to the horizon's)", typical, typical + WEEK_HOURS))
    return windows
