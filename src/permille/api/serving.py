"""How ``permille serve`` runs uvicorn: its HTTP protocol with ``TCP_NODELAY`` on every connection and a
deadline for a new connection's request headers (:data:`HEADER_TIMEOUT_S`), at most
:data:`MAX_CONNECTIONS` connections per process, and the open-file limit raised at start
(:func:`raise_file_limit`).

With ``--workers N`` uvicorn binds the listening socket itself (``socket.socket(family)``, protocol number
0), and asyncio then leaves Nagle's algorithm on for the connections it accepts (it sets ``TCP_NODELAY``
only on sockets whose protocol reads as TCP): an answer written as headers then body waits for the
client's delayed ACK, ≈ 40 ms a request. :class:`NoDelayHTTPProtocol` sets the option itself."""

import asyncio
import resource
import socket

from uvicorn.protocols.http.auto import AutoHTTPProtocol

PROTOCOL = "permille.api.serving:NoDelayHTTPProtocol"
"""The ``http`` setting of uvicorn (an import string: worker processes import it)."""


HEADER_TIMEOUT_S = 10.0
"""Seconds a new connection has to send its first request's headers; then it is closed (a client that
opens connections and sends nothing, or headers a byte at a time, holds no file for long). Idle
connections between requests are closed after uvicorn's keep-alive timeout (:data:`KEEP_ALIVE_S`)."""
KEEP_ALIVE_S = 5
"""Seconds an idle keep-alive connection stays open (uvicorn's ``timeout_keep_alive``)."""
MAX_CONNECTIONS = 2000
"""Connections and requests in flight per server process (uvicorn's ``limit_concurrency``; 503 beyond):
below the open-file limit :func:`raise_file_limit` sets, so the server stays reachable."""
FILE_LIMIT = 65536
"""Open files asked for at start (the soft limit, up to the hard one)."""


def raise_file_limit(wanted: int = FILE_LIMIT) -> int:
    """Raise this process's soft limit of open files to ``wanted`` (at most the hard limit, which an
    unprivileged process cannot raise); the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if target > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):  # not allowed here: keep the limit there is
            return soft
        return target
    return soft


class NoDelayHTTPProtocol(AutoHTTPProtocol):
    """uvicorn's HTTP protocol (httptools when installed, else h11) with ``TCP_NODELAY`` set, closing a
    connection whose first request headers are not complete within :data:`HEADER_TIMEOUT_S`."""

    def connection_made(self, transport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._head = b""
        self._header_deadline = asyncio.get_running_loop().call_later(HEADER_TIMEOUT_S, transport.close)
        super().connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if self._header_deadline is not None:
            self._head = (self._head + data)[-3 - len(data) :]
            if b"\r\n\r\n" in self._head:  # the first request's headers are in
                self._header_deadline.cancel()
                self._header_deadline = None
        super().data_received(data)

    def connection_lost(self, exc) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
        super().connection_lost(exc)


def uvicorn_options(host: str, port: int, forwarded_allow_ips: str | None = None) -> dict:
    """The settings ``permille serve`` gives uvicorn: address, protocol, and the proxies it trusts
    (``forwarded_allow_ips``; None: uvicorn's default, ``$FORWARDED_ALLOW_IPS`` else 127.0.0.1)."""
    options = {
        "host": host,
        "port": port,
        "log_level": "info",
        "http": PROTOCOL,
        "proxy_headers": True,
        "timeout_keep_alive": KEEP_ALIVE_S,
        "limit_concurrency": MAX_CONNECTIONS,
    }
    if forwarded_allow_ips is not None:
        options["forwarded_allow_ips"] = forwarded_allow_ips
    return options
