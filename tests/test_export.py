"""Results out: a run's tables as CSV (equal to its parquet) and as one Excel workbook, the case as a PyPSA network
that PyPSA loads with the run's capacities and dispatch; and the Python API example."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

from gzpower.cli import main

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    runs = tmp_path_factory.mktemp("export-runs")
    argv = ["check", "--year", "2030", "--hours", "24", "--start-hour", "4800", "--no-report", "--no-counterfactuals"]
    assert main([*argv, "--runs-dir", str(runs), "--quiet"]) == 0
    (folder,) = [p for p in runs.iterdir() if not p.name.startswith(".")]
    return folder


def test_csv_tables_equal_the_parquet(run, tmp_path):
    assert main(["export", str(run), "--format", "csv", "--out", str(tmp_path)]) == 0
    out = tmp_path / run.name
    parquet = sorted(p.stem for p in run.glob("*.parquet"))
    assert sorted(p.stem for p in out.glob("*.csv")) == parquet
    for name in ("capacities", "target_check", "balance"):
        want = pd.read_parquet(run / f"{name}.parquet")
        got = pd.read_csv(out / f"{name}.csv")
        for col in want.columns:
            if pd.api.types.is_numeric_dtype(want[col]) and not pd.api.types.is_bool_dtype(want[col]):
                pd.testing.assert_series_equal(got[col].astype(float), want[col].astype(float), check_names=False)
            elif not pd.api.types.is_datetime64_any_dtype(want[col]):
                assert got[col].fillna("").astype(str).tolist() == want[col].fillna("").astype(str).tolist(), col


def test_csv_of_chosen_tables_and_an_unknown_table(run, tmp_path, capsys):
    assert main(["export", str(run), "--format", "csv", "--out", str(tmp_path), "--tables", "capacities,costs"]) == 0
    assert sorted(p.name for p in (tmp_path / run.name).iterdir()) == ["capacities.csv", "costs.csv"]
    assert main(["export", str(run), "--format", "csv", "--out", str(tmp_path), "--tables", "nope"]) == 2
    assert "nope" in capsys.readouterr().err


def test_xlsx_has_a_sheet_per_table(run, tmp_path):
    pytest.importorskip("openpyxl", reason="openpyxl (the dev extra) writes xlsx")
    assert main(["export", str(run), "--format", "xlsx", "--out", str(tmp_path), "--tables", "capacities,costs"]) == 0
    sheets = pd.read_excel(tmp_path / f"{run.name}.xlsx", sheet_name=None)
    assert sorted(sheets) == ["capacities", "costs"]
    want = pd.read_parquet(run / "capacities.parquet")
    assert sheets["capacities"]["total"].tolist() == pytest.approx(want["total"].tolist())


@pytest.mark.skipif(importlib.util.find_spec("pypsa") is None, reason="pypsa is not installed (pip install '.[dev]')")
def test_pypsa_network_loads_with_the_runs_capacities_and_dispatch(run, tmp_path):
    import pypsa

    assert main(["export", str(run), "--format", "pypsa", "--out", str(tmp_path)]) == 0
    n = pypsa.Network(str(tmp_path / f"{run.name}.nc"))
    caps = pd.read_parquet(run / "capacities.parquet").set_index("element")["total"]
    assert len(n.snapshots) == 24
    assert n.storage_units.at["battery_Tianhe", "p_nom"] == pytest.approx(caps["battery_Tianhe"])
    gas = [u for u in n.generators.index if n.generators.at[u, "carrier"] == "gas"]
    assert n.generators.loc[gas, "p_nom"].sum() == pytest.approx(
        pd.read_parquet(run / "capacities.parquet").query("family == 'thermal' and carrier == 'gas'")["total"].sum()
    )
    disp = pd.read_parquet(run / "dispatch.parquet")
    unit = disp[disp["family"] == "thermal"].sort_values("p_mw").iloc[-1]
    assert n.generators_t.p[unit["element"]].iloc[int(unit["hour"])] == pytest.approx(unit["p_mw"])
    assert set(n.lines.index) == set(pd.read_parquet(run / "flows.parquet").query("kind == 'line'")["element"])


def test_example_plan_study_runs(tmp_path):
    spec = importlib.util.spec_from_file_location("plan_study", REPO / "examples" / "plan_study.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.main(["--runs-dir", str(tmp_path), "--hours", "24", "--quiet"])
    assert out["gas_mw"] == pytest.approx(14000.0, abs=1e-3) and out["storage_mw"] == pytest.approx(1000.0)
    assert out["sized_mw"] is not None
    manifest = json.loads((Path(out["folder"]) / "manifest.json").read_text())
    assert manifest["scenario"]["plan"]["source"] == "plan_study.py"
