"""Reading the outbox folder (messages written where no SMTP server is configured)."""

import datetime
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.policy import compat32
from email.policy import default as default_policy
from email.utils import parsedate_to_datetime
from pathlib import Path

from .transport import NAME

MAX_LISTED = 500


def _parse(path: Path) -> EmailMessage:
    return message_from_bytes(path.read_bytes(), policy=default_policy)


def _headers(path: Path) -> dict[str, str]:
    """The message's headers as text (decoded, not parsed as addresses: shown as written)."""
    raw = message_from_bytes(path.read_bytes(), policy=compat32)
    return {
        name: str(make_header(decode_header(raw[name]))) if raw[name] else ""
        for name in ("Date", "To", "From", "Subject", "Content-Language")
    }


def _iso(date: str) -> str | None:
    try:
        return parsedate_to_datetime(date).astimezone(datetime.UTC).isoformat()
    except (TypeError, ValueError):
        return None


def listing(folder: Path, limit: int = MAX_LISTED) -> list[dict]:
    """The newest ``limit`` messages of ``folder``, newest first: ``id`` (file name), ``date`` (ISO,
    UTC), ``to``, ``subject``."""
    if not folder.is_dir():
        return []
    paths = sorted((p for p in folder.iterdir() if NAME.match(p.name)), reverse=True)[:limit]
    items = []
    for path in paths:
        headers = _headers(path)
        items.append(
            {
                "id": path.name,
                "date": _iso(headers["Date"]),
                "to": headers["To"],
                "subject": headers["Subject"],
            }
        )
    return items


def read(folder: Path, message_id: str) -> dict | None:
    """One message of ``folder`` by its file name (None when there is none): its headers, ``text`` and
    ``html`` bodies."""
    if not NAME.match(message_id):
        return None
    path = folder / message_id
    if not path.is_file():
        return None
    message, headers = _parse(path), _headers(path)
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    return {
        "id": message_id,
        "date": headers["Date"],
        "to": headers["To"],
        "from": headers["From"],
        "subject": headers["Subject"],
        "language": headers["Content-Language"],
        "text": text.get_content() if text else "",
        "html": html.get_content() if html else "",
    }
