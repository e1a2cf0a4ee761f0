"""``gzpower calibrate``: dispatch 2023 with the fleet as it stood in 2023 and hold the outcome against what was
observed (the metrics and bands: :mod:`gzpower.results.calibration`).

The run is a check-mode run of the calibration year (capacities fixed: the fleet the pipeline's year 2023 stands,
by GEM status and years), over the full year by default, or a shorter horizon, or representative days standing
for the year (``periods``: the calibration compares energies, which the aggregation keeps, not the shortfall it
understates). It writes an ordinary run folder with ``calibration.parquet`` beside the result tables.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from gzpower.errors import InputError
from gzpower.inputs.schemas import HOURS_PER_YEAR
from gzpower.report.text import table
from gzpower.results.calibration import (
    CALIBRATION_YEAR,
    EXPLAINED,
    calibration_records,
    calibration_table,
    gem_coal_capacity_factor,
    observed_figures,
)
from gzpower.scenario.scenario import Scenario
from gzpower.solve.highs import SolverSettings
from gzpower.studies.run import RunResult, run_and_write
from gzpower.types import Boundary

#: the Scenario levers a calibration may set (the knobs of the README's calibration section)
CALIBRATION_LEVERS = (
    "load_scale",
    "import_scale",
    "import_supply_scale",
    "thermal_availability_scale",
    "clean_import_scale",
    "import_price_scale",
)


@dataclass(frozen=True)
class CalibrationOptions:
    """What a calibration run dispatches: the horizon (or representative days), the boundary and the levers."""

    start_hour: int = 0
    hours: int = HOURS_PER_YEAR
    periods: int | None = None
    boundary: Boundary = "province"
    levers: dict = field(default_factory=dict)
    raw_dir: Path | None = None

    def check(self) -> None:
        """Refuse options that cannot be honoured, before any work: one InputError naming the option."""
        if self.periods is not None and (self.start_hour != 0 or self.hours != HOURS_PER_YEAR):
            raise InputError(
                "--periods",
                "representative days stand for the whole year: give --periods or --start-hour/--hours, not both",
            )
        if self.periods is not None and self.periods < 2:
            raise InputError("--periods", f"{self.periods} is out of range: give a whole number >= 2 and <= 365")
        unknown = sorted(set(self.levers) - set(CALIBRATION_LEVERS))
        if unknown:
            raise InputError("calibration levers", f"not levers of a calibration: {', '.join(unknown)}")


def calibration_scenario(tables: dict, options: CalibrationOptions, year: int = CALIBRATION_YEAR) -> Scenario:
    """The check-mode Scenario of a calibration run; bad options and a dataset without the year are InputError."""
    options.check()
    if year not in set(tables["load"]["year"].unique()):
        raise InputError(
            "profiles/load.parquet",
            f"no rows for {year}: the calibration dispatches {year}; rebuild the data with a pipeline that serves it "
            "(gzpower data build)",
            column="year",
        )
    return Scenario(
        year=year,
        mode="check",
        start_hour=options.start_hour,
        hours=options.hours,
        periods=options.periods,
        boundary=options.boundary,
        **options.levers,
    )


def run_calibration(
    tables: dict,
    options: CalibrationOptions,
    settings: SolverSettings,
    runs_dir: Path,
    data_dir: Path,
    load_seconds: float = 0.0,
    year: int = CALIBRATION_YEAR,
) -> tuple[RunResult, pd.DataFrame]:
    """Solve the calibration year and write its run folder with ``calibration.parquet``; the result and the table."""
    sc = calibration_scenario(tables, options, year)
    factor, source = gem_coal_capacity_factor(options.raw_dir, year)
    observed = observed_figures(factor, source)
    manifest = {"calibration": {"raw_dir": str(options.raw_dir), "gem_coal_capacity_factor": factor}}

    def extra(result: RunResult) -> dict[str, pd.DataFrame]:
        return {"calibration": calibration_table(result.tables, observed)}

    label = f"calibrate-{year}" + (f"-{sc.periods}d" if sc.periods else "")
    result = run_and_write(tables, sc, settings, runs_dir, data_dir, load_seconds, manifest, extra, label=label)
    return result, result.tables["calibration"]


def _value(x: float, unit: str) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if unit == "MWh/MWh":
        return f"{x:.3f}"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:,.1f}"


def format_calibration(frame: pd.DataFrame) -> str:
    """The table for the terminal (an explained miss named, its reason below it), then each row's source and
    band."""
    notes = [
        note.split(EXPLAINED)[0] + "explained miss (below)" if EXPLAINED in note else note for note in frame["note"]
    ]
    view = pd.DataFrame(
        {
            "metric": frame["metric"],
            "unit": frame["unit"],
            "observed": [_value(v, u) for v, u in zip(frame["observed"], frame["unit"])],
            "model": [_value(v, u) for v, u in zip(frame["model"], frame["unit"])],
            "low": [_value(v, u) for v, u in zip(frame["low"], frame["unit"])],
            "high": [_value(v, u) for v, u in zip(frame["high"], frame["unit"])],
            "within": ["yes" if w else "NO" for w in frame["within"]],
            "note": notes,
        }
    )
    held = int(frame["within"].sum())
    lines = [table(view), f"{held} of {len(frame)} metrics within their bands"]
    misses = [r for r in frame.itertuples() if EXPLAINED in r.note]
    if misses:
        lines += ["", "explained misses (README, 'Calibration against 2023'):"]
        lines += [f"  {r.metric}: {r.note.split(EXPLAINED)[1].strip()}" for r in misses]
    lines += ["", "sources and bands:"]
    lines += [f"  {r.metric}: {r.source}; band: {r.band}" for r in frame.itertuples()]
    return "\n".join(lines)


def calibration_json(frame: pd.DataFrame) -> str:
    """The rows as a JSON list (NaN as null)."""
    return json.dumps(calibration_records(frame), indent=2, ensure_ascii=False)
