"""Compare two or more runs: what differs in the inputs, the KPIs and target checks side by side, capacities,
the largest hourly changes, and the solver statistics with the relative difference of objectives.

The first run is the reference (A); every other run (B, C, ...) is compared with it. Hourly differences are
matched on (hour, element): for each element the largest absolute change :math:`\\max_t |x^B_t - x^A_t|`, the
hour where it occurs and the mean change; the top N elements by largest change are listed for dispatch
(MW, by element), prices (CNY/MWh, by bus) and flows (MW, by line/interface). Relative objective difference:
:math:`|z_B - z_A| / \\max(|z_A|, 10^{-9})` — below ~1e-6 two solvers agree on the optimum (the dispatch may
still differ where the LP has ties, which the hourly tables then show).
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from gzpower.errors import InputError
from gzpower.runs.catalogue import read_manifest, run_folders

HOURLY = (  # table, value column, element column, what it is
    ("dispatch", "p_mw", "element", "dispatch (MW) by element"),
    ("balance", "price_cny_per_mwh", "bus", "price (CNY/MWh) by bus"),
    ("flows", "flow_mw", "element", "flow (MW) by line / interface"),
)
SOLVER_ROWS = (
    "algorithm",
    "interface",
    "status",
    "objective_mcny",
    "simplex_iterations",
    "ipm_iterations",
    "pdlp_iterations",
    "highs_s",
    "solve_s",
    "build_s",
    "rows",
    "columns",
    "nonzeros",
    "max_primal_infeasibility",
    "max_dual_infeasibility",
)


@dataclass
class RunInfo:
    label: str
    name: str
    folder: Path
    manifest: dict

    def table(self, name: str) -> pd.DataFrame | None:
        path = self.folder / f"{name}.parquet"
        return pd.read_parquet(path) if path.is_file() else None


def resolve_run(ref: str, runs_dir: Path) -> Path:
    """A run folder path, a run name under ``runs_dir``, or an unambiguous part of one."""
    path = Path(ref)
    if (path / "manifest.json").is_file():
        return path
    candidate = Path(runs_dir) / ref
    if (candidate / "manifest.json").is_file():
        return candidate
    matches = [f for f in run_folders(runs_dir) if ref in f.name]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise InputError(ref, f"no run folder of that name in {runs_dir}")
    raise InputError(ref, f"ambiguous: {len(matches)} runs in {runs_dir} match ({matches[0].name}, ...)")


def load_runs(refs: list[str], runs_dir: Path) -> list[RunInfo]:
    if len(refs) < 2:
        raise InputError("gzpower compare", "give at least two runs")
    labels = string.ascii_uppercase
    out = []
    for i, ref in enumerate(refs):
        folder = resolve_run(ref, runs_dir)
        out.append(
            RunInfo(labels[i % 26] + ("" if i < 26 else str(i // 26)), folder.name, folder, read_manifest(folder))
        )
    return out


@dataclass
class Comparison:
    runs: list[RunInfo]
    inputs_identical: bool
    inputs: pd.DataFrame  # file, one column per run (short hash), only files that differ
    params: pd.DataFrame  # field, one column per run, only fields that differ
    kpis: pd.DataFrame  # kpi, one column per run, then delta columns
    targets: pd.DataFrame  # id, unit, per run: reached and status
    capacities: pd.DataFrame  # element, family, unit, per run total, only those that differ
    hourly: dict[str, pd.DataFrame] = field(default_factory=dict)  # per HOURLY table: top changes
    solver: pd.DataFrame = field(default_factory=pd.DataFrame)
    objective_rel_diff: dict[str, float | None] = field(default_factory=dict)  # label -> |zB - zA| / |zA|


def _differ(values: list) -> bool:
    first = values[0]
    for v in values[1:]:
        if isinstance(first, float) and isinstance(v, float):
            if not (np.isclose(first, v, rtol=1e-12, atol=0.0) or (np.isnan(first) and np.isnan(v))):
                return True
        elif v != first:
            return True
    return False


def _inputs(runs: list[RunInfo]) -> tuple[bool, pd.DataFrame]:
    hashes = [(r.manifest.get("inputs") or {}).get("sha256") or {} for r in runs]
    files = sorted(set().union(*hashes))
    rows = []
    for f in files:
        values = [h.get(f) for h in hashes]
        if _differ(values):
            rows.append({"file": f, **{r.label: (v[:12] if v else "missing") for r, v in zip(runs, values)}})
    frame = pd.DataFrame(rows, columns=["file", *(r.label for r in runs)])
    return frame.empty, frame


def _params(runs: list[RunInfo]) -> pd.DataFrame:
    rows = []
    for section in ("scenario", "solver"):
        blocks = [r.manifest.get(section) or {} for r in runs]
        for key in sorted(set().union(*blocks), key=lambda k: list(blocks[0]).index(k) if k in blocks[0] else 99):
            values = [b.get(key) for b in blocks]
            if key == "plan":  # a plan file: its name and hash, not its text
                values = [f"{Path(v.get('source', '')).name}@{v.get('sha256', '')[:12]}" if v else None for v in values]
            if _differ(values):
                rows.append(
                    {
                        "field": f"{section}.{key}",
                        **{r.label: json.dumps(v) if isinstance(v, (dict, list)) else v for r, v in zip(runs, values)},
                    }
                )
    frame = pd.DataFrame(rows, columns=["field", *(r.label for r in runs)])
    return frame.astype(object)


def _kpis(runs: list[RunInfo]) -> pd.DataFrame:
    blocks = [r.manifest.get("kpis") or {} for r in runs]
    keys = list(dict.fromkeys(k for b in blocks for k in b))
    rows = []
    for key in keys:
        row = {"kpi": key, **{r.label: b.get(key) for r, b in zip(runs, blocks)}}
        a = blocks[0].get(key)
        for r, b in zip(runs[1:], blocks[1:]):
            v = b.get(key)
            row[f"{r.label}-A"] = (v - a) if isinstance(v, (int, float)) and isinstance(a, (int, float)) else None
        rows.append(row)
    return pd.DataFrame(rows)


def _targets(runs: list[RunInfo]) -> pd.DataFrame:
    merged = None
    for r in runs:
        tc = r.table("target_check")
        if tc is None:
            continue
        part = tc[["id", "unit", "reached", "status"]].rename(
            columns={"reached": f"reached_{r.label}", "status": f"status_{r.label}"}
        )
        merged = part if merged is None else merged.merge(part, on=["id", "unit"], how="outer", sort=False)
    return merged if merged is not None else pd.DataFrame()


def _capacities(runs: list[RunInfo], top: int) -> pd.DataFrame:
    merged = None
    for r in runs:
        caps = r.table("capacities")
        if caps is None:
            continue
        part = caps[["element", "family", "unit", "total"]].rename(columns={"total": r.label})
        merged = part if merged is None else merged.merge(part, on=["element", "family", "unit"], how="outer")
    if merged is None:
        return pd.DataFrame()
    labels = [r.label for r in runs if r.label in merged]
    values = merged[labels].fillna(0.0).to_numpy(dtype=float)
    spread = values.max(axis=1) - values.min(axis=1)
    merged = merged.assign(largest_change=spread)
    return merged[spread > 1e-6].sort_values("largest_change", ascending=False).head(top).reset_index(drop=True)


def hourly_changes(a: pd.DataFrame, b: pd.DataFrame, value: str, key: str, top: int) -> pd.DataFrame:
    """Per element: the largest absolute change of ``value`` between two runs, its hour, and the mean change
    (a missing element/hour counts as 0 on that side)."""
    left = a.groupby(["hour", key], sort=False)[value].sum()
    right = b.groupby(["hour", key], sort=False)[value].sum()
    both = pd.concat([left.rename("a"), right.rename("b")], axis=1).fillna(0.0)
    both["change"] = both["b"] - both["a"]
    both["abs"] = both["change"].abs()
    both = both.reset_index()
    idx = both.groupby(key)["abs"].idxmax()
    worst = both.loc[idx, [key, "hour", "a", "b", "change", "abs"]]
    mean = both.groupby(key)["change"].mean().rename("mean_change")
    worst = worst.merge(mean, left_on=key, right_index=True)
    worst = worst[worst["abs"] > 1e-6].sort_values("abs", ascending=False).head(top)
    return (
        worst.rename(columns={"hour": "at_hour", "a": "A", "b": "other"}).drop(columns=["abs"]).reset_index(drop=True)
    )


def _solver(runs: list[RunInfo]) -> tuple[pd.DataFrame, dict]:
    rows = {}
    for r in runs:
        m = r.manifest
        stats, timings, solver = m.get("solver_stats") or {}, m.get("timings_s") or {}, m.get("solver") or {}
        merged = {**stats, **timings, **solver, "status": m.get("status"), "objective_mcny": m.get("objective_mcny")}
        rows[r.label] = [merged.get(k) for k in SOLVER_ROWS]
    frame = pd.DataFrame(rows, index=list(SOLVER_ROWS)).rename_axis("statistic").reset_index().astype(object)
    z_a = runs[0].manifest.get("objective_mcny")
    rel = {}
    for r in runs[1:]:
        z = r.manifest.get("objective_mcny")
        rel[r.label] = None if z is None or z_a is None else abs(z - z_a) / max(abs(z_a), 1e-9)
    return frame, rel


def compare_runs(runs: list[RunInfo], top: int = 10) -> Comparison:
    identical, inputs = _inputs(runs)
    solver, rel = _solver(runs)
    hourly = {}
    ref = runs[0]
    for table, value, key, _ in HOURLY:
        a = ref.table(table)
        parts = []
        for r in runs[1:]:
            b = r.table(table)
            if a is None or b is None:
                continue
            part = hourly_changes(a, b, value, key, top)
            part.insert(0, "run", r.label)
            parts.append(part)
        hourly[table] = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return Comparison(
        runs, identical, inputs, _params(runs), _kpis(runs), _targets(runs), _capacities(runs, top), hourly, solver, rel
    )


# --- output ------------------------------------------------------------------------------------------------------


def _records(frame: pd.DataFrame) -> list[dict]:
    if frame is None or frame.empty:
        return []
    return json.loads(frame.to_json(orient="records", date_format="iso"))


def to_json(c: Comparison) -> dict:
    return {
        "runs": {r.label: {"name": r.name, "folder": str(r.folder)} for r in c.runs},
        "inputs_identical": c.inputs_identical,
        "inputs_differing": _records(c.inputs),
        "params_changed": _records(c.params),
        "kpis": _records(c.kpis),
        "targets": _records(c.targets),
        "capacities_changed": _records(c.capacities),
        "hourly_top_changes": {k: _records(v) for k, v in c.hourly.items()},
        "solver": _records(c.solver),
        "objective_rel_diff": c.objective_rel_diff,
    }


def _cell(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "-"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, np.integer)):
        return f"{v:,}"
    if isinstance(v, (float, np.floating)):
        return f"{v:,.6g}" if abs(v) < 1e6 else f"{v:,.0f}"
    return str(v)


def _show(frame: pd.DataFrame) -> str:
    from gzpower.report.text import table

    if frame is None or frame.empty:
        return "  (none)"
    return table(frame.astype(object).map(_cell))


def format_comparison(c: Comparison) -> str:
    out = ["runs:"] + [f"  {r.label} = {r.name}" for r in c.runs]
    out += [
        "",
        "inputs: "
        + ("identical (same sha256 for every input file)" if c.inputs_identical else f"{len(c.inputs)} file(s) differ"),
    ]
    if not c.inputs_identical:
        out.append(_show(c.inputs))
    out += ["", "scenario / solver fields that changed:", _show(c.params)]
    out += ["", "KPIs:", _show(c.kpis)]
    out += ["", "target checks:", _show(c.targets)]
    out += ["", "capacities that differ (MW / MWh):", _show(c.capacities)]
    for table, _, _, what in HOURLY:
        out += ["", f"largest hourly changes, {what}, vs A:", _show(c.hourly.get(table))]
    out += ["", "solver:", _show(c.solver)]
    for label, rel in c.objective_rel_diff.items():
        out.append(f"relative objective difference {label} vs A: {'-' if rel is None else f'{rel:.3e}'}")
    return "\n".join(out)
