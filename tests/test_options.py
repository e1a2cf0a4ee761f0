"""Every option is checked before any work starts: a value outside its declared spec is one ``error:`` line naming
the option and the allowed range, exit 2, and no run folder; a value that cannot be honoured is never replaced.

The refusals happen before the data is read, so each case costs milliseconds; the cases that do run use 24 h.
"""

from __future__ import annotations

import argparse

import pytest

from gzpower.cli import main
from gzpower.cli.args import OPTION_SPECS, check_fields
from gzpower.cli.main import build_parser
from gzpower.errors import InputError

BAD = [
    # (command line after the command name, option named in the error, words of the allowed range)
    (["--carbon-price", "nan"], "--carbon-price", ">= 0"),
    (["--carbon-price", "inf"], "--carbon-price", ">= 0"),
    (["--carbon-price", "-5"], "--carbon-price", ">= 0"),
    (["--co2-cap", "nan"], "--co2-cap", ">= 0"),
    (["--co2-cap", "-1"], "--co2-cap", ">= 0"),
    (["--import-scale", "nan"], "--import-scale", ">= 0"),
    (["--import-scale=-inf"], "--import-scale", ">= 0"),
    (["--load-scale", "0"], "--load-scale", "> 0"),
    (["--hours", "0"], "--hours", ">= 1 and <= 8760"),
    (["--hours", "-5"], "--hours", ">= 1 and <= 8760"),
    (["--hours", "100000"], "--hours", ">= 1 and <= 8760"),
    (["--start-hour", "9000"], "--start-hour", ">= 0 and <= 8759"),
    (["--start-hour", "-1"], "--start-hour", ">= 0 and <= 8759"),
    (["--start-hour", "8740", "--hours", "48"], "--hours", "allowed: 1..20 h"),
    (["--rolling", "0"], "--rolling", ">= 1"),
    (["--lookahead", "-24"], "--lookahead", ">= 0"),
    (["--workers", "0"], "--workers", ">= 1"),
    (["--threads", "-2"], "--threads", ">= 1"),
    (["--threads", "0"], "--threads", ">= 1"),
    (["--time-limit", "0"], "--time-limit", "> 0"),
    (["--primal-tol=-1e-7"], "--primal-tol", "> 0"),
    (["--dual-tol", "0"], "--dual-tol", "> 0"),
    (["--ipm-tol", "nan"], "--ipm-tol", "> 0"),
    (["--periods", "-3"], "--periods", ">= 1 and <= 365"),
]


def _run(argv: list[str], capsys) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().err


def _assert_refused(code: int, err: str, option: str, allowed: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith(f"error: {option}:"), err
    assert allowed in lines[0], err


@pytest.mark.parametrize(("extra", "option", "allowed"), BAD, ids=[" ".join(b[0]) for b in BAD])
def test_bad_check_option_is_refused_before_any_work(extra, option, allowed, tmp_path, capsys):
    runs = tmp_path / "runs"
    # a data folder that does not exist: an option refused after loading would say "file not found" instead
    argv = ["check", "--year", "2030", "--hours", "48", "--data", str(tmp_path / "no-data"), "--runs-dir", str(runs)]
    code, err = _run(argv + extra, capsys)
    _assert_refused(code, err, option, allowed)
    assert not runs.exists()


@pytest.mark.parametrize(
    ("argv", "option", "allowed"),
    [
        (["expand", "--periods", "0"], "--periods", ">= 1"),  # not run as the full-year hourly expansion
        (["expand", "--benders-gap", "0"], "--benders-gap", "> 0"),
        (["size", "storage", "--tol", "0"], "--tol", "> 0"),
        (["size", "dr", "--tol", "-1"], "--tol", "> 0"),
        (["size", "storage", "--max-unserved", "nan"], "--max-unserved", ">= 0"),
        (["size", "storage", "--upper", "0"], "--upper", "> 0"),
        (["size", "storage", "--storage-hours", "0"], "--storage-hours", ">= 2"),
        (["size", "storage", "--storage-hours", "1"], "--storage-hours", ">= 2"),  # STORAGE_MIN_DURATION_H
        (["size", "storage", "--hours-of-storage", "0"], "--storage-hours", ">= 2"),  # the old spelling, hidden
        (["size", "dr", "--max-lole", "-1"], "--max-loss-of-load-hours", ">= 0"),
        (["check", "--reserve-share", "1.5"], "--reserve-share", "<= 1"),
        (["check", "--value-of-lost-load", "0"], "--value-of-lost-load", "> 0"),
        (["check", "--dr-shift-share", "nan"], "--dr-shift-share", ">= 0"),
        (["sweep", "--param", "storage_mw=-100"], "--param storage_mw", ">= 0"),
        (["sweep", "--param", "dr_share=0:1.5:0.5"], "--param dr_share", "<= 1"),
        (["sweep", "--param", "carbon_price=nan"], "--param carbon_price", ">= 0"),
        (["sweep", "--param", "hours=0,24"], "--param hours", ">= 1"),
        (["sweep", "--param", "start_hour=8750", "--hours", "24"], "--param hours", "allowed: 1..10 h"),
        (["sweep", "--param", "threads=-1"], "--param threads", ">= 1"),
        (["sweep", "--workers", "0", "--param", "storage_mw=0"], "--workers", ">= 1"),
        (["compare", "--top", "0", "a", "b"], "--top", ">= 1"),
    ],
)
def test_bad_option_of_other_commands(argv, option, allowed, tmp_path, capsys):
    code, err = _run(argv + ["--runs-dir", str(tmp_path / "runs")], capsys)
    _assert_refused(code, err, option, allowed)
    assert not (tmp_path / "runs").exists()


def test_every_numeric_option_of_every_command_has_a_spec():
    """An option without a spec would run with any value (a renamed option once did: a size ran the full year)."""
    import argparse

    from gzpower.cli.args import OPTION_SPECS
    from gzpower.cli.main import build_parser

    missing = []

    def walk(parser, path):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, [*path, name])
            elif action.type in (int, float) and action.dest not in OPTION_SPECS and not action.choices:
                missing.append((" ".join(path), action.option_strings[0]))

    walk(build_parser(), [])
    assert missing == [("runs list", "--year")]  # a filter over finished runs: any year lists what matches


def test_unparsable_option_is_one_line_not_a_usage_screen(capsys):
    code, err = _run(["check", "--hours", "abc"], capsys)
    assert code == 2 and err.strip().count("\n") == 0 and err.startswith("error:") and "--hours" in err
    code, err = _run(["check", "--no-such-option"], capsys)
    assert code == 2 and err.strip().count("\n") == 0 and "--no-such-option" in err


def test_every_numeric_option_has_a_spec():
    """A new float/int option without a spec would pass nan or a negative count through."""
    numeric = set()

    def walk(parser):
        for action in parser._actions:
            if action.type in (int, float) and action.dest != "year":
                numeric.add(action.dest)
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    walk(sub)

    walk(build_parser())
    assert numeric and numeric <= set(OPTION_SPECS), sorted(numeric - set(OPTION_SPECS))


def test_field_specs_refuse_a_manifest_value():
    with pytest.raises(InputError, match="storage_mw: -1 is out of range"):
        check_fields({"storage_mw": [0.0, -1.0]}, "--param")
    with pytest.raises(InputError, match="'48h' is not allowed"):
        check_fields({"hours": "48h"}, "manifest.json: scenario")
    check_fields({"hours": 48, "storage_mw": None, "unknown_field": "x"}, "manifest.json")


def test_valid_edge_values_run(tmp_path, capsys):
    """The boundary values the specs admit do run: the last 24 h of the year, zero imports with unserved
    energy allowed (a correct run, not an error)."""
    runs = tmp_path / "runs"
    argv = ["check", "--year", "2030", "--start-hour", "8736", "--hours", "24", "--import-scale", "0"]
    code, err = _run(argv + ["--no-counterfactuals", "--no-report", "--quiet", "--runs-dir", str(runs)], capsys)
    assert code == 0, err
    assert len([p for p in runs.iterdir() if not p.name.startswith(".")]) == 1
