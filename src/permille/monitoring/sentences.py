"""Auto-written sentences of a zone in English, French and Spanish, from its modelled summary
(:mod:`.zone_summaries`) and its measured stocks over time (:func:`.measured.over_time`)."""

from .. import i18n
from ..registry.kpis import countries
from .zone_summaries import increase

LANGUAGES = ("en", "fr", "es")


def number(value: float, lang: str, digits: int = 1) -> str:
    """``value`` with ``digits`` decimals, grouped as the language writes numbers (1,234.5 / 1 234,5 /
    1.234,5)."""
    text = f"{value:,.{digits}f}"
    if lang == "en":
        return text
    group = "\u202f" if lang == "fr" else "."
    return text.replace(",", "\0").replace(".", ",").replace("\0", group)


def _name(summary: dict, lang: str) -> str:
    country = countries().get(summary["zone"]) if summary["level"] == "country" else None
    return country["name"][lang] if country else summary["name"]


def modelled(summary: dict, lang: str) -> list[str]:
    """The stock and the highest-input gain of a zone, in ``lang``."""
    t0, last = summary["stock_t0"], summary["final_year"]
    name = _name(summary, lang)
    if t0["mean"] is None:
        return [
            i18n.gettext(
                lang,
                "In {name}, no cell of the model grid lies in the country: no modelled stock.",
                name=name,
            )
        ]
    best_key = max((k for k in summary["scenarios"] if k != "bau"), key=increase)
    best = summary["scenarios"][best_key]["difference"]
    pct = f"{increase(best_key):g}"

    def n(v, d=1):
        return number(v, lang, d)

    mean, stock_total = n(t0["mean"]), n(t0["total"], 0)
    interval = f"{n(t0['mean_low'])}–{n(t0['mean_high'])}"
    gain = f"{n(best['mean'], 2)} t C/ha ({n(best['mean_low'], 2)}–{n(best['mean_high'], 2)})"
    total = f"{n(best['total'], 1)} Mt C"
    return [
        i18n.gettext(
            lang, "In {name}, the topsoil (0–30 cm) holds {mean} t C/ha on average (95 % interval {interval}), {total} Mt C in all.",
            name=name, mean=mean, interval=interval, total=stock_total,
        ),
        i18n.gettext(
            lang, "Under +{pct} % carbon inputs it could gain {gain} more than business as usual by {year}, {total} in all.",
            pct=pct, gain=gain, year=last, total=total,
        ),
    ]  # fmt: skip


def sentences(summary: dict, observed: list[dict]) -> dict[str, list[str]]:
    """Auto-written sentences in en, fr and es from a zone summary and its measured stocks over time."""
    out = {}
    for lang in LANGUAGES:
        if summary["stock_t0"] is None:
            text = [
                i18n.gettext(
                    lang,
                    "No real SOC stock layer is loaded for {name}: no modelled stock is shown.",
                    name=_name(summary, lang),
                )
            ]
        else:
            text = modelled(summary, lang)
        if observed:
            latest = observed[-1]
            mean = number(latest["mean_t_c_ha"], lang)
            text.append(i18n.ngettext(
                lang, "Measured: {n} site in {year}, mean {mean} t C/ha (0–30 cm).",
                "Measured: {n} sites in {year}, mean {mean} t C/ha (0–30 cm).", latest["n_sites"], year=latest["year"], mean=mean,
            ))  # fmt: skip
        if summary["synthetic"]:
            text.append(i18n.gettext(lang, "These modelled figures come from SYNTHETIC demonstration data."))
        out[lang] = text
    return out
