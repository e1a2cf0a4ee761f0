"""Read one run folder back: its manifest and parquet tables, and the grid's bus coordinates for the map.

The report draws only what the run wrote; nothing is re-solved or re-derived from the model. The bus coordinates
come from the input data folder recorded in the manifest (``inputs.data_dir``), since the run tables name buses but
do not place them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gzpower.errors import InputError
from gzpower.results.folder import read_manifest

REPO_ROOT = Path(__file__).resolve().parents[2]
REQUIRED_TABLES = (
    "balance",
    "capacities",
    "dispatch",
    "curtailment",
    "storage",
    "flows",
    "emissions",
    "costs",
    "target_check",
)
OPTIONAL_TABLES = ("counterfactuals", "province", "prices", "calibration")


@dataclass
class RunData:
    folder: Path
    manifest: dict
    tables: dict[str, pd.DataFrame]
    buses: pd.DataFrame | None  # index bus; columns kind, lat, lon (None when the data folder is gone)

    @property
    def name(self) -> str:
        return self.manifest.get("run", self.folder.name)

    def table(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)


def _data_dir(manifest: dict, folder: Path) -> Path | None:
    """The input data folder: as recorded, else relative to the repository or the run folder (runs are moved)."""
    recorded = (manifest.get("inputs") or {}).get("data_dir")
    if not recorded:
        return None
    recorded = Path(recorded)
    for candidate in (recorded, REPO_ROOT / recorded, folder / recorded, REPO_ROOT / "data"):
        if (candidate / "grid" / "buses.csv").is_file():
            return candidate
    return None


def load_run(folder: Path) -> RunData:
    folder = Path(folder)
    manifest = read_manifest(folder)
    tables = {}
    for name in REQUIRED_TABLES + OPTIONAL_TABLES:
        path = folder / f"{name}.parquet"
        if path.is_file():
            tables[name] = pd.read_parquet(path)
        elif name in REQUIRED_TABLES:
            raise InputError(str(path), "missing (the run folder is incomplete)")
    if "technology" not in tables["capacities"].columns:
        raise InputError(
            str(folder / "capacities.parquet"), "has no technology column (written before it; `gzpower rerun` the run)"
        )
    data_dir = _data_dir(manifest, folder)
    buses = None
    if data_dir is not None:
        buses = pd.read_csv(data_dir / "grid" / "buses.csv").set_index("bus")[["kind", "lat", "lon"]]
    return RunData(folder, manifest, tables, buses)
