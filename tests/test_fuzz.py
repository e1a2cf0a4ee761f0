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
import pytest
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
COUNTS: dict[str, int] = {"validate": 0, "check": 0, "exit_0": 0, "exit_2": 0, "rule_broken": 0}


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


def _mutate(frame: pd.DataFrame, kind: str, rel: str, data, pick) -> tuple[pd.DataFrame, bool | None]:
    """The mutated frame, and whether it breaks a rule the schemas declare (None: it may or may not).

    The second part is an oracle independent of the validator: it reads only the declarations (a column's
    dtype, range, default, allowed values and references, a table's key), so a validator that lets a declared
    rule pass fails the test."""
    table = next(t for t in TABLES if t.path == rel)
    out = _mutate_frame(frame, kind, rel, pick)
    return out, _breaks_a_rule(table, kind, frame, out)


def _declared(table, name: str):
    return next((c for c in table.columns if c.name == name), None)


def _changed_cell(before: pd.DataFrame, after: pd.DataFrame):
    """(column, new value) of a one-cell mutation."""
    for col in after.columns:
        if col not in before.columns or len(before) != len(after):
            pass  # compared in full below
        elif not (before[col].to_numpy() != after[col].to_numpy()).any():
            continue  # every value the same object value: no text and no number differs
        # 4800 written back as 4800.0 (an int column made float to take the new value) is no change
        text_differs = before[col].astype(str).to_numpy() != after[col].astype(str).to_numpy()
        same_number = (
            pd.to_numeric(before[col], errors="coerce").to_numpy() == pd.to_numeric(after[col], errors="coerce")
        ).to_numpy()
        diff = np.flatnonzero(text_differs & ~same_number)
        if len(diff):
            return col, after[col].iloc[diff[0]]
    return None, None


def _breaks_cell_rule(col, value) -> bool | None:
    text = str(value).strip()
    number = pd.to_numeric(pd.Series([text]), errors="coerce").iloc[0]
    if text in ("", "nan", "NaN", "None") or (isinstance(value, float) and np.isnan(value)):
        return True if (not col.nullable and col.default is None) else None
    if col.allowed is not None and (value not in col.allowed and text not in map(str, col.allowed)):
        return True
    if col.references is not None:
        return True  # the mutations never write a known key
    if col.dtype in ("float", "int"):
        if pd.isna(number) or not np.isfinite(number):
            return True
        low = (col.min is not None and number < col.min) or (col.above is not None and number <= col.above)
        high = col.max is not None and number > col.max
        return True if (low or high) else None
    if col.dtype == "bool":
        return True if text.lower() not in ("true", "false", "1", "0", "yes", "no", "y", "n", "t", "f") else None
    if col.dtype == "datetime":
        return True if text == "n/a" else None  # a number may well be read as a time
    return None


def _breaks_a_rule(table, kind: str, before: pd.DataFrame, after: pd.DataFrame) -> bool | None:
    if kind in ("empty", "duplicate_row"):
        return True
    if kind in ("drop_column", "rename_column"):
        (gone,) = set(before.columns) - set(after.columns)
        col = _declared(table, gone)
        return True if col is not None and col.default is None else None
    if kind == "island" and table.name == "lines":
        return True
    if kind == "truncate_profile":
        return True if table.fmt == "parquet" else None  # a profile then misses hours of its year
    name, value = _changed_cell(before, after)
    col = _declared(table, name) if name is not None else None
    if col is None:
        return None
    if kind == "unknown_district" and table.name == "buses" and name == "bus":
        return True  # a district then missing, and the tables naming it refer to an unknown bus
    return _breaks_cell_rule(col, value)


def _all_numbers(column: pd.Series) -> bool:
    """Every value of the column reads as a number (each distinct value tried once: a profile has 700 k rows)."""
    if pd.api.types.is_numeric_dtype(column):
        return bool(column.notna().all())
    return bool(pd.to_numeric(pd.Series(pd.unique(column)), errors="coerce").notna().all())


def _mutate_frame(frame: pd.DataFrame, kind: str, rel: str, pick) -> pd.DataFrame:
    frame = frame.copy()
    cols = list(frame.columns)
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
    target = [c for c in cols if _all_numbers(frame[c])] or cols
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


def _assert_clean(code: int, err: str, must_fail: bool | None = None, names: str | None = None) -> None:
    """Exit 0, or exit 2 with one ``error:`` line; a mutation breaking a declared rule must be exit 2 and name
    ``names`` (its file)."""
    COUNTS[f"exit_{code}"] = COUNTS.get(f"exit_{code}", 0) + 1
    assert code in (0, 2), f"exit {code}: {err}"
    if must_fail:
        COUNTS["rule_broken"] += 1
        assert code == 2, f"a mutation breaking a declared rule was accepted (exit {code})"
    if code == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error:"), err
        if must_fail and names is not None:
            assert names in lines[0], f"the error does not name {names}: {lines[0]}"


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
        frame, must_fail = _mutate(_read(path), kind, rel, data, data.draw)
        _write(frame, path)
        COUNTS["validate"] += 1
        code, err = _run(["data", "validate", "--data", str(root)])
        # a rule of one table may be reported against another (a district removed from buses.csv leaves load
        # naming an unknown bus): the file named is then the other table's, still under the data folder
        _assert_clean(code, err, must_fail, rel if kind != "unknown_district" else str(root))


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
                "--no-report",
                "--data",
                str(root),
                "--runs-dir",
                str(tmp / "runs"),
            ]
        )
        _assert_clean(code, err)


# --- the classes, one deterministic case each ---------------------------------------------------------
# Each ends in one error line (exit 2) naming the file, row, column or option; the infeasible-by-option cases in a
# diagnosis naming the option (exit 3); an internal error in one line and a log file (exit 4). The signal class
# is in tests/test_processes.py (a check killed during its counterfactuals, a sweep ended by SIGTERM).


def _edit(root: Path, rel: str, edit) -> None:
    path = root / rel
    before = _read(path)
    after = edit(before)
    assert len(after) != len(before) or not after.astype(str).equals(before.astype(str)), "the edit changed nothing"
    _write(after, path)


def _cell(column: str, value, where=None):
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        frame[column] = frame[column].astype(object)
        rows = frame.index[where(frame)] if where is not None else frame.index[:1]
        frame.loc[rows, column] = value
        return frame

    return edit


def _without(mask):
    return lambda f: f[~mask(f)]


def _num(column: str):
    return lambda f: pd.to_numeric(f[column])


CHECK24 = ["check", "--year", "2030", "--start-hour", "4800", "--hours", "24", "--no-counterfactuals", "--quiet"]

DATA_CASES = {
    # missing rows: each changed the answer or crashed before (issue 15)
    "import source row": (
        "grid/import_sources.csv",
        _without(lambda f: (f["source"] == "guangdong_grid") & (f["year"] == "2030")),
        "source=guangdong_grid, year=2030",
    ),
    "wind cf series": (
        "profiles/capacity_factors.parquet",
        _without(lambda f: (f["tech"] == "wind_onshore") & (f["bus"] == "Nansha")),
        "tech=wind_onshore, bus=Nansha",
    ),
    "gas target 2030": (
        "grid/targets.csv",
        _without(lambda f: (f["id"] == "gas_capacity") & (f["year"] == "2030")),
        "id=gas_capacity, year=2030",
    ),
    "fuel row": (
        "grid/fuels.csv",
        _without(lambda f: (f["fuel"] == "waste") & (f["year"] == "2030")),
        "fuel=waste, year=2030",
    ),
    "technology row": (
        "grid/technologies.csv",
        _without(lambda f: (f["tech"] == "pv_rooftop") & (f["year"] == "2030")),
        "tech=pv_rooftop, year=2030",
    ),
    "one district's load": (
        "profiles/load.parquet",
        _without(lambda f: (f["bus"] == "Liwan") & (f["year"] == 2030)),
        "bus=Liwan, year=2030",
    ),
    "a year of load": ("profiles/load.parquet", _without(lambda f: f["year"] == 2030), "year=2030"),
    "import availability source": (
        "profiles/import_availability.parquet",
        _without(lambda f: f["source"] == "west_east_clean"),
        "source=west_east_clean",
    ),
    # values inside a column's range that make no sense
    "efficiency 0": ("grid/technologies.csv", _cell("efficiency", "0"), "column 'efficiency'"),
    "retire before start": (
        "grid/units.csv",
        lambda f: _cell("retire_year", str(int(f["start_year"][0]) - 5))(f),
        "must be > start_year",
    ),
    "existing above potential": (
        "grid/sites.csv",
        lambda f: _cell("existing_mw", str(float(f["p_max_mw"][0]) * 2))(f),
        "must be <= p_max_mw",
    ),
    "unit on an external bus": (
        "grid/units.csv",
        _cell("bus", "Guangdong_grid"),
        "'Guangdong_grid' is not a district bus",
    ),
    "load on an external bus": (
        "profiles/load.parquet",
        _cell("bus", "West_East_clean", lambda f: f["bus"] == "Tianhe"),
        "'West_East_clean' is not a district bus",
    ),
    # text categories
    "nuclear unit": ("grid/units.csv", _cell("carrier", "nuclear"), "'nuclear' is not one of gas, coal, waste"),
    "technology carrier": ("grid/technologies.csv", _cell("carrier", "fusion"), "'fusion' is not one of"),
    "storage carrier": ("grid/storage_units.csv", _cell("carrier", "flywheel"), "'flywheel' is not one of"),
    "target kind": ("grid/targets.csv", _cell("kind", "maybe"), "'maybe' is not one of"),
    "bus kind": ("grid/buses.csv", _cell("kind", "island"), "'island' is not one of"),
}


@pytest.mark.parametrize("case", sorted(DATA_CASES))
def test_declared_rule_broken_in_a_file_is_refused_by_every_command(case, capsys):
    rel, edit, expect = DATA_CASES[case]
    with _copy_of_data() as (root, tmp):
        _edit(root, rel, edit)
        for argv in (["data", "validate"], CHECK24 + ["--runs-dir", str(tmp / "runs")]):
            code, err = _run(argv + ["--data", str(root)])
            lines = err.strip().splitlines()
            assert code == 2, f"{argv[0]}: exit {code}: {err}"
            assert len(lines) == 1 and lines[0].startswith("error:") and rel in lines[0], err
            assert expect in lines[0], lines[0]
        assert not (tmp / "runs").exists()


OPTION_CASES = {
    "carbon price nan": (["--carbon-price", "nan"], "--carbon-price"),
    "co2 cap nan": (["--co2-cap", "nan"], "--co2-cap"),
    "carbon price inf": (["--carbon-price", "inf"], "--carbon-price"),
    "import scale nan": (["--import-scale", "nan"], "--import-scale"),
    "hours 0": (["--hours", "0"], "--hours"),
    "start past the year": (["--start-hour", "9000"], "--start-hour"),
    "horizon past the year": (["--start-hour", "8740", "--hours", "48"], "--hours"),
    "lookahead negative": (["--rolling", "24", "--lookahead", "-24"], "--lookahead"),
    "rolling 0": (["--rolling", "0"], "--rolling"),
}


@pytest.mark.parametrize("case", sorted(OPTION_CASES))
def test_bad_option_is_one_line_naming_it(case, tmp_path):
    extra, option = OPTION_CASES[case]
    code, err = _run(CHECK24 + extra + ["--runs-dir", str(tmp_path / "runs")])
    assert code == 2 and err.strip().count("\n") == 0 and err.startswith(f"error: {option}:"), err
    assert "give" in err or "allowed" in err  # the allowed range
    assert not (tmp_path / "runs").exists()


def test_runs_dir_that_is_a_file(tmp_path):
    runs = tmp_path / "runs"
    runs.write_text("not a folder")
    code, err = _run(CHECK24 + ["--runs-dir", str(runs)])
    assert code == 2 and err.strip().count("\n") == 0 and str(runs) in err, err


def test_runs_dir_without_permission(tmp_path, monkeypatch):
    # (as root a chmod 555 folder is still writable: the refusal is simulated where the folder is made)
    real = Path.mkdir

    def refuse(self, *args, **kwargs):
        if self.name.startswith(".tmp-"):
            raise PermissionError(13, os.strerror(13), str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refuse)
    code, err = _run(CHECK24 + ["--runs-dir", str(tmp_path / "runs")])
    assert code == 2 and err.strip().count("\n") == 0 and "Permission denied" in err, err


def test_full_disk_while_writing_the_run(tmp_path, monkeypatch):
    import errno

    real = pd.DataFrame.to_parquet

    def full(self, path, *args, **kwargs):
        if "dispatch" in str(path):
            Path(path).write_bytes(b"PAR1 trunc")  # what a filling disk leaves behind
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    runs = tmp_path / "runs"
    code, err = _run(CHECK24 + ["--runs-dir", str(runs)])
    assert code == 2 and err.strip().count("\n") == 0 and "No space left on device" in err, err
    assert list(runs.iterdir()) == []  # no run folder, no .tmp-*


def test_infeasible_by_option_names_the_option(tmp_path):
    code, err = _run(CHECK24 + ["--no-unserved", "--import-scale", "0", "--runs-dir", str(tmp_path / "runs")])
    assert code == 3, err
    assert "imports were scaled to 0 of their capacity by --import-scale" in err
    assert "unserved energy was forbidden by --no-unserved" in err
    assert "Traceback" not in err


def test_co2_cap_infeasibility_names_the_option(tmp_path):
    code, err = _run(CHECK24 + ["--no-unserved", "--co2-cap", "0", "--runs-dir", str(tmp_path / "runs")])
    assert code == 3, err
    assert "CO2 was capped at 0 tCO2 by --co2-cap" in err


def test_internal_error_is_one_line_with_a_log(tmp_path, monkeypatch):
    import gzpower.studies.run as run

    def broken(*args, **kwargs):
        raise RuntimeError("a defect of gzpower")

    monkeypatch.setattr(run, "solve_case", broken)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile as tf

    monkeypatch.setattr(tf, "tempdir", None)  # re-read TMPDIR
    code, err = _run(CHECK24 + ["--runs-dir", str(tmp_path / "runs")])
    assert code == 4, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("internal error: RuntimeError: a defect of gzpower"), err
    (log,) = tmp_path.glob("gzpower-error-*.log")
    assert log.name in lines[0] and "Traceback" in log.read_text() and "a defect of gzpower" in log.read_text()
    assert list((tmp_path / "runs").iterdir()) == []


MANIFEST_EDITS = {
    "hours as text": (lambda m: m["scenario"].update(hours="48h"), "scenario hours"),
    "negative hours": (lambda m: m["scenario"].update(hours=-5), "scenario hours"),
    "threads as text": (lambda m: m["solver"].update(threads="x"), "solver threads"),
    "unknown cold start": (lambda m: m["solver"].update(cold_start="warm"), "solver cold_start"),
    "unknown algorithm": (lambda m: m["solver"].update(algorithm="simplx"), "solver algorithm"),
    "carbon price null": (lambda m: m["scenario"].update(carbon_price=None), "carbon_price"),
    "objective as text": (lambda m: m.update(objective_mcny="abc"), "objective_mcny"),
    "unknown year": (lambda m: m["scenario"].update(year=2040), "scenario year"),
    "no inputs": (lambda m: m.pop("inputs"), "'inputs'"),
}


def test_edited_manifest_given_to_rerun(tmp_path):
    import json
    import shutil

    runs = tmp_path / "runs"
    code, err = _run(CHECK24 + ["--no-report", "--runs-dir", str(runs)])
    assert code == 0, err
    (folder,) = list(runs.iterdir())
    for case, (edit, expect) in MANIFEST_EDITS.items():
        copy = tmp_path / "edited"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(folder, copy)
        manifest = json.loads((copy / "manifest.json").read_text())
        edit(manifest)
        (copy / "manifest.json").write_text(json.dumps(manifest))
        code, err = _run(["rerun", str(copy), "--runs-dir", str(tmp_path / "reruns")])
        lines = err.strip().splitlines()
        assert code == 2, f"{case}: exit {code}: {err}"
        assert len(lines) == 1 and "manifest.json" in lines[0] and expect in lines[0], f"{case}: {err}"
    assert not (tmp_path / "reruns").exists() or list((tmp_path / "reruns").iterdir()) == []


def test_zz_report_case_counts():
    """Runs last (file order): how many fuzz cases ran, for the record."""
    print(f"\nfuzz cases: {COUNTS}")
    assert COUNTS["validate"] >= 1 or COUNTS["check"] >= 1
    if COUNTS["validate"]:
        assert COUNTS["rule_broken"] >= 1  # the oracle did judge some mutations: exit 0 was not enough for them
