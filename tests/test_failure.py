"""Failure and repeatability: interruption (SIGINT, SIGTERM) inside the HiGHS solve, concurrent runs, iteration
limits, and reproducibility (a second run and ``gzpower rerun`` give the same objective and tables)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from gzpower.cli import main
from gzpower.errors import SolveError
from gzpower.runs.rerun import compare_tables, rerun
from gzpower.scenario.scenario import Scenario
from gzpower.solve.highs import SolverSettings
from gzpower.studies.run import run_and_write

from .conftest import DATA, REPO

CLI = [sys.executable, "-m", "gzpower"]
JULY48 = dict(year=2030, mode="check", start_hour=4800, hours=48)


def _start(runs: Path, tmp: Path, hours: int, *extra: str):
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONWARNINGS": "ignore"}
    return subprocess.Popen(
        CLI
        + [
            "check",
            "--year",
            "2030",
            "--hours",
            str(hours),
            "--no-counterfactuals",
            "--quiet",
            "--no-report",
            "--runs-dir",
            str(runs),
            "--data",
            str(DATA),
            *extra,
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(predicate, proc, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.02)
    return False


@pytest.mark.parametrize(
    "sig,start", [(signal.SIGINT, "windows"), (signal.SIGTERM, "plain")], ids=["SIGINT-weeks", "SIGTERM-plain"]
)
def test_signal_during_solve_leaves_nothing(tmp_path, sig, start):
    """A month: from its weeks (the default) the signal lands while the weeks or the whole LP are solved (the
    HiGHS log is created right before them, about 1.5 s of solving); from HiGHS's own start, after "Presolving
    model" (about 2 s more; polled every 20 ms), so it lands inside HiGHS's run even on a fast or loaded machine."""
    runs, tmp = tmp_path / "runs", tmp_path / "tmp"
    tmp.mkdir()
    proc = _start(runs, tmp, 720, "--start", start)

    def highs_running():  # the log of a solve under way sits in its run folder
        logs = list(runs.glob(".tmp-*/gzpower-highs-*.log"))
        return bool(logs) and (start == "windows" or "Presolving model" in logs[0].read_text(errors="replace"))

    in_solve = _wait_for(highs_running, proc)
    assert in_solve, proc.communicate()[1]
    assert any(runs.glob(".tmp-*"))  # the run folder is being written
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted: no run folder was written for the run under way" in err
    assert "Traceback" not in err
    assert list(runs.iterdir()) == []  # no run folder and no .tmp-* left
    assert list(tmp.iterdir()) == []  # nor any temporary file


def test_a_run_killed_outright_in_its_solve_leaves_no_log(tmp_path):
    """SIGKILL runs no cleanup of the run's own: the HiGHS log of the solve under way was made in the run's
    temporary folder, and the folder's janitor removes both (before, the log stayed in TMPDIR)."""
    runs, tmp = tmp_path / "runs", tmp_path / "tmp"
    tmp.mkdir()
    proc = _start(runs, tmp, 720)
    assert _wait_for(lambda: bool(list(runs.glob(".tmp-*/gzpower-highs-*.log"))), proc), proc.communicate()[1]
    proc.kill()
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 30.0  # the janitor sees its pipe close and removes the folder
    while list(runs.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(runs.iterdir()) == []
    assert list(tmp.iterdir()) == []


def test_highs_logs_go_into_the_open_run_folder_and_to_tmp_outside_one(tmp_path):
    import tempfile

    import highspy

    from gzpower.results import folder
    from gzpower.solve.logs import attach_log, read_log

    highs = highspy.Highs()
    with folder.run_folder(tmp_path / "runs", "check-2030") as holder:
        inside = Path(attach_log(highs, "gzpower-highs-"))
        assert inside.parent == holder["path"]
        read_log(str(inside))
        assert not inside.exists()
    outside = Path(attach_log(highs, "gzpower-highs-"))
    assert outside.parent == Path(tempfile.gettempdir())
    read_log(str(outside))
    assert not outside.exists()
    (final,) = list((tmp_path / "runs").iterdir())
    assert list(final.iterdir()) == []  # nothing of the log reached the finished folder


def test_a_signal_while_the_janitor_starts_leaves_no_folder(tmp_path, monkeypatch):
    """The folder exists before its janitor does: a signal landing while the janitor starts (a worker ended just
    after it made its folder) still removes it."""
    from gzpower.results import folder

    def interrupted(tmp):
        assert tmp.is_dir()
        raise KeyboardInterrupt("signal 15")

    monkeypatch.setattr(folder, "_start_janitor", interrupted)
    with pytest.raises(KeyboardInterrupt):
        with folder.run_folder(tmp_path / "runs", "check-2030"):
            pytest.fail("the body ran")
    assert list((tmp_path / "runs").iterdir()) == []


def test_two_runs_at_the_same_moment_get_distinct_folders(tmp_path):
    runs = tmp_path / "runs"
    procs = [_start(runs, tmp_path, 24) for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    folders = sorted(p for p in runs.iterdir())
    assert len(folders) == 2 and not any(p.name.startswith(".tmp") for p in folders)
    for folder in folders:
        assert json.loads((folder / "manifest.json").read_text())["status"] == "optimal"


def test_iteration_limit_without_a_feasible_point_is_a_clear_error(tables, tmp_path):
    settings = SolverSettings(extra={"simplex_iteration_limit": 10})
    with pytest.raises(SolveError, match="before it had a feasible solution"):
        run_and_write(tables, Scenario(**JULY48), settings, tmp_path, DATA)
    assert list(tmp_path.iterdir()) == []


def test_iteration_limit_keeps_the_best_point_marked_not_optimal(tables, tmp_path):
    sc = Scenario(**{**JULY48, "hours": 24})
    optimal = run_and_write(tables, sc, SolverSettings(), tmp_path / "a", DATA)
    # primal simplex without presolve stays primal feasible once phase 1 ends: stop it shortly before the end,
    # at a share of the iterations it needs unlimited (so the test does not depend on the LP's exact size)
    primal = {"simplex_strategy": 4, "presolve": "off"}
    full = run_and_write(tables, sc, SolverSettings(extra=primal), tmp_path / "c", DATA)
    needed = full.stats["simplex_iterations"]
    limited = SolverSettings(extra={**primal, "simplex_iteration_limit": int(0.97 * needed)})
    result = run_and_write(tables, sc, limited, tmp_path / "b", DATA)
    manifest = json.loads((result.folder / "manifest.json").read_text())
    assert manifest["status"] == "time_limit"
    assert "NOT proven optimal" in manifest["message"]
    assert manifest["objective_mcny"] >= optimal.objective - 1e-9  # a feasible point cannot beat the optimum
    assert manifest["solver_stats"]["max_row_violation"] <= 1e-6


def test_same_inputs_same_results_and_rerun(tables, tmp_path, capsys):
    sc = Scenario(**JULY48)
    first = run_and_write(tables, sc, SolverSettings(), tmp_path, DATA)
    second = run_and_write(tables, sc, SolverSettings(), tmp_path, DATA)
    assert first.folder != second.folder
    assert second.objective == pytest.approx(first.objective, rel=1e-9)
    for name, frame in first.tables.items():
        assert compare_tables(frame, second.tables[name]) is None, name
    manifest = json.loads((first.folder / "manifest.json").read_text())
    for key in ("max_row_violation", "max_primal_infeasibility", "max_dual_infeasibility"):
        assert manifest["solver_stats"][key] <= 1e-6
    # gzpower rerun RUN: exit 0 when it reproduces
    assert main(["rerun", str(first.folder)]) == 0
    assert "reproduced" in capsys.readouterr().out
    # tamper with one result: the rerun must notice and exit 1
    path = first.folder / "dispatch.parquet"
    dispatch = pd.read_parquet(path)
    dispatch.loc[0, "p_mw"] = dispatch["p_mw"].abs().max() + 100.0
    dispatch.to_parquet(path, index=False)
    report = rerun(first.folder)
    assert report.objective_matches and not report.matches
    assert list(report.table_differences) == ["dispatch"]
    assert main(["rerun", str(first.folder)]) == 1


def test_expand_manifest_with_inherited_capacity_reruns(tables, tmp_path):
    sc = Scenario(year=2030, mode="expand", start_hour=4800, hours=24, inherited={("gas_ccgt", "Nansha"): 300.0})
    first = run_and_write(tables, sc, SolverSettings(), tmp_path, DATA)
    record = json.loads((first.folder / "manifest.json").read_text())["scenario"]
    assert record["inherited"] == [["gas_ccgt", "Nansha", 300.0]]
    assert rerun(first.folder).matches
