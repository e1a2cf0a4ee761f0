from __future__ import annotations

from pathlib import Path

import pytest

from gzpower.inputs.validate import load_dataset

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
RAW = REPO / ".." / "shared" / "data" / "raw"


@pytest.fixture(scope="session")
def tables():
    return load_dataset(DATA)


#: the test files that take longest (``pytest --durations=0`` on two workers, 2026-12-04), longest first. They are
#: collected first, so that pytest-xdist's one-file-per-worker scheduling (``--dist loadfile``, which hands out
#: files in collection order) starts them first and ends on short files: in alphabetical order the three longest
#: but one came last and one worker ran on alone for about half a minute
LONGEST_FIRST = (
    "test_speed_exact.py",
    "test_fuzz.py",
    "test_processes.py",
    "test_failure.py",
    "test_benders.py",
    "test_rolling.py",
    "test_report.py",
    "test_verdict.py",
    "test_model_guangzhou.py",
    "test_sweep.py",
    "test_plan.py",
    "test_export.py",
)


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: each file keeps its own order
