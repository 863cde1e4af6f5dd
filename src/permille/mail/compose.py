"""Messages in the recipient's language (en, fr, es): the English texts are in ``templates/*.yaml`` (one
entry per message, Jinja2 expressions for its values), their French and Spanish in the one catalogue
(:mod:`permille.i18n`, context ``email:<template>``); laid out as plain text and HTML by
``templates/message.txt.j2`` and ``templates/message.html.j2`` (HTML autoescaped)."""

import functools
from dataclasses import dataclass
from importlib.resources import files

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from .. import i18n

LANGUAGES = ("en", "fr", "es")


@dataclass(frozen=True)
class Message:
    """A composed e-mail: ``subject``, ``text`` (plain) and ``html`` bodies, its ``language`` and the
    ``template`` it was made from."""

    recipient: str
    subject: str
    text: str
    html: str
    language: str
    template: str


CATALOGUES = ("messages.yaml", "workflows.yaml")
"""The message files under ``templates/`` (the accounts' e-mails, the workflows' notifications)."""


@functools.cache
def _catalogue() -> dict:
    folder = files(__package__) / "templates"
    return {k: v for n in CATALOGUES for k, v in yaml.safe_load((folder / n).read_text("utf-8")).items()}


@functools.cache
def _environment(html: bool) -> Environment:
    return Environment(
        loader=PackageLoader(__package__, "templates"),
        autoescape=select_autoescape(["html.j2"]) if html else False,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def templates() -> list[str]:
    """The names of the messages."""
    return sorted(_catalogue())


def compose(template: str, recipient: str, language: str, **values) -> Message:
    """The message ``template`` to ``recipient`` in ``language`` (English when not one of
    :data:`LANGUAGES`), its texts filled with ``values`` (e.g. ``link``, ``organisation``)."""
    texts = _catalogue()[template]
    language = language if language in LANGUAGES else "en"
    plain = _environment(False)

    def fill(value):
        if isinstance(value, list):
            return [fill(item) for item in value]
        return plain.from_string(i18n.pgettext(language, f"{i18n.EMAIL}{template}", value)).render(**values)

    filled = {name: fill(value) for name, value in texts.items()}
    context = {"m": filled, "values": values, "link": values.get("link"), "language": language}
    return Message(
        recipient=recipient,
        subject=filled["subject"],
        text=_environment(False).get_template("message.txt.j2").render(**context),
        html=_environment(True).get_template("message.html.j2").render(**context),
        language=language,
        template=template,
    )
