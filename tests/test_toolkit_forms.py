"""The balance form (forms.js from the request's JSON Schema): every field, list row and choice of the balance
request has a label in English, French and Spanish in the one catalogue, looked up as forms.js does
(``balance.<path without list positions>``, then ``balance.<field>``); the form's example is
examples/project.yaml in the schema's values."""

import yaml

from permille import i18n
from permille.toolkit import examples
from permille.toolkit.schemas import BalanceIn
from tests.conftest import REPO

LANGUAGES = ("en", "fr", "es")
CATALOGUE = {  # the web messages of the one catalogue (src/permille/locale): key → {lang: text}
    key: {lang: i18n.web_catalogue(lang).get(key, "") for lang in LANGUAGES}
    for key, text in i18n.web_catalogue("en").items()
    if isinstance(text, str)
}
OMITTED = {"country_iso3"}  # the toolkit page's own country field


def entry(path: list[str], suffix: str = "") -> dict | None:
    return CATALOGUE.get(f"balance.{'.'.join(path)}{suffix}") or CATALOGUE.get(f"balance.{path[-1]}{suffix}")


def walk(schema: dict, node: dict, path: list[str], found: list):
    node = schema["$defs"][node["$ref"].split("/")[-1]] if "$ref" in node else node
    options = [o for o in node.get("anyOf", [node]) if o.get("type") != "null"]
    node = schema["$defs"][options[0]["$ref"].split("/")[-1]] if "$ref" in options[0] else options[0]
    if path:
        found.append((path, node))
    if node.get("type") == "object":
        for name, prop in node.get("properties", {}).items():
            if not (not path and name in OMITTED):
                walk(schema, prop, [*path, name], found)
    if node.get("type") == "array" and "$ref" in node.get("items", {}):
        found.append(([*path, "item"], {}))
        walk(schema, node["items"], path, found)


def test_every_field_and_choice_of_the_balance_has_a_label_in_three_languages():
    schema = BalanceIn.model_json_schema()
    found: list = []
    walk(schema, schema, [], found)
    missing = []
    for path, node in found:
        label = entry(path)
        if not label or set(label) != {"en", "fr", "es"} or not all(label.values()):
            missing.append(".".join(path))
        for choice in node.get("enum", []):
            if choice and not entry(path, f":{choice}"):
                missing.append(f"{'.'.join(path)}:{choice}")
    assert len(found) > 40
    assert not missing, missing


def test_the_forms_example_is_the_example_project(tmp_path):
    from fastapi.testclient import TestClient

    from permille.api.app import create_app
    from permille.registry.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'forms.db'}")
    with TestClient(create_app(engine, seed=False, toolkit_workers=0)) as client:
        answer = client.get("/api/toolkit/forms/balance").json()
    engine.dispose()
    project = yaml.safe_load((REPO / "examples" / "project.yaml").read_text(encoding="utf-8"))
    assert answer["example"] == BalanceIn.model_validate(project).model_dump(mode="json", exclude_none=True)
    assert examples.balance() == project and len(answer["example"]["areas"]) == 3
    assert answer["schema"]["properties"]["areas"]["items"]["$ref"].endswith("AreaIn")
