"""The rest of Guangdong as one bus (``Guangdong_rest``): its load, its aggregated fleet, the capacity factors of
its variable technologies and the West-to-East supply into it, for the calibration year and the milestone years.

:func:`add_province` extends the tables built by :mod:`gzpower.pipeline.grid` and
:mod:`gzpower.pipeline.profiles` with the province's rows (the ``Guangdong_rest`` bus, the ``west_east_province``
source and its availability, the province load and capacity factors) and the ``province_fleet`` table. Source
figures (FACTS_PROVINCE.md, FACTS.md, each with its outlet and reliability mark) are :data:`PROVINCE_FIGURES`;
every other number is a named assumption of :mod:`gzpower.assumptions` (section ``province``).

Load (:func:`rest_of_guangdong_load`)
    G_t = P_G * s_t**b_G, the GD column of the 2018 provincial curve aligned to the year's calendar (s = its
    normalised shape) and scaled to the province's energy E_G and peak P_G exactly as the city's load is
    (:func:`gzpower.pipeline.profiles.scale_to_energy_and_peak`); the rest of Guangdong is R_t = G_t - C_t with C_t
    Guangzhou's load (the sum of the districts). E_G, P_G: 2023 850.2 TWh and 145 GW (official); 2025 the
    912.1 TWh of Provincial_Load_2020_2060_MWh.csv and 170 GW (2025-05-28); 2030 E_2025 (1 +
    PROVINCE_ENERGY_GROWTH_2025_2030)^5 and E_2030 / (8760 h PROVINCE_LOAD_FACTOR_2030). R_t > 0 in every hour
    is checked.

Fleet (:func:`guangdong_fleet`, :func:`city_fleet`, :func:`build_province_fleet`)
    For each technology k and year Y: P_k,Y(province) = P_k,Y(Guangdong) - P_k,Y(Guangzhou), where Guangdong's
    totals are the facts' figures and the named projections (see :func:`guangdong_fleet`) and Guangzhou's are its
    units as the check models them: GEM coal and gas standing in Y (:func:`gzpower.scenario.fleet.standing_units`,
    the plan's coal replacement on), gas raised to the plan's gas target, PV and wind the sites' existing capacity
    plus the plan's renewables increment (the re_capacity target less PV, wind and waste standing, split by
    PLAN_RE_GAP_SPLIT), Conghua pumped storage's city share, batteries the plan's storage target. The 2023 gas
    fleet is the remainder of the 193 GW total. Storage energy: pumped storage Conghua's province share x
    PSH_HOURS_AT_FULL_POWER plus the other stations x PROVINCE_PSH_HOURS_AT_FULL_POWER; batteries x
    PROVINCE_BATTERY_HOURS; per-leg efficiency sqrt(round trip).
    Marginal cost of dispatchable technologies: h_k * f_k,Y + VOM_k (h the heat rate MWh_th/MWh, f the fuel price
    of fuels.csv; nuclear PROVINCE_NUCLEAR_FUEL_CNY_PER_MWH + VOM); CO2 h_k * e_k (e of fuels.csv). VOM from
    costs_<year>.csv (the 2023 rows take costs_2025.csv, COSTS_YEAR_FOR_2023), 0 where the csv has none.

Capacity factors (:func:`province_capacity_factors`)
    pv = (1 - d) cf_ground + d cf_rooftop (d = PROVINCE_PV_DISTRIBUTED_SHARE; the city's pvlib profiles);
    wind_onshore = cf_wind(k_on v_10), wind_offshore = cf_wind(k_off v_10) with the city's power curve and the
    station's 10-m wind (k the PROVINCE_WIND_*_SPEED_FACTOR); hydro = PROVINCE_HYDRO_MONTHLY_CF at mid-month,
    linear per day, constant within the day. One weather station stands for the province
    (PROVINCE_WEATHER_STATION states the bias).

West-to-East (:func:`build_province_import_sources`, :func:`w2e_province_availability`)
    p_max = PROVINCE_W2E_CAPABILITY_MW - IMPORT_CAPACITY_WEST_EAST_CLEAN_MW (Guangzhou's own contract), checked
    against the sum of Guangdong's interties in edges_current.csv; price PRICE_WEST_EAST_CLEAN_CNY_PER_MWH (the
    city's contract price); CO2 (1 - PROVINCE_W2E_HYDRO_SHARE) x the province coal intensity; min_take_pu
    PROVINCE_W2E_MIN_TAKE; hourly availability PROVINCE_W2E_MONTHLY_AVAILABILITY x the 2023 drought factor
    (:func:`gzpower.pipeline.profiles.drought_months`), at mid-month, linear per day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from gzpower.assumptions import (
    BATTERY_ROUND_TRIP_EFFICIENCY,
    COSTS_YEAR_FOR_2023,
    EUR_TO_CNY,
    IMPORT_CAPACITY_WEST_EAST_CLEAN_MW,
    PLAN_RE_GAP_SPLIT,
    PRICE_WEST_EAST_CLEAN_CNY_PER_MWH,
    PROVINCE_BATTERY_2023_MW,
    PROVINCE_BATTERY_HOURS,
    PROVINCE_COAL_AVAILABILITY,
    PROVINCE_COAL_HEAT_RATE,
    PROVINCE_COAL_MIN_OUTPUT,
    PROVINCE_COAL_PIPELINE_SHARE_2025,
    PROVINCE_COAL_PIPELINE_SHARE_2030,
    PROVINCE_COAL_RETIRED_2030_MW,
    PROVINCE_ENERGY_GROWTH_2025_2030,
    PROVINCE_GAS_2025_MW,
    PROVINCE_GAS_ADDED_2025_2030_MW,
    PROVINCE_GAS_AVAILABILITY,
    PROVINCE_GAS_EFFICIENCY,
    PROVINCE_GAS_MIN_OUTPUT,
    PROVINCE_HYDRO_MONTHLY_CF,
    PROVINCE_HYDRO_MW,
    PROVINCE_LIANJIANG_UNITS_2030,
    PROVINCE_LOAD_FACTOR_2030,
    PROVINCE_NEW_ENERGY_2023_MW,
    PROVINCE_NEW_ENERGY_2025_MW,
    PROVINCE_NUCLEAR_2023_MW,
    PROVINCE_NUCLEAR_AVAILABILITY,
    PROVINCE_NUCLEAR_FUEL_CNY_PER_MWH,
    PROVINCE_NUCLEAR_MIN_OUTPUT,
    PROVINCE_OTHER_2023_MW,
    PROVINCE_PSH_ADDED_2025_2030_MW,
    PROVINCE_PSH_HOURS_AT_FULL_POWER,
    PROVINCE_PSH_ROUND_TRIP,
    PROVINCE_PV_ADDED_PER_YEAR_2025_2030_MW,
    PROVINCE_PV_DISTRIBUTED_SHARE,
    PROVINCE_STORAGE_RULE_SHARE,
    PROVINCE_TAIPINGLING_UNITS_2025,
    PROVINCE_TAIPINGLING_UNITS_2030,
    PROVINCE_W2E_CAPABILITY_MW,
    PROVINCE_W2E_HYDRO_SHARE,
    PROVINCE_W2E_MIN_TAKE,
    PROVINCE_W2E_MONTHLY_AVAILABILITY,
    PROVINCE_WIND_OFFSHORE_2025_MW,
    PROVINCE_WIND_OFFSHORE_2030_MW,
    PROVINCE_WIND_OFFSHORE_SPEED_FACTOR,
    PROVINCE_WIND_ONSHORE_2023_MW,
    PROVINCE_WIND_ONSHORE_2025_MW,
    PROVINCE_WIND_ONSHORE_2030_MW,
    PROVINCE_WIND_ONSHORE_SPEED_FACTOR,
    PSH_HOURS_AT_FULL_POWER,
)
from gzpower.errors import InputError
from gzpower.inputs.schemas import (
    BUSES,
    CALIBRATION_YEAR,
    CAPACITY_FACTORS,
    DATA_YEARS,
    HOURS_PER_YEAR,
    IMPORT_AVAILABILITY,
    IMPORT_SOURCES,
    LOAD,
    PROVINCE_BUS,
    PROVINCE_FLEET,
    PROVINCE_TECHNOLOGY_KINDS,
)
from gzpower.pipeline import profiles as P
from gzpower.pipeline.grid import PSH_ROUND_TRIP, PSH_UNIT_MW, PSH_UNITS, conform, cost_param, read_costs
from gzpower.scenario.fleet import standing_units
from gzpower.scenario.plan import year_targets

PROVINCIAL_LOAD_FILE = "Provincial_Load_2020_2060_MWh.csv"
EDGES_FILE = "edges_current.csv"
W2E_SOURCE = "west_east_province"
# Notional position of the province bus (maps only; no physics uses it): towards Dongguan and Shenzhen, the
# province's other load centre, clear of the city's own external nodes.
PROVINCE_BUS_POSITION = (22.75, 113.85)
# edges_current.csv partners of Guangdong that carry West-to-East power or island exchange (Hebei is a DC link
# to the north, not West-to-East)
W2E_CORRIDOR_PARTNERS = ("Guangxi", "Guizhou", "Yunnan", "Hainan")
JAN_MAY_HOURS = (31 + 28 + 31 + 30 + 31) * 24


@dataclass(frozen=True)
class Figure:
    """A source figure of the province: value, unit, what it is, its source (outlet, URL) and reliability mark."""

    name: str
    value: float
    unit: str
    what: str
    source: str
    mark: str


_FIGURES = (
    Figure(
        "GD_ENERGY_2023",
        850.2e6,
        "MWh",
        "Guangdong consumption 2023 (+8.0 %)",
        "南方+ / Guangdong Energy Bureau, repost http://bbs.baidu.com.cn/p/8869513540?pid=149648788702",
        "official",
    ),
    Figure(
        "GD_PEAK_2023",
        145000.0,
        "MW",
        "Guangdong dispatched (统调) peak 2023",
        "南方+ (as above)",
        "official",
    ),
    Figure(
        "GD_PEAK_2025",
        170000.0,
        "MW",
        "Guangdong dispatched peak, about 170 GW on 2025-05-28 ('over 160 GW in 2025' elsewhere)",
        "Yicai via newsai https://newsai.xq001.info/article.php?id=1910&lang=en",
        "official",
    ),
    Figure(
        "GD_CAPACITY_2023",
        193000.0,
        "MW",
        "Guangdong grid total installed capacity, end 2023",
        "2023年广东电力市场年度报告 (Guangdong Power Exchange), https://reportify.ai/institutions/9657605090312198/documents",
        "official",
    ),
    Figure(
        "COAL_MID_2023",
        68000.0,
        "MW",
        "Guangdong coal capacity, mid 2023 ('about 68 GW now')",
        "L. Myllyvirta (CREA), https://www.linkedin.com/feed/update/urn:li:activity:7069903573400137728/",
        "news",
    ),
    Figure(
        "COAL_PIPELINE_2022",
        46100.0,
        "MW",
        "Guangdong coal in development in 2022, due 2023-25",
        "Dialogue Earth, https://dialogue.earth/en/energy/coal-power-is-no-cure-for-guangdong/",
        "news",
    ),
    Figure(
        "TAIPINGLING_UNIT",
        1200.0,
        "MW",
        "Taipingling Hualong One unit size",
        "Yicai, https://yicaiglobal.com/news/china-greenlights-two-more-reactor-units-at-taipingling-nuclear-plant",
        "news",
    ),
    Figure(
        "LIANJIANG_UNIT",
        1250.0,
        "MW",
        "Lianjiang unit size",
        "http://www.by6636.cn/yejie/2023/0418/34045.html",
        "news",
    ),
    Figure(
        "PSH_2023",
        9680.0,
        "MW",
        "pumped storage in Guangdong, end 2023 (6 stations, Conghua 2.4 GW included)",
        "CSG via 储能网, http://14z7q.com/chuneng/dongtai1/20240129/234031.html",
        "official",
    ),
    Figure(
        "PSH_MEIZHOU_II",
        1200.0,
        "MW",
        "Meizhou pumped storage phase II, all units in service 2025-11-28",
        "http://www.jiayuanpeimei.com/xw/3078.html",
        "news",
    ),
    Figure(
        "WIND_OFFSHORE_2023",
        10000.0,
        "MW",
        "Guangdong offshore wind 'over 10 GW', 2024-01-19",
        "Xinhua / People's Daily, http://en.people.cn/n3/2024/0120/c90000-20124629.html",
        "official",
    ),
    Figure(
        "HYDRO_GEN_JAN_MAY_2023",
        7.93e6,
        "MWh",
        "NBS above-scale hydro generation in Guangdong, Jan-May 2023",
        "华经产业研究院 from NBS, https://m.qy924.com/channel/distdata/908152.html",
        "official",
    ),
    Figure(
        "WIND_GEN_JAN_MAY_2023",
        15.36e6,
        "MWh",
        "NBS above-scale wind generation in Guangdong, Jan-May 2023",
        "华经产业研究院 from NBS (as above)",
        "official",
    ),
)
PROVINCE_FIGURES: dict[str, Figure] = {f.name: f for f in _FIGURES}


def figure(name: str) -> float:
    return PROVINCE_FIGURES[name].value


# ==========================================================================================================
# bus and load
# ==========================================================================================================
def province_bus() -> pd.DataFrame:
    """The one row of the province bus (kind ``province``; no population or load weight of the city)."""
    row = {
        "bus": PROVINCE_BUS,
        "kind": "province",
        "lat": PROVINCE_BUS_POSITION[0],
        "lon": PROVINCE_BUS_POSITION[1],
        "population_10k": 0.0,
        "load_weight": 0.0,
        "has_500kv": False,
    }
    return conform(pd.DataFrame([row]), BUSES)


def provincial_energy_2025_mwh(raw: Path) -> float:
    """Guangdong's 2025 energy from Provincial_Load_2020_2060_MWh.csv (row Guangdong, column 2025)."""
    path = Path(raw) / PROVINCIAL_LOAD_FILE
    frame = pd.read_csv(path, index_col=0)
    if "Guangdong" not in frame.index or "2025" not in frame.columns:
        raise InputError(str(path), "no Guangdong row with a 2025 column", column="2025")
    value = pd.to_numeric(frame.loc["Guangdong", "2025"], errors="coerce")
    if not np.isfinite(value) or value <= 0:
        raise InputError(
            str(path),
            f"Guangdong 2025 energy '{frame.loc['Guangdong', '2025']}' is not a positive number",
            column="2025",
        )
    return float(value)


def province_load_targets(raw: Path) -> dict[int, dict[str, float]]:
    """Guangdong's (whole province) energy (MWh) and hour-average peak (MW) per data year (module docstring)."""
    energy_2025 = provincial_energy_2025_mwh(raw)
    energy_2030 = energy_2025 * (1 + PROVINCE_ENERGY_GROWTH_2025_2030) ** 5
    return {
        2023: {"energy_mwh": figure("GD_ENERGY_2023"), "peak_mw": figure("GD_PEAK_2023")},
        2025: {"energy_mwh": energy_2025, "peak_mw": figure("GD_PEAK_2025")},
        2030: {"energy_mwh": energy_2030, "peak_mw": energy_2030 / (HOURS_PER_YEAR * PROVINCE_LOAD_FACTOR_2030)},
    }


def rest_of_guangdong_load(raw: Path, year: int, gd_load: pd.Series | None = None) -> dict[str, np.ndarray]:
    """Hourly MW of the year: ``guangdong`` (the whole province), ``city`` (Guangzhou) and ``rest`` (their
    difference, positive in every hour or a ValueError)."""
    gd_load = P.read_gd_load(raw) if gd_load is None else gd_load
    target = province_load_targets(raw)[year]
    province, _ = P.scale_to_energy_and_peak(
        P.align_to_year(gd_load.to_numpy(), year), target["energy_mwh"], target["peak_mw"]
    )
    city, _ = P.city_load(raw, year, gd_load)
    rest = province - city
    if (rest <= 0).any():
        hour = int(np.argmin(rest))
        raise ValueError(f"rest of Guangdong load is {rest[hour]:.0f} MW in {year} hour {hour}: city above province")
    return {"guangdong": province, "city": city, "rest": rest}


def build_province_load(raw: Path, years: tuple[int, ...] = DATA_YEARS, gd_load=None) -> pd.DataFrame:
    """The ``load`` rows of the province bus."""
    gd_load = P.read_gd_load(raw) if gd_load is None else gd_load
    frames = [
        P.long_frame(
            year, "bus", [PROVINCE_BUS], rest_of_guangdong_load(raw, year, gd_load)["rest"][None, :], "load_mw"
        )
        for year in years
    ]
    return P.finish_frame(frames, [c.name for c in LOAD.columns], list(LOAD.key))


# ==========================================================================================================
# capacity factors and West-to-East availability
# ==========================================================================================================
def hourly_from_monthly(monthly, year: int, name: str) -> np.ndarray:
    """8760 hourly values: monthly factors at mid-month, linear per day, constant within the day."""
    return np.repeat(P.monthly_to_daily(monthly, year, name), 24)


def province_capacity_factors(weather: pd.DataFrame, meta: dict, year: int) -> dict[str, np.ndarray]:
    """Hourly capacity factors of the province's variable technologies (module docstring)."""
    ground = P.pv_capacity_factor(weather, meta, year, "pv_ground")
    rooftop = P.pv_capacity_factor(weather, meta, year, "pv_rooftop")
    wind = weather["wind_speed"].to_numpy(float)
    out = {
        "hydro": hourly_from_monthly(PROVINCE_HYDRO_MONTHLY_CF, year, "PROVINCE_HYDRO_MONTHLY_CF"),
        "wind_onshore": P.wind_capacity_factor(wind * PROVINCE_WIND_ONSHORE_SPEED_FACTOR),
        "wind_offshore": P.wind_capacity_factor(wind * PROVINCE_WIND_OFFSHORE_SPEED_FACTOR),
        "pv": (1 - PROVINCE_PV_DISTRIBUTED_SHARE) * ground + PROVINCE_PV_DISTRIBUTED_SHARE * rooftop,
    }
    return {tech: np.clip(cf, 0.0, 1.0) for tech, cf in out.items()}


def build_province_capacity_factors(
    raw: Path, years: tuple[int, ...] = DATA_YEARS, weather: tuple[pd.DataFrame, dict] | None = None
) -> pd.DataFrame:
    """The ``capacity_factors`` rows of the province bus, tech = the province technology."""
    rows, meta = P.read_weather(raw) if weather is None else weather
    frames = []
    for year in years:
        for tech, cf in province_capacity_factors(rows, meta, year).items():
            frames.append(P.long_frame(year, "bus", [PROVINCE_BUS], cf[None, :], "cf", extra={"tech": tech}))
    return P.finish_frame(frames, [c.name for c in CAPACITY_FACTORS.columns], list(CAPACITY_FACTORS.key))


def w2e_province_availability(year: int) -> np.ndarray:
    """Hourly availability of the province's West-to-East supply: monthly factors x the 2023 drought factor."""
    monthly = np.asarray(PROVINCE_W2E_MONTHLY_AVAILABILITY, dtype=float) * P.drought_months(year)
    return hourly_from_monthly(monthly, year, "PROVINCE_W2E_MONTHLY_AVAILABILITY")


def build_province_import_availability(years: tuple[int, ...] = DATA_YEARS) -> pd.DataFrame:
    """The ``import_availability`` rows of ``west_east_province``."""
    frames = [
        P.long_frame(year, "source", [W2E_SOURCE], w2e_province_availability(year)[None, :], "availability")
        for year in years
    ]
    return P.finish_frame(frames, [c.name for c in IMPORT_AVAILABILITY.columns], list(IMPORT_AVAILABILITY.key))


# ==========================================================================================================
# West-to-East source
# ==========================================================================================================
def w2e_corridor_mw(raw: Path) -> float:
    """Sum of Guangdong's interties with the West-to-East partners in edges_current.csv (MW)."""
    path = Path(raw) / EDGES_FILE
    edges = pd.read_csv(path, header=None, names=["a", "b", "mw"])
    gd = edges[(edges["a"] == "Guangdong") & edges["b"].isin(W2E_CORRIDOR_PARTNERS)]
    gd = pd.concat([gd, edges[(edges["b"] == "Guangdong") & edges["a"].isin(W2E_CORRIDOR_PARTNERS)]])
    mw = pd.to_numeric(gd["mw"], errors="coerce")
    if gd.empty or mw.isna().any():
        raise InputError(str(path), "no numeric Guangdong West-to-East corridors (Guangxi, Guizhou, Yunnan, Hainan)")
    return float(mw.sum())


def w2e_province_p_max(raw: Path) -> float:
    """PROVINCE_W2E_CAPABILITY_MW less Guangzhou's own contract, after checking it against the corridors."""
    corridors = w2e_corridor_mw(raw)
    if PROVINCE_W2E_CAPABILITY_MW > corridors:
        raise ValueError(
            f"PROVINCE_W2E_CAPABILITY_MW {PROVINCE_W2E_CAPABILITY_MW:g} exceeds the corridors {corridors:g}"
        )
    return PROVINCE_W2E_CAPABILITY_MW - IMPORT_CAPACITY_WEST_EAST_CLEAN_MW


def province_coal_co2(fuels: pd.DataFrame, year: int) -> float:
    """tCO2 per MWh electric of the province's coal fleet: PROVINCE_COAL_HEAT_RATE x coal's CO2 per MWh_th."""
    coal = fuels[(fuels["fuel"] == "coal") & (fuels["year"] == year)].iloc[0]
    return PROVINCE_COAL_HEAT_RATE * float(coal["co2_t_per_mwh_th"])


def build_province_import_sources(raw: Path, fuels: pd.DataFrame, years: tuple[int, ...] = DATA_YEARS) -> pd.DataFrame:
    """The ``import_sources`` rows of ``west_east_province`` (module docstring)."""
    p_max = w2e_province_p_max(raw)
    rows = [
        {
            "source": W2E_SOURCE,
            "year": year,
            "bus": PROVINCE_BUS,
            "p_max_mw": p_max,
            "price_cny_per_mwh": PRICE_WEST_EAST_CLEAN_CNY_PER_MWH,
            "co2_t_per_mwh": (1 - PROVINCE_W2E_HYDRO_SHARE) * province_coal_co2(fuels, year),
            "clean": True,
            "min_take_pu": PROVINCE_W2E_MIN_TAKE,
        }
        for year in years
    ]
    return conform(pd.DataFrame(rows), IMPORT_SOURCES)


# ==========================================================================================================
# fleet
# ==========================================================================================================
def _new_energy(year: int) -> dict[str, float]:
    """Onshore, offshore wind and PV of Guangdong (MW): the year's wind + solar total less the wind."""
    if year == CALIBRATION_YEAR:
        onshore, offshore, total = (
            PROVINCE_WIND_ONSHORE_2023_MW,
            figure("WIND_OFFSHORE_2023"),
            PROVINCE_NEW_ENERGY_2023_MW,
        )
        return {"wind_onshore": onshore, "wind_offshore": offshore, "pv": total - onshore - offshore}
    if year == 2025:
        onshore, offshore = PROVINCE_WIND_ONSHORE_2025_MW, PROVINCE_WIND_OFFSHORE_2025_MW
        return {
            "wind_onshore": onshore,
            "wind_offshore": offshore,
            "pv": PROVINCE_NEW_ENERGY_2025_MW - onshore - offshore,
        }
    if year == 2030:
        pv = _new_energy(2025)["pv"] + 5 * PROVINCE_PV_ADDED_PER_YEAR_2025_2030_MW
        return {
            "wind_onshore": PROVINCE_WIND_ONSHORE_2030_MW,
            "wind_offshore": PROVINCE_WIND_OFFSHORE_2030_MW,
            "pv": pv,
        }
    raise ValueError(f"no province fleet for {year}")


def _battery_mw(year: int) -> float:
    """PROVINCE_BATTERY_2023_MW plus the storage rule on the wind and central PV added since 2023."""
    now, base = _new_energy(year), _new_energy(CALIBRATION_YEAR)
    wind = now["wind_onshore"] + now["wind_offshore"] - base["wind_onshore"] - base["wind_offshore"]
    central_pv = (1 - PROVINCE_PV_DISTRIBUTED_SHARE) * (now["pv"] - base["pv"])
    return PROVINCE_BATTERY_2023_MW + PROVINCE_STORAGE_RULE_SHARE * (wind + central_pv)


def _thermal_and_storage(year: int) -> dict[str, float]:
    """Coal, nuclear, pumped storage and gas of Guangdong (MW); 2023 gas is the remainder of the total."""
    pipeline = figure("COAL_PIPELINE_2022")
    coal = {
        2023: figure("COAL_MID_2023"),
        2025: figure("COAL_MID_2023") + PROVINCE_COAL_PIPELINE_SHARE_2025 * pipeline,
        2030: figure("COAL_MID_2023") + PROVINCE_COAL_PIPELINE_SHARE_2030 * pipeline - PROVINCE_COAL_RETIRED_2030_MW,
    }[year]
    taipingling = {2023: 0, 2025: PROVINCE_TAIPINGLING_UNITS_2025, 2030: PROVINCE_TAIPINGLING_UNITS_2030}[year]
    lianjiang = PROVINCE_LIANJIANG_UNITS_2030 if year == 2030 else 0
    nuclear = PROVINCE_NUCLEAR_2023_MW + taipingling * figure("TAIPINGLING_UNIT") + lianjiang * figure("LIANJIANG_UNIT")
    pumped = figure("PSH_2023") + (figure("PSH_MEIZHOU_II") if year >= 2025 else 0.0)
    pumped += PROVINCE_PSH_ADDED_2025_2030_MW if year >= 2030 else 0.0
    if year == CALIBRATION_YEAR:
        others = coal + nuclear + PROVINCE_HYDRO_MW + PROVINCE_NEW_ENERGY_2023_MW + pumped + PROVINCE_OTHER_2023_MW
        gas = figure("GD_CAPACITY_2023") - others
    else:
        gas = PROVINCE_GAS_2025_MW + (PROVINCE_GAS_ADDED_2025_2030_MW if year == 2030 else 0.0)
    return {"coal": coal, "gas": gas, "nuclear": nuclear, "pumped_hydro": pumped}


GUANGDONG_SOURCES = {
    "coal": {
        2023: "COAL_MID_2023 (CREA, news)",
        2025: "COAL_MID_2023 + PROVINCE_COAL_PIPELINE_SHARE_2025 x COAL_PIPELINE_2022 (Dialogue Earth, news)",
        2030: "COAL_MID_2023 + PROVINCE_COAL_PIPELINE_SHARE_2030 x COAL_PIPELINE_2022 - PROVINCE_COAL_RETIRED_2030_MW",
    },
    "gas": {
        2023: "GD_CAPACITY_2023 (193 GW, official) less every other technology and PROVINCE_OTHER_2023_MW",
        2025: "PROVINCE_GAS_2025_MW (facts estimate from SCI99 shares)",
        2030: "PROVINCE_GAS_2025_MW + PROVINCE_GAS_ADDED_2025_2030_MW",
    },
    "nuclear": {
        2023: "PROVINCE_NUCLEAR_2023_MW (facts estimate: Daya Bay, Yangjiang, Taishan)",
        2025: "PROVINCE_NUCLEAR_2023_MW + PROVINCE_TAIPINGLING_UNITS_2025 x TAIPINGLING_UNIT",
        2030: "PROVINCE_NUCLEAR_2023_MW + PROVINCE_TAIPINGLING_UNITS_2030 x TAIPINGLING_UNIT + "
        "PROVINCE_LIANJIANG_UNITS_2030 x LIANJIANG_UNIT",
    },
    "hydro": {y: "PROVINCE_HYDRO_MW (estimate; NBS Jan-May 2023 7.93 TWh)" for y in DATA_YEARS},
    "wind_onshore": {
        2023: "PROVINCE_WIND_ONSHORE_2023_MW (estimate)",
        2025: "PROVINCE_WIND_ONSHORE_2025_MW",
        2030: "PROVINCE_WIND_ONSHORE_2030_MW",
    },
    "wind_offshore": {
        2023: "WIND_OFFSHORE_2023 (over 10 GW, Xinhua 2024-01-19, official)",
        2025: "PROVINCE_WIND_OFFSHORE_2025_MW (12.5 GW Aug 2025, 15 GW target)",
        2030: "PROVINCE_WIND_OFFSHORE_2030_MW",
    },
    "pv": {
        2023: "PROVINCE_NEW_ENERGY_2023_MW (50.16 GW Apr 2024, CSG) less wind",
        2025: "PROVINCE_NEW_ENERGY_2025_MW (over 81 GW Aug 2025) less wind",
        2030: "2025 + 5 x PROVINCE_PV_ADDED_PER_YEAR_2025_2030_MW",
    },
    "pumped_hydro": {
        2023: "PSH_2023 (9.68 GW, CSG, official)",
        2025: "PSH_2023 + PSH_MEIZHOU_II (news)",
        2030: "PSH_2023 + PSH_MEIZHOU_II + PROVINCE_PSH_ADDED_2025_2030_MW",
    },
    "battery": {
        2023: "PROVINCE_BATTERY_2023_MW (estimate from NEA's 'over 2 GW' at end 2024)",
        2025: "PROVINCE_BATTERY_2023_MW + PROVINCE_STORAGE_RULE_SHARE x (wind + central PV added since 2023)",
        2030: "PROVINCE_BATTERY_2023_MW + PROVINCE_STORAGE_RULE_SHARE x (wind + central PV added since 2023)",
    },
}


def guangdong_fleet(year: int) -> dict[str, float]:
    """Guangdong's whole fleet (MW per province technology, Guangzhou included) in ``year``."""
    out = {"hydro": PROVINCE_HYDRO_MW, **_new_energy(year), **_thermal_and_storage(year), "battery": _battery_mw(year)}
    return {tech: float(out[tech]) for tech, _ in PROVINCE_TECHNOLOGY_KINDS}


def _plan_re_split() -> dict[str, float]:
    pairs = (part.split(":") for part in PLAN_RE_GAP_SPLIT.split(",") if part.strip())
    return {tech.strip(): float(share) for tech, share in pairs}


def _target(targets: pd.DataFrame, target_id: str, year: int) -> float:
    """The plan's value of ``target_id`` in ``year`` (carried forward where the plan does), 0 without one."""
    rows = year_targets(targets, year)
    row = rows[rows["id"] == target_id]
    return 0.0 if row.empty or pd.isna(row["value"].iloc[0]) else float(row["value"].iloc[0])


def city_fleet(tables: dict[str, pd.DataFrame], year: int) -> dict[str, float]:
    """Guangzhou's own MW per province technology in ``year``, as the check models it (module docstring)."""
    standing = standing_units(tables["units"], year).groupby("carrier")["p_nom_mw"].sum()
    existing = tables["sites"].groupby("tech")["existing_mw"].sum()
    targets = tables["targets"]
    pv = float(existing.get("pv_rooftop", 0.0) + existing.get("pv_ground", 0.0))
    wind = float(existing.get("wind_onshore", 0.0))
    re_gap = max(0.0, _target(targets, "re_capacity", year) - pv - wind - float(standing.get("waste", 0.0)))
    split = _plan_re_split()
    storage = tables["storage_units"]
    city = {tech: 0.0 for tech, _ in PROVINCE_TECHNOLOGY_KINDS}
    city["coal"] = float(standing.get("coal", 0.0))
    city["gas"] = max(float(standing.get("gas", 0.0)), _target(targets, "gas_capacity", year))
    city["pv"] = pv + re_gap * (split.get("pv_rooftop", 0.0) + split.get("pv_ground", 0.0))
    city["wind_onshore"] = wind + re_gap * split.get("wind_onshore", 0.0)
    city["pumped_hydro"] = float(storage.loc[storage["carrier"] == "pumped_hydro", "p_nom_mw"].sum())
    city["battery"] = float(existing.get("battery_power", 0.0)) + _target(targets, "storage_capacity", year)
    return city


def province_fleet_mw(tables: dict[str, pd.DataFrame], year: int) -> dict[str, float]:
    """Guangdong less Guangzhou, per technology (MW); a negative remainder is an error."""
    gd, city = guangdong_fleet(year), city_fleet(tables, year)
    out = {tech: gd[tech] - city[tech] for tech in gd}
    negative = {tech: mw for tech, mw in out.items() if mw < 0}
    if negative:
        raise ValueError(f"province fleet {year}: Guangzhou's own capacity exceeds Guangdong's for {negative}")
    return out


def _pumped_storage(p_nom: float, city_mw: float) -> tuple[float, float]:
    """(energy MWh, per-leg efficiency) of the province's pumped storage: Conghua's province share at its own
    hours and round trip, the other stations at the province's."""
    conghua = PSH_UNITS * PSH_UNIT_MW - city_mw
    others = p_nom - conghua
    energy = conghua * PSH_HOURS_AT_FULL_POWER + others * PROVINCE_PSH_HOURS_AT_FULL_POWER
    round_trip = (conghua * PSH_ROUND_TRIP + others * PROVINCE_PSH_ROUND_TRIP) / p_nom
    return energy, math.sqrt(round_trip)


def _fuel_price(fuels: pd.DataFrame, fuel: str, year: int) -> pd.Series:
    return fuels[(fuels["fuel"] == fuel) & (fuels["year"] == year)].iloc[0]


def _economics(raw: Path, fuels: pd.DataFrame, year: int) -> dict[str, tuple[float, float]]:
    """(marginal cost CNY/MWh, tCO2/MWh) per province technology in ``year`` (module docstring)."""
    costs = read_costs(raw, COSTS_YEAR_FOR_2023 if year == CALIBRATION_YEAR else year)
    coal, gas = _fuel_price(fuels, "coal", year), _fuel_price(fuels, "gas", year)
    eur = float(EUR_TO_CNY)

    def vom(tech: str) -> float:
        return cost_param(costs, tech, "VOM", default=0.0) * eur

    gas_rate = 1.0 / PROVINCE_GAS_EFFICIENCY
    return {
        "coal": (PROVINCE_COAL_HEAT_RATE * coal["price_cny_per_mwh_th"] + vom("coal"), province_coal_co2(fuels, year)),
        "gas": (gas_rate * gas["price_cny_per_mwh_th"] + vom("CCGT"), gas_rate * gas["co2_t_per_mwh_th"]),
        "nuclear": (PROVINCE_NUCLEAR_FUEL_CNY_PER_MWH + vom("nuclear"), 0.0),
        "hydro": (vom("hydro"), 0.0),
        "wind_onshore": (vom("onwind"), 0.0),
        "wind_offshore": (vom("offwind"), 0.0),
        "pv": (vom("solar-utility"), 0.0),
        "pumped_hydro": (vom("PHS"), 0.0),
        "battery": (vom("battery inverter"), 0.0),
    }


# technology -> (availability_pu, min_output_pu) of the dispatchable technologies (calibration knobs)
OPERATION = {
    "coal": (PROVINCE_COAL_AVAILABILITY, PROVINCE_COAL_MIN_OUTPUT),
    "gas": (PROVINCE_GAS_AVAILABILITY, PROVINCE_GAS_MIN_OUTPUT),
    "nuclear": (PROVINCE_NUCLEAR_AVAILABILITY, PROVINCE_NUCLEAR_MIN_OUTPUT),
}
OPERATION_SOURCES = {
    "coal": "PROVINCE_COAL_HEAT_RATE, PROVINCE_COAL_AVAILABILITY, PROVINCE_COAL_MIN_OUTPUT",
    "gas": "PROVINCE_GAS_EFFICIENCY, PROVINCE_GAS_AVAILABILITY, PROVINCE_GAS_MIN_OUTPUT",
    "nuclear": "PROVINCE_NUCLEAR_FUEL_CNY_PER_MWH, PROVINCE_NUCLEAR_AVAILABILITY, PROVINCE_NUCLEAR_MIN_OUTPUT",
    "pumped_hydro": "PSH_HOURS_AT_FULL_POWER, PROVINCE_PSH_HOURS_AT_FULL_POWER, PROVINCE_PSH_ROUND_TRIP",
    "battery": "PROVINCE_BATTERY_HOURS, BATTERY_ROUND_TRIP_EFFICIENCY",
}


def _fleet_row(tech: str, kind: str, year: int, p_nom: float, city_mw: float, economics: tuple) -> dict:
    energy, efficiency = 0.0, 1.0
    if tech == "pumped_hydro" and p_nom > 0:
        energy, efficiency = _pumped_storage(p_nom, city_mw)
    elif tech == "battery":
        energy, efficiency = p_nom * PROVINCE_BATTERY_HOURS, math.sqrt(BATTERY_ROUND_TRIP_EFFICIENCY)
    availability, min_output = OPERATION.get(tech, (1.0, 0.0))
    source = f"Guangdong: {GUANGDONG_SOURCES[tech][year]}; less Guangzhou's own {city_mw:.0f} MW"
    if tech in OPERATION_SOURCES:
        source += f"; {OPERATION_SOURCES[tech]}"
    return {
        "year": year,
        "technology": tech,
        "kind": kind,
        "p_nom_mw": p_nom,
        "energy_mwh": energy,
        "efficiency_pu": efficiency,
        "marginal_cost_cny_per_mwh": economics[0],
        "co2_t_per_mwh": economics[1],
        "availability_pu": availability,
        "min_output_pu": min_output,
        "source": source,
    }


def build_province_fleet(
    raw: Path, tables: dict[str, pd.DataFrame], years: tuple[int, ...] = DATA_YEARS
) -> pd.DataFrame:
    """The ``province_fleet`` table: one row per year and technology (module docstring)."""
    rows = []
    for year in years:
        mw, city, economics = (
            province_fleet_mw(tables, year),
            city_fleet(tables, year),
            _economics(raw, tables["fuels"], year),
        )
        for tech, kind in PROVINCE_TECHNOLOGY_KINDS:
            rows.append(_fleet_row(tech, kind, year, mw[tech], city[tech], economics[tech]))
    return conform(pd.DataFrame(rows), PROVINCE_FLEET)


# ==========================================================================================================
# entry point and headline figures
# ==========================================================================================================
def _append(frame: pd.DataFrame, rows: pd.DataFrame, key: tuple[str, ...]) -> pd.DataFrame:
    out = pd.concat([frame, rows[list(frame.columns)]], ignore_index=True)
    return out.sort_values(list(key), kind="mergesort").reset_index(drop=True)


def add_province(raw: Path, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``tables`` (grid and profiles) with the province's rows added and the ``province_fleet`` table."""
    raw = Path(raw)
    out = dict(tables)
    gd_load = P.read_gd_load(raw)
    out["buses"] = _append(tables["buses"], province_bus(), BUSES.key)
    out["import_sources"] = _append(
        tables["import_sources"], build_province_import_sources(raw, tables["fuels"]), IMPORT_SOURCES.key
    )
    out["province_fleet"] = build_province_fleet(raw, tables)
    out["load"] = _append(tables["load"], build_province_load(raw, gd_load=gd_load), LOAD.key)
    capacity_factors = _append(tables["capacity_factors"], build_province_capacity_factors(raw), CAPACITY_FACTORS.key)
    capacity_factors.attrs = dict(tables["capacity_factors"].attrs)
    out["capacity_factors"] = capacity_factors
    out["import_availability"] = _append(
        tables["import_availability"], build_province_import_availability(), IMPORT_AVAILABILITY.key
    )
    return out


def w2e_energy_twh(tables: dict[str, pd.DataFrame], source: str, year: int) -> float:
    """Energy a source delivers at full take over the year (TWh): p_max x sum of its hourly availability."""
    src = tables["import_sources"]
    p_max = float(src.loc[(src["source"] == source) & (src["year"] == year), "p_max_mw"].iloc[0])
    avail = tables["import_availability"]
    hours = avail.loc[(avail["source"] == source) & (avail["year"] == year), "availability"]
    return p_max * float(hours.sum()) / 1e6


def province_stats(tables: dict[str, pd.DataFrame]) -> dict:
    """Headline figures per year: the rest of Guangdong's load (energy, peak, minimum), the fleet (MW per
    technology), annual capacity factors, West-to-East energy at full take; the 2023 Jan-May cross-checks."""
    load, cf, fleet = tables["load"], tables["capacity_factors"], tables["province_fleet"]
    stats: dict = {}
    for year in DATA_YEARS:
        rest = load.loc[(load["bus"] == PROVINCE_BUS) & (load["year"] == year), "load_mw"]
        rows = cf[(cf["bus"] == PROVINCE_BUS) & (cf["year"] == year)]
        mw = fleet[fleet["year"] == year].set_index("technology")["p_nom_mw"]
        stats[str(year)] = {
            "rest_energy_twh": float(rest.sum() / 1e6),
            "rest_peak_mw": float(rest.max()),
            "rest_min_mw": float(rest.min()),
            "fleet_mw": {tech: float(v) for tech, v in mw.items()},
            "cf": {str(t): float(g["cf"].mean()) for t, g in rows.groupby("tech")},
            "w2e_province_twh": w2e_energy_twh(tables, W2E_SOURCE, year),
            "w2e_into_guangdong_twh": w2e_energy_twh(tables, W2E_SOURCE, year)
            + w2e_energy_twh(tables, "west_east_clean", year),
        }
    stats["jan_may_2023_check"] = _jan_may_check(tables)
    return stats


def _jan_may_check(tables: dict[str, pd.DataFrame]) -> dict:
    """Jan-May 2023 hydro and wind output of the 2023 province fleet (plus the city's wind) against NBS."""
    cf, fleet = tables["capacity_factors"], tables["province_fleet"]
    mw = fleet[fleet["year"] == CALIBRATION_YEAR].set_index("technology")["p_nom_mw"]

    def energy(tech: str) -> float:
        rows = cf[(cf["bus"] == PROVINCE_BUS) & (cf["year"] == CALIBRATION_YEAR) & (cf["tech"] == tech)]
        return float(mw[tech] * rows["cf"].to_numpy()[:JAN_MAY_HOURS].sum())

    return {
        "hydro_twh": energy("hydro") / 1e6,
        "hydro_nbs_twh": figure("HYDRO_GEN_JAN_MAY_2023") / 1e6,
        "wind_twh": (energy("wind_onshore") + energy("wind_offshore")) / 1e6,
        "wind_nbs_twh": figure("WIND_GEN_JAN_MAY_2023") / 1e6,
    }
