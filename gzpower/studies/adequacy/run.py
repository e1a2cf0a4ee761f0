"""A probabilistic adequacy study from the input tables to a run folder (manifest, samples.parquet,
adequacy.parquet), and the pieces ``gzpower check --adequacy-samples`` reuses."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from gzpower import assumptions as A
from gzpower.errors import InputError
from gzpower.results.folder import file_hashes, run_folder, scenario_record, versions, write_manifest, write_tables
from gzpower.studies.adequacy.engine import AdequacyResult, adequacy_table, demand_mwh, run_adequacy, target_check_rows
from gzpower.studies.adequacy.montecarlo import Settings
from gzpower.studies.adequacy.system import AdequacySystem, Network, system_from_model


@dataclass(frozen=True)
class Study:
    """What ``gzpower adequacy`` was asked for."""

    year: int
    settings: Settings
    network: Network = "districts"
    start_hour: int = 0
    hours: int = 8760
    load_scale: float = 1.0
    import_scale: float = 1.0
    workers: int = 1
    scheduler: str | None = None
    capacity_credit: bool = False

    def __post_init__(self):
        if self.settings.samples < 2:
            raise InputError("--samples", f"{self.settings.samples}: give at least 2 sample years (a standard error)")
        if self.workers < 1:
            raise InputError("--workers", f"{self.workers}: must be at least 1")
        if self.start_hour < 0 or self.hours < 24 or self.start_hour + self.hours > 8760:
            raise InputError(
                "--hours", f"horizon {self.start_hour}..{self.start_hour + self.hours}: 24 h or more in 0..8760"
            )
        if self.load_scale <= 0 or self.import_scale < 0:
            raise InputError("--load-scale/--import-scale", "scales must be positive")


def build_system(tables: dict, study: Study, scenario=None) -> tuple[AdequacySystem, object]:
    """The year's fleet (check mode: the plan's capacities) as an adequacy system, and its scenario."""
    from gzpower.model.data import assemble
    from gzpower.scenario.scenario import Scenario

    base = scenario or Scenario(year=study.year, mode="check")
    sc = replace(
        base,
        year=study.year,
        mode="check",
        start_hour=0,
        hours=8760,
        periods=None,
        load_scale=study.load_scale,
        import_scale=study.import_scale,
        boundary="fixed_price",  # the sampling engine takes the boundary as external sources, not a province
    )
    system = system_from_model(assemble(tables, sc), study.network)
    system = replace(system, start_hour=study.start_hour, hours=study.hours)
    return system, sc


def run_study(tables: dict, study: Study, scenario=None) -> tuple[AdequacyResult, AdequacySystem, object]:
    system, sc = build_system(tables, study, scenario)
    result = run_adequacy(system, study.settings, study.workers, study.scheduler)
    if study.capacity_credit:
        from gzpower.studies.adequacy.credit import capacity_credits

        result.extra.update(capacity_credits(system, study.settings, result, study.workers, study.scheduler))
    return result, system, sc


def criteria(system) -> dict:
    return {
        "lole_criterion_h": A.ADEQUACY_LOLE_CRITERION_H,
        "eue_criterion_mwh": A.ADEQUACY_EUE_CRITERION_SHARE * demand_mwh(system),
    }


def check_tables(tables: dict, study: Study, scenario, target_check) -> dict:
    """What ``gzpower check --adequacy-samples`` adds to its run folder: the target check with the probabilistic
    rows appended (the deterministic rows as they were), ``adequacy`` and ``adequacy_samples``."""
    import pandas as pd

    result, system, _ = run_study(tables, study, scenario)
    rows = target_check_rows(result, study.year, demand_mwh(system))
    return {
        "target_check": pd.concat([target_check, rows], ignore_index=True),
        "adequacy": adequacy_table(result),
        "adequacy_samples": result.samples,
    }


def write_run(
    result: AdequacyResult, study: Study, sc, runs_dir: Path, data_dir: Path, load_s: float = 0.0, system=None
) -> Path:
    """The run folder of a study: samples.parquet, adequacy.parquet and a manifest with seed and settings."""
    label = f"adequacy-{study.year}-{study.network}-{study.settings.samples}s"
    with run_folder(runs_dir, label) as holder:
        folder = holder["path"]
        t = time.perf_counter()
        write_tables(folder, {"samples": result.samples, "adequacy": adequacy_table(result)})
        manifest = {
            "run": holder["final"].name,
            "mode": "adequacy",
            "year": study.year,
            "status": "complete",
            "message": f"{result.n} sample years",
            "scenario": scenario_record(replace(sc, start_hour=study.start_hour, hours=study.hours)),
            "adequacy": {
                **asdict(study.settings),
                "network": study.network,
                "workers": study.workers,
                "scheduler": study.scheduler,
                "capacity_credit": study.capacity_credit,
                "buses": result.buses,
            },
            "kpis": {**result.headline(), **(criteria(system) if system is not None else {}), **result.extra},
            "timings_s": {"load_s": load_s, "samples_s": result.seconds, "write_s": time.perf_counter() - t},
            "versions": versions(),
            "inputs": {"data_dir": str(data_dir), "sha256": file_hashes(data_dir)},
        }
        write_manifest(folder, manifest)
    return holder["path"]


def format_result(result: AdequacyResult, study: Study) -> str:
    h = result.headline()
    span = "yr" if result.hours == 8760 else f"{result.hours} h"
    lines = [
        f"== gzpower adequacy {study.year}: {result.n} sample years of {result.hours} h, {study.network} network, "
        f"seed {study.settings.seed} ({result.seconds:.1f} s, {result.seconds / result.n:.2f} s per sample) ==",
        f"LOLE                {h['lole_h']:10.3f} +- {h['lole_h_se']:.3f} h/{span}",
        f"EUE                 {h['eue_mwh']:10.1f} +- {h['eue_mwh_se']:.1f} MWh/{span}",
        f"loss-of-load days   {h['lol_days']:10.3f} +- {h['lol_days_se']:.3f} d/{span}",
        f"largest shortfall   {h['max_shortfall_mw']:10.1f} +- {h['max_shortfall_mw_se']:.1f} MW (sample maxima)",
        f"short hours solved  {h['solved_hours_per_sample']:10.1f} per sample (the rest screened by cuts)",
    ]
    rel = 100 * A.ADEQUACY_TARGET_RELATIVE_SE
    for m, what in (("lole_h", "LOLE"), ("eue_mwh", "EUE")):
        need = h[f"{m}_samples_needed"]
        enough = "no loss of load sampled" if need != need else f"{need:,.0f} samples for a {rel:g} % standard error"
        lines.append(f"{what}: {enough}")
    for name in ("storage", "dr"):
        if f"{name}_capacity_credit_mw" in result.extra:
            credit, plate = result.extra[f"{name}_capacity_credit_mw"], result.extra[f"{name}_nameplate_mw"]
            lines.append(f"capacity credit of {name}: {credit:,.0f} MW firm for {plate:,.0f} MW ({credit / plate:.0%})")
    return "\n".join(lines)
