"""A run's configuration: the case (year, horizon, mode), the plan's overrides and the scenario's levers, and
the state a myopic or rolling-horizon chain hands from one solve to the next."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from gzpower import assumptions as A
from gzpower.inputs.schemas import HOURS_PER_YEAR
from gzpower.scenario.plan import PlanOverrides
from gzpower.types import Boundary, RunMode

#: the plan's increments a check counterfactual can remove (``without``); "family" names a component family module
PLAN_INCREMENTS = ("gas", "renewables", "storage", "demand_response", "clean_imports")


@dataclass(frozen=True)
class Scenario:
    """A run's configuration. Every field is recorded in the run manifest."""

    year: int = 2030
    mode: RunMode = "check"  # "check": capacities fixed to the plan; "expand": least-cost investment
    start_hour: int = 0
    hours: int = HOURS_PER_YEAR
    coal_replacement: bool = True
    carbon_price: float = 0.0  # CNY/tCO2
    co2_cap: float | None = None  # tCO2 over the horizon
    reserve_share: float = A.RESERVE_SHARE_OF_LOAD
    value_of_lost_load: float = A.VALUE_OF_LOST_LOAD
    allow_unserved: bool = True
    min_stable: bool = False  # minimum stable output as an LP relaxation (output >= min_stable * available)
    dr_shift_share: float = A.DR_SHIFT_SHARE
    plan_floors: bool = True  # expand: the plan's capacity targets as lower bounds
    without: tuple[str, ...] = ()  # check counterfactual: these plan increments removed
    #: "province": the rest of Guangdong is one bus with its load and fleet, the import price its balance's dual;
    #: "fixed_price": the external Guangdong_grid node at its flat price and derate (gzpower.model.imports)
    boundary: Boundary = "province"
    #: multiplies every import interface's transfer capability, the 500 kV links between the city and the rest of
    #: the province and the West-to-East links (scenario / sweep parameter; the tipping point's lever)
    import_scale: float = 1.0
    #: multiplies every import source's capability p_max (the supply behind the interfaces)
    import_supply_scale: float = 1.0
    load_scale: float = 1.0  # multiplies the load (scenario / sweep parameter)
    storage_mw: float | None = None  # overrides the plan's new battery power (MW), city-wide
    storage_hours: float = A.PLAN_BATTERY_DURATION_H
    dr_share: float | None = None  # overrides the plan's demand-response share of peak
    inherited: dict = field(default_factory=dict)  # expand, myopic: (technology, location) -> MW built earlier
    periods: int | None = None  # representative days (time-series aggregation) instead of consecutive hours
    cyclic: bool = True  # storage state of charge wraps around the horizon (False: starts at initial_soc)
    initial_soc: dict = field(default_factory=dict)  # storage id -> MWh at the start (rolling horizon)
    initial_output: dict = field(default_factory=dict)  # thermal unit -> MW in the hour before the start
    #: "districts": the eleven district buses and their 220 kV corridors (deliverability); "city": one bus, the
    #: boundary interfaces kept (supply adequacy). Applied by gzpower.model.copperplate.as_city.
    network: Literal["districts", "city"] = "districts"
    # tipping-point levers (gzpower.scenario.levers): each multiplies an assumption
    line_scale: float = 1.0  # every 220 kV corridor rating (synthetic: circuits x LINE_RATING_MW_PER_CIRCUIT)
    thermal_availability_scale: float = 1.0  # every thermal unit's availability (capped at 1)
    clean_import_scale: float = 1.0  # the West-to-East clean import source's capability (p_max)
    import_price_scale: float = 1.0  # every import source's price
    plan: PlanOverrides | None = None  # a plan file's targets and placements (applied by model.data.assemble)

    def label(self) -> str:
        suffix = f"-without-{'-'.join(self.without)}" if self.without else ""
        if self.periods:
            suffix += f"-{self.periods}d"
        if self.network == "city":
            suffix += "-city"
        if self.boundary == "fixed_price":
            suffix += "-fixed-price"
        return f"{self.mode}-{self.year}{suffix}"
