"""``GET /api/kinds``: the writes it lists for each role are the writes the API accepts (each checked by a
real request), and the form schemas it gives are the Create/Update models'; the message catalogue of the
forms names every field and choice of every kind in English, French and Spanish."""

import pytest

from permille import i18n
from permille.registry.kinds import KINDS
from tests.platform.test_api_permissions import (  # noqa: F401 (refs: a fixture)
    PATCHES,
    ROLES,
    member_record,
    refs,
    sample,
)

LANGUAGES = ("en", "fr", "es")
CATALOGUE = {  # the record forms' messages of the one catalogue: key → {lang: text}
    key: {lang: i18n.web_catalogue(lang).get(key, "") for lang in LANGUAGES}
    for key, text in i18n.web_catalogue("en").items()
    if isinstance(text, str)
}


@pytest.mark.parametrize("role", ROLES)
def test_the_writes_listed_for_a_role_are_those_the_api_accepts(world, refs, role):  # noqa: F811
    headers = world.auth(role)
    listed = {k["name"]: k for k in world.client.get("/api/kinds", headers=headers).json()}
    assert set(listed) == set(KINDS)
    for kind, entry in listed.items():
        writes = entry["writes"]
        created = world.client.post(f"/api/{kind}", json=sample(kind, refs), headers=headers)
        assert (created.status_code == 201) == writes["create"], (kind, created.text)
        own = member_record(world, refs, kind, published=False)  # the member's organisation's record
        changed = world.client.patch(
            f"/api/{kind}/{own['id']}", json=PATCHES[kind] | {"version": own["version"]}, headers=headers
        )
        assert (changed.status_code == 200) == (
            writes["update"] == "any" or (writes["update"] == "own" and role == "member")
        ), (kind, changed.text)
        version = changed.json()["version"] if changed.status_code == 200 else own["version"]
        publish = {"published": True, "version": version}
        published = world.client.patch(f"/api/{kind}/{own['id']}", json=publish, headers=headers)
        assert (published.status_code == 200) == writes["publish"], (kind, published.text)
        readable = world.client.get(f"/api/{kind}", headers=headers).status_code == 200
        assert readable == entry["readable"], kind
        # the review: Submit is offered to who may change the record and may not publish (the API lets
        # any writer submit); Approve and Return to exactly who the API lets decide
        draft = member_record(world, refs, kind, published=False)
        submitted = world.client.post(f"/api/review/{kind}/{draft['id']}/submit", headers=headers)
        if role == "public":
            assert submitted.status_code == 401 and not writes["submit"] and not writes["review"]
            continue
        assert entry["reviewed"] == (submitted.status_code != 422), (kind, submitted.text)
        if writes["submit"] and (
            writes["update"] == "any" or role == "member"
        ):  # this record is the member's
            assert submitted.status_code == 200, (kind, submitted.text)
            assert not writes["publish"]
        if entry["reviewed"]:
            world.client.post(f"/api/review/{kind}/{draft['id']}/submit", headers=world.auth("secretariat"))
            approved = world.client.post(f"/api/review/{kind}/{draft['id']}/approve", headers=headers)
            assert (approved.status_code == 200) == writes["review"], (kind, approved.text)


def test_a_kind_gives_the_schemas_of_its_forms(world):
    for kind, k in KINDS.items():
        answer = world.client.get(f"/api/kinds/{kind}").json()
        assert answer["create_schema"] == k.create.model_json_schema()
        assert answer["update_schema"] == k.update.model_json_schema()
        assert answer["fields"] == list(k.public.model_fields)
    assert world.client.get("/api/kinds/no-such-kind").status_code == 422


def _label(kind: str, name: str) -> dict | None:
    return CATALOGUE.get(f"{kind}.{name}") or CATALOGUE.get(f"*.{name}")


def _choices(schema: dict, prop: dict) -> list:
    for option in (prop, *prop.get("anyOf", ())):
        target = schema["$defs"][option["$ref"].rsplit("/", 1)[-1]] if "$ref" in option else option
        if "enum" in target:
            return target["enum"]
    return []


def test_the_catalogue_names_every_field_and_choice_in_three_languages():
    for key, entry in CATALOGUE.items():
        if key != "_comment":
            assert set(entry) == set(LANGUAGES) and all(entry[lang].strip() for lang in LANGUAGES), key
    missing = []
    for kind, k in KINDS.items():
        if f"kind.{kind}" not in CATALOGUE:
            missing.append(f"kind.{kind}")
        schema = k.create.model_json_schema()
        names = set(schema["properties"]) | set(k.public.model_fields) | set(k.filters) | set(k.sort)
        missing += [f"{kind}.{n}" for n in sorted(names) if _label(kind, n) is None]
        for name, prop in schema["properties"].items():
            choices = _choices(schema, prop)
            if name == "scores":  # a dict keyed by the criteria, each a score and a comment
                choices = _choices(schema, prop["propertyNames"])
                missing += [
                    f"{kind}.scores.{n}" for n in ("score", "comment") if _label(kind, f"scores.{n}") is None
                ]
            missing += [
                f"{kind}.{name}:{c}"
                for c in choices
                if f"{kind}.{name}:{c}" not in CATALOGUE and f"*.{name}:{c}" not in CATALOGUE
            ]
    assert not missing, f"not in the catalogue (src/permille/locale): {missing}"


def test_the_account_forms_are_their_requests_schemas_named_in_the_catalogue(world):
    """The account pages' forms (js/accounts-ui.js accountForm) are rendered from GET /api/forms/{name}:
    the JSON Schema of the request each sends, every field and choice labelled in the same catalogue."""
    from permille.api.routes.accounts import ACCOUNT_FORMS

    missing = []
    for name, model in ACCOUNT_FORMS.items():
        schema = world.client.get(f"/api/forms/{name}").json()
        assert schema == model.model_json_schema(), name
        for field, prop in schema["properties"].items():
            if field in ("token", "language") and name in ("password", "apply"):
                continue  # not shown: the link's token, the page's language
            if _label(name, field) is None:
                missing.append(f"{name}.{field}")
            missing += [
                f"{name}.{field}:{c}"
                for c in _choices(schema, prop)
                if f"{name}.{field}:{c}" not in CATALOGUE and f"*.{field}:{c}" not in CATALOGUE
            ]
    assert not missing, f"not in the catalogue (src/permille/locale): {missing}"
    assert _label("password", "confirm_password"), "the repeated password"
    assert world.client.get("/api/forms/no-such-form").status_code == 422
