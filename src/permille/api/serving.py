"""How ``permille serve`` runs uvicorn: its HTTP protocol with ``TCP_NODELAY`` on every connection.

With ``--workers N`` uvicorn binds the listening socket itself (``socket.socket(family)``, protocol number
0), and asyncio then leaves Nagle's algorithm on for the connections it accepts (it sets ``TCP_NODELAY``
only on sockets whose protocol reads as TCP): an answer written as headers then body waits for the
client's delayed ACK, ≈ 40 ms a request. :class:`NoDelayHTTPProtocol` sets the option itself."""

import socket

from uvicorn.protocols.http.auto import AutoHTTPProtocol

PROTOCOL = "permille.api.serving:NoDelayHTTPProtocol"
"""The ``http`` setting of uvicorn (an import string: worker processes import it)."""


class NoDelayHTTPProtocol(AutoHTTPProtocol):
    """uvicorn's HTTP protocol (httptools when installed, else h11) with ``TCP_NODELAY`` set."""

    def connection_made(self, transport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


def uvicorn_options(host: str, port: int, forwarded_allow_ips: str | None = None) -> dict:
    """The settings ``permille serve`` gives uvicorn: address, protocol, and the proxies it trusts
    (``forwarded_allow_ips``; None: uvicorn's default, ``$FORWARDED_ALLOW_IPS`` else 127.0.0.1)."""
    options = {"host": host, "port": port, "log_level": "info", "http": PROTOCOL, "proxy_headers": True}
    if forwarded_allow_ips is not None:
        options["forwarded_allow_ips"] = forwarded_allow_ips
    return options
