"""Every whole-table rule declared in the schemas (``Table.checks``) is enforced: one mutation per declared rule
breaks exactly that rule and must raise InputError naming the table's file, the column and the key.

The mutations are applied to the validated shipped tables in memory and checked with
:func:`gzpower.inputs.validate.check_rule`; the command-line path (``data validate`` and ``check`` on mutated
files) is covered in tests/test_fuzz.py. A rule added to the schemas without a mutation here fails
:func:`test_every_declared_rule_has_a_breaking_mutation`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pytest

from gzpower.errors import InputError
from gzpower.inputs import validate as V
from gzpower.inputs.schemas import (
    CAPACITY_FACTORS,
    TABLES,
    TABLES_BY_NAME,
    Compare,
    Complete,
    Connected,
    Determines,
    FullYears,
    OnBus,
    RequiredRows,
    SumsToOne,
    schema_markdown,
)

from .conftest import DATA


@dataclass(frozen=True)
class Breach:
    table: str
    rule: object
    mutate: Callable[[pd.DataFrame], pd.DataFrame]
    expect: str  # in the error message


def _set(column: str, value, row: int = 0):
    def mutate(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value
        return frame

    return mutate


def _drop(mask: Callable[[pd.DataFrame], pd.Series]):
    return lambda f: f[~mask(f)].reset_index(drop=True)


def _scale_first(column: str, factor: float):
    def mutate(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        frame.loc[frame.index[frame[column] > 0][0], column] *= factor
        return frame

    return mutate


def _wind_site(f: pd.DataFrame) -> pd.Series:
    return (f["tech"] == "wind_onshore") & (f["bus"] == "Conghua")


BREACHES = (
    Breach("buses", Complete, _drop(lambda f: f["bus"] == "Yuexiu"), "no row for (bus=Yuexiu)"),
    Breach("buses", SumsToOne, _scale_first("load_weight", 2.0), "load_weight sums to"),
    Breach("lines", OnBus("bus0", "district"), _set("bus0", "Guangdong_grid"), "'Guangdong_grid' is not a district"),
    Breach("lines", OnBus("bus1", "district"), _set("bus1", "West_East_clean"), "'West_East_clean' is not a district"),
    Breach("lines", Connected, _drop(lambda f: (f["bus0"] == "Conghua") | (f["bus1"] == "Conghua")), "Conghua"),
    Breach("links", OnBus("bus0", "external"), _set("bus0", "Tianhe"), "'Tianhe' is not an external bus"),
    Breach("links", OnBus("bus1", "district"), _set("bus1", "West_East_clean"), "is not a district bus"),
    Breach("import_sources", OnBus, _set("bus", "Tianhe"), "'Tianhe' is not an external bus"),
    Breach(
        "import_sources",
        Complete,
        _drop(lambda f: (f["source"] == "guangdong_grid") & (f["year"] == 2030)),
        "no row for (source=guangdong_grid, year=2030)",
    ),
    Breach("units", OnBus, _set("bus", "Guangdong_grid"), "'Guangdong_grid' is not a district bus"),
    Breach("units", Compare, lambda f: _set("retire_year", float(f["start_year"][0]) - 1)(f), "must be > start_year"),
    Breach("storage_units", OnBus, _set("bus", "West_East_clean"), "is not a district bus"),
    Breach(
        "technologies",
        Complete,
        _drop(lambda f: (f["tech"] == "gas_ccgt") & (f["year"] == 2030)),
        "no row for (tech=gas_ccgt, year=2030)",
    ),
    Breach(
        "fuels",
        Complete,
        _drop(lambda f: (f["fuel"] == "gas") & (f["year"] == 2025)),
        "no row for (fuel=gas, year=2025)",
    ),
    Breach("sites", OnBus, _set("bus", "Guangdong_grid"), "is not a district bus"),
    Breach("sites", Compare, lambda f: _set("existing_mw", f["p_max_mw"][0] + 1.0)(f), "must be <= p_max_mw"),
    Breach("sites", SumsToOne, _scale_first("plan_share", 1.5), "sums to"),
    Breach(
        "targets",
        RequiredRows,
        _drop(lambda f: (f["id"] == "gas_capacity") & (f["year"] == 2030)),
        "no row for (id=gas_capacity, year=2030)",
    ),
    Breach(
        "province_fleet",
        Complete,
        _drop(lambda f: (f["technology"] == "battery") & (f["year"] == 2030)),
        "no row for (technology=battery, year=2030)",
    ),
    Breach(
        "province_fleet",
        Determines,
        lambda f: _set("kind", "storage", int((f["technology"] == "pv").idxmax()))(f),
        "technology 'pv' has kind 'variable', not 'storage'",
    ),
    Breach("load", OnBus, _set("bus", "Guangdong_grid"), "'Guangdong_grid' is not a district bus or a province bus"),
    Breach(
        "load",
        Complete,
        _drop(lambda f: (f["bus"] == "Nansha") & (f["year"] == 2030)),
        "no row for (bus=Nansha, year=2030)",
    ),
    Breach("load", FullYears, _drop(lambda f: (f["bus"] == "Tianhe") & (f["hour"] == 17)), "8759 hours"),
    Breach("capacity_factors", OnBus, _set("bus", "West_East_clean"), "is not a district bus"),
    Breach(
        "capacity_factors",
        CAPACITY_FACTORS.checks[1],
        _drop(_wind_site),
        "no row for (tech=wind_onshore, bus=Conghua, year=2023)",
    ),
    Breach(
        "capacity_factors",
        CAPACITY_FACTORS.checks[2],
        _drop(lambda f: (f["tech"] == "hydro") & (f["year"] == 2023)),
        "no row for (tech=hydro, bus=Guangdong_rest, year=2023)",
    ),
    Breach("capacity_factors", FullYears, _drop(lambda f: _wind_site(f) & (f["hour"] == 0)), "8759 hours"),
    Breach(
        "import_availability",
        Complete,
        _drop(lambda f: (f["source"] == "west_east_clean") & (f["year"] == 2030)),
        "no row for (source=west_east_clean, year=2030)",
    ),
    Breach("import_availability", FullYears, _drop(lambda f: f["hour"] == 8759), "8759 hours"),
)


def _declared(table: str, rule) -> object:
    """The declared rule a breach aims at: an instance is matched exactly, a class by type (it must be unique)."""
    declared = TABLES_BY_NAME[table].checks
    if not isinstance(rule, type):
        assert rule in declared, f"{table}: {rule} is not declared"
        return rule
    found = [r for r in declared if isinstance(r, rule)]
    assert len(found) == 1, f"{table}: {len(found)} rules of type {rule.__name__}"
    return found[0]


@pytest.mark.parametrize("breach", BREACHES, ids=lambda b: f"{b.table}-{getattr(b.rule, '__name__', b.rule)}")
def test_declared_rule_refuses_its_breach(tables, breach):
    table = TABLES_BY_NAME[breach.table]
    rule = _declared(breach.table, breach.rule)
    V.check_rule(table, rule, tables)  # the shipped data keeps the rule: the breach below is what fails it
    broken = {**tables, breach.table: breach.mutate(tables[breach.table])}
    with pytest.raises(InputError) as info:
        V.check_rule(table, rule, broken, str(DATA / table.path))
    err = info.value
    assert err.file.endswith(table.path)
    assert breach.expect in err.message, err.message
    assert err.column is not None
    assert len(str(err).splitlines()) == 1


def test_every_declared_rule_has_a_breaking_mutation():
    declared = {(t.name, rule) for t in TABLES for rule in t.checks}
    covered = {(b.table, _declared(b.table, b.rule)) for b in BREACHES}
    assert declared == covered, f"rules without a test: {sorted(map(str, declared - covered))}"


def test_every_rule_type_has_a_checker():
    for table in TABLES:
        for rule in table.checks:
            assert type(rule) in V._CHECKERS, rule


def test_schema_md_is_generated_from_the_declarations():
    text = schema_markdown()
    assert (DATA / "SCHEMA.md").read_text() == text
    for table in TABLES:
        for rule in table.checks:
            assert f"- {rule.describe()}" in text


def test_tables_by_name_is_declared_once():
    assert not any(line.startswith("TABLES_BY_NAME") for line in open(V.__file__).read().splitlines())
