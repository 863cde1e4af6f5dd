"""Observations at another organisation's site are proposals: a site's observations
are its owner's data, so a writer who is not the Secretariat and not of the site's organisation adds
nothing to an organisation's site directly. What they post (one at a time or in a bulk ingest) is stored as the site owner's
*unpublished* record with ``proposed`` set; the owner's members or the Secretariat accept it
(:func:`accept`), after which it counts as the site's data (the monitoring pages leave proposals out) and
the Secretariat may publish it. The audit log keeps who proposed it."""

from typing import Any

from sqlalchemy.orm import Session

from . import orm
from .permissions import Role, allowed, role_of


def is_proposal(user: Any, site: orm.Site | None, organisation_id: int | None) -> bool:
    """Whether an observation of ``organisation_id`` written by ``user`` at ``site`` is a proposal: the
    site belongs to another organisation and the writer is not the Secretariat. (A site of no
    organisation is the Secretariat's: an observation there stays the writer's, unpublished until the
    Secretariat publishes it.)"""
    if site is None or site.organisation_id is None or role_of(user) is Role.SECRETARIAT:
        return False
    return site.organisation_id != organisation_id


def as_proposal(values: dict, site: orm.Site) -> dict:
    """The observation's values as a proposal to the site's owner: owned by the site's organisation,
    unpublished, ``proposed``."""
    return values | {"organisation_id": site.organisation_id, "published": False, "proposed": True}


def accept(session: Session, record_id: int, user: Any) -> Any:
    """Accept the proposed observation ``record_id`` (the site owner's members or the Secretariat):
    ``proposed`` cleared, a new version, audited ("accept"). :class:`~.service.Conflict` when it is not a
    proposal; :class:`~.service.Forbidden` for anyone else."""
    from . import service

    k = service.kind_of("observations")
    changes: list[dict] = []
    with service.transaction(session, changes):
        record = service.get(session, k.name, record_id, user)
        if not allowed(user, "update", k.name, record, public_kind=not k.restricted):
            raise service._refuse(user, "only the site's organisation or the Secretariat accepts a proposal")
        if not record.proposed:
            raise service.Conflict(f"observation {record_id} is not a proposal")
        before = service.public_dict(k, record)
        record.proposed = False
        session.flush()
        after = service.public_dict(k, record)
        service.audit(session, user, k.name, record.id, "accept", before, after)
        service._snapshot(session, user, k, record.id, after)
        changes.append(service._change(k, "update", record))
    return record
