"""A planner's own plan: target values per year, where the plan's new capacity goes, and scenario values, read
from a TOML plan file and applied to the input tables before a run.

The file::

    [2030]                      # one section per milestone year; keys are the ids of targets.csv
    gas_capacity = 14000        # MW
    storage_capacity = 1000     # MW of new-type storage (power; energy = power x storage_hours)
    dr_capability = 0.08        # share of the annual peak

    [2030.districts.Tianhe]     # optional placement of the plan's new capacity, MW in this district
    storage_mw = 300            # the rest of the target goes to the other districts by their plan shares

    [scenario]                  # optional scenario values, named as the CLI options (with _ for -)
    import_scale = 0.9

A plan replaces the value of a target row (the row must exist in ``targets.csv`` for some year; a year that lacks it
gets a new row of the same kind and unit) and, for placements, the ``plan_share`` of the site rows of that
technology in that year's run. Everything is checked before any work starts: an unknown year, target id, district,
placement key or scenario field, a value that is not a finite number, or placements that add up to more than the
target, is a one-line error naming the key.
"""

from __future__ import annotations

import hashlib
import math
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

import pandas as pd

from gzpower.errors import InputError
from gzpower.inputs.schemas import YEARS

#: placement key -> (site technology in sites.csv, the target whose new capacity it places)
#: Only storage is placed today: all of the storage target is new capacity, whereas the gas and renewable targets
#: are topped up from a standing fleet that depends on the scenario (coal replacement), so "MW here" would not be
#: the plan's number.
PLACEMENTS: dict[str, tuple[str, str]] = {
    "storage_mw": ("battery_power", "storage_capacity"),
}
#: targets whose values are shares, not MW: at most 1
SHARE_TARGETS = ("dr_capability", "re_absorption")


@dataclass(frozen=True)
class PlanOverrides:
    """What a plan file changes: ``targets`` (year, id) -> value, ``placements`` (year, district, key) -> MW,
    ``scenario`` field -> value, and the file's text and sha256 for the manifest."""

    targets: tuple[tuple[int, str, float], ...] = ()
    placements: tuple[tuple[int, str, str, float], ...] = ()
    scenario: tuple[tuple[str, object], ...] = ()
    source: str = ""
    text: str = field(default="", repr=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    def target(self, year: int, target_id: str) -> float | None:
        return next((v for y, t, v in self.targets if y == year and t == target_id), None)

    def apply(self, tables: dict[str, pd.DataFrame], year: int) -> dict[str, pd.DataFrame]:
        """The input tables with this plan's targets and placements for ``year`` applied (copies; inputs untouched)."""
        out = dict(tables)
        # the plan's earlier figures of a carried target, so that a year without its own row carries the plan's
        for y in sorted({y for y, t, _ in self.targets if y < year and t in CARRIED_TARGETS}):
            earlier = [(t, v) for yy, t, v in self.targets if yy == y and t in CARRIED_TARGETS]
            out["targets"] = _with_targets(out["targets"], y, earlier)
        mine = [(t, v) for y, t, v in self.targets if y == year]
        if mine:
            out["targets"] = _with_targets(out["targets"], year, mine)
        placed = [(b, k, v) for y, b, k, v in self.placements if y == year]
        if placed:
            out["sites"] = _with_placements(out["sites"], out["targets"], year, placed, self.source)
        return out

    def record(self) -> dict:
        """The manifest entry: the file's path, content and hash, and what it parsed to (so that a rerun needs
        neither the file nor a second validation)."""
        return {
            "source": self.source,
            "sha256": self.sha256,
            "text": self.text,
            "targets": [list(t) for t in self.targets],
            "placements": [list(p) for p in self.placements],
            "scenario": dict(self.scenario),
        }

    @classmethod
    def from_record(cls, record: dict) -> PlanOverrides:
        """The plan a manifest's :meth:`record` describes."""
        return cls(
            tuple((int(y), str(t), float(v)) for y, t, v in record.get("targets") or []),
            tuple((int(y), str(b), str(k), float(v)) for y, b, k, v in record.get("placements") or []),
            tuple((record.get("scenario") or {}).items()),
            str(record.get("source", "")),
            str(record.get("text", "")),
        )

    def label(self) -> str:
        """Short name for listings: the file name and the first 12 hex digits of its sha256."""
        return f"{Path(self.source).name}@{self.sha256[:12]}"

    def apply_to(self, sc, explicit: frozenset[str] | set[str] = frozenset()):
        """``sc`` with this plan attached and its [scenario] values set, except the fields in ``explicit`` (given
        on the command line: the command line wins over the plan file, which wins over the defaults)."""
        from dataclasses import replace

        values = {k: v for k, v in self.scenario if k not in explicit}
        return replace(sc, plan=self, **values)


#: targets a year without its own row inherits from the latest earlier year (the plan names storage for 2025 only)
CARRIED_TARGETS = ("storage_capacity",)


def year_targets(targets: pd.DataFrame, year: int) -> pd.DataFrame:
    """The target rows of ``year``; a :data:`CARRIED_TARGETS` id with no row for the year gets the latest earlier
    year's row, its description saying it was carried forward."""
    own = targets[targets["year"] == year]
    extra = []
    for target_id in CARRIED_TARGETS:
        if (own["id"] == target_id).any():
            continue
        earlier = targets[(targets["id"] == target_id) & (targets["year"] < year)].sort_values("year")
        if earlier.empty:
            continue
        row = earlier.iloc[-1].copy()
        row["description"] = f"{row['description']} (no {year} row: carried forward from {int(row['year'])})"
        row["year"] = year
        extra.append(row)
    if not extra:
        return own
    return pd.concat([own, pd.DataFrame(extra).astype(targets.dtypes.to_dict())], ignore_index=True)


def _with_targets(targets: pd.DataFrame, year: int, values: list[tuple[str, float]]) -> pd.DataFrame:
    frame = targets.copy()
    for target_id, value in values:
        here = (frame["id"] == target_id) & (frame["year"] == year)
        if here.any():
            frame.loc[here, "value"] = value
            continue
        template = frame[frame["id"] == target_id].sort_values("year").iloc[-1].copy()
        template["year"], template["value"] = year, value
        template["description"] = f"{template['description']} (value set by the plan file for {year})"
        frame = pd.concat([frame, template.to_frame().T.astype(frame.dtypes.to_dict())], ignore_index=True)
    return frame


def _with_placements(sites: pd.DataFrame, targets: pd.DataFrame, year: int, placed, source: str) -> pd.DataFrame:
    """Site plan shares such that each placed district gets its MW of the target and the others share the rest by
    their own plan shares."""
    frame = sites.copy()
    for key in dict.fromkeys(k for _, k, _ in placed):
        tech, target_id = PLACEMENTS[key]
        row = targets[(targets["id"] == target_id) & (targets["year"] <= year)].sort_values("year")
        total = float(row["value"].iloc[-1]) if len(row) else 0.0
        mw = {b: v for b, k, v in placed if k == key}
        if sum(mw.values()) > total + 1e-9:
            raise InputError(
                source,
                f"[{year}.districts.*] {key} add up to {sum(mw.values()):g} MW, more than the "
                f"{target_id} target of {total:g} MW for {year}",
            )
        mask = frame["tech"] == tech
        others = mask & ~frame["bus"].isin(list(mw))
        rest_share = float(frame.loc[others, "plan_share"].sum())
        rest = max(total - sum(mw.values()), 0.0)
        if rest > 1e-9 and rest_share <= 0:
            raise InputError(
                source,
                f"[{year}.districts.*] {key} place {sum(mw.values()):g} of the {target_id} target of {total:g} MW "
                f"and no other district has a plan share for the remaining {rest:g} MW",
            )
        for bus, value in mw.items():
            frame.loc[mask & (frame["bus"] == bus), "plan_share"] = value / total if total > 0 else 0.0
        if rest_share > 0 and total > 0:
            frame.loc[others, "plan_share"] = frame.loc[others, "plan_share"] / rest_share * rest / total
    return frame


def _number(value, where: str, source: str, share: bool = False, signed: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(float(value)):
        raise InputError(source, f"{where}: {value!r} is not a finite number")
    if (value < 0 and not signed) or (share and value > 1):
        allowed = "0..1 (a share)" if share else ">= 0"
        raise InputError(source, f"{where}: {value!r} is outside the allowed range {allowed}")
    return float(value)


def _year_section(year: int, body: dict, tables: dict[str, pd.DataFrame], source: str):
    known_ids = set(tables["targets"]["id"])
    # signed: a target measured as a change in any year (energy intensity: -0.145 vs 2020 in 2025, "-" in 2030)
    signed_ids = set(tables["targets"].loc[tables["targets"]["unit"].astype(str).str.startswith("change"), "id"])
    districts = set(tables["buses"].loc[tables["buses"]["kind"] == "district", "bus"])
    targets, placements = [], []
    for key, value in body.items():
        if key == "districts":
            if not isinstance(value, dict):
                raise InputError(source, f"[{year}.districts] must be a table of districts")
            for bus, entries in value.items():
                if bus not in districts:
                    raise InputError(
                        source, f"[{year}.districts.{bus}]: unknown district (one of {', '.join(sorted(districts))})"
                    )
                if not isinstance(entries, dict):
                    raise InputError(source, f"[{year}.districts.{bus}] must be a table of placements")
                for pkey, mw in entries.items():
                    if pkey not in PLACEMENTS:
                        raise InputError(
                            source,
                            f"[{year}.districts.{bus}] {pkey}: unknown placement (allowed: {', '.join(PLACEMENTS)})",
                        )
                    sites = tables["sites"]
                    if not ((sites["tech"] == PLACEMENTS[pkey][0]) & (sites["bus"] == bus)).any():
                        raise InputError(
                            source, f"[{year}.districts.{bus}] {pkey}: no {PLACEMENTS[pkey][0]} site in sites.csv"
                        )
                    placements.append((year, bus, pkey, _number(mw, f"[{year}.districts.{bus}] {pkey}", source)))
            continue
        if key not in known_ids:
            raise InputError(
                source, f"[{year}] {key}: not a target id of targets.csv (one of {', '.join(sorted(known_ids))})"
            )
        targets.append((year, key, _number(value, f"[{year}] {key}", source, key in SHARE_TARGETS, key in signed_ids)))
    return targets, placements


#: scenario fields a plan cannot set: the run's identity and the state a chain hands on
REFUSED_FIELDS = ("year", "mode", "inherited", "initial_soc", "initial_output", "without", "plan")
#: scenario fields that are shares (0..1)
SHARE_FIELDS = ("reserve_share", "dr_shift_share", "dr_share")
#: scenario fields that may be negative
SIGNED_FIELDS = ("carbon_price",)


def _scenario_section(body: dict, source: str, scenario_type: type) -> tuple[tuple[str, object], ...]:
    if not isinstance(body, dict):
        raise InputError(source, "[scenario] must be a table of scenario values")
    allowed = {f.name: f for f in fields(scenario_type)}
    defaults = scenario_type()
    out = []
    for key, value in body.items():
        name = key.replace("-", "_")
        if name not in allowed or name in REFUSED_FIELDS:
            options = ", ".join(sorted(set(allowed) - set(REFUSED_FIELDS)))
            raise InputError(source, f"[scenario] {key}: not a scenario value a plan can set (one of {options})")
        where = f"[scenario] {key}"
        kind = str(allowed[name].type).replace(" ", "")
        default = getattr(defaults, name)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise InputError(source, f"{where}: {value!r} is not true or false")
        elif kind.startswith("int"):
            if isinstance(value, bool) or not isinstance(value, int):
                raise InputError(source, f"{where}: {value!r} is not a whole number")
            value = int(_number(value, where, source))
        else:
            value = _number(value, where, source, share=name in SHARE_FIELDS, signed=name in SIGNED_FIELDS)
        out.append((name, value))
    return tuple(out)


def read_plan(path: Path, tables: dict[str, pd.DataFrame], scenario_type: type) -> PlanOverrides:
    """Parse and check a plan file against the input tables; every error is one line naming the key."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(source, f"cannot read the plan file ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise InputError(source, f"not a valid TOML plan file ({exc})") from None
    return parse_plan(text, tables, scenario_type, source)


def parse_plan(
    text: str, tables: dict[str, pd.DataFrame], scenario_type: type, source: str = "<plan>"
) -> PlanOverrides:
    """A plan from its TOML text (the Python API's way in; :func:`read_plan` reads a file)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(source, f"not a valid TOML plan file ({exc})") from None
    targets: list = []
    placements: list = []
    scenario: tuple = ()
    for key, body in raw.items():
        if key == "scenario":
            scenario = _scenario_section(body, source, scenario_type)
            continue
        if not key.isdigit() or int(key) not in YEARS:
            raise InputError(source, f"[{key}]: not a milestone year ({', '.join(map(str, YEARS))}) or [scenario]")
        if not isinstance(body, dict):
            raise InputError(source, f"[{key}] must be a table of target values")
        t, p = _year_section(int(key), body, tables, source)
        targets += t
        placements += p
    plan = PlanOverrides(tuple(targets), tuple(placements), scenario, source, text)
    for year in sorted({p[0] for p in placements}):  # placements against the (planned) targets, before any work
        plan.apply(tables, year)
    return plan


def plan_template(tables: dict[str, pd.DataFrame]) -> str:
    """A commented plan file holding today's target values (``gzpower plan template``)."""
    targets = tables["targets"]
    lines = [
        "# gzpower plan file: today's values from data/grid/targets.csv. Edit, then run",
        "#   gzpower check --plan plan.toml",
        "# Keys are the target ids; a value replaces the target for that year. Qualitative targets are left out.",
        "",
    ]
    for year in YEARS:
        lines.append(f"[{year}]")
        rows = targets[(targets["year"] == year) & targets["value"].notna()].sort_values("id")
        for row in rows.itertuples():
            lines.append(f"{row.id} = {float(row.value):g}  # {row.unit}, {row.kind}")
        lines += [
            "",
            f"# [{year}.districts.Tianhe]  # optional: MW of the plan's new capacity placed in one district",
            "# storage_mw = 100",
            "",
        ]
    lines += [
        "# [scenario]  # optional scenario values, named as the CLI options (--import-scale is import_scale);",
        "#             # an option given on the command line wins over the value here",
        "# import_scale = 1.0      # x every import interface's transfer capability (500 kV links, West-to-East links)",
        "# import_supply_scale = 1.0  # x every import source's capability (the supply behind the interfaces)",
        "# reserve_share = 0.05    # MW/MW of city load",
        "# value_of_lost_load = 30000  # CNY/MWh",
        "# dr_shift_share = 0.0    # MW/MW of district peak, shifted within the day (priced per MWh shifted)",
        "# storage_hours = 2.0     # h of energy per MW of the plan's new storage",
        "",
    ]
    return "\n".join(lines)
