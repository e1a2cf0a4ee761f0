"""Everything one model instance needs, resolved from the input tables for a scenario.

:func:`assemble` turns the validated input tables, a year, a horizon and a :class:`Scenario` into a
:class:`ModelData` by a loop over the component families (:data:`gzpower.model.families.FAMILIES`): each
family's ``inputs`` resolves its element tables (one row per unit, site, line...) from the shared
:class:`InputContext`. :func:`family_inputs` resolves one family alone (studies that only read the plan's sizes).
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pandas as pd

from gzpower.model import families
from gzpower.model.copperplate import finish
from gzpower.model.families import family
from gzpower.model.instance import InputContext, ModelData, extendable, year_rows
from gzpower.model.thermal import GROUP_KEY, group_identical_units
from gzpower.scenario.levers import apply_levers
from gzpower.scenario.scenario import Scenario

#: the element tables ModelData names; any other table a family's ``inputs`` returns goes to ``ModelData.elements``
MODEL_DATA_FIELDS = frozenset(f.name for f in fields(ModelData))

__all__ = ["GROUP_KEY", "InputContext", "ModelData", "assemble", "extendable", "family_inputs", "group_identical_units"]


def assemble(tables: dict[str, pd.DataFrame], sc: Scenario) -> ModelData:
    """Resolve the input tables into the model's element tables for scenario ``sc``."""
    tables = sc.plan.apply(tables, sc.year) if sc.plan else tables  # a planner's own plan file
    tables = apply_levers(tables, sc)  # line, import and price levers on the input tables
    ctx = InputContext(tables, sc)
    parts: dict = {}
    for module in families.FAMILIES:
        parts.update(module.inputs(tables, sc, ctx))
    agg = ctx.aggregation
    hour_index = ctx.hour_index
    # consecutive hours leave weights, period starts and chronology to ModelData's defaults (ModelData.__post_init__)
    aggregated = (
        {
            "weights": agg.hour_weights,
            "period_start": np.arange(len(hour_index)) % 24 == 0,
            "chronology": agg.chronology,
        }
        if agg is not None
        else {}
    )
    stamps = year_rows(tables["load"], sc.year).drop_duplicates("hour").set_index("hour")["timestamp"].sort_index()
    d = ModelData(
        scenario=sc,
        timestamps=pd.DatetimeIndex(stamps.iloc[hour_index].to_numpy()),
        districts=ctx.districts,
        externals=ctx.externals,
        load=ctx.window(ctx.full_load).reset_index(drop=True),
        targets=ctx.targets,
        peak_load_mw=ctx.peak,
        **aggregated,
        **{name: frame for name, frame in parts.items() if name in MODEL_DATA_FIELDS},
        elements={name: frame for name, frame in parts.items() if name not in MODEL_DATA_FIELDS},
    )
    return finish(d)  # the thermal availability lever; sc.network == "city": copperplate.as_city


def family_inputs(tables: dict[str, pd.DataFrame], sc: Scenario, name: str) -> tuple[dict, InputContext]:
    """The element tables of family ``name`` alone, without building the rest of the instance: the inputs of the
    families before it run too (a later family's plan gap may count their standing capacity). Returns the tables
    and the context (``ctx.peak``: the year's peak load)."""
    wanted = family(name)
    tables = sc.plan.apply(tables, sc.year) if sc.plan else tables
    tables = apply_levers(tables, sc)
    ctx = InputContext(tables, sc)
    for module in families.FAMILIES:
        parts = module.inputs(tables, sc, ctx)
        if module is wanted:
            return parts, ctx
    raise AssertionError("unreachable: family() only returns members of FAMILIES")
