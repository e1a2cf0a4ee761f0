"""Rolling horizon against the single LP, and the hourly cost evaluation against the objective."""

from __future__ import annotations

import pytest

from gzpower.scenario.scenario import Scenario
from gzpower.studies.rolling import hourly_co2, hourly_operating_cost, hourly_province_cost, solve_rolling
from gzpower.studies.run import solve_case


def test_hourly_operating_cost_adds_up_to_the_objective_terms(tables):
    res = solve_case(tables, Scenario(year=2030, start_hour=4800, hours=48))
    costs = res.tables["costs"].set_index("category")["cny"]
    operating = sum(costs.get(c, 0.0) for c in ("fuel_and_vom", "imports", "unserved_energy", "demand_response"))
    assert hourly_operating_cost(res.tables, res.data).sum() == pytest.approx(operating, rel=1e-9)
    # the city's operating cost adds what it pays the province for its net import at the provincial price
    paid = res.kpis["city_import_cost_cny"]
    assert paid != 0.0
    assert res.kpis["operating_cost_cny"] == pytest.approx(operating + paid, rel=1e-9)
    assert hourly_co2(res.tables, res.data).sum() == pytest.approx(res.kpis["co2_t"], rel=1e-9)
    province = sum(costs.get(c, 0.0) for c in ("province_fleet", "province_imports", "province_unserved_energy"))
    assert hourly_province_cost(res.tables, res.data).sum() == pytest.approx(province, rel=1e-9)


def test_one_window_rolling_equals_the_full_lp_without_storage_wrap(tables):
    """With one window covering the horizon and no look-ahead, rolling solves the same LP (non-cyclic)."""
    sc = Scenario(year=2030, start_hour=4800, hours=48)
    rolled = solve_rolling(tables, sc, window=48, lookahead=0)
    assert rolled.windows == 1
    full = solve_case(
        tables, Scenario(year=2030, start_hour=4800, hours=48, cyclic=False, initial_soc=_initial(tables, sc))
    )
    assert rolled.kpis["operating_cost_cny"] == pytest.approx(full.kpis["operating_cost_cny"], rel=1e-6)


def test_weekly_windows_stay_close_to_the_full_lp(tables):
    sc = Scenario(year=2030, start_hour=4800, hours=336)
    full = solve_case(tables, sc)
    rolled = solve_rolling(tables, sc, window=72, lookahead=24)
    assert rolled.windows == 5
    assert rolled.kpis["operating_cost_cny"] == pytest.approx(full.kpis["operating_cost_cny"], rel=0.02)
    assert abs(rolled.kpis["unserved_mwh"] - full.kpis["unserved_mwh"]) <= 0.05 * max(full.kpis["unserved_mwh"], 1e3)
    hours = sorted(rolled.balance["hour"].unique())
    assert hours == list(range(4800, 5136))
    assert sorted(rolled.tables["dispatch"]["hour"].unique()) == list(range(336))  # as a single LP counts them


def _initial(tables, sc):
    from gzpower.assumptions import ROLLING_INITIAL_SOC_SHARE
    from gzpower.model.data import assemble

    d = assemble(tables, sc)
    stores = d.province.loc[d.province["kind"] == "storage", "e_nom"]  # the province's stores start there too
    return {s: ROLLING_INITIAL_SOC_SHARE * float(e) for s, e in [*d.storage["e_nom"].items(), *stores.items()]}


def test_cli_rolling_writes_a_complete_run(tmp_path, capsys):
    import json

    from gzpower.cli import main

    assert (
        main(
            [
                "check",
                "--year",
                "2030",
                "--hours",
                "48",
                "--start-hour",
                "4800",
                "--rolling",
                "24",
                "--workers",  # the counterfactuals in this process: no worker processes to start
                "1",
                "--runs-dir",
                str(tmp_path),
            ]
        )
        == 0
    )
    (folder,) = [p for p in tmp_path.iterdir() if not p.name.startswith(".")]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["rolling"]["windows"] == 2
    assert (folder / "balance.parquet").is_file()
    out = capsys.readouterr().out
    assert "rolling horizon: 2 windows of 24 h" in out
    assert (folder / "target_check.parquet").is_file() and (folder / "counterfactuals.parquet").is_file()
    assert (folder / "report.html").is_file()  # a full run: target check, counterfactuals, report
