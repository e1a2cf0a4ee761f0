"""A planner's study through the Python API: load the data, set a plan, check it on a short horizon, read the
result tables, and size the storage the plan needs.

    PYTHONPATH=. python examples/plan_study.py --runs-dir /tmp/gz-runs --hours 48

Every step is a library call the CLI also makes (``gzpower check --plan``, ``gzpower size storage``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from gzpower import progress
from gzpower.inputs.validate import load_dataset
from gzpower.scenario.plan import parse_plan
from gzpower.scenario.scenario import Scenario
from gzpower.solve.highs import SolverSettings
from gzpower.studies.run import run_and_write
from gzpower.studies.sizing import Criterion, size

DATA = Path(__file__).resolve().parents[1] / "data"

PLAN = """
[2030]
gas_capacity = 14000      # MW
storage_capacity = 1000   # MW of new-type storage

[2030.districts.Tianhe]
storage_mw = 300          # of the 1,000 MW; the rest by the districts' plan shares

[scenario]
storage_hours = 2.0
"""


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs-dir", type=Path, default=Path("runs"))
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--hours", type=int, default=48, help="horizon, h (default 48)")
    ap.add_argument("--start-hour", type=int, default=4800, help="first hour (default 4800: a July week)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    progress.configure(quiet=args.quiet)  # the library is silent unless asked

    # 1. the validated input tables (a dict of DataFrames, one per file of data/)
    tables = load_dataset(args.data)

    # 2. a plan: targets by the ids of targets.csv, a placement and scenario values (checked against the tables)
    plan = parse_plan(PLAN, tables, Scenario, source="plan_study.py")
    sc = plan.apply_to(Scenario(year=2030, mode="check", start_hour=args.start_hour, hours=args.hours))

    # 3. check it: one LP, written as a run folder (manifest with the plan's text and hash, parquet tables)
    settings = SolverSettings()
    result = run_and_write(tables, sc, settings, args.runs_dir, args.data)
    print(f"run folder: {result.folder}  ({result.status}, objective {result.objective:,.1f} MCNY)")

    # 4. read the tables: in memory (result.tables) or back from the folder
    caps = pd.read_parquet(result.folder / "capacities.parquet")
    # one technology word per row: gas_ccgt / gas_ocgt / ..., battery_power (MW) and battery_energy (MWh); the rest
    # of the province's fleet has rows of its own (family "province", bus Guangdong_rest)
    city = caps[caps["family"] != "province"]
    gas = city[city["carrier"] == "gas"]["total"].sum()
    battery = caps[caps["technology"] == "battery_power"]["total"].sum()
    checks = result.tables["target_check"].set_index("id")
    print(f"gas {gas:,.0f} MW, new storage {battery:,.0f} MW; unserved {result.kpis['unserved_mwh']:,.1f} MWh")
    print(checks.loc[["gas_capacity", "storage_capacity", "unserved_energy"], ["target", "reached", "status"]])

    # 5. size storage: the smallest city-wide battery fleet with at most 1 MWh unserved over the horizon
    sized = size("storage", tables, sc, settings, Criterion(max_unserved_mwh=1.0), tol=50.0, upper=2000.0)
    print(f"storage needed: {sized.answer} MW; {sized.verdict}")
    return {"folder": result.folder, "gas_mw": gas, "storage_mw": battery, "sized_mw": sized.answer}


if __name__ == "__main__":
    main()
