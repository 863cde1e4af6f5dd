"""A site's answers in the reader's language (issue 22, point 1): the long-term experiment page (model,
set-up, statistics, why the model does not fit, the seeded description) and the site answer's sentences
(description, nowcast, mapped stock) come from the catalogue in the request's language; the cached site
answer is kept per language, so a French and an English request of the same URL get each their own; the
citations and notes of the data file the answers quote in English are listed as ``quotations``."""

import pytest

from permille import i18n
from permille.monitoring import mapped, nowcast
from permille.registry import reference_layers, rothamsted

HOOSFIELD = "Hoosfield — FYM every year since 1852 (plot 72)"
HIGHFIELD = "Highfield — grass ploughed to continuous arable"


def _site_id(client, name: str) -> int:
    items = client.get("/api/sites", params={"country_iso3": "GBR", "page_size": 200}).json()["items"]
    return next(s["id"] for s in items if s["name"] == name)


def _sentences(body: dict) -> list[str]:
    """The sentences of a site answer that the catalogue writes (not numbers, names or citations)."""
    found = [body["description"]]
    if body["nowcast"]:
        found += [body["nowcast"][k] for k in ("model", "climate", "clay_source", "interval")]
    found += [body["mapped"][k] for k in ("caveat", "uncertainty", "message") if body["mapped"].get(k)]
    return found


def _expected(body: dict, lang: str) -> list[str]:
    """The sentences of the English answer ``body`` as the catalogue writes them in ``lang``."""
    found = [rothamsted.description(rothamsted.treatment(body["name"]), lang)]
    if body["nowcast"]:
        source = reference_layers.source_line(reference_layers.CLIMATE_LAYER).render(lang)  # title in lang
        found += [i18n.gettext(lang, nowcast.MODEL), i18n.gettext(lang, nowcast.CLIMATE, source=source),
                  i18n.gettext(lang, nowcast.CLAY_SOURCE), i18n.gettext(lang, nowcast.INTERVAL)]  # fmt: skip
    return found + [
        i18n.gettext(lang, body["mapped"][k])
        for k in ("caveat", "uncertainty", "message")
        if body["mapped"].get(k)
    ]


def test_the_cached_site_answer_is_kept_per_language(seeded_client):
    url = f"/api/monitoring/sites/{_site_id(seeded_client, HOOSFIELD)}"
    answers = {}
    for round_ in range(2):  # the second round is served from the read models (at the edge)
        for lang in ("en", "fr", "es"):
            response = seeded_client.get(url, headers={"Accept-Language": f"{lang}-XX,en;q=0.5"})
            assert response.status_code == 200 and "Accept-Language" in response.headers["vary"]
            if round_:
                assert response.headers["etag"] == answers[lang].headers["etag"], lang
            answers[lang] = response
    by_query = seeded_client.get(url, params={"lang": "fr"}, headers={"Accept-Language": "es"})
    assert by_query.json() == answers["fr"].json()  # ?lang= wins over the header
    en, fr, es = (answers[lang].json() for lang in ("en", "fr", "es"))
    t = rothamsted.treatment(HOOSFIELD)
    assert en["description"] == rothamsted.description(t) and en["quotations"] == []
    assert fr["description"].startswith(
        "Hoosfield, orge de printemps continue (R/HB/2), Rothamsted, Harpenden"
    )
    assert " Sol : " in fr["description"] and "35 t/ha de fumier de ferme chaque année" in fr["description"]
    assert es["description"].startswith("Hoosfield, cebada de primavera continua (R/HB/2)")
    assert t.experiment["soc_source"] in fr["quotations"]  # the citation, quoted as it is
    for lang, body in (("fr", fr), ("es", es)):
        assert _sentences(body) == _expected(en, lang)
        pairs = zip(_sentences(en), _sentences(body), strict=True)
        changed = [a != b for a, b in pairs if a != nowcast.CLAY_SOURCE]  # "observations" is French too
        assert len(changed) >= 2 and all(changed)
    if en["mapped"].get("caveat"):
        assert en["mapped"]["caveat"] == mapped.CAVEAT
        assert fr["mapped"]["caveat"].startswith("Le stock cartographié est un pixel de 5′")
    if en["nowcast"]:
        assert en["nowcast"]["model"] == nowcast.MODEL
        assert es["nowcast"]["model"].startswith("RothC-26.3, escenario tendencial")
        assert fr["nowcast"]["climate_source"].startswith(
            "Climatologie mensuelle ERA5"
        )  # its citation quoted
        assert any(q.startswith("Hersbach, H. et al. (2020)") for q in fr["quotations"])


def test_the_long_term_page_is_in_the_request_language(seeded_client):
    url = f"/api/monitoring/sites/{_site_id(seeded_client, HOOSFIELD)}/long-term"
    en, fr, es = (
        seeded_client.get(url, headers={"Accept-Language": lang}).json() for lang in ("en", "fr", "es")
    )
    assert en["validation"]["method"].startswith("leave-one-out")
    assert fr["validation"]["method"].startswith("validation croisée par omission")
    assert es["validation"]["method"].startswith("validación cruzada")
    assert fr["validation"]["formulas"]["r"] == "corrélation de Pearson entre P et O"
    assert "Nash–Sutcliffe" in es["validation"]["formulas"]["efficiency"]
    assert es["validation"]["formulas"]["efficiency"].endswith("(eficiencia del modelo de Nash–Sutcliffe)")
    assert fr["modelled"]["start"].startswith(
        "équilibre RothC de l’usage des terres antérieur à l’essai au 31 déc. 1851"
    )
    assert fr["modelled"]["interval"].startswith("centiles 2,5–97,5 des membres Monte Carlo")
    setup = {
        lang: {r["key"]: r for r in body["setup"]} for lang, body in (("en", en), ("fr", fr), ("es", es))
    }
    assert (
        setup["en"]["manure"]["value"].startswith("3 t C/ha a dose")
        and "1931: Feb + Nov" in setup["en"]["manure"]["value"]
    )
    assert (
        setup["fr"]["manure"]["value"].startswith("3 t C/ha par apport")
        and "1931 : " not in setup["fr"]["manure"]["value"]
    )
    assert "févr. + nov." in setup["fr"]["manure"]["value"]
    assert setup["fr"]["plant_input"]["value"] == "calé sur les mesures (une valeur pour toute la simulation)"
    assert setup["es"]["iom"]["value"] == "MOI = 0,049 × COS^1,139 del stock inicial"
    assert setup["fr"]["pre"]["value"].startswith("orge de printemps : couvert en avr., mai, juin, juil.")
    assert setup["fr"]["pre"]["source"].startswith("Cultures annuelles 1847–1851")
    assert setup["fr"]["clay"]["value"] == "23,4 % (Monte Carlo 18–27 %)"
    # the numbers are the same whatever the language
    assert (
        fr["modelled"]["points"] == en["modelled"]["points"]
        and fr["validation"]["statistics"] == en["validation"]["statistics"]
    )
    assert [m["role"] for m in fr["measured"]] == [m["role"] for m in en["measured"]]  # codes
    assert fr["sources"][0] == en["sources"][0] and fr["sources"][2].startswith("Modèle : RothC-26.3")
    # where the model does not fit, the page says why in the language
    highfield = f"/api/monitoring/sites/{_site_id(seeded_client, HIGHFIELD)}/long-term"
    fit = seeded_client.get(highfield, params={"lang": "es"}).json()["modelled"]["fit"]
    assert fit.startswith("el modelo no se ajusta: el aporte vegetal calibrado,") and "Fosters" in fit


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_text_of_the_experiments_shown_in_a_sentence_is_translated(lang):
    for t in rothamsted.treatments():
        for text in (
            t.experiment["name"],
            t.experiment["soil"],
            t.treatment["description"],
            t.get("pre_basis"),
        ):
            assert i18n.render(text, lang) != text, (lang, text)
        assert rothamsted.description(t, lang) != rothamsted.description(t)
        check = t.treatment.get("fit_check")
        if check:
            assert i18n.render(check["source"], lang) != check["source"]
