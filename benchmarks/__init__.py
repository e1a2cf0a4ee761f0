"""``make bench``: timings and memory of the main cases (outside the package: nothing imports it)."""
