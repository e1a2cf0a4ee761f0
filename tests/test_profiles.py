"""Tests of gzpower.pipeline.profiles: load scaling and calendar, PV and wind capacity factors, import availability."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gzpower import assumptions as A
from gzpower.inputs.schemas import (
    CAPACITY_FACTORS,
    DATA_YEARS,
    DISTRICTS,
    HOURS_PER_YEAR,
    IMPORT_AVAILABILITY,
    LOAD,
    YEARS,
)
from gzpower.pipeline import profiles as P

RAW = (Path(__file__).parents[1] / ".." / "shared" / "data" / "raw").resolve()
needs_raw = pytest.mark.skipif(not (RAW / P.LOAD_FILE).exists(), reason=f"raw data folder {RAW} not present")


def make_buses() -> pd.DataFrame:
    weights = np.linspace(1.0, 3.0, len(DISTRICTS))
    weights /= weights.sum()
    rows = [
        {
            "bus": d,
            "kind": "district",
            "lat": 23.1,
            "lon": 113.3,
            "population_10k": 100.0,
            "load_weight": w,
            "has_500kv": False,
        }
        for d, w in zip(DISTRICTS, weights)
    ]
    rows.append(
        {
            "bus": "Guangdong_grid",
            "kind": "external",
            "lat": 23.0,
            "lon": 113.0,
            "population_10k": 0.0,
            "load_weight": 0.0,
            "has_500kv": False,
        }
    )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def profiles():
    if not (RAW / P.LOAD_FILE).exists():
        pytest.skip(f"raw data folder {RAW} not present")
    return P.build_profiles(RAW, make_buses())


# --- pure functions (no raw data) ---------------------------------------------------------------------
def test_scaling_hits_energy_and_peak_exactly():
    rng = np.random.default_rng(0)
    shape = 50 + 40 * rng.random(HOURS_PER_YEAR)
    for energy, peak in [(137.7e6, 23500.0), (100e6, 20000.0), (150e6, 20000.0)]:
        load, exponent = P.scale_to_energy_and_peak(shape, energy, peak)
        assert load.sum() == pytest.approx(energy, rel=1e-6)
        assert load.max() == pytest.approx(peak, rel=1e-9)
        assert np.argmax(load) == np.argmax(shape)
        assert (np.argsort(load, kind="stable") == np.argsort(shape, kind="stable")).all()
        assert exponent > 0 and (load > 0).all()


def test_scaling_rejects_impossible_load_factor():
    with pytest.raises(ValueError):
        P.scale_to_energy_and_peak(np.ones(HOURS_PER_YEAR) + np.arange(HOURS_PER_YEAR), 9e9, 1000.0)


@pytest.mark.parametrize("year", DATA_YEARS)
def test_weekdays_match_outside_holiday_windows(year):
    days = P.source_day_map(year)
    assert len(days) == 365 and days.min() >= 0 and days.max() <= 364
    windows = P._holiday_windows(year)
    n_checked = 0
    for i, src in enumerate(days):
        day = date(year, 1, 1) + timedelta(days=int(i))
        if any(-before <= (day - tgt).days <= after for _, tgt, before, after in windows):
            continue
        src_day = date(2018, 1, 1) + timedelta(days=int(src))
        assert src_day.weekday() == day.weekday(), (day, src_day)
        # nearby date: within a few weeks of the same month-day
        assert abs((src_day.replace(year=year) - day).days) <= 28
        n_checked += 1
    assert n_checked > 300


def test_2025_monday_maps_to_2018_monday_and_festival_is_moved():
    days = P.source_day_map(2025)
    monday = date(2025, 3, 10)
    src = date(2018, 1, 1) + timedelta(days=int(days[(monday - date(2025, 1, 1)).days]))
    assert monday.weekday() == 0 and src.weekday() == 0
    festival_2025 = (date(2025, 1, 29) - date(2025, 1, 1)).days
    assert date(2018, 1, 1) + timedelta(days=int(days[festival_2025])) == date(2018, 2, 16)
    # no 2025 day outside its own festival window draws on the 2018 festival window
    window_2018 = {
        (date(2018, 2, 16) - date(2018, 1, 1)).days + k
        for k in range(-A.LOAD_SPRING_FESTIVAL_DAYS_BEFORE, A.LOAD_SPRING_FESTIVAL_DAYS_AFTER + 1)
    }
    outside = [
        i
        for i in range(365)
        if not -A.LOAD_SPRING_FESTIVAL_DAYS_BEFORE <= i - festival_2025 <= A.LOAD_SPRING_FESTIVAL_DAYS_AFTER
    ]
    assert not window_2018 & {int(days[i]) for i in outside}


def test_targets_follow_assumptions():
    targets = P.load_targets()
    assert targets[2024]["energy_mwh"] == pytest.approx(98.5e6 / A.LOAD_JAN_SEP_SHARE)
    assert targets[2030]["energy_mwh"] == pytest.approx(
        targets[2025]["energy_mwh"] * (1 + A.LOAD_ENERGY_GROWTH_2025_2030) ** 5
    )
    assert targets[2025]["peak_mw"] == pytest.approx(22490 * (1 + A.LOAD_PEAK_GROWTH_2024_2025))
    assert 120e6 < targets[2025]["energy_mwh"] < 160e6
    # the calibration year: 98.5 TWh Jan-Sep 2024 was +7.0 % on 2023; 2023 peak 4.5 % below 2024's 22.49 GW
    assert targets[2023]["energy_mwh"] == pytest.approx(98.5e6 / A.LOAD_JAN_SEP_SHARE / 1.07)
    assert targets[2023]["peak_mw"] == pytest.approx(22490 / 1.045)


def test_wind_curve_limits():
    cf = P.wind_capacity_factor(np.array([0.0, 1.0, 20.0, 30.0]), shear_exponent=0.0)
    assert cf[0] == 0 and cf[1] == 0 and cf[3] == 0
    assert cf[2] == pytest.approx(1 - A.WIND_LOSS_FACTOR)
    assert np.all(np.diff(P.TURBINE_CURVE_POWER_PU) >= 0) and P.TURBINE_CURVE_POWER_PU.max() == 1.0


def test_west_east_seasonality_pure():
    daily = P.west_east_daily_availability(2025)
    assert daily.shape == (365,) and daily.min() >= 0 and daily.max() <= 1
    month = pd.date_range("2025-01-01", periods=365, freq="D").month
    assert daily[np.isin(month, P.WET_MONTHS)].mean() > daily[np.isin(month, P.DRY_MONTHS)].mean() + 0.2


def test_guangdong_grid_derate_pure():
    g = np.linspace(0.3, 1.0, 100)
    a = P.guangdong_grid_availability(g)
    assert a[0] == 1.0 and a[-1] == pytest.approx(1 - A.IMPORT_GD_DERATE_AT_PEAK)
    assert (np.diff(a) <= 0).all()


# --- with the raw data ----------------------------------------------------------------------------------
@needs_raw
def test_base_year_alignment_claims():
    gd = P.read_gd_load(RAW)
    daily = gd.resample("D").mean()
    assert daily.idxmin().date() in {date(2018, 2, 16) + timedelta(days=k) for k in range(-1, 4)}
    assert gd.idxmax().month in (7, 8)
    by_weekday = daily.groupby(daily.index.dayofweek).mean()
    assert set(by_weekday.nsmallest(2).index) == {5, 6}  # Saturday and Sunday lowest if hour 1 is Mon 2018-01-01
    assert P.jan_sep_share(gd) == pytest.approx(A.LOAD_JAN_SEP_SHARE, abs=5e-4)


def _check_schema(frame: pd.DataFrame, table) -> None:
    assert list(frame.columns) == [c.name for c in table.columns]
    for col in table.columns:
        dtype = frame[col.name].dtype
        if col.dtype == "int":
            assert dtype == np.int64
        elif col.dtype == "float":
            assert dtype == np.float64
        elif col.dtype == "str":
            assert dtype is np.dtype(object) or dtype == object  # noqa: E721
            assert all(isinstance(v, str) for v in frame[col.name].unique())
        elif col.dtype == "datetime":
            assert pd.api.types.is_datetime64_dtype(dtype) and getattr(dtype, "tz", None) is None
        if col.min is not None:
            assert frame[col.name].min() >= col.min
        if col.max is not None:
            assert frame[col.name].max() <= col.max
        if col.allowed is not None:
            assert set(frame[col.name].unique()) <= set(col.allowed)
    assert not frame.isna().any().any()
    assert not frame.duplicated(list(table.key)).any()
    assert frame.equals(frame.sort_values(list(table.key)).reset_index(drop=True))


def test_schemas(profiles):
    _check_schema(profiles["load"], LOAD)
    _check_schema(profiles["capacity_factors"], CAPACITY_FACTORS)
    _check_schema(profiles["import_availability"], IMPORT_AVAILABILITY)


def test_full_years_and_timestamps(profiles):
    for name, frame in profiles.items():
        key = [c for c in ("tech", "bus", "source") if c in frame.columns]
        sizes = frame.groupby(["year", *key]).size()
        assert (sizes == HOURS_PER_YEAR).all(), name
        for year in DATA_YEARS:
            rows = frame[frame["year"] == year].groupby(key).head(HOURS_PER_YEAR)
            first = rows.iloc[:HOURS_PER_YEAR]
            assert (first["timestamp"].to_numpy() == P.year_hours(year).to_numpy()).all()
            assert (first["hour"].to_numpy() == np.arange(HOURS_PER_YEAR)).all()
    assert set(profiles["load"]["bus"]) == set(DISTRICTS)


def test_load_hits_targets_and_split(profiles):
    load = profiles["load"]
    targets = P.load_targets()
    buses = make_buses().set_index("bus")
    for year in DATA_YEARS:
        rows = load[load["year"] == year]
        city = rows.groupby("hour")["load_mw"].sum()
        assert city.sum() == pytest.approx(targets[year]["energy_mwh"], rel=1e-3)
        assert city.max() == pytest.approx(targets[year]["peak_mw"], rel=1e-3)
        shares = rows.groupby("bus")["load_mw"].sum() / city.sum()
        for bus, share in shares.items():
            assert share == pytest.approx(buses.loc[bus, "load_weight"], rel=1e-9)
        peak_time = rows.loc[rows["load_mw"].idxmax(), "timestamp"]
        assert peak_time.month in (7, 8)
    assert targets[2030]["energy_mwh"] > targets[2025]["energy_mwh"]


@pytest.mark.parametrize("year", DATA_YEARS)
def test_spring_festival_week_is_low(profiles, year):
    load = profiles["load"]
    city = load[load["year"] == year].groupby("timestamp")["load_mw"].sum()
    festival = pd.Timestamp(P.SPRING_FESTIVAL[year])
    week = city[festival - pd.Timedelta(days=3) : festival + pd.Timedelta(days=4) - pd.Timedelta(hours=1)].mean()
    before = city[festival - pd.Timedelta(days=35) : festival - pd.Timedelta(days=21)].mean()
    after = city[festival + pd.Timedelta(days=21) : festival + pd.Timedelta(days=35)].mean()
    assert week < 0.6 * before and week < 0.6 * after


def test_pv_matches_pvgis_within_ten_percent():
    if not (RAW / P.PVGIS_FILE).exists():
        pytest.skip(f"raw data folder {RAW} not present")
    check = P.pv_crosscheck(RAW)
    assert check["pvgis_cf"] == pytest.approx(0.137, abs=0.002)
    assert abs(check["pvlib_ground_cf_per_dc"] / check["pvgis_cf"] - 1) <= 0.10


def test_pv_day_night(profiles):
    cf = profiles["capacity_factors"]
    for tech in P.PV_TECHS:
        rows = cf[(cf["tech"] == tech) & (cf["bus"] == "Tianhe") & (cf["year"] == 2025)]
        by_hour = rows.groupby(rows["timestamp"].dt.hour)["cf"].mean()
        assert by_hour.loc[[0, 1, 2, 3, 4, 21, 22, 23]].max() == 0.0
        assert by_hour.loc[[5, 20]].max() < 1e-3  # twilight diffuse at most
        assert by_hour.idxmax() in (11, 12, 13)
        assert 0.10 < rows["cf"].mean() < 0.22
        assert rows["cf"].max() <= 1.0
    ground = cf[(cf["tech"] == "pv_ground") & (cf["year"] == 2025)].groupby("bus")["cf"].mean()
    assert ground.nunique() == 1 and len(ground) == len(DISTRICTS)  # one weather station: same everywhere


def test_wind_low_but_positive(profiles):
    cf = profiles["capacity_factors"]
    wind = cf[cf["tech"] == "wind_onshore"]
    assert set(wind["bus"]) == set(P.WIND_BUSES)
    mean = wind.groupby("bus")["cf"].mean()
    assert ((mean > 0.03) & (mean < 0.25)).all()


def test_import_availability(profiles):
    imp = profiles["import_availability"]
    assert set(imp["source"]) == set(P.IMPORT_SOURCE_NAMES)
    assert imp["availability"].between(0, 1).all()
    month = imp["timestamp"].dt.month
    we = imp["source"] == "west_east_clean"
    assert (
        imp.loc[we & month.isin(P.WET_MONTHS), "availability"].mean()
        > imp.loc[we & month.isin(P.DRY_MONTHS), "availability"].mean() + 0.2
    )
    gd = imp[(imp["source"] == "guangdong_grid") & (imp["year"] == 2025)].set_index("timestamp")["availability"]
    load = profiles["load"]
    city = load[load["year"] == 2025].groupby("timestamp")["load_mw"].sum()
    assert gd.loc[city.idxmax()] < 0.85  # provincial grid is stretched at the (shared-shape) peak
    assert gd.loc[city.idxmin()] == 1.0
    assert 0.02 < (gd < 1).mean() < 0.15  # only the provincial high-load hours are derated


def test_stats(profiles):
    stats = P.profile_stats(profiles)
    for year in YEARS:
        assert stats["load"][year]["energy_twh"] == pytest.approx(P.load_targets()[year]["energy_mwh"] / 1e6, rel=1e-3)
    assert stats["pvgis_cf"] == pytest.approx(0.137, abs=0.002)
    assert stats["pv_ground_cf"] > stats["pv_rooftop_cf"] > 0.1
    assert set(stats["wind_cf"]) == set(P.WIND_BUSES)
    bare = {name: frame.copy() for name, frame in profiles.items()}
    bare["capacity_factors"].attrs.clear()
    assert P.profile_stats(bare)["pvgis_cf"] is None
    assert P.profile_stats(bare, raw=RAW)["pvgis_cf"] == pytest.approx(stats["pvgis_cf"])


def test_deterministic(profiles):
    again = P.build_profiles(RAW, make_buses())
    for name, frame in profiles.items():
        pd.testing.assert_frame_equal(frame, again[name], check_exact=True)
