"""Grid pipeline: graph shape, unit conversions, annuities, and the tables built from the real raw data."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from gzpower import assumptions as A
from gzpower.inputs.plan import COAL_REPLACEMENT_GAS_UNITS
from gzpower.inputs.schemas import BUILDABLE_TECHS, DATA_YEARS, DISTRICTS, EXTERNAL_BUSES, TABLES_BY_NAME
from gzpower.pipeline import grid
from gzpower.scenario.fleet import FleetOptions, standing_units

RAW = Path(__file__).parents[1] / ".." / "shared" / "data" / "raw"
needs_raw = pytest.mark.skipif(not RAW.is_dir(), reason=f"raw data directory {RAW} absent")

PANDAS_DTYPE = {"int": "int64", "float": "float64", "bool": "bool", "str": "object"}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    if not RAW.is_dir():
        pytest.skip(f"raw data directory {RAW} absent")
    return grid.build_grid(RAW)


# --- no raw data needed -------------------------------------------------------------------------------------
def test_line_graph_is_connected_and_meshed():
    lines = grid.build_lines()
    g = nx.MultiGraph()
    g.add_nodes_from(DISTRICTS)
    g.add_edges_from(zip(lines["bus0"], lines["bus1"]))
    assert set(g.nodes) == set(DISTRICTS)
    assert nx.is_connected(g)
    assert len(nx.cycle_basis(nx.Graph(g))) >= 3


def test_line_parameters_follow_the_rule():
    lines = grid.build_lines().set_index("line")
    row = lines.loc["Yuexiu-Tianhe"]
    km = grid.haversine_km(grid.DISTRICT_SEATS["Yuexiu"], grid.DISTRICT_SEATS["Tianhe"]) * A.LINE_ROUTING_FACTOR
    assert row["length_km"] == pytest.approx(km)
    assert row["x_ohm"] == pytest.approx(A.LINE_X_OHM_PER_KM * km / row["circuits"])
    assert row["s_nom_mw"] == pytest.approx(row["circuits"] * A.LINE_RATING_MW_PER_CIRCUIT)
    assert (lines["bus0"] != lines["bus1"]).all()


def test_haversine_known_distance():
    # one degree of latitude is ~111.2 km
    assert grid.haversine_km((23.0, 113.0), (24.0, 113.0)) == pytest.approx(111.19, abs=0.05)


def test_coal_heat_rate_conversion():
    assert grid.heat_rate_from_btu_per_kwh(10442) == pytest.approx(3.060, abs=5e-4)
    assert grid.heat_rate_from_btu_per_kwh(3412.14) == pytest.approx(1.0)


def test_emission_factor_conversion():
    assert grid.co2_t_per_mwh_th_from_kg_per_tj(96100) == pytest.approx(0.34596)


def test_annuity_against_hand_computation():
    # CRF(6 %, 25 y) = 0.06 / (1 - 1.06**-25) = 0.078227; 1000 x 0.078227 + 20 = 98.227
    assert grid.capital_recovery_factor(0.06, 25) == pytest.approx(0.0782267, rel=1e-5)
    assert grid.annuity(1000.0, 25, 0.06, 20.0) == pytest.approx(98.2267, rel=1e-5)
    assert grid.annuity(1000.0, 10, 0.0, 0.0) == pytest.approx(100.0)


def test_buses_load_weights_and_population():
    buses = grid.build_buses().set_index("bus")
    assert set(buses.index) == set(DISTRICTS) | set(EXTERNAL_BUSES)
    assert buses["load_weight"].sum() == pytest.approx(1.0)
    assert (buses.loc[list(EXTERNAL_BUSES), "load_weight"] == 0).all()
    assert buses.loc[list(DISTRICTS), "population_10k"].sum() == pytest.approx(grid.CITY_POPULATION_10K)
    # the industrial uplift raises Huangpu above its population share
    pop_share = buses.loc["Huangpu", "population_10k"] / grid.CITY_POPULATION_10K
    assert buses.loc["Huangpu", "load_weight"] > pop_share
    assert 4 <= buses.loc[list(DISTRICTS), "has_500kv"].sum() <= 6


def test_links_land_on_500kv_districts_with_the_assumed_totals():
    buses = grid.build_buses().set_index("bus")
    links = grid.build_links()
    assert buses.loc[links["bus1"], "has_500kv"].all()
    totals = links.groupby("bus0")["p_nom_mw"].sum()
    assert totals["Guangdong_grid"] == pytest.approx(A.IMPORT_CAPACITY_GUANGDONG_GRID_MW)
    assert totals["West_East_clean"] == pytest.approx(A.IMPORT_CAPACITY_WEST_EAST_CLEAN_MW)


def test_gem_district_mapping():
    assert grid.gem_district("Luogang", "Guangzhou", 23.06, 113.50) == "Huangpu"
    assert grid.gem_district(None, "Nansha District", 0.0, 0.0) == "Nansha"
    assert grid.gem_district(float("nan"), float("nan"), 22.74, 113.51) == "Nansha"  # by nearest seat


def test_targets_table():
    t = grid.build_targets().set_index(["id", "year"])
    assert t.loc[("gas_capacity", 2025), "value"] == 9000.0
    assert t.loc[("re_capacity", 2025), "kind"] == "about"
    assert t.loc[("dr_capability", 2030), "value"] == pytest.approx(0.05)
    assert t.loc[("clean_imports", 2030), "kind"] == "qualitative"
    assert pd.isna(t.loc[("coal", 2025), "value"])


# --- real raw data ----------------------------------------------------------------------------------------
@needs_raw
def test_all_tables_match_their_schema(tables):
    assert set(tables) == {
        "buses",
        "lines",
        "links",
        "import_sources",
        "units",
        "storage_units",
        "technologies",
        "fuels",
        "sites",
        "targets",
    }
    for name, df in tables.items():
        table = TABLES_BY_NAME[name]
        assert list(df.columns) == [c.name for c in table.columns], name
        for col in table.columns:
            assert str(df[col.name].dtype) == PANDAS_DTYPE[col.dtype], (name, col.name)
            values = df[col.name]
            if not col.nullable and col.dtype != "str":
                assert values.notna().all(), (name, col.name)
            if col.allowed:
                assert values.isin(col.allowed).all(), (name, col.name)
            if col.min is not None:
                assert (values.dropna() >= col.min).all(), (name, col.name)
            if col.max is not None:
                assert (values.dropna() <= col.max).all(), (name, col.name)
        assert not df.duplicated(list(table.key)).any(), name
        assert df.equals(df.sort_values(list(table.key)).reset_index(drop=True)), name


@needs_raw
def test_operating_fleet_matches_gem_totals(tables):
    units = tables["units"]
    operating = units[units["status"] == "operating"].groupby("carrier")["p_nom_mw"].sum()
    assert operating["gas"] == pytest.approx(4402.0)  # FACTS.md: 4.4 GW
    assert operating["coal"] == pytest.approx(3870.0)  # FACTS.md: 3.9 GW
    assert units["unit"].is_unique
    lixin = units.set_index("unit").loc["G103172"]
    assert lixin["heat_rate"] == pytest.approx(3.060, abs=5e-4)
    assert lixin["bus"] == "Zengcheng"


@needs_raw
def test_replaced_coal_and_replacement_projects(tables):
    units = tables["units"].set_index("unit")
    replaced = units[units["replaced_by_plan"]]
    assert set(replaced["bus"]) == {"Nansha", "Huangpu"}
    assert replaced["p_nom_mw"].sum() == pytest.approx(4 * 320 + 2 * 210 + 2 * 330)
    for bus, ids in COAL_REPLACEMENT_GAS_UNITS.items():
        assert (units.loc[list(ids), "bus"] == bus).all()
        assert (units.loc[list(ids), "carrier"] == "gas").all()


@needs_raw
def test_standing_fleet_with_and_without_replacement(tables):
    units = tables["units"]

    def mw(year, replace):
        s = standing_units(units, year, FleetOptions(coal_replacement=replace))
        return s.groupby("carrier")["p_nom_mw"].sum()

    on25, on30, off30 = mw(2025, True), mw(2030, True), mw(2030, False)
    assert on30["coal"] < on25["coal"]
    assert off30["coal"] == pytest.approx(on25["coal"])
    replaced = units[units["replaced_by_plan"]]["p_nom_mw"].sum()
    assert on30["coal"] == pytest.approx(off30["coal"] - (replaced - 420.0))  # Hengyun-C retired 2023 per GEM
    assert on30["gas"] >= off30["gas"]


@needs_raw
def test_sites_plan_shares_sum_to_one(tables):
    sites = tables["sites"]
    assert set(sites["tech"]) == set(BUILDABLE_TECHS)
    sums = sites.groupby("tech")["plan_share"].sum()
    assert (sums - 1.0).abs().max() < 1e-9
    assert (sites["existing_mw"] <= sites["p_max_mw"]).all()
    assert set(sites.loc[sites["tech"] == "wind_onshore", "bus"]) == {"Nansha", "Conghua"}


@needs_raw
def test_existing_renewables_fall_short_of_the_2025_target(tables):
    sites, units = tables["sites"], tables["units"]
    re_techs = ["pv_rooftop", "pv_ground", "wind_onshore"]
    existing = sites[sites["tech"].isin(re_techs)]["existing_mw"].sum()
    waste = standing_units(units, 2025).query("carrier == 'waste'")["p_nom_mw"].sum()
    total = existing + waste
    assert 1000.0 < total < 2500.0  # plausible, the plan's generic block fills the rest


@needs_raw
def test_technology_costs(tables):
    tech = tables["technologies"].set_index(["tech", "year"])
    assert set(tech.index) == {(t, y) for t in BUILDABLE_TECHS for y in DATA_YEARS}
    for _, row in tech.iterrows():
        expected = grid.annuity(row["capex_cny"], row["lifetime_yr"], row["discount_rate"], row["fom_cny_per_yr"])
        assert row["annuity_cny_per_yr"] == pytest.approx(expected)
    assert tech.loc[("battery_energy", 2030), "capacity_unit"] == "MWh"
    # China-specific PV capex is in the 2-3 CNY/W range
    assert 2.0e6 <= tech.loc[("pv_ground", 2030), "capex_cny"] <= 3.0e6
    assert tech.loc[("battery_energy", 2030), "capex_cny"] < tech.loc[("battery_energy", 2025), "capex_cny"]
    for t in BUILDABLE_TECHS:  # the calibration year takes 2025's costs (COSTS_YEAR_FOR_2023)
        assert tech.loc[(t, 2023), "annuity_cny_per_yr"] == tech.loc[(t, 2025), "annuity_cny_per_yr"]
        assert "2023: the 2025 row" in tech.loc[(t, 2023), "source"]


@needs_raw
def test_fuels_and_imports(tables):
    fuels = tables["fuels"].set_index(["fuel", "year"])
    assert fuels.loc[("gas", 2030), "co2_t_per_mwh_th"] == pytest.approx(0.2)
    assert fuels.loc[("coal", 2030), "co2_t_per_mwh_th"] == pytest.approx(0.34)
    assert 100 < fuels.loc[("coal", 2025), "price_cny_per_mwh_th"] < fuels.loc[("gas", 2025), "price_cny_per_mwh_th"]
    imports = tables["import_sources"].set_index(["source", "year"])
    assert imports.loc[("west_east_clean", 2030), "clean"]
    assert not imports.loc[("guangdong_grid", 2030), "clean"]
