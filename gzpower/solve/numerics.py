"""Coefficient ranges of the compiled LP, and a warning when they leave what HiGHS handles well.

For each of the four parts of the standard form (constraint matrix :math:`A`, column bounds, objective
:math:`c`, row right-hand sides) the range is the smallest and largest *absolute nonzero finite* value and their
ratio :math:`\\max|v| / \\min|v|`. Simplex codes work in double precision with feasibility tolerances near
1e-7; when one matrix mixes coefficients many orders of magnitude apart, or holds values beyond 1e9 or below
1e-9, scaling cannot rescue it and the answer may be wrong without the solver noticing. The limits below follow
the HiGHS / Gurobi guidance (matrix ratio within ~1e9; single coefficients within 1e-9..1e9).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

import numpy as np

log = logging.getLogger("gzpower")

#: largest acceptable max/min ratio inside one part of the LP
MAX_RATIO = 1e9
#: absolute values beyond these are flagged (bounds/rhs of exactly 0 are fine; infinite bounds are ignored)
MAX_ABS = 1e9
MIN_ABS = 1e-9


@dataclass(frozen=True)
class Range:
    """Smallest and largest absolute nonzero finite value of one part of the LP (None when it has none)."""

    min_abs: float | None
    max_abs: float | None
    count: int

    @property
    def ratio(self) -> float | None:
        if self.min_abs is None or self.max_abs is None:
            return None
        return self.max_abs / self.min_abs

    @classmethod
    def of(cls, values) -> Range:
        v = np.abs(np.asarray(values, dtype=float).ravel())
        v = v[np.isfinite(v) & (v > 0)]
        if v.size == 0:
            return cls(None, None, 0)
        return cls(float(v.min()), float(v.max()), int(v.size))


@dataclass(frozen=True)
class CoefficientRanges:
    matrix: Range
    bounds: Range
    objective: Range
    rhs: Range

    def warnings(self) -> list[str]:
        """One sentence per part out of range; empty when the LP is well within what HiGHS handles."""
        out = []
        for part in ("matrix", "bounds", "objective", "rhs"):
            r: Range = getattr(self, part)
            if r.min_abs is None or r.max_abs is None or r.ratio is None:  # no finite nonzero value (count 0)
                continue
            problems = []
            if r.max_abs > MAX_ABS:
                problems.append(f"|value| up to {r.max_abs:.3g} > {MAX_ABS:.0e}")
            if r.min_abs < MIN_ABS:
                problems.append(f"|value| down to {r.min_abs:.3g} < {MIN_ABS:.0e}")
            # the ratio matters in the matrix and the objective (reduced costs are compared against one
            # tolerance); for bounds and rhs a wide spread is only reported via the absolute limits above
            # (a 0.001 MW bound next to a 20,000 MW bound is harmless)
            if part in ("matrix", "objective") and r.ratio > MAX_RATIO:
                problems.append(f"max/min ratio {r.ratio:.3g} > {MAX_RATIO:.0e}")
            if problems:
                out.append(
                    f"{part} coefficients out of the well-conditioned range ({'; '.join(problems)}); "
                    "results may be inaccurate — check the units of the inputs"
                )
        return out

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for part in ("matrix", "bounds", "objective", "rhs"):
            r: Range = getattr(self, part)
            out[part] = {**asdict(r), "ratio": r.ratio}
        out["warnings"] = self.warnings()
        return out


def coefficient_ranges(matrix_values, col_lower, col_upper, cost, row_lower, row_upper) -> CoefficientRanges:
    """Ranges of the arrays handed to HiGHS (infinite bounds and zeros are left out)."""
    return CoefficientRanges(
        matrix=Range.of(matrix_values),
        bounds=Range.of(np.concatenate([np.asarray(col_lower, float), np.asarray(col_upper, float)])),
        objective=Range.of(cost),
        rhs=Range.of(np.concatenate([np.asarray(row_lower, float), np.asarray(row_upper, float)])),
    )


def report(ranges: CoefficientRanges) -> list[str]:
    """Log each warning on the ``gzpower`` logger (shown on stderr without logging configured) and return them."""
    lines = ranges.warnings()
    for line in lines:
        log.warning("warning: %s", line)
    return lines
