"""Constants and source lines shared by every monitoring answer. The lines are catalogue messages
(:class:`permille.i18n.Text`): English until an answer is rendered in its reader's language
(:func:`permille.i18n.localized`). A citation quoted in its own language comes after " — " (the pages
mark it so); no other " — " in a line."""

from ..i18n import Text

TOPSOIL = (0.0, 30.0)
"""Depth of the monitored stock, cm (GSOCseq and the dashboard: topsoil 0–30 cm)."""
DEMO_LABEL = Text("demonstration data")
"""The label of every number from the synthetic dataset."""
SYNTHETIC_SOURCE = Text(
    "SOC stock and potential: permille.grid.atlas on a SYNTHETIC global grid (GSOCseq method, FAO 2020 "
    "technical manual; RothC-26.3, Coleman & Jenkinson 1996), demonstration data, not an estimate"
)
BOUNDARIES_SOURCE = Text("Boundaries: Natural Earth 1:50m admin-0 countries (public domain)")
MEASURED_SOURCE = Text(
    "Measured stocks: observations in this registry (SOC, bulk density, coarse fraction by layer)"
)
TIER1_SOURCE = Text(
    "IPCC Tier 1 reference stocks: IPCC 2019 Refinement, Vol 4 Ch 2 Table 2.3 (SOCref, 0–30 cm)"
)
Z95 = 1.959963984540054
"""The 97.5 % quantile of the standard normal (half-width of a 95 % interval in SDs)."""
