"""The report's verdict sections: adequacy at both levels, what binds, and the tipping points ("the plan holds
while ..."), read from ``target_check.parquet``, ``binding.parquet`` and ``tipping_points.parquet``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from gzpower import assumptions as A
from gzpower.report.figures import to_png
from gzpower.report.page import esc, figure_html, fmt, table
from gzpower.report.verdict_text import (
    FAMILY_WORDS,
    LEVEL_WORDS,
    adequacy_sentences,
    tipping_heading,
    tipping_view,
)

SYNTHETIC_NOTE = (
    "The 220 kV corridor ratings are synthetic: no source gives them; each is its circuits "
    f"(LINE_CIRCUITS_CORE/OUTER/TRUNK: 2-6) x {A.LINE_RATING_MW_PER_CIRCUIT:g} MW (LINE_RATING_MW_PER_CIRCUIT), "
    "see data/PROVENANCE.md. --line-scale multiplies them."
)


def _read(folder: Path, name: str) -> pd.DataFrame | None:
    path = Path(folder) / f"{name}.parquet"
    return pd.read_parquet(path) if path.is_file() else None


def _binding_table(binding: pd.DataFrame) -> str:
    rows = [
        [
            (esc(LEVEL_WORDS.get(r.level, r.level).split(" (")[0]), ""),
            (esc(FAMILY_WORDS.get(r.family, r.family)), ""),
            (esc(r.element), "id"),
            (esc(r.district), ""),
            (fmt(r.hours_binding_h), "num"),
            (fmt(r.shadow_price_sum), "num"),
            (esc(r.unit), "unit"),
            (f"{r.unserved_saved_mwh_per_unit:,.1f}", "num"),
        ]
        for r in binding.itertuples()
    ]
    header = ["level", "limit", "element", "district", "hours binding", "shadow price summed", "unit", "MWh saved"]
    return table(header, rows, css_class="binding")


def tipping_figure(tp: pd.DataFrame) -> Figure:
    """Margin of each assumption to its tipping value, in % of the value used (no bar: no flip in the range)."""
    fig = Figure(figsize=(12.0, 0.5 + 0.45 * len(tp)), dpi=100, layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(tp))[::-1]
    margin = tp["margin_pct"].to_numpy(dtype=float)
    colour = ["#2e7d32" if h else "#c62828" for h in tp["holds_at_value_used"]]
    ax.barh(y, np.nan_to_num(margin), color=colour)
    for yi, m, text in zip(y, margin, tp["plan_holds_while"]):
        ax.text(0 if np.isnan(m) else m, yi, f"  {text}", va="center", fontsize=8)
    ax.set_yticks(y, tp["assumption"])
    ax.axvline(0, color="#444", lw=0.8)
    ax.set_xlabel("distance of the tipping value from the value used (% of the value used)")
    return fig


def verdict_sections(run) -> list[str]:
    """HTML for the verdict: both adequacy levels in words, what binds, the tipping-point table and figure."""
    tc = run.tables["target_check"]
    if "supply_unserved_energy" not in set(tc["id"]):
        return []
    body = ["<h2>Adequacy at two levels</h2>"]
    body += [f"<p>{esc(s)}</p>" for s in adequacy_sentences(tc)]
    body.append(f'<p class="sub">{esc(SYNTHETIC_NOTE)}</p>')
    binding = _read(run.folder, "binding")
    if binding is not None and not binding.empty:
        body += [
            "<h2>What binds in the shortfall hours</h2>",
            "<p>Limits at their bounds in the hours with unserved energy, their shadow prices summed over those "
            "hours; divided by the value of lost load, the MWh that one unit more of the limit would save "
            "(binding.parquet).</p>",
            _binding_table(binding),
        ]
    tp = _read(run.folder, "tipping_points")
    if tp is not None and not tp.empty:
        view = tipping_view(tp)
        rows = [
            [(esc(v), "num" if i in (1, 2, 4, 5) else "") for i, v in enumerate(r)]
            for r in view.itertuples(index=False)
        ]
        body += ["<h2>Tipping points</h2>", f"<p>{esc(tipping_heading(tp))}</p>"]
        body.append(table(list(view.columns), rows, css_class="tipping"))
        png = to_png(tipping_figure(tp))
        fig_dir = Path(run.folder) / "figures"
        fig_dir.mkdir(exist_ok=True)
        (fig_dir / "tipping_points.png").write_bytes(png)
        body.append(figure_html(png, "Tipping points (tipping_points.parquet).", "tipping_points"))
    return body
