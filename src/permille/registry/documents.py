"""Documents attached to records (projects, practices, call applications, working groups): PDF, images,
spreadsheets and CSV (``data/attachment_types.yaml``, recognised from the bytes by :mod:`.filetypes`), at
most :data:`MAX_BYTES` each, kept once per content in the file store (:mod:`.filestore`). Listing and
downloading a document follow the visibility of its record (:func:`.subjects.check_read`); attaching needs
the right to edit the record (:func:`.subjects.check_attach`)."""

import re
import unicodedata
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import i18n
from . import filetypes, orm, subjects
from .filestore import FileStore, Spooled
from .service import Invalid, NotFound, UnsupportedType, audit, transaction

MAX_BYTES = 20 * 2**20
"""Largest document (20 MiB); a bigger one is refused with 413 while it is received."""
MAX_NAME_CHARS = 200


def clean_name(name: str) -> str:
    """The file name as kept and offered on download: its last path part, Unicode NFC, without control
    characters, quotes or separators, at most :data:`MAX_NAME_CHARS` characters."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C" and c not in '"<>:|?*').strip(" .")
    if not base:
        raise Invalid(
            "1 problem(s) in the document: name: give the file's name",
            [{"loc": ["name"], "message": "give the file's name", "type": "missing"}],
        )
    return base[-MAX_NAME_CHARS:]


def attachment_dict(row: orm.Attachment, author: str | None = None) -> dict:
    return {
        "id": row.id,
        "at": row.at.isoformat(),
        "kind": row.kind,
        "record_id": row.record_id,
        "name": row.filename,
        "media_type": row.media_type,
        "size_bytes": row.size_bytes,
        "sha256": row.sha256,
        "author": author,
        "url": f"/api/documents/{row.id}/download",
    }


def documents(session: Session, kind: str, record_id: int, user: Any) -> list[dict]:
    """The documents attached to a record ``user`` may read, newest first."""
    subjects.check_read(session, kind, record_id, user)
    rows = session.execute(
        select(orm.Attachment, orm.User.name)
        .outerjoin(orm.User, orm.User.id == orm.Attachment.user_id)
        .where(orm.Attachment.kind == kind, orm.Attachment.record_id == record_id)
        .order_by(orm.Attachment.id.desc())
    ).all()
    return [attachment_dict(a, name) for a, name in rows]


def attach(
    session: Session, store: FileStore, kind: str, record_id: int, user: Any, name: str, spooled: Spooled
) -> orm.Attachment:
    """Attach the received file ``spooled`` under ``name`` (audited): its type sniffed from its bytes
    (415 when none of the accepted), its bytes put in ``store`` unless already there."""
    filename = clean_name(name)
    kind_of = filetypes.sniff(spooled.path)
    if kind_of is None:
        raise UnsupportedType(
            f"«{filename}» is not one of the accepted types ({', '.join(filetypes.accepted())}), judged from"
            " its content"
        )
    with transaction(session, []):
        subjects.check_attach(session, kind, record_id, user)
        stored = store.put(spooled)
        row = orm.Attachment(
            at=orm.utcnow(),
            kind=kind,
            record_id=record_id,
            user_id=user.id,
            filename=filename,
            media_type=kind_of.media_type,
            size_bytes=spooled.size,
            sha256=spooled.sha256,
        )
        session.add(row)
        session.flush()
        audit(
            session,
            user,
            f"{kind}-document",
            record_id,
            "attach",
            None,
            {"document": row.id, "name": filename, "sha256": spooled.sha256, "new_bytes": stored},
        )
    return row


def document(session: Session, attachment_id: int, user: Any) -> orm.Attachment:
    """The document, if ``user`` may read the record it is attached to (else 404, as for a missing one;
    403 for a working group's library)."""
    row = session.get(orm.Attachment, attachment_id)
    if row is None:
        raise NotFound(i18n.Text("no document {id}", id=attachment_id))
    try:
        subjects.check_read(session, row.kind, row.record_id, user)
    except NotFound:
        raise NotFound(i18n.Text("no document {id}", id=attachment_id)) from None
    return row
