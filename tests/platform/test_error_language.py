"""The server's error sentences in the reader's language (issue 22, point 1): errors a person meets in the
pages — signing in, links of e-mails, accounts, calls, the calendar, the helpdesk, records, documents —
answered in French and Spanish from the one catalogue (``Accept-Language`` or ``?lang=``), in English
otherwise."""

import pytest

from permille import i18n
from permille.grid import atlas_maps
from permille.registry import kpis

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
