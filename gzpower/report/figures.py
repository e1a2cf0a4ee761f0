"""The run report's figures, drawn with matplotlib's object API on the Agg canvas.

Each function takes a run's tables and returns a :class:`matplotlib.figure.Figure` (or ``None`` when the run has
nothing to show). ``Figure`` objects are used directly rather than ``pyplot``: no global figure registry, no
interactive backend to select, nothing left open between runs.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from gzpower.model.registry import TARGET_TECHNOLOGIES
from gzpower.report.run_data import RunData
from gzpower.report.series import DispatchStack, Window, dispatch_stack, peak_hour, week_windows
from gzpower.types import SOLUTION_STATUSES, TargetStatus

DPI = 100
WIDTH_IN = 12.0
STATUS_COLOUR: dict[TargetStatus, str] = {"pass": "#2e7d32", "fail": "#c62828"}
COLOURS = {
    "coal": "#4a4a4a",
    "gas": "#e07b39",
    "waste": "#8d6e63",
    "pv_rooftop": "#fdd835",
    "pv_ground": "#f9a825",
    "wind_onshore": "#4fc3f7",
    "storage discharge": "#7b1fa2",
    "storage charge": "#ce93d8",
    "demand response": "#26a69a",
    "unserved": "#d50000",
    "interface losses": "#9e9e9e",
    "pumped_hydro": "#5e35b1",
    "battery": "#ab47bc",
    "dr_peak": "#26a69a",
}
IMPORT_COLOURS = ("#1565c0", "#66bb6a", "#90caf9", "#a5d6a7", "#0d47a1")
TECH_LABEL = {
    "pv_rooftop": "rooftop PV",
    "pv_ground": "ground PV",
    "wind_onshore": "onshore wind",
    "pumped_hydro": "pumped hydro",
    "battery": "battery",
    "dr_peak": "demand response",
}
LOADING_CMAP = colormaps["plasma_r"]
THOUSANDS = FuncFormatter(lambda v, _pos: f"{v:,.0f}")
PRICE_TICKS = (0, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000)


def to_png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer)
    return buffer.getvalue()


def _figure(height_in: float, ncols: int = 1, width_ratios=None) -> tuple[Figure, list]:
    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, layout="constrained")
    axes = fig.subplots(1, ncols, width_ratios=width_ratios, squeeze=False)[0]
    return fig, list(axes)


def _colour(name: str, i_import: int) -> str:
    if name.startswith("import: "):
        return IMPORT_COLOURS[i_import % len(IMPORT_COLOURS)]
    return COLOURS.get(name, "#bdbdbd")


def _note(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color="#555555", fontsize=11)


# --- capacities against the plan ---------------------------------------------------------------------------------


#: one bar of :func:`capacity_bars`: its label, the parts stacked within it as (name, existing MW, added MW), and
#: the target as (MW, target-check status), or None
CapacityBar = tuple[str, list[tuple[str, float, float]], tuple[float, str] | None]


def capacity_bars(run: RunData) -> Figure:
    """Installed MW by technology, the technologies a target counts grouped on one bar, the target as a marker.

    Capacity added by the run (expand mode) is hatched; the marker's colour is the target check's pass/fail.
    """
    bars = _capacity_bar_data(run)
    fig, (ax,) = _figure(4.6)
    y = np.arange(len(bars))[::-1]
    seen: set[str] = set()  # legend entries drawn so far: each label once
    for yi, (_label, parts, tgt) in zip(y, bars):
        _draw_capacity_bar(ax, yi, parts, tgt, seen)
    ax.set_yticks(y, [b[0] for b in bars], fontsize=9)
    ax.set_xlabel("installed capacity in the run year (MW)")
    ax.set_title(
        f"Installed capacity {run.manifest.get('year')} against the plan's targets "
        "(black bar = target; marker green when the check passes)"
    )
    widest = max(sum(e + a for _, e, a in parts) for _, parts, _ in bars)
    ax.set_xlim(0, max(widest, max((t[0] for *_, t in bars if t), default=0.0)) * 1.18)
    ax.legend(loc="lower right", fontsize=8, ncols=2)
    ax.grid(axis="x", alpha=0.3)
    return fig


def _capacity_bar_data(run: RunData) -> list[CapacityBar]:
    """The bars of :func:`capacity_bars` from the run's capacities and target check."""
    caps = run.tables["capacities"]
    tc = run.tables["target_check"].set_index("id")
    mw = caps[caps["unit"] == "MW"]

    def part(name: str, technologies: tuple[str, ...]) -> tuple[str, float, float]:
        sel = mw[mw["technology"].isin(technologies)]
        return name, float(sel["existing"].sum()), float(sel["added"].sum())

    def target(target_id: str, scale: float = 1.0) -> tuple[float, str] | None:
        if target_id not in tc.index or pd.isna(tc.at[target_id, "target"]):
            return None
        return float(tc.at[target_id, "target"]) * scale, str(tc.at[target_id, "status"])

    dr = part("dr_peak", TARGET_TECHNOLOGIES["dr_capability"])
    dr_target = None
    if "dr_capability" in tc.index and tc.at["dr_capability", "reached"] > 0:
        # the target is a share of the year's peak load; the check's reached share gives that peak back
        dr_target = target("dr_capability", (dr[1] + dr[2]) / float(tc.at["dr_capability", "reached"]))
    # (label, parts stacked within the bar as (name, existing MW, added MW), (target MW, status) or None)
    return [
        ("gas\n(target: gas_capacity)", [part("gas", TARGET_TECHNOLOGIES["gas_capacity"])], target("gas_capacity")),
        (
            "renewables incl. waste\n(target: re_capacity)",
            [part(t, (t,)) for t in TARGET_TECHNOLOGIES["re_capacity"]],
            target("re_capacity"),
        ),
        (
            "battery storage\n(target: storage_capacity)",
            [part("battery", TARGET_TECHNOLOGIES["storage_capacity"])],
            target("storage_capacity"),
        ),
        ("demand response\n(target: dr_capability)", [dr], dr_target),
        ("coal\n(no MW target)", [part("coal", TARGET_TECHNOLOGIES["coal"])], None),
        ("pumped hydro\n(no target)", [part("pumped_hydro", ("pumped_hydro",))], None),
    ]


def _draw_capacity_bar(ax, yi: float, parts, tgt: tuple[float, str] | None, seen: set[str]) -> None:
    """One bar: existing MW solid, added MW hatched, the total written at its end, the target as a marker."""
    left = 0.0
    for name, existing, added in parts:
        label = TECH_LABEL.get(name, name)
        colour = COLOURS.get(name, "#bdbdbd")
        ax.barh(yi, existing, left=left, color=colour, edgecolor="white", label=label if label not in seen else None)
        seen.add(label)
        if added > 1e-6:
            ax.barh(
                yi,
                added,
                left=left + existing,
                color=colour,
                edgecolor="black",
                hatch="//",
                lw=0.5,
                label="added by the run" if "added" not in seen else None,
            )
            seen.add("added")
        left += existing + added
    ax.text(left, yi, f"  {left:,.0f} MW", va="center", fontsize=9)
    if tgt is not None:
        value, status = tgt
        ax.plot([value, value], [yi - 0.42, yi + 0.42], color="black", lw=2.5)
        ax.plot(
            value,
            yi + 0.42,
            marker="v",
            color=STATUS_COLOUR.get(status, "#757575"),
            ms=10,
            label="plan target" if "target" not in seen else None,
        )
        seen.add("target")


# --- dispatch -----------------------------------------------------------------------------------------------------


def _draw_stack(ax, stack: DispatchStack) -> list:
    """Positive terms stacked up from zero, negative terms down from zero (a term changing sign is split)."""
    x = pd.to_datetime(stack.timestamps).to_numpy()
    up = np.zeros(len(x))
    down = np.zeros(len(x))
    handles = []
    i_import = 0
    for name in stack.components.columns:
        values = stack.components[name].to_numpy()
        if np.abs(values).max(initial=0.0) < 1e-6:
            continue
        colour = _colour(name, i_import)
        i_import += name.startswith("import: ")
        pos, neg = np.clip(values, 0, None), np.clip(values, None, 0)
        label = TECH_LABEL.get(name, name)
        h = None
        if pos.max() > 0:
            h = ax.fill_between(x, up, up + pos, color=colour, lw=0, label=label, step="mid")
            up = up + pos
        if neg.min() < 0:
            h2 = ax.fill_between(x, down + neg, down, color=colour, lw=0, label=None if h else label, step="mid")
            down = down + neg
            h = h or h2
        handles.append(h)
    ax.step(x, stack.load.to_numpy(), where="mid", color="black", lw=1.6, label="load")
    ax.axhline(0, color="black", lw=0.6)
    return handles


def dispatch_figures(run: RunData) -> list[tuple[Window, Figure]]:
    stack = dispatch_stack(run.tables)
    out = []
    for w in week_windows(stack.load):
        fig, (ax,) = _figure(4.8)
        part = stack.window(w)
        _draw_stack(ax, part)
        peak = int(stack.load.idxmax())
        if w.start <= peak < w.stop:
            ax.axvline(
                pd.to_datetime(stack.timestamps.loc[peak]),
                color="#c62828",
                ls=":",
                lw=1.2,
                label=f"peak load {stack.load.loc[peak]:,.0f} MW",
            )
        ts = pd.to_datetime(part.timestamps)
        ax.set_title(f"City-wide hourly dispatch, {w.title}: {ts.iloc[0]:%d %b %H:%M} - {ts.iloc[-1]:%d %b %H:%M}")
        ax.set_ylabel("MW (charging below zero)")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
        ax.margins(x=0)
        ax.grid(alpha=0.3)
        fig.autofmt_xdate()
        out.append((w, fig))
    return out


def storage_soc(run: RunData) -> Figure:
    """State of charge summed per storage carrier (pumped hydro, batteries), as MWh and share of energy capacity."""
    st = _city_rows(run, run.tables["storage"])
    carriers = run.tables["capacities"].set_index("element")["carrier"]
    st = st.assign(carrier=st["element"].map(carriers).fillna("storage"))
    fig, (ax,) = _figure(3.6)
    for carrier, frame in st.groupby("carrier"):
        hourly = frame.groupby("hour").agg(
            timestamp=("timestamp", "first"), soc=("soc_mwh", "sum"), e_nom=("e_nom_mwh", "sum")
        )
        n_units = frame["element"].nunique()
        ax.plot(
            pd.to_datetime(hourly["timestamp"]),
            hourly["soc"],
            color=COLOURS.get(carrier, "#607d8b"),
            lw=1.4,
            label=f"{TECH_LABEL.get(carrier, carrier)} ({n_units} unit{'s' * (n_units > 1)}, "
            f"{hourly['e_nom'].iloc[0]:,.0f} MWh)",
        )
    ax.set_ylabel("state of charge (MWh)")
    ax.set_title("Storage state of charge over the horizon")
    ax.legend(fontsize=8, loc="upper right")
    ax.grid(alpha=0.3)
    ax.margins(x=0)
    fig.autofmt_xdate()
    return fig


# --- prices -------------------------------------------------------------------------------------------------------


def prices(run: RunData) -> Figure | None:
    bal = run.tables["balance"]
    if bal["price_cny_per_mwh"].isna().all():
        return None
    fig, (ax1, ax2) = _figure(4.2, 2, width_ratios=[3, 2])
    wide = bal.pivot_table(index="hour", columns="bus", values="price_cny_per_mwh")
    duration = np.arange(1, len(wide) + 1)
    for bus in wide.columns:
        ax1.plot(duration, np.sort(wide[bus].to_numpy())[::-1], lw=0.8, alpha=0.6, color="#90a4ae")
    weights = bal.pivot_table(index="hour", columns="bus", values="load_mw")[wide.columns]
    city = (wide * weights).sum(axis=1) / weights.sum(axis=1).clip(lower=1e-9)
    ax1.plot(duration, np.sort(city.to_numpy())[::-1], lw=2, color="#c62828", label="load-weighted city price")
    ax1.plot([], [], lw=0.8, color="#90a4ae", label="each district")
    # prices span the fuel cost (hundreds) to scarcity (tens of thousands): a log axis, linear near zero if any
    # price is zero or negative (curtailment hours)
    low, top = float(np.nanmin(wide.to_numpy())), float(np.nanmax(wide.to_numpy()))
    if low > 0:
        ax1.set_yscale("log")
        ax1.set_ylim(low / 1.3, top * 1.3)
        ticks = [t for t in PRICE_TICKS if low / 1.3 <= t <= top * 1.3]
    else:
        ax1.set_yscale("symlog", linthresh=100)
        ticks = [t for t in PRICE_TICKS if t <= top * 1.3] + [-t for t in PRICE_TICKS[1:] if -t >= low * 1.3]
    ax1.set_yticks(sorted(ticks))
    ax1.yaxis.set_major_formatter(THOUSANDS)
    ax1.yaxis.set_minor_formatter(FuncFormatter(lambda v, _pos: ""))
    ax1.set_xlabel("hours of the horizon, sorted")
    ax1.set_ylabel("marginal price (CNY/MWh)")
    ax1.set_title("Price duration curve")
    ax1.legend(fontsize=8)
    ax1.grid(alpha=0.3)
    peak = peak_hour(bal)
    at_peak = bal[bal["hour"] == peak].set_index("bus")["price_cny_per_mwh"].sort_values()
    ts = pd.to_datetime(bal.loc[bal["hour"] == peak, "timestamp"].iloc[0])
    ax2.barh(at_peak.index, at_peak.to_numpy(), color="#ef6c00")
    for i, v in enumerate(at_peak.to_numpy()):
        ax2.text(v, i, f" {v:,.0f}", va="center", fontsize=8)
    ax2.set_xlim(0, at_peak.max() * 1.25 if at_peak.max() > 0 else 1)
    ax2.set_xlabel("CNY/MWh")
    ax2.set_title(f"Prices by district at the peak hour ({ts:%d %b %H:%M})")
    ax2.tick_params(axis="y", labelsize=8)
    return fig


# --- curtailment and emissions ------------------------------------------------------------------------------------


def _city_rows(run: RunData, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a result table that are the city's: with the province boundary, not at the province bus."""
    province = set(run.tables["province"]["bus"]) if "province" in run.tables else set()
    return frame[~frame["bus"].isin(province)] if province else frame


def curtailment_emissions(run: RunData) -> Figure:
    curt = _city_rows(run, run.tables["curtailment"])
    month = pd.to_datetime(curt["timestamp"]).dt.to_period("M").astype(str)
    by = curt.assign(month=month).groupby(["month", "tech"])[["curtailed_mw", "available_mw"]].sum()
    fig, (ax1, ax2) = _figure(3.8, 2)
    months = sorted(by.index.get_level_values("month").unique())
    bottom = np.zeros(len(months))
    for tech in sorted(by.index.get_level_values("tech").unique()):
        values = by["curtailed_mw"].xs(tech, level="tech").reindex(months).fillna(0.0).to_numpy()
        ax1.bar(months, values, bottom=bottom, color=COLOURS.get(tech, "#bdbdbd"), label=TECH_LABEL.get(tech, tech))
        bottom += values
    monthly = by.groupby(level="month").sum().reindex(months)
    for i, m in enumerate(months):
        share = monthly.at[m, "curtailed_mw"] / max(monthly.at[m, "available_mw"], 1e-9)
        ax1.text(
            i,
            bottom[i],
            f"{share:.1%} of\n{monthly.at[m, 'available_mw']:,.0f} MWh",
            ha="center",
            va="bottom",
            fontsize=8,
        )
    ax1.set_ylim(0, max(bottom.max() * 1.35, 1.0))
    ax1.set_ylabel("curtailed energy (MWh)")
    ax1.set_title("Renewable curtailment by month (share of available)")
    ax1.legend(fontsize=8, loc="upper left")
    if bottom.max() <= 1e-6:
        _note(ax1, "no curtailment in this run")
    em = run.tables["emissions"]
    em = em[em["area"] == "city"] if "area" in em.columns else em  # the province's are its own, not the city's
    imported = float(run.manifest.get("kpis", {}).get("co2_imported_t") or 0.0)
    if imported > 0:  # the city's net import from the province at its average intensity, as the CO2 KPI counts it
        em = pd.concat([em, pd.DataFrame({"source": ["import: rest of the province"], "tco2": [imported]})])
    em = em.sort_values("tco2")
    colours = [COLOURS.get(s, "#1565c0" if s.startswith("import:") else "#9e9e9e") for s in em["source"]]
    ax2.barh(em["source"], em["tco2"] / 1e3, color=colours)
    for i, v in enumerate(em["tco2"].to_numpy() / 1e3):
        ax2.text(v, i, f" {v:,.1f}", va="center", fontsize=8)
    ax2.set_xlim(0, max(em["tco2"].max() / 1e3 * 1.2, 1.0))
    ax2.set_xlabel("ktCO2 over the horizon")
    ax2.set_title(f"CO2 by source (total {em['tco2'].sum() / 1e3:,.0f} kt)")
    return fig


# --- the network at the peak hour ---------------------------------------------------------------------------------

CROWDED_DEG = 0.07  # buses closer than this to another bus are drawn again in the zoomed panel


def _crowded_box(buses: pd.DataFrame) -> tuple[float, float, float, float] | None:
    """Bounding box (lon0, lon1, lat0, lat1) of the buses too close to a neighbour to label on the full map."""
    xy = buses[["lon", "lat"]].to_numpy()
    dist = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    np.fill_diagonal(dist, np.inf)
    crowded = xy[dist.min(axis=1) < CROWDED_DEG]
    if len(crowded) < 2:
        return None
    pad = 0.03
    return (crowded[:, 0].min() - pad, crowded[:, 0].max() + pad, crowded[:, 1].min() - pad, crowded[:, 1].max() + pad)


def _inside(lon: float, lat: float, box) -> bool:
    return box is not None and box[0] <= lon <= box[1] and box[2] <= lat <= box[3]


def _draw_network(ax, at_peak: pd.DataFrame, buses: pd.DataFrame, load: pd.Series, norm, skip_box, zoom: bool) -> None:
    """Lines coloured and sized by loading, interfaces thin and dashed; labels outside ``skip_box`` only."""
    load_max = max(load.max(), 1e-9)
    for row in at_peak.itertuples():
        a, b = buses.loc[row.bus0], buses.loc[row.bus1]
        x0, y0, x1, y1 = a["lon"], a["lat"], b["lon"], b["lat"]
        is_line = row.kind == "line"
        width = (1.5 + 7.0 * min(row.loading, 1.2)) if is_line else 1.6
        ax.plot(
            [x0, x1],
            [y0, y1],
            color=LOADING_CMAP(norm(min(row.loading, 1.0))),
            lw=width,
            ls="-" if is_line else (0, (5, 3)),
            solid_capstyle="round",
            zorder=1 if is_line else 0,
        )
        if row.flow_mw < 0:
            x0, y0, x1, y1 = x1, y1, x0, y0
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        if _inside(mx, my, skip_box) or (not is_line and not zoom and abs(row.flow_mw) < 1e-6):
            continue
        if is_line or not zoom:
            ax.annotate(
                "",
                xy=(mx + (x1 - x0) * 0.08, my + (y1 - y0) * 0.08),
                xytext=(mx, my),
                arrowprops=dict(arrowstyle="-|>", color="black", lw=0.8),
                zorder=3,
                annotation_clip=True,
            )
            ax.text(
                mx,
                my,
                f" {abs(row.flow_mw):,.0f}",
                fontsize=7,
                ha="left",
                va="bottom",
                zorder=4,
                color="#212121" if is_line else "#1565c0",
                clip_on=True,
            )
    for bus, r in buses.iterrows():
        inside = _inside(r["lon"], r["lat"], skip_box)
        if r["kind"] == "district":
            size = (40 + 360 * load.get(bus, 0.0) / load_max) * (1.6 if zoom else 1.0)
            ax.scatter(r["lon"], r["lat"], s=size, color="#37474f", zorder=5, edgecolor="white")
            if not inside:
                ax.annotate(
                    f"{bus}\n{load.get(bus, 0.0):,.0f} MW",
                    (r["lon"], r["lat"]),
                    xytext=(0, 9),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=8,
                    zorder=6,
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.75),
                    annotation_clip=True,
                )
        else:
            ax.scatter(r["lon"], r["lat"], s=140, marker="s", color="#1565c0", zorder=5)
            if not inside:
                ax.annotate(
                    bus.replace("_", " "),
                    (r["lon"], r["lat"]),
                    xytext=(0, -10),
                    textcoords="offset points",
                    ha="center",
                    va="top",
                    fontsize=8,
                    color="#1565c0",
                    zorder=6,
                    annotation_clip=True,
                )


def network_map(run: RunData) -> Figure | None:
    """Lines between bus coordinates, width and colour by loading (|flow| / rating) at the city's peak hour.

    The urban core's districts sit a few km apart, so they are drawn again, zoomed, in a second panel.
    """
    if run.buses is None:
        return None
    bal = run.tables["balance"]
    peak = peak_hour(bal)
    flows = run.tables["flows"]
    at_peak = flows[flows["hour"] == peak]
    buses = run.buses
    if set(at_peak["bus0"]).union(at_peak["bus1"]) - set(buses.index):
        return None
    load = bal[bal["hour"] == peak].set_index("bus")["load_mw"]
    norm = Normalize(0.0, 1.0)
    box = _crowded_box(buses)
    fig, (ax, zax, cax) = _figure(7.0, 3, width_ratios=[14, 11, 0.4])
    aspect = 1.0 / np.cos(np.radians(float(buses["lat"].mean())))
    _draw_network(ax, at_peak, buses, load, norm, box, zoom=False)
    ax.set_aspect(aspect, adjustable="datalim")
    ax.margins(0.1)
    ts = pd.to_datetime(at_peak["timestamp"].iloc[0])
    ax.set_title(f"Network at the peak-load hour ({ts:%d %b %H:%M})", fontsize=11)
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.grid(alpha=0.2)
    if box is not None:
        ax.add_patch(
            Rectangle(
                (box[0], box[2]), box[1] - box[0], box[3] - box[2], fill=False, ec="#546e7a", ls=":", lw=1.2, zorder=2
            )
        )
        _draw_network(zax, at_peak, buses, load, norm, None, zoom=True)
        zax.set_xlim(box[0], box[1])
        zax.set_ylim(box[2], box[3])
        zax.set_aspect(aspect, adjustable="box")
        zax.set_title("urban core (dotted box), zoomed", fontsize=10)
        zax.tick_params(labelsize=7)
    else:
        zax.set_visible(False)
    fig.colorbar(ScalarMappable(norm=norm, cmap=LOADING_CMAP), cax=cax, label="loading (|flow| / rating)")
    fig.supxlabel(
        "Arrows: flow direction, numbers: MW. Line width and colour: loading. Dashed: import "
        "interfaces (blue numbers). Dot size and label: district load at that hour.",
        fontsize=8,
        color="#555555",
    )
    return fig


# --- what each target buys ----------------------------------------------------------------------------------------

FAMILY_LABEL = {
    "gas": "gas",
    "renewables": "renewables",
    "storage": "storage",
    "demand_response": "demand response",
    "clean_imports": "clean imports",
}
BOUGHT = (
    ("unserved_mwh_bought", "extra unserved energy (MWh)", 1.0),
    ("cost_cny_bought", "cost change (million CNY)", 1e6),
    ("co2_t_bought", "CO2 change (ktCO2)", 1e3),
)


def counterfactual_bars(run: RunData) -> Figure | None:
    """Counterfactual (without the family's plan increment) minus the plan, per family; positive = the target helps."""
    cf = run.table("counterfactuals")
    if cf is None or cf.empty:
        return None
    fig, axes = _figure(3.4, len(BOUGHT))
    labels = [FAMILY_LABEL.get(w, w) for w in cf["without"]]
    y = np.arange(len(cf))[::-1]
    solved = cf["status"].isin(SOLUTION_STATUSES).to_numpy()
    for ax, (column, title, scale) in zip(axes, BOUGHT):
        values = (cf[column].to_numpy(dtype=float) / scale) if column in cf else np.full(len(cf), np.nan)
        values = np.where(solved, values, np.nan)
        ax.barh(y, np.nan_to_num(values), color=["#c62828" if v > 0 else "#2e7d32" for v in np.nan_to_num(values)])
        for yi, v, ok, status in zip(y, values, solved, cf["status"]):
            ax.text(
                v if ok else 0.0,
                yi,
                f" {v:,.1f} " if ok else f" {status} ",
                va="center",
                ha="left" if (not ok or v >= 0) else "right",
                fontsize=8,
            )
        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.xaxis.set_major_formatter(THOUSANDS)
        ax.axvline(0, color="black", lw=0.6)
        ax.set_yticks(y, labels if ax is axes[0] else [""] * len(y))
        ax.set_title(title, fontsize=10)
        ax.margins(x=0.25)
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(
        "What each target buys: the run without the target's increment minus the plan (red = worse without it)",
        fontsize=11,
    )
    return fig


def run_figures(run: RunData) -> list[tuple[str, str, Figure]]:
    """(file stem, caption, figure) for every figure of the run page, in page order."""
    out: list[tuple[str, str, Figure | None]] = [
        (
            "capacity",
            "Installed capacity against the plan's targets (capacities.parquet, target_check.parquet).",
            capacity_bars(run),
        ),
    ]
    for i, (w, fig) in enumerate(dispatch_figures(run)):
        out.append(
            (
                f"dispatch_{i + 1}",
                f"Hourly dispatch stack, {w.title}, summed over districts (balance.parquet, dispatch.parquet).",
                fig,
            )
        )
    out += [
        ("storage_soc", "Storage state of charge (storage.parquet).", storage_soc(run)),
        (
            "prices",
            "Marginal prices: duration curve and districts at the peak-load hour (balance.parquet duals).",
            prices(run),
        ),
        (
            "curtailment_co2",
            "Curtailment by month (curtailment.parquet) and CO2 by source (emissions.parquet).",
            curtailment_emissions(run),
        ),
        (
            "network",
            "District network at the peak-load hour (flows.parquet; bus coordinates from the input data).",
            network_map(run),
        ),
        ("counterfactuals", "What each target buys (counterfactuals.parquet).", counterfactual_bars(run)),
    ]
    return [(stem, caption, fig) for stem, caption, fig in out if fig is not None]
