"""One run's HTML page: header, target check, figures, costs; written as ``report.html`` beside ``figures/*.png``."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from gzpower.report.calibration import calibration_section
from gzpower.report.figures import run_figures, to_png
from gzpower.report.fonts import use_cjk_fallback
from gzpower.report.page import document, esc, facts, figure_html, fmt, table, write_atomic
from gzpower.report.run_data import RunData, load_run
from gzpower.report.verdict import verdict_sections
from gzpower.types import TargetStatus

#: CSS class of a target-check row; the reported rows share one class; ABOVE/BELOW an "about" band count as failing
STATUS_CLASS: dict[TargetStatus, str] = {
    "pass": "pass",
    "fail": "fail",
    "above": "fail",
    "below": "fail",
    "not modelled": "not-modelled",
}


def _horizon(run: RunData) -> str:
    sc = run.manifest.get("scenario", {})
    ts = pd.to_datetime(run.tables["balance"]["timestamp"])
    return (
        f"{sc.get('hours')} h from hour {sc.get('start_hour')} ({ts.min():%Y-%m-%d %H:%M} to {ts.max():%Y-%m-%d %H:%M})"
    )


def _solver(run: RunData) -> list[tuple[str, str]]:
    st, solver, t = (
        run.manifest.get("solver_stats", {}),
        run.manifest.get("solver", {}),
        run.manifest.get("timings_s", {}),
    )
    primal, dual = st.get("max_primal_infeasibility"), st.get("max_dual_infeasibility")
    iterations = sum(int(st.get(k) or 0) for k in ("simplex_iterations", "ipm_iterations", "pdlp_iterations"))
    return [
        (
            "solver",
            f"HiGHS {run.manifest.get('versions', {}).get('highspy', '')}, {solver.get('algorithm')} "
            f"via {solver.get('interface')}",
        ),
        (
            "LP size",
            f"{fmt(st.get('rows'))} rows x {fmt(st.get('columns'))} columns, {fmt(st.get('nonzeros'))} nonzeros",
        ),
        ("iterations", fmt(iterations)),
        (
            "max infeasibility",
            f"primal {primal:.2g}, dual {dual:.2g}"
            if isinstance(primal, (int, float)) and isinstance(dual, (int, float))
            else "-",
        ),
        (
            "time",
            f"build {t.get('build_s', 0):.1f} s, solve {t.get('solve_s', 0):.1f} s "
            f"(HiGHS {t.get('highs_s') or 0:.1f} s), extract {t.get('extract_s', 0):.1f} s",
        ),
    ]


def _header(run: RunData) -> list[str]:
    m = run.manifest
    k = m.get("kpis", {})
    sc = m.get("scenario", {})
    objective = m.get("objective_mcny")
    without = sc.get("without") or []
    title = f"gzpower {m.get('mode')} {m.get('year')}" + (f" without {', '.join(without)}" if without else "")
    pairs = [
        ("run", run.name),
        ("mode", str(m.get("mode"))),
        ("year", str(m.get("year"))),
        ("status", f"{m.get('status')} ({m.get('message')})"),
        ("objective", f"{objective:,.1f} million CNY" if isinstance(objective, (int, float)) else "-"),
        ("horizon", _horizon(run)),
        ("load", f"{k.get('load_mwh', math.nan) / 1e6:,.3f} TWh, peak {k.get('peak_load_mw', math.nan):,.0f} MW"),
        ("CO2", f"{k.get('co2_t', math.nan) / 1e6:,.3f} MtCO2"),
        ("unserved energy", f"{fmt(k.get('unserved_mwh'))} MWh in {fmt(k.get('loss_of_load_hours'))} h"),
        ("imports", f"{k.get('imports_mwh', math.nan) / 1e6:,.3f} TWh"),
    ] + _solver(run)
    return [
        f"<h1>{esc(title)}</h1>",
        f'<p class="sub">run folder {esc(run.folder)}</p>',
        facts(pairs),
        "<h2>Scenario</h2>",
        scenario_table(sc),
    ]


#: scenario field -> unit, for the report's scenario table
SCENARIO_UNITS = {
    "start_hour": "hour of the year",
    "hours": "h",
    "carbon_price": "CNY/tCO2",
    "co2_cap": "tCO2 over the horizon",
    "reserve_share": "MW/MW of city load",
    "value_of_lost_load": "CNY/MWh",
    "dr_shift_share": "MW/MW of district peak",
    "import_scale": "x interface capacity",
    "load_scale": "x load",
    "storage_mw": "MW",
    "storage_hours": "h",
    "dr_share": "share of annual peak",
    "periods": "representative days",
    "initial_soc": "MWh per store",
    "initial_output": "MW per unit",
    "inherited": "MW per (tech, district)",
}


def _scenario_value(key: str, value) -> str:
    if key == "plan":
        if not value:
            return "none (targets.csv as shipped)"
        return f"{Path(value.get('source', '')).name} (sha256 {value.get('sha256', '')[:12]})"
    if value is None:
        return "- (the plan's)" if key in ("storage_mw", "dr_share") else "-"
    if isinstance(value, (list, tuple, dict)):
        return ", ".join(map(str, value.items() if isinstance(value, dict) else value)) or "-"
    return fmt(value) if isinstance(value, float) else str(value)


def scenario_table(sc: dict) -> str:
    """The manifest's scenario as a table of field, value and unit (not a raw dict)."""
    rows = [
        [(esc(key), "id"), (esc(_scenario_value(key, value)), "value"), (esc(SCENARIO_UNITS.get(key, "")), "unit")]
        for key, value in sc.items()
        if key not in ("year", "mode")
    ]
    return table(["field", "value", "unit"], rows, css_class="scenario")


def _clean_zero(margin: float, target: float) -> float:
    """A margin within solver tolerance of zero shown as 0 rather than -0.00 (the status keeps its own test)."""
    scale = max(1.0, abs(target)) if not pd.isna(target) else 1.0
    return 0.0 if not pd.isna(margin) and abs(margin) < 1e-7 * scale else margin


def target_table(tc: pd.DataFrame) -> str:
    rows, classes = [], []
    for r in tc.itertuples():
        status = str(r.status)
        classes.append(STATUS_CLASS.get(status, "reported"))
        rows.append(
            [
                (esc(r.id), "id"),
                (esc(r.description), "desc"),
                (esc(r.kind), "kind"),
                (esc(r.unit), "unit"),
                (fmt(r.target, r.unit), "num"),
                (fmt(r.reached, r.unit), "num"),
                (fmt(_clean_zero(r.margin, r.target), r.unit), "num margin"),
                (esc(status.upper()), "status"),
            ]
        )
    return table(
        ["target", "what the plan says", "kind", "unit", "plan", "reached", "margin", "status"],
        rows,
        classes,
        css_class="targets",
    )


def _verdict(tc: pd.DataFrame) -> str:
    checked = tc[tc["status"].isin(["pass", "fail", "above", "below"])]
    failed = checked[checked["status"] != "pass"]
    cls = "fail" if len(failed) else "pass"
    text = f"{len(checked) - len(failed)} of {len(checked)} checked targets pass"
    if len(failed):
        text += ": " + ", ".join(failed["id"]) + " fail"
    return f'<p class="verdict {cls}">{esc(text)}</p>'


def _costs(costs: pd.DataFrame) -> str:
    rows = [[(esc(r.category), ""), (fmt(r.cny / 1e6), "num")] for r in costs.itertuples()]
    rows.append([("<b>total</b>", ""), (f"<b>{fmt(costs['cny'].sum() / 1e6)}</b>", "num")])
    return table(["cost category", "million CNY over the horizon"], rows, css_class="costs")


def write_report(run_folder: Path) -> Path:
    """Write ``run_folder/report.html`` (self-contained) and ``run_folder/figures/*.png``; return the html path."""
    use_cjk_fallback()  # the plan's Chinese quotes in the figures
    run = load_run(run_folder)
    folder = Path(run_folder)
    fig_dir = folder / "figures"
    fig_dir.mkdir(exist_ok=True)
    tc = run.tables["target_check"]
    body = _header(run)
    body += calibration_section(run.tables.get("calibration"))  # a gzpower calibrate run
    body += ["<h2>Target check</h2>", _verdict(tc), target_table(tc)]
    body += verdict_sections(run)  # both adequacy levels, what binds, tipping points
    body.append("<h2>Figures</h2>")
    for stem, caption, fig in run_figures(run):
        png = to_png(fig)
        write_atomic(fig_dir / f"{stem}.png", png)
        body.append(figure_html(png, caption, stem))
    if run.buses is None:
        body.append("<p>Network map left out: the input data folder recorded in the manifest was not found.</p>")
    body += ["<h2>Costs</h2>", _costs(run.tables["costs"])]
    versions = ", ".join(f"{k} {v}" for k, v in run.manifest.get("versions", {}).items())
    body.append(
        f"<footer>Every number on this page is read from the run folder's parquet tables and manifest.json. "
        f"{esc(versions)}. Inputs: {esc((run.manifest.get('inputs') or {}).get('data_dir'))}.</footer>"
    )
    out = folder / "report.html"
    write_atomic(out, document(f"gzpower {run.name}", body))
    return out
