"""Probabilistic resource adequacy by sequential Monte Carlo: LOLE, EUE and their standard errors.

``system`` reads the model's data into arrays, ``montecarlo`` draws sample years (forced outages, weather and
load days) and steps them hour by hour, ``dispatch`` screens and solves the short hours, ``engine`` runs the
samples in parallel and tabulates them, ``credit`` gives the capacity credit of storage and DR.
"""

from gzpower.studies.adequacy.engine import AdequacyResult, adequacy_table, run_adequacy, target_check_rows
from gzpower.studies.adequacy.montecarlo import Settings
from gzpower.studies.adequacy.system import AdequacySystem, system_from_model

__all__ = [
    "AdequacyResult",
    "AdequacySystem",
    "Settings",
    "adequacy_table",
    "run_adequacy",
    "system_from_model",
    "target_check_rows",
]
