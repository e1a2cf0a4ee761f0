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
        mine = [(t, v) for y, t, v in self.targets if y == year]
        if mine:
            out["targets"] = _with_targets(tables["targets"], year, mine)
        placed = [(b, k, v) for y, b, k, v in self.placements if y == year]
        if placed:
            out["sites"] = _with_placements(out["sites"], out["targets"], year, placed, self.source)
        return out

    def record(self) -> dict:
        """The manifest entry: the file's path, content and hash."""
        return {"source": self.source, "sha256": self.sha256, "text": self.text}


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
    units = dict(zip(tables["targets"]["id"], tables["targets"]["unit"]))
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
                for pkey, mw in (entries or {}).items():
                    if pkey not in PLACEMENTS:
                        raise InputError(
                            source,
                            f"[{year}.districts.{bus}] {pkey}: unknown placement (allowed: {', '.join(PLACEMENTS)})",
                        )
                    placements.append((year, bus, pkey, _number(mw, f"[{year}.districts.{bus}] {pkey}", source)))
            continue
        if key not in known_ids:
            raise InputError(
                source, f"[{year}] {key}: not a target id of targets.csv (one of {', '.join(sorted(known_ids))})"
            )
        signed = bool(units.get(key, "").startswith("change"))  # e.g. energy intensity: -0.145 vs 2020
        targets.append((year, key, _number(value, f"[{year}] {key}", source, key in SHARE_TARGETS, signed)))
    return targets, placements


def _scenario_section(body: dict, source: str, scenario_type: type) -> tuple[tuple[str, object], ...]:
    allowed = {f.name: f for f in fields(scenario_type)}
    refused = {"year", "mode", "inherited", "initial_soc", "initial_output", "without", "plan"}
    out = []
    for key, value in body.items():
        name = key.replace("-", "_")
        if name not in allowed or name in refused:
            options = ", ".join(sorted(set(allowed) - refused))
            raise InputError(source, f"[scenario] {key}: not a scenario value a plan can set (one of {options})")
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = _number(value, f"[scenario] {key}", source) if name not in ("carbon_price",) else value
        out.append((name, value))
    return tuple(out)


def read_plan(path: Path, tables: dict[str, pd.DataFrame], scenario_type: type) -> PlanOverrides:
    """Parse and check a plan file against the input tables; every error is one line naming the key."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except OSError as exc:
        raise InputError(source, f"cannot read the plan file ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
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
    return PlanOverrides(tuple(targets), tuple(placements), scenario, source, text)


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
    lines += ["# [scenario]  # optional scenario values, named as the CLI options", "# import_scale = 1.0", ""]
    return "\n".join(lines)
