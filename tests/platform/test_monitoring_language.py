"""The monitoring answers in the reader's language (issue 22, point 1): a country's caveats, source lines
and missing-layer notices, the world's and the atlas's, are catalogue messages written in French or
Spanish for a French or Spanish request (``?lang=`` over ``Accept-Language``), the citations they quote
kept in their own language after " — "; and the read cache keeps one answer per language, so that neither
a French nor an English reader of the same URL is ever sent the other's kept copy (both databases)."""

import re

import pytest
from fastapi.testclient import TestClient

from permille import i18n
from permille.monitoring import country as monitoring_country
from permille.monitoring import sites_map
from tests.platform.conftest import demo_app

FRA = "/api/monitoring/countries/FRA"
CAVEAT = {
    "en": "The IPCC climate zones are classified by the IPCC rules from the ERA5 2000–2025 climatology",
    "fr": "Les zones climatiques du GIEC sont classées selon les règles du GIEC à partir de la climatologie ERA5",
    "es": "Las zonas climáticas del IPCC se clasifican según las reglas del IPCC a partir de la climatología ERA5",
}
MEASURED = {
    "en": "Measured stocks: observations in this registry (SOC, bulk density, coarse fraction by layer)",
    "fr": "Stocks mesurés : observations de ce registre (COS, densité apparente, fraction grossière par horizon)",
    "es": "Stocks medidos: observaciones de este registro (COS, densidad aparente, fracción gruesa por horizonte)",
}
COVER = {
    "en": r"The modelled layers cover \d+ % of the country's land cells \(cropland, grassland and tree cover only\)\.",
    "fr": r"Les couches modélisées couvrent \d+ % des cellules terrestres du pays \(terres cultivées, prairies et couvert arboré seulement\)\.",
    "es": r"Las capas modeladas cubren el \d+ % de las celdas terrestres del país \(solo tierras de cultivo, pastizales y cubierta arbórea\)\.",
}  # fmt: skip
TIER1_ATLAS = {  # the soil classes are bundled: the Tier 1 table points to the atlas's estimate
    "en": "the atlas section gives the country's Tier 1 estimate from the bundled soil classes",
    "fr": "la section de l’atlas donne l’estimation de niveau 1 du pays à partir des classes de sol fournies",
    "es": "la sección del atlas da la estimación de nivel 1 del país a partir de las clases de suelo incluidas",
}
CLIMATE_ZONES = {
    "en": "Climate zones: IPCC climate zone from the ERA5 climatology 2000–2025 — Hersbach, H. et al. (2020)",
    "fr": "Zones climatiques : Zone climatique du GIEC d’après la climatologie ERA5 2000–2025 — Hersbach, H. et al. (2020)",
    "es": "Zonas climáticas: Zona climática del IPCC según la climatología ERA5 2000–2025 — Hersbach, H. et al. (2020)",
}  # fmt: skip


def _check(answer: dict, lang: str) -> None:
    """``answer`` (France's) is written in ``lang``: caveats, sources, missing layer, scenario labels."""
    assert any(c.startswith(CAVEAT[lang]) for c in answer["caveats"]), answer["caveats"]
    assert any(re.fullmatch(COVER[lang], c) for c in answer["caveats"]), answer["caveats"]
    assert MEASURED[lang] in answer["sources"] and answer["observed_source"] == MEASURED[lang]
    assert answer["tier1"]["climate_zone_source"].startswith(CLIMATE_ZONES[lang])
    assert answer["missing"] == [] and TIER1_ATLAS[lang] in answer["tier1"]["caveat"]
    assert answer["scenarios"]["bau"]["label"] == {
        "en": "business as usual", "fr": "scénario tendanciel", "es": "escenario tendencial",
    }[lang]  # fmt: skip
    for other in {"en", "fr", "es"} - {lang}:
        assert not any(c.startswith(CAVEAT[other]) for c in answer["caveats"])
        assert MEASURED[other] not in answer["sources"]


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_the_country_answer_is_in_the_requests_language(seeded_client, lang):
    by_header = seeded_client.get(FRA, headers={"Accept-Language": f"{lang}-{lang.upper()},en;q=0.5"})
    assert by_header.headers["content-language"] == lang
    assert "Accept-Language" in by_header.headers["vary"]
    _check(by_header.json(), lang)
    _check(seeded_client.get(f"{FRA}?lang={lang}", headers={"Accept-Language": "en"}).json(), lang)
    _check(seeded_client.get(FRA).json(), "en")  # no language asked: English


def test_one_cached_url_keeps_one_answer_per_language(seeded_client, auth, monkeypatch):
    """French, English, French again, then Spanish by ``?lang=``: each reader gets the answer in their
    language; the second French read is the kept French answer, sent by the edge (not computed again),
    and the English reader is never sent it; a signed-in reader (another read scope) too."""
    computed = []
    country = monitoring_country.country
    monkeypatch.setattr(
        monitoring_country, "country", lambda *a, **k: computed.append(a[2]) or country(*a, **k)
    )
    french, english = {"Accept-Language": "fr"}, {"Accept-Language": "en-GB,en;q=0.9"}
    first = seeded_client.get(FRA, headers=french)
    plain = seeded_client.get(FRA, headers=english)
    again = seeded_client.get(FRA, headers=french)
    _check(first.json(), "fr")
    _check(plain.json(), "en")
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    assert plain.headers["etag"] != first.headers["etag"] and plain.headers["content-language"] == "en"
    assert computed == ["FRA", "FRA"]  # French and English computed once each; French again: kept
    not_modified = seeded_client.get(FRA, headers=english | {"If-None-Match": first.headers["etag"]})
    assert not_modified.status_code == 200 and not_modified.content == plain.content  # the French ETag
    spanish = seeded_client.get(f"{FRA}?lang=es", headers=french)
    _check(spanish.json(), "es")
    signed_in = seeded_client.get(FRA, headers=french | auth("secretariat"))
    _check(signed_in.json(), "fr")
    assert seeded_client.get(FRA, headers=english).content == plain.content
    assert computed == ["FRA", "FRA", "FRA", "FRA"]  # + Spanish, + the Secretariat's French


def test_the_world_and_the_atlas_answer_in_the_language(seeded_client):
    world = seeded_client.get("/api/monitoring/global", headers={"Accept-Language": "es"}).json()
    assert world["sources"][1:] == [
        MEASURED["es"],
        "Fronteras: Natural Earth 1:50m, países admin-0 (dominio público)",
    ]
    assert world["sources"][0].startswith("Stock y potencial de COS: estadísticas zonales «atlas-real-")
    atlas = seeded_client.get("/api/atlas/summary/FRA", headers={"Accept-Language": "fr"}).json()
    assert atlas["caveats"]["target"] == (
        "Objectif d’ambition : 0,4 %/an du stock de l’horizon de surface agricole, pas un potentiel modélisé."
    )
    assert atlas["sources"]["stock"].startswith("Sanderman, Hengl & Fiske (2017), PNAS 114(36)")
    assert "occupation du sol MODIS MCD12C1 2019" in atlas["sources"]["stock"]
    english = seeded_client.get("/api/atlas/summary/FRA").json()
    assert english["caveats"]["target"].startswith("Aspirational: 0.4 %/yr")


def test_a_converted_stock_caveat_writes_its_numbers_as_the_language_does():
    note = sites_map.conversion_note()
    english = re.search(r"F = (\d\.\d{3}) ± (\d\.\d{3}), range (\d\.\d{3})–(\d\.\d{3})", str(note))
    assert english, note
    french = note.render("fr")
    mean, sd, low, high = (v.replace(".", ",") for v in english.groups())
    assert f"(0–23 cm, Rothamsted : F = {mean} ± {sd}, plage {low}–{high}). Source — Jobbágy" in french
    assert french.startswith("Les stocks mesurés de la surface à 20–30 cm seulement sont convertis")
    spanish = note.render("es")
    assert f"F = {mean} ± {sd}, rango {low}–{high}). Fuente — Jobbágy" in spanish
    assert i18n.localized({"a": [note], "b": 1.5}, "es") == {"a": [spanish], "b": 1.5}


def test_the_synthetic_atlas_and_a_converted_stock_in_the_language(engine):
    """With the demonstration layers, Great Britain (Rothamsted: stocks measured to 23 cm, converted) in
    French: the synthetic dataset's caveat, its grid and the conversion's factor written as French writes
    numbers, the citation kept in English after " — "."""
    with TestClient(demo_app(engine, demo_layers=True)) as client:
        gbr = client.get("/api/monitoring/countries/GBR", headers={"Accept-Language": "fr"}).json()
        english = client.get("/api/monitoring/countries/GBR").json()
    assert gbr["dataset"]["label"] == "données de démonstration" and gbr["synthetic"] is True
    assert gbr["caveats"][0].startswith("Calculé sur une grille mondiale SYNTHÉTIQUE")
    assert re.fullmatch(
        r"Les couches modélisées couvrent \d+ % .*\(grille de 0,5° ; .*\)\.", gbr["caveats"][1]
    )
    assert re.fullmatch(r"The modelled layers cover \d+ % .*\(0\.5° grid; .*\)\.", english["caveats"][1])
    conversion = next(c for c in gbr["caveats"] if c.startswith("Les stocks mesurés de la surface"))
    assert re.search(
        r"Rothamsted : F = 1,\d{3} ± 0,\d{3}, plage 1,\d{3}–1,\d{3}\)\. Source — Jobbágy", conversion
    )
    assert gbr["sources"][0].startswith("Stock et potentiel de COS : permille.grid.atlas sur une grille")


def test_the_toolkits_site_inputs_name_their_layers_in_the_language(seeded_client):
    url = "/api/toolkit/site-inputs?lat=48.85&lon=2.35"
    french = seeded_client.get(url, headers={"Accept-Language": "fr"}).json()["fields"]
    english = seeded_client.get(url).json()["fields"]
    assert french["climate_zone"]["value"] == english["climate_zone"]["value"]
    title, _, citation = french["climate_zone"]["source"].partition(" — ")
    assert title == "Zone climatique du GIEC d’après la climatologie ERA5 2000–2025"
    assert (
        english["climate_zone"]["source"]
        == f"IPCC climate zone from the ERA5 climatology 2000–2025 — {citation}"
    )
    assert french["clay_pct"]["source"].startswith(
        "Argile de l’horizon de surface, GLDAS (glaciers masqués) — "
    )
