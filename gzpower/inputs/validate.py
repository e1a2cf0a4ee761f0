"""Schema-driven reading and validation of gzpower's input tables.

Every check derives from the declarations in :mod:`gzpower.inputs.schemas`; the first defect found raises
:class:`gzpower.errors.InputError` naming the file, the row (1-based data row, header excluded) and the column.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from gzpower.errors import InputError
from gzpower.inputs.schemas import (
    HOURS_PER_YEAR,
    TABLES,
    Column,
    Compare,
    Complete,
    Connected,
    Determines,
    FullYears,
    KeysFrom,
    OnBus,
    RequiredRows,
    Rule,
    SumsToOne,
    Table,
    Values,
    bus_phrase,
)

#: tables already read and coerced in this process, by file (resolved path, inode, size, modification time in ns)
#: and table: a file read again unchanged (every command of a test suite, a sweep's points in one process) is
#: not parsed again; any change to the file changes its key. Only tables that passed are kept, and each caller
#: gets its own copy.
_READ_CACHE: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
_READ_CACHE_SIZE = 32

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
        out = raw.astype(str).str.strip()
        if col.allowed is not None and (odd := ~out.isin(col.allowed).to_numpy() & ~missing).any():
            i = _first(odd)
            _fail(table, f"'{out.iloc[i]}' is not one of {', '.join(map(str, col.allowed))}", i, col.name, file)
        return out
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
        if col.above is not None and (low := (values <= col.above) & ~missing).any():
            i = _first(low)
            _fail(table, f"{values[i]:g} must be above {col.above:g} {col.unit}", i, col.name, file)
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
    stat = path.stat()
    key = (str(path.resolve()), stat.st_ino, stat.st_size, stat.st_mtime_ns, table.name)
    if (cached := _READ_CACHE.get(key)) is not None:
        _READ_CACHE.move_to_end(key)
        return cached.copy()
    frame = _read_file(path, table)
    _READ_CACHE[key] = frame.copy()
    while len(_READ_CACHE) > _READ_CACHE_SIZE:
        _READ_CACHE.popitem(last=False)
    return frame


def _read_file(path: Path, table: Table) -> pd.DataFrame:
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


# --- whole-table and cross-table rules (declared in Table.checks) ----------------------------------------------


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
                    f"'{values.iloc[i]}' is not a {ref_col} of table {ref_table}",
                    i,
                    col.name,
                    files.get(table.name),
                )


def _where(frame: pd.DataFrame, where: tuple[tuple[str, tuple], ...]) -> np.ndarray:
    mask = np.ones(len(frame), dtype=bool)
    for column, values in where:
        mask &= frame[column].isin(values).to_numpy()
    return mask


def _domain(domain: Values | KeysFrom, tables: dict[str, pd.DataFrame]) -> pd.DataFrame | None:
    """The key combinations one domain of a Complete rule asks for (None: its source table is not loaded)."""
    if isinstance(domain, Values):
        return pd.DataFrame({domain.column: list(domain.values)})
    if domain.table not in tables:
        return None
    source = tables[domain.table]
    return source.loc[_where(source, domain.where), list(domain.columns)].drop_duplicates()


def _check_complete(table: Table, rule: Complete, tables, frame: pd.DataFrame, file: str) -> None:
    needed = pd.DataFrame({"_": [0]})
    for domain in rule.over:
        part = _domain(domain, tables)
        if part is None:
            return
        needed = needed.merge(part.assign(_=0), on="_")
    keys = [c for c in needed.columns if c != "_"]
    have = frame[keys].drop_duplicates().assign(_present=True)
    merged = needed[keys].merge(have, on=keys, how="left")
    missing = merged["_present"].isna().to_numpy()
    if missing.any():
        row = merged.iloc[_first(missing)]
        label = ", ".join(f"{k}={row[k]}" for k in keys)
        _fail(table, f"table {table.name} has no row for ({label}); the model needs one", column=keys[0], file=file)


def _check_required(table: Table, rule: RequiredRows, tables, frame: pd.DataFrame, file: str) -> None:
    have = set(frame[list(table.key)].itertuples(index=False, name=None))
    for row in rule.rows:
        if tuple(row) not in have:
            label = ", ".join(f"{k}={v}" for k, v in zip(table.key, row))
            _fail(
                table,
                f"table {table.name} has no row for ({label}); the model needs it",
                column=table.key[0],
                file=file,
            )


_OPS = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}


def _check_compare(table: Table, rule: Compare, tables, frame: pd.DataFrame, file: str) -> None:
    a = frame[rule.column].to_numpy(dtype=float)
    b = frame[rule.other].to_numpy(dtype=float)
    bad = ~_OPS[rule.op](a, b) & ~np.isnan(a) & ~np.isnan(b)
    if bad.any():
        i = _first(bad)
        _fail(table, f"{a[i]:g} must be {rule.op} {rule.other} ({b[i]:g})", i, rule.column, file)


def _check_on_bus(table: Table, rule: OnBus, tables, frame: pd.DataFrame, file: str) -> None:
    if "buses" not in tables:
        return
    buses = tables["buses"]
    kind = dict(zip(buses["bus"], buses["kind"]))
    values = frame[rule.column]
    bad = ~values.map(kind).isin(rule.kinds).to_numpy() & values.isin(kind).to_numpy()  # unknown: _check_references
    if bad.any():
        i = _first(bad)
        _fail(table, f"'{values.iloc[i]}' is not {bus_phrase(rule.kinds)}", i, rule.column, file)


def _check_sums(table: Table, rule: SumsToOne, tables, frame: pd.DataFrame, file: str) -> None:
    sub = frame[_where(frame, rule.where)]
    sums = sub.groupby(rule.group)[rule.column].sum() if rule.group else pd.Series({None: sub[rule.column].sum()})
    for group, total in sums.items():
        if (rule.zero_allowed and total == 0) or abs(total - 1.0) <= 1e-6:
            continue
        what = f"{rule.column} of {group}" if rule.group else rule.column
        row = int(np.flatnonzero((sub[rule.group] == group).to_numpy())[0]) if rule.group else None
        row = None if row is None else int(sub.index[row])
        _fail(table, f"{what} sums to {total:.6f}, not 1", row, rule.column, file)


def _check_connected(table: Table, rule: Connected, tables, frame: pd.DataFrame, file: str) -> None:
    if "buses" not in tables:
        return
    buses = tables["buses"]
    if (selfloop := (frame["bus0"] == frame["bus1"]).to_numpy()).any():
        _fail(table, "line connects a bus to itself", _first(selfloop), "bus1", file)
    graph = nx.MultiGraph()
    graph.add_nodes_from(buses.loc[buses["kind"] == "district", "bus"])
    graph.add_edges_from(zip(frame["bus0"], frame["bus1"]))
    parts = sorted(nx.connected_components(graph), key=len, reverse=True)
    if len(parts) > 1:
        island = sorted(parts[1])
        _fail(table, f"grid is not connected: {', '.join(island)} islanded from the rest", column="bus0", file=file)


def _check_full_years(table: Table, rule: FullYears, tables, frame: pd.DataFrame, file: str) -> None:
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


def _check_determines(table: Table, rule: Determines, tables, frame: pd.DataFrame, file: str) -> None:
    expected = frame[rule.key].map(dict(rule.mapping))
    bad = (expected.notna() & (frame[rule.column] != expected)).to_numpy()
    if bad.any():
        i = _first(bad)
        _fail(
            table,
            f"{rule.key} '{frame[rule.key].iloc[i]}' has {rule.column} '{expected.iloc[i]}', not "
            f"'{frame[rule.column].iloc[i]}'",
            i,
            rule.column,
            file,
        )


# one checker per rule type: a rule declared in the schemas cannot go unenforced (validate_dataset refuses a
# rule type without a checker)
_CHECKERS = {
    Complete: _check_complete,
    RequiredRows: _check_required,
    Compare: _check_compare,
    OnBus: _check_on_bus,
    SumsToOne: _check_sums,
    Connected: _check_connected,
    Determines: _check_determines,
    FullYears: _check_full_years,
}


def check_rule(table: Table, rule: Rule, tables: dict[str, pd.DataFrame], file: str | None = None) -> None:
    """Enforce one declared rule on ``tables[table.name]``; raise InputError at the first row breaking it."""
    _CHECKERS[type(rule)](table, rule, tables, tables[table.name], file or table.path)


def validate_dataset(tables: dict[str, pd.DataFrame], files: dict[str, str] | None = None) -> None:
    """Cross-table checks on already-coerced tables: the references, then every table's declared rules."""
    files = files or {}
    _check_references(tables, files)
    for table in TABLES:
        if table.name in tables:
            for rule in table.checks:
                check_rule(table, rule, tables, files.get(table.name))


def load_dataset(data_dir: Path) -> dict[str, pd.DataFrame]:
    """Read, coerce and validate every table under ``data_dir``; raise InputError at the first defect."""
    data_dir = Path(data_dir)
    tables = {t.name: read_table(data_dir, t) for t in TABLES}
    validate_dataset(tables, {t.name: str(data_dir / t.path) for t in TABLES})
    return tables
