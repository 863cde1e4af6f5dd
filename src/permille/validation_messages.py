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
    "float_parsing": "Input should be a valid number, unable to parse string as a number",
    "float_type": "Input should be a valid number",
    "int_parsing": "Input should be a valid integer, unable to parse string as an integer",
    "int_type": "Input should be a valid integer",
    "int_from_float": "Input should be a valid integer, got a number with a fractional part",
    "finite_number": "Input should be a finite number",
    "extra_forbidden": "Extra inputs are not permitted",
    "string_type": "Input should be a valid string",
    "bool_parsing": "Input should be a valid boolean, unable to interpret input",
}
"""Validation error type → pydantic's message template (its English, a catalogue message id)."""
_VALUE_ERROR = "Value error, "


def _shown(value: Any) -> Any:
    """A limit as pydantic writes it (``10.0`` as ``10``)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def validation_message(error: dict, *, value_error_prefix: bool = True) -> str:
    """The message of one pydantic error (an item of ``ValidationError.errors()``): a :class:`Text` for a
    type of :data:`TEMPLATES` or a validator's ``Text``, else pydantic's English (``value_error_prefix``
    False: without its "Value error, ")."""
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    if kind == "value_error" and isinstance(getattr(ctx.get("error"), "args", (None,))[0], Text):
        return ctx["error"].args[0]
    if kind in TEMPLATES:
        try:
            text = Text(TEMPLATES[kind], **{k: _shown(v) for k, v in ctx.items()})
        except (KeyError, IndexError, ValueError):
            text = None
        if text is not None and text == error.get("msg"):  # the same English as pydantic's: safe to translate
            return text
    message = error.get("msg", "")
    return message if value_error_prefix else message.removeprefix(_VALUE_ERROR)
