"""A planner's own plan file: applied to the run, recorded, listed, compared and replayed; every lever from the
command line, the plan file and a sweep under one name; honest modes; the read-only catalogue."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest

from gzpower import assumptions as A
from gzpower.cli import main
from gzpower.errors import InputError
from gzpower.model.data import assemble
from gzpower.results.folder import scenario_from_record, scenario_record
from gzpower.scenario.plan import parse_plan, plan_template, year_targets
from gzpower.scenario.scenario import Scenario

PLAN = """
[2030]
gas_capacity = 14000
storage_capacity = 1000
dr_capability = 0.08

[2030.districts.Tianhe]
storage_mw = 300

[scenario]
import_scale = 0.9
reserve_share = 0.06
"""

SHORT = ["--year", "2030", "--hours", "24", "--start-hour", "4800", "--no-report", "--no-counterfactuals"]


def _only_run(runs_dir):
    (folder,) = [p for p in runs_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return folder


@pytest.fixture(scope="module")
def plan_run(tmp_path_factory):
    """One 24 h check of the plan file (shared by the tests that read it)."""
    root = tmp_path_factory.mktemp("plan")
    path = root / "plan.toml"
    path.write_text(PLAN)
    runs = root / "runs"
    assert main(["check", *SHORT, "--plan", str(path), "--import-scale", "0.95", "--runs-dir", str(runs)]) == 0
    return path, runs, _only_run(runs)


def test_plan_file_sets_capacities_and_the_target_table(plan_run):
    _, _, folder = plan_run
    caps = pd.read_parquet(folder / "capacities.parquet")
    gas = caps[(caps["family"] == "thermal") & (caps["carrier"] == "gas")]["total"].sum()
    battery = caps[caps["technology"] == "battery_power"]  # MW rows (battery_energy rows hold the MWh)
    assert gas == pytest.approx(14000.0, abs=1e-3)
    assert battery["total"].sum() == pytest.approx(1000.0, abs=1e-6)
    assert battery.set_index("element").at["battery_Tianhe", "total"] == pytest.approx(300.0)
    checks = pd.read_parquet(folder / "target_check.parquet").set_index("id")
    assert checks.at["gas_capacity", "target"] == 14000.0
    assert checks.at["gas_capacity", "reached"] == pytest.approx(14000.0, abs=1e-3)
    assert checks.at["storage_capacity", "target"] == 1000.0
    assert checks.at["storage_capacity", "reached"] == pytest.approx(1000.0)
    assert checks.at["dr_capability", "reached"] == pytest.approx(0.08)


def test_command_line_wins_over_the_plan_scenario_values(plan_run):
    path, _, folder = plan_run
    manifest = json.loads((folder / "manifest.json").read_text())
    sc = manifest["scenario"]
    assert sc["import_scale"] == 0.95  # given on the command line
    assert sc["reserve_share"] == 0.06  # from the plan file
    import hashlib

    assert sc["plan"]["sha256"] == hashlib.sha256(path.read_text().encode()).hexdigest()
    assert sc["plan"]["text"] == PLAN


def test_plan_round_trips_through_the_manifest_and_reruns(plan_run, tables):
    _, runs, folder = plan_run
    record = json.loads((folder / "manifest.json").read_text())["scenario"]
    sc = scenario_from_record(record)
    assert sc.plan is not None and sc.plan.target(2030, "gas_capacity") == 14000.0
    assert json.loads(json.dumps(scenario_record(sc))) == record
    assert main(["rerun", str(folder)]) == 0  # the replay applies the recorded plan and reproduces the run


def test_runs_list_shows_the_plan_and_compare_shows_it_differs(plan_run, tmp_path, capsys):
    path, runs, folder = plan_run
    capsys.readouterr()
    assert main(["runs", "list", "--runs-dir", str(runs)]) == 0
    sha = json.loads((folder / "manifest.json").read_text())["scenario"]["plan"]["sha256"]
    assert f"plan.toml@{sha[:12]}" in capsys.readouterr().out
    assert main(["check", *SHORT, "--runs-dir", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["compare", str(folder), str(_only_run(tmp_path)), "--json"]) == 0
    changed = {row["field"]: row for row in json.loads(capsys.readouterr().out)["params_changed"]}
    assert f"plan.toml@{sha[:12]}" in changed["scenario.plan"].values()


def test_storage_target_is_the_years_own_row_or_carried_forward(tables):
    # the year's own row: a 2030 storage value differing from 2025 reaches the 2030 fleet
    targets = tables["targets"].copy()
    targets.loc[(targets["id"] == "storage_capacity") & (targets["year"] == 2030), "value"] = 450.0
    d = assemble({**tables, "targets": targets}, Scenario(year=2030, start_hour=4800, hours=24))
    assert d.storage.loc[d.storage["carrier"] == "battery", "p_nom"].sum() == pytest.approx(450.0)
    # no 2030 row: the 2025 figure is carried forward, and the target table says so
    without = targets[~((targets["id"] == "storage_capacity") & (targets["year"] == 2030))]
    row = year_targets(without, 2030).set_index("id").loc["storage_capacity"]
    assert row["value"] == 200.0 and "carried forward from 2025" in row["description"]
    d = assemble({**tables, "targets": without}, Scenario(year=2030, start_hour=4800, hours=24))
    assert d.storage.loc[d.storage["carrier"] == "battery", "p_nom"].sum() == pytest.approx(200.0)
    # ... and a plan's 2025 figure is what is carried
    plan = parse_plan("[2025]\nstorage_capacity = 500\n", {**tables, "targets": without}, Scenario)
    sc = replace(Scenario(year=2030, start_hour=4800, hours=24), plan=plan)
    d = assemble({**tables, "targets": without}, sc)
    assert d.storage.loc[d.storage["carrier"] == "battery", "p_nom"].sum() == pytest.approx(500.0)
    assert "carried forward from 2025" in d.targets.set_index("id").at["storage_capacity", "description"]


def test_template_holds_todays_values_and_reads_back(tables, capsys):
    text = plan_template(tables)
    plan = parse_plan(text, tables, Scenario)
    assert plan.target(2030, "gas_capacity") == 12000.0 and plan.target(2025, "storage_capacity") == 200.0
    assert main(["plan", "template"]) == 0
    assert capsys.readouterr().out == text


@pytest.mark.parametrize(
    "text, named",
    [
        ("[2030]\nnuclear_capacity = 1\n", "[2030] nuclear_capacity"),
        ("[2040]\ngas_capacity = 1\n", "[2040]"),
        ("[2030]\ngas_capacity = 'lots'\n", "[2030] gas_capacity"),
        ("[2030]\ndr_capability = 2\n", "[2030] dr_capability"),
        ("[2030.districts.Atlantis]\nstorage_mw = 1\n", "[2030.districts.Atlantis]"),
        ("[2030.districts.Tianhe]\nstorage_mw = 5000\n", "storage_mw add up to 5000 MW"),
        ("[scenario]\nyear = 2025\n", "[scenario] year"),
        ("[scenario]\ncoal_replacement = 'no'\n", "[scenario] coal_replacement"),
        ("[scenario]\nreserve_share = 1.5\n", "[scenario] reserve_share"),
        ("[scenario]\nhours = 24.5\n", "[scenario] hours"),
        ("[2030\n", "not a valid TOML"),
    ],
)
def test_plan_errors_are_one_line_naming_the_key(tables, text, named):
    with pytest.raises(InputError) as err:
        parse_plan(text, tables, Scenario, "p.toml")
    assert named in str(err.value) and "\n" not in str(err.value)


def test_bad_plan_file_exits_2(tmp_path, capsys):
    path = tmp_path / "plan.toml"
    path.write_text("[2030]\ngas = 1\n")
    assert main(["check", *SHORT, "--plan", str(path), "--runs-dir", str(tmp_path)]) == 2
    assert "[2030] gas: not a target id" in capsys.readouterr().err


def test_every_lever_reaches_the_scenario_under_its_field_name(tmp_path):
    from gzpower.cli.args import scenario_from_args
    from gzpower.cli.main import build_parser

    argv = ["check", "--reserve-share", "0.07", "--voll", "5000", "--dr-shift-share", "0.02", "--storage-hours", "4"]
    sc = scenario_from_args(build_parser().parse_args(argv), "check", 2030)
    assert (sc.reserve_share, sc.value_of_lost_load, sc.dr_shift_share, sc.storage_hours) == (0.07, 5000, 0.02, 4)
    defaults = scenario_from_args(build_parser().parse_args(["check"]), "check", 2030)
    assert defaults == Scenario(year=2030)
    # the same names in a plan file and in a sweep
    plan = tmp_path / "p.toml"
    plan.write_text("[scenario]\nreserve_share = 0.07\nvalue_of_lost_load = 5000\ndr_shift_share = 0.02\n")
    args = build_parser().parse_args(["check", "--plan", str(plan), "--storage-hours", "4"])
    from_plan = scenario_from_args(args, "check", 2030)
    assert (from_plan.reserve_share, from_plan.value_of_lost_load, from_plan.dr_shift_share) == (0.07, 5000, 0.02)
    assert from_plan.storage_hours == 4
    from gzpower.studies.sweep import parse_param

    for name in ("reserve_share", "value_of_lost_load", "dr_shift_share", "storage_hours"):
        assert parse_param(f"{name}=1,2")[0] == name
    args = build_parser().parse_args(["size", "storage", "--storage-hours", "4", "--max-loss-of-load-hours", "2"])
    assert args.storage_hours == 4 and args.max_loss_of_load_hours == 2
    old = build_parser().parse_args(["size", "storage", "--hours-of-storage", "4", "--max-lole", "2"])
    assert old.storage_hours == 4 and old.max_loss_of_load_hours == 2  # hidden aliases of the old spellings


def test_dr_shift_gets_its_named_cost(tables):
    d = assemble(tables, Scenario(year=2030, start_hour=4800, hours=24, dr_shift_share=0.05))
    assert (d.demand_response["shift_cost_per_mwh"] == A.DR_SHIFT_COST_CNY_PER_MWH).all()
    assert A.DR_SHIFT_COST_CNY_PER_MWH > 0


def test_periods_are_refused_in_check_mode(tmp_path, capsys):
    assert main(["check", "--year", "2030", "--periods", "4", "--runs-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "seven-fold" in err and len(err.strip().splitlines()) == 1
    assert main(["check", "--year", "2030", "--start-hour", "8750", "--hours", "48", "--runs-dir", str(tmp_path)]) == 2


@pytest.mark.parametrize(
    "query",
    [
        "COPY (SELECT 1) TO '{tmp}/x.csv'",
        "ATTACH '{tmp}/x.duckdb' AS x",
        "CREATE TABLE t AS SELECT 1",
        "SELECT 1; SELECT 2",
    ],
)
def test_runs_sql_is_read_only(tmp_path, capsys, query):
    assert main(["runs", "sql", query.format(tmp=tmp_path), "--runs-dir", str(tmp_path)]) == 2
    assert "error: query:" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    assert main(["runs", "sql", "SELECT 42 AS answer", "--runs-dir", str(tmp_path)]) == 0


def test_plan_applies_to_its_year_only(tables):
    plan = parse_plan(PLAN, tables, Scenario)
    d25 = assemble(tables, replace(Scenario(year=2025, start_hour=4800, hours=24), plan=plan))
    assert d25.targets.set_index("id").at["gas_capacity", "value"] == 9000.0


@pytest.mark.parametrize("sigma, expected_shift, expected_unserved", [(100.0, 20.0, 0.0), (1500.0, 0.0, 20.0)])
def test_shifting_costs_sigma_per_mwh_moved_by_hand(sigma, expected_shift, expected_unserved):
    # one 100 MW generator at 10 CNY/MWh, load 80 then 120 in one day, VoLL 1000. Shifting 20 MWh from the
    # second hour into the first serves all load: 200 MWh x 10 + 20 MWh x sigma. At sigma = 100 that beats the
    # 20 MWh unserved (20,000 CNY); at sigma = 1,500 it does not: 180 x 10 + 20 x 1,000.
    from gzpower.model.registry import COST_SCALE
    from tests.factory import make_data, thermal, with_marginal_cost
    from tests.test_model_analytic import run

    units = with_marginal_cost(thermal([{"unit": "g", "bus": "A", "p_nom": 100.0}]), {"g": 10.0})
    dr = pd.DataFrame(
        {
            "p_nom": 0.0,
            "district_peak": 120.0,
            "p_nom_max": 0.0,
            "annuity": 0.0,
            "cost_per_mwh": 0.0,
            "max_hours_per_day": 0.0,
            "shift_mw": 30.0,
            "shift_cost_per_mwh": sigma,
        },
        index=pd.Index(["A"], name="bus"),
    )
    built, outcome, out = run(make_data({"A": [80.0, 120.0]}, thermal_units=units, dr=dr))
    bal = out["balance"]
    assert bal["dr_shift_mw"].clip(lower=0).sum() == pytest.approx(expected_shift, abs=1e-6)
    assert bal["unserved_mw"].sum() == pytest.approx(expected_unserved, abs=1e-6)
    expected = (200 - expected_unserved) * 10 + expected_shift * sigma + expected_unserved * 1000
    assert outcome.objective / COST_SCALE == pytest.approx(expected, rel=1e-7)
    costs = out["costs"].set_index("category")["cny"]
    assert costs["demand_response"] == pytest.approx(expected_shift * sigma, rel=1e-7)


def test_report_shows_the_scenario_as_a_table_and_the_plans_chinese(plan_run):
    from gzpower.report import write_report
    from gzpower.report.fonts import installed_cjk_families, use_cjk_fallback

    _, _, folder = plan_run
    html = write_report(folder).read_text(encoding="utf-8")
    assert '<table class="scenario">' in html
    row = '<td class="id">reserve_share</td><td class="value">0.060</td><td class="unit">MW/MW of city load</td>'
    assert row in html
    assert "plan.toml (sha256 " in html
    assert "reserve_share=" not in html  # no raw dict
    assert "尖峰负荷响应能力" in html and '"Noto Sans CJK SC"' in html
    assert use_cjk_fallback() == bool(installed_cjk_families())


def test_sweep_takes_the_plan_and_the_levers(tmp_path):
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN)
    runs = tmp_path / "runs"
    argv = ["sweep", "--plan", str(plan), "--param", "reserve_share=0.05,0.07", "--dr-shift-share", "0.01"]
    argv += ["--hours", "24", "--start-hour", "4800", "--workers", "1", "--runs-dir", str(runs), "--quiet"]
    assert main(argv) == 0
    manifests = [json.loads((p / "manifest.json").read_text()) for p in runs.glob("*check-2030*")]
    assert sorted(m["scenario"]["reserve_share"] for m in manifests) == [0.05, 0.07]
    assert all(m["scenario"]["dr_shift_share"] == 0.01 and m["scenario"]["import_scale"] == 0.9 for m in manifests)
    assert all(m["scenario"]["plan"]["targets"] for m in manifests)
