"""Inputs: the input tables' schemas (declared once, as data), their validation and loading, and the plan's
named rules. Reads files; knows nothing of scenarios or the model."""
