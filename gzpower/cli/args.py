"""Arguments shared by the commands, and what they become: a :class:`Scenario` and :class:`SolverSettings`."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = Path(os.environ.get("GZPOWER_DATA", REPO_ROOT / "data"))
DEFAULT_RAW = REPO_ROOT / ".." / "shared" / "data" / "raw"
DEFAULT_RUNS = Path(os.environ.get("GZPOWER_RUNS", REPO_ROOT / "runs"))


def add_solver_args(p: argparse.ArgumentParser) -> None:
    from gzpower.solve.highs import ALGORITHMS

    g = p.add_argument_group("solver (HiGHS)")
    g.add_argument(
        "--algorithm",
        default="auto",
        choices=["auto", *sorted(ALGORITHMS)],
        help="HiGHS algorithm (default auto: dual simplex for check, interior point for expand)",
    )
    g.add_argument("--threads", type=int, default=None, help="HiGHS threads")
    g.add_argument("--time-limit", type=float, default=None, help="seconds; the best solution is kept, marked")
    g.add_argument("--primal-tol", type=float, default=None, help="primal feasibility tolerance")
    g.add_argument("--dual-tol", type=float, default=None, help="dual feasibility tolerance")
    g.add_argument("--ipm-tol", type=float, default=None, help="interior-point optimality tolerance")


def add_scenario_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--year", type=int, action="append", choices=(2025, 2030), help="milestone year (repeatable)")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="input data folder (default: data/)")
    p.add_argument("--runs-dir", type=Path, default=DEFAULT_RUNS, help="where run folders go (default: runs/)")
    p.add_argument("--start-hour", type=int, default=0, help="first hour of the horizon (0..8759)")
    p.add_argument("--hours", type=int, default=8760, help="horizon length in hours (default: the full year)")
    p.add_argument("--carbon-price", type=float, default=0.0, help="CNY/tCO2")
    p.add_argument("--co2-cap", type=float, default=None, help="tCO2 over the horizon")
    p.add_argument(
        "--no-coal-replacement",
        action="store_true",
        help="do not apply the plan's rule replacing Zhujiang/Hengyun coal by equal gas capacity",
    )
    p.add_argument("--no-unserved", action="store_true", help="forbid unserved energy (may make the LP infeasible)")
    p.add_argument("--min-stable", action="store_true", help="minimum stable output as an LP relaxation")
    p.add_argument("--import-scale", type=float, default=1.0, help="multiply every import interface capacity")
    p.add_argument("--load-scale", type=float, default=1.0, help="multiply the load")
    p.add_argument(
        "--network",
        choices=("districts", "city"),
        default="districts",
        help="districts: the eleven districts and their 220 kV corridors (default); city: one bus, interfaces kept",
    )
    p.add_argument("--line-scale", type=float, default=1.0, help="multiply every 220 kV corridor rating (synthetic)")
    p.add_argument(
        "--thermal-availability-scale", type=float, default=1.0, help="multiply every thermal unit's availability"
    )
    p.add_argument("--clean-import-scale", type=float, default=1.0, help="multiply the West-to-East clean supply")
    p.add_argument("--import-price-scale", type=float, default=1.0, help="multiply every import source's price")
    p.add_argument("--quiet", action="store_true", help="print only the tables")
    p.add_argument("--no-report", action="store_true", help="do not write report.html into the run folder")
    p.add_argument(
        "--periods",
        type=int,
        default=None,
        help="representative days instead of consecutive hours (time-series aggregation; expand)",
    )
    add_solver_args(p)


def settings_from_args(args):
    from gzpower.solve.highs import SolverSettings

    return SolverSettings(
        algorithm=args.algorithm,
        threads=args.threads,
        time_limit=args.time_limit,
        primal_feasibility_tolerance=args.primal_tol,
        dual_feasibility_tolerance=args.dual_tol,
        ipm_optimality_tolerance=args.ipm_tol,
        decomposition=getattr(args, "decomposition", "auto"),
        benders_gap=getattr(args, "benders_gap", 1e-4),
    )


def scenario_from_args(args, mode: str, year: int):
    from gzpower.scenario.scenario import Scenario

    return Scenario(
        year=year,
        mode=mode,
        start_hour=args.start_hour,
        hours=args.hours,
        coal_replacement=not args.no_coal_replacement,
        carbon_price=args.carbon_price,
        co2_cap=args.co2_cap,
        allow_unserved=not args.no_unserved,
        min_stable=args.min_stable,
        import_scale=args.import_scale,
        load_scale=args.load_scale,
        network=getattr(args, "network", "districts"),
        line_scale=getattr(args, "line_scale", 1.0),
        thermal_availability_scale=getattr(args, "thermal_availability_scale", 1.0),
        clean_import_scale=getattr(args, "clean_import_scale", 1.0),
        import_price_scale=getattr(args, "import_price_scale", 1.0),
        periods=args.periods,
    )


def load_tables(data_dir: Path):
    """The validated input tables of ``data_dir`` and the seconds it took."""
    from gzpower.inputs.validate import load_dataset

    t = time.perf_counter()
    tables = load_dataset(data_dir)
    return tables, time.perf_counter() - t
