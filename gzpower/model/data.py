"""Everything one model instance needs, resolved from the input tables for a scenario.

:func:`assemble` turns the validated input tables, a year, a horizon and a :class:`Scenario` into a
:class:`ModelData`: per-family element tables (one row per unit, site, line...) plus hourly arrays, in the
units the builders use (MW, MWh, CNY, tCO2). Fixed capacities and extendable ones share one table per family:
``p_nom`` is the standing capacity, ``p_nom_max > p_nom`` marks an extendable element whose addition costs
``annuity`` CNY per MW-year (MWh-year for battery energy).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gzpower import assumptions as A
from gzpower.inputs.schemas import HOURS_PER_YEAR
from gzpower.scenario.fleet import FleetOptions, standing_units
from gzpower.scenario.plan import year_targets
from gzpower.scenario.scenario import Scenario


@dataclass
class ModelData:
    """Element tables and hourly arrays for one model instance."""

    scenario: Scenario
    timestamps: pd.DatetimeIndex
    districts: list[str]
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
    #: hours of the year each model hour stands for (1 for consecutive hours; days represented for aggregation)
    weights: np.ndarray | None = None
    #: True where an hour opens a period: no ramp link to the hour before; storage wraps or links there
    period_start: np.ndarray | None = None
    #: aggregated runs: representative period of each calendar day (storage links the chronological year)
    chronology: np.ndarray | None = None
    #: thermal units one by one (``thermal`` holds groups of identical units): columns group and share as well
    thermal_units: pd.DataFrame | None = None

    def __post_init__(self):
        n = len(self.timestamps)
        if self.weights is None:
            self.weights = np.ones(n)
        if self.thermal_units is None:
            self.thermal_units = self.thermal.assign(group=self.thermal.index.to_numpy(), share=1.0)
        if self.period_start is None:
            self.period_start = np.zeros(n, dtype=bool)
            if n:
                self.period_start[0] = True

    @property
    def n_hours(self) -> int:
        return len(self.timestamps)

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


def _year(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    return frame[frame["year"] == year]


def _hourly(frame: pd.DataFrame, year: int, columns: str, value: str, start: int, hours: int) -> pd.DataFrame:
    sub = _year(frame, year)
    sub = sub[(sub["hour"] >= start) & (sub["hour"] < start + hours)]
    return sub.pivot(index="hour", columns=columns, values=value).sort_index()


def _plan_re_split() -> dict[str, float]:
    return {k: float(v) for k, v in (item.split(":") for item in A.PLAN_RE_GAP_SPLIT.split(","))}


def _target(targets: pd.DataFrame, target_id: str, year: int) -> float | None:
    row = targets[(targets["id"] == target_id) & (targets["year"] == year)]
    if row.empty or pd.isna(row["value"].iloc[0]):
        return None
    return float(row["value"].iloc[0])


def _tech(technologies: pd.DataFrame, tech: str, year: int) -> pd.Series:
    return technologies[(technologies["tech"] == tech) & (technologies["year"] == year)].iloc[0]


def _thermal_table(tables, sc: Scenario, fuels: pd.DataFrame) -> pd.DataFrame:
    units = standing_units(tables["units"], sc.year, FleetOptions(coal_replacement=sc.coal_replacement))
    fuel = fuels.set_index("fuel")
    th = pd.DataFrame(
        {
            "bus": units["bus"].to_numpy(),
            "carrier": units["carrier"].to_numpy(),
            "technology": units["technology"].to_numpy(),
            "status": units["status"].to_numpy(),
            "p_nom": units["p_nom_mw"].to_numpy(dtype=float),
            "availability": units["availability_pu"].to_numpy(dtype=float),
            "ramp": units["ramp_pu_per_h"].to_numpy(dtype=float),
            "min_stable": units["min_stable_pu"].to_numpy(dtype=float),
            "heat_rate": units["heat_rate"].to_numpy(dtype=float),
            "fuel_price": fuel.loc[units["carrier"], "price_cny_per_mwh_th"].to_numpy(dtype=float),
            "co2_per_mwh": (units["heat_rate"] * units["co2_t_per_mwh_th"]).to_numpy(dtype=float),
            "vom": units["vom_cny_per_mwh"].to_numpy(dtype=float),
            "fom": units["fom_cny_per_mw_yr"].to_numpy(dtype=float),
        },
        index=pd.Index(units["unit"].to_numpy(), name="unit"),
    )
    th["p_nom_max"] = th["p_nom"]
    th["annuity"] = 0.0
    # The plan's increment over the fleet operating at the base year (GEM 2023): everything not yet operating.
    th["increment"] = (th["carrier"] == "gas") & (th["status"] != "operating")
    return th


def _add_generic_thermal(
    th: pd.DataFrame,
    sites: pd.DataFrame,
    tech_row: pd.Series,
    fuel_row: pd.Series,
    mw: float,
    extendable_to: dict[str, float] | None,
    prefix: str,
) -> pd.DataFrame:
    """Generic CCGT blocks per district: ``mw`` split by plan_share (check) or extendable up to potential."""
    gas_sites = sites[sites["tech"] == "gas_ccgt"]
    rows = []
    for site in gas_sites.itertuples():
        fixed = mw * site.plan_share
        cap_max = fixed if extendable_to is None else fixed + extendable_to.get(site.bus, 0.0)
        if cap_max <= 0:
            continue
        heat_rate = 1.0 / tech_row["efficiency"]
        rows.append(
            {
                "unit": f"{prefix}_{site.bus}",
                "bus": site.bus,
                "carrier": "gas",
                "technology": "CCGT",
                "status": "generic",
                "p_nom": fixed,
                "p_nom_max": cap_max,
                "availability": A.AVAILABILITY_GAS,
                "ramp": A.RAMP_GAS_CCGT,
                "min_stable": A.MIN_STABLE_GAS_CCGT,
                "heat_rate": heat_rate,
                "fuel_price": float(fuel_row["price_cny_per_mwh_th"]),
                "co2_per_mwh": heat_rate * float(fuel_row["co2_t_per_mwh_th"]),
                "vom": float(tech_row["vom_cny_per_mwh"]),
                "fom": float(tech_row["fom_cny_per_yr"]),
                "annuity": float(tech_row["annuity_cny_per_yr"]),
                "increment": True,
            }
        )
    if not rows:
        return th
    return pd.concat([th, pd.DataFrame(rows).set_index("unit")])


def assemble(tables: dict[str, pd.DataFrame], sc: Scenario) -> ModelData:
    """Resolve the input tables into the model's element tables for scenario ``sc``."""
    tables = sc.plan.apply(tables, sc.year) if sc.plan else tables
    year = sc.year
    start, hours = sc.start_hour, sc.hours
    if start < 0 or hours < 1 or start + hours > HOURS_PER_YEAR:
        raise ValueError(f"horizon {start}..{start + hours} lies outside 0..{HOURS_PER_YEAR}")
    buses = tables["buses"]
    districts = list(buses.loc[buses["kind"] == "district", "bus"])
    externals = list(buses.loc[buses["kind"] == "external", "bus"])
    targets = year_targets(tables["targets"], year)
    techs = tables["technologies"]
    fuels = _year(tables["fuels"], year)
    sites = tables["sites"]
    expand = sc.mode == "expand"
    inherited = dict(sc.inherited)

    full_load = _hourly(tables["load"], year, "bus", "load_mw", 0, HOURS_PER_YEAR)[districts] * sc.load_scale
    peak = float(full_load.sum(axis=1).max())
    cf_frame = tables["capacity_factors"]
    cf_full = (
        _year(cf_frame, year)
        .assign(key=lambda f: f["tech"] + "@" + f["bus"])
        .pivot(index="hour", columns="key", values="cf")
        .sort_index()
    )
    avail_full = _hourly(tables["import_availability"], year, "source", "availability", 0, HOURS_PER_YEAR)
    weights = period_start = chronology = None
    if sc.periods:
        from gzpower.scenario.aggregate import aggregate_inputs, rescale

        agg = aggregate_inputs(full_load, cf_full, avail_full, sc.periods)
        hour_index = agg.hours
        weights = agg.hour_weights
        period_start = np.arange(len(hour_index)) % 24 == 0
        chronology = agg.chronology
    else:
        hour_index = np.arange(start, start + hours)
    load = full_load.iloc[hour_index]
    if sc.periods:
        load = rescale(load, full_load, agg)
    ts = _year(tables["load"], year).drop_duplicates("hour").set_index("hour")["timestamp"].sort_index()
    timestamps = pd.DatetimeIndex(ts.iloc[hour_index].to_numpy())

    # --- thermal ---------------------------------------------------------------------------------------------
    th = _thermal_table(tables, sc, fuels)
    gas_tech = _tech(techs, "gas_ccgt", year)
    gas_fuel = fuels.set_index("fuel").loc["gas"]
    standing_gas = float(th.loc[th["carrier"] == "gas", "p_nom"].sum())
    gas_target = _target(targets, "gas_capacity", year) or 0.0
    if expand:
        prior = {b: mw for (t, b), mw in inherited.items() if t == "gas_ccgt"}
        potential = sites[sites["tech"] == "gas_ccgt"].set_index("bus")["p_max_mw"].to_dict()
        th = _add_generic_thermal(th, sites, gas_tech, gas_fuel, 0.0, potential, "new_gas")
        for bus, mw in prior.items():  # myopic: capacity built in an earlier year now stands, sunk
            th.loc[f"new_gas_{bus}", ["p_nom"]] = mw
            th.loc[f"new_gas_{bus}", "p_nom_max"] = max(th.loc[f"new_gas_{bus}", "p_nom_max"], mw)
    elif gas_target > standing_gas:
        th = _add_generic_thermal(th, sites, gas_tech, gas_fuel, gas_target - standing_gas, None, "plan_gas")
    if "gas" in sc.without:
        th = th[~th["increment"]]
    th["marginal_cost"] = th["heat_rate"] * th["fuel_price"] + th["vom"] + sc.carbon_price * th["co2_per_mwh"]
    thermal_units = th
    th, thermal_units = group_identical_units(th)

    # --- renewables --------------------------------------------------------------------------------------------
    cf = cf_full.iloc[hour_index]
    if sc.periods:
        cf = rescale(cf, cf_full, agg, upper=1.0)
    cf = cf.where(cf >= A.CAPACITY_FACTOR_FLOOR, 0.0)
    re_sites = sites[sites["tech"].isin(["pv_rooftop", "pv_ground", "wind_onshore"])]
    re_rows = []
    for s in re_sites.itertuples():
        key = f"{s.tech}@{s.bus}"
        if key not in cf.columns:
            continue
        tech = _tech(techs, s.tech, year)
        re_rows.append(
            {
                "key": key,
                "tech": s.tech,
                "bus": s.bus,
                "existing": s.existing_mw,
                "p_max": s.p_max_mw,
                "plan_share": s.plan_share,
                "annuity": float(tech["annuity_cny_per_yr"]),
                "vom": float(tech["vom_cny_per_mwh"]),
            }
        )
    re = pd.DataFrame(re_rows).set_index("key")
    re["p_nom"] = re["existing"] + [inherited.get((t, b), 0.0) for t, b in zip(re["tech"], re["bus"])]
    waste_mw = float(th.loc[th["carrier"] == "waste", "p_nom"].sum())
    re_target = _target(targets, "re_capacity", year) or 0.0
    re["increment"] = 0.0
    if not expand and re_target > re["p_nom"].sum() + waste_mw:
        gap = re_target - re["p_nom"].sum() - waste_mw
        for tech, share in _plan_re_split().items():
            mask = re["tech"] == tech
            re.loc[mask, "increment"] = gap * share * re.loc[mask, "plan_share"]
    if "renewables" in sc.without:
        re["increment"] = 0.0
    re["p_nom"] = re["p_nom"] + re["increment"]
    re["p_nom_max"] = re[["p_nom", "p_max"]].max(axis=1) if expand else re["p_nom"]

    # --- storage -------------------------------------------------------------------------------------------------
    st_rows = []
    for s in tables["storage_units"].itertuples():
        if s.start_year <= year:
            st_rows.append(
                {
                    "id": s.unit,
                    "bus": s.bus,
                    "carrier": s.carrier,
                    "p_nom": s.p_nom_mw,
                    "e_nom": s.energy_mwh,
                    "eff_charge": s.eff_charge,
                    "eff_discharge": s.eff_discharge,
                    "p_nom_max": s.p_nom_mw,
                    "e_nom_max": s.energy_mwh,
                    "annuity_p": 0.0,
                    "annuity_e": 0.0,
                    "increment": False,
                }
            )
    bp, be = _tech(techs, "battery_power", year), _tech(techs, "battery_energy", year)
    plan_storage = sc.storage_mw if sc.storage_mw is not None else (_target(targets, "storage_capacity", year) or 0.0)
    if "storage" in sc.without:
        plan_storage = 0.0
    batt_sites = sites[sites["tech"] == "battery_power"]
    energy_max = sites[sites["tech"] == "battery_energy"].set_index("bus")["p_max_mw"]
    eff = float(np.sqrt(bp["efficiency"])) if bp["efficiency"] < 1 else 0.95
    for s in batt_sites.itertuples():
        fixed_p = 0.0 if expand else plan_storage * s.plan_share
        fixed_p += inherited.get(("battery_power", s.bus), 0.0)
        fixed_e = 0.0 if expand else fixed_p * sc.storage_hours
        fixed_e += inherited.get(("battery_energy", s.bus), 0.0)
        p_max = max(fixed_p, s.p_max_mw) if expand else fixed_p
        e_max = max(fixed_e, float(energy_max.get(s.bus, 0.0))) if expand else fixed_e
        if p_max <= 0:
            continue
        st_rows.append(
            {
                "id": f"battery_{s.bus}",
                "bus": s.bus,
                "carrier": "battery",
                "p_nom": fixed_p,
                "e_nom": fixed_e,
                "eff_charge": eff,
                "eff_discharge": eff,
                "p_nom_max": p_max,
                "e_nom_max": e_max,
                "annuity_p": float(bp["annuity_cny_per_yr"]),
                "annuity_e": float(be["annuity_cny_per_yr"]),
                "increment": not expand,
            }
        )
    storage = pd.DataFrame(st_rows).set_index("id")

    # --- demand response -------------------------------------------------------------------------------------
    dr_tech = _tech(techs, "dr_peak", year)
    dr_share = sc.dr_share
    if dr_share is None:
        dr_share = _target(targets, "dr_capability", year) or (A.PLAN_DR_SHARE_2025 if year <= 2025 else 0.0)
        if expand:
            dr_share = 0.0
    if "demand_response" in sc.without:
        dr_share = 0.0
    district_peak = full_load.max()
    dr_potential = sites[sites["tech"] == "dr_peak"].set_index("bus")["p_max_mw"]
    dr = pd.DataFrame(
        {
            "p_nom": dr_share * peak * full_load.loc[full_load.sum(axis=1).idxmax()] / peak
            + pd.Series({b: inherited.get(("dr_peak", b), 0.0) for b in districts}),
            "district_peak": district_peak,
        }
    )
    dr["p_nom_max"] = np.maximum(dr["p_nom"], dr_potential.reindex(dr.index).fillna(0.0)) if expand else dr["p_nom"]
    dr["annuity"] = float(dr_tech["annuity_cny_per_yr"])
    dr["cost_per_mwh"] = float(dr_tech["vom_cny_per_mwh"])
    dr["max_hours_per_day"] = A.DR_MAX_HOURS_PER_DAY
    dr["shift_mw"] = sc.dr_shift_share * district_peak
    dr["shift_cost_per_mwh"] = A.DR_SHIFT_COST_CNY_PER_MWH
    dr.index.name = "bus"

    # --- imports -----------------------------------------------------------------------------------------------
    src = _year(tables["import_sources"], year).set_index("source")
    src = src.assign(p_max=src["p_max_mw"] * sc.import_scale)
    if "clean_imports" in sc.without:
        src.loc[src["clean"], "p_max"] = 0.0
    avail = avail_full.iloc[hour_index][list(src.index)]
    if sc.periods:
        avail = rescale(avail, avail_full[list(src.index)], agg, upper=1.0)
    ic = _tech(techs, "import_contract", year)
    links = tables["links"].set_index("link")
    links = links.assign(p_nom=links["p_nom_mw"] * sc.import_scale)
    ic_sites = sites[sites["tech"] == "import_contract"].set_index("bus")["p_max_mw"]
    links["p_nom_max"] = (links["p_nom"] + links["bus1"].map(ic_sites).fillna(0.0)) if expand else links["p_nom"]
    links["annuity"] = float(ic["annuity_cny_per_yr"])

    lines = tables["lines"].set_index("line")
    coords = buses.set_index("bus")[["lat", "lon"]]
    return ModelData(
        scenario=sc,
        timestamps=timestamps,
        districts=districts,
        externals=externals,
        load=load.reset_index(drop=True),
        thermal=th,
        renewables=re,
        renewable_cf=cf[list(re.index)].reset_index(drop=True),
        storage=storage,
        demand_response=dr,
        import_sources=src,
        import_availability=avail.reset_index(drop=True),
        links=links,
        lines=lines,
        bus_coords=coords,
        targets=targets,
        peak_load_mw=peak,
        weights=weights,
        period_start=period_start,
        chronology=chronology,
        thermal_units=thermal_units,
    )


#: Units that agree in all of these dispatch identically in an LP and are modelled as one group.
GROUP_KEY = (
    "bus",
    "carrier",
    "technology",
    "status",
    "availability",
    "ramp",
    "min_stable",
    "heat_rate",
    "fuel_price",
    "co2_per_mwh",
    "vom",
    "fom",
    "annuity",
    "increment",
    "marginal_cost",
)


def group_identical_units(th: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge fixed-capacity units with identical parameters in one district into one element.

    Exact for this LP: every constraint of a unit (capacity, ramp, minimum stable output) scales with its capacity,
    so any output of the group split pro rata to capacity (``share``) is feasible for each member at the same
    cost. Halves the thermal columns and ramp rows of the Guangzhou model (44 units -> 22 groups). Extendable units
    stay alone. Returns the group table (index: group name) and the unit table with its group and share.
    """
    units = th.copy()
    units["group"] = units.index.to_numpy()
    fixed = units[units["p_nom_max"] <= units["p_nom"] + 1e-9]
    taken: set[str] = set(units.index)
    for _, members in fixed.groupby(list(GROUP_KEY), sort=False, dropna=False):
        if len(members) < 2:
            continue
        first = members.iloc[0]
        name = f"{first['bus']} {first['carrier']} {first['technology']} x{len(members)}"
        while name in taken:
            name += "'"
        taken.add(name)
        units.loc[members.index, "group"] = name
    units["share"] = units["p_nom"] / units.groupby("group")["p_nom"].transform("sum").where(lambda x: x > 0, 1.0)
    units.loc[units["p_nom"] <= 0, "share"] = 1.0 / units.groupby("group")["p_nom"].transform("size")
    summed = units.groupby("group", sort=False)[["p_nom", "p_nom_max"]].sum()
    groups = units.drop_duplicates("group").set_index("group")[list(th.columns)]
    groups[["p_nom", "p_nom_max"]] = summed.loc[groups.index]
    groups.index.name = "unit"
    return groups, units
