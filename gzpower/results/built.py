"""What an expansion built, as the next year of a myopic chain inherits it.

Inheritance rule (settled here, and in the README): every capacity an expansion added stands in the following
years, sunk: gas blocks, renewables, battery power and energy, demand response, and import interfaces. An import
interface built in 2025 is inherited in 2030 (a built interface stands); before the capacity registry it was
silently dropped. Capacities are found again by (technology, location): the location is the bus, except for an
interface, whose link is its location (two interfaces land at one district).
"""

from __future__ import annotations

import pandas as pd

#: additions below this (MW or MWh) are solver noise, not something built
BUILT_THRESHOLD = 1e-6


def built_capacities(capacities: pd.DataFrame) -> dict[tuple[str, str], float]:
    """(technology, location) -> MW (MWh for energy) an expansion run added, from its capacities table."""
    built: dict[tuple[str, str], float] = {}
    for row in capacities.itertuples():
        if row.added > BUILT_THRESHOLD:
            key = (row.technology, row.location)
            built[key] = built.get(key, 0.0) + float(row.added)
    return built
