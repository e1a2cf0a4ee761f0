"""Progress: phases with elapsed time, one line per Benders iteration through its callback, and --quiet silencing
all of it."""

from __future__ import annotations

import io
from dataclasses import replace

from gzpower import progress
from gzpower.cli import main
from gzpower.model.build import build_model
from tests.test_benders import BENDERS, _peaker_case


def test_phase_and_lines_are_stamped_and_quiet_silences_them():
    out = io.StringIO()
    progress.configure(stream=out)
    with progress.phase("solving"):
        progress.say("step 1")
    lines = out.getvalue().splitlines()
    assert lines[0].endswith("] solving ...") and lines[1].endswith("] step 1") and "solving: done in" in lines[2]
    assert lines[0].startswith("[") and " s] " in lines[0]
    quiet = io.StringIO()
    progress.configure(quiet=True, stream=quiet)
    with progress.phase("solving"):
        progress.say("step 1")
    list(progress.bar(range(3), "bar"))
    assert quiet.getvalue() == ""
    progress.configure(quiet=True)  # leave the library silent for the other tests


def test_benders_reports_every_iteration_through_its_callback():
    from gzpower.solve.benders import solve_benders

    seen = []
    built = build_model(_peaker_case())
    outcome = solve_benders(
        built.model, built.registry.investments, replace(BENDERS, benders_gap=1e-7), on_iteration=seen.append
    )
    assert [it.iteration for it in seen] == list(range(outcome.stats["benders_iterations"]))
    out = io.StringIO()
    progress.configure(stream=out)
    progress.benders_iteration(seen[-1])
    progress.configure(quiet=True)
    assert "upper bound" in out.getvalue() and "lower bound" in out.getvalue() and "gap" in out.getvalue()


def test_quiet_check_prints_nothing_on_stderr(tmp_path, capsys):
    argv = ["check", "--year", "2030", "--hours", "24", "--start-hour", "4800", "--no-report", "--workers", "1"]
    assert main([*argv, "--runs-dir", str(tmp_path), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "gzpower check 2030" in captured.out
    assert main([*argv, "--runs-dir", str(tmp_path), "--no-counterfactuals"]) == 0
    err = capsys.readouterr().err
    assert "the plan fleet over 24 h from hour 4800: done in" in err
    progress.configure(quiet=True)
