"""No fault leaves anything behind: a check of two years killed while its year workers run (SIGKILL or SIGTERM of
the parent, Ctrl-C to the whole process group) and a sweep ended by SIGTERM leave no process and no folder (``.tmp-*``
included); SIGTERM ends the run within 5 s; workers print no KeyboardInterrupt traceback. A report that fails
(a full disk) or is interrupted leaves a complete run folder without report files, or no run folder.

Every process a test starts carries a marker in its environment, which its workers inherit: "no process left" is
"no process with that marker", found through /proc (Linux).
"""

from __future__ import annotations

import errno
import os
import pathlib
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from gzpower.cli import main

from .conftest import DATA, REPO

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc (Linux)")

SIGTERM_BOUND_S = 5.0  # the bound for a run to end after SIGTERM
GONE_WITHIN_S = 5.0  # orphans poll their parent every 0.2 s; the bound is generous for a loaded machine


def _marked(marker: str) -> list[int]:
    needle = f"GZPOWER_TEST_MARKER={marker}".encode()
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle in (entry / "environ").read_bytes():
                    state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                    if state != "Z":  # a zombie has ended; only its parent has not reaped it yet
                        out.append(int(entry.name))
            except OSError:
                pass
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _workers(marker: str, parent: int) -> list[int]:
    """The parent's worker processes (not the parent, its run folder's janitor or multiprocessing's tracker)."""
    return [
        pid
        for pid in _marked(marker)
        if pid != parent and "rmtree" not in _cmdline(pid) and "resource_tracker" not in _cmdline(pid)
    ]


def _temporary(runs: Path) -> Path:
    """The run's own temporary directory (its TMPDIR), beside its runs folder."""
    return runs.parent / "tmp"


def _gzpower_temporaries(runs: Path) -> list[str]:
    """What gzpower left in the run's temporary directory (HiGHS logs of solves under way, error logs)."""
    return sorted(p.name for p in _temporary(runs).glob("gzpower-*"))


def _start(argv: list[str], runs: Path, marker: str) -> subprocess.Popen:
    _temporary(runs).mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GZPOWER_TEST_MARKER": marker, "PYTHONWARNINGS": "ignore", "TMPDIR": str(_temporary(runs))}
    return subprocess.Popen(
        [sys.executable, "-m", "gzpower", *argv, "--runs-dir", str(runs), "--data", str(DATA)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the Ctrl-C case signals the group as a terminal would
    )


def _wait_for_workers(proc: subprocess.Popen, marker: str, count: int = 2, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if len(_workers(marker, proc.pid)) >= count:
            time.sleep(0.5)  # let them take up their first tasks
            return
        if proc.poll() is not None:
            pytest.fail(f"the run ended (exit {proc.returncode}) before its workers started: {proc.stderr.read()}")
        time.sleep(0.05)
    proc.kill()
    pytest.fail("the workers never started")


def _assert_nothing_left(marker: str, runs: Path) -> None:
    deadline = time.monotonic() + GONE_WITHIN_S
    while time.monotonic() < deadline and (_marked(marker) or (runs.exists() and any(runs.iterdir()))):
        time.sleep(0.05)
    left = {pid: _cmdline(pid) for pid in _marked(marker)}
    for pid in left:  # do not leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert left == {}, f"processes left: {left}"
    assert not runs.exists() or sorted(p.name for p in runs.iterdir()) == [], "run folder left behind"
    # a killed worker cannot remove the log of the solve it was in: that log sits in its run folder, which the
    # folder's janitor removes
    assert _gzpower_temporaries(runs) == [], "temporary files left behind"


#: two years: each runs in a worker process of its own (a year's counterfactuals are hot starts in its worker)
CHECK = ["check", "--year", "2025", "--year", "2030", "--start-hour", "4800", "--hours", "48", "--workers", "2"]
CHECK += ["--no-report"]


def _wait_for_run_folders(runs: Path, count: int = 2, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if runs.exists() and sum(p.name.startswith(".tmp-") for p in runs.iterdir()) >= count:
            return
        time.sleep(0.05)
    pytest.fail("the workers never opened their run folders")


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM", "SIGINT-group"])
def test_check_killed_during_counterfactuals_leaves_nothing(tmp_path, how):
    marker, runs = uuid.uuid4().hex, tmp_path / "runs"
    proc = _start(CHECK, runs, marker)
    _wait_for_workers(proc, marker)
    _wait_for_run_folders(runs)  # both years' run folders are being written
    sent = time.monotonic()
    if how == "SIGINT-group":
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: every process of the group
    else:
        proc.send_signal(getattr(signal, how))
    _, err = proc.communicate(timeout=60)
    elapsed = time.monotonic() - sent
    if how == "SIGKILL":
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode == 130, err
        assert elapsed < SIGTERM_BOUND_S, f"took {elapsed:.1f} s to end"
        assert "interrupted" in err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    _assert_nothing_left(marker, runs)


def test_a_finished_check_of_two_years_ends_its_resource_tracker_before_it_returns(tmp_path, capsys):
    """Its year workers start multiprocessing's resource tracker; left alone, the tracker ends only once it sees
    its parent's end, a moment after it, and a caller that waits for the process group finds it still running.
    The command ends it and waits for it before returning."""
    from multiprocessing import resource_tracker

    argv = ["check", "--year", "2025", "--year", "2030", "--start-hour", "4800", "--hours", "24", "--workers", "2"]
    argv += ["--no-report", "--no-counterfactuals", "--quiet", "--runs-dir", str(tmp_path), "--data", str(DATA)]
    assert main(argv) == 0
    assert len([p for p in tmp_path.iterdir() if not p.name.startswith(".")]) == 2  # the workers did run
    tracker = resource_tracker._resource_tracker
    assert tracker._pid is None and tracker._fd is None
    assert "leaked" not in capsys.readouterr().err


def test_sweep_ended_by_sigterm_leaves_nothing(tmp_path):
    marker, runs = uuid.uuid4().hex, tmp_path / "runs"
    argv = ["sweep", "--param", "storage_mw=0,100,200,300", "--start-hour", "4800", "--hours", "48"]
    proc = _start(argv + ["--workers", "2", "--quiet", "--no-report"], runs, marker)
    _wait_for_workers(proc, marker)
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert time.monotonic() - sent < SIGTERM_BOUND_S
    assert proc.returncode == 130, err
    assert "Traceback" not in err, err
    # a point that finished before the signal is a complete run folder; nothing else may remain
    leftovers = [p for p in runs.rglob("*") if p.name.startswith(".tmp")] if runs.exists() else []
    assert leftovers == []
    assert _gzpower_temporaries(runs) == []
    deadline = time.monotonic() + GONE_WITHIN_S
    while _marked(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _marked(marker) == []


def _check_with_report(tmp_path) -> list[str]:
    argv = ["check", "--year", "2030", "--start-hour", "4800", "--hours", "24", "--no-counterfactuals", "--quiet"]
    return argv + ["--runs-dir", str(tmp_path / "runs")]


def test_full_disk_during_the_report_leaves_no_partial_file(tmp_path, monkeypatch, capsys):
    real = pathlib.Path.write_bytes

    def half_then_full(self, data):
        if self.name.endswith(".png.tmp"):
            real(self, data[: len(data) // 2])  # what a filling disk leaves: a truncated file
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", half_then_full)
    code = main(_check_with_report(tmp_path))
    err = capsys.readouterr().err
    assert code == 0, err
    (folder,) = list((tmp_path / "runs").iterdir())
    assert "warning:" in err and str(folder / "report.html") in err and "No space left on device" in err
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
    assert "manifest.json" in files and "dispatch.parquet" in files
    assert not [f for f in files if f.startswith("figures") or f.endswith((".png", ".tmp", ".html"))], files


def test_interrupt_during_the_report_leaves_no_run_folder(tmp_path, monkeypatch, capsys):
    import gzpower.report.run_report as run_report

    def interrupted(fig):
        raise KeyboardInterrupt

    monkeypatch.setattr(run_report, "to_png", interrupted)
    code = main(_check_with_report(tmp_path))
    assert code == 130
    assert "interrupted" in capsys.readouterr().err
    assert list((tmp_path / "runs").iterdir()) == []


def test_an_interrupt_inside_a_model_construction_logs_nothing(caplog):
    """Ctrl-C or SIGTERM landing in Pyomo's construction of a component: Pyomo's "Constructing component ...
    failed: KeyboardInterrupt" log line is dropped (the command's own one line says what happened); an ordinary
    error in a rule is still logged."""
    import pyomo.environ as pyo

    from gzpower.errors import quiet_when_interrupted

    quiet_when_interrupted()

    def interrupted(_m, _i):
        raise KeyboardInterrupt("signal 15")

    def broken(_m, _i):
        raise ValueError("a broken rule")

    m = pyo.ConcreteModel()
    with pytest.raises(KeyboardInterrupt):
        m.x = pyo.Var(range(3), bounds=interrupted)
    assert caplog.records == []
    with pytest.raises(ValueError):
        m.y = pyo.Var(range(3), bounds=broken)
    assert any("a broken rule" in r.getMessage() for r in caplog.records)


def test_sigterm_inside_an_import_in_a_task_leaves_at_once(monkeypatch):
    """SIGTERM that lands in Python's import machinery while a worker runs a task (a lazy import) exits the worker
    at once instead of raising there: raised inside importlib's module-lock callback, the exception was printed as
    "Exception ignored ... Traceback" and did not stop the task (seen in CI on the sweep's SIGTERM test)."""
    import types

    from gzpower.studies import workers

    exits: list[int] = []

    def exit_now(code: int) -> None:
        exits.append(code)
        raise SystemExit(code)

    monkeypatch.setattr(workers.os, "_exit", exit_now)
    monkeypatch.setattr(workers, "_in_task", True)
    importing = types.SimpleNamespace(f_code=types.SimpleNamespace(co_filename="<frozen importlib._bootstrap>"))
    inner = types.SimpleNamespace(f_code=types.SimpleNamespace(co_filename=__file__), f_back=None)
    importing.f_back = None
    in_import = types.SimpleNamespace(f_code=types.SimpleNamespace(co_filename=__file__), f_back=importing)
    with pytest.raises(SystemExit):
        workers._terminated(signal.SIGTERM, in_import)
    assert exits == [128 + signal.SIGTERM]
    with pytest.raises(workers._Terminated):  # elsewhere in a task: unwound, so that its cleanup runs
        workers._terminated(signal.SIGTERM, inner)
    assert exits == [128 + signal.SIGTERM]
