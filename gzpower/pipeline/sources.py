"""The raw public sources the pipeline reads, with licence and what the pipeline does with each.

Rendered into ``data/PROVENANCE.md`` next to the assumption registry (:mod:`gzpower.assumptions`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    file: str
    what: str
    origin: str
    licence: str
    transformation: str


SOURCES: tuple[Source, ...] = (
    Source(
        "Hourly_demand_of_31_province_China_modified_V2.1.csv",
        "8760 hourly provincial loads (MW), base year 2018; column GD = Guangdong",
        "NDRC 2018 provincial hourly demand via PyPSA-China-PIK (doi:10.5281/zenodo.8322210)",
        "repository MIT; original data per the Zenodo record",
        "GD column aligned to the target year's calendar (weekdays, Spring Festival), scaled to Guangzhou's "
        "energy and peak, split across districts -> profiles/load.parquet; scaled again to Guangdong's energy and "
        "peak, less Guangzhou's load -> the Guangdong_rest rows of profiles/load.parquet; the shape of the "
        "guangdong_grid derate",
    ),
    Source(
        "Provincial_Load_2020_2060_MWh.csv",
        "annual provincial demand projections 2020-2060 (MWh)",
        "PyPSA-China-PIK resources/data/load",
        "as above",
        "Guangdong's 2025 energy (912.1 TWh) scales the province load; growth 2025->2030 informs the Guangzhou "
        "and province growth assumptions (the 2030 value is not used)",
    ),
    Source(
        "CHN_GD_Guangzhou.592870_TMYx.2009-2023.epw",
        "typical-year hourly weather at Guangzhou station 592870",
        "Climate.OneBuilding.org TMYx",
        "CC BY 4.0",
        "GHI/DNI/DHI and temperature through pvlib -> PV capacity factors; wind speed to hub height through "
        "a generic power curve -> wind capacity factors; the same profiles (PV mixed ground/rooftop, wind speed "
        "scaled offshore) stand for the province bus",
    ),
    Source(
        "CHN_Guangzhou_PVGIS_20MWp_2025_local.csv",
        "hourly AC output of a 20 MWp plant at Guangzhou (kW)",
        "EU JRC PVGIS v5.3",
        "free reuse with attribution",
        "cross-check of the pvlib capacity factor (annual CF within 10 %)",
    ),
    Source(
        "CHN_Guangzhou_PVGIS_20MWp_2019_raw.json",
        "raw PVGIS answer behind the CSV (UTC)",
        "EU JRC PVGIS v5.3",
        "free reuse with attribution",
        "not used beyond the cross-check",
    ),
    Source(
        "GEM_GGPT-Feb2023_Guangzhou_gas_units_extract.csv",
        "32 gas units in Guangzhou",
        "Global Energy Monitor, Global Gas Plant Tracker Feb 2023",
        "CC BY 4.0",
        "one row per unit -> grid/units.csv (district, technology, capacity, status, years)",
    ),
    Source(
        "GEM_GCPT-Jul2023_Guangzhou_coal_units_extract.csv",
        "36 coal units in Guangzhou",
        "Global Energy Monitor, Global Coal Plant Tracker Jul 2023",
        "CC BY 4.0",
        "one row per unit -> grid/units.csv (heat rate Btu/kWh -> MWh_th/MWh, kg/TJ -> tCO2/MWh_th)",
    ),
    Source(
        "edges_current.csv",
        "inter-provincial transfer capacities (MW)",
        "PyPSA-China-PIK resources/data/grids",
        "as PyPSA-China-PIK",
        "Guangdong's West-to-East corridors bound the clean-import scenario; their sum (Guangxi, Guizhou, "
        "Yunnan, Hainan: 91,790 MW) bounds the province's West-to-East capability (checked)",
    ),
    Source(
        "costs_2025.csv",
        "technology costs and parameters for 2025 (EUR)",
        "PyPSA-China-PIK resources/data/costs/default (rows cite DEA, Lazard, DIW, ...)",
        "CC BY 4.0 / MIT",
        "converted to CNY at EUR_TO_CNY, annuitised at DISCOUNT_RATE -> grid/technologies.csv, grid/fuels.csv "
        "(2025 and, by COSTS_YEAR_FOR_2023, the calibration year 2023); VOM of the province fleet",
    ),
    Source(
        "costs_2030.csv",
        "technology costs and parameters for 2030 (EUR)",
        "as costs_2025.csv",
        "CC BY 4.0 / MIT",
        "as costs_2025.csv",
    ),
    Source(
        "tech_costs_subset_litreview.csv",
        "China-specific investment costs 2020-2060 (CNY/kW, USD/MW, EUR/kW)",
        "PyPSA-China-PIK resources/data/costs/reference_costs",
        "as above",
        "China-specific capex where available replaces the European default",
    ),
)
