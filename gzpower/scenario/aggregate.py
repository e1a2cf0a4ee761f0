"""Time-series aggregation for expansion runs: representative days with weights and a chronology.

Method (documented equivalent of tsam's hierarchical/medoid option, Kotzur et al. 2018,
doi:10.1016/j.apenergy.2018.01.023):

1. Each of the 365 days becomes a feature vector of its 24 hours of city load, rooftop-PV and wind capacity
   factor and the availability of each import source, each series scaled to [0, 1] over the year and weighted
   (load counts double: it drives adequacy).
2. The day of the annual peak load is always its own period (an "extreme period"): clustering averages it away
   otherwise, and the peak sizes capacity.
3. The other days are grouped by Ward's hierarchical clustering into ``n_periods - 1`` clusters; each cluster is
   represented by its medoid, a real day, so every profile of the representative day is consistent.
4. The weight of a representative day is the number of days its cluster holds (sum 365); the chronology maps
   each calendar day to its representative, which lets storage carry energy across the year without being
   credited with free energy between periods (inter-period state of charge, :mod:`gzpower.model.storage`).
5. Every series of the representative days is rescaled so that its weighted sum equals its sum over the year
   (:func:`rescale`; tsam's ``rescaleClusterPeriods``). A medoid is a real day, not an average one: on the shipped
   data the 8 medoid days carried 68 % of the year's wind energy and 113 % of ground PV's, and the 8-day expansion
   built no wind where the full-year optimum builds 300 MW.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage

HOURS_PER_DAY = 24
DAYS = 365


@dataclass(frozen=True)
class Aggregation:
    representatives: np.ndarray  # day of year (0..364) of each representative period, in chronological order
    weights: np.ndarray  # days represented by each period
    chronology: np.ndarray  # (365,) index of the representative period of every calendar day
    peak_period: int  # the extreme period (the day of the annual peak load): kept as it is by rescale

    @property
    def hours(self) -> np.ndarray:
        """Hour-of-year indices of the representative periods, period after period."""
        return (self.representatives[:, None] * HOURS_PER_DAY + np.arange(HOURS_PER_DAY)[None, :]).ravel()

    @property
    def hour_weights(self) -> np.ndarray:
        return np.repeat(self.weights.astype(float), HOURS_PER_DAY)


def _daily(series: np.ndarray) -> np.ndarray:
    span = series.max() - series.min()
    scaled = (series - series.min()) / span if span > 0 else np.zeros_like(series)
    return scaled.reshape(DAYS, HOURS_PER_DAY)


def representative_days(city_load: np.ndarray, profiles: list[np.ndarray], n_periods: int) -> Aggregation:
    """Pick ``n_periods`` representative days from full-year hourly series (8760 values each)."""
    if not 2 <= n_periods <= DAYS:
        raise ValueError(f"--periods must lie between 2 and {DAYS}, got {n_periods}")
    features = np.hstack(
        [2.0 * _daily(np.asarray(city_load, dtype=float))] + [_daily(np.asarray(p, dtype=float)) for p in profiles]
    )
    peak_day = int(np.argmax(city_load) // HOURS_PER_DAY)
    others = np.array([d for d in range(DAYS) if d != peak_day])
    labels = np.zeros(DAYS, dtype=int)
    if n_periods - 1 >= len(others):
        labels[others] = np.arange(len(others))
    else:
        tree = linkage(features[others], method="ward")
        labels[others] = fcluster(tree, t=n_periods - 1, criterion="maxclust") - 1
    labels[peak_day] = labels[others].max() + 1
    medoids = []
    for cluster in range(labels.max() + 1):
        members = np.flatnonzero(labels == cluster)
        centre = features[members].mean(axis=0)
        medoids.append(int(members[np.argmin(((features[members] - centre) ** 2).sum(axis=1))]))
    order = np.argsort(medoids)  # periods in calendar order of their representative day
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    representatives = np.asarray(medoids)[order]
    weights = np.bincount(labels, minlength=len(medoids))[order]
    chronology = rank[labels]
    return Aggregation(representatives, weights, chronology, int(rank[labels[peak_day]]))


#: rescale stops when every series' weighted sum is this close to its annual sum (relative), or after MAX_ROUNDS
RESCALE_TOLERANCE, RESCALE_ROUNDS = 1e-9, 20


def rescale(
    representative: pd.DataFrame, full: pd.DataFrame, agg: Aggregation, upper: float | None = None
) -> pd.DataFrame:
    """Representative-day values (rows: ``agg.hours``) scaled column by column so that the weighted sum over the
    representative hours equals the column's sum over the year. The peak period keeps its values (an extreme
    period is there for its extremes); values are capped at ``upper`` (capacity factors and availabilities), and
    the scaling is repeated on the uncapped hours so that the cap leaves no energy missing."""
    weights = agg.hour_weights
    fixed = np.repeat(np.arange(len(agg.representatives)) == agg.peak_period, HOURS_PER_DAY)
    out = representative.to_numpy(dtype=float).copy()
    targets = full.to_numpy(dtype=float).sum(axis=0)
    for j, target in enumerate(targets):
        values = out[:, j]
        for _ in range(RESCALE_ROUNDS):
            free = ~fixed & (values > 0) & (values < upper if upper is not None else True)
            held = float((weights * values)[~free].sum())
            movable = float((weights * values)[free].sum())
            if movable <= 0 or abs(held + movable - target) <= RESCALE_TOLERANCE * max(abs(target), 1.0):
                break
            values[free] *= max(target - held, 0.0) / movable
            if upper is not None:
                np.minimum(values, upper, out=values)
    return pd.DataFrame(out, index=representative.index, columns=representative.columns)


def aggregate_inputs(full_load: pd.DataFrame, cf: pd.DataFrame, avail: pd.DataFrame, n_periods: int) -> Aggregation:
    """Representative days from the model's own full-year inputs (city load, every CF, every availability)."""
    profiles = [cf[c].to_numpy() for c in cf.columns] + [avail[c].to_numpy() for c in avail.columns]
    # identical columns (one weather station: PV is the same in every district) add weight, not information
    unique = {p.tobytes(): p for p in profiles}
    return representative_days(full_load.sum(axis=1).to_numpy(), list(unique.values()), n_periods)
