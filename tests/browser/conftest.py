"""Browser-test fixtures: the platform served by uvicorn over a seeded SQLite database, driven by Playwright
on Debian's Chromium (``/usr/bin/chromium``; missing → a failure when CI=true, a skip otherwise).

Each test module gets a server of its own over its own copy of a database seeded once per test process
(:func:`seeded_database`), so no module sees the records another one made, whatever their order or
process (``pytest -n``). A module marked ``pytest.mark.mail`` gets a real SMTP server (``mailserver``)
its server sends e-mail to. A module marked ``pytest.mark.toolkit`` (it runs calculations) gets a server
whose toolkit process is started before it answers; another module's server computes in threads of its
own process (starting the process costs 10–20 s of a module's set-up).

A test using ``page`` fails on any JavaScript error, console error or failed request to our server
(an HTTP status >= 400 too, unless the test declares it expected with ``page_errors.allow(regex)``).
"""

import os
import re
import secrets
import shutil
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
IMAGES = REPO / "docs" / "img" if os.environ.get("PERMILLE_DOCS_IMG") == "1" else SCREENSHOTS
"""Where the documentation's screenshots go: docs/img/ with PERMILLE_DOCS_IMG=1 (then committed), else
test-artifacts/screenshots/ — a suite run never edits docs/, whose digest names the /help build."""
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-unsafe-swiftshader",
]
LAPTOP = {"width": 1366, "height": 800}
SERVER_START_TIMEOUT_S = 300  # a hang guard: the start includes the toolkit pool (seconds, more when busy)


def _missing(message: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Account:
    """A user made for a test: sign in with ``email`` and ``password``, or send ``headers`` (Bearer)."""

    email: str
    password: str
    headers: dict[str, str]


@dataclass
class Server:
    """The running platform: ``url`` (no trailing slash) and the ``engine`` of its database."""

    url: str
    engine: object

    def account(self, role: str) -> Account:
        """A new active user of ``role`` (without organisation) with a password and an API token."""
        from sqlalchemy.orm import Session

        from permille.api.security import issue_token
        from permille.registry.accounts import hash_password
        from permille.registry.orm import User

        password = secrets.token_urlsafe(16)
        with Session(self.engine) as session:
            user = User(
                email=f"browser-{role}-{secrets.token_hex(4)}@example.org",
                name=f"Browser test {role}",
                role=role,
                password_hash=hash_password(password),
                active=True,
            )
            session.add(user)
            session.flush()
            token, _expires = issue_token(session, user)
            session.commit()
            return Account(user.email, password, {"Authorization": f"Bearer {token}"})


def pytest_configure(config):
    config.addinivalue_line("markers", "mail: the module's server sends e-mail to a test SMTP server")
    config.addinivalue_line(
        "markers", "toolkit: the module's server starts its toolkit process (calculations)"
    )


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory):
    """``seeded_database(demo_layers)`` → a SQLite file holding the seed and the demo records (with the
    synthetic atlas when ``demo_layers``), made once per test process (tens of seconds on a busy machine):
    servers serve copies of it (milliseconds)."""
    from permille.api.app import create_app
    from permille.registry.db import make_engine

    made: dict[bool, Path] = {}

    def template(demo_layers: bool = False) -> Path:
        if demo_layers not in made:
            path = tmp_path_factory.mktemp("seeded") / "permille.db"
            engine = make_engine(f"sqlite:///{path}")
            create_app(engine, demo=True, demo_layers=demo_layers, toolkit_workers=0)
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            engine.dispose()
            made[demo_layers] = path
        return made[demo_layers]

    return template


@pytest.fixture(scope="module")
def mailserver():
    """A real SMTP server (aiosmtpd, :class:`tests.mailserver.MailServer`) for the module."""
    from tests.mailserver import MailServer

    with MailServer() as mail:
        yield mail


@pytest.fixture(scope="module")
def server(request, tmp_path_factory, seeded_database):
    """uvicorn in a background thread on a free port, serving ``create_app`` (seed and demo records) over a
    copy of :func:`seeded_database` of its own; sending e-mail to ``mailserver`` in a module marked
    ``mail``; with a toolkit process in a module marked ``toolkit``."""
    environment = pytest.MonkeyPatch()
    if request.node.get_closest_marker("mail"):
        environment.setenv("PERMILLE_SMTP_URL", request.getfixturevalue("mailserver").url)
    toolkit = request.node.get_closest_marker("toolkit") is not None
    yield from _serve(tmp_path_factory, seeded_database(), toolkit=toolkit)
    environment.undo()


@pytest.fixture(scope="module")
def demo_layers_server(tmp_path_factory, seeded_database):
    """Like ``server``, with ``create_app(..., demo_layers=True)``: the synthetic atlas as demonstration data."""
    yield from _serve(tmp_path_factory, seeded_database(True), demo_layers=True)


def _serve(tmp_path_factory, seeded: Path, toolkit: bool = False, **app_options):
    import uvicorn

    from permille.api.app import create_app
    from permille.registry.db import make_engine

    home = tmp_path_factory.mktemp("permille-home")
    environment = pytest.MonkeyPatch()
    environment.setenv("PERMILLE_HOME", str(home))
    environment.delenv("PERMILLE_DATABASE_URL", raising=False)
    shutil.copyfile(seeded, home / "permille.db")
    engine = make_engine(f"sqlite:///{home / 'permille.db'}")
    # ``toolkit``: one toolkit process, started before the server answers (no request waits for a process
    # to start); one, not one per core: every module starts a server of its own. Else threads.
    workers = 1 if toolkit else 0
    app = create_app(engine, demo=True, start_toolkit=toolkit, toolkit_workers=workers, **app_options)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1)
    uvicorn_server = uvicorn.Server(config)
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while not uvicorn_server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start (see the log above)")
        time.sleep(0.05)
    yield Server(url=f"http://127.0.0.1:{port}", engine=engine)
    uvicorn_server.should_exit = True
    thread.join(timeout=10)
    sock.close()
    engine.dispose()
    environment.undo()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, through the Playwright sync API."""
    if not CHROMIUM.exists():
        _missing(f"Chromium missing: {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        _missing(f"Playwright missing: {error}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class BrowserErrors:
    """What went wrong in the page: JS errors, console errors and failed requests to our server."""

    origin: str
    problems: list[str] = field(default_factory=list)
    allowed: list[re.Pattern] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Accept HTTP error answers from URLs matching ``pattern`` (a test that provokes them)."""
        self.allowed.append(re.compile(pattern))

    def on_console(self, message) -> None:
        # Chromium also logs each HTTP error answer; on_response judges those (with the allow list)
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console error: {message.text} ({message.location.get('url', '')})")

    def on_page_error(self, error) -> None:
        self.problems.append(f"JavaScript error: {error}")

    def on_request_failed(self, request) -> None:
        failure = request.failure or ""
        # requests cut short by a navigation or a closed page (an open event stream) are not failures
        if request.url.startswith(self.origin) and "ERR_ABORTED" not in failure:
            self.problems.append(f"request failed: {request.method} {request.url}: {failure}")

    def on_response(self, response) -> None:
        if not response.url.startswith(self.origin) or response.status < 400:
            return
        if not any(pattern.search(response.url) for pattern in self.allowed):
            self.problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")


@pytest.fixture
def page_errors():
    """The error collector of ``page`` (requests to any of the test servers on 127.0.0.1);
    ``page_errors.allow(regex)`` accepts expected HTTP errors."""
    return BrowserErrors(origin="http://127.0.0.1:")


@pytest.fixture
def page(browser, page_errors):
    """A page in a fresh browser context (laptop viewport, downloads accepted); fails the test on errors."""
    context = browser.new_context(viewport=LAPTOP, accept_downloads=True, locale="en-GB")
    context.set_default_timeout(15_000)
    new_page = context.new_page()
    new_page.on("console", page_errors.on_console)
    new_page.on("pageerror", page_errors.on_page_error)
    new_page.on("requestfailed", page_errors.on_request_failed)
    new_page.on("response", page_errors.on_response)
    yield new_page
    problems = list(page_errors.problems)
    context.close()
    if problems:
        pytest.fail("errors in the page:\n" + "\n".join(problems))


def shot(page, name: str) -> None:
    """The whole page in docs/img/<name>.png (an image of the documentation)."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(IMAGES / f"{name}.png"), full_page=True)


def ready(page, name: str) -> None:
    """Wait until the page ``name`` has loaded its data."""
    page.wait_for_selector(f'main .page[data-page="{name}"][data-state="ready"]')


def sign_in(page, email: str, password: str) -> None:
    """Sign in with the header's dialog and wait for the user's name."""
    page.click("#signin-button")
    page.fill("#signin-email", email)
    page.fill("#signin-password", password)
    page.click('#signin-form button[type="submit"]')
    page.wait_for_selector("#user-name:not([hidden])")


def sign_out(page) -> None:
    page.click("#signout-button")
    page.wait_for_selector("#signin-button:not([hidden])")


@pytest.fixture
def screenshot():
    """screenshot(page, name, full_page=True) → test-artifacts/screenshots/<name>.png (the whole page, or
    what the window shows with full_page=False)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(target_page, name: str, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        target_page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


def choose_language(page, lang: str) -> None:
    """Pick ``lang`` in the header's language switch as a reader does (on a phone, under "Menu" first)."""
    if (
        page.locator(".nav-toggle").is_visible()
        and page.locator(".nav-toggle").get_attribute("aria-expanded") != "true"
    ):
        page.click(".nav-toggle")
    page.select_option("#lang-select", lang)
