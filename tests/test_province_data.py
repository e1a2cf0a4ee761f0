"""The rest of Guangdong's data (gzpower.pipeline.province): the province bus's load, its fleet table, its capacity
factors and the West-to-East supply into it, checked on the committed data against hand derivations and, where
the raw files are at hand, against a rebuild."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from gzpower import assumptions as A
from gzpower.errors import InputError
from gzpower.inputs import validate as V
from gzpower.inputs.schemas import (
    CALIBRATION_YEAR,
    DATA_YEARS,
    DISTRICTS,
    HOURS_PER_YEAR,
    PROVINCE_BUS,
    PROVINCE_FLEET,
    PROVINCE_TECHNOLOGIES,
)
from gzpower.pipeline import profiles as P
from gzpower.pipeline import province as G

from .conftest import DATA, RAW

needs_raw = pytest.mark.skipif(not RAW.is_dir(), reason=f"raw data folder {RAW} absent")

#: Guangdong's fleet (MW, Guangzhou included) derived by hand from the facts and assumptions:
#: 2023 coal 68,000 (CREA, mid 2023); gas 193,000 - 68,000 - 16,100 nuclear - 8,000 hydro - 47,000 wind+solar
#: - 9,680 pumped storage - 4,000 other = 40,220; wind+solar 47,000 = 6,000 onshore + 10,000 offshore + 31,000 PV;
#: battery 1,000. 2025: coal 68,000 + 0.5 x 46,100 = 91,050; gas 50,800; nuclear 16,100 + 1,200 (Taipingling 1);
#: wind+solar 85,000 = 7,000 + 14,000 + 64,000; pumped storage 9,680 + 1,200 (Meizhou II) = 10,880; battery
#: 1,000 + 0.1 x (wind +5,000 + central PV 0.646 x 33,000 = 21,318) = 3,631.8. 2030: coal 68,000 + 0.8 x 46,100
#: - 4,000 = 100,880; gas 50,800 + 12,000; nuclear 16,100 + 4 x 1,200 + 2 x 1,250 = 23,400; onshore 9,500,
#: offshore 25,000, PV 64,000 + 5 x 8,000 = 104,000; pumped storage 10,880 + 6,000; battery 1,000 + 0.1 x
#: (18,500 + 0.646 x 73,000 = 47,158) = 7,565.8. Hydro 8,000 every year.
GUANGDONG_MW = {
    2023: {
        "coal": 68000.0,
        "gas": 40220.0,
        "nuclear": 16100.0,
        "hydro": 8000.0,
        "wind_onshore": 6000.0,
        "wind_offshore": 10000.0,
        "pv": 31000.0,
        "pumped_hydro": 9680.0,
        "battery": 1000.0,
    },
    2025: {
        "coal": 91050.0,
        "gas": 50800.0,
        "nuclear": 17300.0,
        "hydro": 8000.0,
        "wind_onshore": 7000.0,
        "wind_offshore": 14000.0,
        "pv": 64000.0,
        "pumped_hydro": 10880.0,
        "battery": 3631.8,
    },
    2030: {
        "coal": 100880.0,
        "gas": 62800.0,
        "nuclear": 23400.0,
        "hydro": 8000.0,
        "wind_onshore": 9500.0,
        "wind_offshore": 25000.0,
        "pv": 104000.0,
        "pumped_hydro": 16880.0,
        "battery": 7565.8,
    },
}
#: Guangzhou's own MW as the check models it: 2023 coal 3,870 operating less Hengyun-C 2 x 210 (retired 2023)
#: = 3,450; gas 4,402 operating + 2,720 under construction with a 2023 start = 7,122; PV 700 and wind 50 (sites);
#: Conghua's city share 600. 2025: gas the 9,000 MW target; re_capacity 2,500 less PV 700, wind 50, waste 850
#: leaves 900 for the plan block: PV +0.9 x 900 = 810, wind +0.1 x 900 = 90; batteries the 200 MW target.
#: 2030: coal 1,510 (Zhujiang and Hengyun replaced), gas 12,000, the block 3,000 - 1,600 = 1,400: PV +1,260,
#: wind +140; batteries 200 (carried forward).
CITY_MW = {
    2023: {"coal": 3450.0, "gas": 7122.0, "pv": 700.0, "wind_onshore": 50.0, "pumped_hydro": 600.0, "battery": 0.0},
    2025: {"coal": 3450.0, "gas": 9000.0, "pv": 1510.0, "wind_onshore": 140.0, "pumped_hydro": 600.0, "battery": 200.0},
    2030: {
        "coal": 1510.0,
        "gas": 12000.0,
        "pv": 1960.0,
        "wind_onshore": 190.0,
        "pumped_hydro": 600.0,
        "battery": 200.0,
    },
}


def _hourly(frame: pd.DataFrame, year: int, **where) -> np.ndarray:
    rows = frame[frame["year"] == year]
    for column, value in where.items():
        rows = rows[rows[column] == value]
    return rows.sort_values("hour").iloc[:, -1].to_numpy(dtype=float)


def _city_load(tables, year: int) -> np.ndarray:
    load = tables["load"]
    rows = load[(load["year"] == year) & load["bus"].isin(DISTRICTS)]
    return rows.groupby("hour")["load_mw"].sum().sort_index().to_numpy()


# --- the committed data ---------------------------------------------------------------------------------------
def test_province_bus_and_its_rows(tables):
    buses = tables["buses"].set_index("bus")
    assert buses.loc[PROVINCE_BUS, "kind"] == "province"
    assert buses.loc[PROVINCE_BUS, "load_weight"] == 0.0
    assert (buses["kind"] == "external").sum() == 2  # Guangdong_grid stays for the fixed-price boundary
    for year in DATA_YEARS:
        assert len(_hourly(tables["load"], year, bus=PROVINCE_BUS)) == HOURS_PER_YEAR


@pytest.mark.parametrize("year", DATA_YEARS)
def test_province_load_is_positive_in_every_hour(tables, year):
    rest = _hourly(tables["load"], year, bus=PROVINCE_BUS)
    city = _city_load(tables, year)
    assert rest.min() > 0
    assert rest.min() > city.min()  # the rest of the province is several cities' worth at its lowest hour


def test_2023_province_is_850_twh_and_145_gw(tables):
    """Rest of Guangdong + Guangzhou, hour by hour, is the province: 850.2 TWh and a 145 GW peak (official)."""
    province = _hourly(tables["load"], 2023, bus=PROVINCE_BUS) + _city_load(tables, 2023)
    assert province.sum() / 1e6 == pytest.approx(850.2, abs=0.05)
    assert province.max() == pytest.approx(145000.0, abs=1.0)
    city = _city_load(tables, 2023)
    assert city.sum() / 1e6 == pytest.approx(98.5 / A.LOAD_JAN_SEP_SHARE / 1.07, rel=1e-6)  # 121.4 TWh
    assert city.max() == pytest.approx(22490.0 / 1.045, rel=1e-6)  # 21.5 GW


def test_2025_and_2030_province_energy_and_peak(tables):
    """2025: 912.1 TWh (Provincial_Load_2020_2060_MWh.csv) and 170 GW; 2030: 912.1 x 1.035^5 = 1,083.3 TWh at a
    0.64 load factor, peak 1,083.3e6 / (8760 x 0.64) = 193.2 GW."""
    p25 = _hourly(tables["load"], 2025, bus=PROVINCE_BUS) + _city_load(tables, 2025)
    assert p25.sum() / 1e6 == pytest.approx(912.1, abs=0.05)
    assert p25.max() == pytest.approx(170000.0, abs=1.0)
    p30 = _hourly(tables["load"], 2030, bus=PROVINCE_BUS) + _city_load(tables, 2030)
    assert p30.sum() / 1e6 == pytest.approx(912.1 * 1.035**5, abs=0.05)
    assert p30.max() == pytest.approx(912.1e6 * 1.035**5 / (8760 * 0.64), abs=1.0)
    assert p30.sum() / 1e6 == pytest.approx(1083.29, abs=0.01)


def test_fleet_table_validates_against_its_schema(tables):
    fleet = pd.read_csv(DATA / PROVINCE_FLEET.path, dtype=str, keep_default_na=False)
    coerced = V.coerce_table(PROVINCE_FLEET, fleet)
    for rule in PROVINCE_FLEET.checks:
        V.check_rule(PROVINCE_FLEET, rule, {**tables, "province_fleet": coerced})
    assert len(coerced) == len(DATA_YEARS) * len(PROVINCE_TECHNOLOGIES)
    storage = coerced["kind"] == "storage"
    assert (coerced.loc[~storage, "energy_mwh"] == 0).all()
    assert (coerced.loc[storage & (coerced["p_nom_mw"] > 0), "energy_mwh"] > 0).all()
    assert (coerced.loc[~storage, "efficiency_pu"] == 1).all()
    assert (coerced.loc[coerced["kind"] != "dispatchable", "availability_pu"] == 1).all()
    assert coerced["source"].str.len().min() > 20


def test_fleet_kind_must_follow_technology(tables):
    rule = next(r for r in PROVINCE_FLEET.checks if type(r).__name__ == "Determines")
    broken = tables["province_fleet"].copy()
    broken.loc[broken["technology"] == "nuclear", "kind"] = "variable"
    with pytest.raises(InputError, match="technology 'nuclear' has kind 'dispatchable', not 'variable'"):
        V.check_rule(PROVINCE_FLEET, rule, {**tables, "province_fleet": broken})


@pytest.mark.parametrize("year", DATA_YEARS)
def test_fleet_totals_equal_the_derivation(tables, year):
    """province_fleet.p_nom_mw = Guangdong (GUANGDONG_MW, derived above) less Guangzhou (CITY_MW)."""
    fleet = tables["province_fleet"]
    mw = fleet[fleet["year"] == year].set_index("technology")["p_nom_mw"]
    for tech in PROVINCE_TECHNOLOGIES:
        expected = GUANGDONG_MW[year][tech] - CITY_MW[year].get(tech, 0.0)
        assert mw[tech] == pytest.approx(expected, abs=0.05), tech
    assert G.guangdong_fleet(year) == pytest.approx(GUANGDONG_MW[year], abs=0.05)
    assert {k: v for k, v in G.city_fleet(tables, year).items() if v} == pytest.approx(
        {k: v for k, v in CITY_MW[year].items() if v}
    )


def test_2023_fleet_adds_up_to_the_193_gw_total():
    gd = G.guangdong_fleet(CALIBRATION_YEAR)
    total = sum(mw for tech, mw in gd.items() if tech != "battery") + A.PROVINCE_OTHER_2023_MW
    assert total == pytest.approx(193000.0)


def test_fleet_economics(tables):
    """Coal 2.47 x 900 CNY/t / 6.3965 MWh_th/t (5500 kcal/kg) + 3.5 EUR x 7.8 = 347.53 + 27.3 = 374.83 CNY/MWh,
    2.47 x 0.34 = 0.8398 tCO2/MWh; gas 270 / 0.53 + 4.3 x 7.8 = 509.43 + 33.54 = 542.97, 0.2 / 0.53 = 0.3774;
    nuclear 60 + 27.3 = 87.3. Pumped storage 2025: Conghua's 1,800 MW province share at 9 h and 0.80, the other
    8,480 MW at 6 h and 0.75: 16,200 + 50,880 = 67,080 MWh, sqrt((1,800 x 0.8 + 8,480 x 0.75) / 10,280) per leg."""
    fleet = tables["province_fleet"].set_index(["year", "technology"])
    coal, gas, nuclear = fleet.loc[(2025, "coal")], fleet.loc[(2025, "gas")], fleet.loc[(2025, "nuclear")]
    assert coal["marginal_cost_cny_per_mwh"] == pytest.approx(2.47 * 900 / (5500 / 859.845) + 3.5 * 7.8, abs=0.01)
    assert coal["marginal_cost_cny_per_mwh"] == pytest.approx(374.83, abs=0.01)
    assert coal["co2_t_per_mwh"] == pytest.approx(0.8398)
    assert gas["marginal_cost_cny_per_mwh"] == pytest.approx(270 / 0.53 + 4.3 * 7.8, abs=0.01)
    assert gas["co2_t_per_mwh"] == pytest.approx(0.2 / 0.53)
    assert nuclear["marginal_cost_cny_per_mwh"] == pytest.approx(87.3)
    assert nuclear["min_output_pu"] == A.PROVINCE_NUCLEAR_MIN_OUTPUT and nuclear["availability_pu"] == 0.87
    ps = fleet.loc[(2025, "pumped_hydro")]
    assert ps["energy_mwh"] == pytest.approx(1800 * 9 + 8480 * 6)
    assert ps["efficiency_pu"] == pytest.approx(math.sqrt((1800 * 0.8 + 8480 * 0.75) / 10280))
    assert fleet.loc[(2030, "battery"), "energy_mwh"] == pytest.approx(2 * 7365.8)
    assert fleet.loc[(2023, "gas"), "marginal_cost_cny_per_mwh"] == gas["marginal_cost_cny_per_mwh"]  # 2025 costs


def test_w2e_energy_at_full_take_is_200_to_240_twh(tables):
    """p_max = 45,000 - 4,000 (Guangzhou's own contract) = 41,000 MW. At full take the province source plus the
    city's west_east_clean bring 200-240 TWh a year into Guangdong; the province source alone that less the city's
    ~25.7 TWh (2023 lower: the drought cut Jan-Jun by a quarter)."""
    src = tables["import_sources"].set_index(["source", "year"])
    for year in DATA_YEARS:
        row = src.loc[("west_east_province", year)]
        assert row["bus"] == PROVINCE_BUS and bool(row["clean"])
        assert row["p_max_mw"] == 41000.0
        assert row["min_take_pu"] == A.PROVINCE_W2E_MIN_TAKE
        assert row["price_cny_per_mwh"] == src.loc[("west_east_clean", year), "price_cny_per_mwh"]
        assert row["co2_t_per_mwh"] == pytest.approx(0.3 * 0.8398)
        total = G.w2e_energy_twh(tables, "west_east_province", year) + G.w2e_energy_twh(tables, "west_east_clean", year)
        assert 200.0 <= total <= 240.0, year
        city = G.w2e_energy_twh(tables, "west_east_clean", year)
        assert 20.0 < city < 26.0
    assert (src.loc[[s for s in src.index if s[0] != "west_east_province"], "min_take_pu"] == 0).all()
    assert G.w2e_energy_twh(tables, "west_east_province", 2025) == pytest.approx(199.59, abs=0.01)
    assert G.w2e_energy_twh(tables, "west_east_province", 2023) == pytest.approx(180.59, abs=0.01)


def test_w2e_availability_peaks_in_the_wet_season_and_2023_is_cut(tables):
    avail = tables["import_availability"]
    for year in DATA_YEARS:
        rows = avail[(avail["source"] == "west_east_province") & (avail["year"] == year)]
        month = rows["timestamp"].dt.month
        assert rows.loc[month.isin((6, 7, 8, 9, 10)), "availability"].mean() > 0.75
        assert rows.loc[month.isin((1, 2, 3, 4)), "availability"].mean() < 0.35
    feb_may = slice(31 * 24, (31 + 28 + 31 + 30 + 31) * 24)
    for source in ("west_east_province", "west_east_clean"):
        ratio = _hourly(avail, 2023, source=source)[feb_may] / _hourly(avail, 2025, source=source)[feb_may]
        assert ratio == pytest.approx(np.full(len(ratio), A.PROVINCE_W2E_DROUGHT_2023_FACTOR))
        aug = slice(213 * 24, 243 * 24)
        assert (_hourly(avail, 2023, source=source)[aug] == _hourly(avail, 2025, source=source)[aug]).all()


def test_province_capacity_factors(tables):
    """pv = 0.646 ground + 0.354 rooftop of the city's profiles; onshore = the city's wind profile (speed factor
    1); offshore the same curve at 1.8 x the wind (annual 0.331); hydro the monthly profile (annual 0.327)."""
    cf = tables["capacity_factors"]
    for year in DATA_YEARS:
        pv = _hourly(cf, year, tech="pv", bus=PROVINCE_BUS)
        ground = _hourly(cf, year, tech="pv_ground", bus="Tianhe")
        rooftop = _hourly(cf, year, tech="pv_rooftop", bus="Tianhe")
        assert pv == pytest.approx(0.646 * ground + 0.354 * rooftop, abs=1e-12)
        assert (
            _hourly(cf, year, tech="wind_onshore", bus=PROVINCE_BUS)
            == _hourly(cf, year, tech="wind_onshore", bus="Nansha")
        ).all()
    means = cf[(cf["bus"] == PROVINCE_BUS) & (cf["year"] == 2025)].groupby("tech")["cf"].mean()
    assert means["wind_offshore"] == pytest.approx(0.331, abs=5e-4)
    assert means["hydro"] == pytest.approx(np.mean(A.PROVINCE_HYDRO_MONTHLY_CF), abs=2e-3)
    assert means["pv"] == pytest.approx(0.165, abs=5e-4)
    assert means["wind_onshore"] == pytest.approx(0.115, abs=5e-4)


@pytest.mark.parametrize("year", DATA_YEARS)
def test_must_run_fits_what_the_province_can_absorb(tables, year):
    """Nuclear floor (p_nom x availability x min_output) + West-to-East must-take never exceeds the province's
    load plus the charging power of its stores: the province can always absorb its must-run without the city."""
    fleet = tables["province_fleet"].set_index(["year", "technology"])
    nuclear = fleet.loc[(year, "nuclear")]
    floor = nuclear["p_nom_mw"] * nuclear["availability_pu"] * nuclear["min_output_pu"]
    src = tables["import_sources"].set_index(["source", "year"]).loc[("west_east_province", year)]
    take = (
        src["p_max_mw"] * src["min_take_pu"] * _hourly(tables["import_availability"], year, source="west_east_province")
    )
    charge = fleet.loc[(year, "pumped_hydro"), "p_nom_mw"] + fleet.loc[(year, "battery"), "p_nom_mw"]
    rest = _hourly(tables["load"], year, bus=PROVINCE_BUS)
    assert (floor + take <= rest + charge).all()


# --- rebuilt from the raw files -------------------------------------------------------------------------------
@needs_raw
@pytest.mark.parametrize("year", DATA_YEARS)
def test_province_load_is_provincial_minus_city(tables, year):
    """The committed rest-of-Guangdong load is the GD curve scaled to the province's energy and peak less the sum
    of the districts, hour by hour."""
    parts = G.rest_of_guangdong_load(RAW, year)
    assert parts["rest"] == pytest.approx(parts["guangdong"] - parts["city"])
    assert _hourly(tables["load"], year, bus=PROVINCE_BUS) == pytest.approx(parts["rest"], rel=1e-9)
    assert _city_load(tables, year) == pytest.approx(parts["city"], rel=1e-9)
    target = G.province_load_targets(RAW)[year]
    assert parts["guangdong"].sum() == pytest.approx(target["energy_mwh"], rel=1e-9)
    assert parts["guangdong"].max() == pytest.approx(target["peak_mw"], rel=1e-9)
    assert int(np.argmax(parts["guangdong"])) == int(np.argmax(P.align_to_year(P.read_gd_load(RAW).to_numpy(), year)))


@needs_raw
def test_w2e_capability_is_within_the_corridors():
    """edges_current.csv: Guangxi 41,690 + Guizhou 17,500 + Yunnan 31,400 + Hainan 1,200 = 91,790 MW >= 45,000."""
    assert G.w2e_corridor_mw(RAW) == 91790.0
    assert G.w2e_province_p_max(RAW) == 41000.0


def test_jan_may_2023_cross_checks(tables):
    """The 2023 fleet's Jan-May hydro and wind output against NBS (7.93 and 15.36 TWh): within 5 % (the wind at
    end-2023 capacity, above the Jan-May average)."""
    check = G.province_stats(tables)["jan_may_2023_check"]
    assert check["hydro_twh"] == pytest.approx(7.93, rel=0.05)
    assert check["wind_twh"] == pytest.approx(15.36, rel=0.05)


def test_raw_files_without_guangdong_are_refused_in_one_line(tmp_path):
    (tmp_path / G.PROVINCIAL_LOAD_FILE).write_text(",2020,2025\nGuangxi,1,2\n")
    with pytest.raises(InputError, match="no Guangdong row") as info:
        G.provincial_energy_2025_mwh(tmp_path)
    assert len(str(info.value).splitlines()) == 1
    (tmp_path / G.PROVINCIAL_LOAD_FILE).write_text(",2020,2025\nGuangdong,1,n/a\n")
    with pytest.raises(InputError, match="not a positive number"):
        G.provincial_energy_2025_mwh(tmp_path)
    (tmp_path / G.EDGES_FILE).write_text("Guangdong,Hebei,3000\n")
    with pytest.raises(InputError, match="West-to-East corridors"):
        G.w2e_corridor_mw(tmp_path)
