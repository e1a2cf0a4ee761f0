"""Property-based fuzzing of the input tables: any mutation of ``data/`` ends in a successful short run or in one
``error:`` line with exit status 2 — never a traceback, never another exit.

Each example copies ``data/`` (symlinks, except the mutated file), applies one mutation drawn by hypothesis and
runs the CLI in-process (``gzpower.cli.main``), capturing stdout and stderr. Mutations: drop or rename a column;
put a blank (NaN), negative, huge, infinite or non-numeric value in a cell; an unknown district; a duplicated
key; a truncated profile; an islanded district (its lines removed); an empty table. Most examples only need
``gzpower data validate``; a few plausible-but-odd values that pass validation run ``gzpower check`` over 24 h.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gzpower.cli import main
from gzpower.inputs.schemas import TABLES

from .conftest import DATA

FILES = [t.path for t in TABLES]
CSV_FILES = [p for p in FILES if p.endswith(".csv")]
MUTATIONS = (
    "drop_column",
    "rename_column",
    "blank",
    "negative",
    "huge",
    "infinite",
    "text",
    "unknown_district",
    "duplicate_row",
    "truncate_profile",
    "island",
    "empty",
)
COUNTS: dict[str, int] = {"validate": 0, "check": 0, "exit_0": 0, "exit_2": 0}


def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _write(frame: pd.DataFrame, path: Path) -> None:
    path.unlink()  # a symlink to the shipped file: never write through it
    if path.suffix == ".parquet":
        # a mutated column of mixed types is stored as text, as a hand-edited file would be
        mixed = [c for c in frame.columns if frame[c].dtype == object]
        frame.astype({c: str for c in mixed}).to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)


@contextlib.contextmanager
def _copy_of_data():
    with tempfile.TemporaryDirectory(prefix="gzpower-fuzz-") as tmp:
        root = Path(tmp) / "data"
        for rel in FILES:
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.symlink((DATA / rel).resolve(), target)
        yield root, Path(tmp)


def _mutate(frame: pd.DataFrame, kind: str, rel: str, data, pick) -> pd.DataFrame:
    frame = frame.copy()
    cols = list(frame.columns)
    numeric = [c for c in cols if pd.to_numeric(frame[c], errors="coerce").notna().all()]
    row = pick(st.integers(0, max(len(frame) - 1, 0)))
    if kind == "drop_column":
        return frame.drop(columns=[pick(st.sampled_from(cols))])
    if kind == "rename_column":
        col = pick(st.sampled_from(cols))
        return frame.rename(columns={col: col + "_renamed"})
    if kind == "empty":
        return frame.iloc[0:0]
    if kind == "duplicate_row":
        return pd.concat([frame, frame.iloc[[row]]], ignore_index=True)
    if kind == "truncate_profile":
        return frame.iloc[: len(frame) - pick(st.integers(1, 30))]
    if kind == "island" and rel.endswith("lines.csv"):
        bus = pick(st.sampled_from(sorted(set(frame["bus0"]) | set(frame["bus1"]))))
        return frame[(frame["bus0"] != bus) & (frame["bus1"] != bus)]
    if kind == "unknown_district":
        bus_cols = [c for c in cols if c in ("bus", "bus0", "bus1")] or cols[:1]
        col = pick(st.sampled_from(bus_cols))
        frame[col] = frame[col].astype(object)
        frame.loc[row, col] = "Atlantis"
        return frame
    target = numeric or cols
    col = pick(st.sampled_from(target))
    value = {
        "blank": np.nan if rel.endswith(".parquet") else "",
        "negative": -pick(st.floats(1e-6, 1e12)),
        "huge": pick(st.sampled_from([1e12, 1e30, 1.7e308])),
        "infinite": np.inf,
        "text": "n/a",
        "island": "n/a",
    }[kind]
    if rel.endswith(".parquet") and (kind in ("text", "island") or not pd.api.types.is_numeric_dtype(frame[col])):
        frame[col] = frame[col].astype(object)
    elif rel.endswith(".parquet") and pd.api.types.is_integer_dtype(frame[col]):
        frame[col] = frame[col].astype(float)
    elif not rel.endswith(".parquet"):
        frame[col] = frame[col].astype(object)
        value = str(value)
    frame.loc[row, col] = value
    return frame


def _run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse or anything calling exit(): a failure of the contract
            raise AssertionError(f"SystemExit({exc.code}) from {argv}: {err.getvalue()}") from None
    return code, err.getvalue()


def _assert_clean(code: int, err: str) -> None:
    COUNTS[f"exit_{code}"] = COUNTS.get(f"exit_{code}", 0) + 1
    assert code in (0, 2), f"exit {code}: {err}"
    if code == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error:"), err


@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(rel=st.sampled_from(FILES), kind=st.sampled_from(MUTATIONS), data=st.data())
def test_mutated_inputs_fail_with_one_line(rel, kind, data):
    with _copy_of_data() as (root, _tmp):
        path = root / rel
        frame = _mutate(_read(path), kind, rel, data, data.draw)
        _write(frame, path)
        COUNTS["validate"] += 1
        code, err = _run(["data", "validate", "--data", str(root)])
        _assert_clean(code, err)


@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(rel=st.sampled_from(CSV_FILES), data=st.data())
def test_odd_but_valid_values_run_or_fail_cleanly(rel, data):
    """Values the schema admits but a planner would not expect (zero, the column maximum, tiny): a short check
    solves or ends in one error line; it must never crash."""
    with _copy_of_data() as (root, tmp):
        path = root / rel
        frame = _read(path)
        numeric = [c for c in frame.columns if pd.to_numeric(frame[c], errors="coerce").notna().all()]
        if numeric:
            col = data.draw(st.sampled_from(numeric))
            row = data.draw(st.integers(0, len(frame) - 1))
            table = next(t for t in TABLES if t.path == rel)
            spec = table.column(col) if col in [c.name for c in table.columns] else None
            top = spec.max if spec is not None and spec.max is not None else 1e9
            frame = frame.astype(object)
            frame.loc[row, col] = str(data.draw(st.sampled_from([0, top, 1e-9])))
            _write(frame, path)
        COUNTS["check"] += 1
        code, err = _run(
            [
                "check",
                "--year",
                "2030",
                "--hours",
                "24",
                "--start-hour",
                "4800",
                "--no-counterfactuals",
                "--quiet",
                "--data",
                str(root),
                "--runs-dir",
                str(tmp / "runs"),
            ]
        )
        _assert_clean(code, err)


def test_zz_report_case_counts():
    """Runs last (file order): how many fuzz cases ran, for the record."""
    print(f"\nfuzz cases: {COUNTS}")
    assert COUNTS["validate"] >= 1 or COUNTS["check"] >= 1
