"""What a calculator hands back (:class:`Answer`) or raises (:class:`Refused`): small, picklable, and
importable without the numerical code."""

from dataclasses import dataclass


class Refused(Exception):
    """Input the calculator cannot use: ``message``, ``details`` (``[{"message", "row"?, …}]``) and an
    error ``code`` (None: the default of a 422)."""

    def __init__(self, message: str, details: list[dict], code: str | None = "invalid_input"):
        super().__init__(message, details, code)
        self.message, self.details, self.code = message, details, code


@dataclass(frozen=True)
class Answer:
    """A calculator's answer: ``data`` (JSON-ready: non-finite floats as None) or ``content`` (a file
    of ``media_type`` named ``filename``)."""

    data: dict | None = None
    content: bytes | None = None
    media_type: str = "application/json"
    filename: str | None = None
