"""The committed data is exactly what the pipeline derives from the raw public files."""

from __future__ import annotations

import pandas as pd
import pytest

from gzpower.inputs.schemas import TABLES
from gzpower.inputs.validate import read_table
from gzpower.pipeline.build import build_and_write
from tests.conftest import DATA, RAW

needs_raw = pytest.mark.skipif(
    not RAW.is_dir(), reason=f"raw data folder {RAW} absent (only the committed derived data is available)"
)


@needs_raw
def test_rebuild_reproduces_committed_data(tmp_path):
    build_and_write(RAW, tmp_path)
    for table in TABLES:
        rebuilt = read_table(tmp_path, table)
        committed = read_table(DATA, table)
        pd.testing.assert_frame_equal(rebuilt, committed, check_exact=False, rtol=1e-9, obj=table.path)
    assert (tmp_path / "PROVENANCE.md").read_text() == (DATA / "PROVENANCE.md").read_text()
    assert (tmp_path / "SCHEMA.md").read_text() == (DATA / "SCHEMA.md").read_text()


def test_no_raw_file_is_committed():
    if not RAW.is_dir():
        pytest.skip("raw folder absent")
    import hashlib

    raw_hashes = {hashlib.sha256(p.read_bytes()).hexdigest() for p in RAW.iterdir() if p.is_file()}
    for path in DATA.rglob("*"):
        if path.is_file():
            assert hashlib.sha256(path.read_bytes()).hexdigest() not in raw_hashes, path


def test_every_assumption_is_documented():
    from gzpower.assumptions import ASSUMPTIONS

    text = (DATA / "PROVENANCE.md").read_text()
    for name, a in ASSUMPTIONS.items():
        assert f"`{name}`" in text, name
        assert a.unit and a.rationale, name
