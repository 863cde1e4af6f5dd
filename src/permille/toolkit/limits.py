"""Per-request limits of the toolkit's calculators, so that one request stays within seconds of one CPU
core (figures on a loaded 2-core machine: a 5,000-draw balance of two areas over 20 years ≈ 2 s).

A request beyond a limit is refused with 422 and a message naming the limit (:func:`beyond`). A project
*file* run by the CLI (``permille balance``) is not bound by them.
"""

MAX_ROTHC_DRAWS = 2000
"""Monte Carlo draws of a RothC scenario (each draw is one RothC site)."""
MAX_ROTHC_YEARS = 100
"""Years simulated by a RothC scenario."""
MAX_BALANCE_DRAWS = 5000
"""Monte Carlo draws of a project balance."""
MAX_BALANCE_YEARS = 100
"""Years of a project balance (last_year − first_year + 1)."""
MAX_BALANCE_AREAS = 20
"""Areas of a project balance."""
MAX_BALANCE_WORK = 1_000_000
"""Draws × areas × years of a project balance (≈ 5 s here): the product bounds its run time."""
MAX_STOCKS_ROWS = 20_000
"""Rows (layers) of a table uploaded to the stocks calculator."""
MAX_STOCKS_DEPTHS = 10
"""Cumulative depths asked of the stocks calculator."""
MAX_SAMPLING_STRATA = 100
"""Strata of a sampling design."""
MAX_CREDIT_CHANGES = 1000
"""Change estimates of a credit estimate."""


def beyond(limit: str, what: str, value: int) -> str:
    """The refusal of ``value`` above the limit named ``limit`` (a constant of this module)."""
    return f"{what} = {value:,}: at most {globals()[limit]:,} per toolkit request (limit {limit})"
