"""Reports people would rather look at: one HTML page per run, and a page comparing runs (sweeps, ``compare``).

Why this stack: matplotlib on its Agg canvas draws static PNGs, which are embedded in one self-contained HTML
file (base64 ``<img>``) and also written beside it as ``figures/*.png``. No JavaScript and no web fonts or CDN:
the page opens offline, from an archive or an e-mail attachment, looks the same in every browser, and stays a
few hundred kB. Agg output is deterministic for pinned matplotlib and inputs, so a report is reproducible from
its run folder. matplotlib is already a pinned dependency; nothing else is needed.

Every number drawn is read from the run folder's parquet tables and ``manifest.json``; the report never solves or
re-derives model quantities (city-wide series are sums over districts of what the run wrote).
"""

from gzpower.report.compare import write_comparison_report
from gzpower.report.run_report import write_report

__all__ = ["write_report", "write_comparison_report"]
