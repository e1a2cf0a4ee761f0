"""Issue 14: the verdict's parts on hand-made cases whose answers are computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gzpower import assumptions as A
from gzpower.errors import InputError
from gzpower.model.build import build_model
from gzpower.model.copperplate import CITY_BUS, as_city
from gzpower.report.verdict_text import adequacy_sentences
from gzpower.results.adequacy_levels import about_bands, adequacy_levels
from gzpower.results.binding import binding_table
from gzpower.results.extract import extract, kpis
from gzpower.results.kpis import unserved_mwh
from gzpower.scenario.levers import apply_levers, scale_thermal_availability
from gzpower.scenario.scenario import Scenario
from gzpower.solve.highs import SolverSettings, solve
from gzpower.studies.tipping import Lever, find_tipping, tightest_window, tipping_row
from tests.factory import make_data, storage, thermal, with_marginal_cost

VOLL = 1000.0  # the factory's value of lost load, CNY/MWh


def solved(data):
    built = build_model(data)
    outcome = solve(built.model, SolverSettings(algorithm="simplex"))
    assert outcome.status == "optimal", outcome.message
    out = extract(built, outcome.duals)
    return built, outcome, out


def corridor_case(rating_mw: float = 50.0, load_a=(100.0, 100.0, 20.0), **scenario):
    """Load at A, a 200 MW generator (10 CNY/MWh) at B, one line A-B of ``rating_mw``: the line is the only limit."""
    units = with_marginal_cost(thermal([{"unit": "gen_B", "bus": "B", "p_nom": 200.0}]), {"gen_B": 10.0})
    lines = pd.DataFrame(
        {"bus0": ["B"], "bus1": ["A"], "x_ohm": [1.0], "s_nom_mw": [rating_mw]}, index=pd.Index(["B-A"], name="line")
    )
    return make_data({"A": list(load_a), "B": [0.0] * len(load_a)}, thermal_units=units, lines=lines, **scenario)


def test_a_line_that_is_the_only_limit_has_the_hand_derived_summed_dual():
    # hours 0 and 1: 100 MW at A, 50 MW over the line, 50 MW unserved. The price at A is the value of lost load
    # (1000), at B the generator's 10, so 1 MW more on the line saves 1000 - 10 = 990 CNY in each of the two hours.
    built, outcome, out = solved(corridor_case())
    assert kpis(out, built.data)["unserved_mwh"] == pytest.approx(100.0, abs=1e-6)
    table = binding_table(built, outcome, out)
    assert list(table["family"]) == ["line"]
    row = table.iloc[0]
    assert (row["element"], row["district"], row["unit"]) == ("B-A", "B-A", "CNY/MW")
    assert row["hours_binding_h"] == 2.0
    assert row["shadow_price_sum"] == pytest.approx(2 * (VOLL - 10.0), rel=1e-9)
    assert row["unserved_saved_mwh_per_unit"] == pytest.approx(2 * 990.0 / VOLL, rel=1e-9)


def test_unserved_energy_read_from_the_model_is_the_kpi():
    """What a tipping point's search reads (``outputs="unserved"``: no tables): hours 0 and 1 short of 50 MW at A
    behind the 50 MW line, hour 2 served, 100 MWh as the kpi from the balance table says; a 100 MW line, none."""
    built, _, out = solved(corridor_case())
    assert unserved_mwh(built) == pytest.approx(100.0, abs=1e-6)
    assert unserved_mwh(built) == pytest.approx(kpis(out, built.data)["unserved_mwh"], rel=1e-12)
    built, _, out = solved(corridor_case(rating_mw=100.0))
    assert unserved_mwh(built) == pytest.approx(0.0, abs=1e-9)


def test_no_shortfall_no_binding_rows():
    built, outcome, out = solved(corridor_case(rating_mw=100.0))
    assert binding_table(built, outcome, out).empty


def test_city_level_has_one_bus_the_summed_load_and_no_shortfall_where_only_the_line_was_short():
    d = corridor_case()
    city = as_city(d)
    assert city.districts == [CITY_BUS] and city.lines.empty
    assert list(city.load[CITY_BUS]) == [100.0, 100.0, 20.0]
    assert set(city.thermal["bus"]) == {CITY_BUS}
    built, _, out = solved(city)
    assert kpis(out, built.data)["unserved_mwh"] == pytest.approx(0.0, abs=1e-6)


# --- tipping points ------------------------------------------------------------------------------------------


def line_scaled_unserved(rating_mw: float, load_mw: float = 100.0):
    """Unserved energy of the one-hour corridor case with the line rating times ``scale``."""

    def unserved(scale: float) -> float:
        built, _, out = solved(corridor_case(rating_mw * scale, load_a=(load_mw,)))
        return kpis(out, built.data)["unserved_mwh"]

    return unserved


LINE = Lever("line_scale", "corridor", "the line rating", (0.25, 10.0), True)


def test_tipping_point_of_a_failing_plan_is_the_hand_computed_rating():
    # 100 MW at A over a 50 MW line: unserved 100 - 50 s, at most 1 MWh from s = 99 / 50 = 1.98
    tipping, holds_used, at_used, solves = find_tipping(line_scaled_unserved(50.0), LINE, 1.0)
    assert not holds_used and at_used == pytest.approx(50.0, abs=1e-6)
    assert 1.98 <= tipping <= 1.98 + A.TIPPING_STEP
    assert solves >= 3


def test_tipping_point_of_a_holding_plan_lies_below_the_value_used():
    # a 150 MW line: the plan holds; it fails once 100 - 150 s > 1, i.e. below s = 99 / 150 = 0.66
    tipping, holds_used, _, _ = find_tipping(line_scaled_unserved(150.0), LINE, 1.0)
    assert holds_used
    assert 0.66 - A.TIPPING_STEP <= tipping < 0.66
    row = tipping_row(LINE, 1.0, (tipping, holds_used, 0.0, 9), (0, 1))
    assert row["margin"] == pytest.approx(tipping - 1.0) and row["plan_holds_while"].startswith("holds while")


def test_no_flip_within_the_range_gives_no_tipping_value():
    # 1000 MW at A over a 50 MW line: even ten times the rating (500 MW) leaves 500 MWh unserved
    tipping, holds_used, _, solves = find_tipping(line_scaled_unserved(50.0, load_mw=1000.0), LINE, 1.0)
    assert np.isnan(tipping) and not holds_used and solves == 2
    text = tipping_row(LINE, 1.0, (tipping, holds_used, 950.0, solves), (0, 1))["plan_holds_while"]
    assert text.startswith("fails for every line_scale in 0.25..10")


def test_tightest_window_is_the_week_around_the_largest_shortfall():
    hours = np.arange(1000)
    balance = pd.DataFrame({"hour": hours, "load_mw": 100.0, "unserved_mw": np.where(hours == 300, 5.0, 0.0)})
    sc = Scenario(start_hour=2000, hours=1000)
    assert tightest_window(sc, balance) == (2000 + 300 - 84, 168)
    balance["unserved_mw"] = 0.0
    balance.loc[990, "load_mw"] = 200.0  # no shortfall: the peak-load hour, the window kept inside the horizon
    assert tightest_window(sc, balance) == (2000 + 1000 - 168, 168)
    assert tightest_window(Scenario(start_hour=5208, hours=168), balance) == (5208, 168)


# --- the target check's new rows --------------------------------------------------------------------------------


def _tc(rows):
    base = {"year": 2030, "target": 0.0, "margin": np.nan, "status": "pass", "description": "", "kind": "at_most"}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_about_targets_are_checked_on_both_sides():
    tc = _tc(
        [
            {"id": "re_capacity", "kind": "about", "unit": "MW", "target": 3000.0, "reached": 11900.0},
            {"id": "storage_capacity", "kind": "about", "unit": "MW", "target": 200.0, "reached": 150.0},
            {"id": "other", "kind": "about", "unit": "MW", "target": 200.0, "reached": 210.0},
            {"id": "gas_capacity", "kind": "at_least", "unit": "MW", "target": 100.0, "reached": 900.0},
        ]
    )
    targets = pd.DataFrame({"id": ["re_capacity", "storage_capacity"], "tolerance": [0.1, 0.0]})
    out = about_bands(tc, targets).set_index("id")
    assert out.loc["re_capacity", "status"] == "above"
    assert out.loc["re_capacity", "band_high"] == pytest.approx(3300.0)
    assert "ABOVE the +-10% band by 8,600.0" in out.loc["re_capacity", "description"]
    # tolerance 0 in the table: the named assumption's band (10 %): 180..220
    assert out.loc["storage_capacity", "status"] == "below"
    assert out.loc["storage_capacity", "band_low"] == pytest.approx(200.0 * (1 - A.ABOUT_TARGET_TOLERANCE))
    assert out.loc["other", "status"] == "pass"
    assert out.loc["gas_capacity", "status"] == "pass" and np.isnan(out.loc["gas_capacity", "band_low"])


def test_adequacy_at_two_levels_names_a_network_finding():
    tc = _tc(
        [
            {"id": "gas_capacity", "kind": "at_least", "unit": "MW", "target": 1.0, "reached": 1.0},
            {"id": "unserved_energy", "unit": "MWh", "reached": 100.0, "status": "fail"},
            {"id": "loss_of_load_hours", "unit": "h", "reached": 2.0, "status": "fail"},
            {"id": "largest_shortfall", "unit": "MW", "reached": 50.0, "status": "fail"},
            {"id": "co2", "kind": "reported", "unit": "tCO2", "reached": 5.0, "status": "reported"},
        ]
    )
    district = {"unserved_mwh": 100.0, "loss_of_load_hours": 2.0, "max_shortfall_mw": 50.0}
    city = {"unserved_mwh": 0.0, "loss_of_load_hours": 0.0, "max_shortfall_mw": 0.0}
    out = adequacy_levels(tc, district, city)
    assert list(out["id"]) == [
        "gas_capacity",
        "supply_unserved_energy",
        "supply_loss_of_load_hours",
        "supply_largest_shortfall",
        "deliverability_unserved_energy",
        "deliverability_loss_of_load_hours",
        "deliverability_largest_shortfall",
        "co2",
    ]
    rows = out.set_index("id")
    assert rows.loc["supply_unserved_energy", "status"] == "pass"
    assert rows.loc["deliverability_unserved_energy", "reached"] == 100.0
    assert "network finding" in rows.loc["deliverability_unserved_energy", "description"]
    sentences = " ".join(adequacy_sentences(out))
    assert "This is a network finding" in sentences and "100 MWh unserved in 2 h" in sentences
    short_city = adequacy_levels(tc, district, {**district, "unserved_mwh": 30.0})
    assert "network finding" not in " ".join(adequacy_sentences(short_city))
    assert short_city.set_index("id").loc["supply_unserved_energy", "status"] == "fail"


# --- levers and the city view ----------------------------------------------------------------------------------


def test_levers_scale_their_tables_and_refuse_negative_values():
    tables = {
        "lines": pd.DataFrame({"line": ["a"], "s_nom_mw": [1000.0]}),
        "import_sources": pd.DataFrame(
            {
                "source": ["gd", "we"],
                "p_max_mw": [100.0, 200.0],
                "price_cny_per_mwh": [400.0, 300.0],
                "clean": [False, True],
            }
        ),
    }
    sc = Scenario(line_scale=1.5, clean_import_scale=0.5, import_price_scale=2.0)
    out = apply_levers(tables, sc)
    assert out["lines"]["s_nom_mw"].tolist() == [1500.0]
    assert out["import_sources"]["p_max_mw"].tolist() == [100.0, 100.0]
    assert out["import_sources"]["price_cny_per_mwh"].tolist() == [800.0, 600.0]
    assert tables["lines"]["s_nom_mw"].tolist() == [1000.0]  # the caller's tables are not changed
    th = pd.DataFrame({"availability": [0.92, 0.5]})
    scaled = scale_thermal_availability(th, Scenario(thermal_availability_scale=1.1))
    assert scaled["availability"].tolist() == pytest.approx([1.0, 0.55])
    with pytest.raises(InputError, match="--line-scale"):
        apply_levers(tables, Scenario(line_scale=-1.0))


def test_city_view_keeps_storage_per_unit_and_sums_demand_response():
    d = corridor_case()
    d.storage = storage(
        [
            {"id": "bat_A", "bus": "A", "p_nom": 10.0, "e_nom": 20.0},
            {"id": "bat_B", "bus": "B", "p_nom": 5.0, "e_nom": 10.0},
        ]
    )
    d.demand_response = pd.DataFrame(
        {
            "p_nom": [3.0, 2.0],
            "district_peak": [100.0, 10.0],
            "p_nom_max": [3.0, 2.0],
            "annuity": 0.0,
            "cost_per_mwh": 500.0,
            "max_hours_per_day": 4.0,
            "shift_mw": [1.0, 0.5],
        },
        index=pd.Index(["A", "B"], name="bus"),
    )
    city = as_city(d)
    assert list(city.storage.index) == ["bat_A", "bat_B"] and set(city.storage["bus"]) == {CITY_BUS}
    dr = city.demand_response
    assert list(dr.index) == [CITY_BUS]
    assert (dr.at[CITY_BUS, "p_nom"], dr.at[CITY_BUS, "shift_mw"], dr.at[CITY_BUS, "max_hours_per_day"]) == (
        5.0,
        1.5,
        4.0,
    )


# --- the command ------------------------------------------------------------------------------------------------


def test_a_negative_lever_is_a_one_line_input_error(tmp_path, capsys):
    from gzpower.cli.main import main

    args = ["check", "--year", "2030", "--hours", "24", "--runs-dir", str(tmp_path), "--quiet", "--no-report"]
    assert main([*args, "--no-counterfactuals", "--line-scale", "-1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "error: --line-scale: -1 is out of range: give a finite number >= 0"


def test_check_prints_and_writes_both_levels_what_binds_and_the_tipping_points(tmp_path, capsys):
    """One hot 2030 day (from hour 5256): short on the district network, not as one bus."""
    import pandas as pd

    from gzpower.cli.main import main

    args = ["check", "--year", "2030", "--start-hour", "5256", "--hours", "24", "--runs-dir", str(tmp_path)]
    assert main([*args, "--quiet", "--no-report", "--no-counterfactuals", "--tipping-points"]) == 0
    text = capsys.readouterr().out
    assert "This is a network finding" in text and "What binds, deliverability" in text
    assert "The plan holds while" in text
    (folder,) = [p for p in tmp_path.iterdir() if not p.name.startswith(".")]
    tc = pd.read_parquet(folder / "target_check.parquet").set_index("id")
    assert tc.loc["supply_unserved_energy", "reached"] == pytest.approx(0.0, abs=1e-3)
    assert tc.loc["deliverability_unserved_energy", "reached"] > 1.0
    binding = pd.read_parquet(folder / "binding.parquet")
    assert set(binding["level"]) == {"deliverability"} and "line" in set(binding["family"])
    tp = pd.read_parquet(folder / "tipping_points.parquet").set_index("lever")
    assert len(tp) == 6 and not tp["holds_at_value_used"].any()
    # more corridor rating can only help: the plan fails at 1 and holds from the tipping value on
    assert tp.loc["line_scale", "tipping_value"] > 1.0
    assert tp.loc["line_scale", "plan_holds_while"].startswith("fails until line_scale >=")
    from gzpower.report import write_report

    html = write_report(folder).read_text()
    assert "This is a network finding" in html and "synthetic" in html
    assert '<table class="binding">' in html and '<table class="tipping">' in html
    assert (folder / "figures" / "tipping_points.png").is_file()
