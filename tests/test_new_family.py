"""Adding a technology family is one module: a toy "diesel backup" family, registered only by being put in the
family tuple, is read, built, costed, written to the result tables and balanced without touching any other module.

Hand case: one 24 h Guangzhou day with every import interface scaled to zero and unserved energy forbidden would be
infeasible without enough local supply; here the toy family offers 1,000 MW in Tianhe at 900 CNY/MWh (below the
value of lost load, above every standing unit's marginal cost), so it runs only where it avoids unserved energy, and
the balance still closes in every district and hour.
"""

from __future__ import annotations

import types
from dataclasses import replace

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import pytest

from gzpower.model import families
from gzpower.model.registry import PerEntry
from gzpower.model.tidy import long, matrix, recorded_capacities
from gzpower.scenario.scenario import Scenario
from gzpower.solve.highs import SolverSettings
from gzpower.studies.run import solve_case

DIESEL_MW, DIESEL_COST = 1000.0, 900.0


def _inputs(tables, sc, ctx):
    return {"diesel": pd.DataFrame({"bus": ["Tianhe"], "p_nom": [DIESEL_MW]}, index=pd.Index(["diesel_Tianhe"]))}


def _build(m, d, reg):
    diesel = d.elements["diesel"]
    units = list(diesel.index)
    cap = diesel["p_nom"].to_dict()
    m.DIESEL = pyo.Set(initialize=units, ordered=True, doc="toy diesel backup units")
    m.diesel_p = pyo.Var(m.DIESEL, m.T, bounds=lambda _m, u, t: (0.0, cap[u]), doc="(X1) diesel output (MW)")
    reg.inject("diesel", m.diesel_p, diesel["bus"].to_dict(), column="diesel_mw")
    reg.cost("operating", PerEntry(m.diesel_p, np.tile(DIESEL_COST * d.weights, len(units))))
    for u in units:
        reg.capacity(u, "diesel", "diesel", diesel.at[u, "bus"], "MW", cap[u])


def _outputs(m, d, reg):
    diesel = d.elements["diesel"]
    frame = long(matrix(m.diesel_p, len(diesel), d.n_hours), list(diesel.index), d.timestamps, "element", "p_mw")
    frame = frame.assign(family="diesel", technology="diesel", carrier="diesel", bus="Tianhe", weight=1.0)
    return {"capacities": recorded_capacities(reg, "diesel"), "dispatch": frame}


DIESEL = types.SimpleNamespace(FAMILY="diesel", inputs=_inputs, build=_build, outputs=_outputs)


@pytest.fixture
def with_diesel(monkeypatch):
    monkeypatch.setattr(families, "FAMILIES", (*families.FAMILIES, DIESEL))  # the one line a new family adds


def test_a_new_family_runs_through_every_stage(tables, with_diesel):
    sc = Scenario(year=2030, mode="check", start_hour=5208, hours=24, import_scale=0.5)
    base = replace(sc)
    result = solve_case(tables, base, SolverSettings())
    assert result.status == "optimal"
    caps = result.tables["capacities"]
    row = caps[caps["element"] == "diesel_Tianhe"].iloc[0]
    assert (row["family"], row["technology"], row["total"]) == ("diesel", "diesel", DIESEL_MW)
    bal = result.tables["balance"]
    assert "diesel_mw" in bal.columns  # the family's own balance column, from its injection
    supply = bal.drop(columns=["hour", "timestamp", "bus", "load_mw", "price_cny_per_mwh", "weight"])
    signed = supply.sum(axis=1) - 2 * bal["storage_charge_mw"]  # charging is a withdrawal column, reported positive
    assert np.allclose(signed, bal["load_mw"], atol=1e-5)  # the balance closes with the new term in it
    diesel = result.tables["dispatch"].query("family == 'diesel'")["p_mw"].to_numpy()
    assert diesel.max() <= DIESEL_MW + 1e-6
    # it runs only where it pays: never while Tianhe's price is below its cost
    price = bal.loc[bal["bus"] == "Tianhe", "price_cny_per_mwh"].to_numpy()
    assert np.all(diesel[price < DIESEL_COST - 1e-3] <= 1e-6)
