"""The page of a probabilistic adequacy run: ``adequacy.html`` and ``figures/adequacy_*.png`` in its folder.

Reads only the run folder (``manifest.json``, ``samples.parquet``, ``adequacy.parquet``): the distributions of
loss-of-load hours and unserved energy over the sample years against the criteria, the convergence of the running
means with their standard errors, and where (district) and when (hour of day) the shortfall falls.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from gzpower import assumptions as A
from gzpower.report.figures import STATUS_COLOUR, _figure, _note, to_png
from gzpower.report.page import document, esc, facts, figure_html, fmt, table, write_atomic
from gzpower.results.folder import read_manifest


def distribution_figure(samples: pd.DataFrame, eue_criterion_mwh: float | None):
    """Histograms of LOLE and EUE over the sample years, the means and the criteria marked."""
    fig, axes = _figure(3.6, ncols=2)
    for ax, col, unit, criterion in (
        (axes[0], "lole_h", "h", A.ADEQUACY_LOLE_CRITERION_H),
        (axes[1], "eue_mwh", "MWh", eue_criterion_mwh),
    ):
        x = samples[col].to_numpy(dtype=float)
        if not (x > 0).any():
            _note(ax, f"no loss of load in {len(x)} sample years")
            ax.set_title(f"{col} per sample year")
            continue
        ax.hist(x, bins=min(40, max(10, len(np.unique(x)))), color="#5e35b1", alpha=0.8)
        ax.axvline(x.mean(), color="black", lw=1.5, label=f"mean {x.mean():,.3g} {unit}")
        if criterion is not None:
            ax.axvline(criterion, color=STATUS_COLOUR["fail"], ls="--", lw=1.5, label=f"criterion {criterion:,.3g}")
        ax.set_xlabel(f"{col} ({unit} per sample year)")
        ax.set_ylabel("sample years")
        ax.set_title(f"{col}: {(x == 0).mean():.0%} of sample years have none")
        ax.legend(frameon=False)
    return fig


def convergence_figure(samples: pd.DataFrame):
    """Running mean +- 2 standard errors of LOLE and EUE as the samples accumulate."""
    fig, axes = _figure(3.2, ncols=2)
    n = np.arange(1, len(samples) + 1)
    for ax, col in zip(axes, ("lole_h", "eue_mwh")):
        x = samples[col].to_numpy(dtype=float)
        mean = np.cumsum(x) / n
        var = np.maximum(np.cumsum(x**2) / n - mean**2, 0.0) * n / np.maximum(n - 1, 1)
        se = np.sqrt(var / n)
        ax.fill_between(n, mean - 2 * se, mean + 2 * se, color="#b39ddb", alpha=0.6, label="+- 2 standard errors")
        ax.plot(n, mean, color="#311b92", lw=1.5, label="running mean")
        ax.set_xlabel("sample years")
        ax.set_ylabel(col)
        ax.legend(frameon=False)
    return fig


def contribution_figure(adequacy: pd.DataFrame):
    """EUE by district and by hour-of-day band (mean MWh per sample year, with 2 standard errors)."""
    fig, axes = _figure(3.4, ncols=2, width_ratios=[2, 1])
    for ax, scope in zip(axes, ("district", "hour_band")):
        sub = adequacy[(adequacy["scope"] == scope) & (adequacy["metric"] == "eue_mwh")]
        if sub.empty or not (sub["mean"] > 0).any():
            _note(ax, "no unserved energy")
        else:
            ax.bar(sub["element"], sub["mean"], yerr=2 * sub["se"], color="#d50000", alpha=0.8, capsize=3)
            ax.tick_params(axis="x", rotation=45 if scope == "district" else 0)
        ax.set_ylabel("EUE (MWh per sample year)")
        ax.set_title(f"by {scope.replace('_', ' ')}")
    return fig


def _city_table(adequacy: pd.DataFrame) -> str:
    city = adequacy[adequacy["scope"] == "city"]
    header = [
        "metric",
        "unit",
        "mean",
        "standard error",
        "p05",
        "median",
        "p95",
        "max",
        f"samples for {100 * A.ADEQUACY_TARGET_RELATIVE_SE:g} % se",
    ]
    rows = [
        [(esc(r.metric), ""), (esc(r.unit), "")]
        + [(fmt(v), "num") for v in (r.mean, r.se, r.p05, r.p50, r.p95, r.max, r.samples_needed)]
        for r in city.itertuples()
    ]
    return table(header, rows)


def write_adequacy_report(folder: Path) -> Path:
    """Write ``folder/adequacy.html`` (self-contained) and ``folder/figures/adequacy_*.png``; return the page."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    samples = pd.read_parquet(folder / "samples.parquet")
    adequacy = pd.read_parquet(folder / "adequacy.parquet")
    k, settings = manifest.get("kpis", {}), manifest.get("adequacy", {})
    eue_criterion = k.get("eue_criterion_mwh")
    fig_dir = folder / "figures"
    fig_dir.mkdir(exist_ok=True)
    credit_facts = [
        (f"capacity credit of {name}", f"{k[key]:,.0f} MW firm for {k[f'{name}_nameplate_mw']:,.0f} MW")
        for name in ("storage", "dr")
        if (key := f"{name}_capacity_credit_mw") in k
    ]
    body = [
        f"<h1>Probabilistic adequacy {esc(manifest.get('year'))}: {esc(manifest.get('run'))}</h1>",
        facts(
            [
                ("sample years", f"{len(samples)} of {k.get('hours')} h, seed {settings.get('seed')}"),
                ("network", str(settings.get("network"))),
                (
                    "LOLE",
                    f"{k.get('lole_h', 0):,.3f} +- {k.get('lole_h_se', 0):,.3f} h (criterion "
                    f"{A.ADEQUACY_LOLE_CRITERION_H:g} h/yr)",
                ),
                ("EUE", f"{k.get('eue_mwh', 0):,.1f} +- {k.get('eue_mwh_se', 0):,.1f} MWh"),
                *credit_facts,
            ]
        ),
        _city_table(adequacy),
    ]
    for stem, caption, fig in (
        (
            "adequacy_distribution",
            "Loss-of-load hours and unserved energy per sample year.",
            distribution_figure(samples, eue_criterion),
        ),
        (
            "adequacy_convergence",
            "Running means with 2 standard errors: flat and narrow means converged.",
            convergence_figure(samples),
        ),
        (
            "adequacy_contribution",
            "Where and when energy goes unserved (mean over sample years).",
            contribution_figure(adequacy),
        ),
    ):
        png = to_png(fig)
        (fig_dir / f"{stem}.png").write_bytes(png)
        body.append(figure_html(png, caption, stem))
    page = folder / "adequacy.html"
    write_atomic(page, document(f"gzpower adequacy {manifest.get('year')}", body))
    return page
