"""The run catalogue (DuckDB over run folders) and run comparison, on three 24-h runs: simplex, IPM, and simplex
with a different battery fleet."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest

from gzpower.cli import main
from gzpower.errors import InputError
from gzpower.runs.catalogue import list_runs, open_catalogue
from gzpower.runs.compare import compare_runs, load_runs, to_json
from gzpower.scenario.scenario import Scenario
from gzpower.solve.highs import SolverSettings
from gzpower.studies.run import run_and_write
from tests.conftest import DATA

DAY = Scenario(year=2030, start_hour=4800, hours=24)


@pytest.fixture(scope="module")
def runs(tables, tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    simplex = run_and_write(tables, DAY, SolverSettings(algorithm="simplex"), root, DATA)
    ipm = run_and_write(tables, DAY, SolverSettings(algorithm="ipm"), root, DATA)
    bigger = run_and_write(tables, replace(DAY, storage_mw=800.0), SolverSettings(), root, DATA)
    # a run still being written (or abandoned): must never show up
    hidden = root / ".tmp-20990101T000000-check-2030-ffffff"
    shutil.copytree(simplex.folder, hidden)
    return root, simplex, ipm, bigger


def test_catalogue_lists_finished_runs_only(runs):
    root, simplex, ipm, bigger = runs
    cat = open_catalogue(root)
    assert sorted(cat.runs["run"]) == sorted(r.folder.name for r in (simplex, ipm, bigger))
    assert {"runs", "balance", "dispatch", "flows", "capacities", "target_check"} <= set(cat.views)
    one = cat.sql("SELECT * FROM runs WHERE run = ?", [ipm.folder.name]).iloc[0]
    assert one["algorithm"] == "ipm" and one["mode"] == "check" and one["year"] == 2030 and one["hours"] == 24
    assert one["objective_mcny"] == pytest.approx(ipm.objective)
    assert one["unserved_mwh"] == pytest.approx(ipm.kpis["unserved_mwh"])
    # the parquet views carry the run name and hold every finished run's rows, nothing from the hidden folder
    counts = cat.sql("SELECT run, count(*) AS n FROM balance GROUP BY run ORDER BY run")
    assert len(counts) == 3 and (counts["n"] == len(simplex.tables["balance"])).all()
    joined = cat.sql(
        "SELECT r.storage_mw, sum(c.total) AS mw FROM capacities c JOIN runs r USING (run) "
        "WHERE c.family = 'storage' AND c.unit = 'MW' AND r.algorithm = 'simplex' "
        "GROUP BY ALL ORDER BY 1 NULLS FIRST"
    )
    assert joined["mw"].iloc[1] - joined["mw"].iloc[0] == pytest.approx(800.0 - 200.0, abs=1e-6)
    # the same inputs give the same digest
    assert cat.runs["inputs_sha256"].nunique() == 1


def test_runs_list_filters(runs):
    root, simplex, ipm, bigger = runs
    cat = open_catalogue(root)
    assert list(list_runs(cat, params=["storage_mw=800"])["run"]) == [bigger.folder.name]
    assert list(list_runs(cat, params=["algorithm=IPM"])["run"]) == [ipm.folder.name]
    assert len(list_runs(cat, mode="check", year=2030, status="optimal", since="2000-01-01")) == 3
    assert len(list_runs(cat, year=2025)) == 0 and len(list_runs(cat, since="2999-01-01")) == 0
    with pytest.raises(InputError):
        list_runs(cat, params=["no_such_column=1"])
    with pytest.raises(InputError):
        cat.sql("SELECT nope FROM runs")


def test_simplex_and_ipm_agree(runs):
    root, simplex, ipm, _ = runs
    c = compare_runs(load_runs([str(simplex.folder), ipm.folder.name], root))
    assert c.inputs_identical and c.inputs.empty
    assert list(c.params["field"]) == ["solver.algorithm"]
    assert c.objective_rel_diff["B"] < 1e-6
    # the solver table shows which algorithm iterated
    solver = c.solver.set_index("statistic")
    assert solver.loc["simplex_iterations", "A"] > 0 and solver.loc["ipm_iterations", "B"] > 0
    assert c.capacities.empty
    kpi = c.kpis.set_index("kpi")
    assert kpi.loc["load_mwh", "B-A"] == pytest.approx(0.0, abs=1e-6)


def test_a_changed_parameter_shows_up(runs):
    root, simplex, _, bigger = runs
    c = compare_runs(load_runs([simplex.folder.name, bigger.folder.name], root), top=50)
    changed = c.params.set_index("field")
    assert changed.loc["scenario.storage_mw", "A"] is None and changed.loc["scenario.storage_mw", "B"] == 800.0
    batteries = c.capacities[(c.capacities["family"] == "storage") & (c.capacities["unit"] == "MW")]
    assert (batteries["B"] - batteries["A"]).sum() == pytest.approx(600.0, abs=1e-6)
    assert len(c.hourly["dispatch"]) <= 50 and (c.hourly["dispatch"]["run"] == "B").all()
    # the largest dispatch change is what the two tables say at that hour
    top = c.hourly["dispatch"].iloc[0]
    a = simplex.tables["dispatch"].query("element == @top.element and hour == @top.at_hour")["p_mw"].sum()
    assert top["A"] == pytest.approx(a) and top["change"] == pytest.approx(top["other"] - top["A"])
    assert c.objective_rel_diff["B"] == pytest.approx(
        abs(bigger.objective - simplex.objective) / abs(simplex.objective)
    )
    json.dumps(to_json(c))  # machine output serialises


def test_cli(runs, capsys):
    root, simplex, ipm, _ = runs
    assert main(["compare", simplex.folder.name, ipm.folder.name, "--runs-dir", str(root), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["inputs_identical"] and out["objective_rel_diff"]["B"] < 1e-6
    assert main(["compare", simplex.folder.name, ipm.folder.name, "--runs-dir", str(root)]) == 0
    assert "relative objective difference B vs A" in capsys.readouterr().out
    assert main(["compare", simplex.folder.name, "no-such-run", "--runs-dir", str(root)]) == 2
    assert main(["runs", "list", "--runs-dir", str(root), "--param", "algorithm=ipm"]) == 0
    assert "1 of 3 runs" in capsys.readouterr().out
    assert main(["runs", "sql", "SELECT count(*) AS n FROM runs", "--runs-dir", str(root)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].strip() == "3"
