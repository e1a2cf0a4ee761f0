"""``make bench``: where the time goes on the shipped Guangzhou data (a benchmark, not a test).

Every case runs in a fresh subprocess so that its peak resident memory is its own. Reported per case: seconds
loading data, building the Pyomo model (assemble + builders), handing it to HiGHS (standard-form compile + pass),
inside HiGHS, extracting and writing results, the total, the peak RSS, and the LP's rows, columns and nonzeros.

Cases: ``make run`` itself (``gzpower check --year 2025 --year 2030`` as its own process: its wall time, the
HiGHS time of its two plan LPs and their ratio, from its last line, and the peak RSS of its largest process); the
2030 check at 168, 720, 2184 and 8760 hours; the 2030 rolling-horizon check against the full LP; the
2030 expansion over the full year, handed to HiGHS whole (bounded by a time limit: it does not finish on 2 cores)
and by Benders decomposition (the full-year optimum, to a 1e-6 gap; and at the default gap, as ``gzpower expand``
runs it: dispatch solves, warm and cold, and their seconds); the expansion aggregated to N representative
days, each plan also priced over the full year (error in objective, in each technology's built capacity and in the
full-year cost of the plan against the full-year optimum, and the speed-up); each HiGHS algorithm on the 2030 check
and the aggregated expansion (with a time limit); probabilistic adequacy (sequential Monte Carlo) at growing
sample counts and horizons, with the 1,000 x 8,760 h case. Writes ``runs/bench/<timestamp>.json``; prints tables.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_one(case: dict) -> dict:
    """Run one case in this process and return its measurements."""
    from gzpower.inputs.validate import load_dataset
    from gzpower.results.folder import write_tables
    from gzpower.scenario.scenario import Scenario
    from gzpower.solve.highs import SolverSettings
    from gzpower.studies.run import solve_case

    t0 = time.perf_counter()
    tables = load_dataset(Path(case.get("data", REPO / "data")))
    load_s = time.perf_counter() - t0
    if case.get("adequacy"):
        return run_adequacy_case(case, tables, load_s, t0)
    if case.get("check_command"):
        return run_check_command(case, load_s, t0)
    sc = Scenario(**case["scenario"])
    settings = SolverSettings(**case.get("solver", {}))
    if case.get("rolling"):
        from gzpower.studies.rolling import solve_rolling

        t = time.perf_counter()
        rolled = solve_rolling(
            tables, sc, settings, window=case["rolling"]["window"], lookahead=case["rolling"]["lookahead"]
        )
        return {
            "case": case["name"],
            "status": "optimal",
            "load_s": load_s,
            "total_s": time.perf_counter() - t0,
            "solve_all_s": time.perf_counter() - t,
            "highs_s": rolled.seconds_highs,
            "windows": rolled.windows,
            "kpis": rolled.kpis,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    result = solve_case(tables, sc, settings)
    out = {
        "case": case["name"],
        "status": result.status,
        "objective_mcny": result.objective,
        "load_s": load_s,
        "build_s": result.timings.get("build_s"),
        "highs_s": result.timings.get("highs_s"),
        "handover_s": result.stats.get("seconds_handover"),
        "extract_s": result.timings.get("extract_s"),
        "rows": result.stats.get("rows"),
        "columns": result.stats.get("columns"),
        "nonzeros": result.stats.get("nonzeros"),
        "algorithm": settings.resolved(sc).algorithm,
        "decomposition": settings.resolved(sc).decomposition,
    }
    if result.tables:
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            write_tables(Path(tmp), result.tables)
            out["write_s"] = time.perf_counter() - t
        caps = result.tables["capacities"]
        added = caps[caps["added"] > 1e-6].groupby(["technology", "unit"])["added"].sum()
        out["added"] = {f"{c} ({u})": float(v) for (c, u), v in added.items()}
        out["kpis"] = result.kpis
    if result.stats.get("interface") == "benders":
        out["benders"] = {
            k: result.stats.get(k)
            for k in ("benders_iterations", "benders_lower_bound", "benders_gap", "benders_history")
        }
    out["total_s"] = time.perf_counter() - t0
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if case.get("price_plan_over") and result.investments is not None:
        # a measurement of the plan, not part of the case's time: its cost over the reference horizon
        from gzpower.studies.expansion import plan_cost

        t = time.perf_counter()
        out["plan_cost_mcny"] = plan_cost(tables, Scenario(**case["price_plan_over"]), result.investments)
        out["plan_cost_s"] = time.perf_counter() - t
    outside = sum(out.get(k) or 0.0 for k in ("build_s", "handover_s", "extract_s", "write_s"))
    out["overhead_vs_highs"] = outside / out["highs_s"] if out.get("highs_s") else None
    return out


def run_adequacy_case(case: dict, tables: dict, load_s: float, t0: float) -> dict:
    """A probabilistic adequacy run: seconds per sample year on the case's workers."""
    from gzpower.studies.adequacy import Settings
    from gzpower.studies.adequacy.run import Study, run_study

    a = case["adequacy"]
    study = Study(
        year=a["year"], settings=Settings(samples=a["samples"], seed=0), hours=a["hours"], workers=a["workers"]
    )
    result, _, _ = run_study(tables, study)
    head = result.headline()
    return {
        "case": case["name"],
        "status": "optimal",
        "load_s": load_s,
        "samples_s": result.seconds,
        "total_s": time.perf_counter() - t0,
        "s_per_sample_year": result.seconds / a["samples"] * 8760 / a["hours"],
        "s_per_sample": result.seconds / a["samples"],
        "lole_h": head["lole_h"],
        "lole_h_se": head["lole_h_se"],
        "eue_mwh": head["eue_mwh"],
        "eue_mwh_se": head["eue_mwh_se"],
        "solved_hours_per_sample": head["solved_hours_per_sample"],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        **a,
    }


#: the last line of ``gzpower check`` with several years (gzpower.cli.commands._timing_line)
TIMING_LINE = re.compile(r"^timing: wall ([\d.]+) s; HiGHS ([\d.]+) s for the plan LPs \((.*)\); ratio ([\d.]+|-)$")


def run_check_command(case: dict, load_s: float, t0: float) -> dict:
    """``make run`` (``gzpower check`` of several years) as a process of its own: its wall time, the plan LPs'
    summed HiGHS time and their ratio from its last line, the wall time seen from outside and the peak RSS of its
    largest process (the year workers included)."""
    with tempfile.TemporaryDirectory() as runs:
        command = [
            sys.executable,
            "-c",
            "import sys; from gzpower.cli import main; sys.exit(main())",
            "check",
            *case["check_command"],
            "--runs-dir",
            runs,
            "--quiet",
        ]
        started = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
        outside = time.perf_counter() - started
    lines = proc.stdout.strip().splitlines()
    found = TIMING_LINE.match(lines[-1]) if lines else None
    if proc.returncode != 0 or found is None:
        return {"case": case["name"], "status": f"error (exit {proc.returncode})", "stderr": proc.stderr[-2000:]}
    return {
        "case": case["name"],
        "status": "optimal",
        "load_s": load_s,
        "total_s": outside,
        "wall_s": float(found.group(1)),
        "highs_s": float(found.group(2)),
        "plan_lps": found.group(3),
        "ratio": float(found.group(4)) if found.group(4) != "-" else None,
        "timing_line": lines[-1],
        "phase_lines": [line for line in lines if re.match(r"^time \d{4}: ", line)],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def check_run_cases(quick: bool) -> list[dict]:
    """``make run``: both years of the full-year check with counterfactuals, both adequacy levels and tipping
    points (quick: the same on the tight July week)."""
    years = ["--year", "2025", "--year", "2030"]
    horizon = ["--hours", "168", "--start-hour", "5188", "--tipping-points"] if quick else []
    return [{"name": "make-run" + ("-168h" if quick else ""), "check_command": [*years, *horizon, "--no-report"]}]


def check_run_report(results: list[dict]) -> list[str]:
    rows = [r for r in results if r["case"].startswith("make-run") and r.get("wall_s") is not None]
    text = []
    for r in rows:
        text.append(
            f"\n{r['case']}: wall {r['wall_s']:.1f} s ({r['total_s']:.1f} s seen from outside), HiGHS "
            f"{r['highs_s']:.1f} s for the plan LPs ({r['plan_lps']}), ratio {r['ratio']}; peak "
            f"{r['peak_rss_mb']:,.0f} MB in one process"
        )
        text += [f"  {line}" for line in r.get("phase_lines", [])]
    return text


def adequacy_cases(quick: bool) -> list[dict]:
    """Growth with the sample count (full year) and with the horizon; the issue's 1,000 x 8,760 h case."""
    grid = [(20, 8760), (40, 8760), (20, 2184)] if quick else [(100, 8760), (300, 8760), (1000, 8760), (100, 2184)]
    return [
        {
            "name": f"adequacy-2030-{n}x{h}h",
            "adequacy": {"year": 2030, "samples": n, "hours": h, "workers": 2},
        }
        for n, h in grid
    ]


def adequacy_report(results: list[dict]) -> list[str]:
    rows = [r for r in results if r["case"].startswith("adequacy-") and r.get("samples_s") is not None]
    if not rows:
        return []
    text = ["", "Probabilistic adequacy (sequential Monte Carlo, 2 workers):"]
    for r in rows:
        text.append(
            f"  {r['case']}: {r['samples_s']:.1f} s, {r['s_per_sample']:.3f} s per sample, "
            f"{r['s_per_sample_year']:.3f} s per 8,760-h sample year; LOLE {r['lole_h']:.3f} +- {r['lole_h_se']:.3f} h"
        )
    full = sorted((r for r in rows if r["hours"] == 8760), key=lambda r: r["samples"])
    if len(full) >= 2:  # seconds = fixed (workers, data, cuts) + marginal x samples, fitted on the full-year cases
        import numpy as np

        marginal, fixed = np.polyfit([r["samples"] for r in full], [r["samples_s"] for r in full], 1)
        text.append(
            f"  full year: {fixed:.1f} s fixed + {marginal:.3f} s per sample year; 1,000 sample years "
            f"{fixed + 1000 * marginal:.0f} s by that line (limit 600 s)"
        )
    return text


def _subprocess(case: dict, timeout: float) -> dict:
    command = [sys.executable, "-m", "benchmarks.bench", "--one", json.dumps(case)]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=REPO)
    except subprocess.TimeoutExpired:
        return {"case": case["name"], "status": f"not finished within {timeout:.0f} s"}
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"case": case["name"], "status": "error", "stderr": proc.stderr[-2000:]}
    return json.loads(lines[-1])


def cases(quick: bool) -> list[dict]:
    horizons = [168, 720] if quick else [168, 720, 2184, 8760]
    full = 720 if quick else 8760
    periods = [4, 8] if quick else [8, 16, 32]
    out = [
        {
            "name": f"check-2030-{h}h",
            "scenario": {"year": 2030, "hours": h, "start_hour": 0 if h == 8760 else 4800 if h < 2184 else 4368},
        }
        for h in horizons
    ]
    out.append(
        {
            "name": f"check-2030-{full}h-rolling-168+24",
            "scenario": {"year": 2030, "hours": full},
            "rolling": {"window": 168, "lookahead": 24},
        }
    )
    # the full-year expansion handed to HiGHS whole (bounded: on 2 cores it does not finish) and by Benders to a
    # 1e-6 gap: the latter is the reference the aggregated runs are measured against
    reference = {"year": 2030, "mode": "expand", "hours": full}
    out.append(
        {
            "name": f"expand-2030-{full}h",
            "scenario": reference,
            "solver": {"decomposition": "none", "time_limit": 120.0 if quick else 300.0},
        }
    )
    out.append(
        {
            "name": f"expand-2030-{full}h-benders",
            "scenario": reference,
            "solver": {"decomposition": "benders", "benders_gap": 1e-6},
        }
    )
    # and at the default gap: what ``gzpower expand --year 2030`` does (its dispatch solves, warm or cold, in the
    # summary's Benders lines)
    out.append(
        {
            "name": f"expand-2030-{full}h-benders-default-gap",
            "scenario": reference,
            "solver": {"decomposition": "benders"},
        }
    )
    for n in periods:
        out.append(
            {
                "name": f"expand-2030-{n}d",
                "scenario": {"year": 2030, "mode": "expand", "periods": n},
                "price_plan_over": reference,
            }
        )
    # each HiGHS algorithm on the check and the aggregated expansion; a time limit keeps the benchmark bounded
    # (a case that hits it reports time_limit or error, which is the answer: that algorithm is not the fast one)
    algo_check = 720 if quick else 2184
    for algorithm in ("simplex", "ipm", "ipm-no-crossover", "pdlp"):
        limit = 30.0 if quick else 60.0
        out.append(
            {
                "name": f"algo-check-2030-{algo_check}h-{algorithm}",
                "scenario": {"year": 2030, "hours": algo_check, "start_hour": 4368},
                "solver": {"algorithm": algorithm, "time_limit": limit},
            }
        )
        out.append(
            {
                "name": f"algo-expand-2030-{periods[0]}d-{algorithm}",
                "scenario": {"year": 2030, "mode": "expand", "periods": periods[0]},
                "solver": {"algorithm": algorithm, "time_limit": limit},
            }
        )
    return check_run_cases(quick) + out + adequacy_cases(quick)


def _fmt(value, digits=1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def summarise(results: list[dict]) -> str:
    import pandas as pd

    from gzpower.report.text import table

    rows = []
    for r in results:
        rows.append(
            {
                "case": r["case"],
                "status": r["status"],
                "load": _fmt(r.get("load_s")),
                "build": _fmt(r.get("build_s")),
                "hand-over": _fmt(r.get("handover_s")),
                "HiGHS": _fmt(r.get("highs_s")),
                "extract": _fmt(r.get("extract_s")),
                "write": _fmt(r.get("write_s")),
                "total": _fmt(r.get("total_s")),
                "outside/HiGHS": _fmt(r.get("overhead_vs_highs"), 2),
                "peak MB": _fmt(r.get("peak_rss_mb"), 0),
                "rows": _fmt(r.get("rows")),
                "cols": _fmt(r.get("columns")),
                "nnz": _fmt(r.get("nonzeros")),
            }
        )
    text = [table(pd.DataFrame(rows))]
    by_name = {r["case"]: r for r in results}
    cold = by_name.get(
        next((r["case"] for r in results if r["case"].startswith("expand-2030-") and r["case"].endswith("h")), "")
    )
    full = next((r for r in results if r["case"].endswith("h-benders")), None)
    if full and full.get("added") is not None and full["status"] == "optimal":
        text += aggregation_report(results, full, cold)
    roll = next((r for r in results if "rolling" in r["case"]), None)
    base = by_name.get(roll["case"].replace("-rolling-168+24", "")) if roll else None
    if not base and roll:
        base = by_name.get("check-2030-8760h")
    if roll and base and base.get("kpis") and roll.get("kpis"):
        dc = roll["kpis"]["operating_cost_cny"] / base["kpis"]["operating_cost_cny"] - 1
        du = roll["kpis"]["unserved_mwh"] - base["kpis"]["unserved_mwh"]
        text += [
            "",
            f"Rolling horizon ({roll['windows']} windows): {base['total_s'] / roll['total_s']:.2f}x the speed "
            f"of the single LP; operating cost {100 * dc:+.2f} %, unserved energy {du:+,.0f} MWh.",
        ]
    text += benders_report(results)
    text += adequacy_report(results)
    text += check_run_report(results)
    return "\n".join(text)


def benders_report(results: list[dict]) -> list[str]:
    """One line per Benders case: its dispatch solves, how many started warm from the previous basis, their
    seconds and simplex iterations, the gap reached."""
    text = []
    for r in results:
        history = (r.get("benders") or {}).get("benders_history")
        if not history:
            continue
        warm = sum(bool(h.get("warm_start")) for h in history)
        dispatch_s = sum(h["seconds_dispatch"] for h in history)
        iterations = sum(int(h.get("simplex_iterations") or 0) for h in history)
        text.append(
            f"  {r['case']}: {len(history)} dispatch solves ({warm} warm), {dispatch_s:.1f} s in the dispatch "
            f"({iterations:,} simplex iterations), gap {r['benders']['benders_gap']:.1e}, {r['total_s']:.0f} s in all"
        )
    return ["", "Benders decomposition (dispatch solves warm from the previous basis, or cold):", *text] if text else []


#: builds smaller than this (MW or MWh) on both sides are not compared: the full-year reference is optimal to a 1e-6
#: cost gap, and stray megawatts of near-indifferent options (1 MW of interface, 0.2 MW of gas in a district) sit
#: within it
NEGLIGIBLE_MW = 10.0


def aggregation_report(results: list[dict], full: dict, cold: dict | None) -> list[str]:
    """Each aggregated expansion against the full-year optimum: objective, capacities per technology (builds under
    NEGLIGIBLE_MW on both sides left out), the full-year cost of its plan, and the speed-up; then the issue's
    targets (2 %, 10 %, 10x) read off."""
    import pandas as pd

    from gzpower.report.text import table

    optimum = full["objective_mcny"]
    bound = full.get("benders", {}).get("benders_lower_bound")
    text = [
        "",
        f"Aggregated expansion against the full-year optimum ({full['case']}: {optimum:,.1f} M CNY"
        + (f", lower bound {bound:,.1f}" if bound else "")
        + f", {full['total_s']:.0f} s):",
    ]
    rows, techs = [], sorted(full["added"])
    for r in results:
        if not (r["case"].startswith("expand-2030-") and r["case"].endswith("d")) or r.get("added") is None:
            continue
        errors = {
            t: (r["added"].get(t, 0.0) - full["added"][t]) / full["added"][t]
            for t in techs
            if max(full["added"][t], r["added"].get(t, 0.0)) >= NEGLIGIBLE_MW
        }
        extra = {t for t in set(r["added"]) - set(techs) if r["added"][t] >= NEGLIGIBLE_MW}
        worst = max(errors, key=lambda t: abs(errors[t]))
        row = {
            "case": r["case"],
            "objective error": f"{100 * (r['objective_mcny'] / optimum - 1):+.2f} %",
            "plan's full-year cost": f"{100 * (r['plan_cost_mcny'] / optimum - 1):+.3f} %"
            if r.get("plan_cost_mcny")
            else "-",
            "worst capacity error": f"{100 * errors[worst]:+.1f} % ({worst})"
            + (f"; also builds {', '.join(sorted(extra))}" if extra else ""),
            "speed-up": f"{full['total_s'] / r['total_s']:.1f}x",
        }
        if cold and cold["status"] != "optimal":
            row["vs whole LP"] = f"> {float(cold.get('highs_s') or 0) / r['total_s']:.0f}x (not solved)"
        rows.append(row)
        r["_errors"], r["_extra"] = errors, extra
    text.append(table(pd.DataFrame(rows)))
    detail = pd.DataFrame(
        {
            "full year": [full["added"][t] for t in techs],
            **{
                r["case"].rsplit("-", 1)[-1]: [r["added"].get(t, 0.0) for t in techs] for r in results if "_errors" in r
            },
        },
        index=techs,
    )
    text += [
        "",
        "Capacity added per technology (MW; battery energy MWh):",
        table(detail.map(lambda v: f"{v:,.0f}").reset_index(names="technology")),
    ]
    for r in results:
        if "_errors" in r:
            ok_obj = abs(r["objective_mcny"] / optimum - 1) <= 0.02
            ok_cap = all(abs(e) <= 0.10 for e in r["_errors"].values()) and not r["_extra"]
            speed = full["total_s"] / r["total_s"]
            text.append(
                f"  {r['case']}: objective within 2 % {'yes' if ok_obj else 'NO'}; every capacity within "
                f"10 % {'yes' if ok_cap else 'NO'}; speed-up {speed:.1f}x "
                f"({'>=' if speed >= 10 else '<'} 10x)"
            )
            del r["_errors"], r["_extra"]
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gzpower-bench", description=__doc__.splitlines()[0])
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="short horizons only (a smoke run of the benchmark)")
    parser.add_argument("--out", type=Path, default=REPO / "runs" / "bench")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds allowed per case")
    parser.add_argument("--only", default=None, help="run only cases whose name contains this text")
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(json.loads(args.one)), default=str))
        return 0
    results = []
    started = time.perf_counter()
    for case in cases(args.quick):
        if args.only and args.only not in case["name"]:
            continue
        print(f"[bench] {case['name']} ...", flush=True)
        results.append(_subprocess(case, args.timeout))
        print(f"        {results[-1]['status']} in {_fmt(results[-1].get('total_s'))} s", flush=True)
    machine = {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": __import__("os").cpu_count(),
        "python": platform.python_version(),
    }
    report = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "seconds": time.perf_counter() - started,
        "results": results,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(summarise(results))
    print(f"\nmachine: {machine}\nwritten: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
