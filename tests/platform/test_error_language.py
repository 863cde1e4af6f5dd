"""The server's error sentences in the reader's language (issue 22, point 1): errors a person meets in the
pages — signing in, links of e-mails, accounts, calls, the calendar, the helpdesk, records, documents —
answered in French and Spanish from the one catalogue (``Accept-Language`` or ``?lang=``), in English
otherwise."""

import pytest

from permille import i18n

MISSING = 999_999
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
