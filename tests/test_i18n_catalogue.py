"""The one message catalogue (``src/permille/locale``): every message in French and Spanish with the same
placeholders and every plural form of the language; every message the code asks for (the pages' keys,
the server's ``gettext``/``Text`` calls, the e-mails' texts) is in it; nothing is left to move by
``scripts/i18n_from_js.py``; the web catalogue served per language has the CLDR plural categories."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from babel.messages.extract import extract_from_dir

from permille import i18n
from permille.mail import compose

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "permille"
STATIC = PACKAGE / "web" / "static"
PLACEHOLDER = re.compile(r"\{\{\s*\w+\s*\}\}|\{\w+\}|%\(\w+\)[sdf]")
KEY_CALL = re.compile(r"""(?<![\w$.])(?:ctx\.)?(?:i18n\.)?(?:t|tn|message)\(\s*["']([^"'`$]+)["']""")


def placeholders(text: str) -> set[str]:
    return {re.sub(r"\s", "", p) for p in PLACEHOLDER.findall(text)}


def messages(lang: str):
    return [m for m in i18n.catalogue(lang) if m.id]


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_message_is_translated_with_its_placeholders_and_plural_forms(lang):
    template = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in messages("en")}
    here = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in messages(lang)}
    assert here == template, f"not in both: {sorted(map(str, here ^ template))[:20]}"
    assert i18n.catalogue(lang).num_plurals == len(i18n.plural_categories(lang)) == 3
    problems = []
    for m in messages(lang):
        where = f"{m.context or ''} {m.id!r}"
        if m.pluralizable:
            forms = list(m.string)
            if len(forms) != 3 or not all(forms):
                problems.append(f"{where}: plural forms {forms}")
                continue
            allowed = placeholders(m.id[0]) | placeholders(m.id[1])
            needed = (
                allowed - {"{n}"} - (placeholders(m.id[1]) - placeholders(m.id[0]))
            )  # the count may be a word
            problems += [f"{where}: {f!r}" for f in forms if not needed <= placeholders(f) <= allowed]
        elif not m.string:
            problems.append(f"{where}: untranslated")
        elif placeholders(m.string) != placeholders(m.id):
            problems.append(f"{where}: placeholders {placeholders(m.string)} ≠ {placeholders(m.id)}")
    assert not problems, f"{len(problems)} problem(s) in {lang}:\n" + "\n".join(problems[:40])


def test_no_english_plural_written_as_s_in_brackets():
    found = [m.id for m in messages("en") if isinstance(m.id, str) and re.search(r"\w\((s|es)\)", m.id)]
    assert not found, f"write plural forms (ngettext/tn) instead: {found}"


def test_the_web_catalogue_has_every_key_and_plural_categories():
    en, fr, es = (i18n.web_catalogue(lang) for lang in ("en", "fr", "es"))
    assert set(en) == set(fr) == set(es)
    assert en["forms.problems"] == {
        "one": "{n} problem to correct before saving:",
        "other": "{n} problems to correct before saving:",
    }
    assert set(fr["forms.problems"]) == set(es["forms.problems"]) == {"one", "many", "other"}
    assert fr["forms.problems"]["one"].startswith("{n} problème ")
    assert not any(key.startswith(i18n.EMAIL) for key in en), "the e-mails are not sent to the pages"


def test_every_key_the_pages_ask_for_is_in_the_catalogue():
    keys = set(i18n.web_catalogue("en"))
    asked = {}
    for path in (STATIC / "js").rglob("*.js"):
        for key in KEY_CALL.findall(path.read_text(encoding="utf-8")):
            if not key.endswith((".", ":", "_", "-")):  # a prefix completed at run time
                asked.setdefault(key, path.name)
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    for key in re.findall(r'data-i18n(?:-aria-label)?="([^"]+)"', html):
        asked.setdefault(key, "index.html")
    assert len(asked) > 500
    missing = {key: where for key, where in asked.items() if key not in keys}
    assert not missing, f"keys not in the catalogue: {missing}"


def test_every_server_message_is_in_the_catalogue():
    keywords = {"gettext": (2,), "ngettext": (2, 3), "pgettext": ((2, "c"), 3), "Text": (1,), "_": (1,)}
    template = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in messages("en")}
    found = list(extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")], keywords=keywords))
    asked = set()
    for _file, _line, message, _comments, context in found:
        singular = message[0] if isinstance(message, tuple) else message
        if singular:
            asked.add((singular, context))
    assert len(asked) > 20
    missing = asked - template
    assert not missing, f"server messages not in the catalogue: {sorted(missing)}"


def test_every_email_text_is_translated():
    for name in compose.CATALOGUES:
        entries = yaml.safe_load((PACKAGE / "mail" / "templates" / name).read_text(encoding="utf-8"))
        for template, fields in entries.items():
            assert "en" not in fields, f"{name}: {template} still per language: run scripts/i18n_from_js.py"
            for value in fields.values():
                for text in value if isinstance(value, list) else [value]:
                    for lang in ("fr", "es"):
                        translated = i18n.pgettext(lang, f"{i18n.EMAIL}{template}", text)
                        assert translated != text or not re.search(r"[a-z]{4}", PLACEHOLDER.sub("", text)), (
                            lang,
                            template,
                            text,
                        )


def test_a_composed_email_is_in_the_recipients_language():
    values = {"name": "Awa", "organisation": "ISRA", "membership": "member"}
    fr = compose.compose("application_received", "a@example.org", "fr", **values)
    es = compose.compose("application_received", "a@example.org", "es", **values)
    assert fr.subject == "Votre candidature à l'Initiative « 4 pour 1000 »"
    assert "Nous avons bien reçu la candidature de ISRA" in fr.text
    assert es.subject.startswith("Su solicitud") and "Estimado/a Awa:" in es.text


def test_server_plurals_follow_the_language():
    problems = i18n.Text(
        "the request is not valid: {n} problem", "the request is not valid: {n} problems", n=1
    )
    assert problems == "the request is not valid: 1 problem"
    assert problems.render("fr") == "la requête n’est pas valide : 1 problème"
    two = i18n.Text("the request is not valid: {n} problem", "the request is not valid: {n} problems", n=2)
    assert (two, two.render("es")) == (
        "the request is not valid: 2 problems",
        "la solicitud no es válida: 2 problemas",
    )
    assert i18n.render(
        i18n.Text("the request is not valid: {n} problem", "the request is not valid: {n} problems", n=0),
        "fr",
    ).endswith(" 0 problème")


def test_the_request_language():
    assert i18n.accepted_language("es", "fr") == "es"
    assert i18n.accepted_language(None, "de-DE,fr-CH;q=0.7,es;q=0.9") == "es"
    assert i18n.accepted_language(None, "de") == i18n.accepted_language(None, None) == "en"


def test_country_names_come_from_cldr_in_the_language():
    assert (i18n.territory_name("SN", "fr"), i18n.territory_name("SN", "es")) == ("Sénégal", "Senegal")
    assert i18n.territory_name("CI", "fr") == "Côte d’Ivoire"


def test_nothing_is_left_for_the_converter():
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "i18n_from_js.py"), "--check"],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 file(s) moved, 0 refused, 0 message(s) untranslated" in done.stdout


PAGE = """// A page.
import { t } from "../i18n.js";

const MESSAGES = {
  en: { "demo.title": "Soil samples", "demo.count": { one: "{n} sample", other: "{n} samples" }, "demo.url": "See https://example.org/a?b=1 // not a comment" },
  fr: { "demo.title": "Échantillons de sol", "demo.count": { one: "{n} échantillon", other: "{n} échantillons" }, "demo.url": "Voir https://example.org/a?b=1 // pas un commentaire" },
  es: { "demo.title": "Muestras de suelo", "demo.count": { one: "{n} muestra", other: "{n} muestras" }, "demo.url": "Ver https://example.org/a?b=1 // no es un comentario" },
};

const PATTERN = /"[^"]*"/; // a regular expression with quotes

export function render(root, params, ctx) {
  ctx.i18n.add(MESSAGES);
  // ctx.i18n.add(NOT_A_CALL) in a comment stays
  return t("demo.title");
}
"""


def test_the_converter_moves_a_bundle_once_and_keeps_the_page_working(tmp_path):
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import i18n_from_js as converter
    finally:
        sys.path.remove(str(REPO / "scripts"))
    import shutil

    shutil.copytree(PACKAGE / "locale", tmp_path / "locale")
    book = converter.Book(tmp_path / "locale")
    out, warnings = converter.convert_source(PAGE, "demo.js", book)
    assert not warnings and "MESSAGES" not in out and "ctx.i18n.add(MESSAGES)" not in out
    assert "// ctx.i18n.add(NOT_A_CALL) in a comment stays" in out and "const PATTERN" in out
    book.align()
    book.save()
    again = converter.Book(tmp_path / "locale")
    assert converter.convert_source(out, "demo.js", again) == (out, [])
    fr = again.catalogues["fr"]
    assert fr.get("Soil samples", "demo.title").string == "Échantillons de sol"
    count = fr.get("{n} sample", "demo.count")
    assert count.id == ("{n} sample", "{n} samples")
    assert count.string == ("{n} échantillon", "{n} échantillons", "{n} échantillons")  # one, many, other
    assert (
        again.catalogues["es"]
        .get("See https://example.org/a?b=1 // not a comment", "demo.url")
        .string.startswith("Ver ")
    )
    assert not again.untranslated()
    before = {p: p.read_bytes() for p in (tmp_path / "locale").rglob("*.po*")}
    again.align()
    again.save()
    assert before == {p: p.read_bytes() for p in (tmp_path / "locale").rglob("*.po*")}, (
        "a second run changes nothing"
    )


def test_the_converter_refuses_a_bundle_used_elsewhere(tmp_path):
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import i18n_from_js as converter
    finally:
        sys.path.remove(str(REPO / "scripts"))
    import shutil

    shutil.copytree(PACKAGE / "locale", tmp_path / "locale")
    source = PAGE.replace("  return t(", "  MESSAGES.en.extra = 1;\n  return t(")
    with pytest.raises(converter.Refused, match="used elsewhere"):
        converter.convert_source(source, "demo.js", converter.Book(tmp_path / "locale"))


def test_a_count_without_plural_forms_is_written_in_the_message():
    text = i18n.Text("the file is larger than {n} bytes", n=5)
    assert text == "the file is larger than 5 bytes"
    for lang in ("fr", "es"):
        assert text.render(lang) == i18n.gettext(lang, "the file is larger than {n} bytes", n=5)
        assert "{n}" not in text.render(lang)
