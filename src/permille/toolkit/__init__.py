"""The online toolkit's calculators (objective B4), shared by the API (``/api/toolkit``) and the CLI
(``permille toolkit``): inputs (:mod:`.schemas`) with per-request limits (:mod:`.limits`), the RothC
scenario (:mod:`.rothc`), the measurement calculators (:mod:`.measure`), whole answers in JSON, CSV or PDF
(:mod:`.calculators`), filled examples (:mod:`.examples`) and the worker processes they run in
(:mod:`.pool`).
"""
