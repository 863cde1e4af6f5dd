"""The server's error sentences in the reader's language (issue 22, point 1): errors a person meets in the
pages — signing in, links of e-mails, accounts, calls, the calendar, the helpdesk, records, documents —
answered in French and Spanish from the one catalogue (``Accept-Language`` or ``?lang=``), in English
otherwise."""

import json
import pickle
import re

import pytest
from fastapi.testclient import TestClient

from permille import i18n
from permille.api.app import create_app
from permille.grid import atlas_maps
from permille.io import soil_import
from permille.measure.soildata import depth_order_problem
from permille.registry import kpis
from permille.registry.db import make_engine

MISSING = 999_999
MAP_LAYERS = list(atlas_maps.LAYERS)
KNOWN_OBJECTIVES = ", ".join(o.id for o in kpis.plan()[1])
CASES = [
    # (name, method, path, role or token, JSON body, status, message id, its values)
    ("anonymous", "GET", "/api/me", None, None, 401, "sign in first", {}),
    ("unknown token", "GET", "/api/me", "token", None, 401, "the token is unknown or has expired; sign in again", {}),
    ("wrong password", "POST", "/api/auth/token", None, {"email": "nobody@example.org", "password": "not the one"},
     401, "unknown e-mail or wrong password", {}),
    ("record", "GET", f"/api/sites/{MISSING}", None, None, 404, "no {kind} record {id}", {"kind": "sites", "id": MISSING}),
    ("event", "GET", f"/api/calendar/events/{MISSING}", None, None, 404, "no published event {id}", {"id": MISSING}),
    ("application", "GET", f"/api/call-applications/{MISSING}", "member", None, 404, "no application {id}",
     {"id": MISSING}),
    ("question", "GET", f"/api/helpdesks/questions/{MISSING}", "member", None, 404, "no question {id}", {"id": MISSING}),
    ("invitation link", "GET", "/api/invitations/" + "x" * 43, None, None, 422,
     "this link is not valid: it was used already, has expired or is unknown", {}),
    ("role", "GET", "/api/applications", "member", None, 403, "this needs the role {roles}; you are {role}",
     {"roles": "secretariat", "role": "member"}),
    ("document", "GET", f"/api/documents/{MISSING}/download", None, None, 404, "no document {id}", {"id": MISSING}),
    ("membership application", "POST", f"/api/applications/{MISSING}/decline", "secretariat",
     {"reason": "a test"}, 404, "no application {id}", {"id": MISSING}),
    ("call", "POST", "/api/calls", "member", None, 403, "this needs the role {roles}; you are {role}",
     {"roles": "secretariat", "role": "member"}),
    ("catalogue layer", "GET", "/api/layers/no_such_layer", None, None, 404, "no layer {id} in the catalogue",
     {"id": "'no_such_layer'"}),
    ("map layer", "GET", "/api/atlas/layers/no_such_map.png", None, None, 404,
     "map layer {name}: expected one of {layers}", {"name": "'no_such_map'", "layers": ", ".join(MAP_LAYERS)}),
    ("atlas zone", "GET", "/api/atlas/summary/Atlantis", None, None, 404,
     "zone {zone}: no such country (ISO3), region or WLD in the atlas", {"zone": "'Atlantis'"}),
    ("objective", "GET", "/api/kpis/F9", None, None, 404, "no objective {id}; objectives: {known}",
     {"id": "F9", "known": KNOWN_OBJECTIVES}),
    ("indicator", "GET", "/api/kpis/no_such_indicator/records", None, None, 404, "no indicator {name}",
     {"name": "'no_such_indicator'"}),
    ("KPI value", "POST", f"/api/kpis/values/{MISSING}/approve", "secretariat", None, 404, "no KPI value {id}",
     {"id": MISSING}),
    ("saved calculation", "GET", f"/api/toolkit/saved/{MISSING}", "member", None, 404,
     "no saved calculation {id} in your workspace", {"id": MISSING}),
    ("NDC country", "GET", "/api/ndc/countries/XYZ", None, None, 404, "no country or UNFCCC Party {iso3}",
     {"iso3": "XYZ"}),
    ("long-term site", "GET", f"/api/monitoring/sites/{MISSING}/long-term", None, None, 404, "no site {id}",
     {"id": MISSING}),
    ("outbox message", "GET", "/api/mail/outbox/no-such-message", "secretariat", None, 404,
     "no message {id} in the outbox", {"id": "no-such-message"}),
]  # fmt: skip


def _ask(client, auth, case, lang: str | None, by_query: bool = False):
    _name, method, path, who, body, _status, _msgid, _values = case
    headers = {}
    if who == "token":
        headers["Authorization"] = "Bearer " + "y" * 43
    elif who is not None:
        headers |= auth(who)
    params = {}
    if lang and by_query:
        params["lang"] = lang
    elif lang:
        headers["Accept-Language"] = f"{lang}-{lang.upper()},en;q=0.8"
    return client.request(method, path, headers=headers, json=body, params=params)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_an_error_is_answered_in_the_readers_language(client, auth, case):
    _name, _method, _path, _who, _body, status, msgid, values = case
    english = _ask(client, auth, case, None)
    assert english.status_code == status, english.text
    assert english.json()["error"]["message"] == msgid.format(**values)
    for lang in ("fr", "es"):
        answer = _ask(client, auth, case, lang, by_query=lang == "es")
        assert answer.status_code == status
        message = answer.json()["error"]["message"]
        assert message == i18n.gettext(lang, msgid, **values) != english.json()["error"]["message"], lang


def test_the_errors_asked_are_ten_different_messages_and_translated():
    assert len({c[6] for c in CASES}) >= 10
    assert i18n.gettext("fr", "sign in first") == "connectez-vous d’abord"
    assert i18n.gettext("es", "no application {id}", id=3) == "ninguna solicitud 3"
    full = i18n.Text("the event is full ({n} seat)", "the event is full ({n} seats)", n=40)
    assert (str(full), full.render("fr"), full.render("es")) == (
        "the event is full (40 seats)",
        "l’événement est complet (40 places)",
        "el evento está completo (40 plazas)",
    )


@pytest.mark.parametrize(
    ("area", "field", "problem"),
    [
        ({"type": "FeatureCollection", "features": []}, "features", "the FeatureCollection holds no feature"),
        (
            {"type": "Point", "coordinates": [1, 2]},
            "geometry 1",
            "expected a Polygon or MultiPolygon, got {kind}",
        ),
    ],
)
def test_an_area_of_interest_is_refused_in_the_readers_language(client, area, field, problem):
    """The atlas's area check names the field and says the problem in the reader's language."""
    values = {"kind": "'Point'"} if "{kind}" in problem else {}
    answers = {}
    for lang in ("en", "fr", "es"):
        answer = client.post("/api/atlas/area", json=area, params={"lang": lang})
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["details"] == [{"field": field}]
        answers[lang] = answer.json()["error"]["message"]
        expected = i18n.gettext(
            lang, "{field}: {problem}", field=field, problem=i18n.gettext(lang, problem, **values)
        )
        assert answers[lang] == expected
    assert answers["en"] == f"{field}: " + problem.format(**values)
    assert len(set(answers.values())) == 3


def test_the_problems_of_a_manual_kpi_value_are_listed_in_the_readers_language(client, auth):
    """A manual value refused: the summary and each problem of ``details`` in the reader's language."""
    body = {"value": 12, "date": "2024-01-01", "source": "a survey"}
    computed = next(name for name in kpis.indicators() if name not in kpis.manual_indicators())
    manual = ", ".join(kpis.manual_indicators())
    answers = {}
    for lang in ("en", "fr", "es"):
        headers = auth("secretariat") | {"Accept-Language": lang}
        answer = client.post(f"/api/kpis/{computed}/values", json=body, headers=headers)
        assert answer.status_code == 422, answer.text
        error = answer.json()["error"]
        assert error["message"] == i18n.ngettext(
            lang, "{n} problem in the KPI value", "{n} problems in the KPI value", 1
        )
        [problem] = error["details"]
        assert problem["loc"] == ["indicator"]
        answers[lang] = problem["message"]
        assert answers[lang] == i18n.gettext(
            lang, "{name} is computed from the records; manual values: {manual}", name=computed, manual=manual
        )
    assert answers["en"] == f"{computed} is computed from the records; manual values: {manual}"
    assert len(set(answers.values())) == 3


def test_a_point_off_the_layers_is_refused_in_the_readers_language(client):
    """The toolkit's site inputs: the error and its detail name the field and say the problem in the
    reader's language."""
    answers = {}
    for lang in ("en", "fr", "es"):
        answer = client.get("/api/toolkit/site-inputs?lat=95&lon=0", headers={"Accept-Language": lang})
        assert answer.status_code == 422, answer.text
        error = answer.json()["error"]
        problem = i18n.gettext(lang, "{value} is outside −90 … 90 degrees", value="95.0")
        assert error["message"] == i18n.gettext(lang, "{field}: {problem}", field="latitude", problem=problem)
        assert error["details"] == [{"loc": ["latitude"], "message": error["message"]}]
        answers[lang] = error["message"]
    assert answers["en"] == "latitude: 95.0 is outside −90 … 90 degrees"
    assert len(set(answers.values())) == 3


def test_validation_details_are_in_the_readers_language_and_english_stays_pydantics(client, auth):
    """A record refused by its schema: each detail in the request's language; in English, pydantic's own
    words (what programs and the web forms' types already read)."""
    site = {"country_iso3": "FRA", "lon": 1.5, "lat": 200, "land_use": "cropland", "surprise": 1}
    expected = {
        "en": {"lat": "Input should be less than or equal to 90", "name": "Field required",
               "surprise": "Extra inputs are not permitted"},
        "fr": {"lat": "la valeur doit être inférieure ou égale à 90", "name": "champ obligatoire",
               "surprise": "champ inconnu : il n’est pas accepté"},
        "es": {"lat": "el valor debe ser menor o igual que 90", "name": "campo obligatorio",
               "surprise": "campo desconocido: no se admite"},
    }  # fmt: skip
    for lang, messages in expected.items():
        refused = client.post(f"/api/sites?lang={lang}", json=site, headers=auth("secretariat"))
        assert refused.status_code == 422, refused.text
        details = {d["loc"][-1]: d["message"] for d in refused.json()["error"]["details"]}
        assert {field: details.get(field) for field in messages} == messages, (lang, details)


def test_a_validation_type_without_a_translation_keeps_pydantics_english():
    import datetime

    from pydantic import BaseModel, Field, ValidationError

    from permille.validation_messages import validation_message

    class Named(BaseModel):
        name: str = Field(max_length=3)
        seconds: datetime.timedelta = datetime.timedelta(0)

    with pytest.raises(ValidationError) as caught:
        Named(name="abc", seconds="a while")
    (error,) = caught.value.errors()
    message = validation_message(error)
    assert message == error["msg"] and not isinstance(message, i18n.Text)
    assert i18n.render(message, "fr") == error["msg"]


# --- the soil-data upload (the toolkit's stocks calculator) ----------------------------------------------

UPLOAD_MAPPING = {
    "site": "sitio",
    "field": "trt",
    "profile": "plot",
    "upper": {"column": "top_cm", "unit": "cm"},
    "lower": {"column": "bottom_cm", "unit": "cm"},
    "soc": {"column": "soc_gkg", "unit": "g/kg", "uncertainty": "soc_sd"},
    "bd": {"column": "bd", "unit": "g/cm3"},
    "som": {"column": "som_pct", "unit": "%"},  # not in the file
}
BAD_UPLOAD = """\
sitio,trt,plot,top_cm,bottom_cm,soc_gkg,soc_sd,bd
A,h,P1,0,10,25,1,1.2
A,h,P1,10,30,"1,8",1,1.3
A,h,P2,0,10,abc,1,1.3
A,h,P2,10,30,12,-0.5,1.25
,h,P3,0,10,12,1,2.9
"""
UPLOAD_ENGLISH = [
    (1, "som_pct", "column missing; the file has: sitio, trt, plot, top_cm, bottom_cm, soc_gkg, soc_sd, bd"),
    (3, "soc_gkg", "not a number: '1,8' has a decimal comma; write a decimal point (1.8) or save the file with "
     "semicolons between the columns"),
    (4, "soc_gkg", "not a number: 'abc'"),
    (5, "soc_sd", "uncertainty -0.5 is negative"),
    (6, "sitio", "missing value of 'site'"),
    (6, "bd", "bulk_density 2.9 g/cm3 is outside (0, 2.65] g/cm3"),
]  # fmt: skip
ENGLISH_WORDS = re.compile(
    r"\b(the|is|of|not|has|missing|number|value|column|negative|write|save|file|outside)\b"
)
"""Words of the English messages that neither the French nor the Spanish ones hold (the file's own column
names and values aside)."""


@pytest.fixture(scope="module")
def toolkit(tmp_path_factory):
    """An app over an empty SQLite file (the database plays no part) calculating in one worker process, so
    that the messages travel from the process as they do in service."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('upload') / 'toolkit.db'}")
    with TestClient(create_app(engine, seed=False, toolkit_workers=1)) as client:
        yield client
    engine.dispose()


def _upload(client, content: str, lang: str, **form):
    """The stocks calculator's answer to ``content``: French asked by ``?lang=``, Spanish by Accept-Language."""
    params = {"lang": lang} if lang == "fr" else {}
    headers = {"Accept-Language": "es-ES,en;q=0.8"} if lang == "es" else {}
    return client.post(
        "/api/toolkit/stocks",
        params=params,
        headers=headers,
        files={"file": ("cores.csv", content.encode(), "text/csv")},
        data={"mapping": json.dumps(UPLOAD_MAPPING), **form},
    )


def test_the_problems_of_a_soil_data_upload_are_listed_in_the_readers_language(toolkit, tmp_path):
    """A file with a missing column, a decimal comma, text, a negative uncertainty, a missing value and a bulk
    density out of range: every problem, by row and column, in the reader's language (the catalogue's
    French and Spanish, numbers and intervals written their way); English readers read the English."""
    path = tmp_path / "cores.csv"
    path.write_text(BAD_UPLOAD)
    with pytest.raises(soil_import.SoilImportError) as caught:
        soil_import.import_table(soil_import.read_table(path), UPLOAD_MAPPING)
    problems = caught.value.problems
    assert all(isinstance(p.message, i18n.Text) for p in problems)
    messages = {}
    for lang in ("en", "fr", "es"):
        answer = _upload(toolkit, BAD_UPLOAD, lang)
        assert answer.status_code == 422, answer.text
        error = answer.json()["error"]
        assert error["message"] == i18n.ngettext(
            lang,
            "{name}: {n} problem; nothing was imported",
            "{name}: {n} problems; nothing was imported",
            len(UPLOAD_ENGLISH),
            name="cores.csv",
        )
        assert [(d["row"], d["column"]) for d in error["details"]] == [
            (row, col) for row, col, _ in UPLOAD_ENGLISH
        ]
        messages[lang] = [d["message"] for d in error["details"]]
        assert messages[lang] == [p.message.render(lang) for p in problems], lang
    assert messages["en"] == [message for _, _, message in UPLOAD_ENGLISH]
    assert messages["en"] == [str(p.message) for p in problems]
    for lang in ("fr", "es"):
        for message, english in zip(messages[lang], messages["en"], strict=True):
            assert message != english, (lang, message)
            shown = re.sub(r"sitio, trt, plot, top_cm, bottom_cm, soc_gkg, soc_sd, bd|'\w+'", "", message)
            assert not ENGLISH_WORDS.search(shown), (lang, message)
    assert messages["fr"][3] == "l’incertitude -0,5 est négative"
    assert messages["fr"][5] == "bulk_density 2,9 g/cm3 est hors de ]0 ; 2,65] g/cm3"
    assert messages["es"][5] == "bulk_density 2,9 g/cm3 está fuera de (0; 2,65] g/cm3"
    assert messages["es"][1].startswith(
        "no es un número: '1,8' tiene coma decimal; escriba un punto decimal (1.8)"
    )


def test_the_refusal_of_the_stock_calculation_is_in_the_readers_language(toolkit):
    """A file that imports but whose cores the equivalent-soil-mass calculation refuses (a core starting
    below the surface, a gap between layers): the summary and each problem in the reader's language."""
    cores = """\
sitio,trt,plot,top_cm,bottom_cm,soc_gkg,soc_sd,bd,som_pct
A,h,P1,5,10,25,1,1.2,4
A,h,P1,10,30,18,1,1.3,3
A,h,P2,0,10,25,1,1.2,4
A,h,P2,20,30,18,1,1.3,3
"""
    answers = {}
    for lang in ("en", "fr", "es"):
        answer = _upload(toolkit, cores, lang, depths_cm="30")
        assert answer.status_code == 422, answer.text
        answers[lang] = answer.json()["error"]
    english = [
        "core h/P1 rep 1, first layer starts at 5 cm, not at the surface (0 cm)",
        "core h/P2 rep 1, layer 1: gap between 10 and 20 cm",
    ]
    assert answers["en"]["message"] == "2 problems in the samples: " + "; ".join(english)
    assert answers["fr"]["message"] == (
        "2 problèmes dans les échantillons : carotte h/P1 répétition 1, la première couche commence à 5 cm, pas "
        "à la surface (0 cm) ; carotte h/P2 répétition 1, couche 1 : vide entre 10 et 20 cm"
    )
    assert answers["es"]["message"].startswith(
        "2 problemas en las muestras: núcleo h/P1 repetición 1, la primera"
    )
    for lang in ("en", "fr", "es"):
        assert answers[lang]["details"] == [{"message": answers[lang]["message"]}]
    assert not ENGLISH_WORDS.search(answers["es"]["message"])


def test_thousands_of_problems_are_joined_flat():
    """A large upload's thousands of problems in one message: rendered and pickled (from a worker process)
    without recursion, separated the way the language separates them."""
    parts = [i18n.Text("layer {i}", i=i) for i in range(5000)]
    text = pickle.loads(pickle.dumps(i18n.joined(parts)))
    assert text == "; ".join(f"layer {i}" for i in range(5000))
    assert text.render("fr") == " ; ".join(f"couche {i}" for i in range(5000))
    assert text.render("es").startswith("capa 0; capa 1; ")
    assert i18n.joined(parts[:1]) is parts[0]


def test_the_record_forms_checks_are_answered_in_the_readers_language(client, auth):
    """The registry's own checks of a form (a call's dates, an observation's depths and value, a practice's
    effect) come from the catalogue: French and Spanish for those readers, the English unchanged."""
    secretariat = auth("secretariat")
    site = client.post(
        "/api/sites",
        json={"name": "Depths", "lon": 2.0, "lat": 45.0, "country_iso3": "FRA", "land_use": "cropland"},
        headers=secretariat,
    )
    assert site.status_code == 201, site.text
    upper = depth_order_problem(40, 30)
    cases = [
        ("/api/calls", {"title": "Late", "opens_at": "2027-02-01T00:00:00Z", "closes_at": "2027-01-01T00:00:00Z",
                        "review_by": "2027-03-01T00:00:00Z"},
         i18n.Text("the call must open before it closes, and close before the review ends")),
        ("/api/calls", {"title": "Naive", "opens_at": "2027-01-01T00:00:00", "closes_at": "2027-02-01T00:00:00Z",
                        "review_by": "2027-03-01T00:00:00Z"},
         i18n.Text("{field}: give a time zone (e.g. 2026-12-31T23:59:00Z)", field=i18n.Text("opening"))),
        ("/api/observations", {"site_id": site.json()["id"], "upper_cm": 40, "lower_cm": 30, "property": "soc",
                               "value": 2.1, "unit": "%"}, upper),
    ]  # fmt: skip
    for path, body, text in cases:
        answers = {}
        for lang in ("en", "fr", "es"):
            answer = client.post(path, json=body, headers=secretariat, params={"lang": lang})
            assert answer.status_code == 422, answer.text
            messages = [d["message"] for d in answer.json()["error"]["details"]]
            assert text.render(lang) in messages, (lang, messages)
            answers[lang] = text.render(lang)
        assert answers["en"] == str(text) and len(set(answers.values())) == 3
