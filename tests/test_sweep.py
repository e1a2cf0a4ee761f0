"""Sweeps: parameter parsing, the cartesian product, failures recorded, and a Dask cluster giving the same
numbers as local worker processes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from gzpower.errors import InputError
from gzpower.scenario.scenario import Scenario
from gzpower.solve.highs import SolverSettings
from gzpower.studies.sweep import expand_values, parse_param, points, read_sweep_file, run_local, run_sweep
from tests.conftest import DATA

BASE = Scenario(year=2030, start_hour=4800, hours=24, load_scale=1.15)  # a short, tight summer day: some unserved


def test_parse_lists_and_ranges():
    assert parse_param("storage_mw=0,100,200") == ("storage_mw", [0.0, 100.0, 200.0])
    name, values = parse_param("dr_share=0:0.10:0.02")
    assert name == "dr_share" and values == pytest.approx([0.0, 0.02, 0.04, 0.06, 0.08, 0.10])
    assert parse_param("threads=1,2") == ("threads", [1, 2])
    assert parse_param("algorithm=simplex,ipm") == ("algorithm", ["simplex", "ipm"])
    assert parse_param("primal-tol=1e-7") == ("primal_feasibility_tolerance", [1e-7])
    assert expand_values("hours", "24:72:24") == [24, 48, 72]


@pytest.mark.parametrize(
    "text",
    [
        "nonsense=1,2",
        "storage_mw",
        "storage_mw=a,b",
        "dr_share=0:1",
        "hours=1.5",
        "algorithm=magic",
        "storage_mw=10:0:5",
    ],
)
def test_bad_params_are_input_errors(text):
    with pytest.raises(InputError):
        parse_param(text)


def test_sweep_file(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text('[params]\nstorage_mw = [0, 400]\ndr_share = "0:0.04:0.02"\nalgorithm = "ipm"\n')
    assert read_sweep_file(path) == {
        "storage_mw": [0.0, 400.0],
        "dr_share": pytest.approx([0.0, 0.02, 0.04]),
        "algorithm": ["ipm"],
    }
    (tmp_path / "empty.toml").write_text("[other]\nx = 1\n")
    with pytest.raises(InputError, match="params"):
        read_sweep_file(tmp_path / "empty.toml")


def test_points_are_the_cartesian_product_first_parameter_slowest():
    tasks = points(
        BASE,
        SolverSettings(),
        {"storage_mw": [0.0, 100.0], "algorithm": ["simplex", "ipm", "pdlp"]},
        "s",
        Path("data"),
        Path("runs"),
    )
    assert len(tasks) == 6
    assert [(t.scenario.storage_mw, t.settings.algorithm) for t in tasks[:3]] == [
        (0.0, "simplex"),
        (0.0, "ipm"),
        (0.0, "pdlp"),
    ]
    assert tasks[4].params == {"storage_mw": 100.0, "algorithm": "ipm"}
    assert tasks[4].scenario.load_scale == 1.15 and tasks[4].scenario.hours == 24  # the base is kept


def test_a_failed_point_is_recorded_and_the_sweep_goes_on(tmp_path):
    sweep = run_sweep(BASE, SolverSettings(), {"start_hour": [4800, 8750]}, DATA, tmp_path, workers=1, quiet=True)
    s = sweep.summary.set_index("point")
    assert s.loc[0, "status"] == "optimal" and Path(s.loc[0, "run_folder"]).is_dir()
    assert s.loc[1, "status"] == "failed" and "outside" in s.loc[1, "message"]
    assert pd.isna(s.loc[1, "run_folder"])
    on_disk = pd.read_parquet(sweep.path)
    assert list(on_disk["status"]) == ["optimal", "failed"]
    assert (sweep.path.parent / "summary.csv").is_file()
    # no half-written run folder for the failed point
    assert [p.name for p in tmp_path.iterdir() if p.name != "sweeps"] == [Path(s.loc[0, "run_folder"]).name]


def test_dask_cluster_gives_the_local_numbers(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    params = {"storage_mw": [0.0, 400.0, 1600.0]}
    # the local points in this process (test_run_local_in_process_equals_worker_processes holds it to worker
    # processes): two process starts fewer
    local = run_sweep(BASE, SolverSettings(), params, DATA, tmp_path / "local", workers=1, quiet=True).summary
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = run_sweep(
            BASE, SolverSettings(), params, DATA, tmp_path / "dask", scheduler=client, quiet=True
        ).summary
    assert (local["status"] == "optimal").all() and (remote["status"] == "optimal").all()
    for col in (
        "objective_mcny",
        "unserved_mwh",
        "loss_of_load_hours",
        "co2_t",
        "cost_cny",
        "price_avg_cny_per_mwh",
        "price_peak_cny_per_mwh",
    ):
        assert remote[col].to_numpy() == pytest.approx(local[col].to_numpy(), rel=1e-9, abs=1e-9), col
    # the case is tight: unserved energy exists and more storage never increases it
    unserved = local["unserved_mwh"].to_numpy()
    assert unserved[0] > 1.0 and unserved[0] >= unserved[1] - 1e-6 >= unserved[2] - 2e-6
    # each point is an ordinary run folder that knows its sweep
    manifest = json.loads((Path(remote.loc[1, "run_folder"]) / "manifest.json").read_text())
    assert manifest["sweep"]["params"] == {"storage_mw": 400.0} and manifest["scenario"]["storage_mw"] == 400.0
    # the dask points really ran in other processes than the local ones
    assert set(remote["worker"]).isdisjoint(set(local["worker"]))


def test_run_local_in_process_equals_worker_processes(tmp_path):
    tasks = points(BASE, SolverSettings(), {"storage_mw": [0.0, 400.0]}, "t", DATA, tmp_path)
    serial = run_local(tasks, workers=1, quiet=True)
    parallel = run_local(
        points(BASE, SolverSettings(), {"storage_mw": [0.0, 400.0]}, "u", DATA, tmp_path), workers=2, quiet=True
    )
    assert [r.objective_mcny for r in serial] == pytest.approx([r.objective_mcny for r in parallel], rel=1e-9)


def test_cli_sweep_end_to_end(tmp_path, capsys):
    from gzpower.cli import main

    rc = main(
        [
            "sweep",
            "--param",
            "storage_mw=0,400",
            "--hours",
            "24",
            "--start-hour",
            "4800",
            "--load-scale",
            "1.15",
            "--runs-dir",
            str(tmp_path),
            "--workers",
            "1",
            "--quiet",
            "--name",
            "cli",
        ]
    )
    out = capsys.readouterr().out
    assert rc == 0 and "summary:" in out
    (summary,) = (tmp_path / "sweeps").glob("*-cli-*/summary.parquet")
    frame = pd.read_parquet(summary)
    assert list(frame["storage_mw"]) == [0.0, 400.0] and (frame["status"] == "optimal").all()
    # the KPI curves against the swept parameter sit beside the table
    assert (summary.parent / "summary.html").is_file() and "plot:" in out
    assert main(["sweep", "--param", "bogus=1", "--runs-dir", str(tmp_path)]) == 2
