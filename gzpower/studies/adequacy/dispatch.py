"""The hourly dispatch of a sample: an exact shortfall screen by cuts, a transport problem where it is short.

**Screen.** Without storage and DR, the unserved energy of an hour of a transport network is, by max-flow /
min-cut, ``max(0, max_X deficit(X))`` over the sets X of districts, with
``deficit(X) = load(X) - generation(X) - line capacity into X - sum_e min(import_e, interface capacity e -> X)``
(an external source enters the cut only where it, rather than its interfaces, is the limit). X = every district
is the city-wide margin. :func:`cuts` keeps only the sets that can ever bind: a set whose largest load of the year
(plus all storage charging) is below the line capacity into it is dropped, so the screen misses nothing and needs
no tolerance. Hours with a positive deficit are the only ones that can be short; only they are solved.

**Transport problem** (:class:`HourProblem`, HiGHS): generation, imports, interfaces and lines (both ways, no
loop-flow physics: a transport model, like PRAS's), storage discharge, DR and unserved energy per district, at
costs that only rank them: unserved 1000, DR 10, storage ``1 + 1 / (1 + hours of discharge left)`` (the store
with more hours left goes first, PRAS's time-to-go order), line flow 1e-4 (no flow without cause). Its total
unserved MW is unique; where it lands is not, so :func:`share_unserved` splits it pro rata to load over the
binding cut.

**Energy carried hour to hour** (PRAS's rule): stores discharge only to cover a shortfall, and charge from
surplus in every hour that is not short, as much as their power, room and the hour's slack allow, the slack
being ``-max_X deficit(X)``; if the stores want more than the slack, each is scaled by the same share (every cut
then stays feasible). DR sheds at most ``max_hours_per_day x p_nom`` MWh per calendar day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gzpower.errors import InputError

COST_UNSERVED, COST_DR, COST_LINE = 1000.0, 10.0, 1e-4
MAX_CUT_BUSES = 16


@dataclass
class Cuts:
    """The district sets that can be short: membership (buses x cuts), line capacity into each set, interface
    receiving-bus membership (links x cuts)."""

    members: np.ndarray
    lines_in: np.ndarray
    link_in: np.ndarray


def cuts(system, every: bool = False) -> Cuts:
    """Sets of districts whose deficit can ever be positive (``every``: all 2^B - 1, for tests)."""
    n = system.n_buses
    if n > MAX_CUT_BUSES:
        raise InputError("buses", f"{n} districts: the cut screen enumerates 2^n sets (at most {MAX_CUT_BUSES})")
    masks = np.arange(1, 2**n)
    member = ((masks[:, None] >> np.arange(n)) & 1).astype(bool)  # cuts x buses
    crossing = member[:, system.line_bus0] != member[:, system.line_bus1]
    lines_in = crossing.astype(float) @ system.line_mw
    if not every:
        worst = (system.load_mw @ member.T.astype(float)).max(axis=0) + system.stores.mw.sum()
        keep = worst - lines_in > 0
        member, lines_in = member[keep], lines_in[keep]
    link_in = member[:, system.links.bus].T.astype(float)
    return Cuts(member.T.astype(float), lines_in, link_in)


def cut_deficits(system, c: Cuts, load, gen, imports, link_mw) -> np.ndarray:
    """Hours x cuts: each cut's deficit (MW) for the hours given."""
    d = (load - gen) @ c.members - c.lines_in
    for e in range(len(system.externals)):
        sel = system.link_external == e
        d -= np.minimum(imports[:, e : e + 1], link_mw[:, sel] @ c.link_in[sel])
    return d


def max_deficit(system, c: Cuts, load, gen, imports, link_mw, block: int = 2190) -> np.ndarray:
    """Largest cut deficit of each hour (MW; > 0: that much is unserved before storage and DR)."""
    out = np.empty(len(load))
    for lo in range(0, len(load), block):
        sl = slice(lo, lo + block)
        out[sl] = cut_deficits(system, c, load[sl], gen[sl], imports[sl], link_mw[sl]).max(axis=1)
    return out


def share_unserved(system, c: Cuts, total: float, load, gen, imports, link_mw) -> np.ndarray:
    """The hour's unserved MW per district: pro rata to load over the binding cut, the largest set of districts
    whose deficit (after storage and DR, which ``gen`` includes) is the hour's shortfall. Any split inside it is
    an optimum of the transport problem; the simplex would pick one arbitrarily (all of it in one district).
    Maximisers of the deficit, a supermodular set function, are closed under union, so the largest is unique."""
    d = cut_deficits(system, c, load[None], gen[None], imports[None], link_mw[None])[0]
    binding = c.members[:, d >= d.max() - 1e-6 * max(1.0, total)].max(axis=1) > 0
    weight = np.where(binding, load, 0.0)
    return total * weight / weight.sum() if weight.sum() > 0 else np.zeros_like(load)


class HourProblem:
    """The transport problem of one sample hour, built once and re-solved from scratch (no warm start, so a
    sample's numbers do not depend on which samples were solved before it in the same process)."""

    def __init__(self, system):
        import highspy

        s = system
        self.nb, self.ne, self.nl = s.n_buses, len(s.externals), len(s.links)
        self.nn, self.nk = len(s.line_mw), len(s.stores)
        nb, ne, nl, nn, nk = self.nb, self.ne, self.nl, self.nn, self.nk
        # columns: gen (nb), import (ne), link (nl), line fwd (nn), line back (nn), discharge (nk), dr (nb), u (nb)
        self.o_imp, self.o_link = nb, nb + ne
        self.o_fwd = self.o_link + nl
        self.o_dis = self.o_fwd + 2 * nn
        self.o_dr = self.o_dis + nk
        self.o_u = self.o_dr + nb
        self.n_cols = self.o_u + nb
        entries = [(b, b, 1.0) for b in range(nb)]  # (row, col, value); rows: buses then externals
        entries += [(nb + e, self.o_imp + e, 1.0) for e in range(ne)]
        for j in range(nl):
            entries += [
                (int(s.links.bus[j]), self.o_link + j, 1.0),
                (nb + int(s.link_external[j]), self.o_link + j, -1),
            ]
        for i in range(nn):
            b0, b1 = int(s.line_bus0[i]), int(s.line_bus1[i])
            entries += [(b1, self.o_fwd + i, 1.0), (b0, self.o_fwd + i, -1.0)]
            entries += [(b0, self.o_fwd + nn + i, 1.0), (b1, self.o_fwd + nn + i, -1.0)]
        entries += [(int(s.stores.bus[k]), self.o_dis + k, 1.0) for k in range(nk)]
        entries += [(b, self.o_dr + b, 1.0) for b in range(nb)]
        entries += [(b, self.o_u + b, 1.0) for b in range(nb)]
        rows, cols, vals = (np.array(x) for x in zip(*entries))
        order = np.lexsort((rows, cols))
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n_cols, nb + ne
        cost = np.zeros(self.n_cols)
        cost[self.o_fwd : self.o_dis] = COST_LINE
        cost[self.o_dr : self.o_u], cost[self.o_u :] = COST_DR, COST_UNSERVED
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, np.zeros(self.n_cols), np.zeros(self.n_cols)
        lp.row_lower_, lp.row_upper_ = np.zeros(nb + ne), np.zeros(nb + ne)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.searchsorted(cols[order], np.arange(self.n_cols + 1)).astype(np.int32)
        lp.a_matrix_.index_, lp.a_matrix_.value_ = rows[order].astype(np.int32), vals[order].astype(float)
        self.lp, self.line_mw, self.cost = lp, s.line_mw, cost
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("presolve", "off")

    def solve(self, load, gen, imports, link_mw, dis_max, dis_cost, dr_max):
        """Unserved per bus, discharge per store and DR per bus (MW) of one hour."""
        upper = np.concatenate([gen, imports, link_mw, self.line_mw, self.line_mw, dis_max, dr_max, load])
        lp = self.lp
        lp.col_upper_ = upper
        cost = self.cost.copy()
        cost[self.o_dis : self.o_dr] = dis_cost
        lp.col_cost_ = cost
        lp.row_lower_ = lp.row_upper_ = np.concatenate([load, np.zeros(self.ne)])
        h = self.highs
        h.clearSolver()
        h.passModel(lp)
        h.run()
        x = np.asarray(h.getSolution().col_value)
        if len(x) != self.n_cols:
            raise RuntimeError(f"transport problem not solved: {h.modelStatusToString(h.getModelStatus())}")
        return x[self.o_u :], x[self.o_dis : self.o_dr], x[self.o_dr : self.o_u]
