"""The ``gzpower`` command line.

Exit status:

- 0: done; 1: ``rerun`` did not reproduce the run.
- 2: bad input, in one line naming the file, row and column, or the option and its allowed range; an
  operating-system error (a read-only or full disk, a missing folder, a permission) is bad input too.
- 3: the solver returned no usable solution (an infeasible case is diagnosed).
- 4: an internal error: one line, with the log file that holds the traceback.
- 130: interrupted (Ctrl-C or SIGTERM); no run folder and no worker process is left behind.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path

from gzpower import progress
from gzpower.cli import commands as C
from gzpower.cli.args import (
    DEFAULT_DATA,
    DEFAULT_DOCS,
    DEFAULT_RAW,
    DEFAULT_RUNS,
    add_scenario_args,
    check_options,
    explicit_dests,
)
from gzpower.errors import EXIT_INPUT, EXIT_INTERNAL, EXIT_SOLVE, InputError, SolveError, quiet_when_interrupted
from gzpower.solve.highs import SolverSettings
from gzpower.studies.workers import stop_resource_tracker
from gzpower.types import Boundary, Decomposition, RunMode, SizingTarget, choices


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gzpower", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    data = sub.add_parser("data", help="build or validate the input data")
    dsub = data.add_subparsers(dest="data_command", required=True)
    b = dsub.add_parser("build", help="regenerate data/ from the raw public files")
    b.add_argument("--raw", type=Path, default=DEFAULT_RAW, help="raw folder (default ../shared/data/raw)")
    b.add_argument("--out", type=Path, default=DEFAULT_DATA, help="output data folder (default data/)")
    b.set_defaults(func=C.cmd_data_build)
    v = dsub.add_parser("validate", help="validate every input table against its schema")
    v.add_argument("--data", type=Path, default=DEFAULT_DATA)
    v.set_defaults(func=C.cmd_data_validate)
    c = sub.add_parser("check", help="dispatch the plan's fleet for a year and check its targets")
    add_scenario_args(c)
    c.add_argument("--no-counterfactuals", action="store_true", help="skip the 'what each target buys' runs")
    c.add_argument(
        "--tipping-points",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="the value of each uncertain assumption at which the verdict flips, on the tightest week (bisection); "
        "default: on for a full-year check, off for a shorter horizon",
    )
    c.add_argument(
        "--tipping-full-year", action="store_true", help="tipping points over the full year (the final word; slow)"
    )
    c.add_argument(
        "--rolling",
        type=int,
        default=None,
        metavar="HOURS",
        help="dispatch in windows of HOURS (e.g. 168) instead of one LP: a full run (target check, counterfactuals "
        "solved the same way, report) that is faster on long horizons (default: one LP)",
    )
    c.add_argument("--lookahead", type=int, default=24, help="look-ahead of each rolling window, h (default 24)")
    c.add_argument(
        "--workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="processes for the years of a check, side by side (default: 2 where there are 2 cores)",
    )
    c.add_argument(
        "--adequacy-samples",
        type=int,
        default=None,
        metavar="N",
        help="also N sample years of probabilistic adequacy: LOLE and EUE rows in the target check",
    )
    c.add_argument("--adequacy-seed", type=int, default=0, help="seed of the adequacy samples (default 0)")
    c.set_defaults(func=C.cmd_check)
    e = sub.add_parser("expand", help="least-cost investment on top of the standing fleet, myopic 2025 -> 2030")
    add_scenario_args(e)
    e.add_argument("--no-floors", action="store_true", help="do not impose the plan's targets as lower bounds")
    e.add_argument(
        "--decomposition",
        choices=choices(Decomposition),
        default=SolverSettings.decomposition,
        help="benders: capacities in a master problem, the hourly dispatch as the sub-problem (the way "
        "to a full-year optimum on a small machine; not with --periods); none: one LP; auto "
        "(default): benders from 720 hours on",
    )
    e.add_argument(
        "--benders-gap",
        type=float,
        default=None,  # not given: SolverSettings' default, the one place it is set
        help=f"Benders: relative optimality gap (default {SolverSettings.benders_gap:g})",
    )
    e.set_defaults(func=C.cmd_expand)
    _analysis_parsers(sub)
    _adequacy_parser(sub)
    _calibrate_parser(sub)
    _plan_and_export_parsers(sub)
    _run_folder_parsers(sub)
    return parser


def _run_folder_parsers(sub) -> None:
    """rerun, report, docs: commands on finished run folders and on the documentation."""
    rr = sub.add_parser("rerun", help="re-run a run from its manifest; exit 0 if objective and tables reproduce")
    rr.add_argument("run", help="run folder (or its name under --runs-dir)")
    rr.add_argument("--runs-dir", type=Path, default=DEFAULT_RUNS)
    rr.add_argument("--data", type=Path, default=None, help="input folder (default: the one in the manifest)")
    rr.set_defaults(func=C.cmd_rerun)
    rp = sub.add_parser("report", help="write a run's HTML report (report.html + figures/*.png in the run folder)")
    rp.add_argument("run", help="run folder (or its name under --runs-dir)")
    rp.add_argument("--runs-dir", type=Path, default=DEFAULT_RUNS)
    rp.set_defaults(func=C.cmd_report)
    dc = sub.add_parser("docs", help="regenerate docs/MODEL.md from the model's docstrings and component docs")
    dc.add_argument("--data", type=Path, default=DEFAULT_DATA, help="input data folder the variant models are built on")
    dc.add_argument(
        "--out", type=Path, default=DEFAULT_DOCS / "MODEL.md", help="where to write (default docs/MODEL.md)"
    )
    dc.set_defaults(func=C.cmd_docs)


def _analysis_parsers(sub) -> None:
    """sweep, size, runs, compare: the analyst's commands."""
    s = sub.add_parser("sweep", help="cartesian sweep over scenario/solver parameters, one run folder per point")
    add_scenario_args(s)
    s.add_argument(
        "--param",
        action="append",
        metavar="NAME=VALUES",
        help="e.g. storage_mw=0,100,200 or dr_share=0:0.10:0.02 (repeatable; cartesian product)",
    )
    s.add_argument("--file", type=Path, default=None, help="TOML file with a [params] table")
    s.add_argument("--mode", choices=choices(RunMode), default="check")
    s.add_argument("--workers", type=int, default=2, help="local worker processes (default 2; 1 = in process)")
    s.add_argument("--scheduler", default=None, metavar="ADDRESS", help="run on a Dask cluster (tcp://host:8786)")
    s.add_argument("--name", default=None, help="label added to the sweep id")
    s.set_defaults(func=C.cmd_sweep)
    z = sub.add_parser("size", help="smallest storage / demand response meeting an adequacy criterion")
    zsub = z.add_subparsers(dest="size_command", required=True)
    for what in choices(SizingTarget):
        zp = zsub.add_parser(what, help=f"bisection on the {what} size (check mode, rest of the plan fixed)")
        add_scenario_args(zp)
        zp.add_argument(
            "--max-unserved", type=float, default=1.0, help="unserved energy allowed over the horizon, MWh (default 1)"
        )
        zp.add_argument(
            "--max-loss-of-load-hours",
            type=float,
            default=None,
            help="loss-of-load hours allowed over the horizon, h (instead of --max-unserved; default none)",
        )
        zp.add_argument("--max-lole", dest="max_loss_of_load_hours", type=float, help=argparse.SUPPRESS)
        zp.add_argument(
            "--tol",
            type=float,
            default=None,
            help="bisection tolerance (default 5 MW for storage, 0.001 of peak for DR)",
        )
        zp.add_argument("--upper", type=float, default=None, help="largest size searched")
        zp.set_defaults(func=getattr(C, f"cmd_size_{what}"))
    r = sub.add_parser("runs", help="the run catalogue (DuckDB over the run folders)")
    rsub = r.add_subparsers(dest="runs_command", required=True)
    rl = rsub.add_parser("list", help="list runs")
    rl.add_argument("--runs-dir", type=Path, default=DEFAULT_RUNS)
    rl.add_argument("--mode", default=None)
    rl.add_argument("--year", type=int, default=None)
    rl.add_argument("--status", default=None)
    rl.add_argument("--since", default=None, metavar="DATE", help="created on/after (YYYY-MM-DD[THH:MM])")
    rl.add_argument("--param", action="append", metavar="KEY=VALUE", help="scenario/solver field equals value")
    rl.set_defaults(func=C.cmd_runs_list)
    rq = rsub.add_parser("sql", help="read-only SQL (one SELECT) over the views runs, balance, dispatch, flows, ...")
    rq.add_argument("query")
    rq.add_argument("--runs-dir", type=Path, default=DEFAULT_RUNS)
    rq.set_defaults(func=C.cmd_runs_sql)
    cp = sub.add_parser("compare", help="what differs between runs: inputs, KPIs, targets, hourly, solver")
    cp.add_argument("runs", nargs="+", help="run folders or names under --runs-dir (first = reference)")
    cp.add_argument("--runs-dir", type=Path, default=DEFAULT_RUNS)
    cp.add_argument("--top", type=int, default=10, help="largest hourly changes shown per table")
    cp.add_argument("--json", action="store_true", help="machine-readable output")
    cp.add_argument("--html", type=Path, default=None, help="also write an HTML report (needs gzpower.report)")
    cp.set_defaults(func=C.cmd_compare)


def _plan_and_export_parsers(sub) -> None:
    """plan template, export: a planner's own plan in, a run's results out."""
    pl = sub.add_parser("plan", help="plan files: gzpower plan template > plan.toml, then check --plan plan.toml")
    psub = pl.add_subparsers(dest="plan_command", required=True)
    pt = psub.add_parser("template", help="print a commented plan file holding today's target values")
    pt.add_argument("--data", type=Path, default=DEFAULT_DATA, help="input data folder (default: data/)")
    pt.set_defaults(func=C.cmd_plan_template)
    ex = sub.add_parser("export", help="a run's tables as CSV or one Excel workbook, or the case as a PyPSA network")
    ex.add_argument("run", help="run folder (or its name under --runs-dir)")
    ex.add_argument("--runs-dir", type=Path, default=DEFAULT_RUNS)
    ex.add_argument(
        "--format",
        choices=("csv", "xlsx", "pypsa"),
        required=True,
        help="csv: OUT/<run>/<table>.csv; xlsx: OUT/<run>.xlsx, a sheet per table; pypsa: OUT/<run>.nc (netCDF)",
    )
    ex.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder the export is written into")
    ex.add_argument(
        "--tables", default=None, metavar="A,B", help="csv/xlsx: only these tables (comma-separated; default all)"
    )
    ex.add_argument("--data", type=Path, default=None, help="pypsa: input folder (default: the one in the manifest)")
    ex.set_defaults(func=C.cmd_export)


def _one_line_errors(parser: argparse.ArgumentParser) -> None:
    """argparse's own refusals (an unknown option, 'abc' for a number) as InputError: one line, exit 2."""

    def refuse(message: str, _prog=parser.prog):
        raise InputError(_prog, message)

    parser.error = refuse
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _one_line_errors(sub)


def _terminate(signum, frame):
    # SIGTERM unwinds like Ctrl-C: the open run folder is removed and the worker processes are ended
    raise KeyboardInterrupt(f"signal {signum}")


def _os_error(err: OSError) -> str:
    where = err.filename if err.filename is not None else "gzpower"
    return f"error: {where}: {err.strerror or err}"


def _internal_error(err: BaseException) -> str:
    """One line for a defect of gzpower itself; the traceback goes to a log file."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    log = Path(tempfile.gettempdir()) / f"gzpower-error-{stamp}-{os.getpid()}.log"

    try:
        log.write_text("".join(traceback.format_exception(err)))
        where = f"traceback in {log}"
    except OSError:
        where = "no log written"
    summary = str(err).splitlines()[0] if str(err) else ""
    return f"internal error: {type(err).__name__}: {summary} ({where}; please report it)"


def _adequacy_parser(sub) -> None:
    """gzpower adequacy: LOLE and EUE by sequential Monte Carlo."""
    a = sub.add_parser("adequacy", help="probabilistic adequacy: LOLE and EUE by sequential Monte Carlo")
    a.add_argument("--year", type=int, default=2030, choices=(2025, 2030), help="milestone year (default 2030)")
    a.add_argument("--samples", type=int, default=200, help="sample years (default 200)")
    a.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives the same numbers")
    a.add_argument(
        "--network",
        choices=("districts", "city"),
        default="districts",
        help="districts: buses, lines and interfaces; city: the districts as one bus, interfaces kept",
    )
    a.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1), help="local worker processes")
    a.add_argument("--scheduler", default=None, metavar="ADDRESS", help="run on a Dask cluster (tcp://host:8786)")
    a.add_argument("--capacity-credit", action="store_true", help="also the firm-capacity credit of storage and DR")
    a.add_argument("--json", action="store_true", help="print the headline figures as JSON")
    a.add_argument("--data", type=Path, default=DEFAULT_DATA, help="input data folder (default: data/)")
    a.add_argument("--runs-dir", type=Path, default=DEFAULT_RUNS, help="where run folders go (default: runs/)")
    a.add_argument("--start-hour", type=int, default=0, help="first hour of the horizon (0..8759)")
    a.add_argument("--hours", type=int, default=8760, help="horizon length in hours (default: the full year)")
    a.add_argument("--load-scale", type=float, default=1.0, help="multiply the load (a stress test)")
    a.add_argument("--import-scale", type=float, default=1.0, help="multiply every import interface capacity")
    a.add_argument("--no-report", action="store_true", help="do not write adequacy.html into the run folder")
    a.set_defaults(func=C.cmd_adequacy)


def _calibrate_parser(sub) -> None:
    """gzpower calibrate: 2023 dispatched with the 2023 fleet, against the observed figures."""
    from gzpower.cli.args import add_solver_args

    k = sub.add_parser("calibrate", help="dispatch 2023 with the 2023 fleet and compare it with what was observed")
    k.add_argument("--data", type=Path, default=DEFAULT_DATA, help="input data folder (default: data/)")
    k.add_argument("--runs-dir", type=Path, default=DEFAULT_RUNS, help="where run folders go (default: runs/)")
    k.add_argument(
        "--raw",
        type=Path,
        default=DEFAULT_RAW,
        help="raw folder with the GEM coal extract (default ../shared/data/raw)",
    )
    k.add_argument("--start-hour", type=int, default=0, help="first hour of the horizon, 0..8759 (default 0)")
    k.add_argument("--hours", type=int, default=8760, help="horizon length, h (default 8760: the full year)")
    k.add_argument(
        "--periods",
        type=int,
        default=None,
        help="representative days standing for the year instead of consecutive hours (energies kept; default: "
        "consecutive hours)",
    )
    k.add_argument(
        "--boundary",
        choices=choices(Boundary),
        default="province",
        help="province: Guangzhou inside the rest of Guangdong (default); fixed_price: the flat-price external node "
        "(the province rows then have no model value)",
    )
    k.add_argument("--load-scale", type=float, default=1.0, help="factor on the load (default 1)")
    k.add_argument("--import-scale", type=float, default=1.0, help="factor on every import interface (default 1)")
    k.add_argument(
        "--import-supply-scale", type=float, default=1.0, help="factor on every import source's p_max (default 1)"
    )
    k.add_argument(
        "--thermal-availability-scale", type=float, default=1.0, help="factor on thermal availability (default 1)"
    )
    k.add_argument(
        "--clean-import-scale", type=float, default=1.0, help="factor on the West-to-East supply (default 1)"
    )
    k.add_argument("--import-price-scale", type=float, default=1.0, help="factor on import prices (default 1)")
    k.add_argument(
        "--json",
        action="store_true",
        help="print the calibration rows as a JSON list, and nothing else (no report: gzpower report RUN writes it)",
    )
    k.add_argument("--no-report", action="store_true", help="do not write report.html into the run folder")
    k.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    k.add_argument("--verbose", action="store_true", help="also print HiGHS's own log (on stdout; not with --json)")
    add_solver_args(k)
    k.set_defaults(func=C.cmd_calibrate)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    _one_line_errors(parser)
    quiet_when_interrupted()
    previous: dict = {}
    try:
        # SIGTERM unwinds like Ctrl-C, and Ctrl-C works even when a script started us with SIGINT ignored (a
        # background job): for the whole command, not only while a run folder is open (an adequacy study samples
        # for a minute before it opens its folder)
        for signum, handler in ((signal.SIGTERM, _terminate), (signal.SIGINT, signal.default_int_handler)):
            previous[signum] = signal.signal(signum, handler)
    except ValueError:  # not the main thread (an embedding application): its signal handling stays
        previous = {}
    try:
        args = parser.parse_args(argv)
        args.explicit = explicit_dests(parser, argv)  # the command line wins over a plan file's [scenario] values
        progress.configure(quiet=getattr(args, "quiet", False), verbose=getattr(args, "verbose", False))
        check_options(args)
        code = args.func(args)
        # only after a clean end: the locks of a pool ended by an interrupt unregister at exit through the tracker
        stop_resource_tracker()
        return code
    except InputError as err:
        print(str(err).splitlines()[0], file=sys.stderr)
        return EXIT_INPUT
    except SolveError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_SOLVE
    except KeyboardInterrupt:
        print("interrupted: no run folder was written for the run under way", file=sys.stderr)
        return 130
    except OSError as err:
        print(_os_error(err), file=sys.stderr)
        return EXIT_INPUT
    except Exception as err:  # noqa: BLE001 - the last line of defence: never a traceback on the terminal
        print(_internal_error(err), file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
