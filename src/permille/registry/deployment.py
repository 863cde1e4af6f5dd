"""Whether the platform runs as a deployment, and what a deployment refuses to start with.

A deployment is ``PERMILLE_ENV=production``, or — with ``PERMILLE_ENV`` unset — a registry on a database
server (any URL but SQLite, i.e. PostgreSQL). ``PERMILLE_ENV=development`` declares a trial or test
installation on any database. A deployment refuses to start (:class:`DeploymentRefused`) with demo data
asked for (``--demo``) or with an active demo account (:func:`permille.registry.seed.demo_accounts`),
whose password is published. The platform has no other default secret: tokens are random, and the first
real account is made by ``permille users create-admin``.
"""

import os

from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from .seed import demo_accounts

ENVIRONMENT = "PERMILLE_ENV"
ENVIRONMENTS = ("production", "development")


class DeploymentRefused(RuntimeError):
    """The platform must not start like this; the message says why and what to do."""


def is_deployment(url: str | URL) -> bool:
    """Whether the registry at ``url`` is run as a deployment (see the module's description)."""
    environment = os.environ.get(ENVIRONMENT, "").strip().lower()
    if environment and environment not in ENVIRONMENTS:
        raise DeploymentRefused(f"{ENVIRONMENT}={environment!r}: give one of {', '.join(ENVIRONMENTS)}")
    if environment:
        return environment == "production"
    return make_url(url).get_backend_name() != "sqlite"


def check(session: Session, url: str | URL, *, demo: bool) -> None:
    """Refuse (:class:`DeploymentRefused`) to run a deployment with ``demo`` or an active demo account."""
    if not is_deployment(url):
        return
    why = f"this is a deployment ({ENVIRONMENT}=production, or a PostgreSQL database without {ENVIRONMENT})"
    if demo:
        raise DeploymentRefused(
            f"{why}: it does not load demo records and accounts (their passwords are published). Leave out "
            f"--demo, or try the platform with {ENVIRONMENT}=development"
        )
    active = [user.email for user in demo_accounts(session) if user.active]
    if active:
        raise DeploymentRefused(
            f"{why}, and it holds {len(active)} active demo account(s) with published passwords: "
            f"{', '.join(active)}. Run `permille users deactivate-demo` (and `permille users create-admin` "
            "for a real Secretariat account), then start again"
        )
