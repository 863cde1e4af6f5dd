"""Pydantic's validation messages as catalogue messages (:class:`permille.i18n.Text`), so that an answer's
``details`` read in the reader's language: the English is pydantic's own wording (unchanged for English
readers and programs), French and Spanish come from the catalogue. A type not listed keeps pydantic's
English; a validator's ``ValueError`` whose message is a ``Text`` is that message."""

from typing import Any

from .i18n import Text

TEMPLATES = {
    "missing": "Field required",
    "greater_than_equal": "Input should be greater than or equal to {ge}",
    "greater_than": "Input should be greater than {gt}",
    "less_than_equal": "Input should be less than or equal to {le}",
    "less_than": "Input should be less than {lt}",
    "multiple_of": "Input should be a multiple of {multiple_of}",
    "float_parsing": "Input should be a valid number, unable to parse string as a number",
    "float_type": "Input should be a valid number",
    "int_parsing": "Input should be a valid integer, unable to parse string as an integer",
    "int_type": "Input should be a valid integer",
    "int_from_float": "Input should be a valid integer, got a number with a fractional part",
    "finite_number": "Input should be a finite number",
    "extra_forbidden": "Extra inputs are not permitted",
    "string_type": "Input should be a valid string",
    "string_pattern_mismatch": "String should match pattern '{pattern}'",
    "bool_parsing": "Input should be a valid boolean, unable to interpret input",
    "bool_type": "Input should be a valid boolean",
    "literal_error": "Input should be {expected}",
    "enum": "Input should be {expected}",
    "list_type": "Input should be a valid list",
    "dict_type": "Input should be a valid dictionary",
    "model_type": "Input should be a valid dictionary or instance of {class_name}",
    "date_type": "Input should be a valid date",
    "date_parsing": "Input should be a valid date in the format YYYY-MM-DD, {error}",
    "date_from_datetime_parsing": "Input should be a valid date or datetime, {error}",
    "date_from_datetime_inexact": "Datetimes provided to dates should have zero time - e.g. be exact dates",
    "datetime_type": "Input should be a valid datetime",
    "datetime_parsing": "Input should be a valid datetime, {error}",
    "datetime_from_date_parsing": "Input should be a valid datetime or date, {error}",
    "json_invalid": "Invalid JSON: {error}",
    "url_parsing": "Input should be a valid URL, {error}",
    "value_error": "Value error, {error}",
}
"""Validation error type → pydantic's message template (its English, a catalogue message id)."""
PLURALS = {
    "string_too_short": (
        "String should have at least {n} character",
        "String should have at least {n} characters",
        "min_length",
    ),
    "string_too_long": (
        "String should have at most {n} character",
        "String should have at most {n} characters",
        "max_length",
    ),
    "too_short": (
        "{field_type} should have at least {n} item after validation, not {actual_length}",
        "{field_type} should have at least {n} items after validation, not {actual_length}",
        "min_length",
    ),
    "too_long": (
        "{field_type} should have at most {n} item after validation, not {actual_length}",
        "{field_type} should have at most {n} items after validation, not {actual_length}",
        "max_length",
    ),
}
"""Validation error type → pydantic's message as singular and plural (catalogue ids) and the context value
that is the count."""
WORDS = {
    word: Text(word)
    for word in (
        "List",
        "Tuple",
        "Set",
        "Dictionary",
        "input is too short",
        "input is too long",
        "invalid character in year",
        "invalid character in month",
        "invalid character in day",
        "month value is outside expected range of 1-12",
        "day value is outside expected range",
        "hour value is outside expected range of 0-23",
        "invalid date separator, expected `-`",
        "unexpected extra characters at the end of the input",
    )
}
"""The words pydantic puts in its messages (a collection's kind, a date's parsing error) in the catalogue."""
_VALUE_ERROR = "Value error, "
_OR = " or "


def _shown(value: Any) -> Any:
    """A context value as pydantic writes it (``10.0`` as ``10``), a word of :data:`WORDS` translated."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value in WORDS:
        return WORDS[value]
    return value


def _expected(values: str) -> str:
    """Pydantic's list of expected values (``'a', 'b' or 'c'``) with its "or" in the reader's language."""
    if _OR not in values:
        return values
    first, last = values.rsplit(_OR, 1)
    return Text("{first} or {last}", first=first, last=last)


def _text(error: dict) -> Text | None:
    """The catalogue message of ``error``, None for a type that has none."""
    ctx = {k: _shown(v) for k, v in (error.get("ctx") or {}).items()}
    kind = error.get("type", "")
    if kind in ("literal_error", "enum"):
        ctx["expected"] = _expected(str(ctx.get("expected", "")))
    if kind in PLURALS:
        singular, plural, count = PLURALS[kind]
        n = ctx.pop(count, None)
        return Text(singular, plural, n=n, **ctx) if isinstance(n, int) else None
    if kind in TEMPLATES:
        return Text(TEMPLATES[kind], **ctx)
    return None


def validation_message(error: dict, *, value_error_prefix: bool = True) -> str:
    """The message of one pydantic error (an item of ``ValidationError.errors()``): a :class:`Text` for a
    type of :data:`TEMPLATES` or :data:`PLURALS` or a validator's ``Text``, else pydantic's English
    (``value_error_prefix`` False: without its "Value error, ")."""
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    if kind == "value_error" and isinstance(getattr(ctx.get("error"), "args", (None,))[0], Text):
        return ctx["error"].args[0]
    message = error.get("msg", "")
    if kind == "value_error" and not value_error_prefix:
        return message.removeprefix(_VALUE_ERROR)
    try:
        text = _text(error)
    except (KeyError, IndexError, ValueError):
        text = None
    if text is not None and text == message:  # the same English as pydantic's: safe to translate
        return text
    return message if value_error_prefix else message.removeprefix(_VALUE_ERROR)
