"""A project's expected SOC impact from the models: the with − without balance of
:mod:`permille.models.balance` (IPCC Tier 1, Tier 2 and RothC) with its Monte Carlo uncertainty, small
enough to compute inside a request (≤ 500 draws, ~0.1 s for a few areas once the RothC kernels are
compiled and cached).
"""

from typing import Any

import numpy as np

from ..io.project_file import parse_project
from ..models import balance

#: Most draws run for a stored project (the document's own ``monte_carlo.draws`` if fewer).
IMPACT_DRAWS = 500
#: The model of the headline figures: the IPCC default method; the others are in ``by_model``.
HEADLINE_MODEL = "IPCC Tier 1"


def _estimate(draws: np.ndarray) -> dict[str, float]:
    e = balance.Estimate.of(draws)
    return {"mean": e.mean, "sd": e.sd, "low95": e.low, "high95": e.high}


def expected_impact(balance_input: dict[str, Any]) -> dict[str, Any]:
    """Expected SOC impact of a project described by ``balance_input`` (a project document, same schema as
    ``examples/project.yaml``), seeded by its ``monte_carlo.seed``.

    Returns ``{"model", "n_draws", "seed", "period", "area_ha", "interval", "units", "t_co2e_per_yr",
    "t_c_ha_yr", "by_model"}``: ``t_co2e_per_yr`` is the balance summed over the areas per year of the
    period (t CO2e/yr), ``t_c_ha_yr`` the area-weighted balance per ha (t C/ha/yr), each
    ``{"mean", "sd", "low95", "high95"}`` (the 2.5–97.5 percentiles); the headline is
    :data:`HEADLINE_MODEL`, ``by_model`` has the same two estimates for each model.
    Raises ``ValueError`` (:class:`~permille.io.project_file.ProjectFileError`) listing every problem.
    """
    document = parse_project(balance_input, "balance_input")
    draws = min(document.monte_carlo.draws, IMPACT_DRAWS)
    result = balance.simulate(document.to_model(), draws=draws, seed=document.monte_carlo.seed)
    n_years = document.last_year - document.first_year + 1
    by_model = {}
    for model in balance.MODELS:
        q = result.quantities(model)
        by_model[model] = {
            "t_co2e_per_yr": _estimate(q["total_t_co2e"] / n_years),
            "t_c_ha_yr": _estimate(q["balance_t_c_ha_yr"]),
        }
    return {
        "model": HEADLINE_MODEL,
        "n_draws": result.n_draws,
        "seed": document.monte_carlo.seed,
        "period": [document.first_year, document.last_year],
        "area_ha": float(sum(a.area_ha for a in document.areas)),
        "interval": "95 % (2.5–97.5 percentiles of the draws)",
        "units": {"t_co2e_per_yr": "t CO2e/yr", "t_c_ha_yr": "t C/ha/yr"},
        **by_model[HEADLINE_MODEL],
        "by_model": by_model,
    }
