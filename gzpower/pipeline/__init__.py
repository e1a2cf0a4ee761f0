"""The data pipeline: reads the public raw files and writes gzpower's own inputs under ``data/``."""
