"""Regional helpdesks (objective B3): anyone, anonymous included, asks a question of a region's helpdesk;
it is routed to the region's experts (partner or STC users with the region among theirs), one of them is
assigned (by the Secretariat, or takes it), answers (the asker is told by e-mail), the asker follows up or
closes; the expert may propose the answer as an FAQ entry, public once the Secretariat publishes it. The
asker never answers. Steps: ``data/workflows/helpdesk_question.yaml`` and ``faq_entry.yaml`` through
:func:`permille.registry.workflow.fire`."""

import hashlib
import secrets
from typing import Annotated, Any, Literal

from pydantic import Field
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .. import i18n
from ..mail.compose import compose
from ..mail.queue import enqueue
from . import orm
from .notify import notify
from .permissions import Role, role_of
from .schemas import Email, Iso3, Name, RecordId, Region, Strict
from .service import Forbidden, Invalid, NotFound, _validate, transaction
from .workflow import fire, machine

Topic = Literal["practices", "compensation_schemes", "ecosystem_services", "monitoring"]
Language = Literal["en", "fr", "es"]
TOPICS = Topic.__args__
REGIONS = Region.__args__
ANSWER_DAYS = 30
"""B3: a region's helpdesk counts when it answered within this many days."""


class QuestionIn(Strict):
    region: Region
    country_iso3: Iso3 | None = None
    topic: Topic
    language: Language = "en"
    subject: Name
    question: Annotated[str, Field(min_length=1, max_length=10_000)]
    email: Email | None = Field(None, description="where the answer goes (required when not signed in)")


class TextIn(Strict):
    text: Annotated[str, Field(max_length=10_000)]


class AssignIn(Strict):
    expert_id: RecordId


class FaqIn(Strict):
    question: Annotated[str, Field(min_length=1, max_length=10_000)]
    answer: Annotated[str, Field(min_length=1, max_length=20_000)]
    language: Language


class ExpertIn(Strict):
    regions: Annotated[list[Region], Field(max_length=5)]
    topics: Annotated[list[Topic], Field(max_length=4)] = list(TOPICS)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _experts(session: Session, region: str, topic: str | None = None) -> list[orm.User]:
    rows = session.execute(select(orm.HelpdeskExpert, orm.User).join(orm.User)).all()
    return [
        user
        for expert, user in rows
        if user.active and region in expert.regions and (topic is None or topic in expert.topics)
    ]


def set_expert(session: Session, user: Any, expert_id: int, payload: Any) -> dict:
    """Make a partner or STC user an expert of ``regions`` and ``topics`` (the Secretariat)."""
    if role_of(user) is not Role.SECRETARIAT:
        raise Forbidden(i18n.Text("only the Secretariat names helpdesk experts"))
    data = _validate(ExpertIn, payload)
    with transaction(session, []):
        expert = session.get(orm.User, expert_id)
        if expert is None or expert.role not in ("partner", "stc"):
            raise Invalid(
                "helpdesk experts are partner or STC users",
                [{"loc": ["expert_id"], "message": "not a partner or STC user", "type": "role"}],
            )
        row = session.get(orm.HelpdeskExpert, expert_id) or orm.HelpdeskExpert(user_id=expert_id)
        row.regions, row.topics = list(data.regions), list(data.topics)
        session.add(row)
    return expert_dict(session, row)


def expert_dict(session: Session, row: orm.HelpdeskExpert) -> dict:
    user = session.get(orm.User, row.user_id)
    return {
        "user_id": user.id,
        "name": user.name,
        "email": user.email,
        "regions": row.regions,
        "topics": row.topics,
    }


def experts(session: Session) -> list[dict]:
    return [expert_dict(session, r) for r in session.scalars(select(orm.HelpdeskExpert))]


def roles(session: Session, user: Any, question: orm.HelpdeskQuestion, token: str | None = None) -> set[str]:
    """The platform role and what ``user`` (or the holder of ``token``) is on ``question``."""
    held = {role_of(user).value}
    if token and secrets.compare_digest(_digest(token), question.asker_token_hash):
        held.add("asker")
    if user is None:
        return held
    if question.asker_id == user.id:
        held.add("asker")
    if question.expert_id == user.id:
        held.add("expert")
    if any(e.id == user.id for e in _experts(session, question.region)):
        held.add("region_expert")
    return held


def _question(session: Session, question_id: int, user: Any, token: str | None) -> orm.HelpdeskQuestion:
    row = session.get(orm.HelpdeskQuestion, question_id)
    if row is None:
        raise NotFound(i18n.Text("no question {id}", id=question_id))
    held = roles(session, user, row, token)
    if not held & {"asker", "expert", "region_expert", "secretariat", "stc"}:
        raise NotFound(i18n.Text("no question {id}", id=question_id))
    return row


def _guards(session: Session, user: Any, row: orm.HelpdeskQuestion, given: dict) -> dict:
    def known_region():
        return None if row.region in REGIONS else Invalid(f"unknown region {row.region}")

    def expert_of_region():
        expert = given["expert"]
        if expert.id not in {e.id for e in _experts(session, row.region)}:
            return Invalid(
                f"{expert.email} is not an expert of the {row.region} helpdesk",
                [{"loc": ["expert_id"], "message": "not an expert of this region", "type": "expert"}],
            )
        if role_of(user) is not Role.SECRETARIAT and expert.id != user.id:
            return Forbidden("an expert takes a question for themselves; the Secretariat assigns others")
        return None

    def text():
        if not given.get("text", "").strip():
            return Invalid("write the message", [{"loc": ["text"], "message": "required", "type": "missing"}])
        return None

    return {"known_region": known_region, "expert_of_region": expert_of_region, "text": text}


def ask(session: Session, user: Any, payload: Any, base_url: str) -> tuple[orm.HelpdeskQuestion, str]:
    """A new question (anyone; anonymous with an e-mail address), routed to the region's helpdesk; the
    asker gets a secret link to follow it, the region's experts a notification. (question, token)"""
    data = _validate(QuestionIn, payload)
    email = data.email or (user.email if user is not None else None)
    if email is None:
        raise Invalid(
            "give your e-mail address", [{"loc": ["email"], "message": "required", "type": "missing"}]
        )
    token = secrets.token_urlsafe(32)
    with transaction(session, []):
        row = orm.HelpdeskQuestion(
            created_at=orm.utcnow(),
            region=data.region,
            country_iso3=data.country_iso3,
            topic=data.topic,
            language=data.language,
            subject=data.subject,
            question=data.question,
            asker_email=email,
            asker_id=user.id if user is not None else None,
            asker_token_hash=_digest(token),
            state=machine("helpdesk_question").initial,
        )
        session.add(row)
        fire(
            session,
            "helpdesk_question",
            row,
            "ask",
            user,
            roles(session, user, row),
            _guards(session, user, row, {}),
            {"region": row.region, "topic": row.topic},
        )
        link = f"{base_url.rstrip('/')}/#/helpdesk?question={row.id}&token={token}"
        enqueue(
            session,
            compose(
                "helpdesk_received", email, data.language, subject=data.subject, region=data.region, link=link
            ),
        )
        for expert in _experts(session, row.region, row.topic):
            _tell_expert(session, expert, row, "question", "new", base_url)
    return row, token


def _tell_expert(session, expert, row, kind, event, base_url):
    notify(
        session,
        expert,
        kind,
        "helpdesk_task",
        base_url,
        f"/#/helpdesk?question={row.id}",
        region=row.region,
        subject=row.subject,
        topic=row.topic,
        asked_in=row.language,
        event=event,
    )


def act(
    session: Session,
    user: Any,
    question_id: int,
    action: str,
    payload: dict | None,
    base_url: str,
    token: str | None = None,
) -> orm.HelpdeskQuestion:
    """Take ``action`` on a question (the asker by their link ``token`` or account; experts; the Secretariat)."""
    payload = payload or {}
    given: dict = {}
    with transaction(session, []):
        row = _question(session, question_id, user, token)
        if action == "assign":
            expert = session.get(orm.User, _validate(AssignIn, payload).expert_id)
            if expert is None:
                raise Invalid(
                    "no such user", [{"loc": ["expert_id"], "message": "unknown", "type": "missing"}]
                )
            given["expert"] = expert
        if action in ("answer", "follow_up"):
            given["text"] = _validate(TextIn, payload).text
        faq = _validate(FaqIn, payload) if action == "propose_faq" else None
        held = roles(session, user, row, token)
        fire(
            session,
            "helpdesk_question",
            row,
            action,
            user,
            held,
            _guards(session, user, row, given),
            {"expert": given["expert"].email} if "expert" in given else None,
        )
        now = orm.utcnow()
        if action == "assign":
            row.expert_id = given["expert"].id
            if given["expert"].id != (user.id if user else None):
                _tell_expert(session, given["expert"], row, "assignment", "assigned", base_url)
        elif action == "answer":
            text = given["text"].strip()
            session.add(
                orm.HelpdeskMessage(question_id=row.id, at=now, author="expert", user_id=user.id, text=text)
            )
            row.answered_at = row.answered_at or now
            # an anonymous asker replies through the link of their first e-mail (only its digest is kept)
            values = {"subject": row.subject, "expert": user.name or user.email, "answer": text, "link": None}
            asker = session.get(orm.User, row.asker_id) if row.asker_id else None
            if asker is not None:
                notify(
                    session,
                    asker,
                    "answer",
                    "helpdesk_answered",
                    base_url,
                    f"/#/helpdesk?question={row.id}",
                    subject=row.subject,
                    expert=values["expert"],
                    answer=text,
                )
            else:
                enqueue(session, compose("helpdesk_answered", row.asker_email, row.language, **values))
        elif action == "follow_up":
            session.add(
                orm.HelpdeskMessage(
                    question_id=row.id,
                    at=now,
                    author="asker",
                    user_id=user.id if user else None,
                    text=given["text"].strip(),
                )
            )
            expert = session.get(orm.User, row.expert_id)
            _tell_expert(session, expert, row, "assignment", "follow_up", base_url)
        elif action == "propose_faq":
            entry = orm.FaqEntry(
                question_id=row.id,
                created_at=now,
                region=row.region,
                topic=row.topic,
                language=faq.language,
                question=faq.question,
                answer=faq.answer,
                proposed_by=user.id,
                state=machine("faq_entry").initial,
            )
            session.add(entry)
            fire(session, "faq_entry", entry, "propose", user, {"expert"}, {})
        elif action == "close":
            row.closed_at = now
    return row


def question_dict(session: Session, user: Any, row: orm.HelpdeskQuestion, token: str | None = None) -> dict:
    held = roles(session, user, row, token)
    expert = session.get(orm.User, row.expert_id) if row.expert_id else None
    messages = session.scalars(
        select(orm.HelpdeskMessage)
        .where(orm.HelpdeskMessage.question_id == row.id)
        .order_by(orm.HelpdeskMessage.id)
    )
    return {
        "id": row.id,
        "created_at": row.created_at.isoformat(),
        "region": row.region,
        "country_iso3": row.country_iso3,
        "topic": row.topic,
        "language": row.language,
        "subject": row.subject,
        "question": row.question,
        "asker_email": row.asker_email if held & {"expert", "region_expert", "secretariat", "stc"} else None,
        "state": row.state,
        "expert": (expert.name or expert.email) if expert else None,
        "expert_id": row.expert_id,
        "answered_at": row.answered_at.isoformat() if row.answered_at else None,
        "messages": [{"at": m.at.isoformat(), "author": m.author, "text": m.text} for m in messages],
        "actions": machine("helpdesk_question").allowed(row.state, held),
    }


def get_question(session: Session, user: Any, question_id: int, token: str | None = None) -> dict:
    return question_dict(session, user, _question(session, question_id, user, token), token)


def queue(session: Session, user: Any) -> list[dict]:
    """Questions for ``user``: every one (Secretariat, STC), those of their regions (an expert), or their own."""
    statement = select(orm.HelpdeskQuestion).order_by(orm.HelpdeskQuestion.id.desc())
    if role_of(user) not in (Role.SECRETARIAT, Role.STC):
        expert = session.get(orm.HelpdeskExpert, user.id)
        mine = [orm.HelpdeskQuestion.asker_id == user.id, orm.HelpdeskQuestion.expert_id == user.id]
        if expert is not None and expert.regions:
            mine.append(orm.HelpdeskQuestion.region.in_(expert.regions))
        statement = statement.where(or_(*mine))
    return [question_dict(session, user, r) for r in session.scalars(statement.limit(500))]


# --- FAQ -------------------------------------------------------------------------------------------------------


def faq_dict(row: orm.FaqEntry) -> dict:
    return {
        "id": row.id,
        "region": row.region,
        "topic": row.topic,
        "language": row.language,
        "question": row.question,
        "answer": row.answer,
        "state": row.state,
        "published_at": row.published_at.isoformat() if row.published_at else None,
    }


def faq(
    session: Session, user: Any, q: str = "", language: str | None = None, state: str = "published"
) -> list[dict]:
    """FAQ entries whose question or answer holds ``q`` (case-insensitive), in ``language`` if given;
    entries not published only for the Secretariat."""
    if state != "published" and role_of(user) is not Role.SECRETARIAT:
        raise Forbidden(i18n.Text("only the Secretariat reviews proposed FAQ entries"))
    where = [orm.FaqEntry.state == state]
    if language:
        where.append(orm.FaqEntry.language == language)
    for word in q.split()[:10]:
        pattern = f"%{word.lower()}%"
        where.append(
            or_(
                func.lower(orm.FaqEntry.question).like(pattern), func.lower(orm.FaqEntry.answer).like(pattern)
            )
        )
    rows = session.scalars(select(orm.FaqEntry).where(*where).order_by(orm.FaqEntry.id.desc()).limit(200))
    return [faq_dict(r) for r in rows]


def decide_faq(session: Session, user: Any, entry_id: int, action: str) -> orm.FaqEntry:
    """Publish, decline or withdraw a proposed FAQ entry (the Secretariat)."""
    with transaction(session, []):
        row = session.get(orm.FaqEntry, entry_id)
        if row is None:
            raise NotFound(i18n.Text("no FAQ entry {id}", id=entry_id))
        fire(session, "faq_entry", row, action, user, {role_of(user).value}, {})
        row.published_at = orm.utcnow() if row.state == "published" else None
    return row
