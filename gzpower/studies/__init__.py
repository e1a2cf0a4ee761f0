"""Studies: one run end to end and the studies made of runs: counterfactuals, rolling horizon, sweeps, sizing."""
