"""Where messages go: :class:`Smtp` when ``PERMILLE_SMTP_URL`` is set, else :class:`Outbox` (``.eml``
files in ``$PERMILLE_HOME/outbox``, read by the Secretariat's pages and ``permille mail outbox``).

``PERMILLE_SMTP_URL``: ``smtp://host[:port]`` (STARTTLS required; port 587 by default), ``smtps://host[:port]``
(TLS from the first byte; port 465), or ``smtp://host:port?tls=none`` for a relay on the same machine
(no encryption: refused for any other host). Credentials from ``PERMILLE_SMTP_USER`` and
``PERMILLE_SMTP_PASSWORD`` (never in the URL, which may be logged); ``PERMILLE_SMTP_CAFILE``: the CA
certificates to trust instead of the system's; ``PERMILLE_MAIL_FROM``: the sender.
"""

import datetime
import os
import re
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

from ..home import permille_home
from .compose import Message

DEFAULT_SENDER = "«4 per 1000» platform <no-reply@localhost>"
SMTP_TIMEOUT_S = 20
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


def email_message(message: Message, sender: str) -> EmailMessage:
    """The MIME message (multipart/alternative: plain text, then HTML) of ``message``."""
    mime = EmailMessage()
    mime["From"] = sender
    mime["To"] = message.recipient
    mime["Subject"] = message.subject
    mime["Date"] = format_datetime(datetime.datetime.now(datetime.UTC))
    mime["Message-ID"] = make_msgid(domain="permille")
    mime.set_content(message.text)
    mime.add_alternative(message.html, subtype="html")
    mime["Content-Language"] = message.language  # after the bodies: set_content drops Content-* headers
    return mime


@dataclass(frozen=True)
class Smtp:
    """Delivery by SMTP (see the module's description)."""

    host: str
    port: int
    tls: str  # "starttls", "ssl" or "none"
    user: str | None = None
    password: str | None = None
    cafile: str | None = None

    @classmethod
    def from_url(cls, url: str, environ=os.environ) -> "Smtp":
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(
                f"PERMILLE_SMTP_URL: give smtp://host[:port] or smtps://host[:port], not {url!r}"
            )
        if parts.username or parts.password:
            raise ValueError(
                "PERMILLE_SMTP_URL: give the credentials in PERMILLE_SMTP_USER and PERMILLE_SMTP_PASSWORD"
            )
        tls = "ssl" if parts.scheme == "smtps" else "starttls"
        if parse_qs(parts.query).get("tls") == ["none"]:
            if parts.scheme != "smtp" or parts.hostname not in LOCAL_HOSTS:
                raise ValueError("PERMILLE_SMTP_URL: tls=none only for smtp:// to a relay on this machine")
            tls = "none"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if tls == "ssl" else 587),
            tls=tls,
            user=environ.get("PERMILLE_SMTP_USER") or None,
            password=environ.get("PERMILLE_SMTP_PASSWORD") or None,
            cafile=environ.get("PERMILLE_SMTP_CAFILE") or None,
        )

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.cafile)

    def send(self, message: EmailMessage) -> None:
        if self.tls == "ssl":
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT_S, context=self._context())
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_S)
        with client:
            if self.tls == "starttls":
                client.starttls(context=self._context())  # raises when the server does not offer it
            if self.user:
                client.login(self.user, self.password or "")
            client.send_message(message)

    def __str__(self) -> str:
        return f"SMTP {self.host}:{self.port} ({self.tls})"


@dataclass(frozen=True)
class Outbox:
    """Delivery to ``.eml`` files in ``folder`` (one per message, never overwritten)."""

    folder: Path

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        temporary = path.with_suffix(".part")
        temporary.write_bytes(message.as_bytes(policy=default_policy))
        temporary.replace(path)  # a reader never sees half a message

    def __str__(self) -> str:
        return f"outbox {self.folder}"


NAME = re.compile(r"^\d{8}T\d{12}Z-[0-9a-f]{8}\.eml$")


def outbox_folder() -> Path:
    return permille_home() / "outbox"


def from_env(environ=os.environ) -> Transport:
    """The transport the environment names (see the module's description)."""
    url = environ.get("PERMILLE_SMTP_URL", "").strip()
    return Smtp.from_url(url, environ) if url else Outbox(outbox_folder())


def sender(environ=os.environ) -> str:
    return environ.get("PERMILLE_MAIL_FROM", "").strip() or DEFAULT_SENDER
