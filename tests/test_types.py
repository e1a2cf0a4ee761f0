"""The fixed choices in gzpower/types.py agree with the code that gives them meaning."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

from gzpower.cli.main import build_parser
from gzpower.solve.highs import ALGORITHMS, MESSAGES, SolverSettings
from gzpower.types import (
    SOLUTION_STATUSES,
    Algorithm,
    CostCategory,
    Decomposition,
    RunMode,
    SizingTarget,
    SolveStatus,
    choices,
    has_solution,
)

PACKAGE = Path(__file__).resolve().parents[1] / "gzpower"


def test_algorithms_are_the_highs_options_and_auto():
    assert set(get_args(Algorithm)) == {"auto", *ALGORITHMS}


def test_every_status_has_a_message_and_solutions_are_optimal_or_time_limit():
    assert set(MESSAGES) == set(get_args(SolveStatus))
    assert [s for s in get_args(SolveStatus) if has_solution(s)] == ["optimal", "time_limit"]
    assert set(SOLUTION_STATUSES) <= set(get_args(SolveStatus))
    assert not has_solution("failed")


def test_cost_categories_are_the_ones_the_builders_register():
    found = set()
    for path in (PACKAGE / "model").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "cost"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    assert found == set(get_args(CostCategory))


def test_cli_choices_come_from_the_types():
    parser = build_parser()
    actions = {}
    for sub in parser._subparsers._group_actions[0].choices.values():  # argparse has no public way to walk subparsers
        for action in sub._actions:
            for option in action.option_strings:
                actions.setdefault(option, action)
    assert tuple(actions["--decomposition"].choices) == choices(Decomposition)
    assert tuple(actions["--mode"].choices) == choices(RunMode)
    size = parser._subparsers._group_actions[0].choices["size"]
    assert tuple(size._subparsers._group_actions[0].choices) == choices(SizingTarget)
    assert set(actions["--algorithm"].choices) == set(get_args(Algorithm))


def test_benders_gap_default_is_set_once():
    args = build_parser().parse_args(["expand"])
    assert args.benders_gap is None
    assert SolverSettings(benders_gap=args.benders_gap).benders_gap == SolverSettings().benders_gap
    assert SolverSettings(benders_gap=1e-3).benders_gap == 1e-3
