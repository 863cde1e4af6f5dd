"""The one message catalogue of permille: every sentence a reader sees — the web pages, the server's
answers and errors, the e-mails, the reports and their tables — in English, French and Spanish, with each
language's plural rules (gettext via Babel, CLDR rules).

The catalogue is ``permille/locale/messages.pot`` (English, the message ids) and
``permille/locale/<lang>/LC_MESSAGES/messages.po`` (fr, es), read as they are (no build step). A message
of the web pages has its key as context (``msgctxt "cty.title"``) and English as id; an e-mail's text has
the context ``email:<template>``; the server's sentences have no context. Placeholders are ``{name}``
(``%(name)s`` in the reports' older messages). Numbers and dates follow the language's conventions
(CLDR)."""

import hashlib
import io
import json
from functools import cache
from pathlib import Path

import yaml
from babel import Locale
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, get_decimal_symbol
from babel.plural import _plural_tags
from babel.support import NullTranslations, Translations

LANGUAGES = ("en", "fr", "es")
CATALOGUES = Path(__file__).parent / "locale"
TEMPLATE = CATALOGUES / "messages.pot"
EMAIL = "email:"
"""Context prefix of the e-mails' texts (``email:<template>``), left out of the web catalogue."""


def language(lang: str | None) -> str:
    """``lang`` if the server speaks it, else English (``"fr-FR"`` → ``"fr"``)."""
    code = (lang or "en").split("-")[0].split("_")[0].strip().lower()
    return code if code in LANGUAGES else "en"


def accepted_language(query: str | None, accept_language: str | None) -> str:
    """The reader's language: ``?lang=`` when given, else the best of ``Accept-Language`` that the server
    speaks (quality values honoured), else English."""
    if query:
        return language(query)
    ranked = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        code = tag.split("-")[0].strip().lower()
        if code in LANGUAGES and quality > 0:
            ranked.append((-quality, position, code))
    return min(ranked)[2] if ranked else "en"


def catalogue_path(lang: str) -> Path:
    """The catalogue file of ``lang`` (the template, English, for ``en``)."""
    return TEMPLATE if language(lang) == "en" else CATALOGUES / lang / "LC_MESSAGES" / "messages.po"


@cache
def catalogue(lang: str) -> Catalog:
    """The parsed catalogue of ``lang`` (the template for English)."""
    lang = language(lang)
    with catalogue_path(lang).open("rb") as f:
        return read_po(f, locale=lang)


@cache
def translations(lang: str) -> NullTranslations:
    """gettext translations of ``lang``: ``gettext``, ``ngettext``, ``pgettext``, ``npgettext`` with the
    language's plural rule (English: the ids themselves)."""
    lang = language(lang)
    if lang == "en":
        return NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, catalogue(lang))
    buffer.seek(0)
    return Translations(buffer)


def gettext(lang: str, msgid: str, **values) -> str:
    """``msgid`` in ``lang``, its ``{name}`` placeholders filled with ``values``."""
    text = translations(lang).gettext(msgid)
    return text.format(**values) if values else text


def ngettext(lang: str, singular: str, plural: str, n: int, **values) -> str:
    """The form of the message for the count ``n`` in ``lang`` (``{n}`` is ``n``; other placeholders from
    ``values``)."""
    return translations(lang).ngettext(singular, plural, n).format(n=n, **values)


def pgettext(lang: str, context: str, msgid: str, **values) -> str:
    """The message ``msgid`` of ``context`` in ``lang`` (``{name}`` filled from ``values``)."""
    text = translations(lang).pgettext(context, msgid)
    return text.format(**values) if values else text


class Text(str):
    """A catalogue message with its values, written in English until a reader's language is known: it is
    the English text (a ``str``, for logs and the command line) and :meth:`render` writes it in another
    language. With ``plural``, ``msgid`` is the singular and ``plural`` the plural form for the count
    ``n`` (``{n}`` in both)::

        Invalid(Text("{n} problem in the KPI value", "{n} problems in the KPI value", n=len(problems)))
    """

    def __new__(cls, msgid: str, plural: str | None = None, n: int | None = None, **values):
        english = msgid if plural is None or n == 1 else plural
        formatted = values or plural or n is not None
        text = super().__new__(cls, english.format(n=n, **values) if formatted else english)
        text.msgid, text.plural, text.n, text.values = msgid, plural, n, values
        return text

    def render(self, lang: str) -> str:
        values = {k: v.render(lang) if isinstance(v, Text | Number) else v for k, v in self.values.items()}
        if self.plural is not None:
            return ngettext(lang, self.msgid, self.plural, self.n, **values)
        if self.n is not None:  # a count without plural forms is a value like any other
            values["n"] = self.n
        return gettext(lang, self.msgid, **values)


class Number(float):
    """A value of a :class:`Text` written with ``digits`` decimals the way the reader's language writes
    numbers when the text is rendered (English, e.g. ``1,234.5``, until then); ``digits`` None: as ``:g``
    writes it (``2.5``, ``3000``, ``1e-05``) with the language's decimal sign (``2,5``)."""

    def __new__(cls, value: float, digits: int | None = 1):
        number_ = super().__new__(cls, value)
        number_.digits = digits
        return number_

    def __format__(self, spec: str) -> str:
        return float.__format__(self, spec) if spec else self.render("en")

    def render(self, lang: str) -> str:
        if self.digits is None:
            return f"{float(self):g}".replace(".", get_decimal_symbol(language(lang)))
        return number(float(self), self.digits, lang)


def joined(parts, *, commas: bool = False) -> str:
    """The problems ``parts`` (texts, :class:`Text` or not) as one text, separated by semicolons (``commas``:
    commas) the way the reader's language writes them when it is rendered (a :class:`Text` when there are
    several); the text itself for one."""
    parts = list(parts)
    return parts[0] if len(parts) == 1 else _Joined(parts, "{first}, {rest}" if commas else "{first}; {rest}")


class _Joined(Text):
    """Parts separated as the catalogue's ``template`` (``"{first}; {rest}"``) separates two, kept flat: the
    thousands of problems of a large upload render and pickle (to and from a worker process) without
    recursion."""

    def __new__(cls, parts: list, template: str):
        text = str.__new__(cls, template.format(first="", rest="").join(parts))
        text.msgid, text.plural, text.n, text.values = template, None, None, {}
        text.parts = parts
        return text

    def __reduce__(self):
        return _Joined, (self.parts, self.msgid)

    def render(self, lang: str) -> str:
        separator = gettext(lang, self.msgid, first="", rest="")
        return separator.join(p.render(lang) if isinstance(p, Text) else p for p in self.parts)


def localized(answer, lang: str):
    """``answer`` (nested dicts, lists and strings: an API answer) with every :class:`Text` in it rendered in
    ``lang``; everything else as it is."""
    if isinstance(answer, Text):
        return answer.render(lang)
    if isinstance(answer, dict):
        return {key: localized(value, lang) for key, value in answer.items()}
    if isinstance(answer, list | tuple):
        return [localized(value, lang) for value in answer]
    return answer


def render(message: str, lang: str) -> str:
    """``message`` in ``lang``: a :class:`Text` rendered, a catalogue message id translated, any other text
    as it is."""
    return message.render(lang) if isinstance(message, Text) else translations(lang).gettext(message)


def plural_categories(lang: str) -> list[str]:
    """The CLDR plural categories of ``lang`` in the order of gettext's plural forms (``msgstr[i]``)."""
    tags = Locale.parse(language(lang)).plural_form.tags | {"other"}
    return [tag for tag in _plural_tags if tag in tags]


@cache
def web_catalogue(lang: str) -> dict:
    """The web pages' messages in ``lang``: key (context) → text, or category (CLDR: one, many, other…)
    → text for a message with plural forms. An untranslated message is left out (the page falls back to
    English and reports it as missing)."""
    lang = language(lang)
    out = {}
    for message in catalogue(lang):
        if not message.context or message.context.startswith(EMAIL) or not message.id:
            continue
        if lang == "en":
            forms = list(message.id) if message.pluralizable else [message.id]
            categories = ["one", "other"]
        else:
            forms = list(message.string) if message.pluralizable else [message.string]
            categories = plural_categories(lang)
        if not all(forms):
            continue
        out[message.context] = dict(zip(categories, forms, strict=True)) if message.pluralizable else forms[0]
    return out


@cache
def country_names(lang: str) -> dict[str, str]:
    """ISO3 → the name of each country and territory of ``data/registry/countries.yaml`` in ``lang``: CLDR's
    territory name of its ISO 3166-1 alpha-2 code (Babel), the file's name where CLDR has none."""
    doc = yaml.safe_load((Path(__file__).parent / "data" / "registry" / "countries.yaml").read_text("utf-8"))
    lang = language(lang)
    return {c["iso3"]: territory_name(c["iso2"], lang) or c["name"][lang] for c in doc["countries"]}


@cache
def web_catalogue_json(lang: str) -> tuple[bytes, str]:
    """The web catalogue of ``lang`` (messages and country names) as JSON bytes and their ETag."""
    answer = {"language": language(lang), "messages": web_catalogue(lang), "countries": country_names(lang)}
    body = json.dumps(answer, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


MIN_GROUPING_DIGITS = {"es": 2}
"""CLDR ``minimumGroupingDigits`` where it is not 1 (Spanish groups from five integer digits: 2328 but
12.328), which Babel's patterns do not apply and the browsers' ``Intl.NumberFormat`` does."""


def number(value: float | None, digits: int, lang: str) -> str:
    """``value`` rounded to ``digits`` decimals, written the way ``lang`` writes numbers; "–" for none."""
    if value is None or value != value:
        return "–"
    lang = language(lang)
    rounded = round(value, digits)
    grouped = abs(rounded) >= 10 ** (2 + MIN_GROUPING_DIGITS.get(lang, 1))
    pattern = ("#,##0" if grouped else "0") + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(rounded, format=pattern, locale=lang)


def date(day, lang: str) -> str:
    """A date written out in ``lang`` (e.g. "4 décembre 2026")."""
    return format_date(day, format="long", locale=language(lang))


def language_name(lang: str) -> str:
    return Locale.parse(language(lang)).get_display_name(language(lang))


def territory_name(iso2: str, lang: str) -> str | None:
    """The name of the country or territory ``iso2`` (ISO 3166-1 alpha-2) in ``lang`` (CLDR), or None."""
    return Locale.parse(language(lang)).territories.get(iso2.upper())
