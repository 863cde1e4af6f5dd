"""Every pydantic error type a user can meet in the toolkit's and the records' forms is a catalogue message
(:mod:`permille.validation_messages`): pydantic's own English, French and Spanish from the catalogue."""

import datetime
import enum
from typing import Annotated, Literal

import pytest
from pydantic import AnyUrl, BaseModel, Field, Strict, TypeAdapter, ValidationError, field_validator

from permille import i18n
from permille.validation_messages import PLURALS, TEMPLATES, WORDS, validation_message


class Kind(enum.Enum):
    SOIL = "soil"
    WATER = "water"


class Form(BaseModel):
    code: str = Field("ab", min_length=2, max_length=3, pattern=r"^[a-z]+$")
    depths: list[int] = Field([1], min_length=1, max_length=2)
    method: Literal["linear", "spline", "cubic"] = "linear"
    kind: Kind = Kind.SOIL
    mapping: dict = {}
    day: datetime.date = datetime.date(2020, 1, 1)
    at: datetime.datetime = datetime.datetime(2020, 1, 1)
    link: AnyUrl | None = None
    step: int = Field(0, multiple_of=5)
    flag: bool = True
    named: str = "x"

    @field_validator("named")
    @classmethod
    def _plain(cls, v):
        if v == "bad":
            raise ValueError("a plain message")
        return v


def _error(data: dict | str) -> dict:
    with pytest.raises(ValidationError) as caught:
        if isinstance(data, str):
            Form.model_validate_json(data)
        else:
            Form.model_validate(data)
    (error,) = caught.value.errors()
    return error


def _strict_error(adapter_type, json: str) -> dict:
    """A strict date or datetime (as a JSON body's)."""
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(Annotated[adapter_type, Strict()]).validate_json(json)
    (error,) = caught.value.errors()
    return error


CASES = {
    "string_too_short": lambda: _error({"code": "a"}),
    "string_too_long": lambda: _error({"code": "abcd"}),
    "string_pattern_mismatch": lambda: _error({"code": "A1"}),
    "too_short": lambda: _error({"depths": []}),
    "too_long": lambda: _error({"depths": [1, 2, 3]}),
    "literal_error": lambda: _error({"method": "akima"}),
    "enum": lambda: _error({"kind": "air"}),
    "list_type": lambda: _error({"depths": "30"}),
    "dict_type": lambda: _error({"mapping": 3}),
    "date_from_datetime_parsing": lambda: _error({"day": "2020-13-01"}),
    "date_from_datetime_inexact": lambda: _error({"day": "2020-01-01T10:00"}),
    "datetime_from_date_parsing": lambda: _error({"at": "2020/01/01"}),
    "date_parsing": lambda: _strict_error(datetime.date, '"2020-01-01T10:00"'),
    "date_type": lambda: _strict_error(datetime.date, "12"),
    "datetime_parsing": lambda: _strict_error(datetime.datetime, '"2020-01-01T25:00"'),
    "datetime_type": lambda: _strict_error(datetime.datetime, "12"),
    "url_parsing": lambda: _error({"link": "no address"}),
    "multiple_of": lambda: _error({"step": 3}),
    "bool_type": lambda: _error({"flag": [1]}),
    "json_invalid": lambda: _error('{"code": '),
    "value_error": lambda: _error({"named": "bad"}),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_validation_type_reads_in_the_readers_language(kind):
    error = CASES[kind]()
    assert error["type"] == kind
    message = validation_message(error)
    assert isinstance(message, i18n.Text) and message == error["msg"]  # English: pydantic's own words
    template = i18n.catalogue("en").get(message.msgid)
    assert template is not None, message.msgid
    for lang in ("fr", "es"):
        rendered = message.render(lang)
        translated = i18n.catalogue(lang).get(message.msgid).string
        first = translated[0] if isinstance(translated, tuple) else translated
        assert rendered != error["msg"] and first, (lang, rendered)
        words = set(first.replace("{", " ").replace("}", " ").split()) - {"ce", "la", "el"}
        assert words & set(rendered.split()), (lang, rendered)  # the catalogue's words, not pydantic's
    if kind in PLURALS:
        assert message.plural is not None
    else:
        assert message.msgid == TEMPLATES[kind]


def test_the_words_inside_pydantics_messages_are_translated():
    error = _error({"depths": []})
    assert validation_message(error).render("fr") == "liste : au moins 1 élément attendu, et non 0"
    assert validation_message(error).render("es") == "lista: se esperaba al menos 1 elemento, no 0"
    error = _error({"method": "akima"})
    assert validation_message(error).render("fr") == "la valeur doit être 'linear', 'spline' ou 'cubic'"
    assert validation_message(error).render("es") == "el valor debe ser 'linear', 'spline' o 'cubic'"
    error = _error({"day": "2020-13-01"})
    assert (
        validation_message(error).render("es")
        == "debe ser una fecha (AAAA-MM-DD): el mes debe estar entre 1 y 12"
    )
    assert (
        validation_message(_error({"code": "abcd"})).render("fr")
        == "le texte doit compter au plus 3 caractères"
    )
    assert set(WORDS) <= {m.id for m in i18n.catalogue("en") if not m.context}


def test_a_plain_value_error_keeps_its_text_without_the_prefix_for_a_row():
    error = _error({"named": "bad"})
    assert validation_message(error).render("fr") == "valeur incorrecte : a plain message"
    assert validation_message(error, value_error_prefix=False) == "a plain message"


def test_every_template_and_word_is_translated():
    ids = [*TEMPLATES.values(), *(singular for singular, _, _ in PLURALS.values()), *WORDS]
    for lang in ("fr", "es"):
        catalogue = i18n.catalogue(lang)
        missing = [msgid for msgid in ids if catalogue.get(msgid) is None or not catalogue.get(msgid).string]
        assert not missing, (lang, missing)
