"""Representative days (gzpower.scenario.aggregate): weights and chronology, the kept peak day, and the rescaling that
gives every series its annual energy back."""

import numpy as np
import pandas as pd
import pytest

from gzpower.model.data import assemble
from gzpower.scenario.aggregate import DAYS, HOURS_PER_DAY, representative_days, rescale
from gzpower.scenario.scenario import Scenario


def _year(seed: int = 0):
    rng = np.random.default_rng(seed)
    hours = np.arange(DAYS * HOURS_PER_DAY)
    load = (
        1000
        + 300 * np.sin(2 * np.pi * hours / 24)
        + 200 * np.sin(2 * np.pi * hours / 8760)
        + rng.normal(0, 20, hours.size)
    )
    load[4000] = 2500.0  # one unmistakable peak, on day 166
    wind = np.clip(rng.gamma(0.6, 0.25, hours.size), 0, 1)  # spiky: medoids miss its energy
    return load, wind


def test_weights_chronology_and_the_peak_day():
    load, wind = _year()
    agg = representative_days(load, [wind], 6)
    assert len(agg.representatives) == 6 and agg.weights.sum() == DAYS
    assert np.all(np.diff(agg.representatives) > 0)  # calendar order
    # every calendar day maps to a period, and each period's weight is the number of days mapped to it
    assert np.array_equal(np.bincount(agg.chronology, minlength=6), agg.weights)
    assert agg.representatives[agg.peak_period] == 4000 // 24 and agg.weights[agg.peak_period] == 1
    assert agg.chronology[4000 // 24] == agg.peak_period
    assert agg.chronology[agg.representatives].tolist() == list(range(6))  # a medoid represents itself


def test_rescale_restores_annual_energy_under_the_cap_and_keeps_the_peak():
    load, wind = _year()
    agg = representative_days(load, [wind], 6)
    full = pd.DataFrame({"load": load, "wind": wind})
    picked = full.iloc[agg.hours]
    before = (picked["wind"].to_numpy() * agg.hour_weights).sum() / wind.sum()
    assert abs(before - 1) > 0.02  # the raw medoids are off (else this test proves nothing)
    scaled = rescale(picked[["wind"]], full[["wind"]], agg, upper=1.0)
    assert (scaled["wind"].to_numpy() * agg.hour_weights).sum() == pytest.approx(wind.sum(), rel=1e-8)
    assert scaled["wind"].max() <= 1.0 and scaled["wind"].min() >= 0.0
    peak_hours = slice(agg.peak_period * 24, agg.peak_period * 24 + 24)
    np.testing.assert_array_equal(scaled["wind"].to_numpy()[peak_hours], picked["wind"].to_numpy()[peak_hours])
    loads = rescale(picked[["load"]], full[["load"]], agg)
    assert (loads["load"].to_numpy() * agg.hour_weights).sum() == pytest.approx(load.sum(), rel=1e-8)
    assert loads["load"].max() == pytest.approx(2500.0)  # the peak hour is untouched


def test_cap_binding_still_restores_energy():
    """A series near its cap: scaling up saturates some hours, the rest make up for them."""
    agg = representative_days(np.r_[np.full(8759, 1.0), 2.0], [], 3)
    full = pd.DataFrame({"cf": np.tile(np.r_[np.full(12, 0.95), np.full(12, 0.30)], DAYS)})  # 15 per day
    day = np.r_[np.full(12, 0.95), np.full(12, 0.05)]  # the picked days: 12 per day, 20 % short
    n = len(agg.representatives)  # identical days form one cluster: fewer periods than asked
    picked = pd.DataFrame({"cf": np.tile(day, n)}, index=full.index[agg.hours])
    scaled = rescale(picked, full, agg, upper=1.0)
    free = np.repeat(np.arange(n) != agg.peak_period, 24)
    assert (scaled["cf"].to_numpy() * agg.hour_weights).sum() == pytest.approx(full["cf"].sum(), rel=1e-8)
    # x1.25 would lift 0.95 to 1.19: those hours stop at the cap, the low hours carry the rest (0.05 -> ~0.3)
    assert scaled["cf"].max() == pytest.approx(1.0)
    assert scaled["cf"].to_numpy()[free][12:24].min() > 0.25


def test_guangzhou_representative_days_carry_the_year(tables):
    full = assemble(tables, Scenario(year=2030, mode="expand"))
    eight = assemble(tables, Scenario(year=2030, mode="expand", periods=8))
    w = eight.weights
    assert w.sum() == pytest.approx(8760.0)
    assert (eight.load.to_numpy() * w[:, None]).sum() == pytest.approx(full.load.to_numpy().sum(), rel=1e-8)
    for column in ("wind_onshore@Conghua", "pv_ground@Conghua"):
        # the capacity-factor floor (0 below 1e-3) is applied to both, after rescaling
        assert (eight.renewable_cf[column].to_numpy() * w).sum() == pytest.approx(
            full.renewable_cf[column].sum(), rel=1e-3
        )
