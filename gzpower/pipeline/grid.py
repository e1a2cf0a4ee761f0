"""Grid, fleet, cost and target tables from the raw public data (``../shared/data/raw``).

:func:`build_grid` returns the ten tables declared in :mod:`gzpower.inputs.schemas` (buses, lines, links,
import_sources,
units, storage_units, technologies, fuels, sites, targets), each conformed to its declaration: column order,
dtypes, sorted by key. Figures that are assumptions come from :mod:`gzpower.assumptions`; figures from a source
(FACTS.md, the GEM trackers, the costs files) are module-level data here, each with its origin.

Rules, in the order of the tables:

* buses: district seats and populations from FACTS.md; the ~325 (10k persons) of Yuexiu, Liwan and Huangpu split by
  POP_SHARE_*; ``load_weight`` = population x industrial uplift (Huangpu, Nansha), normalised to 1.
  ``has_500kv`` for HAS_500KV_DISTRICTS. External nodes at notional positions (for maps only).
* lines: one 220 kV corridor per pair in :data:`CORRIDORS` (districts that share a border); length = haversine x
  LINE_ROUTING_FACTOR, x = LINE_X_OHM_PER_KM x length / circuits, s_nom = circuits x LINE_RATING_MW_PER_CIRCUIT.
* links: each external node to each 500 kV district, its total (IMPORT_CAPACITY_*) split equally.
* import_sources: guangdong_grid and west_east_clean per year, p_max = the node's interface total.
* units: every GEM gas and coal unit (all statuses) plus the waste-to-energy fleet; see :func:`gem_gas_units`,
  :func:`gem_coal_units`, :func:`waste_units`.
* storage_units: Conghua pumped storage x PSH_CITY_SHARE.
* technologies: capex China-specific where the literature review has CNY rows (median of the CNY-denominated
  studies, linear in the year between its decade columns), else the costs csv in EUR; FOM (%/yr of capex), VOM,
  lifetime, efficiency from costs_<year>.csv; annuity = capex x CRF(DISCOUNT_RATE, lifetime) + FOM.
* fuels: Chinese gas and coal prices (assumptions; the csv's BP 2019 European prices are noted), CO2 from the csv.
* sites: existing capacity, potential and plan shares per tech and district (:func:`build_sites`).
* targets: the FACTS.md plan-target table as data (:data:`TARGET_ROWS`).
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from gzpower.assumptions import (
    ABOUT_TARGET_TOLERANCE,
    AVAILABILITY_COAL,
    AVAILABILITY_GAS,
    AVAILABILITY_WASTE,
    BATTERY_MAX_HOURS,
    BATTERY_POWER_POTENTIAL_MW,
    BATTERY_ROUND_TRIP_EFFICIENCY,
    CO2_GUANGDONG_GRID_T_PER_MWH,
    CO2_WEST_EAST_CLEAN_T_PER_MWH,
    COAL_PRICE_CNY_PER_T,
    COSTS_YEAR_FOR_2023,
    DISCOUNT_RATE,
    DR_HOLDING_COST_CNY_PER_MW_YR,
    DR_POTENTIAL_SHARE_OF_PEAK,
    DR_SHED_COST_CNY_PER_MWH,
    EUR_TO_CNY,
    EXISTING_PV_GROUND_MW,
    EXISTING_PV_ROOFTOP_MW,
    EXISTING_WIND_NANSHA_MW,
    GAS_PRICE_CNY_PER_MWH_TH,
    GAS_SITE_HEADROOM_MW,
    GAS_ST_EFFICIENCY,
    GAS_UNKNOWN_TECHNOLOGY,
    GEM_UNKNOWN_START_YEAR,
    HAS_500KV_DISTRICTS,
    IMPORT_CAPACITY_GUANGDONG_GRID_MW,
    IMPORT_CAPACITY_WEST_EAST_CLEAN_MW,
    IMPORT_CONTRACT_MAX_MW_PER_DISTRICT,
    IMPORT_INTERFACE_CAPEX_CNY_PER_MW,
    IMPORT_INTERFACE_FOM_SHARE,
    IMPORT_INTERFACE_LIFETIME_YR,
    IMPORT_LINK_EFFICIENCY,
    IMPORT_LINK_SPLIT_RULE,
    LINE_CIRCUITS_CORE,
    LINE_CIRCUITS_OUTER,
    LINE_CIRCUITS_TRUNK,
    LINE_RATING_MW_PER_CIRCUIT,
    LINE_ROUTING_FACTOR,
    LINE_VOLTAGE_KV,
    LINE_X_OHM_PER_KM,
    LOAD_UPLIFT_HUANGPU,
    LOAD_UPLIFT_NANSHA,
    MIN_STABLE_COAL,
    MIN_STABLE_GAS_CCGT,
    MIN_STABLE_GAS_OCGT,
    MIN_STABLE_GAS_ST,
    MIN_STABLE_WASTE,
    POP_SHARE_HUANGPU,
    POP_SHARE_LIWAN,
    POP_SHARE_YUEXIU,
    PRICE_GUANGDONG_GRID_CNY_PER_MWH,
    PRICE_WEST_EAST_CLEAN_CNY_PER_MWH,
    PSH_CITY_SHARE,
    PSH_HOURS_AT_FULL_POWER,
    PV_GROUND_POTENTIAL_CONGHUA_MW,
    PV_GROUND_POTENTIAL_HUADU_MW,
    PV_GROUND_POTENTIAL_NANSHA_MW,
    PV_GROUND_POTENTIAL_ZENGCHENG_MW,
    PV_ROOFTOP_POTENTIAL_MW,
    RAMP_COAL,
    RAMP_GAS_CCGT,
    RAMP_GAS_OCGT,
    RAMP_GAS_ST,
    RAMP_WASTE,
    STORAGE_TARGET_CARRIED_TO_2030,
    WASTE_CO2_T_PER_MWH_TH,
    WASTE_FUEL_PRICE_CNY_PER_MWH_TH,
    WIND_POTENTIAL_CONGHUA_MW,
    WIND_POTENTIAL_NANSHA_MW,
    WTE_CAPEX_CNY_PER_KW,
    WTE_FUSHAN_PHASE2_MW,
    WTE_FUSHAN_PHASE2_START_YEAR,
    WTE_OTHER_FLEET_DISTRICTS,
    WTE_OTHER_FLEET_MW,
    WTE_OTHER_FLEET_START_YEAR,
)
from gzpower.errors import InputError
from gzpower.inputs.plan import COAL_REPLACEMENT_GAS_UNITS, COAL_REPLACEMENT_PLANTS
from gzpower.inputs.schemas import (
    BUILDABLE_TECHS,
    BUSES,
    CALIBRATION_YEAR,
    DISTRICTS,
    EXTERNAL_BUSES,
    FUELS,
    IMPORT_SOURCES,
    LINES,
    LINKS,
    SITES,
    STORAGE_UNITS,
    TARGETS,
    TECHNOLOGIES,
    UNITS,
    YEARS,
    Table,
)

# --- raw files ---------------------------------------------------------------------------------------------
GEM_GAS_FILE = "GEM_GGPT-Feb2023_Guangzhou_gas_units_extract.csv"
GEM_COAL_FILE = "GEM_GCPT-Jul2023_Guangzhou_coal_units_extract.csv"
COSTS_FILE = "costs_{year}.csv"
CHINA_COSTS_FILE = "tech_costs_subset_litreview.csv"

# --- source figures ----------------------------------------------------------------------------------------
# District seats (lat, lon), FACTS.md.
DISTRICT_SEATS: dict[str, tuple[float, float]] = {
    "Yuexiu": (23.13, 113.27),
    "Haizhu": (23.08, 113.32),
    "Liwan": (23.12, 113.24),
    "Tianhe": (23.12, 113.36),
    "Baiyun": (23.16, 113.27),
    "Huangpu": (23.10, 113.46),
    "Panyu": (22.94, 113.38),
    "Huadu": (23.40, 113.22),
    "Nansha": (22.80, 113.53),
    "Conghua": (23.55, 113.59),
    "Zengcheng": (23.26, 113.81),
}
# Resident population, 10k persons, end 2021 (FACTS.md); Yuexiu, Liwan, Huangpu share the remainder.
DISTRICT_POPULATION_10K: dict[str, float] = {
    "Baiyun": 368.91,
    "Panyu": 281.83,
    "Tianhe": 223.86,
    "Haizhu": 182.18,
    "Huadu": 170.93,
    "Zengcheng": 152.0,
    "Nansha": 90.04,
    "Conghua": 72.74,
}
CITY_POPULATION_10K = 1867.66  # 2020 census, FACTS.md
CITY_PEAK_2024_MW = 22490.0  # 2024-07-08, FACTS.md
# Notional positions of the external nodes (maps only; no physics uses them): the provincial grid south-west of
# the city (Pearl River Delta load centre), the West-to-East corridors arriving from the west.
EXTERNAL_BUS_POSITIONS: dict[str, tuple[float, float]] = {
    "Guangdong_grid": (22.90, 113.10),
    "West_East_clean": (23.30, 112.80),
}
BTU_PER_KWH = 3412.14  # 1 kWh = 3412.14 Btu: heat rate Btu/kWh / 3412.14 = MWh_th/MWh_el
KWH_PER_KCAL = 1.0 / 859.845
COAL_REFERENCE_KCAL_PER_KG = 5500.0  # the price reference grade of Chinese thermal coal (CCI 5500)
PSH_UNITS, PSH_UNIT_MW = 8, 300.0  # Conghua pumped storage, FACTS.md
PSH_ROUND_TRIP = 0.8  # "about 80 %", FACTS.md
PSH_START_YEAR = 2000  # phase II completed 2000 (phase I 1994)

# --- data-driven tables -------------------------------------------------------------------------------------
# 220 kV corridors between districts that share a border; class -> circuits (assumptions LINE_CIRCUITS_*).
CORRIDORS: tuple[tuple[str, str, str], ...] = (
    ("Yuexiu", "Liwan", "core"),
    ("Yuexiu", "Haizhu", "core"),
    ("Yuexiu", "Tianhe", "core"),
    ("Yuexiu", "Baiyun", "core"),
    ("Liwan", "Haizhu", "core"),
    ("Liwan", "Baiyun", "core"),
    ("Haizhu", "Tianhe", "core"),
    ("Haizhu", "Panyu", "core"),
    ("Haizhu", "Huangpu", "core"),
    ("Tianhe", "Baiyun", "core"),
    ("Tianhe", "Huangpu", "core"),
    ("Baiyun", "Huangpu", "core"),
    ("Baiyun", "Huadu", "core"),
    ("Huangpu", "Panyu", "core"),
    ("Huangpu", "Zengcheng", "core"),
    ("Panyu", "Nansha", "trunk"),
    ("Baiyun", "Conghua", "outer"),
    ("Huadu", "Conghua", "outer"),
    ("Huangpu", "Conghua", "outer"),
    ("Conghua", "Zengcheng", "outer"),
)
CIRCUITS_BY_CLASS = {"core": LINE_CIRCUITS_CORE, "outer": LINE_CIRCUITS_OUTER, "trunk": LINE_CIRCUITS_TRUNK}

# GEM status -> schema status (identity for the values the schema allows).
GEM_STATUS_MAP = {
    "operating": "operating",
    "construction": "construction",
    "pre-construction": "pre-construction",
    "pre-permit": "pre-construction",
    "permitted": "pre-construction",
    "announced": "announced",
    "shelved": "shelved",
    "cancelled": "cancelled",
    "retired": "retired",
    "mothballed": "mothballed",
}
GEM_GAS_TECHNOLOGY_MAP = {"CC": "CCGT", "GT": "OCGT", "ST": "ST", "ICCC": "CCGT", "AFC": "CCGT"}
DISTRICT_ALIASES = {"Luogang": "Huangpu"}  # Luogang district merged into Huangpu in 2014

# Per-technology operation parameters (assumptions): (ramp, min stable, availability).
OPERATION_BY_TECH: dict[tuple[str, str], tuple[float, float, float]] = {
    ("gas", "CCGT"): (RAMP_GAS_CCGT, MIN_STABLE_GAS_CCGT, AVAILABILITY_GAS),
    ("gas", "OCGT"): (RAMP_GAS_OCGT, MIN_STABLE_GAS_OCGT, AVAILABILITY_GAS),
    ("gas", "ST"): (RAMP_GAS_ST, MIN_STABLE_GAS_ST, AVAILABILITY_GAS),
    ("coal", "*"): (RAMP_COAL, MIN_STABLE_COAL, AVAILABILITY_COAL),
    ("waste", "*"): (RAMP_WASTE, MIN_STABLE_WASTE, AVAILABILITY_WASTE),
}
# Costs-csv technology whose FOM/VOM/efficiency an existing unit takes; capex basis for its FOM in CNY/kW.
UNIT_COST_ROWS = {
    ("gas", "CCGT"): "CCGT",
    ("gas", "ST"): "CCGT",
    ("gas", "OCGT"): "OCGT",
    ("coal", "*"): "coal",
    ("waste", "*"): "waste CHP",
}

# Buildable options: costs-csv technology for FOM/VOM/lifetime/efficiency, China literature-review technology
# for capex and its unit (None: no China row, EUR capex from the costs csv).
TECH_COST_ROWS: dict[str, tuple[str, str | None, str | None]] = {
    "gas_ccgt": ("CCGT", "gas", "cny/kw"),
    "pv_rooftop": ("solar-rooftop", "Distributed solar", "cny/kw"),
    "pv_ground": ("solar-utility", "solar-utility", "cny/kw"),
    "wind_onshore": ("onwind", "onwind", "cny/kw"),
    "battery_power": ("battery inverter", None, None),
    "battery_energy": ("battery storage", "battery storage", "cny/kwh"),
}
TECH_CARRIER = {
    "gas_ccgt": "gas",
    "pv_rooftop": "solar",
    "pv_ground": "solar",
    "wind_onshore": "wind",
    "battery_power": "battery",
    "battery_energy": "battery",
    "dr_peak": "dr",
    "import_contract": "import",
}

PV_GROUND_POTENTIAL_MW = {
    "Conghua": PV_GROUND_POTENTIAL_CONGHUA_MW,
    "Zengcheng": PV_GROUND_POTENTIAL_ZENGCHENG_MW,
    "Huadu": PV_GROUND_POTENTIAL_HUADU_MW,
    "Nansha": PV_GROUND_POTENTIAL_NANSHA_MW,
}
WIND_POTENTIAL_MW = {"Nansha": WIND_POTENTIAL_NANSHA_MW, "Conghua": WIND_POTENTIAL_CONGHUA_MW}
EXISTING_WIND_MW = {"Nansha": EXISTING_WIND_NANSHA_MW}
ROOFTOP_PV_PILOT_DISTRICTS = ("Huangpu", "Huadu", "Conghua")  # plan 三(一)4: whole-district rooftop PV pilots

# The plan's power targets (FACTS.md table): id, year, value, unit, kind, tolerance, section, description.
_ABOUT = ABOUT_TARGET_TOLERANCE
TARGET_ROWS: tuple[tuple, ...] = (
    (
        "gas_capacity",
        2025,
        9000.0,
        "MW",
        "at_least",
        0.0,
        "三(一)3",
        "Installed gas-fired generation built: 9 GW (900万千瓦) by 2025.",
    ),
    (
        "gas_capacity",
        2030,
        12000.0,
        "MW",
        "at_least",
        0.0,
        "三(一)3",
        "Strive (力争) for 12 GW of gas-fired generation by 2030.",
    ),
    (
        "re_capacity",
        2025,
        2500.0,
        "MW",
        "about",
        _ABOUT,
        "三(一)4",
        "Renewable generation (PV, wind, biomass/waste-to-energy) about 2.5 GW (250万千瓦左右) by 2025.",
    ),
    (
        "re_capacity",
        2030,
        3000.0,
        "MW",
        "about",
        _ABOUT,
        "三(一)4",
        "Renewable generation about 3 GW (300万千瓦左右) by 2030.",
    ),
    (
        "storage_capacity",
        2025,
        200.0,
        "MW",
        "about",
        _ABOUT,
        "三(一)5",
        "New-type energy storage (batteries etc., not pumped hydro) about 200 MW (20万千瓦左右) by 2025.",
    ),
    (
        "dr_capability",
        2030,
        0.05,
        "share of peak load",
        "at_least",
        0.0,
        "三(一)5",
        "Peak-load demand response capability of at least 5 % of peak load (5%以上的尖峰负荷响应能力) by 2030.",
    ),
    (
        "re_absorption",
        2025,
        1.0,
        "-",
        "boolean",
        0.0,
        "三(一)5",
        "Local new energy connected and fully absorbed (应接尽接、全额消纳): no curtailment of local renewables.",
    ),
    (
        "re_absorption",
        2030,
        1.0,
        "-",
        "boolean",
        0.0,
        "三(一)5",
        "Local new energy connected and fully absorbed: no curtailment of local renewables.",
    ),
    (
        "clean_imports",
        2025,
        None,
        "-",
        "qualitative",
        0.0,
        "三(一)5",
        "Actively take in clean power from outside the region (积极接纳区外清洁能源送入).",
    ),
    (
        "clean_imports",
        2030,
        None,
        "-",
        "qualitative",
        0.0,
        "三(一)5",
        "Actively take in clean power from outside the region.",
    ),
    (
        "coal",
        2025,
        None,
        "-",
        "qualitative",
        0.0,
        "三(一)1",
        "Replace the Zhujiang and Hengyun coal units near end of life by equal capacity (等容量替代); cut "
        "non-power coal use.",
    ),
    (
        "coal",
        2030,
        None,
        "-",
        "qualitative",
        0.0,
        "三(一)1",
        "Replace the Zhujiang and Hengyun coal units near end of life by equal capacity; cut non-power coal use.",
    ),
    (
        "rooftop_pv",
        2025,
        0.5,
        "share of new roofs",
        "at_least",
        0.0,
        "三(四)18",
        "Rooftop PV on new public-institution buildings and new factories: strive for 50 % coverage by 2025 "
        "(not measurable in the power model).",
    ),
    (
        "building_electrification",
        2030,
        0.85,
        "share of civil-building energy",
        "at_least",
        0.0,
        "三(四)18",
        "Electricity at least 85 % of civil-building energy use by 2030 (not measurable in the power model).",
    ),
    (
        "ev_share",
        2025,
        0.5,
        "share of new car sales",
        "at_least",
        0.0,
        "三(五)20",
        "New-energy vehicles at least 50 % of new car sales by 2025 (not measurable in the power model).",
    ),
    (
        "energy_intensity",
        2025,
        -0.145,
        "change vs 2020",
        "at_most",
        0.0,
        "二",
        "Energy use per unit GDP 14.5 % below 2020 by 2025 (not measurable in the power model).",
    ),
    (
        "energy_intensity",
        2030,
        None,
        "-",
        "qualitative",
        0.0,
        "二",
        "Energy use per unit GDP keeps falling, at a leading national level.",
    ),
    ("peak_co2", 2030, 1.0, "-", "boolean", 0.0, "二", "City CO2 emissions peak before 2030."),
)
if STORAGE_TARGET_CARRIED_TO_2030:
    TARGET_ROWS = TARGET_ROWS + (
        (
            "storage_capacity",
            2030,
            200.0,
            "MW",
            "at_least",
            0.0,
            "三(一)5",
            "Plan states ~200 MW for 2025 only; carried into 2030 as a floor (STORAGE_TARGET_CARRIED_TO_2030).",
        ),
    )


# --- conversions ---------------------------------------------------------------------------------------------
def heat_rate_from_btu_per_kwh(btu_per_kwh: float) -> float:
    """GEM heat rate (Btu/kWh) -> MWh_th per MWh_el: divide by 3412.14 Btu/kWh."""
    return float(btu_per_kwh) / BTU_PER_KWH


def co2_t_per_mwh_th_from_kg_per_tj(kg_per_tj: float) -> float:
    """GEM emission factor (kg CO2/TJ) -> t CO2/MWh_th: 1 MWh = 3.6e-3 TJ, 1 t = 1000 kg."""
    return float(kg_per_tj) * 3.6e-3 / 1000.0


def capital_recovery_factor(rate: float, lifetime_yr: float) -> float:
    """CRF = r / (1 - (1 + r)^-n); 1/n at r = 0."""
    if rate == 0:
        return 1.0 / lifetime_yr
    return rate / (1.0 - (1.0 + rate) ** (-lifetime_yr))


def annuity(capex: float, lifetime_yr: float, rate: float, fom_per_yr: float) -> float:
    """Yearly cost of one unit of capacity: capex x CRF(rate, lifetime) + fixed O&M."""
    return capex * capital_recovery_factor(rate, lifetime_yr) + fom_per_yr


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points, km (Earth radius 6371 km)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _district_list(spec: str) -> tuple[str, ...]:
    names = tuple(s.strip() for s in spec.split(",") if s.strip())
    unknown = [n for n in names if n not in DISTRICTS]
    if unknown:
        raise ValueError(f"unknown districts in assumption: {unknown}")
    return names


def conform(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Columns in declared order and dtype (int64, float64, bool, python str), sorted by the key."""
    out = pd.DataFrame(index=df.index)
    for col in table.columns:
        if col.name not in df and col.default is not None:  # a column with a declared default may be left out
            df = df.assign(**{col.name: col.default})
        values = df[col.name]
        if col.dtype == "int":
            out[col.name] = values.astype("int64")
        elif col.dtype == "float":
            out[col.name] = pd.to_numeric(values, errors="raise").astype("float64")
        elif col.dtype == "bool":
            out[col.name] = values.astype(bool)
        elif col.dtype == "str":
            out[col.name] = pd.Series([str(v) for v in values], index=df.index, dtype=object)
        else:
            out[col.name] = values
    return out.sort_values(list(table.key)).reset_index(drop=True)


# --- buses, lines, links, imports --------------------------------------------------------------------------
def district_population_10k() -> dict[str, float]:
    """FACTS.md populations plus the remainder split over Yuexiu, Liwan, Huangpu by POP_SHARE_*."""
    pop = dict(DISTRICT_POPULATION_10K)
    remainder = CITY_POPULATION_10K - sum(pop.values())
    shares = {"Yuexiu": POP_SHARE_YUEXIU, "Liwan": POP_SHARE_LIWAN, "Huangpu": POP_SHARE_HUANGPU}
    total_share = sum(shares.values())
    for district, share in shares.items():
        pop[district] = remainder * share / total_share
    return pop


def build_buses() -> pd.DataFrame:
    """Districts (population, load weight, 500 kV flag) and the two external nodes."""
    pop = district_population_10k()
    uplift = {"Huangpu": LOAD_UPLIFT_HUANGPU, "Nansha": LOAD_UPLIFT_NANSHA}
    raw_weight = {d: pop[d] * uplift.get(d, 1.0) for d in DISTRICTS}
    total = sum(raw_weight.values())
    has_500kv = set(_district_list(HAS_500KV_DISTRICTS))
    rows = [
        {
            "bus": d,
            "kind": "district",
            "lat": DISTRICT_SEATS[d][0],
            "lon": DISTRICT_SEATS[d][1],
            "population_10k": pop[d],
            "load_weight": raw_weight[d] / total,
            "has_500kv": d in has_500kv,
        }
        for d in DISTRICTS
    ]
    rows += [
        {
            "bus": b,
            "kind": "external",
            "lat": EXTERNAL_BUS_POSITIONS[b][0],
            "lon": EXTERNAL_BUS_POSITIONS[b][1],
            "population_10k": 0.0,
            "load_weight": 0.0,
            "has_500kv": False,
        }
        for b in EXTERNAL_BUSES
    ]
    return conform(pd.DataFrame(rows), BUSES)


def build_lines() -> pd.DataFrame:
    """One 220 kV corridor per :data:`CORRIDORS` entry (length, reactance, rating per the module docstring)."""
    rows = []
    for a, b, kind in CORRIDORS:
        circuits = int(CIRCUITS_BY_CLASS[kind])
        length = haversine_km(DISTRICT_SEATS[a], DISTRICT_SEATS[b]) * LINE_ROUTING_FACTOR
        rows.append(
            {
                "line": f"{a}-{b}",
                "bus0": a,
                "bus1": b,
                "voltage_kv": float(LINE_VOLTAGE_KV),
                "length_km": length,
                "circuits": circuits,
                "x_ohm": LINE_X_OHM_PER_KM * length / circuits,
                "s_nom_mw": circuits * LINE_RATING_MW_PER_CIRCUIT,
            }
        )
    return conform(pd.DataFrame(rows), LINES)


IMPORT_TOTAL_MW = {
    "Guangdong_grid": IMPORT_CAPACITY_GUANGDONG_GRID_MW,
    "West_East_clean": IMPORT_CAPACITY_WEST_EAST_CLEAN_MW,
}


def build_links() -> pd.DataFrame:
    """Each external node to each 500 kV district; the node's total split equally (IMPORT_LINK_SPLIT_RULE)."""
    if IMPORT_LINK_SPLIT_RULE != "equal":
        raise ValueError(f"unsupported IMPORT_LINK_SPLIT_RULE {IMPORT_LINK_SPLIT_RULE!r}")
    landing = _district_list(HAS_500KV_DISTRICTS)
    rows = [
        {
            "link": f"{ext}-{d}",
            "bus0": ext,
            "bus1": d,
            "p_nom_mw": IMPORT_TOTAL_MW[ext] / len(landing),
            "efficiency": float(IMPORT_LINK_EFFICIENCY),
        }
        for ext in EXTERNAL_BUSES
        for d in landing
    ]
    return conform(pd.DataFrame(rows), LINKS)


def build_import_sources() -> pd.DataFrame:
    """guangdong_grid (coal-dominated provincial supply) and west_east_clean (hydro) for each milestone year."""
    spec = (
        ("guangdong_grid", "Guangdong_grid", PRICE_GUANGDONG_GRID_CNY_PER_MWH, CO2_GUANGDONG_GRID_T_PER_MWH, False),
        ("west_east_clean", "West_East_clean", PRICE_WEST_EAST_CLEAN_CNY_PER_MWH, CO2_WEST_EAST_CLEAN_T_PER_MWH, True),
    )
    rows = [
        {
            "source": s,
            "year": y,
            "bus": bus,
            "p_max_mw": IMPORT_TOTAL_MW[bus],
            "price_cny_per_mwh": price,
            "co2_t_per_mwh": co2,
            "clean": clean,
        }
        for s, bus, price, co2, clean in spec
        for y in YEARS
    ]
    return conform(pd.DataFrame(rows), IMPORT_SOURCES)


# --- costs -------------------------------------------------------------------------------------------------
def read_costs(raw: Path, year: int) -> pd.DataFrame:
    """costs_<year>.csv (PyPSA technology-data layout)."""
    return pd.read_csv(Path(raw) / COSTS_FILE.format(year=year))


def cost_param(costs: pd.DataFrame, technology: str, parameter: str, default: float | None = None) -> float:
    """One value of the costs table; ``default`` when the row is absent (else an InputError)."""
    hit = costs[(costs["technology"] == technology) & (costs["parameter"] == parameter)]
    if hit.empty:
        if default is not None:
            return default
        raise InputError("costs csv", f"no row technology={technology!r} parameter={parameter!r}")
    return float(hit["value"].iloc[0])


def _eur_capex_cny_per_mw(costs: pd.DataFrame, technology: str) -> float:
    """Costs-csv investment (EUR/kW or EUR/kWh) -> CNY/MW (or CNY/MWh)."""
    hit = costs[(costs["technology"] == technology) & (costs["parameter"] == "investment")]
    unit = str(hit["unit"].iloc[0])
    if not unit.startswith("EUR/kW"):
        raise InputError("costs csv", f"unexpected investment unit {unit!r} for {technology}")
    return float(hit["value"].iloc[0]) * EUR_TO_CNY * 1000.0


def china_capex_cny(china: pd.DataFrame, technology: str, unit: str, year: int) -> tuple[float, str]:
    """Median over the China literature-review rows of ``technology`` in ``unit`` (CNY per kW or kWh) at ``year``.

    Each study is interpolated linearly in the year between its decade columns ('-' = no value). Returns the
    value per MW (or MWh) and the list of studies used.
    """
    rows = china[(china["technology"] == technology) & (china["unit"].str.lower() == unit)]
    decades = [c for c in china.columns if c.isdigit()]
    values, refs = [], []
    for _, row in rows.iterrows():
        points = [(int(d), float(row[d])) for d in decades if str(row[d]).strip() not in ("-", "", "nan")]
        if not points or not points[0][0] <= year <= points[-1][0]:
            continue
        xs, ys = zip(*points)
        values.append(float(np.interp(year, xs, ys)))
        refs.append(str(row["reference"]))
    if not values:
        raise InputError(CHINA_COSTS_FILE, f"no {unit} row for {technology} covering {year}")
    return float(np.median(values)) * 1000.0, "; ".join(refs)


def build_technologies(raw: Path) -> pd.DataFrame:
    """Buildable options per year in CNY (rules in the module docstring)."""
    china = pd.read_csv(Path(raw) / CHINA_COSTS_FILE)
    rows = []
    for year in YEARS:
        costs = read_costs(raw, year)
        for tech, (csv_tech, china_tech, china_unit) in TECH_COST_ROWS.items():
            if china_tech is not None:
                capex, refs = china_capex_cny(china, china_tech, china_unit, year)
                capex_src = f"capex: median of China studies '{china_tech}' {china_unit} ({refs})"
            else:
                capex = _eur_capex_cny_per_mw(costs, csv_tech)
                capex_src = f"capex: costs_{year}.csv '{csv_tech}' investment x EUR_TO_CNY"
            fom_share = cost_param(costs, csv_tech, "FOM", default=0.0) / 100.0
            lifetime = cost_param(costs, csv_tech, "lifetime")
            vom = cost_param(costs, csv_tech, "VOM", default=0.0) * EUR_TO_CNY
            if tech == "battery_power":
                eff = math.sqrt(BATTERY_ROUND_TRIP_EFFICIENCY)
            elif tech == "battery_energy":
                eff = 1.0
            else:
                eff = cost_param(costs, csv_tech, "efficiency", default=1.0)
            rows.append(
                _tech_row(
                    tech,
                    year,
                    "MWh" if tech == "battery_energy" else "MW",
                    capex,
                    capex * fom_share,
                    vom,
                    lifetime,
                    eff,
                    f"{capex_src}; FOM/VOM/lifetime/efficiency: costs_{year}.csv '{csv_tech}'"
                    + ("; efficiency per leg = sqrt(BATTERY_ROUND_TRIP_EFFICIENCY)" if tech == "battery_power" else ""),
                )
            )
        rows.append(
            _tech_row(
                "dr_peak",
                year,
                "MW",
                0.0,
                DR_HOLDING_COST_CNY_PER_MW_YR,
                DR_SHED_COST_CNY_PER_MWH,
                1.0,
                1.0,
                "assumptions DR_HOLDING_COST_CNY_PER_MW_YR, DR_SHED_COST_CNY_PER_MWH",
            )
        )
        rows.append(
            _tech_row(
                "import_contract",
                year,
                "MW",
                IMPORT_INTERFACE_CAPEX_CNY_PER_MW,
                IMPORT_INTERFACE_CAPEX_CNY_PER_MW * IMPORT_INTERFACE_FOM_SHARE,
                0.0,
                IMPORT_INTERFACE_LIFETIME_YR,
                1.0,
                "assumptions IMPORT_INTERFACE_CAPEX_CNY_PER_MW, IMPORT_INTERFACE_FOM_SHARE, "
                "IMPORT_INTERFACE_LIFETIME_YR; energy priced in import_sources",
            )
        )
    df = pd.DataFrame(rows)
    missing = set(BUILDABLE_TECHS) - set(df["tech"])
    if missing:
        raise InputError("technologies", f"buildable options without costs: {sorted(missing)}")
    return conform(df, TECHNOLOGIES)


def _tech_row(tech, year, capacity_unit, capex, fom, vom, lifetime, eff, source) -> dict:
    return {
        "tech": tech,
        "year": year,
        "carrier": TECH_CARRIER[tech],
        "capacity_unit": capacity_unit,
        "capex_cny": capex,
        "fom_cny_per_yr": fom,
        "vom_cny_per_mwh": vom,
        "lifetime_yr": lifetime,
        "discount_rate": DISCOUNT_RATE,
        "annuity_cny_per_yr": annuity(capex, lifetime, DISCOUNT_RATE, fom),
        "efficiency": eff,
        "source": source,
    }


def coal_price_cny_per_mwh_th() -> float:
    """COAL_PRICE_CNY_PER_T of 5500 kcal/kg coal -> CNY/MWh_th."""
    mwh_th_per_t = COAL_REFERENCE_KCAL_PER_KG * 1000.0 * KWH_PER_KCAL / 1000.0
    return COAL_PRICE_CNY_PER_T / mwh_th_per_t


def build_fuels(raw: Path) -> pd.DataFrame:
    """Gas, coal, waste prices (Chinese assumptions) and CO2 intensities (costs csv; waste an assumption)."""
    rows = []
    for year in YEARS:
        costs = read_costs(raw, year)
        gas_eur, coal_eur = cost_param(costs, "gas", "fuel"), cost_param(costs, "coal", "fuel")
        rows += [
            {
                "fuel": "gas",
                "year": year,
                "price_cny_per_mwh_th": GAS_PRICE_CNY_PER_MWH_TH,
                "co2_t_per_mwh_th": cost_param(costs, "gas", "CO2 intensity"),
                "source": f"price: GAS_PRICE_CNY_PER_MWH_TH (costs_{year}.csv gas fuel {gas_eur} EUR/MWh_th = "
                f"{gas_eur * EUR_TO_CNY:.0f} CNY not used: European BP 2019); CO2: costs_{year}.csv",
            },
            {
                "fuel": "coal",
                "year": year,
                "price_cny_per_mwh_th": coal_price_cny_per_mwh_th(),
                "co2_t_per_mwh_th": cost_param(costs, "coal", "CO2 intensity"),
                "source": f"price: COAL_PRICE_CNY_PER_T at 5500 kcal/kg (costs_{year}.csv coal fuel {coal_eur} "
                f"EUR/MWh_th = {coal_eur * EUR_TO_CNY:.0f} CNY not used); CO2: costs_{year}.csv",
            },
            {
                "fuel": "waste",
                "year": year,
                "price_cny_per_mwh_th": WASTE_FUEL_PRICE_CNY_PER_MWH_TH,
                "co2_t_per_mwh_th": WASTE_CO2_T_PER_MWH_TH,
                "source": "assumptions WASTE_FUEL_PRICE_CNY_PER_MWH_TH, WASTE_CO2_T_PER_MWH_TH",
            },
        ]
    return conform(pd.DataFrame(rows), FUELS)


# --- units -------------------------------------------------------------------------------------------------
def nearest_district(lat: float, lon: float) -> str:
    """District whose seat is closest (great circle) to the point."""
    return min(DISTRICTS, key=lambda d: haversine_km((lat, lon), DISTRICT_SEATS[d]))


def gem_district(local: object, major: object, lat: float, lon: float) -> str:
    """District from GEM's 'Local area' then 'Major area' ('X District' -> X, Luogang -> Huangpu); else the
    district seat nearest the coordinates."""
    for field in (local, major):
        if isinstance(field, str):
            name = field.replace(" District", "").strip()
            name = DISTRICT_ALIASES.get(name, name)
            if name in DISTRICTS:
                return name
    return nearest_district(float(lat), float(lon))


def _gem_year(value: object) -> float:
    try:
        year = float(value)
    except (TypeError, ValueError):
        return float("nan")
    return year if year > 0 else float("nan")


def _status(value: str, file: str) -> str:
    key = str(value).strip().lower()
    if key not in GEM_STATUS_MAP:
        raise InputError(file, f"unknown GEM status {value!r}", column="Status")
    return GEM_STATUS_MAP[key]


def _operation(carrier: str, technology: str) -> tuple[float, float, float]:
    return OPERATION_BY_TECH.get((carrier, technology)) or OPERATION_BY_TECH[(carrier, "*")]


def _unit_cost_tech(carrier: str, technology: str) -> str:
    return UNIT_COST_ROWS.get((carrier, technology)) or UNIT_COST_ROWS[(carrier, "*")]


@cache
def _unit_om(raw: Path, carrier: str, technology: str) -> tuple[float, float]:
    """(VOM CNY/MWh, FOM CNY/MW/yr) of an existing unit from costs_2025.csv; FOM's capex basis is the China
    capex of new build (gas: China 'gas' CNY/kW, coal: China 'coal' CNY/kW, waste: WTE_CAPEX_CNY_PER_KW)."""
    costs = read_costs(raw, YEARS[0])
    china = pd.read_csv(Path(raw) / CHINA_COSTS_FILE)
    csv_tech = _unit_cost_tech(carrier, technology)
    if carrier == "waste":
        capex = WTE_CAPEX_CNY_PER_KW * 1000.0
    else:
        capex, _ = china_capex_cny(china, carrier, "cny/kw", YEARS[0])
    vom = cost_param(costs, csv_tech, "VOM", default=0.0) * EUR_TO_CNY
    fom = cost_param(costs, csv_tech, "FOM", default=0.0) / 100.0 * capex
    return vom, fom


def gem_gas_units(raw: Path) -> pd.DataFrame:
    """Every unit of the GEM gas extract. Technology CC->CCGT, GT->OCGT, ST->ST, unknown->GAS_UNKNOWN_TECHNOLOGY;
    heat rate 1/efficiency (CCGT, OCGT: costs_2025.csv; ST: GAS_ST_EFFICIENCY); CO2 from the costs csv."""
    gem = pd.read_csv(Path(raw) / GEM_GAS_FILE)
    costs = read_costs(raw, YEARS[0])
    efficiency = {
        "CCGT": cost_param(costs, "CCGT", "efficiency"),
        "OCGT": cost_param(costs, "OCGT", "efficiency"),
        "ST": GAS_ST_EFFICIENCY,
    }
    co2 = cost_param(costs, "gas", "CO2 intensity")
    rows = []
    for _, r in gem.iterrows():
        tech = GEM_GAS_TECHNOLOGY_MAP.get(str(r["Technology"]).strip(), GAS_UNKNOWN_TECHNOLOGY)
        start = _gem_year(r["Start year"])
        retire = _gem_year(r["Retired year"])
        if math.isnan(retire):
            retire = _gem_year(r["Planned retire"])
        ramp, min_stable, avail = _operation("gas", tech)
        vom, fom = _unit_om(raw, "gas", tech)
        rows.append(
            {
                "unit": str(r["GEM unit ID"]),
                "plant": str(r["Plant name"]),
                "bus": gem_district(
                    r["Local area (taluk, county)"],
                    r["Major area (prefecture, district)"],
                    r["Latitude"],
                    r["Longitude"],
                ),
                "carrier": "gas",
                "technology": tech,
                "p_nom_mw": float(r["Capacity elec. (MW)"]),
                "status": _status(r["Status"], GEM_GAS_FILE),
                "start_year": int(GEM_UNKNOWN_START_YEAR if math.isnan(start) else start),
                "retire_year": retire,
                "heat_rate": 1.0 / efficiency[tech],
                "co2_t_per_mwh_th": co2,
                "chp": str(r["CHP"]).strip() == "Y",
                "ramp_pu_per_h": ramp,
                "min_stable_pu": min_stable,
                "availability_pu": avail,
                "vom_cny_per_mwh": vom,
                "fom_cny_per_mw_yr": fom,
                "replaced_by_plan": False,
                "source": "GEM GGPT Feb 2023"
                + ("; plan coal-replacement project" if str(r["GEM unit ID"]) in _replacement_gas_ids() else ""),
            }
        )
    return pd.DataFrame(rows)


def _replacement_gas_ids() -> set[str]:
    return {uid for ids in COAL_REPLACEMENT_GAS_UNITS.values() for uid in ids}


def gem_coal_units(raw: Path) -> pd.DataFrame:
    """Every unit of the GEM coal extract; heat rate Btu/kWh / 3412.14, CO2 kg/TJ x 3.6e-6; CHP where GEM names
    a captive/CHP use; ``replaced_by_plan`` for operating units of the Zhujiang and Hengyun plants."""
    gem = pd.read_csv(Path(raw) / GEM_COAL_FILE)
    rows = []
    for _, r in gem.iterrows():
        status = _status(r["Status"], GEM_COAL_FILE)
        start = _gem_year(r["Start year"])
        retire = _gem_year(r["Retired year"])
        if math.isnan(retire):
            retire = _gem_year(r["Planned retirement"])
        ramp, min_stable, avail = _operation("coal", "*")
        vom, fom = _unit_om(raw, "coal", "*")
        chp = isinstance(r["Captive industry use"], str) and "CHP" in r["Captive industry use"]
        replaced = status == "operating" and r["Plant name"] in COAL_REPLACEMENT_PLANTS
        rows.append(
            {
                "unit": str(r["GEM unit/phase ID"]),
                "plant": str(r["Plant name"]),
                "bus": gem_district(
                    r["Local area (taluk, county)"],
                    r["Major area (prefecture, district)"],
                    r["Latitude"],
                    r["Longitude"],
                ),
                "carrier": "coal",
                "technology": str(r["Combustion technology"]),
                "p_nom_mw": float(r["Capacity (MW)"]),
                "status": status,
                "start_year": int(GEM_UNKNOWN_START_YEAR if math.isnan(start) else start),
                "retire_year": retire,
                "heat_rate": heat_rate_from_btu_per_kwh(r["Heat rate (Btu per kWh)"]),
                "co2_t_per_mwh_th": co2_t_per_mwh_th_from_kg_per_tj(r["Emission factor (kg of CO2 per TJ)"]),
                "chp": chp,
                "ramp_pu_per_h": ramp,
                "min_stable_pu": min_stable,
                "availability_pu": avail,
                "vom_cny_per_mwh": vom,
                "fom_cny_per_mw_yr": fom,
                "replaced_by_plan": replaced,
                "source": "GEM GCPT Jul 2023" + ("; plan equal-capacity replacement (三(一)1)" if replaced else ""),
            }
        )
    return pd.DataFrame(rows)


def waste_units(raw: Path) -> pd.DataFrame:
    """The waste-to-energy fleet: Fushan phase II (Huangpu, named in the plan) and the rest of the city's plants
    as one row per host district (WTE_OTHER_FLEET_MW split equally). Heat rate 1 / costs_2025.csv 'waste CHP'
    electrical efficiency; CO2 the fossil share of waste (WASTE_CO2_T_PER_MWH_TH)."""
    costs = read_costs(raw, YEARS[0])
    heat_rate = 1.0 / cost_param(costs, "waste CHP", "efficiency")
    ramp, min_stable, avail = _operation("waste", "*")
    vom, fom = _unit_om(raw, "waste", "*")
    common = {
        "carrier": "waste",
        "technology": "WtE",
        "status": "operating",
        "retire_year": np.nan,
        "heat_rate": heat_rate,
        "co2_t_per_mwh_th": WASTE_CO2_T_PER_MWH_TH,
        "chp": False,
        "ramp_pu_per_h": ramp,
        "min_stable_pu": min_stable,
        "availability_pu": avail,
        "vom_cny_per_mwh": vom,
        "fom_cny_per_mw_yr": fom,
        "replaced_by_plan": False,
    }
    rows = [
        {
            **common,
            "unit": "wte_fushan_phase2",
            "plant": "Fushan power plant phase II (waste-to-energy)",
            "bus": "Huangpu",
            "p_nom_mw": WTE_FUSHAN_PHASE2_MW,
            "start_year": int(WTE_FUSHAN_PHASE2_START_YEAR),
            "source": "plan 三(一)4 (福山电厂二期); capacity WTE_FUSHAN_PHASE2_MW",
        }
    ]
    hosts = _district_list(WTE_OTHER_FLEET_DISTRICTS)
    rows += [
        {
            **common,
            "unit": f"wte_fleet_{d}",
            "plant": f"Waste-to-energy plants, {d} (aggregate)",
            "bus": d,
            "p_nom_mw": WTE_OTHER_FLEET_MW / len(hosts),
            "start_year": int(WTE_OTHER_FLEET_START_YEAR),
            "source": "assumption WTE_OTHER_FLEET_MW split over WTE_OTHER_FLEET_DISTRICTS",
        }
        for d in hosts
    ]
    return pd.DataFrame(rows)


def build_units(raw: Path) -> pd.DataFrame:
    """GEM gas + GEM coal + waste-to-energy; unit ids must be unique."""
    df = pd.concat([gem_gas_units(raw), gem_coal_units(raw), waste_units(raw)], ignore_index=True)
    dup = df["unit"][df["unit"].duplicated()]
    if len(dup):
        raise InputError("units", f"duplicate unit ids {sorted(dup)}")
    return conform(df, UNITS)


def build_storage_units() -> pd.DataFrame:
    """Conghua pumped storage: 8 x 300 MW, PSH_HOURS_AT_FULL_POWER of energy, sqrt(0.8) per leg, x PSH_CITY_SHARE."""
    p_nom = PSH_UNITS * PSH_UNIT_MW
    leg = math.sqrt(PSH_ROUND_TRIP)
    row = {
        "unit": "conghua_pumped_storage",
        "bus": "Conghua",
        "carrier": "pumped_hydro",
        "p_nom_mw": p_nom * PSH_CITY_SHARE,
        "energy_mwh": p_nom * PSH_HOURS_AT_FULL_POWER * PSH_CITY_SHARE,
        "eff_charge": leg,
        "eff_discharge": leg,
        "city_share": PSH_CITY_SHARE,
        "start_year": PSH_START_YEAR,
    }
    return conform(pd.DataFrame([row]), STORAGE_UNITS)


# --- sites -------------------------------------------------------------------------------------------------
def _shares(weights: dict[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    return {k: v / total for k, v in weights.items()}


def build_sites(buses: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Where each buildable option may go.

    * pv_rooftop: every district; existing EXISTING_PV_ROOFTOP_MW and potential PV_ROOFTOP_POTENTIAL_MW split by
      load_weight; plan block to the pilot districts Huangpu, Huadu, Conghua in proportion to their potential.
    * pv_ground: outer districts with PV_GROUND_POTENTIAL_*; existing EXISTING_PV_GROUND_MW and plan block split by
      potential.
    * wind_onshore: Nansha, Conghua (plan 三(一)4); existing Nansha EXISTING_WIND_NANSHA_MW; plan block by potential.
    * battery_power / battery_energy: every district; existing 0; potential BATTERY_POWER_POTENTIAL_MW (x
      BATTERY_MAX_HOURS for energy) by load_weight; plan block by load_weight.
    * dr_peak: every district; potential DR_POTENTIAL_SHARE_OF_PEAK x load_weight x the 2024 city peak; plan block
      by load_weight.
    * gas_ccgt: districts with any GEM gas unit (gas infrastructure); existing 0 (existing gas is in units);
      potential = GEM announced MW there + GAS_SITE_HEADROOM_MW; plan block in proportion to GEM announced MW
      (the city's pipeline of gas projects not yet counted as standing).
    * import_contract: 500 kV districts; existing 0 (existing interfaces are the links); potential
      IMPORT_CONTRACT_MAX_MW_PER_DISTRICT; plan block split equally.
    """
    districts = buses[buses["kind"] == "district"].set_index("bus")
    weight = districts["load_weight"].to_dict()
    rows: list[dict] = []

    def add(tech: str, existing: dict, potential: dict, plan: dict) -> None:
        for d in sorted(potential):
            rows.append(
                {
                    "tech": tech,
                    "bus": d,
                    "existing_mw": float(existing.get(d, 0.0)),
                    "p_max_mw": float(potential[d]),
                    "plan_share": float(plan.get(d, 0.0)),
                }
            )

    rooftop_potential = {d: PV_ROOFTOP_POTENTIAL_MW * w for d, w in weight.items()}
    add(
        "pv_rooftop",
        {d: EXISTING_PV_ROOFTOP_MW * w for d, w in weight.items()},
        rooftop_potential,
        _shares({d: rooftop_potential[d] for d in ROOFTOP_PV_PILOT_DISTRICTS}),
    )
    ground_share = _shares(PV_GROUND_POTENTIAL_MW)
    add(
        "pv_ground",
        {d: EXISTING_PV_GROUND_MW * s for d, s in ground_share.items()},
        PV_GROUND_POTENTIAL_MW,
        ground_share,
    )
    add("wind_onshore", EXISTING_WIND_MW, WIND_POTENTIAL_MW, _shares(WIND_POTENTIAL_MW))
    add("battery_power", {}, {d: BATTERY_POWER_POTENTIAL_MW * w for d, w in weight.items()}, weight)
    add(
        "battery_energy", {}, {d: BATTERY_POWER_POTENTIAL_MW * BATTERY_MAX_HOURS * w for d, w in weight.items()}, weight
    )
    add("dr_peak", {}, {d: DR_POTENTIAL_SHARE_OF_PEAK * CITY_PEAK_2024_MW * w for d, w in weight.items()}, weight)
    gas = units[units["carrier"] == "gas"]
    gas_districts = sorted(set(gas["bus"]))
    announced = gas[gas["status"] == "announced"].groupby("bus")["p_nom_mw"].sum().to_dict()
    add(
        "gas_ccgt",
        {},
        {d: announced.get(d, 0.0) + GAS_SITE_HEADROOM_MW for d in gas_districts},
        _shares({d: announced.get(d, 0.0) for d in gas_districts}),
    )
    landing = _district_list(HAS_500KV_DISTRICTS)
    add(
        "import_contract",
        {},
        {d: IMPORT_CONTRACT_MAX_MW_PER_DISTRICT for d in landing},
        {d: 1.0 / len(landing) for d in landing},
    )
    return conform(pd.DataFrame(rows), SITES)


def build_targets() -> pd.DataFrame:
    """:data:`TARGET_ROWS` as a table (value NaN for qualitative targets)."""
    cols = ["id", "year", "value", "unit", "kind", "tolerance", "section", "description"]
    df = pd.DataFrame([dict(zip(cols, r)) for r in TARGET_ROWS])
    df["value"] = df["value"].astype("float64")
    return conform(df, TARGETS)


# --- the calibration year ---------------------------------------------------------------------------------
def with_calibration_year(frame: pd.DataFrame, table: Table, note: str | None = "source") -> pd.DataFrame:
    """``frame`` plus a copy of its COSTS_YEAR_FOR_2023 rows as the calibration year (no 2023 cost file); the
    copies' ``note`` column says so."""
    rows = frame[frame["year"] == COSTS_YEAR_FOR_2023].copy()
    rows["year"] = CALIBRATION_YEAR
    if note is not None:
        rows[note] = rows[note] + f"; {CALIBRATION_YEAR}: the {COSTS_YEAR_FOR_2023} row (COSTS_YEAR_FOR_2023)"
    return conform(pd.concat([frame, rows], ignore_index=True), table)


# --- entry point ------------------------------------------------------------------------------------------
def build_grid(raw: Path) -> dict[str, pd.DataFrame]:
    """All grid, fleet, cost and target tables from the raw directory; keys are the schema table names."""
    raw = Path(raw)
    for name in (GEM_GAS_FILE, GEM_COAL_FILE, CHINA_COSTS_FILE, *(COSTS_FILE.format(year=y) for y in YEARS)):
        if not (raw / name).is_file():
            raise InputError(str(raw / name), "raw file missing")
    buses = build_buses()
    units = build_units(raw)
    return {
        "buses": buses,
        "lines": build_lines(),
        "links": build_links(),
        "import_sources": with_calibration_year(build_import_sources(), IMPORT_SOURCES, note=None),
        "units": units,
        "storage_units": build_storage_units(),
        "technologies": with_calibration_year(build_technologies(raw), TECHNOLOGIES),
        "fuels": with_calibration_year(build_fuels(raw), FUELS),
        "sites": build_sites(buses, units),
        "targets": build_targets(),
    }
