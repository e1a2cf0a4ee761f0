"""Storage: the battery round trip applied once, battery costs from Chinese prices, a minimum duration for new
storage and reserve limited by the state of charge. Every optimum here is derived by hand in the test's
docstring."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest

from gzpower import assumptions as A
from gzpower.cli.args import OPTION_SPECS
from gzpower.errors import InputError
from gzpower.model.build import build_model
from gzpower.model.data import assemble, family_inputs
from gzpower.model.registry import COST_SCALE
from gzpower.results.extract import extract
from gzpower.scenario.scenario import Scenario
from gzpower.solve.highs import SolverSettings, solve
from gzpower.studies.run import solve_case
from tests.factory import make_data, storage, thermal, with_marginal_cost


def _run(data):
    built = build_model(data)
    outcome = solve(built.model, SolverSettings(algorithm="simplex"))
    assert outcome.status == "optimal", outcome.message
    return built, outcome, extract(built, outcome.duals)


def _cheap_and_dear(cheap_mw: float = 100.0, dear_mw: float = 100.0, dear_cost: float = 50.0):
    units = thermal([{"unit": "cheap", "bus": "A", "p_nom": cheap_mw}, {"unit": "dear", "bus": "A", "p_nom": dear_mw}])
    return with_marginal_cost(units, {"cheap": 10.0, "dear": dear_cost})


# --- 1. the round trip is applied once ---------------------------------------------------------------------------


def test_technologies_hold_the_efficiency_of_one_leg(tables):
    """technologies.csv's battery_power efficiency is per leg: its square is the assumed round trip (to the nine
    significant digits the csv keeps)."""
    tech = tables["technologies"]
    for year in (2025, 2030):
        leg = float(tech[(tech["tech"] == "battery_power") & (tech["year"] == year)]["efficiency"].iloc[0])
        assert leg**2 == pytest.approx(A.BATTERY_ROUND_TRIP_EFFICIENCY, abs=1e-9)


def test_model_batteries_take_the_leg_as_it_is(tables):
    """The model's batteries charge and discharge at that leg: round trip eta_c * eta_d = 0.88, not sqrt(0.88)."""
    parts, _ = family_inputs(tables, Scenario(year=2030, hours=24, start_hour=4800), "storage")
    batteries = parts["storage"][parts["storage"]["carrier"] == "battery"]
    assert len(batteries) == 11
    round_trip = batteries["eff_charge"] * batteries["eff_discharge"]
    assert round_trip.to_numpy() == pytest.approx(A.BATTERY_ROUND_TRIP_EFFICIENCY, abs=1e-9)


def test_battery_arbitrage_round_trip_is_exactly_the_assumed_one(tables):
    """One bus, two hours (cyclic), load 50 then 150 MW; cheap 10 CNY/MWh up to 100 MW, dear 50 CNY/MWh; one
    battery of 40 MW / 100 MWh with the model's own per-leg efficiency (from the storage inputs).

    By hand: every MWh discharged in hour 1 displaces 50 CNY of dear output and costs 10 / 0.88 = 11.4 CNY of cheap
    charging in hour 0, so the battery charges at its full 40 MW in hour 0 (cheap has 50 MW spare) and discharges
    0.88 x 40 = 35.2 MW in hour 1 (below its 40 MW; the state peaks at sqrt(0.88) x 40 = 37.5 MWh <= 100).
    Objective: hour 0 cheap 90 MW x 10 = 900; hour 1 cheap 100 x 10 = 1,000 and dear (150 - 100 - 35.2) x 50 = 740;
    2,640 CNY. With the leg taken as sqrt(sqrt(0.88)) (the round trip 0.938) dear would run 12.48 MW: 2,524 CNY.
    """
    parts, _ = family_inputs(tables, Scenario(year=2030, hours=24, start_hour=4800), "storage")
    leg = float(parts["storage"].loc["battery_Tianhe", "eff_charge"])
    assert leg == pytest.approx(math.sqrt(0.88), abs=1e-9)
    st = storage([{"id": "bat", "bus": "A", "p_nom": 40.0, "e_nom": 100.0, "eff_charge": leg, "eff_discharge": leg}])
    _, outcome, out = _run(make_data({"A": [50.0, 150.0]}, thermal_units=_cheap_and_dear(), storage_units=st))
    flows = out["storage"]
    charged, discharged = flows["charge_mw"].sum(), flows["discharge_mw"].sum()
    assert charged == pytest.approx(40.0, abs=1e-9)
    assert discharged / charged == pytest.approx(0.88, abs=1e-9)
    assert outcome.objective / COST_SCALE == pytest.approx(2640.0, rel=1e-9)


# --- 2. battery costs from Chinese prices ------------------------------------------------------------------------


def test_battery_cost_assumptions_follow_from_the_facts_rows():
    """FACTS_PROVINCE.md section 5, in CNY/Wh: CEEC June 2025 2 h 0.4646 and 4 h 0.4249; 2 h November 2025 0.544;
    LFP EPC 1.07 against systems 0.59 (November 2024). The Foshan Shishan all-in 1.5 (0.6 bn CNY / 400 MWh) is not
    in the base case: no grid connection is added (the other technologies' capex carry none either).

    By hand: price per Wh = e + p/h through the CEEC pair gives p = 0.0397 / 0.25 = 0.1588 CNY/W; the 2025 2 h level
    (0.4646 + 0.544) / 2 = 0.5043 less p/2 = 0.0794 leaves e = 0.4249 CNY/Wh; EPC 1.07 - 0.59 = 0.48 CNY/Wh;
    connection 0."""
    power = (0.4646 - 0.4249) / (1 / 2 - 1 / 4)
    level_2h = (0.4646 + 0.544) / 2
    assert A.BATTERY_SYSTEM_POWER_CNY_PER_MW == pytest.approx(power * 1e6, abs=0.5)
    assert A.BATTERY_SYSTEM_ENERGY_CNY_PER_MWH == pytest.approx((level_2h - power / 2) * 1e6, abs=0.5)
    assert A.BATTERY_EPC_ADDER_CNY_PER_MWH == pytest.approx((1.07 - 0.59) * 1e6, abs=0.5)
    assert A.BATTERY_GRID_CONNECTION_CNY_PER_MW == 0.0


def _crf(years: float, rate: float = 0.06) -> float:
    return rate / (1 - (1 + rate) ** -years)


@pytest.mark.parametrize(
    "year, cny_per_wh_2h",
    [
        # 2025: 158,800 + 2 x (424,900 + 480,000) = 1,968,600 CNY/MW over 2 MWh
        (2025, 0.9843),
        # 2030: 0.8 x 158,800 + 2 x (0.8 x 424,900 + 480,000) = 1,766,880 CNY/MW over 2 MWh
        (2030, 0.88344),
    ],
)
def test_a_two_hour_battery_costs_the_hand_value(tables, year, cny_per_wh_2h):
    """A 2 h system's capex per Wh of the technologies table, and battery_power's annuity: its PCS annuitised over the
    costs csv's inverter lifetime (10 years) and its connection over BATTERY_GRID_CONNECTION_LIFETIME_YR (40 years),
    plus fixed O&M: in 2025 158,800 x CRF(6 %, 10) + 0 + fixed O&M = 21,575.8 CNY/MW/yr + fixed O&M
    (CRF(r, n) = r / (1 - (1 + r)^-n))."""
    tech = tables["technologies"].set_index(["tech", "year"])
    power, energy = tech.loc[("battery_power", year)], tech.loc[("battery_energy", year)]
    assert (power["capex_cny"] + 2 * energy["capex_cny"]) / 2 / 1e6 == pytest.approx(cny_per_wh_2h, rel=1e-9)
    factor = 1.0 if year == 2025 else A.BATTERY_SYSTEM_COST_FACTOR_2030
    pcs = A.BATTERY_SYSTEM_POWER_CNY_PER_MW * factor * _crf(10)
    connection = A.BATTERY_GRID_CONNECTION_CNY_PER_MW * _crf(A.BATTERY_GRID_CONNECTION_LIFETIME_YR)
    assert power["annuity_cny_per_yr"] == pytest.approx(pcs + connection + power["fom_cny_per_yr"], rel=1e-8)
    if year == 2025:
        assert power["annuity_cny_per_yr"] - power["fom_cny_per_yr"] == pytest.approx(21575.8, abs=0.1)
    assert "CEEC" in power["source"] and "Foshan" in energy["source"]


# --- 3. new storage holds at least its minimum duration --------------------------------------------------------------


def _storage_floor(mw: float) -> pd.DataFrame:
    return pd.DataFrame(
        [{"id": "storage_capacity", "year": 2030, "value": mw, "unit": "MW", "kind": "at_least", "tolerance": 0.0}]
    )


def test_expand_meets_a_storage_floor_with_energy_of_the_minimum_duration():
    """Expand, one bus, 24 h of a flat 50 MW load served by a 10 CNY/MWh unit; an extendable battery (up to 100 MW
    / 400 MWh, per-leg efficiency sqrt(0.88), 2 h minimum duration) whose energy is worth nothing here (flat price,
    losses); the plan's storage floor is 30 MW. Annuities 87,600 CNY/MW/yr and 43,800 CNY/MWh/yr, charged for
    24/8760 of a year: 240 CNY per MW and 120 CNY per MWh.

    By hand: the floor makes P = 30 MW and S14 E >= 2 h x 30 MW = 60 MWh; more costs more. Objective: fuel
    50 x 24 x 10 = 12,000 + 30 x 240 + 60 x 120 = 26,400 CNY. Without S14 the battery would hold 0 MWh (19,200)."""
    units = with_marginal_cost(thermal([{"unit": "g", "bus": "A", "p_nom": 100.0}]), {"g": 10.0})
    leg = math.sqrt(0.88)
    st = storage(
        [
            {
                "id": "bat",
                "bus": "A",
                "p_nom": 0.0,
                "e_nom": 0.0,
                "p_nom_max": 100.0,
                "e_nom_max": 400.0,
                "eff_charge": leg,
                "eff_discharge": leg,
                "annuity_p": 87600.0,
                "annuity_e": 43800.0,
                "min_duration_h": A.STORAGE_MIN_DURATION_H,
            }
        ]
    )
    data = make_data({"A": [50.0] * 24}, thermal_units=units, storage_units=st, mode="expand")
    data.targets = _storage_floor(30.0)
    built, outcome, _ = _run(data)
    m = built.model
    assert list(m.STORAGE_MIN_DURATION) == ["bat"]
    assert m.storage_new_p["bat"].value == pytest.approx(30.0, abs=1e-6)
    assert m.storage_new_e["bat"].value == pytest.approx(2.0 * 30.0, abs=1e-6)
    assert outcome.objective / COST_SCALE == pytest.approx(26400.0, rel=1e-9)


def test_shipped_expand_builds_no_battery_shorter_than_the_minimum(tables):
    """The shipped 2030 expansion over one summer day: the plan's 200 MW floor is met, and every new battery holds
    at least STORAGE_MIN_DURATION_H x its power (with 200 MW built, at least 400 MWh in all)."""
    result = solve_case(tables, Scenario(year=2030, mode="expand", hours=24, start_hour=4800))
    caps = result.tables["capacities"]
    batteries = caps[caps["technology"] == "battery_power"].set_index("element")["total"]
    energy = caps[caps["technology"] == "battery_energy"].set_index("element")["total"]
    energy.index = energy.index.str.removesuffix(":energy")
    assert batteries.sum() >= 200.0 - 1e-6
    assert (energy[batteries.index] >= A.STORAGE_MIN_DURATION_H * batteries - 1e-6).all()
    assert energy.sum() >= A.STORAGE_MIN_DURATION_H * 200.0 - 1e-6


def test_a_check_refuses_plan_batteries_shorter_than_the_minimum(tables):
    """A check's plan batteries hold storage_hours of energy: below STORAGE_MIN_DURATION_H they are refused, from
    Python as from the command line (the option's spec)."""
    with pytest.raises(InputError, match="storage_hours: 1 h of energy per MW of new storage is below"):
        family_inputs(tables, Scenario(year=2030, hours=24, storage_hours=1.0), "storage")
    parts, _ = family_inputs(tables, Scenario(year=2030, hours=24, storage_hours=A.STORAGE_MIN_DURATION_H), "storage")
    batteries = parts["storage"][parts["storage"]["carrier"] == "battery"]
    assert batteries["e_nom"].sum() == pytest.approx(A.STORAGE_MIN_DURATION_H * 200.0)
    with pytest.raises(InputError, match=">= 2"):
        OPTION_SPECS["storage_hours"].check(1.5)


# --- 4. the reserve storage offers is limited by its state of charge ----------------------------------------------


def _reserve_case(initial_soc: float):
    """One bus, one hour (not cyclic: the battery starts from ``initial_soc``), load 300 MW, spinning reserve 10 % of
    load = 30 MW. Energy: an import at 20 CNY/MWh over a 300 MW interface (imports offer no reserve). Reserve: a
    battery of 50 MW / 100 MWh (legs 0.9), and an extendable peaker (up to 100 MW, 100 CNY/MWh, annuity 438,000
    CNY/MW/yr: 50 CNY per MW for this hour) whose idle capacity counts as headroom."""
    peaker = thermal([{"unit": "peaker", "bus": "A", "p_nom": 0.0, "annuity": 438000.0}])
    peaker["p_nom_max"] = 100.0
    st = storage([{"id": "bat", "bus": "A", "p_nom": 50.0, "e_nom": 100.0, "eff_charge": 0.9, "eff_discharge": 0.9}])
    sources = pd.DataFrame(
        {"bus": ["EXT"], "p_max": [1000.0], "price_cny_per_mwh": [20.0], "co2_t_per_mwh": [0.5], "clean": [False]},
        index=pd.Index(["grid"], name="source"),
    )
    links = pd.DataFrame(
        {"bus0": ["EXT"], "bus1": ["A"], "p_nom": [300.0], "efficiency": [1.0], "p_nom_max": [300.0], "annuity": [0.0]},
        index=pd.Index(["EXT-A"], name="link"),
    )
    return make_data(
        {"A": [300.0]},
        thermal_units=with_marginal_cost(peaker, {"peaker": 100.0}),
        storage_units=st,
        sources=sources,
        links=links,
        externals=["EXT"],
        availability=pd.DataFrame({"grid": [1.0]}),
        mode="expand",
        reserve_share=0.1,
        cyclic=False,
        initial_soc={"bat": initial_soc},
    )


def test_reserve_from_a_battery_is_what_its_state_of_charge_sustains():
    """The battery starts the hour with 20 MWh: it offers 0.9 x 20 MWh / 1 h = 18 MW (S16), below its 50 MW of power
    headroom (S15, the old limit), and the peaker is built for the other 30 - 18 = 12 MW.

    By hand: discharging d MW saves 20 d of import but cuts the offer by d, which the peaker makes up at 50 per MW;
    charging needs energy beyond the full interface, i.e. from the peaker at 100 CNY/MWh plus capacity. So the battery
    idles. Objective: 300 MWh x 20 = 6,000 + 12 MW x 50 = 600: 6,600 CNY (with the old limit, 6,000)."""
    built, outcome, out = _run(_reserve_case(initial_soc=20.0))
    assert out["storage"]["reserve_mw"].tolist() == pytest.approx([0.9 * 20.0], abs=1e-9)
    assert built.model.thermal_new["peaker"].value == pytest.approx(30.0 - 18.0, abs=1e-9)
    assert outcome.objective / COST_SCALE == pytest.approx(6600.0, rel=1e-9)


def test_an_empty_battery_offers_no_reserve():
    """The same hour with the battery empty: however large its power, it sustains no reserve, so the peaker is built
    for all 30 MW. Charging to offer reserve would take peaker energy (100 CNY/MWh for 0.81 MW of offer per MW
    charged, plus its capacity), dearer than 50 CNY per MW of peaker headroom.

    By hand: 6,000 CNY of import + 30 MW x 50 = 1,500: 7,500 CNY (with the old limit the empty battery covered all
    30 MW: 6,000)."""
    built, outcome, out = _run(_reserve_case(initial_soc=0.0))
    assert out["storage"]["reserve_mw"].tolist() == pytest.approx([0.0], abs=1e-9)
    assert out["storage"]["charge_mw"].tolist() == pytest.approx([0.0], abs=1e-9)
    assert built.model.thermal_new["peaker"].value == pytest.approx(30.0, abs=1e-9)
    assert outcome.objective / COST_SCALE == pytest.approx(7500.0, rel=1e-9)


def test_no_reserve_variables_without_a_reserve_requirement():
    data = _reserve_case(initial_soc=20.0)
    data.scenario = replace(data.scenario, reserve_share=0.0)
    built, outcome, out = _run(data)
    assert len(built.model.storage_reserve) == 0 and len(built.model.storage_reserve_energy) == 0
    assert out["storage"]["reserve_mw"].tolist() == [0.0]
    assert outcome.objective / COST_SCALE == pytest.approx(6000.0 - 0.9 * 20.0 * 20.0, rel=1e-9)


def test_reserve_with_representative_days_rests_on_every_calendar_day(tables):
    """An aggregated expansion (two representative days standing for the year): in every hour each store's offer is
    within eta_d x (its intra-day state + the lowest inter-day level of the calendar days that hour's day stands
    for), read back from the solved variables, and within its power headroom."""
    data = assemble(tables, Scenario(year=2030, mode="expand", periods=2))
    built, _, _ = _run(data)
    m, st = built.model, data.storage
    tau, period = A.RESERVE_DURATION_H, data.period_of_hour()
    assert len(m.storage_reserve) == len(st) * data.n_hours > 0
    for s in st.index:
        lowest = {}
        for day, p in enumerate(data.chronology):
            lowest[int(p)] = min(lowest.get(int(p), math.inf), m.storage_soc_inter[s, day].value)
        eta, p_total = float(st.at[s, "eff_discharge"]), float(st.at[s, "p_nom"])
        if s in m.STORAGE_EXT:
            p_total += m.storage_new_p[s].value
        for t in range(data.n_hours):
            r = m.storage_reserve[s, t].value
            assert tau * r <= eta * (m.storage_soc[s, t].value + lowest[int(period[t])]) + 1e-6
            assert r <= p_total - m.storage_discharge[s, t].value + m.storage_charge[s, t].value + 1e-6
