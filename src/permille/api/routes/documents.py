"""Documents attached to records (domain: :mod:`permille.registry.documents`): the upload is the raw
file as the request body, streamed to a temporary file with the 20 MiB bound enforced while it is read;
downloads are checked against the record's visibility, the same rule as the record itself."""

import re
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from ... import i18n
from ...registry import documents, filetypes, subjects
from ...registry.filestore import Spool
from ...registry.schemas import MAX_INTEGER
from ..deps import SessionDep, UserDep
from ..errors import ERROR_RESPONSES, ApiError

Id = Annotated[int, Path(ge=1, le=MAX_INTEGER)]
router = APIRouter(tags=["documents"], responses=ERROR_RESPONSES)
UPLOAD_PATH = re.compile(r"^/api/documents/[a-z-]+/[0-9]+$")
"""The upload route, whose body may be up to :data:`permille.registry.documents.MAX_BYTES` (the app's
other routes keep the global limit)."""


def _too_large() -> ApiError:
    return ApiError(413, i18n.Text("a document may have at most {n} bytes (20 MiB)", n=documents.MAX_BYTES))


def _may_attach(session, kind: str, record_id: int, user) -> None:
    subjects.check_attach(session, kind, record_id, user)
    session.commit()  # no transaction stays open while the body is received


@router.get(
    "/documents/{document_id}/download",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "the document's bytes, as the type judged from them",
            "content": {
                t: {"schema": {"type": "string", "format": "binary"}} for t in filetypes.media_types()
            },
        }
    },
)
def download(document_id: Id, session: SessionDep, user: UserDep, request: Request) -> StreamingResponse:
    """The document's bytes, if I may read the record it is attached to (404 otherwise, as if missing)."""
    row = documents.document(session, document_id, user)
    ascii_name = row.filename.encode("ascii", "replace").decode().replace("?", "_")
    return StreamingResponse(
        request.app.state.filestore.read(row.sha256),
        media_type=row.media_type,
        headers={
            "Content-Length": str(row.size_bytes),
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename)}; filename=\"{ascii_name}\"",
            "Cache-Control": "private, no-store",
        },
    )


@router.get("/documents/{kind}/{record_id}")
def listing(kind: subjects.DocumentKind, record_id: Id, session: SessionDep, user: UserDep) -> list[dict]:
    """The documents attached to a record I may read, newest first."""
    return documents.documents(session, kind, record_id, user)


@router.post(
    "/documents/{kind}/{record_id}",
    status_code=201,
    openapi_extra={"requestBody": {"required": True, "content": {"application/octet-stream": {}}}},
)
async def upload(
    kind: subjects.DocumentKind,
    record_id: Id,
    name: Annotated[str, Query(min_length=1, max_length=1000, description="the file's name")],
    request: Request,
    session: SessionDep,
    user: UserDep,
) -> dict:
    """Attach a document (PDF, image, spreadsheet, CSV; at most 20 MiB): the file itself is the body.
    Its type is judged from its bytes (415 when not accepted); the same bytes are stored once."""
    # a Content-Length over the limit was refused before the route (permille.api.app.BodySizeLimit)
    await run_in_threadpool(_may_attach, session, kind, record_id, user)  # before reading the body
    spool = Spool(documents.MAX_BYTES)
    try:
        async for chunk in request.stream():
            spool.write(chunk)
    except OverflowError:
        spool.discard()
        raise _too_large() from None
    except BaseException:
        spool.discard()
        raise
    spooled = spool.finish()
    try:
        row = await run_in_threadpool(
            documents.attach, session, request.app.state.filestore, kind, record_id, user, name, spooled
        )
    finally:
        spooled.path.unlink(missing_ok=True)
    return documents.attachment_dict(row, user.name)
