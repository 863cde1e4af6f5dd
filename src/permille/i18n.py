"""The server's one message catalogue: every sentence that the server writes for a reader (reports, their
tables and charts) in English, French and Spanish, with each language's plural rules (gettext via Babel).
The catalogues are ``permille/locale/<lang>/LC_MESSAGES/messages.po``, read as they are (no build step);
English is the message ids themselves. Numbers and dates follow the language's conventions (CLDR)."""

import io
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LANGUAGES = ("en", "fr", "es")
CATALOGUES = Path(__file__).parent / "locale"


def language(lang: str | None) -> str:
    """``lang`` if the server speaks it, else English (``"fr-FR"`` → ``"fr"``)."""
    code = (lang or "en").split("-")[0].split("_")[0].lower()
    return code if code in LANGUAGES else "en"


def catalogue_path(lang: str) -> Path:
    return CATALOGUES / lang / "LC_MESSAGES" / "messages.po"


@cache
def translations(lang: str) -> NullTranslations:
    """gettext translations of ``lang`` (``gettext``, ``ngettext`` with the language's plural rule)."""
    lang = language(lang)
    if lang == "en":
        return NullTranslations()
    with catalogue_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def number(value: float | None, digits: int, lang: str) -> str:
    """``value`` rounded to ``digits`` decimals, written the way ``lang`` writes numbers; "–" for none."""
    if value is None or value != value:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(round(value, digits), format=pattern, locale=language(lang))


def date(day, lang: str) -> str:
    """A date written out in ``lang`` (e.g. "4 décembre 2026")."""
    return format_date(day, format="long", locale=language(lang))


def language_name(lang: str) -> str:
    return Locale.parse(language(lang)).get_display_name(language(lang))
