"""The documentation site at ``/help``: the MkDocs (Material) site of ``docs/``, built on first use into
``$PERMILLE_HOME/help/<digest>/`` and served from there, offline (no web fonts; the search runs in the
browser on the built index).

The source is the checkout's ``mkdocs.yml`` and ``docs/`` (or the copy a wheel carries in
``permille/_help_source/``); the digest of every source file names the build, so an edited page is
rebuilt at the next start and an unchanged one never is. Several processes may build at once: each
builds into a folder of its own and the first to finish names it. Material's pages carry a few inline
scripts (its theme and palette switches): the answers allow exactly those, by their SHA-256, and keep
the platform's policy otherwise."""

import asyncio
import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from starlette.responses import PlainTextResponse
from starlette.staticfiles import StaticFiles

from ..home import permille_home
from .boundary import CONTENT_SECURITY_POLICY

BUILD_TIMEOUT_S = 300
"""A build takes ≈ 3 s on 2 cores; past this it is abandoned with an error page."""
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)


def source_config() -> Path | None:
    """``mkdocs.yml`` of the checkout this package runs from, else the copy shipped in the wheel."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package.parents[1] / "mkdocs.yml", package / "_help_source" / "mkdocs.yml"):
        if candidate.is_file() and (candidate.parent / "docs").is_dir():
            return candidate
    return None


def digest(config: Path) -> str:
    """SHA-256 (first 16 hex digits) over ``mkdocs.yml`` and every file under ``docs/``, names included."""
    h = hashlib.sha256(config.read_bytes())
    docs = config.parent / "docs"
    for path in sorted(p for p in docs.rglob("*") if p.is_file()):
        h.update(path.relative_to(docs).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def build(config: Path, root: Path) -> Path:
    """The built site for ``config`` under ``root`` (built now unless already there); older builds removed."""
    target = root / digest(config)
    if (target / "index.html").is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--quiet", "--config-file", str(config),
             "--site-dir", str(work / "site")],
            capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"building the documentation failed: {done.stderr.strip()[-2000:]}")
        try:
            (work / "site").rename(target)
        except OSError:  # another process named it first
            if not (target / "index.html").is_file():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for old in root.iterdir():
        if old.is_dir() and old != target and not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)
    return target


def policy(site: Path) -> str:
    """The platform's Content-Security-Policy, with the SHA-256 of every inline script of the site."""
    hashes = set()
    for page in site.rglob("*.html"):
        for body in _INLINE_SCRIPT.findall(page.read_bytes()):
            hashes.add("'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'")
    return CONTENT_SECURITY_POLICY.replace(
        "script-src 'self'", " ".join(["script-src 'self'", *sorted(hashes)])
    )


class HelpSite:
    """ASGI app mounted at ``/help``: builds the site at the first request (in a thread, once), then serves
    its files with Starlette's ``StaticFiles`` (``index.html`` for folders, ``404.html`` when missing)."""

    def __init__(self, root: Path | None = None):
        self._root = root
        self._lock = threading.Lock()
        self._files: StaticFiles | None = None
        self._policy = b""

    def _ready(self) -> None:
        with self._lock:
            if self._files is not None:
                return
            config = source_config()
            if config is None:
                raise RuntimeError("the documentation's source (mkdocs.yml and docs/) is not installed")
            site = build(config, self._root or permille_home() / "help")
            self._policy = policy(site).encode()
            self._files = StaticFiles(directory=str(site), html=True)

    def prepare(self) -> threading.Thread:
        """Build in the background now (``permille serve``), so the first reader does not wait."""
        thread = threading.Thread(target=self._try_ready, name="help-build", daemon=True)
        thread.start()
        return thread

    def _try_ready(self) -> None:
        try:
            self._ready()
        except Exception:  # reported to the first reader of /help, which tries again
            pass

    async def __call__(self, scope, receive, send):
        if self._files is None:
            try:
                await asyncio.to_thread(self._ready)
            except Exception as error:
                return await PlainTextResponse(f"The documentation is not available: {error}", 503)(
                    scope, receive, send
                )

        async def send_with_policy(message):
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers") or [] if k.lower() != b"content-security-policy"
                ]
                message = {**message, "headers": [*headers, (b"content-security-policy", self._policy)]}
            await send(message)

        return await self._files(scope, receive, send_with_policy)
