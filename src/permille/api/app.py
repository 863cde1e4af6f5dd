"""The platform's web application: the API under ``/api`` and the web pages at ``/``."""

import asyncio
import logging
import os
from contextlib import asynccontextmanager
from importlib.resources import files

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse

from .. import __version__
from ..mail import transport as mail_transport
from ..mail.queue import Courier
from ..registry import deployment, documents, events, real_atlas, schedule, zones
from ..registry import seed as seed_module
from ..registry.db import make_engine, migrate, session_factory
from ..registry.filestore import FileStore, default_url
from ..toolkit.pool import ComputePool
from . import docs, errors, readmodels
from .boundary import JsonDepthLimit, SecurityHeaders
from .csv_header import CsvHeaderLabels
from .edge import ReadEdge
from .help import HelpSite
from .routes import atlas as atlas_routes
from .routes import (
    auth,
    kinds,
    kpis,
    layers,
    monitoring,
    ndc,
    observations,
    proposals,
    records,
    sites_validation,
    tokens,
    toolkit,
    toolkit_saved,
)
from .routes.accounts import router as accounts_router
from .routes.calendar import router as calendar_router
from .routes.calls import router as calls_router
from .routes.directory import router as directory_router
from .routes.documents import UPLOAD_PATH
from .routes.documents import router as documents_router
from .routes.events import Broker
from .routes.events import router as events_router
from .routes.helpdesk import router as helpdesk_router
from .routes.i18n import router as i18n_router
from .routes.mail import router as mail_router
from .routes.notifications import router as notifications_router
from .routes.review import router as review_router
from .routes.twins import router as twins_router
from .routes.working_groups import router as working_groups_router

_log = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 10 * 2**20
"""Largest accepted upload (bytes); a bigger one is refused with 413."""


class BodySizeLimit:
    """Refuse request bodies over ``limit`` bytes with 413: at once by Content-Length, else while reading.
    ``overrides``: (path pattern, limit) of the routes allowed another limit (the documents' upload)."""

    def __init__(self, app, limit: int, overrides: tuple = ()):
        self.app, self.limit, self.overrides = app, limit, overrides

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = next((n for pattern, n in self.overrides if pattern.match(scope["path"])), self.limit)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"").decode("latin-1")
        if length.isdigit() and int(length) > limit:
            response = errors.error_response(413, self._message(limit))
            return await response(scope, receive, send)
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, self._message(limit))
            return message

        return await self.app(scope, limited_receive, send)

    def _message(self, limit: int) -> str:
        return f"the request body is larger than the limit of {limit} bytes"


def create_app(
    engine: Engine | None = None,
    *,
    seed: bool = True,
    demo: bool = False,
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
    demo_layers: bool = False,
    toolkit_workers: int | None = None,
    start_toolkit: bool = False,
    filestore_url: str | None = None,
    scheduler: bool = False,
) -> FastAPI:
    """The app on ``engine`` (default: :func:`~permille.registry.db.database_url`), migrated to the newest
    revision and, with ``seed``, holding the seed catalogues, and with ``demo`` the demo records and
    accounts. A deployment refuses ``demo`` and active demo accounts
    (:func:`~permille.registry.deployment.check`, raising ``DeploymentRefused``). ``demo_layers`` loads and
    shows the SYNTHETIC zone statistics ("atlas-synthetic", labelled demonstration data) where no real
    dataset is loaded; without it the monitoring pages show only real data. ``toolkit_workers``: processes
    of the toolkit's pool (default :func:`permille.toolkit.pool.default_size`; 0: threads of this process);
    with ``start_toolkit`` its processes are started before the app answers (``permille serve``), else at
    the first calculation. ``filestore_url``: where documents are kept (an fsspec URL or a folder; default
    :func:`permille.registry.filestore.default_url`).
    the first calculation. With ``scheduler`` (``permille serve``) each process runs the daily jobs
    (digest, event reminders) at ``PERMILLE_DAILY_HOUR`` UTC, once per day across processes
    (:mod:`permille.registry.schedule`), when ``PERMILLE_PUBLIC_URL`` is set.
    On PostgreSQL, changes are shared with the other processes serving the same database
    (:func:`permille.registry.events.bridge`)."""
    engine = engine or make_engine()
    migrate(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        deployment.check(session, engine.url, demo=demo)
    if seed:
        with sessions() as session:
            seed_module.seed(session, demo=demo)
            if demo_layers:
                zones.load_bundled(session)
            else:  # the real default atlas (bundled layers), never mixed with the synthetic one
                real_atlas.load_default(session)
            session.commit()
    broker = Broker()
    read_models = readmodels.ReadModels()
    daily_hour = schedule.daily_hour() if scheduler else None  # a wrong setting fails before serving

    def poll_versions() -> None:
        with sessions() as session:
            read_models.poll(session)

    async def keep_polling() -> None:
        while True:
            await asyncio.sleep(readmodels.POLL_S)
            try:
                await asyncio.to_thread(poll_versions)
            except Exception:  # a database gone for a moment: the next poll tries again
                _log.exception("reading the database version of the read models failed")

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        # the kept answers first: a page told of a change by the stream re-fetches a fresh answer
        unsubscribe_read_models = events.subscribe(read_models.changed)
        unsubscribe = events.subscribe(broker.publish)
        unbridge = events.bridge(engine) if engine.dialect.name == "postgresql" else None
        _app.state.toolkit = ComputePool(toolkit_workers)
        if start_toolkit:
            await asyncio.to_thread(_app.state.toolkit.start)
        courier = asyncio.create_task(_app.state.courier.run())  # retries of the mail queue
        daily = None
        if daily_hour is not None:
            public_url = os.environ.get("PERMILLE_PUBLIC_URL", "").strip()
            if public_url:
                daily = asyncio.create_task(schedule.keep_daily(sessions, public_url, daily_hour))
            else:
                _log.warning("the daily digest and reminders are off: set PERMILLE_PUBLIC_URL")
        warming = sites_validation.warm_up()  # in each serving process (not in the parent of --workers)
        poller = None
        if read_models.enabled:
            poll_versions()  # the baseline: what the first answers are computed from
            poller = asyncio.create_task(keep_polling())
        try:
            yield
        finally:
            courier.cancel()
            if daily is not None:
                daily.cancel()
            if warming is not None:
                warming.stop()
            if poller is not None:
                poller.cancel()
            unsubscribe_read_models()
            unsubscribe()
            broker.close()
            if unbridge:
                unbridge()
            _app.state.toolkit.close()

    app = FastAPI(
        title="permille platform",
        version=__version__,
        description="Records, KPIs, observations and calculators of the «4 per 1000» Initiative.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.engine, app.state.sessions, app.state.broker = engine, sessions, broker
    app.state.max_upload_bytes = max_upload_bytes
    app.state.filestore = FileStore(filestore_url or default_url())
    app.state.demo_layers = demo_layers
    app.state.readmodels = read_models
    app.state.courier = Courier(sessions, mail_transport.from_env(), mail_transport.sender())
    errors.install(app)
    app.add_middleware(JsonDepthLimit)
    app.add_middleware(BodySizeLimit, limit=max_upload_bytes, overrides=((UPLOAD_PATH, documents.MAX_BYTES),))
    app.add_middleware(ReadEdge)
    app.add_middleware(CsvHeaderLabels)  # outside the edge: kept CSV answers relabelled as they are sent
    app.add_middleware(SecurityHeaders)
    docs.install(app)
    for router in (auth.router, observations.router, kpis.router, monitoring.router, toolkit.router):
        app.include_router(router, prefix="/api")
    app.include_router(events_router, prefix="/api")
    for router in (accounts_router, review_router, mail_router):  # accounts' life cycle, review, e-mail
        app.include_router(router, prefix="/api")
    for router in (calls_router, helpdesk_router, notifications_router):  # calls, helpdesk, notifications
        app.include_router(router, prefix="/api")
    for router in (documents_router, working_groups_router):  # documents and working groups
        app.include_router(router, prefix="/api")
    for router in (directory_router, calendar_router, twins_router):  # directory, calendar, F1 pilot
        app.include_router(router, prefix="/api")
    app.include_router(sites_validation.router, prefix="/api")
    app.include_router(records.router, prefix="/api")
    app.include_router(layers.router, prefix="/api")
    app.include_router(kinds.router, prefix="/api")
    app.include_router(ndc.router, prefix="/api")
    app.include_router(atlas_routes.router, prefix="/api")
    app.include_router(tokens.router, prefix="/api")
    app.include_router(proposals.router, prefix="/api")
    app.include_router(toolkit_saved.router, prefix="/api")  # the toolkit's saved calculations
    app.state.help = HelpSite()  # the documentation site, built at its first request (or by `serve`)
    app.add_route(
        "/help", lambda _request: RedirectResponse("/help/", status_code=308), include_in_schema=False
    )
    app.mount("/help", app.state.help, name="help")
    app.include_router(i18n_router, prefix="/api")  # the pages' messages (one catalogue)
    app.mount("/", StaticFiles(directory=str(files("permille.web") / "static"), html=True), name="web")
    return app


def app_from_env() -> FastAPI:
    """The app as ``permille serve --workers N`` starts it in each worker process (uvicorn's import string
    ``permille.api.app:app_from_env``, a factory): database ``PERMILLE_DATABASE_URL``, toolkit processes
    ``PERMILLE_TOOLKIT_WORKERS``, demo data and synthetic layers when ``PERMILLE_DEMO`` and
    ``PERMILLE_DEMO_LAYERS`` are ``1``; seeding only when ``PERMILLE_SEED`` is not ``0`` (``serve`` migrates
    and seeds once before starting the workers)."""
    return create_app(
        seed=os.environ.get("PERMILLE_SEED", "1") != "0",
        demo=os.environ.get("PERMILLE_DEMO", "0") == "1",
        demo_layers=os.environ.get("PERMILLE_DEMO_LAYERS", "0") == "1",
        start_toolkit=True,
        scheduler=True,
    )
