"""Issue 14: the verdict's parts on hand-made cases whose answers are computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from gzpower.model.build import build_model
from gzpower.model.copperplate import CITY_BUS, as_city
from gzpower.results.binding import binding_table
from gzpower.results.extract import extract, kpis
from gzpower.solve.highs import SolverSettings, solve
from tests.factory import make_data, thermal, with_marginal_cost

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
    return make_data(
        {"A": list(load_a), "B": [0.0] * len(load_a)}, thermal_units=units, lines=lines, **scenario
    )


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
