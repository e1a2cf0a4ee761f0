"""The command handlers: each turns parsed arguments into library calls and prints the outcome."""

from __future__ import annotations

import json
import math
import shutil
import sys
import time
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import pandas as pd

from gzpower import progress
from gzpower.cli.args import (
    check_fields,
    check_horizon,
    check_sweep,
    load_tables,
    refuse_dishonest_modes,
    scenario_from_args,
    settings_from_args,
)
from gzpower.errors import InputError
from gzpower.types import SizingTarget


def cmd_data_build(args) -> int:
    from gzpower.pipeline.build import build_and_write

    stats = build_and_write(args.raw, args.out)
    print(f"wrote {args.out} from {args.raw}")
    from gzpower.report.text import format_data_stats

    print(format_data_stats(stats))
    return 0


def cmd_data_validate(args) -> int:
    from gzpower.inputs.schemas import TABLES

    tables, seconds = load_tables(args.data)
    print(f"{args.data}: {len(TABLES)} tables valid ({sum(len(t) for t in tables.values())} rows, {seconds:.1f} s)")
    from gzpower.report.text import format_data_summary

    print(format_data_summary(tables))
    return 0


def cmd_check(args) -> int:
    """``gzpower check``: each year's plan fleet, verdict, counterfactuals and report. Several years run side by
    side, one worker process each (``--workers``, not with ``--rolling``); the last line then gives the wall time
    against the plan LPs' HiGHS time."""
    refuse_dishonest_modes(args, "check")
    years = list(args.year or [2025, 2030])
    with progress.phase(f"loading the input tables from {args.data}"):
        tables, load_s = load_tables(args.data)  # also in the parallel case: bad input ends here, before any worker
    if len(years) > 1 and args.workers > 1 and not args.rolling:
        outcomes = _check_years_in_workers(args, years, tables, load_s)
    else:
        outcomes = []
        for year in years:
            outcomes.append(_check_year(args, year, tables, load_s))
            print(outcomes[-1].text, end="", flush=True)
    if len(years) > 1:
        for outcome in outcomes:
            print(_phase_line(outcome))
        print(_timing_line(progress.elapsed(), outcomes))
    return 0


@dataclass
class _YearOutcome:
    """What one year of ``gzpower check`` printed and the HiGHS time of its plan LP."""

    year: int
    text: str
    plan_highs_s: float
    #: seconds per phase (the run's manifest timings and the report's)
    phases: dict = field(default_factory=dict)
    #: the HiGHS seconds of the plan LP's weeks when its start was built from them (part of ``plan_highs_s``)
    plan_weeks_highs_s: float | None = None


def _phase_line(outcome: _YearOutcome) -> str:
    """Where one year's time went: the plan LP (build, solve, extraction), the other adequacy level, the tipping
    points, the counterfactuals (their HiGHS time when hot), the run folder and the report."""
    t = outcome.phases
    plan = sum(float(t.get(k) or 0.0) for k in ("build_s", "solve_s", "extract_s"))
    weeks = outcome.plan_weeks_highs_s
    of_which = f", its weeks' start {weeks:.1f} s" if weeks is not None else ""
    parts = [f"plan LP {plan:.1f} s (HiGHS {outcome.plan_highs_s:.1f} s{of_which})"]
    for key, label in (("other_level_s", "the other adequacy level"), ("tipping_points_s", "tipping points")):
        if key in t:
            parts.append(f"{label} {t[key]:.1f} s")
    if "counterfactuals_s" in t:
        hot = t.get("counterfactuals_highs_s")
        parts.append(
            f"counterfactuals {t['counterfactuals_s']:.1f} s" + (f" (HiGHS {hot:.1f} s)" if hot is not None else "")
        )
    parts.append(f"writing and report {float(t.get('write_s') or 0.0) + float(t.get('report_s') or 0.0):.1f} s")
    return f"time {outcome.year}: " + ", ".join(parts)


def _timing_line(wall_s: float, outcomes: list[_YearOutcome]) -> str:
    """The last line of a check of several years: wall time, the plan LPs' summed HiGHS time, their ratio."""
    highs_s = sum(o.plan_highs_s for o in outcomes)
    each = ", ".join(f"{o.year} {o.plan_highs_s:.1f} s" for o in outcomes)
    ratio = f"{wall_s / highs_s:.2f}" if highs_s > 0 else "-"
    return f"timing: wall {wall_s:.1f} s; HiGHS {highs_s:.1f} s for the plan LPs ({each}); ratio {ratio}"


def _check_years_in_workers(args, years: list[int], tables: dict, load_s: float) -> list[_YearOutcome]:
    """One worker process per year (at most ``--workers`` at a time), each year's text printed in year order as
    soon as it and the years before it are done. The workers get the tables this process loaded and checked: sent
    pickled (67 MB, about 0.2 s) instead of read and validated again in each (about 2.2 s, 2026-12-04)."""
    from gzpower.studies.workers import pool, sigint_ignored, submit

    outcomes: list[_YearOutcome] = []
    with pool(min(args.workers, len(years)), "spawn") as executor:
        with sigint_ignored():
            futures = [submit(executor, _check_year_in_worker, args, year, tables, load_s) for year in years]
        for future in futures:
            outcomes.append(future.result())
            print(outcomes[-1].text, end="", flush=True)
    return outcomes


def _check_year_in_worker(args, year: int, tables: dict, load_s: float) -> _YearOutcome:
    progress.configure(quiet=getattr(args, "quiet", False), verbose=getattr(args, "verbose", False))
    return _check_year(args, year, tables, load_s)


def _check_year(args, year: int, tables: dict, load_s: float) -> _YearOutcome:
    """One year of the check: the plan LP (kept in HiGHS: the counterfactuals start hot from it), the verdict, the
    counterfactuals, the run folder and the report; returns what it prints."""
    from gzpower.report.text import format_check
    from gzpower.report.verdict_text import format_verdict
    from gzpower.results.counterfactuals import counterfactual_table
    from gzpower.scenario.scenario import PLAN_INCREMENTS
    from gzpower.studies.run import counterfactuals, run_and_write, solve_case
    from gzpower.studies.verdict import verdict_tables

    settings = settings_from_args(args)
    sc = scenario_from_args(args, "check", year, tables)
    solver, plan_solver, label, extra_manifest, how = None, partial(solve_case, keep=True), None, None, ""
    if args.rolling:  # a full run, dispatched window by window (also its counterfactuals)
        from gzpower.studies.rolling import rolling_case

        solver = plan_solver = partial(rolling_case, window=args.rolling, lookahead=args.lookahead)
        how = f" in rolling windows of {args.rolling} h + {args.lookahead} h look-ahead"
        label = f"{sc.label()}-rolling{args.rolling}"
        windows = -(-sc.hours // args.rolling)
        extra_manifest = {"rolling": {"window_h": args.rolling, "lookahead_h": args.lookahead, "windows": windows}}

    def extra(parent):
        verdict = verdict_tables(tables, parent, settings, _verdict_options(args), progress.say, parent.timings)
        out = {**verdict, **_check_adequacy(args, tables, sc, parent, verdict.get("target_check"))}
        if not args.no_counterfactuals:
            progress.say(f"[{sc.year}] {len(PLAN_INCREMENTS)} counterfactuals (each plan target's increment removed)")
            started = time.perf_counter()
            children = counterfactuals(tables, parent, settings, workers=args.workers, solver=solver)
            parent.timings["counterfactuals_s"] = time.perf_counter() - started
            if parent.kept is not None:
                parent.timings["counterfactuals_highs_s"] = float(sum(parent.kept.seconds_highs))
            out["counterfactuals"] = counterfactual_table(parent, children)
        parent.kept = None  # the kept LP's memory, before the run folder and the report
        return out

    if getattr(args, "adequacy_samples", None):
        extra_manifest = {
            **(extra_manifest or {}),
            "adequacy": {"samples": args.adequacy_samples, "seed": args.adequacy_seed, "network": "districts"},
        }
    with progress.phase(f"[{year}] the plan fleet over {sc.hours} h from hour {sc.start_hour}{how}"):
        result = run_and_write(
            tables, sc, settings, args.runs_dir, args.data, load_s, extra_manifest, extra, plan_solver, label
        )
    text = [format_check(result), format_verdict(result.tables), f"run folder: {result.folder}"]
    started = time.perf_counter()
    text.append(_report_text(args, result.folder))  # both adequacy levels, what binds, tipping points above
    phases = {**result.timings, "report_s": time.perf_counter() - started}
    weeks = result.stats.get("cold_start_windows") or {}
    highs_s = float(result.timings.get("highs_s") or 0.0)
    return _YearOutcome(year, "\n".join(text) + "\n", highs_s, phases, weeks.get("seconds_highs"))


def _say(text: str) -> None:
    print(text, flush=True)


def _verdict_options(args):
    from gzpower.inputs.schemas import HOURS_PER_YEAR
    from gzpower.studies.verdict import VerdictOptions

    full = bool(getattr(args, "tipping_full_year", False))
    asked = getattr(args, "tipping_points", None)
    # a full-year check gives its verdict with the tipping points (on its tightest weeks: minutes); a short
    # horizon is a screening run, where they are asked for
    on = asked if asked is not None else getattr(args, "hours", 0) >= HOURS_PER_YEAR
    return VerdictOptions(tipping_points=full or bool(on), tipping_horizon="full-year" if full else "tightest")


def _check_adequacy(args, tables, sc, parent, target_check=None) -> dict:
    """``--adequacy-samples N``: the probabilistic rows beside the deterministic ones in the target check."""
    n = getattr(args, "adequacy_samples", None)
    if not n:
        return {}
    from gzpower.studies.adequacy.run import check_tables

    study = _adequacy_study(args, n, sc.year)
    if not args.quiet:
        print(f"[{sc.year}] {n} sample years of probabilistic adequacy ...", flush=True)
    base = target_check if target_check is not None else parent.tables["target_check"]
    return check_tables(tables, study, sc, base)


def _report(args, folder: Path) -> None:
    """The HTML report of a finished run; a report that cannot be drawn never undoes the run itself."""
    print(_report_text(args, folder))


def _report_text(args, folder: Path) -> str:
    """Writes the report of a finished run and returns the line that names it ("" with ``--no-report``); a report
    that cannot be drawn never undoes the run itself (a warning on stderr)."""
    if getattr(args, "no_report", False):
        return ""
    from gzpower.report import write_report

    before = set(folder.rglob("*"))
    try:
        with progress.phase("writing the report"):
            path = write_report(folder)
        return f"report: {path}\n"
    except (KeyboardInterrupt, SystemExit):  # a run folder is complete, report included, or absent
        # SystemExit: SIGTERM in a year's worker process (gzpower.studies.workers), which the parent sends on Ctrl-C
        shutil.rmtree(folder, ignore_errors=True)
        raise
    except Exception as exc:  # the run is complete and valid without its pictures: no partial report is left
        for path in sorted(set(folder.rglob("*")) - before, reverse=True):  # files before their folders
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else f"{type(exc).__name__}: {exc}"
        print(
            f"warning: {folder / 'report.html'} not written ({reason}); the run folder is complete without it\n",
            file=sys.stderr,
        )
        return ""


def cmd_expand(args) -> int:
    from gzpower.report.text import format_expand
    from gzpower.results.built import built_capacities
    from gzpower.studies.run import run_and_write

    if args.decomposition == "benders" and args.periods:
        print(
            "error: --decomposition benders solves the hourly expansion; it does not combine with --periods",
            file=sys.stderr,
        )
        return 2
    refuse_dishonest_modes(args, "expand")
    with progress.phase(f"loading the input tables from {args.data}"):
        tables, load_s = load_tables(args.data)
    settings = settings_from_args(args)
    inherited: dict = {}
    for year in sorted(args.year or [2025, 2030]):
        sc = replace(
            scenario_from_args(args, "expand", year, tables), plan_floors=not args.no_floors, inherited=dict(inherited)
        )
        span = (
            f"{sc.periods} representative days ({24 * sc.periods} h standing for {sc.hours} h)"
            if sc.periods
            else f"{sc.hours} h"
        )
        with progress.phase(f"[{year}] least-cost expansion over {span}"):
            result = run_and_write(tables, sc, settings, args.runs_dir, args.data, load_s)
        print(format_expand(result))
        print(f"run folder: {result.folder}")
        _report(args, result.folder)
        for key, added in built_capacities(result.tables["capacities"]).items():
            inherited[key] = inherited.get(key, 0.0) + added
    return 0


def cmd_report(args) -> int:
    from gzpower.report import write_report

    folder = Path(args.run)
    if not (folder / "manifest.json").is_file():
        folder = args.runs_dir / args.run
    print(write_report(folder))
    return 0


def cmd_sweep(args) -> int:
    from gzpower.studies.sweep import format_summary, parse_param, read_sweep_file, run_sweep

    params: dict[str, list] = {}
    if args.file is not None:
        params.update(read_sweep_file(args.file))
    for text in args.param or []:
        name, values = parse_param(text)
        params[name] = values
    years = args.year or [2030]
    if len(years) > 1:
        params = {"year": years, **params}
    if not params:
        raise InputError("gzpower sweep", "nothing to sweep: give --param name=values or --file sweep.toml")
    if not Path(args.data).is_dir():
        raise InputError(str(args.data), "data folder not found")
    check_sweep(params, args.start_hour, args.hours)
    refuse_dishonest_modes(args, args.mode)
    base = scenario_from_args(args, args.mode, years[0])
    n = math.prod(len(v) for v in params.values())
    if not args.quiet:
        where = f"Dask cluster {args.scheduler}" if args.scheduler else f"{args.workers} local worker(s)"
        print(
            f"sweep over {', '.join(f'{k} ({len(v)})' for k, v in params.items())}: {n} points, {base.hours} h "
            f"from hour {base.start_hour}, on {where}",
            flush=True,
        )
    sweep = run_sweep(
        base,
        settings_from_args(args),
        params,
        args.data,
        args.runs_dir,
        args.workers,
        args.scheduler,
        args.quiet,
        args.name,
    )
    print(format_summary(sweep.summary, list(params)))
    failed = sweep.summary[sweep.summary["status"] == "failed"]
    for row in failed.itertuples():
        print(f"point {row.point} failed: {row.message}", file=sys.stderr)
    print(f"summary: {sweep.path} ({len(sweep.summary)} points, {len(failed)} failed, {sweep.seconds:.1f} s)")
    plot = _summary_plot(sweep, list(params))
    if plot is not None:
        print(f"plot: {plot}")
    return 3 if len(failed) == len(sweep.summary) else 0


def _summary_plot(sweep, names: list[str]) -> Path | None:
    """KPI curves against the first swept parameter (the report package's comparison page) beside the summary."""
    folders = [Path(f) for f in sweep.summary.get("run_folder", pd.Series(dtype=object)).dropna() if f]
    if len(folders) < 2:
        return None
    from gzpower.report import write_comparison_report

    try:
        return write_comparison_report(folders, sweep.path.parent / "summary.html", x_param=names[0])
    except Exception as exc:  # the summary table is the result; its picture must not fail the sweep
        print(f"warning: sweep plot not written ({type(exc).__name__}: {exc})", file=sys.stderr)
        return None


def _cmd_size(args, what: SizingTarget) -> int:
    from gzpower.studies.sizing import Criterion, format_result, size, summary_frame
    from gzpower.studies.sweep import new_sweep_id, write_summary

    if args.year and len(args.year) > 1:
        raise InputError("gzpower size", "give one --year")
    refuse_dishonest_modes(args, "check")
    tables, _ = load_tables(args.data)
    base = scenario_from_args(args, "check", (args.year or [2030])[0], tables)
    criterion = Criterion(max_unserved_mwh=args.max_unserved, max_lole_h=args.max_loss_of_load_hours)
    with progress.phase(f"sizing {what} by bisection over {base.hours} h"):
        # storage: the duration is the scenario's storage_hours (--storage-hours, or the plan file's)
        result = size(what, tables, base, settings_from_args(args), criterion, args.tol, args.upper)
    print(format_result(result, base))
    path = write_summary(summary_frame(result), Path(args.runs_dir), new_sweep_id(f"size-{what}"))
    print(f"summary: {path}")
    return 0


def cmd_size_storage(args) -> int:
    return _cmd_size(args, "storage")


def cmd_size_dr(args) -> int:
    return _cmd_size(args, "dr")


def _format(frame: pd.DataFrame) -> str:
    from gzpower.report.text import table

    view = frame.copy()
    for col in view.columns:
        if pd.api.types.is_float_dtype(view[col]):
            view[col] = [("" if pd.isna(v) else f"{v:,.6g}") for v in view[col]]
    return table(view.astype(object).where(view.notna(), ""))


def _existing_runs_dir(runs_dir: Path) -> None:
    """A --runs-dir that exists must be a folder (one not yet made simply holds no runs)."""
    if Path(runs_dir).exists() and not Path(runs_dir).is_dir():
        raise InputError(str(runs_dir), "--runs-dir is not a folder")


def cmd_runs_list(args) -> int:
    from gzpower.runs.catalogue import list_runs, open_catalogue

    _existing_runs_dir(args.runs_dir)
    cat = open_catalogue(args.runs_dir)
    frame = list_runs(cat, args.mode, args.year, args.status, args.since, args.param)
    print(_format(frame))
    print(f"{len(frame)} of {len(cat.runs)} runs in {args.runs_dir}")
    return 0


def cmd_runs_sql(args) -> int:
    from gzpower.runs.catalogue import open_catalogue, read_only_query

    _existing_runs_dir(args.runs_dir)
    query = read_only_query(args.query)  # before any work: one SELECT, nothing that writes or attaches
    cat = open_catalogue(args.runs_dir)
    print(_format(cat.sql(query)))
    return 0


def cmd_plan_template(args) -> int:
    from gzpower.scenario.plan import plan_template

    tables, _ = load_tables(args.data)
    print(plan_template(tables), end="")
    return 0


def _run_folder(args) -> Path:
    folder = Path(args.run)
    if not (folder / "manifest.json").is_file() and (args.runs_dir / args.run).is_dir():
        folder = args.runs_dir / args.run
    if not (folder / "manifest.json").is_file():
        raise InputError(str(folder), "not a run folder (no manifest.json)")
    return folder


def cmd_export(args) -> int:
    from gzpower.runs.export import export_pypsa, export_tables

    folder = _run_folder(args)
    names = [t.strip() for t in args.tables.split(",") if t.strip()] if args.tables else None
    if args.format == "pypsa":
        if names:
            raise InputError("--tables", "selects tables of a csv or xlsx export; a PyPSA network holds the whole case")
        with progress.phase("rebuilding the case as a PyPSA network"):
            done = export_pypsa(folder, args.out, args.data)
    else:
        done = export_tables(folder, args.format, args.out, names)
    print(f"wrote {done.path} ({', '.join(done.tables)})")
    return 0


def cmd_compare(args) -> int:
    from gzpower.runs.compare import compare_runs, format_comparison, load_runs, to_json

    runs = load_runs(args.runs, args.runs_dir)
    c = compare_runs(runs, args.top)
    if args.json:
        print(json.dumps(to_json(c), indent=2, default=str))
    else:
        print(format_comparison(c))
    if args.html is not None:
        try:
            from gzpower.report import write_comparison_report
        except ImportError:
            raise InputError(
                "--html",
                "the HTML report helper (gzpower.report.write_comparison_report) is not installed in this version",
            ) from None
        changed = [f.split(".", 1)[1] for f in c.params["field"] if f.startswith("scenario.")]
        path = write_comparison_report([r.folder for r in runs], args.html, changed[0] if len(changed) == 1 else None)
        print(f"html report: {path}")
    return 0


def cmd_rerun(args) -> int:
    """``gzpower rerun RUN``: exit 0 when the rerun reproduces the run, 1 when it does not."""
    from gzpower.runs.rerun import rerun

    folder = Path(args.run)
    if not folder.is_dir() and (args.runs_dir / args.run).is_dir():
        folder = args.runs_dir / args.run
    if not folder.is_dir():
        raise InputError(str(folder), "run folder not found")
    _check_manifest(folder, args.data)
    report = rerun(folder, folder.parent, args.data)
    print("\n".join(report.lines()))
    return 0 if report.matches else 1


def _check_manifest(folder: Path, data_dir: Path | None) -> None:
    """A manifest's scenario and solver records against the options' specs: an edited manifest is bad input."""
    from gzpower.results.folder import read_manifest

    where = str(folder / "manifest.json")
    manifest = read_manifest(folder)
    objective = manifest.get("objective_mcny")
    if objective is not None and (isinstance(objective, bool) or not isinstance(objective, (int, float))):
        raise InputError(where, f"objective_mcny: {objective!r} is not a number")
    inputs = manifest.get("inputs")
    if not isinstance(inputs, dict) or not isinstance(inputs.get("sha256", {}), dict):
        raise InputError(where, "'inputs' is missing or not a table")
    if data_dir is None and not isinstance(inputs.get("data_dir"), str):
        raise InputError(where, "inputs.data_dir is not a folder name (or give --data)")
    for section in ("scenario", "solver"):
        record = manifest.get(section)
        if not isinstance(record, dict):
            raise InputError(where, f"'{section}' is missing or not a table")
        check_fields({k: v for k, v in record.items() if not isinstance(v, list)}, f"{where}: {section}")
    scenario = manifest["scenario"]
    _check_choices(scenario, where)
    _check_solver_choices(manifest["solver"], where)
    check_horizon(scenario.get("start_hour", 0), scenario.get("hours", 0), f"{where}: scenario hours")


def _check_solver_choices(solver: dict, where: str) -> None:
    """The solver record's fixed choices (a field a manifest lacks takes the default the rerun gives it)."""
    from gzpower.types import Algorithm, ColdStart, Decomposition, SolverInterface
    from gzpower.types import choices as allowed_values

    for name, kind in (
        ("algorithm", Algorithm),
        ("cold_start", ColdStart),
        ("decomposition", Decomposition),
        ("interface", SolverInterface),
    ):
        if name in solver and solver[name] not in allowed_values(kind):
            allowed = ", ".join(allowed_values(kind))
            raise InputError(where, f"solver {name}: {solver[name]!r} is not one of {allowed}")


def _check_choices(scenario: dict, where: str) -> None:
    from gzpower.inputs.schemas import YEARS
    from gzpower.scenario.scenario import PLAN_INCREMENTS
    from gzpower.types import RunMode
    from gzpower.types import choices as allowed_values

    choices = {"year": YEARS, "mode": allowed_values(RunMode)}
    for name, allowed in choices.items():
        if scenario.get(name) not in allowed:
            raise InputError(
                where, f"scenario {name}: {scenario.get(name)!r} is not one of {', '.join(map(str, allowed))}"
            )
    without = scenario.get("without", [])
    if not isinstance(without, list) or not set(without) <= set(PLAN_INCREMENTS):
        raise InputError(where, f"scenario without: {without!r} is not a list of {', '.join(PLAN_INCREMENTS)}")


def _adequacy_study(args, samples: int, year: int):
    from gzpower.studies.adequacy import Settings
    from gzpower.studies.adequacy.run import Study

    return Study(
        year=year,
        settings=Settings(samples=samples, seed=getattr(args, "seed", None) or getattr(args, "adequacy_seed", 0) or 0),
        network=getattr(args, "network", "districts"),
        start_hour=args.start_hour,
        hours=args.hours,
        load_scale=getattr(args, "load_scale", 1.0),
        import_scale=getattr(args, "import_scale", 1.0),
        workers=args.workers,
        scheduler=getattr(args, "scheduler", None),
        capacity_credit=getattr(args, "capacity_credit", False),
    )


def cmd_adequacy(args) -> int:
    """``gzpower adequacy``: sample years of forced outages and weather days, LOLE and EUE with standard errors."""
    from gzpower.studies.adequacy.run import format_result, run_study, write_run

    study = _adequacy_study(args, args.samples, args.year)
    tables, load_s = load_tables(args.data)
    if not args.json:
        where = f"Dask cluster {study.scheduler}" if study.scheduler else f"{study.workers} local worker(s)"
        print(
            f"[{args.year}] {args.samples} sample years of {args.hours} h on {where} ...", file=sys.stderr, flush=True
        )
    result, system, sc = run_study(tables, study)
    folder = write_run(result, study, sc, args.runs_dir, args.data, load_s, system)
    if not args.no_report:
        try:
            from gzpower.report.adequacy import write_adequacy_report

            page = write_adequacy_report(folder)
        except Exception as exc:  # the run folder is complete without its pictures
            print(f"warning: adequacy report not written ({type(exc).__name__}: {exc})", file=sys.stderr)
            page = None
    if args.json:
        figures = {**result.headline(), **result.extra, "run_folder": str(folder)}
        # JSON has no NaN: "samples needed" is undefined (null) when no sample year had a loss of load
        figures = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in figures.items()}
        print(json.dumps(figures, indent=2))
        return 0
    print(format_result(result, study))
    print(f"run folder: {folder}")
    if not args.no_report and page is not None:
        print(f"report: {page}")
    return 0


def cmd_docs(args) -> int:
    """``gzpower docs``: docs/MODEL.md from the model modules' docstrings and every component's ``doc=``."""
    from gzpower.model.formulation import model_markdown

    tables, _ = load_tables(args.data)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(model_markdown(tables))
    tmp.replace(out)
    print(f"wrote {out}")
    return 0


def cmd_calibrate(args) -> int:
    """``gzpower calibrate``: 2023 dispatched with the 2023 fleet, its metrics against the observed figures."""
    from gzpower.studies.calibrate import (
        CALIBRATION_LEVERS,
        CalibrationOptions,
        calibration_json,
        format_calibration,
        run_calibration,
    )

    if args.json and args.verbose:
        raise InputError("--verbose", "prints HiGHS's log on stdout, which --json keeps for the rows alone")
    options = CalibrationOptions(
        start_hour=args.start_hour,
        hours=args.hours,
        periods=args.periods,
        boundary=args.boundary,
        levers={k: getattr(args, k) for k in CALIBRATION_LEVERS if getattr(args, k) != 1.0},
        raw_dir=args.raw,
    )
    options.check()  # before the data is read
    with progress.phase(f"loading the input tables from {args.data}"):
        tables, load_s = load_tables(args.data)
    span = f"{args.periods} representative days" if args.periods else f"{args.hours} h from hour {args.start_hour}"
    with progress.phase(f"[2023] calibration: the 2023 fleet over {span}, {args.boundary} boundary"):
        result, frame = run_calibration(tables, options, settings_from_args(args), args.runs_dir, args.data, load_s)
    if args.json:
        print(calibration_json(frame))
        return 0
    print(f"== gzpower calibrate 2023: {result.status}; {span}; objective {result.objective:,.1f} MCNY ==")
    print(format_calibration(frame))
    print(f"run folder: {result.folder}")
    _report(args, result.folder)
    return 0
