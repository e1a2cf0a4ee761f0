"""Runs: what is done with many finished run folders: the catalogue, comparisons and reruns."""
