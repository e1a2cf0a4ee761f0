"""CHP must-run (thermal T13): the heat-led floor by season, minimum stable output on for CHP units by default, the
switch that drops both, and the CHP flags read from the GEM trackers.

The hand-made cases fix the seasonal floors with ``monkeypatch`` (winter 0.6, shoulder 0.5, summer 0.3 of
available capacity), so each derivation below is arithmetic on numbers written in the test, not on the shipped
assumptions; the shipped assumptions are checked for what their rationale claims.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gzpower import assumptions as A
from gzpower.errors import InputError
from gzpower.model import thermal as T
from gzpower.model.build import build_model
from gzpower.model.data import assemble
from gzpower.model.registry import COST_SCALE
from gzpower.pipeline.grid import GEM_GAS_FILE, gem_coal_units, gem_gas_units
from gzpower.results.extract import extract
from gzpower.scenario.plan import parse_plan
from gzpower.scenario.scenario import Scenario
from gzpower.solve.diagnose import diagnose
from gzpower.solve.highs import SolverSettings, solve
from tests.factory import make_data, thermal, with_marginal_cost

from .conftest import RAW

WINTER, SHOULDER, SUMMER = 0.6, 0.5, 0.3
JAN, APR, JUL = pd.Timestamp("2030-01-07 00:00"), pd.Timestamp("2030-04-07 00:00"), pd.Timestamp("2030-07-07 00:00")

#: the raw public files, present beside the project on a developer's machine and in CI, absent in a bare clone
RAW_DIR = Path(__file__).parents[1] / ".." / "shared" / "data" / "raw"


@pytest.fixture
def floors(monkeypatch):
    for season, value in (("winter", WINTER), ("shoulder", SHOULDER), ("summer", SUMMER)):
        monkeypatch.setitem(T.CHP_HEAT_FLOOR, season, value)


def _fleet(availability: float = 0.9, **chp) -> pd.DataFrame:
    """A 200 MW non-CHP unit at 10 CNY/MWh (it could serve the whole load alone) and a 100 MW CHP unit at 50
    CNY/MWh with minimum stable output 0.4."""
    units = thermal(
        [
            {"unit": "cheap", "bus": "A", "p_nom": 200.0, "min_stable": 0.4},
            {"unit": "chp", "bus": "A", "p_nom": 100.0, "availability": availability, "min_stable": 0.4, **chp},
        ]
    )
    units["chp"] = [False, True]
    return with_marginal_cost(units, {"cheap": 10.0, "chp": 50.0})


def _data(load: list[float], stamps: list[pd.Timestamp], units: pd.DataFrame, **scenario):
    d = make_data({"A": load}, thermal_units=units, **scenario)
    d.timestamps = pd.DatetimeIndex(stamps)
    return d


def _run(d):
    """Build and solve; the model, the objective in CNY and the output per hour x unit (groups split into units)."""
    built = build_model(d)
    outcome = solve(built.model, SolverSettings(algorithm="simplex"))
    assert outcome.status == "optimal", outcome.message
    dispatch = extract(built, outcome.duals)["dispatch"].pivot(index="hour", columns="element", values="p_mw")
    return built, outcome.objective / COST_SCALE, dispatch


@pytest.mark.parametrize("availability, floor_mw", [(0.9, 54.0), (0.5, 30.0)])
def test_chp_unit_stays_at_its_heat_floor_though_a_cheaper_unit_could_serve_the_load(floors, availability, floor_mw):
    """One winter hour, load 100 MW. The cheap unit alone could serve it at 10 x 100 = 1,000 CNY; the CHP unit's
    floor is max(m, phi_winter) a P = max(0.4, 0.6) x a x 100 MW: 54 MW at a = 0.9, 30 MW at a = 0.5 (the floor
    follows the available capacity, so a derated unit is held lower). The cheap unit serves the rest:
    objective 50 x floor + 10 x (100 - floor) = 3,160 CNY at a = 0.9, 1,700 CNY at a = 0.5; the price is the cheap
    unit's 10 CNY/MWh (the CHP unit is held above its merit order, not at the margin)."""
    built, objective, p = _run(_data([100.0], [JAN], _fleet(availability)))
    assert p.at[0, "chp"] == pytest.approx(floor_mw, abs=1e-6)
    assert p.at[0, "cheap"] == pytest.approx(100.0 - floor_mw, abs=1e-6)
    assert objective == pytest.approx(50 * floor_mw + 10 * (100 - floor_mw), rel=1e-9)
    assert list(built.model.THERMAL_CHP_FLOOR) == [("chp", 0)]  # only the CHP unit, and no T6 row without the flag
    assert len(built.model.thermal_min_stable) == 0


def test_switch_off_drops_the_floor_by_the_hand_derived_amount(floors):
    """The same hour with chp_must_run off: the CHP unit is free, the cheap unit serves all 100 MW: 1,000 CNY.
    The objective drops by the 54 MW of floor times the cost difference 50 - 10: 2,160 CNY."""
    _, with_floor, _ = _run(_data([100.0], [JAN], _fleet()))
    built, without, p = _run(_data([100.0], [JAN], _fleet(), chp_must_run=False))
    assert p.at[0, "chp"] == pytest.approx(0.0, abs=1e-6)
    assert without == pytest.approx(1000.0, rel=1e-9)
    assert with_floor - without == pytest.approx(54.0 * (50 - 10), rel=1e-9)
    assert len(built.model.THERMAL_CHP_FLOOR) == 0 and len(built.model.thermal_min_stable) == 0


def test_min_stable_without_must_run_holds_the_chp_unit_at_its_minimum_only(floors):
    """--min-stable with chp_must_run off, one winter hour of 150 MW: T6 holds the CHP unit at its minimum stable
    output 0.4 x 0.9 x 100 = 36 MW and no heat floor applies (it would be 54 MW); the cheap unit serves 114 MW
    (above its own minimum 0.4 x 200 = 80 MW). Objective 36 x 50 + 114 x 10 = 2,940 CNY (with the heat floor
    3,660; with no floor at all 1,500)."""
    built, objective, p = _run(_data([150.0], [JAN], _fleet(), chp_must_run=False, min_stable=True))
    assert p.at[0, "chp"] == pytest.approx(36.0, abs=1e-6)
    assert p.at[0, "cheap"] == pytest.approx(114.0, abs=1e-6)
    assert objective == pytest.approx(2940.0, rel=1e-9)
    assert list(built.model.THERMAL_STABLE) == ["cheap", "chp"] and len(built.model.THERMAL_CHP_FLOOR) == 0
    _, must_run, p = _run(_data([150.0], [JAN], _fleet(), min_stable=True))  # must-run on: T13 takes the CHP unit
    assert p.at[0, "chp"] == pytest.approx(54.0, abs=1e-6) and must_run == pytest.approx(3660.0, rel=1e-9)


def test_season_selects_the_floor_and_the_minimum_stable_output_bounds_it_from_below(floors):
    """Three hours of 100 MW load, in January (winter), April (shoulder) and July (summer). The CHP floor is
    max(0.4, phi) x 0.9 x 100 MW: winter 0.6 -> 54 MW, shoulder 0.5 -> 45 MW, summer 0.3 is below the minimum
    stable output 0.4 -> 36 MW. Objective: (54 + 45 + 36) x 50 + (46 + 55 + 64) x 10 = 6,750 + 1,650 = 8,400 CNY."""
    built, objective, p = _run(_data([100.0] * 3, [JAN, APR, JUL], _fleet()))
    assert p["chp"].to_numpy() == pytest.approx([54.0, 45.0, 36.0], abs=1e-6)
    assert objective == pytest.approx(8400.0, rel=1e-9)
    lower = built.model.thermal_chp_floor.lower
    assert lower == pytest.approx([54.0, 45.0, 36.0])


def test_extendable_chp_floor_grows_with_the_capacity_built(floors):
    """Expansion, two winter hours, load 100 then 10 MW. A CHP unit may be built from 0 to 200 MW (a = 1) at an
    annuity charging 100 CNY per MW over the horizon and runs at 50 CNY/MWh; a 100 MW peaker runs at 200 CNY/MWh.
    Each MW built replaces a peaker MWh in hour 0 (saves 200 - 50 = 150 CNY for 100 CNY): worth building. Without
    the floor it builds 100 MW: 100 x 100 + 50 x (100 + 10) = 15,500 CNY. With it, hour 1 holds the unit at
    0.6 N <= 10 MW, so N = 50/3 MW; objective 100 N + 50 (N + 10) + 200 (100 - N) = 20,500 - 50 N = 19,666.67 CNY."""
    annuity = 100.0 * 8760 / 2  # y = 2 / 8760 of a year
    units = thermal(
        [
            {"unit": "new_chp", "bus": "A", "p_nom": 0.0, "annuity": annuity},
            {"unit": "peaker", "bus": "A", "p_nom": 100.0},
        ]
    )
    units["chp"] = [True, False]
    units.loc["new_chp", "p_nom_max"] = 200.0
    units = with_marginal_cost(units, {"new_chp": 50.0, "peaker": 200.0})
    stamps = [JAN, JAN + pd.Timedelta(hours=1)]
    built, objective, p = _run(_data([100.0, 10.0], stamps, units, mode="expand"))
    assert built.model.thermal_new["new_chp"].value == pytest.approx(50 / 3, rel=1e-7)
    assert p["new_chp"].to_numpy() == pytest.approx([50 / 3, 10.0], abs=1e-6)
    assert objective == pytest.approx(20500 - 50 * 50 / 3, rel=1e-9)
    _, free, _ = _run(_data([100.0, 10.0], stamps, units, mode="expand", chp_must_run=False))
    assert free == pytest.approx(15500.0, rel=1e-9)


def test_a_floor_that_cannot_be_absorbed_is_diagnosed_and_named(floors):
    """Load 10 MW but a 54 MW floor and nowhere to put the surplus: infeasible, and the elastic re-solve gives way
    on the floor (44 MW below it), not on the energy balance, naming the switch."""
    d = _data([10.0], [JAN], _fleet())
    built = build_model(d)
    assert solve(built.model).status == "infeasible"
    dg = diagnose(built)
    assert dg.families == ["thermal_chp_floor"]
    assert dg.table["amount"].sum() == pytest.approx(44.0, abs=1e-4)
    assert "CHP heat-led floor" in dg.text and "--no-chp-must-run" in dg.text


def test_shipped_seasons_and_floors_are_what_their_rationale_says():
    """Winter Dec-Feb, summer May-Sep, shoulder between; floors fall from winter to summer and stay above the gas
    minimum stable output (else T13 would only repeat it)."""
    season = dict(zip(range(1, 13), A.CHP_SEASON_OF_MONTH))
    assert [m for m, s in season.items() if s == "winter"] == [1, 2, 12]
    assert [m for m, s in season.items() if s == "summer"] == [5, 6, 7, 8, 9]
    assert A.CHP_HEAT_FLOOR_WINTER > A.CHP_HEAT_FLOOR_SHOULDER > A.CHP_HEAT_FLOOR_SUMMER > A.MIN_STABLE_GAS_CCGT
    stamps = pd.DatetimeIndex([JAN, APR, JUL, pd.Timestamp("2030-12-31 23:00")])
    expected = [A.CHP_HEAT_FLOOR_WINTER, A.CHP_HEAT_FLOOR_SHOULDER, A.CHP_HEAT_FLOOR_SUMMER, A.CHP_HEAT_FLOOR_WINTER]
    assert T.chp_heat_floor(stamps) == pytest.approx(expected)
    hours = np.mean([T.CHP_HEAT_FLOOR[s] for s in A.CHP_SEASON_OF_MONTH]) * A.AVAILABILITY_GAS * 8760
    assert hours == pytest.approx(3962, abs=0.5)  # the figure quoted in CHP_HEAT_FLOOR_SUMMER's rationale


def test_shipped_fleet_floors_hold_and_counterfactual_units_carry_none(tables):
    """A winter day of 2030 on the shipped data: every CHP group is held at max(m, phi_winter) a P in every hour
    (and no non-CHP unit is), the switch off is cheaper, the availability lever lowers the floors with the
    capacity, and the counterfactual without the plan's gas drops the floors of the removed (not yet operating)
    CHP units with the units."""
    sc = Scenario(year=2030, start_hour=0, hours=24)
    d = assemble(tables, sc)
    th = d.thermal
    chp = th.index[th["chp"]]
    assert len(chp) and not th.loc[th["carrier"] == "waste", "chp"].any()
    built, objective, p = _run(d)
    assert {u for u, _ in built.model.THERMAL_CHP_FLOOR} == set(chp)
    floor = np.maximum(th["min_stable"], A.CHP_HEAT_FLOOR_WINTER) * th["availability"] * th["p_nom"]
    by_group = p.T.groupby(d.thermal_units["group"]).sum()  # units summed back into the model's groups
    for u in chp:
        assert (by_group.loc[u] >= floor[u] - 1e-6).all(), u
    _, free, _ = _run(assemble(tables, replace(sc, chp_must_run=False)))
    assert free < objective
    # the availability lever derates every unit: the floors follow the available capacity, halved at 0.5
    half = build_model(assemble(tables, replace(sc, thermal_availability_scale=0.5)))
    assert half.model.thermal_chp_floor.lower == pytest.approx(0.5 * built.model.thermal_chp_floor.lower)
    without_gas = build_model(assemble(tables, replace(sc, without=("gas",))))
    kept = {u for u, _ in without_gas.model.THERMAL_CHP_FLOOR}
    removed = set(th.index[th["increment"] & th["chp"]])
    assert removed and not kept & removed and kept == set(chp) - removed


def test_city_copper_plate_absorbs_the_floors(tables):
    """Supply adequacy (the city as one bus) on a summer week of 2030 stays feasible with the floors on."""
    d = assemble(tables, Scenario(year=2030, start_hour=5208, hours=168, network="city"))
    built = build_model(d)
    assert len(built.model.THERMAL_CHP_FLOOR) == int(d.thermal["chp"].sum()) * 168
    assert solve(built.model).status == "optimal"


def test_cli_switch_and_plan_file_turn_must_run_off(tables):
    from gzpower.cli.args import scenario_from_args
    from gzpower.cli.main import build_parser

    parser = build_parser()
    on = scenario_from_args(parser.parse_args(["check", "--hours", "24"]), "check", 2030)
    off = scenario_from_args(parser.parse_args(["check", "--hours", "24", "--no-chp-must-run"]), "check", 2030)
    assert on.chp_must_run is True and off.chp_must_run is False
    plan = parse_plan("[scenario]\nchp_must_run = false\n", tables, Scenario)
    assert plan.apply_to(Scenario()).chp_must_run is False
    with pytest.raises(InputError, match="chp_must_run: 'no' is not true or false"):
        parse_plan('[scenario]\nchp_must_run = "no"\n', tables, Scenario)


@pytest.mark.skipif(not RAW_DIR.is_dir(), reason=f"raw data directory {RAW_DIR} absent")
def test_gem_chp_flags_read_from_the_raw_trackers(tmp_path):
    """Gas: GGPT's CHP column, Y -> CHP, N and 'not found' -> not (CHP_FLAG_NOT_FOUND). Coal: the GCPT extract has
    no CHP column; its captive-use column names CHP for the Guangzhou Refinery units 3 and 4 (operating) and Meishan
    Cogen unit 3 (retired) only. A CHP value the reader does not know is refused naming file, row and column."""
    gas = gem_gas_units(RAW)
    raw_gas = pd.read_csv(RAW / GEM_GAS_FILE)
    assert gas["chp"].tolist() == (raw_gas["CHP"] == "Y").tolist()
    assert int(gas["chp"].sum()) == 25 and (raw_gas["CHP"] == "not found").sum() == 6
    coal = gem_coal_units(RAW)
    assert sorted(coal.loc[coal["chp"], "plant"] + " " + coal.loc[coal["chp"], "status"]) == [
        "Guangzhou Meishan Cogen power station retired",
        "Guangzhou Refinery power station operating",
        "Guangzhou Refinery power station operating",
    ]
    bad = tmp_path / "raw"
    bad.mkdir()
    for f in RAW.iterdir():
        (bad / f.name).symlink_to(f.resolve())
    (bad / GEM_GAS_FILE).unlink()
    raw_gas.loc[3, "CHP"] = "yes"
    raw_gas.to_csv(bad / GEM_GAS_FILE, index=False)
    with pytest.raises(InputError) as err:
        gem_gas_units(bad)
    expected = f"error: {GEM_GAS_FILE}, row 4, column 'CHP': unknown CHP value 'yes' (Y, N or 'not found')"
    assert str(err.value) == expected
