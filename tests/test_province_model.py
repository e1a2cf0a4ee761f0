"""The city inside its province: hand-derived two-zone cases for the province family, the two-way interfaces, the
must-take West-to-East supply, the provincial reserve, the shared import-contract potential, and the fixed-price
boundary reproducing the model without the province."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from gzpower.model.build import build_model
from gzpower.model.copperplate import as_city
from gzpower.model.instance import PROVINCE_BUS
from gzpower.model.registry import COST_SCALE
from gzpower.results.extract import extract
from gzpower.results.kpis import kpis
from gzpower.results.targets import target_check
from gzpower.solve.highs import SolverSettings, solve
from tests.factory import make_data, thermal, with_marginal_cost

P = PROVINCE_BUS


def run(data):
    built = build_model(data)
    outcome = solve(built.model, SolverSettings(algorithm="simplex"))
    assert outcome.status == "optimal", outcome.message
    return built, outcome, extract(built, outcome.duals)


def fleet(rows: list[dict]) -> pd.DataFrame:
    """A province fleet table (ModelData.province) from rows naming technology, kind and p_nom at least."""
    base = {
        "bus": P,
        "e_nom": 0.0,
        "efficiency": 1.0,
        "availability": 1.0,
        "min_output": 0.0,
        "marginal_cost": 0.0,
        "co2_per_mwh": 0.0,
    }
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame.index = pd.Index([f"{P}:{t}" for t in frame["technology"]], name="element")
    return frame


def link(p_nom: float, both_ways: bool = True, bus1: str = "C") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "bus0": [P],
            "bus1": [bus1],
            "p_nom": [p_nom],
            "efficiency": [1.0],
            "p_nom_max": [p_nom],
            "annuity": [0.0],
            "bidirectional": [both_ways],
        },
        index=pd.Index([f"Guangdong_grid-{bus1}"], name="link"),
    )


def two_zone(
    city_load, province_load, province_fleet, *, links=None, sources=None, availability=None, city_units=None, **sc
):
    """City district C with ``city_units`` (default a 1,000 MW gas unit at 600 CNY/MWh), the province bus with
    ``province_fleet`` and ``province_load``, joined by ``links`` (default one two-way 200 MW interface)."""
    gas = with_marginal_cost(thermal([{"unit": "gas", "bus": "C", "p_nom": 1000.0}]), {"gas": 600.0})
    n = len(city_load)
    data = make_data(
        {"C": list(city_load)},
        thermal_units=city_units if city_units is not None else gas,
        links=links if links is not None else link(200.0),
        sources=sources,
        availability=availability,
        externals=[P],
        **sc,
    )
    return replace(
        data,
        province=province_fleet,
        province_load=pd.DataFrame({P: np.asarray(province_load, dtype=float)}),
        province_cf=pd.DataFrame({k: np.ones(n) for k in province_fleet.index[province_fleet["kind"] == "variable"]}),
    )


COAL = fleet(
    [{"technology": "coal", "kind": "dispatchable", "p_nom": 1000.0, "marginal_cost": 300.0, "co2_per_mwh": 1.0}]
)


def test_two_zones_link_binds_then_the_city_exports_then_the_province_sheds():
    """City C: gas 1,000 MW at 600 CNY/MWh; province: coal C = 1,000 MW at 300; a two-way link of Z = 200 MW; VoLL
    1,000 CNY/MWh (factory). Three hours, (city load, province load):

    - h0 (500, 500): coal serves the province and fills the link, 700 MW; the link binds (flow = Z = 200 into the
      city), gas covers the rest (300). Prices: city 600 (gas at the margin), province 300 (coal at the margin).
    - h1 (100, 1,100): coal at capacity (1,000) leaves the province 100 MW short; the city's gas exports 100 over
      the link (flow -100, not binding), gas 200. Both prices 600: provincial scarcity priced at the city's marginal
      cost.
    - h2 (100, 1,300): coal at capacity, the link exports its full 200, 100 MW unserved in the province. Province
      price = VoLL 1,000, city price 600; the city's own unserved energy stays 0.

    Objective (CNY): coal 700 + 1,000 + 1,000 = 2,700 MWh x 300 = 810,000; gas 300 + 200 + 300 = 800 MWh x 600 =
    480,000; province unserved 100 x 1,000 = 100,000: 1,390,000. The city's cost: its gas 480,000 plus its net
    import at the provincial price, 200 x 300 - 100 x 600 - 200 x 1,000 = -200,000: 280,000.
    """
    built, outcome, out = run(two_zone([500.0, 100.0, 100.0], [500.0, 1100.0, 1300.0], COAL))
    assert outcome.objective / COST_SCALE == pytest.approx(1_390_000.0, rel=1e-9)
    flow = out["flows"].set_index("element")["flow_mw"]
    assert flow.tolist() == pytest.approx([200.0, -100.0, -200.0], abs=1e-6)
    prices = out["prices"].pivot(index="hour", columns="bus", values="price_cny_per_mwh")
    assert prices["C"].tolist() == pytest.approx([600.0, 600.0, 600.0], rel=1e-9)
    assert prices[P].tolist() == pytest.approx([300.0, 600.0, 1000.0], rel=1e-9)
    province = out["province"]
    assert province["price_cny_per_mwh"].tolist() == pytest.approx([300.0, 600.0, 1000.0], rel=1e-9)
    assert province["unserved_mw"].tolist() == pytest.approx([0.0, 0.0, 100.0], abs=1e-6)
    assert out["balance"]["unserved_mw"].abs().max() == pytest.approx(0.0, abs=1e-9)
    disp = out["dispatch"].pivot(index="hour", columns="element", values="p_mw")
    assert disp[f"{P}:coal"].tolist() == pytest.approx([700.0, 1000.0, 1000.0], abs=1e-6)
    assert disp["gas"].tolist() == pytest.approx([300.0, 200.0, 300.0], abs=1e-6)
    k = kpis(out, built.data)
    assert k["unserved_mwh"] == pytest.approx(0.0, abs=1e-9)
    assert k["province_unserved_mwh"] == pytest.approx(100.0, abs=1e-6)
    assert k["system_cost_cny"] == pytest.approx(1_390_000.0, rel=1e-9)
    assert k["city_import_cost_cny"] == pytest.approx(-200_000.0, rel=1e-9)
    assert k["cost_cny"] == pytest.approx(280_000.0, rel=1e-9)
    assert k["imports_mwh"] == pytest.approx(200.0, abs=1e-6)
    assert k["exports_mwh"] == pytest.approx(300.0, abs=1e-6)
    # province price weighted by its load: (500 x 300 + 1,100 x 600 + 1,300 x 1,000) / 2,900
    assert k["province_price_avg_cny_per_mwh"] == pytest.approx(2_110_000 / 2900, rel=1e-9)
    assert k["province_price_peak_cny_per_mwh"] == pytest.approx(1000.0, rel=1e-9)
    # the city's CO2: its gas (0.4 t/MWh in the factory) and the 200 MWh it imports in h0, when all the province's
    # supply is coal at 1 t/MWh; the province's coal is its own
    assert k["co2_t"] == pytest.approx(800 * 0.4 + 200 * 1.0, rel=1e-9)
    assert k["province_co2_t"] == pytest.approx(2700.0, rel=1e-9)


def test_province_capacities_count_toward_no_city_target():
    """The province's coal (1,000 MW) is registered as province_coal at the province bus: the city's coal row
    reports the city's coal only (none here), and every province row in the capacities table has its family."""
    built, outcome, out = run(two_zone([100.0], [500.0], COAL))
    caps = out["capacities"]
    assert caps.loc[caps["family"] == "province", "technology"].tolist() == ["province_coal"]
    assert caps.loc[caps["family"] == "province", "bus"].tolist() == [P]
    targets = pd.DataFrame(
        [
            {
                "id": "coal",
                "year": 2030,
                "value": np.nan,
                "unit": "-",
                "kind": "qualitative",
                "tolerance": 0.0,
                "section": "",
                "description": "",
            }
        ]
    )
    check = target_check(out, replace(built.data, targets=targets)).set_index("id")
    assert check.loc["coal", "reached"] == pytest.approx(0.0, abs=1e-9)
    assert check.loc["province_unserved_energy", "reached"] == pytest.approx(0.0, abs=1e-9)
    assert check.loc["province_average_price", "reached"] == pytest.approx(300.0, rel=1e-9)


def _west_east(min_take: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    sources = pd.DataFrame(
        {
            "bus": [P],
            "p_max": [120.0],
            "price_cny_per_mwh": [250.0],
            "co2_t_per_mwh": [0.0],
            "clean": [True],
            "min_take": [min_take],
        },
        index=pd.Index(["west_east_province"], name="source"),
    )
    return sources, pd.DataFrame({"west_east_province": [0.5]})


@pytest.mark.parametrize(
    "min_take, objective, curtailed, price",
    [(0.0, 20 * 250.0, 0.0, 250.0), (0.5, 30 * 250.0, 10.0, 0.0), (1.0, 60 * 250.0, 40.0, 0.0)],
)
def test_must_take_west_to_east_curtails_province_wind_and_lowers_the_price(min_take, objective, curtailed, price):
    """Province load 100 MW; province wind 80 MW at 0 CNY/MWh (capacity factor 1); coal 200 MW at 300; West-to-East
    supply Q = 120 MW available at alpha = 0.5 (60 MW) for 250 CNY/MWh with must-take share mu. The city (no load,
    its gas at 600) stays out: the link carries nothing.

    - mu = 0: wind 80, West-to-East 20 (cheaper than coal): objective 20 x 250 = 5,000; the price is 250 (West-to-East
      at the margin, between its bounds); nothing curtailed.
    - mu = 0.5: the floor mu alpha Q = 30 MW must be taken, wind falls to 70 (10 curtailed); objective 7,500 and the
      price 0: the marginal MWh is the curtailed wind's.
    - mu = 1: all 60 MW taken, wind 40 (40 curtailed); objective 15,000, price 0.
    """
    wind_coal = fleet(
        [
            {"technology": "wind_onshore", "kind": "variable", "p_nom": 80.0},
            {"technology": "coal", "kind": "dispatchable", "p_nom": 200.0, "marginal_cost": 300.0},
        ]
    )
    sources, availability = _west_east(min_take)
    data = two_zone([0.0], [100.0], wind_coal, sources=sources, availability=availability)
    built, outcome, out = run(data)
    assert outcome.objective / COST_SCALE == pytest.approx(objective, rel=1e-9)
    curt = out["curtailment"]
    assert curt.loc[curt["bus"] == P, "curtailed_mw"].sum() == pytest.approx(curtailed, abs=1e-6)
    assert out["province"]["price_cny_per_mwh"].iloc[0] == pytest.approx(price, abs=1e-6)
    k = kpis(out, built.data)
    assert k["west_east_province_mwh"] == pytest.approx(objective / 250.0, abs=1e-6)
    assert k["curtailed_mwh"] == pytest.approx(0.0, abs=1e-9)  # the province's curtailment is not the city's
    assert k["province_curtailed_mwh"] == pytest.approx(curtailed, abs=1e-6)
    assert k["imports_mwh"] == pytest.approx(0.0, abs=1e-9)  # West-to-East into the province is not the city's


def test_provincial_reserve_covers_city_and_province_load():
    """One hour; city load 100 (no city plant: its gas unit is left out), province load 900; province coal 1,000 MW
    at 300 CNY/MWh; West-to-East 1,000 MW at 400, no floor; link 500 MW. Spinning reserve rho = 0.1.

    Imports offer no headroom, coal offers 1,000 - output. The provincial requirement is 0.1 x (100 + 900) = 100
    MW, so coal runs at 900 and West-to-East brings 100: objective 900 x 300 + 100 x 400 = 310,000 CNY (a
    city-only requirement, 0.1 x 100 = 10 MW, would leave coal at 990: 301,000). The province price is 400
    (West-to-East at the margin), and so is the city's over the unconstrained link.
    """
    sources = pd.DataFrame(
        {
            "bus": [P],
            "p_max": [1000.0],
            "price_cny_per_mwh": [400.0],
            "co2_t_per_mwh": [0.0],
            "clean": [True],
            "min_take": [0.0],
        },
        index=pd.Index(["west_east_province"], name="source"),
    )
    data = two_zone(
        [100.0],
        [900.0],
        COAL,
        links=link(500.0),
        sources=sources,
        availability=pd.DataFrame({"west_east_province": [1.0]}),
        reserve_share=0.1,
    )
    data = replace(data, thermal=data.thermal.iloc[0:0], thermal_units=data.thermal_units.iloc[0:0])
    built, outcome, out = run(data)
    assert outcome.objective / COST_SCALE == pytest.approx(310_000.0, rel=1e-9)
    disp = out["dispatch"].set_index("element")["p_mw"]
    assert disp[f"{P}:coal"] == pytest.approx(900.0, abs=1e-6)
    assert disp["west_east_province"] == pytest.approx(100.0, abs=1e-6)
    prices = out["prices"].set_index("bus")["price_cny_per_mwh"]
    assert prices[P] == pytest.approx(400.0, rel=1e-9)
    assert prices["C"] == pytest.approx(400.0, rel=1e-9)


def test_province_storage_shifts_cheap_coal_into_the_peak():
    """Province load 500 then 1,500 MW; coal 1,000 MW at 300 CNY/MWh; pumped hydro 500 MW / 1,000 MWh with per-leg
    efficiency 0.9 (round trip 0.81); the city (no load) can send its gas at 600 over a 1,000 MW link.

    Hour 1 is 500 MW short of coal. A MWh from the store costs 300 / 0.81 = 370 CNY of coal charged in hour 0, below
    gas: the store charges its full 500 MW in hour 0 (coal 1,000) and gives back 500 x 0.81 = 405 MW in hour 1; gas
    covers the other 95. Objective: coal 2,000 MWh x 300 = 600,000 plus gas 95 x 600 = 57,000: 657,000. The cyclic
    state of charge rises by 450 MWh in hour 0 and falls by as much in hour 1 (its level is otherwise free).
    """
    store = fleet(
        [
            {"technology": "coal", "kind": "dispatchable", "p_nom": 1000.0, "marginal_cost": 300.0},
            {"technology": "pumped_hydro", "kind": "storage", "p_nom": 500.0, "e_nom": 1000.0, "efficiency": 0.9},
        ]
    )
    built, outcome, out = run(two_zone([0.0, 0.0], [500.0, 1500.0], store, links=link(1000.0)))
    assert outcome.objective / COST_SCALE == pytest.approx(657_000.0, rel=1e-9)
    st = out["storage"].set_index(["element", "hour"])
    hydro = f"{P}:pumped_hydro"
    assert st.loc[(hydro, 0), "charge_mw"] == pytest.approx(500.0, abs=1e-6)
    assert st.loc[(hydro, 1), "discharge_mw"] == pytest.approx(405.0, abs=1e-6)
    assert st.loc[(hydro, 0), "soc_mwh"] - st.loc[(hydro, 1), "soc_mwh"] == pytest.approx(450.0, abs=1e-6)
    caps = out["capacities"].set_index("element")
    assert caps.loc[f"{hydro}:energy", "technology"] == "province_pumped_hydro_energy"


@pytest.mark.parametrize(
    "floor, objective, nuclear, flow, province_price",
    [(0.0, 450 * 50 + 300 * 30, 450.0, -100.0, 50.0), (0.7, 630 * 50 + 120 * 30, 630.0, 80.0, 30.0)],
)
def test_must_run_nuclear_floor_reverses_the_flow_and_lowers_the_province_price(
    floor, objective, nuclear, flow, province_price
):
    """Province nuclear 1,000 MW at 50 CNY/MWh, availability 0.9 (900 MW), must-run floor mu of the available
    capacity; province load 550; the city (load 200) has its own 1,000 MW unit at 30 CNY/MWh; a 100 MW two-way link.

    - mu = 0: the city's unit is cheaper than nuclear, so the city exports the link's full 100 MW (flow -100):
      nuclear 450, the city's unit 300; objective 450 x 50 + 300 x 30 = 31,500; the link binds, so the province price
      is nuclear's 50 and the city's 30.
    - mu = 0.7: nuclear must run at 0.7 x 900 = 630, 80 MW above the province's load, which flows into the city
      (its unit falls to 120). Objective 630 x 50 + 120 x 30 = 35,100. One more MW of province load would be met by
      sending the city one MW less and running the city's unit one more: the province price falls to 30.
    """
    nuclear_fleet = fleet(
        [
            {
                "technology": "nuclear",
                "kind": "dispatchable",
                "p_nom": 1000.0,
                "marginal_cost": 50.0,
                "availability": 0.9,
                "min_output": floor,
            }
        ]
    )
    cheap = with_marginal_cost(thermal([{"unit": "cheap", "bus": "C", "p_nom": 1000.0}]), {"cheap": 30.0})
    built, outcome, out = run(two_zone([200.0], [550.0], nuclear_fleet, links=link(100.0), city_units=cheap))
    assert outcome.objective / COST_SCALE == pytest.approx(objective, rel=1e-9)
    disp = out["dispatch"].set_index("element")["p_mw"]
    assert disp[f"{P}:nuclear"] == pytest.approx(nuclear, abs=1e-6)
    assert out["flows"]["flow_mw"].iloc[0] == pytest.approx(flow, abs=1e-6)
    prices = out["prices"].set_index("bus")["price_cny_per_mwh"]
    assert prices[P] == pytest.approx(province_price, rel=1e-9)
    assert prices["C"] == pytest.approx(30.0, rel=1e-9)


def test_city_level_keeps_the_province_bus_and_merges_only_the_districts():
    """Two districts A and B (each 250 MW of load, no plant), one interface from the province into each (200 MW
    apiece); province coal 1,000 MW at 300, province load 400. As one city bus the districts' 500 MW are served
    over both interfaces (400 MW in, 100 MW unserved at VoLL 1,000); the province bus, its load and its coal stay:
    objective 800 x 300 + 100 x 1,000 = 340,000 at both levels (no lines: each district draws its own 200 and
    sheds 50)."""
    links = pd.concat([link(200.0, bus1="A"), link(200.0, bus1="B")])
    data = make_data({"A": [250.0], "B": [250.0]}, links=links, externals=[P])
    data = replace(data, province=COAL, province_load=pd.DataFrame({P: [400.0]}))
    for level in (data, as_city(data)):
        built, outcome, out = run(level)
        assert outcome.objective / COST_SCALE == pytest.approx(340_000.0, rel=1e-9)
        assert out["province"]["bus"].tolist() == [P]
        assert out["balance"]["unserved_mw"].sum() == pytest.approx(100.0, abs=1e-6)
        assert out["province"]["unserved_mw"].sum() == pytest.approx(0.0, abs=1e-9)


def _contract_case(used: float, shared: bool = True):
    """District B (load 150 MW, no plant) with two interfaces, from nodes N1 and N2 (each a source of 1,000 MW at
    10 CNY/MWh), both standing at 0 MW and each allowed to grow to B's import-contract potential of 100 MW, at an
    annuity of 8,760 CNY/MW-yr (1 CNY per MW over the one-hour horizon)."""
    sources = pd.DataFrame(
        {
            "bus": ["N1", "N2"],
            "p_max": [1000.0, 1000.0],
            "price_cny_per_mwh": [10.0, 10.0],
            "co2_t_per_mwh": [0.0, 0.0],
            "clean": [False, False],
            "min_take": [0.0, 0.0],
        },
        index=pd.Index(["s1", "s2"], name="source"),
    )
    links = pd.DataFrame(
        {
            "bus0": ["N1", "N2"],
            "bus1": ["B", "B"],
            "p_nom": [0.0, 0.0],
            "efficiency": [1.0, 1.0],
            "p_nom_max": [100.0, 100.0],
            "annuity": [8760.0, 8760.0],
            "contract_district": ["B", "B"],
            "contract_potential": [100.0, 100.0],
            "contract_used": [used, 0.0],
        },
        index=pd.Index(["N1-B", "N2-B"], name="link"),
    )
    if not shared:
        links = links.drop(columns=["contract_district", "contract_potential", "contract_used"])
    return make_data(
        {"B": [150.0]},
        sources=sources,
        links=links,
        availability=pd.DataFrame({"s1": [1.0], "s2": [1.0]}),
        externals=["N1", "N2"],
        mode="expand",
    )


@pytest.mark.parametrize(
    "used, shared, added, unserved",
    [(0.0, True, 100.0, 50.0), (30.0, True, 70.0, 80.0), (0.0, False, 150.0, 0.0)],
)
def test_a_districts_interfaces_share_its_import_contract_potential(used, shared, added, unserved):
    """Serving B's 150 MW over the interfaces costs 1 (annuity) + 10 (supply) CNY per MW against VoLL 1,000, so the
    LP adds all the contract capacity it may. I8 caps the two interfaces together at the potential, 100 MW, less
    what earlier years built (``used``): 100 MW added and 50 MW unserved, objective 100 x 11 + 50 x 1,000 = 51,100;
    with 30 MW built before, 70 added and 80 unserved: 70 x 11 + 80 x 1,000 = 80,770. Without the shared budget
    (each interface holding the whole potential, as before) the two add 150 MW and serve the load: 150 x 11 =
    1,650."""
    built, outcome, out = run(_contract_case(used, shared))
    added_mw = sum(v.value for v in built.model.link_new.values())
    assert added_mw == pytest.approx(added, abs=1e-6)
    assert out["balance"]["unserved_mw"].sum() == pytest.approx(unserved, abs=1e-6)
    assert outcome.objective / COST_SCALE == pytest.approx(added * 11 + unserved * 1000, rel=1e-9)
    assert len(built.model.contract_potential) == (1 if shared else 0)


def test_fixed_price_node_sells_at_its_flat_price_within_its_derate():
    """The fixed-price boundary on a factory case (no province data): node Guangdong_grid sells up to 1,000 MW at
    453 CNY/MWh, derated to 0.75 in hour 1; one 800 MW interface into A (load 700, 800); A's gas 500 MW at 600.
    h0: 700 MW imported; h1: the derated 750 imported, gas 50. Objective 1,450 x 453 + 50 x 600 = 686,850; prices
    453 then 600 (gas at the margin, the node's supply at its bound, so the node's price is the city's too). No
    province table, no province costs."""
    sources = pd.DataFrame(
        {
            "bus": ["Guangdong_grid"],
            "p_max": [1000.0],
            "price_cny_per_mwh": [453.0],
            "co2_t_per_mwh": [0.5],
            "clean": [False],
        },
        index=pd.Index(["guangdong_grid"], name="source"),
    )
    links = pd.DataFrame(
        {
            "bus0": ["Guangdong_grid"],
            "bus1": ["A"],
            "p_nom": [800.0],
            "efficiency": [1.0],
            "p_nom_max": [800.0],
            "annuity": [0.0],
        },
        index=pd.Index(["Guangdong_grid-A"], name="link"),
    )
    gas = with_marginal_cost(thermal([{"unit": "gas", "bus": "A", "p_nom": 500.0}]), {"gas": 600.0})
    data = make_data(
        {"A": [700.0, 800.0]},
        thermal_units=gas,
        sources=sources,
        links=links,
        availability=pd.DataFrame({"guangdong_grid": [1.0, 0.75]}),
        externals=["Guangdong_grid"],
        boundary="fixed_price",
    )
    built, outcome, out = run(data)
    assert outcome.objective / COST_SCALE == pytest.approx(686_850.0, rel=1e-9)
    prices = out["prices"].pivot(index="hour", columns="bus", values="price_cny_per_mwh")
    assert prices["A"].tolist() == pytest.approx([453.0, 600.0], rel=1e-9)
    assert prices["Guangdong_grid"].tolist() == pytest.approx([453.0, 600.0], rel=1e-9)
    assert "province" not in out
    assert set(out["costs"]["area"]) == {"city"}
    k = kpis(out, built.data)
    assert k["cost_cny"] == pytest.approx(686_850.0, rel=1e-9) and k["system_cost_cny"] == k["cost_cny"]
    assert k["imports_mwh"] == pytest.approx(1450.0, abs=1e-6)
    assert k["co2_t"] == pytest.approx(1450 * 0.5 + 50 * 0.4, rel=1e-9)


#: a summer week of the shipped data, and the objective (MCNY) the model without the province gave on it: main at
#: 7312400, ``solve_case(tables, Scenario(year=year, mode="check", start_hour=5163, hours=168))``
WEEK = dict(start_hour=5163, hours=168)
MAIN_OBJECTIVE = {2030: 2165.5188296622086, 2025: 1365.588922775736}


@pytest.mark.parametrize("year", [2030, 2025])
def test_fixed_price_week_reproduces_the_model_before_the_province(tables, year):
    """The fixed-price boundary is the model before the province was added: the same objective on a summer week
    to 1e-9 (relative), and none of the province's components or tables."""
    from gzpower.scenario.scenario import Scenario
    from gzpower.studies.run import solve_case

    result = solve_case(tables, Scenario(year=year, mode="check", boundary="fixed_price", **WEEK))
    assert result.objective == pytest.approx(MAIN_OBJECTIVE[year], rel=1e-9)
    assert "province" not in result.tables
    assert not (result.tables["dispatch"]["bus"] == P).any()
    assert set(result.tables["prices"]["bus"]) >= {"Guangdong_grid", "West_East_clean"}


@pytest.fixture(scope="module")
def province_day(tables):
    from gzpower.scenario.scenario import Scenario
    from gzpower.studies.run import solve_case

    return solve_case(tables, Scenario(year=2030, mode="check", start_hour=4800, hours=24))


def test_province_boundary_on_the_shipped_data(tables, province_day):
    """The shipped 2030 data with the province boundary: Guangdong_grid is gone, its five interfaces run both ways
    from the province bus, West_East_clean stays; the West-to-East supply into the province takes at least its
    must-take share in every hour; the balance at the province bus closes; the city's capacity targets read the
    same as with the fixed price (the province's fleet counts toward none)."""
    from gzpower.scenario.scenario import Scenario
    from gzpower.studies.run import solve_case

    d, out = province_day.data, province_day.tables
    assert P in d.externals and "Guangdong_grid" not in d.externals and "West_East_clean" in d.externals
    from_province = d.links[d.links["bus0"] == P]
    assert len(from_province) == 5 and from_province["bidirectional"].all()
    assert not d.links.loc[d.links["bus0"] == "West_East_clean", "bidirectional"].any()
    assert "guangdong_grid" not in d.import_sources.index
    src = d.import_sources.loc["west_east_province"]
    taken = out["dispatch"].query("element == 'west_east_province'")["p_mw"].to_numpy()
    floor = src["min_take"] * src["p_max"] * d.import_availability["west_east_province"].to_numpy()
    assert src["min_take"] > 0 and (taken >= floor - 1e-6).all()
    assert set(d.province["technology"]) == set(tables["province_fleet"].query("year == 2030")["technology"])
    prices = out["prices"].query("bus == @P")["price_cny_per_mwh"].to_numpy()
    assert prices == pytest.approx(out["province"]["price_cny_per_mwh"].to_numpy(), rel=1e-12)
    assert np.isfinite(prices).all()
    fixed = solve_case(tables, Scenario(year=2030, mode="check", start_hour=4800, hours=24, boundary="fixed_price"))
    targets = ["gas_capacity", "re_capacity", "storage_capacity", "coal"]
    province_tc = out["target_check"].set_index("id").loc[targets, "reached"]
    fixed_tc = fixed.tables["target_check"].set_index("id").loc[targets, "reached"]
    assert province_tc.to_numpy() == pytest.approx(fixed_tc.to_numpy(), rel=1e-12)
    k = province_day.kpis
    assert k["system_cost_cny"] > k["cost_cny"]  # the province's fleet is in the objective, not in the city's cost
    assert province_day.objective == pytest.approx(k["system_cost_cny"] * COST_SCALE, rel=1e-9)


def test_import_scale_moves_the_interfaces_and_import_supply_scale_the_sources(tables):
    """``import_scale`` multiplies the interfaces' transfer capability only, ``import_supply_scale`` the sources'
    capability only (each source's p_max, the province's West-to-East supply included)."""
    from gzpower.model.data import family_inputs
    from gzpower.scenario.scenario import Scenario

    base, _ = family_inputs(tables, Scenario(year=2030, hours=24), "imports")
    interfaces, _ = family_inputs(tables, Scenario(year=2030, hours=24, import_scale=0.5), "imports")
    supply, _ = family_inputs(tables, Scenario(year=2030, hours=24, import_supply_scale=0.5), "imports")
    assert interfaces["links"]["p_nom"].to_numpy() == pytest.approx(0.5 * base["links"]["p_nom"].to_numpy())
    assert interfaces["import_sources"]["p_max"].to_numpy() == pytest.approx(base["import_sources"]["p_max"])
    assert supply["import_sources"]["p_max"].to_numpy() == pytest.approx(0.5 * base["import_sources"]["p_max"])
    assert supply["links"]["p_nom"].to_numpy() == pytest.approx(base["links"]["p_nom"].to_numpy())
    # in expand mode every interface may take its district's whole potential, all of them together no more (I8)
    expand, _ = family_inputs(tables, Scenario(year=2030, hours=24, mode="expand"), "imports")
    links = expand["links"]
    assert (links["p_nom_max"] - links["p_nom"]).to_numpy() == pytest.approx(links["contract_potential"].to_numpy())
    assert set(links["contract_potential"]) == {2000.0}
    assert links.groupby("contract_district").size().max() == 2


@pytest.mark.parametrize(
    "extra, option",
    [(["--boundary", "nowhere"], "--boundary"), (["--import-supply-scale", "-1"], "--import-supply-scale")],
)
def test_bad_boundary_options_are_one_line_errors(extra, option, tmp_path, capsys):
    """A boundary that is not province or fixed_price, and a negative supply scale, are refused before any work:
    exit 2, one line naming the option."""
    from gzpower.cli import main

    argv = ["check", "--year", "2030", "--hours", "24", "--data", str(tmp_path / "none"), "--runs-dir", str(tmp_path)]
    code = main(argv + extra)
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert code == 2 and len(err) == 1 and option in err[0], err


def test_clean_import_lever_moves_the_citys_clean_supply_not_the_provinces():
    """``clean_import_scale`` is the West-to-East supply the city takes (at an external node); the West-to-East
    supply into the province (at the province bus) is the province's and keeps its capability."""
    from gzpower.scenario.levers import apply_levers
    from gzpower.scenario.scenario import Scenario

    tables = {
        "lines": pd.DataFrame({"line": ["a"], "s_nom_mw": [1000.0]}),
        "buses": pd.DataFrame({"bus": ["West_East_clean", P], "kind": ["external", "province"]}),
        "import_sources": pd.DataFrame(
            {
                "source": ["west_east_clean", "west_east_province"],
                "bus": ["West_East_clean", P],
                "p_max_mw": [4000.0, 41000.0],
                "price_cny_per_mwh": [330.0, 330.0],
                "clean": [True, True],
            }
        ),
    }
    out = apply_levers(tables, Scenario(clean_import_scale=0.5))
    assert out["import_sources"]["p_max_mw"].tolist() == [2000.0, 41000.0]
