"""Every page in French and Spanish (Chromium, signed in as the Secretariat to see the gated pages too) and
every report download (PDF: text extracted with pypdf; CSV) is in the page's language: no key missing from
the one catalogue (``i18n.missingKeys()``), no English sentence — neither a catalogue message left in
English nor text written in English outside the catalogue (English function words, see ``english``).
Text that is data, not interface — names of records, of people and publications, quoted in their own
language — is marked in the page with ``translate="no"`` or a ``lang`` attribute and left out."""

import ast
import io
import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import pypdf
import pytest
import yaml

from permille import i18n

from .conftest import IMAGES, REPO

pytestmark = pytest.mark.toolkit  # its server computes in a toolkit process (conftest)

PACKAGE = Path(i18n.__file__).parent

ENGLISH_WORDS = set(
    "the and of with is are this that from which have has was were will your you to by for not be been it "
    "its into than there their these those what when where who shown missing loading download please "
    "must should could would about after before between each every only other some such then them they "
    "here yet".split()
)
"""Words English writes often and French and Spanish never (as words): two in a line make it English."""
ALLOWED = [
    r"\b(?:IPCC|FAO|GSOCseq|SoilGrids|ERA5|WorldClim|ESA|CCI|Natural Earth|OpenStreetMap|Rothamsted|RothC)\b",
    r"\bet al\.",
    r"https?://\S+",
    r"\S+@\S+",
]
"""Proper names, references and addresses: not English sentences whatever their words."""
LANGUAGE = re.compile(r"[A-Za-zÀ-ÿ'’]+")


RAW_CODES = re.compile(r"\b(?:cropland|grassland|settlement|implemented|soc_stock|bulk_density)\b")
"""Stored codes (land uses, project stages, properties) that a page must write as words."""


def english(text: str) -> list[str]:
    """The lines of ``text`` that read as English: two or more different English function words, or a
    stored code shown as it is (:data:`RAW_CODES`)."""
    found = []
    for line in text.splitlines():
        bare = line
        for pattern in ALLOWED:
            bare = re.sub(pattern, " ", bare)
        words = {w.lower() for w in LANGUAGE.findall(bare)}
        if len(words & ENGLISH_WORDS) >= 2 or RAW_CODES.search(bare):
            found.append(line.strip())
    return found


def quoted_data() -> str:
    """The texts the reports quote in their own language (English): the strategic plan, the scheme
    profiles, the models' references — every string of the package's data files and of the models."""
    texts = []

    def walk(value):
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in (PACKAGE / "data").rglob("*.yaml"):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    for path in (PACKAGE / "models").rglob("*.py"):
        texts += [
            n.value
            for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        ]
    for path in [*(PACKAGE / "io" / "templates").glob("*.html"), *(PACKAGE / "data" / "report").glob("*.j2")]:
        texts += [
            m[1]
            for m in re.findall(
                r'<(\w+)[^>]*\blang="en"[^>]*>(.*?)</\1>', path.read_text(encoding="utf-8"), flags=re.S
            )
        ]
    return re.sub(r"\s+", " ", "\n".join(texts))


def unquoted(lines: list[str], data: str) -> list[str]:
    """The ``lines`` that are not quotations of the data (each piece between " · ", without its year)."""

    def quoted_piece(piece):  # the piece ends with a quotation, after a label without English words
        words = piece.split()
        if len(words) < 3:
            return True
        for i in range(len(words) - 2):
            if len({w.lower() for w in words[:i]} & ENGLISH_WORDS) >= 2:
                return False
            if " ".join(words[i:]) in data:
                return True
        return False

    def quoted(line):
        pieces = [re.sub(r"^\s*(?:\d{4}: )+", "", p).strip(" ·") for p in re.split(r"\s+·\s+", line)]
        return all(quoted_piece(re.sub(r"\s+", " ", p)) for p in pieces)

    return [line for line in lines if not quoted(line)]


def catalogue_english(lang: str) -> set[str]:
    """The catalogue's messages of four words or more whose translation in ``lang`` is not the English."""
    out = set()
    for message in i18n.catalogue(lang):
        if not message.id or message.pluralizable:
            continue
        text = re.split(r"\{\w+\}|%\(\w+\)\w|\{\{[^}]*\}\}", message.id)
        for part in text:
            part = part.strip(" :;,.")
            if len(part.split()) >= 4 and message.string and part not in message.string:
                out.add(part)
    return out


VISIBLE_TEXT = """() => {
  const skip = (node) => node.closest('script, style, [translate="no"], [hidden], template')
    || [...(function* (n) { for (let e = n; e; e = e.parentElement) yield e; })(node)]
      .some((e) => e.hasAttribute('lang') && e !== document.documentElement && e.getAttribute('lang') !== document.documentElement.lang);
  const lines = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || skip(parent) || !node.textContent.trim()) continue;
    if (!parent.checkVisibility() && !parent.closest('option, select')) continue;
    lines.push(node.textContent.trim());
  }
  for (const e of document.querySelectorAll('[aria-label], [placeholder], [title]')) {
    if (skip(e)) continue;
    for (const a of ['aria-label', 'placeholder', 'title']) if (e.getAttribute(a)) lines.push(e.getAttribute(a));
  }
  return lines.join('\\n');
}"""


def pages(server, account) -> list[str]:
    """The routes to render: every section, a country (Senegal: the issue's name mixed in two
    languages), a site with measurements, a long-term experiment site, the record pages and the signed-in
    pages."""
    request = urllib.request.Request(f"{server.url}/api/monitoring/measured", headers=account.headers)
    measured = json.load(urllib.request.urlopen(request))
    sites = json.load(urllib.request.urlopen(f"{server.url}/api/monitoring/sites.geojson"))["features"]
    routes = [
        "monitoring", "progress", "toolkit", "registries", "records", "records?kind=projects", "calls",
        "helpdesk", "inbox", "profile", "users", "outbox", "review", "my-organisation", "apply",
        "country?iso3=SEN", "country?iso3=FRA",
    ]  # fmt: skip
    routes += [f"country?iso3={m['zone']}" for m in measured["items"][:1]]
    plain = [f for f in sites if not re.search(r"Rothamsted|Hoosfield|Broadbalk", f["properties"]["name"])]
    routes += [f"site?id={f['properties']['id']}" for f in plain[:1]]
    # a long-term experiment with manure and section fallows: model, set-up and statistics in the language
    broadbalk = [f for f in sites if f["properties"]["name"] == "Broadbalk — FYM since 1843 (plot 2.2)"]
    assert broadbalk, "the Rothamsted sites are seeded on every install"
    routes += [f"site?id={broadbalk[0]['properties']['id']}"]
    return routes


@pytest.fixture
def secretariat(server):
    return server.account("secretariat")


GALLERY = IMAGES == REPO / "docs" / "img"
"""With PERMILLE_DOCS_IMG=1 the test also photographs each page it reads, at 1366 and 390 px (JPEG, the
window's first screen), for the documentation's gallery (docs/screenshots.md)."""
PHONE = {"width": 390, "height": 844}


def slug(route: str, sites: list[str]) -> str:
    """The gallery name of ``route``: ``records?kind=projects`` → ``records-projects``; the two site
    routes (measured, long-term experiment) by what they show."""
    if route in sites:
        return ("site-measured", "site-long-term")[sites.index(route)]
    return re.sub(r"[^a-z0-9]+", "-", route.lower().replace("kind=", "").replace("iso3=", "")).strip("-")


def photograph(page, lang: str, name: str) -> None:
    """The page as it is, at the desktop size and at 390 px, into docs/img/pages-<name>-<lang>-*.jpg."""
    desktop = page.viewport_size
    for size, viewport in (("desktop", desktop), ("390px", PHONE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(IMAGES / f"pages-{name}-{lang}-{size}.jpg"), type="jpeg", quality=70)
    page.set_viewport_size(desktop)


def render(page, server, account, lang: str, route: str) -> str:
    page.goto(f"{server.url}/#/{route}")
    name = route.split("?")[0]
    page.wait_for_selector(f'main .page[data-page="{name}"][data-state]', state="attached", timeout=60_000)
    page.wait_for_function("() => !document.querySelector('main .loading')", timeout=60_000)  # lazy parts
    return page.evaluate(VISIBLE_TEXT)


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_page_is_in_the_language_with_no_key_missing(browser, server, secretariat, lang):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale=f"{lang}-{lang.upper()}")
    token = secretariat.headers["Authorization"].removeprefix("Bearer ")
    context.add_init_script(
        f"localStorage.setItem('permille.lang', '{lang}'); sessionStorage.setItem('permille.token', '{token}');"
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    sentences = catalogue_english(lang)
    problems = {}
    try:
        routes = pages(server, secretariat)
        for route in routes:
            text = render(page, server, secretariat, lang, route)
            if GALLERY:
                photograph(page, lang, slug(route, [r for r in routes if r.startswith("site?")]))
            found = english(text) + sorted(s for s in sentences if s in text)
            if found:
                problems[route] = found
        missing = page.evaluate("import('/js/i18n.js').then((m) => m.missingKeys())")
        country = None
        page.goto(f"{server.url}/#/country?iso3=SEN")
        page.wait_for_selector('main .page[data-page="country"][data-state]')
        country = page.locator("#country-name").inner_text()
    except Exception as error:
        raise AssertionError(f"{error}\nerrors in the page: {errors}") from error
    finally:
        context.close()
    assert not errors, errors
    assert not missing, f"keys missing from the catalogue: {missing}"
    assert country == ("Sénégal" if lang == "fr" else "Senegal")
    report = "\n".join(f"#/{route}:\n  " + "\n  ".join(lines[:15]) for route, lines in problems.items())
    assert not problems, f"English in {lang}:\n{report}"


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_report_download_is_in_the_language(server, secretariat, lang):
    def get(path: str, body: dict | None = None) -> bytes:
        data = json.dumps(body).encode() if body is not None else None
        headers = {**secretariat.headers, "Accept-Language": lang, "Content-Type": "application/json"}
        return urllib.request.urlopen(
            urllib.request.Request(f"{server.url}{path}", data=data, headers=headers)
        ).read()

    texts = {"progress report": get(f"/api/kpis/report?format=pdf&lang={lang}")}
    for calculator in ("balance", "credits"):
        body = json.loads(get(f"/api/toolkit/examples/{calculator}"))
        if calculator == "balance":
            body["monte_carlo"]["draws"] = 50
        texts[f"{calculator} report"] = get(f"/api/toolkit/{calculator}?format=pdf&lang={lang}", body)
    sentences = catalogue_english(lang)
    data = quoted_data()
    problems = {}
    for name, content in texts.items():
        assert content.startswith(b"%PDF"), name
        text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages)
        found = unquoted(english(text), data) + sorted(s for s in sentences if s in text)
        if found:
            problems[name] = found
    report = "\n".join(f"{name}:\n  " + "\n  ".join(lines[:15]) for name, lines in problems.items())
    assert not problems, f"English in the {lang} downloads:\n{report}"


def test_the_api_answers_errors_in_the_requests_language(server):
    expected = {
        "fr": r"la requête n’est pas valide : \d+ problèmes?",
        "es": r"la solicitud no es válida: \d+ problemas?",
    }
    for lang, pattern in expected.items():
        for query, header in ((f"?lang={lang}", "en"), ("", f"{lang}-{lang.upper()},en;q=0.5")):
            request = urllib.request.Request(
                f"{server.url}/api/toolkit/credits{query}", data=b"{}",
                headers={"Content-Type": "application/json", "Accept-Language": header},
            )  # fmt: skip
            with pytest.raises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(request)
            body = json.loads(caught.value.read())
            assert caught.value.code == 422
            assert re.fullmatch(pattern, body["error"]["message"]), body["error"]["message"]
