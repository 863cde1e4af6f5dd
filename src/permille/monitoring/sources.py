"""Constants and source lines shared by every monitoring answer."""

TOPSOIL = (0.0, 30.0)
"""Depth of the monitored stock, cm (GSOCseq and the dashboard: topsoil 0–30 cm)."""
DEMO_LABEL = "demonstration data"
"""The label of every number from the synthetic dataset."""
SYNTHETIC_SOURCE = (
    "SOC stock and potential: permille.grid.atlas on a SYNTHETIC global grid (GSOCseq method, FAO 2020 "
    "technical manual; RothC-26.3, Coleman & Jenkinson 1996) — demonstration data, not an estimate"
)
BOUNDARIES_SOURCE = "Boundaries: Natural Earth 1:50m admin-0 countries (public domain)"
MEASURED_SOURCE = (
    "Measured stocks: observations in this registry (SOC, bulk density, coarse fraction by layer)"
)
TIER1_SOURCE = "IPCC Tier 1 reference stocks: IPCC 2019 Refinement, Vol 4 Ch 2 Table 2.3 (SOCref, 0–30 cm)"
Z95 = 1.959963984540054
"""The 97.5 % quantile of the standard normal (half-width of a 95 % interval in SDs)."""
