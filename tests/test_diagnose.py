"""Infeasibility explained (gzpower.solve.diagnose) and coefficient ranges (gzpower.solve.numerics) on short cases.

Each infeasible case is cross-checked against an independent solve: the shortfall against the allow-unserved
run's unserved energy, the CO2 excess against the cap that just becomes feasible, the plan-floor gap against the
site potentials in the model data.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import pandas as pd
import pytest

from gzpower.errors import SolveError
from gzpower.model.build import build_model
from gzpower.model.data import assemble
from gzpower.results.extract import extract
from gzpower.results.kpis import kpis
from gzpower.scenario.scenario import Scenario
from gzpower.solve.diagnose import diagnose
from gzpower.solve.highs import SolverSettings, solve
from gzpower.studies.run import run_and_write

from .conftest import DATA

JULY = dict(year=2030, mode="check", start_hour=4800, hours=24)


def _built(tables, sc):
    return build_model(assemble(tables, sc))


def test_balance_shortfall_named_by_district_and_hour(tables):
    # at the fixed price: with the province boundary the elastic LP may swap a few hundred MWh of the shortfall for
    # demand response beyond its daily energy (both weigh 1 per MWh there), a tie this test does not settle
    sc = Scenario(**JULY, allow_unserved=False, import_scale=0.3, boundary="fixed_price")
    built = _built(tables, sc)
    assert solve(built.model).status == "infeasible"
    dg = diagnose(built)
    assert dg.families == ["balance"]
    short = dg.table[dg.table["direction"] == "short"]
    # the same case with unserved energy allowed (at the value of lost load) sheds the same energy, hour by hour
    relaxed = _built(tables, replace(sc, allow_unserved=True))
    out = solve(relaxed.model)
    assert out.status == "optimal"
    unserved = extract(relaxed, out.duals)["balance"].groupby("hour")["unserved_mw"].sum()
    assert short["amount"].sum() == pytest.approx(
        kpis(extract(relaxed, out.duals), relaxed.data)["unserved_mwh"], rel=1e-4
    )
    worst = short.iloc[0]
    assert unserved[worst["hour"]] >= worst["amount"] - 1e-3  # that hour really is short, at least by this much
    assert worst["amount"] <= worst["limit"] + 1e-6  # no district is short of more than its load
    assert worst["bus"] in built.data.districts
    when = pd.Timestamp(worst["timestamp"]).strftime("%Y-%m-%d %H:%M")
    assert f"{worst['bus']} short {worst['amount']:,.0f} MW at {when}" in dg.text
    assert "at its limit" in dg.text or "at capacity" in dg.text


def test_co2_cap_named_with_the_amount(tables):
    """A cap of 1,000 t on a July day is the only violated limit once the CHP floors are off (with them on, the
    floors' own CO2 breaks the cap too, and the diagnosis rightly names both)."""
    cap = 1000.0
    sc = Scenario(**JULY, allow_unserved=False, co2_cap=cap, chp_must_run=False)
    built = _built(tables, sc)
    assert solve(built.model).status == "infeasible"
    dg = diagnose(built)
    assert dg.families == ["co2_cap"]
    excess = float(dg.table["amount"].iloc[0])
    least = cap + excess
    assert f"exceeded by {excess:,.0f} tCO2" in dg.text
    # the least CO2 the diagnosis names is the threshold: a hair above it is feasible, a hair below is not
    assert solve(_built(tables, replace(sc, co2_cap=least * 1.001)).model).status == "optimal"
    assert solve(_built(tables, replace(sc, co2_cap=least * 0.999)).model).status == "infeasible"


def test_plan_floor_named_and_written_to_failed_folder(tables, tmp_path):
    targets = tables["targets"].copy()
    targets.loc[(targets["id"] == "re_capacity") & (targets["year"] == 2030), "value"] = 40000.0
    bad = {**tables, "targets": targets}
    sc = Scenario(**{**JULY, "mode": "expand"})
    built = _built(bad, sc)
    dg = diagnose(built)
    assert dg.families == ["plan_floor"]
    row = dg.table.iloc[0]
    assert row["element"] == "re_capacity"
    d = built.data
    reachable = d.renewables["p_nom_max"].sum() + d.thermal.loc[d.thermal["carrier"] == "waste", "p_nom_max"].sum()
    assert row["amount"] == pytest.approx(40000.0 - reachable, rel=1e-6)
    # through run_and_write: the error carries the explanation; the table lands under runs/failed/, no run folder
    with pytest.raises(SolveError) as err:
        run_and_write(bad, sc, SolverSettings(), tmp_path, DATA)
    assert "plan floor 're_capacity'" in str(err.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["failed"]
    (failed,) = (tmp_path / "failed").iterdir()
    assert not failed.name.startswith(".tmp")
    assert not (failed / "manifest.json").exists()
    written = pd.read_parquet(failed / "infeasibility.parquet")
    assert list(written["family"]) == ["plan_floor"]
    assert (failed / "diagnosis.txt").read_text().startswith("FAILED RUN")


def test_shipped_case_inside_the_coefficient_range(tables):
    out = solve(_built(tables, Scenario(**JULY)).model)
    ranges = out.stats["coefficient_ranges"]
    assert ranges["warnings"] == []
    assert ranges["matrix"]["ratio"] < 1e9
    assert 1e-9 <= ranges["objective"]["min_abs"] and ranges["objective"]["max_abs"] <= 1e9


def test_absurd_value_of_lost_load_warns(tables, caplog):
    built = _built(tables, Scenario(**JULY, value_of_lost_load=1e12))
    with caplog.at_level(logging.WARNING, logger="gzpower"):
        out = solve(built.model)
    warnings = out.stats["coefficient_ranges"]["warnings"]
    assert any(w.startswith("objective coefficients out of the well-conditioned range") for w in warnings)
    assert any("objective coefficients" in r.getMessage() for r in caplog.records)
