"""Re-run a finished run from its manifest alone and say whether it reproduces.

The manifest records the scenario (every field), the solver settings and the SHA-256 of every input file, which
is all a run depends on. ``gzpower rerun RUN`` rebuilds both, re-runs into a new run folder and compares:

- the objective: :math:`|z_1 - z_0| \\le \\text{rtol} \\cdot \\max(|z_0|, 1)`;
- every result table of the original folder, cell by cell: text and timestamps equal, numbers within
  :math:`\\text{rtol} \\cdot \\max_{\\text{column}} |v|` (relative to the column's scale, so that a 1e-12 MW flow
  next to 2,000 MW flows does not count as a difference);
- the input files' hashes (a changed input is reported, since it explains any difference).

``rtol`` is 1e-6, above the solver's feasibility tolerances (1e-7) and far below any difference that matters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from gzpower.errors import InputError
from gzpower.results.folder import read_manifest

RTOL = 1e-6


@dataclass
class RerunReport:
    original: Path
    rerun: Path
    objective_original: float | None
    objective_rerun: float | None
    inputs_changed: list[str] = field(default_factory=list)
    table_differences: dict[str, str] = field(default_factory=dict)  # table -> what differs
    tables_compared: list[str] = field(default_factory=list)

    @property
    def objective_matches(self) -> bool:
        a, b = self.objective_original, self.objective_rerun
        if a is None or b is None:
            return a is b
        return abs(a - b) <= RTOL * max(abs(a), 1.0)

    @property
    def matches(self) -> bool:
        return self.objective_matches and not self.table_differences and not self.inputs_changed

    def lines(self) -> list[str]:
        out = [
            f"original: {self.original}",
            f"rerun:    {self.rerun}",
            f"objective: {self.objective_original} -> {self.objective_rerun} million CNY "
            f"({'match' if self.objective_matches else 'DIFFERENT'})",
        ]
        if self.inputs_changed:
            out.append(f"inputs changed since the original run: {', '.join(self.inputs_changed)}")
        for name in self.tables_compared:
            out.append(f"  {name}: {self.table_differences.get(name, 'match')}")
        out.append(f"reproduced (relative tolerance {RTOL:g})" if self.matches else "NOT reproduced")
        return out


def compare_tables(a: pd.DataFrame, b: pd.DataFrame, rtol: float = RTOL) -> str | None:
    """None when equal within ``rtol`` (see the module docstring), else a short description of the first difference."""
    if list(a.columns) != list(b.columns):
        return f"columns differ: {list(a.columns)} vs {list(b.columns)}"
    if len(a) != len(b):
        return f"{len(a)} rows vs {len(b)}"
    for col in a.columns:
        x, y = a[col], b[col]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(x):
            xv, yv = x.to_numpy(dtype=float), y.to_numpy(dtype=float)
            both_nan = np.isnan(xv) & np.isnan(yv)
            scale = np.nanmax(np.abs(np.concatenate([xv, yv]))) if np.isfinite(xv).any() else 0.0
            diff = np.abs(xv - yv)
            bad = ~both_nan & ~(diff <= rtol * max(scale, 1e-12))
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                return f"column '{col}' row {i}: {xv[i]!r} vs {yv[i]!r} ({int(bad.sum())} cells differ)"
        else:
            # a missing label (a capacities row without a carrier) equals a missing label
            same = (x.astype(str).to_numpy() == y.astype(str).to_numpy()) | (x.isna().to_numpy() & y.isna().to_numpy())
            if not same.all():
                i = int(np.flatnonzero(~same)[0])
                return f"column '{col}' row {i}: {x.iloc[i]!r} vs {y.iloc[i]!r}"
    return None


def rerun(folder: Path, runs_dir: Path | None = None, data_dir: Path | None = None) -> RerunReport:
    """Re-run the run in ``folder`` from its manifest into a new folder under ``runs_dir`` and compare."""
    from gzpower.inputs.validate import load_dataset
    from gzpower.results.counterfactuals import counterfactual_table
    from gzpower.results.folder import file_hashes, scenario_from_record
    from gzpower.solve.highs import SolverSettings
    from gzpower.studies.run import counterfactuals, run_and_write
    from gzpower.studies.verdict import options_of_run, verdict_tables

    folder = Path(folder)
    manifest = read_manifest(folder)
    try:
        sc = scenario_from_record(manifest["scenario"])
        # manifests written before Benders existed solved every expansion as one LP, and before the windowed cold
        # start every cold solve started from HiGHS's own start
        settings = SolverSettings(**{"decomposition": "none", "cold_start": "plain", **manifest["solver"]})
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(str(folder / "manifest.json"), f"cannot rebuild the run from it ({exc})") from None
    data_dir = Path(data_dir or manifest["inputs"]["data_dir"])
    recorded = manifest["inputs"].get("sha256", {})
    now = file_hashes(data_dir)
    changed = sorted(name for name in set(recorded) | set(now) if recorded.get(name) != now.get(name))
    tables = load_dataset(data_dir)
    had_counterfactuals = (folder / "counterfactuals.parquet").is_file()
    rolling = manifest.get("rolling")  # a rolling-horizon run is replayed window by window
    solver = label = None
    if rolling:
        from functools import partial

        from gzpower.studies.rolling import rolling_case

        solver = partial(rolling_case, window=rolling["window_h"], lookahead=rolling["lookahead_h"])
        label = f"{sc.label()}-rolling{rolling['window_h']}"

    verdict = options_of_run(folder)  # the verdict tables, as the original run wrote them

    def extra(parent):
        out = verdict_tables(tables, parent, settings, verdict) if verdict is not None else {}
        if not had_counterfactuals:
            return out
        children = counterfactuals(tables, parent, settings, solver=solver)
        return {**out, "counterfactuals": counterfactual_table(parent, children)}

    extra_manifest = {"rerun_of": folder.name, **({"rolling": rolling} if rolling else {})}
    result = run_and_write(
        tables,
        sc,
        settings,
        Path(runs_dir or folder.parent),
        data_dir,
        extra_manifest=extra_manifest,
        extra_tables=extra,
        solver=solver,
        label=label,
    )
    report = RerunReport(folder, result.folder, manifest.get("objective_mcny"), result.objective, changed)
    for path in sorted(folder.glob("*.parquet")):
        report.tables_compared.append(path.stem)
        other = result.folder / path.name
        if not other.is_file():
            report.table_differences[path.stem] = "missing in the rerun"
            continue
        diff = compare_tables(pd.read_parquet(path), pd.read_parquet(other))
        if diff is not None:
            report.table_differences[path.stem] = diff
    return report
