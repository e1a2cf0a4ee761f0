"""Every input table of gzpower, declared once: columns, dtypes, units, ranges, defaults, descriptions.

The same declarations drive validation (:mod:`gzpower.inputs.validate`), loading (:mod:`gzpower.inputs`) and the data
documentation (``data/SCHEMA.md``, written by :func:`schema_markdown`). In the spirit of PyPSA's
``component_attrs``: to add a column, add it here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DISTRICTS: tuple[str, ...] = (
    "Yuexiu",
    "Haizhu",
    "Liwan",
    "Tianhe",
    "Baiyun",
    "Huangpu",
    "Panyu",
    "Huadu",
    "Nansha",
    "Conghua",
    "Zengcheng",
)
EXTERNAL_BUSES: tuple[str, ...] = ("Guangdong_grid", "West_East_clean")
PROVINCE_BUS = "Guangdong_rest"  # the rest of Guangdong (the province less Guangzhou) as one bus
BUS_KINDS: tuple[str, ...] = ("district", "external", "province")
#: the plan's milestone years (targets, plan files, the check)
YEARS: tuple[int, ...] = (2025, 2030)
#: the calibration year: the fleet and load as they stood, to compare the model with 2023 operation
CALIBRATION_YEAR = 2023
#: every year the data serves: the calibration year and the milestone years
DATA_YEARS: tuple[int, ...] = (CALIBRATION_YEAR, *YEARS)
HOURS_PER_YEAR = 8760


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # one of: str, float, int, bool, datetime
    unit: str
    description: str
    min: float | None = None
    max: float | None = None
    above: float | None = None  # strict lower bound: the value must exceed it (an efficiency of 0 divides by 0)
    allowed: tuple | None = None
    nullable: bool = False
    default: object = None
    references: str | None = None  # "table.column" this column must take its values from


# --- rules beyond a column's range: declared here as data, enforced by gzpower.inputs.validate ---------------


@dataclass(frozen=True)
class Values:
    """A fixed set of values a key column must all take (e.g. every milestone year)."""

    column: str
    values: tuple


@dataclass(frozen=True)
class KeysFrom:
    """The key combinations found in another table (same column names), optionally only rows where a column
    takes one of the given values."""

    table: str
    columns: tuple[str, ...]
    where: tuple[tuple[str, tuple], ...] = ()


@dataclass(frozen=True)
class Complete:
    """Every combination of the domains (a cartesian product) must have a row: what the model needs per year."""

    over: tuple[Values | KeysFrom, ...]

    def describe(self) -> str:
        parts = []
        for d in self.over:
            if isinstance(d, Values):
                parts.append(f"every {d.column} in {' / '.join(map(str, d.values))}")
            else:
                where = "".join(f" with {c} in {' / '.join(map(str, v))}" for c, v in d.where)
                parts.append(f"every ({', '.join(d.columns)}) of {d.table}{where}")
        return "a row for " + " and ".join(parts)


@dataclass(frozen=True)
class RequiredRows:
    """Named key rows the model reads (e.g. the plan targets it turns into capacities)."""

    rows: tuple[tuple, ...]

    def describe(self) -> str:
        return "rows present: " + "; ".join(", ".join(map(str, r)) for r in self.rows)


@dataclass(frozen=True)
class Compare:
    """Row-wise comparison of two columns (rows where either is empty are skipped)."""

    column: str
    op: Literal["<", "<=", ">", ">="]
    other: str

    def describe(self) -> str:
        return f"{self.column} {self.op} {self.other}"


def bus_phrase(kinds: tuple[str, ...]) -> str:
    """ "an external bus", "a district bus or a province bus" """
    return " or ".join(f"a{'n' if k == 'external' else ''} {k} bus" for k in kinds)


@dataclass(frozen=True)
class OnBus:
    """The bus named in ``column`` must be of this kind (buses.kind), or of one of these kinds."""

    column: str
    kind: str | tuple[str, ...]

    @property
    def kinds(self) -> tuple[str, ...]:
        return (self.kind,) if isinstance(self.kind, str) else tuple(self.kind)

    def describe(self) -> str:
        return f"{self.column} is {bus_phrase(self.kinds)}"


@dataclass(frozen=True)
class Determines:
    """Each value of ``key`` fixes the value of ``column`` (e.g. a technology its kind)."""

    key: str
    column: str
    mapping: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        groups: dict[str, list[str]] = {}
        for k, v in self.mapping:
            groups.setdefault(v, []).append(k)
        return f"{self.column} follows {self.key}: " + "; ".join(f"{v} for {', '.join(ks)}" for v, ks in groups.items())


@dataclass(frozen=True)
class SumsToOne:
    """``column`` sums to 1 over the rows where ``where`` holds, per ``group`` (groups summing to 0 are allowed
    when ``zero_allowed``: a tech the plan places nowhere)."""

    column: str
    group: str | None = None
    where: tuple[tuple[str, tuple], ...] = ()
    zero_allowed: bool = False

    def describe(self) -> str:
        per = f" per {self.group}" if self.group else ""
        where = "".join(f" over rows with {c} in {' / '.join(map(str, v))}" for c, v in self.where)
        return f"{self.column} sums to 1{per}{where}{' (or to 0)' if self.zero_allowed else ''}"


@dataclass(frozen=True)
class Connected:
    """The lines join every district into one grid, and no line joins a bus to itself."""

    def describe(self) -> str:
        return "every district is connected by lines; no line joins a bus to itself"


@dataclass(frozen=True)
class FullYears:
    """Each profile (the key without its hour) has every hour of the year."""

    def describe(self) -> str:
        return f"every profile has all {HOURS_PER_YEAR} hours"


Rule = Complete | RequiredRows | Compare | OnBus | SumsToOne | Connected | FullYears | Determines
EVERY_YEAR = Values("year", DATA_YEARS)


@dataclass(frozen=True)
class Table:
    name: str
    path: str  # relative to the data directory
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    checks: tuple[Rule, ...] = field(default_factory=tuple)  # whole-table rules, enforced by gzpower.inputs.validate

    @property
    def fmt(self) -> str:
        return "parquet" if self.path.endswith(".parquet") else "csv"

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def _yr(description: str = "calibration or milestone year") -> Column:
    return Column("year", "int", "year", description, allowed=DATA_YEARS)


CARRIERS_THERMAL = ("gas", "coal", "waste")
UNIT_STATUSES = (
    "operating",
    "construction",
    "pre-construction",
    "announced",
    "shelved",
    "cancelled",
    "retired",
    "mothballed",
    "generic",
)
BUILDABLE_TECHS = (
    "gas_ccgt",
    "pv_rooftop",
    "pv_ground",
    "wind_onshore",
    "battery_power",
    "battery_energy",
    "dr_peak",
    "import_contract",
)

RENEWABLE_TECHS = ("pv_rooftop", "pv_ground", "wind_onshore")

# the rest of Guangdong's aggregated fleet (province_fleet.csv): technology -> kind
PROVINCE_TECHNOLOGY_KINDS: tuple[tuple[str, str], ...] = (
    ("coal", "dispatchable"),
    ("gas", "dispatchable"),
    ("nuclear", "dispatchable"),
    ("hydro", "variable"),
    ("wind_onshore", "variable"),
    ("wind_offshore", "variable"),
    ("pv", "variable"),
    ("pumped_hydro", "storage"),
    ("battery", "storage"),
)
PROVINCE_TECHNOLOGIES: tuple[str, ...] = tuple(t for t, _ in PROVINCE_TECHNOLOGY_KINDS)
PROVINCE_VARIABLE_TECHS: tuple[str, ...] = tuple(t for t, k in PROVINCE_TECHNOLOGY_KINDS if k == "variable")
PROVINCE_KINDS: tuple[str, ...] = ("dispatchable", "variable", "storage")
CF_TECHS: tuple[str, ...] = tuple(dict.fromkeys((*RENEWABLE_TECHS, *PROVINCE_VARIABLE_TECHS)))
LOAD_BUS_KINDS = ("district", "province")

BUSES = Table(
    "buses",
    "grid/buses.csv",
    "Nodes of the model: the 11 districts (load, local plant), the external supply nodes and the rest of "
    "Guangdong (one province bus with its own load and fleet).",
    (
        Column("bus", "str", "-", "bus name (district, external node or the province bus)"),
        Column("kind", "str", "-", "district, external or province", allowed=BUS_KINDS),
        Column("lat", "float", "deg", "latitude of the district seat / notional node", min=-90, max=90),
        Column("lon", "float", "deg", "longitude", min=-180, max=180),
        Column(
            "population_10k", "float", "10k persons", "resident population (0 for external and province nodes)", min=0
        ),
        Column("load_weight", "float", "MW/MW", "share of city load assigned to the district (sum 1)", min=0, max=1),
        Column("has_500kv", "bool", "-", "hosts a 500 kV substation (import interface landing point)"),
    ),
    key=("bus",),
    checks=(
        Complete((Values("bus", DISTRICTS),)),
        SumsToOne("load_weight", where=(("kind", ("district",)),)),
    ),
)

LINES = Table(
    "lines",
    "grid/lines.csv",
    "Inter-district 220 kV AC corridors, modelled in linearised DC power flow.",
    (
        Column("line", "str", "-", "line name"),
        Column("bus0", "str", "-", "from district", references="buses.bus"),
        Column("bus1", "str", "-", "to district", references="buses.bus"),
        Column("voltage_kv", "float", "kV", "nominal voltage", min=1),
        Column("length_km", "float", "km", "corridor length", min=0.1),
        Column("circuits", "int", "-", "parallel circuits", min=1),
        Column("x_ohm", "float", "ohm", "series reactance of the corridor (all circuits in parallel)", min=1e-6),
        Column("s_nom_mw", "float", "MW", "thermal limit of the corridor, each direction", min=0),
    ),
    key=("line",),
    checks=(OnBus("bus0", "district"), OnBus("bus1", "district"), Connected()),
)

LINKS = Table(
    "links",
    "grid/links.csv",
    "Import interfaces: controllable links from an external node into a district with a 500 kV substation.",
    (
        Column("link", "str", "-", "interface name"),
        Column("bus0", "str", "-", "external node", references="buses.bus"),
        Column("bus1", "str", "-", "receiving district", references="buses.bus"),
        Column("p_nom_mw", "float", "MW", "transfer capability", min=0),
        Column("efficiency", "float", "MW/MW", "delivered per MW sent", above=0, max=1, default=1.0),
    ),
    key=("link",),
    checks=(OnBus("bus0", "external"), OnBus("bus1", "district")),
)

IMPORT_SOURCES = Table(
    "import_sources",
    "grid/import_sources.csv",
    "Supply available at each external node (and West-to-East supply into the province bus): capability, price, "
    "CO2 intensity and must-take share per year.",
    (
        Column("source", "str", "-", "supply name (its hourly availability profile has the same name)"),
        _yr(),
        Column("bus", "str", "-", "external node it injects at", references="buses.bus"),
        Column("p_max_mw", "float", "MW", "largest supply in any hour before the availability factor", min=0),
        Column("price_cny_per_mwh", "float", "CNY/MWh", "price paid for imported energy", min=0),
        Column("co2_t_per_mwh", "float", "tCO2/MWh", "carbon intensity of the imported energy", min=0, max=2),
        Column("clean", "bool", "-", "counts as clean power taken in from outside the region"),
        Column(
            "min_take_pu",
            "float",
            "MW/MW",
            "must-take share of the hourly available supply (planned transfers); 0 = fully dispatchable",
            min=0,
            max=1,
            default=0.0,
        ),
    ),
    key=("source", "year"),
    checks=(OnBus("bus", ("external", "province")), Complete((KeysFrom("import_sources", ("source",)), EVERY_YEAR))),
)

UNITS = Table(
    "units",
    "grid/units.csv",
    "Every gas, coal and waste-to-energy unit (GEM trackers, the Fushan WtE plant, generic plan blocks).",
    (
        Column("unit", "str", "-", "unit id (GEM unit id where there is one)"),
        Column("plant", "str", "-", "plant name"),
        Column("bus", "str", "-", "district", references="buses.bus"),
        Column("carrier", "str", "-", "fuel", allowed=CARRIERS_THERMAL),
        Column("technology", "str", "-", "CCGT, OCGT, ST, subcritical, ..."),
        Column("p_nom_mw", "float", "MW", "net capacity", min=0, max=3000),
        Column("status", "str", "-", "status in the tracker", allowed=UNIT_STATUSES),
        Column("start_year", "int", "year", "commissioning year", min=1950, max=2060),
        Column(
            "retire_year", "float", "year", "retirement year (empty: none known)", min=1950, max=2100, nullable=True
        ),
        Column("heat_rate", "float", "MWh_th/MWh_el", "fuel burnt per MWh generated", min=1, max=6),
        Column("co2_t_per_mwh_th", "float", "tCO2/MWh_th", "CO2 emitted per MWh of fuel", min=0, max=1),
        Column("chp", "bool", "-", "combined heat and power"),
        Column("ramp_pu_per_h", "float", "MW/MW/h", "ramp limit as share of capacity per hour", min=0, max=1),
        Column("min_stable_pu", "float", "MW/MW", "minimum stable output share when online", min=0, max=1),
        Column("availability_pu", "float", "MW/MW", "outage derating: share of capacity available", min=0, max=1),
        Column("vom_cny_per_mwh", "float", "CNY/MWh", "variable O&M", min=0),
        Column("fom_cny_per_mw_yr", "float", "CNY/MW/yr", "fixed O&M", min=0),
        Column("replaced_by_plan", "bool", "-", "coal unit the plan replaces by equal gas capacity"),
        Column("source", "str", "-", "where the row comes from"),
    ),
    key=("unit",),
    checks=(OnBus("bus", "district"), Compare("retire_year", ">", "start_year")),
)

STORAGE_UNITS = Table(
    "storage_units",
    "grid/storage_units.csv",
    "Existing storage plants (the Conghua pumped-storage station).",
    (
        Column("unit", "str", "-", "storage unit id"),
        Column("bus", "str", "-", "district", references="buses.bus"),
        Column("carrier", "str", "-", "technology", allowed=("pumped_hydro", "battery")),
        Column("p_nom_mw", "float", "MW", "power available to the city (after city_share)", min=0),
        Column("energy_mwh", "float", "MWh", "energy capacity available to the city", min=0),
        Column("eff_charge", "float", "MWh/MWh", "charging efficiency", min=0.01, max=1),
        Column("eff_discharge", "float", "MWh/MWh", "discharging efficiency", min=0.01, max=1),
        Column("city_share", "float", "MW/MW", "share of the station counted for Guangzhou", min=0, max=1),
        Column("start_year", "int", "year", "commissioning year", min=1950, max=2060),
    ),
    key=("unit",),
    checks=(OnBus("bus", "district"),),
)

TECHNOLOGIES = Table(
    "technologies",
    "grid/technologies.csv",
    "Cost and technical parameters of every buildable option per milestone year, in CNY.",
    (
        Column("tech", "str", "-", "buildable option", allowed=BUILDABLE_TECHS),
        _yr(),
        Column("carrier", "str", "-", "energy carrier", allowed=("gas", "solar", "wind", "battery", "dr", "import")),
        Column("capacity_unit", "str", "-", "what one unit of capacity is", allowed=("MW", "MWh")),
        Column("capex_cny", "float", "CNY/capacity_unit", "overnight investment cost", min=0),
        Column("fom_cny_per_yr", "float", "CNY/capacity_unit/yr", "fixed O&M (or holding cost for DR)", min=0),
        Column("vom_cny_per_mwh", "float", "CNY/MWh", "variable cost (for DR: cost per MWh shed)", min=0),
        Column("lifetime_yr", "float", "yr", "economic lifetime", min=1, max=100),
        Column("discount_rate", "float", "1/yr", "discount rate of the annuity", min=0, max=0.5),
        Column(
            "annuity_cny_per_yr", "float", "CNY/capacity_unit/yr", "capex x capital recovery factor + fixed O&M", min=0
        ),
        Column(
            "efficiency",
            "float",
            "MWh/MWh",
            "electrical efficiency (round-trip share per leg for storage)",
            above=0,
            max=1,
        ),
        Column("source", "str", "-", "source rows and conversions"),
    ),
    key=("tech", "year"),
    checks=(Complete((Values("tech", BUILDABLE_TECHS), EVERY_YEAR)),),
)

FUELS = Table(
    "fuels",
    "grid/fuels.csv",
    "Fuel prices and CO2 intensities per milestone year.",
    (
        Column("fuel", "str", "-", "fuel", allowed=CARRIERS_THERMAL),
        _yr(),
        Column("price_cny_per_mwh_th", "float", "CNY/MWh_th", "fuel price", min=0),
        Column("co2_t_per_mwh_th", "float", "tCO2/MWh_th", "CO2 intensity of the fuel", min=0, max=1),
        Column("source", "str", "-", "source"),
    ),
    key=("fuel", "year"),
    checks=(Complete((Values("fuel", CARRIERS_THERMAL), EVERY_YEAR)),),
)

SITES = Table(
    "sites",
    "grid/sites.csv",
    "Where each buildable option may go: existing capacity, expansion potential, and the share of a plan "
    "target's generic block placed in the district.",
    (
        Column("tech", "str", "-", "buildable option", allowed=BUILDABLE_TECHS),
        Column("bus", "str", "-", "district", references="buses.bus"),
        Column("existing_mw", "float", "MW (MWh for battery_energy)", "capacity standing in 2025", min=0),
        Column("p_max_mw", "float", "MW (MWh for battery_energy)", "largest capacity the district can host", min=0),
        Column("plan_share", "float", "-", "share of the plan's generic block for this tech placed here", min=0, max=1),
    ),
    key=("tech", "bus"),
    checks=(
        OnBus("bus", "district"),
        Compare("existing_mw", "<=", "p_max_mw"),
        SumsToOne("plan_share", group="tech", zero_allowed=True),
    ),
)

TARGETS = Table(
    "targets",
    "grid/targets.csv",
    "The carbon-peak plan's power targets (FACTS.md table) as data.",
    (
        Column("id", "str", "-", "target id"),
        _yr(),
        Column("value", "float", "see unit", "target value (empty for qualitative targets)", nullable=True),
        Column("unit", "str", "-", "unit of value"),
        Column(
            "kind",
            "str",
            "-",
            "how the value is compared",
            allowed=("at_least", "about", "at_most", "boolean", "qualitative"),
        ),
        Column("tolerance", "float", "-", "relative band for 'about' targets", min=0, max=1, default=0.0),
        Column("section", "str", "-", "section of the plan text"),
        Column("description", "str", "-", "what the plan says"),
    ),
    key=("id", "year"),
    # the targets the model turns into capacities (dr_capability 2025 and storage 2030 have named assumptions)
    checks=(
        RequiredRows(
            (
                ("gas_capacity", 2025),
                ("gas_capacity", 2030),
                ("re_capacity", 2025),
                ("re_capacity", 2030),
                ("storage_capacity", 2025),
                ("dr_capability", 2030),
            )
        ),
    ),
)

LOAD = Table(
    "load",
    "profiles/load.parquet",
    "Hourly load per district (and of the rest of Guangdong at the province bus) and year (hour-average MW).",
    (
        _yr(),
        Column("hour", "int", "h", "hour of the year, 0..8759", min=0, max=HOURS_PER_YEAR - 1),
        Column("timestamp", "datetime", "local time", "start of the hour, China Standard Time (UTC+8)"),
        Column("bus", "str", "-", "district or the province bus", references="buses.bus"),
        Column("load_mw", "float", "MW", "hour-average load", min=0, max=400000),
    ),
    key=("year", "bus", "hour"),
    checks=(
        OnBus("bus", LOAD_BUS_KINDS),
        Complete((KeysFrom("buses", ("bus",), where=(("kind", LOAD_BUS_KINDS),)), EVERY_YEAR)),
        FullYears(),
    ),
)

CAPACITY_FACTORS = Table(
    "capacity_factors",
    "profiles/capacity_factors.parquet",
    "Hourly available output per MW installed for variable renewables, per district (and for the province "
    "fleet's variable technologies at the province bus) and year.",
    (
        _yr(),
        Column("hour", "int", "h", "hour of the year, 0..8759", min=0, max=HOURS_PER_YEAR - 1),
        Column("timestamp", "datetime", "local time", "start of the hour, UTC+8"),
        Column(
            "tech",
            "str",
            "-",
            "a city renewable option (districts) or a province variable technology (province bus)",
            allowed=CF_TECHS,
        ),
        Column("bus", "str", "-", "district or the province bus", references="buses.bus"),
        Column("cf", "float", "MW/MW", "capacity factor", min=0, max=1),
    ),
    key=("year", "tech", "bus", "hour"),
    checks=(
        OnBus("bus", LOAD_BUS_KINDS),
        Complete((KeysFrom("sites", ("tech", "bus"), where=(("tech", RENEWABLE_TECHS),)), EVERY_YEAR)),
        Complete(
            (
                Values("tech", PROVINCE_VARIABLE_TECHS),
                KeysFrom("buses", ("bus",), where=(("kind", ("province",)),)),
                EVERY_YEAR,
            )
        ),
        FullYears(),
    ),
)

IMPORT_AVAILABILITY = Table(
    "import_availability",
    "profiles/import_availability.parquet",
    "Hourly availability of each import source as a share of its p_max_mw.",
    (
        _yr(),
        Column("hour", "int", "h", "hour of the year, 0..8759", min=0, max=HOURS_PER_YEAR - 1),
        Column("timestamp", "datetime", "local time", "start of the hour, UTC+8"),
        Column("source", "str", "-", "import source", references="import_sources.source"),
        Column("availability", "float", "MW/MW", "share of p_max_mw available", min=0, max=1),
    ),
    key=("year", "source", "hour"),
    checks=(Complete((KeysFrom("import_sources", ("source",)), EVERY_YEAR)), FullYears()),
)

PROVINCE_FLEET = Table(
    "province_fleet",
    "grid/province_fleet.csv",
    "The rest of Guangdong's aggregated fleet at the province bus: one row per year and technology (the province "
    "less Guangzhou's own units of the year, which the model holds unit by unit).",
    (
        _yr(),
        Column("technology", "str", "-", "aggregated technology", allowed=PROVINCE_TECHNOLOGIES),
        Column("kind", "str", "-", "how the model dispatches it", allowed=PROVINCE_KINDS),
        Column("p_nom_mw", "float", "MW", "installed capacity (storage: power)", min=0),
        Column("energy_mwh", "float", "MWh", "energy capacity (storage only, else 0)", min=0),
        Column(
            "efficiency_pu",
            "float",
            "MWh/MWh",
            "storage: efficiency per leg, charge = discharge = sqrt(round trip); others 1",
            above=0,
            max=1,
        ),
        Column(
            "marginal_cost_cny_per_mwh",
            "float",
            "CNY/MWh",
            "dispatchable: fuel + VOM per MWh electric at the year's fuel prices; variable and storage: VOM",
            min=0,
        ),
        Column("co2_t_per_mwh", "float", "tCO2/MWh", "CO2 per MWh electric", min=0, max=2),
        Column(
            "availability_pu",
            "float",
            "MW/MW",
            "dispatchable: share of nameplate available in an hour (outage/maintenance derate); variable/storage: 1",
            min=0,
            max=1,
        ),
        Column("min_output_pu", "float", "MW/MW", "must-run floor as a share of available capacity", min=0, max=1),
        Column("source", "str", "-", "the facts row or the named assumptions the capacity rests on"),
    ),
    key=("year", "technology"),
    checks=(
        Complete((Values("technology", PROVINCE_TECHNOLOGIES), EVERY_YEAR)),
        Determines("technology", "kind", PROVINCE_TECHNOLOGY_KINDS),
    ),
)

TABLES: tuple[Table, ...] = (
    BUSES,
    LINES,
    LINKS,
    IMPORT_SOURCES,
    UNITS,
    STORAGE_UNITS,
    TECHNOLOGIES,
    FUELS,
    SITES,
    TARGETS,
    PROVINCE_FLEET,
    LOAD,
    CAPACITY_FACTORS,
    IMPORT_AVAILABILITY,
)
TABLES_BY_NAME = {t.name: t for t in TABLES}


def schema_markdown() -> str:
    """The data documentation, rendered from the declarations above."""
    out = [
        "# gzpower input tables",
        "",
        "Generated from `gzpower/inputs/schemas.py` by `gzpower data build`; do not edit by hand.",
        "",
    ]
    for table in TABLES:
        out += [
            f"## `{table.path}`",
            "",
            table.description,
            "",
            f"Key: {', '.join(table.key)}.",
            "",
            "| column | dtype | unit | range | description |",
            "|---|---|---|---|---|",
        ]
        for c in table.columns:
            rng = []
            if c.allowed:
                rng.append(" / ".join(str(a) for a in c.allowed))
            if c.min is not None or c.max is not None or c.above is not None:
                low = f"({c.above}" if c.above is not None else f"[{'' if c.min is None else c.min}"
                rng.append(f"{low}, {'' if c.max is None else c.max}]")
            if c.nullable:
                rng.append("may be empty")
            if c.references:
                rng.append(f"in {c.references}")
            out.append(f"| {c.name} | {c.dtype} | {c.unit} | {'; '.join(rng)} | {c.description} |")
        out.append("")
        if table.checks:
            out += ["Rules:", ""] + [f"- {rule.describe()}" for rule in table.checks] + [""]
    return "\n".join(out)
