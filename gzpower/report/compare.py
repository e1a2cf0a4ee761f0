"""A page comparing runs (a sweep, ``compare --html``): KPI curves against a swept parameter, the chosen size marked.

The KPIs are those each run recorded in its manifest (``kpis``); failing targets come from its
``target_check.parquet``. Runs are grouped into one curve per (mode, year, counterfactual).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from gzpower.errors import InputError
from gzpower.report.figures import DPI, WIDTH_IN, to_png
from gzpower.report.page import document, esc, figure_html, fmt, table, write_atomic
from gzpower.report.run_data import read_manifest

# (manifest kpi, axis label, divisor)
KPI_PANELS = (
    ("unserved_mwh", "unserved energy (MWh)", 1.0),
    ("loss_of_load_hours", "loss-of-load hours", 1.0),
    ("max_shortfall_mw", "largest shortfall (MW)", 1.0),
    ("cost_cny", "total cost (bn CNY)", 1e9),
    ("co2_t", "CO2 (MtCO2)", 1e6),
    ("curtailment_share", "curtailment (share of available)", 1.0),
    ("price_avg_cny_per_mwh", "load-weighted price (CNY/MWh)", 1.0),
    ("imports_mwh", "imports (TWh)", 1e6),
)


@dataclass
class RunSummary:
    folder: Path
    name: str
    group: str
    x: object  # the swept parameter's value (None when absent)
    status: str
    kpis: dict
    failed: list[str]


def parameter_value(manifest: dict, name: str):
    """A run's value of ``name``: a scenario field, else a top-level manifest entry, else inside one of its dicts."""
    if name in (manifest.get("scenario") or {}):
        return manifest["scenario"][name]
    if name in manifest:
        return manifest[name]
    for value in manifest.values():
        if isinstance(value, dict) and name in value and not isinstance(value[name], dict):
            return value[name]
    return None


def _summary(folder: Path, x_param: str | None) -> RunSummary:
    folder = Path(folder)
    m = read_manifest(folder)
    sc = m.get("scenario") or {}
    without = sc.get("without") or []
    group = f"{m.get('mode')} {m.get('year')}" + (f" without {', '.join(without)}" if without else "")
    failed: list[str] = []
    tc_path = folder / "target_check.parquet"
    if tc_path.is_file():
        tc = pd.read_parquet(tc_path)
        failed = list(tc.loc[tc["status"] == "fail", "id"])
    x = parameter_value(m, x_param) if x_param else None
    return RunSummary(folder, m.get("run", folder.name), group, x, str(m.get("status")), m.get("kpis") or {}, failed)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and not math.isnan(v)


def kpi_figure(runs: list[RunSummary], x_param: str | None, chosen: float | None) -> Figure:
    numeric = x_param is not None and all(_is_number(r.x) for r in runs)
    panels = [p for p in KPI_PANELS if any(_is_number(r.kpis.get(p[0])) for r in runs)]
    ncols = 2
    nrows = max(1, math.ceil(len(panels) / ncols))
    fig = Figure(figsize=(WIDTH_IN, 2.9 * nrows), dpi=DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    groups = list(dict.fromkeys(r.group for r in runs))
    labels = [r.name.split("-", 1)[-1] for r in runs]  # the UTC stamp left out: the table below has full names
    for ax, (key, label, scale) in zip(axes, panels):
        for g in groups:
            members = [(i, r) for i, r in enumerate(runs) if r.group == g]
            if numeric:
                members.sort(key=lambda ir: ir[1].x)
                xs = [r.x for _, r in members]
            else:
                xs = [i for i, _ in members]
            ys = [r.kpis.get(key) / scale if _is_number(r.kpis.get(key)) else np.nan for _, r in members]
            ax.plot(xs, ys, marker="o", lw=1.5, label=g)
            for (_, r), xv, yv in zip(members, xs, ys):
                if r.failed:  # a run failing a plan target is ringed red
                    ax.plot(xv, yv, marker="o", ms=11, mfc="none", mec="#c62828", mew=1.5)
        if numeric and chosen is not None:
            ax.axvline(chosen, color="#2e7d32", ls="--", lw=1.5, label=f"chosen {x_param} = {chosen:g}")
        ax.set_ylabel(label, fontsize=9)
        ax.grid(alpha=0.3)
        if numeric:
            ax.set_xlabel(x_param, fontsize=9)
        else:
            ax.set_xticks(range(len(runs)), labels, rotation=30, ha="right", fontsize=7)
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    if len(panels):
        axes[0].legend(fontsize=8)
    title = f"KPIs across {len(runs)} runs" + (f" against {x_param}" if numeric else "")
    fig.suptitle(title + " (red ring: the run fails a plan target)", fontsize=12)
    return fig


def write_comparison_report(
    run_folders: list[Path], out: Path, x_param: str | None = None, chosen: float | None = None
) -> Path:
    """Write a self-contained comparison page to ``out`` (figure also as ``<out dir>/figures/<out stem>-kpis.png``)."""
    if not run_folders:
        raise InputError(str(out), "comparison report: no run folders given")
    runs = [_summary(f, x_param) for f in run_folders]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig_dir = out.parent / "figures"
    fig_dir.mkdir(exist_ok=True)
    stem = f"{out.stem}-kpis"
    png = to_png(kpi_figure(runs, x_param, chosen))
    (fig_dir / f"{stem}.png").write_bytes(png)
    header = (
        ["run", "group"]
        + ([x_param] if x_param else [])
        + ["status"]
        + [p[1] for p in KPI_PANELS]
        + ["failing targets"]
    )
    rows, classes = [], []
    for r in runs:
        cells = [(esc(r.name), ""), (esc(r.group), "")]
        if x_param:
            cells.append((esc(fmt(r.x)) if r.x is not None else "-", "num"))
        cells.append((esc(r.status), ""))
        cells += [(fmt(r.kpis[k] / s) if _is_number(r.kpis.get(k)) else "-", "num") for k, _, s in KPI_PANELS]
        cells.append((esc(", ".join(r.failed)) or "none", "status"))
        rows.append(cells)
        classes.append("fail" if r.failed else "pass")
    chosen_text = f"; chosen {x_param} = {chosen:g}" if chosen is not None and x_param else ""
    body = [
        f"<h1>gzpower: {len(runs)} runs compared</h1>",
        f'<p class="sub">{esc((x_param and f"swept parameter: {x_param}") or "runs side by side")}'
        f"{esc(chosen_text)}</p>",
        figure_html(png, "KPIs recorded in each run's manifest.json.", stem),
        "<h2>Runs</h2>",
        table(header, rows, classes, css_class="runs"),
        "<footer>KPIs from each run's manifest.json; failing targets from its target_check.parquet.</footer>",
    ]
    write_atomic(out, document(f"gzpower comparison of {len(runs)} runs", body))
    return out
