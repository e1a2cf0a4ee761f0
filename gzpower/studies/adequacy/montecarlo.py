"""Sample years: what is drawn, and the hour-by-hour simulation of a chunk of samples.

**Randomness per sample.** Sample ``i`` of seed ``S`` draws from ``SeedSequence(S, spawn_key=(i,))`` (what
``SeedSequence(S).spawn(n)[i]`` gives), split into four streams: days, thermal units, interfaces, stores. A sample's
numbers therefore depend on its index only, never on the chunk or worker it runs in, and removing the stores (for
the capacity credit) leaves every other draw as it was (common random numbers).

**Forced outages.** Each unit, interface and store is a two-state Markov chain stepped hourly: up -> down with
probability 1 / MTTF, down -> up with 1 / MTTR (the named assumptions per technology), starting from the chain's
stationary distribution (down with probability MTTR / (MTTF + MTTR)). The chain is drawn exactly through its
geometric sojourn times (one draw per outage rather than one per hour; the same law).

**Weather and load days.** Every day of a sample year takes the load of all districts, every renewable capacity
factor and the import availability *of one and the same day* of the data's year, drawn uniformly among the days
within +-ADEQUACY_DAY_WINDOW_D of it with the same day type (workday / weekend). Drawing whole days jointly keeps
the within-day correlation of heat, load, solar and imports and the season; what it cannot create is a day
hotter than the data's hottest, and multi-day spells are broken at midnight (the data hold one weather year).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gzpower import assumptions as A
from gzpower.studies.adequacy.dispatch import HourProblem, cuts, max_deficit, share_unserved

TOL = A.ADEQUACY_SHORTFALL_TOLERANCE_MW


@dataclass(frozen=True)
class Settings:
    """What a Monte Carlo run needs besides the system."""

    samples: int
    seed: int = 0
    day_window_d: int = A.ADEQUACY_DAY_WINDOW_D
    initial_soc_share: float = A.ADEQUACY_INITIAL_SOC_SHARE
    solve_every_hour: bool = False  # True: the transport problem in every hour (checks the screen)
    hour_band_h: int = A.ADEQUACY_HOUR_BAND_H


def streams(seed: int, sample: int) -> list[np.random.Generator]:
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed, spawn_key=(sample,)).spawn(4)]


def draw_hours(system, window_d: int, rng: np.random.Generator) -> np.ndarray:
    """Hour of the data's year each horizon hour takes its load, renewables and imports from."""
    absolute = np.arange(system.start_hour, system.start_hour + system.hours)
    n_days = len(system.load_mw) // 24
    days = np.unique(absolute // 24)
    pick = {}
    for day in days:
        lo, hi = max(0, day - window_d), min(n_days - 1, day + window_d)
        near = np.arange(lo, hi + 1)
        near = near[system.day_type[near] == system.day_type[day]]
        pick[day] = near[rng.integers(len(near))]
    drawn = np.array([pick[d] for d in absolute // 24])
    return drawn * 24 + absolute % 24


def outage_states(assets, hours: int, rng: np.random.Generator) -> np.ndarray:
    """Hours x assets, True where the asset is up: the two-state chain through its geometric sojourns."""
    up = np.ones((hours, len(assets)), dtype=bool)
    for j in range(len(assets)):
        pf, pr = float(assets.p_fail[j]), float(assets.p_repair[j])
        if pf <= 0:
            continue
        state = rng.random() >= pf / (pf + pr)
        t = 0
        while t < hours:
            stay = int(rng.geometric(pf if state else pr))
            if not state:
                up[t : t + stay, j] = False
            t += stay
            state = not state
    return up


@dataclass
class SampleInputs:
    """One sample year before storage and DR: hours x buses / externals / links / stores."""

    load: np.ndarray
    gen: np.ndarray
    imports: np.ndarray
    link_mw: np.ndarray
    store_up: np.ndarray
    deficit: np.ndarray  # largest cut deficit per hour


def sample_inputs(system, c, settings: Settings, sample: int) -> SampleInputs:
    days, units, links, stores = streams(settings.seed, sample)
    src = draw_hours(system, settings.day_window_d, days)
    n = system.hours
    unit_bus = np.zeros((len(system.units), system.n_buses))
    unit_bus[np.arange(len(system.units)), system.units.bus] = system.units.mw
    gen = system.renewable_mw[src] + outage_states(system.units, n, units) @ unit_bus + system.firm_mw
    load = system.load_mw[src]
    imports = system.import_mw[src]
    link_mw = outage_states(system.links, n, links) * system.links.mw
    store_up = outage_states(system.stores, n, stores)
    return SampleInputs(load, gen, imports, link_mw, store_up, max_deficit(system, c, load, gen, imports, link_mw))


@dataclass
class ChunkResult:
    """Per-sample outcomes of a chunk (arrays indexed like ``samples``)."""

    samples: np.ndarray
    lole_h: np.ndarray
    eue_mwh: np.ndarray
    lol_days: np.ndarray
    max_shortfall_mw: np.ndarray
    bus_eue_mwh: np.ndarray  # samples x buses
    bus_lole_h: np.ndarray
    band_eue_mwh: np.ndarray  # samples x hour bands
    band_lole_h: np.ndarray
    solved_hours: np.ndarray  # transport problems solved per sample


def simulate_chunk(system, settings: Settings, samples: list[int], c=None) -> ChunkResult:
    """Sample years ``samples`` stepped hour by hour, the state (state of charge, DR energy left) vectorised
    across the chunk's samples; short hours solved one sample at a time. ``c``: the system's cuts, if known."""
    c = c if c is not None else cuts(system)
    inputs = [sample_inputs(system, c, settings, i) for i in samples]
    n_s, n_b, n_k = len(samples), system.n_buses, len(system.stores)
    deficit = np.stack([x.deficit for x in inputs])
    store_up = np.stack([x.store_up for x in inputs])
    soc = np.tile(settings.initial_soc_share * system.store_mwh, (n_s, 1))
    dr_day = system.dr_mw * system.dr_hours_per_day
    dr_left = np.tile(dr_day, (n_s, 1))
    unserved = np.zeros((n_s, system.hours, n_b))
    solved = np.zeros(n_s, dtype=int)
    problem = HourProblem(system)
    flag = deficit > TOL
    if settings.solve_every_hour:
        flag[:] = True
    for t in range(system.hours):
        if (system.start_hour + t) % 24 == 0:
            dr_left[:] = dr_day
        p_av = system.stores.mw * store_up[:, t]
        busy = np.zeros(n_s, dtype=bool)
        for s in np.flatnonzero(flag[:, t]):
            x = inputs[s]
            dis_max = np.minimum(p_av[s], soc[s] * system.eff_discharge)
            left_h = np.divide(dis_max, p_av[s], out=np.zeros(n_k), where=p_av[s] > 0)
            u, dis, dr = problem.solve(
                x.load[t], x.gen[t], x.imports[t], x.link_mw[t], dis_max, 1 + 1 / (1 + left_h), dr_left[s]
            )
            solved[s] += 1
            if u.sum() > TOL:
                supply = x.gen[t] + dr + np.bincount(system.stores.bus, dis, minlength=n_b)
                unserved[s, t] = share_unserved(system, c, u.sum(), x.load[t], supply, x.imports[t], x.link_mw[t])
            soc[s] = np.maximum(soc[s] - dis / system.eff_discharge, 0.0)
            dr_left[s] = np.maximum(dr_left[s] - dr, 0.0)
            busy[s] = u.sum() + dis.sum() + dr.sum() > TOL
        if n_k:
            want = np.minimum(p_av, (system.store_mwh - soc) / system.eff_charge)
            total = want.sum(axis=1)
            slack = np.maximum(-deficit[:, t], 0.0)
            share = np.minimum(1.0, np.divide(slack, total, out=np.zeros(n_s), where=total > 0))
            soc += np.where(busy[:, None], 0.0, want * share[:, None] * system.eff_charge)
    return summarise_chunk(system, settings, np.asarray(samples), unserved, solved)


def summarise_chunk(system, settings: Settings, samples, unserved, solved) -> ChunkResult:
    total = unserved.sum(axis=2)
    short = total > TOL
    hour_of_day = (system.start_hour + np.arange(system.hours)) % 24
    day = (system.start_hour + np.arange(system.hours)) // 24
    band = hour_of_day // settings.hour_band_h
    n_bands = int(np.ceil(24 / settings.hour_band_h))
    band_onehot = np.eye(n_bands)[band]  # hours x bands
    lol_days = np.array([len(np.unique(day[row])) for row in short])
    return ChunkResult(
        samples=samples,
        lole_h=short.sum(axis=1).astype(float),
        eue_mwh=total.sum(axis=1),
        lol_days=lol_days.astype(float),
        max_shortfall_mw=total.max(axis=1, initial=0.0),
        bus_eue_mwh=unserved.sum(axis=1),
        bus_lole_h=(unserved > TOL).sum(axis=1).astype(float),
        # row by row: a sample's numbers must not depend on how many samples share its chunk (BLAS blocking)
        band_eue_mwh=np.array([row @ band_onehot for row in total]).reshape(len(total), n_bands),
        band_lole_h=np.array([row @ band_onehot for row in short.astype(float)]).reshape(len(total), n_bands),
        solved_hours=solved,
    )
