"""``POST /api/observations/ingest``: a CSV of soil observations stored all-or-nothing in one
transaction, or a 422 listing every bad row. One result per line, columns (header on line 1):
``site_id, upper_cm, lower_cm, property, value, unit`` and optionally ``uncertainty, date, method``;
properties, units and plausible ranges are those of :mod:`permille.measure.soildata`. Uploads beyond
the app's ``max_upload_bytes`` and files of more than :data:`~permille.registry.service.MAX_INGEST_ROWS`
rows are refused with 413. Single observations: the ``observations`` record routes (``POST /api/observations``, ``GET /api/observations?site_id=&country_iso3=&property=``).
"""

import csv
import io

from fastapi import APIRouter, UploadFile
from pydantic import BaseModel

from ... import i18n
from ...registry import service
from ...registry.kinds import KINDS
from ..deps import SessionDep, UserDep
from ..errors import ERROR_RESPONSES, ApiError

router = APIRouter(tags=["observations"], responses=ERROR_RESPONSES)
_FIELDS = KINDS["observations"].base.model_fields
REQUIRED = tuple(name for name, info in _FIELDS.items() if info.is_required())


class IngestReport(BaseModel):
    stored: int
    ids: list[int]


@router.post(
    "/observations/ingest",
    response_model=IngestReport,
    status_code=201,
    description=(
        "Store every observation of the CSV `file` (UTF-8) or none of them (422 lists every bad row). "
        f"At most {service.MAX_INGEST_ROWS:,} rows per request (413 beyond: split the file), so that one "
        "ingest holds the write lock for seconds, not minutes."
    ),
)
def ingest(file: UploadFile, session: SessionDep, user: UserDep) -> IngestReport:
    """Store every observation of the CSV ``file`` (UTF-8) or none of them."""
    raw = file.file.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ApiError(422, i18n.Text("the file is not UTF-8 text (byte {byte})", byte=e.start)) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        rows, numbers, problems = _read_rows(reader)
    except csv.Error as e:  # e.g. a cell over the csv module's field limit (131,072 characters)
        raise ApiError(
            422,
            i18n.Text(
                "the CSV file cannot be read at line {line}: {error}", line=reader.line_num + 1, error=str(e)
            ),
        ) from None
    ids = service.ingest_observations(session, rows, user, row_numbers=numbers, file_problems=problems)
    return IngestReport(stored=len(ids), ids=ids)


def _read_rows(reader: csv.DictReader) -> tuple[list[dict], list[int], list[dict]]:
    """The rows of the CSV (stripped cells), their line numbers and the problems of the file's shape."""
    header = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        details = [{"row": 1, "column": c, "message": "column missing"} for c in missing]
        raise ApiError(
            422,
            i18n.Text(
                "{n} required column missing; header: {header}",
                "{n} required columns missing; header: {header}",
                n=len(missing),
                header=", ".join(header),
            ),
            details,
        )
    reader.fieldnames = header
    rows, numbers, problems = [], [], []
    for line in reader:
        if len(rows) > service.MAX_INGEST_ROWS:  # enough read to refuse it
            break
        numbers.append(reader.line_num)
        if None in line:  # more cells than the header has columns
            problems.append({"row": reader.line_num, "column": None, "message": "more cells than columns"})
            line.pop(None)
        rows.append({c: (v.strip() if isinstance(v, str) else v) for c, v in line.items()})
    return rows, numbers, problems
