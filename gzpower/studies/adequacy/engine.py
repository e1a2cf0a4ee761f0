"""Running the samples (in process, on local worker processes, or on a Dask cluster) and what comes out.

The samples are cut into chunks; a chunk's result depends only on its samples' indices, so the figures are the
same whatever the number of workers or the chunk size. Local workers are spawned (no fork of the parent's state)
and each watches its parent: if the parent dies, the worker ends itself rather than outlive it.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gzpower import assumptions as A
from gzpower.studies.adequacy.dispatch import cuts
from gzpower.studies.adequacy.montecarlo import ChunkResult, Settings, simulate_chunk

HEADLINE = ("lole_h", "eue_mwh", "lol_days", "max_shortfall_mw")


def chunks(n: int, workers: int, size: int | None = None) -> list[list[int]]:
    size = size or max(1, min(16, -(-n // (4 * max(workers, 1)))))
    return [list(range(lo, min(n, lo + size))) for lo in range(0, n, size)]


@contextmanager
def worker_pool(workers: int):
    """Spawned local worker processes that end with the parent and with an interrupt (:func:`studies.workers.pool`;
    ``None`` for 1 worker: run in process)."""
    if workers <= 1:
        yield None
        return
    from gzpower.studies.workers import pool

    with pool(workers, "spawn") as executor:
        yield executor


def run_chunks(system, settings: Settings, workers=1, scheduler=None, size=None, pool=None) -> list[ChunkResult]:
    """The chunks' results in sample order; ``pool``: an open :func:`worker_pool` to reuse (capacity credit)."""
    parts = chunks(settings.samples, workers, size)
    c = cuts(system)  # once, not per chunk
    if scheduler is not None:
        from dask.distributed import Client

        own = not isinstance(scheduler, Client)
        client = Client(scheduler) if own else scheduler
        try:
            [shared] = client.scatter([system], broadcast=True)
            futures = [client.submit(simulate_chunk, shared, settings, p, c, pure=False) for p in parts]
            return client.gather(futures)
        finally:
            if own:
                client.close()
    if pool is None and workers > 1:
        with worker_pool(workers) as own_pool:
            return run_chunks(system, settings, workers, None, size, own_pool)
    if pool is None:
        return [simulate_chunk(system, settings, p, c) for p in parts]
    from gzpower.studies.workers import sigint_ignored, submit

    with sigint_ignored():  # workers are born ignoring Ctrl-C: the parent ends them
        futures = [submit(pool, simulate_chunk, system, settings, p, c) for p in parts]
    return [f.result() for f in futures]


@dataclass
class AdequacyResult:
    """Per-sample outcomes of a Monte Carlo run, in sample order."""

    settings: Settings
    buses: list[str]
    hours: int
    samples: pd.DataFrame  # one row per sample year
    bus_eue_mwh: np.ndarray
    bus_lole_h: np.ndarray
    band_eue_mwh: np.ndarray
    band_lole_h: np.ndarray
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.samples)

    def mean_se(self, metric: str) -> tuple[float, float]:
        return mean_se(self.samples[metric].to_numpy())

    def headline(self) -> dict:
        out: dict = {}
        for m in HEADLINE:
            out[m], out[f"{m}_se"] = self.mean_se(m)
        out["samples"], out["seed"], out["hours"] = self.n, self.settings.seed, self.hours
        out["solved_hours_per_sample"] = float(self.samples["solved_hours"].mean())
        for m in ("lole_h", "eue_mwh"):
            out[f"{m}_samples_needed"] = samples_needed(*self.mean_se(m), self.n)
        return out


def mean_se(x: np.ndarray) -> tuple[float, float]:
    x = np.asarray(x, dtype=float)
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(len(x))) if len(x) > 1 else float("nan")


def samples_needed(mean: float, se: float, n: int, rel: float = A.ADEQUACY_TARGET_RELATIVE_SE) -> float:
    """Samples for a standard error of ``rel`` x mean: se falls as 1 / sqrt(n)."""
    if not mean > 0 or not np.isfinite(se):
        return float("nan")
    return float(np.ceil(n * (se / (rel * mean)) ** 2))


def run_adequacy(system, settings: Settings, workers: int = 1, scheduler=None, size=None, pool=None) -> AdequacyResult:
    t = time.perf_counter()
    parts = run_chunks(system, settings, workers, scheduler, size, pool)
    cat = {f: np.concatenate([getattr(p, f) for p in parts]) for f in ChunkResult.__dataclass_fields__}
    order = np.argsort(cat["samples"], kind="stable")
    cat = {k: v[order] for k, v in cat.items()}
    frame = pd.DataFrame({"sample": cat["samples"], **{m: cat[m] for m in HEADLINE}})
    frame["solved_hours"] = cat["solved_hours"]
    return AdequacyResult(
        settings=settings,
        buses=list(system.buses),
        hours=system.hours,
        samples=frame,
        bus_eue_mwh=cat["bus_eue_mwh"],
        bus_lole_h=cat["bus_lole_h"],
        band_eue_mwh=cat["band_eue_mwh"],
        band_lole_h=cat["band_lole_h"],
        seconds=time.perf_counter() - t,
    )


_UNITS = {"lole_h": "h", "eue_mwh": "MWh", "lol_days": "d", "max_shortfall_mw": "MW"}


def _row(metric: str, scope: str, element: str, x: np.ndarray) -> dict:
    m, se = mean_se(x)
    q = np.quantile(x, [0.05, 0.5, 0.95])
    return {
        "metric": metric,
        "scope": scope,
        "element": element,
        "unit": _UNITS[metric],
        "mean": m,
        "se": se,
        "p05": q[0],
        "p50": q[1],
        "p95": q[2],
        "max": float(np.max(x)),
        "samples_needed": samples_needed(m, se, len(x)) if scope == "city" else np.nan,
    }


def adequacy_table(r: AdequacyResult) -> pd.DataFrame:
    """Long table: each metric's mean, standard error and distribution over samples, for the city, per district
    and per hour-of-day band (per sample horizon: h/yr and MWh/yr for a full-year horizon)."""
    rows = [_row(m, "city", "city", r.samples[m].to_numpy()) for m in HEADLINE]
    for j, bus in enumerate(r.buses):
        rows += [
            _row("lole_h", "district", bus, r.bus_lole_h[:, j]),
            _row("eue_mwh", "district", bus, r.bus_eue_mwh[:, j]),
        ]
    width = r.settings.hour_band_h
    for j in range(r.band_eue_mwh.shape[1]):
        label = f"{j * width:02d}-{min(24, (j + 1) * width):02d}"
        rows += [
            _row("lole_h", "hour_band", label, r.band_lole_h[:, j]),
            _row("eue_mwh", "hour_band", label, r.band_eue_mwh[:, j]),
        ]
    for key, value in r.extra.items():  # capacity credits and the like: one number each
        rows.append(
            {"metric": key, "scope": "capacity_credit", "element": key.split("_")[0], "unit": "MW", "mean": value}
        )
    return pd.DataFrame(rows)


def demand_mwh(system) -> float:
    """The data's demand over the horizon (what the EUE criterion is a share of)."""
    return float(system.load_mw[system.start_hour : system.start_hour + system.hours].sum())


def target_check_rows(r: AdequacyResult, year: int, annual_demand_mwh: float) -> pd.DataFrame:
    """The probabilistic adequacy rows of the target check (columns as its table): LOLE and EUE against the
    named criteria. Judged on the mean; the description gives the standard error and the sample count."""
    lole, lole_se = r.mean_se("lole_h")
    eue, eue_se = r.mean_se("eue_mwh")
    eue_target = A.ADEQUACY_EUE_CRITERION_SHARE * annual_demand_mwh
    horizon = "" if r.hours == 8760 else f"; horizon {r.hours} h, not a full year"
    common = f"sequential Monte Carlo, {r.n} sample years, seed {r.settings.seed}{horizon}"
    per = "yr" if r.hours == 8760 else f"{r.hours} h"
    rows = [
        ("lole_probabilistic", f"h/{per}", A.ADEQUACY_LOLE_CRITERION_H, lole, lole_se, "LOLE"),
        ("eue_probabilistic", f"MWh/{per}", eue_target, eue, eue_se, "EUE"),
    ]
    return pd.DataFrame(
        [
            {
                "id": rid,
                "year": year,
                "kind": "at_most",
                "unit": unit,
                "target": float(target),
                "reached": float(value),
                "margin": float(target - value),
                "status": "pass" if value <= target else "fail",
                "description": f"probabilistic adequacy: {what} {value:,.3g} +- {se:,.2g} (1 se); {common}",
            }
            for rid, unit, target, value, se, what in rows
        ]
    )
