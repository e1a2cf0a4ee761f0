"""Probabilistic adequacy: closed forms, hand-derived network and storage cases, the screen, reproducibility."""

from __future__ import annotations

from math import comb

import numpy as np
import pandas as pd
import pytest

from gzpower.studies.adequacy import AdequacySystem, Settings, run_adequacy
from gzpower.studies.adequacy.dispatch import HourProblem, cuts, max_deficit
from gzpower.studies.adequacy.engine import adequacy_table, target_check_rows
from gzpower.studies.adequacy.system import Assets


def assets(bus, mw, p_fail=0.0, p_repair=1.0, prefix="a") -> Assets:
    n = len(mw)
    return Assets(
        [f"{prefix}{i}" for i in range(n)],
        np.asarray(bus, dtype=int),
        np.asarray(mw, dtype=float),
        np.full(n, float(p_fail)),
        np.full(n, float(p_repair)),
    )


def system(
    load,
    units: Assets,
    *,
    buses=("A",),
    externals=(),
    imports=None,
    links: Assets | None = None,
    link_external=(),
    lines=(),
    stores: Assets | None = None,
    store_mwh=(),
    dr_mw=None,
    dr_hours=None,
    hours=None,
) -> AdequacySystem:
    """A hand-made system; ``load`` is year hours x buses (a whole number of days)."""
    load = np.asarray(load, dtype=float).reshape(len(load), -1)
    n_h, n_b = load.shape
    stores = stores or assets([], [])
    line = np.array(lines, dtype=float).reshape(-1, 3)
    return AdequacySystem(
        buses=list(buses),
        externals=list(externals),
        load_mw=load,
        renewable_mw=np.zeros((n_h, n_b)),
        import_mw=np.asarray(imports, dtype=float).reshape(n_h, -1) if imports is not None else np.zeros((n_h, 0)),
        day_type=np.zeros(n_h // 24, dtype=int),
        units=units,
        links=links or assets([], []),
        link_external=np.asarray(link_external, dtype=int),
        line_bus0=line[:, 0].astype(int),
        line_bus1=line[:, 1].astype(int),
        line_mw=line[:, 2],
        stores=stores,
        store_mwh=np.asarray(store_mwh, dtype=float),
        eff_charge=np.ones(len(stores)),
        eff_discharge=np.ones(len(stores)),
        dr_mw=np.zeros(n_b) if dr_mw is None else np.asarray(dr_mw, dtype=float),
        dr_hours_per_day=np.zeros(n_b) if dr_hours is None else np.asarray(dr_hours, dtype=float),
        hours=hours or n_h,
    )


def binomial_table(n: int, mw: float, q: float, load: float) -> tuple[float, float]:
    """Hourly loss-of-load probability and expected unserved MW of n identical units against a flat load."""
    p_short = e_short = 0.0
    for k in range(n + 1):  # k units out
        p = comb(n, k) * q**k * (1 - q) ** (n - k)
        short = load - (n - k) * mw
        if short > 1e-9:
            p_short += p
            e_short += p * short
    return p_short, e_short


def test_one_bus_matches_the_binomial_outage_table():
    # 10 x 100 MW, down 1/10 of the time (MTTF 45 h, MTTR 5 h), against 850 MW: short when 2 or more are out
    n, mw, load, hours = 10, 100.0, 850.0, 480
    p_fail, p_repair = 1 / 45, 1 / 5
    q = p_fail / (p_fail + p_repair)
    s = system(np.full(hours, load), assets([0] * n, [mw] * n, p_fail, p_repair))
    r = run_adequacy(s, Settings(samples=40, seed=3))
    p_short, e_short = binomial_table(n, mw, q, load)
    assert p_short == pytest.approx(1 - 0.9**10 - 10 * 0.1 * 0.9**9)  # the table itself: 0.2639
    lole, lole_se = r.mean_se("lole_h")
    eue, eue_se = r.mean_se("eue_mwh")
    assert abs(lole - hours * p_short) < 3 * lole_se
    assert abs(eue - hours * e_short) < 3 * eue_se
    assert 0 < lole_se < 0.1 * lole and 0 < eue_se < 0.1 * eue
    # the largest shortfall of a sample is a whole number of units short of the load
    assert set(np.round((r.samples["max_shortfall_mw"] - 50.0) / 100.0, 9)) <= set(np.arange(0, 9.0))


def test_interface_limit_causes_the_shortfall():
    # district A: 800 MW load, no generation; fed by a 600 MW interface from a 1000 MW source, and by a 150 MW
    # line from district B, whose 1000 MW unit serves its own 100 MW: 800 - 600 - 150 = 50 MW unserved in A
    hours = 48
    load = np.tile([800.0, 100.0], (hours, 1))
    s = system(
        load,
        assets([1], [1000.0]),
        buses=("A", "B"),
        externals=("grid",),
        imports=np.full(hours, 1000.0),
        links=assets([0], [600.0], prefix="link"),
        link_external=[0],
        lines=[(0, 1, 150.0)],
    )
    r = run_adequacy(s, Settings(samples=3, seed=0))
    assert r.samples["lole_h"].tolist() == [48.0] * 3
    assert r.samples["eue_mwh"].to_numpy() == pytest.approx([50.0 * 48] * 3)
    assert r.bus_eue_mwh[:, 0] == pytest.approx([2400.0] * 3) and r.bus_eue_mwh[:, 1] == pytest.approx([0.0] * 3)
    # with the source itself short (500 MW), the source is the binding cut: 800 - 500 - 150 = 150 MW
    s.import_mw[:] = 500.0
    assert run_adequacy(s, Settings(samples=2, seed=0)).samples["eue_mwh"].to_numpy() == pytest.approx([7200.0] * 2)


def test_interface_outages_give_the_stationary_unavailability():
    # a 500 MW load fed only by one interface that is down a share q of the hours: LOLE = hours x q
    hours = 720
    p_fail, p_repair = 1 / 95, 1 / 5
    s = system(
        np.full(hours, 500.0),
        assets([], []),
        externals=("grid",),
        imports=np.full(hours, 2000.0),
        links=assets([0], [600.0], p_fail, p_repair, prefix="link"),
        link_external=[0],
    )
    r = run_adequacy(s, Settings(samples=60, seed=11))
    lole, se = r.mean_se("lole_h")
    assert abs(lole - hours * 0.05) < 3 * se
    assert r.mean_se("eue_mwh")[0] == pytest.approx(500.0 * lole)


def _peaky(hours_short: int = 4) -> np.ndarray:
    """A day of 80 MW with 140 MW in its last ``hours_short`` hours, for 3 days."""
    day = np.full(24, 80.0)
    day[24 - hours_short :] = 140.0
    return np.tile(day, 3)


def test_storage_removes_a_known_shortfall():
    gen = assets([0], [100.0])
    # without storage: 40 MW short in 4 h a day = 160 MWh/day
    assert run_adequacy(system(_peaky(), gen), Settings(samples=2)).samples["eue_mwh"].tolist() == [480.0] * 2
    # 50 MW / 400 MWh store, charged from the 20 MW surplus of the 20 other hours: nothing short
    full = system(_peaky(), gen, stores=assets([0], [50.0], prefix="st"), store_mwh=[400.0])
    r = run_adequacy(full, Settings(samples=2, initial_soc_share=0.0))
    assert r.samples["eue_mwh"].tolist() == pytest.approx([0.0, 0.0])
    # a 30 MW store leaves 10 MW in each of the 4 h: 40 MWh/day
    small = system(_peaky(), gen, stores=assets([0], [30.0], prefix="st"), store_mwh=[400.0])
    r = run_adequacy(small, Settings(samples=2, initial_soc_share=0.0))
    assert r.samples["eue_mwh"].to_numpy() == pytest.approx([120.0, 120.0])
    assert r.samples["lole_h"].tolist() == [12.0, 12.0]
    # an empty 50 MW / 100 MWh store that cannot charge (no surplus: 100 MW load in the other hours) covers
    # nothing but what it held: 0.5 x 100 MWh at the start, then 160 MWh/day short
    flat = np.where(_peaky() > 100, 140.0, 100.0)
    r = run_adequacy(system(flat, gen, stores=assets([0], [50.0], prefix="st"), store_mwh=[100.0]), Settings(samples=1))
    assert r.samples["eue_mwh"].tolist() == pytest.approx([480.0 - 50.0])


def test_demand_response_limited_to_its_hours_per_day():
    # 40 MW of DR for at most 2 h a day covers 2 of the 4 short hours: 80 MWh/day unserved
    r = run_adequacy(system(_peaky(), assets([0], [100.0]), dr_mw=[40.0], dr_hours=[2.0]), Settings(samples=1))
    assert r.samples["eue_mwh"].tolist() == pytest.approx([240.0])
    assert r.samples["lol_days"].tolist() == [3.0]


def _meshed(hours: int = 96) -> AdequacySystem:
    """Three districts with outages, a line bottleneck, an interface and a store: shortfalls of every kind."""
    rng = np.random.default_rng(5)
    base = np.array([600.0, 300.0, 200.0])
    load = base * (1 + 0.25 * np.sin(np.arange(hours) / 24 * 2 * np.pi))[:, None] + rng.uniform(0, 60, (hours, 3))
    return system(
        load,
        assets([0, 1, 1, 2], [250.0, 300.0, 300.0, 150.0], 1 / 30, 1 / 6),
        buses=("A", "B", "C"),
        externals=("grid",),
        imports=rng.uniform(200, 500, hours),
        links=assets([0, 2], [300.0, 200.0], 1 / 60, 1 / 6, prefix="link"),
        link_external=[0, 0],
        lines=[(0, 1, 250.0), (1, 2, 150.0)],
        stores=assets([2], [80.0], 1 / 100, 1 / 10, prefix="st"),
        store_mwh=[240.0],
        dr_mw=[30.0, 0.0, 10.0],
        dr_hours=[2.0, 0.0, 2.0],
    )


def test_screen_misses_no_shortfall():
    s = _meshed()
    screened = run_adequacy(s, Settings(samples=6, seed=2))
    every = run_adequacy(s, Settings(samples=6, seed=2, solve_every_hour=True))
    assert screened.samples["lole_h"].sum() > 20  # the case is short often enough to mean something
    assert (screened.samples["solved_hours"] < every.samples["solved_hours"]).all()
    for col in ("lole_h", "eue_mwh", "lol_days", "max_shortfall_mw"):
        np.testing.assert_allclose(screened.samples[col], every.samples[col], rtol=1e-9, atol=1e-6)


def test_cut_deficit_equals_the_transport_problem():
    # without stores and DR, the unserved MW of an hour is max(0, largest cut deficit) (max-flow / min-cut)
    s = _meshed(48)
    problem = HourProblem(s)
    rng = np.random.default_rng(0)
    for t in range(48):
        gen = rng.uniform(0, 400, 3)
        link = rng.uniform(0, 300, 2) * (rng.random(2) > 0.3)
        imports = rng.uniform(0, 600, 1)
        for c in (cuts(s), cuts(s, every=True)):
            deficit = max_deficit(s, c, s.load_mw[t : t + 1], gen[None], imports[None], link[None])[0]
            u, _, _ = problem.solve(s.load_mw[t], gen, imports, link, np.zeros(1), np.ones(1), np.zeros(3))
            assert u.sum() == pytest.approx(max(0.0, deficit), abs=1e-6)


def test_same_seed_same_numbers_whatever_the_workers():
    s = _meshed()
    one = run_adequacy(s, Settings(samples=8, seed=7), workers=1, size=8)
    again = run_adequacy(s, Settings(samples=8, seed=7), workers=1, size=3)
    two = run_adequacy(s, Settings(samples=8, seed=7), workers=2)
    other = run_adequacy(s, Settings(samples=8, seed=8), workers=1)
    pd.testing.assert_frame_equal(one.samples, again.samples)
    pd.testing.assert_frame_equal(one.samples, two.samples)
    np.testing.assert_array_equal(one.bus_eue_mwh, two.bus_eue_mwh)
    assert not one.samples["eue_mwh"].equals(other.samples["eue_mwh"])


def test_tables_and_target_rows():
    s = system(_peaky(), assets([0], [100.0]))
    r = run_adequacy(s, Settings(samples=2))
    table = adequacy_table(r)
    city = table[(table["scope"] == "city")].set_index("metric")
    assert city.loc["eue_mwh", "mean"] == pytest.approx(480.0) and city.loc["eue_mwh", "se"] == 0.0
    band = table[(table["scope"] == "hour_band") & (table["metric"] == "eue_mwh")].set_index("element")["mean"]
    assert band["20-24"] == pytest.approx(480.0) and band.drop("20-24").sum() == 0.0
    rows = target_check_rows(r, 2030, annual_demand_mwh=1e6)
    assert list(rows["id"]) == ["lole_probabilistic", "eue_probabilistic"]
    assert list(rows["status"]) == ["fail", "fail"]  # 12 h > 3 h; 480 MWh > 0.002 % x 1e6 = 20 MWh
    assert rows["target"].tolist() == pytest.approx([3.0, 20.0])
    assert rows["margin"].tolist() == pytest.approx([3.0 - 12.0, 20.0 - 480.0])


def test_capacity_credit_of_storage_and_dr_hand_derived():
    from gzpower.studies.adequacy.credit import capacity_credits

    # firm F MW in place of the resource leaves 12 (40 - F) MWh over the 3 days (4 short hours a day)
    gen = assets([0], [100.0])
    store = system(_peaky(), gen, stores=assets([0], [30.0], prefix="st"), store_mwh=[400.0])
    settings = Settings(samples=2, initial_soc_share=0.0)
    credit = capacity_credits(store, settings, run_adequacy(store, settings))
    assert credit["storage_nameplate_mw"] == 30.0
    assert credit["storage_capacity_credit_mw"] == pytest.approx(30.0, abs=1.0)  # EUE 120 MWh = 12 (40 - 30)
    dr = system(_peaky(), gen, dr_mw=[40.0], dr_hours=[2.0])
    credit = capacity_credits(dr, settings, run_adequacy(dr, settings))
    assert credit["dr_capacity_credit_mw"] == pytest.approx(20.0, abs=1.0)  # EUE 240 MWh = 12 (40 - 20)
    assert "storage_capacity_credit_mw" not in credit


def test_dask_cluster_gives_the_same_numbers():
    from dask.distributed import Client, LocalCluster

    s = _meshed(48)
    local = run_adequacy(s, Settings(samples=4, seed=9), workers=1)
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster, Client(cluster) as client:
        remote = run_adequacy(s, Settings(samples=4, seed=9), scheduler=client, size=3)
    pd.testing.assert_frame_equal(local.samples, remote.samples)


# --- on the shipped data -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tables():
    from pathlib import Path

    from gzpower.inputs.validate import load_dataset

    return load_dataset(Path(__file__).resolve().parents[1] / "data")


def test_adapter_keeps_the_fleet(tables):
    from gzpower.model.data import assemble
    from gzpower.scenario.scenario import Scenario
    from gzpower.studies.adequacy import system_from_model

    d = assemble(tables, Scenario(year=2030, mode="check"))
    s = system_from_model(d, "districts")
    assert s.units.mw.sum() == pytest.approx(d.thermal["p_nom"].sum())
    assert s.units.mw.max() <= 670.0 + 1e-9  # standing units as they are; generic blocks split to <= 460 MW
    assert s.load_mw.sum() == pytest.approx(d.load.to_numpy().sum())
    assert s.stores.mw.sum() == pytest.approx(d.storage["p_nom"].sum())
    assert len(s.links) == len(d.links) and len(s.line_mw) == len(d.lines)
    city = system_from_model(d, "city")
    assert city.buses == ["city"] and len(city.line_mw) == 0 and len(city.links) == len(d.links)
    assert city.load_mw[:, 0] == pytest.approx(d.load.sum(axis=1).to_numpy())
    assert city.renewable_mw.sum() == pytest.approx(s.renewable_mw.sum())


def test_cli_adequacy_json_and_run_folder(tmp_path, capsys):
    import json

    from gzpower.cli.main import main

    argv = ["adequacy", "--samples", "3", "--hours", "168", "--start-hour", "4800", "--workers", "1"]
    assert main([*argv, "--seed", "4", "--json", "--runs-dir", str(tmp_path)]) == 0
    raw = capsys.readouterr().out
    out = json.loads(raw)
    assert "NaN" not in raw  # strict JSON: undefined figures are null
    assert {"lole_h", "lole_h_se", "eue_mwh", "eue_mwh_se", "samples"} <= set(out) and out["samples"] == 3
    folder = tmp_path / out["run_folder"].rsplit("/", 1)[-1]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["adequacy"]["seed"] == 4 and manifest["adequacy"]["samples"] == 3
    samples = pd.read_parquet(folder / "samples.parquet")
    assert len(samples) == 3 and samples["eue_mwh"].mean() == pytest.approx(out["eue_mwh"])
    assert (folder / "adequacy.parquet").is_file() and (folder / "adequacy.html").is_file()
    assert main(["adequacy", "--samples", "1", "--runs-dir", str(tmp_path)]) == 2
    assert "at least 2 sample years" in capsys.readouterr().err


def test_check_appends_the_probabilistic_rows(tmp_path):
    from gzpower.cli.main import main

    argv = ["check", "--year", "2030", "--hours", "48", "--start-hour", "4800", "--no-counterfactuals", "--quiet"]
    assert main([*argv, "--adequacy-samples", "2", "--runs-dir", str(tmp_path), "--no-report", "--workers", "1"]) == 0
    [folder] = [p for p in tmp_path.iterdir() if p.is_dir()]
    tc = pd.read_parquet(folder / "target_check.parquet")
    assert list(tc["id"][-2:]) == ["lole_probabilistic", "eue_probabilistic"]
    # the deterministic rows stay (the check writes them per level: deliverability_* for the districts)
    assert {"deliverability_unserved_energy", "deliverability_loss_of_load_hours"} <= set(tc["id"])
    assert tc.iloc[-2]["target"] == 3.0 and tc.iloc[-2]["unit"] == "h/48 h"
    assert (folder / "adequacy.parquet").is_file()


def test_shortfall_shared_pro_rata_to_load():
    # A (300 MW) and B (100 MW) behind one 200 MW interface into A, joined by a line that never binds: the 200 MW
    # short is shared as each district's load, 150 MW in A and 50 MW in B (hand split u_A / 300 = u_B / 100)
    hours = 24
    s = system(
        np.tile([300.0, 100.0], (hours, 1)),
        assets([], []),
        buses=("A", "B"),
        externals=("grid",),
        imports=np.full(hours, 1000.0),
        links=assets([0], [200.0], prefix="link"),
        link_external=[0],
        lines=[(0, 1, 5000.0)],
    )
    r = run_adequacy(s, Settings(samples=2))
    assert r.bus_eue_mwh[0] == pytest.approx([150.0 * hours, 50.0 * hours], rel=1e-5)
