"""What one model instance is made of: :class:`ModelData` (per-family element tables plus hourly arrays, in the
units the builders use: MW, MWh, CNY, tCO2) and :class:`InputContext` (the shared things the families' ``inputs``
read: year-filtered tables, the hour index, the aggregation, the full-year load and its peak).

Fixed capacities and extendable ones share one table per family: ``p_nom`` is the standing capacity,
``p_nom_max`` the largest, and the boolean column ``extendable`` (as PyPSA's ``p_nom_extendable``) marks the
elements whose addition is a decision costing ``annuity`` CNY per MW-year (MWh-year for battery energy).

This module sits below the family modules (they import it); :mod:`gzpower.model.data` assembles the instance by a
loop over :data:`gzpower.model.families.FAMILIES`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from gzpower.errors import InputError
from gzpower.inputs.schemas import HOURS_PER_YEAR
from gzpower.scenario.plan import year_targets
from gzpower.scenario.scenario import Scenario

#: the bus of the rest of Guangdong (buses.csv kind "province") and the external node it replaces in province mode:
#: the interfaces Guangdong_grid-<district> run from the province bus instead, both ways
PROVINCE_BUS = "Guangdong_rest"
PROVINCIAL_NODE = "Guangdong_grid"

#: the columns of the province fleet table (``ModelData.province``, :mod:`gzpower.model.province`)
PROVINCE_COLUMNS = (
    "bus",
    "technology",
    "kind",
    "p_nom",
    "e_nom",
    "efficiency",
    "availability",
    "min_output",
    "marginal_cost",
    "co2_per_mwh",
)

#: numerical tolerance (MW or MWh) above which a largest size counts as larger than the standing size
EXTENDABLE_TOLERANCE = 1e-9

#: the element tables and the capacity columns whose largest size, when above the standing one, makes an element
#: extendable
CAPACITY_PAIRS = {
    "thermal": (("p_nom", "p_nom_max"),),
    "renewables": (("p_nom", "p_nom_max"),),
    "storage": (("p_nom", "p_nom_max"), ("e_nom", "e_nom_max")),
    "demand_response": (("p_nom", "p_nom_max"),),
    "links": (("p_nom", "p_nom_max"),),
}


def extendable(frame: pd.DataFrame, pairs=(("p_nom", "p_nom_max"),)) -> pd.Series:
    """True where any largest size exceeds its standing size: the one definition of an extendable element."""
    flag = pd.Series(False, index=frame.index, dtype=bool)
    for standing, largest in pairs:
        flag |= frame[largest].astype(float) > frame[standing].astype(float) + EXTENDABLE_TOLERANCE
    return flag


def extendable_elements(frame: pd.DataFrame, table: str) -> list:
    """The elements of element table ``table`` whose capacity is a decision: flagged ``extendable`` and with room
    to grow (a table edited after assembly, its largest sizes set to the standing ones, holds no decision)."""
    room = extendable(frame, CAPACITY_PAIRS[table])
    return list(frame.index[frame["extendable"].astype(bool) & room])


@dataclass
class ModelData:
    """Element tables and hourly arrays for one model instance."""

    scenario: Scenario
    timestamps: pd.DatetimeIndex
    districts: list[str]
    #: every bus of the instance that is not a district: the external supply nodes and, with the province boundary,
    #: the province bus (which carries a load: ``province_load``)
    externals: list[str]
    load: pd.DataFrame  # hours x districts, MW
    thermal: pd.DataFrame  # index unit
    renewables: pd.DataFrame  # index "tech@bus"
    renewable_cf: pd.DataFrame  # hours x renewable index
    storage: pd.DataFrame  # index storage id
    demand_response: pd.DataFrame  # index district
    import_sources: pd.DataFrame  # index source
    import_availability: pd.DataFrame  # hours x source
    links: pd.DataFrame  # index link
    lines: pd.DataFrame  # index line
    bus_coords: pd.DataFrame  # index bus: lat, lon
    targets: pd.DataFrame
    peak_load_mw: float  # annual peak of the full year (for DR sizing and targets)
    # The three derived fields below are filled by ``__post_init__`` when left out (left out: their default, an
    # empty array or a table without columns), so after construction they always hold a value of their type.

    #: hours of the year each model hour stands for (1 for consecutive hours; days represented for aggregation)
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: True where an hour opens a period: no ramp link to the hour before; storage wraps or links there
    period_start: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    #: aggregated runs: representative period of each calendar day (storage links the chronological year); None
    #: for consecutive hours
    chronology: np.ndarray | None = None
    #: thermal units one by one (``thermal`` holds groups of identical units): columns group and share as well
    thermal_units: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: element tables of families that have no attribute of their own here (a new family's ``inputs`` may return
    #: any table name; it lands here, so adding a family needs no change to this class)
    elements: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: the rest of the province (boundary "province"; empty for "fixed_price"): its aggregated fleet (index
    #: "Guangdong_rest:<technology>"), the fleet's hourly capacity factors (hours x element, variable technologies)
    #: and its load (hours x province bus, MW)
    province: pd.DataFrame = field(default_factory=pd.DataFrame)
    province_cf: pd.DataFrame = field(default_factory=pd.DataFrame)
    province_load: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __post_init__(self) -> None:
        n = len(self.timestamps)
        if not len(self.weights):
            self.weights = np.ones(n)
        if not len(self.province.columns):
            self.province = pd.DataFrame(columns=list(PROVINCE_COLUMNS), index=pd.Index([], name="element"))
        for name in ("province_cf", "province_load"):
            if not len(getattr(self, name).columns):
                setattr(self, name, pd.DataFrame(index=range(n)))
        # tables made by hand (tests, studies) may leave the flag out: it follows from the capacity columns
        for name, pairs in CAPACITY_PAIRS.items():
            frame = getattr(self, name)
            if "extendable" not in frame.columns:
                setattr(self, name, frame.assign(extendable=extendable(frame, pairs)))
        if not len(self.thermal_units.columns):
            self.thermal_units = self.thermal.assign(group=self.thermal.index.to_numpy(), share=1.0)
        if not len(self.period_start):
            self.period_start = np.zeros(n, dtype=bool)
            if n:
                self.period_start[0] = True

    @property
    def n_hours(self) -> int:
        return len(self.timestamps)

    @property
    def province_buses(self) -> list[str]:
        """The buses of the rest of the province (those of ``externals`` that carry a load)."""
        return list(self.province_load.columns)

    @property
    def year_fraction(self) -> float:
        """Share of a year the horizon covers: annual fixed costs are charged pro rata."""
        return float(self.weights.sum()) / HOURS_PER_YEAR

    def period_of_hour(self) -> np.ndarray:
        return np.cumsum(self.period_start) - 1

    def previous_hour(self) -> np.ndarray:
        """Index of the hour before each hour within its period, wrapping at the period's start."""
        n = self.n_hours
        prev = np.arange(n) - 1
        starts = np.flatnonzero(self.period_start)
        ends = np.append(starts[1:], n) - 1
        prev[starts] = ends
        return prev


def year_rows(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows of ``year``; a slice (no copy of the columns) where they are one block, as in the profiles."""
    in_year = frame["year"] == year
    mask = in_year.to_numpy()
    if mask.dtype == bool:
        hits = np.flatnonzero(mask)
        if len(hits) and hits[-1] - hits[0] + 1 == len(hits):
            return frame.iloc[hits[0] : hits[-1] + 1]
    return frame[in_year]


def hourly_pivot(frame: pd.DataFrame, year: int, columns: str, value: str) -> pd.DataFrame:
    """A year's long table (hour, ``columns``, ``value``) as hours x ``columns``."""
    return pivot_hours(year_rows(frame, year), columns, value)


def pivot_hours(rows: pd.DataFrame, columns: str, value: str) -> pd.DataFrame:
    """``rows.pivot(index="hour", columns=columns, values=value).sort_index()``, the same frame, built by array
    indexing when every (hour, column) pair occurs exactly once and the values are floats (a validated profile);
    pandas' pivot otherwise (it names a duplicated pair)."""
    hour_codes, hours = pd.factorize(rows["hour"], sort=True)
    col_codes, names = pd.factorize(rows[columns], sort=True)
    n_hours, n_cols = len(hours), len(names)
    values = rows[value].to_numpy()
    complete = len(rows) == n_hours * n_cols and (hour_codes >= 0).all() and (col_codes >= 0).all()
    if complete and values.dtype == np.float64:
        flat = hour_codes.astype(np.int64) * n_cols + col_codes
        if (np.bincount(flat, minlength=n_hours * n_cols) == 1).all():
            out = np.empty(n_hours * n_cols)
            out[flat] = values
            return pd.DataFrame(
                out.reshape(n_hours, n_cols),
                index=pd.Index(hours, name="hour"),
                columns=pd.Index(names, name=columns),
                copy=False,  # hour-major in memory, as pivot leaves it: sums over it round the same
            )
    return rows.pivot(index="hour", columns=columns, values=value).sort_index()


@dataclass
class InputContext:
    """The shared inputs of the families' ``inputs``: computed on first use, so one family alone stays cheap."""

    tables: dict[str, pd.DataFrame]
    scenario: Scenario
    #: technology -> standing MW of the families resolved so far (a plan increment closes the gap a target leaves)
    standing: dict[str, float] = field(default_factory=dict)

    def __post_init__(self):
        start, hours = self.scenario.start_hour, self.scenario.hours
        if start < 0 or hours < 1 or start + hours > HOURS_PER_YEAR:
            raise ValueError(f"horizon {start}..{start + hours} lies outside 0..{HOURS_PER_YEAR}")

    @property
    def year(self) -> int:
        return self.scenario.year

    @property
    def expand(self) -> bool:
        return self.scenario.mode == "expand"

    @property
    def inherited(self) -> dict:
        """Myopic chain: (technology, location) -> MW or MWh built in an earlier year."""
        return dict(self.scenario.inherited)

    @cached_property
    def districts(self) -> list[str]:
        buses = self.tables["buses"]
        return list(buses.loc[buses["kind"] == "district", "bus"])

    @property
    def province_mode(self) -> bool:
        return self.scenario.boundary == "province"

    @cached_property
    def province_buses(self) -> list[str]:
        """The province bus (with the province boundary; none with the fixed-price one)."""
        if not self.province_mode:
            return []
        buses = self.tables["buses"]
        found = list(buses.loc[buses["kind"] == "province", "bus"])
        if not found:
            raise InputError(
                "grid/buses.csv",
                f"no bus of kind 'province' ({PROVINCE_BUS}): the province boundary needs it "
                "(rebuild the data, or run with --boundary fixed_price)",
                column="kind",
            )
        return found

    @cached_property
    def externals(self) -> list[str]:
        """The buses that are not districts: the external nodes (without Guangdong_grid, which the province bus
        replaces with the province boundary) and the province bus."""
        buses = self.tables["buses"]
        nodes = list(buses.loc[buses["kind"] == "external", "bus"])
        if self.province_mode:
            nodes = [b for b in nodes if b != PROVINCIAL_NODE] + self.province_buses
        return nodes

    @cached_property
    def targets(self) -> pd.DataFrame:
        """The year's target rows; a plan figure with no row for the year is carried forward from an earlier one."""
        return year_targets(self.tables["targets"], self.year)

    @cached_property
    def fuels(self) -> pd.DataFrame:
        return year_rows(self.tables["fuels"], self.year)

    @property
    def sites(self) -> pd.DataFrame:
        return self.tables["sites"]

    def target(self, target_id: str, year: int | None = None) -> float | None:
        """The plan's value for ``target_id`` in ``year`` (default: the scenario's), None if absent."""
        targets = self.targets if year is None else year_targets(self.tables["targets"], year)
        row = targets[targets["id"] == target_id]
        if row.empty or pd.isna(row["value"].iloc[0]):
            return None
        return float(row["value"].iloc[0])

    @cached_property
    def _year_technologies(self) -> tuple[pd.DataFrame, dict]:
        """The technology table's rows of the scenario's year, and the position of each technology's first row."""
        techs = self.tables["technologies"]
        rows = techs[techs["year"] == self.year]
        first: dict = {}
        for i, tech in enumerate(rows["tech"]):
            first.setdefault(tech, i)
        return rows, first

    def technology(self, tech: str) -> pd.Series:
        """The technology table's row for ``tech`` in the scenario's year (costs, efficiency)."""
        rows, first = self._year_technologies
        if tech in first:
            return rows.iloc[first[tech]]
        techs = self.tables["technologies"]
        return techs[(techs["tech"] == tech) & (techs["year"] == self.year)].iloc[0]  # none: the same IndexError

    @cached_property
    def _year_load(self) -> pd.DataFrame:
        """The year's load of every bus, hours x bus (MW), unscaled: pivoted once for the city and the province."""
        return hourly_pivot(self.tables["load"], self.year, "bus", "load_mw")

    @cached_property
    def full_load(self) -> pd.DataFrame:
        """Full-year load, hours x districts (MW), scaled by the scenario."""
        return self._year_load[self.districts] * self.scenario.load_scale

    @cached_property
    def province_full_load(self) -> pd.DataFrame:
        """Full-year load of the rest of the province, hours x province bus (MW): the province's own, so the
        city's load scale leaves it alone."""
        if not self.province_buses:
            return pd.DataFrame(index=self.full_load.index)
        load = self._year_load
        missing = [b for b in self.province_buses if b not in load.columns]
        if missing:
            raise InputError("profiles/load.parquet", f"no load rows for bus {missing[0]} in {self.year}", column="bus")
        return load[self.province_buses]

    @cached_property
    def peak(self) -> float:
        """The year's city-wide peak load (MW)."""
        return float(self.full_load.sum(axis=1).max())

    @cached_property
    def cf_full(self) -> pd.DataFrame:
        """Full-year capacity factors, hours x "tech@bus"."""
        frame = year_rows(self.tables["capacity_factors"], self.year)
        return pivot_hours(frame.assign(key=frame["tech"] + "@" + frame["bus"]), "key", "cf")

    @cached_property
    def avail_full(self) -> pd.DataFrame:
        """Full-year import availability, hours x source."""
        return hourly_pivot(self.tables["import_availability"], self.year, "source", "availability")

    @cached_property
    def aggregation(self):
        """Representative days of the scenario's ``periods`` (None for consecutive hours)."""
        if not self.scenario.periods:
            return None
        from gzpower.scenario.aggregate import aggregate_inputs

        return aggregate_inputs(self.full_load, self.cf_full, self.avail_full, self.scenario.periods)

    @cached_property
    def hour_index(self) -> np.ndarray:
        """Hours of the year the model's hours are (the representative hours of an aggregated run)."""
        if self.aggregation is not None:
            return self.aggregation.hours
        return np.arange(self.scenario.start_hour, self.scenario.start_hour + self.scenario.hours)

    def window(self, full: pd.DataFrame, upper: float | None = None) -> pd.DataFrame:
        """The model's hours of a full-year series; aggregated runs rescale to the year's energy (capped at
        ``upper``)."""
        selected = full.iloc[self.hour_index]
        if self.aggregation is None:
            return selected
        from gzpower.scenario.aggregate import rescale

        return rescale(selected, full, self.aggregation, upper=upper)

    def record_standing(self, technologies, capacities) -> None:
        """Add standing capacities (MW) per technology, for the plan gaps of families resolved later."""
        for tech, mw in zip(technologies, capacities):
            self.standing[tech] = self.standing.get(tech, 0.0) + float(mw)
