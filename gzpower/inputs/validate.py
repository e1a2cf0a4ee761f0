"""Schema-driven reading and validation of gzpower's input tables.

Every check derives from the declarations in :mod:`gzpower.inputs.schemas`; the first defect found raises
:class:`gzpower.errors.InputError` naming the file, the row (1-based data row, header excluded) and the column.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from gzpower.errors import InputError
from gzpower.inputs.schemas import DISTRICTS, HOURS_PER_YEAR, TABLES, Column, Table

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _fail(table: Table, message: str, row: int | None = None, column: str | None = None, file: str | None = None):
    raise InputError(file or table.path, message, None if row is None else row + 1, column)


def _coerce_column(table: Table, col: Column, raw: pd.Series, file: str) -> pd.Series:
    """Cast one column to its declared dtype, refusing the first value that does not fit."""
    missing = raw.isna().to_numpy().copy()
    if raw.dtype == object or pd.api.types.is_string_dtype(raw.dtype):
        missing |= raw.astype(str).str.strip().isin(["", "nan", "NaN", "None", "<NA>"]).to_numpy()
    if missing.any() and not col.nullable:
        if col.default is not None:
            raw = raw.where(~missing, col.default)
            missing[:] = False
        else:
            _fail(table, "missing value", _first(missing), col.name, file)
    if col.dtype == "str":
        return raw.astype(str).str.strip()
    if col.dtype in ("float", "int"):
        num = pd.to_numeric(raw, errors="coerce")
        bad = num.isna().to_numpy() & ~missing
        if bad.any():
            i = _first(bad)
            _fail(table, f"'{raw.iloc[i]}' is not a number", i, col.name, file)
        values = num.to_numpy(dtype=float)
        finite = np.isfinite(values) | missing
        if not finite.all():
            _fail(table, "value is not finite", _first(~finite), col.name, file)
        if col.min is not None and (low := (values < col.min) & ~missing).any():
            i = _first(low)
            _fail(table, f"{values[i]:g} is below the minimum {col.min:g} {col.unit}", i, col.name, file)
        if col.max is not None and (high := (values > col.max) & ~missing).any():
            i = _first(high)
            _fail(table, f"{values[i]:g} is above the maximum {col.max:g} {col.unit}", i, col.name, file)
        if col.dtype == "int":
            if (frac := (np.mod(values, 1) != 0) & ~missing).any():
                _fail(table, f"{values[_first(frac)]:g} is not a whole number", _first(frac), col.name, file)
            out = pd.Series(values, index=raw.index).astype("int64")
        else:
            out = pd.Series(values, index=raw.index, dtype="float64")
        if col.allowed is not None and (odd := ~out.isin(col.allowed).to_numpy() & ~missing).any():
            i = _first(odd)
            _fail(table, f"{out.iloc[i]} is not one of {', '.join(map(str, col.allowed))}", i, col.name, file)
        return out
    if col.dtype == "bool":
        if raw.dtype == bool:
            return raw
        text = raw.astype(str).str.strip().str.lower()
        bad = ~text.isin(_TRUE | _FALSE).to_numpy()
        if bad.any():
            i = _first(bad)
            _fail(table, f"'{raw.iloc[i]}' is not true/false", i, col.name, file)
        return text.isin(_TRUE)
    if col.dtype == "datetime":
        out = pd.to_datetime(raw, errors="coerce")
        if (bad := out.isna().to_numpy()).any():
            _fail(table, f"'{raw.iloc[_first(bad)]}' is not a timestamp", _first(bad), col.name, file)
        return out.astype("datetime64[ns]")
    raise ValueError(f"unknown dtype {col.dtype}")


def coerce_table(table: Table, frame: pd.DataFrame, file: str | None = None) -> pd.DataFrame:
    """Check one table against its declaration and return it with declared columns, dtypes and order."""
    file = file or table.path
    if frame.empty:
        _fail(table, "table has no rows", file=file)
    for col in table.columns:
        if col.name not in frame.columns:
            if col.default is not None:
                frame = frame.assign(**{col.name: col.default})
            else:
                _fail(table, "required column is missing", column=col.name, file=file)
    frame = frame.reset_index(drop=True)
    out = pd.DataFrame({c.name: _coerce_column(table, c, frame[c.name], file) for c in table.columns})
    if (dup := out.duplicated(list(table.key), keep="first").to_numpy()).any():
        i = _first(dup)
        keys = ", ".join(f"{k}={out[k].iloc[i]}" for k in table.key)
        _fail(table, f"duplicate key ({keys})", i, table.key[-1], file)
    return out


def read_table(data_dir: Path, table: Table) -> pd.DataFrame:
    """Read and validate one table file under ``data_dir``."""
    path = Path(data_dir) / table.path
    if not path.is_file():
        raise InputError(str(path), "file not found")
    try:
        if table.fmt == "parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except Exception as exc:  # a corrupt or unreadable file is an input error, not a crash
        raise InputError(
            str(path), f"cannot be read ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"
        ) from None
    return coerce_table(table, frame, str(path))


# --- whole-table and cross-table checks ------------------------------------------------------------------------


def _check_references(tables: dict[str, pd.DataFrame], files: dict[str, str]) -> None:
    for table in TABLES:
        if table.name not in tables:
            continue
        for col in table.columns:
            if not col.references:
                continue
            ref_table, ref_col = col.references.split(".")
            if ref_table not in tables:
                continue
            known = set(tables[ref_table][ref_col])
            values = tables[table.name][col.name]
            bad = ~values.isin(known).to_numpy()
            if bad.any():
                i = _first(bad)
                _fail(
                    table,
                    f"unknown {ref_table[:-1] if ref_table.endswith('s') else ref_table} '{values.iloc[i]}'",
                    i,
                    col.name,
                    files.get(table.name),
                )


def _check_buses(tables, files) -> None:
    buses = tables["buses"]
    table = TABLES_BY_NAME["buses"]
    missing = [d for d in DISTRICTS if d not in set(buses["bus"])]
    if missing:
        _fail(table, f"district(s) missing: {', '.join(missing)}", column="bus", file=files.get("buses"))
    total = buses.loc[buses["kind"] == "district", "load_weight"].sum()
    if abs(total - 1.0) > 1e-6:
        _fail(table, f"district load weights sum to {total:.6f}, not 1", column="load_weight", file=files.get("buses"))


def _check_grid_connected(tables, files) -> None:
    buses, lines = tables["buses"], tables["lines"]
    districts = list(buses.loc[buses["kind"] == "district", "bus"])
    graph = nx.MultiGraph()
    graph.add_nodes_from(districts)
    graph.add_edges_from(zip(lines["bus0"], lines["bus1"]))
    if (selfloop := (lines["bus0"] == lines["bus1"]).to_numpy()).any():
        _fail(TABLES_BY_NAME["lines"], "line connects a bus to itself", _first(selfloop), "bus1", files.get("lines"))
    parts = sorted(nx.connected_components(graph), key=len, reverse=True)
    if len(parts) > 1:
        island = sorted(parts[1])
        _fail(
            TABLES_BY_NAME["lines"],
            f"grid is not connected: {', '.join(island)} islanded from the rest",
            column="bus0",
            file=files.get("lines"),
        )
    linked = set(tables["links"]["bus1"]) if "links" in tables else set()
    externals = set(buses.loc[buses["kind"] == "external", "bus"])
    if "links" in tables:
        for i, (b0, b1) in enumerate(zip(tables["links"]["bus0"], tables["links"]["bus1"])):
            if b0 not in externals:
                _fail(TABLES_BY_NAME["links"], f"'{b0}' is not an external node", i, "bus0", files.get("links"))
            if b1 in externals:
                _fail(TABLES_BY_NAME["links"], f"'{b1}' is not a district", i, "bus1", files.get("links"))
    del linked


def _check_plan_shares(tables, files) -> None:
    sites = tables["sites"]
    sums = sites.groupby("tech")["plan_share"].sum()
    for tech, total in sums.items():
        if total > 0 and abs(total - 1.0) > 1e-6:
            i = int(np.flatnonzero((sites["tech"] == tech).to_numpy())[0])
            _fail(
                TABLES_BY_NAME["sites"],
                f"plan_share of {tech} sums to {total:.4f}, not 1",
                i,
                "plan_share",
                files.get("sites"),
            )


def _check_full_years(table: Table, frame: pd.DataFrame, file: str | None) -> None:
    group_cols = [c for c in table.key if c != "hour"]
    counts = frame.groupby(group_cols, sort=True).size()
    short = counts[counts != HOURS_PER_YEAR]
    if len(short):
        key = short.index[0] if isinstance(short.index[0], tuple) else (short.index[0],)
        label = ", ".join(f"{c}={v}" for c, v in zip(group_cols, key))
        _fail(
            table,
            f"profile ({label}) has {int(short.iloc[0])} hours, expected {HOURS_PER_YEAR}",
            column="hour",
            file=file,
        )


TABLES_BY_NAME = {t.name: t for t in TABLES}


def validate_dataset(tables: dict[str, pd.DataFrame], files: dict[str, str] | None = None) -> None:
    """Cross-table checks on already-coerced tables."""
    files = files or {}
    _check_references(tables, files)
    if "buses" in tables:
        _check_buses(tables, files)
    if "lines" in tables and "buses" in tables:
        _check_grid_connected(tables, files)
    if "sites" in tables:
        _check_plan_shares(tables, files)
    for name in ("load", "capacity_factors", "import_availability"):
        if name in tables:
            _check_full_years(TABLES_BY_NAME[name], tables[name], files.get(name))


def load_dataset(data_dir: Path) -> dict[str, pd.DataFrame]:
    """Read, coerce and validate every table under ``data_dir``; raise InputError at the first defect."""
    data_dir = Path(data_dir)
    tables = {t.name: read_table(data_dir, t) for t in TABLES}
    validate_dataset(tables, {t.name: str(data_dir / t.path) for t in TABLES})
    return tables
