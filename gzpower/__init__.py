"""gzpower: hourly, district-level optimisation of Guangzhou's power system against its carbon-peak plan."""

__version__ = "0.1.0"
