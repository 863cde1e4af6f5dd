"""Per-request limits of the toolkit's calculators, so that one request stays within seconds of one CPU
core (figures on a loaded 2-core machine: a 5,000-draw balance of two areas over 20 years ≈ 2 s).

A request beyond a limit is refused with 422 and a message naming the limit (:func:`beyond`). A project
*file* run by the CLI (``permille balance``) is not bound by them.
"""

from ..i18n import Number, Text

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
"""Draws × areas × simulated years of a project balance (≈ 5 s here): the product bounds its run time.
The simulated years run from the earliest period's ``year`` (the baseline history) to ``last_year``."""
MIN_YEAR, MAX_YEAR = 1800, 2200
"""Earliest and latest calendar year of any period, first or last year of a toolkit request."""
MAX_TEXT_CHARS = 200
"""Characters of any text of a toolkit request (names of projects, areas and strata, periods)."""
MAX_CPU_S = 60.0
"""CPU seconds a calculation may use in its worker process; beyond, it is stopped and refused with 422
(:class:`permille.toolkit.pool.ComputePool`; the input limits above keep a valid request within ≈ 10 s)."""
MAX_STOCKS_ROWS = 20_000
"""Rows (layers) of a table uploaded to the stocks calculator."""
MAX_STOCKS_DEPTHS = 10
"""Cumulative depths asked of the stocks calculator."""
MAX_SAMPLING_STRATA = 100
"""Strata of a sampling design."""
MAX_CREDIT_CHANGES = 1000
"""Change estimates of a credit estimate."""


def beyond(limit: str, what: Text, value: int) -> Text:
    """The refusal of ``value`` above the limit named ``limit`` (a constant of this module), a catalogue
    message (``what``: the quantity limited, in words)."""
    return Text(
        "{what} = {value}: at most {most} per toolkit request (limit {limit})",
        what=what, value=Number(value, 0), most=Number(globals()[limit], 0), limit=limit,
    )  # fmt: skip


def long_texts(value, limit: int = MAX_TEXT_CHARS) -> list[str]:
    """Where the raw input ``value`` (nested dicts and lists, walked without recursion) holds a text longer
    than ``limit`` characters, as dotted paths."""
    found: list[str] = []
    stack = [(value, "")]
    while stack:
        item, at = stack.pop()
        if isinstance(item, str):
            if len(item) > limit:
                found.append(at or "value")
        elif isinstance(item, dict):
            stack.extend((v, f"{at}.{k}".strip(".")) for k, v in item.items())
        elif isinstance(item, list | tuple):
            stack.extend((v, f"{at}.{i}".strip(".")) for i, v in enumerate(item))
    return sorted(found)


def text_refusal(value) -> Text | None:
    """The refusal of texts over :data:`MAX_TEXT_CHARS` in ``value``, or None."""
    where = long_texts(value)
    if not where:
        return None
    return Text(
        "text longer than {most} characters (limit MAX_TEXT_CHARS) in: {where}",
        most=Number(MAX_TEXT_CHARS, 0),
        where=", ".join(where[:10]),
    )
