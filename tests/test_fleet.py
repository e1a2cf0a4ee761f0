"""Fleet rules on small hand-made unit tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gzpower.assumptions import PLAN_COAL_RETIRE_YEAR
from gzpower.inputs.plan import COAL_REPLACEMENT_GAS_UNITS
from gzpower.inputs.schemas import STORAGE_UNITS, UNITS
from gzpower.scenario.fleet import (
    SUMMARY_CARRIERS,
    FleetOptions,
    capacity_summary,
    standing_units,
)

NANSHA_PROJECT = COAL_REPLACEMENT_GAS_UNITS["Nansha"][0]


def unit(
    uid,
    carrier="gas",
    status="operating",
    start=2010,
    retire=np.nan,
    mw=100.0,
    bus="Nansha",
    replaced=False,
    technology="CCGT",
):
    return {
        "unit": uid,
        "plant": uid,
        "bus": bus,
        "carrier": carrier,
        "technology": technology,
        "p_nom_mw": mw,
        "status": status,
        "start_year": start,
        "retire_year": retire,
        "heat_rate": 2.0,
        "co2_t_per_mwh_th": 0.2,
        "chp": False,
        "ramp_pu_per_h": 0.5,
        "min_stable_pu": 0.4,
        "availability_pu": 0.9,
        "vom_cny_per_mwh": 10.0,
        "fom_cny_per_mw_yr": 1000.0,
        "replaced_by_plan": replaced,
        "source": "test",
    }


def frame(*rows):
    df = pd.DataFrame(list(rows), columns=[c.name for c in UNITS.columns])
    return df.astype(
        {"start_year": "int64", "retire_year": "float64", "p_nom_mw": "float64", "chp": bool, "replaced_by_plan": bool}
    )


def ids(df):
    return set(df["unit"])


@pytest.mark.parametrize("year", [2025, 2030])
def test_retired_cancelled_announced_never_stand(year):
    units = frame(
        unit("r", status="retired", retire=2018.0),
        unit("c", status="cancelled"),
        unit("a", status="announced", start=2024),
        unit("s", status="shelved"),
    )
    for replace in (True, False):
        assert standing_units(units, year, FleetOptions(replace)).empty


def test_operating_stands_until_its_retirement_year():
    units = frame(unit("old", retire=2027.0), unit("same_year", retire=2025.0), unit("open"))
    assert ids(standing_units(units, 2025)) == {"old", "open"}
    assert ids(standing_units(units, 2030)) == {"open"}


def test_construction_stands_from_start_year():
    units = frame(unit("c27", status="construction", start=2027), unit("c23", status="construction", start=2023))
    assert ids(standing_units(units, 2025)) == {"c23"}
    assert ids(standing_units(units, 2030)) == {"c23", "c27"}


def test_preconstruction_needs_one_year_of_slip():
    units = frame(
        unit("p24", status="pre-construction", start=2024),
        unit("p25", status="pre-construction", start=2025),
        unit("p29", status="pre-construction", start=2029),
        unit("p30", status="pre-construction", start=2030),
    )
    assert ids(standing_units(units, 2025)) == {"p24"}
    assert ids(standing_units(units, 2030)) == {"p24", "p25", "p29"}


def _replacement_case():
    return frame(
        unit("coal_z", carrier="coal", mw=1000.0, replaced=True, technology="subcritical"),
        unit("coal_other", carrier="coal", mw=300.0, technology="subcritical"),
        unit(NANSHA_PROJECT, status="construction", start=2023, mw=600.0),
        unit("gas_old", mw=500.0),
    )


def test_coal_replacement_retires_coal_and_fills_the_shortfall_with_gas():
    units = _replacement_case()
    s25, s30 = standing_units(units, 2025), standing_units(units, 2030)
    assert "coal_z" in ids(s25) and "coal_z" not in ids(s30)
    assert "coal_other" in ids(s30)
    assert s25.loc[s25["unit"] == "coal_z", "retire_year"].item() == PLAN_COAL_RETIRE_YEAR
    generic = s30[s30["status"] == "generic"]
    assert list(generic["unit"]) == ["plan_coal_replacement_Nansha"]
    assert generic["p_nom_mw"].item() == pytest.approx(1000.0 - 600.0)
    assert (generic["carrier"] == "gas").all() and (generic["bus"] == "Nansha").all()
    gas25 = s25.query("carrier == 'gas'")["p_nom_mw"].sum()
    gas30 = s30.query("carrier == 'gas'")["p_nom_mw"].sum()
    # replacement gas (named project + generic) >= replaced coal; the only growth 2025->2030 is the generic block
    replacement = s30[s30["unit"].isin([NANSHA_PROJECT, "plan_coal_replacement_Nansha"])]["p_nom_mw"].sum()
    assert replacement >= 1000.0
    assert gas30 == pytest.approx(gas25 + 1000.0 - 600.0)
    assert "plan_coal_replacement_Nansha" not in ids(s25)


def test_without_replacement_coal_stays_and_no_generic_gas():
    units = _replacement_case()
    s30 = standing_units(units, 2030, FleetOptions(coal_replacement=False))
    assert "coal_z" in ids(s30)
    assert (s30["status"] != "generic").all()
    assert np.isnan(s30.loc[s30["unit"] == "coal_z", "retire_year"].item())


def test_generic_gas_covers_all_coal_when_no_project_and_none_when_covered():
    bare = frame(unit("coal_h", carrier="coal", mw=700.0, bus="Huangpu", replaced=True))
    s30 = standing_units(bare, 2030)
    assert s30["unit"].tolist() == ["plan_coal_replacement_Huangpu"]
    assert s30["p_nom_mw"].item() == pytest.approx(700.0)
    covered = frame(
        unit("coal_z", carrier="coal", mw=500.0, replaced=True),
        unit(NANSHA_PROJECT, status="construction", start=2023, mw=600.0),
    )
    assert (standing_units(covered, 2030)["status"] != "generic").all()


def test_earlier_own_retirement_year_is_kept():
    units = frame(unit("coal_c", carrier="coal", mw=200.0, replaced=True, retire=2023.0))
    assert "coal_c" not in ids(standing_units(units, 2025))
    assert "coal_c" not in ids(standing_units(units, 2025, FleetOptions(False)))


def test_output_keeps_the_units_schema_and_order():
    s = standing_units(_replacement_case(), 2030)
    assert list(s.columns) == [c.name for c in UNITS.columns]
    assert s["unit"].tolist() == sorted(s["unit"])
    assert str(s["start_year"].dtype) == "int64" and str(s["chp"].dtype) == "bool"


def test_capacity_summary():
    units = _replacement_case()
    storage = pd.DataFrame(
        [
            {
                "unit": "psh",
                "bus": "Conghua",
                "carrier": "pumped_hydro",
                "p_nom_mw": 600.0,
                "energy_mwh": 5400.0,
                "eff_charge": 0.9,
                "eff_discharge": 0.9,
                "city_share": 0.25,
                "start_year": 2000,
            }
        ],
        columns=[c.name for c in STORAGE_UNITS.columns],
    )
    sites = pd.DataFrame(
        {
            "tech": ["pv_rooftop", "pv_ground", "wind_onshore", "battery_power"],
            "bus": ["Huangpu", "Conghua", "Nansha", "Tianhe"],
            "existing_mw": [300.0, 50.0, 20.0, 10.0],
            "p_max_mw": [1e3] * 4,
            "plan_share": [1.0] * 4,
        }
    )
    s = capacity_summary(units, storage, sites, 2030, FleetOptions()).set_index("carrier")["p_nom_mw"]
    assert list(s.index) == list(SUMMARY_CARRIERS)
    assert s["coal"] == pytest.approx(300.0)
    assert s["gas"] == pytest.approx(500.0 + 600.0 + 400.0)
    assert s["pv"] == pytest.approx(350.0) and s["wind"] == pytest.approx(20.0)
    assert s["pumped_hydro"] == pytest.approx(600.0) and s["battery"] == pytest.approx(10.0)
    assert s["waste"] == 0.0
