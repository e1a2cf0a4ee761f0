"""Results: tidy tables from a solved model, the headline numbers, the plan's target check, the counterfactual
table, and the run folder that holds them (atomic write, manifest, read back)."""
