"""Bad input is refused with one line naming file, row and column, and exit status 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from gzpower.cli import main
from gzpower.errors import InputError
from gzpower.inputs.schemas import TABLES
from gzpower.inputs.validate import load_dataset, read_table
from tests.conftest import DATA


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def _edit_csv(path: Path, edit) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(frame)
    frame.to_csv(path, index=False)


def _error(data_dir: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_dataset(data_dir)
    return info.value


def test_shipped_data_is_valid():
    tables = load_dataset(DATA)
    assert set(tables["buses"]["bus"]) >= {"Yuexiu", "Nansha", "Guangdong_grid", "West_East_clean"}


def test_a_table_read_again_is_the_files_current_content_and_the_callers_own_copy(data_copy):
    """Tables read before are not parsed again while their file is unchanged; an edit is seen at once (a value, and
    a row removed), and a caller changing its copy changes nobody else's."""
    units = next(t for t in TABLES if t.name == "units")
    first = read_table(data_copy, units)
    first.loc[0, "p_nom_mw"] = -1.0
    again = read_table(data_copy, units)
    assert again.loc[0, "p_nom_mw"] > 0 and again.equals(read_table(DATA, units))
    _edit_csv(data_copy / units.path, lambda f: f.loc.__setitem__((0, "p_nom_mw"), "123.5"))
    assert read_table(data_copy, units).loc[0, "p_nom_mw"] == 123.5
    _edit_csv(data_copy / units.path, lambda f: f.drop(index=f.index[-1], inplace=True))
    assert len(read_table(data_copy, units)) == len(again) - 1
    _edit_csv(data_copy / units.path, lambda f: f.loc.__setitem__((0, "p_nom_mw"), "nan"))
    with pytest.raises(InputError, match="p_nom_mw"):
        read_table(data_copy, units)


def test_missing_column(data_copy):
    _edit_csv(data_copy / "grid/units.csv", lambda f: f.drop(columns=["p_nom_mw"], inplace=True))
    err = _error(data_copy)
    assert err.file.endswith("grid/units.csv") and err.column == "p_nom_mw" and "missing" in err.message


def test_nan_value(data_copy):
    _edit_csv(data_copy / "grid/lines.csv", lambda f: f.__setitem__("x_ohm", f["x_ohm"].where(f.index != 3, "")))
    err = _error(data_copy)
    assert (err.file.endswith("grid/lines.csv"), err.row, err.column) == (True, 4, "x_ohm")


def test_negative_capacity(data_copy):
    _edit_csv(
        data_copy / "grid/units.csv", lambda f: f.__setitem__("p_nom_mw", f["p_nom_mw"].where(f.index != 6, "-300"))
    )
    err = _error(data_copy)
    assert (err.row, err.column) == (7, "p_nom_mw") and "below the minimum" in err.message


def test_non_numeric_value(data_copy):
    _edit_csv(
        data_copy / "grid/links.csv", lambda f: f.__setitem__("p_nom_mw", f["p_nom_mw"].where(f.index != 0, "lots"))
    )
    err = _error(data_copy)
    assert (err.row, err.column) == (1, "p_nom_mw") and "'lots' is not a number" in err.message


def test_unknown_district(data_copy):
    _edit_csv(data_copy / "grid/units.csv", lambda f: f.__setitem__("bus", f["bus"].where(f.index != 2, "Atlantis")))
    err = _error(data_copy)
    assert (err.row, err.column) == (3, "bus") and "Atlantis" in err.message


def test_profile_of_wrong_length(data_copy):
    path = data_copy / "profiles/load.parquet"
    frame = pd.read_parquet(path)
    frame = frame[~((frame["bus"] == "Tianhe") & (frame["year"] == 2030) & (frame["hour"] == 8759))]
    frame.to_parquet(path, index=False)
    err = _error(data_copy)
    assert err.file.endswith("profiles/load.parquet") and "8759 hours" in err.message and "Tianhe" in err.message


def test_disconnected_grid(data_copy):
    _edit_csv(
        data_copy / "grid/lines.csv",
        lambda f: f.drop(f.index[(f["bus0"] == "Conghua") | (f["bus1"] == "Conghua")], inplace=True),
    )
    err = _error(data_copy)
    assert err.file.endswith("grid/lines.csv") and "not connected" in err.message and "Conghua" in err.message


def test_duplicate_key(data_copy):
    _edit_csv(data_copy / "grid/buses.csv", lambda f: f.__setitem__("bus", f["bus"].where(f.index != 1, f["bus"][0])))
    err = _error(data_copy)
    assert err.row == 2 and "duplicate" in err.message


def test_cli_prints_one_line_and_exits_2(data_copy, capsys):
    _edit_csv(
        data_copy / "grid/units.csv", lambda f: f.__setitem__("p_nom_mw", f["p_nom_mw"].where(f.index != 6, "-300"))
    )
    code = main(["data", "validate", "--data", str(data_copy)])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1
    assert "units.csv, row 7, column 'p_nom_mw'" in err


def test_cli_check_with_bad_input_writes_no_run(data_copy, tmp_path, capsys):
    _edit_csv(data_copy / "grid/buses.csv", lambda f: f.drop(columns=["lat"], inplace=True))
    runs = tmp_path / "runs"
    code = main(["check", "--year", "2030", "--hours", "24", "--data", str(data_copy), "--runs-dir", str(runs)])
    assert code == 2
    assert not runs.exists() or not any(runs.iterdir())
