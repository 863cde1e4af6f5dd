"""Reading the outbox folder (messages written where no SMTP server is configured)."""

import datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import parsedate_to_datetime
from pathlib import Path

from .transport import NAME

MAX_LISTED = 500


def _parse(path: Path) -> EmailMessage:
    return message_from_bytes(path.read_bytes(), policy=default_policy)


def listing(folder: Path, limit: int = MAX_LISTED) -> list[dict]:
    """The newest ``limit`` messages of ``folder``, newest first: ``id`` (file name), ``date`` (ISO,
    UTC), ``to``, ``subject``."""
    if not folder.is_dir():
        return []
    paths = sorted((p for p in folder.iterdir() if NAME.match(p.name)), reverse=True)[:limit]
    items = []
    for path in paths:
        message = _parse(path)
        date = parsedate_to_datetime(message["Date"]) if message["Date"] else None
        items.append(
            {
                "id": path.name,
                "date": date.astimezone(datetime.UTC).isoformat() if date else None,
                "to": str(message["To"]),
                "subject": str(message["Subject"]),
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
    message = _parse(path)
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    return {
        "id": message_id,
        "date": str(message["Date"]),
        "to": str(message["To"]),
        "from": str(message["From"]),
        "subject": str(message["Subject"]),
        "language": str(message["Content-Language"] or ""),
        "text": text.get_content() if text else "",
        "html": html.get_content() if html else "",
    }
