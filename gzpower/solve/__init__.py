"""Solve: the in-memory hand-over to HiGHS, numerics, Benders decomposition for the expansion, and the
elastic diagnosis of an infeasible model."""
