"""Arguments shared by the commands, and what they become: a :class:`Scenario` and :class:`SolverSettings`.

Every numeric option is declared once in :data:`OPTION_SPECS` (finite, sign and range); :func:`check_options`
refuses a value outside it before any work starts, and a sweep's values and a rerun's manifest are checked with
the same specs. A value that cannot be honoured is refused with the allowed range, never replaced.
"""

from __future__ import annotations

import argparse
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

from gzpower.assumptions import STORAGE_MIN_DURATION_H
from gzpower.errors import InputError
from gzpower.inputs.schemas import HOURS_PER_YEAR
from gzpower.types import Boundary, ColdStart, choices

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DOCS = REPO_ROOT / "docs"
DEFAULT_DATA = Path(os.environ.get("GZPOWER_DATA", REPO_ROOT / "data"))
DEFAULT_RAW = REPO_ROOT / ".." / "shared" / "data" / "raw"
DEFAULT_RUNS = Path(os.environ.get("GZPOWER_RUNS", REPO_ROOT / "runs"))


DAYS_PER_YEAR = HOURS_PER_YEAR // 24


@dataclass(frozen=True)
class OptionSpec:
    """What one numeric option accepts. ``field`` is the Scenario / SolverSettings field it sets (the name a sweep
    or a manifest uses); ``above`` is a strict lower bound (a tolerance of 0 cannot be honoured)."""

    flag: str
    field: str
    integer: bool = False
    min: float | None = None
    above: float | None = None
    max: float | None = None

    def allowed(self) -> str:
        kind = "a whole number" if self.integer else "a finite number"
        low = f"> {self.above:g}" if self.above is not None else (f">= {self.min:g}" if self.min is not None else "")
        high = f"<= {self.max:g}" if self.max is not None else ""
        return f"{kind} {' and '.join(b for b in (low, high) if b)}".strip()

    def check(self, value, where: str | None = None) -> None:
        """Raise InputError naming the option (or ``where``) and the allowed range unless ``value`` fits."""
        if value is None:  # the option was not given: its documented default applies
            return
        where = where or self.flag
        number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        if number is None or not math.isfinite(number):
            raise InputError(where, f"{value!r} is not allowed: give {self.allowed()}")
        if (
            (self.integer and number != int(number))
            or (self.min is not None and number < self.min)
            or (self.above is not None and number <= self.above)
            or (self.max is not None and number > self.max)
        ):
            raise InputError(where, f"{value:g} is out of range: give {self.allowed()}")


def _spec(flag: str, field: str | None = None, **bounds) -> tuple[str, OptionSpec]:
    dest = flag.lstrip("-").replace("-", "_")
    return dest, OptionSpec(flag, field or dest, **bounds)


# argparse dest -> spec; every numeric option of every command
OPTION_SPECS: dict[str, OptionSpec] = dict(
    (
        _spec("--start-hour", integer=True, min=0, max=HOURS_PER_YEAR - 1),
        _spec("--hours", integer=True, min=1, max=HOURS_PER_YEAR),
        _spec("--carbon-price", min=0),
        _spec("--co2-cap", min=0),
        _spec("--import-scale", min=0),
        _spec("--import-supply-scale", min=0),
        _spec("--load-scale", above=0),
        _spec("--periods", integer=True, min=1, max=DAYS_PER_YEAR),
        _spec("--threads", integer=True, min=1),
        _spec("--time-limit", above=0),
        _spec("--primal-tol", "primal_feasibility_tolerance", above=0, max=1),
        _spec("--dual-tol", "dual_feasibility_tolerance", above=0, max=1),
        _spec("--ipm-tol", "ipm_optimality_tolerance", above=0, max=1),
        _spec("--benders-gap", above=0, max=1),
        _spec("--rolling", integer=True, min=1, max=HOURS_PER_YEAR),
        _spec("--lookahead", integer=True, min=0, max=HOURS_PER_YEAR),
        _spec("--workers", integer=True, min=1),
        _spec("--max-unserved", min=0),
        _spec("--max-loss-of-load-hours", min=0, max=HOURS_PER_YEAR),
        _spec("--tol", above=0),
        _spec("--upper", above=0),
        _spec("--storage-hours", min=STORAGE_MIN_DURATION_H),  # new batteries hold at least this (storage.py S14)
        _spec("--storage-mw", min=0),
        _spec("--dr-share", min=0, max=1),
        _spec("--dr-shift-share", min=0, max=1),
        _spec("--reserve-share", min=0, max=1),
        _spec("--value-of-lost-load", above=0),
        _spec("--top", integer=True, min=1),
        _spec("--samples", integer=True, min=1),
        _spec("--seed", integer=True, min=0),
        _spec("--adequacy-samples", integer=True, min=1),
        _spec("--adequacy-seed", integer=True, min=0),
        _spec("--line-scale", min=0),
        _spec("--thermal-availability-scale", min=0),
        _spec("--clean-import-scale", min=0),
        _spec("--import-price-scale", min=0),
    )
)
# Scenario fields a sweep or a manifest may set that have no option of their own
FIELD_SPECS: dict[str, OptionSpec] = {
    spec.field: spec
    for spec in (
        *OPTION_SPECS.values(),
        OptionSpec("storage_mw", "storage_mw", min=0),
        OptionSpec("storage_hours", "storage_hours", min=STORAGE_MIN_DURATION_H),
        OptionSpec("dr_share", "dr_share", min=0, max=1),
        OptionSpec("dr_shift_share", "dr_shift_share", min=0, max=1),
        OptionSpec("reserve_share", "reserve_share", min=0, max=1),
        OptionSpec("value_of_lost_load", "value_of_lost_load", above=0),
        OptionSpec("benders_max_iterations", "benders_max_iterations", integer=True, min=1),
        OptionSpec("benders_start_periods", "benders_start_periods", integer=True, min=1, max=DAYS_PER_YEAR),
    )
}


def check_horizon(start_hour: int, hours: int, where: str = "--hours") -> None:
    """A horizon inside the year: refused with the hours allowed from that start."""
    if start_hour + hours > HOURS_PER_YEAR:
        raise InputError(
            where,
            f"{hours} h from --start-hour {start_hour} runs past the end of the year "
            f"(allowed: 1..{HOURS_PER_YEAR - start_hour} h from that start)",
        )


def check_options(args: argparse.Namespace) -> None:
    """Every numeric option of the parsed command line, before any work starts."""
    for dest, spec in OPTION_SPECS.items():
        if hasattr(args, dest):
            spec.check(getattr(args, dest))
    if hasattr(args, "hours") and hasattr(args, "start_hour"):
        check_horizon(args.start_hour, args.hours)


def check_fields(values: dict, where: str) -> None:
    """Scenario / solver fields (a sweep's values, a manifest's records) against the same specs."""
    for name, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            if name in FIELD_SPECS:
                FIELD_SPECS[name].check(item, f"{where} {name}")


def add_solver_args(p: argparse.ArgumentParser) -> None:
    from gzpower.solve.highs import ALGORITHMS

    g = p.add_argument_group("solver (HiGHS)")
    g.add_argument(
        "--algorithm",
        default="auto",
        choices=["auto", *sorted(ALGORITHMS)],
        help=(
            "HiGHS algorithm (default auto: dual simplex for check, Benders and expand over up to 16 representative "
            "days; interior point for other expansions)"
        ),
    )
    g.add_argument(
        "--start",
        default="windows",
        choices=choices(ColdStart),
        help="where a cold dual simplex starts (default windows: from the bases of the horizon's weeks solved one "
        "after the other, the same optimum sooner; plain: HiGHS's own start after presolve)",
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
    p.add_argument("--start-hour", type=int, default=0, help="first hour of the horizon, 0..8759 (default 0)")
    p.add_argument(
        "--hours",
        type=int,
        default=8760,
        help="horizon length, h (default 8760: the full year; the horizon does not wrap past the year's end)",
    )
    p.add_argument("--carbon-price", type=float, default=0.0, help="carbon price, CNY/tCO2 (default 0)")
    p.add_argument(
        "--co2-cap",
        type=float,
        default=None,
        help="CO2 cap on the city's plants and own import sources, tCO2 over the horizon (default: none); with "
        "--boundary province the CO2 of power bought from the province is reported, not capped",
    )
    p.add_argument(
        "--no-coal-replacement",
        action="store_true",
        help="do not apply the plan's rule replacing Zhujiang/Hengyun coal by equal gas capacity",
    )
    p.add_argument("--no-unserved", action="store_true", help="forbid unserved energy (may make the LP infeasible)")
    p.add_argument("--min-stable", action="store_true", help="minimum stable output as an LP relaxation")
    p.add_argument(
        "--no-chp-must-run",
        action="store_true",
        help="CHP units free to follow the price: no seasonal heat-led floor and no minimum stable output for them "
        "(default: they stay online for their steam hosts)",
    )
    add_boundary_and_scale_args(p)
    p.add_argument("--quiet", action="store_true", help="print only the tables: no progress lines, bars or HiGHS log")
    p.add_argument("--no-report", action="store_true", help="do not write report.html into the run folder")
    p.add_argument(
        "--periods",
        type=int,
        default=None,
        help="representative days instead of consecutive hours (time-series aggregation; expand only: refused in "
        "check mode, where it understates the shortfall about seven-fold; default: consecutive hours)",
    )
    add_solver_args(p)
    add_plan_and_lever_args(p)


def add_boundary_and_scale_args(p: argparse.ArgumentParser) -> None:
    """The boundary with the province, the network level, and the factors on interfaces, supply, load, lines,
    thermal availability and prices (the levers tipping points and sweeps move)."""
    p.add_argument(
        "--boundary",
        choices=choices(Boundary),
        default="province",
        help="province: the rest of Guangdong as one bus with its load, fleet and West-to-East supply, the import "
        "price the dual of its balance, interfaces both ways (default); fixed_price: the Guangdong_grid node at its "
        "flat price and derate, as before the province was modelled",
    )
    p.add_argument(
        "--import-scale",
        type=float,
        default=1.0,
        help="factor on every import interface's transfer capability (the 500 kV links to the rest of the province "
        "and the West-to-East links; default 1); the supply behind them: --import-supply-scale",
    )
    p.add_argument(
        "--import-supply-scale",
        type=float,
        default=1.0,
        help="factor on every import source's capability p_max (default 1)",
    )
    p.add_argument("--load-scale", type=float, default=1.0, help="factor on the load (default 1)")
    p.add_argument(
        "--network",
        choices=("districts", "city"),
        default="districts",
        help="districts: the eleven districts and their 220 kV corridors (default); city: one bus, interfaces kept",
    )
    p.add_argument(
        "--line-scale", type=float, default=1.0, help="factor on every 220 kV corridor rating (default 1; synthetic)"
    )
    p.add_argument(
        "--thermal-availability-scale",
        type=float,
        default=1.0,
        help="factor on every thermal unit's availability (default 1; capped at availability 1)",
    )
    p.add_argument(
        "--clean-import-scale", type=float, default=1.0, help="factor on the West-to-East clean supply (default 1)"
    )
    p.add_argument(
        "--import-price-scale", type=float, default=1.0, help="factor on every import source's price (default 1)"
    )


#: command-line dest -> Scenario field, where they differ (the option names are the field names otherwise)
DEST_TO_FIELD = {
    "no_coal_replacement": "coal_replacement",
    "no_unserved": "allow_unserved",
    "no_chp_must_run": "chp_must_run",
}


def add_plan_and_lever_args(p: argparse.ArgumentParser) -> None:
    """The plan file and the levers: each option is named as its Scenario field (``--storage-hours`` is
    ``storage_hours`` in a sweep, the plan's [scenario] table and the manifest). Defaults are None here and filled
    from the Scenario's own defaults, so that a plan file's value applies unless the option is given."""
    from gzpower import assumptions as A

    g = p.add_argument_group("plan and levers (each named as its scenario field in sweeps, plan files, manifests)")
    g.add_argument(
        "--plan",
        type=Path,
        default=None,
        metavar="PLAN.toml",
        help="a plan file: target values per year (ids of targets.csv), per-district storage placement and "
        "scenario values (write one with: gzpower plan template > plan.toml). Options given on the command line "
        "win over the plan's [scenario] values",
    )
    g.add_argument(
        "--reserve-share",
        type=float,
        default=None,
        help=f"spinning reserve as a share of the load, MW/MW: the city's, and with --boundary province the "
        f"province's too, met by every unit's headroom (default {A.RESERVE_SHARE_OF_LOAD:g})",
    )
    g.add_argument(
        "--value-of-lost-load",
        "--voll",
        dest="value_of_lost_load",
        type=float,
        default=None,
        help=f"cost of unserved energy, CNY/MWh (default {A.VALUE_OF_LOST_LOAD:g})",
    )
    g.add_argument(
        "--dr-shift-share",
        type=float,
        default=None,
        help=f"energy-neutral load shifting within the day, share of each district's peak, MW/MW (default "
        f"{A.DR_SHIFT_SHARE:g} = off); costs {A.DR_SHIFT_COST_CNY_PER_MWH:g} CNY per MWh shifted",
    )
    g.add_argument(
        "--storage-hours",
        type=float,
        default=None,
        help=f"energy-to-power ratio of the plan's new storage, h (default {A.PLAN_BATTERY_DURATION_H:g})",
    )
    g.add_argument(
        "--storage-mw",
        type=float,
        default=None,
        help="new battery power city-wide, MW, instead of the plan's storage_capacity target (default: the plan's)",
    )
    g.add_argument(
        "--dr-share",
        type=float,
        default=None,
        help="peak-shaving demand response, share of the annual peak (default: the plan's dr_capability target)",
    )
    g.add_argument("--hours-of-storage", dest="storage_hours", type=float, default=None, help=argparse.SUPPRESS)
    g.add_argument("--verbose", action="store_true", help="also print HiGHS's own log (on stdout; default off)")


#: levers whose argparse default is None and whose value, when given, sets the Scenario field of the same name
LEVERS = ("reserve_share", "value_of_lost_load", "dr_shift_share", "storage_hours", "storage_mw", "dr_share")


def explicit_dests(parser: argparse.ArgumentParser, argv: list[str] | None) -> frozenset[str]:
    """The dests the command line sets explicitly (not by a default): the same parse with every default
    suppressed, in every sub-parser."""
    import copy

    quiet = copy.deepcopy(parser)
    stack = [quiet]
    while stack:
        parser_ = stack.pop()
        for action in parser_._actions:
            if isinstance(action, argparse._SubParsersAction):
                stack.extend(action.choices.values())
            elif action.dest != "help":
                action.default = argparse.SUPPRESS
        parser_._defaults = {}
    try:
        ns = quiet.parse_args(argv)
    except SystemExit:  # cannot happen after a successful parse of the same argv; be safe
        return frozenset()
    return frozenset(vars(ns))


def plan_from_args(args, tables: dict | None = None):
    """The plan file of ``--plan`` read and checked against the input tables (None without ``--plan``)."""
    path = getattr(args, "plan", None)
    if path is None:
        return None
    cached = getattr(args, "_plan_read", None)
    if cached is not None:
        return cached
    from gzpower.scenario.plan import read_plan
    from gzpower.scenario.scenario import Scenario

    if tables is None:
        tables, _ = load_tables(args.data)
    args._plan_read = read_plan(Path(path), tables, Scenario)
    return args._plan_read


def settings_from_args(args):
    from gzpower.solve.highs import SolverSettings

    return SolverSettings(
        algorithm=args.algorithm,
        cold_start=args.start,
        threads=args.threads,
        time_limit=args.time_limit,
        primal_feasibility_tolerance=args.primal_tol,
        dual_feasibility_tolerance=args.dual_tol,
        ipm_optimality_tolerance=args.ipm_tol,
        decomposition=getattr(args, "decomposition", "auto"),
        benders_gap=getattr(args, "benders_gap", None),
    )


def refuse_dishonest_modes(args, mode: str) -> None:
    """Before any work: representative periods in check mode (the aggregated check understates the shortfall about
    seven-fold), and a horizon that runs past the year's end (it does not wrap), are one-line input errors."""
    from gzpower.errors import InputError
    from gzpower.inputs.schemas import HOURS_PER_YEAR

    if mode == "check" and args.periods:
        raise InputError(
            "--periods",
            "representative periods are refused in check mode: the aggregated check understates the shortfall "
            "about seven-fold; check over consecutive hours (--hours, or --rolling for the full year)",
        )
    if args.start_hour < 0 or args.hours < 1 or args.start_hour + args.hours > HOURS_PER_YEAR:
        raise InputError(
            "--start-hour/--hours",
            f"the horizon {args.start_hour}..{args.start_hour + args.hours} runs outside the year's hours "
            f"0..{HOURS_PER_YEAR} (it does not wrap)",
        )


def scenario_from_args(args, mode: str, year: int, tables: dict | None = None):
    """The Scenario of the command line; with ``--plan``, the plan attached and its [scenario] values applied
    except where the command line gives the option explicitly (command line > plan file > defaults)."""
    from gzpower.scenario.scenario import Scenario

    refuse_dishonest_modes(args, mode)
    levers = {k: getattr(args, k) for k in LEVERS if getattr(args, k, None) is not None}
    sc = Scenario(
        **levers,
        year=year,
        mode=mode,
        start_hour=args.start_hour,
        hours=args.hours,
        coal_replacement=not args.no_coal_replacement,
        carbon_price=args.carbon_price,
        co2_cap=args.co2_cap,
        allow_unserved=not args.no_unserved,
        min_stable=args.min_stable,
        chp_must_run=not args.no_chp_must_run,
        boundary=getattr(args, "boundary", "province"),
        import_scale=args.import_scale,
        import_supply_scale=getattr(args, "import_supply_scale", 1.0),
        load_scale=args.load_scale,
        network=getattr(args, "network", "districts"),
        line_scale=getattr(args, "line_scale", 1.0),
        thermal_availability_scale=getattr(args, "thermal_availability_scale", 1.0),
        clean_import_scale=getattr(args, "clean_import_scale", 1.0),
        import_price_scale=getattr(args, "import_price_scale", 1.0),
        periods=args.periods,
    )
    plan = plan_from_args(args, tables)
    if plan is None:
        return sc
    given = getattr(args, "explicit", None)
    if given is None:  # called without main(): every non-default value counts as given
        given = frozenset(LEVERS) & {k for k in levers}
    return plan.apply_to(sc, {DEST_TO_FIELD.get(d, d) for d in given})


def load_tables(data_dir: Path):
    """The validated input tables of ``data_dir`` and the seconds it took."""
    from gzpower.inputs.validate import load_dataset

    t = time.perf_counter()
    tables = load_dataset(data_dir)
    return tables, time.perf_counter() - t


def check_sweep(params: dict[str, list], start_hour: int, hours: int) -> None:
    """A sweep's values, each with its field's spec; the longest horizon from the latest start inside the year."""
    check_fields(params, "--param")
    check_horizon(max(params.get("start_hour", [start_hour])), max(params.get("hours", [hours])), "--param hours")
