"""The review queue (domain: :mod:`permille.registry.review`): submit a record, approve or return it,
the queue of the deciders, and the page "My organisation"."""

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from pydantic import BaseModel, Field

from ...registry import review
from ...registry.orm import User
from ...registry.schemas import Strict
from ..deps import SessionDep, require
from ..errors import ERROR_RESPONSES

router = APIRouter(tags=["review"], responses=ERROR_RESPONSES)
Signed = Annotated[User, Depends(require("member", "partner", "stc", "secretariat"))]
Deciders = Annotated[User, Depends(require("stc", "secretariat"))]


class ReviewStateOut(BaseModel):
    state: str
    comment: str
    submitted_at: str | None
    decided_at: str | None
    pending: bool = Field(description="a change of the published record awaits review")
    proposed: dict | None = Field(
        None,
        description="the pending change (the fields that differ from the published record), for who may see it",
    )


class Change(BaseModel):
    field: str
    before: Any
    after: Any


class QueueItem(BaseModel):
    kind: str
    id: int
    title: str
    organisation: str | None
    submitted_by: str | None
    submitted_at: str | None
    published: bool
    first_publication: bool
    pending: bool
    changes: list[Change]
    record: dict


class SubmitMany(Strict):
    ids: Annotated[list[int], Field(min_length=1, max_length=review.MAX_SUBMITTED)]


class ReturnBody(Strict):
    comment: Annotated[str, Field(min_length=1, max_length=5000)]


@router.get("/review", response_model=list[QueueItem])
def queue(session: SessionDep, user: Deciders):
    """What awaits my review (the Secretariat: every kind; the STC: assessments), oldest first, each with
    its changes since it was last published."""
    return review.queue(session, user)


@router.get("/review/{kind}/{record_id}", response_model=ReviewStateOut | None)
def state(kind: str, record_id: int, session: SessionDep, user: Signed):
    """Where a record I may read stands in the review (null: a draft, never submitted), with its pending
    change for those who may change the record or decide on it."""
    return review.state_for(session, kind, record_id, user)


@router.post("/review/{kind}/{record_id}/submit", response_model=ReviewStateOut)
def submit(kind: str, record_id: int, session: SessionDep, user: Signed):
    """Submit a record for review (someone who may change it)."""
    return review.state_dict(review.submit(session, kind, record_id, user))


@router.post("/review/{kind}/submit", response_model=list[ReviewStateOut])
def submit_many(kind: str, body: SubmitMany, session: SessionDep, user: Signed):
    """Submit several records of a kind for review, all or none (e.g. every row of a CSV upload)."""
    return [review.state_dict(row) for row in review.submit_many(session, kind, body.ids, user)]


@router.post("/review/{kind}/{record_id}/approve", response_model=ReviewStateOut)
def approve(kind: str, record_id: int, session: SessionDep, user: Deciders):
    """Approve a submitted record: it is published."""
    review.approve(session, kind, record_id, user)
    return review.state_dict(review.state_of(session, kind, record_id, user))


@router.post("/review/{kind}/{record_id}/return", response_model=ReviewStateOut)
def return_(
    kind: str,
    record_id: int,
    body: ReturnBody,
    session: SessionDep,
    user: Deciders,
    request: Request,
    tasks: BackgroundTasks,
):
    """Return a submitted record with a comment (the submitter is told by e-mail)."""
    row = review.return_(session, kind, record_id, user, body.comment)
    tasks.add_task(request.app.state.courier.nudge)
    return review.state_dict(row)


@router.get("/my-organisation")
def my_organisation(session: SessionDep, user: Signed) -> dict:
    """My organisation, its members and its records with their review state."""
    return review.organisation_overview(session, user)
