"""The scenario's levers on uncertain assumptions, applied before and after :func:`gzpower.model.data.assemble`.

Each lever is a :class:`~gzpower.scenario.scenario.Scenario` field that multiplies one assumption (1.0: as
assumed). The tipping points (:mod:`gzpower.studies.tipping`) move them one at a time.

* ``line_scale``: every 220 kV corridor rating ``s_nom_mw`` (synthetic: circuits x LINE_RATING_MW_PER_CIRCUIT).
* ``clean_import_scale``: the capability ``p_max_mw`` of the clean (West-to-East) import sources that feed the city
  (at an external node); the West-to-East supply into the rest of the province (at the province bus) is the
  province's, and ``import_supply_scale`` moves it with every other source.
* ``import_price_scale``: every import source's price ``price_cny_per_mwh``.
* ``thermal_availability_scale``: every thermal unit's availability, capped at 1; applied to the assembled
  thermal tables (:func:`scale_thermal_availability`) because the plan's generic gas blocks are made there.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pandas as pd

from gzpower.errors import InputError
from gzpower.scenario.scenario import Scenario
from gzpower.types import Boundary, choices

LEVERS = ("line_scale", "thermal_availability_scale", "clean_import_scale", "import_price_scale")
#: every scale a scenario carries (the levers and the older import_scale / load_scale): none may be negative
SCALES = ("import_scale", "import_supply_scale", "load_scale", *LEVERS)


def check_levers(sc: Scenario) -> None:
    """Refuse a negative or non-finite scale (one line, exit 2)."""
    known = {f.name for f in fields(Scenario)}
    for name in SCALES:
        value = getattr(sc, name) if name in known else 1.0
        if not np.isfinite(value) or value < 0:
            raise InputError(f"--{name.replace('_', '-')}", f"must be a finite number >= 0, got {value}")
    if sc.network not in ("districts", "city"):
        raise InputError("--network", f"must be 'districts' or 'city', got '{sc.network}'")
    if sc.boundary not in choices(Boundary):
        raise InputError("--boundary", f"must be {' or '.join(map(repr, choices(Boundary)))}, got '{sc.boundary}'")


def apply_levers(tables: dict[str, pd.DataFrame], sc: Scenario) -> dict[str, pd.DataFrame]:
    """The input tables with the scenario's table levers applied (the same dict when every lever is 1)."""
    check_levers(sc)
    if sc.line_scale == 1.0 and sc.clean_import_scale == 1.0 and sc.import_price_scale == 1.0:
        return tables
    out = dict(tables)
    lines = tables["lines"].copy()
    lines["s_nom_mw"] = lines["s_nom_mw"] * sc.line_scale
    out["lines"] = lines
    src = tables["import_sources"].copy()
    buses = tables.get("buses")
    province = set(buses.loc[buses["kind"] == "province", "bus"]) if buses is not None else set()
    clean = src["clean"].astype(bool)
    if province:
        clean &= ~src["bus"].isin(province)
    src.loc[clean, "p_max_mw"] = src.loc[clean, "p_max_mw"] * sc.clean_import_scale
    src["price_cny_per_mwh"] = src["price_cny_per_mwh"] * sc.import_price_scale
    out["import_sources"] = src
    return out


def scale_thermal_availability(thermal: pd.DataFrame, sc: Scenario) -> pd.DataFrame:
    """A thermal table (groups or units) with every availability times the scenario's scale, capped at 1."""
    if sc.thermal_availability_scale == 1.0 or thermal is None or "availability" not in thermal:
        return thermal
    out = thermal.copy()
    out["availability"] = np.minimum(out["availability"].astype(float) * sc.thermal_availability_scale, 1.0)
    return out
