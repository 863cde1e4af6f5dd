"""CRUD routes of every record kind, built from :data:`permille.registry.kinds.KINDS`.

For a kind ``k``: ``GET /api/k`` (``page``, ``page_size``, ``q``, ``sort=-field``, ``field=value``
filters) → ``{"items", "total", "page", "page_size"}``; ``GET /api/k/export.csv`` and, for spatial kinds,
``GET /api/k/export.geojson`` (same filters, every match); ``GET /api/k/{id}``; ``GET /api/k/{id}/history``;
``POST /api/k``; ``PATCH /api/k/{id}``. Lists and records are cached read models
(:mod:`permille.api.readmodels`, aggregate ``records``).
"""

import json
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field, create_model

from ...io.csv_safe import csv_chunks
from ...registry import service
from ...registry.kinds import KINDS, RecordKind
from ...registry.schemas import MAX_INTEGER, Strict
from ..deps import SessionDep, UserDep
from ..errors import ERROR_RESPONSES
from ..readmodels import cached

router = APIRouter(responses=ERROR_RESPONSES)
_PAGING = ("page", "page_size", "q", "sort")


class HistoryEntry(BaseModel):
    at: str
    actor: str | None = Field(description="who wrote it: the writer's name (shown to signed-in readers)")
    actor_organisation: str | None = Field(None, description="the writer's organisation (signed-in readers)")
    actor_email: str | None = Field(None, description="the writer's e-mail address (the Secretariat only)")
    action: str
    version: int | None
    before: dict | None
    after: dict | None


def _query_model(k: RecordKind) -> type[BaseModel]:
    sorts = tuple(name for field in k.sort for name in (field, f"-{field}"))
    fields: dict[str, Any] = {
        "page": (int, Field(1, ge=1, le=10**6, description="page number, from 1")),
        "page_size": (int, Field(50, ge=1, le=service.MAX_PAGE_SIZE)),
        "q": (str | None, Field(None, max_length=200, description="words to find in " + ", ".join(k.search))),
        "sort": (Literal[sorts] | None, Field(None, description="a field; '-' first for descending")),
    }
    for name, column in k.filters.items():
        kind = column.type.python_type
        bounds = {"ge": -MAX_INTEGER, "le": MAX_INTEGER} if kind is int else {}
        fields[name] = (kind | None, Field(None, description=f"only records with this {name}", **bounds))
    stem = k.public.__name__.removesuffix("Public")
    return create_model(f"{stem}Query", __base__=Strict, **fields)


def _options(params: BaseModel) -> dict:
    values = params.model_dump()
    return {
        "q": values["q"],
        "sort": values["sort"],
        "filters": {n: v for n, v in values.items() if n not in _PAGING},
    }


def _geojson(rows: Iterator[dict]) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    for i, row in enumerate(rows):
        geometry = {"type": "Point", "coordinates": [row["lon"], row["lat"]]}
        feature = {"type": "Feature", "id": row["id"], "geometry": geometry, "properties": row}
        yield ("," if i else "") + json.dumps(feature)
    yield "]}"


def _add_routes(k: RecordKind) -> None:
    Query_ = _query_model(k)
    Page = create_model(
        f"{k.public.__name__.removesuffix('Public')}Page",
        items=(list[k.public], ...),
        total=(int, ...),
        page=(int, ...),
        page_size=(int, ...),
    )
    Id = Annotated[int, Path(ge=1, le=MAX_INTEGER, description=f"id of the {k.name} record")]
    tags = [k.name]
    base = f"/{k.name}"

    @router.get(base, response_model=Page, tags=tags, operation_id=f"list_{k.name}", summary=f"List {k.name}")
    @cached("records", model=Page)
    def list_(params: Annotated[Query_, Query()], session: SessionDep, user: UserDep):
        options = _options(params)
        items, total = service.list_records(
            session, k.name, user, page=params.page, page_size=params.page_size, **options
        )
        session.commit()  # hand the connection back before FastAPI validates the answer in another thread
        return {"items": items, "total": total, "page": params.page, "page_size": params.page_size}

    @router.get(
        f"{base}/export.csv",
        tags=tags,
        operation_id=f"export_{k.name}_csv",
        summary=f"Export {k.name} as CSV",
        response_class=StreamingResponse,
        responses={200: {"content": {"text/csv": {}}}},
    )
    def export_csv(params: Annotated[Query_, Query()], session: SessionDep, user: UserDep):
        rows = list(service.export(session, k.name, user, **_options(params)))  # read before the session ends
        return StreamingResponse(
            csv_chunks(rows, list(k.public.model_fields)),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{k.name}.csv"'},
        )

    if k.spatial:

        @router.get(
            f"{base}/export.geojson",
            tags=tags,
            operation_id=f"export_{k.name}_geojson",
            summary=f"Export {k.name} as GeoJSON (WGS 84 points)",
            response_class=StreamingResponse,
            responses={200: {"content": {"application/geo+json": {}}}},
        )
        def export_geojson(params: Annotated[Query_, Query()], session: SessionDep, user: UserDep):
            rows = list(service.export(session, k.name, user, **_options(params)))
            return StreamingResponse(
                _geojson(iter(rows)),
                media_type="application/geo+json",
                headers={"Content-Disposition": f'attachment; filename="{k.name}.geojson"'},
            )

    @router.get(f"{base}/{{record_id}}", response_model=k.public, tags=tags, operation_id=f"get_{k.name}")
    @cached("records", model=k.public)
    def get(record_id: Id, session: SessionDep, user: UserDep):
        record = service.get(session, k.name, record_id, user)
        session.commit()  # as in list_: no connection held while waiting for a thread
        return record

    @router.get(
        f"{base}/{{record_id}}/history",
        response_model=list[HistoryEntry],
        tags=tags,
        operation_id=f"history_{k.name}",
    )
    def history(record_id: Id, session: SessionDep, user: UserDep):
        return service.history(session, k.name, record_id, user)

    @router.post(base, response_model=k.public, status_code=201, tags=tags, operation_id=f"create_{k.name}")
    def create(body: Annotated[k.create, Body()], session: SessionDep, user: UserDep):
        return service.create(session, k.name, body, user)

    @router.patch(
        f"{base}/{{record_id}}",
        response_model=k.public,
        tags=tags,
        operation_id=f"update_{k.name}",
        description=UPDATE_DESCRIPTION,
    )
    def update(record_id: Id, body: Annotated[k.update, Body()], session: SessionDep, user: UserDep):
        return service.update(session, k.name, record_id, body, user)


UPDATE_DESCRIPTION = (
    "Change the fields given (with the record's `version` for versioned kinds; a stale one is 409). A change "
    "to a published record by someone who may not publish leaves it published and unchanged (the answer) and "
    "is kept as its pending change until the review approves it (`GET /api/review/{kind}/{id}`). A change "
    "that changes nothing writes nothing (no new version)."
)

for _kind in KINDS.values():
    _add_routes(_kind)
