"""IPCC methods for soil carbon: Tier 1 for mineral soils (2006 Guidelines or 2019 Refinement
coefficients) and drained organic soils, and the 2019 Tier 2 steady-state method.

Coefficients are packaged data with their uncertainty and source (:mod:`.coefficients`), categories
are enums (:mod:`.categories`); :mod:`.tier1` and :mod:`.tier2` hold the methods.
"""
