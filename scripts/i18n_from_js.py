"""Move every message bundle of the web pages, the record forms and the e-mails into the one gettext
catalogue (``src/permille/locale``: ``messages.pot`` in English, ``fr`` and ``es`` ``messages.po``).

* ``add({en: {...}, fr: {...}, es: {...}})`` bundles in ``web/static/js/**/*.js`` (literal, or a
  ``const NAME = {...}`` passed as ``add(NAME)``, ``i18n.add(NAME)`` or ``ctx.i18n.add(NAME)``): each key
  becomes a message with the key as context (``msgctxt``) and English as id; the bundle and its ``add``
  call are removed from the file. A value ``{one: "...", other: "..."}`` (fr/es: ``one``, ``many``,
  ``other``; a missing ``many`` is ``other``) is a message with plural forms, read with ``tn(key, n)``.
* ``web/static/messages/records.json`` (``key → {en, fr, es}``): the same, then the file is deleted.
* ``mail/templates/*.yaml`` entries still written per language (``template → {en, fr, es}``): the English
  stays in the file, the French and Spanish become messages of context ``email:<template>``.

A message already in the catalogue takes the bundle's texts (the bundle is newer); its other translations
are kept while its English is unchanged. Idempotent: a second run finds nothing and changes nothing. It
also aligns the three files (a message in one is added to the others, untranslated) and lists the
messages left untranslated; ``tests/test_i18n_catalogue.py`` fails on them.

    uv run python scripts/i18n_from_js.py            # the whole tree
    uv run python scripts/i18n_from_js.py FILE.js…    # only these files (records.json and e-mails too)
    uv run python scripts/i18n_from_js.py --check    # change nothing; exit 1 if anything is left to move

Needs ``node`` (to read the JavaScript object literals exactly as the browser would)."""

import argparse
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "permille"
JS = PACKAGE / "web" / "static" / "js"
RECORDS = PACKAGE / "web" / "static" / "messages" / "records.json"
MAIL = PACKAGE / "mail" / "templates"
LOCALE = PACKAGE / "locale"
LANGS = ("fr", "es")
EMAIL = "email:"
PLURAL_CATEGORIES = ("one", "many", "other")  # fr and es (CLDR), the order of msgstr[0..2]


class Refused(Exception):
    """A bundle that cannot be moved safely (the file is left as it is)."""


# ------------------------------------------------------------------ the catalogue


class Book:
    """The template and the fr and es catalogues, edited together."""

    def __init__(self, root: Path = LOCALE):
        self.root = root
        self.catalogues = {lang: self._read(lang) for lang in ("en", *LANGS)}
        self.changed = False
        self.seen: dict[str, tuple[str, object]] = {}

    def path(self, lang: str) -> Path:
        return (
            self.root / "messages.pot" if lang == "en" else self.root / lang / "LC_MESSAGES" / "messages.po"
        )

    def _read(self, lang: str) -> Catalog:
        path = self.path(lang)
        if not path.exists():
            return Catalog(locale=None if lang == "en" else lang, project="permille", version="0.1")
        with path.open("rb") as f:
            return read_po(f, locale=None if lang == "en" else lang)

    def by_context(self, lang: str, context: str) -> Message | None:
        for message in self.catalogues[lang]:
            if message.id and message.context == context:
                return message
        return None

    def put(self, context: str, en, translated: dict[str, object]) -> None:
        """Message ``context`` with English ``en`` (a string, or {one, other}) and the translations given
        (lang → string or {category: string}); translations not given are kept while the English is the
        same, else left empty."""
        plural = isinstance(en, dict)
        msgid = (en["one"], en["other"]) if plural else en
        old = self.by_context("en", context)
        same_english = old is not None and old.id == msgid
        for lang in ("en", *LANGS):
            catalogue = self.catalogues[lang]
            previous = self.by_context(lang, context)
            value = translated.get(lang)
            if lang == "en":
                string = ("", "") if plural else ""
            elif value is not None:
                string = _forms(value, plural)
            elif previous is not None and same_english and previous.string:
                string = previous.string
            else:
                string = ("", "", "") if plural else ""
            if previous is not None:
                if previous.id == msgid and previous.string == string:
                    continue
                catalogue.delete(previous.id, context)
            catalogue.add(
                msgid, string, context=context, flags=("python-brace-format",) if "{" in str(msgid) else ()
            )
            self.changed = True

    def put_server(self, msgid: str, plural: str | None, translated: dict[str, object]) -> None:
        """A server message (no context): ``msgid`` (singular) and ``plural`` in English, the translations
        (lang → text, or {one, many, other} with ``plural``)."""
        key = (msgid, plural) if plural else msgid
        for lang in ("en", *LANGS):
            catalogue = self.catalogues[lang]
            string = (("", "") if plural else "") if lang == "en" else _forms(translated[lang], bool(plural))
            old = catalogue.get(msgid)
            if old is not None and old.id == key and old.string == string:
                continue
            if old is not None:
                catalogue.delete(msgid)
            catalogue.add(key, string, flags=("python-brace-format",) if "{" in msgid else ())
            self.changed = True

    def put_email(self, context: str, en: str, lang: str, translation: str | None) -> None:
        """The e-mail text ``en`` of ``context`` with its ``lang`` translation (kept when none is given)."""
        if self.catalogues["en"].get(en, context) is None:
            self.catalogues["en"].add(en, "", context=context)
            self.changed = True
        message = self.catalogues[lang].get(en, context)
        if message is None:
            self.catalogues[lang].add(en, translation or "", context=context)
            self.changed = True
        elif translation and message.string != translation:
            message.string = translation
            self.changed = True

    def align(self) -> None:
        """Every message of one file in the others (untranslated where new); the template holds the union."""
        template = self.catalogues["en"]
        for lang in LANGS:
            for message in self.catalogues[lang]:
                if message.id and (message.id, message.context) not in _keys(template):
                    template.add(
                        message.id,
                        ("", "") if message.pluralizable else "",
                        context=message.context,
                        flags=message.flags,
                    )
                    self.changed = True
        for lang in LANGS:
            keys = _keys(self.catalogues[lang])
            for message in template:
                if message.id and (message.id, message.context) not in keys:
                    empty = ("", "", "") if message.pluralizable else ""
                    self.catalogues[lang].add(message.id, empty, context=message.context, flags=message.flags)
                    self.changed = True

    def untranslated(self) -> list[str]:
        out = []
        for lang in LANGS:
            for message in self.catalogues[lang]:
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if message.id and not all(strings):
                    out.append(f"{lang}: {message.context or ''} {message.id!r}".strip())
        return out

    def save(self) -> None:
        for lang, catalogue in self.catalogues.items():
            path = self.path(lang)
            path.parent.mkdir(parents=True, exist_ok=True)
            buffer = io.BytesIO()
            write_po(buffer, catalogue, width=0, omit_header=False)
            text = re.sub(rb'^"POT-Creation-Date: .*\\n"\n', b"", buffer.getvalue(), flags=re.M)
            text = re.sub(rb'^"PO-Revision-Date: .*\\n"\n', b"", text, flags=re.M)
            if not path.exists() or path.read_bytes() != text:
                path.write_bytes(text)


def _keys(catalogue: Catalog) -> set:
    return {(m.id, m.context) for m in catalogue if m.id}


def _forms(value, plural: bool):
    if not plural:
        if not isinstance(value, str):
            raise Refused(f"expected a text, got {value!r}")
        return value
    if not isinstance(value, dict) or "other" not in value:
        raise Refused(f"a plural message needs {{one, other}}, got {value!r}")
    return tuple(value.get(c) or value["other"] for c in PLURAL_CATEGORIES)


def _valid_english(key: str, value) -> None:
    if isinstance(value, str):
        return
    if (
        isinstance(value, dict)
        and set(value) == {"one", "other"}
        and all(isinstance(v, str) for v in value.values())
    ):
        return
    raise Refused(f'"{key}": English must be a text or {{one, other}}, got {value!r}')


def merge_bundle(book: Book, bundle: dict, where: str) -> list[str]:
    """Put a {en: {key: text}, fr: {...}, es: {...}} bundle into the catalogue; warnings returned."""
    if not isinstance(bundle, dict) or "en" not in bundle or set(bundle) - {"en", *LANGS}:
        raise Refused(f"{where}: a bundle is {{en: {{...}}, fr: {{...}}, es: {{...}}}}")
    warnings = []
    for lang in LANGS:
        for key in set(bundle.get(lang, {})) - set(bundle["en"]):
            warnings.append(f"{where}: {lang} has {key!r} but English does not; left out")
    for key, en in bundle["en"].items():
        _valid_english(key, en)
        translated = {lang: bundle[lang][key] for lang in LANGS if key in bundle.get(lang, {})}
        for lang in LANGS:
            if lang not in translated and book.by_context("en", key) is None:
                warnings.append(f"{where}: {key!r} has no {lang} text")
        if key in book.seen and book.seen[key][1] != en:
            warnings.append(
                f"{where}: {key!r} is also in {book.seen[key][0]} with other English; this one kept"
            )
        book.seen[key] = (where, en)
        if key.startswith(EMAIL):
            raise Refused(f'{where}: "{key}": keys starting with "{EMAIL}" belong to the e-mails')
        book.put(key, en, translated)
    return warnings


# ------------------------------------------------------------------ JavaScript


def _skip_string(src: str, i: int) -> int:
    """Index after the string or template literal starting at ``src[i]``."""
    quote = src[i]
    i += 1
    while i < len(src):
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == quote:
            return i + 1
        if quote == "`" and src.startswith("${", i):
            i = _match(src, i + 1)
            continue
        i += 1
    raise Refused("unterminated string")


REGEX_BEFORE = set("(,=:[!&|?{};+-*%<>~^") | {""}


def _skip(src: str, i: int) -> int | None:
    """Index after the comment, string, template or regular expression literal at ``src[i]``, or None."""
    if src.startswith("//", i):
        end = src.find("\n", i)
        return len(src) if end < 0 else end
    if src.startswith("/*", i):
        end = src.find("*/", i + 2)
        return len(src) if end < 0 else end + 2
    if src[i] in "'\"`":
        return _skip_string(src, i)
    if src[i] == "/":
        before = src[:i].rstrip()
        if before[-1:] in REGEX_BEFORE or re.search(r"\b(return|typeof|case)$", before):
            j, in_class = i + 1, False
            while j < len(src) and src[j] != "\n":
                if src[j] == "\\":
                    j += 2
                    continue
                if src[j] == "[":
                    in_class = True
                elif src[j] == "]":
                    in_class = False
                elif src[j] == "/" and not in_class:
                    return j + 1
                j += 1
    return None


def _code_mask(src: str) -> list[bool]:
    """True where ``src`` is code (not in a comment, string, template or regular expression literal)."""
    mask = [True] * len(src)
    i = 0
    while i < len(src):
        end = _skip(src, i)
        if end is None:
            i += 1
            continue
        for j in range(i, end):
            mask[j] = False
        i = end
    return mask


def _match(src: str, i: int) -> int:
    """Index after the brace that closes the ``{`` at ``src[i]``."""
    depth = 0
    while i < len(src):
        end = _skip(src, i)
        if end is not None:
            i = end
            continue
        if src[i] == "{":
            depth += 1
        elif src[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise Refused("unbalanced braces")


def evaluate(literal: str) -> dict:
    """The JavaScript object ``literal`` as JSON (evaluated by node, nothing else in scope)."""
    program = f"const value = ({literal});\nprocess.stdout.write(JSON.stringify(value));\n"
    done = subprocess.run(
        ["node", "--input-type=commonjs"], input=program, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise Refused("node could not read the bundle: " + done.stderr.strip().splitlines()[-1:][0])
    return json.loads(done.stdout)


ADD_CALL = re.compile(r"(?<![\w.$])(?:(?:ctx\.)?i18n\.add|add)\(\s*")
I18N_IMPORT = re.compile(r'import\s*\{([^}]*)\}\s*from\s*"(\.\.?/)+i18n\.js";')


def _statement_span(src: str, start: int, end: int) -> tuple[int, int]:
    """The span from ``start`` to ``end`` widened to whole lines (with a trailing ``;``)."""
    while end < len(src) and src[end] in " \t":
        end += 1
    if end < len(src) and src[end] == ";":
        end += 1
    line_start = src.rfind("\n", 0, start) + 1
    if src[line_start:start].strip() == "":
        start = line_start
    line_end = src.find("\n", end)
    if line_end >= 0 and src[end:line_end].strip() == "":
        end = line_end + 1
    return start, end


def convert_source(src: str, where: str, book: Book) -> tuple[str, list[str]]:
    """``src`` without its bundles (their messages put in ``book``), and the warnings."""
    warnings = []
    imports_add = any(re.search(r"\badd\b", m.group(1)) for m in I18N_IMPORT.finditer(src))
    while True:
        mask = _code_mask(src)
        calls = [
            m
            for m in ADD_CALL.finditer(src)
            if mask[m.start()] and (m.group(0).startswith(("i18n", "ctx")) or imports_add)
        ]
        if not calls:
            break
        call = calls[0]
        arg = call.end()
        removals = []
        if src[arg] == "{":
            end = _match(src, arg)
            literal = src[arg:end]
            close = re.compile(r"\s*,?\s*\)").match(src, end)
            if not close:
                raise Refused(f"{where}: add(...) with more than one argument")
            removals.append(_statement_span(src, call.start(), close.end()))
        else:
            name = re.compile(r"[A-Za-z_$][\w$]*").match(src, arg)
            close = re.compile(r"\s*\)").match(src, name.end()) if name else None
            if not close:
                raise Refused(f"{where}: add() of something other than a bundle or a constant")
            name = name.group(0)
            definition = [
                d
                for d in re.finditer(rf"(?:export\s+)?const\s+{re.escape(name)}\s*=\s*\{{", src)
                if mask[d.start()]
            ]
            if len(definition) != 1:
                raise Refused(f"{where}: the bundle {name} is not one `const {name} = {{...}}` of this file")
            brace = definition[0].end() - 1
            end = _match(src, brace)
            literal = src[brace:end]
            uses = [u for u in re.finditer(rf"(?<![\w$.]){re.escape(name)}\b", src) if mask[u.start()]]
            if len(uses) != 2:
                raise Refused(f"{where}: {name} is used elsewhere than in add({name}); move those uses first")
            if definition[0].group(0).startswith("export"):
                for other in JS.rglob("*.js"):
                    text = other.read_text(encoding="utf-8")
                    imported = rf'import\s*\{{[^}}]*\b{re.escape(name)}\b[^}}]*\}}\s*from\s*"[^"]*\b{re.escape(Path(where).stem)}\.js"'
                    if other.name != Path(where).name and re.search(imported, text):
                        raise Refused(f"{where}: {name} is imported by {other.relative_to(JS)}")
            removals.append(_statement_span(src, definition[0].start(), end))
            removals.append(_statement_span(src, call.start(), close.end()))
        bundle = evaluate(literal)
        warnings += merge_bundle(book, bundle, where)
        for start, stop in sorted(removals, reverse=True):
            src = src[:start] + src[stop:]
        src = re.sub(r"\n{3,}", "\n\n", src)
    if imports_add:
        rest = I18N_IMPORT.sub("", src)
        mask = _code_mask(rest)
        if not any(mask[m.start()] for m in re.finditer(r"(?<![\w$.])add\b", rest)):
            src = I18N_IMPORT.sub(lambda m: m.group(0).replace(m.group(1), _without_add(m.group(1))), src)
            src = re.sub(r'import\s*\{\s*\}\s*from\s*"(\.\.?/)+i18n\.js";\n', "", src)
    return src, warnings


def _without_add(names: str) -> str:
    kept = [n.strip() for n in names.split(",") if n.strip() and n.strip() != "add"]
    return " " + ", ".join(kept) + " " if kept else " "


def convert_file(path: Path, book: Book, write: bool) -> tuple[bool, list[str]]:
    src = path.read_text(encoding="utf-8")
    where = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    out, warnings = convert_source(src, where, book)
    if out != src and write:
        path.write_text(out, encoding="utf-8")
    return out != src, warnings


# ------------------------------------------------------------------ records.json and e-mails


def convert_records(book: Book, write: bool) -> bool:
    if not RECORDS.exists():
        return False
    entries = json.loads(RECORDS.read_text(encoding="utf-8"))
    bundle = {lang: {} for lang in ("en", *LANGS)}
    for key, texts in entries.items():
        if key.startswith("_"):
            continue
        for lang in bundle:
            if lang in texts:
                bundle[lang][key] = texts[lang]
    merge_bundle(book, bundle, str(RECORDS.relative_to(ROOT)))
    if write:
        RECORDS.unlink()
        if not any(RECORDS.parent.iterdir()):
            RECORDS.parent.rmdir()
    return True


def convert_mail(book: Book, write: bool) -> list[Path]:
    """E-mail files whose entries are still written per language: English kept, fr and es moved."""
    changed = []
    for path in sorted(MAIL.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        entries = yaml.safe_load(text)
        moved = False
        for template, entry in entries.items():
            if not (isinstance(entry, dict) and "en" in entry):
                continue
            for field, value in entry["en"].items():
                values = value if isinstance(value, list) else [value]
                for lang in LANGS:
                    other = entry.get(lang, {}).get(field)
                    others = other if isinstance(other, list) else [other]
                    if len(others) != len(values):
                        raise Refused(
                            f"{path.name}: {template}.{field} has {len(values)} paragraph(s) in en, {len(others)} in {lang}"
                        )
                    for en, translation in zip(values, others, strict=True):
                        book.put_email(f"{EMAIL}{template}", en, lang, translation)
            entries[template] = entry["en"]
            moved = True
        if moved:
            changed.append(path)
            if write:
                body = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=1000)
                path.write_text(_leading_comment(text) + "\n" + body, encoding="utf-8")
    return changed


def _leading_comment(text: str) -> str:
    lines = []
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


# ------------------------------------------------------------------ command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "files", nargs="*", type=Path, help="JavaScript files (default: every file under web/static/js)"
    )
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 when something is left to move"
    )
    args = parser.parse_args(argv)
    write = not args.check
    book = Book()
    moved, refused, warnings = [], [], []
    for path in args.files or sorted(JS.rglob("*.js")):
        if path.name == "i18n.js" and path.parent == JS:
            continue
        try:
            changed, found = convert_file(path.resolve(), book, write)
        except Refused as e:
            refused.append(str(e))
            continue
        warnings += found
        if changed:
            moved.append(str(path))
    if convert_records(book, write):
        moved.append(str(RECORDS.relative_to(ROOT)))
    moved += [str(p.relative_to(ROOT)) for p in convert_mail(book, write)]
    book.align()
    if write and book.changed or write and not all(book.path(lang).exists() for lang in ("en", *LANGS)):
        book.save()
    for line in moved:
        print(f"moved: {line}")
    for line in warnings:
        print(f"warning: {line}", file=sys.stderr)
    for line in refused:
        print(f"REFUSED (file left as it is): {line}", file=sys.stderr)
    untranslated = book.untranslated()
    for line in untranslated:
        print(f"untranslated: {line}", file=sys.stderr)
    print(f"{len(moved)} file(s) moved, {len(refused)} refused, {len(untranslated)} message(s) untranslated")
    if args.check:
        return 1 if moved or refused else 0
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
