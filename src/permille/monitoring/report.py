"""The country page as plain text (``permille monitoring country ISO3``): the same answers the web page
shows (:func:`.country.country`; the NDC section, :func:`permille.registry.parties.country`), in one
language."""

from .. import i18n
from ..registry.kpis import countries
from .sentences import number

HEADINGS = {
    "sentences": "Summary", "scenarios": "Modelled scenarios (0–30 cm, t C/ha, 95 % interval)",
    "observed": "Measured stocks over time (0–30 cm, t C/ha, 95 % interval)", "sites": "Sites",
    "tier1": "IPCC Tier 1 reference stocks (SOCref, 0–30 cm, t C/ha, 95 % interval)", "missing": "Missing real layers",
    "caveats": "Caveats", "sources": "Sources", "none": "none", "no_stock": "no measured stock",
    "share": "{zone} ({share} % of the land)",
}  # fmt: skip
"""The report's headings and words: catalogue messages (English ids), written in the reader's language."""
SITE = ("{name}: {n} observation, latest stock {stock}", "{name}: {n} observations, latest stock {stock}")
LANGUAGES = i18n.LANGUAGES


def _headings(table: dict, lang: str) -> dict:
    """``table`` (key → message, or a tuple of messages) in ``lang``."""
    return {
        key: tuple(i18n.gettext(lang, m) for m in value)
        if isinstance(value, tuple)
        else i18n.gettext(lang, value)
        for key, value in table.items()
    }


def _section(title: str, lines: list[str], none: str) -> list[str]:
    return ["", title, *(f"  {line}" for line in (lines or [none]))]


def country_text(answer: dict, lang: str = "en") -> str:
    """The country answer as text in ``lang`` (en, fr, es): sentences, scenarios, measured stocks, sites,
    Tier 1 reference stocks, missing layers, caveats and sources."""
    h = _headings(HEADINGS, lang)
    known = countries().get(answer["zone"])
    title = f"{known['name'][lang] if known else answer['name']} ({answer['zone']})"

    def n(value, digits=1):
        return "–" if value is None else number(value, lang, digits)

    def interval(mean, low, high):
        return f"{n(mean)} ({n(low)}–{n(high)})"

    scenarios = [
        f"{s['label']}, {answer['final_year']}: {interval(s['final']['mean'], s['final']['mean_low'], s['final']['mean_high'])}"
        for s in answer["scenarios"].values()
    ]
    observed = [
        f"{o['year']}: {interval(o['mean_t_c_ha'], o['low_t_c_ha'], o['high_t_c_ha'])}, n = {o['n_sites']}"
        for o in answer["observed"]
    ]
    sites = [
        i18n.ngettext(
            lang, *SITE, s["n_observations"], name=s["name"],
            stock=h["no_stock"] if s["latest_stock_t_c_ha"] is None else f"{n(s['latest_stock_t_c_ha'])} t C/ha",
        )
        for s in answer["sites"]
    ]  # fmt: skip
    tier1 = [
        f"{row['climate_zone']} · {row['soil_class']}: {interval(row['socref_t_c_ha'], row['low_t_c_ha'], row['high_t_c_ha'])}"
        for row in answer["tier1"]["items"]
    ]
    lines = [title, "=" * len(title)]
    lines += _section(h["sentences"], answer["sentences"][lang], h["none"])
    if scenarios:
        lines += _section(h["scenarios"], scenarios, h["none"])
    lines += _section(h["observed"], observed, h["none"])
    lines += _section(h["sites"], sites, h["none"])
    lines += _section(h["tier1"], tier1, h["none"])
    lines += _section(h["missing"], [m["message"] for m in answer["missing"]], h["none"])
    lines += _section(h["caveats"], answer["caveats"], h["none"])
    lines += _section(h["sources"], answer["sources"], h["none"])
    return "\n".join(lines) + "\n"


NDC_HEADINGS = {
    "title": "NDC: agriculture, land and soils", "not_party": "not a UNFCCC Party: no NDC",
    "mentions": "Does the NDC content mention…",
    "labels": ("soils", "soil carbon", "peatlands or wetlands", "a World Bank soils entry"),
    "yes": "yes", "no": "no", "unknown": "not assessed", "facts": "What the assessments say",
    "land": "Cropland and permanent meadows and pastures (1000 ha)", "no_land": "no FAOSTAT series",
    "latest": "{year}: cropland {crop}, permanent meadows and pastures {grass}",
}  # fmt: skip
"""The NDC section's headings and words: catalogue messages (English ids)."""
MENTION_KEYS = ("soils", "soil_carbon", "peatlands_wetlands", "wb_soils_subsector")


def ndc_text(answer: dict, lang: str = "en") -> str:
    """The NDC section of a country (:func:`permille.registry.parties.country`) as text in ``lang``: the
    Party's mentions, its answered facts with source and vintage, and the latest FAOSTAT areas with the
    source line."""
    h = _headings(NDC_HEADINGS, lang)
    party = answer["party"]
    lines = ["", h["title"], "-" * len(h["title"])]
    if party is None:
        lines.append(f"  {h['not_party']}")
    else:
        flags = [party["mentions"][k] for k in MENTION_KEYS]
        words = [h["unknown"] if f is None else h["yes" if f else "no"] for f in flags]
        lines += _section(
            h["mentions"], [f"{label}: {w}" for label, w in zip(h["labels"], words, strict=True)], ""
        )
        facts = [
            f"{f['topic']}: {f['value']} [{f['source_title']}, {f['vintage']}]"
            for f in party["facts"]
            if f["answered"]
        ]
        lines += _section(h["facts"], facts, h["unknown"])
    land = answer["land_use"]
    if land is None:
        lines += _section(h["land"], [], h["no_land"])
    else:
        latest = h["latest"].format(
            year=land["years"][-1],
            crop=number(land["cropland_kha"][-1], lang, 0) if land["cropland_kha"][-1] is not None else "–",
            grass=number(land["meadows_pastures_kha"][-1], lang, 0)
            if land["meadows_pastures_kha"][-1] is not None
            else "–",
        )
        source = land["source"]
        lines += _section(
            h["land"], [latest, f"{source['title']}, {source['vintage']} ({source['licence']})"], ""
        )
    return "\n".join(lines) + "\n"
