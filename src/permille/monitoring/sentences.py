"""Auto-written sentences of a zone in English, French and Spanish, from its modelled summary
(:mod:`.zone_summaries`) and its measured stocks over time (:func:`.measured.over_time`)."""

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


NO_CELL = {
    "en": "In {name}, no cell of the model grid lies in the country: no modelled stock.",
    "fr": "En {name}, aucune cellule de la grille du modèle ne tombe dans le pays : pas de stock modélisé.",
    "es": "En {name}, ninguna celda de la cuadrícula del modelo cae en el país: no hay stock modelado.",
}
NO_REAL_LAYER = {
    "en": "No real SOC stock layer is loaded for {name}: no modelled stock is shown.",
    "fr": "Aucune couche réelle de stock de COS n’est chargée pour {name} : aucun stock modélisé n’est affiché.",
    "es": "No hay ninguna capa real de stock de COS cargada para {name}: no se muestra ningún stock modelado.",
}
MEASURED = {
    "en": "Measured: {n} site(s) in {year}, mean {mean} t C/ha (0–30 cm).",
    "fr": "Mesuré : {n} site(s) en {year}, moyenne {mean} t C/ha (0–30 cm).",
    "es": "Medido: {n} sitio(s) en {year}, media {mean} t C/ha (0–30 cm).",
}
SYNTHETIC = {
    "en": "These modelled figures come from SYNTHETIC demonstration data.",
    "fr": "Ces chiffres modélisés proviennent de données de démonstration SYNTHÉTIQUES.",
    "es": "Estas cifras modeladas provienen de datos de demostración SINTÉTICOS.",
}


def _name(summary: dict, lang: str) -> str:
    country = countries().get(summary["zone"]) if summary["level"] == "country" else None
    return country["name"][lang] if country else summary["name"]


def modelled(summary: dict, lang: str) -> list[str]:
    """The stock and the highest-input gain of a zone, in ``lang``."""
    t0, last = summary["stock_t0"], summary["final_year"]
    name = _name(summary, lang)
    if t0["mean"] is None:
        return [NO_CELL[lang].format(name=name)]
    best_key = max((k for k in summary["scenarios"] if k != "bau"), key=increase)
    best = summary["scenarios"][best_key]["difference"]
    pct = f"{increase(best_key):g}"

    def n(v, d=1):
        return number(v, lang, d)

    mean, stock_total = n(t0["mean"]), n(t0["total"], 0)
    interval = f"{n(t0['mean_low'])}–{n(t0['mean_high'])}"
    gain = f"{n(best['mean'], 2)} t C/ha ({n(best['mean_low'], 2)}–{n(best['mean_high'], 2)})"
    total = f"{n(best['total'], 1)} Mt C"
    return {
        "en": [
            f"In {name}, the topsoil (0–30 cm) holds {mean} t C/ha on average (95 % interval {interval}), "
            f"{stock_total} Mt C in all.",
            f"Under +{pct} % carbon inputs it could gain {gain} more than business as usual by {last}, {total} in all.",
        ],
        "fr": [
            f"En {name}, l’horizon de surface (0–30 cm) contient en moyenne {mean} t C/ha "
            f"(intervalle à 95 % {interval}), soit {stock_total} Mt C au total.",
            f"Avec +{pct} % d’apports de carbone, il pourrait gagner {gain} de plus que le scénario tendanciel "
            f"d’ici {last}, soit {total} au total.",
        ],
        "es": [
            f"En {name}, el suelo superficial (0–30 cm) contiene en promedio {mean} t C/ha "
            f"(intervalo del 95 % {interval}), {stock_total} Mt C en total.",
            f"Con +{pct} % de aportes de carbono podría ganar {gain} más que en el escenario tendencial "
            f"para {last}, {total} en total.",
        ],
    }[lang]


def sentences(summary: dict, observed: list[dict]) -> dict[str, list[str]]:
    """Auto-written sentences in en, fr and es from a zone summary and its measured stocks over time."""
    out = {}
    for lang in LANGUAGES:
        if summary["stock_t0"] is None:
            text = [NO_REAL_LAYER[lang].format(name=_name(summary, lang))]
        else:
            text = modelled(summary, lang)
        if observed:
            latest = observed[-1]
            mean = number(latest["mean_t_c_ha"], lang)
            text.append(MEASURED[lang].format(n=latest["n_sites"], year=latest["year"], mean=mean))
        if summary["synthetic"]:
            text.append(SYNTHETIC[lang])
        out[lang] = text
    return out
