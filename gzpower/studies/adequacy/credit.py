"""Capacity credit of storage and demand response: the equivalent firm capacity (EFC), as PRAS computes it.

The resource is removed and a perfectly available generator put in its place (split over the districts in
proportion to the resource's MW there, so the network sees it where the resource was); bisection finds the firm
MW whose EUE equals that of the system with the resource. Every evaluation reuses the same seed, hence the same
outage, weather and load draws (common random numbers): the EUE of the firm system falls monotonically in its MW
sample by sample, and the bisection compares like with like rather than noise.
"""

from __future__ import annotations

import numpy as np

from gzpower.studies.adequacy.engine import AdequacyResult, run_adequacy, worker_pool
from gzpower.studies.adequacy.montecarlo import Settings

#: bisection stops when the bracket is this share of the resource's nameplate MW (or 1 MW) wide
TOLERANCE_SHARE = 0.01


def equivalent_firm_capacity(
    system,
    settings: Settings,
    remove: dict,
    by_bus: np.ndarray,
    target_eue: float,
    workers: int = 1,
    scheduler=None,
    pool=None,
) -> float:
    """Firm MW (split as ``by_bus``) that, replacing what ``remove`` takes out, gives EUE ``target_eue``."""
    nameplate = float(by_bus.sum())
    share = by_bus / nameplate

    def eue(firm: float) -> float:
        trial = system.without(**remove, firm_mw=firm * share)
        return run_adequacy(trial, settings, workers, scheduler, pool=pool).mean_se("eue_mwh")[0]

    if eue(0.0) <= target_eue + 1e-9:
        return 0.0  # the resource serves no energy that would otherwise be lost
    lo, hi = 0.0, nameplate
    if eue(hi) > target_eue + 1e-9:
        return hi  # firm capacity never beats the resource by construction; equal at most: report the nameplate
    while hi - lo > max(TOLERANCE_SHARE * nameplate, 1.0):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if eue(mid) <= target_eue + 1e-9 else (mid, hi)
    return 0.5 * (lo + hi)


def capacity_credits(system, settings: Settings, base: AdequacyResult, workers: int = 1, scheduler=None) -> dict:
    """``storage_capacity_credit_mw`` and ``dr_capacity_credit_mw`` with the nameplates they are credited from."""
    target = base.mean_se("eue_mwh")[0]
    out = {}
    store_mw = np.zeros(system.n_buses)
    np.add.at(store_mw, system.stores.bus, system.stores.mw)
    with worker_pool(workers if scheduler is None else 1) as pool:  # one pool for every bisection step
        for name, remove, by_bus in (("storage", {"storage": True}, store_mw), ("dr", {"dr": True}, system.dr_mw)):
            if by_bus.sum() <= 0:
                continue
            out[f"{name}_nameplate_mw"] = float(by_bus.sum())
            out[f"{name}_capacity_credit_mw"] = equivalent_firm_capacity(
                system, settings, remove, by_bus, target, workers, scheduler, pool
            )
    return out
