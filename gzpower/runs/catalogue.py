"""The run catalogue: DuckDB over the run folders, in place (nothing is copied or indexed on disk).

Every finished run folder ``<runs>/<name>/manifest.json`` becomes one row of the table ``runs``: run, folder,
mode, year, status, message, objective_mcny, created (UTC, from the folder name), the scenario fields flattened
(start_hour, hours, storage_mw, dr_share, ..., ``without`` as a comma-joined string), the solver settings
(algorithm, interface, threads, tolerances), solver statistics (rows, columns, simplex_iterations,
ipm_iterations), the KPIs, the timings (``*_s``), the sweep id and point when the run belongs to a sweep, and
``inputs_sha256``, one digest of all input-file hashes (equal digests = identical inputs).

Each result table is a view over the parquet files of those folders with a leading ``run`` column:
``balance``, ``dispatch``, ``flows``, ``storage``, ``curtailment``, ``capacities``, ``emissions``, ``costs``,
``target_check``, ``counterfactuals``; and ``sweeps`` over ``<runs>/sweeps/*/summary.parquet`` (with
``sweep``). Hidden folders (``.tmp-*``, runs still being written or abandoned) are never listed, because the
file lists are built from the finished folders rather than from a glob.

Example::

    gzpower runs sql "SELECT r.algorithm, avg(b.price_cny_per_mwh) FROM balance b JOIN runs r USING (run)
                      GROUP BY ALL"
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from gzpower.errors import InputError
from gzpower.results.folder import read_manifest

RESULT_TABLES = (
    "balance",
    "dispatch",
    "flows",
    "storage",
    "curtailment",
    "capacities",
    "emissions",
    "costs",
    "target_check",
    "counterfactuals",
)
SOLVER_STATS = (
    "rows",
    "columns",
    "nonzeros",
    "simplex_iterations",
    "ipm_iterations",
    "pdlp_iterations",
    "highs_model_status",
)


def run_folders(runs_dir: Path) -> list[Path]:
    """Finished run folders: visible sub-folders holding a manifest.json, sorted by name (= time)."""
    runs_dir = Path(runs_dir)
    if not runs_dir.is_dir():
        return []
    return sorted(
        p for p in runs_dir.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / "manifest.json").is_file()
    )


def _created(folder: Path) -> datetime:
    try:
        return datetime.strptime(folder.name.split("-", 1)[0], "%Y%m%dT%H%M%S")
    except ValueError:  # a folder renamed by hand: fall back on the manifest's modification time
        return datetime.fromtimestamp((folder / "manifest.json").stat().st_mtime, UTC).replace(tzinfo=None)


def _scalar(value):
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, default=str) if value else None
    return value


def inputs_digest(manifest: dict) -> str | None:
    hashes = (manifest.get("inputs") or {}).get("sha256")
    if not hashes:
        return None
    return hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()[:16]


def manifest_row(folder: Path, manifest: dict) -> dict:
    """One flat catalogue row from a manifest (later keys never overwrite the run's own identity columns)."""
    row = {
        "run": folder.name,
        "folder": str(folder),
        "mode": manifest.get("mode"),
        "year": manifest.get("year"),
        "status": manifest.get("status"),
        "message": manifest.get("message"),
        "objective_mcny": manifest.get("objective_mcny"),
        "created": _created(folder),
    }
    extra: dict = {}
    for key, value in (manifest.get("scenario") or {}).items():
        extra[key] = _scalar(value)
    plan = (manifest.get("scenario") or {}).get("plan")
    extra["plan"] = f"{Path(plan.get('source', '')).name}@{plan.get('sha256', '')[:12]}" if plan else None
    solver = manifest.get("solver") or {}
    for key, value in solver.items():
        extra[key] = _scalar(value)
    stats = manifest.get("solver_stats") or {}
    for key in SOLVER_STATS:
        extra[key] = stats.get(key)
    for key, value in (manifest.get("kpis") or {}).items():
        extra[key] = value
    for key, value in (manifest.get("timings_s") or {}).items():
        extra[key if key.endswith("_s") else f"{key}_s"] = value
    sweep = manifest.get("sweep") or {}
    extra["sweep_id"] = sweep.get("id")
    extra["sweep_point"] = sweep.get("point")
    extra["inputs_sha256"] = inputs_digest(manifest)
    extra["gzpower_version"] = (manifest.get("versions") or {}).get("gzpower")
    for key, value in extra.items():
        row.setdefault(key, value)
    return row


def runs_frame(runs_dir: Path) -> pd.DataFrame:
    rows = [manifest_row(f, read_manifest(f)) for f in run_folders(runs_dir)]
    frame = pd.DataFrame(rows)
    if frame.empty:
        frame = pd.DataFrame(
            columns=["run", "folder", "mode", "year", "status", "message", "objective_mcny", "created"]
        )
    frame["created"] = pd.to_datetime(frame["created"])
    return frame


def _sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


@dataclass
class Catalogue:
    """A DuckDB connection with the views described in the module docstring."""

    con: object
    runs: pd.DataFrame
    views: list[str]

    def sql(self, query: str, params: list | None = None) -> pd.DataFrame:
        import duckdb

        try:
            return self.con.execute(query, params or []).df()
        except duckdb.Error as err:
            raise InputError("query", str(err).splitlines()[0]) from None


def read_only_query(query: str) -> str:
    """``query`` if it is exactly one SELECT statement (DuckDB's own parser decides); anything else (COPY ... TO,
    ATTACH, CREATE, INSERT, PRAGMA, SET, several statements) is a one-line input error."""
    import duckdb

    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as err:
        raise InputError("query", str(err).splitlines()[0]) from None
    if len(statements) != 1:
        raise InputError("query", f"give exactly one SELECT statement (got {len(statements)})")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise InputError("query", f"runs sql is read-only: only SELECT is allowed, not {kind.name}")
    return query


def open_catalogue(runs_dir: Path) -> Catalogue:
    import duckdb

    con = duckdb.connect(":memory:")
    frame = runs_frame(runs_dir)
    con.register("runs_frame", frame)
    con.execute("CREATE TABLE runs AS SELECT * FROM runs_frame")
    con.unregister("runs_frame")
    views = ["runs"]
    folders = run_folders(runs_dir)
    run_of = r"regexp_extract(filename, '([^/\\]+)[/\\][^/\\]+$', 1)"
    for name in RESULT_TABLES:
        files = [f / f"{name}.parquet" for f in folders if (f / f"{name}.parquet").is_file()]
        if files:
            con.execute(
                f'CREATE VIEW "{name}" AS SELECT {run_of} AS run, * EXCLUDE (filename) '
                f"FROM read_parquet({_sql_list(files)}, filename=true, union_by_name=true)"
            )
            views.append(name)
    sweep_dir = Path(runs_dir) / "sweeps"
    summaries = (
        sorted(
            p / "summary.parquet"
            for p in sweep_dir.iterdir()
            if p.is_dir() and not p.name.startswith(".") and (p / "summary.parquet").is_file()
        )
        if sweep_dir.is_dir()
        else []
    )
    if summaries:
        con.execute(
            f"CREATE VIEW sweeps AS SELECT {run_of} AS sweep, * EXCLUDE (filename) "
            f"FROM read_parquet({_sql_list(summaries)}, filename=true, union_by_name=true)"
        )
        views.append("sweeps")
    return Catalogue(con, frame, views)


LIST_COLUMNS = (
    "run",
    "mode",
    "year",
    "status",
    "created",
    "hours",
    "start_hour",
    "algorithm",
    "objective_mcny",
    "unserved_mwh",
    "co2_t",
    "solve_s",
    "plan",
)


def list_runs(
    cat: Catalogue,
    mode: str | None = None,
    year: int | None = None,
    status: str | None = None,
    since: str | None = None,
    params: list[str] | None = None,
) -> pd.DataFrame:
    """Runs filtered by mode, year, status, creation time and ``key=value`` equalities on any catalogue column
    (numbers compared numerically to within 1e-9)."""
    where, args = [], []
    for col, value in (("mode", mode), ("year", year), ("status", status)):
        if value is not None:
            where.append(f'"{col}" = ?')
            args.append(value)
    if since is not None:
        try:
            args.append(pd.Timestamp(since).to_pydatetime())
        except ValueError:
            raise InputError("--since", f"'{since}' is not a date (YYYY-MM-DD)") from None
        where.append("created >= ?")
    shown = [c for c in LIST_COLUMNS if c in cat.runs.columns]
    for text in params or []:
        if "=" not in text:
            raise InputError("--param", f"'{text}' is not key=value")
        key, value = (s.strip() for s in text.split("=", 1))
        if key not in cat.runs.columns:
            raise InputError("--param", f"unknown column '{key}' (see: gzpower runs sql \"DESCRIBE runs\")")
        if pd.api.types.is_numeric_dtype(cat.runs[key]) and not pd.api.types.is_bool_dtype(cat.runs[key]):
            try:
                args.append(float(value))
            except ValueError:
                raise InputError("--param", f"column '{key}' is numeric, '{value}' is not") from None
            where.append(f'abs("{key}" - ?) <= 1e-9')
        else:
            where.append(f'lower(CAST("{key}" AS VARCHAR)) = lower(?)')
            args.append(value)
        if key not in shown:
            shown.append(key)
    query = f"SELECT {', '.join(chr(34) + c + chr(34) for c in shown)} FROM runs"
    if where:
        query += " WHERE " + " AND ".join(where)
    return cat.sql(query + " ORDER BY created, run", args)
