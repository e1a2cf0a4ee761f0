"""The component families and the registries they fill: the balance table written from the injections, the
capacity registry behind the plan floors, the target check, myopic inheritance and the Benders labels, and the
explicit ``extendable`` column."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from gzpower.model import families
from gzpower.model.build import BuiltModel, build_model
from gzpower.model.data import assemble, family_inputs
from gzpower.model.registry import COST_SCALE, TARGET_TECHNOLOGIES, by_technology
from gzpower.results.built import built_capacities
from gzpower.results.extract import extract
from gzpower.scenario.scenario import Scenario
from gzpower.solve.benders import capacities_of
from gzpower.solve.highs import SolverSettings, solve
from gzpower.studies.run import solve_case
from tests.factory import make_data, storage, thermal, with_marginal_cost

DAY = dict(hours=24, start_hour=4800)
BALANCE_KEYS = ("hour", "timestamp", "bus", "load_mw", "weight", "price_cny_per_mwh")
WITHDRAWALS = ("storage_charge_mw",)


def _solved(built: BuiltModel):
    outcome = solve(built.model, SolverSettings(algorithm="simplex"))
    assert outcome.status == "optimal", outcome.message
    return outcome, extract(built, outcome.duals)


def _targets(**values) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"id": k, "year": 2030, "value": v, "unit": "MW", "kind": "at_least", "tolerance": 0.0}
            for k, v in values.items()
        ]
    )


def _expandable_gas(annuity: float = 8760.0) -> pd.DataFrame:
    units = thermal(
        [
            {"unit": "ccgt", "bus": "A", "p_nom": 10.0, "annuity": annuity, "status": "generic"},
            {"unit": "wte", "bus": "A", "p_nom": 5.0, "carrier": "waste", "technology": "WtE"},
        ]
    )
    units.loc["ccgt", "p_nom_max"] = 30.0  # the factory's rows stand at p_nom: this one may grow to 30 MW
    return with_marginal_cost(units, {"ccgt": 20.0, "wte": 5.0})


@pytest.fixture(scope="module")
def check_day(tables):
    return solve_case(tables, Scenario(year=2030, **DAY), SolverSettings())


def test_balance_columns_are_the_registered_injections_and_close(tables, check_day):
    built = build_model(check_day.data)
    # the province's own injections (its fleet, stores and unserved energy) land in the province table
    city = [inj for inj in built.registry.injections if not inj.name.startswith("province_")]
    columns = list(dict.fromkeys(inj.column for inj in city))
    bal = check_day.tables["balance"]
    assert [c for c in bal.columns if c not in BALANCE_KEYS] == columns
    assert columns == [
        "thermal_mw",
        "renewables_mw",
        "storage_discharge_mw",
        "storage_charge_mw",
        "dr_shed_mw",
        "dr_shift_mw",
        "imports_mw",
        "line_net_in_mw",
        "unserved_mw",
    ]
    # Kirchhoff's current law per district and hour, written from the table alone
    net = sum(-bal[c] if c in WITHDRAWALS else bal[c] for c in columns)
    assert np.abs(net - bal["load_mw"]).max() < 1e-6
    # the city's imports are what its interfaces carried in, from the external nodes and the province (lossless in
    # the shipped data); the province bus closes its own balance
    flows = check_day.tables["flows"]
    received = flows[flows["kind"] == "interface"].groupby("hour")["flow_mw"].sum()
    assert bal.groupby("hour")["imports_mw"].sum().to_numpy() == pytest.approx(received.to_numpy(), abs=1e-6)
    province = check_day.tables["province"]
    terms = [c for c in province.columns if c not in BALANCE_KEYS]
    net = sum(-province[c] if c in WITHDRAWALS else province[c] for c in terms)
    assert np.abs(net - province["load_mw"]).max() < 1e-6


def test_balance_table_of_a_hand_case():
    # load A 120 MW, B 20 MW; the cheap unit sits in B, the line B->A carries at most 50 MW: B's unit runs at
    # 20 + 50 = 70 MW, A's dear unit covers the other 70 MW
    units = with_marginal_cost(
        thermal([{"unit": "cheap", "bus": "B", "p_nom": 100.0}, {"unit": "dear", "bus": "A", "p_nom": 100.0}]),
        {"cheap": 10.0, "dear": 30.0},
    )
    lines = pd.DataFrame({"bus0": ["B"], "bus1": ["A"], "x_ohm": [1.0], "s_nom_mw": [50.0]}, index=["B-A"])
    d = make_data({"A": [120.0], "B": [20.0]}, thermal_units=units, lines=lines)
    outcome, out = _solved(build_model(d))
    bal = out["balance"].set_index("bus")
    assert bal.at["A", "thermal_mw"] == pytest.approx(70.0, abs=1e-6)
    assert bal.at["A", "line_net_in_mw"] == pytest.approx(50.0, abs=1e-6)
    assert bal.at["B", "thermal_mw"] == pytest.approx(70.0, abs=1e-6)
    assert bal.at["B", "line_net_in_mw"] == pytest.approx(-50.0, abs=1e-6)
    assert bal["unserved_mw"].abs().max() < 1e-6
    assert outcome.objective / COST_SCALE == pytest.approx(70 * 10 + 70 * 30, rel=1e-9)


def test_capacity_records_of_a_hand_case():
    st = storage([{"id": "bat", "bus": "A", "p_nom": 2.0, "e_nom": 4.0, "p_nom_max": 6.0}])
    built = build_model(make_data({"A": [12.0]}, thermal_units=_expandable_gas(), storage_units=st))
    records = {(r.element, r.unit): r for r in built.registry.capacities}
    assert [(r.family, r.technology) for r in records.values()] == [
        ("thermal", "gas_ccgt"),
        ("thermal", "waste"),
        ("storage", "battery_power"),
        ("storage", "battery_energy"),
        ("demand_response", "dr_peak"),
    ]
    ccgt = records["ccgt", "MW"]
    assert ccgt.extendable and ccgt.added is built.model.thermal_new and ccgt.existing == 10.0
    assert not records["wte", "MW"].extendable and records["wte", "MW"].added is None
    # battery power and energy share the store's decision flag; energy has its own variable
    assert records["bat", "MW"].added is built.model.storage_new_p
    assert records["bat:energy", "MWh"].added is built.model.storage_new_e
    assert built.registry.installed(TARGET_TECHNOLOGIES["re_capacity"]) == 5.0  # waste only, nothing extendable


def test_plan_floor_from_the_registry_whatever_the_builder_order(monkeypatch):
    # gas floor 25 MW on 10 MW standing gas: the least-cost answer adds exactly 15 MW (its annuity makes more
    # dearer); the waste unit is not gas and does not count
    d = make_data({"A": [12.0]}, thermal_units=_expandable_gas(), mode="expand")
    d = replace(d, targets=_targets(gas_capacity=25.0))
    outcome, out = _solved(build_model(d))
    caps = out["capacities"].set_index("element")
    assert caps.at["ccgt", "added"] == pytest.approx(15.0, abs=1e-6)
    # dispatch 5 MW waste at 5 + 7 MW gas at 20; 15 MW added at 8760 CNY/MW-yr for one hour of the year; the
    # generic block's standing 10 MW charged its annuity as the plan's investment
    assert outcome.objective / COST_SCALE == pytest.approx(5 * 5 + 7 * 20 + 15.0 + 10.0, rel=1e-9)
    # the families in reverse order (system terms still last) give the same optimum
    monkeypatch.setattr(families, "FAMILIES", tuple(reversed(families.FAMILIES)))
    reordered = build_model(d)
    again = solve(reordered.model, SolverSettings(algorithm="simplex"))
    assert again.objective == pytest.approx(outcome.objective, rel=1e-9)
    assert reordered.model.thermal_new["ccgt"].value == pytest.approx(15.0, abs=1e-6)


def test_target_check_counts_renewables_and_waste_once(check_day):
    caps, tc = check_day.tables["capacities"], check_day.tables["target_check"].set_index("id")
    caps = caps[caps["family"] != "province"]  # the rest of the province counts toward no city target
    by_family = caps[caps["family"] == "renewables"]["total"].sum()
    waste = caps[(caps["family"] == "thermal") & (caps["carrier"] == "waste")]["total"].sum()
    assert tc.at["re_capacity", "reached"] == pytest.approx(by_family + waste, rel=1e-12)
    gas = caps[(caps["family"] == "thermal") & (caps["carrier"] == "gas")]["total"].sum()
    assert tc.at["gas_capacity", "reached"] == pytest.approx(gas, rel=1e-12)
    batteries = caps[(caps["carrier"] == "battery") & (caps["unit"] == "MW")]["total"].sum()
    assert tc.at["storage_capacity", "reached"] == pytest.approx(batteries, rel=1e-12)


def test_capacities_carrier_holds_only_carriers(check_day):
    caps = check_day.tables["capacities"]
    province = caps[caps["family"] == "province"]
    assert set(province["carrier"].dropna()) == {"coal", "gas", "nuclear", "battery", "pumped_hydro"}
    assert province["technology"].str.startswith("province_").all()
    caps = caps[caps["family"] != "province"]
    carriers = set(caps["carrier"].dropna())
    assert carriers == {"gas", "coal", "waste", "battery", "pumped_hydro"}
    assert caps.loc[caps["family"].isin(["renewables", "demand_response", "imports"]), "carrier"].isna().all()
    assert set(caps.loc[caps["family"] == "imports", "technology"]) == {"import_interface", "import_source"}
    assert set(caps.loc[caps["unit"] == "MWh", "technology"]) == {"battery_energy", "pumped_hydro_energy"}
    # dispatch names the same technologies as the capacities (its carrier column keeps its old labels)
    disp = check_day.tables["dispatch"]
    disp = disp[disp["family"] != "province"]
    assert set(disp["technology"]) == set(caps.loc[caps["unit"] == "MW", "technology"]) - {
        "battery_power",
        "pumped_hydro",
        "dr_peak",
        "import_interface",
    }


def test_extendable_is_an_explicit_column(tables):
    expand = assemble(tables, Scenario(year=2030, mode="expand", **DAY))
    check = assemble(tables, Scenario(year=2030, **DAY))
    for name in ("thermal", "renewables", "storage", "demand_response", "links"):
        flags = getattr(expand, name)["extendable"]
        assert flags.dtype == bool and flags.any(), name
        assert not getattr(check, name)["extendable"].any(), name
    st = expand.storage
    by_rule = (st["p_nom_max"] > st["p_nom"] + 1e-9) | (st["e_nom_max"] > st["e_nom"] + 1e-9)
    assert (st["extendable"] == by_rule).all()
    # a hand-made table without the column gets it from its capacities
    d = make_data({"A": [1.0]}, thermal_units=_expandable_gas())
    assert d.thermal["extendable"].to_dict() == {"ccgt": True, "wte": False}
    # the flag alone makes no decision: an element flagged but without room to grow gets no variable
    d.thermal.loc["wte", "extendable"] = True
    d.thermal.loc["ccgt", "p_nom_max"] = 10.0
    assert list(build_model(d).model.THERMAL_EXT) == []
    d.thermal.loc["ccgt", "p_nom_max"] = 30.0
    assert list(build_model(d).model.THERMAL_EXT) == ["ccgt"]


def test_family_inputs_alone_equal_the_assembled_tables(tables):
    sc = Scenario(year=2025, **DAY)
    d = assemble(tables, sc)
    parts, ctx = family_inputs(tables, sc, "storage")
    pd.testing.assert_frame_equal(parts["storage"], d.storage)
    parts, ctx = family_inputs(tables, sc, "demand_response")
    pd.testing.assert_frame_equal(parts["demand_response"], d.demand_response)
    assert ctx.peak == d.peak_load_mw
    with pytest.raises(ValueError, match="unknown family"):
        family_inputs(tables, sc, "nuclear")


def test_built_capacities_include_import_interfaces():
    caps = pd.DataFrame(
        {
            "technology": ["import_interface", "import_interface", "gas_ccgt", "battery_energy", "pv_rooftop"],
            "location": ["G-Baiyun", "W-Baiyun", "Huadu", "Tianhe", "Tianhe"],
            "added": [300.0, 1e-8, 120.0, 400.0, 0.0],
        }
    )
    assert built_capacities(caps) == {
        ("import_interface", "G-Baiyun"): 300.0,
        ("gas_ccgt", "Huadu"): 120.0,
        ("battery_energy", "Tianhe"): 400.0,
    }


def test_an_inherited_interface_stands(tables):
    link = "Guangdong_grid-Baiyun"
    base = Scenario(year=2030, mode="expand", **DAY)
    before = assemble(tables, base).links
    after = assemble(tables, replace(base, inherited={("import_interface", link): 300.0})).links
    assert after.at[link, "p_nom"] == pytest.approx(before.at[link, "p_nom"] + 300.0, abs=1e-9)
    # the contract potential still bounds the total: the largest size does not move up by what was inherited
    assert after.at[link, "p_nom_max"] == pytest.approx(before.at[link, "p_nom_max"], abs=1e-9)
    others = after.index != link
    pd.testing.assert_series_equal(after.loc[others, "p_nom"], before.loc[others, "p_nom"])


def test_benders_labels_from_the_capacity_registry(tables):
    built = build_model(assemble(tables, Scenario(year=2030, mode="expand", hours=1, start_hour=4800)))
    plan = {key: 1.0 for key in capacities_of(built.model, built.registry.investments)}
    totals = by_technology(plan, built.registry)
    ext = built.data.renewables["extendable"]
    assert totals["pv_rooftop (MW)"] == float((built.data.renewables.loc[ext, "tech"] == "pv_rooftop").sum())
    assert (
        totals["battery_power (MW)"] == totals["battery_energy (MWh)"] == float(built.data.storage["extendable"].sum())
    )
    assert totals["import_interface (MW)"] == float(built.data.links["extendable"].sum())
    assert sum(totals.values()) == len(plan)
