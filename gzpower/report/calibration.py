"""The report's calibration section: a ``gzpower calibrate`` run's metrics against the observed 2023 figures."""

from __future__ import annotations

import pandas as pd

from gzpower.report.page import esc, fmt, table


def calibration_section(frame: pd.DataFrame | None) -> list[str]:
    """The heading, a one-line verdict and the table of ``calibration.parquet``; nothing for other runs."""
    if frame is None or frame.empty:
        return []
    rows, classes = [], []
    for r in frame.itertuples():
        classes.append("pass" if r.within else "fail")
        rows.append(
            [
                (esc(r.metric), "id"),
                (esc(r.unit), "unit"),
                (fmt(r.observed, r.unit), "num"),
                (fmt(r.model, r.unit), "num"),
                (fmt(r.low, r.unit), "num"),
                (fmt(r.high, r.unit), "num"),
                ("WITHIN" if r.within else "OUTSIDE", "status"),
                (esc(r.source), "desc"),
                (esc(r.band), "desc"),
                (esc(r.note), "desc"),
            ]
        )
    held = int(frame["within"].sum())
    cls = "pass" if held == len(frame) else "fail"
    return [
        "<h2>Calibration against 2023</h2>",
        f'<p class="verdict {cls}">{held} of {len(frame)} metrics within their bands</p>',
        table(
            ["metric", "unit", "observed", "model", "low", "high", "within", "source", "why the band", "note"],
            rows,
            classes,
            css_class="calibration",
        ),
    ]
