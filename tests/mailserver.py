"""A real SMTP server in the test process (aiosmtpd) that keeps what it receives, for the tests of the
platform's e-mail: ``with MailServer() as server: ... server.wait_for(lambda m: ...)``."""

import re
import socket
import threading
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://\S+#/[a-z-]+\?token=[A-Za-z0-9_-]+")


def _free_port() -> int:
    """A TCP port free now on 127.0.0.1 (aiosmtpd's controller checks its port by connecting to it, so
    it needs the number before it starts)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Keeper:
    def __init__(self, server: "MailServer"):
        self.server = server

    async def handle_DATA(self, _server, _session, envelope):
        message = message_from_bytes(envelope.original_content, policy=default_policy)
        with self.server.condition:
            self.server.messages.append(message)
            self.server.condition.notify_all()
        return "250 OK"


class MailServer:
    """An SMTP server on 127.0.0.1 (a free port); ``url`` is the platform's ``PERMILLE_SMTP_URL`` for it.
    ``tls_context``: offer STARTTLS and require it before mail."""

    def __init__(self, tls_context=None):
        self.messages: list[EmailMessage] = []
        self.condition = threading.Condition()
        options = {"tls_context": tls_context, "require_starttls": True} if tls_context else {}
        self.controller = Controller(_Keeper(self), hostname="127.0.0.1", port=_free_port(), **options)
        self.tls = tls_context is not None

    def __enter__(self) -> "MailServer":
        self.controller.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.controller.stop()

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}" + ("" if self.tls else "?tls=none")

    def to(self, address: str) -> list[EmailMessage]:
        with self.condition:
            return self.to_unlocked(address)

    def wait_for(self, address: str, count: int = 1, timeout: float = 15) -> list[EmailMessage]:
        """The messages to ``address`` once there are ``count`` of them (AssertionError after
        ``timeout`` seconds)."""
        with self.condition:
            if not self.condition.wait_for(lambda: len(self.to_unlocked(address)) >= count, timeout):
                raise AssertionError(f"{count} message(s) to {address} not received; got {self.summary()}")
            return self.to_unlocked(address)

    def to_unlocked(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def summary(self) -> list[str]:
        return [f"{m['To']}: {m['Subject']}" for m in self.messages]


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def link_in(message: EmailMessage) -> str:
    """The link of a message (in its plain text, and the same in its HTML)."""
    found = LINK.search(text_of(message))
    assert found, f"no link in {text_of(message)!r}"
    assert found.group(0) in html_of(message)
    return found.group(0)


def token_in(message: EmailMessage) -> str:
    return link_in(message).rsplit("token=", 1)[1]
