"""Monitoring: global → region → country → site, shared by the API (``/monitoring``) and the CLI
(``permille monitoring``).

Zone layers (SOC stock at T0, stocks after the forward run under business as usual and the SSM scenarios,
differences, rates, yearly fans) come precomputed from ``zone_statistic`` (:mod:`permille.registry.zones`):
a real dataset (``synthetic=False``, built by ``permille atlas build --from-catalogue``) when one is loaded;
else, only with ``demo`` (``permille serve --demo-layers``), the SYNTHETIC demonstration dataset
"atlas-synthetic", labelled "demonstration data" in every answer; else none, and the answers say which real
layer is missing (:mod:`.zone_summaries`). The country answer (:mod:`.country`) adds the real bundled
reference layers (approximate IPCC climate zones, IPCC Tier 1 reference stocks). Measured stocks come live
from the registry's observations (:mod:`.measured`). Sentences in en/fr/es: :mod:`.sentences`; the site
nowcast: :mod:`.nowcast`; the site answer: :mod:`.site`; country boundaries: :mod:`.boundaries`; the
plain-text country report of the CLI: :mod:`.report`. Units: t C/ha (0–30 cm), t C/ha/yr, Mt C; intervals
are 95 %.
"""
