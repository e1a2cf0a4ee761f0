"""Results out of the tool: a run folder's tidy tables as CSV files or one Excel workbook, and the case as a PyPSA
network (netCDF) for users of that ecosystem.

PyPSA mapping (the components that carry the same meaning; the case is rebuilt from the manifest's scenario and
inputs, the solution is the run's own):

==================  ===========================================================================================
PyPSA               gzpower
==================  ===========================================================================================
Bus                 districts (carrier AC) and the external supply nodes, with lon/lat
Load                district load (``loads_t.p_set``)
Generator           thermal units (``p_max_pu`` = availability, ``marginal_cost``, ``efficiency`` = 1/heat
                    rate, ``ramp_limit_up/down``), renewable sites (``p_max_pu`` = capacity factor), import
                    sources at the external nodes (``p_max_pu`` = availability, price), demand response (a
                    generator at its cost per MWh shed), unserved energy (a generator at the value of lost load)
StorageUnit         batteries and pumped hydro (``max_hours`` = energy / power, store and dispatch efficiencies,
                    cyclic state of charge)
Line                220 kV corridors (``x`` in ohm, ``s_nom``)
Link                import interfaces, external node -> district (``p_nom``, ``efficiency``)
snapshots           the run's hours; ``snapshot_weightings`` = the hours each stands for
solution            ``generators_t.p``, ``storage_units_t.p``, ``lines_t.p0``, ``links_t.p0``,
                    ``buses_t.marginal_price`` from the run's tables
==================  ===========================================================================================

What does not map (PyPSA has no component with the same meaning; the README lists them too): the spinning-reserve
requirement, demand response's daily hour limit and energy-neutral shifting, minimum stable output as an LP
relaxation, the CO2 cap over the horizon (PyPSA's global constraint is per carrier emissions and is not written),
and the chronology that links representative days.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from gzpower.errors import InputError
from gzpower.results.folder import read_manifest, scenario_from_record

ExportFormat = Literal["csv", "xlsx", "pypsa"]
#: Excel's row limit per sheet
XLSX_MAX_ROWS = 1_048_575


@dataclass(frozen=True)
class Exported:
    path: Path
    tables: tuple[str, ...]


def run_tables(folder: Path, names: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """The run's parquet tables by name (all, or ``names``; an unknown name is a one-line error)."""
    available = {p.stem: p for p in sorted(Path(folder).glob("*.parquet"))}
    wanted = names or list(available)
    unknown = [n for n in wanted if n not in available]
    if unknown:
        raise InputError(f"--tables {','.join(unknown)}", f"not tables of this run (it has: {', '.join(available)})")
    return {n: pd.read_parquet(available[n]) for n in wanted}


def _replace_atomically(build, out: Path) -> Path:
    """Write into a temporary sibling and rename, so an interrupted export leaves nothing half-written."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{out.name}-", dir=out.parent))
    try:
        produced = build(tmp)
        if out.exists():
            shutil.rmtree(out) if out.is_dir() else out.unlink()
        produced.rename(out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def export_tables(folder: Path, fmt: Literal["csv", "xlsx"], out: Path, names: list[str] | None = None) -> Exported:
    """CSV: one file per table in ``out``/; xlsx: one workbook ``out``/<run>.xlsx with a sheet per table."""
    tables = run_tables(folder, names)
    out = Path(out)
    if fmt == "csv":

        def build(tmp: Path) -> Path:
            target = tmp / "csv"
            target.mkdir()
            for name, frame in tables.items():
                frame.to_csv(target / f"{name}.csv", index=False)
            return target

        out.mkdir(parents=True, exist_ok=True)
        written = _replace_atomically(build, out / Path(folder).name)
        return Exported(written, tuple(tables))
    too_long = [n for n, f in tables.items() if len(f) > XLSX_MAX_ROWS]
    if too_long:
        raise InputError(
            f"--tables {','.join(too_long)}",
            f"more rows than an Excel sheet holds ({XLSX_MAX_ROWS:,}): export them as csv",
        )

    def build_xlsx(tmp: Path) -> Path:
        target = tmp / "run.xlsx"
        with pd.ExcelWriter(target, engine="openpyxl") as writer:
            for name, frame in tables.items():
                view = frame.copy()
                for col in view.select_dtypes(include=["datetimetz"]).columns:
                    view[col] = view[col].dt.tz_localize(None)
                view.to_excel(writer, sheet_name=name[:31], index=False)
        return target

    out.mkdir(parents=True, exist_ok=True)
    return Exported(_replace_atomically(build_xlsx, out / f"{Path(folder).name}.xlsx"), tuple(tables))


def _hourly(frame: pd.DataFrame, element: str, value: str, snapshots: pd.Index) -> pd.DataFrame:
    wide = frame.pivot_table(index="hour", columns=element, values=value, aggfunc="sum")
    wide.index = snapshots[: len(wide)]
    return wide


def _case(folder: Path, data_dir: Path | None):
    """The run's ModelData, rebuilt from its manifest's scenario and inputs (the hashes are compared by rerun)."""
    from gzpower.inputs.validate import load_dataset
    from gzpower.model.data import assemble

    manifest = read_manifest(folder)
    try:
        scenario = scenario_from_record(manifest["scenario"])
        data = Path(data_dir or manifest["inputs"]["data_dir"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(str(Path(folder) / "manifest.json"), f"cannot rebuild the case from it ({exc})") from None
    return manifest, assemble(load_dataset(data), scenario)


def _add_buses_and_load(n, d, snapshots) -> None:
    coords = d.bus_coords
    for bus in d.districts + d.externals:
        n.add(
            "Bus", bus, carrier="AC", v_nom=220.0, x=float(coords.at[bus, "lon"]), y=float(coords.at[bus, "lat"])
        )  # 220 kV: the corridors' reactance is in ohm
    load = d.load[d.districts].copy()
    load.index = snapshots
    n.add(
        "Load",
        [f"load {b}" for b in d.districts],
        bus=d.districts,
        p_set=load.set_axis([f"load {b}" for b in d.districts], axis=1),
    )


def _add_generators(n, d, caps: pd.Series, snapshots) -> None:
    units = d.thermal_units
    for unit, row in units.iterrows():
        n.add(
            "Generator",
            unit,
            bus=row["bus"],
            carrier=row["carrier"],
            p_nom=float(caps.get(unit, row["p_nom"])),
            p_max_pu=float(row["availability"]),
            marginal_cost=float(row["marginal_cost"]),
            efficiency=float(1.0 / row["heat_rate"]) if row["heat_rate"] > 0 else 1.0,
            ramp_limit_up=float(row["ramp"]),
            ramp_limit_down=float(row["ramp"]),
        )
    cf = d.renewable_cf.copy()
    cf.index = snapshots
    for key, row in d.renewables.iterrows():
        n.add(
            "Generator",
            key,
            bus=row["bus"],
            carrier=row["tech"],
            p_nom=float(caps.get(key, row["p_nom"])),
            p_max_pu=cf[key],
            marginal_cost=float(row["vom"]),
        )
    avail = d.import_availability.copy()
    avail.index = snapshots
    for source, row in d.import_sources.iterrows():
        n.add(
            "Generator",
            source,
            bus=row["bus"],
            carrier="import",
            p_nom=float(row["p_max"]),
            p_max_pu=avail[source],
            # the carbon price applies to imports as well (their CO2 per MWh), as in the run's objective
            marginal_cost=float(row["price_cny_per_mwh"] + d.scenario.carbon_price * row["co2_t_per_mwh"]),
        )
    for bus, row in d.demand_response.iterrows():
        n.add(
            "Generator",
            f"dr_{bus}",
            bus=bus,
            carrier="demand_response",
            p_nom=float(caps.get(f"dr_{bus}", row["p_nom"])),
            marginal_cost=float(row["cost_per_mwh"]),
        )
    voll = float(d.scenario.value_of_lost_load)
    for bus in d.districts:
        n.add(
            "Generator",
            f"unserved {bus}",
            bus=bus,
            carrier="unserved",
            p_nom=float(d.load[bus].max()),
            marginal_cost=voll,
        )


def _add_storage_and_branches(n, d, caps: pd.Series) -> None:
    for sid, row in d.storage.iterrows():
        p = float(caps.get(sid, row["p_nom"]))
        e = float(caps.get(f"{sid}:energy", row["e_nom"]))
        n.add(
            "StorageUnit",
            sid,
            bus=row["bus"],
            carrier=row["carrier"],
            p_nom=p,
            max_hours=e / p if p > 0 else 0.0,
            efficiency_store=float(row["eff_charge"]),
            efficiency_dispatch=float(row["eff_discharge"]),
            cyclic_state_of_charge=bool(d.scenario.cyclic),
        )
    for line, row in d.lines.iterrows():
        n.add(
            "Line",
            line,
            bus0=row["bus0"],
            bus1=row["bus1"],
            x=float(row["x_ohm"]),
            s_nom=float(row["s_nom_mw"]),
            carrier="AC",
        )
    for link, row in d.links.iterrows():
        n.add(
            "Link",
            link,
            bus0=row["bus0"],
            bus1=row["bus1"],
            p_nom=float(caps.get(link, row["p_nom"])),
            efficiency=float(row["efficiency"]),
            carrier="interface",
        )


def _add_solution(n, folder: Path, snapshots) -> None:
    tables = run_tables(
        folder, [t for t in ("dispatch", "storage", "flows", "balance") if (Path(folder) / f"{t}.parquet").is_file()]
    )
    if "dispatch" in tables:
        p = _hourly(tables["dispatch"], "element", "p_mw", snapshots)
        if "balance" in tables:  # demand response shed and unserved energy are generators here
            bal = tables["balance"]
            shed = _hourly(bal, "bus", "dr_shed_mw", snapshots).add_prefix("dr_")
            unserved = _hourly(bal, "bus", "unserved_mw", snapshots).add_prefix("unserved ")
            p = pd.concat([p, shed, unserved], axis=1)
        n.generators_t.p = p.reindex(columns=[c for c in n.generators.index if c in p.columns])
    if "storage" in tables:
        st = tables["storage"].assign(p_mw=lambda f: f["discharge_mw"] - f["charge_mw"])
        n.storage_units_t.p = _hourly(st, "element", "p_mw", snapshots)
        n.storage_units_t.state_of_charge = _hourly(st, "element", "soc_mwh", snapshots)
    if "flows" in tables:
        fl = tables["flows"]
        n.lines_t.p0 = _hourly(fl[fl["kind"] == "line"], "element", "flow_mw", snapshots)
        n.links_t.p0 = _hourly(fl[fl["kind"] == "interface"], "element", "flow_mw", snapshots)
    if "balance" in tables and tables["balance"]["price_cny_per_mwh"].notna().any():
        n.buses_t.marginal_price = _hourly(tables["balance"], "bus", "price_cny_per_mwh", snapshots)


def to_pypsa(folder: Path, data_dir: Path | None = None):
    """The run as a ``pypsa.Network`` (inputs and the run's solution)."""
    try:
        import pypsa
    except ImportError:
        raise InputError("--format pypsa", "PyPSA is not installed (pip install pypsa)") from None
    manifest, d = _case(Path(folder), data_dir)
    n = pypsa.Network()
    n.name = manifest.get("run", Path(folder).name)
    snapshots = pd.DatetimeIndex(d.timestamps).tz_localize(None) if d.timestamps.tz else pd.DatetimeIndex(d.timestamps)
    n.set_snapshots(snapshots)
    n.snapshot_weightings.loc[:, :] = np.asarray(d.weights, dtype=float)[:, None]
    for carrier in (
        "AC",
        "gas",
        "coal",
        "waste",
        "pv_rooftop",
        "pv_ground",
        "wind_onshore",
        "import",
        "demand_response",
        "unserved",
        "battery",
        "pumped_hydro",
        "interface",
    ):
        n.add("Carrier", carrier)
    caps_path = Path(folder) / "capacities.parquet"
    caps = pd.read_parquet(caps_path).set_index("element")["total"] if caps_path.is_file() else pd.Series(dtype=float)
    _add_buses_and_load(n, d, snapshots)
    _add_generators(n, d, caps, snapshots)
    _add_storage_and_branches(n, d, caps)
    _add_solution(n, folder, snapshots)
    n.meta = {"gzpower_run": n.name, "scenario": json.dumps(manifest.get("scenario", {}), default=str)}
    return n


def export_pypsa(folder: Path, out: Path, data_dir: Path | None = None) -> Exported:
    """``out``/<run>.nc, loadable with ``pypsa.Network(path)``."""
    network = to_pypsa(folder, data_dir)

    def build(tmp: Path) -> Path:
        target = tmp / "network.nc"
        network.export_to_netcdf(str(target))
        return target

    Path(out).mkdir(parents=True, exist_ok=True)
    return Exported(_replace_atomically(build, Path(out) / f"{Path(folder).name}.nc"), ("network",))
