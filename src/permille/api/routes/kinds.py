"""``GET /api/kinds``: every record kind as the web pages show it to the caller — its search, filter and sort
fields and the writes the caller's role may do (``create``, ``update``: ``"any"``/``"own"``/null,
``publish``; ``submit`` and ``review`` for the review), answered by :func:`permille.registry.permissions.writes`, the rule the writes themselves are
checked by. ``GET /api/kinds/{kind}`` adds the JSON Schemas of the kind's Create and Update models (the
forms are rendered from them) and the fields a record shows.
"""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from ...registry import pending
from ...registry.kinds import KINDS, RecordKind
from ...registry.permissions import allowed, role_of, writes
from ...registry.review import deciders
from ..deps import UserDep
from ..errors import ERROR_RESPONSES

router = APIRouter(tags=["kinds"], responses=ERROR_RESPONSES)


class Writes(BaseModel):
    create: bool
    update: Literal["any", "own"] | None = Field(
        description="which records: any, the caller's organisation's"
    )
    publish: bool = Field(description="publish and withdraw from publication")
    submit: bool = Field(
        description="submit the records the caller may change for review (who may not publish)"
    )
    review: bool = Field(description="approve or return what is submitted for review")


class FilterField(BaseModel):
    name: str
    type: Literal["integer", "number", "boolean", "string", "date"]
    choices: list[str] | None = None


class KindSummary(BaseModel):
    name: str
    readable: bool = Field(description="the caller may list the kind")
    spatial: bool
    versioned: bool
    restricted: bool = Field(description="never shown to the public")
    reviewed: bool = Field(description="what members and partners write waits for review")
    search: list[str]
    filters: list[FilterField]
    sort: list[str]
    writes: Writes


class KindDetail(KindSummary):
    fields: list[str] = Field(description="the fields of a record as the API shows it")
    create_schema: dict[str, Any]
    update_schema: dict[str, Any]


_TYPES = {int: "integer", float: "number", bool: "boolean", str: "string"}


def _choices(schema: dict, name: str) -> list[str] | None:
    """The enum of a property (plain, optional or by reference) of a JSON Schema."""
    prop = schema.get("properties", {}).get(name, {})
    for option in (prop, *prop.get("anyOf", ())):
        ref = option.get("$ref")
        target = schema["$defs"][ref.rsplit("/", 1)[-1]] if ref else option
        if "enum" in target:
            return [str(v) for v in target["enum"]]
    return None


def _filters(k: RecordKind, schema: dict) -> list[FilterField]:
    out = []
    for name, column in k.filters.items():
        python = column.type.python_type
        kind = _TYPES.get(python, "date" if python.__name__ == "date" else "string")
        out.append(FilterField(name=name, type=kind, choices=_choices(schema, name)))
    return out


def _summary(k: RecordKind, user) -> dict:
    public_kind = not k.restricted
    schema = k.create.model_json_schema()
    reviewed, may = pending.reviewed(k.name), writes(user, k.name, public_kind=public_kind)
    return {
        "name": k.name,
        "readable": allowed(user, "read", k.name, public_kind=public_kind),
        "spatial": k.spatial,
        "versioned": k.versioned,
        "restricted": k.restricted,
        "search": list(k.search),
        "filters": _filters(k, schema),
        "sort": list(k.sort),
        "reviewed": reviewed,
        "writes": may
        | {
            "submit": reviewed and may["update"] is not None and not may["publish"],
            "review": reviewed and role_of(user) in deciders(k.name),
        },
    }


@router.get("/kinds", response_model=list[KindSummary], operation_id="list_kinds")
def list_kinds(user: UserDep):
    """Every record kind, with what the caller may do in it."""
    return [_summary(k, user) for k in KINDS.values()]


@router.get("/kinds/{kind}", response_model=KindDetail, operation_id="get_kind")
def get_kind(kind: Annotated[Literal[tuple(KINDS)], Path(description="a record kind")], user: UserDep):
    """One record kind with the JSON Schemas its forms are rendered from."""
    k = KINDS[kind]
    return {
        **_summary(k, user),
        "fields": list(k.public.model_fields),
        "create_schema": k.create.model_json_schema(),
        "update_schema": k.update.model_json_schema(),
    }
