"""Hourly profiles for the milestone years: district load, PV and wind capacity factors, import availability.

Reads the public raw files (``Hourly_demand...csv``, the Guangzhou TMYx EPW, the PVGIS cross-check) and returns
the three tables declared in :mod:`gzpower.inputs.schemas` (``LOAD``, ``CAPACITY_FACTORS``, ``IMPORT_AVAILABILITY``).
Every assumed number comes from :mod:`gzpower.assumptions`; constants below are source figures with their source.

Time convention of every output row: ``hour`` h = 0..8759 and ``timestamp`` = start of that hour, naive local
time (China Standard Time, UTC+8) in the target year's calendar; values are hour averages over
[timestamp, timestamp + 1 h).

Load (:func:`build_load`)
    1. Shape: Guangdong's 2018 hourly load (column ``GD``), hour 1 = 2018-01-01 00:00 local. Checked in the data:
       the lowest days are 2018-02-16..18 (Spring Festival was 2018-02-16), the annual peak is 2018-08-09 15:00,
       and Saturday/Sunday are the lowest weekdays when 2018-01-01 is a Monday.
    2. Calendar alignment (:func:`source_day_map`): every target-year day d takes all 24 hours of one 2018 source
       day. Inside an anchored holiday window (Spring Festival F: F-11..F+16 days; National Day: 30 Sep..7 Oct)
       the source day is the 2018 day at the same offset from the 2018 anchor, so the festival dip lands on the
       target year's festival. Elsewhere the source day is the same month-day in 2018 shifted by the weekday
       offset (-3..+3 days) so weekdays match; if that day lies outside 2018 or inside a 2018 holiday window it is
       moved by whole weeks (nearest first, earlier on ties) -- the weekday is kept.
    3. Scaling (:func:`scale_to_energy_and_peak`): normalised shape s = GD / max(GD) in (0, 1]; city load
       L_t = P * s_t**b with P the target (hour-average) peak and b solved so that sum_t L_t = E, i.e.
       mean(s**b) = E / (8760 P). mean(s**b) falls strictly with b, so the root is unique; the transform keeps
       the peak hour, the order of hours and positivity for any target load factor (an affine map
       L = c + d s can go negative for a low load factor). Energy and peak match exactly.
    4. Targets (:func:`load_targets`): E_2024 = 98.5 TWh (Jan-Sep 2024) / LOAD_JAN_SEP_SHARE; P_2024 = 22.49 GW
       (2024-07-08). E_2025 = E_2024 (1 + g_E,25), P_2025 = P_2024 (1 + g_P,25); E_2030 = E_2025 (1 + g_E)^5,
       P_2030 = P_2025 (1 + g_P)^5; the calibration year E_2023 = E_2024 / (1 + g_E,24), P_2023 = P_2024 /
       (1 + g_P,24).
    5. District split: L_{d,t} = w_d L_t with w_d = ``buses.load_weight``.

PV (:func:`pv_output_per_dc`)
    EPW row (month, day, hour h = 1..24) is the hour ending at h:00 local standard time; it becomes the target-year
    hour starting at (h-1):00, and the sun position is taken at the mid-hour (h-1):30 (pvlib ``nrel_numpy``).
    POA irradiance by Perez transposition of the EPW GHI/DNI/DHI; effective irradiance with the physical
    (Fresnel) incidence-angle modifier on beam and Marion's integrated modifiers on sky and ground diffuse;
    SAPM cell temperature (open rack for ground plants, close mount for rooftop) from EPW air temperature and
    10-m wind; PVWatts DC: P_dc = G_eff / 1000 * (1 + gamma (T_cell - 25)) per kWp; net output
    P = P_dc (1 - losses). Per MW AC: cf = min(P * r, 1) with r the DC/AC ratio (inverter clipping).
    The same profile applies to every district (one weather station).

Wind (:func:`wind_capacity_factor`)
    v_hub = v_10 (H / 10)^alpha; cf = (1 - loss) * curve(v_hub) with the normalised power curve of the
    NREL 2020 ATB 4 MW / 150 m reference turbine (a low-specific-power class fitting low-wind southern China).
    Emitted for the districts with the plan's distributed wind (Nansha, Conghua), same profile for both: the only
    wind measurement is one inland station, so a per-site difference would be false precision.

Import availability (:func:`build_import_availability`)
    ``west_east_clean``: monthly factors placed at mid-month, linearly interpolated per day (periodic over the
    year), constant within the day. ``guangdong_grid``: a = 1 - D * clip((g - g0) / (1 - g0), 0, 1), g = the
    calendar-aligned GD load over its maximum, g0 the threshold, D the derate at the provincial peak hour.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
from scipy.optimize import brentq

from gzpower.assumptions import (
    IMPORT_GD_DERATE_AT_PEAK,
    IMPORT_GD_DERATE_THRESHOLD,
    IMPORT_WEST_EAST_MONTHLY_AVAILABILITY,
    LOAD_ENERGY_GROWTH_2023_2024,
    LOAD_ENERGY_GROWTH_2024_2025,
    LOAD_ENERGY_GROWTH_2025_2030,
    LOAD_JAN_SEP_SHARE,
    LOAD_NATIONAL_DAY_DAYS_AFTER,
    LOAD_NATIONAL_DAY_DAYS_BEFORE,
    LOAD_PEAK_GROWTH_2023_2024,
    LOAD_PEAK_GROWTH_2024_2025,
    LOAD_PEAK_GROWTH_2025_2030,
    LOAD_SPRING_FESTIVAL_DAYS_AFTER,
    LOAD_SPRING_FESTIVAL_DAYS_BEFORE,
    PROVINCE_W2E_DROUGHT_2023_FACTOR,
    PV_ALBEDO,
    PV_AZIMUTH_DEG,
    PV_DC_AC_RATIO,
    PV_GAMMA_PDC,
    PV_GROUND_TEMPERATURE_MOUNT,
    PV_GROUND_TILT_DEG,
    PV_ROOFTOP_TEMPERATURE_MOUNT,
    PV_ROOFTOP_TILT_DEG,
    PV_SYSTEM_LOSSES,
    PV_TRANSPOSITION_MODEL,
    WIND_HUB_HEIGHT_M,
    WIND_LOSS_FACTOR,
    WIND_SHEAR_EXPONENT,
)
from gzpower.inputs.schemas import CALIBRATION_YEAR, DATA_YEARS, DISTRICTS, HOURS_PER_YEAR, YEARS

# --- raw files (names as in ../shared/data/README.md) ----------------------------------------------------
LOAD_FILE = "Hourly_demand_of_31_province_China_modified_V2.1.csv"
EPW_FILE = "CHN_GD_Guangzhou.592870_TMYx.2009-2023.epw"
PVGIS_FILE = "CHN_Guangzhou_PVGIS_20MWp_2025_local.csv"

# --- source figures --------------------------------------------------------------------------------------
LOAD_BASE_YEAR = 2018  # base year of the NDRC provincial hourly demand (README of the raw data)
LOAD_COLUMN = "GD"  # Guangdong
# Spring Festival (lunar new year's day), from the Chinese calendar.
SPRING_FESTIVAL: dict[int, date] = {
    2018: date(2018, 2, 16),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2030: date(2030, 2, 3),
}
NATIONAL_DAY = (10, 1)  # 1 October, statutory holiday 1-7 October
# Guangzhou figures (FACTS.md): 98.5 TWh Jan-Sep 2024 (China Southern Power Grid news); peak 22.49 GW on
# 2024-07-08 13:40 (Chinanews / Nanfang 2024-07-09).
GZ_ENERGY_JAN_SEP_2024_MWH = 98.5e6
GZ_PEAK_2024_MW = 22490.0
PVGIS_PEAK_KW = 20000.0  # the PVGIS run is a 20 MWp plant (README)
EPW_WIND_HEIGHT_M = 10.0  # EPW wind speed is measured at 10 m (EnergyPlus weather format)
# Normalised power curve of the NREL 2020 ATB 4 MW, 150 m rotor reference turbine (NREL turbine-models,
# https://nrel.github.io/turbine-models/2020ATB_NREL_Reference_4MW_150.html, as shipped in atlite
# resources/windturbine/2020ATB_NREL_Reference_4MW_150.yaml, CC BY 4.0): P/4.0 MW against hub wind speed (m/s).
# Cut-in 3 m/s, rated 9.8 m/s, cut-out 25 m/s.
TURBINE_CURVE_SPEED_MS = np.array(
    [
        3.0,
        3.2,
        3.5,
        3.8,
        4.0,
        4.2,
        4.5,
        4.8,
        5.0,
        5.2,
        5.5,
        5.8,
        6.0,
        6.2,
        6.5,
        6.8,
        7.0,
        7.2,
        7.5,
        7.8,
        8.0,
        8.2,
        8.5,
        8.8,
        9.0,
        9.2,
        9.5,
        9.8,
        25.0,
    ]
)
TURBINE_CURVE_POWER_PU = (
    np.array(
        [
            0.0,
            0.094,
            0.132,
            0.175,
            0.225,
            0.281,
            0.344,
            0.415,
            0.494,
            0.581,
            0.676,
            0.781,
            0.895,
            1.019,
            1.153,
            1.298,
            1.455,
            1.623,
            1.802,
            1.995,
            2.2,
            2.418,
            2.65,
            2.896,
            3.156,
            3.431,
            3.722,
            4.0,
            4.0,
        ]
    )
    / 4.0
)
TURBINE_CUT_OUT_MS = 25.0
WIND_BUSES: tuple[str, ...] = ("Nansha", "Conghua")  # the plan's distributed wind districts (FACTS.md)
PV_TECHS: tuple[str, ...] = ("pv_rooftop", "pv_ground")
IMPORT_SOURCE_NAMES: tuple[str, ...] = ("guangdong_grid", "west_east_clean")
WET_MONTHS = (6, 7, 8, 9, 10)  # for reporting only
DRY_MONTHS = (12, 1, 2, 3, 4)


# ==========================================================================================================
# calendar
# ==========================================================================================================
def year_hours(year: int) -> pd.DatetimeIndex:
    """The 8760 start-of-hour timestamps (naive, local UTC+8) of a non-leap target year."""
    stamps = pd.date_range(f"{year}-01-01 00:00", periods=HOURS_PER_YEAR, freq="h")
    if stamps[-1] != pd.Timestamp(f"{year}-12-31 23:00"):
        raise ValueError(f"{year} is a leap year; profiles are built for 8760-hour years only")
    return stamps


def _holiday_windows(target_year: int) -> list[tuple[date, date, int, int]]:
    """Anchored low-load windows: (2018 anchor, target anchor, days before, days after)."""
    return [
        (
            SPRING_FESTIVAL[LOAD_BASE_YEAR],
            SPRING_FESTIVAL[target_year],
            LOAD_SPRING_FESTIVAL_DAYS_BEFORE,
            LOAD_SPRING_FESTIVAL_DAYS_AFTER,
        ),
        (
            date(LOAD_BASE_YEAR, *NATIONAL_DAY),
            date(target_year, *NATIONAL_DAY),
            LOAD_NATIONAL_DAY_DAYS_BEFORE,
            LOAD_NATIONAL_DAY_DAYS_AFTER,
        ),
    ]


def source_day_map(target_year: int) -> np.ndarray:
    """For each day of ``target_year`` (0..364), the index of the 2018 day whose 24 hours it takes.

    Holiday windows are anchored (same offset from the festival / 1 October); every other day gets the 2018 day
    of the same weekday nearest to the same month-day, avoiding 2018 holiday windows and the year's edges by
    whole-week moves. See the module docstring.
    """
    if target_year not in SPRING_FESTIVAL:
        raise ValueError(f"no Spring Festival date known for {target_year}")
    base_start = date(LOAD_BASE_YEAR, 1, 1)
    n_base_days = 365
    windows = _holiday_windows(target_year)
    blocked = set()
    for base_anchor, _, before, after in windows:
        for off in range(-before, after + 1):
            blocked.add((base_anchor + timedelta(days=off) - base_start).days)
    n_days = HOURS_PER_YEAR // 24
    out = np.empty(n_days, dtype=np.int64)
    for i in range(n_days):
        day = date(target_year, 1, 1) + timedelta(days=i)
        src = None
        for base_anchor, target_anchor, before, after in windows:
            off = (day - target_anchor).days
            if -before <= off <= after:
                src = (base_anchor + timedelta(days=off) - base_start).days
                break
        if src is None:
            same_date = date(LOAD_BASE_YEAR, day.month, min(day.day, 28) if day.month == 2 else day.day)
            shift = (day.weekday() - same_date.weekday()) % 7
            if shift > 3:
                shift -= 7
            first = (same_date - base_start).days + shift
            for k in sorted(range(-8, 9), key=lambda k: (abs(k), k)):
                cand = first + 7 * k
                if 0 <= cand < n_base_days and cand not in blocked:
                    src = cand
                    break
        out[i] = src
    return out


def align_to_year(base_hourly: np.ndarray, target_year: int) -> np.ndarray:
    """Re-order an 8760-hour 2018 series onto the target year's calendar, day by day (:func:`source_day_map`)."""
    days = source_day_map(target_year)
    idx = (days[:, None] * 24 + np.arange(24)[None, :]).ravel()
    return np.asarray(base_hourly, dtype=float)[idx]


# ==========================================================================================================
# load
# ==========================================================================================================
def read_gd_load(raw: Path) -> pd.Series:
    """Guangdong hourly load (MW) of the base year, indexed by 2018 start-of-hour timestamps (hour 1 = 00:00)."""
    frame = pd.read_csv(Path(raw) / LOAD_FILE, encoding="utf-8-sig")
    if len(frame) != HOURS_PER_YEAR or LOAD_COLUMN not in frame.columns:
        raise ValueError(f"{LOAD_FILE}: expected 8760 rows and a {LOAD_COLUMN} column")
    if not (frame["Time Series"].to_numpy() == np.arange(1, HOURS_PER_YEAR + 1)).all():
        raise ValueError(f"{LOAD_FILE}: 'Time Series' is not 1..8760")
    return pd.Series(frame[LOAD_COLUMN].to_numpy(dtype=float), index=year_hours(LOAD_BASE_YEAR), name="gd_load_mw")


def jan_sep_share(gd_load: pd.Series) -> float:
    """Share of the base-year energy consumed January-September (compare with ``LOAD_JAN_SEP_SHARE``)."""
    return float(gd_load[gd_load.index.month <= 9].sum() / gd_load.sum())


def load_targets() -> dict[int, dict[str, float]]:
    """Guangzhou annual energy (MWh) and hour-average peak (MW) per milestone year, from the named assumptions.

    E_2024 = 98.5 TWh / LOAD_JAN_SEP_SHARE, P_2024 = 22.49 GW; 2025 by the 2024->2025 growth rates, 2030 by five
    years of the 2025->2030 rates, 2023 back by the 2023->2024 rates.
    """
    energy_2024 = GZ_ENERGY_JAN_SEP_2024_MWH / LOAD_JAN_SEP_SHARE
    energy_2025 = energy_2024 * (1 + LOAD_ENERGY_GROWTH_2024_2025)
    peak_2025 = GZ_PEAK_2024_MW * (1 + LOAD_PEAK_GROWTH_2024_2025)
    targets = {
        2023: {
            "energy_mwh": energy_2024 / (1 + LOAD_ENERGY_GROWTH_2023_2024),
            "peak_mw": GZ_PEAK_2024_MW / (1 + LOAD_PEAK_GROWTH_2023_2024),
        },
        2024: {"energy_mwh": energy_2024, "peak_mw": GZ_PEAK_2024_MW},
        2025: {"energy_mwh": energy_2025, "peak_mw": peak_2025},
        2030: {
            "energy_mwh": energy_2025 * (1 + LOAD_ENERGY_GROWTH_2025_2030) ** 5,
            "peak_mw": peak_2025 * (1 + LOAD_PEAK_GROWTH_2025_2030) ** 5,
        },
    }
    return targets


def scale_to_energy_and_peak(shape: np.ndarray, energy_mwh: float, peak_mw: float) -> tuple[np.ndarray, float]:
    """L = P * (shape / max(shape))**b with b solved so that sum(L) = energy; returns (L, b).

    The normalised shape s lies in (0, 1], so max(L) = P exactly and mean(s**b) decreases strictly in b.
    """
    shape = np.asarray(shape, dtype=float)
    if (shape <= 0).any():
        raise ValueError("load shape must be positive")
    s = shape / shape.max()
    load_factor = energy_mwh / (peak_mw * len(s))
    if not 0 < load_factor < 1:
        raise ValueError(f"target load factor {load_factor:.3f} outside (0, 1)")
    log_s = np.log(s)

    def gap(b: float) -> float:
        return float(np.exp(b * log_s).mean()) - load_factor

    exponent = brentq(gap, 1e-6, 50.0, xtol=1e-12, rtol=1e-14)
    return peak_mw * np.exp(exponent * log_s), float(exponent)


def _districts(buses: pd.DataFrame) -> pd.DataFrame:
    districts = buses[buses["kind"] == "district"].sort_values("bus")
    if districts.empty:
        raise ValueError("buses: no district rows")
    weights = districts["load_weight"].to_numpy(dtype=float)
    if abs(weights.sum() - 1) > 1e-6:
        raise ValueError(f"buses: district load_weight sums to {weights.sum():.6f}, not 1")
    return districts


def long_frame(
    year: int, keys_name: str, keys: list[str], values: np.ndarray, value_name: str, extra: dict[str, str] | None = None
) -> pd.DataFrame:
    """Long table for one year: one block of 8760 hours per key, values shaped (len(keys), 8760)."""
    n = len(keys)
    stamps = year_hours(year)
    data = {
        "year": np.full(n * HOURS_PER_YEAR, year, dtype=np.int64),
        "hour": np.tile(np.arange(HOURS_PER_YEAR, dtype=np.int64), n),
        "timestamp": np.tile(stamps.to_numpy(), n),
    }
    for name, value in (extra or {}).items():
        data[name] = np.full(n * HOURS_PER_YEAR, value, dtype=object)
    data[keys_name] = np.repeat(np.array(keys, dtype=object), HOURS_PER_YEAR)
    data[value_name] = np.asarray(values, dtype=np.float64).reshape(-1)
    return pd.DataFrame(data)


def finish_frame(frames: list[pd.DataFrame], columns: list[str], key: list[str]) -> pd.DataFrame:
    out = pd.concat(frames, ignore_index=True)[columns]
    for col in columns:
        if out[col].dtype != object and (pd.api.types.is_string_dtype(out[col])):
            out[col] = out[col].astype(object)
    return out.sort_values(key, kind="mergesort").reset_index(drop=True)


def city_load(raw: Path, year: int, gd_load: pd.Series | None = None) -> tuple[np.ndarray, float]:
    """Guangzhou hourly load (MW) in ``year``'s calendar and the solved shape exponent b."""
    gd_load = read_gd_load(raw) if gd_load is None else gd_load
    target = load_targets()[year]
    shape = align_to_year(gd_load.to_numpy(), year)
    return scale_to_energy_and_peak(shape, target["energy_mwh"], target["peak_mw"])


def build_load(raw: Path, buses: pd.DataFrame, years: tuple[int, ...] = DATA_YEARS) -> pd.DataFrame:
    """The ``load`` table: city load split across districts by ``load_weight``."""
    gd_load = read_gd_load(raw)
    districts = _districts(buses)
    weights = districts["load_weight"].to_numpy(dtype=float)
    frames = []
    for year in years:
        total, _ = city_load(raw, year, gd_load)
        frames.append(long_frame(year, "bus", districts["bus"].tolist(), weights[:, None] * total[None, :], "load_mw"))
    return finish_frame(frames, ["year", "hour", "timestamp", "bus", "load_mw"], ["year", "bus", "hour"])


# ==========================================================================================================
# PV
# ==========================================================================================================
def read_weather(raw: Path) -> tuple[pd.DataFrame, dict]:
    """EPW rows (month, day, hour 1..24 = hour ending) with ghi, dni, dhi (W/m2), temp_air (C), wind_speed (m/s)."""
    data, meta = pvlib.iotools.read_epw(Path(raw) / EPW_FILE)
    weather = data[["month", "day", "hour", "ghi", "dni", "dhi", "temp_air", "wind_speed"]].reset_index(drop=True)
    if len(weather) != HOURS_PER_YEAR:
        raise ValueError(f"{EPW_FILE}: expected 8760 rows, got {len(weather)}")
    return weather, meta


def weather_on_calendar(weather: pd.DataFrame, year: int) -> pd.DatetimeIndex:
    """Start-of-hour timestamps of the EPW rows mapped by month-day-hour onto ``year`` (checked to be 0..8759)."""
    starts = pd.to_datetime(
        pd.DataFrame({"year": year, "month": weather["month"], "day": weather["day"]})
    ) + pd.to_timedelta(weather["hour"].to_numpy() - 1, unit="h")
    starts = pd.DatetimeIndex(starts)
    if not (starts == year_hours(year)).all():
        raise ValueError(f"{EPW_FILE}: rows do not cover {year} hour by hour in order")
    return starts


def pv_output_per_dc(weather: pd.DataFrame, meta: dict, year: int, tilt_deg: float, mount: str) -> np.ndarray:
    """Net AC output per kW DC (before inverter clipping) for each hour of ``year``: P_dc * (1 - losses).

    Solar position at mid-hour; Perez POA; IAM; SAPM cell temperature; PVWatts DC (see the module docstring).
    """
    starts = weather_on_calendar(weather, year)
    mid = (starts + pd.Timedelta(minutes=30)).tz_localize("Etc/GMT-8")
    solpos = pvlib.solarposition.get_solarposition(mid, meta["latitude"], meta["longitude"], altitude=meta["altitude"])
    dni_extra = pvlib.irradiance.get_extra_radiation(mid)
    airmass = pvlib.atmosphere.get_relative_airmass(solpos["apparent_zenith"])
    ghi = pd.Series(weather["ghi"].to_numpy(float), index=mid)
    dni = pd.Series(weather["dni"].to_numpy(float), index=mid)
    dhi = pd.Series(weather["dhi"].to_numpy(float), index=mid)
    poa = pvlib.irradiance.get_total_irradiance(
        tilt_deg,
        PV_AZIMUTH_DEG,
        solpos["apparent_zenith"],
        solpos["azimuth"],
        dni,
        ghi,
        dhi,
        dni_extra=dni_extra,
        airmass=airmass,
        albedo=PV_ALBEDO,
        model=PV_TRANSPOSITION_MODEL,
    )
    aoi = pvlib.irradiance.aoi(tilt_deg, PV_AZIMUTH_DEG, solpos["apparent_zenith"], solpos["azimuth"])
    iam_beam = pvlib.iam.physical(aoi)
    iam_diffuse = pvlib.iam.marion_diffuse("physical", tilt_deg)
    effective = (
        poa["poa_direct"].fillna(0) * np.nan_to_num(iam_beam)
        + poa["poa_sky_diffuse"].fillna(0) * iam_diffuse["sky"]
        + poa["poa_ground_diffuse"].fillna(0) * iam_diffuse["ground"]
    ).clip(lower=0)
    params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][mount]
    temp_cell = pvlib.temperature.sapm_cell(
        poa["poa_global"].fillna(0).clip(lower=0),
        weather["temp_air"].to_numpy(float),
        weather["wind_speed"].to_numpy(float),
        **params,
    )
    dc = pvlib.pvsystem.pvwatts_dc(effective, temp_cell, pdc0=1.0, gamma_pdc=PV_GAMMA_PDC)
    net = np.clip(np.nan_to_num(np.asarray(dc, dtype=float)), 0, None) * (1 - PV_SYSTEM_LOSSES)
    return net


def pv_capacity_factor(weather: pd.DataFrame, meta: dict, year: int, tech: str) -> np.ndarray:
    """Hourly PV capacity factor per MW AC: min(P_net_per_DC * DC/AC ratio, 1)."""
    tilt, mount = {
        "pv_ground": (PV_GROUND_TILT_DEG, PV_GROUND_TEMPERATURE_MOUNT),
        "pv_rooftop": (PV_ROOFTOP_TILT_DEG, PV_ROOFTOP_TEMPERATURE_MOUNT),
    }[tech]
    return np.minimum(pv_output_per_dc(weather, meta, year, tilt, mount) * PV_DC_AC_RATIO, 1.0)


def pv_crosscheck(raw: Path, weather: pd.DataFrame | None = None, meta: dict | None = None) -> dict[str, float]:
    """Annual capacity factor per kWp DC of a 26 deg ground plant with 14 % losses: pvlib (EPW) vs PVGIS.

    PVGIS: 20 MWp plant, ERA5 2019 relabelled 2025, AC kW / 20000. pvlib: :func:`pv_output_per_dc` with the
    ground-plant settings in 2025, unclipped (PVGIS does not clip either).
    """
    if weather is None or meta is None:
        weather, meta = read_weather(raw)
    pvgis = pd.read_csv(Path(raw) / PVGIS_FILE)
    pvgis_cf = float(pvgis["power_kw"].sum() / PVGIS_PEAK_KW / len(pvgis))
    pvlib_cf = float(pv_output_per_dc(weather, meta, 2025, PV_GROUND_TILT_DEG, PV_GROUND_TEMPERATURE_MOUNT).mean())
    return {"pvgis_cf": pvgis_cf, "pvlib_ground_cf_per_dc": pvlib_cf, "ratio": pvlib_cf / pvgis_cf}


# ==========================================================================================================
# wind
# ==========================================================================================================
def wind_capacity_factor(wind_speed_10m: np.ndarray, shear_exponent: float = WIND_SHEAR_EXPONENT) -> np.ndarray:
    """cf = (1 - loss) * curve(v_10 * (H / 10)**alpha); zero below cut-in and above cut-out."""
    v_hub = np.asarray(wind_speed_10m, dtype=float) * (WIND_HUB_HEIGHT_M / EPW_WIND_HEIGHT_M) ** shear_exponent
    curve = np.interp(v_hub, TURBINE_CURVE_SPEED_MS, TURBINE_CURVE_POWER_PU, left=0.0, right=0.0)
    curve[v_hub > TURBINE_CUT_OUT_MS] = 0.0
    return curve * (1 - WIND_LOSS_FACTOR)


def build_capacity_factors(
    raw: Path,
    buses: pd.DataFrame,
    years: tuple[int, ...] = DATA_YEARS,
    weather: tuple[pd.DataFrame, dict] | None = None,
) -> pd.DataFrame:
    """The ``capacity_factors`` table: both PV techs in every district, wind in Nansha and Conghua."""
    weather_rows, meta = read_weather(raw) if weather is None else weather
    district_names = _districts(buses)["bus"].tolist()
    wind_buses = [b for b in district_names if b in WIND_BUSES]
    wind = wind_capacity_factor(weather_rows["wind_speed"].to_numpy(float))
    frames = []
    for year in years:
        for tech in PV_TECHS:
            cf = pv_capacity_factor(weather_rows, meta, year, tech)
            frames.append(
                long_frame(
                    year, "bus", district_names, np.tile(cf, (len(district_names), 1)), "cf", extra={"tech": tech}
                )
            )
        if wind_buses:
            frames.append(
                long_frame(
                    year, "bus", wind_buses, np.tile(wind, (len(wind_buses), 1)), "cf", extra={"tech": "wind_onshore"}
                )
            )
    out = finish_frame(frames, ["year", "hour", "timestamp", "tech", "bus", "cf"], ["year", "tech", "bus", "hour"])
    out["cf"] = out["cf"].clip(0.0, 1.0)
    return out


# ==========================================================================================================
# import availability
# ==========================================================================================================
def monthly_to_daily(monthly: tuple | np.ndarray, year: int, name: str) -> np.ndarray:
    """Daily values (365): twelve monthly factors at mid-month, linear in between, periodic over the year."""
    days = pd.date_range(f"{year}-01-01", periods=HOURS_PER_YEAR // 24, freq="D")
    month_starts = pd.date_range(f"{year}-01-01", periods=12, freq="MS")
    mid = np.array([(m - days[0]).days + (m.days_in_month - 1) / 2 for m in month_starts])
    factors = np.asarray(monthly, dtype=float)
    if factors.shape != (12,):
        raise ValueError(f"{name} must have 12 values")
    n = len(days)
    x = np.concatenate([[mid[-1] - n], mid, [mid[0] + n]])
    y = np.concatenate([[factors[-1]], factors, [factors[0]]])
    return np.interp(np.arange(n, dtype=float), x, y)


def drought_months(year: int) -> np.ndarray:
    """Monthly factor on West-to-East availability: PROVINCE_W2E_DROUGHT_2023_FACTOR for Jan-Jun of the
    calibration year (the 2023 Yunnan drought), 1 otherwise."""
    factors = np.ones(12)
    if year == CALIBRATION_YEAR:
        factors[:6] = PROVINCE_W2E_DROUGHT_2023_FACTOR
    return factors


def west_east_daily_availability(year: int) -> np.ndarray:
    """Daily availability of Guangzhou's West-to-East contract (365 values): IMPORT_WEST_EAST_MONTHLY_AVAILABILITY
    times :func:`drought_months`, at mid-month, linear in between, periodic over the year."""
    monthly = np.asarray(IMPORT_WEST_EAST_MONTHLY_AVAILABILITY, dtype=float)
    if monthly.shape != (12,):
        raise ValueError("IMPORT_WEST_EAST_MONTHLY_AVAILABILITY must have 12 values")
    return monthly_to_daily(monthly * drought_months(year), year, "IMPORT_WEST_EAST_MONTHLY_AVAILABILITY")


def guangdong_grid_availability(gd_aligned: np.ndarray) -> np.ndarray:
    """1 - D * clip((g - g0) / (1 - g0), 0, 1) with g the Guangdong load over its maximum."""
    g = np.asarray(gd_aligned, dtype=float) / np.max(gd_aligned)
    excess = np.clip((g - IMPORT_GD_DERATE_THRESHOLD) / (1 - IMPORT_GD_DERATE_THRESHOLD), 0.0, 1.0)
    return 1.0 - IMPORT_GD_DERATE_AT_PEAK * excess


def build_import_availability(
    raw: Path, years: tuple[int, ...] = DATA_YEARS, gd_load: pd.Series | None = None
) -> pd.DataFrame:
    """The ``import_availability`` table for ``guangdong_grid`` and ``west_east_clean``."""
    gd_load = read_gd_load(raw) if gd_load is None else gd_load
    frames = []
    for year in years:
        values = {
            "guangdong_grid": guangdong_grid_availability(align_to_year(gd_load.to_numpy(), year)),
            "west_east_clean": np.repeat(west_east_daily_availability(year), 24),
        }
        frames.append(
            long_frame(
                year,
                "source",
                list(IMPORT_SOURCE_NAMES),
                np.vstack([values[s] for s in IMPORT_SOURCE_NAMES]),
                "availability",
            )
        )
    out = finish_frame(frames, ["year", "hour", "timestamp", "source", "availability"], ["year", "source", "hour"])
    out["availability"] = out["availability"].clip(0.0, 1.0)
    return out


# ==========================================================================================================
# public entry points
# ==========================================================================================================
def build_profiles(raw: Path, buses: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """All hourly profiles for the milestone years: ``{"load", "capacity_factors", "import_availability"}``.

    ``capacity_factors.attrs["pv_crosscheck"]`` carries the pvlib-vs-PVGIS numbers of :func:`pv_crosscheck`
    (attrs are not written to parquet; :func:`profile_stats` reads them when present).
    """
    raw = Path(raw)
    weather = read_weather(raw)
    gd_load = read_gd_load(raw)
    load = build_load(raw, buses)
    capacity_factors = build_capacity_factors(raw, buses, weather=weather)
    import_availability = build_import_availability(raw, gd_load=gd_load)
    capacity_factors.attrs["pv_crosscheck"] = pv_crosscheck(raw, *weather)
    return {"load": load, "capacity_factors": capacity_factors, "import_availability": import_availability}


def profile_stats(profiles: dict[str, pd.DataFrame], raw: Path | None = None) -> dict:
    """Headline numbers of built profiles: load energy/peak per year, mean capacity factors, import availability.

    Keys: ``load`` {year: energy_twh, peak_mw, load_factor} of the city (districts only); ``pv_rooftop_cf``,
    ``pv_ground_cf`` (per MW AC, first milestone year); ``pvgis_cf`` and ``pvlib_ground_cf_per_dc`` (the
    cross-check: from ``capacity_factors.attrs["pv_crosscheck"]`` when the frame still carries it, else recomputed
    from ``raw`` when given, else None); ``wind_cf`` {district: cf}; ``import_availability`` {source: {mean, wet,
    dry}} over the milestone years (wet = Jun-Oct, dry = Dec-Apr). The province's figures are
    :func:`gzpower.pipeline.province.province_stats`.
    """
    stats: dict = {"load": {}}
    load = profiles["load"]
    load = load[load["bus"].isin(DISTRICTS)]
    for year, rows in load.groupby("year"):
        city = rows.groupby("hour")["load_mw"].sum()
        stats["load"][int(year)] = {
            "energy_twh": float(city.sum() / 1e6),
            "peak_mw": float(city.max()),
            "load_factor": float(city.mean() / city.max()),
        }
    cf = profiles["capacity_factors"]
    first = cf[(cf["year"] == YEARS[0]) & cf["bus"].isin(DISTRICTS)]
    for tech in PV_TECHS:
        stats[f"{tech}_cf"] = float(first.loc[first["tech"] == tech, "cf"].mean())
    wind = first[first["tech"] == "wind_onshore"]
    stats["wind_cf"] = {str(bus): float(rows["cf"].mean()) for bus, rows in wind.groupby("bus")}
    check = cf.attrs.get("pv_crosscheck")
    if check is None and raw is not None:
        check = pv_crosscheck(Path(raw))
    stats["pvgis_cf"] = None if check is None else check["pvgis_cf"]
    stats["pvlib_ground_cf_per_dc"] = None if check is None else check["pvlib_ground_cf_per_dc"]
    imports = profiles["import_availability"]
    imports = imports[imports["year"].isin(YEARS)]
    month = imports["timestamp"].dt.month
    stats["import_availability"] = {
        str(source): {
            "mean": float(imports.loc[sel, "availability"].mean()),
            "wet": float(imports.loc[sel & month.isin(WET_MONTHS), "availability"].mean()),
            "dry": float(imports.loc[sel & month.isin(DRY_MONTHS), "availability"].mean()),
        }
        for source in IMPORT_SOURCE_NAMES
        for sel in [imports["source"] == source]
    }
    return stats
