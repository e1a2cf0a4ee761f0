"""The ``gzpower`` command line.

Bad input ends with one line naming file, row and column and exit status 2; a solve without a usable solution
exits 3; Ctrl-C exits 130 and leaves no run folder behind.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from gzpower.errors import EXIT_INPUT, EXIT_SOLVE, InputError, SolveError

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("GZPOWER_DATA", REPO_ROOT / "data"))
DEFAULT_RAW = REPO_ROOT / ".." / "shared" / "data" / "raw"
DEFAULT_RUNS = Path(os.environ.get("GZPOWER_RUNS", REPO_ROOT / "runs"))


def _solver_args(p: argparse.ArgumentParser) -> None:
    from gzpower.solve import ALGORITHMS

    g = p.add_argument_group("solver (HiGHS)")
    g.add_argument("--algorithm", default="auto", choices=["auto", *sorted(ALGORITHMS)],
                   help="HiGHS algorithm (default auto: dual simplex for check, interior point for expand)")
    g.add_argument("--threads", type=int, default=None, help="HiGHS threads")
    g.add_argument("--time-limit", type=float, default=None, help="seconds; the best solution is kept, marked")
    g.add_argument("--primal-tol", type=float, default=None, help="primal feasibility tolerance")
    g.add_argument("--dual-tol", type=float, default=None, help="dual feasibility tolerance")
    g.add_argument("--ipm-tol", type=float, default=None, help="interior-point optimality tolerance")


def _scenario_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--year", type=int, action="append", choices=(2025, 2030), help="milestone year (repeatable)")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="input data folder (default: data/)")
    p.add_argument("--runs-dir", type=Path, default=DEFAULT_RUNS, help="where run folders go (default: runs/)")
    p.add_argument("--start-hour", type=int, default=0, help="first hour of the horizon (0..8759)")
    p.add_argument("--hours", type=int, default=8760, help="horizon length in hours (default: the full year)")
    p.add_argument("--carbon-price", type=float, default=0.0, help="CNY/tCO2")
    p.add_argument("--co2-cap", type=float, default=None, help="tCO2 over the horizon")
    p.add_argument("--no-coal-replacement", action="store_true",
                   help="do not apply the plan's rule replacing Zhujiang/Hengyun coal by equal gas capacity")
    p.add_argument("--no-unserved", action="store_true", help="forbid unserved energy (may make the LP infeasible)")
    p.add_argument("--min-stable", action="store_true", help="minimum stable output as an LP relaxation")
    p.add_argument("--import-scale", type=float, default=1.0, help="multiply every import interface capacity")
    p.add_argument("--load-scale", type=float, default=1.0, help="multiply the load")
    p.add_argument("--quiet", action="store_true", help="print only the tables")
    p.add_argument("--no-report", action="store_true", help="do not write report.html into the run folder")
    p.add_argument("--periods", type=int, default=None,
                   help="representative days instead of consecutive hours (time-series aggregation; expand)")
    _solver_args(p)


def _settings(args):
    from gzpower.solve import SolverSettings

    return SolverSettings(algorithm=args.algorithm, threads=args.threads, time_limit=args.time_limit,
                          primal_feasibility_tolerance=args.primal_tol, dual_feasibility_tolerance=args.dual_tol,
                          ipm_optimality_tolerance=args.ipm_tol,
                          decomposition=getattr(args, "decomposition", "auto"),
                          benders_gap=getattr(args, "benders_gap", 1e-4))


def _scenario(args, mode: str, year: int):
    from gzpower.model.data import Scenario

    return Scenario(year=year, mode=mode, start_hour=args.start_hour, hours=args.hours,
                    coal_replacement=not args.no_coal_replacement, carbon_price=args.carbon_price,
                    co2_cap=args.co2_cap, allow_unserved=not args.no_unserved, min_stable=args.min_stable,
                    import_scale=args.import_scale, load_scale=args.load_scale, periods=args.periods)


def _load(data_dir: Path):
    from gzpower.validate import load_dataset

    t = time.perf_counter()
    tables = load_dataset(data_dir)
    return tables, time.perf_counter() - t


def cmd_data_build(args) -> int:
    from gzpower.pipeline.build import build_and_write

    stats = build_and_write(args.raw, args.out)
    print(f"wrote {args.out} from {args.raw}")
    from gzpower.report_text import format_data_stats

    print(format_data_stats(stats))
    return 0


def cmd_data_validate(args) -> int:
    from gzpower.schemas import TABLES

    tables, seconds = _load(args.data)
    print(f"{args.data}: {len(TABLES)} tables valid ({sum(len(t) for t in tables.values())} rows, {seconds:.1f} s)")
    from gzpower.report_text import format_data_summary

    print(format_data_summary(tables))
    return 0


def cmd_check(args) -> int:
    from gzpower.check import counterfactual_table, counterfactuals, run_and_write
    from gzpower.report_text import format_check

    tables, load_s = _load(args.data)
    settings = _settings(args)
    if args.rolling:
        return _check_rolling(args, tables, settings)
    for year in args.year or [2025, 2030]:
        sc = _scenario(args, "check", year)
        if not args.quiet:
            print(f"[{year}] solving the plan fleet over {sc.hours} h ...", flush=True)

        def extra(parent, _sc=sc):
            if args.no_counterfactuals:
                return {}
            if not args.quiet:
                print(f"[{_sc.year}] solving {5} counterfactuals (each plan target's increment removed) ...",
                      flush=True)
            children = counterfactuals(tables, parent, settings, workers=args.workers)
            return {"counterfactuals": counterfactual_table(parent, children)}

        result = run_and_write(tables, sc, settings, args.runs_dir, args.data, load_s, extra_tables=extra)
        print(format_check(result))
        print(f"run folder: {result.folder}")
        _report(args, result.folder)
    return 0


def _check_rolling(args, tables, settings) -> int:
    """The check's dispatch window by window (fast screening); KPIs and the district balance are written."""
    from dataclasses import asdict

    from gzpower.rolling import solve_rolling
    from gzpower.runs import run_folder, scenario_record, versions, write_manifest, write_tables

    for year in args.year or [2025, 2030]:
        sc = _scenario(args, "check", year)
        with run_folder(args.runs_dir, f"check-{year}-rolling{args.rolling}") as holder:
            rolled = solve_rolling(tables, sc, settings, window=args.rolling, lookahead=args.lookahead)
            write_tables(holder["path"], {"balance": rolled.balance})
            write_manifest(holder["path"], {
                "run": holder["final"].name, "mode": "check-rolling", "year": year, "status": "optimal",
                "scenario": scenario_record(sc), "solver": asdict(settings.resolved("check")),
                "rolling": {"window_h": args.rolling, "lookahead_h": args.lookahead, "windows": rolled.windows},
                "kpis": rolled.kpis, "timings_s": {"total_s": rolled.seconds, "highs_s": rolled.seconds_highs},
                "versions": versions()})
        k = rolled.kpis
        print(f"== gzpower check {year}, rolling {args.rolling} h + {args.lookahead} h look-ahead "
              f"({rolled.windows} windows, {rolled.seconds:.0f} s) ==\n"
              f"unserved {k['unserved_mwh']:,.0f} MWh in {k['loss_of_load_hours']} h; operating cost "
              f"{k['operating_cost_cny'] / 1e9:,.2f} bn CNY; CO2 {k['co2_t'] / 1e6:,.2f} MtCO2\n"
              f"run folder: {holder['path']}\n")
    return 0


def _report(args, folder: Path) -> None:
    """The HTML report of a finished run; a report that cannot be drawn never undoes the run itself."""
    if getattr(args, "no_report", False):
        print()
        return
    from gzpower.report import write_report

    try:
        print(f"report: {write_report(folder)}\n")
    except Exception as exc:  # the run is complete and valid without its pictures
        print(f"warning: report not written ({type(exc).__name__}: {exc})\n", file=sys.stderr)


def cmd_expand(args) -> int:
    from gzpower.check import run_and_write
    from gzpower.report_text import format_expand

    if args.decomposition == "benders" and args.periods:
        print("error: --decomposition benders solves the hourly expansion; it does not combine with --periods",
              file=sys.stderr)
        return 2
    tables, load_s = _load(args.data)
    settings = _settings(args)
    inherited: dict = {}
    for year in sorted(args.year or [2025, 2030]):
        sc = replace(_scenario(args, "expand", year), plan_floors=not args.no_floors, inherited=dict(inherited))
        if not args.quiet:
            print(f"[{year}] least-cost expansion over {sc.hours} h ...", flush=True)
        result = run_and_write(tables, sc, settings, args.runs_dir, args.data, load_s)
        print(format_expand(result))
        print(f"run folder: {result.folder}")
        _report(args, result.folder)
        for row in result.tables["capacities"].itertuples():
            key = _tech_key(row)
            if key is not None and row.added > 1e-6:
                inherited[key] = inherited.get(key, 0.0) + row.added
    return 0


def _tech_key(row):
    if row.family == "thermal":
        return ("gas_ccgt", row.bus)
    if row.family == "renewables":
        return (row.carrier, row.bus)
    if row.family == "storage":
        return ("battery_energy" if row.unit == "MWh" else "battery_power", row.bus)
    if row.family == "demand_response":
        return ("dr_peak", row.bus)
    return None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gzpower", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    data = sub.add_parser("data", help="build or validate the input data")
    dsub = data.add_subparsers(dest="data_command", required=True)
    b = dsub.add_parser("build", help="regenerate data/ from the raw public files")
    b.add_argument("--raw", type=Path, default=DEFAULT_RAW, help="raw folder (default ../shared/data/raw)")
    b.add_argument("--out", type=Path, default=DEFAULT_DATA, help="output data folder (default data/)")
    b.set_defaults(func=cmd_data_build)
    v = dsub.add_parser("validate", help="validate every input table against its schema")
    v.add_argument("--data", type=Path, default=DEFAULT_DATA)
    v.set_defaults(func=cmd_data_validate)
    c = sub.add_parser("check", help="dispatch the plan's fleet for a year and check its targets")
    _scenario_args(c)
    c.add_argument("--no-counterfactuals", action="store_true", help="skip the 'what each target buys' runs")
    c.add_argument("--rolling", type=int, default=None, metavar="HOURS",
                   help="dispatch in windows of HOURS (e.g. 168) instead of one LP: faster screening")
    c.add_argument("--lookahead", type=int, default=24, help="look-ahead hours of each rolling window")
    c.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                   help="processes for the counterfactual runs (default: 2 where there are 2 cores)")
    c.set_defaults(func=cmd_check)
    e = sub.add_parser("expand", help="least-cost investment on top of the standing fleet, myopic 2025 -> 2030")
    _scenario_args(e)
    e.add_argument("--no-floors", action="store_true", help="do not impose the plan's targets as lower bounds")
    e.add_argument("--decomposition", choices=("auto", "benders", "none"), default="auto",
                   help="benders: capacities in a master problem, the hourly dispatch as the sub-problem (the way "
                        "to a full-year optimum on a small machine; not with --periods); none: one LP; auto "
                        "(default): benders from 720 hours on")
    e.add_argument("--benders-gap", type=float, default=1e-4, help="Benders: relative optimality gap (default 1e-4)")
    e.set_defaults(func=cmd_expand)
    _analysis_parsers(sub)
    rr = sub.add_parser("rerun", help="re-run a run from its manifest; exit 0 if objective and tables reproduce")
    rr.add_argument("run", help="run folder (or its name under --runs-dir)")
    rr.add_argument("--runs-dir", type=Path, default=DEFAULT_RUNS)
    rr.add_argument("--data", type=Path, default=None, help="input folder (default: the one in the manifest)")
    rr.set_defaults(func=_lazy("gzpower.rerun", "cmd_rerun"))
    rp = sub.add_parser("report", help="write a run's HTML report (report.html + figures/*.png in the run folder)")
    rp.add_argument("run", help="run folder (or its name under --runs-dir)")
    rp.add_argument("--runs-dir", type=Path, default=DEFAULT_RUNS)
    rp.set_defaults(func=cmd_report)
    return parser


def cmd_report(args) -> int:
    from gzpower.report import write_report

    folder = Path(args.run)
    if not (folder / "manifest.json").is_file():
        folder = args.runs_dir / args.run
    print(write_report(folder))
    return 0


def _lazy(module: str, function: str):
    """A subcommand handler imported only when it runs (keeps `gzpower --help` fast)."""
    def handler(args):
        import importlib

        return getattr(importlib.import_module(module), function)(args)
    return handler


def _analysis_parsers(sub) -> None:
    """sweep, size, runs, compare: the analyst's commands (handlers in gzpower.sweep/sizing/catalogue/compare)."""
    s = sub.add_parser("sweep", help="cartesian sweep over scenario/solver parameters, one run folder per point")
    _scenario_args(s)
    s.add_argument("--param", action="append", metavar="NAME=VALUES",
                   help="e.g. storage_mw=0,100,200 or dr_share=0:0.10:0.02 (repeatable; cartesian product)")
    s.add_argument("--file", type=Path, default=None, help="TOML file with a [params] table")
    s.add_argument("--mode", choices=("check", "expand"), default="check")
    s.add_argument("--workers", type=int, default=2, help="local worker processes (default 2; 1 = in process)")
    s.add_argument("--scheduler", default=None, metavar="ADDRESS", help="run on a Dask cluster (tcp://host:8786)")
    s.add_argument("--name", default=None, help="label added to the sweep id")
    s.set_defaults(func=_lazy("gzpower.sweep", "cmd_sweep"))
    z = sub.add_parser("size", help="smallest storage / demand response meeting an adequacy criterion")
    zsub = z.add_subparsers(dest="size_command", required=True)
    for what in ("storage", "dr"):
        zp = zsub.add_parser(what, help=f"bisection on the {what} size (check mode, rest of the plan fixed)")
        _scenario_args(zp)
        zp.add_argument("--max-unserved", type=float, default=1.0, help="MWh over the horizon (default 1)")
        zp.add_argument("--max-lole", type=float, default=None, help="loss-of-load hours allowed (instead)")
        zp.add_argument("--tol", type=float, default=None,
                        help="bisection tolerance (default 5 MW for storage, 0.001 of peak for DR)")
        zp.add_argument("--upper", type=float, default=None, help="largest size searched")
        if what == "storage":
            zp.add_argument("--hours-of-storage", type=float, default=None, help="duration (default the plan's 2 h)")
        zp.set_defaults(func=_lazy("gzpower.sizing", f"cmd_size_{what}"))
    r = sub.add_parser("runs", help="the run catalogue (DuckDB over the run folders)")
    rsub = r.add_subparsers(dest="runs_command", required=True)
    rl = rsub.add_parser("list", help="list runs")
    rl.add_argument("--runs-dir", type=Path, default=DEFAULT_RUNS)
    rl.add_argument("--mode", default=None)
    rl.add_argument("--year", type=int, default=None)
    rl.add_argument("--status", default=None)
    rl.add_argument("--since", default=None, metavar="DATE", help="created on/after (YYYY-MM-DD[THH:MM])")
    rl.add_argument("--param", action="append", metavar="KEY=VALUE", help="scenario/solver field equals value")
    rl.set_defaults(func=_lazy("gzpower.catalogue", "cmd_runs_list"))
    rq = rsub.add_parser("sql", help="SQL over the views runs, balance, dispatch, flows, ...")
    rq.add_argument("query")
    rq.add_argument("--runs-dir", type=Path, default=DEFAULT_RUNS)
    rq.set_defaults(func=_lazy("gzpower.catalogue", "cmd_runs_sql"))
    cp = sub.add_parser("compare", help="what differs between runs: inputs, KPIs, targets, hourly, solver")
    cp.add_argument("runs", nargs="+", help="run folders or names under --runs-dir (first = reference)")
    cp.add_argument("--runs-dir", type=Path, default=DEFAULT_RUNS)
    cp.add_argument("--top", type=int, default=10, help="largest hourly changes shown per table")
    cp.add_argument("--json", action="store_true", help="machine-readable output")
    cp.add_argument("--html", type=Path, default=None, help="also write an HTML report (needs gzpower.report)")
    cp.set_defaults(func=_lazy("gzpower.compare", "cmd_compare"))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as err:
        print(str(err), file=sys.stderr)
        return EXIT_INPUT
    except SolveError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_SOLVE
    except KeyboardInterrupt:
        print("interrupted: no run folder was written", file=sys.stderr)
        return 130
