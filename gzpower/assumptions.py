"""Every number in gzpower that is an assumption rather than a source figure, in one place, with its unit.

Each entry is declared once with :func:`_assume`; code imports the module-level constant. The registry
:data:`ASSUMPTIONS` drives ``data/PROVENANCE.md`` so the documentation cannot drift from the numbers used.
Sections: currency and finance; load; renewables profiles; imports; grid; fleet; costs and operation; model;
the calibration year 2023 and the rest of Guangdong (province); calibration bands.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Assumption:
    name: str
    value: float | int | str | bool
    unit: str
    section: str
    rationale: str


ASSUMPTIONS: dict[str, Assumption] = {}


def _assume(name: str, value, unit: str, section: str, rationale: str):
    if name in ASSUMPTIONS:
        raise ValueError(f"assumption {name} declared twice")
    ASSUMPTIONS[name] = Assumption(name, value, unit, section, rationale)
    return value


# --- currency and finance -------------------------------------------------------------------------------
EUR_TO_CNY = _assume(
    "EUR_TO_CNY",
    7.8,
    "CNY/EUR",
    "finance",
    "Approximate 2023-2024 average EUR/CNY reference rate; all EUR costs are converted with it.",
)
USD_TO_CNY = _assume("USD_TO_CNY", 7.1, "CNY/USD", "finance", "Approximate 2023-2024 average USD/CNY reference rate.")
DISCOUNT_RATE = _assume(
    "DISCOUNT_RATE",
    0.06,
    "1/yr",
    "finance",
    "Real discount rate for annuities; mid-range of Chinese planning studies (5-8 %).",
)

# --- model ----------------------------------------------------------------------------------------------
VALUE_OF_LOST_LOAD = _assume(
    "VALUE_OF_LOST_LOAD",
    30000.0,
    "CNY/MWh",
    "model",
    "Cost of unserved energy; order of magnitude of VoLL estimates for Chinese cities (about 4000 USD/MWh).",
)
RESERVE_SHARE_OF_LOAD = _assume(
    "RESERVE_SHARE_OF_LOAD", 0.05, "MW/MW", "model", "Hourly spinning reserve requirement as a share of city load."
)
PLAN_BATTERY_DURATION_H = _assume(
    "PLAN_BATTERY_DURATION_H",
    2.0,
    "h",
    "model",
    "Energy-to-power ratio of the plan's ~200 MW of new-type storage (typical "
    "Chinese grid-side lithium-ion projects are 2 h).",
)
STORAGE_MIN_DURATION_H = _assume(
    "STORAGE_MIN_DURATION_H",
    2.0,
    "h",
    "model",
    "Least energy-to-power ratio of new batteries (E >= this x P; the plan's own are PLAN_BATTERY_DURATION_H and "
    "a check refuses a storage_hours below this): the grid-side stations near Guangzhou are 2 h (Baotang 300 MW / "
    "600 MWh, Foshan Shishan 200 MW / 400 MWh), 2 h is the largest lot of the 2025 tenders (CEEC: 12 of 25 GWh) and "
    "China's new-type storage averaged 2.3 h in 2024 (FACTS_PROVINCE.md sections 1, 4, 5). Guangdong's 10 % x 1 h "
    "rule is a floor for storage paired with new wind and PV, not for grid-side stations, and 1 h systems are off "
    "the cost line the battery costs are fitted on (0.79 CNY/Wh in the CEEC tender). The plan's ~200 MW is power.",
)
RESERVE_DURATION_H = _assume(
    "RESERVE_DURATION_H",
    1.0,
    "h",
    "model",
    "How long a store must be able to keep up the spinning reserve it offers: it stands in for lost supply until "
    "re-dispatch and slower reserves take over, within the hour (ENTSO-E's replacement reserves relieve the "
    "15-minute frequency restoration reserves within it), and one hour is the model's dispatch step. So a store "
    "offers at most its discharge efficiency x state of charge / 1 h (S16), besides its power headroom (S15).",
)
PLAN_DR_SHARE_2025 = _assume(
    "PLAN_DR_SHARE_2025",
    0.03,
    "MW/MW peak",
    "model",
    "Demand-response capability assumed standing in 2025; the plan states only the 2030 "
    "figure (5 %), so 2025 sits on the way there.",
)
PLAN_RE_GAP_SPLIT = _assume(
    "PLAN_RE_GAP_SPLIT",
    "pv_rooftop:0.7,pv_ground:0.2,wind_onshore:0.1",
    "share",
    "model",
    "How the generic block that brings renewables up to the plan's target is split across "
    "technologies (the plan leans on rooftop PV pilots; wind is limited to Nansha/Conghua).",
)
DR_MAX_HOURS_PER_DAY = _assume(
    "DR_MAX_HOURS_PER_DAY",
    4.0,
    "h/day",
    "model",
    "Peak-shaving demand response may shed its full capacity for at most this many "
    "hours a day (energy limit per district and day).",
)
DR_SHIFT_SHARE = _assume(
    "DR_SHIFT_SHARE",
    0.0,
    "MW/MW load",
    "model",
    "Optional energy-neutral load shifting within the day, as a share of district load "
    "(0 = off unless a scenario sets it).",
)
DR_SHIFT_COST_CNY_PER_MWH = _assume(
    "DR_SHIFT_COST_CNY_PER_MWH",
    100.0,
    "CNY/MWh shifted",
    "model",
    "Shifting is not free: consumers are paid to move consumption, and moving it costs them (rescheduled "
    "processes, comfort). Charged per MWh moved out of an hour (the energy moved back in is the same MWh). Order of "
    "magnitude of the valley-filling compensation of Guangdong's market-based demand response (0.1 CNY/kWh); an "
    "assumption, not a calibrated value. Without it the LP shifts for free and removes shortfalls no tariff would.",
)

# --- profiles (load, PV, wind, import availability) ---
LOAD_JAN_SEP_SHARE = _assume(
    "LOAD_JAN_SEP_SHARE",
    0.758,
    "MWh/MWh",
    "load",
    "Share of annual energy consumed January-September, used to turn Guangzhou's 98.5 TWh Jan-Sep 2024 into a "
    "2024 annual total (98.5 / 0.758 = 130 TWh). Measured on the Guangdong 2018 hourly curve (479.3 of 632.3 TWh); "
    "Guangzhou 2024 is assumed to share Guangdong's seasonality (same climate, Spring Festival in Feb both years). "
    "Consistent with 112 TWh in 2021 growing ~5 %/yr.",
)
LOAD_ENERGY_GROWTH_2024_2025 = _assume(
    "LOAD_ENERGY_GROWTH_2024_2025",
    0.06,
    "1/yr",
    "load",
    "Guangzhou consumption growth 2024->2025. Recent growth: +7.2 % H1 2024, +7.0 % Jan-Sep 2024, ~5 %/yr "
    "2021->2024 (112 -> ~130 TWh); 6 % sits between.",
)
LOAD_PEAK_GROWTH_2024_2025 = _assume(
    "LOAD_PEAK_GROWTH_2024_2025",
    0.045,
    "1/yr",
    "load",
    "Guangzhou peak-load growth 2024->2025. Peak 19.35 GW (2020) -> 22.49 GW (2024) is +3.8 %/yr, 19.44 GW (2021) "
    "-> 22.49 GW is +5.0 %/yr; 4.5 % sits between. The reported peak (a 13:40 reading) is taken as the "
    "hour-average peak.",
)
LOAD_ENERGY_GROWTH_2025_2030 = _assume(
    "LOAD_ENERGY_GROWTH_2025_2030",
    0.045,
    "1/yr",
    "load",
    "Annual consumption growth 2025->2030. The PyPSA-China-PIK Guangdong projection gives -2.3 %/yr 2025->2030 "
    "(912.1 -> 811.5 TWh: its 2025 value is an exogenous figure above the model's own path) and +1.8 %/yr "
    "2020->2030; Guangdong's actual 2020->2023 growth was +7.1 %/yr and Guangzhou's ~5-7 %/yr. Assumed: "
    "deceleration to 4.5 %/yr (electrification of buildings and transport per the plan keeps growth positive).",
)
LOAD_PEAK_GROWTH_2025_2030 = _assume(
    "LOAD_PEAK_GROWTH_2025_2030",
    0.045,
    "1/yr",
    "load",
    "Annual peak growth 2025->2030; equal to energy growth, i.e. the 2025 load factor is kept (no evidence at hand "
    "for a trend in Guangzhou's load factor: 2020-2024 peak growth ~4-5 %/yr vs energy ~5-7 %/yr).",
)
LOAD_SPRING_FESTIVAL_DAYS_BEFORE = _assume(
    "LOAD_SPRING_FESTIVAL_DAYS_BEFORE",
    11,
    "days",
    "load",
    "Start of the Spring-Festival low-load period before the festival day, moved as a block from the 2018 curve "
    "to the target year: the GD curve leaves its January level (~65 GW on workdays) on 2018-02-05 (F-11) as "
    "factories close and migrant workers leave.",
)
LOAD_SPRING_FESTIVAL_DAYS_AFTER = _assume(
    "LOAD_SPRING_FESTIVAL_DAYS_AFTER",
    16,
    "days",
    "load",
    "End of the Spring-Festival low-load period after the festival day: the GD curve stays below ~54 GW until "
    "2018-03-04 (F+16, after the Lantern Festival) and is back above 61 GW on 2018-03-05.",
)
LOAD_NATIONAL_DAY_DAYS_BEFORE = _assume(
    "LOAD_NATIONAL_DAY_DAYS_BEFORE",
    1,
    "days",
    "load",
    "Start of the National-Day (Golden Week) low-load period before 1 October, kept date-anchored (the GD curve "
    "drops on 2018-09-30).",
)
LOAD_NATIONAL_DAY_DAYS_AFTER = _assume(
    "LOAD_NATIONAL_DAY_DAYS_AFTER",
    6,
    "days",
    "load",
    "End of the Golden-Week period after 1 October (statutory holiday 1-7 October; GD curve recovers 2018-10-08).",
)

PV_GROUND_TILT_DEG = _assume(
    "PV_GROUND_TILT_DEG",
    26.0,
    "deg",
    "pv",
    "Ground-mounted PV tilt, facing south: PVGIS's optimum for the site (26 deg), inside the usual 22-26 deg "
    "band at 23 N; also the tilt of the PVGIS cross-check.",
)
PV_ROOFTOP_TILT_DEG = _assume(
    "PV_ROOFTOP_TILT_DEG",
    12.0,
    "deg",
    "pv",
    "Rooftop PV tilt, facing south: low racks on flat roofs and pitched industrial roofs (10-15 deg typical).",
)
PV_AZIMUTH_DEG = _assume("PV_AZIMUTH_DEG", 180.0, "deg", "pv", "Array azimuth (180 = due south) for both PV kinds.")
PV_ALBEDO = _assume(
    "PV_ALBEDO", 0.2, "-", "pv", "Ground reflectance for the transposition (generic urban/grass value)."
)
PV_TRANSPOSITION_MODEL = _assume(
    "PV_TRANSPOSITION_MODEL",
    "perez",
    "-",
    "pv",
    "Sky-diffuse transposition model of pvlib.irradiance.get_total_irradiance (Perez 1990, anisotropic).",
)
PV_GROUND_TEMPERATURE_MOUNT = _assume(
    "PV_GROUND_TEMPERATURE_MOUNT",
    "open_rack_glass_polymer",
    "-",
    "pv",
    "SAPM cell-temperature parameter set for ground plants (open rack, well ventilated).",
)
PV_ROOFTOP_TEMPERATURE_MOUNT = _assume(
    "PV_ROOFTOP_TEMPERATURE_MOUNT",
    "close_mount_glass_glass",
    "-",
    "pv",
    "SAPM cell-temperature parameter set for rooftop PV (close to the roof, little ventilation: runs warmer).",
)
PV_GAMMA_PDC = _assume(
    "PV_GAMMA_PDC",
    -0.0035,
    "1/K",
    "pv",
    "Temperature coefficient of DC power (PVWatts gamma_pdc); mono-PERC c-Si datasheets give -0.34 to -0.37 %/K.",
)
PV_SYSTEM_LOSSES = _assume(
    "PV_SYSTEM_LOSSES",
    0.14,
    "-",
    "pv",
    "System losses between module DC and grid AC (wiring, soiling, mismatch, inverter conversion, availability), "
    "the PVGIS default and the value of the PVGIS cross-check; inverter conversion losses are inside it.",
)
PV_DC_AC_RATIO = _assume(
    "PV_DC_AC_RATIO",
    1.2,
    "MWp/MW",
    "pv",
    "Installed DC over inverter AC rating; capacity factors are per MW AC and clipped at the AC rating.",
)

WIND_HUB_HEIGHT_M = _assume(
    "WIND_HUB_HEIGHT_M",
    100.0,
    "m",
    "wind",
    "Hub height of distributed onshore turbines in Nansha/Conghua (90-120 m typical for current 3-4 MW class).",
)
WIND_SHEAR_EXPONENT = _assume(
    "WIND_SHEAR_EXPONENT",
    0.2,
    "-",
    "wind",
    "Power-law (Hellmann) shear exponent raising the EPW 10-m wind to hub height: between 1/7 (open flat terrain) "
    "and 0.25 (suburban/rough); the station (Huangpu, 592870) is suburban and hilly.",
)
WIND_LOSS_FACTOR = _assume(
    "WIND_LOSS_FACTOR",
    0.10,
    "-",
    "wind",
    "Share of ideal power-curve output lost to wakes, availability, electrical losses and curtailment-free "
    "downtime (typical 10-15 % in resource studies).",
)

IMPORT_WEST_EAST_MONTHLY_AVAILABILITY = _assume(
    "IMPORT_WEST_EAST_MONTHLY_AVAILABILITY",
    (0.55, 0.50, 0.50, 0.55, 0.70, 0.90, 1.00, 1.00, 0.95, 0.85, 0.70, 0.60),
    "MW/MW",
    "imports",
    "Availability of West-to-East clean (hydro-dominated: Yunnan, Guizhou, Guangxi) supply per month Jan..Dec, "
    "placed at mid-month and interpolated daily: full in the flood season (Jul-Aug), about half in the dry season "
    "(Dec-Apr), reflecting the ~2:1 wet/dry ratio of south-west China hydro output.",
)
IMPORT_GD_DERATE_THRESHOLD = _assume(
    "IMPORT_GD_DERATE_THRESHOLD",
    0.85,
    "MW/MW",
    "imports",
    "Guangdong load, as a share of its annual peak, above which the provincial grid's supply to Guangzhou is "
    "derated (Guangdong's reserve margin is thin at its summer peak: orderly power use in 2021).",
)
IMPORT_GD_DERATE_AT_PEAK = _assume(
    "IMPORT_GD_DERATE_AT_PEAK",
    0.25,
    "MW/MW",
    "imports",
    "Derate of the Guangdong-grid supply at the provincial peak hour; it rises linearly from 0 at the threshold. "
    "availability = 1 - 0.25 * clip((g - 0.85) / (1 - 0.85), 0, 1), g = GD load / GD peak.",
)

# --- grid, fleet, costs ---------------------------------------------------------------------------------
# grid: districts, 220 kV corridors, 500 kV landing points, targets
POP_SHARE_YUEXIU = _assume(
    "POP_SHARE_YUEXIU",
    0.31,
    "share",
    "grid",
    "Share of the ~325 (10k persons) not itemised in FACTS.md given to Yuexiu; roughly the "
    "2020 census proportions of Yuexiu : Liwan : Huangpu (about 1.0 : 1.1 : 1.2 million).",
)
POP_SHARE_LIWAN = _assume(
    "POP_SHARE_LIWAN",
    0.33,
    "share",
    "grid",
    "Share of the un-itemised remainder given to Liwan (see POP_SHARE_YUEXIU).",
)
POP_SHARE_HUANGPU = _assume(
    "POP_SHARE_HUANGPU",
    0.36,
    "share",
    "grid",
    "Share of the un-itemised remainder given to Huangpu (see POP_SHARE_YUEXIU).",
)
LOAD_UPLIFT_HUANGPU = _assume(
    "LOAD_UPLIFT_HUANGPU",
    1.8,
    "x population weight",
    "grid",
    "Huangpu hosts the city's petrochemical, automotive and electronics industry and its "
    "largest industrial output; its load per resident is taken as 1.8x the city mean.",
)
LOAD_UPLIFT_NANSHA = _assume(
    "LOAD_UPLIFT_NANSHA",
    1.6,
    "x population weight",
    "grid",
    "Nansha (port, shipbuilding, automotive, petrochemicals): load per resident 1.6x the city mean.",
)
HAS_500KV_DISTRICTS = _assume(
    "HAS_500KV_DISTRICTS",
    "Baiyun,Huadu,Huangpu,Panyu,Zengcheng",
    "district list",
    "grid",
    "Districts taken to host 500 kV substations, i.e. the landing points of import "
    "interfaces: the ring of outer districts around the core where Guangzhou's 500 kV "
    "substations stand (north Baiyun/Huadu, east Huangpu/Zengcheng, south Panyu).",
)
LINE_VOLTAGE_KV = _assume(
    "LINE_VOLTAGE_KV",
    220.0,
    "kV",
    "grid",
    "Inter-district corridors are represented at the 220 kV distribution-transmission level.",
)
LINE_ROUTING_FACTOR = _assume(
    "LINE_ROUTING_FACTOR",
    1.3,
    "km/km",
    "grid",
    "Corridor length = great-circle distance between district seats x this detour factor.",
)
LINE_X_OHM_PER_KM = _assume(
    "LINE_X_OHM_PER_KM",
    0.4,
    "ohm/km per circuit",
    "grid",
    "Series reactance of one 220 kV overhead circuit (typical 0.38-0.42 ohm/km).",
)
LINE_RATING_MW_PER_CIRCUIT = _assume(
    "LINE_RATING_MW_PER_CIRCUIT",
    500.0,
    "MW",
    "grid",
    "SYNTHETIC (no source gives Guangzhou's corridor ratings; scale them with --line-scale): "
    "Thermal rating of one 220 kV circuit with bundled conductors "
    "(2x LGJ-400/630 class, ~450-650 MVA), at unity power factor.",
)
LINE_CIRCUITS_CORE = _assume(
    "LINE_CIRCUITS_CORE",
    4,
    "circuits",
    "grid",
    "SYNTHETIC (no source gives Guangzhou's corridor ratings; scale them with --line-scale): "
    "Corridors between the dense core districts and to the 500 kV districts: two double-circuit 220 kV lines.",
)
LINE_CIRCUITS_OUTER = _assume(
    "LINE_CIRCUITS_OUTER",
    2,
    "circuits",
    "grid",
    "SYNTHETIC (no source gives Guangzhou's corridor ratings; scale them with --line-scale): "
    "Corridors between outer, lightly loaded districts: one double-circuit line.",
)
LINE_CIRCUITS_TRUNK = _assume(
    "LINE_CIRCUITS_TRUNK",
    6,
    "circuits",
    "grid",
    "SYNTHETIC (no source gives Guangzhou's corridor ratings; scale them with --line-scale): "
    "Nansha-Panyu trunk: Nansha's ~4 GW of plant exports through Panyu, so three double-circuit lines.",
)
ABOUT_TARGET_TOLERANCE = _assume(
    "ABOUT_TARGET_TOLERANCE", 0.1, "relative", "grid", "Band within which an 'about' (左右) plan target counts as met."
)
STORAGE_TARGET_CARRIED_TO_2030 = _assume(
    "STORAGE_TARGET_CARRIED_TO_2030",
    True,
    "-",
    "grid",
    "The plan states new-type storage (~200 MW) only for 2025; it is carried "
    "into 2030 as an at-least floor (storage built by 2025 does not vanish).",
)
# imports
IMPORT_CAPACITY_GUANGDONG_GRID_MW = _assume(
    "IMPORT_CAPACITY_GUANGDONG_GRID_MW",
    16000.0,
    "MW",
    "imports",
    "Transfer capability from the Guangdong 500 kV grid into Guangzhou "
    "(not published; FACTS.md: an explicit scenario parameter). With "
    "8-12 GW of local plant it covers a ~22.5 GW peak; swept by the model.",
)
IMPORT_CAPACITY_WEST_EAST_CLEAN_MW = _assume(
    "IMPORT_CAPACITY_WEST_EAST_CLEAN_MW",
    4000.0,
    "MW",
    "imports",
    "Share of the West-to-East clean corridors (>52.5 GW into the "
    "Southern grid, ~92 GW of Guangdong interties) deliverable to "
    "Guangzhou, roughly its ~15 % share of Guangdong's peak minus "
    "Guangdong's own use; swept by the model.",
)
IMPORT_LINK_SPLIT_RULE = _assume(
    "IMPORT_LINK_SPLIT_RULE",
    "equal",
    "-",
    "imports",
    "Each external node's interface total is split equally over the HAS_500KV_DISTRICTS.",
)
IMPORT_LINK_EFFICIENCY = _assume(
    "IMPORT_LINK_EFFICIENCY",
    1.0,
    "MW/MW",
    "imports",
    "500 kV transfer losses are inside the import price, not modelled as energy loss.",
)
PRICE_GUANGDONG_GRID_CNY_PER_MWH = _assume(
    "PRICE_GUANGDONG_GRID_CNY_PER_MWH",
    453.0,
    "CNY/MWh",
    "imports",
    "Guangdong coal-fired benchmark tariff (0.453 CNY/kWh), the reference "
    "of Guangdong's medium/long-term wholesale contracts.",
)
PRICE_WEST_EAST_CLEAN_CNY_PER_MWH = _assume(
    "PRICE_WEST_EAST_CLEAN_CNY_PER_MWH",
    330.0,
    "CNY/MWh",
    "imports",
    "Landed price of Yunnan/Guizhou/Guangxi hydro in Guangdong: ~0.2-0.25 "
    "CNY/kWh at the sending end plus ~0.08-0.1 CNY/kWh UHV transmission.",
)
CO2_GUANGDONG_GRID_T_PER_MWH = _assume(
    "CO2_GUANGDONG_GRID_T_PER_MWH",
    0.5306,
    "tCO2/MWh",
    "imports",
    "National grid average 2023 (MEE). Chosen over the Southern regional 0.3869 "
    "because that factor already contains the West-to-East hydro, which the "
    "model imports separately as west_east_clean; Guangdong's own "
    "coal/gas/nuclear mix without it is close to the national average.",
)
CO2_WEST_EAST_CLEAN_T_PER_MWH = _assume(
    "CO2_WEST_EAST_CLEAN_T_PER_MWH",
    0.01,
    "tCO2/MWh",
    "imports",
    "Hydro-dominated clean imports; small residual for firming and losses.",
)
# fleet
GEM_UNKNOWN_START_YEAR = _assume(
    "GEM_UNKNOWN_START_YEAR",
    2028,
    "year",
    "fleet",
    "Start year of GEM units whose start year is 'not found' or empty (pre-construction "
    "and announced gas, cancelled coal): commissioned by 2030 at the earliest plausible "
    "date, not by 2025.",
)
PRECONSTRUCTION_LEAD_YEARS = _assume(
    "PRECONSTRUCTION_LEAD_YEARS",
    1,
    "yr",
    "fleet",
    "A pre-construction unit stands in year Y if start_year + this <= Y: GEM "
    "start years of not-yet-built units slip; one year of slip is assumed.",
)
PLAN_COAL_RETIRE_YEAR = _assume(
    "PLAN_COAL_RETIRE_YEAR",
    2028,
    "year",
    "fleet",
    "Year the Zhujiang and Hengyun coal units retire under the plan's equal-capacity "
    "replacement (临近服役期满): after 2025, before 2030. A unit with an earlier GEM "
    "retirement year keeps it.",
)
GAS_UNKNOWN_TECHNOLOGY = _assume(
    "GAS_UNKNOWN_TECHNOLOGY",
    "CCGT",
    "-",
    "fleet",
    "Technology of GEM gas units listed 'not found': CCGT, like almost all of Guangzhou's gas fleet.",
)
GAS_ST_EFFICIENCY = _assume(
    "GAS_ST_EFFICIENCY",
    0.35,
    "MWh_el/MWh_th",
    "fleet",
    "Electrical efficiency of small gas-fired steam-turbine CHP units (not in costs_*.csv).",
)
RAMP_GAS_CCGT = _assume("RAMP_GAS_CCGT", 0.6, "MW/MW/h", "fleet", "CCGT ramp limit (~1-3 %/min sustained).")
RAMP_GAS_OCGT = _assume("RAMP_GAS_OCGT", 1.0, "MW/MW/h", "fleet", "Open-cycle gas turbine: full range in an hour.")
RAMP_GAS_ST = _assume("RAMP_GAS_ST", 0.4, "MW/MW/h", "fleet", "Gas steam-turbine CHP ramp limit.")
RAMP_COAL = _assume(
    "RAMP_COAL",
    0.4,
    "MW/MW/h",
    "fleet",
    "Chinese subcritical coal units, ~1-1.5 %/min of rated power, heat-constrained CHP slower.",
)
RAMP_WASTE = _assume("RAMP_WASTE", 0.2, "MW/MW/h", "fleet", "Waste-to-energy runs baseload with a steady grate.")
MIN_STABLE_GAS_CCGT = _assume("MIN_STABLE_GAS_CCGT", 0.4, "MW/MW", "fleet", "CCGT minimum stable load.")
MIN_STABLE_GAS_OCGT = _assume("MIN_STABLE_GAS_OCGT", 0.2, "MW/MW", "fleet", "OCGT minimum stable load.")
MIN_STABLE_GAS_ST = _assume("MIN_STABLE_GAS_ST", 0.4, "MW/MW", "fleet", "Gas steam-turbine minimum stable load.")
MIN_STABLE_COAL = _assume(
    "MIN_STABLE_COAL",
    0.4,
    "MW/MW",
    "fleet",
    "Coal minimum stable load after the flexibility retrofits of the 14th FYP (~40 %).",
)
MIN_STABLE_WASTE = _assume(
    "MIN_STABLE_WASTE", 0.6, "MW/MW", "fleet", "Waste must be burnt as it arrives: the plant runs at 60 % or more."
)
# CHP must-run: the heat-led floor of the units GEM marks as cogeneration (gas 'CHP' = Y; coal 'Captive industry
# use' naming CHP). FACTS.md names one project as CHP (Huadu gas CHP) and gives no heat demand, steam contract or
# utilisation figure for the city's cogeneration: every value below is an estimate.
CHP_MUST_RUN = _assume(
    "CHP_MUST_RUN",
    True,
    "-",
    "fleet",
    "Default of Scenario.chp_must_run (off: --no-chp-must-run). CHP units supply process steam under contract to "
    "the industrial parks around them, so they stay online all year: thermal T13 holds them, without "
    "--min-stable, at the higher of their minimum stable output (the LP relaxation of T6) and the seasonal "
    "heat-led floor CHP_HEAT_FLOOR_*.",
)
CHP_SEASON_OF_MONTH = _assume(
    "CHP_SEASON_OF_MONTH",
    (
        "winter",
        "winter",
        "shoulder",
        "shoulder",
        "summer",
        "summer",
        "summer",
        "summer",
        "summer",
        "shoulder",
        "shoulder",
        "winter",
    ),
    "-",
    "fleet",
    "Season of each month Jan..Dec for the CHP heat floor, by the monthly mean dry-bulb temperature of the "
    "Guangzhou TMYx weather file (raw/CHN_GD_Guangzhou.592870_TMYx.2009-2023.epw): winter below 18 C (Dec 15.4, "
    "Jan 14.1, Feb 17.3), summer above 26 C (May-Sep 26.3, 28.7, 30.0, 29.2, 28.2), shoulder between (Mar, Apr, Oct, "
    "Nov: 19.8-24.3 C).",
)
CHP_HEAT_FLOOR_WINTER = _assume(
    "CHP_HEAT_FLOOR_WINTER",
    0.55,
    "MW/MW of available capacity",
    "fleet",
    "Estimate. Electrical output a CHP unit cannot go below while it raises the steam its hosts take, Dec-Feb. "
    "Guangzhou has no space heating; the heat load is industrial process steam (petrochemicals, cars, food, paper "
    "in Huangpu, Zengcheng, Nansha, Huadu) all year, plus hot water for hospitals, hotels and campuses (University "
    "City). Winter takes most: colder make-up water and air, larger steam-network losses, more hot water. An "
    "extraction CCGT supplying steam keeps its gas turbine loaded above its minimum stable load (0.4), the more so "
    "the more steam is drawn.",
)
CHP_HEAT_FLOOR_SHOULDER = _assume(
    "CHP_HEAT_FLOOR_SHOULDER",
    0.50,
    "MW/MW of available capacity",
    "fleet",
    "Estimate. Heat-led floor in Mar, Apr, Oct, Nov: process steam unchanged, less hot water and smaller losses "
    "than in winter.",
)
CHP_HEAT_FLOOR_SUMMER = _assume(
    "CHP_HEAT_FLOOR_SUMMER",
    0.45,
    "MW/MW of available capacity",
    "fleet",
    "Estimate. Heat-led floor May-Sep: process steam only, the warmest make-up water, the least loss. With the "
    "winter and shoulder floors and AVAILABILITY_GAS it ties a gas CHP unit to at least (3 x 0.55 + 4 x 0.50 + "
    "5 x 0.45) / 12 x 0.92 x 8760 = 3,962 h a year at full output.",
)
CHP_FLAG_NOT_FOUND = _assume(
    "CHP_FLAG_NOT_FOUND",
    False,
    "-",
    "fleet",
    "A GEM gas unit whose CHP column reads 'not found' (Pearl River LNG phase I, Baiyun Hengyun 1-1 and 1-2, "
    "Datang Conghua) is read as not CHP: no heat floor without evidence of a heat host.",
)
AVAILABILITY_GAS = _assume("AVAILABILITY_GAS", 0.92, "MW/MW", "fleet", "Gas units: planned and forced outages.")
AVAILABILITY_COAL = _assume("AVAILABILITY_COAL", 0.88, "MW/MW", "fleet", "Ageing coal units: outages.")
AVAILABILITY_WASTE = _assume("AVAILABILITY_WASTE", 0.90, "MW/MW", "fleet", "Waste-to-energy, ~8000 h/yr of operation.")
WTE_FUSHAN_PHASE2_MW = _assume(
    "WTE_FUSHAN_PHASE2_MW",
    150.0,
    "MW",
    "fleet",
    "Fushan (Huangpu, Jiulong) waste-to-energy phase II, named in the plan: ~4000 t/d and "
    "~1.1 TWh/yr reported at award; 1.1 TWh / ~7300 h ~ 150 MW.",
)
WTE_FUSHAN_PHASE2_START_YEAR = _assume(
    "WTE_FUSHAN_PHASE2_START_YEAR",
    2024,
    "year",
    "fleet",
    "Fushan phase II taken as in service before 2025 (the plan's 2025 target counts it).",
)
WTE_OTHER_FLEET_MW = _assume(
    "WTE_OTHER_FLEET_MW",
    700.0,
    "MW",
    "fleet",
    "The rest of Guangzhou's waste-to-energy fleet (Likeng and the numbered resource-thermal "
    "plants, ~25-30 kt/d of incineration in total at ~0.035-0.04 MW per t/d).",
)
WTE_OTHER_FLEET_DISTRICTS = _assume(
    "WTE_OTHER_FLEET_DISTRICTS",
    "Baiyun,Huangpu,Nansha,Huadu,Zengcheng,Conghua",
    "district list",
    "fleet",
    "Districts hosting the other resource-thermal plants; WTE_OTHER_FLEET_MW is split equally over them.",
)
WTE_OTHER_FLEET_START_YEAR = _assume(
    "WTE_OTHER_FLEET_START_YEAR", 2019, "year", "fleet", "Most of the other plants entered service 2018-2020."
)
PSH_HOURS_AT_FULL_POWER = _assume(
    "PSH_HOURS_AT_FULL_POWER",
    9.0,
    "h",
    "fleet",
    "Energy of the Conghua pumped-storage station in hours at 2.4 GW (large upper and "
    "lower reservoirs; daily-to-weekly cycling).",
)
PSH_CITY_SHARE = _assume(
    "PSH_CITY_SHARE",
    0.25,
    "MW/MW",
    "fleet",
    "Share of the Conghua pumped-storage station dispatched for Guangzhou: it serves the "
    "Guangdong grid (originally Daya Bay nuclear); Guangzhou is ~15 % of Guangdong's peak, "
    "raised for proximity.",
)
# sites
EXISTING_PV_ROOFTOP_MW = _assume(
    "EXISTING_PV_ROOFTOP_MW",
    600.0,
    "MW",
    "costs",
    "Rooftop PV standing in Guangzhou in 2025 before the plan's pilots add to it; order "
    "of magnitude only (distributed PV grew fast in Guangdong 2021-2024). Split by "
    "load_weight.",
)
EXISTING_PV_GROUND_MW = _assume(
    "EXISTING_PV_GROUND_MW",
    100.0,
    "MW",
    "costs",
    "Ground-mounted PV standing in 2025 in the outer districts (agri-/fishery-PV); split by ground-PV potential.",
)
EXISTING_WIND_NANSHA_MW = _assume(
    "EXISTING_WIND_NANSHA_MW",
    50.0,
    "MW",
    "costs",
    "Small coastal wind farms in Nansha standing in 2025; none elsewhere.",
)
PV_ROOFTOP_POTENTIAL_MW = _assume(
    "PV_ROOFTOP_POTENTIAL_MW",
    10000.0,
    "MW",
    "costs",
    "City rooftop PV potential (~0.5 kW per resident), split by load_weight (factory roofs follow industrial load).",
)
PV_GROUND_POTENTIAL_CONGHUA_MW = _assume(
    "PV_GROUND_POTENTIAL_CONGHUA_MW",
    400.0,
    "MW",
    "costs",
    "Ground PV potential in Conghua (hilly, forested, little free land).",
)
PV_GROUND_POTENTIAL_ZENGCHENG_MW = _assume(
    "PV_GROUND_POTENTIAL_ZENGCHENG_MW", 300.0, "MW", "costs", "Ground PV potential in Zengcheng."
)
PV_GROUND_POTENTIAL_HUADU_MW = _assume(
    "PV_GROUND_POTENTIAL_HUADU_MW", 150.0, "MW", "costs", "Ground PV potential in Huadu."
)
PV_GROUND_POTENTIAL_NANSHA_MW = _assume(
    "PV_GROUND_POTENTIAL_NANSHA_MW", 150.0, "MW", "costs", "Ground PV potential in Nansha (fishery-PV on ponds)."
)
WIND_POTENTIAL_NANSHA_MW = _assume(
    "WIND_POTENTIAL_NANSHA_MW",
    200.0,
    "MW",
    "costs",
    "Distributed onshore wind potential in Nansha (plan names Nansha and Conghua).",
)
WIND_POTENTIAL_CONGHUA_MW = _assume(
    "WIND_POTENTIAL_CONGHUA_MW", 150.0, "MW", "costs", "Distributed onshore wind potential on Conghua's ridges."
)
BATTERY_POWER_POTENTIAL_MW = _assume(
    "BATTERY_POWER_POTENTIAL_MW", 3000.0, "MW", "costs", "City-wide ceiling of new battery power, split by load_weight."
)
BATTERY_MAX_HOURS = _assume(
    "BATTERY_MAX_HOURS", 4.0, "h", "costs", "Battery energy ceiling per district = power ceiling x this duration."
)
DR_POTENTIAL_SHARE_OF_PEAK = _assume(
    "DR_POTENTIAL_SHARE_OF_PEAK",
    0.10,
    "MW/MW",
    "costs",
    "Largest peak demand response per district as a share of its share of the "
    "2024 city peak (22.49 GW); twice the plan's 5 % target.",
)
GAS_SITE_HEADROOM_MW = _assume(
    "GAS_SITE_HEADROOM_MW",
    1000.0,
    "MW",
    "costs",
    "New CCGT a district with gas infrastructure may host beyond the GEM announced projects there.",
)
IMPORT_CONTRACT_MAX_MW_PER_DISTRICT = _assume(
    "IMPORT_CONTRACT_MAX_MW_PER_DISTRICT",
    2000.0,
    "MW",
    "costs",
    "Extra import-interface capacity one 500 kV district may add.",
)
# costs
BATTERY_ROUND_TRIP_EFFICIENCY = _assume(
    "BATTERY_ROUND_TRIP_EFFICIENCY",
    0.88,
    "MWh/MWh",
    "costs",
    "AC-to-AC round trip of Li-ion storage (costs csv gives only the DC inverter 0.96); each leg sqrt of it.",
)
# Battery capex from Chinese prices (FACTS_PROVINCE.md section 5). A system tender buys the equipment (DC battery
# cabins, PCS, EMS); a station also needs installation and civil works, and a grid-side station its step-up
# substation, line and land. The system price per Wh of an h-hour system is taken as e + p / h (energy part e per
# Wh, power part p per W); the two parts are read off the one tender that priced 2 h and 4 h side by side.
BATTERY_SYSTEM_POWER_CNY_PER_MW = _assume(
    "BATTERY_SYSTEM_POWER_CNY_PER_MW",
    158800.0,
    "CNY/MW",
    "costs",
    "Power part of a 2025 Chinese BESS system price (PCS and the transformers in the cabins): the CEEC 25 GWh "
    "tender of June 2025 averaged 0.4646 CNY/Wh for its 2 h lot and 0.4249 for its 4 h lot (FACTS_PROVINCE.md "
    "section 5, ESS News 2025-06-26); with price per Wh = e + p/h, p = (0.4646 - 0.4249) / (1/2 - 1/4) = 0.1588 "
    "CNY/W. Its 1 h lot (0.7863) is off this line (high-rate cells for regulation), so the split holds from 2 h "
    "up (STORAGE_MIN_DURATION_H).",
)
BATTERY_SYSTEM_ENERGY_CNY_PER_MWH = _assume(
    "BATTERY_SYSTEM_ENERGY_CNY_PER_MWH",
    424900.0,
    "CNY/MWh",
    "costs",
    "Energy part of a 2025 system price (LFP cells, racks, BMS, cabins, fire protection): a 2025 2 h system at "
    "0.5043 CNY/Wh, the mean of the two 2025 2 h averages in FACTS_PROVINCE.md section 5 (CEEC June 0.4646; "
    "November 0.544, after cell prices rose), less the power part 0.1588 / 2 = 0.0794 CNY/Wh: 0.4249 CNY/Wh. Near "
    "the 5 MWh DC cabins of January 2025 (0.435, SMM) and above 314 Ah cells (about 0.33, 2024).",
)
BATTERY_EPC_ADDER_CNY_PER_MWH = _assume(
    "BATTERY_EPC_ADDER_CNY_PER_MWH",
    480000.0,
    "CNY/MWh",
    "costs",
    "Installation, civil works, cabling, station transformers and commissioning on top of the system price: LFP "
    "EPC contracts averaged 1.07 CNY/Wh in November 2024 against 0.59 for systems in the same month's tally "
    "(FACTS_PROVINCE.md section 5, 星球储能所): 0.48 CNY/Wh. Charged per MWh (footprint and cabin count scale with "
    "energy) and held at this level to 2030 (construction work does not follow cell prices).",
)
BATTERY_GRID_CONNECTION_CNY_PER_MW = _assume(
    "BATTERY_GRID_CONNECTION_CNY_PER_MW",
    0.0,
    "CNY/MW",
    "costs",
    "Grid connection beyond the turnkey (EPC) station, left out: the other technologies' capex (CCGT, PV, wind) "
    "are plant costs without their transmission connection, and a district battery connects at an existing "
    "110/220 kV substation. The all-in Foshan Shishan budget (200 MW / 400 MWh for 0.6 bn CNY, 1.5 CNY/Wh, an "
    "estimate in FACTS_PROVINCE.md section 5) would put 1,031,400 CNY/MW here (1.5 less the 2 h system 2 x 0.5043 "
    "and the EPC adder 2 x 0.48 CNY/Wh): a sensitivity, not the base case.",
)
BATTERY_GRID_CONNECTION_LIFETIME_YR = _assume(
    "BATTERY_GRID_CONNECTION_LIFETIME_YR",
    40.0,
    "yr",
    "costs",
    "Economic lifetime of a battery station's substation and line (grid assets, as IMPORT_INTERFACE_LIFETIME_YR); "
    "battery_power's lifetime is the one whose annuity equals the PCS's (costs csv inverter lifetime) plus this.",
)
BATTERY_SYSTEM_COST_FACTOR_2030 = _assume(
    "BATTERY_SYSTEM_COST_FACTOR_2030",
    0.80,
    "CNY/CNY",
    "costs",
    "2030 system price (energy and power parts) as a share of 2025; the EPC and connection adders stay. The costs "
    "csv's DEA rows fall 24 % (storage 187 -> 142 EUR/kWh) and 26 % (inverter 215 -> 160 EUR/kW) from 2025 to "
    "2030, but Chinese systems already sit close to their cells (0.44-0.50 CNY/Wh systems on about 0.33 CNY/Wh "
    "cells in 2024-25) and rose again late in 2025 (2 h 0.544 in November): a smaller fall, 20 % in five years.",
)
DR_HOLDING_COST_CNY_PER_MW_YR = _assume(
    "DR_HOLDING_COST_CNY_PER_MW_YR",
    60000.0,
    "CNY/MW/yr",
    "costs",
    "Yearly cost of keeping 1 MW of peak demand response contracted (programme "
    "administration, enabling control, capacity payment).",
)
DR_SHED_COST_CNY_PER_MWH = _assume(
    "DR_SHED_COST_CNY_PER_MWH",
    3500.0,
    "CNY/MWh",
    "costs",
    "Payment per MWh of peak load shed; Guangdong's market-based DR compensation cap is of the order of 3.5 CNY/kWh.",
)
IMPORT_INTERFACE_CAPEX_CNY_PER_MW = _assume(
    "IMPORT_INTERFACE_CAPEX_CNY_PER_MW",
    600000.0,
    "CNY/MW",
    "costs",
    "500 kV substation transformation plus line reinforcement per MW of "
    "extra import capability (~350 CNY/kVA substation + lines).",
)
IMPORT_INTERFACE_LIFETIME_YR = _assume(
    "IMPORT_INTERFACE_LIFETIME_YR", 40.0, "yr", "costs", "Economic lifetime of grid assets."
)
IMPORT_INTERFACE_FOM_SHARE = _assume(
    "IMPORT_INTERFACE_FOM_SHARE", 0.02, "1/yr", "costs", "Fixed O&M of grid assets as a share of investment."
)
GAS_PRICE_CNY_PER_MWH_TH = _assume(
    "GAS_PRICE_CNY_PER_MWH_TH",
    270.0,
    "CNY/MWh_th",
    "costs",
    "Gas for power in Guangdong (LNG and pipeline) ~2.7 CNY/m3 at ~10 kWh/m3; the costs "
    "csv's 20.1 EUR/MWh_th (BP 2019, ~157 CNY) is a European pre-crisis price.",
)
COAL_PRICE_CNY_PER_T = _assume(
    "COAL_PRICE_CNY_PER_T",
    900.0,
    "CNY/t (5500 kcal/kg)",
    "costs",
    "Delivered thermal coal at Guangzhou, 2023-2024 levels; the costs csv's 8.15 "
    "EUR/MWh_th (BP 2019, ~64 CNY) is far below Chinese spot prices.",
)
WASTE_FUEL_PRICE_CNY_PER_MWH_TH = _assume(
    "WASTE_FUEL_PRICE_CNY_PER_MWH_TH",
    0.0,
    "CNY/MWh_th",
    "costs",
    "Municipal waste costs the plant nothing (it earns a gate fee, ignored).",
)
WASTE_CO2_T_PER_MWH_TH = _assume(
    "WASTE_CO2_T_PER_MWH_TH",
    0.13,
    "tCO2/MWh_th",
    "costs",
    "Fossil CO2 of municipal waste: IPCC ~92 kg/GJ x ~40 % fossil carbon share.",
)
WTE_CAPEX_CNY_PER_KW = _assume(
    "WTE_CAPEX_CNY_PER_KW",
    15000.0,
    "CNY/kW",
    "costs",
    "Chinese waste-to-energy investment (~0.5-0.6 M CNY per t/d); basis for its fixed O&M "
    "(the DEA 8000+ EUR/kW is a Danish CHP plant).",
)

# --- performance options ---
ROLLING_INITIAL_SOC_SHARE = _assume(
    "ROLLING_INITIAL_SOC_SHARE",
    0.5,
    "MWh/MWh",
    "model",
    "State of charge of every store at the start of the first rolling window, as a "
    "share of its energy capacity (the full-year LP is cyclic instead).",
)
CAPACITY_FACTOR_FLOOR = _assume(
    "CAPACITY_FACTOR_FLOOR",
    1e-3,
    "MW/MW",
    "model",
    "Hourly renewable capacity factors below this are taken as 0 in the LP: at dawn and "
    "dusk pvlib gives values down to 1e-6, which put coefficients of 1e-6 into the "
    "expansion LP (interior point stalls on them) while carrying < 0.01 % of the "
    "energy.",
)

# --- the verdict: adequacy levels, what binds, tipping points ---
VERDICT_MAX_UNSERVED_MWH = _assume(
    "VERDICT_MAX_UNSERVED_MWH",
    1.0,
    "MWh",
    "model",
    "The plan holds on a horizon when its unserved energy is at most this (the `gzpower size` default criterion); "
    "the tipping points are where this verdict flips.",
)
BINDING_TOLERANCE_MW = _assume(
    "BINDING_TOLERANCE_MW",
    1e-3,
    "MW",
    "model",
    "A variable within this of its bound counts as at its limit (solver round-off); reserve rows bind when their "
    "dual is nonzero.",
)
TIPPING_WINDOW_H = _assume(
    "TIPPING_WINDOW_H",
    168,
    "h",
    "model",
    "Default tipping-point horizon: the week around the plan run's largest shortfall (its peak-load hour if none); "
    "--tipping-full-year gives the final word.",
)
TIPPING_STEP = _assume(
    "TIPPING_STEP",
    0.01,
    "x assumed value",
    "model",
    "Bisection on a lever's scale stops when the bracket is this narrow (1 % of the value used).",
)
TIPPING_RANGE_IMPORT_SCALE = _assume(
    "TIPPING_RANGE_IMPORT_SCALE",
    (0.25, 4.0),
    "x assumed value",
    "model",
    "Range searched for the boundary transfer capability: a quarter to four times the assumed interfaces.",
)
TIPPING_RANGE_LINE_SCALE = _assume(
    "TIPPING_RANGE_LINE_SCALE",
    (0.25, 10.0),
    "x assumed value",
    "model",
    "Range searched for the synthetic 220 kV corridor ratings (2-6 circuits x 500 MW): up to ten times them.",
)
TIPPING_RANGE_LOAD_SCALE = _assume(
    "TIPPING_RANGE_LOAD_SCALE",
    (0.5, 1.5),
    "x assumed value",
    "model",
    "Range searched for the load (load growth to the milestone year): half to one and a half times the forecast.",
)
TIPPING_RANGE_THERMAL_AVAILABILITY = _assume(
    "TIPPING_RANGE_THERMAL_AVAILABILITY",
    (0.5, 1.15),
    "x assumed value",
    "model",
    "Range searched for the thermal availability scale; a unit's availability is capped at 1 (0.92 x 1.087 = 1).",
)
TIPPING_RANGE_CLEAN_IMPORT = _assume(
    "TIPPING_RANGE_CLEAN_IMPORT",
    (0.0, 3.0),
    "x assumed value",
    "model",
    "Range searched for the West-to-East clean supply (the clean import source's capability): none to three times.",
)
TIPPING_RANGE_IMPORT_PRICE = _assume(
    "TIPPING_RANGE_IMPORT_PRICE",
    (0.25, 100.0),
    "x assumed value",
    "model",
    "Range searched for the import prices: up to 100x, past the value of lost load, where imports stop being taken.",
)
SHORTFALL_ROUNDOFF = _assume(
    "SHORTFALL_ROUNDOFF",
    1e-3,
    "MW or MWh",
    "model",
    "Unserved energy below this is solver round-off: an hour or an adequacy row with less counts as no shortfall "
    "(the rule the target check's adequacy rows use).",
)
# --- probabilistic adequacy ---
# The sequential Monte Carlo of gzpower.studies.adequacy replaces the LP's flat availability derating
# (AVAILABILITY_GAS 0.92, AVAILABILITY_COAL 0.88, AVAILABILITY_WASTE 0.90: planned and forced outages together) by
# two-state Markov chains of forced outages: each unit fails OUTAGE_RATE times per year in service and is repaired
# after MTTR hours on average. Planned maintenance (the rest of the derating) is taken as scheduled outside the
# tight weeks, as adequacy studies assume; the rates below are order-of-magnitude fleet figures in the spirit of
# NERC GADS, not measured for Guangzhou's units: they are assumptions.
ADEQUACY_OUTAGE_RATE_COAL_PER_YR = _assume(
    "ADEQUACY_OUTAGE_RATE_COAL_PER_YR",
    14.0,
    "1/yr in service",
    "adequacy",
    "Forced outages of a coal unit per year of service; with ADEQUACY_MTTR_COAL_H gives a forced outage rate "
    "of 50 / (8760 / 14 + 50) = 7.4 %, the order of NERC GADS coal EFORd (assumption).",
)
ADEQUACY_MTTR_COAL_H = _assume(
    "ADEQUACY_MTTR_COAL_H", 50.0, "h", "adequacy", "Mean time to repair a forced outage of a coal unit (assumption)."
)
ADEQUACY_OUTAGE_RATE_CCGT_PER_YR = _assume(
    "ADEQUACY_OUTAGE_RATE_CCGT_PER_YR",
    10.0,
    "1/yr in service",
    "adequacy",
    "Forced outages of a gas combined-cycle unit per year of service; with ADEQUACY_MTTR_CCGT_H a forced outage "
    "rate of 4.4 %, the order of NERC GADS combined-cycle EFORd (assumption).",
)
ADEQUACY_MTTR_CCGT_H = _assume(
    "ADEQUACY_MTTR_CCGT_H", 40.0, "h", "adequacy", "Mean time to repair a forced outage of a CCGT (assumption)."
)
ADEQUACY_OUTAGE_RATE_GAS_OTHER_PER_YR = _assume(
    "ADEQUACY_OUTAGE_RATE_GAS_OTHER_PER_YR",
    12.0,
    "1/yr in service",
    "adequacy",
    "Forced outages of a gas steam or open-cycle unit per year; with ADEQUACY_MTTR_GAS_OTHER_H a forced outage "
    "rate of 6.2 % (assumption).",
)
ADEQUACY_MTTR_GAS_OTHER_H = _assume(
    "ADEQUACY_MTTR_GAS_OTHER_H", 48.0, "h", "adequacy", "Mean time to repair a gas steam / OCGT unit (assumption)."
)
ADEQUACY_OUTAGE_RATE_WASTE_PER_YR = _assume(
    "ADEQUACY_OUTAGE_RATE_WASTE_PER_YR",
    12.0,
    "1/yr in service",
    "adequacy",
    "Forced outages of a waste-to-energy plant per year (grate and boiler trips); with ADEQUACY_MTTR_WASTE_H a "
    "forced outage rate of 5.2 % (assumption).",
)
ADEQUACY_MTTR_WASTE_H = _assume(
    "ADEQUACY_MTTR_WASTE_H", 40.0, "h", "adequacy", "Mean time to repair a waste-to-energy plant (assumption)."
)
ADEQUACY_OUTAGE_RATE_PUMPED_HYDRO_PER_YR = _assume(
    "ADEQUACY_OUTAGE_RATE_PUMPED_HYDRO_PER_YR",
    6.0,
    "1/yr in service",
    "adequacy",
    "Forced outages of a pumped-storage station (Conghua, modelled as one unit) per year; with "
    "ADEQUACY_MTTR_PUMPED_HYDRO_H a forced outage rate of 2.0 % (assumption).",
)
ADEQUACY_MTTR_PUMPED_HYDRO_H = _assume(
    "ADEQUACY_MTTR_PUMPED_HYDRO_H", 30.0, "h", "adequacy", "Mean time to repair pumped storage (assumption)."
)
ADEQUACY_OUTAGE_RATE_BATTERY_PER_YR = _assume(
    "ADEQUACY_OUTAGE_RATE_BATTERY_PER_YR",
    4.0,
    "1/yr in service",
    "adequacy",
    "Forced outages of a district battery (PCS or BMS trip) per year; with ADEQUACY_MTTR_BATTERY_H a forced "
    "outage rate of 1.1 % (assumption).",
)
ADEQUACY_MTTR_BATTERY_H = _assume(
    "ADEQUACY_MTTR_BATTERY_H", 24.0, "h", "adequacy", "Mean time to repair a battery (assumption)."
)
ADEQUACY_OUTAGE_RATE_INTERFACE_PER_YR = _assume(
    "ADEQUACY_OUTAGE_RATE_INTERFACE_PER_YR",
    1.0,
    "1/yr in service",
    "adequacy",
    "Forced outages of a whole 500 kV import interface (both circuits or its transformers) per year; with "
    "ADEQUACY_MTTR_INTERFACE_H unavailable 0.14 % of the time. Lines inside the city are taken as always "
    "available (meshed 220 kV, multiple circuits) (assumption).",
)
ADEQUACY_MTTR_INTERFACE_H = _assume(
    "ADEQUACY_MTTR_INTERFACE_H", 12.0, "h", "adequacy", "Mean time to restore an import interface (assumption)."
)
ADEQUACY_GENERIC_UNIT_MW = _assume(
    "ADEQUACY_GENERIC_UNIT_MW",
    460.0,
    "MW",
    "adequacy",
    "The plan's generic gas block of a district is split into units of at most this size (a 9F-class CCGT, "
    "like most of the standing Guangzhou units) so that it does not fail as one block.",
)
ADEQUACY_DAY_WINDOW_D = _assume(
    "ADEQUACY_DAY_WINDOW_D",
    7,
    "days",
    "adequacy",
    "Each day of a sample year takes load, renewables and import availability jointly from a day drawn within "
    "+-7 days of it, of the same type (workday / weekend): the season and weekly cycle stay, weather days vary.",
)
ADEQUACY_INITIAL_SOC_SHARE = _assume(
    "ADEQUACY_INITIAL_SOC_SHARE",
    0.5,
    "MWh/MWh",
    "adequacy",
    "State of charge of every store at the first hour of each sample year, as a share of its energy.",
)
ADEQUACY_LOLE_CRITERION_H = _assume(
    "ADEQUACY_LOLE_CRITERION_H",
    3.0,
    "h/yr",
    "adequacy",
    "Loss-of-load expectation criterion: 3 h/yr, the reliability standard of several European TSOs "
    "(France, Belgium, Great Britain) used in ENTSO-E's ERAA.",
)
ADEQUACY_EUE_CRITERION_SHARE = _assume(
    "ADEQUACY_EUE_CRITERION_SHARE",
    2e-5,
    "MWh/MWh demand",
    "adequacy",
    "Expected unserved energy criterion: 0.002 % of the year's demand, the Australian NEM reliability standard.",
)
ADEQUACY_TARGET_RELATIVE_SE = _assume(
    "ADEQUACY_TARGET_RELATIVE_SE",
    0.05,
    "1",
    "adequacy",
    "Relative standard error the convergence line asks of LOLE and EUE (samples needed = N (se / (0.05 mean))^2).",
)
ADEQUACY_SHORTFALL_TOLERANCE_MW = _assume(
    "ADEQUACY_SHORTFALL_TOLERANCE_MW",
    0.01,
    "MW",
    "adequacy",
    "An hour counts as loss of load when more than this is unserved (below it: floating-point noise).",
)
ADEQUACY_HOUR_BAND_H = _assume(
    "ADEQUACY_HOUR_BAND_H", 4, "h", "adequacy", "Width of the hour-of-day bands the shortfall is attributed to."
)

# --- the calibration year 2023 and the rest of Guangdong (the province bus) ---
# Figures the facts files (FACTS.md, FACTS_PROVINCE.md) give as official or news are source figures in
# gzpower/pipeline/province.py; everything here is an assumption: an "estimate" of the facts, a projection, a
# derivation step, or a calibration knob (stated as such: the 2023 calibration is expected to move it).
COSTS_YEAR_FOR_2023 = _assume(
    "COSTS_YEAR_FOR_2023",
    2025,
    "year",
    "costs",
    "No costs_2023.csv exists: the calibration year 2023 takes the 2025 technology costs (costs_2025.csv and the "
    "China capex at 2025) and the 2025 fuel prices; its technologies and fuels rows copy 2025's.",
)
LOAD_ENERGY_GROWTH_2023_2024 = _assume(
    "LOAD_ENERGY_GROWTH_2023_2024",
    0.07,
    "1/yr",
    "load",
    "Guangzhou consumption growth 2023->2024, the reported +7.0 % of Jan-Sep 2024 on Jan-Sep 2023 (FACTS.md) taken "
    "for the whole year: E_2023 = 98.5 TWh / LOAD_JAN_SEP_SHARE / 1.07 = 121.4 TWh (112 TWh in 2021; Guangdong's "
    "2022 was flat).",
)
LOAD_PEAK_GROWTH_2023_2024 = _assume(
    "LOAD_PEAK_GROWTH_2023_2024",
    0.045,
    "1/yr",
    "load",
    "Guangzhou peak growth 2023->2024 (no 2023 peak in the facts): P_2023 = 22.49 GW / 1.045 = 21.5 GW; the same "
    "4.5 %/yr as LOAD_PEAK_GROWTH_2024_2025 (19.44 GW in 2021 -> 22.49 GW in 2024 is +5.0 %/yr).",
)
PROVINCE_ENERGY_GROWTH_2025_2030 = _assume(
    "PROVINCE_ENERGY_GROWTH_2025_2030",
    0.035,
    "1/yr",
    "province",
    "Guangdong consumption growth 2025->2030 on the 912.1 TWh of Provincial_Load_2020_2060_MWh.csv for 2025. The "
    "file's own 2030 value (811.5 TWh) is not used: it lies below the 850.2 TWh consumed in 2023 (its 2025 value "
    "is an exogenous figure above the model's path, see LOAD_ENERGY_GROWTH_2025_2030), and with Guangzhou growing "
    "4.5 %/yr it would shrink the rest of Guangdong by 17 %. 3.5 %/yr continues 2023->2025 (850.2 -> 912.1 TWh, "
    "+3.6 %/yr), below 2020->2023 (+7.1 %/yr).",
)
PROVINCE_LOAD_FACTOR_2030 = _assume(
    "PROVINCE_LOAD_FACTOR_2030",
    0.64,
    "MWh/MWh",
    "province",
    "Guangdong's 2030 load factor (energy / 8760 h peak) sets the 2030 peak: between 2023 (850.2 TWh / 145 GW = "
    "0.669) and 2025 (912.1 TWh / 170 GW = 0.612), near the 2018 hourly curve's 0.65. Note that the energy is "
    "consumption (全社会) and the peaks are dispatched load (统调).",
)
PROVINCE_NUCLEAR_2023_MW = _assume(
    "PROVINCE_NUCLEAR_2023_MW",
    16100.0,
    "MW",
    "province",
    "Guangdong nuclear in 2023, the facts' estimate: Daya Bay base 6.12 GW + Yangjiang 6 x ~1.09 GW + Taishan "
    "2 x 1.75 GW = ~16.1 GW (PyPSA-China-PIK's GEM table: 16,136 MW).",
)
PROVINCE_TAIPINGLING_UNITS_2025 = _assume(
    "PROVINCE_TAIPINGLING_UNITS_2025",
    1,
    "units",
    "province",
    "Taipingling Hualong One units (1.2 GW each) in service in 2025: unit 1 (due about 2025).",
)
PROVINCE_TAIPINGLING_UNITS_2030 = _assume(
    "PROVINCE_TAIPINGLING_UNITS_2030",
    4,
    "units",
    "province",
    "Taipingling units in service in 2030: 1-2 under construction, 3-4 approved Dec 2023 (about six years to build).",
)
PROVINCE_LIANJIANG_UNITS_2030 = _assume(
    "PROVINCE_LIANJIANG_UNITS_2030",
    2,
    "units",
    "province",
    "Lianjiang units (1.25 GW each) in service in 2030: both units under construction in 2023.",
)
PROVINCE_COAL_PIPELINE_SHARE_2025 = _assume(
    "PROVINCE_COAL_PIPELINE_SHARE_2025",
    0.5,
    "MW/MW",
    "province",
    "Share of the 46.1 GW of coal in development in 2022 (due 2023-25) standing in 2025, on top of the ~68 GW of "
    "mid 2023: 68 + 0.5 x 46.1 = 91 GW, short of the revised plan's ~95 GW (projects slip; some were only "
    "permitted).",
)
PROVINCE_COAL_PIPELINE_SHARE_2030 = _assume(
    "PROVINCE_COAL_PIPELINE_SHARE_2030",
    0.8,
    "MW/MW",
    "province",
    "Share of the 2022 coal pipeline standing in 2030; the rest is taken as cancelled or shelved.",
)
PROVINCE_COAL_RETIRED_2030_MW = _assume(
    "PROVINCE_COAL_RETIRED_2030_MW",
    4000.0,
    "MW",
    "province",
    "Old small coal units retired between 2023 and 2030 (PyPSA-China-PIK's GEM bins: 8.5 GW commissioned before "
    "2005, some of it gone already).",
)
PROVINCE_OTHER_2023_MW = _assume(
    "PROVINCE_OTHER_2023_MW",
    4000.0,
    "MW",
    "province",
    "Biomass, waste-to-energy, oil and other plant inside Guangdong's 193 GW of 2023, not modelled in the "
    "province (not found in the facts; Guangdong has China's largest waste-to-energy fleet, Guangzhou alone "
    "~0.85 GW). Only used to derive the 2023 gas fleet as the remainder of the total.",
)
PROVINCE_GAS_2025_MW = _assume(
    "PROVINCE_GAS_2025_MW",
    50800.0,
    "MW",
    "province",
    "Guangdong gas in 2025: the facts' estimate of ~50.8 GW (91.05 % of South China's 55.78 GW, about 2024-25).",
)
PROVINCE_GAS_ADDED_2025_2030_MW = _assume(
    "PROVINCE_GAS_ADDED_2025_2030_MW",
    12000.0,
    "MW",
    "province",
    "Gas added 2025->2030 (not in the facts): gas stays Guangdong's flexible thermal build (48 bcm of gas use "
    "planned for 2025, six LNG terminals); about the 2023->2025 pace (~40 -> 50.8 GW) slowed by half. "
    "Guangzhou's own plan adds 3 GW of it.",
)
PROVINCE_HYDRO_MW = _assume(
    "PROVINCE_HYDRO_MW",
    8000.0,
    "MW",
    "province",
    "Conventional hydro inside Guangdong, every year: not found in the facts, an estimate. NBS Jan-May 2023 hydro "
    "generation 7.93 TWh (dry season, drought year) over ~3,600 h is ~2.2 GW on average; with the "
    "PROVINCE_HYDRO_MONTHLY_CF profile (Jan-May mean 0.27) 8 GW gives 7.8 TWh for Jan-May. Mostly small hydro; "
    "few new sites.",
)
PROVINCE_HYDRO_MONTHLY_CF = _assume(
    "PROVINCE_HYDRO_MONTHLY_CF",
    (0.18, 0.18, 0.22, 0.30, 0.45, 0.55, 0.50, 0.48, 0.40, 0.28, 0.20, 0.17),
    "MW/MW",
    "province",
    "Guangdong hydro capacity factor per month Jan..Dec, at mid-month and interpolated daily, constant within the "
    "day: dry season Oct-Mar, the pre-flood 'dragon-boat water' rains of May-June, typhoon rain Jul-Sep; annual "
    "0.33 (~2,860 h).",
)
PROVINCE_NEW_ENERGY_2023_MW = _assume(
    "PROVINCE_NEW_ENERGY_2023_MW",
    47000.0,
    "MW",
    "province",
    "Wind + solar at the end of 2023: 50.16 GW reported in April 2024 (end-2023 base plus Q1) less ~3 GW of Q1 2024 "
    "additions (2024 added over 22 GW of solar, little of it in Q1).",
)
PROVINCE_WIND_ONSHORE_2023_MW = _assume(
    "PROVINCE_WIND_ONSHORE_2023_MW",
    6000.0,
    "MW",
    "province",
    "Onshore wind in 2023: not split out in the facts, an estimate (Guangdong's wind is mostly offshore: over "
    "10 GW offshore in Jan 2024; NBS wind Jan-May 2023 15.36 TWh).",
)
PROVINCE_WIND_ONSHORE_2025_MW = _assume(
    "PROVINCE_WIND_ONSHORE_2025_MW", 7000.0, "MW", "province", "Onshore wind in 2025: +0.5 GW a year on 2023."
)
PROVINCE_WIND_ONSHORE_2030_MW = _assume(
    "PROVINCE_WIND_ONSHORE_2030_MW", 9500.0, "MW", "province", "Onshore wind in 2030: +0.5 GW a year on 2025."
)
PROVINCE_WIND_OFFSHORE_2025_MW = _assume(
    "PROVINCE_WIND_OFFSHORE_2025_MW",
    14000.0,
    "MW",
    "province",
    "Offshore wind in 2025: 11.98 GW at end 2024 and ~12.5 GW at end Aug 2025; the year-end rush brings it close "
    "to, not quite to, the 15 GW target for 2025.",
)
PROVINCE_WIND_OFFSHORE_2030_MW = _assume(
    "PROVINCE_WIND_OFFSHORE_2030_MW",
    25000.0,
    "MW",
    "province",
    "Offshore wind in 2030: +2.2 GW a year on 2025, between the 2024-25 pace (~1.5-2 GW a year) and the 2021-22 "
    "pace (7 GW in two years); far-shore sites in the 15th FYP.",
)
PROVINCE_NEW_ENERGY_2025_MW = _assume(
    "PROVINCE_NEW_ENERGY_2025_MW",
    85000.0,
    "MW",
    "province",
    "Wind + solar at the end of 2025: over 81 GW at end Aug 2025 plus ~1 GW a month to December.",
)
PROVINCE_PV_ADDED_PER_YEAR_2025_2030_MW = _assume(
    "PROVINCE_PV_ADDED_PER_YEAR_2025_2030_MW",
    8000.0,
    "MW/yr",
    "province",
    "Solar added each year 2025->2030: well below 2024's over 22 GW, as new energy sells at market prices from "
    "mid 2025 and roofs and land near the load fill up.",
)
PROVINCE_PSH_ADDED_2025_2030_MW = _assume(
    "PROVINCE_PSH_ADDED_2025_2030_MW",
    6000.0,
    "MW",
    "province",
    "Pumped storage added 2025->2030: five of the stations under construction (Yunfu Shuiyuanshan, Zhaoqing "
    "Langjiang, Huizhou Zhongdong, Shanwei Sanjiangkou, Heyuan Centian, ...) at ~1.2 GW each; CGTN reports 6 GW "
    "in five southern stations due by 2029.",
)
PROVINCE_PSH_HOURS_AT_FULL_POWER = _assume(
    "PROVINCE_PSH_HOURS_AT_FULL_POWER",
    6.0,
    "h",
    "province",
    "Energy of Guangdong's pumped-storage stations other than Conghua, in hours at full power: daily-cycle "
    "design (Conghua keeps PSH_HOURS_AT_FULL_POWER).",
)
PROVINCE_PSH_ROUND_TRIP = _assume(
    "PROVINCE_PSH_ROUND_TRIP",
    0.75,
    "MWh/MWh",
    "province",
    "Round trip of the stations other than Conghua: Meizhou II's design (3.504 TWh generated for 4.672 TWh pumped) "
    "taken for all; Conghua keeps its ~80 %. The province row's per-leg efficiency is sqrt of the power-weighted "
    "mean.",
)
PROVINCE_BATTERY_2023_MW = _assume(
    "PROVINCE_BATTERY_2023_MW",
    1000.0,
    "MW",
    "province",
    "New-type storage in Guangdong at the end of 2023: 'over 2 GW' at end 2024 (below 4.43 GW) times the national "
    "2023/2024 ratio (31.39 / 73.76 GW = 0.43) gives ~1 GW.",
)
PROVINCE_STORAGE_RULE_SHARE = _assume(
    "PROVINCE_STORAGE_RULE_SHARE",
    0.10,
    "MW/MW",
    "province",
    "Storage added with new wind and solar after 2023: Guangdong's rule of at least 10 % of capacity for 1 h "
    "(offshore wind after 2022, central PV and onshore wind after 2023-07-01), applied to every MW of wind and "
    "of central PV added since 2023; distributed PV is exempt.",
)
PROVINCE_PV_DISTRIBUTED_SHARE = _assume(
    "PROVINCE_PV_DISTRIBUTED_SHARE",
    0.354,
    "MW/MW",
    "province",
    "Distributed share of Guangdong's PV, every year: CSG's five provinces at end 2024 (43.13 GW distributed of "
    "78.72 + 43.13 GW). It exempts that share from the storage rule and weights the rooftop profile in the "
    "province PV capacity factor (the rest takes the ground-plant profile).",
)
PROVINCE_BATTERY_HOURS = _assume(
    "PROVINCE_BATTERY_HOURS",
    2.0,
    "h",
    "province",
    "Energy per MW of the province's new-type storage: the rule asks 1 h, the national fleet averaged 2.3 h in "
    "2024; 2 h as the city's PLAN_BATTERY_DURATION_H.",
)
PROVINCE_COAL_HEAT_RATE = _assume(
    "PROVINCE_COAL_HEAT_RATE",
    2.47,
    "MWh_th/MWh_el",
    "province",
    "Aggregated Guangdong coal fleet: ~303 gce/kWh net supply coal use (Chinese fleet average 2023; Guangdong's "
    "large supercritical units are near it) = 0.303 x 8.141 MWh_th per MWh; efficiency 40.5 %.",
)
PROVINCE_GAS_EFFICIENCY = _assume(
    "PROVINCE_GAS_EFFICIENCY",
    0.53,
    "MWh_el/MWh_th",
    "province",
    "Aggregated Guangdong gas fleet: F-class CCGTs (~0.57, costs csv CCGT) mixed with older E-class units and "
    "CHP in condensing mode.",
)
PROVINCE_NUCLEAR_FUEL_CNY_PER_MWH = _assume(
    "PROVINCE_NUCLEAR_FUEL_CNY_PER_MWH",
    60.0,
    "CNY/MWh_el",
    "province",
    "Nuclear fuel and spent-fuel fund per MWh electric: costs_2025.csv's 2.6 EUR/MWh_th / 0.33 = 61 CNY/MWh; "
    "Chinese PWRs quote ~0.05-0.07 CNY/kWh. VOM comes on top from the costs csv.",
)
PROVINCE_COAL_AVAILABILITY = _assume(
    "PROVINCE_COAL_AVAILABILITY",
    0.90,
    "MW/MW",
    "province",
    "Calibration knob: share of the province's coal nameplate available in an hour (planned and forced outages "
    "spread over the year); a younger, larger fleet than Guangzhou's (AVAILABILITY_COAL 0.88).",
)
PROVINCE_GAS_AVAILABILITY = _assume(
    "PROVINCE_GAS_AVAILABILITY",
    0.92,
    "MW/MW",
    "province",
    "Calibration knob: share of the province's gas nameplate available in an hour (as the city's AVAILABILITY_GAS; "
    "LNG supply limits not modelled).",
)
PROVINCE_NUCLEAR_AVAILABILITY = _assume(
    "PROVINCE_NUCLEAR_AVAILABILITY",
    0.87,
    "MW/MW",
    "province",
    "Calibration knob: share of nuclear nameplate available in an hour, refuelling included: the Daya Bay base's "
    "record 2023 on-grid output 46.475 TWh on 6.12 GW is 7,594 h = 0.867.",
)
PROVINCE_NUCLEAR_MIN_OUTPUT = _assume(
    "PROVINCE_NUCLEAR_MIN_OUTPUT",
    0.9,
    "MW/MW",
    "province",
    "Calibration knob: nuclear must-run floor as a share of its available capacity (base load; Guangdong's units "
    "follow load only at the Spring Festival low).",
)
PROVINCE_COAL_MIN_OUTPUT = _assume(
    "PROVINCE_COAL_MIN_OUTPUT",
    0.0,
    "MW/MW",
    "province",
    "Calibration knob: coal must-run floor as a share of available capacity (units kept on line for heat, voltage "
    "and inertia); none known, 0 until the 2023 calibration says otherwise.",
)
PROVINCE_GAS_MIN_OUTPUT = _assume(
    "PROVINCE_GAS_MIN_OUTPUT",
    0.0,
    "MW/MW",
    "province",
    "Calibration knob: gas must-run floor as a share of available capacity; gas is the province's flexible margin.",
)
PROVINCE_WEATHER_STATION = _assume(
    "PROVINCE_WEATHER_STATION",
    "Guangzhou 592870",
    "-",
    "province",
    "Guangzhou's weather (the one EPW station, Huangpu) stands for the whole province's PV and wind. Bias: "
    "onshore wind is far too low (CF 0.115 against ~0.2-0.25 of Guangdong's ridge and coastal farms: the station "
    "is inland and suburban, 2.4 m/s at 10 m) unless PROVINCE_WIND_ONSHORE_SPEED_FACTOR corrects it; one "
    "station's clouds and calms fall on the whole province at once (no spatial smoothing), so hourly swings are "
    "too large; the coast is sunnier than the Pearl River Delta's haze, the north cloudier.",
)
PROVINCE_WIND_ONSHORE_SPEED_FACTOR = _assume(
    "PROVINCE_WIND_ONSHORE_SPEED_FACTOR",
    1.0,
    "-",
    "province",
    "Calibration knob: factor on the station's wind speed for the province's onshore farms; 1 = the city's "
    "profile unchanged (the bias is stated in PROVINCE_WEATHER_STATION).",
)
PROVINCE_WIND_OFFSHORE_SPEED_FACTOR = _assume(
    "PROVINCE_WIND_OFFSHORE_SPEED_FACTOR",
    1.8,
    "-",
    "province",
    "Offshore adjustment: offshore hub-height wind over the station's hub-height wind (~3.8 m/s at 100 m); "
    "Guangdong's offshore sites see ~7 m/s, so 1.8 x gives ~6.9 m/s and an annual CF of 0.33 (~2,900 h) through "
    "the same power curve. Cross-check: NBS wind Jan-May 2023 15.36 TWh. The station's daytime-peaking inland "
    "diurnal shape is kept (offshore wind is flatter).",
)
PROVINCE_W2E_CAPABILITY_MW = _assume(
    "PROVINCE_W2E_CAPABILITY_MW",
    45000.0,
    "MW",
    "province",
    "West-to-East capability into Guangdong, every year: the 45 GW sending-end target for 2025 (14th FYP), not the "
    "91.79 GW sum of edges_current.csv's Guangdong interties (Guangxi 41.69, Yunnan 31.4, Guizhou 17.5, Hainan "
    "1.2 GW), which are thermal ratings of AC and DC lines, Hainan's and Guangxi's own exchange included. The "
    "province source gets it less Guangzhou's IMPORT_CAPACITY_WEST_EAST_CLEAN_MW, so nothing counts twice.",
)
PROVINCE_W2E_MONTHLY_AVAILABILITY = _assume(
    "PROVINCE_W2E_MONTHLY_AVAILABILITY",
    (0.35, 0.30, 0.30, 0.35, 0.50, 0.75, 0.90, 0.90, 0.80, 0.65, 0.45, 0.40),
    "MW/MW",
    "province",
    "Share of the province's West-to-East capability available per month Jan..Dec (mid-month, interpolated "
    "daily): wet-season peak June-October, dry-season trough Feb-Mar. Set so that a full take of the province "
    "source plus Guangzhou's west_east_clean lands near 220 TWh a year into Guangdong, inside the 200-240 TWh "
    "the facts suggest (CSG's 238 TWh in 2024 and 261.6 TWh in 2025 include Yunnan->Guangxi flows).",
)
PROVINCE_W2E_DROUGHT_2023_FACTOR = _assume(
    "PROVINCE_W2E_DROUGHT_2023_FACTOR",
    0.75,
    "MW/MW",
    "province",
    "2023 adjustment: the Yunnan drought (rainfall down over 60 % in Jan-Apr 2023) cut hydro imports in the first "
    "half; the monthly availability of Jan-Jun 2023 of both West-to-East sources (province and Guangzhou's "
    "contract) is multiplied by this.",
)
PROVINCE_W2E_HYDRO_SHARE = _assume(
    "PROVINCE_W2E_HYDRO_SHARE",
    0.70,
    "MWh/MWh",
    "province",
    "Hydro share of West-to-East energy, every year: 70 % in H1 2016 (CSPG). The rest is priced as Guizhou/Yunnan "
    "coal at the province's coal intensity (an upper bound: some of it is wind and solar).",
)
PROVINCE_W2E_MIN_TAKE = _assume(
    "PROVINCE_W2E_MIN_TAKE",
    0.6,
    "MW/MW",
    "province",
    "Must-take share of the hourly available West-to-East supply: most of it is planned under the governments' "
    "framework agreements and the priority-generation plan, delivered on a daily curve Guangdong must take; the "
    "rest is traded. A calibration knob.",
)

# --- calibration against 2023 (gzpower calibrate; gzpower.results.calibration) ---
# The observed figures that are source figures are declared with their source in gzpower.results.calibration;
# what is declared here is judgement: the estimates where no 2023 figure was found, and the width of each band.
CALIBRATION_CITY_LOAD_TOLERANCE = _assume(
    "CALIBRATION_CITY_LOAD_TOLERANCE",
    0.06,
    "MWh/MWh",
    "calibration",
    "Half-width of the band on Guangzhou's 2023 consumption and peak, relative to the estimate. No 2023 city figure "
    "was found: consumption is Jan-Sep 2024 (98.5 TWh, +7.0 %) taken back a year and grossed up with "
    "LOAD_JAN_SEP_SHARE (121.4 TWh); the same done from H1 2024 (57.7 TWh, +7.2 %, H1 = 46.0 % of the Guangdong "
    "2018 year) gives 116.9 TWh, 3.7 % lower. The peak is the 2024 record 22.49 GW scaled by the province's "
    "145 -> 152 GW (21.5 GW). 6 % covers the two routes and a seasonal shape borrowed from 2018.",
)
CALIBRATION_PROVINCE_LOAD_TOLERANCE = _assume(
    "CALIBRATION_PROVINCE_LOAD_TOLERANCE",
    0.03,
    "MWh/MWh",
    "calibration",
    "Half-width of the band on Guangdong's 2023 consumption (850.2 TWh) and peak (145 GW), relative: the province "
    "load is built to these figures, so a miss larger than 3 % means the construction (city plus Guangdong_rest, "
    "coincident hours, the horizon or aggregation) has drifted, not that the figures are uncertain.",
)
CALIBRATION_COAL_HOURS_TOLERANCE = _assume(
    "CALIBRATION_COAL_HOURS_TOLERANCE",
    0.15,
    "h/h",
    "calibration",
    "Half-width of the band on Guangzhou coal utilisation hours, relative to GEM's capacity factor x 8760 h. GEM "
    "gives every Guangzhou unit the same 0.53 (a tracker-wide estimate, not plant data), so the figure is an "
    "order of magnitude: 15 % (about +-700 h) is the spread between a baseload year and a year of hydro imports.",
)
CALIBRATION_GAS_HOURS_LOW = _assume(
    "CALIBRATION_GAS_HOURS_LOW",
    2000.0,
    "h",
    "calibration",
    "Lower end of the utilisation hours of Guangdong gas plants in 2023 (city and province rows). No source was "
    "found (FACTS_PROVINCE.md, 'Not found': utilisation hours for Guangdong gas); 2,000-2,500 h is the range "
    "commonly quoted for Guangdong's gas fleet, which runs mid-merit and for peaks at LNG prices: an estimate.",
)
CALIBRATION_GAS_HOURS_HIGH = _assume(
    "CALIBRATION_GAS_HOURS_HIGH",
    2500.0,
    "h",
    "calibration",
    "Upper end of the 2023 gas utilisation hours (see CALIBRATION_GAS_HOURS_LOW): an estimate; the observed figure "
    "in the table is the middle of the range.",
)
CALIBRATION_NUCLEAR_HOURS_LOW = _assume(
    "CALIBRATION_NUCLEAR_HOURS_LOW",
    7000.0,
    "h",
    "calibration",
    "Lower end for the province's nuclear utilisation hours. Daya Bay base (6.12 GW) ran about 7,600 h in 2023 "
    "(46.475 TWh, CGN); NBS Jan-May 2023 nuclear 49.16 TWh on about 16.1 GW is 7,380 h a year. 7,000 h allows for "
    "refuelling outages bunched into one year and the newer units (Taishan EPR) running below the base.",
)
CALIBRATION_NUCLEAR_HOURS_HIGH = _assume(
    "CALIBRATION_NUCLEAR_HOURS_HIGH",
    8000.0,
    "h",
    "calibration",
    "Upper end for the province's nuclear utilisation hours: above 8,000 h (91 %) a fleet has no refuelling "
    "outage in the year, which Daya Bay base's record 2023 (7,600 h) did not reach.",
)
CALIBRATION_IMPORT_SHARE = _assume(
    "CALIBRATION_IMPORT_SHARE",
    0.71,
    "MWh/MWh",
    "calibration",
    "Guangzhou's net imports as a share of its 2023 consumption, a bottom-up estimate (no 外来电占比 figure was "
    "found): own generation about 3.45 GW coal x 4,640 h (GEM 0.53) = 16.0 TWh; gas 4.4 GW operating in Feb 2023 "
    "(GEM) plus 2.7 GW commissioned in the course of 2023, about 5.8 GW over the year x 2,250 h = 13.0 TWh; "
    "0.85 GW waste-to-energy x 6,000 h = 5.1 TWh; 0.6 TWh of PV: 34.7 TWh of 121.4 TWh, 0.29 own, 0.71 imported.",
)
CALIBRATION_IMPORT_SHARE_LOW = _assume(
    "CALIBRATION_IMPORT_SHARE_LOW",
    0.65,
    "MWh/MWh",
    "calibration",
    "Lower end of the import-share band: every city fleet at the top of its range (coal 5,300 h, all 7.1 GW of gas "
    "standing in 2023 at 2,500 h, waste 7,000 h, 0.9 TWh of PV) makes 42.9 TWh of 121.4 TWh, an import share of "
    "0.65.",
)
CALIBRATION_IMPORT_SHARE_HIGH = _assume(
    "CALIBRATION_IMPORT_SHARE_HIGH",
    0.85,
    "MWh/MWh",
    "calibration",
    "Upper end of the import-share band: coal at 3,900 h, 4.4 GW of gas as peakers at 1,000 h, 4 TWh of waste and "
    "consumption at the top of its band (128.7 TWh) make 22 TWh, 0.83 imported; 0.85 leaves room for captive and "
    "CHP units whose output serves their own site and is not counted as supply.",
)
CALIBRATION_PRICE_PEAK_HIGH_CNY_PER_MWH = _assume(
    "CALIBRATION_PRICE_PEAK_HIGH_CNY_PER_MWH",
    1500.0,
    "CNY/MWh",
    "calibration",
    "Upper end of the band on the dearest provincial hour. The 2023 spot maximum was 835 CNY/MWh, under an offer "
    "cap tied to the highest-fuel-cost unit; a model hour above 1,500 is priced by the reserve or the "
    "unserved-energy penalty (VALUE_OF_LOST_LOAD), a scarcity the market did not see.",
)
CALIBRATION_WEST_EAST_LOW_TWH = _assume(
    "CALIBRATION_WEST_EAST_LOW_TWH",
    200.0,
    "TWh",
    "calibration",
    "Lower end of West-to-East energy received by Guangdong in 2023. No 2023 figure was found; CSG's West-to-East "
    "total was 226.5 TWh in 2019 and about 238 TWh in 2024 (261.6 / 1.098, including flows into Guangxi), and the "
    "Yunnan drought cut hydro sent in the first half of 2023 (FACTS_PROVINCE.md, suggested range 200-240 TWh).",
)
CALIBRATION_WEST_EAST_HIGH_TWH = _assume(
    "CALIBRATION_WEST_EAST_HIGH_TWH",
    240.0,
    "TWh",
    "calibration",
    "Upper end of the West-to-East energy into Guangdong in 2023: the CSG total of 2024 (about 238 TWh) includes "
    "flows that end in Guangxi, and 2023 was a drought year, so Guangdong's 2023 intake sits below it.",
)
CALIBRATION_THERMAL_SHARE_TOLERANCE = _assume(
    "CALIBRATION_THERMAL_SHARE_TOLERANCE",
    0.05,
    "MWh/MWh",
    "calibration",
    "Half-width (absolute) of the band on the thermal share of Guangdong's generation against NBS's 70.5 % for "
    "Jan-May 2023: NBS counts above-scale plants only (small distributed PV and captive units are missing from its "
    "total) and its thermal includes biomass and waste; an aggregated or partial-year run compares its whole "
    "horizon, where the wet season lowers the share.",
)
