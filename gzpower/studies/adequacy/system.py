"""The system a sequential Monte Carlo samples: buses, units with outage rates, interfaces, lines, stores, DR.

:func:`system_from_model` is the one place that reads :class:`~gzpower.model.data.ModelData`; everything else in
the adequacy engine sees only :class:`AdequacySystem` (plain numpy arrays), so a change in the model's tables is
fixed here. The profiles are kept for the whole year of the data because the day draws reach outside the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd

from gzpower import assumptions as A
from gzpower.errors import InputError

Network = Literal["districts", "city"]

#: (outage rate per year in service, mean time to repair in h) per outage class
OUTAGE_CLASSES: dict[str, tuple[float, float]] = {
    "coal": (A.ADEQUACY_OUTAGE_RATE_COAL_PER_YR, A.ADEQUACY_MTTR_COAL_H),
    "ccgt": (A.ADEQUACY_OUTAGE_RATE_CCGT_PER_YR, A.ADEQUACY_MTTR_CCGT_H),
    "gas_other": (A.ADEQUACY_OUTAGE_RATE_GAS_OTHER_PER_YR, A.ADEQUACY_MTTR_GAS_OTHER_H),
    "waste": (A.ADEQUACY_OUTAGE_RATE_WASTE_PER_YR, A.ADEQUACY_MTTR_WASTE_H),
    "pumped_hydro": (A.ADEQUACY_OUTAGE_RATE_PUMPED_HYDRO_PER_YR, A.ADEQUACY_MTTR_PUMPED_HYDRO_H),
    "battery": (A.ADEQUACY_OUTAGE_RATE_BATTERY_PER_YR, A.ADEQUACY_MTTR_BATTERY_H),
    "interface": (A.ADEQUACY_OUTAGE_RATE_INTERFACE_PER_YR, A.ADEQUACY_MTTR_INTERFACE_H),
}


def outage_probabilities(rate_per_yr: float, mttr_h: float) -> tuple[float, float]:
    """Hourly failure and repair probabilities of the two-state chain (mean up time 8760 / rate h)."""
    mttf_h = 8760.0 / rate_per_yr if rate_per_yr > 0 else np.inf
    return (1.0 / mttf_h if np.isfinite(mttf_h) else 0.0), 1.0 / max(mttr_h, 1.0)


@dataclass
class Assets:
    """Elements that fail and are repaired: one row each (bus index, MW, hourly failure / repair probability)."""

    names: list[str]
    bus: np.ndarray
    mw: np.ndarray
    p_fail: np.ndarray
    p_repair: np.ndarray

    @classmethod
    def build(cls, names, bus, mw, classes) -> Assets:
        probs = [outage_probabilities(*OUTAGE_CLASSES[c]) if c else (0.0, 1.0) for c in classes]
        pf, pr = (np.array([p[i] for p in probs], dtype=float) for i in (0, 1))
        return cls(list(names), np.asarray(bus, dtype=int), np.asarray(mw, dtype=float), pf, pr)

    def __len__(self) -> int:
        return len(self.names)


@dataclass
class AdequacySystem:
    """Everything the sampler and the hourly dispatch need, as arrays (MW, MWh; profiles hours-of-year x bus)."""

    buses: list[str]  # district buses, or ["city"]
    externals: list[str]
    load_mw: np.ndarray  # year hours x buses
    renewable_mw: np.ndarray  # year hours x buses: available renewable output
    import_mw: np.ndarray  # year hours x externals: what each external source can send
    day_type: np.ndarray  # days of the year: 0 workday, 1 weekend
    units: Assets  # thermal units (bus = district index)
    links: Assets  # interfaces (bus = district index); link_external gives the sending external
    link_external: np.ndarray
    line_bus0: np.ndarray
    line_bus1: np.ndarray
    line_mw: np.ndarray
    stores: Assets  # storage (mw = power)
    store_mwh: np.ndarray
    eff_charge: np.ndarray
    eff_discharge: np.ndarray
    dr_mw: np.ndarray  # per bus
    dr_hours_per_day: np.ndarray  # per bus
    firm_mw: np.ndarray = field(default=None)  # per bus: perfectly available capacity (capacity credit)
    start_hour: int = 0
    hours: int = 8760

    def __post_init__(self):
        if self.firm_mw is None:
            self.firm_mw = np.zeros(len(self.buses))
        if self.start_hour < 0 or self.hours < 1 or self.start_hour + self.hours > len(self.load_mw):
            raise InputError("--hours", f"horizon {self.start_hour}..{self.start_hour + self.hours} outside the data")

    @property
    def n_buses(self) -> int:
        return len(self.buses)

    def without(self, storage: bool = False, dr: bool = False, firm_mw: np.ndarray | None = None) -> AdequacySystem:
        """The same system with its stores and/or DR removed and firm capacity added (capacity credit)."""
        out = replace(self)
        if storage:
            keep = np.zeros(len(self.stores), dtype=bool)
            s = self.stores
            out.stores = Assets([], s.bus[keep], s.mw[keep], s.p_fail[keep], s.p_repair[keep])
            out.store_mwh = self.store_mwh[keep]
            out.eff_charge = self.eff_charge[keep]
            out.eff_discharge = self.eff_discharge[keep]
        if dr:
            out.dr_mw = np.zeros_like(self.dr_mw)
        if firm_mw is not None:
            out.firm_mw = self.firm_mw + firm_mw
        return out


def thermal_class(carrier: str, technology: str) -> str:
    if carrier == "coal":
        return "coal"
    if carrier == "waste":
        return "waste"
    if carrier == "gas":
        return "ccgt" if technology == "CCGT" else "gas_other"
    raise InputError("units", f"no outage rates for thermal carrier '{carrier}' (add them to gzpower/assumptions.py)")


def store_class(carrier: str) -> str:
    if carrier in ("battery", "pumped_hydro"):
        return carrier
    if "pump" in carrier or "hydro" in carrier:
        return "pumped_hydro"
    raise InputError("storage_units", f"no outage rates for storage carrier '{carrier}'")


def _split_generic(units: pd.DataFrame) -> pd.DataFrame:
    """The plan's generic gas block of a district becomes equal units of at most ADEQUACY_GENERIC_UNIT_MW."""
    rows = []
    for name, u in units.iterrows():
        n = int(np.ceil(u["p_nom"] / A.ADEQUACY_GENERIC_UNIT_MW - 1e-9)) if u["status"] == "generic" else 1
        for i in range(max(n, 1)):
            rows.append({**u.to_dict(), "unit": name if n == 1 else f"{name}#{i + 1}", "p_nom": u["p_nom"] / n})
    return pd.DataFrame(rows)


def system_from_model(d, network: Network = "districts") -> AdequacySystem:
    """Read a full-year :class:`ModelData` (``hours=8760``) into an :class:`AdequacySystem`."""
    districts = list(d.districts)
    buses = districts if network == "districts" else ["city"]
    bus_of = {b: (i if network == "districts" else 0) for i, b in enumerate(districts)}
    load = d.load[districts].to_numpy(dtype=float)
    re = d.renewables
    re_mw = d.renewable_cf[list(re.index)].to_numpy(dtype=float) * re["p_nom"].to_numpy(dtype=float)
    renewable = np.zeros((len(load), len(buses)))
    np.add.at(renewable.T, re["bus"].map(bus_of).to_numpy(), re_mw.T)
    if network == "city":
        load = load.sum(axis=1, keepdims=True)
    src = d.import_sources
    ext_of = {e: i for i, e in enumerate(d.externals)}
    imports = np.zeros((len(load), len(d.externals)))
    avail = d.import_availability[list(src.index)].to_numpy(dtype=float) * src["p_max"].to_numpy(dtype=float)
    np.add.at(imports.T, src["bus"].map(ext_of).to_numpy(), avail.T)
    th = _split_generic(d.thermal_units[d.thermal_units["p_nom"] > 0])
    units = Assets.build(
        th["unit"],
        th["bus"].map(bus_of),
        th["p_nom"],
        [thermal_class(c, t) for c, t in zip(th["carrier"], th["technology"])],
    )
    lk = d.links
    if not np.allclose(lk["efficiency"].to_numpy(dtype=float), 1.0):
        raise InputError("links", "the adequacy engine takes interfaces as lossless (efficiency 1)")
    links = Assets.build(lk.index, lk["bus1"].map(bus_of), lk["p_nom"], ["interface"] * len(lk))
    lines = d.lines if network == "districts" else d.lines.iloc[0:0]
    st = d.storage[d.storage["p_nom"] > 0]
    stores = Assets.build(st.index, st["bus"].map(bus_of), st["p_nom"], [store_class(c) for c in st["carrier"]])
    dr = d.demand_response.reindex(districts).fillna(0.0)
    dr_mw = np.zeros(len(buses))
    np.add.at(dr_mw, [bus_of[b] for b in districts], dr["p_nom"].to_numpy(dtype=float))
    dr_energy = np.zeros(len(buses))
    np.add.at(dr_energy, [bus_of[b] for b in districts], (dr["p_nom"] * dr["max_hours_per_day"]).to_numpy(float))
    days = pd.DatetimeIndex(d.timestamps[::24])
    return AdequacySystem(
        buses=buses,
        externals=list(d.externals),
        load_mw=load,
        renewable_mw=renewable,
        import_mw=imports,
        day_type=(days.dayofweek >= 5).astype(int),
        units=units,
        links=links,
        link_external=lk["bus0"].map(ext_of).to_numpy(dtype=int),
        line_bus0=lines["bus0"].map(bus_of).to_numpy(dtype=int),
        line_bus1=lines["bus1"].map(bus_of).to_numpy(dtype=int),
        line_mw=lines["s_nom_mw"].to_numpy(dtype=float),
        stores=stores,
        store_mwh=st["e_nom"].to_numpy(dtype=float),
        eff_charge=st["eff_charge"].to_numpy(dtype=float),
        eff_discharge=st["eff_discharge"].to_numpy(dtype=float),
        dr_mw=dr_mw,
        dr_hours_per_day=np.divide(dr_energy, dr_mw, out=np.zeros_like(dr_mw), where=dr_mw > 0),
    )
