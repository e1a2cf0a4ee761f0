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
